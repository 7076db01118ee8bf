//! Reading YAML that people wrote: front matter, site configuration, and later
//! calendars, programme rules and portfolio records.
//!
//! serde-saphyr does the parsing: it never panics, keeps source positions
//! (`Spanned`), rejects duplicate keys and enforces budgets against alias
//! bombs. This module turns its errors into located [`Diagnostic`]s with a
//! plain sentence and a hint, including a did-you-mean for unknown keys.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{Budget, DuplicateKeyPolicy, Location, Options};

use crate::core::diagnostic::{did_you_mean, Diagnostic, Position, RuleId, Text};

pub const SYNTAX: RuleId = RuleId::new("yaml.syntax");
pub const UNKNOWN_KEY: RuleId = RuleId::new("yaml.unknown-key");
pub const DUPLICATE_KEY: RuleId = RuleId::new("yaml.duplicate-key");
pub const WRONG_TYPE: RuleId = RuleId::new("yaml.wrong-type");
pub const MISSING_KEY: RuleId = RuleId::new("yaml.missing-key");
pub const TOO_BIG: RuleId = RuleId::new("yaml.too-big");
pub const INVALID_VALUE: RuleId = RuleId::new("yaml.invalid-value");

/// Marks a custom error of a `Deserialize` impl (a value of the right type
/// but outside what is allowed) so that it becomes an [`INVALID_VALUE`]
/// diagnostic with both languages, at the value itself.
const VALUE_MARK: char = '⁂'; // printable: serde-saphyr escapes control characters

/// The serde error for a value out of bounds, in both languages.
pub fn invalid_value<E: serde::de::Error>(fr: &str, en: &str) -> E {
    E::custom(format!("{VALUE_MARK}{fr}{VALUE_MARK}{en}"))
}

/// Limits that keep a hostile or broken file from exhausting memory: far above
/// any real page, record or calendar, far below what an alias bomb expands to.
fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_events = 1_000_000;
    budget.max_nodes = 500_000;
    budget.max_depth = 64;
    budget.max_total_scalar_bytes = 16 * 1024 * 1024;
    serde_saphyr::options! {
        budget: Some(budget),
        duplicate_keys: DuplicateKeyPolicy::Error,
        with_snippet: false,
        strict_booleans: true,
    }
}

/// Converts a saphyr location into a position in the file, given the line on
/// which the YAML text starts in that file (1 for a whole YAML file, 2 for
/// front matter after the opening `---`).
pub fn position(loc: &Location, first_line: u32) -> Position {
    if loc.line() == 0 {
        return Position::new(first_line, 1);
    }
    Position::new(loc.line() as u32 + first_line - 1, loc.column() as u32)
}

/// Parses `text` into `T`, or returns the diagnostic that says where and why
/// it could not. `known_keys` feeds the did-you-mean of unknown-key errors.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|e| {
        let mut d = diagnostic_of(&e, file, first_line);
        if d.rule == SYNTAX && d.message.en.contains("tab") {
            // The parser reports a tab where the scalar before it started;
            // point at the tab itself, at or after that line.
            let from = d.position.line.saturating_sub(first_line) as usize;
            if let Some((n, col)) = text.lines().enumerate().skip(from).find_map(|(n, l)| {
                let indent = l.len() - l.trim_start_matches([' ', '\t']).len();
                l[..indent].find('\t').map(|c| (n, c))
            }) {
                d.position = Position::new(n as u32 + first_line, col as u32 + 1).with_len(1);
            }
        }
        d
    })
}

fn diagnostic_of(err: &serde_saphyr::Error, file: &Path, first_line: u32) -> Diagnostic {
    let inner = err.without_snippet();
    let pos = inner
        .location()
        .map(|l| position(&l, first_line))
        .unwrap_or(Position::new(first_line, 1));
    let raw = inner.to_string();
    // serde-saphyr appends " at line X column Y" to some messages; our
    // rendering shows the position itself.
    let msg = raw
        .split(" at line ")
        .next()
        .unwrap_or(&raw)
        .trim()
        .to_string();
    classify(&msg, file, pos)
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    let end = s[start..].find(close)? + start;
    Some(&s[start..end])
}

/// What a type error expected, in words a non-developer understands.
fn expected_type(lower: &str) -> Option<(&'static str, &'static str)> {
    const TABLE: &[(&str, &str, &str)] = &[
        ("invalid i", "un nombre entier", "a whole number"),
        (
            "invalid u",
            "un nombre entier positif",
            "a positive whole number",
        ),
        ("invalid f", "un nombre", "a number"),
        ("bool", "true ou false", "true or false"),
        ("string", "un texte", "a text"),
        ("sequence", "une liste", "a list"),
        (
            "map",
            "une liste de clés (clé: valeur)",
            "a mapping (key: value)",
        ),
    ];
    if !(lower.contains("invalid") || lower.contains("expected")) || lower.contains("while ") {
        return None;
    }
    TABLE
        .iter()
        .find(|(needle, _, _)| lower.contains(needle))
        .map(|(_, fr, en)| (*fr, *en))
        .or(Some(("une autre forme de valeur", "another kind of value")))
}

fn classify(msg: &str, file: &Path, pos: Position) -> Diagnostic {
    let mut marked = msg.split(VALUE_MARK).skip(1);
    if let (Some(fr), Some(en)) = (marked.next(), marked.next()) {
        return Diagnostic::error(INVALID_VALUE, file, pos, Text::new(fr, en)).with_hint(
            Text::new(
                "corrigez cette valeur (voir le message)",
                "correct this value (see the message)",
            ),
        );
    }
    if let Some(key) = msg
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        let expected: Vec<&str> = msg
            .split("expected ")
            .nth(1)
            .map(|list| {
                list.trim_start_matches("one of ")
                    .split(", ")
                    .map(|k| k.trim_matches('`'))
                    .filter(|k| !k.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let hint = match did_you_mean(key, expected.iter().copied()) {
            Some(k) => Text::new(
                format!("vouliez-vous dire `{k}` ?"),
                format!("did you mean `{k}`?"),
            ),
            None => Text::new(
                format!("clés possibles : {}", expected.join(", ")),
                format!("allowed keys: {}", expected.join(", ")),
            ),
        };
        return Diagnostic::error(
            UNKNOWN_KEY,
            file,
            pos.with_len(key.chars().count() as u32),
            Text::new(
                format!("clé inconnue `{key}`"),
                format!("unknown key `{key}`"),
            ),
        )
        .with_hint(hint);
    }
    if let Some(key) = between(msg, "missing field `", "`") {
        return Diagnostic::error(
            MISSING_KEY,
            file,
            pos,
            Text::new(
                format!("la clé obligatoire `{key}` manque"),
                format!("the required key `{key}` is missing"),
            ),
        )
        .with_hint(Text::new(
            format!("ajoutez une ligne `{key}: …`"),
            format!("add a line `{key}: …`"),
        ));
    }
    let lower = msg.to_lowercase();
    if let Some(rest) = msg.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set ").next().unwrap_or(rest);
        return Diagnostic::error(
            DUPLICATE_KEY,
            file,
            pos.with_len(key.chars().count() as u32),
            Text::new(
                format!("la clé `{key}` apparaît deux fois"),
                format!("the key `{key}` appears twice"),
            ),
        )
        .with_hint(Text::new(
            "chaque clé ne peut apparaître qu’une fois ; supprimez ou fusionnez l’une des deux",
            "each key may appear once; remove or merge one of them",
        ));
    }
    if lower.contains("budget") || lower.contains("limit") {
        return Diagnostic::error(
            TOO_BIG,
            file,
            pos,
            Text::new(
                format!("fichier YAML trop gros ou trop imbriqué : {msg}"),
                format!("YAML file too large or too nested: {msg}"),
            ),
        )
        .with_hint(Text::new(
            "évitez les ancres et alias (& et *) répétés ; écrivez les valeurs en clair",
            "avoid repeated anchors and aliases (& and *); write the values out",
        ));
    }
    if let Some((fr, en)) = expected_type(&lower) {
        return Diagnostic::error(
            WRONG_TYPE,
            file,
            pos,
            Text::new(
                format!("valeur inattendue : {fr} est attendu"),
                format!("unexpected value: {en} is expected"),
            ),
        )
        .with_hint(Text::new(
            "vérifiez la forme attendue (nombre, texte, liste, date AAAA-MM-JJ…)",
            "check the expected form (number, text, list, date YYYY-MM-DD…)",
        ));
    }
    let tab_hint = lower.contains("tab");
    Diagnostic::error(
        SYNTAX,
        file,
        pos,
        Text::new(
            format!("YAML invalide : {msg}"),
            format!("invalid YAML: {msg}"),
        ),
    )
    .with_hint(if tab_hint {
        Text::new(
            "le YAML n’accepte pas les tabulations : indentez avec des espaces",
            "YAML does not allow tabs: indent with spaces",
        )
    } else {
        Text::new(
            "vérifiez l’indentation (espaces), les deux-points après chaque clé et les guillemets autour des textes contenant « : » ou « # »",
            "check the indentation (spaces), the colon after each key and quotes around text containing ': ' or ' #'",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_saphyr::Spanned;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: Spanned<String>,
        weight: Option<i64>,
    }

    fn err(text: &str) -> Diagnostic {
        parse::<Fm>(text, Path::new("x.md"), 2).unwrap_err()
    }

    #[test]
    fn unknown_key_has_did_you_mean_and_line() {
        let d = err("title: a\ntitel: b\n");
        assert_eq!(d.rule, UNKNOWN_KEY, "{d:?}");
        assert_eq!(d.position.line, 3);
        assert_eq!(d.hint.unwrap().en, "did you mean `title`?");
    }

    #[test]
    fn duplicate_key_is_an_error() {
        let d = err("title: a\ntitle: b\n");
        assert_eq!(d.rule, DUPLICATE_KEY, "{d:?}");
        assert_eq!(d.position.line, 3);
    }

    #[test]
    fn wrong_type_is_located() {
        let d = err("title: a\nweight: heavy\n");
        assert_eq!(d.rule, WRONG_TYPE, "{d:?}");
        assert_eq!(d.position.line, 3);
    }

    #[test]
    fn syntax_error_is_located() {
        let d = err("title: \"unterminated\nweight: 1\n");
        assert_eq!(d.rule, SYNTAX, "{d:?}");
        assert!(d.position.line >= 2);
    }

    #[test]
    fn tabs_are_explained() {
        let d = err("title: a\n\tweight: 1\n");
        assert_eq!(d.rule, SYNTAX, "{d:?}");
        assert_eq!(
            (d.position.line, d.position.column),
            (3, 1),
            "on the tab itself"
        );
        assert!(d.hint.unwrap().en.contains("tabs"));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 0..9 {
            let prev = (b'a' + i) as char;
            let next = (b'a' + i + 1) as char;
            bomb.push_str(&format!("{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        bomb.push_str("title: x\n");
        let r = serde_saphyr::from_str_with_options::<serde_json::Value>(&bomb, options());
        assert!(r.is_err());
    }

    #[test]
    fn spans_point_at_values() {
        let fm: Fm = parse("title: Hello\n", Path::new("x.md"), 2).unwrap();
        assert_eq!(position(&fm.title.referenced, 2), Position::new(2, 8));
    }
}

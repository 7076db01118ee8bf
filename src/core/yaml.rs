//! Reading YAML that people wrote: front matter, site configuration, and later
//! calendars, programme rules and portfolio records.
//!
//! serde-saphyr does the parsing: it never panics, keeps source positions
//! (`Spanned`), rejects duplicate keys and enforces budgets against alias
//! bombs. This module turns its errors into located [`Diagnostic`]s with a
//! plain sentence and a hint, including a did-you-mean for unknown keys.
//!
//! A serde error stops the whole file. Where one wrong value must not hide
//! the rest (a student's record), fields are declared [`Loose`], [`Many`]
//! or [`Mapping`]: they accept any shape and keep what was written, so the
//! loader reports a wrong type at its key ([`wrong_type`]) and reads on.

use std::collections::HashSet;
use std::path::Path;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Location, Options};

use crate::core::diagnostic::{did_you_mean, Diagnostic, Position, RuleId, Text};

/// The scalar and empty cases of a visitor for [`Many`] and [`Mapping`]:
/// what was written instead, through [`Loose`].
macro_rules! forward_scalars {
    ($wrap:path) => {
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok($wrap(Loose::Bool(v)))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            LooseVisitor.visit_i64(v).map($wrap)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            LooseVisitor.visit_u64(v).map($wrap)
        }
        fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Self::Value, E> {
            LooseVisitor.visit_i128(v).map($wrap)
        }
        fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Self::Value, E> {
            LooseVisitor.visit_u128(v).map($wrap)
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok($wrap(Loose::Float(v)))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok($wrap(Loose::Text(v.to_string())))
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok($wrap(Loose::Text(v)))
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($wrap(Loose::Null))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($wrap(Loose::Null))
        }
    };
}

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

/// [`options`] for reading a file's shape ([`Node`]): each level of it
/// takes more stack than a level of a typed value, and no file meant for
/// a schema is nested this deep (a record has five levels).
fn shape_options() -> Options {
    let mut options = options();
    if let Some(budget) = options.budget.as_mut() {
        budget.max_depth = 10;
    }
    options
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

/// How many times a file is read again to find its other unknown keys, and
/// how many bytes those readings may go through in all: a page's header or
/// a record is read a few times, a 4 MiB file once.
const MAX_ROUNDS: usize = 20;
const MAX_REREAD: usize = 1024 * 1024;

/// Parses `text` into `T`, or returns the diagnostics that say where and
/// why it could not. serde stops at the first unknown key; so that a file
/// with several misspelt keys gets them all in one run, the text is read
/// again after each, as a compiler recovers: the key replaced by the one it
/// was probably meant to be, or its entry blanked out (its lines kept, so
/// positions hold), until it reads or fails otherwise. A required key found
/// missing on the way is reported too.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
) -> Result<T, Vec<Diagnostic>> {
    // The parser skips a byte-order mark and counts columns without it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    parse_reading(text, file, first_line).map_err(|failure| failure.found)
}

/// How many missing keys a file gets reported one by one; the rest are
/// counted in one more diagnostic. A record of thousands of empty items is
/// one mistake, and its report must stay readable and quick to make.
const MAX_MISSING_REPORTS: usize = 50;

/// [`parse`], with every required key that is missing found at once.
/// serde stops at the first, and a missing key cannot be put in without
/// its type, so when the text does not read, `schema` (the JSON Schema of
/// `T`, made only then) says which keys each mapping requires, and the
/// text as [`parse`] last read it (misspelt keys recovered) is walked
/// for them.
pub fn parse_with_schema<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
    schema: impl FnOnce() -> serde_json::Value,
) -> Result<T, Vec<Diagnostic>> {
    read_with_schema(text, file, first_line, schema, false).map_err(|(found, _)| found)
}

/// [`parse_with_schema`], and when the text lacks required keys (and has
/// no other error), the value read with each missing key stood in for by
/// a value of its shape: so that a loader can still report, in the same
/// run, what is wrong in what was written (a wrong type, a date that is
/// not one), and [`StandIn::restore`] puts each of its problems back where
/// it is in the text as written, dropping those about a stand-in. The
/// value is for those checks only: a text with a missing key is not
/// complete, whatever it says.
pub fn parse_with_schema_standing_in<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
    schema: impl FnOnce() -> serde_json::Value,
) -> Result<T, (Vec<Diagnostic>, Option<StandIn<T>>)> {
    read_with_schema(text, file, first_line, schema, true)
}

fn read_with_schema<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
    schema: impl FnOnce() -> serde_json::Value,
    standing_in: bool,
) -> Result<T, (Vec<Diagnostic>, Option<StandIn<T>>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Failure {
        mut found,
        text: last,
        missing,
    } = match parse_reading(text, file, first_line) {
        Ok(value) => return Ok(value),
        Err(failure) => failure,
    };
    let no_stand_in = |found| (found, None);
    // A file that is not YAML, or too big to read, has no shape to walk:
    // reading it again would only cost the time its first reading did.
    if found.iter().any(|d| d.rule == SYNTAX || d.rule == TOO_BIG) {
        return Err(no_stand_in(found));
    }
    // Read as a shape, a text fails only where it is not YAML at all, which
    // serde stopped before reaching (a brace left open below the missing
    // key): said too, in the same run.
    let tree = match serde_saphyr::from_str_with_options::<Span<Node>>(&last, shape_options()) {
        Ok(tree) => tree,
        Err(e) => {
            let (d, _) = diagnostic_of(&e, file, &last, first_line);
            // Not a budget: the shape's depth is bounded lower than a
            // value's, and the file may be within the value's bounds. Only
            // past what serde said: at or before it, serde said it first.
            let at = |p: Position| (p.line, p.column);
            if d.rule == SYNTAX && found.iter().all(|f| at(f.position) < at(d.position)) {
                found.push(d);
            }
            return Err(no_stand_in(found));
        }
    };
    let schema = schema();
    let mut walk = Walk::default();
    required_keys(&tree, &schema, &schema, &mut walk);
    let Walk {
        lacking,
        through_alias,
        ..
    } = walk;
    // serde's own missing key is one the walk finds again, at the same
    // mapping (it names the mapping's last key): the walk's is kept, found
    // where the mapping starts, in the file's order with the others.
    if let Some((key, at)) = &missing {
        let again = lacking
            .iter()
            .any(|l| position(&l.last_key, first_line) == *at && l.keys.iter().any(|k| k == key));
        if again {
            found.retain(|d| d.rule != MISSING_KEY);
        }
    }
    let lines: Vec<&str> = last.lines().collect();
    let total: usize = lacking.iter().map(|l| l.keys.len()).sum();
    let mut reported = 0;
    for l in &lacking {
        let at = mapping_start(&lines, position(&l.mapping, first_line), first_line);
        let more = total - reported;
        // A count stands for several keys: one is said as itself.
        if reported + l.keys.len() > MAX_MISSING_REPORTS && reported > 0 && more > 1 {
            found.push(
                Diagnostic::error(
                    MISSING_KEY,
                    file,
                    at,
                    Text::new(
                        format!("{more} autres clés obligatoires manquent à partir d’ici"),
                        format!("{more} more required keys are missing from here on"),
                    ),
                )
                .with_hint(Text::new(
                    "complétez les clés signalées plus haut et vérifiez à nouveau : la suite sera détaillée",
                    "complete the keys reported above and check again: the rest will be listed",
                )),
            );
            return Err(no_stand_in(found));
        }
        for key in &l.keys {
            found.push(classify(
                &format!("missing field `{key}`"),
                file,
                at,
                &last,
                first_line,
            ));
            reported += 1;
        }
    }
    // Stood in for only when the missing keys are the text's only
    // problem: after another, the text is not what its author meant.
    let alone = found.iter().all(|d| d.rule == MISSING_KEY) && missing.is_some();
    let stood_in = (standing_in && alone && !through_alias)
        .then(|| stand_in(&last, &lacking, file, first_line))
        .flatten();
    Err((found, stood_in))
}

/// How a stand-in text starts ([`stand_in_value`]).
/// A private-use character opens it: nobody types one, so no text
/// written by a person is taken for a stand-in.
const STAND_IN_MARK: &str = "\u{e000}stand-in ";

/// A value read from a text whose missing keys were stood in for
/// ([`parse_with_schema_standing_in`]), with what was put in.
pub struct StandIn<T> {
    pub value: T,
    pub patch: Patch,
}

/// What [`stand_in`] put into a text, in the text's own lines (1 is its
/// first) and columns (in characters, 1-based).
#[derive(Debug, Default)]
pub struct Patch {
    file: std::path::PathBuf,
    first_line: u32,
    lines: Vec<LinesPut>,
    within: Vec<TextPut>,
}

/// Lines put in above a mapping's first key (or on its `- ` line, its key
/// moved down a line at the same column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct LinesPut {
    /// The line of the text they were put before.
    before: u32,
    count: u32,
    /// The column of the mapping's first key: where the first of them now
    /// starts the mapping.
    key: u32,
}

/// Text put in within a line, after a mapping's `{`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct TextPut {
    line: u32,
    /// The column it was put before.
    column: u32,
    len: u32,
}

impl Patch {
    /// `d` with its position (found in the text with the stand-ins) put
    /// back where it is in the text as written; `None` when it is about a
    /// stand-in. Diagnostics of other files, and of the whole file, are
    /// kept as they are.
    pub fn restore(&self, mut d: Diagnostic) -> Option<Diagnostic> {
        // Said anywhere, a stand-in's words are about a stand-in.
        if [&d.message.fr, &d.message.en]
            .iter()
            .any(|m| m.contains(STAND_IN_MARK))
        {
            return None;
        }
        if d.file != self.file || d.position == Position::file() {
            return Some(d);
        }
        d.position = self.restore_position(d.position)?;
        Some(d)
    }

    /// Where `at`, a position in the text with the stand-ins, is in the
    /// text as written; `None` inside a stand-in.
    pub fn restore_position(&self, at: Position) -> Option<Position> {
        let Some(line) = (at.line + 1).checked_sub(self.first_line) else {
            return Some(at);
        };
        let mut shift = 0;
        for put in &self.lines {
            let start = put.before + shift;
            if line < start {
                break;
            }
            // The mapping itself, where its first key was and is again once
            // the stand-ins are gone, and the `- ` before it.
            if line == start && at.column <= put.key {
                return Some(Position {
                    line: put.before + self.first_line - 1,
                    ..at
                });
            }
            if line < start + put.count {
                return None;
            }
            shift += put.count;
        }
        let line = line - shift;
        let mut column = at.column;
        let mut cshift = 0;
        for put in self.within.iter().filter(|w| w.line == line) {
            let start = put.column + cshift;
            if at.column < start {
                break;
            }
            if at.column < start + put.len {
                return None;
            }
            cshift += put.len;
            column = at.column - cshift;
        }
        Some(Position {
            line: line + self.first_line - 1,
            column,
            len: at.len,
        })
    }
}

/// `text` (as [`parse`] last read it) with a value put in for each key
/// `lacking`, read into `T`; `None` when that cannot be done or does not
/// read (a mapping not written at the start of its line or between
/// braces). Each mapping written over lines gets its
/// keys on lines of their own just above its first (after the `- ` of a
/// list item, its key moved down a line at the same column); one between
/// braces, after its `{`. The lines and columns of the rest follow from
/// what was put in, which [`Patch`] keeps.
fn stand_in<T: DeserializeOwned>(
    text: &str,
    lacking: &[Lacking],
    file: &Path,
    first_line: u32,
) -> Option<StandIn<T>> {
    if lacking.is_empty() {
        return None;
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let mut patch = Patch {
        file: file.to_path_buf(),
        first_line,
        ..Patch::default()
    };
    // Each line's edit: text put in at a byte offset.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for l in lacking {
        let entries: Vec<String> = l
            .keys
            .iter()
            .zip(&l.values)
            .map(|(k, v)| {
                let v = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
                format!("{k}: {v}")
            })
            .collect();
        let at = position(&l.mapping, 1);
        let index = (at.line as usize).checked_sub(1)?;
        let line = lines.get(index)?;
        let byte = |column: u32| {
            line.char_indices()
                .nth((column as usize).checked_sub(1)?)
                .map(|(b, _)| b)
        };
        if line.get(byte(at.column)?..)?.starts_with('{') {
            let after = byte(at.column)? + 1;
            let empty = line[after..].trim_start().starts_with('}');
            let put = if empty {
                format!(" {} ", entries.join(", "))
            } else {
                format!(" {},", entries.join(", "))
            };
            patch.within.push(TextPut {
                line: at.line,
                column: at.column + 1,
                len: put.chars().count() as u32,
            });
            edits.push((index, after, put));
            continue;
        }
        // A mapping whose first key starts its line (after an anchor or
        // a `- ` on the line above, as well): its keys go just above.
        let own_line = line.len() - line.trim_start_matches(' ').len() + 1 == at.column as usize;
        let start = if own_line {
            Position::new(at.line, at.column)
        } else {
            mapping_start(&lines, at, 1)
        };
        let index = (start.line as usize).checked_sub(1)?;
        let line = lines.get(index)?;
        // What comes before the first key: its indentation, and the dashes
        // of the list items it is in.
        let key = line.len() - line.trim_start_matches([' ', '-']).len();
        let before = &line[..key];
        if !(before.is_empty() || before.ends_with(' ')) {
            return None;
        }
        let indent = " ".repeat(key);
        let put = if before.contains('-') {
            // `- date: …` becomes `- hours: …`, then `  date: …` below.
            let mut put: String = entries.join(&format!("\n{indent}"));
            put.push('\n');
            put.push_str(&indent);
            put
        } else {
            entries.iter().map(|e| format!("{e}\n{indent}")).collect()
        };
        patch.lines.push(LinesPut {
            before: start.line,
            count: entries.len() as u32,
            key: key as u32 + 1,
        });
        edits.push((index, key, put));
    }
    // From the end, so that each edit's offsets still hold.
    edits.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    for (index, byte, put) in edits {
        out[index].insert_str(byte, &put);
    }
    patch.lines.sort_unstable();
    patch.within.sort_unstable();
    let patched = out.join("\n");
    let value = parse_once::<T>(&patched, file, first_line).ok()?;
    Some(StandIn { value, patch })
}

/// A value of the shape `schema` describes, to stand in for a missing key.
/// Not an empty one: an empty text or list is a mistake of its own, said
/// where the part holding it starts, which is in the text as written. And
/// each one different from the others and from what people write (`n`
/// counts them): two entries whose missing keys got the same stand-in
/// would be taken for one written twice. A text says it is a stand-in, a
/// number is negative (a whole number is `n`: its type may not take a
/// sign), a list holds one item, a mapping its own required keys, a closed
/// list gives its first word; `null` where the schema allows it or says
/// nothing.
fn stand_in_value(
    schema: &serde_json::Value,
    root: &serde_json::Value,
    depth: u8,
    n: &mut u32,
) -> serde_json::Value {
    *n += 1;
    use serde_json::Value;
    let Some(schema) = shape_of(schema, root, true) else {
        return Value::Null;
    };
    if let Some(v) = schema.get("const") {
        return v.clone();
    }
    if let Some(v) = schema.get("enum").and_then(|e| e.as_array()?.first()) {
        return v.clone();
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) if ts.iter().any(|t| t == "null") => return Value::Null,
        Some(Value::Array(ts)) => ts.first().and_then(|t| t.as_str()).unwrap_or("null"),
        _ => "null",
    };
    match kind {
        "string" => Value::String(format!("{STAND_IN_MARK}{n}")),
        "integer" => Value::from(*n),
        "number" => Value::from(-f64::from(*n)),
        "boolean" => Value::Bool(false),
        "array" if depth < 8 => match schema.get("items") {
            Some(items) => Value::Array(vec![stand_in_value(items, root, depth + 1, n)]),
            None => Value::Array(Vec::new()),
        },
        "object" if depth < 8 => {
            let mut map = serde_json::Map::new();
            let required = schema.get("required").and_then(|r| r.as_array());
            for k in required.into_iter().flatten().filter_map(|k| k.as_str()) {
                let under = schema.get("properties").and_then(|p| p.get(k));
                let v = under.map_or(Value::Null, |u| stand_in_value(u, root, depth + 1, n));
                map.insert(k.to_string(), v);
            }
            Value::Object(map)
        }
        _ => Value::Null,
    }
}

/// Why a text did not read: every diagnostic, the text as it was last read
/// (misspelt keys recovered), and serde's missing key if it stopped on one,
/// with where serde put it (the mapping's last key).
struct Failure {
    found: Vec<Diagnostic>,
    text: String,
    missing: Option<(String, Position)>,
}

/// [`parse`], and on failure the text as it was last read.
fn parse_reading<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
) -> Result<T, Failure> {
    let rounds = (MAX_REREAD / text.len().max(1)).clamp(1, MAX_ROUNDS);
    let mut current = std::borrow::Cow::Borrowed(text);
    let mut found: Vec<Diagnostic> = Vec::new();
    let failure = |found, current: std::borrow::Cow<str>, missing| Failure {
        found,
        text: current.into_owned(),
        missing,
    };
    for _ in 0..rounds {
        let (d, reading) = match parse_once::<T>(&current, file, first_line) {
            Ok(value) if found.is_empty() => return Ok(value),
            Ok(_) => return Err(failure(found, current, None)),
            Err(failure) => *failure,
        };
        let next = match reading {
            Reading::Unknown { key, meant } => {
                recovered(&current, d.position, first_line, &key, meant.as_deref())
            }
            Reading::Missing { key, at } => {
                found.push(d);
                return Err(failure(found, current, Some((key, at))));
            }
            // Once the text was changed, another error may be the change's
            // own doing (a key left with nothing under it, or a value
            // under a key its author did not write): left to the next run.
            Reading::Other if !found.is_empty() => return Err(failure(found, current, None)),
            Reading::Other => None,
        };
        found.push(d);
        match next {
            Some(text) => current = std::borrow::Cow::Owned(text),
            None => return Err(failure(found, current, None)),
        }
    }
    Err(failure(found, current, None))
}

/// A YAML document as its shape only, each part located: what
/// [`required_keys`] walks.
enum Node {
    Mapping {
        entries: Vec<(Option<String>, Span<Node>)>,
        /// Where its last key is written: where serde reports a key it
        /// lacks.
        last_key: Option<Location>,
    },
    List(Vec<Span<Node>>),
    Scalar,
}

/// Visitor methods that take any scalar as the same shape, [`Node::Scalar`].
macro_rules! scalar_shapes {
    ($($visit:ident: $t:ty),*) => {$(
        fn $visit<E: serde::de::Error>(self, _: $t) -> Result<Node, E> {
            Ok(Node::Scalar)
        }
    )*};
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            scalar_shapes!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_i128: i128,
                visit_u128: u128, visit_f64: f64, visit_str: &str);
            fn visit_none<E: serde::de::Error>(self) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                let mut last_key = None;
                while let Some(key) = map.next_key::<Span<Loose>>()? {
                    last_key = Some(key.defined);
                    entries.push((key.value.as_text(), map.next_value()?));
                }
                Ok(Node::Mapping { entries, last_key })
            }
        }
        d.deserialize_any(V)
    }
}

/// One step down a YAML document: a mapping's key or a list's item.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    Key(&'a str),
    Item(usize),
}

/// Where the value at `path` is written in `text` (YAML that starts at
/// `first_line` of its file), for a problem seen only once the file was
/// read into values that keep no position: an id that repeats another, a
/// scale out of order. The text's shape is read again, so this is for the
/// way to an error, not for every file. `None` when the text does not read
/// or has nothing there.
pub fn locate(text: &str, first_line: u32, path: &[Step]) -> Option<Position> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let tree = serde_saphyr::from_str_with_options::<Span<Node>>(text, shape_options()).ok()?;
    let mut node = &tree;
    for step in path {
        node = match (step, &node.value) {
            (Step::Key(key), Node::Mapping { entries, .. }) => {
                &entries.iter().find(|(k, _)| k.as_deref() == Some(*key))?.1
            }
            (Step::Item(i), Node::List(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(position(&node.referenced, first_line))
}

/// A mapping that lacks keys its schema requires.
struct Lacking {
    keys: Vec<String>,
    /// A value of each key's shape, to stand in for it ([`stand_in`]).
    values: Vec<serde_json::Value>,
    /// Where the mapping is written.
    mapping: Location,
    /// Where serde reports a key it lacks: its last key, or the mapping
    /// itself when it has none.
    last_key: Location,
}

/// What [`required_keys`] found, and what it already said.
#[derive(Default)]
struct Walk {
    lacking: Vec<Lacking>,
    /// Each mapping reported, by where it is written and the keys it
    /// lacks: an alias replays its anchor's mapping, which lacks the same
    /// keys wherever the same schema reads it, and is one mistake.
    said: HashSet<((u64, u64), Vec<String>)>,
    /// A mapping that lacks keys is used through an alias: its values are
    /// located at the alias, stand-ins included, so none is put in.
    through_alias: bool,
    /// How many stand-in values were made: each is told apart by it.
    stand_ins: u32,
}

/// Pushes on `walk` each mapping that lacks keys `schema` requires,
/// in the file's order, through the whole tree. `root` holds
/// the definitions `$ref` points to. A part whose shape is not the one
/// the schema has, or that several shapes would fit, is left alone: its
/// error is serde's to report.
fn required_keys(
    node: &Span<Node>,
    schema: &serde_json::Value,
    root: &serde_json::Value,
    walk: &mut Walk,
) {
    let Some(schema) = one_shape(schema, root) else {
        return;
    };
    match &node.value {
        Node::Mapping { entries, last_key } => {
            let under = |key: &Option<String>| {
                key.as_deref()
                    .and_then(|k| schema.get("properties")?.get(k))
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
            };
            // A key written where none of that name goes is reported as
            // unknown, and most often stands for the one missing
            // (`{ date, title }` for `{ event }`): not said twice.
            if entries.iter().all(|(key, _)| under(key).is_some()) {
                let required = schema.get("required").and_then(|r| r.as_array());
                let keys: Vec<String> = required
                    .into_iter()
                    .flatten()
                    .filter_map(|k| k.as_str())
                    .filter(|key| !entries.iter().any(|(k, _)| k.as_deref() == Some(key)))
                    .map(str::to_string)
                    .collect();
                let at = |l: &Location| (l.line(), l.column());
                // Used through an alias where its anchor lacks the same keys,
                // it is that mistake again; lacking others (another schema
                // reads it there), it is said where the alias is.
                let alias = node.referenced != node.defined;
                let (mapping, last_key) = if alias {
                    (node.referenced, node.referenced)
                } else {
                    (node.defined, last_key.unwrap_or(node.defined))
                };
                let anchor_said = alias && walk.said.contains(&(at(&node.defined), keys.clone()));
                walk.through_alias |= alias && !keys.is_empty();
                if !keys.is_empty()
                    && !anchor_said
                    && walk.said.insert((at(&mapping), keys.clone()))
                {
                    let mut values = Vec::with_capacity(keys.len());
                    for k in &keys {
                        let under = schema.get("properties").and_then(|p| p.get(k));
                        values.push(under.map_or(serde_json::Value::Null, |s| {
                            stand_in_value(s, root, 0, &mut walk.stand_ins)
                        }));
                    }
                    walk.lacking.push(Lacking {
                        keys,
                        values,
                        mapping,
                        last_key,
                    });
                }
            }
            for (key, value) in entries {
                if let Some(under) = under(key) {
                    required_keys(value, under, root, walk);
                }
            }
        }
        Node::List(items) => {
            if let Some(under) = schema.get("items") {
                for item in items {
                    required_keys(item, under, root, walk);
                }
            }
        }
        Node::Scalar => {}
    }
}

/// `schema` with its references followed and an optional value's `null`
/// left aside; None when several shapes would do.
fn one_shape<'a>(
    schema: &'a serde_json::Value,
    root: &'a serde_json::Value,
) -> Option<&'a serde_json::Value> {
    shape_of(schema, root, false)
}

/// [`one_shape`], or with `first` the first of several shapes.
fn shape_of<'a>(
    mut schema: &'a serde_json::Value,
    root: &'a serde_json::Value,
    first: bool,
) -> Option<&'a serde_json::Value> {
    // A bound on references to references, which a schema could loop on.
    for _ in 0..16 {
        if let Some(to) = schema.get("$ref").and_then(|r| r.as_str()) {
            schema = root.pointer(to.strip_prefix('#')?)?;
            continue;
        }
        let Some(shapes) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(|a| a.as_array())
        else {
            return Some(schema);
        };
        let mut shapes = shapes
            .iter()
            .filter(|s| s.get("type").and_then(|t| t.as_str()) != Some("null"));
        schema = shapes.next()?;
        if !first && shapes.next().is_some() {
            return None;
        }
    }
    None
}

/// What an error of one reading was, for [`parse`] to go on or stop.
enum Reading {
    /// An unknown key, with the key it was probably meant to be.
    Unknown {
        key: String,
        meant: Option<String>,
    },
    /// A missing key, with where serde put it.
    Missing {
        key: String,
        at: Position,
    },
    Other,
}

/// `text` read on past the unknown `key` at `at`: the key replaced by the
/// one it was `meant` to be, or else its entry blanked out (its line from
/// the key on, and the lines under it, more indented). None when the key
/// does not start its line (`{ a: 1, b: 2 }`): changing it there could
/// break the rest.
fn recovered(
    text: &str,
    at: Position,
    first_line: u32,
    key: &str,
    meant: Option<&str>,
) -> Option<String> {
    let index = at.line.checked_sub(first_line)? as usize;
    let column = (at.column as usize).checked_sub(1)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line = lines.get(index)?;
    let before = line.get(..column)?;
    // Only spaces before the key, and the `- ` of list items.
    let mut rest = before.trim_start_matches(' ');
    while let Some(r) = rest.strip_prefix("- ") {
        rest = r.trim_start_matches(' ');
    }
    if !rest.is_empty() {
        return None;
    }
    if let Some(meant) = meant.filter(|_| line[column..].starts_with(key)) {
        let start = text.len() - lines[index..].iter().map(|l| l.len()).sum::<usize>() + column;
        return Some(format!(
            "{}{meant}{}",
            &text[..start],
            &text[start + key.len()..]
        ));
    }
    let under = |l: &str| {
        let body = l.trim_end_matches(['\n', '\r']);
        body.trim().is_empty() || body.len() - body.trim_start_matches(' ').len() > column
    };
    let end = index + 1 + lines[index + 1..].iter().take_while(|l| under(l)).count();
    let mut out = String::with_capacity(text.len());
    for (i, l) in lines.iter().enumerate() {
        if i == index {
            out.push_str(before);
            out.push('\n');
        } else if i > index && i < end {
            out.push('\n');
        } else {
            out.push_str(l);
        }
    }
    Some(out)
}

/// Where the mapping that holds the line at `at` starts: its first key, or
/// the `- ` of its list item, in the text cut in `lines`. serde-saphyr
/// reports a missing key at the mapping's last key, which names a key
/// that is fine.
fn mapping_start(lines: &[&str], at: Position, first_line: u32) -> Position {
    let (Some(index), Some(column)) = (
        at.line.checked_sub(first_line),
        (at.column as usize).checked_sub(1),
    ) else {
        return at;
    };
    // A mapping between braces starts at its brace, or at the `- ` of the
    // list item it is (an anchor between): the lines above, even as
    // indented, are other mappings (`[` then one `{ … },` a line).
    let line = lines.get(index as usize).copied().unwrap_or("");
    if line.get(column..).is_some_and(|r| r.starts_with('{')) {
        let mut before = line[..column].trim_end_matches(' ');
        match before.rsplit_once(' ') {
            Some((rest, anchor)) if anchor.starts_with('&') => before = rest.trim_end_matches(' '),
            _ => {}
        }
        return match before.strip_suffix('-') {
            Some(indent) if indent.bytes().all(|b| b == b' ') => {
                Position::new(at.line, indent.len() as u32 + 1)
            }
            _ => at,
        };
    }
    let mut start = None;
    for i in (0..=(index as usize).min(lines.len().saturating_sub(1))).rev() {
        let l = lines[i];
        let indent = l.len() - l.trim_start_matches(' ').len();
        let rest = &l[indent..];
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        // A document's start (`---`) or a directive (`%YAML`) ends it.
        if indent == 0 && (rest.starts_with("---") || rest.starts_with('%')) {
            break;
        }
        let item = rest
            .strip_prefix("- ")
            .is_some_and(|r| l.len() - r.trim_start_matches(' ').len() == column);
        if indent == column || item {
            start = Some((i, if item { indent } else { column }));
            if item {
                break;
            }
        } else if indent < column {
            break;
        }
    }
    match start {
        Some((i, col)) => Position::new(i as u32 + first_line, col as u32 + 1),
        None => at,
    }
}

/// One reading of `text`: the value, or the first error and what it was.
fn parse_once<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
) -> Result<T, Box<(Diagnostic, Reading)>> {
    serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|e| {
        let (mut d, reading) = diagnostic_of(&e, file, text, first_line);
        if let Reading::Missing { .. } = reading {
            let lines: Vec<&str> = text.lines().collect();
            d.position = mapping_start(&lines, d.position, first_line);
        }
        Box::new((d, reading))
    })
}

fn diagnostic_of(
    err: &serde_saphyr::Error,
    file: &Path,
    text: &str,
    first_line: u32,
) -> (Diagnostic, Reading) {
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
    let reading = if let Some((key, expected)) = unknown_field(&msg) {
        Reading::Unknown {
            key: key.to_string(),
            meant: did_you_mean(key, expected).map(str::to_string),
        }
    } else if let Some(key) = between(&msg, "missing field `", "`") {
        Reading::Missing {
            key: key.to_string(),
            at: pos,
        }
    } else {
        Reading::Other
    };
    (classify(&msg, file, pos, text, first_line), reading)
}

/// The key of an unknown-field error, and the keys allowed there.
fn unknown_field(msg: &str) -> Option<(&str, Vec<&str>)> {
    let key = msg
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())?;
    let expected = msg
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
    Some((key, expected))
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    let end = s[start..].find(close)? + start;
    Some(&s[start..end])
}

/// The forms a value can be expected to take, each said in words with how
/// to write it.
#[derive(Clone, Copy)]
enum Form {
    Whole,
    PositiveWhole,
    Number,
    Bool,
    Text,
    /// One value on the key's line, of any kind but a list or a mapping:
    /// serde-saphyr's `string scalar`, asked for a number as for a text.
    Scalar,
    List,
    Mapping,
    Other,
}

impl Form {
    /// What the parser or serde names as expected (`u32`, `i64`, `floating
    /// point`, `string scalar`, `sequence start`, `struct Event`…), as a
    /// form; Rust's type names never reach the reader.
    fn of(wanted: &str) -> Option<Form> {
        let w = wanted
            .trim_start_matches("a ")
            .trim_start_matches("an ")
            .trim_start_matches("borrowed ");
        let sized = |prefix: char| {
            w.strip_prefix(prefix).is_some_and(|r| {
                r.starts_with(|c: char| c.is_ascii_digit()) || r.starts_with("size")
            })
        };
        let form = if sized('u') {
            Form::PositiveWhole
        } else if sized('i') || w.starts_with("integer") {
            Form::Whole
        } else if sized('f') || w.starts_with("float") {
            Form::Number
        } else if w.starts_with("bool") {
            Form::Bool
        } else if w.starts_with("string scalar") {
            Form::Scalar
        } else if w.starts_with("struct") {
            Form::Mapping
        } else if w.starts_with("string") || w.starts_with("str") || w.starts_with("char") {
            Form::Text
        } else if ["sequence", "seq", "tuple", "array", "list"]
            .iter()
            .any(|s| w.starts_with(s))
        {
            Form::List
        } else if w.starts_with("map") {
            Form::Mapping
        } else {
            return None;
        };
        Some(form)
    }

    /// What is expected, then how to write it.
    fn words(self) -> (Text, Text) {
        let (fr, en, hint_fr, hint_en) = match self {
            Form::Whole => (
                "un nombre entier",
                "a whole number",
                "écrivez un nombre entier, sans guillemets ni unité, par exemple `3`",
                "write a whole number, without quotes or unit, for example `3`",
            ),
            Form::PositiveWhole => (
                "un nombre entier positif",
                "a positive whole number",
                "écrivez un nombre entier positif, sans guillemets ni unité, par exemple `3`",
                "write a positive whole number, without quotes or unit, for example `3`",
            ),
            Form::Number => (
                "un nombre",
                "a number",
                "écrivez un nombre, avec un point pour les décimales et sans unité, par exemple `2.5`",
                "write a number, with a point for decimals and no unit, for example `2.5`",
            ),
            Form::Bool => (
                "true ou false",
                "true or false",
                "écrivez `true` (oui) ou `false` (non), sans guillemets",
                "write `true` (yes) or `false` (no), without quotes",
            ),
            Form::Text => (
                "un texte",
                "a text",
                "écrivez le texte après la clé, sur la même ligne ; entre guillemets s’il contient « : » ou commence par `[` ou `{`",
                "write the text after the key, on the same line; in quotes if it contains ': ' or starts with `[` or `{`",
            ),
            Form::Scalar => (
                "une seule valeur (un texte ou un nombre), pas une liste ni un ensemble de clés",
                "a single value (a text or a number), not a list or a mapping,",
                "écrivez la valeur après la clé, sur la même ligne, sans `[ ]`, `{ }` ni `- `",
                "write the value after the key, on the same line, without `[ ]`, `{ }` or `- `",
            ),
            Form::List => (
                "une liste",
                "a list",
                "une liste s’écrit `[a, b]`, ou un élément par ligne commençant par `- `",
                "a list is written `[a, b]`, or one item per line starting with `- `",
            ),
            Form::Mapping => (
                "un ensemble de clés (clé: valeur)",
                "a mapping (key: value)",
                "un ensemble de clés s’écrit `{ clé: valeur }`, ou une ligne `clé: valeur` par clé, en retrait sous sa clé",
                "a mapping is written `{ key: value }`, or one line `key: value` per key, indented under its key",
            ),
            Form::Other => (
                "une autre forme de valeur",
                "another kind of value",
                CHECK_THE_FORM[0],
                CHECK_THE_FORM[1],
            ),
        };
        (Text::new(fr, en), Text::new(hint_fr, hint_en))
    }
}

/// The message and hint of a type error, `None` for a message that is not
/// one. serde-saphyr says `invalid u32` (a scalar that does not read as
/// the type) or `expected sequence start` (another shape); serde says
/// `invalid type: string "x", expected u32`, where only what follows
/// "expected" tells what is wanted. Syntax errors also say "invalid" or
/// "expected" (`invalid trailing content…`, `unexpected character`): they
/// are not type errors and get no form here.
fn expected_type(lower: &str, here: &str) -> Option<(Text, Text)> {
    let wanted = if ["invalid type:", "invalid value:", "invalid length"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        lower.rsplit_once(", expected ").map_or("", |(_, w)| w)
    } else if let Some(rest) = lower.strip_prefix("expected ") {
        rest
    } else if let Some(rest) = lower.strip_prefix("invalid ") {
        // `invalid u32`, `invalid floating point`, `invalid boolean (…)`:
        // a scalar type, or else a syntax error (`invalid indentation`).
        Form::of(rest)?;
        rest
    } else {
        return None;
    };
    let form = Form::of(wanted).unwrap_or(Form::Other);
    let (what, hint) = form.words();
    // `capacity: 99999999999`: a whole number, too large for its key.
    // The value alone: up to a comment, and in a flow up to `,` `}` `]`
    // (`4,5`, `30 places`, `1 000` are not numbers too large).
    let value = here.split(" #").next().unwrap_or("").trim_end();
    let written = value
        .find([',', '}', ']'])
        .map_or(value, |i| &value[..i])
        .trim_end();
    let width = wanted.trim_start_matches("a ").trim_start_matches("an ");
    let max: Option<i128> = match width {
        w if w.starts_with("u8") => Some(u8::MAX.into()),
        w if w.starts_with("u16") => Some(u16::MAX.into()),
        w if w.starts_with("u32") => Some(u32::MAX.into()),
        w if w.starts_with("i8") => Some(i8::MAX.into()),
        w if w.starts_with("i16") => Some(i16::MAX.into()),
        w if w.starts_with("i32") => Some(i32::MAX.into()),
        w if w.starts_with("u64") || w.starts_with("usize") => Some(u64::MAX.into()),
        w if w.starts_with("i64") || w.starts_with("isize") => Some(i64::MAX.into()),
        _ => None,
    };
    let n = written.strip_prefix('+').unwrap_or(written);
    let digits = n.strip_prefix('-').unwrap_or(n);
    let number = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    let min = max.map(|m| if width.starts_with('u') { 0 } else { -m - 1 });
    let too_small = number
        && n.starts_with('-')
        && width.starts_with('i')
        && n.parse::<i128>()
            .map_or(true, |v| min.is_some_and(|m| v < m));
    if too_small {
        return Some((
            Text::new(
                format!("le nombre `{written}` est trop petit pour cette clé"),
                format!("the number `{written}` is too small for this key"),
            ),
            Text::new(
                "écrivez un nombre plus proche de zéro ; vérifiez qu’aucun chiffre n’a été ajouté par erreur",
                "write a number closer to zero; check that no digit was added by mistake",
            ),
        ));
    }
    let too_large = number
        && !n.starts_with('-')
        && n.parse::<i128>()
            .map_or(true, |v| max.is_some_and(|m| v > m));
    if too_large {
        return Some((
            Text::new(
                format!("le nombre `{written}` est trop grand pour cette clé"),
                format!("the number `{written}` is too large for this key"),
            ),
            Text::new(
                "écrivez un nombre plus petit ; vérifiez qu’aucun chiffre n’a été ajouté par erreur",
                "write a smaller number; check that no digit was added by mistake",
            ),
        ));
    }
    Some((
        Text::new(
            format!("valeur inattendue : il faut ici {}", what.fr),
            format!("unexpected value: {} is expected here", what.en),
        ),
        hint,
    ))
}

/// A value outside a closed list (`kind: diploma`, `check: not-after-tomorow`),
/// from serde's `unknown variant `x`, expected one of a, b`.
fn unknown_variant(msg: &str, file: &Path, pos: Position) -> Option<Diagnostic> {
    let value = between(msg, "unknown variant `", "`")?;
    let allowed: Vec<&str> = msg
        .rsplit_once("`, expected ")
        .map_or("", |(_, list)| list)
        .trim_start_matches("one of ")
        .split(", ")
        .flat_map(|k| k.split(" or "))
        .map(|k| k.trim_matches('`'))
        .filter(|k| !k.is_empty())
        .collect();
    let list = allowed.join(", ");
    let possible = Text::new(
        format!("valeurs possibles : {list}"),
        format!("possible values: {list}"),
    );
    // `check:` with nothing after it reaches serde as the variant `~`.
    if value.is_empty() || value == "~" || value == "null" {
        return Some(
            Diagnostic::error(
                INVALID_VALUE,
                file,
                pos,
                Text::new("il manque une valeur ici", "a value is missing here"),
            )
            .with_hint(possible),
        );
    }
    let hint = match did_you_mean(value, allowed.iter().copied()) {
        Some(k) => Text::new(
            format!("vouliez-vous dire `{k}` ?"),
            format!("did you mean `{k}`?"),
        ),
        None => possible,
    };
    Some(
        Diagnostic::error(
            INVALID_VALUE,
            file,
            pos.with_len(value.chars().count() as u32),
            Text::new(
                format!("`{value}` n’est pas une valeur possible ici"),
                format!("`{value}` is not a possible value here"),
            ),
        )
        .with_hint(hint),
    )
}

/// The hint for a value of none of the forms expected.
const CHECK_THE_FORM: [&str; 2] = [
    "vérifiez la forme attendue (nombre, texte, liste, date AAAA-MM-JJ…)",
    "check the expected form (number, text, list, date YYYY-MM-DD…)",
];

/// serde's words for a value that has none of the shapes a closed choice
/// allows, and what we say instead: (what serde says, the message, the
/// hint), each in French then English.
type Saying = (&'static str, [&'static str; 2], [&'static str; 2]);
const CHOICES: &[Saying] = &[
    // serde-saphyr suggests `Option<String>`: a change of our types, not
    // something the file's author can do.
    (
        "null into string",
        [
            "valeur vide : il faut ici un texte",
            "empty value: a text is expected here",
        ],
        [
            "écrivez le texte après la clé, sur la même ligne, ou retirez la ligne si la clé est facultative",
            "write the text after the key, on the same line, or remove the line if the key is optional",
        ],
    ),
    (
        "did not match any variant of untagged enum",
        [
            "valeur inattendue : elle n’a aucune des formes permises ici",
            "unexpected value: it has none of the forms allowed here",
        ],
        CHECK_THE_FORM,
    ),
    (
        "unit enum variant",
        [
            "valeur inattendue : ce nom s’écrit seul, sans rien à sa suite",
            "unexpected value: this name is written alone, with nothing after it",
        ],
        [
            "gardez le nom seul et retirez ce qui le suit (`{ … }` ou `: …`)",
            "keep the name alone and remove what follows it (`{ … }` or `: …`)",
        ],
    ),
    (
        "end of mapping after enum variant",
        [
            "un seul nom est permis ici, et cet ensemble de clés en donne un second",
            "only one name is allowed here, and this mapping gives a second one",
        ],
        [
            "gardez une seule clé entre `{ }` ; les autres vont ailleurs (par exemple dans une règle à part)",
            "keep one key between `{ }`; the others go elsewhere (for example in a rule of their own)",
        ],
    ),
    (
        "enum expected scalar or mapping",
        [
            "valeur inattendue : il faut ici un nom, pas une liste",
            "unexpected value: a name is expected here, not a list",
        ],
        [
            "écrivez un seul nom, sans `[ ]` ni `- `",
            "write one name, without `[ ]` or `- `",
        ],
    ),
];

/// [`CHOICES`]'s message and hint for serde's `lower`, if it is one.
fn choice_in_words(lower: &str) -> Option<(Text, Text)> {
    let (_, [fr, en], [hint_fr, hint_en]) =
        CHOICES.iter().find(|(said, ..)| lower.contains(said))?;
    Some((Text::new(*fr, *en), Text::new(*hint_fr, *hint_en)))
}

/// A budget breached, in words: serde-saphyr's message shows its limit
/// as Rust writes it (`Depth { depth: 65 }`).
fn too_big_in_words(lower: &str) -> (Text, Text) {
    if lower.contains("depth") || lower.contains("recursion") {
        return (
            Text::new(
                "fichier YAML trop imbriqué : plus de 64 niveaux de listes et de clés les unes dans les autres",
                "YAML file nested too deep: over 64 levels of lists and keys inside one another",
            ),
            Text::new(
                "des listes et clés imbriquées sur plus de 64 niveaux : aplatissez la structure",
                "lists and keys nested over 64 levels deep: flatten the structure",
            ),
        );
    }
    if lower.contains("alias") || lower.contains("anchor") {
        return (
            Text::new(
                "fichier YAML trop grand : ses ancres (`&nom`) et alias (`*nom`) sont trop nombreux, ou répètent trop de valeurs",
                "YAML file too large: its anchors (`&name`) and aliases (`*name`) are too many, or repeat too many values",
            ),
            Text::new(
                "évitez les ancres et alias (& et *) répétés ; écrivez les valeurs en clair",
                "avoid repeated anchors and aliases (& and *); write the values out",
            ),
        );
    }
    (
        Text::new(
            "fichier YAML trop grand : plus de valeurs ou de texte qu’un fichier du site n’en contient jamais (chaque valeur qu’un alias `*nom` répète comptée)",
            "YAML file too large: more values or text than any file of the site holds (each value an alias `*name` repeats counted)",
        ),
        Text::new(
            "scindez-le en plusieurs fichiers ; s’il utilise des ancres et alias (& et *), écrivez plutôt les valeurs en clair",
            "split it into several files; if it uses anchors and aliases (& and *), write the values out instead",
        ),
    )
}

fn classify(msg: &str, file: &Path, pos: Position, text: &str, first_line: u32) -> Diagnostic {
    // Our own message (see [`invalid_value`]) starts with the mark; one
    // that has it further on quotes a value someone wrote with it.
    let mut marked = msg
        .strip_prefix(VALUE_MARK)
        .map(|m| m.splitn(2, VALUE_MARK));
    let mut part = || marked.as_mut().and_then(|m| m.next());
    if let (Some(fr), Some(en)) = (part(), part()) {
        return Diagnostic::error(INVALID_VALUE, file, pos, Text::new(fr, en)).with_hint(
            Text::new(
                "corrigez cette valeur (voir le message)",
                "correct this value (see the message)",
            ),
        );
    }
    let here = rest_of_line(text, pos, first_line);
    if let Some((key, expected)) = unknown_field(msg) {
        // `{ hours: 4,5 }`: in a flow mapping the comma of a French
        // decimal ends the value, and `5` is read as the next key; a key
        // of digits on a line of its own (`12: b`) is only a wrong key.
        let decimal =
            !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) && here.contains('}');
        let hint = match did_you_mean(key, expected.iter().copied()) {
            _ if decimal => Text::new(
                format!("un nombre décimal s’écrit avec un point, par exemple `4.{key}` : entre `{{ }}`, la virgule sépare les clés"),
                format!("a decimal number is written with a point, for example `4.{key}`: between `{{ }}`, a comma separates keys"),
            ),
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
        // Between braces the key goes inside them, not on a line: the
        // mapping starts at a brace, or serde names a key inside one.
        let line = rest_of_line(text, Position::new(pos.line, 1), first_line);
        let before = &line[..line.len() - here.len()];
        let braces = here.trim_start_matches("- ").trim_start().starts_with('{')
            || before.matches('{').count() > before.matches('}').count();
        return Diagnostic::error(
            MISSING_KEY,
            file,
            pos,
            Text::new(
                format!("la clé obligatoire `{key}` manque"),
                format!("the required key `{key}` is missing"),
            ),
        )
        .with_hint(
            if braces {
                Text::new(
                    format!("ajoutez `{key}: …` entre les accolades, séparé des autres clés par une virgule"),
                    format!("add `{key}: …` between the braces, separated from the other keys by a comma"),
                )
            } else {
                Text::new(
                    format!("ajoutez une ligne `{key}: …`"),
                    format!("add a line `{key}: …`"),
                )
            },
        );
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
    // Before the budget's words: a value a user wrote (`check: time-limit`)
    // is in serde's message, and must not read as a breached budget.
    if let Some(d) = unknown_variant(msg, file, pos) {
        return d;
    }
    const BUDGET: &[&str] = &[
        "budget breached",
        "alias replay",
        "alias expansion",
        "yaml document too large",
        "recursion limit",
        "property expansion",
    ];
    if BUDGET.iter().any(|p| lower.starts_with(p)) {
        let (message, hint) = too_big_in_words(&lower);
        return Diagnostic::error(TOO_BIG, file, pos, message).with_hint(hint);
    }
    if let Some((message, hint)) = choice_in_words(&lower).or_else(|| expected_type(&lower, here)) {
        // A non-breaking space looks like a space and is not one to YAML:
        // after `:` it makes the line one text, after a number a text.
        let hint = if here.contains('\u{a0}') {
            Text::new(
                "cette ligne contient une espace insécable (souvent venue d’un copier-coller ou d’un traitement de texte) : remplacez-la par une espace ordinaire",
                "this line holds a non-breaking space (often from a copy and paste or a word processor): replace it with an ordinary space",
            )
        } else {
            hint
        };
        return Diagnostic::error(WRONG_TYPE, file, pos, message).with_hint(hint);
    }
    if lower.starts_with("unexpected end of input") {
        // serde-saphyr's end of input: the document gave no value at all,
        // said of the whole file rather than past its last line.
        return Diagnostic::error(
            WRONG_TYPE,
            file,
            Position::new(first_line, 1),
            Text::new(
                "le fichier ne donne aucune valeur : il est vide, ou n’a que des commentaires",
                "the file gives no value: it is empty, or has only comments",
            ),
        )
        .with_hint(Text::new(
            "écrivez son contenu ; partez d’un fichier du même dossier, ou de l’exemple du README",
            "write its content; start from a file of the same folder, or from the README's example",
        ));
    }
    if lower.contains("multiple yaml documents") {
        // serde-saphyr's words name its own functions: not for a reader.
        return second_document(file, pos, text, first_line);
    }
    if lower.contains("trailing content after") {
        return after_quote(&lower, file, pos, text, first_line);
    }
    // The parser gives a bracket left open itself when it saw the end of
    // the file first, and where it stopped otherwise; a `key: value` line
    // after a list between brackets whose `]` was forgotten reads as a
    // misplaced `:` inside it.
    let left_open = if says_unclosed(&lower) {
        // Stopped on the line the bracket opened, the parser is on what
        // is wrong inside it (a missing comma), not past its end.
        let at_end = lower.contains("unexpected eof");
        here.chars()
            .next()
            .filter(|c| lower.contains("unclosed bracket") && matches!(c, '{' | '['))
            .map(|c| (pos, c))
            .or_else(|| {
                bracket_opened(text, pos, first_line).filter(|(at, _)| at_end || at.line < pos.line)
            })
    } else if lower.contains("illegal placement of ':'") {
        bracket_opened(text, pos, first_line).filter(|(at, _)| at.line < pos.line)
    } else {
        None
    };
    if let Some((at, bracket)) = left_open {
        let (message, hint) = if bracket == '{' {
            (
                Text::new(
                    "YAML invalide : cette accolade `{` n’est pas refermée par une `}`",
                    "invalid YAML: this `{` is not closed by a `}`",
                ),
                Text::new(
                    "ajoutez `}` à la fin de ce qu’elle ouvre, sur la même ligne, par exemple `{ date: 2025-10-06, hours: 4 }`",
                    "add `}` at the end of what it opens, on the same line, for example `{ date: 2025-10-06, hours: 4 }`",
                ),
            )
        } else {
            (
                Text::new(
                    "YAML invalide : ce crochet `[` n’est pas refermé par un `]`",
                    "invalid YAML: this `[` is not closed by a `]`",
                ),
                Text::new(
                    "ajoutez `]` après son dernier élément, par exemple `[fr, en]`, ou écrivez un élément par ligne, chacun après `- `",
                    "add `]` after its last item, for example `[fr, en]`, or write one item per line, each after `- `",
                ),
            )
        };
        return Diagnostic::error(SYNTAX, file, at.with_len(1), message).with_hint(hint);
    }
    let (words, hint) = syntax_in_words(&lower, here);
    // The parser reports a tab where the scalar before it started: said
    // at the tab itself, at or after that line.
    let pos = if lower.contains("tab") {
        tab_at(text, pos, first_line).unwrap_or(pos)
    } else {
        pos
    };
    Diagnostic::error(
        SYNTAX,
        file,
        pos,
        Text::new(
            format!("YAML invalide : {}", words.fr),
            format!("invalid YAML: {}", words.en),
        ),
    )
    .with_hint(hint)
}

/// The parser's message says a `{` or `[` was not closed: it says so
/// where it stopped, which is after the bracket, often on the next line.
fn says_unclosed(lower: &str) -> bool {
    lower.contains("is only valid inside a block")
        || lower.contains("unclosed bracket")
        || lower.contains("expected ',' or '}'")
        || lower.contains("expected ',' or ']'")
        || lower.contains("unexpected eof while parsing a flow")
}

/// The byte offset in `text` of `pos` (its line counted from
/// `first_line`, its column in characters); the end of its line past the
/// line's last character, `None` past the text's last line.
fn offset_of(text: &str, pos: Position, first_line: u32) -> Option<usize> {
    let index = pos.line.checked_sub(first_line)? as usize;
    let mut start = 0;
    for line in text.split_inclusive('\n').take(index) {
        start += line.len();
    }
    let line = text.get(start..)?.lines().next().unwrap_or("");
    Some(
        start
            + line
                .char_indices()
                .nth(pos.column.saturating_sub(1) as usize)
                .map_or(line.len(), |(i, _)| i),
    )
}

/// The position of byte `offset` of `text` (a character boundary), its
/// line counted from `first_line`.
fn position_at(text: &str, offset: usize, first_line: u32) -> Position {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position::new(
        before.matches('\n').count() as u32 + first_line,
        before[line_start..].chars().count() as u32 + 1,
    )
}

/// The lines of `text` that are the content of a block scalar (`|` or `>`
/// ending the line above): text, not YAML, whatever quotes or brackets
/// they hold. As byte ranges, in order.
fn block_scalar_lines(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut within: Option<usize> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches(' ').len();
        let blank = body.trim().is_empty();
        match within {
            Some(base) if blank || indent > base => ranges.push(start..start + line.len()),
            _ => {
                within = None;
                // `key: |`, `- >-`, `key: |2 # note`: the header of one.
                let code = body.split(" #").next().unwrap_or(body).trim_end();
                let header = code.rsplit_once(' ').map_or(code, |(_, h)| h);
                let opens = matches!(header.chars().next(), Some('|' | '>'))
                    && header[1..]
                        .chars()
                        .all(|c| matches!(c, '+' | '-' | '1'..='9'))
                    && (code.len() == header.len() + indent
                        || code[..code.len() - header.len()]
                            .trim_end()
                            .ends_with([':', '-']));
                if opens {
                    within = Some(indent);
                }
            }
        }
        start += line.len();
    }
    ranges
}

/// The `{` or `[` still open where the parser stopped at `pos`, the
/// innermost one: where the fix is. Brackets count only where a value
/// can start (after `: `, `- `, `,`, a quoted key's `:`, another bracket,
/// or at a line's start outside brackets) or within brackets, never
/// inside quotes, comments or block scalars, so that `Permanence
/// d'accueil [bis]` opens nothing. `None` when none is open there.
fn bracket_opened(text: &str, pos: Position, first_line: u32) -> Option<(Position, char)> {
    let end = offset_of(text, pos, first_line)?;
    let skipped = block_scalar_lines(&text[..end]);
    let mut skipped = skipped.iter().peekable();
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut value_start = true;
    let mut quote: Option<char> = None;
    let mut quote_closed = false;
    let mut previous = '\n';
    let mut chars = text[..end].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        while skipped.peek().is_some_and(|r| r.end <= i) {
            skipped.next();
        }
        if skipped.peek().is_some_and(|r| r.contains(&i)) {
            continue;
        }
        let next = chars.peek().map_or('\n', |&(_, n)| n);
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some('\'') if c == '\'' && next == '\'' => {
                chars.next();
            }
            Some(q) if c == q => {
                quote = None;
                value_start = false;
                quote_closed = true;
                previous = c;
                continue;
            }
            Some(_) => {}
            None => match c {
                '\n' => value_start |= open.is_empty(),
                ' ' | '\t' | '\r' => {}
                '#' if previous.is_whitespace() => {
                    while chars.peek().is_some_and(|&(_, n)| n != '\n') {
                        chars.next();
                    }
                }
                '"' | '\'' if value_start => quote = Some(c),
                '{' | '[' if value_start || !open.is_empty() => {
                    open.push((i, c));
                    value_start = true;
                }
                '}' | ']' if !open.is_empty() => {
                    open.pop();
                    value_start = false;
                }
                ',' if !open.is_empty() => value_start = true,
                // After a quoted key (`"k":"v"`) the colon needs no space.
                ':' if quote_closed => value_start = true,
                ':' | '-' | '?' if next.is_whitespace() => value_start = true,
                _ => value_start = false,
            },
        }
        if !c.is_whitespace() {
            quote_closed = false;
        }
        previous = c;
    }
    let (at, bracket) = *open.last()?;
    Some((position_at(text, at, first_line), bracket))
}

/// The first tab in a line's indentation at or after the line of `pos`.
fn tab_at(text: &str, pos: Position, first_line: u32) -> Option<Position> {
    let from = pos.line.saturating_sub(first_line) as usize;
    let (n, col) = text.lines().enumerate().skip(from).find_map(|(n, l)| {
        let indent = l.len() - l.trim_start_matches([' ', '\t']).len();
        l[..indent].find('\t').map(|c| (n, c))
    })?;
    Some(Position::new(n as u32 + first_line, col as u32 + 1).with_len(1))
}

/// A second YAML document in a file, which serde-saphyr reports where its
/// content starts: said at the line that starts it, the `---` (or the
/// `...` that ended the first) after some content, where the fix is.
fn second_document(file: &Path, pos: Position, text: &str, first_line: u32) -> Diagnostic {
    let upto = pos.line.saturating_sub(first_line) as usize + 1;
    let mut content = false;
    let mut marker = None;
    for (n, l) in text.lines().take(upto).enumerate() {
        if content && (l.starts_with("---") || l.starts_with("...")) {
            marker = Some((n, l.starts_with("...")));
        } else {
            let blank = l.trim().is_empty() || l.trim_start().starts_with('#');
            content |= !(blank || l.starts_with("---") || l.starts_with('%'));
        }
    }
    let at = marker.map_or(pos, |(n, _)| {
        Position::new(n as u32 + first_line, 1).with_len(3)
    });
    if marker.is_some_and(|(_, ended)| ended) {
        return Diagnostic::error(
            SYNTAX,
            file,
            at,
            Text::new(
                "YAML invalide : la ligne `...` termine le document, et ce qui la suit en serait un second ; un fichier n’en contient qu’un",
                "invalid YAML: the `...` line ends the document, and what follows it would be a second one; a file holds only one",
            ),
        )
        .with_hint(Text::new(
            "retirez la ligne `...` ; si ce qui la suit est un autre dossier ou une autre liste, placez-le dans son propre fichier",
            "remove the `...` line; if what follows it is another record or list, put it in a file of its own",
        ));
    }
    Diagnostic::error(
        SYNTAX,
        file,
        at,
        Text::new(
            "YAML invalide : un second document commence à cette ligne `---`, et un fichier n’en contient qu’un",
            "invalid YAML: a second document starts at this `---` line, and a file holds only one",
        ),
    )
    .with_hint(Text::new(
        "retirez la ligne `---` ; si ce qui la suit est un autre dossier ou une autre liste, placez-le dans son propre fichier",
        "remove the `---` line; if what follows it is another record or list, put it in a file of its own",
    ))
}

/// The text from `pos` to the end of its line, empty when `pos` is not in
/// `text`: what a parser's message is about (an alias's name, a character
/// it refused, a number it could not take).
fn rest_of_line(text: &str, pos: Position, first_line: u32) -> &str {
    offset_of(text, pos, first_line)
        .and_then(|at| text[at..].lines().next())
        .unwrap_or("")
}

/// Text after a quoted value's closing quote (`title: "A" B`). When the
/// quote that opened the value is on an earlier line, that quote was left
/// open and the value ran on to the next one: said there, where the fix is.
fn after_quote(lower: &str, file: &Path, pos: Position, text: &str, first_line: u32) -> Diagnostic {
    let quote = if lower.contains("single-quoted") {
        '\''
    } else {
        '"'
    };
    let inner = if quote == '"' { "`\\\"`" } else { "`''`" };
    if let Some((opened, closed)) = quote_opened(text, pos, first_line, quote) {
        return Diagnostic::error(
            SYNTAX,
            file,
            opened.with_len(1),
            Text::new(
                format!("YAML invalide : le guillemet ouvert ici n’est pas refermé sur sa ligne, et la valeur court jusqu’au guillemet de la ligne {closed}"),
                format!("invalid YAML: the quote opened here is not closed on its line, and the value runs on to the quote on line {closed}"),
            ),
        )
        .with_hint(Text::new(
            format!("refermez le guillemet à la fin de la valeur, sur cette ligne ; un guillemet dans le texte s’écrit {inner}"),
            format!("close the quote at the end of the value, on this line; a quote inside the text is written {inner}"),
        ));
    }
    Diagnostic::error(
        SYNTAX,
        file,
        pos,
        Text::new(
            "YAML invalide : du texte suit le guillemet qui ferme la valeur",
            "invalid YAML: text follows the quote that closes the value",
        ),
    )
    .with_hint(Text::new(
        format!("mettez toute la valeur entre les guillemets, par exemple `title: \"Typographie : un essai\"` ; un guillemet dans le texte s’écrit {inner}"),
        format!("put the whole value between the quotes, for example `title: \"Typography: an essay\"`; a quote inside the text is written {inner}"),
    ))
}

/// Where the quoted value that closed just before `pos` was opened, and
/// the line it closed on, when it was opened on an earlier line.
fn quote_opened(
    text: &str,
    pos: Position,
    first_line: u32,
    quote: char,
) -> Option<(Position, u32)> {
    let end = offset_of(text, pos, first_line)?;
    let closing = text[..end].rfind(quote)?;
    // Back from the closing quote to the opening one, over escaped
    // quotes: `\"` between double quotes, `''` between single ones.
    let bytes = text.as_bytes();
    let mut at = closing;
    let opening = loop {
        let found = text[..at].rfind(quote)?;
        let escaped = if quote == '"' {
            text[..found]
                .bytes()
                .rev()
                .take_while(|&b| b == b'\\')
                .count()
                % 2
                == 1
        } else {
            found > 0 && bytes[found - 1] == b'\''
        };
        if !escaped {
            break found;
        }
        at = if quote == '"' { found } else { found - 1 };
    };
    let (opened, closed) = (
        position_at(text, opening, first_line),
        position_at(text, closing, first_line),
    );
    (opened.line != closed.line).then_some((opened, closed.line))
}

/// The parser's message in words, in French and English (the parser's
/// own words are for YAML's implementers, and English only), and the hint
/// that fits it. `here` is the text from where the parser stopped.
fn syntax_in_words(lower: &str, here: &str) -> (Text, Text) {
    let layout = Text::new(
        "vérifiez l’indentation (espaces), les deux-points après chaque clé et les guillemets autour des textes contenant « : » ou « # »",
        "check the indentation (spaces), the colon after each key and quotes around text containing ': ' or ' #'",
    );
    let said = |fr: &str, en: &str| Text::new(fr, en);
    if lower.contains("tab") {
        return (
            said(
                "une tabulation n’est pas permise ici",
                "a tab is not allowed here",
            ),
            said(
                "le YAML n’accepte pas les tabulations : indentez avec des espaces",
                "YAML does not allow tabs: indent with spaces",
            ),
        );
    }
    if lower.contains("non-finite float") {
        return (
            said(
                "un nombre infini ou indéfini (`.nan`, `.inf`, ou trop grand comme `1e400`) n’est pas permis",
                "an infinite or undefined number (`.nan`, `.inf`, or too large like `1e400`) is not allowed",
            ),
            said(
                "écrivez un nombre ordinaire, par exemple `4` ou `2.5`",
                "write an ordinary number, for example `4` or `2.5`",
            ),
        );
    }
    if let Some(pair) = between(lower, "mismatched bracket '", "'") {
        let close = between(lower, "closed by '", "'").unwrap_or("?");
        return (
            Text::new(
                format!("ce `{pair}` est refermé par `{close}`"),
                format!("this `{pair}` is closed by `{close}`"),
            ),
            said(
                "fermez `[` par `]` et `{` par `}`",
                "close `[` with `]` and `{` with `}`",
            ),
        );
    }
    if lower.contains("misplaced bracket") {
        return (
            said(
                "ce `]` ou `}` ferme quelque chose qui n’a pas été ouvert",
                "this `]` or `}` closes something that was not opened",
            ),
            said(
                "retirez-le, ou ajoutez le `[` ou le `{` qui manque",
                "remove it, or add the missing `[` or `{`",
            ),
        );
    }
    if says_unclosed(lower) {
        return (
            said(
                "une accolade `{` ou un crochet `[` n’est pas refermé avant la suite",
                "a brace `{` or a bracket `[` is not closed before what follows",
            ),
            said(
                "refermez sur la même ligne ce qui s’ouvre par `{` ou `[`, par exemple `{ date: 2025-10-06, hours: 4 }`",
                "close on the same line what opens with `{` or `[`, for example `{ date: 2025-10-06, hours: 4 }`",
            ),
        );
    }
    if lower.contains("unknown anchor") {
        let name: String = here
            .strip_prefix('*')
            .unwrap_or("")
            .chars()
            .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
            .collect();
        if name.is_empty() {
            return (
                said(
                    "cet alias `*…` renvoie à une ancre `&…` qui n’est pas définie plus haut dans le fichier",
                    "this alias `*…` refers to an anchor `&…` that is not defined above in the file",
                ),
                said(
                    "posez l’ancre `&nom` sur la valeur à répéter, plus haut dans le fichier, ou écrivez la valeur en clair",
                    "put the anchor `&name` on the value to repeat, higher in the file, or write the value out",
                ),
            );
        }
        return (
            Text::new(
                format!("`*{name}` renvoie à une ancre `&{name}` qui n’est pas définie plus haut dans le fichier"),
                format!("`*{name}` refers to an anchor `&{name}` that is not defined above in the file"),
            ),
            Text::new(
                format!("posez `&{name}` sur la valeur à répéter, plus haut dans le fichier, ou écrivez la valeur en clair"),
                format!("put `&{name}` on the value to repeat, higher in the file, or write the value out"),
            ),
        );
    }
    if lower.contains("merge value must be") {
        return (
            said(
                "ce qui suit `<<:` doit être un ensemble de clés, ou l’alias `*nom` d’un ensemble de clés",
                "what follows `<<:` must be a mapping, or the alias `*name` of a mapping",
            ),
            said(
                "écrivez `<<: *nom`, où `&nom` est posé sur un ensemble de clés plus haut, ou retirez la ligne `<<:`",
                "write `<<: *name`, where `&name` is put on a mapping higher up, or remove the `<<:` line",
            ),
        );
    }
    if lower.contains("quoted scalar")
        && ["escape", "hexadecimal", "surrogate"]
            .iter()
            .any(|w| lower.contains(w))
    {
        return (
            said(
                "entre guillemets doubles, une barre oblique inverse `\\` commence un code, et celui-ci n’existe pas",
                "between double quotes, a backslash `\\` starts a code, and this one does not exist",
            ),
            said(
                "dans un chemin, écrivez `/` au lieu de `\\` ; sinon doublez-la (`\\\\`), ou mettez le texte entre guillemets simples `'…'`",
                "in a path, write `/` instead of `\\`; otherwise double it (`\\\\`), or put the text between single quotes `'…'`",
            ),
        );
    }
    if lower.contains("unexpected character") {
        if let Some(c) = here.chars().next() {
            if c == '`' {
                // Written as Markdown shows code: not a quote in YAML.
                return (
                    said(
                        "une valeur ne peut pas commencer par un accent grave (`)",
                        "a value cannot start with a backquote (`)",
                    ),
                    said(
                        "retirez les accents graves autour de la valeur, ou remplacez-les par des guillemets droits \"…\"",
                        "remove the backquotes around the value, or replace them with straight quotes \"…\"",
                    ),
                );
            }
            if c.is_control() || c.is_whitespace() {
                return (
                    Text::new(
                        format!(
                            "un caractère invisible (code {}) n’est pas permis ici",
                            c as u32
                        ),
                        format!(
                            "an invisible character (code {}) is not allowed here",
                            c as u32
                        ),
                    ),
                    said(
                        "supprimez-le : il vient souvent d’un copier-coller",
                        "delete it: it often comes from a copy and paste",
                    ),
                );
            }
            return (
                Text::new(
                    format!("une valeur ne peut pas commencer par `{c}`"),
                    format!("a value cannot start with `{c}`"),
                ),
                Text::new(
                    format!("mettez la valeur entre guillemets, par exemple `\"{c}…\"`"),
                    format!("put the value in quotes, for example `\"{c}…\"`"),
                ),
            );
        }
    }
    if lower.contains("illegal placement of ':'") {
        return (
            said(
                "un « : » n’est pas permis à cet endroit",
                "a ': ' is not allowed here",
            ),
            said(
                "si un `[` ou un `{` plus haut n’est pas refermé, refermez-le sur sa ligne ; sinon mettez ce texte entre guillemets",
                "if a `[` or `{` above is not closed, close it on its line; otherwise put this text in quotes",
            ),
        );
    }
    if lower.contains("simple key expected") {
        return (
            said(
                "cette ligne n’est pas de la forme `clé: valeur`",
                "this line is not of the form `key: value`",
            ),
            said(
                "mettez « : » et une espace après la clé, par exemple `weight: 2`",
                "put ': ' (a colon and a space) after the key, for example `weight: 2`",
            ),
        );
    }
    if lower.contains("did not find expected '-'") {
        return (
            said(
                "un élément de liste (une ligne commençant par `- `) était attendu à cet endroit",
                "a list item (a line starting with `- `) was expected here",
            ),
            said(
                "alignez cette ligne sur les éléments de la liste au-dessus, ou mettez-la moins en retrait si elle n’en fait pas partie",
                "align this line with the list's items above, or indent it less if it is not part of the list",
            ),
        );
    }
    if lower.contains("block sequence entries are not allowed") {
        return (
            said(
                "un élément de liste `- ` n’est pas permis à cet endroit",
                "a list item `- ` is not allowed here",
            ),
            said(
                "une liste sous une clé commence à la ligne suivante : `clé:`, puis une ligne `- …` en retrait par élément",
                "a list under a key starts on the next line: `key:`, then one indented line `- …` per item",
            ),
        );
    }
    if lower.contains("unclosed quote") {
        return (
            said("un guillemet n’est pas refermé", "a quote is not closed"),
            said(
                "refermez le guillemet à la fin de la valeur, sur la même ligne",
                "close the quote at the end of the value, on the same line",
            ),
        );
    }
    if lower.contains("block scalar") {
        return (
            said(
                "l’en-tête `|` ou `>` de ce texte sur plusieurs lignes n’est pas valable",
                "the `|` or `>` header of this multi-line text is not valid",
            ),
            said(
                "écrivez `|` (ou `>`) seul en fin de ligne, puis le texte sur les lignes suivantes, en retrait",
                "write `|` (or `>`) alone at the end of the line, then the text on the next lines, indented",
            ),
        );
    }
    if [
        "invalid indentation",
        "wrongly indented",
        "incorrect indentation",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return (
            said(
                "le retrait de cette ligne ne correspond à aucun niveau au-dessus",
                "this line's indentation matches no level above",
            ),
            layout,
        );
    }
    let words = [
        (
            "mapping values are not allowed",
            "un « : » n’est pas permis à cet endroit",
            "a ': ' is not allowed here",
        ),
        (
            "did not find expected key",
            "une clé était attendue à cet endroit",
            "a key was expected here",
        ),
        (
            "unexpected end",
            "le fichier s’arrête au milieu d’une valeur",
            "the file ends in the middle of a value",
        ),
    ];
    let (fr, en) = words
        .iter()
        .find(|(needle, _, _)| lower.contains(needle))
        .map_or(
            (
                "la mise en forme ne se lit pas à partir d’ici",
                "the layout cannot be read from here",
            ),
            |(_, fr, en)| (*fr, *en),
        );
    (said(fr, en), layout)
}

// ---------------------------------------------------------------------------
// Values of the wrong shape, kept instead of stopping the parse

/// A YAML value of any shape, as written. A field declared `Loose` (or
/// [`Many`], [`Mapping`]) accepts whatever is written there, so that a
/// value of the wrong type is reported at its key with the form expected,
/// and the rest of the file is still read and checked, instead of the
/// whole file stopping at the first wrong value.
#[derive(Debug, Clone, PartialEq)]
pub enum Loose {
    /// Nothing written (`key:`, `~`, `null`).
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// A sequence (its items are not kept).
    List,
    /// A mapping (its entries are not kept).
    Mapping,
}

impl Loose {
    /// What was written, in words, for a message: `` `150h` `` (a text),
    /// `150`, `a list`.
    pub fn describe(&self) -> Text {
        match self {
            Loose::Null => Text::new("vide", "empty"),
            Loose::Bool(b) => Text::new(format!("`{b}`"), format!("`{b}`")),
            Loose::Int(n) => Text::new(format!("`{n}`"), format!("`{n}`")),
            Loose::Float(x) => Text::new(format!("`{x}`"), format!("`{x}`")),
            Loose::Text(t) => Text::new(format!("le texte `{t}`"), format!("the text `{t}`")),
            Loose::List => Text::new("une liste", "a list"),
            Loose::Mapping => Text::new(
                "un ensemble de clés (clé: valeur)",
                "a mapping (key: value)",
            ),
        }
    }

    /// A scalar as text (`150` for the number 150), `None` for a list, a
    /// mapping or nothing.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Loose::Text(t) => Some(t.clone()),
            Loose::Int(n) => Some(n.to_string()),
            Loose::Float(x) => Some(x.to_string()),
            Loose::Bool(b) => Some(b.to_string()),
            Loose::Null | Loose::List | Loose::Mapping => None,
        }
    }

    /// A number, `None` for anything else (a text `150h` included).
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Loose::Int(n) => Some(*n as f64),
            Loose::Float(x) => Some(*x),
            _ => None,
        }
    }

    /// The number a text starts with (`150` in `150h`, `2.5` in `2,5 h`):
    /// the corrected value a message suggests.
    pub fn number_in_text(&self) -> Option<String> {
        let Loose::Text(t) = self else { return None };
        let t = t.trim();
        let end = t
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ','))
            .map_or(t.len(), |(i, _)| i);
        let n = t[..end].replace(',', ".");
        let n = n.trim_end_matches('.');
        n.parse::<f64>().is_ok().then(|| n.to_string())
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Loose, E> {
        Ok(Loose::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Loose, E> {
        Ok(Loose::Int(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Loose, E> {
        Ok(i64::try_from(v).map_or(Loose::Float(v as f64), Loose::Int))
    }
    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Loose, E> {
        Ok(i64::try_from(v).map_or(Loose::Float(v as f64), Loose::Int))
    }
    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Loose, E> {
        Ok(i64::try_from(v).map_or(Loose::Float(v as f64), Loose::Int))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Loose, E> {
        Ok(Loose::Float(v))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Loose, E> {
        Ok(Loose::Text(v.to_string()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Loose, E> {
        Ok(Loose::Text(v))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Loose, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        // Read to its end (the budgets still apply), kept as a shape only.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Loose::List)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose::Mapping)
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
}

// Written back as they were read: the JSON Schemas of record files show
// the default of an optional field through it.
impl serde::Serialize for Loose {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Loose::Null | Loose::List | Loose::Mapping => s.serialize_none(),
            Loose::Bool(b) => s.serialize_bool(*b),
            Loose::Int(n) => s.serialize_i64(*n),
            Loose::Float(x) => s.serialize_f64(*x),
            Loose::Text(t) => s.serialize_str(t),
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for Many<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Many::Items(items) => items.serialize(s),
            Many::Not(l) => l.serialize(s),
        }
    }
}

/// A list where one is expected, or what was written instead.
#[derive(Debug, Clone, PartialEq)]
pub enum Many<T> {
    Items(Vec<T>),
    Not(Loose),
}

impl<T> Default for Many<T> {
    fn default() -> Self {
        Many::Items(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Many<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Many<T>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(x) = seq.next_element()? {
                    items.push(x);
                }
                Ok(Many::Items(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Many<T>, A::Error> {
                LooseVisitor.visit_map(map).map(Many::Not)
            }
            forward_scalars!(Many::Not);
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A mapping read into `T` where one is expected, or what was written
/// instead.
#[derive(Debug, Clone, PartialEq)]
pub enum Mapping<T> {
    Map(T),
    Not(Loose),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Mapping<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Mapping<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Mapping<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Mapping::Map)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Mapping<T>, A::Error> {
                LooseVisitor.visit_seq(seq).map(Mapping::Not)
            }
            forward_scalars!(Mapping::Not);
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A value and where it was written, as [`serde_saphyr::Spanned`], read
/// without its detours: `Spanned` reads its fields by name into an
/// allocated `String` and also accepts other deserializers' shapes, which
/// cost a tenth of reading a record whose every value is located. Only for
/// values read by [`parse`] (serde-saphyr gives the locations).
#[derive(Debug, Clone, PartialEq)]
pub struct Span<T> {
    pub value: T,
    /// Where the value is used (an alias's place for an aliased value).
    pub referenced: Location,
    /// Where the value is written.
    pub defined: Location,
}

impl<T> Span<T> {
    pub const fn new(value: T, referenced: Location, defined: Location) -> Self {
        Span {
            value,
            referenced,
            defined,
        }
    }
}

// The value only, as `Spanned` writes it: the JSON Schemas of record files
// show the default of an optional field through it.
impl<T: serde::Serialize> serde::Serialize for Span<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

/// The names serde-saphyr gives the parts of a located value, in the
/// order it gives them.
const SPAN_FIELDS: &[&str] = &[
    "__serde_saphyr_private_spanned",
    "value",
    "referenced",
    "defined",
];

/// Reads the name of the part of a located value due next, with no
/// allocation: whether it is the one expected ([`SPAN_FIELDS`]`[n]`).
struct SpanField(usize);

impl<'de> serde::de::DeserializeSeed<'de> for SpanField {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for SpanField {
    type Value = bool;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a part of a located value")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == SPAN_FIELDS[self.0])
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Span<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Parts<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Parts<T> {
            type Value = Span<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a located value")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Span<T>, D::Error> {
                d.deserialize_struct("Spanned", SPAN_FIELDS, self)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Span<T>, A::Error> {
                // serde-saphyr gives the four parts in this order, the
                // first one marking a value it located.
                fn part<'de, A: MapAccess<'de>>(map: &mut A, want: usize) -> Result<(), A::Error> {
                    match map.next_key_seed(SpanField(want))? {
                        Some(true) => Ok(()),
                        _ => Err(serde::de::Error::custom(
                            "a located value is read by serde-saphyr only",
                        )),
                    }
                }
                part(&mut map, 0)?;
                map.next_value::<IgnoredAny>()?;
                part(&mut map, 1)?;
                let value = map.next_value()?;
                part(&mut map, 2)?;
                let referenced = map.next_value()?;
                part(&mut map, 3)?;
                let defined = map.next_value()?;
                Ok(Span::new(value, referenced, defined))
            }
        }
        // The name serde-saphyr recognises to give a value's location.
        d.deserialize_newtype_struct("__yaml_spanned", Parts(std::marker::PhantomData))
    }
}

/// A wrong-type error at `at`: the key, what it must be, what was written,
/// and the line to write instead (`hours: 150`).
pub fn wrong_type(
    file: &Path,
    at: Position,
    key: &str,
    expected: &Text,
    found: &Loose,
    example: &str,
) -> Diagnostic {
    let found = found.describe();
    Diagnostic::error(
        WRONG_TYPE,
        file,
        at,
        Text::new(
            format!("`{key}` doit être {}, pas {}", expected.fr, found.fr),
            format!("`{key}` must be {}, not {}", expected.en, found.en),
        ),
    )
    .with_hint(Text::new(
        format!("écrivez par exemple `{example}`"),
        format!("write for example `{example}`"),
    ))
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
        parse::<Fm>(text, Path::new("x.md"), 2)
            .unwrap_err()
            .remove(0)
    }

    /// Entries as a record has them: located values of any shape.
    #[derive(Debug, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        #[schemars(with = "String")]
        date: Span<Loose>,
        #[schemars(with = "f64")]
        hours: Span<Loose>,
    }

    #[derive(Debug, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Entries {
        #[schemars(with = "String")]
        name: Span<Loose>,
        #[schemars(with = "Vec<Entry>")]
        entries: Vec<Span<Entry>>,
    }

    /// Reads `text` lacking keys, and gives where each value of the
    /// stood-in reading is in `text`: (line, column) of name, then of each
    /// entry, its date and its hours; `None` for a stand-in.
    fn stood_in_places(text: &str) -> Vec<Option<(u32, u32)>> {
        let schema = || serde_json::to_value(schemars::schema_for!(Entries)).unwrap();
        let file = Path::new("r.yml");
        let Err((found, Some(s))) = parse_with_schema_standing_in::<Entries>(text, file, 1, schema)
        else {
            panic!("no stand-in for {text:?}");
        };
        assert!(found.iter().all(|d| d.rule == MISSING_KEY), "{found:?}");
        let place = |at: &Location| {
            let d = Diagnostic::error(WRONG_TYPE, file, position(at, 1), Text::new("", ""));
            s.patch
                .restore(d)
                .map(|d| (d.position.line, d.position.column))
        };
        let mut out = vec![place(&s.value.name.referenced)];
        for e in &s.value.entries {
            out.extend([
                place(&e.referenced),
                place(&e.value.date.referenced),
                place(&e.value.hours.referenced),
            ]);
        }
        out
    }

    #[test]
    fn values_read_past_a_missing_key_are_put_back_where_they_are_written() {
        // Each mapping, then its date and its hours. Between braces, three
        // mappings on one line: the columns of each move back by what was
        // put into those before it.
        assert_eq!(
            stood_in_places(
                "name: x\nentries: [{ date: a }, { hours: b }, { date: c, hours: d }]\n"
            ),
            [
                Some((1, 7)),
                Some((2, 11)),
                Some((2, 19)),
                None,
                Some((2, 24)),
                None,
                Some((2, 33)),
                Some((2, 38)),
                Some((2, 46)),
                Some((2, 56))
            ]
        );
        // Over lines: a key put on a list item's own line, its first key
        // moved down, and still where the mapping starts; the lines below
        // move back up.
        assert_eq!(
            stood_in_places("entries:\n  - date: a\n  - hours: b\n    date: c\nname: x\n"),
            [
                Some((5, 7)),
                Some((2, 5)),
                Some((2, 11)),
                None,
                Some((3, 5)),
                Some((4, 11)),
                Some((3, 12))
            ]
        );
        // An empty mapping between braces, and a key above a mapping's
        // first key.
        assert_eq!(
            stood_in_places("entries:\n  - {}\n  -\n    hours: 1\n"),
            [
                None,
                Some((2, 5)),
                None,
                None,
                Some((4, 5)),
                None,
                Some((4, 12))
            ]
        );
    }

    #[test]
    fn the_dash_of_an_item_given_a_stand_in_line_stays_where_it_is() {
        let schema = || serde_json::to_value(schemars::schema_for!(Entries)).unwrap();
        let text = "name: x\nentries:\n  - date: a\n";
        let Err((_, Some(s))) =
            parse_with_schema_standing_in::<Entries>(text, Path::new("r.yml"), 1, schema)
        else {
            panic!("no stand-in");
        };
        // `  - hours: …` then `    date: a`: the dash, and the mapping at
        // the stand-in's key, are on line 3 as written.
        let at = |line, column| {
            s.patch
                .restore_position(Position::new(line, column))
                .map(|p| (p.line, p.column))
        };
        assert_eq!(at(3, 3), Some((3, 3)));
        assert_eq!(at(3, 5), Some((3, 5)));
        assert_eq!(at(3, 12), None);
        assert_eq!(at(4, 11), Some((3, 11)));
    }

    #[test]
    fn no_stand_in_through_an_alias_or_after_another_error() {
        let schema = || serde_json::to_value(schemars::schema_for!(Entries)).unwrap();
        let file = Path::new("r.yml");
        for text in [
            // The mapping lacking `hours` is used again through an alias,
            // where its values are located: a stand-in's problem would be
            // said at the alias.
            "name: x\nentries: [&e { date: a }, *e]\n",
            // An unknown key as well: the text is not what was meant.
            "name: x\nentries: [{ date: a, hour: 1 }, { date: b }]\nnam: y\n",
        ] {
            match parse_with_schema_standing_in::<Entries>(text, file, 1, schema) {
                Err((found, stood_in)) => {
                    assert!(!found.is_empty());
                    assert!(stood_in.is_none(), "{text}");
                }
                Ok(v) => panic!("{v:?}"),
            }
        }
    }

    #[test]
    fn a_value_is_located_by_its_keys_and_items() {
        let text = "\u{feff}facts:\n  kinds:\n    - id: a\n    - { id: b }\nother: 1\n";
        let at = |path: &[Step]| locate(text, 1, path).map(|p| (p.line, p.column));
        use Step::{Item, Key};
        assert_eq!(
            at(&[Key("facts"), Key("kinds"), Item(0), Key("id")]),
            Some((3, 11))
        );
        assert_eq!(
            at(&[Key("facts"), Key("kinds"), Item(1), Key("id")]),
            Some((4, 13))
        );
        assert_eq!(at(&[Key("other")]), Some((5, 8)));
        // In front matter, lines count from the file's.
        assert_eq!(locate("a: 1\n", 2, &[Key("a")]).map(|p| p.line), Some(2));
        // Nothing there, or the wrong shape: no position to give.
        assert_eq!(at(&[Key("facts"), Key("kinds"), Item(2)]), None);
        assert_eq!(at(&[Key("other"), Item(0)]), None);
        assert_eq!(locate("a: [", 1, &[Key("a")]), None);
    }

    #[test]
    fn a_bracket_left_open_is_said_where_it_opens() {
        let at = |text: &str, first_line: u32| {
            let d = parse::<serde_json::Value>(text, Path::new("r.yml"), first_line)
                .unwrap_err()
                .remove(0);
            (d.position.line, d.position.column, d.message.en)
        };
        let brace = "invalid YAML: this `{` is not closed by a `}`".to_string();
        let bracket = "invalid YAML: this `[` is not closed by a `]`".to_string();
        // Not closed, then the next item: said at the brace, not at the
        // next line where the parser stopped. An apostrophe, a quoted or
        // commented bracket and a bracket inside a plain text open nothing.
        let text = "# a { in a comment\nname: Permanence d'accueil [bis]\nquoted: \"{\"\nhours:\n  - { date: 1, hours: 4, note: \"a } b\"\n  - { date: 2, hours: 4 }\n";
        assert_eq!(at(text, 1), (5, 5, brace.clone()));
        // In front matter, lines count from the file's.
        assert_eq!(at(text, 2), (6, 5, brace.clone()));
        // A list between brackets over several lines, its `]` forgotten.
        let text = "modules: [\n  communication,\n  association\nother: 1\n";
        assert_eq!(at(text, 1), (1, 10, bracket.clone()));
        // The innermost of two.
        let text = "a: [ { b: 1 ,\nc: 2\n";
        assert_eq!(at(text, 1), (1, 6, brace.clone()));
        // After a quoted key, `:` needs no space before the value: the
        // quote opens a text, and the `[` in it opens nothing.
        assert_eq!(
            at("a: {\"b\":\"[\", c: 1\nd: 2\n", 1),
            (1, 4, brace.clone())
        );
        // A block scalar's lines are text, whatever quote starts them.
        let text = "m: |\n  \"Citation [\nb: [1, 2\nc: 1\n";
        assert_eq!(at(text, 1), (3, 4, bracket.clone()));
        // A comma missing inside braces closed on their line: said where
        // the parser found the `:` it makes out of place, as before, not
        // blamed on the brace.
        let (line, column, said) = at("- { date: 2025-02-22 hours: 4, activity: x }\n", 1);
        assert_ne!(said, brace);
        assert_eq!((line, column), (1, 27));
    }

    #[test]
    fn common_syntax_errors_are_said_in_french_too() {
        let cases = [
            ("a:\n\tb: 1\n", "une tabulation"),
            ("a: b: c\n", "un « : » n’est pas permis"),
            (
                "- { a: 1\n- { a: 2 }\n",
                "cette accolade `{` n’est pas refermée",
            ),
            ("a: .nan\n", "un nombre infini ou indéfini"),
            ("a: \"b\n", "un guillemet n’est pas refermé"),
        ];
        for (text, fr) in cases {
            let d = parse::<serde_json::Value>(text, Path::new("r.yml"), 1);
            let d = match d {
                Err(mut d) => d.remove(0),
                // `.nan` is a number to a Value: read as an f64 instead.
                Ok(_) => {
                    parse::<std::collections::BTreeMap<String, f64>>(text, Path::new("r.yml"), 1)
                        .unwrap_err()
                        .remove(0)
                }
            };
            assert!(
                d.message.fr.starts_with(&format!("YAML invalide : {fr}")),
                "{text:?}: {}",
                d.message.fr
            );
        }
    }

    #[test]
    fn a_decimal_comma_in_braces_is_told_as_such() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Entry {
            date: String,
            hours: f64,
        }
        let text = "- { date: 2025-10-06, hours: 4,5 }\n";
        let d = parse::<Vec<Entry>>(text, Path::new("r.yml"), 1)
            .unwrap_err()
            .remove(0);
        assert_eq!((d.rule, d.position.line), (UNKNOWN_KEY, 1));
        assert_eq!(
            d.hint.map(|h| h.en),
            Some("a decimal number is written with a point, for example `4.5`: between `{ }`, a comma separates keys".to_string())
        );
    }

    #[test]
    fn unknown_key_has_did_you_mean_and_line() {
        let d = err("title: a\ntitel: b\n");
        assert_eq!(d.rule, UNKNOWN_KEY, "{d:?}");
        assert_eq!(d.position.line, 3);
        assert_eq!(d.hint.unwrap().en, "did you mean `title`?");
    }

    /// `rule line:column` of each diagnostic of reading `text`.
    fn all<T: DeserializeOwned + std::fmt::Debug>(text: &str, first: u32) -> Vec<String> {
        parse::<T>(text, Path::new("x.yml"), first)
            .unwrap_err()
            .iter()
            .map(|d| {
                format!(
                    "{} {}:{}",
                    d.rule.as_str(),
                    d.position.line,
                    d.position.column
                )
            })
            .collect()
    }

    #[test]
    fn every_unknown_key_is_reported_in_one_run() {
        // The header of a page: three misspelt keys, and `title` missing
        // only because it is misspelt, which is not said twice.
        assert_eq!(
            all::<Fm>("titel: Stage\nwieght: 2\nslugg: stage\n", 2),
            [
                "yaml.unknown-key 2:1",
                "yaml.unknown-key 3:1",
                "yaml.unknown-key 4:1"
            ]
        );
        // A block of lines under an unknown key goes with it.
        assert_eq!(
            all::<Fm>("descr: |\n  une\n  deux\ntitle: T\nweigth: 1\n", 2),
            ["yaml.unknown-key 2:1", "yaml.unknown-key 6:1"]
        );
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Entry {
            date: String,
            hours: f64,
        }
        // Keys of list items, the first one after its `- `.
        assert_eq!(
            all::<Vec<Entry>>("- datee: x\n  hours: 1\n- date: y\n  hourz: 2\n", 1),
            ["yaml.unknown-key 1:3", "yaml.unknown-key 4:3"]
        );
        // Between braces a key cannot be taken out alone: the first only.
        assert_eq!(
            all::<Fm>("{titel: x, wieght: 2}\n", 2),
            ["yaml.unknown-key 2:2"]
        );
    }

    #[test]
    fn a_missing_key_is_reported_where_its_mapping_starts() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Record {
            name: String,
            handle: String,
            items: Vec<std::collections::BTreeMap<String, String>>,
            note: Option<String>,
        }
        // Not at `note`, the last key, which is fine.
        assert_eq!(
            all::<Record>("# a comment\nname: a\nitems: []\nnote: z\n", 1),
            ["yaml.missing-key 2:1"]
        );
        // Nor at the line that starts the document.
        assert_eq!(
            all::<Record>("%YAML 1.2\n---\nname: a\nitems: []\n", 1),
            ["yaml.missing-key 3:1"]
        );
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Entry {
            date: String,
            hours: f64,
        }
        assert_eq!(
            all::<Vec<Entry>>("- date: x\n  hours: 1\n- hours: 2\n  other: y\n", 1),
            ["yaml.missing-key 3:1"]
        );
        // An unknown key that is not the missing one: both.
        assert_eq!(
            all::<Record>("name: a\nitems: []\nnotes: z\n", 1),
            ["yaml.unknown-key 3:1", "yaml.missing-key 1:1"]
        );
    }

    mod schema {
        use super::*;
        use schemars::JsonSchema;

        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        pub struct Record {
            name: String,
            handle: String,
            contact: Contact,
            entries: Vec<Entry>,
            #[serde(default)]
            extra: Option<Contact>,
            #[serde(default)]
            people: Vec<Person>,
        }
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        pub struct Person {
            email: String,
            name: String,
        }
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        pub struct Contact {
            email: String,
            #[serde(default)]
            phone: Option<String>,
        }
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        pub struct Entry {
            date: String,
            hours: f64,
        }

        /// `rule line:column` of each diagnostic, in the order of the file.
        pub fn all(text: &str) -> Vec<String> {
            let schema = || serde_json::to_value(schemars::schema_for!(Record)).unwrap();
            let mut ds =
                parse_with_schema::<Record>(text, Path::new("x.yml"), 1, schema).unwrap_err();
            ds.sort_by_key(|d| (d.position.line, d.position.column));
            ds.iter().map(super::told).collect()
        }
    }

    #[test]
    fn every_missing_key_is_reported_in_one_run() {
        // Four keys missing, in four mappings: the record, a mapping under
        // it, a list item between braces and an optional mapping; `nmae`,
        // misspelt, is said once, as unknown.
        let text = "nmae: a\n\
                    contact:\n  phone: 1\n\
                    entries:\n  - { date: x, hours: 1 }\n  - { date: y }\n\
                    extra:\n  phone: 2\n";
        assert_eq!(
            schema::all(text),
            [
                "yaml.unknown-key 1:1 unknown key `nmae`",
                "yaml.missing-key 1:1 the required key `handle` is missing",
                "yaml.missing-key 3:3 the required key `email` is missing",
                "yaml.missing-key 6:3 the required key `hours` is missing",
                "yaml.missing-key 8:3 the required key `email` is missing",
            ]
        );
        // A key that belongs nowhere stands for the missing one: said once.
        let text = "name: a\nhandle: b\ncontact: { mail: m }\nentries: []\n";
        assert_eq!(
            schema::all(text),
            ["yaml.unknown-key 3:12 unknown key `mail`"]
        );
    }

    #[test]
    fn a_missing_key_is_said_once_and_every_mapping_on_a_line_is_walked() {
        // serde names the braces' last key (line 5), the walk the braces
        // (line 4): one mapping, one report, where it starts.
        let text = "name: a\nhandle: b\ncontact: { email: e }\n\
                    extra: {\n  phone: p }\nentries: []\n";
        assert_eq!(
            schema::all(text),
            ["yaml.missing-key 4:8 the required key `email` is missing"]
        );
        // Two mappings on one line lacking the same key: both said.
        let text = "name: a\nhandle: b\ncontact: { email: e }\n\
                    entries: [{ date: x }, { date: y }]\n";
        assert_eq!(
            schema::all(text),
            [
                "yaml.missing-key 4:11 the required key `hours` is missing",
                "yaml.missing-key 4:24 the required key `hours` is missing",
            ]
        );
    }

    #[test]
    fn thousands_of_mappings_lacking_keys_are_counted_past_fifty() {
        // A MiB of empty items (two missing keys each): fifty reports and
        // one that counts the rest, made in one pass (it took minutes
        // when each report read the text again).
        let items = "  - {}\n".repeat(140_000);
        let text = format!("name: a\nhandle: b\ncontact: {{ email: e }}\nentries:\n{items}");
        let started = std::time::Instant::now();
        let found = schema::all(&text);
        assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
        assert_eq!(found.len(), MAX_MISSING_REPORTS + 1, "{:?}", &found[..3]);
        assert_eq!(
            found[0],
            "yaml.missing-key 5:3 the required key `date` is missing"
        );
        assert_eq!(
            found[1],
            "yaml.missing-key 5:3 the required key `hours` is missing"
        );
        assert_eq!(
            found[MAX_MISSING_REPORTS],
            format!(
                "yaml.missing-key {}:3 {} more required keys are missing from here on",
                5 + MAX_MISSING_REPORTS / 2,
                2 * 140_000 - MAX_MISSING_REPORTS
            )
        );
    }

    #[test]
    fn a_mapping_used_through_aliases_is_said_where_it_lacks_the_key() {
        // An anchor that lacks a key, used sixty times: one mistake, said
        // once at the anchor, not counted sixty times there.
        let uses = "  - *e\n".repeat(60);
        let text = format!(
            "name: a\nhandle: b\ncontact: {{ email: e }}\nentries:\n  - &e {{ date: x }}\n{uses}"
        );
        assert_eq!(
            schema::all(&text),
            ["yaml.missing-key 5:3 the required key `hours` is missing"]
        );
        // A mapping fine where it is anchored and lacking a key where an
        // alias uses it: said at the alias, once.
        let text = "name: a\nhandle: b\ncontact: { email: e }\n\
                    extra: &x { phone: p }\nentries:\n  - *x\n";
        // Where an entry is due, the anchored contact's `phone` is a key
        // that belongs nowhere: said as unknown (serde's, next run), not as
        // the entry's missing keys.
        assert_eq!(
            schema::all(text),
            ["yaml.missing-key 4:11 the required key `email` is missing"]
        );
        // A mapping fine where it is anchored (a contact) and lacking a key
        // where an alias uses it (a person): said at the alias, once.
        let text = "name: a\nhandle: b\ncontact: &c { email: e }\nentries: []\n\
                    people:\n  - { email: f, name: g }\n  - *c\n";
        assert_eq!(
            schema::all(text),
            ["yaml.missing-key 7:3 the required key `name` is missing"]
        );
    }

    #[test]
    fn each_mapping_of_a_list_over_several_lines_is_said_where_it_starts() {
        // JSON-like records: a list between brackets, one mapping a line.
        let text = "name: a\nhandle: b\ncontact: { email: e }\nentries: [\n  \
                    { date: x, hours: 1 },\n  { date: y },\n  { hours: 2 }\n]\n";
        assert_eq!(
            schema::all(text),
            [
                "yaml.missing-key 6:3 the required key `hours` is missing",
                "yaml.missing-key 7:3 the required key `date` is missing",
            ]
        );
    }

    #[test]
    fn the_count_of_the_rest_stands_for_more_than_one_key() {
        // Fifty-one keys missing: all said, none counted in a summary.
        let items = "  - { date: x }\n".repeat(MAX_MISSING_REPORTS + 1);
        let text = format!("name: a\nhandle: b\ncontact: {{ email: e }}\nentries:\n{items}");
        let found = schema::all(&text);
        assert_eq!(found.len(), MAX_MISSING_REPORTS + 1, "{:?}", found.last());
        assert!(found
            .iter()
            .all(|f| f.ends_with("the required key `hours` is missing")));
        // Fifty-two: fifty said, and the two others counted.
        let items = "  - { date: x }\n".repeat(MAX_MISSING_REPORTS + 2);
        let text = format!("name: a\nhandle: b\ncontact: {{ email: e }}\nentries:\n{items}");
        let found = schema::all(&text);
        assert_eq!(found.len(), MAX_MISSING_REPORTS + 1);
        assert_eq!(
            found[MAX_MISSING_REPORTS],
            format!(
                "yaml.missing-key {}:3 2 more required keys are missing from here on",
                5 + MAX_MISSING_REPORTS
            )
        );
    }

    #[test]
    fn a_second_document_is_said_at_its_dashes_in_words_for_a_reader() {
        let text = "name: a\nhandle: b\ncontact: { email: p }\nentries: []\n---\nname: c\n";
        let found = parse::<schema::Record>(text, Path::new("x.yml"), 1).unwrap_err();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, SYNTAX);
        assert_eq!((found[0].position.line, found[0].position.column), (5, 1));
        assert_eq!(
            found[0].message.en,
            "invalid YAML: a second document starts at this `---` line, and a file holds only one"
        );
    }

    /// `rule line:column message` of each diagnostic of reading `text`.
    fn every<T: DeserializeOwned + std::fmt::Debug>(text: &str) -> Vec<String> {
        parse::<T>(text, Path::new("x.yml"), 1)
            .unwrap_err()
            .iter()
            .map(told)
            .collect()
    }

    /// `rule line:column message` of `d`.
    fn told(d: &Diagnostic) -> String {
        format!(
            "{} {}:{} {}",
            d.rule.as_str(),
            d.position.line,
            d.position.column,
            d.message.en
        )
    }

    #[test]
    fn a_word_the_user_wrote_never_reads_as_the_parser_s_own() {
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        #[allow(dead_code)]
        enum Check {
            NotAfterToday,
            WithinYears,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct R {
            check: Check,
        }
        // "limit" in a value is not a breached budget.
        assert_eq!(
            every::<R>("check: time-limit\n"),
            ["yaml.invalid-value 1:8 `time-limit` is not a possible value here"]
        );
        // "expected" in a value does not cut the list of possible values.
        let d = parse::<R>(
            "check: date not expected after today\n",
            Path::new("x.yml"),
            1,
        )
        .unwrap_err();
        assert_eq!(
            d[0].hint.as_ref().unwrap().en,
            "possible values: not-after-today, within-years"
        );
        // "tab" in an alias's name does not send its error to a tab below.
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct C {
            capacity: u32,
        }
        let found = every::<C>("capacity: *stable\nother:\n\tx: 1\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("yaml.syntax 1:11 "), "{found:?}");
    }

    #[test]
    fn a_key_missing_between_braces_goes_between_them() {
        let text =
            "name: a\nhandle: b\ncontact: { email: e }\nentries:\n  - { date: x }\n  - date: y\n";
        let schema = || serde_json::to_value(schemars::schema_for!(schema::Record)).unwrap();
        let found =
            parse_with_schema::<schema::Record>(text, Path::new("x.yml"), 1, schema).unwrap_err();
        let hints: Vec<(u32, String)> = found
            .iter()
            .map(|d| (d.position.line, d.hint.as_ref().unwrap().en.clone()))
            .collect();
        assert_eq!(
            hints,
            [
                (
                    5,
                    "add `hours: …` between the braces, separated from the other keys by a comma"
                        .to_string()
                ),
                (6, "add a line `hours: …`".to_string()),
            ]
        );
        // serde's own report, which names a key inside the braces.
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Entry {
            date: String,
            hours: f64,
        }
        let found = parse::<Vec<Entry>>("- { date: x }\n", Path::new("x.yml"), 1).unwrap_err();
        assert_eq!(found[0].rule, MISSING_KEY);
        assert_eq!(
            found[0].hint.as_ref().unwrap().en,
            "add `hours: …` between the braces, separated from the other keys by a comma"
        );
    }

    #[test]
    fn a_non_breaking_space_is_named_in_the_hint() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct N {
            n: u32,
        }
        for text in ["n:\u{a0}12\n", "n: 12\u{a0}\n"] {
            let d = parse::<N>(text, Path::new("x.yml"), 1).unwrap_err();
            assert_eq!(d[0].rule, WRONG_TYPE, "{text:?}");
            assert_eq!(d[0].position.line, 1);
            assert!(
                d[0].hint
                    .as_ref()
                    .unwrap()
                    .en
                    .starts_with("this line holds a non-breaking space"),
                "{text:?}: {:?}",
                d[0].hint
            );
        }
    }

    #[test]
    fn a_value_between_backquotes_is_said_in_words() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct R {
            check: String,
        }
        assert_eq!(
            every::<R>("check: `not-after-today`\n"),
            ["yaml.syntax 1:8 invalid YAML: a value cannot start with a backquote (`)"]
        );
    }

    #[test]
    fn a_value_written_with_the_mark_of_our_messages_is_only_a_value() {
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        #[allow(dead_code)]
        enum Check {
            NotAfterToday,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct R {
            check: Check,
        }
        assert_eq!(
            every::<R>("check: \u{2042}x\u{2042}y\n"),
            ["yaml.invalid-value 1:8 `\u{2042}x\u{2042}y` is not a possible value here"]
        );
    }

    #[test]
    fn a_number_is_too_large_or_small_only_past_its_key_s_bounds() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct C {
            capacity: u32,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct S {
            shift: i32,
        }
        let wanted = "unexpected value: a positive whole number is expected here";
        for text in ["30 places", "4,5", "1 000", "007"] {
            assert_eq!(
                every::<C>(&format!("capacity: {text}\n")),
                [format!("yaml.wrong-type 1:11 {wanted}")],
                "{text}"
            );
        }
        assert_eq!(
            every::<C>("capacity: 99999999999\n"),
            ["yaml.wrong-type 1:11 the number `99999999999` is too large for this key"]
        );
        assert_eq!(
            every::<S>("shift: -99999999999\n"),
            ["yaml.wrong-type 1:8 the number `-99999999999` is too small for this key"]
        );
    }

    #[test]
    fn a_byte_order_mark_moves_no_column() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct O {
            organisation: String,
        }
        assert_eq!(
            every::<O>("\u{feff}organisation: @ULB\n"),
            ["yaml.syntax 1:15 invalid YAML: a value cannot start with `@`"]
        );
    }

    #[test]
    fn the_line_that_starts_a_second_document_is_the_one_said() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct A {
            a: u32,
        }
        // A first `---` opens the one document: the second is said.
        let found = every::<A>("---\na: 1\n---\nb: 2\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("yaml.syntax 3:1 invalid YAML: a second document"),
            "{found:?}"
        );
        // `...` ends the document: what follows would be a second one.
        assert_eq!(
            every::<A>("a: 1\n...\nb: 2\n"),
            ["yaml.syntax 2:1 invalid YAML: the `...` line ends the document, and what follows it would be a second one; a file holds only one"]
        );
    }

    #[test]
    fn a_file_nested_deep_is_not_walked_for_missing_keys() {
        // Each level of a file's shape takes tens of KiB of stack in a
        // debug build: past ten, the walk is not made, and half a MiB of
        // stack holds (it did not with the typed reading's 64 levels).
        let deep = format!("{}1{}", "[".repeat(60), "]".repeat(60));
        let text = format!("name: a\nhandle: b\ncontact: {{ email: e }}\nentries: {deep}\n");
        let found = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || schema::all(&text))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("yaml.wrong-type 4:"), "{found:?}");
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

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Shapes {
        hours: Spanned<Loose>,
        list: Spanned<Many<Spanned<Loose>>>,
        map: Spanned<Mapping<Fm>>,
        after: Spanned<Loose>,
    }

    /// Values of the wrong shape are kept with where they are, and the
    /// keys after them are still read.
    #[test]
    fn wrong_shapes_are_kept_and_the_rest_is_read() {
        let text = "hours: \"150h\"\nlist: atelier\nmap: [a, b]\nafter: 2.5\n";
        let s: Shapes = parse(text, Path::new("x.yml"), 1).unwrap();
        assert_eq!(s.hours.value, Loose::Text("150h".into()));
        assert_eq!(s.hours.value.number_in_text().as_deref(), Some("150"));
        // The span covers the whole value, quotes included.
        assert_eq!(s.hours.referenced.span().len(), 6);
        assert_eq!(position(&s.hours.referenced, 1), Position::new(1, 8));
        assert_eq!(s.list.value, Many::Not(Loose::Text("atelier".into())));
        assert_eq!(position(&s.list.referenced, 1).line, 2);
        assert!(matches!(s.map.value, Mapping::Not(Loose::List)));
        assert_eq!(s.after.value.as_number(), Some(2.5));
    }

    #[test]
    fn right_shapes_are_read_through() {
        let text = "hours: 4\nlist: [fr, 3]\nmap: { title: T }\nafter:\n";
        let s: Shapes = parse(text, Path::new("x.yml"), 1).unwrap();
        assert_eq!(s.hours.value, Loose::Int(4));
        let Many::Items(items) = &s.list.value else {
            panic!("{:?}", s.list.value)
        };
        let texts: Vec<_> = items.iter().map(|i| i.value.as_text()).collect();
        assert_eq!(texts, vec![Some("fr".into()), Some("3".into())]);
        let Mapping::Map(fm) = &s.map.value else {
            panic!("{:?}", s.map.value)
        };
        assert_eq!(fm.title.value, "T");
        assert_eq!(s.after.value, Loose::Null);
        // Inside a mapping read through, an unknown key is still refused.
        let d = parse::<Shapes>(
            "hours: 1\nlist: []\nmap: { titel: T }\nafter: 1\n",
            Path::new("x.yml"),
            1,
        )
        .unwrap_err()
        .remove(0);
        assert_eq!((&d.rule, d.position.line), (&UNKNOWN_KEY, 3), "{d:?}");
    }

    /// `Span` is `Spanned` read more cheaply: the same value and places,
    /// an alias's use and its anchor's value included.
    #[test]
    fn span_reads_what_spanned_reads() {
        #[derive(Debug, Deserialize)]
        struct Both {
            a: Span<Loose>,
            b: Span<Many<Span<Loose>>>,
            c: Spanned<Loose>,
            d: Spanned<Vec<Spanned<Loose>>>,
        }
        let text = "a: &x 150h\nb: [*x, 2]\nc: &y 150h\nd: [*y, 2]\n";
        let both: Both = parse(text, Path::new("x.yml"), 1).unwrap();
        assert_eq!(both.a.value, both.c.value);
        assert_eq!(both.a.referenced.line() + 2, both.c.referenced.line());
        assert_eq!(both.a.referenced.column(), both.c.referenced.column());
        assert_eq!(
            both.a.referenced.span().len(),
            both.c.referenced.span().len()
        );
        let Many::Items(b) = &both.b.value else {
            panic!("{:?}", both.b.value)
        };
        assert_eq!(b.len(), both.d.value.len());
        for (b, d) in b.iter().zip(&both.d.value) {
            assert_eq!(b.value, d.value);
            assert_eq!(b.referenced.column(), d.referenced.column());
            assert_eq!(b.defined.line() + 2, d.defined.line());
        }
    }

    #[test]
    fn corrections_take_the_number_a_text_starts_with() {
        let t = |s: &str| Loose::Text(s.into()).number_in_text();
        assert_eq!(t("150h").as_deref(), Some("150"));
        assert_eq!(t("2,5 h").as_deref(), Some("2.5"));
        assert_eq!(t("douze"), None);
        assert_eq!(Loose::Int(3).number_in_text(), None);
    }

    /// `(rule, line, column, French, English, French hint)` of the first
    /// diagnostic of reading `text` as `T`, from line 1.
    fn said<T: DeserializeOwned + std::fmt::Debug>(
        text: &str,
    ) -> (String, u32, u32, String, String, String) {
        let d = parse::<T>(text, Path::new("r.yml"), 1)
            .unwrap_err()
            .remove(0);
        let hint = d.hint.map(|h| h.fr).unwrap_or_default();
        (
            d.rule.as_str().to_string(),
            d.position.line,
            d.position.column,
            d.message.fr,
            d.message.en,
            hint,
        )
    }

    type Any = serde_json::Value;

    #[test]
    fn syntax_errors_are_said_in_words_in_both_languages_never_the_parsers() {
        let cases = [
            (
                "a: *w\n",
                (1, 4),
                "YAML invalide : `*w` renvoie à une ancre `&w` qui n’est pas définie plus haut dans le fichier",
                "invalid YAML: `*w` refers to an anchor `&w` that is not defined above in the file",
            ),
            (
                "a: [1}\n",
                (1, 4),
                "YAML invalide : ce `[` est refermé par `}`",
                "invalid YAML: this `[` is closed by `}`",
            ),
            (
                "a: \"C:\\Users\"\n",
                (1, 4),
                "YAML invalide : entre guillemets doubles, une barre oblique inverse `\\` commence un code, et celui-ci n’existe pas",
                "invalid YAML: between double quotes, a backslash `\\` starts a code, and this one does not exist",
            ),
            (
                "handle: @alice\n",
                (1, 9),
                "YAML invalide : une valeur ne peut pas commencer par `@`",
                "invalid YAML: a value cannot start with `@`",
            ),
            (
                "a: b\u{0}c\n",
                (1, 5),
                "YAML invalide : un caractère invisible (code 0) n’est pas permis ici",
                "invalid YAML: an invisible character (code 0) is not allowed here",
            ),
            (
                "a: 1\nb:2\n",
                (2, 1),
                "YAML invalide : cette ligne n’est pas de la forme `clé: valeur`",
                "invalid YAML: this line is not of the form `key: value`",
            ),
            (
                "a:\n  - 1\n  b: 2\n",
                (3, 3),
                "YAML invalide : un élément de liste (une ligne commençant par `- `) était attendu à cet endroit",
                "invalid YAML: a list item (a line starting with `- `) was expected here",
            ),
            (
                "a: |0\n  x\n",
                (1, 4),
                "YAML invalide : l’en-tête `|` ou `>` de ce texte sur plusieurs lignes n’est pas valable",
                "invalid YAML: the `|` or `>` header of this multi-line text is not valid",
            ),
            (
                "a:\n\tb: 1\n",
                (2, 1),
                "YAML invalide : une tabulation n’est pas permise ici",
                "invalid YAML: a tab is not allowed here",
            ),
            (
                "a: b: c\n",
                (1, 5),
                "YAML invalide : un « : » n’est pas permis à cet endroit",
                "invalid YAML: a ': ' is not allowed here",
            ),
            (
                "a: 1\n<<: 3\n",
                (2, 5),
                "YAML invalide : ce qui suit `<<:` doit être un ensemble de clés, ou l’alias `*nom` d’un ensemble de clés",
                "invalid YAML: what follows `<<:` must be a mapping, or the alias `*name` of a mapping",
            ),
        ];
        for (text, (line, column), fr, en) in cases {
            let (rule, l, c, f, e, _) = said::<Any>(text);
            assert_eq!(
                (rule.as_str(), l, c, f.as_str(), e.as_str()),
                ("yaml.syntax", line, column, fr, en),
                "{text:?}"
            );
        }
    }

    #[test]
    fn text_after_a_closing_quote_is_said_where_the_quote_was_left_open() {
        // Opened on line 1 and never closed there: the value ran on to the
        // quote of line 2, after which `y"` is the text the parser refused.
        let (rule, line, column, fr, en, hint) = said::<Any>("a: \"x\nb: \"y\"\n");
        assert_eq!((rule.as_str(), line, column), ("yaml.syntax", 1, 4));
        assert_eq!(fr, "YAML invalide : le guillemet ouvert ici n’est pas refermé sur sa ligne, et la valeur court jusqu’au guillemet de la ligne 2");
        assert_eq!(en, "invalid YAML: the quote opened here is not closed on its line, and the value runs on to the quote on line 2");
        assert_eq!(hint, "refermez le guillemet à la fin de la valeur, sur cette ligne ; un guillemet dans le texte s’écrit `\\\"`");
        // Closed on its own line, then followed by more text.
        let (rule, line, column, fr, en, _) = said::<Any>("a: 'x' y\n");
        assert_eq!((rule.as_str(), line, column), ("yaml.syntax", 1, 8));
        assert_eq!(
            fr,
            "YAML invalide : du texte suit le guillemet qui ferme la valeur"
        );
        assert_eq!(
            en,
            "invalid YAML: text follows the quote that closes the value"
        );
    }

    #[test]
    fn a_file_nested_too_deep_is_said_without_the_parsers_limit_as_rust_writes_it() {
        let text = format!("a: {}{}\n", "[".repeat(70), "]".repeat(70));
        let (rule, line, column, fr, en, _) = said::<Any>(&text);
        // The top mapping is the first level, the 64th bracket the 65th.
        assert_eq!((rule.as_str(), line, column), ("yaml.too-big", 1, 67));
        assert_eq!(fr, "fichier YAML trop imbriqué : plus de 64 niveaux de listes et de clés les unes dans les autres");
        assert_eq!(
            en,
            "YAML file nested too deep: over 64 levels of lists and keys inside one another"
        );
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Typed {
        n: Option<u32>,
        l: Option<Vec<String>>,
        s: Option<Named>,
        k: Option<Kind>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Named {
        name: String,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Pick {
        k: Kind,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    enum Kind {
        Certificate,
        MicroCredential,
    }

    #[test]
    fn a_wrong_type_says_the_form_wanted_and_how_to_write_it_never_rusts_types() {
        let cases = [
            (
                "n: trente\n",
                (1, 4),
                "valeur inattendue : il faut ici un nombre entier positif",
                "unexpected value: a positive whole number is expected here",
                "écrivez un nombre entier positif, sans guillemets ni unité, par exemple `3`",
            ),
            (
                "n: 99999999999\n",
                (1, 4),
                "le nombre `99999999999` est trop grand pour cette clé",
                "the number `99999999999` is too large for this key",
                "écrivez un nombre plus petit ; vérifiez qu’aucun chiffre n’a été ajouté par erreur",
            ),
            (
                "l: x\n",
                (1, 4),
                "valeur inattendue : il faut ici une liste",
                "unexpected value: a list is expected here",
                "une liste s’écrit `[a, b]`, ou un élément par ligne commençant par `- `",
            ),
            (
                "s:\n  name:\n",
                (2, 7),
                "valeur vide : il faut ici un texte",
                "empty value: a text is expected here",
                "écrivez le texte après la clé, sur la même ligne, ou retirez la ligne si la clé est facultative",
            ),
            (
                "k: [certificate]\n",
                (1, 4),
                "valeur inattendue : il faut ici un nom, pas une liste",
                "unexpected value: a name is expected here, not a list",
                "écrivez un seul nom, sans `[ ]` ni `- `",
            ),
            (
                "k: { certificate: 1 }\n",
                (1, 19),
                "valeur inattendue : ce nom s’écrit seul, sans rien à sa suite",
                "unexpected value: this name is written alone, with nothing after it",
                "gardez le nom seul et retirez ce qui le suit (`{ … }` ou `: …`)",
            ),
        ];
        for (text, (line, column), fr, en, hint) in cases {
            let (rule, l, c, f, e, h) = said::<Typed>(text);
            assert_eq!(
                (rule.as_str(), l, c, f.as_str(), e.as_str(), h.as_str()),
                ("yaml.wrong-type", line, column, fr, en, hint),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_word_outside_a_closed_list_names_the_words_allowed() {
        let (rule, line, column, fr, en, hint) = said::<Typed>("k: diploma\n");
        assert_eq!((rule.as_str(), line, column), ("yaml.invalid-value", 1, 4));
        assert_eq!(fr, "`diploma` n’est pas une valeur possible ici");
        assert_eq!(en, "`diploma` is not a possible value here");
        assert_eq!(hint, "valeurs possibles : certificate, micro-credential");
        let (.., hint) = said::<Typed>("k: micro-credentials\n");
        assert_eq!(hint, "vouliez-vous dire `micro-credential` ?");
        let (rule, line, _, fr, en, _) = said::<Pick>("k:\n");
        assert_eq!((rule.as_str(), line), ("yaml.invalid-value", 1));
        assert_eq!(
            (fr.as_str(), en.as_str()),
            ("il manque une valeur ici", "a value is missing here")
        );
    }

    #[test]
    fn an_empty_file_is_said_empty_at_its_first_line() {
        let (rule, line, column, fr, en, _) = said::<Named>("# only a comment\n");
        assert_eq!((rule.as_str(), line, column), ("yaml.wrong-type", 1, 1));
        assert_eq!(
            fr,
            "le fichier ne donne aucune valeur : il est vide, ou n’a que des commentaires"
        );
        assert_eq!(
            en,
            "the file gives no value: it is empty, or has only comments"
        );
    }

    #[test]
    fn a_key_of_digits_gets_the_decimal_hint_only_between_braces() {
        let (rule, line, column, _, _, hint) = said::<Typed>("n: 1\n12: b\n");
        assert_eq!((rule.as_str(), line, column), ("yaml.unknown-key", 2, 1));
        assert_eq!(hint, "clés possibles : n, l, s, k");
        let (rule, line, column, _, _, hint) = said::<Vec<Typed>>("- { n: 4,5 }\n");
        assert_eq!((rule.as_str(), line, column), ("yaml.unknown-key", 1, 10));
        assert!(
            hint.starts_with("un nombre décimal s’écrit avec un point, par exemple `4.5`"),
            "{hint}"
        );
    }

    #[test]
    fn spans_point_at_values() {
        let fm: Fm = parse("title: Hello\n", Path::new("x.md"), 2).unwrap();
        assert_eq!(position(&fm.title.referenced, 2), Position::new(2, 8));
    }
}

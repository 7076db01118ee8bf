//! The theme: Tera templates, user-interface strings per language, static
//! assets. A site overrides any template by putting one of the same name in
//! its own templates/ folder, and any asset in its own static/ folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::core::diagnostic::{did_you_mean, Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::core::lang::Lang;
use crate::core::yaml;

pub use crate::core::layout::{SITE_STATIC, SITE_TEMPLATES, THEMES_DIR};
use crate::core::layout::{THEME_STATIC, THEME_STRINGS, THEME_TEMPLATES};
use crate::core::source::{Files, Kind};
use crate::site::bounds::file_of;

pub const THEME_MISSING: RuleId = RuleId::new("theme.missing");
pub const TEMPLATE_SYNTAX: RuleId = RuleId::new("theme.template-syntax");
pub const TEMPLATE_RENDER: RuleId = RuleId::new("theme.template-render");
pub const TEMPLATE_MISSING: RuleId = RuleId::new("content.template-missing");
pub const STRING_MISSING: RuleId = RuleId::new("theme.string-missing");

/// Templates every theme must provide: the build renders each of them.
pub const REQUIRED: &[&str] = &[
    "base",
    "index",
    "section",
    "page",
    "not-translated",
    "404",
    "root",
    "alias",
];

/// A loaded, parsed theme.
pub struct Theme {
    pub tera: tera::Tera,
    /// Template name (without `.html`) → file it came from, for messages.
    pub sources: BTreeMap<String, PathBuf>,
    /// Templates (with `.html`) that others extend, include or take
    /// components from: a change to one shows beyond its own outputs.
    pub shared: std::collections::BTreeSet<String>,
    /// UI strings per language.
    pub strings: BTreeMap<Lang, BTreeMap<String, String>>,
    /// Static folders relative to the root, theme first, site last (later
    /// ones win).
    pub static_dirs: Vec<PathBuf>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("sources", &self.sources)
            .finish()
    }
}

impl Theme {
    pub fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// The diagnostic for a page asking for a template that does not exist.
    pub fn missing_template(&self, file: &Path, name: &str, position: Position) -> Diagnostic {
        let hint = match did_you_mean(name, self.sources.keys().map(String::as_str)) {
            Some(k) => Text::new(
                format!("vouliez-vous dire `{k}` ?"),
                format!("did you mean `{k}`?"),
            ),
            None => Text::new(
                format!("modèles disponibles : {}", self.template_list()),
                format!("available templates: {}", self.template_list()),
            ),
        };
        Diagnostic::error(
            TEMPLATE_MISSING,
            file,
            position,
            Text::new(
                format!("le modèle `{name}` n’existe pas"),
                format!("the template `{name}` does not exist"),
            ),
        )
        .with_hint(hint)
    }

    fn template_list(&self) -> String {
        self.sources.keys().cloned().collect::<Vec<_>>().join(", ")
    }

    /// Loads theme `name` from `root`/themes, with the site's overrides.
    /// `at` is where data/site.yml names the theme (None: the default).
    pub fn load(
        files: &Files,
        name: &str,
        at: Option<Position>,
        languages: &[Lang],
    ) -> Result<Theme, Diagnostics> {
        let mut ds = Diagnostics::new();
        let theme_dir = Path::new(THEMES_DIR).join(name);
        if files.kind(&theme_dir) != Some(Kind::Dir) {
            // Only folders are themes: not README.md, .DS_Store, nor the
            // file or link named `name` itself (never "did you mean" it).
            let themes: Vec<String> = files
                .list(Path::new(THEMES_DIR))
                .map(|entries| {
                    entries
                        .into_iter()
                        .filter(|e| {
                            e.kind == Kind::Dir && !e.name.starts_with('.') && e.name != name
                        })
                        .map(|e| e.name)
                        .collect()
                })
                .unwrap_or_default();
            let hint = match did_you_mean(name, themes.iter().map(String::as_str)) {
                Some(meant) => Text::new(
                    format!("vouliez-vous dire `theme: {meant}` ?"),
                    format!("did you mean `theme: {meant}`?"),
                ),
                None if themes.is_empty() => Text::new(
                    "le dossier themes/ est vide ou absent : remettez-y le thème du site",
                    "the themes/ folder is empty or missing: put the site's theme back in it",
                ),
                None => Text::new(
                    format!("thèmes présents dans themes/ : {}", themes.join(", ")),
                    format!("themes in themes/: {}", themes.join(", ")),
                ),
            };
            // Said at the `theme` key when it is written; a theme left to
            // the default is the file's as a whole.
            return Err(Diagnostics::from_iter([Diagnostic::error(
                THEME_MISSING,
                crate::site::config::CONFIG_FILE,
                at.unwrap_or(Position::new(0, 0)),
                Text::new(
                    format!("le thème `{name}` est introuvable dans themes/"),
                    format!("the theme `{name}` is not in themes/"),
                ),
            )
            .with_hint(hint)]));
        }
        // Site templates come last so that they replace the theme's.
        let mut sources: BTreeMap<String, PathBuf> = BTreeMap::new();
        for dir in [
            theme_dir.join(THEME_TEMPLATES),
            PathBuf::from(SITE_TEMPLATES),
        ] {
            let Ok(entries) = files.list(&dir) else {
                continue;
            };
            for n in entries.into_iter().map(|e| e.name) {
                if let Some(stem) = n.strip_suffix(".html") {
                    sources.insert(stem.to_string(), dir.join(&n));
                }
            }
        }
        // Read in parallel; parsed together by tera below, and alone only
        // when that finds a syntax error, so that every file's first
        // syntax error is reported, not only one.
        let read: Vec<_> = sources
            .par_iter()
            .map(|(stem, file)| {
                let text = files
                    .text(file)
                    .map_err(|e| e.into_diagnostic(TEMPLATE_SYNTAX, file))?;
                Ok((format!("{stem}.html"), text.to_string()))
            })
            .collect();
        let mut raw = Vec::new();
        for result in read {
            match result {
                Ok(named) => raw.push(named),
                Err(d) => ds.push(d),
            }
        }
        for required in REQUIRED {
            if !sources.contains_key(*required) {
                ds.push(Diagnostic::error(
                    THEME_MISSING,
                    theme_dir.join("templates").join(format!("{required}.html")),
                    Position::new(0, 0),
                    Text::new(
                        format!("le thème doit fournir le modèle `{required}.html`"),
                        format!("the theme must provide the template `{required}.html`"),
                    ),
                ));
            }
        }
        let mut tera = new_tera();
        // Bounds (see site::bounds): cycles and literal ranges before tera
        // sees the templates, a bounded range() when rendering.
        let (bounded, shared) = crate::site::bounds::check(&raw, &sources);
        ds.extend(bounded);
        if ds.is_empty() {
            if let Err(e) = tera.add_raw_templates(raw.iter().map(|(n, t)| (n, t))) {
                if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                    ds.extend(syntax_errors(&raw, &sources));
                } else {
                    ds.extend(load_errors(&e, &raw, &sources, &theme_dir));
                }
            }
        }
        let strings = load_strings(files, &theme_dir, languages, &mut ds);
        let static_dirs = vec![theme_dir.join(THEME_STATIC), PathBuf::from(SITE_STATIC)];
        if ds.has_errors() {
            return Err(ds);
        }
        Ok(Theme {
            tera,
            sources,
            shared,
            strings,
            static_dirs,
        })
    }
}

/// A tera instance as every theme gets it: autoescape on `.html` with our
/// escaping (the same characters as tera 2's, copied by runs rather than
/// byte by byte) and the bounded range.
fn new_tera() -> tera::Tera {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(crate::core::html::escape_to);
    tera.register_filter("group_by", group_by);
    crate::site::bounds::install(&mut tera);
    tera
}

/// Tera's `group_by` with its groups in the order their first item comes
/// (tera 2 gathers them in a hash map: the order, hence the page, would
/// change from one build to the next).
fn group_by(
    items: &[tera::Value],
    kwargs: tera::Kwargs,
    _: &tera::State,
) -> tera::TeraResult<tera::Map> {
    use tera::value::Key;
    let attribute = kwargs.must_get::<&str>("attribute")?;
    // Groups in order of first appearance, and where each key's group is.
    let mut groups: Vec<(Key<'static>, Vec<tera::Value>)> = Vec::new();
    let mut at: std::collections::HashMap<Key<'static>, usize> = Default::default();
    for (i, item) in items.iter().enumerate() {
        let Some(value) = item.get_from_path(attribute) else {
            return Err(tera::Error::message(format!(
                "Value at index {i} (a {}) does not have an attribute at path: {attribute}",
                item.name()
            )));
        };
        let key = if value.is_none() {
            continue;
        } else if let Some(s) = value.as_str() {
            Key::String(s.into())
        } else if let Some(b) = value.as_bool() {
            Key::Bool(b)
        } else if let Some(n) = value.as_u64() {
            Key::U64(n)
        } else if let Some(n) = value.as_i64() {
            Key::I64(n)
        } else {
            return Err(tera::Error::message(format!(
                "Value at index {i}: `{attribute}` is a {}, which cannot name a group",
                value.name()
            )));
        };
        match at.get(&key) {
            Some(&g) => groups[g].1.push(item.clone()),
            None => {
                at.insert(key.clone(), groups.len());
                groups.push((key, vec![item.clone()]));
            }
        }
    }
    Ok(groups.into_iter().map(|(k, g)| (k, g.into())).collect())
}

/// The first syntax error of each template, each parsed alone (a template
/// that parses but extends one not given fails otherwise: ignored here).
fn syntax_errors(raw: &[(String, String)], sources: &BTreeMap<String, PathBuf>) -> Diagnostics {
    let found: Vec<Diagnostic> = raw
        .par_iter()
        .filter_map(|(name, text)| {
            let e = new_tera().add_raw_template(name, text).err()?;
            if !matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                return None;
            }
            let d = template_error(TEMPLATE_SYNTAX, &file_of(sources, name), sources, &e, None);
            let line = text.lines().nth((d.position.line as usize).saturating_sub(1));
            Some(match line {
                Some(l) if written_for_tera_1(l) => d.with_hint(Text::new(
                    "ce modèle est écrit pour Tera 1 : Tera 2 remplace les macros par des composants ({% component nom(…) %}, appelés {{<nom … />}}, sans import) ; voir « Themes and template overrides » dans README.md",
                    "this template is written for Tera 1: Tera 2 replaces macros by components ({% component name(…) %}, called as {{<name … />}}, with no import); see \"Themes and template overrides\" in README.md",
                )),
                _ => d,
            })
        })
        .collect();
    found.into_iter().collect()
}

/// Whether a line uses what Tera 1 had and Tera 2 has not: macros, their
/// imports and `namespace::name(…)` calls.
fn written_for_tera_1(line: &str) -> bool {
    let tags = ["import", "macro", "endmacro"];
    let opens_tag = line.split("{%").skip(1).any(|tag| {
        let word = tag.trim_start_matches(['-', '+']).trim_start();
        tags.iter().any(|t| {
            word.strip_prefix(t)
                .is_some_and(|rest| rest.starts_with(char::is_whitespace))
        })
    });
    opens_tag || line.contains("::")
}

/// The errors tera found while linking templates that each parse: unknown
/// filters, tests, functions, components or templates, blocks missing from
/// the parent, all in one message of reports (`error: …` then
/// `--> name:line:col`), told apart here so that each names its file.
fn load_errors(
    e: &tera::Error,
    raw: &[(String, String)],
    sources: &BTreeMap<String, PathBuf>,
    theme_dir: &Path,
) -> Diagnostics {
    let mut ds = Diagnostics::new();
    if let tera::ErrorKind::MissingParent { current, parent } = e.kind() {
        // Named by tera without a place: the `extends` line is the place.
        let text = raw
            .iter()
            .find(|(n, _)| n == current)
            .map_or("", |(_, t)| t.as_str());
        let line = text
            .lines()
            .position(|l| l.contains("extends") && l.contains(parent.as_str()))
            .map_or(0, |i| i as u32 + 1);
        ds.push(diagnostic(
            TEMPLATE_SYNTAX,
            &file_of(sources, current),
            Position::new(line, 1),
            &format!("`{current}` extends `{parent}`, which does not exist"),
            None,
        ));
        return ds;
    }
    let text = e.to_string();
    for report in text
        .split("\n\nerror: ")
        .map(|r| r.trim_start_matches("error: "))
    {
        let message = report.lines().next().unwrap_or("").trim();
        let locus = report
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .and_then(|l| {
                let mut parts = l.rsplitn(3, ':');
                let column = parts.next()?.trim().parse().ok()?;
                let line = parts.next()?.trim().parse().ok()?;
                Some((parts.next()?.to_string(), Position::new(line, column)))
            });
        let (file, position) = match locus {
            Some((name, at)) if raw.iter().any(|(n, _)| *n == name) => {
                (file_of(sources, &name), at)
            }
            _ => (theme_dir.join("templates"), Position::new(0, 0)),
        };
        ds.push(diagnostic(TEMPLATE_SYNTAX, &file, position, message, None));
    }
    ds
}

/// A tera error as a diagnostic on `file`, the template being rendered or
/// parsed: tera 2 gives syntax and render errors their place, lifted here
/// so that editors can jump to it, in the template it names (the base, an
/// included one, the one defining a component), found in `sources`.
pub fn template_error(
    rule: RuleId,
    file: &Path,
    sources: &BTreeMap<String, PathBuf>,
    e: &tera::Error,
    page: Option<&Path>,
) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let at = Position::new(r.span().start_line as u32, r.span().start_col as u32 + 1);
            let stem = r.filename().trim_end_matches(".html");
            let file = sources.get(stem).map_or(file, PathBuf::as_path);
            diagnostic(rule, file, at, r.message(), page)
        }
        _ => {
            // Other errors (a filter's own) name no place; their cause,
            // when there is one, says most.
            let mut detail = e.to_string();
            let mut cur = std::error::Error::source(e);
            while let Some(err) = cur {
                detail = err.to_string();
                cur = err.source();
            }
            diagnostic(rule, file, Position::new(0, 0), detail.trim(), page)
        }
    }
}

fn diagnostic(
    rule: RuleId,
    file: &Path,
    at: Position,
    detail: &str,
    page: Option<&Path>,
) -> Diagnostic {
    let (fr, en) = match page {
        Some(p) => (
            format!(
                "le modèle a échoué en produisant {} : {detail}",
                p.display()
            ),
            format!(
                "the template failed while rendering {}: {detail}",
                p.display()
            ),
        ),
        None => (
            format!("erreur dans le modèle : {detail}"),
            format!("error in the template: {detail}"),
        ),
    };
    // A value missing on some pages is the usual render error: say how to
    // guard it rather than only where.
    let hint = if detail.contains("undefined") || detail.contains("not defined") {
        Text::new(
            "une valeur manque pour cette page : testez-la avant de l’utiliser, par exemple {% if page.x is defined %}",
            "a value is missing for this page: test it before using it, for example {% if page.x is defined %}",
        )
    } else {
        Text::new(
            "vérifiez les balises {{ }} et {% %} du modèle (voir la documentation de Tera 2)",
            "check the {{ }} and {% %} tags of the template (see Tera 2's documentation)",
        )
    };
    Diagnostic::error(rule, file, at, Text::new(fr, en)).with_hint(hint)
}

fn load_strings(
    files: &Files,
    theme_dir: &Path,
    languages: &[Lang],
    ds: &mut Diagnostics,
) -> BTreeMap<Lang, BTreeMap<String, String>> {
    let file = theme_dir.join(THEME_STRINGS);
    let text = match files.text(&file) {
        Ok(t) => t,
        Err(e) => {
            ds.push(e.into_diagnostic(THEME_MISSING, &file));
            return BTreeMap::new();
        }
    };
    let strings: BTreeMap<Lang, BTreeMap<String, String>> = match yaml::parse(&text, &file, 1) {
        Ok(s) => s,
        Err(found) => {
            ds.extend(found);
            return BTreeMap::new();
        }
    };
    // Every language must have every key: a missing one would print an
    // English word on a French page, or nothing at all.
    let all: std::collections::BTreeSet<&String> =
        strings.values().flat_map(|m| m.keys()).collect();
    for &lang in languages {
        let have = strings.get(&lang);
        for key in &all {
            if have.is_none_or(|m| !m.contains_key(*key)) {
                ds.push(
                    Diagnostic::error(
                        STRING_MISSING,
                        &file,
                        Position::new(1, 1),
                        Text::new(
                            format!("le texte d’interface `{key}` manque en `{lang}`"),
                            format!("the interface string `{key}` is missing in `{lang}`"),
                        ),
                    )
                    .with_hint(Text::new(
                        format!("ajoutez `{key}: …` sous `{lang}:`"),
                        format!("add `{key}: …` under `{lang}:`"),
                    )),
                );
            }
        }
    }
    strings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(files: &[(&str, &str)]) -> (Vec<(String, String)>, BTreeMap<String, PathBuf>) {
        let raw = files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let sources = files
            .iter()
            .map(|(n, _)| {
                let stem = n.trim_end_matches(".html");
                (stem.to_string(), PathBuf::from(format!("templates/{n}")))
            })
            .collect();
        (raw, sources)
    }

    #[test]
    fn every_unknown_name_is_reported_in_its_own_file_and_line() {
        let (raw, sources) = raw(&[
            ("base.html", "<p>\n{{ lang | shout }}</p>{% block content %}{% endblock content %}"),
            ("page.html", "{% extends \"base.html\" %}\n{% block content %}\n{{<missing />}}{% endblock content %}"),
        ]);
        let e = new_tera()
            .add_raw_templates(raw.iter().map(|(n, t)| (n, t)))
            .unwrap_err();
        let ds = load_errors(&e, &raw, &sources, Path::new("themes/x"));
        let got: Vec<(String, u32, u32)> = ds
            .iter()
            .map(|d| {
                (
                    d.file.display().to_string(),
                    d.position.line,
                    d.position.column,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("templates/base.html".to_string(), 2, 11),
                ("templates/page.html".to_string(), 3, 3),
            ]
        );
        assert!(ds.iter().all(|d| d.rule == TEMPLATE_SYNTAX));
        assert!(ds
            .iter()
            .next()
            .is_some_and(|d| d.message.en.contains("`shout`")));
    }

    #[test]
    fn each_file_gets_its_first_syntax_error() {
        let (raw, sources) = raw(&[
            ("a.html", "ok\n{{ x | }}"),
            ("b.html", "{% if %}"),
            ("c.html", "{% extends \"nowhere.html\" %}"),
        ]);
        let ds = syntax_errors(&raw, &sources);
        let got: Vec<(String, u32)> = ds
            .iter()
            .map(|d| (d.file.display().to_string(), d.position.line))
            .collect();
        assert_eq!(
            got,
            [
                ("templates/a.html".to_string(), 2),
                ("templates/b.html".to_string(), 1)
            ]
        );
    }

    #[test]
    fn a_missing_parent_is_named_at_its_extends_line() {
        let (raw, sources) = raw(&[
            ("base.html", "{% block content %}{% endblock content %}"),
            (
                "page.html",
                "{#- a page -#}\n{% extends \"nowhere.html\" %}",
            ),
        ]);
        let e = new_tera()
            .add_raw_templates(raw.iter().map(|(n, t)| (n, t)))
            .unwrap_err();
        let ds = load_errors(&e, &raw, &sources, Path::new("themes/x"));
        let d = ds.iter().next().unwrap();
        assert_eq!(
            (d.file.as_path(), d.position.line),
            (Path::new("templates/page.html"), 2)
        );
        assert!(d.message.en.contains("nowhere.html"), "{:?}", e.kind());
    }

    #[test]
    fn groups_come_in_the_order_of_their_first_item_every_time() {
        let mut tera = new_tera();
        tera.add_raw_template(
            "g.html",
            "{% for k, items in xs | group_by(attribute=\"y\") %}{{ k }}:{{ items | length }} {% endfor %}",
        )
        .unwrap();
        let mut ctx = tera::Context::new();
        let ys = ["b", "a", "c", "a", "b", "d", "e", "f", "g", "h"];
        let xs: Vec<_> = ys.iter().map(|y| serde_json::json!({ "y": y })).collect();
        ctx.insert("xs", &xs);
        for _ in 0..20 {
            assert_eq!(
                tera.render("g.html", &ctx).unwrap(),
                "b:2 a:2 c:1 d:1 e:1 f:1 g:1 h:1 "
            );
        }
    }

    #[test]
    fn a_tera_1_template_is_told_what_changed() {
        let (raw, sources) = raw(&[
            (
                "page.html",
                "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}",
            ),
            ("other.html", "{{ x | }}"),
        ]);
        let ds = syntax_errors(&raw, &sources);
        let hints: Vec<(String, u32, bool)> = ds
            .iter()
            .map(|d| {
                let told = d.hint.as_ref().is_some_and(|h| h.en.contains("components"));
                (d.file.display().to_string(), d.position.line, told)
            })
            .collect();
        assert_eq!(
            hints,
            [
                ("templates/page.html".to_string(), 2, true),
                ("templates/other.html".to_string(), 1, false),
            ]
        );
    }
}

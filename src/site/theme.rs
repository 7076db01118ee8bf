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
    pub fn load(files: &Files, name: &str, languages: &[Lang]) -> Result<Theme, Diagnostics> {
        let mut ds = Diagnostics::new();
        let theme_dir = Path::new(THEMES_DIR).join(name);
        if files.kind(&theme_dir) != Some(Kind::Dir) {
            return Err(Diagnostics::from_iter([Diagnostic::error(
                THEME_MISSING,
                crate::site::config::CONFIG_FILE,
                Position::new(0, 0),
                Text::new(
                    format!("le thème `{name}` est introuvable dans themes/"),
                    format!("the theme `{name}` is not in themes/"),
                ),
            )
            .with_hint(Text::new(
                "vérifiez la clé `theme` de data/site.yml",
                "check the `theme` key of data/site.yml",
            ))]));
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
        // Each template is parsed once, all in parallel, and alone, so
        // that a syntax error names its file; they are put together below.
        let parsed: Vec<_> = sources
            .par_iter()
            .map(|(stem, file)| {
                let name = format!("{stem}.html");
                let text = files
                    .text(file)
                    .map_err(|e| e.into_diagnostic(TEMPLATE_SYNTAX, file))?;
                let template = tera::Template::new(&name, None, &text).map_err(|e| {
                    // As Tera::add_raw_template words it.
                    let e = tera::Error::chain(format!("Failed to parse '{name}'"), e);
                    template_error(TEMPLATE_SYNTAX, file, &e, None)
                })?;
                Ok((name, text.to_string(), template))
            })
            .collect();
        let mut raw = Vec::new();
        let mut templates = Vec::new();
        for result in parsed {
            match result {
                Ok((name, text, template)) => {
                    raw.push((name.clone(), text));
                    templates.push((name, template));
                }
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
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(crate::core::html::escape);
        // Bounds (see site::bounds): extends cycles before tera sees them,
        // include and macro cycles after, and a bounded range().
        ds.extend(crate::site::bounds::extends_cycles(&raw, &sources));
        crate::site::bounds::install(&mut tera);
        if ds.is_empty() {
            tera.templates.extend(templates);
            // What Tera::add_raw_templates does after parsing.
            let linked = tera
                .build_inheritance_chains()
                .and_then(|()| tera.check_macro_files());
            match linked {
                Ok(()) => ds.extend(crate::site::bounds::check(&tera, &raw, &sources)),
                Err(e) => ds.push(template_error(
                    TEMPLATE_SYNTAX,
                    &theme_dir.join("templates"),
                    &e,
                    None,
                )),
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
            strings,
            static_dirs,
        })
    }
}

/// Tera puts the position of a syntax error in its message as ` --> L:C`;
/// we lift it into the diagnostic so that editors can jump to it.
pub fn template_error(
    rule: RuleId,
    file: &Path,
    e: &tera::Error,
    page: Option<&Path>,
) -> Diagnostic {
    let mut chain = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        chain.push(err.to_string());
        cur = err.source();
    }
    let full = chain.join("\n");
    let position = full
        .split("--> ")
        .nth(1)
        .and_then(|rest| {
            let mut it = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty());
            Some(Position::new(
                it.next()?.parse().ok()?,
                it.next()?.parse().ok()?,
            ))
        })
        .unwrap_or(Position::new(0, 0));
    let detail = chain.last().cloned().unwrap_or_default();
    let detail = detail
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string();
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
    Diagnostic::error(rule, file, position, Text::new(fr, en)).with_hint(Text::new(
        "vérifiez les balises {{ }} et {% %} du modèle (voir la documentation de Tera)",
        "check the {{ }} and {% %} tags of the template (see Tera's documentation)",
    ))
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
        Err(d) => {
            ds.push(d);
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

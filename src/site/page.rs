//! One content file: `name.<lang>.md` with its front matter and Markdown body.
//!
//! Parsing a file never fails as a whole: a page with a broken front matter
//! still yields diagnostics, and the rest of the site is still checked.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::core::diagnostic::{Diagnostic, Position, RuleId, Text};
use crate::core::lang::Lang;
use crate::core::values::Located;
use crate::core::yaml;
use crate::site::markdown::{self, Scan};
use crate::site::slug::slugify;

pub use crate::core::source::ENCODING;
pub const FILE_NAME: RuleId = RuleId::new("content.file-name");
pub const FRONT_MATTER: RuleId = RuleId::new("content.front-matter");
pub const TITLE_MISSING: RuleId = RuleId::new("content.title-missing");
pub const DATE_INVALID: RuleId = RuleId::new("content.date-invalid");
pub const SLUG_INVALID: RuleId = RuleId::new("content.slug-invalid");
pub const ALIAS_INVALID: RuleId = RuleId::new("content.alias-invalid");

/// What a content file is, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageKind {
    /// content/_index.<lang>.md
    Home,
    /// content/<dir>/_index.<lang>.md
    Section,
    /// Any other content/<…>/<name>.<lang>.md
    Page,
}

impl PageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Section => "section",
            PageKind::Page => "page",
        }
    }
    /// The template used when the front matter names none.
    pub fn default_template(self) -> &'static str {
        match self {
            PageKind::Home => "index",
            PageKind::Section => "section",
            PageKind::Page => "page",
        }
    }
}

/// The front matter keys; any other key is an error with a did-you-mean.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: Option<Spanned<String>>,
    description: Option<String>,
    date: Option<Spanned<String>>,
    updated: Option<Spanned<String>>,
    #[serde(default)]
    draft: bool,
    weight: Option<i64>,
    slug: Option<Spanned<String>>,
    template: Option<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    extra: Option<serde_json::Value>,
    /// A programme id: the page shows that programme's key facts and
    /// requirements, read from data/programmes/<id>.yml.
    programme: Option<Spanned<String>>,
}

/// A loaded page in one language.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to content/ without language and extension:
    /// `faq`, `ceci/stage`, `ceci/_index`, `_index`. A page and its
    /// translation share it.
    pub key: String,
    pub lang: Lang,
    pub kind: PageKind,
    /// Path relative to the site root, e.g. `content/faq.fr.md`.
    pub file: PathBuf,
    pub title: String,
    pub description: String,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub draft: bool,
    pub weight: Option<i64>,
    /// The URL segment of this page (for sections: of the folder).
    pub slug: String,
    /// Where `slug:` was written, for errors about the address it gives.
    pub slug_at: Option<Position>,
    pub template: Option<Located<String>>,
    pub aliases: Vec<Located<String>>,
    pub extra: serde_json::Value,
    /// The programme whose facts the page shows (`programme: ceci`).
    pub programme: Option<Located<String>>,
    /// The whole file as read: diagnostics show it, the body is a slice of
    /// it (no copy of 10,000 pages' text).
    pub text: Arc<str>,
    /// Byte offset of the Markdown body in `text`.
    pub body_start: usize,
    /// Line of the file on which the Markdown body starts.
    pub body_line: u32,
    /// Headings and links found in the body, for link checking.
    pub scan: Scan,
}

impl Page {
    /// Whether this page was taken from an earlier build's page cache
    /// rather than from its text: its body is not there to render.
    pub fn is_summary(&self) -> bool {
        self.text.is_empty()
    }

    /// The Markdown after the front matter.
    pub fn body(&self) -> &str {
        self.text.get(self.body_start..).unwrap_or("")
    }

    /// The folder of the section this page belongs to (`ceci` for
    /// `ceci/stage` and for `ceci/sub/_index`), empty at the top.
    pub fn parent_dir(&self) -> &str {
        let own_dir = match self.kind {
            PageKind::Home => return "",
            PageKind::Section => self.key.strip_suffix("/_index").unwrap_or(""),
            PageKind::Page => &self.key,
        };
        own_dir.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
    }

    /// The folder this page describes (sections) or lives in (pages).
    pub fn dir(&self) -> &str {
        match self.kind {
            PageKind::Home => "",
            PageKind::Section => self.key.strip_suffix("/_index").unwrap_or(""),
            PageKind::Page => self.key.rsplit_once('/').map(|(d, _)| d).unwrap_or(""),
        }
    }

    pub fn template_name(&self) -> &str {
        self.template
            .as_ref()
            .map(|t| t.value.as_str())
            .unwrap_or(self.kind.default_template())
    }
}

/// Splits `ceci/stage.fr.md` into (`ceci/stage`, fr, kind).
pub fn parse_file_name(rel: &Path) -> Result<(String, Lang, PageKind), Text> {
    let rel_str = rel.to_string_lossy().replace('\\', "/");
    let stem = rel_str.strip_suffix(".md").unwrap_or(&rel_str);
    let Some((key, lang)) = stem.rsplit_once('.') else {
        return Err(Text::new(
            "le nom du fichier doit indiquer sa langue, par exemple `page.fr.md` ou `page.en.md`",
            "the file name must give its language, for example `page.fr.md` or `page.en.md`",
        ));
    };
    let lang: Lang = lang.parse().map_err(|_| {
        Text::new(
            format!("langue inconnue `{lang}` dans le nom du fichier (fr ou en attendu)"),
            format!("unknown language `{lang}` in the file name (fr or en expected)"),
        )
    })?;
    let kind = if key == "_index" {
        PageKind::Home
    } else if key.ends_with("/_index") {
        PageKind::Section
    } else {
        PageKind::Page
    };
    Ok((key.to_string(), lang, kind))
}

pub use crate::core::source::invalid_utf8;

/// Splits `---\nyaml\n---\nbody` into (yaml, body, body's first line).
fn split_front_matter(text: &str) -> Option<(&str, &str, u32)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for (n, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Some((yaml, body, n as u32 + 3));
        }
        offset += line.len();
    }
    None
}

fn parse_date(value: &Spanned<String>, file: &Path, key: &str) -> Result<Date, Diagnostic> {
    let s = value.value.trim();
    // A full timestamp is accepted; its date part is what pages show.
    let day = s.get(..10).unwrap_or(s);
    day.parse::<Date>()
        .ok()
        .filter(|_| {
            s.len() == 10
                || s.as_bytes()
                    .get(10)
                    .is_some_and(|b| matches!(b, b'T' | b' '))
        })
        .ok_or_else(|| {
            Diagnostic::error(
                DATE_INVALID,
                file,
                yaml::position(&value.referenced, 2).with_len(s.chars().count() as u32),
                Text::new(
                    format!("`{s}` n’est pas une date valable pour `{key}`"),
                    format!("`{s}` is not a valid date for `{key}`"),
                ),
            )
            .with_hint(Text::new(
                "écrivez une date du calendrier au format AAAA-MM-JJ, par exemple 2025-09-15",
                "write a real calendar date as YYYY-MM-DD, for example 2025-09-15",
            ))
        })
}

/// Parses one content file. Returns the page when its front matter could be
/// read (even with some bad values), and every problem found.
pub fn parse(
    file: PathBuf,
    key: String,
    lang: Lang,
    kind: PageKind,
    text: Arc<str>,
) -> (Option<Page>, Vec<Diagnostic>) {
    let mut ds = Vec::new();
    let Some((yaml_text, body, body_line)) = split_front_matter(&text) else {
        let msg = if text.trim_start().starts_with("---") {
            Text::new(
                "l’en-tête (front matter) n’est pas refermé par une ligne `---`",
                "the front matter is not closed by a `---` line",
            )
        } else {
            Text::new(
                "la page doit commencer par un en-tête entre deux lignes `---`",
                "the page must start with a front matter between two `---` lines",
            )
        };
        ds.push(
            Diagnostic::error(FRONT_MATTER, &file, Position::new(1, 1), msg).with_hint(Text::new(
                "commencez le fichier par :\n---\ntitle: Titre de la page\n---",
                "start the file with:\n---\ntitle: Page title\n---",
            )),
        );
        return (None, ds);
    };
    let fm: FrontMatter = if yaml_text.trim().is_empty() {
        FrontMatter::default()
    } else {
        match yaml::parse(yaml_text, &file, 2) {
            Ok(fm) => fm,
            Err(found) => {
                ds.extend(found);
                return (None, ds);
            }
        }
    };
    let title = match &fm.title {
        Some(t) if !t.value.trim().is_empty() => t.value.trim().to_string(),
        other => {
            let pos = other
                .as_ref()
                .map(|t| yaml::position(&t.referenced, 2))
                .unwrap_or(Position::new(1, 1));
            ds.push(
                Diagnostic::error(
                    TITLE_MISSING,
                    &file,
                    pos,
                    Text::new("la page n’a pas de titre", "the page has no title"),
                )
                .with_hint(Text::new(
                    "ajoutez une ligne `title: …` dans l’en-tête",
                    "add a line `title: …` to the front matter",
                )),
            );
            String::new()
        }
    };
    let mut date_of = |v: &Option<Spanned<String>>, k: &str| {
        v.as_ref()
            .and_then(|v| parse_date(v, &file, k).map_err(|d| ds.push(d)).ok())
    };
    let date = date_of(&fm.date, "date");
    let updated = date_of(&fm.updated, "updated");
    let default_slug = match kind {
        PageKind::Home => String::new(),
        PageKind::Section => key
            .trim_end_matches("/_index")
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string(),
        PageKind::Page => key.rsplit('/').next().unwrap_or("").to_string(),
    };
    let slug = match &fm.slug {
        Some(s) => {
            let pos = yaml::position(&s.referenced, 2).with_len(s.value.chars().count() as u32);
            let slug = slugify(&s.value);
            if s.value.contains('/') || slug.is_empty() || kind == PageKind::Home {
                let (fr, en) = if kind == PageKind::Home {
                    (
                        "la page d’accueil n’a pas de slug : son adresse est /fr/ ou /en/",
                        "the home page has no slug: its address is /fr/ or /en/",
                    )
                } else if s.value.contains('/') {
                    (
                        "un slug est un seul segment d’adresse : il ne peut pas contenir « / »",
                        "a slug is a single address segment: it cannot contain '/'",
                    )
                } else {
                    ("le slug est vide", "the slug is empty")
                };
                ds.push(
                    Diagnostic::error(SLUG_INVALID, &file, pos, Text::new(fr, en)).with_hint(Text::new(
                        "écrivez un seul mot ou des mots reliés par des tirets, par exemple `questions-frequentes`",
                        "write one word or words joined by hyphens, for example `questions-frequentes`",
                    )),
                );
                slugify(&default_slug)
            } else if slug != s.value {
                // Rewriting it silently would publish an address nobody
                // wrote; say which one it would be instead.
                ds.push(
                    Diagnostic::error(
                        SLUG_INVALID,
                        &file,
                        pos,
                        Text::new(
                            format!("le slug `{}` n’est pas une adresse valable", s.value),
                            format!("the slug `{}` is not a valid address", s.value),
                        ),
                    )
                    .with_hint(Text::new(
                        format!("écrivez `slug: {slug}` (minuscules sans accents, chiffres et tirets)"),
                        format!("write `slug: {slug}` (lowercase letters without accents, digits and hyphens)"),
                    )),
                );
                slug
            } else {
                slug
            }
        }
        None => slugify(&default_slug),
    };
    let mut aliases = Vec::new();
    for a in &fm.aliases {
        let pos = yaml::position(&a.referenced, 2).with_len(a.value.chars().count() as u32);
        let v = a.value.trim();
        if !v.starts_with('/')
            || v.split('/').any(|seg| seg == "..")
            || v.contains(['?', '#', '\\'])
        {
            ds.push(
                Diagnostic::error(
                    ALIAS_INVALID,
                    &file,
                    pos,
                    Text::new(
                        format!("`{v}` n’est pas une ancienne adresse valable"),
                        format!("`{v}` is not a valid old address"),
                    ),
                )
                .with_hint(Text::new(
                    "écrivez le chemin depuis la racine du site, par exemple /fr/ancienne-page/",
                    "write the path from the site root, for example /en/old-page/",
                )),
            );
        } else {
            // One spelling per address: `/fr//contact/` and `/fr/./contact/`
            // are `/fr/contact/` to a web server, and so to the clash check.
            let segments: Vec<&str> = v
                .split('/')
                .filter(|s| !s.is_empty() && *s != ".")
                .collect();
            let slash = if v.ends_with('/') && !segments.is_empty() {
                "/"
            } else {
                ""
            };
            aliases.push(Located {
                value: format!("/{}{slash}", segments.join("/")),
                at: pos,
            });
        }
    }
    let scan = markdown::scan(body, body_line);
    let page = Page {
        key,
        lang,
        kind,
        file,
        title,
        description: fm.description.unwrap_or_default(),
        date,
        updated,
        draft: fm.draft,
        weight: fm.weight,
        slug,
        slug_at: fm
            .slug
            .as_ref()
            .map(|s| yaml::position(&s.referenced, 2).with_len(s.value.chars().count() as u32)),
        template: fm.template.map(|t| Located {
            at: yaml::position(&t.referenced, 2).with_len(t.value.chars().count() as u32),
            value: t.value,
        }),
        aliases,
        extra: fm.extra.unwrap_or(serde_json::Value::Null),
        programme: fm.programme.map(|p| Located {
            at: yaml::position(&p.referenced, 2).with_len(p.value.chars().count() as u32),
            value: p.value,
        }),
        body_start: body.as_ptr() as usize - text.as_ptr() as usize,
        text: text.clone(),
        body_line,
        scan,
    };
    (Some(page), ds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> (Option<Page>, Vec<Diagnostic>) {
        parse(
            PathBuf::from("content/a.fr.md"),
            "a".into(),
            Lang::Fr,
            PageKind::Page,
            Arc::from(text),
        )
    }

    #[test]
    fn file_names_give_key_language_and_kind() {
        let (k, l, kind) = parse_file_name(Path::new("ceci/stage.en.md")).unwrap();
        assert_eq!(
            (k.as_str(), l, kind),
            ("ceci/stage", Lang::En, PageKind::Page)
        );
        let (k, _, kind) = parse_file_name(Path::new("ceci/_index.fr.md")).unwrap();
        assert_eq!((k.as_str(), kind), ("ceci/_index", PageKind::Section));
        assert_eq!(
            parse_file_name(Path::new("_index.fr.md")).unwrap().2,
            PageKind::Home
        );
        assert!(parse_file_name(Path::new("faq.md")).is_err());
        assert!(parse_file_name(Path::new("faq.de.md")).is_err());
    }

    #[test]
    fn front_matter_and_body_line() {
        let (p, ds) =
            page("---\ntitle: Bonjour\nslug: questions-frequentes\nweight: 2\n---\n# Hi\n");
        assert!(ds.is_empty(), "{ds:?}");
        let p = p.unwrap();
        assert_eq!(p.title, "Bonjour");
        assert_eq!(p.slug, "questions-frequentes");
        assert_eq!(p.body_line, 6);
        assert_eq!(p.weight, Some(2));
    }

    #[test]
    fn a_slug_written_otherwise_is_an_error_suggesting_the_slug() {
        let (_, ds) = page("---\ntitle: Bonjour\nslug: Questions Fréquentes\n---\n# Hi\n");
        let d = ds.first().unwrap();
        assert_eq!((d.rule.as_str(), d.line()), ("content.slug-invalid", 3));
        assert!(
            d.hint
                .as_ref()
                .unwrap()
                .en
                .contains("`slug: questions-frequentes`"),
            "{d:?}"
        );
    }

    #[test]
    fn impossible_date_is_located() {
        let (_, ds) = page("---\ntitle: A\ndate: 2025-02-30\n---\n");
        assert_eq!(ds[0].rule, DATE_INVALID);
        assert_eq!((ds[0].position.line, ds[0].position.column), (3, 7));
    }

    #[test]
    fn missing_title_and_slash_slug_reported_together() {
        let (_, ds) = page("---\ndescription: x\nslug: a/b\n---\n");
        let rules: Vec<_> = ds.iter().map(|d| (d.rule.as_str(), d.line())).collect();
        assert_eq!(
            rules,
            [("content.title-missing", 1), ("content.slug-invalid", 3)]
        );
    }

    #[test]
    fn unclosed_front_matter() {
        let (p, ds) = page("---\ntitle: A\n");
        assert!(p.is_none());
        assert_eq!(ds[0].rule, FRONT_MATTER);
    }

    #[test]
    fn invalid_utf8_points_at_byte() {
        let mut bytes = b"---\ntitle: caf".to_vec();
        bytes.push(0xE9);
        let d = crate::core::source::decode(Path::new("x"), bytes).unwrap_err();
        assert_eq!(d.rule, ENCODING);
        assert_eq!((d.position.line, d.position.column), (2, 11));
    }
}

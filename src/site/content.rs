//! The content library: every page of content/ in every language, their URLs
//! and how they pair up as translations.
//!
//! Loading reads and parses files in parallel; URLs are then derived in one
//! pass (a page's URL needs its sections' localised slugs), and conflicts are
//! found with one map, never by comparing pages pairwise.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::core::diagnostic::{Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::core::lang::Lang;
use crate::core::source::{Files, Hidden, Kind};
use crate::site::page::{self, Page, PageKind};

pub use crate::core::layout::CONTENT_DIR;
pub const URL_CONFLICT: RuleId = RuleId::new("content.url-conflict");
pub const NOT_TRANSLATED: RuleId = RuleId::new("content.not-translated");
pub const STRAY_FILE: RuleId = RuleId::new("content.stray-file");

/// What loading one content file gives: the page when its front matter
/// could be read, and every problem parsing it found.
pub type Parsed = (Option<Page>, Vec<Diagnostic>);

/// Reads content file `file` through `files` and parses it.
pub fn read_page(files: &Files, file: PathBuf, key: String, lang: Lang, kind: PageKind) -> Parsed {
    match files.text(&file) {
        Ok(text) => page::parse(file, key, lang, kind, text),
        Err(e) => (None, vec![e.into_diagnostic(page::ENCODING, &file)]),
    }
}

/// Index of a page in [`Library::pages`].
pub type PageId = usize;

/// A page in one language that exists only in the other: the build serves a
/// notice at `url` pointing to `available`.
#[derive(Debug, Clone)]
pub struct Missing {
    pub key: String,
    pub lang: Lang,
    pub url: String,
    pub available: PageId,
}

/// Every published page, with its URL and its translations.
#[derive(Debug, Default)]
pub struct Library {
    pub pages: Vec<Page>,
    /// Site-relative URL of each page (`/fr/certificat/stage/`), same index.
    pub urls: Vec<String>,
    /// key → page per language.
    pub by_key: BTreeMap<String, [Option<PageId>; 2]>,
    /// Keys of drafts left out of this build, to explain links to them.
    pub drafts: Vec<String>,
    /// Pages missing in one language, each served as a notice.
    pub missing: Vec<Missing>,
    /// Page files written but not in this build: key → per language.
    /// Their translations are not told to create them.
    unpublished: HashMap<String, [Option<Unpublished>; 2]>,
}

/// Why a page file that is written is not in the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    /// `draft: true`, in a build without drafts.
    Draft,
    /// It could not be read; its own error says why.
    Unreadable,
}

fn slot(lang: Lang) -> usize {
    match lang {
        Lang::Fr => 0,
        Lang::En => 1,
    }
}

impl Library {
    /// The page `key` in `lang`, if written.
    pub fn get(&self, key: &str, lang: Lang) -> Option<PageId> {
        self.by_key.get(key).and_then(|s| s[slot(lang)])
    }

    /// Why the page `key` in `lang` is written but not in the build, if it
    /// is.
    pub fn unpublished(&self, key: &str, lang: Lang) -> Option<Unpublished> {
        self.unpublished.get(key).and_then(|s| s[slot(lang)])
    }

    /// The page in the other languages of the site, if written.
    pub fn translations(&self, id: PageId) -> impl Iterator<Item = PageId> + '_ {
        let p = &self.pages[id];
        Lang::ALL
            .into_iter()
            .filter(move |l| *l != p.lang)
            .filter_map(move |l| self.get(&p.key, l))
    }

    /// The URL of `key` in `lang`: the page, or its not-translated notice.
    pub fn url_in(&self, key: &str, lang: Lang) -> Option<&str> {
        if let Some(id) = self.get(key, lang) {
            return Some(&self.urls[id]);
        }
        self.missing
            .iter()
            .find(|m| m.key == key && m.lang == lang)
            .map(|m| m.url.as_str())
    }

    /// Direct children of a section (or of the home page) in its language:
    /// pages first by weight, then newest first, then by title.
    pub fn children(&self, id: PageId) -> (Vec<PageId>, Vec<PageId>) {
        let section = &self.pages[id];
        let dir = section.dir();
        let mut pages = Vec::new();
        let mut subsections = Vec::new();
        for (i, p) in self.pages.iter().enumerate() {
            if i == id || p.lang != section.lang || p.kind == PageKind::Home {
                continue;
            }
            match p.kind {
                PageKind::Page if p.dir() == dir && section.kind == PageKind::Section => {
                    pages.push(i)
                }
                PageKind::Page if p.dir().is_empty() && section.kind == PageKind::Home => {
                    pages.push(i)
                }
                PageKind::Section if p.parent_dir() == dir => subsections.push(i),
                _ => {}
            }
        }
        pages.sort_by(|a, b| self.order(*a, *b));
        subsections.sort_by(|a, b| self.order(*a, *b));
        (pages, subsections)
    }

    /// [`Library::children`] of every section and of the home page, from
    /// one pass over the pages rather than one per section.
    pub fn all_children(&self) -> HashMap<PageId, (Vec<PageId>, Vec<PageId>)> {
        let mut pages: HashMap<(Lang, &str), Vec<PageId>> = HashMap::new();
        let mut sections: HashMap<(Lang, &str), Vec<PageId>> = HashMap::new();
        for (i, p) in self.pages.iter().enumerate() {
            match p.kind {
                PageKind::Page => pages.entry((p.lang, p.dir())).or_default().push(i),
                PageKind::Section => sections
                    .entry((p.lang, p.parent_dir()))
                    .or_default()
                    .push(i),
                PageKind::Home => {}
            }
        }
        let sorted = |ids: &[PageId], except: PageId| {
            let mut ids: Vec<PageId> = ids.iter().copied().filter(|&i| i != except).collect();
            ids.sort_by(|a, b| self.order(*a, *b));
            ids
        };
        self.pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind != PageKind::Page)
            .map(|(id, p)| {
                let at = (p.lang, p.dir());
                let own = |m: &HashMap<(Lang, &str), Vec<PageId>>| {
                    m.get(&at).map_or_else(Vec::new, |ids| sorted(ids, id))
                };
                (id, (own(&pages), own(&sections)))
            })
            .collect()
    }

    /// The order of a section's list: by weight, then newest first, then
    /// by title.
    fn order(&self, a: PageId, b: PageId) -> std::cmp::Ordering {
        let (a, b) = (&self.pages[a], &self.pages[b]);
        (
            a.weight.is_none(),
            a.weight,
            std::cmp::Reverse(a.date),
            &a.title,
        )
            .cmp(&(
                b.weight.is_none(),
                b.weight,
                std::cmp::Reverse(b.date),
                &b.title,
            ))
    }

    /// Loads content/ for the site languages, reading every page in
    /// parallel.
    pub fn load(files: &Files, languages: &[Lang], drafts: bool) -> (Library, Diagnostics) {
        Library::load_with(files, languages, drafts, &read_page)
    }

    /// [`Library::load`], each page of content/ got from `page` (the files
    /// read through, file, key, language, kind): read and parsed
    /// ([`read_page`]), or taken
    /// from what an earlier build learned of the same bytes.
    pub fn load_with(
        files: &Files,
        languages: &[Lang],
        drafts: bool,
        page: &(dyn Fn(&Files, PathBuf, String, Lang, PageKind) -> Parsed + Sync),
    ) -> (Library, Diagnostics) {
        let mut ds = Diagnostics::new();
        let dir = Path::new(CONTENT_DIR);
        let (found, errors) = files.walk(dir, Hidden::Skip);
        for (path, e) in errors {
            let (why, hint) = crate::core::source::io_reason(&e);
            ds.push(
                Diagnostic::error(
                    page::ENCODING,
                    path,
                    Position::new(0, 0),
                    Text::new(
                        format!("lecture impossible : {}", why.fr),
                        format!("cannot read: {}", why.en),
                    ),
                )
                .with_hint(hint),
            );
        }
        let mut pages = Vec::new();
        for (file, kind) in found {
            if kind != Kind::File {
                continue;
            }
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            if !name.ends_with(".md") {
                ds.push(
                    Diagnostic::warning(
                        STRAY_FILE,
                        &file,
                        Position::new(0, 0),
                        Text::new(
                            "ce fichier n’est pas une page et n’est pas publié",
                            "this file is not a page and is not published",
                        ),
                    )
                    .with_hint(Text::new(
                        "placez les images et documents dans static/ et liez-les depuis la page",
                        "put images and documents in static/ and link them from the page",
                    )),
                );
                continue;
            }
            let rel = file.strip_prefix(dir).unwrap_or(&file);
            match page::parse_file_name(rel) {
                Ok((key, lang, kind)) => {
                    if languages.contains(&lang) {
                        pages.push((file, key, lang, kind));
                    }
                }
                Err(msg) => ds.push(
                    Diagnostic::error(page::FILE_NAME, file, Position::new(0, 0), msg)
                        .with_hint(Text::new(
                        "renommez le fichier en `nom.fr.md` (français) ou `nom.en.md` (anglais)",
                        "rename the file to `name.fr.md` (French) or `name.en.md` (English)",
                    )),
                ),
            }
        }
        let written: Vec<(String, Lang)> = pages
            .iter()
            .map(|(_, key, lang, _)| (key.clone(), *lang))
            .collect();
        let parsed: Vec<Parsed> = pages
            .into_par_iter()
            .map(|(file, key, lang, kind)| page(files, file, key, lang, kind))
            .collect();
        let mut lib = Library::default();
        for ((p, d), written) in parsed.into_iter().zip(written) {
            ds.extend(d);
            match p {
                Some(p) if p.draft && !drafts => {
                    lib.unpublish(written, Unpublished::Draft);
                    lib.drafts.push(p.key);
                }
                Some(p) => lib.pages.push(p),
                None => lib.unpublish(written, Unpublished::Unreadable),
            }
        }
        for (id, p) in lib.pages.iter().enumerate() {
            lib.by_key.entry(p.key.clone()).or_default()[slot(p.lang)] = Some(id);
        }
        lib.assign_urls(languages, &mut ds);
        (lib, ds)
    }

    /// Localised slug of the folder `dir` in `lang`: its `_index` slug when
    /// that section exists in the language, else the other language's, else
    /// the folder name.
    fn dir_slug(&self, dir: &str, lang: Lang) -> String {
        let key = format!("{dir}/_index");
        let pick = |l: Lang| self.get(&key, l).map(|id| self.pages[id].slug.clone());
        pick(lang)
            .or_else(|| Lang::ALL.into_iter().find_map(pick))
            .unwrap_or_else(|| crate::site::slug::slugify(dir.rsplit('/').next().unwrap_or(dir)))
    }

    fn url_for(&self, key: &str, kind: PageKind, slug: &str, lang: Lang) -> String {
        let mut url = format!("/{}/", lang.code());
        let dir = match kind {
            PageKind::Home => return url,
            PageKind::Section => key.strip_suffix("/_index").unwrap_or(""),
            PageKind::Page => key.rsplit_once('/').map(|(d, _)| d).unwrap_or(""),
        };
        let mut prefix = String::new();
        let segments: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
        let last = segments.len();
        for (i, seg) in segments.into_iter().enumerate() {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(seg);
            // A section's own segment is its slug; ancestors use theirs.
            if kind == PageKind::Section && i + 1 == last {
                break;
            }
            url.push_str(&self.dir_slug(&prefix, lang));
            url.push('/');
        }
        url.push_str(slug);
        url.push('/');
        url
    }

    fn unpublish(&mut self, (key, lang): (String, Lang), why: Unpublished) {
        self.unpublished.entry(key).or_default()[slot(lang)] = Some(why);
    }

    fn assign_urls(&mut self, languages: &[Lang], ds: &mut Diagnostics) {
        self.urls = (0..self.pages.len())
            .map(|id| {
                let p = &self.pages[id];
                self.url_for(&p.key, p.kind, &p.slug, p.lang)
            })
            .collect();
        let mut claimed: HashMap<&str, PageId> = HashMap::new();
        for (id, url) in self.urls.iter().enumerate() {
            if let Some(&first) = claimed.get(url.as_str()) {
                // The page whose written slug makes the clash is the one to
                // change, at that line; else the later one, at its top.
                let (a, b) = match (self.pages[first].slug_at, self.pages[id].slug_at) {
                    (Some(_), None) => (&self.pages[id], &self.pages[first]),
                    _ => (&self.pages[first], &self.pages[id]),
                };
                ds.push(
                    Diagnostic::error(
                        URL_CONFLICT,
                        b.file.clone(),
                        b.slug_at.unwrap_or(Position::new(1, 1)),
                        Text::new(
                            format!(
                                "cette page a la même adresse {url} que {}",
                                a.file.display()
                            ),
                            format!(
                                "this page has the same address {url} as {}",
                                a.file.display()
                            ),
                        ),
                    )
                    .with_hint(Text::new(
                        "donnez à l’une des deux pages un autre `slug` dans son en-tête",
                        "give one of the two pages another `slug` in its front matter",
                    )),
                );
            } else {
                claimed.insert(url, id);
            }
        }
        let mut missing = Vec::new();
        for (key, slots) in &self.by_key {
            let Some(available) = slots.iter().flatten().next().copied() else {
                continue;
            };
            for &lang in languages {
                if slots[slot(lang)].is_some() {
                    continue;
                }
                let p = &self.pages[available];
                let url = self.url_for(key, p.kind, &p.slug, lang);
                if claimed.contains_key(url.as_str()) {
                    continue;
                }
                let other = translated_file(&p.file, lang);
                let hint = match self.unpublished(key, lang) {
                    // Its own error is the one to fix, and "create it"
                    // would be wrong.
                    Some(Unpublished::Unreadable) => None,
                    Some(Unpublished::Draft) => Some(Text::new(
                        format!(
                            "{} est un brouillon : retirez `draft: true` pour le publier",
                            other.display()
                        ),
                        format!(
                            "{} is a draft: remove `draft: true` to publish it",
                            other.display()
                        ),
                    )),
                    None => Some(Text::new(
                        format!("créez {} pour la traduire", other.display()),
                        format!("create {} to translate it", other.display()),
                    )),
                };
                if let Some(hint) = hint {
                    ds.push(
                        Diagnostic::warning(
                            NOT_TRANSLATED,
                            p.file.clone(),
                            Position::new(1, 1),
                            Text::new(
                                format!("cette page n’existe pas en `{lang}` : {url} affichera un avis renvoyant vers elle"),
                                format!("this page does not exist in `{lang}`: {url} will show a notice pointing to it"),
                            ),
                        )
                        .with_hint(hint),
                    );
                }
                missing.push(Missing {
                    key: key.clone(),
                    lang,
                    url,
                    available,
                });
            }
        }
        self.missing = missing;
    }
}

/// `content/faq.fr.md` → `content/faq.en.md`.
pub fn translated_file(file: &Path, lang: Lang) -> PathBuf {
    let s = file.to_string_lossy();
    let base = s
        .strip_suffix(".md")
        .and_then(|b| b.rsplit_once('.'))
        .map(|(b, _)| b)
        .unwrap_or(&s);
    PathBuf::from(format!("{base}.{}.md", lang.code()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> (Library, Diagnostics) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join("content").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let files = crate::core::source::Files::new(crate::core::source::Disk::new(dir.path()));
        Library::load(&files, &[Lang::Fr, Lang::En], false)
    }

    #[test]
    fn children_of_all_sections_at_once_are_each_sections_children() {
        let (lib, ds) = site(&[
            ("_index.fr.md", "---\ntitle: H\n---\n"),
            ("_index.en.md", "---\ntitle: H\n---\n"),
            ("top.fr.md", "---\ntitle: T\n---\n"),
            ("a/_index.fr.md", "---\ntitle: A\n---\n"),
            ("a/_index.en.md", "---\ntitle: A\n---\n"),
            ("a/z.fr.md", "---\ntitle: Z\n---\n"),
            ("a/y.fr.md", "---\ntitle: Y\nweight: 2\n---\n"),
            ("a/x.fr.md", "---\ntitle: X\ndate: 2026-01-02\n---\n"),
            ("a/x.en.md", "---\ntitle: X\n---\n"),
            ("a/b/_index.fr.md", "---\ntitle: B\n---\n"),
            ("a/b/w.fr.md", "---\ntitle: W\n---\n"),
            ("c/_index.fr.md", "---\ntitle: C\nweight: 1\n---\n"),
        ]);
        assert!(!ds.has_errors(), "{ds:?}");
        let all = lib.all_children();
        let sections: Vec<PageId> = (0..lib.pages.len())
            .filter(|&id| lib.pages[id].kind != PageKind::Page)
            .collect();
        assert_eq!(all.len(), sections.len());
        for id in sections {
            assert_eq!(all[&id], lib.children(id), "{}", lib.pages[id].key);
        }
        let home = lib.get("_index", Lang::Fr).unwrap();
        let a = lib.get("a/_index", Lang::Fr).unwrap();
        let titles = |ids: &[PageId]| -> Vec<String> {
            ids.iter().map(|&i| lib.pages[i].title.clone()).collect()
        };
        assert_eq!(titles(&all[&home].0), ["T"]);
        assert_eq!(titles(&all[&home].1), ["C", "A"]);
        assert_eq!(titles(&all[&a].0), ["Y", "X", "Z"]);
        assert_eq!(titles(&all[&a].1), ["B"]);
    }

    #[test]
    fn urls_use_localised_section_slugs() {
        let (lib, ds) = site(&[
            (
                "ceci/_index.fr.md",
                "---\ntitle: C\nslug: certificat\n---\n",
            ),
            (
                "ceci/_index.en.md",
                "---\ntitle: C\nslug: certificate\n---\n",
            ),
            ("ceci/stage.fr.md", "---\ntitle: S\n---\n"),
            ("ceci/stage.en.md", "---\ntitle: S\nslug: internship\n---\n"),
            ("_index.fr.md", "---\ntitle: H\n---\n"),
        ]);
        assert!(!ds.has_errors(), "{ds:?}");
        let url = |k: &str, l| lib.url_in(k, l).unwrap().to_string();
        assert_eq!(url("ceci/stage", Lang::En), "/en/certificate/internship/");
        assert_eq!(url("ceci/stage", Lang::Fr), "/fr/certificat/stage/");
        assert_eq!(url("ceci/_index", Lang::Fr), "/fr/certificat/");
        assert_eq!(url("_index", Lang::Fr), "/fr/");
        // Missing English home → a notice, with a warning.
        assert_eq!(url("_index", Lang::En), "/en/");
        assert!(ds
            .iter()
            .any(|d| d.rule == NOT_TRANSLATED && d.file == Path::new("content/_index.fr.md")));
    }

    #[test]
    fn url_conflicts_are_errors() {
        let (_, ds) = site(&[
            ("a.fr.md", "---\ntitle: A\nslug: x\n---\n"),
            ("b.fr.md", "---\ntitle: B\nslug: x\n---\n"),
        ]);
        let d = ds
            .iter()
            .find(|d| d.rule == URL_CONFLICT)
            .expect("conflict");
        assert_eq!(
            (d.file.as_path(), d.position.line, d.position.column),
            (Path::new("content/b.fr.md"), 3, 7)
        );
        // The page whose written slug takes another's address is the one
        // told, at its `slug:` line, whichever comes first.
        let (_, ds) = site(&[
            ("a.fr.md", "---\ntitle: A\nweight: 1\nslug: b\n---\n"),
            ("b.fr.md", "---\ntitle: B\n---\n"),
        ]);
        let d = ds
            .iter()
            .find(|d| d.rule == URL_CONFLICT)
            .expect("conflict");
        assert_eq!(
            (d.file.as_path(), d.position.line),
            (Path::new("content/a.fr.md"), 4)
        );
    }

    #[test]
    fn drafts_are_left_out() {
        let (lib, _) = site(&[("a.fr.md", "---\ntitle: A\ndraft: true\n---\n")]);
        assert!(lib.pages.is_empty());
        assert_eq!(lib.drafts, ["a"]);
    }

    #[test]
    fn a_translation_written_but_not_published_is_not_to_be_created() {
        let (_, ds) = site(&[
            ("a.en.md", "---\ntitle: A\n---\n"),
            ("a.fr.md", "---\ntitel: A\n---\n"),
            ("b.en.md", "---\ntitle: B\n---\n"),
            ("b.fr.md", "---\ntitle: B\ndraft: true\n---\n"),
            ("c.en.md", "---\ntitle: C\n---\n"),
        ]);
        let untranslated: Vec<(String, Option<String>)> = ds
            .iter()
            .filter(|d| d.rule == NOT_TRANSLATED)
            .map(|d| {
                (
                    d.file.display().to_string(),
                    d.hint.as_ref().map(|h| h.en.clone()),
                )
            })
            .collect();
        // a.fr.md is unreadable: its own error says why, nothing here.
        assert_eq!(
            untranslated,
            [
                (
                    "content/b.en.md".to_string(),
                    Some(
                        "content/b.fr.md is a draft: remove `draft: true` to publish it"
                            .to_string()
                    )
                ),
                (
                    "content/c.en.md".to_string(),
                    Some("create content/c.fr.md to translate it".to_string())
                ),
            ]
        );
        assert!(ds.iter().any(
            |d| d.file == Path::new("content/a.fr.md") && d.rule.as_str() == "yaml.unknown-key"
        ));
    }

    #[test]
    fn translated_file_names() {
        assert_eq!(
            translated_file(Path::new("content/x/faq.fr.md"), Lang::En),
            Path::new("content/x/faq.en.md")
        );
    }
}

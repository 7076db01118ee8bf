//! What depends on what: from the site's inputs (a page, the calendar, the
//! programmes, a template, the configuration) to the outputs that show
//! them, so that the preview re-renders only those after a save, and
//! `engage build` after an edit ([`Site::reached`], [`Site::bodies_for`],
//! [`Site::hydrate`]); and the in-place update of the loaded [`Site`] for
//! the common save, an edited page whose address and place in the site
//! stay the same.
//!
//! The graph is read off the loaded site, not stored: [`Site::dependents`]
//! answers for one input on one site. A change asks it of the site before
//! and after, and the union is what must be rendered again (a page moved
//! in its section's order changes the neighbours it had and those it now
//! has). When the shape of the site changes (pages added or removed,
//! addresses, aliases, the list of outputs), everything is rendered:
//! [`Shape`] says when the graph's answer can be trusted.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::core::diagnostic::Diagnostic;
use crate::core::layout::{
    CALENDAR_DIR, CONTENT_DIR, PROGRAMMES_DIR, SITE_TEMPLATES, THEMES_DIR, THEME_TEMPLATES,
};
use crate::core::source::Files;
use crate::site::content::PageId;
use crate::site::page::{self, PageKind};
use crate::site::render::Output;
use crate::site::Site;

/// One input of the site, as a changed file names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// A Markdown file of content/ (path relative to the site root).
    Page(PathBuf),
    /// A file of data/calendar/.
    Calendar,
    /// A file of data/programmes/.
    Programmes,
    /// A template, by name (`page` for page.html), site's or theme's.
    Template(String),
    /// The configuration, the theme's strings, anything else read: every
    /// output may show it.
    Everything,
}

impl Input {
    /// The input a changed file (relative to the root) is, or `None` when
    /// the site does not read it (static files, records, other themes).
    pub fn of(rel: &Path, theme: &str) -> Option<Input> {
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let s = parts.join("/");
        let first = parts.first().map(String::as_str).unwrap_or("");
        if parts.len() == 1 {
            // A whole folder appeared or went away.
            return Some(Input::Everything);
        }
        let template = |rest: &[String]| match rest {
            [name] => Some(match name.strip_suffix(".html") {
                Some(stem) => Input::Template(stem.to_string()),
                None => Input::Everything,
            }),
            // Templates in subfolders are not loaded.
            _ => None,
        };
        if first == CONTENT_DIR {
            return Some(if s.ends_with(".md") {
                Input::Page(PathBuf::from(s))
            } else {
                // A folder (all its pages) or a stray file (a warning).
                Input::Everything
            });
        }
        if s.starts_with(&format!("{CALENDAR_DIR}/")) || s == CALENDAR_DIR {
            return Some(Input::Calendar);
        }
        if s.starts_with(&format!("{PROGRAMMES_DIR}/")) || s == PROGRAMMES_DIR {
            return Some(Input::Programmes);
        }
        if first == "data" {
            // data/portfolios and data/staff.yml are not the site's.
            return (s.starts_with("data/site.yml") || parts.len() == 1)
                .then_some(Input::Everything);
        }
        if first == SITE_TEMPLATES && parts.len() > 1 {
            return template(&parts[1..]);
        }
        if first == THEMES_DIR {
            if parts.get(1).map(String::as_str) != Some(theme) {
                return if parts.len() == 1 {
                    Some(Input::Everything)
                } else {
                    None
                };
            }
            return match parts.get(2).map(String::as_str) {
                Some(THEME_TEMPLATES) if parts.len() > 3 => template(&parts[3..]),
                Some("static") => None,
                _ => Some(Input::Everything),
            };
        }
        None
    }
}

/// The outputs to render again, by their path in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Affected {
    All,
    Paths(BTreeSet<String>),
}

impl Affected {
    pub fn none() -> Affected {
        Affected::Paths(BTreeSet::new())
    }

    pub fn add(&mut self, other: Affected) {
        match (&mut *self, other) {
            (Affected::All, _) => {}
            (_, Affected::All) => *self = Affected::All,
            (Affected::Paths(a), Affected::Paths(b)) => a.extend(b),
        }
    }

    pub fn contains(&self, path: &str) -> bool {
        match self {
            Affected::All => true,
            Affected::Paths(p) => p.contains(path),
        }
    }
}

impl Site {
    /// The page read from `file` (relative to the root), if published.
    pub fn page_of(&self, file: &Path) -> Option<PageId> {
        self.library.pages.iter().position(|p| p.file == file)
    }

    /// The section (or home page) whose lists show page `id`.
    fn parent_of(&self, id: PageId) -> Option<PageId> {
        let p = &self.library.pages[id];
        let dir = match p.kind {
            PageKind::Home => return None,
            PageKind::Section => p.parent_dir(),
            PageKind::Page => p.dir(),
        };
        let key = if dir.is_empty() {
            "_index".to_string()
        } else {
            format!("{dir}/_index")
        };
        self.library.get(&key, p.lang)
    }

    /// Every output that shows something of `input` on this site.
    pub fn dependents(&self, input: &Input) -> Affected {
        let mut out = Vec::new();
        match input {
            Input::Everything => return Affected::All,
            Input::Page(file) => {
                let Some(id) = self.page_of(file) else {
                    // Not a page of this site (a draft, another language):
                    // it shows nowhere.
                    return Affected::none();
                };
                self.page_dependents(id, &mut out);
            }
            Input::Calendar | Input::Programmes => {
                // Programme pages show their next sessions, calendar pages
                // and feeds every event, home pages the upcoming ones.
                for (id, p) in self.library.pages.iter().enumerate() {
                    if p.programme.is_some()
                        || p.kind == PageKind::Home
                        || p.template_name() == "calendar"
                    {
                        out.push(Output::Page(id));
                    }
                }
                out.extend(self.outputs().into_iter().filter(|o| {
                    matches!(o, Output::Ics(..) | Output::RootIcs | Output::EventsFeed(_))
                }));
            }
            Input::Template(name) => {
                // A template others extend, include or take components
                // from (base, components, partials) shows on every page
                // that uses them.
                let used_by_others = self.theme.shared.contains(&format!("{name}.html"));
                let entry = |o: &Output| -> Option<&str> {
                    Some(match o {
                        Output::Page(id) => self.library.pages[*id].template_name(),
                        Output::NotTranslated(_) => "not-translated",
                        Output::NotFound(_) | Output::RootNotFound => "404",
                        Output::Root => "root",
                        Output::Alias { .. } => "alias",
                        _ => return None,
                    })
                };
                let outputs = self.outputs();
                let direct: Vec<Output> = outputs
                    .into_iter()
                    .filter(|o| entry(o) == Some(name.as_str()))
                    .collect();
                if used_by_others || (direct.is_empty() && self.theme.has_template(name)) {
                    return Affected::All;
                }
                out.extend(direct);
            }
        }
        Affected::Paths(out.iter().map(|o| self.path(o)).collect())
    }

    fn page_dependents(&self, id: PageId, out: &mut Vec<Output>) {
        let lib = &self.library;
        let p = &lib.pages[id];
        out.push(Output::Page(id));
        // The switcher and hreflang alternates of its translations.
        out.extend(lib.translations(id).map(Output::Page));
        // "Not translated" notices show its title.
        out.extend(
            lib.missing
                .iter()
                .enumerate()
                .filter(|(_, m)| m.available == id || m.key == p.key)
                .map(|(i, _)| Output::NotTranslated(i)),
        );
        out.extend(p.aliases.iter().map(|a| Output::Alias {
            from: a.value.clone(),
            to: id,
        }));
        // Its section's list, and the previous and next pages, which link
        // to it by title.
        if let Some(parent) = self.parent_of(id) {
            out.push(Output::Page(parent));
            if let Some((pages, _)) = self.children.get(&parent) {
                if let Some(at) = pages.iter().position(|&c| c == id) {
                    out.extend(at.checked_sub(1).map(|i| Output::Page(pages[i])));
                    out.extend(pages.get(at + 1).map(|&c| Output::Page(c)));
                }
            }
        }
        // A section's title is in the breadcrumbs of everything below it.
        if p.kind == PageKind::Section {
            let prefix = format!("{}/", p.dir());
            out.extend(
                lib.pages
                    .iter()
                    .enumerate()
                    .filter(|(_, q)| q.lang == p.lang && q.key.starts_with(&prefix))
                    .map(|(i, _)| Output::Page(i)),
            );
        }
        out.push(Output::Sitemap);
        out.push(Output::SearchIndex(p.lang));
        // The news feed carries its dated pages' titles and texts.
        if self.news_langs.contains(&p.lang) {
            out.push(Output::NewsFeed(p.lang));
        }
    }
}

/// What must stay the same for the graph of a site to hold for the next:
/// the same pages from the same files at the same addresses, and the same
/// list of outputs. When it changes, ids and addresses moved and every
/// output is rendered again. Small, so that the previous site need not be
/// kept while the next is loaded.
#[derive(Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shape {
    files: Vec<PathBuf>,
    urls: Vec<String>,
    missing: Vec<(String, PageId)>,
    calendar_pages: Vec<(crate::core::lang::Lang, PageId)>,
    outputs: Vec<String>,
}

impl Shape {
    pub fn of(site: &Site) -> Shape {
        let lib = &site.library;
        Shape {
            files: lib.pages.iter().map(|p| p.file.clone()).collect(),
            urls: lib.urls.clone(),
            missing: lib
                .missing
                .iter()
                .map(|m| (m.url.clone(), m.available))
                .collect(),
            calendar_pages: site.calendar_pages.clone(),
            outputs: site.outputs().iter().map(|o| site.path(o)).collect(),
        }
    }
}

/// Pages edited in place by [`Site::update_pages`].
#[derive(Debug, Default)]
pub struct Updated {
    /// The edited pages.
    pub pages: Vec<PageId>,
    /// What parsing them found, by file (replacing what it found before).
    pub diagnostics: Vec<(PathBuf, Vec<Diagnostic>)>,
}

impl Site {
    /// Reads the pages of `files` (relative paths of content/) again and
    /// puts them in place, when each is a published page whose address,
    /// aliases, template, programme and draft state stay the same: the
    /// common save, done without loading the whole site. `None` when any
    /// is not (the site is then loaded again): the site is left as it was.
    pub fn update_pages(&mut self, source: &Files, files: &[PathBuf]) -> Option<Updated> {
        let mut parsed = Vec::new();
        for file in files {
            let id = self.page_of(file)?;
            let old = &self.library.pages[id];
            let text = source.text(file).ok()?;
            let (new, ds) = page::parse(file.clone(), old.key.clone(), old.lang, old.kind, text);
            let new = new?;
            // A date added or removed may give a language its news feed,
            // announced in the head of each of its pages.
            let same_place = new.slug == old.slug
                && new.date.is_some() == old.date.is_some()
                && !new.draft
                && new.template_name() == old.template_name()
                && new.programme.as_ref().map(|p| &p.value)
                    == old.programme.as_ref().map(|p| &p.value)
                && new
                    .aliases
                    .iter()
                    .map(|a| &a.value)
                    .eq(old.aliases.iter().map(|a| &a.value));
            if !same_place {
                return None;
            }
            parsed.push((id, new, ds));
        }
        let mut updated = Updated::default();
        for (id, new, ds) in parsed {
            updated.diagnostics.push((new.file.clone(), ds));
            self.library.pages[id] = new;
            updated.pages.push(id);
        }
        // Lists are ordered by weight, date and title: recompute those the
        // edited pages are in.
        let parents: BTreeSet<PageId> = updated
            .pages
            .iter()
            .filter_map(|&id| self.parent_of(id))
            .collect();
        for parent in parents {
            let children = self.library.children(parent);
            self.children.insert(parent, children);
        }
        for &id in &updated.pages {
            let p = &self.library.pages[id];
            if crate::site::faq::is_faq(p) {
                self.faqs.insert(id, crate::site::faq::outline(p));
            } else {
                self.faqs.remove(&id);
            }
        }
        Some(updated)
    }
}

impl Site {
    /// What `inputs` reach, asked of this site and of the site as it was
    /// before the edit: the pages of `previous` (file → the page as it
    /// was) are put back in place for the question, so that a page moved
    /// in its section's order reaches the neighbours it had as well as
    /// those it has. The site must have the shape it had ([`Shape`]).
    pub fn reached(
        &mut self,
        inputs: &BTreeSet<Input>,
        previous: impl Fn(&Path) -> Option<crate::site::page::Page>,
    ) -> Affected {
        let mut affected = Affected::none();
        for i in inputs {
            affected.add(self.dependents(i));
        }
        let mut swapped = Vec::new();
        for i in inputs {
            if let Input::Page(file) = i {
                if let (Some(id), Some(old)) = (self.page_of(file), previous(file)) {
                    let now = std::mem::replace(&mut self.library.pages[id], old);
                    swapped.push((id, now));
                }
            }
        }
        if swapped.is_empty() {
            return affected;
        }
        self.relist(swapped.iter().map(|(id, _)| *id));
        for i in inputs {
            affected.add(self.dependents(i));
        }
        let ids: Vec<PageId> = swapped.iter().map(|(id, _)| *id).collect();
        for (id, page) in swapped {
            self.library.pages[id] = page;
        }
        self.relist(ids.into_iter());
        affected
    }

    /// Orders again the lists that pages `ids` are in (by weight, date
    /// and title, which an edit may change).
    fn relist(&mut self, ids: impl Iterator<Item = PageId>) {
        let parents: BTreeSet<PageId> = ids.filter_map(|id| self.parent_of(id)).collect();
        for parent in parents {
            let children = self.library.children(parent);
            self.children.insert(parent, children);
        }
    }

    /// The pages whose Markdown body rendering `outputs` replays: each
    /// page rendered, the newest pages of a news feed, and for a search
    /// index the pages of its language whose stems are not known
    /// (`known`).
    pub fn bodies_for(
        &self,
        outputs: &[Output],
        known: impl Fn(PageId) -> bool,
    ) -> BTreeSet<PageId> {
        let mut ids = BTreeSet::new();
        for o in outputs {
            match o {
                Output::Page(id) => {
                    ids.insert(*id);
                }
                Output::NewsFeed(lang) => {
                    ids.extend(
                        self.news(*lang)
                            .into_iter()
                            .take(crate::site::render::NEWS_ENTRIES),
                    );
                }
                Output::SearchIndex(lang) => ids.extend(
                    (0..self.library.pages.len())
                        .filter(|&id| self.library.pages[id].lang == *lang && !known(id)),
                ),
                _ => {}
            }
        }
        ids
    }

    /// Reads and parses again the pages `ids` that were loaded without
    /// their text (from a cache): `false` when one no longer parses into
    /// the same page (then nothing can be trusted but a full build).
    pub fn hydrate(&mut self, files: &Files, ids: &BTreeSet<PageId>) -> bool {
        use rayon::prelude::*;
        let todo: Vec<PageId> = ids
            .iter()
            .copied()
            .filter(|&id| self.library.pages[id].is_summary())
            .collect();
        let parsed: Vec<Option<crate::site::page::Page>> = todo
            .par_iter()
            .map(|&id| {
                let p = &self.library.pages[id];
                let (page, _) = crate::site::content::read_page(
                    files,
                    p.file.clone(),
                    p.key.clone(),
                    p.lang,
                    p.kind,
                );
                page.filter(|n| n.title == p.title && n.slug == p.slug && n.date == p.date)
            })
            .collect();
        for (id, page) in todo.into_iter().zip(parsed) {
            match page {
                Some(page) => self.library.pages[id] = page,
                None => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(p: &str) -> Option<Input> {
        Input::of(Path::new(p), "default")
    }

    #[test]
    fn files_name_their_input() {
        assert_eq!(
            of("content/faq.fr.md"),
            Some(Input::Page("content/faq.fr.md".into()))
        );
        assert_eq!(of("content/ceci"), Some(Input::Everything));
        assert_eq!(of("data/calendar/2026.yml"), Some(Input::Calendar));
        assert_eq!(of("data/programmes/ceci.yml"), Some(Input::Programmes));
        assert_eq!(of("data/site.yml"), Some(Input::Everything));
        assert_eq!(of("data/portfolios/alice/portfolio.yml"), None);
        assert_eq!(
            of("templates/page.html"),
            Some(Input::Template("page".into()))
        );
        assert_eq!(
            of("themes/default/templates/base.html"),
            Some(Input::Template("base".into()))
        );
        assert_eq!(of("themes/default/i18n.yml"), Some(Input::Everything));
        assert_eq!(of("themes/default/static/style.css"), None);
        assert_eq!(of("themes/other/templates/page.html"), None);
    }

    #[test]
    fn all_absorbs_paths() {
        let mut a = Affected::Paths(["a".to_string()].into());
        a.add(Affected::Paths(["b".to_string()].into()));
        assert!(a.contains("b") && !a.contains("c"));
        a.add(Affected::All);
        assert_eq!(a, Affected::All);
    }
}

//! The site built in memory: every output rendered into bytes, and where
//! each static file comes from. What `engage build` would write into
//! public/, held instead by the preview server, so that nothing is written
//! to disk and the last good site survives a broken save.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::core::diagnostic::{Diagnostic, Diagnostics};
use crate::core::lang::Lang;
use crate::core::source::{Disk, Files, Hidden, Kind};
use crate::site::incremental::{Affected, Input, Shape};
use crate::site::render::Output;
use crate::site::{BuildOptions, Site};
use crate::workspace::{Parts, Workspace};

/// An output's bytes as the preview keeps them: compressed (LZ4), since a
/// large site's pages held as they are would take most of the memory the
/// preview may use (200 MB of HTML for 10,000 pages); unpacked when served,
/// in well under a millisecond a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored(Arc<[u8]>);

impl Stored {
    pub fn new(bytes: &[u8]) -> Stored {
        Stored(Arc::from(lz4_flex::compress_prepend_size(bytes)))
    }

    /// The output's bytes.
    pub fn bytes(&self) -> Vec<u8> {
        // Only what `new` packed is ever unpacked: this cannot fail.
        lz4_flex::decompress_size_prepended(&self.0).unwrap_or_default()
    }
}

/// One good build of the site, in memory.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Rendered outputs by their path below the site (`fr/index.html`,
    /// `sitemap.xml`), as `site::write_with` would name the files.
    pub outputs: HashMap<String, Stored>,
    /// Static files by served path → their path in the source. Read when
    /// asked for, not at build time: a CSS edit then needs no rebuild.
    pub statics: BTreeMap<String, PathBuf>,
    /// The site's languages, the default first.
    pub languages: Vec<Lang>,
    pub pages: usize,
}

impl Snapshot {
    /// The language of a served path (`/en/faq/` → English), else the
    /// site's default: the language the overlay and 404 page speak.
    pub fn lang_of(&self, path: &str) -> Lang {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        self.languages
            .iter()
            .copied()
            .find(|l| l.code() == first)
            .or_else(|| self.languages.first().copied())
            .unwrap_or(Lang::Fr)
    }
}

/// `a/b.css` with `/` whatever the platform: the key of a static file.
fn served_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The outcome of one change: what the preview now shows, or why not.
#[derive(Debug)]
pub struct Rebuild {
    /// The new site, when it has no error.
    pub snapshot: Option<Arc<Snapshot>>,
    /// Everything found, errors and warnings, sorted.
    pub diagnostics: Diagnostics,
    /// Whether any output's bytes (or the list of outputs) changed.
    pub changed: bool,
    /// The outputs rendered, by path.
    pub rendered: Vec<String>,
    pub elapsed: Duration,
}

/// Outputs that gather every page of a language (search index, sitemap):
/// long to render on a large site and never the page being looked at, so
/// rendered after the reload is sent ([`Preview::finish`]).
fn deferred(o: &Output) -> bool {
    matches!(o, Output::SearchIndex(_) | Output::Sitemap)
}

/// The preview's model: the workspace as last loaded (and updated in
/// place since), what loading found, and the outputs of the last good
/// rendering. A change reloads what it touched and renders again what
/// depends on it ([`crate::site::incremental`]).
pub struct Preview {
    root: PathBuf,
    options: BuildOptions,
    ws: Workspace,
    /// What loading found (configuration, content, programmes, calendar,
    /// translation freshness), patched when pages are updated in place.
    loading: Vec<Diagnostic>,
    /// What validation found, by part; `None` without a site.
    checks: Option<Checks>,
    /// The last good rendering; `None` before the site first built.
    last: Option<Arc<Snapshot>>,
    /// Outputs that changed since the last good rendering, not rendered
    /// yet (a save with errors renders nothing; the next good one does).
    pending: Affected,
    /// Outputs of the last rendering left for [`Preview::finish`].
    deferred: BTreeSet<String>,
    /// What each page adds to its language's search index, kept between
    /// saves: an index after a save stems only the pages it changed.
    stems: StemCache,
    /// The sitemap's `<url>` element of each page, by page id; empty after
    /// a reload (ids may have moved).
    sitemap: Vec<String>,
    /// Pages whose element must be made again (edited in place: their
    /// dates may have changed, their addresses cannot).
    sitemap_stale: BTreeSet<usize>,
}

/// The search stems of each page ([`Site::search_stems`]) with the text
/// and kind (FAQ or not) they were taken from, by file: a page loaded
/// again with the same text keeps them.
#[derive(Default)]
struct StemCache(HashMap<PathBuf, (Arc<str>, bool, crate::site::PageStems)>);

impl StemCache {
    /// The stems of every page of a language with a search index,
    /// computing those of pages whose text changed since.
    fn refresh(&mut self, site: &Site) -> crate::site::Stems {
        let pages = &site.library.pages;
        let fresh = |id: usize| {
            let p = &pages[id];
            self.0.get(&p.file).is_some_and(|(text, faq, _)| {
                *faq == site.faqs.contains_key(&id)
                    && (Arc::ptr_eq(text, &p.text) || **text == *p.text)
            })
        };
        let known: HashMap<usize, crate::site::PageStems> = (0..pages.len())
            .filter(|&id| fresh(id))
            .filter_map(|id| Some((id, self.0.get(&pages[id].file)?.2.clone())))
            .collect();
        let stems = crate::site::stems_of(site, |id| known.get(&id).cloned());
        self.0 = stems
            .iter()
            .map(|(&id, s)| {
                let p = &pages[id];
                (
                    p.file.clone(),
                    (p.text.clone(), site.faqs.contains_key(&id), s.clone()),
                )
            })
            .collect();
        stems
    }
}

impl Preview {
    /// Loads and renders the whole site under `root`, as `engage build`
    /// would, without writing anything.
    pub fn load(root: &Path, options: &BuildOptions) -> (Preview, Rebuild) {
        let started = Instant::now();
        let ws = Workspace::load(Files::new(Disk::new(root)), Parts::SITE, options);
        let loading = loading_diagnostics(&ws);
        let checks = ws.site.as_ref().map(|s| Checks::of(s, &ws.files));
        let mut p = Preview {
            root: root.to_path_buf(),
            options: options.clone(),
            ws,
            loading,
            checks,
            last: None,
            pending: Affected::All,
            deferred: BTreeSet::new(),
            stems: StemCache::default(),
            sitemap: Vec::new(),
            sitemap_stale: BTreeSet::new(),
        };
        let mut r = p.render(started, false);
        if r.snapshot.is_some() {
            // Nothing to hurry for at start: the whole site at once.
            if let Some(s) = p.finish() {
                r.rendered.extend(s.rendered);
                r.snapshot = s.snapshot;
            }
        }
        (p, r)
    }

    /// What was read, for the diagnostics' source lines.
    pub fn files(&self) -> &Files {
        &self.ws.files
    }

    /// The outputs to render again for `inputs`, asked of `site`.
    fn dependents(site: &Site, inputs: &BTreeSet<Input>) -> Affected {
        let mut a = Affected::none();
        for i in inputs {
            a.add(site.dependents(i));
        }
        a
    }

    /// Takes the files that changed (relative to the root) into the model
    /// and renders what depends on them; `None` when none of them is an
    /// input of the site.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Option<Rebuild> {
        let started = Instant::now();
        let theme = self
            .ws
            .site
            .as_ref()
            .map(|s| s.config.theme.clone())
            .unwrap_or_default();
        let mut inputs: BTreeSet<Input> = changed
            .iter()
            .filter_map(|p| Input::of(p, &theme))
            .collect();
        if inputs.is_empty() {
            return None;
        }
        if theme.is_empty() {
            // Never loaded: the theme's own files are inputs too.
            inputs.insert(Input::Everything);
        }
        if !self.update_in_place(&inputs) {
            self.reload(&inputs);
        }
        Some(self.render(started, true))
    }

    /// The common save: pages edited where they are. Parses only them, and
    /// swaps their loading diagnostics for the new ones.
    fn update_in_place(&mut self, inputs: &BTreeSet<Input>) -> bool {
        let Some(site) = self.ws.site.as_mut() else {
            return false;
        };
        let mut files = Vec::new();
        for i in inputs {
            match i {
                Input::Page(f) if site.page_of(f).is_some() => files.push(f.clone()),
                _ => return false,
            }
        }
        let mut before = Affected::none();
        let mut old_parse = Vec::new();
        let mut anchors = Vec::new();
        for f in &files {
            before.add(site.dependents(&Input::Page(f.clone())));
            if let Some(id) = site.page_of(f) {
                let p = &site.library.pages[id];
                anchors.push((site.library.urls[id].clone(), heading_ids(p)));
                let (_, ds) = crate::site::page::parse(
                    p.file.clone(),
                    p.key.clone(),
                    p.lang,
                    p.kind,
                    p.text.clone(),
                );
                old_parse.extend(ds);
            }
        }
        let Some(updated) = site.update_pages(&self.ws.files, &files) else {
            return false;
        };
        for d in old_parse {
            if let Some(at) = self.loading.iter().position(|x| *x == d) {
                self.loading.remove(at);
            }
        }
        for (_, ds) in updated.diagnostics {
            self.loading.extend(ds);
        }
        // Links into the edited pages are checked against their addresses
        // and headings: when those moved, every page is checked again.
        let same_anchors = updated.pages.iter().zip(&anchors).all(|(&id, (url, ids))| {
            site.library.urls[id] == *url && heading_ids(&site.library.pages[id]) == *ids
        });
        match &mut self.checks {
            Some(checks) if same_anchors => {
                let addresses = site.addresses(&self.ws.files);
                for &id in &updated.pages {
                    checks.pages[id] = site.check_page(id, &addresses);
                }
                checks.across = site.check_across();
            }
            _ => self.checks = Some(Checks::of(site, &self.ws.files)),
        }
        self.sitemap_stale.extend(updated.pages.iter().copied());
        self.pending.add(before);
        self.pending.add(Self::dependents(site, inputs));
        true
    }

    /// Loads the whole workspace again; renders what the inputs reach when
    /// the site keeps its shape, else everything.
    fn reload(&mut self, inputs: &BTreeSet<Input>) {
        let before = self
            .ws
            .site
            .as_ref()
            .map(|old| (Shape::of(old), Self::dependents(old, inputs)));
        // The old model goes before the new one is loaded: two copies of
        // a large site would double the preview's memory.
        self.ws.site = None;
        self.ws.files = Files::new(Disk::new(&self.root));
        let ws = Workspace::load(
            Files::new(Disk::new(&self.root)),
            Parts::SITE,
            &self.options,
        );
        let affected = match (before, &ws.site) {
            (Some((shape, mut a)), Some(new)) if shape == Shape::of(new) => {
                a.add(Self::dependents(new, inputs));
                a
            }
            _ => Affected::All,
        };
        self.pending.add(affected);
        self.loading = loading_diagnostics(&ws);
        self.checks = ws.site.as_ref().map(|s| Checks::of(s, &ws.files));
        self.ws = ws;
        self.sitemap.clear();
    }

    /// Validates the site and renders the pending outputs (but the
    /// deferred ones, when `defer`) over the last good rendering.
    fn render(&mut self, started: Instant, defer: bool) -> Rebuild {
        let mut diagnostics = Diagnostics::from_iter(self.loading.iter().cloned());
        let fail = |mut diagnostics: Diagnostics| {
            diagnostics.sort();
            Rebuild {
                snapshot: None,
                diagnostics,
                changed: false,
                rendered: Vec::new(),
                elapsed: started.elapsed(),
            }
        };
        let Some(site) = &self.ws.site else {
            return fail(diagnostics);
        };
        if let Some(c) = &self.checks {
            diagnostics.extend(c.pages.iter().flatten().cloned());
            diagnostics.extend(c.across.iter().cloned());
            diagnostics.extend(c.aliases.iter().cloned());
        }
        if diagnostics.has_errors() {
            return fail(diagnostics);
        }
        let all = site.outputs();
        let paths: Vec<String> = all.iter().map(|o| site.path(o)).collect();
        let base = match (&self.pending, &self.last) {
            (Affected::Paths(_), Some(last)) => Some(last.clone()),
            _ => None,
        };
        let mut todo = Vec::new();
        let mut later = BTreeSet::new();
        for (o, path) in all.iter().zip(&paths) {
            if base.is_some() && !self.pending.contains(path) {
                continue;
            }
            if defer && deferred(o) {
                later.insert(path.clone());
            } else {
                todo.push(o);
            }
        }
        let stems = if todo.iter().any(|o| matches!(o, Output::SearchIndex(_))) {
            self.stems.refresh(site)
        } else {
            crate::site::Stems::new()
        };
        if todo.iter().any(|o| matches!(o, Output::Sitemap)) {
            let n = site.library.pages.len();
            if self.sitemap.len() == n {
                for &id in self.sitemap_stale.iter().filter(|&&id| id < n) {
                    self.sitemap[id] = site.sitemap_entry(id);
                }
            } else {
                self.sitemap = (0..n)
                    .into_par_iter()
                    .map(|id| site.sitemap_entry(id))
                    .collect();
            }
            self.sitemap_stale.clear();
        }
        let sitemap = &self.sitemap;
        // Into shared bytes as each is rendered: a whole site of vectors
        // waiting to be copied would double the memory at start.
        let renderer = site.renderer();
        let rendered: Vec<Result<(String, Stored), Diagnostic>> = todo
            .par_iter()
            .map_init(crate::site::render::Scratch::default, |scratch, o| {
                let out = match o {
                    Output::Sitemap => Ok((
                        site.path(o),
                        crate::site::render::sitemap_of(sitemap).into_bytes(),
                    )),
                    _ => crate::site::render_with(&renderer, scratch, o, &stems),
                };
                out.map(|(p, b)| (p, Stored::new(&b)))
            })
            .collect();
        let mut errors = Vec::new();
        let mut outputs = base.as_ref().map(|b| b.outputs.clone()).unwrap_or_default();
        let mut changed = base.is_none();
        let mut done = Vec::with_capacity(rendered.len());
        for r in rendered {
            match r {
                Ok((path, bytes)) => {
                    done.push(path.clone());
                    if let Some(old) = outputs.insert(path, bytes.clone()) {
                        changed |= old != bytes;
                    } else {
                        changed = true;
                    }
                }
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            diagnostics.extend(errors);
            return fail(diagnostics);
        }
        if outputs.len() != paths.len() {
            let keep: std::collections::HashSet<&String> = paths.iter().collect();
            outputs.retain(|k, _| keep.contains(k));
            changed = true;
        }
        let statics = list_statics(site, &self.ws.files);
        changed |= base.as_ref().is_some_and(|b| b.statics != statics);
        let snapshot = Snapshot {
            outputs,
            statics,
            languages: site.config.languages.clone(),
            pages: site.library.pages.len(),
        };
        self.pending = Affected::Paths(later.clone());
        self.deferred = later;
        diagnostics.sort();
        let s = Arc::new(snapshot);
        self.last = Some(s.clone());
        Rebuild {
            snapshot: Some(s),
            diagnostics,
            changed,
            rendered: done,
            elapsed: started.elapsed(),
        }
    }

    /// Lists the static files again (one was added or removed), over the
    /// outputs as they are, after checking again the links written as
    /// addresses, which such a file can make or break.
    pub fn relist(&mut self) -> Rebuild {
        if let (Some(site), Some(checks)) = (&self.ws.site, &mut self.checks) {
            let addresses = site.addresses(&self.ws.files);
            for (id, p) in site.library.pages.iter().enumerate() {
                if !p.scan.local_links.is_empty() {
                    checks.pages[id] = site.check_page(id, &addresses);
                }
            }
        }
        self.render(Instant::now(), true)
    }

    /// Renders what the last change left for later (search indexes,
    /// sitemap); `None` when nothing was.
    pub fn finish(&mut self) -> Option<Rebuild> {
        if self.deferred.is_empty() {
            return None;
        }
        let started = Instant::now();
        let r = self.render(started, false);
        Some(r)
    }

    /// Every output of the last good rendering, by path.
    pub fn outputs(&self) -> Option<&HashMap<String, Stored>> {
        self.last.as_ref().map(|s| &s.outputs)
    }
}

/// What [`Site::validate`] finds, in the parts a save of pages updates
/// separately: each page's own checks, those across pages, the aliases
/// (which stay as they are while no address moves).
struct Checks {
    pages: Vec<Vec<Diagnostic>>,
    across: Diagnostics,
    aliases: Diagnostics,
}

impl Checks {
    fn of(site: &Site, files: &Files) -> Checks {
        let addresses = site.addresses(files);
        Checks {
            pages: (0..site.library.pages.len())
                .into_par_iter()
                .map(|id| site.check_page(id, &addresses))
                .collect(),
            across: site.check_across(),
            aliases: site.check_aliases(),
        }
    }
}

/// The anchors a page offers to links.
fn heading_ids(p: &crate::site::page::Page) -> Vec<String> {
    p.scan.headings.iter().map(|h| h.id.clone()).collect()
}

/// What loading found that validation does not: configuration, theme,
/// content, programmes, calendar, and translation freshness from git.
fn loading_diagnostics(ws: &Workspace) -> Vec<Diagnostic> {
    let mut ds: Vec<Diagnostic> = ws.problems.data.iter().cloned().collect();
    ds.extend(ws.problems.site.iter().cloned());
    if let (Some(site), Some(history)) = (&ws.site, ws.files.history()) {
        ds.extend(
            crate::site::freshness::check(history, &site.library, &site.config.languages)
                .diagnostics,
        );
    }
    ds
}

/// Static files by served path → their path in the source (later
/// folders win, as in `site::write_with`).
fn list_statics(site: &Site, files: &Files) -> BTreeMap<String, PathBuf> {
    let mut statics = BTreeMap::new();
    for dir in &site.theme.static_dirs {
        let (found, _) = files.walk(dir, Hidden::Keep);
        for (path, kind) in found {
            if kind != Kind::File {
                continue;
            }
            let rel = path.strip_prefix(dir).unwrap_or(&path);
            statics.insert(served_path(rel), path);
        }
    }
    statics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_outputs_come_back_whole_and_smaller() {
        let page = "<li><a href=\"/fr/\">Accueil</a></li>\n".repeat(200);
        let s = Stored::new(page.as_bytes());
        assert_eq!(s.bytes(), page.as_bytes());
        assert!(s.0.len() * 4 < page.len());
        assert_eq!(Stored::new(b"").bytes(), b"");
    }

    #[test]
    fn static_keys_use_slashes() {
        assert_eq!(served_path(Path::new("img/a.png")), "img/a.png");
    }

    #[test]
    fn language_from_the_first_segment() {
        let s = Snapshot {
            languages: vec![Lang::Fr, Lang::En],
            ..Snapshot::default()
        };
        assert_eq!(s.lang_of("/en/faq/"), Lang::En);
        assert_eq!(s.lang_of("/fr/"), Lang::Fr);
        assert_eq!(s.lang_of("/sitemap.xml"), Lang::Fr);
        assert_eq!(s.lang_of("/english/"), Lang::Fr);
    }
}

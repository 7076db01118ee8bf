//! The workspace: the whole repository — configuration, theme, content,
//! calendar, programmes and records — loaded once from a
//! [`Source`](crate::core::source::Source), with every problem found on the
//! way. `build`, `check`, `check --pr`, `translations` and `new` all start
//! here, and so will `serve` (an overlay of the editor's buffers over the
//! disk) and `report`.
//!
//! This is the one layer that knows both the site and the records: it
//! reads nothing itself (the [`Files`] edge does), it only decides what to
//! load, in which order and in parallel, and hands the loaded model to the
//! pure checks and renderers below it.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use jiff::civil::Date;

use crate::calendar::Calendar;
use crate::core::diagnostic::{Diagnostic, Diagnostics, Position, SourceText};
use crate::core::layout::{CONFIG_FILE, OUTPUT_DIR};
use crate::core::source::{Disk, DiskText, Files, Kind};
use crate::core::trace::{Digest, Query, Recording, Trace};
use crate::records::check::{Input, Report, Scope};
use crate::records::portfolio::{self, Record};
use crate::records::programme::Programmes;
use crate::site::config::Config;
use crate::site::content::{read_page, Library, Parsed};
use crate::site::incremental::{self, Shape};
use crate::site::manifest::{Key, Vouch};
use crate::site::output::Written;
use crate::site::page_cache::PageCache;
use crate::site::render::Output;
use crate::site::theme::Theme;
use crate::site::{BuildOptions, BuildReport, Site, Stems};

/// Where each content page comes from: (the files read through, file,
/// key, language, kind) → the page and what parsing it found.
pub type PageSource<'a> = dyn Fn(&Files, PathBuf, String, crate::core::lang::Lang, crate::site::page::PageKind) -> Parsed
    + Sync
    + 'a;

/// How much of the site a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SitePart {
    None,
    /// Configuration and content, not the theme (`engage translations`).
    Content,
    /// Configuration, theme and content: a [`Site`] ready to render.
    Full,
}

/// Which parts of the repository a command needs. The programmes and the
/// calendar are always loaded: both the site and the records need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub site: SitePart,
    /// Every record of data/portfolios.
    pub records: bool,
}

impl Parts {
    pub const SITE: Parts = Parts {
        site: SitePart::Full,
        records: false,
    };
    pub const CONTENT: Parts = Parts {
        site: SitePart::Content,
        records: false,
    };
    pub const RECORDS: Parts = Parts {
        site: SitePart::None,
        records: true,
    };
    pub const ALL: Parts = Parts {
        site: SitePart::Full,
        records: true,
    };
    /// Programmes and calendar only (`engage new`).
    pub const DATA: Parts = Parts {
        site: SitePart::None,
        records: false,
    };
}

/// Problems found while loading, by part, so that each command reports
/// those of the parts it answers for.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    /// data/site.yml, the theme and content/.
    pub site: Diagnostics,
    /// Programme and calendar files.
    pub data: Diagnostics,
    /// data/portfolios: stray files, unreadable records.
    pub records: Diagnostics,
}

/// The repository, loaded.
#[derive(Debug)]
pub struct Workspace {
    /// Where everything was read from, and the text of what was read.
    pub files: Files,
    /// The day calendars and records are judged on.
    pub today: Date,
    pub programmes: Arc<Programmes>,
    pub calendar: Arc<Calendar>,
    /// The site, when asked for and loadable (configuration and theme
    /// readable).
    pub site: Option<Site>,
    /// Configuration and content without a theme, for [`SitePart::Content`].
    pub content: Option<(Config, Library)>,
    /// Every record folder of data/portfolios, sorted.
    pub record_dirs: Vec<PathBuf>,
    /// The records that could be read far enough to be checked.
    pub records: Vec<Record>,
    pub problems: Problems,
}

/// Today in Brussels, the programmes' time zone.
pub fn today() -> Date {
    jiff::Zoned::now()
        .with_time_zone(
            jiff::tz::TimeZone::get(crate::calendar::DEFAULT_TZ).unwrap_or(jiff::tz::TimeZone::UTC),
        )
        .date()
}

impl Workspace {
    /// Loads what a check of `scope` on `today` needs: the records always,
    /// the site too for the whole repository when there is one (a
    /// repository of records only has no data/site.yml).
    pub fn for_check(files: Files, scope: &Scope, today: Date) -> Workspace {
        let site = if *scope == Scope::All && Workspace::has_site(&files) {
            SitePart::Full
        } else {
            SitePart::None
        };
        let options = BuildOptions {
            today: Some(today),
            ..BuildOptions::default()
        };
        Workspace::load(
            files,
            Parts {
                site,
                records: true,
            },
            &options,
        )
    }

    /// Loads `parts` of the repository from `files`. Never fails: what
    /// could not be loaded is missing from the model and said in
    /// [`Workspace::problems`].
    pub fn load(files: Files, parts: Parts, options: &BuildOptions) -> Workspace {
        Workspace::load_with(files, parts, options, None)
    }

    /// [`Workspace::load`], each content page got from `pages` when given
    /// (see [`Library::load_with`]): a build over its previous output
    /// takes the pages that did not change from its cache.
    pub fn load_with(
        files: Files,
        parts: Parts,
        options: &BuildOptions,
        pages: Option<&PageSource<'_>>,
    ) -> Workspace {
        let today = options.today.unwrap_or_else(today);
        let mut problems = Problems::default();
        let config = if parts.site != SitePart::None {
            match Config::load(&files) {
                Ok(mut c) => {
                    if let Some(url) = &options.base_url {
                        if let Err(msg) = c.set_base_url(url) {
                            problems.site.push(Diagnostic::error(
                                crate::site::config::BASE_URL,
                                "--base-url",
                                Position::new(0, 0),
                                msg,
                            ));
                        }
                    }
                    Some(c)
                }
                Err(ds) => {
                    problems.site.extend(ds);
                    None
                }
            }
        } else {
            None
        };
        let (programmes, ds) = Programmes::load(&files);
        problems.data.extend(ds);
        let ids = programmes.known_ids();
        let files_ref = &files;
        let programmes_ref = &programmes;
        let ((site_parts, (calendar, cal_ds)), records) = rayon::join(
            || {
                rayon::join(
                    || {
                        config.map(|config| {
                            let (theme, library) = rayon::join(
                                || {
                                    (parts.site == SitePart::Full).then(|| {
                                        Theme::load(
                                            files_ref,
                                            &config.theme,
                                            config.theme_at,
                                            &config.languages,
                                        )
                                    })
                                },
                                || {
                                    let loaded = match pages {
                                        Some(pages) => Library::load_with(
                                            files_ref,
                                            &config.languages,
                                            options.drafts,
                                            pages,
                                        ),
                                        None => Library::load(
                                            files_ref,
                                            &config.languages,
                                            options.drafts,
                                        ),
                                    };
                                    // When each page last changed, for freshness
                                    // and "last updated": the git walk needs only
                                    // the pages, so it runs while the theme's
                                    // templates are still being parsed.
                                    let history = match files_ref.history() {
                                        Some(root) if parts.site == SitePart::Full => {
                                            Some(crate::site::freshness::times(root, &loaded.0))
                                        }
                                        _ => None,
                                    };
                                    (loaded, history)
                                },
                            );
                            (config, theme, library)
                        })
                    },
                    || Calendar::load(files_ref, &ids),
                )
            },
            || {
                parts.records.then(|| {
                    let (dirs, mut ds) = portfolio::discover(files_ref);
                    let (records, rds) = portfolio::load_all(files_ref, &dirs, programmes_ref);
                    ds.extend(rds);
                    (dirs, records, ds)
                })
            },
        );
        problems.data.extend(cal_ds);
        let (record_dirs, records) = match records {
            Some((dirs, records, ds)) => {
                problems.records.extend(ds);
                (dirs, records)
            }
            None => (Vec::new(), Vec::new()),
        };
        let programmes = Arc::new(programmes);
        let calendar = Arc::new(calendar);
        let mut content = None;
        let site = site_parts.and_then(|(config, theme, ((library, lib_ds), history))| {
            problems.site.extend(lib_ds);
            match theme {
                None => {
                    content = Some((config, library));
                    None
                }
                Some(Ok(theme)) => {
                    let mut site = Site::assemble(
                        files.history().map(Path::to_path_buf).unwrap_or_default(),
                        config,
                        theme,
                        library,
                        calendar.clone(),
                        programmes.clone(),
                        today,
                    );
                    if let Some(history) = history {
                        site.history = history;
                    }
                    Some(site)
                }
                Some(Err(ds)) => {
                    problems.site.extend(ds);
                    None
                }
            }
        });
        Workspace {
            files,
            today,
            programmes,
            calendar,
            site,
            content,
            record_dirs,
            records,
            problems,
        }
    }

    /// Whether the repository has a site (data/site.yml), rather than
    /// records only.
    pub fn has_site(files: &Files) -> bool {
        files.kind(Path::new(CONFIG_FILE)) == Some(Kind::File)
    }

    /// Everything wrong with the site short of rendering: loading problems
    /// of configuration, theme, content, programmes and calendar, then
    /// cross-file validation and translation freshness from git history.
    /// What `engage build` refuses to publish and `engage check` reports.
    pub fn site_diagnostics(&self) -> Diagnostics {
        let mut ds = self.problems.data.clone();
        ds.extend(self.site_only_diagnostics());
        ds
    }

    /// [`Workspace::site_diagnostics`] but those of programmes and
    /// calendar, which a check of records reports already.
    fn site_only_diagnostics(&self) -> Diagnostics {
        let mut ds = self.problems.site.clone();
        if let Some(site) = &self.site {
            // Both go over every output path; neither needs the other.
            let (validated, statics) = rayon::join(
                || site.validate(&self.files),
                || site.check_static(&self.files),
            );
            ds.extend(validated);
            ds.extend(statics);
            if self.files.history().is_some() {
                ds.extend(
                    crate::site::freshness::assess(
                        &site.library,
                        &site.config.languages,
                        &site.history,
                    )
                    .diagnostics,
                );
            }
        }
        ds
    }

    /// Checks the records `scope` covers (the workspace must hold them),
    /// and for [`Scope::All`] the site too, when there is one.
    pub fn check(&self, scope: &Scope) -> Report {
        let input = Input {
            programmes: &self.programmes,
            calendar: &self.calendar,
            dirs: &self.record_dirs,
            records: &self.records,
            data: &self.problems.data,
            loading: &self.problems.records,
        };
        let mut report = crate::records::check::check(input, scope, self.today);
        if *scope == Scope::All {
            report.diagnostics.extend(self.site_only_diagnostics());
            report.diagnostics.sort();
        }
        report
    }

    /// Builds the site into `options.output` (public/ under the root by
    /// default): validate, then render everything in parallel into a
    /// staging folder and swap it in. On any error the previous output is
    /// left untouched. `started` is when the command began, loading
    /// included, for the time it reports.
    pub fn build(&self, root: &Path, options: &BuildOptions, started: Instant) -> BuildReport {
        self.build_vouched(
            root,
            options,
            started,
            &Stems::new(),
            || (),
            |_, _, ()| None,
        )
    }

    /// [`Workspace::build`], with what the output's manifest may vouch for,
    /// asked once everything was read: the diagnostics and page count go in
    /// it, to be shown again by a build that reuses the output. `beside`
    /// runs while the site renders, when it is written at all, and its
    /// result goes to `vouch`.
    fn build_vouched<T: Send>(
        &self,
        root: &Path,
        options: &BuildOptions,
        started: Instant,
        stems: &Stems,
        beside: impl FnOnce() -> T + Send,
        vouch: impl FnOnce(&Diagnostics, usize, T) -> Option<Vouch>,
    ) -> BuildReport {
        let output = output_of(root, options);
        let mut ds = self.site_diagnostics();
        ds.sort();
        let mut written = None;
        let pages = self.site.as_ref().map_or(0, |s| s.library.pages.len());
        if let Some(site) = &self.site {
            if !ds.has_errors() {
                let vouch = |aside| vouch(&ds, pages, aside);
                match crate::site::write_with(site, &self.files, &output, stems, beside, vouch) {
                    Ok(w) => written = Some(w),
                    Err(errors) => ds.extend(errors),
                }
            }
        }
        ds.sort();
        BuildReport {
            diagnostics: ds,
            written,
            unchanged: false,
            reached: None,
            pages,
            elapsed: started.elapsed(),
            output,
        }
    }
}

/// The output folder of a build.
fn output_of(root: &Path, options: &BuildOptions) -> PathBuf {
    options
        .output
        .clone()
        .unwrap_or_else(|| root.join(OUTPUT_DIR))
}

/// Everything but the input files that decides what a build of `root`
/// writes, or `None` when some of it cannot be known (then nothing is
/// vouched for, nor reused).
fn build_key(root: &Path, options: &BuildOptions, today: Date) -> Option<Key> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let (modified, inode) = crate::site::manifest::stamp_of(&meta);
    let history = match crate::core::git::Repo::open(root) {
        Ok(repo) => Some(repo.head().ok()?.to_string()),
        Err(_) => None,
    };
    Some(Key {
        engine: format!(
            "{} {} {} {modified} {inode}",
            env!("CARGO_PKG_VERSION"),
            exe.display(),
            meta.len()
        ),
        root: std::fs::canonicalize(root).ok()?,
        drafts: options.drafts,
        base_url: options.base_url.clone(),
        today: today.to_string(),
        history,
    })
}

/// What `engage build` shows diagnostics from: the files it read, or the
/// disk when it read nothing (its output was kept).
pub type Texts = Box<dyn SourceText>;

/// Builds the site under `root` from disk, as `engage build` does. When
/// the output's manifest vouches that the last build had the same engine,
/// options, day and history, that every file it read still reads the
/// same, and that the output is exactly as it was written, nothing is
/// loaded nor written: the output is kept and its warnings shown again.
/// Otherwise the site is loaded and built, its reads recorded for the
/// next build.
pub fn build_from_disk(
    root: &Path,
    options: &BuildOptions,
    started: Instant,
) -> (BuildReport, Texts) {
    build_from_disk_then(root, options, started, drop)
}

/// [`build_from_disk`], the loaded site handed to `dispose` once written:
/// a command about to exit passes [`std::mem::forget`], and the system
/// takes back its memory at once instead of ten thousand pages being freed
/// one allocation at a time.
pub fn build_from_disk_then(
    root: &Path,
    options: &BuildOptions,
    started: Instant,
    dispose: impl FnOnce(Option<Site>),
) -> (BuildReport, Texts) {
    let today = options.today.unwrap_or_else(today);
    let output = output_of(root, options);
    // Taken before anything is read: what changes during the build is
    // then seen as a change by the next one.
    let key = build_key(root, options, today);
    let options = BuildOptions {
        today: Some(today),
        ..options.clone()
    };
    let target = crate::site::output::check_target(root, &output).ok();
    if let (Some(key), Some(target)) = (&key, &target) {
        let disk = Disk::new(root);
        // The inputs are asked once: what changed is kept for the build
        // over the previous output when something did.
        let seen = std::cell::RefCell::new(None);
        let kept = crate::site::output::unchanged(target, key, |trace| {
            let changes = trace.changes(&disk);
            let same = changes.is_empty();
            *seen.borrow_mut() = Some((trace.clone(), changes));
            same
        });
        if let Some((vouch, files)) = kept {
            let report = BuildReport {
                diagnostics: vouch.diagnostics(),
                written: Some(Written {
                    files,
                    kept: files,
                    removed: 0,
                }),
                unchanged: true,
                reached: None,
                pages: vouch.pages,
                elapsed: started.elapsed(),
                output,
            };
            return (report, Box::new(DiskText(root.to_path_buf())));
        }
        if let Some((checked, changes)) = seen.into_inner() {
            let over = Over {
                root,
                target,
                output: &output,
                key,
                checked: &checked,
                changes: &changes,
            };
            if let Some(done) = over.build(&options, started) {
                return done;
            }
        }
    }
    let recording = Arc::new(Recording::new(Disk::new(root)));
    let parsed = Mutex::new(HashMap::new());
    let loader = |files: &Files, file: PathBuf, key, lang, kind| {
        noted(&parsed, read_page(files, file, key, lang, kind))
    };
    let ws = Workspace::load_with(
        Files::shared(recording.clone()),
        Parts::SITE,
        &options,
        Some(&loader),
    );
    let stems = ws
        .site
        .as_ref()
        .map(|site| crate::site::stems_of(site, |_| None))
        .unwrap_or_default();
    // The page cache needs only what loading read: it is written while
    // the site renders, and put in place once the build succeeded.
    let cache = || {
        let trace = recording.trace()?;
        match (&ws.site, &target, parsed.lock()) {
            (Some(site), Some(target), Ok(parsed)) => {
                PageCache::stage(site, &trace, &parsed, &stems, target).ok()
            }
            _ => None,
        }
    };
    let report = ws.build_vouched(
        root,
        &options,
        started,
        &stems,
        cache,
        |ds, pages, cache| {
            let trace = recording.trace()?;
            let cache = cache.zip(target.as_ref()).and_then(|(c, t)| c.keep(t).ok());
            Some(Vouch::new(key?, trace, ds, pages).with_cache(cache))
        },
    );
    let Workspace { files, site, .. } = ws;
    dispose(site);
    (report, Box::new(files))
}

/// Notes what parsing `file` found, for the page cache, and passes the
/// page on.
fn noted(parsed: &Mutex<HashMap<PathBuf, Vec<Diagnostic>>>, page: Parsed) -> Parsed {
    if let (Some(p), false) = (&page.0, page.1.is_empty()) {
        if let Ok(mut parsed) = parsed.lock() {
            parsed.insert(p.file.clone(), page.1.clone());
        }
    }
    page
}

/// A build over the previous output after some inputs changed: what the
/// output's manifest vouched for (`checked`) and what now answers
/// otherwise (`changes`).
struct Over<'a> {
    root: &'a Path,
    /// The output folder, resolved.
    target: &'a Path,
    /// The output folder as asked for, for the report.
    output: &'a Path,
    key: &'a Key,
    checked: &'a Trace,
    changes: &'a [(Query, Digest)],
}

impl Over<'_> {
    /// Loads the pages that changed and takes the others from the page
    /// cache, checks the whole site as a full build does, renders what
    /// the changed inputs reach ([`Site::reached`]) and rewrites, in place,
    /// the files whose bytes changed; every other file of the output is
    /// kept as it is. `None` at the first doubt (a file created or
    /// removed, another shape of site, configuration or theme changed, no
    /// cache vouched for): then a full build does it.
    fn build(&self, options: &BuildOptions, started: Instant) -> Option<(BuildReport, Texts)> {
        use crate::site::manifest::Manifest;
        use crate::site::output::{lock_folder, parent_of, MARKER};
        // A listing or kind that changed is a file created, removed or
        // replaced by a folder: the site's shape may change. A size goes
        // with the file's new bytes.
        let read: BTreeSet<&Path> = self
            .changes
            .iter()
            .filter_map(|(q, _)| match q {
                Query::Read(p) => Some(p.as_path()),
                _ => None,
            })
            .collect();
        let edits_only = self.changes.iter().all(|(q, _)| match q {
            Query::Read(_) => true,
            Query::Size(p) => read.contains(p.as_path()),
            _ => false,
        });
        if !edits_only {
            return None;
        }
        let target = self.target;
        let _lock = lock_folder(&parent_of(target)).ok()?;
        if !std::fs::symlink_metadata(target.join(MARKER)).is_ok_and(|m| m.is_file()) {
            return None;
        }
        let previous = Manifest::read(target)?;
        let vouch = previous.vouch_for(self.key)?;
        // Another build may have replaced the output since it was checked.
        if vouch.inputs != *self.checked || !previous.holds(target, &[MARKER]) {
            return None;
        }
        let cache = PageCache::read(target, vouch)?;
        let next = self.checked.updated(self.changes);
        let recording = Arc::new(Recording::seeded(Disk::new(self.root), &next));
        let parsed = Mutex::new(HashMap::new());
        let digest_of = |file: &Path| next.answer(&Query::Read(file.to_path_buf()));
        let loader = |files: &Files, file: PathBuf, key, lang, kind| {
            // An FAQ's outline and checks read its answers: parsed.
            let summary = digest_of(&file)
                .and_then(|d| cache.summary(&file, d))
                .filter(|(p, _)| p.as_ref().is_some_and(|p| !crate::site::faq::is_faq(p)));
            noted(
                &parsed,
                summary.unwrap_or_else(|| read_page(files, file, key, lang, kind)),
            )
        };
        let mut ws = Workspace::load_with(
            Files::shared(recording.clone()),
            Parts::SITE,
            options,
            Some(&loader),
        );
        let theme = ws.site.as_ref()?.config.theme.clone();
        let mut inputs = BTreeSet::new();
        for file in &read {
            inputs.insert(incremental::Input::of(file, &theme)?);
        }
        if inputs.contains(&incremental::Input::Everything)
            || Shape::of(ws.site.as_ref()?) != cache.shape
        {
            return None;
        }
        let mut ds = ws.site_diagnostics();
        ds.sort();
        let mut site = ws.site.take()?;
        let pages = site.library.pages.len();
        let report = |diagnostics: Diagnostics, written: Option<Written>, reached| {
            let texts: Texts = Box::new(DiskText(self.root.to_path_buf()));
            let report = BuildReport {
                diagnostics,
                written,
                unchanged: false,
                reached,
                pages,
                elapsed: started.elapsed(),
                output: self.output.to_path_buf(),
            };
            Some((report, texts))
        };
        if ds.has_errors() {
            return report(ds, None, None);
        }
        let affected = site.reached(&inputs, |file| cache.previous(file));
        let outputs: Vec<Output> = site
            .outputs()
            .into_iter()
            .filter(|o| affected.contains(&site.path(o)))
            .collect();
        let cached_stems = |site: &Site, id: usize| {
            let p = &site.library.pages[id];
            if !p.is_summary() {
                return None;
            }
            cache
                .stems(&p.file, digest_of(&p.file)?)
                .cloned()
                .map(Arc::new)
        };
        let bodies = site.bodies_for(&outputs, |id| cached_stems(&site, id).is_some());
        if !site.hydrate(&ws.files, &bodies) {
            return None;
        }
        let stems = crate::site::stems_of(&site, |id| cached_stems(&site, id));
        let updated = match crate::site::update(&site, target, &outputs, &previous, &stems)? {
            Ok(u) => u,
            Err(errors) => {
                ds.extend(errors);
                ds.sort();
                return report(ds, None, None);
            }
        };
        let written = Written {
            files: updated.files.len(),
            kept: updated.files.len() - updated.rewritten,
            removed: 0,
        };
        let vouch = recording.trace().map(|trace| {
            let cache = parsed
                .lock()
                .ok()
                .and_then(|parsed| PageCache::stage(&site, &trace, &parsed, &stems, target).ok())
                .and_then(|staged| staged.keep(target).ok());
            Vouch::new(self.key.clone(), trace, &ds, pages).with_cache(cache)
        });
        let manifest = Manifest::new(vouch, updated.files, updated.dirs);
        if let Err(e) = manifest.replace(target) {
            ds.push(crate::site::io_error(target, e));
            return report(ds, None, None);
        }
        report(ds, Some(written), Some(outputs.len()))
    }
}

/// Loads the site under `root` from disk and builds it, as `engage build`
/// does, for callers that only want the outcome (tests, benchmarks).
pub fn build(root: &Path, options: &BuildOptions) -> BuildReport {
    build_from_disk(root, options, Instant::now()).0
}

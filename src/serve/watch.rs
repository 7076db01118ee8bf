//! Watching the files the site is made of, and deciding what a batch of
//! changed paths asks for: a rebuild, a stylesheet swap, a reload, or a
//! record's check. The decision is a pure function of the paths
//! ([`classify`]); the watcher only feeds it.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use crate::core::layout::{
    CONTENT_DIR, PORTFOLIOS_DIR, SITE_STATIC, SITE_TEMPLATES, THEMES_DIR, THEME_STATIC,
};

/// The top-level folders whose files make the site (data/ holds the
/// configuration, calendar, programmes and records). Nothing else is
/// watched: not public/, target/ or .git/, whose changes are not inputs
/// and whose size would only cost watches.
pub const WATCHED: [&str; 5] = [CONTENT_DIR, "data", SITE_TEMPLATES, SITE_STATIC, THEMES_DIR];

/// How long the debouncer waits for a burst of events to end. Short: an
/// editor's atomic save (write a temporary file, rename it over the page)
/// takes well under a millisecond, and the author is waiting.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// What a batch of changes asks of the preview.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Content, configuration, calendar, programmes or templates changed:
    /// the site is loaded and rendered again.
    pub rebuild: bool,
    /// Stylesheets changed: swapped in the open pages without a reload.
    pub css: bool,
    /// Other static files changed: served from disk, pages reload.
    pub statics: bool,
    /// Record folders (handles) whose files changed.
    pub records: BTreeSet<String>,
    /// Programmes or calendar changed: every record's check may change.
    pub all_records: bool,
    /// A watched top-level folder itself appeared or went away: watch again.
    pub rewatch: bool,
    /// The changed files that ask for a rebuild, relative to the root:
    /// what the site's dependency graph is asked about.
    pub inputs: BTreeSet<PathBuf>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

/// Files editors write beside the one being edited and remove again: swap
/// files, lock links, backups, vim's write test. They are never inputs
/// (loaders skip hidden files), so they never cause a rebuild.
fn is_editor_scratch(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// What the changed `paths` (absolute, or relative to `root`) ask for.
pub fn classify(root: &Path, paths: impl IntoIterator<Item = PathBuf>) -> Changes {
    let mut c = Changes::default();
    for path in paths {
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let parts: Vec<String> = rel
            .components()
            .filter_map(|p| match p {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let Some(name) = parts.last() else { continue };
        if is_editor_scratch(name) {
            continue;
        }
        let top = parts[0].as_str();
        if !WATCHED.contains(&top) {
            continue;
        }
        if parts.len() == 1 {
            c.rewatch = true;
            c.rebuild = true;
            c.inputs.insert(PathBuf::from(top));
            c.all_records = true;
            continue;
        }
        let is_static = (top == SITE_STATIC)
            || (top == THEMES_DIR && parts.len() > 3 && parts[2] == THEME_STATIC);
        let rel_str = parts.join("/");
        if let Some(rest) = rel_str.strip_prefix(&format!("{PORTFOLIOS_DIR}/")) {
            if let Some(handle) = rest.split('/').next() {
                c.records.insert(handle.to_string());
            }
        } else if is_static {
            if name.ends_with(".css") {
                c.css = true;
            } else {
                c.statics = true;
            }
        } else {
            c.rebuild = true;
            c.inputs.insert(PathBuf::from(&rel_str));
            if top == "data" {
                c.all_records = true;
            }
        }
    }
    c
}

/// A debounced watcher of the [`WATCHED`] folders under `root` (and of
/// `root` itself, not recursively, to see those folders appear), sending
/// each batch of changed paths to `tx`.
pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
}

impl Watcher {
    pub fn start(root: &Path, tx: Sender<Vec<PathBuf>>) -> notify::Result<Watcher> {
        let debouncer = new_debouncer(DEBOUNCE, None, move |res: DebounceEventResult| {
            // Errors of the watcher (a folder gone under it) are followed by
            // events for the paths concerned; a failed send means the
            // preview is stopping.
            if let Ok(events) = res {
                // Reads are reported too (inotify's open and close): the
                // rebuild's own reads must not trigger the next rebuild.
                let paths: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    .collect();
                if !paths.is_empty() {
                    let _ = tx.send(paths);
                }
            }
        })?;
        let mut w = Watcher {
            debouncer,
            root: root.to_path_buf(),
        };
        w.debouncer.watch(root, RecursiveMode::NonRecursive)?;
        w.rewatch();
        Ok(w)
    }

    /// (Re)watches every watched folder that exists: one created after the
    /// start, or deleted and created again (its old watch died with it).
    pub fn rewatch(&mut self) {
        for dir in WATCHED {
            let path = self.root.join(dir);
            if path.is_dir() {
                // Already watched folders are watched again harmlessly.
                let _ = self.debouncer.watch(&path, RecursiveMode::Recursive);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(paths: &[&str]) -> Changes {
        classify(
            Path::new("/site"),
            paths.iter().map(|p| Path::new("/site").join(p)),
        )
    }

    #[test]
    fn content_and_templates_rebuild() {
        let page = of(&["content/faq.fr.md"]);
        assert!(page.rebuild);
        assert_eq!(
            page.inputs.into_iter().collect::<Vec<_>>(),
            [PathBuf::from("content/faq.fr.md")]
        );
        assert!(of(&["templates/page.html"]).rebuild);
        assert!(of(&["themes/default/templates/base.html"]).rebuild);
        assert!(of(&["themes/default/i18n.yml"]).rebuild);
        let data = of(&["data/calendar/2026.yml"]);
        assert!(data.rebuild && data.all_records);
    }

    #[test]
    fn stylesheets_alone_are_swapped() {
        let css = of(&["themes/default/static/style.css", "static/extra.css"]);
        assert!(css.css && !css.rebuild && !css.statics);
        assert!(of(&["static/logo.png"]).statics);
        let both = of(&["static/a.css", "content/a.fr.md"]);
        assert!(both.css && both.rebuild);
    }

    #[test]
    fn records_are_their_own_change() {
        let r = of(&[
            "data/portfolios/alice/portfolio.yml",
            "data/portfolios/bob/x.pdf",
        ]);
        assert_eq!(r.records.iter().collect::<Vec<_>>(), ["alice", "bob"]);
        assert!(!r.rebuild, "a record is not part of the public site");
    }

    #[test]
    fn editor_scratch_and_outside_files_are_ignored() {
        assert!(of(&[
            "content/.faq.fr.md.swp",
            "content/faq.fr.md~",
            "content/4913"
        ])
        .is_empty());
        assert!(of(&["public/index.html", "target/debug/engage", ".git/index"]).is_empty());
    }

    #[test]
    fn an_atomic_save_rebuilds_once() {
        let c = of(&["content/.goutputstream-XYZ", "content/faq.fr.md"]);
        assert!(c.rebuild);
    }

    #[test]
    fn a_new_top_folder_is_watched() {
        let c = of(&["templates"]);
        assert!(c.rewatch && c.rebuild);
    }
}

//! The site built in memory: every output rendered into bytes, and where
//! each static file comes from. What `engage build` would write into
//! public/, held instead by the preview server, so that nothing is written
//! to disk and the last good site survives a broken save.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::core::diagnostic::{Diagnostic, Diagnostics};
use crate::core::lang::Lang;
use crate::core::source::{Disk, Files, Hidden, Kind};
use crate::site::{BuildOptions, Site};
use crate::workspace::{Parts, Workspace};

/// One good build of the site, in memory.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Rendered outputs by their path below the site (`fr/index.html`,
    /// `sitemap.xml`), as `site::write` would name the files.
    pub outputs: HashMap<String, Arc<[u8]>>,
    /// Static files by served path → their path in the source. Read when
    /// asked for, not at build time: a CSS edit then needs no rebuild.
    pub statics: BTreeMap<String, PathBuf>,
    /// The site's languages, the default first.
    pub languages: Vec<Lang>,
    pub pages: usize,
}

impl Snapshot {
    /// Renders every output of `site`, in parallel, as the build does, and
    /// lists its static files (later folders win, as in `site::write`).
    pub fn render(site: &Site, files: &Files) -> Result<Snapshot, Vec<Diagnostic>> {
        let rendered: Vec<Result<(String, Vec<u8>), Diagnostic>> =
            site.outputs().par_iter().map(|o| site.render(o)).collect();
        let mut outputs = HashMap::with_capacity(rendered.len());
        let mut errors = Vec::new();
        for r in rendered {
            match r {
                Ok((path, bytes)) => {
                    outputs.insert(path, Arc::from(bytes));
                }
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
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
        Ok(Snapshot {
            outputs,
            statics,
            languages: site.config.languages.clone(),
            pages: site.library.pages.len(),
        })
    }

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

/// The outcome of one load and render of the site.
#[derive(Debug)]
pub struct Rebuild {
    /// The new site, when it has no error.
    pub snapshot: Option<Snapshot>,
    /// Everything found, errors and warnings, sorted.
    pub diagnostics: Diagnostics,
    /// The texts that were read, for the diagnostics' source lines.
    pub files: Files,
    pub elapsed: Duration,
}

/// Loads the site under `root` from disk and renders it in memory, or says
/// why it cannot be published, as `engage build` would.
pub fn rebuild(root: &Path, options: &BuildOptions) -> Rebuild {
    let started = Instant::now();
    let ws = Workspace::load(Files::new(Disk::new(root)), Parts::SITE, options);
    let mut diagnostics = ws.site_diagnostics();
    let snapshot = match &ws.site {
        Some(site) if !diagnostics.has_errors() => match Snapshot::render(site, &ws.files) {
            Ok(s) => Some(s),
            Err(errors) => {
                diagnostics.extend(errors);
                None
            }
        },
        _ => None,
    };
    diagnostics.sort();
    Rebuild {
        snapshot,
        diagnostics,
        files: ws.files,
        elapsed: started.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

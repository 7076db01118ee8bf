//! What a build leaves beside its marker, so that the next build over the
//! same output can skip work: which inputs it read ([`Trace`]), under which
//! options and engine ([`Key`]), the warnings it showed, and a stamp of
//! every file and folder it wrote.
//!
//! The stamps serve twice. A build over an unchanged site checks that the
//! output is still exactly what was written (size, modification time and
//! inode of every file, and of every folder, whose time changes when an
//! entry is added or removed), and then writes nothing at all. A build that
//! renders compares each new file with the digest of the old one, and
//! keeps the old file (its inode and time) when the bytes are the same.
//!
//! Any doubt means a full render: no manifest, an unreadable one, another
//! format, engine or option, an input that answers differently, or an
//! output file touched since.

use std::collections::BTreeMap;
use std::fs::Metadata;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::core::diagnostic::{Diagnostic, Diagnostics, Position, RuleId, Severity, Text};
use crate::core::trace::{Digest, Trace};

/// The manifest's file, beside the marker in the output.
pub const MANIFEST: &str = ".engage-manifest.json";
/// Bumped whenever the stored form changes meaning.
const FORMAT: u32 = 1;

/// Everything besides the input files that decides what a build writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// The engine: its version and the identity of its executable, so that
    /// a rebuilt engine with the same version number renders afresh.
    pub engine: String,
    /// The site folder, links resolved.
    pub root: PathBuf,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// The day the calendar was shown from, given or not.
    pub today: String,
    /// The commit translation freshness was judged at, if any: warnings
    /// depend on it.
    pub history: Option<String>,
}

/// A file of the output as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub size: u64,
    pub modified: i128,
    pub inode: u64,
    pub digest: Digest,
}

/// A folder of the output as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirStamp {
    pub modified: i128,
    pub inode: u64,
}

/// The modification time in nanoseconds and the inode of `meta` (0 where
/// the system has none: the time alone then).
pub fn stamp_of(meta: &Metadata) -> (i128, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (
            i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            meta.ino(),
        )
    }
    #[cfg(not(unix))]
    {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        (modified, 0)
    }
}

impl FileStamp {
    /// Whether `meta` is still the file this stamp describes.
    pub fn matches(&self, meta: &Metadata) -> bool {
        let (modified, inode) = stamp_of(meta);
        meta.file_type().is_file()
            && meta.len() == self.size
            && modified == self.modified
            && inode == self.inode
    }
}

impl DirStamp {
    pub fn of(meta: &Metadata) -> DirStamp {
        let (modified, inode) = stamp_of(meta);
        DirStamp { modified, inode }
    }

    pub fn matches(&self, meta: &Metadata) -> bool {
        meta.file_type().is_dir() && DirStamp::of(meta) == *self
    }
}

/// A diagnostic as stored: the same fields, in a form serde can read back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Stored {
    file: PathBuf,
    line: u32,
    column: u32,
    len: u32,
    rule: String,
    error: bool,
    message: Text,
    hint: Option<Text>,
}

impl From<&Diagnostic> for Stored {
    fn from(d: &Diagnostic) -> Stored {
        Stored {
            file: d.file.clone(),
            line: d.position.line,
            column: d.position.column,
            len: d.position.len,
            rule: d.rule.as_str().to_string(),
            error: d.is_error(),
            message: d.message.clone(),
            hint: d.hint.as_deref().cloned(),
        }
    }
}

impl From<Stored> for Diagnostic {
    fn from(s: Stored) -> Diagnostic {
        Diagnostic {
            file: s.file,
            position: Position::new(s.line, s.column).with_len(s.len),
            rule: RuleId(s.rule.into()),
            severity: if s.error {
                Severity::Error
            } else {
                Severity::Warning
            },
            message: s.message,
            hint: s.hint.map(Box::new),
        }
    }
}

/// Why the last build's output can be taken as it is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vouch {
    pub key: Key,
    pub inputs: Trace,
    /// The diagnostics it showed (warnings only: a build with errors
    /// writes nothing), shown again.
    diagnostics: Vec<Stored>,
    pub pages: usize,
    /// The digest of the page cache written with this output (beside
    /// it, in `.engage-cache/`), which a later build may trust only
    /// when it still has these bytes.
    #[serde(default)]
    pub cache: Option<Digest>,
}

impl Vouch {
    pub fn new(key: Key, inputs: Trace, diagnostics: &Diagnostics, pages: usize) -> Vouch {
        Vouch {
            key,
            inputs,
            diagnostics: diagnostics.iter().map(Stored::from).collect(),
            pages,
            cache: None,
        }
    }

    /// This vouch, naming the page cache written beside it.
    pub fn with_cache(self, cache: Option<Digest>) -> Vouch {
        Vouch { cache, ..self }
    }

    pub fn diagnostics(&self) -> Diagnostics {
        self.diagnostics
            .iter()
            .cloned()
            .map(Diagnostic::from)
            .collect()
    }
}

/// The manifest of one output folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    format: u32,
    /// Absent when the build could not vouch for its inputs (a file
    /// changed while it was read): the stamps still spare rewriting files.
    pub vouch: Option<Vouch>,
    /// Every file written, by path relative to the output, `/`-separated.
    pub files: BTreeMap<String, FileStamp>,
    /// Every folder below the output (not the output itself).
    pub dirs: BTreeMap<String, DirStamp>,
}

impl Manifest {
    pub fn new(
        vouch: Option<Vouch>,
        files: BTreeMap<String, FileStamp>,
        dirs: BTreeMap<String, DirStamp>,
    ) -> Manifest {
        Manifest {
            format: FORMAT,
            vouch,
            files,
            dirs,
        }
    }

    /// The manifest of output folder `dir`, if it has a readable one of
    /// this format.
    pub fn read(dir: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(dir.join(MANIFEST)).ok()?;
        let m: Manifest = serde_json::from_slice(&bytes).ok()?;
        (m.format == FORMAT).then_some(m)
    }

    /// Writes the manifest into output folder `dir`.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        let mut out = BufWriter::new(std::fs::File::create(dir.join(MANIFEST))?);
        serde_json::to_writer(&mut out, self)?;
        out.flush()
    }

    /// Replaces the manifest of the live output folder `dir` in one rename:
    /// a reader (or a build killed half-way) sees the old one or the new
    /// one, never a part.
    pub fn replace(&self, dir: &Path) -> io::Result<()> {
        let tmp = dir.join(format!("{MANIFEST}.new"));
        let mut out = BufWriter::new(std::fs::File::create(&tmp)?);
        serde_json::to_writer(&mut out, self)?;
        out.flush()?;
        drop(out);
        std::fs::rename(&tmp, dir.join(MANIFEST))
    }

    /// Whether output folder `target` is still exactly what this manifest
    /// describes: every file and folder as stamped, and nothing at its top
    /// but them and the build's `own` files. Stat calls only, in parallel.
    pub fn holds(&self, target: &Path, own: &[&str]) -> bool {
        use rayon::prelude::*;
        let files_hold = self.files.par_iter().all(|(rel, stamp)| {
            std::fs::symlink_metadata(target.join(rel)).is_ok_and(|m| stamp.matches(&m))
        });
        let dirs_hold = files_hold
            && self.dirs.par_iter().all(|(rel, stamp)| {
                std::fs::symlink_metadata(target.join(rel)).is_ok_and(|m| stamp.matches(&m))
            });
        if !dirs_hold {
            return false;
        }
        // The output folder itself is not stamped (the manifest is written
        // into it last), so its entries are compared by name.
        let mut expected: std::collections::BTreeSet<&str> = own.iter().copied().collect();
        expected.insert(MANIFEST);
        for rel in self.files.keys().chain(self.dirs.keys()) {
            expected.insert(rel.split('/').next().unwrap_or(rel));
        }
        let Ok(entries) = std::fs::read_dir(target) else {
            return false;
        };
        let mut found = 0;
        for e in entries {
            let Ok(e) = e else { return false };
            if !e.file_name().to_str().is_some_and(|n| expected.contains(n)) {
                return false;
            }
            found += 1;
        }
        found == expected.len()
    }

    /// The vouch, when `key` is the same.
    pub fn vouch_for(&self, key: &Key) -> Option<&Vouch> {
        self.vouch.as_ref().filter(|v| v.key == *key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_come_back_as_they_were_stored() {
        let d = Diagnostic::warning(
            RuleId::new("content.image-alt"),
            "content/a.fr.md",
            Position::new(5, 33).with_len(4),
            Text::new("fr", "en"),
        )
        .with_hint(Text::new("indice", "hint"));
        let mut ds = Diagnostics::new();
        ds.push(d.clone());
        let key = Key {
            engine: "e".into(),
            root: PathBuf::from("/site"),
            drafts: false,
            base_url: None,
            today: "2026-06-01".into(),
            history: None,
        };
        let m = Manifest::new(
            Some(Vouch::new(key.clone(), Trace::default(), &ds, 3)),
            BTreeMap::new(),
            BTreeMap::new(),
        );
        let json = serde_json::to_string(&m).unwrap();
        let back: Manifest = serde_json::from_str(&json).unwrap();
        let vouch = back.vouch_for(&key).unwrap();
        assert_eq!(vouch.diagnostics().iter().collect::<Vec<_>>(), [&d]);
        assert_eq!(vouch.pages, 3);
        let other = Key {
            today: "2026-06-02".into(),
            ..key
        };
        assert!(back.vouch_for(&other).is_none());
    }
}

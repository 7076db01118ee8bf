//! Writing the site safely and atomically.
//!
//! Safety first: `engage build` replaces its output folder wholesale, so it
//! only ever replaces a folder it wrote itself (one carrying [`MARKER`]), an
//! empty one, or one that does not exist yet ([`check_target`]). The root,
//! its ancestors, and any folder holding content/, data/ or .git are refused
//! whatever the spelling (`.`, `..`, symbolic links, trailing slashes).
//!
//! Then atomicity: everything goes into a fresh folder beside the output,
//! which replaces the output only once the whole build succeeded. A failed or
//! interrupted build leaves the previous site exactly as it was. An advisory
//! lock on the output's parent folder serialises builds sharing it, so one
//! build never deletes the staging folder of a live one.
//!
//! Then economy: a file whose bytes did not change is hard-linked from the
//! previous output rather than written (same inode, same time, so deploys
//! skip it), and [`unchanged`] tells when the previous output can be kept
//! whole, its [`Manifest`] vouching for it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::core::diagnostic::{Diagnostic, Position, RuleId, Text};
use crate::core::trace::{Digest, Trace};
use crate::site::manifest::{stamp_of, DirStamp, FileStamp, Key, Manifest, Vouch};

/// An output folder `engage build` must not replace.
pub const OUTPUT_REFUSED: RuleId = RuleId::new("build.output-refused");

/// The file every build leaves in its output: its presence is what allows
/// the next build to replace the folder.
pub const MARKER: &str = ".engage-output";
const MARKER_TEXT: &str = "This folder is written by `engage build`, which replaces it entirely.\n\
Ce dossier est écrit par `engage build`, qui le remplace entièrement.\n";

const STAGING_PREFIX: &str = ".engage-build-";
/// The lock file beside the output (in its parent folder), where a folder
/// cannot be locked itself (Windows).
#[cfg_attr(unix, allow(dead_code))]
const LOCK_FILE: &str = ".engage.lock";

/// Folders whose presence shows a folder holds sources, not a built site.
const SOURCE_MARKERS: &[&str] = &["content", "data", ".git"];

/// Decides whether `output` may be replaced by a build of the site at
/// `root`, without writing anything. Returns the output's absolute path,
/// symbolic links of its parents resolved.
pub fn check_target(root: &Path, output: &Path) -> Result<PathBuf, Diagnostic> {
    let refuse = |fr: String, en: String, hint: Text| {
        Diagnostic::error(
            OUTPUT_REFUSED,
            output,
            Position::new(0, 0),
            Text::new(fr, en),
        )
        .with_hint(hint)
    };
    let io_refuse = |e: io::Error| {
        refuse(
            format!("dossier de sortie inutilisable : {e}"),
            format!("unusable output folder: {e}"),
            Text::new(
                "indiquez un autre dossier avec --output",
                "give another folder with --output",
            ),
        )
    };
    let root = std::fs::canonicalize(root).map_err(io_refuse)?;
    let (resolved, last_is_link) = resolve(output).map_err(io_refuse)?;
    let shown = resolved.display();
    if root.starts_with(&resolved) {
        return Err(refuse(
            format!("le dossier de sortie {shown} contient le site lui-même : le remplacer effacerait les sources"),
            format!("the output folder {shown} contains the site itself: replacing it would erase the sources"),
            Text::new(
                "indiquez un dossier à part, par exemple --output public",
                "give a separate folder, for example --output public",
            ),
        ));
    }
    if last_is_link {
        return Err(refuse(
            format!("le dossier de sortie {shown} est un lien symbolique"),
            format!("the output folder {shown} is a symbolic link"),
            Text::new(
                "indiquez le dossier réel avec --output",
                "give the real folder with --output",
            ),
        ));
    }
    let meta = match std::fs::symlink_metadata(&resolved) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(resolved),
        Err(e) => return Err(io_refuse(e)),
    };
    if !meta.is_dir() {
        return Err(refuse(
            format!("{shown} est un fichier, pas un dossier"),
            format!("{shown} is a file, not a folder"),
            Text::new(
                "indiquez un dossier avec --output",
                "give a folder with --output",
            ),
        ));
    }
    if let Some(src) = SOURCE_MARKERS
        .iter()
        .find(|n| std::fs::symlink_metadata(resolved.join(n)).is_ok())
    {
        return Err(refuse(
            format!("le dossier de sortie {shown} contient {src}/ : c’est un dossier de sources, pas un site construit"),
            format!("the output folder {shown} holds {src}/: it is a source folder, not a built site"),
            Text::new(
                "indiquez un dossier à part, par exemple --output public",
                "give a separate folder, for example --output public",
            ),
        ));
    }
    let has_marker = std::fs::symlink_metadata(resolved.join(MARKER)).is_ok_and(|m| m.is_file());
    if !has_marker {
        let mut entries = std::fs::read_dir(&resolved).map_err(io_refuse)?;
        if let Some(first) = entries.next() {
            let first = first.map_err(io_refuse)?.file_name();
            let first = first.to_string_lossy();
            return Err(refuse(
                format!("le dossier de sortie {shown} n’est pas vide ({first}…) et n’a pas été écrit par engage : il serait effacé"),
                format!("the output folder {shown} is not empty ({first}…) and was not written by engage: it would be erased"),
                Text::new(
                    format!("indiquez un dossier vide ou absent, ou videz {shown} vous-même"),
                    format!("give an empty or absent folder, or empty {shown} yourself"),
                ),
            ));
        }
    }
    Ok(resolved)
}

/// The absolute form of `path` with `.`, `..` and the symbolic links of
/// existing parents resolved, component by component (so `a/../b`, `./`,
/// trailing slashes and links all give the same answer as the kernel would).
/// The last component is not followed; the flag says whether it is a link.
fn resolve(path: &Path) -> io::Result<(PathBuf, bool)> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let components: Vec<Component> = abs.components().collect();
    let mut out = PathBuf::new();
    // While every component so far exists, `out` is canonical, so that a
    // `..` after it can be applied by popping.
    let mut exists = true;
    let mut last_is_link = false;
    for (i, c) in components.iter().enumerate() {
        let last = i + 1 == components.len();
        last_is_link = false;
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if !exists {
                    continue;
                }
                match std::fs::symlink_metadata(&out) {
                    Ok(m) if m.file_type().is_symlink() && last => last_is_link = true,
                    Ok(m) if m.file_type().is_symlink() => out = std::fs::canonicalize(&out)?,
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => exists = false,
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok((out, last_is_link))
}

/// A build folder that becomes the output on [`Staging::commit`] and
/// disappears if dropped before. Holds the lock of the output's parent
/// folder for its whole life.
///
/// A file whose bytes are those of the previous output is not written but
/// hard-linked from it: it keeps its inode and modification time, so that
/// rsync and deploys skip it, and the swap stays one atomic exchange.
pub struct Staging {
    dir: Option<tempfile::TempDir>,
    target: PathBuf,
    /// Whether there is a previous output to keep files from: a first
    /// build spares looking for each file there.
    has_previous: bool,
    /// The previous output's manifest, when it has a readable one.
    previous: Option<Manifest>,
    /// Stamps of the files staged so far.
    files: Mutex<BTreeMap<String, FileStamp>>,
    /// Folders of [`Staging::make_dirs`], all there once every file is.
    dirs: Vec<String>,
    /// Those of them that hold just one file and no folder: created by the
    /// write of that file, so that most folders are made by the workers
    /// rendering, between renders, not in a pass of their own before.
    deferred: HashSet<String>,
    kept: AtomicUsize,
    _lock: File,
}

/// What a commit did, for the build's report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Files in the output, marker and manifest aside.
    pub files: usize,
    /// Of those, kept from the previous output as they were.
    pub kept: usize,
    /// Files of the previous output that are no longer part of the site.
    pub removed: usize,
}

impl Staging {
    /// Creates the staging folder next to `target` (same file system, so the
    /// final swap is a rename, not a copy), after taking the lock of that
    /// folder: waits while another build writes there. Under the lock, any
    /// other staging folder belongs to a build that died without cleaning
    /// up, and is removed.
    pub fn new(target: &Path) -> io::Result<Staging> {
        let parent = parent_of(target);
        std::fs::create_dir_all(&parent)?;
        let lock = lock_folder(&parent)?;
        if let Ok(entries) = std::fs::read_dir(&parent) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(STAGING_PREFIX) {
                    let _ = std::fs::remove_dir_all(e.path())
                        .or_else(|_| std::fs::remove_file(e.path()));
                }
            }
        }
        let dir = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempdir_in(&parent)?;
        std::fs::write(dir.path().join(MARKER), MARKER_TEXT)?;
        Ok(Staging {
            dir: Some(dir),
            target: target.to_path_buf(),
            has_previous: target.is_dir(),
            previous: Manifest::read(target),
            files: Mutex::new(BTreeMap::new()),
            dirs: Vec::new(),
            deferred: HashSet::new(),
            kept: AtomicUsize::new(0),
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.as_ref().map(|d| d.path()).unwrap_or(&self.target)
    }

    /// Creates, once each, every folder the files at `paths` need, parents
    /// before children and each level in parallel: cheaper than asking for
    /// a file's folders before each file. A folder that will hold one file
    /// and nothing else is left to that file's [`Staging::write`].
    pub fn make_dirs<'a>(&mut self, paths: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
        let mut dirs: BTreeSet<&str> = BTreeSet::new();
        // Files directly in each folder, and the folders that hold one.
        let mut files_in: HashMap<&str, usize> = HashMap::new();
        let mut holds_dirs: HashSet<&str> = HashSet::new();
        for p in paths {
            let mut p = p.trim_start_matches('/');
            if let Some((dir, _)) = p.rsplit_once('/') {
                *files_in.entry(dir).or_default() += 1;
            }
            while let Some(i) = p.rfind('/') {
                p = &p[..i];
                if p.is_empty() || !dirs.insert(p) {
                    break;
                }
                if let Some((parent, _)) = p.rsplit_once('/') {
                    holds_dirs.insert(parent);
                }
            }
        }
        let deferred: HashSet<&str> = dirs
            .iter()
            .copied()
            .filter(|d| !holds_dirs.contains(d) && files_in.get(d) == Some(&1))
            .collect();
        let mut levels: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for d in dirs.iter().filter(|d| !deferred.contains(*d)) {
            levels.entry(d.matches('/').count()).or_default().push(d);
        }
        let base = self.path().to_path_buf();
        for level in levels.values() {
            level
                .par_iter()
                .try_for_each(|d| std::fs::create_dir(base.join(d)))?;
        }
        self.deferred = deferred.into_iter().map(str::to_string).collect();
        self.dirs = dirs.into_iter().map(str::to_string).collect();
        Ok(())
    }

    /// Puts `bytes` at `rel` inside the staging folder, whose folder must
    /// exist ([`Staging::make_dirs`]): linked from the previous output when
    /// the bytes are the same, written otherwise.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let rel = rel.trim_start_matches('/');
        let path = self.path().join(rel);
        if let Some((dir, _)) = rel.rsplit_once('/') {
            if self.deferred.contains(dir) {
                std::fs::create_dir(self.path().join(dir))?;
            }
        }
        let digest = Digest::of(bytes);
        if let Some(stamp) = self.reuse(rel, bytes, &digest) {
            if std::fs::hard_link(self.target.join(rel), &path).is_ok() {
                self.kept.fetch_add(1, Ordering::Relaxed);
                self.note(rel, stamp);
                return Ok(());
            }
            // No hard links here (some file systems): written instead.
        }
        let mut file = File::create(&path)?;
        file.write_all(bytes)?;
        let meta = file.metadata()?;
        let (modified, inode) = stamp_of(&meta);
        self.note(
            rel,
            FileStamp {
                size: meta.len(),
                modified,
                inode,
                digest,
            },
        );
        Ok(())
    }

    fn note(&self, rel: &str, stamp: FileStamp) {
        if let Ok(mut files) = self.files.lock() {
            files.insert(rel.to_string(), stamp);
        }
    }

    /// The stamp of the previous output's file at `rel` when it holds
    /// `bytes`: known from its digest while the file is as the previous
    /// build left it, read and compared otherwise.
    fn reuse(&self, rel: &str, bytes: &[u8], digest: &Digest) -> Option<FileStamp> {
        if !self.has_previous {
            return None;
        }
        let old = self.target.join(rel);
        let meta = std::fs::symlink_metadata(&old).ok()?;
        if !meta.file_type().is_file() || meta.len() != bytes.len() as u64 {
            return None;
        }
        let known = self
            .previous
            .as_ref()
            .and_then(|m| m.files.get(rel))
            .filter(|s| s.matches(&meta));
        let same = match known {
            Some(stamp) => stamp.digest == *digest,
            None => std::fs::read(&old).ok()? == bytes,
        };
        let (modified, inode) = stamp_of(&meta);
        same.then(|| FileStamp {
            size: meta.len(),
            modified,
            inode,
            digest: digest.clone(),
        })
    }

    /// Puts the staged site in place of the target, with its manifest
    /// (`vouch` for its inputs when the build can give one).
    pub fn commit(mut self, vouch: Option<Vouch>) -> io::Result<Written> {
        let Some(dir) = self.dir.take() else {
            return Ok(Written::default());
        };
        let files = std::mem::take(
            &mut *self
                .files
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?,
        );
        // Stamped once every file is in: a folder's time moves with its
        // entries.
        let dirs = self
            .dirs
            .par_iter()
            .map(|d| {
                let meta = std::fs::symlink_metadata(dir.path().join(d))?;
                Ok((d.clone(), DirStamp::of(&meta)))
            })
            .collect::<io::Result<BTreeMap<_, _>>>()?;
        let removed = self.previous.as_ref().map_or(0, |m| {
            m.files.keys().filter(|k| !files.contains_key(*k)).count()
        });
        let written = Written {
            files: files.len(),
            kept: self.kept.load(Ordering::Relaxed),
            removed,
        };
        Manifest::new(vouch, files, dirs).write(dir.path())?;
        let staged = dir.keep();
        if self.target.exists() {
            swap(&staged, &self.target)?;
            // `staged` now holds the previous site.
            remove_tree(&staged)?;
        } else {
            std::fs::rename(&staged, &self.target)?;
        }
        Ok(written)
    }
}

/// A temporary file beside `target`, named as its staging folders are: a
/// build that dies leaves it to the next one to remove.
pub(crate) fn staged_file(target: &Path) -> io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempfile_in(parent_of(target))
}

/// The folder `target` is in, where staging folders and the lock live.
pub(crate) fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Removes a folder, its top-level entries in parallel: the previous site
/// is as large as the new one.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<_> = std::fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            std::fs::remove_dir_all(e.path())
        } else {
            std::fs::remove_file(e.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

/// The last build's output at `target` when it can be kept as it is: the
/// manifest vouches for the same `key`, `inputs` says every input still
/// reads the same, and every file and folder of the output is as written,
/// with nothing added at its top. Checked under the lock, so that no build
/// swaps the folder meanwhile. `None` at the first doubt.
pub fn unchanged(
    target: &Path,
    key: &Key,
    inputs: impl Fn(&Trace) -> bool,
) -> Option<(Vouch, usize)> {
    let _lock = lock_folder(&parent_of(target)).ok()?;
    if !std::fs::symlink_metadata(target.join(MARKER)).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let manifest = Manifest::read(target)?;
    let vouch = manifest.vouch_for(key)?;
    if !inputs(&vouch.inputs) {
        return None;
    }
    if !manifest.holds(target, &[MARKER]) {
        return None;
    }
    Some((vouch.clone(), manifest.files.len()))
}

/// Takes the advisory lock of `folder`, waiting for it. std's lock (flock
/// on Unix, LockFileEx on Windows): no dependency, and released by the
/// kernel when a build dies, so a killed build never leaves a stale lock.
/// On Unix the folder itself is locked, so a build leaves no lock file
/// behind; elsewhere a folder cannot be opened as a file, and
/// [`LOCK_FILE`] is locked instead.
pub(crate) fn lock_folder(folder: &Path) -> io::Result<File> {
    #[cfg(unix)]
    let lock = File::open(folder)?;
    #[cfg(not(unix))]
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(folder.join(LOCK_FILE))?;
    lock.lock()?;
    Ok(lock)
}

/// Exchanges two folders in one system call where the OS offers it, so the
/// output never goes missing, even for an instant.
#[cfg(target_os = "linux")]
fn swap(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // Some file systems do not support the exchange.
        Err(_) => swap_by_renames(a, b),
    }
}

#[cfg(not(target_os = "linux"))]
fn swap(a: &Path, b: &Path) -> io::Result<()> {
    swap_by_renames(a, b)
}

fn swap_by_renames(a: &Path, b: &Path) -> io::Result<()> {
    let old = a.with_extension("old");
    std::fs::rename(b, &old)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&old, a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::manifest::MANIFEST;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != LOCK_FILE)
            .collect();
        v.sort();
        v
    }

    fn stage(target: &Path, files: &[(&str, &str)]) -> Staging {
        let mut s = Staging::new(target).unwrap();
        s.make_dirs(files.iter().map(|(p, _)| *p)).unwrap();
        for (p, text) in files {
            s.write(p, text.as_bytes()).unwrap();
        }
        s
    }

    #[test]
    fn commit_replaces_and_drop_keeps() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();

        drop(stage(&target, &[("/fr/index.html", "new")]));
        assert!(target.join("old.html").exists());
        assert_eq!(entries(dir.path()), ["public"], "staging folder cleaned");

        let written = stage(&target, &[("fr/index.html", "new")])
            .commit(None)
            .unwrap();
        assert_eq!(
            written,
            Written {
                files: 1,
                kept: 0,
                removed: 0
            }
        );
        assert!(!target.join("old.html").exists());
        assert!(target.join(MARKER).is_file());
        assert_eq!(
            std::fs::read_to_string(target.join("fr/index.html")).unwrap(),
            "new"
        );
        assert_eq!(entries(dir.path()), ["public"]);
    }

    #[test]
    fn what_a_dead_build_left_beside_the_output_is_removed_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        // A staging folder and a page cache not yet in place.
        std::fs::create_dir(dir.path().join(format!("{STAGING_PREFIX}dead"))).unwrap();
        let cache = staged_file(&target).unwrap();
        let (_, cache_path) = cache.keep().unwrap();
        let staging = Staging::new(&target).unwrap();
        assert!(!cache_path.exists());
        let left: Vec<String> = entries(dir.path())
            .into_iter()
            .filter(|e| e.starts_with(STAGING_PREFIX))
            .collect();
        // Only the new build's own staging folder.
        assert_eq!(left.len(), 1);
        assert!(staging.path().is_dir());
    }

    #[test]
    fn folders_are_created_once_parents_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Staging::new(&dir.path().join("public")).unwrap();
        let files = [
            "a/b/c/index.html",
            "a/index.html",
            "a-b/x.css",
            "a-b/y.css",
            "top.html",
        ];
        s.make_dirs(files).unwrap();
        assert_eq!(s.dirs, ["a", "a-b", "a/b", "a/b/c"]);
        // a/b/c holds one file only: its write makes it.
        assert_eq!(s.deferred, HashSet::from(["a/b/c".to_string()]));
        for d in ["a", "a-b", "a/b"] {
            assert!(s.path().join(d).is_dir(), "{d}");
        }
        assert!(!s.path().join("a/b/c").exists());
        for f in files {
            s.write(f, f.as_bytes()).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(s.path().join("a/b/c/index.html")).unwrap(),
            "a/b/c/index.html"
        );
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_changed_ones_written_stale_ones_gone() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let first = [
            ("a/index.html", "same"),
            ("b.html", "old"),
            ("c.html", "gone"),
        ];
        stage(&target, &first).commit(None).unwrap();
        let ino = |p: &str| std::fs::metadata(target.join(p)).unwrap().ino();
        let a = ino("a/index.html");

        // Without the manifest the old files are read and compared; with it
        // their digests are: both must keep the same file.
        for manifest in [false, true] {
            if !manifest {
                std::fs::remove_file(target.join(MANIFEST)).unwrap();
            }
            let b_text = if manifest { "newer" } else { "new" };
            let b = ino("b.html");
            let written = stage(&target, &[("a/index.html", "same"), ("b.html", b_text)])
                .commit(None)
                .unwrap();
            assert_eq!(written.kept, 1);
            assert_eq!(ino("a/index.html"), a, "manifest: {manifest}");
            assert_ne!(ino("b.html"), b);
            assert!(!target.join("c.html").exists());
            assert_eq!(
                std::fs::read_to_string(target.join("b.html")).unwrap(),
                b_text
            );
            if !manifest {
                assert_eq!(written.removed, 0, "no manifest: nothing known to remove");
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn spellings_of_the_root_and_its_ancestors_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::os::unix::fs::symlink(&root, dir.path().join("link")).unwrap();
        for bad in [
            root.clone(),
            root.join("."),
            root.join("public/.."),
            root.join("public/../"),
            root.join(".."),
            root.join("nothing/../.."),
            dir.path().join("link/public/.."),
            PathBuf::from("/"),
        ] {
            let d = check_target(&root, &bad).unwrap_err();
            assert_eq!(d.rule, OUTPUT_REFUSED, "{}", bad.display());
        }
        // The link itself names a source folder.
        assert!(check_target(&root, &dir.path().join("link")).is_err());
        assert!(check_target(&root, &root.join("public/")).is_ok());
        assert!(check_target(&root, &root.join("new/deeper")).is_ok());
    }
}

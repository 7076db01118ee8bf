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

use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::core::diagnostic::{Diagnostic, Position, RuleId, Text};

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
pub struct Staging {
    dir: Option<tempfile::TempDir>,
    target: PathBuf,
    _lock: File,
}

impl Staging {
    /// Creates the staging folder next to `target` (same file system, so the
    /// final swap is a rename, not a copy), after taking the lock of that
    /// folder: waits while another build writes there. Under the lock, any
    /// other staging folder belongs to a build that died without cleaning
    /// up, and is removed.
    pub fn new(target: &Path) -> io::Result<Staging> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let lock = lock_folder(&parent)?;
        if let Ok(entries) = std::fs::read_dir(&parent) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(STAGING_PREFIX) {
                    let _ = std::fs::remove_dir_all(e.path());
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
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.as_ref().map(|d| d.path()).unwrap_or(&self.target)
    }

    /// Writes `bytes` at `rel` inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path().join(rel.trim_start_matches('/'));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)
    }

    /// Puts the staged site in place of the target.
    pub fn commit(mut self) -> io::Result<()> {
        let Some(dir) = self.dir.take() else {
            return Ok(());
        };
        let staged = dir.keep();
        if self.target.exists() {
            swap(&staged, &self.target)?;
            // `staged` now holds the previous site.
            std::fs::remove_dir_all(&staged)
        } else {
            std::fs::rename(&staged, &self.target)
        }
    }
}

/// Takes the advisory lock of `folder`, waiting for it. std's lock (flock
/// on Unix, LockFileEx on Windows): no dependency, and released by the
/// kernel when a build dies, so a killed build never leaves a stale lock.
/// On Unix the folder itself is locked, so a build leaves no lock file
/// behind; elsewhere a folder cannot be opened as a file, and
/// [`LOCK_FILE`] is locked instead.
fn lock_folder(folder: &Path) -> io::Result<File> {
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

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != LOCK_FILE)
            .collect();
        v.sort();
        v
    }

    #[test]
    fn commit_replaces_and_drop_keeps() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();

        let s = Staging::new(&target).unwrap();
        s.write("/fr/index.html", b"new").unwrap();
        drop(s);
        assert!(target.join("old.html").exists());
        assert_eq!(entries(dir.path()), ["public"], "staging folder cleaned");

        let s = Staging::new(&target).unwrap();
        s.write("fr/index.html", b"new").unwrap();
        s.commit().unwrap();
        assert!(!target.join("old.html").exists());
        assert!(target.join(MARKER).is_file());
        assert_eq!(
            std::fs::read_to_string(target.join("fr/index.html")).unwrap(),
            "new"
        );
        assert_eq!(entries(dir.path()), ["public"]);
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

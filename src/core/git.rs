//! Reading the site's git history with libgit2 (git2): what a pull request
//! changed, the files of another commit, and when each file last changed.
//!
//! Only reading, never writing, and never the network: CI fetches, engage
//! looks. Everything a user can get wrong (not a repository, an unknown
//! revision, no common ancestor) comes back as a [`Text`] to print with exit
//! code 2; nothing here panics on what is in the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use git2::{Delta, DiffFindOptions, DiffOptions, ObjectType, Oid, Repository, Tree};
use jiff::Timestamp;

use crate::core::diagnostic::Text;

/// The kind of a tree entry, from its git mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A regular file (100644).
    File,
    /// A file with the executable bit (100755).
    Executable,
    /// A symbolic link (120000): its content is the target path.
    Symlink,
    /// A submodule (160000): a commit of another repository.
    Submodule,
    /// Anything else (a tree, an unreadable mode).
    Other,
}

impl Mode {
    fn of_raw(mode: i32) -> Mode {
        match mode {
            0o100644 | 0o100664 => Mode::File,
            0o100755 => Mode::Executable,
            0o120000 => Mode::Symlink,
            0o160000 => Mode::Submodule,
            _ => Mode::Other,
        }
    }
    fn of(mode: git2::FileMode) -> Mode {
        match mode {
            git2::FileMode::Blob => Mode::File,
            git2::FileMode::BlobExecutable => Mode::Executable,
            git2::FileMode::Link => Mode::Symlink,
            git2::FileMode::Commit => Mode::Submodule,
            _ => Mode::Other,
        }
    }
}

/// One side of a change: a path (relative to the site root, `/` separated),
/// its mode and its size in bytes (0 for submodules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub path: PathBuf,
    pub mode: Mode,
    pub size: u64,
}

/// What happened to a path between two commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    /// Moved (and possibly edited): both sides are set.
    Renamed,
    /// The same path changed kind (file to symlink, file to submodule…).
    TypeChanged,
}

/// One changed path between the merge base and HEAD. `old` is set unless the
/// path was added; `new` is set unless it was deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub old: Option<Side>,
    pub new: Option<Side>,
}

impl Change {
    /// The paths this change touches: both sides of a rename, one otherwise.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        let old = self.old.as_ref().map(|s| s.path.as_path());
        let new = self.new.as_ref().map(|s| s.path.as_path());
        let dup = old.is_some() && old == new;
        old.into_iter().chain(new.filter(|_| !dup))
    }
}

/// A version of a file in history: when it was committed, and its blob
/// (`None` when the commit deleted it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub time: Timestamp,
    pub blob: Option<Oid>,
}

/// The repository holding a site root.
pub struct Repo {
    repo: Repository,
    /// The site root relative to the work tree (empty when they are the same).
    prefix: PathBuf,
}

fn text(fr: impl Into<String>, en: impl Into<String>) -> Text {
    Text::new(fr, en)
}

fn git_error(what_fr: &str, what_en: &str, e: &git2::Error) -> Text {
    text(
        format!("{what_fr} : {}", e.message()),
        format!("{what_en}: {}", e.message()),
    )
}

impl Repo {
    /// Opens the repository whose work tree contains `root`.
    pub fn open(root: &Path) -> Result<Repo, Text> {
        let repo = Repository::discover(root).map_err(|e| {
            git_error(
                &format!("{} n’est pas dans un dépôt git", root.display()),
                &format!("{} is not inside a git repository", root.display()),
                &e,
            )
        })?;
        let workdir = repo.workdir().ok_or_else(|| {
            text(
                "le dépôt n’a pas d’arbre de travail (dépôt nu)",
                "the repository has no work tree (bare repository)",
            )
        })?;
        let prefix = match (root.canonicalize(), workdir.canonicalize()) {
            (Ok(r), Ok(w)) => r
                .strip_prefix(&w)
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            _ => PathBuf::new(),
        };
        Ok(Repo { repo, prefix })
    }

    /// The commit HEAD points to.
    pub fn head(&self) -> Result<Oid, Text> {
        self.repo
            .head()
            .and_then(|h| h.peel_to_commit())
            .map(|c| c.id())
            .map_err(|e| git_error("HEAD illisible", "cannot read HEAD", &e))
    }

    /// The commit `rev` names (a branch, tag or commit, as `git rev-parse`
    /// reads it).
    pub fn commit(&self, rev: &str) -> Result<Oid, Text> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|e| {
                git_error(
                    &format!("révision `{rev}` introuvable (la branche a-t-elle été récupérée ? fetch-depth: 0)"),
                    &format!("unknown revision `{rev}` (was the branch fetched? fetch-depth: 0)"),
                    &e,
                )
            })
    }

    /// The merge base of `base` (a branch, tag or commit, as `git rev-parse`
    /// reads it) and HEAD: what a pull request's changes are counted from.
    pub fn merge_base(&self, base: &str) -> Result<Oid, Text> {
        let base_commit = self.commit(base)?;
        let head = self.head()?;
        self.repo.merge_base(base_commit, head).map_err(|e| {
            git_error(
                &format!("`{base}` et HEAD n’ont pas d’ancêtre commun (historique tronqué ?)"),
                &format!("`{base}` and HEAD have no common ancestor (shallow history?)"),
                &e,
            )
        })
    }

    fn tree(&self, commit: Oid) -> Result<Tree<'_>, Text> {
        self.repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| git_error("commit illisible", "cannot read commit", &e))
    }

    /// Converts a path of the work tree into one relative to the site root;
    /// paths outside the root keep their repository path.
    fn to_root(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.prefix)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }

    fn to_repo(&self, path: &Path) -> PathBuf {
        self.prefix.join(path)
    }

    fn side(&self, file: git2::DiffFile<'_>) -> Option<Side> {
        let path = file.path()?;
        let mode = Mode::of(file.mode());
        // Sizes come from the object database: tree-to-tree diffs do not
        // load blobs. A submodule's id names a commit of another repository.
        let size = match mode {
            Mode::Submodule | Mode::Other => 0,
            _ => self
                .repo
                .odb()
                .and_then(|odb| odb.read_header(file.id()))
                .map(|(size, _)| size as u64)
                .unwrap_or(0),
        };
        Some(Side {
            path: self.to_root(path),
            mode,
            size,
        })
    }

    /// Every path changed between commit `from` and HEAD, renames paired up.
    pub fn changes(&self, from: Oid) -> Result<Vec<Change>, Text> {
        self.changes_between(from, self.head()?)
    }

    /// Every path changed between commits `from` and `to`, renames paired
    /// up.
    pub fn changes_between(&self, from: Oid, to: Oid) -> Result<Vec<Change>, Text> {
        let old = self.tree(from)?;
        let new = self.tree(to)?;
        let mut opts = DiffOptions::new();
        opts.include_typechange(true).ignore_submodules(false);
        let mut diff = self
            .repo
            .diff_tree_to_tree(Some(&old), Some(&new), Some(&mut opts))
            .map_err(|e| git_error("diff impossible", "cannot diff", &e))?;
        let mut find = DiffFindOptions::new();
        find.renames(true);
        diff.find_similar(Some(&mut find))
            .map_err(|e| git_error("diff impossible", "cannot diff", &e))?;
        let mut out = Vec::new();
        for delta in diff.deltas() {
            let kind = match delta.status() {
                Delta::Added | Delta::Copied => ChangeKind::Added,
                Delta::Deleted => ChangeKind::Deleted,
                Delta::Modified => ChangeKind::Modified,
                Delta::Renamed => ChangeKind::Renamed,
                Delta::Typechange => ChangeKind::TypeChanged,
                _ => continue,
            };
            let old = match kind {
                ChangeKind::Added => None,
                _ => self.side(delta.old_file()),
            };
            let new = match kind {
                ChangeKind::Deleted => None,
                _ => self.side(delta.new_file()),
            };
            out.push(Change { kind, old, new });
        }
        Ok(out)
    }

    /// The content of `path` (relative to the site root) at `commit`, when it
    /// is a file there.
    pub fn read(&self, commit: Oid, path: &Path) -> Option<Vec<u8>> {
        self.read_blob(self.blob_id(commit, path)?)
    }

    /// The blob at `path` in `commit`, when there is one there.
    pub fn blob_id(&self, commit: Oid, path: &Path) -> Option<Oid> {
        let tree = self.tree(commit).ok()?;
        let entry = tree.get_path(&self.to_repo(path)).ok()?;
        (entry.kind() == Some(ObjectType::Blob)).then(|| entry.id())
    }

    /// Every entry of the tree of `commit` below the site root, by path
    /// relative to the root: folders, files, links and submodules, with
    /// the object each names. What the git tree source serves
    /// a workspace from, without a checkout.
    pub fn entries(&self, commit: Oid) -> Result<BTreeMap<PathBuf, (Oid, Mode)>, Text> {
        let tree = self.tree(commit)?;
        let mut out = BTreeMap::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            let Ok(name) = entry.name() else {
                return git2::TreeWalkResult::Skip;
            };
            let path = Path::new(dir).join(name);
            let Ok(rel) = path.strip_prefix(&self.prefix) else {
                // Above or beside the root: walk into folders that lead to it.
                return if self.prefix.starts_with(&path) {
                    git2::TreeWalkResult::Ok
                } else {
                    git2::TreeWalkResult::Skip
                };
            };
            if rel.as_os_str().is_empty() {
                return git2::TreeWalkResult::Ok;
            }
            let mode = match entry.kind() {
                Some(ObjectType::Tree) => Mode::Other,
                _ => Mode::of_raw(entry.filemode_raw()),
            };
            out.insert(rel.to_path_buf(), (entry.id(), mode));
            git2::TreeWalkResult::Ok
        })
        .map_err(|e| git_error("arbre illisible", "cannot read tree", &e))?;
        Ok(out)
    }

    /// The size of a blob, from its header only.
    pub fn blob_size(&self, id: Oid) -> Option<u64> {
        let odb = self.repo.odb().ok()?;
        odb.read_header(id).ok().map(|(size, _)| size as u64)
    }

    /// The folder of the work tree, for reading history from it again.
    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    /// The content of a blob.
    pub fn read_blob(&self, id: Oid) -> Option<Vec<u8>> {
        self.repo.find_blob(id).ok().map(|b| b.content().to_vec())
    }

    /// The files directly in folder `dir` (relative to the site root) at
    /// `commit`, with their content.
    pub fn read_dir(&self, commit: Oid, dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let Ok(tree) = self.tree(commit) else {
            return Vec::new();
        };
        let Ok(entry) = tree.get_path(&self.to_repo(dir)) else {
            return Vec::new();
        };
        let Ok(sub) = self.repo.find_tree(entry.id()) else {
            return Vec::new();
        };
        sub.iter()
            .filter(|e| e.kind() == Some(ObjectType::Blob))
            .filter_map(|e| {
                let name = e.name().ok()?;
                Some((dir.join(name), self.read_blob(e.id())?))
            })
            .collect()
    }

    /// Walks the history of `paths` (relative to the site root) along the
    /// first parents of HEAD, newest first, calling `visit` for each commit
    /// that changed one of them. `visit` returns whether it wants older
    /// versions of that path; the walk stops as soon as no path does, so
    /// that "when did this last change" reads only recent history.
    ///
    /// First parents, because what matters is when a change landed on the
    /// branch (a merge commit's time), not when it was written on a side
    /// branch. One diff per commit, limited to the paths still wanted, so
    /// that untouched folders are skipped by tree id.
    pub fn walk_history(
        &self,
        paths: &[PathBuf],
        visit: &mut dyn FnMut(&Path, Version) -> bool,
    ) -> Result<(), Text> {
        let mut wanted: BTreeSet<PathBuf> = paths.iter().map(|p| self.to_repo(p)).collect();
        let fail = |e: git2::Error| git_error("historique illisible", "cannot read history", &e);
        let mut walk = self.repo.revwalk().map_err(fail)?;
        walk.push(self.head()?).map_err(fail)?;
        // No sorting: along first parents the order is already newest
        // first, and a topological sort would read the whole history before
        // yielding the first commit.
        walk.simplify_first_parent().map_err(fail)?;
        // The top folders (or files) of the wanted paths: a commit that
        // leaves their ids as its parent had them changed none of the
        // paths, and is passed without a diff. Most commits of a site's
        // repository touch no page, and the diffs were most of the walk.
        let tops: BTreeSet<PathBuf> = wanted
            .iter()
            .filter_map(|p| p.components().next())
            .map(|c| PathBuf::from(c.as_os_str()))
            .collect();
        for id in walk {
            if wanted.is_empty() {
                break;
            }
            let id = id.map_err(fail)?;
            let commit = self.repo.find_commit(id).map_err(fail)?;
            let tree = commit.tree().map_err(fail)?;
            let parent_tree = match commit.parent(0) {
                Ok(p) => Some(p.tree().map_err(fail)?),
                Err(_) => None,
            };
            if let Some(parent) = &parent_tree {
                let id_in = |t: &git2::Tree, top: &Path| t.get_path(top).ok().map(|e| e.id());
                if tops
                    .iter()
                    .all(|top| id_in(&tree, top) == id_in(parent, top))
                {
                    continue;
                }
            }
            let mut opts = DiffOptions::new();
            for p in &wanted {
                opts.pathspec(p);
            }
            opts.disable_pathspec_match(true);
            let diff = self
                .repo
                .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut opts))
                .map_err(fail)?;
            let time =
                Timestamp::from_second(commit.time().seconds()).unwrap_or(Timestamp::UNIX_EPOCH);
            for delta in diff.deltas() {
                let Some(path) = delta.new_file().path().or(delta.old_file().path()) else {
                    continue;
                };
                if !wanted.contains(path) {
                    continue;
                }
                let blob = (delta.status() != Delta::Deleted).then(|| delta.new_file().id());
                if !visit(&self.to_root(path), Version { time, blob }) {
                    wanted.remove(path);
                }
            }
        }
        Ok(())
    }

    /// The whole history of each of `paths`: every version, newest first
    /// (see [`Repo::walk_history`]).
    pub fn history(&self, paths: &[PathBuf]) -> Result<BTreeMap<PathBuf, Vec<Version>>, Text> {
        let mut out: BTreeMap<PathBuf, Vec<Version>> = BTreeMap::new();
        self.walk_history(paths, &mut |p, v| {
            out.entry(p.to_path_buf()).or_default().push(v);
            true
        })?;
        Ok(out)
    }
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo")
            .field("prefix", &self.prefix)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(path: &str) -> Option<Side> {
        Some(Side {
            path: PathBuf::from(path),
            mode: Mode::File,
            size: 1,
        })
    }

    #[test]
    fn a_change_touches_both_sides_of_a_rename_and_one_path_otherwise() {
        let moved = Change {
            kind: ChangeKind::Renamed,
            old: side("a/x.md"),
            new: side("b/x.md"),
        };
        let paths: Vec<&Path> = moved.paths().collect();
        assert_eq!(paths, vec![Path::new("a/x.md"), Path::new("b/x.md")]);
        let edited = Change {
            kind: ChangeKind::Modified,
            old: side("a/x.md"),
            new: side("a/x.md"),
        };
        assert_eq!(edited.paths().count(), 1);
    }

    #[test]
    fn outside_a_repository_open_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let err = Repo::open(dir.path()).unwrap_err();
        assert!(
            err.en.contains("is not inside a git repository"),
            "{}",
            err.en
        );
    }
}

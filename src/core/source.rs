//! Where a run's files come from.
//!
//! Every input is read through a [`Source`], at one edge, so that the same
//! loaders work on the folder on disk ([`Disk`]), on a git tree at a
//! revision ([`GitTree`]: the base and head of a pull request, without a
//! checkout) and on the disk with an editor's unsaved buffers laid over it
//! ([`Overlay`], for `serve`). Paths are relative to the site root and use
//! `/`-free components only as the layout names them; a source never
//! serves anything outside its root.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use git2::Oid;

pub use crate::core::diagnostic::SourceText;
use crate::core::diagnostic::{Diagnostic, Position, RuleId, Text};
use crate::core::git::{Mode, Repo};
use crate::core::values::mebibytes;

/// Rule: a file that is not UTF-8.
pub const ENCODING: RuleId = RuleId::new("content.encoding");
/// A text file over [`MAX_TEXT_BYTES`].
pub const TOO_BIG: RuleId = RuleId::new("file.too-big");
/// The largest text file read (a page, a YAML file): far above any page
/// or calendar staff write, and far below what would make a build spend
/// more than 500 MB on one file (an 8 MB page takes about 300 MB to
/// parse, sanitise and render).
pub const MAX_TEXT_BYTES: u64 = 4 << 20;

/// Reads texts from a folder on demand: for commands that show diagnostics
/// of files they did not load through a workspace.
#[derive(Debug, Clone)]
pub struct DiskText(pub PathBuf);

impl SourceText for DiskText {
    fn text(&self, path: &Path) -> Option<Arc<str>> {
        let bytes = std::fs::read(self.0.join(path)).ok()?;
        String::from_utf8(bytes).ok().map(Arc::from)
    }
}

/// What a path is, without following symbolic links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    /// A submodule, a socket, a device: never read.
    Other,
}

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub kind: Kind,
}

/// A tree of files below a root. Implementations must be cheap to share
/// between threads: loaders read in parallel.
pub trait Source: Send + Sync + fmt::Debug {
    /// The bytes of the file at `path`.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// The entries of folder `dir`, sorted by name; `NotFound` when there
    /// is no such folder.
    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>>;
    /// What `path` is, without following links; `None` when absent.
    fn kind(&self, path: &Path) -> Option<Kind>;
    /// The size of the file at `path` in bytes, following links.
    fn size(&self, path: &Path) -> Option<u64>;
    /// Where `path` leads once links are followed: `Some(path relative to
    /// the root)` when it exists inside the root, `Some(absolute path)`
    /// when it leads outside, `None` when it leads nowhere.
    fn resolve(&self, path: &Path) -> Option<PathBuf>;
    /// The folder whose git history describes these files (translation
    /// freshness), when there is one.
    fn history(&self) -> Option<&Path>;
    /// The bytes of the file at `path` when it holds at most `limit` of
    /// them, its size otherwise. One question where a size and a read would
    /// be two: a source on disk opens the file once.
    fn read_at_most(&self, path: &Path, limit: u64) -> io::Result<Bounded> {
        if let Some(size) = self.size(path).filter(|&s| s > limit) {
            return Ok(Bounded::TooBig(size));
        }
        let bytes = self.read(path)?;
        Ok(Bounded::of(bytes, limit))
    }
}

/// What [`Source::read_at_most`] found.
#[derive(Debug)]
pub enum Bounded {
    Bytes(Vec<u8>),
    /// Over the limit, with its size: not read (or not kept).
    TooBig(u64),
}

impl Bounded {
    /// `bytes` when within `limit` (a file may grow between a size and a
    /// read).
    fn of(bytes: Vec<u8>, limit: u64) -> Bounded {
        if bytes.len() as u64 > limit {
            Bounded::TooBig(bytes.len() as u64)
        } else {
            Bounded::Bytes(bytes)
        }
    }
}

/// Refuses paths that could leave the root: absolute, `..`, prefixes.
fn inside(path: &Path) -> io::Result<&Path> {
    if path
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        Ok(path)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not inside the site", path.display()),
        ))
    }
}

/// The folder on disk.
#[derive(Debug, Clone)]
pub struct Disk {
    root: PathBuf,
    /// The root with links resolved, computed on first need.
    canonical: std::sync::OnceLock<Option<PathBuf>>,
}

impl Disk {
    pub fn new(root: impl Into<PathBuf>) -> Disk {
        Disk {
            root: root.into(),
            canonical: std::sync::OnceLock::new(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Source for Disk {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(self.root.join(inside(path)?))
    }

    fn read_at_most(&self, path: &Path, limit: u64) -> io::Result<Bounded> {
        use std::io::Read;
        let mut file = std::fs::File::open(self.root.join(inside(path)?))?;
        let size = file.metadata()?.len();
        if size > limit {
            return Ok(Bounded::TooBig(size));
        }
        // The size the descriptor gave is what is read, in one read(2) into
        // a buffer of that size: none more to find the end (a build of
        // 10,000 pages made 10,000 such calls), and not `read_to_end`,
        // which reads in steps of 8 KiB whatever the size. A file that grows
        // meanwhile is read as it was. One that says 0 (empty, or of unknown
        // size) is read to its end, one byte past the limit telling a file
        // that grew beyond it.
        if size == 0 {
            let mut bytes = Vec::new();
            file.take(limit + 1).read_to_end(&mut bytes)?;
            return Ok(Bounded::of(bytes, limit));
        }
        let mut bytes = vec![0; size as usize];
        let mut filled = 0;
        while filled < bytes.len() {
            match file.read(&mut bytes[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        // A file that shrank meanwhile is read as it now is.
        bytes.truncate(filled);
        Ok(Bounded::of(bytes, limit))
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(self.root.join(inside(dir)?))? {
            let e = e?;
            let kind = match e.file_type() {
                Ok(t) if t.is_symlink() => Kind::Symlink,
                Ok(t) if t.is_dir() => Kind::Dir,
                Ok(t) if t.is_file() => Kind::File,
                _ => Kind::Other,
            };
            out.push(Entry {
                name: e.file_name().to_string_lossy().into_owned(),
                kind,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn kind(&self, path: &Path) -> Option<Kind> {
        let t = std::fs::symlink_metadata(self.root.join(inside(path).ok()?))
            .ok()?
            .file_type();
        Some(if t.is_symlink() {
            Kind::Symlink
        } else if t.is_dir() {
            Kind::Dir
        } else if t.is_file() {
            Kind::File
        } else {
            Kind::Other
        })
    }

    fn size(&self, path: &Path) -> Option<u64> {
        std::fs::metadata(self.root.join(inside(path).ok()?))
            .ok()
            .map(|m| m.len())
    }

    fn resolve(&self, path: &Path) -> Option<PathBuf> {
        let target = self.root.join(inside(path).ok()?).canonicalize().ok()?;
        let root = self
            .canonical
            .get_or_init(|| self.root.canonicalize().ok())
            .as_ref()?;
        Some(match target.strip_prefix(root) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => target,
        })
    }

    fn history(&self) -> Option<&Path> {
        Some(&self.root)
    }
}

/// The files of a commit, read from the object database: what a pull
/// request's base or head holds, whatever is checked out.
pub struct GitTree {
    /// Repositories ready to read blobs: libgit2 handles cannot be shared
    /// between threads, so each parallel reader takes one (opening another
    /// when all are busy) instead of waiting for a single one.
    repos: Mutex<Vec<Repo>>,
    root: PathBuf,
    entries: BTreeMap<PathBuf, (Oid, Mode)>,
}

impl fmt::Debug for GitTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitTree")
            .field("root", &self.root)
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl GitTree {
    /// The tree of `commit` in the repository holding `root`, seen from
    /// `root`.
    pub fn open(root: &Path, commit: Oid) -> Result<GitTree, Text> {
        let repo = Repo::open(root)?;
        let entries = repo.entries(commit)?;
        Ok(GitTree {
            repos: Mutex::new(vec![repo]),
            root: root.to_path_buf(),
            entries,
        })
    }

    fn entry(&self, path: &Path) -> Option<(Oid, Mode)> {
        self.entries.get(path).copied()
    }

    /// Runs `f` with a repository of the pool.
    fn with_repo<T>(&self, f: impl FnOnce(&Repo) -> Option<T>) -> Option<T> {
        let taken = self.repos.lock().ok()?.pop();
        let repo = match taken {
            Some(r) => r,
            None => Repo::open(&self.root).ok()?,
        };
        let out = f(&repo);
        if let Ok(mut pool) = self.repos.lock() {
            pool.push(repo);
        }
        out
    }

    fn blob(&self, id: Oid) -> Option<Vec<u8>> {
        self.with_repo(|r| r.read_blob(id))
    }
}

fn kind_of(mode: Mode) -> Kind {
    match mode {
        Mode::File | Mode::Executable => Kind::File,
        Mode::Symlink => Kind::Symlink,
        Mode::Submodule => Kind::Other,
        // Folders are listed as `Other` by the walk; see `GitTree::kind`.
        Mode::Other => Kind::Dir,
    }
}

impl Source for GitTree {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let not_found = || io::Error::new(io::ErrorKind::NotFound, path.display().to_string());
        let target = self.resolve(path).ok_or_else(not_found)?;
        match self.entry(&target) {
            Some((id, Mode::File | Mode::Executable)) => self.blob(id).ok_or_else(not_found),
            _ => Err(not_found()),
        }
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let dir = inside(dir)?;
        if !dir.as_os_str().is_empty() && self.kind(dir) != Some(Kind::Dir) {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                dir.display().to_string(),
            ));
        }
        let mut out = Vec::new();
        for (path, (_, mode)) in self.entries.range(dir.to_path_buf()..) {
            if !path.starts_with(dir) {
                break;
            }
            if path.parent() == Some(dir) {
                out.push(Entry {
                    name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    kind: kind_of(*mode),
                });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn kind(&self, path: &Path) -> Option<Kind> {
        self.entry(inside(path).ok()?).map(|(_, m)| kind_of(m))
    }

    fn size(&self, path: &Path) -> Option<u64> {
        let target = self.resolve(path)?;
        match self.entry(&target)? {
            (id, Mode::File | Mode::Executable) => self.with_repo(|r| r.blob_size(id)),
            _ => None,
        }
    }

    fn resolve(&self, path: &Path) -> Option<PathBuf> {
        // Follows links lexically, as git stores them (their target is the
        // blob's text), up to a depth that stops cycles.
        let mut current = inside(path).ok()?.to_path_buf();
        for _ in 0..40 {
            let mut resolved = PathBuf::new();
            let mut followed = false;
            let parts: Vec<_> = current.components().collect();
            for (i, c) in parts.iter().enumerate() {
                resolved.push(c);
                if let Some((id, Mode::Symlink)) = self.entry(&resolved) {
                    let target = String::from_utf8(self.blob(id)?).ok()?;
                    let base = resolved.parent().unwrap_or(Path::new("")).to_path_buf();
                    let mut next = normalise(&base.join(&target))?;
                    for rest in &parts[i + 1..] {
                        next.push(rest);
                    }
                    current = next;
                    followed = true;
                    break;
                }
            }
            if !followed {
                return self.entry(&current).map(|_| current);
            }
            if current.is_absolute() {
                return Some(current);
            }
        }
        None
    }

    fn history(&self) -> Option<&Path> {
        Some(&self.root)
    }
}

/// `a/b/../c` → `a/c`; a path that climbs above the root becomes absolute
/// (outside), as a link leading out of the repository does.
fn normalise(path: &Path) -> Option<PathBuf> {
    if path.is_absolute() {
        return Some(path.to_path_buf());
    }
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return Some(Path::new("/").join(path));
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Another source with some files replaced, added or removed in memory: an
/// editor's unsaved buffers over the disk.
#[derive(Debug)]
pub struct Overlay<S> {
    base: S,
    /// `None` marks a file removed from the base.
    files: BTreeMap<PathBuf, Option<Arc<[u8]>>>,
}

impl<S: Source> Overlay<S> {
    pub fn new(base: S) -> Overlay<S> {
        Overlay {
            base,
            files: BTreeMap::new(),
        }
    }

    /// Lays `bytes` over `path`.
    pub fn set(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Arc<[u8]>>) {
        self.files.insert(path.into(), Some(bytes.into()));
    }

    /// Hides `path` of the base.
    pub fn remove(&mut self, path: impl Into<PathBuf>) {
        self.files.insert(path.into(), None);
    }

    /// Whether some laid-over file lies below `dir`.
    fn added_below(&self, dir: &Path) -> bool {
        self.files
            .range(dir.to_path_buf()..)
            .take_while(|(p, _)| p.starts_with(dir))
            .any(|(p, f)| f.is_some() && p != dir)
    }
}

impl<S: Source> Source for Overlay<S> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.files.get(path) {
            Some(Some(bytes)) => Ok(bytes.to_vec()),
            Some(None) => Err(io::Error::new(
                io::ErrorKind::NotFound,
                path.display().to_string(),
            )),
            None => self.base.read(path),
        }
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let mut entries: BTreeMap<String, Kind> = match self.base.list(dir) {
            Ok(list) => list.into_iter().map(|e| (e.name, e.kind)).collect(),
            Err(e) if e.kind() == io::ErrorKind::NotFound && self.added_below(dir) => {
                BTreeMap::new()
            }
            Err(e) => return Err(e),
        };
        for (path, file) in self.files.range(dir.to_path_buf()..) {
            let Ok(rest) = path.strip_prefix(dir) else {
                break;
            };
            let mut parts = rest.components();
            let (Some(first), more) = (parts.next(), parts.next().is_some()) else {
                continue;
            };
            let name = first.as_os_str().to_string_lossy().into_owned();
            match (file, more) {
                (Some(_), false) => {
                    entries.insert(name, Kind::File);
                }
                (Some(_), true) => {
                    entries.entry(name).or_insert(Kind::Dir);
                }
                (None, false) => {
                    entries.remove(&name);
                }
                (None, true) => {}
            }
        }
        Ok(entries
            .into_iter()
            .map(|(name, kind)| Entry { name, kind })
            .collect())
    }

    fn kind(&self, path: &Path) -> Option<Kind> {
        match self.files.get(path) {
            Some(Some(_)) => Some(Kind::File),
            Some(None) => None,
            None => self
                .base
                .kind(path)
                .or_else(|| self.added_below(path).then_some(Kind::Dir)),
        }
    }

    fn size(&self, path: &Path) -> Option<u64> {
        match self.files.get(path) {
            Some(Some(bytes)) => Some(bytes.len() as u64),
            Some(None) => None,
            None => self.base.size(path),
        }
    }

    fn resolve(&self, path: &Path) -> Option<PathBuf> {
        match self.files.get(path) {
            Some(Some(_)) => Some(path.to_path_buf()),
            Some(None) => None,
            None => self.base.resolve(path),
        }
    }

    fn history(&self) -> Option<&Path> {
        self.base.history()
    }
}

/// A source that counts how often each file is read: the proof, in tests
/// and benchmarks, that a run reads each input once.
#[derive(Debug)]
pub struct Counting<S> {
    inner: S,
    reads: Mutex<HashMap<PathBuf, usize>>,
}

impl<S> Counting<S> {
    pub fn new(inner: S) -> Counting<S> {
        Counting {
            inner,
            reads: Mutex::new(HashMap::new()),
        }
    }

    /// Every file read, with how many times, sorted by path.
    pub fn reads(&self) -> Vec<(PathBuf, usize)> {
        let mut out: Vec<_> = self
            .reads
            .lock()
            .map(|m| m.iter().map(|(p, n)| (p.clone(), *n)).collect())
            .unwrap_or_default();
        out.sort();
        out
    }
}

impl<S: Source> Source for Counting<S> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if let Ok(mut m) = self.reads.lock() {
            *m.entry(path.to_path_buf()).or_default() += 1;
        }
        self.inner.read(path)
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        self.inner.list(dir)
    }
    fn kind(&self, path: &Path) -> Option<Kind> {
        self.inner.kind(path)
    }
    fn size(&self, path: &Path) -> Option<u64> {
        self.inner.size(path)
    }
    fn resolve(&self, path: &Path) -> Option<PathBuf> {
        self.inner.resolve(path)
    }
    fn history(&self) -> Option<&Path> {
        self.inner.history()
    }
}

impl<S: Source + ?Sized> Source for Arc<S> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        (**self).read(path)
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        (**self).list(dir)
    }
    fn kind(&self, path: &Path) -> Option<Kind> {
        (**self).kind(path)
    }
    fn size(&self, path: &Path) -> Option<u64> {
        (**self).size(path)
    }
    fn resolve(&self, path: &Path) -> Option<PathBuf> {
        (**self).resolve(path)
    }
    fn history(&self) -> Option<&Path> {
        (**self).history()
    }
    fn read_at_most(&self, path: &Path, limit: u64) -> io::Result<Bounded> {
        (**self).read_at_most(path, limit)
    }
}

/// The reading edge of a run: a [`Source`], and the text of every file
/// read through it, kept so that diagnostics are shown from what was read.
///
/// Each call to [`Files::text`] reads the source again: the cache serves
/// only [`SourceText`], so that a loader reading a file twice shows up in
/// a [`Counting`] source instead of being hidden.
pub struct Files {
    source: Arc<dyn Source>,
    texts: Mutex<HashMap<PathBuf, Arc<str>>>,
}

impl fmt::Debug for Files {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Files")
            .field("source", &self.source)
            .finish()
    }
}

/// Why a file could not be read as text.
#[derive(Debug)]
pub enum ReadError {
    /// Missing, unreadable, a folder…
    Io(io::Error),
    /// Read, but not UTF-8: the diagnostic points at the first bad byte.
    Encoding(Diagnostic),
    /// Over [`MAX_TEXT_BYTES`] (its size): not read.
    TooBig(u64),
}

impl ReadError {
    /// The diagnostic for `file`: the encoding one, or `rule` with the
    /// system's reason.
    pub fn into_diagnostic(self, rule: RuleId, file: &Path) -> Diagnostic {
        match self {
            ReadError::Encoding(d) => d,
            ReadError::TooBig(size) => Diagnostic::error(TOO_BIG, file, Position::file(), {
                let (size, max) = (mebibytes(size), mebibytes(MAX_TEXT_BYTES));
                Text::new(
                    format!("le fichier fait {}, la limite est {}", size.fr, max.fr),
                    format!("the file has {}, the limit is {}", size.en, max.en),
                )
            })
            .with_hint(Text::new(
                "découpez-le en plusieurs fichiers",
                "split it into several files",
            )),
            ReadError::Io(e) => {
                let (why, hint) = io_reason(&e);
                Diagnostic::error(
                    rule,
                    file,
                    Position::file(),
                    Text::new(
                        format!("lecture impossible : {}", why.fr),
                        format!("cannot read: {}", why.en),
                    ),
                )
                .with_hint(hint)
            }
        }
    }
}

impl Files {
    pub fn new(source: impl Source + 'static) -> Files {
        Files::shared(Arc::new(source))
    }

    /// Files read from a source someone else also holds (a test counting
    /// reads, `serve` updating an overlay).
    pub fn shared(source: Arc<dyn Source>) -> Files {
        Files {
            source,
            texts: Mutex::new(HashMap::new()),
        }
    }

    pub fn source(&self) -> &dyn Source {
        &*self.source
    }

    /// The source itself, shared: to lay another source over it.
    pub fn shared_source(&self) -> Arc<dyn Source> {
        self.source.clone()
    }

    /// Reads `path` as UTF-8 text (a leading byte-order mark is kept: the
    /// parsers skip it), and keeps it for [`SourceText`].
    /// Files over [`MAX_TEXT_BYTES`] are not read.
    pub fn text(&self, path: &Path) -> Result<Arc<str>, ReadError> {
        let bytes = match self.source.read_at_most(path, MAX_TEXT_BYTES) {
            Ok(Bounded::Bytes(bytes)) => bytes,
            Ok(Bounded::TooBig(size)) => return Err(ReadError::TooBig(size)),
            Err(e) => return Err(ReadError::Io(e)),
        };
        let text: Arc<str> = Arc::from(decode(path, bytes).map_err(ReadError::Encoding)?);
        if let Ok(mut m) = self.texts.lock() {
            m.insert(path.to_path_buf(), text.clone());
        }
        Ok(text)
    }

    /// Reads `path` as bytes, not kept: static files copied as they are.
    pub fn bytes(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.source.read(path)
    }

    pub fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        self.source.list(dir)
    }

    pub fn kind(&self, path: &Path) -> Option<Kind> {
        self.source.kind(path)
    }

    pub fn size(&self, path: &Path) -> Option<u64> {
        self.source.size(path)
    }

    /// `path` as the source stores it when it is written in another Unicode
    /// normalisation (typed composed, NFC, and stored decomposed, NFD, as
    /// macOS writes names, or the reverse): each component that is not
    /// found is matched against its folder's entries after NFC. `path`
    /// itself when it exists or when nothing matches.
    pub fn stored_name(&self, path: &Path) -> PathBuf {
        use unicode_normalization::UnicodeNormalization;
        if self.kind(path).is_some() {
            return path.to_path_buf();
        }
        let mut out = PathBuf::new();
        for c in path.components() {
            let next = out.join(c);
            if self.kind(&next).is_some() {
                out = next;
                continue;
            }
            let Some(want) = c.as_os_str().to_str() else {
                return path.to_path_buf();
            };
            let entries = self.list(&out).unwrap_or_default();
            let found = entries.into_iter().find(|e| e.name.nfc().eq(want.nfc()));
            match found {
                Some(e) => out.push(e.name),
                None => return path.to_path_buf(),
            }
        }
        out
    }

    pub fn resolve(&self, path: &Path) -> Option<PathBuf> {
        self.source.resolve(path)
    }

    /// See [`walk`].
    pub fn walk(&self, dir: &Path, hidden: Hidden) -> Walk {
        walk(&*self.source, dir, hidden)
    }

    /// The text of each YAML file of `dir` (not below), sorted by name, or
    /// why it could not be read: calendars and programmes. A missing
    /// folder has none.
    pub fn yaml_texts(&self, dir: &Path) -> Vec<(PathBuf, Result<Arc<str>, ReadError>)> {
        self.list(dir)
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.kind != Kind::Dir && crate::core::layout::is_yaml(&e.name))
            .map(|e| {
                let file = dir.join(e.name);
                let text = self.text(&file);
                (file, text)
            })
            .collect()
    }

    /// See [`Source::history`].
    pub fn history(&self) -> Option<&Path> {
        self.source.history()
    }
}

impl SourceText for Files {
    fn text(&self, path: &Path) -> Option<Arc<str>> {
        self.texts.lock().ok()?.get(path).cloned()
    }
}

/// What [`walk`] found: every file (not folder) with its kind, and the
/// folders it could not list.
pub type Walk = (Vec<(PathBuf, Kind)>, Vec<(PathBuf, io::Error)>);

/// Whether [`walk`] passes over names starting with a dot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// Editor and system files (`.DS_Store`, `.#page.fr.md`) among pages.
    Skip,
    /// Static files are published as they are (`.well-known/`).
    Keep,
}

/// Every file below `dir`, recursively, sorted, with unreadable folders
/// reported as they are met; links are not followed.
pub fn walk(source: &dyn Source, dir: &Path, hidden: Hidden) -> Walk {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match source.list(&d) {
            Ok(e) => e,
            Err(e) => {
                errors.push((d, e));
                continue;
            }
        };
        // Pushed in reverse so that folders are visited in name order.
        for e in entries.into_iter().rev() {
            if hidden == Hidden::Skip && e.name.starts_with('.') {
                continue;
            }
            let path = d.join(&e.name);
            match e.kind {
                Kind::Dir => stack.push(path),
                kind => files.push((path, kind)),
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    (files, errors)
}

/// Why the system could not read a file or folder, in French and English
/// (the system's own words are in English only), and what to do.
pub fn io_reason(e: &io::Error) -> (Text, Text) {
    use io::ErrorKind::*;
    match e.kind() {
        NotFound => (
            Text::new("il n’existe pas", "it does not exist"),
            Text::new(
                "vérifiez son nom et son dossier, ou lancez engage depuis la racine du dépôt (ou indiquez-la avec --root)",
                "check its name and folder, or run engage from the repository root (or give it with --root)",
            ),
        ),
        PermissionDenied => (
            Text::new("accès refusé", "permission denied"),
            Text::new(
                "donnez le droit de lecture à l’utilisateur qui lance engage (`chmod a+r`, ou `a+rx` pour un dossier)",
                "give read permission to the user running engage (`chmod a+r`, or `a+rx` for a folder)",
            ),
        ),
        IsADirectory => (
            Text::new("c’est un dossier", "it is a folder"),
            Text::new(
                "un fichier est attendu ici : renommez ou déplacez le dossier",
                "a file is expected here: rename or move the folder",
            ),
        ),
        NotADirectory => (
            Text::new(
                "un fichier se trouve là où un dossier est attendu",
                "a file stands where a folder is expected",
            ),
            Text::new(
                "renommez ou déplacez ce fichier",
                "rename or move that file",
            ),
        ),
        _ => (
            Text::new(
                format!("le système répond « {e} »"),
                format!("the system says \"{e}\""),
            ),
            Text::new(
                "vérifiez que le fichier est lisible (droits, disque) et relancez",
                "check that the file can be read (permissions, disk) and run again",
            ),
        ),
    }
}

/// The text of `bytes` read from `file`, or the diagnostic pointing at the
/// first byte that is not UTF-8.
pub fn decode(file: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        invalid_utf8(file, e.as_bytes(), valid)
    })
}

/// The diagnostic for a file that is not UTF-8, at the first bad byte.
pub fn invalid_utf8(file: &Path, bytes: &[u8], valid_up_to: usize) -> Diagnostic {
    let good = &bytes[..valid_up_to.min(bytes.len())];
    let line = good.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    let line_start = good
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let column = String::from_utf8_lossy(&good[line_start..]).chars().count() as u32 + 1;
    Diagnostic::error(
        ENCODING,
        file,
        Position::new(line, column),
        Text::new(
            "le fichier n’est pas encodé en UTF-8",
            "the file is not encoded in UTF-8",
        ),
    )
    .with_hint(Text::new(
        "enregistrez-le en UTF-8 depuis votre éditeur (Enregistrer sous… > Encodage : UTF-8)",
        "save it as UTF-8 from your editor (Save as… > Encoding: UTF-8)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_cannot_be_read_is_said_in_both_languages_with_what_to_do() {
        let missing = ReadError::Io(io::Error::from(io::ErrorKind::NotFound))
            .into_diagnostic(RuleId::new("page.encoding"), Path::new("content/x.fr.md"));
        assert_eq!(missing.rule.as_str(), "page.encoding");
        assert_eq!(missing.message.fr, "lecture impossible : il n’existe pas");
        assert_eq!(missing.message.en, "cannot read: it does not exist");
        assert!(missing.hint.is_some_and(|h| h.en.contains("--root")));
        // A reason with no words of ours keeps the system's, said as its.
        let other = ReadError::Io(io::Error::other("disk on fire"))
            .into_diagnostic(RuleId::new("page.encoding"), Path::new("content/x.fr.md"));
        assert_eq!(
            other.message.fr,
            "lecture impossible : le système répond « disk on fire »"
        );
        assert_eq!(
            other.message.en,
            "cannot read: the system says \"disk on fire\""
        );
    }

    #[test]
    fn overlay_adds_replaces_and_hides_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/a")).unwrap();
        std::fs::write(dir.path().join("content/a/x.fr.md"), "disk").unwrap();
        std::fs::write(dir.path().join("content/y.fr.md"), "disk").unwrap();
        let mut o = Overlay::new(Disk::new(dir.path()));
        o.set("content/a/x.fr.md", b"buffer".to_vec());
        o.remove("content/y.fr.md");
        o.set("content/b/z.fr.md", b"new".to_vec());
        assert_eq!(o.read(Path::new("content/a/x.fr.md")).unwrap(), b"buffer");
        assert!(o.read(Path::new("content/y.fr.md")).is_err());
        let names: Vec<_> = o
            .list(Path::new("content"))
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.kind))
            .collect();
        assert_eq!(
            names,
            [("a".to_string(), Kind::Dir), ("b".to_string(), Kind::Dir)]
        );
        let (files, errors) = walk(&o, Path::new("content"), Hidden::Skip);
        assert!(errors.is_empty());
        let files: Vec<_> = files.into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            files,
            [
                PathBuf::from("content/a/x.fr.md"),
                PathBuf::from("content/b/z.fr.md")
            ]
        );
    }

    #[test]
    fn disk_refuses_paths_that_leave_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let d = Disk::new(dir.path());
        assert!(d.read(Path::new("../etc/passwd")).is_err());
        assert!(d.read(Path::new("/etc/passwd")).is_err());
    }

    #[test]
    fn disk_reads_a_file_whole_an_empty_one_and_refuses_one_too_large() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "0123456789").unwrap();
        std::fs::write(dir.path().join("empty.md"), "").unwrap();
        let d = Disk::new(dir.path());
        let read = |p: &str, limit| match d.read_at_most(Path::new(p), limit).unwrap() {
            Bounded::Bytes(b) => Ok(b),
            Bounded::TooBig(n) => Err(n),
        };
        assert_eq!(read("a.md", 10), Ok(b"0123456789".to_vec()));
        assert_eq!(read("a.md", 9), Err(10));
        assert_eq!(read("empty.md", 10), Ok(Vec::new()));
        // Larger than std's 8 KiB read step, and not a multiple of it.
        let big: Vec<u8> = (0..20_001u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.path().join("big.md"), &big).unwrap();
        assert_eq!(read("big.md", 20_001), Ok(big));
    }

    #[test]
    fn invalid_utf8_points_at_the_first_bad_byte() {
        let d = decode(Path::new("a.md"), b"ok\nab\xffc".to_vec()).unwrap_err();
        assert_eq!(d.rule, ENCODING);
        assert_eq!((d.position.line, d.position.column), (2, 3));
    }

    #[test]
    fn normalise_keeps_links_inside_or_marks_them_outside() {
        assert_eq!(normalise(Path::new("a/b/../c")), Some(PathBuf::from("a/c")));
        assert!(normalise(Path::new("../../etc")).unwrap().is_absolute());
    }
}

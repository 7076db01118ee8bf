//! What a run read, to tell later, cheaply and for sure, whether reading
//! again would give the same answers.
//!
//! [`Recording`] wraps a [`Source`] and notes every question asked of it —
//! a file read, a folder listed, a kind, a size, a link resolved — with a
//! digest of the answer, missing files and errors included. The resulting
//! [`Trace`] is the exact set of inputs of the run, whatever loader asked:
//! no list of folders to keep in step with the loaders, and a file created
//! where a loader looked (a new page) changes the listing it saw.
//! [`Trace::holds`] asks the same questions again and compares.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::source::{Bounded, Entry, Source};

/// One question asked of a source.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Query {
    Read(PathBuf),
    List(PathBuf),
    Kind(PathBuf),
    Size(PathBuf),
    Resolve(PathBuf),
}

impl Query {
    /// What is compared: the kind of question, then the path's bytes. A
    /// run asks ten thousand questions and each is sorted in among the
    /// others; comparing bytes is several times cheaper than comparing
    /// paths component by component, and the paths are all spelled by the
    /// same loader, so the same path is the same bytes.
    fn key(&self) -> (u8, &[u8]) {
        let (kind, path) = match self {
            Query::Read(p) => (0, p),
            Query::List(p) => (1, p),
            Query::Kind(p) => (2, p),
            Query::Size(p) => (3, p),
            Query::Resolve(p) => (4, p),
        };
        (kind, path.as_os_str().as_encoded_bytes())
    }
}

impl PartialEq for Query {
    fn eq(&self, other: &Query) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Query {}

impl PartialOrd for Query {
    fn partial_cmp(&self, other: &Query) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Query {
    fn cmp(&self, other: &Query) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

/// A digest of an answer: 128 bits of BLAKE3, as hexadecimal.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Digest(String);

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest::from_hasher(blake3::Hasher::new().update(bytes))
    }

    /// The digest of what `h` was fed (for bytes hashed as they are
    /// written, never held whole).
    pub fn from_hasher(h: &blake3::Hasher) -> Digest {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let hash = h.finalize();
        let mut s = String::with_capacity(32);
        for b in &hash.as_bytes()[..16] {
            s.push(HEX[usize::from(b >> 4)] as char);
            s.push(HEX[usize::from(b & 0xf)] as char);
        }
        Digest(s)
    }

    /// The digest of an answer, tagged by what it is so that an error and
    /// a file holding the error's text never share one.
    fn tagged(tag: &str, bytes: &[u8]) -> Digest {
        let mut h = blake3::Hasher::new();
        h.update(tag.as_bytes());
        h.update(&[0]);
        h.update(bytes);
        Digest::from_hasher(&h)
    }
}

fn error_digest(e: &io::Error) -> Digest {
    // The kind, not the message: messages may carry paths or locale.
    Digest::tagged("error", format!("{:?}", e.kind()).as_bytes())
}

fn read_digest(answer: &io::Result<Vec<u8>>) -> Digest {
    match answer {
        Ok(bytes) => Digest::tagged("file", bytes),
        Err(e) => error_digest(e),
    }
}

fn list_digest(answer: &io::Result<Vec<Entry>>) -> Digest {
    match answer {
        Ok(entries) => {
            let mut text = String::new();
            for e in entries {
                use std::fmt::Write;
                let _ = write!(text, "{:?}\0{}\0", e.kind, e.name);
            }
            Digest::tagged("list", text.as_bytes())
        }
        Err(e) => error_digest(e),
    }
}

fn debug_digest(tag: &str, answer: &impl fmt::Debug) -> Digest {
    Digest::tagged(tag, format!("{answer:?}").as_bytes())
}

/// Asks `query` of `source`, returning the digest of its answer.
fn ask(source: &dyn Source, query: &Query) -> Digest {
    match query {
        Query::Read(p) => read_digest(&source.read(p)),
        Query::List(p) => list_digest(&source.list(p)),
        Query::Kind(p) => debug_digest("kind", &source.kind(p)),
        Query::Size(p) => debug_digest("size", &source.size(p)),
        Query::Resolve(p) => debug_digest("resolve", &source.resolve(p)),
    }
}

/// Every question a run asked of its source, with the digest of the
/// answer it got.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    /// Sorted by question; pairs rather than a map, as JSON keys are
    /// strings only.
    answers: Vec<(Query, Digest)>,
}

impl Trace {
    /// Whether `source` gives the same answer to every question, now.
    /// Asked in parallel: a site is thousands of small files.
    pub fn holds(&self, source: &dyn Source) -> bool {
        self.answers.par_iter().all(|(q, d)| ask(source, q) == *d)
    }

    /// The questions whose answer changed, with the answer's new digest:
    /// what a build over an existing output has to take in. Asked in
    /// parallel, like [`Trace::holds`], and as complete: every question.
    pub fn changes(&self, source: &dyn Source) -> Vec<(Query, Digest)> {
        self.answers
            .par_iter()
            .filter_map(|(q, d)| {
                let now = ask(source, q);
                (now != *d).then(|| (q.clone(), now))
            })
            .collect()
    }

    /// The digest of the answer `query` got, if it was asked.
    pub fn answer(&self, query: &Query) -> Option<&Digest> {
        self.answers
            .binary_search_by(|(q, _)| q.cmp(query))
            .ok()
            .map(|i| &self.answers[i].1)
    }

    /// This trace with the answers of `changes` in place of the old ones.
    pub fn updated(&self, changes: &[(Query, Digest)]) -> Trace {
        let mut answers: BTreeMap<Query, Digest> = self.answers.iter().cloned().collect();
        answers.extend(changes.iter().cloned());
        Trace {
            answers: answers.into_iter().collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.answers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }
}

/// A source that notes every question asked and its answer.
#[derive(Debug)]
pub struct Recording<S> {
    inner: S,
    answers: Mutex<BTreeMap<Query, Digest>>,
    /// Set when a question got two different answers in one run: a file
    /// changed while it was being read, and the run saw both versions.
    unstable: AtomicBool,
}

impl<S> Recording<S> {
    pub fn new(inner: S) -> Recording<S> {
        Recording {
            inner,
            answers: Mutex::new(BTreeMap::new()),
            unstable: AtomicBool::new(false),
        }
    }

    /// A recording that starts from the answers of `known`, checked just
    /// before: questions a run does not ask again are vouched for by it,
    /// and one asked again with another answer (the file changed since)
    /// makes the run vouch for nothing, as within one run.
    pub fn seeded(inner: S, known: &Trace) -> Recording<S> {
        Recording {
            inner,
            answers: Mutex::new(known.answers.iter().cloned().collect()),
            unstable: AtomicBool::new(false),
        }
    }

    fn note(&self, query: Query, digest: Digest) {
        let Ok(mut answers) = self.answers.lock() else {
            self.unstable.store(true, Ordering::Relaxed);
            return;
        };
        match answers.get(&query) {
            Some(d) if *d != digest => self.unstable.store(true, Ordering::Relaxed),
            Some(_) => {}
            None => {
                answers.insert(query, digest);
            }
        }
    }

    /// What was asked so far, or `None` when some answer changed during the
    /// run (or the notes were lost): then nothing can be vouched for.
    pub fn trace(&self) -> Option<Trace> {
        if self.unstable.load(Ordering::Relaxed) {
            return None;
        }
        let answers = self.answers.lock().ok()?;
        Some(Trace {
            answers: answers
                .iter()
                .map(|(q, d)| (q.clone(), d.clone()))
                .collect(),
        })
    }
}

impl<S: Source> Source for Recording<S> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let answer = self.inner.read(path);
        self.note(Query::Read(path.to_path_buf()), read_digest(&answer));
        answer
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let answer = self.inner.list(dir);
        self.note(Query::List(dir.to_path_buf()), list_digest(&answer));
        answer
    }
    fn kind(&self, path: &Path) -> Option<crate::core::source::Kind> {
        let answer = self.inner.kind(path);
        self.note(
            Query::Kind(path.to_path_buf()),
            debug_digest("kind", &answer),
        );
        answer
    }
    fn size(&self, path: &Path) -> Option<u64> {
        let answer = self.inner.size(path);
        self.note(
            Query::Size(path.to_path_buf()),
            debug_digest("size", &answer),
        );
        answer
    }
    fn resolve(&self, path: &Path) -> Option<PathBuf> {
        let answer = self.inner.resolve(path);
        self.note(
            Query::Resolve(path.to_path_buf()),
            debug_digest("resolve", &answer),
        );
        answer
    }
    fn history(&self) -> Option<&Path> {
        self.inner.history()
    }
    /// Noted as the read it is when the file is within the limit (its
    /// bytes answer for its size too), as the size that stopped it
    /// otherwise: what a size then a read would have noted, in one
    /// question.
    fn read_at_most(&self, path: &Path, limit: u64) -> io::Result<Bounded> {
        let answer = self.inner.read_at_most(path, limit);
        match &answer {
            Ok(Bounded::TooBig(size)) => self.note(
                Query::Size(path.to_path_buf()),
                debug_digest("size", &Some(*size)),
            ),
            Ok(Bounded::Bytes(bytes)) => self.note(
                Query::Read(path.to_path_buf()),
                Digest::tagged("file", bytes),
            ),
            Err(e) => self.note(Query::Read(path.to_path_buf()), error_digest(e)),
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::source::Disk;

    #[test]
    fn a_digest_is_the_first_128_bits_of_blake3_in_hexadecimal() {
        for bytes in [&b""[..], b"abc", &[0xff; 100]] {
            let full = blake3::hash(bytes).to_hex();
            assert_eq!(format!("{:?}", Digest::of(bytes)), &full[..32]);
        }
    }

    #[test]
    fn a_trace_holds_until_a_file_read_or_a_folder_listed_changes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/a.md"), "a").unwrap();
        let rec = Recording::new(Disk::new(dir.path()));
        rec.list(Path::new("content")).unwrap();
        rec.read(Path::new("content/a.md")).unwrap();
        assert!(rec.read(Path::new("content/absent.md")).is_err());
        assert_eq!(rec.kind(Path::new("templates")), None);
        let trace = rec.trace().unwrap();
        assert_eq!(trace.len(), 4);
        let disk = Disk::new(dir.path());
        assert!(trace.holds(&disk));

        // Same size, other bytes.
        std::fs::write(dir.path().join("content/a.md"), "b").unwrap();
        assert!(!trace.holds(&disk));
        std::fs::write(dir.path().join("content/a.md"), "a").unwrap();
        assert!(trace.holds(&disk));
        // A file appears where a read had found nothing.
        std::fs::write(dir.path().join("content/absent.md"), "").unwrap();
        assert!(!trace.holds(&disk));
        std::fs::remove_file(dir.path().join("content/absent.md")).unwrap();
        assert!(trace.holds(&disk));
        // A folder appears where the run asked for one.
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        assert!(!trace.holds(&disk));
    }

    #[test]
    fn changes_name_the_questions_answered_otherwise_and_seed_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "a").unwrap();
        std::fs::write(dir.path().join("b.md"), "b").unwrap();
        let rec = Recording::new(Disk::new(dir.path()));
        rec.read(Path::new("a.md")).unwrap();
        rec.read(Path::new("b.md")).unwrap();
        let trace = rec.trace().unwrap();
        let disk = Disk::new(dir.path());
        assert!(trace.changes(&disk).is_empty());

        std::fs::write(dir.path().join("b.md"), "B").unwrap();
        let changes = trace.changes(&disk);
        let b = Query::Read(PathBuf::from("b.md"));
        assert_eq!(
            changes.iter().map(|(q, _)| q).collect::<Vec<_>>(),
            [&b],
            "only b.md"
        );
        let next = trace.updated(&changes);
        assert!(next.holds(&disk));
        assert_ne!(next.answer(&b), trace.answer(&b));
        assert_eq!(
            next.answer(&Query::Read(PathBuf::from("a.md"))),
            trace.answer(&Query::Read(PathBuf::from("a.md")))
        );

        // A run seeded with the checked answers vouches for what it did
        // not ask again, and for nothing once an answer moves under it.
        let seeded = Recording::seeded(Disk::new(dir.path()), &next);
        seeded.read(Path::new("b.md")).unwrap();
        assert_eq!(seeded.trace(), Some(next.clone()));
        std::fs::write(dir.path().join("b.md"), "changed again").unwrap();
        seeded.read(Path::new("b.md")).unwrap();
        assert_eq!(seeded.trace(), None);
    }

    #[test]
    fn two_answers_to_one_question_vouch_for_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "a").unwrap();
        let rec = Recording::new(Disk::new(dir.path()));
        rec.read(Path::new("a.md")).unwrap();
        assert!(rec.trace().is_some());
        std::fs::write(dir.path().join("a.md"), "changed").unwrap();
        rec.read(Path::new("a.md")).unwrap();
        assert_eq!(rec.trace(), None);
    }

    #[test]
    fn a_trace_survives_its_stored_form() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "a").unwrap();
        let rec = Recording::new(Disk::new(dir.path()));
        rec.read(Path::new("a.md")).unwrap();
        rec.list(Path::new("")).unwrap();
        let trace = rec.trace().unwrap();
        let json = serde_json::to_string(&trace).unwrap();
        let back: Trace = serde_json::from_str(&json).unwrap();
        assert_eq!(back, trace);
        assert!(back.holds(&Disk::new(dir.path())));
    }
}

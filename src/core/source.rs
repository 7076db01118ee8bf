//! Where a run's files come from.
//!
//! Every input is read through a source, at one edge, so that the same
//! loaders work on the folder on disk, on a git tree at a revision (the base
//! and head of a pull request, without a checkout) and on the disk with an
//! editor's unsaved buffers laid over it (`serve`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The text of the files a run has read, so that diagnostics can be shown
/// with their source lines without reading anything again (the file may
/// have changed since, or may only exist in a git tree or in memory).
pub trait SourceText {
    /// The text of `path` (relative to the root) as it was read, if it was
    /// read and is UTF-8.
    fn text(&self, path: &Path) -> Option<Arc<str>>;
}

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

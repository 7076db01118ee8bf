//! What loading learned of each page, kept between two builds of the same
//! output, so that a build after an edit parses only the pages that changed
//! and renders only what depends on them.
//!
//! For each published page the cache holds, under the digest of the bytes
//! it was parsed from (the digest the build's [`Trace`] noted for reading
//! that file): its front matter, what the Markdown scan found that
//! checking needs (headings and their anchors, links, images without alt
//! text, unsafe URLs), the diagnostics parsing it gave, and, when the site
//! has a search index, the stems the page adds to it. Not its text nor its
//! events: a page taken from the cache is a *summary*
//! ([`Page::is_summary`]: its text is empty), enough for addresses, lists,
//! breadcrumbs, the sitemap and link checking; a page whose body an output
//! needs is read and parsed again ([`Site::hydrate`]). With it the [`Shape`] of the site that was
//! built: a build whose site has another shape renders everything.
//!
//! Where: in `.engage-cache/` beside the output folder (where the build
//! lock and staging folders already are), not inside it: the output is
//! what gets deployed (rsync, a web server), and megabytes of cache there
//! would be uploaded after every edit. The manifest, inside the output,
//! names the digest of the cache written with it ([`Vouch::cache`]): a
//! cache that is not exactly those bytes (another build's, half written,
//! edited) is not used. Any doubt means a full build.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::core::diagnostic::{Diagnostic, Position};
use crate::core::lang::Lang;
use crate::core::trace::{Digest, Query, Trace};
use crate::core::values::Located;
use crate::site::content::Parsed;
use crate::site::incremental::Shape;
use crate::site::manifest::{Stored, Vouch};
use crate::site::markdown::{Heading, LinkRef, Scan};
use crate::site::page::{Page, PageKind};
use crate::site::search::Packed;
use crate::site::Site;

/// The cache's folder, beside the output folder.
pub const CACHE_DIR: &str = ".engage-cache";
/// Bumped whenever the stored form changes meaning.
const FORMAT: u32 = 5;

/// A position as stored: line, column, length.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Pos(u32, u32, u32);

impl From<Position> for Pos {
    fn from(p: Position) -> Pos {
        Pos(p.line, p.column, p.len)
    }
}

impl From<Pos> for Position {
    fn from(p: Pos) -> Position {
        Position::new(p.0, p.1).with_len(p.2)
    }
}

fn located(l: &Located<String>) -> (String, Pos) {
    (l.value.clone(), l.at.into())
}

fn unlocated((value, at): (String, Pos)) -> Located<String> {
    Located {
        value,
        at: at.into(),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredHeading {
    level: u8,
    id: String,
    title: String,
    explicit: bool,
    at: Pos,
    span: (usize, usize),
}

/// A page without its text and events: everything loading and checking
/// ask of a page that is not rendered.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Summary {
    key: String,
    lang: Lang,
    /// 0 home, 1 section, 2 page.
    kind: u8,
    title: String,
    description: String,
    date: Option<String>,
    updated: Option<String>,
    draft: bool,
    weight: Option<i64>,
    slug: String,
    slug_at: Option<Pos>,
    template: Option<(String, Pos)>,
    aliases: Vec<(String, Pos)>,
    /// `extra` as JSON text: the stored form is not self-describing.
    extra: String,
    programme: Option<(String, Pos)>,
    body_start: usize,
    body_line: u32,
    headings: Vec<StoredHeading>,
    links: Vec<(String, Pos)>,
    local_links: Vec<(String, Pos)>,
    images_without_alt: Vec<Pos>,
    duplicate_ids: Vec<(String, Pos)>,
    footnotes: Vec<String>,
    unsafe_urls: Vec<(String, Pos)>,
    html_too_deep: Option<Pos>,
    /// Classes and attributes after headings: (written, instead, at).
    heading_extras: Vec<(String, String, Pos)>,
    unclosed_comment: Option<Pos>,
    raw_html: bool,
}

fn kind_code(k: PageKind) -> u8 {
    match k {
        PageKind::Home => 0,
        PageKind::Section => 1,
        PageKind::Page => 2,
    }
}

impl Summary {
    fn of(p: &Page) -> Summary {
        let link = |l: &LinkRef| (l.dest.clone(), l.position.into());
        Summary {
            key: p.key.clone(),
            lang: p.lang,
            kind: kind_code(p.kind),
            title: p.title.clone(),
            description: p.description.clone(),
            date: p.date.map(|d| d.to_string()),
            updated: p.updated.map(|d| d.to_string()),
            draft: p.draft,
            weight: p.weight,
            slug: p.slug.clone(),
            slug_at: p.slug_at.map(Pos::from),
            template: p.template.as_ref().map(located),
            aliases: p.aliases.iter().map(located).collect(),
            extra: p.extra.to_string(),
            programme: p.programme.as_ref().map(located),
            body_start: p.body_start,
            body_line: p.body_line,
            headings: p
                .scan
                .headings
                .iter()
                .map(|h| StoredHeading {
                    level: h.level,
                    id: h.id.clone(),
                    title: h.title.clone(),
                    explicit: h.explicit,
                    at: h.position.into(),
                    span: (h.span.start, h.span.end),
                })
                .collect(),
            links: p.scan.links.iter().map(link).collect(),
            local_links: p.scan.local_links.iter().map(link).collect(),
            images_without_alt: p
                .scan
                .images_without_alt
                .iter()
                .map(|&x| x.into())
                .collect(),
            duplicate_ids: p
                .scan
                .duplicate_ids
                .iter()
                .map(|(id, at)| (id.clone(), (*at).into()))
                .collect(),
            footnotes: p.scan.footnotes.clone(),
            unsafe_urls: p.scan.unsafe_urls.iter().map(link).collect(),
            html_too_deep: p.scan.html_too_deep.map(Pos::from),
            heading_extras: p
                .scan
                .heading_extras
                .iter()
                .map(|x| (x.written.clone(), x.instead.clone(), x.position.into()))
                .collect(),
            unclosed_comment: p.scan.unclosed_comment.map(Pos::from),
            raw_html: p.scan.raw_html,
        }
    }

    /// The page back, without text or events; `None` when a stored value
    /// does not read back (then the file is parsed again).
    fn page(&self, file: PathBuf) -> Option<Page> {
        let date = |d: &Option<String>| -> Option<Option<jiff::civil::Date>> {
            match d {
                Some(s) => s.parse().ok().map(Some),
                None => Some(None),
            }
        };
        let link = |(dest, at): &(String, Pos)| LinkRef {
            dest: dest.clone(),
            position: (*at).into(),
        };
        Some(Page {
            key: self.key.clone(),
            lang: self.lang,
            kind: match self.kind {
                0 => PageKind::Home,
                1 => PageKind::Section,
                2 => PageKind::Page,
                _ => return None,
            },
            file,
            title: self.title.clone(),
            description: self.description.clone(),
            date: date(&self.date)?,
            updated: date(&self.updated)?,
            draft: self.draft,
            weight: self.weight,
            slug: self.slug.clone(),
            slug_at: self.slug_at.map(Position::from),
            template: self.template.clone().map(unlocated),
            aliases: self.aliases.iter().cloned().map(unlocated).collect(),
            extra: serde_json::from_str(&self.extra).ok()?,
            programme: self.programme.clone().map(unlocated),
            text: Arc::from(""),
            body_start: self.body_start,
            body_line: self.body_line,
            scan: Scan {
                headings: self
                    .headings
                    .iter()
                    .map(|h| Heading {
                        level: h.level,
                        id: h.id.clone(),
                        title: h.title.clone(),
                        explicit: h.explicit,
                        position: h.at.into(),
                        span: h.span.0..h.span.1,
                    })
                    .collect(),
                links: self.links.iter().map(link).collect(),
                local_links: self.local_links.iter().map(link).collect(),
                images_without_alt: self.images_without_alt.iter().map(|&p| p.into()).collect(),
                duplicate_ids: self
                    .duplicate_ids
                    .iter()
                    .map(|(id, at)| (id.clone(), (*at).into()))
                    .collect(),
                footnotes: self.footnotes.clone(),
                unsafe_urls: self.unsafe_urls.iter().map(link).collect(),
                html_too_deep: self.html_too_deep.map(Position::from),
                heading_extras: self
                    .heading_extras
                    .iter()
                    .map(
                        |(written, instead, at)| crate::site::markdown::HeadingExtra {
                            written: written.clone(),
                            instead: instead.clone(),
                            position: (*at).into(),
                        },
                    )
                    .collect(),
                unclosed_comment: self.unclosed_comment.map(Position::from),
                raw_html: self.raw_html,
                tape: Default::default(),
            },
        })
    }
}

/// What one content file gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// The digest the trace noted for reading the file.
    digest: Digest,
    page: Summary,
    /// What parsing it found (warnings: a build with errors keeps no
    /// cache).
    diagnostics: Vec<Stored>,
    /// The text stems of the page's search entries, when its language has
    /// a search index ([`Site::search_stems`]).
    search: Option<Vec<Vec<Packed>>>,
}

/// The cache of one output folder.
#[derive(Debug, Serialize, Deserialize)]
pub struct PageCache {
    format: u32,
    /// The site that was built: a build whose site has another shape
    /// renders everything.
    pub shape: Shape,
    /// By content file, relative to the site root.
    pages: HashMap<PathBuf, Entry>,
}

/// [`PageCache`] as written: the same fields in the same order, so the
/// same bytes, with its pages made one at a time from the site.
#[derive(Serialize)]
struct Out<'a> {
    format: u32,
    shape: Shape,
    pages: OutPages<'a>,
}

/// The pages of [`Out`], serialised as the map `PageCache::pages` reads.
struct OutPages<'a> {
    site: &'a Site,
    trace: &'a Trace,
    parsed: &'a HashMap<PathBuf, Vec<Diagnostic>>,
    stems: &'a crate::site::Stems,
}

/// An [`Entry`] as written, borrowing what it can.
#[derive(Serialize)]
struct OutEntry<'a> {
    digest: &'a Digest,
    page: Summary,
    diagnostics: Vec<Stored>,
    search: Option<&'a Vec<Vec<Packed>>>,
}

impl Serialize for OutPages<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap};
        let pages = &self.site.library.pages;
        let mut map = s.serialize_map(Some(pages.len()))?;
        for (id, p) in pages.iter().enumerate() {
            let digest = self
                .trace
                .answer(&Query::Read(p.file.clone()))
                .ok_or_else(|| S::Error::custom("a page was not read through the trace"))?;
            let diagnostics = self
                .parsed
                .get(&p.file)
                .map(|ds| ds.iter().map(Stored::from).collect())
                .unwrap_or_default();
            map.serialize_entry(
                &p.file,
                &OutEntry {
                    digest,
                    page: Summary::of(p),
                    diagnostics,
                    search: self.stems.get(&id).map(|s| &**s),
                },
            )?;
        }
        map.end()
    }
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: blake3::Hasher,
}

impl<W: io::Write> io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The cache file of output folder `target`.
pub fn path_of(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    crate::site::output::parent_of(target)
        .join(CACHE_DIR)
        .join(format!("{name}.postcard"))
}

/// A page cache written but not yet in place: removed when dropped.
pub struct Staged {
    file: tempfile::NamedTempFile,
    digest: Digest,
}

impl Staged {
    /// Puts the cache where the next build over `target` looks for it, and
    /// returns the digest its manifest names.
    pub fn keep(self, target: &Path) -> io::Result<Digest> {
        let path = path_of(target);
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
        self.file.persist(&path).map_err(|e| e.error)?;
        Ok(self.digest)
    }
}

impl PageCache {
    /// Writes the cache of a built `site` for output folder `target` into
    /// a temporary file beside it, to be put in place by [`Staged::keep`]
    /// once the build succeeded (a failed build leaves nothing): each page
    /// with the digest `trace` noted for its file, what parsing it found
    /// (`parsed`, by file) and its search stems (`stems`, by page id)
    /// where given. Each page's entry is made and serialised in turn
    /// straight into the file, so that the cache of a large site never
    /// stands whole in memory beside the site. An error, and no cache,
    /// when some page's file was not read through the trace.
    pub fn stage(
        site: &Site,
        trace: &Trace,
        parsed: &HashMap<PathBuf, Vec<Diagnostic>>,
        stems: &crate::site::Stems,
        target: &Path,
    ) -> io::Result<Staged> {
        let cache = Out {
            format: FORMAT,
            shape: Shape::of(site),
            pages: OutPages {
                site,
                trace,
                parsed,
                stems,
            },
        };
        // Named as a staging folder is: a build that died leaves it to the
        // next one to remove.
        let tmp = crate::site::output::staged_file(target)?;
        // The hasher sits under the buffer: postcard writes a few bytes at a
        // time, and BLAKE3 pays per call, so it is fed whole buffers.
        let mut out = io::BufWriter::with_capacity(
            1 << 16,
            Hashing {
                inner: tmp,
                hasher: blake3::Hasher::new(),
            },
        );
        postcard::to_io(&cache, &mut out).map_err(io::Error::other)?;
        let out = out.into_inner().map_err(|e| e.into_error())?;
        Ok(Staged {
            digest: Digest::from_hasher(&out.hasher),
            file: out.inner,
        })
    }

    /// The cache of output folder `target`, when it is the one `vouch`
    /// names.
    pub fn read(target: &Path, vouch: &Vouch) -> Option<PageCache> {
        let expected = vouch.cache.as_ref()?;
        let bytes = std::fs::read(path_of(target)).ok()?;
        if Digest::of(&bytes) != *expected {
            return None;
        }
        let cache: PageCache = postcard::from_bytes(&bytes).ok()?;
        (cache.format == FORMAT).then_some(cache)
    }

    /// The page of `file` as loaded from the bytes whose read digest is
    /// `digest`, without its text: `None` when the cache does not have
    /// those bytes.
    pub fn summary(&self, file: &Path, digest: &Digest) -> Option<Parsed> {
        let e = self.pages.get(file).filter(|e| e.digest == *digest)?;
        let page = e.page.page(file.to_path_buf())?;
        Some((
            Some(page),
            e.diagnostics
                .iter()
                .cloned()
                .map(Diagnostic::from)
                .collect(),
        ))
    }

    /// The page of `file` as it was when the cache was written, whatever
    /// its bytes are now: what its neighbours showed of it.
    pub fn previous(&self, file: &Path) -> Option<Page> {
        self.pages.get(file)?.page.page(file.to_path_buf())
    }

    /// The search stems the cache holds for `file` when parsed from bytes
    /// of `digest`.
    pub fn stems(&self, file: &Path, digest: &Digest) -> Option<&Vec<Vec<Packed>>> {
        self.pages
            .get(file)
            .filter(|e| e.digest == *digest)?
            .search
            .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_gives_back_the_page_but_its_text_and_events() {
        let text = "---\ntitle: Stage\ndate: 2026-03-01\nweight: 2\nslug: stage\n\
aliases: [/old/]\nextra: {a: [1, 2]}\nprogramme: ceci\n---\n\
# Un titre {#un}\n\nVoir [là](@/faq.md#q) et ![](x.png).\n\n## Un titre {#un}\n";
        let (page, _) = crate::site::page::parse(
            PathBuf::from("content/s/stage.fr.md"),
            "s/stage".into(),
            Lang::Fr,
            PageKind::Page,
            Arc::from(text),
        );
        let page = page.unwrap();
        let stored = Summary::of(&page);
        let bytes = postcard::to_stdvec(&stored).unwrap();
        let back: Summary = postcard::from_bytes(&bytes).unwrap();
        let back = back.page(page.file.clone()).unwrap();
        assert!(back.is_summary() && !page.is_summary());
        assert_eq!(
            (&back.key, back.lang, back.kind, &back.title, back.date),
            (&page.key, page.lang, page.kind, &page.title, page.date)
        );
        assert_eq!(
            (back.weight, &back.slug, back.slug_at, &back.extra),
            (
                Some(2),
                &page.slug,
                Some(Position::new(5, 7).with_len(5)),
                &page.extra
            )
        );
        assert_eq!(back.aliases, page.aliases);
        assert_eq!(back.programme, page.programme);
        assert_eq!(back.scan.headings, page.scan.headings);
        assert_eq!(back.scan.links, page.scan.links);
        assert_eq!(back.scan.local_links, page.scan.local_links);
        assert_eq!(back.scan.local_links.len(), 1);
        assert_eq!(back.scan.images_without_alt, page.scan.images_without_alt);
        assert_eq!(back.scan.duplicate_ids, page.scan.duplicate_ids);
        assert_eq!(back.scan.duplicate_ids.len(), 1);
        assert_eq!(back.body_line, page.body_line);
    }
}

//! Markdown parsed once per page, its events replayed.
//!
//! `scan` runs while loading and is the only parse of a page: it finds
//! headings (anchors), internal links and images without alt text, with
//! their lines, so the whole site's links can be checked before anything is
//! rendered, and records the events on a [`Tape`]. `render_events` runs
//! while building, on the replayed events: it rewrites `@/` links, gives
//! headings their ids and applies French typography, then writes HTML. The
//! search index reads the same tape. All are pure functions of the text.

mod tape;

pub use tape::Tape;

use std::collections::VecDeque;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::core::diagnostic::Position;
use crate::core::lang::Lang;
use crate::core::url;
use crate::site::slug::{slugify, AnchorSet};
use crate::site::typography;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A heading of a page and its anchor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    /// True when written `{#id}`: such ids survive rewording.
    #[serde(skip)]
    pub explicit: bool,
    #[serde(skip)]
    pub position: Position,
    /// Byte range of the heading in the body, so that structured pages (the
    /// FAQ) can take the text between two headings.
    #[serde(skip)]
    pub span: std::ops::Range<usize>,
}

/// A link written in the page, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub dest: String,
    pub position: Position,
}

/// Classes and attributes written after a heading (`## Title {#id .c
/// key=value}`): only the anchor is kept, as the rest would reach the page
/// unchecked (`onfocus=…` runs a script), and a space in an anchor
/// (`{#mes heures}`) silently cuts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingExtra {
    /// The refused parts, classes first: `.note onfocus=…`.
    pub written: String,
    /// The attribute block to write instead (`{#mes-heures}`), or empty
    /// when the heading has no anchor to keep.
    pub instead: String,
    pub position: Position,
}

/// What `scan` learns of a body. Positions are in the content file.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub headings: Vec<Heading>,
    /// `@/…` links and `#anchor` links (external links are not checked).
    pub links: Vec<LinkRef>,
    /// Links and images written as an address of the site (`/fr/faq/`,
    /// `photo.jpg`, `stage.md`) rather than `@/`: checked against what the
    /// build publishes, as a visitor would follow them.
    pub local_links: Vec<LinkRef>,
    pub images_without_alt: Vec<Position>,
    /// Explicit heading ids used twice: (id, position of the second use).
    pub duplicate_ids: Vec<(String, Position)>,
    /// Footnote names: pulldown-cmark gives their definitions these ids.
    pub footnotes: Vec<String>,
    /// Links, images and URL attributes of raw HTML whose scheme is not
    /// allowed (`javascript:`…), as the browser would read them.
    pub unsafe_urls: Vec<LinkRef>,
    /// Where raw HTML first nests deeper than [`MAX_HTML_DEPTH`].
    pub html_too_deep: Option<Position>,
    /// Headings written with classes or attributes besides their anchor.
    pub heading_extras: Vec<HeadingExtra>,
    /// Where an HTML comment opens (`<!--`) that is never closed: all the
    /// page after it is hidden.
    pub unclosed_comment: Option<Position>,
    /// Whether the body has raw HTML: its rendering then goes through the
    /// sanitiser, which resolves its links too (see [`render_events`]).
    pub raw_html: bool,
    /// The body's events, replayed by rendering and search.
    pub tape: Tape,
}

/// How deep raw HTML in a page may nest. Real pages stay under a dozen
/// levels; a hundred thousand nested `<div>` made the sanitiser's tree
/// building take minutes.
pub const MAX_HTML_DEPTH: i64 = 100;

/// Elements that never have content, so never nest.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// The nesting of raw HTML across the pieces of one page.
#[derive(Default)]
struct Nesting(i64);

impl Nesting {
    /// Follows `html`; true when it goes deeper than [`MAX_HTML_DEPTH`].
    fn follow(&mut self, html: &str) -> bool {
        let (depth, deepest) = html_depth(html, self.0);
        self.0 = depth;
        deepest > MAX_HTML_DEPTH
    }
}

/// Follows the nesting of the tags of `html`, starting at `depth`; returns
/// the depth after it and the deepest point reached. A rough count (no
/// comments or attributes with `>` inside), enough to bound the work.
fn html_depth(html: &str, mut depth: i64) -> (i64, i64) {
    let mut deepest = depth;
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        let at = i + off + 1;
        i = at;
        match bytes.get(at) {
            Some(b'/') => depth -= 1,
            Some(b) if b.is_ascii_alphabetic() => {
                let name_end = bytes[at..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .map_or(bytes.len(), |n| at + n);
                let name = html[at..name_end].to_ascii_lowercase();
                let end = bytes[at..].iter().position(|&b| b == b'>').map(|n| at + n);
                let self_closing = end.is_some_and(|e| e > 0 && bytes[e - 1] == b'/');
                if !self_closing && !VOID.contains(&name.as_str()) {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
            _ => {}
        }
    }
    (depth.max(0), deepest)
}

impl Scan {
    /// The events of `body` (the text this scan was made of) whose source
    /// starts inside `range`: a whole body, or the blocks between two
    /// headings (an FAQ answer).
    pub fn events<'a>(
        &'a self,
        body: &'a str,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = Event<'a>> {
        self.tape
            .events(body)
            .filter(move |(at, _)| range.contains(at))
            .map(|(_, e)| e)
    }

    pub fn has_anchor(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id == id)
    }
    pub fn footnote_anchor(&self, id: &str) -> bool {
        self.footnotes.iter().any(|f| f == id)
    }
}

/// Maps byte offsets in a body to file positions.
struct Lines {
    starts: Vec<usize>,
    first_line: u32,
}

impl Lines {
    fn new(text: &str, first_line: u32) -> Self {
        let mut starts = vec![0];
        // memchr's SIMD search: the std `match_indices` read a byte or a
        // word at a time, 2% of a build for every page's lines.
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { starts, first_line }
    }
    fn position(&self, text: &str, offset: usize) -> Position {
        let idx = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts[idx];
        let col = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        Position::new(idx as u32 + self.first_line, col as u32 + 1)
    }
}

/// Markdown parses since the process started, in debug builds: the test
/// that a build parses each page once reads it (tests/one_parse.rs).
#[cfg(debug_assertions)]
static PARSES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many bodies have been parsed; None in release builds, which do not
/// count.
pub fn parses() -> Option<usize> {
    #[cfg(debug_assertions)]
    return Some(PARSES.load(std::sync::atomic::Ordering::Relaxed));
    #[cfg(not(debug_assertions))]
    None
}

/// The one place a body is parsed.
fn parser(body: &str) -> Parser<'_> {
    #[cfg(debug_assertions)]
    PARSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Parser::new_ext(body, options())
}

fn level_num(l: HeadingLevel) -> u8 {
    l as u8
}

/// The one pass over a body: headings with unique anchors, links to check,
/// images without alt text, unsafe URLs, and the events on the tape.
/// `first_line` is the line of the file where `body` starts.
pub fn scan(body: &str, first_line: u32) -> Scan {
    let lines = Lines::new(body, first_line);
    let mut out = Scan::default();
    // Headings as found: (level, explicit id, title, start, end). Their ids
    // are given after the pass: explicit ids win over generated ones
    // wherever they appear in the page.
    let mut found: Vec<(u8, Option<String>, String, usize, usize)> = Vec::new();
    let mut heading: Option<(u8, Option<String>, String, usize)> = None;
    let mut image: Option<(String, usize)> = None;
    // An HTML block comes as several events; its tags are read whole.
    let mut html_block: Option<(usize, String)> = None;
    let mut nesting = Nesting::default();
    for (ev, range) in parser(body).into_offset_iter() {
        out.tape.push(body, range.start, &ev);
        match &ev {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if url::disallowed_scheme(dest_url).is_some() =>
            {
                out.unsafe_urls
                    .push(dest_ref(dest_url, range.clone(), body, &lines));
            }
            // An e-mail autolink (`<a@b.org>`) carries no `mailto:` here;
            // pulldown-cmark writes it.
            Event::Start(Tag::Link {
                link_type: LinkType::Email,
                ..
            }) => {}
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if url::is_local(dest_url) =>
            {
                out.local_links
                    .push(dest_ref(dest_url, range.clone(), body, &lines));
            }
            Event::Start(Tag::HtmlBlock) => {
                out.raw_html = true;
                html_block = Some((range.start, String::new()))
            }
            Event::Html(h) => {
                out.raw_html = true;
                match html_block.as_mut() {
                    Some((_, text)) => text.push_str(h),
                    None => scan_html(h, range.start, body, &lines, &mut out),
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((start, text)) = html_block.take() {
                    // A comment block runs to its `-->`, or to the end of
                    // the page when there is none.
                    if out.unclosed_comment.is_none()
                        && text.trim_start().starts_with("<!--")
                        && !text.contains("-->")
                    {
                        let at = start + body[start..].find("<!--").unwrap_or(0);
                        out.unclosed_comment = Some(lines.position(body, at).with_len(4));
                    }
                    if nesting.follow(&text) && out.html_too_deep.is_none() {
                        out.html_too_deep = Some(lines.position(body, start));
                    }
                    scan_html(&text, start, body, &lines, &mut out);
                }
            }
            Event::InlineHtml(h) => {
                out.raw_html = true;
                if nesting.follow(h) && out.html_too_deep.is_none() {
                    out.html_too_deep = Some(lines.position(body, range.start));
                }
                scan_html(h, range.start, body, &lines, &mut out)
            }
            _ => {}
        }
        match ev {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                if !classes.is_empty() || !attrs.is_empty() {
                    out.heading_extras.push(heading_extra(
                        &body[range.clone()],
                        range.start,
                        id.as_deref(),
                        &classes,
                        &attrs,
                        body,
                        &lines,
                    ));
                }
                heading = Some((
                    level_num(level),
                    id.map(|i| i.to_string()),
                    String::new(),
                    range.start,
                ));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, id, title, start)) = heading.take() {
                    found.push((level, id, title, start, range.end));
                }
            }
            Event::Start(Tag::FootnoteDefinition(name)) => out.footnotes.push(name.to_string()),
            Event::Start(Tag::Image { .. }) => image = Some((String::new(), range.start)),
            Event::End(TagEnd::Image) => {
                if let Some((alt, start)) = image.take() {
                    if alt.trim().is_empty() {
                        out.images_without_alt.push(lines.position(body, start));
                    }
                }
            }
            Event::Start(Tag::Link { dest_url, .. })
                if dest_url.starts_with("@/") || dest_url.starts_with('#') =>
            {
                out.links
                    .push(dest_ref(&dest_url, range.clone(), body, &lines));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, title, _)) = heading.as_mut() {
                    title.push_str(&t);
                }
                if let Some((alt, _)) = image.as_mut() {
                    alt.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out.tape.shrink();
    let mut anchors = AnchorSet::default();
    let mut explicit_ids = std::collections::HashSet::new();
    for (_, id, _, start, _) in &found {
        if let Some(id) = id {
            if !explicit_ids.insert(id.as_str()) {
                out.duplicate_ids
                    .push((id.clone(), lines.position(body, *start)));
            }
            anchors.reserve(id);
        }
    }
    out.headings = found
        .into_iter()
        .map(|(level, id, title, start, end)| Heading {
            level,
            explicit: id.is_some(),
            id: match id {
                Some(id) => id,
                None => anchors.unique(&slugify(&title)),
            },
            title: title.trim().to_string(),
            position: lines.position(body, start),
            span: start..end,
        })
        .collect();
    out
}

/// What to say of a heading written with classes or attributes: the
/// refused parts, the block to write instead, and where the block starts
/// (`src`, the heading's source, begins at byte `start` of `body`).
fn heading_extra(
    src: &str,
    start: usize,
    id: Option<&str>,
    classes: &[CowStr],
    attrs: &[(CowStr, Option<CowStr>)],
    body: &str,
    lines: &Lines,
) -> HeadingExtra {
    let mut parts: Vec<String> = classes.iter().map(|c| format!(".{c}")).collect();
    parts.extend(attrs.iter().map(|(k, v)| match v {
        Some(v) => format!("{k}={v}"),
        None => k.to_string(),
    }));
    // Bare words after an anchor are an anchor written with spaces.
    let spaced = classes.is_empty() && attrs.iter().all(|(_, v)| v.is_none());
    let instead = match id {
        Some(id) if spaced => {
            let words: Vec<&str> = std::iter::once(id)
                .chain(attrs.iter().map(|(k, _)| &**k))
                .collect();
            format!("{{#{}}}", words.join("-"))
        }
        Some(id) => format!("{{#{id}}}"),
        None => String::new(),
    };
    // The block is the last `{` of the heading's first line (a setext
    // heading's underline follows it).
    let line = src.split('\n').next().unwrap_or(src);
    let (at, len) = match line.rfind('{') {
        Some(i) => {
            let block = &line[i..];
            let end = block.find('}').map_or(block.len(), |j| j + 1);
            (start + i, block[..end].chars().count())
        }
        None => (start, line.chars().count()),
    };
    HeadingExtra {
        written: parts.join(" "),
        instead,
        position: lines.position(body, at).with_len(len as u32),
    }
}

/// Attributes of raw HTML that browsers load or follow as URLs.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "xlink:href",
    "action",
    "formaction",
    "data",
    "poster",
    "cite",
    "longdesc",
    "ping",
    "background",
];

/// A link's destination with its position: the destination itself, not
/// the link text (which may repeat it); where it is written otherwise than
/// it reads (`a\_b`, `&amp;`, `<a b>`), what follows the link's `](`; else
/// the link's start (a reference link's destination is elsewhere).
fn dest_ref(dest: &str, range: std::ops::Range<usize>, body: &str, lines: &Lines) -> LinkRef {
    let link = &body[range.clone()];
    let (at, len) = match link.rfind(dest) {
        Some(i) => (i, dest.chars().count()),
        None => match link.rfind("](") {
            Some(open) => {
                let written = &link[open + 2..];
                let start =
                    written.len() - written.trim_start_matches([' ', '\t', '\n', '<']).len();
                let written = &written[start..];
                let end = written
                    .find(|c: char| c.is_whitespace() || c == ')' || c == '>')
                    .unwrap_or(written.len());
                (open + 2 + start, written[..end].chars().count())
            }
            None => (0, dest.chars().count()),
        },
    };
    LinkRef {
        dest: dest.to_string(),
        position: lines.position(body, range.start + at).with_len(len as u32),
    }
}

/// Finds in the raw HTML `html` (found at byte `start` of `body`) the URL
/// attributes whose scheme is not allowed, and the images without `alt`.
/// The values are read by html5ever's tokenizer, the one ammonia uses, so
/// character references (`&#106;`, `&colon;`, `&Tab;`) are decoded exactly
/// as a browser would.
fn scan_html(html: &str, start: usize, body: &str, lines: &Lines, out: &mut Scan) {
    use html5ever::tokenizer::{
        BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
    };
    /// URLs refused, and `<img>` without `alt` (an empty `alt=""` marks
    /// a decorative image on purpose), each with its line in `html`.
    #[derive(Default)]
    struct Found {
        urls: Vec<(String, u64)>,
        images: Vec<u64>,
        local: Vec<(String, u64)>,
    }
    struct Sink(std::cell::RefCell<Found>);
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
            if let Token::TagToken(tag) = token {
                if tag.kind == TagKind::StartTag
                    && &*tag.name == "img"
                    && !tag.attrs.iter().any(|a| &*a.name.local == "alt")
                {
                    self.0.borrow_mut().images.push(line);
                }
                for a in &tag.attrs {
                    let name = match &a.name.prefix {
                        Some(p) => format!("{}:{}", p, a.name.local),
                        None => a.name.local.to_string(),
                    };
                    if URL_ATTRIBUTES.contains(&name.as_str())
                        && url::disallowed_scheme(&a.value).is_some()
                    {
                        self.0.borrow_mut().urls.push((a.value.to_string(), line));
                    } else if matches!((&*tag.name, name.as_str()), ("a", "href") | ("img", "src"))
                        && tag.kind == TagKind::StartTag
                        && url::is_local(&a.value)
                    {
                        // Only what the sanitiser keeps and visitors
                        // follow: a `<script src>` never reaches the page.
                        self.0.borrow_mut().local.push((a.value.to_string(), line));
                    }
                }
            }
            TokenSinkResult::Continue
        }
    }
    // Cheap test first: most raw HTML has no URL and no image at all.
    if !html.contains('=') && !html.contains("<img") && !html.contains("<IMG") {
        return;
    }
    let tokenizer = Tokenizer::new(Sink(Default::default()), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let first = lines.position(body, start);
    let at = |line: u64| {
        let line_offset = line.saturating_sub(1) as u32;
        if line_offset == 0 {
            first
        } else {
            Position::new(first.line + line_offset, 1)
        }
    };
    let found = tokenizer.sink.0.take();
    for (dest, line) in found.urls {
        out.unsafe_urls.push(LinkRef {
            dest,
            position: at(line),
        });
    }
    out.images_without_alt
        .extend(found.images.into_iter().map(at));
    out.local_links
        .extend(found.local.into_iter().map(|(dest, line)| LinkRef {
            dest,
            position: at(line),
        }));
}

/// Emits the joined text run, with French spacing when `typeset`.
fn flush<'a>(
    pending: &mut Option<CowStr<'a>>,
    events: &mut VecDeque<Event<'a>>,
    prev: &mut Option<char>,
    typeset: bool,
) {
    if let Some(text) = pending.take() {
        let text = if typeset {
            match typography::french(&text, *prev) {
                std::borrow::Cow::Borrowed(_) => text,
                std::borrow::Cow::Owned(s) => CowStr::from(s),
            }
        } else {
            text
        };
        *prev = text.chars().last().or(*prev);
        events.push_back(Event::Text(text));
    }
}

/// Turns a link's destination into its URL: an `@/…` page link, or an
/// address written from the site's root; None leaves it as written.
pub type Resolve<'r> = dyn Fn(&str) -> Option<String> + Sync + 'r;

/// HTML for a body, parsing it: for tests and one-off texts. The build
/// renders the events recorded by [`scan`] with [`render_events`].
pub fn render(body: &str, headings: &[Heading], lang: Lang, resolve: &Resolve) -> String {
    let raw_html = scan(body, 1).raw_html;
    render_events(parser(body), headings, lang, resolve, raw_html)
}

/// HTML for a body's events. `headings` are the headings among them, from
/// the body's `scan`; `resolve` turns an `@/…` destination or an address
/// from the site's root into a URL (None leaves it as written: the build
/// has already reported it). When the body has raw HTML (`raw_html`, from
/// its scan), the sanitiser resolves every link, those of the Markdown and
/// those typed in HTML alike, and the events leave them as written: each
/// link is resolved once, by one of the two.
pub fn render_events<'a>(
    source: impl Iterator<Item = Event<'a>>,
    headings: &[Heading],
    lang: Lang,
    resolve: &Resolve,
    raw_html: bool,
) -> String {
    // Events go to the HTML writer as they come, a few at a time: a page
    // of two million table cells never holds them all at once.
    let mut source = source.into_iter();
    let mut events: VecDeque<Event> = VecDeque::with_capacity(4);
    let mut done = false;
    let mut heading_ids = headings.iter().map(|h| h.id.as_str());
    let mut in_code = false;
    let mut in_image = 0usize;
    let mut prev: Option<char> = None;
    let french = lang == Lang::Fr;
    // pulldown-cmark may split one run of text into several events; join them
    // so typography sees "mot !" whole.
    let mut pending: Option<CowStr> = None;
    let resolved = |dest: CowStr<'a>| -> CowStr<'a> {
        if raw_html || !(dest.starts_with("@/") || dest.starts_with('/')) {
            return dest;
        }
        resolve(&dest).map(CowStr::from).unwrap_or(dest)
    };
    let stream = std::iter::from_fn(|| loop {
        if let Some(ev) = events.pop_front() {
            return Some(ev);
        }
        if done {
            return None;
        }
        let Some(ev) = source.next() else {
            flush(
                &mut pending,
                &mut events,
                &mut prev,
                french && !in_code && in_image == 0,
            );
            done = true;
            continue;
        };
        if let Event::Text(t) = ev {
            pending = Some(match pending.take() {
                None => t,
                Some(p) => CowStr::from(format!("{p}{t}")),
            });
            continue;
        }
        flush(
            &mut pending,
            &mut events,
            &mut prev,
            french && !in_code && in_image == 0,
        );
        let ev = match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                prev = None;
                // Only the anchor: classes and attributes were reported by
                // `scan` and never reach the page, even where the build
                // goes on (`engage check`).
                Event::Start(Tag::Heading {
                    level,
                    id: heading_ids.next().map(|s| CowStr::from(s.to_string())),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                })
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // A refused scheme was reported by `scan`; it never reaches
                // the HTML, even where the build goes on (`engage check`).
                let dest_url = if url::disallowed_scheme(&dest_url).is_some() {
                    CowStr::from("#")
                } else {
                    resolved(dest_url)
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::CodeBlock(k)) => {
                in_code = true;
                Event::Start(Tag::CodeBlock(k))
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                Event::End(TagEnd::CodeBlock)
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                in_image += 1;
                let dest_url = if url::disallowed_scheme(&dest_url).is_some() {
                    CowStr::from("")
                } else {
                    resolved(dest_url)
                };
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Image) => {
                in_image = in_image.saturating_sub(1);
                Event::End(TagEnd::Image)
            }
            Event::Code(c) => {
                prev = c.chars().last();
                Event::Code(c)
            }
            // A task list's box is a drawing, not a form control: an
            // <input type=checkbox> without a label is an accessibility
            // error (WCAG 4.1.2), and nobody can tick it on a public page.
            Event::TaskListMarker(done) => {
                prev = None;
                Event::Text(CowStr::from(if done {
                    "\u{2611}\u{A0}"
                } else {
                    "\u{2610}\u{A0}"
                }))
            }
            Event::Start(
                t @ (Tag::Paragraph
                | Tag::Item
                | Tag::TableCell
                | Tag::BlockQuote(_)
                | Tag::FootnoteDefinition(_)),
            ) => {
                prev = None;
                Event::Start(t)
            }
            other => other,
        };
        events.push_back(ev);
    });
    let mut html = String::with_capacity(8 * 1024);
    pulldown_cmark::html::push_html(&mut html, stream);
    if raw_html {
        html = sanitize(&html, resolve);
    }
    html
}

/// HTML typed into a page by its author goes through ammonia: scripts,
/// styles, event handlers and unknown tags are removed and unclosed tags
/// closed, so that nothing written in content/ can break the published
/// site. Only pages that contain raw HTML pay for it.
/// Links are resolved here, through `resolve`, on a page with raw HTML:
/// `@/` links and addresses from the site's root, written in Markdown or
/// in HTML (`href="/photo.png"`), each once.
fn sanitize<'r>(html: &str, resolve: &'r Resolve<'r>) -> String {
    struct Links<'r, 's>(&'r Resolve<'s>);
    impl<'a> ammonia::UrlRelativeEvaluate<'a> for Links<'a, 'a> {
        fn evaluate<'u>(&self, u: &'u str) -> Option<std::borrow::Cow<'u, str>> {
            use std::borrow::Cow;
            let resolved = if u.starts_with("@/") {
                // Written by pulldown-cmark, which percent-encodes what
                // is not ASCII (`@/actualit%C3%A9s/…`): read as written.
                (self.0)(&percent_encoding::percent_decode_str(u).decode_utf8_lossy())
            } else if u.starts_with('/') {
                (self.0)(u)
            } else {
                None
            };
            Some(resolved.map_or(Cow::Borrowed(u), Cow::Owned))
        }
    }
    ammonia::Builder::default()
        .url_relative(ammonia::UrlRelative::Custom(Box::new(Links(resolve))))
        .add_generic_attributes(["id", "class"])
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .link_rel(None)
        .url_schemes(url::ALLOWED_SCHEMES.iter().copied().collect())
        .clean(html)
        .to_string()
}

/// Calls `f` with each run of text of `events`, without markup, for the
/// search index: cheaper than rendering, and links' targets are not words
/// of the page.
pub fn for_each_text<'a>(events: impl Iterator<Item = Event<'a>>, mut f: impl FnMut(&str)) {
    for ev in events {
        if let Event::Text(t) | Event::Code(t) = ev {
            f(&t);
        }
    }
}

/// The visible text of an HTML fragment we rendered: tags removed, the
/// entities pulldown-cmark writes decoded, whitespace collapsed. Used where
/// machine-readable text must match what visitors read (JSON-LD, search).
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            _ => out.push(c),
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let mut text = String::with_capacity(decoded.len());
    for word in decoded.split_ascii_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    // Tags around punctuation leave a space before it ("<b>x</b>." → "x .").
    for p in [".", ",", ")"] {
        text = text.replace(&format!(" {p}"), p);
    }
    text
}

pub use crate::core::html::script_safe_json;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_schemes_are_found_and_never_reach_the_html() {
        let body = "[a](javascript:alert(1))\n\n<javascript:alert(2)>\n\n![i](data:text/html,x)\n\n[b](&#106;avascript:alert(3))\n\n<p><a href=\"java&Tab;script&colon;alert(4)\">x</a> <img src=\"vbscript:x\"></p>\n\nok <a href='JAVASCRIPT:alert(5)'>y</a> [ok](https://x.org) [m](mailto:a@b.org)\n";
        let scan = scan(body, 1);
        let lines: Vec<u32> = scan.unsafe_urls.iter().map(|u| u.position.line).collect();
        assert_eq!(lines, [1, 3, 5, 7, 9, 9, 11], "{:?}", scan.unsafe_urls);
        let html = render(body, &scan.headings, Lang::En, &|_| None);
        // Every attribute value that is a URL: the text of an autolink may
        // still read `javascript:…`, harmlessly.
        for attr in ["href=\"", "src=\""] {
            for (i, _) in html.match_indices(attr) {
                let value = &html[i + attr.len()..];
                let value = &value[..value.find('"').unwrap()];
                assert_eq!(url::disallowed_scheme(value), None, "{value} in {html}");
            }
        }
        assert!(!html.contains("<a href='"), "{html}");
        assert!(html.contains("href=\"https://x.org\"") && html.contains("mailto:a@b.org"));
    }

    #[test]
    fn heading_classes_and_attributes_are_reported_and_never_reach_the_html() {
        let body = "## Bienvenue {#welcome tabindex=0 autofocus onfocus=document.body.append(1)}\n\nTexte.\n\n### Mes heures {#mes heures}\n\n## Note {.note style=color:red}\n\n## Plain {#plain}\n\nSetext {onclick=x}\n---\n";
        let s = scan(body, 3);
        let found: Vec<(&str, &str, u32, u32, u32)> = s
            .heading_extras
            .iter()
            .map(|x| {
                let p = x.position;
                (
                    x.written.as_str(),
                    x.instead.as_str(),
                    p.line,
                    p.column,
                    p.len,
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "tabindex=0 autofocus onfocus=document.body.append(1)",
                    "{#welcome}",
                    3,
                    14,
                    63
                ),
                ("heures", "{#mes-heures}", 7, 16, 13),
                (".note style=color:red", "", 9, 9, 23),
                ("onclick=x", "", 13, 8, 11),
            ]
        );
        let html = render(body, &s.headings, Lang::Fr, &|_| None);
        let doc = scraper::Html::parse_fragment(&html);
        let headings = scraper::Selector::parse("h2, h3").unwrap();
        let attrs: Vec<Vec<(String, String)>> = doc
            .select(&headings)
            .map(|h| {
                h.value()
                    .attrs()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            })
            .collect();
        let id = |v: &str| vec![("id".to_string(), v.to_string())];
        assert_eq!(
            attrs,
            [
                id("welcome"),
                id("mes"),
                id("note"),
                id("plain"),
                id("setext")
            ]
        );
    }

    #[test]
    fn html_images_without_alt_are_found_like_markdown_ones() {
        let body = "<p>\n<img src=\"a.png\">\n</p>\n\nTexte <img src=b.png alt=\"\"> et <IMG SRC=c.png>\n\n![](d.png) ![D](e.png)\n";
        let lines: Vec<u32> = scan(body, 1)
            .images_without_alt
            .iter()
            .map(|p| p.line)
            .collect();
        // `alt=""` is a decorative image, said so on purpose.
        assert_eq!(lines, [2, 5, 7]);
    }

    #[test]
    fn a_comment_never_closed_is_found_where_it_opens() {
        let at = |body: &str| {
            scan(body, 4)
                .unclosed_comment
                .map(|p| (p.line, p.column, p.len))
        };
        assert_eq!(
            at("Texte.\n\n  <!-- à revoir\n\n## Suite\n\nTout est caché.\n"),
            Some((6, 3, 4))
        );
        assert_eq!(at("<!-- une note -->\n\nTexte.\n"), None);
        assert_eq!(at("<!--\nplusieurs\n\nlignes\n-->\n\nTexte.\n"), None);
        assert_eq!(at("Texte <!-- en ligne\n"), None);
    }

    fn html(body: &str, lang: Lang) -> String {
        let s = scan(body, 1);
        render(body, &s.headings, lang, &|d| {
            d.strip_prefix("@/").map(|r| format!("/resolved/{r}"))
        })
    }

    #[test]
    fn headings_get_unique_readable_anchors() {
        let s = scan(
            "# Qu’est-ce que le CECi ?\n\n## Contact\n\n## Contact\n\n## Mine {#own}\n",
            5,
        );
        let ids: Vec<_> = s
            .headings
            .iter()
            .map(|h| (h.id.as_str(), h.position.line))
            .collect();
        assert_eq!(
            ids,
            [
                ("quest-ce-que-le-ceci", 5),
                ("contact", 7),
                ("contact-1", 9),
                ("own", 11)
            ]
        );
        assert!(s.headings[3].explicit);
    }

    #[test]
    fn explicit_ids_are_reserved_before_generated_ones() {
        let s = scan("## A\n\n## B {#a}\n", 1);
        let ids: Vec<_> = s.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["a-1", "a"]);
    }

    #[test]
    fn duplicate_explicit_ids_are_found() {
        let s = scan("## A {#x}\n\n## B {#x}\n", 1);
        assert_eq!(s.duplicate_ids, [("x".to_string(), Position::new(3, 1))]);
    }

    #[test]
    fn links_and_images_are_located() {
        let s = scan(
            "Intro\n\nSee [the FAQ](@/faq.md#x) and ![](a.png) and [web](https://x.org).\n",
            10,
        );
        assert_eq!(
            s.links,
            [LinkRef {
                dest: "@/faq.md#x".into(),
                position: Position::new(12, 15).with_len(10)
            }]
        );
        assert_eq!(s.images_without_alt, [Position::new(12, 31)]);
        // Written otherwise than it reads: the destination as written,
        // after the `](`, not the link's start.
        let at = |body: &str| {
            let s = scan(body, 1);
            let p = s.links[0].position;
            (s.links[0].dest.clone(), p.line, p.column, p.len)
        };
        assert_eq!(
            at("Voir [le stage](@/ceci/st\\_age.md) ici.\n"),
            ("@/ceci/st_age.md".into(), 1, 17, 17)
        );
        assert_eq!(
            at("[x](@/a.md?x=1&amp;y=2)\n"),
            ("@/a.md?x=1&y=2".into(), 1, 5, 18)
        );
    }

    #[test]
    fn render_resolves_links_ids_and_french_spaces() {
        let out = html(
            "## Pourquoi ?\n\nVoir [la FAQ](@/faq.md) : **vite**!\n\n`a : b`\n\n```\nx ; y\n```\n",
            Lang::Fr,
        );
        assert!(
            out.contains("<h2 id=\"pourquoi\">Pourquoi\u{202F}?</h2>"),
            "{out}"
        );
        assert!(out.contains("href=\"/resolved/faq.md\""), "{out}");
        assert!(
            out.contains("</a>\u{A0}: <strong>vite</strong>\u{202F}!"),
            "{out}"
        );
        assert!(out.contains("<code>a : b</code>"), "{out}");
        assert!(out.contains("x ; y"), "{out}");
    }

    #[test]
    fn english_is_left_alone_and_extensions_work() {
        let out = html("Why?\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ note[^1]\n\n[^1]: foot\n", Lang::En);
        assert!(out.contains("Why?"));
        assert!(out.contains("<table>"));
        // A task's box is drawn as text: a form control would need a label.
        assert!(out.contains("<li>\u{2611}\u{A0}done</li>"), "{out}");
        assert!(!out.contains("<input"), "{out}");
        assert!(out.contains("<del>old</del>"));
        assert!(out.contains("footnote"));
    }

    #[test]
    fn links_are_resolved_once_with_or_without_raw_html() {
        // As the build resolves: `@/` pages and addresses from the root,
        // both under the site's path (here one pulldown-cmark encodes).
        let resolve = |d: &str| match d.strip_prefix("@/") {
            Some(page) => Some(format!("/écoles/{}", page.trim_end_matches(".md"))),
            None => url::under_base(d, "/écoles"),
        };
        let attrs = |body: &str, selector: &str, attr: &str| -> Vec<String> {
            let out = render(body, &scan(body, 1).headings, Lang::En, &resolve);
            let doc = scraper::Html::parse_fragment(&out);
            let sel = scraper::Selector::parse(selector).unwrap();
            doc.select(&sel)
                .filter_map(|e| e.value().attr(attr).map(str::to_string))
                .map(|u| {
                    percent_encoding::percent_decode_str(&u)
                        .decode_utf8_lossy()
                        .into_owned()
                })
                .collect()
        };
        let markdown = "[a](/fr/faq/) [b](photo.png) [c](@/actualités/x.md) [d](//cdn.example.org/x) <a@b.org> ![f](/img/f.png)\n";
        let links = [
            "/écoles/fr/faq/",
            "photo.png",
            "/écoles/actualités/x",
            "//cdn.example.org/x",
            "mailto:a@b.org",
        ];
        assert_eq!(attrs(markdown, "a", "href"), links);
        assert_eq!(attrs(markdown, "img", "src"), ["/écoles/img/f.png"]);
        // Raw HTML on the page: the sanitiser resolves the Markdown links
        // and the typed ones alike, each once.
        let raw = format!("{markdown}\n<a href=\"/en/\">g</a> <img src=\"/h.png\" alt=\"h\">\n");
        let mut with_raw = links.to_vec();
        with_raw.push("/écoles/en/");
        assert_eq!(attrs(&raw, "a", "href"), with_raw);
        assert_eq!(
            attrs(&raw, "img", "src"),
            ["/écoles/img/f.png", "/écoles/h.png"]
        );
    }

    #[test]
    fn raw_html_is_sanitised_and_balanced() {
        let out = html("## Titre\n\n<div onclick=\"x()\"><script>alert(1)</script><b>gras</b>\n\nSuite [lien](@/a.md).\n", Lang::En);
        assert!(!out.contains("script") && !out.contains("onclick"), "{out}");
        assert!(out.contains("<b>gras</b>"));
        assert!(out.contains("<h2 id=\"titre\">"), "ids survive: {out}");
        assert!(out.contains("href=\"/resolved/a.md\""));
        assert_eq!(
            out.matches("<div").count(),
            out.matches("</div>").count(),
            "balanced: {out}"
        );
        // Pages without raw HTML are left as pulldown-cmark wrote them.
        assert_eq!(
            html("plain *text*", Lang::En),
            "<p>plain <em>text</em></p>\n"
        );
    }

    #[test]
    fn text_of_html_and_safe_json() {
        assert_eq!(
            html_to_text("<p>A <strong>b</strong>.</p>\n<ul><li>x &amp; y</li></ul>"),
            "A b. x & y"
        );
        let j = script_safe_json(&serde_json::json!({"a": "</script>"}));
        assert_eq!(j, "{\"a\":\"\\u003c/script\\u003e\"}");
    }

    #[test]
    fn raw_html_nesting_is_followed_across_blocks() {
        let deep = format!("Texte.\n\n{}\n", "<div>".repeat(150));
        let s = scan(&deep, 5);
        assert_eq!(s.html_too_deep.map(|p| p.line), Some(7));
        let fine = format!(
            "{}<br><img src=\"a.png\"/>{}\n",
            "<div><span>".repeat(20),
            "</span></div>".repeat(20)
        );
        assert_eq!(scan(&fine, 1).html_too_deep, None);
        assert_eq!(html_depth("<p>a</p><p>b</p>", 0), (0, 1));
    }
}

//! A page's Markdown events recorded once, at load, in a few bytes each, and
//! replayed as many times as the build needs them (HTML, FAQ answers,
//! search text) without parsing the Markdown again.
//!
//! Holding the events themselves would cost about 14 KiB a page (an `Event`
//! is tens of bytes, a page hundreds of events), 140 MiB for 10,000 pages;
//! the tape holds one opcode byte an event, its source offset and, for text,
//! where the text lies in the body (pulldown-cmark's text is nearly always
//! a slice of it). The rare text that is not (entities decoded, joined
//! lines) is kept in `extra`.

use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType,
    MetadataBlockKind, Tag, TagEnd,
};

/// Recorded events of one Markdown body; replayed with [`Tape::events`]
/// against the same body.
#[derive(Debug, Clone, Default)]
pub struct Tape {
    bytes: Vec<u8>,
    /// Texts that are not slices of the body.
    extra: String,
    /// Offset of the last event pushed: offsets are stored as differences,
    /// and texts from where their event starts (mostly 0), in one byte.
    last: usize,
}

/// A signed difference as an unsigned number, small either way.
fn zigzag(from: usize, to: usize) -> u64 {
    let d = to as i64 - from as i64;
    ((d << 1) ^ (d >> 63)) as u64
}

fn unzigzag(from: usize, z: u64) -> Option<usize> {
    let d = ((z >> 1) as i64) ^ -((z & 1) as i64);
    usize::try_from(from as i64 + d).ok()
}

// Event opcodes.
const START: u8 = 0;
const END: u8 = 1;
const TEXT: u8 = 2;
const CODE: u8 = 3;
const INLINE_MATH: u8 = 4;
const DISPLAY_MATH: u8 = 5;
const HTML: u8 = 6;
const INLINE_HTML: u8 = 7;
const FOOTNOTE_REF: u8 = 8;
const SOFT_BREAK: u8 = 9;
const HARD_BREAK: u8 = 10;
const RULE: u8 = 11;
const TASK_OPEN: u8 = 12;
const TASK_DONE: u8 = 13;

impl Tape {
    fn varint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.bytes.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.bytes.push(n as u8);
    }

    /// A text as a range of `body` when it is a slice of it (its start
    /// relative to the event's), else of `extra`.
    fn text(&mut self, body: &str, s: &str) {
        let base = body.as_ptr() as usize;
        let at = s.as_ptr() as usize;
        let (start, in_extra) = if at >= base && at + s.len() <= base + body.len() {
            (zigzag(self.last, at - base), 0)
        } else {
            self.extra.push_str(s);
            ((self.extra.len() - s.len()) as u64, 1)
        };
        self.varint((start << 1) | in_extra);
        self.varint(s.len() as u64);
    }

    fn opt_text(&mut self, body: &str, s: Option<&str>) {
        match s {
            Some(s) => {
                self.bytes.push(1);
                self.text(body, s);
            }
            None => self.bytes.push(0),
        }
    }

    /// Appends `event`, found at byte `offset` of `body` (the body the
    /// parser read: texts are stored as ranges of it).
    pub fn push(&mut self, body: &str, offset: usize, event: &Event) {
        let op = match event {
            Event::Start(_) => START,
            Event::End(_) => END,
            Event::Text(_) => TEXT,
            Event::Code(_) => CODE,
            Event::InlineMath(_) => INLINE_MATH,
            Event::DisplayMath(_) => DISPLAY_MATH,
            Event::Html(_) => HTML,
            Event::InlineHtml(_) => INLINE_HTML,
            Event::FootnoteReference(_) => FOOTNOTE_REF,
            Event::SoftBreak => SOFT_BREAK,
            Event::HardBreak => HARD_BREAK,
            Event::Rule => RULE,
            Event::TaskListMarker(false) => TASK_OPEN,
            Event::TaskListMarker(true) => TASK_DONE,
        };
        self.bytes.push(op);
        self.varint(zigzag(self.last, offset));
        self.last = offset;
        match event {
            Event::Start(tag) => self.tag(body, tag),
            // The end is the one of the last open tag: nothing to store.
            Event::End(_) => {}
            Event::Text(s)
            | Event::Code(s)
            | Event::InlineMath(s)
            | Event::DisplayMath(s)
            | Event::Html(s)
            | Event::InlineHtml(s)
            | Event::FootnoteReference(s) => self.text(body, s),
            Event::SoftBreak | Event::HardBreak | Event::Rule | Event::TaskListMarker(_) => {}
        }
    }

    fn tag(&mut self, body: &str, tag: &Tag) {
        match tag {
            Tag::Paragraph => self.bytes.push(0),
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                self.bytes.push(1);
                self.bytes.push(*level as u8);
                self.opt_text(body, id.as_deref());
                self.varint(classes.len() as u64);
                for c in classes {
                    self.text(body, c);
                }
                self.varint(attrs.len() as u64);
                for (k, v) in attrs {
                    self.text(body, k);
                    self.opt_text(body, v.as_deref());
                }
            }
            Tag::BlockQuote(kind) => {
                self.bytes.push(2);
                self.bytes.push(match kind {
                    None => 0,
                    Some(BlockQuoteKind::Note) => 1,
                    Some(BlockQuoteKind::Tip) => 2,
                    Some(BlockQuoteKind::Important) => 3,
                    Some(BlockQuoteKind::Warning) => 4,
                    Some(BlockQuoteKind::Caution) => 5,
                });
            }
            Tag::CodeBlock(CodeBlockKind::Indented) => self.bytes.push(3),
            Tag::CodeBlock(CodeBlockKind::Fenced(info)) => {
                self.bytes.push(4);
                self.text(body, info);
            }
            Tag::HtmlBlock => self.bytes.push(5),
            Tag::List(None) => self.bytes.push(6),
            Tag::List(Some(n)) => {
                self.bytes.push(7);
                self.varint(*n);
            }
            Tag::Item => self.bytes.push(8),
            Tag::FootnoteDefinition(name) => {
                self.bytes.push(9);
                self.text(body, name);
            }
            Tag::DefinitionList => self.bytes.push(10),
            Tag::DefinitionListTitle => self.bytes.push(11),
            Tag::DefinitionListDefinition => self.bytes.push(12),
            Tag::Table(aligns) => {
                self.bytes.push(13);
                self.varint(aligns.len() as u64);
                for a in aligns {
                    self.bytes.push(match a {
                        Alignment::None => 0,
                        Alignment::Left => 1,
                        Alignment::Center => 2,
                        Alignment::Right => 3,
                    });
                }
            }
            Tag::TableHead => self.bytes.push(14),
            Tag::TableRow => self.bytes.push(15),
            Tag::TableCell => self.bytes.push(16),
            Tag::Emphasis => self.bytes.push(17),
            Tag::Strong => self.bytes.push(18),
            Tag::Strikethrough => self.bytes.push(19),
            Tag::Superscript => self.bytes.push(20),
            Tag::Subscript => self.bytes.push(21),
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }
            | Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => {
                self.bytes.push(if matches!(tag, Tag::Link { .. }) {
                    22
                } else {
                    23
                });
                self.bytes.push(match link_type {
                    LinkType::Inline => 0,
                    LinkType::Reference => 1,
                    LinkType::ReferenceUnknown => 2,
                    LinkType::Collapsed => 3,
                    LinkType::CollapsedUnknown => 4,
                    LinkType::Shortcut => 5,
                    LinkType::ShortcutUnknown => 6,
                    LinkType::Autolink => 7,
                    LinkType::Email => 8,
                    LinkType::WikiLink { has_pothole: false } => 9,
                    LinkType::WikiLink { has_pothole: true } => 10,
                });
                self.text(body, dest_url);
                self.text(body, title);
                self.text(body, id);
            }
            Tag::MetadataBlock(MetadataBlockKind::YamlStyle) => self.bytes.push(24),
            Tag::MetadataBlock(MetadataBlockKind::PlusesStyle) => self.bytes.push(25),
        }
    }

    /// The recorded events with their source offsets; `body` must be the
    /// text they were recorded from.
    pub fn events<'a>(&'a self, body: &'a str) -> Events<'a> {
        Events {
            tape: self,
            body,
            at: 0,
            last: 0,
            open: Vec::new(),
        }
    }

    /// Gives back what growing left unused: 10,000 tapes stay in memory
    /// for the whole build.
    pub fn shrink(&mut self) {
        self.bytes.shrink_to_fit();
        self.extra.shrink_to_fit();
    }

    /// Bytes held, for tests of the tape's size.
    pub fn size(&self) -> usize {
        self.bytes.len() + self.extra.len()
    }
}

/// Replays a [`Tape`]. A tape is only written by [`Tape::push`], so every
/// read below finds what was written; should it not, the replay stops
/// rather than panic.
pub struct Events<'a> {
    tape: &'a Tape,
    body: &'a str,
    at: usize,
    /// Offset of the current event.
    last: usize,
    /// Ends of the open tags, for `End` events.
    open: Vec<TagEnd>,
}

impl<'a> Events<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.tape.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
            shift += 7;
            if shift >= 64 {
                return None;
            }
        }
    }

    fn text(&mut self) -> Option<CowStr<'a>> {
        let at = self.varint()?;
        let len = self.varint()? as usize;
        let (source, start) = if at & 1 == 0 {
            (self.body, unzigzag(self.last, at >> 1)?)
        } else {
            (self.tape.extra.as_str(), (at >> 1) as usize)
        };
        source
            .get(start..start.checked_add(len)?)
            .map(CowStr::Borrowed)
    }

    fn opt_text(&mut self) -> Option<Option<CowStr<'a>>> {
        match self.byte()? {
            0 => Some(None),
            _ => self.text().map(Some),
        }
    }

    fn link_parts(&mut self) -> Option<(LinkType, CowStr<'a>, CowStr<'a>, CowStr<'a>)> {
        let link_type = match self.byte()? {
            0 => LinkType::Inline,
            1 => LinkType::Reference,
            2 => LinkType::ReferenceUnknown,
            3 => LinkType::Collapsed,
            4 => LinkType::CollapsedUnknown,
            5 => LinkType::Shortcut,
            6 => LinkType::ShortcutUnknown,
            7 => LinkType::Autolink,
            8 => LinkType::Email,
            9 => LinkType::WikiLink { has_pothole: false },
            10 => LinkType::WikiLink { has_pothole: true },
            _ => return None,
        };
        Some((link_type, self.text()?, self.text()?, self.text()?))
    }

    fn tag(&mut self) -> Option<Tag<'a>> {
        Some(match self.byte()? {
            0 => Tag::Paragraph,
            1 => {
                let level = HeadingLevel::try_from(self.byte()? as usize).ok()?;
                let id = self.opt_text()?;
                let classes = (0..self.varint()?)
                    .map(|_| self.text())
                    .collect::<Option<Vec<_>>>()?;
                let attrs = (0..self.varint()?)
                    .map(|_| Some((self.text()?, self.opt_text()?)))
                    .collect::<Option<Vec<_>>>()?;
                Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }
            }
            2 => Tag::BlockQuote(match self.byte()? {
                1 => Some(BlockQuoteKind::Note),
                2 => Some(BlockQuoteKind::Tip),
                3 => Some(BlockQuoteKind::Important),
                4 => Some(BlockQuoteKind::Warning),
                5 => Some(BlockQuoteKind::Caution),
                _ => None,
            }),
            3 => Tag::CodeBlock(CodeBlockKind::Indented),
            4 => Tag::CodeBlock(CodeBlockKind::Fenced(self.text()?)),
            5 => Tag::HtmlBlock,
            6 => Tag::List(None),
            7 => Tag::List(Some(self.varint()?)),
            8 => Tag::Item,
            9 => Tag::FootnoteDefinition(self.text()?),
            10 => Tag::DefinitionList,
            11 => Tag::DefinitionListTitle,
            12 => Tag::DefinitionListDefinition,
            13 => Tag::Table(
                (0..self.varint()?)
                    .map(|_| {
                        Some(match self.byte()? {
                            1 => Alignment::Left,
                            2 => Alignment::Center,
                            3 => Alignment::Right,
                            _ => Alignment::None,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?,
            ),
            14 => Tag::TableHead,
            15 => Tag::TableRow,
            16 => Tag::TableCell,
            17 => Tag::Emphasis,
            18 => Tag::Strong,
            19 => Tag::Strikethrough,
            20 => Tag::Superscript,
            21 => Tag::Subscript,
            22 => {
                let (link_type, dest_url, title, id) = self.link_parts()?;
                Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }
            }
            23 => {
                let (link_type, dest_url, title, id) = self.link_parts()?;
                Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }
            }
            24 => Tag::MetadataBlock(MetadataBlockKind::YamlStyle),
            25 => Tag::MetadataBlock(MetadataBlockKind::PlusesStyle),
            _ => return None,
        })
    }
}

impl<'a> Iterator for Events<'a> {
    /// The event and its byte offset in the body.
    type Item = (usize, Event<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let op = self.byte()?;
        let offset = unzigzag(self.last, self.varint()?)?;
        self.last = offset;
        let event = match op {
            START => {
                let tag = self.tag()?;
                self.open.push(tag.to_end());
                Event::Start(tag)
            }
            END => Event::End(self.open.pop()?),
            TEXT => Event::Text(self.text()?),
            CODE => Event::Code(self.text()?),
            INLINE_MATH => Event::InlineMath(self.text()?),
            DISPLAY_MATH => Event::DisplayMath(self.text()?),
            HTML => Event::Html(self.text()?),
            INLINE_HTML => Event::InlineHtml(self.text()?),
            FOOTNOTE_REF => Event::FootnoteReference(self.text()?),
            SOFT_BREAK => Event::SoftBreak,
            HARD_BREAK => Event::HardBreak,
            RULE => Event::Rule,
            TASK_OPEN => Event::TaskListMarker(false),
            TASK_DONE => Event::TaskListMarker(true),
            _ => return None,
        };
        Some((offset, event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    #[test]
    fn replays_every_kind_of_event_as_parsed() {
        let body = "---\nyaml: 1\n---\n# T {#id .c key=v}\n\n> [!NOTE]\n> q &amp; *e* **s** ~~d~~ ^up^ ~lo~\n\n    code\n\n```rust\nx\n```\n\n<div>\nraw\n</div>\n\n3. a\n4. b\n\n- [ ] t\n- [x] u\n\nTerm\n: def\n\n| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n\n[r][ref] [c][] [s] <https://x.org> <a@b.org> ![i](p.png \"t\") `c` <b>i</b>  \nline\nsoft $m$ $$d$$ x[^n]\n\n[^n]: note\n\n[ref]: /u \"T\"\n[c]: /c\n[s]: /s\n\n***\n";
        let options = Options::all();
        let mut tape = Tape::default();
        let parsed: Vec<(usize, Event)> = Parser::new_ext(body, options)
            .into_offset_iter()
            .map(|(e, r)| (r.start, e))
            .collect();
        for (at, e) in &parsed {
            tape.push(body, *at, e);
        }
        let replayed: Vec<(usize, Event)> = tape.events(body).collect();
        assert_eq!(replayed, parsed);
        // Text that is not in the body (the decoded `&amp;`) is kept apart.
        assert!(tape.extra.contains('&'), "{:?}", tape.extra);
    }

    #[test]
    fn a_page_s_tape_is_a_fraction_of_its_text() {
        // Prose as on the benchmark pages: a few events per sentence, about
        // three bytes an event.
        let prose = "Une phrase d’une vingtaine de mots sur l’engagement des étudiants dans une association du campus, avec des heures. ".repeat(3);
        let part = format!("## Partie : titre {{#p}}\n\n{prose}**Gras** et [lien](@/a.md#b) !\n\n{prose}\n\n- un\n- deux\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n");
        let body = part.repeat(20);
        let mut tape = Tape::default();
        let mut events = 0;
        for (e, r) in Parser::new_ext(&body, super::super::options()).into_offset_iter() {
            tape.push(&body, r.start, &e);
            events += 1;
        }
        assert!(
            tape.size() <= events * 4,
            "{} for {events} events",
            tape.size()
        );
        assert!(
            tape.size() * 5 < body.len(),
            "{} for {}",
            tape.size(),
            body.len()
        );
    }

    #[test]
    fn a_damaged_tape_ends_the_replay() {
        let tape = Tape {
            bytes: vec![TEXT, 0, 200],
            ..Tape::default()
        };
        assert_eq!(tape.events("short").count(), 0);
    }
}

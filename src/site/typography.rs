//! French typography: non-breaking spaces before `; : ! ?` and inside « ».
//!
//! Authors type ordinary spaces (or none); the renderer applies the rule on
//! text nodes only, so code, URLs in attributes and raw HTML are untouched.
//! A narrow no-break space (U+202F) goes before `; ! ?` and inside guillemets,
//! a no-break space (U+00A0) before the colon, as the Imprimerie nationale
//! recommends.

use std::borrow::Cow;

pub const NNBSP: char = '\u{202F}';
pub const NBSP: char = '\u{00A0}';

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// The first byte at or after `from` that may start a character [`french`]
/// acts on: `; : ! ?` or the first byte of « and » (U+00AB, U+00BB: 0xC2
/// 0xAB, 0xC2 0xBB). Two SIMD searches of memchr, the second only up to
/// where the first stopped: four times fewer instructions than a loop of
/// our own, on every run of text of every French page.
fn next_mark(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let first = memchr::memchr3(b';', b':', b'!', rest);
    let before = &rest[..first.unwrap_or(rest.len())];
    memchr::memchr2(b'?', 0xC2, before)
        .or(first)
        .map(|i| from + i)
}

/// Applies French spacing to `text`. `prev` is the character just before
/// `text` in the same paragraph (text split around emphasis or links), so
/// that `**Attention**!` still gets its space. Borrows `text` when nothing
/// changes.
///
/// It jumps from mark to mark rather than reading every character: most
/// of a text has none, and this ran on every run of text of every French
/// page (4% of a build when it decoded each character).
pub fn french(text: &str, prev: Option<char>) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    // A space right after a « that ended the previous piece of text.
    let lead = prev == Some('«') && text.starts_with([' ', '\t']);
    let first = next_mark(bytes, 0);
    if first.is_none() && !lead {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut changed = false;
    // Only the marks and the space after « change: the text between them
    // is copied in one piece.
    let mut copied = 0;
    if lead {
        out.reserve(text.len() + 8);
        out.push(NNBSP);
        copied = 1;
        changed = true;
    }
    let mut i = first.unwrap_or(bytes.len()).max(copied);
    while let Some(at) = next_mark(bytes, i) {
        i = at;
        let c = match (bytes[i], bytes.get(i + 1)) {
            (0xC2, Some(0xAB)) => '«',
            (0xC2, Some(0xBB)) => '»',
            (0xC2, _) => {
                i += 1;
                continue;
            }
            (b, _) => b as char,
        };
        let end = i + c.len_utf8();
        // The characters around the mark, as they are in `text`.
        let before = text[..i].chars().next_back().or(prev);
        let next = text[end..].chars().next();
        if out.capacity() == 0 {
            out.reserve(text.len() + 8);
        }
        out.push_str(&text[copied..i]);
        copied = end;
        match c {
            '«' => {
                out.push(c);
                match next {
                    // The space typed after « becomes a narrow one.
                    Some(n) if is_space(n) => {
                        out.push(NNBSP);
                        copied = end + 1;
                        changed = true;
                    }
                    Some(n) if !n.is_whitespace() => {
                        out.push(NNBSP);
                        changed = true;
                    }
                    _ => {}
                }
            }
            _ => {
                let space = if c == ':' { NBSP } else { NNBSP };
                let after_ok = match c {
                    // "18:00", "http://", "a:b" keep their colon as is.
                    ':' => next.is_none_or(char::is_whitespace),
                    '»' => true,
                    _ => next.is_none_or(|n| {
                        n.is_whitespace()
                            || matches!(n, '!' | '?' | ')' | '»' | '.' | ',' | '"' | '”')
                    }),
                };
                // Only the first of "?!" gets a space.
                let follows_mark = before.is_some_and(|b| matches!(b, '!' | '?' | NNBSP | NBSP));
                if after_ok && !follows_mark {
                    if before.is_some_and(is_space) && out.ends_with([' ', '\t']) {
                        out.pop();
                        out.push(space);
                        changed = true;
                    } else if before.is_some_and(|b| !b.is_whitespace() && b != '«') {
                        out.push(space);
                        changed = true;
                    }
                }
                out.push(c);
            }
        }
        i = copied;
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn next_mark_finds_the_first_of_the_five_bytes_from_where_it_starts() {
        let naive = |b: &[u8], from: usize| {
            b.get(from..)?
                .iter()
                .position(|&c| matches!(c, b';' | b':' | b'!' | b'?' | 0xC2))
                .map(|i| from + i)
        };
        let texts = [
            "",
            "sans rien",
            "a ? b ; c",
            "« cité » : oui !",
            "long text without any mark at all, long enough for the wide search!",
            "?;",
            ";?",
            "deux points: puis « guillemets »",
        ];
        for t in texts {
            let b = t.as_bytes();
            for from in 0..=b.len() + 1 {
                assert_eq!(next_mark(b, from), naive(b, from), "{t:?} from {from}");
            }
        }
    }

    /// The character-by-character version [`french`] replaced, kept as
    /// the oracle it must agree with.
    fn reference(text: &str, prev: Option<char>) -> String {
        let mut out = String::with_capacity(text.len() + 8);
        let mut before = prev;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            match c {
                ';' | '!' | '?' | ':' | '»' => {
                    let space = if c == ':' { NBSP } else { NNBSP };
                    let after_ok = match c {
                        ':' => next.is_none_or(char::is_whitespace),
                        '»' => true,
                        _ => next.is_none_or(|n| {
                            n.is_whitespace()
                                || matches!(n, '!' | '?' | ')' | '»' | '.' | ',' | '"' | '”')
                        }),
                    };
                    let follows_mark =
                        before.is_some_and(|b| matches!(b, '!' | '?' | NNBSP | NBSP));
                    if after_ok && !follows_mark {
                        if before.is_some_and(is_space) && out.ends_with([' ', '\t']) {
                            out.pop();
                            out.push(space);
                        } else if before.is_some_and(|b| !b.is_whitespace() && b != '«') {
                            out.push(space);
                        }
                    }
                    out.push(c);
                }
                '«' => {
                    out.push(c);
                    match next {
                        Some(n) if is_space(n) => {}
                        Some(n) if !n.is_whitespace() => out.push(NNBSP),
                        _ => {}
                    }
                }
                c if is_space(c) && before == Some('«') => out.push(NNBSP),
                c => out.push(c),
            }
            before = Some(c);
        }
        out
    }

    const ALPHABET: &[char] = &[
        ' ', '\t', '\n', ';', ':', '!', '?', '«', '»', 'a', 'é', '1', '.', ',', ')', '"', '”', '/',
        NBSP, NNBSP, '\u{AC}', '\u{C2}',
    ];

    proptest! {
        #[test]
        fn agrees_with_the_character_by_character_version(
            text in proptest::collection::vec(proptest::sample::select(ALPHABET), 0..64),
            prev in proptest::option::of(proptest::sample::select(ALPHABET)),
        ) {
            let text: String = text.into_iter().collect();
            let got = french(&text, prev);
            let want = reference(&text, prev);
            prop_assert_eq!(got.as_ref(), want.as_str());
            // Borrowed exactly when nothing changed.
            prop_assert_eq!(matches!(got, Cow::Borrowed(_)), got == text.as_str());
        }
    }

    #[test]
    fn spaces_before_high_punctuation() {
        assert_eq!(french("Pourquoi ?", None), "Pourquoi\u{202F}?");
        assert_eq!(french("Pourquoi?", None), "Pourquoi\u{202F}?");
        assert_eq!(french("Note : ceci", None), "Note\u{A0}: ceci");
        assert_eq!(french("Oui ; non", None), "Oui\u{202F}; non");
        assert_eq!(french("Quoi ?!", None), "Quoi\u{202F}?!");
    }

    #[test]
    fn guillemets_get_inner_spaces() {
        assert_eq!(french("« stage »", None), "«\u{202F}stage\u{202F}»");
        assert_eq!(french("«stage»", None), "«\u{202F}stage\u{202F}»");
    }

    #[test]
    fn leaves_times_urls_and_plain_text() {
        assert_eq!(french("à 18:00", None), "à 18:00");
        assert_eq!(
            french("voir https://ulb.be/a?b=c", None),
            "voir https://ulb.be/a?b=c"
        );
        assert!(matches!(french("rien à faire", None), Cow::Borrowed(_)));
    }

    #[test]
    fn uses_previous_character_across_nodes() {
        assert_eq!(french("!", Some('n')), "\u{202F}!");
        assert_eq!(french("!", None), "!");
        assert_eq!(french(" !", Some('n')), "\u{202F}!");
        assert_eq!(french(" stage", Some('«')), "\u{202F}stage");
    }
}

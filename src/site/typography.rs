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

/// Applies French spacing to `text`. `prev` is the character just before
/// `text` in the same paragraph (text split around emphasis or links), so
/// that `**Attention**!` still gets its space.
pub fn french(text: &str, prev: Option<char>) -> Cow<'_, str> {
    if !text.contains([';', ':', '!', '?', '«', '»']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    // Only the marks and the space after « change: the text between them
    // is copied in one piece, and the characters around each are read as
    // the text goes.
    let mut copied = 0;
    let mut before = prev;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let mark =
            matches!(c, ';' | '!' | '?' | ':' | '»' | '«') || (is_space(c) && before == Some('«'));
        if !mark {
            before = Some(c);
            continue;
        }
        out.push_str(&text[copied..i]);
        copied = i + c.len_utf8();
        let next = chars.peek().map(|&(_, n)| n);
        match c {
            ';' | '!' | '?' | ':' | '»' => {
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
            // A space right after «.
            _ => out.push(NNBSP),
        }
        before = Some(c);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}

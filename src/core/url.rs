//! Which URLs may reach an `href` or `src` of the built site: only those
//! whose scheme is on an allow-list (https, http, mailto, tel) or that have
//! no scheme at all (relative links, `#anchors`, `@/` page links). Anything
//! else (`javascript:`, `data:`, `vbscript:`, …) could run script in a
//! visitor's browser, so it is refused where it is written, with its line.

use std::path::Path;

use crate::core::diagnostic::{Diagnostic, Position, RuleId, Text};

/// A URL whose scheme is not allowed.
pub const URL_SCHEME: RuleId = RuleId::new("content.url-scheme");

/// The schemes a link of the site may use, besides relative links.
pub const ALLOWED_SCHEMES: &[&str] = &["https", "http", "mailto", "tel"];

/// The scheme of `url` as a browser would read it, lowercased, when it is
/// not allowed. Browsers drop leading and trailing control characters and
/// spaces and every tab and newline before reading the scheme, so
/// `" java\tscript:"` is `javascript:`; we do the same. Character references
/// (`&#58;`) are decoded before this by whoever parsed the text (Markdown,
/// HTML); a YAML value is escaped on output, where `&` stays literal.
pub fn disallowed_scheme(url: &str) -> Option<String> {
    scheme(url).filter(|s| !ALLOWED_SCHEMES.contains(&s.as_str()))
}

/// The scheme of `url` as a browser reads it, lowercased, whichever it is;
/// `None` for a relative URL.
pub fn scheme(url: &str) -> Option<String> {
    // Most links have no scheme: no colon, or one after a `/`, `?` or `#`
    // (which removing spaces and tabs cannot move). Answered without the
    // copy `full_reading` makes: this runs for every link of every page,
    // twice.
    match url.find([':', '/', '?', '#']) {
        Some(i) if url.as_bytes()[i] == b':' => full_reading(url),
        _ => None,
    }
}

/// [`scheme`] without its shortcut: the URL cleaned as a browser cleans
/// it, then its scheme read.
fn full_reading(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let end = cleaned.find(':')?;
    let scheme = &cleaned[..end];
    // A colon after `/`, `?` or `#` is part of a relative URL (`a/b:c`).
    let is_scheme = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| scheme.to_ascii_lowercase())
}

/// Whether `url` names an address of the site written as an address: a
/// path (`/fr/faq/`, `../photo.jpg`), not an `@/` page link, an `#anchor`,
/// a URL with a scheme, nor one that leaves the site (`//cdn.example.org`).
pub fn is_local(url: &str) -> bool {
    let u = url.trim();
    !u.is_empty()
        && !u.starts_with(['#', '?'])
        && !u.starts_with("@/")
        && !u.starts_with("//")
        && scheme(u).is_none()
}

/// `url` as written from the site's root (`/photo.png`), put under the
/// path the site is published at (`/site/photo.png` for
/// `https://x.org/site`), so that the same page works in the preview, at a
/// domain's root and under a path; None for any other URL. Always added:
/// `/site/photo.png` written on that site is `/site/site/photo.png`, as
/// the preview, at the root, would read it as `/site/photo.png`.
pub fn under_base(url: &str, base_path: &str) -> Option<String> {
    if !url.starts_with('/') || url.starts_with("//") || url.starts_with("/\\") {
        return None;
    }
    Some(format!("{base_path}{url}"))
}

/// The error for `url` written at `position` of `file`, when its scheme is
/// not allowed.
pub fn check(url: &str, file: &Path, position: Position) -> Option<Diagnostic> {
    let scheme = disallowed_scheme(url)?;
    Some(
        Diagnostic::error(
            URL_SCHEME,
            file,
            position,
            Text::new(
                format!("le lien `{scheme}:` n’est pas autorisé : il pourrait exécuter du code chez les visiteurs"),
                format!("the link scheme `{scheme}:` is not allowed: it could run code in visitors' browsers"),
            ),
        )
        .with_hint(Text::new(
            "utilisez une adresse https://, mailto:, tel:, un lien @/page.md ou un lien relatif",
            "use an https://, mailto: or tel: address, an @/page.md link or a relative link",
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_read_as_browsers_read_them() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
        ] {
            assert!(disallowed_scheme(bad).is_some(), "{bad:?}");
        }
        for good in [
            "https://x.org",
            "HTTP://x.org",
            "mailto:a@b.org",
            "tel:+3226502879",
            "@/faq.md#x",
            "#anchor",
            "/fr/page/",
            "../a:b",
            "photo.jpg",
            "//cdn.example.org/a.js",
            "",
        ] {
            assert_eq!(disallowed_scheme(good), None, "{good:?}");
        }
    }

    #[test]
    fn local_addresses_are_paths_of_the_site() {
        for local in ["/fr/faq/", "photo.jpg", "../a:b", "ceci/stage.md", "/"] {
            assert!(is_local(local), "{local:?}");
        }
        for other in [
            "@/faq.md",
            "#x",
            "?q=1",
            "",
            "https://x.org/fr/",
            "mailto:a@b.org",
            "//cdn.example.org/a.js",
            "javascript:alert(1)",
        ] {
            assert!(!is_local(other), "{other:?}");
        }
    }

    #[test]
    fn addresses_from_the_root_go_under_the_base_path() {
        let under = |u: &str, base: &str| under_base(u, base);
        assert_eq!(
            under("/photo.png", "/site").as_deref(),
            Some("/site/photo.png")
        );
        assert_eq!(
            under("/sitemap.xml", "/site").as_deref(),
            Some("/site/sitemap.xml")
        );
        assert_eq!(
            under("/site/photo.png", "/site").as_deref(),
            Some("/site/site/photo.png")
        );
        assert_eq!(under("/fr/", "").as_deref(), Some("/fr/"));
        for other in [
            "photo.png",
            "../fr/",
            "//cdn.example.org/a.js",
            "/\\\\x.org",
            "#x",
            "https://x.org/",
        ] {
            assert_eq!(under(other, "/site"), None, "{other:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_shortcut_answers_as_the_full_reading(url in "[ \t\n\u{1}a-zA-Z:/?#.@+-]{0,16}") {
            proptest::prop_assert_eq!(disallowed_scheme(&url), full_reading(&url));
        }
    }
}

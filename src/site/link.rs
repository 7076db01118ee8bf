//! Internal links, written `@/path/name.md#anchor` (Zola's convention): they
//! name a content file, not a URL, so that renaming a slug never breaks them.
//! A link resolves to the page in the linking page's language, falls back to
//! the other language with a warning, and fails the build when the page or
//! the anchor does not exist.

use std::path::Path;

use crate::core::diagnostic::{did_you_mean, Diagnostic, Position, RuleId, Text};
use crate::core::lang::Lang;
use crate::site::content::{Library, PageId, Unpublished};

pub const MISSING_PAGE: RuleId = RuleId::new("content.link-missing-page");
pub const MISSING_ANCHOR: RuleId = RuleId::new("content.link-missing-anchor");
pub const OTHER_LANGUAGE: RuleId = RuleId::new("content.link-other-language");

/// A parsed `@/…` destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target<'a> {
    pub key: String,
    /// Set when the link names a language (`@/faq.en.md`).
    pub lang: Option<Lang>,
    pub anchor: Option<&'a str>,
}

/// Parses `@/ceci/stage.md#anchor`; None when `dest` is not an internal link.
pub fn parse(dest: &str) -> Option<Target<'_>> {
    let rest = dest.strip_prefix("@/")?;
    let (path, anchor) = match rest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (rest, None),
    };
    let stem = path.strip_suffix(".md").unwrap_or(path);
    let (key, lang) = match stem.rsplit_once('.') {
        Some((k, l)) => match l.parse::<Lang>() {
            Ok(lang) => (k, Some(lang)),
            Err(_) => (stem, None),
        },
        None => (stem, None),
    };
    let key = key.trim_end_matches('/');
    let key = if key.is_empty() || key == "_index" {
        "_index".to_string()
    } else {
        key.to_string()
    };
    Some(Target { key, lang, anchor })
}

/// Where an internal link goes, and whether it had to change language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub page: PageId,
    pub fell_back: bool,
}

/// Resolves a target for a page written in `lang`.
pub fn resolve(lib: &Library, target: &Target, lang: Lang) -> Option<Resolved> {
    let wanted = target.lang.unwrap_or(lang);
    if let Some(page) = lib.get(&target.key, wanted) {
        return Some(Resolved {
            page,
            fell_back: false,
        });
    }
    if target.lang.is_some() {
        return None;
    }
    Lang::ALL
        .into_iter()
        .find_map(|l| lib.get(&target.key, l))
        .map(|page| Resolved {
            page,
            fell_back: true,
        })
}

/// The href of a link: the page's URL under `base_path`, with its anchor.
pub fn href(lib: &Library, base_path: &str, dest: &str, lang: Lang) -> Option<String> {
    let target = parse(dest)?;
    let r = resolve(lib, &target, lang)?;
    let mut url = format!("{base_path}{}", lib.urls[r.page]);
    if let Some(a) = target.anchor {
        url.push('#');
        url.push_str(a);
    }
    Some(url)
}

/// Checks one link written in `file` at `position`; `own` is the page the
/// link is written in, for `#anchor` links within it.
pub fn check(
    lib: &Library,
    dest: &str,
    lang: Lang,
    own: Option<PageId>,
    file: &Path,
    position: Position,
) -> Option<Diagnostic> {
    if let Some(anchor) = dest.strip_prefix('#') {
        let page = own?;
        return check_anchor(lib, page, anchor, file, position);
    }
    let target = parse(dest)?;
    let Some(r) = resolve(lib, &target, lang) else {
        let is_draft = lib.drafts.contains(&target.key);
        let known: Vec<&str> = lib.by_key.keys().map(String::as_str).collect();
        let hint = if is_draft {
            Text::new(
                "cette page est un brouillon (draft: true) : publiez-la ou retirez le lien",
                "that page is a draft (draft: true): publish it or remove the link",
            )
        } else if let Some(k) = did_you_mean(&target.key, known.iter().copied()) {
            Text::new(
                format!("vouliez-vous dire `@/{k}.md` ?"),
                format!("did you mean `@/{k}.md`?"),
            )
        } else {
            Text::new(
                "écrivez le chemin du fichier depuis content/, sans la langue : @/dossier/page.md",
                "write the file's path from content/, without the language: @/folder/page.md",
            )
        };
        return Some(
            Diagnostic::error(
                MISSING_PAGE,
                file,
                position,
                Text::new(
                    format!("le lien `{dest}` mène à une page qui n’existe pas"),
                    format!("the link `{dest}` leads to a page that does not exist"),
                ),
            )
            .with_hint(hint),
        );
    };
    // The page is written in `lang` but could not be read: its own error
    // is the one to fix, not this link (nor its anchor, which the other
    // language's page may spell otherwise).
    if r.fell_back && lib.unpublished(&target.key, lang) == Some(Unpublished::Unreadable) {
        return None;
    }
    if let Some(anchor) = target.anchor {
        if let Some(d) = check_anchor(lib, r.page, anchor, file, position) {
            return Some(d);
        }
    }
    if r.fell_back {
        let other = lib.pages[r.page].lang;
        return Some(
            Diagnostic::warning(
                OTHER_LANGUAGE,
                file,
                position,
                Text::new(
                    format!("`{dest}` n’existe pas en `{lang}` : le lien mène à la version `{other}`"),
                    format!("`{dest}` does not exist in `{lang}`: the link leads to the `{other}` version"),
                ),
            )
            .with_hint(Text::new("traduisez la page cible pour corriger ce lien", "translate the target page to fix this link")),
        );
    }
    None
}

fn check_anchor(
    lib: &Library,
    page: PageId,
    anchor: &str,
    file: &Path,
    position: Position,
) -> Option<Diagnostic> {
    let p = &lib.pages[page];
    if p.scan.has_anchor(anchor) || p.scan.footnote_anchor(anchor) {
        return None;
    }
    let hint = match did_you_mean(anchor, p.scan.headings.iter().map(|h| h.id.as_str())) {
        Some(a) => Text::new(
            format!("vouliez-vous dire `#{a}` ?"),
            format!("did you mean `#{a}`?"),
        ),
        None => Text::new(
            format!("ancres de {} : {}", p.file.display(), anchors(p)),
            format!("anchors of {}: {}", p.file.display(), anchors(p)),
        ),
    };
    Some(
        Diagnostic::error(
            MISSING_ANCHOR,
            file,
            position,
            Text::new(
                format!("l’ancre `#{anchor}` n’existe pas dans {}", p.file.display()),
                format!(
                    "the anchor `#{anchor}` does not exist in {}",
                    p.file.display()
                ),
            ),
        )
        .with_hint(hint),
    )
}

fn anchors(p: &crate::site::page::Page) -> String {
    let list: Vec<&str> = p.scan.headings.iter().map(|h| h.id.as_str()).collect();
    if list.is_empty() {
        "(aucune / none)".into()
    } else {
        list.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_internal_links() {
        assert_eq!(
            parse("@/ceci/stage.md#x"),
            Some(Target {
                key: "ceci/stage".into(),
                lang: None,
                anchor: Some("x")
            })
        );
        assert_eq!(
            parse("@/faq.en.md"),
            Some(Target {
                key: "faq".into(),
                lang: Some(Lang::En),
                anchor: None
            })
        );
        assert_eq!(parse("@/ceci/_index.md").unwrap().key, "ceci/_index");
        assert_eq!(parse("@/_index.md").unwrap().key, "_index");
        assert_eq!(parse("https://x.org"), None);
    }
}

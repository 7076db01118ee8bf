//! Internal links, written `@/path/name.md#anchor` (Zola's convention): they
//! name a content file, not a URL, so that renaming a slug never breaks them.
//! A link resolves to the page in the linking page's language, falls back to
//! the other language with a warning, and fails the build when the page or
//! the anchor does not exist.

use std::collections::HashMap;
use std::path::Path;

use crate::core::diagnostic::{did_you_mean, Diagnostic, Position, RuleId, Text};
use crate::core::lang::Lang;
use crate::site::content::{Library, PageId, Unpublished};

pub const MISSING_PAGE: RuleId = RuleId::new("content.link-missing-page");
pub const MISSING_ANCHOR: RuleId = RuleId::new("content.link-missing-anchor");
pub const OTHER_LANGUAGE: RuleId = RuleId::new("content.link-other-language");
pub const UNKNOWN_ADDRESS: RuleId = RuleId::new("content.link-unknown-address");
/// A link with an anchor to a page's former address, whose redirect drops
/// the anchor.
pub const ANCHOR_REDIRECTED: RuleId = RuleId::new("content.link-anchor-redirected");

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

/// The href of a link: the page's URL under `base_path`, with its anchor;
/// an address written from the site's root, under `base_path` too.
pub fn href(lib: &Library, base_path: &str, dest: &str, lang: Lang) -> Option<String> {
    if let Some(url) = crate::core::url::under_base(dest, base_path) {
        return Some(url);
    }
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

/// What the built site answers at each address: every file it writes, by
/// its path in the output folder (`fr/faq/index.html`), with the page it
/// shows. Links written as addresses (`/fr/faq/`, `photo.jpg`) are checked
/// against it, as a visitor would follow them.
#[derive(Debug, Default)]
pub struct Addresses {
    files: HashMap<String, Shows>,
    /// The path the site lives under (`/ceci` for `https://x.org/ceci`),
    /// empty at a domain's root.
    base_path: String,
}

/// What a file of the built site shows a visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shows {
    /// A page, with its anchors.
    Page(PageId),
    /// A former address of a page ([`crate::site::page::Page::aliases`]),
    /// which sends the visitor to the page's top: an anchor is lost there.
    Redirect(PageId),
    /// Anything else: a list, a feed, a static file.
    Other,
}

/// What a visitor following a link written as an address reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reached {
    /// A file of the site, with the page it shows and the anchor asked for.
    File(Shows, Option<String>),
    /// Nothing: the path, as the browser asks for it.
    Nothing(String),
    /// Another site (`\\host/…` is read `//host/…`).
    Elsewhere,
}

impl Addresses {
    pub fn new(base_path: &str, files: impl IntoIterator<Item = (String, Shows)>) -> Addresses {
        // Compared with decoded paths: `/%C3%A9coles` is `/écoles`.
        let base_path = percent_encoding::percent_decode_str(base_path.trim_end_matches('/'))
            .decode_utf8_lossy()
            .into_owned();
        Addresses {
            files: files.into_iter().collect(),
            base_path,
        }
    }

    /// What a server of the output folder gives at `path` (decoded, from
    /// the domain's root): the folder's `index.html` for a folder, as
    /// static hosts do, also when the final `/` is left out.
    fn served(&self, path: &str) -> Option<Shows> {
        let rel = path.strip_prefix(&self.base_path)?;
        let rel = match rel {
            "" => "",
            _ => rel.strip_prefix('/')?,
        };
        if rel.is_empty() || rel.ends_with('/') {
            return self.files.get(&format!("{rel}index.html")).copied();
        }
        self.files
            .get(rel)
            .or_else(|| self.files.get(&format!("{rel}/index.html")))
            .copied()
    }

    /// Follows `dest`, written on the page at `page_url`.
    fn follow(&self, page_url: &str, dest: &str) -> Reached {
        const HOST: &str = "site.invalid";
        let Ok(base) = url::Url::parse(&format!("http://{HOST}{}{page_url}", self.base_path))
        else {
            return Reached::Nothing(dest.to_string());
        };
        let dest = dest.trim();
        let dest = crate::core::url::under_base(dest, &self.base_path)
            .map_or(std::borrow::Cow::Borrowed(dest), std::borrow::Cow::Owned);
        let Ok(to) = base.join(&dest) else {
            return Reached::Nothing(dest.to_string());
        };
        if to.host_str() != Some(HOST) {
            return Reached::Elsewhere;
        }
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let path = decode(to.path());
        match self.served(&path) {
            Some(page) => Reached::File(page, to.fragment().map(decode)),
            None => Reached::Nothing(path),
        }
    }
}

/// Checks a link written as an address of the site (`/fr/faq/`,
/// `../photo.jpg`, `stage.md`) on page `own`: it must lead to a file the
/// build writes, and to an anchor of that page when it names one.
pub fn check_local(
    lib: &Library,
    addresses: &Addresses,
    dest: &str,
    own: PageId,
    position: Position,
) -> Option<Diagnostic> {
    let p = &lib.pages[own];
    let file = p.file.as_path();
    let path = match addresses.follow(&lib.urls[own], dest) {
        Reached::File(Shows::Page(page), Some(anchor)) if !anchor.is_empty() => {
            return check_anchor(lib, page, &anchor, file, position);
        }
        Reached::File(Shows::Redirect(page), Some(anchor)) if !anchor.is_empty() => {
            // An anchor the page lacks is that error first: the link to
            // write instead would lead nowhere either.
            if let Some(d) = check_anchor(lib, page, &anchor, file, position) {
                return Some(d);
            }
            let target = &lib.pages[page];
            // `@/faq.md` is the page in the language of the link's page:
            // a page only in the other language is named with it.
            let key = if target.lang == p.lang {
                target.key.clone()
            } else {
                format!("{}.{}", target.key, target.lang)
            };
            return Some(
                Diagnostic::warning(
                    ANCHOR_REDIRECTED,
                    file,
                    position,
                    Text::new(
                        format!("le lien `{dest}` passe par une ancienne adresse de @/{key}.md, qui mène en haut de la page : l’ancre `#{anchor}` s’y perd"),
                        format!("the link `{dest}` goes through a former address of @/{key}.md, which leads to the top of the page: the anchor `#{anchor}` is lost there"),
                    ),
                )
                .with_hint(Text::new(
                    format!("faites le lien vers la page elle-même : `@/{key}.md#{anchor}`"),
                    format!("link to the page itself: `@/{key}.md#{anchor}`"),
                )),
            );
        }
        Reached::File(..) => return None,
        Reached::Elsewhere => {
            return Some(
                Diagnostic::error(
                    UNKNOWN_ADDRESS,
                    file,
                    position,
                    Text::new(
                        format!("le lien `{dest}` mène hors du site sans le dire"),
                        format!("the link `{dest}` leaves the site without saying so"),
                    ),
                )
                .with_hint(Text::new(
                    "écrivez l’adresse complète, https://…",
                    "write the full address, https://…",
                )),
            )
        }
        Reached::Nothing(path) => path,
    };
    let written = dest.split(['#', '?']).next().unwrap_or(dest).trim();
    let base = addresses.base_path.as_str();
    let without_base = written
        .strip_prefix(base)
        .filter(|rest| !base.is_empty() && rest.starts_with('/'));
    let first = written.split('/').next().unwrap_or_default();
    let hint = if let Some(key) = written_as_file(lib, p, dest) {
        let anchor = dest
            .split_once('#')
            .map(|(_, a)| format!("#{a}"))
            .unwrap_or_default();
        Text::new(
            format!("un lien vers une page s’écrit avec @/ : `@/{key}.md{anchor}`"),
            format!("a link to a page is written with @/: `@/{key}.md{anchor}`"),
        )
    } else if let Some(rest) =
        without_base.filter(|r| addresses.served(&format!("{base}{r}")).is_some())
    {
        Text::new(
            format!("le chemin du site, `{base}`, s’ajoute aux adresses écrites depuis sa racine : écrivez `{rest}`"),
            format!("the site's path, `{base}`, is added to addresses written from its root: write `{rest}`"),
        )
    } else if written.contains('@') && !written.contains('/') {
        Text::new(
            format!("une adresse e-mail s’écrit `mailto:{written}`, ou `<{written}>` seule"),
            format!("an e-mail address is written `mailto:{written}`, or `<{written}>` alone"),
        )
    } else if first.starts_with("www.") || (looks_like_host(first) && written.contains('/')) {
        Text::new(
            format!("une adresse d’un autre site s’écrit en entier : `https://{written}`"),
            format!("an address on another site is written in full: `https://{written}`"),
        )
    } else if path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
    {
        // The file as written, read from the site's root: where it goes.
        let from_root: Vec<&str> = written
            .split('/')
            .filter(|s| !matches!(*s, "" | "." | ".."))
            .collect();
        let from_root = from_root.join("/");
        Text::new(
            format!("un fichier publié tel quel (image, PDF…) se met dans static/ et s’écrit depuis la racine du site : static/{from_root} est à l’adresse /{from_root}"),
            format!("a file published as it is (image, PDF…) goes in static/ and is written from the site's root: static/{from_root} is at the address /{from_root}"),
        )
    } else if let Some(key) = page_named(lib, &path) {
        Text::new(
            format!("vouliez-vous dire `@/{key}.md` ? Un lien @/ suit la page même si son adresse change"),
            format!("did you mean `@/{key}.md`? An @/ link follows the page even when its address changes"),
        )
    } else {
        Text::new(
            "liez une page avec @/dossier/page.md, le chemin de son fichier depuis content/",
            "link to a page with @/folder/page.md, its file's path from content/",
        )
    };
    Some(
        Diagnostic::error(
            UNKNOWN_ADDRESS,
            file,
            position,
            Text::new(
                format!("le lien `{dest}` mène à une adresse que le site n’a pas ({path})"),
                format!("the link `{dest}` leads to an address the site does not have ({path})"),
            ),
        )
        .with_hint(hint),
    )
}

/// Whether `segment` reads as a host name (`example.org`): labels of
/// letters, digits and hyphens joined by dots. A file name (`photo.png`)
/// reads the same, so the caller also asks for a path after it.
fn looks_like_host(segment: &str) -> bool {
    segment.contains('.')
        && segment
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

/// The page whose file or address name is closest to the last segment of
/// `path` (`/fr/faq/` → the page at `/fr/questions-frequentes/`, whose file
/// is `faq.fr.md`), when one is close enough.
fn page_named<'l>(lib: &'l Library, path: &str) -> Option<&'l str> {
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    let mut names: std::collections::BTreeMap<&str, &str> = Default::default();
    for p in &lib.pages {
        let file_name = p.key.trim_end_matches("/_index").rsplit('/').next();
        for name in [Some(p.slug.as_str()), file_name].into_iter().flatten() {
            names.entry(name).or_insert(&p.key);
        }
    }
    let found = did_you_mean(last, names.keys().copied())?;
    names.get(found).copied()
}

/// The key of the page `dest` names when it is written as the path of a
/// content file (`stage.md`, `../faq.fr.md`), from the folder of `page`'s
/// own file.
fn written_as_file(lib: &Library, page: &crate::site::page::Page, dest: &str) -> Option<String> {
    let path = dest.split(['#', '?']).next()?;
    if !path.ends_with(".md") {
        return None;
    }
    let folder = page.key.rsplit_once('/').map_or("", |(f, _)| f);
    let folder = if folder.is_empty() {
        String::new()
    } else {
        format!("{folder}/")
    };
    let base = url::Url::parse(&format!("http://content.invalid/{folder}")).ok()?;
    let joined = base.join(path).ok()?;
    let written = format!(
        "@{}",
        percent_encoding::percent_decode_str(joined.path()).decode_utf8_lossy()
    );
    let key = parse(&written)?.key;
    lib.by_key.contains_key(&key).then_some(key)
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
    fn addresses_are_followed_as_a_visitor_follows_them() {
        let a = Addresses::new(
            "/site",
            [
                ("fr/faq/index.html".to_string(), Shows::Page(3)),
                ("fr/questions/index.html".to_string(), Shows::Redirect(3)),
                ("index.html".to_string(), Shows::Other),
                ("images/une photo.png".to_string(), Shows::Other),
            ],
        );
        let on_faq = |dest: &str| a.follow("/fr/faq/", dest);
        assert_eq!(
            on_faq("/fr/faq/#q"),
            Reached::File(Shows::Page(3), Some("q".into()))
        );
        assert_eq!(
            on_faq("/fr/questions/#q"),
            Reached::File(Shows::Redirect(3), Some("q".into()))
        );
        // A folder without its final `/`, and the site's root.
        assert_eq!(on_faq("/fr/faq"), Reached::File(Shows::Page(3), None));
        assert_eq!(on_faq("../../"), Reached::File(Shows::Other, None));
        assert_eq!(on_faq("/"), Reached::File(Shows::Other, None));
        // The site's path is added to an address from the root, even one
        // that has it already (the preview, at the root, would not).
        assert_eq!(
            on_faq("/site/fr/faq/"),
            Reached::Nothing("/site/site/fr/faq/".into())
        );
        assert_eq!(
            on_faq("../../images/une%20photo.png"),
            Reached::File(Shows::Other, None)
        );
        assert_eq!(
            on_faq("photo.png"),
            Reached::Nothing("/site/fr/faq/photo.png".into())
        );
        assert_eq!(on_faq("../../../../faq/"), Reached::Nothing("/faq/".into()));
        assert_eq!(
            on_faq("/sitemap.xml"),
            Reached::Nothing("/site/sitemap.xml".into())
        );
        // A base path written percent-encoded is the same path.
        let encoded = Addresses::new(
            "/%C3%A9coles",
            [("fr/index.html".to_string(), Shows::Other)],
        );
        assert_eq!(
            encoded.follow("/fr/x/", "../"),
            Reached::File(Shows::Other, None)
        );
        assert_eq!(
            encoded.follow("/fr/x/", "/fr/"),
            Reached::File(Shows::Other, None)
        );
        // Browsers read a backslash as a slash: another host.
        assert_eq!(on_faq("\\\\evil.example/x"), Reached::Elsewhere);
    }

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

//! The site configuration, data/site.yml: titles, languages, theme, menus,
//! contact details. Loaded once into a typed [`Config`]; every later stage
//! reads it, none re-parses it.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::core::diagnostic::{Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::core::lang::{Lang, PerLang};
use crate::core::source::{Files, ReadError};
use crate::core::yaml;

pub use crate::core::layout::CONFIG_FILE;

pub const MISSING: RuleId = RuleId::new("config.missing");
pub const LANGUAGE: RuleId = RuleId::new("config.language");
pub const BASE_URL: RuleId = RuleId::new("config.base-url");
pub const TRANSLATION: RuleId = RuleId::new("config.translation-missing");
pub const THEME: RuleId = RuleId::new("config.theme-invalid");
/// An `edit_url` that is not an absolute http(s) address.
pub const EDIT_URL: RuleId = RuleId::new("config.edit-url");
pub const MENU_LINK: RuleId = RuleId::new("config.menu-link");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    organisation: String,
    base_url: Spanned<String>,
    languages: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    theme: Option<Spanned<String>>,
    title: Spanned<PerLang<String>>,
    #[serde(default)]
    description: PerLang<String>,
    #[serde(default)]
    contact: RawContact,
    #[serde(default)]
    menu: PerLang<Vec<RawMenuItem>>,
    #[serde(default)]
    issuer: Option<Issuer>,
    #[serde(default)]
    edit_url: Option<Spanned<String>>,
}

/// Who issues attestations and credentials (`engage attest`): the body
/// named on them and the issuer profile of Open Badges credentials.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    /// The body's name per language.
    pub name: PerLang<String>,
    /// Its public address: the issuer profile's `id` and `url`.
    pub url: String,
    #[serde(default)]
    pub email: Option<String>,
    /// Where it is, as printed on attestations (`Bruxelles, Belgique`).
    #[serde(default)]
    pub place: PerLang<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContact {
    email: Option<String>,
    phone: Option<String>,
    #[serde(default)]
    address: PerLang<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMenuItem {
    label: String,
    link: Spanned<String>,
}

/// A menu entry; `link` is either `@/path.md` (checked and resolved per
/// language by the build) or an absolute `https://` URL.
#[derive(Debug, Clone)]
pub struct MenuItem {
    pub label: String,
    pub link: String,
    pub position: Position,
}

#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: PerLang<String>,
}

/// The error for a menu link that is neither a page of the site (`@/…`)
/// nor a full address: `www.ulb.be` or `/en/faqs/` would go on every page
/// unchecked, and the first is relative, a dead link almost everywhere.
fn menu_link(link: &str, file: &Path, position: Position) -> Option<Diagnostic> {
    let link = link.trim();
    // A full address; a refused scheme (`javascript:`) has its own error.
    if link.starts_with("@/") || crate::core::url::scheme(link).is_some() {
        return None;
    }
    let hint = if link.starts_with('/') {
        Text::new(
            "pour une page du site, écrivez `@/` suivi de son fichier dans content/, par exemple `@/faq.md` : le lien suit alors la langue et les changements d’adresse",
            "for a page of the site, write `@/` and its file in content/, for example `@/faq.md`: the link then follows the language and any change of address",
        )
    } else {
        let full = format!("https://{}", link.trim_start_matches("//"));
        Text::new(
            format!("écrivez l’adresse complète, `{full}`, ou `@/` suivi du fichier d’une page de content/"),
            format!("write the full address, `{full}`, or `@/` and the file of a page of content/"),
        )
    };
    Some(
        Diagnostic::error(
            MENU_LINK,
            file,
            position,
            Text::new(
                format!("le lien de menu `{link}` n’est ni une page du site (`@/…`) ni une adresse complète"),
                format!("the menu link `{link}` is neither a page of the site (`@/…`) nor a full address"),
            ),
        )
        .with_hint(hint),
    )
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub organisation: String,
    /// Without trailing slash, e.g. `https://engage.example.org/site`.
    pub base_url: String,
    /// The path part of `base_url` (`/site`, or empty): the prefix of every
    /// URL the site links to, so that it works under a sub-folder.
    pub base_path: String,
    /// Site languages; the first is the default (x-default, root 404).
    pub languages: Vec<Lang>,
    pub theme: String,
    /// Where `theme` is written in data/site.yml; None when left to the
    /// default: a theme that is not in themes/ is reported there.
    pub theme_at: Option<Position>,
    pub title: PerLang<String>,
    pub description: PerLang<String>,
    pub contact: Contact,
    pub menu: PerLang<Vec<MenuItem>>,
    /// The issuing body, when the site issues attestations.
    pub issuer: Option<Issuer>,
    /// Where the site's root folder opens in the hosting's web editor,
    /// ending with `/` (`https://github.com/org/repo/edit/main/`): a page's
    /// "edit this page" link is this followed by its file's path. None: no
    /// link.
    pub edit_url: Option<String>,
}

impl Config {
    pub fn default_lang(&self) -> Lang {
        self.languages.first().copied().unwrap_or(Lang::Fr)
    }

    pub fn title(&self, lang: Lang) -> &str {
        self.title.get(lang).map(String::as_str).unwrap_or_default()
    }

    pub fn description(&self, lang: Lang) -> &str {
        self.description
            .get(lang)
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// Replaces the base URL (e.g. for a preview deployment).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), Text> {
        let (base_url, base_path) = split_base_url(url)?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(())
    }

    /// Reads and validates data/site.yml.
    pub fn load(files: &Files) -> Result<Config, Diagnostics> {
        let file = Path::new(CONFIG_FILE);
        match files.text(file) {
            Ok(text) => Config::parse(&text),
            Err(e @ (ReadError::Encoding(_) | ReadError::TooBig(_))) => {
                Err(Diagnostics::from_iter([e.into_diagnostic(MISSING, file)]))
            }
            Err(ReadError::Io(e)) => {
                let (why, hint) = crate::core::source::io_reason(&e);
                // Not found, the root is most likely not the repository's.
                let hint = match e.kind() {
                    std::io::ErrorKind::NotFound => Text::new(
                        "lancez engage depuis la racine du dépôt ou indiquez-la avec --root",
                        "run engage from the repository root or give it with --root",
                    ),
                    _ => hint,
                };
                Err(Diagnostics::from_iter([Diagnostic::error(
                    MISSING,
                    file,
                    Position::new(0, 0),
                    Text::new(
                        format!("impossible de lire la configuration du site : {}", why.fr),
                        format!("cannot read the site configuration: {}", why.en),
                    ),
                )
                .with_hint(hint)]))
            }
        }
    }

    /// Validates the text of data/site.yml.
    pub fn parse(text: &str) -> Result<Config, Diagnostics> {
        let file = Path::new(CONFIG_FILE);
        let raw: RawConfig = yaml::parse(text, file, 1).map_err(Diagnostics::from_iter)?;
        Self::validate(raw, file)
    }

    fn validate(raw: RawConfig, file: &Path) -> Result<Config, Diagnostics> {
        let mut ds = Diagnostics::new();
        let mut languages = Vec::new();
        for l in &raw.languages.value {
            match l.value.parse::<Lang>() {
                Ok(lang) if !languages.contains(&lang) => languages.push(lang),
                Ok(_) => ds.push(
                    Diagnostic::error(
                        LANGUAGE,
                        file,
                        yaml::position(&l.referenced, 1).with_len(l.value.chars().count() as u32),
                        Text::new(
                            format!("la langue `{}` est listée deux fois", l.value),
                            format!("the language `{}` is listed twice", l.value),
                        ),
                    )
                    .with_hint(Text::new(
                        format!("retirez ce second `{}` de `languages`", l.value),
                        format!("remove this second `{}` from `languages`", l.value),
                    )),
                ),
                Err(_) => ds.push(
                    Diagnostic::error(
                        LANGUAGE,
                        file,
                        yaml::position(&l.referenced, 1).with_len(l.value.chars().count() as u32),
                        Text::new(
                            format!("langue inconnue `{}`", l.value),
                            format!("unknown language `{}`", l.value),
                        ),
                    )
                    .with_hint(Text::new(
                        "les langues possibles sont fr et en",
                        "the possible languages are fr and en",
                    )),
                ),
            }
        }
        if languages.is_empty() && raw.languages.value.is_empty() {
            ds.push(
                Diagnostic::error(
                    LANGUAGE,
                    file,
                    yaml::position(&raw.languages.referenced, 1),
                    Text::new(
                        "aucune langue n’est configurée",
                        "no language is configured",
                    ),
                )
                .with_hint(Text::new(
                    "écrivez `languages: [fr, en]`",
                    "write `languages: [fr, en]`",
                )),
            );
        }
        let (base_url, base_path) = match split_base_url(&raw.base_url.value) {
            Ok(v) => v,
            Err(msg) => {
                ds.push(
                    Diagnostic::error(
                        BASE_URL,
                        file,
                        yaml::position(&raw.base_url.referenced, 1),
                        msg,
                    )
                    .with_hint(Text::new(
                        "écrivez l’adresse complète, par exemple https://engagement.example.org",
                        "write the full address, for example https://engagement.example.org",
                    )),
                );
                (String::new(), String::new())
            }
        };
        for &lang in &languages {
            if raw
                .title
                .value
                .get(lang)
                .is_none_or(|t| t.trim().is_empty())
            {
                ds.push(
                    Diagnostic::error(
                        TRANSLATION,
                        file,
                        yaml::position(&raw.title.referenced, 1),
                        Text::new(
                            format!("le titre du site manque en `{lang}`"),
                            format!("the site title is missing in `{lang}`"),
                        ),
                    )
                    .with_hint(Text::new(
                        format!("ajoutez `{lang}: …` sous `title`"),
                        format!("add `{lang}: …` under `title`"),
                    )),
                );
            }
        }
        let mut menu = PerLang::default();
        for (lang, items) in [(Lang::Fr, raw.menu.fr), (Lang::En, raw.menu.en)] {
            let items = items.map(|items| {
                items
                    .into_iter()
                    .map(|i| {
                        let position = yaml::position(&i.link.referenced, 1)
                            .with_len(i.link.value.chars().count() as u32);
                        // A menu entry lands on every page.
                        ds.extend(crate::core::url::check(&i.link.value, file, position));
                        ds.extend(menu_link(&i.link.value, file, position));
                        MenuItem {
                            label: i.label,
                            position,
                            link: i.link.value,
                        }
                    })
                    .collect()
            });
            match lang {
                Lang::Fr => menu.fr = items,
                Lang::En => menu.en = items,
            }
        }
        let theme_at = raw
            .theme
            .as_ref()
            .map(|t| yaml::position(&t.referenced, 1).with_len(t.value.chars().count() as u32));
        let theme = match raw.theme {
            None => "default".to_string(),
            Some(t) => {
                // A theme is a folder name of themes/: templates from
                // elsewhere (`../../x`, `/etc`) are not part of the site.
                let name = t.value.trim();
                let ok = !name.is_empty()
                    && name != "."
                    && name != ".."
                    && name
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
                if !ok {
                    ds.push(
                        Diagnostic::error(
                            THEME,
                            file,
                            yaml::position(&t.referenced, 1)
                                .with_len(t.value.chars().count() as u32),
                            Text::new(
                                format!("`{}` n’est pas un nom de thème : le thème est un dossier de themes/", t.value),
                                format!("`{}` is not a theme name: the theme is a folder of themes/", t.value),
                            ),
                        )
                        .with_hint(Text::new(
                            "écrivez le seul nom du dossier, par exemple `theme: default`",
                            "write the folder name only, for example `theme: default`",
                        )),
                    );
                }
                name.to_string()
            }
        };
        let edit_url = raw.edit_url.and_then(|u| edit_url(&u, file, &mut ds));
        if ds.has_errors() {
            return Err(ds);
        }
        Ok(Config {
            organisation: raw.organisation,
            base_url,
            base_path,
            languages,
            theme,
            theme_at,
            title: raw.title.value,
            description: raw.description,
            contact: Contact {
                email: raw.contact.email,
                phone: raw.contact.phone,
                address: raw.contact.address,
            },
            menu,
            issuer: raw.issuer,
            edit_url,
        })
    }
}

/// The editor address of `edit_url`, ending with `/`. It lands on every
/// page, so its scheme goes through the allow-list like every other link;
/// and it must be absolute, since it is followed by a file's path.
fn edit_url(url: &Spanned<String>, file: &Path, ds: &mut Diagnostics) -> Option<String> {
    let position = yaml::position(&url.referenced, 1).with_len(url.value.chars().count() as u32);
    if let Some(d) = crate::core::url::check(&url.value, file, position) {
        ds.push(d);
        return None;
    }
    let value = url.value.trim();
    let absolute = ["https://", "http://"].iter().any(|s| {
        value
            .get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
            && value.len() > s.len()
    });
    if !absolute || value.contains(['?', '#', ' ']) {
        ds.push(
            Diagnostic::error(
                EDIT_URL,
                file,
                position,
                Text::new(
                    format!("`{}` n’est pas l’adresse d’un éditeur en ligne : le chemin de chaque page y est ajouté", url.value),
                    format!("`{}` is not a web editor address: each page's path is added to it", url.value),
                ),
            )
            .with_hint(Text::new(
                "écrivez l’adresse complète du dossier du site dans l’éditeur, par exemple https://github.com/organisation/depot/edit/main/",
                "write the full address of the site's folder in the editor, for example https://github.com/organisation/repository/edit/main/",
            )),
        );
        return None;
    }
    Some(format!("{}/", value.trim_end_matches('/')))
}

/// Splits `https://host/sub/` into (`https://host/sub`, `/sub`).
fn split_base_url(url: &str) -> Result<(String, String), Text> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            Text::new(
                format!("`{url}` n’est pas une adresse http(s)"),
                format!("`{url}` is not an http(s) address"),
            )
        })?;
    let host_end = rest.find('/').unwrap_or(rest.len());
    if rest[..host_end].is_empty() || url.contains(['?', '#', ' ']) {
        return Err(Text::new(
            format!("`{url}` n’est pas une adresse de site valable"),
            format!("`{url}` is not a valid site address"),
        ));
    }
    Ok((url.to_string(), rest[host_end..].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_gives_base_path() {
        assert_eq!(
            split_base_url("https://x.org/sub/").unwrap(),
            ("https://x.org/sub".into(), "/sub".into())
        );
        assert_eq!(
            split_base_url("http://localhost:1111").unwrap(),
            ("http://localhost:1111".into(), "".into())
        );
        assert!(split_base_url("x.org").is_err());
        assert!(split_base_url("https:///a").is_err());
    }

    #[test]
    fn unknown_key_in_config_is_located() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "organisation: X\nbase_url: https://x.org\nlanguages: [fr, en]\ntitle: {fr: A, en: B}\nthme: default\n",
        )
        .unwrap();
        let ds = Config::load(&Files::new(crate::core::source::Disk::new(dir.path()))).unwrap_err();
        let d = ds.iter().next().unwrap();
        assert_eq!(d.rule, yaml::UNKNOWN_KEY);
        assert_eq!(d.line(), 5);
        assert_eq!(d.hint.as_ref().unwrap().en, "did you mean `theme`?");
    }

    #[test]
    fn a_language_listed_twice_is_said_at_the_second_with_what_to_do() {
        let ds = Config::parse(
            "organisation: X\nbase_url: https://x.org\nlanguages:\n  - fr\n  - en\n  - fr\ntitle: {fr: A, en: B}\n",
        )
        .unwrap_err();
        let d = ds.iter().next().unwrap();
        assert_eq!(d.rule, LANGUAGE);
        assert_eq!((d.line(), d.position.column), (6, 5));
        assert_eq!(d.message.en, "the language `fr` is listed twice");
        assert_eq!(
            d.hint.as_ref().unwrap().en,
            "remove this second `fr` from `languages`"
        );
    }

    fn parse_errors(yaml_text: &str) -> Vec<(RuleId, u32)> {
        Config::parse(yaml_text)
            .unwrap_err()
            .iter()
            .map(|d| (d.rule.clone(), d.line()))
            .collect()
    }

    #[test]
    fn edit_url_ends_with_a_slash_and_is_optional() {
        let base = "organisation: X\nbase_url: https://x.org\nlanguages: [fr]\ntitle: {fr: A}\n";
        assert_eq!(Config::parse(base).unwrap().edit_url, None);
        let c = Config::parse(&format!(
            "{base}edit_url: https://github.com/o/r/edit/main/site\n"
        ))
        .unwrap();
        assert_eq!(
            c.edit_url.as_deref(),
            Some("https://github.com/o/r/edit/main/site/")
        );
    }

    #[test]
    fn edit_url_goes_through_the_allow_list_and_must_be_absolute() {
        let base = "organisation: X\nbase_url: https://x.org\nlanguages: [fr]\ntitle: {fr: A}\n";
        assert_eq!(
            parse_errors(&format!("{base}edit_url: \"javascript:alert(1)//\"\n")),
            [(crate::core::url::URL_SCHEME, 5)]
        );
        for relative in ["/edit/main/", "mailto:a@b.org", "https://"] {
            assert_eq!(
                parse_errors(&format!("{base}\nedit_url: \"{relative}\"\n")),
                [(EDIT_URL, 6)],
                "{relative}"
            );
        }
    }

    #[test]
    fn unknown_language_is_located() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "organisation: X\nbase_url: https://x.org\nlanguages:\n  - fr\n  - de\ntitle: {fr: A}\n",
        )
        .unwrap();
        let ds = Config::load(&Files::new(crate::core::source::Disk::new(dir.path()))).unwrap_err();
        let d = ds.iter().next().unwrap();
        assert_eq!(d.rule, LANGUAGE);
        assert_eq!(d.line(), 5);
    }
}

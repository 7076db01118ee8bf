//! The languages the project speaks.
//!
//! The programmes are Belgian French-speaking university programmes with an
//! English audience: French and English are the two languages of the site, of
//! diagnostics and of the theme. A closed enum keeps every `match` exhaustive,
//! so adding a language later is a compile-guided change.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

/// The French or the English one of a pair of texts written side by side
/// in the code (labels of the preview, the report, attestations).
pub fn pick<T>(lang: Lang, fr: T, en: T) -> T {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The BCP 47 code used in URLs, file names and `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The language's own name, as shown in a language switcher.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    /// The language for messages when none is asked for: `LANG`/`LC_ALL`
    /// starting with `en` gives English, anything else French.
    pub fn from_env() -> Lang {
        let var = std::env::var("LC_ALL")
            .ok()
            .filter(|v| !v.is_empty())
            .or_else(|| std::env::var("LANG").ok())
            .unwrap_or_default();
        if var.starts_with("en") {
            Lang::En
        } else {
            Lang::Fr
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}` (expected fr or en)")),
        }
    }
}

/// A value given once per language, as in `title: { fr: …, en: … }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerLang<T> {
    pub fr: Option<T>,
    pub en: Option<T>,
}

impl<T> PerLang<T> {
    pub fn get(&self, lang: Lang) -> Option<&T> {
        match lang {
            Lang::Fr => self.fr.as_ref(),
            Lang::En => self.en.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for l in Lang::ALL {
            assert_eq!(l.code().parse::<Lang>().unwrap(), l);
        }
        assert!("de".parse::<Lang>().is_err());
    }
}

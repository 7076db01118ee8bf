//! Value types shared by every layer: parsed once, known good afterwards.
//! Durations and credits are counted in exact integer units so that sums
//! are what a student expects.

use std::fmt;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::core::diagnostic::{Position, Text};

/// A duration of activity, counted in whole minutes so that sums are exact
/// (0.1 + 0.2 hours adds up to what a student expects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hours(u32);

impl Hours {
    /// The most one calendar day can hold.
    pub const DAY: Hours = Hours(24 * 60);
    pub const ZERO: Hours = Hours(0);

    pub const fn from_minutes(minutes: u32) -> Hours {
        Hours(minutes)
    }
    /// Whole minutes.
    pub const fn minutes(self) -> u32 {
        self.0
    }
    /// Hours as written in YAML (`3`, `2.5`), rounded to the minute; `None`
    /// for negative, non-finite or absurdly large values.
    pub fn from_hours(h: f64) -> Option<Hours> {
        if !(0.0..=1_000_000.0).contains(&h) {
            return None;
        }
        Some(Hours((h * 60.0).round() as u32))
    }
    /// Sum that cannot overflow (a bad record must not panic).
    pub fn saturating_add(self, other: Hours) -> Hours {
        Hours(self.0.saturating_add(other.0))
    }
}

impl std::iter::Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        iter.fold(Hours(0), Hours::saturating_add)
    }
}

impl fmt::Display for Hours {
    /// `120`, `2.5`, `0.25`: hours with at most two decimals, no trailing zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 60;
        let rest = self.0 % 60;
        if rest == 0 {
            return write!(f, "{whole}");
        }
        let hundredths = (rest * 100 + 30) / 60;
        if hundredths >= 100 {
            return write!(f, "{}", whole + 1);
        }
        let s = format!("{whole}.{hundredths:02}");
        f.write_str(s.trim_end_matches('0'))
    }
}

impl Serialize for Hours {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(f64::from(self.0) / 60.0)
    }
}

impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Hours, D::Error> {
        let h = f64::deserialize(d)?;
        Hours::from_hours(h).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid hours {h}: expected a positive number"))
        })
    }
}

impl JsonSchema for Hours {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Hours".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Hours, as a number (`3`, `2.5`)",
            "type": "number",
            "minimum": 0
        })
    }
}

/// A student's handle on the git hosting service, which names their folder.
///
/// Same alphabet as GitHub's: letters, digits and single hyphens, not at
/// either end, at most 39 characters. Case-insensitive as on the hosting
/// (`Alice` and `alice` are one account): equality, hashing and order
/// ignore ASCII case, and the handle keeps the case it was written in for
/// display.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Handle(String);

impl PartialEq for Handle {
    fn eq(&self, other: &Handle) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Eq for Handle {}

impl std::hash::Hash for Handle {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
    }
}

impl PartialOrd for Handle {
    fn partial_cmp(&self, other: &Handle) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Handle {
    fn cmp(&self, other: &Handle) -> std::cmp::Ordering {
        // Consistent with `eq`: two spellings of one handle are equal.
        let a = self.0.bytes().map(|b| b.to_ascii_lowercase());
        a.cmp(other.0.bytes().map(|b| b.to_ascii_lowercase()))
    }
}

impl Handle {
    pub fn parse(s: &str) -> Option<Handle> {
        let ok = !s.is_empty()
            && s.len() <= 39
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        ok.then(|| Handle(s.to_string()))
    }
    /// The handle as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `written` names the same account (case aside): what a record's
    /// `handle:`, a folder name or a PR's author is compared with.
    pub fn is(&self, written: &str) -> bool {
        self.0.eq_ignore_ascii_case(written)
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An intake: the year and month in which a cohort starts (`2025-02`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Intake {
    pub year: i16,
    pub month: u8,
}

impl Intake {
    pub fn parse(s: &str) -> Option<Intake> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let year: i16 = y.parse().ok()?;
        let month: u8 = m.parse().ok()?;
        ((1..=12).contains(&month) && year > 0).then_some(Intake { year, month })
    }
}

impl fmt::Display for Intake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Intake {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// ECTS credits, counted in hundredths so that sums and comparisons are
/// exact (0.5 + 1.5 reaches 2, and 9.99 stays below 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Credits(u32);

impl Credits {
    /// No credit.
    pub const ZERO: Credits = Credits(0);

    /// Credits from hundredths of a credit (`50` is 0.5).
    pub const fn from_hundredths(h: u32) -> Credits {
        Credits(h)
    }
    /// Credits as written in YAML (`2`, `0.5`), rounded to the hundredth;
    /// `None` for negative, non-finite or absurdly large values.
    pub fn from_ects(c: f64) -> Option<Credits> {
        if !(0.0..=10_000.0).contains(&c) {
            return None;
        }
        Some(Credits((c * 100.0).round() as u32))
    }
    /// Sum that cannot overflow.
    pub fn saturating_add(self, other: Credits) -> Credits {
        Credits(self.0.saturating_add(other.0))
    }
    /// What is left to reach `target` (zero once reached).
    pub fn until(self, target: Credits) -> Credits {
        Credits(target.0.saturating_sub(self.0))
    }
}

impl std::iter::Sum for Credits {
    fn sum<I: Iterator<Item = Credits>>(iter: I) -> Credits {
        iter.fold(Credits(0), Credits::saturating_add)
    }
}

impl fmt::Display for Credits {
    /// `2`, `0.5`, `1.25`: at most two decimals, no trailing zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, rest) = (self.0 / 100, self.0 % 100);
        if rest == 0 {
            return write!(f, "{whole}");
        }
        let s = format!("{whole}.{rest:02}");
        f.write_str(s.trim_end_matches('0'))
    }
}

impl Serialize for Credits {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(f64::from(self.0) / 100.0)
    }
}

impl<'de> Deserialize<'de> for Credits {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Credits, D::Error> {
        let c = f64::deserialize(d)?;
        Credits::from_ects(c).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid credits {c}: expected a positive number"))
        })
    }
}

impl JsonSchema for Credits {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Credits".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "ECTS credits, as a number (`2`, `0.5`)",
            "type": "number",
            "minimum": 0
        })
    }
}

/// An academic year, written `2024-2025`: it starts in the first year (in
/// September in the programmes we know) and ends in the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AcademicYear {
    /// The calendar year in which it starts.
    pub start: i16,
}

impl AcademicYear {
    /// `2024-2025`; the second year must follow the first.
    pub fn parse(s: &str) -> Option<AcademicYear> {
        let (a, b) = s.split_once('-')?;
        if a.len() != 4 || b.len() != 4 {
            return None;
        }
        let start: i16 = a.parse().ok()?;
        let end: i16 = b.parse().ok()?;
        (start > 0 && start < 9999 && end == start + 1).then_some(AcademicYear { start })
    }
    /// The year after this one.
    pub fn next(self) -> AcademicYear {
        AcademicYear {
            start: self.start.saturating_add(1),
        }
    }
    /// Its first day, when years start on the first of `month`.
    pub fn first_day(self, month: u8) -> Option<Date> {
        Date::new(self.start, month as i8, 1).ok()
    }
    /// Its last day, when years start on the first of `month`.
    pub fn last_day(self, month: u8) -> Option<Date> {
        self.next().first_day(month)?.yesterday().ok()
    }
}

impl fmt::Display for AcademicYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:04}", self.start, self.start + 1)
    }
}

impl Serialize for AcademicYear {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A country, as its ISO 3166-1 alpha-2 code (`BE`, `MA`): the code is what
/// lists of countries in programme files are written with. Only assigned
/// codes are countries (the `celes` crate's table, which also has `XK`,
/// Kosovo, as the European Union writes it): `XX`, `ZZ` and the other
/// codes left for private use, or `UK`, are not.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Country(String);

impl JsonSchema for Country {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Country".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "ISO 3166-1 alpha-2 country code, in capitals (`BE`, `MA`; the United Kingdom is `GB`)",
            "type": "string",
            "enum": Country::codes()
        })
    }
}

impl<'de> Deserialize<'de> for Country {
    /// Refuses a code that is no country at the value itself, so that a
    /// programme listing `UK` is told where.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Country, D::Error> {
        let s = String::deserialize(d)?;
        Country::parse(&s).ok_or_else(|| {
            let hint = Country::hint(&s);
            crate::core::yaml::invalid_value(
                &format!("`{s}` n’est pas un code de pays ISO 3166-1 : {}", hint.fr),
                &format!("`{s}` is not an ISO 3166-1 country code: {}", hint.en),
            )
        })
    }
}

impl Country {
    /// An assigned ISO 3166-1 alpha-2 code, written in capitals.
    pub fn parse(s: &str) -> Option<Country> {
        let capitals = s.len() == 2 && s.bytes().all(|c| c.is_ascii_uppercase());
        (capitals && celes::Country::from_alpha2(s).is_ok()).then(|| Country(s.into()))
    }
    /// Every code [`Country::parse`] accepts, sorted.
    pub fn codes() -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = celes::Country::get_countries()
            .iter()
            .map(|c| c.alpha2)
            .collect();
        codes.sort_unstable();
        codes
    }
    /// What to write instead of `s`, which [`Country::parse`] refused.
    pub fn hint(s: &str) -> crate::core::diagnostic::Text {
        use crate::core::diagnostic::Text;
        let t = s.trim();
        let upper = t.to_ascii_uppercase();
        if upper == "UK" {
            return Text::new(
                "`UK` n’est pas un code ISO : le Royaume-Uni s’écrit `GB`",
                "`UK` is not an ISO code: the United Kingdom is `GB`",
            );
        }
        if upper == "EL" {
            return Text::new(
                "`EL` est l’abréviation européenne, pas le code ISO : la Grèce s’écrit `GR`",
                "`EL` is the European abbreviation, not the ISO code: Greece is `GR`",
            );
        }
        if t != upper && Country::parse(&upper).is_some() {
            return Text::new(
                format!("écrivez le code en majuscules : `{upper}`"),
                format!("write the code in capitals: `{upper}`"),
            );
        }
        // ISO 3166-1 leaves AA, QM–QZ, XA–XZ and ZZ to private use: the
        // "any country" of forms and templates, never a real one.
        let b = upper.as_bytes();
        let private = b.len() == 2
            && (upper == "AA" || upper == "ZZ" || (b[0] == b'Q' && b[1] >= b'M') || b[0] == b'X');
        if private {
            return Text::new(
                format!("`{upper}` est un code réservé à un usage privé, pas un pays : écrivez le code de votre pays, par exemple `BE`, `MA`, `SY`"),
                format!("`{upper}` is a code left for private use, not a country: write your country's code, for example `BE`, `MA`, `SY`"),
            );
        }
        Text::new(
            "le code ISO à deux lettres majuscules, par exemple `BE`, `MA`, `SY`",
            "the two-capital-letter ISO code, for example `BE`, `MA`, `SY`",
        )
    }
    /// The code as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The pattern of a calendar date as records and programmes write it
/// (`2025-03-14`), for JSON Schemas; the loaders also refuse `2025-02-30`.
pub const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// A calendar date written `YYYY-MM-DD` in a data file, for
/// `#[serde(with = "crate::core::values::day")]`: jiff is built without
/// serde, and a wrong date is refused at the value itself.
pub mod day {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        match s.parse::<Date>() {
            Ok(date) if s.len() == 10 => Ok(date),
            _ => Err(crate::core::yaml::invalid_value(
                &format!("`{s}` n’est pas une date du calendrier écrite AAAA-MM-JJ"),
                &format!("`{s}` is not a calendar date written YYYY-MM-DD"),
            )),
        }
    }
}

/// A value with the position it was read from, for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub at: Position,
}

/// Deserialises a list of months (1–12), refusing any other number at the
/// element itself, so that the error points at `13` in `[2, 13, 0]`. Used
/// with `#[serde(deserialize_with)]` where the field stays a `Vec<u8>`.
pub fn months<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    /// One month, checked while it is read.
    struct Month(u8);
    impl<'de> Deserialize<'de> for Month {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let n = u8::deserialize(d)?;
            if (1..=12).contains(&n) {
                Ok(Month(n))
            } else {
                Err(crate::core::yaml::invalid_value(
                    &format!(
                        "{n} n’est pas un mois : les mois vont de 1 (janvier) à 12 (décembre)"
                    ),
                    &format!(
                        "{n} is not a month: months are numbered 1 (January) to 12 (December)"
                    ),
                ))
            }
        }
    }
    Ok(Vec::<Month>::deserialize(d)?
        .into_iter()
        .map(|m| m.0)
        .collect())
}

/// Deserialises a programme's credits, refusing at the value itself a
/// count that is not above zero (or is absurdly large): the site publishes
/// it as written. A programme without credits leaves the key out.
pub fn programme_credits<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let Some(c) = Option::<f64>::deserialize(d)? else {
        return Ok(None);
    };
    if c > 0.0 && c <= 10_000.0 {
        return Ok(Some(c));
    }
    if !c.is_finite() {
        return Err(crate::core::yaml::invalid_value(
            "un nombre de crédits s’écrit en chiffres, par exemple `10` ; `.nan` et `.inf` n’en sont pas",
            "a number of credits is written in digits, for example `10`; `.nan` and `.inf` are not",
        ));
    }
    if c > 10_000.0 {
        return Err(crate::core::yaml::invalid_value(
            &format!("{c} crédits : c’est plus qu’aucun programme n’en compte ; vérifiez qu’aucun chiffre n’a été ajouté par erreur"),
            &format!("{c} credits: more than any programme counts; check that no digit was added by mistake"),
        ));
    }
    Err(crate::core::yaml::invalid_value(
        &format!("{c} crédit{} : le nombre de crédits d’un programme est plus grand que zéro ; sans crédits, retirez la clé `credits`", if c.abs() < 2.0 { "" } else { "s" }),
        &format!("{c} credits: a programme's credits are above zero; a programme without credits leaves the `credits` key out"),
    ))
}

/// A file size as people read it, in mebibytes with at most two decimals
/// (`4.29 MiB`, `4,29 Mio` in French): a limit of 4194304 bytes means
/// nothing to someone editing a page.
pub fn mebibytes(bytes: u64) -> Text {
    let s = format!("{:.2}", bytes as f64 / (1024.0 * 1024.0));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    Text::new(format!("{} Mio", s.replace('.', ",")), format!("{s} MiB"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_mebibytes() {
        let m = |b: u64| {
            let t = mebibytes(b);
            (t.fr, t.en)
        };
        assert_eq!(m(4 << 20), ("4 Mio".to_string(), "4 MiB".to_string()));
        assert_eq!(
            m(4_500_022),
            ("4,29 Mio".to_string(), "4.29 MiB".to_string())
        );
        assert_eq!(
            m(1_100_775),
            ("1,05 Mio".to_string(), "1.05 MiB".to_string())
        );
        assert_eq!(m(1 << 19), ("0,5 Mio".to_string(), "0.5 MiB".to_string()));
    }
}

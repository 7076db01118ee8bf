//! The workshop calendar: events in data/calendar/*.yml, checked, ordered
//! around "today", and shown per language with that language's date
//! conventions ("mardi 14 octobre 2025, 18 h 00", "Tuesday 14 October 2025,
//! 6:00 pm").
//!
//! Times are civil times in a named time zone (Europe/Brussels by default),
//! resolved with jiff's bundled time-zone database so that builds do not
//! depend on the machine's.

pub mod ical;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Zoned;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::core::diagnostic::{did_you_mean, Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::core::lang::{Lang, PerLang};
use crate::core::source::{Files, ReadError};
use crate::core::yaml;

pub use crate::core::layout::CALENDAR_DIR;
pub const DEFAULT_TZ: &str = "Europe/Brussels";

pub const ID_MISSING: RuleId = RuleId::new("calendar.id-missing");
pub const ID_DUPLICATE: RuleId = RuleId::new("calendar.id-duplicate");
pub const ID_INVALID: RuleId = RuleId::new("calendar.id-invalid");
pub const END_BEFORE_START: RuleId = RuleId::new("calendar.end-before-start");
pub const END_MISSING: RuleId = RuleId::new("calendar.end-missing");
pub const DATE_INVALID: RuleId = RuleId::new("calendar.date-invalid");
/// A local time skipped by a clock change (spring forward).
pub const TIME_NONEXISTENT: RuleId = RuleId::new("calendar.time-nonexistent");
/// A local time that happens twice (autumn clock change).
pub const TIME_AMBIGUOUS: RuleId = RuleId::new("calendar.time-ambiguous");
pub const TIMEZONE_UNKNOWN: RuleId = RuleId::new("calendar.timezone-unknown");
pub const KIND_UNKNOWN: RuleId = RuleId::new("calendar.kind-unknown");
pub const STATUS_UNKNOWN: RuleId = RuleId::new("calendar.status-unknown");
pub const PROGRAMME_UNKNOWN: RuleId = RuleId::new("calendar.programme-unknown");
pub const LANGUAGE_UNKNOWN: RuleId = RuleId::new("calendar.language-unknown");
pub const TITLE_MISSING: RuleId = RuleId::new("calendar.title-missing");
pub const PLACE_MISSING: RuleId = RuleId::new("calendar.place-missing");

/// What an event is; the theme labels each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Workshop,
    InfoSession,
    ApplicationWindow,
    Jury,
}

impl Kind {
    const ALL: [(&'static str, Kind); 4] = [
        ("workshop", Kind::Workshop),
        ("info-session", Kind::InfoSession),
        ("application-window", Kind::ApplicationWindow),
        ("jury", Kind::Jury),
    ];
    pub fn as_str(self) -> &'static str {
        Kind::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(s, _)| *s)
            .unwrap_or("workshop")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Open,
    Full,
    Cancelled,
}

impl Status {
    const ALL: [(&'static str, Status); 3] = [
        ("open", Status::Open),
        ("full", Status::Full),
        ("cancelled", Status::Cancelled),
    ];
    pub fn as_str(self) -> &'static str {
        Status::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(s, _)| *s)
            .unwrap_or("open")
    }
}

/// When an event happens.
#[derive(Debug, Clone, PartialEq)]
pub enum When {
    /// From a start to an end instant, in the event's time zone.
    Timed { start: Zoned, end: Zoned },
    /// Whole days, `last` included (application windows span weeks).
    AllDay { first: Date, last: Date },
}

impl When {
    pub fn first_day(&self) -> Date {
        match self {
            When::Timed { start, .. } => start.date(),
            When::AllDay { first, .. } => *first,
        }
    }
    pub fn last_day(&self) -> Date {
        match self {
            When::Timed { end, .. } => end.date(),
            When::AllDay { last, .. } => *last,
        }
    }
}

/// One part of a place: the same in every language (`campus: Solbosch`) or
/// given per language (`building: { fr: "Bâtiment U", en: "Building U" }`),
/// so that English pages do not show French addresses.
///
/// serde says of a value that is neither "data did not match any variant
/// of untagged enum PlaceText": said instead in both languages, marked as
/// `core::yaml::invalid_value` marks its messages (`⁂fr⁂en`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    untagged,
    expecting = "⁂il faut ici un texte, ou un texte par langue : `{ fr: …, en: … }`⁂a text, or a text per language (`{ fr: …, en: … }`), is expected here"
)]
pub enum PlaceText {
    Same(String),
    PerLang(PerLang<String>),
}

impl PlaceText {
    /// The text in `lang`, else in French, else in the other language.
    pub fn get(&self, lang: Lang) -> Option<&str> {
        match self {
            PlaceText::Same(s) => Some(s),
            PlaceText::PerLang(p) => p
                .get(lang)
                .or(p.fr.as_ref())
                .or(p.en.as_ref())
                .map(String::as_str),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub campus: Option<PlaceText>,
    pub building: Option<PlaceText>,
    pub room: Option<PlaceText>,
    pub address: Option<PlaceText>,
}

impl Place {
    /// "Solbosch, Building U, U.A2.210, Avenue …" — the parts given, in `lang`.
    pub fn one_line(&self, lang: Lang) -> String {
        self.parts(lang, true).join(", ")
    }

    /// The parts given in `lang`, the address last and only `with_address`.
    pub fn parts(&self, lang: Lang, with_address: bool) -> Vec<&str> {
        let address = if with_address { &self.address } else { &None };
        [&self.campus, &self.building, &self.room, address]
            .into_iter()
            .flatten()
            .filter_map(|t| t.get(lang))
            .collect()
    }

    /// The address in `lang`, if given.
    pub fn address(&self, lang: Lang) -> Option<&str> {
        self.address.as_ref().and_then(|a| a.get(lang))
    }
}

/// A checked event.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub kind: Kind,
    pub programme: String,
    pub title: PerLang<String>,
    pub summary: PerLang<String>,
    pub when: When,
    pub timezone: String,
    pub place: Option<Place>,
    pub online: Option<String>,
    /// Language the event is given in.
    pub language: Lang,
    pub capacity: Option<u32>,
    pub status: Status,
    pub registration: Option<String>,
    pub file: PathBuf,
    pub position: Position,
}

impl Event {
    /// The title in `lang`, and whether it fell back to French.
    pub fn title(&self, lang: Lang) -> (&str, bool) {
        match self.title.get(lang) {
            Some(t) => (t, false),
            None => (
                self.title.fr.as_deref().unwrap_or(&self.id),
                lang != Lang::Fr,
            ),
        }
    }
    pub fn summary(&self, lang: Lang) -> Option<&str> {
        self.summary
            .get(lang)
            .or(self.summary.fr.as_ref())
            .map(String::as_str)
    }
}

/// Every event of the site, sorted by start.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    pub events: Vec<Event>,
    /// Ids of events written in the calendar but refused (an end before
    /// the start, a time misspelt…), each reported where it is written.
    pub refused: HashSet<String>,
    /// A calendar file could not be read at all: the ids it holds are not
    /// known.
    pub unreadable: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    events: Vec<Spanned<RawEvent>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    id: Option<Spanned<String>>,
    kind: Spanned<String>,
    programme: Spanned<String>,
    #[serde(default)]
    title: PerLang<String>,
    #[serde(default)]
    summary: PerLang<String>,
    start: Spanned<String>,
    end: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    location: Option<Place>,
    online: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    capacity: Option<u32>,
    status: Option<Spanned<String>>,
    registration: Option<Spanned<String>>,
}

fn pos(s: &Spanned<String>) -> Position {
    yaml::position(&s.referenced, 1).with_len(s.value.chars().count() as u32)
}

/// `what` is the French phrase with its adjective agreed (`langue
/// inconnue`, `statut inconnu`), then the English noun.
fn unknown_word(
    rule: RuleId,
    file: &Path,
    value: &Spanned<String>,
    what: (&str, &str),
    known: &[&str],
) -> Diagnostic {
    let hint = match did_you_mean(&value.value, known.iter().copied()) {
        Some(k) => Text::new(
            format!("vouliez-vous dire `{k}` ?"),
            format!("did you mean `{k}`?"),
        ),
        None => Text::new(
            format!("valeurs possibles : {}", known.join(", ")),
            format!("possible values: {}", known.join(", ")),
        ),
    };
    Diagnostic::error(
        rule,
        file,
        pos(value),
        Text::new(
            format!("{} : `{}`", what.0, value.value),
            format!("unknown {}: `{}`", what.1, value.value),
        ),
    )
    .with_hint(hint)
}

/// A date (`2025-10-14`) or a civil date-time (`2025-10-14T18:00`).
enum Moment {
    Day(Date),
    At(DateTime),
}

fn moment(value: &Spanned<String>, file: &Path) -> Result<Moment, Diagnostic> {
    let s = value.value.trim();
    let parsed = if s.len() == 10 {
        s.parse::<Date>().map(Moment::Day).ok()
    } else {
        s.replace(' ', "T").parse::<DateTime>().map(Moment::At).ok()
    };
    parsed.ok_or_else(|| {
        Diagnostic::error(
            DATE_INVALID,
            file,
            pos(value),
            Text::new(
                format!("`{s}` n’est pas une date ou une heure valable"),
                format!("`{s}` is not a valid date or time"),
            ),
        )
        .with_hint(Text::new(
            "écrivez 2025-10-14T18:00 pour une heure, ou 2025-10-14 pour une journée entière",
            "write 2025-10-14T18:00 for a time, or 2025-10-14 for a whole day",
        ))
    })
}

/// `dt` in `tz`, or the diagnostic at `value` that says why it cannot be
/// shown: a time skipped by a clock change is an error (moving it silently
/// would publish a time nobody chose), a time that happens twice a warning
/// (the first, summer-time one is used), a date beyond what the calendar can
/// represent an error (rather than the event silently vanishing).
fn zoned(
    dt: DateTime,
    tz: &TimeZone,
    value: &Spanned<String>,
    tz_name: &str,
    file: &Path,
    ds: &mut Diagnostics,
) -> Option<Zoned> {
    use jiff::tz::AmbiguousOffset;
    let ambiguous = tz.to_ambiguous_zoned(dt);
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { .. } => {}
        AmbiguousOffset::Gap { before, after } => {
            ds.push(
                Diagnostic::error(
                    TIME_NONEXISTENT,
                    file,
                    pos(value),
                    Text::new(
                        format!("{} n’existe pas à {tz_name} : l’heure passe de {before} à {after} ce jour-là", value.value),
                        format!("{} does not exist in {tz_name}: clocks go from {before} to {after} that day", value.value),
                    ),
                )
                .with_hint(Text::new(
                    "choisissez une heure avant ou après le changement d’heure",
                    "choose a time before or after the clock change",
                )),
            );
            return None;
        }
        AmbiguousOffset::Fold { before, after } => ds.push(
            Diagnostic::warning(
                TIME_AMBIGUOUS,
                file,
                pos(value),
                Text::new(
                    format!("{} a lieu deux fois à {tz_name} (UTC{before} puis UTC{after}) : la première est retenue", value.value),
                    format!("{} happens twice in {tz_name} (UTC{before} then UTC{after}): the first is used", value.value),
                ),
            )
            .with_hint(Text::new(
                "choisissez une heure hors du changement d’heure pour lever le doute",
                "choose a time outside the clock change to remove the doubt",
            )),
        ),
    }
    match ambiguous.compatible() {
        Ok(z) => Some(z),
        Err(_) => {
            ds.push(beyond_calendar(file, value));
            None
        }
    }
}

fn beyond_calendar(file: &Path, value: &Spanned<String>) -> Diagnostic {
    Diagnostic::error(
        DATE_INVALID,
        file,
        pos(value),
        Text::new(
            format!(
                "{} est hors des dates que le calendrier peut afficher",
                value.value
            ),
            format!("{} is beyond the dates the calendar can show", value.value),
        ),
    )
    .with_hint(Text::new("vérifiez l’année", "check the year"))
}

impl Calendar {
    /// Loads every data/calendar/*.yml; `programmes` are the known
    /// programme ids.
    pub fn load(files: &Files, programmes: &[String]) -> (Calendar, Diagnostics) {
        let texts = files.yaml_texts(Path::new(CALENDAR_DIR));
        Calendar::parse(texts, programmes)
    }

    /// The calendar of the texts of its files (or why each could not be
    /// read); `programmes` are the known programme ids.
    pub fn parse(
        texts: Vec<(PathBuf, Result<Arc<str>, ReadError>)>,
        programmes: &[String],
    ) -> (Calendar, Diagnostics) {
        let mut ds = Diagnostics::new();
        let mut events = Vec::new();
        let (mut refused, mut unreadable) = (HashSet::new(), false);
        for (file, text) in texts {
            let text = match text {
                Ok(t) => t,
                Err(e) => {
                    ds.push(e.into_diagnostic(DATE_INVALID, &file));
                    unreadable = true;
                    continue;
                }
            };
            match yaml::parse::<RawFile>(&text, &file, 1) {
                Ok(raw) => {
                    for e in raw.events {
                        let id = e.value.id.as_ref().map(|i| i.value.clone());
                        match check_event(e, &file, programmes, &mut ds) {
                            Some(ev) => events.push(ev),
                            None => refused.extend(id),
                        }
                    }
                }
                Err(found) => {
                    ds.extend(found);
                    unreadable = true;
                }
            }
        }
        let mut seen: HashMap<String, (PathBuf, Position)> = HashMap::new();
        for e in &events {
            if let Some((file, at)) = seen.get(&e.id) {
                ds.push(
                    Diagnostic::error(
                        ID_DUPLICATE,
                        &e.file,
                        e.position,
                        Text::new(
                            format!(
                                "l’identifiant `{}` est déjà utilisé ({}:{})",
                                e.id,
                                file.display(),
                                at.line
                            ),
                            format!(
                                "the id `{}` is already used ({}:{})",
                                e.id,
                                file.display(),
                                at.line
                            ),
                        ),
                    )
                    .with_hint(Text::new(
                        "chaque évènement a un identifiant unique : ajoutez le mois ou un numéro",
                        "each event has a unique id: add the month or a number",
                    )),
                );
            } else {
                seen.insert(e.id.clone(), (e.file.clone(), e.position));
            }
        }
        events.sort_by(|a, b| {
            (a.when.first_day(), start_key(a), &a.id).cmp(&(
                b.when.first_day(),
                start_key(b),
                &b.id,
            ))
        });
        (
            Calendar {
                events,
                refused,
                unreadable,
            },
            ds,
        )
    }

    /// Whether an event of this id may be in the calendar although
    /// [`Calendar::event`] does not find it: written but refused, or in a
    /// file that could not be read. A record naming it is not to blame:
    /// the calendar's own error is reported.
    pub fn may_hold(&self, id: &str) -> bool {
        self.unreadable || self.refused.contains(id)
    }

    /// The event with this id: portfolio records name the workshops they
    /// attended by it. A duplicate id is reported when loading; the
    /// earliest event with it is the one returned.
    pub fn event(&self, id: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.id == id)
    }

    /// Events not yet over on `today`, soonest first.
    pub fn upcoming(&self, today: Date) -> impl Iterator<Item = &Event> {
        self.events
            .iter()
            .filter(move |e| e.when.last_day() >= today)
    }

    /// Events of the academic year of `today` (1 September to 31 August)
    /// that are over, most recent first.
    pub fn past_this_year(&self, today: Date) -> Vec<&Event> {
        let year_start = academic_year_start(today);
        let mut past: Vec<&Event> = self
            .events
            .iter()
            .filter(|e| e.when.last_day() < today && e.when.first_day() >= year_start)
            .collect();
        past.reverse();
        past
    }
}

fn start_key(e: &Event) -> i64 {
    match &e.when {
        When::Timed { start, .. } => start.timestamp().as_second(),
        When::AllDay { .. } => i64::MIN,
    }
}

/// 1 September of the academic year that `today` belongs to.
pub fn academic_year_start(today: Date) -> Date {
    let year = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    Date::new(year, 9, 1).unwrap_or(today)
}

fn check_event(
    raw: Spanned<RawEvent>,
    file: &Path,
    programmes: &[String],
    ds: &mut Diagnostics,
) -> Option<Event> {
    let at = yaml::position(&raw.referenced, 1);
    let e = raw.value;
    let before = ds.error_count();
    let id = match &e.id {
        Some(id) if !id.value.trim().is_empty() => {
            let v = id.value.trim();
            if !v
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                ds.push(
                    Diagnostic::error(
                        ID_INVALID,
                        file,
                        pos(id),
                        Text::new(
                            format!("identifiant invalide `{v}`"),
                            format!("invalid id `{v}`"),
                        ),
                    )
                    .with_hint(Text::new(
                        "lettres minuscules, chiffres et tirets, par exemple atelier-2025-10",
                        "lowercase letters, digits and hyphens, for example atelier-2025-10",
                    )),
                );
            }
            v.to_string()
        }
        _ => {
            ds.push(
                Diagnostic::error(ID_MISSING, file, at, Text::new("cet évènement n’a pas d’identifiant", "this event has no id"))
                    .with_hint(Text::new(
                        "ajoutez `id: …` (unique et stable : il sert d’ancre et d’identifiant iCalendar)",
                        "add `id: …` (unique and stable: it is the anchor and the iCalendar identifier)",
                    )),
            );
            String::new()
        }
    };
    let kind_names: Vec<&str> = Kind::ALL.iter().map(|(s, _)| *s).collect();
    let kind = Kind::ALL
        .iter()
        .find(|(s, _)| *s == e.kind.value)
        .map(|(_, k)| *k);
    if kind.is_none() {
        ds.push(unknown_word(
            KIND_UNKNOWN,
            file,
            &e.kind,
            ("type d’évènement inconnu", "event kind"),
            &kind_names,
        ));
    }
    let status_names: Vec<&str> = Status::ALL.iter().map(|(s, _)| *s).collect();
    let status = match &e.status {
        None => Some(Status::Open),
        Some(s) => {
            let found = Status::ALL
                .iter()
                .find(|(n, _)| *n == s.value)
                .map(|(_, k)| *k);
            if found.is_none() {
                ds.push(unknown_word(
                    STATUS_UNKNOWN,
                    file,
                    s,
                    ("statut inconnu", "status"),
                    &status_names,
                ));
            }
            found
        }
    };
    if !programmes.contains(&e.programme.value) {
        let known: Vec<&str> = programmes.iter().map(String::as_str).collect();
        ds.push(unknown_word(
            PROGRAMME_UNKNOWN,
            file,
            &e.programme,
            ("programme inconnu", "programme"),
            &known,
        ));
    }
    let language = match &e.language {
        None => Lang::Fr,
        Some(l) => l.value.parse::<Lang>().unwrap_or_else(|_| {
            ds.push(unknown_word(
                LANGUAGE_UNKNOWN,
                file,
                l,
                ("langue inconnue", "language"),
                &["fr", "en"],
            ));
            Lang::Fr
        }),
    };
    if e.title.fr.as_deref().is_none_or(|t| t.trim().is_empty()) {
        ds.push(
            Diagnostic::error(
                TITLE_MISSING,
                file,
                at,
                Text::new(
                    "l’évènement n’a pas de titre en français",
                    "the event has no French title",
                ),
            )
            .with_hint(Text::new(
                "ajoutez `title: { fr: …, en: … }` (l’anglais est facultatif)",
                "add `title: { fr: …, en: … }` (English is optional)",
            )),
        );
    }
    // Both become links of the calendar page (`online`, the register button).
    for link in [&e.online, &e.registration].into_iter().flatten() {
        ds.extend(crate::core::url::check(&link.value, file, pos(link)));
    }
    if e.location.is_none() && e.online.is_none() {
        ds.push(
            Diagnostic::warning(
                PLACE_MISSING,
                file,
                at,
                Text::new(
                    "l’évènement n’indique ni lieu ni lien en ligne",
                    "the event gives neither a place nor an online link",
                ),
            )
            .with_hint(Text::new(
                "ajoutez `location:` (campus, bâtiment, local) ou `online: https://…`",
                "add `location:` (campus, building, room) or `online: https://…`",
            )),
        );
    }
    let tz_name = e
        .timezone
        .as_ref()
        .map(|t| t.value.clone())
        .unwrap_or_else(|| DEFAULT_TZ.to_string());
    let tz = match TimeZone::get(&tz_name) {
        Ok(tz) => Some(tz),
        Err(_) => {
            if let Some(t) = &e.timezone {
                ds.push(
                    Diagnostic::error(
                        TIMEZONE_UNKNOWN,
                        file,
                        pos(t),
                        Text::new(
                            format!("fuseau horaire inconnu `{tz_name}`"),
                            format!("unknown time zone `{tz_name}`"),
                        ),
                    )
                    .with_hint(Text::new(
                        "utilisez un nom de la base IANA, par exemple Europe/Brussels",
                        "use an IANA name, for example Europe/Brussels",
                    )),
                );
            }
            None
        }
    };
    let start = moment(&e.start, file).map_err(|d| ds.push(d)).ok();
    let end = e
        .end
        .as_ref()
        .and_then(|v| moment(v, file).map_err(|d| ds.push(d)).ok());
    let when = match (start, end, &tz) {
        (Some(Moment::Day(first)), None, _) => Some(When::AllDay { first, last: first }),
        (Some(Moment::Day(first)), Some(Moment::Day(last)), _) => {
            Some(When::AllDay { first, last })
        }
        (Some(Moment::At(_)), None, _) => {
            ds.push(
                Diagnostic::error(
                    END_MISSING,
                    file,
                    pos(&e.start),
                    Text::new(
                        "un évènement à heure fixe doit avoir une fin",
                        "a timed event needs an end",
                    ),
                )
                .with_hint(Text::new(
                    "ajoutez `end: 2025-10-14T20:00`",
                    "add `end: 2025-10-14T20:00`",
                )),
            );
            None
        }
        (Some(Moment::At(s)), Some(Moment::At(en)), Some(tz)) => {
            let end_value = e.end.as_ref().unwrap_or(&e.start);
            match (
                zoned(s, tz, &e.start, &tz_name, file, ds),
                zoned(en, tz, end_value, &tz_name, file, ds),
            ) {
                (Some(start), Some(end)) => Some(When::Timed { start, end }),
                _ => None,
            }
        }
        (Some(_), Some(_), Some(_)) => {
            if let Some(end) = &e.end {
                ds.push(
                    Diagnostic::error(DATE_INVALID, file, pos(end), Text::new("le début et la fin doivent être tous deux des dates, ou tous deux des heures", "start and end must both be dates, or both be times"))
                        .with_hint(Text::new("écrivez 2025-10-14 et 2025-10-15, ou 2025-10-14T18:00 et 2025-10-14T20:00", "write 2025-10-14 and 2025-10-15, or 2025-10-14T18:00 and 2025-10-14T20:00")),
                );
            }
            None
        }
        _ => None,
    };
    // An all-day event ends (exclusively, in iCalendar) the day after its
    // last day, which must exist.
    if let (Some(When::AllDay { last, .. }), Some(end)) = (&when, &e.end) {
        if last.tomorrow().is_err() {
            ds.push(beyond_calendar(file, end));
        }
    }
    if let (Some(when), Some(end)) = (&when, &e.end) {
        let backwards = match when {
            When::Timed { start, end } => end < start,
            When::AllDay { first, last } => last < first,
        };
        if backwards {
            ds.push(
                Diagnostic::error(
                    END_BEFORE_START,
                    file,
                    pos(end),
                    Text::new(
                        format!(
                            "la fin ({}) précède le début ({})",
                            end.value, e.start.value
                        ),
                        format!(
                            "the end ({}) comes before the start ({})",
                            end.value, e.start.value
                        ),
                    ),
                )
                .with_hint(Text::new(
                    "vérifiez les dates : la fin doit suivre le début",
                    "check the dates: the end must come after the start",
                )),
            );
        }
    }
    if ds.error_count() > before {
        return None;
    }
    Some(Event {
        id,
        kind: kind?,
        programme: e.programme.value,
        title: e.title,
        summary: e.summary,
        when: when?,
        timezone: tz_name,
        place: e.location,
        online: e.online.map(|o| o.value),
        language,
        capacity: e.capacity,
        status: status?,
        registration: e.registration.map(|r| r.value),
        file: file.to_path_buf(),
        position: e.id.as_ref().map(pos).unwrap_or(at),
    })
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS_FR: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const DAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn month_name(d: Date, lang: Lang) -> &'static str {
    let i = (d.month() as usize).saturating_sub(1).min(11);
    match lang {
        Lang::Fr => MONTHS_FR[i],
        Lang::En => MONTHS_EN[i],
    }
}

/// "octobre 2025" / "October 2025": the heading of a month's events.
pub fn month_label(d: Date, lang: Lang) -> String {
    format!("{} {}", month_name(d, lang), d.year())
}

/// "mardi 14 octobre 2025" / "Tuesday 14 October 2025" ("1er" in French).
pub fn day_label(d: Date, lang: Lang) -> String {
    let wd = d.weekday().to_monday_zero_offset() as usize;
    match lang {
        Lang::Fr => {
            let day = if d.day() == 1 {
                "1er".to_string()
            } else {
                d.day().to_string()
            };
            format!("{} {day} {} {}", DAYS_FR[wd], month_name(d, lang), d.year())
        }
        Lang::En => format!(
            "{} {} {} {}",
            DAYS_EN[wd],
            d.day(),
            month_name(d, lang),
            d.year()
        ),
    }
}

/// "18 h 00" / "6:00 pm".
pub fn time_label(z: &Zoned, lang: Lang) -> String {
    let (h, m) = (z.hour(), z.minute());
    match lang {
        Lang::Fr => format!("{h}\u{A0}h\u{A0}{m:02}"),
        Lang::En => {
            let h12 = if h % 12 == 0 { 12 } else { h % 12 };
            format!("{h12}:{m:02}\u{A0}{}", if h < 12 { "am" } else { "pm" })
        }
    }
}

/// The full "when" of an event in `lang`.
pub fn when_label(when: &When, lang: Lang) -> String {
    match when {
        When::Timed { start, end } if start.date() == end.date() => {
            format!(
                "{}, {} – {}",
                day_label(start.date(), lang),
                time_label(start, lang),
                time_label(end, lang)
            )
        }
        When::Timed { start, end } => format!(
            "{}, {} – {}, {}",
            day_label(start.date(), lang),
            time_label(start, lang),
            day_label(end.date(), lang),
            time_label(end, lang)
        ),
        When::AllDay { first, last } if first == last => day_label(*first, lang),
        When::AllDay { first, last } => match lang {
            Lang::Fr => format!(
                "du {} au {}",
                day_label(*first, lang),
                day_label(*last, lang)
            ),
            Lang::En => format!("{} to {}", day_label(*first, lang), day_label(*last, lang)),
        },
    }
}

/// Events grouped by the month of their first day, in order.
pub fn by_month<'a>(
    events: impl Iterator<Item = &'a Event>,
) -> BTreeMap<(i16, i8), Vec<&'a Event>> {
    let mut out: BTreeMap<(i16, i8), Vec<&Event>> = BTreeMap::new();
    for e in events {
        let d = e.when.first_day();
        out.entry((d.year(), d.month())).or_default().push(e);
    }
    out
}

/// An event as templates see it, in one language.
#[derive(Debug, serde::Serialize)]
pub struct EventView {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    /// Set to "fr" when the title is shown in French on an English page.
    pub title_lang: Option<&'static str>,
    pub summary: Option<String>,
    pub when: String,
    /// ISO 8601, for `<time datetime>`.
    pub start: String,
    pub end: String,
    pub all_day: bool,
    pub place: Option<String>,
    pub online: Option<String>,
    /// Language the event is given in ("fr"), and whether it differs from
    /// the page's.
    pub language: &'static str,
    pub other_language: bool,
    /// Places and registration: only for events still to come (a past
    /// workshop offers neither).
    pub capacity: Option<u32>,
    pub status: &'static str,
    pub registration: Option<String>,
    /// Whether the event is over on the build's day.
    pub past: bool,
    /// Link to this event on the calendar page, and its own .ics file.
    pub url: Option<String>,
    pub ics_url: String,
}

fn iso(when: &When) -> (String, String) {
    match when {
        When::Timed { start, end } => (
            start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            end.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        ),
        When::AllDay { first, last } => (first.to_string(), last.to_string()),
    }
}

/// The view of `e` for a page in `lang` on the day `today`. `page_url` is
/// the calendar page (site-relative, with base path) and `ics_url` the
/// event's own feed.
pub fn event_view(
    e: &Event,
    lang: Lang,
    today: Date,
    page_url: Option<&str>,
    ics_url: String,
) -> EventView {
    let (title, fell_back) = e.title(lang);
    let past = e.when.last_day() < today;
    // Only what is taught has a language worth announcing: an application
    // window or a jury session is "given" in no language.
    let taught = matches!(e.kind, Kind::Workshop | Kind::InfoSession);
    let (start, end) = iso(&e.when);
    EventView {
        id: e.id.clone(),
        kind: e.kind.as_str(),
        title: title.to_string(),
        title_lang: fell_back.then_some("fr"),
        summary: e.summary(lang).map(str::to_string),
        when: when_label(&e.when, lang),
        start,
        end,
        all_day: matches!(e.when, When::AllDay { .. }),
        place: e.place.as_ref().map(|p| p.one_line(lang)),
        online: e.online.clone(),
        language: e.language.code(),
        other_language: taught && e.language != lang,
        capacity: e.capacity.filter(|_| !past),
        status: e.status.as_str(),
        registration: e.registration.clone().filter(|_| !past),
        past,
        url: page_url.map(|u| format!("{u}#{}", e.id)),
        ics_url,
    }
}

/// schema.org Event objects for `events`, as one JSON-LD `@graph`.
pub fn json_ld(
    events: &[&Event],
    lang: Lang,
    organisation: &str,
    base_url: &str,
    page_permalink: Option<&str>,
) -> String {
    let graph: Vec<serde_json::Value> = events
        .iter()
        .map(|e| {
            let (start, end) = iso(&e.when);
            let location = match (&e.place, &e.online) {
                (Some(p), _) => {
                    serde_json::json!({
                        "@type": "Place",
                        "name": p.parts(lang, false).join(", "),
                        "address": p.address(lang).map(str::to_string).unwrap_or_else(|| p.one_line(lang)),
                    })
                }
                (None, Some(url)) => serde_json::json!({ "@type": "VirtualLocation", "url": url }),
                (None, None) => serde_json::Value::Null,
            };
            let mut v = serde_json::json!({
                "@type": "Event",
                "@id": page_permalink.map(|p| format!("{p}#{}", e.id)),
                "name": e.title(lang).0,
                "startDate": start,
                "endDate": end,
                "eventStatus": if e.status == Status::Cancelled { "https://schema.org/EventCancelled" } else { "https://schema.org/EventScheduled" },
                "eventAttendanceMode": if e.place.is_none() && e.online.is_some() { "https://schema.org/OnlineEventAttendanceMode" } else { "https://schema.org/OfflineEventAttendanceMode" },
                "location": location,
                "inLanguage": e.language.code(),
                "organizer": { "@type": "Organization", "name": organisation, "url": base_url },
            });
            if let (Some(obj), Some(s)) = (v.as_object_mut(), e.summary(lang)) {
                obj.insert("description".into(), s.into());
            }
            if let (Some(obj), Some(p)) = (v.as_object_mut(), page_permalink) {
                obj.insert("url".into(), format!("{p}#{}", e.id).into());
            }
            v
        })
        .collect();
    crate::core::html::script_safe_json(
        &serde_json::json!({ "@context": "https://schema.org", "@graph": graph }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(yaml: &str) -> (Calendar, Diagnostics) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(CALENDAR_DIR)).unwrap();
        std::fs::write(dir.path().join(CALENDAR_DIR).join("a.yml"), yaml).unwrap();
        Calendar::load(
            &crate::core::source::Files::new(crate::core::source::Disk::new(dir.path())),
            &["ceci".to_string()],
        )
    }

    const OK: &str = "events:\n  - id: a\n    kind: workshop\n    programme: ceci\n    title: { fr: Atelier }\n    start: 2025-10-14T18:00\n    end: 2025-10-14T20:00\n    location: { campus: Solbosch }\n";

    #[test]
    fn dates_in_each_language() {
        let (cal, ds) = load(OK);
        assert!(ds.is_empty(), "{ds:?}");
        let w = &cal.events[0].when;
        assert_eq!(
            when_label(w, Lang::Fr),
            "mardi 14 octobre 2025, 18\u{A0}h\u{A0}00 – 20\u{A0}h\u{A0}00"
        );
        assert_eq!(
            when_label(w, Lang::En),
            "Tuesday 14 October 2025, 6:00\u{A0}pm – 8:00\u{A0}pm"
        );
        let d = Date::new(2025, 9, 1).unwrap();
        assert_eq!(day_label(d, Lang::Fr), "lundi 1er septembre 2025");
        assert_eq!(
            when_label(
                &When::AllDay {
                    first: d,
                    last: Date::new(2025, 9, 30).unwrap()
                },
                Lang::En
            ),
            "Monday 1 September 2025 to Tuesday 30 September 2025"
        );
    }

    #[test]
    fn a_place_part_of_the_wrong_shape_is_said_in_words_not_as_rusts_enum() {
        // serde's own words name the type: "data did not match any variant
        // of untagged enum PlaceText".
        let (_, ds) =
            load(&OK.replace("{ campus: Solbosch }", "{ campus: Solbosch, building: 12 }"));
        let d = ds.iter().next().expect("one diagnostic");
        assert_eq!(
            (d.rule.as_str(), d.line(), d.position.column),
            ("yaml.invalid-value", 8, 45)
        );
        assert_eq!(
            d.message.fr,
            "il faut ici un texte, ou un texte par langue : `{ fr: …, en: … }`"
        );
        assert_eq!(
            d.message.en,
            "a text, or a text per language (`{ fr: …, en: … }`), is expected here"
        );
    }

    #[test]
    fn an_unknown_language_is_said_with_its_adjective_agreed() {
        let (_, ds) = load(&format!("{OK}    language: french\n"));
        let d = ds.iter().next().expect("one diagnostic");
        assert_eq!(
            (d.rule.as_str(), d.line(), d.position.column),
            ("calendar.language-unknown", 9, 15)
        );
        assert_eq!(d.message.fr, "langue inconnue : `french`");
        assert_eq!(d.message.en, "unknown language: `french`");
        assert_eq!(
            d.hint.as_ref().map(|h| h.fr.as_str()),
            Some("vouliez-vous dire `fr` ?")
        );
    }

    #[test]
    fn bad_events_are_located() {
        let bad = "events:\n  - kind: worksop\n    programme: cecy\n    title: { fr: A }\n    start: 2025-10-14T18:00\n    end: 2025-10-14T17:00\n    timezone: Europe/Bruxelles\n    status: ful\n    online: https://x\n";
        let (_, ds) = load(bad);
        let got: Vec<(&str, u32)> = ds.iter().map(|d| (d.rule.as_str(), d.line())).collect();
        assert_eq!(
            got,
            [
                ("calendar.id-missing", 2),
                ("calendar.kind-unknown", 2),
                ("calendar.status-unknown", 8),
                ("calendar.programme-unknown", 3),
                ("calendar.timezone-unknown", 7),
            ]
        );
        let (_, ds) = load(&OK.replace("end: 2025-10-14T20:00", "end: 2025-10-14T17:00"));
        assert_eq!(
            ds.iter()
                .map(|d| (d.rule.as_str(), d.line()))
                .collect::<Vec<_>>(),
            [("calendar.end-before-start", 7)]
        );
        let (_, ds) = load(&format!("{OK}{}", OK.trim_start_matches("events:\n")));
        assert_eq!(
            ds.iter()
                .map(|d| (d.rule.as_str(), d.line()))
                .collect::<Vec<_>>(),
            [("calendar.id-duplicate", 9)]
        );
    }

    #[test]
    fn upcoming_and_past_around_today() {
        let mut y = String::from("events:\n");
        for (id, day) in [
            ("sep", "2025-09-20"),
            ("oct", "2025-10-14"),
            ("jun-old", "2025-06-10"),
            ("nov", "2025-11-04"),
        ] {
            y.push_str(&format!("  - id: {id}\n    kind: workshop\n    programme: ceci\n    title: {{ fr: X }}\n    start: {day}\n    online: https://x\n"));
        }
        let (cal, ds) = load(&y);
        assert!(ds.is_empty(), "{ds:?}");
        let today = Date::new(2025, 10, 14).unwrap();
        let up: Vec<&str> = cal.upcoming(today).map(|e| e.id.as_str()).collect();
        assert_eq!(up, ["oct", "nov"], "an event of today is still upcoming");
        let past: Vec<&str> = cal
            .past_this_year(today)
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(past, ["sep"], "June belongs to the previous academic year");
    }
}

//! A programme: its facts for visitors and its rules for records, read from
//! data/programmes/<id>.yml.
//!
//! The file has three keys: `id`, `facts` (what visitors read) and `rules`
//! (what records must satisfy). The same file feeds the site (credits, hours, modules, places, cost) and
//! `engage check` (the rules), so a changed threshold is one edit. Numbers
//! that appear both as a fact and as a rule parameter are written once with a
//! YAML anchor (`min_hours: &min_hours 150` … `hours: *min_hours`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::core::diagnostic::{did_you_mean, Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::core::lang::Lang;
use crate::core::source::{Files, ReadError};
use crate::core::values::{Credits, Hours};
use crate::core::yaml;
use crate::records::rule::{placeholders_of, valid_rule_id, Rule, RuleDef};
use std::sync::Arc;

/// Where programme files live, relative to the root.
pub use crate::core::layout::PROGRAMMES_DIR as DIR;

/// The `id:` of a programme file is not its file name.
pub const ID_MISMATCH: RuleId = RuleId::new("programme.id-mismatch");
/// A rule id that is not dotted lowercase words.
pub const RULE_ID_INVALID: RuleId = RuleId::new("programme.rule-id-invalid");
/// Two rules with the same id in one programme.
pub const RULE_DUPLICATE: RuleId = RuleId::new("programme.rule-duplicate");
/// A `{placeholder}` in a message that the rule's check does not fill.
pub const PLACEHOLDER_UNKNOWN: RuleId = RuleId::new("programme.placeholder-unknown");
/// An id listed twice among modules, production kinds or organisation kinds.
pub const VOCABULARY_DUPLICATE: RuleId = RuleId::new("programme.vocabulary-duplicate");
/// A programme file that cannot be read.
pub const READ: RuleId = RuleId::new("programme.read");
/// A credit scale whose bands do not rise with hours and credits.
pub const SCALE_UNORDERED: RuleId = RuleId::new("programme.scale-unordered");

/// The schema of a language code in programme files (`fr`, `en`).
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum LangCode {
    Fr,
    En,
}

/// What kind of programme this is, for visitors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProgrammeKind {
    Certificate,
    Module,
    Workshops,
    MicroCredential,
}

/// An entry of a closed list of the programme (a module, a production kind):
/// a stable id used in records and a label per language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub label: Text,
}

/// A module of the programme: an online module (CECi) or a module of
/// workshop sessions (CIRÉ), which has a number of sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Module {
    pub id: String,
    pub label: Text,
    /// Sessions in the module, numbered from 1, when attendance is
    /// recorded per session.
    #[serde(default)]
    pub sessions: Option<u32>,
}

/// One band of a credit scale: an action of at least `from_hours` (presence
/// and preparation together) earns `credits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub from_hours: Hours,
    pub credits: Credits,
}

/// Credit-bearing actions (ESCOM): their kinds, the cycles of studies and
/// the scale that turns an action's hours into credits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionFacts {
    pub kinds: Vec<Item>,
    pub cycles: Vec<Item>,
    /// Bands in increasing order; the highest band reached counts, and an
    /// action under the first earns nothing.
    pub credit_scale: Vec<Band>,
}

impl ActionFacts {
    /// The credits an action of `hours` earns on the scale.
    pub fn credits_for(&self, hours: Hours) -> Credits {
        self.credit_scale
            .iter()
            .filter(|b| b.from_hours <= hours)
            .map(|b| b.credits)
            .max()
            .unwrap_or(Credits::ZERO)
    }
}

/// A kind of organisation that may host an internship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationKind {
    pub id: String,
    pub label: Text,
    /// Refused kinds (a company) are listed too, so that a record naming one
    /// gets "refused" rather than "unknown".
    pub accepted: bool,
    /// Run by a committee or bureau elected by students (circle, office,
    /// union): the supervisor rules depend on it.
    #[serde(default)]
    pub committee: bool,
}

/// The cost of a place, for visitors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cost {
    /// What one place costs the organiser, in euros, when published.
    #[serde(default)]
    pub per_place_eur: Option<u32>,
    /// What the participant pays, in euros.
    pub participant_eur: u32,
    pub note: Option<Text>,
}

/// The internship, for visitors and for records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Internship {
    pub min_hours: u32,
    pub organisation_kinds: Vec<OrganisationKind>,
}

/// The workshops, for visitors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workshops {
    pub per_year_min: u32,
    pub per_year_max: u32,
    #[schemars(with = "LangCode")]
    pub language: Lang,
    pub format: Text,
}

/// The portfolio a record must contain, for visitors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortfolioFacts {
    pub productions: u32,
    pub production_kinds: Vec<Item>,
    pub analysis: bool,
    pub assessment: bool,
}

/// The facts of a programme file, exactly as written (the site renders them).
///
/// Only what every programme has is required; each optional part belongs to
/// the programmes whose records have it (an internship for CECi, actions for
/// ESCOM, sessions in modules for CIRÉ).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    pub name: Text,
    pub short_name: String,
    pub kind: ProgrammeKind,
    pub organiser: String,
    /// The credits of the programme; none for programmes without credits
    /// (CIRÉ) or whose credits vary per record (micro-credentials).
    #[serde(default, deserialize_with = "crate::core::values::programme_credits")]
    pub credits: Option<f64>,
    /// Credits that come on top of a degree and cannot compensate others.
    #[serde(default)]
    pub extracurricular: bool,
    #[schemars(with = "Vec<LangCode>")]
    pub teaching_languages: Vec<Lang>,
    /// Months (1–12) in which an intake starts.
    #[serde(default, deserialize_with = "crate::core::values::months")]
    pub intake_months: Vec<u8>,
    #[serde(default)]
    pub places_per_intake: Option<u32>,
    #[serde(default)]
    pub max_duration_years: Option<u8>,
    #[serde(default)]
    pub cost: Option<Cost>,
    #[serde(default)]
    pub internship: Option<Internship>,
    #[serde(default)]
    pub modules: Vec<Module>,
    #[serde(default)]
    pub workshops: Option<Workshops>,
    #[serde(default)]
    pub portfolio: Option<PortfolioFacts>,
    #[serde(default)]
    pub actions: Option<ActionFacts>,
    /// How to apply (the dates are the calendar's application windows).
    #[serde(default)]
    pub application: Option<Application>,
}

/// How to apply, for the programme, application and FAQ pages: the form
/// and where to be told when applications open. The dates are not here:
/// they are the programme's `application-window` events of the calendar,
/// so that the pages, the calendar and its feeds agree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// The application form's address, linked while a window is open.
    #[schemars(with = "String")]
    pub form: Address,
    /// Where to ask to be told when applications open (a form or a
    /// `mailto:` address), linked while no window is open.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub notify: Option<Address>,
}

/// An address the site links to, with where it is written: it becomes an
/// `href`, so its scheme goes through the allow-list of
/// [`crate::core::url`], and a refused one is reported at its line.
/// Serialised as the bare string, as the templates expect.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub value: String,
    pub at: Position,
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<String>::deserialize(d)?;
        Ok(Address {
            at: at(&s.referenced, &s.value),
            value: s.value,
        })
    }
}

impl Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value)
    }
}

/// `x` written the way `lang` writes decimals: "0,5" in French, "0.5" in
/// English, and no ".0" for whole numbers.
pub fn decimal(x: impl std::fmt::Display, lang: Lang) -> String {
    let s = x.to_string();
    match lang {
        Lang::Fr => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A programme file, data/programmes/<id>.yml: facts for visitors and
/// rules for records.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "engage programme")]
struct ProgrammeDef {
    #[schemars(with = "String")]
    id: Spanned<String>,
    facts: Facts,
    rules: Vec<RuleDef>,
}

/// The JSON Schema of programme files (data/programmes/<id>.yml), for editors.
pub fn programme_schema() -> schemars::Schema {
    schemars::schema_for!(ProgrammeDef)
}

/// A programme, loaded and known good.
#[derive(Debug, Clone)]
pub struct Programme {
    pub id: String,
    /// The programme file, relative to the root.
    pub file: PathBuf,
    pub facts: Facts,
    pub rules: Vec<Rule>,
}

impl Programme {
    /// Parses a programme file's text; `file` is relative to the root and its
    /// stem must be the programme's id.
    pub fn parse(text: &str, file: &Path) -> (Option<Programme>, Diagnostics) {
        let mut ds = Diagnostics::new();
        let schema = || serde_json::to_value(programme_schema()).unwrap_or_default();
        let def: ProgrammeDef = match yaml::parse_with_schema(text, file, 1, schema) {
            Ok(def) => def,
            Err(found) => {
                ds.extend(found);
                return (None, ds);
            }
        };
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if def.id.value != stem {
            ds.push(
                Diagnostic::error(
                    ID_MISMATCH,
                    file,
                    at(&def.id.referenced, &def.id.value),
                    Text::new(
                        format!(
                            "l’identifiant `{}` ne correspond pas au nom du fichier `{stem}`",
                            def.id.value
                        ),
                        format!(
                            "the id `{}` does not match the file name `{stem}`",
                            def.id.value
                        ),
                    ),
                )
                .with_hint(Text::new(
                    format!("écrivez `id: {stem}` ou renommez le fichier"),
                    format!("write `id: {stem}` or rename the file"),
                )),
            );
        }
        check_vocabulary(file, text, &def.facts, &mut ds);
        if let Some(a) = &def.facts.application {
            for address in std::iter::once(&a.form).chain(&a.notify) {
                ds.extend(crate::core::url::check(&address.value, file, address.at));
            }
        }
        let mut seen: HashMap<String, u32> = HashMap::new();
        let mut rules = Vec::with_capacity(def.rules.len());
        for r in def.rules {
            let pos = at(&r.id.referenced, &r.id.value);
            if !valid_rule_id(&r.id.value) {
                ds.push(
                    Diagnostic::error(
                        RULE_ID_INVALID,
                        file,
                        pos,
                        Text::new(
                            format!("identifiant de règle invalide `{}`", r.id.value),
                            format!("invalid rule id `{}`", r.id.value),
                        ),
                    )
                    .with_hint(Text::new(
                        "des mots en minuscules séparés par des points, comme `ceci.internship-hours`",
                        "lowercase words separated by dots, such as `ceci.internship-hours`",
                    )),
                );
                continue;
            }
            if let Some(first) = seen.get(&r.id.value) {
                ds.push(Diagnostic::error(
                    RULE_DUPLICATE,
                    file,
                    pos,
                    Text::new(
                        format!("la règle `{}` est définie deux fois", r.id.value),
                        format!("the rule `{}` is defined twice", r.id.value),
                    ),
                )
                .with_hint(Text::new(
                    format!("chaque règle a son propre identifiant : renommez celle-ci, ou retirez-la si elle répète l’autre (ligne {first})"),
                    format!("each rule has an id of its own: rename this one, or remove it if it repeats the other (line {first})"),
                )));
                continue;
            }
            seen.insert(r.id.value.clone(), pos.line);
            let allowed = r.check.placeholders();
            let mut templates = vec![&r.message];
            templates.extend(r.hint.as_ref());
            let mut ok = true;
            for t in templates {
                for (lang, s) in [(Lang::Fr, &t.fr), (Lang::En, &t.en)] {
                    for name in placeholders_of(&s.value) {
                        if allowed.contains(&name) {
                            continue;
                        }
                        ok = false;
                        let hint = match did_you_mean(name, allowed.iter().copied()) {
                            Some(k) => Text::new(
                                format!("vouliez-vous dire `{{{k}}}` ?"),
                                format!("did you mean `{{{k}}}`?"),
                            ),
                            None => Text::new(
                                format!("valeurs possibles ici : {}", braces(allowed)),
                                format!("values available here: {}", braces(allowed)),
                            ),
                        };
                        ds.push(
                            Diagnostic::error(
                                PLACEHOLDER_UNKNOWN,
                                file,
                                yaml::position(&s.referenced, 1),
                                Text::new(
                                    format!(
                                        "la règle `{}` ne fournit pas `{{{name}}}` (message {lang})",
                                        r.id.value
                                    ),
                                    format!(
                                        "the rule `{}` does not provide `{{{name}}}` ({lang} message)",
                                        r.id.value
                                    ),
                                ),
                            )
                            .with_hint(hint),
                        );
                    }
                }
            }
            if !ok {
                continue;
            }
            rules.push(Rule {
                id: RuleId(r.id.value.into()),
                severity: r.severity.into(),
                phase: r.phase,
                label: r.label,
                public: r.public,
                message: r.message.text(),
                hint: r.hint.map(|h| h.text()),
                check: r.check,
            });
        }
        if ds.has_errors() {
            return (None, ds);
        }
        let programme = Programme {
            id: def.id.value,
            file: file.to_path_buf(),
            facts: def.facts,
            rules,
        };
        (Some(programme), ds)
    }

    /// The module with this id, if the programme has it.
    pub fn module(&self, id: &str) -> Option<&Module> {
        self.facts.modules.iter().find(|m| m.id == id)
    }
    /// The production kinds (none when the programme has no portfolio).
    pub fn production_kinds(&self) -> &[Item] {
        self.facts
            .portfolio
            .as_ref()
            .map_or(&[], |p| p.production_kinds.as_slice())
    }
    /// The production kind with this id.
    pub fn production_kind(&self, id: &str) -> Option<&Item> {
        self.production_kinds().iter().find(|k| k.id == id)
    }
    /// The organisation kinds (none when the programme has no internship).
    pub fn organisation_kinds(&self) -> &[OrganisationKind] {
        self.facts
            .internship
            .as_ref()
            .map_or(&[], |i| i.organisation_kinds.as_slice())
    }
    /// The organisation kind with this id (accepted or refused).
    pub fn organisation_kind(&self, id: &str) -> Option<&OrganisationKind> {
        self.organisation_kinds().iter().find(|k| k.id == id)
    }
    /// The action kinds (none when the programme has no actions).
    pub fn action_kinds(&self) -> &[Item] {
        self.facts
            .actions
            .as_ref()
            .map_or(&[], |a| a.kinds.as_slice())
    }
    /// The cycles of studies (none when the programme has no actions).
    pub fn cycles(&self) -> &[Item] {
        self.facts
            .actions
            .as_ref()
            .map_or(&[], |a| a.cycles.as_slice())
    }
    /// The cycle with this id.
    pub fn cycle(&self, id: &str) -> Option<&Item> {
        self.cycles().iter().find(|c| c.id == id)
    }
    /// The credits an action of `hours` earns (none without a scale).
    pub fn credits_for(&self, hours: Hours) -> Credits {
        self.facts
            .actions
            .as_ref()
            .map_or(Credits::ZERO, |a| a.credits_for(hours))
    }
    /// The ids of the modules whose sessions a record lists (those with a
    /// number of sessions).
    pub fn modules_with_sessions(&self) -> Vec<&str> {
        self.facts
            .modules
            .iter()
            .filter(|m| m.sessions.is_some())
            .map(|m| m.id.as_str())
            .collect()
    }

    /// The months an intake may start in, when a rule of the programme
    /// (`intake-month`) says so.
    pub fn intake_rule_months(&self) -> Option<&[u8]> {
        self.rules.iter().find_map(|r| match &r.check {
            crate::records::rule::Check::IntakeMonth { months } => Some(months.as_slice()),
            _ => None,
        })
    }

    /// The parts of a record some rule cannot be checked without (a
    /// record missing one is incomplete, whatever else it holds), each
    /// once.
    pub fn required_parts(&self) -> Vec<crate::records::vocabulary::Part> {
        let mut parts = Vec::new();
        for p in self.rules.iter().flat_map(|r| r.check.requires()) {
            if !parts.contains(p) {
                parts.push(*p);
            }
        }
        parts
    }

    /// The parts of a record some rule of this programme reads: the others
    /// are refused in its records. Workshops attended are kept by
    /// programmes that organise workshops, even before a rule reads them.
    pub fn record_parts(&self) -> Vec<crate::records::vocabulary::Part> {
        let mut parts: Vec<crate::records::vocabulary::Part> = Vec::new();
        for r in &self.rules {
            for p in r.check.reads() {
                if !parts.contains(p) {
                    parts.push(*p);
                }
            }
        }
        if self.facts.workshops.is_some()
            && !parts.contains(&crate::records::vocabulary::Part::Workshops)
        {
            parts.push(crate::records::vocabulary::Part::Workshops);
        }
        parts
    }
}

fn braces(names: &[&str]) -> String {
    if names.is_empty() {
        return "—".into();
    }
    names
        .iter()
        .map(|n| format!("{{{n}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The position of a spanned string value, with a caret as long as it.
fn at(loc: &serde_saphyr::Location, value: &str) -> Position {
    yaml::position(loc, 1).with_len(value.chars().count() as u32)
}

/// Ids of modules, production kinds and organisation kinds are what records
/// refer to: each must be unique within its list. Each problem is put where
/// it is written in `text`, found again only when there is one.
fn check_vocabulary(file: &Path, text: &str, facts: &Facts, ds: &mut Diagnostics) {
    use yaml::Step::{Item as At, Key};
    fn ids(items: &[Item]) -> Vec<&str> {
        items.iter().map(|m| m.id.as_str()).collect()
    }
    let lists: [(&str, &[yaml::Step], Vec<&str>); 5] = [
        (
            "modules",
            &[Key("facts"), Key("modules")],
            facts.modules.iter().map(|m| m.id.as_str()).collect(),
        ),
        (
            "portfolio.production_kinds",
            &[Key("facts"), Key("portfolio"), Key("production_kinds")],
            facts
                .portfolio
                .as_ref()
                .map(|p| ids(&p.production_kinds))
                .unwrap_or_default(),
        ),
        (
            "internship.organisation_kinds",
            &[Key("facts"), Key("internship"), Key("organisation_kinds")],
            facts
                .internship
                .iter()
                .flat_map(|i| &i.organisation_kinds)
                .map(|m| m.id.as_str())
                .collect(),
        ),
        (
            "actions.kinds",
            &[Key("facts"), Key("actions"), Key("kinds")],
            facts
                .actions
                .as_ref()
                .map(|a| ids(&a.kinds))
                .unwrap_or_default(),
        ),
        (
            "actions.cycles",
            &[Key("facts"), Key("actions"), Key("cycles")],
            facts
                .actions
                .as_ref()
                .map(|a| ids(&a.cycles))
                .unwrap_or_default(),
        ),
    ];
    // The caret under the whole value, its quotes too when it has some.
    let place = |path: &[yaml::Step], len: usize| {
        let Some(p) = yaml::locate(text, 1, path) else {
            return Position::file();
        };
        let quoted = text
            .lines()
            .nth(p.line.saturating_sub(1) as usize)
            .and_then(|l| l.chars().nth(p.column.saturating_sub(1) as usize))
            .is_some_and(|c| c == '"' || c == '\'');
        p.with_len(len as u32 + if quoted { 2 } else { 0 })
    };
    if let Some(a) = &facts.actions {
        // A scale that goes down would make more hours earn less: said at
        // the first band that does not rise above the one before it.
        let falls = a
            .credit_scale
            .windows(2)
            .position(|w| !(w[0].from_hours < w[1].from_hours && w[0].credits < w[1].credits));
        if let Some(i) = falls {
            let path = [Key("facts"), Key("actions"), Key("credit_scale"), At(i + 1)];
            ds.push(
                Diagnostic::error(
                    SCALE_UNORDERED,
                    file,
                    place(&path, 0),
                    Text::new(
                        "les paliers de `actions.credit_scale` doivent monter en heures et en crédits : celui-ci ne monte pas au-dessus du précédent",
                        "the bands of `actions.credit_scale` must rise in hours and in credits: this one does not rise above the one before",
                    ),
                )
                .with_hint(Text::new(
                    "listez les paliers du plus petit au plus grand, par exemple 10 h → 0.5, 20 h → 1",
                    "list the bands from the smallest to the largest, for example 10 h → 0.5, 20 h → 1",
                )),
            );
        }
    }
    for (list, parts, ids) in lists {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, id) in ids.into_iter().enumerate() {
            let Some(&first) = seen.get(id) else {
                seen.insert(id, i);
                continue;
            };
            let item = |n: usize| {
                let path: Vec<yaml::Step> =
                    parts.iter().copied().chain([At(n), Key("id")]).collect();
                place(&path, id.chars().count())
            };
            let first_line = item(first).line;
            let (fr, en) = if first_line > 0 {
                (
                    format!("renommez ou retirez l’un des deux `{id}` (le premier est à la ligne {first_line})"),
                    format!("rename or remove one of the two `{id}` (the first is on line {first_line})"),
                )
            } else {
                (
                    format!("renommez ou retirez l’un des deux `{id}`"),
                    format!("rename or remove one of the two `{id}`"),
                )
            };
            ds.push(
                Diagnostic::error(
                    VOCABULARY_DUPLICATE,
                    file,
                    item(i),
                    Text::new(
                        format!("`{id}` apparaît deux fois dans `{list}`"),
                        format!("`{id}` appears twice in `{list}`"),
                    ),
                )
                .with_hint(Text::new(
                    format!("chaque élément de `{list}` a son propre `id` : {fr}"),
                    format!("each item of `{list}` has an `id` of its own: {en}"),
                )),
            );
        }
    }
}

impl Programme {
    /// What a visitor needs, in `lang`, for the key-facts box and the list
    /// of requirements of a programme page. Everything comes from the rules
    /// file, so the site shows the very numbers `engage check` enforces.
    pub fn view(&self, lang: Lang) -> serde_json::Value {
        let f = &self.facts;
        let labels = |items: &[Item]| {
            items
                .iter()
                .map(|i| i.label.get(lang).to_string())
                .collect::<Vec<_>>()
        };
        let modules: Vec<&str> = f.modules.iter().map(|m| m.label.get(lang)).collect();
        let kinds = |accepted: bool| {
            self.organisation_kinds()
                .iter()
                .filter(|k| k.accepted == accepted)
                .map(|k| k.label.get(lang))
                .collect::<Vec<_>>()
        };
        // Internal checks ("no future date", "places per intake") are
        // marked `public: false`: meaningless to students as requirements.
        let requirements: Vec<serde_json::Value> = self
            .rules
            .iter()
            .filter(|r| r.public)
            .map(|r| {
                serde_json::json!({
                    "id": r.id.as_str(),
                    "label": r.label.get(lang),
                    "completeness": r.phase == crate::records::rule::Phase::Completeness,
                })
            })
            .collect();
        // Keys of parts a programme does not have are null (numbers, texts)
        // or empty (lists), so that a template can test them.
        serde_json::json!({
            "id": self.id,
            "kind": f.kind,
            "name": f.name.get(lang),
            "short_name": f.short_name,
            "organiser": f.organiser,
            "credits": f.credits,
            "credits_label": f.credits.map(|c| decimal(c, lang)),
            "extracurricular": f.extracurricular,
            "teaching_languages": f.teaching_languages.iter().map(|l| l.code()).collect::<Vec<_>>(),
            "min_hours": f.internship.as_ref().map(|i| i.min_hours),
            "max_duration_years": f.max_duration_years,
            "places_per_intake": f.places_per_intake,
            "cost_per_place_eur": f.cost.as_ref().and_then(|c| c.per_place_eur),
            "participant_cost_eur": f.cost.as_ref().map(|c| c.participant_eur),
            "cost_note": f.cost.as_ref().and_then(|c| c.note.as_ref()).map(|n| n.get(lang)),
            "intake_months": f.intake_months,
            "modules": modules,
            // Only modules that give a number of sessions: a count left
            // empty printed "Communication ( séances)".
            "module_sessions": f.modules.iter().filter(|m| m.sessions.is_some()).map(|m| serde_json::json!({"label": m.label.get(lang), "sessions": m.sessions})).collect::<Vec<_>>(),
            "workshops_per_year": f.workshops.as_ref().map(|w| [w.per_year_min, w.per_year_max]),
            "workshops_language": f.workshops.as_ref().map(|w| w.language.code()),
            "workshops_format": f.workshops.as_ref().map(|w| w.format.get(lang)),
            "application": f.application,
            "productions": f.portfolio.as_ref().map(|p| p.productions),
            "production_kinds": labels(self.production_kinds()),
            "organisations_accepted": kinds(true),
            "organisations_refused": kinds(false),
            "action_kinds": labels(self.action_kinds()),
            "cycles": labels(self.cycles()),
            "credit_scale": f.actions.iter().flat_map(|a| &a.credit_scale).map(|b| serde_json::json!({"from_hours": b.from_hours, "credits": b.credits, "credits_label": decimal(b.credits, lang)})).collect::<Vec<_>>(),
            "requirements": requirements,
        })
    }
}

/// Every programme of a site, by id.
#[derive(Debug, Clone, Default)]
pub struct Programmes {
    by_id: BTreeMap<String, Programme>,
    /// Ids (file stems) of programme files that failed to load: their
    /// records are not checked, and not reported as naming an unknown
    /// programme, since the programme file's own errors say what is wrong.
    broken: BTreeSet<String>,
}

impl Programmes {
    /// Reads every data/programmes/*.yml.
    pub fn load(files: &Files) -> (Programmes, Diagnostics) {
        let texts = files.yaml_texts(Path::new(DIR));
        Programmes::parse(texts)
    }

    /// The programmes of the texts of their files (or why each could not
    /// be read).
    pub fn parse(texts: Vec<(PathBuf, Result<Arc<str>, ReadError>)>) -> (Programmes, Diagnostics) {
        let mut ds = Diagnostics::new();
        let mut all = Programmes::default();
        for (rel, text) in texts {
            let stem = rel
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = match text {
                Ok(t) => t,
                Err(e) => {
                    ds.push(e.into_diagnostic(READ, &rel));
                    all.broken.insert(stem);
                    continue;
                }
            };
            let (p, pds) = Programme::parse(&text, &rel);
            ds.extend(pds);
            match p {
                Some(p) => all.insert(p),
                None => {
                    all.broken.insert(stem);
                }
            }
        }
        (all, ds)
    }

    /// The programme with this id, when it loaded without error.
    pub fn get(&self, id: &str) -> Option<&Programme> {
        self.by_id.get(id)
    }
    /// A programme file with this id exists but has errors.
    pub fn is_broken(&self, id: &str) -> bool {
        self.broken.contains(id)
    }
    /// Ids of every programme file, those that failed to load included:
    /// what other files may name (a calendar event's `programme:`) without
    /// being told the programme is unknown when its file is merely broken.
    pub fn known_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.by_id.keys().chain(&self.broken).cloned().collect();
        ids.sort();
        ids
    }
    /// Ids of the programmes that loaded, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.by_id.keys().map(String::as_str)
    }
    /// The programmes that loaded, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Programme> {
        self.by_id.values()
    }
    /// Adds or replaces a programme (tests, and programmes built in code).
    pub fn insert(&mut self, p: Programme) {
        self.by_id.insert(p.id.clone(), p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::rule::Check;

    fn repo_ceci() -> String {
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/programmes/ceci.yml"
        ))
        .unwrap()
    }

    #[test]
    fn application_addresses_go_through_the_url_allow_list_at_their_line() {
        let text = repo_ceci()
            .replace(
                "form: https://engage.example.org/candidature/ceci",
                "form: javascript:alert(1)",
            )
            .replacen("notify: \"mailto:", "notify: \"data:text/html,", 1);
        let form_line = text
            .lines()
            .position(|l| l.contains("form: javascript:"))
            .unwrap() as u32
            + 1;
        let (p, ds) = Programme::parse(&text, Path::new("data/programmes/ceci.yml"));
        assert!(p.is_none());
        let got: Vec<(String, u32)> = ds.iter().map(|d| (d.rule.to_string(), d.line())).collect();
        assert_eq!(
            got,
            [
                ("content.url-scheme".to_string(), form_line),
                ("content.url-scheme".to_string(), form_line + 1),
            ]
        );
    }

    #[test]
    fn the_ceci_programme_loads_with_its_facts_and_rules() {
        let (p, ds) = Programme::parse(&repo_ceci(), Path::new("data/programmes/ceci.yml"));
        assert!(ds.is_empty(), "{ds:?}");
        let p = p.unwrap();
        assert_eq!(p.facts.credits, Some(10.0));
        assert_eq!(p.facts.internship.as_ref().unwrap().min_hours, 150);
        assert_eq!(p.facts.max_duration_years, Some(2));
        assert_eq!(p.facts.places_per_intake, Some(30));
        assert_eq!(p.facts.modules.len(), 4);
        assert!(!p.organisation_kind("company").unwrap().accepted);
        assert!(p.organisation_kind("student-circle").unwrap().committee);
        // Anchored facts and rule parameters agree.
        assert!(p.rules.iter().any(|r| matches!(
            r.check,
            Check::MinimumHours { hours } if hours == crate::core::values::Hours::from_minutes(150 * 60)
        )));
        assert!(p
            .rules
            .iter()
            .any(|r| r.id.as_str() == "ceci.internship-hours"));
    }

    #[test]
    fn a_programme_s_credits_are_above_zero_said_at_the_value() {
        let text = repo_ceci();
        let written = text
            .lines()
            .find(|l| l.trim_start().starts_with("credits: 10"))
            .expect("the CECi programme gives its credits")
            .to_string();
        let line = text.lines().position(|l| l == written).unwrap() as u32 + 1;
        for bad in ["-10", "0"] {
            let text = text.replace(&written, &written.replace("10", bad));
            let (p, ds) = Programme::parse(&text, Path::new("data/programmes/ceci.yml"));
            assert!(p.is_none(), "{bad}");
            let got: Vec<(String, u32)> =
                ds.iter().map(|d| (d.rule.to_string(), d.line())).collect();
            assert_eq!(got, [("yaml.invalid-value".to_string(), line)], "{bad}");
            let d = ds.iter().next().unwrap();
            assert!(
                d.message.en.starts_with(&format!(
                    "{bad} credits: a programme's credits are above zero"
                )),
                "{}",
                d.message.en
            );
        }
        for (bad, said) in [
            ("20000", "20000 credits: more than any programme counts"),
            (".nan", "a number of credits is written in digits"),
        ] {
            let text = text.replace(&written, &written.replace("10", bad));
            let (_, ds) = Programme::parse(&text, Path::new("data/programmes/ceci.yml"));
            let d = ds.iter().next().unwrap();
            assert_eq!((d.rule.as_str(), d.line()), ("yaml.invalid-value", line));
            assert!(d.message.en.starts_with(said), "{}", d.message.en);
        }
        // A fraction of a credit is a programme's right.
        let half = text.replace(&written, &written.replace("10", "2.5"));
        let (p, ds) = Programme::parse(&half, Path::new("data/programmes/ceci.yml"));
        assert!(ds.is_empty(), "{ds:?}");
        assert_eq!(p.unwrap().facts.credits, Some(2.5));
    }

    #[test]
    fn id_must_match_the_file_name() {
        let text = repo_ceci();
        let (p, ds) = Programme::parse(&text, Path::new("data/programmes/other.yml"));
        assert!(p.is_none());
        let d = ds.iter().next().unwrap();
        assert_eq!(d.rule, ID_MISMATCH);
        assert_eq!(
            d.line(),
            text.lines().position(|l| l.starts_with("id:")).unwrap() as u32 + 1
        );
    }

    #[test]
    fn unknown_placeholders_and_bad_rule_ids_are_located() {
        let text = repo_ceci()
            .replace("{logged} h", "{loged} h")
            .replace("id: ceci.productions", "id: Ceci Productions");
        let (p, ds) = Programme::parse(&text, Path::new("data/programmes/ceci.yml"));
        assert!(p.is_none());
        let got: Vec<(String, u32)> = ds.iter().map(|d| (d.rule.to_string(), d.line())).collect();
        let line_of =
            |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() as u32 + 1;
        assert!(
            got.contains(&(PLACEHOLDER_UNKNOWN.to_string(), line_of("{loged} h"))),
            "{got:?}"
        );
        assert!(
            got.contains(&(RULE_ID_INVALID.to_string(), line_of("id: Ceci Productions"))),
            "{got:?}"
        );
    }

    #[test]
    fn duplicate_rules_and_vocabulary_are_refused() {
        let text = repo_ceci()
            .replace("id: ceci.assessment", "id: ceci.analysis")
            .replace("- id: project-management", "- id: communication");
        let (p, ds) = Programme::parse(&text, Path::new("data/programmes/ceci.yml"));
        assert!(p.is_none());
        // A needle ending in a newline stands for a whole line.
        let lines: Vec<String> = text.lines().map(|l| format!("{l}\n")).collect();
        let line_of =
            |needle: &str| 1 + lines.iter().rposition(|l| l.contains(needle)).unwrap() as u32;
        let got: Vec<(String, u32, u32)> = ds
            .iter()
            .map(|d| (d.rule.to_string(), d.line(), d.position.column))
            .collect();
        // The second of the two, at its id's value.
        assert_eq!(
            got,
            vec![
                (
                    VOCABULARY_DUPLICATE.to_string(),
                    line_of("    - id: communication\n"),
                    11
                ),
                (RULE_DUPLICATE.to_string(), line_of("id: ceci.analysis"), 9),
            ]
        );
        let first_of =
            |needle: &str| 1 + lines.iter().position(|l| l.contains(needle)).unwrap() as u32;
        // Each says what to do, not only what is wrong.
        let hints: Vec<(&str, &str)> = ds
            .iter()
            .map(|d| {
                let h = d.hint.as_ref().expect("a hint");
                (d.message.fr.as_str(), h.fr.as_str())
            })
            .collect();
        assert_eq!(
            hints[1],
            (
                "la règle `ceci.analysis` est définie deux fois",
                &*format!("chaque règle a son propre identifiant : renommez celle-ci, ou retirez-la si elle répète l’autre (ligne {})", first_of("id: ceci.analysis"))
            )
        );
        // The hint says where the first one is.
        assert_eq!(
            hints[0].1,
            format!(
                "chaque élément de `modules` a son propre `id` : renommez ou retirez l’un des deux `communication` (le premier est à la ligne {})",
                first_of("    - id: communication\n")
            )
        );
    }
}

#[cfg(test)]
mod example_tests {
    use super::*;
    use crate::core::values::{Credits, Hours};

    fn example(name: &str, id: &str) -> Programme {
        let path = format!(
            "{}/examples/{name}/data/programmes/{id}.yml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let rel = format!("data/programmes/{id}.yml");
        let (p, ds) = Programme::parse(&text, Path::new(&rel));
        assert!(ds.is_empty(), "{path}: {ds:?}");
        p.unwrap()
    }

    #[test]
    fn the_example_programmes_load() {
        let escom = example("escom", "escom");
        let h = |x: u32| Hours::from_minutes(x * 60);
        assert_eq!(escom.credits_for(h(9)), Credits::ZERO);
        assert_eq!(escom.credits_for(h(10)), Credits::from_hundredths(50));
        assert_eq!(escom.credits_for(h(39)), Credits::from_hundredths(150));
        assert_eq!(escom.credits_for(h(400)), Credits::from_hundredths(200));
        let cire = example("cire", "cire");
        assert_eq!(cire.module("society").unwrap().sessions, Some(8));
        let micro = example("micro-credential", "micro-credential");
        assert_eq!(micro.facts.credits, None);
        // Keys the programme page reads are there, null when not applicable.
        let v = micro.view(Lang::En);
        assert!(v["min_hours"].is_null());
        assert!(v["places_per_intake"].is_null());
        assert_eq!(v["modules"], serde_json::json!([]));
        assert_eq!(escom.view(Lang::Fr)["credit_scale"][0]["credits"], 0.5);
    }

    #[test]
    fn a_credit_scale_must_rise() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/escom/data/programmes/escom.yml"
        ))
        .unwrap()
        .replace(
            "from_hours: 30, credits: 1.5",
            "from_hours: 30, credits: 0.5",
        );
        let (p, ds) = Programme::parse(&text, Path::new("data/programmes/escom.yml"));
        assert!(p.is_none());
        // At the band that does not rise, not at the top of the file.
        let line = 1 + text
            .lines()
            .position(|l| l.contains("from_hours: 30, credits: 0.5"))
            .unwrap() as u32;
        // At the band's brace (`      - { from_hours: 30, … }`).
        let got: Vec<(&str, u32, u32)> = ds
            .iter()
            .map(|d| (d.rule.as_str(), d.line(), d.position.column))
            .collect();
        assert_eq!(got, vec![(SCALE_UNORDERED.as_str(), line, 9)]);
    }
}

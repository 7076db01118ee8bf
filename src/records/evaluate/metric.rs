//! What a record's evaluation measures, as plain data: the one list that the
//! human summary, the JSON document and the GitHub step summary present.
//!
//! A programme part that shows progress adds a [`MetricId`] and fills a
//! [`Metric`] in its evaluation; the formats need no change, because they
//! only know units ([`Quantity`]), never programme parts.

use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

use crate::core::diagnostic::Text;
use crate::core::values::{Credits, Hours};

/// What a metric measures. The declaration order is the order in which
/// every format lists metrics, whatever the order of the programme's rules,
/// so that two programmes' summaries read alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MetricId {
    Hours,
    Productions,
    Modules,
    Analysis,
    Assessment,
    Agreement,
    Workshops,
    Credits,
    Attendance,
    FullModules,
    Elements,
}

impl MetricId {
    /// The stable key of scripts (the JSON field name).
    pub fn key(self) -> &'static str {
        match self {
            MetricId::Hours => "hours",
            MetricId::Productions => "productions",
            MetricId::Modules => "modules",
            MetricId::Analysis => "analysis",
            MetricId::Assessment => "assessment",
            MetricId::Agreement => "agreement",
            MetricId::Workshops => "workshops",
            MetricId::Credits => "credits",
            MetricId::Attendance => "attendance",
            MetricId::FullModules => "full_modules",
            MetricId::Elements => "elements",
        }
    }
}

/// An exact amount in its unit. The unit decides how formats write it:
/// credits carry `ECTS`, a module's sessions all attended earn its
/// certificate, a document is there or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    Hours(Hours),
    Credits(Credits),
    /// Things counted: productions, modules, signatures, elements.
    Count(u32),
    /// Sessions of one module; attending every one earns its certificate.
    Sessions(u32),
    /// A document given or not.
    Given(bool),
}

impl Quantity {
    /// What is still needed to go from `self` to `required`, `None` once
    /// reached (or when the two are not of the same unit, which the
    /// evaluation never builds).
    pub fn left_until(self, required: Quantity) -> Option<Quantity> {
        use Quantity as Q;
        let left = match (self, required) {
            (Q::Hours(d), Q::Hours(r)) => {
                Q::Hours(Hours::from_minutes(r.minutes().saturating_sub(d.minutes())))
            }
            (Q::Credits(d), Q::Credits(r)) => Q::Credits(d.until(r)),
            (Q::Count(d), Q::Count(r)) => Q::Count(r.saturating_sub(d)),
            (Q::Sessions(d), Q::Sessions(r)) => Q::Sessions(r.saturating_sub(d)),
            (Q::Given(d), Q::Given(r)) => Q::Given(r && !d),
            _ => return None,
        };
        let none_left = matches!(
            left,
            Q::Hours(Hours::ZERO)
                | Q::Credits(Credits::ZERO)
                | Q::Count(0)
                | Q::Sessions(0)
                | Q::Given(false)
        );
        (!none_left).then_some(left)
    }
}

impl fmt::Display for Quantity {
    /// The number as people read it (`7.5`, `0.5`, `3`); a document is
    /// `yes` or `no` here, each format choosing its own words for it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quantity::Hours(h) => h.fmt(f),
            Quantity::Credits(c) => c.fmt(f),
            Quantity::Count(n) | Quantity::Sessions(n) => n.fmt(f),
            Quantity::Given(b) => f.write_str(if *b { "yes" } else { "no" }),
        }
    }
}

impl Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Quantity::Hours(h) => h.serialize(s),
            Quantity::Credits(c) => c.serialize(s),
            Quantity::Count(n) | Quantity::Sessions(n) => s.serialize_u32(*n),
            Quantity::Given(b) => s.serialize_bool(*b),
        }
    }
}

/// One thing a rule measured in a record: how much is done, out of how
/// much is required, with the words each format needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metric {
    pub id: MetricId,
    /// For a metric measured per item (a cycle, a module): the item's id.
    /// Formats group such metrics under their id, by item.
    pub item: Option<String>,
    /// The name in tables (`Agreement signatures`).
    pub label: Text,
    /// The word on a summary line (`agreement`).
    pub short: Text,
    pub done: Quantity,
    /// `None` for a tally that no rule requires (workshops attended).
    pub required: Option<Quantity>,
    /// `false` for a metric measured for scripts but not part of the
    /// programme for people (workshops in a programme without any).
    pub shown: bool,
    /// What is still missing, in words a student acts on, `{left}` being
    /// the amount left (`{left} production(s)`); `None` when falling short
    /// is not something to do before submission (a module's sessions).
    pub shortfall: Option<Text>,
    /// Keys of the named parts still missing (`awarding_body`), listed
    /// instead of the shortfall, and given to scripts.
    pub missing: Vec<&'static str>,
    /// What the record lists but a rule rejected, left out of `done`, with
    /// why: every format says it, so that a total never looks short (or
    /// complete) without a reason.
    pub uncounted: Vec<Uncounted>,
}

/// An amount a rule rejected and `done` leaves out: `4 h` `after 2026-09-14`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncounted {
    pub amount: Quantity,
    /// Why, as a summary says it (`after 2026-09-14`).
    pub reason: Text,
}

impl Metric {
    /// `done` out of `required`, shown, with no words for what is missing.
    pub fn new(
        id: MetricId,
        label: Text,
        short: Text,
        done: Quantity,
        required: Option<Quantity>,
    ) -> Metric {
        Metric {
            id,
            item: None,
            label,
            short,
            done,
            required,
            shown: true,
            shortfall: None,
            missing: Vec::new(),
            uncounted: Vec::new(),
        }
    }
    /// Measured per `item`.
    pub fn of_item(mut self, item: impl Into<String>) -> Metric {
        self.item = Some(item.into());
        self
    }
    /// What a shortfall is called (see [`Metric::shortfall`]).
    pub fn short_of(mut self, words: Text) -> Metric {
        self.shortfall = Some(words);
        self
    }
    /// The amount still needed, `None` when the requirement is met or there
    /// is none.
    pub fn left(&self) -> Option<Quantity> {
        self.done.left_until(self.required?)
    }
    /// Done reaches required (a tally always does).
    pub fn is_met(&self) -> bool {
        self.left().is_none()
    }
    /// What is still missing in `lang`: the missing keys in backticks, or
    /// the shortfall with its amount; empty when nothing is.
    pub fn missing_words(&self, lang: crate::core::lang::Lang) -> Vec<String> {
        if !self.missing.is_empty() {
            return self.missing.iter().map(|k| format!("`{k}`")).collect();
        }
        match (&self.shortfall, self.left()) {
            (Some(words), Some(left)) => {
                vec![words.get(lang).replace("{left}", &left.to_string())]
            }
            _ => Vec::new(),
        }
    }
}

/// How far a record is: what its rules measured, in [`MetricId`] order
/// (then by item), and the last day on which its activities count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    pub metrics: Vec<Metric>,
    pub deadline: Option<Date>,
}

impl Progress {
    /// Adds `metric` in its place; one of the same id and item is replaced
    /// (two rules of one kind measure one thing: the later rule's
    /// requirement is the one shown).
    pub fn record(&mut self, metric: Metric) {
        let key = |m: &Metric| (m.id, m.item.clone());
        match self.metrics.binary_search_by(|m| key(m).cmp(&key(&metric))) {
            Ok(i) => self.metrics[i] = metric,
            Err(i) => self.metrics.insert(i, metric),
        }
    }
    /// The metric `id` (the first by item), if a rule measured it.
    pub fn get(&self, id: MetricId) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lang::Lang;

    fn count(id: MetricId, done: u32, required: u32) -> Metric {
        Metric::new(
            id,
            Text::new("x", "x"),
            Text::new("x", "x"),
            Quantity::Count(done),
            Some(Quantity::Count(required)),
        )
    }

    #[test]
    fn metrics_are_kept_in_id_order_and_replaced_by_id_and_item() {
        let mut p = Progress::default();
        p.record(count(MetricId::Agreement, 1, 3));
        p.record(count(MetricId::Credits, 1, 2).of_item("prep"));
        p.record(count(MetricId::Hours, 1, 2));
        p.record(count(MetricId::Credits, 1, 2).of_item("eng"));
        p.record(count(MetricId::Agreement, 3, 3));
        let order: Vec<_> = p
            .metrics
            .iter()
            .map(|m| (m.id.key(), m.item.as_deref(), m.is_met()))
            .collect();
        assert_eq!(
            order,
            vec![
                ("hours", None, false),
                ("agreement", None, true),
                ("credits", Some("eng"), false),
                ("credits", Some("prep"), false),
            ]
        );
    }

    #[test]
    fn what_is_left_is_in_the_metric_unit() {
        let hours = Metric::new(
            MetricId::Hours,
            Text::new("Heures", "Hours"),
            Text::new("heures", "hours"),
            Quantity::Hours(Hours::from_minutes(7 * 60 + 30)),
            Some(Quantity::Hours(Hours::from_minutes(150 * 60))),
        )
        .short_of(Text::new("{left} h", "{left} h"));
        assert_eq!(hours.missing_words(Lang::En), vec!["142.5 h"]);
        let credits = Quantity::Credits(Credits::from_hundredths(50));
        assert_eq!(
            credits.left_until(Quantity::Credits(Credits::from_hundredths(200))),
            Some(Quantity::Credits(Credits::from_hundredths(150)))
        );
        assert_eq!(
            Quantity::Given(true).left_until(Quantity::Given(true)),
            None
        );
        assert_eq!(
            Quantity::Given(false).left_until(Quantity::Given(true)),
            Some(Quantity::Given(true))
        );
        // Over the requirement is met, not a negative shortfall.
        assert_eq!(Quantity::Count(6).left_until(Quantity::Count(5)), None);
        // A tally has nothing left.
        let tally = Metric::new(
            MetricId::Workshops,
            Text::new("a", "w"),
            Text::new("a", "w"),
            Quantity::Count(2),
            None,
        );
        assert!(tally.is_met());
        assert!(tally.missing_words(Lang::Fr).is_empty());
    }

    #[test]
    fn missing_keys_are_listed_instead_of_the_shortfall() {
        let mut m = count(MetricId::Elements, 9, 11).short_of(Text::new("{left}", "{left}"));
        m.missing = vec!["issued", "awarding_body"];
        assert_eq!(
            m.missing_words(Lang::En),
            vec!["`issued`", "`awarding_body`"]
        );
    }
}

//! The JSON document of `engage check --format json`: every diagnostic and
//! every record's summary, for scripts and editors. Progress is a view of
//! each record's metrics: a metric is an object `{"done","required"}` under
//! its key (a map by item for metrics per cycle or module), a document a
//! boolean, a tally a number.

use std::io::Write;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::core::diagnostic::{Diagnostic, Severity};
use crate::core::lang::Lang;
use crate::records::check::{Report, Summary};
use crate::records::evaluate::{Metric, Progress, Quantity};

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: String,
    line: u32,
    column: u32,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    hint: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    records: Vec<JsonRecord<'a>>,
}

struct JsonRecord<'a>(&'a Summary, Lang);

impl Serialize for JsonRecord<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("handle", &r.handle)?;
        map.serialize_entry("programme", &r.programme)?;
        map.serialize_entry("status", &r.status)?;
        map.serialize_entry("complete", &r.complete)?;
        map.serialize_entry("errors", &r.errors)?;
        map.serialize_entry("warnings", &r.warnings)?;
        if let Some(p) = &r.progress {
            progress_entries(&mut map, p, self.1)?;
        }
        map.end()
    }
}

/// The metrics in their order, those per item grouped under their key,
/// then the keys still missing and the deadline.
fn progress_entries<M: SerializeMap>(
    map: &mut M,
    p: &Progress,
    lang: Lang,
) -> Result<(), M::Error> {
    let per_item = |a: &Metric, b: &Metric| a.id == b.id && a.item.is_some() && b.item.is_some();
    for group in p.metrics.chunk_by(per_item) {
        let first = &group[0];
        if first.item.is_some() {
            map.serialize_entry(first.id.key(), &ByItem(group, lang))?;
            continue;
        }
        map.serialize_entry(first.id.key(), &JsonMetric(first, lang))?;
        if !first.missing.is_empty() {
            map.serialize_entry(&format!("missing_{}", first.id.key()), &first.missing)?;
        }
    }
    if let Some(d) = p.deadline {
        map.serialize_entry("deadline", &d.to_string())?;
    }
    Ok(())
}

struct ByItem<'a>(&'a [Metric], Lang);

impl Serialize for ByItem<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for m in self.0 {
            map.serialize_entry(
                m.item.as_deref().unwrap_or_default(),
                &JsonMetric(m, self.1),
            )?;
        }
        map.end()
    }
}

struct JsonMetric<'a>(&'a Metric, Lang);

/// An amount listed but rejected by a rule, left out of `done`.
#[derive(Serialize)]
struct JsonUncounted<'a> {
    amount: Quantity,
    reason: &'a str,
}

impl Serialize for JsonMetric<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let m = self.0;
        match (m.done, m.required) {
            (Quantity::Given(b), _) => s.serialize_bool(b),
            (done, None) => done.serialize(s),
            (done, Some(required)) => {
                let mut map = s.serialize_map(None)?;
                map.serialize_entry("done", &done)?;
                map.serialize_entry("required", &required)?;
                // A module's sessions all attended earn its certificate.
                if let Quantity::Sessions(_) = done {
                    map.serialize_entry("certificate", &m.is_met())?;
                }
                if !m.uncounted.is_empty() {
                    let left_out: Vec<JsonUncounted> = m
                        .uncounted
                        .iter()
                        .map(|u| JsonUncounted {
                            amount: u.amount,
                            reason: u.reason.get(self.1),
                        })
                        .collect();
                    map.serialize_entry("uncounted", &left_out)?;
                }
                map.end()
            }
        }
    }
}

/// Writes the report as JSON, messages in `lang`, fields in this order:
/// `{"diagnostics":[{"file","line","column","rule","severity","message","hint"}],
///   "records":[{"handle","programme","status","complete","errors","warnings",
///   "hours":{"done","required","uncounted":[{"amount","reason"}]},"productions":…,"modules":…,"analysis",
///   "assessment","agreement":…,"workshops","credits":{"<cycle>":{"done","required"}},
///   "attendance":{"<module>":{"done","required","certificate"}},"full_modules":…,
///   "elements":…,"missing_elements":[…],"deadline"}]}`; a programme's
///   progress fields appear only when one of its rules measures them
///   (`MetricId` gives the order).
pub fn write_json(out: &mut dyn Write, report: &Report, lang: Lang) -> std::io::Result<()> {
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d: &Diagnostic| JsonDiagnostic {
            file: d.file.to_string_lossy().replace('\\', "/"),
            line: d.position.line,
            column: d.position.column,
            rule: d.rule.as_str(),
            severity: d.severity,
            message: d.message.get(lang),
            hint: d.hint.as_deref().map(|h| h.get(lang)),
        })
        .collect();
    let json = JsonReport {
        diagnostics,
        records: report.records.iter().map(|r| JsonRecord(r, lang)).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}

//! The JSON document of `engage check --format json`: every diagnostic and
//! every record's summary, for scripts and editors.

use std::io::Write;

use serde::Serialize;

use crate::core::diagnostic::{Diagnostic, Severity};
use crate::core::lang::Lang;
use crate::records::check::{Report, Summary};

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
    records: &'a [Summary],
}

/// Writes the report as JSON, messages in `lang`, fields in this order:
/// `{"diagnostics":[{"file","line","column","rule","severity","message","hint"}],
///   "records":[{"handle","programme","status","complete","errors","warnings",
///   "hours":{"done","required"},"productions":…,"modules":…,"analysis",
///   "assessment","agreement":…,"workshops","credits":{"<cycle>":{"done","required"}},
///   "attendance":{"<module>":{"done","required","certificate"}},"full_modules":…,
///   "elements":…,"missing_elements":[…],"deadline"}]}`; a programme's
///   progress fields appear only when one of its rules fills them.
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
        records: &report.records,
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}

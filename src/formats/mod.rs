//! Output formats of `engage check`, behind one small trait ([`Emit`]):
//! human (rustc style), JSON, and GitHub Actions, whose workflow commands
//! put each diagnostic on its line of the pull request and whose Markdown
//! step summary shows each record's progress.
//!
//! The GitHub format is made of pure functions ([`workflow_command`],
//! [`step_summary`]) so that tests compare strings; [`Github`] only writes
//! them to stdout and to the file named by GITHUB_STEP_SUMMARY.

use std::io::{IsTerminal, Write};

use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use std::path::{Path, PathBuf};

use crate::core::diagnostic::{emit_human, Diagnostic, Severity};
use crate::core::lang::Lang;
use crate::core::source::SourceText;
pub mod json;
pub mod summary;

use crate::formats::json::write_json;
use crate::formats::summary::write_summary;
use crate::records::check::{Report, Summary};
use crate::records::evaluate::{Metric, Quantity};
use crate::records::vocabulary::Status;

/// One output format of a finished check. `notes` are extra lines for
/// people (what a PR changed, verdicts that change), already in `lang`.
pub trait Emit {
    fn emit(
        &mut self,
        texts: &dyn SourceText,
        report: &Report,
        notes: &[String],
        lang: Lang,
    ) -> std::io::Result<()>;
}

/// Diagnostics in the style of rustc on stderr; a line per record and the
/// notes on stdout.
pub struct Human;

impl Emit for Human {
    fn emit(
        &mut self,
        texts: &dyn SourceText,
        report: &Report,
        notes: &[String],
        lang: Lang,
    ) -> std::io::Result<()> {
        emit_human(&mut stderr(), texts, &report.diagnostics, lang)?;
        let mut out = std::io::stdout().lock();
        write_summary(&mut out, report, lang)?;
        for n in notes {
            writeln!(out, "{n}")?;
        }
        Ok(())
    }
}

/// One JSON document on stdout (see `check::write_json`); notes are left
/// out, their content being in the diagnostics.
pub struct Json;

impl Emit for Json {
    fn emit(
        &mut self,
        _: &dyn SourceText,
        report: &Report,
        _: &[String],
        lang: Lang,
    ) -> std::io::Result<()> {
        write_json(&mut std::io::stdout().lock(), report, lang)
    }
}

/// GitHub Actions: workflow commands on stdout, and the Markdown summary
/// appended to `summary` (GITHUB_STEP_SUMMARY) when set.
pub struct Github {
    pub summary: Option<PathBuf>,
}

impl Github {
    /// The summary file GitHub Actions gives the step, if any.
    pub fn from_env() -> Github {
        Github {
            summary: std::env::var_os("GITHUB_STEP_SUMMARY")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }
}

impl Emit for Github {
    fn emit(
        &mut self,
        _: &dyn SourceText,
        report: &Report,
        notes: &[String],
        lang: Lang,
    ) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        for d in &report.diagnostics {
            writeln!(out, "{}", workflow_command(d, lang))?;
        }
        for n in notes {
            writeln!(out, "{n}")?;
        }
        if let Some(path) = &self.summary {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            f.write_all(step_summary(report, notes, lang).as_bytes())?;
        }
        Ok(())
    }
}

/// Escapes the message of a workflow command, as the runner decodes it:
/// `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`): as data, plus `:` and `,`
/// which end a value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…,col=…,title=<rule>::<message>` for one diagnostic:
/// the runner turns it into an annotation on that line of the PR's diff.
/// The hint follows the message on a second line.
pub fn workflow_command(d: &Diagnostic, lang: Lang) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let file = d.file.to_string_lossy().replace('\\', "/");
    let mut props = vec![format!("file={}", escape_property(&file))];
    if d.position.line > 0 {
        props.push(format!("line={}", d.position.line));
        if d.position.column > 0 {
            props.push(format!("col={}", d.position.column));
        }
    }
    props.push(format!("title={}", escape_property(d.rule.as_str())));
    let mut message = d.message.get(lang).to_string();
    if let Some(h) = &d.hint {
        message.push('\n');
        message.push_str(match lang {
            Lang::Fr => "aide : ",
            Lang::En => "help: ",
        });
        message.push_str(h.get(lang));
    }
    format!("::{level} {}::{}", props.join(","), escape_data(&message))
}

/// Text safe inside a Markdown table cell or list item.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The Markdown step summary: the notes, then per record a progress table,
/// its errors and what is still missing before submission; then problems
/// outside records.
pub fn step_summary(report: &Report, notes: &[String], lang: Lang) -> String {
    let t = |fr: &'static str, en: &'static str| match lang {
        Lang::Fr => fr,
        Lang::En => en,
    };
    let mut s = String::new();
    let (e, w) = (
        report.diagnostics.error_count(),
        report.diagnostics.warning_count(),
    );
    s.push_str("## engage check\n\n");
    s.push_str(&format!(
        "{} **{e}** {}, **{w}** {}\n\n",
        if e > 0 { "❌" } else { "✅" },
        t("erreur(s)", "error(s)"),
        t("avertissement(s)", "warning(s)")
    ));
    for n in notes {
        s.push_str(&format!("- {}\n", md(n)));
    }
    if !notes.is_empty() {
        s.push('\n');
    }
    for r in &report.records {
        record_section(&mut s, report, r, lang);
    }
    let dirs: Vec<PathBuf> = report
        .records
        .iter()
        .map(|r| Path::new(crate::records::portfolio::DIR).join(&r.handle))
        .collect();
    let others: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| !dirs.iter().any(|dir| d.file.starts_with(dir)))
        .collect();
    if !others.is_empty() {
        s.push_str(&format!(
            "### {}\n\n",
            t("Autres problèmes", "Other problems")
        ));
        for d in others {
            diagnostic_item(&mut s, d, lang);
        }
        s.push('\n');
    }
    s
}

fn diagnostic_item(s: &mut String, d: &Diagnostic, lang: Lang) {
    let icon = if d.is_error() { "❌" } else { "⚠️" };
    s.push_str(&format!(
        "- {icon} `{}:{}` `{}`: {}\n",
        d.file.to_string_lossy().replace('\\', "/"),
        d.position.line,
        d.rule,
        md(d.message.get(lang))
    ));
}

fn row(s: &mut String, label: &str, done: &str, required: &str) {
    s.push_str(&format!("| {} | {done} | {required} |\n", md(label)));
}

fn record_section(s: &mut String, report: &Report, r: &Summary, lang: Lang) {
    let t = |fr: &'static str, en: &'static str| match lang {
        Lang::Fr => fr,
        Lang::En => en,
    };
    let status = match r.status {
        Some(Status::Submitted) => t("remis", "submitted"),
        Some(Status::InProgress) => t("en cours", "in progress"),
        None => t("non vérifié", "not checked"),
    };
    s.push_str(&format!(
        "### {} — {} ({status})\n\n",
        md(&r.handle),
        r.programme.as_deref().unwrap_or("?")
    ));
    if let Some(p) = &r.progress {
        s.push_str(&format!(
            "| | {} | {} |\n|---|---:|---:|\n",
            t("fait", "done"),
            t("requis", "required")
        ));
        // Counts first, then documents (yes or no), then tallies.
        let rank = |m: &&Metric| match (m.done, m.required) {
            (Quantity::Given(_), _) => 1,
            (_, Some(_)) => 0,
            (_, None) => 2,
        };
        let mut rows: Vec<&Metric> = p.metrics.iter().filter(|m| m.shown).collect();
        rows.sort_by_key(rank);
        for m in rows {
            let (done, required) = match (m.done, m.required) {
                (Quantity::Given(b), _) => {
                    (if b { "✅" } else { "—" }.to_string(), "✅".to_string())
                }
                (done, required) => (
                    done.to_string(),
                    required.map(|r| r.to_string()).unwrap_or_default(),
                ),
            };
            row(s, m.label.get(lang), &done, &required);
        }
        if let Some(d) = p.deadline {
            row(s, t("Échéance", "Deadline"), &d.to_string(), "");
        }
        s.push('\n');
    }
    let dir = Path::new(crate::records::portfolio::DIR).join(&r.handle);
    let mine: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.file.starts_with(&dir))
        .collect();
    if !mine.is_empty() {
        s.push_str(&format!("**{}**\n\n", t("Problèmes", "Problems")));
        for d in mine {
            diagnostic_item(s, d, lang);
        }
        s.push('\n');
    }
    if let Some(p) = &r.progress {
        // The same list as the human summary's "missing:", one place.
        let missing = crate::formats::summary::missing(p, lang);
        if missing.is_empty() {
            s.push_str(t(
                "Rien ne manque avant la remise.\n\n",
                "Nothing is missing before submission.\n\n",
            ));
        } else {
            s.push_str(&format!(
                "**{}**\n\n",
                t(
                    "Encore à faire avant la remise",
                    "Still missing before submission"
                )
            ));
            for m in missing {
                s.push_str(&format!("- {}\n", md(&m)));
            }
            s.push('\n');
        }
    }
}

/// Standard error, for human diagnostics, with colours only on a terminal, and never with NO_COLOR.
pub fn stderr() -> StandardStream {
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    StandardStream::stderr(if color {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnostic::{Position, RuleId, Text};

    #[test]
    fn the_summary_has_a_progress_table_and_what_is_missing() {
        use crate::core::values::Hours;
        use crate::records::evaluate::{MetricId, Progress};
        let mut report = Report::default();
        report.diagnostics.push(Diagnostic::error(
            RuleId::new("ceci.future-date"),
            "data/portfolios/zoe/portfolio.yml",
            Position::new(12, 7),
            Text::new("x", "a | date in the future"),
        ));
        let metric = |id, label: &str, done, required, missing: &str| {
            Metric::new(
                id,
                Text::new(label, label),
                Text::new(label, label),
                done,
                Some(required),
            )
            .short_of(Text::new(missing, missing))
        };
        let hours = |h: u32| Quantity::Hours(Hours::from_minutes(h * 60));
        let mut progress = Progress::default();
        // Out of order: the summary follows the metric order, not this one.
        progress.record(metric(
            MetricId::Analysis,
            "Self-reflective analysis",
            Quantity::Given(false),
            Quantity::Given(true),
            "the self-reflective analysis",
        ));
        progress.record(metric(
            MetricId::Hours,
            "Hours",
            hours(120),
            hours(150),
            "{left} h",
        ));
        progress.record(metric(
            MetricId::Productions,
            "Productions",
            Quantity::Count(5),
            Quantity::Count(5),
            "{left} production(s)",
        ));
        report.records.push(Summary {
            handle: "zoe".into(),
            programme: Some("ceci".into()),
            status: Some(Status::InProgress),
            complete: false,
            errors: 1,
            warnings: 0,
            progress: Some(progress),
        });
        let s = step_summary(&report, &["PR by zoe".into()], Lang::En);
        let want = "## engage check\n\n❌ **1** error(s), **0** warning(s)\n\n- PR by zoe\n\n\
            ### zoe — ceci (in progress)\n\n| | done | required |\n|---|---:|---:|\n\
            | Hours | 120 | 150 |\n| Productions | 5 | 5 |\n| Self-reflective analysis | — | ✅ |\n\
            \n**Problems**\n\n\
            - ❌ `data/portfolios/zoe/portfolio.yml:12` `ceci.future-date`: a \\| date in the future\n\n\
            **Still missing before submission**\n\n- 30 h\n\
            - the self-reflective analysis\n\n";
        assert_eq!(s, want);
    }

    #[test]
    fn properties_and_data_are_escaped() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn a_diagnostic_becomes_a_workflow_command() {
        let d = Diagnostic::error(
            RuleId::new("scope.outside-folder"),
            "content/a,b.md",
            Position::new(3, 7),
            Text::new("x", "changes: 100%"),
        )
        .with_hint(Text::new("y", "ask"));
        assert_eq!(
            workflow_command(&d, Lang::En),
            "::error file=content/a%2Cb.md,line=3,col=7,title=scope.outside-folder::changes: 100%25%0Ahelp: ask"
        );
    }
}

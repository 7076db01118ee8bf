//! Output formats of `engage check`, behind one small trait ([`Emit`]):
//! human (rustc style), JSON, and GitHub Actions, whose workflow commands
//! put each diagnostic on its line of the pull request and whose Markdown
//! step summary shows each record's progress.
//!
//! Formats write to the writers they are given ([`Outputs`]) and show
//! source lines from the texts they are given: they never open a stream or
//! a file themselves, so that tests, a browser overlay or a captured run get
//! exactly what a terminal gets. The GitHub format's pieces are pure
//! functions ([`workflow_command`], [`step_summary`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use codespan_reporting::term::termcolor::WriteColor;

use crate::core::diagnostic::{emit_human, Diagnostic, Severity};
use crate::core::lang::Lang;
use crate::core::source::SourceText;
pub mod json;
pub mod summary;

use crate::formats::json::write_json;
use crate::formats::summary::{write_records, write_summary, write_totals};
use crate::records::check::{Report, Summary};
use crate::records::evaluate::{Metric, Quantity};
use crate::records::vocabulary::Status;

/// Where a format writes: `out` for what programs and people read
/// (stdout), `err` for diagnostics shown to people (stderr, coloured on a
/// terminal), and `step_summary` for the Markdown summary of a GitHub
/// Actions step, when the caller wants one.
pub struct Outputs<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn WriteColor,
    pub step_summary: Option<&'a mut dyn Write>,
}

/// What a finished check hands to a format: the report, `notes` (extra
/// lines for people: what a PR changed, verdicts that change, already in
/// `lang`), and `texts`, the source of the files diagnostics name as they
/// were read.
pub struct Findings<'a> {
    pub report: &'a Report,
    pub notes: &'a [String],
    pub texts: &'a dyn SourceText,
    pub lang: Lang,
}

/// One output format of a finished check.
pub trait Emit {
    fn emit(&self, found: &Findings<'_>, to: &mut Outputs<'_>) -> std::io::Result<()>;
}

/// Diagnostics in the style of rustc on `err`; a line per record and the
/// notes on `out`.
pub struct Human;

impl Emit for Human {
    fn emit(&self, found: &Findings<'_>, to: &mut Outputs<'_>) -> std::io::Result<()> {
        emit_human(to.err, found.texts, &found.report.diagnostics, found.lang)?;
        if found.notes.is_empty() {
            return write_summary(to.out, found.report, found.lang);
        }
        // A PR: its headline counts what was checked and compared, then
        // the verdicts it changes, then the totals without a count of
        // their own.
        write_records(to.out, found.report, found.lang)?;
        for n in found.notes {
            writeln!(to.out, "{n}")?;
        }
        write_totals(to.out, found.report, found.lang, false)
    }
}

/// One JSON document on `out` (see [`write_json`]); notes are left out,
/// their content being in the diagnostics.
pub struct Json;

impl Emit for Json {
    fn emit(&self, found: &Findings<'_>, to: &mut Outputs<'_>) -> std::io::Result<()> {
        write_json(to.out, found.report, found.lang)
    }
}

/// GitHub Actions: workflow commands on `out`, and the Markdown summary
/// into `step_summary` when given (the command appends it to the file
/// named by GITHUB_STEP_SUMMARY).
pub struct Github;

impl Emit for Github {
    fn emit(&self, found: &Findings<'_>, to: &mut Outputs<'_>) -> std::io::Result<()> {
        let (report, notes, lang) = (found.report, found.notes, found.lang);
        for d in &report.diagnostics {
            writeln!(to.out, "{}", workflow_command(d, lang))?;
        }
        for n in notes {
            writeln!(to.out, "{n}")?;
        }
        if let Some(summary) = to.step_summary.as_mut() {
            summary.write_all(step_summary(report, notes, lang).as_bytes())?;
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

/// Text of a record, a file or a note placed in Markdown (a heading, a
/// table cell, a list item): it stays one line of plain text. Characters
/// that could start a link, an image, HTML, emphasis, a code span or a
/// table cell are escaped; line breaks, which could start a heading, become
/// spaces.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` as one inline code span that nothing in it can close: the fence is
/// longer than any run of backticks inside (CommonMark), and line breaks
/// become spaces.
fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        return format!("`{s}`");
    }
    let fence = "`".repeat(longest + 1);
    // One space on each side is dropped by the reader; it keeps a
    // backtick at either end from joining the fence.
    format!("{fence} {s} {fence}")
}

/// A message or a phrase of the programme, whose `code spans` are kept:
/// the text between them is escaped like [`md`], and inside them only
/// line breaks and `|` (table cells) are touched. A value with a backtick
/// can at worst shift which words show as code; nothing it writes becomes
/// a link, HTML or a heading.
fn md_spans(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('`') {
        let run = rest[open..].len() - rest[open..].trim_start_matches('`').len();
        let fence = &rest[open..open + run];
        let after = &rest[open + run..];
        // A closing run of exactly the same length, as CommonMark pairs them.
        let close = after
            .match_indices(fence)
            .find(|(i, _)| !after[i + run..].starts_with('`') && !after[..*i].ends_with('`'));
        out.push_str(&md(&rest[..open]));
        match close {
            Some((i, _)) => {
                let inner = after[..i].replace('|', "\\|").replace(['\n', '\r'], " ");
                out.push_str(fence);
                out.push_str(&inner);
                out.push_str(fence);
                rest = &after[i + run..];
            }
            None => {
                out.push_str(&md(fence));
                rest = after;
            }
        }
    }
    out.push_str(&md(rest));
    out
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
        s.push_str(&format!("- {}\n", md_spans(n)));
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
    let file = d.file.to_string_lossy().replace('\\', "/");
    s.push_str(&format!(
        "- {icon} {} {}: {}\n",
        code(&format!("{file}:{}", d.position.line)),
        code(d.rule.as_str()),
        md_spans(d.message.get(lang))
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
        md(r.programme.as_deref().unwrap_or("?"))
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
            let (mut done, required) = match (m.done, m.required) {
                (Quantity::Given(b), _) => {
                    (if b { "✅" } else { "—" }.to_string(), "✅".to_string())
                }
                (done, required) => (
                    done.to_string(),
                    required.map(|r| r.to_string()).unwrap_or_default(),
                ),
            };
            let left_out = crate::formats::summary::uncounted(m, lang);
            if !left_out.is_empty() {
                done = format!("{done} ({})", left_out.join(", "));
            }
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
                s.push_str(&format!("- {}\n", md_spans(&m)));
            }
            s.push('\n');
        }
    }
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

    /// Texts held in memory, as a workspace or an editor has them.
    struct Texts(Vec<(&'static str, &'static str)>);

    impl SourceText for Texts {
        fn text(&self, path: &Path) -> Option<std::sync::Arc<str>> {
            self.0
                .iter()
                .find(|(p, _)| Path::new(p) == path)
                .map(|(_, t)| std::sync::Arc::from(*t))
        }
    }

    fn one_error() -> Report {
        let mut report = Report::default();
        report.diagnostics.push(Diagnostic::error(
            RuleId::new("ceci.future-date"),
            "data/portfolios/zoe/portfolio.yml",
            Position::new(2, 7),
            Text::new("x", "in the future"),
        ));
        report
    }

    #[test]
    fn formats_write_to_the_writers_given_with_the_texts_given() {
        use codespan_reporting::term::termcolor::NoColor;
        let texts = Texts(vec![(
            "data/portfolios/zoe/portfolio.yml",
            "programme: ceci\ndate: 2999-01-01\n",
        )]);
        let (mut out, mut err) = (Vec::new(), NoColor::new(Vec::new()));
        let mut to = Outputs {
            out: &mut out,
            err: &mut err,
            step_summary: None,
        };
        let report = one_error();
        let notes = ["a note".to_string()];
        let found = Findings {
            report: &report,
            notes: &notes,
            texts: &texts,
            lang: Lang::En,
        };
        Human.emit(&found, &mut to).unwrap();
        let err = String::from_utf8(err.into_inner()).unwrap();
        assert!(
            err.contains("error[ceci.future-date]: in the future"),
            "{err}"
        );
        // The source line comes from the texts, not from the disk.
        assert!(err.contains("2 │ date: 2999-01-01"), "{err}");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a note\n1 error(s), 0 warning(s).\n"
        );

        let (mut out, mut err, mut summary) = (Vec::new(), NoColor::new(Vec::new()), Vec::new());
        let mut to = Outputs {
            out: &mut out,
            err: &mut err,
            step_summary: Some(&mut summary),
        };
        let found = Findings {
            notes: &[],
            ..found
        };
        Github.emit(&found, &mut to).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error file=data/portfolios/zoe/portfolio.yml,line=2,col=7,title=ceci.future-date::in the future\n"
        );
        assert!(err.into_inner().is_empty());
        assert!(String::from_utf8(summary)
            .unwrap()
            .starts_with("## engage check\n\n❌ **1** error(s)"));
    }

    #[test]
    fn paths_and_values_cannot_inject_markdown_into_the_step_summary() {
        let mut report = Report::default();
        // A file name that would close its code span, start a heading and
        // add a link; a value that would close the message's code span.
        let path = "content/a` x\n## Pwned [go](https://evil.example) `.md";
        report.diagnostics.push(Diagnostic::error(
            RuleId::new("content.link-missing-page"),
            path,
            Position::new(3, 1),
            Text::new(
                "x",
                "the workshop `a` [click](https://evil.example) <b>x</b> `b` does not count",
            ),
        ));
        report.records.push(Summary {
            handle: "[zoe](https://evil.example)".into(),
            programme: None,
            status: None,
            complete: false,
            errors: 0,
            warnings: 0,
            progress: None,
        });
        let s = step_summary(&report, &["note *with* _emphasis_".into()], Lang::En);
        let want = "## engage check\n\n❌ **1** error(s), **0** warning(s)\n\n\
            - note \\*with\\* \\_emphasis\\_\n\n\
            ### \\[zoe\\](https://evil.example) — ? (not checked)\n\n\
            ### Other problems\n\n\
            - ❌ `` content/a` x ## Pwned [go](https://evil.example) `.md:3 `` `content.link-missing-page`: \
            the workshop `a` \\[click\\](https://evil.example) \\<b\\>x\\</b\\> `b` does not count\n\n";
        assert_eq!(s, want);
        // No line but ours starts a heading, and no link survives.
        let headings: Vec<&str> = s.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(headings.len(), 3, "{s}");
        assert!(!s.contains("[click]("), "{s}");
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

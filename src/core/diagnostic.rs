//! The one type for everything a user can get wrong, and its human rendering.
//!
//! Every loader, validator and renderer reports problems as [`Diagnostic`]s and
//! carries on, so that one run shows every problem, not only the first.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::term::{self, termcolor::WriteColor};
use serde::Serialize;

use crate::core::lang::Lang;

/// How bad a problem is: errors fail the run (exit 1), warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A stable identifier such as `content.title-missing` or `ceci.internship-hours`.
///
/// Tests, CI annotations and documentation refer to problems by this id, so an
/// id never changes once published.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RuleId(pub Cow<'static, str>);

impl RuleId {
    pub const fn new(id: &'static str) -> Self {
        RuleId(Cow::Borrowed(id))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A sentence in both languages of the project; the reader chooses one.
///
/// Also how programme files write labels and messages: both languages are
/// required, so that a student reading in English never gets an empty
/// message because staff forgot one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub fr: String,
    pub en: String,
}

impl Text {
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            fr: fr.into(),
            en: en.into(),
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

/// A position in a source file: 1-based line and column (in characters), and
/// the length of the offending text for the caret (0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    #[serde(skip)]
    pub len: u32,
}

impl Position {
    pub const fn new(line: u32, column: u32) -> Self {
        Position {
            line,
            column,
            len: 0,
        }
    }
    pub const fn with_len(mut self, len: u32) -> Self {
        self.len = len;
        self
    }
    /// The start of a file, for problems that concern the whole file.
    pub const fn file() -> Self {
        Position::new(1, 1)
    }
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators, as shown to users.
    pub file: PathBuf,
    pub position: Position,
    pub rule: RuleId,
    pub severity: Severity,
    pub message: Text,
    /// Boxed: most results carry no diagnostic, and they stay small.
    pub hint: Option<Box<Text>>,
}

impl Diagnostic {
    pub fn error(
        rule: RuleId,
        file: impl Into<PathBuf>,
        position: Position,
        message: Text,
    ) -> Self {
        Diagnostic {
            file: file.into(),
            position,
            rule,
            severity: Severity::Error,
            message,
            hint: None,
        }
    }
    pub fn warning(
        rule: RuleId,
        file: impl Into<PathBuf>,
        position: Position,
        message: Text,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(rule, file, position, message)
        }
    }
    pub fn with_hint(mut self, hint: Text) -> Self {
        self.hint = Some(Box::new(hint));
        self
    }
    pub fn line(&self) -> u32 {
        self.position.line
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// All the problems of a run, in a stable order for output and tests.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Sorts by file then position then rule, and drops exact duplicates
    /// (a problem found by two passes is reported once). Ties are broken by
    /// the texts, so that duplicates always end up side by side.
    pub fn sort(&mut self) {
        /// File, position, rule, severity, then the texts (English,
        /// French, hint).
        type Key<'a> = (
            &'a PathBuf,
            Position,
            &'a RuleId,
            Severity,
            &'a str,
            &'a str,
            Option<(&'a str, &'a str)>,
        );
        fn key(d: &Diagnostic) -> Key<'_> {
            (
                &d.file,
                d.position,
                &d.rule,
                d.severity,
                &d.message.en,
                &d.message.fr,
                d.hint.as_deref().map(|h| (h.en.as_str(), h.fr.as_str())),
            )
        }
        self.0.sort_by(|a, b| key(a).cmp(&key(b)));
        self.0.dedup();
    }
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

/// The text of the files a run has read, so that diagnostics can be shown
/// with their source lines without reading anything again (the file may
/// have changed since, or may only exist in a git tree or in memory).
pub trait SourceText {
    /// The text of `path` (relative to the root) as it was read, if it was
    /// read and is UTF-8.
    fn text(&self, path: &Path) -> Option<Arc<str>>;
}

/// Lines longer than this many characters are cut around the column, so
/// that a long generated line does not print in full once per problem on it.
const LONG_LINE: usize = 160;
/// Characters kept on each side of the value in a cut line.
const CONTEXT: usize = 60;

/// One source line, or the part of it around a value, as codespan shows
/// it: rendering a diagnostic costs what it shows, whatever the size of the
/// file or the length of the line.
struct Excerpt<'a> {
    name: &'a str,
    text: String,
    line: usize,
    column: usize,
}

type FilesResult<T> = Result<T, codespan_reporting::files::Error>;

impl<'a> codespan_reporting::files::Files<'a> for Excerpt<'_> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, _: ()) -> FilesResult<&'a str> {
        Ok(self.name)
    }
    fn source(&'a self, _: ()) -> FilesResult<&'a str> {
        Ok(&self.text)
    }
    fn line_index(&'a self, _: (), _: usize) -> FilesResult<usize> {
        Ok(0)
    }
    fn line_number(&'a self, _: (), _: usize) -> FilesResult<usize> {
        Ok(self.line)
    }
    fn column_number(&'a self, _: (), _: usize, _: usize) -> FilesResult<usize> {
        Ok(self.column)
    }
    fn line_range(&'a self, _: (), _: usize) -> FilesResult<std::ops::Range<usize>> {
        Ok(0..self.text.len())
    }
}

/// Where each line of a text starts, computed once per file.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// The text of 1-based line `n`, without its line break.
    fn get<'t>(&self, text: &'t str, n: u32) -> Option<&'t str> {
        let start = *self.starts.get((n as usize).checked_sub(1)?)?;
        let end = self
            .starts
            .get(n as usize)
            .map_or(text.len(), |next| next - 1);
        let line = text.get(start..end)?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

/// The excerpt of `line` for a value at 1-based character `column` of
/// `len` characters, and the byte range of the value in the excerpt.
fn excerpt(line: &str, column: u32, len: u32) -> (String, std::ops::Range<usize>) {
    let col = column.saturating_sub(1) as usize;
    let len = len.max(1) as usize;
    let chars = line.chars().count();
    let (from, to) = if chars <= LONG_LINE {
        (0, chars)
    } else {
        (
            col.saturating_sub(CONTEXT),
            (col + len.min(CONTEXT) + CONTEXT).min(chars),
        )
    };
    let mut text = String::new();
    if from > 0 {
        text.push('…');
    }
    let mut start = None;
    let mut end = None;
    for (i, c) in line.chars().enumerate().skip(from).take(to - from) {
        if i == col {
            start = Some(text.len());
        }
        text.push(c);
        if i + 1 == col + len {
            end = Some(text.len());
        }
    }
    // A value past the end of the line (a missing key) points just after.
    let start = start.unwrap_or(text.len());
    let end = end.unwrap_or(text.len()).max(start);
    if to < chars {
        text.push('…');
    }
    (text, start..end)
}

/// Writes diagnostics the way rustc does: the source line, a caret under the
/// value, the rule id, the message in `lang`, and a `help:` line (`aide:`
/// in French).
///
/// `texts` gives the text of the files named by diagnostics, as they were
/// read; a file it does not have (deleted, not UTF-8) is shown without its
/// source line.
pub fn emit_human(
    out: &mut dyn WriteColor,
    texts: &dyn SourceText,
    diagnostics: &Diagnostics,
    lang: Lang,
) -> std::io::Result<()> {
    let config = term::Config::default();
    // Diagnostics come sorted by file: each file's lines are indexed once.
    let mut cache: Option<(PathBuf, Arc<str>, Lines)> = None;
    for d in diagnostics {
        if cache.as_ref().map(|(p, _, _)| p != &d.file).unwrap_or(true) {
            let text = texts.text(&d.file).unwrap_or_else(|| Arc::from(""));
            let lines = Lines::new(&text);
            cache = Some((d.file.clone(), text, lines));
        }
        let name = d.file.display().to_string();
        let mut cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_code(d.rule.as_str())
        .with_message(d.message.get(lang));
        let line = cache.as_ref().and_then(|(_, text, lines)| {
            if d.position.line == 0 || text.is_empty() {
                return None;
            }
            lines.get(text, d.position.line)
        });
        let shown = match line {
            Some(line) => {
                let (mut text, range) = excerpt(line, d.position.column, d.position.len);
                // A value at the very end of a line (a missing key): the
                // caret goes on a space after it.
                if range.end == range.start {
                    text.insert(range.start, ' ');
                }
                let range = range.start..range.end.max(range.start + 1);
                cs = cs.with_labels(vec![Label::primary((), range)]);
                Excerpt {
                    name: &name,
                    text,
                    line: d.position.line as usize,
                    column: d.position.column as usize,
                }
            }
            None => {
                // A file-level diagnostic has no position to show: the
                // file alone, never a made-up `:0:0`.
                let at = if d.position.line == 0 {
                    name.clone()
                } else {
                    format!("{}:{}:{}", name, d.position.line, d.position.column)
                };
                cs = cs.with_notes(vec![at]);
                Excerpt {
                    name: &name,
                    text: String::new(),
                    line: 1,
                    column: 1,
                }
            }
        };
        if let Some(hint) = &d.hint {
            // `with_notes` appends: passing the notes already there again
            // printed the location line twice.
            let help = match lang {
                Lang::Fr => "aide :",
                Lang::En => "help:",
            };
            cs = cs.with_notes(vec![format!("{help} {}", hint.get(lang))]);
        }
        if term::emit_to_write_style(out, &config, &shown, &cs).is_err() {
            if d.position.line == 0 {
                writeln!(out, "{}: {}: {}", name, d.rule, d.message.get(lang))?;
            } else {
                writeln!(
                    out,
                    "{}:{}:{}: {}: {}",
                    name,
                    d.position.line,
                    d.position.column,
                    d.rule,
                    d.message.get(lang)
                )?;
            }
        }
    }
    Ok(())
}

/// Standard error for human diagnostics, with colours only on a terminal, and never with NO_COLOR.
pub fn stderr() -> codespan_reporting::term::termcolor::StandardStream {
    let color = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    codespan_reporting::term::termcolor::StandardStream::stderr(if color {
        codespan_reporting::term::termcolor::ColorChoice::Auto
    } else {
        codespan_reporting::term::termcolor::ColorChoice::Never
    })
}

/// Did-you-mean: the known word closest to `word`, when it is close enough to
/// be a typo rather than a different idea.
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(word, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_drops_duplicates_found_by_two_passes() {
        let d = |msg: &str| {
            Diagnostic::error(
                RuleId::new("calendar.date-invalid"),
                "data/calendar/a.yml",
                Position::file(),
                Text::new(msg, msg),
            )
        };
        // Same file, position and rule, different messages: the copies of
        // each must still meet.
        let mut ds: Diagnostics = [d("b"), d("a"), d("b"), d("a")].into_iter().collect();
        ds.sort();
        let messages: Vec<&str> = ds.iter().map(|d| d.message.en.as_str()).collect();
        assert_eq!(messages, vec!["a", "b"]);
    }

    #[test]
    fn lines_and_excerpts_count_characters_not_bytes() {
        let src = "a: 1\r\ntitré: é2\n";
        let lines = Lines::new(src);
        assert_eq!(lines.get(src, 2), Some("titré: é2"));
        assert_eq!(lines.get(src, 1), Some("a: 1"));
        assert_eq!(lines.get(src, 9), None);
        let (text, range) = excerpt("titré: é2", 8, 2);
        assert_eq!(&text[range], "é2");
    }

    #[test]
    fn long_lines_are_cut_around_the_value() {
        let line = format!("{}VALUE{}", "x".repeat(5000), "y".repeat(5000));
        let (text, range) = excerpt(&line, 5001, 5);
        assert_eq!(&text[range], "VALUE");
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert!(text.chars().count() < 2 * CONTEXT + 10, "{}", text.len());
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let known = ["title", "description", "slug"];
        assert_eq!(did_you_mean("titel", known), Some("title"));
        assert_eq!(did_you_mean("colour", known), None);
    }

    #[test]
    fn human_output_has_caret_rule_and_hint() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "---\ntitel: x\n---\n").unwrap();
        let mut ds = Diagnostics::new();
        ds.push(
            Diagnostic::error(
                RuleId::new("content.front-matter-unknown-key"),
                "a.md",
                Position::new(2, 1).with_len(5),
                Text::new("clé inconnue", "unknown key"),
            )
            .with_hint(Text::new(
                "vouliez-vous dire `title` ?",
                "did you mean `title`?",
            )),
        );
        let mut buf = codespan_reporting::term::termcolor::Buffer::no_color();
        emit_human(
            &mut buf,
            &crate::core::source::DiskText(dir.path().to_path_buf()),
            &ds,
            Lang::En,
        )
        .unwrap();
        let s = String::from_utf8(buf.into_inner()).unwrap();
        assert!(
            s.contains("error[content.front-matter-unknown-key]: unknown key"),
            "{s}"
        );
        assert!(s.contains("a.md:2:1"), "{s}");
        assert!(s.contains("^^^^^"), "{s}");
        assert!(s.contains("help: did you mean `title`?"), "{s}");
    }

    /// Issue 14: `aide` in French, and a diagnostic without a line shows its
    /// file alone, once, without a made-up `:0:0`.
    #[test]
    fn french_says_aide_and_no_position_is_not_shown_as_0_0() {
        let mut ds = Diagnostics::new();
        ds.push(
            Diagnostic::error(
                RuleId::new("site.config"),
                "data/site.yml",
                Position::new(0, 0),
                Text::new("fichier illisible", "unreadable file"),
            )
            .with_hint(Text::new("vérifiez le fichier", "check the file")),
        );
        let dir = tempfile::tempdir().unwrap();
        let render = |lang| {
            let mut buf = codespan_reporting::term::termcolor::Buffer::no_color();
            emit_human(
                &mut buf,
                &crate::core::source::DiskText(dir.path().to_path_buf()),
                &ds,
                lang,
            )
            .unwrap();
            String::from_utf8(buf.into_inner()).unwrap()
        };
        let fr = render(Lang::Fr);
        assert_eq!(
            fr.lines().map(str::trim_end).collect::<Vec<_>>(),
            vec![
                "error[site.config]: fichier illisible",
                " = data/site.yml",
                " = aide : vérifiez le fichier",
                "",
            ],
            "{fr}"
        );
        let en = render(Lang::En);
        assert!(en.contains(" = help: check the file"), "{en}");
        assert!(!en.contains(":0:0"), "{en}");
    }
}

//! The command line: argument parsing (clap derive) and thin command
//! handlers, one per file, that call the library, print, and turn the
//! result into an exit code. Exit codes are decided here and nowhere else.

pub mod attest;
pub mod build;
pub mod check;
pub mod help;
pub mod new;
pub mod report;
pub mod schema;
pub mod serve;
pub mod translations;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::core::diagnostic::{Diagnostics, RuleId};
use crate::core::lang::Lang;

/// Exit code: the run found no error (warnings allowed).
pub const EXIT_OK: u8 = 0;
/// Exit code: the content (pages, data, records) has errors.
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit code: bad usage or an internal failure.
pub const EXIT_USAGE: u8 = 2;

/// Why a command stopped before doing its job (its message already shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// Bad arguments, or the machine failed (a file that cannot be written,
    /// an output that is closed).
    Usage,
    /// What is already there forbids it (a record that exists): a problem
    /// of the content, not of the command.
    Content,
}

/// How a command ended: the diagnostics it found (and showed), or why it
/// stopped. [`exit_code`] turns it into the exit code.
pub type Ended = Result<Diagnostics, Stopped>;

/// Errors of these rules say that engage could not do its job (no site
/// here, an output folder that cannot be written or may not be replaced),
/// not that the content is wrong.
const SYSTEM_RULES: [RuleId; 3] = [
    crate::site::config::MISSING,
    crate::site::WRITE,
    crate::site::output::OUTPUT_REFUSED,
];

/// The exit code of every command, decided here only: 2 for bad usage or a
/// failure of the machine (whether told by a message or by a diagnostic of
/// [`SYSTEM_RULES`]), 1 for problems in the content (an error diagnostic),
/// 0 otherwise (warnings allowed).
pub fn exit_code(ended: &Ended) -> u8 {
    match ended {
        Err(Stopped::Usage) => EXIT_USAGE,
        Err(Stopped::Content) => EXIT_PROBLEMS,
        Ok(ds)
            if ds
                .iter()
                .any(|d| d.is_error() && SYSTEM_RULES.contains(&d.rule)) =>
        {
            EXIT_USAGE
        }
        Ok(ds) if ds.has_errors() => EXIT_PROBLEMS,
        Ok(_) => EXIT_OK,
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "engage",
    version,
    about = "Bilingual site and portfolio checks for civic-engagement programmes",
    long_about = "engage turns the Markdown and YAML of a programme's repository into its \
public French/English website, and checks what staff and students write.\n\n\
Exit codes: 0 no error (warnings allowed), 1 problems in the content, 2 usage or internal error.",
    after_help = "Examples:\n  engage build\n  engage --root path/to/site build --drafts\n  engage --lang en build --base-url https://preview.example.org"
)]
pub struct Cli {
    /// The site's folder (holding content/, data/ and themes/).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Language of messages: fr or en (default: from LANG, else French).
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the public website into public/.
    #[command(
        after_help = "Examples:\n  engage build\n  engage build --drafts --base-url http://localhost:8000\n  engage build --output /tmp/site"
    )]
    Build(BuildArgs),
    /// Check portfolio records against their programme's rules.
    #[command(
        after_help = "Examples:\n  engage check\n  engage check data/portfolios/alice\n  engage check --today 2026-01-15 --format json\n  engage check --pr --base origin/main --author alice"
    )]
    Check(crate::cmd::check::CheckArgs),
    /// Create a file from a template (a student's record).
    #[command(
        after_help = "Examples:\n  engage new portfolio --programme ceci --handle alice\n  engage --lang en new portfolio --programme escom --handle hugo"
    )]
    New(crate::cmd::new::NewArgs),
    /// Staff dashboard of every record (private HTML into report/, CSV, JSON).
    #[command(
        after_help = "Examples:\n  engage report\n  engage report --format csv > students.csv\n  engage report --programme ceci --intake 2025-02 --today 2026-03-01"
    )]
    Report(crate::cmd::report::ReportArgs),
    /// Attestation page and Open Badges 3.0 credential of a complete record.
    #[command(
        after_help = "Examples:\n  engage attest alice\n  engage attest alice --key /run/secrets/issuer.key\n  engage attest --verify report/attest/alice.credential.json"
    )]
    Attest(crate::cmd::attest::AttestArgs),
    /// Write JSON Schemas of programme files and of each programme's
    /// records (data/schemas/portfolio-<id>.schema.json), for editors.
    #[command(after_help = "Examples:\n  engage schema\n  engage schema --output /tmp/schemas")]
    Schema(crate::cmd::schema::SchemaArgs),
    /// Preview the site while you write: served at http://127.0.0.1:1111,
    /// rebuilt and reloaded on every save, errors shown over the page.
    #[command(
        after_help = "Examples:\n  engage serve\n  engage serve --open --drafts\n  engage serve --port 8000 --today 2026-03-01"
    )]
    Serve(crate::cmd::serve::ServeArgs),
    /// List every page and FAQ question with its translation status per
    /// language (translated, missing, outdated according to git history).
    #[command(after_help = "Examples:\n  engage translations\n  engage translations --json")]
    Translations(crate::cmd::translations::TranslationsArgs),
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Use this address instead of base_url of data/site.yml (previews).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Write the site here instead of public/ under the root.
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Show the calendar as on this day (YYYY-MM-DD), for reproducible builds.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<jiff::civil::Date>,
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = help::lang_of(&args);
    let parsed = help::localized(Cli::command(), lang)
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            match help::usage_error(&e, lang) {
                Some(text) => eprint!("{text}"),
                None => {
                    let _ = e.print();
                }
            }
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    let lang = cli.lang.unwrap_or(lang);
    let ended = match &cli.command {
        Command::Build(args) => crate::cmd::build::run(&cli.root, lang, args),
        Command::Check(args) => crate::cmd::check::run(&cli.root, lang, args),
        Command::New(args) => crate::cmd::new::run(&cli.root, lang, args),
        Command::Report(args) => crate::cmd::report::run(&cli.root, lang, args),
        Command::Attest(args) => crate::cmd::attest::run(&cli.root, lang, args),
        Command::Schema(args) => crate::cmd::schema::run(&cli.root, lang, args),
        Command::Serve(args) => crate::cmd::serve::run(&cli.root, lang, args),
        Command::Translations(args) => crate::cmd::translations::run(&cli.root, lang, args),
    };
    ExitCode::from(exit_code(&ended))
}

pub use crate::core::diagnostic::stderr;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnostic::{Diagnostic, Position, Text};

    fn with(ds: Vec<Diagnostic>) -> Ended {
        Ok(ds.into_iter().collect())
    }

    #[test]
    fn the_exit_code_comes_from_the_kind_of_problem() {
        let d = |rule: &'static str| {
            Diagnostic::error(RuleId::new(rule), "x", Position::file(), Text::new("", ""))
        };
        let warning = Diagnostic::warning(
            RuleId::new("translation.outdated"),
            "x",
            Position::file(),
            Text::new("", ""),
        );
        assert_eq!(exit_code(&with(vec![])), EXIT_OK);
        assert_eq!(exit_code(&with(vec![warning.clone()])), EXIT_OK);
        assert_eq!(
            exit_code(&with(vec![warning, d("ceci.internship-hours")])),
            EXIT_PROBLEMS
        );
        // A content error does not hide a failure of the machine.
        assert_eq!(
            exit_code(&with(vec![d("content.title-missing"), d("build.write")])),
            EXIT_USAGE
        );
        assert_eq!(exit_code(&with(vec![d("config.missing")])), EXIT_USAGE);
        assert_eq!(
            exit_code(&with(vec![d("build.output-refused")])),
            EXIT_USAGE
        );
        assert_eq!(exit_code(&Err(Stopped::Usage)), EXIT_USAGE);
        assert_eq!(exit_code(&Err(Stopped::Content)), EXIT_PROBLEMS);
    }
}

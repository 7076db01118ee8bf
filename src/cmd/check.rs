//! `engage check [PATH]`: the whole repository (site content, calendar,
//! programme pages, programme rules over every record), or one record.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::cmd::{Ended, Stopped};
use crate::core::diagnostic::Text;
use crate::core::lang::Lang;
use crate::core::layout;
use crate::core::source::{Disk, Files};
use crate::formats::{Emit, Findings, Github, Human, Json, Outputs};
use crate::records::check::Scope;
use crate::records::portfolio;
use crate::workspace::Workspace;

/// How `engage check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics in the style of rustc on stderr, a line per record on stdout.
    #[default]
    Human,
    /// One JSON document on stdout: every diagnostic, then every record's
    /// progress (fields listed in the README, "`engage check` reference").
    Json,
    /// GitHub Actions workflow commands (annotations on the PR's lines) and
    /// a Markdown summary appended to $GITHUB_STEP_SUMMARY; the default
    /// when GITHUB_ACTIONS=true.
    Github,
}

/// Arguments of `engage check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// A record folder (data/portfolios/<handle>) or its portfolio.yml, relative
    /// to the root, or data/portfolios for every record; when omitted, the
    /// whole repository: site content, calendar, programme pages and every
    /// record.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// The date to check against (YYYY-MM-DD), for reproducible runs;
    /// default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<Date>,
    /// Output format (default: github when GITHUB_ACTIONS=true, else human).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Check the pull request that HEAD is: the files changed since the
    /// merge base with --base, and what the author may change.
    #[arg(long, requires = "base", conflicts_with = "path")]
    pub pr: bool,
    /// The branch the PR goes into (e.g. origin/main), with --pr.
    #[arg(long, value_name = "REV", requires = "pr")]
    pub base: Option<String>,
    /// The PR's author (a GitHub handle), with --pr; default: GITHUB_ACTOR.
    #[arg(long, value_name = "HANDLE", requires = "pr")]
    pub author: Option<String>,
}

/// Runs the check and prints it in the chosen format.
pub fn run(root: &Path, lang: Lang, args: &CheckArgs) -> Ended {
    if let Err(msg) = repository(root) {
        eprintln!("{}", msg.get(lang));
        return Err(Stopped::Usage);
    }
    let scope = match scope(root, args.path.as_deref()) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("{}", msg.get(lang));
            return Err(Stopped::Usage);
        }
    };
    let today = args.today.unwrap_or_else(|| jiff::Zoned::now().date());
    let (report, notes, files) = match (args.pr, &args.base) {
        (true, Some(base)) => {
            let pr = crate::review::author(args.author.as_deref())
                .and_then(|author| crate::review::run(root, base, &author, today));
            match pr {
                Ok(pr) => {
                    let notes = crate::review::notes(&pr, lang);
                    (pr.report, notes, pr.files)
                }
                Err(msg) => {
                    eprintln!("{}", msg.get(lang));
                    return Err(Stopped::Usage);
                }
            }
        }
        _ => {
            let files = Files::new(Disk::new(root));
            let ws = Workspace::for_check(files, &scope, today);
            (ws.check(&scope), Vec::new(), ws.files)
        }
    };
    let in_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    let format = args.format.unwrap_or(if in_actions {
        Format::Github
    } else {
        Format::Human
    });
    let emitter: Box<dyn Emit> = match format {
        Format::Human => Box::new(Human),
        Format::Json => Box::new(Json),
        Format::Github => Box::new(Github),
    };
    // The step summary is made in memory and appended once the format has
    // written everything else, as GitHub reads the file after the step.
    let summary_file = std::env::var_os("GITHUB_STEP_SUMMARY")
        .filter(|v| !v.is_empty() && format == Format::Github)
        .map(PathBuf::from);
    let mut summary = Vec::new();
    let written = {
        let mut out = std::io::stdout().lock();
        let mut err = super::stderr();
        let mut to = Outputs {
            out: &mut out,
            err: &mut err,
            step_summary: summary_file
                .as_ref()
                .map(|_| &mut summary as &mut dyn Write),
        };
        let found = Findings {
            report: &report,
            notes: &notes,
            texts: &files,
            lang,
        };
        emitter.emit(&found, &mut to)
    };
    let appended = || -> std::io::Result<()> {
        if let Some(path) = &summary_file {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?
                .write_all(&summary)?;
        }
        Ok(())
    };
    match written.and_then(|()| appended()) {
        Ok(()) => Ok(report.diagnostics),
        Err(_) => Err(Stopped::Usage),
    }
}

/// The root is a repository engage checks: a site (data/site.yml) or a
/// repository of records (data/programmes/). Anything else would be
/// checked as an empty repository and pass, so it is a usage error that
/// names the root, not the PATH.
fn repository(root: &Path) -> Result<(), Text> {
    let shown = root.display();
    if !root.is_dir() {
        return Err(Text::new(
            format!("la racine `{shown}` n’existe pas ou n’est pas un dossier (option --root)"),
            format!("the root `{shown}` does not exist or is not a folder (option --root)"),
        ));
    }
    let site = root.join(layout::CONFIG_FILE).is_file();
    let records = root.join(layout::PROGRAMMES_DIR).is_dir();
    if site || records {
        return Ok(());
    }
    Err(Text::new(
        format!(
            "la racine `{shown}` n’est pas un dépôt engage : ni {} ni {}/ ; \
             donnez à --root le dossier qui contient data/ (ou lancez la commande depuis ce dossier)",
            layout::CONFIG_FILE,
            layout::PROGRAMMES_DIR
        ),
        format!(
            "the root `{shown}` is not an engage repository: it has neither {} nor {}/; \
             give --root the folder that holds data/ (or run the command from there)",
            layout::CONFIG_FILE,
            layout::PROGRAMMES_DIR
        ),
    ))
}

/// What PATH designates: the root (or no PATH) for the whole repository,
/// data/portfolios for every record, a record folder (or its record file)
/// for one.
fn scope(root: &Path, path: Option<&Path>) -> Result<Scope, Text> {
    let Some(path) = path else {
        return Ok(Scope::All);
    };
    let not_found = || {
        Text::new(
            format!(
                "`{}` n’est ni la racine, ni {}, ni un dossier de portfolio {}/<pseudo>",
                path.display(),
                portfolio::DIR,
                portfolio::DIR
            ),
            format!(
                "`{}` is neither the root, nor {}, nor a record folder {}/<handle>",
                path.display(),
                portfolio::DIR,
                portfolio::DIR
            ),
        )
    };
    // The root was found to be a repository: only the PATH can be wrong now.
    let abs_root = root.canonicalize().map_err(|_| not_found())?;
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    let abs = joined.canonicalize().map_err(|_| {
        Text::new(
            format!(
                "`{}` n’existe pas dans la racine `{}` (PATH est relatif à la racine)",
                path.display(),
                root.display()
            ),
            format!(
                "`{}` does not exist in the root `{}` (PATH is relative to the root)",
                path.display(),
                root.display()
            ),
        )
    })?;
    let abs = if abs.file_name().is_some_and(|n| n == portfolio::RECORD_FILE) {
        abs.parent().map(Path::to_path_buf).unwrap_or(abs)
    } else {
        abs
    };
    let rel = abs.strip_prefix(&abs_root).map_err(|_| not_found())?;
    if rel.as_os_str().is_empty() {
        return Ok(Scope::All);
    }
    if rel == Path::new(portfolio::DIR) {
        return Ok(Scope::Records);
    }
    match rel.parent() {
        Some(parent) if parent == Path::new(portfolio::DIR) && abs.is_dir() => {
            Ok(Scope::Record(rel.to_path_buf()))
        }
        _ => Err(not_found()),
    }
}

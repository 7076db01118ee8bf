//! `engage report`: the staff dashboard of every record.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::cmd::{Ended, Stopped};
use crate::core::diagnostic::{emit_human, Diagnostics};
use crate::core::lang::Lang;
use crate::core::source::{Disk, Files};
use crate::records::check::Scope;
use crate::report::{Dashboard, Filter, WriteError};
use crate::site::BuildOptions;
use crate::workspace::{Parts, Workspace};

/// The folder the dashboard goes to, under the root; git-ignored.
pub const REPORT_DIR: &str = "report";

/// What `engage report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// A static HTML dashboard in report/ (private: never deployed).
    #[default]
    Html,
    /// One row per student on stdout (UTF-8 with BOM, for spreadsheets).
    Csv,
    /// The whole dashboard as one JSON document on stdout.
    Json,
}

/// Arguments of `engage report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// The day to report on (YYYY-MM-DD), for reproducible runs; default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<Date>,
    /// Only this programme (its id, e.g. ceci).
    #[arg(long, value_name = "ID")]
    pub programme: Option<String>,
    /// Only this intake (e.g. 2025-02, or 2024-2025 for a first year).
    #[arg(long, value_name = "INTAKE")]
    pub intake: Option<String>,
    /// The folder of the HTML dashboard (default: report/ under the root).
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

pub fn run(root: &Path, lang: Lang, args: &ReportArgs) -> Ended {
    let options = BuildOptions {
        today: Some(args.today.unwrap_or_else(crate::workspace::today)),
        ..BuildOptions::default()
    };
    let ws = Workspace::load(Files::new(Disk::new(root)), Parts::RECORDS, &options);
    if let Some(p) = &args.programme {
        if ws.programmes.get(p).is_none() {
            let known: Vec<&str> = ws.programmes.ids().collect();
            match lang {
                Lang::Fr => eprintln!("programme inconnu `{p}` (connus : {})", known.join(", ")),
                Lang::En => eprintln!("unknown programme `{p}` (known: {})", known.join(", ")),
            }
            return Err(Stopped::Usage);
        }
    }
    let dashboard = Dashboard::build(
        &ws,
        &ws.check(&Scope::Records),
        &Filter {
            programme: args.programme.clone(),
            intake: args.intake.clone(),
        },
    );
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        Format::Csv => crate::report::csv::write(&dashboard, &mut out),
        Format::Json => serde_json::to_writer_pretty(&mut out, &dashboard)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out)),
        Format::Html => {
            let output = args.output.clone().unwrap_or_else(|| root.join(REPORT_DIR));
            return write_html(root, &output, &dashboard, &ws, lang);
        }
    };
    written
        .map(|()| Diagnostics::new())
        .map_err(|_| Stopped::Usage)
}

fn write_html(root: &Path, output: &Path, d: &Dashboard, ws: &Workspace, lang: Lang) -> Ended {
    let refused = |diag| {
        let ds = Diagnostics::from_iter([diag]);
        let _ = emit_human(&mut super::stderr(), &ws.files, &ds, lang);
        Ok(ds)
    };
    let page = crate::report::html::render(d, lang);
    let target = match crate::report::write(root, output, &[("index.html", page.as_bytes())]) {
        Ok(t) => t,
        Err(WriteError::Refused(diag)) => return refused(diag),
        Err(WriteError::Io(e)) => {
            eprintln!("{}: {e}", output.display());
            return Err(Stopped::Usage);
        }
    };
    let students = d.students().count();
    match lang {
        Lang::Fr => eprintln!(
            "Tableau de bord écrit : {students} dossier(s) dans {}.",
            target.join("index.html").display()
        ),
        Lang::En => eprintln!(
            "Dashboard written: {students} record(s) in {}.",
            target.join("index.html").display()
        ),
    }
    Ok(Diagnostics::new())
}

//! `engage check` over a set of records: which ones ([`Scope`]), their
//! evaluation ([`crate::records::evaluate`]) and the [`Report`] that the
//! formats present.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::core::diagnostic::Diagnostics;
use crate::records::evaluate::{check_cohorts, check_record, Outcome, Progress};
use crate::records::portfolio::{self, Record};
use crate::records::programme::Programmes;
use crate::records::vocabulary::Status;

/// What to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole repository: the site (content, calendar and programme
    /// pages, when there is a data/site.yml), every programme and record.
    All,
    /// Every programme and record, not the site (`engage check
    /// data/portfolios`, and a pull request that changes only records).
    Records,
    /// One record folder (relative to the root), and the cohort rules it
    /// takes part in.
    Record(PathBuf),
}

/// The summary of one record folder.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The folder name (the handle, when the record is well formed).
    pub handle: String,
    pub programme: Option<String>,
    pub status: Option<Status>,
    /// Every completeness rule is met.
    pub complete: bool,
    pub errors: usize,
    pub warnings: usize,
    /// `None` when the record could not be read far enough to be checked.
    #[serde(flatten)]
    pub progress: Option<Progress>,
}

/// Everything `engage check` found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub diagnostics: Diagnostics,
    pub records: Vec<Summary>,
}

/// The site's diagnostics (see [`crate::site::load_and_check`]), or none
/// when `root` has no data/site.yml (a repository of records only).
fn check_site(root: &Path, today: Date) -> Diagnostics {
    if !root.join(crate::site::config::CONFIG_FILE).is_file() {
        return Diagnostics::new();
    }
    let options = crate::site::BuildOptions {
        today: Some(today),
        ..Default::default()
    };
    crate::site::load_and_check(root, &options).1
}

/// Loads what `scope` covers under `root` (the programmes, the calendar and
/// the records always; the site for [`Scope::All`]) and checks it on `today`.
pub fn run(root: &Path, scope: &Scope, today: Date) -> Report {
    // The site loads its own programmes and calendar: their problems are
    // found twice and reported once (`Diagnostics::sort` drops duplicates).
    let (site_ds, mut report) = rayon::join(
        || match scope {
            Scope::All => check_site(root, today),
            Scope::Records | Scope::Record(_) => Diagnostics::new(),
        },
        || run_records(root, scope, today),
    );
    report.diagnostics.extend(site_ds);
    report.diagnostics.sort();
    report
}

/// The records part of [`run`].
fn run_records(root: &Path, scope: &Scope, today: Date) -> Report {
    let (programmes, mut ds) = Programmes::load(root);
    // Problems of the calendar are reported like those of the programmes:
    // a broken event would otherwise only show as an unknown workshop.
    let (calendar, cal_ds) = Calendar::load(root, &programmes.known_ids());
    ds.extend(cal_ds);
    // Cohort rules need every record, even to check one.
    let (dirs, dds) = portfolio::discover(root);
    let (records, rds) = portfolio::load_all(root, &dirs, &programmes);
    let outcomes: Vec<Outcome> = records
        .par_iter()
        .map(|r| match programmes.get(&r.programme) {
            Some(p) => check_record(r, p, &calendar, today),
            None => Outcome::default(),
        })
        .collect();
    let cohort = check_cohorts(&records, &programmes);
    let mut record_ds = Diagnostics::new();
    record_ds.extend(rds);
    record_ds.extend(cohort);
    let mut by_record: Vec<(Option<(&Record, &Outcome)>, &Path)> = Vec::new();
    for (r, o) in records.iter().zip(&outcomes) {
        record_ds.extend(o.diagnostics.iter().cloned());
        by_record.push((Some((r, o)), &r.dir));
    }
    for d in &dirs {
        if !records.iter().any(|r| &r.dir == d) {
            by_record.push((None, d));
        }
    }
    by_record.sort_by(|a, b| a.1.cmp(b.1));
    let in_scope = |p: &Path| match scope {
        Scope::All | Scope::Records => true,
        Scope::Record(dir) => p.starts_with(dir),
    };
    if !matches!(scope, Scope::Record(_)) {
        ds.extend(dds);
    }
    ds.extend(record_ds.into_iter().filter(|d| in_scope(&d.file)));
    ds.sort();
    let summaries = by_record
        .into_iter()
        .filter(|(_, dir)| in_scope(dir))
        .map(|(checked, dir)| {
            let mine = ds.iter().filter(|d| d.file.starts_with(dir));
            let (errors, warnings) =
                mine.fold(
                    (0, 0),
                    |(e, w), d| {
                        if d.is_error() {
                            (e + 1, w)
                        } else {
                            (e, w + 1)
                        }
                    },
                );
            let folder = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match checked {
                Some((r, o)) => Summary {
                    handle: r.handle.to_string(),
                    programme: Some(r.programme.clone()),
                    status: Some(r.status.value),
                    complete: o.complete,
                    errors,
                    warnings,
                    progress: Some(o.progress.clone()),
                },
                None => Summary {
                    handle: folder,
                    programme: None,
                    status: None,
                    complete: false,
                    errors,
                    warnings,
                    progress: None,
                },
            }
        })
        .collect();
    Report {
        diagnostics: ds,
        records: summaries,
    }
}

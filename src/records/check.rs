//! `engage check` over a set of records: which ones ([`Scope`]), their
//! evaluation ([`crate::records::evaluate`]) and the [`Report`] that the
//! formats present.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::calendar::Calendar;
use crate::core::diagnostic::{Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::records::evaluate::{check_cohorts, check_record, Outcome, Progress};
use crate::records::portfolio::{self, Record};
use crate::records::programme::Programmes;
use crate::records::vocabulary::Status;

/// Two record folders whose names are one handle in other capitals
/// (`alice/` and `Alice/`): handles are case-insensitive on the hosting,
/// so they are one student with two records.
pub const HANDLE_DUPLICATE: RuleId = RuleId::new("record.handle-duplicate");

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
#[derive(Debug, Clone)]
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
    pub progress: Option<Progress>,
}

/// Everything `engage check` found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub diagnostics: Diagnostics,
    pub records: Vec<Summary>,
}

/// What a check of records works on, loaded once by the workspace.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub programmes: &'a Programmes,
    pub calendar: &'a Calendar,
    /// Every record folder of data/portfolios, sorted.
    pub dirs: &'a [PathBuf],
    /// The records that could be read far enough to be checked.
    pub records: &'a [Record],
    /// Problems of the programme and calendar files.
    pub data: &'a Diagnostics,
    /// Problems of data/portfolios found while loading (stray files,
    /// unreadable records).
    pub loading: &'a Diagnostics,
}

/// Checks the records `scope` covers on `today` against their programmes:
/// each record alone, then the cohort rules across records (which need
/// every record, even to check one). Pure: everything comes from `input`.
pub fn check(input: Input<'_>, scope: &Scope, today: Date) -> Report {
    let Input {
        programmes,
        calendar,
        dirs,
        records,
        data,
        loading,
    } = input;
    let mut ds = data.clone();
    let outcomes: Vec<Outcome> = records
        .par_iter()
        .map(|r| match programmes.get(&r.programme) {
            Some(p) => check_record(r, p, calendar, today),
            None => Outcome::default(),
        })
        .collect();
    let cohort = check_cohorts(records, programmes);
    let mut record_ds = Diagnostics::new();
    record_ds.extend(loading.iter().cloned());
    record_ds.extend(cohort);
    record_ds.extend(
        duplicate_folders(dirs)
            .into_iter()
            .map(|(first, second)| match scope {
                // Checked alone, the folder that sorts first is blamed
                // instead: the student checking it must see the error.
                Scope::Record(dir) if first.starts_with(dir) => duplicate_folder(second, first),
                _ => duplicate_folder(first, second),
            }),
    );
    type Checked<'r> = Option<(&'r Record, Progress, bool)>;
    let mut by_record: Vec<(Checked, &Path)> = Vec::new();
    // Outcomes are moved into the summaries: a record's progress is
    // never copied.
    for (r, o) in records.iter().zip(outcomes) {
        record_ds.extend(o.diagnostics);
        by_record.push((Some((r, o.progress, o.complete)), &r.dir));
    }
    let checked: HashSet<&Path> = records.iter().map(|r| r.dir.as_path()).collect();
    for d in dirs {
        if !checked.contains(d.as_path()) {
            by_record.push((None, d));
        }
    }
    by_record.sort_by(|a, b| a.1.cmp(b.1));
    let in_scope = |p: &Path| match scope {
        Scope::All | Scope::Records => true,
        Scope::Record(dir) => p.starts_with(dir),
    };
    ds.extend(record_ds.into_iter().filter(|d| in_scope(&d.file)));
    ds.sort();
    // Errors and warnings per record folder, in one pass: diagnostics of
    // a record lie in its folder (data/portfolios/<handle>/…).
    let mut counts: HashMap<&Path, (usize, usize)> = HashMap::new();
    for d in &ds {
        let Some(dir) = record_folder(&d.file) else {
            continue;
        };
        let c = counts.entry(dir).or_default();
        if d.is_error() {
            c.0 += 1;
        } else {
            c.1 += 1;
        }
    }
    let summaries = by_record
        .into_iter()
        .filter(|(_, dir)| in_scope(dir))
        .map(|(checked, dir)| {
            let (errors, warnings) = counts.get(dir).copied().unwrap_or((0, 0));
            let folder = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match checked {
                Some((r, progress, complete)) => Summary {
                    handle: r.handle.to_string(),
                    programme: Some(r.programme.clone()),
                    status: Some(r.status.value),
                    complete,
                    errors,
                    warnings,
                    progress: Some(progress),
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

/// Pairs of record folders of `dirs` (sorted) named by one handle in other
/// capitals: each folder after the first of its handle, with that first.
pub fn duplicate_folders(dirs: &[PathBuf]) -> Vec<(&Path, &Path)> {
    let mut first: HashMap<String, &Path> = HashMap::new();
    let mut out = Vec::new();
    for d in dirs {
        let Some(name) = d.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        match first.entry(name.to_ascii_lowercase()) {
            std::collections::hash_map::Entry::Occupied(e) => out.push((*e.get(), d.as_path())),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(d.as_path());
            }
        }
    }
    out
}

/// The error on `second`'s record file, at file level, naming both
/// folders: `second` is the folder that came on top of `first`.
pub fn duplicate_folder(first: &Path, second: &Path) -> Diagnostic {
    let (a, b) = (slash(first), slash(second));
    Diagnostic::error(
        HANDLE_DUPLICATE,
        second.join(portfolio::RECORD_FILE),
        Position::file(),
        Text::new(
            format!("{b}/ et {a}/ sont deux dossiers pour un même pseudo : les pseudos ne tiennent pas compte des majuscules"),
            format!("{b}/ and {a}/ are two folders for one handle: handles do not depend on capitals"),
        ),
    )
    .with_hint(Text::new(
        format!("un·e étudiant·e, un portfolio : gardez {a}/ (ou {b}/), reportez-y ce que l’autre contient et supprimez l’autre"),
        format!("one student, one record: keep {a}/ (or {b}/), move what the other holds into it and delete the other"),
    ))
}

fn slash(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The record folder (`data/portfolios/<handle>`) a path lies in or is.
pub fn record_folder(path: &Path) -> Option<&Path> {
    path.ancestors()
        .find(|a| a.parent() == Some(Path::new(portfolio::DIR)))
}

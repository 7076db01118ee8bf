//! The pull-request check: what a PR may change, and what it changes.
//!
//! A student's PR may change only their own record folder,
//! data/portfolios/<handle>/, and only with ordinary files of a reasonable
//! size: [`guard`] turns every other changed path into one diagnostic. Staff
//! (data/staff.yml) may change anything; when they change programme rules,
//! [`verdict_changes`] says which existing records now pass or fail.
//!
//! [`guard`], [`classify`] and [`verdict_changes`] are pure; [`run`] is the
//! edge that reads git (crate::core::git) and the files, then calls them and the
//! ordinary check (crate::records::check).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::calendar::Calendar;
use crate::core::diagnostic::{Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::core::git::{Change, ChangeKind, Mode, Repo, Side};
use crate::core::lang::Lang;
use crate::core::source::{Files, GitTree, Kind, Overlay, Source, SourceText};
use crate::core::values::{mebibytes, Handle};
use crate::records::check::{self, record_folder, Scope};
use crate::records::evaluate::{check_cohorts, check_record};
use crate::records::portfolio::{self, Record};
use crate::records::programme::Programmes;
use crate::site::BuildOptions;
use crate::workspace::{Parts, Workspace};
use std::sync::Arc;

pub mod calendar;

/// A student's PR changes a path outside their record folder.
pub const OUTSIDE_FOLDER: RuleId = RuleId::new("scope.outside-folder");
/// A student's PR changes, deletes or moves a file of another student's record.
pub const OTHER_RECORD: RuleId = RuleId::new("scope.other-record");
/// A student's PR adds a symbolic link (it could point anywhere: /etc/passwd).
pub const SYMLINK: RuleId = RuleId::new("scope.symlink");
/// A student's PR adds a submodule.
pub const SUBMODULE: RuleId = RuleId::new("scope.submodule");
/// A student's PR adds a file with the executable bit.
pub const EXECUTABLE: RuleId = RuleId::new("scope.executable");
/// A student's PR adds a file over [`MAX_FILE_BYTES`], or files over
/// [`MAX_PR_BYTES`] in all.
pub const TOO_BIG: RuleId = RuleId::new("scope.too-big");
/// A student's PR adds or changes more than [`MAX_PR_FILES`] files.
pub const TOO_MANY_FILES: RuleId = RuleId::new("scope.too-many-files");
/// A staff PR changes programme rules or the calendar: records whose
/// verdict changes (a warning).
pub const VERDICT_CHANGED: RuleId = RuleId::new("scope.verdict-changed");
/// A file the PR changes also changed on the base branch since (a warning).
pub const BASE_MOVED: RuleId = RuleId::new("scope.base-moved");
/// data/staff.yml cannot be read.
pub const STAFF_INVALID: RuleId = RuleId::new("scope.staff-invalid");

/// Where staff handles are listed. Read from the tip of the base branch,
/// never from the PR itself: a PR adding its author to the list gains
/// nothing.
pub use crate::core::layout::STAFF_FILE;
/// Largest file a student may add: a scanned assessment grid or a PDF
/// production is a few MiB; a video belongs on a video platform.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

// ---------------------------------------------------------------------------
// Staff

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffDef {
    staff: Vec<StaffMemberDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffMemberDef {
    handle: Spanned<String>,
    // Required so that every entry says who it is, for people reading the
    // file; engage itself needs only the handle.
    #[allow(dead_code)]
    name: String,
    /// Free text for people reading the file (what they look after).
    #[serde(default)]
    #[allow(dead_code)]
    role: Option<String>,
}

/// The staff: handles that may change anything in a PR.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Staff {
    /// Lowercase: handles on GitHub are case-insensitive.
    handles: BTreeSet<String>,
}

impl Staff {
    /// Parses data/staff.yml; a bad handle is reported and left out.
    pub fn parse(text: &str, file: &Path) -> (Staff, Diagnostics) {
        let mut ds = Diagnostics::new();
        let mut staff = Staff::default();
        let def: StaffDef = match crate::core::yaml::parse(text, file, 1) {
            Ok(d) => d,
            Err(found) => {
                ds.extend(found);
                return (staff, ds);
            }
        };
        for m in def.staff {
            match Handle::parse(&m.handle.value) {
                Some(h) => {
                    staff.handles.insert(h.as_str().to_ascii_lowercase());
                }
                None => ds.push(Diagnostic::error(
                    STAFF_INVALID,
                    file,
                    crate::core::yaml::position(&m.handle.referenced, 1),
                    Text::new(
                        format!("`{}` n’est pas un pseudo GitHub valable", m.handle.value),
                        format!("`{}` is not a valid GitHub handle", m.handle.value),
                    ),
                )),
            }
        }
        (staff, ds)
    }

    /// `handle` is staff.
    pub fn contains(&self, handle: &Handle) -> bool {
        self.handles.contains(&handle.as_str().to_ascii_lowercase())
    }
}

// ---------------------------------------------------------------------------
// Areas of the repository

/// What a path of the repository is, as far as the scope guard cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Area {
    /// data/portfolios/<handle>/… of this handle (as written in the path).
    Record(String),
    /// data/programmes/: the rules.
    Programmes,
    /// content/: the site's pages.
    Content,
    /// themes/, templates/, static/: how the site looks.
    Theme,
    /// data/calendar/: the workshops.
    Calendar,
    /// data/staff.yml and data/site.yml: who is staff, the site's settings.
    Settings,
    /// .github/: workflows, templates, CODEOWNERS.
    GitHub,
    /// src/, Cargo files, .ci/, tests/, examples/: the engage program.
    Code,
    /// Anything else.
    Other,
}

impl Area {
    /// How a message names the area.
    fn describe(&self) -> Text {
        match self {
            Area::Record(h) => {
                Text::new(format!("le portfolio de {h}"), format!("the record of {h}"))
            }
            Area::Programmes => Text::new("les règles des programmes", "the programme rules"),
            Area::Content => Text::new("le contenu du site", "the site content"),
            Area::Theme => Text::new("le thème du site", "the site theme"),
            Area::Calendar => Text::new("le calendrier des ateliers", "the workshop calendar"),
            Area::Settings => Text::new("les réglages du site", "the site settings"),
            Area::GitHub => Text::new(
                "la configuration GitHub (workflows)",
                "the GitHub configuration (workflows)",
            ),
            Area::Code => Text::new("le programme engage", "the engage program"),
            Area::Other => Text::new(
                "un fichier hors des dossiers de portfolio",
                "a file outside the record folders",
            ),
        }
    }
}

/// The area of `path` (relative to the site root).
pub fn classify(path: &Path) -> Area {
    let parts: Vec<&str> = path
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str().unwrap_or("\u{fffd}"),
            _ => "..",
        })
        .collect();
    match parts.as_slice() {
        ["data", "portfolios", h, _, ..] => Area::Record((*h).to_string()),
        ["data", "programmes", ..] => Area::Programmes,
        ["data", "calendar", ..] => Area::Calendar,
        ["data", "staff.yml"] | ["data", "site.yml"] => Area::Settings,
        ["content", ..] => Area::Content,
        ["themes" | "templates" | "static", ..] => Area::Theme,
        [".github", ..] => Area::GitHub,
        ["src" | "tests" | "examples" | "benches" | ".ci", ..]
        | ["Cargo.toml" | "Cargo.lock" | "build.rs" | "rust-toolchain.toml"] => Area::Code,
        _ => Area::Other,
    }
}

// ---------------------------------------------------------------------------
// The guard

fn slash(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn is_own(area: &Area, author: &Handle) -> bool {
    matches!(area, Area::Record(h) if h.eq_ignore_ascii_case(author.as_str()))
}

/// The diagnostic for `path`, touched by `author`'s PR, when it lies outside
/// their folder; `verb` says what the PR did to it.
fn outside(author: &Handle, path: &Path, verb: (&str, &str)) -> Option<Diagnostic> {
    let area = classify(path);
    if is_own(&area, author) {
        return None;
    }
    let own = format!("{}/{}/", portfolio::DIR, author);
    let what = area.describe();
    let rule = match area {
        Area::Record(_) => OTHER_RECORD,
        _ => OUTSIDE_FOLDER,
    };
    Some(
        Diagnostic::error(
            rule,
            path,
            Position::file(),
            Text::new(
                format!(
                    "cette PR {} {} ({}) : une PR d’étudiant·e ne change que {own}",
                    verb.0,
                    slash(path),
                    what.fr
                ),
                format!(
                    "this PR {} {} ({}): a student PR changes only {own}",
                    verb.1,
                    slash(path),
                    what.en
                ),
            ),
        )
        .with_hint(Text::new(
            format!(
                "retirez ce changement de la PR ; pour {}, demandez à l’équipe (issue ou courriel)",
                what.fr
            ),
            format!(
                "drop this change from the PR; for {}, ask the staff (an issue or an email)",
                what.en
            ),
        )),
    )
}

/// The problem with the content of `side`, added or changed in the author's
/// own folder: a link, a submodule, an executable, a huge file.
fn unsafe_content(side: &Side) -> Option<Diagnostic> {
    let path = slash(&side.path);
    let (rule, fr, en, hint_fr, hint_en) = match side.mode {
        Mode::Symlink => (
            SYMLINK,
            format!("{path} est un lien symbolique"),
            format!("{path} is a symbolic link"),
            "remplacez le lien par une copie du fichier",
            "replace the link with a copy of the file",
        ),
        Mode::Submodule => (
            SUBMODULE,
            format!("{path} est un sous-module git"),
            format!("{path} is a git submodule"),
            "ajoutez les fichiers eux-mêmes, pas un autre dépôt",
            "add the files themselves, not another repository",
        ),
        Mode::Executable => (
            EXECUTABLE,
            format!("{path} est exécutable"),
            format!("{path} is executable"),
            "retirez le droit d’exécution : git update-index --chmod=-x <fichier>",
            "remove the executable bit: git update-index --chmod=-x <file>",
        ),
        _ if side.size > MAX_FILE_BYTES => (
            TOO_BIG,
            format!(
                "{path} fait {}, la limite est {}",
                mebibytes(side.size).fr,
                mebibytes(MAX_FILE_BYTES).fr
            ),
            format!(
                "{path} has {}, the limit is {}",
                mebibytes(side.size).en,
                mebibytes(MAX_FILE_BYTES).en
            ),
            "réduisez-le (PDF compressé, images redimensionnées) ou déposez-le ailleurs avec un lien",
            "make it smaller (compressed PDF, resized images) or host it elsewhere and link to it",
        ),
        _ => return None,
    };
    Some(
        Diagnostic::error(rule, &side.path, Position::file(), Text::new(fr, en))
            .with_hint(Text::new(hint_fr, hint_en)),
    )
}

/// A student's PR may add or change this many files at most: a record and
/// its productions are a few dozen.
pub const MAX_PR_FILES: usize = 200;
/// … and this many bytes in all: a dozen scanned documents.
pub const MAX_PR_BYTES: u64 = 50 * 1024 * 1024;

/// The limits on a student's PR as a whole, each reported once, at the
/// path that crosses it: without them, many files each under the per-file
/// limit would pass.
fn pr_size(changes: &[Change]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let (mut files, mut bytes) = (0usize, 0u64);
    let (mut too_many, mut too_big) = (false, false);
    for side in changes.iter().filter_map(|c| c.new.as_ref()) {
        files += 1;
        bytes = bytes.saturating_add(side.size);
        if files > MAX_PR_FILES && !too_many {
            too_many = true;
            out.push(
                Diagnostic::error(
                    TOO_MANY_FILES,
                    &side.path,
                    Position::file(),
                    Text::new(
                        format!("cette PR ajoute ou modifie plus de {MAX_PR_FILES} fichiers"),
                        format!("this PR adds or changes more than {MAX_PR_FILES} files"),
                    ),
                )
                .with_hint(Text::new(
                    "regroupez les pièces (un PDF par production) ou parlez-en à l’équipe",
                    "group the documents (one PDF per production) or ask the staff",
                )),
            );
        }
        if bytes > MAX_PR_BYTES && !too_big {
            too_big = true;
            let mib = MAX_PR_BYTES / (1024 * 1024);
            out.push(
                Diagnostic::error(
                    TOO_BIG,
                    &side.path,
                    Position::file(),
                    Text::new(
                        format!("avec ce fichier, la PR dépasse {mib} Mio au total"),
                        format!("with this file, the PR is over {mib} MiB in all"),
                    ),
                )
                .with_hint(Text::new(
                    "réduisez les fichiers (PDF compressés, images redimensionnées) ou déposez-les ailleurs avec un lien",
                    "make the files smaller (compressed PDFs, resized images) or host them elsewhere and link to them",
                )),
            );
        }
    }
    out
}

/// The scope guard for a PR by a student `author`: one diagnostic per
/// offending path (both sides of a rename are looked at), and the limits on
/// the PR as a whole.
pub fn guard(author: &Handle, changes: &[Change]) -> Diagnostics {
    let mut ds = Diagnostics::new();
    ds.extend(pr_size(changes));
    for c in changes {
        match c.kind {
            ChangeKind::Added | ChangeKind::Modified | ChangeKind::TypeChanged => {
                let Some(new) = &c.new else { continue };
                let verb = match c.kind {
                    ChangeKind::Added => ("ajoute", "adds"),
                    _ => ("modifie", "changes"),
                };
                match outside(author, &new.path, verb) {
                    Some(d) => ds.push(d),
                    None => ds.extend(unsafe_content(new)),
                }
            }
            ChangeKind::Deleted => {
                if let Some(old) = &c.old {
                    ds.extend(outside(author, &old.path, ("supprime", "deletes")));
                }
            }
            ChangeKind::Renamed => {
                if let Some(old) = &c.old {
                    ds.extend(outside(author, &old.path, ("déplace", "moves")));
                }
                if let Some(new) = &c.new {
                    match outside(
                        author,
                        &new.path,
                        ("crée par déplacement", "moves a file to"),
                    ) {
                        Some(d) => ds.push(d),
                        None => ds.extend(unsafe_content(new)),
                    }
                }
            }
        }
    }
    ds.sort();
    ds
}

// ---------------------------------------------------------------------------
// Verdict changes

/// Records that pass or fail one rule after a rules change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictChange {
    pub rule: RuleId,
    /// The programme file defining the rule (relative to the root).
    pub file: PathBuf,
    /// Records that passed the rule with the old rules and fail it now.
    pub now_fail: Vec<Handle>,
    /// Records that failed it and pass now.
    pub now_pass: Vec<Handle>,
}

/// The errors each record gets under `programmes`, by rule id.
fn errors_by_record(
    records: &[Record],
    programmes: &Programmes,
    calendar: &Calendar,
    today: Date,
) -> BTreeMap<Handle, BTreeSet<RuleId>> {
    let mut out: BTreeMap<Handle, BTreeSet<RuleId>> = records
        .iter()
        .map(|r| (r.handle.clone(), BTreeSet::new()))
        .collect();
    let file_to_handle: BTreeMap<&Path, &Handle> = records
        .iter()
        .map(|r| (r.file.as_path(), &r.handle))
        .collect();
    let mut add = |d: &Diagnostic| {
        if !d.is_error() {
            return;
        }
        if let Some(h) = file_to_handle.get(d.file.as_path()) {
            if let Some(set) = out.get_mut(*h) {
                set.insert(d.rule.clone());
            }
        }
    };
    let outcomes: Vec<Diagnostics> = records
        .par_iter()
        .filter_map(|r| {
            let programme = programmes.get(&r.programme)?;
            Some(check_record(r, programme, calendar, today).diagnostics)
        })
        .collect();
    outcomes.iter().flatten().for_each(&mut add);
    check_cohorts(records, programmes).iter().for_each(&mut add);
    out
}

/// Which records change verdict, rule by rule, when the programmes go from
/// `before` to `after` (the records and the calendar unchanged). Sorted by
/// rule.
pub fn verdict_changes(
    records: &[Record],
    before: &Programmes,
    after: &Programmes,
    calendar: &Calendar,
    today: Date,
) -> Vec<VerdictChange> {
    let old = errors_by_record(records, before, calendar, today);
    let new = errors_by_record(records, after, calendar, today);
    let mut by_rule: BTreeMap<RuleId, VerdictChange> = BTreeMap::new();
    let file_of = |rule: &RuleId| {
        after
            .iter()
            .chain(before.iter())
            .find(|p| p.rules.iter().any(|r| &r.id == rule))
            .map(|p| p.file.clone())
            .unwrap_or_default()
    };
    let empty = BTreeSet::new();
    fn change<'m>(
        by_rule: &'m mut BTreeMap<RuleId, VerdictChange>,
        rule: &RuleId,
        file: impl FnOnce() -> PathBuf,
    ) -> &'m mut VerdictChange {
        by_rule
            .entry(rule.clone())
            .or_insert_with(|| VerdictChange {
                rule: rule.clone(),
                file: file(),
                now_fail: Vec::new(),
                now_pass: Vec::new(),
            })
    }
    for (handle, now) in &new {
        let was = old.get(handle).unwrap_or(&empty);
        for rule in now.difference(was) {
            change(&mut by_rule, rule, || file_of(rule))
                .now_fail
                .push(handle.clone());
        }
        for rule in was.difference(now) {
            change(&mut by_rule, rule, || file_of(rule))
                .now_pass
                .push(handle.clone());
        }
    }
    by_rule.into_values().collect()
}

/// The line of `id: <rule>` in a programme file's text, for annotations.
fn rule_line(text: &str, rule: &RuleId) -> Position {
    text.lines()
        .enumerate()
        .find_map(|(i, l)| {
            let t = l.trim_start().trim_start_matches("- ").trim_start();
            let v = t.strip_prefix("id:")?.trim();
            (v.trim_matches(|c| c == '"' || c == '\'') == rule.as_str()).then(|| {
                let col = l.find("id:").unwrap_or(0) + 1;
                Position::new(i as u32 + 1, col as u32).with_len(3 + 1 + rule.as_str().len() as u32)
            })
        })
        .unwrap_or(Position::file())
}

/// At most this many handles are named in a verdict message; the rest are
/// counted (a threshold change can concern every record).
const NAMED: usize = 10;

fn names(hs: &[Handle], lang: Lang) -> String {
    let mut s = hs
        .iter()
        .take(NAMED)
        .map(Handle::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if hs.len() > NAMED {
        let more = hs.len() - NAMED;
        s.push_str(&match lang {
            Lang::Fr => format!(" et {more} autre(s)"),
            Lang::En => format!(" and {more} more"),
        });
    }
    s
}

/// Warnings that put verdict changes on the rule's line of its programme
/// file (`text_of` gives the file's new text), so that the staff reviewing
/// the PR see them where the rule changed.
pub fn verdict_diagnostics(
    changes: &[VerdictChange],
    text_of: &dyn Fn(&Path) -> Option<String>,
) -> Diagnostics {
    let mut ds = Diagnostics::new();
    for c in changes {
        let at = text_of(&c.file)
            .map(|t| rule_line(&t, &c.rule))
            .unwrap_or(Position::file());
        let mut fr = Vec::new();
        let mut en = Vec::new();
        for (who, verb_fr, one_en, many_en) in [
            (
                &c.now_fail,
                "échouent désormais à",
                "record now fails",
                "records now fail",
            ),
            (
                &c.now_pass,
                "satisfont désormais",
                "record now passes",
                "records now pass",
            ),
        ] {
            if who.is_empty() {
                continue;
            }
            let n = who.len();
            fr.push(format!(
                "{n} portfolio(s) {verb_fr} {} : {}",
                c.rule,
                names(who, Lang::Fr)
            ));
            let verb_en = if n == 1 { one_en } else { many_en };
            en.push(format!(
                "{n} {verb_en} {}: {}",
                c.rule,
                names(who, Lang::En)
            ));
        }
        ds.push(
            Diagnostic::warning(
                VERDICT_CHANGED,
                &c.file,
                at,
                Text::new(fr.join(" ; "), en.join("; ")),
            )
            .with_hint(Text::new(
                "prévenez les étudiant·es concerné·es avant de fusionner",
                "tell the students concerned before merging",
            )),
        );
    }
    ds
}

/// The records compared under a staff PR's calendar, and those whose
/// verdict changes.
#[derive(Debug, Clone)]
pub struct CalendarVerdicts {
    /// Every record of the repository, not only those the PR changes.
    pub compared: usize,
    pub changes: Vec<calendar::RecordVerdict>,
}

// ---------------------------------------------------------------------------
// The edge: `engage check --pr`

/// Everything `engage check --pr` found.
#[derive(Debug)]
pub struct PrReport {
    /// Scope, check and verdict diagnostics; summaries of the changed records.
    pub report: check::Report,
    pub author: Handle,
    pub staff: bool,
    /// The merge base, abbreviated.
    pub base: String,
    pub changes: Vec<Change>,
    /// The whole site was checked (something outside the records changed).
    pub whole: bool,
    pub verdicts: Vec<VerdictChange>,
    /// How many records were compared under the base's and the PR's rules,
    /// when the PR changes rules (every record, not only those it changes).
    pub compared: Option<usize>,
    /// What the PR's calendar changes, when a staff PR changes it.
    pub calendar: Option<CalendarVerdicts>,
    /// The files of the PR's head as they were read, for showing
    /// diagnostics with their lines.
    pub files: Files,
}

impl PrReport {
    /// One line about the PR for people: who, what, how it was checked.
    pub fn headline(&self) -> Text {
        let n = self.changes.len();
        let (role_fr, role_en) = if self.staff {
            ("équipe", "staff")
        } else {
            ("étudiant·e", "student")
        };
        // The one count of records in a PR's human output (the totals
        // line after it gives none), with those compared for rule or
        // calendar changes: "0 record(s) checked" then "1 record now
        // fails" read as a contradiction.
        let checked = self.report.records.len();
        let (mut how_fr, mut how_en) = if self.whole && checked == 0 {
            (
                "tout le site vérifié, aucun portfolio modifié".into(),
                "whole site checked, no record changed".into(),
            )
        } else if self.whole {
            (
                format!("tout le site vérifié, avec {checked} portfolio(s) modifié(s)"),
                format!("whole site checked, with {checked} changed record(s)"),
            )
        } else if checked == 0 {
            ("aucun portfolio modifié".into(), "no record changed".into())
        } else {
            (
                format!("{checked} portfolio(s) modifié(s) vérifié(s)"),
                format!("{checked} changed record(s) checked"),
            )
        };
        if let Some(n) = self.compared {
            how_fr.push_str(&format!(
                ", {n} portfolio(s) comparé(s) sous les règles modifiées"
            ));
            how_en.push_str(&format!(", {n} record(s) compared under the changed rules"));
        }
        if let Some(c) = &self.calendar {
            let n = c.compared;
            how_fr.push_str(&format!(
                ", {n} portfolio(s) comparé(s) avec le calendrier modifié"
            ));
            how_en.push_str(&format!(
                ", {n} record(s) compared under the changed calendar"
            ));
        }
        Text::new(
            format!(
                "PR de {} ({role_fr}) : {n} chemin(s) modifié(s) depuis {}, {how_fr}",
                self.author, self.base
            ),
            format!(
                "PR by {} ({role_en}): {n} path(s) changed since {}, {how_en}",
                self.author, self.base
            ),
        )
    }
}

/// Checks the PR that HEAD is, against `base` (the branch it goes into).
///
/// The judge is the current tip of `base`, never the PR: the staff list,
/// the rules, the calendar and the site come from the tip, and the PR
/// contributes only the files it changes (since the merge base), laid over
/// the tip as a merge would. Nothing is read from the work tree, so what is
/// checked out does not matter. `Err` when git cannot answer (not a
/// repository, unknown base): a usage error.
pub fn run(root: &Path, base: &str, author: &Handle, today: Date) -> Result<PrReport, Text> {
    let repo = Repo::open(root)?;
    let tip = repo.commit(base)?;
    let merge_base = repo.merge_base(base)?;
    let changes = repo.changes(merge_base)?;
    let moved_on = repo
        .changes_between(merge_base, tip)?
        .iter()
        .flat_map(|c| c.paths().map(Path::to_path_buf).collect::<Vec<_>>())
        .collect();
    let head = repo.head()?;
    let tip_tree = Arc::new(GitTree::open(root, tip)?);
    // Only the files the PR changes are read from its head: no need to
    // list the head's whole tree. Each blob is read once and shared by
    // every path that names it: a thousand paths to one 10 MB blob are
    // 10 MB, not 10 GB.
    let blobs: std::sync::Mutex<HashMap<git2::Oid, Arc<[u8]>>> = Default::default();
    let merged = merge(
        Overlay::new(tip_tree.clone()),
        &|p| {
            let id = repo.blob_id(head, p)?;
            let mut blobs = blobs.lock().ok()?;
            if let Some(b) = blobs.get(&id) {
                return Some(b.clone());
            }
            let bytes: Arc<[u8]> = repo.read_blob(id)?.into();
            blobs.insert(id, bytes.clone());
            Some(bytes)
        },
        &changes,
    );
    let label = merge_base.to_string().chars().take(7).collect();
    Ok(review(
        Pr {
            author,
            changes,
            moved_on,
            base_label: label,
            base: Files::shared(tip_tree),
            merged: Files::new(merged),
        },
        today,
    ))
}

/// The PR's changes laid over `onto`: changed and added files as the head
/// has them, deleted and moved-away files removed. Links and submodules
/// are never laid over: the scope guard reports them, and the judge reads
/// no file a link could lead to.
pub fn merge<S: Source, B: Into<Arc<[u8]>>>(
    mut onto: Overlay<S>,
    head: &dyn Fn(&Path) -> Option<B>,
    changes: &[Change],
) -> Overlay<S> {
    for c in changes {
        if let Some(old) = &c.old {
            onto.remove(old.path.clone());
        }
        if let Some(new) = &c.new {
            if matches!(new.mode, Mode::File | Mode::Executable) {
                if let Some(bytes) = head(&new.path) {
                    onto.set(new.path.clone(), bytes);
                }
            }
        }
    }
    onto
}

/// A pull request, as [`review`] reads it.
pub struct Pr<'a> {
    pub author: &'a Handle,
    /// What the PR changes, from the merge base to its head.
    pub changes: Vec<Change>,
    /// Paths the base branch changed since the PR branched off.
    pub moved_on: BTreeSet<PathBuf>,
    /// How the PR's starting point is named in messages (an abbreviated
    /// commit).
    pub base_label: String,
    /// The tip of the base branch: the staff list, and the rules a rules
    /// change is compared with.
    pub base: Files,
    /// The tip with the PR's changes laid over it: what is judged.
    pub merged: Files,
}

/// The review of a pull request: the scope guard for its author (staff as
/// listed at the tip of the base branch), then the changed records (or the
/// whole site when anything else changed) checked as merged, then, for
/// rule changes, the verdicts that change against the tip's programmes.
pub fn review(pr: Pr<'_>, today: Date) -> PrReport {
    let Pr {
        author,
        changes,
        moved_on,
        base_label,
        base,
        merged: head,
    } = pr;
    let mut ds = Diagnostics::new();

    // Staff as listed now on the base branch: the PR cannot promote its
    // author, and someone removed since the PR branched off is no longer
    // staff.
    let staff = match base.text(Path::new(STAFF_FILE)) {
        Ok(text) => {
            let (s, sds) = Staff::parse(&text, Path::new(STAFF_FILE));
            // The base's list is staff's to fix, not this PR's: a warning.
            // Handles it could not read are simply not staff.
            ds.extend(sds.into_iter().map(|mut d| {
                d.severity = crate::core::diagnostic::Severity::Warning;
                d
            }));
            s
        }
        Err(_) => Staff::default(),
    };
    let is_staff = staff.contains(author);
    let head = if is_staff {
        head
    } else {
        ds.extend(guard(author, &changes));
        own_changes_only(author, &base, &head, &changes)
    };
    let touched: Vec<&Path> = changes.iter().flat_map(Change::paths).collect();
    ds.extend(
        touched
            .iter()
            .filter(|p| moved_on.contains(**p))
            .map(|p| base_moved(p)),
    );
    // A new staff list must at least read well, whoever changes it.
    if touched.iter().any(|p| *p == Path::new(STAFF_FILE)) {
        if let Ok(text) = head.text(Path::new(STAFF_FILE)) {
            ds.extend(Staff::parse(&text, Path::new(STAFF_FILE)).1);
        }
    }
    // A student answers for their own record only: what the scope guard
    // refused (another record, the site) is that refusal alone, not also
    // the state of what they had no business changing.
    let own = |d: &Path| {
        d.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.to_lowercase() == author.as_str().to_lowercase())
    };
    let dirs: BTreeSet<PathBuf> = touched
        .iter()
        .filter_map(|p| record_folder(p).map(Path::to_path_buf))
        .filter(|d| is_staff || own(d))
        .collect();
    // The site too when staff changed something outside the records and
    // there is a site to check.
    let whole = is_staff
        && touched.iter().any(|p| record_folder(p).is_none())
        && Workspace::has_site(&head);
    let scope = if whole { Scope::All } else { Scope::Records };
    let after = Workspace::for_check(head, &scope, today);
    let mut report = after.check(&scope);
    let in_changed = |p: &Path| dirs.iter().any(|d| p.starts_with(d));
    // A PR answers for the records it changes, not for the state of the
    // others: what a rules change does to them is told as verdict changes.
    // Problems outside records count when the PR changed something there.
    let kept: Diagnostics = std::mem::take(&mut report.diagnostics)
        .into_iter()
        .filter(|d| match record_folder(&d.file) {
            Some(_) => in_changed(&d.file),
            None => whole,
        })
        .collect();
    report.diagnostics = kept;
    report
        .diagnostics
        .extend(second_folder(&after.record_dirs, &in_changed));
    report
        .records
        .retain(|s| in_changed(&Path::new(portfolio::DIR).join(&s.handle)));

    // A student's changes to the rules or the calendar are refused by the
    // guard and never reach the judge: nothing to compare.
    let changed = |area: Area| is_staff && touched.iter().any(|p| classify(p) == area);
    let rules_changed = changed(Area::Programmes);
    let calendar_changed = changed(Area::Calendar);
    let mut verdicts = Vec::new();
    let mut compared = None;
    let mut calendar = None;
    if rules_changed || calendar_changed {
        let options = BuildOptions {
            today: Some(today),
            ..BuildOptions::default()
        };
        let before = Workspace::load(base, Parts::DATA, &options);
        if rules_changed {
            compared = Some(after.records.len());
            verdicts = verdict_changes(
                &after.records,
                &before.programmes,
                &after.programmes,
                &after.calendar,
                today,
            );
            // The text as read by the load: the programme is not read again.
            let text_of = |p: &Path| SourceText::text(&after.files, p).map(|t| t.to_string());
            report
                .diagnostics
                .extend(verdict_diagnostics(&verdicts, &text_of));
        }
        if calendar_changed {
            // Records are judged by the base branch's rules, whatever the
            // PR does to them: only the calendar differs.
            let changes = calendar::verdict_changes(
                &after.records,
                &before.programmes,
                &before.calendar,
                &after.calendar,
                &after.problems.records,
                today,
            );
            report
                .diagnostics
                .extend(calendar::diagnostics(&changes, VERDICT_CHANGED));
            calendar = Some(CalendarVerdicts {
                compared: after.records.len(),
                changes,
            });
        }
    }
    report.diagnostics.extend(ds);
    report.diagnostics.sort();
    PrReport {
        report,
        author: author.clone(),
        staff: is_staff,
        base: base_label,
        changes,
        whole,
        verdicts,
        compared,
        calendar,
        files: after.files,
    }
}

/// The PR's record folder that doubles one of the base in other capitals
/// (`Alice/` beside `alice/`): the check blames whichever sorts second,
/// which may be the base's folder, outside what the PR answers for; the
/// PR's folder is the second one to come.
fn second_folder(dirs: &[PathBuf], in_pr: &dyn Fn(&Path) -> bool) -> Diagnostics {
    check::duplicate_folders(dirs)
        .into_iter()
        .filter(|(first, second)| in_pr(first) && !in_pr(second))
        .map(|(first, second)| check::duplicate_folder(second, first))
        .collect()
}

/// The judge of a student's PR: the tip of the base branch with only the
/// changes in the author's own folder laid over it. What the guard
/// refuses (the rules, the calendar, another record) must not judge the
/// record too: a PR lowering the hours would pass its own record, besides
/// its refusal. Built by putting the base's version of every other changed
/// path back over `merged`, so that the author's files stay shared (a
/// thousand paths to one big blob are not copied a thousand times) and the
/// files put back are main's own, of ordinary size.
fn own_changes_only(author: &Handle, base: &Files, merged: &Files, changes: &[Change]) -> Files {
    let mut judge = Overlay::new(merged.shared_source());
    for path in changes.iter().flat_map(Change::paths) {
        if is_own(&classify(path), author) {
            continue;
        }
        // A link of main's at a path the PR touched is left out, as links
        // are from what a PR lays over.
        match base.kind(path) {
            Some(Kind::File) => match base.bytes(path) {
                Ok(bytes) => judge.set(path.to_path_buf(), bytes),
                Err(_) => judge.remove(path.to_path_buf()),
            },
            _ => judge.remove(path.to_path_buf()),
        }
    }
    Files::new(judge)
}

/// A file the PR changes that the base branch changed too since: the PR is
/// judged with its version laid over the base's, which a merge would
/// combine or refuse.
fn base_moved(path: &Path) -> Diagnostic {
    Diagnostic::warning(
        BASE_MOVED,
        path,
        Position::file(),
        Text::new(
            "ce fichier a aussi changé sur la branche principale depuis le début de cette PR : c’est la version de la PR qui est vérifiée",
            "this file also changed on the main branch since this PR began: the PR's version is the one checked",
        ),
    )
    .with_hint(Text::new(
        "mettez la branche à jour (fusionnez la branche principale) pour vérifier ce qui sera fusionné",
        "update the branch (merge the main branch into it) to check what will be merged",
    ))
}

/// The author of the PR: `--author`, else GITHUB_ACTOR (set by GitHub
/// Actions), as a handle; `Err` says what to do.
pub fn author(given: Option<&str>) -> Result<Handle, Text> {
    let actor = std::env::var("GITHUB_ACTOR").ok();
    let Some(raw) = given.or(actor.as_deref()).filter(|s| !s.is_empty()) else {
        return Err(Text::new(
            "auteur·rice de la PR inconnu·e : passez --author <pseudo> (GITHUB_ACTOR en CI)",
            "unknown PR author: pass --author <handle> (GITHUB_ACTOR in CI)",
        ));
    };
    Handle::parse(raw).ok_or_else(|| {
        Text::new(
            format!("`{raw}` n’est pas un pseudo GitHub valable"),
            format!("`{raw}` is not a valid GitHub handle"),
        )
    })
}

/// Lines for the human output after the record summaries.
pub fn notes(pr: &PrReport, lang: Lang) -> Vec<String> {
    let mut out = vec![pr.headline().get(lang).to_string()];
    let vds = verdict_diagnostics(&pr.verdicts, &|_| None);
    out.extend(vds.iter().map(|d| d.message.get(lang).to_string()));
    if let Some(c) = &pr.calendar {
        out.extend(
            calendar::notes(&c.changes, c.compared)
                .iter()
                .map(|t| t.get(lang).to_string()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(path: &str, mode: Mode, size: u64) -> Side {
        Side {
            path: PathBuf::from(path),
            mode,
            size,
        }
    }
    fn added(path: &str, mode: Mode, size: u64) -> Change {
        Change {
            kind: ChangeKind::Added,
            old: None,
            new: Some(side(path, mode, size)),
        }
    }
    fn rules(ds: &Diagnostics) -> Vec<(&str, String)> {
        ds.iter()
            .map(|d| (d.rule.as_str(), slash(&d.file)))
            .collect()
    }

    #[test]
    fn classify_names_areas() {
        assert_eq!(
            classify(Path::new("data/portfolios/alice/portfolio.yml")),
            Area::Record("alice".into())
        );
        assert_eq!(classify(Path::new("data/portfolios/x.yml")), Area::Other);
        assert_eq!(
            classify(Path::new("data/programmes/ceci.yml")),
            Area::Programmes
        );
        assert_eq!(
            classify(Path::new(".github/workflows/pr.yml")),
            Area::GitHub
        );
        assert_eq!(classify(Path::new("Cargo.toml")), Area::Code);
        assert_eq!(classify(Path::new("README.md")), Area::Other);
    }

    #[test]
    fn a_student_changes_only_their_folder_with_plain_files() {
        let alice = Handle::parse("Alice").unwrap();
        let changes = vec![
            added("data/portfolios/alice/a.md", Mode::File, 10),
            added(
                "data/portfolios/alice/big.pdf",
                Mode::File,
                MAX_FILE_BYTES + 1,
            ),
            added("data/portfolios/alice/run.sh", Mode::Executable, 10),
            added("data/portfolios/alice/sub", Mode::Submodule, 0),
            added("data/portfolios/bob/a.md", Mode::File, 10),
            Change {
                kind: ChangeKind::Renamed,
                old: Some(side("data/portfolios/bob/x.md", Mode::File, 1)),
                new: Some(side("data/portfolios/alice/x.md", Mode::File, 1)),
            },
            Change {
                kind: ChangeKind::Deleted,
                old: Some(side("content/faq.fr.md", Mode::File, 1)),
                new: None,
            },
        ];
        let ds = guard(&alice, &changes);
        assert_eq!(
            rules(&ds),
            vec![
                ("scope.outside-folder", "content/faq.fr.md".into()),
                ("scope.too-big", "data/portfolios/alice/big.pdf".into()),
                ("scope.executable", "data/portfolios/alice/run.sh".into()),
                ("scope.submodule", "data/portfolios/alice/sub".into()),
                ("scope.other-record", "data/portfolios/bob/a.md".into()),
                ("scope.other-record", "data/portfolios/bob/x.md".into()),
            ]
        );
    }

    #[test]
    fn a_students_pr_is_limited_in_files_and_bytes_as_a_whole() {
        let alice = Handle::parse("alice").unwrap();
        // Twelve files just under the per-file limit: each passes alone.
        let big: Vec<Change> = (0..12)
            .map(|i| {
                added(
                    &format!("data/portfolios/alice/scan-{i:02}.pdf"),
                    Mode::File,
                    MAX_FILE_BYTES - 1,
                )
            })
            .collect();
        assert_eq!(
            rules(&guard(&alice, &big)),
            vec![("scope.too-big", "data/portfolios/alice/scan-05.pdf".into())]
        );
        let many: Vec<Change> = (0..20_000)
            .map(|i| added(&format!("data/portfolios/alice/f{i:05}.md"), Mode::File, 10))
            .collect();
        assert_eq!(
            rules(&guard(&alice, &many)),
            vec![(
                "scope.too-many-files",
                "data/portfolios/alice/f00200.md".into()
            )]
        );
        // A normal record passes.
        assert!(guard(&alice, &many[..30]).is_empty());
    }

    #[test]
    fn staff_handles_are_case_insensitive_and_validated() {
        let (s, ds) = Staff::parse(
            "staff:\n  - { handle: Prof-X, name: X }\n  - { handle: 'no good', name: Y }\n",
            Path::new(STAFF_FILE),
        );
        assert!(s.contains(&Handle::parse("prof-x").unwrap()));
        assert_eq!(ds.len(), 1);
        assert_eq!(ds.iter().next().unwrap().rule, STAFF_INVALID);
        assert_eq!(ds.iter().next().unwrap().line(), 3);
    }

    #[test]
    fn the_repository_staff_list_reads_well() {
        let (s, ds) = Staff::parse(include_str!("../../data/staff.yml"), Path::new(STAFF_FILE));
        assert!(ds.is_empty(), "{ds:?}");
        assert!(s.contains(&Handle::parse("ulb-engagee").unwrap()));
    }

    #[test]
    fn rule_line_finds_the_rule_id() {
        let text = "rules:\n  - id: ceci.intake\n    x: 1\n  - id: ceci.internship-hours\n";
        let at = rule_line(text, &RuleId::new("ceci.internship-hours"));
        assert_eq!((at.line, at.column), (4, 5));
    }
}

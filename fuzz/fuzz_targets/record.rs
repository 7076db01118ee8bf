//! A student's portfolio.yml, read into a record and checked against its
//! programme as `engage check` does: the repository's programmes and the
//! example calendar, on a fixed day.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use engage::calendar::Calendar;
use engage::core::source::{Disk, Files};
use engage::records::evaluate::check_record;
use engage::records::portfolio;
use engage::records::programme::Programmes;
use jiff::civil::{date, Date};
use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

/// The record's folder; its name differs from the seeds' handles, which only
/// adds a `record.handle-mismatch` error: the record is still checked.
const DIR: &str = "data/portfolios/fuzz";
/// A day inside the example records' internships and the example calendar.
const TODAY: Date = date(2026, 11, 23);

/// Every programme of the repository: the example site's, and those of the
/// smaller sites under examples/, whose rules use the other check kinds.
const PROGRAMMES: [(&str, &str); 4] = [
    (
        "data/programmes/ceci.yml",
        include_str!("../../data/programmes/ceci.yml"),
    ),
    (
        "data/programmes/escom.yml",
        include_str!("../../examples/escom/data/programmes/escom.yml"),
    ),
    (
        "data/programmes/cire.yml",
        include_str!("../../examples/cire/data/programmes/cire.yml"),
    ),
    (
        "data/programmes/micro-credential.yml",
        include_str!("../../examples/micro-credential/data/programmes/micro-credential.yml"),
    ),
];

const CALENDAR: [(&str, &str); 2] = [
    (
        "data/calendar/2025-2026.yml",
        include_str!("../../data/calendar/2025-2026.yml"),
    ),
    (
        "data/calendar/2026-2027.yml",
        include_str!("../../data/calendar/2026-2027.yml"),
    ),
];

/// What every run shares, loaded once: files the record names are looked up
/// in an empty folder (they are all missing), never in the repository.
struct World {
    _empty: tempfile::TempDir,
    files: Files,
    programmes: Programmes,
    calendar: Calendar,
}

static WORLD: LazyLock<World> = LazyLock::new(|| {
    let empty = tempfile::tempdir().expect("a temporary folder");
    let files = Files::new(Disk::new(empty.path()));
    let texts = |all: &[(&str, &str)]| {
        all.iter()
            .map(|(p, t)| (PathBuf::from(p), Ok(Arc::<str>::from(*t))))
            .collect::<Vec<_>>()
    };
    let (programmes, ds) = Programmes::parse(texts(&PROGRAMMES));
    assert!(!ds.has_errors(), "the repository's programmes load: {ds:?}");
    let (calendar, ds) = Calendar::parse(texts(&CALENDAR), &programmes.known_ids());
    assert!(!ds.has_errors(), "the example calendar loads: {ds:?}");
    World {
        _empty: empty,
        files,
        programmes,
        calendar,
    }
});

fuzz_target!(|data: &[u8]| {
    let Some(text) = common::text(data) else {
        return;
    };
    let world = &*WORLD;
    let dir = Path::new(DIR);
    let (record, ds) = portfolio::parse(text, &world.files, dir, &world.programmes);
    let file = dir.join(portfolio::RECORD_FILE);
    common::show(&file, text, &ds);
    let Some(record) = record else {
        return;
    };
    if let Some(programme) = world.programmes.get(&record.programme) {
        let outcome = check_record(&record, programme, &world.calendar, TODAY);
        common::show(&file, text, &outcome.diagnostics);
    }
});

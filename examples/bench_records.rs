//! Generates synthetic CECi portfolio records for benchmarks:
//! `cargo run --release --example bench_records -- DIR [RECORDS] [ENTRIES]`
//! (default 1,000 records of 100 logged entries each, every record submitted
//! and complete, at most 30 per intake), then time
//! `target/release/engage --root DIR check --today 2026-11-23`.
//!
//! The records are deterministic, so figures are comparable across runs and
//! machines; the check is expected to find no error.
use std::path::PathBuf;

#[path = "support/records.rs"]
mod records;
use records::{calendar, record, CECI};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "target/bench-records".into()));
    let records: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1_000);
    let entries: u32 = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100)
        .clamp(1, 600);
    let _ = std::fs::remove_dir_all(&dir);
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write("data/programmes/ceci.yml", CECI);
    write("data/calendar/workshops.yml", &calendar(records));
    // Enough hours per entry for 150 h in total, in quarter hours.
    let quarters = (150u32 * 4).div_ceil(entries).max(1);
    let hours = f64::from(quarters) / 4.0;
    for i in 0..records {
        for (path, text) in record(i, entries, hours) {
            write(&path, &text);
        }
    }
    eprintln!(
        "{records} records of {entries} entries ({hours} h each) in {}",
        dir.display()
    );
}

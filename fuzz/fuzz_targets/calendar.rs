//! A calendar file of data/calendar/: events read, checked and ordered.

#![no_main]

use std::path::{Path, PathBuf};

use engage::calendar::Calendar;
use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

const FILE: &str = "data/calendar/fuzz.yml";

fuzz_target!(|data: &[u8]| {
    let Some(text) = common::text(data) else {
        return;
    };
    // The programme ids of the example site, so that events naming one get
    // past that check.
    let ids = ["ceci".to_string()];
    let (_calendar, ds) = Calendar::parse(vec![(PathBuf::from(FILE), Ok(text.into()))], &ids);
    common::show(Path::new(FILE), text, &ds);
});

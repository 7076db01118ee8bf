//! A programme file of data/programmes/: facts and rules.

#![no_main]

use std::path::Path;

use engage::records::programme::Programme;
use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

const FILE: &str = "data/programmes/ceci.yml";

fuzz_target!(|data: &[u8]| {
    let Some(text) = common::text(data) else {
        return;
    };
    let (_programme, ds) = Programme::parse(text, Path::new(FILE));
    common::show(Path::new(FILE), text, &ds);
});

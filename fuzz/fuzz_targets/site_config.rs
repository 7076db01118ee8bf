//! data/site.yml: the site's configuration.

#![no_main]

use std::path::Path;

use engage::site::config::Config;
use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(text) = common::text(data) else {
        return;
    };
    if let Err(ds) = Config::parse(text) {
        common::show(Path::new("data/site.yml"), text, &ds);
    }
});

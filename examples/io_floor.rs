//! The floor under a full build on this machine: the reading and writing
//! alone, with no parsing and no rendering.
//!
//! `cargo run --release --example io_floor -- SITE MODEL DEST`
//!
//! SITE is a site (its `content/` is read), MODEL the output of an earlier
//! build of it, DEST a folder that must not exist yet. MODEL is read into
//! memory first, untimed; then, timed, every file of `SITE/content` is read
//! once, and MODEL's tree is written into DEST: each folder created once,
//! parents first, each file created and written in one call, in parallel
//! on every core. That is the least a build of the site asks of the
//! kernel, so time the whole process (`/usr/bin/time -v`) to get
//! the system time no build of that site can go under, and compare it with
//! a build's own (benches/HISTORY.md).

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [site, model, dest] = args.as_slice() else {
        return Err("usage: io_floor SITE MODEL DEST".into());
    };
    let dest = PathBuf::from(dest);
    if dest.exists() {
        return Err(format!("{} exists: give a new folder", dest.display()).into());
    }
    let files = files_under(Path::new(model))?
        .into_par_iter()
        .map(|rel| {
            let bytes = std::fs::read(Path::new(model).join(&rel))?;
            Ok((rel, bytes))
        })
        .collect::<std::io::Result<Vec<(String, Vec<u8>)>>>()?;

    let (start, cpu_before) = (Instant::now(), cpu_seconds());
    let inputs = files_under(&Path::new(site).join("content"))?;
    let read: usize = inputs
        .par_iter()
        .map(|rel| std::fs::read(Path::new(site).join("content").join(rel)).map(|b| b.len()))
        .sum::<std::io::Result<usize>>()?;
    let reading = start.elapsed();

    std::fs::create_dir(&dest)?;
    let levels = folders(&files);
    for level in levels.values() {
        level
            .par_iter()
            .try_for_each(|d| std::fs::create_dir(dest.join(d)))?;
    }
    files
        .par_iter()
        .try_for_each(|(rel, bytes)| std::fs::write(dest.join(rel), bytes))?;
    let total = start.elapsed();
    let cpu = cpu_seconds()
        .zip(cpu_before)
        .map(|((u, s), (u0, s0))| (u - u0, s - s0));

    let written: usize = files.iter().map(|(_, b)| b.len()).sum();
    println!(
        "read {} inputs ({:.1} MB) in {:.3} s; wrote {} folders and {} files ({:.1} MB) in {:.3} s; {:.3} s in all",
        inputs.len(),
        read as f64 / 1e6,
        reading.as_secs_f64(),
        levels.values().map(Vec::len).sum::<usize>(),
        files.len(),
        written as f64 / 1e6,
        (total - reading).as_secs_f64(),
        total.as_secs_f64(),
    );
    if let Some((user, system)) = cpu {
        println!("CPU of that part: {user:.2} s user, {system:.2} s system");
    }
    Ok(())
}

/// The user and system CPU seconds of this process so far, from Linux's
/// /proc/self/stat (in clock ticks, 100 a second on Linux); `None`
/// elsewhere. The part that reads MODEL into memory is left out this way.
fn cpu_seconds() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold
    // spaces: state is the first, utime the 12th, stime the 13th.
    let rest = stat.rsplit_once(')')?.1;
    let mut fields = rest.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user / 100.0, system / 100.0))
}

/// The files under `root`, as paths relative to it with `/` between parts.
fn files_under(root: &Path) -> Result<Vec<String>, Box<dyn Error>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root)?;
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(out)
}

/// Every folder the files need, by depth: a level is created only once the
/// one above it is there.
fn folders(files: &[(String, Vec<u8>)]) -> BTreeMap<usize, Vec<String>> {
    let mut all = std::collections::BTreeSet::new();
    for (rel, _) in files {
        let mut p = rel.as_str();
        while let Some((parent, _)) = p.rsplit_once('/') {
            if !all.insert(parent.to_string()) {
                break;
            }
            p = parent;
        }
    }
    let mut levels: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for d in all {
        levels.entry(d.matches('/').count()).or_default().push(d);
    }
    levels
}

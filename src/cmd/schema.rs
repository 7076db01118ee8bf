//! `engage schema [--output DIR]`: JSON Schemas of programme files and of
//! each programme's records, for editors (yaml-language-server reads the
//! `$schema` line the record templates carry).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::cmd::{Ended, Stopped};
use crate::core::diagnostic::{emit_human, Text};
use crate::core::lang::Lang;
use crate::core::source::{Disk, Files};
use crate::site::BuildOptions;
use crate::workspace::{Parts, Workspace};

/// Where the schemas go by default, relative to the root.
pub use crate::core::layout::SCHEMAS_DIR as DEFAULT_DIR;
/// The schema of data/programmes/<id>.yml.
pub const PROGRAMME_SCHEMA: &str = "programme.schema.json";

/// Arguments of `engage schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Write the schemas here instead of data/schemas/ under the root.
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

/// Writes the programme schema and one record schema per programme that
/// loads; 0 written, 1 a programme file has errors (its schema is not
/// written), 2 on a write failure.
pub fn run(root: &Path, lang: Lang, args: &SchemaArgs) -> Ended {
    let dir = args
        .output
        .clone()
        .unwrap_or_else(|| root.join(DEFAULT_DIR));
    let ws = Workspace::load(
        Files::new(Disk::new(root)),
        Parts::DATA,
        &BuildOptions::default(),
    );
    let mut files = vec![(
        PROGRAMME_SCHEMA.to_string(),
        serde_json::to_value(crate::records::programme::programme_schema()).unwrap_or_default(),
    )];
    for p in ws.programmes.iter() {
        files.push((
            crate::records::schema::file_name(&p.id),
            crate::records::schema::record_schema(p),
        ));
    }
    let fail = |t: Text| {
        eprintln!("{}", t.get(lang));
        Err(Stopped::Usage)
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return fail(Text::new(
            format!("impossible de créer {} : {e}", dir.display()),
            format!("cannot create {}: {e}", dir.display()),
        ));
    }
    // A programme removed (or renamed) leaves no schema behind for records
    // to point at; a broken one keeps its last good schema.
    let keep: BTreeSet<String> = files
        .iter()
        .map(|(n, _)| n.clone())
        .chain(
            ws.programmes
                .known_ids()
                .iter()
                .map(|id| crate::records::schema::file_name(id)),
        )
        .collect();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let generated = name.starts_with("portfolio") && name.ends_with(".schema.json");
        if generated && !keep.contains(&name) {
            if let Err(e) = std::fs::remove_file(entry.path()) {
                return fail(Text::new(
                    format!("impossible de retirer {} : {e}", entry.path().display()),
                    format!("cannot remove {}: {e}", entry.path().display()),
                ));
            }
        }
    }
    for (name, schema) in files {
        let path = dir.join(name);
        let written = serde_json::to_string_pretty(&schema)
            .map_err(std::io::Error::other)
            .and_then(|json| std::fs::write(&path, json + "\n"));
        if let Err(e) = written {
            return fail(Text::new(
                format!("impossible d’écrire {} : {e}", path.display()),
                format!("cannot write {}: {e}", path.display()),
            ));
        }
        println!("{}", path.display());
    }
    // What stopped a programme's schema; the calendar, loaded alongside,
    // is not this command's business.
    let ds: crate::core::diagnostic::Diagnostics = ws
        .problems
        .data
        .iter()
        .filter(|d| d.file.starts_with(crate::records::programme::DIR))
        .cloned()
        .collect();
    if !ds.is_empty() && emit_human(&mut super::stderr(), &ws.files, &ds, lang).is_err() {
        return Err(Stopped::Usage);
    }
    Ok(ds)
}

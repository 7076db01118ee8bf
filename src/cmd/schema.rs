//! `engage schema [--output DIR]`: JSON Schemas of programme and record
//! files, for editors (yaml-language-server reads the `$schema` line the
//! record templates carry).

use std::path::{Path, PathBuf};

use crate::cmd::{Ended, Stopped};
use crate::core::diagnostic::Diagnostics;
use crate::core::diagnostic::Text;
use crate::core::lang::Lang;

/// Where the schemas go by default, relative to the root.
pub use crate::core::layout::SCHEMAS_DIR as DEFAULT_DIR;
/// The schema of data/portfolios/<handle>/portfolio.yml.
pub const RECORD_SCHEMA: &str = "portfolio.schema.json";
/// The schema of data/programmes/<id>.yml.
pub const PROGRAMME_SCHEMA: &str = "programme.schema.json";

/// Arguments of `engage schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Write the schemas here instead of data/schemas/ under the root.
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

/// Writes both schemas; 0 written, 2 on a write failure.
pub fn run(root: &Path, lang: Lang, args: &SchemaArgs) -> Ended {
    let dir = args
        .output
        .clone()
        .unwrap_or_else(|| root.join(DEFAULT_DIR));
    let files = [
        (RECORD_SCHEMA, crate::records::portfolio::record_schema()),
        (
            PROGRAMME_SCHEMA,
            crate::records::programme::programme_schema(),
        ),
    ];
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!(
            "{}",
            Text::new(
                format!("impossible de créer {} : {e}", dir.display()),
                format!("cannot create {}: {e}", dir.display()),
            )
            .get(lang)
        );
        return Err(Stopped::Usage);
    }
    for (name, schema) in files {
        let path = dir.join(name);
        let written = serde_json::to_string_pretty(&schema)
            .map_err(std::io::Error::other)
            .and_then(|json| std::fs::write(&path, json + "\n"));
        if let Err(e) = written {
            eprintln!(
                "{}",
                Text::new(
                    format!("impossible d’écrire {} : {e}", path.display()),
                    format!("cannot write {}: {e}", path.display()),
                )
                .get(lang)
            );
            return Err(Stopped::Usage);
        }
        println!("{}", path.display());
    }
    Ok(Diagnostics::new())
}

//! `engage translations`: every page and FAQ question with its status per
//! language (translated, missing, outdated), from git history.

use std::io::Write;
use std::path::Path;

use crate::cmd::{Ended, Stopped};
use crate::core::diagnostic::emit_human;
use crate::core::lang::Lang;
use crate::core::source::{Disk, Files};
use crate::site::freshness::{self, Freshness, LangStatus, State};
use crate::site::BuildOptions;
use crate::workspace::{Parts, Workspace};

/// Arguments of `engage translations`.
#[derive(Debug, clap::Args)]
pub struct TranslationsArgs {
    /// One JSON document on stdout instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Prints the statuses, then the outdated warnings; exit 0 unless the site
/// cannot be loaded (warnings never fail: translating takes time).
pub fn run(root: &Path, lang: Lang, args: &TranslationsArgs) -> Ended {
    // Drafts too: a translation in progress is the one most likely late.
    let options = BuildOptions {
        drafts: true,
        ..BuildOptions::default()
    };
    let ws = Workspace::load(Files::new(Disk::new(root)), Parts::CONTENT, &options);
    let Some((config, library)) = &ws.content else {
        let _ = emit_human(&mut super::stderr(), &ws.files, &ws.problems.site, lang);
        return Err(Stopped::Usage);
    };
    let history = ws.files.history().unwrap_or(root);
    let report = freshness::check(history, library, &config.languages);
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &report.pages)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        write_table(&mut out, &report, lang)
            .and_then(|()| emit_human(&mut super::stderr(), &ws.files, &report.diagnostics, lang))
    };
    match written {
        // Freshness only warns: translating takes time.
        Ok(()) => Ok(report.diagnostics),
        Err(_) => Err(Stopped::Usage),
    }
}

fn cell(s: &LangStatus, lang: Lang) -> String {
    let word = match (s.state, lang) {
        (State::Translated, Lang::Fr) => "traduit",
        (State::Translated, Lang::En) => "translated",
        (State::Missing, Lang::Fr) => "manquant",
        (State::Missing, Lang::En) => "missing",
        (State::Outdated, Lang::Fr) => "dépassé",
        (State::Outdated, Lang::En) => "outdated",
    };
    match s.changed {
        Some(t) => format!(
            "{}: {word} ({})",
            s.lang.code(),
            t.to_zoned(jiff::tz::TimeZone::UTC).date()
        ),
        None => format!("{}: {word}", s.lang.code()),
    }
}

/// One line per page and per FAQ question (`faq#insurance`), aligned.
pub fn write_table(out: &mut dyn Write, report: &Freshness, lang: Lang) -> std::io::Result<()> {
    let mut rows: Vec<(String, &[LangStatus])> = Vec::new();
    for p in &report.pages {
        rows.push((p.key.clone(), &p.langs));
        for q in &p.questions {
            rows.push((format!("{}#{}", p.key, q.id), &q.langs));
        }
    }
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (key, langs) in rows {
        let cells: Vec<String> = langs.iter().map(|s| cell(s, lang)).collect();
        writeln!(out, "{key:width$}  {}", cells.join("  "))?;
    }
    if !report.history {
        writeln!(
            out,
            "{}",
            match lang {
                Lang::Fr =>
                    "(pas d’historique git : seules les traductions manquantes sont connues)",
                Lang::En => "(no git history: only missing translations are known)",
            }
        )?;
    }
    Ok(())
}

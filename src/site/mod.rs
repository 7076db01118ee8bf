//! The site: configuration, theme and content loaded once into one model,
//! validated into diagnostics, then rendered and written. `build`, and later
//! `serve`, `check` and `report`, all start from [`Site::load`].

pub mod config;
pub mod content;
pub mod faq;
pub mod freshness;
pub mod link;
pub mod markdown;
pub mod output;
pub mod page;
pub mod render;
pub mod search;
pub mod slug;
pub mod theme;
pub mod typography;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use jiff::civil::Date;

use crate::calendar::Calendar;
use crate::core::diagnostic::{Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::core::lang::Lang;
use crate::records::programme::Programmes;
use crate::site::config::Config;
use crate::site::content::{Library, PageId, URL_CONFLICT};
use crate::site::output::Staging;
use crate::site::theme::Theme;

pub const IMAGE_ALT: RuleId = RuleId::new("content.image-alt");
pub const ANCHOR_DUPLICATE: RuleId = RuleId::new("content.anchor-duplicate");
pub const WRITE: RuleId = RuleId::new("build.write");
pub const PROGRAMME_UNKNOWN: RuleId = RuleId::new("content.programme-unknown");

/// What `engage build` was asked for.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// Replaces `base_url` of data/site.yml (previews).
    pub base_url: Option<String>,
    /// Output folder; `public` under the root by default.
    pub output: Option<PathBuf>,
    /// The day the calendar is shown from (`--today`); the build date in
    /// Europe/Brussels when not given.
    pub today: Option<Date>,
}

/// The loaded site.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub theme: Theme,
    pub library: Library,
    /// Section or home page → (pages, subsections), computed once.
    pub children: HashMap<PageId, (Vec<PageId>, Vec<PageId>)>,
    /// Outline of every FAQ page, computed once.
    pub faqs: HashMap<PageId, faq::Outline>,
    pub calendar: Calendar,
    /// The page with `template: calendar` in each language.
    pub calendar_pages: Vec<(Lang, PageId)>,
    /// The programmes of data/programmes/, their facts and rules.
    pub programmes: Programmes,
    pub today: Date,
}

/// The outcome of a build.
#[derive(Debug)]
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    /// Files written, when the build succeeded.
    pub written: Option<usize>,
    pub pages: usize,
    pub elapsed: Duration,
    pub output: PathBuf,
}

impl Site {
    /// Loads configuration, theme and content. Returns the site when all
    /// three could be read, and every problem found on the way.
    pub fn load(root: &Path, options: &BuildOptions) -> (Option<Site>, Diagnostics) {
        let mut ds = Diagnostics::new();
        let mut config = match Config::load(root) {
            Ok(c) => c,
            Err(e) => return (None, e),
        };
        if let Some(url) = &options.base_url {
            if let Err(msg) = config.set_base_url(url) {
                ds.push(Diagnostic::error(
                    crate::site::config::BASE_URL,
                    "--base-url",
                    Position::new(0, 0),
                    msg,
                ));
            }
        }
        let (programmes, prog_ds) = Programmes::load(root);
        ds.extend(prog_ds);
        let ids = programmes.known_ids();
        let ((theme, library), (calendar, cal_ds)) = rayon::join(
            || {
                rayon::join(
                    || Theme::load(root, &config.theme, &config.languages),
                    || Library::load(root, &config.languages, options.drafts),
                )
            },
            || Calendar::load(root, &ids),
        );
        let (library, lib_ds) = library;
        ds.extend(lib_ds);
        ds.extend(cal_ds);
        let today = options.today.unwrap_or_else(|| {
            jiff::Zoned::now()
                .with_time_zone(
                    jiff::tz::TimeZone::get(crate::calendar::DEFAULT_TZ)
                        .unwrap_or(jiff::tz::TimeZone::UTC),
                )
                .date()
        });
        let theme = match theme {
            Ok(t) => t,
            Err(e) => {
                ds.extend(e);
                return (None, ds);
            }
        };
        let children = (0..library.pages.len())
            .filter(|&id| library.pages[id].kind != crate::site::page::PageKind::Page)
            .map(|id| (id, library.children(id)))
            .collect();
        let faqs = (0..library.pages.len())
            .filter(|&id| faq::is_faq(&library.pages[id]))
            .map(|id| (id, faq::outline(&library.pages[id])))
            .collect();
        let calendar_pages = library
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.template_name() == "calendar")
            .map(|(id, p)| (p.lang, id))
            .collect();
        let site = Site {
            root: root.to_path_buf(),
            config,
            theme,
            library,
            children,
            faqs,
            calendar_pages,
            calendar,
            programmes,
            today,
        };
        (Some(site), ds)
    }

    /// Everything that can be wrong across files: links and anchors,
    /// templates, aliases, images, the menu.
    pub fn validate(&self) -> Diagnostics {
        let lib = &self.library;
        let per_page: Vec<Diagnostic> = lib
            .pages
            .par_iter()
            .enumerate()
            .flat_map_iter(|(id, p)| {
                let mut out = Vec::new();
                for l in &p.scan.links {
                    out.extend(link::check(lib, &l.dest, p.lang, Some(id), &p.file, l.position));
                }
                for pos in &p.scan.images_without_alt {
                    out.push(
                        Diagnostic::warning(
                            IMAGE_ALT,
                            &p.file,
                            *pos,
                            Text::new("cette image n’a pas de texte alternatif", "this image has no alternative text"),
                        )
                        .with_hint(Text::new(
                            "décrivez l’image entre les crochets : ![Des étudiantes en atelier](photo.jpg)",
                            "describe the image between the brackets: ![Students in a workshop](photo.jpg)",
                        )),
                    );
                }
                for (anchor, pos) in &p.scan.duplicate_ids {
                    out.push(
                        Diagnostic::error(
                            ANCHOR_DUPLICATE,
                            &p.file,
                            *pos,
                            Text::new(format!("l’ancre `#{anchor}` est déjà utilisée dans cette page"), format!("the anchor `#{anchor}` is already used in this page")),
                        )
                        .with_hint(Text::new("donnez à ce titre un autre identifiant {#…}", "give this heading another {#…} id")),
                    );
                }
                if let Some(prog) = &p.programme {
                    if self.programmes.get(&prog.value).is_none() && !self.programmes.is_broken(&prog.value) {
                        let known: Vec<&str> = self.programmes.ids().collect();
                        let hint = match crate::core::diagnostic::did_you_mean(&prog.value, known.iter().copied()) {
                            Some(k) => Text::new(format!("vouliez-vous dire `{k}` ?"), format!("did you mean `{k}`?")),
                            None => Text::new(
                                format!("programmes connus : {} (fichiers de data/programmes/)", known.join(", ")),
                                format!("known programmes: {} (files of data/programmes/)", known.join(", ")),
                            ),
                        };
                        out.push(
                            Diagnostic::error(
                                PROGRAMME_UNKNOWN,
                                &p.file,
                                prog.at,
                                Text::new(format!("programme inconnu `{}`", prog.value), format!("unknown programme `{}`", prog.value)),
                            )
                            .with_hint(hint),
                        );
                    }
                }
                if let Some(t) = &p.template {
                    if !self.theme.has_template(&t.value) {
                        out.push(self.theme.missing_template(&p.file, &t.value, t.at));
                    }
                }
                out
            })
            .collect();
        let mut ds = Diagnostics::from_iter(per_page);
        for (id, outline) in &self.faqs {
            ds.extend(faq::check(&lib.pages[*id], outline));
        }
        ds.extend(faq::check_translations(lib, &self.faqs));
        // Aliases must not hide a page nor another alias.
        let mut claimed: HashMap<String, &Path> = lib
            .urls
            .iter()
            .zip(&lib.pages)
            .map(|(u, p)| (u.clone(), p.file.as_path()))
            .collect();
        for p in &lib.pages {
            for a in &p.aliases {
                let key = if a.value.ends_with(".html") {
                    a.value.clone()
                } else {
                    format!("{}/", a.value.trim_end_matches('/'))
                };
                if let Some(other) = claimed.get(&key) {
                    ds.push(
                        Diagnostic::error(
                            URL_CONFLICT,
                            &p.file,
                            a.at,
                            Text::new(
                                format!(
                                    "l’ancienne adresse {} est déjà celle de {}",
                                    a.value,
                                    other.display()
                                ),
                                format!(
                                    "the old address {} already belongs to {}",
                                    a.value,
                                    other.display()
                                ),
                            ),
                        )
                        .with_hint(Text::new(
                            "retirez cet alias ou changez-le",
                            "remove or change this alias",
                        )),
                    );
                } else {
                    claimed.insert(key, &p.file);
                }
            }
        }
        for lang in self.config.languages.iter().copied() {
            for item in self.config.menu.get(lang).into_iter().flatten() {
                if item.link.starts_with("@/") {
                    ds.extend(link::check(
                        lib,
                        &item.link,
                        lang,
                        None,
                        Path::new(crate::site::config::CONFIG_FILE),
                        item.position,
                    ));
                }
            }
        }
        ds
    }
}

/// Loads the site under `root` and finds everything wrong with it short of
/// rendering: loading problems, cross-file validation ([`Site::validate`])
/// and translation freshness from git history. The one place both
/// `engage build` (which then renders the site) and `engage check` (which
/// only reports) get the site's diagnostics from. The site is `None` when
/// it could not be loaded (configuration or theme unreadable).
pub fn load_and_check(root: &Path, options: &BuildOptions) -> (Option<Site>, Diagnostics) {
    let (site, mut ds) = Site::load(root, options);
    if let Some(site) = &site {
        ds.extend(site.validate());
        // Translations older than their counterpart, from git history: the
        // one part of the check that reads more than the files themselves.
        ds.extend(
            crate::site::freshness::check(&site.root, &site.library, &site.config.languages)
                .diagnostics,
        );
    }
    (site, ds)
}

/// Builds the site under `root`: load, validate, render everything in
/// parallel into a staging folder, then swap it in. On any error the previous
/// output is left untouched.
pub fn build(root: &Path, options: &BuildOptions) -> BuildReport {
    let start = Instant::now();
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| root.join("public"));
    let mut report = BuildReport {
        diagnostics: Diagnostics::new(),
        written: None,
        pages: 0,
        elapsed: Duration::ZERO,
        output: output.clone(),
    };
    let (site, mut ds) = load_and_check(root, options);
    let Some(site) = site else {
        ds.sort();
        report.diagnostics = ds;
        report.elapsed = start.elapsed();
        return report;
    };
    report.pages = site.library.pages.len();
    if !ds.has_errors() {
        match write(&site, &output) {
            Ok(n) => report.written = Some(n),
            Err(errors) => ds.extend(errors),
        }
    }
    ds.sort();
    report.diagnostics = ds;
    report.elapsed = start.elapsed();
    report
}

fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(
        WRITE,
        path,
        Position::new(0, 0),
        Text::new(
            format!("écriture impossible : {e}"),
            format!("cannot write: {e}"),
        ),
    )
    .with_hint(Text::new(
        "vérifiez l’espace disque et les droits sur le dossier de sortie",
        "check the disk space and the permissions of the output folder",
    ))
}

/// Renders and writes every output; returns the number of files written.
fn write(site: &Site, output: &Path) -> Result<usize, Vec<Diagnostic>> {
    let staging = Staging::new(output).map_err(|e| vec![io_error(output, e)])?;
    let outputs = site.outputs();
    let errors: Vec<Diagnostic> = outputs
        .par_iter()
        .filter_map(|o| match site.render(o) {
            Ok((path, bytes)) => staging
                .write(&path, &bytes)
                .err()
                .map(|e| io_error(&output.join(&path), e)),
            Err(d) => Some(d),
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let copied = copy_static(&site.theme.static_dirs, &staging).map_err(|e| vec![e])?;
    staging.commit().map_err(|e| vec![io_error(output, e)])?;
    Ok(outputs.len() + copied)
}

fn copy_static(dirs: &[PathBuf], staging: &Staging) -> Result<usize, Diagnostic> {
    let mut n = 0;
    for dir in dirs {
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(false)
            .into_iter()
            .flatten()
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let dest = staging.path().join(rel);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io_error(&dest, e))?;
            }
            std::fs::copy(entry.path(), &dest).map_err(|e| io_error(&dest, e))?;
            n += 1;
        }
    }
    Ok(n)
}

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

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;

use jiff::civil::Date;

use crate::calendar::Calendar;
use crate::core::diagnostic::{Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::core::lang::Lang;
use crate::core::source::{Files, Hidden, Kind};
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
    pub calendar: Arc<Calendar>,
    /// The page with `template: calendar` in each language.
    pub calendar_pages: Vec<(Lang, PageId)>,
    /// The programmes of data/programmes/, their facts and rules.
    pub programmes: Arc<Programmes>,
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
    /// Puts the loaded parts together and computes, once, what rendering
    /// asks for repeatedly: section children, FAQ outlines, calendar pages.
    pub fn assemble(
        root: PathBuf,
        config: Config,
        theme: Theme,
        library: Library,
        calendar: Arc<Calendar>,
        programmes: Arc<Programmes>,
        today: Date,
    ) -> Site {
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
        Site {
            root,
            config,
            theme,
            library,
            children,
            faqs,
            calendar_pages,
            calendar,
            programmes,
            today,
        }
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
                for u in &p.scan.unsafe_urls {
                    out.extend(crate::core::url::check(&u.dest, &p.file, u.position));
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

/// Renders every output and writes it with the static files read from
/// `files` into `output`, atomically; returns the number of files written.
/// Refuses (`build.output-refused`) any output that is not absent, empty or
/// written by an earlier build, before anything is written.
pub fn write(site: &Site, files: &Files, output: &Path) -> Result<usize, Vec<Diagnostic>> {
    let target = output::check_target(&site.root, output).map_err(|d| vec![d])?;
    let staging = Staging::new(&target).map_err(|e| vec![io_error(output, e)])?;
    // Checked again under the lock: another build may have written or
    // replaced the folder since the first check.
    output::check_target(&site.root, output).map_err(|d| vec![d])?;
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
    let copied = copy_static(files, &site.theme.static_dirs, &staging).map_err(|e| vec![e])?;
    staging.commit().map_err(|e| vec![io_error(output, e)])?;
    Ok(outputs.len() + copied)
}

fn copy_static(files: &Files, dirs: &[PathBuf], staging: &Staging) -> Result<usize, Diagnostic> {
    // Later folders win: the site's static files replace the theme's.
    let mut chosen: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for dir in dirs {
        let (found, _) = files.walk(dir, Hidden::Keep);
        for (path, kind) in found {
            if kind != Kind::File {
                continue;
            }
            let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
            chosen.insert(rel, path);
        }
    }
    chosen
        .par_iter()
        .map(|(rel, path)| {
            let bytes = files.bytes(path).map_err(|e| io_error(path, e))?;
            let out = rel.to_string_lossy();
            staging
                .write(&out, &bytes)
                .map_err(|e| io_error(&staging.path().join(rel), e))
        })
        .collect::<Result<Vec<()>, Diagnostic>>()?;
    Ok(chosen.len())
}

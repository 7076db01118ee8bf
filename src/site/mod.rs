//! The site: configuration, theme and content loaded once into one model,
//! validated into diagnostics, then rendered and written. `build`, and later
//! `serve`, `check` and `report`, all start from [`Site::load`].

pub mod bounds;
pub mod config;
pub mod content;
pub mod faq;
pub mod freshness;
pub mod incremental;
pub mod link;
pub mod manifest;
pub mod markdown;
pub mod output;
pub mod page;
pub mod page_cache;
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
use crate::site::content::{Library, PageId};
use crate::site::manifest::Vouch;
use crate::site::output::{Staging, Written};
use crate::site::theme::Theme;

pub const IMAGE_ALT: RuleId = RuleId::new("content.image-alt");
pub const HTML_TOO_DEEP: RuleId = RuleId::new("content.html-too-deep");
pub const ANCHOR_DUPLICATE: RuleId = RuleId::new("content.anchor-duplicate");
pub const HEADING_ATTRIBUTE: RuleId = RuleId::new("content.heading-attribute");
pub const COMMENT_UNCLOSED: RuleId = RuleId::new("content.comment-unclosed");
pub const WRITE: RuleId = RuleId::new("build.write");
pub const PROGRAMME_UNKNOWN: RuleId = RuleId::new("content.programme-unknown");
/// An alias that would overwrite a generated file or another alias.
pub const ALIAS_CONFLICT: RuleId = RuleId::new("content.alias-conflict");
/// A static file that would overwrite a generated file, or stand where a
/// generated file or another static file needs a folder.
pub const STATIC_CONFLICT: RuleId = RuleId::new("content.static-conflict");

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
    /// When each content file last changed in git (one history walk for the
    /// whole site): translation freshness and each page's "last updated".
    /// Empty without git history.
    pub history: freshness::Times,
    /// The languages with dated pages, which get a news feed.
    pub news_langs: Vec<Lang>,
}

/// The outcome of a build.
#[derive(Debug)]
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    /// What is in the output, when the build succeeded.
    pub written: Option<Written>,
    /// The previous output was kept whole: nothing was rendered nor
    /// written, its manifest vouching it is what this build would write.
    pub unchanged: bool,
    /// Over the previous output, after some inputs changed: how many
    /// outputs the change reached and were rendered again (the others were
    /// neither rendered nor written). `None` for a full build.
    pub reached: Option<usize>,
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
        let children = library.all_children();
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
        let news_langs = config
            .languages
            .iter()
            .copied()
            .filter(|&l| {
                library.pages.iter().any(|p| {
                    p.lang == l && p.kind == crate::site::page::PageKind::Page && p.date.is_some()
                })
            })
            .collect();
        Site {
            news_langs,
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
            history: freshness::Times::default(),
        }
    }

    /// Everything that can be wrong across files: links and anchors,
    /// templates, aliases, images, the menu.
    pub fn validate(&self, files: &Files) -> Diagnostics {
        let addresses = self.addresses(files);
        let per_page: Vec<Diagnostic> = (0..self.library.pages.len())
            .into_par_iter()
            .flat_map_iter(|id| self.check_page(id, &addresses))
            .collect();
        let mut ds = Diagnostics::from_iter(per_page);
        ds.extend(self.check_across());
        ds.extend(self.check_aliases());
        ds
    }

    /// What the built site answers at each address, for links written as
    /// addresses: every generated file and every static file. Left empty
    /// when no page writes a link so (most sites, whose links are `@/`):
    /// a list of ten thousand addresses nobody asks for costs time and
    /// memory.
    pub fn addresses(&self, files: &Files) -> link::Addresses {
        if self
            .library
            .pages
            .iter()
            .all(|p| p.scan.local_links.is_empty())
        {
            return link::Addresses::default();
        }
        let outputs = self.outputs();
        let generated = outputs.iter().map(|o| {
            let shows = match o {
                crate::site::render::Output::Page(id) => link::Shows::Page(*id),
                crate::site::render::Output::Alias { to, .. } => link::Shows::Redirect(*to),
                _ => link::Shows::Other,
            };
            (self.path(o), shows)
        });
        let statics = static_files(files, &self.theme.static_dirs)
            .into_keys()
            .map(|rel| (output_path(&rel), link::Shows::Other));
        link::Addresses::new(&self.config.base_path, generated.chain(statics))
    }

    /// What can be wrong in page `id` alone (its links are checked against
    /// the whole site, whose `addresses` are given): what the preview
    /// checks again when only that page changed.
    pub fn check_page(&self, id: PageId, addresses: &link::Addresses) -> Vec<Diagnostic> {
        let lib = &self.library;
        let p = &lib.pages[id];
        let mut out = Vec::new();
        for l in &p.scan.links {
            out.extend(link::check(
                lib,
                &l.dest,
                p.lang,
                Some(id),
                &p.file,
                l.position,
            ));
        }
        for l in &p.scan.local_links {
            out.extend(link::check_local(lib, addresses, &l.dest, id, l.position));
        }
        for u in &p.scan.unsafe_urls {
            out.extend(crate::core::url::check(&u.dest, &p.file, u.position));
        }
        if let Some(at) = p.scan.html_too_deep {
            out.push(
                Diagnostic::error(
                    HTML_TOO_DEEP,
                    &p.file,
                    at,
                    Text::new(
                        format!(
                            "le HTML de cette page s’imbrique sur plus de {} niveaux",
                            crate::site::markdown::MAX_HTML_DEPTH
                        ),
                        format!(
                            "the HTML of this page nests more than {} levels deep",
                            crate::site::markdown::MAX_HTML_DEPTH
                        ),
                    ),
                )
                .with_hint(Text::new(
                    "écrivez la page en Markdown, ou fermez les balises <div> ouvertes",
                    "write the page in Markdown, or close the open <div> tags",
                )),
            );
        }
        if let Some(at) = p.scan.unclosed_comment {
            out.push(
                Diagnostic::warning(
                    COMMENT_UNCLOSED,
                    &p.file,
                    at,
                    Text::new(
                        "ce commentaire `<!--` n’est jamais fermé : toute la suite de la page est cachée aux visiteurs",
                        "this comment `<!--` is never closed: all the rest of the page is hidden from visitors",
                    ),
                )
                .with_hint(Text::new(
                    "fermez-le par `-->` là où le texte caché s’arrête",
                    "close it with `-->` where the hidden text ends",
                )),
            );
        }
        for x in &p.scan.heading_extras {
            let hint = if x.instead.is_empty() {
                Text::new(
                    "retirez-les : un titre ne prend qu’une ancre, d’un seul mot, par exemple `{#contact}`",
                    "remove them: a heading takes only an anchor, one word, for example `{#contact}`",
                )
            } else {
                Text::new(
                    format!("gardez seulement l’ancre, d’un seul mot : `{}`", x.instead),
                    format!("keep only the anchor, as one word: `{}`", x.instead),
                )
            };
            out.push(
                Diagnostic::error(
                    HEADING_ATTRIBUTE,
                    &p.file,
                    x.position,
                    Text::new(
                        format!(
                            "`{}` n’est pas permis après un titre : seule une ancre `{{#…}}` l’est",
                            x.written
                        ),
                        format!(
                            "`{}` is not allowed after a heading: only an anchor `{{#…}}` is",
                            x.written
                        ),
                    ),
                )
                .with_hint(hint),
            );
        }
        for pos in &p.scan.images_without_alt {
            out.push(
                Diagnostic::warning(
                    IMAGE_ALT,
                    &p.file,
                    *pos,
                    Text::new(
                        "cette image n’a pas de texte alternatif",
                        "this image has no alternative text",
                    ),
                )
                .with_hint(Text::new(
                    "décrivez l’image entre les crochets : ![Des étudiantes en atelier](/images/atelier.jpg)",
                    "describe the image between the brackets: ![Students in a workshop](/images/atelier.jpg)",
                )),
            );
        }
        for (anchor, pos) in &p.scan.duplicate_ids {
            out.push(
                Diagnostic::error(
                    ANCHOR_DUPLICATE,
                    &p.file,
                    *pos,
                    Text::new(
                        format!("l’ancre `#{anchor}` est déjà utilisée dans cette page"),
                        format!("the anchor `#{anchor}` is already used in this page"),
                    ),
                )
                .with_hint(Text::new(
                    "donnez à ce titre un autre identifiant {#…}",
                    "give this heading another {#…} id",
                )),
            );
        }
        if let Some(prog) = &p.programme {
            if self.programmes.get(&prog.value).is_none() && !self.programmes.is_broken(&prog.value)
            {
                let known: Vec<&str> = self.programmes.ids().collect();
                let hint =
                    match crate::core::diagnostic::did_you_mean(&prog.value, known.iter().copied())
                    {
                        Some(k) => Text::new(
                            format!("vouliez-vous dire `{k}` ?"),
                            format!("did you mean `{k}`?"),
                        ),
                        None => Text::new(
                            format!(
                                "programmes connus : {} (fichiers de data/programmes/)",
                                known.join(", ")
                            ),
                            format!(
                                "known programmes: {} (files of data/programmes/)",
                                known.join(", ")
                            ),
                        ),
                    };
                out.push(
                    Diagnostic::error(
                        PROGRAMME_UNKNOWN,
                        &p.file,
                        prog.at,
                        Text::new(
                            format!("programme inconnu `{}`", prog.value),
                            format!("unknown programme `{}`", prog.value),
                        ),
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
    }

    /// What can be wrong between pages but aliases: FAQ outlines and their
    /// translations, the menu's links.
    pub fn check_across(&self) -> Diagnostics {
        let lib = &self.library;
        let mut ds = Diagnostics::new();
        for (id, outline) in &self.faqs {
            ds.extend(faq::check(&lib.pages[*id], outline));
        }
        ds.extend(faq::check_translations(lib, &self.faqs));
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

/// Who takes an output path, kept cheap: put into words only when two
/// claims clash, not once for each of the site's ten thousand files.
#[derive(Clone, Copy)]
enum Owner<'a> {
    Output(&'a crate::site::render::Output),
    /// A static file, by its path on disk (or in the output).
    Static(&'a Path),
    /// The alias at `line` of a page.
    Alias(PageId, u32),
}

/// Output paths taken, and who takes them: a path is a file, and every
/// folder above it must stay a folder.
#[derive(Default)]
struct Claims<'a> {
    files: HashMap<String, Owner<'a>>,
    /// Folder → one file written inside it.
    folders: HashMap<String, Owner<'a>>,
}

impl<'a> Claims<'a> {
    fn claim(&mut self, path: String, owner: Owner<'a>) {
        let mut dir = path.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            // A folder already claimed has its own folders claimed too.
            if self.folders.contains_key(parent) {
                break;
            }
            self.folders.insert(parent.to_string(), owner);
            dir = parent;
        }
        self.files.insert(path, owner);
    }

    /// Who already writes `path`, a file inside it, or a file where one of
    /// its folders must be.
    fn clash(&self, path: &str) -> Option<Owner<'a>> {
        let mut dirs = std::iter::successors(path.rsplit_once('/'), |(d, _)| d.rsplit_once('/'))
            .map(|(d, _)| d);
        self.files
            .get(path)
            .or_else(|| self.folders.get(path))
            .or_else(|| dirs.find_map(|d| self.files.get(d)))
            .copied()
    }
}

impl Site {
    /// Aliases must not overwrite any generated file (home, 404, sitemap,
    /// feeds, search index, a page, another alias) nor stand where a
    /// generated file needs a folder or the other way round
    /// (`/sitemap.xml` would be the folder sitemap.xml/). Paths come from
    /// [`Site::path`], the same function the write step uses, so what is
    /// checked is exactly what would be written.
    pub fn check_aliases(&self) -> Diagnostics {
        let outputs = self.outputs();
        let mut claims = self.generated_claims(&outputs);
        // Aliases claim their path too: two aliases cannot share one.
        self.alias_clashes(&mut claims, true).into_iter().collect()
    }

    /// The paths of every generated file but the aliases.
    fn generated_claims<'o>(&self, outputs: &'o [crate::site::render::Output]) -> Claims<'o> {
        use crate::site::render::Output;
        let mut claims = Claims::default();
        for o in outputs {
            if matches!(o, Output::Alias { .. }) {
                continue;
            }
            claims.claim(self.path(o), Owner::Output(o));
        }
        claims
    }

    /// Static files (the theme's and the site's) against what the build
    /// generates and against the aliases, as `engage check` and `engage
    /// build` both report them before anything is written: a static file
    /// must not replace a generated file (static/fr/index.html would be the
    /// home page) nor stand where one needs a folder (static/sitemap.xml/),
    /// and an alias must not replace a static file (`/style.css`). A static
    /// file of the site replacing the theme's file of the same path is how
    /// a site overrides its theme, not a clash; a file of one where the
    /// other has a folder is.
    pub fn check_static(&self, files: &Files) -> Vec<Diagnostic> {
        let outputs = self.outputs();
        let generated = self.generated_claims(&outputs);
        let chosen = static_files(files, &self.theme.static_dirs);
        let mut out = Vec::new();
        let mut statics = Claims::default();
        for (rel, file) in &chosen {
            let rel = output_path(rel);
            let other = generated.clash(&rel).or_else(|| statics.clash(&rel));
            if let Some(other) = other {
                let other = self.owner(other);
                let f = file.display();
                out.push(
                    Diagnostic::error(
                        STATIC_CONFLICT,
                        file,
                        Position::new(0, 0),
                        Text::new(
                            format!("le fichier statique {f} écraserait {} ({rel})", other.fr),
                            format!("the static file {f} would overwrite {} ({rel})", other.en),
                        ),
                    )
                    .with_hint(Text::new(
                        "renommez ce fichier ou déplacez-le dans un autre dossier de static/",
                        "rename this file or move it to another folder of static/",
                    )),
                );
                continue;
            }
            statics.claim(rel, Owner::Static(file));
        }
        out.extend(self.alias_clashes(&mut statics, false));
        out
    }

    /// Aliases clashing with a static file (`/style.css` would need the
    /// folder style.css/), for the write step; [`Site::check_static`]
    /// reports them, and more, before it.
    fn check_aliases_against_static(
        &self,
        statics: &BTreeMap<PathBuf, PathBuf>,
    ) -> Vec<Diagnostic> {
        let mut claims = Claims::default();
        for rel in statics.keys() {
            claims.claim(output_path(rel), Owner::Static(rel));
        }
        self.alias_clashes(&mut claims, false)
    }

    /// One error per alias that clashes with `claims`; with `claim`, each
    /// alias that does not is claimed in turn.
    fn alias_clashes(&self, claims: &mut Claims, claim: bool) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (id, p) in self.library.pages.iter().enumerate() {
            for a in &p.aliases {
                let path = crate::site::render::alias_path(&a.value);
                if let Some(other) = claims.clash(&path) {
                    let other = self.owner(other);
                    out.push(
                        Diagnostic::error(
                            ALIAS_CONFLICT,
                            &p.file,
                            a.at,
                            Text::new(
                                format!(
                                    "l’ancienne adresse {} écraserait {} ({})",
                                    a.value, other.fr, path
                                ),
                                format!(
                                    "the old address {} would overwrite {} ({})",
                                    a.value, other.en, path
                                ),
                            ),
                        )
                        .with_hint(Text::new(
                            "retirez cet alias ou changez-le",
                            "remove or change this alias",
                        )),
                    );
                } else if claim {
                    claims.claim(path, Owner::Alias(id, a.at.line));
                }
            }
        }
        out
    }

    /// Who takes a path, in words, for messages about clashes.
    fn owner(&self, owner: Owner) -> Text {
        use crate::site::render::Output;
        let output = match owner {
            Owner::Output(o) => o,
            Owner::Static(file) => {
                let f = file.display();
                return Text::new(
                    format!("le fichier statique {f}"),
                    format!("the static file {f}"),
                );
            }
            Owner::Alias(id, line) => {
                let f = self.library.pages[id].file.display();
                return Text::new(
                    format!("l’alias de {f} (ligne {line})"),
                    format!("the alias of {f} (line {line})"),
                );
            }
        };
        let path = self.path(output);
        match output {
            Output::Page(id) => {
                let f = self.library.pages[*id].file.display();
                Text::new(format!("la page {f}"), format!("the page {f}"))
            }
            Output::NotTranslated(_) => Text::new(
                format!("l’avis de traduction manquante {path}"),
                format!("the missing-translation notice {path}"),
            ),
            Output::Root => Text::new(
                "le choix de langue à la racine du site",
                "the language chooser at the site root",
            ),
            _ => Text::new(
                format!("le fichier généré {path}"),
                format!("the generated file {path}"),
            ),
        }
    }
}

/// `a/b.css` with `/` whatever the platform: a path inside the output, as
/// [`Site::path`] gives them.
fn output_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

pub(crate) fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
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

/// The text stems of pages' search entries, by page
/// ([`Site::search_stems`]): computed once and used both for the search
/// indexes and for the page cache.
pub type Stems = HashMap<PageId, PageStems>;

/// The text stems of one page's search entries, shared: kept by the
/// preview between saves and handed to each index without a copy.
pub type PageStems = Arc<Vec<Vec<search::Packed>>>;

/// Renders `output` with `renderer` and a worker's `scratch`, its search
/// index from `stems` where it has them.
pub fn render_with(
    renderer: &render::Renderer<'_>,
    scratch: &mut render::Scratch,
    output: &render::Output,
    stems: &Stems,
) -> Result<(String, Vec<u8>), Diagnostic> {
    let site = renderer.site();
    match output {
        render::Output::SearchIndex(lang) if !stems.is_empty() => {
            let index = site.search_index_with(*lang, &|id| match stems.get(&id) {
                Some(s) => s.to_vec(),
                None => site.search_stems(id),
            });
            Ok((site.path(output), index.to_json().into_bytes()))
        }
        _ => renderer.render(scratch, output),
    }
}

/// The search stems of every page whose language has a search index (an
/// index costs a fifth of a build: only where a page searches it).
pub fn stems_of(site: &Site, known: impl Fn(PageId) -> Option<PageStems> + Sync) -> Stems {
    let langs: Vec<Lang> = site
        .config
        .languages
        .iter()
        .copied()
        .filter(|&l| site.has_search_page(l))
        .collect();
    (0..site.library.pages.len())
        .into_par_iter()
        .filter(|&id| langs.contains(&site.library.pages[id].lang))
        .map(|id| {
            (
                id,
                known(id).unwrap_or_else(|| Arc::new(site.search_stems(id))),
            )
        })
        .collect()
}

/// What [`update`] did to a live output.
#[derive(Debug)]
pub struct Updated {
    /// Files whose bytes changed, rewritten.
    pub rewritten: usize,
    /// The stamps of every file and folder of the output, as now.
    pub files: BTreeMap<String, manifest::FileStamp>,
    pub dirs: BTreeMap<String, manifest::DirStamp>,
}

/// Renders `outputs` (what an edit reached) and puts those whose bytes
/// changed into the live output folder `target`, which `previous`
/// describes and the caller holds locked; every other file stays as it is.
/// Each file is replaced in one rename, so a reader never sees a part of
/// one; the manifest, replaced last by the caller, vouches for the whole.
/// `None` when an output has no place in the previous output (then only a
/// full build will do); errors when rendering fails, before anything is
/// written.
pub fn update(
    site: &Site,
    target: &Path,
    outputs: &[render::Output],
    previous: &manifest::Manifest,
    stems: &Stems,
) -> Option<Result<Updated, Vec<Diagnostic>>> {
    let renderer = site.renderer();
    let rendered: Vec<Result<(String, Vec<u8>), Diagnostic>> = outputs
        .par_iter()
        .map_init(render::Scratch::default, |scratch, o| {
            render_with(&renderer, scratch, o, stems)
        })
        .collect();
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    for r in rendered {
        match r {
            Ok((path, bytes)) => {
                let old = previous.files.get(&path)?;
                let digest = crate::core::trace::Digest::of(&bytes);
                if old.digest != digest {
                    changed.push((path, bytes, digest));
                }
            }
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Some(Err(errors));
    }
    let mut files = previous.files.clone();
    let mut dirs = previous.dirs.clone();
    let written: Result<Vec<(String, manifest::FileStamp)>, Diagnostic> = changed
        .par_iter()
        .map(|(rel, bytes, digest)| {
            let path = target.join(rel);
            let dir = path.parent().unwrap_or(target);
            let put = || -> std::io::Result<manifest::FileStamp> {
                let mut tmp = tempfile::Builder::new()
                    .prefix(".engage-new-")
                    .tempfile_in(dir)?;
                std::io::Write::write_all(&mut tmp, bytes)?;
                let file = tmp.persist(&path).map_err(|e| e.error)?;
                let (modified, inode) = manifest::stamp_of(&file.metadata()?);
                Ok(manifest::FileStamp {
                    size: bytes.len() as u64,
                    modified,
                    inode,
                    digest: digest.clone(),
                })
            };
            put()
                .map(|s| (rel.clone(), s))
                .map_err(|e| io_error(&path, e))
        })
        .collect();
    let written = match written {
        Ok(w) => w,
        Err(d) => return Some(Err(vec![d])),
    };
    // A rename into a folder moves its time: those folders are stamped
    // again.
    let mut touched = std::collections::BTreeSet::new();
    for (rel, stamp) in &written {
        if let Some((dir, _)) = rel.rsplit_once('/') {
            touched.insert(dir.to_string());
        }
        files.insert(rel.clone(), stamp.clone());
    }
    for dir in touched {
        match std::fs::symlink_metadata(target.join(&dir)) {
            Ok(meta) => {
                dirs.insert(dir, manifest::DirStamp::of(&meta));
            }
            Err(e) => return Some(Err(vec![io_error(&target.join(&dir), e)])),
        }
    }
    Some(Ok(Updated {
        rewritten: written.len(),
        files,
        dirs,
    }))
}

/// Renders every output and writes it with the static files read from
/// `files` into `output`, atomically, keeping the previous output's files
/// whose bytes did not change; search indexes made from `stems` where it
/// has them. `beside` runs while the outputs render (on another worker
/// when one is free); `vouch` is then given what it returned, once
/// everything was read, and says what the manifest may vouch for.
/// Refuses (`build.output-refused`) any output that is not absent, empty
/// or written by an earlier build, before anything is written.
pub fn write_with<T: Send>(
    site: &Site,
    files: &Files,
    output: &Path,
    stems: &Stems,
    beside: impl FnOnce() -> T + Send,
    vouch: impl FnOnce(T) -> Option<Vouch>,
) -> Result<Written, Vec<Diagnostic>> {
    let target = output::check_target(&site.root, output).map_err(|d| vec![d])?;
    let statics = static_files(files, &site.theme.static_dirs);
    let clashes = site.check_aliases_against_static(&statics);
    if !clashes.is_empty() {
        return Err(clashes);
    }
    let mut staging = Staging::new(&target).map_err(|e| vec![io_error(output, e)])?;
    // Checked again under the lock: another build may have written or
    // replaced the folder since the first check.
    output::check_target(&site.root, output).map_err(|d| vec![d])?;
    let mut outputs = site.outputs();
    // The outputs that list the whole site first: left last, one of them
    // would keep a worker busy while the others wait.
    outputs.sort_by_key(|o| !o.spans_site());
    let paths: Vec<String> = outputs.iter().map(|o| site.path(o)).collect();
    let static_paths: Vec<String> = statics
        .keys()
        .map(|rel| rel.to_string_lossy().into_owned())
        .collect();
    staging
        .make_dirs(paths.iter().chain(&static_paths).map(String::as_str))
        .map_err(|e| vec![io_error(output, e)])?;
    let renderer = site.renderer();
    let render_all = || -> Vec<Diagnostic> {
        outputs
            .par_iter()
            .map_init(render::Scratch::default, |scratch, o| {
                match render_with(&renderer, scratch, o, stems) {
                    Ok((path, bytes)) => staging
                        .write(&path, &bytes)
                        .err()
                        .map(|e| io_error(&output.join(&path), e)),
                    Err(d) => Some(d),
                }
            })
            .flatten()
            .collect()
    };
    let (errors, aside) = rayon::join(render_all, beside);
    if !errors.is_empty() {
        return Err(errors);
    }
    copy_static(files, &statics, &staging).map_err(|e| vec![e])?;
    staging
        .commit(vouch(aside))
        .map_err(|e| vec![io_error(output, e)])
}

/// The static files of the theme and the site: path in the output → file
/// to copy. Later folders win: the site's static files replace the theme's.
fn static_files(files: &Files, dirs: &[PathBuf]) -> BTreeMap<PathBuf, PathBuf> {
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
}

fn copy_static(
    files: &Files,
    chosen: &BTreeMap<PathBuf, PathBuf>,
    staging: &Staging,
) -> Result<usize, Diagnostic> {
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

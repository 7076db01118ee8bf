//! Rendering: from the loaded [`Site`] to bytes, one output at a time.
//!
//! Every function here is pure (model in, HTML or XML out), so the build can
//! run them in parallel and a future live preview can re-run just the ones a
//! change touches.

use std::borrow::Cow;

use percent_encoding::utf8_percent_encode;
use serde::Serialize;
use serde_json::Value;

use crate::calendar::EventView;
use crate::core::diagnostic::Diagnostic;
use crate::core::lang::Lang;
use crate::site::content::{Missing, PageId};
use crate::site::link;
use crate::site::markdown;
use crate::site::page::PageKind;
use crate::site::theme::{template_error, TEMPLATE_RENDER};
use crate::site::typography;
use crate::site::Site;

mod calendar;
mod feed;
mod search;

pub use feed::{events_path, news_path, NEWS_ENTRIES};

/// One file the build writes.
#[derive(Debug, Clone)]
pub enum Output {
    Page(PageId),
    NotTranslated(usize),
    NotFound(Lang),
    /// /404.html in the default language, for hosts that serve it.
    RootNotFound,
    Root,
    Alias {
        from: String,
        to: PageId,
    },
    Sitemap,
    Robots,
    /// An iCalendar feed in one language.
    Ics(Lang, IcsScope),
    /// /calendar.ics: every event, in the default language.
    RootIcs,
    SearchIndex(Lang),
    /// The Atom feed of dated pages in one language.
    NewsFeed(Lang),
    /// The Atom feed of upcoming events in one language.
    EventsFeed(Lang),
}

impl Output {
    /// Whether this output lists the whole site (sitemap, search index,
    /// feeds, the calendars of every event): one file that costs as much
    /// as many pages, rendered first so that the workers end together.
    pub fn spans_site(&self) -> bool {
        matches!(
            self,
            Output::Sitemap
                | Output::SearchIndex(_)
                | Output::NewsFeed(_)
                | Output::EventsFeed(_)
                | Output::RootIcs
                | Output::Ics(_, IcsScope::All)
        )
    }
}

/// What an iCalendar feed holds.
#[derive(Debug, Clone)]
pub enum IcsScope {
    All,
    Programme(String),
    /// One event (index into the calendar), for "add to my calendar".
    Event(usize),
}

/// The file an alias is written to: `/old.html` as is, any other
/// address as a folder with an index.html (`/old` and `/old/` alike).
/// Aliases are normalised when the page is read (`//` and `.` removed).
pub fn alias_path(from: &str) -> String {
    let from = from.trim_start_matches('/');
    if from.ends_with(".html") {
        from.to_string()
    } else if from.trim_end_matches('/').is_empty() {
        "index.html".to_string()
    } else {
        format!("{}/index.html", from.trim_end_matches('/'))
    }
}

/// Where the search index of a language is written.
pub fn search_index_path(lang: Lang) -> String {
    format!("{}/search-index.json", lang.code())
}

#[derive(Serialize)]
struct MenuCtx<'a> {
    label: Cow<'a, str>,
    url: String,
    active: bool,
    external: bool,
}

#[derive(Serialize)]
struct LangCtx {
    code: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: Cow<'a, str>,
    description: Cow<'a, str>,
    organisation: &'a str,
    base_url: &'a str,
    contact: ContactCtx<'a>,
    menu: Vec<MenuCtx<'a>>,
    languages: Vec<LangCtx>,
}

#[derive(Serialize)]
struct ContactCtx<'a> {
    email: Option<&'a str>,
    phone: Option<&'a str>,
    address: Option<&'a str>,
}

#[derive(Serialize)]
struct SwitchCtx {
    code: &'static str,
    name: &'static str,
    url: String,
    current: bool,
    available: bool,
}

/// A feed announced in a page's head.
#[derive(Serialize)]
struct FeedCtx {
    href: String,
    /// The theme's string naming it (`feed_news`, `feed_events`).
    kind: &'static str,
}

#[derive(Serialize)]
struct Alternate {
    hreflang: &'static str,
    href: String,
}

#[derive(Serialize)]
struct ChildCtx<'a> {
    title: Cow<'a, str>,
    description: Cow<'a, str>,
    url: String,
    date: Option<String>,
}

#[derive(Serialize)]
struct PageCtx<'a> {
    title: Cow<'a, str>,
    description: Cow<'a, str>,
    content: String,
    url: String,
    permalink: String,
    date: Option<String>,
    updated: Option<String>,
    toc: Vec<TocCtx<'a>>,
    extra: &'a Value,
    kind: &'static str,
    pages: Vec<ChildCtx<'a>>,
    subsections: Vec<ChildCtx<'a>>,
    /// The day of the last commit that changed the page's file, in
    /// Brussels (`YYYY-MM-DD`); None outside git or before its first commit.
    last_commit: Option<String>,
    /// The page's file in the hosting's web editor, when `edit_url` is set.
    edit_url: Option<String>,
    /// Long enough for a "back to top" link at its end.
    long: bool,
}

/// Characters of a page body's HTML past which it is "long": about three
/// screens of a 320 px wide phone.
const LONG_PAGE: usize = 2_500;

/// A heading in a table of contents.
#[derive(Serialize)]
struct TocCtx<'a> {
    level: u8,
    id: &'a str,
    title: Cow<'a, str>,
}

/// `text` with the spacing of `lang`: French puts no-break spaces before
/// `; : ! ?` and inside « ». The Markdown body gets it from the renderer;
/// this is for every other text of a page (titles, descriptions, tables of
/// contents, menus, data), which would otherwise keep ordinary spaces that
/// break lines before a colon.
pub(crate) fn typo(lang: Lang, text: &str) -> Cow<'_, str> {
    match lang {
        Lang::Fr => typography::french(text, None),
        Lang::En => Cow::Borrowed(text),
    }
}

/// [`typo`] on every text of a data view (a programme's facts), but its
/// addresses and ids: `https://` must keep its colon as it is.
fn typo_value(lang: Lang, v: &mut Value) {
    match v {
        Value::String(s) => {
            if let Cow::Owned(t) = typo(lang, s) {
                *s = t;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| typo_value(lang, i)),
        Value::Object(map) => map
            .iter_mut()
            .filter(|(k, _)| !matches!(k.as_str(), "id" | "application" | "kind"))
            .for_each(|(_, i)| typo_value(lang, i)),
        _ => {}
    }
}

/// What every page of one language shares in its template context, made
/// once per build rather than once per page (the theme's strings alone
/// were 3% of a build when serialised for each page).
struct LangBase {
    /// `lang`, `lang_name`, `t`, `base_path`, `feeds` and `site`, its
    /// menu items all inactive.
    ctx: tera::Context,
    /// `site` as JSON, menu items inactive, to mark the current ones in.
    site: Value,
    /// Per menu item, the address under which it is the current one (None
    /// for external links and the language's home, never current).
    menu: Vec<Option<String>>,
}

/// Renders the outputs of one site: [`Site::render`], with what the pages
/// of a language share computed once. Build one per batch of outputs (the
/// site must not change meanwhile) and give each worker its [`Scratch`].
pub struct Renderer<'a> {
    site: &'a Site,
    fr: LangBase,
    en: LangBase,
}

/// A worker's own copy of each language's context: a page's keys are put
/// in, the page rendered, and its keys taken out again, so that nothing
/// shared is serialised or cloned per page.
#[derive(Default)]
pub struct Scratch {
    /// Language → its context and the menu items now marked active.
    langs: Vec<(Lang, tera::Context, Vec<bool>)>,
}

/// The keys a page, notice or 404 page puts in its language's context,
/// all taken out after it rendered (`breadcrumbs is defined` must be
/// false for the next 404 page).
const PER_PAGE: &[&str] = &[
    "switcher",
    "alternates",
    "canonical",
    "page",
    "breadcrumbs",
    "previous",
    "next",
    "programme",
    "application",
    "search",
    "calendar",
    "upcoming",
    "calendar_url",
    "faq",
    "available",
    "other_languages",
];

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site) -> Renderer<'a> {
        Renderer {
            site,
            fr: site.lang_base(Lang::Fr),
            en: site.lang_base(Lang::En),
        }
    }

    /// The site this renders.
    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// Renders one output: its path inside the site and its bytes.
    pub fn render(
        &self,
        scratch: &mut Scratch,
        output: &Output,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let site = self.site;
        let bytes = match output {
            Output::Page(id) => self.render_page(scratch, *id)?,
            Output::NotTranslated(i) => {
                self.render_not_translated(scratch, &site.library.missing[*i])?
            }
            Output::NotFound(l) => self.render_404(scratch, *l)?,
            Output::RootNotFound => self.render_404(scratch, site.config.default_lang())?,
            Output::Root => site.render_root()?,
            Output::Alias { to, .. } => site.render_alias(*to)?,
            Output::Sitemap => site.sitemap().into_bytes(),
            Output::Robots => site.robots().into_bytes(),
            Output::Ics(lang, scope) => site.ics(*lang, scope).into_bytes(),
            Output::SearchIndex(lang) => site.search_index(*lang).to_json().into_bytes(),
            Output::RootIcs => site
                .ics(site.config.default_lang(), &IcsScope::All)
                .into_bytes(),
            Output::NewsFeed(lang) => site.news_feed(*lang).into_bytes(),
            Output::EventsFeed(lang) => site.events_feed(*lang).into_bytes(),
        };
        Ok((site.path(output), bytes))
    }

    /// The context of `lang` in `scratch`, its menu marking the items
    /// `current_url` is under, as [`Site::common`] would.
    fn context<'s>(
        &self,
        scratch: &'s mut Scratch,
        lang: Lang,
        current_url: &str,
    ) -> &'s mut tera::Context {
        let base = match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        };
        let at = match scratch.langs.iter().position(|(l, ..)| *l == lang) {
            Some(at) => at,
            None => {
                let inactive = vec![false; base.menu.len()];
                scratch.langs.push((lang, base.ctx.clone(), inactive));
                scratch.langs.len() - 1
            }
        };
        let (_, ctx, active) = &mut scratch.langs[at];
        let now: Vec<bool> = base
            .menu
            .iter()
            .map(|u| u.as_deref().is_some_and(|u| current_url.starts_with(u)))
            .collect();
        if now != *active {
            let mut site = base.site.clone();
            if let Some(items) = site.get_mut("menu").and_then(Value::as_array_mut) {
                for (item, &on) in items.iter_mut().zip(&now) {
                    if let Some(flag) = item.get_mut("active") {
                        *flag = Value::Bool(on);
                    }
                }
            }
            ctx.insert("site", &site);
            *active = now;
        }
        ctx
    }
}

impl Renderer<'_> {
    fn render_page(&self, scratch: &mut Scratch, id: PageId) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let p = &site.library.pages[id];
        let ctx = self.context(scratch, p.lang, &site.library.urls[id]);
        site.page_ctx(ctx, id);
        let out = site.render_template(p.template_name(), ctx, &p.file);
        clear(ctx);
        out
    }

    fn render_not_translated(
        &self,
        scratch: &mut Scratch,
        m: &Missing,
    ) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let ctx = self.context(scratch, m.lang, &m.url);
        site.not_translated_ctx(ctx, m);
        let file = &site.library.pages[m.available].file;
        let out = site.render_template("not-translated", ctx, file);
        clear(ctx);
        out
    }

    fn render_404(&self, scratch: &mut Scratch, lang: Lang) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let url = format!("/{}/404.html", lang.code());
        let ctx = self.context(scratch, lang, &url);
        site.not_found_ctx(ctx, lang, &url);
        let out = site.render_template("404", ctx, std::path::Path::new("404"));
        clear(ctx);
        out
    }
}

/// Takes a page's keys out of its language's context.
fn clear(ctx: &mut tera::Context) {
    for key in PER_PAGE {
        ctx.remove(key);
    }
}

impl Site {
    /// A [`Renderer`] for a batch of outputs of this site.
    pub fn renderer(&self) -> Renderer<'_> {
        Renderer::new(self)
    }

    fn lang_base(&self, lang: Lang) -> LangBase {
        let c = &self.config;
        let (menu, targets): (Vec<MenuCtx>, Vec<Option<String>>) = c
            .menu
            .get(lang)
            .map(|items| {
                items
                    .iter()
                    .map(|m| {
                        let external = !m.link.starts_with("@/");
                        let url = if external {
                            m.link.clone()
                        } else {
                            link::href(&self.library, &c.base_path, &m.link, lang)
                                .unwrap_or_default()
                        };
                        let site_url = url.strip_prefix(&c.base_path).unwrap_or(&url);
                        let target = (!external && site_url != format!("/{}/", lang.code()))
                            .then(|| site_url.to_string());
                        let item = MenuCtx {
                            label: typo(lang, &m.label),
                            url,
                            active: false,
                            external,
                        };
                        (item, target)
                    })
                    .unzip()
            })
            .unwrap_or_default();
        let site = SiteCtx {
            title: typo(lang, c.title(lang)),
            description: typo(lang, c.description(lang)),
            organisation: &c.organisation,
            base_url: &c.base_url,
            contact: ContactCtx {
                email: c.contact.email.as_deref(),
                phone: c.contact.phone.as_deref(),
                address: c.contact.address.get(lang).map(String::as_str),
            },
            menu,
            languages: self
                .config
                .languages
                .iter()
                .map(|l| LangCtx {
                    code: l.code(),
                    name: l.endonym(),
                })
                .collect(),
        };
        let site = serde_json::to_value(&site).unwrap_or_default();
        let mut ctx = tera::Context::new();
        ctx.insert("lang", lang.code());
        ctx.insert("lang_name", lang.endonym());
        ctx.insert("t", &self.theme.strings.get(&lang));
        ctx.insert("base_path", &self.config.base_path);
        ctx.insert("site", &site);
        ctx.insert("feeds", &self.feeds(lang));
        LangBase {
            ctx,
            site,
            menu: targets,
        }
    }

    /// Switcher entries and hreflang alternates for the page `key`.
    fn translations_ctx(&self, key: &str, lang: Lang) -> (Vec<SwitchCtx>, Vec<Alternate>) {
        let base = &self.config.base_path;
        let mut switcher = Vec::new();
        let mut alternates = Vec::new();
        for &l in &self.config.languages {
            let Some(url) = self.library.url_in(key, l) else {
                continue;
            };
            let available = self.library.get(key, l).is_some();
            switcher.push(SwitchCtx {
                code: l.code(),
                name: l.endonym(),
                url: format!("{base}{url}"),
                current: l == lang,
                available,
            });
            if available {
                alternates.push(Alternate {
                    hreflang: l.code(),
                    href: self.permalink(url),
                });
            }
        }
        alternates.push(Alternate {
            hreflang: "x-default",
            href: format!("{}/", self.config.base_url),
        });
        (switcher, alternates)
    }

    pub fn permalink(&self, url: &str) -> String {
        format!("{}{}", self.config.base_url, url)
    }

    /// What a page, notice or 404 page puts in its language's context:
    /// the switcher, hreflang alternates and canonical address.
    fn common(&self, ctx: &mut tera::Context, lang: Lang, key: Option<&str>, url: &str) {
        let (switcher, alternates) = match key {
            Some(k) => self.translations_ctx(k, lang),
            None => (
                self.config
                    .languages
                    .iter()
                    .map(|&l| SwitchCtx {
                        code: l.code(),
                        name: l.endonym(),
                        url: format!("{}/{}/", self.config.base_path, l.code()),
                        current: l == lang,
                        available: true,
                    })
                    .collect(),
                Vec::new(),
            ),
        };
        ctx.insert("switcher", &switcher);
        ctx.insert("alternates", &alternates);
        ctx.insert("canonical", &self.permalink(url));
    }

    /// The Atom feeds of `lang`, as the outputs write them.
    fn feeds(&self, lang: Lang) -> Vec<FeedCtx> {
        let base = &self.config.base_path;
        let mut feeds = Vec::new();
        if self.news_langs.contains(&lang) {
            feeds.push(FeedCtx {
                href: format!("{base}/{}", news_path(lang)),
                kind: "feed_news",
            });
        }
        if !self.calendar.events.is_empty() {
            feeds.push(FeedCtx {
                href: format!("{base}/{}", events_path(lang)),
                kind: "feed_events",
            });
        }
        feeds
    }

    fn child_ctx(&self, id: PageId) -> ChildCtx<'_> {
        let p = &self.library.pages[id];
        ChildCtx {
            title: typo(p.lang, &p.title),
            description: typo(p.lang, &p.description),
            url: format!("{}{}", self.config.base_path, self.library.urls[id]),
            date: p.date.map(|d| d.to_string()),
        }
    }

    /// The HTML body of a page (Markdown rendered, links resolved).
    pub fn page_html(&self, id: PageId) -> String {
        let p = &self.library.pages[id];
        let resolve = |dest: &str| link::href(&self.library, &self.config.base_path, dest, p.lang);
        let events = p.scan.events(p.body(), 0..p.body().len());
        markdown::render_events(events, &p.scan.headings, p.lang, &resolve, p.scan.raw_html)
    }

    /// The sections above page `id`, from the home page down, for the
    /// breadcrumb trail; empty for the home page. The home page's entry has
    /// no title: the theme names it ("Home").
    fn breadcrumbs(&self, id: PageId) -> Vec<Value> {
        let p = &self.library.pages[id];
        let dir = match p.kind {
            PageKind::Home => return Vec::new(),
            PageKind::Section => p.parent_dir(),
            PageKind::Page => p.dir(),
        };
        let mut keys = vec!["_index".to_string()];
        let mut acc = String::new();
        for part in dir.split('/').filter(|s| !s.is_empty()) {
            if !acc.is_empty() {
                acc.push('/');
            }
            acc.push_str(part);
            keys.push(format!("{acc}/_index"));
        }
        keys.iter()
            .filter_map(|k| self.library.get(k, p.lang))
            .map(|a| {
                let page = &self.library.pages[a];
                serde_json::json!({
                    "title": (page.kind != PageKind::Home).then(|| typo(p.lang, &page.title)),
                    "url": format!("{}{}", self.config.base_path, self.library.urls[a]),
                })
            })
            .collect()
    }

    /// The pages before and after page `id` in its section's order (the
    /// order of the section's list), for "previous / next" links; None for
    /// sections and for pages outside a section.
    fn neighbours(&self, id: PageId) -> Option<(Option<PageId>, Option<PageId>)> {
        let p = &self.library.pages[id];
        if p.kind != PageKind::Page || p.dir().is_empty() {
            return None;
        }
        let section = self.library.get(&format!("{}/_index", p.dir()), p.lang)?;
        let (pages, _) = self.children.get(&section)?;
        let at = pages.iter().position(|&c| c == id)?;
        Some((
            at.checked_sub(1).map(|i| pages[i]),
            pages.get(at + 1).copied(),
        ))
    }

    /// The context of page `id` but what its language shares, put in
    /// `ctx`.
    fn page_ctx(&self, ctx: &mut tera::Context, id: PageId) {
        let p = &self.library.pages[id];
        let url = &self.library.urls[id];
        self.common(ctx, p.lang, Some(&p.key), url);
        ctx.insert("breadcrumbs", &self.breadcrumbs(id));
        if let Some((prev, next)) = self.neighbours(id) {
            ctx.insert("previous", &prev.map(|c| self.child_ctx(c)));
            ctx.insert("next", &next.map(|c| self.child_ctx(c)));
        }
        let (pages, subsections) = match (p.kind, self.children.get(&id)) {
            (PageKind::Page, _) | (_, None) => (Vec::new(), Vec::new()),
            (_, Some((pages, subs))) => (
                pages.iter().map(|&c| self.child_ctx(c)).collect(),
                subs.iter().map(|&c| self.child_ctx(c)).collect(),
            ),
        };
        let content = self.page_html(id);
        let toc: Vec<TocCtx> = p
            .scan
            .headings
            .iter()
            .filter(|h| h.level == 2 || h.level == 3)
            .map(|h| TocCtx {
                level: h.level,
                id: &h.id,
                title: typo(p.lang, &h.title),
            })
            .collect();
        // What the template adds from data (FAQ questions, events, a
        // programme's key facts) makes a page long too, whatever its body.
        let long = content.len() > LONG_PAGE
            || self.faqs.contains_key(&id)
            || p.template_name() == "calendar"
            || p.programme.is_some();
        let page = PageCtx {
            title: typo(p.lang, &p.title),
            description: typo(p.lang, &p.description),
            content,
            url: format!("{}{url}", self.config.base_path),
            permalink: self.permalink(url),
            date: p.date.map(|d| d.to_string()),
            updated: p.updated.map(|d| d.to_string()),
            toc,
            extra: &p.extra,
            kind: p.kind.as_str(),
            pages,
            subsections,
            last_commit: self
                .history
                .files
                .get(&p.file)
                .map(|t| local_day(*t).to_string()),
            edit_url: self.config.edit_url.as_ref().map(|base| {
                let path = p.file.to_string_lossy().replace('\\', "/");
                format!("{base}{}", utf8_percent_encode(&path, PATH))
            }),
            long,
        };
        ctx.insert("page", &page);
        if let Some(prog) = p
            .programme
            .as_ref()
            .and_then(|id| self.programmes.get(&id.value))
        {
            let mut view = prog.view(p.lang);
            typo_value(p.lang, &mut view);
            ctx.insert("programme", &view);
            ctx.insert("application", &self.application_ctx(prog, p.lang));
        }
        if p.template_name() == "search" {
            ctx.insert("search", &serde_json::json!({ "index_url": format!("{}/{}", self.config.base_path, search_index_path(p.lang)) }));
        }
        if p.template_name() == "calendar" {
            ctx.insert("calendar", &self.calendar_ctx(p.lang));
        }
        if p.kind == PageKind::Home {
            let upcoming: Vec<EventView> = self
                .calendar
                .upcoming(self.today)
                .take(2)
                .map(|e| self.event_view(e, p.lang))
                .collect();
            ctx.insert("upcoming", &upcoming);
            ctx.insert(
                "calendar_url",
                &self
                    .calendar_page(p.lang)
                    .map(|id| format!("{}{}", self.config.base_path, self.library.urls[id])),
            );
        }
        if let Some(outline) = self.faqs.get(&id) {
            let resolve =
                |dest: &str| link::href(&self.library, &self.config.base_path, dest, p.lang);
            ctx.insert("faq", &crate::site::faq::view(p, outline, &resolve));
        }
    }

    /// Renders template `name` (without `.html`) into bytes; tera writes
    /// only `str`s, so they are UTF-8 without checking them again.
    fn render_template(
        &self,
        name: &str,
        ctx: &tera::Context,
        for_file: &std::path::Path,
    ) -> Result<Vec<u8>, Diagnostic> {
        crate::site::bounds::render(&self.theme.tera, &format!("{name}.html"), ctx).map_err(|e| {
            let template = self.theme.sources.get(name).cloned().unwrap_or_default();
            match e {
                Ok(bound) => crate::site::bounds::exceeded(bound, &template, for_file),
                Err(e) => template_error(
                    TEMPLATE_RENDER,
                    &template,
                    &self.theme.sources,
                    &e,
                    Some(for_file),
                ),
            }
        })
    }

    fn not_translated_ctx(&self, ctx: &mut tera::Context, m: &Missing) {
        let available = &self.library.pages[m.available];
        self.common(ctx, m.lang, Some(&m.key), &m.url);
        // The notice is not a translation: declaring the existing page as its
        // alternate would be an hreflang link without a return link (the
        // existing page does not list the notice). It is noindex anyway.
        ctx.insert("alternates", &Vec::<Alternate>::new());
        ctx.insert(
            "page",
            &serde_json::json!({
                "title": available.title,
                "url": format!("{}{}", self.config.base_path, m.url),
                "description": "",
                "kind": "not-translated",
            }),
        );
        ctx.insert(
            "available",
            &serde_json::json!({
                "code": available.lang.code(),
                "name": available.lang.endonym(),
                "url": format!("{}{}", self.config.base_path, self.library.urls[m.available]),
                "title": available.title,
            }),
        );
    }

    fn not_found_ctx(&self, ctx: &mut tera::Context, lang: Lang, url: &str) {
        self.common(ctx, lang, None, url);
        let title = self
            .theme
            .strings
            .get(&lang)
            .and_then(|s| s.get("not_found_title"))
            .cloned()
            .unwrap_or_default();
        ctx.insert(
            "page",
            &serde_json::json!({ "title": title, "url": format!("{}{url}", self.config.base_path), "description": "", "kind": "404" }),
        );
        // A visitor lost on a missing address may read another language
        // (/404.html serves every unknown address, /en/… included): the
        // page says it in each other language too.
        let others: Vec<Value> = self
            .config
            .languages
            .iter()
            .filter(|&&l| l != lang)
            .map(|&l| {
                let t = self.theme.strings.get(&l);
                let get = |k: &str| t.and_then(|s| s.get(k)).cloned().unwrap_or_default();
                serde_json::json!({
                    "code": l.code(),
                    "url": format!("{}/{}/", self.config.base_path, l.code()),
                    "title": get("not_found_title"),
                    "body": get("not_found_body"),
                    "back_home": get("back_home"),
                })
            })
            .collect();
        ctx.insert("other_languages", &others);
    }

    fn render_root(&self) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = tera::Context::new();
        let languages: Vec<Value> = self
            .config
            .languages
            .iter()
            .map(|&l| {
                serde_json::json!({
                    "code": l.code(),
                    "name": l.endonym(),
                    "url": format!("{}/{}/", self.config.base_path, l.code()),
                    "title": typo(l, self.config.title(l)),
                    "description": typo(l, self.config.description(l)),
                })
            })
            .collect();
        let alternates: Vec<Alternate> = self
            .config
            .languages
            .iter()
            .map(|&l| Alternate {
                hreflang: l.code(),
                href: self.permalink(&format!("/{}/", l.code())),
            })
            .chain([Alternate {
                hreflang: "x-default",
                href: format!("{}/", self.config.base_url),
            }])
            .collect();
        let t_all: serde_json::Map<String, Value> = self
            .theme
            .strings
            .iter()
            .map(|(l, s)| {
                (
                    l.code().to_string(),
                    serde_json::to_value(s).unwrap_or_default(),
                )
            })
            .collect();
        ctx.insert(
            "site",
            &serde_json::json!({
                "title": self.config.title,
                "description": self.config.description,
                "organisation": self.config.organisation,
                "base_url": self.config.base_url,
            }),
        );
        ctx.insert("languages", &languages);
        ctx.insert("base_path", &self.config.base_path);
        ctx.insert("canonical", &format!("{}/", self.config.base_url));
        ctx.insert("alternates", &alternates);
        ctx.insert("t_all", &t_all);
        ctx.insert("lang", self.config.default_lang().code());
        self.render_template("root", &ctx, std::path::Path::new("index.html"))
    }

    fn render_alias(&self, to: PageId) -> Result<Vec<u8>, Diagnostic> {
        let p = &self.library.pages[to];
        let mut ctx = tera::Context::new();
        ctx.insert("target", &self.permalink(&self.library.urls[to]));
        ctx.insert("lang", p.lang.code());
        ctx.insert("t", &self.theme.strings.get(&p.lang));
        self.render_template("alias", &ctx, &p.file)
    }

    /// sitemap.xml, with every translation as an `xhtml:link` alternate so
    /// that search engines show visitors the page in their language.
    pub fn sitemap(&self) -> String {
        let entries: Vec<String> = (0..self.library.pages.len())
            .map(|id| self.sitemap_entry(id))
            .collect();
        sitemap_of(&entries)
    }

    /// The `<url>` element of page `id` in the sitemap.
    pub fn sitemap_entry(&self, id: PageId) -> String {
        let p = &self.library.pages[id];
        let mut out = String::with_capacity(400);
        {
            out.push_str("  <url>\n    <loc>");
            out.push_str(&xml_escape(&self.permalink(&self.library.urls[id])));
            out.push_str("</loc>\n");
            if let Some(d) = p.updated.or(p.date) {
                out.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
            }
            let (_, alternates) = self.translations_ctx(&p.key, p.lang);
            for a in alternates {
                out.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                    a.hreflang,
                    xml_escape(&a.href)
                ));
            }
            out.push_str("  </url>\n");
        }
        out
    }

    pub fn robots(&self) -> String {
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
            self.config.base_url
        )
    }

    /// Every file of the site, in a stable order.
    pub fn outputs(&self) -> Vec<Output> {
        let mut out: Vec<Output> = (0..self.library.pages.len()).map(Output::Page).collect();
        out.extend((0..self.library.missing.len()).map(Output::NotTranslated));
        out.extend(self.config.languages.iter().map(|&l| Output::NotFound(l)));
        out.extend([
            Output::RootNotFound,
            Output::Root,
            Output::Sitemap,
            Output::Robots,
        ]);
        for (id, p) in self.library.pages.iter().enumerate() {
            out.extend(p.aliases.iter().map(|a| Output::Alias {
                from: a.value.clone(),
                to: id,
            }));
        }
        // An index costs a fifth of a build: only where a page searches it.
        out.extend(
            self.config
                .languages
                .iter()
                .filter(|&&l| self.has_search_page(l))
                .map(|&l| Output::SearchIndex(l)),
        );
        out.extend(self.news_langs.iter().map(|&l| Output::NewsFeed(l)));
        if !self.calendar.events.is_empty() {
            out.extend(self.config.languages.iter().map(|&l| Output::EventsFeed(l)));
            out.push(Output::RootIcs);
            for &lang in &self.config.languages {
                out.push(Output::Ics(lang, IcsScope::All));
                out.extend(
                    self.programmes
                        .ids()
                        .map(|p| Output::Ics(lang, IcsScope::Programme(p.to_string()))),
                );
                out.extend(
                    (0..self.calendar.events.len()).map(|i| Output::Ics(lang, IcsScope::Event(i))),
                );
            }
        }
        out
    }

    /// Where `output` is written, relative to the output folder. The one
    /// place paths are decided, so that validation can find clashes
    /// before anything is written.
    pub fn path(&self, output: &Output) -> String {
        let index = |url: &str| format!("{}index.html", url.trim_start_matches('/'));
        match output {
            Output::Page(id) => index(&self.library.urls[*id]),
            Output::NotTranslated(i) => index(&self.library.missing[*i].url),
            Output::NotFound(l) => format!("{}/404.html", l.code()),
            Output::RootNotFound => "404.html".into(),
            Output::Root => "index.html".into(),
            Output::Alias { from, .. } => alias_path(from),
            Output::Sitemap => "sitemap.xml".into(),
            Output::Robots => "robots.txt".into(),
            Output::Ics(lang, scope) => self.ics_path(*lang, scope),
            Output::SearchIndex(lang) => search_index_path(*lang),
            Output::RootIcs => "calendar.ics".into(),
            Output::NewsFeed(lang) => news_path(*lang),
            Output::EventsFeed(lang) => events_path(*lang),
        }
    }

    /// Renders one output: its path inside the site and its bytes. For
    /// many outputs, [`Site::renderer`] spares rebuilding what pages share.
    pub fn render(&self, output: &Output) -> Result<(String, Vec<u8>), Diagnostic> {
        self.renderer().render(&mut Scratch::default(), output)
    }
}

/// Characters escaped in a file path put after the editor's address: those
/// that would end or change a URL's path (`?`, `#`, `%`, spaces, controls).
const PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The day of `t` in Brussels, the programmes' time zone.
fn local_day(t: jiff::Timestamp) -> jiff::civil::Date {
    let tz =
        jiff::tz::TimeZone::get(crate::calendar::DEFAULT_TZ).unwrap_or(jiff::tz::TimeZone::UTC);
    t.to_zoned(tz).date()
}

/// sitemap.xml from the `<url>` element of each page
/// ([`Site::sitemap_entry`]), in the pages' order.
pub fn sitemap_of(entries: &[String]) -> String {
    let mut out = String::with_capacity(entries.iter().map(String::len).sum::<usize>() + 200);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for e in entries {
        out.push_str(e);
    }
    out.push_str("</urlset>\n");
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

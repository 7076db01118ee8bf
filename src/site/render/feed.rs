//! Atom feeds (RFC 4287), one pair per language: the news (the newest
//! [`NEWS_ENTRIES`] dated pages) and the upcoming events of the calendar. Written with
//! atom_syndication, so that escaping and the required elements (id, title,
//! updated, author) are the crate's business, not string concatenation.
//!
//! Times: a page's entry is updated on its `updated` day, else its `date`,
//! at midnight in Brussels; event entries carry no edit time of their own,
//! so they are dated by the build's day (`--today`), which keeps a build
//! reproducible.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use jiff::civil::Date;

use crate::core::lang::Lang;
use crate::site::content::PageId;
use crate::site::page::PageKind;
use crate::site::Site;

/// Entries of a news feed: the newest pages only, as feed readers poll the
/// whole file and only show what is new (a site of thousands of dated pages
/// would otherwise render every body a second time).
pub const NEWS_ENTRIES: usize = 30;

/// Where the news feed of `lang` is written.
pub fn news_path(lang: Lang) -> String {
    format!("{}/atom.xml", lang.code())
}

/// Where the upcoming-events feed of `lang` is written.
pub fn events_path(lang: Lang) -> String {
    format!("{}/events.xml", lang.code())
}

/// Midnight of `day` in Brussels, as Atom wants it (RFC 3339 with offset).
fn midnight(day: Date) -> FixedDateTime {
    let tz =
        jiff::tz::TimeZone::get(crate::calendar::DEFAULT_TZ).unwrap_or(jiff::tz::TimeZone::UTC);
    let text = day
        .to_zoned(tz)
        .map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .unwrap_or_else(|_| format!("{day}T00:00:00+00:00"));
    // Always RFC 3339 as written just above.
    text.parse().unwrap_or_default()
}

fn link(href: String, rel: &str, mime: Option<&str>, lang: Option<Lang>) -> Link {
    let mut l = Link::default();
    l.set_href(href);
    l.set_rel(rel);
    l.set_mime_type(mime.map(str::to_string));
    l.set_hreflang(lang.map(|l| l.code().to_string()));
    l
}

impl Site {
    /// The dated pages of `lang`, newest first (then by title): the news.
    pub(crate) fn news(&self, lang: Lang) -> Vec<PageId> {
        let mut ids: Vec<PageId> = self
            .library
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.lang == lang && p.kind == PageKind::Page && p.date.is_some())
            .map(|(id, _)| id)
            .collect();
        ids.sort_by(|&a, &b| {
            let (a, b) = (&self.library.pages[a], &self.library.pages[b]);
            b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title))
        });
        ids
    }

    /// An absolute address from one the pages link to (base path included).
    fn absolute(&self, href: &str) -> String {
        let path = href.strip_prefix(&self.config.base_path).unwrap_or(href);
        format!("{}{path}", self.config.base_url)
    }

    /// A feed of `lang` with its identity: title, self link, the page it
    /// is the feed of (`alternate`, the home page when None), the
    /// organisation as author.
    fn feed(
        &self,
        lang: Lang,
        path: &str,
        alternate: Option<PageId>,
        title: String,
        updated: FixedDateTime,
    ) -> Feed {
        let mut feed = Feed::default();
        let self_url = self.permalink(&format!("/{path}"));
        feed.set_id(self_url.clone());
        feed.set_title(Text::plain(title));
        feed.set_lang(Some(lang.code().to_string()));
        feed.set_updated(updated);
        feed.set_links(vec![
            link(self_url, "self", Some("application/atom+xml"), None),
            link(
                alternate.map_or_else(
                    || self.permalink(&format!("/{}/", lang.code())),
                    |id| self.permalink(&self.library.urls[id]),
                ),
                "alternate",
                Some("text/html"),
                Some(lang),
            ),
        ]);
        let mut author = Person::default();
        author.set_name(self.config.organisation.clone());
        feed.set_authors(vec![author]);
        let description = self.config.description(lang);
        if !description.is_empty() {
            feed.set_subtitle(Some(Text::plain(description)));
        }
        feed
    }

    fn string(&self, lang: Lang, key: &str) -> String {
        self.theme
            .strings
            .get(&lang)
            .and_then(|s| s.get(key))
            .cloned()
            .unwrap_or_default()
    }

    /// The news feed of `lang`: every dated page, its description as
    /// summary and its body as content.
    pub(super) fn news_feed(&self, lang: Lang) -> String {
        let news = self.news(lang);
        // The section of the newest page: where the news is listed.
        let section = news.first().and_then(|&id| {
            let dir = self.library.pages[id].dir();
            (!dir.is_empty())
                .then(|| self.library.get(&format!("{dir}/_index"), lang))
                .flatten()
        });
        let entries: Vec<Entry> = news
            .into_iter()
            .take(NEWS_ENTRIES)
            .map(|id| {
                let p = &self.library.pages[id];
                let url = self.permalink(&self.library.urls[id]);
                let mut e = Entry::default();
                e.set_id(url.clone());
                e.set_title(Text::plain(super::typo(lang, &p.title)));
                e.set_links(vec![link(
                    url.clone(),
                    "alternate",
                    Some("text/html"),
                    Some(lang),
                )]);
                e.set_published(p.date.map(midnight));
                e.set_updated(midnight(p.updated.or(p.date).unwrap_or(self.today)));
                if !p.description.is_empty() {
                    e.set_summary(Some(Text::plain(super::typo(lang, &p.description))));
                }
                let mut content = Content::default();
                content.set_content_type(Some("html".to_string()));
                // Relative links of the body (`../ateliers/`) resolve
                // against the page, as on the page itself.
                content.set_base(Some(url));
                content.set_value(Some(self.page_html(id)));
                e.set_content(Some(content));
                e
            })
            .collect();
        let updated = entries
            .iter()
            .map(|e| *e.updated())
            .max()
            .unwrap_or_else(|| midnight(self.today));
        let title = format!(
            "{} – {}",
            self.config.title(lang),
            self.string(lang, "feed_news_title")
        );
        let mut feed = self.feed(lang, &news_path(lang), section, title, updated);
        // The feed's own links resolve against the site's address, each
        // entry's content against its page.
        feed.set_base(Some(format!("{}/", self.config.base_url)));
        feed.set_entries(entries);
        feed.to_string()
    }

    /// The upcoming events of `lang` (from the build's day), in calendar
    /// order: title, when and where as summary, links to the calendar page
    /// and to the event's .ics file.
    pub(super) fn events_feed(&self, lang: Lang) -> String {
        let updated = midnight(self.today);
        let cancelled = self.string(lang, "cal_cancelled");
        let entries: Vec<Entry> = self
            .calendar
            .upcoming(self.today)
            .map(|ev| {
                let v = self.event_view(ev, lang);
                let page = v
                    .url
                    .as_deref()
                    .map(|u| self.absolute(u))
                    .unwrap_or_else(|| self.permalink(&format!("/{}/", lang.code())));
                let mut e = Entry::default();
                // The event's own address, stable across builds.
                e.set_id(format!(
                    "{}#{}",
                    page.split('#').next().unwrap_or(&page),
                    v.id
                ));
                let title = if v.status == "cancelled" {
                    format!("{} ({cancelled})", v.title)
                } else {
                    v.title.clone()
                };
                e.set_title(Text::plain(title));
                e.set_updated(updated);
                let mut summary = v.when.clone();
                for part in [v.place.as_deref(), v.summary.as_deref()]
                    .into_iter()
                    .flatten()
                {
                    summary.push_str(" — ");
                    summary.push_str(part);
                }
                e.set_summary(Some(Text::plain(summary)));
                e.set_links(vec![
                    link(page, "alternate", Some("text/html"), Some(lang)),
                    link(
                        self.absolute(&v.ics_url),
                        "related",
                        Some("text/calendar"),
                        None,
                    ),
                ]);
                e
            })
            .collect();
        let title = format!(
            "{} – {}",
            self.config.title(lang),
            self.string(lang, "feed_events_title")
        );
        let calendar = self.calendar_page(lang);
        let mut feed = self.feed(lang, &events_path(lang), calendar, title, updated);
        feed.set_entries(entries);
        feed.to_string()
    }
}

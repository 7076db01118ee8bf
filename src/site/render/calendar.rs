//! The calendar's outputs: the calendar page's context, the home page's
//! next events and the iCalendar feeds.

use serde_json::Value;

use super::IcsScope;
use crate::calendar::ical;
use crate::calendar::{self, Event, EventView};
use crate::core::lang::Lang;
use crate::records::programme::Programme;
use crate::site::content::PageId;
use crate::site::Site;

impl Site {
    /// The page showing the calendar in `lang` (`template: calendar`).
    pub fn calendar_page(&self, lang: Lang) -> Option<PageId> {
        self.calendar_pages
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, id)| *id)
    }

    pub(super) fn ics_path(&self, lang: Lang, scope: &IcsScope) -> String {
        match scope {
            IcsScope::All => format!("{}/calendar.ics", lang.code()),
            IcsScope::Programme(p) => format!("{}/calendar/{p}.ics", lang.code()),
            IcsScope::Event(i) => event_ics_path(lang, &self.calendar.events[*i].id),
        }
    }

    pub(super) fn event_view(&self, e: &Event, lang: Lang) -> EventView {
        let page = self
            .calendar_page(lang)
            .map(|id| format!("{}{}", self.config.base_path, self.library.urls[id]));
        let ics = format!("{}/{}", self.config.base_path, event_ics_path(lang, &e.id));
        let mut v = calendar::event_view(e, lang, self.today, page.as_deref(), ics);
        // Texts from data get the language's spacing, as Markdown does.
        for text in [Some(&mut v.title), v.summary.as_mut(), v.place.as_mut()]
            .into_iter()
            .flatten()
        {
            if let std::borrow::Cow::Owned(t) = super::typo(lang, text) {
                *text = t;
            }
        }
        v
    }

    pub(super) fn calendar_ctx(&self, lang: Lang) -> Value {
        let months: Vec<Value> = calendar::by_month(self.calendar.upcoming(self.today))
            .into_values()
            .map(|events| {
                let first = events[0].when.first_day();
                serde_json::json!({
                    "id": format!("{}-{:02}", first.year(), first.month()),
                    "label": calendar::month_label(first, lang),
                    "events": events.iter().map(|e| self.event_view(e, lang)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let past: Vec<EventView> = self
            .calendar
            .past_this_year(self.today)
            .into_iter()
            .map(|e| self.event_view(e, lang))
            .collect();
        let shown: Vec<&Event> = self
            .calendar
            .upcoming(self.today)
            .chain(self.calendar.past_this_year(self.today))
            .collect();
        let permalink = self
            .calendar_page(lang)
            .map(|id| self.permalink(&self.library.urls[id]));
        let base = &self.config.base_path;
        serde_json::json!({
            "today": calendar::day_label(self.today, lang),
            "months": months,
            "past": past,
            "feed_url": format!("{base}/{}", self.ics_path(lang, &IcsScope::All)),
            // The same feed for calendar apps: webcal:// subscribes (and
            // keeps the calendar up to date) where a download only imports.
            "webcal_url": webcal(&self.permalink(&format!("/{}", self.ics_path(lang, &IcsScope::All)))),
            "programme_feeds": self.programmes.iter().map(|p| serde_json::json!({
                "programme": p.id,
                "name": p.facts.name.get(lang),
                "url": format!("{base}/{}", self.ics_path(lang, &IcsScope::Programme(p.id.clone()))),
            })).collect::<Vec<_>>(),
            "json_ld": calendar::json_ld(&shown, lang, &self.config.organisation, &self.config.base_url, permalink.as_deref()),
        })
    }

    /// How to apply to `programme` on the build's day: its form and "tell
    /// me" addresses (programme file) and its application windows
    /// (calendar): the one open now, else the next one.
    pub(super) fn application_ctx(&self, programme: &Programme, lang: Lang) -> Value {
        let windows: Vec<&Event> = self
            .calendar
            .events
            .iter()
            .filter(|e| {
                e.kind == calendar::Kind::ApplicationWindow
                    && e.programme == programme.id
                    && e.status != calendar::Status::Cancelled
                    && e.when.last_day() >= self.today
            })
            .collect();
        let window = |e: &Event| {
            serde_json::json!({
                "first": calendar::day_label(e.when.first_day(), lang),
                "last": calendar::day_label(e.when.last_day(), lang),
                "url": self.event_view(e, lang).url,
            })
        };
        let open = windows.first().filter(|e| e.when.first_day() <= self.today);
        let next = windows.iter().find(|e| e.when.first_day() > self.today);
        let app = programme.facts.application.as_ref();
        serde_json::json!({
            "form": app.map(|a| &a.form),
            "notify": app.and_then(|a| a.notify.as_ref()),
            "open": open.map(|e| window(e)),
            "next": next.map(|e| window(e)),
            "calendar_url": self
                .calendar_page(lang)
                .map(|id| format!("{}{}", self.config.base_path, self.library.urls[id])),
        })
    }

    pub(super) fn ics(&self, lang: Lang, scope: &IcsScope) -> String {
        let events: Vec<&Event> = match scope {
            IcsScope::All => self.calendar.events.iter().collect(),
            IcsScope::Programme(p) => self
                .calendar
                .events
                .iter()
                .filter(|e| &e.programme == p)
                .collect(),
            IcsScope::Event(i) => self.calendar.events.get(*i).into_iter().collect(),
        };
        let page = self
            .calendar_page(lang)
            .map(|id| self.permalink(&self.library.urls[id]));
        let host = self
            .config
            .base_url
            .split("://")
            .nth(1)
            .unwrap_or("")
            .split('/')
            .next()
            .unwrap_or("");
        let name = match scope {
            IcsScope::Programme(p) => format!("{} ({p})", self.config.title(lang)),
            _ => self.config.title(lang).to_string(),
        };
        ical::feed(
            &events,
            &ical::FeedContext {
                host,
                page_url: page.as_deref(),
                today: self.today,
                lang,
                name: &name,
            },
        )
    }
}

/// `https://host/x.ics` as `webcal://host/x.ics`.
fn webcal(url: &str) -> String {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    format!("webcal://{rest}")
}

/// Where the "add to my calendar" file of one event lives.
fn event_ics_path(lang: Lang, id: &str) -> String {
    format!("{}/calendar/events/{id}.ics", lang.code())
}

//! The public example site as visitors and validators see it (issue 11):
//! the repository's own site and the example programme sites, built with
//! the real binary at a fixed day, read with an HTML parser and CSS
//! selectors. The third-party validators and the browser tests run in
//! tests/site/ (`.ci/run`); these tests pin each defect they found.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{engage, repo, stderr};
use scraper::{ElementRef, Html, Selector};

/// A day with past and upcoming events, and no application window open.
const TODAY: &str = "2026-11-15";
/// A day inside the February 2027 application window.
const WINDOW_DAY: &str = "2027-02-10";

/// A built site: its output folder inside a temporary folder of its own.
struct Built(tempfile::TempDir);

impl Built {
    fn path(&self) -> PathBuf {
        self.0.path().join("public")
    }
}

/// Builds the site at `root` on `today`. Each build gets a parent folder of
/// its own: a build removes leftover staging folders beside its output, so
/// two builds in parallel in one folder (/tmp) would remove each other's.
fn build(root: &Path, today: &str) -> Built {
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("public");
    let o = engage(
        root,
        &["build", "--today", today, "--output", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    Built(parent)
}

/// The example site at the repository's root, built once on [`TODAY`].
fn site() -> &'static Path {
    static SITE: OnceLock<(Built, PathBuf)> = OnceLock::new();
    &SITE
        .get_or_init(|| {
            let b = build(&repo(), TODAY);
            let p = b.path();
            (b, p)
        })
        .1
}

fn page(out: &Path, rel: &str) -> Html {
    let text = std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Html::parse_document(&text)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"))
}

fn text(e: ElementRef) -> String {
    e.text().collect()
}

fn all<'a>(doc: &'a Html, s: &str) -> Vec<ElementRef<'a>> {
    doc.select(&sel(s)).collect()
}

fn one<'a>(doc: &'a Html, s: &str) -> ElementRef<'a> {
    let found = all(doc, s);
    assert_eq!(found.len(), 1, "exactly one `{s}`");
    found[0]
}

/// Every HTML file of a built site, relative to it.
fn html_files(out: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().strip_prefix(out).unwrap().to_path_buf())
        .collect()
}

/// The children of a `<noscript>`: html5ever parses them as text (as a
/// browser with scripts does), so they are parsed again as a fragment.
fn noscript(doc: &Html) -> Html {
    let inner: String = all(doc, "noscript").into_iter().map(text).collect();
    Html::parse_fragment(&inner)
}

#[test]
fn search_form_submits_to_its_page_and_without_javascript_says_what_to_do() {
    for (rel, url) in [
        ("fr/recherche/index.html", "/fr/recherche/"),
        ("en/search/index.html", "/en/search/"),
    ] {
        let doc = page(site(), rel);
        let form = one(&doc, "form.search-form");
        assert_eq!(form.attr("action"), Some(url), "{rel}: a real action");
        assert!(form.attr("hidden").is_some(), "{rel}: hidden until ready");
        assert!(
            all(&doc, "nav.search-fallback").is_empty(),
            "{rel}: the fallback menu shows only without JavaScript"
        );
        let fallback = noscript(&doc);
        let note = one(&fallback, ".search-nojs");
        assert!(text(note).contains("JavaScript"), "{rel}: says why");
        assert!(
            !all(&fallback, "nav.search-fallback a").is_empty(),
            "{rel}: links to go on with"
        );
    }
    // `hidden` must win over the form's `display: flex`.
    let css = std::fs::read_to_string(site().join("style.css")).unwrap();
    assert!(
        css.contains("[hidden] {\n  display: none !important;"),
        "style.css makes `hidden` win"
    );
}

#[test]
fn every_form_control_has_a_label() {
    for rel in html_files(site()) {
        let doc = page(site(), rel.to_str().unwrap());
        for input in all(&doc, "input:not([type=hidden]), select, textarea") {
            let labelled = input.attr("aria-label").is_some()
                || input.attr("aria-labelledby").is_some()
                || input
                    .attr("id")
                    .is_some_and(|id| !all(&doc, &format!("label[for=\"{id}\"]")).is_empty())
                || input
                    .ancestors()
                    .filter_map(ElementRef::wrap)
                    .any(|a| a.value().name() == "label");
            assert!(labelled, "{}: {}", rel.display(), input.html());
        }
    }
}

#[test]
fn the_language_chooser_stays_put_and_offers_every_language() {
    let doc = page(site(), "index.html");
    assert!(all(&doc, "script").is_empty(), "no script navigates away");
    let links: Vec<_> = all(&doc, ".choices a[hreflang]")
        .into_iter()
        .filter_map(|a| a.attr("href"))
        .collect();
    assert_eq!(links, ["/fr/", "/en/"]);
}

#[test]
fn hreflang_alternates_are_reciprocal() {
    // The notice served where a page is not translated declares none.
    let doc = page(site(), "en/certificate/ateliers-2023-2024/index.html");
    assert!(all(&doc, "link[rel=alternate][hreflang=fr]").is_empty());
    // Every alternate page lists the page back.
    let base = "https://engage.example.org";
    for rel in html_files(site()) {
        let doc = page(site(), rel.to_str().unwrap());
        let Some(canonical) = all(&doc, "link[rel=canonical]")
            .first()
            .and_then(|l| l.attr("href"))
            .map(str::to_string)
        else {
            continue;
        };
        for alt in all(&doc, "link[rel=alternate][hreflang]") {
            if alt.attr("hreflang") == Some("x-default") {
                continue;
            }
            let href = alt.attr("href").unwrap();
            let path = href.strip_prefix(base).unwrap();
            let other = page(site(), &format!("{}index.html", &path[1..]));
            let back: Vec<_> = all(&other, "link[rel=alternate][hreflang]")
                .into_iter()
                .filter_map(|l| l.attr("href"))
                .collect();
            assert!(
                back.contains(&canonical.as_str()),
                "{} → {href} has no return link",
                rel.display()
            );
        }
    }
}

#[test]
fn past_events_offer_neither_registration_nor_places() {
    for rel in ["fr/agenda/index.html", "en/calendar/index.html"] {
        let doc = page(site(), rel);
        let past = all(&doc, ".events-past .event");
        assert!(!past.is_empty(), "{rel}: the day has past events");
        assert!(
            all(
                &doc,
                ".events-past .event a.button, .events-past .event-capacity"
            )
            .is_empty(),
            "{rel}"
        );
        // Upcoming open workshops still do.
        assert!(!all(&doc, ".events-upcoming .event-open a.button").is_empty());
    }
}

#[test]
fn english_calendar_speaks_english_about_places_and_languages() {
    let doc = page(site(), "en/calendar/index.html");
    let places: Vec<String> = all(&doc, ".event-where").into_iter().map(text).collect();
    assert!(!places.is_empty());
    for p in &places {
        assert!(
            !p.contains("Bâtiment") && !p.contains("Bruxelles"),
            "French place on an English page: {p}"
        );
    }
    for note in all(&doc, ".event-language") {
        let event = note
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|a| a.value().classes().any(|c| c == "event"))
            .unwrap();
        let kind = text(event.select(&sel(".event-kind")).next().unwrap());
        assert!(
            kind == "Workshop" || kind == "Information session",
            "a language note on a {kind}"
        );
    }
    let kinds: Vec<String> = all(&doc, ".event-kind").into_iter().map(text).collect();
    assert!(kinds.iter().all(|k| k != "Jury"), "{kinds:?}");
}

#[test]
fn faq_closing_words_are_not_part_of_the_last_answer() {
    for (rel, closing) in [
        ("fr/questions-frequentes/index.html", "Ta question"),
        ("en/faq/index.html", "Can’t find your question"),
    ] {
        let doc = page(site(), rel);
        let answers = all(&doc, ".faq-question .content");
        let last = text(*answers.last().unwrap());
        assert!(!last.contains(closing), "{rel}: {last}");
        assert!(text(one(&doc, ".faq-outro")).contains(closing), "{rel}");
        let ld: serde_json::Value =
            serde_json::from_str(&text(one(&doc, "script[type=\"application/ld+json\"]"))).unwrap();
        let entities = ld["mainEntity"].as_array().unwrap();
        let last = entities.last().unwrap()["acceptedAnswer"]["text"]
            .as_str()
            .unwrap();
        assert!(!last.contains(closing), "{rel} JSON-LD: {last}");
    }
}

#[test]
fn permalink_labels_use_each_language_s_spacing() {
    let en = page(site(), "en/faq/index.html");
    for a in all(&en, ".permalink") {
        let label = a.attr("aria-label").unwrap();
        assert!(label.starts_with("Link to this question: "), "{label:?}");
    }
    let fr = page(site(), "fr/questions-frequentes/index.html");
    for a in all(&fr, ".permalink") {
        let label = a.attr("aria-label").unwrap();
        assert!(
            label.starts_with("Lien vers cette question\u{A0}: "),
            "{label:?}"
        );
    }
}

#[test]
fn the_not_found_page_speaks_every_language() {
    let doc = page(site(), "404.html");
    assert_eq!(one(&doc, "html").attr("lang"), Some("fr"));
    let en = one(&doc, ".not-found-other[lang=en]");
    assert_eq!(
        text(one(&doc, ".not-found-other[lang=en] h2")),
        "Page not found"
    );
    assert_eq!(
        en.select(&sel("a[href=\"/en/\"]")).count(),
        1,
        "a way to the English home page"
    );
}

#[test]
fn key_facts_have_no_empty_count_no_internal_rule_and_the_cost_and_workshops() {
    for (rel, cost, workshops, internal) in [
        (
            "fr/certificat/index.html",
            "600\u{A0}€",
            "6 à 7 par an",
            ["Pas de date future", "Places par rentrée"],
        ),
        (
            "en/certificate/index.html",
            "€600",
            "6 to 7 a year",
            ["No future date", "Places per intake"],
        ),
    ] {
        let doc = page(site(), rel);
        let facts: Vec<String> = all(&doc, ".key-facts dd").into_iter().map(text).collect();
        assert!(
            facts.iter().all(|f| !f.contains("( ") && !f.contains("()")),
            "{rel}: {facts:?}"
        );
        assert!(facts.iter().any(|f| f.contains(cost)), "{rel}: {facts:?}");
        assert!(
            facts.iter().any(|f| f.contains(workshops)),
            "{rel}: {facts:?}"
        );
        let rules: Vec<String> = all(&doc, ".requirements li")
            .into_iter()
            .map(text)
            .collect();
        assert!(!rules.is_empty());
        for i in internal {
            assert!(!rules.iter().any(|r| r == i), "{rel}: {rules:?}");
        }
    }
}

#[test]
fn applicants_find_the_form_the_dates_and_the_calendar() {
    let pages = [
        ("fr/certificat/index.html", "/fr/agenda/"),
        ("fr/certificat/inscription/index.html", "/fr/agenda/"),
        ("fr/questions-frequentes/index.html", "/fr/agenda/"),
        ("en/certificate/index.html", "/en/calendar/"),
        ("en/certificate/apply/index.html", "/en/calendar/"),
        ("en/faq/index.html", "/en/calendar/"),
    ];
    // Outside a window: the next dates and a "tell me" link.
    for (rel, calendar) in pages {
        let doc = page(site(), rel);
        let bx = one(&doc, ".apply-box");
        let t = text(bx);
        assert!(t.contains("2027"), "{rel}: the next window's dates: {t}");
        let links: Vec<_> = bx
            .select(&sel("a"))
            .filter_map(|a| a.attr("href"))
            .collect();
        assert!(links.contains(&calendar), "{rel}: {links:?}");
        assert!(
            links.iter().any(|l| l.starts_with("mailto:")),
            "{rel}: tell me when applications open: {links:?}"
        );
    }
    // Inside a window: the form.
    let during = build(&repo(), WINDOW_DAY);
    for (rel, _) in pages {
        let doc = page(&during.path(), rel);
        let form: Vec<_> = all(&doc, ".apply-box a.button")
            .into_iter()
            .filter_map(|a| a.attr("href"))
            .collect();
        assert_eq!(
            form,
            ["https://engage.example.org/candidature/ceci"],
            "{rel}"
        );
    }
}

#[test]
fn french_spacing_in_titles_descriptions_tables_of_contents_and_data() {
    let ordinary = regex_free_ordinary_space;
    for rel in html_files(site()) {
        let rel = rel.to_str().unwrap();
        if !rel.starts_with("fr/") {
            continue;
        }
        let doc = page(site(), rel);
        let mut texts: Vec<String> = all(
            &doc,
            "title, h1, .toc a, .event-title, .event-where, .key-facts dd, .children h3",
        )
        .into_iter()
        .map(text)
        .collect();
        texts.extend(
            all(&doc, "meta[name=description]")
                .into_iter()
                .filter_map(|m| m.attr("content").map(str::to_string)),
        );
        for t in texts {
            assert!(!ordinary(&t), "{rel}: ordinary space in {t:?}");
        }
    }
}

/// Whether `t` has an ordinary space before `? ! : ;` or inside « ».
fn regex_free_ordinary_space(t: &str) -> bool {
    [" ?", " !", " :", " ;", "« ", " »"]
        .iter()
        .any(|p| t.contains(p))
}

#[test]
fn french_pages_write_french_decimals() {
    let out = build(&repo().join("examples/escom"), TODAY);
    let doc = page(&out.path(), "fr/module/index.html");
    let scale = text(
        all(&doc, ".key-facts dd")
            .into_iter()
            .find(|d| text(*d).contains("ECTS"))
            .unwrap(),
    );
    assert!(scale.contains("0,5\u{A0}ECTS"), "{scale}");
    assert!(!scale.contains("0.5"), "{scale}");
    let en = page(&out.path(), "en/module/index.html");
    assert!(text(one(&en, ".key-facts")).contains("0.5\u{A0}ECTS"));
}

#[test]
fn example_programme_sites_build_with_the_plain_command() {
    for name in ["escom", "cire", "micro-credential"] {
        let out = build(&repo().join("examples").join(name), TODAY);
        let doc = page(&out.path(), "en/index.html");
        assert_eq!(one(&doc, "html").attr("lang"), Some("en"), "{name}");
    }
}

#[test]
fn every_icalendar_line_fits_in_75_octets() {
    let mut files = 0;
    for e in walkdir::WalkDir::new(site())
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.path().extension().is_none_or(|x| x != "ics") {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(e.path()).unwrap();
        for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            assert!(
                line.len() <= 75,
                "{}:{}: {} octets",
                e.path().display(),
                n + 1,
                line.len()
            );
        }
    }
    assert!(files > 10, "{files} feeds");
}

#[test]
fn content_states_the_cost_and_names_modules_as_the_programme_file_does() {
    let fr = page(site(), "fr/questions-frequentes/index.html");
    let cost = text(one(&fr, "#cost .content"));
    assert!(
        cost.contains("600\u{A0}€") && !cost.contains("environ"),
        "{cost}"
    );
    let en = page(site(), "en/faq/index.html");
    let cost = text(one(&en, "#cost .content"));
    assert!(cost.contains("€600") && !cost.contains("about"), "{cost}");
    // The module names of data/programmes/ceci.yml, on the modules page and
    // in the FAQ's answer.
    for (rel, faq, name) in [
        (
            "fr/certificat/modules/index.html",
            "fr/questions-frequentes/index.html",
            "Engagement citoyen et enjeux de société",
        ),
        (
            "en/certificate/modules/index.html",
            "en/faq/index.html",
            "Civic engagement and society’s challenges",
        ),
    ] {
        assert!(
            text(one(&page(site(), rel), "main")).contains(name),
            "{rel}"
        );
        assert!(
            text(one(&page(site(), faq), "#modules .content")).contains(name),
            "{faq}"
        );
    }
}

#[test]
fn pages_have_a_favicon_social_cards_and_a_webcal_link() {
    for rel in ["index.html", "fr/index.html", "en/faq/index.html"] {
        let doc = page(site(), rel);
        let icon = one(&doc, "link[rel=icon]").attr("href").unwrap();
        assert!(
            site().join(icon.trim_start_matches('/')).is_file(),
            "{rel}: {icon}"
        );
    }
    for (rel, locale) in [("fr/index.html", "fr_BE"), ("en/faq/index.html", "en_GB")] {
        let doc = page(site(), rel);
        let og = |p: &str| {
            one(&doc, &format!("meta[property=\"og:{p}\"]"))
                .attr("content")
                .unwrap()
                .to_string()
        };
        assert_eq!(og("locale"), locale);
        assert_eq!(og("image"), "https://engage.example.org/social.png");
        assert_eq!(
            og("url"),
            one(&doc, "link[rel=canonical]").attr("href").unwrap()
        );
        assert!(!og("title").is_empty() && !og("description").is_empty());
        assert!(site().join("social.png").is_file());
        assert_eq!(
            one(&doc, "meta[name=\"twitter:card\"]").attr("content"),
            Some("summary_large_image")
        );
    }
    let doc = page(site(), "fr/agenda/index.html");
    let hrefs: Vec<_> = all(&doc, ".feeds a")
        .into_iter()
        .filter_map(|a| a.attr("href"))
        .collect();
    assert_eq!(
        hrefs,
        [
            "webcal://engage.example.org/fr/calendar.ics",
            "/fr/calendar.ics",
            "/fr/events.xml"
        ]
    );
    // The visible Atom link is the feed the head announces, so a reader
    // without a feed-detecting browser finds it on the calendar too.
    let announced: Vec<_> = all(&doc, "link[rel=alternate][type=\"application/atom+xml\"]")
        .into_iter()
        .filter_map(|l| l.attr("href"))
        .collect();
    assert!(announced.contains(&"/fr/events.xml"), "{announced:?}");
    assert_eq!(
        one(&doc, ".feeds a[href=\"/fr/events.xml\"]").attr("type"),
        Some("application/atom+xml")
    );
}

#[test]
fn addresses_shown_as_text_break_between_their_parts() {
    for rel in ["fr/agenda/index.html", "en/calendar/index.html"] {
        let doc = page(site(), rel);
        let urls = all(&doc, "a.url");
        assert!(!urls.is_empty(), "{rel}: online events show their address");
        for a in urls {
            assert_eq!(
                text(a),
                a.attr("href").unwrap(),
                "{rel}: the text is the address"
            );
            assert!(
                a.select(&sel("wbr")).count() >= 3,
                "{rel}: break opportunities after / and before ."
            );
        }
    }
}

#[test]
fn sub_pages_have_a_breadcrumb_trail() {
    let doc = page(site(), "fr/certificat/stage/index.html");
    let trail: Vec<String> = all(&doc, "nav.breadcrumbs li")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(trail, ["Accueil", "Le programme CECi", "Le stage bénévole"]);
    let links: Vec<_> = all(&doc, "nav.breadcrumbs a")
        .into_iter()
        .filter_map(|a| a.attr("href"))
        .collect();
    assert_eq!(links, ["/fr/", "/fr/certificat/"]);
    assert_eq!(
        one(&doc, "nav.breadcrumbs [aria-current=page]")
            .value()
            .name(),
        "span"
    );
    let en = page(site(), "en/faq/index.html");
    let trail: Vec<String> = all(&en, "nav.breadcrumbs li")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(trail, ["Home", "Frequently asked questions"]);
    assert!(all(&page(site(), "fr/index.html"), "nav.breadcrumbs").is_empty());
}

#[test]
fn section_pages_link_to_the_previous_and_next_page() {
    let doc = page(site(), "fr/certificat/stage/index.html");
    let prev = one(&doc, "nav.pager a[rel=prev]").attr("href");
    let next = one(&doc, "nav.pager a[rel=next]").attr("href");
    assert_eq!(prev, Some("/fr/certificat/modules/"));
    assert_eq!(next, Some("/fr/certificat/portfolio/"));
    // The section's own page and pages outside a section have none.
    assert!(all(&page(site(), "fr/certificat/index.html"), "nav.pager").is_empty());
    assert!(all(&page(site(), "fr/contact/index.html"), "nav.pager").is_empty());
}

/// The editor address of the example site (data/site.yml).
const EDIT_URL: &str = "https://github.com/ulb-engagee/engage-site/edit/main/";

#[test]
fn content_pages_link_to_their_file_in_the_web_editor() {
    for (rel, file) in [
        ("fr/index.html", "content/_index.fr.md"),
        ("en/faq/index.html", "content/faq.en.md"),
        (
            "en/certificate/internship/index.html",
            "content/ceci/stage.en.md",
        ),
        (
            "fr/certificat/ateliers-2023-2024/index.html",
            "content/ceci/ateliers-2023-2024.fr.md",
        ),
    ] {
        let doc = page(site(), rel);
        let a = one(&doc, ".page-end .edit-page a");
        assert_eq!(
            a.attr("href"),
            Some(format!("{EDIT_URL}{file}").as_str()),
            "{rel}"
        );
        assert_eq!(a.attr("rel"), Some("external"), "{rel}");
        let label = text(a);
        assert!(
            label.starts_with(if rel.starts_with("fr/") {
                "Modifier cette page"
            } else {
                "Edit this page"
            }),
            "{rel}: {label}"
        );
    }
    // Pages that come from no content file have nothing to edit.
    for rel in [
        "404.html",
        "en/404.html",
        "en/certificate/ateliers-2023-2024/index.html",
    ] {
        assert!(all(&page(site(), rel), ".edit-page").is_empty(), "{rel}");
    }
}

#[test]
fn long_pages_end_with_a_link_back_to_the_top_and_short_ones_do_not() {
    for rel in [
        "fr/questions-frequentes/index.html",
        "en/calendar/index.html",
        "en/certificate/index.html",
    ] {
        let doc = page(site(), rel);
        assert_eq!(
            one(&doc, ".back-to-top a").attr("href"),
            Some("#top"),
            "{rel}"
        );
        // The target is the top of the document itself, so that focus goes
        // back to the start (the skip link comes next).
        assert_eq!(one(&doc, "body").attr("id"), Some("top"), "{rel}");
    }
    assert!(all(&page(site(), "en/contact/index.html"), ".back-to-top").is_empty());
}

/// 2026-03-10T12:00:00Z.
const FIRST_COMMIT: i64 = 1_773_144_000;
/// 2026-03-28T23:30:00Z: already 29 March in Brussels.
const SECOND_COMMIT: i64 = 1_774_740_600;

fn commit_all(git: &git2::Repository, seconds: i64) {
    common::git::commit_all_at(git, seconds, "change");
}

/// The "last updated" line of a built page: its `datetime` and its text.
fn last_updated(out: &Path, rel: &str) -> Option<(String, String)> {
    let doc = page(out, rel);
    let found = all(&doc, ".page-end .last-updated time");
    assert!(found.len() <= 1, "{rel}");
    found
        .first()
        .map(|t| (t.attr("datetime").unwrap_or_default().to_string(), text(*t)))
}

#[test]
fn pages_show_the_day_of_their_files_last_commit_in_brussels() {
    let dir = common::fixture("basic");
    let root = dir.path();
    let git = git2::Repository::init(root).unwrap();
    commit_all(&git, FIRST_COMMIT);
    common::write(
        root,
        "content/faq.fr.md",
        common::read(root, "content/faq.fr.md") + "\nUne dernière précision.\n",
    );
    commit_all(&git, SECOND_COMMIT);
    // Written but never committed: no date to show.
    common::write(
        root,
        "content/nouveau.fr.md",
        "---\ntitle: Nouveau\n---\nBientôt.\n",
    );
    let built = build(root, TODAY);
    let out = built.path();
    assert_eq!(
        last_updated(&out, "fr/questions-frequentes/index.html"),
        Some(("2026-03-29".into(), "29 mars 2026".into()))
    );
    assert_eq!(
        last_updated(&out, "en/faq/index.html"),
        Some(("2026-03-10".into(), "10 March 2026".into()))
    );
    assert_eq!(last_updated(&out, "fr/nouveau/index.html"), None);
    assert_eq!(last_updated(&out, "404.html"), None);

    // The same site outside any git repository shows no date at all.
    let plain = common::fixture("basic");
    let out = build(plain.path(), TODAY);
    for rel in html_files(&out.path()) {
        assert_eq!(
            last_updated(&out.path(), rel.to_str().unwrap()),
            None,
            "{rel:?}"
        );
    }
}

fn feed(out: &Path, rel: &str) -> atom_syndication::Feed {
    let bytes = std::fs::read(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    atom_syndication::Feed::read_from(&bytes[..]).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn link_of<'a>(links: &'a [atom_syndication::Link], rel: &str) -> &'a str {
    links
        .iter()
        .find(|l| l.rel() == rel)
        .unwrap_or_else(|| panic!("no `{rel}` link"))
        .href()
}

#[test]
fn news_feeds_list_dated_pages_newest_first_in_each_language() {
    for (lang, expected) in [
        (
            "fr",
            [
                (
                    "Le guide du portfolio a été revu",
                    "/fr/actualites/guide-du-portfolio/",
                ),
                (
                    "Une nouvelle promotion démarre le CECi",
                    "/fr/actualites/rentree-2026/",
                ),
            ],
        ),
        (
            "en",
            [
                (
                    "The portfolio guide has been revised",
                    "/en/news/portfolio-guide-revised/",
                ),
                ("A new intake starts CECi", "/en/news/new-intake-2026/"),
            ],
        ),
    ] {
        let rel = format!("{lang}/atom.xml");
        let f = feed(site(), &rel);
        assert_eq!(f.lang(), Some(lang));
        assert_eq!(f.id(), format!("https://engage.example.org/{rel}"));
        assert_eq!(link_of(f.links(), "self"), f.id());
        assert_eq!(f.authors()[0].name(), "ULB Engagée");
        let got: Vec<(String, String)> = f
            .entries()
            .iter()
            .map(|e| {
                (
                    e.title().value.clone(),
                    link_of(e.links(), "alternate").to_string(),
                )
            })
            .collect();
        let want: Vec<(String, String)> = expected
            .iter()
            .map(|(t, u)| (t.to_string(), format!("https://engage.example.org{u}")))
            .collect();
        assert_eq!(got, want, "{rel}");
        let newest = &f.entries()[0];
        assert_eq!(
            newest.published().unwrap().to_rfc3339(),
            "2026-10-21T00:00:00+02:00"
        );
        assert_eq!(
            f.updated(),
            newest.updated(),
            "{rel}: the newest entry dates the feed"
        );
        assert!(newest
            .content()
            .and_then(|c| c.value())
            .is_some_and(|v| v.contains("<p>")));
        // A relative link of a body resolves against its page, as there.
        for e in f.entries() {
            assert_eq!(
                e.content().and_then(|c| c.base()),
                Some(link_of(e.links(), "alternate")),
                "{rel}"
            );
        }
        // Every page of the language announces it in its head.
        for page_rel in [
            format!("{lang}/index.html"),
            format!("{lang}/contact/index.html"),
        ] {
            let doc = page(site(), &page_rel);
            let hrefs: Vec<&str> = all(
                &doc,
                r#"head link[rel="alternate"][type="application/atom+xml"]"#,
            )
            .into_iter()
            .filter_map(|l| l.attr("href"))
            .collect();
            assert_eq!(
                hrefs,
                [format!("/{lang}/atom.xml"), format!("/{lang}/events.xml")],
                "{page_rel}"
            );
        }
    }
}

/// (event id, last day `YYYYMMDD`) of every event of an .ics file.
fn ics_events(text: &str) -> Vec<(String, String)> {
    text.split("BEGIN:VEVENT")
        .skip(1)
        .map(|block| {
            let field = |name: &str| {
                block
                    .lines()
                    .find(|l| l.starts_with(name))
                    .and_then(|l| l.rsplit(':').next())
                    .unwrap_or_else(|| panic!("{name} in {block}"))
                    .to_string()
            };
            let uid = field("UID");
            let id = uid.split('@').next().unwrap().to_string();
            (id, field("DTEND")[..8].to_string())
        })
        .collect()
}

#[test]
fn event_feeds_hold_the_upcoming_events_only() {
    for lang in ["fr", "en"] {
        let rel = format!("{lang}/events.xml");
        let f = feed(site(), &rel);
        let ids: Vec<String> = f
            .entries()
            .iter()
            .map(|e| {
                let page = link_of(e.links(), "alternate");
                let id = page.rsplit('#').next().unwrap().to_string();
                assert_eq!(e.id(), page);
                let ics = link_of(e.links(), "related");
                assert_eq!(
                    ics,
                    format!("https://engage.example.org/{lang}/calendar/events/{id}.ics")
                );
                id
            })
            .collect();
        // The calendar's events that have not ended by TODAY (an all-day
        // event's DTEND is the day after its last), in calendar order.
        let all = std::fs::read_to_string(site().join(format!("{lang}/calendar.ics"))).unwrap();
        let events = ics_events(&all);
        let upcoming: Vec<String> = events
            .iter()
            .filter(|(_, end)| end.as_str() > "20261115")
            .map(|(id, _)| id.clone())
            .collect();
        assert!(upcoming.len() < events.len(), "the example has past events");
        assert!(!upcoming.is_empty(), "and upcoming ones");
        assert_eq!(ids, upcoming, "{rel}");
    }
}

#[test]
fn news_feed_of_the_basic_fixture() {
    let dir = common::fixture("basic");
    let built = build(dir.path(), TODAY);
    let xml = std::fs::read_to_string(built.path().join("fr/atom.xml")).unwrap();
    insta::assert_snapshot!(xml.replace("><", ">\n<"));
}

#[test]
fn news_feeds_keep_the_thirty_newest_pages() {
    let dir = common::fixture("basic");
    for day in 1..=31 {
        common::write(
            dir.path(),
            &format!("content/nouvelles/n{day}.fr.md"),
            format!("---\ntitle: Nouvelle {day}\ndate: 2026-01-{day:02}\n---\nTexte.\n"),
        );
    }
    let built = build(dir.path(), TODAY);
    let f = feed(&built.path(), "fr/atom.xml");
    let titles: Vec<String> = f
        .entries()
        .iter()
        .map(|e| e.title().value.clone())
        .collect();
    let want: Vec<String> = (2..=31).rev().map(|d| format!("Nouvelle {d}")).collect();
    assert_eq!(titles, want);
}

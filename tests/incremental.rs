//! The preview's incremental rebuilds against the full build: random
//! sequences of saves (pages, FAQ, calendar, templates, programme, record,
//! pages created and deleted, a broken save then its fix) on a copy of the
//! fixture site. After each, the outputs kept in memory must equal those of
//! a fresh load and render, byte for byte, and every output whose bytes
//! changed must be one the dependency graph asked to render.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use engage::serve::snapshot::{Preview, Rebuild};
use engage::site::BuildOptions;
use proptest::prelude::*;

use common::fixture;

/// Pages whose text the edits change (relative to the root).
const PAGES: [&str; 6] = [
    "content/ceci/stage.fr.md",
    "content/ceci/stage.en.md",
    "content/ceci/ateliers.fr.md",
    "content/ceci/_index.fr.md",
    "content/_index.en.md",
    "content/agenda.fr.md",
];
const TEMPLATES: [&str; 4] = ["page", "section", "faq", "base"];
const CALENDAR: &str = "data/calendar/2025-2026.yml";
const PROGRAMME: &str = "data/programmes/ceci.yml";

#[derive(Debug, Clone)]
enum Edit {
    /// A paragraph added at the end of a page.
    Body(usize, u16),
    /// A page's title changed (its section's list, neighbours, notices).
    Title(usize, u16),
    /// A page's weight changed: its section's order.
    Weight(usize, u8),
    /// A page's date changed: the sitemap, the news feed and its order.
    Date(usize, u8),
    /// A question added to the French FAQ.
    Faq(u16),
    /// An event renamed.
    Calendar(u16),
    /// A template changed.
    Template(usize, u16),
    /// A programme fact changed.
    Programme(u16),
    /// A student's record saved: not part of the site.
    Record(u16),
    /// A page created in the section.
    Create(u8),
    /// A created page deleted (or, when none is, the English agenda).
    Delete,
    /// A broken link saved, then removed: an `@/` link to a missing page
    /// on even pages, an address the site does not have on odd ones.
    BrokenThenFixed(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (0..PAGES.len(), any::<u16>()).prop_map(|(p, n)| Edit::Body(p, n)),
        2 => (0..PAGES.len(), any::<u16>()).prop_map(|(p, n)| Edit::Title(p, n)),
        1 => (0..PAGES.len(), 0..4u8).prop_map(|(p, n)| Edit::Weight(p, n)),
        1 => (0..PAGES.len(), 1..10u8).prop_map(|(p, n)| Edit::Date(p, n)),
        1 => any::<u16>().prop_map(Edit::Faq),
        1 => any::<u16>().prop_map(Edit::Calendar),
        1 => (0..TEMPLATES.len(), any::<u16>()).prop_map(|(t, n)| Edit::Template(t, n)),
        1 => (1..30u16).prop_map(Edit::Programme),
        1 => any::<u16>().prop_map(Edit::Record),
        1 => (0..3u8).prop_map(Edit::Create),
        1 => Just(Edit::Delete),
        1 => (0..PAGES.len()).prop_map(Edit::BrokenThenFixed),
    ]
}

fn options() -> BuildOptions {
    BuildOptions {
        today: Some("2026-01-15".parse().unwrap()),
        base_url: Some("http://127.0.0.1:1111".into()),
        ..BuildOptions::default()
    }
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `text` with the front-matter line `key: …` set to `value` (added when
/// missing).
fn set_field(text: &str, key: &str, value: &str) -> String {
    let body = text.strip_prefix("---\n").unwrap();
    let (front, rest) = body.split_once("\n---\n").unwrap();
    let mut lines: Vec<String> = front
        .lines()
        .filter(|l| !l.starts_with(&format!("{key}:")))
        .map(String::from)
        .collect();
    lines.push(format!("{key}: {value}"));
    format!("---\n{}\n---\n{rest}", lines.join("\n"))
}

/// Applies `edit` to the files under `root`; the files changed.
fn apply(root: &Path, originals: &HashMap<&str, String>, edit: &Edit) -> Vec<String> {
    match *edit {
        Edit::Body(p, n) => {
            let text = read(root, PAGES[p]);
            write(root, PAGES[p], &format!("{text}\nParagraphe {n}.\n"));
            vec![PAGES[p].into()]
        }
        Edit::Title(p, n) => {
            let text = read(root, PAGES[p]);
            write(
                root,
                PAGES[p],
                &set_field(&text, "title", &format!("Titre {n}")),
            );
            vec![PAGES[p].into()]
        }
        Edit::Weight(p, n) => {
            let text = read(root, PAGES[p]);
            write(root, PAGES[p], &set_field(&text, "weight", &n.to_string()));
            vec![PAGES[p].into()]
        }
        Edit::Date(p, n) => {
            let text = read(root, PAGES[p]);
            write(
                root,
                PAGES[p],
                &set_field(&text, "date", &format!("2025-0{n}-01")),
            );
            vec![PAGES[p].into()]
        }
        Edit::Faq(n) => {
            let f = "content/faq.fr.md";
            let text = read(root, f);
            write(
                root,
                f,
                &format!("{text}\n## Question {n} ?\n\nRéponse {n}.\n"),
            );
            vec![f.into()]
        }
        Edit::Calendar(n) => {
            let text = originals[CALENDAR].replace("Atelier de rentrée", &format!("Atelier {n}"));
            write(root, CALENDAR, &text);
            vec![CALENDAR.into()]
        }
        Edit::Template(t, n) => {
            let rel = format!("themes/default/templates/{}.html", TEMPLATES[t]);
            let text = read(root, &rel);
            let text = if TEMPLATES[t] == "base" {
                text.replacen("</body>", &format!("<!-- {n} --></body>"), 1)
            } else {
                text.replacen("{% endblock", &format!("<p>t{n}</p>{{% endblock"), 1)
            };
            write(root, &rel, &text);
            vec![rel]
        }
        Edit::Programme(n) => {
            let text = originals[PROGRAMME].replacen("credits: 10", &format!("credits: {n}"), 1);
            write(root, PROGRAMME, &text);
            vec![PROGRAMME.into()]
        }
        Edit::Record(n) => {
            let f = "data/portfolios/alice/portfolio.yml";
            write(root, f, &format!("# draft {n}\n"));
            vec![f.into()]
        }
        Edit::Create(n) => {
            let f = format!("content/ceci/nouveau-{n}.fr.md");
            write(
                root,
                &f,
                &format!("---\ntitle: Nouveau {n}\n---\nVoir [la FAQ](@/faq.md).\n"),
            );
            vec![f]
        }
        Edit::Delete => {
            let created = (0..3)
                .map(|n| format!("content/ceci/nouveau-{n}.fr.md"))
                .find(|f| root.join(f).exists());
            let f = created.unwrap_or_else(|| "content/agenda.en.md".into());
            if root.join(&f).exists() {
                std::fs::remove_file(root.join(&f)).unwrap();
            }
            vec![f]
        }
        Edit::BrokenThenFixed(_) => unreachable!("applied in two saves"),
    }
}

type Outputs = HashMap<String, Vec<u8>>;

/// The preview's outputs, unpacked.
fn outputs(p: &Preview) -> Outputs {
    p.outputs()
        .expect("the fixture site builds")
        .iter()
        .map(|(k, v)| (k.clone(), v.bytes()))
        .collect()
}

/// Applies the changed files to the preview, then its deferred outputs;
/// the outputs rendered.
fn save(preview: &mut Preview, changed: &[String]) -> (Option<Rebuild>, BTreeSet<String>) {
    let paths: Vec<PathBuf> = changed.iter().map(PathBuf::from).collect();
    let r = preview.apply(&paths);
    let mut rendered: BTreeSet<String> = r.iter().flat_map(|r| r.rendered.clone()).collect();
    if let Some(later) = preview.finish() {
        rendered.extend(later.rendered);
    }
    (r, rendered)
}

fn full(root: &Path) -> Outputs {
    let (p, r) = Preview::load(root, &options());
    assert!(
        r.snapshot.is_some(),
        "a fresh build fails: {:?}",
        r.diagnostics
    );
    outputs(&p)
}

/// Asserts the preview shows what a full build gives, and that every
/// output that changed was rendered.
fn check(root: &Path, edit: &Edit, before: &Outputs, after: &Outputs, rendered: &BTreeSet<String>) {
    let fresh = full(root);
    let mut keys: Vec<&String> = fresh.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        assert!(
            fresh.get(k) == after.get(k),
            "after {edit:?}, {k} differs from a full build"
        );
    }
    // Outputs that went away are checked by the comparison above.
    for k in after.keys() {
        if before.get(k) != after.get(k) {
            assert!(
                rendered.contains(k),
                "after {edit:?}, {k} changed but the graph did not render it"
            );
        }
    }
}

fn run(edits: Vec<Edit>) {
    let dir = fixture("basic");
    let root = dir.path();
    // A search page, so that each save updates the French search index
    // from the stems the preview keeps for every page.
    write(
        root,
        "content/recherche.fr.md",
        "---\ntitle: Recherche\ntemplate: search\n---\n",
    );
    let originals: HashMap<&str, String> = [CALENDAR, PROGRAMME]
        .into_iter()
        .map(|f| (f, read(root, f)))
        .collect();
    let (mut preview, first) = Preview::load(root, &options());
    assert!(first.snapshot.is_some(), "{:?}", first.diagnostics);
    for edit in &edits {
        let before = outputs(&preview);
        if let Edit::BrokenThenFixed(p) = *edit {
            let good = read(root, PAGES[p]);
            // Half the time written as an address of the site, which the
            // preview checks against its addresses after an edit in place.
            let (link, rule) = match p % 2 {
                0 => ("@/nulle-part.md", "content.link-missing-page"),
                _ => ("/fr/nulle-part/", "content.link-unknown-address"),
            };
            let bad = format!("{good}\n[Perdu]({link})\n");
            write(root, PAGES[p], &bad);
            let (r, _) = save(&mut preview, &[PAGES[p].into()]);
            let r = r.expect("a page is an input");
            let broken: Vec<_> = r
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| (d.rule.to_string(), d.file.clone(), d.position.line))
                .collect();
            let line = bad.lines().count() as u32;
            assert_eq!(broken, [(rule.to_string(), PathBuf::from(PAGES[p]), line)]);
            assert!(r.snapshot.is_none());
            assert_eq!(outputs(&preview), before, "the last good site is kept");
            write(root, PAGES[p], &good);
            let (_, rendered) = save(&mut preview, &[PAGES[p].into()]);
            check(root, edit, &before, &outputs(&preview), &rendered);
            continue;
        }
        let changed = apply(root, &originals, edit);
        let (r, rendered) = save(&mut preview, &changed);
        match edit {
            Edit::Record(_) => assert!(r.is_none(), "a record is not part of the site"),
            Edit::Body(..) | Edit::Faq(_) => {
                // The common save must not render the whole site.
                assert!(
                    rendered.len() * 2 < before.len(),
                    "{edit:?} rendered {} of {} outputs",
                    rendered.len(),
                    before.len()
                );
            }
            _ => {}
        }
        if let Some(r) = &r {
            assert!(
                r.snapshot.is_some(),
                "{edit:?} broke the site: {:?}",
                r.diagnostics
            );
        }
        check(root, edit, &before, &outputs(&preview), &rendered);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn incremental_output_equals_a_full_build(edits in prop::collection::vec(edit(), 1..6)) {
        run(edits);
    }
}

/// The sequence that matters most, whatever proptest draws: a page edited
/// twice, its section reordered, a page created then deleted.
#[test]
fn a_page_edited_moved_created_and_deleted() {
    run(vec![
        Edit::Body(0, 1),
        Edit::Date(0, 3),
        Edit::Faq(5),
        Edit::Title(2, 2),
        Edit::Weight(2, 0),
        Edit::Create(1),
        Edit::Delete,
        Edit::BrokenThenFixed(0),
        Edit::BrokenThenFixed(1),
        Edit::Template(0, 3),
        Edit::Calendar(4),
    ]);
}

/// A static file added or removed in the preview makes or breaks the links
/// written as its address: they are checked again, as a fresh load would.
#[test]
fn a_static_file_added_or_removed_is_seen_by_the_links_to_it() {
    let dir = fixture("basic");
    let root = dir.path();
    let errors = |r: &engage::serve::snapshot::Rebuild| -> Vec<(String, u32)> {
        r.diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| (format!("{} {}", d.rule, d.file.display()), d.position.line))
            .collect()
    };
    let page = "content/ceci/stage.fr.md";
    let text = read(root, page);
    write(
        root,
        page,
        &format!("{text}\n![Une photo](/images/nouvelle.png)\n"),
    );
    let line = text.lines().count() as u32 + 2;
    let (mut preview, first) = Preview::load(root, &options());
    let dead = vec![(format!("content.link-unknown-address {page}"), line)];
    assert_eq!(errors(&first), dead);
    // What `engage serve` does on a change under static/.
    let mut saved = |rel: &str| {
        preview
            .apply(&[PathBuf::from(rel)])
            .unwrap_or_else(|| preview.relist())
    };
    std::fs::create_dir_all(root.join("static/images")).unwrap();
    std::fs::copy(
        root.join("static/photo.png"),
        root.join("static/images/nouvelle.png"),
    )
    .unwrap();
    let added = saved("static/images/nouvelle.png");
    assert_eq!(errors(&added), []);
    assert!(added.snapshot.is_some());
    // `ateliers.fr.md` shows /photo.png.
    std::fs::remove_file(root.join("static/photo.png")).unwrap();
    let removed = saved("static/photo.png");
    assert_eq!(
        errors(&removed),
        [(
            "content.link-unknown-address content/ceci/ateliers.fr.md".to_string(),
            5
        )]
    );
    assert_eq!(errors(&Preview::load(root, &options()).1), errors(&removed));
}

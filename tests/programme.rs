//! Programme pages: the key facts and requirements come from the rules
//! file that `engage check` enforces, so the two cannot disagree.

mod common;

use common::html::Page;
use common::{engage, fixture, stderr};

/// (term, definition) of each line of the key facts box, as read.
fn key_facts(page: &Page) -> Vec<(String, String)> {
    let terms = page.texts("aside.key-facts dl dt");
    let definitions = page.texts("aside.key-facts dl dd");
    assert_eq!(terms.len(), definitions.len(), "one definition per term");
    assert!(!terms.is_empty(), "key facts box without facts");
    terms.into_iter().zip(definitions).collect()
}

/// The definition of `term` in the key facts box.
fn fact(page: &Page, term: &str) -> String {
    let facts = key_facts(page);
    facts
        .iter()
        .find(|(t, _)| t == term)
        .unwrap_or_else(|| panic!("no fact `{term}` in {facts:?}"))
        .1
        .clone()
}

#[test]
fn facts_come_from_the_rules_file_and_follow_its_changes() {
    let site = fixture("basic");
    let out = engage(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let public = site.path().join("public");
    let en = Page::at(&public, "en/certificate/index.html");
    // The numbers of the rules file, each beside its own label; the hours
    // with a no-break space before the unit.
    assert_eq!(fact(&en, "Internship"), "at least 150\u{A0}h");
    assert_eq!(fact(&en, "Credits"), "10 (extra-curricular)");
    assert_eq!(fact(&en, "Places"), "30 per intake");
    assert!(
        fact(&en, "Modules").contains("How an association works"),
        "{:?}",
        key_facts(&en)
    );
    // What `engage check` checks, listed in the same box.
    let requirements = en.texts("aside.key-facts ul.requirements li");
    assert!(
        requirements.contains(&"Internship hours (minimum above)".to_string()),
        "{requirements:?}"
    );
    let fr = Page::at(&public, "fr/certificat/index.html");
    assert_eq!(fact(&fr, "Stage"), "au moins 150\u{A0}h");

    // Staff raise the threshold in the rules file: the page follows.
    let rules = site.path().join("data/programmes/ceci.yml");
    let text = std::fs::read_to_string(&rules)
        .unwrap()
        .replace("min_hours: &min_hours 150", "min_hours: &min_hours 160");
    std::fs::write(&rules, text).unwrap();
    let out = engage(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let en = Page::at(&public, "en/certificate/index.html");
    assert_eq!(fact(&en, "Internship"), "at least 160\u{A0}h");
}

#[test]
fn an_unknown_programme_fails_the_build_at_its_line() {
    let site = fixture("basic");
    let page = site.path().join("content/ceci/_index.en.md");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("programme: ceci", "programme: cecy");
    std::fs::write(&page, text).unwrap();
    let out = engage(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error[content.programme-unknown]"), "{err}");
    assert!(err.contains("content/ceci/_index.en.md:4:12"), "{err}");
    assert!(err.contains("did you mean `ceci`?"), "{err}");
}

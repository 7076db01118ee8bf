//! Programme pages: the key facts and requirements come from the rules
//! file that `engage check` enforces, so the two cannot disagree.

mod common;

use common::{engage, fixture, read, stderr};

fn key_facts(html: &str) -> &str {
    let start = html
        .find("<aside class=\"key-facts\"")
        .expect("key facts box");
    &html[start..start + html[start..].find("</aside>").unwrap()]
}

#[test]
fn facts_come_from_the_rules_file_and_follow_its_changes() {
    let site = fixture("basic");
    let out = engage(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let en = read(&site.path().join("public"), "en/certificate/index.html");
    let facts = key_facts(&en);
    assert!(
        facts.contains("<dt>Internship</dt><dd>at least 150&nbsp;h</dd>"),
        "{facts}"
    );
    assert!(facts.contains("<dd>10 (extra-curricular)</dd>"));
    assert!(facts.contains("<dd>30 per intake</dd>"));
    assert!(facts.contains("How an association works"));
    assert!(facts.contains("<li>Internship hours (minimum above)</li>"));
    let fr = read(&site.path().join("public"), "fr/certificat/index.html");
    assert!(key_facts(&fr).contains("<dt>Stage</dt><dd>au moins 150&nbsp;h</dd>"));

    // Staff raise the threshold in the rules file: the page follows.
    let rules = site.path().join("data/programmes/ceci.yml");
    let text = std::fs::read_to_string(&rules)
        .unwrap()
        .replace("min_hours: &min_hours 150", "min_hours: &min_hours 160");
    std::fs::write(&rules, text).unwrap();
    let out = engage(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let en = read(&site.path().join("public"), "en/certificate/index.html");
    assert!(key_facts(&en).contains("at least 160&nbsp;h"));
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

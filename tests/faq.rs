//! The structured FAQ: outline, anchors, permalinks, JSON-LD, translation
//! warnings and bad input, on the basic fixture site.

mod common;

use common::html::Page;
use common::{engage, fixture, stderr, write};
use engage::site::BuildOptions;
use engage::workspace::build;

const FAQ_FR: &str = "---\ntitle: Questions\nslug: questions-frequentes\ntemplate: faq\n---\nIntro.\n\n## Rejoindre {#joining}\n\n### Qu’est-ce que le CECi ?\n\nUn certificat de **10 crédits**.\n\n### Puis-je faire mon stage dans mon cercle ? {#internship-circle}\n\nOui : voir [le stage](@/ceci/stage.md).\n\n## Valider {#completing}\n\n### Que contient le portfolio ? {#portfolio}\n\nCinq productions.\n\n### Question sans équivalent ?\n\nRéponse.\n";
const FAQ_EN: &str = "---\ntitle: Questions\nslug: faq\ntemplate: faq\n---\n## Joining {#joining}\n\n### What is CECi?\n\nA certificate worth **10 credits**.\n\n### Can I do my internship in my student circle? {#internship-circle}\n\nYes.\n\n### Is there an English-only question? {#english-only}\n\nYes.\n\n## Completing {#completing}\n\n### What goes in the portfolio? {#portfolio}\n\nFive productions.\n";

fn site_with_faq() -> tempfile::TempDir {
    let site = fixture("basic");
    write(site.path(), "content/faq.fr.md", FAQ_FR);
    write(site.path(), "content/faq.en.md", FAQ_EN);
    site
}

#[test]
fn faq_renders_categories_questions_permalinks_and_json_ld() {
    let site = site_with_faq();
    let out = engage(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = Page::at(
        &site.path().join("public"),
        "fr/questions-frequentes/index.html",
    );
    // Table of contents by category, then each question with its anchor,
    // in the order of the file.
    let toc = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(t, h)| (t.to_string(), h.to_string()))
            .collect()
    };
    assert_eq!(
        page.links("nav.toc a"),
        toc(&[
            ("Rejoindre", "#joining"),
            ("Qu’est-ce que le CECi\u{202F}?", "#quest-ce-que-le-ceci"),
            (
                "Puis-je faire mon stage dans mon cercle\u{202F}?",
                "#internship-circle"
            ),
            ("Valider", "#completing"),
            ("Que contient le portfolio\u{202F}?", "#portfolio"),
            (
                "Question sans équivalent\u{202F}?",
                "#question-sans-equivalent"
            ),
        ])
    );
    // Every link of the table leads to an element of the page.
    for (_, href) in page.links("nav.toc a") {
        page.select_one(&href);
    }
    assert_eq!(
        page.attrs("section.faq-question", "id"),
        [
            "quest-ce-que-le-ceci",
            "internship-circle",
            "portfolio",
            "question-sans-equivalent"
        ]
    );
    // Each question carries a permalink to itself.
    assert_eq!(
        page.attr("section.faq-question#internship-circle a.permalink", "href"),
        "#internship-circle"
    );
    // Answers are plain HTML, readable without JavaScript; links resolved.
    assert_eq!(
        page.text("#quest-ce-que-le-ceci .content"),
        "Un certificat de 10 crédits."
    );
    assert_eq!(
        page.text("#quest-ce-que-le-ceci .content strong"),
        "10 crédits"
    );
    assert_eq!(
        page.links("#internship-circle .content a"),
        toc(&[("le stage", "/site/fr/certificat/stage/")])
    );
    // JSON-LD: valid, one entry per question, text as shown.
    let ld = page.json_ld();
    assert_eq!(ld["@type"], "FAQPage");
    let qs = ld["mainEntity"].as_array().unwrap();
    assert_eq!(qs.len(), 4);
    assert_eq!(
        qs[1]["name"],
        "Puis-je faire mon stage dans mon cercle\u{202F}?"
    );
    assert_eq!(qs[1]["acceptedAnswer"]["@type"], "Answer");
    assert_eq!(qs[1]["acceptedAnswer"]["text"], "Oui\u{A0}: voir le stage.");
}

#[test]
fn questions_missing_in_one_language_are_warnings() {
    let site = site_with_faq();
    let report = build(site.path(), &BuildOptions::default());
    assert!(!report.diagnostics.has_errors());
    let mut warnings: Vec<(String, String, u32)> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule.as_str() == "faq.question-untranslated")
        .map(|d| (d.rule.to_string(), d.file.display().to_string(), d.line()))
        .collect();
    warnings.sort();
    // fr "Question sans équivalent" (position 2 of "Valider", none in
    // English) and en "english-only" (explicit id, none in French).
    assert_eq!(
        warnings,
        [
            (
                "faq.question-untranslated".to_string(),
                "content/faq.en.md".to_string(),
                16
            ),
            (
                "faq.question-untranslated".to_string(),
                "content/faq.fr.md".to_string(),
                24
            ),
        ]
    );
}

#[test]
fn question_without_answer_fails_with_its_line() {
    let site = site_with_faq();
    write(
        site.path(),
        "content/faq.fr.md",
        FAQ_FR.replace("Cinq productions.\n", ""),
    );
    let report = build(site.path(), &BuildOptions::default());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule.as_str() == "faq.answer-missing")
        .expect("diagnostic");
    assert_eq!(
        (d.file.to_str().unwrap(), d.line(), d.position.column),
        ("content/faq.fr.md", 20, 1)
    );
    assert!(d.hint.is_some());
    assert_eq!(engage(site.path(), &["build"]).status.code(), Some(1));
}

#[test]
fn two_questions_with_the_same_anchor_fail() {
    let site = site_with_faq();
    let text = FAQ_FR.replace(
        "### Question sans équivalent ?",
        "### Qu’est-ce que le CECi ?",
    );
    write(site.path(), "content/faq.fr.md", text);
    let report = build(site.path(), &BuildOptions::default());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule.as_str() == "faq.anchor-duplicate")
        .expect("diagnostic");
    assert_eq!((d.line(), d.position.column), (24, 1));
    // Explicit ids used twice are caught too.
    let text = FAQ_FR.replace("{#portfolio}", "{#internship-circle}");
    write(site.path(), "content/faq.fr.md", text);
    let report = build(site.path(), &BuildOptions::default());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule.as_str() == "content.anchor-duplicate")
        .expect("diagnostic");
    assert_eq!(d.line(), 20);
}

//! The search index, tested from Rust on the basic fixture: accent- and
//! case-insensitive, stemmed, FAQ questions as their own results.

mod common;

use common::html::Page;
use common::{engage, fixture, read, stderr, write};
use engage::core::lang::Lang;
use engage::core::source::{Disk, Files};
use engage::site::{BuildOptions, Site};
use engage::workspace::{Parts, Workspace};

fn urls(site: &Site, lang: Lang, q: &str) -> Vec<String> {
    site.search_index(lang)
        .query(q)
        .into_iter()
        .map(|d| d.0.clone())
        .collect()
}

#[test]
fn accented_and_stemmed_queries_find_faq_answers() {
    let dir = fixture("basic");
    write(
        dir.path(),
        "content/faq.fr.md",
        "---\ntitle: Questions\nslug: questions-frequentes\ntemplate: faq\n---\n## Qu’est-ce que le CECi ?\n\nUn certificat.\n\n## Comment m’inscrire ? {#how-to-apply}\n\nRemplis le formulaire d’inscription en ligne.\n\n## Puis-je faire mon stage dans mon cercle ? {#internship-circle}\n\nOui, avec l’accord du comité étudiant.\n",
    );
    let ws = Workspace::load(
        Files::new(Disk::new(dir.path())),
        Parts::SITE,
        &BuildOptions::default(),
    );
    assert!(!ws.site_diagnostics().has_errors(), "{:?}", ws.problems);
    let site = ws.site.as_ref().unwrap();
    // Stemming: "inscrire" finds "inscription" and "m’inscrire".
    assert_eq!(
        urls(site, Lang::Fr, "inscrire"),
        ["/site/fr/questions-frequentes/#how-to-apply"]
    );
    // Accents and case do not matter.
    assert_eq!(
        urls(site, Lang::Fr, "COMITE ETUDIANT"),
        ["/site/fr/questions-frequentes/#internship-circle"]
    );
    assert_eq!(
        urls(site, Lang::Fr, "cercles")[0],
        "/site/fr/questions-frequentes/#internship-circle"
    );
    // English index: its own pages only.
    let en = urls(site, Lang::En, "circle");
    assert!(en.contains(&"/site/en/faq/".to_string()), "{en:?}");
    assert!(en.iter().all(|u| u.starts_with("/site/en/")));
    assert!(urls(site, Lang::Fr, "nothing-like-this").is_empty());
}

#[test]
fn the_index_is_written_per_language_and_the_search_page_works_without_javascript() {
    let dir = fixture("basic");
    write(
        dir.path(),
        "content/recherche.fr.md",
        "---\ntitle: Rechercher\nslug: recherche\ntemplate: search\n---\n",
    );
    let out = engage(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let root = dir.path().join("public");
    let index: serde_json::Value =
        serde_json::from_str(&read(&root, "fr/search-index.json")).unwrap();
    assert_eq!(index["stem"], 6);
    // English has no search page: no index is built for it.
    assert!(
        !root.join("en/search-index.json").exists(),
        "an index nobody searches"
    );
    let docs = index["docs"].as_array().unwrap();
    assert!(docs
        .iter()
        .any(|d| d[0] == "/site/fr/certificat/stage/" && d[1] == "Le stage"));
    assert!(index["text"]["associ"].is_array(), "stems are keys");
    let page = Page::at(&root, "fr/recherche/index.html");
    // The form waits for the script (hidden until it runs) and knows the
    // index of its language; without the script, a message and plain links.
    let form = page.select_one("form[role=search]");
    assert_eq!(form.attr("data-index"), Some("/site/fr/search-index.json"));
    assert!(form.attr("hidden").is_some(), "{}", form.html());
    assert!(
        page.text("noscript").contains("JavaScript"),
        "{}",
        page.text("noscript")
    );
    // The fallback links sit inside <noscript> (hidden when the script
    // runs), which the parser reads as text: parse them as a fragment.
    page.assert_none("nav.search-fallback");
    let fallback = scraper::Html::parse_fragment(&page.text("noscript"));
    let links: Vec<_> = fallback
        .select(&scraper::Selector::parse("nav.search-fallback a").unwrap())
        .filter_map(|a| a.attr("href"))
        .collect();
    assert_eq!(
        links,
        ["/site/fr/certificat/", "/site/fr/questions-frequentes/"]
    );
    let script = page.select_one(r#"script[src="/site/search.js"]"#);
    assert!(script.attr("defer").is_some(), "{}", script.html());
    assert!(root.join("search.js").is_file());
}

//! `engage build` on fixture sites: the HTML it produces, and what it does
//! with each kind of bad input.

mod common;

use std::path::Path;

use common::html::{text, Page};
use common::{engage, fixture, read, stderr, write};
use engage::core::diagnostic::Diagnostics;
use engage::site::BuildOptions;
use engage::workspace::build;

fn diagnostics(root: &Path) -> Diagnostics {
    build(root, &BuildOptions::default()).diagnostics
}

/// (rule, file, line) of every diagnostic, for exact assertions.
fn located(ds: &Diagnostics) -> Vec<(String, String, u32)> {
    ds.iter()
        .map(|d| (d.rule.to_string(), d.file.display().to_string(), d.line()))
        .collect()
}

#[test]
fn builds_both_languages_with_switcher_hreflang_and_canonical() {
    let site = fixture("basic");
    let out = engage(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let root = site.path().join("public");
    let fr = Page::at(&root, "fr/certificat/stage/index.html");
    let en = Page::at(&root, "en/certificate/internship/index.html");
    assert_eq!(fr.lang(), "fr", "lang attribute");
    assert_eq!(en.lang(), "en");
    // The switcher leads to the same page in the other language, named in
    // that language.
    let to_en = fr.select_one("nav.switcher a[hreflang=en]");
    assert_eq!(to_en.attr("href"), Some("/site/en/certificate/internship/"));
    assert_eq!(text(to_en), "English");
    assert_eq!(to_en.attr("lang"), Some("en"));
    let to_fr = en.select_one("nav.switcher a[hreflang=fr]");
    assert_eq!(to_fr.attr("href"), Some("/site/fr/certificat/stage/"));
    assert_eq!(text(to_fr), "Français");
    // Both languages declare the same alternates, absolute, x-default last;
    // each page is its own canonical.
    for page in [&fr, &en] {
        let hreflang = page.attrs("head link[rel=alternate][hreflang]", "hreflang");
        let href = page.attrs("head link[rel=alternate][hreflang]", "href");
        assert_eq!(
            hreflang.into_iter().zip(href).collect::<Vec<_>>(),
            [
                (
                    "fr".to_string(),
                    "https://example.org/site/fr/certificat/stage/".to_string()
                ),
                (
                    "en".to_string(),
                    "https://example.org/site/en/certificate/internship/".to_string()
                ),
                (
                    "x-default".to_string(),
                    "https://example.org/site/".to_string()
                ),
            ]
        );
    }
    assert_eq!(
        fr.attr("head link[rel=canonical]", "href"),
        "https://example.org/site/fr/certificat/stage/"
    );
    assert_eq!(
        en.attr("head link[rel=canonical]", "href"),
        "https://example.org/site/en/certificate/internship/"
    );
    // Root, 404s, sitemap, robots, static files.
    for f in [
        "index.html",
        "404.html",
        "fr/404.html",
        "en/404.html",
        "sitemap.xml",
        "robots.txt",
        "hello.txt",
        "style.css",
    ] {
        assert!(root.join(f).is_file(), "{f} missing");
    }
    // The language chooser at / leads to each language's home.
    let chooser = Page::at(&root, "index.html");
    assert_eq!(chooser.attr("main a[hreflang=fr]", "href"), "/site/fr/");
    assert_eq!(chooser.attr("main a[hreflang=en]", "href"), "/site/en/");
}

#[test]
fn headings_links_and_french_typography() {
    let site = fixture("basic");
    assert!(!diagnostics(site.path()).has_errors());
    let root = site.path().join("public");
    let fr = Page::at(&root, "fr/certificat/stage/index.html");
    // Unique readable anchors: the same heading twice gets two ids.
    assert_eq!(
        fr.attrs(".content h2", "id"),
        ["ou-faire-son-stage", "ou-faire-son-stage-1"]
    );
    assert_eq!(
        fr.text("h2#ou-faire-son-stage"),
        "Où faire son stage\u{202F}?"
    );
    // French spaces in text, not in code or URLs.
    assert_eq!(
        fr.texts(".content p"),
        [
            "Dans une association\u{A0}: un cercle, par exemple\u{202F}! Voir «\u{202F}la FAQ\u{202F}» et le cercle.",
            "Heure limite\u{A0}: 18:00 ; fin, puis https://example.org/a?b=c",
        ]
    );
    assert_eq!(fr.text(".content p code"), "18:00 ; fin");
    // Internal links resolve in the page's language, with their anchor.
    assert_eq!(
        fr.links(".content a"),
        [(
            "le cercle".to_string(),
            "/site/fr/questions-frequentes/#internship-circle".to_string()
        )]
    );
    let en = Page::at(&root, "en/certificate/internship/index.html");
    // No French spacing in English.
    assert_eq!(en.text("h2#where-to-do-it"), "Where to do it?");
    // A link to a French-only page falls back to French.
    assert_eq!(
        en.links(".content a"),
        [
            (
                "the circle question".to_string(),
                "/site/en/faq/#internship-circle".to_string()
            ),
            (
                "workshops".to_string(),
                "/site/fr/certificat/ateliers/".to_string()
            ),
        ]
    );
    let home = Page::at(&root, "fr/index.html");
    assert_eq!(
        home.links(".content a"),
        [(
            "FAQ".to_string(),
            "/site/fr/questions-frequentes/#quest-ce-que-le-ceci".to_string()
        )]
    );
}

#[test]
fn untranslated_page_gets_a_notice_and_a_warning() {
    let site = fixture("basic");
    let report = build(site.path(), &BuildOptions::default());
    let warnings = located(&report.diagnostics);
    assert!(
        warnings.contains(&(
            "content.not-translated".into(),
            "content/ceci/ateliers.fr.md".into(),
            1
        )),
        "{warnings:?}"
    );
    assert!(
        warnings.contains(&(
            "content.link-other-language".into(),
            "content/ceci/stage.en.md".into(),
            8
        )),
        "{warnings:?}"
    );
    assert!(
        warnings.contains(&(
            "content.image-alt".into(),
            "content/ceci/ateliers.fr.md".into(),
            5
        )),
        "{warnings:?}"
    );
    assert!(!report.diagnostics.has_errors());
    let public = site.path().join("public");
    let notice = Page::at(&public, "en/certificate/ateliers/index.html");
    assert_eq!(notice.lang(), "en");
    // The notice says so in English and links to the French page, marked
    // as French.
    let said = notice.texts("main p");
    assert!(
        said.contains(&"This page is only available in French.".to_string()),
        "{said:?}"
    );
    let link = notice.select_one("main a[hreflang=fr]");
    assert_eq!(link.attr("href"), Some("/site/fr/certificat/ateliers/"));
    assert_eq!(link.attr("lang"), Some("fr"));
    assert_eq!(text(link), "Les ateliers 2023-2024");
    // The French page's switcher leads to the notice.
    let fr = Page::at(&public, "fr/certificat/ateliers/index.html");
    assert_eq!(
        fr.attr("nav.switcher a[hreflang=en]", "href"),
        "/site/en/certificate/ateliers/"
    );
}

#[test]
fn sitemap_has_alternates_and_aliases_redirect() {
    let site = fixture("basic");
    assert!(!diagnostics(site.path()).has_errors());
    let root = site.path().join("public");
    let sitemap = read(&root, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/site/fr/questions-frequentes/</loc>"));
    assert!(sitemap.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/site/en/faq/\"/>"
    ));
    assert!(sitemap.contains("<lastmod>2025-09-01</lastmod>"));
    assert!(
        !sitemap.contains("en/certificate/ateliers"),
        "notices are not in the sitemap"
    );
    // An old address redirects at once, names the new one as canonical, and
    // offers a link for browsers that do not follow the refresh.
    let alias = Page::at(&root, "fr/foire-aux-questions/index.html");
    let new = "https://example.org/site/fr/questions-frequentes/";
    assert_eq!(
        alias.attr("head meta[http-equiv=refresh]", "content"),
        format!("0; url={new}")
    );
    assert_eq!(alias.attr("head link[rel=canonical]", "href"), new);
    assert_eq!(alias.attr("main a", "href"), new);
    assert!(read(&root, "robots.txt").contains("Sitemap: https://example.org/site/sitemap.xml"));
}

#[test]
fn drafts_only_with_flag_and_base_url_override() {
    let site = fixture("basic");
    write(
        site.path(),
        "content/brouillon.fr.md",
        "---\ntitle: B\ndraft: true\n---\n",
    );
    let out = engage(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!site.path().join("public/fr/brouillon").exists());
    let out = engage(
        site.path(),
        &["build", "--drafts", "--base-url", "http://localhost:8000/"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = Page::at(&site.path().join("public"), "fr/brouillon/index.html");
    assert_eq!(
        page.attr("head link[rel=canonical]", "href"),
        "http://localhost:8000/fr/brouillon/",
        "canonical uses the override"
    );
}

/// Each bad input: its rule, file and line; exit 1; public/ untouched.
fn assert_bad(files: &[(&str, &[u8])], rule: &str, file: &str, line: u32) {
    let site = fixture("basic");
    assert_eq!(engage(site.path(), &["build"]).status.code(), Some(0));
    let before = read(&site.path().join("public"), "fr/index.html");
    std::fs::write(site.path().join("public/marker"), "previous build").unwrap();
    for (name, text) in files {
        write(site.path(), name, text);
    }
    let ds = diagnostics(site.path());
    let all = located(&ds);
    assert!(
        ds.iter().any(|d| d.rule.as_str() == rule
            && d.file == Path::new(file)
            && d.line() == line
            && d.is_error()
            && d.hint.is_some()),
        "expected {rule} at {file}:{line}, got {all:?}"
    );
    let out = engage(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("error[{rule}]")), "{err}");
    // A problem without a line shows its file alone, never `:0:0`.
    let at = if line == 0 {
        format!("= {file}\n")
    } else {
        format!("{file}:{line}:")
    };
    assert!(err.contains(&at), "{err}");
    assert!(err.contains("help:"), "{err}");
    assert_eq!(read(&site.path().join("public"), "fr/index.html"), before);
    assert!(
        site.path().join("public/marker").exists(),
        "previous output left as it was"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".engage-build"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder left behind");
}

#[test]
fn bad_front_matter_syntax() {
    assert_bad(
        &[("content/x.fr.md", b"---\ntitle: A\nweight: [1\n---\n")],
        "yaml.wrong-type",
        "content/x.fr.md",
        3,
    );
}

#[test]
fn bad_unclosed_front_matter() {
    assert_bad(
        &[("content/x.fr.md", b"---\ntitle: A\n")],
        "content.front-matter",
        "content/x.fr.md",
        1,
    );
}

#[test]
fn bad_missing_title() {
    assert_bad(
        &[("content/x.fr.md", b"---\ndescription: A\n---\n")],
        "content.title-missing",
        "content/x.fr.md",
        1,
    );
}

#[test]
fn bad_unknown_key() {
    assert_bad(
        &[("content/x.fr.md", b"---\ntitle: A\nwieght: 2\n---\n")],
        "yaml.unknown-key",
        "content/x.fr.md",
        3,
    );
}

#[test]
fn bad_utf8() {
    assert_bad(
        &[("content/x.fr.md", b"---\ntitle: A\n---\nCaf\xe9\n")],
        "content.encoding",
        "content/x.fr.md",
        4,
    );
}

#[test]
fn bad_impossible_date() {
    assert_bad(
        &[("content/x.fr.md", b"---\ntitle: A\ndate: 2025-02-30\n---\n")],
        "content.date-invalid",
        "content/x.fr.md",
        3,
    );
}

/// A link written as an address that leads nowhere says what to write
/// instead: the `@/` link of the page it names or looks like, where the
/// file goes in static/ and how to write it, the address without the
/// site's path, or in full. An e-mail autolink is not an address.
#[test]
fn dead_addresses_say_what_to_write_instead() {
    let site = fixture("basic");
    write(
        site.path(),
        "content/ceci/liens.fr.md",
        "---\ntitle: Liens\n---\n\n[a](stage.md#x)\n\n[b](/fr/certificat/stag/)\n\n![c](../../images/plan.png)\n\n[d](/docs/guide.pdf)\n\n[e](/site/hello.txt)\n\n[f](www.example.org/engagement)\n\nÉcrire à <contact@example.org>.\n\n[g](contact@example.org)\n",
    );
    let ds = diagnostics(site.path());
    let hints: Vec<(u32, String)> = ds
        .iter()
        .filter(|d| d.rule.as_str() == "content.link-unknown-address")
        .map(|d| (d.line(), d.hint.as_ref().unwrap().en.clone()))
        .collect();
    assert_eq!(
        hints,
        [
            (5, "a link to a page is written with @/: `@/ceci/stage.md#x`".to_string()),
            (7, "did you mean `@/ceci/stage.md`? An @/ link follows the page even when its address changes".to_string()),
            (9, "a file published as it is (image, PDF…) goes in static/ and is written from the site's root: static/images/plan.png is at the address /images/plan.png".to_string()),
            (11, "a file published as it is (image, PDF…) goes in static/ and is written from the site's root: static/docs/guide.pdf is at the address /docs/guide.pdf".to_string()),
            (13, "the site's path, `/site`, is added to addresses written from its root: write `/hello.txt`".to_string()),
            (15, "an address on another site is written in full: `https://www.example.org/engagement`".to_string()),
            (19, "an e-mail address is written `mailto:contact@example.org`, or `<contact@example.org>` alone".to_string()),
        ]
    );
}

#[test]
fn bad_same_url() {
    assert_bad(
        &[(
            "content/x.fr.md",
            b"---\ntitle: A\nslug: questions-frequentes\n---\n",
        )],
        "content.url-conflict",
        "content/x.fr.md",
        3,
    );
}

#[test]
fn bad_slug_with_slash() {
    assert_bad(
        &[("content/x.fr.md", b"---\ntitle: A\nslug: a/b\n---\n")],
        "content.slug-invalid",
        "content/x.fr.md",
        3,
    );
}

#[test]
fn bad_missing_template() {
    assert_bad(
        &[("content/x.fr.md", b"---\ntitle: A\ntemplate: pgae\n---\n")],
        "content.template-missing",
        "content/x.fr.md",
        3,
    );
}

#[test]
fn bad_template_syntax() {
    assert_bad(
        &[(
            "templates/page.html",
            b"{% extends \"base.html\" %}\n{% block content %}\n{{ page.title | }}\n{% endblock %}\n",
        )],
        "theme.template-syntax",
        "templates/page.html",
        3,
    );
}

/// An error in the template a page's template extends is named in that
/// template, not in the page's (whose line would point elsewhere).
#[test]
fn bad_template_in_the_base_a_page_extends() {
    assert_bad(
        &[(
            "templates/base.html",
            b"<!DOCTYPE html><title>{% block title %}{% endblock title %}</title>{% block head %}{% endblock head %}\n{% block content %}{% endblock content %}\n<p>{{ page.nope | upper }}</p>\n",
        )],
        "theme.template-render",
        "templates/base.html",
        3,
    );
}

/// Found only when a page renders, and still named with its line (Tera 2
/// keeps the place of each expression).
#[test]
fn bad_template_at_render_time() {
    assert_bad(&[("templates/page.html", b"{% extends \"base.html\" %}\n{% block content %}{{ page.nope | upper }}{% endblock %}\n")], "theme.template-render", "templates/page.html", 2);
}

#[test]
fn bad_link_to_missing_page() {
    assert_bad(
        &[(
            "content/x.fr.md",
            b"---\ntitle: A\n---\nVoir\n[ici](@/nulle-part.md).\n",
        )],
        "content.link-missing-page",
        "content/x.fr.md",
        5,
    );
}

#[test]
fn bad_link_to_missing_anchor() {
    assert_bad(
        &[(
            "content/x.fr.md",
            b"---\ntitle: A\n---\n[ici](@/faq.md#internship-cercle)\n",
        )],
        "content.link-missing-anchor",
        "content/x.fr.md",
        4,
    );
}

#[test]
fn all_problems_of_a_build_are_reported_together() {
    let site = fixture("basic");
    write(
        site.path(),
        "content/a.fr.md",
        "---\ntitle: A\ndate: 2025-13-01\n---\n",
    );
    write(
        site.path(),
        "content/b.fr.md",
        "---\nslug: x/y\n---\n[x](@/nope.md)\n",
    );
    write(
        site.path(),
        "content/c.en.md",
        "---\ntitle: C\ncolour: red\n---\n",
    );
    let ds = diagnostics(site.path());
    let rules: Vec<String> = ds
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.rule.to_string())
        .collect();
    for r in [
        "content.date-invalid",
        "content.title-missing",
        "content.slug-invalid",
        "yaml.unknown-key",
        "content.link-missing-page",
    ] {
        assert!(rules.contains(&r.to_string()), "{r} missing from {rules:?}");
    }
}

#[test]
fn messages_follow_the_chosen_language() {
    let site = fixture("basic");
    write(site.path(), "content/x.fr.md", "---\ndescription: A\n---\n");
    let out = engage(site.path(), &["--lang", "fr", "build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("la page n’a pas de titre"),
        "{}",
        stderr(&out)
    );
}

/// The command line speaks the language of every other message: French
/// unless LANG or `--lang` says English, `--help` and usage errors alike.
#[test]
fn help_and_usage_errors_are_in_french_by_default() {
    let site = fixture("basic");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_engage"))
            .args(args)
            .current_dir(site.path())
            .env("LANG", "fr_BE.UTF-8")
            .env_remove("LC_ALL")
            .output()
            .unwrap()
    };
    let help = run(&["build", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Construire le site public dans public/");
    assert_eq!(lines[2], "Utilisation : engage build [OPTIONS]");
    assert!(lines.contains(&"Exemples :"), "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.trim_start().starts_with("-h, --help") && l.ends_with("Afficher l’aide")),
        "{text}"
    );
    let wrong = run(&["build", "--drafs"]);
    assert_eq!(wrong.status.code(), Some(2));
    let said = stderr(&wrong);
    assert_eq!(
        said.lines().take(3).collect::<Vec<_>>(),
        [
            "erreur : argument inattendu `--drafs`",
            "",
            "  astuce : vouliez-vous dire `--drafts` ?"
        ],
        "{said}"
    );
    // `--lang en` gives clap's English, before the arguments are read.
    let english = run(&["--lang", "en", "build", "--drafs"]);
    assert!(stderr(&english).starts_with("error: unexpected argument '--drafs'"));
}

#[test]
fn usage_errors_exit_2_and_help_has_examples() {
    let site = fixture("basic");
    assert_eq!(
        engage(site.path(), &["build", "--nope"]).status.code(),
        Some(2)
    );
    let help = engage(site.path(), &["build", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Examples:"));
    let missing = engage(&site.path().join("nowhere"), &["build"]);
    assert_eq!(
        missing.status.code(),
        Some(2),
        "a root without data/site.yml is a usage error"
    );
    let said = stderr(&missing);
    assert!(
        said.lines()
            .any(|l| l
                == "error[config.missing]: cannot read the site configuration: it does not exist"),
        "in words, not the system's English: {said}"
    );
    assert!(
        said.lines()
            .any(|l| l.trim()
                == "= help: run engage from the repository root or give it with --root"),
        "{said}"
    );
}

/// An anchor after a page's former address: the link to write instead
/// names the page's language when it is not the link's, and an anchor the
/// page does not have is that error, not a hint that leads nowhere.
#[test]
fn an_anchor_through_a_former_address_says_which_page_to_link() {
    let site = fixture("basic");
    write(
        site.path(),
        "content/ceci/links.en.md",
        "---\ntitle: Links\n---\n\n[a](/fr/foire-aux-questions/#internship-circle)\n\n[b](/fr/foire-aux-questions/#nowhere)\n",
    );
    let ds = diagnostics(site.path());
    let found: Vec<(&str, u32, String)> = ds
        .iter()
        .filter(|d| d.file.ends_with("links.en.md") && d.rule.as_str() != "content.not-translated")
        .map(|d| {
            (
                d.rule.as_str(),
                d.line(),
                d.hint.as_ref().unwrap().en.clone(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "content.link-anchor-redirected",
                5,
                "link to the page itself: `@/faq.fr.md#internship-circle`".to_string()
            ),
            (
                "content.link-missing-anchor",
                7,
                "anchors of content/faq.fr.md: quest-ce-que-le-ceci, internship-circle".to_string()
            ),
        ]
    );
}

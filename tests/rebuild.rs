//! `engage build` over its own previous output: an unchanged site is kept
//! as it is (nothing rendered, nothing written), and after a change only
//! the files whose bytes changed are rewritten, stale ones removed, the
//! others kept with their inode and modification time. Each rebuilt output
//! is compared with a fresh build into an empty folder.

#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Output;

use common::{engage, fixture, stderr, write};

const TODAY: &str = "2026-01-01";
/// The files a build writes for itself rather than for visitors.
const OWN: &[&str] = &[".engage-output", ".engage-manifest.json"];

fn build(site: &Path, args: &[&str]) -> Output {
    let mut all = vec!["build"];
    if !args.contains(&"--today") {
        all.extend(["--today", TODAY]);
    }
    all.extend(args);
    let out = engage(site, &all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    out
}

/// Runs a build whatever its outcome.
fn run(site: &Path, args: &[&str]) -> Output {
    let mut all = vec!["build", "--today", TODAY];
    all.extend(args);
    engage(site, &all)
}

/// What a build showed but its closing line (which names the output, the
/// time taken and what was written): its diagnostics.
fn diagnostics(out: &Output) -> String {
    let err = stderr(out);
    match err.trim_end().rfind('\n') {
        Some(i) => err[..i].to_string(),
        None => String::new(),
    }
}

/// Whether the build said it rendered only what an edit reached, over
/// the previous output.
fn updated_in_place(out: &Output) -> bool {
    let err = stderr(out);
    err.lines()
        .last()
        .unwrap_or_default()
        .starts_with("Site updated")
}

/// Whether the build said it kept the whole output.
fn kept_whole(out: &Output) -> bool {
    let err = stderr(out);
    let last = err.lines().last().unwrap_or_default();
    assert!(last.starts_with("Site "), "{err}");
    last.starts_with("Site up to date")
}

/// Every file of the output but the build's own: inode and modification
/// time, which a rewrite changes and a kept file keeps.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.into_owned(), (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .filter(|(rel, _)| !OWN.contains(&rel.as_str()))
        .collect()
}

/// Every file of the output but the build's own, with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    stamps(dir)
        .into_keys()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// A fresh build of `site` with `args` into an empty folder outside it.
fn fresh(site: &Path, args: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("fresh");
    let dir_arg = dir.to_string_lossy().into_owned();
    let mut all = vec!["--output", dir_arg.as_str()];
    all.extend(args);
    build(site, &all);
    contents(&dir)
}

/// The paths whose stamp differs between two stamp maps, or that only
/// one of them has.
fn touched(
    before: &BTreeMap<String, (u64, i64, i64)>,
    after: &BTreeMap<String, (u64, i64, i64)>,
) -> Vec<String> {
    let mut v: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The paths whose bytes differ between two outputs, or that only one
/// of them has.
fn differing(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut v: Vec<String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn a_second_build_over_an_unchanged_site_rewrites_nothing() {
    let site = fixture("basic");
    let public = site.path().join("public");
    let first = build(site.path(), &[]);
    assert!(!kept_whole(&first));
    let before = stamps(&public);
    assert!(before.len() > 20, "{}", before.len());
    let manifest = std::fs::read(public.join(".engage-manifest.json")).unwrap();

    let second = build(site.path(), &[]);
    assert!(kept_whole(&second), "{}", stderr(&second));
    assert_eq!(stamps(&public), before);
    assert_eq!(
        std::fs::read(public.join(".engage-manifest.json")).unwrap(),
        manifest
    );
    // The warnings of the first build are shown again, the same.
    let warnings = |o: &Output| {
        let e = stderr(o);
        e[..e.rfind("Site ").unwrap()].to_string()
    };
    assert!(warnings(&first).contains("warning["), "{}", stderr(&first));
    assert_eq!(warnings(&second), warnings(&first));
}

#[test]
fn an_edit_rewrites_exactly_the_files_whose_bytes_changed() {
    let site = fixture("basic");
    let public = site.path().join("public");
    build(site.path(), &[]);
    let old = contents(&public);
    let before = stamps(&public);

    let page = site.path().join("content/ceci/stage.fr.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\nUne phrase ajoutée.\n")).unwrap();
    let out = build(site.path(), &[]);
    assert!(!kept_whole(&out));

    let now = contents(&public);
    assert_eq!(now, fresh(site.path(), &[]), "same as a fresh build");
    let changed = differing(&old, &now);
    assert!(
        changed.contains(&"fr/certificat/stage/index.html".to_string()),
        "{changed:?}"
    );
    assert!(changed.len() < old.len() / 2, "{changed:?}");
    assert_eq!(touched(&before, &stamps(&public)), changed);
}

#[test]
fn a_deleted_page_is_removed_from_the_output() {
    let site = fixture("basic");
    let public = site.path().join("public");
    build(site.path(), &[]);
    let page = "fr/certificat/ateliers/index.html";
    assert!(public.join(page).is_file());
    let before = stamps(&public);

    std::fs::remove_file(site.path().join("content/ceci/ateliers.fr.md")).unwrap();
    // The English page links to it: drop the link too.
    let en = site.path().join("content/ceci/stage.en.md");
    let text = std::fs::read_to_string(&en).unwrap();
    std::fs::write(
        &en,
        text.replace(" and [workshops](@/ceci/ateliers.md)", ""),
    )
    .unwrap();
    build(site.path(), &[]);

    assert!(!public.join(page).exists());
    assert!(!public.join("fr/certificat/ateliers").exists());
    let now = contents(&public);
    assert_eq!(now, fresh(site.path(), &[]));
    let after = stamps(&public);
    assert!(touched(&before, &after).contains(&page.to_string()));
    // Files whose bytes did not change are kept.
    let kept = after
        .iter()
        .filter(|(k, s)| before.get(*k) == Some(*s))
        .count();
    assert!(kept > 0, "{after:?}");
}

#[test]
fn another_day_base_url_or_template_renders_again() {
    let site = fixture("basic");
    let public = site.path().join("public");
    build(site.path(), &[]);

    let cases: [(&[&str], &str); 3] = [
        (&["--base-url", "https://preview.example.org"], "base url"),
        (&["--today", "2026-05-01"], "day"),
        (&[], "template"),
    ];
    for (args, what) in cases {
        if what == "template" {
            let base = site.path().join("themes/default/templates/base.html");
            let text = std::fs::read_to_string(&base).unwrap();
            std::fs::write(&base, format!("{text}\n{{# edited #}}<!-- edited -->\n")).unwrap();
        }
        let out = build(site.path(), args);
        assert!(!kept_whole(&out), "{what}: {}", stderr(&out));
        assert_eq!(contents(&public), fresh(site.path(), args), "{what}");
        // And the same again is kept whole.
        let again = build(site.path(), args);
        assert!(kept_whole(&again), "{what}: {}", stderr(&again));
    }
}

#[test]
fn a_tampered_missing_or_added_output_file_is_set_right() {
    let site = fixture("basic");
    let public = site.path().join("public");
    build(site.path(), &[]);
    let reference = contents(&public);
    let before = stamps(&public);

    // Same size, other bytes.
    let home = public.join("fr/index.html");
    let mut bytes = std::fs::read(&home).unwrap();
    bytes[0] = if bytes[0] == b'X' { b'Y' } else { b'X' };
    std::fs::write(&home, &bytes).unwrap();
    let out = build(site.path(), &[]);
    assert!(!kept_whole(&out), "a rewritten file changes its time");
    assert_eq!(contents(&public), reference);
    assert_eq!(
        touched(&before, &stamps(&public)),
        ["fr/index.html"],
        "only the tampered file is rewritten"
    );

    std::fs::remove_file(public.join("en/index.html")).unwrap();
    let out = build(site.path(), &[]);
    assert!(!kept_whole(&out));
    assert_eq!(contents(&public), reference);

    write(&public, "fr/certificat/stray.html", "not ours");
    write(&public, "stray.txt", "not ours");
    let out = build(site.path(), &[]);
    assert!(!kept_whole(&out));
    assert_eq!(contents(&public), reference);
    assert!(kept_whole(&build(site.path(), &[])));
}

/// One kind of edit, what it does to the site, and whether the build after
/// it can render only what the edit reached (a page created or removed
/// changes the site's shape: everything is rendered, unchanged files
/// still kept).
struct Edit {
    what: &'static str,
    apply: fn(&Path),
    in_place: bool,
}

fn append(root: &Path, rel: &str, text: &str) {
    let old = common::read(root, rel);
    write(root, rel, format!("{old}{text}"));
}

fn replace(root: &Path, rel: &str, from: &str, to: &str) {
    let old = common::read(root, rel);
    assert!(old.contains(from), "{rel}: {from}");
    write(root, rel, old.replacen(from, to, 1));
}

const EDITS: &[Edit] = &[
    Edit {
        what: "a search page created (structure)",
        apply: |r| {
            write(
                r,
                "content/recherche.fr.md",
                "---\ntitle: Recherche\ntemplate: search\n---\n",
            )
        },
        in_place: false,
    },
    Edit {
        what: "a page's body",
        apply: |r| {
            append(
                r,
                "content/ceci/stage.fr.md",
                "\nUne phrase ajoutée sur le bénévolat.\n",
            )
        },
        in_place: true,
    },
    Edit {
        what: "a title shown in lists, neighbours and the switcher",
        apply: |r| replace(r, "content/ceci/stage.en.md", "title: ", "title: The "),
        in_place: true,
    },
    Edit {
        what: "a weight that reorders the section",
        apply: |r| replace(r, "content/ceci/ateliers.fr.md", "weight: 2", "weight: 0"),
        in_place: true,
    },
    Edit {
        what: "a date (news feed and its order)",
        apply: |r| {
            replace(
                r,
                "content/ceci/stage.fr.md",
                "date: 2025-09-01",
                "date: 2025-10-01",
            )
        },
        in_place: true,
    },
    Edit {
        what: "an FAQ answer (search index per question)",
        apply: |r| {
            replace(
                r,
                "content/faq.fr.md",
                "Un certificat.",
                "Un certificat universitaire.",
            )
        },
        in_place: true,
    },
    Edit {
        what: "a new warning (image without alt text)",
        apply: |r| append(r, "content/ceci/stage.fr.md", "\n![](/photo.png)\n"),
        in_place: true,
    },
    Edit {
        what: "a template",
        // Inside a block: Tera 2 refuses content outside the blocks of a
        // template that extends another.
        apply: |r| {
            replace(
                r,
                "themes/default/templates/section.html",
                "{% endblock content %}",
                "{# edited #}<!-- edited -->\n{% endblock content %}",
            )
        },
        in_place: true,
    },
    Edit {
        what: "the calendar",
        apply: |r| {
            replace(
                r,
                "data/calendar/2025-2026.yml",
                "Atelier de rentrée",
                "Atelier de la rentrée",
            )
        },
        in_place: true,
    },
    Edit {
        what: "a page created",
        apply: |r| {
            write(
                r,
                "content/ceci/nouveau.fr.md",
                "---\ntitle: Nouveau\n---\nVoir [le stage](@/ceci/stage.md).\n",
            )
        },
        in_place: false,
    },
    Edit {
        what: "a page deleted",
        apply: |r| std::fs::remove_file(r.join("content/ceci/nouveau.fr.md")).unwrap(),
        in_place: false,
    },
];

#[test]
fn after_each_kind_of_edit_the_output_and_diagnostics_are_a_fresh_builds() {
    let site = fixture("basic");
    let root = site.path();
    let public = root.join("public");
    build(root, &[]);
    for edit in EDITS {
        let old = contents(&public);
        let before = stamps(&public);
        (edit.apply)(root);
        let out = build(root, &[]);
        let what = edit.what;
        assert_eq!(
            updated_in_place(&out),
            edit.in_place,
            "{what}: {}",
            stderr(&out)
        );

        let now = contents(&public);
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path().join("fresh");
        let fresh_out = build(root, &["--output", dir.to_str().unwrap()]);
        let reference = contents(&dir);
        let wrong = differing(&now, &reference);
        assert!(
            wrong.is_empty(),
            "{what}: differs from a fresh build: {wrong:?}"
        );
        assert_eq!(
            touched(&before, &stamps(&public)),
            differing(&old, &now),
            "{what}: exactly the files whose bytes changed are rewritten"
        );
        assert_eq!(diagnostics(&out), diagnostics(&fresh_out), "{what}");
        // And nothing more to do after it.
        assert!(kept_whole(&build(root, &[])), "{what}");
    }
    // The search index was updated from the stems kept for each page.
    let index = common::read(&public, "fr/search-index.json");
    assert!(index.contains("\"benevo\""), "{index}");
}

#[test]
fn an_error_after_an_edit_leaves_the_output_and_says_what_a_full_build_says() {
    let site = fixture("basic");
    let root = site.path();
    let public = root.join("public");
    build(root, &[]);
    let before = stamps(&public);

    // A link to a page that is then deleted: the deletion is the error.
    append(
        root,
        "content/ceci/stage.en.md",
        "\nSee [the news](@/ceci/news.md).\n",
    );
    write(root, "content/ceci/news.en.md", "---\ntitle: News\n---\n");
    build(root, &[]);
    let before_delete = stamps(&public);
    assert_ne!(before_delete, before);
    std::fs::remove_file(root.join("content/ceci/news.en.md")).unwrap();
    let out = run(root, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("fresh");
    let fresh_out = run(root, &["--output", dir.to_str().unwrap()]);
    assert_eq!(diagnostics(&out), diagnostics(&fresh_out));
    assert!(
        diagnostics(&out).contains("error[content.link-missing-page]"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stamps(&public),
        before_delete,
        "a failed build writes nothing"
    );

    // An edit in place with an error: a broken anchor.
    replace(
        root,
        "content/ceci/stage.en.md",
        "@/ceci/news.md",
        "@/faq.md#nowhere",
    );
    let out = run(root, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let fresh_out = run(root, &["--output", dir.to_str().unwrap()]);
    assert_eq!(diagnostics(&out), diagnostics(&fresh_out));
    assert!(
        diagnostics(&out).contains("error[content.link-missing-anchor]"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stamps(&public),
        before_delete,
        "a failed build writes nothing"
    );

    // Fixed: a page is gone since the last good build, so the whole site
    // is rendered; the edit after that is done in place.
    replace(
        root,
        "content/ceci/stage.en.md",
        "@/faq.md#nowhere",
        "@/faq.md#internship-circle",
    );
    let out = build(root, &[]);
    assert!(!updated_in_place(&out), "{}", stderr(&out));
    append(root, "content/ceci/stage.en.md", "\nMore.\n");
    let out = build(root, &[]);
    assert!(updated_in_place(&out), "{}", stderr(&out));
    let fresh_out = build(root, &["--output", dir.to_str().unwrap()]);
    assert_eq!(diagnostics(&out), diagnostics(&fresh_out));
    assert!(differing(&contents(&public), &contents(&dir)).is_empty());
}

#[test]
fn a_cache_that_is_not_the_one_the_manifest_names_is_not_used() {
    let site = fixture("basic");
    let root = site.path();
    build(root, &[]);
    let cache = root.join(".engage-cache/public.postcard");
    assert!(cache.is_file());
    let mut bytes = std::fs::read(&cache).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&cache, &bytes).unwrap();
    append(root, "content/ceci/stage.fr.md", "\nEncore.\n");
    let out = build(root, &[]);
    assert!(
        !updated_in_place(&out) && !kept_whole(&out),
        "{}",
        stderr(&out)
    );
    // The full build wrote a cache again, and the next edit uses it.
    append(root, "content/ceci/stage.fr.md", "\nEt encore.\n");
    assert!(updated_in_place(&build(root, &[])));
}

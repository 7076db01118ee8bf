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

//! Countries are ISO 3166-1 alpha-2 codes (issue 14, item 7): two capital
//! letters are not enough (`ZZ`, `UK`), and the CIRÉ "outside the EU" rule
//! reads the Union's members as data, dated, checked when its file loads.

mod common;

use std::path::Path;

use common::{copy_dir, repo};

/// A copy of an example site's data/ (no theme: records only).
fn example(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("examples").join(name).join("data"),
        &dir.path().join("data"),
    );
    dir
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` in {rel}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// `engage check data/portfolios --format json`: exit code and every
/// diagnostic as (rule, file, line, hint).
fn check(root: &Path) -> (Option<i32>, Vec<Found>) {
    let run = common::check_json(root, "2026-11-23", &["data/portfolios"]);
    let ds = run.json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["hint"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (run.code, ds)
}

/// A diagnostic as (rule, file, line, hint).
type Found = (String, String, u64, String);

const AMINA: &str = "data/portfolios/amina/portfolio.yml";

#[test]
fn two_capitals_that_are_no_country_are_refused_with_what_to_write() {
    for (written, hint) in [
        ("UK", "the United Kingdom is `GB`"),
        ("ZZ", "`ZZ` is a code left for private use, not a country"),
        ("QX", "`QX` is a code left for private use, not a country"),
        ("EL", "Greece is `GR`"),
        ("AB", "the two-capital-letter ISO code"),
    ] {
        let root = example("cire");
        edit(
            root.path(),
            AMINA,
            "nationalities: [MA]",
            &format!("nationalities: [{written}]"),
        );
        let (code, ds) = check(root.path());
        assert_eq!(ds.len(), 1, "{written}: {ds:?}");
        let (rule, file, line, got) = &ds[0];
        assert_eq!(
            (rule.as_str(), file.as_str(), *line),
            ("record.country-invalid", AMINA, 9)
        );
        assert!(got.contains(hint), "{written}: {got}");
        assert_eq!(code, Some(1));
    }
}

#[test]
fn real_codes_pass_and_the_union_s_members_are_refused_by_the_rule() {
    // GB left the Union before the list's date; XK is Kosovo as the Union
    // writes it.
    for ok in ["GB", "XK", "SY"] {
        let root = example("cire");
        edit(
            root.path(),
            AMINA,
            "nationalities: [MA]",
            &format!("nationalities: [{ok}]"),
        );
        let (code, ds) = check(root.path());
        assert_eq!((code, ds.len()), (Some(0), 0), "{ok}: {ds:?}");
    }
    let root = example("cire");
    edit(
        root.path(),
        AMINA,
        "nationalities: [MA]",
        "nationalities: [MA, FR]",
    );
    let (_, ds) = check(root.path());
    let found: Vec<(&str, u64)> = ds.iter().map(|d| (d.0.as_str(), d.2)).collect();
    assert_eq!(found, vec![("cire.nationality", 9)]);
}

#[test]
fn a_credential_country_is_a_country() {
    let root = example("micro-credential");
    let ines = "data/portfolios/ines/portfolio.yml";
    edit(root.path(), ines, "country: BE", "country: XX");
    let (code, ds) = check(root.path());
    let found: Vec<(&str, &str, u64)> = ds
        .iter()
        .map(|d| (d.0.as_str(), d.1.as_str(), d.2))
        .collect();
    assert_eq!(found, vec![("record.country-invalid", ines, 8)]);
    assert_eq!(code, Some(1));
}

#[test]
fn the_union_s_member_list_is_checked_and_dated_in_the_programme_file() {
    let file = "data/programmes/cire.yml";
    let text = std::fs::read_to_string(repo().join("examples/cire").join(file)).unwrap();
    assert!(
        text.contains("valid_from: 2020-02-01"),
        "the list says since when it holds"
    );
    let line = text
        .lines()
        .position(|l| l.contains("countries: [AT, BE"))
        .unwrap() as u64
        + 1;
    // A member written as the Union's own abbreviation, not ISO.
    let root = example("cire");
    edit(root.path(), file, "GR, HU", "EL, HU");
    let (code, ds) = check(root.path());
    let found: Vec<(&str, u64)> = ds
        .iter()
        .filter(|d| d.1 == file)
        .map(|d| (d.0.as_str(), d.2))
        .collect();
    assert_eq!(found.len(), 1, "{ds:?}");
    assert_eq!(found[0].1, line, "{ds:?}");
    assert_eq!(code, Some(1));
    // Without its date, the list is refused too.
    let root = example("cire");
    edit(root.path(), file, "        valid_from: 2020-02-01\n", "");
    let (code, ds) = check(root.path());
    assert!(ds.iter().any(|d| d.1 == file), "{ds:?}");
    assert_eq!(code, Some(1));
}

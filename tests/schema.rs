//! One record schema per programme (issue 14, item 7), generated from its
//! programme file by `engage schema`: what an editor flags with it, checked
//! with a JSON Schema validator on real records, against what `engage
//! check` says.

mod common;

use std::path::Path;

use common::{copy_dir, engage, repo, stderr, write};
use serde_json::Value;

/// The four programmes and every example record, with their schemas
/// written by `engage schema`.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(
        &repo().join("data/programmes"),
        &root.join("data/programmes"),
    );
    copy_dir(&repo().join("data/calendar"), &root.join("data/calendar"));
    copy_dir(
        &repo().join("data/portfolios"),
        &root.join("data/portfolios"),
    );
    for name in ["escom", "cire", "micro-credential"] {
        let data = repo().join("examples").join(name).join("data");
        copy_dir(&data.join("programmes"), &root.join("data/programmes"));
        copy_dir(&data.join("portfolios"), &root.join("data/portfolios"));
    }
    write(
        root,
        "data/site.yml",
        std::fs::read(repo().join("data/site.yml")).unwrap(),
    );
    let out = engage(root, &["schema"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

fn schema(root: &Path, programme: &str) -> jsonschema::Validator {
    let path = root.join(format!("data/schemas/portfolio-{programme}.schema.json"));
    let value: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&value).unwrap()
}

/// The record of `handle` as an editor's YAML server reads it.
fn record(root: &Path, handle: &str) -> Value {
    let text = std::fs::read_to_string(root.join(common::record_path(handle))).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

/// Where the schema refuses `value`, as JSON pointers.
fn refused(v: &jsonschema::Validator, value: &Value) -> Vec<String> {
    v.iter_errors(value)
        .map(|e| e.instance_path().to_string())
        .collect()
}

#[test]
fn every_example_record_is_valid_against_its_programme_s_schema() {
    let s = site();
    let records = [
        ("ceci", &["alice", "bob", "chloe"][..]),
        ("escom", &["hugo", "lea", "sam"]),
        ("cire", &["amina", "karim", "tesfaye"]),
        ("micro-credential", &["ines", "jules"]),
    ];
    for (programme, handles) in records {
        let v = schema(s.path(), programme);
        for h in handles {
            let r = record(s.path(), h);
            assert_eq!(refused(&v, &r), Vec::<String>::new(), "{programme}: {h}");
        }
        // A record of another programme is not one of this programme.
        let other = if programme == "ceci" { "hugo" } else { "alice" };
        assert!(
            !v.is_valid(&record(s.path(), other)),
            "{programme}: {other}"
        );
    }
}

#[test]
fn kind_srl_is_refused_by_the_schema_and_by_the_check() {
    let s = site();
    common::edit(s.path(), "alice", "kind: association", "kind: srl");
    let v = schema(s.path(), "ceci");
    assert_eq!(
        refused(&v, &record(s.path(), "alice")),
        vec!["/internship/organisation/kind"]
    );
    let out = engage(
        s.path(),
        &[
            "check",
            "data/portfolios/alice",
            "--format",
            "json",
            "--today",
            "2026-11-23",
        ],
    );
    let run: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(&str, u64)> = run["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(found, vec![("record.unknown-value", 13)]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn closed_lists_dates_and_intakes_are_flagged_where_they_are() {
    let s = site();
    let ceci = schema(s.path(), "ceci");
    let cases = [
        (
            "alice",
            "intake: 2025-02",
            "intake: 2025-03",
            "/enrolment/intake",
        ),
        (
            "alice",
            "date: 2025-02-03",
            "date: 2025-2-3",
            "/enrolment/date",
        ),
        (
            "alice",
            "role: staff",
            "role: boss",
            "/internship/supervisor/role",
        ),
        (
            "alice",
            "student: 2025-02-05",
            "student: 05/02/2025",
            "/internship/agreement/student",
        ),
        ("alice", "programme: ceci", "programme: escom", "/programme"),
        ("alice", "handle: alice", "handle: alice smith", "/handle"),
    ];
    for (handle, from, to, at) in cases {
        let s = site();
        common::edit(s.path(), handle, from, to);
        assert_eq!(refused(&ceci, &record(s.path(), handle)), vec![at], "{to}");
    }
    let modules = {
        let r = record(s.path(), "alice");
        let mut r = r.clone();
        r["modules"][0]["id"] = Value::from("comunication");
        refused(&ceci, &r)
    };
    assert_eq!(modules, vec!["/modules/0/id"]);
    let cire = schema(s.path(), "cire");
    let mut amina = record(s.path(), "amina");
    amina["eligibility"]["nationalities"][0] = Value::from("UK");
    amina["attendance"][0]["module"] = Value::from("cooking");
    let mut got = refused(&cire, &amina);
    got.sort();
    assert_eq!(
        got,
        vec!["/attendance/0/module", "/eligibility/nationalities/0"]
    );
    let escom = schema(s.path(), "escom");
    let mut hugo = record(s.path(), "hugo");
    hugo["years"][0]["cycle"] = Value::from("master");
    hugo["years"][0]["year"] = Value::from("2025/2026");
    got = refused(&escom, &hugo);
    got.sort();
    assert_eq!(got, vec!["/years/0/cycle", "/years/0/year"]);
}

#[test]
fn the_enrolment_date_says_when_activities_stop_counting_29_february_included() {
    let s = site();
    let text =
        std::fs::read_to_string(s.path().join("data/schemas/portfolio-ceci.schema.json")).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    let description = value["$defs"]["EnrolmentDef"]["properties"]["date"]["description"]
        .as_str()
        .unwrap();
    assert!(
        description.contains("Enrolled on 29 February, the last day is 28 February 2 years later"),
        "{description}"
    );
    // The committed schema of the repository says the same.
    let committed =
        std::fs::read_to_string(repo().join("data/schemas/portfolio-ceci.schema.json")).unwrap();
    assert!(
        committed == text,
        "data/schemas/ is stale: run `engage schema`"
    );
}

#[test]
fn schema_writes_one_per_programme_that_loads_and_removes_those_gone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(
        &repo().join("data/programmes"),
        &root.join("data/programmes"),
    );
    write(root, "data/programmes/broken.yml", "id: broken\n");
    write(root, "data/schemas/portfolio-gone.schema.json", "{}\n");
    let out = engage(root, &["schema"]);
    // The broken programme's error is told, its schema not written.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("data/programmes/broken.yml"),
        "{}",
        stderr(&out)
    );
    let mut names: Vec<String> = std::fs::read_dir(root.join("data/schemas"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["portfolio-ceci.schema.json", "programme.schema.json"]
    );
}

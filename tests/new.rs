//! `engage new portfolio` and `engage schema`: templates for every
//! programme check without error, and the schemas name what records and
//! programme files require.

mod common;

use std::path::Path;

use common::{engage, repo, stderr, write};
use serde_json::json;

const TODAY: &str = "2026-11-23";

/// A root with the four programmes (CECi and the three examples).
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("data/programmes/ceci.yml", "ceci"),
        ("examples/escom/data/programmes/escom.yml", "escom"),
        ("examples/cire/data/programmes/cire.yml", "cire"),
        (
            "examples/micro-credential/data/programmes/micro-credential.yml",
            "micro-credential",
        ),
    ];
    for (from, id) in files {
        write(
            dir.path(),
            &format!("data/programmes/{id}.yml"),
            std::fs::read(repo().join(from)).unwrap(),
        );
    }
    dir
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn schemas_are_json_naming_the_required_fields() {
    let s = site();
    let out = engage(s.path(), &["schema"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // One record schema per programme, with only the parts its rules read.
    for (id, parts) in [
        ("ceci", &["enrolment", "internship", "productions"][..]),
        ("escom", &["years", "actions"]),
        ("cire", &["enrolment", "eligibility", "attendance"]),
        ("micro-credential", &["credential"]),
    ] {
        let record = json(
            &s.path()
                .join(format!("data/schemas/portfolio-{id}.schema.json")),
        );
        assert_eq!(record["properties"]["programme"]["const"], id);
        let required = record["required"].as_array().unwrap();
        assert_eq!(
            required[..3],
            [json!("programme"), json!("handle"), json!("status")]
        );
        for part in parts {
            assert!(record["properties"][part].is_object(), "{id}: {part}");
        }
        let all = ["internship", "years", "eligibility", "credential"];
        for part in all.iter().filter(|p| !parts.contains(p)) {
            assert!(record["properties"][part].is_null(), "{id}: {part}");
        }
        assert_eq!(record["additionalProperties"], false);
        // Editors offer the two statuses, with their meaning.
        let status = record["$defs"]["Status"].to_string();
        assert!(status.contains(r#""const":"in-progress""#), "{status}");
        assert!(status.contains(r#""const":"submitted""#), "{status}");
    }
    let programme = json(&s.path().join("data/schemas/programme.schema.json"));
    assert_eq!(
        programme["required"],
        serde_json::json!(["id", "facts", "rules"])
    );
    let checks = programme["$defs"]["Check"].to_string();
    for kind in [
        "credits-per-cycle",
        "permit-within-years",
        "credential-elements",
    ] {
        assert!(checks.contains(kind), "{kind}");
    }

    // Elsewhere with --output.
    let other = tempfile::tempdir().unwrap();
    let out_dir = other.path().join("x");
    let out = engage(s.path(), &["schema", "--output", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out_dir.join("programme.schema.json").is_file());
}

#[test]
fn templates_check_with_progress_only_for_every_programme() {
    let s = site();
    let out = engage(s.path(), &["schema"]);
    assert_eq!(out.status.code(), Some(0));
    for id in ["ceci", "escom", "cire", "micro-credential"] {
        let handle = format!("new-{id}");
        let out = engage(
            s.path(),
            &[
                "new",
                "portfolio",
                "--programme",
                id,
                "--handle",
                &handle,
                "--today",
                TODAY,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{id}: {}", stderr(&out));
        let file = s
            .path()
            .join(format!("data/portfolios/{handle}/portfolio.yml"));
        let text = std::fs::read_to_string(&file).unwrap();
        // The first line names the programme's own schema, which exists
        // from the record's folder.
        let reference = format!("../../schemas/portfolio-{id}.schema.json");
        assert_eq!(
            text.lines().next(),
            Some(format!("# yaml-language-server: $schema={reference}").as_str())
        );
        let schema = json(&file.parent().unwrap().join(&reference));
        // Every key the template writes is one the schema knows.
        let value: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        for key in value.as_object().unwrap().keys() {
            assert!(schema["properties"][key].is_object(), "{id}: {key}");
        }
    }
    let out = engage(s.path(), &["check", "--format", "json", "--today", TODAY]);
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Only what the student must replace, as warnings while in progress.
    let found: Vec<(&str, &str, &str, u64)> = run["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let (ceci, cire) = (
        "data/portfolios/new-ceci/portfolio.yml",
        "data/portfolios/new-cire/portfolio.yml",
    );
    assert_eq!(
        found,
        vec![
            ("record.placeholder", "warning", ceci, 16),
            ("record.placeholder", "warning", ceci, 22),
            ("record.placeholder", "warning", cire, 15),
            ("record.placeholder", "warning", cire, 17),
        ],
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(0));
    let records = run["records"].as_array().unwrap();
    assert_eq!(records.len(), 4);
    for r in records {
        assert_eq!(r["status"], "in-progress", "{r}");
        assert_eq!(r["complete"], false, "{r}");
    }
}

#[test]
fn new_refuses_to_overwrite_and_bad_arguments() {
    let s = site();
    let args = |programme: &str, handle: &str| {
        vec![
            "new".to_string(),
            "portfolio".into(),
            "--programme".into(),
            programme.into(),
            "--handle".into(),
            handle.into(),
        ]
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        engage(s.path(), &a)
    };
    assert_eq!(run(args("ceci", "alice")).status.code(), Some(0));
    let file = s.path().join("data/portfolios/alice/portfolio.yml");
    std::fs::write(&file, "mine\n").unwrap();
    let out = run(args("escom", "alice"));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine\n");
    let out = run(args("cecy", "bob"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `ceci`?"),
        "{}",
        stderr(&out)
    );
    assert_eq!(run(args("ceci", "../bob")).status.code(), Some(2));
    assert!(!s.path().join("data/bob").exists());
    let out = engage(s.path(), &["new", "portfolio", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("engage new portfolio --programme ceci --handle alice"));
}

#[test]
fn the_committed_schemas_are_up_to_date() {
    // Editors read data/schemas/ from the repository: regenerate them with
    // `engage schema` whenever the record or programme format changes.
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_engage"))
        .args(["--root", env!("CARGO_MANIFEST_DIR"), "schema", "--output"])
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let names = |dir: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let committed_dir = common::repo().join("data/schemas");
    assert_eq!(
        names(out.path()),
        names(&committed_dir),
        "data/schemas/ is stale: run `engage schema`"
    );
    for name in names(out.path()) {
        let fresh = std::fs::read_to_string(out.path().join(&name)).unwrap();
        let committed =
            std::fs::read_to_string(common::repo().join("data/schemas").join(&name)).unwrap();
        assert_eq!(
            fresh, committed,
            "data/schemas/{name} is stale: run `engage schema`"
        );
    }
}

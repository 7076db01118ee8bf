//! The pull-request workflow keeps the judge out of the pull request's
//! reach (SECURITY.md): read as data, not as text.

use serde_json::Value;

fn pr_workflow() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/pr.yml");
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

fn steps(w: &Value) -> Vec<&Value> {
    w["jobs"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|job| job["steps"].as_array().unwrap())
        .collect()
}

#[test]
fn the_judge_is_built_from_the_base_without_any_cache() {
    let w = pr_workflow();
    // `pull_request` only: `pull_request_target` would run with secrets on
    // the PR's code.
    assert!(w["on"].get("pull_request").is_some());
    assert!(w["on"].get("pull_request_target").is_none());
    let steps = steps(&w);
    assert!(steps.len() >= 4, "{steps:?}");
    // A cache restored here could hold a binary or sources a PR's own run
    // wrote into the PR's cache scope.
    for s in &steps {
        let uses = s["uses"].as_str().unwrap_or("");
        assert!(!uses.starts_with("actions/cache"), "cache step: {s}");
        assert!(!uses.contains("rust-cache"), "cache step: {s}");
    }
    let tool = steps
        .iter()
        .find(|s| s["with"]["path"] == "tool")
        .expect("a checkout of the judge into tool/");
    assert_eq!(
        tool["with"]["ref"],
        "${{ github.event.pull_request.base.sha }}"
    );
    let build = steps
        .iter()
        .find(|s| s["run"].as_str().is_some_and(|r| r.contains("cargo build")))
        .expect("a build step");
    let run = build["run"].as_str().unwrap();
    assert!(
        run.contains("--locked") && run.contains("tool/Cargo.toml"),
        "{run}"
    );
    let check = steps
        .iter()
        .find(|s| s["run"].as_str().is_some_and(|r| r.contains("check --pr")))
        .expect("the check step");
    assert!(
        check["run"]
            .as_str()
            .unwrap()
            .starts_with("tool/target/release/engage"),
        "the PR's own engage must not judge it"
    );
}

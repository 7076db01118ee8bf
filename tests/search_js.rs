//! The browser's search (themes/default/static/search.js, run by Node) and
//! the Rust reference fold, stem and rank alike: the folding table and the
//! stop words come from the index engage writes. Node is required under
//! CI=true; elsewhere the test says it skipped.

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use common::{copy_dir, repo};
use engage::core::lang::Lang;
use engage::core::source::{Disk, Files};
use engage::site::search;
use engage::site::BuildOptions;
use engage::workspace::{Parts, Workspace};
use serde_json::{json, Value};

const TEXTS: &[&str] = &[
    "Qu’est-ce que l’École ?",
    "ÉTUDIANTS Étudiantes étudiant·e·s",
    "Œuvre cœur Æsop æther Straße STRASSE ﬁnal ﬂux",
    "l'été d’aujourd’hui don't",
    "2026 1er 2ᵉ x² H₂O n° 3,14",
    "Ångström Þór Łódź İstanbul ĳssel",
    "Αθήνα Москва 北京 😀 café-théâtre",
    "constructor __proto__ toString hasOwnProperty",
    "THE the The a à À vous VOUS",
];

const QUERIES: &[&str] = &[
    "inscription",
    "INSCRIRE",
    "école",
    "stage étudiant",
    "ass",
    "Portfolio heures",
    "le",
    "constructor",
    "internship",
    "Certificate hours",
    "regist",
];

/// Runs search.js's `searcher` under Node on `index`; None without Node.
fn node(index: &Value, texts: &[&str], queries: &[&str]) -> Option<Value> {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("run.cjs");
    std::fs::write(
        &script,
        r#"const searcher = require(process.argv[2]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const s = searcher(input.index);
process.stdout.write(JSON.stringify({
  words: input.texts.map((t) => s.words(t).map((w) => [w, s.stem(w)])),
  results: input.queries.map((q) => s.query(q).map((d) => d[0])),
}));
"#,
    )
    .unwrap();
    let mut child = match Command::new("node")
        .arg(&script)
        .arg(repo().join("themes/default/static/search.js"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("skipped: Node cannot run ({e}); CI=true makes this a failure");
            return None;
        }
        Err(e) => panic!("Node is required under CI=true: {e}"),
    };
    let input = json!({ "index": index, "texts": texts, "queries": queries });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node failed");
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn node_and_rust_fold_stem_and_rank_alike() {
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "data", "themes"] {
        copy_dir(&repo().join(part), &dir.path().join(part));
    }
    let ws = Workspace::load(
        Files::new(Disk::new(dir.path())),
        Parts::SITE,
        &BuildOptions::default(),
    );
    let site = ws.site.as_ref().unwrap();
    for lang in [Lang::Fr, Lang::En] {
        let index = site.search_index(lang);
        let json: Value = serde_json::from_str(&index.to_json()).unwrap();
        let Some(js) = node(&json, TEXTS, QUERIES) else {
            return;
        };
        let words: Vec<Vec<(String, String)>> = TEXTS
            .iter()
            .map(|t| {
                search::words(t)
                    .into_iter()
                    .map(|w| {
                        let s = search::stem(&w);
                        (w, s)
                    })
                    .collect()
            })
            .collect();
        assert_eq!(js["words"], json!(words), "{lang:?}");
        let results: Vec<Vec<String>> = QUERIES
            .iter()
            .map(|q| index.query(q).into_iter().map(|d| d.0.clone()).collect())
            .collect();
        assert_eq!(js["results"], json!(results), "{lang:?}");
        // The comparison is not an empty one.
        assert!(results.iter().filter(|r| !r.is_empty()).count() >= 3);
        assert_eq!(words[0], [("ecole".into(), "ecole".into())]);
    }
}

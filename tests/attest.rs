//! `engage attest` on the example programmes' records at a fixed day: the
//! attestation page of complete records (read with CSS selectors), the
//! refusal of incomplete ones with the check's rule ids and lines, and the
//! Open Badges 3.0 credential: its shape against the specification,
//! property by property, and its eddsa-jcs-2022 proof, which verifies and
//! stops verifying once one byte of the payload changes.

mod common;

use std::path::{Path, PathBuf};

use common::html::Page;
use common::{engage, repo, stderr};
use serde_json::Value;

const TODAY: &str = "2026-12-01";

fn example(name: &str) -> PathBuf {
    if name == "ceci" {
        repo()
    } else {
        repo().join("examples").join(name)
    }
}

/// `engage attest HANDLE` of `site` into `out`, with `extra` arguments.
fn attest(site: &str, handle: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "attest",
        handle,
        "--today",
        TODAY,
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    engage(&example(site), &args)
}

/// (rule id, line) of every diagnostic of a human rendering: the
/// `error[rule]` line, then the `┌─ file:line:column` line under it.
fn located(stderr: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut rule = None;
    for l in stderr.lines() {
        if let Some(r) = l.strip_prefix("error[") {
            rule = r.split(']').next().map(String::from);
        } else if let (Some(r), Some(at)) = (&rule, l.split("┌─ ").nth(1)) {
            let line = at.split(':').nth(1).unwrap().parse().unwrap();
            out.push((r.clone(), line));
            rule = None;
        }
    }
    out
}

#[test]
fn a_complete_ceci_record_gets_its_attestation_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let out = attest("ceci", "alice", dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("NOT SIGNED"), "{}", stderr(&out));
    let page = Page::at(dir.path(), "index.html");
    assert_eq!(page.attrs("article", "lang"), ["fr", "en"]);
    let en = |class: &str| page.text(&format!("article[lang=en] dd.{class}"));
    assert_eq!(en("learner"), "alice");
    assert_eq!(en("programme"), "Civic Engagement Certificate");
    assert_eq!(en("credits"), "10 ECTS");
    // 38 days of 4 hours in her log.
    assert_eq!(en("hours"), "152 h");
    assert_eq!(en("started"), "2025-02-03");
    assert_eq!(en("issued"), TODAY);
    // The issuing body of data/site.yml.
    assert_eq!(en("issuer"), "Université libre de Bruxelles – ULB Engagée");
    assert_eq!(page.text("article[lang=fr] h1"), "Attestation de réussite");
    assert_eq!(
        page.text("article[lang=en] h1"),
        "Certificate of completion"
    );
    // Printed on A4, one page per language.
    let style = page.text("style");
    assert!(style.contains("@page{size:A4"), "{style}");
    assert!(style.contains("break-after:page"), "{style}");
}

#[test]
fn a_micro_credential_lists_every_mandatory_element_labelled() {
    let dir = tempfile::tempdir().unwrap();
    let out = attest("micro-credential", "ines", dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = Page::at(dir.path(), "index.html");
    let keys = page.attrs("article[lang=en] table.elements tr", "data-element");
    assert_eq!(
        keys,
        [
            "learner",
            "title",
            "country",
            "awarding_body",
            "issued",
            "learning_outcomes",
            "workload_ects",
            "eqf_level",
            "assessment",
            "participation",
            "quality_assurance"
        ]
    );
    assert_eq!(
        page.text("article[lang=en] tr[data-element=awarding_body] th"),
        "the awarding body"
    );
    assert_eq!(
        page.text("article[lang=en] tr[data-element=awarding_body] td"),
        "Université libre de Bruxelles"
    );
    assert_eq!(
        page.text("article[lang=en] tr[data-element=workload_ects] td"),
        "3 ECTS"
    );
    // The learner as the record names them, the date of issue as written.
    assert_eq!(
        page.text("article[lang=en] dd.learner"),
        "Inès Lambert, matricule 000417"
    );
    assert_eq!(page.text("article[lang=en] dd.issued"), "2026-06-30");
}

#[test]
fn cire_certifies_only_modules_attended_in_full() {
    let dir = tempfile::tempdir().unwrap();
    // Amina attended society 1–8 (all) and daily-life 1–3 of 6.
    let out = attest("cire", "amina", dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = Page::at(dir.path(), "index.html");
    assert_eq!(
        page.text("article[lang=fr] h1"),
        "Attestation de fréquentation"
    );
    assert_eq!(
        page.attrs("article[lang=fr] table.modules tr", "data-module"),
        ["society"]
    );
    assert_eq!(
        page.text("article[lang=fr] tr[data-module=society] td:first-of-type"),
        "8/8"
    );
}

#[test]
fn an_incomplete_record_is_refused_in_the_checks_words() {
    let dir = tempfile::tempdir().unwrap();
    let out = attest("ceci", "bob", &dir.path().join("bob"), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines = |handle: &str, needle: &str| common::line_of(&repo(), handle, needle);
    // Completeness rules point at the part they measure, or at `status:`
    // when the part is absent, as `engage check` does at submission.
    assert_eq!(
        located(&stderr(&out)),
        vec![
            ("ceci.analysis".into(), lines("bob", "status:")),
            ("ceci.assessment".into(), lines("bob", "status:")),
            ("ceci.internship-hours".into(), lines("bob", "2025-10-06")),
            (
                "ceci.productions".into(),
                lines("bob", "Rétroplanning de la semaine")
            ),
        ]
    );
    assert!(stderr(&out).contains("120 h of internship logged, 150 h are required"));
    assert!(!dir.path().join("bob").exists(), "nothing written");

    let out = attest("micro-credential", "jules", &dir.path().join("jules"), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rules: Vec<String> = located(&stderr(&out)).into_iter().map(|(r, _)| r).collect();
    assert_eq!(rules, ["micro-credential.elements"; 3]);
    for missing in [
        "the awarding body is missing",
        "the date of issue is missing",
        "the type of quality assurance is missing",
    ] {
        assert!(stderr(&out).contains(missing), "{}", stderr(&out));
    }

    let out = attest("cire", "tesfaye", &dir.path().join("t"), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rules: Vec<String> = located(&stderr(&out)).into_iter().map(|(r, _)| r).collect();
    assert_eq!(rules, ["cire.full-module"]);

    let out = attest("ceci", "nobody", &dir.path().join("n"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

fn key_file(dir: &Path) -> PathBuf {
    // A throwaway key made by the test: no key material in the repository.
    let path = dir.join("issuer.key");
    std::fs::write(&path, "2a".repeat(32)).unwrap();
    path
}

fn signed(dir: &Path) -> (PathBuf, Value) {
    let key = key_file(dir);
    let out_dir = dir.join("alice");
    let out = attest("ceci", "alice", &out_dir, &["--key", key.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("NOT SIGNED"), "{}", stderr(&out));
    let path = out_dir.join("credential.json");
    let json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (path, json)
}

#[test]
fn a_signed_credential_verifies_and_fails_once_one_byte_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = signed(dir.path());
    let verify = |p: &Path| engage(&repo(), &["attest", "--verify", p.to_str().unwrap()]);
    let out = verify(&path);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid signature (did:key:z6Mk"));

    // One byte of the payload: the learner's identity, alice → alicf.
    let text = std::fs::read_to_string(&path).unwrap();
    let needle = "\"identityHash\": \"alice\"";
    assert_eq!(text.matches(needle).count(), 1);
    let changed = dir.path().join("changed.json");
    std::fs::write(
        &changed,
        text.replace(needle, "\"identityHash\": \"alicf\""),
    )
    .unwrap();
    let out = verify(&changed);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the signature does not match"),
        "{}",
        stderr(&out)
    );

    // Signed with the same key by an engage that did not write it: the
    // order of keys and the spacing of the file do not matter (JCS).
    let reordered = dir.path().join("compact.json");
    let value: Value = serde_json::from_str(&text).unwrap();
    std::fs::write(&reordered, serde_json::to_string(&value).unwrap()).unwrap();
    assert_eq!(verify(&reordered).status.code(), Some(0));

    // An unsigned credential does not verify.
    let out = attest("ceci", "alice", &dir.path().join("unsigned"), &[]);
    assert_eq!(out.status.code(), Some(0));
    let out = verify(&dir.path().join("unsigned/credential.json"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("it is not signed"),
        "{}",
        stderr(&out)
    );

    // A key that is not 32 bytes of hexadecimal stops the run before
    // anything is written.
    let bad = dir.path().join("bad.key");
    std::fs::write(&bad, "not a key").unwrap();
    let out = attest(
        "ceci",
        "alice",
        &dir.path().join("x"),
        &["--key", bad.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("x").exists());
}

fn types(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().map(|t| t.as_str().unwrap()).collect(),
        _ => panic!("`type` is neither a string nor a list: {v}"),
    }
}

fn is_uri(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.starts_with("https://") || s.starts_with("did:") || s.starts_with("urn:")
    })
}

fn is_datetime(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.parse::<jiff::Timestamp>().is_ok())
}

/// Open Badges 3.0 (1EdTech, §B.1 OpenBadgeCredential, Profile,
/// AchievementSubject, Achievement, Criteria, Alignment, IdentityObject)
/// on VC Data Model 2.0, and vc-di-eddsa's proof.
#[test]
fn the_credential_has_the_shape_open_badges_3_requires() {
    let dir = tempfile::tempdir().unwrap();
    let (_, c) = signed(dir.path());
    // OpenBadgeCredential
    assert_eq!(
        c["@context"],
        serde_json::json!([
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ])
    );
    let t = types(&c["type"]);
    assert!(t.contains(&"VerifiableCredential") && t.contains(&"OpenBadgeCredential"));
    assert!(is_uri(&c["id"]), "{}", c["id"]);
    assert!(is_datetime(&c["validFrom"]), "{}", c["validFrom"]);
    assert_eq!(c["validFrom"], "2026-12-01T00:00:00Z");
    assert_eq!(c["name"], "Civic Engagement Certificate");
    // issuer: a Profile with an id and a name.
    let issuer = &c["issuer"];
    assert!(is_uri(&issuer["id"]));
    assert!(types(&issuer["type"]).contains(&"Profile"));
    assert_eq!(
        issuer["name"],
        "Université libre de Bruxelles – ULB Engagée"
    );
    assert_eq!(issuer["url"], "https://engage.example.org");
    // credentialSubject: an AchievementSubject, identified by an id or an
    // IdentityObject, with the achievement.
    let s = &c["credentialSubject"];
    assert!(types(&s["type"]).contains(&"AchievementSubject"));
    let identity = &s["identifier"][0];
    assert_eq!(identity["type"], "IdentityObject");
    assert_eq!(identity["identityType"], "name");
    assert_eq!(identity["hashed"], false);
    assert_eq!(identity["identityHash"], "alice");
    assert_eq!(s["creditsEarned"], 10.0);
    // Achievement: id, type, name, description, criteria (id or
    // narrative), credits, learning outcomes as alignments.
    let a = &s["achievement"];
    assert!(is_uri(&a["id"]));
    assert!(types(&a["type"]).contains(&"Achievement"));
    assert_eq!(a["name"], "Civic Engagement Certificate");
    assert!(a["description"].as_str().is_some_and(|d| !d.is_empty()));
    assert!(a["criteria"]["narrative"]
        .as_str()
        .is_some_and(|n| n.contains("Internship hours")));
    assert_eq!(a["creditsAvailable"], 10.0);
    let alignment = a["alignment"].as_array().unwrap();
    // The CECi's four online modules.
    assert_eq!(alignment.len(), 4);
    for al in alignment {
        assert!(types(&al["type"]).contains(&"Alignment"));
        assert!(al["targetName"].as_str().is_some_and(|n| !n.is_empty()));
        assert!(is_uri(&al["targetUrl"]));
    }
    // The Data Integrity proof.
    let p = &c["proof"];
    assert_eq!(p["type"], "DataIntegrityProof");
    assert_eq!(p["cryptosuite"], "eddsa-jcs-2022");
    assert_eq!(p["proofPurpose"], "assertionMethod");
    assert!(is_datetime(&p["created"]));
    let method = p["verificationMethod"].as_str().unwrap();
    let (did, fragment) = method.split_once('#').unwrap();
    assert!(did.starts_with("did:key:z6Mk"), "{method}");
    assert_eq!(did.trim_start_matches("did:key:"), fragment);
    // base58btc multibase of a 64-byte Ed25519 signature.
    let value = p["proofValue"].as_str().unwrap();
    assert!(value.starts_with('z'));
    assert_eq!(bs58::decode(&value[1..]).into_vec().unwrap().len(), 64);
}

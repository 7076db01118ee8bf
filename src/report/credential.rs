//! Open Badges 3.0 credentials (an `OpenBadgeCredential`, VC Data Model
//! 2.0) for an [`Attestation`], signed with a Data Integrity proof of the
//! `eddsa-jcs-2022` cryptosuite, and their verification.
//!
//! Why Data Integrity rather than VC-JWT: the credential stays one readable
//! JSON-LD document that Open Badges wallets and validators accept as is,
//! and JCS canonicalisation needs no JSON-LD processor (no remote context
//! fetched at signing or verifying time).
//!
//! The proof (W3C vc-di-eddsa, eddsa-jcs-2022): the proof options (the
//! proof without `proofValue`, with the document's `@context`) and the
//! document without its proof are each canonicalised with JCS (RFC 8785)
//! and hashed with SHA-256; the Ed25519 signature of the two hashes
//! (options first) is the `proofValue`, multibase base58btc (`z…`). The
//! verification method is the key's `did:key`, so that a credential can be
//! verified offline from itself.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::core::diagnostic::Text;
use crate::report::attest::Attestation;

/// The contexts of an Open Badges 3.0 credential, in this order.
pub const CONTEXTS: [&str; 2] = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
];
pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";
/// The environment variable that names the key file when `--key` is not
/// given.
pub const KEY_ENV: &str = "ENGAGE_SIGNING_KEY";

/// The multicodec prefix of an Ed25519 public key (0xed, varint-encoded).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];

/// The unsigned credential for `a`.
pub fn credential(a: &Attestation) -> Value {
    let base = a.issuer.url.trim_end_matches('/');
    let achievement_id = format!("{base}/achievements/{}", a.programme_id);
    let alignment: Vec<Value> = a
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| {
            json!({
                "type": ["Alignment"],
                "targetName": o,
                "targetUrl": format!("{achievement_id}#outcome-{}", i + 1),
            })
        })
        .collect();
    let criteria: Vec<&str> = a.criteria.iter().map(|c| c.en.as_str()).collect();
    let mut achievement = json!({
        "id": achievement_id,
        "type": ["Achievement"],
        "name": a.programme.en,
        "description": format!("{} ({})", a.programme.en, a.programme.fr),
        "criteria": { "narrative": criteria.join("; ") },
        "alignment": alignment,
    });
    let mut subject = json!({
        "type": ["AchievementSubject"],
        "identifier": [{
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": false,
            "identityHash": a.learner,
        }],
        "achievement": Value::Null,
    });
    if let Some(c) = a.credits {
        let credits: f64 = c.to_string().parse().unwrap_or(0.0);
        achievement["creditsAvailable"] = json!(credits);
        subject["creditsEarned"] = json!(credits);
    }
    subject["achievement"] = achievement;
    let mut issuer = json!({
        "id": base,
        "type": ["Profile"],
        "name": a.issuer.name.en.as_deref().or(a.issuer.name.fr.as_deref()).unwrap_or_default(),
        "url": base,
    });
    if let Some(e) = &a.issuer.email {
        issuer["email"] = json!(e);
    }
    json!({
        "@context": CONTEXTS,
        "id": format!("{base}/credentials/{}/{}", a.programme_id, a.handle),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": format!("{}T00:00:00Z", a.issued),
        "name": a.programme.en,
        "credentialSubject": subject,
    })
}

/// Why a key or a credential was refused, in words for people.
pub type Problem = Text;

/// A signing key from the text of a key file: the 32-byte Ed25519 secret
/// as 64 hexadecimal digits (`openssl rand -hex 32`).
pub fn parse_key(text: &str) -> Result<SigningKey, Problem> {
    let hex = text.trim();
    let bad = || {
        Text::new(
            "la clé doit être 64 chiffres hexadécimaux (32 octets, `openssl rand -hex 32`)",
            "the key must be 64 hexadecimal digits (32 bytes, `openssl rand -hex 32`)",
        )
    };
    if hex.len() != 64 || !hex.is_ascii() {
        return Err(bad());
    }
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(SigningKey::from_bytes(&bytes))
}

/// The `did:key` of a public key, which is also its verification method's
/// fragment.
pub fn did_key(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    format!("did:key:z{}", bs58::encode(bytes).into_string())
}

fn key_of_method(method: &str) -> Result<VerifyingKey, Problem> {
    let bad = || {
        Text::new(
            format!("méthode de vérification inconnue `{method}` : seule une clé did:key Ed25519 est lue"),
            format!("unknown verification method `{method}`: only an Ed25519 did:key is read"),
        )
    };
    let did = method.split('#').next().unwrap_or_default();
    let encoded = did.strip_prefix("did:key:z").ok_or_else(bad)?;
    let bytes = bs58::decode(encoded).into_vec().map_err(|_| bad())?;
    let raw = bytes.strip_prefix(&ED25519_PUB[..]).ok_or_else(bad)?;
    let raw: [u8; 32] = raw.try_into().map_err(|_| bad())?;
    VerifyingKey::from_bytes(&raw).map_err(|_| bad())
}

fn sha256_jcs(v: &Value) -> Result<Vec<u8>, Problem> {
    let canonical = serde_jcs::to_string(v).map_err(|e| {
        Text::new(
            format!("JSON non canonisable : {e}"),
            format!("JSON that cannot be canonicalised: {e}"),
        )
    })?;
    Ok(Sha256::digest(canonical.as_bytes()).to_vec())
}

/// The data signed: hash of the proof options, then of the document.
fn hash_data(document: &Value, options: &Value) -> Result<Vec<u8>, Problem> {
    let mut data = sha256_jcs(options)?;
    data.extend(sha256_jcs(document)?);
    Ok(data)
}

/// `credential` with a Data Integrity proof made with `key` at `created`
/// (an RFC 3339 instant).
pub fn sign(credential: &Value, key: &SigningKey, created: &str) -> Result<Value, Problem> {
    let did = did_key(&key.verifying_key());
    let fragment = did.trim_start_matches("did:key:");
    let mut options = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": format!("{did}#{fragment}"),
        "proofPurpose": "assertionMethod",
    });
    options["@context"] = credential["@context"].clone();
    let data = hash_data(credential, &options)?;
    let signature = key.sign(&data);
    // The proof keeps its `@context`, as in the specification's test
    // vectors: a verifier then knows which contexts were signed.
    options["proofValue"] = json!(format!(
        "z{}",
        bs58::encode(signature.to_bytes()).into_string()
    ));
    let mut signed = credential.clone();
    signed["proof"] = options;
    Ok(signed)
}

/// Verifies the Data Integrity proof of a signed credential; `Ok` with the
/// verification method when the signature holds.
pub fn verify(signed: &Value) -> Result<String, Problem> {
    let no_proof = || {
        Text::new(
            "le document n’a pas de preuve (`proof`) : il n’est pas signé",
            "the document has no `proof`: it is not signed",
        )
    };
    let Some(object) = signed.as_object() else {
        return Err(Text::new(
            "le document n’est pas un objet JSON",
            "the document is not a JSON object",
        ));
    };
    let proof = object
        .get("proof")
        .and_then(Value::as_object)
        .ok_or_else(no_proof)?;
    let field = |k: &str| proof.get(k).and_then(Value::as_str);
    if field("type") != Some("DataIntegrityProof") || field("cryptosuite") != Some(CRYPTOSUITE) {
        return Err(Text::new(
            format!("preuve d’un autre type : seul DataIntegrityProof {CRYPTOSUITE} est vérifié"),
            format!("proof of another kind: only DataIntegrityProof {CRYPTOSUITE} is verified"),
        ));
    }
    let method = field("verificationMethod").ok_or_else(no_proof)?;
    let key = key_of_method(method)?;
    let value = field("proofValue").ok_or_else(no_proof)?;
    let bad_value = || Text::new("`proofValue` illisible", "unreadable `proofValue`");
    let sig = bs58::decode(value.strip_prefix('z').ok_or_else(bad_value)?)
        .into_vec()
        .map_err(|_| bad_value())?;
    let sig = Signature::from_slice(&sig).map_err(|_| bad_value())?;
    let mut options: Map<String, Value> = proof.clone();
    options.remove("proofValue");
    let mut document = object.clone();
    document.remove("proof");
    let context = document.get("@context").cloned().unwrap_or(Value::Null);
    match options.get("@context") {
        // The document's contexts must begin with those the proof signed,
        // which are then the document's contexts for the hash.
        Some(signed) => {
            let starts = match (signed, &context) {
                (Value::Array(p), Value::Array(d)) => d.starts_with(p),
                (p, d) => p == d,
            };
            if !starts {
                return Err(Text::new(
                    "les contextes (`@context`) du document ne commencent pas par ceux de la preuve",
                    "the document's contexts (`@context`) do not begin with the proof's",
                ));
            }
            document.insert("@context".into(), signed.clone());
        }
        None => {
            options.insert("@context".into(), context);
        }
    }
    let data = hash_data(&Value::Object(document), &Value::Object(options))?;
    key.verify(&data, &sig).map_err(|_| {
        Text::new(
            "la signature ne correspond pas : le document a été modifié après sa signature, ou signé par une autre clé",
            "the signature does not match: the document was changed after it was signed, or signed with another key",
        )
    })?;
    Ok(method.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway key made here: no key material is kept in the repository.
    fn key_hex() -> String {
        "07".repeat(32)
    }

    #[test]
    fn a_signed_document_verifies_and_any_change_breaks_it() {
        let key = parse_key(&key_hex()).unwrap();
        let doc = json!({"@context": CONTEXTS, "name": "Inès", "n": 3});
        let signed = sign(&doc, &key, "2026-12-01T00:00:00Z").unwrap();
        assert!(verify(&signed).is_ok());
        let mut changed = signed.clone();
        changed["name"] = json!("Ines");
        assert!(verify(&changed).is_err());
        let mut changed = signed;
        changed["proof"]["created"] = json!("2026-12-02T00:00:00Z");
        assert!(verify(&changed).is_err());
    }

    /// The eddsa-jcs-2022 test vector of the W3C specification
    /// (w3c/vc-di-eddsa, TestVectors/eddsa-jcs-2022/signedJCS.json): what
    /// another implementation signed verifies here.
    #[test]
    fn the_specification_test_vector_verifies() {
        let text = include_str!("../../tests/fixtures/credentials/w3c-eddsa-jcs-2022.json");
        let signed: Value = serde_json::from_str(text).unwrap();
        assert!(verify(&signed).unwrap().starts_with("did:key:z6MkrJVn"));
        let mut changed = signed;
        changed["credentialSubject"]["alumniOf"] = json!("The School of Exampler");
        assert!(verify(&changed).is_err());
    }

    #[test]
    fn the_did_key_round_trips_and_starts_like_every_ed25519_did_key() {
        let key = parse_key(&key_hex()).unwrap().verifying_key();
        let did = did_key(&key);
        assert!(did.starts_with("did:key:z6Mk"), "{did}");
        assert_eq!(key_of_method(&format!("{did}#x")).unwrap(), key);
    }

    #[test]
    fn a_key_file_must_hold_32_bytes_in_hexadecimal() {
        assert!(parse_key("abc").is_err());
        assert!(parse_key(&"zz".repeat(32)).is_err());
        assert!(parse_key(&format!("{}\n", key_hex())).is_ok());
    }
}

//! `engage attest <handle>` and `engage attest --verify FILE`.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::cmd::{Ended, Stopped};
use crate::core::diagnostic::{emit_human, Diagnostics, Text};
use crate::core::lang::Lang;
use crate::core::source::{Disk, Files};
use crate::report::attest::{attest, Refused};
use crate::report::credential;
use crate::report::WriteError;
use crate::site::config::Config;
use crate::site::BuildOptions;
use crate::workspace::{Parts, Workspace};

/// The folder attestations go to, under the root (one folder per
/// handle); git-ignored.
pub const ATTEST_DIR: &str = "attestations";
/// The files of an attestation folder.
pub const PAGE: &str = "index.html";
pub const CREDENTIAL: &str = "credential.json";

/// Arguments of `engage attest`.
#[derive(Debug, clap::Args)]
pub struct AttestArgs {
    /// The student's handle (their record folder's name).
    #[arg(
        value_name = "HANDLE",
        required_unless_present = "verify",
        conflicts_with = "verify"
    )]
    pub handle: Option<String>,
    /// Verify the proof of a signed credential instead.
    #[arg(long, value_name = "FILE")]
    pub verify: Option<PathBuf>,
    /// The Ed25519 key file (64 hexadecimal digits); without it the
    /// credential is written unsigned.
    #[arg(long, value_name = "FILE", env = credential::KEY_ENV, hide_env_values = true)]
    pub key: Option<PathBuf>,
    /// The day of issue (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<Date>,
    /// The folder to write (default: attestations/<handle> under the root).
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

fn say(lang: Lang, t: &Text) {
    eprintln!("{}", t.get(lang));
}

pub fn run(root: &Path, lang: Lang, args: &AttestArgs) -> Ended {
    if let Some(file) = &args.verify {
        return verify(file, lang);
    }
    let Some(handle) = &args.handle else {
        return Err(Stopped::Usage);
    };
    // Read before anything is written: a bad key stops the run.
    let key = match &args.key {
        None => None,
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| {
                Text::new(
                    format!("clé illisible : {e}"),
                    format!("unreadable key: {e}"),
                )
            })
            .and_then(|t| credential::parse_key(&t))
        {
            Ok(k) => Some(k),
            Err(msg) => {
                eprint!("{}: ", path.display());
                say(lang, &msg);
                return Err(Stopped::Usage);
            }
        },
    };
    let options = BuildOptions {
        today: Some(args.today.unwrap_or_else(crate::workspace::today)),
        ..BuildOptions::default()
    };
    let ws = Workspace::load(Files::new(Disk::new(root)), Parts::RECORDS, &options);
    let config = match Config::load(&ws.files) {
        Ok(c) => c,
        Err(ds) => {
            let _ = emit_human(&mut super::stderr(), &ws.files, &ds, lang);
            return Ok(ds);
        }
    };
    let a = match attest(&ws, config.issuer.as_ref(), handle) {
        Ok(a) => a,
        Err(Refused::Unknown) => {
            say(
                lang,
                &Text::new(
                    format!("aucun dossier lisible pour `{handle}` dans data/portfolios"),
                    format!("no readable record for `{handle}` in data/portfolios"),
                ),
            );
            return Err(Stopped::Usage);
        }
        Err(Refused::NoIssuer) => {
            say(lang, &Text::new(
                "data/site.yml ne nomme pas d’organisme émetteur : ajoutez le bloc `issuer:` (README, « engage attest »)",
                "data/site.yml names no issuing body: add the `issuer:` block (README, \"engage attest\")",
            ));
            return Err(Stopped::Usage);
        }
        Err(Refused::Incomplete(ds)) => {
            let _ = emit_human(&mut super::stderr(), &ws.files, &ds, lang);
            say(lang, &Text::new(
                format!("pas d’attestation pour `{handle}` : le dossier n’est pas complet ({} problème(s) ci-dessus)", ds.len()),
                format!("no attestation for `{handle}`: the record is not complete ({} problem(s) above)", ds.len()),
            ));
            return Ok(ds);
        }
    };
    let unsigned = credential::credential(&a);
    let document = match &key {
        Some(k) => {
            let now = jiff::Timestamp::now();
            let created = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
            match credential::sign(&unsigned, k, &created.to_string()) {
                Ok(d) => d,
                Err(msg) => {
                    say(lang, &msg);
                    return Err(Stopped::Usage);
                }
            }
        }
        None => unsigned,
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| root.join(ATTEST_DIR).join(handle));
    let json = serde_json::to_string_pretty(&document).unwrap_or_default() + "\n";
    let page = crate::report::attest::render(&a);
    let files = [(PAGE, page.as_bytes()), (CREDENTIAL, json.as_bytes())];
    let target = match crate::report::write(root, &output, &files) {
        Ok(t) => t,
        Err(WriteError::Refused(d)) => {
            let ds = Diagnostics::from_iter([d]);
            let _ = emit_human(&mut super::stderr(), &ws.files, &ds, lang);
            return Ok(ds);
        }
        Err(WriteError::Io(e)) => {
            eprintln!("{}: {e}", output.display());
            return Err(Stopped::Usage);
        }
    };
    let (page, cred) = (target.join(PAGE), target.join(CREDENTIAL));
    say(
        lang,
        &Text::new(
            format!(
                "Attestation : {}\nCertificat Open Badges : {}",
                page.display(),
                cred.display()
            ),
            format!(
                "Attestation: {}\nOpen Badges credential: {}",
                page.display(),
                cred.display()
            ),
        ),
    );
    if key.is_none() {
        say(
            lang,
            &Text::new(
                format!(
                    "attention : certificat NON SIGNÉ (aucune clé : --key ou {})",
                    credential::KEY_ENV
                ),
                format!(
                    "warning: the credential is NOT SIGNED (no key: --key or {})",
                    credential::KEY_ENV
                ),
            ),
        );
    }
    Ok(Diagnostics::new())
}

fn verify(file: &Path, lang: Lang) -> Ended {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return Err(Stopped::Usage);
        }
    };
    let checked = serde_json::from_str(&text)
        .map_err(|e| {
            Text::new(
                format!("JSON illisible : {e}"),
                format!("unreadable JSON: {e}"),
            )
        })
        .and_then(|v| credential::verify(&v));
    match checked {
        Ok(method) => {
            match lang {
                Lang::Fr => println!("{} : signature valide ({method})", file.display()),
                Lang::En => println!("{}: valid signature ({method})", file.display()),
            }
            Ok(Diagnostics::new())
        }
        Err(msg) => {
            eprint!("{}: ", file.display());
            say(lang, &msg);
            Err(Stopped::Content)
        }
    }
}

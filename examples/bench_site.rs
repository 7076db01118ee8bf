//! Generates a synthetic bilingual site for benchmarks:
//! `cargo run --release --example bench_site -- DIR [PAGES_PER_LANGUAGE]`
//! then time `target/release/engage --root DIR build`.
//!
//! The default is the kind of site the peers were measured on (issue 15):
//! 10,000 pages (5,000 per language in sections of 100), about 1,100 words
//! each (front matter included), five `##` headings with explicit ids, a
//! list of four items per heading, one table, three internal links checked
//! down to their anchor, French typography on the French half. What it
//! does not have: images, code blocks, raw HTML, a search page (so no
//! search index is built, as in Zola's default configuration), a calendar.
//!
//! The text is pseudo-random but deterministic, so figures are comparable
//! across runs and machines.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const WORDS_FR: &[&str] = &[
    "engagement",
    "étudiant",
    "association",
    "stage",
    "heures",
    "projet",
    "citoyen",
    "module",
    "atelier",
    "réflexion",
    "société",
    "communication",
    "portfolio",
    "jury",
    "bénévole",
    "organisation",
    "campus",
    "semaine",
    "objectif",
    "compétence",
    "réunion",
    "équipe",
    "public",
    "rapport",
    "ville",
    "avenir",
    "le",
    "la",
    "les",
    "des",
    "un",
    "une",
    "et",
    "pour",
    "avec",
    "dans",
    "sur",
    "notre",
    "chaque",
];
const WORDS_EN: &[&str] = &[
    "engagement",
    "student",
    "association",
    "internship",
    "hours",
    "project",
    "citizen",
    "module",
    "workshop",
    "reflection",
    "society",
    "communication",
    "portfolio",
    "jury",
    "volunteer",
    "organisation",
    "campus",
    "week",
    "goal",
    "skill",
    "meeting",
    "team",
    "public",
    "report",
    "city",
    "future",
    "the",
    "a",
    "an",
    "and",
    "for",
    "with",
    "in",
    "on",
    "our",
    "each",
    "of",
    "to",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn sentence(rng: &mut Rng, words: &[&str], n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(words[rng.below(words.len())]);
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

fn page(
    rng: &mut Rng,
    lang: &str,
    section: usize,
    index: usize,
    sections: usize,
    per_section: usize,
) -> String {
    let words = if lang == "fr" { WORDS_FR } else { WORDS_EN };
    let mut out = String::with_capacity(8_000);
    let _ = write!(
        out,
        "---\ntitle: \"{} {section}-{index}\"\nweight: {index}\ndescription: \"{}\"\n---\n",
        if lang == "fr" {
            "Page de test"
        } else {
            "Test page"
        },
        sentence(rng, words, 8)
    );
    for part in 0..5 {
        let _ = writeln!(
            out,
            "\n## Partie {part} : {} {{#partie-{part}}}\n",
            sentence(rng, words, 4)
        );
        for _ in 0..4 {
            let _ = writeln!(
                out,
                "{}. {} ! {} ?\n",
                sentence(rng, words, 20),
                sentence(rng, words, 15),
                sentence(rng, words, 12)
            );
        }
        // Three checked internal links a page, as on the peers' site.
        if part < 3 {
            let (s, p) = (rng.below(sections), rng.below(per_section));
            let _ = writeln!(
                out,
                "Voir [la page liée](@/s{s}/p{p}.md#partie-{}) et « {} ».\n",
                rng.below(5),
                sentence(rng, words, 3)
            );
        } else {
            let _ = writeln!(out, "Voir aussi « {} ».\n", sentence(rng, words, 6));
        }
        for _ in 0..4 {
            let _ = writeln!(out, "- {}", sentence(rng, words, 6));
        }
        if part == 2 {
            out.push_str("\n| Colonne | Heures | Crédits |\n|---|---|---|\n");
            for r in 0..4 {
                let _ = writeln!(out, "| {} | {} | {} |", sentence(rng, words, 2), 10 * r, r);
            }
        }
    }
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "target/bench-site".into()));
    let per_lang: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5_000);
    generate(&dir, per_lang);
}

/// Writes the site into `dir` (emptied first) with `per_lang` pages per
/// language. Public for tests/output_hashes.rs, which builds a small one.
pub fn generate(dir: &Path, per_lang: usize) {
    let per_section = 100.min(per_lang.max(1));
    let sections = per_lang.div_ceil(per_section);
    let _ = std::fs::remove_dir_all(dir);
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write(
        "data/site.yml",
        "organisation: Bench\nbase_url: https://bench.example.org\nlanguages: [fr, en]\ntheme: default\ntitle: { fr: Banc, en: Bench }\nmenu:\n  fr:\n    - { label: S0, link: \"@/s0/_index.md\" }\n  en:\n    - { label: S0, link: \"@/s0/_index.md\" }\n",
    );
    let mut rng = Rng(42);
    for lang in ["fr", "en"] {
        write(
            &format!("content/_index.{lang}.md"),
            "---\ntitle: Bench\n---\nHome.\n",
        );
        for s in 0..sections {
            write(
                &format!("content/s{s}/_index.{lang}.md"),
                &format!("---\ntitle: Section {s}\n---\nSection.\n"),
            );
            for p in 0..per_section.min(per_lang - s * per_section) {
                write(
                    &format!("content/s{s}/p{p}.{lang}.md"),
                    &page(&mut rng, lang, s, p, sections, per_section),
                );
            }
        }
    }
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    for entry in walkdir::WalkDir::new(&theme).into_iter().flatten() {
        let rel = entry.path().strip_prefix(&theme).expect("prefix");
        let dest = dir.join("themes/default").join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
    eprintln!(
        "{} pages per language in {} sections → {}",
        per_lang,
        sections,
        dir.display()
    );
}

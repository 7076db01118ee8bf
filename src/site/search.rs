//! Site search from static files: an index per language written at build
//! time, searched in the browser by themes/default/static/search.js.
//!
//! Words are folded (accents, case), stop words dropped, and stemmed by
//! truncation: plural `s`/`x` removed, then the first six letters kept. That
//! is cruder than Snowball but it is what makes "inscrire" find
//! "inscription" (Snowball gives `inscrir` and `inscript`), it works the same
//! for French and English, and it is twenty lines in both Rust and
//! JavaScript. The folding table and the stop words are defined here only
//! and written into each index, which search.js folds with: the two sides
//! fold identically (tests/search_js.rs runs both on the same words). The
//! Rust `query` below is the reference; search.js mirrors it line by line.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::Serialize;

/// Letters kept by the stemmer.
pub const STEM_LEN: usize = 6;

/// French and English words too common to search for, sorted (French and
/// English together) so that a lookup is a binary search.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "au", "aux", "avec", "be", "by", "ce", "ces", "cette",
    "dans", "de", "des", "du", "elle", "en", "est", "et", "for", "from", "il", "in", "is", "it",
    "je", "la", "le", "les", "leur", "ma", "mes", "mon", "ne", "not", "nous", "of", "on", "or",
    "ou", "our", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sont", "sur",
    "ta", "tes", "that", "the", "this", "to", "ton", "tu", "un", "une", "vous", "we", "with",
    "you", "your",
];

fn is_stop_word(w: &str) -> bool {
    STOP_WORDS.binary_search(&w).is_ok()
}

/// The non-ASCII characters search folds, by block: Latin (accents,
/// ligatures, ß), Greek, Cyrillic, Latin Extended Additional, the Latin
/// ligatures ﬁ ﬂ. Any other character separates words, on both sides.
const FOLDED_BLOCKS: &[(char, char)] = &[
    ('\u{A0}', '\u{24F}'),
    ('\u{370}', '\u{4FF}'),
    ('\u{1E00}', '\u{1EFF}'),
    ('\u{FB00}', '\u{FB06}'),
];

/// Character → lowercase ASCII letters and digits it folds to (`É` → `e`,
/// `œ` → `oe`, `ß` → `ss`, `²` → `2`), from deunicode, built once. A
/// character that folds to nothing or to punctuation (`’` → `'`) is left
/// out: it separates words.
static FOLD: LazyLock<HashMap<char, String>> = LazyLock::new(|| {
    FOLDED_BLOCKS
        .iter()
        .flat_map(|&(from, to)| from..=to)
        .filter_map(|c| {
            let folded = deunicode::deunicode_char(c)?.to_ascii_lowercase();
            (!folded.is_empty() && folded.bytes().all(|b| b.is_ascii_alphanumeric()))
                .then_some((c, folded))
        })
        .collect()
});

/// The folding table as written into the index: folded letters →
/// every character that folds to them (`"e": "ÈÉÊË…"`), sorted.
pub fn fold_table() -> BTreeMap<&'static str, String> {
    let mut table: BTreeMap<&'static str, Vec<char>> = BTreeMap::new();
    for (c, folded) in FOLD.iter() {
        table.entry(folded.as_str()).or_default().push(*c);
    }
    table
        .into_iter()
        .map(|(k, mut cs)| {
            cs.sort_unstable();
            (k, cs.into_iter().collect())
        })
        .collect()
}

/// Calls `f` with every folded word of `text`: ASCII letters lowercased,
/// other characters folded by [`FOLD`] or separating words, stop words
/// and one-letter words dropped. One buffer is reused: indexing 10,000
/// pages allocates per page, not per word.
fn fold_words(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    let mut emit = |buf: &mut String| {
        if buf.len() > 1 && !is_stop_word(buf) {
            f(buf);
        }
        buf.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            buf.push(c.to_ascii_lowercase());
        } else if c.is_ascii() {
            emit(&mut buf);
        } else if let Some(folded) = FOLD.get(&c) {
            buf.push_str(folded);
        } else {
            emit(&mut buf);
        }
    }
    emit(&mut buf);
}

/// Folded words of `text`: `Qu’est-ce que l’École ?` → `ecole`.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    fold_words(text, |w| out.push(w.to_string()));
    out
}

/// The stem of a folded word as bytes: plural `s`/`x` removed (not `ss`),
/// then the first six letters.
fn stem_bytes(word: &str) -> &[u8] {
    let b = word.as_bytes();
    let b = if b.len() > 3 && matches!(b[b.len() - 1], b's' | b'x') && !b.ends_with(b"ss") {
        &b[..b.len() - 1]
    } else {
        b
    };
    &b[..b.len().min(STEM_LEN)]
}

/// The stem of a folded word: `inscriptions` → `inscri`, `stages` → `stage`.
pub fn stem(word: &str) -> String {
    String::from_utf8_lossy(stem_bytes(word)).into_owned()
}

/// A stem packed in an integer (at most six ASCII bytes), so that a page's
/// stems sort and deduplicate without allocating.
pub type Packed = u64;

fn pack(stem: &[u8]) -> Packed {
    stem.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64)
}

fn unpack(mut p: Packed) -> String {
    let mut bytes = Vec::with_capacity(STEM_LEN);
    while p != 0 {
        bytes.push((p & 0xff) as u8);
        p >>= 8;
    }
    bytes.reverse();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Adds the stems of `text` to `out` (call [`Stems::finish`] after the last).
#[derive(Debug, Default)]
pub struct Stems(Vec<Packed>);

impl Stems {
    pub fn add(&mut self, text: &str) {
        fold_words(text, |w| self.0.push(pack(stem_bytes(w))));
    }
    /// Sorted and without repeats.
    pub fn finish(mut self) -> Vec<Packed> {
        self.0.sort_unstable();
        self.0.dedup();
        // A page's words are mostly repeats: its stems are kept (by the
        // preview, between saves) at their size, not at its word count.
        self.0.shrink_to_fit();
        self.0
    }
}

/// A document ready for the index: its stems already computed (in
/// parallel, by the caller).
#[derive(Debug)]
pub struct Entry {
    pub doc: Doc,
    pub title: Vec<Packed>,
    pub text: Vec<Packed>,
}

impl Entry {
    pub fn new(doc: Doc, text: Stems) -> Entry {
        Entry::from_stems(doc, text.finish())
    }

    /// An entry whose text stems were computed before (a page that did not
    /// change since): only its title is stemmed.
    pub fn from_stems(doc: Doc, text: Vec<Packed>) -> Entry {
        let mut title = Stems::default();
        title.add(&doc.title);
        Entry {
            title: title.finish(),
            text,
            doc,
        }
    }
}

/// One searchable thing: a page, or one FAQ question (its URL has the
/// question's anchor).
#[derive(Debug, Clone, Serialize)]
pub struct Doc {
    pub url: String,
    pub title: String,
    /// Where it lives, shown under the result ("Questions fréquentes").
    pub section: String,
}

/// The index of one language, as written to `search-index.json`.
#[derive(Debug, Default, Serialize)]
pub struct Index {
    /// `[url, title, section]` per document: arrays keep the file small.
    pub docs: Vec<(String, String, String)>,
    /// Stem → documents whose title has it, delta-encoded ascending ids.
    pub title: BTreeMap<String, Vec<u32>>,
    /// Stem → documents whose text has it, delta-encoded ascending ids.
    pub text: BTreeMap<String, Vec<u32>>,
}

impl Index {
    /// Indexes documents; merging their stem sets is linear in their size.
    pub fn build(entries: Vec<Entry>) -> Index {
        let mut title: HashMap<Packed, Vec<u32>> = HashMap::new();
        let mut text: HashMap<Packed, Vec<u32>> = HashMap::new();
        let mut index = Index::default();
        for (id, e) in entries.into_iter().enumerate() {
            for (map, list) in [(&mut title, e.title), (&mut text, e.text)] {
                for s in list {
                    map.entry(s).or_default().push(id as u32);
                }
            }
            index.docs.push((e.doc.url, e.doc.title, e.doc.section));
        }
        index.title = title.into_iter().map(|(k, v)| (unpack(k), v)).collect();
        index.text = text.into_iter().map(|(k, v)| (unpack(k), v)).collect();
        index
    }

    /// The JSON written to the site, with posting lists delta-encoded.
    pub fn to_json(&self) -> String {
        let delta = |m: &BTreeMap<String, Vec<u32>>| -> BTreeMap<String, Vec<u32>> {
            m.iter()
                .map(|(k, ids)| {
                    let mut prev = 0;
                    (
                        k.clone(),
                        ids.iter()
                            .map(|&i| {
                                let d = i - prev;
                                prev = i;
                                d
                            })
                            .collect(),
                    )
                })
                .collect()
        };
        serde_json::json!({
            "v": 2,
            "stem": STEM_LEN,
            "stop": STOP_WORDS,
            "fold": fold_table(),
            "docs": self.docs,
            "title": delta(&self.title),
            "text": delta(&self.text),
        })
        .to_string()
    }

    /// Ranked documents for a query: every word must match (in the title,
    /// worth 3, or the text, worth 1); the last word may be a prefix, as
    /// the visitor is still typing it.
    pub fn query(&self, q: &str) -> Vec<&(String, String, String)> {
        let words = words(q);
        let mut scores: Option<BTreeMap<u32, u32>> = None;
        for (i, w) in words.iter().enumerate() {
            let last = i + 1 == words.len();
            let s = stem(w);
            let mut hits: BTreeMap<u32, u32> = BTreeMap::new();
            for (map, weight) in [(&self.title, 3), (&self.text, 1)] {
                let keys: Vec<&String> = if last && w.len() < STEM_LEN {
                    map.range(w.clone()..)
                        .map(|(k, _)| k)
                        .take_while(|k| k.starts_with(w.as_str()))
                        .collect()
                } else {
                    map.get_key_value(&s).map(|(k, _)| k).into_iter().collect()
                };
                for k in keys {
                    for &d in &map[k] {
                        let e = hits.entry(d).or_default();
                        *e = (*e).max(weight);
                    }
                }
            }
            scores = Some(match scores {
                None => hits,
                Some(prev) => prev
                    .into_iter()
                    .filter_map(|(d, s)| hits.get(&d).map(|h| (d, s + h)))
                    .collect(),
            });
        }
        let mut ranked: Vec<(u32, u32)> = scores.unwrap_or_default().into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
            .into_iter()
            .filter_map(|(d, _)| self.docs.get(d as usize))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(d: Doc, text: &str) -> Entry {
        let mut s = Stems::default();
        s.add(text);
        Entry::new(d, s)
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]), "{STOP_WORDS:?}");
        assert!(is_stop_word("the") && is_stop_word("vous") && !is_stop_word("stage"));
    }

    #[test]
    fn folding_covers_accents_ligatures_and_separators() {
        assert_eq!(
            words("ÉCOLE Œuvre cœur Æsop straße ﬁn l’été 2ᵉ x²"),
            ["ecole", "oeuvre", "coeur", "aesop", "strasse", "fin", "ete", "x2"]
        );
        let table = fold_table();
        assert!(table["e"].contains('é') && table["e"].contains('É'));
        assert_eq!(table.get("'"), None, "apostrophes separate words");
    }

    #[test]
    fn packing_round_trips() {
        for w in ["ecole", "inscri", "a1", "zzzzzz"] {
            assert_eq!(unpack(pack(w.as_bytes())), w);
        }
    }

    fn doc(url: &str, title: &str) -> Doc {
        Doc {
            url: url.into(),
            title: title.into(),
            section: String::new(),
        }
    }

    #[test]
    fn folding_and_stemming() {
        assert_eq!(words("Qu’est-ce que l’École ?"), ["ecole"]);
        assert_eq!(stem("inscrire"), stem("inscription"));
        assert_eq!(stem("stages"), stem("stage"));
        assert_eq!(stem("registration"), stem("register"));
        assert_eq!(stem("class"), "class");
    }

    #[test]
    fn accented_stemmed_and_prefix_queries() {
        let idx = Index::build(vec![
            entry(
                doc("/fr/faq/#how-to-apply", "Comment m’inscrire ?"),
                "Remplis le formulaire d’inscription.",
            ),
            entry(
                doc("/fr/stage/", "Le stage"),
                "Une école, une association ou un cercle étudiant.",
            ),
        ]);
        let urls = |q: &str| idx.query(q).iter().map(|d| d.0.clone()).collect::<Vec<_>>();
        assert_eq!(urls("inscription"), ["/fr/faq/#how-to-apply"]);
        assert_eq!(urls("INSCRIRE"), ["/fr/faq/#how-to-apply"]);
        assert_eq!(urls("ecole"), ["/fr/stage/"]);
        assert_eq!(urls("École étudiants"), ["/fr/stage/"]);
        assert_eq!(urls("ass"), ["/fr/stage/"], "prefix while typing");
        assert!(urls("école inscription").is_empty(), "all words must match");
        assert!(urls("le").is_empty());
    }

    #[test]
    fn title_matches_rank_first_and_json_is_delta_encoded() {
        let idx = Index::build(vec![
            entry(doc("/a/", "Autre"), "On parle de stage ici."),
            entry(doc("/b/", "Le stage"), "Rien."),
        ]);
        assert_eq!(idx.query("stage")[0].0, "/b/");
        let json: serde_json::Value = serde_json::from_str(&idx.to_json()).unwrap();
        assert_eq!(json["text"]["stage"], serde_json::json!([0]));
        assert_eq!(json["title"]["stage"], serde_json::json!([1]));
        assert_eq!(json["docs"][1], serde_json::json!(["/b/", "Le stage", ""]));
    }
}

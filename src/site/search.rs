//! Site search from static files: an index per language written at build
//! time, searched in the browser by themes/default/static/search.js.
//!
//! Words are folded (accents, case), stop words dropped, and stemmed by
//! truncation: plural `s`/`x` removed, then the first six letters kept. That
//! is cruder than Snowball but it is what makes "inscrire" find
//! "inscription" (Snowball gives `inscrir` and `inscript`), it works the same
//! for French and English, and it is twenty lines in both Rust and
//! JavaScript, so the two sides cannot drift. The Rust `query` below is the
//! reference the tests check; search.js mirrors it line by line.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

/// Letters kept by the stemmer.
pub const STEM_LEN: usize = 6;

const STOP_WORDS: &[&str] = &[
    // French
    "au", "aux", "avec", "ce", "ces", "cette", "dans", "de", "des", "du", "elle", "en", "est", "et",
    "il", "je", "la", "le", "les", "leur", "ma", "mes", "mon", "ne", "nous", "on", "ou", "par",
    "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sont", "sur", "ta", "tes", "ton",
    "tu", "un", "une", "vous", // English
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "not", "of",
    "on", "or", "our", "that", "the", "this", "to", "we", "with", "you", "your",
];

/// Calls `f` with every folded word of `text` (lowercase ASCII, accents
/// folded, apostrophes splitting words, stop words and one-letter words
/// dropped), reusing one buffer: indexing 10,000 pages allocates per page,
/// not per word.
fn fold_words(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    let mut emit = |w: &str, buf: &mut String| {
        buf.clear();
        buf.push_str(w);
        buf.make_ascii_lowercase();
        // No stop word is longer than five letters: skip the scan for the rest.
        if buf.len() > 1 && (buf.len() > 5 || !STOP_WORDS.contains(&buf.as_str())) {
            f(buf);
        }
    };
    for raw in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if raw.is_ascii() {
            emit(raw, &mut buf);
        } else {
            // Most words are ASCII: fold only the others (é → e, œ → oe).
            let folded = deunicode::deunicode(raw);
            for part in folded
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                emit(part, &mut buf);
            }
        }
    }
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
        let mut title = Stems::default();
        title.add(&doc.title);
        Entry {
            title: title.finish(),
            text: text.finish(),
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
        serde_json::json!({ "v": 1, "stem": STEM_LEN, "docs": self.docs, "title": delta(&self.title), "text": delta(&self.text) }).to_string()
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
    fn stop_words_are_short() {
        // fold_words skips the stop-word scan for longer words.
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 5));
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

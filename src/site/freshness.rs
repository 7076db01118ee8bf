//! Translation freshness: which translations are older than their
//! counterpart, from git history.
//!
//! If content/faq.fr.md changed after content/faq.en.md last did, the
//! English page may say something the French no longer says: it is reported
//! as possibly outdated, with both dates. On FAQ pages whose questions carry
//! the same explicit id (`{#insurance}`) in both languages, the comparison is
//! made question by question, so that the warning names the question.
//!
//! [`assess`] is pure (the library and the change times in, statuses and
//! warnings out); [`times`] reads git; [`check`] ties them together for
//! `engage translations` and the build. Without git history every time is
//! unknown and only missing translations are reported.

use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use jiff::Timestamp;
use serde::Serialize;

use crate::core::diagnostic::{Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::core::git::Repo;
use crate::core::lang::Lang;
use crate::site::content::{Library, PageId};
use crate::site::faq;
use crate::site::page::Page;

/// A page changed in another language after this one last did.
pub const OUTDATED: RuleId = RuleId::new("translation.outdated");
/// An FAQ question changed in another language after this one last did.
pub const QUESTION_OUTDATED: RuleId = RuleId::new("translation.question-outdated");

/// Where a page or question stands in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Written, and not older than any counterpart (or no history to tell).
    Translated,
    /// Not written in this language.
    Missing,
    /// Written, but a counterpart changed later.
    Outdated,
}

/// One language of a page or question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LangStatus {
    pub lang: Lang,
    pub state: State,
    /// When it last changed in git, if known.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_time"
    )]
    pub changed: Option<Timestamp>,
}

/// An FAQ question, identified by its explicit id in every language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionStatus {
    pub id: String,
    pub langs: Vec<LangStatus>,
}

/// A page (all its languages) and, for an FAQ, its questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageStatus {
    /// The page key (`faq`, `ceci/stage`), as in `@/` links.
    pub key: String,
    pub langs: Vec<LangStatus>,
    pub questions: Vec<QuestionStatus>,
}

/// When files and FAQ questions last changed. Empty without git history.
#[derive(Debug, Clone, Default)]
pub struct Times {
    /// Content file (relative to the root) → time of its last commit.
    pub files: HashMap<PathBuf, Timestamp>,
    /// (FAQ file, explicit question id) → time of the last commit that
    /// changed that question's heading or answer.
    pub questions: HashMap<(PathBuf, String), Timestamp>,
}

impl Times {
    /// Whether any time is known (a git history was found).
    pub fn is_known(&self) -> bool {
        !self.files.is_empty()
    }
}

/// Every page's status, and warnings for outdated translations.
#[derive(Debug, Clone, Default)]
pub struct Freshness {
    pub pages: Vec<PageStatus>,
    /// `translation.outdated` and `translation.question-outdated` warnings.
    /// Missing translations are already reported by the content loader
    /// (`content.not-translated`, `faq.question-untranslated`).
    pub diagnostics: Diagnostics,
    /// Git history was available: outdated translations could be found.
    pub history: bool,
}

fn serialize_time<S: serde::Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.collect_str(t),
        None => s.serialize_none(),
    }
}

fn day(t: Timestamp) -> Date {
    t.to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// Explicit question ids of a page, each with its heading's position.
type Questions = Vec<(String, Position)>;

/// Explicit question ids of an FAQ page, with their heading position.
fn explicit_questions(page: &Page) -> Questions {
    if !faq::is_faq(page) {
        return Vec::new();
    }
    let outline = faq::outline(page);
    outline
        .questions()
        .filter_map(|q| page.scan.headings.get(q.heading))
        .filter(|h| h.explicit)
        .map(|h| (h.id.clone(), h.position))
        .collect()
}

/// Statuses of `langs` given which exist and when each changed: a language
/// is outdated when another changed strictly later.
fn states(present: &[(Lang, Option<Timestamp>)], languages: &[Lang]) -> Vec<LangStatus> {
    let newest = present.iter().filter_map(|(_, t)| *t).max();
    languages
        .iter()
        .map(|&lang| match present.iter().find(|(l, _)| *l == lang) {
            None => LangStatus {
                lang,
                state: State::Missing,
                changed: None,
            },
            Some((_, t)) => LangStatus {
                lang,
                state: match (t, newest) {
                    (Some(t), Some(n)) if *t < n => State::Outdated,
                    _ => State::Translated,
                },
                changed: *t,
            },
        })
        .collect()
}

/// The newest counterpart of `lang` among `present`: its language and time.
fn newest_other(present: &[(Lang, Option<Timestamp>)], lang: Lang) -> Option<(Lang, Timestamp)> {
    present
        .iter()
        .filter(|(l, _)| *l != lang)
        .filter_map(|(l, t)| Some((*l, (*t)?)))
        .max_by_key(|(_, t)| *t)
}

/// Statuses and warnings for every page of `library` in `languages`, given
/// the change times (empty: only missing translations).
pub fn assess(library: &Library, languages: &[Lang], times: &Times) -> Freshness {
    let mut out = Freshness {
        history: times.is_known(),
        ..Freshness::default()
    };
    for key in library.by_key.keys() {
        let pages: Vec<(Lang, PageId)> = languages
            .iter()
            .filter_map(|&l| Some((l, library.get(key, l)?)))
            .collect();
        let present: Vec<(Lang, Option<Timestamp>)> = pages
            .iter()
            .map(|(l, id)| (*l, times.files.get(&library.pages[*id].file).copied()))
            .collect();
        // Every explicit question is listed, in the languages that have it
        // and as missing in the others; those of two languages or more are
        // also compared one by one for freshness.
        let per_lang: Vec<(Lang, PageId, Questions)> = pages
            .iter()
            .map(|(l, id)| (*l, *id, explicit_questions(&library.pages[*id])))
            .collect();
        let shared: BTreeSet<&str> = per_lang
            .iter()
            .flat_map(|(_, _, qs)| qs.iter().map(|(id, _)| id.as_str()))
            .collect();
        let mut questions = Vec::new();
        for id in &shared {
            let present_q: Vec<(Lang, Option<Timestamp>)> = per_lang
                .iter()
                .filter(|(_, _, qs)| qs.iter().any(|(q, _)| q == id))
                .map(|(l, pid, _)| {
                    let file = library.pages[*pid].file.clone();
                    (*l, times.questions.get(&(file, id.to_string())).copied())
                })
                .collect();
            for (lang, pid, qs) in &per_lang {
                let Some((_, at)) = qs.iter().find(|(q, _)| q == id) else {
                    continue;
                };
                let Some(mine) = present_q.iter().find(|(l, _)| l == lang).and_then(|x| x.1) else {
                    continue;
                };
                let Some((other, theirs)) = newest_other(&present_q, *lang) else {
                    continue;
                };
                if theirs > mine {
                    let page = &library.pages[*pid];
                    let other_file = crate::site::content::translated_file(&page.file, other);
                    out.diagnostics.push(outdated(
                        QUESTION_OUTDATED,
                        &page.file,
                        *at,
                        &format!("#{id}"),
                        (&other_file, theirs),
                        mine,
                    ));
                }
            }
            questions.push(QuestionStatus {
                id: id.to_string(),
                langs: states(&present_q, languages),
            });
        }
        let mut langs = states(&present, languages);
        if !shared.is_empty() {
            // Compared question by question: the page is outdated in a
            // language where one of its questions is, whatever the file
            // dates say (a change to one question is not a change to all).
            for s in &mut langs {
                if s.state == State::Missing {
                    continue;
                }
                let any = questions.iter().any(|q: &QuestionStatus| {
                    q.langs
                        .iter()
                        .any(|l| l.lang == s.lang && l.state == State::Outdated)
                });
                s.state = if any {
                    State::Outdated
                } else {
                    State::Translated
                };
            }
        } else {
            for (lang, id) in &pages {
                let page = &library.pages[*id];
                let Some(mine) = times.files.get(&page.file).copied() else {
                    continue;
                };
                let Some((other, theirs)) = newest_other(&present, *lang) else {
                    continue;
                };
                if theirs > mine {
                    let other_file = crate::site::content::translated_file(&page.file, other);
                    out.diagnostics.push(outdated(
                        OUTDATED,
                        &page.file,
                        Position::file(),
                        "",
                        (&other_file, theirs),
                        mine,
                    ));
                }
            }
        }
        out.pages.push(PageStatus {
            key: key.clone(),
            langs,
            questions,
        });
    }
    out.diagnostics.sort();
    out
}

/// The warning for `file` (or its question `what`), last changed at `mine`,
/// older than `other` changed at `theirs`.
fn outdated(
    rule: RuleId,
    file: &Path,
    at: Position,
    what: &str,
    (other, theirs): (&Path, Timestamp),
    mine: Timestamp,
) -> Diagnostic {
    let (this_fr, this_en) = if what.is_empty() {
        ("cette page".to_string(), "this page".to_string())
    } else {
        (
            format!("la question {what}"),
            format!("the question {what}"),
        )
    };
    let o = other.display();
    Diagnostic::warning(
        rule,
        file,
        at,
        Text::new(
            format!(
                "{this_fr} est peut-être dépassée : {o}{what} a changé le {}, après sa dernière modification ici le {}",
                day(theirs),
                day(mine)
            ),
            format!(
                "{this_en} may be outdated: {o}{what} changed on {}, after it last changed here on {}",
                day(theirs),
                day(mine)
            ),
        ),
    )
    .with_hint(Text::new(
        format!("relisez les changements de {o} et reportez-les ici"),
        format!("review the changes to {o} and carry them over here"),
    ))
}

/// A fingerprint of each explicit question of an FAQ text (heading and
/// answer), to tell which questions a commit changed.
fn question_hashes(page: &Page) -> HashMap<String, u64> {
    if !faq::is_faq(page) {
        return HashMap::new();
    }
    let outline = faq::outline(page);
    outline
        .questions()
        .filter_map(|q| {
            let h = page.scan.headings.get(q.heading)?;
            if !h.explicit {
                return None;
            }
            let text = page.body().get(h.span.start..q.answer.end).unwrap_or("");
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            text.trim().hash(&mut hasher);
            Some((h.id.clone(), hasher.finish()))
        })
        .collect()
}

/// What is still to learn about one FAQ file while walking back in time.
struct FaqWalk {
    page: PageId,
    /// Fingerprints of the newer version seen last, and its time.
    newer: Option<(HashMap<String, u64>, Timestamp)>,
    /// Question ids of the current page whose last change is not known yet.
    open: BTreeSet<String>,
}

/// Reads when each page of `library` last changed, from the git repository
/// holding `root`; FAQ pages with explicit ids are read version by version,
/// newest first, until the last change of each question is known. Empty
/// [`Times`] without a repository.
pub fn times(root: &Path, library: &Library) -> Times {
    let Ok(repo) = Repo::open(root) else {
        return Times::default();
    };
    let files: Vec<PathBuf> = library.pages.iter().map(|p| p.file.clone()).collect();
    let mut faqs: HashMap<PathBuf, FaqWalk> = library
        .pages
        .iter()
        .enumerate()
        .filter_map(|(id, p)| {
            let open: BTreeSet<String> =
                explicit_questions(p).into_iter().map(|(q, _)| q).collect();
            (!open.is_empty()).then(|| {
                (
                    p.file.clone(),
                    FaqWalk {
                        page: id,
                        newer: None,
                        open,
                    },
                )
            })
        })
        .collect();
    let mut out = Times::default();
    let mut visit = |file: &Path, v: crate::core::git::Version| -> bool {
        out.files.entry(file.to_path_buf()).or_insert(v.time);
        let Some(walk) = faqs.get_mut(file) else {
            return false;
        };
        let page = &library.pages[walk.page];
        let hashes = v
            .blob
            .and_then(|b| repo.read_blob(b))
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| {
                crate::site::page::parse(
                    page.file.clone(),
                    page.key.clone(),
                    page.lang,
                    page.kind,
                    text.into(),
                )
                .0
            })
            .map(|p| question_hashes(&p))
            .unwrap_or_default();
        // A question whose text differs between this version and the newer
        // one last changed at the newer one.
        if let Some((newer, at)) = &walk.newer {
            walk.open.retain(|q| {
                let changed = newer.get(q) != hashes.get(q);
                if changed {
                    out.questions.insert((file.to_path_buf(), q.clone()), *at);
                }
                !changed
            });
        }
        walk.newer = Some((hashes, v.time));
        !walk.open.is_empty()
    };
    if repo.walk_history(&files, &mut visit).is_err() {
        return Times::default();
    }
    // Questions unchanged back to the oldest version read date from it.
    for (file, walk) in faqs {
        if let Some((_, at)) = walk.newer {
            for q in walk.open {
                out.questions.entry((file.clone(), q)).or_insert(at);
            }
        }
    }
    out
}

/// Translation freshness of a loaded site, for `engage translations` and
/// the build: reads git history under `root` when there is one.
pub fn check(root: &Path, library: &Library, languages: &[Lang]) -> Freshness {
    assess(library, languages, &times(root, library))
}

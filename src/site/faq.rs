//! The FAQ: an ordinary Markdown page marked `template: faq`, whose headings
//! are its structure. One heading level gives categories (optional), the next
//! gives questions; the text under a question is its answer.
//!
//! The outline is computed once from the page's scan (no second parse); the
//! build renders each answer from its slice of the body, and emits schema.org
//! FAQPage JSON-LD from the very same HTML, so the two cannot disagree.

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;

use crate::core::diagnostic::{Diagnostic, RuleId, Text};
use crate::core::lang::Lang;
use crate::site::content::{Library, PageId};
use crate::site::markdown::{self, Heading};
use crate::site::page::Page;
use crate::site::slug::slugify;
use crate::site::typography;

pub const TEMPLATE: &str = "faq";
pub const ANSWER_MISSING: RuleId = RuleId::new("faq.answer-missing");
pub const ANCHOR_DUPLICATE: RuleId = RuleId::new("faq.anchor-duplicate");
pub const UNTRANSLATED: RuleId = RuleId::new("faq.question-untranslated");
pub const EMPTY: RuleId = RuleId::new("faq.empty");

/// A question: its heading (index into the page's headings) and the byte
/// range of its answer in the body.
#[derive(Debug, Clone)]
pub struct QuestionOutline {
    pub heading: usize,
    pub answer: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct CategoryOutline {
    /// None for questions written before any category heading.
    pub heading: Option<usize>,
    /// Text between the category heading and its first question.
    pub intro: Range<usize>,
    pub questions: Vec<QuestionOutline>,
}

/// The structure of one FAQ page.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// Text before the first heading.
    pub intro: Range<usize>,
    pub categories: Vec<CategoryOutline>,
}

impl Outline {
    pub fn questions(&self) -> impl Iterator<Item = &QuestionOutline> {
        self.categories.iter().flat_map(|c| c.questions.iter())
    }
}

pub fn is_faq(page: &Page) -> bool {
    page.template_name() == TEMPLATE
}

/// Reads the outline of an FAQ page from its headings.
pub fn outline(page: &Page) -> Outline {
    let headings = &page.scan.headings;
    let body_len = page.body().len();
    let Some(top) = headings.iter().map(|h| h.level).min() else {
        return Outline {
            intro: 0..body_len,
            categories: Vec::new(),
        };
    };
    let has_categories = headings.iter().any(|h| h.level == top + 1);
    let question_level = if has_categories { top + 1 } else { top };
    // Where the text that follows heading `i` stops: the next heading of the
    // same or a higher rank.
    let end_of = |i: usize, level: u8| {
        headings[i + 1..]
            .iter()
            .find(|h| h.level <= level)
            .map(|h| h.span.start)
            .unwrap_or(body_len)
    };
    let mut out = Outline {
        intro: 0..headings[0].span.start,
        categories: Vec::new(),
    };
    for (i, h) in headings.iter().enumerate() {
        if has_categories && h.level == top {
            let intro_end = headings[i + 1..]
                .first()
                .map(|n| n.span.start)
                .unwrap_or(body_len);
            out.categories.push(CategoryOutline {
                heading: Some(i),
                intro: h.span.end..intro_end,
                questions: Vec::new(),
            });
        } else if h.level == question_level {
            if out.categories.is_empty() {
                out.categories.push(CategoryOutline {
                    heading: None,
                    intro: 0..0,
                    questions: Vec::new(),
                });
            }
            let answer = h.span.end..end_of(i, question_level);
            if let Some(c) = out.categories.last_mut() {
                c.questions.push(QuestionOutline { heading: i, answer });
            }
        }
    }
    out
}

/// Problems within one FAQ page: questions without answers, anchors that
/// are not stable because two questions read the same.
pub fn check(page: &Page, outline: &Outline) -> Vec<Diagnostic> {
    let mut ds = Vec::new();
    let headings = &page.scan.headings;
    if outline.questions().next().is_none() {
        ds.push(
            Diagnostic::warning(
                EMPTY,
                &page.file,
                crate::core::diagnostic::Position::file(),
                Text::new(
                    "cette FAQ ne contient aucune question",
                    "this FAQ has no question",
                ),
            )
            .with_hint(Text::new(
                "écrivez chaque question comme un titre : ## Ma question ?",
                "write each question as a heading: ## My question?",
            )),
        );
    }
    let mut seen = HashSet::new();
    for q in outline.questions() {
        let h = &headings[q.heading];
        if page
            .body()
            .get(q.answer.clone())
            .is_none_or(|a| a.trim().is_empty())
        {
            ds.push(
                Diagnostic::error(
                    ANSWER_MISSING,
                    &page.file,
                    h.position
                        .with_len(h.title.chars().count() as u32 + h.level as u32 + 1),
                    Text::new(
                        format!("la question « {} » n’a pas de réponse", h.title),
                        format!("the question “{}” has no answer", h.title),
                    ),
                )
                .with_hint(Text::new(
                    "écrivez la réponse sous la question, avant le titre suivant",
                    "write the answer below the question, before the next heading",
                )),
            );
        }
        // A generated anchor that had to be suffixed means two questions
        // read the same: links to the second would break on any reordering.
        if !h.explicit && (h.id != slugify(&h.title) || !seen.insert(h.id.clone())) {
            ds.push(
                Diagnostic::error(
                    ANCHOR_DUPLICATE,
                    &page.file,
                    h.position,
                    Text::new(
                        format!(
                            "la question « {} » a la même ancre qu’une autre question",
                            h.title
                        ),
                        format!(
                            "the question “{}” has the same anchor as another question",
                            h.title
                        ),
                    ),
                )
                .with_hint(Text::new(
                    "donnez-lui un identifiant stable : ## Question ? {#mon-id}",
                    "give it a stable id: ## Question? {#my-id}",
                )),
            );
        } else {
            seen.insert(h.id.clone());
        }
    }
    ds
}

/// Questions of one language with no counterpart in the other: matched by
/// explicit id, else by position within their category.
pub fn check_translations(
    lib: &Library,
    outlines: &std::collections::HashMap<PageId, Outline>,
) -> Vec<Diagnostic> {
    let mut ds = Vec::new();
    for slots in lib.by_key.values() {
        let [Some(fr), Some(en)] = *slots else {
            continue;
        };
        let (Some(ofr), Some(oen)) = (outlines.get(&fr), outlines.get(&en)) else {
            continue;
        };
        for (this, other, this_o, other_o) in [(fr, en, ofr, oen), (en, fr, oen, ofr)] {
            let (p, q) = (&lib.pages[this], &lib.pages[other]);
            let other_ids: HashSet<&str> = other_o
                .questions()
                .map(|x| &q.scan.headings[x.heading])
                .filter(|h| h.explicit)
                .map(|h| h.id.as_str())
                .collect();
            for (ci, cat) in this_o.categories.iter().enumerate() {
                for (qi, question) in cat.questions.iter().enumerate() {
                    let h = &p.scan.headings[question.heading];
                    let matched = if h.explicit {
                        other_ids.contains(h.id.as_str())
                    } else {
                        other_o
                            .categories
                            .get(ci)
                            .and_then(|c| c.questions.get(qi))
                            .is_some()
                    };
                    if !matched {
                        ds.push(
                            Diagnostic::warning(
                                UNTRANSLATED,
                                &p.file,
                                h.position,
                                Text::new(
                                    format!(
                                        "la question « {} » n’a pas d’équivalent dans {}",
                                        h.title,
                                        q.file.display()
                                    ),
                                    format!(
                                        "the question “{}” has no counterpart in {}",
                                        h.title,
                                        q.file.display()
                                    ),
                                ),
                            )
                            .with_hint(Text::new(
                                format!(
                                    "traduisez-la dans {} avec le même identifiant {{#{}}}",
                                    q.file.display(),
                                    h.id
                                ),
                                format!(
                                    "translate it in {} with the same id {{#{}}}",
                                    q.file.display(),
                                    h.id
                                ),
                            )),
                        );
                    }
                }
            }
        }
    }
    ds
}

/// A question as the template and the JSON-LD see it.
#[derive(Debug, Serialize)]
pub struct QuestionView {
    pub id: String,
    pub title: String,
    pub answer_html: String,
    /// The answer as plain text (the visible text, tags removed).
    pub answer_text: String,
}

#[derive(Debug, Serialize)]
pub struct CategoryView {
    pub id: Option<String>,
    pub title: Option<String>,
    pub intro_html: String,
    pub questions: Vec<QuestionView>,
}

#[derive(Debug, Serialize)]
pub struct FaqView {
    pub intro_html: String,
    pub categories: Vec<CategoryView>,
    /// What follows a thematic break (`---`) after the last answer ("Can't
    /// find your question here?"): the page's closing words, which belong
    /// neither to the last answer nor to its JSON-LD.
    pub outro_html: String,
    /// schema.org FAQPage, ready to put in a `<script type="application/ld+json">`.
    pub json_ld: String,
}

/// Renders an FAQ page's structure; `resolve` turns `@/` links (and
/// addresses from the site's root) into URLs.
pub fn view(page: &Page, outline: &Outline, resolve: &markdown::Resolve) -> FaqView {
    let headings = &page.scan.headings;
    // The answers' events are replayed from the page's one parse.
    let render = |range: &Range<usize>| -> String {
        if range.is_empty() {
            return String::new();
        }
        let inner: Vec<Heading> = headings
            .iter()
            .filter(|h| h.span.start >= range.start && h.span.end <= range.end)
            .cloned()
            .collect();
        let events = page.scan.events(page.body(), range.clone());
        markdown::render_events(events, &inner, page.lang, resolve, page.scan.raw_html)
    };
    let title = |h: &Heading| match page.lang {
        Lang::Fr => typography::french(&h.title, None).into_owned(),
        Lang::En => h.title.clone(),
    };
    let last = outline.questions().last().map(|q| q.heading);
    let mut outro = 0..0;
    let categories: Vec<CategoryView> = outline
        .categories
        .iter()
        .map(|c| CategoryView {
            id: c.heading.map(|i| headings[i].id.clone()),
            title: c.heading.map(|i| title(&headings[i])),
            intro_html: render(&c.intro),
            questions: c
                .questions
                .iter()
                .map(|q| {
                    let mut answer = q.answer.clone();
                    if Some(q.heading) == last {
                        if let Some(rule) = closing_rule(page, &answer) {
                            outro = rule.end..answer.end;
                            answer.end = rule.start;
                        }
                    }
                    let answer_html = render(&answer);
                    QuestionView {
                        id: headings[q.heading].id.clone(),
                        title: title(&headings[q.heading]),
                        answer_text: markdown::html_to_text(&answer_html),
                        answer_html,
                    }
                })
                .collect(),
        })
        .collect();
    let json_ld = json_ld(&categories, page.lang);
    FaqView {
        intro_html: render(&outline.intro),
        categories,
        outro_html: render(&outro),
        json_ld,
    }
}

/// The last thematic break (`---`) at the top level of the answer `answer`
/// (a range of `body`), as a range of `body`: where the FAQ's closing words
/// start. Breaks inside lists or quotes are part of the answer.
fn closing_rule(page: &Page, answer: &Range<usize>) -> Option<Range<usize>> {
    use pulldown_cmark::Event;
    let body = page.body();
    let mut depth = 0usize;
    let mut found = None;
    for (at, ev) in page.scan.tape.events(body) {
        if !answer.contains(&at) {
            continue;
        }
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            // A break is its line: up to the line's end, newline included.
            Event::Rule if depth == 0 => {
                let end = body[at..answer.end]
                    .find('\n')
                    .map_or(answer.end, |n| at + n + 1);
                found = Some(at..end)
            }
            _ => {}
        }
    }
    found
}

fn json_ld(categories: &[CategoryView], lang: Lang) -> String {
    let entities: Vec<serde_json::Value> = categories
        .iter()
        .flat_map(|c| &c.questions)
        .map(|q| {
            serde_json::json!({
                "@type": "Question",
                "name": q.title,
                "acceptedAnswer": { "@type": "Answer", "text": q.answer_text },
            })
        })
        .collect();
    let value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "inLanguage": lang.code(),
        "mainEntity": entities,
    });
    markdown::script_safe_json(&value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn faq(body: &str) -> Page {
        let text = format!("---\ntitle: FAQ\ntemplate: faq\n---\n{body}");
        let (p, ds) = crate::site::page::parse(
            PathBuf::from("content/faq.fr.md"),
            "faq".into(),
            Lang::Fr,
            crate::site::page::PageKind::Page,
            text.into(),
        );
        assert!(ds.is_empty(), "{ds:?}");
        p.unwrap()
    }

    #[test]
    fn categories_and_questions_from_headings() {
        let p = faq("Intro.\n\n## Rejoindre\n\nAvant.\n\n### Pourquoi ?\n\nParce que.\n\n#### Détail\n\nPlus.\n\n### Qui ? {#who}\n\nTous.\n\n## Pendant\n\n### Combien ?\n\n150 h.\n");
        let o = outline(&p);
        assert_eq!(o.categories.len(), 2);
        assert_eq!(o.categories[0].questions.len(), 2);
        let v = view(&p, &o, &|_| None);
        assert_eq!(v.categories[0].title.as_deref(), Some("Rejoindre"));
        assert_eq!(v.categories[0].questions[0].id, "pourquoi");
        assert!(
            v.categories[0].questions[0]
                .answer_html
                .contains("<h4 id=\"detail\">Détail</h4>"),
            "{}",
            v.categories[0].questions[0].answer_html
        );
        assert_eq!(v.categories[0].questions[1].id, "who");
        assert!(v.intro_html.contains("Intro."));
        assert!(v.categories[0].intro_html.contains("Avant."));
        let ld: serde_json::Value = serde_json::from_str(&v.json_ld).unwrap();
        assert_eq!(ld["mainEntity"].as_array().unwrap().len(), 3);
        assert_eq!(ld["mainEntity"][0]["name"], "Pourquoi\u{202F}?");
        assert_eq!(
            ld["mainEntity"][0]["acceptedAnswer"]["text"],
            "Parce que. Détail Plus."
        );
        assert!(check(&p, &o).is_empty());
    }

    #[test]
    fn questions_without_categories() {
        let p = faq("## Un ?\n\nA.\n\n## Deux ?\n\nB.\n");
        let o = outline(&p);
        assert_eq!(o.categories.len(), 1);
        assert!(o.categories[0].heading.is_none());
        assert_eq!(o.categories[0].questions.len(), 2);
    }

    #[test]
    fn missing_answer_and_duplicate_anchor() {
        let p = faq("## Cat\n\n### Pourquoi ?\n\n### Pourquoi ?\n\nOui.\n");
        let ds = check(&p, &outline(&p));
        let rules: Vec<_> = ds.iter().map(|d| (d.rule.as_str(), d.line())).collect();
        assert_eq!(
            rules,
            [("faq.answer-missing", 7), ("faq.anchor-duplicate", 9)]
        );
    }
}

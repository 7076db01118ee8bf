//! The search index of each language.

use crate::core::lang::Lang;
use crate::site::content::PageId;
use crate::site::markdown;
use crate::site::page::{Page, PageKind};
use crate::site::search;
use crate::site::Site;

impl Site {
    /// Whether a page of `lang` uses the search template, and so needs
    /// the language's index.
    pub fn has_search_page(&self, lang: Lang) -> bool {
        self.library
            .pages
            .iter()
            .any(|p| p.lang == lang && p.template_name() == "search")
    }

    /// The search index of one language: every page, and every FAQ
    /// question as its own result pointing at its anchor.
    pub fn search_index(&self, lang: Lang) -> search::Index {
        use rayon::prelude::*;
        let base = &self.config.base_path;
        // The stems of a text: its front-matter description and the
        // Markdown events of `range` of the page's body, replayed.
        let stems = |description: &str, p: &Page, range: std::ops::Range<usize>| {
            let mut s = search::Stems::default();
            s.add(description);
            markdown::for_each_text(p.scan.events(p.body(), range), |t| s.add(t));
            s
        };
        let ids: Vec<PageId> = (0..self.library.pages.len())
            .filter(|&id| self.library.pages[id].lang == lang)
            .collect();
        let entries: Vec<search::Entry> = ids
            .into_par_iter()
            .flat_map_iter(|id| {
                let p = &self.library.pages[id];
                let url = format!("{base}{}", self.library.urls[id]);
                let section = self
                    .library
                    .get(&format!("{}/_index", p.parent_dir()), lang)
                    .filter(|_| p.kind == PageKind::Page && !p.dir().is_empty())
                    .map(|s| self.library.pages[s].title.clone())
                    .unwrap_or_else(|| self.config.title(lang).to_string());
                let page_doc = |text| {
                    search::Entry::new(
                        search::Doc {
                            url: url.clone(),
                            title: p.title.clone(),
                            section: section.clone(),
                        },
                        text,
                    )
                };
                let mut entries = Vec::new();
                match self.faqs.get(&id) {
                    Some(outline) => {
                        entries.push(page_doc(stems(&p.description, p, outline.intro.clone())));
                        for q in outline.questions() {
                            let h = &p.scan.headings[q.heading];
                            let doc = search::Doc {
                                url: format!("{url}#{}", h.id),
                                title: h.title.clone(),
                                section: p.title.clone(),
                            };
                            entries.push(search::Entry::new(doc, stems("", p, q.answer.clone())));
                        }
                    }
                    None => entries.push(page_doc(stems(&p.description, p, 0..p.body().len()))),
                }
                entries
            })
            .collect();
        search::Index::build(entries)
    }
}

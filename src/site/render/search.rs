//! The search index of each language.

use crate::core::lang::Lang;
use crate::site::content::PageId;
use crate::site::markdown;
use crate::site::page::PageKind;
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
        self.search_index_with(lang, &|id| self.search_stems(id))
    }

    /// The text stems of each search entry of page `id`, in the index's
    /// order: its body (an FAQ's introduction) with its description, then
    /// each FAQ answer. What a page adds to its language's index besides
    /// addresses and titles, which other pages decide.
    pub fn search_stems(&self, id: PageId) -> Vec<Vec<search::Packed>> {
        let p = &self.library.pages[id];
        // The stems of a text: its front-matter description and the
        // Markdown events of `range` of the page's body, replayed.
        let stems = |description: &str, range: std::ops::Range<usize>| {
            let mut s = search::Stems::default();
            s.add(description);
            markdown::for_each_text(p.scan.events(p.body(), range), |t| s.add(t));
            s.finish()
        };
        match self.faqs.get(&id) {
            Some(outline) => std::iter::once(stems(&p.description, outline.intro.clone()))
                .chain(outline.questions().map(|q| stems("", q.answer.clone())))
                .collect(),
            None => vec![stems(&p.description, 0..p.body().len())],
        }
    }

    /// [`Site::search_index`] with the text stems of each page from
    /// `stems` ([`Site::search_stems`], or kept from before).
    pub fn search_index_with(
        &self,
        lang: Lang,
        stems: &(dyn Fn(PageId) -> Vec<Vec<search::Packed>> + Sync),
    ) -> search::Index {
        use rayon::prelude::*;
        let base = &self.config.base_path;
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
                let mut texts = stems(id).into_iter();
                let mut entries = vec![search::Entry::from_stems(
                    search::Doc {
                        url: url.clone(),
                        title: p.title.clone(),
                        section,
                    },
                    texts.next().unwrap_or_default(),
                )];
                if let Some(outline) = self.faqs.get(&id) {
                    for (q, text) in outline.questions().zip(texts) {
                        let h = &p.scan.headings[q.heading];
                        let doc = search::Doc {
                            url: format!("{url}#{}", h.id),
                            title: h.title.clone(),
                            section: p.title.clone(),
                        };
                        entries.push(search::Entry::from_stems(doc, text));
                    }
                }
                entries
            })
            .collect();
        search::Index::build(entries)
    }
}

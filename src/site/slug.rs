//! Readable URL segments and heading anchors from French and English text.
//!
//! deunicode folds accents (é → e, œ → oe); apostrophes are dropped rather than
//! turned into hyphens so that "Qu’est-ce que" reads `quest-ce-que`, as a
//! French reader would expect.

/// `Qu’est-ce que le CECi ?` → `quest-ce-que-le-ceci`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if matches!(c, '\'' | '’' | '‘' | 'ʼ') {
            continue;
        }
        let folded: std::borrow::Cow<str> = if c.is_ascii() {
            std::borrow::Cow::Owned(c.to_string())
        } else {
            std::borrow::Cow::Borrowed(deunicode::deunicode_char(c).unwrap_or(""))
        };
        for f in folded.chars() {
            if f.is_ascii_alphanumeric() {
                if pending_dash && !out.is_empty() {
                    out.push('-');
                }
                pending_dash = false;
                out.push(f.to_ascii_lowercase());
            } else if f != '\'' {
                pending_dash = true;
            }
        }
    }
    out
}

/// Hands out anchors unique within one page: the second "Contact" heading
/// becomes `contact-1`.
#[derive(Debug, Default)]
pub struct AnchorSet {
    used: std::collections::HashSet<String>,
}

impl AnchorSet {
    /// Reserves `wanted` if free, else the first free `wanted-N`.
    pub fn unique(&mut self, wanted: &str) -> String {
        let base = if wanted.is_empty() { "section" } else { wanted };
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        (1..)
            .map(|n| format!("{base}-{n}"))
            .find(|c| self.used.insert(c.clone()))
            .unwrap_or_default()
    }

    /// Reserves an explicit id; false when it was already taken.
    pub fn reserve(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_french_accents_and_apostrophes() {
        assert_eq!(slugify("Qu’est-ce que le CECi ?"), "quest-ce-que-le-ceci");
        assert_eq!(
            slugify("Puis-je faire mon stage dans mon cercle ?"),
            "puis-je-faire-mon-stage-dans-mon-cercle"
        );
        assert_eq!(slugify("Œuvre & société — 2025"), "oeuvre-societe-2025");
        assert_eq!(slugify("  Déjà l'été !  "), "deja-lete");
        assert_eq!(slugify("???"), "");
    }

    #[test]
    fn anchors_are_unique() {
        let mut set = AnchorSet::default();
        assert_eq!(set.unique("contact"), "contact");
        assert_eq!(set.unique("contact"), "contact-1");
        assert_eq!(set.unique("contact"), "contact-2");
        assert!(!set.reserve("contact-1"));
        assert_eq!(set.unique(""), "section");
    }
}

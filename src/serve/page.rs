//! What the preview adds to served HTML pages, and only to them: the
//! live-reload script and, while the last save has errors, the overlay that
//! lists them. Pure functions of their inputs, so that they are tested
//! without a server.

use crate::core::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::core::lang::{pick as t, Lang};
use crate::records::check::Report;

/// The path of the server-sent events stream the script listens to.
pub const EVENTS_PATH: &str = "/_engage/events";

/// The id of the overlay element: tests and the script look for it.
pub const OVERLAY_ID: &str = "engage-overlay";

/// Listens to the preview's events: `reload` reloads the page and keeps its
/// scroll position (saved in sessionStorage across the reload, as browsers
/// do not all restore it for a script-initiated reload); `css` re-fetches
/// the same-origin stylesheets in place, without a reload. Plain ES2015,
/// no dependency, so that it works in any browser staff use.
const SCRIPT: &str = r#"<script id="engage-live">
(() => {
  const key = "engage-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    addEventListener("load", () => requestAnimationFrame(() => scrollTo(0, Number(saved))));
  }
  const events = new EventSource("/_engage/events");
  events.addEventListener("reload", (e) => {
    if (!location.pathname.startsWith(e.data || "/")) return;
    sessionStorage.setItem(key, String(scrollY));
    location.reload();
  });
  events.addEventListener("css", (e) => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("engage", e.data);
      link.href = url.href;
    }
  });
})();
</script>
"#;

/// `html` with the live-reload script and, when given, the overlay, put
/// just before the last `</body>` (or at the end of a page without one).
pub fn inject(html: &str, overlay: Option<&str>) -> String {
    let extra_len = SCRIPT.len() + overlay.map_or(0, str::len);
    let mut out = String::with_capacity(html.len() + extra_len);
    let at = html.rfind("</body>").unwrap_or(html.len());
    out.push_str(&html[..at]);
    if let Some(o) = overlay {
        out.push_str(o);
    }
    out.push_str(SCRIPT);
    out.push_str(&html[at..]);
    out
}

/// `text` safe inside HTML text and attribute values: what authors and
/// students typed is shown, never interpreted.
pub use crate::core::html::escape as esc;

/// One diagnostic as an HTML list item: `file:line:column`, rule id,
/// message and hint, every text escaped (messages quote what authors
/// typed).
fn item(out: &mut String, d: &Diagnostic, lang: Lang) {
    let (class, word) = match d.severity {
        Severity::Error => ("error", t(lang, "erreur", "error")),
        Severity::Warning => ("warning", t(lang, "avertissement", "warning")),
    };
    let mut place = d.file.display().to_string();
    if d.position.line > 0 {
        place.push_str(&format!(":{}:{}", d.position.line, d.position.column));
    }
    out.push_str(&format!(
        "<li class=\"{class}\"><code>{}</code> <strong>{word}[{}]</strong>: {}",
        esc(&place),
        esc(d.rule.as_str()),
        esc(d.message.get(lang))
    ));
    if let Some(h) = &d.hint {
        out.push_str(&format!(
            "<br><em>{}</em> {}",
            t(lang, "aide :", "help:"),
            esc(h.get(lang))
        ));
    }
    out.push_str("</li>\n");
}

const OVERLAY_STYLE: &str = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;\
z-index:2147483647;margin:0;padding:1rem 1.5rem;background:#fff8f0;color:#1a1a1a;\
border-top:4px solid #b00020;box-shadow:0 -4px 16px rgba(0,0,0,.25);\
font:15px/1.5 system-ui,sans-serif;text-align:left";

/// The overlay shown on every page while the last save has errors: what is
/// wrong, where, and what to do, in `lang`. Says that the page below is the
/// last good version.
pub fn overlay(diagnostics: &Diagnostics, lang: Lang) -> String {
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    let mut out = format!(
        "<aside id=\"{OVERLAY_ID}\" role=\"alert\" lang=\"{}\" style=\"{OVERLAY_STYLE}\">\n<p><strong>{}</strong> {}</p>\n<ul style=\"padding-left:1.2rem\">\n",
        lang.code(),
        match (errors.len(), lang) {
            (1, Lang::Fr) => "1 erreur empêche de mettre à jour l’aperçu.".to_string(),
            (n, Lang::Fr) => format!("{n} erreurs empêchent de mettre à jour l’aperçu."),
            (1, Lang::En) => "1 error keeps the preview from updating.".to_string(),
            (n, Lang::En) => format!("{n} errors keep the preview from updating."),
        },
        t(
            lang,
            "La page ci-dessous est la dernière version correcte ; corrigez et enregistrez, l’aperçu se met à jour tout seul.",
            "The page below is the last good version; fix and save, the preview updates by itself."
        )
    );
    for d in errors {
        item(&mut out, d, lang);
    }
    out.push_str("</ul>\n</aside>\n");
    out
}

/// The page served for every address when the site has never built: the
/// overlay alone, with the script, so that the fix shows the site.
pub fn no_site(diagnostics: &Diagnostics, lang: Lang) -> String {
    let body = format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>engage serve</title></head>\n<body>\n<h1>{}</h1>\n</body></html>\n",
        lang.code(),
        t(lang, "Le site n’a pas encore pu être construit", "The site could not be built yet")
    );
    inject(&body, Some(&overlay(diagnostics, lang)))
}

/// A student's own view of their record, from its check: the progress
/// line per record, what is missing, and every diagnostic. Served only
/// under the preview's `/_engage/records/` path, never written anywhere.
pub fn record(handle: &str, report: &Report, lang: Lang) -> String {
    let mut summary = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = crate::formats::summary::write_summary(&mut summary, report, lang);
    let mut body = format!(
        "<!doctype html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\">\
<title>{handle}</title></head>\n<body style=\"font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem\">\n\
<h1>{title} <code>{handle}</code></h1>\n<p>{note}</p>\n<pre>{summary}</pre>\n",
        code = lang.code(),
        handle = esc(handle),
        title = t(lang, "Dossier", "Record"),
        note = t(
            lang,
            "Aperçu local : cette page n’est ni publiée ni écrite sur le disque.",
            "Local preview: this page is neither published nor written to disk."
        ),
        summary = esc(&String::from_utf8_lossy(&summary)),
    );
    for r in &report.records {
        if let Some(p) = &r.progress {
            let missing = crate::formats::summary::missing(p, lang);
            if !missing.is_empty() {
                body.push_str(&format!(
                    "<h2>{}</h2>\n<ul>\n",
                    t(lang, "Reste à faire", "Still to do")
                ));
                for m in missing {
                    body.push_str(&format!("<li>{}</li>\n", esc(&m)));
                }
                body.push_str("</ul>\n");
            }
        }
    }
    if report.diagnostics.is_empty() {
        body.push_str(&format!(
            "<p>{}</p>\n",
            t(lang, "Aucun problème.", "No problem found.")
        ));
    } else {
        body.push_str(&format!(
            "<h2>{}</h2>\n<ul>\n",
            t(lang, "Problèmes", "Problems")
        ));
        for d in &report.diagnostics {
            item(&mut body, d, lang);
        }
        body.push_str("</ul>\n");
    }
    body.push_str("</body></html>\n");
    inject(&body, None)
}

/// The list of record folders, each linking to its preview.
pub fn record_list(handles: &[String], lang: Lang) -> String {
    let mut body = format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\">\
<title>{title}</title></head>\n<body style=\"font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem\">\n<h1>{title}</h1>\n<ul>\n",
        lang.code(),
        title = t(lang, "Dossiers (aperçu local)", "Records (local preview)"),
    );
    for h in handles {
        body.push_str(&format!("<li><a href=\"{h}/\">{h}</a></li>\n", h = esc(h)));
    }
    body.push_str("</ul>\n</body></html>\n");
    inject(&body, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnostic::{Position, RuleId, Text};

    fn bad() -> Diagnostics {
        let mut ds = Diagnostics::new();
        ds.push(
            Diagnostic::error(
                RuleId::new("link.missing"),
                "content/faq.fr.md",
                Position::new(12, 5),
                Text::new("lien vers <script>", "link to <script>"),
            )
            .with_hint(Text::new("corrigez & enregistrez", "fix & save")),
        );
        ds.push(Diagnostic::warning(
            RuleId::new("content.image-alt"),
            "content/a.fr.md",
            Position::new(1, 1),
            Text::new("w", "w"),
        ));
        ds
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let html = inject(
            "<html><body><p>x</p></body></html>",
            Some("<aside></aside>"),
        );
        assert!(html.contains("<p>x</p><aside></aside><script id=\"engage-live\">"));
        assert!(html.ends_with("</script>\n</body></html>"));
        assert!(inject("plain", None).starts_with("plain<script"));
    }

    #[test]
    fn overlay_lists_errors_escaped_in_the_page_language() {
        let en = overlay(&bad(), Lang::En);
        assert!(en.contains("content/faq.fr.md:12:5"));
        assert!(en.contains("link to &lt;script&gt;"));
        assert!(en.contains("help:</em> fix &amp; save"));
        assert!(en.contains("1 error keeps"));
        assert!(
            !en.contains("content/a.fr.md"),
            "warnings stay in the terminal"
        );
        let fr = overlay(&bad(), Lang::Fr);
        assert!(fr.contains("lien vers &lt;script&gt;"));
        assert!(fr.contains("lang=\"fr\""));
    }
}

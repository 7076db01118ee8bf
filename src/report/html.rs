//! The dashboard as one static HTML page: tables that read without
//! JavaScript and in print, inline SVG bars whose numbers are written
//! beside them (never colour alone) and whose text alternative is the same
//! number, and a little optional script to sort and filter the tables.

use std::fmt::Write;

use crate::core::html::escape;
use crate::core::lang::{pick as t, Lang};
use crate::records::evaluate::Quantity;
use crate::report::{Bar, Dashboard, IntakeReport, ProgrammeReport, Share, Student, Unreadable};

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem;color:#1b1b1b;background:#fff}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}\
body{overflow-wrap:break-word}\
th,td{border:1px solid #8a8a8a;padding:.3rem .45rem;text-align:left;vertical-align:top}\
caption{text-align:left;font-weight:600;padding:.3rem 0}\
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;text-decoration:underline}\
.scroll{overflow-x:auto;max-width:100%}\
.bar{display:flex;gap:.4rem;align-items:center}.bar svg{flex:none}\
ul.flags{margin:0;padding-left:1.1rem}\
.risk{font-weight:700}\
label{margin-right:1rem}\
@media print{.controls{display:none}th button{text-decoration:none}table{page-break-inside:auto}tr{page-break-inside:avoid}}";

const SCRIPT: &str = r#"(function(){
var q=document.getElementById('filter'),risk=document.getElementById('risk-only');
function apply(){var s=(q.value||'').toLowerCase();
document.querySelectorAll('tbody tr[data-handle]').forEach(function(tr){
var ok=tr.textContent.toLowerCase().indexOf(s)>=0&&(!risk.checked||tr.dataset.risk==='1');tr.hidden=!ok;});}
document.querySelector('.controls').hidden=false;
q.addEventListener('input',apply);risk.addEventListener('change',apply);
document.querySelectorAll('th button[data-col]').forEach(function(b){b.addEventListener('click',function(){
var th=b.parentNode,table=th.closest('table'),body=table.tBodies[0],col=+b.dataset.col;
var asc=th.getAttribute('aria-sort')!=='ascending';
table.querySelectorAll('th[aria-sort]').forEach(function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');
var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){var x=a.cells[col].dataset.sort||a.cells[col].textContent,y=b.cells[col].dataset.sort||b.cells[col].textContent;
var nx=parseFloat(x),ny=parseFloat(y);var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?c:-c;});
rows.forEach(function(r){body.appendChild(r);});});});})();"#;

/// A table's column headers, then the opening of its body.
pub(super) fn head(out: &mut String, columns: &[&str]) {
    out.push_str("<thead><tr>");
    for c in columns {
        let _ = write!(out, "<th scope=\"col\">{c}</th>");
    }
    out.push_str("</tr></thead><tbody>");
}

/// A captioned table in a region that scrolls on its own on small screens.
fn scrolling_table(out: &mut String, class: &str, caption: &str, columns: &[&str]) {
    let _ = write!(
        out,
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{caption}\"><table class=\"{class}\"><caption>{caption}</caption>"
    );
    head(out, columns);
}

/// A horizontal bar of `ratio` (0 to 1), with its text alternative.
fn svg_bar(out: &mut String, ratio: f64, alt: &str, width: u32) {
    let filled = (ratio.clamp(0.0, 1.0) * f64::from(width)).round() as u32;
    let _ = write!(
        out,
        "<svg role=\"img\" aria-label=\"{alt}\" width=\"{width}\" height=\"12\" viewBox=\"0 0 {width} 12\">\
<title>{alt}</title><rect x=\"0\" y=\"0\" width=\"{width}\" height=\"12\" fill=\"#fff\" stroke=\"#555\"/>\
<rect x=\"0\" y=\"0\" width=\"{filled}\" height=\"12\" fill=\"#1f5f99\"/></svg>",
        alt = escape(alt),
    );
}

fn bar_cell(out: &mut String, b: &Bar, lang: Lang) {
    let label = b.label.get(lang);
    // The check writes a document given or not as yes/no, in English.
    let value = match b.done {
        Quantity::Given(true) => t(lang, "oui", "yes"),
        Quantity::Given(false) => t(lang, "non", "no"),
        _ => &b.value,
    };
    out.push_str("<div class=\"bar\">");
    if let Some(r) = b.ratio {
        svg_bar(out, r, &format!("{label}: {value}"), 80);
    }
    let _ = write!(
        out,
        "<span>{}: {}</span></div>",
        escape(label),
        escape(value)
    );
}

fn share_text(s: Share, lang: Lang) -> String {
    match s.percent() {
        Some(p) => format!("{} / {} ({p:.0} %)", s.count, s.of),
        None => t(
            lang,
            "aucun·e étudiant·e cette année",
            "no student this year",
        )
        .to_string(),
    }
}

fn student_row(out: &mut String, s: &Student, lang: Lang) {
    let status = match s.status {
        Some("submitted") => t(lang, "remis", "submitted"),
        Some(_) => t(lang, "en cours", "in progress"),
        None => t(lang, "illisible", "unreadable"),
    };
    let complete = if s.complete {
        t(lang, "complet", "complete")
    } else {
        t(lang, "incomplet", "incomplete")
    };
    let _ = write!(
        out,
        "<tr data-handle=\"{h}\" data-risk=\"{risk}\"><th scope=\"row\">{h}</th><td>{i}</td><td>{status}, {complete}</td><td data-sort=\"{e}\">{e}</td><td>",
        h = escape(&s.handle),
        i = escape(s.intake.as_deref().unwrap_or("—")),
        risk = u8::from(s.at_risk()),
        e = s.errors,
    );
    for b in &s.bars {
        bar_cell(out, b, lang);
    }
    if let Some(c) = s.credits_this_year {
        let _ = write!(
            out,
            "<div class=\"year\">{}: {c} ECTS</div>",
            t(lang, "Cette année", "This year")
        );
    }
    out.push_str("</td>");
    match (s.deadline, s.days_left) {
        (Some(d), Some(n)) => {
            let _ = write!(out, "<td data-sort=\"{n}\">{n} ({d})</td>");
        }
        _ => out.push_str("<td data-sort=\"999999\">—</td>"),
    }
    out.push_str("<td>");
    if s.flags.is_empty() {
        out.push('—');
    } else {
        out.push_str("<ul class=\"flags\">");
        for f in &s.flags {
            let class = if f.at_risk() { " class=\"risk\"" } else { "" };
            let _ = write!(
                out,
                "<li{class} data-flag=\"{}\">{}</li>",
                f.key(),
                escape(f.words().get(lang))
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</td></tr>");
}

fn intake_table(out: &mut String, p: &ProgrammeReport, i: &IntakeReport, lang: Lang) {
    let name = i.intake.as_deref().unwrap_or("—");
    let _ = write!(
        out,
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{cap} {name}\"><table class=\"students\" id=\"{id}-{name}\"><caption>{cap} {name}</caption><thead><tr>",
        id = escape(&p.id),
        name = escape(name),
        cap = t(lang, "Rentrée", "Intake"),
    );
    let cols = [
        t(lang, "Étudiant·e", "Student"),
        t(lang, "Rentrée", "Intake"),
        t(lang, "Statut", "Status"),
        t(lang, "Erreurs", "Errors"),
        t(lang, "Progression", "Progress"),
        t(lang, "Jours avant l’échéance", "Days to deadline"),
        t(lang, "Signalements", "Flags"),
    ];
    for (n, c) in cols.iter().enumerate() {
        let _ = write!(
            out,
            "<th scope=\"col\"><button type=\"button\" data-col=\"{n}\">{c}</button></th>"
        );
    }
    out.push_str("</tr></thead><tbody>");
    for s in &i.students {
        student_row(out, s, lang);
    }
    out.push_str("</tbody></table></div>");
}

fn cohort(out: &mut String, p: &ProgrammeReport, lang: Lang) {
    let _ = write!(
        out,
        "<h3>{}</h3>",
        t(lang, "Chiffres de la cohorte", "Cohort figures")
    );
    scrolling_table(
        out,
        "places",
        t(lang, "Places prises par rentrée", "Places taken per intake"),
        &[
            t(lang, "Rentrée", "Intake"),
            t(lang, "Places prises", "Places taken"),
            t(lang, "Graphique", "Chart"),
        ],
    );
    for i in &p.intakes {
        let name = i.intake.as_deref().unwrap_or("—");
        let value = match i.places {
            Some(n) => format!("{} / {n}", i.taken),
            None => i.taken.to_string(),
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td data-sort=\"{}\">{}</td><td>",
            escape(name),
            i.taken,
            value
        );
        if let Some(n) = i.places {
            let ratio = if n == 0 {
                1.0
            } else {
                i.taken as f64 / f64::from(n)
            };
            svg_bar(out, ratio, &format!("{name}: {value}"), 160);
        }
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table></div>");
    if let Some(sh) = &p.shares {
        let _ = write!(
            out,
            "<dl class=\"shares\"><dt>{} ({y})</dt><dd data-share=\"at-least-one-credit\">{}</dd><dt>{} ({y})</dt><dd data-share=\"above-minimum\">{}</dd></dl>",
            t(lang, "Étudiant·es avec au moins 1 ECTS cette année", "Students with at least 1 ECTS this year"),
            share_text(sh.at_least_one_credit, lang),
            t(lang, "Étudiant·es au-delà du minimum", "Students above the minimum"),
            share_text(sh.above_minimum, lang),
            y = escape(&sh.year),
        );
    }
    if !p.attendance.is_empty() {
        scrolling_table(
            out,
            "attendance",
            t(lang, "Présence par atelier", "Attendance per workshop"),
            &[
                t(lang, "Atelier", "Workshop"),
                t(lang, "Présent·es", "Attended"),
                t(lang, "Graphique", "Chart"),
            ],
        );
        let most = p
            .attendance
            .iter()
            .map(|a| a.attended)
            .max()
            .unwrap_or(0)
            .max(1);
        for a in &p.attendance {
            let when = a.date.map(|d| format!(" ({d})")).unwrap_or_default();
            let label = format!("{}{when}", a.label.get(lang));
            let value = match a.capacity {
                Some(c) => format!("{} / {c}", a.attended),
                None => a.attended.to_string(),
            };
            let _ = write!(
                out,
                "<tr data-workshop=\"{}\"><th scope=\"row\">{}</th><td data-sort=\"{}\">{}</td><td>",
                escape(&a.id),
                escape(&label),
                a.attended,
                value
            );
            let scale = a.capacity.map_or(most, |c| c.max(1) as usize);
            svg_bar(
                out,
                a.attended as f64 / scale as f64,
                &format!("{label}: {value}"),
                160,
            );
            out.push_str("</td></tr>");
        }
        out.push_str("</tbody></table></div>");
    }
}

/// The records no programme table could show, with what to run to see
/// why: a student must never vanish from the team's view.
fn unreadable(out: &mut String, records: &[Unreadable], lang: Lang) {
    let title = t(lang, "Dossiers illisibles", "Unreadable records");
    let _ = write!(
        out,
        "<section id=\"unreadable\"><h2>{title}</h2><p>{why}</p>",
        why = t(
            lang,
            "Le contrôle n’a pas pu lire ces dossiers jusqu’au bout : ils n’apparaissent dans aucun programme. La commande indiquée montre chaque erreur et sa ligne.",
            "The check could not read these records far enough to place them in a programme. The command shown lists each error and its line.",
        ),
    );
    let columns = [
        t(lang, "Dossier", "Record"),
        t(lang, "Programme indiqué", "Programme named"),
        t(lang, "Erreurs", "Errors"),
        t(lang, "Pour voir pourquoi", "To see why"),
    ];
    scrolling_table(out, "unreadable", title, &columns);
    for r in records {
        let _ = write!(
            out,
            "<tr data-handle=\"{h}\"><th scope=\"row\">{h}</th><td>{p}</td><td>{e}</td><td><code>engage check data/portfolios/{h}</code></td></tr>",
            h = escape(&r.handle),
            p = r.programme.as_deref().map(escape).unwrap_or_else(|| "—".into()),
            e = r.errors,
        );
    }
    out.push_str("</tbody></table></div></section>");
}

/// The dashboard page in `lang`.
pub fn render(d: &Dashboard, lang: Lang) -> String {
    let mut out = String::with_capacity(4096 + 1024 * d.students().count());
    let title = t(
        lang,
        "Tableau de bord des programmes",
        "Programme dashboard",
    );
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"robots\" content=\"noindex\"><link rel=\"icon\" href=\"data:,\"><title>{title}</title><style>{STYLE}</style></head><body><main><h1>{title}</h1>\
<p>{asof} {today}. {private}</p>\
<div class=\"controls\" hidden><label>{filter} <input id=\"filter\" type=\"search\"></label><label><input id=\"risk-only\" type=\"checkbox\"> {risk}</label></div>",
        code = lang.code(),
        asof = t(lang, "Situation au", "As of"),
        today = d.today,
        private = t(lang, "Document interne : ne pas publier.", "Internal document: do not publish."),
        filter = t(lang, "Filtrer", "Filter"),
        risk = t(lang, "à risque seulement", "at risk only"),
    );
    for p in &d.programmes {
        let _ = write!(
            out,
            "<section id=\"{}\"><h2>{}</h2>",
            escape(&p.id),
            escape(p.name.get(lang))
        );
        for i in &p.intakes {
            intake_table(&mut out, p, i, lang);
        }
        if p.intakes.is_empty() {
            let _ = write!(out, "<p>{}</p>", t(lang, "Aucun dossier.", "No record."));
        }
        cohort(&mut out, p, lang);
        out.push_str("</section>");
    }
    if !d.unreadable.is_empty() {
        unreadable(&mut out, &d.unreadable, lang);
    }
    let _ = writeln!(out, "</main><script>{SCRIPT}</script></body></html>");
    out
}

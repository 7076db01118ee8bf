//! Rules about a micro-credential: its mandatory elements and its size.

use super::{Context, Evaluation, Metric, MetricId, Quantity};
use crate::core::diagnostic::Text;
use crate::core::values::Credits;
use crate::records::portfolio::Credential;
use crate::records::rule::{Arg, Element};

/// `credential-elements`: each of `elements` is given; one diagnostic per
/// missing element, and their keys for scripts.
pub(super) fn elements(cx: &Context, elements: &[Element], ev: &mut Evaluation) {
    let empty = Credential::default();
    let credential = cx.record.credential.as_ref().unwrap_or(&empty);
    let at = cx
        .record
        .credential
        .as_ref()
        .map_or(cx.status_at(), |c| c.at);
    let missing: Vec<Element> = elements
        .iter()
        .copied()
        .filter(|e| !credential.has(*e))
        .collect();
    let mut metric = Metric::new(
        MetricId::Elements,
        Text::new("Éléments obligatoires", "Mandatory elements"),
        Text::new("éléments", "elements"),
        Quantity::Count((elements.len() - missing.len()) as u32),
        Some(Quantity::Count(elements.len() as u32)),
    );
    metric.missing = missing.iter().map(|e| e.key()).collect();
    if !missing.is_empty() {
        ev.incomplete = true;
    }
    for e in missing {
        ev.breach(at, vec![Arg::text("element", e.label())]);
    }
    ev.metric(metric);
}

/// `credits-below`: the credential's workload is under `credits`.
pub(super) fn credits_below(cx: &Context, credits: Credits, ev: &mut Evaluation) {
    let Some(w) = cx
        .record
        .credential
        .as_ref()
        .and_then(|c| c.workload.as_ref())
    else {
        return;
    };
    if w.value >= credits {
        ev.breach(
            w.at,
            vec![Arg::same("credits", w.value), Arg::same("limit", credits)],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, programme, rules};
    use super::super::{MetricId, Quantity};

    #[test]
    fn missing_elements_are_counted_listed_and_reported_once_submitted() {
        let p = programme(
            include_str!("../../../examples/micro-credential/data/programmes/micro-credential.yml"),
            "data/programmes/micro-credential.yml",
        );
        let text = "programme: micro-credential\nhandle: zoe\nstatus: submitted\n\
                    credential:\n\
                    \x20 learner: Zoé\n\
                    \x20 title: Données\n\
                    \x20 country: BE\n\
                    \x20 learning_outcomes: [Décrire]\n\
                    \x20 workload_ects: 10\n\
                    \x20 assessment: Projet\n\
                    \x20 participation: En ligne\n";
        let o = check(&p, text, "2026-11-01");
        // Missing elements point at the credential's first line (5).
        assert_eq!(
            rules(&o),
            vec![
                ("micro-credential.elements", 5),
                ("micro-credential.elements", 5),
                ("micro-credential.elements", 5),
                ("micro-credential.credits", 9),
            ]
        );
        let elements = o.progress.get(MetricId::Elements).unwrap();
        assert_eq!(elements.done, Quantity::Count(7));
        assert_eq!(
            elements.missing,
            vec!["awarding_body", "issued", "quality_assurance"]
        );
        assert!(!o.complete);
    }
}

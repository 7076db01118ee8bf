//! Rules about modules of sessions (CIRÉ): the attendance certificate and
//! modules attended in full.

use super::{done_required, Context, Evaluation, Metric, MetricId, Quantity};
use crate::core::diagnostic::Text;
use crate::records::rule::Arg;

/// `certificate-due`: sessions attended per module are progress; a
/// certificate is recorded only for a module attended in full.
pub(super) fn certificate_due(cx: &Context, ev: &mut Evaluation) {
    for m in &cx.record.attendance {
        let Some(module) = cx.programme.module(&m.module.value) else {
            continue;
        };
        let total = module.sessions.unwrap_or(0);
        let done = m.sessions.len() as u32;
        let id = &m.module.value;
        ev.metric(
            Metric::new(
                MetricId::Attendance,
                Text::new(
                    format!("Séances, module {id}"),
                    format!("Sessions, module {id}"),
                ),
                Text::new(id, id),
                Quantity::Sessions(done),
                Some(Quantity::Sessions(total)),
            )
            .of_item(id),
        );
        if let Some(c) = m.certificate.as_ref().filter(|_| done < total) {
            ev.breach(
                c.at,
                vec![
                    Arg::text("module", module.label.clone()),
                    Arg::same("attended", done),
                    Arg::same("sessions", total),
                ],
            );
        }
    }
}

/// `full-modules`: at least `count` modules attended in full.
pub(super) fn full_modules(cx: &Context, count: u32, ev: &mut Evaluation) {
    let done = cx
        .record
        .attendance
        .iter()
        .filter(|m| {
            cx.programme
                .module(&m.module.value)
                .and_then(|p| p.sessions)
                .is_some_and(|total| m.sessions.len() as u32 >= total)
        })
        .count() as u32;
    let metric = Metric::new(
        MetricId::FullModules,
        Text::new("Modules suivis en entier", "Modules attended in full"),
        Text::new("modules complets", "full modules"),
        Quantity::Count(done),
        Some(Quantity::Count(count)),
    )
    .short_of(Text::new(
        "{left} module(s) suivi(s) en entier",
        "{left} module(s) attended in full",
    ));
    let at = cx.record.attendance_at.unwrap_or(cx.status_at());
    ev.require(metric, at, || done_required(done, count));
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, programme, rules};
    use super::super::{MetricId, Quantity};

    #[test]
    fn a_certificate_for_a_module_not_attended_in_full_is_reported_on_its_line() {
        let p = programme(
            include_str!("../../../examples/cire/data/programmes/cire.yml"),
            "data/programmes/cire.yml",
        );
        // Line 12: the certificate of a module of six sessions, two attended.
        let text = "programme: cire\nhandle: zoe\nstatus: in-progress\n\
                    enrolment: { date: 2026-10-19 }\n\
                    eligibility: { residence_permit: 2025-12-01, nationalities: [ER], languages: [fr] }\n\
                    attendance:\n\
                    \x20 - module: daily-life\n\
                    \x20   sessions:\n\
                    \x20     - { session: 1, date: 2026-10-20 }\n\
                    \x20     - { session: 2, date: 2026-10-21 }\n\
                    \x20   certificate:\n\
                    \x20     2026-10-22\n";
        let o = check(&p, text, "2026-11-01");
        assert_eq!(rules(&o), vec![("cire.certificate-due", 12)]);
        let sessions = o.progress.get(MetricId::Attendance).unwrap();
        assert_eq!(sessions.item.as_deref(), Some("daily-life"));
        assert_eq!(
            (sessions.done, sessions.required),
            (Quantity::Sessions(2), Some(Quantity::Sessions(6)))
        );
        // Sessions are information: only modules in full are required.
        assert!(sessions.shortfall.is_none());
        let full = o.progress.get(MetricId::FullModules).unwrap();
        assert_eq!(full.done, Quantity::Count(0));
        assert!(!o.complete);
    }
}

//! Rules about eligibility at registration (CIRÉ): a recent residence
//! permit, a nationality, a language spoken.

use super::{last_day, Context, Evaluation};
use crate::core::diagnostic::Text;
use crate::core::values::Country;
use crate::records::rule::Arg;

/// `permit-within-years`: the permit was issued less than `years` years
/// before registration, and not after it.
pub(super) fn permit_within_years(cx: &Context, years: u8, ev: &mut Evaluation) {
    // A permit still a placeholder is reported by the loader.
    let (Some(e), Some(registration)) = (&cx.record.eligibility, &cx.record.enrolment) else {
        return;
    };
    let Some(permit) = &e.residence_permit else {
        return;
    };
    // "Less than five years": registering on the fifth anniversary is too
    // late; the limit is the day before.
    let Some(limit) = last_day(permit.value, years) else {
        return;
    };
    if permit.value > registration.value || registration.value > limit {
        ev.breach(
            permit.at,
            vec![
                Arg::same("permit", permit.value),
                Arg::same("registration", registration.value),
                Arg::same("years", years),
                Arg::same("limit", limit),
            ],
        );
    }
}

/// `nationality-outside`: no nationality among `countries`.
pub(super) fn nationality_outside(cx: &Context, countries: &[Country], ev: &mut Evaluation) {
    let Some(e) = &cx.record.eligibility else {
        return;
    };
    for n in e
        .nationalities
        .iter()
        .filter(|n| countries.contains(&n.value))
    {
        ev.breach(n.at, vec![Arg::same("nationality", &n.value)]);
    }
}

/// `speaks-language`: `language` is among the languages spoken.
pub(super) fn speaks_language(cx: &Context, language: &str, ev: &mut Evaluation) {
    let Some(e) = &cx.record.eligibility else {
        return;
    };
    if e.languages.iter().any(|l| l == language) {
        return;
    }
    ev.breach(e.languages_at, vec![Arg::same("language", language)]);
    // A language written by its name (`French`) is a student who speaks it
    // and wrote it the wrong way: the fix is the code, not a class.
    let names: Vec<&str> = e
        .languages
        .iter()
        .filter(|l| l.chars().count() > 3)
        .map(String::as_str)
        .collect();
    if let (false, Some(b)) = (names.is_empty(), ev.breaches.last_mut()) {
        let names = names.join("`, `");
        b.hint = Some(Text::new(
            format!(
                "écrivez le code `{language}` : les langues s’écrivent par leur code ISO 639-1 (fr, ar, en), pas par leur nom (`{names}`)"
            ),
            format!(
                "write the code `{language}`: languages are written as ISO 639-1 codes (fr, ar, en), not names (`{names}`)"
            ),
        ));
    }
}

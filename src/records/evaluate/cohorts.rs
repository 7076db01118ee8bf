//! Rules across records: places per intake.

use std::collections::BTreeMap;

use super::severity;
use crate::core::diagnostic::{Diagnostics, Position};
use crate::records::portfolio::Record;
use crate::records::programme::Programmes;
use crate::records::rule::{Arg, Check};

/// Rules across records: places per intake. Places go to the earliest
/// enrolments (then by handle, for a stable order); each record beyond the
/// limit gets the diagnostic, on its intake.
pub fn check_cohorts(records: &[Record], programmes: &Programmes) -> Diagnostics {
    let mut ds = Diagnostics::new();
    for programme in programmes.iter() {
        for rule in &programme.rules {
            let Check::PlacesPerIntake { places } = rule.check else {
                continue;
            };
            let mut cohorts: BTreeMap<_, Vec<&Record>> = BTreeMap::new();
            for r in records.iter().filter(|r| r.programme == programme.id) {
                // A record without intake or enrolment was reported when loaded.
                if let (Some(intake), Some(_)) = (&r.intake, &r.enrolment) {
                    cohorts.entry(intake.value).or_default().push(r);
                }
            }
            for (intake, mut members) in cohorts {
                if members.len() <= places as usize {
                    continue;
                }
                let key = |r: &&Record| (r.enrolment.as_ref().map(|e| e.value), r.handle.clone());
                members.sort_by_key(key);
                let enrolled = members.len();
                for r in &members[places as usize..] {
                    if let Some(sev) = severity(rule, r.status.value) {
                        let at = r.intake.as_ref().map_or(Position::file(), |i| i.at);
                        ds.push(rule.diagnostic(
                            sev,
                            &r.file,
                            at,
                            &[
                                Arg::same("intake", intake),
                                Arg::same("enrolled", enrolled),
                                Arg::same("places", places),
                            ],
                        ));
                    }
                }
            }
        }
    }
    ds
}

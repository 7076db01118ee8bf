//! One JSON Schema of records per programme, generated from its programme
//! file, for editors (yaml-language-server reads the `# $schema=` line
//! `engage new portfolio` writes).
//!
//! The shape of a record (keys, types, which are required) comes from the
//! loader's own raw types through schemars ([`portfolio::record_schema`]),
//! so the two cannot drift apart; this module narrows it to one programme:
//! only the parts its rules read, and an `enum` for every closed list the
//! programme file gives (organisation kinds, modules, production and
//! action kinds, cycles) or the check knows (countries, supervisor roles,
//! statuses), and patterns for dates, intakes and academic years. An
//! editor then flags `kind: srl` as `engage check` does. Workshop ids are
//! left open: they are events of the calendar, which changes every year
//! without the programme file changing.

use serde_json::{json, Value};

use crate::core::values::{Country, DATE_PATTERN};
use crate::records::portfolio;
use crate::records::programme::Programme;
use crate::records::rule::Check;
use crate::records::vocabulary::Part;

/// The file name of `programme`'s record schema in data/schemas/.
pub fn file_name(programme: &str) -> String {
    format!("portfolio-{programme}.schema.json")
}

/// What a record's first line names for its editor, relative to the record
/// file (data/portfolios/<handle>/portfolio.yml).
pub fn reference(programme: &str) -> String {
    format!("../../schemas/{}", file_name(programme))
}

/// Handles as the hosting writes them (letters, digits, single hyphens
/// inside); case does not matter.
const HANDLE_PATTERN: &str = "^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$";
const YEAR_PATTERN: &str = "^[0-9]{4}-[0-9]{4}$";

/// Where each date of a record is, in the schema's `$defs`.
const DATES: [&str; 10] = [
    "/$defs/EnrolmentDef/properties/date",
    "/$defs/AgreementDef/properties/student",
    "/$defs/AgreementDef/properties/organisation",
    "/$defs/AgreementDef/properties/university",
    "/$defs/EntryDef/properties/date",
    "/$defs/ModuleDef/properties/completed",
    "/$defs/EligibilityDef/properties/residence_permit",
    "/$defs/AttendanceDef/properties/certificate",
    "/$defs/SessionDef/properties/date",
    "/$defs/CredentialDef/properties/issued",
];

/// The record schema of `programme`.
pub fn record_schema(programme: &Programme) -> Value {
    let mut schema = serde_json::to_value(portfolio::record_schema()).unwrap_or_else(|_| json!({}));
    let id = programme.id.as_str();
    let name = programme.facts.name.en.as_str();
    set(
        &mut schema,
        "",
        "title",
        json!(format!("engage record: {name} ({id})")),
    );
    set(
        &mut schema,
        "",
        "description",
        json!(format!(
            "A student's record of the programme `{id}` in data/portfolios/<handle>/portfolio.yml, generated from data/programmes/{id}.yml by `engage schema`."
        )),
    );
    set(&mut schema, "/properties/programme", "const", json!(id));
    set(
        &mut schema,
        "/properties/handle",
        "pattern",
        json!(HANDLE_PATTERN),
    );
    set(&mut schema, "/properties/handle", "maxLength", json!(39));
    parts(&mut schema, programme);
    direct_refs(&mut schema);

    for pointer in DATES {
        set(&mut schema, pointer, "pattern", json!(DATE_PATTERN));
    }
    set(
        &mut schema,
        "/$defs/EnrolmentDef/properties/date",
        "description",
        json!(enrolment_description(programme)),
    );
    set(
        &mut schema,
        "/$defs/EnrolmentDef/properties/intake",
        "pattern",
        json!(intake_pattern(programme)),
    );
    for pointer in [
        "/$defs/YearDef/properties/year",
        "/$defs/ActionDef/properties/year",
    ] {
        set(&mut schema, pointer, "pattern", json!(YEAR_PATTERN));
    }

    let accepted: Vec<&str> = programme
        .organisation_kinds()
        .iter()
        .filter(|k| k.accepted)
        .map(|k| k.id.as_str())
        .collect();
    let refused: Vec<&str> = programme
        .organisation_kinds()
        .iter()
        .filter(|k| !k.accepted)
        .map(|k| k.id.as_str())
        .collect();
    let kind = "/$defs/OrganisationDef/properties/kind";
    one_of(&mut schema, kind, &accepted);
    if !refused.is_empty() {
        set(
            &mut schema,
            kind,
            "description",
            json!(format!("Refused by the programme: {}", refused.join(", "))),
        );
    }
    let modules: Vec<&str> = programme
        .facts
        .modules
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    one_of(&mut schema, "/$defs/ModuleDef/properties/id", &modules);
    let with_sessions = programme.modules_with_sessions();
    one_of(
        &mut schema,
        "/$defs/AttendanceDef/properties/module",
        &with_sessions,
    );
    if let Some(most) = programme
        .facts
        .modules
        .iter()
        .filter_map(|m| m.sessions)
        .max()
    {
        set(
            &mut schema,
            "/$defs/SessionDef/properties/session",
            "minimum",
            json!(1),
        );
        set(
            &mut schema,
            "/$defs/SessionDef/properties/session",
            "maximum",
            json!(most),
        );
    }
    fn ids(items: &[crate::records::programme::Item]) -> Vec<&str> {
        items.iter().map(|i| i.id.as_str()).collect()
    }
    for (pointer, values) in [
        (
            "/$defs/ProductionDef/properties/kind",
            ids(programme.production_kinds()),
        ),
        (
            "/$defs/ActionDef/properties/kind",
            ids(programme.action_kinds()),
        ),
        ("/$defs/ActionDef/properties/cycle", ids(programme.cycles())),
        ("/$defs/YearDef/properties/cycle", ids(programme.cycles())),
    ] {
        one_of(&mut schema, pointer, &values);
    }

    let countries = Country::codes();
    one_of(
        &mut schema,
        "/$defs/EligibilityDef/properties/nationalities/items",
        &countries,
    );
    one_of(
        &mut schema,
        "/$defs/CredentialDef/properties/country",
        &countries,
    );
    schema
}

/// `anyOf: [{$ref}, {type: null}]` (a part left empty) becomes the `$ref`
/// alone: a part written empty says nothing, and with the `anyOf` a
/// validator reports a mistake inside the part (`kind: srl`) at the part
/// itself (`internship:`) instead of at the value.
fn direct_refs(v: &mut Value) {
    match v {
        Value::Object(o) => {
            let reference = o.get("anyOf").and_then(Value::as_array).and_then(|alts| {
                let [a, b] = alts.as_slice() else { return None };
                let null = json!({"type": "null"});
                match (a.get("$ref"), b) {
                    (Some(r), n) if *n == null => Some(r.clone()),
                    _ => None,
                }
            });
            if let Some(r) = reference {
                o.remove("anyOf");
                o.insert("$ref".into(), r);
            }
            o.values_mut().for_each(direct_refs);
        }
        Value::Array(a) => a.iter_mut().for_each(direct_refs),
        _ => {}
    }
}

/// Keeps the parts the programme's rules read (the loader refuses the
/// others), and requires those a rule needs.
fn parts(schema: &mut Value, programme: &Programme) {
    let used = programme.record_parts();
    let needed: Vec<Part> = programme.required_parts();
    let all = [
        Part::Enrolment,
        Part::Internship,
        Part::Modules,
        Part::Workshops,
        Part::Productions,
        Part::Analysis,
        Part::Assessment,
        Part::Years,
        Part::Actions,
        Part::Eligibility,
        Part::Attendance,
        Part::Credential,
    ];
    if let Some(props) = schema
        .pointer_mut("/properties")
        .and_then(Value::as_object_mut)
    {
        for p in all {
            if !used.contains(&p) && !needed.contains(&p) {
                props.remove(p.key());
            }
        }
    }
    if let Some(required) = schema
        .pointer_mut("/required")
        .and_then(Value::as_array_mut)
    {
        for p in all.into_iter().filter(|p| needed.contains(p)) {
            if !required.iter().any(|r| r == p.key()) {
                required.push(json!(p.key()));
            }
        }
    }
    let intake_needed = needed.contains(&Part::Intake);
    if intake_needed {
        if let Some(required) = schema
            .pointer_mut("/$defs/EnrolmentDef/required")
            .and_then(Value::as_array_mut)
        {
            required.push(json!("intake"));
        }
    }
    if !used.contains(&Part::Intake) && !intake_needed {
        if let Some(props) = schema
            .pointer_mut("/$defs/EnrolmentDef/properties")
            .and_then(Value::as_object_mut)
        {
            props.remove("intake");
        }
    }
}

/// The enrolment date, and what follows from it: the last day activities
/// count, 29 February included.
fn enrolment_description(programme: &Programme) -> String {
    let years = programme.rules.iter().find_map(|r| match r.check {
        Check::WithinYears { years } => Some(years),
        _ => None,
    });
    let mut s = "The day of enrolment (registration), written YYYY-MM-DD.".to_string();
    if let Some(n) = years {
        s.push_str(&format!(
            " Activities count until the day before its {n}-year anniversary (enrolled on 2024-10-01: last day {}-09-30). Enrolled on 29 February, the last day is 28 February {n} years later (2024-02-29: last day {}-02-28; 1 March is too late), the same as for an enrolment on 1 March.",
            2024 + i32::from(n),
            2024 + i32::from(n),
        ));
    }
    s
}

/// Intakes as year and month, the month one of the programme's intake
/// months when its rules give them.
fn intake_pattern(programme: &Programme) -> String {
    let months = programme.intake_rule_months().unwrap_or_default();
    if months.is_empty() {
        return "^[0-9]{4}-(0[1-9]|1[0-2])$".into();
    }
    let list: Vec<String> = months.iter().map(|m| format!("{m:02}")).collect();
    format!("^[0-9]{{4}}-({})$", list.join("|"))
}

/// Sets `key` of the object at `pointer` (kept as is when the shape of
/// records has no such place, which a test rules out).
fn set(schema: &mut Value, pointer: &str, key: &str, value: Value) {
    if let Some(o) = schema.pointer_mut(pointer).and_then(Value::as_object_mut) {
        o.insert(key.into(), value);
    }
}

/// Restricts the string at `pointer` to `values` (null stays allowed where
/// the key may be left empty). An empty list leaves it open: the programme
/// has no such vocabulary, and the part is then refused anyway.
fn one_of(schema: &mut Value, pointer: &str, values: &[&str]) {
    if values.is_empty() {
        return;
    }
    let Some(o) = schema.pointer_mut(pointer).and_then(Value::as_object_mut) else {
        return;
    };
    let nullable = o
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|t| t.iter().any(|x| x == "null"));
    let mut list: Vec<Value> = values.iter().map(|v| json!(v)).collect();
    if nullable {
        list.push(Value::Null);
    }
    o.insert("enum".into(), Value::Array(list));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_the_schema_is_narrowed_exists_in_the_record_shape() {
        let base = serde_json::to_value(portfolio::record_schema()).unwrap();
        let more = [
            "/$defs/EnrolmentDef/properties/intake",
            "/$defs/YearDef/properties/year",
            "/$defs/ActionDef/properties/year",
            "/$defs/OrganisationDef/properties/kind",
            "/$defs/ModuleDef/properties/id",
            "/$defs/AttendanceDef/properties/module",
            "/$defs/SessionDef/properties/session",
            "/$defs/ProductionDef/properties/kind",
            "/$defs/ActionDef/properties/kind",
            "/$defs/ActionDef/properties/cycle",
            "/$defs/YearDef/properties/cycle",
            "/$defs/EligibilityDef/properties/nationalities/items",
            "/$defs/CredentialDef/properties/country",
            "/properties/programme",
            "/properties/handle",
        ];
        for p in DATES.iter().chain(&more) {
            assert!(base.pointer(p).is_some_and(Value::is_object), "{p}");
        }
        for part in [Part::Enrolment, Part::Internship, Part::Credential] {
            assert!(base["properties"][part.key()].is_object(), "{part:?}");
        }
    }

    #[test]
    fn intake_patterns_follow_the_intake_months() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/programmes/ceci.yml"
        ))
        .unwrap();
        let (p, _) = Programme::parse(&text, std::path::Path::new("data/programmes/ceci.yml"));
        assert_eq!(intake_pattern(&p.unwrap()), "^[0-9]{4}-(02|10)$");
    }
}

//! Test vectors: the corpus with the oracle's expected answers, as JSON Lines.
//!
//! For decoder authors who want offline tests in their own language, in the spirit of
//! Wycheproof: each line is one case with a stable id, the code, the expected value of
//! every required field, the fields that are implementation-defined (any answer is
//! right), the other accepted names, and a comment. Schema: `docs/VECTORS.md`.

use std::collections::BTreeMap;

use serde::Serialize;

use std::io::{self, Write};

use crate::catalog::Profile;
use crate::decode::{Class, decode};
use crate::gate::corpus::{Case, Expectation, Expected};
use crate::gate::field::FieldName;

#[derive(Serialize)]
struct Vector<'a> {
    id: String,
    code: u32,
    profile: &'static str,
    corpus_version: u32,
    class: Class,
    expected: BTreeMap<&'static str, serde_json::Value>,
    implementation_defined: Vec<&'static str>,
    accepted_names: &'a [&'static str],
    comment: String,
}

/// Writes one JSON line per case, as the cases come: memory stays small however many.
pub fn write_json_lines(
    cases: impl IntoIterator<Item = Case>,
    profile: Profile,
    mut out: impl Write,
) -> io::Result<()> {
    for case in cases {
        let expected = case.expect(profile);
        serde_json::to_writer(&mut out, &vector(profile, &case, &expected))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

fn vector<'a>(profile: Profile, case: &Case, expected: &'a Expectation) -> Vector<'a> {
    // The fields of a protocol v1 answer: vectors are for decoders.
    let fields = FieldName::V1.iter().filter_map(|field| {
        let value = match expected.fields[*field] {
            Expected::Int(n) => serde_json::Value::from(n),
            Expected::Text(text) => serde_json::Value::from(text),
            Expected::Null => serde_json::Value::Null,
            _ => return None,
        };
        Some((field.key(), value))
    });
    // In the order `amperr decode --format json` lists them.
    let silent = decode(case.code, profile)
        .implementation_defined()
        .collect();
    Vector {
        id: case.id(),
        code: case.code.0,
        profile: profile.id(),
        corpus_version: crate::gate::corpus::VERSION,
        class: expected.class,
        expected: fields.collect(),
        implementation_defined: silent,
        accepted_names: expected.aliases,
        comment: comment(case, expected),
    }
}

fn comment(case: &Case, expected: &Expectation) -> String {
    let text = |field| match expected.fields[field] {
        Expected::Text(t) => t.to_string(),
        _ => "?".to_string(),
    };
    let code = case.code;
    match expected.class {
        Class::Documented => match expected.fields[FieldName::Name] {
            Expected::Text(name) => format!(
                "documented code {name} reported by {}",
                text(FieldName::AreaName)
            ),
            _ => format!(
                "documented code without a name, reported by {}",
                text(FieldName::AreaName)
            ),
        },
        Class::UndocumentedDetail => {
            format!(
                "undocumented detail {:#07X} in {}",
                code.detail(),
                text(FieldName::CategoryName)
            )
        }
        Class::UnknownCategory => format!(
            "category {:#04X}, which the profile does not name",
            code.category()
        ),
        Class::ReservedArea => format!("area {}, which the profile does not name", code.area()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::corpus::Corpus;

    #[test]
    fn one_line_per_case_with_required_and_silent_fields_apart() {
        let corpus = Corpus::generate(Profile::DOC, 5, 1);
        let mut out = Vec::new();
        write_json_lines(corpus.cases.iter().copied(), corpus.profile, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), corpus.cases.len());
        let line = text
            .lines()
            .find(|l| l.contains("\"documented/0x20200194\""))
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["expected"]["name"], "networkErrHttpUrlNotFound");
        assert_eq!(
            v["comment"],
            "documented code networkErrHttpUrlNotFound reported by AzureHtml5JS"
        );
        let line = text
            .lines()
            .find(|l| l.contains("\"boundary/0x70700000\""))
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(
            v["implementation_defined"],
            serde_json::json!(["area_name", "category_name", "message"])
        );
        assert!(v["expected"].get("message").is_none());
        assert_eq!(v["expected"]["name"], serde_json::Value::Null);
    }
}

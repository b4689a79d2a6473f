//! A case: what one check does to the peer (its stimulus) and what the oracle expects.
//!
//! A stimulus raises a code (a decoder is asked about it, a player page raises it) or runs
//! a fault scenario (`check-faults`: a request that fails, a manifest that is not one),
//! whose stimulus is not a code at all; what they share is an id, the code the viewer
//! should be shown and the fields expected of the answer. The
//! transports and the report know a case through this type, so a new kind of stimulus is
//! a new [`Stimulus`] variant and its id, not a change to every layer.

use crate::catalog::{Field, Overlay, Profile};
use crate::code::Code;
use crate::decode::{Class, decode};
use crate::faults::ScenarioId;
use crate::gate::field::{FieldMap, FieldName};

/// What a case does to the peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stimulus {
    /// The case's code is asked about (a decoder: one protocol v1 request) or raised (a
    /// player page: the driver raises it on the player).
    Raise,
    /// The player is given the scenario's source and tech order, and its requests get the
    /// scenario's fault; the case's code is what the scenario expects it to raise.
    Fault(ScenarioId),
}

/// Where a case comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Documented,
    Boundary,
    Random,
    /// Named by the person running the gate (`check-player --code`), not generated.
    Given,
    /// A fault scenario (`check-faults`).
    Scenario,
}

impl Origin {
    pub fn id(self) -> &'static str {
        match self {
            Origin::Documented => "documented",
            Origin::Boundary => "boundary",
            Origin::Random => "random",
            Origin::Given => "given",
            Origin::Scenario => "scenario",
        }
    }
}

/// What the oracle expects for one field of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Int(u32),
    Text(&'static str),
    Null,
    /// The profile's source is silent: any answer is accepted and recorded.
    ImplementationDefined,
    /// The code line the profile's player shows for this code.
    CodeLine(&'static Overlay, Code),
    /// One of these codes, as `0x` and 8 hex digits (what a player raised under a fault).
    Codes(&'static [Code]),
    /// A text for a screen reader that says this message (if the code determines it) and
    /// this code line, and nothing else but separators.
    Describes {
        message: Option<&'static str>,
        overlay: &'static Overlay,
        code: Code,
    },
}

impl Expected {
    fn from_field(field: Field<&'static str>) -> Expected {
        match field {
            Field::Value(text) => Expected::Text(text),
            Field::Null => Expected::Null,
            Field::ImplementationDefined(_) => Expected::ImplementationDefined,
        }
    }

    /// The expected value as JSON, for reports.
    pub fn to_json(self) -> String {
        match self {
            Expected::Int(n) => n.to_string(),
            Expected::Text(text) => serde_json::Value::from(text).to_string(),
            Expected::Null => "null".to_string(),
            Expected::ImplementationDefined => {
                "(implementation-defined: a string or null)".to_string()
            }
            Expected::CodeLine(overlay, code) => {
                serde_json::Value::from(overlay.code_line(code)).to_string()
            }
            Expected::Codes([one]) => format!("\"{one}\""),
            Expected::Codes(codes) => {
                let each: Vec<String> = codes.iter().map(|c| format!("\"{c}\"")).collect();
                format!("one of {}", each.join(", "))
            }
            Expected::Describes {
                message,
                overlay,
                code,
            } => {
                let said = match message {
                    Some("") => overlay.code_line(code),
                    Some(message) => format!("{message} {}", overlay.code_line(code)),
                    None => format!("(the message) {}", overlay.code_line(code)),
                };
                format!("{} (this, and nothing else)", serde_json::Value::from(said))
            }
        }
    }
}

/// One case: where it comes from, what it does and the code it is about (the one raised,
/// for [`Stimulus::Raise`]). What the oracle expects of it is computed when it is judged
/// ([`Case::expect`]), so a corpus of millions of cases stays small (8 bytes a case).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Case {
    pub origin: Origin,
    pub stimulus: Stimulus,
    /// The code the viewer should be shown: for [`Stimulus::Raise`], the code raised.
    pub code: Code,
}

/// What the oracle expects of a case under a profile.
#[derive(Clone, Copy, Debug)]
pub struct Expectation {
    pub class: Class,
    pub fields: FieldMap<Expected>,
    /// Other names of the value that are accepted for `name`.
    pub aliases: &'static [&'static str],
}

impl Case {
    /// A case that raises `code`.
    pub fn new(origin: Origin, code: Code) -> Case {
        Case {
            origin,
            stimulus: Stimulus::Raise,
            code,
        }
    }

    /// The stable id, e.g. `documented/0x20200194`: what `--xfail` files and saved
    /// reports name a case by, so it never changes for a raised code.
    pub fn id(&self) -> String {
        match self.stimulus {
            Stimulus::Raise => format!("{}/{}", self.origin.id(), self.code),
            Stimulus::Fault(scenario) => format!("{}/{}", self.origin.id(), scenario.get().name),
        }
    }

    /// The case of a fault scenario under `profile`; `None` if the scenario expects
    /// nothing there.
    pub fn fault(scenario: ScenarioId, profile: Profile) -> Option<Case> {
        let expect = scenario.get().expected(profile)?;
        Some(Case {
            origin: Origin::Scenario,
            stimulus: Stimulus::Fault(scenario),
            code: *expect.codes.first()?,
        })
    }

    /// The case as judged once the player answered `raised`: where a scenario allows
    /// several codes and the player raised one of them, the fields expected are that
    /// code's (its message, its code line).
    pub fn settle(self, profile: Profile, raised: u32) -> Case {
        let Stimulus::Fault(scenario) = self.stimulus else {
            return self;
        };
        let allowed = scenario
            .get()
            .expected(profile)
            .map_or(&[][..], |e| &e.codes[..]);
        match allowed.iter().find(|c| c.0 == raised) {
            Some(&code) => Case { code, ..self },
            None => self,
        }
    }

    /// What a report groups this case's failures under besides their kind: a scenario's
    /// name, so each scenario's failures stand apart.
    pub fn group(&self) -> &'static str {
        match self.stimulus {
            Stimulus::Raise => "",
            Stimulus::Fault(scenario) => &scenario.get().name,
        }
    }

    /// What the oracle expects of each field under `profile`.
    pub fn expect(&self, profile: Profile) -> Expectation {
        let code = self.code;
        let d = decode(code, profile);
        let overlay = profile.catalog().overlay();
        let fields = FieldMap::from_fn(|field| match field {
            FieldName::Area => Expected::Int(code.area().into()),
            FieldName::Category => Expected::Int(code.category().into()),
            FieldName::Detail => Expected::Int(code.detail()),
            FieldName::Name => d.name().map_or(Expected::Null, Expected::Text),
            FieldName::Message => Expected::from_field(d.message()),
            FieldName::AreaName => Expected::from_field(d.area_name()),
            FieldName::CategoryName => Expected::from_field(d.category_name()),
            // What the player shows, where the profile's source says.
            FieldName::CodeLine => match overlay {
                Some(overlay) => Expected::CodeLine(overlay, code),
                None => Expected::ImplementationDefined,
            },
            FieldName::ErrorCode => match self.stimulus {
                Stimulus::Fault(scenario) => Expected::Codes(
                    scenario
                        .get()
                        .expected(profile)
                        .map_or(&[][..], |e| &e.codes[..]),
                ),
                Stimulus::Raise => Expected::ImplementationDefined,
            },
            FieldName::AccessibleDescription => match overlay {
                Some(overlay) => Expected::Describes {
                    message: d.message().value(),
                    overlay,
                    code,
                },
                None => Expected::ImplementationDefined,
            },
        });
        Expectation {
            class: d.class(),
            fields,
            aliases: d.aliases(),
        }
    }

    /// The class of the code under `profile`.
    pub fn class(&self, profile: Profile) -> Class {
        decode(self.code, profile).class()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::default_set;

    fn case(name: &str, profile: Profile) -> Case {
        let scenario = default_set().into_iter().find(|s| s.name == name).unwrap();
        Case::fault(ScenarioId::intern(scenario), profile).unwrap()
    }

    #[test]
    fn a_fault_case_is_named_by_its_scenario_and_expects_its_code() {
        let case = case("manifest-http-404", Profile::AMP_2_3_0);
        assert_eq!(case.id(), "scenario/manifest-http-404");
        assert_eq!(case.group(), "manifest-http-404");
        assert_eq!(case.code, Code(0x2020_0194));
        let expected = case.expect(Profile::AMP_2_3_0).fields;
        assert_eq!(expected[FieldName::ErrorCode].to_json(), "\"0x20200194\"");
        assert_eq!(expected[FieldName::CodeLine].to_json(), "\"(0x20200194)\"");
        assert_eq!(
            std::mem::size_of::<Case>(),
            8,
            "a corpus of millions stays small"
        );
    }

    #[test]
    fn a_set_of_codes_is_judged_by_the_one_the_player_raised() {
        let case = case("license-http-403", Profile::DOC);
        let expected = case.expect(Profile::DOC).fields[FieldName::ErrorCode];
        assert_eq!(expected.to_json(), "one of \"0x20200193\", \"0x20500006\"");
        // Raised the second: its message and code line are expected.
        let settled = case.settle(Profile::DOC, 0x2050_0006);
        assert_eq!(settled.code, Code(0x2050_0006));
        assert_eq!(settled.id(), case.id());
        // Raised another: the first stands, and the error code fails.
        assert_eq!(
            case.settle(Profile::DOC, 0x2020_0000).code,
            Code(0x2020_0193)
        );
        let raised = Case::new(Origin::Given, Code(5));
        assert_eq!(
            raised.settle(Profile::DOC, 7),
            raised,
            "a raised code is what it is"
        );
    }
}

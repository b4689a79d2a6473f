//! Scenario files: the default set (`scenarios.toml`, compiled in) and a team's own
//! (`--scenarios FILE`), in one TOML form.
//!
//! ```toml
//! [[scenario]]
//! name = "segment-http-403"          # stable: --scenario and --xfail name it
//! source = "dash"                    # smooth, dash, hls, mp4; or { kind = "dash", path = "dash/x.mpd" }
//! tech_order = ["azureHtml5JS", "html5"]
//! fault = "segment 2: http 403"      # which request (manifest, init, segment N, key, license,
//!                                    # url TEXT): what (http N, closed, refused, reset, hang,
//!                                    # garbage, truncated, corrupt); or none, mixed-content
//! expect = "derived"                 # a code, a list of codes (any passes), "derived",
//!                                    # or a table by profile: { doc = "0x20200193", ... }
//! basis = { doc = "page" }           # optional: page or facts, by profile
//! note = "why"                       # optional
//! ```
//!
//! Every mistake is found before a browser starts and named with its file and line.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use super::scenario::{Basis, Expect, Fault, Scenario, SourceKind, Target, Tech, What};
use crate::catalog::Profile;
use crate::code::Code;

/// The default set, as compiled in.
pub const DEFAULT_SET: &str = include_str!("scenarios.toml");
/// How the default set names itself in errors.
const DEFAULT_NAME: &str = "amperr's default scenarios";

/// A scenario file that cannot be used: which file, which line, why, and what is accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ScenarioError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// The default set.
pub fn default_set() -> Vec<Scenario> {
    // Tested: the compiled-in set parses.
    parse(DEFAULT_NAME, DEFAULT_SET, &[]).unwrap_or_else(|e| panic!("{e}"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileData {
    #[serde(default)]
    scenario: Vec<Spanned<ScenarioData>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioData {
    name: Spanned<String>,
    source: Spanned<SourceData>,
    tech_order: Spanned<Vec<String>>,
    fault: Spanned<String>,
    expect: Spanned<ExpectData>,
    #[serde(default)]
    basis: BTreeMap<String, Spanned<String>>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SourceData {
    Kind(String),
    Path { kind: String, path: String },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ExpectData {
    One(String),
    Set(Vec<String>),
    ByProfile(BTreeMap<String, OneExpect>),
}

#[derive(Clone, Deserialize)]
#[serde(untagged)]
enum OneExpect {
    One(String),
    Set(Vec<String>),
}

/// Parses a scenario file's `text`; `file` names it in errors. A name `before` has (the
/// default set) is taken.
pub fn parse(file: &str, text: &str, before: &[Scenario]) -> Result<Vec<Scenario>, ScenarioError> {
    // Where each line starts, so a line number costs a search, not a count from the top.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    let at = |span: std::ops::Range<usize>, message: String| ScenarioError {
        file: file.to_string(),
        line: starts.partition_point(|&start| start <= span.start),
        message,
    };
    let data: FileData = toml::from_str(text).map_err(|e| {
        let message = e.message().to_string();
        at(e.span().unwrap_or(0..0), format!("{message} ({ACCEPTED})"))
    })?;
    if data.scenario.is_empty() {
        return Err(at(
            0..0,
            format!("no [[scenario]] in the file ({ACCEPTED})"),
        ));
    }
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut lines: BTreeMap<String, usize> = BTreeMap::new();
    for entry in data.scenario {
        let data = entry.into_inner();
        let name_span = data.name.span();
        let scenario = scenario(data).map_err(|(span, message)| at(span, message))?;
        let line = at(name_span.clone(), String::new()).line;
        if before.iter().any(|s| s.name == scenario.name) {
            let message = format!(
                "scenario \"{}\" is named as one before it ({DEFAULT_NAME}): each name must be unique",
                scenario.name
            );
            return Err(at(name_span, message));
        }
        if let Some(first) = lines.insert(scenario.name.clone(), line) {
            let message = format!(
                "scenario \"{}\" is named twice (first on line {first}): each name must be unique",
                scenario.name
            );
            return Err(at(name_span, message));
        }
        scenarios.push(scenario);
    }
    Ok(scenarios)
}

const ACCEPTED: &str = "a scenario file has [[scenario]] tables with name, source, tech_order, \
                        fault, expect, and optionally basis and note (docs/FAULTS.md)";

type Found = (std::ops::Range<usize>, String);

fn scenario(data: ScenarioData) -> Result<Scenario, Found> {
    let name = checked_name(&data.name)?;
    let (kind, path) = source(&data.source)?;
    let tech_order = tech_order(&data.tech_order)?;
    let fault = fault(&data.fault)?;
    let mut scenario = Scenario {
        name,
        kind,
        path,
        tech_order,
        fault,
        expect: Vec::new(),
        note: data.note,
    };
    scenario.expect = expectations(&scenario, &data.expect, &data.basis)?;
    Ok(scenario)
}

fn checked_name(name: &Spanned<String>) -> Result<String, Found> {
    let ok = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    match name.get_ref() {
        n if !n.is_empty() && n.len() <= 64 && n.chars().all(ok) => Ok(n.clone()),
        n => Err((
            name.span(),
            format!(
                "scenario name {n:?}: a name is 1 to 64 letters, digits, '-', '_' or '.' \
                 (it goes into case ids and commands)"
            ),
        )),
    }
}

fn source(source: &Spanned<SourceData>) -> Result<(SourceKind, String), Found> {
    let (kind, path) = match source.get_ref() {
        SourceData::Kind(kind) => (kind, None),
        SourceData::Path { kind, path } => (kind, Some(path)),
    };
    let Some(kind) = SourceKind::ALL.into_iter().find(|k| k.id() == kind) else {
        return Err((
            source.span(),
            format!("source kind {kind:?}: accepted are smooth, dash, hls and mp4"),
        ));
    };
    let path = path.map_or(kind.default_path(), String::as_str);
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.split('/').any(|part| part.is_empty() || part == "..")
        || path.contains(['?', '#', '\\']);
    match bad {
        true => Err((
            source.span(),
            format!(
                "source path {path:?}: a relative path inside the stream directory, with no '..', '?' or '#'"
            ),
        )),
        false => Ok((kind, path.to_string())),
    }
}

fn tech_order(order: &Spanned<Vec<String>>) -> Result<Vec<String>, Found> {
    let names: Vec<&str> = Tech::ALL.iter().map(|t| t.name).collect();
    if order.get_ref().is_empty() {
        return Err((
            order.span(),
            format!(
                "an empty tech_order: name one or more of {}",
                names.join(", ")
            ),
        ));
    }
    match order.get_ref().iter().find(|t| Tech::named(t).is_none()) {
        Some(unknown) => Err((
            order.span(),
            format!("tech {unknown:?}: accepted are {}", names.join(", ")),
        )),
        None => Ok(order.get_ref().clone()),
    }
}

const FAULTS: &str = "a fault is \"REQUEST: WHAT\" (REQUEST: manifest, init, segment N, key, \
                      license or url TEXT; WHAT: http STATUS with STATUS in 100..599, closed, \
                      refused, reset, hang, garbage, truncated or corrupt), \"none\" or \
                      \"mixed-content\"";

fn fault(fault: &Spanned<String>) -> Result<Fault, Found> {
    let text = fault.get_ref().trim();
    let wrong = || (fault.span(), format!("fault {text:?}: {FAULTS}"));
    match text {
        "none" => return Ok(Fault::None),
        "mixed-content" => return Ok(Fault::MixedContent),
        _ => {}
    }
    let (target, what) = text.rsplit_once(':').ok_or_else(wrong)?;
    let target = match target.trim() {
        "manifest" => Target::Manifest,
        "init" => Target::Init,
        "key" => Target::Key,
        "license" => Target::License,
        other => match other.split_once(' ') {
            Some(("segment", n)) => match n.trim().parse::<u32>() {
                Ok(n) if n >= 1 => Target::Segment(n),
                _ => return Err(wrong()),
            },
            Some(("url", text)) if !text.trim().is_empty() => Target::Url(text.trim().to_string()),
            _ => return Err(wrong()),
        },
    };
    let what = match what.trim() {
        "closed" => What::Closed,
        "refused" => What::Refused,
        "reset" => What::Reset,
        "hang" => What::Hang,
        "garbage" => What::Garbage,
        "truncated" => What::Truncated,
        "corrupt" => What::Corrupt,
        other => match other.strip_prefix("http ").map(str::trim) {
            // Three digits, as a status line has them: not "+404", not "0404".
            Some(digits) if digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()) => {
                match digits.parse::<u16>() {
                    Ok(status @ 100..=599) => What::Status(status),
                    _ => return Err(wrong()),
                }
            }
            _ => return Err(wrong()),
        },
    };
    Ok(Fault::On { target, what })
}

fn expectations(
    scenario: &Scenario,
    expect: &Spanned<ExpectData>,
    basis: &BTreeMap<String, Spanned<String>>,
) -> Result<Vec<(Profile, Expect)>, Found> {
    let span = expect.span();
    let each: Vec<(Profile, OneExpect)> = match expect.get_ref() {
        ExpectData::One(one) => Profile::ALL
            .iter()
            .map(|p| (*p, OneExpect::One(one.clone())))
            .collect(),
        ExpectData::Set(set) => Profile::ALL
            .iter()
            .map(|p| (*p, OneExpect::Set(set.clone())))
            .collect(),
        ExpectData::ByProfile(table) => table
            .iter()
            .map(|(name, one)| Ok((profile(name, &span)?, one.clone())))
            .collect::<Result<_, Found>>()?,
    };
    for name in basis.keys() {
        profile(name, &basis[name].span())?;
    }
    each.into_iter()
        .map(|(profile, one)| {
            let given = basis.get(profile.id());
            let expect =
                one_expect(scenario, &one, given).map_err(|message| (span.clone(), message))?;
            Ok((profile, expect))
        })
        .collect()
}

fn profile(name: &str, span: &std::ops::Range<usize>) -> Result<Profile, Found> {
    name.parse::<Profile>().map_err(|_| {
        (
            span.clone(),
            format!("profile {name:?}: accepted are {}", Profile::listed()),
        )
    })
}

fn one_expect(
    scenario: &Scenario,
    one: &OneExpect,
    basis: Option<&Spanned<String>>,
) -> Result<Expect, String> {
    let texts: Vec<&String> = match one {
        OneExpect::One(text) if text == "derived" => {
            let code = scenario.derived().ok_or_else(|| {
                format!(
                    "expect = \"derived\", but fault \"{}\" under tech order {:?} has no one code in \
                     the page's table: give the code (\"0x20200194\") or the codes ([\"...\", \"...\"])",
                    scenario.fault, scenario.tech_order
                )
            })?;
            let basis = basis_named(basis)?.unwrap_or(Basis::Derived);
            return Ok(Expect {
                codes: vec![code],
                basis,
            });
        }
        OneExpect::One(text) => vec![text],
        OneExpect::Set(set) if !set.is_empty() => set.iter().collect(),
        OneExpect::Set(_) => return Err("expect = []: give at least one code".to_string()),
    };
    let codes = texts
        .into_iter()
        .map(|text| {
            crate::parse::parse_code(text).map_err(|e| {
                format!("expect {text:?} is not a code ({e}): a code is 0x20200194 or 538968468, or \"derived\"")
            })
        })
        .collect::<Result<Vec<Code>, String>>()?;
    let basis = basis_named(basis)?.unwrap_or(Basis::Given);
    Ok(Expect { codes, basis })
}

/// The basis a file names for a profile, if it names one.
fn basis_named(basis: Option<&Spanned<String>>) -> Result<Option<Basis>, String> {
    match basis.map(|b| b.get_ref().as_str()) {
        None => Ok(None),
        Some("page") => Ok(Some(Basis::Page)),
        Some("facts") => Ok(Some(Basis::Facts)),
        Some(other) => Err(format!("basis {other:?}: accepted are page and facts")),
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_set_has_every_name_teams_list_and_an_expectation_under_each_profile() {
        let set = default_set();
        let names: Vec<&str> = set.iter().map(|s| s.name.as_str()).collect();
        let statuses = [
            "400", "401", "403", "404", "405", "410", "412", "500", "502", "503", "504", "429",
        ];
        let required = statuses.iter().map(|s| format!("manifest-http-{s}")).chain(
            [
                "manifest-timeout",
                "manifest-dropped",
                "manifest-garbage",
                "segment-http-404",
                "segment-http-403",
                "segment-corrupt",
                "no-tech-flash",
                "no-tech-silverlight",
                "no-tech-both",
                "mp4-http-404",
                "mixed-content",
                "license-http-403",
                "key-http-403",
            ]
            .map(String::from),
        );
        for name in required {
            assert!(names.contains(&name.as_str()), "{name}");
        }
        for scenario in &set {
            for profile in Profile::ALL {
                let expect = scenario
                    .expected(profile)
                    .unwrap_or_else(|| panic!("{}", scenario.name));
                assert!(!expect.codes.is_empty());
                // Only the page and the facts are sources; a set of codes says why.
                assert!(
                    matches!(expect.basis, Basis::Page | Basis::Facts | Basis::Derived),
                    "{}",
                    scenario.name
                );
                if expect.codes.len() > 1 {
                    assert!(scenario.note.is_some(), "{}", scenario.name);
                }
            }
        }
    }

    #[test]
    fn derived_codes_follow_the_pages_table() {
        let set = default_set();
        let code = |name: &str, profile: Profile| {
            let scenario = set.iter().find(|s| s.name == name).unwrap();
            scenario.expected(profile).unwrap().codes.clone()
        };
        assert_eq!(code("manifest-http-404", Profile::DOC), [Code(0x2020_0194)]);
        assert_eq!(
            code("manifest-http-429", Profile::AMP_2_3_0),
            [Code(0x2020_01AD)]
        );
        assert_eq!(code("manifest-timeout", Profile::DOC), [Code(0x2020_0258)]);
        assert_eq!(code("manifest-dropped", Profile::DOC), [Code(0x2020_0259)]);
        assert_eq!(
            code("mp4-http-404", Profile::AMP_2_3_0),
            [Code(0x5040_0000)]
        );
        assert_eq!(code("manifest-garbage", Profile::DOC), [Code(0x2040_0001)]);
    }

    #[test]
    fn each_mistake_names_its_line_and_what_is_accepted() {
        let base =
            "[[scenario]]\nname = \"a\"\nsource = \"dash\"\ntech_order = [\"azureHtml5JS\"]\n";
        let error = |rest: &str| {
            parse("f.toml", &format!("{base}{rest}"), &[])
                .unwrap_err()
                .to_string()
        };
        let e = error("fault = \"manifest: http 99\"\nexpect = \"derived\"\n");
        assert!(
            e.starts_with("f.toml:5: fault \"manifest: http 99\": a fault is"),
            "{e}"
        );
        let e = error("fault = \"manifest: garbage\"\nexpect = \"derived\"\n");
        assert!(
            e.starts_with("f.toml:6: expect = \"derived\", but fault \"manifest: garbage\""),
            "{e}"
        );
        let e = error("fault = \"none\"\nexpect = { dok = \"0x10600001\" }\n");
        assert!(
            e.starts_with("f.toml:6: profile \"dok\": accepted are doc"),
            "{e}"
        );
        for loose in ["http +404", "http 0404", "http 4O4"] {
            let e = error(&format!(
                "fault = \"manifest: {loose}\"\nexpect = \"derived\"\n"
            ));
            assert!(e.starts_with("f.toml:5: fault"), "{loose}: {e}");
        }
        let e = error("fault = \"segment 0: hang\"\nexpect = \"derived\"\n");
        assert!(e.starts_with("f.toml:5: fault \"segment 0: hang\""), "{e}");
        let bad_tech = base.replace("azureHtml5JS", "flash");
        let e = parse(
            "f.toml",
            &format!("{bad_tech}fault = \"none\"\nexpect = \"0x1\"\n"),
            &[],
        )
        .unwrap_err();
        assert_eq!(e.line, 4);
        assert!(
            e.message
                .contains("tech \"flash\": accepted are azureHtml5JS, flashSS"),
            "{e}"
        );
        let outside = base.replace("\"dash\"", "{ kind = \"dash\", path = \"../x.mpd\" }");
        let e = parse(
            "f.toml",
            &format!("{outside}fault = \"none\"\nexpect = \"0x1\"\n"),
            &[],
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("a relative path inside the stream directory"),
            "{e}"
        );
        assert!(
            parse("f.toml", "", &[])
                .unwrap_err()
                .message
                .starts_with("no [[scenario]]")
        );
    }

    #[test]
    fn a_url_target_and_a_given_set_parse() {
        let text = "[[scenario]]\nname = \"cdn\"\nsource = \"hls\"\ntech_order = [\"AZUREHTML5JS\"]\n\
                    fault = \"url seg-3: reset\"\nexpect = [\"0x20200259\", \"538968064\"]\n";
        let scenario = &parse("f.toml", text, &[]).unwrap()[0];
        let what = What::Reset;
        assert_eq!(
            scenario.fault,
            Fault::On {
                target: Target::Url("seg-3".to_string()),
                what
            }
        );
        let expect = scenario.expected(Profile::DOC).unwrap();
        assert_eq!(expect.codes, [Code(0x2020_0259), Code(0x2020_0000)]);
        assert_eq!(expect.basis, Basis::Given);
    }
}

//! What a scan found, decoded under a profile and judged against `--fail-on`, for people
//! (a table sized to its content) and machines (JSON).

use crate::catalog::Profile;
use crate::decode::{Class, Decoded, decode};
use std::borrow::Cow;

use crate::escape::{Lines, untrusted};
use crate::render::{Record, plural};

use super::{LISTED, Place, Scan};

/// A kind of code that makes `amperr scan --fail-on` fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    /// Not a documented code ([`Class::Documented`]): the area is reserved, the category
    /// unknown, or bits 27-0 are not a row of the profile's table. So it includes the
    /// other two kinds.
    Undocumented,
    /// The profile does not name the category.
    UnknownCategory,
    /// The profile does not name the area (7..15).
    ReservedArea,
}

impl FailOn {
    pub const ALL: [FailOn; 3] = [
        FailOn::Undocumented,
        FailOn::UnknownCategory,
        FailOn::ReservedArea,
    ];

    pub fn hits(self, d: &Decoded) -> bool {
        match self {
            FailOn::Undocumented => d.class() != Class::Documented,
            FailOn::UnknownCategory => d.category_name().value().is_none(),
            FailOn::ReservedArea => d.area_name().value().is_none(),
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            FailOn::Undocumented => "undocumented",
            FailOn::UnknownCategory => "of an unknown category",
            FailOn::ReservedArea => "of a reserved area",
        }
    }
}

/// One distinct code in a scan report.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ReportedCode {
    pub count: u64,
    /// `source:line`.
    pub first_seen: String,
    pub decoded: Record,
    /// The `--fail-on` kinds this code is of.
    pub fails: Vec<FailOn>,
}

/// The codes a report does not list (beyond [`LISTED`]), summed up.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OtherCodes {
    pub occurrences: u64,
    /// Exact when `distinct_exact`, else a lower bound.
    pub distinct: u64,
    pub distinct_exact: bool,
    /// `source:line` of the first of them.
    pub first_seen: String,
    /// For each `--fail-on` kind some of them are of: how many occurrences, and the first.
    pub fails: Vec<OtherFail>,
}

/// The unlisted occurrences of one `--fail-on` kind.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OtherFail {
    pub kind: FailOn,
    pub occurrences: u64,
    /// The first such code, `0x` and eight upper-case hex digits.
    pub first: String,
    /// `source:line`.
    pub first_seen: String,
}

/// What a scan found, decoded under a profile and judged against `--fail-on`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ScanReport {
    pub profile: String,
    pub sources: Vec<String>,
    /// Sources that could not be read (fully), with why.
    pub errors: Vec<String>,
    /// All occurrences, listed or not.
    pub occurrences: u64,
    /// The listed codes, most frequent first.
    pub codes: Vec<ReportedCode>,
    /// The codes beyond the list, if any: counted and judged, not listed.
    pub others: Option<OtherCodes>,
    pub fail_on: Vec<FailOn>,
}

impl Scan {
    /// The report of this scan under `profile`, judged against each kind of `fail_on` once
    /// (a repeated kind is taken at its first place). Names (and `errors`) are kept as
    /// they are: [`ScanReport::text`] escapes them, and [`ScanReport::json`] writes them as
    /// JSON's own escapes, so a consumer tells `x\u{1b}.log` from `x<ESC>.log`.
    pub fn report(&self, profile: Profile, fail_on: &[FailOn], errors: Vec<String>) -> ScanReport {
        let mut kinds: Vec<FailOn> = Vec::with_capacity(FailOn::ALL.len());
        for kind in fail_on {
            if !kinds.contains(kind) {
                kinds.push(*kind);
            }
        }
        let fail_on = &kinds[..];
        let codes = self
            .found()
            .into_iter()
            .map(|f| {
                let d = decode(f.code, profile);
                ReportedCode {
                    count: f.count,
                    first_seen: self.place(f.first),
                    decoded: Record::from(&d),
                    fails: fail_on.iter().copied().filter(|k| k.hits(&d)).collect(),
                }
            })
            .collect();
        ScanReport {
            profile: profile.id().to_string(),
            sources: self.sources.clone(),
            errors,
            occurrences: self.occurrences(),
            codes,
            others: self.other_codes(profile, fail_on),
            fail_on: fail_on.to_vec(),
        }
    }

    fn other_codes(&self, profile: Profile, fail_on: &[FailOn]) -> Option<OtherCodes> {
        let others = self.others()?;
        let fails = fail_on.iter().filter_map(|kind| {
            let f = self.failing_others(profile, *kind)?;
            Some(OtherFail {
                kind: *kind,
                occurrences: f.occurrences,
                first: f.first.to_string(),
                first_seen: self.place(f.place),
            })
        });
        Some(OtherCodes {
            occurrences: others.occurrences,
            distinct: others.distinct,
            distinct_exact: others.exact,
            first_seen: self.place(others.first),
            fails: fails.collect(),
        })
    }

    /// `source:line`.
    fn place(&self, place: Place) -> String {
        format!("{}:{}", self.sources[place.source], place.line)
    }
}

impl ScanReport {
    /// 2 when a source could not be read, else 1 when a code is of a `--fail-on` kind.
    pub fn exit_code(&self) -> u8 {
        let others_fail = self.others.as_ref().is_some_and(|o| !o.fails.is_empty());
        if !self.errors.is_empty() {
            2
        } else if others_fail || self.codes.iter().any(|c| !c.fails.is_empty()) {
            1
        } else {
            0
        }
    }

    /// The report for machines, pretty-printed, with a final newline. It holds strings,
    /// numbers and lists only, so it serializes; should that change, the error is the
    /// caller's to report rather than an empty report.
    pub fn json(&self) -> serde_json::Result<String> {
        crate::escape::json(self)
    }

    /// How many distinct codes, listed or not (`at least` when that is a lower bound).
    fn distinct(&self) -> String {
        let listed = self.codes.len() as u64;
        match &self.others {
            None => plural(listed as usize, "distinct code"),
            Some(o) if o.distinct_exact => plural((listed + o.distinct) as usize, "distinct code"),
            Some(o) => format!("at least {} distinct codes", listed + o.distinct),
        }
    }

    /// The `FAIL:` line of a kind, if a code of it occurred.
    fn fail_line(&self, kind: FailOn) -> Option<String> {
        let listed: Vec<&str> = self
            .codes
            .iter()
            .filter(|c| c.fails.contains(&kind))
            .map(|c| c.decoded.hex.as_str())
            .collect();
        let others = self.others.iter().flat_map(|o| &o.fails);
        let other = others.clone().find(|f| f.kind == kind).map(|f| {
            format!(
                "{} of unlisted codes, the first {} at {}",
                plural(f.occurrences as usize, "occurrence"),
                f.first,
                untrusted(&f.first_seen, Lines::Escape)
            )
        });
        match (listed.is_empty(), other) {
            (true, None) => None,
            (true, Some(other)) => Some(format!("FAIL: codes {}: {other}", kind.words())),
            (false, other) => Some(format!(
                "FAIL: {} {}: {}{}",
                plural(listed.len(), "code"),
                kind.words(),
                listed.join(", "),
                other.map(|o| format!("; and {o}")).unwrap_or_default()
            )),
        }
    }

    /// The report for people: one line per distinct code, most frequent first, in columns
    /// as wide as their widest cell.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "amperr scan: {}, {} in {} (profile {})",
            self.distinct(),
            plural(self.occurrences as usize, "occurrence"),
            plural(self.sources.len(), "source"),
            self.profile
        );
        let rows = self.rows();
        let count = rows.iter().map(|r| r.count.len()).fold(5, usize::max);
        let place = rows
            .iter()
            .map(|r| r.first_seen.chars().count())
            .fold("first seen".len(), usize::max);
        if !rows.is_empty() {
            let _ = writeln!(
                out,
                "{:>count$}  {:<10}  {:<place$}  meaning",
                "count", "code", "first seen"
            );
        }
        for r in &rows {
            let _ = writeln!(
                out,
                "{:>count$}  {:<10}  {:<place$}  {}",
                r.count, r.code, r.first_seen, r.meaning
            );
        }
        for kind in &self.fail_on {
            if let Some(line) = self.fail_line(*kind) {
                let _ = writeln!(out, "{line}");
            }
        }
        out
    }

    /// The table's rows: the listed codes, then the others.
    fn rows(&self) -> Vec<Row<'_>> {
        let listed = self.codes.iter().map(|c| Row {
            count: c.count.to_string(),
            code: &c.decoded.hex,
            first_seen: untrusted(&c.first_seen, Lines::Escape),
            meaning: meaning(&c.decoded),
        });
        let others = self.others.iter().map(|o| Row {
            count: o.occurrences.to_string(),
            code: "others",
            first_seen: untrusted(&o.first_seen, Lines::Escape),
            meaning: format!(
                "{}{}, not listed (a scan lists {LISTED} and every documented code)",
                if o.distinct_exact { "" } else { "at least " },
                plural(o.distinct as usize, "other distinct code")
            ),
        });
        listed.chain(others).collect()
    }
}

/// One row of the text report's table.
struct Row<'a> {
    count: String,
    code: &'a str,
    first_seen: Cow<'a, str>,
    meaning: String,
}

/// A decoded code in a few words: name; area, category; class.
fn meaning(r: &Record) -> String {
    let area = r
        .area_name
        .clone()
        .unwrap_or_else(|| format!("area {}", r.area));
    let category = r
        .category_name
        .clone()
        .unwrap_or_else(|| format!("category {:#04X}", r.category));
    let name = r.name.as_deref().unwrap_or("(no name)");
    format!("{name}; {area}, {category}; {}", r.class.describe())
}

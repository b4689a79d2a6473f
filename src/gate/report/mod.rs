//! The gate's report: outcomes counted, failures grouped, one example each.
//!
//! A decoder that gets one rule wrong fails thousands of cases; listing them would bury
//! the rule. Failures are grouped by what failed (a field, a crash, a timeout...) and by
//! the class of the code, and each group is summarised by the categories and areas it
//! spans, with its smallest failing case as the example and a command that reproduces it.
//!
//! [`Report`] is plain data and (de)serializes as the JSON report, the source every other
//! view is derived from: [`text`], [`junit`] and [`html`] (see `docs/REPORT.md`).

mod groups;
pub mod html;
pub mod junit;
mod read;
pub mod summary;
mod tally;
pub mod text;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::decode::Class;
use crate::gate::field::FieldName;
pub use crate::gate::xfail::EntryReport;

pub use crate::gate::outcome::{Failure, Gate, GateKind, Peer, command_line, reproduce};
pub use read::{MAX_LISTED, MAX_SECONDS, ReadError};
// The tally takes the judge's crate-private verdicts: this crate's benches drive it.
#[cfg(feature = "internal")]
#[doc(hidden)]
pub use tally::Tally;
#[cfg(not(feature = "internal"))]
pub(crate) use tally::Tally;

/// The JSON report's schema version: 2 added the `not_started` conclusion and a `null`
/// reproduce command for cases not run.
pub const FORMAT_VERSION: u32 = 2;
/// The schema versions this build reads (a version 1 report reads as version 2).
pub const READS_FORMAT_VERSIONS: std::ops::RangeInclusive<u64> = 1..=2;

/// The gate's conclusion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    Conformant,
    NotConformant,
    /// The decoder never answered a case within the protocol.
    Broken,
    /// The decoder could not be started.
    NotStarted,
}

impl Conclusion {
    /// The verdict as the reports' headline says it, of `what` was gated (`decoder`).
    pub fn words(self, what: &str) -> String {
        match self {
            Conclusion::Conformant => "CONFORMANT".to_string(),
            Conclusion::NotConformant => "NOT CONFORMANT".to_string(),
            Conclusion::Broken => format!("BROKEN: the {what} never answered a case"),
            Conclusion::NotStarted => format!("BROKEN: the {what} could not be started"),
        }
    }

    /// 0 conformant, 1 not conformant, 3 broken or not started (2 is the CLI's usage
    /// error).
    pub fn exit_code(self) -> u8 {
        match self {
            Conclusion::Conformant => 0,
            Conclusion::NotConformant => 1,
            Conclusion::Broken | Conclusion::NotStarted => 3,
        }
    }
}

/// Case counts by outcome; every case is counted once. `implementation_defined` counts
/// the passing cases that answered a field the profile's source is silent on (it is part
/// of `pass`); `expected_failure` counts the cases whose every failure `--xfail` lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: usize,
    pub implementation_defined: usize,
    pub mismatch: usize,
    pub refused: usize,
    pub crash: usize,
    pub timeout: usize,
    pub protocol_error: usize,
    pub not_run: usize,
    pub expected_failure: usize,
    pub unexpected_pass: usize,
}

/// How one field fared over all answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FieldReport {
    pub field: FieldName,
    /// Sent at least once, so checked.
    pub checked: bool,
    pub required: bool,
    pub sent: usize,
    pub passed: usize,
    pub failed: usize,
    pub implementation_defined: usize,
}

/// A failing group's smallest case.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Example {
    pub id: String,
    pub code: u32,
    pub expected: Option<String>,
    pub got: Option<String>,
    /// For crashes, timeouts, protocol errors, refusals and unexpected passes: what
    /// happened.
    pub detail: Option<String>,
    /// A shell command that sends this case to the decoder; none for a case not run.
    pub reproduce: Option<String>,
    /// What the case did besides its answer, where the gate says (a fault scenario: the
    /// fault, the request it hit, how many the player made).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The example's place in the corpus (not saved: a saved report has no corpus).
    #[serde(skip)]
    pub(crate) index: usize,
}

impl Example {
    /// What happened, without the case id: `expected 3, got 1`, or the detail.
    pub fn outcome(&self) -> String {
        match (&self.expected, &self.got, &self.detail) {
            (Some(expected), Some(got), _) => format!("expected {expected}, got {got}"),
            (Some(expected), None, _) => format!("expected {expected}, not sent"),
            (_, _, Some(detail)) => detail.clone(),
            _ => String::new(),
        }
    }
}

/// Failures of one kind on one class of codes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Group {
    pub failure: Failure,
    pub class: Class,
    pub count: usize,
    pub categories: Vec<u8>,
    pub areas: Vec<u8>,
    pub summary: String,
    pub example: Example,
}

/// One distinct answer to a field the source is silent on.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SilentAnswer {
    pub field: FieldName,
    pub answer: String,
    pub count: usize,
}

/// The worst outcome among the cases of one (area, category) cell of [`Report::map`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cell {
    NoCase,
    Pass,
    ImplementationDefined,
    ExpectedFailure,
    NotRun,
    UnexpectedPass,
    Refused,
    Mismatch,
    ProtocolError,
    Timeout,
    Crash,
}

impl Cell {
    pub const ALL: [Cell; 11] = [
        Cell::NoCase,
        Cell::Pass,
        Cell::ImplementationDefined,
        Cell::ExpectedFailure,
        Cell::NotRun,
        Cell::UnexpectedPass,
        Cell::Refused,
        Cell::Mismatch,
        Cell::ProtocolError,
        Cell::Timeout,
        Cell::Crash,
    ];

    /// The cell's letter in [`Report::map`].
    pub fn letter(self) -> char {
        match self {
            Cell::NoCase => '.',
            Cell::Pass => 'P',
            Cell::ImplementationDefined => 'I',
            Cell::ExpectedFailure => 'X',
            Cell::NotRun => 'N',
            Cell::UnexpectedPass => 'U',
            Cell::Refused => 'R',
            Cell::Mismatch => 'M',
            Cell::ProtocolError => 'E',
            Cell::Timeout => 'T',
            Cell::Crash => 'C',
        }
    }

    pub fn from_letter(letter: char) -> Option<Cell> {
        Cell::ALL.into_iter().find(|c| c.letter() == letter)
    }

    pub fn words(self) -> &'static str {
        match self {
            Cell::NoCase => "no case",
            Cell::Pass => "pass",
            Cell::ImplementationDefined => "pass, with implementation-defined answers",
            Cell::ExpectedFailure => "expected failure (xfail)",
            Cell::NotRun => "not run",
            Cell::UnexpectedPass => "unexpected pass (xfail)",
            Cell::Refused => "refused",
            Cell::Mismatch => "mismatch",
            Cell::ProtocolError => "protocol error",
            Cell::Timeout => "timeout",
            Cell::Crash => "crash",
        }
    }

    /// Whether the cell holds a failure that fails the gate.
    pub fn fails(self) -> bool {
        self >= Cell::NotRun
    }
}

/// Everything the gate found.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    pub format_version: u32,
    /// The command that gated: `check` (a decoder) or `check-player` (a player build);
    /// `check` in a report that does not say.
    #[serde(default = "GateKind::check")]
    pub kind: GateKind,
    pub conclusion: Conclusion,
    pub decoder: Vec<String>,
    pub profile: String,
    pub protocol_version: u32,
    pub corpus_version: u32,
    pub seed: u64,
    pub random: u32,
    /// `K/N` when this run is one shard of the corpus.
    pub shard: Option<String>,
    pub cases: usize,
    pub counts: Counts,
    pub fields: Vec<FieldReport>,
    pub groups: Vec<Group>,
    /// 16 rows (areas 0..15) of 256 letters (categories 0x00..0xFF), one [`Cell`] each.
    pub map: Vec<String>,
    pub aliases_accepted: BTreeMap<String, usize>,
    pub implementation_defined_answers: Vec<SilentAnswer>,
    pub xfail: Vec<EntryReport>,
    /// Problems not tied to one case (a non-zero exit after the last answer, say).
    pub run_problems: Vec<String>,
    /// What happened on the way that does not fail the gate by itself: a run that ended
    /// early and the search for the case at fault, say.
    pub notes: Vec<String>,
    pub restarts: u32,
    pub seconds: f64,
    /// The decoder's stderr, cut to a bound.
    pub stderr: String,
}

impl Report {
    /// What was gated, in a word: `decoder` or `player`.
    pub fn subject(&self) -> &'static str {
        self.kind.subject()
    }

    pub fn exit_code(&self) -> u8 {
        self.conclusion.exit_code()
    }

    /// The report as pretty JSON.
    pub fn json(&self) -> serde_json::Result<String> {
        crate::escape::json(self)
    }

    /// The fields that were (or were not) checked, as a list; `-` for none.
    pub fn field_names(&self, checked: bool) -> String {
        let list: Vec<&str> = self
            .fields
            .iter()
            .filter(|f| f.checked == checked)
            .map(|f| f.field.key())
            .collect();
        if list.is_empty() {
            "-".to_string()
        } else {
            list.join(", ")
        }
    }

    /// The map cell of an area and category.
    pub fn cell(&self, area: u8, category: u8) -> Cell {
        self.map
            .get(usize::from(area))
            .and_then(|row| row.chars().nth(usize::from(category)))
            .and_then(Cell::from_letter)
            .unwrap_or(Cell::NoCase)
    }
}

pub(crate) use crate::render::plural as count;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_trip_through_letters() {
        for cell in Cell::ALL {
            assert_eq!(Cell::from_letter(cell.letter()), Some(cell));
        }
        assert!(!Cell::ExpectedFailure.fails() && Cell::NotRun.fails() && Cell::Crash.fails());
    }
}

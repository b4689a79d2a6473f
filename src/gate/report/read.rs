//! Reading a saved report, which is untrusted: a file anyone may have edited, or made.
//!
//! `amperr report` states the verdict a saved report carries, in every view, so a report
//! is read only if `check` could have written it: a version this build reads, every list
//! within what a run writes (many tiny items are what makes a view cost many times its
//! file), and a conclusion that its own counts, groups and problems agree with. Anything
//! else is refused, naming what is wrong.

use serde::Deserialize;

use super::{
    Cell, Conclusion, Counts, FORMAT_VERSION, Failure, GateKind, READS_FORMAT_VERSIONS, Report,
};
use crate::catalog::Profile;
use crate::gate::corpus;

/// The longest run a saved report may say it took, in seconds (about 317 years; `--timeout`
/// takes at most 1e9).
pub const MAX_SECONDS: f64 = 1e10;

/// The most items a list of a saved report may hold: above what a run writes (an xfail
/// list holds some 160,000 entries at most; a run keeps 10,000 problems and notes, and
/// older builds kept more).
pub const MAX_LISTED: usize = 1_000_000;

/// A saved report that this build cannot read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    #[error("not a JSON report of amperr check --format json: {0}")]
    NotAReport(String),
    #[error(
        "a report of format version {0}; this build reads format versions 1 and 2: use the amperr that wrote it"
    )]
    FormatVersion(u64),
    #[error(
        "a report of protocol version {0}; this build reads protocol version 1: use the amperr that wrote it"
    )]
    ProtocolVersion(u64),
}

/// The two numbers read before the rest: a report of another version would be read wrong,
/// not fail. Every other key is skipped, not kept; and a report is an object (a derived
/// reader would take `[1, 2]` as versions 1 and 2). The kind is read here too, to refuse
/// one no gate has in words rather than as a parse error.
#[derive(Default)]
struct Versions {
    format_version: Option<serde_json::Value>,
    protocol_version: Option<serde_json::Value>,
    kind: Option<serde_json::Value>,
}

impl<'de> Deserialize<'de> for Versions {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Versions, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = Versions;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut map: M,
            ) -> Result<Versions, M::Error> {
                let mut versions = Versions::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "format_version" => versions.format_version = Some(map.next_value()?),
                        "protocol_version" => versions.protocol_version = Some(map.next_value()?),
                        "kind" => versions.kind = Some(map.next_value()?),
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(versions)
            }
        }
        deserializer.deserialize_map(Keys)
    }
}

impl Report {
    /// Reads a saved JSON report, refusing a version this build does not read and a
    /// report that `check` could not have written.
    pub fn from_json(text: &str) -> Result<Report, ReadError> {
        // A byte-order mark before the JSON (as PowerShell writes files) is no part of it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let not_a_report = |e: serde_json::Error| ReadError::NotAReport(e.to_string());
        let versions: Versions = serde_json::from_str(text).map_err(not_a_report)?;
        let number = |v: Option<serde_json::Value>| v.and_then(|v| v.as_u64());
        let (Some(format), Some(protocol)) = (
            number(versions.format_version),
            number(versions.protocol_version),
        ) else {
            let why = "no format_version and protocol_version numbers".to_string();
            return Err(ReadError::NotAReport(why));
        };
        if !READS_FORMAT_VERSIONS.contains(&format) {
            return Err(ReadError::FormatVersion(format));
        }
        if protocol != u64::from(crate::gate::protocol::VERSION) {
            return Err(ReadError::ProtocolVersion(protocol));
        }
        if let Some(serde_json::Value::String(kind)) = &versions.kind {
            check_kind(kind).map_err(ReadError::NotAReport)?;
        }
        let mut report: Report = serde_json::from_str(text).map_err(not_a_report)?;
        // Read as this version, it is one: a view of it must not claim an older schema,
        // nor hold what that schema said otherwise (version 1 gave a case not run a
        // command that reproduces nothing).
        if format == 1 {
            let not_run = report
                .groups
                .iter_mut()
                .filter(|g| g.failure == Failure::NotRun);
            not_run.for_each(|g| g.example.reproduce = None);
        }
        report.format_version = FORMAT_VERSION;
        report.check_written().map_err(ReadError::NotAReport)?;
        Ok(report)
    }

    /// Whether `check` could have written this report; else what is wrong with it.
    fn check_written(&self) -> Result<(), String> {
        self.check_lists()?;
        self.check_run()?;
        self.check_map()?;
        self.check_counts()?;
        self.check_conclusion()
    }

    fn check_lists(&self) -> Result<(), String> {
        let lists = [
            ("decoder", self.decoder.len()),
            ("fields", self.fields.len()),
            ("groups", self.groups.len()),
            ("aliases_accepted", self.aliases_accepted.len()),
            (
                "implementation_defined_answers",
                self.implementation_defined_answers.len(),
            ),
            ("xfail", self.xfail.len()),
            ("run_problems", self.run_problems.len()),
            ("notes", self.notes.len()),
        ];
        match lists.into_iter().find(|(_, len)| *len > MAX_LISTED) {
            Some((key, len)) => Err(format!(
                "{key} holds {len} items: a run writes at most {MAX_LISTED}"
            )),
            None => Ok(()),
        }
    }

    /// What ran, how, and for how long.
    fn check_run(&self) -> Result<(), String> {
        if self.profile.parse::<Profile>().is_err() {
            return Err(format!(
                "profile is {:?}, which this build does not know: the profiles are {}",
                self.profile,
                Profile::listed()
            ));
        }
        if let Some(shard) = &self.shard {
            corpus::parse_shard(shard).map_err(|e| format!("shard: {e}"))?;
        }
        // A time no run takes (1e20 s, negative) is a report tampered with or made by hand.
        if !(0.0..=MAX_SECONDS).contains(&self.seconds) {
            return Err(format!(
                "seconds is {}: a run's wall time is a number of seconds from 0 to {MAX_SECONDS}",
                shown(self.seconds)
            ));
        }
        Ok(())
    }

    fn check_map(&self) -> Result<(), String> {
        let shape = "the map is 16 rows (areas 0..15) of 256 letters (categories 0x00..0xFF)";
        if self.map.len() != 16 {
            return Err(format!("the map has {} rows: {shape}", self.map.len()));
        }
        for (area, row) in self.map.iter().enumerate() {
            if row.chars().count() != 256 {
                return Err(format!("map row {area} is not 256 letters: {shape}"));
            }
            if let Some(letter) = row.chars().find(|&c| Cell::from_letter(c).is_none()) {
                let letters: String = Cell::ALL.iter().map(|c| c.letter()).collect();
                return Err(format!(
                    "map row {area} holds {letter:?}: a cell is one of {letters:?}"
                ));
            }
        }
        Ok(())
    }

    /// Every case has one outcome.
    fn check_counts(&self) -> Result<(), String> {
        let sum = (self.counts.outcomes().iter()).try_fold(0usize, |sum, n| sum.checked_add(*n));
        if sum != Some(self.cases) {
            return Err(format!(
                "the counts of outcomes do not add up to its {} cases",
                self.cases
            ));
        }
        if self.counts.implementation_defined > self.counts.pass {
            return Err("more passes with implementation-defined answers than passes".into());
        }
        Ok(())
    }

    /// Conformant exactly when nothing failed, by its groups, problems, counts and map
    /// alike; broken (or not started) only with no answer judged.
    fn check_conclusion(&self) -> Result<(), String> {
        let c = &self.counts;
        let failing_counts = c.outcomes()[Counts::FAILING..].iter().any(|&n| n > 0);
        let failing_cells = self
            .map
            .iter()
            .flat_map(|row| row.chars())
            .any(|letter| Cell::from_letter(letter).is_some_and(Cell::fails));
        let failed = !self.groups.is_empty()
            || !self.run_problems.is_empty()
            || failing_counts
            || c.unexpected_pass > 0
            || failing_cells;
        let contradiction = match self.conclusion {
            Conclusion::Conformant if failed => {
                "conformant, but it lists failing groups, problems of the run, failing counts or failing cells"
            }
            Conclusion::NotConformant if !failed => {
                "not conformant, but it lists no failing group, problem, count or cell"
            }
            Conclusion::Broken | Conclusion::NotStarted if c.pass > 0 || c.mismatch > 0 => {
                "that the decoder answered no case, but it counts answers judged"
            }
            _ => return Ok(()),
        };
        Err(format!("its conclusion is {contradiction}"))
    }
}

impl Counts {
    /// Where the failing outcomes start in [`Counts::outcomes`].
    const FAILING: usize = 2;

    /// Each case's one outcome, counted (they add up to the cases): the passes and the
    /// expected failures, then from [`Counts::FAILING`] on those that fail the gate.
    fn outcomes(&self) -> [usize; 8] {
        [
            self.pass,
            self.expected_failure,
            self.mismatch,
            self.refused,
            self.crash,
            self.timeout,
            self.protocol_error,
            self.not_run,
        ]
    }
}

/// Whether a gate is of `kind`: else what is wrong with it.
fn check_kind(kind: &str) -> Result<(), String> {
    if GateKind::ALL.iter().any(|gate| gate.command() == kind) {
        return Ok(());
    }
    let kinds: Vec<&str> = GateKind::ALL.iter().map(|gate| gate.command()).collect();
    let (last, rest) = kinds.split_last().expect("there are gates");
    Err(format!(
        "kind is {kind:?}: it is {} or {last}",
        rest.join(", ")
    ))
}

/// A number as short as it reads: `1e20`, not 21 digits.
fn shown(value: f64) -> String {
    if value.abs() >= 1e15 {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

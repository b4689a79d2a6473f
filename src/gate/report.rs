//! The gate's report: outcomes counted, failures grouped, one example each.
//!
//! A decoder that gets one rule wrong fails thousands of cases; listing them would bury
//! the rule. Failures are grouped by what failed (a field, a crash, a timeout...) and by
//! the class of the code, and each group is summarised by the categories and areas it
//! spans, with its smallest failing case as the example and a command that reproduces it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::decode::Class;
use crate::gate::corpus::{self, Case, Corpus};
use crate::gate::judge::Verdict;
use crate::gate::protocol::{self, FieldName};
use crate::render::fold_ranges;

/// What went wrong with a case.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "field", rename_all = "snake_case")]
pub enum Failure {
    /// A required field was sent with the wrong value.
    Mismatch(FieldName),
    /// A field `--require-fields` names was not sent.
    Missing(FieldName),
    Refused,
    Crash,
    Timeout,
    ProtocolError,
    /// The case never reached a decoder (restart limit, total timeout).
    NotRun,
}

/// The gate's conclusion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    Conformant,
    NotConformant,
    /// The decoder could not be started, or broke the protocol on every attempt.
    Broken,
}

impl Conclusion {
    /// 0 conformant, 1 not conformant, 3 broken (2 is the CLI's usage error).
    pub fn exit_code(self) -> u8 {
        match self {
            Conclusion::Conformant => 0,
            Conclusion::NotConformant => 1,
            Conclusion::Broken => 3,
        }
    }
}

/// Case counts by outcome. `implementation_defined` counts passing cases that answered a
/// field the profile's source is silent on; it is part of `pass`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    pub pass: usize,
    pub implementation_defined: usize,
    pub mismatch: usize,
    pub refused: usize,
    pub crash: usize,
    pub timeout: usize,
    pub protocol_error: usize,
    pub not_run: usize,
}

/// How one field fared over all answers.
#[derive(Clone, Debug, Serialize)]
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
#[derive(Clone, Debug, Serialize)]
pub struct Example {
    pub id: String,
    pub code: u32,
    pub expected: Option<String>,
    pub got: Option<String>,
    /// For crashes, timeouts, protocol errors and refusals: what happened.
    pub detail: Option<String>,
    /// A shell command that sends this case to the decoder.
    pub reproduce: String,
}

/// Failures of one kind on one class of codes.
#[derive(Clone, Debug, Serialize)]
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
#[derive(Clone, Debug, Serialize)]
pub struct SilentAnswer {
    pub field: FieldName,
    pub answer: String,
    pub count: usize,
}

/// Everything the gate found.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub conclusion: Conclusion,
    pub decoder: Vec<String>,
    pub profile: String,
    pub protocol_version: u32,
    pub corpus_version: u32,
    pub seed: u64,
    pub random: u32,
    pub cases: usize,
    pub counts: Counts,
    pub fields: Vec<FieldReport>,
    pub groups: Vec<Group>,
    pub aliases_accepted: BTreeMap<String, usize>,
    pub implementation_defined_answers: Vec<SilentAnswer>,
    /// Problems not tied to one case (a non-zero exit after the last answer, say).
    pub run_problems: Vec<String>,
    pub restarts: u32,
    pub seconds: f64,
    /// The decoder's stderr, cut to a bound.
    pub stderr: String,
}

/// The most distinct silent answers recorded per field.
const SILENT_ANSWERS_KEPT: usize = 32;

/// Collects outcomes case by case while the gate runs.
pub struct Tally<'c> {
    corpus: &'c Corpus,
    required: [bool; 7],
    counts: Counts,
    fields: [FieldStats; 7],
    groups: BTreeMap<(Failure, Class, String), GroupTally>,
    aliases: BTreeMap<&'static str, usize>,
    /// Per field, each distinct answer (cut short) and how often it came.
    silent: [Vec<(String, usize)>; 7],
    run_problems: Vec<String>,
    pub restarts: u32,
    answered: usize,
}

#[derive(Clone, Copy, Default)]
struct FieldStats {
    sent: usize,
    passed: usize,
    failed: usize,
    silent: usize,
}

struct GroupTally {
    count: usize,
    categories: [bool; 256],
    areas: u16,
    /// (case index, expected, got, detail) of the smallest code.
    example: (usize, Option<String>, Option<String>, Option<String>),
}

impl<'c> Tally<'c> {
    pub fn new(corpus: &'c Corpus, require: &[FieldName]) -> Tally<'c> {
        let mut required = [false; 7];
        for field in require {
            required[*field as usize] = true;
        }
        Tally {
            corpus,
            required,
            counts: Counts::default(),
            fields: [FieldStats::default(); 7],
            groups: BTreeMap::new(),
            aliases: BTreeMap::new(),
            silent: Default::default(),
            run_problems: Vec::new(),
            restarts: 0,
            answered: 0,
        }
    }

    /// Records an answer's verdicts for case `index`.
    pub fn answer(&mut self, index: usize, verdicts: &[Verdict<'_>; 7]) {
        self.answered += 1;
        let case = &self.corpus.cases[index];
        let (mut failed, mut silent) = (false, false);
        for (field, verdict) in FieldName::ALL.into_iter().zip(verdicts) {
            let stats = &mut self.fields[field as usize];
            match verdict {
                Verdict::Pass => {
                    stats.sent += 1;
                    stats.passed += 1;
                }
                Verdict::Alias(alias) => {
                    stats.sent += 1;
                    stats.passed += 1;
                    *self.aliases.entry(alias).or_default() += 1;
                }
                Verdict::ImplementationDefined(got) => {
                    stats.sent += 1;
                    stats.silent += 1;
                    silent = true;
                    self.record_silent(field, got);
                }
                Verdict::NotSent if self.required[field as usize] => {
                    failed = true;
                    self.fail(
                        index,
                        Failure::Missing(field),
                        "",
                        Some(case.expected(field).to_json()),
                        None,
                        None,
                    );
                }
                Verdict::NotSent => {}
                Verdict::Mismatch(got) => {
                    stats.sent += 1;
                    stats.failed += 1;
                    failed = true;
                    let (expected, got) = (case.expected(field).to_json(), protocol::shorten(got));
                    self.fail(
                        index,
                        Failure::Mismatch(field),
                        "",
                        Some(expected),
                        Some(got),
                        None,
                    );
                }
            }
        }
        if failed {
            self.counts.mismatch += 1;
        } else {
            self.counts.pass += 1;
            self.counts.implementation_defined += usize::from(silent);
        }
    }

    fn record_silent(&mut self, field: FieldName, got: &str) {
        let answers = &mut self.silent[field as usize];
        // Hot for a conforming decoder: no allocation unless the answer is new.
        let shortened = protocol::shorten_cow(got);
        if let Some((_, count)) = answers.iter_mut().find(|(answer, _)| *answer == shortened) {
            *count += 1;
        } else if answers.len() < SILENT_ANSWERS_KEPT {
            answers.push((shortened.into_owned(), 1));
        }
    }

    /// Records a problem not tied to one case, once however often it recurs.
    pub fn problem(&mut self, problem: String) {
        if !self.run_problems.contains(&problem) {
            self.run_problems.push(problem);
        }
    }

    /// Records a case that failed as a whole: refused, crash, timeout, protocol error or
    /// not run. `key` names the kind of failure (grouped); `detail` says what happened.
    pub fn case_failed(&mut self, index: usize, failure: Failure, key: &str, detail: String) {
        match failure {
            Failure::Refused => {
                // A refusal is a valid answer: the decoder speaks the protocol.
                self.answered += 1;
                self.counts.refused += 1;
            }
            Failure::Crash => self.counts.crash += 1,
            Failure::Timeout => self.counts.timeout += 1,
            Failure::ProtocolError => self.counts.protocol_error += 1,
            Failure::NotRun => self.counts.not_run += 1,
            Failure::Mismatch(_) | Failure::Missing(_) => self.counts.mismatch += 1,
        }
        self.fail(index, failure, key, None, None, Some(detail));
    }

    fn fail(
        &mut self,
        index: usize,
        failure: Failure,
        key: &str,
        expected: Option<String>,
        got: Option<String>,
        detail: Option<String>,
    ) {
        let case = &self.corpus.cases[index];
        let group = self
            .groups
            .entry((failure, case.class, key.to_string()))
            .or_insert_with(|| GroupTally {
                count: 0,
                categories: [false; 256],
                areas: 0,
                example: (index, None, None, None),
            });
        group.count += 1;
        group.categories[usize::from(case.code.category())] = true;
        group.areas |= 1 << case.code.area();
        let smallest = self.corpus.cases[group.example.0].code;
        if group.count == 1 || case.code < smallest {
            group.example = (index, expected, got, detail);
        }
    }

    /// The finished report.
    pub fn finish(self, decoder: &[String], seconds: f64, stderr: String) -> Report {
        let fields: Vec<FieldReport> = FieldName::ALL
            .into_iter()
            .map(|field| {
                let stats = self.fields[field as usize];
                FieldReport {
                    field,
                    checked: stats.sent > 0,
                    required: self.required[field as usize],
                    sent: stats.sent,
                    passed: stats.passed,
                    failed: stats.failed,
                    implementation_defined: stats.silent,
                }
            })
            .collect();
        let groups: Vec<Group> = self
            .groups
            .into_iter()
            .map(|((failure, class, _), g)| build_group(self.corpus, decoder, failure, class, g))
            .collect();
        let conclusion = if self.answered == 0 && !self.corpus.cases.is_empty() {
            Conclusion::Broken
        } else if groups.is_empty() && self.run_problems.is_empty() {
            Conclusion::Conformant
        } else {
            Conclusion::NotConformant
        };
        Report {
            conclusion,
            decoder: decoder.to_vec(),
            profile: self.corpus.profile.id().to_string(),
            protocol_version: protocol::VERSION,
            corpus_version: corpus::VERSION,
            seed: self.corpus.seed,
            random: self.corpus.random,
            cases: self.corpus.cases.len(),
            counts: self.counts,
            fields,
            groups,
            aliases_accepted: self
                .aliases
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            implementation_defined_answers: FieldName::ALL
                .into_iter()
                .zip(self.silent)
                .flat_map(|(field, answers)| {
                    answers
                        .into_iter()
                        .map(move |(answer, count)| SilentAnswer {
                            field,
                            answer,
                            count,
                        })
                })
                .collect(),
            run_problems: self.run_problems,
            restarts: self.restarts,
            seconds,
            stderr,
        }
    }
}

fn build_group(
    corpus: &Corpus,
    decoder: &[String],
    failure: Failure,
    class: Class,
    g: GroupTally,
) -> Group {
    let categories: Vec<u8> = (0..=u8::MAX)
        .filter(|c| g.categories[usize::from(*c)])
        .collect();
    let areas: Vec<u8> = (0..16).filter(|a| g.areas & (1 << a) != 0).collect();
    let (index, expected, got, detail) = g.example;
    let case: &Case = &corpus.cases[index];
    let summary = format!(
        "{} for {} in {} ({})",
        failure_words(&failure),
        category_words(&categories),
        area_words(&areas),
        class_words(class)
    );
    Group {
        failure,
        class,
        count: g.count,
        categories,
        areas,
        summary,
        example: Example {
            id: case.id(),
            code: case.code.0,
            expected,
            got,
            detail,
            reproduce: reproduce(decoder, case.code.0),
        },
    }
}

fn failure_words(failure: &Failure) -> String {
    match failure {
        Failure::Mismatch(field) => format!("{field} wrong"),
        Failure::Missing(field) => format!("{field} not sent (required)"),
        Failure::Refused => "refused".to_string(),
        Failure::Crash => "crashed".to_string(),
        Failure::Timeout => "timed out".to_string(),
        Failure::ProtocolError => "protocol error".to_string(),
        Failure::NotRun => "not run".to_string(),
    }
}

fn class_words(class: Class) -> &'static str {
    match class {
        Class::Documented => "documented codes",
        Class::UndocumentedDetail => "undocumented details",
        Class::UnknownCategory => "unknown categories",
        Class::ReservedArea => "reserved areas",
    }
}

fn category_words(categories: &[u8]) -> String {
    const LISTED: usize = 12;
    let folded = fold_ranges(categories, |c| format!("{c:#04X}"));
    match folded.len() {
        1 => format!("category {}", folded[0]),
        n if n <= LISTED => format!("categories {}", folded.join(", ")),
        _ => format!(
            "categories {}, ... ({} categories)",
            folded[..LISTED].join(", "),
            categories.len()
        ),
    }
}

fn area_words(areas: &[u8]) -> String {
    match areas.len() {
        16 => "all 16 areas".to_string(),
        1 => format!("area {}", areas[0]),
        _ => format!("areas {}", fold_ranges(areas, |a| a.to_string()).join(", ")),
    }
}

/// `1 case`, `2 cases`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `echo 538968468 | CMD ARGS`, each argument quoted for a POSIX shell where needed.
pub fn reproduce(decoder: &[String], code: u32) -> String {
    let argv: Vec<String> = decoder.iter().map(|a| shell_quote(a)).collect();
    format!("echo {code} | {}", argv.join(" "))
}

fn shell_quote(arg: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !arg.is_empty() && arg.chars().all(safe) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

impl Report {
    pub fn exit_code(&self) -> u8 {
        self.conclusion.exit_code()
    }

    /// The report for people.
    pub fn text(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_text(&mut out);
        out
    }

    fn write_text(&self, out: &mut String) -> std::fmt::Result {
        let verdict = match self.conclusion {
            Conclusion::Conformant => "CONFORMANT",
            Conclusion::NotConformant => "NOT CONFORMANT",
            Conclusion::Broken => "BROKEN: the decoder never answered a case",
        };
        writeln!(out, "amperr check: {verdict}")?;
        writeln!(
            out,
            "  decoder   {}",
            self.decoder
                .iter()
                .map(|a| shell_quote(a))
                .collect::<Vec<_>>()
                .join(" ")
        )?;
        writeln!(
            out,
            "  profile   {} (protocol v{}, corpus v{}, {} cases, random {} from seed {})",
            self.profile,
            self.protocol_version,
            self.corpus_version,
            self.cases,
            self.random,
            self.seed
        )?;
        let c = &self.counts;
        writeln!(
            out,
            "  outcomes  {} pass ({} with implementation-defined answers), {} mismatch, {} refused, {} crash, {} timeout, {} protocol error, {} not run",
            c.pass,
            c.implementation_defined,
            c.mismatch,
            c.refused,
            c.crash,
            c.timeout,
            c.protocol_error,
            c.not_run
        )?;
        let names = |checked: bool| -> String {
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
        };
        writeln!(out, "  checked   {}", names(true))?;
        writeln!(out, "  not sent  {} (not checked)", names(false))?;
        writeln!(
            out,
            "  time      {:.2} s, {}",
            self.seconds,
            count(self.restarts as usize, "restart")
        )?;
        for problem in &self.run_problems {
            writeln!(out, "  problem   {problem}")?;
        }
        if !self.groups.is_empty() {
            writeln!(out, "\nFailures, in {}:", count(self.groups.len(), "group"))?;
        }
        for (n, g) in self.groups.iter().enumerate() {
            writeln!(
                out,
                "\n[{}] {}: {}",
                n + 1,
                g.summary,
                count(g.count, "case")
            )?;
            let e = &g.example;
            match (&e.expected, &e.got, &e.detail) {
                (Some(expected), Some(got), _) => {
                    writeln!(out, "    e.g. {}: expected {expected}, got {got}", e.id)?
                }
                (Some(expected), None, _) => {
                    writeln!(out, "    e.g. {}: expected {expected}, not sent", e.id)?
                }
                (_, _, Some(detail)) => writeln!(out, "    e.g. {}: {detail}", e.id)?,
                _ => writeln!(out, "    e.g. {}", e.id)?,
            }
            writeln!(out, "    reproduce: {}", e.reproduce)?;
        }
        if !self.aliases_accepted.is_empty() {
            let list: Vec<String> = self
                .aliases_accepted
                .iter()
                .map(|(a, n)| format!("{a} ({n})"))
                .collect();
            writeln!(
                out,
                "\nNames accepted as aliases of the canonical name: {}",
                list.join(", ")
            )?;
        }
        if !self.implementation_defined_answers.is_empty() {
            writeln!(
                out,
                "\nImplementation-defined answers (accepted, recorded):"
            )?;
            for s in &self.implementation_defined_answers {
                writeln!(
                    out,
                    "  {:<14} {} ({})",
                    s.field.key(),
                    s.answer,
                    count(s.count, "case")
                )?;
            }
        }
        if self.conclusion != Conclusion::Conformant && !self.stderr.is_empty() {
            writeln!(out, "\nDecoder stderr:\n{}", self.stderr.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::corpus::Expected;

    #[test]
    fn reproduce_quotes_for_the_shell() {
        let argv = [
            "node".to_string(),
            "my decoder.js".to_string(),
            "it's".to_string(),
        ];
        assert_eq!(
            reproduce(&argv, 1),
            "echo 1 | node 'my decoder.js' 'it'\\''s'"
        );
    }

    #[test]
    fn words_fold_ranges() {
        assert_eq!(category_words(&[3, 5, 255]), "categories 0x03, 0x05, 0xFF");
        assert_eq!(category_words(&[7, 8, 9]), "category 0x07..0x09");
        assert_eq!(category_words(&[5, 6]), "categories 0x05, 0x06");
        assert_eq!(area_words(&(0..16).collect::<Vec<_>>()), "all 16 areas");
        assert_eq!(area_words(&[0, 1, 2, 9]), "areas 0..2, 9");
    }

    #[test]
    fn expected_json_forms() {
        assert_eq!(Expected::Text("a\"b").to_json(), "\"a\\\"b\"");
        assert_eq!(Expected::Null.to_json(), "null");
    }
}

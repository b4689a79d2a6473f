//! Collecting outcomes case by case while the gate runs, into a [`Report`].

use std::collections::{BTreeMap, BTreeSet};

use crate::decode::Class;
use crate::gate::corpus::{self, Corpus, Expectation};
use crate::gate::field::{FieldMap, FieldName};
use crate::gate::judge::Verdict;
use crate::gate::protocol;
use crate::gate::xfail::{Ledger, Scope, Xfail};

use super::{
    Cell, Conclusion, Counts, FORMAT_VERSION, Failure, FieldReport, Gate, Group, Report,
    SilentAnswer,
};

/// A decoder's text, cut to the bound reports keep.
fn cut(text: &str) -> String {
    crate::escape::cut(text, crate::escape::SHOWN).into_owned()
}

/// The most distinct silent answers recorded per field.
const SILENT_ANSWERS_KEPT: usize = 32;

/// The most run problems, and notes, a report lists: a run of many restarts could write
/// many (a line then says more came).
const MAX_KEPT: usize = 10_000;

/// Distinct texts in the order they came, up to [`MAX_KEPT`].
#[derive(Default)]
struct Kept {
    items: Vec<String>,
    /// A distinct text came when the list was full.
    more: bool,
}

impl Kept {
    fn add(&mut self, item: String) {
        if self.items.contains(&item) {
            return;
        }
        match self.items.len() < MAX_KEPT {
            true => self.items.push(item),
            false => self.more = true,
        }
    }

    /// The texts, and a last line if more came than were kept.
    fn finish(mut self, what: &str) -> Vec<String> {
        if self.more {
            let line = format!("more {what} came, not listed (the first {MAX_KEPT} are)");
            self.items.push(line);
        }
        self.items
    }
}

/// Collects outcomes case by case while the gate runs.
pub struct Tally<'c> {
    gate: Gate,
    corpus: &'c Corpus,
    required: FieldMap<bool>,
    /// Which failures the `--xfail` list expects.
    xfail: Ledger<'c>,
    counts: Counts,
    fields: FieldMap<FieldStats>,
    groups: BTreeMap<(Failure, Class, String), GroupTally>,
    cells: Vec<[Cell; 256]>,
    /// Every failure, for `--write-xfail`.
    failures: BTreeSet<(usize, Scope)>,
    aliases: BTreeMap<&'static str, usize>,
    /// Per field, each distinct answer (cut short) and how often it came.
    silent: FieldMap<Vec<(String, usize)>>,
    run_problems: Kept,
    notes: Kept,
    pub restarts: u32,
    /// The decoder could not be started at all.
    pub not_started: bool,
    answered: usize,
}

#[derive(Clone, Copy, Default)]
struct FieldStats {
    sent: usize,
    /// Answers without it, when not required.
    left_out: usize,
    passed: usize,
    failed: usize,
    silent: usize,
}

use super::groups::{GroupTally, build_group};

/// What one failure looks like, for its group's example.
struct Seen {
    key: String,
    expected: Option<String>,
    got: Option<String>,
    detail: Option<String>,
}

impl<'c> Tally<'c> {
    /// A tally of protocol v1 answers; see [`Tally::of`] for other gates. For a live
    /// decoder and the benches alone.
    #[cfg(any(feature = "verify", feature = "internal"))]
    pub fn new(corpus: &'c Corpus, require: &[FieldName], xfail: &'c Xfail) -> Tally<'c> {
        Tally::of(Gate::CHECK, corpus, require, xfail)
    }

    /// A tally for `gate`, whose answers have its fields.
    pub fn of(
        gate: Gate,
        corpus: &'c Corpus,
        require: &[FieldName],
        xfail: &'c Xfail,
    ) -> Tally<'c> {
        Tally {
            gate,
            corpus,
            required: FieldMap::from_fn(|field| require.contains(&field)),
            xfail: Ledger::new(xfail, corpus),
            counts: Counts::default(),
            fields: FieldMap::default(),
            groups: BTreeMap::new(),
            cells: vec![[Cell::NoCase; 256]; 16],
            failures: BTreeSet::new(),
            aliases: BTreeMap::new(),
            silent: Default::default(),
            run_problems: Kept::default(),
            notes: Kept::default(),
            restarts: 0,
            not_started: false,
            answered: 0,
        }
    }

    /// Records an answer's verdicts for case `index`.
    pub(crate) fn answer(
        &mut self,
        index: usize,
        expected: &Expectation,
        verdicts: &FieldMap<Verdict<'_>>,
    ) {
        self.answered += 1;
        let (mut failed, mut unlisted, mut silent) = (false, false, false);
        for (field, verdict) in verdicts.iter() {
            let stats = &mut self.fields[field];
            let seen = match verdict {
                Verdict::Pass | Verdict::Alias(_) | Verdict::ImplementationDefined(_) => {
                    stats.sent += 1;
                    if let Verdict::ImplementationDefined(got) = verdict {
                        stats.silent += 1;
                        silent = true;
                        self.record_silent(field, got);
                    } else {
                        stats.passed += 1;
                    }
                    if let Verdict::Alias(alias) = verdict {
                        *self.aliases.entry(alias).or_default() += 1;
                    }
                    self.check_listed_pass(index, Scope::Field(field));
                    continue;
                }
                Verdict::NotSent if !self.required[field] => {
                    stats.left_out += 1;
                    continue;
                }
                Verdict::NotSent => {
                    stats.failed += 1;
                    (Failure::Missing(field), None)
                }
                Verdict::Mismatch(got) => {
                    stats.sent += 1;
                    stats.failed += 1;
                    (Failure::Mismatch(field), Some(cut(got)))
                }
            };
            failed = true;
            let (failure, got) = seen;
            let seen = Seen {
                key: String::new(),
                expected: Some(expected.fields[field].to_json()),
                got,
                detail: None,
            };
            unlisted |= !self.fail(index, Scope::Field(field), failure, seen);
        }
        self.count_answer(index, failed, unlisted, silent);
    }

    /// Counts and marks the outcome of an answer: whether a field failed, whether a
    /// failure was one no xfail entry lists, whether a field was silent.
    fn count_answer(&mut self, index: usize, failed: bool, unlisted: bool, silent: bool) {
        if !failed {
            self.check_listed_pass(index, Scope::Any);
        }
        let outcome = match (failed, unlisted) {
            (false, _) if silent => Cell::ImplementationDefined,
            (false, _) => Cell::Pass,
            (true, false) => Cell::ExpectedFailure,
            (true, true) => Cell::Mismatch,
        };
        match outcome {
            Cell::ExpectedFailure => self.counts.expected_failure += 1,
            Cell::Mismatch => self.counts.mismatch += 1,
            _ => {
                self.counts.pass += 1;
                self.counts.implementation_defined += usize::from(silent);
            }
        }
        self.mark(index, outcome);
    }

    /// A passing field (or case, for `Scope::Any`) that an xfail entry lists for exactly
    /// that scope is an unexpected pass.
    #[inline]
    fn check_listed_pass(&mut self, index: usize, scope: Scope) {
        if self.xfail.is_empty() {
            return;
        }
        let Some(unexpected) = self.xfail.passes(index, scope) else {
            return;
        };
        self.counts.unexpected_pass += 1;
        let field = match scope {
            Scope::Field(field) => Some(field),
            Scope::Any => None,
        };
        let seen = Seen {
            key: String::new(),
            expected: None,
            got: None,
            detail: Some(unexpected.detail),
        };
        self.group(index, Failure::UnexpectedPass(field), seen);
        self.mark(index, Cell::UnexpectedPass);
    }

    fn record_silent(&mut self, field: FieldName, got: &str) {
        let answers = &mut self.silent[field];
        // Hot for a conforming decoder: no allocation unless the answer is new.
        let shortened = crate::escape::cut(got, crate::escape::SHOWN);
        if let Some((_, count)) = answers.iter_mut().find(|(answer, _)| *answer == shortened) {
            *count += 1;
        } else if answers.len() < SILENT_ANSWERS_KEPT {
            answers.push((shortened.into_owned(), 1));
        }
    }

    /// Records a note on the run, once however often it recurs: shown, not failing.
    pub fn note(&mut self, note: String) {
        self.notes.add(note);
    }

    /// Records a problem not tied to one case, once however often it recurs.
    pub fn problem(&mut self, problem: String) {
        self.run_problems.add(problem);
    }

    /// Records a case that failed as a whole: refused, crash, timeout, protocol error or
    /// not run. `key` names the kind of failure (grouped); `detail` says what happened.
    pub fn case_failed(&mut self, index: usize, failure: Failure, key: &str, detail: String) {
        let cell = match failure {
            Failure::Refused => Cell::Refused,
            Failure::Crash => Cell::Crash,
            Failure::Timeout => Cell::Timeout,
            Failure::ProtocolError => Cell::ProtocolError,
            _ => Cell::NotRun,
        };
        if failure == Failure::Refused {
            // A refusal is a valid answer: the decoder speaks the protocol.
            self.answered += 1;
        }
        let seen = Seen {
            key: key.to_string(),
            expected: None,
            got: None,
            detail: Some(detail),
        };
        if failure == Failure::NotRun {
            // Not the decoder's verdict on the case: never expected, never baselined.
            self.counts.not_run += 1;
            self.group(index, failure, seen);
            self.mark(index, cell);
            return;
        }
        if self.fail(index, Scope::Any, failure, seen) {
            self.counts.expected_failure += 1;
            self.mark(index, Cell::ExpectedFailure);
            return;
        }
        match failure {
            Failure::Refused => self.counts.refused += 1,
            Failure::Crash => self.counts.crash += 1,
            Failure::Timeout => self.counts.timeout += 1,
            _ => self.counts.protocol_error += 1,
        }
        self.mark(index, cell);
    }

    /// Records a failure; returns whether an xfail entry expected it.
    fn fail(&mut self, index: usize, scope: Scope, failure: Failure, seen: Seen) -> bool {
        self.failures.insert((index, scope));
        if self.xfail.expects(index, scope) {
            return true;
        }
        self.group(index, failure, seen);
        false
    }

    fn group(&mut self, index: usize, failure: Failure, seen: Seen) {
        let case = &self.corpus.cases[index];
        let class = case.class(self.corpus.profile);
        // A scenario's failures stand apart from another's.
        let key = match case.group() {
            "" => seen.key,
            scenario => format!("{scenario}\u{0}{}", seen.key),
        };
        let group = self
            .groups
            .entry((failure, class, key))
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
            group.example = (index, seen.expected, seen.got, seen.detail);
        }
    }

    fn mark(&mut self, index: usize, outcome: Cell) {
        let code = self.corpus.cases[index].code;
        let cell = &mut self.cells[usize::from(code.area())][usize::from(code.category())];
        *cell = (*cell).max(outcome);
    }

    /// A field sent in some answers and left out of others is checked only where sent:
    /// say so, as listing it among the checked fields would not.
    fn note_fields_left_out(&mut self) {
        for &field in self.gate.fields() {
            let FieldStats { sent, left_out, .. } = self.fields[field];
            if sent > 0 && left_out > 0 {
                let key = field.key();
                self.notes.add(format!(
                    "{key} was sent in {sent} of the {} answers and left out of the other \
                     {left_out}: it was checked only where sent (--require-fields {key} fails \
                     an answer without it)",
                    sent + left_out
                ));
            }
        }
    }

    /// Every failure seen, `(case index, scope)`, for `--write-xfail`.
    pub fn failures(&self) -> &BTreeSet<(usize, Scope)> {
        &self.failures
    }

    /// The finished report; `reproduce` gives the command that tries the peer on one
    /// case.
    pub fn finish(
        mut self,
        decoder: &[String],
        reproduce: &dyn Fn(&crate::gate::case::Case) -> String,
        seconds: f64,
        stderr: String,
    ) -> Report {
        self.note_fields_left_out();
        let fields = self.field_reports();
        let corpus = self.corpus;
        let groups: Vec<Group> = (self.groups.into_iter())
            .map(|((failure, class, _), g)| build_group(corpus, reproduce, failure, class, g))
            .collect();
        let conclusion = conclude(
            self.not_started,
            self.answered,
            &groups,
            &self.run_problems,
            corpus,
        );
        Report {
            format_version: FORMAT_VERSION,
            kind: self.gate.kind,
            conclusion,
            decoder: decoder.to_vec(),
            profile: corpus.profile.id().to_string(),
            protocol_version: protocol::VERSION,
            corpus_version: corpus::VERSION,
            seed: corpus.seed,
            random: corpus.random,
            shard: corpus.shard.map(|(k, n)| format!("{k}/{n}")),
            cases: corpus.cases.len(),
            counts: self.counts,
            fields,
            groups,
            map: (self.cells.iter())
                .map(|row| row.iter().map(|c| c.letter()).collect())
                .collect(),
            aliases_accepted: (self.aliases.into_iter())
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            implementation_defined_answers: silent_answers(self.silent),
            xfail: self.xfail.report(),
            run_problems: self.run_problems.finish("problems of the run"),
            notes: self.notes.finish("notes"),
            restarts: self.restarts,
            seconds,
            stderr,
        }
    }

    /// How each of the gate's fields fared.
    fn field_reports(&self) -> Vec<FieldReport> {
        let report = |field: FieldName| {
            let stats = self.fields[field];
            FieldReport {
                field,
                checked: stats.sent > 0 || self.required[field],
                required: self.required[field],
                sent: stats.sent,
                passed: stats.passed,
                failed: stats.failed,
                implementation_defined: stats.silent,
            }
        };
        self.gate.fields().iter().copied().map(report).collect()
    }
}

/// The gate's conclusion, from whether the peer started, how many answers it gave, the
/// failing groups and the problems of the run.
fn conclude(
    not_started: bool,
    answered: usize,
    groups: &[Group],
    run_problems: &Kept,
    corpus: &Corpus,
) -> Conclusion {
    // A case blamed for a crash, hang or bad line explains the silence: that is a
    // failure of the case, not a decoder that never answers.
    let blamed = groups.iter().any(|g| {
        matches!(
            g.failure,
            Failure::Crash | Failure::Timeout | Failure::ProtocolError
        )
    });
    if not_started {
        Conclusion::NotStarted
    } else if answered == 0 && !blamed && !corpus.cases.is_empty() {
        Conclusion::Broken
    } else if groups.is_empty() && run_problems.items.is_empty() {
        Conclusion::Conformant
    } else {
        Conclusion::NotConformant
    }
}

/// Each field's distinct silent answers, with how often each came.
fn silent_answers(silent: FieldMap<Vec<(String, usize)>>) -> Vec<SilentAnswer> {
    let answers = silent.into_iter().flat_map(|(field, answers)| {
        (answers.into_iter()).map(move |(answer, count)| SilentAnswer {
            field,
            answer,
            count,
        })
    });
    answers.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run keeps each problem (or note) once, up to the bound, then says more came.
    #[test]
    fn problems_are_kept_once_and_up_to_the_bound() {
        let fill = |n: usize| {
            let mut kept = Kept::default();
            for i in 0..n {
                kept.add(format!("problem {i}"));
                kept.add("problem 0".to_string());
            }
            kept.finish("problems")
        };
        let exactly = fill(MAX_KEPT);
        assert_eq!(exactly.len(), MAX_KEPT);
        assert_eq!(exactly[MAX_KEPT - 1], format!("problem {}", MAX_KEPT - 1));
        let more = fill(3 * MAX_KEPT);
        assert_eq!(more.len(), MAX_KEPT + 1);
        assert_eq!(more[..MAX_KEPT], exactly[..]);
        assert_eq!(
            more[MAX_KEPT],
            format!("more problems came, not listed (the first {MAX_KEPT} are)")
        );
    }
}

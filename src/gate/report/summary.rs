//! What the report says, in words, built once from a [`Report`] for every view.
//!
//! The text, HTML and JUnit views differ in layout only: the rows, groups, problems and
//! answers they show come from here. Every string a decoder (or a tampered saved report)
//! could have put into the report is escaped here, in one place ([`crate::escape`]), so no
//! view can pass an ESC, a bidi override or an XML-forbidden character through; each
//! view then applies only its own markup escaping.

use crate::escape::{Lines, untrusted};
use crate::render::plural;

use super::{Conclusion, Counts, Report, command_line};
use crate::gate::field::FieldName;

/// The report in words, every string safe to show.
#[derive(Clone, Debug)]
pub struct Summary {
    /// `amperr check: NOT CONFORMANT`.
    pub headline: String,
    pub conclusion: Conclusion,
    /// Labelled lines: decoder, profile, cases, outcomes, xfail, checked, not sent, time.
    pub rows: Vec<(&'static str, String)>,
    pub problems: Vec<String>,
    pub notes: Vec<String>,
    pub groups: Vec<GroupLines>,
    /// Per field that was checked and never failed: its name and how it fared.
    pub passing_fields: Vec<(String, String)>,
    /// `abortedErrStart (16), ...`, if any alias was accepted.
    pub aliases: Option<String>,
    /// Per distinct answer where the source is silent: field, answer, `N cases`.
    pub silent: Vec<[String; 3]>,
    /// Per xfail entry: case, field, reason, expected failures, unexpected passes.
    pub xfail: Vec<[String; 5]>,
    /// The decoder's stderr, or what the page threw (lines kept), if any.
    pub stderr: Option<String>,
    /// What `stderr` is: `Decoder stderr`, `Page errors`.
    pub stderr_title: &'static str,
    /// Whether a conformant report shows `stderr` too: a page's errors, yes (a script that
    /// failed may be the next bug); a decoder's logging, no.
    pub stderr_always: bool,
    /// What a run problem is a test of in JUnit: `the decoder's run`.
    pub run: String,
}

/// One failing group in words.
#[derive(Clone, Debug)]
pub struct GroupLines {
    /// `message wrong for category 0x02 in areas 0..6 (documented codes)`.
    pub title: String,
    /// `3 cases`.
    pub count: String,
    /// `documented/0x00200000: expected ..., got ...`.
    pub example: String,
    /// A shell command that shows the failure again.
    pub reproduce: Option<String>,
}

fn line(text: &str) -> String {
    untrusted(text, Lines::Escape).into_owned()
}

impl Report {
    /// The report in words, for the views.
    pub fn summary(&self) -> Summary {
        Summary {
            headline: format!(
                "amperr {}: {}",
                self.kind.command(),
                self.conclusion.words(self.subject())
            ),
            conclusion: self.conclusion,
            rows: self.rows(),
            problems: self.run_problems.iter().map(|p| line(p)).collect(),
            notes: self.notes.iter().map(|n| line(n)).collect(),
            groups: self.groups.iter().map(group_lines).collect(),
            passing_fields: self.passing_fields(),
            aliases: self.aliases(),
            silent: self.silent(),
            xfail: self.xfail_rows(),
            stderr_title: self.kind.stderr_title(),
            stderr_always: self.kind.stderr_always(),
            run: format!("the {}'s run", self.subject()),
            stderr: (!self.stderr.is_empty())
                .then(|| untrusted(self.stderr.trim_end(), Lines::Keep).into_owned()),
        }
    }

    /// The labelled lines: what ran, on what, how it fared, and how long it took.
    fn rows(&self) -> Vec<(&'static str, String)> {
        let c = &self.counts;
        let mut rows = vec![
            (self.subject(), line(&command_line(&self.decoder))),
            ("profile", self.profile_row()),
            ("outcomes", c.words()),
        ];
        if !self.xfail.is_empty() {
            rows.push((
                "xfail",
                format!(
                    "{} expected failures, {} unexpected passes, {} entries",
                    c.expected_failure,
                    c.unexpected_pass,
                    self.xfail.len()
                ),
            ));
        }
        rows.extend([
            ("checked", self.field_names(true)),
            (
                "not sent",
                format!("{} (not checked)", self.field_names(false)),
            ),
            (
                "time",
                format!(
                    "{:.2} s, {}",
                    self.seconds,
                    plural(self.restarts as usize, "restart")
                ),
            ),
        ]);
        rows
    }

    /// The profile, and the corpus drawn under it.
    fn profile_row(&self) -> String {
        let shard = self
            .shard
            .as_deref()
            .map_or(String::new(), |s| format!(", shard {}", line(s)));
        format!(
            "{} (protocol v{}, corpus v{}, {}, random {} from seed {}{shard})",
            line(&self.profile),
            self.protocol_version,
            self.corpus_version,
            plural(self.cases, "case"),
            self.random,
            self.seed,
        )
    }

    /// Per xfail entry: case, field, reason, expected failures, unexpected passes.
    fn xfail_rows(&self) -> Vec<[String; 5]> {
        self.xfail
            .iter()
            .map(|x| {
                [
                    line(&x.case),
                    line(&x.field),
                    line(&x.reason),
                    x.expected_failures.to_string(),
                    x.unexpected_passes.to_string(),
                ]
            })
            .collect()
    }

    fn passing_fields(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .filter(|f| f.checked && f.failed == 0)
            .map(|f| {
                let judged = match f.implementation_defined {
                    0 => format!("{} as expected", plural(f.passed, "answer")),
                    silent => format!(
                        "{} as expected; {silent} implementation-defined (accepted, not judged)",
                        plural(f.passed, "answer")
                    ),
                };
                (f.field.key().to_string(), judged)
            })
            .collect()
    }

    /// Each field's silent answers, then the cases whose answer was not kept (the report
    /// keeps the first few distinct answers of a field), so that every case is accounted for.
    fn silent(&self) -> Vec<[String; 3]> {
        let mut rows = Vec::new();
        for field in FieldName::ALL {
            let mut listed = 0usize;
            for s in self
                .implementation_defined_answers
                .iter()
                .filter(|s| s.field == field)
            {
                listed = listed.saturating_add(s.count);
                rows.push([
                    field.key().to_string(),
                    line(&s.answer),
                    plural(s.count, "case"),
                ]);
            }
            let silent = self.fields.iter().find(|f| f.field == field);
            let rest = silent.map_or(0, |f| f.implementation_defined.saturating_sub(listed));
            if rest > 0 {
                let other = "other answers, not listed".to_string();
                rows.push([field.key().to_string(), other, plural(rest, "case")]);
            }
        }
        rows
    }

    fn aliases(&self) -> Option<String> {
        if self.aliases_accepted.is_empty() {
            return None;
        }
        let list: Vec<String> = self
            .aliases_accepted
            .iter()
            .map(|(a, n)| format!("{} ({n})", line(a)))
            .collect();
        Some(list.join(", "))
    }
}

impl Counts {
    /// Each outcome's count, in words.
    fn words(&self) -> String {
        format!(
            "{} pass ({} with implementation-defined answers), {} mismatch, {} refused, {} crash, {} timeout, {} protocol error, {} not run",
            self.pass,
            self.implementation_defined,
            self.mismatch,
            self.refused,
            self.crash,
            self.timeout,
            self.protocol_error,
            self.not_run
        )
    }
}

fn group_lines(g: &super::Group) -> GroupLines {
    let e = &g.example;
    GroupLines {
        title: line(&g.summary),
        count: plural(g.count, "case"),
        example: match &e.context {
            None => format!("{}: {}", line(&e.id), line(&e.outcome())),
            Some(context) => format!("{}: {}; {}", line(&e.id), line(&e.outcome()), line(context)),
        },
        reproduce: e.reproduce.as_deref().map(line),
    }
}

//! The report for people: a summary, then each failing group with its example.

use std::fmt::Write as _;

use super::{Conclusion, Report, command_line, count};

impl Report {
    /// The report for people.
    pub fn text(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_text(&mut out);
        out
    }

    fn write_text(&self, out: &mut String) -> std::fmt::Result {
        let verdict = self.conclusion.words();
        writeln!(out, "amperr check: {verdict}")?;
        writeln!(out, "  decoder   {}", command_line(&self.decoder))?;
        writeln!(
            out,
            "  profile   {} (protocol v{}, corpus v{}, {}, random {} from seed {}{})",
            self.profile,
            self.protocol_version,
            self.corpus_version,
            count(self.cases, "case"),
            self.random,
            self.seed,
            self.shard
                .as_ref()
                .map_or(String::new(), |s| format!(", shard {s}"))
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
        if !self.xfail.is_empty() {
            writeln!(
                out,
                "  xfail     {} expected failures, {} unexpected passes, {} entries",
                c.expected_failure,
                c.unexpected_pass,
                self.xfail.len()
            )?;
        }
        writeln!(out, "  checked   {}", self.field_names(true))?;
        writeln!(out, "  not sent  {} (not checked)", self.field_names(false))?;
        writeln!(
            out,
            "  time      {:.2} s, {}",
            self.seconds,
            count(self.restarts as usize, "restart")
        )?;
        for problem in &self.run_problems {
            writeln!(out, "  problem   {problem}")?;
        }
        for note in &self.notes {
            writeln!(out, "  note      {note}")?;
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
            writeln!(out, "    e.g. {}: {}", e.id, e.outcome())?;
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

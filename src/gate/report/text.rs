//! The report for people: a summary, then each failing group with its example.

use std::fmt::Write as _;

use super::Report;
use super::summary::Summary;
use crate::gate::report::Conclusion;

impl Report {
    /// The report for people.
    pub fn text(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = write_text(&mut out, &self.summary());
        out
    }
}

fn write_text(out: &mut String, s: &Summary) -> std::fmt::Result {
    writeln!(out, "{}", s.headline)?;
    for (label, value) in &s.rows {
        writeln!(out, "  {label:<9} {value}")?;
    }
    for problem in &s.problems {
        writeln!(out, "  problem   {problem}")?;
    }
    for note in &s.notes {
        writeln!(out, "  note      {note}")?;
    }
    if !s.groups.is_empty() {
        let groups = crate::render::plural(s.groups.len(), "group");
        writeln!(out, "\nFailures, in {groups}:")?;
    }
    for (n, g) in s.groups.iter().enumerate() {
        writeln!(out, "\n[{}] {}: {}", n + 1, g.title, g.count)?;
        writeln!(out, "    e.g. {}", g.example)?;
        if let Some(reproduce) = &g.reproduce {
            writeln!(out, "    reproduce: {reproduce}")?;
        }
    }
    if let Some(aliases) = &s.aliases {
        writeln!(
            out,
            "\nNames accepted as aliases of the canonical name: {aliases}"
        )?;
    }
    if !s.silent.is_empty() {
        writeln!(
            out,
            "\nImplementation-defined answers (accepted, recorded):"
        )?;
        for [field, answer, count] in &s.silent {
            writeln!(out, "  {field:<14} {answer} ({count})")?;
        }
    }
    let shown = s.stderr_always || s.conclusion != Conclusion::Conformant;
    if let (Some(stderr), true) = (&s.stderr, shown) {
        writeln!(out, "\n{}:\n{stderr}", s.stderr_title)?;
    }
    Ok(())
}

//! The report as one self-contained HTML page: a 16 x 256 map, area by category, coloured
//! by the worst outcome in each cell, so a reader sees at a glance where a decoder
//! diverges; then the failing groups, each with its example and reproduce command.
//!
//! Nothing is loaded from the network: styles are inline and the map is SVG. The map sits
//! at the top left of the page at a fixed geometry (see the constants) so that tests can
//! look at what a browser draws.

use std::fmt::Write as _;

use super::{Cell, Conclusion, Report, command_line, count};

/// The map's geometry in CSS pixels: its top-left corner on the page, and one cell.
pub const MAP_LEFT: u32 = 64;
pub const MAP_TOP: u32 = 72;
pub const CELL_WIDTH: u32 = 4;
pub const CELL_HEIGHT: u32 = 14;
/// The banner's height; the map sits below it.
const BANNER_HEIGHT: u32 = 56;

/// The colour a cell is painted in, as `#rrggbb`.
pub fn colour(cell: Cell) -> &'static str {
    match cell {
        Cell::NoCase => "#ffffff",
        Cell::Pass => "#2ca02c",
        Cell::ImplementationDefined => "#98df8a",
        Cell::ExpectedFailure => "#bcbd22",
        Cell::NotRun => "#7f7f7f",
        Cell::UnexpectedPass => "#ff7f0e",
        Cell::Refused => "#9467bd",
        Cell::Mismatch => "#d62728",
        Cell::ProtocolError => "#8c564b",
        Cell::Timeout => "#e377c2",
        Cell::Crash => "#000000",
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Report {
    /// The report as a self-contained HTML page.
    pub fn html(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_html(&mut out);
        out
    }

    fn write_html(&self, out: &mut String) -> std::fmt::Result {
        let verdict = self.conclusion.words();
        let banner = match self.conclusion {
            Conclusion::Conformant => "#2ca02c",
            Conclusion::NotConformant => "#d62728",
            Conclusion::Broken => "#000000",
        };
        writeln!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        )?;
        writeln!(out, "<title>amperr check: {verdict}</title>")?;
        out.push_str(STYLE);
        writeln!(out, "</head><body>")?;
        writeln!(
            out,
            "<h1 id=\"verdict\" style=\"background:{banner};height:{BANNER_HEIGHT}px;line-height:{BANNER_HEIGHT}px\">amperr check: {verdict}</h1>"
        )?;
        self.write_map(out)?;
        self.write_legend(out)?;
        self.write_summary(out)?;
        self.write_groups(out)?;
        self.write_details(out)?;
        writeln!(out, "</body></html>")
    }

    fn write_map(&self, out: &mut String) -> std::fmt::Result {
        let (width, height) = (256 * CELL_WIDTH, 16 * CELL_HEIGHT);
        writeln!(
            out,
            "<svg id=\"map\" role=\"img\" aria-label=\"outcome by area and category\" width=\"{}\" height=\"{}\" \
             style=\"position:absolute;left:{}px;top:{}px\">",
            width + 8,
            height + 24,
            MAP_LEFT,
            MAP_TOP
        )?;
        for area in 0..16u8 {
            for category in 0..=255u8 {
                let cell = self.cell(area, category);
                writeln!(
                    out,
                    "<rect class=\"cell\" data-area=\"{area}\" data-category=\"{category}\" data-outcome=\"{}\" \
                     x=\"{}\" y=\"{}\" width=\"{CELL_WIDTH}\" height=\"{CELL_HEIGHT}\" fill=\"{}\">\
                     <title>area {area}, category {category:#04X}: {}</title></rect>",
                    cell.letter(),
                    u32::from(category) * CELL_WIDTH,
                    u32::from(area) * CELL_HEIGHT,
                    colour(cell),
                    cell.words()
                )?;
            }
        }
        for category in (0..=255u32).step_by(32) {
            writeln!(
                out,
                "<text x=\"{}\" y=\"{}\">{category:#04X}</text>",
                category * CELL_WIDTH,
                height + 16
            )?;
        }
        writeln!(out, "</svg>")?;
        // Area labels, left of the map.
        for area in 0..16u32 {
            writeln!(
                out,
                "<div class=\"area-label\" style=\"top:{}px\">area {area}</div>",
                MAP_TOP + area * CELL_HEIGHT
            )?;
        }
        writeln!(
            out,
            "<div style=\"height:{}px\"></div>",
            // Room for the absolutely placed map, below the banner.
            MAP_TOP - BANNER_HEIGHT + height + 32
        )
    }

    fn write_legend(&self, out: &mut String) -> std::fmt::Result {
        writeln!(
            out,
            "<p class=\"legend\">Each cell is one area (row) and category (column), coloured by the worst outcome of its cases:"
        )?;
        for cell in Cell::ALL.into_iter().skip(1) {
            writeln!(
                out,
                "<span><i style=\"background:{}\"></i>{}</span>",
                colour(cell),
                cell.words()
            )?;
        }
        writeln!(out, "</p>")
    }

    fn write_summary(&self, out: &mut String) -> std::fmt::Result {
        let c = &self.counts;
        writeln!(out, "<table id=\"summary\">")?;
        let rows = [
            ("decoder", command_line(&self.decoder)),
            (
                "profile",
                format!(
                    "{} (protocol v{}, corpus v{})",
                    self.profile, self.protocol_version, self.corpus_version
                ),
            ),
            (
                "cases",
                format!(
                    "{}, random {} from seed {}{}",
                    self.cases,
                    self.random,
                    self.seed,
                    self.shard
                        .as_ref()
                        .map_or(String::new(), |s| format!(", shard {s}"))
                ),
            ),
            (
                "outcomes",
                format!(
                    "{} pass ({} with implementation-defined answers), {} mismatch, {} refused, {} crash, {} timeout, {} protocol error, {} not run, {} expected failures, {} unexpected passes",
                    c.pass,
                    c.implementation_defined,
                    c.mismatch,
                    c.refused,
                    c.crash,
                    c.timeout,
                    c.protocol_error,
                    c.not_run,
                    c.expected_failure,
                    c.unexpected_pass
                ),
            ),
            ("checked", self.field_names(true)),
            ("not sent", self.field_names(false)),
            (
                "time",
                format!(
                    "{:.2} s, {}",
                    self.seconds,
                    count(self.restarts as usize, "restart")
                ),
            ),
        ];
        for (label, value) in rows {
            writeln!(out, "<tr><th>{label}</th><td>{}</td></tr>", escape(&value))?;
        }
        for problem in &self.run_problems {
            writeln!(out, "<tr><th>problem</th><td>{}</td></tr>", escape(problem))?;
        }
        for note in &self.notes {
            writeln!(out, "<tr><th>note</th><td>{}</td></tr>", escape(note))?;
        }
        writeln!(out, "</table>")
    }

    fn write_groups(&self, out: &mut String) -> std::fmt::Result {
        if self.groups.is_empty() {
            return writeln!(out, "<h2>No failures</h2>");
        }
        writeln!(
            out,
            "<h2>Failures, in {}</h2>\n<ol id=\"groups\">",
            count(self.groups.len(), "group")
        )?;
        for g in &self.groups {
            let e = &g.example;
            let example = e.outcome();
            writeln!(
                out,
                "<li class=\"group\"><b>{}</b>: {}<br>e.g. <code>{}</code>: {}<br>reproduce: <code>{}</code></li>",
                escape(&g.summary),
                count(g.count, "case"),
                escape(&e.id),
                escape(&example),
                escape(&e.reproduce)
            )?;
        }
        writeln!(out, "</ol>")
    }

    fn write_details(&self, out: &mut String) -> std::fmt::Result {
        if !self.xfail.is_empty() {
            writeln!(
                out,
                "<h2>Expected failures (xfail)</h2>\n<table><tr><th>case</th><th>field</th><th>reason</th><th>expected failures</th><th>unexpected passes</th></tr>"
            )?;
            for x in &self.xfail {
                writeln!(
                    out,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&x.case),
                    escape(&x.field),
                    escape(&x.reason),
                    x.expected_failures,
                    x.unexpected_passes
                )?;
            }
            writeln!(out, "</table>")?;
        }
        if !self.aliases_accepted.is_empty() {
            let list: Vec<String> = self
                .aliases_accepted
                .iter()
                .map(|(a, n)| format!("{a} ({n})"))
                .collect();
            writeln!(
                out,
                "<h2>Names accepted as aliases</h2><p>{}</p>",
                escape(&list.join(", "))
            )?;
        }
        if !self.implementation_defined_answers.is_empty() {
            writeln!(
                out,
                "<h2>Implementation-defined answers (accepted, recorded)</h2>\n<table>"
            )?;
            for s in &self.implementation_defined_answers {
                writeln!(
                    out,
                    "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                    s.field,
                    escape(&s.answer),
                    count(s.count, "case")
                )?;
            }
            writeln!(out, "</table>")?;
        }
        if !self.stderr.is_empty() {
            writeln!(
                out,
                "<h2>Decoder stderr</h2>\n<pre>{}</pre>",
                escape(&self.stderr)
            )?;
        }
        Ok(())
    }
}

const STYLE: &str = "<style>
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #222; }
h1 { margin: 0; padding: 0 16px; color: #fff; font-size: 22px; overflow: hidden; }
h2, p, table, ol, pre { margin-left: 16px; margin-right: 16px; }
#map text { font: 10px monospace; fill: #444; }
.area-label { position: absolute; left: 8px; font: 10px/14px monospace; color: #444; }
.legend span { margin-right: 12px; white-space: nowrap; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border: 1px solid #999; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
code, pre { font-family: ui-monospace, monospace; }
pre { background: #f6f6f6; padding: 8px; overflow: auto; }
</style>
";

//! The report as one self-contained HTML page: a 16 x 256 map, area by category, coloured
//! by the worst outcome in each cell, so a reader sees at a glance where a decoder
//! diverges; then the failing groups, each with its example and reproduce command.
//!
//! Nothing is loaded from the network: styles are inline and the map is SVG. The map sits
//! at the top left of the page at a fixed geometry (see the constants) so that tests can
//! look at what a browser draws.

use std::fmt::Write as _;

use super::summary::Summary;
use super::{Cell, Conclusion, Report, count};
use crate::escape::html as escape;

/// The map's geometry in CSS pixels: its top-left corner on the page, and one cell.
/// Layout, not API: this crate's test of the pixels a browser draws reads it (`internal`).
mod geometry {
    pub const MAP_LEFT: u32 = 64;
    pub const MAP_TOP: u32 = 72;
    pub const CELL_WIDTH: u32 = 4;
    pub const CELL_HEIGHT: u32 = 14;
}
#[cfg(feature = "internal")]
#[doc(hidden)]
pub use geometry::{CELL_HEIGHT, CELL_WIDTH, MAP_LEFT, MAP_TOP};
#[cfg(not(feature = "internal"))]
use geometry::{CELL_HEIGHT, CELL_WIDTH, MAP_LEFT, MAP_TOP};
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

impl Report {
    /// The report as a self-contained HTML page.
    pub fn html(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_html(&mut out);
        out
    }

    fn write_html(&self, out: &mut String) -> std::fmt::Result {
        let summary = self.summary();
        let verdict = &summary.headline;
        let banner = match self.conclusion {
            Conclusion::Conformant => "#2ca02c",
            Conclusion::NotConformant => "#d62728",
            Conclusion::Broken | Conclusion::NotStarted => "#000000",
        };
        writeln!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        )?;
        writeln!(out, "<title>{}</title>", escape(verdict))?;
        out.push_str(STYLE);
        writeln!(out, "</head><body>")?;
        writeln!(
            out,
            "<h1 id=\"verdict\" style=\"background:{banner};height:{BANNER_HEIGHT}px;line-height:{BANNER_HEIGHT}px\">{}</h1>",
            escape(verdict)
        )?;
        self.write_map(out)?;
        self.write_legend(out)?;
        write_summary(out, &summary)?;
        write_groups(out, &summary)?;
        write_details(out, &summary)?;
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
}

fn write_summary(out: &mut String, s: &Summary) -> std::fmt::Result {
    writeln!(out, "<table id=\"summary\">")?;
    for (label, value) in &s.rows {
        writeln!(out, "<tr><th>{label}</th><td>{}</td></tr>", escape(value))?;
    }
    for problem in &s.problems {
        write!(out, "<tr><th>problem</th><td>{}", escape(problem))?;
        // check-player's pixels: the screenshot that contradicts its reading, shown.
        if let Some(path) = screenshot(problem) {
            let url = crate::escape::html(&crate::escape::file_url(path)).into_owned();
            write!(out, "<br><img src=\"{url}\" alt=\"the screenshot\">")?;
        }
        writeln!(out, "</td></tr>")?;
    }
    for note in &s.notes {
        writeln!(out, "<tr><th>note</th><td>{}</td></tr>", escape(note))?;
    }
    writeln!(out, "</table>")
}

/// The screenshot a problem names: `... (screenshot: /abs/path.png)`.
fn screenshot(problem: &str) -> Option<&str> {
    let (_, path) = problem.strip_suffix(')')?.rsplit_once(" (screenshot: ")?;
    (path.starts_with('/') && path.ends_with(".png")).then_some(path)
}

fn write_groups(out: &mut String, s: &Summary) -> std::fmt::Result {
    if s.groups.is_empty() {
        return writeln!(out, "<h2>No failures</h2>");
    }
    writeln!(
        out,
        "<h2>Failures, in {}</h2>\n<ol id=\"groups\">",
        count(s.groups.len(), "group")
    )?;
    for g in &s.groups {
        write!(
            out,
            "<li class=\"group\"><b>{}</b>: {}<br>e.g. <code>{}</code>",
            escape(&g.title),
            g.count,
            escape(&g.example),
        )?;
        if let Some(reproduce) = &g.reproduce {
            write!(out, "<br>reproduce: <code>{}</code>", escape(reproduce))?;
        }
        writeln!(out, "</li>")?;
    }
    writeln!(out, "</ol>")
}

fn write_details(out: &mut String, s: &Summary) -> std::fmt::Result {
    if !s.xfail.is_empty() {
        writeln!(
            out,
            "<h2>Expected failures (xfail)</h2>\n<table><tr><th>case</th><th>field</th><th>reason</th><th>expected failures</th><th>unexpected passes</th></tr>"
        )?;
        for [case, field, reason, expected, unexpected] in &s.xfail {
            writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{expected}</td><td>{unexpected}</td></tr>",
                escape(case),
                escape(field),
                escape(reason),
            )?;
        }
        writeln!(out, "</table>")?;
    }
    if let Some(aliases) = &s.aliases {
        writeln!(
            out,
            "<h2>Names accepted as aliases</h2><p>{}</p>",
            escape(aliases)
        )?;
    }
    if !s.silent.is_empty() {
        writeln!(
            out,
            "<h2>Implementation-defined answers (accepted, recorded)</h2>\n<table>"
        )?;
        for [field, answer, count] in &s.silent {
            writeln!(
                out,
                "<tr><td>{field}</td><td><code>{}</code></td><td>{count}</td></tr>",
                escape(answer),
            )?;
        }
        writeln!(out, "</table>")?;
    }
    if let Some(stderr) = &s.stderr {
        writeln!(
            out,
            "<h2>{}</h2>\n<pre>{}</pre>",
            s.stderr_title,
            escape(stderr)
        )?;
    }
    Ok(())
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

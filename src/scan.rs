//! Finding the error codes in logs: which codes occurred, how often, first where.
//!
//! A player build's test runs and telemetry leave codes in logs in the forms the player
//! and its plugins print: the overlay's `(0x20200194)`, `0x`-prefixed hex, and decimal or
//! hex values after a `code` key (`code=538968468`, `"code": 538968468`). Other numbers
//! (timestamps, bitrates) are not codes and are not reported.
//!
//! The scanner streams: it looks at one block at a time with a SIMD-accelerated
//! multi-pattern search (aho-corasick) for `0x` and `code`, carries a short tail across
//! block boundaries so a code split between blocks is found once, and counts newlines
//! (SIMD) only to name the line of a code's first occurrence. Memory is bounded by the
//! block size and the number of distinct codes (at most one entry per code).

use std::collections::HashMap;
use std::io::{self, Read};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::catalog::Profile;
use crate::code::Code;
use crate::decode::{Decoded, decode};
use crate::render::{Record, plural};

/// How many bytes the scanner reads at once.
pub const BLOCK: usize = 256 * 1024;
/// The longest candidate (a `code` key, separators and a value); a block's last bytes
/// of this length wait for the next block.
const CARRY: usize = 64;

/// Where a code was first seen: a source (an index into [`Scan::sources`]) and a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub source: usize,
    pub line: u64,
}

/// One distinct code found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub code: Code,
    pub count: u64,
    pub first: Place,
}

/// The codes found in all sources so far.
#[derive(Debug, Default)]
pub struct Scan {
    /// The names of the sources scanned, in order.
    pub sources: Vec<String>,
    found: HashMap<u32, (u64, Place)>,
}

fn searcher() -> &'static AhoCorasick {
    static SEARCHER: std::sync::OnceLock<AhoCorasick> = std::sync::OnceLock::new();
    SEARCHER.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(["code", "0x"])
            // Two fixed patterns always build.
            .unwrap_or_else(|e| panic!("the scanner's patterns: {e}"))
    })
}

impl Scan {
    pub fn new() -> Scan {
        Scan::default()
    }

    /// Scans one source to its end. On a read error the codes found before it are kept
    /// and the error is returned.
    pub fn scan(&mut self, name: &str, mut reader: impl Read) -> io::Result<()> {
        let source = self.sources.len();
        self.sources.push(name.to_string());
        let mut buf = vec![0u8; CARRY + BLOCK];
        // `buf[..kept]` holds the carried tail; `line` is the line number at its start.
        let (mut kept, mut line) = (0usize, 1u64);
        loop {
            let read = read_some(&mut reader, &mut buf[kept..])?;
            let end = kept + read;
            let last = read == 0;
            // Candidates starting at or after `limit` may run into the next block.
            let limit = if last { end } else { end.saturating_sub(CARRY) };
            self.scan_block(&buf[..end], limit, source, line);
            if last {
                return Ok(());
            }
            line += bytecount::count(&buf[..limit], b'\n') as u64;
            buf.copy_within(limit..end, 0);
            kept = end - limit;
        }
    }

    /// Finds the codes starting before `limit` in `block`, whose first byte is on `line`.
    fn scan_block(&mut self, block: &[u8], limit: usize, source: usize, line: u64) {
        let mut consumed = 0;
        // Lines are counted up to `counted` only when a new code needs its line.
        let (mut counted, mut counted_line) = (0usize, line);
        for m in searcher().find_iter(block) {
            if m.start() >= limit {
                break;
            }
            if m.start() < consumed {
                continue;
            }
            let found = match m.pattern().as_u32() {
                0 => after_code_key(block, m.start(), m.end()),
                _ => hex_at(block, m.start()),
            };
            let Some((code, end)) = found else { continue };
            consumed = end;
            let entry = self.found.entry(code);
            let (count, _) = entry.or_insert_with(|| {
                counted_line += bytecount::count(&block[counted..m.start()], b'\n') as u64;
                counted = m.start();
                (
                    0,
                    Place {
                        source,
                        line: counted_line,
                    },
                )
            });
            *count += 1;
        }
    }

    /// The distinct codes, most frequent first (then by code).
    pub fn found(&self) -> Vec<Found> {
        let mut found: Vec<Found> = self
            .found
            .iter()
            .map(|(code, (count, first))| Found {
                code: Code(*code),
                count: *count,
                first: *first,
            })
            .collect();
        found.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
        found
    }

    /// All occurrences found.
    pub fn occurrences(&self) -> u64 {
        self.found.values().map(|(count, _)| count).sum()
    }
}

/// Reads until the buffer is full or the input ends: a short read is not the end.
fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// `0x` + 1 to 8 hex digits at `at`, standing alone (no word character before the `0x`
/// nor after the digits): the code and where it ends.
fn hex_at(block: &[u8], at: usize) -> Option<(u32, usize)> {
    if at > 0 && is_word(block[at - 1]) {
        return None;
    }
    let digits = block[at + 2..]
        .iter()
        .take_while(|b| b.is_ascii_hexdigit())
        .count();
    let end = at + 2 + digits;
    if !(1..=8).contains(&digits) || block.get(end).is_some_and(|b| is_word(*b)) {
        return None;
    }
    let text = std::str::from_utf8(&block[at + 2..end]).ok()?;
    u32::from_str_radix(text, 16).ok().map(|v| (v, end))
}

/// A value after a `code` key at `start..key_end`: `code=N`, `code: N`, `"code": N`,
/// `"code":"0x..."`, where N is decimal (signed 32-bit allowed) or `0x` hex.
fn after_code_key(block: &[u8], start: usize, key_end: usize) -> Option<(u32, usize)> {
    if start > 0 && is_word(block[start - 1]) {
        return None;
    }
    let mut at = key_end;
    let skip = |at: &mut usize, what: &dyn Fn(u8) -> bool, most: usize| {
        let n = block[*at..]
            .iter()
            .take(most)
            .take_while(|b| what(**b))
            .count();
        *at += n;
        n
    };
    skip(&mut at, &|b| b == b'"' || b == b'\'', 1);
    skip(&mut at, &|b| b == b' ' || b == b'\t', 4);
    if skip(&mut at, &|b| b == b'=' || b == b':', 1) == 0 {
        return None;
    }
    skip(&mut at, &|b| b == b' ' || b == b'\t', 4);
    skip(&mut at, &|b| b == b'"' || b == b'\'', 1);
    if block[at..].len() >= 2 && block[at] == b'0' && (block[at + 1] | 0x20) == b'x' {
        return hex_at(block, at);
    }
    let negative = block.get(at) == Some(&b'-');
    let digits_at = at + usize::from(negative);
    let digits = block[digits_at..]
        .iter()
        .take(11)
        .take_while(|b| b.is_ascii_digit())
        .count();
    let end = digits_at + digits;
    if digits == 0 || block.get(end).is_some_and(|b| is_word(*b) || *b == b'.') {
        return None;
    }
    let text = std::str::from_utf8(&block[at..end]).ok()?;
    let value = match negative {
        true => text.parse::<i32>().ok()? as u32,
        false => text.parse::<u32>().ok()?,
    };
    Some((value, end))
}

/// A kind of code that makes `amperr scan --fail-on` fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    /// Bits 27-0 are not a row of the profile's table.
    Undocumented,
    /// The profile does not name the category.
    UnknownCategory,
    /// The profile does not name the area (7..15).
    ReservedArea,
}

impl FailOn {
    pub fn hits(self, d: &Decoded) -> bool {
        match self {
            FailOn::Undocumented => !d.is_documented(),
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

/// What a scan found, decoded under a profile and judged against `--fail-on`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ScanReport {
    pub profile: String,
    pub sources: Vec<String>,
    /// Sources that could not be read (fully), with why.
    pub errors: Vec<String>,
    pub occurrences: u64,
    pub codes: Vec<ReportedCode>,
    pub fail_on: Vec<FailOn>,
}

impl Scan {
    /// The report of this scan under `profile`.
    pub fn report(&self, profile: Profile, fail_on: &[FailOn], errors: Vec<String>) -> ScanReport {
        let codes = self
            .found()
            .into_iter()
            .map(|f| {
                let d = decode(f.code, profile);
                ReportedCode {
                    count: f.count,
                    first_seen: format!("{}:{}", self.sources[f.first.source], f.first.line),
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
            fail_on: fail_on.to_vec(),
        }
    }
}

impl ScanReport {
    /// 2 when a source could not be read, else 1 when a code is of a `--fail-on` kind.
    pub fn exit_code(&self) -> u8 {
        if !self.errors.is_empty() {
            2
        } else if self.codes.iter().any(|c| !c.fails.is_empty()) {
            1
        } else {
            0
        }
    }

    pub fn json(&self) -> String {
        // Strings, numbers and lists only: serializing cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The report for people: one line per distinct code, most frequent first.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let distinct = self.codes.len();
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "amperr scan: {}, {} in {} (profile {})",
            plural(distinct, "distinct code"),
            plural(self.occurrences as usize, "occurrence"),
            plural(self.sources.len(), "source"),
            self.profile
        );
        if distinct > 0 {
            let _ = writeln!(
                out,
                "{:>9}  {:<10}  {:<24}  meaning",
                "count", "code", "first seen"
            );
        }
        for c in &self.codes {
            let r = &c.decoded;
            let area = r
                .area_name
                .clone()
                .unwrap_or_else(|| format!("area {}", r.area));
            let category = r
                .category_name
                .clone()
                .unwrap_or_else(|| format!("category {:#04X}", r.category));
            let name = r.name.as_deref().unwrap_or("(no name)");
            let _ = writeln!(
                out,
                "{:>9}  {}  {:<24}  {name}; {area}, {category}; {}",
                c.count,
                r.hex,
                c.first_seen,
                r.class.describe()
            );
        }
        for kind in &self.fail_on {
            let failing: Vec<&str> = self
                .codes
                .iter()
                .filter(|c| c.fails.contains(kind))
                .map(|c| c.decoded.hex.as_str())
                .collect();
            if !failing.is_empty() {
                let _ = writeln!(
                    out,
                    "FAIL: {} {}: {}",
                    plural(failing.len(), "code"),
                    kind.words(),
                    failing.join(", ")
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(u32, u64)> {
        let mut scan = Scan::new();
        scan.scan("t", text.as_bytes()).unwrap();
        let mut found: Vec<(u32, u64)> = scan.found().iter().map(|f| (f.code.0, f.count)).collect();
        found.sort();
        found
    }

    #[test]
    fn every_form_the_player_prints() {
        let log = "error (0x20200194)\nhex 0x10600003 and 0X2020019A\ncode=538968468\n\
                   {\"code\": 538968468, \"x\": 1}\ncode: 0x0FF00000 CODE=-1 'code':'0x00600001'";
        assert_eq!(
            codes(log),
            [
                (0x0060_0001, 1),
                (0x0FF0_0000, 1),
                (0x1060_0003, 1),
                (0x2020_0194, 3),
                (0x2020_019A, 1),
                (u32::MAX, 1)
            ]
        );
    }

    #[test]
    fn numbers_that_are_not_codes_are_not_reported() {
        let log = "2026-11-27T08:39:36.123Z bitrate=3500000 duration 538968468 errorcode=5 \
                   addr 0x7ffd5fbff8a8 id=0x1g code=12.5 abc0x12 0x";
        assert!(codes(log).is_empty(), "{:?}", codes(log));
    }

    #[test]
    fn a_code_key_value_is_counted_once() {
        assert_eq!(codes("code=0x20200194"), [(0x2020_0194, 1)]);
    }
}

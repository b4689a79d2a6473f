//! Finding the error codes in logs: which codes occurred, how often, first where.
//!
//! A player build's test runs and telemetry leave codes in logs in the forms the player
//! and its plugins print: the overlay's `(0x20200194)`, `0x`-prefixed hex, and decimal or
//! hex values after a `code` key (`code=538968468`, `"code": 538968468`). Other numbers
//! (timestamps, bitrates) are not codes and are not reported.
//!
//! The grammar, which decides every candidate from its own bytes:
//! - `0x` or `0X` and 1 to 8 hex digits, with no word character (`[0-9A-Za-z_]`) just
//!   before the `0` nor just after the digits (so `abc0x12` and the address
//!   `0x7ffd5fbff8a8` are not codes);
//! - a `code` key in any case with no word character before it, an optional quote, up to
//!   4 blanks, `=` or `:`, up to 4 blanks, an optional quote, and a decimal of 1 to 11
//!   digits (signed 32-bit after a `-`, else unsigned) followed by neither a word
//!   character nor a `.`. A `0x` value after a key (`code=0x20200194`) is a code of the
//!   first form, counted once.
//!
//! The scanner streams, one region of [`BLOCK`] bytes at a time, so memory does not grow
//! with the log. A region keeps the byte before it (for the word-boundary check) and the
//! [`LOOKAHEAD`] bytes after it (to decide a candidate that starts at its end), and only
//! candidates that *start* in the region are counted there: so a code split between two
//! reads is counted once and a word cut by a region's start does not look like a fresh
//! word. One search (SIMD, aho-corasick's Teddy) finds `0x` and the `od` of `code` (rarer
//! in logs than `co`, as in every `.com`) together, in order. Newlines are counted (SIMD)
//! once per region, and within one only as far as a code seen for the first time.
//!
//! Memory does not grow with the number of distinct codes either: the first [`LISTED`]
//! distinct codes and every documented one are listed with exact counts; the others are
//! counted, told apart up to [`TOLD_APART`], and judged against every `--fail-on` kind as
//! they come, so a gate's verdict is exact for every code, listed or not. At worst the
//! scan and its report take about 20 MiB.

use std::collections::{HashMap, HashSet};
use std::io::{self, Read};
use std::ops::Range;

use crate::catalog::Profile;
use crate::code::Code;
use crate::decode::decode;

mod grammar;
mod report;
#[cfg(test)]
mod tests;

use grammar::{KEY_PATTERNS, finder, hex_at, key_at};
pub use report::{FailOn, OtherCodes, OtherFail, ReportedCode, ScanReport};

/// How many bytes of a source the scanner looks at per region (and reads at once).
pub const BLOCK: usize = 256 * 1024;
/// How far past a candidate's first byte the scanner may look to decide it: at most 28
/// bytes, for the longest key and value (`code"    =    "-12345678901`) and the byte after.
pub const LOOKAHEAD: usize = 32;

/// What stands for the unknown byte after a read error: a word character, which ends no
/// code and starts none of the search's patterns.
const CUT: u8 = b'_';

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
#[derive(Debug)]
pub struct Scan {
    /// The names of the sources scanned, in order.
    pub sources: Vec<String>,
    block: usize,
    /// Each listed code's count and first place.
    listed: HashMap<u32, (u64, Place)>,
    unlisted: Unlisted,
}

/// How many distinct codes a scan lists with their counts, first places and meanings
/// (documented codes are listed beyond it). A log has tens of distinct codes, a sick one
/// hundreds; ten thousand is more than anyone reads, and bounds the report (about 1.5 KiB
/// a code, decoded and rendered) to about 15 MiB. The codes beyond it are counted, not
/// listed.
pub const LISTED: usize = 10_000;
/// How many distinct unlisted codes are told apart (about 10 bytes each, 5 MiB in all):
/// beyond it their number is reported as a lower bound.
pub const TOLD_APART: usize = 1 << 19;

/// The occurrences of codes beyond [`LISTED`]: counted, and judged against every
/// `--fail-on` kind under every profile as they come, since they are not kept.
#[derive(Debug, Default)]
struct Unlisted {
    occurrences: u64,
    first: Option<Place>,
    /// The distinct codes, up to [`TOLD_APART`]; `more` when another came after.
    distinct: HashSet<u32>,
    more: bool,
    /// By profile ([`Profile::ALL`]) and kind ([`FailOn::ALL`]): the occurrences of that
    /// kind and the first of them.
    failing: [[Option<Failing>; FailOn::ALL.len()]; Profile::ALL.len()],
}

/// The unlisted occurrences of one `--fail-on` kind: how many, and the first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failing {
    pub occurrences: u64,
    pub first: Code,
    pub place: Place,
}

/// The codes beyond [`LISTED`], summed up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Others {
    pub occurrences: u64,
    /// The distinct codes: exact when `exact`, else a lower bound.
    pub distinct: u64,
    pub exact: bool,
    /// Where the first of them was seen.
    pub first: Place,
}

impl Unlisted {
    fn count(&mut self, code: u32, place: &mut impl FnMut() -> Place) {
        self.occurrences += 1;
        self.first.get_or_insert_with(&mut *place);
        if self.distinct.len() < TOLD_APART {
            self.distinct.insert(code);
        } else {
            self.more |= !self.distinct.contains(&code);
        }
        for (profile, failing) in Profile::ALL.iter().zip(&mut self.failing) {
            let d = decode(Code(code), *profile);
            for (kind, slot) in FailOn::ALL.iter().zip(failing.iter_mut()) {
                match slot {
                    _ if !kind.hits(&d) => {}
                    Some(failing) => failing.occurrences += 1,
                    None => {
                        *slot = Some(Failing {
                            occurrences: 1,
                            first: Code(code),
                            place: place(),
                        })
                    }
                }
            }
        }
    }
}

impl Default for Scan {
    fn default() -> Scan {
        Scan::with_block_size(BLOCK)
    }
}

/// The line of a place in a region, counted on demand, forward only.
struct Newlines {
    at: usize,
    line: u64,
}

impl Newlines {
    fn of(&mut self, window: &[u8], at: usize) -> u64 {
        self.line += bytecount::count(&window[self.at..at], b'\n') as u64;
        self.at = at;
        self.line
    }
}

impl Scan {
    pub fn new() -> Scan {
        Scan::default()
    }

    /// A scan that looks at `block` bytes at a time (from 1 byte to 16 MiB; a size out of
    /// that range is taken as the nearest): the result is the same for every size; a
    /// small one puts region boundaries everywhere, for tests.
    pub fn with_block_size(block: usize) -> Scan {
        Scan {
            sources: Vec::new(),
            block: block.clamp(1, 16 << 20),
            listed: HashMap::new(),
            unlisted: Unlisted::default(),
        }
    }

    /// Scans one source to its end. On a read error (a truncated gzip file, garbage after
    /// its last member) the codes in every byte read before it are counted, but for one
    /// that runs up to the error, which may have cut it; and the error is returned.
    ///
    /// ```
    /// use amperr::scan::Scan;
    ///
    /// let mut scan = Scan::new();
    /// scan.scan("player.log", &b"error (0x20200194)\ncode=538968468\n"[..]).unwrap();
    /// assert_eq!(scan.found()[0].count, 2);
    /// ```
    pub fn scan(&mut self, name: &str, mut reader: impl Read) -> io::Result<()> {
        let source = self.sources.len();
        self.sources.push(name.to_string());
        // `buf[..start]` is the byte before the region (none at the source's start),
        // `buf[start..limit]` the region, and the `LOOKAHEAD` bytes after it are read
        // ahead; `line` is the line number at `start`.
        let mut buf = vec![0u8; 1 + self.block + LOOKAHEAD];
        let (mut start, mut end, mut line) = (0usize, 0usize, 1u64);
        loop {
            let want = start + self.block + LOOKAHEAD;
            let (read, error) = fill(&mut reader, &mut buf[end..want]);
            end += read;
            // A short fill is the end of the source; an error ends it too, after what was
            // read before it is counted.
            let last = end < want || error.is_some();
            let limit = if last { end } else { end - LOOKAHEAD };
            // After an error the byte after the last one read is unknown, and a code is
            // decided by the byte after it: a word byte stands in for it, so a code that
            // runs up to the error (which may have cut it) is not counted. (`end < want`
            // after an error, so the buffer has room for it.)
            let window = match error {
                Some(_) => {
                    buf[end] = CUT;
                    end + 1
                }
                None => end,
            };
            self.scan_region(&buf[..window], start..limit, source, line);
            match error {
                Some(e) => return Err(e),
                None if last => return Ok(()),
                None => {}
            }
            line += bytecount::count(&buf[start..limit], b'\n') as u64;
            buf.copy_within(limit - 1..end, 0);
            (start, end) = (1, end - limit + 1);
        }
    }

    /// Counts the codes that start in `region` of `window`, whose first byte is on `line`.
    fn scan_region(&mut self, window: &[u8], region: Range<usize>, source: usize, line: u64) {
        let Range { start, end: limit } = region;
        let mut lines = Newlines { at: start, line };
        // Up to a key whose `od` is at `limit`.
        let haystack = &window[start..window.len().min(limit + 2)];
        finder().each(haystack, |at, pattern| {
            let at = start + at;
            let found = if pattern < KEY_PATTERNS {
                (at < limit)
                    .then(|| hex_at(window, at))
                    .flatten()
                    .map(|c| (at, c))
            } else {
                // The key starts a byte before its `od`; one that starts before the
                // region was counted with the region before.
                (at > start && at <= limit)
                    .then(|| key_at(window, at - 1))
                    .flatten()
                    .map(|c| (at - 1, c))
            };
            if let Some((at, code)) = found {
                self.count(code, &mut || Place {
                    source,
                    line: lines.of(window, at),
                });
            }
        });
    }

    /// Counts one occurrence of `code`, first seen at `place` if it is new: listed while
    /// there is room (and always when a profile documents it), else counted unlisted.
    fn count(&mut self, code: u32, place: &mut impl FnMut() -> Place) {
        if let Some((count, _)) = self.listed.get_mut(&code) {
            *count += 1;
        } else if self.listed.len() < LISTED || documented_anywhere(code) {
            self.listed.insert(code, (1, place()));
        } else {
            self.unlisted.count(code, place);
        }
    }

    /// The listed codes, most frequent first (then by code).
    pub fn found(&self) -> Vec<Found> {
        let mut found: Vec<Found> = self
            .listed
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

    /// All occurrences found, listed or not.
    pub fn occurrences(&self) -> u64 {
        let listed: u64 = self.listed.values().map(|(count, _)| count).sum();
        listed + self.unlisted.occurrences
    }

    /// The codes beyond [`LISTED`], if any came.
    pub fn others(&self) -> Option<Others> {
        let u = &self.unlisted;
        u.first.map(|first| Others {
            occurrences: u.occurrences,
            distinct: u.distinct.len() as u64 + u64::from(u.more),
            exact: !u.more,
            first,
        })
    }

    /// The unlisted occurrences of a `--fail-on` kind under `profile`, if any came.
    pub fn failing_others(&self, profile: Profile, kind: FailOn) -> Option<Failing> {
        let p = Profile::ALL.iter().position(|p| *p == profile)?;
        let k = FailOn::ALL.iter().position(|k| *k == kind)?;
        self.unlisted.failing[p][k]
    }
}

/// Reads until the buffer is full or the input ends (a short read is not the end): how
/// many bytes were read, and the error that stopped it, if one did.
fn fill(reader: &mut impl Read, buf: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Some(e)),
        }
    }
    (filled, None)
}

/// Whether a profile's table has bits 27-0 of the code: fewer than 1,000 codes (16 areas
/// times the rows; 592 today), always listed.
fn documented_anywhere(code: u32) -> bool {
    Profile::ALL
        .iter()
        .any(|p| decode(Code(code), *p).is_documented())
}

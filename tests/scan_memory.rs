//! `amperr scan` streams: memory stays bounded however long the log and however many
//! distinct codes it holds, measured by dhat's heap profiler over logs that are generated
//! as they are read, never held whole.

use std::io::Read;
use std::sync::Mutex;

use amperr::catalog::Profile;
use amperr::scan::{FailOn, LISTED, Scan};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// `total` bytes of log: one block of lines, with a code in it, over and over.
struct EndlessLog {
    block: Vec<u8>,
    at: usize,
    left: usize,
}

impl Read for EndlessLog {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.left).min(self.block.len() - self.at);
        buf[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at = (self.at + n) % self.block.len();
        self.left -= n;
        Ok(n)
    }
}

/// One heap profiler at a time: the tests take turns.
static PROFILER: Mutex<()> = Mutex::new(());

#[test]
fn scanning_a_long_log_takes_bounded_memory() {
    let _turn = PROFILER.lock().unwrap_or_else(|e| e.into_inner());
    let _profiler = dhat::Profiler::builder().testing().build();
    let mut block = Vec::new();
    for n in 0..40 {
        block.extend_from_slice(
            format!("2026-11-27T08:39:{n:02}Z INFO bitrate=3500000 segment {n} ok\n").as_bytes(),
        );
    }
    block.extend_from_slice(b"2026-11-27T08:40:00Z ERROR (0x20200194)\n");
    let total = 256 << 20;
    let mut scan = Scan::new();
    scan.scan(
        "endless",
        EndlessLog {
            block: block.clone(),
            at: 0,
            left: total,
        },
    )
    .unwrap();
    let stats = dhat::HeapStats::get();
    assert_eq!(scan.found().len(), 1);
    assert_eq!(scan.occurrences() as usize, total / block.len());
    // The read buffer (256 KiB and a carry) and the searcher; nothing grows with the log.
    assert!(
        stats.max_bytes < 2 << 20,
        "peak heap {} bytes",
        stats.max_bytes
    );
}

/// `lines` lines with a distinct code each (`0x` and the line number times an odd number,
/// so none repeats), then three of a documented code.
struct DistinctCodes {
    next: u64,
    lines: u64,
    pending: Vec<u8>,
    at: usize,
}

impl Read for DistinctCodes {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.pending.len() {
            self.pending.clear();
            self.at = 0;
            while self.next < self.lines && self.pending.len() < 4096 {
                let code = (self.next as u32).wrapping_mul(0x9E37_79B9);
                self.pending
                    .extend_from_slice(format!("e {code:#010x}\n").as_bytes());
                self.next += 1;
            }
            if self.next == self.lines {
                self.pending
                    .extend_from_slice(b"(0x20200194) code=538968468 (0x20200194)\n");
                self.next += 1;
            }
        }
        let n = buf.len().min(self.pending.len() - self.at);
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn millions_of_distinct_codes_take_bounded_memory() {
    let _turn = PROFILER.lock().unwrap_or_else(|e| e.into_inner());
    const LINES: u64 = 3_000_000;
    let _profiler = dhat::Profiler::builder().testing().build();
    let log = DistinctCodes {
        next: 0,
        lines: LINES,
        pending: Vec::new(),
        at: 0,
    };
    let mut scan = Scan::new();
    scan.scan("generated", log).unwrap();
    let report = scan.report(Profile::DOC, &[FailOn::Undocumented], Vec::new());
    let (text, json) = (report.text(), report.json().unwrap());
    let stats = dhat::HeapStats::get();
    // The list (10,000 codes decoded, about 1 KiB each, and their text and JSON), the
    // unlisted codes told apart (5 MiB), the read buffer: about 20 MiB.
    assert!(
        stats.max_bytes < 32 << 20,
        "peak heap {} bytes",
        stats.max_bytes
    );
    assert_eq!(report.occurrences, LINES + 3);
    assert_eq!(report.codes.len(), LISTED + 1);
    // The documented code after the list is listed, and counted exactly.
    assert_eq!(report.codes[0].decoded.hex, "0x20200194");
    assert_eq!(report.codes[0].count, 3);
    let others = report.others.as_ref().unwrap();
    assert_eq!(others.occurrences, LINES - LISTED as u64);
    assert!(
        !others.distinct_exact && others.distinct > 500_000,
        "{others:?}"
    );
    let line = "2990000  others      generated:10001";
    assert!(text.contains(line), "{}", &text[..2000]);
    assert!(text.contains("at least 524289 other distinct codes, not listed"));
    // Every unlisted code is undocumented: the gate names the first.
    assert_eq!(report.exit_code(), 1);
    assert!(text.contains("; and 2990000 occurrences of unlisted codes, the first 0x5702CA90"));
    assert!(json.contains("\"distinct_exact\": false"));
}

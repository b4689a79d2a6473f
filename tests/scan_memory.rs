//! `amperr scan` streams: memory stays bounded however long the log, measured by dhat's
//! heap profiler over a 256 MiB log that is generated as it is read, never held whole.

use std::io::Read;

use amperr::scan::Scan;

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

#[test]
fn scanning_a_long_log_takes_bounded_memory() {
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

//! `amperr scan` throughput on a synthetic player log with few codes.
//!
//! `cargo bench --bench scan`: bytes per second through [`amperr::scan::Scan`] on one
//! core, in memory (no disk), 64 MiB of log lines of which one in 5,000 holds a code.

use std::hint::black_box;
use std::time::Duration;

use amperr::scan::Scan;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A log like a player's: timestamps, bitrates, URLs, ids, and now and then an error.
pub fn synthetic_log(bytes: usize) -> Vec<u8> {
    let mut log = Vec::with_capacity(bytes + 256);
    let mut n = 0u64;
    while log.len() < bytes {
        n += 1;
        let line = if n.is_multiple_of(5000) {
            format!(
                "2026-11-27T08:{:02}:{:02}.{:03}Z ERROR [amp] playback failed: code={} ({:#x})\n",
                n / 60 % 60,
                n % 60,
                n % 1000,
                538_968_468 + n % 3,
                0x1060_0001
            )
        } else {
            format!(
                "2026-11-27T08:{:02}:{:02}.{:03}Z INFO [abr] segment {n} downloaded bitrate={} bytes={} duration=2.002 url=https://cdn.example.net/v/seg-{n}.m4s\n",
                n / 60 % 60,
                n % 60,
                n % 1000,
                3_500_000 + n % 7 * 250_000,
                100_000 + n * 37 % 90_000
            )
        };
        log.extend_from_slice(line.as_bytes());
    }
    log
}

fn scan(c: &mut Criterion) {
    let log = synthetic_log(64 << 20);
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(log.len() as u64));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("synthetic_player_log_64MiB", |b| {
        b.iter(|| {
            let mut scan = Scan::new();
            scan.scan("log", black_box(&log[..])).unwrap_or_default();
            scan.occurrences()
        })
    });
    group.finish();
}

criterion_group!(benches, scan);
criterion_main!(benches);

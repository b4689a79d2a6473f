//! `amperr scan` throughput, in memory (no disk), on one core.
//!
//! `cargo bench --bench scan`:
//! - `player_log`: a log shaped like a real player's (every line a timestamp, a URL and a
//!   12-digit `0x` pointer; one line in 333 with a code, in each form in turn), through
//!   [`amperr::scan::Scan`] and, side by side, through the `regex` crate counting the
//!   matches of one regex for the same grammar: the ratio of the two is the figure to
//!   watch. Every pointer is a candidate the scanner must reject.
//! - `scan`: the older synthetic log with few codes and no pointers.

use std::hint::black_box;
use std::time::Duration;

use amperr::scan::Scan;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use regex::bytes::Regex;

/// The scanner's grammar as one regex, as close as regex syntax allows (no look-ahead:
/// the byte after a decimal value is matched rather than looked at, which counts the same
/// since no code starts with it).
const GRAMMAR: &str = r#"(?-u)\b0[xX][0-9a-fA-F]{1,8}\b|\b[cC][oO][dD][eE]["']?[ \t]{0,4}[=:][ \t]{0,4}["']?-?[0-9]{1,11}(?:[^0-9A-Za-z_.]|$)"#;

/// A player's log: every line has a timestamp, a URL and a 12-digit pointer; one in 333
/// has a code, in each of the forms in turn.
pub fn player_log(bytes: usize) -> Vec<u8> {
    let forms = [
        "ERROR [amp] error (0x20200194)",
        "ERROR telemetry {\"event\":\"error\",\"code\": 538968468}",
        "ERROR [amp] code=274726915 tech=amp",
        "ERROR [plugin] MEDIA_ERR 0X2040000A decoder reset",
        "WARN [net] CODE=-1 retrying",
        "ERROR [amp] {'code':'0x00600001'}",
    ];
    let mut log = Vec::with_capacity(bytes + 512);
    let (mut n, mut state) = (0u64, 0x7ffd_5fbf_f8a8_u64);
    while log.len() < bytes {
        n += 1;
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let pointer = 0x7f00_0000_0000 | (state >> 24) & 0xff_ffff_ffff;
        let what = match n % 333 {
            0 => forms[(n / 333) as usize % forms.len()].to_string(),
            _ => format!(
                "INFO [abr] segment {n} downloaded bitrate={}",
                3_500_000 + n % 7 * 250_000
            ),
        };
        let line = format!(
            "2026-11-27T08:{:02}:{:02}.{:03}Z {what} buffer={pointer:#x} \
             url=https://contoso.streaming.mediaservices.windows.net/91492735-c523-432b-ba01-\
             faba6c2206a2/Promo.ism/QualityLevels({})/Fragments(video={n}0000)\n",
            n / 60 % 60,
            n % 60,
            n % 1000,
            3_500_000 + n % 7 * 250_000,
        );
        log.extend_from_slice(line.as_bytes());
    }
    log
}

/// A log with few codes and no pointers: timestamps, bitrates, URLs, ids.
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

fn scanned(log: &[u8]) -> u64 {
    let mut scan = Scan::new();
    scan.scan("log", black_box(log)).unwrap_or_default();
    scan.occurrences()
}

fn player(c: &mut Criterion) {
    let log = player_log(64 << 20);
    let regex = Regex::new(GRAMMAR).unwrap_or_else(|e| panic!("{e}"));
    // The same work: both count every code.
    let matches = regex.find_iter(&log).count() as u64;
    assert_eq!(scanned(&log), matches, "the scanner and the regex disagree");
    let mut group = c.benchmark_group("player_log");
    group.throughput(Throughput::Bytes(log.len() as u64));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("amperr_scan", |b| b.iter(|| scanned(&log)));
    group.bench_function("regex_find_iter", |b| {
        b.iter(|| regex.find_iter(black_box(&log)).count())
    });
    group.finish();
}

fn few_codes(c: &mut Criterion) {
    let log = synthetic_log(64 << 20);
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(log.len() as u64));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("synthetic_player_log_64MiB", |b| b.iter(|| scanned(&log)));
    group.finish();
}

criterion_group!(benches, player, few_codes);
criterion_main!(benches);

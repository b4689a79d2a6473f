//! Decode latency, against the floor of bare bit-field extraction.
//!
//! `cargo bench --bench decode`. Each benchmark handles 1,024 codes per iteration, so
//! criterion's per-element time is the cost of one code; README lists them as ratios to
//! `floor/bit_fields`. The CI guard on these paths counts instructions instead
//! (`benches/instructions.rs`): wall time on a shared machine is noise.

use std::hint::black_box;

use amperr::gate::Corpus;
use amperr::{Code, Profile, decode, parse_code};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const BATCH: usize = 1024;

/// Codes of the profile's table in every area, then random codes.
fn inputs() -> (Vec<Code>, Vec<Code>) {
    let values: Vec<u32> = Profile::DOC
        .catalog()
        .documented()
        .map(|e| e.value())
        .collect();
    let documented = (0..BATCH)
        .map(|i| Code((i as u32 % 16) << 28 | values[i % values.len()]))
        .collect();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let random = (0..BATCH)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            Code(state as u32)
        })
        .collect();
    (documented, random)
}

fn floor(c: &mut Criterion) {
    let (_, random) = inputs();
    let mut group = c.benchmark_group("floor");
    group.throughput(Throughput::Elements(BATCH as u64));
    // Like the decode benchmarks, one result per code, kept (black_box): the compiler may
    // not fold the loop into vector arithmetic that no decoder could use.
    group.bench_function("bit_fields", |b| {
        b.iter(|| {
            for code in black_box(&random) {
                black_box((code.area(), code.category(), code.detail()));
            }
        })
    });
    group.finish();
}

fn decoding(c: &mut Criterion) {
    let (documented, random) = inputs();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(BATCH as u64));
    for profile in Profile::ALL {
        for (kind, codes) in [("documented", &documented), ("random", &random)] {
            group.bench_function(format!("{}/{kind}", profile.id()), |b| {
                b.iter(|| {
                    for code in black_box(codes) {
                        black_box(decode(*code, profile));
                    }
                })
            });
        }
        group.bench_function(format!("{}/every_field", profile.id()), |b| {
            b.iter(|| {
                let mut sum = 0usize;
                for code in black_box(&documented) {
                    let d = decode(*code, profile);
                    sum += d.name().map_or(0, str::len)
                        + d.aliases().len()
                        + d.description().map_or(0, str::len);
                    sum += d.message().value().map_or(0, str::len)
                        + d.area_name().value().map_or(0, str::len);
                    sum += d.category_name().value().map_or(0, str::len) + d.class() as usize;
                    sum += usize::from(d.http_status().unwrap_or(0))
                        + usize::from(d.missing_plugins().is_some());
                }
                sum
            })
        });
        group.bench_function(format!("{}/message", profile.id()), |b| {
            b.iter(|| {
                let mut sum = 0usize;
                for code in black_box(&random) {
                    sum += decode(*code, profile).message().value().map_or(0, str::len);
                }
                sum
            })
        });
    }
    group.finish();
}

fn parsing(c: &mut Criterion) {
    let forms = [
        ("hex", "0x20200194"),
        ("decimal", "538968468"),
        ("signed", "-1"),
        ("name", "networkErrHttpUrlNotFound"),
        ("prefixed_name", "amp.errorCode.networkErrHttpUrlNotFound"),
        ("overlay", "(0x20200194)"),
    ];
    let mut group = c.benchmark_group("parse");
    for (form, text) in forms {
        group.bench_function(form, |b| b.iter(|| parse_code(black_box(text))));
    }
    group.finish();
}

fn corpus(c: &mut Criterion) {
    let mut group = c.benchmark_group("corpus");
    group.sample_size(20);
    group.bench_function("generate_doc", |b| {
        b.iter(|| Corpus::generate(Profile::DOC, 0, 0))
    });
    group.finish();
}

criterion_group!(benches, floor, decoding, parsing, corpus);
criterion_main!(benches);

//! The gate's speed: cases per second through a pipe to the fastest correct decoder, and
//! the gate's own cost per case (parse, judge and tally an answer, without a process).
//!
//! `cargo bench --bench gate`. The decoder is this benchmark binary itself, re-run with
//! `AMPERR_BENCH_ADAPTER` set, so no other build is needed.

use std::hint::black_box;
use std::time::Duration;

use amperr::Profile;
use amperr::decoder::adapter::{answer, serve};
use amperr::gate::record;
use amperr::gate::report::Tally;
use amperr::gate::{self, Corpus, Options};
use criterion::{Criterion, Throughput};

const ADAPTER_ENV: &str = "AMPERR_BENCH_ADAPTER";

fn through_a_pipe(c: &mut Criterion) {
    let corpus = Corpus::generate(Profile::DOC, 0, 0);
    let exe = std::env::current_exe().expect("the bench knows its own path");
    let argv = vec![
        "env".to_string(),
        format!("{ADAPTER_ENV}=1"),
        exe.display().to_string(),
    ];
    let mut group = c.benchmark_group("gate");
    group.throughput(Throughput::Elements(corpus.cases.len() as u64));
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("default_corpus_through_a_pipe_to_the_rust_adapter", |b| {
        b.iter(|| {
            let report = gate::run(&argv, &corpus, &Options::default(), &mut |_| {});
            assert_eq!(report.counts.pass, corpus.cases.len());
        })
    });
    group.finish();
}

fn own_cost(c: &mut Criterion) {
    let no_xfail = amperr::gate::Xfail::default();
    let corpus = Corpus::generate(Profile::DOC, 0, 0);
    let lines: Vec<String> = corpus
        .cases
        .iter()
        .map(|case| answer(Profile::DOC, case.code.0).expect("an answer serializes"))
        .collect();
    let mut group = c.benchmark_group("gate");
    group.throughput(Throughput::Elements(corpus.cases.len() as u64));
    group.bench_function("own_cost_parse_judge_tally", |b| {
        b.iter(|| {
            let mut tally = Tally::new(&corpus, &[], &no_xfail);
            for (index, line) in lines.iter().enumerate() {
                record(&mut tally, &corpus, index, line.trim_end());
            }
            black_box(tally)
        })
    });
    group.finish();
}

fn main() {
    if std::env::var_os(ADAPTER_ENV).is_some() {
        let result = serve(Profile::DOC, std::io::stdin(), std::io::stdout().lock());
        std::process::exit(i32::from(result.is_err()));
    }
    let mut c = Criterion::default().configure_from_args();
    through_a_pipe(&mut c);
    own_cost(&mut c);
    c.final_summary();
}

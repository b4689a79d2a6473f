//! `check-player`'s speed: the default corpus through the fixture build in headless
//! Chromium, browser start and the pixels of its sample included (and without the pixels,
//! which gives the sample's cost), against its floor: one code through a fresh browser
//! (start Chromium, load the page, read the table, raise one code), which every run pays.
//! And `check-faults`'s: the default scenarios through the fixture build, browser start
//! included.
//!
//! `cargo bench --bench player` (needs `chromium` on PATH; says SKIPPED without it).

use std::path::{Path, PathBuf};
use std::time::Duration;

use amperr::Profile;
use amperr::faults::ScenarioId;
use amperr::faults::stream::Stream;
use amperr::gate::case::Case;
use amperr::gate::{Corpus, Options, run_transport};
use amperr::player::{PageSource, Player, PlayerConfig, Visual, VisualMode, find_browser};
use criterion::{Criterion, Throughput};

fn config(browser: PathBuf, mode: VisualMode) -> PlayerConfig {
    let build =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/players/amp-fixture.js");
    PlayerConfig {
        page: PageSource::Scripts {
            scripts: vec![build],
            css: Vec::new(),
        },
        browser,
        accessible: false,
        ready_timeout: Duration::from_secs(30),
        profile: Profile::AMP_2_3_0,
        command: vec!["amperr".to_string(), "check-player".to_string()],
        visual: Visual {
            mode,
            ..Visual::default()
        },
        faults: None,
    }
}

fn gate(browser: &Path, corpus: &Corpus, mode: VisualMode) {
    let mut player =
        Player::new(config(browser.to_path_buf(), mode)).expect("the fixture page is written");
    let (report, _) = run_transport(&mut player, corpus, &Options::default(), &mut |_| {});
    assert_eq!(report.counts.pass, corpus.cases.len(), "{}", report.text());
}

fn player(c: &mut Criterion) {
    let Some(browser) = find_browser() else {
        eprintln!("SKIPPED: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let corpus = Corpus::generate(Profile::AMP_2_3_0, 0, 0);
    let one = corpus.clone().only(&[0x2020_0194]);
    let mut group = c.benchmark_group("player");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("floor_one_code_in_a_fresh_browser", |b| {
        b.iter(|| gate(&browser, &one, VisualMode::Off))
    });
    group.throughput(Throughput::Elements(corpus.cases.len() as u64));
    group.measurement_time(Duration::from_secs(150));
    // What check-player does by default: the pixels of a sample confirm the readings.
    group.bench_function("default_corpus_through_the_fixture_build", |b| {
        b.iter(|| gate(&browser, &corpus, VisualMode::Sample))
    });
    // The same without the pixels: the difference is the visual sample's cost.
    group.bench_function("default_corpus_without_the_pixels", |b| {
        b.iter(|| gate(&browser, &corpus, VisualMode::Off))
    });
    group.finish();
}

/// The default fault scenarios under amp-2.3.0, one case each.
fn fault_corpus() -> Corpus {
    let cases = amperr::faults::default_set()
        .into_iter()
        .map(|s| Case::fault(ScenarioId::intern(s), Profile::AMP_2_3_0).expect("expected"))
        .collect();
    Corpus {
        profile: Profile::AMP_2_3_0,
        random: 0,
        seed: 0,
        shard: None,
        cases,
    }
}

fn faults(c: &mut Criterion) {
    let Some(browser) = find_browser() else {
        return;
    };
    let corpus = fault_corpus();
    let mut group = c.benchmark_group("faults");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60))
        .throughput(Throughput::Elements(corpus.cases.len() as u64));
    group.bench_function("default_scenarios_through_the_fixture_build", |b| {
        b.iter(|| {
            let mut config = config(browser.clone(), VisualMode::Off);
            config.faults = Some(Stream::builtin());
            let mut player = Player::new(config).expect("the fixture page is written");
            let (report, _) = run_transport(&mut player, &corpus, &Options::default(), &mut |_| {});
            assert_eq!(report.counts.pass, corpus.cases.len(), "{}", report.text());
        })
    });
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    player(&mut criterion);
    faults(&mut criterion);
    criterion.final_summary();
}

//! The CI performance guard: instructions, not seconds.
//!
//! Wall time on a shared 2-core machine is noise, so CI counts instructions with
//! valgrind's callgrind, which gives the same count for the same binary and input however
//! busy the machine is. For each workload this binary runs itself under callgrind twice,
//! doing the workload 0 and N times after the same warm-up, and divides the difference by
//! N: the instructions one operation costs, start-up and one-time loading excluded.
//!
//! ```sh
//! cargo bench --bench instructions               # check against benches/instructions.toml
//! cargo bench --bench instructions -- --bless    # move the limits to today's counts + 5%
//! ```
//!
//! A count over its limit fails with a message naming the workload and both counts. Move
//! a limit on purpose (a feature that costs, a compiler upgrade) with `--bless`, and say
//! why in the commit.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

use amperr::decoder::adapter::answer;
use amperr::gate::record;
use amperr::gate::report::Tally;
use amperr::gate::{Corpus, Xfail};
use amperr::output::Destination;
use amperr::{Code, Decoded, Profile, decode, parse_code};

/// Headroom over today's count when blessing.
const HEADROOM: f64 = 1.05;
const WORKLOAD_ENV: &str = "AMPERR_INSTRUCTIONS_WORKLOAD";

/// (name, what one operation is); the floor first, as the others are compared with it.
const WORKLOADS: [(&str, &str); 6] = [
    ("floor", "extract the three bit fields of one code"),
    (
        "decode",
        "decode one random code and read every field (doc and amp-2.3.0 alternately)",
    ),
    (
        "decode_table",
        "the same for codes of the profile's table, in every area",
    ),
    (
        "decode_values",
        "the same codes, reading a text field's value only (as a decoder's answer does)",
    ),
    (
        "parse",
        "parse one pasted code, cycling through the six forms",
    ),
    (
        "gate_batch_1000",
        "parse, judge and tally a batch of 1,000 answers, then build the report",
    ),
];

/// How many operations each measured run does.
const N: u64 = 20_000;
const N_BATCHES: u64 = 20;

fn codes(n: usize) -> Vec<Code> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            Code(state as u32)
        })
        .collect()
}

/// Codes of the profile's table in every area; code i is for profile i % 2.
fn table_codes() -> Vec<Code> {
    let values: Vec<Vec<u32>> = Profile::ALL
        .iter()
        .map(|p| p.catalog().documented().map(|e| e.value()).collect())
        .collect();
    (0..N as usize)
        .map(|i| {
            let values = &values[i % 2];
            Code(((i / 2 % 16) as u32) << 28 | values[i / 32 % values.len()])
        })
        .collect()
}

/// Decodes the first `n` codes, under doc and amp-2.3.0 alternately, and reads every field
/// with `read`.
fn read_every_field(codes: &[Code], n: u64, read: impl Fn(&Decoded)) {
    for profile in Profile::ALL {
        black_box(decode(Code(0), profile));
    }
    for (i, code) in codes.iter().take(n as usize).enumerate() {
        read(&decode(*code, Profile::ALL[i % 2]));
    }
}

/// Every field, a text field as its [`amperr::Field`]: a value, none, or why the source is
/// silent.
fn whole(d: &Decoded) {
    black_box((
        d.name(),
        d.aliases(),
        d.description(),
        d.message(),
        d.area_name(),
    ));
    black_box((
        d.category_name(),
        d.class(),
        d.http_status(),
        d.missing_plugins(),
    ));
}

/// Every field, a text field's value only.
fn values(d: &Decoded) {
    black_box((
        d.name(),
        d.aliases(),
        d.description(),
        d.message().value(),
        d.area_name().value(),
    ));
    black_box((
        d.category_name().value(),
        d.class(),
        d.http_status(),
        d.missing_plugins(),
    ));
}

/// Runs `name` `n` times, after a warm-up every run shares.
fn workload(name: &str, n: u64) {
    match name {
        "floor" => {
            let codes = codes(N as usize);
            for code in codes.iter().take(n as usize) {
                black_box((code.area(), code.category(), code.detail()));
            }
        }
        "decode" => read_every_field(&codes(N as usize), n, whole),
        "decode_table" => read_every_field(&table_codes(), n, whole),
        "decode_values" => read_every_field(&table_codes(), n, values),
        "parse" => {
            let forms = [
                "0x20200194",
                "538968468",
                "-1",
                "networkErrHttpUrlNotFound",
                "amp.errorCode.errUnknown",
                "(0x20200194)",
            ];
            black_box(parse_code("0x1").ok());
            black_box(parse_code("errUnknown").ok());
            for i in 0..n as usize {
                black_box(parse_code(black_box(forms[i % forms.len()])).ok());
            }
        }
        "gate_batch_1000" => {
            let mut corpus = Corpus::generate(Profile::DOC, 0, 0);
            corpus.cases.truncate(1000);
            let lines: Vec<String> = corpus
                .cases
                .iter()
                .map(|c| answer(Profile::DOC, c.code.0).expect("an answer serializes"))
                .collect();
            let (no_xfail, argv) = (Xfail::default(), ["decoder".to_string()]);
            let reproduce =
                |case: &amperr::gate::case::Case| format!("echo {} | decoder", case.code.0);
            for _ in 0..n {
                let mut tally = Tally::new(&corpus, &[], &no_xfail);
                for (index, line) in lines.iter().enumerate() {
                    record(&mut tally, &corpus, index, line.trim_end());
                }
                black_box(tally.finish(&argv, &reproduce, 0.0, String::new()));
            }
        }
        other => panic!("no workload {other}"),
    }
}

fn runs(name: &str) -> u64 {
    if name == "gate_batch_1000" {
        N_BATCHES
    } else {
        N
    }
}

/// The instructions this binary executes doing `name` `n` times, counted by callgrind.
fn count(name: &str, n: u64) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(&exe)
        .env(WORKLOAD_ENV, format!("{name}:{n}"))
        .output()
        .map_err(|e| format!("cannot run valgrind ({e}): install it (apt-get install valgrind)"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("valgrind failed on {name}: {stderr}"));
    }
    stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("no instruction count in callgrind's output: {stderr}"))
}

/// The limits file: `benches/instructions.toml`, or `AMPERR_INSTRUCTION_LIMITS` (used by
/// CI to check that the guard fails when it should).
fn limits_path() -> PathBuf {
    match std::env::var_os("AMPERR_INSTRUCTION_LIMITS") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/instructions.toml"),
    }
}

fn read_limits() -> Result<BTreeMap<String, u64>, String> {
    let path = limits_path();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{} is not valid: {e}", path.display()))
}

fn main() -> ExitCode {
    if let Ok(spec) = std::env::var(WORKLOAD_ENV) {
        let (name, n) = spec.split_once(':').unwrap_or((&spec, "0"));
        workload(name, n.parse().unwrap_or(0));
        return ExitCode::SUCCESS;
    }
    let args: Vec<String> = std::env::args().collect();
    // `cargo bench` passes `--bench`; a filter selects workloads.
    let bless = args.iter().any(|a| a == "--bless");
    let filter: Vec<&String> = args
        .iter()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match measure(bless, &filter) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("instructions: {e}");
            ExitCode::from(2)
        }
    }
}

/// Measures every workload; checks (or, blessing, rewrites) the limits. `Ok(false)` when
/// a count is over its limit.
fn measure(bless: bool, filter: &[&String]) -> Result<bool, String> {
    let limits = if bless {
        BTreeMap::new()
    } else {
        read_limits()?
    };
    let mut counts = BTreeMap::new();
    let mut within = true;
    println!(
        "{:<16} {:>14} {:>12} {:>9}  what one operation is",
        "workload", "instructions", "limit", "vs floor"
    );
    let mut floor = None;
    for (name, what) in WORKLOADS {
        if !filter.is_empty()
            && !filter.iter().any(|f| name.contains(f.as_str()))
            && name != "floor"
        {
            continue;
        }
        let n = runs(name);
        let per_op = (count(name, n)?.saturating_sub(count(name, 0)?)) as f64 / n as f64;
        floor = floor.or((name == "floor").then_some(per_op));
        let limit = limits.get(name).copied();
        // A batch of a thousand cases is not comparable with one code's bit fields.
        let per_code = name != "gate_batch_1000";
        let ratio = match floor.filter(|_| per_code) {
            Some(f) => format!("{:.1}x", per_op / f.max(1e-9)),
            None => "-".to_string(),
        };
        let shown = limit.map_or("-".to_string(), |l| l.to_string());
        println!("{name:<16} {per_op:>14.1} {shown:>12} {ratio:>9}  {what}");
        match limit {
            Some(limit) if per_op > limit as f64 => {
                within = false;
                eprintln!(
                    "instructions: {name} now costs {per_op:.1} instructions per operation, over its limit of {limit} \
                     ({}); make it cheaper, or move the limit on purpose with \
                     `cargo bench --bench instructions -- --bless`",
                    limits_path().display()
                );
            }
            None if !bless => {
                within = false;
                eprintln!(
                    "instructions: {name} has no limit in benches/instructions.toml; add one with --bless"
                );
            }
            _ => {}
        }
        counts.insert(name.to_string(), (per_op * HEADROOM).ceil() as u64);
    }
    if bless {
        let mut text = String::from(
            "# Instruction limits per operation for `cargo bench --bench instructions` (CI's\n\
             # performance guard): today's callgrind counts plus 5%. Move them on purpose with\n\
             # `cargo bench --bench instructions -- --bless`, and say why in the commit.\n",
        );
        for (name, limit) in &counts {
            text.push_str(&format!("{name} = {limit}\n"));
        }
        Destination::check(&limits_path())
            .map_err(|e| e.to_string())?
            .write(text.as_bytes())
            .map_err(|e| e.to_string())?;
        println!("wrote {}", limits_path().display());
    }
    Ok(within)
}

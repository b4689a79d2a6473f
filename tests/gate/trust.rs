//! The `amperr` command under hostile conditions (issue "A verdict users can trust"):
//! signals, output paths that are not plain files, tampered saved reports, text that tries
//! to drive the terminal or break XML, huge corpora, and the Rust adapter one line at a
//! time. Each test failed on the command before it was made to hold.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::common;

use common::amperr;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Characters that must never reach a terminal or a report raw.
fn assert_nothing_raw(shown: &str, what: &str) {
    for c in [
        '\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{2028}', '\u{fffe}', '\u{ffff}',
    ] {
        assert!(!shown.contains(c), "{what} holds a raw {c:?}:\n{shown:?}");
    }
}

/// `amperr check ARGS -- python3 misbehave.py MODE`, started, not waited for.
fn spawn_check(args: &[&str], mode: &str, pid_file: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_amperr"))
        .arg("check")
        .args(args)
        .args(["--", "env"])
        .arg(format!("AMPERR_TEST_PIDFILE={}", pid_file.display()))
        .args(["python3", "tests/fixtures/misbehave.py", mode])
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn read_pid(pid_file: &Path) -> u32 {
    let started = Instant::now();
    loop {
        if let Ok(pid) = std::fs::read_to_string(pid_file) {
            if let Ok(pid) = pid.trim().parse() {
                return pid;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the decoder never started"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// Whether a process is running (a zombie is not).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z')
        })
        .unwrap_or(false)
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("amperr did not end within {limit:?}");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_signalled_gate_kills_its_decoder_writes_nothing_and_says_which_signal() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    for (signal, status) in [
        (Signal::SIGINT, 130),
        (Signal::SIGTERM, 143),
        (Signal::SIGHUP, 129),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("decoder.pid");
        let report = dir.path().join("report.json");
        let report_arg = report.display().to_string();
        let args = ["--idle-timeout", "60", "--output", &report_arg];
        // The decoder ignores SIGTERM, SIGINT and SIGHUP and hangs on its first request.
        let mut gate = spawn_check(&args, "ignore-term", &pid_file);
        let decoder = read_pid(&pid_file);
        assert!(running(decoder));
        kill(Pid::from_raw(gate.id() as i32), signal).unwrap();
        let exit = wait_with_timeout(&mut gate, Duration::from_secs(20));
        assert_eq!(exit.code(), Some(status), "{signal}");
        assert!(!running(decoder), "the decoder survived {signal}");
        assert!(
            !Path::new(&format!("/proc/{decoder}")).exists(),
            "the decoder was not reaped after {signal}"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|name| name != "decoder.pid")
            .collect();
        assert!(left.is_empty(), "a partial report was left: {left:?}");
    }
}

#[test]
fn a_killed_gate_takes_its_decoder_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("decoder.pid");
    let mut gate = spawn_check(&["--idle-timeout", "60"], "ignore-term", &pid_file);
    let decoder = read_pid(&pid_file);
    gate.kill().unwrap(); // SIGKILL: no handler runs.
    gate.wait().unwrap();
    let started = Instant::now();
    while running(decoder) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the decoder outlived a SIGKILL of the gate"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// Whether a daemon that rewrites `pid_file` in every generation still lives: the file,
/// removed, comes back.
fn hopper_alive(pid_file: &Path) -> bool {
    let _ = std::fs::remove_file(pid_file);
    thread::sleep(Duration::from_millis(500));
    pid_file.exists()
}

#[test]
fn a_daemon_that_keeps_forking_does_not_outlive_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("hopper.pid");
    let mut gate = spawn_check(&["--shard", "1/2000"], "hopper", &pid_file);
    read_pid(&pid_file);
    let exit = wait_with_timeout(&mut gate, Duration::from_secs(60));
    assert_eq!(exit.code(), Some(0));
    assert!(
        !hopper_alive(&pid_file),
        "a forking daemon outlived the gate"
    );
    // And when the gate is stopped by a signal mid-run.
    let args = ["--shard", "1/2000", "--idle-timeout", "60"];
    let mut gate = spawn_check(&args, "hopper-hang", &pid_file);
    read_pid(&pid_file);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(gate.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let exit = wait_with_timeout(&mut gate, Duration::from_secs(20));
    assert_eq!(exit.code(), Some(143));
    assert!(
        !hopper_alive(&pid_file),
        "a forking daemon outlived SIGTERM"
    );
}

#[test]
fn a_daemon_without_the_gates_marker_does_not_outlive_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("daemon.pid");
    let mut gate = spawn_check(&["--shard", "1/2000"], "drop-marker", &pid_file);
    let daemon = read_pid(&pid_file);
    let exit = wait_with_timeout(&mut gate, Duration::from_secs(60));
    assert_eq!(exit.code(), Some(0));
    let started = Instant::now();
    while running(daemon) && started.elapsed() < Duration::from_secs(2) {
        thread::sleep(Duration::from_millis(20));
    }
    let alive = running(daemon);
    if alive {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(daemon as i32),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    assert!(!alive, "a daemon without the marker outlived the gate");
}

fn check(args: &[&str]) -> Output {
    let mut all = vec!["check"];
    all.extend(args);
    all.extend(["--", "python3", "examples/adapters/decoder.py"]);
    amperr(&all, b"")
}

#[test]
fn a_fifo_a_device_and_a_link_are_written_through_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    // A FIFO: another tool reads the report as it is written.
    let fifo = dir.path().join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let reader = thread::spawn({
        let fifo = fifo.clone();
        move || std::fs::read_to_string(fifo).unwrap()
    });
    let out = check(&["--format", "json", "--output", &fifo.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        reader
            .join()
            .unwrap()
            .contains("\"conclusion\": \"conformant\"")
    );
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );

    // A link to a report: the link stays, its target gets the report.
    let target = dir.path().join("target.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = check(&["--format", "json", "--output", &link.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("conformant")
    );

    // A character device (the null device, made here): still a device afterwards.
    let null = dir.path().join("null");
    let made = nix::sys::stat::mknod(
        &null,
        nix::sys::stat::SFlag::S_IFCHR,
        nix::sys::stat::Mode::from_bits_truncate(0o666),
        nix::sys::stat::makedev(1, 3),
    );
    match made {
        Err(e) => common::skipped(&format!("the device case: mknod needs root ({e})")),
        Ok(()) => {
            let out = check(&["--output", &null.display().to_string()]);
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
            let kind = std::fs::symlink_metadata(&null).unwrap().file_type();
            assert!(kind.is_char_device(), "the device was replaced by a file");
        }
    }
}

/// `amperr check --format json --output OUTPUT -- the reference decoder`, with stdout and
/// stderr as given; its exit status.
fn check_into(output: &Path, stdout: Stdio, stderr: Stdio) -> Option<i32> {
    let output = output.display().to_string();
    let mut command = Command::new(env!("CARGO_BIN_EXE_amperr"));
    command
        .args(["check", "--format", "json", "--output", &output, "--"])
        .args(["python3", "examples/adapters/decoder.py"])
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr);
    command.status().unwrap().code()
}

#[test]
fn the_report_and_the_baseline_may_not_both_go_to_one_stream() {
    // stdout redirected to a file, named by both outputs: the baseline and the report
    // would be written one after the other into it.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("ci.log");
    let own_stdout = dir.path().join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &own_stdout).unwrap();
    for (output, baseline) in [
        (&log, &log),
        (&own_stdout, &log),
        (&own_stdout, &own_stdout),
    ] {
        let stdout = std::fs::File::create(&log).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_amperr"))
            .args(["check", "--output"])
            .arg(output)
            .arg("--write-xfail")
            .arg(baseline)
            .args(["--", "python3", "examples/adapters/decoder.py"])
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(stdout)
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("is also the --output report"), "{stderr}");
        assert_eq!(
            std::fs::read_to_string(&log).unwrap(),
            "",
            "nothing written"
        );
    }
}

/// `written` is `before`, then a whole JSON report, then the text report.
fn assert_json_then_text(written: &str, before: &str) {
    let rest = written
        .strip_prefix(before)
        .unwrap_or_else(|| panic!("what was there is lost:\n{written}"));
    let text_at = rest
        .find("amperr check: CONFORMANT")
        .unwrap_or_else(|| panic!("no text report:\n{rest}"));
    let (json, text) = rest.split_at(text_at);
    let report: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: not the JSON report:\n{json}"));
    assert_eq!(report["conclusion"], "conformant");
    assert!(
        text.contains("decoder   python3 examples/adapters/decoder.py"),
        "{text}"
    );
}

#[test]
fn an_output_that_is_amperrs_own_stdout_or_stderr_is_written_through_it() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    // What /dev/stdout and /dev/stderr are on Linux, made here.
    let (own_stdout, own_stderr) = (dir.path().join("stdout"), dir.path().join("stderr"));
    symlink("/proc/self/fd/1", &own_stdout).unwrap();
    symlink("/proc/self/fd/2", &own_stderr).unwrap();

    // stdout a pipe (`amperr ... | tee`): it was refused ("a symlink whose target cannot
    // be used"), pipe:[N] being no path.
    let out = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(["check", "--format", "json", "--output"])
        .arg(&own_stdout)
        .args(["--", "python3", "examples/adapters/decoder.py"])
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_json_then_text(&text(&out.stdout), "");

    // stdout a log appended to (`>> ci.log`), named through the link or by its own path:
    // it was replaced by the JSON report, the log before it and the text report lost.
    let log = dir.path().join("ci.log");
    for output in [&own_stdout, &log] {
        std::fs::write(&log, "earlier steps\n").unwrap();
        let append = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        let status = check_into(output, append.into(), Stdio::null());
        assert_eq!(status, Some(0), "{}", output.display());
        let written = std::fs::read_to_string(&log).unwrap();
        assert_json_then_text(&written, "earlier steps\n");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            3,
            "a file left"
        );
    }
    // stdout a file truncated by the shell (`> ci.log`): the report, then the text, neither
    // over the other.
    let truncated = std::fs::File::create(&log).unwrap();
    assert_eq!(
        check_into(&own_stdout, truncated.into(), Stdio::null()),
        Some(0)
    );
    assert_json_then_text(&std::fs::read_to_string(&log).unwrap(), "");

    // stdout a socket (a service manager's log): written through it, not refused.
    let (mut ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    let reader = thread::spawn(move || {
        let mut all = String::new();
        ours.read_to_string(&mut all).unwrap();
        all
    });
    let status = check_into(
        &own_stdout,
        std::os::fd::OwnedFd::from(theirs).into(),
        Stdio::null(),
    );
    assert_eq!(status, Some(0));
    assert_json_then_text(&reader.join().unwrap(), "");

    // stderr: the report goes there, the text report to stdout.
    let out = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(["check", "--format", "json", "--output"])
        .arg(&own_stderr)
        .args(["--", "python3", "examples/adapters/decoder.py"])
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(report["conclusion"], "conformant");
    assert!(text(&out.stdout).starts_with("amperr check: CONFORMANT"));
    // The links are links still.
    for link in [&own_stdout, &own_stderr] {
        assert!(
            std::fs::symlink_metadata(link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

#[test]
fn a_report_to_a_closed_stdout_keeps_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let own_stdout = dir.path().join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &own_stdout).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(["check", "--format", "json", "--output"])
        .arg(&own_stdout)
        .args([
            "--",
            "python3",
            "tests/fixtures/misbehave.py",
            "wrong-message",
        ])
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away (`| head`) before the report: not conformant still, not exit 2.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn an_output_that_fails_when_written_still_leaves_the_verdict_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let baseline = dir.path().join("xfail.toml");
    // Each passes the check before the run; then the decoder, as it starts, puts a
    // directory where it was, and the write after the run fails.
    for (flag, path) in [("--output", &report), ("--write-xfail", &baseline)] {
        std::fs::write(path, "old").unwrap();
        let shown = path.display().to_string();
        let decoder = format!(
            "rm -f {shown}; mkdir -p {shown}; exec python3 tests/fixtures/misbehave.py \
             wrong-message"
        );
        let mut args = vec!["check", flag, &shown];
        let other = dir.path().join("other.json").display().to_string();
        if flag == "--write-xfail" {
            args.extend(["--format", "json", "--output", &other]);
        }
        args.extend(["--", "sh", "-c", &decoder]);
        let out = amperr(&args, b"");
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{flag}: {stderr}");
        // The verdict was printed before the error was reported: nothing of the run lost.
        assert!(
            stdout.starts_with("amperr check: NOT CONFORMANT"),
            "{flag}: stdout {stdout:?}, stderr {stderr}"
        );
        assert!(
            stderr.contains(&format!("{shown}: it is no longer a regular file")),
            "{stderr}"
        );
        assert!(std::fs::metadata(path).unwrap().is_dir());
        if flag == "--write-xfail" {
            // The report went where it was told, the baseline failing or not.
            let written = std::fs::read_to_string(&other).unwrap();
            assert!(written.contains("\"not_conformant\""), "{written}");
        }
        std::fs::remove_dir(path).unwrap();
    }
}

#[test]
fn a_file_another_user_owns_in_a_sticky_directory_is_refused_before_the_run() {
    use std::os::unix::fs::PermissionsExt;
    // Two users are needed: as root, amperr is run as nobody (65534) by setpriv.
    let as_nobody = |args: &[&str], dir: &Path| {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_amperr"))
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
    };
    let dir = tempfile::tempdir().unwrap();
    let runs = as_nobody(&["--version"], dir.path()).is_ok_and(|out| out.status.success());
    if !nix::unistd::geteuid().is_root() || !runs {
        common::skipped("the sticky-directory case: it needs root and setpriv, to be two users");
        return;
    }
    // /tmp as it is: world-writable and sticky, with a report root wrote.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
    let report = dir.path().join("report.json");
    std::fs::write(&report, "old").unwrap();
    let marker = dir.path().join("decoder-ran");
    let decoder = format!("touch {}; cat >/dev/null", marker.display());
    let shown = report.display().to_string();
    for flag in ["--output", "--write-xfail"] {
        let out = as_nobody(
            &["check", flag, &shown, "--", "sh", "-c", &decoder],
            dir.path(),
        )
        .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag}: {err}");
        assert!(
            err.contains(&format!(
                "cannot write to {shown}: it belongs to another user (uid 0) in {}, a sticky \
                 directory, where only its owner may replace it",
                dir.path().display()
            )),
            "{flag}: {err}"
        );
        assert!(!marker.exists(), "{flag} was checked after the run");
        assert_eq!(std::fs::read_to_string(&report).unwrap(), "old");
    }
}

#[test]
fn a_bad_output_path_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("decoder-ran");
    // A decoder that leaves a mark when it starts: it must never start.
    let decoder = format!("touch {}; cat >/dev/null", marker.display());
    let bad_paths = [
        ("--output", dir.path().display().to_string()),
        (
            "--output",
            dir.path().join("no/dir/r.json").display().to_string(),
        ),
        ("--write-xfail", dir.path().display().to_string()),
        (
            "--write-xfail",
            dir.path().join("no/dir/x.toml").display().to_string(),
        ),
    ];
    for (flag, path) in bad_paths {
        let out = amperr(&["check", flag, &path, "--", "sh", "-c", &decoder], b"");
        assert_eq!(out.status.code(), Some(2), "{flag} {path}");
        let err = text(&out.stderr);
        assert!(err.contains(&format!("cannot write to {path}")), "{err}");
        assert!(!marker.exists(), "{flag} {path} was checked after the run");
    }
}

#[test]
fn an_output_over_an_input_or_the_other_output_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("decoder-ran");
    let decoder = dir.path().join("decoder.sh");
    let script = format!("touch {}; cat >/dev/null\n", marker.display());
    std::fs::write(&decoder, &script).unwrap();
    let xfail = dir.path().join("known.toml");
    std::fs::write(&xfail, "").unwrap();
    let (decoder_path, xfail_path) = (decoder.display().to_string(), xfail.display().to_string());
    let report = dir.path().join("r.json").display().to_string();
    // The same file under another name is the same file.
    let linked = dir.path().join("linked.sh");
    std::os::unix::fs::symlink(&decoder, &linked).unwrap();
    let linked = linked.display().to_string();
    let cases: [(&[&str], &str); 4] = [
        (&["--output", &decoder_path], "--output"),
        (&["--output", &linked], "--output"),
        (
            &["--xfail", &xfail_path, "--write-xfail", &xfail_path],
            "--write-xfail",
        ),
        (
            &["--output", &report, "--write-xfail", &report],
            "--write-xfail",
        ),
    ];
    for (flags, flag) in cases {
        let mut args = vec!["check"];
        args.extend(flags);
        args.extend(["--", "sh", &decoder_path]);
        let out = amperr(&args, b"");
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("amperr: {flag} ")),
            "{flags:?}: {err}"
        );
        assert!(
            err.contains("amperr will not write over it; give another path"),
            "{err}"
        );
        assert!(!marker.exists(), "{flags:?} was checked after the run");
        assert_eq!(std::fs::read_to_string(&decoder).unwrap(), script);
        assert_eq!(std::fs::read_to_string(&xfail).unwrap(), "");
    }
}

#[test]
fn an_output_over_the_program_found_through_path_is_refused_before_the_run() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let marker = dir.path().join("ran");
    // A decoder and a browser named by their names alone, found through PATH; each leaves
    // a mark if it starts.
    let script = format!("#!/bin/sh\ntouch {}\ncat >/dev/null\n", marker.display());
    for name in ["mydec", "chromium"] {
        let file = bin.join(name);
        std::fs::write(&file, &script).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // A file of that name earlier in PATH that cannot be run is not what runs.
    let not_run = dir.path().join("not-run");
    std::fs::create_dir(&not_run).unwrap();
    std::fs::write(not_run.join("mydec"), "not a program").unwrap();
    let page_script = dir.path().join("player.js");
    std::fs::write(&page_script, "").unwrap();
    let path = std::env::join_paths(
        [not_run.clone(), bin.clone()]
            .into_iter()
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let decoder = bin.join("mydec").display().to_string();
    let browser = bin.join("chromium").display().to_string();
    let page_script = page_script.display().to_string();
    let cases: [(&[&str], &str); 3] = [
        (&["check", "--output", &decoder, "--", "mydec"], &decoder),
        (
            &["check", "--write-xfail", &decoder, "--", "mydec", "--fast"],
            &decoder,
        ),
        (
            &[
                "check-player",
                "--script",
                &page_script,
                "--output",
                &browser,
            ],
            &browser,
        ),
    ];
    for (args, program) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_amperr"))
            .args(args)
            .env("PATH", &path)
            .current_dir(root())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(&format!(
                "{program} is also an input of the run: amperr will not write over it"
            )),
            "{args:?}: {err}"
        );
        assert!(!marker.exists(), "{args:?} was checked after the run");
        assert_eq!(
            std::fs::read_to_string(program).unwrap(),
            script,
            "{args:?}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(not_run.join("mydec")).unwrap(),
        "not a program"
    );
}

#[test]
fn an_output_over_a_script_the_command_names_indirectly_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let source = "// the team's decoder\n";
    for name in ["dec.js", "impl.py", "pdec.py", "pkg.py"] {
        std::fs::write(dir.path().join(name), source).unwrap();
    }
    let at = |name: &str| dir.path().join(name).display().to_string();
    // node finds dec.js for `dec`, python3 -m pdec.py for `pdec`, and an option's value
    // after `=` names a file as well as a separate argument does.
    let cases: [(&str, &[&str]); 3] = [
        ("dec.js", &["node", "dec"]),
        ("impl.py", &["sh", "wrap.sh", "--impl=impl.py"]),
        ("pdec.py", &["python3", "-m", "pdec"]),
    ];
    for (file, command) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_amperr"))
            .args(["check", "--output", &at(file), "--"])
            .args(command)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {err}");
        assert!(
            err.contains("is also an input of the run"),
            "{command:?}: {err}"
        );
        assert_eq!(std::fs::read_to_string(at(file)).unwrap(), source);
    }
}

fn saved_report(dir: &Path) -> (PathBuf, serde_json::Value) {
    let path = dir.join("report.json");
    let out = check(&["--format", "json", "--output", &path.display().to_string()]);
    assert_eq!(out.status.code(), Some(0));
    let json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (path, json)
}

#[test]
fn a_report_is_not_written_over_the_report_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = saved_report(dir.path());
    let saved = std::fs::read(&path).unwrap();
    let shown = path.display().to_string();
    // The same file under another name is the same file.
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let link = link.display().to_string();
    for output in [&shown, &link] {
        let out = amperr(
            &["report", &shown, "--format", "html", "--output", output],
            b"",
        );
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{output}: {err}");
        assert!(
            err.contains(&format!(
                "--output {output} is also the report read: amperr will not write over it; \
                 give another path"
            )),
            "{err}"
        );
        assert!(out.stdout.is_empty());
        assert_eq!(std::fs::read(&path).unwrap(), saved, "{output}");
    }
    // Read from stdin (`report - < R.json`): stdin is that file.
    let out = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(["report", "-", "--format", "html", "--output", &shown])
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is also the report read"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), saved, "through stdin");
    // Another path is written, and the report read stays as it was.
    let html = dir.path().join("report.html").display().to_string();
    let out = amperr(
        &["report", &shown, "--format", "html", "--output", &html],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    assert_eq!(std::fs::read(&path).unwrap(), saved);
}

/// A version 1 report reads as version 2, so the JSON view of it is a version 2 report: it
/// said version 1 while holding what version 2 added.
#[test]
fn a_version_1_report_is_given_back_as_version_2() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut json) = saved_report(dir.path());
    json["format_version"] = 1.into();
    std::fs::write(&path, json.to_string()).unwrap();
    let out = amperr(
        &["report", "--format", "json", &path.display().to_string()],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let given: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(given["format_version"], 2);
    json["format_version"] = 2.into();
    assert_eq!(given, json, "nothing else changes");

    // Version 1 gave a case not run a reproduce command; version 2 gives none.
    let saved = path.display().to_string();
    let crash = ["python3", "tests/fixtures/misbehave.py", "crash"];
    let args = [
        &[
            "check",
            "--max-restarts",
            "0",
            "--format",
            "json",
            "--output",
            &saved,
            "--",
        ][..],
        &crash,
    ]
    .concat();
    let out = amperr(&args, b"");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let not_run = (json["groups"].as_array().unwrap().iter())
        .position(|g| g["failure"]["kind"] == "not_run")
        .expect("a group of cases not run");
    assert!(json["groups"][not_run]["example"]["reproduce"].is_null());
    json["format_version"] = 1.into();
    json["groups"][not_run]["example"]["reproduce"] = "echo 1 | decoder".into();
    std::fs::write(&path, json.to_string()).unwrap();
    let out = amperr(
        &["report", "--format", "json", &path.display().to_string()],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let given: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        given["groups"][not_run]["example"]["reproduce"].is_null(),
        "{given}"
    );
}

/// One FIFO as the input and the output: amperr would read the input from it, then wait
/// forever to write into it (a FIFO is written through, so it was never "replaced").
#[test]
fn a_fifo_that_is_also_an_input_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let f = fifo.display().to_string();
    let python = ["--", "python3", "examples/adapters/decoder.py"];
    let report_args = ["report", &f, "--format", "junit", "--output", &f];
    let check_args = [&["check", "--xfail", &f, "--output", &f][..], &python].concat();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let l = link.display().to_string();
    let via_link = ["report", &f, "--output", &l];
    // amperr on `args` and `stdin`, given 20 s to end: its exit status and stderr.
    let within = |args: &[&str], stdin: Stdio| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_amperr"))
            .args(args)
            .stdin(stdin)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let status = wait_with_timeout(&mut child, Duration::from_secs(20));
        let mut err = String::new();
        let mut stderr = child.stderr.take().unwrap();
        stderr.read_to_string(&mut err).unwrap();
        (status.code(), err)
    };
    for args in [&report_args[..], &check_args, &via_link] {
        // Nothing writes into the FIFO: a refusal comes before amperr reads it.
        let (status, err) = within(args, Stdio::inherit());
        assert_eq!(status, Some(2), "{args:?}: {err}");
        assert!(err.contains("is also"), "{args:?}: {err}");
    }
    // The FIFO as stdin (opened read-write, so that opening it does not wait).
    let stdin = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    let (status, err) = within(&["report", "-", "--output", &f], stdin.into());
    assert_eq!(status, Some(2), "stdin: {err}");
    assert!(err.contains("is also the report read"), "stdin: {err}");

    // A device read, then written, is no clash (it was refused: "will not write over it").
    let device = dir.path().join("null");
    let null = nix::sys::stat::makedev(1, 3);
    let mode = nix::sys::stat::Mode::from_bits_truncate(0o666);
    nix::sys::stat::mknod(&device, nix::sys::stat::SFlag::S_IFCHR, mode, null).unwrap();
    let d = device.display().to_string();
    let out = check(&["--xfail", &d, "--output", &d]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        std::fs::metadata(&device)
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

/// A saved report is untrusted: `report` states the verdict it carries, so one that `check`
/// could not have written (a conclusion its own findings contradict, a map of another
/// shape, an unknown profile, lists beyond what a run writes) is refused, naming what is
/// wrong. Such reports were shown: a green CONFORMANT over four failing groups, say.
#[test]
fn a_report_check_could_not_have_written_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, json) = saved_report(dir.path());
    assert_eq!(json["conclusion"], "conformant");
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit, &str); 13] = [
        (
            "count",
            |j| {
                j["counts"]["pass"] = (j["counts"]["pass"].as_u64().unwrap() - 1).into();
                j["counts"]["mismatch"] = 1.into();
            },
            "conclusion is conformant, but",
        ),
        (
            "cell",
            |j| j["map"][1] = format!("M{}", ".".repeat(255)).into(),
            "conformant, but",
        ),
        (
            "broken",
            |j| j["conclusion"] = "broken".into(),
            "counts answers judged",
        ),
        (
            "conclusion",
            |j| j["conclusion"] = "not_conformant".into(),
            "lists no failing group",
        ),
        (
            "problem",
            |j| j["run_problems"] = vec!["x"].into(),
            "conclusion is conformant, but",
        ),
        (
            "rows",
            |j| j["map"] = vec!["Z".repeat(256); 3].into(),
            "the map has 3 rows",
        ),
        (
            "letter",
            |j| j["map"][2] = "Z".repeat(256).into(),
            "map row 2 holds 'Z'",
        ),
        (
            "width",
            |j| j["map"][0] = ".".repeat(257).into(),
            "map row 0 is not 256 letters",
        ),
        (
            "profile",
            |j| j["profile"] = "amp-9".into(),
            "profile is \"amp-9\"",
        ),
        (
            "shard",
            |j| j["shard"] = "0/0".into(),
            "shard: \"0/0\" is not a shard",
        ),
        (
            "counts",
            |j| j["counts"]["pass"] = 1_000_000_000_000u64.into(),
            "do not add up",
        ),
        (
            "kind",
            |j| j["kind"] = "checks".into(),
            "kind is \"checks\"",
        ),
        (
            "notes",
            |j| j["notes"] = vec![""; 1_000_001].into(),
            "notes holds 1000001 items: a run writes at most 1000000",
        ),
    ];
    for (what, edit, says) in edits {
        let mut changed = json.clone();
        edit(&mut changed);
        std::fs::write(&path, changed.to_string()).unwrap();
        for format in ["text", "junit", "html", "json"] {
            let out = amperr(
                &["report", "--format", format, &path.display().to_string()],
                b"",
            );
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{what}, {format}: {err}");
            assert!(err.contains(says), "{what}: {err}");
            assert!(out.stdout.is_empty(), "{what}");
        }
    }
    // A byte-order mark before it (as PowerShell writes) is read past, as check-table does.
    std::fs::write(&path, format!("\u{feff}{json}")).unwrap();
    let out = amperr(&["report", &path.display().to_string()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // At the bounds, a report is read.
    let mut kept = json.clone();
    kept["notes"] = vec![""; 1_000_000].into();
    std::fs::write(&path, kept.to_string()).unwrap();
    let out = amperr(&["report", &path.display().to_string()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_report_of_another_version_is_refused_naming_the_versions_read() {
    let dir = tempfile::tempdir().unwrap();
    let (path, json) = saved_report(dir.path());
    for (key, value, says) in [
        (
            "format_version",
            99,
            "format version 99; this build reads format versions 1 and 2",
        ),
        (
            "protocol_version",
            2,
            "protocol version 2; this build reads protocol version 1",
        ),
    ] {
        let mut changed = json.clone();
        changed[key] = value.into();
        std::fs::write(&path, changed.to_string()).unwrap();
        let out = amperr(&["report", &path.display().to_string()], b"");
        assert_eq!(out.status.code(), Some(2), "{key}");
        assert!(text(&out.stderr).contains(says), "{}", text(&out.stderr));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_tampered_report_cannot_drive_the_terminal_or_break_the_xml() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut json) = saved_report(dir.path());
    let evil = "x\u{1b}[2J\u{7}\u{9b}31m\u{202e}\u{2028}\u{fffe}\u{ffff}\u{1}";
    json["decoder"] = serde_json::json!([evil]);
    json["conclusion"] = "not_conformant".into();
    json["run_problems"] = serde_json::json!([evil]);
    json["notes"] = serde_json::json!([evil]);
    json["stderr"] = evil.into();
    json["aliases_accepted"] = serde_json::json!({ evil: 1 });
    std::fs::write(&path, json.to_string()).unwrap();
    let shown = path.display().to_string();
    for format in ["text", "junit", "html"] {
        let out = amperr(&["report", &shown, "--format", format], b"");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let view = text(&out.stdout);
        assert_nothing_raw(&view, format);
        if format == "junit" {
            roxmltree::Document::parse(&view).unwrap_or_else(|e| panic!("{e}:\n{view}"));
        }
    }
    // The reason a report is refused quotes it: escaped too.
    for key in ["conclusion", "profile", "kind", "shard"] {
        let mut refused = json.clone();
        refused[key] = evil.into();
        std::fs::write(&path, refused.to_string()).unwrap();
        let out = amperr(&["report", &shown], b"");
        assert_eq!(out.status.code(), Some(2), "{key}");
        assert_nothing_raw(&text(&out.stderr), key);
    }
}

#[test]
fn a_report_with_an_impossible_run_time_is_refused_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (path, json) = saved_report(dir.path());
    let shown = path.display().to_string();
    let old = format!("\"seconds\":{}", json["seconds"]);
    assert!(json.to_string().contains(&old), "{json}");
    // 1e20 s and 1.7e308 s overflowed the JUnit time (a panic, exit 101); -1 s was shown.
    for seconds in ["1e20", "1.7e308", "-1", "-0.5", "1e400"] {
        let changed = json
            .to_string()
            .replace(&old, &format!("\"seconds\":{seconds}"));
        std::fs::write(&path, changed).unwrap();
        for format in ["junit", "text", "html", "json"] {
            let out = amperr(&["report", &shown, "--format", format], b"");
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{seconds} {format}: {err}");
            assert!(out.stdout.is_empty(), "{seconds} {format}");
            assert!(err.contains(&shown), "{err}");
            // (1e400 is no number serde reads: refused as out of range, as it was.)
            if seconds != "1e400" {
                assert!(
                    err.contains("seconds is ")
                        && err.contains("a number of seconds from 0 to 10000000000"),
                    "{seconds}: {err}"
                );
            }
        }
    }
}

#[test]
fn junit_is_well_formed_whatever_the_decoder_sends() {
    let out = amperr(
        &[
            "check",
            "--format",
            "junit",
            "--",
            "python3",
            "tests/fixtures/misbehave.py",
            "xml-hostile",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let xml = text(&out.stdout);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    assert!(doc.descendants().any(|n| n.has_tag_name("failure")));
    assert_nothing_raw(&xml, "JUnit");
}

#[test]
fn the_decoder_command_in_the_header_is_escaped() {
    let program = "/nonexistent/\u{1b}[2J\u{202e}decoder";
    let out = amperr(&["check", "--", program], b"");
    assert_eq!(out.status.code(), Some(3));
    assert_nothing_raw(&text(&out.stdout), "the report");
    assert_nothing_raw(&text(&out.stderr), "stderr");
    assert!(text(&out.stdout).contains("\\u{1b}[2J\\u{202e}decoder"));
}

#[test]
fn table_keys_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("table.json");
    std::fs::write(&table, r#"{"x\u001b[2J\u202e": 1}"#).unwrap();
    let out = amperr(&["check-table", &table.display().to_string()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_nothing_raw(&text(&out.stdout), "check-table");
}

#[test]
fn table_keys_are_escaped_in_json_too_and_read_back_exactly() {
    // JSON's own \u escapes: safe on a terminal, and a consumer gets the name as it was.
    let name = "x\u{1b}[2J\u{202e}\u{9b}\u{2028}\u{fffe}";
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("table.json");
    std::fs::write(&table, serde_json::json!({ name: 1 }).to_string()).unwrap();
    let table = table.display().to_string();
    let out = amperr(&["check-table", "--format", "json", &table], b"");
    assert_eq!(out.status.code(), Some(1));
    let json = text(&out.stdout);
    assert_nothing_raw(&json, "check-table JSON");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["unknown"][0]["name"], name);
}

#[test]
fn a_decoders_answers_are_escaped_in_the_json_report() {
    let out = amperr(
        &[
            "check",
            "--format",
            "json",
            "--",
            "python3",
            "tests/fixtures/misbehave.py",
            "xml-hostile",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let json = text(&out.stdout);
    assert_nothing_raw(&json, "the JSON report");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        report.to_string().contains('\u{202e}'),
        "the answer is kept as it was"
    );
}

#[test]
fn a_bad_option_value_is_escaped_in_the_usage_error() {
    for args in [
        ["decode", "--profile", "\u{1b}]0;PWNED\u{7}\u{202e}", "0x1"],
        ["scan", "--fail-on", "\u{9b}31m\u{2028}", "-"],
    ] {
        let out = amperr(&args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert_nothing_raw(&stderr, "the usage error");
        assert!(
            stderr.contains("\\u{"),
            "the value is shown escaped: {stderr}"
        );
        assert!(
            stderr.contains("possible values"),
            "what is accepted: {stderr}"
        );
    }
}

/// The peak resident memory of a running process, sampled until it ends, in KiB.
fn peak_rss(pid: u32, done: &mpsc::Receiver<()>) -> u64 {
    let mut peak = 0;
    while done.try_recv().is_err() {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        if let Some(kib) = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        {
            peak = peak.max(kib);
        }
        thread::sleep(Duration::from_millis(20));
    }
    peak
}

#[test]
fn millions_of_vectors_are_streamed_not_held() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .args(["vectors", "--random", "2000000"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (done, finished) = mpsc::channel();
    let sampler = thread::spawn(move || peak_rss(pid, &finished));
    let mut lines = 0u64;
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = Vec::new();
    while out.read_until(b'\n', &mut line).unwrap() > 0 {
        lines += 1;
        line.clear();
    }
    assert!(child.wait().unwrap().success());
    let _ = done.send(());
    let peak_kib = sampler.join().unwrap();
    assert!(lines > 2_000_000);
    // 2 million lines are about 600 MB of output; what is held is the set of codes.
    assert!(peak_kib < 150 * 1024, "peak resident memory {peak_kib} KiB");
}

#[test]
fn the_rust_adapter_answers_each_request_before_its_input_ends() {
    let adapter = PathBuf::from(env!("CARGO_BIN_EXE_amperr"))
        .with_file_name("examples")
        .join("adapter");
    let mut child = Command::new(adapter)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (send, answers) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || send.send(buf[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    for code in [538_968_468u32, 1] {
        writeln!(stdin, "{code}").unwrap();
        stdin.flush().unwrap();
        // Its input is still open: the answer must come anyway.
        let answer = answers
            .recv_timeout(Duration::from_secs(10))
            .expect("no answer while the input stays open");
        assert!(text(&answer).starts_with(&format!("{{\"code\":{code},")));
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

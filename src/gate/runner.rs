//! Running an untrusted decoder: spawned from argv, pipelined, timed, restarted, reaped.
//!
//! The decoder is a program the gate does not trust, so:
//! - it is started from argv with no shell, in a process group of its own, marked with an
//!   environment cookie; when a session ends the decoder, its group and every process that
//!   carries the cookie (a daemon that left the group, say) are killed, and those orphaned
//!   to the gate (it is their subreaper) are reaped, within a bounded time;
//! - one thread writes requests and another reads answers, so a decoder that buffers its
//!   output, or stops reading, cannot block the gate;
//! - every line read is bounded ([`protocol::MAX_LINE`]), so is the read-ahead, and stderr
//!   is drained into a bounded log;
//! - an idle timeout (neither an answer nor a request taken while cases are pending) and a
//!   total timeout bound the run; a crash, hang or protocol error fails the case that
//!   causes it, and the decoder is restarted on the cases after it, a bounded number of
//!   times.
//!
//! The session is the unit of this: `Session` owns the process, and dropping it kills
//! and reaps, on every path.

use std::collections::BTreeSet;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid, waitpid};
use nix::unistd::Pid;

use crate::catalog::Profile;
use crate::gate::corpus::Corpus;
use crate::gate::judge::judge;
use crate::gate::protocol::{self, FieldName, ProtocolError, Response, parse_response};
use crate::gate::report::{Failure, Report, Tally};
use crate::gate::xfail::{Scope, Xfail};
use crate::lines::{BoundedLines, Line};

/// How long a decoder may take to exit once its stdin is closed and all is answered.
const EXIT_GRACE: Duration = Duration::from_secs(2);
/// How long to wait for a decoder whose output ended to report its exit status.
const CRASH_GRACE: Duration = Duration::from_millis(500);
/// How long killed processes get to be reaped before the gate stops waiting for them.
const REAP_GRACE: Duration = Duration::from_secs(2);
/// How much of a session's stderr is kept.
const STDERR_KEPT: usize = 16 * 1024;
/// Answers read ahead of the judge: enough to keep the pipe busy; with
/// [`protocol::MAX_LINE`], at most 64 MiB however a decoder floods.
const READ_AHEAD: usize = 1024;
/// The environment variable whose value marks a session's processes.
const COOKIE_ENV: &str = "AMPERR_GATE_SESSION";

/// The limits of a run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Neither an answer nor a request taken for this long, while cases are pending,
    /// fails the case in flight.
    pub idle_timeout: Duration,
    /// The whole run's limit; cases not answered by then are not run.
    pub total_timeout: Duration,
    /// How many times a decoder may be restarted.
    pub max_restarts: u32,
    /// Fields whose absence from an answer fails the case.
    pub require: Vec<FieldName>,
    /// Known failures that do not fail the gate.
    pub xfail: Xfail,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            idle_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(600),
            max_restarts: 64,
            require: Vec::new(),
            xfail: Xfail::default(),
        }
    }
}

/// Runs the decoder `argv` over the corpus and reports. `progress` is told how many
/// cases are done after each one.
///
/// Cases are pipelined to one decoder process. When it crashes or hangs, the case in
/// flight is not necessarily the culprit: a decoder that buffers its output dies with
/// answers unsent. So the gate searches: it reruns from the case in flight in windows of
/// 1, 2, 4... cases (stdin closed after each window), halving a window that fails, until a
/// fresh process given one case alone fails on it; that case is blamed, and pipelining
/// resumes after it. A protocol error names its line, so it is blamed at once. Every
/// process after the first counts against `max_restarts`.
///
/// The gate makes itself the child subreaper of its process (Linux), so that it can reap
/// what a decoder orphans.
pub fn run(
    argv: &[String],
    corpus: &Corpus,
    options: &Options,
    progress: &mut dyn FnMut(usize),
) -> Report {
    run_recording(argv, corpus, options, progress).0
}

/// [`run`], also returning every failure as `(case index, scope)`, for a baseline
/// (`xfail::baseline`).
pub fn run_recording(
    argv: &[String],
    corpus: &Corpus,
    options: &Options,
    progress: &mut dyn FnMut(usize),
) -> (Report, BTreeSet<(usize, Scope)>) {
    let started = Instant::now();
    let mut tally = Tally::new(corpus, &options.require, &options.xfail);
    let run = Run {
        corpus,
        options,
        deadline: started + options.total_timeout,
    };
    let total = corpus.cases.len();
    let (mut next, mut window, mut sessions) = (0, None::<usize>, 0u32);
    // The stderr of the first session that failed, else of the last one.
    let (mut failed_stderr, mut last_stderr) = (None::<String>, String::new());
    // Failures of runs not yet traced to a case.
    let mut unexplained: Vec<String> = Vec::new();
    while next < total {
        if let Some((key, reason)) = run.stop_reason(sessions) {
            not_run(&mut tally, next, total, &key, &reason);
            break;
        }
        tally.restarts = sessions;
        sessions += 1;
        let end = window.map_or(total, |n| (next + n).min(total));
        let codes: Vec<u32> = corpus.cases[next..end].iter().map(|c| c.code.0).collect();
        let mut session = match Session::start(argv, Requests::Batch(codes), next) {
            Ok(session) => session,
            Err(e) => {
                let program = argv.first().map_or("", String::as_str);
                tally.problem(format!("could not start {program:?}: {e}"));
                not_run(
                    &mut tally,
                    next,
                    total,
                    "could not start",
                    "the decoder could not be started",
                );
                break;
            }
        };
        let end_of_session = run.drive(&mut session, next, end, &mut tally, progress);
        session.stop();
        last_stderr = session.stderr();
        match end_of_session {
            SessionEnd::Completed => {
                next = end;
                // Searching and the window passed: widen it; past the corpus, pipeline.
                window = window.map(|n| n * 2).filter(|n| *n < total);
            }
            SessionEnd::Deadline { at } => next = at,
            SessionEnd::Failed {
                at,
                blame_now,
                failure,
            } => {
                failed_stderr.get_or_insert_with(|| last_stderr.clone());
                next = at;
                // A fresh process that was given this one case alone and failed on it.
                let alone = session.first == at && end == at + 1;
                if blame_now || alone {
                    tally.case_failed(at, failure.kind, &failure.key, failure.detail);
                    next = at + 1;
                    window = None;
                    // The case explains the runs that ended early on the way to it.
                    unexplained.clear();
                } else {
                    tally.note(format!(
                        "a run ended early ({}); the decoder was restarted to find the case at fault",
                        failure.detail
                    ));
                    unexplained.push(match failure.kind {
                        Failure::Crash => format!("the decoder {}", failure.key),
                        _ => failure.detail,
                    });
                    // The culprit is in at..end, if one case is: try the first half from
                    // the case in flight (from a full pipeline, that case alone).
                    window = Some(window.map_or(1, |_| ((end - at) / 2).max(1)));
                }
            }
        }
        progress(next);
    }
    // Runs that ended early, with no case found at fault: the decoder fails on its own.
    for what in unexplained {
        tally.problem(format!(
            "{what} in a run of several cases, and no single case makes it fail"
        ));
    }
    let failures = tally.failures().clone();
    let stderr = failed_stderr.unwrap_or(last_stderr);
    (
        tally.finish(argv, started.elapsed().as_secs_f64(), stderr),
        failures,
    )
}

fn not_run(tally: &mut Tally<'_>, from: usize, to: usize, key: &str, reason: &str) {
    for index in from..to {
        tally.case_failed(index, Failure::NotRun, key, reason.to_string());
    }
}

/// What ended a failed session, to be blamed on a case once the search has found it.
struct Blame {
    kind: Failure,
    key: String,
    detail: String,
}

enum SessionEnd {
    /// Every case of the session was answered.
    Completed,
    /// The total timeout passed with case `at` pending: nothing is blamed.
    Deadline { at: usize },
    /// The session failed with case `at` in flight; cases before it were judged.
    Failed {
        at: usize,
        blame_now: bool,
        failure: Blame,
    },
}

struct Run<'a> {
    corpus: &'a Corpus,
    options: &'a Options,
    deadline: Instant,
}

impl Run<'_> {
    /// Why no further session may start: (group key, reason).
    fn stop_reason(&self, sessions: u32) -> Option<(String, String)> {
        if sessions > self.options.max_restarts {
            let reason = format!(
                "the restart limit ({}) was reached",
                self.options.max_restarts
            );
            return Some(("restart limit".to_string(), reason));
        }
        if Instant::now() >= self.deadline {
            let reason = format!(
                "the total timeout ({:?}) was reached",
                self.options.total_timeout
            );
            return Some(("total timeout".to_string(), reason));
        }
        None
    }

    /// Feeds one session the answers to cases `next..end` until it ends.
    fn drive(
        &self,
        session: &mut Session,
        mut next: usize,
        end: usize,
        tally: &mut Tally<'_>,
        progress: &mut dyn FnMut(usize),
    ) -> SessionEnd {
        // Idle means neither an answer nor a request taken by the decoder: a whole idle
        // timeout is waited for an answer, and only then is the writer asked when the
        // decoder last took a request (no clock is read for that per answer).
        let idle = self.options.idle_timeout;
        let mut wait = idle;
        while next < end {
            let left = self.deadline.saturating_duration_since(Instant::now());
            let line = match session.lines.recv_timeout(wait.min(left)) {
                Ok(Ok(line)) => line,
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => return crashed(session, next),
                Err(RecvTimeoutError::Timeout) if Instant::now() >= self.deadline => {
                    return SessionEnd::Deadline { at: next };
                }
                Err(RecvTimeoutError::Timeout) => {
                    let since_taken = session.last_request_taken().elapsed();
                    if since_taken < idle {
                        wait = idle - since_taken;
                        continue;
                    }
                    // Dead, with a child still holding its stdout: a crash, not a hang.
                    if session.exited_within(Duration::ZERO) {
                        return crashed(session, next);
                    }
                    return self.idled(next);
                }
            };
            wait = idle;
            if let Err(failure) = self.judge_line(line, next, session.first, tally) {
                return SessionEnd::Failed {
                    at: next,
                    blame_now: true,
                    failure,
                };
            }
            next += 1;
            progress(next);
        }
        session.finish(tally);
        SessionEnd::Completed
    }

    fn idled(&self, at: usize) -> SessionEnd {
        let detail = format!(
            "no answer for {:?} (the idle timeout)",
            self.options.idle_timeout
        );
        let failure = Blame {
            kind: Failure::Timeout,
            key: "idle".to_string(),
            detail,
        };
        SessionEnd::Failed {
            at,
            blame_now: false,
            failure,
        }
    }

    /// Judges one stdout line as the answer to case `index` (the session began at
    /// `first`).
    fn judge_line(
        &self,
        (number, line): (usize, Line),
        index: usize,
        first: usize,
        tally: &mut Tally<'_>,
    ) -> Result<(), Blame> {
        let case = &self.corpus.cases[index];
        let text = match line {
            Line::Text(text) => text,
            Line::TooLong => return Err(protocol_error(number, ProtocolError::TooLong)),
            Line::NotUtf8 => return Err(protocol_error(number, ProtocolError::NotUtf8)),
        };
        match parse_response(&text) {
            Err(e) => Err(protocol_error(number, e)),
            Ok(response) if response.code() != case.code.0 => {
                let got = response.code();
                let repeated = index > first && self.corpus.cases[index - 1].code.0 == got;
                let e = match repeated {
                    true => ProtocolError::Repeated {
                        previous: got,
                        expected: case.code.0,
                    },
                    false => ProtocolError::WrongEcho {
                        expected: case.code.0,
                        got,
                    },
                };
                Err(protocol_error(number, e))
            }
            Ok(Response::Refusal { error, .. }) => {
                tally.case_failed(
                    index,
                    Failure::Refused,
                    "",
                    format!("refused: {}", protocol::shorten(&error)),
                );
                Ok(())
            }
            Ok(Response::Answer { fields, .. }) => {
                tally.answer(index, &judge(case, &fields));
                Ok(())
            }
        }
    }
}

fn crashed(session: &mut Session, at: usize) -> SessionEnd {
    let (key, detail) = session.crash_detail(at);
    SessionEnd::Failed {
        at,
        blame_now: false,
        failure: Blame {
            kind: Failure::Crash,
            key,
            detail,
        },
    }
}

fn protocol_error(line: usize, error: ProtocolError) -> Blame {
    let key = match &error {
        ProtocolError::NotJson(_) => "not JSON",
        ProtocolError::MissingCode | ProtocolError::BadCode(_) => "bad code",
        ProtocolError::WrongEcho { .. } => "wrong echo",
        ProtocolError::Repeated { .. } => "repeated answer",
        ProtocolError::TooLong => "too long",
        ProtocolError::NotUtf8 => "not UTF-8",
    };
    let detail = format!("line {line} of the decoder's stdout in its run: {error}");
    Blame {
        kind: Failure::ProtocolError,
        key: key.to_string(),
        detail,
    }
}

/// One run of the decoder process over the cases from `first` on.
struct Session {
    child: Child,
    pgid: Pid,
    cookie: String,
    lines: Receiver<io::Result<(usize, Line)>>,
    first: usize,
    started: Instant,
    /// Milliseconds after `started` at which the decoder last took a request.
    taken: Arc<AtomicU64>,
    log: Arc<Mutex<StderrLog>>,
    reaped: Option<ExitStatus>,
}

impl Session {
    fn start(argv: &[String], requests: Requests, first: usize) -> io::Result<Session> {
        static SESSIONS: AtomicU64 = AtomicU64::new(0);
        let (program, args) = argv
            .split_first()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no decoder command"))?;
        // Orphans of the decoder's wrappers are re-parented to the gate, not to an init
        // that may never reap them, so that `stop` can reap them.
        #[cfg(target_os = "linux")]
        let _ = nix::sys::prctl::set_child_subreaper(true);
        let cookie = format!(
            "{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::Relaxed)
        );
        let mut child = Command::new(program)
            .args(args)
            .env(COOKIE_ENV, &cookie)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()?;
        let pgid = Pid::from_raw(child.id() as i32);
        let (started, taken, log) = (
            Instant::now(),
            Arc::new(AtomicU64::new(0)),
            Arc::new(Mutex::default()),
        );
        if let Some(stdin) = child.stdin.take() {
            let taken = Arc::clone(&taken);
            thread::spawn(move || write_requests(stdin, requests, started, &taken));
        }
        if let Some(stderr) = child.stderr.take() {
            let log = Arc::clone(&log);
            thread::spawn(move || drain_stderr(stderr, &log));
        }
        let (sender, lines) = sync_channel(READ_AHEAD);
        if let Some(stdout) = child.stdout.take() {
            thread::spawn(move || read_answers(stdout, &sender));
        }
        Ok(Session {
            child,
            pgid,
            cookie,
            lines,
            first,
            started,
            taken,
            log,
            reaped: None,
        })
    }

    /// When the decoder last took a request from its stdin.
    fn last_request_taken(&self) -> Instant {
        self.started + Duration::from_millis(self.taken.load(Ordering::Relaxed))
    }

    /// What the decoder wrote on stderr in this session, cut to a bound.
    fn stderr(&self) -> String {
        self.log.lock().map(|l| l.text()).unwrap_or_default()
    }

    /// Whether the decoder has exited, waiting up to `grace`, without reaping it (so its
    /// process group id stays reserved until [`Session::stop`] kills the group).
    fn exited_within(&self, grace: Duration) -> bool {
        let end = Instant::now() + grace;
        let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
        loop {
            match waitid(Id::Pid(self.pgid), flags) {
                Ok(WaitStatus::StillAlive) if Instant::now() < end => {
                    thread::sleep(Duration::from_millis(2))
                }
                Ok(WaitStatus::StillAlive) => return false,
                Ok(_) | Err(_) => return true,
            }
        }
    }

    /// Kills the decoder, its process group and every process carrying the session's
    /// cookie, then reaps what is the gate's to reap, giving up after [`REAP_GRACE`].
    fn stop(&mut self) -> Option<ExitStatus> {
        if self.reaped.is_some() {
            return self.reaped;
        }
        // Each may be gone already; that is the goal, not an error. The decoder itself is
        // killed by pid too, in case it left its group.
        let _ = killpg(self.pgid, Signal::SIGKILL);
        let _ = kill(self.pgid, Signal::SIGKILL);
        // Killed by pid, the decoder dies whatever it does, so this wait ends.
        self.reaped = self.child.wait().ok();
        let deadline = Instant::now() + REAP_GRACE;
        let reapable = |pid: Pid| loop {
            match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(1))
                }
                Ok(WaitStatus::StillAlive) | Err(_) => return false,
                Ok(_) => return true,
            }
        };
        // Members of the group orphaned to the gate (its subreaper).
        let group = Pid::from_raw(-self.pgid.as_raw());
        while reapable(group) {
            let _ = killpg(self.pgid, Signal::SIGKILL);
        }
        // Then processes that left the group (a daemon in a session of its own): a reaped
        // process has handed its children to the gate already, so each round finds the
        // next generation, until none is left.
        while Instant::now() < deadline {
            let marked = marked_children(&self.cookie);
            if marked.is_empty() {
                break;
            }
            for pid in &marked {
                let _ = kill(*pid, Signal::SIGKILL);
            }
            for pid in marked {
                reapable(pid);
            }
        }
        self.reaped
    }

    /// Why the output ended early, with case `at` in flight: (group key, detail).
    fn crash_detail(&mut self, at: usize) -> (String, String) {
        let answered = at - self.first;
        let exited = self.exited_within(CRASH_GRACE);
        let status = self.stop();
        let what = match (exited, status) {
            (true, Some(status)) => describe(status),
            _ => "closed its stdout but did not exit".to_string(),
        };
        let detail = format!("the decoder {what} after {answered} answers in its run");
        (what, detail)
    }

    /// After the last answer: the decoder must send nothing more and exit 0.
    fn finish(&mut self, tally: &mut Tally<'_>) {
        let end = Instant::now() + EXIT_GRACE;
        let mut extra = 0usize;
        while let Ok(Ok(_)) = self
            .lines
            .recv_timeout(end.saturating_duration_since(Instant::now()))
        {
            extra += 1;
        }
        if extra > 0 {
            tally.problem(format!(
                "the decoder wrote {extra} lines after the last answer"
            ));
        }
        let exited = self.exited_within(end.saturating_duration_since(Instant::now()));
        let status = self.stop();
        match (exited, status) {
            (true, Some(status)) if status.success() => {}
            (true, Some(status)) => tally.problem(format!(
                "the decoder {} after answering every case",
                describe(status)
            )),
            _ => tally.problem(format!(
                "the decoder did not exit within {EXIT_GRACE:?} after its stdin closed"
            )),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The gate's own children whose environment holds `AMPERR_GATE_SESSION=<cookie>`: the
/// session's descendants orphaned to the gate, wherever they moved (a decoder that clears
/// its environment escapes this).
fn marked_children(cookie: &str) -> Vec<Pid> {
    let marker = format!("{COOKIE_ENV}={cookie}\0");
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    let children: Vec<i32> = tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
        .flat_map(|list| {
            let pids = list.split_whitespace().filter_map(|pid| pid.parse().ok());
            pids.collect::<Vec<i32>>()
        })
        .collect();
    children
        .into_iter()
        .filter(|pid| {
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            environ
                .windows(marker.len())
                .any(|w| w == marker.as_bytes())
        })
        .map(Pid::from_raw)
        .collect()
}

fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => {
            let name = Signal::try_from(signal).map_or("unknown", Signal::as_str);
            format!("was killed by signal {signal} ({name})")
        }
        _ => format!("ended: {status}"),
    }
}

/// What a session's writer sends.
enum Requests {
    /// These codes, in blocks, then the end of input.
    Batch(Vec<u32>),
    /// Each code as it arrives, flushed at once; the end of input when the sender goes.
    Live(Receiver<u32>),
}

/// Writes the requests, noting in `taken` when the decoder took them.
fn write_requests(stdin: impl Write, requests: Requests, started: Instant, taken: &AtomicU64) {
    // Small blocks: a blocked write returns once the decoder has read its block, so a
    // slow reader is seen taking requests often enough not to look idle.
    let mut out = BufWriter::with_capacity(
        4096,
        Noting {
            inner: stdin,
            started,
            taken,
        },
    );
    // A decoder that stops reading or exits makes a write fail: nothing more to do.
    let _ = match requests {
        Requests::Batch(codes) => codes
            .into_iter()
            .try_for_each(|code| writeln!(out, "{}", protocol::request(code))),
        Requests::Live(codes) => codes.iter().try_for_each(|code| {
            writeln!(out, "{}", protocol::request(code)).and_then(|()| out.flush())
        }),
    };
    let _ = out.flush();
}

/// The decoder's stdin, noting in `taken` (milliseconds after `started`) each time a
/// block got through: a write into a full pipe blocks until the decoder reads.
struct Noting<'a, W> {
    inner: W,
    started: Instant,
    taken: &'a AtomicU64,
}

impl<W: Write> Write for Noting<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.taken
            .store(self.started.elapsed().as_millis() as u64, Ordering::Relaxed);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn read_answers(stdout: ChildStdout, sender: &SyncSender<io::Result<(usize, Line)>>) {
    let reader = BufReader::with_capacity(64 * 1024, stdout);
    for item in BoundedLines::new(reader, protocol::MAX_LINE) {
        let failed = item.is_err();
        if sender.send(item).is_err() || failed {
            return;
        }
    }
}

#[derive(Default)]
struct StderrLog {
    kept: Vec<u8>,
    dropped: usize,
}

impl StderrLog {
    /// The kept bytes as text, control characters escaped (a decoder must not be able to
    /// rewrite the terminal or forge report lines).
    fn text(&self) -> String {
        let mut text = protocol::escape_controls(&String::from_utf8_lossy(&self.kept), true);
        if self.dropped > 0 {
            text.push_str(&format!(
                "\n[{} more bytes of stderr not kept]",
                self.dropped
            ));
        }
        text
    }
}

fn drain_stderr(mut stderr: impl Read, log: &Mutex<StderrLog>) {
    let mut buf = [0u8; 8192];
    while let Ok(n) = stderr.read(&mut buf) {
        if n == 0 {
            return;
        }
        let Ok(mut log) = log.lock() else { return };
        let room = STDERR_KEPT.saturating_sub(log.kept.len());
        let kept = n.min(room);
        log.kept.extend_from_slice(&buf[..kept]);
        log.dropped += n - kept;
    }
}

/// One decoder process kept alive and asked one case at a time: for differential fuzzing,
/// where each input must be judged as it comes. The decoder must answer each line before
/// it reads the next (flush per line; `python3 -u`), which the batch gate does not need.
pub struct LiveDecoder {
    argv: Vec<String>,
    idle_timeout: Duration,
    /// The running process and the sender of its requests; `None` after it failed.
    session: Option<(Session, Sender<u32>)>,
}

impl LiveDecoder {
    pub fn new(argv: Vec<String>, idle_timeout: Duration) -> LiveDecoder {
        LiveDecoder {
            argv,
            idle_timeout,
            session: None,
        }
    }

    /// Asks the decoder about one code and reports on that one case as the gate would:
    /// a mismatch, crash, hang or protocol error makes the report not conformant. A
    /// decoder that failed is started afresh for the next code.
    pub fn check(&mut self, code: u32, profile: Profile) -> Report {
        let started = Instant::now();
        let corpus = Corpus::one(profile, code);
        let options = Options {
            idle_timeout: self.idle_timeout,
            ..Options::default()
        };
        let mut tally = Tally::new(&corpus, &[], &options.xfail);
        let run = Run {
            corpus: &corpus,
            options: &options,
            deadline: started + options.total_timeout,
        };
        let mut stderr = String::new();
        match self.ask(code) {
            Err(e) => {
                let what = format!("could not start the decoder: {e}");
                tally.case_failed(0, Failure::NotRun, "could not start", what.clone());
                tally.problem(what);
            }
            Ok(session) => {
                let end = match session.lines.recv_timeout(options.idle_timeout) {
                    Ok(Ok(line)) => run.judge_line(line, 0, 0, &mut tally).err(),
                    Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                        let (key, detail) = session.crash_detail(0);
                        Some(Blame {
                            kind: Failure::Crash,
                            key,
                            detail,
                        })
                    }
                    Err(RecvTimeoutError::Timeout) => match run.idled(0) {
                        SessionEnd::Failed { failure, .. } => Some(failure),
                        _ => None,
                    },
                };
                if let Some(blame) = end {
                    tally.case_failed(0, blame.kind, &blame.key, blame.detail);
                    stderr = session.stderr();
                    // Dropping the session kills and reaps the decoder.
                    self.session = None;
                }
            }
        }
        tally.finish(&self.argv, started.elapsed().as_secs_f64(), stderr)
    }

    /// Sends a code to the running decoder, starting it first if need be.
    fn ask(&mut self, code: u32) -> io::Result<&mut Session> {
        if self.session.is_none() {
            let (sender, receiver) = channel();
            let session = Session::start(&self.argv, Requests::Live(receiver), 0)?;
            self.session = Some((session, sender));
        }
        let Some((session, sender)) = self.session.as_mut() else {
            return Err(io::Error::other("no decoder session"));
        };
        // The writer thread only goes away with the process; the answer will tell.
        let _ = sender.send(code);
        Ok(session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_children_are_found_by_their_cookie() {
        let mut child = Command::new("sleep")
            .arg("30")
            .env(COOKIE_ENV, "test-cookie-1")
            .spawn()
            .unwrap();
        // Until the exec is done, the child's environment is still the test's.
        let found = (0..100)
            .map(|_| {
                thread::sleep(Duration::from_millis(10));
                marked_children("test-cookie-1")
            })
            .find(|found| !found.is_empty())
            .unwrap_or_default();
        assert_eq!(found, [Pid::from_raw(child.id() as i32)]);
        assert!(
            marked_children("test-cookie-").is_empty(),
            "the whole value must match"
        );
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

//! Running an untrusted decoder: spawned from argv, pipelined, timed, restarted, reaped.
//!
//! The decoder is a program the gate does not trust, so:
//! - it is started from argv with no shell, in a process group of its own, and the whole
//!   group is killed when a session ends, so a wrapper's grandchild cannot outlive it;
//! - one thread writes requests and another reads answers, so a decoder that buffers its
//!   output, or stops reading, cannot block the gate;
//! - every line read is bounded ([`protocol::MAX_LINE`]), and stderr is drained into a
//!   bounded log;
//! - an idle timeout (no answer while cases are pending) and a total timeout bound the
//!   run; a crash, hang or protocol error fails the case in flight, and the decoder is
//!   restarted on the cases after it, a bounded number of times.
//!
//! The session is the unit of this: [`Session`] owns the process, and dropping it kills
//! the group and reaps the child, on every path.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid, waitpid};
use nix::unistd::Pid;

use crate::gate::corpus::Corpus;
use crate::gate::judge::judge;
use crate::gate::protocol::FieldName;
use crate::gate::protocol::{self, ProtocolError, Response, parse_response};
use crate::gate::report::{Failure, Report, Tally};
use crate::gate::xfail::{Scope, Xfail};
use crate::lines::{BoundedLines, Line};
use std::collections::BTreeSet;

/// How long a decoder may take to exit once its stdin is closed and all is answered.
const EXIT_GRACE: Duration = Duration::from_secs(2);
/// How long to wait for a decoder whose output ended to report its exit status.
const CRASH_GRACE: Duration = Duration::from_millis(500);
/// How much of the decoder's stderr the report keeps.
const STDERR_KEPT: usize = 16 * 1024;
/// Answers read ahead of the judge; bounds memory if a decoder floods its output.
const READ_AHEAD: usize = 4096;

/// The limits of a run.
#[derive(Clone, Debug)]
pub struct Options {
    /// No answer for this long while cases are pending fails the case in flight.
    pub idle_timeout: Duration,
    /// The whole run's limit; cases not answered by then are not run.
    pub total_timeout: Duration,
    /// How many times a decoder is restarted after a crash, hang or protocol error.
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
/// 1, 2, 4... cases (stdin closed after each window), halving a window that fails, until
/// one case fails alone; that case is blamed, and pipelining resumes after it. A protocol
/// error names its line, so it is blamed at once. Every process after the first counts
/// against `max_restarts`.
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
    let log = Arc::new(Mutex::new(StderrLog::default()));
    let mut tally = Tally::new(corpus, &options.require, &options.xfail);
    let run = Run {
        corpus,
        options,
        deadline: started + options.total_timeout,
    };
    let total = corpus.cases.len();
    let (mut next, mut window, mut sessions) = (0, None::<usize>, 0u32);
    while next < total {
        if let Some(reason) = run.stop_reason(sessions) {
            not_run(&mut tally, next, total, &reason.0, &reason.1);
            break;
        }
        tally.restarts = sessions;
        sessions += 1;
        let end = window.map_or(total, |n| (next + n).min(total));
        let codes: Vec<u32> = corpus.cases[next..end].iter().map(|c| c.code.0).collect();
        let mut session = match Session::start(argv, Requests::Batch(codes), next, &log) {
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
        match run.drive(&mut session, next, end, &mut tally, progress) {
            SessionEnd::Completed => {
                next = end;
                // Searching and the window passed: widen it; past the corpus, pipeline.
                window = window.map(|n| n * 2).filter(|n| *n < total);
            }
            SessionEnd::Failed {
                at,
                blame_now,
                failure,
            } => {
                next = at;
                if blame_now || end - at == 1 {
                    tally.case_failed(at, failure.kind, &failure.key, failure.detail);
                    next = at + 1;
                    window = None;
                } else {
                    tally.problem(format!(
                        "a run ended early ({}); the decoder was restarted to find the case at fault",
                        failure.detail
                    ));
                    // The culprit is in at..end: try its first half (or, from a full
                    // pipeline, the case in flight alone).
                    window = Some(window.map_or(1, |_| (end - at) / 2));
                }
            }
        }
        progress(next);
    }
    let stderr = log.lock().map(|l| l.text()).unwrap_or_default();
    let failures = tally.failures().clone();
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
        while next < end {
            let wait = self
                .options
                .idle_timeout
                .min(self.deadline.saturating_duration_since(Instant::now()));
            let line = match session.lines.recv_timeout(wait) {
                Ok(Ok(line)) => line,
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                    let (key, detail) = session.crash_detail(next);
                    let failure = Blame {
                        kind: Failure::Crash,
                        key,
                        detail,
                    };
                    return SessionEnd::Failed {
                        at: next,
                        blame_now: false,
                        failure,
                    };
                }
                Err(RecvTimeoutError::Timeout) => return self.timed_out(next),
            };
            if let Err(failure) = self.judge_line(line, next, tally) {
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

    fn timed_out(&self, at: usize) -> SessionEnd {
        let (key, detail, blame_now) = if Instant::now() >= self.deadline {
            let detail = format!(
                "no answer before the total timeout ({:?})",
                self.options.total_timeout
            );
            ("total", detail, true)
        } else {
            let detail = format!(
                "no answer for {:?} (the idle timeout)",
                self.options.idle_timeout
            );
            ("idle", detail, false)
        };
        let failure = Blame {
            kind: Failure::Timeout,
            key: key.to_string(),
            detail,
        };
        SessionEnd::Failed {
            at,
            blame_now,
            failure,
        }
    }

    /// Judges one stdout line as the answer to case `index`.
    fn judge_line(
        &self,
        (number, line): (usize, Line),
        index: usize,
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
                let e = ProtocolError::WrongEcho {
                    expected: case.code.0,
                    got: response.code(),
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

fn protocol_error(line: usize, error: ProtocolError) -> Blame {
    let key = match &error {
        ProtocolError::NotJson(_) => "not JSON",
        ProtocolError::MissingCode | ProtocolError::BadCode(_) => "bad code",
        ProtocolError::WrongEcho { .. } => "wrong echo",
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
    lines: Receiver<io::Result<(usize, Line)>>,
    first: usize,
    reaped: Option<ExitStatus>,
}

impl Session {
    fn start(
        argv: &[String],
        requests: Requests,
        first: usize,
        log: &Arc<Mutex<StderrLog>>,
    ) -> io::Result<Session> {
        let (program, args) = argv
            .split_first()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no decoder command"))?;
        // Orphans of the decoder's wrappers are re-parented to the gate, not to an init
        // that may never reap them, so that `stop` can reap them.
        #[cfg(target_os = "linux")]
        let _ = nix::sys::prctl::set_child_subreaper(true);
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()?;
        let pgid = Pid::from_raw(child.id() as i32);
        let (stdin, stdout, stderr) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take());
        if let Some(stdin) = stdin {
            thread::spawn(move || write_requests(stdin, requests));
        }
        if let Some(stderr) = stderr {
            let log = Arc::clone(log);
            thread::spawn(move || drain_stderr(stderr, &log));
        }
        let (sender, lines) = sync_channel(READ_AHEAD);
        if let Some(stdout) = stdout {
            thread::spawn(move || read_answers(stdout, &sender));
        }
        Ok(Session {
            child,
            pgid,
            lines,
            first,
            reaped: None,
        })
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

    /// Kills the whole process group, then reaps the decoder and every member of its
    /// group that was orphaned to the gate (see [`Session::start`]).
    fn stop(&mut self) -> Option<ExitStatus> {
        if self.reaped.is_none() {
            // The group may be gone already; that is the goal, not an error.
            let _ = killpg(self.pgid, Signal::SIGKILL);
            self.reaped = self.child.wait().ok();
            // All were killed; each reaped process hands its own orphans to the gate
            // before it can be reaped, so this ends with ECHILD once all are gone.
            let group = Pid::from_raw(-self.pgid.as_raw());
            while waitpid(group, None).is_ok() {}
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

fn write_requests(stdin: impl Write, requests: Requests) {
    let mut out = BufWriter::with_capacity(64 * 1024, stdin);
    // A decoder that stops reading or exits makes a write fail: nothing more to do.
    let _ = match requests {
        Requests::Batch(codes) => codes
            .iter()
            .try_for_each(|code| writeln!(out, "{}", protocol::request(*code))),
        Requests::Live(codes) => codes.iter().try_for_each(|code| {
            writeln!(out, "{}", protocol::request(code)).and_then(|()| out.flush())
        }),
    }
    .and_then(|()| out.flush());
}

/// One decoder process kept alive and asked one case at a time: for differential fuzzing,
/// where each input must be judged as it comes. The decoder must answer each line before
/// it reads the next (flush per line; `python3 -u`), which the batch gate does not need.
pub struct LiveDecoder {
    argv: Vec<String>,
    idle_timeout: Duration,
    log: Arc<Mutex<StderrLog>>,
    /// The running process and the sender of its requests; `None` after it failed.
    session: Option<(Session, std::sync::mpsc::Sender<u32>)>,
}

impl LiveDecoder {
    pub fn new(argv: Vec<String>, idle_timeout: Duration) -> LiveDecoder {
        LiveDecoder {
            argv,
            idle_timeout,
            log: Arc::default(),
            session: None,
        }
    }

    /// Asks the decoder about one code and reports on that one case as the gate would:
    /// a mismatch, crash, hang or protocol error makes the report not conformant. A
    /// decoder that failed is started afresh for the next code.
    pub fn check(&mut self, code: u32, profile: crate::catalog::Profile) -> Report {
        let started = Instant::now();
        let corpus = Corpus::one(profile, code);
        let options = Options {
            idle_timeout: self.idle_timeout,
            ..Options::default()
        };
        let mut tally = Tally::new(&corpus, &[], &options.xfail);
        match self.ask(code) {
            Err(e) => {
                let what = format!("could not start the decoder: {e}");
                tally.case_failed(0, Failure::NotRun, "could not start", what.clone());
                tally.problem(what);
            }
            Ok(session) => {
                let run = Run {
                    corpus: &corpus,
                    options: &options,
                    deadline: started + options.total_timeout,
                };
                let end = match session.lines.recv_timeout(options.idle_timeout) {
                    Ok(Ok(line)) => run.judge_line(line, 0, &mut tally).err(),
                    Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                        let (key, detail) = session.crash_detail(0);
                        Some(Blame {
                            kind: Failure::Crash,
                            key,
                            detail,
                        })
                    }
                    Err(RecvTimeoutError::Timeout) => match run.timed_out(0) {
                        SessionEnd::Failed { failure, .. } => Some(failure),
                        SessionEnd::Completed => None,
                    },
                };
                if let Some(blame) = end {
                    tally.case_failed(0, blame.kind, &blame.key, blame.detail);
                    // Dropping the session kills and reaps the decoder.
                    self.session = None;
                }
            }
        }
        let stderr = self.log.lock().map(|l| l.text()).unwrap_or_default();
        tally.finish(&self.argv, started.elapsed().as_secs_f64(), stderr)
    }

    /// Sends a code to the running decoder, starting it first if need be.
    fn ask(&mut self, code: u32) -> io::Result<&mut Session> {
        if self.session.is_none() {
            let (sender, receiver) = std::sync::mpsc::channel();
            let session = Session::start(&self.argv, Requests::Live(receiver), 0, &self.log)?;
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

fn read_answers(
    stdout: ChildStdout,
    sender: &std::sync::mpsc::SyncSender<io::Result<(usize, Line)>>,
) {
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
    fn text(&self) -> String {
        let mut text = String::from_utf8_lossy(&self.kept).into_owned();
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

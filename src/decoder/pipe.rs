//! The pipe transport: a decoder process that reads protocol v1 requests on stdin and
//! answers on stdout.
//!
//! Three threads per session keep the gate from ever waiting on the decoder: one writes
//! the requests (a decoder that stops reading blocks only that thread), one reads answer
//! lines into a bounded queue (a decoder that floods fills only the queue), one drains
//! stderr into a bounded log. The decoder is seen taking requests by a probe on its stdin
//! pipe: bytes written minus bytes still unread, so a decoder that reads slowly and
//! answers in large batches is working, not idle, however much the pipe buffers.

use std::io::{self, BufReader, Read, Write};
use std::process::ChildStdout;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::gate::case::{Case, Stimulus};
use crate::gate::outcome::reproduce;
use crate::gate::protocol;
use crate::gate::transport::{Ended, Finish, Next, Session, StartError, Transport};
use crate::lines::{BoundedLines, Line};
use crate::process::{self, Child, Pipes};

/// How long to wait for a decoder whose output ended to report its exit status.
const CRASH_GRACE: Duration = Duration::from_millis(500);
/// How much of a session's stderr is kept.
const STDERR_KEPT: usize = 16 * 1024;
/// Answers read ahead of the judge: enough to keep the pipe busy; with
/// [`protocol::MAX_LINE`], at most 64 MiB however a decoder floods.
const READ_AHEAD: usize = 1024;
/// Requests are written in blocks of this size.
const WRITE_BLOCK: usize = 4096;

/// A decoder command, started afresh for each run.
#[derive(Clone, Debug)]
pub struct Pipe {
    argv: Vec<String>,
}

impl Pipe {
    pub fn new(argv: Vec<String>) -> Pipe {
        Pipe { argv }
    }

    /// Starts the decoder and sends it each code that arrives on `codes`, flushed at once;
    /// its input ends when the sender is dropped. For judging one code at a time.
    pub fn start_live(&self, codes: Receiver<u32>) -> Result<PipeSession, StartError> {
        self.spawn(Requests::Live(codes))
    }

    fn spawn(&self, requests: Requests) -> Result<PipeSession, StartError> {
        let all = Pipes {
            stdin: true,
            stdout: true,
            stderr: true,
        };
        let spawned = process::spawn(&self.argv, all).map_err(|e| StartError {
            what: format!("{:?}", self.argv.first().map_or("", String::as_str)),
            reason: e.to_string(),
        })?;
        let written = Arc::new(AtomicU64::new(0));
        let (closing, closed) = channel();
        if let Some(stdin) = spawned.stdin {
            let written = Arc::clone(&written);
            thread::spawn(move || write_requests(stdin, requests, &written, &closing));
        }
        let log = Arc::new(Mutex::new(StderrLog::default()));
        if let Some(stderr) = spawned.stderr {
            let log = Arc::clone(&log);
            thread::spawn(move || drain_stderr(stderr, &log));
        }
        let (sender, lines) = sync_channel(READ_AHEAD);
        if let Some(stdout) = spawned.stdout {
            thread::spawn(move || read_answers(stdout, &sender));
        }
        Ok(PipeSession {
            child: spawned.child,
            probe: spawned.stdin_probe,
            written,
            closed,
            lines,
            log,
        })
    }
}

impl Transport for Pipe {
    type Session = PipeSession;

    fn start(&mut self, cases: Vec<Case>) -> Result<PipeSession, StartError> {
        self.spawn(Requests::Batch(cases))
    }

    fn reproduce(&self, case: &Case) -> String {
        reproduce(&self.argv, request(case))
    }

    fn describe(&self) -> Vec<String> {
        self.argv.clone()
    }
}

/// One run of the decoder process.
pub struct PipeSession {
    // Dropped first: ends the decoder and its group, before the probe closes.
    child: Child,
    probe: Option<io::PipeReader>,
    written: Arc<AtomicU64>,
    /// When the decoder's stdin was closed (the writer sends it).
    closed: Receiver<Instant>,
    lines: Receiver<io::Result<(usize, Line)>>,
    log: Arc<Mutex<StderrLog>>,
}

impl Session for PipeSession {
    fn next(&mut self, wait: Duration) -> Next {
        match self.lines.recv_timeout(wait) {
            Ok(Ok((number, line))) => Next::Line(number, line),
            Err(RecvTimeoutError::Timeout) => Next::Quiet,
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => Next::Ended,
        }
    }

    fn alive(&self) -> bool {
        !self.child.exited_within(Duration::ZERO)
    }

    fn taken(&self) -> u64 {
        let written = self.written.load(Ordering::Relaxed);
        let unread = self.probe.as_ref().map_or(Ok(0), process::unread);
        written.saturating_sub(unread.unwrap_or(0))
    }

    fn ended(&mut self) -> Ended {
        let exited = self.child.exited_within(CRASH_GRACE);
        match (exited, self.child.stop()) {
            (true, Some(status)) => Ended {
                what: process::describe(status),
                clean: status.success(),
            },
            _ => Ended {
                what: "closed its stdout but did not exit".to_string(),
                clean: false,
            },
        }
    }

    fn finish(&mut self, idle: Duration) -> Finish {
        // Idle from its last answer (now) or the end of its input, whichever came last:
        // a decoder that read everything long ago and answered since was working. Its
        // stdin is closed once the pipe has taken every request: if that has not happened
        // within the idle timeout, the decoder stopped reading its input.
        let answered = Instant::now();
        let (idle_since, input_ended) = match self.closed.recv_timeout(idle) {
            Ok(closed) => (closed.max(answered), true),
            Err(RecvTimeoutError::Disconnected) => (answered, true),
            Err(RecvTimeoutError::Timeout) => (answered, false),
        };
        let end = idle_since + idle;
        let mut finish = Finish {
            extra_lines: 0,
            first_extra: None,
            exit: Ok(()),
        };
        while let Ok(Ok((_, line))) = self
            .lines
            .recv_timeout(end.saturating_duration_since(Instant::now()))
        {
            finish.extra_lines += 1;
            finish.first_extra.get_or_insert(line);
        }
        let exited = self
            .child
            .exited_within(end.saturating_duration_since(Instant::now()));
        finish.exit = match (exited, self.child.stop()) {
            (true, Some(status)) if status.success() => Ok(()),
            (true, Some(status)) => Err(format!(
                "{} after answering every case",
                process::describe(status)
            )),
            _ if input_ended => Err(format!(
                "did not exit within {idle:?} (the idle timeout) once it had answered every \
                 case and its stdin was closed"
            )),
            _ => Err(format!(
                "answered every case but neither read the rest of its input nor exited \
                 within {idle:?} (the idle timeout)"
            )),
        };
        finish
    }

    fn diagnostics(&self) -> String {
        self.log.lock().map(|l| l.text()).unwrap_or_default()
    }
}

/// The code protocol v1 asks a decoder about for `case`: a decoder knows nothing but
/// codes, so it is asked about the code a case expects the viewer to be shown (for a
/// fault scenario, the code the player should raise).
fn request(case: &Case) -> u32 {
    match case.stimulus {
        Stimulus::Raise | Stimulus::Fault(_) => case.code.0,
    }
}

/// What a session's writer sends.
enum Requests {
    /// These cases' codes, in blocks, then the end of input.
    Batch(Vec<Case>),
    /// Each code as it arrives, flushed at once; the end of input when the sender goes.
    Live(Receiver<u32>),
}

/// Writes the requests, counting in `written` the bytes the pipe took, then closes the
/// decoder's stdin and says when on `closed`.
fn write_requests(
    stdin: io::PipeWriter,
    requests: Requests,
    written: &AtomicU64,
    closed: &Sender<Instant>,
) {
    let mut out = io::BufWriter::with_capacity(WRITE_BLOCK, Counting { stdin, written });
    // A decoder that stops reading or exits makes a write fail: nothing more to do.
    let _ = match requests {
        Requests::Batch(cases) => cases
            .into_iter()
            .try_for_each(|case| writeln!(out, "{}", protocol::request(request(&case)))),
        Requests::Live(codes) => codes.iter().try_for_each(|code| {
            writeln!(out, "{}", protocol::request(code)).and_then(|()| out.flush())
        }),
    };
    let _ = out.flush();
    drop(out);
    // The session may be gone: then no one asks.
    let _ = closed.send(Instant::now());
}

struct Counting<'a> {
    stdin: io::PipeWriter,
    written: &'a AtomicU64,
}

impl Write for Counting<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = self.stdin.write(bytes)?;
        self.written.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stdin.flush()
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
    /// The kept bytes as text (invalid UTF-8 replaced), with a note of what was dropped.
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

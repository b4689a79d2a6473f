//! The session's logic against a scripted browser: the order of answers, a page that never
//! answers, a browser that ends mid-run, a fresh browser after a pause of amperr, and
//! `finish` waiting for the driver. No Chromium: a [`Scripted`] browser is started through
//! the same [`Browser`] seam, and its page answers the driver's calls as its [`Script`]
//! says.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::*;
use crate::gate::transport::StartError;
use crate::player::browser::{Binding, LOST, Launch, Region};
use crate::player::confirm::VisualMode;
use crate::player::network::{Decision, NetworkPolicy};
use crate::player::pause;

/// What a scripted page does with the codes the driver sends it.
#[derive(Clone, Copy, Debug)]
enum Script {
    /// Answers each at once.
    Answers,
    /// Takes them and never answers (a page stuck in a loop).
    Silent,
    /// Answers `after` of them, then amperr ends the browser, `why`.
    Ends { after: usize, why: &'static str },
    /// Answers `after` of them, then amperr is paused and its line to the browser lost;
    /// a fresh browser answers the rest.
    LostInPause { after: usize },
    /// Answers each at once, then takes `slow` to read the table after the last.
    SlowAfter { slow: Duration },
    /// Takes them and never answers; its time passes (a player waiting on its own
    /// timeout) until `stands`, when it stops (a loop).
    Waits { stands: &'static AtomicBool },
}

/// The scripts of the browsers tests start, by the executable their launch names
/// (`scripted-<index>`), and the pages of those started.
static STARTED: Mutex<Vec<(Script, Vec<Arc<ScriptedPage>>)>> = Mutex::new(Vec::new());

/// What a scripted page asks for as it loads: one URL off the machine.
const CDN: &str = "https://cdn.example/amp/azuremediaplayer.min.js";
/// The table the page has, before and after.
const TABLE: &str = r#"{"MEDIA_ERR_ABORTED":1}"#;

/// A browser whose page follows a script. Dropping it ends it: its page's calls fail.
struct Scripted {
    tab: ScriptedTab,
    events: Arc<Mutex<Events>>,
}

#[derive(Clone)]
struct ScriptedTab(Arc<ScriptedPage>);

struct ScriptedPage {
    script: Script,
    /// Which browser of its script this is: 0 for the first.
    nth: usize,
    network: Arc<NetworkPolicy>,
    binding: Mutex<Option<Binding>>,
    /// The browser ended (dropped, or by amperr).
    gone: AtomicBool,
    /// Why amperr ended it, if it did.
    ended: Mutex<Option<String>>,
    events: Arc<Mutex<Events>>,
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.tab.0.gone.store(true, Ordering::Relaxed);
    }
}

impl Browser for Scripted {
    type Tab = ScriptedTab;

    fn start(launch: &Launch) -> Result<Scripted, StartError> {
        let name = launch.executable.display().to_string();
        let index: usize = name.trim_start_matches("scripted-").parse().unwrap();
        let mut started = STARTED.lock().unwrap();
        let (script, pages) = &mut started[index];
        let events = Arc::new(Mutex::new(Events::default()));
        let page = Arc::new(ScriptedPage {
            script: *script,
            nth: pages.len(),
            network: Arc::clone(&launch.network),
            binding: Mutex::new(None),
            gone: AtomicBool::new(false),
            ended: Mutex::new(None),
            events: Arc::clone(&events),
        });
        pages.push(Arc::clone(&page));
        Ok(Scripted {
            tab: ScriptedTab(page),
            events,
        })
    }

    fn tab(&self) -> &ScriptedTab {
        &self.tab
    }

    fn events(&self) -> &Arc<Mutex<Events>> {
        &self.events
    }

    fn ended(&self) -> Option<String> {
        self.tab.0.ended.lock().unwrap().clone()
    }
}

impl Tab for ScriptedTab {
    fn add_script_before_documents(&self, _: &str) -> Result<(), String> {
        self.0.alive()
    }

    fn bind(&self, _: &str, binding: Binding) -> Result<(), String> {
        *self.0.binding.lock().unwrap() = Some(binding);
        self.0.alive()
    }

    fn navigate(&self, _: &str) -> Result<(), String> {
        // The page's one request goes through the policy, as interception would take it.
        if let Decision::Refuse(why) = self.0.network.decide(CDN) {
            (self.0.events.lock().unwrap().blocked).keep(format!("{CDN}: refused ({why})"));
        }
        (self.0.events.lock().unwrap().exceptions).keep("TypeError: x is null".to_string());
        self.0.alive()
    }

    fn evaluate(&self, expression: &str) -> Result<String, String> {
        self.0.alive()?;
        let page = &self.0;
        let called = |method: &str| expression.contains(&format!(".{method}(\""));
        if called("ready") {
            Ok("ready".to_string())
        } else if called("init") {
            Ok("ok".to_string())
        } else if called("table") {
            Ok(serde_json::json!({ "table": TABLE }).to_string())
        } else if called("after") {
            if let Script::SlowAfter { slow } = page.script {
                thread::sleep(slow);
            }
            let table = serde_json::json!({ "table": TABLE }).to_string();
            Ok(serde_json::json!({ "table": table, "attempts": "", "more": 0 }).to_string())
        } else if called("run") {
            page.run(&codes_of(expression))
        } else {
            Err(format!(
                "threw ReferenceError: {expression} is not scripted"
            ))
        }
    }

    fn run_time(&self) -> Result<(), String> {
        self.0.alive()
    }

    fn hold_time(&self) -> Result<(), String> {
        self.0.alive()
    }

    fn run_time_for(&self, _: Duration, _: Duration) -> Result<(), String> {
        self.0.alive()?;
        match &self.0.script {
            Script::Waits { stands } if stands.load(Ordering::Relaxed) => {
                thread::sleep(Duration::from_millis(5));
                Err("page time did not pass: busy in a loop?".to_string())
            }
            _ => Ok(()),
        }
    }

    fn screenshot(&self, _: Region, _: f64) -> Result<Vec<u8>, String> {
        Err("a scripted browser takes no photographs".to_string())
    }
}

impl ScriptedPage {
    /// What a call gets once the browser ended.
    fn alive(&self) -> Result<(), String> {
        match self.gone.load(Ordering::Relaxed) {
            true => Err(format!("{LOST} (the scripted browser ended)")),
            false => Ok(()),
        }
    }

    /// Answers the codes of one batch as the script says.
    fn run(&self, codes: &[u32]) -> Result<String, String> {
        let binding = self.binding.lock().unwrap().clone().unwrap();
        let answer = |code: u32| {
            let message = ["Aborted.", "Network.", "Decode."][code as usize % 3];
            binding(format!(r#"{{"code":{code},"message":"{message}"}}"#));
        };
        let stop_after = match self.script {
            Script::Answers | Script::SlowAfter { .. } => usize::MAX,
            Script::Silent | Script::Waits { .. } => 0,
            Script::Ends { after, .. } => after,
            Script::LostInPause { .. } if self.nth > 0 => usize::MAX,
            Script::LostInPause { after } => after,
        };
        for &code in codes.iter().take(stop_after) {
            answer(code);
        }
        if codes.len() <= stop_after {
            return Ok(String::new());
        }
        match self.script {
            Script::Ends { why, .. } => *self.ended.lock().unwrap() = Some(why.to_string()),
            Script::LostInPause { .. } => pause::pretend_paused(Duration::from_secs(3)),
            // Stuck until the browser ends.
            _ => {
                while self.alive().is_ok() {
                    thread::sleep(Duration::from_millis(2));
                }
            }
        }
        self.gone.store(true, Ordering::Relaxed);
        self.alive().map(|()| String::new())
    }
}

/// The codes of a batch call: its first `[...]`.
fn codes_of(expression: &str) -> Vec<u32> {
    let at = expression.find('[').unwrap();
    let end = at + expression[at..].find(']').unwrap();
    let list = &expression[at + 1..end];
    list.split(',').map(|code| code.parse().unwrap()).collect()
}

/// A session on a scripted browser sent `codes`; what it reads after the last code, and
/// the pages of its browsers.
struct Started {
    session: PlayerSession<Scripted>,
    after: Arc<Mutex<AfterRun>>,
    index: usize,
}

impl Started {
    fn pages(&self) -> Vec<Arc<ScriptedPage>> {
        STARTED.lock().unwrap()[self.index].1.clone()
    }
}

fn start(script: Script, codes: Vec<u32>) -> Started {
    started(script, codes, false)
}

fn started(script: Script, codes: Vec<u32>, paced: bool) -> Started {
    let index = {
        let mut started = STARTED.lock().unwrap();
        started.push((script, Vec::new()));
        started.len() - 1
    };
    let url = "file:///build/index.html";
    let opener = Opener {
        launch: Launch {
            executable: PathBuf::from(format!("scripted-{index}")),
            network: Arc::new(NetworkPolicy::own_files(vec![PathBuf::from("/build")])),
        },
        url: url.to_string(),
        calls: Calls::new(url),
        ready_timeout: Duration::from_secs(5),
    };
    let (answers, lines) = Answers::new();
    let browser: Scripted = opener.open(&answers).unwrap();
    let after = Arc::new(Mutex::new(AfterRun::default()));
    let run = Run {
        opener,
        accessible: false,
        after: Arc::clone(&after),
        visual: Visual {
            mode: VisualMode::Off,
            ..Visual::default()
        },
        photographed: Arc::default(),
        paced,
    };
    let session = PlayerSession::start(browser, answers, lines, codes, run).unwrap();
    Started {
        session,
        after,
        index,
    }
}

/// The lines the session gives until it ends or is quiet for `wait`, with their numbers.
fn lines(session: &mut PlayerSession<Scripted>, wait: Duration) -> (Vec<(usize, String)>, Next) {
    let mut lines = Vec::new();
    loop {
        match session.next(wait) {
            Next::Line(number, Line::Text(text)) => lines.push((number, text)),
            Next::Line(number, other) => panic!("line {number}: {other:?}"),
            end => return (lines, end),
        }
    }
}

/// The code each answer line echoes.
fn codes(lines: &[(usize, String)]) -> Vec<u32> {
    lines.iter().map(|(_, line)| code_of(line)).collect()
}

#[test]
fn answers_stream_in_order_across_batches() {
    // More than the driver runs ahead of the runner: the batches wait for the reading.
    let sent: Vec<u32> = (1..=2 * BATCH as u32 + 900).collect();
    let mut started = start(Script::Answers, sent.clone());
    let (read, end) = lines(&mut started.session, Duration::from_secs(5));
    assert!(matches!(end, Next::Ended), "{end:?}");
    assert_eq!(codes(&read), sent);
    let numbers: Vec<usize> = read.iter().map(|(number, _)| *number).collect();
    assert_eq!(numbers, (1..=sent.len()).collect::<Vec<_>>());
    assert!(!started.session.alive());
    assert_eq!(started.session.taken(), sent.len() as u64);
    // What the browser saw is the report's: the request the policy refused, the exception.
    let notes = started.session.notes();
    assert_eq!(
        notes,
        [format!("the page asked for {CDN}: refused (no network)")]
    );
    assert_eq!(
        started.session.diagnostics(),
        "the page threw TypeError: x is null"
    );
    let table = started.after.lock().unwrap().table.clone();
    assert_eq!(
        table,
        Some(Ok(serde_json::json!({ "table": TABLE }).to_string()))
    );
}

#[test]
fn a_page_that_never_answers_is_quiet_until_the_session_ends_it() {
    let mut started = start(Script::Silent, vec![1, 2, 3]);
    let (read, end) = lines(&mut started.session, Duration::from_millis(300));
    assert!(read.is_empty());
    assert!(matches!(end, Next::Quiet), "{end:?}");
    // The codes were taken: the runner calls it a hang, not a page still reading.
    assert!(started.session.alive());
    assert_eq!(started.session.taken(), 3);
    assert_eq!(started.session.ended().what, "stopped answering");
    let pages = started.pages();
    drop(started.session);
    // Dropping the session ended the browser, and the driver's call into it with it.
    assert!(pages[0].gone.load(Ordering::Relaxed));
    assert_eq!(pages.len(), 1, "no fresh browser for a page that hangs");
}

#[test]
fn a_paced_page_whose_time_passes_is_at_work_and_one_whose_time_stands_is_not() {
    static STANDS: AtomicBool = AtomicBool::new(false);
    let stands = &STANDS;
    let script = Script::Waits { stands };
    let mut started = started(script, vec![1], true);
    let (read, _) = lines(&mut started.session, Duration::from_millis(200));
    assert!(read.is_empty());
    // The pacer's steps of page time count as work: the runner sees no hang.
    let passing = started.session.taken();
    thread::sleep(Duration::from_millis(200));
    assert!(
        started.session.taken() > passing,
        "page time passes: the count moves"
    );
    stands.store(true, Ordering::Relaxed);
    thread::sleep(Duration::from_millis(100));
    let standing = started.session.taken();
    thread::sleep(Duration::from_millis(200));
    assert_eq!(
        started.session.taken(),
        standing,
        "page time stands: a hang"
    );
}

#[test]
fn a_browser_amperr_ends_mid_run_says_why() {
    for why in [
        "crashed (its renderer died)",
        "used over 1024 MiB of memory (its browser's processes together): amperr stopped it",
    ] {
        let mut started = start(Script::Ends { after: 2, why }, vec![10, 11, 12, 13]);
        let (read, end) = lines(&mut started.session, Duration::from_secs(5));
        assert!(matches!(end, Next::Ended), "{end:?}");
        assert_eq!(codes(&read), [10, 11]);
        let ended = started.session.ended();
        assert_eq!((ended.what.as_str(), ended.clean), (why, false));
        // Not a pause of amperr: no fresh browser, and no note of one.
        assert_eq!(started.pages().len(), 1);
        assert!(
            !started.session.notes().iter().any(|n| n.contains("paused")),
            "{:?}",
            started.session.notes()
        );
        assert_eq!(started.after.lock().unwrap().table, None);
    }
}

#[test]
fn a_browser_lost_to_a_pause_goes_on_in_a_fresh_one() {
    let sent: Vec<u32> = (100..110).collect();
    let mut started = start(Script::LostInPause { after: 4 }, sent.clone());
    let (read, end) = lines(&mut started.session, Duration::from_secs(5));
    assert!(matches!(end, Next::Ended), "{end:?}");
    // Each code answered once, in order, across both browsers.
    assert_eq!(codes(&read), sent);
    let pages = started.pages();
    assert_eq!(pages.len(), 2);
    assert!(pages[0].gone.load(Ordering::Relaxed));
    let notes = started.session.notes();
    let paused = notes
        .iter()
        .find(|n| n.starts_with("amperr was paused for "));
    let paused = paused.unwrap_or_else(|| panic!("{notes:?}"));
    assert!(
        paused.ends_with("the 6 codes not answered went on in a fresh browser"),
        "{paused}"
    );
    assert!(started.after.lock().unwrap().table.is_some());
}

#[test]
fn finish_waits_for_the_driver_to_read_the_table_after_the_last_code() {
    let slow = Duration::from_millis(400);
    let mut started = start(Script::SlowAfter { slow }, vec![1, 2, 3]);
    // Read as the runner does, on a short wait: every answer, and not the end.
    let mut read = Vec::new();
    let until = Instant::now() + Duration::from_secs(5);
    while read.len() < 3 && Instant::now() < until {
        let (more, end) = lines(&mut started.session, Duration::from_millis(20));
        assert!(
            !matches!(end, Next::Ended),
            "ended before the table was read again"
        );
        read.extend(more);
    }
    assert_eq!(codes(&read), [1, 2, 3]);
    let begun = Instant::now();
    let finish = started.session.finish(Duration::from_secs(5));
    assert!(finish.extra_lines == 0 && finish.exit.is_ok());
    assert!(
        !started.session.alive(),
        "finish returned before the driver"
    );
    assert!(
        started.after.lock().unwrap().table.is_some(),
        "after {:?}",
        begun.elapsed()
    );
}

//! What `amperr check-player` keeps the browser to, whatever the page does: its sockets
//! work whatever the caller's `TMPDIR`, no packet leaves the page by any API, and its
//! memory is bounded by amperr. Without `chromium` on PATH these tests say SKIPPED and
//! pass, except under `CI=true`.

use std::net::{TcpListener, UdpSocket};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use serde_json::Value;

use crate::common;

use common::{count, plugin, strings};

const BUILD: &str = "tests/fixtures/players/amp-fixture.js";

/// `amperr check-player --browser CHROMIUM --profile amp-2.3.0 --script BUILD ARGS
/// --format json`, started (not waited for) with `tmpdir` as its `TMPDIR` and a `HOME`
/// of its own (returned, to check).
fn start(
    chromium: &Path,
    tmpdir: &Path,
    args: &[&str],
) -> (std::process::Child, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_amperr"))
        .arg("check-player")
        .args(["--browser", &chromium.display().to_string()])
        .args(["--profile", "amp-2.3.0", "--script", BUILD])
        .args(args)
        .args(["--format", "json"])
        .env("TMPDIR", tmpdir)
        .env("HOME", home.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    (child, home)
}

/// Waits for a run of [`start`]: exit status and report; checks that nothing is left in
/// `tmpdir` nor written in its `HOME`.
fn finish(
    child: std::process::Child,
    tmpdir: &Path,
    home: tempfile::TempDir,
) -> (i32, Value, String) {
    let output: Output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let listed = |dir: &Path| -> Vec<_> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect()
    };
    let written = listed(home.path());
    assert!(written.is_empty(), "the browser wrote {written:?} in HOME");
    let left = listed(tmpdir);
    assert!(left.is_empty(), "amperr left {left:?} in its TMPDIR");
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not a JSON report ({e}); stderr:\n{stderr}"));
    (output.status.code().unwrap_or(-1), report, stderr)
}

/// [`start`] then [`finish`], with a `TMPDIR` of its own.
fn check_player(chromium: &Path, args: &[&str]) -> (i32, Value, String) {
    let tmpdir = tempfile::tempdir().unwrap();
    let (child, home) = start(chromium, tmpdir.path(), args);
    finish(child, tmpdir.path(), home)
}

/// The entries of `/tmp` named like amperr's own short directories.
fn amperrs_in_tmp() -> Vec<std::ffi::OsString> {
    std::fs::read_dir("/tmp")
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|name| name.to_string_lossy().starts_with("amperr-"))
        .collect()
}

#[test]
fn a_long_tmpdir_still_runs_the_browser_and_is_left_empty() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let base = tempfile::tempdir().unwrap();
    // Past what a socket's path may hold (108 bytes) before Chromium adds its own names.
    let tmpdir = base.path().join("t".repeat(120));
    std::fs::create_dir(&tmpdir).unwrap();
    assert!(tmpdir.as_os_str().len() >= 120);
    let before = amperrs_in_tmp();
    let (child, home) = start(&chromium, &tmpdir, &["--code", "0x20200194"]);
    let (status, report, stderr) = finish(child, &tmpdir, home);
    assert_eq!(status, 0, "{report:#}\n{stderr}");
    assert_eq!(count(&report, "pass"), 1);
    // A short directory amperr made elsewhere is removed too.
    let after = amperrs_in_tmp();
    let new: Vec<_> = after.iter().filter(|n| !before.contains(n)).collect();
    assert!(new.is_empty(), "amperr left {new:?} in /tmp");
}

/// A plugin that, as it loads, tries every way out of the page toward `tcp` and `udp` on
/// loopback, and holds the player's readiness until WebRTC has gathered (at most 3 s).
fn leaky_plugin(tcp: u16, udp: u16) -> String {
    format!(
        r#"(function () {{
  "use strict";
  var host = "127.0.0.1", tcp = host + ":{tcp}", udp = host + ":{udp}";
  var http = "http://" + tcp;
  function quietly(attempt) {{
    try {{
      var promise = attempt();
      if (promise && promise.catch) promise.catch(function () {{}});
    }} catch (e) {{}}
  }}
  quietly(function () {{ return fetch(http + "/fetch"); }});
  quietly(function () {{ return fetch(http + "/keepalive", {{ method: "POST", body: "x", keepalive: true }}); }});
  quietly(function () {{ navigator.sendBeacon(http + "/beacon", "x"); }});
  quietly(function () {{ new EventSource(http + "/events"); }});
  quietly(function () {{ var x = new XMLHttpRequest(); x.open("GET", http + "/xhr"); x.send(); }});
  quietly(function () {{ new Image().src = http + "/image"; }});
  quietly(function () {{ new WebSocket("ws://" + tcp + "/socket"); }});
  quietly(function () {{ return new WebTransport("https://" + udp + "/transport").ready; }});
  quietly(function () {{
    var worker = "fetch('" + http + "/worker').catch(function () {{}});";
    new Worker(URL.createObjectURL(new Blob([worker], {{ type: "text/javascript" }})));
  }});
  ["prefetch", "dns-prefetch", "preconnect", "preload", "modulepreload"].forEach(function (rel) {{
    quietly(function () {{
      var link = document.createElement("link");
      link.rel = rel;
      link.href = http + "/" + rel;
      if (rel === "preload") link.as = "fetch";
      document.head.appendChild(link);
    }});
  }});
  quietly(function () {{
    var frame = document.createElement("iframe");
    frame.src = http + "/frame";
    // Out of sight: over the player, it would refuse the code.
    frame.style.display = "none";
    document.documentElement.appendChild(frame);
  }});
  var gathered = new Promise(function (resolve) {{
    try {{
      var peer = new RTCPeerConnection({{ iceServers: [
        {{ urls: "stun:" + udp }},
        {{ urls: "turn:" + udp + "?transport=udp", username: "u", credential: "c" }},
        {{ urls: "turn:" + tcp + "?transport=tcp", username: "u", credential: "c" }},
      ] }});
      peer.onicegatheringstatechange = function () {{
        if (peer.iceGatheringState === "complete") resolve();
      }};
      peer.createDataChannel("leak");
      peer.createOffer().then(function (offer) {{
        return peer.setLocalDescription(offer);
      }}).catch(resolve);
      window.amperrTestPeer = peer;
    }} catch (e) {{
      resolve();
    }}
  }});
  var settled = Promise.race([gathered, new Promise(function (r) {{ setTimeout(r, 3000); }})]);
  var amp = window.amp;
  window.amp = function (target, options, ready) {{
    return amp(target, options, function () {{
      var player = this;
      settled.then(function () {{ ready.call(player); }});
    }});
  }};
  for (var key in amp) window.amp[key] = amp[key];
}})();
"#
    )
}

#[test]
fn no_packet_leaves_the_page_by_any_api() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    // Listeners on this machine, on ports the page learns from its source.
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    tcp.set_nonblocking(true).unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_nonblocking(true).unwrap();
    let (tcp_port, udp_port) = (
        tcp.local_addr().unwrap().port(),
        udp.local_addr().unwrap().port(),
    );
    let (_dir, leaky) = plugin(&leaky_plugin(tcp_port, udp_port));
    let (status, report, stderr) =
        check_player(&chromium, &["--script", &leaky, "--code", "0x20200194"]);
    assert_eq!(status, 0, "{report:#}\n{stderr}");
    assert_eq!(count(&report, "pass"), 1);
    // The browser is dead and reaped: what reached the listeners is queued there now.
    let accepted = tcp.accept().map(|(_, from)| from);
    assert!(
        accepted.is_err(),
        "the page reached TCP {tcp_port}: {accepted:?}"
    );
    let mut datagram = [0u8; 2048];
    let received = udp.recv_from(&mut datagram);
    assert!(
        received.is_err(),
        "the page reached UDP {udp_port}: {received:?}"
    );
    // What interception saw is named.
    let notes = strings(&report["notes"]);
    let fetched =
        format!("the page asked for http://127.0.0.1:{tcp_port}/fetch: refused (no network)");
    assert!(notes.contains(&fetched), "{notes:#?}");
}

/// The memory the descendants of `root` hold together, in bytes: their anonymous and
/// shared memory (`RssAnon` + `RssShmem` of `/proc/PID/status`), as amperr counts it.
fn descendants_memory(root: u32) -> u64 {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().filter_map(Result::ok) {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
            parents.push((pid, ppid));
        }
    }
    let mut tree = vec![root];
    let mut at = 0;
    while at < tree.len() {
        let parent = tree[at];
        tree.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        at += 1;
    }
    let kib = |line: &str, field: &str| -> Option<u64> {
        let value = line.strip_prefix(field)?.trim().strip_suffix("kB")?;
        value.trim().parse().ok()
    };
    tree[1..]
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
        .flat_map(|status| {
            let held = status
                .lines()
                .filter_map(|l| kib(l, "RssAnon:").or_else(|| kib(l, "RssShmem:")));
            held.collect::<Vec<_>>()
        })
        .sum::<u64>()
        * 1024
}

#[test]
fn a_page_that_allocates_without_end_crashes_on_that_code_and_stays_bounded() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (_dir, greedy) = plugin(
        "amp.fixture.onError = function (code) {\n\
         \x20 if (code !== 0x20200194) return;\n\
         \x20 var keep = [];\n\
         \x20 for (;;) {\n\
         \x20   keep.push(new Array(1e6).fill(1));\n\
         \x20 }\n\
         };\n",
    );
    let tmpdir = tempfile::tempdir().unwrap();
    let args = [
        "--script",
        &greedy,
        "--code",
        "0x20200194",
        "--code",
        "0x10600001",
    ];
    let (child, home) = start(&chromium, tmpdir.path(), &args);
    // The memory of amperr's descendants (the browsers), sampled as it runs.
    let (peak, done) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let sampler = {
        let (peak, done, pid) = (Arc::clone(&peak), Arc::clone(&done), child.id());
        thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(descendants_memory(pid), Ordering::Relaxed);
                thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let (status, report, stderr) = finish(child, tmpdir.path(), home);
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    assert_eq!(status, 1, "{report:#}\n{stderr}");
    assert_eq!(count(&report, "crash"), 1, "{report:#}");
    assert_eq!(count(&report, "pass"), 1, "{report:#}");
    assert_eq!(count(&report, "timeout"), 0, "{report:#}");
    let example = &report["groups"][0]["example"];
    assert_eq!(example["id"], "documented/0x20200194", "{report:#}");
    let detail = example["detail"].as_str().unwrap();
    assert!(detail.contains("used over 1024 MiB of memory"), "{detail}");
    // amperr's bound is 1 GiB for the browser's processes together; sampling lets a page
    // go a little past it before it is stopped.
    let peak = peak.load(Ordering::Relaxed);
    assert!(
        peak < 2 << 30,
        "the browser's processes used {} MiB",
        peak >> 20
    );
}

//! The process layer's own tests: cookies, the stdin probe, the registry.

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
            strays::own_children()
                .into_iter()
                .filter(|pid| strays::carries(*pid, "test-cookie-1"))
                .collect::<Vec<_>>()
        })
        .find(|found| !found.is_empty())
        .unwrap_or_default();
    assert_eq!(found, [Pid::from_raw(child.id() as i32)]);
    let pid = Pid::from_raw(child.id() as i32);
    assert!(
        !strays::carries(pid, "test-cookie-"),
        "the whole value must match"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn the_probe_sees_what_the_child_has_not_read() {
    use std::io::Write;
    let argv = ["sh", "-c", "read line; sleep 30"].map(String::from);
    let pipes = Pipes {
        stdin: true,
        ..Pipes::default()
    };
    let mut spawned = spawn(&argv, pipes).unwrap();
    let mut stdin = spawned.stdin.take().unwrap();
    let probe = spawned.stdin_probe.take().unwrap();
    stdin.write_all(b"first\nsecond line\n").unwrap();
    // The shell reads byte by byte up to its first newline.
    let mut left = 0;
    for _ in 0..500 {
        left = unread(&probe).unwrap();
        if left == 12 {
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(left, 12, "\"second line\\n\" is left");
    let pgid = spawned.child.pgid;
    assert!(spawned.child.stop().is_some());
    let live = LIVE.lock().unwrap();
    assert!(!live.children.iter().any(|(p, _)| *p == pgid));
}

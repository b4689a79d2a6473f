//! Which processes are a child's, and how much memory they use together: for a watchdog
//! that bounds a browser's memory.
//!
//! A child's processes are its process group, amperr's orphans carrying its cookie (its
//! strays), and every descendant of either: a process that left the group is still
//! counted through its parent or its cookie.

use std::collections::HashSet;

use nix::unistd::Pid;

use crate::process::strays;

/// The child's processes (see the module's doc), from one scan of `/proc`.
pub(super) fn processes(pgid: Pid, cookie: &str) -> Vec<Pid> {
    let table = process_table();
    let own = nix::unistd::getpid();
    let mut found: Vec<Pid> = table
        .iter()
        .filter(|p| p.group == pgid || (p.parent == own && strays::carries(p.pid, cookie)))
        .map(|p| p.pid)
        .collect();
    let mut seen: HashSet<Pid> = found.iter().copied().collect();
    let mut at = 0;
    while at < found.len() {
        let parent = found[at];
        for p in table.iter().filter(|p| p.parent == parent) {
            if seen.insert(p.pid) {
                found.push(p.pid);
            }
        }
        at += 1;
    }
    found
}

/// The memory `pids` use together, in bytes: what each holds of its own (anonymous and
/// shared memory, `RssAnon` + `RssShmem`, resident; not the mapped files the system can
/// drop), or its whole resident set where the kernel does not tell them apart. Memory
/// shared between them counts in each, erring high. Cheap: the proportional sizes
/// (`smaps_rollup`) cost a walk of every page table, some 20 ms for a browser.
/// A process gone meanwhile counts nothing.
pub(super) fn used(pids: &[Pid]) -> u64 {
    pids.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
        .map(|status| {
            let kib = |field: &str| status.lines().find_map(|line| kib_of(line, field));
            match kib("RssAnon:") {
                Some(anonymous) => anonymous + kib("RssShmem:").unwrap_or(0),
                None => kib("VmRSS:").unwrap_or(0),
            }
        })
        .sum::<u64>()
        .saturating_mul(1024)
}

/// The kiB of a `/proc` line `FIELD   1234 kB`.
fn kib_of(line: &str, field: &str) -> Option<u64> {
    let value = line.strip_prefix(field)?.trim();
    value.strip_suffix("kB")?.trim().parse().ok()
}

struct Entry {
    pid: Pid,
    parent: Pid,
    group: Pid,
}

/// Every process's parent and process group.
fn process_table() -> Vec<Entry> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The command name, in parentheses, may hold anything: the fields follow the
            // last ')': state, parent, group.
            let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(1);
            let parent = fields.next()?.parse().ok()?;
            let group = fields.next()?.parse().ok()?;
            Some(Entry {
                pid: Pid::from_raw(pid),
                parent: Pid::from_raw(parent),
                group: Pid::from_raw(group),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_childs_processes_and_their_memory_are_found() {
        use crate::process::{Pipes, spawn};
        // A shell in a group of its own, with a child of its own.
        let argv = ["sh", "-c", "sleep 30 & wait"].map(String::from);
        let mut spawned = spawn(&argv, Pipes::default()).unwrap();
        let (pgid, cookie) = (spawned.child.pgid, spawned.child.cookie.clone());
        let mut found = Vec::new();
        for _ in 0..500 {
            found = processes(pgid, &cookie);
            if found.len() == 2 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.contains(&pgid), "{found:?}");
        let memory = used(&found);
        assert!((64 << 10..256 << 20).contains(&memory), "{memory}");
        spawned.child.stop();
        assert!(used(&[pgid]) == 0, "gone, it counts nothing");
    }

    #[test]
    fn proc_lines_are_read_in_kib() {
        assert_eq!(kib_of("RssAnon:\t   12345 kB", "RssAnon:"), Some(12345));
        assert_eq!(kib_of("VmRSS:\t    8 kB", "VmRSS:"), Some(8));
        assert_eq!(kib_of("RssAnonymous:   8 kB", "RssAnon:"), None);
    }
}

//! Once amperr is told to stop (a signal), no output is written, whatever it is: this
//! test stops its whole process's gate work ([`Shutdown`]), so it has a test binary of its
//! own.

#![cfg(feature = "gate")]

use std::os::unix::fs::OpenOptionsExt;

use amperr::gate::Shutdown;
use amperr::output::Destination;

#[test]
fn once_stopped_no_destination_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let fifo = dir.path().join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    // A reader, so that a write through the FIFO would not block.
    let reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    let destinations = [
        Destination::check(&file).unwrap(),
        Destination::check(&fifo).unwrap(),
    ];
    Shutdown::claim().unwrap().stop();
    for destination in &destinations {
        let error = destination.write(b"a report").unwrap_err();
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::Interrupted,
            "{destination:?}"
        );
    }
    assert!(!file.exists());
    let mut read = Vec::new();
    let _ = std::io::Read::read_to_end(&mut &reader, &mut read);
    assert!(read.is_empty(), "{read:?}");
}

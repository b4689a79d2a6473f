//! Writing the files amperr makes (reports, baselines) so that nothing is lost and nothing
//! is clobbered.
//!
//! A path is checked before the work that fills it ([`Destination::check`]), so a typo
//! costs a second, not a ten-minute run. Then:
//! - a regular file (or a new one) is written atomically: a temporary file beside it,
//!   renamed into place, so a reader (or a crash) never sees half a report and a failed
//!   write leaves the old file as it was; it keeps its permissions;
//! - a symlink is followed, and its target written as above: the link stays a link;
//! - a path that names amperr's own stdout or stderr (`/dev/stdout`, a link to
//!   `/proc/self/fd/1`, the file stdout is redirected to), whatever it is (a pipe, a
//!   socket, a log appended to), is written through that stream, at its place: what is
//!   there stays, and the text report that follows on stdout follows it;
//! - a character device or a FIFO (a pipe to another tool) is written through, never
//!   renamed over: `--output /dev/null` run as root must not replace the system's
//!   `/dev/null` with a file;
//! - anything else (a directory, a block device, a socket, a dangling link) is refused,
//!   with what is accepted, and so is a file another user owns in a sticky directory
//!   (`/tmp`), which the rename could not replace.
//!
//! A write can still fail after the run (the path changed meanwhile): the command line
//! then prints the text report all the same, and says so.
//!
//! When amperr is told to stop ([`Shutdown`](crate::gate::Shutdown)), the temporary file
//! being written is removed and no other is made.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary file being written now, if any, and whether writing has been stopped
/// (`stop_writing`). A temporary file is made, and renamed into place, only under this
/// lock, so a signal handler that stops writing leaves either no file or a whole one.
static PENDING: Mutex<Pending> = Mutex::new(Pending {
    stopped: false,
    file: None,
});

struct Pending {
    stopped: bool,
    file: Option<PathBuf>,
}

fn pending() -> std::sync::MutexGuard<'static, Pending> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

fn stopped() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, "amperr is stopping")
}

/// Where a file goes, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// A regular file, new or replaced atomically (the link's target, for a symlink).
    Replace(PathBuf),
    /// A character device or FIFO, opened and written.
    WriteThrough(PathBuf),
    /// amperr's own stdout or stderr, named by a path: written through it.
    Stream(Stream),
}

/// One of amperr's own output streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// A path amperr will not write to, and why.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
#[error(
    "cannot write to {path}: {why} (amperr writes to a regular file, new or replaced whole, a character device such as /dev/null, a FIFO, or its own stdout or stderr such as /dev/stdout)"
)]
pub struct OutputError {
    pub path: String,
    pub why: String,
}

impl Destination {
    /// Checks that `path` can be written, before anything is written.
    pub fn check(path: &Path) -> Result<Destination, OutputError> {
        let refuse = |why: String| OutputError {
            path: crate::escape::untrusted(
                &path.display().to_string(),
                crate::escape::Lines::Escape,
            )
            .into_owned(),
            why,
        };
        let meta = match fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return new_file(path).map_err(refuse);
            }
            Err(e) => return Err(refuse(e.to_string())),
            Ok(meta) => meta,
        };
        let link = meta.file_type().is_symlink();
        let link_refused =
            |e: io::Error| refuse(format!("it is a symlink whose target cannot be used ({e})"));
        // What the path names, links followed: the kernel follows a link into
        // /proc/self/fd to what the descriptor holds (`pipe:[N]` is no path).
        let meta = match link {
            true => fs::metadata(path).map_err(link_refused)?,
            false => meta,
        };
        if let Some(stream) = own_stream(&meta) {
            return Ok(Destination::Stream(stream));
        }
        let kind = meta.file_type();
        let destination = if kind.is_file() {
            let target = match link {
                true => fs::canonicalize(path).map_err(link_refused)?,
                false => path.to_path_buf(),
            };
            writable_dir(&target).map_err(refuse)?;
            replaceable(&target, &meta).map_err(refuse)?;
            Destination::Replace(target)
        } else if kind.is_char_device() || kind.is_fifo() {
            // Opened through the link, as a shell redirection opens it.
            Destination::WriteThrough(path.to_path_buf())
        } else if kind.is_dir() {
            return Err(refuse("it is a directory".to_string()));
        } else if kind.is_block_device() {
            return Err(refuse("it is a block device".to_string()));
        } else if kind.is_socket() {
            return Err(refuse("it is a socket".to_string()));
        } else {
            return Err(refuse("it is not a file".to_string()));
        };
        Ok(destination)
    }

    /// Whether writing here would replace the file at `other` (an input, or another
    /// output), or write into the FIFO it is: the same file, or the same new path.
    /// (Reading a FIFO, then writing into it, would wait for a reader for ever; a device
    /// read, then written, is no clash.)
    pub fn replaces(&self, other: &Path) -> bool {
        use std::os::unix::fs::MetadataExt;
        let Some(path) = self.clashing_path() else {
            return false;
        };
        match (fs::metadata(path), fs::metadata(other)) {
            (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
            (Err(_), Err(_)) => normalized(path) == normalized(other),
            _ => false,
        }
    }

    /// Whether this replaces, or writes into the FIFO, that amperr's stdin is (`amperr
    /// report - < R.json`).
    pub fn replaces_stdin(&self) -> bool {
        use std::os::fd::AsFd;
        let Some(path) = self.clashing_path() else {
            return false;
        };
        fs::metadata(path).is_ok_and(|meta| same_file(io::stdin().as_fd(), &meta))
    }

    /// The path whose being an input too is a clash: a file replaced, or a FIFO.
    fn clashing_path(&self) -> Option<&Path> {
        use std::os::unix::fs::FileTypeExt;
        match self {
            Destination::Replace(path) => Some(path),
            Destination::WriteThrough(path) => fs::metadata(path)
                .is_ok_and(|meta| meta.file_type().is_fifo())
                .then_some(path.as_path()),
            Destination::Stream(_) => None,
        }
    }

    /// Whether this and `other` write to one place: the same stream, the same FIFO or
    /// device, or (one replacing a file) that file.
    pub fn same_place(&self, other: &Destination) -> bool {
        use std::os::unix::fs::MetadataExt;
        match (self, other) {
            (Destination::Stream(a), Destination::Stream(b)) => a == b,
            (Destination::WriteThrough(a), Destination::WriteThrough(b)) => {
                match (fs::metadata(a), fs::metadata(b)) {
                    (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
                    _ => a == b,
                }
            }
            (Destination::Replace(_), Destination::Replace(path)) => self.replaces(path),
            _ => false,
        }
    }

    /// Writes `contents` whole.
    pub fn write(&self, contents: &[u8]) -> io::Result<()> {
        // A run a signal cut short ends as if its decoder crashed: that report is false.
        // (The lock is not held through a write that may wait for a FIFO's reader: the
        // handler must not wait for it.)
        if !matches!(self, Destination::Replace(_)) && pending().stopped {
            return Err(stopped());
        }
        match self {
            Destination::Replace(path) => write_atomic(path, contents),
            Destination::WriteThrough(path) => {
                let mut file = OpenOptions::new().write(true).open(path)?;
                file.write_all(contents)?;
                file.flush()
            }
            Destination::Stream(Stream::Stdout) => through_stream(io::stdout().lock(), contents),
            Destination::Stream(Stream::Stderr) => through_stream(io::stderr().lock(), contents),
        }
    }
}

/// Writes to amperr's own stdout or stderr. A reader gone from it (`| head`) is no
/// failure, as for what amperr prints there: the verdict stands.
fn through_stream(mut stream: impl Write, contents: &[u8]) -> io::Result<()> {
    match stream.write_all(contents).and_then(|()| stream.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        written => written,
    }
}

/// The stream of amperr's own that `meta` (a path's, links followed) is: the same device
/// and inode as its stdout or stderr.
fn own_stream(meta: &fs::Metadata) -> Option<Stream> {
    use std::os::fd::AsFd;
    if same_file(io::stdout().as_fd(), meta) {
        Some(Stream::Stdout)
    } else if same_file(io::stderr().as_fd(), meta) {
        Some(Stream::Stderr)
    } else {
        None
    }
}

/// Whether the descriptor `fd` is the file `meta` describes (the same device and inode),
/// read through a duplicate of it.
fn same_file(fd: std::os::fd::BorrowedFd<'_>, meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (fd.try_clone_to_owned())
        .and_then(|fd| fs::File::from(fd).metadata())
        .is_ok_and(|own| (own.dev(), own.ino()) == (meta.dev(), meta.ino()))
}

/// A path that does not exist yet, its directory resolved.
fn normalized(path: &Path) -> Option<PathBuf> {
    let dir = fs::canonicalize(directory_of(path)).ok()?;
    Some(dir.join(path.file_name()?))
}

/// A file to be created: its directory must exist and be writable.
fn new_file(path: &Path) -> Result<Destination, String> {
    writable_dir(path)?;
    Ok(Destination::Replace(path.to_path_buf()))
}

fn writable_dir(path: &Path) -> Result<(), String> {
    let dir = directory_of(path);
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(format!("{} is not a directory", dir.display())),
        Err(e) => return Err(format!("directory {}: {e}", dir.display())),
    }
    nix::unistd::access(dir, nix::unistd::AccessFlags::W_OK)
        .map_err(|e| format!("directory {} is not writable: {e}", dir.display()))
}

/// An existing file in a sticky directory (`/tmp`) can be renamed over only by its owner,
/// the directory's, or a process that may override it (`CAP_FOWNER`): else the write after
/// the run would fail (`EPERM`).
fn replaceable(path: &Path, file: &fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let dir = directory_of(path);
    let Ok(meta) = fs::metadata(dir) else {
        return Ok(());
    };
    let me = nix::unistd::geteuid().as_raw();
    if !sticky_keeps_it(meta.mode(), meta.uid(), file.uid(), me) || may_override_owners() {
        return Ok(());
    }
    Err(format!(
        "it belongs to another user (uid {}) in {}, a sticky directory, where only its owner \
         may replace it",
        file.uid(),
        dir.display()
    ))
}

/// Whether a sticky directory keeps user `me` from renaming over a file, unless it holds
/// `CAP_FOWNER`: the kernel's rule (`may_delete`).
fn sticky_keeps_it(dir_mode: u32, dir_owner: u32, file_owner: u32, me: u32) -> bool {
    dir_mode & 0o1000 != 0 && file_owner != me && dir_owner != me
}

/// Whether amperr holds `CAP_FOWNER` (as root usually does), which overrides the sticky
/// bit; as root if that cannot be read.
fn may_override_owners() -> bool {
    const CAP_FOWNER: u32 = 3;
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let effective = status
        .lines()
        .find_map(|line| line.strip_prefix("CapEff:"))
        .and_then(|caps| u64::from_str_radix(caps.trim(), 16).ok());
    match effective {
        Some(caps) => caps & (1 << CAP_FOWNER) != 0,
        None => nix::unistd::geteuid().is_root(),
    }
}

fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Writes `contents` to the regular file `path` atomically.
fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = {
        let mut pending = pending();
        if pending.stopped {
            return Err(stopped());
        }
        let file = tempfile::NamedTempFile::new_in(directory_of(path))?;
        pending.file = Some(file.path().to_path_buf());
        file
    };
    // A temporary file is private (0600); the file it replaces keeps its permissions, a
    // new one gets the usual 0644.
    let permissions = match fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => fs::Permissions::from_mode(0o644),
    };
    let written = file
        .as_file()
        .set_permissions(permissions)
        .and_then(|()| file.write_all(contents))
        .and_then(|()| file.as_file().sync_all());
    // What was a regular file when checked must still be one: never rename over a device.
    let still_a_file = match fs::symlink_metadata(path) {
        Ok(meta) if !meta.is_file() => Err(io::Error::other(
            "it is no longer a regular file: not replaced",
        )),
        _ => Ok(()),
    };
    let mut pending = pending();
    let result = match pending.stopped {
        true => Err(stopped()),
        false => written
            .and(still_a_file)
            .and_then(|()| file.persist(path).map(drop).map_err(|e| e.error)),
    };
    pending.file = None;
    result
}

/// Stops every write from now on and removes the temporary file being written, if any:
/// for [`Shutdown`](crate::gate::Shutdown), before amperr exits.
pub(crate) fn stop_writing() {
    let mut pending = pending();
    pending.stopped = true;
    if let Some(path) = pending.file.take() {
        let _ = fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        let dest = Destination::check(&path).unwrap();
        dest.write(b"first").unwrap();
        dest.write(b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let missing = Destination::check(&dir.path().join("no/such/dir/x")).unwrap_err();
        assert!(missing.to_string().contains("no/such/dir"), "{missing}");
    }

    #[test]
    fn a_sticky_directory_keeps_another_users_file_from_being_replaced() {
        let (sticky, plain) = (0o41777, 0o40777);
        // /tmp (root's, sticky) holding another user's file.
        assert!(sticky_keeps_it(sticky, 0, 1001, 1000));
        // Its own file, or a directory of its own, or no sticky bit: replaced.
        assert!(!sticky_keeps_it(sticky, 0, 1000, 1000));
        assert!(!sticky_keeps_it(sticky, 1000, 1001, 1000));
        assert!(!sticky_keeps_it(plain, 0, 1001, 1000));

        // A file of its own in a sticky directory of its own is accepted.
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o1777)).unwrap();
        let path = dir.path().join("report.json");
        fs::write(&path, "old").unwrap();
        Destination::check(&path).unwrap().write(b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
    }

    #[test]
    fn links_devices_fifos_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.txt");
        fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let dest = Destination::check(&link).unwrap();
        dest.write(b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&target).unwrap(), b"new");

        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        assert_eq!(
            Destination::check(&fifo).unwrap(),
            Destination::WriteThrough(fifo.clone())
        );
        let reader = std::thread::spawn({
            let fifo = fifo.clone();
            move || fs::read(fifo).unwrap()
        });
        Destination::check(&fifo)
            .unwrap()
            .write(b"through")
            .unwrap();
        assert_eq!(reader.join().unwrap(), b"through");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());

        let err = Destination::check(dir.path()).unwrap_err().to_string();
        assert!(err.contains("it is a directory"), "{err}");
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("gone"), &dangling).unwrap();
        let err = Destination::check(&dangling).unwrap_err().to_string();
        assert!(err.contains("symlink"), "{err}");
    }
}

//! Which file runs for a program name: `PATH` searched as `execvp` searches it, so that
//! the gate knows the files a run reads (no report may be written over them) before it
//! starts anything.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The file the gate runs for `program`: a name with no `/` is looked up in `PATH` as
/// `execvp` does (the first directory holding a regular file of that name amperr may
/// execute; an empty entry is the current directory; no `PATH` is `/bin:/usr/bin`); a
/// path is itself.
pub fn program_file(program: impl AsRef<OsStr>) -> Option<PathBuf> {
    find_program(program.as_ref(), std::env::var_os("PATH").as_deref())
}

fn find_program(program: &OsStr, path: Option<&OsStr>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    if program.is_empty() {
        return None;
    }
    if program.as_bytes().contains(&b'/') {
        return Some(PathBuf::from(program));
    }
    let path = path.unwrap_or(OsStr::new("/bin:/usr/bin"));
    std::env::split_paths(path)
        .map(|dir| match dir.as_os_str().is_empty() {
            true => Path::new(".").join(program),
            false => dir.join(program),
        })
        .find(|file| {
            std::fs::metadata(file).is_ok_and(|meta| meta.is_file())
                && nix::unistd::access(file, nix::unistd::AccessFlags::X_OK).is_ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_is_found_in_path_as_exec_finds_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (dir.path().join("first"), dir.path().join("second"));
        for d in [&first, &second] {
            std::fs::create_dir(d).unwrap();
        }
        // Earlier in PATH but not runnable: a file without execute permission, a directory.
        std::fs::write(first.join("dec"), "").unwrap();
        std::fs::create_dir(first.join("dir")).unwrap();
        for name in ["dec", "dir"] {
            let file = second.join(name);
            std::fs::write(&file, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let path = std::env::join_paths([&first, &second]).unwrap();
        let found = |name: &str| find_program(name.as_ref(), Some(&path));
        // Root may execute any file with an execute bit; none is set on first/dec.
        assert_eq!(found("dec"), Some(second.join("dec")));
        assert_eq!(found("dir"), Some(second.join("dir")));
        assert_eq!(found("missing"), None);
        assert_eq!(found(""), None);
        // A path is not looked up.
        assert_eq!(found("./dec"), Some("./dec".into()));
        assert_eq!(
            find_program("sh".as_ref(), None),
            Some(PathBuf::from("/bin/sh"))
        );
    }
}

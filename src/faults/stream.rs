//! The streams a scenario's player is given: amperr's own (compiled in, made once by
//! `streams/make.sh` with ffmpeg), or a team's own directory (`--stream DIR`).

use std::path::{Path, PathBuf};

/// Where a stream's files come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stream {
    /// amperr's own streams: one set of fragmented MP4 segments and a manifest of each kind.
    Builtin,
    /// A team's own directory (canonical), served as it is.
    Dir(PathBuf),
}

/// The largest file of a team's stream amperr serves (a longer one is answered 404): each
/// answer crosses the DevTools protocol whole, base64-encoded, and a few MiB is already a
/// long segment.
pub const LARGEST: u64 = 16 << 20;

macro_rules! files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("streams/", $path)))),*]
    };
}

/// amperr's own streams, by path.
const BUILTIN: &[(&str, &[u8])] = files![
    "smooth/x.ism/manifest",
    "smooth/x.ism/manifest(format=mpd-time-csf)",
    "dash/x.mpd",
    "dash/clearkey.mpd",
    "dash/init.mp4",
    "dash/seg-1.m4s",
    "dash/seg-2.m4s",
    "dash/seg-3.m4s",
    "dash/license",
    "hls/x.m3u8",
    "hls/key.m3u8",
    "hls/key",
    "mp4/x.mp4",
];

impl Stream {
    pub fn builtin() -> Stream {
        Stream::Builtin
    }

    /// A team's stream directory; `Err` says why it cannot be served.
    pub fn dir(path: &Path) -> Result<Stream, String> {
        let root =
            std::fs::canonicalize(path).map_err(|e| format!("--stream {}: {e}", path.display()))?;
        match root.is_dir() {
            true => Ok(Stream::Dir(root)),
            false => Err(format!("--stream {}: not a directory", path.display())),
        }
    }

    /// The file at `path` (relative, `/`-separated), if the stream has it.
    pub fn file(&self, path: &str) -> Option<Vec<u8>> {
        match self {
            Stream::Builtin => BUILTIN
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, b)| b.to_vec()),
            Stream::Dir(root) => {
                if path.split('/').any(|part| part.is_empty() || part == "..") {
                    return None;
                }
                // Where its links lead must stay inside the directory.
                let file = std::fs::canonicalize(root.join(path)).ok()?;
                let meta = std::fs::metadata(&file).ok()?;
                let inside = file.starts_with(root) && meta.is_file() && meta.len() <= LARGEST;
                inside.then(|| std::fs::read(&file).ok()).flatten()
            }
        }
    }

    /// Whether the stream serves `path`, and if not, why, in words.
    pub fn has(&self, path: &str) -> Result<(), String> {
        if self.file(path).is_some() {
            return Ok(());
        }
        let Stream::Dir(root) = self else {
            return Err("amperr's own streams have no such file".to_string());
        };
        let why = match std::fs::symlink_metadata(root.join(path)) {
            Err(e) => e.to_string(),
            Ok(_) => match std::fs::canonicalize(root.join(path)).and_then(std::fs::metadata) {
                Err(e) => e.to_string(),
                Ok(meta) if !meta.is_file() => "it is not a regular file".to_string(),
                Ok(meta) if meta.len() > LARGEST => format!("it is over {} MiB", LARGEST >> 20),
                Ok(_) => "it leads out of the directory".to_string(),
            },
        };
        Err(why)
    }

    /// How reports name it.
    pub fn describe(&self) -> String {
        match self {
            Stream::Builtin => "amperr's own streams".to_string(),
            Stream::Dir(root) => root.display().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_streams_are_small_and_each_kind_has_its_manifest() {
        let total: usize = BUILTIN.iter().map(|(_, b)| b.len()).sum();
        assert!(total < 300 * 1024, "{total} bytes");
        for kind in crate::faults::SourceKind::ALL {
            assert!(
                Stream::Builtin.file(kind.default_path()).is_some(),
                "{kind}"
            );
        }
    }

    #[test]
    fn a_directory_serves_only_its_own_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let (root, outside) = (dir.path().join("stream"), dir.path().join("secret"));
        std::fs::create_dir(&root).unwrap();
        std::fs::write(&outside, "secret").unwrap();
        std::fs::write(root.join("x.mpd"), "<MPD/>").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("link.mpd")).unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        let stream = Stream::dir(&root).unwrap();
        assert_eq!(stream.file("x.mpd").as_deref(), Some(&b"<MPD/>"[..]));
        assert_eq!(stream.file("link.mpd"), None, "a link out of the directory");
        assert_eq!(stream.file("../secret"), None);
        assert_eq!(stream.file("sub"), None, "a directory");
        assert!(Stream::dir(&outside).is_err());
    }
}

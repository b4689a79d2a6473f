//! The files a gate reads and writes, checked before the run: every output writable, and
//! none over an input of the run, over a file its page may load, or over the other output.

use std::path::{Path, PathBuf};

use amperr::output::Destination;

use super::CliError;
use super::run::{OutputArgs, RunArgs};

/// The files a gate reads and writes.
pub struct Paths<'a> {
    /// Files the run reads (a decoder's script, a build's scripts), besides `--xfail`.
    pub inputs: &'a [PathBuf],
    /// Directories any of whose files the run may read (a build's: its page may load
    /// them).
    pub input_dirs: &'a [PathBuf],
    pub run: &'a RunArgs,
    pub output: &'a OutputArgs,
}

impl Paths<'_> {
    /// The report's and the baseline's destinations, checked: writable, and neither one
    /// over an input or over the other.
    pub fn destinations(&self) -> Result<(Option<Destination>, Option<Destination>), CliError> {
        let report = self.output.destination()?;
        let baseline = (self.run.write_xfail.as_deref())
            .map(|path| Destination::check(path).map_err(CliError::usage))
            .transpose()?;
        let mut inputs: Vec<(&str, &Path)> = (self.inputs.iter())
            .map(|p| ("an input of the run", p.as_path()))
            .collect();
        inputs.extend(
            self.run
                .xfail
                .iter()
                .map(|p| ("the --xfail file", p.as_path())),
        );
        let report_path = self.output.output.as_deref();
        if let (Some(report), Some(baseline), Some(path)) =
            (&report, &baseline, self.run.write_xfail.as_deref())
        {
            if report.same_place(baseline) {
                return Err(over_an_input("--write-xfail", path, "the --output report"));
            }
        }
        let outputs = [
            ("--output", report.as_ref(), report_path),
            (
                "--write-xfail",
                baseline.as_ref(),
                self.run.write_xfail.as_deref(),
            ),
        ];
        for (flag, destination, path) in outputs {
            let (Some(destination), Some(path)) = (destination, path) else {
                continue;
            };
            let clash = inputs.iter().find(|(_, other)| destination.replaces(other));
            if let Some((what, _)) = clash {
                return Err(over_an_input(flag, path, what));
            }
            // The baseline is checked after the report: it must not be the report either.
            inputs.push(("the --output report", path));
            if let Some(dir) = self.loaded_from(destination) {
                return Err(CliError::usage(format!(
                    "{flag} {} is a file in {}, which the page may load: amperr will not \
                     write over it; give another path",
                    path.display(),
                    dir.display()
                )));
            }
        }
        Ok((report, baseline))
    }

    /// The input directory an existing file at `destination` is in, if any.
    fn loaded_from(&self, destination: &Destination) -> Option<&Path> {
        let Destination::Replace(path) = destination else {
            return None;
        };
        let path = std::fs::canonicalize(path).ok()?;
        self.input_dirs
            .iter()
            .find(|dir| std::fs::canonicalize(dir).is_ok_and(|dir| path.starts_with(dir)))
            .map(PathBuf::as_path)
    }
}

/// The refusal of an output `flag PATH` that would replace `what` the run reads.
pub fn over_an_input(flag: &str, path: &Path, what: &str) -> CliError {
    CliError::usage(format!(
        "{flag} {} is also {what}: amperr will not write over it; give another path",
        path.display()
    ))
}

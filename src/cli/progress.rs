//! The progress of a long run, for a person watching it.

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

/// A progress bar on stderr, shown only on a terminal and only once a run passes a second.
pub struct Progress {
    total: usize,
    started: Instant,
    bar: Option<indicatif::ProgressBar>,
    terminal: bool,
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        Progress {
            total,
            started: Instant::now(),
            bar: None,
            terminal: io::stderr().is_terminal(),
        }
    }

    pub fn update(&mut self, done: usize) {
        if self.bar.is_none() && self.terminal && self.started.elapsed() > Duration::from_secs(1) {
            let bar = indicatif::ProgressBar::new(self.total as u64);
            let style = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} cases, {per_sec}, eta {eta}",
            );
            if let Ok(style) = style {
                bar.set_style(style);
            }
            // Start the rate from here, not from a jump over the first second's cases.
            bar.set_position(done as u64);
            bar.reset_eta();
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

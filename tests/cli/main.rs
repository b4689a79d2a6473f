//! The amperr command: its arguments, outputs and exit statuses (`cli`), and the snapshots
//! of everything a user reads (`snapshots`).
//!
//! One test binary per component: its modules share one link and one process.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod snapshots;

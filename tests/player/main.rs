//! check-player on fixture builds in headless Chromium: the gate (`gate`), what the viewer
//! sees (`viewer`) and the browser's fence (`containment`).
//!
//! One test binary per component: its modules share one link and one process.

#[path = "../common/mod.rs"]
mod common;

mod containment;
mod gate;
mod viewer;

//! check-player and check-faults on fixture builds in headless Chromium: the gate
//! (`gate`), what the viewer sees (`viewer`), the browser's fence (`containment`) and the
//! player under network and media faults (`faults`).
//!
//! One test binary per component: its modules share one link and one process.

#[path = "../common/mod.rs"]
mod common;

mod containment;
mod faults;
mod gate;
mod viewer;

//! A protocol v1 decoder built on the amperr library: the template for Rust integrators.
//!
//! ```sh
//! cargo build --release --example adapter
//! amperr check -- target/release/examples/adapter
//! amperr check --profile amp-2.3.0 -- target/release/examples/adapter --profile amp-2.3.0
//! ```

use std::io;
use std::process::ExitCode;

use amperr::Profile;
use amperr::decoder::adapter::serve;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let profile = match args.as_slice() {
        [] => Ok(Profile::DOC),
        [flag, id] if flag == "--profile" => id.parse::<Profile>().map_err(|e| e.to_string()),
        _ => Err("usage: adapter [--profile doc|amp-2.3.0]".to_string()),
    };
    let result =
        profile.and_then(|p| serve(p, io::stdin(), io::stdout().lock()).map_err(|e| e.to_string()));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("adapter: {e}");
            ExitCode::from(2)
        }
    }
}

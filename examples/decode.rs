//! Decode codes with the library: `cargo run --example decode -- 0x20200194 -1`.
//!
//! Prints, for each code, its name and the message the viewer sees under every profile
//! the library knows (or, after `--profile ID`, under that one). Needs only the oracle:
//! it builds with `--no-default-features`.

use amperr::{Field, Profile, decode, parse_code};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let profiles: Vec<Profile> = match args.iter().position(|a| a == "--profile") {
        None => Profile::ALL.to_vec(),
        Some(at) => {
            let id = args.get(at + 1).cloned().unwrap_or_default();
            args.drain(at..(at + 2).min(args.len()));
            match id.parse() {
                Ok(profile) => vec![profile],
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(2);
                }
            }
        }
    };
    let mut failed = false;
    for arg in args {
        let code = match parse_code(&arg) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("{e}");
                failed = true;
                continue;
            }
        };
        println!("{code}");
        for &profile in &profiles {
            let d = decode(code, profile);
            let what = d.name().unwrap_or(d.class().describe());
            let message = match d.message() {
                Field::Value(text) => format!("{text:?}"),
                Field::Null => "no message".to_string(),
                Field::ImplementationDefined(_) => "implementation-defined".to_string(),
            };
            println!("  {:<10} {what}: {message}", profile.id());
        }
    }
    std::process::exit(if failed { 2 } else { 0 });
}

//! Decode codes with the library: `cargo run --example decode -- 0x20200194 -1`.
//!
//! Prints one line per code: the code, its name (or what kind of code it is) and the
//! message each profile says the viewer sees.

use amperr::{Field, Profile, decode, parse_code};

fn main() {
    let mut failed = false;
    for arg in std::env::args().skip(1) {
        let code = match parse_code(&arg) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("{e}");
                failed = true;
                continue;
            }
        };
        let doc = decode(code, Profile::DOC);
        let what = doc.name().unwrap_or(doc.class().describe());
        println!("{code} {what}");
        for profile in Profile::ALL {
            let message = match decode(code, profile).message() {
                Field::Value(text) => format!("{text:?}"),
                Field::Null => "no message".to_string(),
                Field::ImplementationDefined(_) => "implementation-defined".to_string(),
            };
            println!("  {:<10} {message}", profile.id());
        }
    }
    std::process::exit(if failed { 2 } else { 0 });
}

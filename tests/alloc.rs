//! `decode` allocates nothing once a profile's catalog is loaded, counted by dhat's heap
//! profiler in testing mode (one test per file: the profiler is process-wide).

use amperr::{Code, Profile, decode};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

#[test]
fn decode_allocates_nothing_after_the_catalog_is_loaded() {
    let _profiler = dhat::Profiler::builder().testing().build();
    for profile in Profile::ALL {
        profile.catalog();
    }
    let before = dhat::HeapStats::get().total_blocks;
    let mut seen = 0usize;
    for profile in Profile::ALL {
        for code in (0..u32::MAX)
            .step_by(65_521)
            .chain([0x2020_0194, 0x1060_0003, u32::MAX])
        {
            let d = decode(Code(code), profile);
            seen += d.name().map_or(0, str::len) + d.aliases().len();
            seen += d.message().value().map_or(0, str::len) + d.implementation_defined().count();
            seen += usize::from(d.http_status().is_some()) + d.class() as usize;
            seen += d.missing_plugins().map_or(0, |m| m.names().count());
        }
    }
    assert!(seen > 0);
    assert_eq!(dhat::HeapStats::get().total_blocks - before, 0);
}

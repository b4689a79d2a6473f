use super::*;

/// A profile with one category, `top` added to its top-level keys, then `rest`.
fn profile(top: &str, rest: &str) -> String {
    format!(
        "id = \"doc\"\ntitle = \"t\"\nsummary = \"s\"\n{top}\nother_areas = {{}}\n\
         other_categories = {{}}\narea = []\n[[category]]\nvalue = 1\nname = \"A\"\nmessage = \"m\"\n{rest}"
    )
}

fn err(text: &str) -> String {
    read(text).unwrap_err().to_string()
}

#[test]
fn malformed_data_is_refused_with_a_reason() {
    let twice = profile(
        "",
        "[[code]]\nvalue = 1048576\nname = \"x\"\n[[alias]]\nvalue = 1\nname = \"x\"\n",
    );
    assert!(
        err(&twice).contains("name x listed twice"),
        "{}",
        err(&twice)
    );
    let wide = profile("", "[[code]]\nvalue = 0x10000000\nname = \"x\"\n");
    assert!(err(&wide).contains("28 bits"));
    let unnamed = profile("", "[[code]]\nvalue = 0x0200000\nname = \"x\"\n");
    assert!(err(&unnamed).contains("does not name"));
    let rows = profile("", "[[code]]\nvalue = 1048576\n[[code]]\nvalue = 1048576\n");
    assert!(err(&rows).contains("two rows"));
    assert!(err("id = 1").contains("TOML"));
    let bad_id = profile("code = []", "").replace("\"doc\"", "\"Doc Profile\"");
    assert!(err(&bad_id).contains("lower-case"), "{}", err(&bad_id));
    let overlay = profile(
        "code = []",
        "[overlay]\nlabel = \"l\"\ncode_line = \"(0x{y})\"\n",
    );
    assert!(err(&overlay).contains("code_line"), "{}", err(&overlay));
}

#[test]
fn a_set_has_one_default_and_one_value_per_name() {
    let one = |id: &str, default: bool, value: u32| {
        let top = format!("default = {default}\ncode = []");
        let rest = format!("[[alias]]\nvalue = {value}\nname = \"x\"\n");
        read(&profile(&top, &rest).replace("\"doc\"", &format!("{id:?}"))).unwrap()
    };
    assert!(check_set(&[&one("a", true, 1), &one("b", false, 1)]).is_ok());
    let e = check_set(&[&one("a", true, 1), &one("b", false, 2)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("one value in every profile"), "{e}");
    let e = check_set(&[&one("a", true, 1), &one("b", true, 1)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("exactly one profile"), "{e}");
    let e = check_set(&[&one("a", true, 1), &one("a", false, 1)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("two profiles have the id"), "{e}");
}

fn entries(values: &[u32]) -> Vec<EntryData> {
    let entry = |&value| EntryData {
        value,
        ..EntryData::default()
    };
    values.iter().map(entry).collect()
}

#[test]
fn the_index_takes_the_fewest_bits_that_keep_details_apart() {
    // Category 1: details 0, 1 and 0xFFFFF differ in their two low bits, not in one.
    // Category 2: one entry needs no bit at all.
    let index = index(&entries(&[0x010_0000, 0x010_0001, 0x01F_FFFF, 0x020_0194]));
    assert_eq!(index.tables[1], [Some(0), Some(1), None, Some(2)]);
    assert_eq!(index.tables[2], [Some(3)]);
    assert!(index.tables[0].is_empty() && index.tables[3].is_empty());
    assert!(index.wide.is_empty());
    assert!(!index.spills(1));
}

#[test]
fn details_alike_in_their_ten_low_bits_go_to_the_wide_list() {
    // 0x5, 0x405 and 0x805 agree in bits 0-9: the first keeps the slot.
    let index = index(&entries(&[0x030_0005, 0x030_0006, 0x030_0405, 0x030_0805]));
    assert_eq!(index.tables[3].len(), 1 << MAX_BITS);
    assert_eq!(index.tables[3][5], Some(0));
    assert_eq!(index.tables[3][6], Some(1));
    assert_eq!(index.wide, [(0x030_0405, 2), (0x030_0805, 3)]);
    assert!(index.spills(3) && !index.spills(2));
}

use super::*;

#[test]
fn every_profile_round_trips_its_id_and_is_listed() {
    for (i, profile) in Profile::ALL.into_iter().enumerate() {
        assert_eq!(profile.id().parse::<Profile>(), Ok(profile));
        assert_eq!(usize::from(profile.catalog().order), i);
        assert_eq!(profile.catalog().areas().len(), 16);
        assert_eq!(profile.catalog().categories().len(), 256);
        assert!(Profile::listed().contains(profile.id()));
    }
    assert_eq!("docs".parse::<Profile>().unwrap_err().name(), "docs");
    let err = "docs".parse::<Profile>().unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "unknown profile \"docs\": the profiles are {}",
            Profile::listed()
        )
    );
}

#[test]
fn the_compiled_catalog_is_the_data_file() {
    for profile in Profile::ALL {
        let read = source::read(profile.source()).unwrap();
        let catalog = profile.catalog();
        assert_eq!(catalog.id, read.source.id);
        assert_eq!(catalog.title, read.source.title);
        assert_eq!(catalog.summary, read.source.summary);
        fn field(text: &Option<source::Text>) -> Field<&str> {
            match text {
                None => Field::Null,
                Some(source::Text::Value(v)) => Field::Value(v.as_str()),
                Some(source::Text::Silent {
                    implementation_defined,
                }) => Field::ImplementationDefined(implementation_defined.as_str()),
            }
        }
        for (area, name) in catalog.areas().iter().zip(&read.areas) {
            assert_eq!(area.name(), field(name));
        }
        for (category, (name, message)) in catalog.categories().iter().zip(&read.categories) {
            assert_eq!(
                (category.name(), category.message()),
                (field(name), field(message))
            );
        }
        let label = read.source.overlay.as_ref().map(|o| o.label.as_str());
        assert_eq!(catalog.overlay().map(|o| o.label), label);
        assert_eq!(catalog.entries().len(), read.entries.len());
        assert_eq!(catalog.names().len(), read.names.len());
        for (name, value) in &read.names {
            assert_eq!(catalog.value_of(name), Some(*value), "{name}");
        }
    }
}

#[test]
fn the_index_finds_every_entry_and_nothing_else() {
    for profile in Profile::ALL {
        let catalog = profile.catalog();
        let values: std::collections::HashSet<u32> =
            catalog.entries().iter().map(|e| e.value()).collect();
        for entry in catalog.entries() {
            assert_eq!(
                catalog.entry(entry.value()).map(|e| e.value()),
                Some(entry.value())
            );
        }
        // Every detail of every category with an entry, and the wide ones.
        for category in 0..=255u32 {
            for detail in (0..1100).chain([0x7FFFF, 0xFFFFF]) {
                let code28 = category << 20 | detail;
                assert_eq!(
                    catalog.entry(code28).is_some(),
                    values.contains(&code28),
                    "{code28:#X}"
                );
            }
        }
    }
}

/// The lookup over an index with wide entries (today's data has none): every value finds
/// its own entry and nothing else does, whichever slot it shares.
#[test]
fn the_lookup_finds_wide_entries_too() {
    let values = [0x030_0005, 0x030_0006, 0x030_0405, 0x030_0805, 0x03F_FFFF];
    let data: Vec<source::EntryData> = values
        .iter()
        .map(|&value| source::EntryData {
            value,
            ..Default::default()
        })
        .collect();
    let index = source::index(&data);
    assert_eq!(index.wide.len(), 2, "the fixture must spill");
    let entries: &'static [Entry] = values
        .iter()
        .map(|&value| Entry {
            value,
            ..NO_ENTRY.clone()
        })
        .collect::<Vec<_>>()
        .leak();
    let wide: &'static [&'static Entry] = index
        .wide
        .iter()
        .map(|&(_, i)| &entries[i])
        .collect::<Vec<_>>()
        .leak();
    let category = |value: usize| Category {
        value: value as u8,
        mask: index.mask(value) as u16,
        wide: index.spills(value),
        name: Field::Null,
        message: Field::Null,
        table: index.tables[value]
            .iter()
            .map(|slot| slot.map_or(&NO_ENTRY, |i| &entries[i]))
            .collect::<Vec<_>>()
            .leak(),
    };
    for value in [2, 3] {
        let category = category(value);
        for detail in (0..0x1000).chain(0xFFF00..=0xFFFFF) {
            let code28 = (value as u32) << 20 | detail;
            let found = find(&category, wide, code28);
            match values.iter().position(|&v| v == code28) {
                Some(i) => assert!(std::ptr::eq(found, &entries[i]), "{code28:#X}"),
                None => assert!(found.is_none(), "{code28:#X}"),
            }
        }
    }
}

#[test]
fn the_overlay_code_line_follows_the_data() {
    let overlay = Profile::AMP_2_3_0.catalog().overlay().unwrap();
    assert_eq!(overlay.code_line(Code(0x0060_0001)), "(0x600001)");
    assert_eq!(overlay.code_line(Code(0x2020_0194)), "(0x20200194)");
    assert_eq!(Profile::DOC.catalog().overlay(), None);
}

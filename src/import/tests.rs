use super::*;

fn options() -> Options {
    Options {
        settings: Settings::default(),
        synonyms: Synonyms::default(),
        schema: "./.schema.json".into(),
    }
}

#[test]
fn a_small_document_is_imported_and_accounted_for() {
    let source = "# Login outage\n\n**Date:** 2025-03-04\n**Severity:** high\n\n## Summary\n\nLogin failed.\n\n## Root cause\n\nA bad config.\n\n## Conclusion\n\nAll good now.\n";
    let imported =
        import(source, "notes/login.md", "login", &|_| false, &options()).expect("imports");
    assert_eq!(imported.file_name, "2025-03-04-login-outage.yaml");
    assert!(
        imported.yaml.contains("summary: Login failed."),
        "{}",
        imported.yaml
    );
    assert_eq!(imported.review, ["status"]);
    assert_eq!(imported.accounting.dropped, 0, "{:?}", imported.accounting);
    assert_eq!(imported.accounting.sections, 1, "the Conclusion's text");
    assert_eq!(imported.accounting.markup, 3, "three headings");
}

#[test]
fn every_quoting_trap_reads_back_as_written() {
    let traps = [
        "no",
        "On",
        "yes",
        "null",
        "~",
        "1e3",
        "12:30",
        "0x1F",
        "2025-07-12",
        "a # b",
        "key: value",
        "*alias",
        "&anchor",
        "!tag",
        "%x",
        "@at",
        "`tick`",
        "- dash",
        "? q",
        "[list]",
        "{map}",
        "'single'",
        "\"double\"",
        "tab\there",
        "|pipe",
        ">fold",
        ".inf",
        "3.14",
        "-1",
        "line one\nline two",
        "  indented\nnext",
        "bell\u{7}",
        "trailing: ",
    ];
    for trap in traps {
        let source = format!(
            "# {}\n\nDate: 2025-01-01\n\n## Summary\n\n{trap}\n",
            "Trap title"
        );
        let imported = import(&source, "trap.md", "trap", &|_| false, &options()).expect(trap);
        let parsed = crate::load::parse_incident(std::path::Path::new("t.yaml"), &imported.yaml);
        let incident = parsed.incident.expect("reads back");
        let summary = incident.summary.as_str();
        assert_eq!(summary, trap.trim_end(), "{trap:?} in\n{}", imported.yaml);
    }
}

#[test]
fn the_emitter_round_trips_any_text() {
    let texts = [
        "# not a comment\nsecond",
        "a\n\n  b\n",
        "x:\n  - y",
        "\u{feff}bom",
        "ends with space \nx",
        "null\n~",
        "\"q\" and 'q'\n#",
        "tab\tin\nblock",
    ];
    for text in texts {
        let yaml = format!("key: {}\n", scalar(text, 0));
        let back: std::collections::BTreeMap<String, String> =
            serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{text:?}: {e}\n{yaml}"));
        let expected: Vec<&str> = text.trim_end().split('\n').map(str::trim_end).collect();
        let got: Vec<&str> = back["key"].split('\n').map(str::trim_end).collect();
        assert_eq!(got, expected, "{text:?}\n{yaml}");
    }
}

#[test]
fn a_title_of_any_text_reads_back() {
    for title in ["no", "12:30", "Fix: a # b", "*bold* start", "1e3"] {
        let source = format!("# {title}\n\nDate: 2025-01-01\n\n## Summary\n\nText.\n");
        let imported = import(&source, "t.md", "t", &|_| false, &options()).expect(title);
        let parsed = crate::load::parse_incident(std::path::Path::new("t.yaml"), &imported.yaml);
        assert!(parsed.incident.is_some(), "{title:?}: {}", imported.yaml);
    }
}

#[test]
fn the_accounting_counts_a_line_whose_words_are_missing_as_dropped() {
    let source = "# T\n\nDate: 2025-01-01\n\n## Summary\n\nKept words.\n";
    let outline = outline::Outline::of(source);
    let mut dest = vec![None; outline.lines.len()];
    dest[0] = Some(Dest::Meta("title"));
    dest[2] = Some(Dest::Meta("date"));
    dest[4] = Some(Dest::Heading);
    dest[6] = Some(Dest::Field("summary"));
    let yaml = "title: T\ndate: 2025-01-01\nstatus: resolved\nseverity: high\nsummary: Kept.\nroot_cause: x\n";
    let incident = crate::load::parse_incident(std::path::Path::new("t.yaml"), yaml)
        .incident
        .expect("valid");
    let accounting = account::account(&outline, &dest, &incident);
    assert_eq!(
        (accounting.dropped, accounting.dropped_lines.clone()),
        (1, vec![7])
    );
    dest[6] = None;
    assert_eq!(
        account::account(&outline, &dest, &incident).dropped,
        1,
        "an unplaced line is dropped"
    );
}

#[test]
fn windows_line_ends_and_a_byte_order_mark_are_read_like_any_file() {
    let source = "\u{feff}# Disk full\r\n\r\n**Date:** 2025-01-01\r\n\r\n## Summary\r\n\r\nThe disk filled.\r\n";
    let imported = import(source, "d.md", "d", &|_| false, &options()).expect("imports");
    assert_eq!(imported.file_name, "2025-01-01-disk-full.yaml");
    assert!(
        imported.yaml.contains("summary: The disk filled.\n"),
        "{}",
        imported.yaml
    );
    assert!(!imported.yaml.contains('\r'));
    assert_eq!(imported.accounting.dropped, 0, "{:?}", imported.accounting);
}

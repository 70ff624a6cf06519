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
    assert_eq!(imported.accounting.sections, 2);
}

use super::*;

fn link(kind: Option<&str>, message: &str) -> ErrorLink {
    ErrorLink::new(kind, message)
}

#[test]
fn callables_and_types_lose_their_qualification() {
    let qualified = link(
        Some("TypeError"),
        "AbstractConnection.__init__() got an unexpected keyword argument 'CLIENT_CLASS'",
    );
    let bare = link(
        None,
        "TypeError: __init__() got an unexpected keyword argument 'x'",
    );
    assert_eq!(qualified.class.as_deref(), Some("typeerror"));
    assert_eq!(
        bare.class.as_deref(),
        Some("typeerror"),
        "taken from the message"
    );
    assert_eq!(
        qualified.callables,
        [(
            "AbstractConnection.__init__".to_owned(),
            "__init__".to_owned()
        )]
    );
    assert_eq!(qualified.words, bare.words);
    assert!(qualified.words.contains(&"__init__()".to_owned()));
}

#[test]
fn module_prefixes_and_generic_types() {
    let long = link(
        Some("redis.exceptions.ConnectionError"),
        "Error 111 connecting",
    );
    assert_eq!(long.class.as_deref(), Some("connectionerror"));
    assert_eq!(long.condition.as_deref(), Some("connection refused"));
    assert_eq!(link(Some("*url.Error"), "boom").class, None, "generic");
    assert_eq!(
        link(None, "java.net.SocketTimeoutException: Read timed out")
            .class
            .as_deref(),
        Some("sockettimeoutexception")
    );
    assert_eq!(link(None, "Note: retry later").kind, None, "not a type");
}

#[test]
fn chained_causes_become_links_of_their_own() {
    let error: ErrorDetails = serde_json::from_value(serde_json::json!({
        "type": "RuntimeException",
        "message": "Failed to place order",
        "stack_trace": "java.lang.RuntimeException: Failed to place order\n\tat com.acme.Orders.place(Orders.java:10)\nCaused by: java.net.ConnectException: Connection refused\n\tat java.net.Socket.connect(Socket.java:1)",
    }))
    .expect("valid error");
    let signature = ErrorSignature::of(&error);
    assert_eq!(signature.links.len(), 2);
    assert_eq!(
        signature.links[0].class, None,
        "RuntimeException is generic"
    );
    assert_eq!(
        signature.links[1].class.as_deref(),
        Some("connectexception")
    );
    assert_eq!(
        signature.links[1].condition.as_deref(),
        Some("connection refused")
    );
    assert_eq!(signature.frames, ["place@Orders.java"]);
}

#[test]
fn error_codes_stand_for_conditions() {
    for (text, code) in [
        (
            "Error [ERR_REQUIRE_ESM]: require() of ES Module",
            Some("ERR_REQUIRE_ESM"),
        ),
        (
            "ORA-00060: deadlock detected while waiting",
            Some("ORA-00060"),
        ),
        ("E11000 duplicate key error collection", Some("E11000")),
        (
            "AADSTS7000222: The provided client secret keys are expired",
            Some("AADSTS7000222"),
        ),
        ("x509: certificate signed by unknown authority", None),
        ("HTTP 503 from upstream, ERROR FATAL", None),
    ] {
        assert_eq!(error_code(text), code, "{text}");
    }
}

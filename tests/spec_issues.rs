//! SPEC §3: issues — every error code (§3.1), every warning code (§3.2), their order (§3.3),
//! paths, severities and text positions.

mod common;

use common::{array, cp, envelope, ex, ndjson, opts, val, R};
use serde_json::json;
use syncrun::{
    normalize_runs, summarize_runs, validate_run, Issue, IssueCode, Options, Severity, SyncRunStatus, UnknownFields,
};

fn one(issues: &[Issue]) -> &Issue {
    assert_eq!(issues.len(), 1, "expected one issue: {issues:?}");
    &issues[0]
}

/// SPEC §3: the issue of a text input has a line and column, at the value its path names, or,
/// for a key that is not there, at the object that lacks it. Checked with serde_json: the value
/// read at the position is the one the path (as far as it exists) names in the parsed text.
fn placed(text: &str, i: &Issue) {
    let (Some(line), Some(column)) = (i.line, i.column) else { panic!("no position: {i:?}") };
    let start: usize = text.split_inclusive('\n').take(line as usize - 1).map(str::len).sum();
    let off = start + text[start..].chars().take(column as usize - 1).map(char::len_utf8).sum::<usize>();
    let found: serde_json::Value =
        serde_json::Deserializer::from_str(&text[off..]).into_iter().next().unwrap().unwrap();
    let doc: serde_json::Value = serde_json::from_str(text).unwrap();
    let mut want = &doc;
    for token in i.path.split('/').skip(1) {
        match want.get(token).or_else(|| token.parse::<usize>().ok().and_then(|k| want.get(k))) {
            Some(v) => want = v,
            None => break,
        }
    }
    assert_eq!(&found, want, "{i:?} in {text}");
}

fn error_opts() -> Options {
    Options { unknown_fields: Some(UnknownFields::Error), ..opts() }
}

// SPEC §3: an issue is `{ severity, code, path, message, line, column }`; absent positions are null.
#[test]
fn spec3_issue_shape() {
    let text = R::base().set("querySize", "-1").text();
    let out = validate_run(text.as_bytes(), &opts());
    let v = val(&out.issues[0]);
    assert_eq!(v["severity"], json!("error"));
    assert_eq!(v["code"], json!("invalid_number"));
    assert_eq!(v["path"], json!("/querySize"));
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
    placed(&text, &out.issues[0]);
    let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["code", "column", "line", "message", "path", "severity"]);
    // A position that is not known (the input was not read at all) is null, not absent.
    let out = validate_run(text.as_bytes(), &Options { max_bytes: Some(3), ..opts() });
    let v = val(&out.issues[0]);
    assert_eq!((&v["code"], &v["line"], &v["column"]), (&json!("input_too_large"), &json!(null), &json!(null)));
}

// SPEC §3.1 / §3.2: errors are severity "error", warnings "warning".
#[test]
fn spec3_severity_of_every_code() {
    use IssueCode::*;
    for code in [
        InvalidJson,
        InvalidUtf8,
        DuplicateKey,
        InvalidType,
        MissingField,
        InvalidId,
        UnknownStatus,
        InvalidTimestamp,
        InvalidNumber,
        UnknownField,
        InputTooLarge,
    ] {
        assert_eq!(code.severity(), Severity::Error, "{code:?}");
        assert_eq!(val(&code), json!(code.as_str()));
    }
    for code in [
        StartedBeforeCreated,
        FinishedBeforeStarted,
        RowsExceedPlanned,
        SuccessWithFailedRows,
        FailedWithoutError,
        FinishedWhileInProgress,
        DuplicateId,
    ] {
        assert_eq!(code.severity(), Severity::Warning, "{code:?}");
        assert_eq!(val(&code), json!(code.as_str()));
    }
    assert_eq!(val(&Severity::Error), json!("error"));
    assert_eq!(val(&Severity::Warning), json!("warning"));
}

// SPEC §3: validation reports every problem of a run, not only the first.
#[test]
fn spec3_every_problem_is_reported() {
    let r = R::base().set("id", "-1").set("querySize", "1.5").s("createdAt", "yesterday");
    let out = validate_run(r.text().as_bytes(), &opts());
    assert_eq!(
        cp(&out.issues),
        ex(&[("invalid_id", "/id"), ("invalid_timestamp", "/createdAt"), ("invalid_number", "/querySize")])
    );
}

// ---------------------------------------------------------------------------------------------
// §3.1 error codes, one by one

// SPEC §3.1 invalid_json: the text is not JSON, with line and column (1-based, code points).
#[test]
fn spec3_1_invalid_json_with_line_and_column() {
    let text = "{\n  \"id\": \"é😀\",\n  \"é😀\": @\n}";
    let out = validate_run(text.as_bytes(), &opts());
    assert!(!out.valid);
    let i = one(&out.issues);
    assert_eq!((i.code, i.path.as_str(), i.severity), (IssueCode::InvalidJson, "", Severity::Error));
    assert_eq!((i.line, i.column), (Some(3), Some(9)));

    // Unexpected end: the position is the end of the text.
    let out = validate_run(b"{\"id\": \"x\"", &opts());
    let i = one(&out.issues);
    assert_eq!((i.code, i.line, i.column), (IssueCode::InvalidJson, Some(1), Some(11)));

    // Text after the value.
    let text = R::base().text() + "\n x";
    let out = validate_run(text.as_bytes(), &opts());
    let i = one(&out.issues);
    assert_eq!((i.code, i.line, i.column), (IssueCode::InvalidJson, Some(2), Some(2)));

    for bad in ["", "   ", "{", "{\"id\": 'x'}", "{\"id\": 01}", "{\"id\": 1,}", "nul", "{\"a\" 1}"] {
        let out = validate_run(bad.as_bytes(), &opts());
        let i = one(&out.issues);
        assert_eq!(i.code, IssueCode::InvalidJson, "{bad:?}");
        assert!(i.line.is_some() && i.column.is_some(), "{bad:?}");
    }
}

// SPEC §3.1 invalid_json: one bad NDJSON line invalidates that record only (path of the record,
// line and column of the error).
#[test]
fn spec3_1_invalid_json_ndjson_line() {
    let text =
        format!("{}\n{{\"id\": \"ü\", oops}}\n{}\n", R::base().s("id", "a").text(), R::base().s("id", "b").text());
    let out = normalize_runs(text.as_bytes(), &opts());
    assert_eq!((out.counts.records, out.counts.valid, out.counts.invalid), (3, 2, 1));
    let i = one(&out.issues);
    assert_eq!((i.code, i.path.as_str()), (IssueCode::InvalidJson, "/1"));
    assert_eq!((i.line, i.column), (Some(2), Some(13)));
}

// SPEC §3.1 invalid_utf8: bytes that are not UTF-8.
#[test]
fn spec3_1_invalid_utf8() {
    let mut bytes = R::base().s("id", "é").text().into_bytes();
    let at = bytes.iter().position(|&b| b == 0xC3).unwrap();
    bytes[at] = 0xFF;
    let out = validate_run(&bytes, &opts());
    let i = one(&out.issues);
    assert_eq!(
        (i.code, i.path.as_str(), i.severity, i.line, i.column),
        (IssueCode::InvalidUtf8, "", Severity::Error, None, None)
    );
    // A truncated sequence at the end, and an overlong encoding.
    for bad in [&b"{\"id\": \"\xC3"[..], b"\"\xC0\xAF\"", b"\xED\xA0\x80"] {
        assert_eq!(one(&validate_run(bad, &opts()).issues).code, IssueCode::InvalidUtf8);
    }
}

// SPEC §3.1 duplicate_key: the same key twice in one object, anywhere in the text.
#[test]
fn spec3_1_duplicate_key() {
    // Top level: the first value counts, the run is invalid.
    let out = validate_run(R::base().push("id", "\"other\"").text().as_bytes(), &opts());
    let i = one(&out.issues);
    assert_eq!((i.code, i.path.as_str(), i.severity), (IssueCode::DuplicateKey, "/id", Severity::Error));
    // Inside a row object.
    let r = R::base().set("failedRows", r#"{"addedCount": 0, "changedCount": 0, "removedCount": 0, "addedCount": 0}"#);
    assert_eq!(
        cp(&validate_run(r.text().as_bytes(), &opts()).issues),
        ex(&[("duplicate_key", "/failedRows/addedCount")])
    );
    // Inside an unknown (stripped) value, and an unknown key twice; keys with `/` and `~` are escaped.
    let r = R::base().push("meta", r#"{"a/b": 1, "a/b": 2, "c": [{"m~n": 1, "m~n": 2}]}"#).push("meta", "1");
    assert_eq!(
        cp(&validate_run(r.text().as_bytes(), &opts()).issues),
        ex(&[("duplicate_key", "/meta/a~1b"), ("duplicate_key", "/meta/c/0/m~0n"), ("duplicate_key", "/meta")])
    );
    // `error` twice.
    let r = R::base().push("error", "\"x\"");
    assert_eq!(cp(&validate_run(r.text().as_bytes(), &opts()).issues), ex(&[("duplicate_key", "/error")]));
    // In a batch envelope.
    let text = r#"{"hasMore": true, "hasMore": false, "data": []}"#;
    let out = normalize_runs(text.as_bytes(), &opts());
    assert_eq!(cp(&out.issues), ex(&[("duplicate_key", "/hasMore")]));
    assert_eq!(out.counts.has_more, Some(true));
}

// SPEC §3.1 invalid_type: a run that is not an object; a batch that is not a batch.
#[test]
fn spec3_1_invalid_type() {
    for text in ["[]", "[{}]", "42", "\"run\"", "null", "true"] {
        let out = validate_run(text.as_bytes(), &opts());
        assert_eq!(cp(&out.issues), ex(&[("invalid_type", "")]), "{text}");
        assert!(out.issues[0].message.contains("found"));
    }
    let text = format!("[1, \"x\", null, [], {}]", R::base().text());
    let out = normalize_runs(text.as_bytes(), &opts());
    assert_eq!((out.counts.records, out.counts.valid, out.counts.invalid), (5, 1, 4));
    assert_eq!(
        cp(&out.issues),
        ex(&[("invalid_type", "/0"), ("invalid_type", "/1"), ("invalid_type", "/2"), ("invalid_type", "/3")])
    );
    for text in ["42", "\"x\"", "null", "true"] {
        let out = summarize_runs(text.as_bytes(), &opts());
        assert_eq!(out.records, 0, "{text}");
        assert_eq!(cp(&out.issues), ex(&[("invalid_type", "")]), "{text}");
    }
    // The message names expected and found types.
    let out = validate_run(R::base().set("querySize", "\"3\"").text().as_bytes(), &opts());
    let m = &one(&out.issues).message;
    assert!(m.contains("integer") && m.contains("string"), "{m}");
}

// SPEC §3.1 missing_field, invalid_id, unknown_status, invalid_timestamp, invalid_number.
#[test]
fn spec3_1_field_error_codes() {
    let cases = [
        (R::base().del("createdAt"), "missing_field", "/createdAt"),
        (
            R::base().set("successfulRows", r#"{"addedCount": 1, "changedCount": 1}"#),
            "missing_field",
            "/successfulRows/removedCount",
        ),
        (R::base().s("id", ""), "invalid_id", "/id"),
        (R::base().set("id", "1.5"), "invalid_id", "/id"),
        (R::base().s("status", "Completed"), "unknown_status", "/status"),
        (R::base().s("finishedAt", "2023-06-01T10:00:00"), "invalid_timestamp", "/finishedAt"),
        (R::base().set("completionRatio", "100"), "invalid_number", "/completionRatio"),
        (
            R::base().set("plannedRows", r#"{"addedCount": -1, "changedCount": 0, "removedCount": 0}"#),
            "invalid_number",
            "/plannedRows/addedCount",
        ),
    ];
    for (r, code, path) in cases {
        let out = validate_run(r.text().as_bytes(), &opts());
        assert!(!out.valid);
        let i = one(&out.issues);
        assert_eq!((i.code.as_str(), i.path.as_str(), i.severity), (code, path, Severity::Error));
        placed(&r.text(), i);
        // Pretty-printed, the position follows the value to its line.
        let pretty = r.pretty("  ");
        placed(&pretty, one(&validate_run(pretty.as_bytes(), &opts()).issues));
    }
}

// SPEC §3.1 unknown_field: only with unknownFields "error".
#[test]
fn spec3_1_unknown_field() {
    let r = R::base().push("syncId", "\"30\"").push("a/b", "1");
    assert!(validate_run(r.text().as_bytes(), &opts()).valid);
    let out = validate_run(r.text().as_bytes(), &error_opts());
    assert!(!out.valid);
    assert_eq!(cp(&out.issues), ex(&[("unknown_field", "/syncId"), ("unknown_field", "/a~1b")]));
    assert!(out.issues.iter().all(|i| i.severity == Severity::Error));
    // An unknown key twice is reported once as unknown, then as a duplicate.
    let r = R::base().push("x", "1").push("x", "2");
    assert_eq!(
        cp(&validate_run(r.text().as_bytes(), &error_opts()).issues),
        ex(&[("unknown_field", "/x"), ("duplicate_key", "/x")])
    );
}

// SPEC §3.1 input_too_large: longer than maxBytes; nothing else is read.
#[test]
fn spec3_1_input_too_large() {
    let text = R::base().text();
    let n = text.len() as u64;
    let at = |max: u64| Options { max_bytes: Some(max), ..opts() };
    assert!(validate_run(text.as_bytes(), &at(n)).valid);
    let out = validate_run(text.as_bytes(), &at(n - 1));
    let i = one(&out.issues);
    assert_eq!((i.code, i.path.as_str(), i.severity), (IssueCode::InputTooLarge, "", Severity::Error));
    // Nothing else is read: not even invalid UTF-8 or invalid JSON.
    let out = validate_run(b"\xFF\xFF not json", &at(3));
    assert_eq!(one(&out.issues).code, IssueCode::InputTooLarge);
}

// ---------------------------------------------------------------------------------------------
// §3.2 warning codes, one by one

fn warnings(r: &R) -> Vec<(String, String)> {
    let out = validate_run(r.text().as_bytes(), &opts());
    assert!(out.valid, "{:?}", out.issues);
    assert!(out.issues.iter().all(|i| i.severity == Severity::Warning));
    out.issues.iter().for_each(|i| placed(&r.text(), i));
    cp(&out.issues)
}

// SPEC §3.2 started_before_created at /startedAt.
#[test]
fn spec3_2_started_before_created() {
    let r = R::base().s("startedAt", "2024-03-01T09:59:59.999Z");
    assert_eq!(warnings(&r), ex(&[("started_before_created", "/startedAt")]));
    // Compared as instants, not as text; equal is fine.
    let r = R::base().s("startedAt", "2024-03-01T11:59:00+02:00");
    assert_eq!(warnings(&r), ex(&[("started_before_created", "/startedAt")]));
    assert_eq!(warnings(&R::base().s("startedAt", "2024-03-01T10:00:00.000Z")), ex(&[]));
    assert_eq!(warnings(&R::base().s("startedAt", "2024-03-01T12:00:00+02:00")), ex(&[]));
}

// SPEC §3.2 finished_before_started at /finishedAt.
#[test]
fn spec3_2_finished_before_started() {
    let r = R::base().s("finishedAt", "2024-03-01T10:00:04Z");
    assert_eq!(warnings(&r), ex(&[("finished_before_started", "/finishedAt")]));
    assert_eq!(warnings(&R::base().s("finishedAt", "2024-03-01T10:00:05Z")), ex(&[]));
    // Both warnings at once.
    let r = R::base().s("startedAt", "2024-03-01T09:00:00Z").s("finishedAt", "2024-03-01T08:00:00Z");
    assert_eq!(
        warnings(&r),
        ex(&[("started_before_created", "/startedAt"), ("finished_before_started", "/finishedAt")])
    );
}

// SPEC §3.2 rows_exceed_planned at /successfulRows/<op>, one warning per operation.
#[test]
fn spec3_2_rows_exceed_planned() {
    let r = R::base().rows("plannedRows", 10, 5, 1).rows("successfulRows", 10, 4, 2).rows("failedRows", 1, 1, 0);
    assert_eq!(
        warnings(&r.s("status", "warning")),
        ex(&[
            ("rows_exceed_planned", "/successfulRows/addedCount"),
            ("rows_exceed_planned", "/successfulRows/removedCount")
        ])
    );
    // Equal is fine; failed rows alone can exceed.
    let r = R::base().s("status", "warning").rows("plannedRows", 3, 3, 3).rows("successfulRows", 2, 3, 0).rows(
        "failedRows",
        1,
        0,
        4,
    );
    assert_eq!(warnings(&r), ex(&[("rows_exceed_planned", "/successfulRows/removedCount")]));
    // Sums beyond 2^53 do not overflow.
    let max = 9_007_199_254_740_991u64;
    let r = R::base().s("status", "warning").rows("plannedRows", max, 0, 0).rows("successfulRows", max, 0, 0).rows(
        "failedRows",
        max,
        0,
        0,
    );
    assert_eq!(warnings(&r), ex(&[("rows_exceed_planned", "/successfulRows/addedCount")]));
}

// SPEC §3.2 success_with_failed_rows at /failedRows: status success, failed total > 0.
#[test]
fn spec3_2_success_with_failed_rows() {
    let r = R::base().rows("successfulRows", 9, 5, 1).rows("failedRows", 0, 0, 0);
    assert_eq!(warnings(&r), ex(&[]));
    let r = R::base().rows("successfulRows", 10, 5, 0).rows("failedRows", 0, 0, 1);
    assert_eq!(warnings(&r), ex(&[("success_with_failed_rows", "/failedRows")]));
    // Not for `warning`, the status that means "some rows rejected".
    assert_eq!(warnings(&r.s("status", "warning")), ex(&[]));
}

// SPEC §3.2 failed_without_error at /error: status failed and no error message.
#[test]
fn spec3_2_failed_without_error() {
    let failed = R::base().s("status", "failed");
    for r in [failed.clone().set("error", "null"), failed.clone().del("error"), failed.clone().s("error", " \n ")] {
        assert_eq!(warnings(&r), ex(&[("failed_without_error", "/error")]));
    }
    assert_eq!(warnings(&failed.s("error", "boom")), ex(&[]));
    // Other terminal statuses may lack an error.
    for st in ["cancelled", "interrupted", "warning", "success"] {
        assert_eq!(warnings(&R::base().s("status", st)), ex(&[]), "{st}");
    }
}

// SPEC §3.2 finished_while_in_progress at /finishedAt.
#[test]
fn spec3_2_finished_while_in_progress() {
    for st in SyncRunStatus::ALL {
        let r = R::base().s("status", st.as_str()).s("error", "boom");
        let expected = if st.is_in_progress() { ex(&[("finished_while_in_progress", "/finishedAt")]) } else { ex(&[]) };
        assert_eq!(warnings(&r), expected, "{st:?}");
    }
}

// SPEC §3.2 duplicate_id at /<i>/id: a valid run whose id an earlier valid run had; left out
// (the first one counts).
#[test]
fn spec3_2_duplicate_id() {
    let a1 = R::base().s("id", "a").set("querySize", "1");
    let a2 = R::base().s("id", " a ").set("querySize", "2");
    let b = R::base().s("id", "A");
    let text = array(&[a1.clone(), b.clone(), a2.clone()]);
    let out = normalize_runs(text.as_bytes(), &opts());
    assert_eq!((out.counts.records, out.counts.valid, out.counts.invalid, out.counts.duplicates), (3, 2, 0, 1));
    let i = one(&out.issues);
    assert_eq!((i.code, i.path.as_str(), i.severity), (IssueCode::DuplicateId, "/2/id", Severity::Warning));
    placed(&text, i);
    assert_eq!(out.runs.iter().map(|r| (r.id.as_str(), r.query_size)).collect::<Vec<_>>(), [("a", 1), ("A", 100)]);
    assert_eq!(out.counts.warning_count, 1);

    // In an envelope the path has /data.
    let out = normalize_runs(envelope(&[a1.clone(), a2.clone()], None).as_bytes(), &opts());
    assert_eq!(cp(&out.issues), ex(&[("duplicate_id", "/data/1/id")]));

    // Numeric and string ids compare after normalization: 42, "42", 42.0.
    let ids = [R::base().set("id", "42"), R::base().s("id", "42"), R::base().set("id", "42.0")];
    let out = normalize_runs(array(&ids).as_bytes(), &opts());
    assert_eq!(cp(&out.issues), ex(&[("duplicate_id", "/1/id"), ("duplicate_id", "/2/id")]));
    assert_eq!(out.counts.duplicates, 2);

    // Only valid runs count: an invalid earlier run with the id does not make a duplicate, and an
    // invalid later one gets its errors only.
    let bad = R::base().s("id", "a").set("querySize", "-1");
    let out = normalize_runs(array(&[bad.clone(), a1.clone(), bad]).as_bytes(), &opts());
    assert_eq!(cp(&out.issues), ex(&[("invalid_number", "/0/querySize"), ("invalid_number", "/2/querySize")]));
    assert_eq!((out.counts.valid, out.counts.invalid, out.counts.duplicates), (1, 2, 0));

    // Long ids (64 code points) that differ only in the last character are not duplicates.
    let long = "x".repeat(63);
    let ids = [
        R::base().s("id", &(long.clone() + "1")),
        R::base().s("id", &(long.clone() + "2")),
        R::base().s("id", &(long + "1")),
    ];
    let out = normalize_runs(array(&ids).as_bytes(), &opts());
    assert_eq!(cp(&out.issues), ex(&[("duplicate_id", "/2/id")]));
}

// SPEC §3.2: warnings are only looked for in runs that have no errors.
#[test]
fn spec3_2_no_warnings_on_invalid_runs() {
    let r = R::base()
        .s("status", "failed")
        .s("startedAt", "2024-03-01T09:00:00Z")
        .rows("failedRows", 99, 0, 0)
        .set("querySize", "-1");
    let out = validate_run(r.text().as_bytes(), &opts());
    assert_eq!(cp(&out.issues), ex(&[("invalid_number", "/querySize")]));
    // And no duplicate_id for an invalid run whose id was seen.
    let ok = R::base();
    let out = normalize_runs(array(&[ok.clone(), ok.set("querySize", "-1")]).as_bytes(), &opts());
    assert_eq!(cp(&out.issues), ex(&[("invalid_number", "/1/querySize")]));
}

// ---------------------------------------------------------------------------------------------
// §3.3 order

// SPEC §3.3: within a run, errors in §2 table order whatever the input order; unknown keys of a
// row object after its counts; then `error`; then unknown top-level keys in input order.
#[test]
fn spec3_3_error_order_within_a_run() {
    let text = r#"{
        "zz": 1,
        "error": 5,
        "failedRows": {"removedCount": -1, "x": 1, "addedCount": "a"},
        "successfulRows": [],
        "plannedRows": {"y": 1, "addedCount": 1.5, "changedCount": 0, "removedCount": 0, "w": 2},
        "querySize": -1,
        "completionRatio": 2,
        "finishedAt": "bad",
        "startedAt": "bad",
        "createdAt": null,
        "status": "nope",
        "id": "",
        "aa": 2
    }"#;
    let expected = ex(&[
        ("invalid_id", "/id"),
        ("unknown_status", "/status"),
        ("missing_field", "/createdAt"),
        ("invalid_timestamp", "/startedAt"),
        ("invalid_timestamp", "/finishedAt"),
        ("invalid_number", "/completionRatio"),
        ("invalid_number", "/querySize"),
        ("invalid_number", "/plannedRows/addedCount"),
        ("unknown_field", "/plannedRows/y"),
        ("unknown_field", "/plannedRows/w"),
        ("invalid_type", "/successfulRows"),
        ("invalid_type", "/failedRows/addedCount"),
        ("missing_field", "/failedRows/changedCount"),
        ("invalid_number", "/failedRows/removedCount"),
        ("unknown_field", "/failedRows/x"),
        ("invalid_type", "/error"),
        ("unknown_field", "/zz"),
        ("unknown_field", "/aa"),
    ]);
    let out = validate_run(text.as_bytes(), &error_opts());
    assert_eq!(cp(&out.issues), expected);
    // Without "error" mode, the same minus the unknown fields.
    let out = validate_run(text.as_bytes(), &opts());
    let without: Vec<_> = expected.into_iter().filter(|(c, _)| c != "unknown_field").collect();
    assert_eq!(cp(&out.issues), without);
}

// SPEC §3.3: a duplicate key is reported at the place of its field in the §2 order.
#[test]
fn spec3_3_duplicate_key_in_field_order() {
    let text = r#"{"error": 1, "error": 2, "querySize": 1, "querySize": -1, "id": "", "id": "a", "status": "success",
        "createdAt": "2024-03-01T10:00:00Z", "startedAt": "2024-03-01T10:00:00Z", "finishedAt": "2024-03-01T10:00:00Z",
        "completionRatio": 1, "plannedRows": {"addedCount": 0, "changedCount": 0, "removedCount": 0},
        "successfulRows": {"addedCount": 0, "changedCount": 0, "removedCount": 0},
        "failedRows": {"addedCount": 0, "changedCount": 0, "removedCount": 0}}"#;
    let out = validate_run(text.as_bytes(), &opts());
    assert_eq!(
        cp(&out.issues),
        ex(&[
            ("invalid_id", "/id"),
            ("duplicate_key", "/id"),
            ("duplicate_key", "/querySize"),
            ("invalid_type", "/error"),
            ("duplicate_key", "/error")
        ])
    );
}

// SPEC §3.3: warnings in §3.2 table order, rows_exceed_planned by operation, duplicate_id last.
#[test]
fn spec3_3_warning_order_within_a_run() {
    let early = |r: R| {
        r.s("createdAt", "2024-03-01T10:00:00Z")
            .s("startedAt", "2024-03-01T09:00:00Z")
            .s("finishedAt", "2024-03-01T08:00:00Z")
            .rows("plannedRows", 0, 0, 0)
            .rows("successfulRows", 1, 0, 1)
            .rows("failedRows", 0, 1, 0)
    };
    let first = R::base().s("id", "other");
    let cases = [
        (early(R::base().s("status", "success")), "success_with_failed_rows", "/1/failedRows"),
        (early(R::base().s("status", "failed")), "failed_without_error", "/1/error"),
        (early(R::base().s("status", "reporting")), "finished_while_in_progress", "/1/finishedAt"),
    ];
    for (r, code, path) in cases {
        let first = first.clone().s("id", "dup");
        let out = normalize_runs(array(&[first, r.s("id", "dup")]).as_bytes(), &opts());
        assert_eq!(
            cp(&out.issues),
            ex(&[
                ("started_before_created", "/1/startedAt"),
                ("finished_before_started", "/1/finishedAt"),
                ("rows_exceed_planned", "/1/successfulRows/addedCount"),
                ("rows_exceed_planned", "/1/successfulRows/changedCount"),
                ("rows_exceed_planned", "/1/successfulRows/removedCount"),
                (code, path),
                ("duplicate_id", "/1/id"),
            ])
        );
        assert!(out.issues.iter().all(|i| i.severity == Severity::Warning));
    }
}

// SPEC §3.3: issues come in input order of the runs; a non-object run has one invalid_type.
#[test]
fn spec3_3_issues_in_input_order_of_runs() {
    let runs = [
        R::base().s("id", "a").s("startedAt", "2024-03-01T09:00:00Z"),
        R::base().s("id", "b").set("querySize", "-1").s("status", "x"),
        R::base().s("id", "a"),
        R::base().s("id", "c").s("status", "failed"),
    ];
    let text = format!("[{}, 7, {}, {}, {}]", runs[0].text(), runs[1].text(), runs[2].text(), runs[3].text());
    let out = normalize_runs(text.as_bytes(), &opts());
    assert_eq!(
        cp(&out.issues),
        ex(&[
            ("started_before_created", "/0/startedAt"),
            ("invalid_type", "/1"),
            ("unknown_status", "/2/status"),
            ("invalid_number", "/2/querySize"),
            ("duplicate_id", "/3/id"),
            ("failed_without_error", "/4/error"),
        ])
    );
    assert_eq!((out.counts.error_count, out.counts.warning_count), (3, 3));
}

// SPEC §3: every issue of an NDJSON record has its `line` (blank lines counted); `column` only
// for invalid_json. Issues of arrays and envelopes have the line and column of their value.
#[test]
fn spec3_ndjson_issues_have_lines() {
    let a = R::base().s("id", "a");
    let text = format!(
        "{}\n\n{}\n   \n{}\n{}\n",
        a.text(),
        R::base().s("id", "b").set("querySize", "-1").s("status", "x").text(),
        a.clone().s("startedAt", "2024-03-01T09:00:00Z").text(),
        "{\"id\": tru}"
    );
    let out = normalize_runs(text.as_bytes(), &opts());
    let positions: Vec<_> = out.issues.iter().map(|i| (i.code.as_str(), i.path.as_str(), i.line, i.column)).collect();
    assert_eq!(
        positions,
        [
            ("unknown_status", "/1/status", Some(3), None),
            ("invalid_number", "/1/querySize", Some(3), None),
            ("started_before_created", "/2/startedAt", Some(5), None),
            ("duplicate_id", "/2/id", Some(5), None),
            ("invalid_json", "/3", Some(6), Some(8)),
        ]
    );
    // The same runs as an array, and in a pretty envelope: at the duplicate's id.
    let text = array(&[a.clone(), a.clone()]);
    placed(&text, one(&normalize_runs(text.as_bytes(), &opts()).issues));
    let text = format!("{{\n  \"data\": [\n{},\n{}\n  ]\n}}", a.pretty("    "), a.pretty("    "));
    let i = one(&normalize_runs(text.as_bytes(), &opts()).issues).clone();
    assert_eq!((i.path.as_str(), i.line), ("/data/1/id", Some(17)), "{text}");
    placed(&text, &i);
    // NDJSON made by the helper: same as the array but with lines.
    let runs = [R::base().s("id", "x"), R::base().s("id", "x")];
    let out = normalize_runs(ndjson(&runs).as_bytes(), &opts());
    assert_eq!(out.issues.iter().map(|i| (i.path.as_str(), i.line)).collect::<Vec<_>>(), [("/1/id", Some(2))]);
}

// SPEC §3.3: a duplicate key is an error of its field, in the §2 table's order with the field's
// other errors, before the errors of the fields after it (the first value counts).
#[test]
fn spec3_3_duplicate_key_before_the_next_fields_errors() {
    let text = r#"{"id":"a","status":"bogus","status":"x","createdAt":"nope","createdAt":1,"startedAt":"2024-01-01T00:00:00Z",
        "finishedAt":"2024-01-01T00:00:01Z","completionRatio":2,"querySize":1,"querySize":2,
        "plannedRows":{"addedCount":1,"changedCount":0,"removedCount":0},
        "successfulRows":{"addedCount":1,"changedCount":0,"removedCount":0},
        "failedRows":{"addedCount":0,"changedCount":0,"removedCount":0},"id":"b"}"#;
    assert_eq!(
        cp(&validate_run(text.as_bytes(), &opts()).issues),
        ex(&[
            ("duplicate_key", "/id"),
            ("unknown_status", "/status"),
            ("duplicate_key", "/status"),
            ("invalid_timestamp", "/createdAt"),
            ("duplicate_key", "/createdAt"),
            ("invalid_number", "/completionRatio"),
            ("duplicate_key", "/querySize"),
        ])
    );
}

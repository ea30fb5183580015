//! SPEC §2: fields of a run — what each key accepts and how it is normalized (§2, §2.1, §2.2).

mod common;

use common::{cp, ex, opts, val, R};
use serde_json::{json, Value};
use syncrun::{normalize_run, validate_run, Options, SyncRunStatus, UnknownFields};

/// The run is valid with no issues; the normalized value of `key`.
fn normalized(r: &R, key: &str) -> Value {
    let out = normalize_run(r.text().as_bytes(), &opts());
    assert!(out.valid, "expected valid: {} → {:?}", r.text(), out.issues);
    assert!(out.issues.is_empty(), "unexpected issues for {}: {:?}", r.text(), out.issues);
    val(&out.run)[key].clone()
}

/// The `(code, path)` of every issue of the run.
fn issues(r: &R) -> Vec<(String, String)> {
    cp(&validate_run(r.text().as_bytes(), &opts()).issues)
}

/// The run is invalid with exactly one issue: `code` at `path`.
fn rejected(r: &R, code: &str, path: &str) {
    let out = validate_run(r.text().as_bytes(), &opts());
    assert!(!out.valid, "expected invalid: {}", r.text());
    assert_eq!(cp(&out.issues), ex(&[(code, path)]), "for {}", r.text());
}

const BASE_NORMALIZED: &str = concat!(
    r#"{"id":"run-1","status":"success","createdAt":"2024-03-01T10:00:00.000Z","#,
    r#""startedAt":"2024-03-01T10:00:05.000Z","finishedAt":"2024-03-01T10:01:05.000Z","#,
    r#""completionRatio":1,"querySize":100,"#,
    r#""plannedRows":{"addedCount":10,"changedCount":5,"removedCount":1},"#,
    r#""successfulRows":{"addedCount":10,"changedCount":5,"removedCount":1},"#,
    r#""failedRows":{"addedCount":0,"changedCount":0,"removedCount":0},"error":null}"#
);

// SPEC §2: normalized runs always have all 11 keys, in contract order.
#[test]
fn spec2_normalized_run_has_the_11_keys_in_order() {
    let out = normalize_run(R::base().text().as_bytes(), &opts());
    assert!(out.valid);
    assert_eq!(serde_json::to_string(&out.run).unwrap(), BASE_NORMALIZED);
}

// SPEC §2: key order of the output does not depend on the input's key order.
#[test]
fn spec2_normalized_key_order_is_independent_of_input_order() {
    let mut r = R::base();
    r.0.reverse();
    let out = normalize_run(r.text().as_bytes(), &opts());
    assert_eq!(serde_json::to_string(&out.run).unwrap(), BASE_NORMALIZED);
    // Counts in another order inside the row objects too.
    let r = R::base().set("plannedRows", r#"{"removedCount": 1, "addedCount": 10, "changedCount": 5}"#);
    let out = normalize_run(r.text().as_bytes(), &opts());
    assert_eq!(serde_json::to_string(&out.run).unwrap(), BASE_NORMALIZED);
}

// SPEC §2: every key but `error` is required (absent → missing_field at its path).
#[test]
fn spec2_every_key_but_error_is_required() {
    for key in [
        "id",
        "status",
        "createdAt",
        "startedAt",
        "finishedAt",
        "completionRatio",
        "querySize",
        "plannedRows",
        "successfulRows",
        "failedRows",
    ] {
        rejected(&R::base().del(key), "missing_field", &format!("/{key}"));
        // `null` where null is not allowed is missing_field too.
        rejected(&R::base().set(key, "null"), "missing_field", &format!("/{key}"));
    }
    assert_eq!(normalized(&R::base().del("error"), "error"), Value::Null);
}

// ---------------------------------------------------------------------------------------------
// id

// SPEC §2 id: trimmed of Unicode white space.
#[test]
fn spec2_id_string_is_trimmed_of_unicode_white_space() {
    assert_eq!(normalized(&R::base().s("id", "  abc \t\n"), "id"), json!("abc"));
    assert_eq!(normalized(&R::base().s("id", "\u{3000}\u{A0}abc\u{2003}\u{2028}"), "id"), json!("abc"));
    assert_eq!(normalized(&R::base().s("id", " a b "), "id"), json!("a b"));
    // White space inside is kept: NBSP is not a control character.
    assert_eq!(normalized(&R::base().s("id", "a\u{A0}b"), "id"), json!("a\u{A0}b"));
}

// SPEC §2: "trimmed of white space" is JavaScript's trim(): U+FEFF is removed, U+0085 is not
// (Rust's str::trim does the opposite), for ids, statuses and error messages alike.
#[test]
fn spec2_trim_is_javascripts_trim() {
    assert_eq!(normalized(&R::base().s("id", "\u{FEFF}abc\u{FEFF}"), "id"), json!("abc"));
    assert_eq!(normalized(&R::base().s("id", "\u{FEFF} \u{205F}abc\u{1680}\u{FEFF}"), "id"), json!("abc"));
    // U+0085 stays, and is a control character (U+007F–U+009F) in an id.
    rejected(&R::base().s("id", "abc\u{85}"), "invalid_id", "/id");
    rejected(&R::base().s("id", "\u{85}"), "invalid_id", "/id");
    assert_eq!(normalized(&R::base().s("status", "\u{FEFF}Success\u{FEFF}"), "status"), json!("success"));
    rejected(&R::base().s("status", "success\u{85}"), "unknown_status", "/status");
    let failed = R::base().s("status", "failed");
    assert_eq!(normalized(&failed.clone().s("error", "\u{FEFF} boom \u{FEFF}"), "error"), json!("boom"));
    assert_eq!(normalized(&failed.clone().s("error", "\u{85}boom\u{85}"), "error"), json!("\u{85}boom\u{85}"));
    // Blank as JavaScript sees it: null; U+0085 alone is not blank.
    let blank = normalize_run(failed.clone().s("error", "\u{FEFF}\u{3000}").text().as_bytes(), &opts());
    assert_eq!(val(&blank.run)["error"], Value::Null);
    assert_eq!(normalized(&failed.s("error", "\u{85}"), "error"), json!("\u{85}"));
}

// SPEC §2 id: no lone surrogate (a `\ud800` escape with no pair) — an invalid_id, not a U+FFFD
// that would make two different ids false duplicates. A pair is one character.
#[test]
fn spec2_id_with_a_lone_surrogate_is_invalid_id() {
    for raw in [r#""\ud800""#, r#""a\udfffb""#, r#""\ud83d""#, r#""x\ude00\ud83d""#, r#"" \ud800 ""#] {
        rejected(&R::base().set("id", raw), "invalid_id", "/id");
    }
    assert_eq!(normalized(&R::base().set("id", r#""\ud83d\ude00""#), "id"), json!("😀"));
    assert_eq!(normalized(&R::base().set("id", r#""a\u00e9""#), "id"), json!("aé"));
    // A real U+FFFD is a character like any other.
    assert_eq!(normalized(&R::base().s("id", "a\u{FFFD}"), "id"), json!("a\u{FFFD}"));
    // Elsewhere (an error message) a lone surrogate is read as U+FFFD, as TextDecoder reads it.
    let failed = R::base().s("status", "failed").set("error", r#""bad \ud800""#);
    assert_eq!(normalized(&failed, "error"), json!("bad \u{FFFD}"));
    // In a batch: two such ids are two invalid runs, not a run and its duplicate.
    let a = R::base().set("id", r#""\ud800""#).text();
    let b = R::base().set("id", r#""\ud801""#).text();
    let s = syncrun::summarize_runs(format!("[{a},{b}]").as_bytes(), &opts());
    assert_eq!((s.records, s.valid, s.invalid, s.duplicates), (2, 0, 2, 0));
}

// SPEC §2 id: 1–64 code points (counted after trimming, not in bytes).
#[test]
fn spec2_id_length_64_accepted_65_rejected() {
    for unit in ["x", "é", "😀"] {
        let ok = unit.repeat(64);
        assert_eq!(normalized(&R::base().s("id", &ok), "id"), json!(ok));
        let padded = format!("  {ok}  ");
        assert_eq!(normalized(&R::base().s("id", &padded), "id"), json!(ok));
        rejected(&R::base().s("id", &unit.repeat(65)), "invalid_id", "/id");
    }
    assert_eq!(normalized(&R::base().s("id", "a"), "id"), json!("a"));
}

// SPEC §2 id / §3.1 invalid_id: empty (after trimming).
#[test]
fn spec2_id_empty_or_blank_is_invalid_id() {
    for id in ["", " ", "\t\n ", "\u{3000}"] {
        rejected(&R::base().s("id", id), "invalid_id", "/id");
    }
}

// SPEC §2 id: no control characters (U+0000–U+001F, U+007F–U+009F).
#[test]
fn spec2_id_control_characters_are_invalid_id() {
    for id in ["a\u{0}b", "a\u{1}", "a\tb", "a\nb", "a\u{1F}b", "a\u{7F}b", "a\u{80}b", "a\u{85}b", "a\u{9F}b"] {
        rejected(&R::base().s("id", id), "invalid_id", "/id");
    }
    // Just outside the ranges.
    assert_eq!(normalized(&R::base().s("id", "a\u{20}b"), "id"), json!("a b"));
    assert_eq!(normalized(&R::base().s("id", "a\u{7E}b"), "id"), json!("a~b"));
    assert_eq!(normalized(&R::base().s("id", "a\u{A1}b"), "id"), json!("a\u{A1}b"));
}

// SPEC §2 id: an integer becomes its decimal digits (`42.0` → `"42"`).
#[test]
fn spec2_id_integer_becomes_decimal_digits() {
    for (raw, id) in [
        ("42", "42"),
        ("42.0", "42"),
        ("3e2", "300"),
        ("4.2e1", "42"),
        ("0", "0"),
        ("9007199254740991", "9007199254740991"),
    ] {
        assert_eq!(normalized(&R::base().set("id", raw), "id"), json!(id), "id {raw}");
    }
}

// SPEC §2 id / §3.1 invalid_id: negative, fractional or too large numbers.
#[test]
fn spec2_id_bad_numbers_are_invalid_id() {
    for raw in ["-1", "1.5", "0.1", "9007199254740992", "1e16", "1e400", "-1e400"] {
        rejected(&R::base().set("id", raw), "invalid_id", "/id");
    }
}

// SPEC §2 id / §3.1 invalid_type: neither string nor number.
#[test]
fn spec2_id_wrong_type_is_invalid_type() {
    for raw in ["true", "false", "[]", "[\"a\"]", "{}", "{\"a\": 1}"] {
        rejected(&R::base().set("id", raw), "invalid_type", "/id");
    }
}

// ---------------------------------------------------------------------------------------------
// status

// SPEC §2.1: the nine statuses, lowercase.
#[test]
fn spec2_1_nine_statuses_accepted() {
    for st in SyncRunStatus::ALL {
        let mut r = R::base().s("status", st.as_str());
        if st == SyncRunStatus::Failed {
            r = r.s("error", "boom");
        }
        if st.is_in_progress() {
            r = r.set("finishedAt", "null");
        }
        assert_eq!(normalized(&r, "status"), json!(st.as_str()));
    }
}

// SPEC §2 status: ASCII case-insensitive, surrounding white space ignored; normalized lowercase.
#[test]
fn spec2_status_case_insensitive_and_trimmed() {
    for (raw, st) in [
        ("SUCCESS", "success"),
        ("Success", "success"),
        (" warning ", "warning"),
        ("\tCANCELLED\n", "cancelled"),
        ("InTeRrUpTeD", "interrupted"),
    ] {
        assert_eq!(normalized(&R::base().s("status", raw), "status"), json!(st), "status {raw:?}");
    }
    let r = R::base().s("status", " QUEUED ").set("finishedAt", "null");
    assert_eq!(normalized(&r, "status"), json!("queued"));
}

// SPEC §2.1: any other value is unknown_status.
#[test]
fn spec2_1_other_status_is_unknown_status() {
    for raw in
        ["Completed", "aborted", "", " ", "succeeded", "success!", "suc cess", "ſuccess", "ＳＵＣＣＥＳＳ", "error"]
    {
        rejected(&R::base().s("status", raw), "unknown_status", "/status");
    }
}

// SPEC §2 status / §3.1 invalid_type.
#[test]
fn spec2_status_wrong_type_is_invalid_type() {
    for raw in ["1", "true", "[\"success\"]", "{}"] {
        rejected(&R::base().set("status", raw), "invalid_type", "/status");
    }
}

// ---------------------------------------------------------------------------------------------
// timestamps

// SPEC §2.2: canonical form is UTC, truncated to milliseconds, `YYYY-MM-DDTHH:MM:SS.sssZ`.
#[test]
fn spec2_2_timestamps_are_canonicalized() {
    let cases = [
        ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00.000Z"),
        ("2024-03-01t10:00:00z", "2024-03-01T10:00:00.000Z"),
        ("2024-03-01 10:00:00Z", "2024-03-01T10:00:00.000Z"),
        ("2024-03-01T12:30:00+02:30", "2024-03-01T10:00:00.000Z"),
        ("2024-03-01T00:00:00.5+00:00", "2024-03-01T00:00:00.500Z"),
        ("2024-02-29T23:00:00-02:00", "2024-03-01T01:00:00.000Z"),
        ("2024-03-01T10:00:00.1239Z", "2024-03-01T10:00:00.123Z"),
        ("2024-03-01T10:00:00.999999999Z", "2024-03-01T10:00:00.999Z"),
        ("2024-03-01T10:00:00.000000001Z", "2024-03-01T10:00:00.000Z"),
        ("2024-12-31T23:59:59.999-00:00", "2024-12-31T23:59:59.999Z"),
        ("2022-02-08T16:11:04.712Z", "2022-02-08T16:11:04.712Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"),
        ("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"),
    ];
    for (raw, canonical) in cases {
        // createdAt, with started/finished after it so that no warning appears.
        let r = R::base().s("createdAt", raw).s("startedAt", raw).s("finishedAt", raw);
        assert_eq!(normalized(&r, "createdAt"), json!(canonical), "createdAt {raw}");
        assert_eq!(normalized(&r, "startedAt"), json!(canonical), "startedAt {raw}");
        assert_eq!(normalized(&r, "finishedAt"), json!(canonical), "finishedAt {raw}");
    }
}

// SPEC §2.2: what is not accepted is invalid_timestamp at the field's path.
#[test]
fn spec2_2_bad_timestamps_are_invalid_timestamp() {
    let bad = [
        "2023-06-01T10:00:00",             // no offset
        "2023-06-01",                      // date only
        "1685613600",                      // epoch digits in a string
        "2023-02-29T00:00:00Z",            // not a leap year
        "2023-04-31T00:00:00Z",            // no such day
        "2023-13-01T00:00:00Z",            // month 13
        "2023-06-01T24:00:00Z",            // hour 24
        "2023-06-01T10:60:00Z",            // minute 60
        "2016-12-31T23:59:60Z",            // leap second
        "2023-06-01T10:00:00+24:00",       // offset hour 24
        "2023-06-01T10:00:00.Z",           // no fractional digit
        "2023-06-01T10:00:00.1234567891Z", // 10 fractional digits
        "2023-06-01  10:00:00Z",           // two spaces
        "2023-06-01_10:00:00Z",
        "2023-W22-4T10:00:00Z",      // ISO week date
        "2023-152T10:00:00Z",        // ordinal date
        "0000-01-01T00:00:00Z",      // year 0
        "0001-01-01T00:30:00+01:00", // UTC year 0
        "9999-12-31T23:30:00-01:00", // UTC year 10000
        " 2023-06-01T10:00:00Z",
        "2023-06-01T10:00:00Z ",
        "",
    ];
    for raw in bad {
        for key in ["createdAt", "startedAt", "finishedAt"] {
            rejected(&R::base().s(key, raw), "invalid_timestamp", &format!("/{key}"));
        }
    }
}

// SPEC §2.2: epoch numbers are not timestamps — a number is the wrong JSON type.
#[test]
fn spec2_2_timestamp_wrong_type_is_invalid_type() {
    for raw in ["1685613600000", "true", "[]", "{}"] {
        for key in ["createdAt", "startedAt", "finishedAt"] {
            rejected(&R::base().set(key, raw), "invalid_type", &format!("/{key}"));
        }
    }
}

// SPEC §2 startedAt: null or missing allowed only when status is queued or cancelled.
#[test]
fn spec2_started_at_null_only_for_queued_and_cancelled() {
    for st in SyncRunStatus::ALL {
        for r in [R::base().set("startedAt", "null"), R::base().del("startedAt")] {
            let mut r = r.s("status", st.as_str()).s("error", "boom");
            if st.is_in_progress() {
                r = r.set("finishedAt", "null");
            }
            let out = normalize_run(r.text().as_bytes(), &opts());
            let allowed = matches!(st, SyncRunStatus::Queued | SyncRunStatus::Cancelled);
            if allowed {
                assert!(out.valid, "{st:?}: {:?}", out.issues);
                assert!(out.issues.is_empty(), "{st:?}: {:?}", out.issues);
                assert_eq!(val(&out.run)["startedAt"], Value::Null);
            } else {
                assert_eq!(cp(&out.issues), ex(&[("missing_field", "/startedAt")]), "{st:?}");
                assert!(!out.valid);
            }
        }
    }
}

// SPEC §2 finishedAt: null or missing allowed only for the in-progress statuses.
#[test]
fn spec2_finished_at_null_only_in_progress() {
    for st in SyncRunStatus::ALL {
        for r in [R::base().set("finishedAt", "null"), R::base().del("finishedAt")] {
            let r = r.s("status", st.as_str()).s("error", "boom");
            let out = normalize_run(r.text().as_bytes(), &opts());
            if st.is_in_progress() {
                assert!(out.valid, "{st:?}: {:?}", out.issues);
                assert!(out.issues.is_empty(), "{st:?}: {:?}", out.issues);
                assert_eq!(val(&out.run)["finishedAt"], Value::Null);
            } else {
                assert_eq!(cp(&out.issues), ex(&[("missing_field", "/finishedAt")]), "{st:?}");
            }
        }
    }
}

// SPEC §2: both timestamps null for queued; createdAt is never nullable.
#[test]
fn spec2_queued_run_with_no_start_or_finish() {
    let r = R::base().s("status", "queued").del("startedAt").set("finishedAt", "null");
    let out = normalize_run(r.text().as_bytes(), &opts());
    assert!(out.valid);
    let run = val(&out.run);
    assert_eq!((run["startedAt"].clone(), run["finishedAt"].clone()), (Value::Null, Value::Null));
    rejected(&r.clone().set("createdAt", "null"), "missing_field", "/createdAt");
}

// ---------------------------------------------------------------------------------------------
// completionRatio

// SPEC §2 completionRatio: number in [0, 1]; `-0` → `0`.
#[test]
fn spec2_completion_ratio_accepted_and_normalized() {
    for (raw, n) in [
        ("0", json!(0)),
        ("1", json!(1)),
        ("1.0", json!(1)),
        ("0.54", json!(0.54)),
        ("5e-1", json!(0.5)),
        ("1e-300", json!(1e-300)),
    ] {
        assert_eq!(normalized(&R::base().set("completionRatio", raw), "completionRatio"), n, "ratio {raw}");
    }
    for raw in ["-0", "-0.0", "-0e5"] {
        let out = normalize_run(R::base().set("completionRatio", raw).text().as_bytes(), &opts());
        let run = out.run.expect("valid");
        assert!(run.completion_ratio == 0.0 && run.completion_ratio.is_sign_positive(), "{raw}");
        assert!(serde_json::to_string(&run).unwrap().contains(r#""completionRatio":0,"#));
    }
}

// SPEC §2 / §3.1 invalid_number: a ratio outside [0, 1] or non-finite.
#[test]
fn spec2_completion_ratio_out_of_range_is_invalid_number() {
    for raw in ["-0.1", "-1", "1.0000001", "100", "54", "1e400", "-1e400"] {
        rejected(&R::base().set("completionRatio", raw), "invalid_number", "/completionRatio");
    }
    for raw in ["\"0.5\"", "true", "[]", "{}"] {
        rejected(&R::base().set("completionRatio", raw), "invalid_type", "/completionRatio");
    }
}

// ---------------------------------------------------------------------------------------------
// querySize and row counts

// SPEC §2 "Integer": a number with no fractional part (`3`, `3.0`, `3e2`) from 0 to 2^53 − 1.
#[test]
fn spec2_query_size_integers_accepted() {
    for (raw, n) in [
        ("0", 0u64),
        ("3", 3),
        ("3.0", 3),
        ("3e2", 300),
        ("3E+2", 300),
        ("30e-1", 3),
        ("-0", 0),
        ("9007199254740991", 9_007_199_254_740_991),
    ] {
        assert_eq!(normalized(&R::base().set("querySize", raw), "querySize"), json!(n), "querySize {raw}");
    }
}

// SPEC §2 / §3.1 invalid_number: negative, fractional, non-finite or above 2^53 − 1.
#[test]
fn spec2_query_size_bad_numbers_are_invalid_number() {
    for raw in ["-1", "-0.5", "1.5", "3e-1", "9007199254740992", "9007199254740993", "1e300", "1e400"] {
        rejected(&R::base().set("querySize", raw), "invalid_number", "/querySize");
    }
    for raw in ["\"3\"", "false", "[3]", "{}"] {
        rejected(&R::base().set("querySize", raw), "invalid_type", "/querySize");
    }
}

// SPEC §2 plannedRows/successfulRows/failedRows: integer addedCount/changedCount/removedCount.
#[test]
fn spec2_row_counts_accepted_and_normalized() {
    let r = R::base()
        .set("plannedRows", r#"{"addedCount": 3.0, "changedCount": 3e2, "removedCount": 9007199254740991}"#)
        .set("successfulRows", r#"{"addedCount": 2, "changedCount": 2E2, "removedCount": 0}"#)
        .set("failedRows", r#"{"addedCount": 1e0, "changedCount": 1, "removedCount": 0.0}"#);
    let out = normalize_run(r.text().as_bytes(), &opts());
    assert!(out.valid, "{:?}", out.issues);
    let run = val(&out.run);
    assert_eq!(
        run["plannedRows"],
        json!({"addedCount": 3, "changedCount": 300, "removedCount": 9_007_199_254_740_991u64})
    );
    assert_eq!(run["successfulRows"], json!({"addedCount": 2, "changedCount": 200, "removedCount": 0}));
    assert_eq!(run["failedRows"], json!({"addedCount": 1, "changedCount": 1, "removedCount": 0}));
}

// SPEC §2 / §3.1: each count of each row object — missing, null, wrong type, bad number.
#[test]
fn spec2_row_counts_rejected() {
    for kind in ["plannedRows", "successfulRows", "failedRows"] {
        for op in ["addedCount", "changedCount", "removedCount"] {
            let path = format!("/{kind}/{op}");
            let with = |raw: Option<&str>| {
                let members: Vec<String> = ["addedCount", "changedCount", "removedCount"]
                    .iter()
                    .filter_map(|o| {
                        if *o == op {
                            raw.map(|v| format!("\"{o}\": {v}"))
                        } else {
                            Some(format!("\"{o}\": 0"))
                        }
                    })
                    .collect();
                R::base().set(kind, &format!("{{{}}}", members.join(", ")))
            };
            rejected(&with(None), "missing_field", &path);
            rejected(&with(Some("null")), "missing_field", &path);
            for raw in ["\"1\"", "true", "[]", "{}"] {
                rejected(&with(Some(raw)), "invalid_type", &path);
            }
            for raw in ["-1", "0.5", "2.25", "9007199254740992", "1e400", "-1e400"] {
                rejected(&with(Some(raw)), "invalid_number", &path);
            }
        }
        for raw in ["[]", "1", "\"x\"", "true"] {
            rejected(&R::base().set(kind, raw), "invalid_type", &format!("/{kind}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// error

// SPEC §2 error: trimmed of Unicode white space; null when missing, null or blank.
#[test]
fn spec2_error_trimmed_blank_is_null() {
    assert_eq!(normalized(&R::base().s("error", "  boom \n"), "error"), json!("boom"));
    assert_eq!(normalized(&R::base().s("error", "\u{3000}boom 42\u{2003}"), "error"), json!("boom 42"));
    assert_eq!(normalized(&R::base().s("error", "line 1\nline 2"), "error"), json!("line 1\nline 2"));
    for blank in ["", " ", "\t\r\n", "\u{A0}\u{3000}"] {
        assert_eq!(normalized(&R::base().s("error", blank), "error"), Value::Null, "{blank:?}");
    }
    assert_eq!(normalized(&R::base().set("error", "null"), "error"), Value::Null);
    assert_eq!(normalized(&R::base().del("error"), "error"), Value::Null);
}

// SPEC §2 error: string, null or missing; anything else is invalid_type.
#[test]
fn spec2_error_wrong_type_is_invalid_type() {
    for raw in ["5", "false", "[\"x\"]", "{\"message\": \"x\"}"] {
        rejected(&R::base().set("error", raw), "invalid_type", "/error");
    }
}

// ---------------------------------------------------------------------------------------------
// unknown keys

fn with_extras() -> R {
    R::base()
        .push("zeta", r#"{"b": [1, 2.5, -0, "x"], "a": null}"#)
        .set("plannedRows", r#"{"addedCount": 10, "legacy": true, "changedCount": 5, "removedCount": 1, "note": "n"}"#)
        .push("syncId", "\"30\"")
        .push("alpha", "1e2")
}

// SPEC §2 unknownFields "strip" (default): unknown keys, nested ones too, leave the output.
#[test]
fn spec2_unknown_fields_strip_by_default() {
    let out = normalize_run(with_extras().text().as_bytes(), &opts());
    assert!(out.valid && out.issues.is_empty(), "{:?}", out.issues);
    assert_eq!(serde_json::to_string(&out.run).unwrap(), BASE_NORMALIZED);
    let strip = Options { unknown_fields: Some(UnknownFields::Strip), ..opts() };
    let out = normalize_run(with_extras().text().as_bytes(), &strip);
    assert_eq!(serde_json::to_string(&out.run).unwrap(), BASE_NORMALIZED);
}

// SPEC §2 unknownFields "keep": kept after the known keys, in input order (nested ones in
// their row object after its three counts).
#[test]
fn spec2_unknown_fields_keep_after_known_keys_in_input_order() {
    // Put an unknown key first in the input: it still comes after the 11 keys.
    let mut r = with_extras();
    let first = r.0.pop().unwrap();
    r.0.insert(0, first);
    let keep = Options { unknown_fields: Some(UnknownFields::Keep), ..opts() };
    let out = normalize_run(r.text().as_bytes(), &keep);
    assert!(out.valid && out.issues.is_empty(), "{:?}", out.issues);
    let expected = concat!(
        r#"{"id":"run-1","status":"success","createdAt":"2024-03-01T10:00:00.000Z","#,
        r#""startedAt":"2024-03-01T10:00:05.000Z","finishedAt":"2024-03-01T10:01:05.000Z","#,
        r#""completionRatio":1,"querySize":100,"#,
        r#""plannedRows":{"addedCount":10,"changedCount":5,"removedCount":1,"legacy":true,"note":"n"},"#,
        r#""successfulRows":{"addedCount":10,"changedCount":5,"removedCount":1},"#,
        r#""failedRows":{"addedCount":0,"changedCount":0,"removedCount":0},"error":null,"#,
        r#""alpha":100,"zeta":{"b":[1,2.5,0,"x"],"a":null},"syncId":"30"}"#
    );
    assert_eq!(serde_json::to_string(&out.run).unwrap(), expected);
}

// SPEC §2 unknownFields "error": each unknown key, nested ones too, is an unknown_field error.
#[test]
fn spec2_unknown_fields_error() {
    let error = Options { unknown_fields: Some(UnknownFields::Error), ..opts() };
    let out = normalize_run(with_extras().text().as_bytes(), &error);
    assert!(!out.valid);
    assert!(out.run.is_none());
    assert_eq!(
        cp(&out.issues),
        ex(&[
            ("unknown_field", "/plannedRows/legacy"),
            ("unknown_field", "/plannedRows/note"),
            ("unknown_field", "/zeta"),
            ("unknown_field", "/syncId"),
            ("unknown_field", "/alpha"),
        ])
    );
    assert!(out.issues.iter().all(|i| i.is_error()));
    // Known keys only: valid under "error" too.
    assert!(normalize_run(R::base().text().as_bytes(), &error).valid);
}

// SPEC §2: the first run of the fixtures' legacy shape — unknown keys do not replace known ones.
#[test]
fn spec2_legacy_count_keys_are_unknown_and_counts_missing() {
    let r = R::base().set("plannedRows", r#"{"added": 1, "changed": 0, "removed": 0}"#);
    assert_eq!(
        issues(&r),
        ex(&[
            ("missing_field", "/plannedRows/addedCount"),
            ("missing_field", "/plannedRows/changedCount"),
            ("missing_field", "/plannedRows/removedCount"),
        ])
    );
}

// SPEC §2 row counts and §3.1: a row object written as Hightouch writes it (its key order, no
// space) is read by a shorter path than any other spelling. Every count spelling, in that
// compact shape and with spaces, must give the same issues and the same normalized run, with
// each unknownFields mode.
#[test]
fn spec2_row_counts_compact_and_spaced_spellings_agree() {
    let values = [
        "0",
        "7",
        "10",
        "123456789012345",
        "1234567890123456",
        "9007199254740991",
        "9007199254740992",
        "3.0",
        "3e2",
        "1E0",
        "-1",
        "-0",
        "0.5",
        "01",
        "00",
        "1.",
        "null",
        "\"1\"",
        "true",
        "[]",
        "{}",
    ];
    let shapes: [fn(&str, &str) -> String; 7] = [
        |v, sep| format!(r#"{{"addedCount":{sep}{v},{sep}"changedCount":{sep}0,{sep}"removedCount":{sep}0}}"#),
        |v, sep| format!(r#"{{"addedCount":{sep}0,{sep}"changedCount":{sep}{v},{sep}"removedCount":{sep}0}}"#),
        |v, sep| format!(r#"{{"addedCount":{sep}0,{sep}"changedCount":{sep}0,{sep}"removedCount":{sep}{v}}}"#),
        |v, sep| format!(r#"{{"removedCount":{sep}{v},{sep}"addedCount":{sep}0,{sep}"changedCount":{sep}0}}"#),
        |v, sep| {
            format!(
                r#"{{"addedCount":{sep}{v},{sep}"changedCount":{sep}0,{sep}"removedCount":{sep}0,{sep}"x":{sep}1}}"#
            )
        },
        |v, sep| format!(r#"{{"addedCount":{sep}{v},{sep}"changedCount":{sep}0,{sep}"addedCount":{sep}0}}"#),
        |v, sep| format!(r#"{{"addedCount":{sep}{v},{sep}"changedCount":{sep}0}}"#),
    ];
    // The whole run compact too, so that nothing but the row object's spelling differs.
    let compact = |r: &R| {
        let members: Vec<String> =
            r.0.iter().map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap())).collect();
        format!("{{{}}}", members.join(","))
    };
    let modes = [UnknownFields::Strip, UnknownFields::Keep, UnknownFields::Error];
    for kind in ["plannedRows", "successfulRows", "failedRows"] {
        for v in values {
            for shape in shapes {
                for mode in modes {
                    let o = Options { unknown_fields: Some(mode), ..opts() };
                    let tight = compact(&R::base().set(kind, &shape(v, "")));
                    let spaced = compact(&R::base().set(kind, &shape(v, " ")));
                    let (a, b) = (normalize_run(tight.as_bytes(), &o), normalize_run(spaced.as_bytes(), &o));
                    assert_eq!(a.valid, b.valid, "{tight}");
                    assert_eq!(cp(&a.issues), cp(&b.issues), "{tight}");
                    assert_eq!(val(&a.run), val(&b.run), "{tight}");
                }
            }
        }
    }
    // And the compact shape itself is read right (the base run's counts, 10/5/1 and zeros).
    let tight = compact(&R::base().set("plannedRows", r#"{"addedCount":12,"changedCount":5,"removedCount":345}"#));
    let out = normalize_run(tight.as_bytes(), &opts());
    assert!(out.valid && out.issues.is_empty(), "{:?}", out.issues);
    assert_eq!(val(&out.run)["plannedRows"], json!({"addedCount": 12, "changedCount": 5, "removedCount": 345}));
}

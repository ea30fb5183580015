//! SPEC §1: batch inputs — arrays, envelopes, NDJSON, single runs; auto-detection and forced
//! formats; byte order mark, invalid UTF-8, invalid JSON and maxBytes. Also §8 normalizeRuns.

mod common;

use common::{array, cp, envelope, ex, ndjson, opts, val, R};
use serde_json::json;
use syncrun::{normalize_run, normalize_runs, summarize_runs, Format, IssueCode, NormalizeRunsResult, Options};

fn runs3() -> [R; 3] {
    [R::base().s("id", "a"), R::base().s("id", "b").s("status", "x"), R::base().s("id", "c").set("querySize", "7")]
}

fn ids(out: &NormalizeRunsResult) -> Vec<&str> {
    out.runs.iter().map(|r| r.id.as_str()).collect()
}

fn fmt(f: Format) -> Options {
    Options { format: Some(f), ..opts() }
}

/// Records, valid, invalid and the `(code, path)` of the issues.
fn shape(out: &NormalizeRunsResult) -> (u64, u64, u64, Vec<(String, String)>) {
    (out.counts.records, out.counts.valid, out.counts.invalid, cp(&out.issues))
}

// SPEC §1: a JSON array of runs; paths `/<i>/...`; hasMore null.
#[test]
fn spec1_array_of_runs() {
    let out = normalize_runs(array(&runs3()).as_bytes(), &opts());
    assert_eq!(shape(&out), (3, 2, 1, ex(&[("unknown_status", "/1/status")])));
    assert_eq!(ids(&out), ["a", "c"]);
    assert_eq!(out.counts.has_more, None);
    let out = normalize_runs(b"[]", &opts());
    assert_eq!(shape(&out), (0, 0, 0, ex(&[])));
    let out = normalize_runs(b" \n [ \n ] \n ", &opts());
    assert_eq!(shape(&out), (0, 0, 0, ex(&[])));
}

// SPEC §1: the list envelope `{ "data": [...], "hasMore": bool }`; paths `/data/<i>/...`.
#[test]
fn spec1_envelope_with_has_more() {
    for (has_more, expected) in [(Some("true"), Some(true)), (Some("false"), Some(false)), (None, None)] {
        let out = normalize_runs(envelope(&runs3(), has_more).as_bytes(), &opts());
        assert_eq!(shape(&out), (3, 2, 1, ex(&[("unknown_status", "/data/1/status")])));
        assert_eq!(out.counts.has_more, expected, "{has_more:?}");
        assert_eq!(ids(&out), ["a", "c"]);
    }
    // hasMore before data; other envelope keys ignored, whatever their value.
    let text = format!(
        r#"{{"hasMore": true, "meta": {{"next": [1, {{"x": null}}]}}, "data": {}, "total": 3}}"#,
        array(&runs3())
    );
    let out = normalize_runs(text.as_bytes(), &opts());
    assert_eq!(shape(&out), (3, 2, 1, ex(&[("unknown_status", "/data/1/status")])));
    assert_eq!(out.counts.has_more, Some(true));
    let out = normalize_runs(br#"{"data": []}"#, &opts());
    assert_eq!((shape(&out), out.counts.has_more), ((0, 0, 0, ex(&[])), None));
    // hasMore that is not a boolean: null, no issue (SPEC does not say; the code ignores it).
    let out = normalize_runs(br#"{"data": [], "hasMore": "yes"}"#, &opts());
    assert_eq!((shape(&out), out.counts.has_more), ((0, 0, 0, ex(&[])), None));
}

// SPEC §1: an envelope whose `data` is not an array is invalid_type at /data; records 0.
#[test]
fn spec1_envelope_data_not_an_array() {
    for data in ["{}", "null", "1", "\"runs\"", "true", &R::base().text()] {
        let text = format!(r#"{{"hasMore": false, "data": {data}}}"#);
        let out = normalize_runs(text.as_bytes(), &opts());
        assert_eq!(shape(&out), (0, 0, 0, ex(&[("invalid_type", "/data")])), "{data}");
        assert_eq!(out.issues[0].severity, syncrun::Severity::Error);
        let s = summarize_runs(text.as_bytes(), &opts());
        assert_eq!((s.records, s.valid, s.error_count), (0, 0, 1));
    }
}

// SPEC §1: NDJSON — one run per line, blank lines ignored, indices among non-blank records.
#[test]
fn spec1_ndjson_with_blank_lines() {
    let [a, b, c] = runs3();
    let text = format!("\n{}\n\n  \t\n{}\r\n{}", a.text(), b.text(), c.text());
    let out = normalize_runs(text.as_bytes(), &opts());
    assert_eq!(shape(&out), (3, 2, 1, ex(&[("unknown_status", "/1/status")])));
    assert_eq!(out.issues[0].line, Some(5));
    assert_eq!(ids(&out), ["a", "c"]);
    assert_eq!(out.counts.has_more, None);
}

// SPEC §1 / §3.1: a bad NDJSON line spoils only its record, with line and column.
#[test]
fn spec1_ndjson_bad_line_spoils_only_its_record() {
    let [a, _, c] = runs3();
    let text = format!("{}\n{{\"id\": \"b\", \"status\": \"success\"\n\n{}\n[1,\n", a.text(), c.text());
    let out = normalize_runs(text.as_bytes(), &opts());
    assert_eq!(shape(&out), (4, 2, 2, ex(&[("invalid_json", "/1"), ("invalid_json", "/3")])));
    assert_eq!((out.issues[0].line, out.issues[0].column), (Some(2), Some(32)));
    assert_eq!((out.issues[1].line, out.issues[1].column), (Some(5), Some(4)));
    assert_eq!(ids(&out), ["a", "c"]);
}

// SPEC §1: a single run object is a batch of one (paths from the root).
#[test]
fn spec1_single_run_is_a_batch_of_one() {
    let out = normalize_runs(R::base().text().as_bytes(), &opts());
    assert_eq!(shape(&out), (1, 1, 0, ex(&[])));
    let out = normalize_runs(R::base().s("status", "x").pretty("").as_bytes(), &opts());
    assert_eq!(shape(&out), (1, 0, 1, ex(&[("unknown_status", "/status")])));
    // An empty object is a run (with every field missing), not an envelope.
    let out = normalize_runs(b"{}", &opts());
    assert_eq!((out.counts.records, out.counts.invalid), (1, 1));
    assert!(out.issues.iter().all(|i| i.code == IssueCode::MissingField));
    // A run with a `data` key is read as an envelope: the object with a `data` key rule.
    let out = normalize_runs(R::base().push("data", "[]").text().as_bytes(), &opts());
    assert_eq!(shape(&out), (0, 0, 0, ex(&[])));
}

// SPEC §1 auto-detection: pretty-printed JSON (first line not a whole value) is one JSON value.
#[test]
fn spec1_auto_pretty_printed_json_is_json() {
    let [a, b, c] = runs3();
    let pretty_array = format!("[\n  {},\n  {},\n  {}\n]\n", a.pretty("  "), b.pretty("  "), c.pretty("  "));
    let out = normalize_runs(pretty_array.as_bytes(), &opts());
    assert_eq!(shape(&out), (3, 2, 1, ex(&[("unknown_status", "/1/status")])));
    // SPEC §3: an issue of a JSON document has the line and column of the value its path names.
    let (line, column) = (out.issues[0].line.unwrap() as usize, out.issues[0].column.unwrap() as usize);
    let at: String = pretty_array.lines().nth(line - 1).unwrap().chars().skip(column - 1).collect();
    assert!(at.starts_with("\"x\""), "line {line}, column {column}: {at}");
    let pretty_env =
        format!("{{\n  \"data\": [\n{},\n{}\n  ],\n  \"hasMore\": true\n}}", a.pretty("    "), c.pretty("    "));
    let out = normalize_runs(pretty_env.as_bytes(), &opts());
    assert_eq!((shape(&out), out.counts.has_more), ((2, 2, 0, ex(&[])), Some(true)));
    // A pretty run whose first line is `{`.
    let out = normalize_runs(a.pretty("").as_bytes(), &opts());
    assert_eq!(shape(&out), (1, 1, 0, ex(&[])));
    // One non-blank line, with blank lines around: JSON, not NDJSON.
    let text = format!("\n\n{}\n\n", array(&runs3()));
    let out = normalize_runs(text.as_bytes(), &opts());
    assert_eq!(shape(&out), (3, 2, 1, ex(&[("unknown_status", "/1/status")])));
    // (The issue has the line and column of its value in the document, SPEC §3; an NDJSON
    // record's issue would have no column.)
    assert_eq!(out.issues[0].line, Some(3));
    let column = out.issues[0].column.unwrap() as usize;
    assert!(text.lines().nth(2).unwrap().chars().skip(column - 1).collect::<String>().starts_with("\"x\""));
    // An array on its first line followed by more lines is NDJSON: each line a record.
    let text = format!("{}\n{}\n", array(std::slice::from_ref(&a)), c.text());
    let out = normalize_runs(text.as_bytes(), &opts());
    assert_eq!(shape(&out), (2, 1, 1, ex(&[("invalid_type", "/0")])));
    assert_eq!(out.issues[0].line, Some(1));
}

// SPEC §1 auto-detection: more than one non-blank line and a whole first line → NDJSON, even if
// a later line is not JSON.
#[test]
fn spec1_auto_ndjson_detection() {
    let [a, b, c] = runs3();
    let text = format!("{}\n{}", a.text(), c.text());
    assert_eq!(shape(&normalize_runs(text.as_bytes(), &opts())), (2, 2, 0, ex(&[])));
    let text = format!("{}\n{{\n{}\n", a.text(), b.text());
    let out = normalize_runs(text.as_bytes(), &opts());
    assert_eq!(shape(&out), (3, 1, 2, ex(&[("invalid_json", "/1"), ("unknown_status", "/2/status")])));
    // A first line that is whole but not a run: NDJSON still.
    let text = format!("42\n{}\n", a.text());
    assert_eq!(shape(&normalize_runs(text.as_bytes(), &opts())), (2, 1, 1, ex(&[("invalid_type", "/0")])));
}

// SPEC §1: format "json" forces one JSON value; "ndjson" forces one run per line.
#[test]
fn spec1_forced_formats() {
    let [a, b, c] = runs3();
    let nd = ndjson(&[a.clone(), b, c.clone()]);
    let out = normalize_runs(nd.as_bytes(), &fmt(Format::Json));
    assert_eq!(shape(&out), (0, 0, 0, ex(&[("invalid_json", "")])));
    assert_eq!((out.issues[0].line, out.issues[0].column), (Some(2), Some(1)));
    let out = normalize_runs(nd.as_bytes(), &fmt(Format::Ndjson));
    assert_eq!(shape(&out), (3, 2, 1, ex(&[("unknown_status", "/1/status")])));
    let out = normalize_runs(nd.as_bytes(), &fmt(Format::Auto));
    assert_eq!(shape(&out), (3, 2, 1, ex(&[("unknown_status", "/1/status")])));

    // Forced NDJSON of an array with one element per line: `[`, `{a},` and `]` are bad records,
    // the line `{c}` is a run.
    let pretty = format!("[\n{},\n{}\n]", a.text(), c.text());
    let out = normalize_runs(pretty.as_bytes(), &fmt(Format::Ndjson));
    assert_eq!(shape(&out), (4, 1, 3, ex(&[("invalid_json", "/0"), ("invalid_json", "/1"), ("invalid_json", "/3")])));
    assert_eq!(out.issues.iter().map(|i| i.line).collect::<Vec<_>>(), [Some(1), Some(2), Some(4)]);
    assert_eq!(ids(&out), ["c"]);
    let out = normalize_runs(pretty.as_bytes(), &fmt(Format::Json));
    assert_eq!(shape(&out), (2, 2, 0, ex(&[])));

    // Forced NDJSON of one line: a record with a line number.
    let out = normalize_runs(a.clone().s("status", "x").text().as_bytes(), &fmt(Format::Ndjson));
    assert_eq!(shape(&out), (1, 0, 1, ex(&[("unknown_status", "/0/status")])));
    assert_eq!(out.issues[0].line, Some(1));
    // Forced JSON of one line: a single run.
    let out = normalize_runs(a.s("status", "x").text().as_bytes(), &fmt(Format::Json));
    assert_eq!(shape(&out), (1, 0, 1, ex(&[("unknown_status", "/status")])));
    // Empty NDJSON: no records, no issue.
    assert_eq!(shape(&normalize_runs(b"\n \n", &fmt(Format::Ndjson))), (0, 0, 0, ex(&[])));
}

// SPEC §1: a UTF-8 byte order mark at the start is skipped (every form; single run too).
#[test]
fn spec1_byte_order_mark_is_skipped() {
    let [a, b, c] = runs3();
    let bom = |t: &str| [&b"\xEF\xBB\xBF"[..], t.as_bytes()].concat();
    for text in [array(&runs3()), envelope(&runs3(), Some("true")), ndjson(&runs3())] {
        let plain = normalize_runs(text.as_bytes(), &opts());
        let with = normalize_runs(&bom(&text), &opts());
        assert_eq!(with, plain);
        assert_eq!(with.counts.records, 3);
    }
    // NDJSON line and column are unchanged by the mark.
    let text = format!("{}\n{{oops\n{}", a.text(), c.text());
    let out = normalize_runs(&bom(&text), &opts());
    assert_eq!(cp(&out.issues), ex(&[("invalid_json", "/1")]));
    assert_eq!((out.issues[0].line, out.issues[0].column), (Some(2), Some(2)));
    let single = normalize_run(&bom(&b.text()), &opts());
    assert_eq!(cp(&single.issues), ex(&[("unknown_status", "/status")]));
    // A mark in the middle is not skipped.
    let out = normalize_runs(&[b"[".as_slice(), b"\xEF\xBB\xBF]"].concat(), &opts());
    assert_eq!(shape(&out), (0, 0, 0, ex(&[("invalid_json", "")])));
}

// SPEC §1 / §3.1: input that is not UTF-8 — records 0 and that one issue.
#[test]
fn spec1_invalid_utf8_batch() {
    let mut bytes = ndjson(&runs3()).into_bytes();
    let last = bytes.len() - 3;
    bytes[last] = 0x80;
    let out = normalize_runs(&bytes, &opts());
    assert_eq!(shape(&out), (0, 0, 0, ex(&[("invalid_utf8", "")])));
    assert!(out.runs.is_empty());
    assert_eq!((out.counts.error_count, out.counts.warning_count, out.issues[0].line), (1, 0, None));
}

// SPEC §1 / §3.1: text that is not JSON (outside NDJSON) — records 0, invalid_json with position.
#[test]
fn spec1_invalid_json_batch() {
    let [a, b, c] = runs3();
    // Valid and invalid records before the error do not count.
    let text = format!("[\n{},\n{},\n  oops,\n{}\n]", a.text(), b.text(), c.text());
    let out = normalize_runs(text.as_bytes(), &opts());
    assert_eq!(shape(&out), (0, 0, 0, ex(&[("invalid_json", "")])));
    assert_eq!((out.issues[0].line, out.issues[0].column), (Some(4), Some(3)));
    assert!(out.runs.is_empty());
    let s = summarize_runs(text.as_bytes(), &opts());
    assert_eq!((s.records, s.valid, s.invalid, s.error_count, s.warning_count), (0, 0, 0, 1, 0));
    for bad in ["", "[", "[1,]", "{\"data\": [", "{\"data\": []", "[] []", "{\"data\": [], \"data\": }"] {
        let out = normalize_runs(bad.as_bytes(), &opts());
        assert_eq!(shape(&out), (0, 0, 0, ex(&[("invalid_json", "")])), "{bad:?}");
        assert!(out.issues[0].line.is_some() && out.issues[0].column.is_some());
    }
    // Column in code points after multi-byte characters; envelope not closed.
    let out = normalize_runs("{\"é😀\": 1, \"data\": [] ]".as_bytes(), &opts());
    assert_eq!((out.issues[0].line, out.issues[0].column), (Some(1), Some(22)));
}

// SPEC §1 / §3.1: maxBytes — input_too_large with records 0, nothing else read.
#[test]
fn spec1_max_bytes() {
    let text = array(&runs3());
    let n = text.len() as u64;
    let max = |m: u64| Options { max_bytes: Some(m), ..opts() };
    assert_eq!(normalize_runs(text.as_bytes(), &max(n)).counts.records, 3);
    let out = normalize_runs(text.as_bytes(), &max(n - 1));
    assert_eq!(shape(&out), (0, 0, 0, ex(&[("input_too_large", "")])));
    assert_eq!(out.counts.has_more, None);
    let s = summarize_runs(text.as_bytes(), &max(0));
    assert_eq!((s.records, cp(&s.issues)), (0, ex(&[("input_too_large", "")])));
    // Counts the byte order mark and wins over invalid UTF-8.
    let out = normalize_runs(b"\xEF\xBB\xBF[]", &max(2));
    assert_eq!(cp(&out.issues), ex(&[("input_too_large", "")]));
    let out = normalize_runs(b"\xFF[]", &max(2));
    assert_eq!(cp(&out.issues), ex(&[("input_too_large", "")]));
}

// SPEC §8 normalizeRuns: valid, de-duplicated runs in input order with counts and issues.
#[test]
fn spec8_normalize_runs_result() {
    let runs = [
        R::base().s("id", "b").set("querySize", "1"),
        R::base().s("id", "a").set("error", "5"),
        R::base().s("id", "a").s("status", "FAILED").s("error", " boom "),
        R::base().s("id", "b").set("querySize", "2"),
    ];
    let out = normalize_runs(envelope(&runs, Some("true")).as_bytes(), &opts());
    let v = val(&out);
    assert_eq!(v["records"], json!(4));
    assert_eq!(v["valid"], json!(2));
    assert_eq!(v["invalid"], json!(1));
    assert_eq!(v["duplicates"], json!(1));
    assert_eq!(v["hasMore"], json!(true));
    assert_eq!(v["errorCount"], json!(1));
    assert_eq!(v["warningCount"], json!(1));
    assert_eq!(v["issuesTruncated"], json!(false));
    assert_eq!(cp(&out.issues), ex(&[("invalid_type", "/data/1/error"), ("duplicate_id", "/data/3/id")]));
    assert_eq!(v["runs"][0]["id"], json!("b"));
    assert_eq!(v["runs"][0]["querySize"], json!(1));
    assert_eq!(v["runs"][1], {
        let mut r = val(&normalize_run(R::base().text().as_bytes(), &opts()).run);
        r["id"] = json!("a");
        r["status"] = json!("failed");
        r["error"] = json!("boom");
        r
    });
    // unknownFields "keep" applies to the batch's runs too.
    let keep = Options { unknown_fields: Some(syncrun::UnknownFields::Keep), ..opts() };
    let kept = normalize_runs(array(&[R::base().push("syncId", "\"30\"")]).as_bytes(), &keep);
    assert!(serde_json::to_string(&kept.runs[0]).unwrap().ends_with(r#""error":null,"syncId":"30"}"#));
    let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "duplicates",
            "errorCount",
            "hasMore",
            "invalid",
            "issues",
            "issuesTruncated",
            "records",
            "runs",
            "valid",
            "warningCount"
        ]
    );
}

// SPEC §5 maxIssues: at most that many issues, counts complete, issuesTruncated set.
#[test]
fn spec5_max_issues_truncates_issues_not_counts() {
    let bad = R::base().set("querySize", "-1").s("status", "x");
    let warn = R::base().s("startedAt", "2024-03-01T09:00:00Z");
    let runs = [bad.clone().s("id", "1"), warn.clone().s("id", "2"), bad.s("id", "3"), warn.s("id", "4")];
    let text = array(&runs);
    let with = |m: usize| Options { max_issues: Some(m), ..opts() };
    let full = normalize_runs(text.as_bytes(), &opts());
    assert_eq!(
        (full.counts.error_count, full.counts.warning_count, full.issues.len(), full.issues_truncated),
        (4, 2, 6, false)
    );
    let exact = normalize_runs(text.as_bytes(), &with(6));
    assert_eq!((exact.issues.len(), exact.issues_truncated), (6, false));
    let cut = normalize_runs(text.as_bytes(), &with(3));
    assert_eq!(
        (cut.counts.error_count, cut.counts.warning_count, cut.issues.len(), cut.issues_truncated),
        (4, 2, 3, true)
    );
    assert_eq!(cut.issues[..], full.issues[..3]);
    assert_eq!((cut.counts.records, cut.counts.valid, cut.counts.invalid), (4, 2, 2));
    let none = summarize_runs(text.as_bytes(), &with(0));
    assert_eq!((none.error_count, none.warning_count, none.issues.len(), none.issues_truncated), (4, 2, 0, true));
    // The default is 1000.
    let many = format!("[{}]", vec!["1"; 1001].join(","));
    let s = summarize_runs(many.as_bytes(), &opts());
    assert_eq!(
        (s.records, s.invalid, s.error_count, s.issues.len(), s.issues_truncated),
        (1001, 1001, 1001, 1000, true)
    );
    assert_eq!(s.issues[999].path, "/999");
    // Nothing to truncate.
    let clean = summarize_runs(array(&[R::base()]).as_bytes(), &with(0));
    assert_eq!((clean.issues.len(), clean.issues_truncated), (0, false));
}

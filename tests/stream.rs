//! SPEC §7: a SummaryStream fed the text in chunks of any size (split anywhere, even inside a
//! UTF-8 character) returns the same BatchSummary as summarize_runs on the whole text.

mod common;

use common::{array, envelope, ndjson, opts, stream_chunks, val, R};
use syncrun::{summarize_runs, BatchSummary, Format, Options, SummaryStream, UnknownFields};

/// SPEC §7: the stream equals the batch function for every two-chunk split, one byte at a time,
/// and a few other chunkings (with empty chunks).
fn check(text: &[u8], options: &Options) {
    let expected = summarize_runs(text, options);
    for i in 0..=text.len() {
        let got = stream_chunks(&[&text[..i], &text[i..]], options);
        if got != expected {
            panic!("split at byte {i} of {:?}: {}", String::from_utf8_lossy(text), differences(&got, &expected));
        }
    }
    let bytes: Vec<&[u8]> = text.chunks(1).collect();
    let got = stream_chunks(&bytes, options);
    assert!(got == expected, "one byte at a time: {}", differences(&got, &expected));
    for size in [2, 3, 7, 64] {
        let mut s = SummaryStream::new(options);
        for c in text.chunks(size) {
            s.push(b"");
            s.push(c);
        }
        s.push(b"");
        assert!(s.finish() == expected, "chunks of {size}");
    }
    assert!(stream_chunks(&[text], options) == expected, "one chunk");
}

/// The top-level keys whose values differ, with both values.
fn differences(got: &BatchSummary, expected: &BatchSummary) -> String {
    let (g, e) = (val(got), val(expected));
    let mut out = String::new();
    for (k, v) in e.as_object().into_iter().flatten() {
        if g.get(k) != Some(v) {
            out += &format!("\n  {k}: stream {} / batch {v}", g.get(k).cloned().unwrap_or_default());
        }
    }
    out
}

fn runs_with_unicode() -> Vec<R> {
    vec![
        R::base().s("id", "ü-1").s("status", "failed").s("error", "échec: 3 lignes rejetées"),
        R::base().s("id", "😀").s("status", "warning").rows("failedRows", 1, 0, 0).s("error", "emoji 😀 row 12"),
        R::base().s("id", "b").s("startedAt", "2024-03-01T09:00:00Z"),
        R::base().s("id", "ü-1").s("status", "success"),
        R::base()
            .s("id", "c")
            .s("status", "Processing")
            .set("finishedAt", "null")
            .s("createdAt", "2024-03-02T00:00:00+01:00"),
        R::base().s("id", "d").s("status", "nope").set("querySize", "3.5"),
    ]
}

// SPEC §7 with §1 NDJSON: multi-line, multi-byte UTF-8 in ids and errors, blank and CRLF lines,
// warnings, a duplicate and an invalid run.
#[test]
fn spec7_ndjson_with_multibyte_utf8() {
    let runs = runs_with_unicode();
    check(ndjson(&runs).as_bytes(), &opts());
    let mut text = String::from("\n");
    for (i, r) in runs.iter().enumerate() {
        text += &r.text();
        text += if i % 2 == 0 { "\r\n" } else { "\n  \n" };
    }
    text += &R::base().s("id", "last").s("error", "fin é").text(); // no final newline
    check(text.as_bytes(), &opts());
}

// SPEC §7 with §3.1: an NDJSON line that is not JSON in the middle (after multi-byte text, so
// its column counts code points), and lines cut mid-number / mid-literal.
#[test]
fn spec7_ndjson_with_invalid_json_line() {
    let runs = runs_with_unicode();
    let text = format!(
        "{}\n{{\"id\": \"é😀\", \"status\": tru}}\n{}\n{{\"querySize\": 12\n{}\n[1, 2]\n{}",
        runs[0].text(),
        runs[1].text(),
        runs[2].text(),
        R::base().s("id", "z").set("querySize", "42").text()
    );
    let s = summarize_runs(text.as_bytes(), &opts());
    assert_eq!((s.records, s.valid, s.invalid), (7, 4, 3));
    check(text.as_bytes(), &opts());
}

// SPEC §7 with §1: a pretty-printed JSON array (auto-detected as one JSON value).
#[test]
fn spec7_pretty_printed_array() {
    let runs = runs_with_unicode();
    let items: Vec<String> = runs.iter().map(|r| r.pretty("  ")).collect();
    let text = format!("[\n  {}\n]\n", items.join(",\n  "));
    let s = summarize_runs(text.as_bytes(), &opts());
    assert_eq!((s.records, s.valid, s.duplicates), (6, 4, 1));
    // SPEC §3: issues of the document have a line and column (`check` below: the same in the
    // stream, however the text is cut).
    assert!(s.issues.iter().all(|i| i.line.is_some() && i.column.is_some()), "{:?}", s.issues);
    check(text.as_bytes(), &opts());
    // The same array on one line (one non-blank line: JSON).
    check(array(&runs).as_bytes(), &opts());
}

// SPEC §7 with §1: envelopes — hasMore before or after data, other keys, a duplicate envelope key
// before data, data not an array.
#[test]
fn spec7_envelopes() {
    let runs = runs_with_unicode();
    check(envelope(&runs, Some("true")).as_bytes(), &opts());
    check(envelope(&runs[..2], None).as_bytes(), &opts());
    let pretty: Vec<String> = runs.iter().map(|r| r.pretty("    ")).collect();
    let text = format!(
        "{{\n  \"hasMore\": false,\n  \"meta\": {{\"é\": [1, {{\"a\": null}}]}},\n  \"meta\": 2,\n  \"data\": [\n    {}\n  ],\n  \"next\": \"😀\"\n}}\n",
        pretty.join(",\n    ")
    );
    let s = summarize_runs(text.as_bytes(), &opts());
    assert_eq!((s.records, s.has_more, s.issues[0].code.as_str()), (6, Some(false), "duplicate_key"));
    check(text.as_bytes(), &opts());
    check(br#"{"hasMore": true, "hasMore": true, "data": 12345}"#, &opts());
    check(br#"{"data": {"id": "x"}, "hasMore": true}"#, &opts());
    check(br#"{"data": [], "hasMore": true, "data": []}"#, &opts());
}

// SPEC §7 with §1: a single run object, pretty and on one line.
#[test]
fn spec7_single_run() {
    check(R::base().s("error", "é 😀").pretty("").as_bytes(), &opts());
    check(R::base().s("id", "x").s("status", "failed").text().as_bytes(), &opts());
    check(b"{}", &opts());
}

// SPEC §7 with §1: text that cannot be read — invalid JSON in the middle, invalid UTF-8 (in the
// middle, and a sequence cut by the end), not a batch, empty.
#[test]
fn spec7_unreadable_inputs() {
    let runs = runs_with_unicode();
    let items: Vec<String> = runs.iter().map(|r| r.pretty("  ")).collect();
    let broken = format!("[\n  {},\n  {{\"id\": \"é\" \"status\"}},\n  {}\n]", items[0], items[1]);
    assert_eq!(summarize_runs(broken.as_bytes(), &opts()).issues[0].code.as_str(), "invalid_json");
    check(broken.as_bytes(), &opts());

    let mut bad = ndjson(&runs).into_bytes();
    let mid = bad.len() / 2;
    bad[mid] = 0xFF;
    check(&bad, &opts());
    let mut cut = ndjson(&runs[..2]).into_bytes();
    cut.extend_from_slice("😀".as_bytes().get(..2).unwrap());
    check(&cut, &opts());
    check(b"\xEF\xBB", &opts());
    check(b"\xEF\xBBx", &opts());
    check(b"[\"\xC3\"]", &opts());

    for text in ["42", "\"é\"\n", "null", "", "  \n\n ", "[", "{\"data\": [", "[] x", "[1,]"] {
        check(text.as_bytes(), &opts());
    }
}

// SPEC §7 with §1: a byte order mark before NDJSON, an array and a single run.
#[test]
fn spec7_byte_order_mark() {
    let runs = runs_with_unicode();
    for text in [ndjson(&runs), array(&runs[..3]), R::base().pretty(""), format!("{}\n{{oops\n", runs[0].text())] {
        let with = [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat();
        check(&with, &opts());
    }
    check(b"\xEF\xBB\xBF", &opts());
}

// SPEC §7 with options: forced formats, unknownFields "error", warningIsFailure, maxIssues.
#[test]
fn spec7_options() {
    let runs = runs_with_unicode();
    let nd = ndjson(&runs);
    let pretty = format!("[\n{}\n]", runs.iter().map(R::text).collect::<Vec<_>>().join(",\n"));
    for format in [Format::Json, Format::Ndjson, Format::Auto] {
        let o = Options { format: Some(format), ..opts() };
        check(nd.as_bytes(), &o);
        check(pretty.as_bytes(), &o);
    }
    let o = Options {
        unknown_fields: Some(UnknownFields::Error),
        warning_is_failure: Some(true),
        max_issues: Some(2),
        ..opts()
    };
    let text = ndjson(&[runs[0].clone().push("extra", "{\"ü\": 1}"), runs[1].clone(), runs[3].clone()]);
    check(text.as_bytes(), &o);
}

// SPEC §7 with §3.1 input_too_large: the limit counts every byte pushed, whatever else is wrong.
#[test]
fn spec7_max_bytes() {
    // One JSON document is one record: maxBytes bounds it all, as in the batch function.
    let text = array(&runs_with_unicode());
    let n = text.len() as u64;
    for max in [0, 1, n / 2, n - 1, n] {
        check(text.as_bytes(), &Options { max_bytes: Some(max), ..opts() });
    }
    // Invalid UTF-8 early and too large later: too large wins, as in the batch function.
    let mut bad = text.clone().into_bytes();
    bad[5] = 0xFF;
    check(&bad, &Options { max_bytes: Some(n - 1), ..opts() });
    // Invalid JSON early and too large later.
    let broken = format!("[oops{}", " ".repeat(100));
    check(broken.as_bytes(), &Options { max_bytes: Some(50), ..opts() });
    // NDJSON whose lines all fit: the batch function's result, whatever the whole text's size.
    let lines = ndjson(&runs_with_unicode());
    let longest = lines.lines().map(str::len).max().unwrap_or(0) as u64;
    let whole = summarize_runs(lines.as_bytes(), &opts());
    for size in [1, 7, 64, lines.len()] {
        let chunks: Vec<&[u8]> = lines.as_bytes().chunks(size).collect();
        let got = stream_chunks(&chunks, &Options { max_bytes: Some(longest), ..opts() });
        assert!(got == whole, "chunks of {size}: {}", differences(&got, &whole));
    }
}

// SPEC §3.1, §7: in a stream, maxBytes bounds one NDJSON line: a longer line is input_too_large
// at its record's path (with its line), its bytes are skipped, not held, and reading goes on at
// the next line.
#[test]
fn spec7_max_bytes_bounds_one_ndjson_line() {
    let runs = runs_with_unicode();
    let short = ndjson(&runs[..2]);
    let long_line = format!("{{\"id\": \"{}\"}}", "x".repeat(5000));
    let blank_long = " ".repeat(5000);
    let text = format!("{short}{long_line}\n{blank_long}\n{short}{long_line}");
    let max = short.lines().map(str::len).max().unwrap_or(0) as u64 + 10;
    let options = Options { max_bytes: Some(max), ..opts() };
    // The reference: the same text with the long lines replaced by a line of the same record
    // count that the batch function reports as one error; only that issue differs.
    let reference = summarize_runs(format!("{short}{{}}\n\n{short}{{}}").as_bytes(), &opts());
    for size in [1, 3, 100, 4096, text.len()] {
        let chunks: Vec<&[u8]> = text.as_bytes().chunks(size).collect();
        let got = stream_chunks(&chunks, &options);
        assert_eq!(
            (got.records, got.valid, got.invalid),
            (reference.records, reference.valid, reference.invalid),
            "chunks of {size}"
        );
        assert_eq!(got.records, 6, "the long lines are records, the blank one is not");
        let too_large: Vec<(&str, Option<u64>)> = got
            .issues
            .iter()
            .filter(|i| i.code.as_str() == "input_too_large")
            .map(|i| (i.path.as_str(), i.line))
            .collect();
        assert_eq!(too_large, [("/2", Some(3)), ("/5", Some(7))], "chunks of {size}: {:?}", got.issues);
        assert_eq!(got.success_rate, reference.success_rate, "chunks of {size}");
        assert_eq!(val(&got.duration_ms), val(&reference.duration_ms), "chunks of {size}");
    }
}

// SPEC §7 on the project's payloads (tests/data).
#[test]
fn spec7_fixtures() {
    for text in [
        include_str!("data/hightouch-current-numeric-ids.json"),
        include_str!("data/hightouch-2023-string-ids.json"),
        include_str!("data/numeric-id-no-has-more.json"),
        include_str!("data/off-spec-stub.json"),
        include_str!("data/legacy-row-keys.json"),
    ] {
        check(text.as_bytes(), &opts());
    }
}

// SPEC §7: many lines through small chunks give the batch result (and runs far apart in the
// input are still de-duplicated).
#[test]
fn spec7_many_lines() {
    let mut runs = Vec::new();
    for i in 0..300 {
        let id = format!("r{}", i % 250);
        let st = ["success", "failed", "warning", "queued", "cancelled"][i % 5];
        let mut r =
            R::base().s("id", &id).s("status", st).s("createdAt", &format!("2024-01-{:02}T00:00:00Z", i % 28 + 1));
        r = r
            .s("startedAt", &format!("2024-01-{:02}T00:00:01Z", i % 28 + 1))
            .s("finishedAt", &format!("2024-01-{:02}T00:00:{:02}Z", i % 28 + 1, i % 50 + 2));
        if st == "failed" {
            r = r.s("error", &format!("erreur {i} — ligne {}", i * 7));
        }
        if st == "queued" {
            r = r.set("finishedAt", "null");
        }
        runs.push(r);
    }
    let text = ndjson(&runs);
    let expected = summarize_runs(text.as_bytes(), &opts());
    assert_eq!((expected.records, expected.duplicates), (300, 50));
    for size in [1, 5, 13, 100, 4096] {
        let chunks: Vec<&[u8]> = text.as_bytes().chunks(size).collect();
        assert!(stream_chunks(&chunks, &opts()) == expected, "chunks of {size}");
    }
}

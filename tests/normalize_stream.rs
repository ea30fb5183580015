//! The stream of normalized runs (`NormalizeStream`; proposed SPEC §7.2): what `normalize_runs`
//! gives on the whole text (SPEC §2, §3, §8), handed out as the chunks complete it (SPEC §7).

mod common;

use common::{array, envelope, ndjson, opts, val, R};
use serde_json::Value;
use syncrun::out::to_json;
use syncrun::run_stream::NormalizeStream;
use syncrun::{normalize_runs, Options};

/// Every run and issue handed out by pushes of `chunks` then `finish`, as one result (JSON).
fn streamed(chunks: &[&[u8]], options: &Options) -> Value {
    let mut s = NormalizeStream::new(options);
    let (mut runs, mut issues) = (Vec::new(), Vec::new());
    for c in chunks {
        let got: Value = serde_json::from_str(&to_json(&s.push(c))).unwrap();
        runs.extend(got["runs"].as_array().unwrap().clone());
        issues.extend(got["issues"].as_array().unwrap().clone());
    }
    let mut end: Value = serde_json::from_str(&to_json(&s.finish())).unwrap();
    runs.extend(end["runs"].as_array().unwrap().clone());
    issues.extend(end["issues"].as_array().unwrap().clone());
    end["runs"] = Value::Array(runs);
    end["issues"] = Value::Array(issues);
    end
}

fn texts() -> Vec<String> {
    let runs = [
        R::base().s("id", "a"),
        R::base().s("id", "b").s("status", "x").set("querySize", "-1"),
        R::base().s("id", "é€😀").set("querySize", "7"),
        R::base().s("id", "a"),
        R::base().s("id", "c").del("createdAt"),
    ];
    let pretty = format!("[\n{}\n]\n", runs.iter().map(|r| r.pretty("  ")).collect::<Vec<_>>().join(",\n"));
    vec![array(&runs), envelope(&runs, Some("true")), ndjson(&runs), pretty, format!("\u{feff}{}", ndjson(&runs))]
}

// SPEC §7 (streaming) with §8's normalizeRuns: cut anywhere, even inside a UTF-8 character,
// the runs, issues (positions included, SPEC §3) and counts are those of the whole text.
#[test]
fn spec7_the_stream_hands_out_what_normalize_runs_gives() {
    for text in texts() {
        let want = val(&normalize_runs(text.as_bytes(), &opts()));
        let b = text.as_bytes();
        assert_eq!(streamed(&[b], &opts()), want, "{text}");
        for size in [1, 2, 3, 7, 64, 1000] {
            let chunks: Vec<&[u8]> = b.chunks(size).collect();
            assert_eq!(streamed(&chunks, &opts()), want, "chunks of {size}: {text}");
        }
    }
}

// SPEC §7: runs are handed out as soon as their record is complete, not at the end.
#[test]
fn spec7_runs_come_out_as_they_complete() {
    let text = ndjson(&[R::base().s("id", "a"), R::base().s("id", "b"), R::base().s("id", "c")]);
    let mut s = NormalizeStream::new(&opts());
    let first_two = text.len() - R::base().s("id", "c").text().len() - 1;
    let got: Value = serde_json::from_str(&to_json(&s.push(&text.as_bytes()[..first_two + 3]))).unwrap();
    // Two whole lines and the start of a third: the first line is known to be NDJSON's.
    assert_eq!(got["runs"].as_array().unwrap().iter().map(|r| r["id"].clone()).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(s.format(), Some(syncrun::Format::Ndjson));
    let got: Value = serde_json::from_str(&to_json(&s.push(&text.as_bytes()[first_two + 3..]))).unwrap();
    assert_eq!(got["runs"].as_array().unwrap().len(), 1);
    let end = s.finish();
    assert_eq!((end.result.counts.records, end.result.counts.valid, end.runs.as_str()), (3, 3, ""));
}

// SPEC §8 maxIssues: it bounds the issues handed out in all; counts stay complete.
#[test]
fn spec8_max_issues_bounds_what_is_handed_out() {
    let text = ndjson(&[R::base().s("status", "x"), R::base().s("status", "y"), R::base().s("status", "z")]);
    let o = Options { max_issues: Some(2), ..opts() };
    let want = val(&normalize_runs(text.as_bytes(), &o));
    let chunks: Vec<&[u8]> = text.as_bytes().chunks(5).collect();
    let got = streamed(&chunks, &o);
    assert_eq!(got, want);
    assert_eq!((got["issues"].as_array().unwrap().len(), &got["issuesTruncated"]), (2, &Value::Bool(true)));
}

// SPEC §1, §3.1: a text unreadable as a whole (an array cut short) ends with that one issue and
// zero counts, as normalizeRuns gives it; maxBytes bounds one NDJSON record (as SummaryStream).
#[test]
fn spec3_1_unreadable_text_and_max_bytes_per_record() {
    let text = format!("[{}, {{\"id\": ", R::base().s("status", "x").text());
    let want = val(&normalize_runs(text.as_bytes(), &opts()));
    assert_eq!(streamed(&[text.as_bytes()], &opts()), want);
    assert_eq!(want["records"], 0);
    let long = R::base().s("id", &"x".repeat(500)).text();
    let text = format!("{}\n{long}\n{}\n", R::base().s("id", "a").text(), R::base().s("id", "b").text());
    let o = Options { max_bytes: Some(long.len() as u64 - 1), ..opts() };
    let got = streamed(&text.as_bytes().chunks(100).collect::<Vec<_>>(), &o);
    assert_eq!((got["records"].clone(), got["valid"].clone()), (Value::from(3), Value::from(2)));
    assert_eq!(got["issues"][0]["code"], "input_too_large");
    assert_eq!(got["issues"][0]["path"], "/1");
}

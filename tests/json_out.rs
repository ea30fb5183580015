//! The hand-written JSON writer (src/out.rs, what the package and the CLI emit) against the serde
//! derives (what Rust users serialize): same keys, same order, same values, for every result type
//! (SPEC §3 issues, §2 normalized runs, §4 and §5 summaries, §8 result shapes).

mod common;

use common::*;
use serde_json::Value;
use syncrun::out::{to_json, ToJson};
use syncrun::{Options, RecordStream, UnknownFields};

/// Numbers as f64 (serde writes whole numbers beyond 2^53 as `1e19`, the writer as JavaScript
/// does: `10000000000000000000`; both read back to the same double).
fn numbers_as_f64(v: Value) -> Value {
    match v {
        Value::Number(n) => serde_json::Number::from_f64(n.as_f64().unwrap()).map_or(Value::Null, Value::Number),
        Value::Array(a) => Value::Array(a.into_iter().map(numbers_as_f64).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect()),
        other => other,
    }
}

/// The object keys of JSON text, in order: every string followed by `:`.
fn keys(text: &str) -> Vec<String> {
    let (mut out, mut chars) = (Vec::new(), text.char_indices().peekable());
    while let Some((start, c)) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut end = start;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        if chars.peek().is_some_and(|&(_, c)| c == ':') {
            out.push(text[start..=end].to_string());
        }
    }
    out
}

fn same<T: ToJson + serde::Serialize>(what: &str, t: &T) {
    let text = to_json(t);
    let ours: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text}"));
    let theirs_text = serde_json::to_string(t).unwrap();
    let theirs: Value = serde_json::from_str(&theirs_text).unwrap();
    assert_eq!(numbers_as_f64(ours), numbers_as_f64(theirs), "{what}: {text}");
    // Key order too (serde_json::Value does not keep it).
    assert_eq!(keys(&text), keys(&theirs_text), "{what}");
}

fn runs() -> Vec<R> {
    vec![
        R::base(),
        R::base().s("id", "run-2").s("status", "failed").s("error", "Timeout after 30 s\n\"quoted\" \u{1} é 😀"),
        R::base().s("id", "run-3").set("completionRatio", "0.3333333333333333").set("querySize", "9007199254740991"),
        R::base().s("id", "run-4").s("status", "querying").set("finishedAt", "null").set("completionRatio", "1e-7"),
        R::base().s("id", "run-5").set("extra", r#"{"a": [1, 2.5, -0, 1e21, "x\n", true, null, {}], "b": {"c": []}}"#),
        R::base().s("id", "run-6").rows("failedRows", 3, 0, 1).s("status", "success"),
        R::base()
            .s("id", "run-7")
            .set("plannedRows", r#"{"addedCount": 1, "changedCount": 0, "removedCount": 0, "k": 0.1}"#),
        R::base().s("id", "run-1"),
        R::base().s("id", "").set("status", "7"),
        R::base().s("id", "run-9").s("createdAt", "yesterday").set("completionRatio", "1.5"),
        R::base().s("id", "run-10").s("status", "cancelled").s("error", "Row 17 of 4000 failed"),
        R::base().s("id", "run-11").s("status", "warning").s("startedAt", "2024-03-01T09:00:00+01:00"),
    ]
}

fn option_sets() -> Vec<Options> {
    vec![
        Options::default(),
        Options { unknown_fields: Some(UnknownFields::Keep), ..Options::default() },
        Options { unknown_fields: Some(UnknownFields::Error), warning_is_failure: Some(true), ..Options::default() },
        Options { max_issues: Some(2), ..Options::default() },
    ]
}

#[test]
fn single_run_results_match_serde() {
    for options in option_sets() {
        for (i, run) in runs().iter().enumerate() {
            let text = run.text();
            same(&format!("validateRun #{i}"), &syncrun::validate_run(text.as_bytes(), &options));
            same(&format!("normalizeRun #{i}"), &syncrun::normalize_run(text.as_bytes(), &options));
            same(&format!("summarizeRun #{i}"), &syncrun::summarize_run(text.as_bytes(), &options));
        }
        for bad in ["", "[1", "{\"id\": 1,}", "\"x\"", "{\"a\":1,\"a\":2}"] {
            same(&format!("validateRun {bad:?}"), &syncrun::validate_run(bad.as_bytes(), &options));
            same(&format!("summarizeRun {bad:?}"), &syncrun::summarize_run(bad.as_bytes(), &options));
        }
    }
}

#[test]
fn batch_results_match_serde() {
    let runs = runs();
    let mut inputs = vec![array(&runs), ndjson(&runs), envelope(&runs, Some("true")), envelope(&[], None), "[]".into()];
    inputs.push("{\"data\": 5}".into());
    inputs.push("[1, 2".into());
    for dir in ["tests/data"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                inputs.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    for options in option_sets() {
        for (i, input) in inputs.iter().enumerate() {
            same(&format!("summarizeRuns #{i}"), &syncrun::summarize_runs(input.as_bytes(), &options));
            same(&format!("normalizeRuns #{i}"), &syncrun::normalize_runs(input.as_bytes(), &options));
            let mut stream = RecordStream::new(&options);
            for chunk in input.as_bytes().chunks(97) {
                same(&format!("RecordStream.push #{i}"), &stream.push(chunk));
            }
            let last = stream.finish();
            same(&format!("RecordStream.finish #{i}"), &last);
        }
    }
}

/// The CLI prints the NDJSON lines of `RecordStream` as they are: each must be what
/// `JSON.stringify` of the normalized run gives (keys in contract order, JavaScript numbers).
#[test]
fn ndjson_lines_are_normalized_runs() {
    let options = Options { unknown_fields: Some(UnknownFields::Keep), ..Options::default() };
    let input = ndjson(&runs());
    let whole = syncrun::normalize_runs(input.as_bytes(), &options);
    let mut stream = RecordStream::new(&options);
    let mut text = stream.push(input.as_bytes()).runs;
    text.push_str(&stream.finish().runs);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), whole.runs.len());
    for (line, run) in lines.iter().zip(&whole.runs) {
        assert_eq!(*line, to_json(run));
    }
    assert!(lines[2].contains(r#""completionRatio":0.3333333333333333,"querySize":9007199254740991"#), "{}", lines[2]);
    assert!(lines[3].contains(r#""completionRatio":1e-7"#), "{}", lines[3]);
    assert!(lines[4].contains(r#""extra":{"a":[1,2.5,0,1e+21,"x\n",true,null,{}],"b":{"c":[]}}"#), "{}", lines[4]);
}

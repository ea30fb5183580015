//! SPEC §1: "Nesting deeper than 256 arrays or objects, in text or in a value, is `invalid_json`
//! at the whole input." The limit is on the whole text, exactly: 256 levels are read, 257 are
//! not, wherever the deepest point is (a run's field the reader only skips, an unknown key, an
//! envelope's ignored key, a row-count object, a record that is not an object), and however
//! many of the levels are the batch's own array and envelope. (tests/limits.rs checks that
//! 200,000 levels cost no stack; this file checks where the line is.)

use syncrun::{
    normalize_run, normalize_runs, summarize_run, summarize_runs, validate_run, Format, IssueCode, Options,
    SummaryStream, UnknownFields,
};

mod common;
use common::R;

const LIMIT: usize = 256;

/// `levels` nested arrays (`levels` ≥ 1).
fn arrays(levels: usize) -> String {
    format!("{}{}", "[".repeat(levels), "]".repeat(levels))
}

/// `levels` nested objects (`levels` ≥ 1).
fn objects(levels: usize) -> String {
    format!("{}1{}", r#"{"a":"#.repeat(levels), "}".repeat(levels))
}

/// A valid run with `raw` as the value of `key` (replacing it when the run has it).
fn run_with(key: &str, raw: &str) -> String {
    R::base().set(key, raw).text()
}

/// A valid run whose row-count object `failedRows` has `raw` under `key`.
fn counts_with(key: &str, raw: &str) -> String {
    let counts = if key == "addedCount" {
        format!(r#"{{"addedCount": {raw}, "changedCount": 0, "removedCount": 0}}"#)
    } else {
        format!(r#"{{"addedCount": 0, "changedCount": 0, "removedCount": 0, "{key}": {raw}}}"#)
    };
    run_with("failedRows", &counts)
}

/// A place for a nested value in a batch's text: the text with the value in it, and how many
/// containers the text opens around it.
struct Place {
    name: String,
    around: usize,
    text: Box<dyn Fn(&str) -> String>,
}

fn place(name: &str, around: usize, text: impl Fn(&str) -> String + 'static) -> Place {
    Place { name: name.to_string(), around, text: Box::new(text) }
}

/// A run with a nested value in it, as text.
type RunText = Box<dyn Fn(&str) -> String>;

/// The places of a run (in a run, the run is one container around its fields' values).
fn run_places() -> Vec<(String, usize, RunText)> {
    let mut places: Vec<(String, usize, RunText)> = Vec::new();
    for key in ["id", "status", "querySize", "plannedRows", "error", "x"] {
        places.push((format!("run field {key:?}"), 1, Box::new(move |v| run_with(key, v))));
    }
    for key in ["addedCount", "z"] {
        places.push((format!("failedRows field {key:?}"), 2, Box::new(move |v| counts_with(key, v))));
    }
    places
}

fn batch_places() -> Vec<Place> {
    let mut places = vec![
        place("the whole text", 0, |v| v.to_string()),
        place("an array's element", 1, |v| format!("[{v}]")),
        place("an envelope's data", 1, |v| format!(r#"{{"data": {v}}}"#)),
        place("an envelope's element", 2, |v| format!(r#"{{"data": [{v}], "hasMore": false}}"#)),
        place("an envelope's ignored key", 1, |v| format!(r#"{{"data": [], "x": {v}}}"#)),
        place("an envelope's ignored key before data", 1, |v| format!(r#"{{"x": {v}, "data": []}}"#)),
        place("an envelope's hasMore", 1, |v| format!(r#"{{"data": [], "hasMore": {v}}}"#)),
    ];
    for (name, around, text) in run_places() {
        let text = std::rc::Rc::new(text);
        let (a, b, c) = (text.clone(), text.clone(), text);
        places.push(place(&format!("{name} of a run in an array"), around + 1, move |v| format!("[{}]", a(v))));
        places.push(place(&format!("{name} of a run in an envelope"), around + 2, move |v| {
            format!(r#"{{"data": [{}]}}"#, b(v))
        }));
        places.push(place(&format!("{name} of a single run"), around, move |v| c(v)));
    }
    places
}

fn options(unknown: UnknownFields) -> Options {
    Options { unknown_fields: Some(unknown), format: Some(Format::Json), ..Options::default() }
}

/// Whether the batch's answer is the one issue `invalid_json` for the whole input (SPEC §1),
/// the same in every batch entry point.
fn whole_input_invalid(what: &str, text: &str, options: &Options) -> bool {
    let s = summarize_runs(text.as_bytes(), options);
    let n = normalize_runs(text.as_bytes(), options);
    assert_eq!(n.issues, s.issues, "{what}: normalize_runs");
    let mut stream = SummaryStream::new(options);
    for chunk in text.as_bytes().chunks(97) {
        stream.push(chunk);
    }
    assert!(stream.finish() == s, "{what}: SummaryStream");
    let only = s.records == 0
        && s.issues.len() == 1
        && s.issues.first().is_some_and(|i| i.code == IssueCode::InvalidJson && i.path.is_empty());
    let any = s.issues.iter().any(|i| i.code == IssueCode::InvalidJson);
    assert_eq!(only, any, "{what}: invalid_json is the whole input's one issue: {:?}", s.issues);
    only
}

#[test]
fn spec_1_nesting_of_256_is_read_257_is_invalid_json_wherever_it_is() {
    let mut checked = 0;
    for unknown in [UnknownFields::Strip, UnknownFields::Keep, UnknownFields::Error] {
        let options = options(unknown);
        for p in batch_places() {
            for (kind, nested) in [("arrays", arrays as fn(usize) -> String), ("objects", objects)] {
                if p.around == 0 && kind == "objects" {
                    continue; // a top-level object is a run or an envelope: the other places
                }
                for total in [LIMIT - 1, LIMIT, LIMIT + 1, LIMIT + 2] {
                    let text = (p.text)(&nested(total - p.around));
                    let what = format!("{unknown:?}: {kind} to {total} levels in {}", p.name);
                    assert_eq!(whole_input_invalid(&what, &text, &options), total > LIMIT, "{what}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn spec_1_nesting_in_a_single_run_and_an_ndjson_line_counts_from_its_own_start() {
    for unknown in [UnknownFields::Strip, UnknownFields::Keep, UnknownFields::Error] {
        let options = Options { unknown_fields: Some(unknown), ..Options::default() };
        for (name, around, text) in run_places() {
            for total in [LIMIT, LIMIT + 1] {
                let run = text(&arrays(total - around));
                let what = format!("{unknown:?}: {total} levels in {name}");
                let v = validate_run(run.as_bytes(), &options);
                let codes: Vec<_> = v.issues.iter().map(|i| i.code).collect();
                assert_eq!(codes.contains(&IssueCode::InvalidJson), total > LIMIT, "{what}: {:?}", v.issues);
                if total > LIMIT {
                    assert_eq!(codes, [IssueCode::InvalidJson], "{what}");
                }
                assert_eq!(normalize_run(run.as_bytes(), &options).issues, v.issues, "{what}: normalize_run");
                assert_eq!(summarize_run(run.as_bytes(), &options).issues, v.issues, "{what}: summarize_run");
                // One NDJSON line: that record is invalid_json, the others are read.
                let ndjson = format!("{}\n{run}\n", run_with("id", r#""run-0""#));
                let s = summarize_runs(ndjson.as_bytes(), &options);
                let bad: Vec<_> =
                    s.issues.iter().filter(|i| i.code == IssueCode::InvalidJson).map(|i| i.path.as_str()).collect();
                assert_eq!(bad, if total > LIMIT { vec!["/1"] } else { vec![] }, "{what}: NDJSON {:?}", s.issues);
                assert_eq!(s.records, 2, "{what}: NDJSON");
            }
        }
    }
}

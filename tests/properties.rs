//! Issue #7, "Hostile input": properties over generated runs and batches (proptest), the way
//! serde_json and jsonschema-rs check themselves. Runs are generated valid (every rule of SPEC §2
//! kept, with every accepted spelling) and then mutated, and written as JSON text in random key
//! order and layout:
//!
//! - normalize is idempotent, and a valid normalized run re-validates with no error and the
//!   same warnings (SPEC §2);
//! - a generated valid run is valid (the generator follows the contract);
//! - integers up to 2^53 − 1 survive exactly, in any spelling; 2^53 does not pass (SPEC §2);
//! - every record of a batch is accounted for: records = valid + invalid + duplicates, records
//!   is the number of records written (SPEC §1, §5);
//! - `normalize_runs` keeps exactly the valid, first-seen runs, in input order, and its issues
//!   are each record's own issues under the record's path (SPEC §3, §8);
//! - a stream cut at random offsets gives the batch's summary (SPEC §7);
//! - object input = text input: the parsed value re-serialized (compact and pretty) gives the
//!   same results as the text (SPEC §1).

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;
use syncrun::{
    normalize_run, normalize_runs, summarize_run, summarize_runs, validate_run, Format, Issue, IssueCode, Options,
    SummaryStream, UnknownFields,
};

const MAX_SAFE: u64 = (1 << 53) - 1;
/// Cases per property; `PROPTEST_CASES=10000 cargo test --test properties` for a longer hunt.
const CASES: u32 = 512;

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(CASES);
    // The object-input property skips NDJSON and texts whose numbers a round trip would change,
    // so it rejects more than proptest's default allows.
    Config { cases, failure_persistence: None, max_global_rejects: 16 * 1024, ..Config::default() }
}

// ---------------------------------------------------------------------------------------------
// Generators

/// A run as ordered members `(key, raw JSON text of the value)`.
#[derive(Clone, Debug)]
struct Run(Vec<(String, String)>);

impl Run {
    fn compact(&self) -> String {
        let m: Vec<String> = self.0.iter().map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap())).collect();
        format!("{{{}}}", m.join(","))
    }

    fn pretty(&self) -> String {
        let m: Vec<String> =
            self.0.iter().map(|(k, v)| format!("  {}: {v}", serde_json::to_string(k).unwrap())).collect();
        format!("{{\n{}\n}}", m.join(",\n"))
    }

    fn text(&self, pretty: bool) -> String {
        if pretty {
            self.pretty()
        } else {
            self.compact()
        }
    }
}

const STATUSES: [&str; 9] =
    ["success", "warning", "failed", "cancelled", "interrupted", "queued", "querying", "processing", "reporting"];

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// Random ASCII case and surrounding white space: every spelling SPEC §2 accepts.
fn status_spelling() -> impl Strategy<Value = (usize, String)> {
    (0..9usize, any::<u16>(), prop::sample::select(vec!["", " ", "\t", "  \n"])).prop_map(|(i, mask, ws)| {
        let s: String = STATUSES[i]
            .chars()
            .enumerate()
            .map(|(k, c)| if mask & (1 << (k % 16)) != 0 { c.to_ascii_uppercase() } else { c })
            .collect();
        (i, json_str(&format!("{ws}{s}{ws}")))
    })
}

fn days_in(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// An RFC 3339 date-time as SPEC §2.2 accepts it (years kept away from 0001 and 9999 so that
/// no offset moves the instant out of range).
fn timestamp() -> BoxedStrategy<String> {
    (
        1971i64..2100,
        1i64..=12,
        1i64..=31,
        0i64..24,
        0i64..60,
        0i64..60,
        prop::option::of("[0-9]{1,9}"),
        prop::sample::select(vec!["T", "t", " "]),
        prop_oneof![
            Just("Z".to_string()),
            Just("z".to_string()),
            (any::<bool>(), 0u8..24, 0u8..60)
                .prop_map(|(neg, h, m)| format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' }))
        ],
    )
        .prop_map(|(y, mo, d, h, mi, s, frac, sep, off)| {
            let d = d.min(days_in(y, mo));
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{frac}{off}")
        })
        .boxed()
}

/// An integer in 0..=2^53−1, biased to the edges, in one of the spellings JSON allows.
fn integer() -> impl Strategy<Value = (u64, String)> {
    let n = prop_oneof![
        4 => 0u64..1000,
        2 => 0u64..=MAX_SAFE,
        1 => prop::sample::select(vec![0, 1, MAX_SAFE, MAX_SAFE - 1, 1 << 52, (1 << 52) + 1, 999_999_999_999_999]),
    ];
    (n, 0..4u8).prop_map(|(n, how)| {
        let text = match how {
            1 => format!("{n}.0"),
            2 => format!("{n}e0"),
            3 if n % 1000 == 0 && n > 0 => format!("{}E+3", n / 1000),
            3 => format!("{n}.000"),
            _ => n.to_string(),
        };
        (n, text)
    })
}

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        // A small pool, so that batches have duplicate ids.
        3 => prop::sample::select(vec!["a", "b", "c", "run-1", "42"]).prop_map(json_str),
        3 => ("[ \t]{0,2}", "[a-zA-Z0-9ü😀_.:-]{1,20}", "[ \t]{0,2}").prop_map(|(a, s, b)| json_str(&format!("{a}{s}{b}"))),
        2 => integer().prop_map(|(_, t)| t),
    ]
}

fn counts() -> BoxedStrategy<String> {
    (integer(), integer(), integer(), any::<u8>())
        .prop_map(|(a, c, r, order)| {
            let mut m = vec![("addedCount", a.1), ("changedCount", c.1), ("removedCount", r.1)];
            m.rotate_left(usize::from(order % 3));
            let m: Vec<String> = m.into_iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
            format!("{{{}}}", m.join(", "))
        })
        .boxed()
}

fn ratio() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("1".to_string()),
        Just("-0".to_string()),
        Just("1.0".to_string()),
        (0.0f64..=1.0).prop_map(|f| format!("{f}")),
        (0u32..=100).prop_map(|p| format!("{p}e-2")),
    ]
}

fn error() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("null".to_string())),
        Just(Some(json_str("   "))),
        "[ ]{0,2}[a-zA-Z0-9 :é]{0,30}[ ]{0,2}".prop_map(|s| Some(json_str(&s))),
        (0u32..100).prop_map(|n| Some(json_str(&format!("Timeout after {n} seconds")))),
    ]
}

/// Unknown members: a few keys with small JSON values.
fn unknown() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            "[a-z]{1,6}",
            prop_oneof![
                Just("null".to_string()),
                Just("true".to_string()),
                Just("[1, {\"a\": \"b\"}, []]".to_string()),
                Just("{\"nested\": {\"k\": 1.5}}".to_string()),
                integer().prop_map(|(_, t)| t),
                "[a-z ]{0,8}".prop_map(|s| json_str(&s)),
            ],
        ),
        0..3,
    )
    .prop_map(|v| {
        // Keys the contract does not know, each once.
        let known = ["id", "status", "error", "data", "hasMore"];
        let mut seen = HashSet::new();
        v.into_iter()
            .map(|(k, v)| (format!("x{k}"), v))
            .filter(|(k, _)| !known.contains(&k.as_str()) && seen.insert(k.clone()))
            .collect()
    })
}

/// A run that keeps every rule of SPEC §2 (it may have warnings), in random key order.
fn valid_run() -> BoxedStrategy<Run> {
    (
        id(),
        status_spelling(),
        timestamp(),
        prop::option::of(timestamp()),
        prop::option::of(timestamp()),
        any::<(bool, bool)>(),
        ratio(),
        integer(),
        (counts(), counts(), counts()),
        error(),
        unknown(),
    )
        .prop_flat_map(
            |(id, (st, status), created, started, finished, (omit_s, omit_f), ratio, qs, rows, error, extra)| {
                let status_name = STATUSES[st];
                let started_null_ok = matches!(status_name, "queued" | "cancelled");
                let finished_null_ok = matches!(status_name, "queued" | "querying" | "processing" | "reporting");
                let mut m: Vec<(String, String)> =
                    vec![("id".into(), id), ("status".into(), status), ("createdAt".into(), json_str(&created))];
                match started {
                    Some(t) => m.push(("startedAt".into(), json_str(&t))),
                    None if started_null_ok && omit_s => {}
                    None if started_null_ok => m.push(("startedAt".into(), "null".into())),
                    None => m.push(("startedAt".into(), json_str(&created))),
                }
                match finished {
                    Some(t) => m.push(("finishedAt".into(), json_str(&t))),
                    None if finished_null_ok && omit_f => {}
                    None if finished_null_ok => m.push(("finishedAt".into(), "null".into())),
                    None => m.push(("finishedAt".into(), json_str(&created))),
                }
                m.push(("completionRatio".into(), ratio));
                m.push(("querySize".into(), qs.1));
                m.push(("plannedRows".into(), rows.0));
                m.push(("successfulRows".into(), rows.1));
                m.push(("failedRows".into(), rows.2));
                if let Some(e) = error {
                    m.push(("error".into(), e));
                }
                m.extend(extra);
                Just(m).prop_shuffle().prop_map(Run)
            },
        )
        .boxed()
}

/// One mutation that may (or may not) make a run invalid.
#[derive(Clone, Debug)]
enum Mutation {
    Remove(usize),
    Set(usize, String),
    Duplicate(usize),
    Unknown(String, String),
    RowKey(usize, String),
}

fn bad_value() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "null",
        "true",
        "[]",
        "{}",
        "\"\"",
        "\"x\"",
        "\"Completed\"",
        "-1",
        "1.5",
        "-0.5",
        "1e400",
        "-1e400",
        "9007199254740992",
        "18446744073709551616",
        "\"2023-02-29T10:00:00Z\"",
        "\"2024-03-01T10:00:00\"",
        "\"2024-03-01T24:00:00Z\"",
        "\"0000-01-01T00:30:00+01:00\"",
        "\"9999-12-31T23:59:59-00:01\"",
        "\"\\u0001\"",
        "\"\\ud800\"",
        "{\"addedCount\": 1}",
        "{\"addedCount\": 1, \"changedCount\": 2, \"removedCount\": 3, \"addedCount\": 4}",
        "[{\"a\": 1, \"a\": 2}]",
    ])
    .prop_map(str::to_string)
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0..16usize).prop_map(Mutation::Remove),
        (0..16usize, bad_value()).prop_map(|(i, v)| Mutation::Set(i, v)),
        (0..16usize).prop_map(Mutation::Duplicate),
        ("[a-z]{1,4}", bad_value()).prop_map(|(k, v)| Mutation::Unknown(k, v)),
        (0..16usize, prop::sample::select(vec!["addedCount", "changedCount", "removedCount", "other"]))
            .prop_map(|(i, k)| Mutation::RowKey(i, k.to_string())),
    ]
}

fn mutate(mut run: Run, muts: Vec<Mutation>) -> Run {
    for m in muts {
        let n = run.0.len();
        if n == 0 {
            break;
        }
        match m {
            Mutation::Remove(i) => {
                run.0.remove(i % n);
            }
            Mutation::Set(i, v) => run.0[i % n].1 = v,
            Mutation::Duplicate(i) => {
                let m = run.0[i % n].clone();
                run.0.push(m);
            }
            Mutation::Unknown(k, v) => run.0.push((k, v)),
            Mutation::RowKey(i, k) => {
                // Remove one key from (or add an unknown one to) a row-count object.
                let v = &mut run.0[i % n].1;
                if v.trim() == "{}" {
                    *v = format!("{{\"{k}\": 1}}");
                } else if v.starts_with('{') {
                    let gone = format!("\"{k}\": ");
                    if let Some(p) = v.find(&gone) {
                        let end = v[p..].find([',', '}']).map_or(v.len(), |e| p + e);
                        v.replace_range(p..end, &format!("\"{k}x\": 0"));
                    } else {
                        v.insert_str(1, &format!("\"{k}\": 1, "));
                    }
                }
            }
        }
    }
    run
}

/// A run that is valid, or a valid one mutated 1–3 times.
fn any_run() -> BoxedStrategy<Run> {
    prop_oneof![
        2 => valid_run(),
        1 => (valid_run(), prop::collection::vec(mutation(), 1..4)).prop_map(|(r, m)| mutate(r, m)),
    ]
    .boxed()
}

fn options() -> impl Strategy<Value = Options> {
    (
        prop::option::of(prop::sample::select(vec![UnknownFields::Strip, UnknownFields::Keep, UnknownFields::Error])),
        prop::option::of(any::<bool>()),
        prop::option::of(prop::sample::select(vec![0usize, 1, 3, 1000])),
    )
        .prop_map(|(unknown_fields, warning_is_failure, max_issues)| Options {
            unknown_fields,
            warning_is_failure,
            max_issues,
            ..Options::default()
        })
}

/// How a batch is written (SPEC §1).
#[derive(Clone, Copy, Debug)]
enum Shape {
    Array { pretty: bool },
    Envelope { pretty: bool, has_more: Option<bool>, other_first: bool },
    Ndjson { crlf: bool, blank_lines: bool, broken: bool },
}

fn json_shape() -> BoxedStrategy<Shape> {
    prop_oneof![
        any::<bool>().prop_map(|pretty| Shape::Array { pretty }),
        (any::<bool>(), prop::option::of(any::<bool>()), any::<bool>())
            .prop_map(|(pretty, has_more, other_first)| Shape::Envelope { pretty, has_more, other_first }),
    ]
    .boxed()
}

fn shape() -> BoxedStrategy<Shape> {
    prop_oneof![
        2 => json_shape(),
        1 => any::<(bool, bool, bool)>().prop_map(|(crlf, blank_lines, broken)| Shape::Ndjson { crlf, blank_lines, broken }),
    ]
    .boxed()
}

/// A batch text and the texts of its records, in order.
#[derive(Clone, Debug)]
struct Batch {
    text: String,
    records: Vec<String>,
    shape: Shape,
}

const BROKEN: &str = r#"{"id": "broken", "status": "#;

fn batch() -> BoxedStrategy<Batch> {
    batch_of(shape())
}

fn batch_of(shape: BoxedStrategy<Shape>) -> BoxedStrategy<Batch> {
    (prop::collection::vec(any_run(), 0..10), shape, any::<bool>(), any::<u64>())
        .prop_map(|(runs, shape, bom, seed)| {
            let bom = if bom { "\u{feff}" } else { "" };
            match shape {
                Shape::Array { pretty } => {
                    let records: Vec<String> = runs.iter().map(|r| r.text(pretty)).collect();
                    let sep = if pretty { ",\n" } else { "," };
                    Batch { text: format!("{bom}[{}]", records.join(sep)), records, shape }
                }
                Shape::Envelope { pretty, has_more, other_first } => {
                    let records: Vec<String> = runs.iter().map(|r| r.text(pretty)).collect();
                    let sep = if pretty { ",\n" } else { "," };
                    let data = format!("\"data\": [{}]", records.join(sep));
                    let mut members = vec![data];
                    if let Some(h) = has_more {
                        members.push(format!("\"hasMore\": {h}"));
                    }
                    let other = "\"other\": {\"data\": 1, \"hasMore\": [true]}".to_string();
                    if other_first {
                        members.insert(0, other);
                    } else {
                        members.push(other);
                    }
                    Batch {
                        text: format!("{bom}{{{}}}", members.join(if pretty { ",\n" } else { ", " })),
                        records,
                        shape,
                    }
                }
                Shape::Ndjson { crlf, blank_lines, broken } => {
                    let mut records: Vec<String> = runs.iter().map(Run::compact).collect();
                    if broken && !records.is_empty() {
                        // One line that is not JSON: that record only is invalid (SPEC §3.1).
                        let at = (seed as usize) % (records.len() + 1);
                        records.insert(at.max(1).min(records.len()), BROKEN.to_string());
                    }
                    let nl = if crlf { "\r\n" } else { "\n" };
                    if crlf {
                        // A record is its line as the text has it, \r included.
                        records.iter_mut().for_each(|r| r.push('\r'));
                    }
                    let mut text = bom.to_string();
                    for (i, r) in records.iter().enumerate() {
                        if blank_lines && (seed >> (i % 64)) & 1 == 1 {
                            text.push_str(nl);
                            text.push_str("  \t");
                            text.push_str(nl);
                        }
                        text.push_str(r);
                        text.push('\n');
                    }
                    Batch { text, records, shape }
                }
            }
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn val<T: serde::Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap()
}

fn errors(issues: &[Issue]) -> usize {
    issues.iter().filter(|i| i.is_error()).count()
}

fn text_options(o: &Options, shape: Shape) -> Options {
    // NDJSON needs two or more lines for auto-detection; say which it is when there are fewer.
    let format = match shape {
        Shape::Ndjson { .. } => Some(Format::Ndjson),
        _ => Some(Format::Json),
    };
    Options { format, ..o.clone() }
}

fn stream(chunks: &[&[u8]], options: &Options) -> Value {
    let mut s = SummaryStream::new(options);
    for c in chunks {
        s.push(c);
    }
    val(&s.finish())
}

// ---------------------------------------------------------------------------------------------
// Properties of one run

proptest! {
    #![proptest_config(config())]

    /// SPEC §2: every run the generator makes by the rules is valid, in any key order and layout.
    #[test]
    fn generated_valid_runs_are_valid(run in valid_run(), pretty in any::<bool>(), o in options()) {
        let o = Options { unknown_fields: o.unknown_fields.filter(|u| *u != UnknownFields::Error), ..o };
        let text = run.text(pretty);
        let v = validate_run(text.as_bytes(), &o);
        prop_assert!(v.valid, "{text}\n{:?}", v.issues);
        prop_assert_eq!(errors(&v.issues), 0);
    }

    /// SPEC §2: normalizing is idempotent, and the normalized run is valid again with the same
    /// warnings; validate, normalize and summarize agree.
    #[test]
    fn normalize_is_idempotent(run in any_run(), pretty in any::<bool>(), o in options()) {
        let text = run.text(pretty);
        let v = validate_run(text.as_bytes(), &o);
        let n = normalize_run(text.as_bytes(), &o);
        let s = summarize_run(text.as_bytes(), &o);
        prop_assert_eq!(v.valid, n.valid);
        prop_assert_eq!(v.valid, s.valid);
        prop_assert_eq!(&v.issues, &n.issues);
        prop_assert_eq!(&v.issues, &s.issues);
        prop_assert_eq!(v.valid, errors(&v.issues) == 0, "{:?}", v.issues);
        let Some(run1) = n.run else { return Ok(()) };
        let json = serde_json::to_string(&run1).unwrap();
        // The 11 keys in contract order (SPEC §2), checked on the text (serde_json's map sorts).
        let order = ["\"id\":", "\"status\":", "\"createdAt\":", "\"startedAt\":", "\"finishedAt\":", "\"completionRatio\":", "\"querySize\":", "\"plannedRows\":", "\"successfulRows\":", "\"failedRows\":", "\"error\":"];
        let at: Vec<usize> = order.iter().map(|k| json.find(k).unwrap_or(usize::MAX)).collect();
        prop_assert!(at.windows(2).all(|w| w[0] < w[1]), "key order in {}", json);
        for text2 in [json.clone(), serde_json::to_string_pretty(&run1).unwrap()] {
            let again = normalize_run(text2.as_bytes(), &o);
            prop_assert!(again.valid, "{}\n{:?}", text2, again.issues);
            prop_assert_eq!(placeless(again.issues.clone()), placeless(n.issues.clone()), "the warnings changed");
            prop_assert_eq!(val(&again.run), val(&Some(&run1)), "normalize is not idempotent");
            let v2 = validate_run(text2.as_bytes(), &o);
            prop_assert!(v2.valid && errors(&v2.issues) == 0);
        }
    }

    /// SPEC §2: integers up to 2^53 − 1 survive exactly, in every spelling, in every integer
    /// field, in normalized runs and in summaries; 2^53 and above do not pass.
    #[test]
    fn integers_up_to_2_53_survive_exactly(
        run in valid_run(),
        (n, spelled) in integer(),
        field in 0..11usize,
        over in 0u64..1_000_000,
    ) {
        let fields: [(&str, Option<&str>); 11] = [
            ("querySize", None),
            ("plannedRows", Some("addedCount")), ("plannedRows", Some("changedCount")), ("plannedRows", Some("removedCount")),
            ("successfulRows", Some("addedCount")), ("successfulRows", Some("changedCount")), ("successfulRows", Some("removedCount")),
            ("failedRows", Some("addedCount")), ("failedRows", Some("changedCount")), ("failedRows", Some("removedCount")),
            ("id", None),
        ];
        let (key, op) = fields[field];
        let set = |raw: &str| {
            let mut r = run.clone();
            let m = r.0.iter_mut().find(|(k, _)| k == key).unwrap();
            m.1 = match op {
                None => raw.to_string(),
                Some(op) => {
                    let v = ["addedCount", "changedCount", "removedCount"]
                        .map(|k| format!("\"{k}\": {}", if k == op { raw } else { "0" }));
                    format!("{{{}}}", v.join(", "))
                }
            };
            r.compact()
        };
        let text = set(&spelled);
        let o = Options::default();
        let norm = normalize_run(text.as_bytes(), &o);
        prop_assert!(norm.valid, "{}\n{:?}", text, norm.issues);
        let out = val(&norm.run.unwrap());
        let got = match op {
            None if key == "id" => out["id"].as_str().map(str::to_string),
            None => out[key].as_u64().map(|x| x.to_string()),
            Some(op) => out[key][op].as_u64().map(|x| x.to_string()),
        };
        prop_assert_eq!(got, Some(n.to_string()), "{}", text);
        if key == "plannedRows" && op == Some("addedCount") {
            let s = summarize_runs(text.as_bytes(), &o);
            prop_assert_eq!(s.rows.planned.added, n);
        }
        // Out of range: never rounded into range.
        let big = (1u64 << 53) + over;
        let text = set(&big.to_string());
        let v = validate_run(text.as_bytes(), &o);
        prop_assert!(!v.valid, "{} passed", big);
        let code = if key == "id" { "invalid_id" } else { "invalid_number" };
        prop_assert!(v.issues.iter().any(|i| i.code.as_str() == code), "{:?}", v.issues);
    }
}

// ---------------------------------------------------------------------------------------------
// Properties of batches

/// What `normalize_runs` must give, from each record read on its own: the valid runs, first of
/// each id, in order; each record's issues under its path (and NDJSON line); `duplicate_id` for
/// later valid runs with a seen id.
struct Expected {
    runs: Vec<Value>,
    valid: u64,
    invalid: u64,
    duplicates: u64,
    issues: Vec<Issue>,
}

fn expected(b: &Batch, o: &Options) -> Expected {
    let single = Options { max_issues: None, format: None, ..o.clone() };
    let mut e = Expected { runs: Vec::new(), valid: 0, invalid: 0, duplicates: 0, issues: Vec::new() };
    let mut seen = HashSet::new();
    // NDJSON line of each record (1-based), counting the blank lines the text has.
    let mut lines = Vec::new();
    if let Shape::Ndjson { .. } = b.shape {
        for (i, line) in b.text.split('\n').enumerate() {
            let line = line.trim_start_matches('\u{feff}');
            if !line.trim_matches([' ', '\t', '\r']).is_empty() {
                lines.push(i as u64 + 1);
            }
        }
    }
    for (i, rec) in b.records.iter().enumerate() {
        let base = match b.shape {
            Shape::Envelope { .. } => format!("/data/{i}"),
            _ => format!("/{i}"),
        };
        let line = lines.get(i).copied();
        let n = normalize_run(rec.as_bytes(), &single);
        // Positions are the batch text's, not the record's alone (a syntax error's column
        // within its NDJSON line is the same in both).
        let mut issues: Vec<Issue> = n
            .issues
            .into_iter()
            .map(|i| if i.code.as_str() == "invalid_json" { i } else { placeless(vec![i]).remove(0) })
            .collect();
        match n.run {
            None => e.invalid += 1,
            Some(run) => {
                if seen.insert(run.id.clone()) {
                    e.valid += 1;
                    e.runs.push(val(&run));
                } else {
                    e.duplicates += 1;
                    issues.push(Issue::new(IssueCode::DuplicateId, "/id".into(), ""));
                }
            }
        }
        for mut issue in issues {
            issue.path = format!("{base}{}", issue.path);
            if line.is_some() {
                issue.line = line;
            }
            e.issues.push(issue);
        }
    }
    e
}

/// Issues without line and column: for comparing the issues of two texts of the same runs.
fn placeless(mut issues: Vec<Issue>) -> Vec<Issue> {
    for i in &mut issues {
        i.line = None;
        i.column = None;
    }
    issues
}

/// SPEC §3: each issue of a JSON document that has a line and column is at the value its path
/// names, or, when the path goes further than the text (a missing key), at the deepest value
/// on it that exists. Checked with serde_json: the value read at the position is that value.
/// `repeats_a_key`: the text has a `duplicate_key` issue, kept or not (maxIssues may have cut
/// it from `issues`); serde_json keeps the last of a repeated key, the package the first, so
/// such a text is not checked.
fn check_positions(text: &str, issues: &[Issue], repeats_a_key: bool) -> Result<(), String> {
    let text = text.trim_start_matches('\u{feff}');
    let Ok(doc) = serde_json::from_str::<Value>(text) else { return Ok(()) };
    if repeats_a_key || issues.iter().any(|i| i.code.as_str() == "duplicate_key") {
        return Ok(());
    }
    let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    for issue in issues {
        let (Some(line), Some(column)) = (issue.line, issue.column) else { continue };
        let start = starts[line as usize - 1];
        let off = start + text[start..].chars().take(column as usize - 1).map(char::len_utf8).sum::<usize>();
        let found = serde_json::Deserializer::from_str(&text[off..]).into_iter::<Value>().next();
        let mut want = &doc;
        for token in issue.path.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            let next = match want {
                Value::Object(m) => m.get(&token),
                Value::Array(a) => token.parse::<usize>().ok().and_then(|k| a.get(k)),
                _ => None,
            };
            match next {
                Some(v) => want = v,
                None => break,
            }
        }
        match found {
            Some(Ok(v)) if &v == want => {}
            other => return Err(format!("{issue:?} is at {other:?}, not at {want}")),
        }
    }
    Ok(())
}

/// Issues compared without messages (they are for people, SPEC §3).
fn shape_of(issues: &[Issue]) -> Vec<(String, String, Option<u64>, Option<u64>)> {
    issues.iter().map(|i| (i.code.as_str().to_string(), i.path.clone(), i.line, i.column)).collect()
}

proptest! {
    #![proptest_config(config())]

    /// SPEC §1, §3, §8: every record is accounted for, and `normalize_runs` keeps exactly the
    /// valid, first-seen runs, in input order, each normalized as `normalize_run` would, with
    /// each record's issues under its own path.
    #[test]
    fn batches_account_for_every_record_in_order(b in batch(), o in options()) {
        let o = text_options(&o, b.shape);
        let n = normalize_runs(b.text.as_bytes(), &o);
        let s = summarize_runs(b.text.as_bytes(), &o);
        prop_assert_eq!(n.counts.records, n.counts.valid + n.counts.invalid + n.counts.duplicates);
        prop_assert_eq!(n.counts.records, b.records.len() as u64, "{}", b.text);
        prop_assert_eq!(n.runs.len() as u64, n.counts.valid);
        prop_assert_eq!(
            (s.records, s.valid, s.invalid, s.duplicates, s.error_count, s.warning_count),
            (n.counts.records, n.counts.valid, n.counts.invalid, n.counts.duplicates, n.counts.error_count, n.counts.warning_count)
        );
        prop_assert_eq!(&s.issues, &n.issues);
        let e = expected(&b, &o);
        prop_assert_eq!((n.counts.valid, n.counts.invalid, n.counts.duplicates), (e.valid, e.invalid, e.duplicates), "{}", b.text);
        let runs: Vec<Value> = n.runs.iter().map(val).collect();
        prop_assert_eq!(runs, e.runs, "runs differ from the records read one by one");
        let max = o.max_issues();
        let want_errors = e.issues.iter().filter(|i| i.is_error()).count() as u64;
        prop_assert_eq!((n.counts.error_count, n.counts.warning_count), (want_errors, e.issues.len() as u64 - want_errors));
        prop_assert_eq!(n.issues_truncated, e.issues.len() > max);
        // Whether the text repeats a key: from every issue, before maxIssues cuts the list.
        let repeats_a_key = e.issues.iter().any(|i| i.code.as_str() == "duplicate_key");
        let want: Vec<Issue> = e.issues.into_iter().take(max).collect();
        if let Shape::Ndjson { .. } = b.shape {
            prop_assert_eq!(shape_of(&n.issues), shape_of(&want), "{}", b.text);
        } else {
            // SPEC §3: every issue of a run in a JSON document has a line and a column.
            prop_assert!(n.issues.iter().all(|i| i.line.is_some() && i.column.is_some()), "{:?}", n.issues);
            prop_assert_eq!(shape_of(&placeless(n.issues.clone())), shape_of(&want), "{}", b.text);
            if let Err(e) = check_positions(&b.text, &n.issues, repeats_a_key) {
                prop_assert!(false, "{}\n{}", e, b.text);
            }
        }
        match b.shape {
            Shape::Envelope { has_more, .. } => prop_assert_eq!(n.counts.has_more, has_more),
            _ => prop_assert_eq!(n.counts.has_more, None),
        }
        // Every run handed out is valid again on its own.
        for run in &n.runs {
            let json = serde_json::to_string(run).unwrap();
            let v = validate_run(json.as_bytes(), &o);
            prop_assert!(v.valid && errors(&v.issues) == 0, "{}\n{:?}", json, v.issues);
        }
        // SPEC §1: format "auto" reads it the same way, except NDJSON of fewer than two lines.
        let auto = Options { format: None, ..o.clone() };
        let nonblank = b.text.lines().filter(|l| !l.trim_matches([' ', '\t', '\r', '\u{feff}']).is_empty()).count();
        if !matches!(b.shape, Shape::Ndjson { .. }) || nonblank >= 2 {
            prop_assert_eq!(val(&normalize_runs(b.text.as_bytes(), &auto)), val(&n), "auto-detection");
        }
    }

    /// SPEC §7: the stream, cut anywhere (even inside a UTF-8 character or the byte order
    /// mark, with empty chunks), gives the batch's summary.
    #[test]
    fn stream_with_random_chunking_is_the_batch(
        b in batch(),
        o in options(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
        auto in any::<bool>(),
    ) {
        let o = if auto { Options { format: None, ..o } } else { text_options(&o, b.shape) };
        let text = b.text.as_bytes();
        let mut at: Vec<usize> = cuts.iter().map(|c| c.index(text.len() + 1)).collect();
        at.sort_unstable();
        let mut chunks = Vec::new();
        let mut prev = 0;
        for a in at {
            chunks.push(&text[prev..a]);
            prev = a;
        }
        chunks.push(&text[prev..]);
        let want = val(&summarize_runs(text, &o));
        prop_assert_eq!(stream(&chunks, &o), want.clone());
        let bytes: Vec<&[u8]> = text.chunks(1).collect();
        prop_assert_eq!(stream(&bytes, &o), want);
    }

    /// SPEC §1: an already parsed value is read as its text is. Natively: the text parsed and
    /// written again (compact and pretty) gives the same results, issues aside from their order
    /// within a run (a parsed object's key order is not the text's) and positions.
    #[test]
    fn object_input_is_text_input(b in batch_of(json_shape()), o in options()) {
        let text = b.text.trim_start_matches('\u{feff}');
        // serde_json (without its float_roundtrip feature) may misround a number with more than
        // 16 significant digits and a fraction ("1945647717615767.0" → 1945647717615767.25),
        // where JSON.parse rounds correctly: its input gets such numbers as plain integers.
        let Some(exact) = exact_numbers(text) else { return Ok(()) };
        let Ok(value) = serde_json::from_str::<Value>(&exact) else {
            // Numbers out of f64 range or lone surrogates: not a value JS could hold as text either.
            return Ok(());
        };
        let o = Options { max_issues: Some(usize::MAX), ..o };
        let from_text = normalize_runs(text.as_bytes(), &o);
        // A parsed object cannot hold duplicate keys: compare only texts without them.
        prop_assume!(!from_text.issues.iter().any(|i| i.code.as_str() == "duplicate_key"));
        let sorted = |issues: &[Issue]| {
            let mut v = shape_of(&placeless(issues.to_vec()));
            v.sort();
            v
        };
        for again in [serde_json::to_string(&value).unwrap(), serde_json::to_string_pretty(&value).unwrap()] {
            let n = normalize_runs(again.as_bytes(), &o);
            prop_assert_eq!(
                (n.counts.records, n.counts.valid, n.counts.invalid, n.counts.duplicates, n.counts.has_more, n.counts.error_count, n.counts.warning_count),
                (from_text.counts.records, from_text.counts.valid, from_text.counts.invalid, from_text.counts.duplicates, from_text.counts.has_more, from_text.counts.error_count, from_text.counts.warning_count)
            );
            prop_assert_eq!(val(&n.runs), val(&from_text.runs));
            prop_assert_eq!(sorted(&n.issues), sorted(&from_text.issues));
            let mut a = val(&summarize_runs(again.as_bytes(), &o));
            let mut b2 = val(&summarize_runs(text.as_bytes(), &o));
            for v in [&mut a, &mut b2] {
                v["issues"] = Value::Null;
            }
            prop_assert_eq!(a, b2);
        }
        // Each record alike, as a single run.
        if let Some(records) = value.as_array().or_else(|| value.get("data").and_then(Value::as_array)) {
            for (r, rec) in records.iter().zip(&b.records) {
                let x = normalize_run(serde_json::to_string(r).unwrap().as_bytes(), &o);
                let y = normalize_run(rec.as_bytes(), &o);
                prop_assert_eq!(val(&x.run), val(&y.run));
                prop_assert_eq!(sorted(&x.issues), sorted(&y.issues));
            }
        }
    }
}

/// The JSON text with every number spelled so that serde_json reads it as Rust's correctly
/// rounded parser (and `JSON.parse`) does: integral values that serde_json would misround as
/// plain integers. `None` when some other number would still be misread.
fn exact_numbers(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut in_string, mut copied) = (0, false, 0);
    while i < b.len() {
        match b[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'-' | b'0'..=b'9' if !in_string => {
                let start = i;
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                let t = &text[start..i];
                let exact = t.parse::<f64>().ok();
                let serde = serde_json::from_str::<Value>(t).ok().and_then(|v| v.as_f64());
                if exact != serde {
                    let v = exact?;
                    if !(v.is_finite() && v.fract() == 0.0 && v.abs() < 1e19) {
                        return None;
                    }
                    out.push_str(&text[copied..start]);
                    out.push_str(&format!("{}", v as i128));
                    copied = i;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

//! The core's number services handed down (src/number.rs): the package installs JavaScript's
//! `Number(text)` and `String(n)`; here a stand-in that behaves like them is installed, so that
//! host `cargo test` runs the path the package takes (SPEC §2 numbers read exactly, §8 numbers
//! written as JavaScript writes them). The host's own services are tested in src/write.rs.
//!
//! This file is its own test binary: the services installed here are this process's only.

use std::sync::atomic::{AtomicUsize, Ordering};

use syncrun::number::{install, Numbers};
use syncrun::out::to_json;
use syncrun::{normalize_run, normalize_runs, Options, UnknownFields};

/// Like JavaScript's `Number(text)` and `String(n)`, built independently of the host's
/// services: Rust's own shortest digits (`{:e}`) laid out by ECMAScript's Number::toString.
struct JsLike {
    parsed: AtomicUsize,
    written: AtomicUsize,
}

impl Numbers for JsLike {
    fn parse(&self, text: &str) -> f64 {
        self.parsed.fetch_add(1, Ordering::SeqCst);
        text.parse().unwrap_or(f64::NAN)
    }

    fn shortest(&self, a: f64, o: &mut String) {
        self.written.fetch_add(1, Ordering::SeqCst);
        o.push_str(&ecmascript_string(a));
    }
}

/// ECMAScript Number::toString(a) for a positive finite `a` (ECMA-262 §6.1.6.1.20).
fn ecmascript_string(a: f64) -> String {
    let sci = format!("{a:e}"); // shortest round-trip digits: "d.ddde±x"
    let (mantissa, exp) = sci.split_once('e').unwrap();
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i32;
    let n = exp.parse::<i32>().unwrap() + 1; // value = 0.DIGITS × 10^n
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat(-n as usize))
    } else {
        let e = n - 1;
        let sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        format!("{first}{rest}e{sign}{}", e.abs())
    }
}

static JS: JsLike = JsLike { parsed: AtomicUsize::new(0), written: AtomicUsize::new(0) };

fn js() -> &'static JsLike {
    install(&JS);
    &JS
}

fn run(ratio: &str, extra: &str) -> String {
    format!(
        r#"{{"id":"r1","status":"success","createdAt":"2024-01-01T00:00:00Z","startedAt":"2024-01-01T00:00:01Z",
        "finishedAt":"2024-01-01T00:00:02Z","completionRatio":{ratio},"querySize":1,
        "plannedRows":{{"addedCount":1,"changedCount":0,"removedCount":0}},
        "successfulRows":{{"addedCount":1,"changedCount":0,"removedCount":0}},
        "failedRows":{{"addedCount":0,"changedCount":0,"removedCount":0}},"error":null{extra}}}"#
    )
}

/// SPEC §2: a number beyond the core's integer arithmetic (more than 19 significant digits)
/// is read by the installed `Number()`, in both readers (the fast lane hands numbers to the
/// general reader's `number`), and the value is what JavaScript's `JSON.parse` gives.
#[test]
fn long_numbers_are_read_by_the_installed_parser() {
    let js = js();
    let before = js.parsed.load(Ordering::SeqCst);
    let long = "0.1000000000000000055511151231257827021181583404541015625";
    let out = normalize_run(run(long, "").as_bytes(), &Options::default());
    assert!(out.valid, "{:?}", out.issues);
    assert_eq!(out.run.unwrap().completion_ratio, 0.1);
    assert!(js.parsed.load(Ordering::SeqCst) > before, "Number() was not asked");

    // 1e-400 underflows to 0 as in JavaScript; 25 nines round to 1.
    let batch = format!("[{},{}]", run("1e-400", ""), run("0.9999999999999999999999999", "").replace("r1", "r2"));
    let out = normalize_runs(batch.as_bytes(), &Options::default());
    assert_eq!(out.counts.valid, 2, "{:?}", out.issues);
    assert_eq!(out.runs[0].completion_ratio, 0.0);
    assert_eq!(out.runs[1].completion_ratio, 1.0);
}

/// SPEC §8: numbers that are not short decimals are written by the installed `String()`:
/// ratios with 17 digits, kept unknown values (`unknownFields: "keep"`) of any size.
#[test]
fn numbers_without_a_short_decimal_are_written_by_the_installed_writer() {
    let js = js();
    let before = js.written.load(Ordering::SeqCst);
    let keep = Options { unknown_fields: Some(UnknownFields::Keep), ..Options::default() };
    let extra = r#","big":1e21,"max":1.7976931348623157e308,"tiny":5e-324,"small":1.5e-7,"third":0.3333333333333333"#;
    let out = normalize_run(run("0.30000000000000004", extra).as_bytes(), &keep);
    assert!(out.valid, "{:?}", out.issues);
    let text = to_json(&out);
    for want in [
        r#""completionRatio":0.30000000000000004"#,
        r#""big":1e+21"#,
        r#""max":1.7976931348623157e+308"#,
        r#""tiny":5e-324"#,
        r#""small":1.5e-7"#,
        r#""third":0.3333333333333333"#,
    ] {
        assert!(text.contains(want), "{want} not in {text}");
    }
    // None of the six is a short decimal (at most 15 fraction digits, 1e-6 to 1e15).
    assert!(js.written.load(Ordering::SeqCst) >= before + 6, "String() was not asked for each");
}

/// The stand-in agrees with the host's services (which tests/wasm.rs checks against the real
/// JavaScript engine) on numbers of every size: both are exact, so both paths write the same.
#[test]
fn the_stand_in_is_javascript_like() {
    let cases: &[(f64, &str)] = &[
        (1e21, "1e+21"),
        (1.5e21, "1.5e+21"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (0.30000000000000004, "0.30000000000000004"),
        (f64::MAX, "1.7976931348623157e+308"),
        (5e-324, "5e-324"),
    ];
    for &(n, want) in cases {
        assert_eq!(ecmascript_string(n), want);
        let mut host = String::new();
        syncrun::number::Native.shortest(n, &mut host);
        assert_eq!(host, want);
    }
}

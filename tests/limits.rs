//! Issue #7, "Hostile input": limits that hold whatever the bytes (SPEC §1, §3.1, §6, §7).
//!
//! - Nesting: a 200,000-deep `[[[[` or `{"a":{"a":...` answers `invalid_json`, on a 1 MiB
//!   stack (so no recursion follows the nesting), in every entry point.
//! - Long strings: a 20 MB string (value, id, key, error message, escapes) costs linear time.
//! - Many keys: an object with 1,000,000 distinct keys costs linear time, wherever it is.
//! - maxBytes: `input_too_large` with nothing read, immediately even for 300 MB.
//!
//! Timings compare ratios (2× the input must take < 3× the time) rather than absolute times,
//! so that they hold in debug builds on a busy shared machine; every measurement runs under a
//! deadline, so that a quadratic (or endless) path fails the test instead of hanging it. The
//! tests of this file take a lock so that they do not time each other.

use std::sync::{mpsc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use syncrun::{
    normalize_run, normalize_runs, summarize_run, summarize_runs, validate_run, BatchSummary, Format, Issue, IssueCode,
    Options, RecordStream, SummaryStream, UnknownFields,
};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Run `f` on a thread with `stack` bytes of stack; fail if it takes longer than `limit`.
/// (A thread that overran its deadline is left behind: it ends with the test process.)
fn within<T: Send + 'static>(what: &str, limit: Duration, stack: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name(what.to_string())
        .stack_size(stack)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    let t0 = Instant::now();
    match rx.recv_timeout(limit) {
        Ok(v) => {
            handle.join().unwrap();
            eprintln!("{what}: {:?}", t0.elapsed());
            v
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: still running after {limit:?} (hang or superlinear)"),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            // The thread panicked: show its panic.
            match handle.join() {
                Err(e) => std::panic::resume_unwind(e),
                Ok(()) => panic!("{what}: thread ended without a result"),
            }
        }
    }
}

/// The stack of WebAssembly code built by Rust (1 MiB). Bounded nesting (256 levels) fits it
/// even in a debug build (about 3 kB a level); following 200,000 levels would not fit it at any
/// frame size above 5 bytes.
const SMALL_STACK: usize = 1024 * 1024;
const BIG_STACK: usize = 64 * 1024 * 1024;

fn opts() -> Options {
    Options::default()
}

fn with_unknown(u: UnknownFields) -> Options {
    Options { unknown_fields: Some(u), ..Options::default() }
}

fn codes(issues: &[Issue]) -> Vec<&'static str> {
    issues.iter().map(|i| i.code.as_str()).collect()
}

/// The whole input could not be read: no records and exactly that one issue (SPEC §1).
fn assert_only(what: &str, s: &BatchSummary, code: IssueCode) {
    assert_eq!(
        (s.records, s.valid, s.invalid, s.duplicates, s.error_count, s.warning_count),
        (0, 0, 0, 0, 1, 0),
        "{what}: counts"
    );
    assert_eq!(codes(&s.issues), [code.as_str()], "{what}: issues {:?}", s.issues);
    assert!(!s.issues_truncated, "{what}");
}

fn stream(text: &[u8], chunk: usize, options: &Options) -> BatchSummary {
    let mut s = SummaryStream::new(options);
    for c in text.chunks(chunk.max(1)) {
        s.push(c);
    }
    s.finish()
}

/// Every batch entry point on `text`, each under the deadline and on a small stack; returns
/// the summary of `summarize_runs` after checking the others agree with it.
fn batch_everywhere(what: &str, text: Vec<u8>, options: Options, limit: Duration) -> BatchSummary {
    let what = what.to_string();
    within(&what.clone(), limit, SMALL_STACK, move || {
        let whole = summarize_runs(&text, &options);
        let n = normalize_runs(&text, &options);
        assert_eq!(
            (n.counts.records, n.counts.valid, n.counts.invalid),
            (whole.records, whole.valid, whole.invalid),
            "{what}: normalize"
        );
        assert_eq!(n.issues, whole.issues, "{what}: normalize_runs issues");
        for chunk in [1 << 16, 4096] {
            let s = stream(&text, chunk, &options);
            assert!(s == whole, "{what}: SummaryStream in chunks of {chunk} differs from summarize_runs");
        }
        let mut r = RecordStream::new(&options);
        for c in text.chunks(1 << 16) {
            r.push(c);
        }
        let counts = r.finish().counts.unwrap();
        assert_eq!((counts.records, counts.valid), (whole.records, whole.valid), "{what}: RecordStream");
        whole
    })
}

/// Every single-run entry point on `text`; returns `validate_run`'s issues.
fn run_everywhere(what: &str, text: Vec<u8>, options: Options, limit: Duration) -> (bool, Vec<Issue>) {
    let what = what.to_string();
    within(&what.clone(), limit, SMALL_STACK, move || {
        let v = validate_run(&text, &options);
        let n = normalize_run(&text, &options);
        let s = summarize_run(&text, &options);
        assert_eq!((n.valid, &n.issues), (v.valid, &v.issues), "{what}: normalize_run");
        assert_eq!((s.valid, &s.issues), (v.valid, &v.issues), "{what}: summarize_run");
        (v.valid, v.issues)
    })
}

// ---------------------------------------------------------------------------------------------
// Nesting

const DEEP: usize = 200_000;

fn deep_arrays() -> String {
    "[".repeat(DEEP)
}

fn deep_objects() -> String {
    r#"{"a":"#.repeat(DEEP)
}

/// A deep text that is otherwise well formed (closed), so only the depth is wrong.
fn deep_closed_arrays() -> String {
    format!("{}{}", "[".repeat(DEEP), "]".repeat(DEEP))
}

fn deep_closed_objects() -> String {
    format!("{}1{}", r#"{"a":"#.repeat(DEEP), "}".repeat(DEEP))
}

/// The valid base run with one extra member (raw JSON) at the end.
fn run_with(key: &str, raw: &str) -> String {
    format!(
        concat!(
            r#"{{"id": "run-1", "status": "success", "createdAt": "2024-03-01T10:00:00Z", "#,
            r#""startedAt": "2024-03-01T10:00:05Z", "finishedAt": "2024-03-01T10:01:05Z", "#,
            r#""completionRatio": 1, "querySize": 100, "#,
            r#""plannedRows": {{"addedCount": 10, "changedCount": 5, "removedCount": 1}}, "#,
            r#""successfulRows": {{"addedCount": 10, "changedCount": 5, "removedCount": 1}}, "#,
            r#""failedRows": {{"addedCount": 0, "changedCount": 0, "removedCount": 0}}, "#,
            r#""error": null, {}: {}}}"#
        ),
        serde_json::to_string(key).unwrap(),
        raw
    )
}

fn base_run() -> String {
    run_with("x", "0").replace(r#", "x": 0"#, "")
}

#[test]
fn deep_nesting_whole_input_is_invalid_json_on_a_small_stack() {
    let _g = serial();
    let t = Duration::from_secs(20);
    for (name, text) in [
        ("deep [[[[", deep_arrays()),
        ("deep {\"a\":", deep_objects()),
        ("closed deep [[]]", deep_closed_arrays()),
        ("closed deep {\"a\":{}}", deep_closed_objects()),
        ("envelope member", format!(r#"{{"data": [], "x": {}}}"#, deep_arrays())),
        ("envelope member before data", format!(r#"{{"x": {}, "data": []}}"#, deep_objects())),
        ("deep data", format!(r#"{{"data": {}}}"#, deep_arrays())),
        ("deep record", format!("[{}]", deep_objects())),
    ] {
        for format in [None, Some(Format::Json)] {
            let options = Options { format, ..opts() };
            let s = batch_everywhere(name, text.clone().into_bytes(), options, t);
            assert_only(name, &s, IssueCode::InvalidJson);
            let issue = &s.issues[0];
            assert_eq!((issue.line, issue.path.as_str()), (Some(1), ""), "{name}: {issue:?}");
        }
        let (valid, issues) = run_everywhere(name, text.into_bytes(), opts(), t);
        assert!(!valid, "{name}");
        assert_eq!(codes(&issues), ["invalid_json"], "{name}");
    }
}

#[test]
fn deep_nesting_inside_a_run_is_invalid_json_on_a_small_stack() {
    let _g = serial();
    let t = Duration::from_secs(20);
    for unknown in [UnknownFields::Strip, UnknownFields::Keep, UnknownFields::Error] {
        let options = with_unknown(unknown);
        for (name, raw) in [("arrays", deep_arrays()), ("objects", deep_objects()), ("closed", deep_closed_objects())] {
            // In an unknown field, and in known fields (which skip containers).
            for key in ["x", "id", "plannedRows", "error"] {
                let what = format!("{unknown:?}: deep {name} in {key:?}");
                let run = run_with(key, &raw);
                let (valid, issues) = run_everywhere(&what, run.clone().into_bytes(), options.clone(), t);
                assert!(!valid, "{what}");
                assert_eq!(codes(&issues), ["invalid_json"], "{what}");
                let s = batch_everywhere(&what, format!("[{run}]").into_bytes(), options.clone(), t);
                assert_only(&what, &s, IssueCode::InvalidJson);
                // NDJSON: that line's record only is invalid.
                let text = format!("{}\n{run}\n{}\n", base_run(), base_run().replace("run-1", "run-2"));
                let s = batch_everywhere(&what, text.into_bytes(), options.clone(), t);
                assert_eq!((s.records, s.valid, s.invalid), (3, 2, 1), "{what}: NDJSON");
                assert_eq!(codes(&s.issues), ["invalid_json"], "{what}: NDJSON");
                assert_eq!((s.issues[0].path.as_str(), s.issues[0].line), ("/1", Some(2)), "{what}: NDJSON");
            }
        }
        // Inside a row-count object.
        let run =
            base_run().replace(r#""removedCount": 0}"#, &format!(r#""removedCount": 0, "z": {}}}"#, deep_arrays()));
        let (valid, issues) = run_everywhere("deep in failedRows", run.into_bytes(), options.clone(), t);
        assert!(!valid);
        assert_eq!(codes(&issues), ["invalid_json"]);
    }
}

#[test]
fn nesting_within_the_limit_is_read() {
    let _g = serial();
    // Real data nests 2 levels; moderate nesting in an unknown field is still read (and kept).
    let t = Duration::from_secs(20);
    let raw = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let run = run_with("x", &raw);
    let (valid, issues) = run_everywhere("100 levels", run.clone().into_bytes(), with_unknown(UnknownFields::Keep), t);
    assert!(valid, "{issues:?}");
    let n = normalize_run(run.as_bytes(), &with_unknown(UnknownFields::Keep));
    let kept = serde_json::to_string(&n.run.unwrap()).unwrap();
    assert!(kept.contains(&raw), "kept value lost its nesting");
}

// ---------------------------------------------------------------------------------------------
// Long strings

const LONG: usize = 20_000_000;

fn long_string() -> String {
    "x".repeat(LONG)
}

#[test]
fn a_20_mb_string_is_linear() {
    let _g = serial();
    let t = Duration::from_secs(30);
    let long = long_string();

    // In an unknown field: valid under strip and keep (kept whole), an issue under error.
    for unknown in [UnknownFields::Strip, UnknownFields::Keep, UnknownFields::Error] {
        let run = run_with("x", &format!("\"{long}\""));
        let what = format!("{unknown:?}: 20 MB unknown value");
        let (valid, issues) = run_everywhere(&what, run.clone().into_bytes(), with_unknown(unknown), t);
        assert_eq!(valid, unknown != UnknownFields::Error, "{what}: {:?}", codes(&issues));
        let s = batch_everywhere(&what, format!("[{run}]").into_bytes(), with_unknown(unknown), t);
        assert_eq!(s.records, 1, "{what}");
        if unknown == UnknownFields::Keep {
            let n = normalize_runs(run.as_bytes(), &with_unknown(unknown));
            let kept = &n.runs[0].extra.0[0].1;
            assert_eq!(serde_json::to_value(kept).unwrap().as_str().map(str::len), Some(LONG), "{what}: kept whole");
        }
    }

    // As the id: invalid_id (too long), once.
    let run = base_run().replace("\"run-1\"", &format!("\"{long}\""));
    let (valid, issues) = run_everywhere("20 MB id", run.clone().into_bytes(), opts(), t);
    assert!(!valid);
    assert_eq!(codes(&issues), ["invalid_id"]);
    let s = batch_everywhere("20 MB id", format!("{run}\n{}\n", base_run()).into_bytes(), opts(), t);
    assert_eq!((s.records, s.valid, s.invalid), (2, 1, 1));
    assert_eq!(codes(&s.issues), ["invalid_id"]);

    // As a key (unknown_field names it), as a status and as a timestamp.
    let run = run_with(&long, "1");
    let (valid, issues) = run_everywhere("20 MB key", run.into_bytes(), with_unknown(UnknownFields::Error), t);
    assert!(!valid);
    assert_eq!(codes(&issues), ["unknown_field"]);
    for (what, from, code) in
        [("status", "\"success\"", "unknown_status"), ("createdAt", "\"2024-03-01T10:00:00Z\"", "invalid_timestamp")]
    {
        let run = base_run().replacen(from, &format!("\"{long}\""), 1);
        let (valid, issues) = run_everywhere(what, run.into_bytes(), opts(), t);
        assert!(!valid);
        assert_eq!(codes(&issues), [code], "20 MB {what}");
    }

    // As the error message of a valid failed run: kept (trimmed) and grouped in topErrors.
    let run = base_run()
        .replace(r#""status": "success""#, r#""status": "failed""#)
        .replace(r#""error": null"#, &format!("\"error\": \"  {}  \"", "7".repeat(LONG / 2) + &"e".repeat(LONG / 2)));
    let s = batch_everywhere("20 MB error", run.clone().into_bytes(), opts(), t);
    assert_eq!((s.valid, s.top_errors.len()), (1, 1));
    assert_eq!(s.top_errors[0].pattern, format!("#{}", "e".repeat(LONG / 2)));
    let (valid, _) = run_everywhere("20 MB error", run.into_bytes(), opts(), t);
    assert!(valid);
}

/// Strings made of escapes take the slow path of the reader: still linear (4 MB against 16 MB,
/// kept and stripped; a lone surrogate becomes U+FFFD).
#[test]
fn long_strings_of_escapes_are_linear() {
    let _g = serial();
    fn make(esc: &str, n: usize) -> Vec<u8> {
        run_with("x", &format!("\"{}\"", esc.repeat(n / esc.len()))).into_bytes()
    }
    fn keep(text: &[u8]) {
        assert!(normalize_run(text, &with_unknown(UnknownFields::Keep)).valid);
    }
    fn strip(text: &[u8]) {
        assert_eq!(summarize_runs(text, &opts()).valid, 1);
    }
    const N: usize = 16_000_000;
    assert_linear("\\n escapes, kept", N, |n| make(r"\n", n), keep);
    assert_linear("\\u00e9 escapes, stripped", N, |n| make(r"\u00e9", n), strip);
    assert_linear("surrogate pairs, kept", N, |n| make(r"\ud83d\ude00", n), keep);
    assert_linear("lone surrogates, kept", N, |n| make(r"\ud800", n), keep);
}

#[test]
fn an_unterminated_20_mb_string_is_invalid_json() {
    let _g = serial();
    let t = Duration::from_secs(30);
    let text = format!("[{{\"id\": \"{}", long_string());
    let s = batch_everywhere("unterminated", text.clone().into_bytes(), opts(), t);
    assert_only("unterminated", &s, IssueCode::InvalidJson);
    let (valid, issues) = run_everywhere("unterminated", text.as_bytes()[1..].to_vec(), opts(), t);
    assert!(!valid);
    assert_eq!(codes(&issues), ["invalid_json"]);
}

/// A big case that finishes within this is accepted without comparing ratios (see assert_linear).
const FAST_ENOUGH: Duration = Duration::from_secs(3);

fn time_once(f: impl FnOnce()) -> Duration {
    let t0 = Instant::now();
    f();
    t0.elapsed()
}

/// `make(n / 4)` and `make(n)` run through `f`: 4× the input must take < 8× the time (linear
/// gives 4×, hash tables and caches a little more; quadratic gives 16×). Both run under a
/// deadline (a quadratic path fails instead of hanging); a ratio over the bound is measured
/// again, up to three times, since a busy shared machine can slow any one measurement.
fn assert_linear(what: &str, n: usize, make: fn(usize) -> Vec<u8>, f: fn(&[u8])) {
    let what = what.to_string();
    within(&what.clone(), Duration::from_secs(180), BIG_STACK, move || {
        let (small, big) = (make(n / 4), make(n));
        let mut ratios = Vec::new();
        for _ in 0..3 {
            // The small input twice: the first run warms the allocator up.
            f(&small);
            let a = time_once(|| f(&small));
            let b = time_once(|| f(&big));
            let r = b.as_secs_f64() / a.as_secs_f64().max(1e-3);
            // Quadratic work on these sizes (a million keys, 20 MB) takes minutes; a big case
            // done in seconds is linear enough, whatever caches make of the ratio.
            if r < 8.0 || b < FAST_ENOUGH {
                return;
            }
            ratios.push(format!("{a:?} → {b:?} ({r:.1}×)"));
        }
        panic!("{what}: 4× the input took 8× the time or more: {}", ratios.join(", "));
    })
}

/// One valid run with a long unknown string value, as a stream in 64 KiB chunks (SPEC §7): the
/// record arrives in pieces and must not be read again from its start at every piece. Compared
/// with the batch function on the same text (a ratio of sizes would mostly measure caches):
/// re-reading a 20 MB record at each of its 320 pieces costs ~150× the batch, reading it about
/// twice costs ~3×.
#[test]
fn a_long_record_streamed_in_chunks_is_linear() {
    let _g = serial();
    let array = format!("[{}]", run_with("x", &format!("\"{}\"", "y".repeat(LONG)))).into_bytes();
    let ndjson = format!("{}\n{}\n", base_run(), run_with("x", &format!("\"{}\"", "y".repeat(LONG)))).into_bytes();
    for (what, text, valid) in [("array", array, 1), ("NDJSON", ndjson, 1)] {
        within(what, Duration::from_secs(120), BIG_STACK, move || {
            let mut ratios = Vec::new();
            for _ in 0..3 {
                let batch = time_once(|| assert_eq!(summarize_runs(&text, &opts()).valid, valid));
                let streamed = time_once(|| assert_eq!(stream(&text, 1 << 16, &opts()).valid, valid));
                let r = streamed.as_secs_f64() / batch.as_secs_f64().max(1e-3);
                if r < 12.0 {
                    return;
                }
                ratios.push(format!("{batch:?} batch, {streamed:?} streamed ({r:.1}×)"));
            }
            panic!("{what}: a 20 MB record in 64 KiB chunks: {}", ratios.join(", "));
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Many keys

const KEYS: usize = 1_000_000;

fn keys(n: usize) -> String {
    let body: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
    body.join(",")
}

#[test]
fn a_million_keys_are_linear_in_a_run() {
    let _g = serial();
    fn top(n: usize) -> Vec<u8> {
        base_run().replacen('{', &format!("{{{},", keys(n)), 1).into_bytes()
    }
    fn nested(n: usize) -> Vec<u8> {
        run_with("x", &format!("{{{}}}", keys(n))).into_bytes()
    }
    fn counts(n: usize) -> Vec<u8> {
        base_run().replace(r#""removedCount": 0}"#, &format!(r#""removedCount": 0, {}}}"#, keys(n))).into_bytes()
    }
    fn strip(text: &[u8]) {
        assert!(validate_run(text, &opts()).valid);
    }
    fn keep(text: &[u8]) {
        assert!(normalize_run(text, &with_unknown(UnknownFields::Keep)).valid);
    }
    assert_linear("1M unknown keys in a run", KEYS, top, strip);
    assert_linear("1M unknown keys in a run, kept", KEYS, top, keep);
    assert_linear("1M keys in an unknown object", KEYS, nested, strip);
    assert_linear("1M unknown keys in failedRows", KEYS, counts, strip);
}

#[test]
fn a_million_keys_with_unknown_fields_error_are_linear() {
    let _g = serial();
    fn top(n: usize) -> Vec<u8> {
        base_run().replacen('{', &format!("{{{},", keys(n)), 1).into_bytes()
    }
    fn error(text: &[u8]) {
        let s = summarize_runs(text, &with_unknown(UnknownFields::Error));
        assert_eq!((s.invalid, s.issues.len()), (1, 1000));
    }
    assert_linear("unknown_field for 1M keys", KEYS, top, error);
}

#[test]
fn a_million_keys_are_linear_in_an_envelope() {
    let _g = serial();
    fn before(n: usize) -> Vec<u8> {
        format!("{{{}, \"data\": [{}]}}", keys(n), base_run()).into_bytes()
    }
    fn after(n: usize) -> Vec<u8> {
        format!("{{\"data\": [{}], {}}}", base_run(), keys(n)).into_bytes()
    }
    fn batch(text: &[u8]) {
        let s = summarize_runs(text, &opts());
        assert_eq!((s.records, s.valid), (1, 1), "{:?}", s.issues);
    }
    assert_linear("1M envelope keys before data", KEYS, before, batch);
    assert_linear("1M envelope keys after data", KEYS, after, batch);
}

#[test]
fn a_million_duplicate_keys_are_linear() {
    let _g = serial();
    fn dups(n: usize) -> Vec<u8> {
        run_with("x", &format!("{{{}}}", vec![r#""a":0"#; n].join(","))).into_bytes()
    }
    fn dups_envelope(n: usize) -> Vec<u8> {
        format!("{{\"data\": [], {}}}", vec![r#""a":0"#; n].join(",")).into_bytes()
    }
    fn run(text: &[u8]) {
        let v = validate_run(text, &opts());
        assert!(!v.valid);
    }
    fn batch(text: &[u8]) {
        let s = summarize_runs(text, &opts());
        assert!(s.error_count > 0);
    }
    assert_linear("1M duplicate keys in a run", KEYS, dups, run);
    assert_linear("1M duplicate keys in an envelope", KEYS, dups_envelope, batch);
}

/// The issues of a text are at most proportional to it: a long key above many duplicate keys
/// must not be copied into every issue's path without bound (10 kB key × 20,000 duplicates
/// would otherwise make 200 MB of paths from 130 kB of text).
#[test]
fn issues_stay_proportional_to_the_input() {
    let _g = serial();
    let key = "k".repeat(10_000);
    let inner = vec![r#""a":0"#; 20_000].join(",");
    let run = run_with(&key, &format!("{{{inner}}}"));
    let text = run.into_bytes();
    let limit = 16 * text.len() + (1 << 20);
    let size = |issues: &[Issue]| issues.iter().map(|i| i.path.len() + i.message.len()).sum::<usize>();
    let (_, issues) = run_everywhere("long key over duplicates", text.clone(), opts(), Duration::from_secs(60));
    assert!(
        size(&issues) <= limit,
        "validate_run: {} issues of {} bytes in all from {} bytes of text",
        issues.len(),
        size(&issues),
        text.len()
    );
    let s = summarize_runs(&text, &opts());
    assert!(size(&s.issues) <= limit, "summarize_runs: {} bytes of issues from {} bytes", size(&s.issues), text.len());
}

// ---------------------------------------------------------------------------------------------
// Duplicate-id hashing

/// murmur3's 64-bit finalizer, which src/batch.rs has used (unseeded) to hash id keys.
fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// The inverse of an odd number modulo 2^64.
fn inverse(c: u64) -> u64 {
    let mut x = c;
    for _ in 0..6 {
        x = x.wrapping_mul(2u64.wrapping_sub(c.wrapping_mul(x)));
    }
    x
}

/// The inverse of [`fmix64`]: any chosen hash value gives back the key that has it.
fn unfmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(inverse(0xc4ce_b9fe_1a85_ec53));
    k ^= k >> 33;
    k = k.wrapping_mul(inverse(0xff51_afd7_ed55_8ccd));
    k ^ (k >> 33)
}

/// `n` distinct decimal ids (up to 18 digits, the API's own shape) whose values, hashed by
/// [`fmix64`], all share their low 32 bits and top 7 bits: one bucket, one control byte.
fn colliding_numeric_ids(n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    let mut i: u64 = 0;
    while out.len() < n {
        i += 1;
        let h = (0x55 << 57) | (i << 32) | 0x1234_5678;
        let key = unfmix64(h);
        if key < 1_000_000_000_000_000_000 {
            out.push(key.to_string());
        }
    }
    out
}

/// `n` distinct 15-byte printable ids whose packed 128-bit keys hash alike under
/// `fmix64(lo ^ fmix64(hi))` (an earlier id hasher of src/batch.rs).
fn colliding_packed_ids(n: usize) -> Vec<String> {
    const X: u64 = 0x5a5a_5a5a_5a5a_5a5a;
    let mut out = Vec::with_capacity(n);
    let mut seen = std::collections::HashSet::new();
    let mut counter: u64 = 0;
    while out.len() < n {
        // Seven letters for id[8..15]; the length 15 sits in the top byte of the high half.
        counter += 1;
        let mut hi_bytes = [0u8; 8];
        let mut c = fmix64(counter);
        for b in hi_bytes.iter_mut().take(7) {
            *b = b'a' + (c % 26) as u8;
            c /= 26;
        }
        hi_bytes[7] = 15;
        let lo_bytes = (X ^ fmix64(u64::from_le_bytes(hi_bytes))).to_le_bytes();
        if lo_bytes.iter().all(|&b| (0x21..0x7f).contains(&b) && b != b'"' && b != b'\\') && seen.insert(hi_bytes) {
            let mut id = lo_bytes.to_vec();
            id.extend_from_slice(&hi_bytes[..7]);
            out.push(String::from_utf8(id).unwrap());
        }
    }
    out
}

fn batch_of_ids(ids: &[String]) -> Vec<u8> {
    let base = base_run();
    let mut text = String::with_capacity(ids.len() * (base.len() + 1));
    for id in ids {
        text.push_str(&base.replace("run-1", id));
        text.push('\n');
    }
    text.into_bytes()
}

/// De-duplication must not be a hash-flooding target (SPEC §3.2 `duplicate_id`): ids chosen so
/// that an unseeded hash of them collides must cost about what ordinary ids cost.
#[test]
fn colliding_ids_cost_what_ordinary_ids_cost() {
    let _g = serial();
    within("colliding ids", Duration::from_secs(180), BIG_STACK, || {
        const N: usize = 20_000;
        let plain: Vec<String> = (0..N).map(|i| format!("id-{i:011}")).collect();
        let plain = batch_of_ids(&plain);
        let count = |t: &[u8]| {
            let s = summarize_runs(t, &opts());
            assert_eq!((s.valid, s.duplicates), (N as u64, 0));
        };
        count(&plain);
        for (what, ids) in [("numeric", colliding_numeric_ids(N)), ("packed", colliding_packed_ids(N))] {
            assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), N, "{what} ids are distinct");
            let bad = batch_of_ids(&ids);
            let mut ratios = Vec::new();
            for _ in 0..3 {
                let a = time_once(|| count(&plain));
                let b = time_once(|| count(&bad));
                let r = b.as_secs_f64() / a.as_secs_f64();
                if r < 3.0 {
                    break;
                }
                ratios.push(format!("{b:?} against {a:?} ({r:.1}×)"));
            }
            assert!(ratios.len() < 3, "{N} {what} colliding ids: {}", ratios.join(", "));
        }
    });
}

/// SPEC §3.2 and "nothing lost": only an equal id is a duplicate. These two 17-byte ids differ
/// but share the 63 bits of SipHash-1-3 under the fixed zero key (`DefaultHasher::new()`) that
/// src/batch.rs keys long ids by; the pair was found offline by Pollard's rho in ~4 minutes
/// (2^32 hashes), so anyone can make more. The second run must not be left out as a duplicate.
#[test]
fn distinct_ids_are_never_duplicates() {
    let _g = serial();
    let (a, b) = ("x403f60465af01878", "x26d6a3260161c0c1");
    let text = format!("[{}, {}]", base_run().replace("run-1", a), base_run().replace("run-1", b));
    let n = normalize_runs(text.as_bytes(), &opts());
    let ids: Vec<&str> = n.runs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!((n.counts.valid, n.counts.duplicates, ids), (2, 0, vec![a, b]), "issues: {:?}", n.issues);
    let s = summarize_runs(text.as_bytes(), &opts());
    assert_eq!((s.valid, s.duplicates), (2, 0));
    assert_eq!(stream(text.as_bytes(), 7, &opts()).valid, 2);
}

// ---------------------------------------------------------------------------------------------
// maxBytes

#[test]
fn max_bytes_is_input_too_large_with_nothing_read() {
    let _g = serial();
    let run = base_run();
    let n = run.len() as u64;
    for (max, too_large) in [(n, false), (n - 1, true), (0, true)] {
        let options = Options { max_bytes: Some(max), ..opts() };
        for text in [run.clone(), format!("[{run}]"), format!("\u{feff}{run}")] {
            let text = text.into_bytes();
            let expect_large = too_large || text.len() as u64 > max;
            let s = summarize_runs(&text, &options);
            if expect_large {
                assert_only("summarize_runs", &s, IssueCode::InputTooLarge);
                assert_eq!(s.issues[0].path, "");
                let nr = normalize_runs(&text, &options);
                assert_eq!((nr.counts.records, nr.runs.len(), codes(&nr.issues)), (0, 0, vec!["input_too_large"]));
                // SPEC §3.1: a stream's maxBytes bounds the one document, without the byte order mark.
                let document = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&text).len() as u64;
                for chunk in [1, 7, text.len()] {
                    let s = stream(&text, chunk, &options);
                    if document > max {
                        assert_only("SummaryStream", &s, IssueCode::InputTooLarge);
                    } else {
                        assert_eq!((s.records, s.valid), (1, 1), "SummaryStream, byte order mark not counted");
                    }
                }
                let mut r = RecordStream::new(&options);
                for c in text.chunks(5) {
                    r.push(c);
                }
                let last = r.finish();
                let counts = last.counts.unwrap();
                if document > max {
                    assert_eq!(codes(&last.issues), ["input_too_large"]);
                    assert_eq!(counts.records, 0);
                } else {
                    assert_eq!((counts.records, counts.valid), (1, 1), "RecordStream, byte order mark not counted");
                }
                for (valid, issues) in [
                    (validate_run(&text, &options).valid, validate_run(&text, &options).issues),
                    (normalize_run(&text, &options).valid, normalize_run(&text, &options).issues),
                    (summarize_run(&text, &options).valid, summarize_run(&text, &options).issues),
                ] {
                    assert!(!valid);
                    assert_eq!(codes(&issues), ["input_too_large"]);
                }
            } else {
                assert_eq!((s.records, s.valid), (1, 1), "{max}: {:?}", s.issues);
            }
        }
    }
    // Too large wins over what the text would have said (invalid UTF-8, invalid JSON).
    let options = Options { max_bytes: Some(4), ..opts() };
    for text in [&b"\xff\xfe\xfd\xfc\xfb"[..], b"[[[[[[", b"{\"data\": 1}"] {
        assert_only("garbage", &summarize_runs(text, &options), IssueCode::InputTooLarge);
        assert_only("garbage, streamed", &stream(text, 1, &options), IssueCode::InputTooLarge);
        assert_eq!(codes(&validate_run(text, &options).issues), ["input_too_large"]);
    }
}

#[test]
fn three_hundred_mb_of_garbage_is_refused_at_once() {
    let _g = serial();
    within("300 MB", Duration::from_secs(60), BIG_STACK, || {
        let garbage = vec![0xffu8; 300 << 20];
        let options = opts();
        assert_eq!(options.max_bytes(), 256 << 20);
        let fastest = |f: &dyn Fn() -> Vec<&'static str>| {
            (0..3)
                .map(|_| {
                    let t0 = Instant::now();
                    let c = f();
                    assert_eq!(c, ["input_too_large"]);
                    t0.elapsed()
                })
                .min()
                .unwrap()
        };
        let limit = Duration::from_millis(50);
        for (what, d) in [
            ("summarize_runs", fastest(&|| codes(&summarize_runs(&garbage, &options).issues))),
            ("normalize_runs", fastest(&|| codes(&normalize_runs(&garbage, &options).issues))),
            ("validate_run", fastest(&|| codes(&validate_run(&garbage, &options).issues))),
            ("normalize_run", fastest(&|| codes(&normalize_run(&garbage, &options).issues))),
            ("summarize_run", fastest(&|| codes(&summarize_run(&garbage, &options).issues))),
            (
                "SummaryStream, one chunk",
                fastest(&|| {
                    let mut s = SummaryStream::new(&options);
                    s.push(&garbage);
                    s.push(b"more");
                    codes(&s.finish().issues)
                }),
            ),
        ] {
            assert!(d < limit, "{what}: {d:?} for 300 MB over maxBytes");
        }
        // A stream that goes over maxBytes chunk by chunk stops holding text once it is over.
        let mut s = SummaryStream::new(&options);
        for c in garbage.chunks(1 << 24) {
            s.push(c);
        }
        assert_only("SummaryStream over maxBytes", &s.finish(), IssueCode::InputTooLarge);
    });
}

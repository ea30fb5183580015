//! The exports as JavaScript sees them, run in Node by wasm-bindgen-test (SPEC §1, §6, §8).
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, Uint8Array, JSON};
use syncrun::wasm::{normalize_run, normalize_runs, summarize_run, summarize_runs, validate_run, SummaryStream};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const RUN: &str = r#"{"id":42,"status":"SUCCESS","createdAt":"2024-03-01T10:00:00Z","startedAt":"2024-03-01T10:00:01Z",
"finishedAt":"2024-03-01T10:00:05.5Z","completionRatio":1,"querySize":10,
"plannedRows":{"addedCount":10,"changedCount":0,"removedCount":0},
"successfulRows":{"addedCount":10,"changedCount":0,"removedCount":0},
"failedRows":{"addedCount":0,"changedCount":0,"removedCount":0},"error":null}"#;

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn json(v: &JsValue) -> String {
    JSON::stringify(v).unwrap().as_string().unwrap()
}

fn parsed(text: &str) -> JsValue {
    JSON::parse(text).unwrap()
}

fn memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
}

/// SPEC §1: string, Uint8Array and parsed value give the same answer.
#[wasm_bindgen_test]
fn three_input_forms_agree() {
    let text = format!("[{RUN}]");
    let from_string = json(&summarize_runs(JsValue::from_str(&text), None).unwrap());
    let bytes = Uint8Array::from(text.as_bytes());
    let from_bytes = json(&summarize_runs(bytes.into(), None).unwrap());
    let from_value = json(&summarize_runs(parsed(&text), None).unwrap());
    assert_eq!(from_string, from_bytes);
    assert_eq!(from_string, from_value);
    assert!(from_string.contains(r#""valid":1"#), "{from_string}");
}

/// SPEC §2, §8: the normalized run is a plain object with nulls, not undefined.
#[wasm_bindgen_test]
fn normalized_run_is_plain_json() {
    let out = normalize_run(JsValue::from_str(RUN), None).unwrap();
    assert_eq!(get(&out, "valid"), JsValue::TRUE);
    let run = get(&out, "run");
    assert_eq!(get(&run, "id").as_string().as_deref(), Some("42"));
    assert_eq!(get(&run, "status").as_string().as_deref(), Some("success"));
    assert_eq!(get(&run, "finishedAt").as_string().as_deref(), Some("2024-03-01T10:00:05.500Z"));
    assert!(get(&run, "error").is_null());
    let proto = js_sys::Object::get_prototype_of(&run);
    assert_eq!(proto, js_sys::Object::get_prototype_of(&js_sys::Object::new()));
}

/// SPEC §3.1: non-finite numbers from JS objects are invalid_number, not missing fields.
#[wasm_bindgen_test]
fn non_finite_numbers_from_objects() {
    let run = parsed(RUN);
    Reflect::set(&run, &"completionRatio".into(), &JsValue::from_f64(f64::NAN)).unwrap();
    let planned = get(&run, "plannedRows");
    Reflect::set(&planned, &"addedCount".into(), &JsValue::from_f64(f64::INFINITY)).unwrap();
    let out = validate_run(run, None).unwrap();
    let issues = json(&get(&out, "issues"));
    assert!(issues.contains(r#""code":"invalid_number","path":"/completionRatio""#), "{issues}");
    assert!(issues.contains(r#""code":"invalid_number","path":"/plannedRows/addedCount""#), "{issues}");
}

/// SPEC §6: misuse throws a real Error named SyncRunError with a code; bad data never throws.
#[wasm_bindgen_test]
fn misuse_throws_sync_run_error() {
    let bad_option = parsed(r#"{"unknownFields":"drop"}"#);
    let err = summarize_run(JsValue::from_str(RUN), Some(bad_option)).unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&err, "name").as_string().as_deref(), Some("SyncRunError"));
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid_option"));

    let err = normalize_runs(js_sys::Symbol::for_("x").into(), None).unwrap_err();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("unsupported_input"));

    // Not JSON at all is data, not misuse.
    let out = summarize_runs(JsValue::from_str("{nope"), None).unwrap();
    assert!(json(&out).contains(r#""code":"invalid_json""#));
}

/// SPEC §6: a loop of failing calls leaves memory where it was and the instance usable.
#[wasm_bindgen_test]
fn failing_calls_do_not_leak() {
    let bad_option = parsed(r#"{"maxIssues":-1}"#);
    for _ in 0..200 {
        let _ = summarize_runs(JsValue::from_str("[{]"), None);
        let _ = summarize_runs(JsValue::from_str(RUN), Some(bad_option.clone()));
    }
    let before = memory_bytes();
    for _ in 0..10_000 {
        let _ = summarize_runs(JsValue::from_str("[{]"), None);
        let _ = validate_run(JsValue::from_str(RUN), Some(bad_option.clone()));
        let _ = normalize_runs(JsValue::UNDEFINED, None);
    }
    assert_eq!(memory_bytes(), before);
    let out = summarize_run(JsValue::from_str(RUN), None).unwrap();
    assert_eq!(get(&out, "valid"), JsValue::TRUE);
}

/// SPEC §7: chunks as strings and bytes give the batch result; push after finish is misuse.
#[wasm_bindgen_test]
fn stream_equals_batch() {
    let text = format!("{RUN}\n{}\n", RUN.replace("42", "43").replace('\n', ""));
    let text = text.replacen('\n', "", 3).replacen("\"error\":null}", "\"error\":null}", 1);
    let batch = json(&summarize_runs(JsValue::from_str(&text), None).unwrap());
    let mut stream = SummaryStream::new(None).unwrap();
    let (a, b) = text.split_at(text.len() / 2);
    stream.push(JsValue::from_str(a)).unwrap();
    stream.push(Uint8Array::from(b.as_bytes()).into()).unwrap();
    assert_eq!(json(&stream.finish().unwrap()), batch);
    let err = stream.push(JsValue::from_str("{}")).unwrap_err();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("stream_finished"));
}

/// SPEC §2 numbers: spellings beyond the core's integer arithmetic (20+ significant digits,
/// exponents beyond ±19) are parsed by JavaScript's Number() in wasm; the values must be what
/// JSON.parse gives.
#[wasm_bindgen_test]
fn long_number_spellings_parse_as_javascript_does() {
    for (ratio, want) in [
        ("0.1000000000000000055511151231257827", 0.1),
        ("5e-21", 5e-21),
        ("1.0000000000000000000000000001", 1.0),
        ("0.33333333333333333333333", 1.0 / 3.0),
    ] {
        let text = RUN.replace(r#""completionRatio":1"#, &format!(r#""completionRatio":{ratio}"#));
        let out = normalize_run(JsValue::from_str(&text), None).unwrap();
        assert_eq!(get(&out, "valid"), JsValue::TRUE, "{ratio}");
        let got = get(&get(&out, "run"), "completionRatio").as_f64().unwrap();
        assert_eq!(got, want, "{ratio}");
    }
    for size in ["12345678901234567890", "1e400", "9007199254740993"] {
        let text = RUN.replace(r#""querySize":10"#, &format!(r#""querySize":{size}"#));
        let out = validate_run(JsValue::from_str(&text), None).unwrap();
        assert!(json(&out).contains("invalid_number"), "{size}: {}", json(&out));
    }
    let text = RUN.replace(r#""querySize":10"#, r#""querySize":9007199254740991e0"#);
    let out = normalize_run(JsValue::from_str(&text), None).unwrap();
    assert_eq!(get(&get(&out, "run"), "querySize").as_f64(), Some(9007199254740991.0));
}

/// SPEC §8: numbers leave as JavaScript's `String(n)` (and so `JSON.stringify`) writes them: short decimals by the core's own
/// digits, everything else by the engine's `String` (src/out.rs). Both must match the engine.
#[wasm_bindgen_test]
fn numbers_are_written_as_javascript_writes_them() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..50_000u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let n = match i % 3 {
            0 => f64::from_bits(x),
            1 => ((x >> 11) % 1_000_000) as f64 / 10f64.powi((x % 12) as i32),
            _ => f64::from_bits(x >> 2 | 0x3E00_0000_0000_0000) * if x & 1 == 0 { 1.0 } else { -1.0 },
        };
        let mut ours = String::new();
        syncrun::out::number(n, &mut ours);
        // Number.prototype.toString(10) is String(n); JSON.stringify writes non-finite as null.
        let js: String = if n.is_finite() {
            js_sys::Number::from(n).to_string_with_radix(10).unwrap().into()
        } else {
            "null".into()
        };
        assert_eq!(ours, js, "{n:e}");
    }
}

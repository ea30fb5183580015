//! What the boundary calls in JavaScript: src/js/boundary.js's helpers (none of which throws),
//! the engine's `Number()` and `String(n)` handed down to the core as its number services, the
//! `SyncRunError`s thrown, and the one encoder of results.

use js_sys::JsString;
use wasm_bindgen::prelude::*;

use crate::out::ToJson;

// Every import below returns its failure as a value and never throws (see the head of
// src/js/boundary.js): no JavaScript exception ever unwinds through a Rust frame here.
#[wasm_bindgen(module = "/src/js/boundary.js")]
extern "C" {
    #[wasm_bindgen(js_name = syncRunError)]
    pub(crate) fn sync_run_error(code: &str, message: &str) -> JsValue;
    /// normalizeRuns' runs from the columns of [`Columns`].
    #[wasm_bindgen(js_name = buildRuns)]
    pub(crate) fn build_runs(table: &str, nums: &js_sys::Float64Array, count: u32) -> JsValue;
    /// A Uint8Array's byte length (read through the intrinsic getter), -1 for any other
    /// input, or the SyncRunError (a detached buffer, another binary type).
    #[wasm_bindgen(js_name = binaryLength)]
    pub(crate) fn binary_length(input: &JsValue) -> JsValue;
    /// Copy `len` bytes of a Uint8Array from its byte `from` to `ptr`: `len`, or the SyncRunError.
    #[wasm_bindgen(js_name = copyBytes)]
    pub(crate) fn copy_bytes(input: &JsValue, memory: &JsValue, ptr: u32, from: f64, len: u32) -> JsValue;
    /// `TextEncoder.encodeInto` of `s` from unit `from` into `len` bytes at `ptr`: the bytes
    /// written (then `encoded_units` gives the units read), or the SyncRunError.
    #[wasm_bindgen(js_name = encodeAt)]
    pub(crate) fn encode_at(s: &JsString, from: u32, memory: &JsValue, ptr: u32, len: u32) -> JsValue;
    #[wasm_bindgen(js_name = encodedUnits)]
    pub(crate) fn encoded_units() -> u32;
    /// null, or the SyncRunError when `options` is not an object.
    #[wasm_bindgen(js_name = optionsError)]
    pub(crate) fn options_error(options: &JsValue) -> JsValue;
    /// `[options[key]]`, or the SyncRunError when reading it throws.
    #[wasm_bindgen(js_name = getOption)]
    pub(crate) fn get_option(options: &JsValue, key: &str) -> JsValue;
    /// `Array.isArray(v)`, false where it throws (a revoked Proxy).
    #[wasm_bindgen(js_name = isArrayValue)]
    pub(crate) fn is_array_value(v: &JsValue) -> bool;
    /// A `JsonWriter` of the value's JSON text, a refusal code, or the SyncRunError.
    #[wasm_bindgen(js_name = valueToJson)]
    pub(crate) fn value_to_json(value: &JsValue, max: f64) -> JsValue;
    /// A shallow copy of a summary with its unread arrays empty, or the message of what it threw.
    #[wasm_bindgen(js_name = withoutUnread)]
    pub(crate) fn without_unread(v: &JsValue) -> JsValue;

    pub(crate) type JsonWriter;
    /// The next piece of the text (a string), a code (`DONE` and the refusals), or the SyncRunError.
    #[wasm_bindgen(method)]
    pub(crate) fn next(this: &JsonWriter) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// JavaScript's `Number(text)`: exact decimal parsing for the rare numbers the core's integer
    /// arithmetic cannot round exactly (see `number::decimal_to_f64`).
    #[wasm_bindgen(js_name = Number)]
    pub(crate) fn js_number(text: &str) -> f64;

    /// JavaScript's `String(n)`: the numbers `write::number` cannot write as a short decimal.
    #[wasm_bindgen(js_name = String)]
    pub(crate) fn js_string(n: f64) -> String;
}

/// The core's number services from the JavaScript engine (see `number::Numbers`): the parser
/// `JSON.parse` uses and `String(n)`, with no table in the .wasm.
struct JsNumbers;

impl crate::number::Numbers for JsNumbers {
    fn parse(&self, text: &str) -> f64 {
        js_number(text)
    }

    fn shortest(&self, a: f64, o: &mut String) {
        o.push_str(&js_string(a));
    }
}

/// What the core needs from JavaScript, once per instance, before the first call does any work:
/// its number services, and a random seed for the id hash (see `table::set_hash_seed`). (Not a
/// wasm-bindgen start function: that would be exported.)
pub(crate) fn seed_once() {
    static SEED: std::sync::Once = std::sync::Once::new();
    SEED.call_once(|| {
        crate::number::install(&JsNumbers);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let bits = |x: f64| (x * 4_294_967_296.0) as u64;
        crate::table::set_hash_seed((bits(js_sys::Math::random()) << 32) ^ bits(js_sys::Math::random()));
    });
}

pub(crate) fn misuse(code: &str, message: &str) -> JsValue {
    sync_run_error(code, message)
}

/// The one encoder: JSON text (src/out.rs), made into JS objects by `JSON.parse`.
pub(crate) fn encode<T: ToJson>(value: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&crate::out::to_json(value))
}

/// A core misuse as the `SyncRunError` to throw.
pub(crate) fn thrown(m: crate::Misuse) -> JsValue {
    misuse(m.code.as_str(), &m.message)
}

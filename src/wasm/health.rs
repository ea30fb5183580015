//! `checkHealth`, `compareHealth` and `formatMetrics` (SPEC §9, §10): summaries and judgements
//! given as JS values (fresh, or read back from stored JSON) become JSON text for the core.

use wasm_bindgen::prelude::*;

use super::input::{input_bytes, is_array, is_binary};
use super::js::{encode, misuse, seed_once, thrown, without_unread};
use crate::write::text;

/// The JSON text of a small value (a summary without its long arrays, a `Health`, options),
/// read as every input is read (`read_input`: no JavaScript that can throw under Rust frames,
/// and a buffer that grows with the text, never a mebibyte zeroed up front). The callers have
/// just found it not binary (`is_binary`, or `withoutUnread` for its copy), which binaryLength
/// remembers: it is not tested again.
fn small_json(value: &JsValue) -> Result<Vec<u8>, JsValue> {
    input_bytes(value)
}

/// A summary or `Health` (`name` in messages) as JSON text: an object, or `null` where
/// `nullable`; anything else is `invalid_summary` (SPEC §9, §10). A summary's `issues`,
/// `topErrors` and `daily`, which no rule or metric reads and which can be long (a year of daily
/// figures is 40 KB of JSON), are written as `[]` when they are arrays (in a shallow copy whose
/// getters are read once, as JSON.stringify reads them).
fn figures_bytes(value: &JsValue, name: &str, nullable: bool) -> Result<Vec<u8>, JsValue> {
    seed_once();
    if nullable && value.is_null() {
        return Ok(b"null".to_vec());
    }
    if !value.is_object() || is_binary(value) {
        let got =
            if value.is_null() { String::from("null") } else { value.js_typeof().as_string().unwrap_or_default() };
        return Err(misuse("invalid_summary", &text!(name, " must be an object, got ", got)));
    }
    if name != "summary" || is_array(value) {
        return small_json(value);
    }
    let copy = without_unread(value);
    match copy.as_string() {
        Some(e) => Err(misuse("unsupported_input", &text!("the summary cannot be read: ", e))),
        None => small_json(&copy),
    }
}

/// `options` of `checkHealth` and `formatMetrics` as JSON text; `None` when absent.
fn options_bytes(options: Option<JsValue>) -> Result<Option<Vec<u8>>, JsValue> {
    match options {
        Some(v) if !v.is_undefined() && !v.is_null() => {
            if !v.is_object() || is_array(&v) || is_binary(&v) {
                return Err(misuse("invalid_option", "options must be an object"));
            }
            small_json(&v).map(Some)
        }
        _ => Ok(None),
    }
}

/// Judge a `BatchSummary` (from `summarizeRuns` or `SummaryStream.finish()`, or read back from
/// JSON) against the health rules (SPEC §9). A value that is not a summary is `invalid_summary`;
/// bad `now` or `rules` are `invalid_option`.
#[wasm_bindgen(js_name = checkHealth, unchecked_return_type = "Health")]
pub fn check_health(
    #[wasm_bindgen(unchecked_param_type = "BatchSummary")] summary: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "HealthOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let summary = figures_bytes(&summary, "summary", false)?;
    let options = options_bytes(options)?;
    // The current time, for when the options have no `now` (the core reads no clock).
    #[allow(clippy::cast_possible_truncation)]
    let now = js_sys::Date::now() as i64;
    encode(&crate::check_health(&summary, options.as_deref(), now).map_err(thrown)?)
}

/// The alerts between two judgements of `checkHealth` (SPEC §9.3): one per rule whose status
/// changed, then `"overall"`. `previous` may be null (nothing judged before).
#[wasm_bindgen(js_name = compareHealth, unchecked_return_type = "HealthChange[]")]
pub fn compare_health(
    #[wasm_bindgen(unchecked_param_type = "Health | null")] previous: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Health")] current: JsValue,
) -> Result<JsValue, JsValue> {
    let previous = figures_bytes(&previous, "previous", true)?;
    let current = figures_bytes(&current, "current", false)?;
    encode(&crate::compare_health(&previous, &current).map_err(thrown)?)
}

/// A `BatchSummary` in the Prometheus text exposition format 0.0.4 (SPEC §10), with `labels`
/// on every sample and, given `health`, `syncrun_health_status`.
#[wasm_bindgen(js_name = formatMetrics)]
pub fn format_metrics(
    #[wasm_bindgen(unchecked_param_type = "BatchSummary")] summary: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "MetricsOptions")] options: Option<JsValue>,
) -> Result<String, JsValue> {
    let summary = figures_bytes(&summary, "summary", false)?;
    let options = options_bytes(options)?;
    crate::format_metrics(&summary, options.as_deref()).map_err(thrown)
}

/// Talc instead of the default dlmalloc: smaller in the .wasm, and faster on the allocations
/// of big batches (see the commit that added it for the measurements).
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

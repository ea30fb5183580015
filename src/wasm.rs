//! The JavaScript boundary (SPEC §6, §8): with its submodules, the only code that knows about
//! wasm-bindgen. This file has the batch exports; the submodules are split by job, and each
//! imports only the ones below it (`js` ← `input`, `options` ← `stream`, `health`; `extra` on
//! top), which scripts/modules.mjs checks with the rest of the crate.
//!
//! Every export is decode → call the core → encode. Inputs arrive as `JsValue` and are turned
//! into UTF-8 bytes inside the body (never at the ABI, where a failed conversion could not be
//! reported); results leave as JSON text parsed by `JSON.parse`, which makes plain objects with
//! `null`s and treats a kept `__proto__` key as plain data.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::batch::Batch;
use crate::columns::Columns;
use crate::out::ToJson;
use crate::{NormalizeRunsResult, Options, Refused};

/// The exports the package's own tools ask instead of repeating its rules.
mod extra;
/// Health and metrics (SPEC §9, §10): summaries and judgements read back from JS values.
mod health;
/// JS inputs of any type as UTF-8 bytes for the core (SPEC §1, §3.1), whole or a stream's chunks.
mod input;
/// What the boundary calls in JavaScript, and the errors and results it hands back.
mod js;
/// The `options` object of every export (SPEC §6, §8).
mod options;
/// The `SummaryStream` class (SPEC §7).
mod stream;

pub(crate) use input::{each_stretch, Carry, Input};
use input::{is_value, read_input};
use js::build_runs;
pub(crate) use js::encode;
pub(crate) use options::decode_options;
pub(crate) use stream::finished;
// The exports keep the paths they had when they were all in this file.
pub use health::{check_health, compare_health, format_metrics};
pub use stream::{stream_settled, SummaryStream};

#[wasm_bindgen(typescript_custom_section)]
const TS_INPUT: &'static str = r#"
/** JSON text, UTF-8 bytes of JSON text, or an already parsed JSON value (SPEC §1). */
export type SyncRunInput = string | Uint8Array | Record<string, unknown> | unknown[] | number | boolean | null;

/** The `code` of a SyncRunError (SPEC §6): which misuse it reports. */
export type SyncRunErrorCode = "invalid_option" | "unsupported_input" | "stream_finished" | "invalid_summary" | "invalid_state" | "api_error";
"#;

fn call<T: ToJson + Refused>(
    input: &JsValue,
    options: &JsValue,
    f: fn(&[u8], &Options) -> T,
) -> Result<JsValue, JsValue> {
    let (options, input) = decode(input, options)?;
    match input {
        Input::Bytes(bytes) => encode(&f(&bytes, &options)),
        Input::Refused(issue) => encode(&T::refused(issue, &options)),
    }
}

/// The options and the input of a call (one copy of this code for every export).
#[inline(never)]
pub(crate) fn decode(input: &JsValue, options: &JsValue) -> Result<(Options, Input), JsValue> {
    let options = Options { from_value: is_value(input), ..decode_options(options)? };
    let input = read_input(input, options.max_bytes())?;
    Ok((options, input))
}

/// Check one run (SPEC §2, §3). Bad data is reported in `issues`, never thrown.
#[wasm_bindgen(js_name = validateRun, unchecked_return_type = "ValidateResult")]
pub fn validate_run(
    #[wasm_bindgen(unchecked_param_type = "SyncRunInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    call(&input, &options.unwrap_or(JsValue::UNDEFINED), crate::validate_run)
}

/// Check one run and give it in the canonical shape (SPEC §2).
#[wasm_bindgen(js_name = normalizeRun, unchecked_return_type = "NormalizeResult")]
pub fn normalize_run(
    #[wasm_bindgen(unchecked_param_type = "SyncRunInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    call(&input, &options.unwrap_or(JsValue::UNDEFINED), crate::normalize_run)
}

/// Check one run and give its figures (SPEC §4).
#[wasm_bindgen(js_name = summarizeRun, unchecked_return_type = "SummarizeResult")]
pub fn summarize_run(
    #[wasm_bindgen(unchecked_param_type = "SyncRunInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    call(&input, &options.unwrap_or(JsValue::UNDEFINED), crate::summarize_run)
}

/// Check a batch (array, `{data, hasMore}` envelope, NDJSON or one run) and give its valid,
/// de-duplicated runs in the canonical shape, in input order (SPEC §1, §8).
#[wasm_bindgen(js_name = normalizeRuns, unchecked_return_type = "NormalizeRunsResult")]
pub fn normalize_runs(
    #[wasm_bindgen(unchecked_param_type = "SyncRunInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let options = Options { from_value: is_value(&input), ..decode_options(&options.unwrap_or(JsValue::UNDEFINED))? };
    let batch = Batch::new(&options, Columns::default());
    let (tally, columns) = match read_input(&input, options.max_bytes())? {
        Input::Bytes(bytes) => batch.whole(&bytes),
        Input::Refused(issue) => batch.refuse(issue),
    };
    // Everything but the runs goes the usual way; `runs` comes first, as an empty placeholder.
    let result = encode(&NormalizeRunsResult::new(Vec::new(), tally))?;
    let nums = js_sys::Float64Array::from(columns.nums.as_slice());
    let runs = build_runs(&columns.table, &nums, columns.count);
    Reflect::set(&result, &JsValue::from_str("runs"), &runs)?;
    Ok(result)
}

/// Check a batch and give its figures (SPEC §5).
#[wasm_bindgen(js_name = summarizeRuns, unchecked_return_type = "BatchSummary")]
pub fn summarize_runs(
    #[wasm_bindgen(unchecked_param_type = "SyncRunInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    call(&input, &options.unwrap_or(JsValue::UNDEFINED), crate::summarize_runs)
}

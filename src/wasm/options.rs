//! The `options` object of every export: each key read once, wrong types and values a
//! `SyncRunError` `invalid_option` naming the key (SPEC §6, §8).

use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::js::{get_option, misuse, options_error, seed_once};
use crate::write::text;
use crate::{Format, Options, UnknownFields};

/// `options[key]`, read once; `None` when absent, undefined or null. A getter that throws is
/// `invalid_option` (SPEC §6).
fn get(options: &JsValue, key: &str) -> Result<Option<JsValue>, JsValue> {
    let got = get_option(options, key);
    if !Array::is_array(&got) {
        return Err(got);
    }
    let v = Array::from(&got).get(0);
    Ok(if v.is_undefined() || v.is_null() { None } else { Some(v) })
}

fn option_error(key: &str, expected: &str, got: &JsValue) -> JsValue {
    let mut shown = String::new();
    match got.as_string() {
        Some(s) => crate::write::string(&s, &mut shown),
        None => shown = got.js_typeof().as_string().unwrap_or_default(),
    }
    misuse("invalid_option", &text!("option ", key, " must be ", expected, ", got ", shown))
}

/// A boolean option (absent, undefined or null: `None`).
pub(crate) fn bool_option(options: &JsValue, key: &str) -> Result<Option<bool>, JsValue> {
    match get(options, key)? {
        None => Ok(None),
        Some(v) => Ok(Some(v.as_bool().ok_or_else(|| option_error(key, "a boolean", &v))?)),
    }
}

fn count_option(options: &JsValue, key: &str) -> Result<Option<f64>, JsValue> {
    match get(options, key)? {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n >= 0.0 && (n.fract() == 0.0 || n.is_infinite()) => Ok(Some(n)),
            _ => Err(option_error(key, "a whole number ≥ 0 (or Infinity)", &v)),
        },
    }
}

fn enum_option<T>(
    options: &JsValue,
    key: &str,
    expected: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, JsValue> {
    match get(options, key)? {
        None => Ok(None),
        Some(v) => v.as_string().and_then(|name| parse(&name)).map(Some).ok_or_else(|| option_error(key, expected, &v)),
    }
}

/// `options` as [`Options`]; wrong types and values are misuse (SPEC §6). Unknown keys are ignored.
pub(crate) fn decode_options(options: &JsValue) -> Result<Options, JsValue> {
    seed_once();
    if options.is_undefined() || options.is_null() {
        return Ok(Options::default());
    }
    let wrong = options_error(options);
    if !wrong.is_null() {
        return Err(wrong);
    }
    let warning_is_failure = bool_option(options, "warningIsFailure")?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(Options {
        unknown_fields: enum_option(
            options,
            "unknownFields",
            "\"strip\", \"keep\" or \"error\"",
            UnknownFields::from_name,
        )?,
        warning_is_failure,
        max_issues: count_option(options, "maxIssues")?.map(|n| if n.is_infinite() { usize::MAX } else { n as usize }),
        max_bytes: count_option(options, "maxBytes")?.map(|n| if n.is_infinite() { u64::MAX } else { n as u64 }),
        format: enum_option(options, "format", "\"auto\", \"json\" or \"ndjson\"", Format::from_name)?,
        from_value: false,
    })
}

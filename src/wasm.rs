//! The JavaScript boundary (SPEC §6, §8): the only module that knows about wasm-bindgen.
//!
//! Every export is decode → call the core → encode. Inputs arrive as `JsValue` and are turned
//! into UTF-8 bytes inside the body (never at the ABI, where a failed conversion could not be
//! reported); results leave as JSON text parsed by `JSON.parse`, which makes plain objects with
//! `null`s and treats a kept `__proto__` key as plain data.

use js_sys::{Array, JsString, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::batch::{Batch, Sink};
use crate::issue::Issue;
use crate::out::{text, ToJson};
use crate::run::ValidRun;
use crate::timestamp::write_timestamp;
use crate::{Format, NormalizeRunsResult, Options, Refused, UnknownFields};

// Every import below returns its failure as a value and never throws (see the head of
// src/js/boundary.js): no JavaScript exception ever unwinds through a Rust frame here.
#[wasm_bindgen(module = "/src/js/boundary.js")]
extern "C" {
    #[wasm_bindgen(js_name = syncRunError)]
    fn sync_run_error(code: &str, message: &str) -> JsValue;
    /// normalizeRuns' runs from the columns of [`Columns`].
    #[wasm_bindgen(js_name = buildRuns)]
    fn build_runs(table: &str, nums: &js_sys::Float64Array, count: u32) -> JsValue;
    /// A Uint8Array's byte length (read through the intrinsic getter), -1 for any other
    /// input, or the SyncRunError (a detached buffer, another binary type).
    #[wasm_bindgen(js_name = binaryLength)]
    fn binary_length(input: &JsValue) -> JsValue;
    /// Copy `len` bytes of a Uint8Array from its byte `from` to `ptr`: `len`, or the SyncRunError.
    #[wasm_bindgen(js_name = copyBytes)]
    fn copy_bytes(input: &JsValue, memory: &JsValue, ptr: u32, from: f64, len: u32) -> JsValue;
    /// `TextEncoder.encodeInto` of `s` from unit `from` into `len` bytes at `ptr`: the bytes
    /// written (then `encoded_units` gives the units read), or the SyncRunError.
    #[wasm_bindgen(js_name = encodeAt)]
    fn encode_at(s: &JsString, from: u32, memory: &JsValue, ptr: u32, len: u32) -> JsValue;
    #[wasm_bindgen(js_name = encodedUnits)]
    fn encoded_units() -> u32;
    /// null, or the SyncRunError when `options` is not an object.
    #[wasm_bindgen(js_name = optionsError)]
    fn options_error(options: &JsValue) -> JsValue;
    /// `[options[key]]`, or the SyncRunError when reading it throws.
    #[wasm_bindgen(js_name = getOption)]
    fn get_option(options: &JsValue, key: &str) -> JsValue;
    /// `Array.isArray(v)`, false where it throws (a revoked Proxy).
    #[wasm_bindgen(js_name = isArrayValue)]
    fn is_array_value(v: &JsValue) -> bool;
    /// A `JsonWriter` of the value's JSON text, a refusal code, or the SyncRunError.
    #[wasm_bindgen(js_name = valueToJson)]
    fn value_to_json(value: &JsValue, max: f64) -> JsValue;

    type JsonWriter;
    /// The next piece of the text (a string), a code (`DONE` and the refusals), or the SyncRunError.
    #[wasm_bindgen(method)]
    fn next(this: &JsonWriter) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// JavaScript's `Number(text)`: exact decimal parsing for the rare numbers the core's integer
    /// arithmetic cannot round exactly (see `json::decimal_to_f64`).
    #[wasm_bindgen(js_name = Number)]
    pub(crate) fn js_number(text: &str) -> f64;

    /// JavaScript's `String(n)`: the numbers `out::number` cannot write as a short decimal.
    #[wasm_bindgen(js_name = String)]
    pub(crate) fn js_string(n: f64) -> String;
}

#[wasm_bindgen(typescript_custom_section)]
const TS_INPUT: &'static str = r#"
/** JSON text, UTF-8 bytes of JSON text, or an already parsed JSON value (SPEC §1). */
export type SyncRunInput = string | Uint8Array | Record<string, unknown> | unknown[] | number | boolean | null;

/** The `code` of a SyncRunError (SPEC §6): which misuse it reports. */
export type SyncRunErrorCode = "invalid_option" | "unsupported_input" | "stream_finished" | "invalid_summary" | "invalid_state" | "api_error";
"#;

/// A random seed for the id hash (see `batch::set_hash_seed`), once per instance, before the
/// first call does any work. (Not a wasm-bindgen start function: that would be exported.)
fn seed_once() {
    static SEED: std::sync::Once = std::sync::Once::new();
    SEED.call_once(|| {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let bits = |x: f64| (x * 4_294_967_296.0) as u64;
        crate::batch::set_hash_seed((bits(js_sys::Math::random()) << 32) ^ bits(js_sys::Math::random()));
    });
}

fn misuse(code: &str, message: &str) -> JsValue {
    sync_run_error(code, message)
}

/// The codes of src/js/boundary.js's value writer.
const DONE: f64 = -1.0;
const TOO_LARGE: f64 = -2.0;
const NO_MEMORY: f64 = -3.0;
const TOO_DEEP: f64 = -4.0;

/// Why an input did not become bytes for the core.
enum Stop {
    /// Bad data, reported as the result's one issue (SPEC §3.1): too large, too deep.
    Refused(Issue),
    /// Misuse: the SyncRunError to throw (SPEC §6).
    Misuse(JsValue),
}

/// An input as the core reads it: its bytes, or the issue that refused it unread.
pub(crate) enum Input {
    Bytes(Vec<u8>),
    Refused(Issue),
}

/// Input text copied into wasm memory: never more than `max` bytes (+3, the longest
/// character), and never more than that allocated (SPEC §3.1: memory does not depend on how
/// far an input exceeds maxBytes).
struct Text {
    out: Vec<u8>,
    max: u64,
    memory: JsValue,
}

impl Text {
    fn new(max: u64) -> Text {
        Text { out: Vec::new(), max, memory: wasm_bindgen::memory() }
    }

    fn too_large(&self) -> Stop {
        Stop::Refused(crate::batch::too_large(self.max))
    }

    /// Make `out` `len` bytes long; memory that cannot be had refuses the input (a failed
    /// allocation would abort the instance).
    fn grow(&mut self, len: usize) -> Result<(), Stop> {
        let more = len.saturating_sub(self.out.len());
        if more > 0 {
            self.out.try_reserve(more).map_err(|_| Stop::Refused(crate::batch::too_large_for_memory()))?;
            self.out.resize(len, 0);
        }
        Ok(())
    }

    /// The wasm address of byte `at` of `out` (wasm32: addresses are 32 bits).
    #[allow(clippy::cast_possible_truncation)]
    fn ptr(&self, at: usize) -> u32 {
        self.out.as_ptr().wrapping_add(at) as usize as u32
    }

    /// Append the UTF-8 of `s`, encoded straight into wasm memory a stretch at a time.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn push_str(&mut self, s: &JsString) -> Result<(), Stop> {
        let units = s.length() as usize;
        let cap = usize::try_from(self.max.saturating_add(3)).unwrap_or(usize::MAX);
        let mut done = 0usize;
        // Most run text is ASCII: one byte per UTF-16 unit first, up to 3 once it is not.
        let mut per_unit = 1usize;
        while done < units {
            let rest = units - done;
            let at = self.out.len();
            // Every UTF-16 unit is at least one byte.
            if (at as u64).saturating_add(rest as u64) > self.max {
                return Err(self.too_large());
            }
            let room = rest.saturating_mul(per_unit).max(4).min(cap.saturating_sub(at));
            self.grow(at.saturating_add(room))?;
            let written = encode_at(s, done as u32, &self.memory, self.ptr(at), room as u32);
            let Some(written) = written.as_f64() else { return Err(Stop::Misuse(written)) };
            let read = encoded_units() as usize;
            self.out.truncate(at + (written as usize).min(room));
            if read == 0 {
                return Err(self.too_large()); // no room for one more character: past max
            }
            done += read;
            per_unit = 3;
        }
        Ok(())
    }

    /// Append `len` bytes of a Uint8Array, from its byte `from`, copied into wasm memory.
    #[allow(clippy::cast_possible_truncation)]
    fn push_bytes(&mut self, bytes: &JsValue, from: usize, len: usize) -> Result<(), Stop> {
        let at = self.out.len();
        if (at as u64).saturating_add(len as u64) > self.max {
            return Err(self.too_large());
        }
        self.grow(at.saturating_add(len))?;
        #[allow(clippy::cast_precision_loss)]
        let copied = copy_bytes(bytes, &self.memory, self.ptr(at), from as f64, len as u32);
        match copied.as_f64() {
            Some(_) => Ok(()),
            None => Err(Stop::Misuse(copied)),
        }
    }

    /// Append the JSON text of a parsed value (SPEC §1), piece by piece.
    fn push_value(&mut self, value: &JsValue) -> Result<(), Stop> {
        #[allow(clippy::cast_precision_loss)]
        let writer = value_to_json(value, self.max as f64);
        let writer = match writer.dyn_into::<JsonWriter>() {
            Ok(writer) => writer,
            Err(other) => return Err(self.stopped(other)),
        };
        loop {
            let piece = writer.next();
            match piece.dyn_into::<JsString>() {
                Ok(piece) => self.push_str(&piece)?,
                Err(other) if other.as_f64() == Some(DONE) => return Ok(()),
                Err(other) => return Err(self.stopped(other)),
            }
        }
    }

    /// A code or a SyncRunError from the value writer.
    fn stopped(&self, value: JsValue) -> Stop {
        match value.as_f64() {
            Some(TOO_LARGE) => self.too_large(),
            Some(NO_MEMORY) => Stop::Refused(crate::batch::too_large_for_memory()),
            Some(TOO_DEEP) => Stop::Refused(crate::batch::too_deep()),
            Some(_) => Stop::Misuse(misuse("unsupported_input", "the input cannot be read as a JSON value")),
            None => Stop::Misuse(value),
        }
    }

    fn finish(self) -> Result<Input, JsValue> {
        if self.out.len() as u64 > self.max {
            return Ok(Input::Refused(crate::batch::too_large(self.max)));
        }
        Ok(Input::Bytes(self.out))
    }
}

/// The byte length of a Uint8Array (`Some`), `None` for any other input, or the SyncRunError.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn uint8_length(input: &JsValue) -> Result<Option<f64>, JsValue> {
    let n = binary_length(input);
    match n.as_f64() {
        Some(n) if n >= 0.0 => Ok(Some(n)),
        Some(_) => Ok(None),
        None => Err(n),
    }
}

/// Input of any accepted JS type as UTF-8 bytes (SPEC §1), or the issue that refused it
/// before it was copied: more than `max` bytes (SPEC §3.1). Misuse is the error.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
pub(crate) fn read_input(input: &JsValue, max: u64) -> Result<Input, JsValue> {
    let mut text = Text::new(max);
    let done = if let Some(s) = input.dyn_ref::<JsString>() {
        text.push_str(s)
    } else if let Some(len) = uint8_length(input)? {
        if len > max as f64 {
            Err(text.too_large())
        } else if len > f64::from(u32::MAX) {
            Err(Stop::Refused(crate::batch::too_large_for_memory()))
        } else {
            text.push_bytes(input, 0, len as usize)
        }
    } else {
        text.push_value(input)
    };
    match done {
        Ok(()) => text.finish(),
        Err(Stop::Refused(issue)) => Ok(Input::Refused(issue)),
        Err(Stop::Misuse(e)) => Err(e),
    }
}

/// Input of any accepted JS type as UTF-8 bytes (SPEC §1), at most the default maxBytes;
/// misuse, and an input refused unread, are thrown (`unsupported_input`). For inputs that are
/// not batches or runs (a summary, say), which have no result to carry an issue in.
pub(crate) fn input_bytes(input: &JsValue) -> Result<Vec<u8>, JsValue> {
    match read_input(input, crate::options::DEFAULT_MAX_BYTES)? {
        Input::Bytes(bytes) => Ok(bytes),
        Input::Refused(issue) => Err(misuse("unsupported_input", &issue.message)),
    }
}

/// `Array.isArray(v)`, never throwing.
fn is_array(v: &JsValue) -> bool {
    is_array_value(v)
}

/// Whether `v` is binary (a Uint8Array, or another typed array, buffer or view).
fn is_binary(v: &JsValue) -> bool {
    !matches!(binary_length(v).as_f64(), Some(n) if n < 0.0)
}

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
        Some(s) => crate::out::string(&s, &mut shown),
        None => shown = got.js_typeof().as_string().unwrap_or_default(),
    }
    misuse("invalid_option", &text!("option ", key, " must be ", expected, ", got ", shown))
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
fn decode_options(options: &JsValue) -> Result<Options, JsValue> {
    seed_once();
    if options.is_undefined() || options.is_null() {
        return Ok(Options::default());
    }
    let wrong = options_error(options);
    if !wrong.is_null() {
        return Err(wrong);
    }
    let warning_is_failure = match get(options, "warningIsFailure")? {
        None => None,
        Some(v) => Some(v.as_bool().ok_or_else(|| option_error("warningIsFailure", "a boolean", &v))?),
    };
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
    })
}

/// The one encoder: JSON text (src/out.rs), made into JS objects by `JSON.parse`.
fn encode<T: ToJson>(value: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&crate::out::to_json(value))
}

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
fn decode(input: &JsValue, options: &JsValue) -> Result<(Options, Input), JsValue> {
    let options = decode_options(options)?;
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
    let options = decode_options(&options.unwrap_or(JsValue::UNDEFINED))?;
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

/// Normalized runs as columns for `buildRuns` (src/js/boundary.js): the strings of all runs in
/// one table (offsets in UTF-16 units, as JavaScript slices count), and 21 numbers per run.
#[derive(Default)]
struct Columns {
    table: String,
    /// Length of `table` in UTF-16 units.
    units: usize,
    nums: Vec<f64>,
    count: u32,
}

impl Columns {
    /// Append `s` to the table; its start and end offsets.
    fn text(&mut self, s: &str) -> (f64, f64) {
        let start = self.units;
        self.table.push_str(s);
        // UTF-16 units: one per character, two for the 4-byte ones (lead byte 0xF0 and up).
        self.units += if s.is_ascii() {
            s.len()
        } else {
            s.bytes().map(|b| usize::from((b & 0xC0) != 0x80) + usize::from(b >= 0xF0)).sum()
        };
        (start as f64, self.units as f64)
    }

    /// A canonical timestamp (always 24 ASCII characters); its start offset.
    fn timestamp(&mut self, ms: i64) -> f64 {
        let start = self.units;
        write_timestamp(ms, &mut self.table);
        self.units += 24;
        start as f64
    }
}

impl Sink for Columns {
    #[allow(clippy::cast_precision_loss)]
    fn run(&mut self, run: &ValidRun<'_>, _position: u64) {
        let (id_start, id_end) = self.text(&run.id);
        let created = self.timestamp(run.created_at);
        let started = run.started_at.map_or(-1.0, |ms| self.timestamp(ms));
        let finished = run.finished_at.map_or(-1.0, |ms| self.timestamp(ms));
        let (error_start, error_end) = run.error.as_deref().map_or((-1.0, -1.0), |e| self.text(e));
        let kept = !run.extra.is_empty() || run.counts_extra.iter().any(|c| !c.is_empty());
        let (extra_start, extra_end) = if kept {
            let mut json = String::from("[");
            crate::out::object(&run.extra, &mut json);
            for counts in &run.counts_extra {
                json.push(',');
                crate::out::object(counts, &mut json);
            }
            json.push(']');
            self.text(&json)
        } else {
            (-1.0, -1.0)
        };
        let [p, s, f] = run.rows;
        self.nums.extend_from_slice(&[
            id_start,
            id_end,
            run.status.index() as f64,
            created,
            started,
            finished,
            run.completion_ratio,
            run.query_size as f64,
        ]);
        for counts in [p, s, f] {
            self.nums.extend(counts.iter().map(|&n| n as f64));
        }
        self.nums.extend_from_slice(&[error_start, error_end, extra_start, extra_end]);
        self.count += 1;
    }
}

/// Check a batch and give its figures (SPEC §5).
#[wasm_bindgen(js_name = summarizeRuns, unchecked_return_type = "BatchSummary")]
pub fn summarize_runs(
    #[wasm_bindgen(unchecked_param_type = "SyncRunInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    call(&input, &options.unwrap_or(JsValue::UNDEFINED), crate::summarize_runs)
}

/// A stream's chunk is copied into wasm memory this much at a time, so that a chunk of any
/// size costs no more memory than this (SPEC §7: memory bounded by the longest record).
const STRETCH: usize = 1 << 20;

/// Hand a chunk (a string or a Uint8Array) to `push` a stretch at a time. Nothing called here
/// runs a user's JavaScript or throws, so a stream is never left borrowed (SPEC §6).
///
/// `carry` is a stream's string chunks' seam (SPEC §7: a string chunk may end between the two
/// halves of a surrogate pair): a chunk's last UTF-16 unit, when it is a pair's first half, is
/// held back and joined to the next chunk's first unit; with no second half after it, it is
/// U+FFFD, as `TextEncoder` writes a lone half of the concatenated text.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
fn each_stretch(chunk: &JsValue, carry: &mut Carry, push: &mut dyn FnMut(&[u8])) -> Result<(), JsValue> {
    let memory = wasm_bindgen::memory();
    let mut buf: Vec<u8> = Vec::new();
    let room = |buf: &mut Vec<u8>, len: usize| -> Result<u32, JsValue> {
        if buf.len() < len {
            buf.try_reserve(len - buf.len())
                .map_err(|_| misuse("unsupported_input", "no memory for the chunk's next stretch"))?;
            buf.resize(len, 0);
        }
        Ok(buf.as_ptr() as usize as u32)
    };
    if let Some(whole) = chunk.dyn_ref::<JsString>() {
        let mut units = whole.length() as usize;
        let mut done = 0usize;
        if units > 0 {
            if let Some(high) = carry.high.take() {
                let low = whole.char_code_at(0) as u32;
                if is_low_surrogate(low) {
                    push(&pair_utf8(high, low));
                    done = 1;
                } else {
                    push(REPLACEMENT);
                }
            }
            let last = whole.char_code_at(units as u32 - 1) as u32;
            if units > done && is_high_surrogate(last) {
                carry.high = Some(last);
                units -= 1;
            }
        }
        if done >= units {
            return Ok(());
        }
        let held = units < whole.length() as usize;
        let s = &if held { whole.slice(0, units as u32) } else { whole.clone() };
        let len = STRETCH.min(units.saturating_mul(3)).max(4);
        let ptr = room(&mut buf, len)?;
        while done < units {
            let written = encode_at(s, done as u32, &memory, ptr, len as u32);
            let Some(written) = written.as_f64() else { return Err(written) };
            let read = encoded_units() as usize;
            if read == 0 {
                return Err(misuse("unsupported_input", "the chunk cannot be encoded"));
            }
            push(buf.get(..(written as usize).min(len)).unwrap_or_default());
            done += read;
        }
        return Ok(());
    }
    let Some(total) = uint8_length(chunk)? else {
        return Err(misuse(
            "unsupported_input",
            &text!("push takes a string or a Uint8Array, got ", chunk.js_typeof().as_string().unwrap_or_default()),
        ));
    };
    if carry.high.take().is_some() {
        push(REPLACEMENT);
    }
    let len = (STRETCH as f64).min(total) as usize;
    let ptr = room(&mut buf, len)?;
    let mut at = 0.0;
    while at < total {
        let n = len.min((total - at) as usize);
        let copied = copy_bytes(chunk, &memory, ptr, at, n as u32);
        if copied.as_f64().is_none() {
            return Err(copied);
        }
        push(buf.get(..n).unwrap_or_default());
        at += n as f64;
    }
    Ok(())
}

/// The seam between a stream's string chunks (see `each_stretch`).
#[derive(Default)]
struct Carry {
    /// The first half of a surrogate pair that ended the last string chunk.
    high: Option<u32>,
}

impl Carry {
    /// The end of the text: a first half still held is a lone one.
    fn flush(&mut self, push: &mut dyn FnMut(&[u8])) {
        if self.high.take().is_some() {
            push(REPLACEMENT);
        }
    }
}

/// U+FFFD in UTF-8: what `TextEncoder` writes for a lone surrogate.
const REPLACEMENT: &[u8] = &[0xEF, 0xBF, 0xBD];

fn is_high_surrogate(unit: u32) -> bool {
    (0xD800..0xDC00).contains(&unit)
}

fn is_low_surrogate(unit: u32) -> bool {
    (0xDC00..0xE000).contains(&unit)
}

/// The UTF-8 of the character a surrogate pair stands for.
#[allow(clippy::cast_possible_truncation)]
fn pair_utf8(high: u32, low: u32) -> [u8; 4] {
    let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
    [0xF0 | (c >> 18) as u8, 0x80 | ((c >> 12) & 0x3F) as u8, 0x80 | ((c >> 6) & 0x3F) as u8, 0x80 | (c & 0x3F) as u8]
}

fn finished() -> JsValue {
    misuse("stream_finished", "this stream is finished; make a new one")
}

/// Summarize NDJSON (or any batch text) that arrives in chunks (SPEC §7): `finish()` gives what
/// `summarizeRuns` gives on the whole text. Memory stays bounded by the longest line. Call
/// `free()` (or use `using`) to release a stream you abandon; otherwise the garbage collector does.
#[wasm_bindgen(js_name = SummaryStream)]
pub struct SummaryStream {
    /// Boxed, so that `finish()` releases it all, not just what it points to.
    inner: Option<Box<crate::SummaryStream>>,
    carry: Carry,
}

#[wasm_bindgen(js_class = SummaryStream)]
impl SummaryStream {
    /// A new stream; `options` as for `summarizeRuns`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
    ) -> Result<SummaryStream, JsValue> {
        let options = decode_options(&options.unwrap_or(JsValue::UNDEFINED))?;
        Ok(SummaryStream { inner: Some(Box::new(crate::SummaryStream::new(&options))), carry: Carry::default() })
    }

    /// Take the next chunk: a string or UTF-8 bytes, cut anywhere (even inside a character).
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] chunk: JsValue,
    ) -> Result<(), JsValue> {
        let stream = self.inner.as_mut().ok_or_else(finished)?;
        each_stretch(&chunk, &mut self.carry, &mut |bytes| stream.push(bytes))
    }

    /// The summary of everything pushed. The stream cannot be used after this.
    #[wasm_bindgen(unchecked_return_type = "BatchSummary")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let mut stream = self.inner.take().ok_or_else(finished)?;
        self.carry.flush(&mut |bytes| stream.push(bytes));
        encode(&stream.finish())
    }
}

/// For the command-line tool (not part of the package's API, not re-exported by pkg/): whether
/// more chunks can no longer change the stream's result, so that reading can stop (say, at
/// maxBytes of /dev/zero). A finished stream is settled.
#[wasm_bindgen(js_name = streamSettled, skip_typescript)]
pub fn stream_settled(stream: &SummaryStream) -> bool {
    stream.inner.as_ref().is_none_or(|s| s.settled())
}

/// A core misuse as the `SyncRunError` to throw.
fn thrown(m: crate::Misuse) -> JsValue {
    misuse(m.code.as_str(), &m.message)
}

/// The JSON text of a small value (a summary without its long arrays, a `Health`, options),
/// read as every input is read (`read_input`: no JavaScript that can throw under Rust frames,
/// and a buffer that grows with the text, never a mebibyte zeroed up front).
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

// One call for the whole copy: a Reflect.get and Reflect.set per member from Rust took longer
// than judging the summary. A member named __proto__ is left out (no summary has one, and
// assigning it would set the copy's prototype).
#[wasm_bindgen(inline_js = "
export function withoutUnread(v) {
  try {
    const copy = {};
    for (const k of Object.keys(v)) {
      if (k === '__proto__') continue;
      const x = v[k];
      copy[k] = (k === 'issues' || k === 'topErrors' || k === 'daily') && Array.isArray(x) ? [] : x;
    }
    return copy;
  } catch (e) {
    try {
      return String(e && e.message);
    } catch {
      return 'an exception that cannot be described';
    }
  }
}")]
extern "C" {
    /// A shallow copy of `v` with its unread arrays empty, or the message of what it threw.
    #[wasm_bindgen(js_name = withoutUnread)]
    fn without_unread(v: &JsValue) -> JsValue;
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

/// For the command-line tool (not part of the package's API): a batch read in chunks whose
/// normalized runs (as NDJSON text) and issues are handed out as soon as they are found.
#[wasm_bindgen(js_name = RecordStream)]
pub struct RecordStream {
    inner: Option<Box<crate::RecordStream>>,
    carry: Carry,
}

#[wasm_bindgen(js_class = RecordStream)]
impl RecordStream {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
    ) -> Result<RecordStream, JsValue> {
        let options = decode_options(&options.unwrap_or(JsValue::UNDEFINED))?;
        Ok(RecordStream { inner: Some(Box::new(crate::RecordStream::new(&options))), carry: Carry::default() })
    }

    /// Take the next chunk; returns `{ runs: string, issues: Issue[] }` found so far and not yet handed out.
    #[wasm_bindgen(unchecked_return_type = "RecordBatch")]
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] chunk: JsValue,
    ) -> Result<JsValue, JsValue> {
        let stream = self.inner.as_mut().ok_or_else(finished)?;
        let mut found = crate::RecordBatch { runs: String::new(), issues: Vec::new(), counts: None };
        each_stretch(&chunk, &mut self.carry, &mut |bytes| {
            let mut batch = stream.push(bytes);
            found.runs.push_str(&batch.runs);
            found.issues.append(&mut batch.issues);
        })?;
        encode(&found)
    }

    /// Whether more chunks can no longer change the result (see `streamSettled`).
    #[wasm_bindgen(skip_typescript)]
    pub fn settled(&self) -> bool {
        self.inner.as_ref().is_none_or(|s| s.settled())
    }

    /// The rest, with the batch's counts.
    #[wasm_bindgen(unchecked_return_type = "RecordBatch")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let mut stream = self.inner.take().ok_or_else(finished)?;
        let mut found = crate::RecordBatch { runs: String::new(), issues: Vec::new(), counts: None };
        self.carry.flush(&mut |bytes| found = stream.push(bytes));
        let mut rest = stream.finish();
        found.runs.push_str(&rest.runs);
        found.issues.append(&mut rest.issues);
        encode(&crate::RecordBatch { counts: rest.counts, ..found })
    }
}

/// Talc instead of the default dlmalloc: smaller in the .wasm, and faster on the allocations
/// of big batches (see the commit that added it for the measurements).
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

//! The JavaScript boundary (SPEC §6, §8): the only module that knows about wasm-bindgen.
//!
//! Every export is decode → call the core → encode. Inputs arrive as `JsValue` and are turned
//! into UTF-8 bytes inside the body (never at the ABI, where a failed conversion could not be
//! reported); results leave as JSON text parsed by `JSON.parse`, which makes plain objects with
//! `null`s and treats a kept `__proto__` key as plain data.

use js_sys::{Array, JsString, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::batch::{Batch, Sink};
use crate::out::{text, ToJson};
use crate::run::ValidRun;
use crate::timestamp::write_timestamp;
use crate::{Format, NormalizeRunsResult, Options, UnknownFields};

#[wasm_bindgen(module = "/src/js/boundary.js")]
extern "C" {
    #[wasm_bindgen(js_name = syncRunError)]
    fn sync_run_error(code: &str, message: &str) -> JsValue;
    /// normalizeRuns' runs from the columns of [`Columns`].
    #[wasm_bindgen(js_name = buildRuns)]
    fn build_runs(table: &str, nums: &js_sys::Float64Array, count: u32) -> JsValue;
    /// A `JsonWriter` of the value's JSON text, or the SyncRunError to throw.
    #[wasm_bindgen(js_name = valueToJson)]
    fn value_to_json(value: &JsValue) -> JsValue;

    type JsonWriter;
    /// Write more of the text into `view`: the bytes written, or −1 − that once the text is
    /// complete; or a SyncRunError.
    #[wasm_bindgen(method)]
    fn write(this: &JsonWriter, view: &Uint8Array) -> JsValue;
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

    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, source: &JsString, destination: &Uint8Array) -> EncodeIntoResult;
    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodeIntoResult) -> f64;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> f64;
}

#[wasm_bindgen(typescript_custom_section)]
const TS_INPUT: &'static str = r#"
/** JSON text, UTF-8 bytes of JSON text, or an already parsed JSON value (SPEC §1). */
export type SyncRunInput = string | Uint8Array | Record<string, unknown> | unknown[] | number | boolean | null;
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

/// A view of `out[at..at + len]` for JavaScript to write into (wasm memory, no copy).
fn view_of(out: &[u8], at: usize, len: usize) -> Uint8Array {
    let memory = wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>();
    Uint8Array::new_with_byte_offset_and_length(&memory.buffer(), out.as_ptr() as u32 + at as u32, len as u32)
}

/// `s` as UTF-8, written by `TextEncoder.encodeInto` straight into wasm memory (no JS-side
/// copy, no per-character loop).
fn encode_string(s: &JsString) -> Vec<u8> {
    let encoder = TextEncoder::new();
    let units = s.length() as usize;
    // Most run text is ASCII: one byte per UTF-16 unit. Grow only if it is not.
    let mut out: Vec<u8> = vec![0; units];
    let mut done_units = 0usize;
    let mut done_bytes = 0usize;
    loop {
        let rest = if done_units == 0 { s.clone() } else { s.slice(done_units as u32, units as u32) };
        let result = encoder.encode_into(&rest, &view_of(&out, done_bytes, out.len() - done_bytes));
        done_units += result.read() as usize;
        done_bytes += result.written() as usize;
        if done_units >= units {
            out.truncate(done_bytes);
            return out;
        }
        // At most 3 bytes per remaining UTF-16 unit.
        out.resize(done_bytes + (units - done_units) * 3 + 4, 0);
    }
}

/// The text a [`JsonWriter`] writes, a mebibyte at a time, straight into wasm memory.
fn write_json(writer: &JsonWriter) -> Result<Vec<u8>, JsValue> {
    const STRETCH: usize = 1 << 20;
    let mut out: Vec<u8> = Vec::new();
    loop {
        let at = out.len();
        out.resize(at + STRETCH, 0);
        let result = writer.write(&view_of(&out, at, STRETCH));
        let Some(n) = result.as_f64() else { return Err(result) };
        let (written, done) = if n < 0.0 { (-1.0 - n, true) } else { (n, false) };
        // A stretch always has room for the next character: no progress would be a broken writer.
        if !(written > 0.0 || done) {
            return Err(misuse("unsupported_input", "the input cannot be read as a JSON value"));
        }
        out.truncate(at + (written as usize).min(STRETCH));
        if done {
            return Ok(out);
        }
    }
}

/// Input of any accepted JS type as UTF-8 bytes (SPEC §1); misuse is thrown.
fn input_bytes(input: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = input.dyn_ref::<JsString>() {
        return Ok(encode_string(s));
    }
    if let Some(bytes) = input.dyn_ref::<Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    let writer = value_to_json(input);
    match writer.dyn_ref::<JsonWriter>() {
        Some(writer) => write_json(writer),
        None => Err(writer),
    }
}

fn get(options: &JsValue, key: &str) -> Result<Option<JsValue>, JsValue> {
    let v = Reflect::get(options, &JsValue::from_str(key))?;
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
    if !options.is_object() || options.is_function() || Array::is_array(options) {
        return Err(misuse("invalid_option", "options must be an object"));
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

fn call<T: ToJson>(input: &JsValue, options: &JsValue, f: fn(&[u8], &Options) -> T) -> Result<JsValue, JsValue> {
    let options = decode_options(options)?;
    let bytes = input_bytes(input)?;
    encode(&f(&bytes, &options))
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
    let bytes = input_bytes(&input)?;
    let (tally, columns) = Batch::new(&options, Columns::default()).whole(&bytes);
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

fn chunk_bytes(chunk: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = chunk.dyn_ref::<JsString>() {
        Ok(encode_string(s))
    } else if let Some(b) = chunk.dyn_ref::<Uint8Array>() {
        Ok(b.to_vec())
    } else {
        Err(misuse(
            "unsupported_input",
            &text!("push takes a string or a Uint8Array, got ", chunk.js_typeof().as_string().unwrap_or_default()),
        ))
    }
}

fn finished() -> JsValue {
    misuse("stream_finished", "this stream is finished; make a new one")
}

/// Summarize NDJSON (or any batch text) that arrives in chunks (SPEC §7): `finish()` gives what
/// `summarizeRuns` gives on the whole text. Memory stays bounded by the longest line. Call
/// `free()` (or use `using`) to release a stream you abandon; otherwise the garbage collector does.
#[wasm_bindgen(js_name = SummaryStream)]
pub struct SummaryStream {
    inner: Option<crate::SummaryStream>,
}

#[wasm_bindgen(js_class = SummaryStream)]
impl SummaryStream {
    /// A new stream; `options` as for `summarizeRuns`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
    ) -> Result<SummaryStream, JsValue> {
        let options = decode_options(&options.unwrap_or(JsValue::UNDEFINED))?;
        Ok(SummaryStream { inner: Some(crate::SummaryStream::new(&options)) })
    }

    /// Take the next chunk: a string or UTF-8 bytes, cut anywhere (even inside a character).
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] chunk: JsValue,
    ) -> Result<(), JsValue> {
        let stream = self.inner.as_mut().ok_or_else(finished)?;
        let bytes = chunk_bytes(&chunk)?;
        stream.push(&bytes);
        Ok(())
    }

    /// The summary of everything pushed. The stream cannot be used after this.
    #[wasm_bindgen(unchecked_return_type = "BatchSummary")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let stream = self.inner.take().ok_or_else(finished)?;
        encode(&stream.finish())
    }

    /// A stream whose state can be saved (`save()`) or merged after another (`merge`) (SPEC
    /// §7.1); `options` as for `summarizeRuns`. It keeps about 50 bytes per run for that, which
    /// `new SummaryStream()` does not.
    pub fn partial(
        #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
    ) -> Result<SummaryStream, JsValue> {
        let options = decode_options(&options.unwrap_or(JsValue::UNDEFINED))?;
        Ok(SummaryStream { inner: Some(crate::SummaryStream::partial(&options)) })
    }

    /// Append `other`'s state as if its chunks had been pushed after this stream's (SPEC §7.1):
    /// parts of one NDJSON text split between lines; `other` (made with `partial` or `load`) is
    /// finished by it. Streams made with other options are `invalid_option`; parts that cannot
    /// be merged exactly are `invalid_state` (both streams then stay as they were).
    pub fn merge(&mut self, other: &mut SummaryStream) -> Result<(), JsValue> {
        let stream = self.inner.as_mut().ok_or_else(finished)?;
        stream.check_merge(other.inner.as_mut().ok_or_else(finished)?).map_err(thrown)?;
        let theirs = other.inner.take().ok_or_else(finished)?;
        stream.merge(theirs).map_err(thrown)
    }

    /// The stream's state as bytes, for `SummaryStream.load` in this or another process of the
    /// same package version (SPEC §7.1); the stream (made with `partial` or `load`) stays usable.
    #[wasm_bindgen(unchecked_return_type = "Uint8Array")]
    pub fn save(&self) -> Result<Uint8Array, JsValue> {
        let stream = self.inner.as_ref().ok_or_else(finished)?;
        Ok(Uint8Array::from(stream.save().map_err(thrown)?.as_slice()))
    }

    /// A stream from the bytes of `save()`: push more, merge or finish it. Bytes from another
    /// version of the package, truncated or corrupted, are `invalid_state`.
    pub fn load(#[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue) -> Result<SummaryStream, JsValue> {
        let Some(bytes) = bytes.dyn_ref::<Uint8Array>() else {
            return Err(misuse("invalid_state", "SummaryStream.load takes the Uint8Array that save() returned"));
        };
        let stream = crate::SummaryStream::load(&bytes.to_vec()).map_err(thrown)?;
        Ok(SummaryStream { inner: Some(stream) })
    }
}

/// A core misuse as the `SyncRunError` to throw.
fn thrown(m: crate::Misuse) -> JsValue {
    misuse(m.code.as_str(), &m.message)
}

/// The JSON text of a small value (a summary without its long arrays, a `Health`, options), as
/// `input_bytes` writes it but into a buffer that starts small: `write_json`'s first mebibyte
/// took longer to zero than judging the summary takes.
fn small_json(value: &JsValue) -> Result<Vec<u8>, JsValue> {
    let writer = value_to_json(value);
    let Some(writer) = writer.dyn_ref::<JsonWriter>() else { return Err(writer) };
    let mut out: Vec<u8> = Vec::new();
    loop {
        let at = out.len();
        let stretch = at.clamp(4096, 1 << 20);
        out.resize(at + stretch, 0);
        let result = writer.write(&view_of(&out, at, stretch));
        let Some(n) = result.as_f64() else { return Err(result) };
        let (written, done) = if n < 0.0 { (-1.0 - n, true) } else { (n, false) };
        if !(written > 0.0 || done) {
            return Err(misuse("unsupported_input", "the input cannot be read as a JSON value"));
        }
        out.truncate(at + (written as usize).min(stretch));
        if done {
            return Ok(out);
        }
    }
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
    if !value.is_object() || value.is_instance_of::<Uint8Array>() {
        let got =
            if value.is_null() { String::from("null") } else { value.js_typeof().as_string().unwrap_or_default() };
        return Err(misuse("invalid_summary", &text!(name, " must be an object, got ", got)));
    }
    if name != "summary" || Array::is_array(value) {
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
    return String(e && e.message);
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
            if !v.is_object() || Array::is_array(&v) || v.is_instance_of::<Uint8Array>() {
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
    inner: Option<crate::RecordStream>,
}

#[wasm_bindgen(js_class = RecordStream)]
impl RecordStream {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
    ) -> Result<RecordStream, JsValue> {
        let options = decode_options(&options.unwrap_or(JsValue::UNDEFINED))?;
        Ok(RecordStream { inner: Some(crate::RecordStream::new(&options)) })
    }

    /// Take the next chunk; returns `{ runs: string, issues: Issue[] }` found so far and not yet handed out.
    #[wasm_bindgen(unchecked_return_type = "RecordBatch")]
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] chunk: JsValue,
    ) -> Result<JsValue, JsValue> {
        let stream = self.inner.as_mut().ok_or_else(finished)?;
        let bytes = chunk_bytes(&chunk)?;
        encode(&stream.push(&bytes))
    }

    /// The rest, with the batch's counts.
    #[wasm_bindgen(unchecked_return_type = "RecordBatch")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let stream = self.inner.take().ok_or_else(finished)?;
        encode(&stream.finish())
    }
}

/// Talc instead of the default dlmalloc: smaller in the .wasm, and faster on the allocations
/// of big batches (see the commit that added it for the measurements).
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

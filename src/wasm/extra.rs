//! The JavaScript exports that let the package's own tools (the CLI, the demo page) ask the
//! package instead of repeating its rules: how a text is read (SPEC §1), the statuses and what
//! they mean (SPEC §2.1), and a stream of normalized runs (SPEC §7, §2). Each is decode → call
//! the core → encode, with the helpers of `src/wasm.rs`.

use js_sys::JsString;
use wasm_bindgen::prelude::*;

use crate::options::Format;
use crate::out::raw;
use crate::run::SyncRunStatus;
use crate::wasm::{decode, decode_options, each_stretch, encode, finished, Carry, Input, SummaryStream};

#[wasm_bindgen(typescript_custom_section)]
const TS_EXTRA: &'static str = r#"
/** How a batch text is read (SPEC §1). */
export type BatchFormat = "json" | "ndjson";

/** One status of SPEC §2.1 and what it means. */
export interface RunStatusInfo {
    status: SyncRunStatus;
    /** The run has ended (success, warning, failed, cancelled, interrupted). */
    terminal: boolean;
    /** The run counts as succeeded: success and warning (warning not, with the option `warningIsFailure`). */
    succeeded: boolean;
}

/** What `NormalizeStream.push` completed: valid, de-duplicated runs and the issues found. */
export interface NormalizedChunk {
    runs: SyncRun[];
    issues: Issue[];
}

/** What `NormalizeStream.pushText` completed: the same runs as NDJSON text, ready to write. */
export interface NormalizedText {
    /** Each run's JSON text (as `JSON.stringify` writes it) and a line feed; `""` for none. */
    runs: string;
    issues: Issue[];
}
"#;

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Ndjson => "ndjson",
        Format::Json | Format::Auto => "json",
    }
}

/// How the batch functions read `input` (SPEC §1): `"ndjson"` when it is text with more than
/// one non-blank line whose first non-blank line is a complete JSON value, else `"json"` (one
/// value: an array, an envelope or a run); what `options.format` forces when it is not
/// `"auto"`. A parsed value is `"json"`. Text longer than `maxBytes` is not read (the batch
/// functions report `input_too_large`) and is `"json"`; bytes that are not UTF-8 are judged by
/// their valid start. Throws, as the batch functions do, only on misuse (SPEC §6).
#[wasm_bindgen(js_name = detectFormat, unchecked_return_type = "BatchFormat")]
pub fn detect_format(
    #[wasm_bindgen(unchecked_param_type = "SyncRunInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsString, JsValue> {
    let (options, input) = decode(&input, &options.unwrap_or(JsValue::UNDEFINED))?;
    let forced = options.format.filter(|f| *f != Format::Auto);
    let format = match input {
        Input::Bytes(bytes) if !options.from_value => crate::batch::detect_format(&bytes, &options),
        _ => forced.unwrap_or(Format::Json),
    };
    Ok(JsString::from(format_name(format)))
}

/// The nine statuses of SPEC §2.1 in its order, each with whether it is terminal and whether
/// it counts as succeeded (by default: with `warningIsFailure`, `warning` does not).
#[wasm_bindgen(js_name = runStatuses, unchecked_return_type = "RunStatusInfo[]")]
pub fn run_statuses() -> Result<JsValue, JsValue> {
    let yes = |b: bool| if b { "true" } else { "false" };
    let mut list = String::from("[");
    for status in SyncRunStatus::ALL {
        if list.len() > 1 {
            list.push(',');
        }
        raw(&mut list, "{\"status\":\"");
        raw(&mut list, status.as_str());
        raw(&mut list, "\",\"terminal\":");
        raw(&mut list, yes(status.is_terminal()));
        raw(&mut list, ",\"succeeded\":");
        raw(&mut list, yes(status.is_succeeded(false)));
        list.push('}');
    }
    list.push(']');
    js_sys::JSON::parse(&list)
}

/// Normalized runs of a batch text that arrives in chunks (SPEC §7, §2): each `push` hands out
/// the valid, de-duplicated runs and the issues its chunk completed, and `finish()` the rest
/// with the counts of the whole text; together they are what `normalizeRuns` gives on the
/// concatenated text (`maxIssues` bounds the issues handed out in all), except that `maxBytes`
/// bounds each record, as for `SummaryStream` (SPEC §3.1). Memory stays bounded by the longest
/// record plus a few bytes per run (ids, for duplicates). Call `free()` (or use `using`) to
/// release a stream you abandon.
#[wasm_bindgen(js_name = NormalizeStream)]
pub struct NormalizeStream {
    /// Boxed, so that `finish()` releases it all.
    inner: Option<Box<crate::run_stream::NormalizeStream>>,
    carry: Carry,
    /// The reading chosen, kept by `finish()` for `format` afterwards.
    format: Option<Format>,
}

#[wasm_bindgen(js_class = NormalizeStream)]
impl NormalizeStream {
    /// A new stream; `options` as for `normalizeRuns`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
    ) -> Result<NormalizeStream, JsValue> {
        let options = decode_options(&options.unwrap_or(JsValue::UNDEFINED))?;
        let inner = Some(Box::new(crate::run_stream::NormalizeStream::new(&options)));
        Ok(NormalizeStream { inner, carry: Carry::default(), format: None })
    }

    /// Take the next chunk (a string or UTF-8 bytes, cut anywhere) and hand out the runs and
    /// issues it completed.
    #[wasm_bindgen(unchecked_return_type = "NormalizedChunk")]
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] chunk: JsValue,
    ) -> Result<JsValue, JsValue> {
        let stream = self.inner.as_mut().ok_or_else(finished)?;
        each_stretch(&chunk, &mut self.carry, &mut |bytes| stream.keep(bytes))?;
        encode(&stream.take())
    }

    /// As `push`, with the runs as NDJSON text (each run's JSON and a line feed, `""` for none)
    /// rather than objects: for a reader that passes runs on as text (a file, a socket), with
    /// no object made and written again per run.
    #[wasm_bindgen(js_name = pushText, unchecked_return_type = "NormalizedText")]
    pub fn push_text(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] chunk: JsValue,
    ) -> Result<JsValue, JsValue> {
        let stream = self.inner.as_mut().ok_or_else(finished)?;
        each_stretch(&chunk, &mut self.carry, &mut |bytes| stream.keep(bytes))?;
        let taken = stream.take();
        let mut o = String::from("{\"runs\":\"\",\"issues\":");
        crate::out::ToJson::json(&taken.issues, &mut o);
        o.push('}');
        let chunk = js_sys::JSON::parse(&o)?;
        js_sys::Reflect::set(&chunk, &JsValue::from_str("runs"), &JsValue::from_str(&taken.runs))?;
        Ok(chunk)
    }

    /// How the text is read (SPEC §1): `"json"` or `"ndjson"`, `null` while the text so far
    /// cannot tell (`format: "auto"`, before the first non-blank line and the start of another
    /// have arrived) or when the text was refused before it was read.
    #[wasm_bindgen(getter, unchecked_return_type = "BatchFormat | null")]
    pub fn format(&self) -> JsValue {
        match self.inner.as_ref().map_or(self.format, |s| s.format()) {
            Some(f) => JsValue::from_str(format_name(f)),
            None => JsValue::NULL,
        }
    }

    /// Whether more chunks can no longer change the result: the text, one document, is already
    /// longer than `maxBytes`, and nothing more is read (a reader may stop reading).
    pub fn settled(&self) -> bool {
        self.inner.as_ref().is_none_or(|s| s.settled())
    }

    /// No more chunks: the runs and issues not handed out yet, with the counts of the whole
    /// text (the shape of `normalizeRuns`' result). The stream cannot be used after this.
    #[wasm_bindgen(unchecked_return_type = "NormalizeRunsResult")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let mut stream = self.inner.take().ok_or_else(finished)?;
        self.carry.flush(&mut |bytes| stream.keep(bytes));
        self.format = stream.format();
        encode(&stream.finish())
    }
}

#[wasm_bindgen(js_class = SummaryStream)]
impl SummaryStream {
    /// Whether more chunks can no longer change the result: the text, one document, is already
    /// longer than `maxBytes`, and nothing more is read (a reader may stop reading).
    pub fn settled(&self) -> bool {
        crate::wasm::stream_settled(self)
    }
}

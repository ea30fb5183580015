//! The `SummaryStream` class (SPEC §7, §7.1): chunks in, the batch summary out.

use wasm_bindgen::prelude::*;

use super::input::{each_stretch, read_input, uint8_length, Carry, Input};
use super::js::{encode, misuse};
use super::options::{bool_option, decode_options};
use crate::write::text;

/// The bytes of a saved state, copied into wasm memory; anything but a Uint8Array is misuse.
fn state_bytes(bytes: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if uint8_length(bytes)?.is_none() {
        return Err(misuse("unsupported_input", &text!(what, " takes the Uint8Array that save() returned")));
    }
    match read_input(bytes, u64::MAX)? {
        Input::Bytes(bytes) => Ok(bytes),
        Input::Refused(_) => {
            Err(misuse("invalid_state", "the state is too large to be copied into WebAssembly memory"))
        }
    }
}

fn state_error(e: crate::StateError) -> JsValue {
    match e {
        crate::StateError::Options => {
            misuse("invalid_option", "the two streams were made with different options; merge needs the same ones")
        }
        crate::StateError::State(why) => misuse("invalid_state", why),
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_STREAM_OPTIONS: &'static str = r#"
/**
 * The options of a `SummaryStream`: those of `summarizeRuns`, and `mergeable`. With
 * `mergeable: false` the stream keeps no ledger of its runs (about 44 bytes a run, SPEC §7.1):
 * `save()` and merging it after another stream are then `invalid_state`; it can still take
 * other streams merged after it. For one reader of a long input that is never shared.
 */
export type StreamOptions = Options & { mergeable?: boolean };
"#;

pub(crate) fn finished() -> JsValue {
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

impl SummaryStream {
    /// A stream whose last string chunk ended in half a surrogate pair does not end at a line
    /// boundary, so nothing can be merged after it (SPEC §7.1).
    fn at_line_end(&self) -> Result<(), JsValue> {
        match self.carry.high {
            Some(_) => Err(misuse("invalid_state", "this stream's text does not end at a line boundary")),
            None => Ok(()),
        }
    }
}

#[wasm_bindgen(js_class = SummaryStream)]
impl SummaryStream {
    /// A new stream; `options` as for `summarizeRuns`, and `mergeable` (SPEC §7.1).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "StreamOptions")] options: Option<JsValue>,
    ) -> Result<SummaryStream, JsValue> {
        let given = options.unwrap_or(JsValue::UNDEFINED);
        let options = decode_options(&given)?;
        let lean = given.is_object() && bool_option(&given, "mergeable")? == Some(false);
        let stream = if lean { crate::SummaryStream::lean(&options) } else { crate::SummaryStream::new(&options) };
        Ok(SummaryStream { inner: Some(Box::new(stream)), carry: Carry::default() })
    }

    /// Take the next chunk: a string or UTF-8 bytes, cut anywhere (even inside a character).
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] chunk: JsValue,
    ) -> Result<(), JsValue> {
        let stream = self.inner.as_mut().ok_or_else(finished)?;
        each_stretch(&chunk, &mut self.carry, &mut |bytes| stream.push(bytes))
    }

    /// Append `other`'s state, as if its chunks had been pushed after this stream's, the two
    /// texts split at a line boundary (SPEC §7.1): its issues move by this stream's records and
    /// lines, ids seen in both are duplicates (the earlier counts), `maxIssues` applies to the
    /// merged list. `other` is finished by it. Both must have the same options
    /// (`invalid_option`); a merge that cannot be exact (a part read as one JSON document, not
    /// NDJSON lines) is `invalid_state`. On an error neither stream changes.
    pub fn merge(&mut self, other: &mut SummaryStream) -> Result<(), JsValue> {
        let theirs = other.inner.as_ref().ok_or_else(finished)?;
        let mine = self.inner.as_ref().ok_or_else(finished)?;
        self.at_line_end()?;
        mine.check_merge(theirs).map_err(state_error)?;
        let (Some(mine), Some(mut theirs)) = (self.inner.as_mut(), other.inner.take()) else {
            return Err(finished());
        };
        // The later text may end in half a surrogate pair: U+FFFD, as `finish()` would make it.
        other.carry.flush(&mut |bytes| theirs.push(bytes));
        mine.merge(*theirs).map_err(state_error)
    }

    /// `merge(SummaryStream.load(bytes))` in less memory: the saved runs go straight into this
    /// stream, never into a stream of their own (SPEC §7.1's reduce step, for many saved parts).
    /// The same errors as `load` and `merge`.
    #[wasm_bindgen(js_name = mergeSaved)]
    pub fn merge_saved(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    ) -> Result<(), JsValue> {
        let bytes = state_bytes(&bytes, "mergeSaved")?;
        self.at_line_end()?;
        let mine = self.inner.as_mut().ok_or_else(finished)?;
        mine.merge_saved(&bytes).map_err(state_error)
    }

    /// The stream's state as bytes (SPEC §7.1), for `SummaryStream.load` in another worker,
    /// process or machine running this version of the package. The stream goes on as before.
    pub fn save(&self) -> Result<Vec<u8>, JsValue> {
        let stream = self.inner.as_ref().ok_or_else(finished)?;
        stream.save(self.carry.high.and_then(|u| u16::try_from(u).ok())).map_err(state_error)
    }

    /// A stream in the state `save()` returned (SPEC §7.1): more chunks may be pushed, it may
    /// be merged or finished. Bytes saved by another version of the package, or corrupted, are
    /// a SyncRunError `invalid_state`.
    pub fn load(#[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue) -> Result<SummaryStream, JsValue> {
        super::js::seed_once();
        let bytes = state_bytes(&bytes, "SummaryStream.load")?;
        let (stream, unit) = crate::SummaryStream::load(&bytes).map_err(state_error)?;
        Ok(SummaryStream { inner: Some(Box::new(stream)), carry: Carry { high: unit.map(u32::from) } })
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

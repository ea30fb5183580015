//! The `SummaryStream` class (SPEC §7, §7.1): chunks in, the batch summary out.

use wasm_bindgen::prelude::*;

use super::input::{each_stretch, Carry};
use super::js::{encode, misuse};
use super::options::decode_options;

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

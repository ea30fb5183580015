//! JS inputs of any accepted type (a string, a Uint8Array, a parsed value) as UTF-8 bytes for
//! the core (SPEC §1), never more than maxBytes of them copied (SPEC §3.1); and a stream's
//! chunks, a stretch at a time, with the seam between string chunks (SPEC §7).

use js_sys::JsString;
use wasm_bindgen::prelude::*;

use super::js::{
    binary_length, copy_bytes, encode_at, encoded_units, is_array_value, misuse, value_to_json, JsonWriter,
};
use crate::issue::Issue;
use crate::write::text;

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

/// Whether an input is a parsed JS value rather than text (a string or bytes, SPEC §1).
pub(crate) fn is_value(input: &JsValue) -> bool {
    !input.is_string() && !matches!(uint8_length(input), Ok(Some(_)))
}

/// The byte length of a Uint8Array (`Some`), `None` for any other input, or the SyncRunError.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub(crate) fn uint8_length(input: &JsValue) -> Result<Option<f64>, JsValue> {
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
pub(crate) fn is_array(v: &JsValue) -> bool {
    is_array_value(v)
}

/// Whether `v` is binary (a Uint8Array, or another typed array, buffer or view).
pub(crate) fn is_binary(v: &JsValue) -> bool {
    !matches!(binary_length(v).as_f64(), Some(n) if n < 0.0)
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
pub(crate) fn each_stretch(chunk: &JsValue, carry: &mut Carry, push: &mut dyn FnMut(&[u8])) -> Result<(), JsValue> {
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
pub(crate) struct Carry {
    /// The first half of a surrogate pair that ended the last string chunk.
    pub(crate) high: Option<u32>,
}

impl Carry {
    /// The end of the text: a first half still held is a lone one.
    pub(crate) fn flush(&mut self, push: &mut dyn FnMut(&[u8])) {
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

//! A small, borrowing JSON reader over UTF-8 bytes.
//!
//! It reads exactly what the contract needs: typed scalars for known fields, a skipper for values
//! nobody asked for, and a generic [`Value`] only where unknown fields are kept. It never builds a
//! tree for a whole run, reports duplicate keys anywhere in the text, bounds nesting depth so that
//! no input can overflow the stack, and can say "I need more bytes" (for streaming) instead of
//! failing when the window ends inside a value.

use std::borrow::Cow;

use crate::issue::{push_token, Issue, IssueCode};
use crate::number::{decimal_to_f64, MAX_SAFE};

/// Deepest nesting of arrays and objects accepted; deeper text is `invalid_json`.
/// serde_json stops at 128; real runs nest 2 levels.
pub const MAX_DEPTH: usize = 256;

/// Why reading stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Fail {
    /// The window ended inside a value and more input may follow.
    Incomplete,
    /// The text is not JSON; `at` is a byte offset into the reader's buffer.
    Syntax {
        /// Byte offset of the fault in the reader's buffer.
        at: usize,
        /// What is wrong, for the `invalid_json` message.
        msg: Cow<'static, str>,
    },
}

/// A JSON value, kept only for unknown fields with `unknownFields: "keep"`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// JSON `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as a float.
    Number(f64),
    /// A string, unescaped.
    String(String),
    /// An array, elements in input order.
    Array(Vec<Value>),
    /// Keys in input order; duplicates already reported and dropped (the first one counts).
    Object(Vec<(String, Value)>),
}

/// A value read for a known field: scalars in full, containers only by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    /// The key is not in the object (only a required key's absence is `missing_field`).
    Absent,
    /// JSON `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number as a float (range and integer checks are the field's rule's, SPEC §2).
    Number(f64),
    /// A string, unescaped (borrowed from the text when it has no escape).
    String(Cow<'a, str>),
    /// An array (its elements are skipped, not kept).
    Array,
    /// An object (its members are skipped, not kept).
    Object,
}

impl Scalar<'_> {
    /// JSON type name, for `invalid_type` messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Scalar::Absent => "nothing",
            Scalar::Null => "null",
            Scalar::Bool(_) => "boolean",
            Scalar::Number(_) => "number",
            Scalar::String(_) => "string",
            Scalar::Array => "array",
            Scalar::Object => "object",
        }
    }
}

/// Cursor over a window of input text. The text is `&str` (validated once, up front), so
/// strings are sliced out of it without being validated again.
pub struct Reader<'a> {
    text: &'a str,
    /// The window's bytes (the same text as `text`).
    pub buf: &'a [u8],
    /// Byte offset of the next byte to read in `buf`.
    pub pos: usize,
    /// True when no bytes follow the window: running out is then a syntax error.
    pub last: bool,
    /// Bytes of nested `duplicate_key` issues (path and message) the current record may still
    /// add; see [`Reader::start_record`].
    dup_budget: usize,
    /// Whether nested duplicate keys were left unlisted because the budget ran out.
    pub dups_elided: bool,
    /// Lone surrogate escapes read so far (each written as U+FFFD): a caller that must refuse
    /// them (an id, SPEC §2) compares the count before and after a value.
    pub lone_surrogates: u32,
    /// Containers open around the record the reader is on that the `depth` of its values does
    /// not count (a batch's array, and its envelope): set by the batch reader, so that nesting
    /// is bounded in the whole text (SPEC §1), not in each record.
    pub outer: usize,
}

/// Text of nested duplicate-key issues kept per record. A long key above many duplicate keys
/// would otherwise repeat in every issue's path: 10 kB × 20,000 keys = 200 MB of issues from
/// 130 kB of text.
pub const DUP_ISSUE_BYTES: usize = 1 << 20;

fn syntax<T>(at: usize, msg: &'static str) -> Result<T, Fail> {
    Err(Fail::Syntax { at, msg: Cow::Borrowed(msg) })
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`; `last` says no bytes follow it (see [`Reader::last`]).
    pub fn new(text: &'a str, last: bool) -> Reader<'a> {
        Reader {
            text,
            buf: text.as_bytes(),
            pos: 0,
            last,
            dup_budget: DUP_ISSUE_BYTES,
            dups_elided: false,
            lone_surrogates: 0,
            outer: 0,
        }
    }

    /// A new record starts: its nested duplicate-key issues get a fresh budget.
    pub fn start_record(&mut self) {
        self.dup_budget = DUP_ISSUE_BYTES;
        self.dups_elided = false;
    }

    /// Report a nested duplicate key, within the record's budget (the first one always).
    fn duplicate(&mut self, path: &str, dups: &mut Vec<Issue>) {
        let issue = duplicate_key(path);
        let cost = issue.path.len() + issue.message.len();
        if self.dup_budget == DUP_ISSUE_BYTES || cost <= self.dup_budget {
            self.dup_budget = self.dup_budget.saturating_sub(cost);
            dups.push(issue);
        } else {
            self.dups_elided = true;
        }
    }

    /// The text the reader is over.
    pub fn text(&self) -> &'a str {
        self.text
    }

    fn end<T>(&self) -> Result<T, Fail> {
        if self.last {
            syntax(self.buf.len(), "unexpected end of input")
        } else {
            Err(Fail::Incomplete)
        }
    }

    /// Skip JSON white space.
    #[inline]
    pub fn ws(&mut self) {
        while let Some(&b) = self.buf.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// Next byte after white space, not consumed.
    #[inline]
    pub fn peek(&mut self) -> Result<u8, Fail> {
        self.ws();
        match self.buf.get(self.pos) {
            Some(&b) => Ok(b),
            None => self.end(),
        }
    }

    /// Whether only white space remains in the window.
    pub fn at_end(&mut self) -> bool {
        self.ws();
        self.pos >= self.buf.len()
    }

    fn unexpected<T>(&self, b: u8) -> Result<T, Fail> {
        let msg = match b {
            b'}' => "unexpected '}'",
            b']' => "unexpected ']'",
            b',' => "unexpected ','",
            b':' => "unexpected ':'",
            b'\'' => "strings must use double quotes",
            _ => "unexpected character",
        };
        syntax(self.pos, msg)
    }

    /// Consume `b` (after white space) or fail with `msg`.
    #[inline]
    pub fn expect(&mut self, b: u8, msg: &'static str) -> Result<(), Fail> {
        if self.peek()? == b {
            self.pos += 1;
            Ok(())
        } else {
            syntax(self.pos, msg)
        }
    }

    /// After a member or element: `Ok(true)` on `,` (another follows), `Ok(false)` on `close`.
    #[inline]
    pub fn comma_or(&mut self, close: u8) -> Result<bool, Fail> {
        let b = self.peek()?;
        if b == b',' {
            self.pos += 1;
            Ok(true)
        } else if b == close {
            self.pos += 1;
            Ok(false)
        } else if close == b'}' {
            syntax(self.pos, "expected ',' or '}' after an object member")
        } else {
            syntax(self.pos, "expected ',' or ']' after an array element")
        }
    }

    /// Read an object key and its colon. The reader is at `"` (after white space).
    #[inline]
    pub fn key(&mut self) -> Result<Cow<'a, str>, Fail> {
        if self.peek()? != b'"' {
            return syntax(self.pos, "expected a double-quoted key");
        }
        let k = self.string()?;
        self.expect(b':', "expected ':' after a key")?;
        Ok(k)
    }

    /// Open an object body: true if it has a first member, false if it is `{}`. At `{`.
    #[inline]
    pub fn object_start(&mut self) -> Result<bool, Fail> {
        self.pos += 1;
        if self.peek()? == b'}' {
            self.pos += 1;
            Ok(false)
        } else {
            Ok(true)
        }
    }

    /// Open an array body: true if it has a first element, false if it is `[]`. At `[`.
    #[inline]
    pub fn array_start(&mut self) -> Result<bool, Fail> {
        self.pos += 1;
        if self.peek()? == b']' {
            self.pos += 1;
            Ok(false)
        } else {
            Ok(true)
        }
    }

    /// Read a string; the reader is at its opening quote.
    #[inline]
    pub fn string(&mut self) -> Result<Cow<'a, str>, Fail> {
        let start = self.pos + 1;
        let i = string_stop(self.buf, start);
        match self.buf.get(i) {
            Some(b'"') => {
                self.pos = i + 1;
                // Both ends are ASCII quotes, so the slice is on character boundaries.
                match self.text.get(start..i) {
                    Some(s) => Ok(Cow::Borrowed(s)),
                    None => syntax(start, "invalid UTF-8 in a string"),
                }
            }
            Some(b'\\') => self.string_escaped(start),
            Some(_) => syntax(i, "control character in a string (escape it)"),
            None => self.end(),
        }
    }

    fn string_escaped(&mut self, start: usize) -> Result<Cow<'a, str>, Fail> {
        let mut out = String::new();
        let mut i = start;
        let mut run = start;
        loop {
            let Some(&b) = self.buf.get(i) else {
                return self.end();
            };
            match b {
                b'"' | b'\\' => {
                    // Copy the unescaped stretch before this quote or backslash (ASCII bounds).
                    out.push_str(self.text.get(run..i).unwrap_or_default());
                    if b == b'"' {
                        self.pos = i + 1;
                        return Ok(Cow::Owned(out));
                    }
                    let Some(&e) = self.buf.get(i + 1) else {
                        return self.end();
                    };
                    let simple = match e {
                        b'"' => Some('"'),
                        b'\\' => Some('\\'),
                        b'/' => Some('/'),
                        b'b' => Some('\u{8}'),
                        b'f' => Some('\u{c}'),
                        b'n' => Some('\n'),
                        b'r' => Some('\r'),
                        b't' => Some('\t'),
                        b'u' => None,
                        _ => return syntax(i, "invalid escape in a string"),
                    };
                    if let Some(c) = simple {
                        out.push(c);
                        i += 2;
                        run = i;
                        continue;
                    }
                    let (hi, next) = self.hex4(i + 2)?;
                    let mut cp = u32::from(hi);
                    i = next;
                    if (0xD800..0xDC00).contains(&hi) {
                        // A high surrogate pairs with a following \uDC00–\uDFFF.
                        if self.buf.get(i) == Some(&b'\\') && self.buf.get(i + 1) == Some(&b'u') {
                            let (lo, after) = self.hex4(i + 2)?;
                            if (0xDC00..0xE000).contains(&lo) {
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                                i = after;
                            }
                        } else if i + 1 >= self.buf.len() && !self.last {
                            return Err(Fail::Incomplete);
                        }
                    }
                    // A lone surrogate cannot be held in UTF-8: it becomes U+FFFD, as TextDecoder
                    // does, and is counted for the callers that refuse it.
                    match char::from_u32(cp) {
                        Some(c) => out.push(c),
                        None => {
                            out.push('\u{FFFD}');
                            self.lone_surrogates = self.lone_surrogates.saturating_add(1);
                        }
                    }
                    run = i;
                }
                0..=0x1F => return syntax(i, "control character in a string (escape it)"),
                _ => i += 1,
            }
        }
    }

    fn hex4(&self, at: usize) -> Result<(u16, usize), Fail> {
        let mut v: u16 = 0;
        for k in 0..4 {
            let Some(&h) = self.buf.get(at + k) else {
                return self.end();
            };
            let d = match h {
                b'0'..=b'9' => h - b'0',
                b'a'..=b'f' => h - b'a' + 10,
                b'A'..=b'F' => h - b'A' + 10,
                _ => return syntax(at + k, "invalid \\u escape in a string"),
            };
            v = (v << 4) | u16::from(d);
        }
        Ok((v, at + 4))
    }

    /// Read a number; the reader is at `-` or a digit. Values too large for f64 become ±infinity
    /// (as JavaScript's `JSON.parse` gives), so that counts report `invalid_number`.
    pub fn number(&mut self) -> Result<f64, Fail> {
        let start = self.pos;
        let b = self.buf;
        let mut i = start;
        let neg = b.get(i) == Some(&b'-');
        if neg {
            i += 1;
        }
        // The significant digits (up to 19) in `mantissa`, the decimal exponent in `exp10`.
        let mut mantissa: u64 = 0;
        let mut digits = 0u32;
        let mut exp10: i64 = 0;
        let mut take = |d: u8, in_fraction: bool, exp10: &mut i64| {
            if digits < 19 {
                if mantissa != 0 || d != b'0' {
                    mantissa = mantissa * 10 + u64::from(d - b'0');
                    digits += 1;
                }
                if in_fraction {
                    *exp10 -= 1;
                }
                true
            } else {
                if !in_fraction {
                    *exp10 += 1;
                }
                // A 20th significant digit: exact only if it is 0.
                d == b'0'
            }
        };
        let mut exact = true;
        match b.get(i) {
            Some(b'0') => {
                i += 1;
                if matches!(b.get(i), Some(b'0'..=b'9')) {
                    return syntax(i, "leading zeros are not allowed in a number");
                }
            }
            Some(b'1'..=b'9') => {
                while let Some(&d @ b'0'..=b'9') = b.get(i) {
                    exact &= take(d, false, &mut exp10);
                    i += 1;
                }
            }
            Some(_) => return syntax(i, "invalid number"),
            None => return self.end(),
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            let f = i;
            while let Some(&d @ b'0'..=b'9') = b.get(i) {
                exact &= take(d, true, &mut exp10);
                i += 1;
            }
            if i == f {
                return if i >= b.len() { self.end() } else { syntax(i, "expected a digit after '.'") };
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            let exp_neg = b.get(i) == Some(&b'-');
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let e = i;
            let mut written: i64 = 0;
            while let Some(&d @ b'0'..=b'9') = b.get(i) {
                written = (written * 10 + i64::from(d - b'0')).min(1 << 40);
                i += 1;
            }
            if i == e {
                return if i >= b.len() { self.end() } else { syntax(i, "expected a digit in the exponent") };
            }
            exp10 += if exp_neg { -written } else { written };
        }
        if i >= b.len() && !self.last {
            // The number may go on in the next chunk.
            return Err(Fail::Incomplete);
        }
        self.pos = i;
        let value = match exact.then(|| decimal_to_f64(mantissa, exp10)).flatten() {
            Some(v) => v,
            None => crate::number::parse_long(self.text.get(start..i).unwrap_or("")).abs(),
        };
        Ok(if neg { -value } else { value })
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), Fail> {
        let end = self.pos + word.len();
        match self.buf.get(self.pos..end) {
            Some(s) if s == word => {
                self.pos = end;
                Ok(())
            }
            Some(_) => syntax(self.pos, "unexpected character"),
            None => {
                // Short window: a prefix of the word may continue in the next chunk.
                let have = self.buf.get(self.pos..).unwrap_or_default();
                if word.starts_with(have) {
                    self.end()
                } else {
                    syntax(self.pos, "unexpected character")
                }
            }
        }
    }

    /// Read a scalar starting with `b` (already peeked, not a container).
    #[inline]
    pub fn plain_scalar(&mut self, b: u8) -> Result<Scalar<'a>, Fail> {
        match b {
            b'"' => Ok(Scalar::String(self.string()?)),
            b'-' | b'0'..=b'9' => Ok(Scalar::Number(self.number()?)),
            b'n' => self.literal(b"null").map(|()| Scalar::Null),
            b't' => self.literal(b"true").map(|()| Scalar::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Scalar::Bool(false)),
            other => self.unexpected(other),
        }
    }

    /// Read a value for a known field of an object the reader is in: scalars fully, containers
    /// skipped (duplicate keys inside them still reported, under `path`).
    pub fn scalar(&mut self, path: &mut String, dups: &mut Vec<Issue>) -> Result<Scalar<'a>, Fail> {
        self.scalar_at(1, path, dups)
    }

    /// [`Reader::scalar`] of a value with `depth` containers of its record open around it.
    pub fn scalar_at(&mut self, depth: usize, path: &mut String, dups: &mut Vec<Issue>) -> Result<Scalar<'a>, Fail> {
        match self.peek()? {
            b'"' => Ok(Scalar::String(self.string()?)),
            b'-' | b'0'..=b'9' => Ok(Scalar::Number(self.number()?)),
            b'n' => self.literal(b"null").map(|()| Scalar::Null),
            b't' => self.literal(b"true").map(|()| Scalar::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Scalar::Bool(false)),
            b'{' => self.skip_value(depth, path, dups).map(|()| Scalar::Object),
            b'[' => self.skip_value(depth, path, dups).map(|()| Scalar::Array),
            other => self.unexpected(other),
        }
    }

    /// Skip one value, reporting duplicate keys in it under `path`. `depth` counts the
    /// containers of its record already open around it (and [`Reader::outer`] those around the
    /// record): a container opened with 256 open is the 257th level, `invalid_json` (SPEC §1).
    pub fn skip_value(&mut self, depth: usize, path: &mut String, dups: &mut Vec<Issue>) -> Result<(), Fail> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'-' | b'0'..=b'9' => self.number().map(drop),
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'[' => {
                if depth + self.outer >= MAX_DEPTH {
                    return syntax(self.pos, "nesting deeper than 256 levels");
                }
                if !self.array_start()? {
                    return Ok(());
                }
                let mut index = 0usize;
                loop {
                    let len = path.len();
                    push_index(path, index);
                    self.skip_value(depth + 1, path, dups)?;
                    path.truncate(len);
                    index += 1;
                    if !self.comma_or(b']')? {
                        return Ok(());
                    }
                }
            }
            b'{' => {
                if depth + self.outer >= MAX_DEPTH {
                    return syntax(self.pos, "nesting deeper than 256 levels");
                }
                if !self.object_start()? {
                    return Ok(());
                }
                let mut seen = KeySet::default();
                loop {
                    let k = self.key()?;
                    let len = path.len();
                    push_token(path, &k);
                    if !seen.insert(k) {
                        self.duplicate(path, dups);
                    }
                    self.skip_value(depth + 1, path, dups)?;
                    path.truncate(len);
                    if !self.comma_or(b'}')? {
                        return Ok(());
                    }
                }
            }
            other => self.unexpected(other),
        }
    }

    /// Read any value into a [`Value`], reporting duplicate keys under `path` (the first one counts).
    pub fn value(&mut self, depth: usize, path: &mut String, dups: &mut Vec<Issue>) -> Result<Value, Fail> {
        match self.peek()? {
            b'"' => Ok(Value::String(self.string()?.into_owned())),
            b'-' | b'0'..=b'9' => Ok(Value::Number(self.number()?)),
            b'n' => self.literal(b"null").map(|()| Value::Null),
            b't' => self.literal(b"true").map(|()| Value::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Value::Bool(false)),
            b'[' => {
                if depth + self.outer >= MAX_DEPTH {
                    return syntax(self.pos, "nesting deeper than 256 levels");
                }
                let mut items = Vec::new();
                if !self.array_start()? {
                    return Ok(Value::Array(items));
                }
                loop {
                    let len = path.len();
                    push_index(path, items.len());
                    items.push(self.value(depth + 1, path, dups)?);
                    path.truncate(len);
                    if !self.comma_or(b']')? {
                        return Ok(Value::Array(items));
                    }
                }
            }
            b'{' => {
                if depth + self.outer >= MAX_DEPTH {
                    return syntax(self.pos, "nesting deeper than 256 levels");
                }
                let mut members: Vec<(String, Value)> = Vec::new();
                if !self.object_start()? {
                    return Ok(Value::Object(members));
                }
                let mut seen = KeySet::default();
                loop {
                    let k = self.key()?;
                    let len = path.len();
                    push_token(path, &k);
                    let fresh = seen.insert(k.clone());
                    if fresh {
                        let v = self.value(depth + 1, path, dups)?;
                        members.push((k.into_owned(), v));
                    } else {
                        self.duplicate(path, dups);
                        self.skip_value(depth + 1, path, dups)?;
                    }
                    path.truncate(len);
                    if !self.comma_or(b'}')? {
                        return Ok(Value::Object(members));
                    }
                }
            }
            other => self.unexpected(other),
        }
    }
}

/// The eight bytes at `w` (a slice of exactly eight) as one word.
#[inline(always)]
fn word(w: &[u8]) -> u64 {
    u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8]))
}

/// A position (line, and code points already on that line) moved past `text`: one engine
/// window to the next, or the start of a text to an error in it (SPEC §3: `line`, and `column`
/// in code points). One pass, eight bytes at a time: a word's newlines are counted and, when it
/// has one, the column restarts at the characters after its last; a word without one adds its
/// characters (the bytes that are not continuation bytes, `10xxxxxx`). (Two passes, `memrchr`
/// then a count, cost about twice as much on a minified document, which is one line.)
pub(crate) fn advance((mut line, mut col): (u64, u64), text: &[u8]) -> (u64, u64) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let text = text.get(simd::advance(&mut line, &mut col, text)..).unwrap_or_default();
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const NEWLINES: u64 = 0x0A0A_0A0A_0A0A_0A0A;
    let mut words = text.chunks_exact(8);
    for w in &mut words {
        let x = word(w);
        let y = x ^ NEWLINES;
        // Bit 7 of each byte that is '\n', exactly (no carry between bytes).
        let newline = !(((y & LOW7) + LOW7) | y) & HIGH;
        // Bit 7 of each byte that starts a character: not bit 7 set with bit 6 clear.
        let starts = !(x & !(x << 1)) & HIGH;
        if newline == 0 {
            col += u64::from(starts.count_ones());
        } else {
            line += u64::from(newline.count_ones());
            // Bit 7 of the last newline's byte (little-endian: later bytes are higher bits).
            let last = 63 - newline.leading_zeros();
            col = u64::from((starts >> last >> 1).count_ones());
        }
    }
    for &b in words.remainder() {
        if b == b'\n' {
            line += 1;
            col = 0;
        } else if b & 0xC0 != 0x80 {
            col += 1;
        }
    }
    (line, col)
}

/// Index of the first byte at or after `i` that ends a plain stretch of string: a quote, a
/// backslash or a control character (or `buf.len()`). Eight bytes at a time: the lowest flagged
/// byte of each word is exact, which is the only one used.
#[inline]
pub(crate) fn string_stop(buf: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = buf.get(i..i + 8) {
        let x = self::word(word);
        let quote = x ^ (ONES * u64::from(b'"'));
        let slash = x ^ (ONES * u64::from(b'\\'));
        let found = ((quote.wrapping_sub(ONES) & !quote)
            | (slash.wrapping_sub(ONES) & !slash)
            | (x.wrapping_sub(ONES * 0x20) & !x))
            & HIGH;
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = buf.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

fn push_index(path: &mut String, index: usize) {
    path.push('/');
    crate::write::Piece::put(&index, path);
}

/// The `duplicate_key` issue for the key at `path`.
pub fn duplicate_key(path: &str) -> Issue {
    let start = path.as_bytes().iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
    // The JSON Pointer token unescaped: `~1` is `/`, `~0` is `~`.
    let mut message = String::from("duplicate key \"");
    let mut chars = path.get(start..).unwrap_or_default().chars();
    while let Some(c) = chars.next() {
        if c != '~' {
            message.push(c);
            continue;
        }
        let rest = chars.as_str();
        match rest.as_bytes().first() {
            Some(b'1') => message.push('/'),
            Some(b'0') => message.push('~'),
            _ => {
                message.push('~');
                continue;
            }
        }
        chars = rest.get(1..).unwrap_or_default().chars();
    }
    message.push_str("\" in one object");
    Issue::new(IssueCode::DuplicateKey, path.to_string(), message)
}

/// Keys seen in one object: a short list, or a hash set once the object is large, so that an
/// object with a million keys still costs linear time.
#[derive(Default)]
pub struct KeySet<'a> {
    few: Vec<Cow<'a, str>>,
    many: Option<crate::table::StrMap<Cow<'a, str>, ()>>,
}

impl<'a> KeySet<'a> {
    /// Insert a key; false when it was already there.
    pub fn insert(&mut self, k: Cow<'a, str>) -> bool {
        if let Some(set) = &mut self.many {
            return set.insert(k, ());
        }
        if self.few.contains(&k) {
            return false;
        }
        self.few.push(k);
        if self.few.len() > 16 {
            let mut set = crate::table::StrMap::default();
            for k in self.few.drain(..) {
                set.insert(k, ());
            }
            self.many = Some(set);
        }
        true
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => serialize_number(*n, s),
            Value::String(x) => s.serialize_str(x),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Write a number the way JavaScript's `JSON.stringify` would read it back: integers without a
/// fraction (`1`, not `1.0`), `-0` as `0`, anything else as the shortest round-trip decimal.
pub fn serialize_number<S: serde::Serializer>(n: f64, s: S) -> Result<S::Ok, S::Error> {
    if n.fract() == 0.0 && n.abs() <= MAX_SAFE {
        #[allow(clippy::cast_possible_truncation)]
        return s.serialize_i64(n as i64);
    }
    if n.is_finite() {
        s.serialize_f64(n)
    } else {
        s.serialize_unit()
    }
}

/// `advance` with WebAssembly SIMD (simd128, which every runtime of SPEC §12 has; the wasm build
/// enables it in .cargo/config.toml); its word loop does the last bytes. That scan covers every
/// byte before the last issue kept, and the word loop took 6-9% of summarizeRuns' time; sixteen
/// bytes a step took about 0.4x of that, and 64-byte blocks of plain ASCII in one test about
/// 0.2x (CPU profiles of the wasm, 100,000 generated runs). Host builds use the word loop
/// alone, which the tests check against byte loops; the package's tests check this one
/// (tests/js/positions.test.mjs). (`string_stop` the same way measured nothing: the strings of
/// a run are short.)
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::{u8x16, u8x16_bitmask, u8x16_eq, u8x16_splat, v128, v128_and, v128_or};

    /// Sixteen bytes as one vector (`c` is sixteen bytes long; LLVM makes this one `v128.load`).
    #[inline(always)]
    fn load(c: &[u8]) -> v128 {
        let [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15] =
            <[u8; 16]>::try_from(c).unwrap_or([0; 16]);
        u8x16(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15)
    }

    /// `json::advance` over the whole sixteen-byte steps of `text`; returns the bytes done.
    /// Sixty-four bytes with no newline and no byte above 0x7F (most of a run's text) are one
    /// test: sixty-four characters more on the line. Other blocks go sixteen bytes a step.
    pub(super) fn advance(line: &mut u64, col: &mut u64, text: &[u8]) -> usize {
        let newline_byte = u8x16_splat(b'\n');
        let mut blocks = text.chunks_exact(64);
        for block in &mut blocks {
            let v = |at: usize| load(block.get(at..at + 16).unwrap_or_default());
            let (v0, v1, v2, v3) = (v(0), v(16), v(32), v(48));
            let bytes = v128_or(v128_or(v0, v1), v128_or(v2, v3));
            let newlines = v128_or(
                v128_or(u8x16_eq(v0, newline_byte), u8x16_eq(v1, newline_byte)),
                v128_or(u8x16_eq(v2, newline_byte), u8x16_eq(v3, newline_byte)),
            );
            // The high bit of a lane: a byte above 0x7F in one of the four, or a newline.
            if u8x16_bitmask(v128_or(bytes, newlines)) == 0 {
                *col += 64;
            } else {
                steps(line, col, block);
            }
        }
        let rest = blocks.remainder();
        64 * (text.len() / 64) + steps(line, col, rest)
    }

    /// Sixteen bytes a step over the whole steps of `text`; returns the bytes done.
    fn steps(line: &mut u64, col: &mut u64, text: &[u8]) -> usize {
        let (newline_byte, top_two, continuation_bits) = (u8x16_splat(b'\n'), u8x16_splat(0xC0), u8x16_splat(0x80));
        let mut chunks = text.chunks_exact(16);
        for c in &mut chunks {
            let v = load(c);
            // One bit per byte, byte 0 lowest.
            let newline = u32::from(u8x16_bitmask(u8x16_eq(v, newline_byte)));
            let starts = !u32::from(u8x16_bitmask(u8x16_eq(v128_and(v, top_two), continuation_bits))) & 0xFFFF;
            if newline == 0 {
                *col += u64::from(starts.count_ones());
            } else {
                *line += u64::from(newline.count_ones());
                let last = 31 - newline.leading_zeros();
                *col = u64::from((starts >> last >> 1).count_ones());
            }
        }
        text.len() - chunks.remainder().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Value, Fail> {
        let mut r = Reader::new(text, true);
        let mut dups = Vec::new();
        let v = r.value(0, &mut String::new(), &mut dups)?;
        assert!(r.at_end(), "trailing text in {text}");
        Ok(v)
    }

    /// SPEC §3.1 `invalid_json` gives a line and a column in code points: `advance`, word at a
    /// time, against byte loops, on text with every byte value at every alignment and length.
    #[test]
    fn newlines_and_code_points_are_counted_exactly() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut bytes = Vec::new();
        for i in 0..4096u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Half the bytes from the ones that matter (newline, continuation, lead, 0x7F, 0xFF).
            let pick = [b'\n', 0x80, 0xBF, 0xC0, 0x7F, 0xFF, 0x0A ^ 0x80, b'a'];
            bytes.push(if i % 2 == 0 { pick[(x % 8) as usize] } else { (x >> 8) as u8 });
        }
        // The same bytes with few newlines (one line of a minified document is long).
        let sparse: Vec<u8> =
            bytes.iter().enumerate().map(|(i, &c)| if c == b'\n' && i % 701 != 0 { b'a' } else { c }).collect();
        for (bytes, start) in [&bytes, &sparse].into_iter().flat_map(|b| (0..16).map(move |s| (b, s))) {
            for end in (start..bytes.len()).step_by(37).chain([bytes.len()]) {
                let b = &bytes[start..end];
                let newlines = b.iter().filter(|&&c| c == b'\n').count() as u64;
                // By bytes: the newlines, and the characters after the last one (or all).
                let tail = b.iter().rposition(|&c| c == b'\n').map_or(b, |nl| &b[nl + 1..]);
                let points = tail.iter().filter(|&&c| (c & 0xC0) != 0x80).count() as u64;
                let col = if newlines == 0 { 7 + points } else { points };
                assert_eq!(advance((3, 7), b), (3 + newlines, col), "{start}..{end}");
            }
        }
        assert_eq!(advance((1, 0), "añ€😀".as_bytes()), (1, 4));
        assert_eq!(advance((1, 9), "añ\n€😀\n\nab€".as_bytes()), (4, 3));
    }

    /// SPEC §2 (counts spelled `3`, `3.0`, `3e2`; limits at 2^53 − 1) and §3.1 `invalid_number`
    /// rest on exact values: `Reader::number` (integer arithmetic, `decimal_to_f64`) against the
    /// standard library's exact parser, on number spellings of every shape.
    #[test]
    fn numbers_parse_exactly() {
        let parse = |t: &str| {
            let mut r = Reader::new(t, true);
            let v = r.number().unwrap_or_else(|_| panic!("{t}"));
            assert_eq!(r.pos, t.len(), "{t}");
            v
        };
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut fast = 0;
        for i in 0..400_000 {
            let r = next();
            let t = match i % 6 {
                // Shortest round-trip spellings of random doubles (what JavaScript writes).
                0 => format!("{:?}", f64::from_bits(r) % 1e25),
                1 => format!("{}", f64::from_bits(r >> 2 | 0x3F00_0000_0000_0000)),
                2 => format!("0.{:0w$}", r % 10u64.pow(1 + (r >> 60) as u32 % 19), w = (r >> 56) as usize % 20),
                3 => format!("{}e{}", r >> (r % 64), (r >> 40) as i64 % 30 - 15),
                4 => format!("{}.{}e-{}", r % 1000, r >> 20, r % 25),
                _ => format!("{}", r >> (r % 64)),
            };
            let t = t.trim_start_matches('-').replace("inf", "1e400").replace("NaN", "0");
            let want: f64 = t.parse().unwrap();
            assert_eq!(parse(&t).to_bits(), want.to_bits(), "{t}");
            let neg = format!("-{t}");
            assert_eq!(parse(&neg).to_bits(), (-want).to_bits(), "{neg}");
            fast += usize::from(t.len() < 25);
        }
        assert!(fast > 100_000);
        // Halfway cases and the edges of each exact case.
        for t in [
            "9007199254740993",
            "9007199254740992.5",
            "18446744073709551615",
            "18446744073709551616",
            "1e22",
            "1e23",
            "9999999999999999999e19",
            "0.1",
            "0.30000000000000004",
            "0.12345678901234567",
            "1234567890123456789e-19",
            "1e-19",
            "1e-20",
            "2.2250738585072014e-308",
            "5e-324",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
            "0.0000000000000000000000000000001",
            "100000000000000000000000",
            "1.00000000000000000000000001",
            "0e0",
            "0.000e-5",
        ] {
            let want: f64 = t.parse().unwrap();
            assert_eq!(parse(t).to_bits(), want.to_bits(), "{t}");
        }
    }

    #[test]
    fn duplicate_key_messages_unescape_the_pointer() {
        for (path, key) in [("/a", "a"), ("/x/a~1b", "a/b"), ("/~0~1x~", "~/x~"), ("", ""), ("/é~01", "é~1")] {
            assert_eq!(duplicate_key(path).message, format!("duplicate key \"{key}\" in one object"), "{path}");
        }
    }

    #[test]
    fn reads_json_values() {
        assert_eq!(
            read(r#" {"a": [1, 2.5e1, -0, "x\u00e9\n", true, null]} "#).ok(),
            Some(Value::Object(vec![(
                "a".into(),
                Value::Array(vec![
                    Value::Number(1.0),
                    Value::Number(25.0),
                    Value::Number(-0.0),
                    Value::String("x\u{e9}\n".into()),
                    Value::Bool(true),
                    Value::Null
                ])
            )]))
        );
        assert_eq!(read(r#""\ud83d\ude00""#).ok(), Some(Value::String("\u{1F600}".into())));
        assert_eq!(read(r#""\ud83d""#).ok(), Some(Value::String("\u{FFFD}".into())));
        assert_eq!(read("1e400").ok(), Some(Value::Number(f64::INFINITY)));
        assert_eq!(read("123456789012345678").ok(), Some(Value::Number(123_456_789_012_345_678.0)));
    }

    #[test]
    fn rejects_what_json_parse_rejects() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "-",
            "'a'",
            "\"a\tb\"",
            "tru",
            "nul",
            "{\"a\":1,}",
            "\"\\x\"",
            "[1 2]",
        ] {
            assert!(matches!(read(bad), Err(Fail::Syntax { .. })), "{bad:?} should be a syntax error");
        }
    }

    #[test]
    fn incomplete_window_asks_for_more() {
        for part in ["{\"a\":", "[1, 2", "\"abc", "12", "tr", "{\"a\":\"\\u12", "\"\\ud83d"] {
            let mut r = Reader::new(part, false);
            let v = r.value(0, &mut String::new(), &mut Vec::new());
            assert_eq!(v, Err(Fail::Incomplete), "{part:?}");
        }
    }

    #[test]
    fn reports_duplicate_keys_with_paths() {
        let mut r = Reader::new(r#"{"a": {"b/c": 1, "b/c": 2}, "a": 3}"#, true);
        let mut dups = Vec::new();
        let v = r.value(0, &mut String::from("/x"), &mut dups);
        assert!(v.is_ok());
        let paths: Vec<_> = dups.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["/x/a/b~1c", "/x/a"]);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(200_000);
        assert!(matches!(read(&deep), Err(Fail::Syntax { .. })));
        let ok = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(read(&ok).is_ok());
    }

    #[test]
    fn many_keys_cost_linear_time() {
        let body: Vec<String> = (0..100_000).map(|i| format!("\"k{i}\":{i}")).collect();
        let text = format!("{{{},\"k5\":0}}", body.join(","));
        let mut r = Reader::new(&text, true);
        let mut dups = Vec::new();
        assert!(r.skip_value(0, &mut String::new(), &mut dups).is_ok());
        assert_eq!(dups.len(), 1);
    }
}

//! Positions of the issues of a JSON document (SPEC §3: `line` and `column` where the input was
//! text and the position is known).
//!
//! The readers do not track positions while they read (that would cost every run); a record
//! with issues is read a second time, here, to find the value each issue's path names. Only
//! runs with issues pay for it, and only for the issues that are kept (`maxIssues`).
//!
//! The position of an issue is the first character of the value its path names. A path that
//! goes further than the text (a `missing_field`, an `error` that is absent) stops at the
//! deepest value that exists: the object that lacks the key. A `duplicate_key` is at the value
//! of the key's second occurrence (the first one counts, so the second is what to remove).
//! Keys are matched as written: one spelled with escapes (`"\u0069d"`) is not found (then the
//! position is its object's), which no API response does.

use crate::issue::{Issue, IssueCode};
use crate::json::{advance, Reader};
use crate::options::Options;
use crate::run::Checked;

/// Whether the token `raw` of a JSON Pointer (still escaped, RFC 6901) is `key`.
fn token_is(raw: &[u8], key: &[u8]) -> bool {
    let (mut i, mut k) = (0, 0);
    while let Some(&b) = raw.get(i) {
        let (c, step) = match (b, raw.get(i + 1)) {
            (b'~', Some(b'1')) => (b'/', 2),
            (b'~', Some(b'0')) => (b'~', 2),
            _ => (b, 1),
        };
        if key.get(k) != Some(&c) {
            return false;
        }
        i += step;
        k += 1;
    }
    k == key.len()
}

/// An array index token: digits without a leading zero (RFC 6901).
fn index(token: &[u8]) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with(b"0")) {
        return None;
    }
    token.iter().try_fold(0usize, |n, &d| {
        if d.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(usize::from(d - b'0'))
        } else {
            None
        }
    })
}

/// Skip the value at the reader; false when it cannot be (then the search stops where it is).
fn skip(r: &mut Reader<'_>) -> bool {
    r.skip_value(1, &mut String::new(), &mut Vec::new()).is_ok()
}

/// The byte offset in `record` (the text of one JSON value, read before without a syntax error)
/// of the value `pointer` names, or of its deepest ancestor there. `second`: the last token
/// names a key given twice, and its second occurrence is wanted.
pub fn value_offset(record: &str, pointer: &str, second: bool) -> usize {
    let mut r = Reader::new(record, true);
    r.ws();
    let mut at = r.pos;
    let p = pointer.as_bytes();
    // Each token runs from after a '/' to the next '/' or the end (no split iterators: they
    // brought core's memchr and `Iterator::nth` into the .wasm).
    let mut from = 0;
    while from < p.len() {
        let rest = p.get(from + 1..).unwrap_or_default();
        let len = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
        let token = rest.get(..len).unwrap_or_default();
        from += 1 + len;
        let found = match r.buf.get(r.pos) {
            Some(b'{') => member(&mut r, token, second && from >= p.len()),
            Some(b'[') => index(token).and_then(|n| element(&mut r, n)),
            _ => None,
        };
        match found {
            Some(pos) => {
                r.pos = pos;
                at = pos;
            }
            None => break,
        }
    }
    at
}

/// The offset of the value of the key `token` names in the object at the reader (`second`: of
/// its second occurrence). Keys are compared as written, between their quotes (the reader's
/// own key reading, inlined here, doubled the size of this in the .wasm).
fn member(r: &mut Reader<'_>, token: &[u8], second: bool) -> Option<usize> {
    let mut skip_first = second;
    if !r.object_start().ok()? {
        return None;
    }
    loop {
        r.ws();
        let start = r.pos;
        if !skip(r) {
            return None;
        }
        let key = r.buf.get(start + 1..r.pos.saturating_sub(1))?;
        r.expect(b':', "expected ':' after a key").ok()?;
        r.ws();
        if token_is(token, key) {
            if !skip_first {
                return Some(r.pos);
            }
            skip_first = false;
        }
        if !skip(r) || !r.comma_or(b'}').ok()? {
            return None;
        }
    }
}

/// The offset of element `n` of the array at the reader.
fn element(r: &mut Reader<'_>, n: usize) -> Option<usize> {
    if !r.array_start().ok()? {
        return None;
    }
    for _ in 0..n {
        if !skip(r) || !r.comma_or(b']').ok()? {
            return None;
        }
    }
    r.ws();
    Some(r.pos)
}

/// Give `issues`, all of one record, the line and column of the values their paths name.
/// `record` is the record's text, `base` its path (issue paths start with it), and `start` the
/// position of its first byte: the 1-based line and the code points before it on that line.
pub fn locate(record: &str, base: &str, start: (u64, u64), issues: &mut [Issue]) {
    for issue in issues {
        // A position already known (an invalid_json issue's) is the reader's own.
        if issue.line.is_some() {
            continue;
        }
        let Some(pointer) = issue.path.strip_prefix(base) else { continue };
        if !(pointer.is_empty() || pointer.starts_with('/')) {
            continue;
        }
        let at = value_offset(record, pointer, issue.code == IssueCode::DuplicateKey);
        let (line, col) = advance(start, record.as_bytes().get(..at).unwrap_or_default());
        issue.line = Some(line);
        issue.column = Some(col + 1);
    }
}

/// A single run read from the whole `text` (validateRun, normalizeRun, summarizeRun), its
/// issues given positions unless the text was written from a parsed value.
pub fn single<'a>(text: &str, mut checked: Checked<'a>, options: &Options) -> Checked<'a> {
    if !options.from_value {
        let (Checked::Valid(_, issues) | Checked::Invalid(issues)) = &mut checked;
        locate(text, "", (1, 0), issues);
    }
    checked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(text: &'a str, pointer: &str) -> &'a str {
        text.get(value_offset(text, pointer, false)..).unwrap_or_default()
    }

    // SPEC §3: the position of the value a path names, or of the object that lacks the key.
    #[test]
    fn finds_values_and_the_nearest_ancestor() {
        let t = r#" {"a": {"b~/c": [1, {"d": "x"}]}, "e": 2}"#;
        assert!(at(t, "").starts_with(r#"{"a""#));
        assert!(at(t, "/e").starts_with('2'));
        assert!(at(t, "/a/b~0~1c/1/d").starts_with(r#""x""#));
        assert!(at(t, "/a/b~0~1c/1").starts_with(r#"{"d""#));
        // Missing key, index past the end, a leading zero, a token into a scalar.
        assert!(at(t, "/a/missing").starts_with(r#"{"b~/c""#));
        assert!(at(t, "/a/b~0~1c/2").starts_with("[1,"));
        assert!(at(t, "/a/b~0~1c/01").starts_with("[1,"));
        assert!(at(t, "/e/f").starts_with('2'));
    }

    #[test]
    fn a_duplicate_key_is_at_its_second_occurrence() {
        let t = r#"{"id": 1, "x": 2, "id": 3}"#;
        assert!(t.get(value_offset(t, "/id", true)..).unwrap_or_default().starts_with('3'));
        assert!(t.get(value_offset(t, "/id", false)..).unwrap_or_default().starts_with('1'));
    }

    #[test]
    fn lines_and_columns_count_code_points_from_the_record_start() {
        let record = "{\n  \"é\": 1,\n  \"status\": \"x\"\n}";
        let mut issues = vec![Issue::new(IssueCode::UnknownStatus, "/data/4/status".into(), "m")];
        locate(record, "/data/4", (7, 3), &mut issues);
        assert_eq!((issues[0].line, issues[0].column), (Some(9), Some(13)));
        let mut first = vec![Issue::new(IssueCode::MissingField, "/data/4/error".into(), "m")];
        locate(record, "/data/4", (7, 3), &mut first);
        assert_eq!((first[0].line, first[0].column), (Some(7), Some(4)));
    }
}

//! JSON text out: what the JavaScript boundary hands to `JSON.parse`, and the NDJSON lines the
//! command-line tool prints.
//!
//! Written by hand rather than by serde_json: the generic serializer, its error machinery and
//! `std::io` made up about a tenth of the .wasm (issue #6). The serde derives stay on the types
//! for Rust users; `tests/json_out.rs` checks that both give the same JSON. Strings are escaped
//! as `JSON.stringify` escapes them and numbers written as JavaScript writes them, so the CLI's
//! output reads as if JavaScript had written it.

use std::borrow::Cow;

use crate::health::{Health, HealthChange, HealthChangeKind, HealthCheck, HealthRule, HealthStatus};
use crate::issue::{Issue, IssueCode, Severity};
use crate::json::{Value, MAX_SAFE};
use crate::run::{Extra, RowCounts, SyncRun, SyncRunStatus};
use crate::summary::{
    BatchSummary, ByStatus, Daily, LastFailure, LastSuccess, LastTerminal, Latest, RowTotals, Rows, RunSummary, Stats,
    TopError,
};
use crate::{NormalizeResult, NormalizeRunsResult, RecordBatch, RecordCounts, SummarizeResult, ValidateResult};

/// A value that can write itself as JSON text.
pub trait ToJson {
    fn json(&self, o: &mut String);
}

/// `v` as JSON text.
pub fn to_json<T: ToJson + ?Sized>(v: &T) -> String {
    let mut o = String::new();
    v.json(&mut o);
    o
}

/// Opens an object and writes its members: `{"a":…,"b":…`. The caller writes any flattened
/// members and the closing `}`.
macro_rules! members {
    ($o:ident; $k0:literal: $v0:expr $(, $k:literal: $v:expr)* $(,)?) => {{
        raw($o, concat!("{\"", $k0, "\":"));
        ToJson::json(&$v0, $o);
        $(
            raw($o, concat!(",\"", $k, "\":"));
            ToJson::json(&$v, $o);
        )*
    }};
}

/// Append `s` as it is. Not inlined: objects call it once per key, and inlined copies of
/// `String::push_str` made the writers several times larger.
#[inline(never)]
pub fn raw(o: &mut String, s: &str) {
    o.push_str(s);
}

/// A piece of a message for [`text!`]: text or a whole number.
pub trait Piece {
    fn put(&self, o: &mut String);
}

impl Piece for str {
    #[inline(never)]
    fn put(&self, o: &mut String) {
        o.push_str(self);
    }
}

impl Piece for String {
    #[inline(never)]
    fn put(&self, o: &mut String) {
        o.push_str(self);
    }
}

impl Piece for Cow<'_, str> {
    #[inline(never)]
    fn put(&self, o: &mut String) {
        o.push_str(self);
    }
}

impl Piece for u64 {
    fn put(&self, o: &mut String) {
        unsigned(*self, o);
    }
}

impl Piece for usize {
    fn put(&self, o: &mut String) {
        unsigned(*self as u64, o);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn put(&self, o: &mut String) {
        (**self).put(o);
    }
}

/// A message from pieces: `text!("found ", n, " runs")`. Messages are built this way rather than
/// with `format!`, which brought `core::fmt`'s formatting machinery into the .wasm.
macro_rules! text {
    ($($piece:expr),+ $(,)?) => {{
        let mut s = String::new();
        $( $crate::out::Piece::put(&$piece, &mut s); )+
        s
    }};
}
pub(crate) use text;

/// `s` as a JSON string, escaped as `JSON.stringify` escapes it.
#[inline(never)]
pub fn string(s: &str, o: &mut String) {
    o.push('"');
    let mut plain = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            0..=0x1F => "",
            _ => continue,
        };
        o.push_str(s.get(plain..i).unwrap_or_default());
        plain = i + 1;
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            o.push_str("\\u00");
            o.push(char::from(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
            o.push(char::from(HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0')));
        } else {
            o.push_str(esc);
        }
    }
    o.push_str(s.get(plain..).unwrap_or_default());
    o.push('"');
}

/// The decimal digits of `n`.
#[inline(never)]
pub fn unsigned(n: u64, o: &mut String) {
    let (buf, start) = digits(n);
    push_ascii(buf.get(start..).unwrap_or_default(), o);
}

/// The decimal digits of `n`, right-aligned in 20 bytes, and where they start.
fn digits(mut n: u64) -> ([u8; 20], usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            return (buf, i);
        }
    }
}

fn push_ascii(bytes: &[u8], o: &mut String) {
    bytes.iter().for_each(|&d| o.push(char::from(d)));
}

/// The decimal digits of `n`, with a `-` if negative.
pub fn signed(n: i64, o: &mut String) {
    if n < 0 {
        o.push('-');
    }
    unsigned(n.unsigned_abs(), o);
}

/// `n` as JavaScript's `String(n)` writes it (shortest round-trip digits, exponent from 1e21 and
/// below 1e-6), with `-0` as `0`; NaN and ±Infinity as `null`, as `JSON.stringify` writes them.
#[inline(never)]
pub fn number(n: f64, o: &mut String) {
    if !n.is_finite() {
        o.push_str("null");
        return;
    }
    if n.fract() == 0.0 && n.abs() <= MAX_SAFE {
        #[allow(clippy::cast_possible_truncation)]
        signed(n as i64, o);
        return;
    }
    if n < 0.0 {
        o.push('-');
    }
    let a = n.abs();
    if !short_decimal(a, o) {
        shortest(a, o);
    }
}

/// Write `a` (positive, not a whole number) if its shortest round-trip form is a plain decimal
/// with at most 15 fraction digits and fewer than 2^53 as digits (ratios, rates, means: nearly
/// every number the library writes); false, having written nothing, when it is not.
///
/// The shortest form has the fewest fraction digits k for which some integer m gives back `a`
/// as m / 10^k. For each k from 1 this tries the integer nearest to a·10^k and its neighbours
/// (a·10^k is rounded once, so the exact nearest is among them): exactly one of them gives `a`
/// back, then it is the answer; two or more, and JavaScript would pick the closest of several
/// candidates, which is left to [`shortest`].
fn short_decimal(a: f64, o: &mut String) -> bool {
    if !(1e-6..=1e15).contains(&a) {
        return false;
    }
    let mut scale = 1.0;
    for k in 1..=15i64 {
        scale *= 10.0;
        let scaled = a * scale;
        if scaled >= 9e15 {
            return false;
        }
        // Nearest integer (0 ≤ scaled < 9e15); the exact one is within ±1 of it.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let m = (scaled + 0.5) as u64;
        let back = |m: u64| crate::json::decimal_to_f64(m, -k) == Some(a);
        let found = [m.wrapping_sub(1), m, m + 1].map(|c| c > 0 && back(c));
        match found {
            [false, false, false] => continue,
            [false, true, false] => {
                let (buf, start) = digits(m);
                let ds = buf.get(start..).unwrap_or_default();
                // m has no trailing zero (m / 10 would have been found at k − 1).
                let k = k as usize;
                match ds.len().checked_sub(k) {
                    Some(0) | None => {
                        o.push_str("0.");
                        (ds.len()..k).for_each(|_| o.push('0'));
                        push_ascii(ds, o);
                    }
                    Some(whole) => {
                        let (int, frac) = ds.split_at(whole);
                        push_ascii(int, o);
                        o.push('.');
                        push_ascii(frac, o);
                    }
                }
                return true;
            }
            _ => return false,
        }
    }
    false
}

/// JavaScript's own `String(a)`, for the numbers [`short_decimal`] leaves: one call into the
/// engine instead of a shortest-digits algorithm and its tables in the .wasm.
#[cfg(target_arch = "wasm32")]
#[cold]
fn shortest(a: f64, o: &mut String) {
    o.push_str(&crate::wasm::js_string(a));
}

/// `a` (positive, finite) as JavaScript's `String(a)`: zmij's shortest round-trip digits, laid
/// out by ECMAScript's Number::toString rules.
#[cfg(not(target_arch = "wasm32"))]
fn shortest(a: f64, o: &mut String) {
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(a);
    // zmij writes `d.ddd`, `ddd.d` or `d.ddde±x`: collect the digits and where the point goes
    // (value = 0.DIGITS × 10^point).
    let (mantissa, exp) = match text.split_once('e') {
        Some((m, e)) => (m, e),
        None => (text, "0"),
    };
    let exp_neg = exp.starts_with('-');
    let mut exp_value: i32 = 0;
    for d in exp.bytes().filter(u8::is_ascii_digit) {
        exp_value = exp_value.saturating_mul(10).saturating_add(i32::from(d - b'0'));
    }
    let mut digits = [0u8; 24];
    let mut k = 0usize;
    let mut point: i32 = 0;
    let mut seen_point = false;
    for b in mantissa.bytes() {
        if b == b'.' {
            seen_point = true;
            continue;
        }
        if k == 0 && b == b'0' {
            // A leading zero: moves the point left if after it, nothing if before.
            if seen_point {
                point -= 1;
            }
            continue;
        }
        if let Some(slot) = digits.get_mut(k) {
            *slot = b;
            k += 1;
        }
        if !seen_point {
            point += 1;
        }
    }
    while k > 1 && digits.get(k - 1) == Some(&b'0') {
        k -= 1;
    }
    let point = point + if exp_neg { -exp_value } else { exp_value };
    let digits = digits.get(..k).unwrap_or_default();
    let push = |o: &mut String, ds: &[u8]| ds.iter().for_each(|&d| o.push(char::from(d)));
    let kk = k as i32;
    if kk <= point && point <= 21 {
        push(o, digits);
        (0..point - kk).for_each(|_| o.push('0'));
    } else if 0 < point && point <= 21 {
        let (a, b) = digits.split_at(point as usize);
        push(o, a);
        o.push('.');
        push(o, b);
    } else if -6 < point && point <= 0 {
        o.push_str("0.");
        (0..-point).for_each(|_| o.push('0'));
        push(o, digits);
    } else {
        let (a, b) = digits.split_at(1.min(k));
        push(o, a);
        if !b.is_empty() {
            o.push('.');
            push(o, b);
        }
        let e = point - 1;
        o.push_str(if e < 0 { "e-" } else { "e+" });
        unsigned(u64::from(e.unsigned_abs()), o);
    }
}

impl ToJson for str {
    fn json(&self, o: &mut String) {
        string(self, o);
    }
}

impl ToJson for String {
    fn json(&self, o: &mut String) {
        string(self, o);
    }
}

impl ToJson for Cow<'_, str> {
    fn json(&self, o: &mut String) {
        string(self, o);
    }
}

impl ToJson for bool {
    fn json(&self, o: &mut String) {
        raw(o, if *self { "true" } else { "false" });
    }
}

impl ToJson for u64 {
    fn json(&self, o: &mut String) {
        unsigned(*self, o);
    }
}

impl ToJson for i64 {
    fn json(&self, o: &mut String) {
        signed(*self, o);
    }
}

impl ToJson for f64 {
    fn json(&self, o: &mut String) {
        number(*self, o);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn json(&self, o: &mut String) {
        match self {
            Some(v) => v.json(o),
            None => raw(o, "null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn json(&self, o: &mut String) {
        o.push('[');
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            v.json(o);
        }
        o.push(']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn json(&self, o: &mut String) {
        self.as_slice().json(o);
    }
}

/// Members `,"key":value` of kept unknown keys, after an object's own members.
pub fn flattened<K: AsRef<str>>(members: &[(K, Value)], o: &mut String) {
    for (k, v) in members {
        o.push(',');
        string(k.as_ref(), o);
        o.push(':');
        v.json(o);
    }
}

/// `members` as one JSON object.
pub fn object<K: AsRef<str>>(members: &[(K, Value)], o: &mut String) {
    o.push('{');
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        string(k.as_ref(), o);
        o.push(':');
        v.json(o);
    }
    o.push('}');
}

impl ToJson for Value {
    fn json(&self, o: &mut String) {
        match self {
            Value::Null => o.push_str("null"),
            Value::Bool(b) => b.json(o),
            Value::Number(n) => number(*n, o),
            Value::String(s) => string(s, o),
            Value::Array(items) => items.json(o),
            Value::Object(members) => object(members, o),
        }
    }
}

impl ToJson for Extra {
    fn json(&self, o: &mut String) {
        object(&self.0, o);
    }
}

impl ToJson for SyncRunStatus {
    fn json(&self, o: &mut String) {
        string(self.as_str(), o);
    }
}

impl ToJson for Severity {
    fn json(&self, o: &mut String) {
        string(self.as_str(), o);
    }
}

impl ToJson for IssueCode {
    fn json(&self, o: &mut String) {
        string(self.as_str(), o);
    }
}

impl ToJson for Issue {
    fn json(&self, o: &mut String) {
        members!(o; "severity": self.severity, "code": self.code, "path": self.path, "message": self.message,
            "line": self.line, "column": self.column);
        o.push('}');
    }
}

impl ToJson for RowCounts {
    fn json(&self, o: &mut String) {
        members!(o; "addedCount": self.added_count, "changedCount": self.changed_count,
            "removedCount": self.removed_count);
        flattened(&self.extra.0, o);
        o.push('}');
    }
}

impl ToJson for SyncRun {
    fn json(&self, o: &mut String) {
        members!(o; "id": self.id, "status": self.status, "createdAt": self.created_at,
            "startedAt": self.started_at, "finishedAt": self.finished_at,
            "completionRatio": self.completion_ratio, "querySize": self.query_size,
            "plannedRows": self.planned_rows, "successfulRows": self.successful_rows,
            "failedRows": self.failed_rows, "error": self.error);
        flattened(&self.extra.0, o);
        o.push('}');
    }
}

impl ToJson for RowTotals {
    fn json(&self, o: &mut String) {
        members!(o; "added": self.added, "changed": self.changed, "removed": self.removed, "total": self.total);
        o.push('}');
    }
}

impl ToJson for Rows {
    fn json(&self, o: &mut String) {
        members!(o; "planned": self.planned, "successful": self.successful, "failed": self.failed);
        o.push('}');
    }
}

impl ToJson for RunSummary {
    fn json(&self, o: &mut String) {
        members!(o; "id": self.id, "status": self.status, "terminal": self.terminal,
            "succeeded": self.succeeded, "createdAt": self.created_at, "startedAt": self.started_at,
            "finishedAt": self.finished_at, "durationMs": self.duration_ms, "queuedMs": self.queued_ms,
            "rows": self.rows, "attemptedRows": self.attempted_rows, "skippedRows": self.skipped_rows,
            "failureRate": self.failure_rate, "rowsPerSecond": self.rows_per_second,
            "completionRatio": self.completion_ratio, "querySize": self.query_size, "error": self.error,
            "issues": self.issues);
        o.push('}');
    }
}

impl ToJson for Stats {
    fn json(&self, o: &mut String) {
        members!(o; "count": self.count, "min": self.min, "p50": self.p50, "p90": self.p90, "p95": self.p95,
            "p99": self.p99, "max": self.max, "mean": self.mean);
        o.push('}');
    }
}

impl ToJson for Latest {
    fn json(&self, o: &mut String) {
        members!(o; "id": self.id, "status": self.status, "createdAt": self.created_at);
        o.push('}');
    }
}

impl ToJson for LastSuccess {
    fn json(&self, o: &mut String) {
        members!(o; "id": self.id, "createdAt": self.created_at, "finishedAt": self.finished_at);
        o.push('}');
    }
}

impl ToJson for LastFailure {
    fn json(&self, o: &mut String) {
        members!(o; "id": self.id, "status": self.status, "createdAt": self.created_at,
            "finishedAt": self.finished_at, "error": self.error);
        o.push('}');
    }
}

impl ToJson for LastTerminal {
    fn json(&self, o: &mut String) {
        members!(o; "id": self.id, "status": self.status, "createdAt": self.created_at,
            "finishedAt": self.finished_at, "durationMs": self.duration_ms, "querySize": self.query_size,
            "attemptedRows": self.attempted_rows, "failedRows": self.failed_rows, "failureRate": self.failure_rate);
        o.push('}');
    }
}

impl ToJson for TopError {
    fn json(&self, o: &mut String) {
        members!(o; "pattern": self.pattern, "count": self.count, "lastMessage": self.last_message,
            "lastRunId": self.last_run_id);
        o.push('}');
    }
}

impl ToJson for Daily {
    fn json(&self, o: &mut String) {
        members!(o; "date": self.date, "runs": self.runs, "succeeded": self.succeeded, "failed": self.failed,
            "attemptedRows": self.attempted_rows, "failedRows": self.failed_rows);
        o.push('}');
    }
}

impl ToJson for ByStatus {
    fn json(&self, o: &mut String) {
        members!(o; "success": self.success, "warning": self.warning, "failed": self.failed,
            "cancelled": self.cancelled, "interrupted": self.interrupted, "queued": self.queued,
            "querying": self.querying, "processing": self.processing, "reporting": self.reporting);
        o.push('}');
    }
}

impl ToJson for BatchSummary {
    fn json(&self, o: &mut String) {
        members!(o; "records": self.records, "valid": self.valid, "invalid": self.invalid,
            "duplicates": self.duplicates, "hasMore": self.has_more, "byStatus": self.by_status,
            "terminal": self.terminal, "inProgress": self.in_progress, "succeeded": self.succeeded,
            "failed": self.failed, "successRate": self.success_rate, "rows": self.rows,
            "attemptedRows": self.attempted_rows, "skippedRows": self.skipped_rows,
            "failureRate": self.failure_rate, "durationMs": self.duration_ms, "queuedMs": self.queued_ms,
            "firstCreatedAt": self.first_created_at, "lastCreatedAt": self.last_created_at,
            "latest": self.latest, "lastSuccess": self.last_success, "lastFailure": self.last_failure,
            "failureStreak": self.failure_streak, "topErrors": self.top_errors, "daily": self.daily,
            "lastTerminal": self.last_terminal, "querySize": self.query_size,
            "errorCount": self.error_count, "warningCount": self.warning_count, "issues": self.issues,
            "issuesTruncated": self.issues_truncated);
        o.push('}');
    }
}

impl ToJson for HealthStatus {
    fn json(&self, o: &mut String) {
        string(self.as_str(), o);
    }
}

impl ToJson for HealthRule {
    fn json(&self, o: &mut String) {
        string(self.as_str(), o);
    }
}

impl ToJson for HealthChangeKind {
    fn json(&self, o: &mut String) {
        string(self.as_str(), o);
    }
}

impl ToJson for HealthCheck {
    fn json(&self, o: &mut String) {
        members!(o; "rule": self.rule, "status": self.status, "value": self.value, "warning": self.warning,
            "critical": self.critical, "message": self.message);
        o.push('}');
    }
}

impl ToJson for Health {
    fn json(&self, o: &mut String) {
        members!(o; "status": self.status, "checks": self.checks);
        o.push('}');
    }
}

impl ToJson for HealthChange {
    fn json(&self, o: &mut String) {
        members!(o; "rule": self.rule, "from": self.from, "to": self.to, "change": self.change,
            "message": self.message);
        o.push('}');
    }
}

impl ToJson for ValidateResult {
    fn json(&self, o: &mut String) {
        members!(o; "valid": self.valid, "issues": self.issues);
        o.push('}');
    }
}

impl ToJson for NormalizeResult {
    fn json(&self, o: &mut String) {
        members!(o; "valid": self.valid, "run": self.run, "issues": self.issues);
        o.push('}');
    }
}

impl ToJson for SummarizeResult {
    fn json(&self, o: &mut String) {
        members!(o; "valid": self.valid, "summary": self.summary, "issues": self.issues);
        o.push('}');
    }
}

impl ToJson for NormalizeRunsResult {
    fn json(&self, o: &mut String) {
        members!(o; "runs": self.runs, "records": self.records, "valid": self.valid, "invalid": self.invalid,
            "duplicates": self.duplicates, "hasMore": self.has_more, "errorCount": self.error_count,
            "warningCount": self.warning_count, "issues": self.issues, "issuesTruncated": self.issues_truncated);
        o.push('}');
    }
}

impl ToJson for RecordCounts {
    fn json(&self, o: &mut String) {
        members!(o; "records": self.records, "valid": self.valid, "invalid": self.invalid,
            "duplicates": self.duplicates, "hasMore": self.has_more, "errorCount": self.error_count,
            "warningCount": self.warning_count);
        o.push('}');
    }
}

impl ToJson for RecordBatch {
    fn json(&self, o: &mut String) {
        members!(o; "runs": self.runs, "issues": self.issues, "counts": self.counts);
        o.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(n: f64) -> String {
        let mut o = String::new();
        number(n, &mut o);
        o
    }

    /// Expected strings are what Node 20's `String(n)` prints.
    #[test]
    fn numbers_as_javascript_writes_them() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-2.5, "-2.5"),
            (0.1, "0.1"),
            (0.5, "0.5"),
            (1.0 / 3.0, "0.3333333333333333"),
            (2.0 / 3.0, "0.6666666666666666"),
            (123456789.125, "123456789.125"),
            (9007199254740991.0, "9007199254740991"),
            (9007199254740992.0, "9007199254740992"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (1e300, "1e+300"),
            (f64::MAX, "1.7976931348623157e+308"),
            (0.000001, "0.000001"),
            (0.0000012, "0.0000012"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (-1.5e-7, "-1.5e-7"),
            (5e-324, "5e-324"),
            (0.001, "0.001"),
            (12.5, "12.5"),
            (1234.5678, "1234.5678"),
            (f64::NAN, "null"),
            (f64::INFINITY, "null"),
        ];
        for &(n, want) in cases {
            assert_eq!(num(n), want, "{n:e}");
        }
    }

    #[test]
    fn numbers_round_trip() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = f64::from_bits(x);
            if n.is_finite() {
                let back: f64 = num(n).parse().unwrap();
                assert_eq!(back, if n == 0.0 { 0.0 } else { n }, "{n:e} → {}", num(n));
            }
        }
    }

    /// SPEC §8 (results are what `JSON.stringify` writes): the short-decimal path must write
    /// exactly what the full shortest-digits path writes,
    /// whenever it writes anything: decimals of every length, their neighbours one ulp away,
    /// near-ties, and random bit patterns.
    #[test]
    fn short_decimals_agree_with_shortest_digits() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let (mut short, mut total) = (0, 0);
        for i in 0..600_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = 1 + (x >> 59) as i64 % 17;
            let m = (x >> 8) % 10u64.pow(digits as u32);
            let k = (x >> 4) as i64 % 19;
            let a = match i % 4 {
                0 => crate::json::decimal_to_f64(m, -k).unwrap_or(0.5),
                1 => f64::from_bits(crate::json::decimal_to_f64(m, -k).unwrap_or(0.5).to_bits().wrapping_add(1)),
                2 => f64::from_bits(crate::json::decimal_to_f64(m, -k).unwrap_or(0.5).to_bits().wrapping_sub(1)),
                _ => f64::from_bits(x >> 2 | 0x3E00_0000_0000_0000),
            };
            if !a.is_finite() || a <= 0.0 || a.fract() == 0.0 {
                continue;
            }
            let (mut fast, mut full) = (String::new(), String::new());
            shortest(a, &mut full);
            total += 1;
            if short_decimal(a, &mut fast) {
                short += 1;
                assert_eq!(fast, full, "{a:e}");
            } else {
                assert!(fast.is_empty(), "{a:e}");
            }
        }
        // Both paths must be exercised many times (about one in five takes the short one).
        assert!(short > 100_000 && total - short > 100_000, "{short} of {total}");
    }

    #[test]
    fn strings_as_json_stringify_escapes_them() {
        let mut o = String::new();
        string("a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f} é 😀 \u{2028}", &mut o);
        assert_eq!(o, r#""a\"b\\c\n\r\t\b\f\u0001\u001f é 😀 "#.to_string() + "\u{2028}\"");
    }

    #[test]
    fn integers() {
        let mut o = String::new();
        unsigned(0, &mut o);
        o.push(' ');
        unsigned(u64::MAX, &mut o);
        o.push(' ');
        signed(i64::MIN, &mut o);
        assert_eq!(o, "0 18446744073709551615 -9223372036854775808");
    }
}

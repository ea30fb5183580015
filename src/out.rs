//! JSON text out: what the JavaScript boundary hands to `JSON.parse`, and the NDJSON lines the
//! command-line tool prints.
//!
//! Written by hand rather than by serde_json: the generic serializer, its error machinery and
//! `std::io` made up about a tenth of the .wasm (issue #6). The serde derives stay on the types
//! for Rust users; `tests/json_out.rs` checks that both give the same JSON. Strings are escaped
//! as `JSON.stringify` escapes them and numbers written as JavaScript writes them, so the CLI's
//! output reads as if JavaScript had written it.

use std::borrow::Cow;

use crate::batch::RecordCounts;
use crate::health::{Health, HealthChange, HealthChangeKind, HealthCheck, HealthRule, HealthStatus};
use crate::issue::{Issue, IssueCode, Severity};
use crate::json::Value;
use crate::result::{NormalizeResult, NormalizeRunsResult, RecordBatch, SummarizeResult, ValidateResult};
use crate::run::{Extra, Normalized, RowCounts, SyncRun, SyncRunStatus, FIELDS, OPS};
use crate::summary::{
    BatchSummary, ByStatus, Daily, LastFailure, LastSuccess, LastTerminal, Latest, RowTotals, Rows, RunSummary, Stats,
    TopError,
};
pub use crate::write::{number, raw, signed, string, unsigned, Piece};

/// More members of an open object: `,"a":…,"b":…`.
macro_rules! more {
    ($o:ident; $($k:literal: $v:expr),+ $(,)?) => {{
        $(
            raw($o, concat!(",\"", $k, "\":"));
            ToJson::json(&$v, $o);
        )+
    }};
}

/// The members of a batch's counts after `lead` (`{` to open an object, `,` after members).
fn count_members(c: &RecordCounts, lead: char, o: &mut String) {
    o.push(lead);
    raw(o, "\"records\":");
    c.records.json(o);
    more!(o; "valid": c.valid, "invalid": c.invalid, "duplicates": c.duplicates, "hasMore": c.has_more,
        "errorCount": c.error_count, "warningCount": c.warning_count);
}

/// A value that can write itself as JSON text.
pub trait ToJson {
    /// Append `self` as JSON text to `o`.
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

/// `"key":` after `lead` (`{` or `,`), for keys of the field table (plain ASCII).
fn key(lead: char, key: &str, o: &mut String) {
    o.push(lead);
    o.push('"');
    raw(o, key);
    raw(o, "\":");
}

impl ToJson for RowCounts {
    fn json(&self, o: &mut String) {
        for (i, (op, n)) in OPS.iter().zip(self.ops()).enumerate() {
            key(if i == 0 { '{' } else { ',' }, op, o);
            n.json(o);
        }
        flattened(&self.extra.0, o);
        o.push('}');
    }
}

/// The 11 keys of SPEC §2 in the field table's order, then the kept unknown keys.
impl ToJson for SyncRun {
    fn json(&self, o: &mut String) {
        for (i, spec) in FIELDS.iter().enumerate() {
            key(if i == 0 { '{' } else { ',' }, spec.key, o);
            match self.get(spec.field) {
                Normalized::Text(s) => string(s, o),
                Normalized::Status(s) => s.json(o),
                Normalized::OptText(Some(s)) => string(s, o),
                Normalized::OptText(None) => raw(o, "null"),
                Normalized::Number(n) => number(n, o),
                Normalized::Count(n) => n.json(o),
                Normalized::Rows(r) => r.json(o),
            }
        }
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
        members!(o; "runs": self.runs);
        count_members(&self.counts, ',', o);
        more!(o; "issues": self.issues, "issuesTruncated": self.issues_truncated);
        o.push('}');
    }
}

impl ToJson for RecordCounts {
    fn json(&self, o: &mut String) {
        count_members(self, '{', o);
        o.push('}');
    }
}

impl ToJson for RecordBatch {
    fn json(&self, o: &mut String) {
        members!(o; "runs": self.runs, "issues": self.issues, "counts": self.counts);
        o.push('}');
    }
}

//! A [`BatchSummary`] (and its [`Health`]) in the Prometheus text exposition format 0.0.4
//! (SPEC §10): what the node_exporter textfile collector, the Pushgateway and `promtool check
//! metrics` read.
//!
//! Each call runs once per judgement, never per run: entry points are `#[cold]` and helpers not
//! inlined, for a smaller .wasm.

use crate::health::{Health, Misuse};
use crate::out::{number, text};
use crate::run::SyncRunStatus;
use crate::summary::{BatchSummary, Stats};
use crate::timestamp::parse_timestamp;

/// Options of `formatMetrics` (SPEC §10).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct MetricsOptions {
    /// Label name → value added to every sample, first in each label set, in this order. Names
    /// match `[a-zA-Z_][a-zA-Z0-9_]*`, do not start with `__`, and are not `status`, `kind`,
    /// `quantile` or `rule`.
    #[cfg_attr(target_arch = "wasm32", tsify(optional, type = "Record<string, string>"))]
    pub labels: Vec<(String, String)>,
    /// A judgement from `checkHealth` to include as `syncrun_health_status`.
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub health: Option<Health>,
}

/// Misuse unless `name` may be a user label (SPEC §10).
#[inline(never)]
pub fn check_label_name(name: &str) -> Result<(), Misuse> {
    let b = name.as_bytes();
    let word = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    let valid = b.first().is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') && b.iter().all(word);
    if !valid {
        return Err(Misuse::option_of(&["label name \"", name, "\" must match [a-zA-Z_][a-zA-Z0-9_]*"]));
    }
    if name.starts_with("__") || matches!(name, "status" | "kind" | "quantile" | "rule") {
        return Err(Misuse::option_of(&[
            "label name \"",
            name,
            "\" is reserved (names starting with __, and status, kind, quantile, rule)",
        ]));
    }
    Ok(())
}

/// Writes families and samples, with the user's labels already escaped.
struct Writer {
    out: String,
    /// `a="x",b="y"`: the user's labels as they go inside every sample's braces.
    labels: String,
}

impl Writer {
    #[inline(never)]
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        self.out.push_str(&text!("# HELP ", name, " ", help, "\n# TYPE ", name, " ", kind, "\n"));
    }

    /// `name{labels,own} value`, where `own` is the family's own label (`status="success"`) or "".
    #[inline(never)]
    fn sample(&mut self, name: &str, own: &str, value: f64) {
        let o = &mut self.out;
        o.push_str(name);
        if !self.labels.is_empty() || !own.is_empty() {
            o.push('{');
            o.push_str(&self.labels);
            if !self.labels.is_empty() && !own.is_empty() {
                o.push(',');
            }
            o.push_str(own);
            o.push('}');
        }
        o.push(' ');
        number(value, o);
        o.push('\n');
    }

    #[inline(never)]
    fn gauge(&mut self, name: &str, help: &str, value: Option<f64>) {
        self.family(name, "gauge", help);
        if let Some(v) = value {
            self.sample(name, "", v);
        }
    }

    /// A summary family of milliseconds, in seconds: quantiles, `_sum`, `_count`.
    #[inline(never)]
    fn summary(&mut self, name: &str, help: &str, s: &Stats) {
        self.family(name, "summary", help);
        for (q, v) in [("0.5", s.p50), ("0.9", s.p90), ("0.95", s.p95), ("0.99", s.p99)] {
            if let Some(ms) = v {
                self.sample(name, &text!("quantile=\"", q, "\""), seconds(ms));
            }
        }
        let count = float(s.count);
        let sum = s.mean.map_or(0.0, |mean| mean * count / 1000.0);
        self.sample(&text!(name, "_sum"), "", sum);
        self.sample(&text!(name, "_count"), "", count);
    }
}

#[allow(clippy::cast_precision_loss)]
fn float(n: u64) -> f64 {
    n as f64
}

#[allow(clippy::cast_precision_loss)]
fn seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// A timestamp as epoch seconds; `None` when absent.
#[inline(never)]
fn epoch(ts: Option<&str>) -> Option<f64> {
    ts.and_then(parse_timestamp).map(seconds)
}

/// `value` escaped as the format escapes label values: `\\`, `\"`, `\n`.
#[inline(never)]
fn escape(value: &str, o: &mut String) {
    // Byte by byte: the three are ASCII, so the slices between them are whole characters.
    let mut plain = 0;
    for (i, b) in value.bytes().enumerate() {
        let esc = match b {
            b'\\' => "\\\\",
            b'"' => "\\\"",
            b'\n' => "\\n",
            _ => continue,
        };
        o.push_str(value.get(plain..i).unwrap_or_default());
        o.push_str(esc);
        plain = i + 1;
    }
    o.push_str(value.get(plain..).unwrap_or_default());
}

/// The Prometheus text of `summary` with `labels` on every sample and `health`'s checks, if
/// given (SPEC §10). Label names must have passed [`check_label_name`].
#[inline(never)]
#[cold]
pub fn format_metrics(summary: &BatchSummary, labels: &[(String, String)], health: Option<&Health>) -> String {
    let s = summary;
    let mut user = String::new();
    for (i, (name, value)) in labels.iter().enumerate() {
        if i > 0 {
            user.push(',');
        }
        user.push_str(name);
        user.push_str("=\"");
        escape(value, &mut user);
        user.push('"');
    }
    let mut w = Writer { out: String::with_capacity(4096), labels: user };
    w.gauge("syncrun_records", "Records read, valid or not.", Some(float(s.records)));
    w.gauge("syncrun_valid_runs", "Valid runs, duplicates left out.", Some(float(s.valid)));
    w.gauge("syncrun_invalid_records", "Records with errors.", Some(float(s.invalid)));
    w.gauge("syncrun_duplicate_runs", "Valid runs whose id was seen before.", Some(float(s.duplicates)));
    w.family("syncrun_runs", "gauge", "Valid runs by status.");
    let b = &s.by_status;
    let counts =
        [b.success, b.warning, b.failed, b.cancelled, b.interrupted, b.queued, b.querying, b.processing, b.reporting];
    for (status, n) in SyncRunStatus::ALL.iter().zip(counts) {
        w.sample("syncrun_runs", &text!("status=\"", status.as_str(), "\""), float(n));
    }
    w.gauge("syncrun_success_ratio", "Succeeded runs / terminal runs.", s.success_rate);
    w.gauge(
        "syncrun_failure_streak",
        "Terminal runs that did not succeed, counted back from the most recent one.",
        Some(float(s.failure_streak)),
    );
    w.family("syncrun_rows", "gauge", "Rows of the valid runs by kind.");
    for (kind, n) in [("attempted", s.attempted_rows), ("failed", s.rows.failed.total), ("skipped", s.skipped_rows)] {
        w.sample("syncrun_rows", &text!("kind=\"", kind, "\""), float(n));
    }
    w.summary("syncrun_run_duration_seconds", "Run durations, finishedAt - startedAt.", &s.duration_ms);
    w.summary("syncrun_queue_duration_seconds", "Time runs waited, startedAt - createdAt.", &s.queued_ms);
    w.gauge(
        "syncrun_last_success_timestamp_seconds",
        "finishedAt of the most recent succeeded run.",
        epoch(s.last_success.as_ref().and_then(|l| l.finished_at.as_deref())),
    );
    w.gauge(
        "syncrun_last_failure_timestamp_seconds",
        "finishedAt of the most recent terminal run that did not succeed.",
        epoch(s.last_failure.as_ref().and_then(|l| l.finished_at.as_deref())),
    );
    w.gauge(
        "syncrun_latest_run_timestamp_seconds",
        "createdAt of the most recent run.",
        epoch(s.latest.as_ref().map(|l| l.created_at.as_str())),
    );
    if let Some(h) = health {
        w.family(
            "syncrun_health_status",
            "gauge",
            "Health per rule and overall: 0 ok, 1 warning, 2 critical, 3 unknown.",
        );
        for c in &h.checks {
            w.sample("syncrun_health_status", &text!("rule=\"", c.rule.as_str(), "\""), f64::from(c.status.metric()));
        }
        // The overall status as the Health says it (one read back carries its own).
        w.sample("syncrun_health_status", "rule=\"overall\"", f64::from(h.status.metric()));
    }
    w.out
}

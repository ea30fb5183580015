//! A [`BatchSummary`] (and its [`Health`]) in the Prometheus text exposition format 0.0.4
//! (SPEC §10): what the node_exporter textfile collector, the Pushgateway and `promtool check
//! metrics` read.
//!
//! Each call runs once per judgement, never per run: entry points are `#[cold]` and helpers not
//! inlined, for a smaller .wasm.

use crate::figures::{slot, Figures};
use crate::health::{Health, Misuse};
use crate::summary::BatchSummary;
use crate::write::number;

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

/// How a family's samples come from the figures.
enum Samples {
    /// One sample, the figure at the slot (none when null) divided by the divisor.
    Gauge(usize, f64),
    /// One sample per label value (`status="success"`, …), from consecutive slots.
    Labeled(&'static str, &'static [&'static str], usize),
    /// A summary of milliseconds in seconds, from the stats at the slot (count, p50, p90,
    /// p95, p99, mean): quantiles, `_sum`, `_count`.
    Summary(usize),
}

/// Milliseconds per second: timestamps and durations are milliseconds, the metrics seconds.
const MS: f64 = 1000.0;

/// The families of SPEC §10 but health: name, HELP text, samples.
const FAMILIES: &[(&str, &str, Samples)] = &[
    ("syncrun_records", "Records read, valid or not.", Samples::Gauge(slot::RECORDS, 1.0)),
    ("syncrun_valid_runs", "Valid runs, duplicates left out.", Samples::Gauge(slot::VALID, 1.0)),
    ("syncrun_invalid_records", "Records with errors.", Samples::Gauge(slot::INVALID, 1.0)),
    ("syncrun_duplicate_runs", "Valid runs whose id was seen before.", Samples::Gauge(slot::DUPLICATES, 1.0)),
    (
        "syncrun_runs",
        "Valid runs by status.",
        Samples::Labeled(
            "status",
            &[
                "success",
                "warning",
                "failed",
                "cancelled",
                "interrupted",
                "queued",
                "querying",
                "processing",
                "reporting",
            ],
            slot::BY_STATUS,
        ),
    ),
    ("syncrun_success_ratio", "Succeeded runs / terminal runs.", Samples::Gauge(slot::SUCCESS_RATE, 1.0)),
    (
        "syncrun_failure_streak",
        "Terminal runs that did not succeed, counted back from the most recent one.",
        Samples::Gauge(slot::FAILURE_STREAK, 1.0),
    ),
    // The row counts' slots are not consecutive: read through ROW_KINDS.
    (
        "syncrun_rows",
        "Rows of the valid runs by kind.",
        Samples::Labeled("kind", &["attempted", "failed", "skipped"], ROWS),
    ),
    ("syncrun_run_duration_seconds", "Run durations, finishedAt - startedAt.", Samples::Summary(slot::DURATION)),
    ("syncrun_queue_duration_seconds", "Time runs waited, startedAt - createdAt.", Samples::Summary(slot::QUEUED)),
    (
        "syncrun_last_success_timestamp_seconds",
        "finishedAt of the most recent succeeded run.",
        Samples::Gauge(slot::LAST_SUCCESS_FINISHED, MS),
    ),
    (
        "syncrun_last_failure_timestamp_seconds",
        "finishedAt of the most recent terminal run that did not succeed.",
        Samples::Gauge(slot::LAST_FAILURE_FINISHED, MS),
    ),
    (
        "syncrun_latest_run_timestamp_seconds",
        "createdAt of the most recent run.",
        Samples::Gauge(slot::LATEST_CREATED, MS),
    ),
];

/// A stand-in slot for `syncrun_rows`: the three row counts, in the family's order.
const ROWS: usize = usize::MAX;
const ROW_KINDS: [usize; 3] = [slot::ATTEMPTED_ROWS, slot::ROWS_FAILED, slot::SKIPPED_ROWS];

/// Writes families and samples, with the user's labels already escaped.
struct Writer {
    out: String,
    /// `a="x",b="y"`: the user's labels as they go inside every sample's braces.
    labels: String,
}

impl Writer {
    #[inline(never)]
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        put(&mut self.out, &["# HELP ", name, " ", help, "\n# TYPE ", name, " ", kind, "\n"]);
    }

    /// `name{labels,own} value`, where `own` is the family's own label (`status="success"`:
    /// `key`, `="`, `value`, `"`) or absent; nothing when `value` is null.
    #[inline(never)]
    fn sample(&mut self, name: &str, suffix: &str, own: Option<(&str, &str)>, value: f64) {
        if value.is_nan() {
            return;
        }
        let (key, v) = own.unwrap_or_default();
        let (labels, own) = (!self.labels.is_empty(), own.is_some());
        let pick = |on: bool, s: &'static str| if on { s } else { "" };
        put(
            &mut self.out,
            &[
                name,
                suffix,
                pick(labels || own, "{"),
                &self.labels,
                pick(labels && own, ","),
                key,
                pick(own, "=\""),
                v,
                pick(own, "\""),
                pick(labels || own, "}"),
                " ",
            ],
        );
        number(value, &mut self.out);
        self.out.push('\n');
    }
}

/// `pieces` one after the other: one loop, where a `push_str` each was code of its own.
#[inline(never)]
fn put(o: &mut String, pieces: &[&str]) {
    for p in pieces {
        // The pieces of absent braces, commas and labels are empty.
        if !p.is_empty() {
            o.push_str(p);
        }
    }
}

/// The figure at `at`; null (`NaN`) when there is none.
fn figure(f: &[f64], at: usize) -> f64 {
    f.get(at).copied().unwrap_or(f64::NAN)
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

/// A sample of a family: the name's suffix, the family's own label, the value (`NaN`: none).
type Sample = (&'static str, Option<(&'static str, &'static str)>, f64);

/// The `i`th sample of a family of the figures `f`; `None` past the last.
#[inline(never)]
fn nth(samples: &Samples, f: &[f64], i: usize) -> Option<Sample> {
    match *samples {
        Samples::Gauge(at, divisor) => (i == 0).then(|| ("", None, figure(f, at) / divisor)),
        Samples::Labeled(key, values, at) => {
            let v = values.get(i)?;
            let at = if at == ROWS { ROW_KINDS.get(i).copied().unwrap_or(ROWS) } else { at + i };
            Some(("", Some((key, *v)), figure(f, at)))
        }
        Samples::Summary(at) => {
            let count = figure(f, at);
            let mean = figure(f, at + 5);
            match i {
                4 => Some(("_sum", None, if mean.is_nan() { 0.0 } else { mean * count / 1000.0 })),
                5 => Some(("_count", None, count)),
                _ => ["0.5", "0.9", "0.95", "0.99"]
                    .get(i)
                    .map(|q| ("", Some(("quantile", *q)), figure(f, at + 1 + i) / MS)),
            }
        }
    }
}

/// The Prometheus text of `summary` with `labels` on every sample and `health`'s checks, if
/// given (SPEC §10). Label names must have passed [`check_label_name`].
pub fn format_metrics(summary: &BatchSummary, labels: &[(String, String)], health: Option<&Health>) -> String {
    write(&Figures::of(summary), labels, health)
}

/// The Prometheus text of a summary's figures (see [`format_metrics`]).
#[inline(never)]
#[cold]
pub(crate) fn write(figures: &Figures, labels: &[(String, String)], health: Option<&Health>) -> String {
    let f = &figures.0;
    let mut user = String::new();
    for (i, (name, value)) in labels.iter().enumerate() {
        put(&mut user, &[if i > 0 { "," } else { "" }, name, "=\""]);
        escape(value, &mut user);
        user.push('"');
    }
    // About 3.5 KB without labels, and about 50 samples that each repeat the labels: room for
    // all of it up front, where growing the text copied it (a summary with two labels and
    // health writes 4.2 KB).
    let capacity = 4096 + 64 * user.len();
    let mut w = Writer { out: String::with_capacity(capacity), labels: user };
    // black_box: the optimizer unrolled the loop over the constant table, a copy per family.
    for (name, help, samples) in std::hint::black_box(FAMILIES) {
        w.family(name, if matches!(samples, Samples::Summary(_)) { "summary" } else { "gauge" }, help);
        let mut i = 0;
        while let Some((suffix, own, value)) = nth(samples, f, i) {
            w.sample(name, suffix, own, value);
            i += 1;
        }
    }
    if let Some(h) = health {
        let name = "syncrun_health_status";
        w.family(name, "gauge", "Health per rule and overall: 0 ok, 1 warning, 2 critical, 3 unknown.");
        for c in &h.checks {
            w.sample(name, "", Some(("rule", c.rule.as_str())), f64::from(c.status.metric()));
        }
        // The overall status as the Health says it (one read back carries its own).
        w.sample(name, "", Some(("rule", "overall")), f64::from(h.status.metric()));
    }
    w.out
}

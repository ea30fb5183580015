//! Health (SPEC §9): a [`BatchSummary`] judged against rules, and the changes between two
//! judgements (§9.3). Pure: the instant health is judged at is a parameter, never a clock read.
//!
//! Each call runs once per judgement, never per run: entry points are `#[cold]` and helpers not
//! inlined, for a smaller .wasm.

use serde::{Deserialize, Serialize};

use crate::figures::{slot, Figures};
use crate::summary::BatchSummary;
use crate::write::number;

/// Misuse found by the core, thrown at the boundary as a `SyncRunError` (SPEC §6).
#[derive(Clone, Debug, PartialEq)]
pub struct Misuse {
    /// `invalid_option` or `invalid_summary`: the `SyncRunError` code thrown (SPEC §6).
    pub code: MisuseCode,
    /// Names the option, rule or key at fault.
    pub message: String,
}

/// The `code` of a [`Misuse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MisuseCode {
    /// An option of the wrong type or value.
    InvalidOption,
    /// A value that is not a `BatchSummary` (or a `Health` where one is expected).
    InvalidSummary,
}

impl MisuseCode {
    /// The code's string, as `SyncRunError.code` has it.
    pub fn as_str(self) -> &'static str {
        match self {
            MisuseCode::InvalidOption => "invalid_option",
            MisuseCode::InvalidSummary => "invalid_summary",
        }
    }
}

impl Misuse {
    /// An `invalid_option` misuse.
    pub fn option(message: String) -> Misuse {
        Misuse { code: MisuseCode::InvalidOption, message }
    }

    /// An `invalid_option` misuse whose message is `parts` joined (one call for every message,
    /// where a `text!` per message was code of its own).
    #[inline(never)]
    pub fn option_of(parts: &[&str]) -> Misuse {
        Misuse::option(parts.concat())
    }

    /// An `invalid_summary` misuse.
    pub fn summary(message: String) -> Misuse {
        Misuse { code: MisuseCode::InvalidSummary, message }
    }

    /// An `invalid_summary` misuse whose message is `parts` joined (see [`Misuse::option_of`]).
    #[inline(never)]
    pub fn summary_of(parts: &[&str]) -> Misuse {
        Misuse::summary(parts.concat())
    }
}

/// A judgement: `"ok"`, `"warning"`, `"critical"` or `"unknown"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    /// No check is on the bad side of its warning threshold.
    Ok,
    /// On the bad side of the warning threshold, not of the critical one.
    Warning,
    /// On the bad side of the critical threshold (a sync that never succeeded is critical on `freshness`).
    Critical,
    /// The value cannot be computed (SPEC §9.1); overall, every check is unknown or there are none.
    Unknown,
}

impl HealthStatus {
    /// Every status, in the order of their metric values (SPEC §10: 0 ok … 3 unknown).
    pub const ALL: [HealthStatus; 4] =
        [HealthStatus::Ok, HealthStatus::Warning, HealthStatus::Critical, HealthStatus::Unknown];

    /// The status's JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Ok => "ok",
            HealthStatus::Warning => "warning",
            HealthStatus::Critical => "critical",
            HealthStatus::Unknown => "unknown",
        }
    }

    /// The status by its JSON name.
    pub fn from_name(name: &str) -> Option<HealthStatus> {
        std::hint::black_box(&HealthStatus::ALL).iter().copied().find(|s| s.as_str() == name)
    }

    /// The value of `syncrun_health_status` (SPEC §10).
    pub fn metric(self) -> u8 {
        self as u8
    }

    /// Warning or critical: something to alert on.
    fn is_bad(self) -> bool {
        matches!(self, HealthStatus::Warning | HealthStatus::Critical)
    }
}

/// A rule of SPEC §9.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum HealthRule {
    /// `failure_streak`: `S.failureStreak`, bad at or above; default 1 / 3.
    FailureStreak,
    /// `success_rate`: `S.successRate`, bad below; default 0.95 / 0.8.
    SuccessRate,
    /// `freshness`: ms since `S.lastSuccess.finishedAt`, bad above; default 24 h / 72 h.
    Freshness,
    /// `row_failure_rate`: `lastTerminal.failureRate`, bad at or above; default 0.01 / 0.1.
    RowFailureRate,
    /// `duration`: `lastTerminal.durationMs / durationMs.p50`, bad above; default 3 / 10.
    Duration,
    /// `volume`: `lastTerminal.querySize / querySize.p50`, bad below; default 0.5 / 0.1.
    Volume,
}

/// Where a rule's value is bad: at or above, above, or below its thresholds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    AtOrAbove,
    Above,
    Below,
}

impl HealthRule {
    /// Every rule, in the order of SPEC §9.1's table (the order of `checks`).
    pub const ALL: [HealthRule; 6] = [
        HealthRule::FailureStreak,
        HealthRule::SuccessRate,
        HealthRule::Freshness,
        HealthRule::RowFailureRate,
        HealthRule::Duration,
        HealthRule::Volume,
    ];

    /// The rule's JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            HealthRule::FailureStreak => "failure_streak",
            HealthRule::SuccessRate => "success_rate",
            HealthRule::Freshness => "freshness",
            HealthRule::RowFailureRate => "row_failure_rate",
            HealthRule::Duration => "duration",
            HealthRule::Volume => "volume",
        }
    }

    /// The rule by its JSON name.
    pub fn from_name(name: &str) -> Option<HealthRule> {
        // A search loop (black_box: the optimizer unrolled it, and a `match`, into a
        // comparison per name).
        std::hint::black_box(&HealthRule::ALL).iter().copied().find(|r| r.as_str() == name)
    }

    /// SPEC §9.1's default thresholds.
    pub fn default_thresholds(self) -> Thresholds {
        let (warning, critical) = match self {
            HealthRule::FailureStreak => (1.0, 3.0),
            HealthRule::SuccessRate => (0.95, 0.8),
            HealthRule::Freshness => (86_400_000.0, 259_200_000.0),
            HealthRule::RowFailureRate => (0.01, 0.1),
            HealthRule::Duration => (3.0, 10.0),
            HealthRule::Volume => (0.5, 0.1),
        };
        Thresholds { warning, critical }
    }

    fn side(self) -> Side {
        match self {
            HealthRule::FailureStreak | HealthRule::RowFailureRate => Side::AtOrAbove,
            HealthRule::Freshness | HealthRule::Duration => Side::Above,
            HealthRule::SuccessRate | HealthRule::Volume => Side::Below,
        }
    }

    /// Whether `critical` may go with `warning`: on the bad side of it or equal (SPEC §9).
    pub fn pair_ok(self, t: Thresholds) -> bool {
        match self.side() {
            Side::Below => t.critical <= t.warning,
            _ => t.critical >= t.warning,
        }
    }

    /// Whether `value` is on the bad side of `threshold`.
    fn bad(self, value: f64, threshold: f64) -> bool {
        match self.side() {
            Side::AtOrAbove => value >= threshold,
            Side::Above => value > threshold,
            Side::Below => value < threshold,
        }
    }

    /// How a threshold reads in a message: `≥ 3`, `> 86400000`, `< 0.8`.
    fn bound(self, threshold: f64, o: &mut String) {
        o.push_str(match self.side() {
            Side::AtOrAbove => "≥ ",
            Side::Above => "> ",
            Side::Below => "< ",
        });
        number(threshold, o);
    }
}

/// A rule's thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// The threshold past which the check is `warning` (finite, non-negative, SPEC §9).
    pub warning: f64,
    /// The threshold past which the check is `critical` (on the bad side of `warning` or equal to it).
    pub critical: f64,
}

/// The rules in effect: thresholds per rule of [`HealthRule::ALL`], `None` for a rule turned off.
#[derive(Clone, Debug, PartialEq)]
pub struct Rules(pub [Option<Thresholds>; 6]);

impl Default for Rules {
    /// Every rule, with SPEC §9.1's defaults.
    fn default() -> Rules {
        Rules(HealthRule::ALL.map(|r| Some(r.default_thresholds())))
    }
}

impl Rules {
    /// The thresholds of `rule`, `None` when it is turned off.
    pub fn get(&self, rule: HealthRule) -> Option<Thresholds> {
        HealthRule::ALL.iter().zip(&self.0).find(|(r, _)| **r == rule).and_then(|(_, t)| *t)
    }

    /// Set the thresholds of `rule` (`None` turns it off).
    pub fn set(&mut self, rule: HealthRule, thresholds: Option<Thresholds>) {
        if let Some((_, t)) = HealthRule::ALL.iter().zip(self.0.iter_mut()).find(|(r, _)| **r == rule) {
            *t = thresholds;
        }
    }
}

/// Options of `checkHealth` (SPEC §9). In Rust, `now` is already resolved to milliseconds (the
/// core reads no clock: the caller gives the current time when the JS options omit it) and
/// `rules` are the rules in effect.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct HealthOptions {
    /// The instant health is judged at: a timestamp (SPEC §2.2) or milliseconds since
    /// 1970-01-01T00:00:00Z (a fraction is dropped); omitted, the current time.
    #[cfg_attr(target_arch = "wasm32", tsify(optional, type = "string | number"))]
    pub now: i64,
    /// Per rule, `false` to leave it out, or thresholds replacing its defaults (a threshold given
    /// alone is paired with the other's default).
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(optional, type = "{ [rule in HealthRule]?: false | { warning?: number; critical?: number } }")
    )]
    pub rules: Rules,
}

/// One rule's judgement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct HealthCheck {
    /// The rule this check judges (SPEC §9.1).
    pub rule: HealthRule,
    /// The check's judgement: `critical` past `critical`, else `warning` past `warning`, else
    /// `ok`; `unknown` when the value cannot be computed (SPEC §9.1).
    pub status: HealthStatus,
    /// The rule's value (SPEC §9.1); null when it cannot be computed.
    pub value: Option<f64>,
    /// The warning threshold in effect (the default or the option's).
    pub warning: f64,
    /// The critical threshold in effect (the default or the option's).
    pub critical: f64,
    /// For people: the value and what it was judged against. May change between versions.
    pub message: String,
}

/// The judgement of a summary (SPEC §9).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct Health {
    /// The worst check (SPEC §9.2).
    pub status: HealthStatus,
    /// One per rule turned on, in the order of SPEC §9.1's table.
    pub checks: Vec<HealthCheck>,
}

/// What a [`HealthChange`] is (SPEC §9.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum HealthChangeKind {
    /// From ok or unknown to warning or critical.
    Raised,
    /// From warning to critical.
    Escalated,
    /// From critical to warning.
    Eased,
    /// From warning or critical to ok or unknown.
    Resolved,
}

impl HealthChangeKind {
    /// The kind's JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            HealthChangeKind::Raised => "raised",
            HealthChangeKind::Escalated => "escalated",
            HealthChangeKind::Eased => "eased",
            HealthChangeKind::Resolved => "resolved",
        }
    }

    /// The change from `from` to `to`; `None` when there is none to report (the same status,
    /// or between ok and unknown).
    pub fn of(from: HealthStatus, to: HealthStatus) -> Option<HealthChangeKind> {
        use HealthStatus::{Critical, Warning};
        match (from, to) {
            (Warning, Critical) => Some(HealthChangeKind::Escalated),
            (Critical, Warning) => Some(HealthChangeKind::Eased),
            (f, t) if !f.is_bad() && t.is_bad() => Some(HealthChangeKind::Raised),
            (f, t) if f.is_bad() && !t.is_bad() => Some(HealthChangeKind::Resolved),
            _ => None,
        }
    }
}

/// An alert: a rule (or `"overall"`) whose status changed between two judgements (SPEC §9.3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct HealthChange {
    /// A rule's name, or `"overall"` for the overall status.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "HealthRule | \"overall\""))]
    pub rule: String,
    /// The rule's status in the previous judgement; `unknown` when it was null or lacked the rule.
    pub from: HealthStatus,
    /// The rule's status in the current judgement.
    pub to: HealthStatus,
    /// How the status changed: `raised`, `escalated`, `eased` or `resolved`.
    pub change: HealthChangeKind,
    /// The current check's message; for `"overall"`, a sentence naming the worst checks.
    pub message: String,
}

/// A rule's value, or why it has none; `Never` is freshness with no success (critical).
enum Value {
    Known(f64),
    /// `row_failure_rate` of a run that attempted no rows: ok.
    NoRows,
    Never,
    Unknown(&'static str),
}

const NO_TERMINAL: &str = "no terminal run";

/// `v`, or `otherwise` when it is null (`NaN`).
fn known(v: f64, otherwise: Value) -> Value {
    if v.is_nan() {
        otherwise
    } else {
        Value::Known(v)
    }
}

/// A value over the median of the stats at `stats` (count, p50, …): unknown with fewer than
/// five of them, or a median of 0.
fn ratio(f: &[f64; slot::COUNT], num: f64, stats: usize, few: &'static str, zero: &'static str) -> Value {
    let count = f.get(stats).copied().unwrap_or_default();
    let median = f.get(stats + 1).copied().unwrap_or(f64::NAN);
    if count < 5.0 {
        Value::Unknown(few)
    } else if median.is_nan() || median == 0.0 {
        Value::Unknown(zero)
    } else {
        Value::Known(num / median)
    }
}

/// The value of `rule` for the figures `f` judged at `now` (SPEC §9.1).
#[cold]
fn value_of(rule: HealthRule, f: &[f64; slot::COUNT], now: i64) -> Value {
    match rule {
        HealthRule::FailureStreak if f[slot::TERMINAL] == 0.0 => Value::Unknown(NO_TERMINAL),
        HealthRule::FailureStreak => Value::Known(f[slot::FAILURE_STREAK]),
        HealthRule::SuccessRate => known(f[slot::SUCCESS_RATE], Value::Unknown(NO_TERMINAL)),
        HealthRule::Freshness if f[slot::VALID] == 0.0 => Value::Unknown("no valid run"),
        HealthRule::Freshness if f[slot::LAST_SUCCESS] != 1.0 => Value::Never,
        HealthRule::Freshness => {
            let finished = f[slot::LAST_SUCCESS_FINISHED];
            if finished.is_nan() {
                return Value::Unknown("the last success has no finishedAt");
            }
            // Milliseconds within ±8.64e15: exact both ways.
            #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
            Value::Known(now.saturating_sub(finished as i64).max(0) as f64)
        }
        _ if f[slot::LAST_TERMINAL] != 1.0 => Value::Unknown(NO_TERMINAL),
        HealthRule::RowFailureRate => known(f[slot::LAST_TERMINAL_FAILURE_RATE], Value::NoRows),
        HealthRule::Duration => {
            let d = f[slot::LAST_TERMINAL_DURATION];
            if d.is_nan() {
                return Value::Unknown("the last terminal run has no duration");
            }
            ratio(f, d, slot::DURATION, "fewer than 5 runs have a duration", "the median duration is 0")
        }
        HealthRule::Volume => ratio(
            f,
            f[slot::LAST_TERMINAL_QUERY_SIZE],
            slot::QUERY_SIZE,
            "fewer than 5 runs",
            "the median query size is 0",
        ),
    }
}

/// What a message says the value is: `failure streak 3`, `success rate 0.75`, ….
fn what(rule: HealthRule) -> &'static str {
    match rule {
        HealthRule::FailureStreak => "failure streak ",
        HealthRule::SuccessRate => "success rate ",
        HealthRule::Freshness => "ms since the last success: ",
        HealthRule::RowFailureRate => "row failure rate of the last terminal run ",
        HealthRule::Duration => "duration of the last terminal run / median ",
        HealthRule::Volume => "query size of the last terminal run / median ",
    }
}

/// One check (SPEC §9.1).
#[cold]
fn check(rule: HealthRule, t: Thresholds, f: &[f64; slot::COUNT], now: i64) -> HealthCheck {
    let mut shown = String::new();
    // The message is `head`, the value shown, `tail`, then the thresholds.
    let (status, value, head, tail) = match value_of(rule, f, now) {
        Value::Known(v) => {
            let status = if rule.bad(v, t.critical) {
                HealthStatus::Critical
            } else if rule.bad(v, t.warning) {
                HealthStatus::Warning
            } else {
                HealthStatus::Ok
            };
            number(v, &mut shown);
            (status, Some(v), what(rule), "")
        }
        Value::NoRows => (HealthStatus::Ok, None, "the last terminal run attempted no rows", ""),
        Value::Never => (HealthStatus::Critical, None, "no run has succeeded", ""),
        Value::Unknown(why) => (HealthStatus::Unknown, None, "unknown: ", why),
    };
    let (mut w, mut c) = (String::new(), String::new());
    rule.bound(t.warning, &mut w);
    rule.bound(t.critical, &mut c);
    let message = join(&[head, &shown, tail, " (warning ", &w, ", critical ", &c, ")"]);
    HealthCheck { rule, status, value, warning: t.warning, critical: t.critical, message }
}

/// `parts` joined: one call for every message, where building each in place was code of its own.
#[inline(never)]
fn join(parts: &[&str]) -> String {
    parts.concat()
}

/// `rules` as a slice whose length the optimizer does not see: it unrolled the loop over the six
/// rules into six copies of its body.
#[inline(never)]
fn opaque(rules: &[Option<Thresholds>]) -> &[Option<Thresholds>] {
    rules
}

/// The overall status of `checks` (SPEC §9.2).
pub fn overall(checks: &[HealthCheck]) -> HealthStatus {
    let any = |status| checks.iter().any(|c| c.status == status);
    if any(HealthStatus::Critical) {
        HealthStatus::Critical
    } else if any(HealthStatus::Warning) {
        HealthStatus::Warning
    } else if any(HealthStatus::Ok) {
        HealthStatus::Ok
    } else {
        HealthStatus::Unknown
    }
}

/// Judge `summary` at `options.now` with `options.rules` (SPEC §9).
pub fn check_health(summary: &BatchSummary, options: &HealthOptions) -> Health {
    judge(&Figures::of(summary), options)
}

/// Judge the figures of a summary at `options.now` with `options.rules` (SPEC §9).
#[cold]
pub(crate) fn judge(figures: &Figures, options: &HealthOptions) -> Health {
    let mut checks: Vec<HealthCheck> = Vec::new();
    for (&rule, t) in HealthRule::ALL.iter().zip(opaque(&options.rules.0)) {
        if let Some(t) = t {
            checks.push(check(rule, *t, &figures.0, options.now));
        }
    }
    Health { status: overall(&checks), checks }
}

/// A sentence naming the worst checks of `health`, for the `"overall"` change.
#[cold]
fn overall_message(health: &Health) -> String {
    let status = health.status;
    let mut parts = vec!["overall ", status.as_str()];
    if status.is_bad() {
        parts.push(":");
        for (i, c) in health.checks.iter().filter(|c| c.status == status).enumerate() {
            parts.push(if i == 0 { " " } else { ", " });
            parts.push(c.rule.as_str());
        }
    }
    join(&parts)
}

/// The changes from `previous` (null: nothing judged before) to `current` (SPEC §9.3).
#[cold]
pub fn compare_health(previous: Option<&Health>, current: &Health) -> Vec<HealthChange> {
    let before = |rule: HealthRule| {
        previous.and_then(|p| p.checks.iter().find(|c| c.rule == rule)).map_or(HealthStatus::Unknown, |c| c.status)
    };
    let mut changes: Vec<HealthChange> = current
        .checks
        .iter()
        .filter_map(|c| {
            let from = before(c.rule);
            HealthChangeKind::of(from, c.status).map(|change| HealthChange {
                rule: join(&[c.rule.as_str()]),
                from,
                to: c.status,
                change,
                message: c.message.clone(),
            })
        })
        .collect();
    let from = previous.map_or(HealthStatus::Unknown, |p| p.status);
    if let Some(change) = HealthChangeKind::of(from, current.status) {
        let message = overall_message(current);
        changes.push(HealthChange { rule: join(&["overall"]), from, to: current.status, change, message });
    }
    changes
}

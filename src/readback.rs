//! Figures read back from JSON (SPEC §9, §10): a `BatchSummary` or a `Health` as an earlier call
//! (or an earlier run, through a file) wrote it, and the options of `checkHealth` and
//! `formatMetrics`. Read with the crate's own JSON reader, then walked member by member along a
//! static table of §5's keys and kinds, so that anything else is misuse naming the first wrong
//! key (`summary.durationMs.p50 must be a number or null`). Keys the figures do not have are
//! ignored.
//!
//! One walker interprets the tables: reading a summary field by field into the typed structs
//! was a function call (and a clean-up path) per member, most of this module's .wasm. Only the
//! figures SPEC §9 and §10 need are kept, in a flat [`Figures`].
//!
//! Each call runs once per judgement, never per run: entry points are `#[cold]` and helpers not
//! inlined, for a smaller .wasm.

use crate::health::{
    Health, HealthCheck, HealthOptions, HealthRule, HealthStatus, Misuse, MisuseCode, Rules, Thresholds,
};
use crate::json::{Reader, Value, MAX_SAFE};
use crate::metrics::MetricsOptions;
use crate::out::text;
use crate::run::SyncRunStatus;
use crate::summary::{BatchSummary, Stats};
use crate::timestamp::parse_timestamp;

/// Slots of [`Figures`]: the members of a `BatchSummary` that SPEC §9's rules and §10's metrics
/// read. Counts and numbers as they are, timestamps as milliseconds since 1970, `NaN` for null.
pub mod slot {
    pub const RECORDS: usize = 0;
    pub const VALID: usize = 1;
    pub const INVALID: usize = 2;
    pub const DUPLICATES: usize = 3;
    /// Nine counts, in the order of `SyncRunStatus::ALL`.
    pub const BY_STATUS: usize = 4;
    pub const TERMINAL: usize = 13;
    pub const SUCCESS_RATE: usize = 14;
    pub const ROWS_FAILED: usize = 15;
    pub const ATTEMPTED_ROWS: usize = 16;
    pub const SKIPPED_ROWS: usize = 17;
    pub const FAILURE_STREAK: usize = 18;
    /// Stats: count, p50, p90, p95, p99, mean (see [`super::STATS`]).
    pub const DURATION: usize = 19;
    pub const QUEUED: usize = 25;
    pub const QUERY_SIZE: usize = 31;
    /// 1 when `lastSuccess` is an object, 0 when null.
    pub const LAST_SUCCESS: usize = 37;
    pub const LAST_SUCCESS_FINISHED: usize = 38;
    pub const LAST_FAILURE_FINISHED: usize = 39;
    pub const LATEST_CREATED: usize = 40;
    /// 1 when `lastTerminal` is an object, 0 when null.
    pub const LAST_TERMINAL: usize = 41;
    pub const LAST_TERMINAL_DURATION: usize = 42;
    pub const LAST_TERMINAL_QUERY_SIZE: usize = 43;
    pub const LAST_TERMINAL_FAILURE_RATE: usize = 44;
    /// How many there are.
    pub const COUNT: usize = 45;
    /// A member checked but not kept.
    pub const NONE: u8 = 255;
}

/// The figures of a summary that health and metrics read, by [`slot`].
#[derive(Clone, Debug, PartialEq)]
pub struct Figures(pub [f64; slot::COUNT]);

#[allow(clippy::cast_precision_loss)]
fn count(n: u64) -> f64 {
    n as f64
}

#[allow(clippy::cast_precision_loss)]
fn int(n: Option<i64>) -> f64 {
    n.map_or(f64::NAN, |n| n as f64)
}

#[allow(clippy::cast_precision_loss)]
fn ts(t: Option<&str>) -> f64 {
    t.and_then(parse_timestamp).map_or(f64::NAN, |ms| ms as f64)
}

fn flag(present: bool) -> f64 {
    if present {
        1.0
    } else {
        0.0
    }
}

impl Figures {
    /// The figures of a summary the package computed.
    pub fn of(s: &BatchSummary) -> Figures {
        use slot::*;
        let mut f = [f64::NAN; COUNT];
        let b = &s.by_status;
        let by = [
            b.success,
            b.warning,
            b.failed,
            b.cancelled,
            b.interrupted,
            b.queued,
            b.querying,
            b.processing,
            b.reporting,
        ];
        for (to, n) in f.iter_mut().skip(BY_STATUS).zip(by) {
            *to = count(n);
        }
        let stats = |f: &mut [f64; COUNT], at: usize, st: &Stats| {
            let v = [count(st.count), int(st.p50), int(st.p90), int(st.p95), int(st.p99), st.mean.unwrap_or(f64::NAN)];
            for (to, v) in f.iter_mut().skip(at).zip(v) {
                *to = v;
            }
        };
        stats(&mut f, DURATION, &s.duration_ms);
        stats(&mut f, QUEUED, &s.queued_ms);
        stats(&mut f, QUERY_SIZE, &s.query_size);
        f[RECORDS] = count(s.records);
        f[VALID] = count(s.valid);
        f[INVALID] = count(s.invalid);
        f[DUPLICATES] = count(s.duplicates);
        f[TERMINAL] = count(s.terminal);
        f[SUCCESS_RATE] = s.success_rate.unwrap_or(f64::NAN);
        f[ROWS_FAILED] = count(s.rows.failed.total);
        f[ATTEMPTED_ROWS] = count(s.attempted_rows);
        f[SKIPPED_ROWS] = count(s.skipped_rows);
        f[FAILURE_STREAK] = count(s.failure_streak);
        f[LAST_SUCCESS] = flag(s.last_success.is_some());
        f[LAST_SUCCESS_FINISHED] = ts(s.last_success.as_ref().and_then(|l| l.finished_at.as_deref()));
        f[LAST_FAILURE_FINISHED] = ts(s.last_failure.as_ref().and_then(|l| l.finished_at.as_deref()));
        f[LATEST_CREATED] = ts(s.latest.as_ref().map(|l| l.created_at.as_str()));
        f[LAST_TERMINAL] = flag(s.last_terminal.is_some());
        if let Some(t) = &s.last_terminal {
            f[LAST_TERMINAL_DURATION] = int(t.duration_ms);
            f[LAST_TERMINAL_QUERY_SIZE] = count(t.query_size);
            f[LAST_TERMINAL_FAILURE_RATE] = t.failure_rate.unwrap_or(f64::NAN);
        }
        Figures(f)
    }
}

/// What a member must be. The order is that of [`EXPECTED`].
#[derive(Clone, Copy)]
enum Kind {
    Count,
    OptInt,
    OptNum,
    Num,
    Bool,
    OptBool,
    Str,
    OptStr,
    Ts,
    OptTs,
    Status,
    HealthStatus,
    Rule,
    /// Checked to be an array; its elements are not read.
    Array,
    /// An object whose members are the table's, their slots offset by `base`.
    Obj(&'static [Member], u8),
    /// The same, or null.
    OptObj(&'static [Member], u8),
}

/// The end of "summary.x must be ...", per [`Kind`].
const EXPECTED: [&str; 16] = [
    "a whole number ≥ 0",
    "a whole number or null",
    "a number or null",
    "a number",
    "a boolean",
    "a boolean or null",
    "a string",
    "a string or null",
    "a timestamp",
    "a timestamp or null",
    "a run status",
    "\"ok\", \"warning\", \"critical\" or \"unknown\"",
    "a rule name",
    "an array",
    "an object",
    "an object or null",
];

impl Kind {
    fn expected(self) -> &'static str {
        let i = match self {
            Kind::Count => 0,
            Kind::OptInt => 1,
            Kind::OptNum => 2,
            Kind::Num => 3,
            Kind::Bool => 4,
            Kind::OptBool => 5,
            Kind::Str => 6,
            Kind::OptStr => 7,
            Kind::Ts => 8,
            Kind::OptTs => 9,
            Kind::Status => 10,
            Kind::HealthStatus => 11,
            Kind::Rule => 12,
            Kind::Array => 13,
            Kind::Obj(..) => 14,
            Kind::OptObj(..) => 15,
        };
        EXPECTED.get(i).copied().unwrap_or_default()
    }
}

/// A member of an object: its key, what it must be, and the slot its figure goes to
/// ([`slot::NONE`]: checked, not kept; for an object or null: 1 or 0, present or not).
struct Member(&'static str, Kind, u8);

use Kind::*;

const STATS: &[Member] = &[
    Member("count", Count, 0),
    Member("min", OptInt, slot::NONE),
    Member("p50", OptInt, 1),
    Member("p90", OptInt, 2),
    Member("p95", OptInt, 3),
    Member("p99", OptInt, 4),
    Member("max", OptInt, slot::NONE),
    Member("mean", OptNum, 5),
];

const TOTALS: &[Member] = &[
    Member("added", Count, slot::NONE),
    Member("changed", Count, slot::NONE),
    Member("removed", Count, slot::NONE),
    Member("total", Count, 0),
];

const N: u8 = slot::NONE;

#[allow(clippy::cast_possible_truncation)]
const fn at(slot: usize) -> u8 {
    slot as u8
}

const BY_STATUS: &[Member] = &[
    Member("success", Count, 0),
    Member("warning", Count, 1),
    Member("failed", Count, 2),
    Member("cancelled", Count, 3),
    Member("interrupted", Count, 4),
    Member("queued", Count, 5),
    Member("querying", Count, 6),
    Member("processing", Count, 7),
    Member("reporting", Count, 8),
];

const ROWS: &[Member] = &[
    Member("planned", Obj(TOTALS, N), N),
    Member("successful", Obj(TOTALS, N), N),
    Member("failed", Obj(TOTALS, at(slot::ROWS_FAILED)), N),
];

const LATEST: &[Member] = &[Member("id", Str, N), Member("status", Status, N), Member("createdAt", Ts, 0)];

const LAST_SUCCESS: &[Member] = &[Member("id", Str, N), Member("createdAt", Ts, N), Member("finishedAt", OptTs, 0)];

const LAST_FAILURE: &[Member] = &[
    Member("id", Str, N),
    Member("status", Status, N),
    Member("createdAt", Ts, N),
    Member("finishedAt", OptTs, 0),
    Member("error", OptStr, N),
];

const LAST_TERMINAL: &[Member] = &[
    Member("id", Str, N),
    Member("status", Status, N),
    Member("createdAt", Ts, N),
    Member("finishedAt", OptTs, N),
    Member("durationMs", OptInt, 0),
    Member("querySize", Count, 1),
    Member("attemptedRows", Count, N),
    Member("failedRows", Count, N),
    Member("failureRate", OptNum, 2),
];

/// A `BatchSummary`'s members, in the order of SPEC §5 (so the first wrong key is named).
/// `issues`, `topErrors` and `daily` must be arrays; their elements are not read (no rule and
/// no metric needs them).
const SUMMARY: &[Member] = &[
    Member("records", Count, at(slot::RECORDS)),
    Member("valid", Count, at(slot::VALID)),
    Member("invalid", Count, at(slot::INVALID)),
    Member("duplicates", Count, at(slot::DUPLICATES)),
    Member("hasMore", OptBool, N),
    Member("byStatus", Obj(BY_STATUS, at(slot::BY_STATUS)), N),
    Member("terminal", Count, at(slot::TERMINAL)),
    Member("inProgress", Count, N),
    Member("succeeded", Count, N),
    Member("failed", Count, N),
    Member("successRate", OptNum, at(slot::SUCCESS_RATE)),
    Member("rows", Obj(ROWS, 0), N),
    Member("attemptedRows", Count, at(slot::ATTEMPTED_ROWS)),
    Member("skippedRows", Count, at(slot::SKIPPED_ROWS)),
    Member("failureRate", OptNum, N),
    Member("durationMs", Obj(STATS, at(slot::DURATION)), N),
    Member("queuedMs", Obj(STATS, at(slot::QUEUED)), N),
    Member("firstCreatedAt", OptTs, N),
    Member("lastCreatedAt", OptTs, N),
    Member("latest", OptObj(LATEST, at(slot::LATEST_CREATED)), N),
    Member("lastSuccess", OptObj(LAST_SUCCESS, at(slot::LAST_SUCCESS_FINISHED)), at(slot::LAST_SUCCESS)),
    Member("lastFailure", OptObj(LAST_FAILURE, at(slot::LAST_FAILURE_FINISHED)), N),
    Member("failureStreak", Count, at(slot::FAILURE_STREAK)),
    Member("topErrors", Array, N),
    Member("daily", Array, N),
    Member("lastTerminal", OptObj(LAST_TERMINAL, at(slot::LAST_TERMINAL_DURATION)), at(slot::LAST_TERMINAL)),
    Member("querySize", Obj(STATS, at(slot::QUERY_SIZE)), N),
    Member("errorCount", Count, N),
    Member("warningCount", Count, N),
    Member("issues", Array, N),
    Member("issuesTruncated", Bool, N),
];

/// A `HealthCheck`'s members; the slots are those of [`check`]'s figures.
const CHECK: &[Member] = &[
    Member("rule", Rule, 0),
    Member("status", HealthStatus, 1),
    Member("value", OptNum, 2),
    Member("warning", Num, 3),
    Member("critical", Num, 4),
    Member("message", Str, 5),
];

/// A `Health`'s members (`checks` is read by [`health`]).
const HEALTH: &[Member] = &[Member("status", HealthStatus, 0), Member("checks", Array, N)];

/// The figure of a scalar `v` of kind `kind` (a status or rule as its position in its `ALL`,
/// null as `NaN`, strings as 0: the caller takes those from the value), or `None` when `v`
/// is not one.
#[allow(clippy::cast_precision_loss)]
fn scalar(kind: Kind, v: &Value) -> Option<f64> {
    let position = |found: Option<usize>| found.map(|i| i as f64);
    match (kind, v) {
        (OptInt | OptNum | OptBool | OptStr | OptTs, Value::Null) => Some(f64::NAN),
        (Count, Value::Number(n)) if (0.0..=MAX_SAFE).contains(n) && n.fract() == 0.0 => Some(*n),
        (OptInt, Value::Number(n)) if n.abs() <= MAX_SAFE && n.fract() == 0.0 => Some(*n),
        (OptNum | Num, Value::Number(n)) if n.is_finite() => Some(*n),
        (Bool | OptBool, Value::Bool(b)) => Some(flag(*b)),
        (Str | OptStr, Value::String(_)) => Some(0.0),
        (Ts | OptTs, Value::String(s)) => parse_timestamp(s).map(|ms| ms as f64),
        (Status, Value::String(s)) => position(SyncRunStatus::parse(s).map(|_| 0)),
        (HealthStatus, Value::String(s)) => position(crate::health::HealthStatus::from_name(s).map(|h| h as usize)),
        (Rule, Value::String(s)) => position(HealthRule::ALL.iter().position(|r| r.as_str() == s)),
        (Array, Value::Array(_)) => Some(0.0),
        _ => None,
    }
}

#[cold]
#[inline(never)]
fn wrong(code: MisuseCode, path: &str, key: &str, what: &str) -> Misuse {
    Misuse { code, message: text!(path, ".", key, what) }
}

/// Check the members of `value` (named `path`) against `table`, writing figures to `out` at
/// `base` + their slot, and the first string member with a slot to `string`.
#[inline(never)]
fn walk<'a>(
    value: &'a Value,
    path: &str,
    table: &[Member],
    base: u8,
    out: &mut [f64],
    string: &mut &'a str,
) -> Result<(), Misuse> {
    let code = MisuseCode::InvalidSummary;
    let Value::Object(members) = value else {
        return Err(Misuse { code, message: text!(path, " must be an object") });
    };
    for Member(key, kind, at) in table {
        let Some((_, v)) = members.iter().find(|(k, _)| k == key) else {
            return Err(wrong(code, path, key, " is missing"));
        };
        let store = |out: &mut [f64], at: u8, x: f64| {
            if at != N && base != N {
                if let Some(to) = out.get_mut(usize::from(base.wrapping_add(at))) {
                    *to = x;
                }
            }
        };
        match (*kind, v) {
            (Obj(sub, b) | OptObj(sub, b), Value::Object(_)) => {
                store(out, *at, 1.0);
                walk(v, &text!(path, ".", key), sub, if b == N { N } else { base.wrapping_add(b) }, out, string)?;
            }
            (OptObj(..), Value::Null) => store(out, *at, 0.0),
            _ => {
                let x = scalar(*kind, v).ok_or_else(|| wrong(code, path, key, &text!(" must be ", kind.expected())))?;
                if let (Value::String(s), true) = (v, matches!(kind, Str) && *at != N) {
                    *string = s;
                }
                store(out, *at, x);
            }
        }
    }
    Ok(())
}

/// The JSON text `text` as a value; misuse about `name` when it is not JSON.
#[cold]
fn parse(text: &[u8], name: &str, code: MisuseCode) -> Result<Value, Misuse> {
    let bad = || Misuse { code, message: text!(name, " is not JSON") };
    let text = std::str::from_utf8(text).map_err(|_| bad())?;
    let mut r = Reader::new(text.strip_prefix('\u{FEFF}').unwrap_or(text), true);
    let value = r.value(0, &mut String::new(), &mut Vec::new()).map_err(|_| bad())?;
    if r.at_end() {
        Ok(value)
    } else {
        Err(bad())
    }
}

/// The figures of a `BatchSummary` (SPEC §5) from its JSON text: every member checked, in the
/// order of §5.
#[cold]
pub fn read_summary(text: &[u8]) -> Result<Figures, Misuse> {
    let value = parse(text, "summary", MisuseCode::InvalidSummary)?;
    let mut f = [f64::NAN; slot::COUNT];
    walk(&value, "summary", SUMMARY, 0, &mut f, &mut "")?;
    Ok(Figures(f))
}

/// The status or rule at `position` of `all`.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn nth<T: Copy>(all: &[T], position: f64) -> Option<T> {
    all.get(position as usize).copied()
}

/// A `Health` (SPEC §9) from a value named `path`; anything else is `invalid_summary`.
#[cold]
fn health(value: &Value, path: &str) -> Result<Health, Misuse> {
    let mut f = [0.0; 6];
    walk(value, path, HEALTH, 0, &mut f, &mut "")?;
    let status = nth(&HealthStatus::ALL, f[0]).unwrap_or(HealthStatus::Unknown);
    let mut checks: Vec<HealthCheck> = Vec::new();
    let items = match value {
        Value::Object(members) => members.iter().find(|(k, _)| k == "checks").map(|(_, v)| v),
        _ => None,
    };
    if let Some(Value::Array(items)) = items {
        for (i, item) in items.iter().enumerate() {
            let path = text!(path, ".checks[", i, "]");
            let mut message = "";
            walk(item, &path, CHECK, 0, &mut f, &mut message)?;
            let Some(rule) = nth(&HealthRule::ALL, f[0]) else { break };
            if checks.iter().any(|x| x.rule == rule) {
                return Err(wrong(
                    MisuseCode::InvalidSummary,
                    &path,
                    "rule",
                    " must be a rule not checked before in the list",
                ));
            }
            checks.push(HealthCheck {
                rule,
                status: nth(&HealthStatus::ALL, f[1]).unwrap_or(HealthStatus::Unknown),
                value: Some(f[2]).filter(|v| !v.is_nan()),
                warning: f[3],
                critical: f[4],
                message: String::from(message),
            });
        }
    }
    Ok(Health { status, checks })
}

/// A `Health` from JSON text, or `None` for `null` when `nullable` (compareHealth's `previous`).
#[cold]
pub fn read_health(text: &[u8], name: &str, nullable: bool) -> Result<Option<Health>, Misuse> {
    let value = parse(text, name, MisuseCode::InvalidSummary)?;
    if nullable && value == Value::Null {
        return Ok(None);
    }
    health(&value, name).map(Some)
}

/// The options object's members; `None` (no text, or `null`) is no options.
#[cold]
fn options(text: Option<&[u8]>) -> Result<Option<Value>, Misuse> {
    let Some(text) = text else { return Ok(None) };
    match parse(text, "options", MisuseCode::InvalidOption)? {
        Value::Null => Ok(None),
        v @ Value::Object(_) => Ok(Some(v)),
        _ => Err(Misuse::option(String::from("options must be an object"))),
    }
}

/// A member of the options, `None` when absent (or, but for `now`, null).
fn member<'a>(options: &'a Option<Value>, key: &str) -> Option<&'a Value> {
    match options {
        Some(Value::Object(members)) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

/// The options of `checkHealth` (SPEC §9) from JSON text; `now` when the text has none.
#[cold]
pub fn read_health_options(text: Option<&[u8]>, now: i64) -> Result<HealthOptions, Misuse> {
    let options = options(text)?;
    let now = match member(&options, "now") {
        None => now,
        #[allow(clippy::cast_possible_truncation)]
        Some(Value::Number(n)) if n.abs() <= 8.64e15 => n.trunc() as i64,
        Some(Value::String(s)) => parse_timestamp(s).ok_or_else(|| {
            let mut shown = String::new();
            crate::out::string(s, &mut shown);
            Misuse::option_of(&["option now must be a timestamp (YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)), got ", &shown])
        })?,
        Some(_) => {
            return Err(Misuse::option(String::from(
                "option now must be a timestamp or a finite number of milliseconds since 1970-01-01T00:00:00Z",
            )))
        }
    };
    let mut rules = Rules::default();
    match member(&options, "rules") {
        None | Some(Value::Null) => {}
        Some(Value::Object(members)) => {
            for (name, setting) in members {
                let Some(rule) = HealthRule::from_name(name) else {
                    return Err(Misuse::option_of(&["rules has an unknown rule \"", name, "\""]));
                };
                rules.set(rule, thresholds(rule, setting)?);
            }
        }
        Some(_) => return Err(Misuse::option(String::from("option rules must be an object"))),
    }
    Ok(HealthOptions { now, rules })
}

/// One rule's setting: `false` (off) or `{ warning?, critical? }` over the defaults.
#[cold]
fn thresholds(rule: HealthRule, setting: &Value) -> Result<Option<Thresholds>, Misuse> {
    let name = rule.as_str();
    let members = match setting {
        Value::Bool(false) => return Ok(None),
        Value::Object(members) => members,
        _ => return Err(Misuse::option_of(&["rules.", name, " must be false or an object"])),
    };
    let mut t = rule.default_thresholds();
    for (key, v) in members {
        let slot = match key.as_str() {
            "warning" => &mut t.warning,
            "critical" => &mut t.critical,
            _ => return Err(Misuse::option_of(&["rules.", name, " has an unknown key \"", key, "\""])),
        };
        match v {
            Value::Number(n) if n.is_finite() && *n >= 0.0 => *slot = *n,
            _ => return Err(Misuse::option_of(&["rules.", name, ".", key, " must be a finite number ≥ 0"])),
        }
    }
    if !rule.pair_ok(t) {
        let (mut w, mut c) = (String::new(), String::new());
        crate::out::number(t.warning, &mut w);
        crate::out::number(t.critical, &mut c);
        let side = if rule.pair_ok(Thresholds { warning: 1.0, critical: 0.0 }) { " ≤ " } else { " ≥ " };
        return Err(Misuse::option_of(&["rules.", name, ": critical (", &c, ") must be", side, "warning (", &w, ")"]));
    }
    Ok(Some(t))
}

/// The options of `formatMetrics` (SPEC §10) from JSON text: labels in the order given, and
/// the health to include.
#[cold]
pub fn read_metrics_options(text: Option<&[u8]>) -> Result<MetricsOptions, Misuse> {
    let options = options(text)?;
    let mut labels = Vec::new();
    match member(&options, "labels") {
        None | Some(Value::Null) => {}
        Some(Value::Object(members)) => {
            for (name, v) in members {
                crate::metrics::check_label_name(name)?;
                match v {
                    Value::String(s) => labels.push((name.clone(), s.clone())),
                    _ => return Err(Misuse::option_of(&["label ", name, " must have a string value"])),
                }
            }
        }
        Some(_) => return Err(Misuse::option(String::from("option labels must be an object"))),
    }
    let health = match member(&options, "health") {
        None | Some(Value::Null) => None,
        Some(v) => Some(health(v, "options.health")?),
    };
    Ok(MetricsOptions { labels, health })
}

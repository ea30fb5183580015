//! Figures read back from JSON (SPEC §9, §10): a `BatchSummary` or a `Health` as an earlier call
//! (or an earlier run, through a file) wrote it, and the options of `checkHealth` and
//! `formatMetrics`. Read with the crate's own JSON reader into the typed structs, key by key, so
//! that anything else is misuse naming the first wrong key (`summary.durationMs.p50 must be a
//! number or null`). Keys the figures do not have are ignored.
//!
//! Each call runs once per judgement, never per run: entry points are `#[cold]` and helpers not
//! inlined, for a smaller .wasm.

use std::cell::RefCell;

use crate::health::{
    Health, HealthCheck, HealthOptions, HealthRule, HealthStatus, Misuse, MisuseCode, Rules, Thresholds,
};
use crate::json::{Reader, Value, MAX_SAFE};
use crate::metrics::MetricsOptions;
use crate::out::text;
use crate::run::SyncRunStatus;
use crate::summary::{BatchSummary, ByStatus, LastFailure, LastSuccess, LastTerminal, Latest, RowTotals, Rows, Stats};
use crate::timestamp::parse_timestamp;

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

/// The first misuse found while reading one value. Getters record it and go on with a default,
/// so that reading a summary is straight-line code: a `?` per member gave every member its own
/// clean-up path, 17 KB of .wasm for `read_summary` alone.
struct First {
    code: MisuseCode,
    misuse: RefCell<Option<Misuse>>,
}

impl First {
    fn new(code: MisuseCode) -> First {
        First { code, misuse: RefCell::new(None) }
    }

    #[inline(never)]
    fn record(&self, message: String) {
        let mut slot = self.misuse.borrow_mut();
        if slot.is_none() {
            *slot = Some(Misuse { code: self.code, message });
        }
    }

    /// `value`, unless something was recorded.
    fn result<T>(self, value: T) -> Result<T, Misuse> {
        match self.misuse.into_inner() {
            Some(m) => Err(m),
            None => Ok(value),
        }
    }
}

const NO_MEMBERS: &[(String, Value)] = &[];

/// The members of an object, and the path that names it in messages.
struct Obj<'a> {
    members: &'a [(String, Value)],
    path: String,
    first: &'a First,
}

impl<'a> Obj<'a> {
    /// `value` as an object named `path` (recorded as misuse, and empty, if it is not one).
    #[inline(never)]
    fn of(value: &'a Value, path: String, first: &'a First) -> Obj<'a> {
        let members = match value {
            Value::Object(members) => members.as_slice(),
            _ => {
                first.record(text!(path, " must be an object"));
                NO_MEMBERS
            }
        };
        Obj { members, path, first }
    }

    #[inline(never)]
    fn fail(&self, key: &str, expected: &str) {
        self.first.record(text!(self.path, ".", key, " must be ", expected));
    }

    /// The value of `key` (the first, if the text had it twice); `null` and misuse when missing.
    #[inline(never)]
    fn get(&self, key: &str) -> &'a Value {
        match self.members.iter().find(|(k, _)| k == key) {
            Some((_, v)) => v,
            None => {
                self.first.record(text!(self.path, ".", key, " is missing"));
                &Value::Null
            }
        }
    }

    /// `pick` of the value of `key`, or `T::default()` and misuse saying it must be `expected`.
    #[inline(never)]
    fn read<T: Default>(&self, key: &str, expected: &str, pick: fn(&Value) -> Option<T>) -> T {
        match pick(self.get(key)) {
            Some(v) => v,
            None => {
                self.fail(key, expected);
                T::default()
            }
        }
    }

    fn count(&self, key: &str) -> u64 {
        self.read(key, "a whole number ≥ 0", |v| match v {
            // In range and whole: the cast is exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Value::Number(n) if (0.0..=MAX_SAFE).contains(n) && n.fract() == 0.0 => Some(*n as u64),
            _ => None,
        })
    }

    fn opt_int(&self, key: &str) -> Option<i64> {
        self.read(key, "a whole number or null", |v| match v {
            Value::Null => Some(None),
            #[allow(clippy::cast_possible_truncation)]
            Value::Number(n) if n.abs() <= MAX_SAFE && n.fract() == 0.0 => Some(Some(*n as i64)),
            _ => None,
        })
    }

    fn opt_num(&self, key: &str) -> Option<f64> {
        self.read(key, "a number or null", |v| match v {
            Value::Null => Some(None),
            Value::Number(n) if n.is_finite() => Some(Some(*n)),
            _ => None,
        })
    }

    fn num(&self, key: &str) -> f64 {
        self.read(key, "a number", |v| match v {
            Value::Number(n) if n.is_finite() => Some(*n),
            _ => None,
        })
    }

    fn boolean(&self, key: &str) -> bool {
        self.read(key, "a boolean", |v| match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        })
    }

    fn opt_bool(&self, key: &str) -> Option<bool> {
        self.read(key, "a boolean or null", |v| match v {
            Value::Null => Some(None),
            Value::Bool(b) => Some(Some(*b)),
            _ => None,
        })
    }

    fn opt_string(&self, key: &str) -> Option<String> {
        self.read(key, "a string or null", |v| match v {
            Value::Null => Some(None),
            Value::String(s) => Some(Some(s.clone())),
            _ => None,
        })
    }

    fn string(&self, key: &str) -> String {
        self.read(key, "a string", |v| match v {
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
    }

    fn opt_timestamp(&self, key: &str) -> Option<String> {
        self.read(key, "a timestamp or null", |v| match v {
            Value::Null => Some(None),
            Value::String(s) if parse_timestamp(s).is_some() => Some(Some(s.clone())),
            _ => None,
        })
    }

    fn timestamp(&self, key: &str) -> String {
        self.read(key, "a timestamp", |v| match v {
            Value::String(s) if parse_timestamp(s).is_some() => Some(s.clone()),
            _ => None,
        })
    }

    fn status(&self, key: &str) -> SyncRunStatus {
        let status = self.read(key, "a run status", |v| match v {
            Value::String(s) => SyncRunStatus::parse(s).map(Some),
            _ => None,
        });
        status.unwrap_or(SyncRunStatus::Success)
    }

    fn health_status(&self, key: &str) -> HealthStatus {
        let status = self.read(key, "\"ok\", \"warning\", \"critical\" or \"unknown\"", |v| match v {
            Value::String(s) => HealthStatus::from_name(s).map(Some),
            _ => None,
        });
        status.unwrap_or(HealthStatus::Unknown)
    }

    #[inline(never)]
    fn object(&self, key: &str) -> Obj<'a> {
        Obj::of(self.get(key), text!(self.path, ".", key), self.first)
    }

    #[inline(never)]
    fn opt_object(&self, key: &str) -> Option<Obj<'a>> {
        match self.get(key) {
            Value::Null => None,
            Value::Object(_) => Some(self.object(key)),
            _ => {
                self.fail(key, "an object or null");
                None
            }
        }
    }

    #[inline(never)]
    fn array(&self, key: &str) -> &'a [Value] {
        match self.get(key) {
            Value::Array(items) => items,
            _ => {
                self.fail(key, "an array");
                &[]
            }
        }
    }

    /// An array whose elements are not read back: checked to be one, and empty.
    fn unread<T>(&self, key: &str) -> Vec<T> {
        self.array(key);
        Vec::new()
    }

    #[inline(never)]
    fn stats(&self, key: &str) -> Stats {
        let s = self.object(key);
        Stats {
            count: s.count("count"),
            min: s.opt_int("min"),
            p50: s.opt_int("p50"),
            p90: s.opt_int("p90"),
            p95: s.opt_int("p95"),
            p99: s.opt_int("p99"),
            max: s.opt_int("max"),
            mean: s.opt_num("mean"),
        }
    }

    #[inline(never)]
    fn totals(&self, key: &str) -> RowTotals {
        let t = self.object(key);
        RowTotals {
            added: t.count("added"),
            changed: t.count("changed"),
            removed: t.count("removed"),
            total: t.count("total"),
        }
    }
}

/// A `BatchSummary` from its JSON text (SPEC §5): every member checked, in the order of §5.
/// `issues`, `topErrors` and `daily` must be arrays; their elements are not read (no rule and
/// no metric needs them; the package does not even write them) and they come back empty.
#[cold]
pub fn read_summary(text: &[u8]) -> Result<BatchSummary, Misuse> {
    let value = parse(text, "summary", MisuseCode::InvalidSummary)?;
    let first = First::new(MisuseCode::InvalidSummary);
    let o = Obj::of(&value, String::from("summary"), &first);
    // Struct fields are evaluated in the order written: §5's order, so the first wrong key is named.
    let summary = BatchSummary {
        records: o.count("records"),
        valid: o.count("valid"),
        invalid: o.count("invalid"),
        duplicates: o.count("duplicates"),
        has_more: o.opt_bool("hasMore"),
        by_status: {
            let by = o.object("byStatus");
            ByStatus {
                success: by.count("success"),
                warning: by.count("warning"),
                failed: by.count("failed"),
                cancelled: by.count("cancelled"),
                interrupted: by.count("interrupted"),
                queued: by.count("queued"),
                querying: by.count("querying"),
                processing: by.count("processing"),
                reporting: by.count("reporting"),
            }
        },
        terminal: o.count("terminal"),
        in_progress: o.count("inProgress"),
        succeeded: o.count("succeeded"),
        failed: o.count("failed"),
        success_rate: o.opt_num("successRate"),
        rows: {
            let rows = o.object("rows");
            Rows {
                planned: rows.totals("planned"),
                successful: rows.totals("successful"),
                failed: rows.totals("failed"),
            }
        },
        attempted_rows: o.count("attemptedRows"),
        skipped_rows: o.count("skippedRows"),
        failure_rate: o.opt_num("failureRate"),
        duration_ms: o.stats("durationMs"),
        queued_ms: o.stats("queuedMs"),
        first_created_at: o.opt_timestamp("firstCreatedAt"),
        last_created_at: o.opt_timestamp("lastCreatedAt"),
        latest: o.opt_object("latest").map(|l| Latest {
            id: l.string("id"),
            status: l.status("status"),
            created_at: l.timestamp("createdAt"),
        }),
        last_success: o.opt_object("lastSuccess").map(|l| LastSuccess {
            id: l.string("id"),
            created_at: l.timestamp("createdAt"),
            finished_at: l.opt_timestamp("finishedAt"),
        }),
        last_failure: o.opt_object("lastFailure").map(|l| LastFailure {
            id: l.string("id"),
            status: l.status("status"),
            created_at: l.timestamp("createdAt"),
            finished_at: l.opt_timestamp("finishedAt"),
            error: l.opt_string("error"),
        }),
        failure_streak: o.count("failureStreak"),
        top_errors: o.unread("topErrors"),
        daily: o.unread("daily"),
        last_terminal: o.opt_object("lastTerminal").map(|t| LastTerminal {
            id: t.string("id"),
            status: t.status("status"),
            created_at: t.timestamp("createdAt"),
            finished_at: t.opt_timestamp("finishedAt"),
            duration_ms: t.opt_int("durationMs"),
            query_size: t.count("querySize"),
            attempted_rows: t.count("attemptedRows"),
            failed_rows: t.count("failedRows"),
            failure_rate: t.opt_num("failureRate"),
        }),
        query_size: o.stats("querySize"),
        error_count: o.count("errorCount"),
        warning_count: o.count("warningCount"),
        issues: o.unread("issues"),
        issues_truncated: o.boolean("issuesTruncated"),
    };
    first.result(summary)
}

/// A `Health` (SPEC §9) from a value named `path`; anything else is `invalid_summary`.
#[cold]
fn health(value: &Value, path: String) -> Result<Health, Misuse> {
    let first = First::new(MisuseCode::InvalidSummary);
    let o = Obj::of(value, path, &first);
    let status = o.health_status("status");
    let mut checks: Vec<HealthCheck> = Vec::new();
    for (i, item) in o.array("checks").iter().enumerate() {
        let c = Obj::of(item, text!(o.path, ".checks[", i, "]"), &first);
        let rule = c.read("rule", "a rule name", |v| match v {
            Value::String(s) => HealthRule::from_name(s).map(Some),
            _ => None,
        });
        let Some(rule) = rule else { break };
        if checks.iter().any(|x| x.rule == rule) {
            c.fail("rule", "a rule not checked before in the list");
        }
        checks.push(HealthCheck {
            rule,
            status: c.health_status("status"),
            value: c.opt_num("value"),
            warning: c.num("warning"),
            critical: c.num("critical"),
            message: c.string("message"),
        });
    }
    first.result(Health { status, checks })
}

/// A `Health` from JSON text, or `None` for `null` when `nullable` (compareHealth's `previous`).
#[cold]
pub fn read_health(text: &[u8], name: &str, nullable: bool) -> Result<Option<Health>, Misuse> {
    let value = parse(text, name, MisuseCode::InvalidSummary)?;
    if nullable && value == Value::Null {
        return Ok(None);
    }
    health(&value, String::from(name)).map(Some)
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
        Some(v) => Some(health(v, String::from("options.health"))?),
    };
    Ok(MetricsOptions { labels, health })
}

//! Figures read back from JSON (SPEC §9, §10): a `BatchSummary` or a `Health` as an earlier call
//! (or an earlier run, through a file) wrote it, and the options of `checkHealth` and
//! `formatMetrics`. A summary or `Health` is read straight from the text with the crate's own
//! JSON reader, along a static table of its keys and kinds (§5's, for a summary), so that
//! anything else is misuse naming the first wrong key in the table's order, whatever the text's
//! (`summary.durationMs.p50 must be a number or null`). Keys the tables do not have are skipped;
//! a key given twice counts the first time. Text that is not JSON is reported as that first.
//!
//! One walker interprets the tables: reading a summary field by field into the typed structs
//! was a function call (and a clean-up path) per member, most of this module's .wasm; building
//! a `Value` tree first took most of the time. Only the figures SPEC §9 and §10 need are kept,
//! in a flat [`Figures`]. The options (small, with keys of the user's) are read into a `Value`,
//! but for `health`, which is read along the tables too.
//!
//! Each call runs once per judgement, never per run: entry points are `#[cold]` and helpers not
//! inlined, for a smaller .wasm.

use crate::figures::{flag, slot, Figures};
use crate::health::{
    Health, HealthCheck, HealthOptions, HealthRule, HealthStatus, Misuse, MisuseCode, Rules, Thresholds,
};
use crate::json::{Fail, Reader, Scalar, Value};
use crate::metrics::MetricsOptions;
use crate::number::MAX_SAFE;
use crate::run::SyncRunStatus;
use crate::timestamp::parse_timestamp;
use crate::write::text;

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
    /// A `Health`'s checks: an array of objects read with [`CHECK`].
    Checks,
    /// An object whose members are those of the table [`TABLES`] has at the first number,
    /// their slots offset by the second.
    Obj(u8, u8),
    /// The same, or null.
    OptObj(u8, u8),
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
            Kind::Array | Kind::Checks => 13,
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
    Member("planned", Obj(T_TOTALS, N), N),
    Member("successful", Obj(T_TOTALS, N), N),
    Member("failed", Obj(T_TOTALS, at(slot::ROWS_FAILED)), N),
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

/// The tables of nested objects, by the numbers `Obj` and `OptObj` name them with (a number
/// each, not a slice: a table entry is 12 bytes of .wasm data instead of 24).
const TABLES: [&[Member]; 8] = [STATS, TOTALS, BY_STATUS, ROWS, LATEST, LAST_SUCCESS, LAST_FAILURE, LAST_TERMINAL];
const T_STATS: u8 = 0;
const T_TOTALS: u8 = 1;
const T_BY_STATUS: u8 = 2;
const T_ROWS: u8 = 3;
const T_LATEST: u8 = 4;
const T_LAST_SUCCESS: u8 = 5;
const T_LAST_FAILURE: u8 = 6;
const T_LAST_TERMINAL: u8 = 7;

/// A `BatchSummary`'s members, in the order of SPEC §5 (so the first wrong key is named).
/// `issues`, `topErrors` and `daily` must be arrays; their elements are not read (no rule and
/// no metric needs them).
const SUMMARY: &[Member] = &[
    Member("records", Count, at(slot::RECORDS)),
    Member("valid", Count, at(slot::VALID)),
    Member("invalid", Count, at(slot::INVALID)),
    Member("duplicates", Count, at(slot::DUPLICATES)),
    Member("hasMore", OptBool, N),
    Member("byStatus", Obj(T_BY_STATUS, at(slot::BY_STATUS)), N),
    Member("terminal", Count, at(slot::TERMINAL)),
    Member("inProgress", Count, N),
    Member("succeeded", Count, N),
    Member("failed", Count, N),
    Member("successRate", OptNum, at(slot::SUCCESS_RATE)),
    Member("rows", Obj(T_ROWS, 0), N),
    Member("attemptedRows", Count, at(slot::ATTEMPTED_ROWS)),
    Member("skippedRows", Count, at(slot::SKIPPED_ROWS)),
    Member("failureRate", OptNum, N),
    Member("durationMs", Obj(T_STATS, at(slot::DURATION)), N),
    Member("queuedMs", Obj(T_STATS, at(slot::QUEUED)), N),
    Member("firstCreatedAt", OptTs, N),
    Member("lastCreatedAt", OptTs, N),
    Member("latest", OptObj(T_LATEST, at(slot::LATEST_CREATED)), N),
    Member("lastSuccess", OptObj(T_LAST_SUCCESS, at(slot::LAST_SUCCESS_FINISHED)), at(slot::LAST_SUCCESS)),
    Member("lastFailure", OptObj(T_LAST_FAILURE, at(slot::LAST_FAILURE_FINISHED)), N),
    Member("failureStreak", Count, at(slot::FAILURE_STREAK)),
    Member("topErrors", Array, N),
    Member("daily", Array, N),
    Member("lastTerminal", OptObj(T_LAST_TERMINAL, at(slot::LAST_TERMINAL_DURATION)), at(slot::LAST_TERMINAL)),
    Member("querySize", Obj(T_STATS, at(slot::QUERY_SIZE)), N),
    Member("errorCount", Count, N),
    Member("warningCount", Count, N),
    Member("issues", Array, N),
    Member("issuesTruncated", Bool, N),
];

// `object` marks the members it has seen in a u64.
const _: () = assert!(SUMMARY.len() <= 64);

/// A `HealthCheck`'s members; the slots are those [`checks`] reads its figures from.
const CHECK: &[Member] = &[
    Member("rule", Rule, 0),
    Member("status", HealthStatus, 1),
    Member("value", OptNum, 2),
    Member("warning", Num, 3),
    Member("critical", Num, 4),
    Member("message", Str, 5),
];

/// A `Health`'s members (`checks` is read by [`health`]).
const HEALTH: &[Member] = &[Member("status", HealthStatus, 0), Member("checks", Checks, N)];

/// The figure of a scalar `v` of kind `kind` (a status or rule as its position in its `ALL`,
/// null as `NaN`, a null object as 0, strings as 0: the caller takes those from the value), or
/// `None` when `v` is not one.
#[allow(clippy::cast_precision_loss)]
#[inline(never)]
fn scalar(kind: Kind, v: &Scalar) -> Option<f64> {
    let position = |found: Option<usize>| found.map(|i| i as f64);
    match (kind, v) {
        (OptInt | OptNum | OptBool | OptStr | OptTs, Scalar::Null) => Some(f64::NAN),
        (OptObj(..), Scalar::Null) => Some(0.0),
        (Count, Scalar::Number(n)) if (0.0..=MAX_SAFE).contains(n) && n.fract() == 0.0 => Some(*n),
        (OptInt, Scalar::Number(n)) if n.abs() <= MAX_SAFE && n.fract() == 0.0 => Some(*n),
        (OptNum | Num, Scalar::Number(n)) if n.is_finite() => Some(*n),
        (Bool | OptBool, Scalar::Bool(b)) => Some(flag(*b)),
        (Str | OptStr, Scalar::String(_)) => Some(0.0),
        (Ts | OptTs, Scalar::String(s)) => parse_timestamp(s).map(|ms| ms as f64),
        (Status, Scalar::String(s)) => position(SyncRunStatus::parse(s).map(|_| 0)),
        (HealthStatus, Scalar::String(s)) => position(crate::health::HealthStatus::from_name(s).map(|h| h as usize)),
        (Rule, Scalar::String(s)) => position(HealthRule::from_name(s).map(|r| r as usize)),
        _ => None,
    }
}

#[cold]
#[inline(never)]
fn wrong(path: &str, key: &str, what: &str) -> Misuse {
    Misuse::summary_of(&[path, ".", key, what])
}

/// Where a walk writes: figures at their slots, the string member with a slot, the checks of
/// a `Health`.
struct Cx {
    out: [f64; slot::COUNT],
    string: String,
    checks: Vec<HealthCheck>,
}

impl Cx {
    /// (Not inlined: the array's initializer was a store per slot at every caller.)
    #[inline(never)]
    fn new() -> Cx {
        let mut out = [0.0; slot::COUNT];
        // A loop, not a store per slot (black_box keeps the optimizer from unrolling it).
        for x in out.iter_mut().take(std::hint::black_box(slot::COUNT)) {
            *x = f64::NAN;
        }
        Cx { out, string: String::new(), checks: Vec::new() }
    }

    fn store(&mut self, base: u8, at: u8, x: f64) {
        if at != N && base != N {
            if let Some(to) = self.out.get_mut(usize::from(base.wrapping_add(at))) {
                *to = x;
            }
        }
    }
}

/// The reader's steps, each one call: `Reader` inlines them, a copy per call site here.
#[inline(never)]
fn peek(r: &mut Reader) -> Result<u8, Fail> {
    r.peek()
}

#[inline(never)]
fn key<'a>(r: &mut Reader<'a>) -> Result<std::borrow::Cow<'a, str>, Fail> {
    r.key()
}

/// After a member or element: whether another follows before `close`.
#[inline(never)]
fn more(r: &mut Reader, close: u8) -> Result<bool, Fail> {
    r.comma_or(close)
}

/// Open the object or array the reader is at: whether it has a first member or element.
#[inline(never)]
fn open(r: &mut Reader, array: bool) -> Result<bool, Fail> {
    if array {
        r.array_start()
    } else {
        r.object_start()
    }
}

#[inline(never)]
fn plain<'a>(r: &mut Reader<'a>, b: u8) -> Result<Scalar<'a>, Fail> {
    r.plain_scalar(b)
}

/// Skip one value (a member no table has, or a container where a scalar belongs).
fn skip(r: &mut Reader) -> Result<(), Fail> {
    r.skip_value(1, &mut String::new(), &mut Vec::new())
}

/// The first problem of an object: the position in its table of the member at fault, and the
/// misuse. Members are read in the text's order, problems reported in the table's (§5's).
type Found = Option<(usize, Misuse)>;

/// The position of `key` in `table` (whose keys are all different), looked for from `from` on,
/// then before it: one comparison a member when the text has the table's order, where a search
/// from the start made reading a summary's 31 members about 500 string comparisons.
#[inline(never)]
fn find(table: &[Member], key: &str, from: usize) -> Option<usize> {
    let (before, after) = table.split_at(from.min(table.len()));
    match after.iter().position(|m| m.0 == key) {
        Some(i) => Some(from + i),
        None => before.iter().position(|m| m.0 == key),
    }
}

/// Read the object the reader is at (named `path`) against `table`, straight from the text:
/// its figures go to `cx` at `base` + their slots. A key given twice counts the first time, as
/// everywhere in the package; keys the table does not have are skipped.
#[inline(never)]
fn object(r: &mut Reader, path: &str, table: &[Member], base: u8, cx: &mut Cx) -> Result<Found, Fail> {
    let mut seen = 0u64;
    let mut first: Found = None;
    let keep = |first: &mut Found, i: usize, m: Misuse| {
        if first.as_ref().is_none_or(|(j, _)| i < *j) {
            *first = Some((i, m));
        }
    };
    // Where the next key is looked for first: a text the package wrote has the table's order.
    let mut next = 0;
    if open(r, false)? {
        loop {
            let k = key(r)?;
            match find(table, &k, next) {
                Some(i) if seen & (1 << i) == 0 => {
                    seen |= 1 << i;
                    next = i + 1;
                    if let Some(Member(key, kind, at)) = table.get(i) {
                        if let Some(m) = value(r, path, key, *kind, *at, base, cx)? {
                            keep(&mut first, i, m);
                        }
                    }
                }
                _ => skip(r)?,
            }
            if !more(r, b'}')? {
                break;
            }
        }
    }
    if let Some(i) = (0..table.len()).find(|i| seen & (1 << i) == 0) {
        let key = table.get(i).map_or("", |m| m.0);
        keep(&mut first, i, wrong(path, key, " is missing"));
    }
    Ok(first)
}

/// Read the value of member `key` (of kind `kind`, figure to slot `at`) of the object named
/// `path`; the misuse when it is not one.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn value(
    r: &mut Reader,
    path: &str,
    key: &str,
    kind: Kind,
    at: u8,
    base: u8,
    cx: &mut Cx,
) -> Result<Option<Misuse>, Fail> {
    let b = peek(r)?;
    let bad = || Misuse::summary_of(&[path, ".", key, " must be ", kind.expected()]);
    match (kind, b) {
        (Obj(sub, sb) | OptObj(sub, sb), b'{') => {
            cx.store(base, at, 1.0);
            let sub = TABLES.get(usize::from(sub)).copied().unwrap_or_default();
            let sub_base = if sb == N { N } else { base.wrapping_add(sb) };
            Ok(object(r, &[path, ".", key].concat(), sub, sub_base, cx)?.map(|(_, m)| m))
        }
        (Checks, b'[') => checks(r, path, cx),
        (Array, b'[') => skip(r).map(|()| None),
        (_, b'{' | b'[') => skip(r).map(|()| Some(bad())),
        _ => {
            let v = plain(r, b)?;
            let Some(x) = scalar(kind, &v) else { return Ok(Some(bad())) };
            if let (Scalar::String(s), Str, true) = (&v, kind, at != N) {
                cx.string = s.to_string();
            }
            cx.store(base, at, x);
            Ok(None)
        }
    }
}

/// The status or rule at `position` of `all`.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn nth<T: Copy>(all: &[T], position: f64) -> Option<T> {
    all.get(position as usize).copied()
}

#[inline(never)]
/// The `checks` of a `Health` (named `path`), into `cx.checks`; the first wrong one's misuse.
fn checks(r: &mut Reader, path: &str, cx: &mut Cx) -> Result<Option<Misuse>, Fail> {
    let mut bad = None;
    let mut i = 0usize;
    if open(r, true)? {
        loop {
            let at = text!(path, ".checks[", i, "]");
            if bad.is_some() {
                skip(r)?;
            } else if peek(r)? != b'{' {
                skip(r)?;
                bad = Some(Misuse::summary_of(&[at.as_str(), " must be an object"]));
            } else {
                let mut c = Cx::new();
                let found = object(r, &at, CHECK, 0, &mut c)?;
                let rule = nth(&HealthRule::ALL, c.out[0]);
                // The rule is read first: a rule given twice is the check's misuse.
                if rule.is_some_and(|rule| cx.checks.iter().any(|x| x.rule == rule)) {
                    bad = Some(wrong(&at, "rule", " must be a rule not checked before in the list"));
                } else if let Some((_, m)) = found {
                    bad = Some(m);
                } else if let Some(rule) = rule {
                    let [_, status, value, warning, critical, ..] = c.out;
                    cx.checks.push(HealthCheck {
                        rule,
                        status: nth(&HealthStatus::ALL, status).unwrap_or(HealthStatus::Unknown),
                        value: Some(value).filter(|v| !v.is_nan()),
                        warning,
                        critical,
                        message: c.string,
                    });
                }
            }
            i += 1;
            if !more(r, b']')? {
                break;
            }
        }
    }
    Ok(bad)
}
/// A reader of `text`, after a byte order mark; `None` when it is not UTF-8.
#[inline(never)]
fn reader(text: &[u8]) -> Option<Reader<'_>> {
    let text = std::str::from_utf8(text).ok()?;
    Some(Reader::new(text.strip_prefix('\u{FEFF}').unwrap_or(text), true))
}

#[inline(never)]
fn at_end(r: &mut Reader) -> bool {
    r.at_end()
}

#[cold]
#[inline(never)]
fn not_json(name: &str, code: MisuseCode) -> Misuse {
    Misuse { code, message: [name, " is not JSON"].concat() }
}

/// Read the JSON text `text`, named `name`, with `read` at its first byte: misuse about
/// `name` (with `code`) when it is not JSON, whatever else is wrong.
fn read_text<T>(
    text: &[u8],
    name: &str,
    code: MisuseCode,
    read: impl FnOnce(&mut Reader) -> Result<Result<T, Misuse>, Fail>,
) -> Result<T, Misuse> {
    let Some(mut r) = reader(text) else { return Err(not_json(name, code)) };
    match read(&mut r) {
        Ok(result) if at_end(&mut r) => result,
        _ => Err(not_json(name, code)),
    }
}

/// The object the reader is at, named `name`, against `table` (misuse if it is not an object).
fn top(r: &mut Reader, name: &str, table: &[Member], cx: &mut Cx) -> Result<Result<(), Misuse>, Fail> {
    if peek(r)? != b'{' {
        skip(r)?;
        return Ok(Err(Misuse::summary_of(&[name, " must be an object"])));
    }
    Ok(object(r, name, table, 0, cx)?.map_or(Ok(()), |(_, m)| Err(m)))
}

/// The figures of a `BatchSummary` (SPEC §5) from its JSON text: every member checked, in the
/// order of §5.
#[cold]
pub fn read_summary(text: &[u8]) -> Result<Figures, Misuse> {
    let mut cx = Cx::new();
    read_text(text, "summary", MisuseCode::InvalidSummary, |r| top(r, "summary", SUMMARY, &mut cx))?;
    Ok(Figures(cx.out))
}

/// A `Health` (SPEC §9), named `name`, at the reader; `Ok(None)` for `null` when `nullable`.
fn health(r: &mut Reader, name: &str, nullable: bool) -> Result<Result<Option<Health>, Misuse>, Fail> {
    if nullable && peek(r)? == b'n' {
        if let Scalar::Null = plain(r, b'n')? {
            return Ok(Ok(None));
        }
    }
    let mut cx = Cx::new();
    Ok(top(r, name, HEALTH, &mut cx)?.map(|()| {
        let status = nth(&HealthStatus::ALL, cx.out[0]).unwrap_or(HealthStatus::Unknown);
        Some(Health { status, checks: cx.checks })
    }))
}

/// A `Health` from JSON text, or `None` for `null` when `nullable` (compareHealth's `previous`).
#[cold]
pub fn read_health(text: &[u8], name: &str, nullable: bool) -> Result<Option<Health>, Misuse> {
    read_text(text, name, MisuseCode::InvalidSummary, |r| health(r, name, nullable))
}

/// What [`options`] read: the members but `health`, and, when asked for, the `health` member
/// read straight from the text in the same pass (the first, if the text has it twice; `None`
/// when absent or null), or the misuse it is.
type Read = (Option<Value>, Result<Option<Health>, Misuse>);

/// The options object's members but `health`, which is skipped or, with `with_health`, read
/// along the `Health` tables; `None` (no text, or `null`) is no options.
#[cold]
fn options(text: Option<&[u8]>, with_health: bool) -> Result<Read, Misuse> {
    let Some(text) = text else { return Ok((None, Ok(None))) };
    read_text(text, "options", MisuseCode::InvalidOption, |r| {
        let not_object = || Err(Misuse::option_of(&["options must be an object"]));
        match peek(r)? {
            b'{' => {}
            b'[' => return skip(r).map(|()| not_object()),
            b => return Ok(if let Scalar::Null = plain(r, b)? { Ok((None, Ok(None))) } else { not_object() }),
        }
        let mut members: Vec<(String, Value)> = Vec::new();
        let mut health_read = Ok(None);
        let mut health_seen = false;
        if open(r, false)? {
            loop {
                let k = key(r)?;
                if k == "health" && with_health && !health_seen {
                    health_seen = true;
                    health_read = health(r, "options.health", true)?;
                } else if k == "health" || members.iter().any(|(m, _)| *m == k) {
                    skip(r)?;
                } else {
                    let v = r.value(1, &mut String::new(), &mut Vec::new())?;
                    members.push((k.into_owned(), v));
                }
                if !more(r, b'}')? {
                    break;
                }
            }
        }
        Ok(Ok((Some(Value::Object(members)), health_read)))
    })
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
    let (options, _) = options(text, false)?;
    let now = match member(&options, "now") {
        None => now,
        #[allow(clippy::cast_possible_truncation)]
        Some(Value::Number(n)) if n.abs() <= 8.64e15 => n.trunc() as i64,
        Some(Value::String(s)) => parse_timestamp(s).ok_or_else(|| {
            let mut shown = String::new();
            crate::write::string(s, &mut shown);
            Misuse::option_of(&["option now must be a timestamp (YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)), got ", &shown])
        })?,
        Some(_) => {
            return Err(Misuse::option_of(&[
                "option now must be a timestamp or a finite number of milliseconds since 1970-01-01T00:00:00Z",
            ]))
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
        Some(_) => return Err(Misuse::option_of(&["option rules must be an object"])),
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
        crate::write::number(t.warning, &mut w);
        crate::write::number(t.critical, &mut c);
        let side = if rule.pair_ok(Thresholds { warning: 1.0, critical: 0.0 }) { " ≤ " } else { " ≥ " };
        return Err(Misuse::option_of(&["rules.", name, ": critical (", &c, ") must be", side, "warning (", &w, ")"]));
    }
    Ok(Some(t))
}

/// The options of `formatMetrics` (SPEC §10) from JSON text: labels in the order given, and
/// the health to include.
#[cold]
pub fn read_metrics_options(text: Option<&[u8]>) -> Result<MetricsOptions, Misuse> {
    let (options, health) = options(text, true)?;
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
        Some(_) => return Err(Misuse::option_of(&["option labels must be an object"])),
    }
    // The health's misuse after the labels', as when it was read in a second pass.
    Ok(MetricsOptions { labels, health: health? })
}

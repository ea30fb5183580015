//! One SyncRun: reading its fields, checking every rule of SPEC §2, and the normalized shape.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::issue::{push_token, Base, Issue, IssueCode};
use crate::json::{serialize_number, Fail, KeySet, Reader, Scalar, Value, MAX_SAFE};
use crate::options::UnknownFields;
use crate::out::text;
use crate::timestamp::{parse_timestamp, write_timestamp};

/// The nine statuses of SPEC §2.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum SyncRunStatus {
    Success,
    Warning,
    Failed,
    Cancelled,
    Interrupted,
    Queued,
    Querying,
    Processing,
    Reporting,
}

impl SyncRunStatus {
    /// All nine, in the order of SPEC §2.1 (and of `byStatus`).
    pub const ALL: [SyncRunStatus; 9] = [
        SyncRunStatus::Success,
        SyncRunStatus::Warning,
        SyncRunStatus::Failed,
        SyncRunStatus::Cancelled,
        SyncRunStatus::Interrupted,
        SyncRunStatus::Queued,
        SyncRunStatus::Querying,
        SyncRunStatus::Processing,
        SyncRunStatus::Reporting,
    ];

    /// Lowercase name, as normalized.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncRunStatus::Success => "success",
            SyncRunStatus::Warning => "warning",
            SyncRunStatus::Failed => "failed",
            SyncRunStatus::Cancelled => "cancelled",
            SyncRunStatus::Interrupted => "interrupted",
            SyncRunStatus::Queued => "queued",
            SyncRunStatus::Querying => "querying",
            SyncRunStatus::Processing => "processing",
            SyncRunStatus::Reporting => "reporting",
        }
    }

    /// ASCII case-insensitive, surrounding white space ignored (SPEC §2).
    pub fn parse(s: &str) -> Option<SyncRunStatus> {
        let t = js_trim(s).as_bytes();
        // Lowercased into a small buffer, then one match (a loop of eq_ignore_ascii_case over
        // the nine names was unrolled into 3 KB of wasm).
        let mut lower = [0u8; 11];
        let word = lower.get_mut(..t.len())?;
        for (l, c) in word.iter_mut().zip(t) {
            *l = c.to_ascii_lowercase();
        }
        Some(match &*word {
            b"success" => SyncRunStatus::Success,
            b"warning" => SyncRunStatus::Warning,
            b"failed" => SyncRunStatus::Failed,
            b"cancelled" => SyncRunStatus::Cancelled,
            b"interrupted" => SyncRunStatus::Interrupted,
            b"queued" => SyncRunStatus::Queued,
            b"querying" => SyncRunStatus::Querying,
            b"processing" => SyncRunStatus::Processing,
            b"reporting" => SyncRunStatus::Reporting,
            _ => return None,
        })
    }

    /// Position in [`SyncRunStatus::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Terminal statuses: the run is over (SPEC §2.1).
    pub fn is_terminal(self) -> bool {
        !self.is_in_progress()
    }

    /// `queued`, `querying`, `processing`, `reporting`.
    pub fn is_in_progress(self) -> bool {
        matches!(
            self,
            SyncRunStatus::Queued | SyncRunStatus::Querying | SyncRunStatus::Processing | SyncRunStatus::Reporting
        )
    }

    /// `success`, and `warning` unless `warningIsFailure` (SPEC §2.1).
    pub fn is_succeeded(self, warning_is_failure: bool) -> bool {
        match self {
            SyncRunStatus::Success => true,
            SyncRunStatus::Warning => !warning_is_failure,
            _ => false,
        }
    }
}

/// Row counts of one kind (`plannedRows`, `successfulRows`, `failedRows`), normalized.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct RowCounts {
    pub added_count: u64,
    pub changed_count: u64,
    pub removed_count: u64,
    /// Unknown keys, kept only with `unknownFields: "keep"`.
    #[serde(flatten, default, skip_serializing_if = "Extra::is_empty")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "{ [key: string]: unknown }"))]
    pub extra: Extra,
}

/// A normalized run (SPEC §2): all 11 keys in contract order, then kept unknown keys.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct SyncRun {
    pub id: String,
    pub status: SyncRunStatus,
    /// Canonical UTC timestamp, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    #[serde(serialize_with = "ser_ratio")]
    pub completion_ratio: f64,
    pub query_size: u64,
    pub planned_rows: RowCounts,
    pub successful_rows: RowCounts,
    pub failed_rows: RowCounts,
    pub error: Option<String>,
    /// Unknown keys, kept only with `unknownFields: "keep"`, in input order.
    #[serde(flatten, default, skip_serializing_if = "Extra::is_empty")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "{ [key: string]: unknown }"))]
    pub extra: Extra,
}

/// Kept unknown keys, in input order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extra(pub Vec<(String, Value)>);

impl Extra {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Only for tests that read normalized output back; values become JSON text round trips.
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        Ok(Extra(map.into_iter().map(|(k, v)| (k, from_serde(v))).collect()))
    }
}

fn from_serde(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(a) => Value::Array(a.into_iter().map(from_serde).collect()),
        serde_json::Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, from_serde(v))).collect()),
    }
}

/// The three operations of a row-count object, in contract order.
pub const OPS: [&str; 3] = ["addedCount", "changedCount", "removedCount"];
/// The three row-count objects, in contract order.
pub const COUNTS: [&str; 3] = ["plannedRows", "successfulRows", "failedRows"];

/// Fields of one row-count object as read.
#[derive(Debug, Default)]
struct RawCounts<'a> {
    kind: Option<Scalar<'a>>,
    ops: [Option<Scalar<'a>>; 3],
    unknown: Vec<(Cow<'a, str>, Option<Value>)>,
}

/// Fields of one run as read, before any rule is checked.
#[derive(Debug, Default)]
struct RawRun<'a> {
    fields: [Option<Scalar<'a>>; 7],
    counts: [RawCounts<'a>; 3],
    error: Option<Scalar<'a>>,
    unknown: Vec<(Cow<'a, str>, Option<Value>)>,
    /// Issues found while reading (duplicate and unknown keys), with their slot in SPEC §3.3 order.
    found: Vec<(u16, Issue)>,
    /// The id's string had a lone surrogate escape, which the reader wrote as U+FFFD (SPEC §2).
    id_lone_surrogate: bool,
}

const SLOT_COUNTS: u16 = 7;
const SLOT_ERROR: u16 = 10;
const SLOT_UNKNOWN: u16 = 11;
fn slot(major: u16, minor: u16) -> u16 {
    major * 8 + minor
}

/// A run that passed every error rule, with values still borrowed from the input.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRun<'a> {
    pub id: Cow<'a, str>,
    pub status: SyncRunStatus,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub completion_ratio: f64,
    pub query_size: u64,
    /// `[planned, successful, failed][added, changed, removed]`.
    pub rows: [[u64; 3]; 3],
    pub error: Option<Cow<'a, str>>,
    pub(crate) extra: Vec<(Cow<'a, str>, Value)>,
    pub(crate) counts_extra: [Vec<(Cow<'a, str>, Value)>; 3],
}

/// What reading one record gave.
// Moved once per record; boxing the large variant would cost an allocation per valid run.
#[allow(clippy::large_enum_variant)]
pub enum Checked<'a> {
    /// Valid, with its warnings (duplicate ids are the batch's business).
    Valid(ValidRun<'a>, Vec<Issue>),
    /// At least one error; all the run's errors.
    Invalid(Vec<Issue>),
}

/// Read and check one record at the reader's position. `base` is the record's JSON Pointer.
pub fn read_record<'a>(r: &mut Reader<'a>, base: Base<'_>, unknown: UnknownFields) -> Result<Checked<'a>, Fail> {
    r.start_record();
    if r.peek()? != b'{' {
        let mut dups = Vec::new();
        let mut path = base.path();
        let found = r.scalar(&mut path, &mut dups)?;
        let issue =
            Issue::new(IssueCode::InvalidType, base.path(), text!("expected a run object, found ", found.type_name()));
        return Ok(Checked::Invalid(vec![issue]));
    }
    let start = r.pos;
    if let Some(run) = crate::fast::run(r, unknown) {
        #[cfg(debug_assertions)]
        {
            // The fast lane must agree with the general reader on every run it accepts.
            let end = r.pos;
            r.pos = start;
            let general = read_raw(r, base, unknown).map(|raw| check(raw, base, unknown));
            debug_assert!(
                matches!(&general, Ok(Checked::Valid(g, _)) if *g == run) && r.pos == end,
                "fast lane and general reader disagree on {:?}",
                r.text().get(start..end)
            );
            r.pos = end;
        }
        let warnings = run.warnings(base);
        return Ok(Checked::Valid(run, warnings));
    }
    r.pos = start;
    r.start_record();
    let mut raw = read_raw(r, base, unknown)?;
    if r.dups_elided {
        let message =
            "more duplicate keys inside this run's values were not listed (issue text is limited to 1 MiB per run)";
        raw.found.push((slot(SLOT_UNKNOWN + 1, 0), Issue::new(IssueCode::DuplicateKey, base.path(), message)));
    }
    Ok(check(raw, base, unknown))
}

fn read_raw<'a>(r: &mut Reader<'a>, base: Base<'_>, unknown: UnknownFields) -> Result<RawRun<'a>, Fail> {
    let mut run = RawRun::default();
    if !r.object_start()? {
        return Ok(run);
    }
    let mut seen_unknown = KeySet::default();
    loop {
        let key = r.key()?;
        if let Some(i) = scalar_index(&key) {
            let s = slot(i as u16, 0);
            let lone_before = r.lone_surrogates;
            let v = read_scalar(r, base, &key, s, &mut run.found)?;
            if i == 0 && r.lone_surrogates != lone_before {
                run.id_lone_surrogate = true;
            }
            if let Some(field) = run.fields.get_mut(i) {
                set_once(field, v, base, &key, s, &mut run.found);
            }
        } else if let Some(c) = counts_index(&key) {
            let major = SLOT_COUNTS + c as u16;
            let Some(counts) = run.counts.get_mut(c) else { continue };
            if counts.kind.is_some() {
                run.found.push((slot(major, 0), crate::json::duplicate_key(&base.child(&key))));
                let mut p = base.child(&key);
                let mut dups = Vec::new();
                r.skip_value(1, &mut p, &mut dups)?;
                run.found.extend(dups.into_iter().map(|d| (slot(major, 0), d)));
            } else if r.peek()? == b'{' {
                counts.kind = Some(Scalar::Object);
                read_counts(
                    r,
                    base.with_key(COUNTS.get(c).copied().unwrap_or_default()),
                    major,
                    counts,
                    unknown,
                    &mut run.found,
                )?;
            } else {
                counts.kind = Some(read_scalar(r, base, &key, slot(major, 0), &mut run.found)?);
            }
        } else if key == "error" {
            let v = read_scalar(r, base, &key, slot(SLOT_ERROR, 0), &mut run.found)?;
            set_once(&mut run.error, v, base, &key, slot(SLOT_ERROR, 0), &mut run.found);
        } else {
            read_unknown(
                r,
                base,
                key,
                slot(SLOT_UNKNOWN, 0),
                &mut seen_unknown,
                &mut run.unknown,
                unknown,
                &mut run.found,
            )?;
        }
        if !r.comma_or(b'}')? {
            return Ok(run);
        }
    }
}

/// Read a known scalar field; duplicate keys inside a (wrongly) nested value go to `slot`.
fn read_scalar<'a>(
    r: &mut Reader<'a>,
    base: Base<'_>,
    key: &str,
    s: u16,
    found: &mut Vec<(u16, Issue)>,
) -> Result<Scalar<'a>, Fail> {
    let b = r.peek()?;
    if b == b'{' || b == b'[' {
        let mut path = base.child(key);
        let mut dups = Vec::new();
        let v = r.scalar(&mut path, &mut dups)?;
        found.extend(dups.into_iter().map(|d| (s, d)));
        Ok(v)
    } else {
        r.plain_scalar(b)
    }
}

/// Position of a top-level scalar key in SPEC §2 table order (one `match`: length, then bytes).
#[inline]
fn scalar_index(key: &str) -> Option<usize> {
    match key {
        "id" => Some(0),
        "status" => Some(1),
        "createdAt" => Some(2),
        "startedAt" => Some(3),
        "finishedAt" => Some(4),
        "completionRatio" => Some(5),
        "querySize" => Some(6),
        _ => None,
    }
}

/// Position of a row-count key in [`COUNTS`].
#[inline]
fn counts_index(key: &str) -> Option<usize> {
    match key {
        "plannedRows" => Some(0),
        "successfulRows" => Some(1),
        "failedRows" => Some(2),
        _ => None,
    }
}

/// Position of an operation key in [`OPS`].
#[inline]
fn op_index(key: &str) -> Option<usize> {
    match key {
        "addedCount" => Some(0),
        "changedCount" => Some(1),
        "removedCount" => Some(2),
        _ => None,
    }
}

/// Keep the first value of a key; a second one is `duplicate_key`.
fn set_once<'a>(
    field: &mut Option<Scalar<'a>>,
    v: Scalar<'a>,
    base: Base<'_>,
    key: &str,
    s: u16,
    found: &mut Vec<(u16, Issue)>,
) {
    if field.is_some() {
        found.push((s, crate::json::duplicate_key(&base.child(key))));
    } else {
        *field = Some(v);
    }
}

#[allow(clippy::too_many_arguments)]
fn read_unknown<'a>(
    r: &mut Reader<'a>,
    base: Base<'_>,
    key: Cow<'a, str>,
    s: u16,
    seen: &mut KeySet<'a>,
    kept: &mut Vec<(Cow<'a, str>, Option<Value>)>,
    mode: UnknownFields,
    found: &mut Vec<(u16, Issue)>,
) -> Result<(), Fail> {
    let mut path = base.child(&key);
    let mut dups = Vec::new();
    let fresh = seen.insert(key.clone());
    if !fresh {
        found.push((s, crate::json::duplicate_key(&path)));
    } else if mode == UnknownFields::Error {
        found.push((s, Issue::new(IssueCode::UnknownField, path.clone(), text!("unknown field \"", key, "\""))));
    }
    if fresh && mode == UnknownFields::Keep {
        let v = r.value(1, &mut path, &mut dups)?;
        kept.push((key, Some(v)));
    } else {
        r.skip_value(1, &mut path, &mut dups)?;
    }
    found.extend(dups.into_iter().map(|d| (s, d)));
    Ok(())
}

fn read_counts<'a>(
    r: &mut Reader<'a>,
    base: Base<'_>,
    major: u16,
    counts: &mut RawCounts<'a>,
    mode: UnknownFields,
    found: &mut Vec<(u16, Issue)>,
) -> Result<(), Fail> {
    if !r.object_start()? {
        return Ok(());
    }
    let mut seen_unknown = KeySet::default();
    loop {
        let key = r.key()?;
        if let Some(i) = op_index(&key) {
            let s = slot(major, 1 + i as u16);
            let v = read_scalar(r, base, &key, s, found)?;
            if let Some(op) = counts.ops.get_mut(i) {
                set_once(op, v, base, &key, s, found);
            }
        } else {
            read_unknown(r, base, key, slot(major, 4), &mut seen_unknown, &mut counts.unknown, mode, found)?;
        }
        if !r.comma_or(b'}')? {
            return Ok(());
        }
    }
}

/// Collects a run's errors with their slots.
struct Errors<'b> {
    base: Base<'b>,
    list: Vec<(u16, Issue)>,
}

impl Errors<'_> {
    fn add(&mut self, s: u16, code: IssueCode, key_path: &[&str], message: String) {
        let mut path = self.base.path();
        for k in key_path {
            push_token(&mut path, k);
        }
        self.list.push((s, Issue::new(code, path, message)));
    }

    /// `missing_field` / `invalid_type` for a value that should be of `expected` type.
    fn shape(&mut self, s: u16, key_path: &[&str], v: &Scalar<'_>, expected: &str) {
        let name = key_path.join("/");
        match v {
            Scalar::Absent => self.add(s, IssueCode::MissingField, key_path, text!("\"", name, "\" is required")),
            Scalar::Null => self.add(s, IssueCode::MissingField, key_path, text!("\"", name, "\" must not be null")),
            other => self.add(
                s,
                IssueCode::InvalidType,
                key_path,
                text!("\"", name, "\" must be ", expected, ", found ", other.type_name()),
            ),
        }
    }
}

fn get<'x, 'a>(v: &'x Option<Scalar<'a>>) -> &'x Scalar<'a> {
    v.as_ref().unwrap_or(&Scalar::Absent)
}

/// An integer count per SPEC §2: a number with no fractional part in 0..=2^53−1.
fn count(n: f64) -> Option<u64> {
    if n.is_finite() && n.fract() == 0.0 && (0.0..=MAX_SAFE).contains(&n) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(n as u64)
    } else {
        None
    }
}

fn describe(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        // As JavaScript writes it.
        let mut o = String::new();
        crate::out::number(n, &mut o);
        o
    }
}

fn check_count(e: &mut Errors<'_>, s: u16, key_path: &[&str], v: &Scalar<'_>) -> Option<u64> {
    match v {
        Scalar::Number(n) => {
            let c = count(*n);
            if c.is_none() {
                let name = key_path.join("/");
                e.add(
                    s,
                    IssueCode::InvalidNumber,
                    key_path,
                    text!("\"", name, "\" must be a whole number from 0 to 2^53 − 1, found ", describe(*n)),
                );
            }
            c
        }
        other => {
            e.shape(s, key_path, other, "an integer");
            None
        }
    }
}

/// Whether `c` is white space as JavaScript's `String.prototype.trim` sees it (SPEC §2):
/// WhiteSpace and LineTerminator. Rust's `char::is_whitespace` (Unicode White_Space) differs in
/// two characters: it has U+0085, which JavaScript keeps, and lacks U+FEFF, which it removes.
pub fn js_space(c: char) -> bool {
    c == '\u{FEFF}' || (c.is_whitespace() && c != '\u{85}')
}

/// `s` trimmed as JavaScript's `trim()` trims it (SPEC §2).
pub fn js_trim(s: &str) -> &str {
    s.trim_matches(js_space)
}

/// A string held as `Cow`, trimmed as JavaScript trims it, borrowed where it was borrowed.
fn trimmed<'a>(s: &Cow<'a, str>) -> Cow<'a, str> {
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(js_trim(b)),
        Cow::Owned(o) => Cow::Owned(js_trim(o).to_string()),
    }
}

fn check_id<'a>(e: &mut Errors<'_>, v: &Scalar<'a>, lone_surrogate: bool) -> Option<Cow<'a, str>> {
    match v {
        Scalar::String(s) => {
            let t = js_trim(s);
            // Characters: the bytes that do not continue a UTF-8 sequence.
            let n = t.bytes().filter(|&b| (b & 0xC0) != 0x80).count();
            let problem = if n == 0 {
                Some("\"id\" is empty".to_string())
            } else if n > 64 {
                Some(text!("\"id\" has ", n, " characters; at most 64 are allowed"))
            } else if t.chars().any(|c| matches!(c, '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}')) {
                Some("\"id\" contains a control character".to_string())
            } else if lone_surrogate {
                // The reader wrote it as U+FFFD: two such ids would otherwise be false duplicates.
                Some("\"id\" contains a lone surrogate (a \\ud800–\\udfff escape with no pair)".to_string())
            } else {
                None
            };
            match problem {
                Some(m) => {
                    e.add(0, IssueCode::InvalidId, &["id"], m);
                    None
                }
                None => Some(trimmed(s)),
            }
        }
        Scalar::Number(n) => match count(*n) {
            Some(c) => Some(Cow::Owned(text!(c))),
            None => {
                e.add(
                    0,
                    IssueCode::InvalidId,
                    &["id"],
                    text!("a numeric \"id\" must be a whole number from 0 to 2^53 − 1, found ", describe(*n)),
                );
                None
            }
        },
        other => {
            e.shape(0, &["id"], other, "a string or an integer");
            None
        }
    }
}

/// `Ok(Some(ms))`, `Ok(None)` for an allowed null/absent, `Err(())` after reporting.
fn check_timestamp(e: &mut Errors<'_>, s: u16, key: &str, v: &Scalar<'_>, null_ok: bool) -> Result<Option<i64>, ()> {
    match v {
        Scalar::String(t) => match parse_timestamp(t) {
            Some(ms) => Ok(Some(ms)),
            None => {
                e.add(
                    s,
                    IssueCode::InvalidTimestamp,
                    &[key],
                    text!("\"", key, "\" is not an RFC 3339 date-time with an offset: ", quote(t)),
                );
                Err(())
            }
        },
        Scalar::Absent | Scalar::Null if null_ok => Ok(None),
        other => {
            e.shape(s, &[key], other, "an RFC 3339 date-time string");
            Err(())
        }
    }
}

fn quote(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    let more = if short.len() < s.len() { "…" } else { "" };
    let mut o = String::new();
    crate::out::string(&short, &mut o);
    o.push_str(more);
    o
}

fn check<'a>(raw: RawRun<'a>, base: Base<'_>, mode: UnknownFields) -> Checked<'a> {
    let mut e = Errors { base, list: Vec::new() };
    let [f_id, f_status, f_created, f_started, f_finished, f_ratio, f_size] = &raw.fields;

    let id = check_id(&mut e, get(f_id), raw.id_lone_surrogate);
    let status = match get(f_status) {
        Scalar::String(s) => {
            let st = SyncRunStatus::parse(s);
            if st.is_none() {
                e.add(1, IssueCode::UnknownStatus, &["status"], text!("unknown status ", quote(s), "; expected one of success, warning, failed, cancelled, interrupted, queued, querying, processing, reporting"));
            }
            st
        }
        other => {
            e.shape(1, &["status"], other, "a string");
            None
        }
    };
    let created = check_timestamp(&mut e, 2, "createdAt", get(f_created), false);
    let started_null_ok = matches!(status, Some(SyncRunStatus::Queued | SyncRunStatus::Cancelled));
    let started = check_timestamp(&mut e, 3, "startedAt", get(f_started), started_null_ok);
    let finished_null_ok = status.is_some_and(SyncRunStatus::is_in_progress);
    let finished = check_timestamp(&mut e, 4, "finishedAt", get(f_finished), finished_null_ok);
    let ratio = match get(f_ratio) {
        Scalar::Number(n) if n.is_finite() && (0.0..=1.0).contains(n) => Some(if *n == 0.0 { 0.0 } else { *n }),
        Scalar::Number(n) => {
            e.add(
                5,
                IssueCode::InvalidNumber,
                &["completionRatio"],
                text!("\"completionRatio\" must be a number from 0 to 1, found ", describe(*n)),
            );
            None
        }
        other => {
            e.shape(5, &["completionRatio"], other, "a number");
            None
        }
    };
    let query_size = check_count(&mut e, 6, &["querySize"], get(f_size));

    let mut rows = [[0u64; 3]; 3];
    let mut rows_ok = true;
    for (c, counts) in raw.counts.iter().enumerate() {
        let major = SLOT_COUNTS + c as u16;
        let name = COUNTS.get(c).copied().unwrap_or_default();
        match counts.kind.as_ref().unwrap_or(&Scalar::Absent) {
            Scalar::Object => {
                for (i, op) in OPS.iter().enumerate() {
                    let v = counts.ops.get(i).and_then(Option::as_ref).unwrap_or(&Scalar::Absent);
                    match check_count(&mut e, slot(major, 1 + i as u16), &[name, op], v) {
                        Some(n) => {
                            if let Some(cell) = rows.get_mut(c).and_then(|r| r.get_mut(i)) {
                                *cell = n;
                            }
                        }
                        None => rows_ok = false,
                    }
                }
            }
            other => {
                e.shape(slot(major, 0), &[name], other, "an object");
                rows_ok = false;
            }
        }
    }
    let error = match get(&raw.error) {
        Scalar::Absent | Scalar::Null => Some(None),
        Scalar::String(s) => Some(if js_trim(s).is_empty() { None } else { Some(trimmed(s)) }),
        other => {
            e.add(
                slot(SLOT_ERROR, 0),
                IssueCode::InvalidType,
                &["error"],
                text!("\"error\" must be a string or null, found ", other.type_name()),
            );
            None
        }
    };

    let mut list = e.list;
    list.extend(raw.found.into_iter().filter(|(_, i)| i.is_error()));
    if !list.is_empty() {
        return Checked::Invalid(
            crate::sort::sort_by_key(list, |(s, _)| u64::from(*s)).into_iter().map(|(_, i)| i).collect(),
        );
    }
    let (
        Some(id),
        Some(status),
        Ok(Some(created_at)),
        Ok(started_at),
        Ok(finished_at),
        Some(completion_ratio),
        Some(query_size),
        true,
        Some(error),
    ) = (id, status, created, started, finished, ratio, query_size, rows_ok, error)
    else {
        // Unreachable: every None above reported an error. Say so rather than panic.
        return Checked::Invalid(vec![Issue::new(IssueCode::InvalidType, base.path(), "run could not be read")]);
    };
    let keep = mode == UnknownFields::Keep;
    let take = |v: Vec<(Cow<'a, str>, Option<Value>)>| -> Vec<(Cow<'a, str>, Value)> {
        if keep {
            v.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect()
        } else {
            Vec::new()
        }
    };
    let [c0, c1, c2] = raw.counts;
    let run = ValidRun {
        id,
        status,
        created_at,
        started_at,
        finished_at,
        completion_ratio,
        query_size,
        rows,
        error,
        extra: take(raw.unknown),
        counts_extra: [take(c0.unknown), take(c1.unknown), take(c2.unknown)],
    };
    let warnings = run.warnings(base);
    Checked::Valid(run, warnings)
}

impl ValidRun<'_> {
    /// The warnings of SPEC §3.2 (but `duplicate_id`), in table order.
    pub fn warnings(&self, base: Base<'_>) -> Vec<Issue> {
        let mut w = Vec::new();
        if let Some(s) = self.started_at {
            if s < self.created_at {
                w.push(Issue::new(
                    IssueCode::StartedBeforeCreated,
                    base.child("startedAt"),
                    "\"startedAt\" is earlier than \"createdAt\"",
                ));
            }
        }
        if let (Some(s), Some(f)) = (self.started_at, self.finished_at) {
            if f < s {
                w.push(Issue::new(
                    IssueCode::FinishedBeforeStarted,
                    base.child("finishedAt"),
                    "\"finishedAt\" is earlier than \"startedAt\"",
                ));
            }
        }
        let [planned, ok, failed] = self.rows;
        for (i, op) in OPS.iter().enumerate() {
            let (p, s, f) = (at(&planned, i), at(&ok, i), at(&failed, i));
            if u128::from(s) + u128::from(f) > u128::from(p) {
                let mut path = base.child("successfulRows");
                push_token(&mut path, op);
                w.push(Issue::new(
                    IssueCode::RowsExceedPlanned,
                    path,
                    text!(op, ": ", s, " successful + ", f, " failed rows exceed ", p, " planned"),
                ));
            }
        }
        if self.status == SyncRunStatus::Success && failed.iter().any(|&n| n > 0) {
            w.push(Issue::new(
                IssueCode::SuccessWithFailedRows,
                base.child("failedRows"),
                "status is \"success\" but some rows failed",
            ));
        }
        if self.status == SyncRunStatus::Failed && self.error.is_none() {
            w.push(Issue::new(
                IssueCode::FailedWithoutError,
                base.child("error"),
                "status is \"failed\" but there is no error message",
            ));
        }
        if self.status.is_in_progress() && self.finished_at.is_some() {
            w.push(Issue::new(
                IssueCode::FinishedWhileInProgress,
                base.child("finishedAt"),
                text!("status is \"", self.status.as_str(), "\" (in progress) but \"finishedAt\" is set"),
            ));
        }
        w
    }

    /// The normalized run of SPEC §2.
    pub fn to_sync_run(&self) -> SyncRun {
        let ts = |ms: i64| {
            let mut s = String::with_capacity(24);
            write_timestamp(ms, &mut s);
            s
        };
        let owned = |v: &[(Cow<'_, str>, Value)]| Extra(v.iter().map(|(k, v)| (k.to_string(), v.clone())).collect());
        let counts = |i: usize| {
            let r = self.rows.get(i).copied().unwrap_or_default();
            RowCounts {
                added_count: at(&r, 0),
                changed_count: at(&r, 1),
                removed_count: at(&r, 2),
                extra: owned(self.counts_extra.get(i).map(Vec::as_slice).unwrap_or_default()),
            }
        };
        SyncRun {
            id: self.id.to_string(),
            status: self.status,
            created_at: ts(self.created_at),
            started_at: self.started_at.map(ts),
            finished_at: self.finished_at.map(ts),
            completion_ratio: self.completion_ratio,
            query_size: self.query_size,
            planned_rows: counts(0),
            successful_rows: counts(1),
            failed_rows: counts(2),
            error: self.error.as_ref().map(|e| e.to_string()),
            extra: owned(&self.extra),
        }
    }
}

/// `a[i]` or 0, without a panic path.
pub fn at(a: &[u64; 3], i: usize) -> u64 {
    a.get(i).copied().unwrap_or(0)
}

/// Serialize `completionRatio` as JavaScript writes it.
pub fn ser_ratio<S: serde::Serializer>(n: &f64, s: S) -> Result<S::Ok, S::Error> {
    serialize_number(*n, s)
}

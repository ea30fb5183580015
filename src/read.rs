//! The general reader: any run, however it is written, field by field into raw values, then
//! every rule of SPEC §2 and §3 checked and every issue found, in SPEC §3.3 order. Runs in the
//! common shape are read by the fast lane (`src/fast.rs`) first.

use std::borrow::Cow;

use crate::issue::{push_token, Base, Issue, IssueCode};
use crate::json::{Fail, KeySet, Reader, Scalar, Value};
use crate::options::UnknownFields;
use crate::run::{
    count, id_problem, js_trim, message, ratio, trimmed, Checked, Field, FieldSpec, FieldValue, IdProblem, Kind, Slot,
    SyncRunStatus, ValidRun, FIELDS, OPS,
};
use crate::timestamp::parse_timestamp;
use crate::write::text;

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
    /// By place in [`FIELDS`]; row-count fields are in `counts`.
    fields: [Option<Scalar<'a>>; FIELDS.len()],
    /// By place in [`COUNTS`].
    counts: [RawCounts<'a>; 3],
    unknown: Vec<(Cow<'a, str>, Option<Value>)>,
    /// Issues found while reading (duplicate and unknown keys), with their slot in SPEC §3.3 order.
    found: Vec<(Slot, Issue)>,
    /// The id's string had a lone surrogate escape, which the reader wrote as U+FFFD (SPEC §2).
    id_lone_surrogate: bool,
}

/// Read and check one record at the reader's position. `base` is the record's JSON Pointer.
pub fn read_record<'a>(r: &mut Reader<'a>, base: Base<'_>, unknown: UnknownFields) -> Result<Checked<'a>, Fail> {
    r.start_record();
    if r.peek()? != b'{' {
        let mut dups = Vec::new();
        let mut path = base.path();
        let found = r.scalar_at(0, &mut path, &mut dups)?;
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
        raw.found.push((Slot::ELIDED, Issue::new(IssueCode::DuplicateKey, base.path(), message)));
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
        match Field::find(&key) {
            Some(&FieldSpec { field, kind: Kind::Rows(c), .. }) => {
                let s = Slot::field(field);
                let Some(counts) = run.counts.get_mut(c) else { continue };
                if counts.kind.is_some() {
                    run.found.push((s, crate::json::duplicate_key(&base.child(&key))));
                    let mut p = base.child(&key);
                    let mut dups = Vec::new();
                    r.skip_value(1, &mut p, &mut dups)?;
                    run.found.extend(dups.into_iter().map(|d| (s, d)));
                } else if r.peek()? == b'{' {
                    counts.kind = Some(Scalar::Object);
                    read_counts(r, base.with_key(field.spec().key), field, counts, unknown, &mut run.found)?;
                } else {
                    counts.kind = Some(read_scalar(r, base, &key, s, &mut run.found)?);
                }
            }
            Some(spec) => {
                let s = Slot::field(spec.field);
                let lone_before = r.lone_surrogates;
                let v = read_scalar(r, base, &key, s, &mut run.found)?;
                if spec.kind == Kind::Id && r.lone_surrogates != lone_before {
                    run.id_lone_surrogate = true;
                }
                if let Some(slot) = run.fields.get_mut(spec.field.index()) {
                    set_once(slot, v, base, &key, s, &mut run.found);
                }
            }
            None => {
                read_unknown(r, base, key, Slot::UNKNOWN, &mut seen_unknown, &mut run.unknown, unknown, &mut run.found)?
            }
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
    s: Slot,
    found: &mut Vec<(Slot, Issue)>,
) -> Result<Scalar<'a>, Fail> {
    let b = r.peek()?;
    if b == b'{' || b == b'[' {
        let mut path = base.child(key);
        let mut dups = Vec::new();
        let v = r.scalar_at(depth_in(base), &mut path, &mut dups)?;
        found.extend(dups.into_iter().map(|d| (s, d)));
        Ok(v)
    } else {
        r.plain_scalar(b)
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
    s: Slot,
    found: &mut Vec<(Slot, Issue)>,
) {
    if field.is_some() {
        found.push((s, crate::json::duplicate_key(&base.child(key))));
    } else {
        *field = Some(v);
    }
}

/// Containers of the record open around a member of the object at `base`: the run, and the
/// row-count object when `base` names one (nesting is bounded in the whole text, SPEC §1).
fn depth_in(base: Base<'_>) -> usize {
    if base.key.is_some() {
        2
    } else {
        1
    }
}

#[allow(clippy::too_many_arguments)]
fn read_unknown<'a>(
    r: &mut Reader<'a>,
    base: Base<'_>,
    key: Cow<'a, str>,
    s: Slot,
    seen: &mut KeySet<'a>,
    kept: &mut Vec<(Cow<'a, str>, Option<Value>)>,
    mode: UnknownFields,
    found: &mut Vec<(Slot, Issue)>,
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
        let v = r.value(depth_in(base), &mut path, &mut dups)?;
        kept.push((key, Some(v)));
    } else {
        r.skip_value(depth_in(base), &mut path, &mut dups)?;
    }
    found.extend(dups.into_iter().map(|d| (s, d)));
    Ok(())
}

fn read_counts<'a>(
    r: &mut Reader<'a>,
    base: Base<'_>,
    field: Field,
    counts: &mut RawCounts<'a>,
    mode: UnknownFields,
    found: &mut Vec<(Slot, Issue)>,
) -> Result<(), Fail> {
    if !r.object_start()? {
        return Ok(());
    }
    let mut seen_unknown = KeySet::default();
    loop {
        let key = r.key()?;
        if let Some(i) = op_index(&key) {
            let s = Slot::op(field, i);
            let v = read_scalar(r, base, &key, s, found)?;
            if let Some(op) = counts.ops.get_mut(i) {
                set_once(op, v, base, &key, s, found);
            }
        } else {
            read_unknown(r, base, key, Slot::op_unknown(field), &mut seen_unknown, &mut counts.unknown, mode, found)?;
        }
        if !r.comma_or(b'}')? {
            return Ok(());
        }
    }
}

/// Collects a run's errors with their slots.
struct Errors<'b> {
    base: Base<'b>,
    list: Vec<(Slot, Issue)>,
}

impl Errors<'_> {
    fn add(&mut self, s: Slot, code: IssueCode, key_path: &[&str], message: String) {
        let mut path = self.base.path();
        for k in key_path {
            push_token(&mut path, k);
        }
        self.list.push((s, Issue::new(code, path, message)));
    }

    /// `missing_field` / `invalid_type` for a value that should be of `expected` type.
    fn shape(&mut self, s: Slot, key_path: &[&str], v: &Scalar<'_>, expected: &str) {
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
        crate::write::number(n, &mut o);
        o
    }
}

fn check_count(e: &mut Errors<'_>, s: Slot, key_path: &[&str], v: &Scalar<'_>) -> Option<u64> {
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

fn check_id<'a>(e: &mut Errors<'_>, s: Slot, v: &Scalar<'a>, lone_surrogate: bool) -> Option<Cow<'a, str>> {
    match v {
        Scalar::String(id) => match id_problem(js_trim(id), lone_surrogate) {
            None => Some(trimmed(id)),
            Some(problem) => {
                let m = match problem {
                    IdProblem::Empty => "\"id\" is empty".to_string(),
                    IdProblem::TooLong(n) => text!("\"id\" has ", n, " characters; at most 64 are allowed"),
                    IdProblem::Control => "\"id\" contains a control character".to_string(),
                    IdProblem::LoneSurrogate => {
                        "\"id\" contains a lone surrogate (a \\ud800–\\udfff escape with no pair)".to_string()
                    }
                };
                e.add(s, IssueCode::InvalidId, &["id"], m);
                None
            }
        },
        Scalar::Number(n) => match count(*n) {
            Some(c) => Some(Cow::Owned(text!(c))),
            None => {
                e.add(
                    s,
                    IssueCode::InvalidId,
                    &["id"],
                    text!("a numeric \"id\" must be a whole number from 0 to 2^53 − 1, found ", describe(*n)),
                );
                None
            }
        },
        other => {
            e.shape(s, &["id"], other, "a string or an integer");
            None
        }
    }
}

fn check_status(e: &mut Errors<'_>, s: Slot, v: &Scalar<'_>) -> Option<SyncRunStatus> {
    match v {
        Scalar::String(t) => {
            let st = SyncRunStatus::parse(t);
            if st.is_none() {
                e.add(s, IssueCode::UnknownStatus, &["status"], text!("unknown status ", quote(t), "; expected one of success, warning, failed, cancelled, interrupted, queued, querying, processing, reporting"));
            }
            st
        }
        other => {
            e.shape(s, &["status"], other, "a string");
            None
        }
    }
}

fn check_timestamp(e: &mut Errors<'_>, s: Slot, key: &str, v: &Scalar<'_>) -> Option<i64> {
    match v {
        Scalar::String(t) => {
            let ms = parse_timestamp(t);
            if ms.is_none() {
                e.add(
                    s,
                    IssueCode::InvalidTimestamp,
                    &[key],
                    text!("\"", key, "\" is not an RFC 3339 date-time with an offset: ", quote(t)),
                );
            }
            ms
        }
        other => {
            e.shape(s, &[key], other, "an RFC 3339 date-time string");
            None
        }
    }
}

fn check_ratio(e: &mut Errors<'_>, s: Slot, key: &str, v: &Scalar<'_>) -> Option<f64> {
    match v {
        Scalar::Number(n) => {
            let r = ratio(*n);
            if r.is_none() {
                e.add(
                    s,
                    IssueCode::InvalidNumber,
                    &[key],
                    text!("\"", key, "\" must be a number from 0 to 1, found ", describe(*n)),
                );
            }
            r
        }
        other => {
            e.shape(s, &[key], other, "a number");
            None
        }
    }
}

fn check_rows(e: &mut Errors<'_>, field: Field, key: &str, counts: &RawCounts<'_>) -> Option<[u64; 3]> {
    match counts.kind.as_ref().unwrap_or(&Scalar::Absent) {
        Scalar::Object => {
            let mut rows = [0u64; 3];
            let mut ok = true;
            for ((i, op), cell) in OPS.iter().enumerate().zip(rows.iter_mut()) {
                let v = counts.ops.get(i).and_then(Option::as_ref).unwrap_or(&Scalar::Absent);
                match check_count(e, Slot::op(field, i), &[key, op], v) {
                    Some(n) => *cell = n,
                    None => ok = false,
                }
            }
            ok.then_some(rows)
        }
        other => {
            e.shape(Slot::field(field), &[key], other, "an object");
            None
        }
    }
}

fn check_message<'a>(e: &mut Errors<'_>, s: Slot, key: &str, v: &Scalar<'a>) -> Option<Option<Cow<'a, str>>> {
    match v {
        Scalar::String(t) => Some(message(t)),
        other => {
            e.add(
                s,
                IssueCode::InvalidType,
                &[key],
                text!("\"", key, "\" must be a string or null, found ", other.type_name()),
            );
            None
        }
    }
}

fn quote(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    let more = if short.len() < s.len() { "…" } else { "" };
    let mut o = String::new();
    crate::write::string(&short, &mut o);
    o.push_str(more);
    o
}

fn check<'a>(raw: RawRun<'a>, base: Base<'_>, mode: UnknownFields) -> Checked<'a> {
    let mut e = Errors { base, list: Vec::new() };
    let scalar = |f: Field| get(raw.fields.get(f.index()).unwrap_or(&None));
    // The status first: whether other fields may be null depends on it.
    let status = check_status(&mut e, Slot::field(Field::Status), scalar(Field::Status));
    let mut run = ValidRun::empty();
    let mut ok = true;
    for spec in &FIELDS {
        let s = Slot::field(spec.field);
        let v = scalar(spec.field);
        let value = match spec.kind {
            Kind::Rows(c) => {
                let counts = raw.counts.get(c);
                counts.and_then(|counts| check_rows(&mut e, spec.field, spec.key, counts)).map(FieldValue::Rows)
            }
            _ if matches!(v, Scalar::Absent | Scalar::Null) && spec.null.allows(status) => FieldValue::null(spec.kind),
            Kind::Id => check_id(&mut e, s, v, raw.id_lone_surrogate).map(FieldValue::Id),
            Kind::Status => status.map(FieldValue::Status),
            Kind::Timestamp => check_timestamp(&mut e, s, spec.key, v).map(|ms| FieldValue::Time(Some(ms))),
            Kind::Ratio => check_ratio(&mut e, s, spec.key, v).map(FieldValue::Number),
            Kind::Count => check_count(&mut e, s, &[spec.key], v).map(FieldValue::Count),
            Kind::Message => check_message(&mut e, s, spec.key, v).map(FieldValue::Message),
        };
        ok &= value.is_some_and(|v| run.put(spec.field, v));
    }

    let mut list = e.list;
    list.extend(raw.found.into_iter().filter(|(_, i)| i.is_error()));
    if !list.is_empty() {
        return Checked::Invalid(
            crate::sort::sort_by_key(list, |(s, _)| s.key()).into_iter().map(|(_, i)| i).collect(),
        );
    }
    if !ok {
        // Unreachable: every refused value above reported an error. Say so rather than panic.
        return Checked::Invalid(vec![Issue::new(IssueCode::InvalidType, base.path(), "run could not be read")]);
    }
    if mode == UnknownFields::Keep {
        let take = |v: Vec<(Cow<'a, str>, Option<Value>)>| -> Vec<(Cow<'a, str>, Value)> {
            v.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect()
        };
        let [c0, c1, c2] = raw.counts;
        run.extra = take(raw.unknown);
        run.counts_extra = [take(c0.unknown), take(c1.unknown), take(c2.unknown)];
    }
    let warnings = run.warnings(base);
    Checked::Valid(run, warnings)
}

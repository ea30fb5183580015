//! One SyncRun: reading its fields, checking every rule of SPEC §2, and the normalized shape.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::issue::{push_token, Base, Issue, IssueCode};
use crate::json::{serialize_number, Value};
use crate::number::MAX_SAFE;
use crate::timestamp::write_timestamp;
use crate::write::text;

/// The nine statuses of SPEC §2.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum SyncRunStatus {
    /// `success`: terminal, succeeded.
    Success,
    /// `warning`: terminal; succeeded (completed, some rows rejected) unless `warningIsFailure`.
    Warning,
    /// `failed`: terminal, not succeeded.
    Failed,
    /// `cancelled`: terminal, not succeeded.
    Cancelled,
    /// `interrupted`: terminal, not succeeded (stopped early; Hightouch resumes in a new run).
    Interrupted,
    /// `queued`: in progress, not started yet.
    Queued,
    /// `querying`: in progress.
    Querying,
    /// `processing`: in progress.
    Processing,
    /// `reporting`: in progress.
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
        // As the API writes them (lowercase, no space): one match, no trim and no copy.
        if let Some(status) = SyncRunStatus::named(s.as_bytes()) {
            return Some(status);
        }
        let t = js_trim(s).as_bytes();
        // Lowercased into a small buffer, then the same match (a loop of eq_ignore_ascii_case
        // over the nine names was unrolled into 3 KB of wasm).
        let mut lower = [0u8; 11];
        let word = lower.get_mut(..t.len())?;
        for (l, c) in word.iter_mut().zip(t) {
            *l = c.to_ascii_lowercase();
        }
        SyncRunStatus::named(word)
    }

    /// The status whose lowercase name is exactly `word`.
    fn named(word: &[u8]) -> Option<SyncRunStatus> {
        Some(match word {
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
    /// Rows of the `added` operation (`addedCount`).
    pub added_count: u64,
    /// Rows of the `changed` operation (`changedCount`).
    pub changed_count: u64,
    /// Rows of the `removed` operation (`removedCount`).
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
    /// SPEC §2: the trimmed string id, or an integer id's decimal digits (`42.0` → `"42"`).
    pub id: String,
    /// The lowercase status (SPEC §2.1).
    pub status: SyncRunStatus,
    /// Canonical UTC timestamp, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub created_at: String,
    /// Canonical `startedAt` (SPEC §2.2); null only for `queued` or `cancelled` runs.
    pub started_at: Option<String>,
    /// Canonical `finishedAt` (SPEC §2.2); null only for in-progress runs.
    pub finished_at: Option<String>,
    /// How far the run got, in [0, 1] (`-0` written as `0`).
    #[serde(serialize_with = "ser_ratio")]
    pub completion_ratio: f64,
    /// Rows the sync's query returned.
    pub query_size: u64,
    /// Rows the run planned to add, change and remove.
    pub planned_rows: RowCounts,
    /// Rows the run synced.
    pub successful_rows: RowCounts,
    /// Rows the destination rejected.
    pub failed_rows: RowCounts,
    /// The error message trimmed of white space; null when missing, null or blank.
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
    /// Whether no unknown key was kept (and so none is written).
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

/// A run's fields (SPEC §2), named. Their order is the table's, [`FIELDS`]: the order of
/// normalized keys, of error issues (SPEC §3.3) and of normalizeRuns' columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `id`.
    Id,
    /// `status`.
    Status,
    /// `createdAt`.
    CreatedAt,
    /// `startedAt`.
    StartedAt,
    /// `finishedAt`.
    FinishedAt,
    /// `completionRatio`.
    CompletionRatio,
    /// `querySize`.
    QuerySize,
    /// `plannedRows`.
    PlannedRows,
    /// `successfulRows`.
    SuccessfulRows,
    /// `failedRows`.
    FailedRows,
    /// `error` (the one optional key).
    Error,
}

/// What a field holds, and so which rule checks it, how the readers read it and how the
/// writer and the column encoder write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string (trimmed; 1–64 code points, no control character, no lone surrogate) or an
    /// integer, normalized to a string.
    Id,
    /// One of the nine statuses (§2.1), ASCII case-insensitive, white space around ignored.
    Status,
    /// An RFC 3339 date-time with an offset (§2.2), normalized to the canonical form.
    Timestamp,
    /// A number in [0, 1] (`-0` normalized to `0`).
    Ratio,
    /// An integer (0 to 2^53 − 1).
    Count,
    /// An object of three counts, [`OPS`]; the number is the field's place in [`COUNTS`].
    Rows(usize),
    /// A string trimmed, or null; blank normalized to null.
    Message,
}

/// When a field may be null or missing (SPEC §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Null {
    /// Required and never null.
    Never,
    /// Null or missing is always allowed (and normalized to null).
    Always,
    /// Only when the status is `queued` or `cancelled` (the run never started).
    UnlessStarted,
    /// Only while the status is in progress.
    InProgress,
}

impl Null {
    /// Whether a null or missing value is allowed for a run of `status` (`None`: the status
    /// itself is wrong, and only [`Null::Always`] allows it).
    #[inline]
    pub fn allows(self, status: Option<SyncRunStatus>) -> bool {
        match self {
            Null::Never => false,
            Null::Always => true,
            Null::UnlessStarted => matches!(status, Some(SyncRunStatus::Queued | SyncRunStatus::Cancelled)),
            Null::InProgress => status.is_some_and(SyncRunStatus::is_in_progress),
        }
    }
}

/// One row of the SPEC §2 table.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// Which field this row is.
    pub field: Field,
    /// The JSON key.
    pub key: &'static str,
    /// What the value holds and which rule checks it.
    pub kind: Kind,
    /// When null or missing is allowed.
    pub null: Null,
}

const ID_SPEC: FieldSpec = FieldSpec { field: Field::Id, key: "id", kind: Kind::Id, null: Null::Never };

/// The 11 fields of a run, declared once, in SPEC §2 order: the general reader, the fast lane,
/// the writer and the column encoder of normalizeRuns all go by this table.
pub const FIELDS: [FieldSpec; 11] = [
    ID_SPEC,
    FieldSpec { field: Field::Status, key: "status", kind: Kind::Status, null: Null::Never },
    FieldSpec { field: Field::CreatedAt, key: "createdAt", kind: Kind::Timestamp, null: Null::Never },
    FieldSpec { field: Field::StartedAt, key: "startedAt", kind: Kind::Timestamp, null: Null::UnlessStarted },
    FieldSpec { field: Field::FinishedAt, key: "finishedAt", kind: Kind::Timestamp, null: Null::InProgress },
    FieldSpec { field: Field::CompletionRatio, key: "completionRatio", kind: Kind::Ratio, null: Null::Never },
    FieldSpec { field: Field::QuerySize, key: "querySize", kind: Kind::Count, null: Null::Never },
    FieldSpec { field: Field::PlannedRows, key: "plannedRows", kind: Kind::Rows(0), null: Null::Never },
    FieldSpec { field: Field::SuccessfulRows, key: "successfulRows", kind: Kind::Rows(1), null: Null::Never },
    FieldSpec { field: Field::FailedRows, key: "failedRows", kind: Kind::Rows(2), null: Null::Never },
    FieldSpec { field: Field::Error, key: "error", kind: Kind::Message, null: Null::Always },
];

// Each field's place in the table is its enum discriminant, and each row-count field's number
// its place in COUNTS, so `Field as usize` indexes FIELDS. (Evaluated at compile time: an index
// out of bounds is a build error, not a panic.)
#[allow(clippy::indexing_slicing)]
const _: () = {
    let mut i = 0;
    while i < FIELDS.len() {
        assert!(FIELDS[i].field as usize == i);
        if let Kind::Rows(c) = FIELDS[i].kind {
            assert!(same(FIELDS[i].key.as_bytes(), COUNTS[c].as_bytes()));
        }
        // Only these kinds have a null value (FieldValue::null).
        assert!(matches!(FIELDS[i].null, Null::Never) || matches!(FIELDS[i].kind, Kind::Timestamp | Kind::Message));
        i += 1;
    }
};

/// Byte equality in a constant.
#[allow(clippy::indexing_slicing)] // i < a.len() == b.len()
pub(crate) const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl Field {
    /// The field's row of [`FIELDS`].
    #[inline]
    pub fn spec(self) -> &'static FieldSpec {
        // Always there (checked above); the fallback keeps a panic path out.
        match FIELDS.get(self as usize) {
            Some(spec) => spec,
            None => &ID_SPEC,
        }
    }

    /// The field named by a JSON key: a look-up in [`KEY_INDEX`] (linear probing; the
    /// table's keys mostly sit in their own slot) and one comparison per probe.
    #[inline]
    pub fn find(key: &str) -> Option<&'static FieldSpec> {
        let k = key.as_bytes();
        let h = key_hash(k)?;
        for probe in 0..KEY_SLOTS {
            let i = usize::from(*KEY_INDEX.get((h + probe) & (KEY_SLOTS - 1))?);
            let spec = FIELDS.get(i.checked_sub(1)?)?;
            if spec.key.as_bytes() == k {
                return Some(spec);
            }
        }
        None
    }

    /// Its place in [`FIELDS`] (and so in SPEC §3.3 error order).
    #[inline]
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// A key's slot in [`KEY_INDEX`]: from its length and second byte (`None` for keys of fewer
/// than two bytes, which no field has).
#[inline]
const fn key_hash(k: &[u8]) -> Option<usize> {
    match k {
        [_, b, ..] => Some((k.len() + *b as usize * 6) & (KEY_SLOTS - 1)),
        _ => None,
    }
}

const KEY_SLOTS: usize = 32;

/// Each field's place in [`FIELDS`] plus one, at its key's [`key_hash`] or the next free slot
/// after it; 0 for none. Built at compile time (a field key must have two bytes or more).
#[allow(clippy::indexing_slicing)]
const KEY_INDEX: [u8; KEY_SLOTS] = {
    assert!(FIELDS.len() < KEY_SLOTS / 2, "KEY_SLOTS too small for the field table");
    let mut index = [0u8; KEY_SLOTS];
    let mut i = 0;
    while i < FIELDS.len() {
        let Some(mut h) = key_hash(FIELDS[i].key.as_bytes()) else { panic!("a field key of fewer than two bytes") };
        while index[h] != 0 {
            h = (h + 1) & (KEY_SLOTS - 1);
        }
        #[allow(clippy::cast_possible_truncation)] // i < FIELDS.len() = 11
        let place = i as u8 + 1;
        index[h] = place;
        i += 1;
    }
    index
};

/// Where an issue goes in SPEC §3.3 order: by field, then inside a row-count object by
/// operation with its unknown keys last, then unknown top-level keys, then what was elided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Slot(u16);

// Small constants: an operation's place is below 3, FIELDS has 11 rows.
#[allow(clippy::cast_possible_truncation)]
impl Slot {
    /// A field's own issues (for a row-count object: the object as a whole).
    pub const fn field(f: Field) -> Slot {
        Slot((f as u16) * 8)
    }
    /// An operation of a row-count field, by its place in [`OPS`].
    pub const fn op(f: Field, op: usize) -> Slot {
        Slot((f as u16) * 8 + 1 + op as u16)
    }
    /// Unknown keys inside a row-count field.
    pub const fn op_unknown(f: Field) -> Slot {
        Slot((f as u16) * 8 + 1 + OPS.len() as u16)
    }
    /// Unknown top-level keys.
    pub const UNKNOWN: Slot = Slot(FIELDS.len() as u16 * 8);
    /// The note that more duplicate keys were not listed.
    pub const ELIDED: Slot = Slot((FIELDS.len() as u16 + 1) * 8);
    /// The sort key.
    pub fn key(self) -> u64 {
        u64::from(self.0)
    }
}

// The general reader's rules, shared with the fast lane: a run the lane accepts passed these.

/// An integer count per SPEC §2: a number with no fractional part in 0..=2^53−1.
#[inline]
pub fn count(n: f64) -> Option<u64> {
    if n.is_finite() && n.fract() == 0.0 && (0.0..=MAX_SAFE).contains(&n) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(n as u64)
    } else {
        None
    }
}

/// A whole number read as digits, checked as [`count`] checks a number.
#[inline]
pub fn count_digits(n: u64) -> Option<u64> {
    (n <= MAX_SAFE_U64).then_some(n)
}

const MAX_SAFE_U64: u64 = (1 << 53) - 1;

/// `completionRatio` per SPEC §2: in [0, 1], `-0` as `0`.
#[inline]
pub fn ratio(n: f64) -> Option<f64> {
    (n.is_finite() && (0.0..=1.0).contains(&n)).then_some(if n == 0.0 { 0.0 } else { n })
}

/// What is wrong with a string id (trimmed as it will be normalized), if anything.
pub fn id_problem(trimmed: &str, lone_surrogate: bool) -> Option<IdProblem> {
    let b = trimmed.as_bytes();
    if b.iter().all(|&c| (0x20..0x7F).contains(&c)) {
        // Printable ASCII (the common case): one character per byte, no control character.
        return match b.len() {
            0 => Some(IdProblem::Empty),
            n if n > 64 => Some(IdProblem::TooLong(n)),
            _ if lone_surrogate => Some(IdProblem::LoneSurrogate),
            _ => None,
        };
    }
    // Characters: the bytes that do not continue a UTF-8 sequence.
    let n = b.iter().filter(|&&c| (c & 0xC0) != 0x80).count();
    if n == 0 {
        Some(IdProblem::Empty)
    } else if n > 64 {
        Some(IdProblem::TooLong(n))
    } else if trimmed.chars().any(|c| matches!(c, '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}')) {
        Some(IdProblem::Control)
    } else if lone_surrogate {
        Some(IdProblem::LoneSurrogate)
    } else {
        None
    }
}

/// Why a string id is refused (`invalid_id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdProblem {
    /// Empty after trimming white space.
    Empty,
    /// More than 64 code points: how many.
    TooLong(usize),
    /// A control character (U+0000–U+001F, U+007F–U+009F).
    Control,
    /// A `\ud800`–`\udfff` escape with no pair (read as U+FFFD: two such ids would otherwise
    /// be false duplicates).
    LoneSurrogate,
}

/// The normalized `error`: trimmed, `None` when blank.
#[inline]
pub fn message<'a>(s: &Cow<'a, str>) -> Option<Cow<'a, str>> {
    let t = trimmed(s);
    (!t.is_empty()).then_some(t)
}

/// A string held as `Cow`, trimmed as JavaScript trims it, borrowed where it was borrowed.
pub fn trimmed<'a>(s: &Cow<'a, str>) -> Cow<'a, str> {
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(js_trim(b)),
        Cow::Owned(o) => Cow::Owned(js_trim(o).to_string()),
    }
}

/// The three operations of a row-count object, in contract order.
pub const OPS: [&str; 3] = ["addedCount", "changedCount", "removedCount"];
/// The three row-count objects, in contract order.
pub const COUNTS: [&str; 3] = ["plannedRows", "successfulRows", "failedRows"];

/// A checked value of one field, as the readers hand it to [`ValidRun::put`].
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue<'a> {
    /// A checked `id`, normalized to a string.
    Id(Cow<'a, str>),
    /// A checked `status`.
    Status(SyncRunStatus),
    /// A checked timestamp in ms since 1970-01-01T00:00:00Z; `None` is null or missing.
    Time(Option<i64>),
    /// A checked `completionRatio`.
    Number(f64),
    /// A checked `querySize`.
    Count(u64),
    /// A checked row-count object: `[addedCount, changedCount, removedCount]`.
    Rows([u64; 3]),
    /// A checked `error`, trimmed; `None` when missing, null or blank.
    Message(Option<Cow<'a, str>>),
}

impl FieldValue<'_> {
    /// The value of an allowed null or missing field of `kind` (only timestamps and messages
    /// may be null; see the check on [`FIELDS`]).
    pub fn null(kind: Kind) -> Option<Self> {
        match kind {
            Kind::Timestamp => Some(FieldValue::Time(None)),
            Kind::Message => Some(FieldValue::Message(None)),
            _ => None,
        }
    }
}

/// A run that passed every error rule, with values still borrowed from the input.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRun<'a> {
    /// The normalized id (trimmed, or an integer's digits).
    pub id: Cow<'a, str>,
    /// The status.
    pub status: SyncRunStatus,
    /// `createdAt` in ms since 1970-01-01T00:00:00Z, truncated to the millisecond (SPEC §2.2).
    pub created_at: i64,
    /// `startedAt` in ms since the epoch; `None` when null or missing.
    pub started_at: Option<i64>,
    /// `finishedAt` in ms since the epoch; `None` when null or missing.
    pub finished_at: Option<i64>,
    /// `completionRatio`, in [0, 1].
    pub completion_ratio: f64,
    /// `querySize`.
    pub query_size: u64,
    /// `[planned, successful, failed][added, changed, removed]`.
    pub rows: [[u64; 3]; 3],
    /// The error message, trimmed; `None` when missing, null or blank.
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

/// Whether `c` is white space as JavaScript's `String.prototype.trim` sees it (SPEC §2):
/// WhiteSpace and LineTerminator. Rust's `char::is_whitespace` (Unicode White_Space) differs in
/// two characters: it has U+0085, which JavaScript keeps, and lacks U+FEFF, which it removes.
pub fn js_space(c: char) -> bool {
    c == '\u{FEFF}' || (c.is_whitespace() && c != '\u{85}')
}

/// `s` trimmed as JavaScript's `trim()` trims it (SPEC §2).
pub fn js_trim(s: &str) -> &str {
    // Printable ASCII at both ends (nearly every string): nothing to trim.
    if let (Some(&a), Some(&b)) = (s.as_bytes().first(), s.as_bytes().last()) {
        if (0x21..0x7F).contains(&a) && (0x21..0x7F).contains(&b) {
            return s;
        }
    }
    s.trim_matches(js_space)
}

impl<'a> ValidRun<'a> {
    /// A run to fill with [`ValidRun::put`], one value per field (placeholders until then).
    pub fn empty() -> ValidRun<'a> {
        ValidRun {
            id: Cow::Borrowed(""),
            status: SyncRunStatus::Success,
            created_at: 0,
            started_at: None,
            finished_at: None,
            completion_ratio: 0.0,
            query_size: 0,
            rows: [[0; 3]; 3],
            error: None,
            extra: Vec::new(),
            counts_extra: Default::default(),
        }
    }

    /// Set a field's checked value: where each field lives in the run. False when the value is
    /// not of the field's kind (a reader's bug; the run is then not accepted).
    #[inline]
    pub fn put(&mut self, field: Field, value: FieldValue<'a>) -> bool {
        match (field, value) {
            (Field::Id, FieldValue::Id(id)) => self.id = id,
            (Field::Status, FieldValue::Status(s)) => self.status = s,
            (Field::CreatedAt, FieldValue::Time(Some(ms))) => self.created_at = ms,
            (Field::StartedAt, FieldValue::Time(t)) => self.started_at = t,
            (Field::FinishedAt, FieldValue::Time(t)) => self.finished_at = t,
            (Field::CompletionRatio, FieldValue::Number(n)) => self.completion_ratio = n,
            (Field::QuerySize, FieldValue::Count(n)) => self.query_size = n,
            (Field::PlannedRows | Field::SuccessfulRows | Field::FailedRows, FieldValue::Rows(r)) => {
                let Kind::Rows(c) = field.spec().kind else { return false };
                match self.rows.get_mut(c) {
                    Some(cell) => *cell = r,
                    None => return false,
                }
            }
            (Field::Error, FieldValue::Message(m)) => self.error = m,
            _ => return false,
        }
        true
    }
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

impl ValidRun<'_> {
    /// A field's value (the inverse of [`ValidRun::put`]).
    #[inline]
    pub fn get(&self, field: Field) -> FieldValue<'_> {
        let rows = |c: usize| self.rows.get(c).copied().unwrap_or_default();
        match field {
            Field::Id => FieldValue::Id(Cow::Borrowed(&*self.id)),
            Field::Status => FieldValue::Status(self.status),
            Field::CreatedAt => FieldValue::Time(Some(self.created_at)),
            Field::StartedAt => FieldValue::Time(self.started_at),
            Field::FinishedAt => FieldValue::Time(self.finished_at),
            Field::CompletionRatio => FieldValue::Number(self.completion_ratio),
            Field::QuerySize => FieldValue::Count(self.query_size),
            Field::PlannedRows => FieldValue::Rows(rows(0)),
            Field::SuccessfulRows => FieldValue::Rows(rows(1)),
            Field::FailedRows => FieldValue::Rows(rows(2)),
            Field::Error => FieldValue::Message(self.error.as_deref().map(Cow::Borrowed)),
        }
    }
}

/// A normalized field's value, for the writer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Normalized<'r> {
    /// The normalized id.
    Text(&'r str),
    /// The status.
    Status(SyncRunStatus),
    /// A canonical timestamp or an error message; `None` is null.
    OptText(Option<&'r str>),
    /// A ratio (`completionRatio`).
    Number(f64),
    /// A count (`querySize`).
    Count(u64),
    /// A row-count object.
    Rows(&'r RowCounts),
}

impl SyncRun {
    /// A field's normalized value.
    #[inline]
    pub fn get(&self, field: Field) -> Normalized<'_> {
        match field {
            Field::Id => Normalized::Text(&self.id),
            Field::Status => Normalized::Status(self.status),
            Field::CreatedAt => Normalized::Text(&self.created_at),
            Field::StartedAt => Normalized::OptText(self.started_at.as_deref()),
            Field::FinishedAt => Normalized::OptText(self.finished_at.as_deref()),
            Field::CompletionRatio => Normalized::Number(self.completion_ratio),
            Field::QuerySize => Normalized::Count(self.query_size),
            Field::PlannedRows => Normalized::Rows(&self.planned_rows),
            Field::SuccessfulRows => Normalized::Rows(&self.successful_rows),
            Field::FailedRows => Normalized::Rows(&self.failed_rows),
            Field::Error => Normalized::OptText(self.error.as_deref()),
        }
    }
}

impl RowCounts {
    /// The three counts in [`OPS`] order.
    pub fn ops(&self) -> [u64; 3] {
        [self.added_count, self.changed_count, self.removed_count]
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

//! Issues: everything wrong with the data, as data (SPEC §3).

use serde::{Deserialize, Serialize};

/// Whether an issue makes its run invalid (SPEC §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The run is invalid and left out of summaries.
    Error,
    /// Worth knowing; the run stays valid.
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Stable machine-readable issue codes (SPEC §3.1, §3.2). Messages may change; codes may not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    /// The text is not JSON, or an NDJSON line is not JSON.
    InvalidJson,
    /// A byte array that is not UTF-8.
    InvalidUtf8,
    /// The same key twice in one object of the text.
    DuplicateKey,
    /// A value of the wrong JSON type.
    InvalidType,
    /// A required key is absent, or null where null is not allowed.
    MissingField,
    /// An id that is empty, too long, has control characters, or is a bad number.
    InvalidId,
    /// A status outside the nine of SPEC §2.1.
    UnknownStatus,
    /// A timestamp outside the grammar of SPEC §2.2.
    InvalidTimestamp,
    /// A count or ratio out of range, fractional or non-finite.
    InvalidNumber,
    /// A key the contract does not know, with `unknownFields: "error"`.
    UnknownField,
    /// The input is longer than `maxBytes`.
    InputTooLarge,
    /// `startedAt` earlier than `createdAt`.
    StartedBeforeCreated,
    /// `finishedAt` earlier than `startedAt`.
    FinishedBeforeStarted,
    /// Successful + failed rows exceed the planned rows of one operation.
    RowsExceedPlanned,
    /// Status `success` with failed rows.
    SuccessWithFailedRows,
    /// Status `failed` without an error message.
    FailedWithoutError,
    /// An in-progress status with a `finishedAt`.
    FinishedWhileInProgress,
    /// A run whose id an earlier valid run of the batch already had.
    DuplicateId,
}

impl IssueCode {
    /// Every code, in declaration order (`code as usize` indexes it).
    pub const ALL: [IssueCode; 18] = {
        use IssueCode::*;
        [
            InvalidJson,
            InvalidUtf8,
            DuplicateKey,
            InvalidType,
            MissingField,
            InvalidId,
            UnknownStatus,
            InvalidTimestamp,
            InvalidNumber,
            UnknownField,
            InputTooLarge,
            StartedBeforeCreated,
            FinishedBeforeStarted,
            RowsExceedPlanned,
            SuccessWithFailedRows,
            FailedWithoutError,
            FinishedWhileInProgress,
            DuplicateId,
        ]
    };

    /// Warnings keep the run valid (SPEC §3.2); every other code is an error.
    pub fn severity(self) -> Severity {
        use IssueCode::*;
        match self {
            StartedBeforeCreated
            | FinishedBeforeStarted
            | RowsExceedPlanned
            | SuccessWithFailedRows
            | FailedWithoutError
            | FinishedWhileInProgress
            | DuplicateId => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The stable string of the code, as serialized.
    pub fn as_str(self) -> &'static str {
        use IssueCode::*;
        match self {
            InvalidJson => "invalid_json",
            InvalidUtf8 => "invalid_utf8",
            DuplicateKey => "duplicate_key",
            InvalidType => "invalid_type",
            MissingField => "missing_field",
            InvalidId => "invalid_id",
            UnknownStatus => "unknown_status",
            InvalidTimestamp => "invalid_timestamp",
            InvalidNumber => "invalid_number",
            UnknownField => "unknown_field",
            InputTooLarge => "input_too_large",
            StartedBeforeCreated => "started_before_created",
            FinishedBeforeStarted => "finished_before_started",
            RowsExceedPlanned => "rows_exceed_planned",
            SuccessWithFailedRows => "success_with_failed_rows",
            FailedWithoutError => "failed_without_error",
            FinishedWhileInProgress => "finished_while_in_progress",
            DuplicateId => "duplicate_id",
        }
    }
}

/// One problem found in the input (SPEC §3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct Issue {
    /// `"error"` makes the run invalid; `"warning"` keeps it valid.
    pub severity: Severity,
    /// Stable machine-readable code.
    pub code: IssueCode,
    /// RFC 6901 JSON Pointer into the input document (`""` for the whole input).
    pub path: String,
    /// For people; may change between versions.
    pub message: String,
    /// 1-based line in the input text, where known (always for `invalid_json`, and for every
    /// issue of an NDJSON record).
    pub line: Option<u64>,
    /// 1-based column (in Unicode code points) in the input text, where known.
    pub column: Option<u64>,
}

impl Issue {
    /// An issue at `path` with the severity its code implies and no position.
    pub fn new(code: IssueCode, path: String, message: impl Into<String>) -> Issue {
        Issue { severity: code.severity(), code, path, message: message.into(), line: None, column: None }
    }

    /// The same issue with a text position.
    pub fn at(mut self, line: Option<u64>, column: Option<u64>) -> Issue {
        self.line = line;
        self.column = column;
        self
    }

    /// Whether this issue makes its run invalid.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Append one RFC 6901 reference token to a JSON Pointer (`~` → `~0`, `/` → `~1`).
pub fn push_token(path: &mut String, token: &str) {
    path.push('/');
    if token.contains(['~', '/']) {
        for c in token.chars() {
            match c {
                '~' => path.push_str("~0"),
                '/' => path.push_str("~1"),
                c => path.push(c),
            }
        }
    } else {
        path.push_str(token);
    }
}

/// `base` followed by one token.
pub fn child(base: &str, token: &str) -> String {
    let mut p = String::with_capacity(base.len() + token.len() + 1);
    p.push_str(base);
    push_token(&mut p, token);
    p
}

/// Where a record sits, as a JSON Pointer that is only written out when an issue needs it (most
/// records have none, and a path per record would be an allocation per record).
#[derive(Clone, Copy, Debug)]
pub struct Base<'p> {
    /// `""`, or `"/data"` inside an envelope.
    pub prefix: &'static str,
    /// The record's index in the batch; none for a single run.
    pub index: Option<u64>,
    /// A key below the record (a row-count object).
    pub key: Option<&'p str>,
}

impl<'p> Base<'p> {
    /// The whole input, or a single run.
    pub const ROOT: Base<'static> = Base { prefix: "", index: None, key: None };

    /// Record `index` of an array or NDJSON (`prefix` `""`) or of an envelope (`"/data"`).
    pub fn record(prefix: &'static str, index: u64) -> Base<'static> {
        Base { prefix, index: Some(index), key: None }
    }

    /// The same place, one key further down.
    pub fn with_key(self, key: &'p str) -> Base<'p> {
        Base { key: Some(key), ..self }
    }

    /// The pointer itself.
    pub fn path(&self) -> String {
        let mut p = String::with_capacity(24);
        p.push_str(self.prefix);
        if let Some(i) = self.index {
            p.push('/');
            crate::write::Piece::put(&i, &mut p);
        }
        if let Some(k) = self.key {
            push_token(&mut p, k);
        }
        p
    }

    /// The pointer to `token` below this place.
    pub fn child(&self, token: &str) -> String {
        let mut p = self.path();
        push_token(&mut p, token);
        p
    }
}

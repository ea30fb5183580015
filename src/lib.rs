//! Validate, normalize and summarize Hightouch `SyncRun` JSON.
//!
//! The behaviour contract is SPEC.md; section numbers below refer to it. This crate is plain
//! Rust over bytes: `src/wasm.rs` (compiled only for wasm32) is the one place that knows about
//! JavaScript.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod batch;
mod fast;
pub mod health;
pub mod issue;
pub mod json;
pub mod metrics;
pub mod options;
pub mod out;
mod readback;
pub mod run;
mod sort;
pub mod summary;
mod table;
pub mod timestamp;
/// The JavaScript exports (wasm32 only); public so that `tests/wasm.rs` can call them.
#[cfg(target_arch = "wasm32")]
pub mod wasm;

use serde::{Deserialize, Serialize};

pub use batch::{Batch, Sink, Tally};
pub use health::{
    Health, HealthChange, HealthChangeKind, HealthCheck, HealthOptions, HealthRule, HealthStatus, Misuse, MisuseCode,
};
pub use issue::{Issue, IssueCode, Severity};
pub use metrics::MetricsOptions;
pub use options::{Format, Options, UnknownFields};
pub use run::{RowCounts, SyncRun, SyncRunStatus};
pub use summary::{BatchSummary, LastTerminal, RunSummary, Stats};

use issue::Base;
use json::{Fail, Reader};
use run::{read_record, Checked};
use summary::Figures;

/// Result of `validateRun`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct ValidateResult {
    /// No error issue.
    pub valid: bool,
    pub issues: Vec<Issue>,
}

/// Result of `normalizeRun`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct NormalizeResult {
    pub valid: bool,
    /// The normalized run; null when the run is invalid.
    pub run: Option<SyncRun>,
    pub issues: Vec<Issue>,
}

/// Result of `summarizeRun`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct SummarizeResult {
    pub valid: bool,
    /// The run's figures; null when the run is invalid.
    pub summary: Option<RunSummary>,
    pub issues: Vec<Issue>,
}

/// Result of `normalizeRuns`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct NormalizeRunsResult {
    /// The valid, de-duplicated runs, in input order.
    pub runs: Vec<SyncRun>,
    pub records: u64,
    pub valid: u64,
    pub invalid: u64,
    pub duplicates: u64,
    pub has_more: Option<bool>,
    pub error_count: u64,
    pub warning_count: u64,
    pub issues: Vec<Issue>,
    pub issues_truncated: bool,
}

/// Read one run from text: the whole text must be one JSON object (SPEC §1).
fn read_single<'a>(input: &'a [u8], options: &Options) -> Checked<'a> {
    let fatal = |issue: Issue| Checked::Invalid(vec![issue]);
    if input.len() as u64 > options.max_bytes() {
        return fatal(batch::too_large(options.max_bytes()));
    }
    let text = match std::str::from_utf8(input) {
        Ok(text) => text.strip_prefix('\u{FEFF}').unwrap_or(text),
        Err(e) => return fatal(batch::not_utf8(e.valid_up_to() as u64)),
    };
    let mut r = Reader::new(text, true);
    let outcome = match read_record(&mut r, Base::ROOT, options.unknown_fields()) {
        Ok(c) if r.at_end() => return c,
        Ok(_) => (r.pos, "unexpected text after the JSON value".into()),
        Err(Fail::Syntax { at, msg }) => (at, msg),
        Err(Fail::Incomplete) => (text.len(), "unexpected end of input".into()),
    };
    let (at, msg) = outcome;
    let before = text.as_bytes().get(..at).unwrap_or_default();
    let (line, col) = batch::advance((1, 0), before);
    fatal(batch::invalid_json(&msg, line, col + 1))
}

/// Check one run (SPEC §2, §3).
pub fn validate_run(input: &[u8], options: &Options) -> ValidateResult {
    match read_single(input, options) {
        Checked::Valid(_, warnings) => ValidateResult { valid: true, issues: warnings },
        Checked::Invalid(errors) => ValidateResult { valid: false, issues: errors },
    }
}

/// Check one run and give its normalized form (SPEC §2).
pub fn normalize_run(input: &[u8], options: &Options) -> NormalizeResult {
    match read_single(input, options) {
        Checked::Valid(run, warnings) => {
            NormalizeResult { valid: true, run: Some(run.to_sync_run()), issues: warnings }
        }
        Checked::Invalid(errors) => NormalizeResult { valid: false, run: None, issues: errors },
    }
}

/// Check one run and give its figures (SPEC §4).
pub fn summarize_run(input: &[u8], options: &Options) -> SummarizeResult {
    match read_single(input, options) {
        Checked::Valid(run, warnings) => SummarizeResult {
            valid: true,
            summary: Some(summary::summarize_run(&run, options.warning_is_failure(), warnings.clone())),
            issues: warnings,
        },
        Checked::Invalid(errors) => SummarizeResult { valid: false, summary: None, issues: errors },
    }
}

/// Check a batch and give its valid, de-duplicated runs normalized (SPEC §1, §2, §8).
pub fn normalize_runs(input: &[u8], options: &Options) -> NormalizeRunsResult {
    let (tally, runs) = Batch::new(options, Vec::<SyncRun>::new()).whole(input);
    NormalizeRunsResult::new(runs, tally)
}

impl NormalizeRunsResult {
    /// The result of a batch's tally, with its runs.
    pub fn new(runs: Vec<SyncRun>, tally: Tally) -> NormalizeRunsResult {
        let counts = RecordCounts::of(&tally);
        NormalizeRunsResult {
            runs,
            records: counts.records,
            valid: counts.valid,
            invalid: counts.invalid,
            duplicates: counts.duplicates,
            has_more: counts.has_more,
            error_count: counts.error_count,
            warning_count: counts.warning_count,
            issues: tally.issues,
            issues_truncated: tally.issues_truncated,
        }
    }
}

/// Check a batch and give its figures (SPEC §5).
pub fn summarize_runs(input: &[u8], options: &Options) -> BatchSummary {
    let (tally, figures) = Batch::new(options, Figures::new(options.warning_is_failure())).whole(input);
    tally.summary(figures)
}

/// Judge a summary given as JSON text (SPEC §9) with options given as JSON text (`None`: no
/// options); `now` is the instant to judge at when the options have none (milliseconds since
/// 1970-01-01T00:00:00Z: the caller's clock, the core has none).
#[cold]
pub fn check_health(summary: &[u8], options: Option<&[u8]>, now: i64) -> Result<Health, Misuse> {
    let summary = readback::read_summary(summary)?;
    Ok(health::check_health(&summary, &readback::read_health_options(options, now)?))
}

/// The changes between two judgements given as JSON text (SPEC §9.3); `previous` may be `null`.
#[cold]
pub fn compare_health(previous: &[u8], current: &[u8]) -> Result<Vec<HealthChange>, Misuse> {
    let previous = readback::read_health(previous, "previous", true)?;
    let current = readback::read_health(current, "current", false)?;
    Ok(current.map(|c| health::compare_health(previous.as_ref(), &c)).unwrap_or_default())
}

/// A summary given as JSON text in the Prometheus text format (SPEC §10), with options given
/// as JSON text (`None`: no options).
#[cold]
pub fn format_metrics(summary: &[u8], options: Option<&[u8]>) -> Result<String, Misuse> {
    let summary = readback::read_summary(summary)?;
    let options = readback::read_metrics_options(options)?;
    Ok(metrics::format_metrics(&summary, &options.labels, options.health.as_ref()))
}

/// Summarize a text that arrives in chunks (SPEC §7): the same result as `summarizeRuns` on
/// the whole text, in memory bounded by the longest record. Its state can be saved, loaded and
/// merged after another stream's (SPEC §7.1; see `batch::Kept` for how).
pub struct SummaryStream {
    batch: Batch<Figures>,
    /// The options as resolved (every one set), which `merge` compares and `save` keeps.
    options: Options,
}

impl SummaryStream {
    pub fn new(options: &Options) -> SummaryStream {
        SummaryStream {
            batch: Batch::new(options, Figures::new(options.warning_is_failure())),
            options: batch::resolved(options),
        }
    }

    /// A stream whose state can be saved, or merged after another (SPEC §7.1): it keeps a
    /// ledger of its runs (about 50 bytes each, see src/batch/partial.rs), which a plain
    /// stream does not pay for.
    pub fn partial(options: &Options) -> SummaryStream {
        SummaryStream {
            batch: Batch::new(options, Figures::kept(options.warning_is_failure())),
            options: batch::resolved(options),
        }
    }

    /// Take the next chunk; it may end anywhere, even inside a UTF-8 character.
    pub fn push(&mut self, chunk: &[u8]) {
        self.batch.push(chunk);
    }

    /// The summary of everything pushed.
    pub fn finish(self) -> BatchSummary {
        let (tally, figures) = self.batch.finish();
        tally.summary(figures)
    }

    /// Append `other`'s state as if its chunks had been pushed after this stream's (SPEC §7.1):
    /// NDJSON texts split between lines. Streams made with other options are `invalid_option`;
    /// parts that cannot be merged exactly (a JSON document, a text that does not end at a
    /// line boundary, or an `other` not made with [`SummaryStream::partial`]) are
    /// `invalid_state`. See [`SummaryStream::check_merge`] to keep `other` when it cannot be
    /// merged.
    pub fn merge(&mut self, mut other: SummaryStream) -> Result<(), Misuse> {
        self.check_merge(&mut other)?;
        self.batch.merge(other.batch);
        Ok(())
    }

    /// Whether [`SummaryStream::merge`] would take `other`; both streams read the same after it.
    pub fn check_merge(&mut self, other: &mut SummaryStream) -> Result<(), Misuse> {
        if other.options != self.options {
            return Err(Misuse::option("the streams to merge were made with other options".to_string()));
        }
        self.batch.check_merge(&mut other.batch)
    }

    /// The state as bytes, for [`SummaryStream::load`] (SPEC §7.1); `invalid_state` unless the
    /// stream was made with [`SummaryStream::partial`] (or loaded).
    pub fn save(&self) -> Result<Vec<u8>, Misuse> {
        self.batch.save(&self.options)
    }

    /// A stream from the bytes of [`SummaryStream::save`]; any other bytes (another version,
    /// truncated, corrupted) are `invalid_state`.
    pub fn load(bytes: &[u8]) -> Result<SummaryStream, Misuse> {
        let (options, batch) = Batch::load(bytes)?;
        Ok(SummaryStream { batch, options })
    }
}

/// Normalized runs written as NDJSON text, for `RecordStream`.
#[derive(Default)]
pub struct NdjsonRuns(pub String);

impl Sink for NdjsonRuns {
    fn run(&mut self, run: &run::ValidRun<'_>, _position: u64) {
        out::ToJson::json(&run.to_sync_run(), &mut self.0);
        self.0.push('\n');
    }
}

/// Counts of a whole batch, as in `NormalizeRunsResult`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct RecordCounts {
    pub records: u64,
    pub valid: u64,
    pub invalid: u64,
    pub duplicates: u64,
    pub has_more: Option<bool>,
    pub error_count: u64,
    pub warning_count: u64,
}

impl RecordCounts {
    /// The counts of a tally.
    pub fn of(tally: &Tally) -> RecordCounts {
        RecordCounts {
            records: tally.records,
            valid: tally.valid,
            invalid: tally.invalid,
            duplicates: tally.duplicates,
            has_more: tally.has_more,
            error_count: tally.error_count,
            warning_count: tally.warning_count,
        }
    }
}

/// What a `RecordStream` hands out: runs found since the last call, as NDJSON, and issues.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct RecordBatch {
    /// Valid, de-duplicated runs in the canonical shape, one JSON object per line.
    pub runs: String,
    pub issues: Vec<Issue>,
    /// The batch's counts; only in the last batch (from `finish`).
    pub counts: Option<RecordCounts>,
}

/// A batch read in chunks whose normalized runs and issues are handed out as soon as they are
/// found (for the command-line tool, which must not hold a file's issues or runs in memory).
///
/// If the text turns out not to be readable as a whole (invalid JSON in the middle of an array,
/// invalid UTF-8, too large), the last batch has that one issue and zero counts, as
/// `normalizeRuns` would; runs handed out before then were valid on their own.
pub struct RecordStream {
    batch: Batch<NdjsonRuns>,
}

impl RecordStream {
    pub fn new(options: &Options) -> RecordStream {
        let options = Options { max_issues: Some(usize::MAX), ..options.clone() };
        RecordStream { batch: Batch::new(&options, NdjsonRuns::default()) }
    }

    /// Take the next chunk and hand out what it completed.
    pub fn push(&mut self, chunk: &[u8]) -> RecordBatch {
        self.batch.push(chunk);
        RecordBatch {
            runs: std::mem::take(&mut self.batch.sink.0),
            issues: std::mem::take(&mut self.batch.tally().issues),
            counts: None,
        }
    }

    /// No more chunks: the rest, and the counts.
    pub fn finish(self) -> RecordBatch {
        let (tally, runs) = self.batch.finish();
        RecordBatch { runs: runs.0, counts: Some(RecordCounts::of(&tally)), issues: tally.issues }
    }
}

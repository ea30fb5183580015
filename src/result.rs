//! The results of the entry points (SPEC §8), as plain data: what `src/out.rs` writes and the
//! boundary hands to JavaScript.

use serde::{Deserialize, Serialize};

pub use crate::batch::RecordCounts;
use crate::batch::{Batch, Tally};
use crate::issue::Issue;
use crate::options::Options;
use crate::run::SyncRun;
use crate::summary::{BatchSummary, Figures, RunSummary};

/// Result of `validateRun`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct ValidateResult {
    /// No error issue.
    pub valid: bool,
    /// The run's warnings when valid; its errors (no warnings) when invalid (SPEC §3.2, §3.3).
    pub issues: Vec<Issue>,
}

/// Result of `normalizeRun`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct NormalizeResult {
    /// No error issue.
    pub valid: bool,
    /// The normalized run; null when the run is invalid.
    pub run: Option<SyncRun>,
    /// The run's warnings when valid; its errors (no warnings) when invalid.
    pub issues: Vec<Issue>,
}

/// Result of `summarizeRun`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct SummarizeResult {
    /// No error issue.
    pub valid: bool,
    /// The run's figures; null when the run is invalid.
    pub summary: Option<RunSummary>,
    /// The run's warnings when valid; its errors (no warnings) when invalid.
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
    /// The batch's counts (their members are this object's, in JSON).
    #[serde(flatten)]
    pub counts: RecordCounts,
    /// The issues in input order, at most option `maxIssues` (default 1000, SPEC §5).
    pub issues: Vec<Issue>,
    /// Whether issues were left out of `issues` because of `maxIssues`.
    pub issues_truncated: bool,
}

impl NormalizeRunsResult {
    /// The result of a batch's tally, with its runs.
    pub fn new(runs: Vec<SyncRun>, tally: Tally) -> NormalizeRunsResult {
        NormalizeRunsResult {
            runs,
            counts: tally.counts,
            issues: tally.issues,
            issues_truncated: tally.issues_truncated,
        }
    }
}

/// The result of an entry point for an input refused before it was read: the boundary found
/// it longer than `maxBytes` before copying it (SPEC §3.1), or nested too deep (SPEC §1).
pub trait Refused {
    /// That result, with `issue` as its only issue.
    fn refused(issue: Issue, options: &Options) -> Self;
}

impl Refused for ValidateResult {
    fn refused(issue: Issue, _options: &Options) -> Self {
        ValidateResult { valid: false, issues: vec![issue] }
    }
}

impl Refused for NormalizeResult {
    fn refused(issue: Issue, _options: &Options) -> Self {
        NormalizeResult { valid: false, run: None, issues: vec![issue] }
    }
}

impl Refused for SummarizeResult {
    fn refused(issue: Issue, _options: &Options) -> Self {
        SummarizeResult { valid: false, summary: None, issues: vec![issue] }
    }
}

impl Refused for NormalizeRunsResult {
    fn refused(issue: Issue, options: &Options) -> Self {
        let (tally, runs) = Batch::new(options, Vec::<SyncRun>::new()).refuse(issue);
        NormalizeRunsResult::new(runs, tally)
    }
}

/// What a `RecordStream` hands out: runs found since the last call, as NDJSON, and issues.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct RecordBatch {
    /// Valid, de-duplicated runs in the canonical shape, one JSON object per line.
    pub runs: String,
    /// The issues found since the last call, in input order (a `RecordStream` keeps every issue).
    pub issues: Vec<Issue>,
    /// The batch's counts; only in the last batch (from `finish`).
    pub counts: Option<RecordCounts>,
}

impl Refused for BatchSummary {
    fn refused(issue: Issue, options: &Options) -> Self {
        let (tally, figures) = Batch::new(options, Figures::new(options.warning_is_failure())).refuse(issue);
        tally.summary(figures)
    }
}

//! Validate, normalize and summarize Hightouch `SyncRun` JSON.
//!
//! The behaviour contract is SPEC.md; section numbers below refer to it. This crate is plain
//! Rust over bytes: `src/wasm.rs` (compiled only for wasm32) is the one place that knows about
//! JavaScript.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]
// clippy's pedantic cast lints, enforced outside tests: every `as` that can lose a value says why
// it cannot here (an `allow` with its reason) or is a checked conversion.
#![cfg_attr(
    not(test),
    deny(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        clippy::cast_possible_wrap,
        clippy::cast_lossless
    )
)]

pub mod batch;
pub mod columns;
mod fast;
mod figures;
pub mod health;
pub mod issue;
pub mod json;
mod ledger;
mod locate;
pub mod metrics;
pub mod number;
pub mod options;
pub mod out;
mod read;
mod readback;
pub mod result;
pub mod run;
pub mod run_stream;
mod sort;
pub mod state;
mod stream;
pub mod summary;
mod table;
pub mod timestamp;
/// The JavaScript exports (wasm32 only); public so that `tests/wasm.rs` can call them.
#[cfg(target_arch = "wasm32")]
pub mod wasm;
pub mod write;

pub use batch::{Batch, RecordCounts, Sink, Tally};
pub use health::{
    Health, HealthChange, HealthChangeKind, HealthCheck, HealthOptions, HealthRule, HealthStatus, Misuse, MisuseCode,
};
pub use issue::{Issue, IssueCode, Severity};
pub use metrics::MetricsOptions;
pub use options::{Format, Options, UnknownFields};
pub use result::{NormalizeResult, NormalizeRunsResult, RecordBatch, Refused, SummarizeResult, ValidateResult};
pub use run::{RowCounts, SyncRun, SyncRunStatus};
pub use stream::{NdjsonRuns, RecordStream, StateError, SummaryStream};
pub use summary::{BatchSummary, LastTerminal, RunSummary, Stats};

use run::Checked;
use summary::Figures;

/// Check one run (SPEC §2, §3).
pub fn validate_run(input: &[u8], options: &Options) -> ValidateResult {
    match batch::single(input, options) {
        Checked::Valid(_, warnings) => ValidateResult { valid: true, issues: warnings },
        Checked::Invalid(errors) => ValidateResult { valid: false, issues: errors },
    }
}

/// Check one run and give its normalized form (SPEC §2).
pub fn normalize_run(input: &[u8], options: &Options) -> NormalizeResult {
    match batch::single(input, options) {
        Checked::Valid(run, warnings) => {
            NormalizeResult { valid: true, run: Some(run.to_sync_run()), issues: warnings }
        }
        Checked::Invalid(errors) => NormalizeResult { valid: false, run: None, issues: errors },
    }
}

/// Check one run and give its figures (SPEC §4).
pub fn summarize_run(input: &[u8], options: &Options) -> SummarizeResult {
    match batch::single(input, options) {
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
    Ok(health::judge(&summary, &readback::read_health_options(options, now)?))
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
    Ok(metrics::write(&summary, &options.labels, options.health.as_ref()))
}

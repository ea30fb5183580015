//! The figures of a summary that health (SPEC §9) and metrics (SPEC §10) read, in one flat
//! array: from a summary the package computed, or read back from JSON by `src/readback.rs`.

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
    /// Stats: count, p50, p90, p95, p99, mean (see `readback::STATS`).
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

pub(crate) fn flag(present: bool) -> f64 {
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

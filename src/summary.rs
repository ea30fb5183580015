//! Figures: the summary of one run (SPEC §4) and of a batch (SPEC §5).

use serde::{Deserialize, Serialize};

use crate::batch::{RecordCounts, Sink, Tally};
use crate::issue::Issue;
use crate::run::{at, ser_ratio, SyncRunStatus, ValidRun};
use crate::timestamp::{day_of, format_timestamp, write_date};

/// Counts of one kind of rows, with their total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct RowTotals {
    /// Rows of the `added` operation.
    pub added: u64,
    /// Rows of the `changed` operation.
    pub changed: u64,
    /// Rows of the `removed` operation.
    pub removed: u64,
    /// `added + changed + removed`.
    pub total: u64,
}

impl RowTotals {
    fn of(r: [u64; 3]) -> RowTotals {
        let mut t = RowTotals::default();
        t.add(r);
        t
    }

    fn add(&mut self, r: [u64; 3]) {
        // Saturating: no count of real runs comes near 2^64, and no input may panic.
        self.added = self.added.saturating_add(at(&r, 0));
        self.changed = self.changed.saturating_add(at(&r, 1));
        self.removed = self.removed.saturating_add(at(&r, 2));
        self.total = self.added.saturating_add(self.changed).saturating_add(self.removed);
    }
}

/// Planned, successful and failed rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct Rows {
    /// Rows planned (the run's `plannedRows`, SPEC §2).
    pub planned: RowTotals,
    /// Rows synced (the run's `successfulRows`).
    pub successful: RowTotals,
    /// Rows rejected (the run's `failedRows`).
    pub failed: RowTotals,
}

/// Figures of one valid run (SPEC §4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    /// The normalized id (SPEC §2: a string; an integer id as its decimal digits).
    pub id: String,
    /// The lowercase status (SPEC §2.1).
    pub status: SyncRunStatus,
    /// Whether the status is terminal (SPEC §2.1).
    pub terminal: bool,
    /// Whether the run counts as succeeded (SPEC §2.1; `warning` not with `warningIsFailure`).
    pub succeeded: bool,
    /// Canonical `createdAt` (SPEC §2.2).
    pub created_at: String,
    /// Canonical `startedAt`; null when the run has none (queued or cancelled, SPEC §2).
    pub started_at: Option<String>,
    /// Canonical `finishedAt`; null when the run has none (in progress, SPEC §2).
    pub finished_at: Option<String>,
    /// `finishedAt − startedAt`; null if either is null or the difference is negative.
    pub duration_ms: Option<i64>,
    /// `startedAt − createdAt`; null if either is null or the difference is negative.
    pub queued_ms: Option<i64>,
    /// Planned, successful and failed rows, each with its total (SPEC §4).
    pub rows: Rows,
    /// `successful.total + failed.total`.
    pub attempted_rows: u64,
    /// Σ over operations of max(planned − successful − failed, 0).
    pub skipped_rows: u64,
    /// `failed.total / attemptedRows`; null when nothing was attempted.
    pub failure_rate: Option<f64>,
    /// `attemptedRows / (durationMs / 1000)`; null when the duration is null or 0.
    pub rows_per_second: Option<f64>,
    /// The run's `completionRatio`, in [0, 1] (`-0` written as `0`).
    #[serde(serialize_with = "ser_ratio")]
    pub completion_ratio: f64,
    /// The run's `querySize`: rows the sync's query returned.
    pub query_size: u64,
    /// The error message trimmed of white space; null when missing, null or blank (SPEC §2).
    pub error: Option<String>,
    /// The run's warnings.
    pub issues: Vec<Issue>,
}

/// Distribution of a duration in milliseconds (or of query sizes); all null but `count` when
/// `count` is 0.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct Stats {
    /// How many values the figures are over.
    pub count: u64,
    /// The smallest value; null when `count` is 0.
    pub min: Option<i64>,
    /// SPEC §5: the 50th percentile (nearest rank); null when `count` is 0.
    pub p50: Option<i64>,
    /// SPEC §5: the 90th percentile (nearest rank); null when `count` is 0.
    pub p90: Option<i64>,
    /// SPEC §5: the 95th percentile (nearest rank); null when `count` is 0.
    pub p95: Option<i64>,
    /// SPEC §5: the 99th percentile (nearest rank); null when `count` is 0.
    pub p99: Option<i64>,
    /// The largest value; null when `count` is 0.
    pub max: Option<i64>,
    /// The float sum divided by `count`, unrounded (SPEC §5); null when `count` is 0.
    pub mean: Option<f64>,
}

impl Stats {
    /// Nearest-rank percentiles in integers: `pP = v[ceil(P·n/100) − 1]` (SPEC §5).
    pub fn of(mut v: Vec<i64>) -> Stats {
        crate::sort::sort_i64(&mut v);
        Stats::of_sorted(&[], &v)
    }

    /// The statistics of `small` and `big` together, each sorted ascending.
    fn of_sorted(small: &[u32], big: &[i64]) -> Stats {
        let n = small.len() + big.len();
        if n == 0 {
            return Stats::default();
        }
        // In order: the negative big values, the small ones, the rest of the big ones.
        let negative = big.partition_point(|&x| x < 0);
        let at = |i: usize| {
            if i < negative {
                big.get(i).copied()
            } else if let Some(&x) = small.get(i - negative) {
                Some(i64::from(x))
            } else {
                big.get(i - small.len()).copied()
            }
        };
        let rank = |p: usize| at((p * n).div_ceil(100).saturating_sub(1));
        let sum = small.iter().map(|&x| i128::from(x)).sum::<i128>() + big.iter().map(|&x| i128::from(x)).sum::<i128>();
        #[allow(clippy::cast_precision_loss)]
        let mean = sum as f64 / n as f64;
        Stats {
            count: n as u64,
            min: at(0),
            p50: rank(50),
            p90: rank(90),
            p95: rank(95),
            p99: rank(99),
            max: at(n - 1),
            mean: Some(mean),
        }
    }
}

/// The most recent run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct Latest {
    /// The run's normalized id.
    pub id: String,
    /// The run's status.
    pub status: SyncRunStatus,
    /// The run's canonical `createdAt`.
    pub created_at: String,
}

/// The most recent succeeded run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct LastSuccess {
    /// The run's normalized id.
    pub id: String,
    /// The run's canonical `createdAt`.
    pub created_at: String,
    /// The run's canonical `finishedAt` (what §9's `freshness` rule measures from); null when it has none.
    pub finished_at: Option<String>,
}

/// The most recent terminal run that did not succeed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct LastFailure {
    /// The run's normalized id.
    pub id: String,
    /// The run's status: `failed`, `cancelled`, `interrupted`, or `warning` with `warningIsFailure`.
    pub status: SyncRunStatus,
    /// The run's canonical `createdAt`.
    pub created_at: String,
    /// The run's canonical `finishedAt`; null when it has none.
    pub finished_at: Option<String>,
    /// The run's error message (trimmed); null when it has none.
    pub error: Option<String>,
}

/// The most recent terminal run, succeeded or not (SPEC §5; §9 judges it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct LastTerminal {
    /// The run's normalized id.
    pub id: String,
    /// The run's status (one of the five terminal ones, SPEC §2.1).
    pub status: SyncRunStatus,
    /// The run's canonical `createdAt`.
    pub created_at: String,
    /// The run's canonical `finishedAt`; null when it has none.
    pub finished_at: Option<String>,
    /// As in the run's summary (SPEC §4).
    pub duration_ms: Option<i64>,
    /// The run's `querySize` (what §9's `volume` rule compares with `querySize.p50`).
    pub query_size: u64,
    /// `successful.total + failed.total` of the run (SPEC §4).
    pub attempted_rows: u64,
    /// `rows.failed.total` of the run.
    pub failed_rows: u64,
    /// `failedRows / attemptedRows`; null when nothing was attempted.
    pub failure_rate: Option<f64>,
}

/// One group of error messages that differ only in their digits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct TopError {
    /// The message with every run of ASCII digits replaced by `#`.
    pub pattern: String,
    /// How many valid runs have an error message of this pattern.
    pub count: u64,
    /// The message of the group's most recent run (SPEC §5 "most recent").
    pub last_message: String,
    /// The id of the group's most recent run.
    pub last_run_id: String,
}

/// Valid runs of one UTC day of `createdAt`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct Daily {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Valid runs created that day.
    pub runs: u64,
    /// Of those, runs that succeeded (SPEC §2.1).
    pub succeeded: u64,
    /// Of those, terminal runs that did not succeed.
    pub failed: u64,
    /// Attempted rows (successful + failed) of the day's runs.
    pub attempted_rows: u64,
    /// Failed rows (`rows.failed.total`) of the day's runs.
    pub failed_rows: u64,
}

/// Runs per status; all nine keys always present.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct ByStatus {
    /// Runs with status `success`.
    pub success: u64,
    /// Runs with status `warning`.
    pub warning: u64,
    /// Runs with status `failed`.
    pub failed: u64,
    /// Runs with status `cancelled`.
    pub cancelled: u64,
    /// Runs with status `interrupted`.
    pub interrupted: u64,
    /// Runs with status `queued`.
    pub queued: u64,
    /// Runs with status `querying`.
    pub querying: u64,
    /// Runs with status `processing`.
    pub processing: u64,
    /// Runs with status `reporting`.
    pub reporting: u64,
}

impl ByStatus {
    fn of(c: [u64; 9]) -> ByStatus {
        let [success, warning, failed, cancelled, interrupted, queued, querying, processing, reporting] = c;
        ByStatus { success, warning, failed, cancelled, interrupted, queued, querying, processing, reporting }
    }
}

/// Figures of a batch (SPEC §5).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct BatchSummary {
    /// Records read: `valid + invalid + duplicates`.
    pub records: u64,
    /// Valid runs that enter the figures, duplicates left out.
    pub valid: u64,
    /// Records with at least one error issue.
    pub invalid: u64,
    /// Valid runs whose id an earlier valid run had (`duplicate_id`, SPEC §3.2).
    pub duplicates: u64,
    /// The envelope's `hasMore`; null without an envelope or when it is not a boolean (SPEC §5).
    pub has_more: Option<bool>,
    /// Valid runs per status, all nine keys (SPEC §2.1).
    pub by_status: ByStatus,
    /// Valid runs whose status is terminal.
    pub terminal: u64,
    /// Valid runs still in progress (`queued`, `querying`, `processing`, `reporting`).
    pub in_progress: u64,
    /// Valid runs that succeeded (SPEC §2.1).
    pub succeeded: u64,
    /// Terminal runs that did not succeed: `terminal − succeeded`.
    pub failed: u64,
    /// `succeeded / terminal`; null when no run is terminal.
    pub success_rate: Option<f64>,
    /// Rows of every valid run, summed per kind and operation.
    pub rows: Rows,
    /// `rows.successful.total + rows.failed.total`.
    pub attempted_rows: u64,
    /// Skipped rows of every valid run, summed (SPEC §4).
    pub skipped_rows: u64,
    /// Failed rows / attempted rows; null when nothing was attempted.
    pub failure_rate: Option<f64>,
    /// Run durations in ms (`finishedAt − startedAt`) over the runs that have one.
    pub duration_ms: Stats,
    /// Queue times in ms (`startedAt − createdAt`) over the runs that have one.
    pub queued_ms: Stats,
    /// The earliest `createdAt` of the valid runs, canonical; null when there are none.
    pub first_created_at: Option<String>,
    /// The latest `createdAt` of the valid runs, canonical; null when there are none.
    pub last_created_at: Option<String>,
    /// The most recent valid run (by `createdAt`, ties to the later input); null when there are none.
    pub latest: Option<Latest>,
    /// The most recent succeeded run; null when none succeeded.
    pub last_success: Option<LastSuccess>,
    /// The most recent terminal run that did not succeed; null when there is none.
    pub last_failure: Option<LastFailure>,
    /// Consecutive not-succeeded terminal runs, counted back from the most recent terminal run.
    pub failure_streak: u64,
    /// At most 10 groups of error messages, by count descending, then pattern (SPEC §5).
    pub top_errors: Vec<TopError>,
    /// Per UTC day of `createdAt`, ascending.
    pub daily: Vec<Daily>,
    /// The most recent terminal run; null when no valid run is terminal.
    pub last_terminal: Option<LastTerminal>,
    /// Over every valid run's `querySize`.
    pub query_size: Stats,
    /// Error issues over all records, never truncated.
    pub error_count: u64,
    /// Warning issues over all records, never truncated.
    pub warning_count: u64,
    /// The issues in input order, at most option `maxIssues` (default 1000).
    pub issues: Vec<Issue>,
    /// Whether issues were left out of `issues` because of `maxIssues`.
    pub issues_truncated: bool,
}

fn ts(ms: i64) -> String {
    format_timestamp(ms)
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (den > 0).then(|| num as f64 / den as f64)
}

fn diff(later: Option<i64>, earlier: Option<i64>) -> Option<i64> {
    match (later, earlier) {
        (Some(l), Some(e)) if l >= e => Some(l - e),
        _ => None,
    }
}

fn skipped(run: &ValidRun<'_>) -> u64 {
    let [p, s, f] = run.rows;
    (0..3).map(|i| at(&p, i).saturating_sub(at(&s, i)).saturating_sub(at(&f, i))).sum()
}

fn sum3(r: [u64; 3]) -> u64 {
    r.iter().fold(0u64, |a, &b| a.saturating_add(b))
}

/// The summary of one valid run (SPEC §4); `issues` are its warnings.
pub fn summarize_run(run: &ValidRun<'_>, warning_is_failure: bool, issues: Vec<Issue>) -> RunSummary {
    let [p, s, f] = run.rows;
    let rows = Rows { planned: RowTotals::of(p), successful: RowTotals::of(s), failed: RowTotals::of(f) };
    let attempted = rows.successful.total.saturating_add(rows.failed.total);
    let duration = diff(run.finished_at, run.started_at);
    RunSummary {
        id: run.id.to_string(),
        status: run.status,
        terminal: run.status.is_terminal(),
        succeeded: run.status.is_succeeded(warning_is_failure),
        created_at: ts(run.created_at),
        started_at: run.started_at.map(ts),
        finished_at: run.finished_at.map(ts),
        duration_ms: duration,
        queued_ms: diff(run.started_at, Some(run.created_at)),
        rows,
        attempted_rows: attempted,
        skipped_rows: skipped(run),
        failure_rate: ratio(rows.failed.total, attempted),
        #[allow(clippy::cast_precision_loss)]
        rows_per_second: duration.filter(|&d| d > 0).map(|d| attempted as f64 / (d as f64 / 1000.0)),
        completion_ratio: run.completion_ratio,
        query_size: run.query_size,
        error: run.error.as_ref().map(|e| e.to_string()),
        issues,
    }
}

/// Order of recency: `createdAt`, ties broken by later position in the input.
type Key = (i64, u64);

/// Millisecond values kept for percentiles: 4 bytes each while they fit (durations under 49
/// days), in fixed blocks, so that a long stream never holds a doubled vector during a resize.
#[derive(Default)]
struct Values {
    blocks: Vec<Vec<u32>>,
    big: Vec<i64>,
}

const BLOCK: usize = 1 << 14;

impl Values {
    fn push(&mut self, v: i64) {
        let Ok(small) = u32::try_from(v) else {
            self.big.push(v);
            return;
        };
        match self.blocks.last_mut() {
            Some(block) if block.len() < BLOCK => block.push(small),
            _ => {
                let mut block = Vec::with_capacity(BLOCK);
                block.push(small);
                self.blocks.push(block);
            }
        }
    }

    /// The statistics of the values. Sorted as 4-byte values: a million durations need 8 MB
    /// with the sort's buffer, where 8-byte values needed three times that.
    fn stats(self) -> Stats {
        let mut small: Vec<u32> = Vec::with_capacity(self.blocks.iter().map(Vec::len).sum());
        for block in self.blocks {
            small.extend_from_slice(&block);
        }
        crate::sort::sort(&mut small);
        let mut big = self.big;
        crate::sort::sort_i64(&mut big);
        Stats::of_sorted(&small, &big)
    }
}

#[derive(Default)]
struct Group {
    count: u64,
    last: Key,
    last_message: String,
    last_run_id: String,
}

/// What `lastTerminal` needs of a run.
struct TerminalSeen {
    id: String,
    status: SyncRunStatus,
    finished_at: Option<i64>,
    duration: Option<i64>,
    query_size: u64,
    attempted: u64,
    failed_rows: u64,
}

/// What `lastFailure` needs of a run.
struct FailureSeen {
    id: String,
    status: SyncRunStatus,
    finished_at: Option<i64>,
    error: Option<String>,
}

#[derive(Default, Clone, Copy)]
struct Day {
    runs: u64,
    succeeded: u64,
    failed: u64,
    attempted: u64,
    failed_rows: u64,
}

impl Day {
    fn merge(&mut self, other: &Day) {
        self.runs = self.runs.saturating_add(other.runs);
        self.succeeded = self.succeeded.saturating_add(other.succeeded);
        self.failed = self.failed.saturating_add(other.failed);
        self.attempted = self.attempted.saturating_add(other.attempted);
        self.failed_rows = self.failed_rows.saturating_add(other.failed_rows);
    }
}

/// Figures per UTC day: a prefix sorted by day with one entry per day, then entries added since
/// (possibly several per day), merged into the prefix when they outgrow it. Not a BTreeMap: its
/// code was 2 KB of the gzipped .wasm. Runs mostly come in time order, so the day is the last
/// entry's; any order stays O(n log n) overall, with memory bounded by twice the distinct days.
#[derive(Default)]
struct Days {
    list: Vec<(i64, Day)>,
    sorted: usize,
}

impl Days {
    fn entry(&mut self, day: i64) -> Option<&mut Day> {
        let found = match self.list.last() {
            Some((d, _)) if *d == day => Some(self.list.len() - 1),
            _ => self.list.get(..self.sorted).and_then(|s| s.binary_search_by_key(&day, |(d, _)| *d).ok()),
        };
        let at = match found {
            Some(at) => at,
            None => {
                if self.list.len() - self.sorted > self.sorted.max(64) {
                    self.compact();
                    return self.entry(day);
                }
                self.list.push((day, Day::default()));
                self.list.len() - 1
            }
        };
        self.list.get_mut(at).map(|(_, d)| d)
    }

    /// Sort everything by day and merge entries of the same day.
    fn compact(&mut self) {
        // Days of RFC 3339 years 0000-9999 are within ±2^22: offset into the order's 40-bit keys.
        // The list stays far below its 2^24 positions: at most twice the distinct days (3.7
        // million in those years) plus 64.
        let key = |d: i64| u64::try_from(d.saturating_add(1 << 39).clamp(0, (1 << 40) - 1)).unwrap_or(0);
        let positions = crate::sort::order(self.list.iter().map(|(d, _)| key(*d)).collect());
        let mut merged: Vec<(i64, Day)> = Vec::with_capacity(self.list.len());
        for i in positions {
            let Some(&(d, x)) = self.list.get(i) else { continue };
            match merged.last_mut() {
                Some((last, y)) if *last == d => y.merge(&x),
                _ => merged.push((d, x)),
            }
        }
        self.sorted = merged.len();
        self.list = merged;
    }
}

/// Accumulates the figures of valid, de-duplicated runs with a few bytes per run.
#[derive(Default)]
pub struct Figures {
    warning_is_failure: bool,
    by_status: [u64; 9],
    terminal: u64,
    in_progress: u64,
    succeeded: u64,
    failed: u64,
    rows: Rows,
    attempted: u64,
    skipped: u64,
    durations: Values,
    queued: Values,
    first_created: Option<i64>,
    last_created: Option<i64>,
    latest: Option<(Key, String, SyncRunStatus)>,
    last_success: Option<(Key, String, Option<i64>)>,
    last_failure: Option<(Key, FailureSeen)>,
    last_terminal: Option<(Key, TerminalSeen)>,
    query_sizes: Values,
    /// Recency keys of terminal runs that did not succeed and are more recent than the latest
    /// success seen when they were added (older ones can never count in the streak).
    failures: Vec<Key>,
    /// Length of `failures` after its last pruning.
    failures_pruned: usize,
    errors: crate::table::StrMap<String, Group>,
    daily: Days,
}

fn newer<T>(slot: &Option<(Key, T)>, key: Key) -> bool {
    slot.as_ref().is_none_or(|(k, _)| key >= *k)
}

fn set_string(dst: &mut String, src: &str) {
    dst.clear();
    dst.push_str(src);
}

/// The `topErrors` pattern: every maximal run of ASCII digits becomes `#` (SPEC §5).
pub fn error_pattern(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_digits = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

impl Figures {
    /// Figures of no run yet; `warning_is_failure` is the option `warningIsFailure` (SPEC §2.1).
    pub fn new(warning_is_failure: bool) -> Figures {
        Figures { warning_is_failure, ..Figures::default() }
    }

    /// Count one valid, first-of-its-id run at input position `position`.
    pub fn add(&mut self, run: &ValidRun<'_>, position: u64) {
        let key: Key = (run.created_at, position);
        let status = run.status;
        let terminal = status.is_terminal();
        let succeeded = status.is_succeeded(self.warning_is_failure);
        let failed = terminal && !succeeded;
        if let Some(c) = self.by_status.get_mut(status.index()) {
            *c += 1;
        }
        if terminal {
            self.terminal += 1;
        } else {
            self.in_progress += 1;
        }
        if succeeded {
            self.succeeded += 1;
        }
        if failed {
            self.failed += 1;
            let after_success = self.last_success.as_ref().is_none_or(|(k, ..)| key > *k);
            if after_success {
                self.failures.push(key);
                if self.failures.len() > 2 * self.failures_pruned + 1024 {
                    // Drop failures that a later success has made irrelevant (amortized O(1)).
                    let success = self.last_success.as_ref().map(|(k, ..)| *k);
                    self.failures.retain(|k| success.is_none_or(|s| *k > s));
                    self.failures_pruned = self.failures.len();
                }
            }
        }
        let [p, s, f] = run.rows;
        self.rows.planned.add(p);
        self.rows.successful.add(s);
        self.rows.failed.add(f);
        let attempted = sum3(s).saturating_add(sum3(f));
        self.attempted = self.attempted.saturating_add(attempted);
        self.skipped = self.skipped.saturating_add(skipped(run));
        if let Some(d) = diff(run.finished_at, run.started_at) {
            self.durations.push(d);
        }
        if let Some(q) = diff(run.started_at, Some(run.created_at)) {
            self.queued.push(q);
        }
        // Counts are at most 2^53 − 1 (SPEC §2), so every query size fits.
        self.query_sizes.push(i64::try_from(run.query_size).unwrap_or(i64::MAX));
        self.first_created = Some(self.first_created.map_or(run.created_at, |x| x.min(run.created_at)));
        self.last_created = Some(self.last_created.map_or(run.created_at, |x| x.max(run.created_at)));

        match &mut self.latest {
            Some((k, id, st)) if key >= *k => {
                *k = key;
                set_string(id, &run.id);
                *st = status;
            }
            None => self.latest = Some((key, run.id.to_string(), status)),
            Some(_) => {}
        }
        if succeeded {
            // Input is often oldest first: reuse the id's buffer rather than allocate per run.
            match &mut self.last_success {
                Some((k, id, finished)) if key >= *k => {
                    *k = key;
                    set_string(id, &run.id);
                    *finished = run.finished_at;
                }
                None => self.last_success = Some((key, run.id.to_string(), run.finished_at)),
                Some(_) => {}
            }
        }
        if terminal && newer(&self.last_terminal.as_ref().map(|(k, _)| (*k, ())), key) {
            // Input is often oldest first: reuse the id's buffer rather than allocate per run.
            let mut id = self.last_terminal.take().map(|(_, t)| t.id).unwrap_or_default();
            set_string(&mut id, &run.id);
            let seen = TerminalSeen {
                id,
                status,
                finished_at: run.finished_at,
                duration: diff(run.finished_at, run.started_at),
                query_size: run.query_size,
                attempted,
                failed_rows: sum3(f),
            };
            self.last_terminal = Some((key, seen));
        }
        if failed && newer(&self.last_failure.as_ref().map(|(k, _)| (*k, ())), key) {
            let seen = FailureSeen {
                id: run.id.to_string(),
                status,
                finished_at: run.finished_at,
                error: run.error.as_ref().map(|e| e.to_string()),
            };
            self.last_failure = Some((key, seen));
        }
        if let Some(message) = &run.error {
            if let Some(group) = self.errors.entry(error_pattern(message), Group::default) {
                group.count += 1;
                if group.count == 1 || key >= group.last {
                    group.last = key;
                    set_string(&mut group.last_message, message);
                    set_string(&mut group.last_run_id, &run.id);
                }
            }
        }
        if let Some(day) = self.daily.entry(day_of(run.created_at)) {
            day.runs += 1;
            day.succeeded += u64::from(succeeded);
            day.failed += u64::from(failed);
            day.attempted = day.attempted.saturating_add(attempted);
            day.failed_rows = day.failed_rows.saturating_add(sum3(f));
        }
    }

    /// Write the figures into `out` (whose counts and issues the caller has filled).
    pub fn finish(self, out: &mut BatchSummary) {
        out.by_status = ByStatus::of(self.by_status);
        out.terminal = self.terminal;
        out.in_progress = self.in_progress;
        out.succeeded = self.succeeded;
        out.failed = self.failed;
        out.success_rate = ratio(self.succeeded, self.terminal);
        out.rows = self.rows;
        out.attempted_rows = self.attempted;
        out.skipped_rows = self.skipped;
        out.failure_rate = ratio(self.rows.failed.total, self.attempted);
        out.duration_ms = self.durations.stats();
        out.queued_ms = self.queued.stats();
        out.first_created_at = self.first_created.map(ts);
        out.last_created_at = self.last_created.map(ts);
        out.latest = self.latest.map(|((c, _), id, status)| Latest { id, status, created_at: ts(c) });
        let success_key = self.last_success.as_ref().map(|(k, ..)| *k);
        out.failure_streak = self.failures.iter().filter(|k| success_key.is_none_or(|s| **k > s)).count() as u64;
        out.last_success =
            self.last_success.map(|((c, _), id, fin)| LastSuccess { id, created_at: ts(c), finished_at: fin.map(ts) });
        out.last_failure = self.last_failure.map(|((c, _), f)| LastFailure {
            id: f.id,
            status: f.status,
            created_at: ts(c),
            finished_at: f.finished_at.map(ts),
            error: f.error,
        });
        // The ten first by count descending, then pattern: one pass, no sort of every group.
        let mut top: Vec<TopError> = Vec::with_capacity(11);
        for (pattern, g) in self.errors.into_entries() {
            let before = |t: &TopError| t.count > g.count || (t.count == g.count && t.pattern < pattern);
            let at = top.iter().take_while(|t| before(t)).count();
            if at < 10 {
                top.insert(
                    at,
                    TopError { pattern, count: g.count, last_message: g.last_message, last_run_id: g.last_run_id },
                );
                top.truncate(10);
            }
        }
        out.top_errors = top;
        out.last_terminal = self.last_terminal.map(|((c, _), t)| LastTerminal {
            id: t.id,
            status: t.status,
            created_at: ts(c),
            finished_at: t.finished_at.map(ts),
            duration_ms: t.duration,
            query_size: t.query_size,
            attempted_rows: t.attempted,
            failed_rows: t.failed_rows,
            failure_rate: ratio(t.failed_rows, t.attempted),
        });
        out.query_size = self.query_sizes.stats();
        let mut daily = self.daily;
        daily.compact();
        out.daily = daily
            .list
            .into_iter()
            .map(|(day, d)| {
                let mut date = String::with_capacity(10);
                write_date(day, &mut date);
                Daily {
                    date,
                    runs: d.runs,
                    succeeded: d.succeeded,
                    failed: d.failed,
                    attempted_rows: d.attempted,
                    failed_rows: d.failed_rows,
                }
            })
            .collect();
    }
}

impl Sink for Figures {
    fn run(&mut self, run: &ValidRun<'_>, position: u64, _line: Option<u64>) {
        self.add(run, position);
    }
}

impl BatchSummary {
    /// The batch's counts. (Not a member: SPEC §5 places `errorCount` and `warningCount` at the
    /// end of a summary, after the figures, where `NormalizeRunsResult` has them with the rest.)
    pub fn counts(&self) -> RecordCounts {
        RecordCounts {
            records: self.records,
            valid: self.valid,
            invalid: self.invalid,
            duplicates: self.duplicates,
            has_more: self.has_more,
            error_count: self.error_count,
            warning_count: self.warning_count,
        }
    }
}

impl Tally {
    /// The batch summary, with these counts and issues and the given figures.
    pub fn summary(self, figures: Figures) -> BatchSummary {
        let c = self.counts;
        let mut out = BatchSummary {
            records: c.records,
            valid: c.valid,
            invalid: c.invalid,
            duplicates: c.duplicates,
            has_more: c.has_more,
            error_count: c.error_count,
            warning_count: c.warning_count,
            issues: self.issues,
            issues_truncated: self.issues_truncated,
            ..BatchSummary::default()
        };
        figures.finish(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// SPEC §5 percentiles: values kept in 4-byte blocks plus the rare big (or negative) ones
    /// give what one sorted list gives.
    #[test]
    fn stats_of_blocks_and_big_values() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for n in [0usize, 1, 2, 99, 100, 101, 40_000] {
            let mut values = Values::default();
            let mut all = Vec::new();
            for i in 0..n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let v = match i % 50 {
                    0 => (x % 1000) as i64 - 500,            // negative (never a duration, but allowed)
                    1 => (1 << 32) + (x % 1_000_000) as i64, // beyond u32
                    _ => (x % 100_000) as i64,
                };
                values.push(v);
                all.push(v);
            }
            assert_eq!(values.stats(), Stats::of(all), "n {n}");
        }
    }

    /// SPEC §5 `daily`: the per-day list against a BTreeMap, in every order runs may come in.
    #[test]
    fn days_in_any_order() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let orders: [&dyn Fn(i64, u64) -> i64; 4] = [
            &|i, _| i / 50,                        // time order, 50 runs a day
            &|i, _| -i,                            // every run a new, earlier day
            &|i, r| (r % 1000) as i64 - i,         // random
            &|i, _| (i % 2) * 3_000_000 - 719_468, // two days far apart, alternating
        ];
        for order in orders {
            let mut days = Days::default();
            let mut want: BTreeMap<i64, u64> = BTreeMap::new();
            for i in 0..200_000 {
                let day = order(i, next());
                let failed = next() % 7;
                let d = days.entry(day).unwrap();
                d.runs += 1;
                d.failed_rows += failed;
                *want.entry(day).or_default() += 1 + (failed << 32);
            }
            days.compact();
            let got: Vec<(i64, u64)> = days.list.iter().map(|(d, x)| (*d, x.runs + (x.failed_rows << 32))).collect();
            assert_eq!(got, want.into_iter().collect::<Vec<_>>());
        }
    }
}

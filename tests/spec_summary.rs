//! SPEC §4 (summary of one run) and §5 (summary of a batch), every figure computed by hand.

mod common;

use common::{array, cp, envelope, ex, opts, val, R};
use serde_json::{json, Value};
use syncrun::{summarize_run, summarize_runs, BatchSummary, Options, SyncRunStatus};

fn wif() -> Options {
    Options { warning_is_failure: Some(true), ..opts() }
}

/// A valid run with the given id, status and createdAt; started/finished follow createdAt.
fn run(id: &str, status: &str, created: &str) -> R {
    let mut r = R::base()
        .s("id", id)
        .s("status", status)
        .s("createdAt", created)
        .s("startedAt", created)
        .s("finishedAt", created);
    if status == "failed" {
        r = r.s("error", "boom");
    }
    if matches!(status, "queued" | "querying" | "processing" | "reporting") {
        r = r.set("finishedAt", "null");
    }
    r
}

/// Day `d` of January 2024 at hour `h`, UTC.
fn at(d: u32, h: u32) -> String {
    format!("2024-01-{d:02}T{h:02}:00:00Z")
}

fn summary(runs: &[R], options: &Options) -> BatchSummary {
    summarize_runs(array(runs).as_bytes(), options)
}

// ---------------------------------------------------------------------------------------------
// §4

// SPEC §4: every field of RunSummary for a terminal run with rows.
#[test]
fn spec4_run_summary_fields() {
    let r = R::base()
        .s("status", "Warning")
        .rows("plannedRows", 10, 5, 1)
        .rows("successfulRows", 8, 4, 1)
        .rows("failedRows", 1, 0, 0)
        .set("completionRatio", "0.75")
        .s("error", "  some rows rejected ");
    let out = summarize_run(r.text().as_bytes(), &opts());
    assert_eq!(
        val(&out),
        json!({
            "valid": true,
            "summary": {
                "id": "run-1",
                "status": "warning",
                "terminal": true,
                "succeeded": true,
                "createdAt": "2024-03-01T10:00:00.000Z",
                "startedAt": "2024-03-01T10:00:05.000Z",
                "finishedAt": "2024-03-01T10:01:05.000Z",
                "durationMs": 60000,
                "queuedMs": 5000,
                "rows": {
                    "planned": {"added": 10, "changed": 5, "removed": 1, "total": 16},
                    "successful": {"added": 8, "changed": 4, "removed": 1, "total": 13},
                    "failed": {"added": 1, "changed": 0, "removed": 0, "total": 1}
                },
                "attemptedRows": 14,
                "skippedRows": 2,
                "failureRate": 1.0 / 14.0,
                "rowsPerSecond": 14.0 / (60000.0 / 1000.0),
                "completionRatio": 0.75,
                "querySize": 100,
                "error": "some rows rejected",
                "issues": []
            },
            "issues": []
        })
    );
    // SPEC §2.1: `warning` is not succeeded with warningIsFailure.
    let out = summarize_run(r.text().as_bytes(), &wif());
    assert_eq!(out.summary.map(|s| (s.terminal, s.succeeded)), Some((true, false)));
}

// SPEC §2.1 / §4: terminal and succeeded of every status.
#[test]
fn spec4_terminal_and_succeeded_by_status() {
    for st in SyncRunStatus::ALL {
        let r = run("x", st.as_str(), &at(1, 0));
        for (options, wif_on) in [(opts(), false), (wif(), true)] {
            let s = summarize_run(r.text().as_bytes(), &options).summary.unwrap();
            let terminal = !matches!(st.as_str(), "queued" | "querying" | "processing" | "reporting");
            let succeeded = st.as_str() == "success" || (st.as_str() == "warning" && !wif_on);
            assert_eq!((s.terminal, s.succeeded), (terminal, succeeded), "{st:?} warningIsFailure={wif_on}");
        }
    }
}

// SPEC §4: durationMs and queuedMs are null if either end is null or the difference is negative;
// rowsPerSecond null when durationMs is null or 0; failureRate null when nothing was attempted.
#[test]
fn spec4_null_rules() {
    let fields = |r: &R| {
        let out = summarize_run(r.text().as_bytes(), &opts());
        assert!(out.valid, "{:?}", out.issues);
        let s = val(&out.summary);
        (s["durationMs"].clone(), s["queuedMs"].clone(), s["failureRate"].clone(), s["rowsPerSecond"].clone())
    };
    // Queued, never started.
    let r = R::base().s("status", "queued").set("startedAt", "null").set("finishedAt", "null");
    assert_eq!(fields(&r), (Value::Null, Value::Null, json!(0.0), Value::Null));
    // Processing: started, not finished.
    let r = R::base().s("status", "processing").set("finishedAt", "null");
    assert_eq!(fields(&r), (Value::Null, json!(5000), json!(0.0), Value::Null));
    // Cancelled before start, with a finish.
    let r = R::base().s("status", "cancelled").del("startedAt");
    assert_eq!(fields(&r), (Value::Null, Value::Null, json!(0.0), Value::Null));
    // Finished before started: negative duration is null (and a warning).
    let r = R::base().s("finishedAt", "2024-03-01T10:00:04.999Z");
    assert_eq!(fields(&r), (Value::Null, json!(5000), json!(0.0), Value::Null));
    // Started before created: negative queue time is null.
    let r = R::base().s("startedAt", "2024-03-01T09:59:00Z");
    assert_eq!(fields(&r), (json!(125000), Value::Null, json!(0.0), json!(16.0 / 125.0)));
    // Zero duration: durationMs 0, rowsPerSecond null.
    let r = R::base().s("finishedAt", "2024-03-01T10:00:05Z");
    assert_eq!(fields(&r), (json!(0), json!(5000), json!(0.0), Value::Null));
    // Nothing attempted: failureRate null, rowsPerSecond 0.
    let r = R::base().rows("successfulRows", 0, 0, 0);
    assert_eq!(fields(&r), (json!(60000), json!(5000), Value::Null, json!(0.0)));
    // Sub-second duration, all rows failed.
    let r = R::base()
        .s("status", "failed")
        .s("error", "x")
        .s("finishedAt", "2024-03-01T10:00:05.250Z")
        .rows("successfulRows", 0, 0, 0)
        .rows("failedRows", 1, 0, 0);
    assert_eq!(fields(&r), (json!(250), json!(5000), json!(1.0), json!(1.0 / (250.0 / 1000.0))));
}

// SPEC §4: skippedRows is Σ max(planned − successful − failed, 0), never negative per operation.
#[test]
fn spec4_skipped_and_attempted_rows() {
    let r = R::base().s("status", "warning").rows("plannedRows", 10, 0, 7).rows("successfulRows", 12, 0, 2).rows(
        "failedRows",
        1,
        0,
        1,
    );
    let out = summarize_run(r.text().as_bytes(), &opts());
    let s = out.summary.unwrap();
    // added: 10 − 12 − 1 < 0 → 0 (not −3 subtracted from the others); removed: 7 − 2 − 1 = 4.
    assert_eq!((s.attempted_rows, s.skipped_rows), (16, 4));
    // SPEC §4 issues: the run's warnings.
    assert_eq!(cp(&s.issues), ex(&[("rows_exceed_planned", "/successfulRows/addedCount")]));
    assert_eq!(s.issues, out.issues);
}

// SPEC §4 / §8: an invalid run has no summary, its errors as issues.
#[test]
fn spec4_invalid_run_has_null_summary() {
    let out = summarize_run(R::base().set("querySize", "-1").text().as_bytes(), &opts());
    assert_eq!(val(&out)["summary"], Value::Null);
    assert!(!out.valid);
    assert_eq!(cp(&out.issues), ex(&[("invalid_number", "/querySize")]));
}

// ---------------------------------------------------------------------------------------------
// §5

/// The batch of SPEC §5 worked by hand below: ten records, one invalid, one duplicate, statuses
/// of every kind, unsorted createdAt, ties, digit-only differences in errors.
fn hand_batch() -> String {
    let runs = [
        // 0: a, success, 2024-01-01 — queued 1 s, ran 10 s.
        R::base()
            .s("id", "a")
            .s("createdAt", "2024-01-01T10:00:00Z")
            .set("querySize", "1000")
            .s("startedAt", "2024-01-01T10:00:01Z")
            .s("finishedAt", "2024-01-01T10:00:11Z")
            .rows("plannedRows", 10, 0, 0)
            .rows("successfulRows", 10, 0, 0)
            .rows("failedRows", 0, 0, 0),
        // 1: b, failed — queued 2 s, ran 30 s; 1 changed row skipped.
        R::base()
            .s("id", "b")
            .s("status", "failed")
            .s("createdAt", "2024-01-01T12:00:00Z")
            .set("querySize", "500")
            .s("startedAt", "2024-01-01T12:00:02Z")
            .s("finishedAt", "2024-01-01T12:00:32Z")
            .rows("plannedRows", 5, 5, 0)
            .rows("successfulRows", 3, 4, 0)
            .rows("failedRows", 2, 0, 0)
            .s("error", "Timeout after 30 s on row 17"),
        // 2: c, warning — queued 0, ran 20 s.
        R::base()
            .s("id", "c")
            .s("status", "warning")
            .set("querySize", "2000")
            .s("createdAt", "2024-01-02T09:00:00Z")
            .s("startedAt", "2024-01-02T09:00:00Z")
            .s("finishedAt", "2024-01-02T09:00:20Z")
            .rows("plannedRows", 4, 0, 2)
            .rows("successfulRows", 3, 0, 2)
            .rows("failedRows", 1, 0, 0),
        // 3: invalid (unknown status): left out of every figure.
        R::base()
            .s("id", "x")
            .s("status", "aborted")
            .s("createdAt", "2024-01-06T00:00:00Z")
            .s("startedAt", "2024-01-06T00:00:00Z")
            .s("finishedAt", "2024-01-06T00:00:00Z")
            .s("error", "Timeout after 99 s on row 1"),
        // 4: duplicate of b: left out (it would be the latest run and the latest failure).
        R::base()
            .s("id", "b")
            .s("status", "failed")
            .s("createdAt", "2024-01-05T00:00:00Z")
            .s("startedAt", "2024-01-05T00:00:00Z")
            .s("finishedAt", "2024-01-05T00:00:00Z")
            .s("error", "Timeout after 1 s on row 1"),
        // 5: d, queued, same createdAt as f (position 7).
        R::base()
            .s("id", "d")
            .s("status", "queued")
            .set("querySize", "0")
            .s("createdAt", "2024-01-03T08:00:00Z")
            .set("startedAt", "null")
            .set("finishedAt", "null")
            .rows("plannedRows", 0, 0, 0)
            .rows("successfulRows", 0, 0, 0),
        // 6: e, failed at the last millisecond of 2024-01-02 (UTC day of createdAt).
        R::base()
            .s("id", "e")
            .s("status", "failed")
            .set("querySize", "300")
            .s("createdAt", "2024-01-03T00:59:59.999+01:00")
            .s("startedAt", "2024-01-03T00:00:00.999Z")
            .s("finishedAt", "2024-01-03T00:00:05.999Z")
            .rows("plannedRows", 0, 0, 0)
            .rows("successfulRows", 0, 0, 0)
            .s("error", "Timeout after 45 s on row 3"),
        // 7: f, cancelled before it started.
        R::base()
            .s("id", "f")
            .s("status", "cancelled")
            .set("querySize", "0")
            .s("createdAt", "2024-01-03T08:00:00Z")
            .set("startedAt", "null")
            .s("finishedAt", "2024-01-03T08:00:01Z")
            .rows("plannedRows", 0, 0, 0)
            .rows("successfulRows", 0, 0, 0)
            .s("error", "Cancelled by user"),
        // 8: g, interrupted, created before d/e/f although later in the input.
        R::base()
            .s("id", "g")
            .s("status", "interrupted")
            .set("querySize", "800")
            .s("createdAt", "2024-01-02T12:00:00Z")
            .s("startedAt", "2024-01-02T12:00:10Z")
            .s("finishedAt", "2024-01-02T12:01:10Z")
            .rows("plannedRows", 0, 8, 0)
            .rows("successfulRows", 0, 6, 0),
        // 9: h, processing, the most recent run.
        R::base()
            .s("id", "h")
            .s("status", "processing")
            .set("querySize", "700")
            .s("createdAt", "2024-01-04T00:00:00Z")
            .s("startedAt", "2024-01-04T00:00:03Z")
            .set("finishedAt", "null")
            .rows("plannedRows", 7, 0, 0)
            .rows("successfulRows", 2, 0, 0),
    ];
    envelope(&runs, Some("true"))
}

fn without_issues(s: &BatchSummary) -> Value {
    let mut v = val(s);
    v.as_object_mut().unwrap().remove("issues");
    v
}

// SPEC §5: every figure of a batch, by hand.
#[test]
fn spec5_batch_figures_by_hand() {
    let s = summarize_runs(hand_batch().as_bytes(), &opts());
    assert_eq!(cp(&s.issues), ex(&[("unknown_status", "/data/3/status"), ("duplicate_id", "/data/4/id")]));
    assert_eq!(
        without_issues(&s),
        json!({
            "records": 10, "valid": 8, "invalid": 1, "duplicates": 1,
            "hasMore": true,
            "byStatus": {"success": 1, "warning": 1, "failed": 2, "cancelled": 1, "interrupted": 1,
                         "queued": 1, "querying": 0, "processing": 1, "reporting": 0},
            "terminal": 6, "inProgress": 2, "succeeded": 2, "failed": 4,
            "successRate": 2.0 / 6.0,
            "rows": {
                "planned": {"added": 26, "changed": 13, "removed": 2, "total": 41},
                "successful": {"added": 18, "changed": 10, "removed": 2, "total": 30},
                "failed": {"added": 3, "changed": 0, "removed": 0, "total": 3}
            },
            "attemptedRows": 33, "skippedRows": 8,
            "failureRate": 3.0 / 33.0,
            // a 10000, b 30000, c 20000, e 5000, g 60000 (d, f, h have no duration).
            "durationMs": {"count": 5, "min": 5000, "p50": 20000, "p90": 60000, "p95": 60000, "p99": 60000,
                           "max": 60000, "mean": 25000.0},
            // a 1000, b 2000, c 0, e 1000, g 10000, h 3000 (d, f never started).
            "queuedMs": {"count": 6, "min": 0, "p50": 1000, "p90": 10000, "p95": 10000, "p99": 10000,
                         "max": 10000, "mean": 17000.0 / 6.0},
            "firstCreatedAt": "2024-01-01T10:00:00.000Z",
            "lastCreatedAt": "2024-01-04T00:00:00.000Z",
            "latest": {"id": "h", "status": "processing", "createdAt": "2024-01-04T00:00:00.000Z"},
            "lastSuccess": {"id": "c", "createdAt": "2024-01-02T09:00:00.000Z", "finishedAt": "2024-01-02T09:00:20.000Z"},
            "lastFailure": {"id": "f", "status": "cancelled", "createdAt": "2024-01-03T08:00:00.000Z",
                            "finishedAt": "2024-01-03T08:00:01.000Z", "error": "Cancelled by user"},
            // f, e, g (d and h in progress, skipped), then c succeeded.
            "failureStreak": 3,
            "topErrors": [
                {"pattern": "Timeout after # s on row #", "count": 2, "lastMessage": "Timeout after 45 s on row 3", "lastRunId": "e"},
                {"pattern": "Cancelled by user", "count": 1, "lastMessage": "Cancelled by user", "lastRunId": "f"}
            ],
            "daily": [
                {"date": "2024-01-01", "runs": 2, "succeeded": 1, "failed": 1, "attemptedRows": 19, "failedRows": 2},
                {"date": "2024-01-02", "runs": 3, "succeeded": 1, "failed": 2, "attemptedRows": 12, "failedRows": 1},
                {"date": "2024-01-03", "runs": 2, "succeeded": 0, "failed": 1, "attemptedRows": 0, "failedRows": 0},
                {"date": "2024-01-04", "runs": 1, "succeeded": 0, "failed": 0, "attemptedRows": 2, "failedRows": 0}
            ],
            // f is the most recent terminal run (h is in progress; d, as recent as f, is queued).
            "lastTerminal": {"id": "f", "status": "cancelled", "createdAt": "2024-01-03T08:00:00.000Z",
                             "finishedAt": "2024-01-03T08:00:01.000Z", "durationMs": null, "querySize": 0,
                             "attemptedRows": 0, "failedRows": 0, "failureRate": null},
            // a 1000, b 500, c 2000, d 0, e 300, f 0, g 800, h 700 (x invalid, the second b a duplicate).
            "querySize": {"count": 8, "min": 0, "p50": 500, "p90": 2000, "p95": 2000, "p99": 2000,
                          "max": 2000, "mean": 662.5},
            "errorCount": 1, "warningCount": 1,
            "issuesTruncated": false
        })
    );
}

// SPEC §5 with warningIsFailure: the warning run c counts as failed.
#[test]
fn spec5_batch_figures_warning_is_failure() {
    let plain = without_issues(&summarize_runs(hand_batch().as_bytes(), &opts()));
    let s = summarize_runs(hand_batch().as_bytes(), &wif());
    let mut expected = plain;
    expected["succeeded"] = json!(1);
    expected["failed"] = json!(5);
    expected["successRate"] = json!(1.0 / 6.0);
    expected["lastSuccess"] =
        json!({"id": "a", "createdAt": "2024-01-01T10:00:00.000Z", "finishedAt": "2024-01-01T10:00:11.000Z"});
    expected["failureStreak"] = json!(5);
    expected["daily"][1]["succeeded"] = json!(0);
    expected["daily"][1]["failed"] = json!(3);
    assert_eq!(without_issues(&s), expected);
}

// SPEC §5: an empty batch — counts 0, every optional figure null, byStatus has all 9 keys.
#[test]
fn spec5_empty_batch() {
    let empty_stats =
        json!({"count": 0, "min": null, "p50": null, "p90": null, "p95": null, "p99": null, "max": null, "mean": null});
    let zero_rows = json!({"added": 0, "changed": 0, "removed": 0, "total": 0});
    let expected = json!({
        "records": 0, "valid": 0, "invalid": 0, "duplicates": 0, "hasMore": null,
        "byStatus": {"success": 0, "warning": 0, "failed": 0, "cancelled": 0, "interrupted": 0,
                     "queued": 0, "querying": 0, "processing": 0, "reporting": 0},
        "terminal": 0, "inProgress": 0, "succeeded": 0, "failed": 0, "successRate": null,
        "rows": {"planned": zero_rows, "successful": zero_rows, "failed": zero_rows},
        "attemptedRows": 0, "skippedRows": 0, "failureRate": null,
        "durationMs": empty_stats, "queuedMs": empty_stats,
        "firstCreatedAt": null, "lastCreatedAt": null, "latest": null, "lastSuccess": null, "lastFailure": null,
        "failureStreak": 0, "topErrors": [], "daily": [], "lastTerminal": null, "querySize": empty_stats,
        "errorCount": 0, "warningCount": 0, "issues": [], "issuesTruncated": false
    });
    assert_eq!(val(&summarize_runs(b"[]", &opts())), expected);
    // Only invalid runs: the same figures.
    let s = summarize_runs(array(&[R::base().set("id", "-1")]).as_bytes(), &opts());
    assert_eq!((s.records, s.invalid, s.error_count, s.latest.is_none(), s.success_rate), (1, 1, 1, true, None));
    // Only in-progress runs: successRate null (terminal 0), streak 0.
    let s = summary(&[run("q", "queued", &at(1, 0)), run("p", "reporting", &at(2, 0))], &opts());
    assert_eq!((s.terminal, s.in_progress, s.success_rate, s.failure_streak, s.last_failure), (0, 2, None, 0, None));
    // No terminal run: no lastTerminal, but querySize counts every valid run.
    assert_eq!((s.last_terminal, s.query_size.count, s.query_size.p50), (None, 2, Some(100)));
}

// SPEC §5 lastTerminal: the most recent terminal run whether or not it succeeded, in createdAt
// order with ties to the later input position; in-progress runs are passed over; its figures
// as in §4.
#[test]
fn spec5_last_terminal() {
    let warning = run("w", "warning", &at(3, 0))
        .s("startedAt", "2024-01-03T00:00:02Z")
        .s("finishedAt", "2024-01-03T00:01:02.5Z")
        .set("querySize", "42")
        .rows("successfulRows", 6, 0, 1)
        .rows("failedRows", 2, 1, 0);
    let runs = [
        run("old", "success", &at(1, 0)),
        warning.clone(),
        run("later-but-running", "querying", &at(4, 0)),
        run("earlier", "failed", &at(2, 0)),
    ];
    let s = summary(&runs, &opts());
    assert_eq!(
        val(&s)["lastTerminal"],
        json!({"id": "w", "status": "warning", "createdAt": "2024-01-03T00:00:00.000Z",
               "finishedAt": "2024-01-03T00:01:02.500Z", "durationMs": 60500, "querySize": 42,
               "attemptedRows": 10, "failedRows": 3, "failureRate": 0.3})
    );
    // The same figures with warningIsFailure: lastTerminal does not depend on succeeding.
    assert_eq!(val(&summary(&runs, &wif()))["lastTerminal"], val(&s)["lastTerminal"]);
    // A tie in createdAt: the later position counts, then the earlier one if they swap.
    let tie = run("tie", "failed", &at(3, 0));
    assert_eq!(summary(&[warning.clone(), tie.clone()], &opts()).last_terminal.map(|t| t.id), Some("tie".into()));
    assert_eq!(summary(&[tie, warning], &opts()).last_terminal.map(|t| t.id), Some("w".into()));
}

/// Runs whose durations are `ms` (in this order), all started at the same instant.
fn with_durations(ms: &[u32]) -> Vec<R> {
    ms.iter()
        .enumerate()
        .map(|(i, &d)| {
            let finish = format!("2024-01-01T00:{:02}:{:02}.{:03}Z", d / 60_000, (d / 1000) % 60, d % 1000);
            R::base()
                .s("id", &format!("r{i}"))
                .s("createdAt", "2024-01-01T00:00:00Z")
                .s("startedAt", "2024-01-01T00:00:00Z")
                .s("finishedAt", &finish)
        })
        .collect()
}

// SPEC §5 Stats: nearest rank `v[ceil(P·n/100) − 1]` on 1..=100 (given out of order).
#[test]
fn spec5_stats_nearest_rank_1_to_100() {
    let values: Vec<u32> = (0..100).map(|i| (i * 37) % 100 + 1).collect();
    let s = summary(&with_durations(&values), &opts());
    assert_eq!(
        val(&s.duration_ms),
        json!({"count": 100, "min": 1, "p50": 50, "p90": 90, "p95": 95, "p99": 99, "max": 100, "mean": 50.5})
    );
    // Every queue time is 0.
    assert_eq!(
        val(&s.queued_ms),
        json!({"count": 100, "min": 0, "p50": 0, "p90": 0, "p95": 0, "p99": 0, "max": 0, "mean": 0.0})
    );
}

// SPEC §5 Stats: nearest rank on 7, 10, 20, 2 and 1 values; mean unrounded.
#[test]
fn spec5_stats_small_counts() {
    let stats = |ms: &[u32]| val(&summary(&with_durations(ms), &opts()).duration_ms);
    // Sorted 1, 2, 3, 5, 7, 8, 9: p50 = v[ceil(3.5)−1] = v[3]; p90 = v[ceil(6.3)−1] = v[6].
    assert_eq!(
        stats(&[5, 1, 9, 3, 7, 2, 8]),
        json!({"count": 7, "min": 1, "p50": 5, "p90": 9, "p95": 9, "p99": 9, "max": 9, "mean": 5.0})
    );
    // 10 values: p50 = v[4], p90 = v[8], p95 = v[ceil(9.5)−1] = v[9].
    assert_eq!(
        stats(&[10, 9, 8, 7, 6, 5, 4, 3, 2, 1]),
        json!({"count": 10, "min": 1, "p50": 5, "p90": 9, "p95": 10, "p99": 10, "max": 10, "mean": 5.5})
    );
    // 20 values 10, 20, …, 200: p90 = v[17], p95 = v[18], p99 = v[19].
    let twenty: Vec<u32> = (1..=20).rev().map(|i| i * 10).collect();
    assert_eq!(
        stats(&twenty),
        json!({"count": 20, "min": 10, "p50": 100, "p90": 180, "p95": 190, "p99": 200, "max": 200, "mean": 105.0})
    );
    assert_eq!(
        stats(&[1, 2]),
        json!({"count": 2, "min": 1, "p50": 1, "p90": 2, "p95": 2, "p99": 2, "max": 2, "mean": 1.5})
    );
    assert_eq!(
        stats(&[1, 1, 2]),
        json!({"count": 3, "min": 1, "p50": 1, "p90": 2, "p95": 2, "p99": 2, "max": 2, "mean": 4.0 / 3.0})
    );
    assert_eq!(
        stats(&[61_234]),
        json!({"count": 1, "min": 61234, "p50": 61234, "p90": 61234, "p95": 61234, "p99": 61234, "max": 61234, "mean": 61234.0})
    );
}

// SPEC §5 Stats: runs with a null or negative duration are left out of durationMs.
#[test]
fn spec5_stats_skip_null_and_negative() {
    let runs = [
        R::base().s("id", "1"),                                                     // 60000
        R::base().s("id", "2").s("finishedAt", "2024-03-01T10:00:00Z"),             // negative
        R::base().s("id", "3").s("status", "processing").set("finishedAt", "null"), // null
        R::base().s("id", "4").s("startedAt", "2024-03-01T09:00:00Z"),              // queued negative, duration 3665000
    ];
    let s = summary(&runs, &opts());
    assert_eq!(
        (s.valid, s.duration_ms.count, s.duration_ms.min, s.duration_ms.max),
        (4, 2, Some(60_000), Some(3_665_000))
    );
    assert_eq!((s.queued_ms.count, s.queued_ms.min, s.queued_ms.max), (3, Some(5000), Some(5000)));
}

// SPEC §5 "most recent": createdAt, ties broken by later position — latest, lastSuccess,
// lastFailure, lastMessage/lastRunId. The same instant written with another offset is a tie.
#[test]
fn spec5_most_recent_ties_broken_by_later_position() {
    let t = "2024-01-05T10:00:00Z";
    let t_other = "2024-01-05T12:00:00+02:00";
    let runs = [
        run("s1", "success", t),
        run("f1", "failed", t).s("error", "E 1"),
        run("s2", "success", t_other),
        run("f2", "interrupted", t_other).s("error", "E 2"),
        run("old", "failed", &at(4, 0)).s("error", "E 3"),
    ];
    let s = summary(&runs, &opts());
    assert_eq!(val(&s.latest), json!({"id": "f2", "status": "interrupted", "createdAt": "2024-01-05T10:00:00.000Z"}));
    assert_eq!(s.last_success.as_ref().map(|x| x.id.as_str()), Some("s2"));
    assert_eq!(s.last_failure.as_ref().map(|x| (x.id.as_str(), x.error.as_deref())), Some(("f2", Some("E 2"))));
    assert_eq!(val(&s.top_errors), json!([{"pattern": "E #", "count": 3, "lastMessage": "E 2", "lastRunId": "f2"}]));
    assert_eq!(s.failure_streak, 1);
    // Reversed input: the other of each tie wins.
    let mut rev = runs.to_vec();
    rev.reverse();
    let s = summary(&rev, &opts());
    assert_eq!(s.latest.as_ref().map(|x| x.id.as_str()), Some("s1"));
    assert_eq!(s.last_success.as_ref().map(|x| x.id.as_str()), Some("s1"));
    assert_eq!(s.last_failure.as_ref().map(|x| x.id.as_str()), Some("f1"));
    assert_eq!(s.top_errors[0].last_run_id, "f1");
    assert_eq!(s.failure_streak, 0);
}

// SPEC §5 failureStreak: counted back from the most recent terminal run, in createdAt order
// (not input order), in-progress runs skipped.
#[test]
fn spec5_failure_streak() {
    let runs = [
        run("f3", "cancelled", &at(5, 0)),
        run("s", "success", &at(1, 0)),
        run("p1", "processing", &at(6, 0)),
        run("f1", "failed", &at(2, 0)),
        run("q", "queued", &at(3, 12)),
        run("f2", "interrupted", &at(4, 0)),
        run("old-f", "failed", "2023-12-31T00:00:00Z"),
        run("w", "warning", &at(3, 0)),
    ];
    // Recency: p1 (in progress), f3, f2, q (in progress), w (warning), f1, s, old-f.
    assert_eq!(summary(&runs, &opts()).failure_streak, 2);
    // With warningIsFailure, w and f1 extend the streak to s.
    assert_eq!(summary(&runs, &wif()).failure_streak, 4);
    // No succeeded run at all: every terminal run counts.
    let failures: Vec<R> = runs.iter().filter(|r| !r.text().contains("\"success\"")).cloned().collect();
    assert_eq!(summary(&failures, &wif()).failure_streak, 5);
    // The most recent terminal run succeeded: 0.
    let mut ok = runs.to_vec();
    ok.push(run("s-new", "success", &at(5, 12)));
    assert_eq!(summary(&ok, &opts()).failure_streak, 0);
}

// SPEC §5 topErrors: maximal ASCII digit runs → `#`; count desc then pattern in code-point order;
// at most 10; lastMessage/lastRunId from the most recent run of the group.
#[test]
fn spec5_top_errors() {
    let e = |id: &str, day: u32, msg: &str| run(id, "failed", &at(day, 0)).s("error", msg);
    let mut runs = vec![
        e("r1", 3, "Row 12 of 3456 failed"),
        e("r2", 5, "Row 7 of 8 failed"),
        e("r3", 4, "  Row 99 of 100 failed  "),
        e("r4", 1, "HTTP 503: upstream 10.0.0.1"),
        e("r5", 2, "HTTP 502: upstream 10.0.0.22"),
        e("r6", 1, "b"),
        e("r7", 1, "B"),
        e("r8", 1, "é"),
        e("r9", 1, "a1b22c333"),
        // Non-ASCII digits are not digits for the pattern.
        e("r10", 1, "code ٣ / １"),
        // A succeeded run's message counts too; invalid runs and duplicates do not.
        run("r11", "success", &at(1, 0)).s("error", "B"),
        run("r12", "success", &at(1, 0)).s("error", "B").set("querySize", "-1"),
        e("r1", 9, "B"),
    ];
    let s = summary(&runs, &opts());
    assert_eq!(
        val(&s.top_errors),
        json!([
            {"pattern": "Row # of # failed", "count": 3, "lastMessage": "Row 7 of 8 failed", "lastRunId": "r2"},
            {"pattern": "B", "count": 2, "lastMessage": "B", "lastRunId": "r11"},
            {"pattern": "HTTP #: upstream #.#.#.#", "count": 2, "lastMessage": "HTTP 502: upstream 10.0.0.22", "lastRunId": "r5"},
            {"pattern": "a#b#c#", "count": 1, "lastMessage": "a1b22c333", "lastRunId": "r9"},
            {"pattern": "b", "count": 1, "lastMessage": "b", "lastRunId": "r6"},
            {"pattern": "code ٣ / １", "count": 1, "lastMessage": "code ٣ / １", "lastRunId": "r10"},
            {"pattern": "é", "count": 1, "lastMessage": "é", "lastRunId": "r8"}
        ])
    );
    // More than 10 groups: the 10 first in order are kept.
    runs.clear();
    for (i, word) in ["k", "j", "i", "h", "g", "f", "e", "d", "c", "b", "a", "l"].iter().enumerate() {
        runs.push(e(&format!("x{i}"), 1, word));
    }
    runs.push(e("y", 2, "l"));
    let s = summary(&runs, &opts());
    let patterns: Vec<&str> = s.top_errors.iter().map(|t| t.pattern.as_str()).collect();
    assert_eq!(patterns, ["l", "a", "b", "c", "d", "e", "f", "g", "h", "i"]);
    assert_eq!((s.top_errors[0].count, s.top_errors[0].last_run_id.as_str()), (2, "y"));
}

// SPEC §5 daily: one entry per UTC day of createdAt, ascending, with runs/succeeded/failed/
// attemptedRows/failedRows of that day.
#[test]
fn spec5_daily() {
    let runs = [
        run("a", "success", "2024-02-29T23:30:00-01:00").rows("successfulRows", 1, 2, 3),
        run("b", "failed", "2024-02-28T23:59:59.999Z").rows("successfulRows", 0, 0, 0).rows("failedRows", 4, 0, 0),
        run("c", "warning", "2024-03-01T00:00:00Z").rows("failedRows", 0, 1, 0),
        run("d", "querying", "2024-02-29T00:00:00+01:00"),
        run("e", "cancelled", "2024-03-01T12:00:00Z").rows("successfulRows", 0, 0, 0),
    ];
    let expected = json!([
        {"date": "2024-02-28", "runs": 2, "succeeded": 0, "failed": 1, "attemptedRows": 20, "failedRows": 4},
        {"date": "2024-03-01", "runs": 3, "succeeded": 2, "failed": 1, "attemptedRows": 6 + 17, "failedRows": 1}
    ]);
    assert_eq!(val(&summary(&runs, &opts()).daily), expected);
    let mut expected_wif = expected;
    expected_wif[1]["succeeded"] = json!(1);
    expected_wif[1]["failed"] = json!(2);
    assert_eq!(val(&summary(&runs, &wif()).daily), expected_wif);
}

// SPEC §5: duplicates are left out of every figure; the first run with an id counts.
#[test]
fn spec5_duplicates_left_out_first_counts() {
    let runs = [
        run("same", "failed", &at(1, 0)).rows("failedRows", 1, 0, 0).rows("successfulRows", 0, 0, 0),
        run("same", "success", &at(2, 0)),
        run("other", "queued", &at(1, 1)),
    ];
    let s = summary(&runs, &opts());
    assert_eq!((s.records, s.valid, s.duplicates, s.by_status.failed, s.by_status.success), (3, 2, 1, 1, 0));
    // Attempted: 1 failed row of the first "same" + 16 successful rows of "other".
    assert_eq!((s.succeeded, s.failed, s.failure_streak, s.attempted_rows), (0, 1, 1, 17));
    assert_eq!(s.latest.map(|l| l.id), Some("other".to_string()));
    assert_eq!(s.last_created_at.as_deref(), Some("2024-01-01T01:00:00.000Z"));
    assert_eq!(cp(&s.issues), ex(&[("duplicate_id", "/1/id")]));
    assert_eq!(s.warning_count, 1);
}

// SPEC §5: successRate, failureRate and row sums.
#[test]
fn spec5_rates_and_rows() {
    let runs = [
        run("1", "success", &at(1, 0)).rows("plannedRows", 4, 0, 0).rows("successfulRows", 4, 0, 0),
        run("2", "warning", &at(1, 1)).rows("plannedRows", 3, 3, 3).rows("successfulRows", 1, 1, 1).rows(
            "failedRows",
            1,
            1,
            0,
        ),
        run("3", "failed", &at(1, 2)).rows("plannedRows", 0, 0, 0).rows("successfulRows", 0, 0, 0),
    ];
    let s = summary(&runs, &opts());
    assert_eq!(
        val(&s.rows),
        json!({
            "planned": {"added": 7, "changed": 3, "removed": 3, "total": 13},
            "successful": {"added": 5, "changed": 1, "removed": 1, "total": 7},
            "failed": {"added": 1, "changed": 1, "removed": 0, "total": 2}
        })
    );
    assert_eq!((s.attempted_rows, s.skipped_rows), (9, 4));
    assert_eq!(s.failure_rate, Some(2.0 / 9.0));
    assert_eq!(s.success_rate, Some(2.0 / 3.0));
    assert_eq!(summary(&runs, &wif()).success_rate, Some(1.0 / 3.0));
}

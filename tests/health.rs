//! SPEC §9 (health rules, overall status, options) and §9.3 (changes between two judgements).

mod common;

use common::{array, ndjson, opts, stream_chunks, val, R};
use serde_json::json;
use syncrun::health::{check_health, compare_health, Rules, Thresholds};
use syncrun::summary::{LastSuccess, LastTerminal, Stats};
use syncrun::{
    summarize_runs, BatchSummary, Health, HealthChangeKind, HealthCheck, HealthOptions, HealthRule, HealthStatus,
    MisuseCode, SyncRunStatus,
};

use HealthStatus::{Critical, Ok, Unknown, Warning};

/// 2024-06-01T12:00:00.000Z, the instant most checks are judged at.
const NOW: i64 = 1_717_243_200_000;
const HOUR: i64 = 3_600_000;

fn stats(count: u64, p50: i64) -> Stats {
    Stats {
        count,
        min: Some(0),
        p50: Some(p50),
        p90: Some(p50),
        p95: Some(p50),
        p99: Some(p50),
        max: Some(p50),
        mean: Some(p50 as f64),
    }
}

/// A healthy summary: ten successes, the last one finished an hour before NOW, of median
/// duration and size.
fn healthy() -> BatchSummary {
    let finished = syncrun::timestamp::format_timestamp(NOW - HOUR);
    BatchSummary {
        records: 10,
        valid: 10,
        terminal: 10,
        succeeded: 10,
        success_rate: Some(1.0),
        failure_streak: 0,
        duration_ms: stats(10, 1000),
        query_size: stats(10, 100),
        last_success: Some(LastSuccess {
            id: "10".into(),
            created_at: syncrun::timestamp::format_timestamp(NOW - 2 * HOUR),
            finished_at: Some(finished.clone()),
        }),
        last_terminal: Some(LastTerminal {
            id: "10".into(),
            status: SyncRunStatus::Success,
            created_at: syncrun::timestamp::format_timestamp(NOW - 2 * HOUR),
            finished_at: Some(finished),
            duration_ms: Some(1000),
            query_size: 100,
            attempted_rows: 100,
            failed_rows: 0,
            failure_rate: Some(0.0),
        }),
        ..BatchSummary::default()
    }
}

fn at_now() -> HealthOptions {
    HealthOptions { now: NOW, rules: Rules::default() }
}

/// The check of `rule` for `s` with the default rules but `rule`'s thresholds `t` (if given).
fn judge(s: &BatchSummary, rule: HealthRule, t: Option<(f64, f64)>) -> HealthCheck {
    let mut options = at_now();
    if let Some((warning, critical)) = t {
        options.rules.set(rule, Some(Thresholds { warning, critical }));
    }
    let health = check_health(s, &options);
    health.checks.into_iter().find(|c| c.rule == rule).unwrap()
}

fn status_of(s: &BatchSummary, rule: HealthRule, t: Option<(f64, f64)>) -> (HealthStatus, Option<f64>) {
    let c = judge(s, rule, t);
    (c.status, c.value)
}

// SPEC §9.1 failure_streak: value ≥ threshold is bad; defaults 1 / 3.
#[test]
fn spec9_1_failure_streak_thresholds() {
    let with = |n: u64| BatchSummary { failure_streak: n, ..healthy() };
    let want = [(0, Ok), (1, Warning), (2, Warning), (3, Critical), (4, Critical)];
    for (n, status) in want {
        assert_eq!(status_of(&with(n), HealthRule::FailureStreak, None), (status, Some(n as f64)), "streak {n}");
    }
    // Overrides: at, just below and just above each.
    let want = [(1, Ok), (2, Warning), (4, Warning), (5, Critical), (6, Critical)];
    for (n, status) in want {
        assert_eq!(status_of(&with(n), HealthRule::FailureStreak, Some((2.0, 5.0))).0, status, "streak {n}");
    }
    // SPEC §9.1 unknown: no terminal run.
    let none = BatchSummary { terminal: 0, ..healthy() };
    assert_eq!(status_of(&none, HealthRule::FailureStreak, None), (Unknown, None));
}

// SPEC §9.1 success_rate: value < threshold is bad; defaults 0.95 / 0.8.
#[test]
fn spec9_1_success_rate_thresholds() {
    let with = |r: f64| BatchSummary { success_rate: Some(r), ..healthy() };
    let want = [(1.0, Ok), (0.95, Ok), (0.9499, Warning), (0.8, Warning), (0.7999, Critical), (0.0, Critical)];
    for (r, status) in want {
        assert_eq!(status_of(&with(r), HealthRule::SuccessRate, None), (status, Some(r)), "rate {r}");
    }
    let want = [(0.51, Ok), (0.5, Ok), (0.49, Warning), (0.2, Warning), (0.19, Critical)];
    for (r, status) in want {
        assert_eq!(status_of(&with(r), HealthRule::SuccessRate, Some((0.5, 0.2))).0, status, "rate {r}");
    }
    let none = BatchSummary { success_rate: None, ..healthy() };
    assert_eq!(status_of(&none, HealthRule::SuccessRate, None), (Unknown, None));
}

// SPEC §9.1 freshness: now − lastSuccess.finishedAt in ms, at least 0; value > threshold is bad;
// defaults 24 h / 72 h; never succeeded is critical with value null; no valid run unknown.
#[test]
fn spec9_1_freshness_thresholds() {
    let ago = |ms: i64| {
        let mut s = healthy();
        s.last_success.as_mut().unwrap().finished_at = Some(syncrun::timestamp::format_timestamp(NOW - ms));
        s
    };
    let day = 24 * HOUR;
    let want = [(0, Ok), (day - 1, Ok), (day, Ok), (day + 1, Warning), (3 * day, Warning), (3 * day + 1, Critical)];
    for (ms, status) in want {
        assert_eq!(status_of(&ago(ms), HealthRule::Freshness, None), (status, Some(ms as f64)), "{ms} ms");
    }
    // A success that finished after `now` is fresh: the value is at least 0.
    assert_eq!(status_of(&ago(-HOUR), HealthRule::Freshness, None), (Ok, Some(0.0)));
    // Overrides.
    let want = [(HOUR, Ok), (HOUR + 1, Warning), (2 * HOUR, Warning), (2 * HOUR + 1, Critical)];
    for (ms, status) in want {
        let t = Some((HOUR as f64, 2.0 * HOUR as f64));
        assert_eq!(status_of(&ago(ms), HealthRule::Freshness, t).0, status, "{ms} ms");
    }
    let never = BatchSummary { last_success: None, ..healthy() };
    assert_eq!(status_of(&never, HealthRule::Freshness, None), (Critical, None));
    let empty = BatchSummary { valid: 0, last_success: None, ..healthy() };
    assert_eq!(status_of(&empty, HealthRule::Freshness, None), (Unknown, None));
}

fn last_terminal(f: impl FnOnce(&mut LastTerminal)) -> BatchSummary {
    let mut s = healthy();
    f(s.last_terminal.as_mut().unwrap());
    s
}

// SPEC §9.1 row_failure_rate: T.failureRate ≥ threshold is bad; defaults 0.01 / 0.1; ok with
// value null when no rows were attempted; unknown with no terminal run.
#[test]
fn spec9_1_row_failure_rate_thresholds() {
    let with = |r: f64| last_terminal(|t| t.failure_rate = Some(r));
    let want = [(0.0, Ok), (0.0099, Ok), (0.01, Warning), (0.0999, Warning), (0.1, Critical), (1.0, Critical)];
    for (r, status) in want {
        assert_eq!(status_of(&with(r), HealthRule::RowFailureRate, None), (status, Some(r)), "rate {r}");
    }
    let want = [(0.0, Warning), (0.049, Warning), (0.05, Critical)];
    for (r, status) in want {
        assert_eq!(status_of(&with(r), HealthRule::RowFailureRate, Some((0.0, 0.05))).0, status, "rate {r}");
    }
    let no_rows = last_terminal(|t| t.failure_rate = None);
    assert_eq!(status_of(&no_rows, HealthRule::RowFailureRate, None), (Ok, None));
    let no_terminal = BatchSummary { last_terminal: None, ..healthy() };
    assert_eq!(status_of(&no_terminal, HealthRule::RowFailureRate, None), (Unknown, None));
}

// SPEC §9.1 duration: T.durationMs / S.durationMs.p50 > threshold is bad; defaults 3 / 10; float
// division, unrounded; unknown without T, its duration, 5 durations or a non-zero median.
#[test]
fn spec9_1_duration_thresholds() {
    let with = |ms: i64| last_terminal(|t| t.duration_ms = Some(ms));
    let want = [(1000, Ok), (3000, Ok), (3001, Warning), (10_000, Warning), (10_001, Critical)];
    for (ms, status) in want {
        let value = ms as f64 / 1000.0;
        assert_eq!(status_of(&with(ms), HealthRule::Duration, None), (status, Some(value)), "{ms} ms");
    }
    // A ratio no decimal writes exactly: 1001 / 3000.
    let mut s = with(1001);
    s.duration_ms.p50 = Some(3000);
    assert_eq!(judge(&s, HealthRule::Duration, None).value, Some(1001.0 / 3000.0));
    let want = [(1500, Ok), (1501, Warning), (2000, Warning), (2001, Critical)];
    for (ms, status) in want {
        assert_eq!(status_of(&with(ms), HealthRule::Duration, Some((1.5, 2.0))).0, status, "{ms} ms");
    }
    let unknown = [
        BatchSummary { last_terminal: None, ..healthy() },
        last_terminal(|t| t.duration_ms = None),
        BatchSummary { duration_ms: stats(4, 1000), ..healthy() },
        BatchSummary { duration_ms: stats(10, 0), ..healthy() },
    ];
    for s in &unknown {
        assert_eq!(status_of(s, HealthRule::Duration, None), (Unknown, None));
    }
    // Five durations are enough.
    assert_eq!(status_of(&BatchSummary { duration_ms: stats(5, 1000), ..healthy() }, HealthRule::Duration, None).0, Ok);
}

// SPEC §9.1 volume: T.querySize / S.querySize.p50 < threshold is bad; defaults 0.5 / 0.1.
#[test]
fn spec9_1_volume_thresholds() {
    let with = |q: u64| last_terminal(|t| t.query_size = q);
    let want = [(100, Ok), (50, Ok), (49, Warning), (10, Warning), (9, Critical), (0, Critical)];
    for (q, status) in want {
        let value = q as f64 / 100.0;
        assert_eq!(status_of(&with(q), HealthRule::Volume, None), (status, Some(value)), "{q} rows");
    }
    let mut s = with(1);
    s.query_size.p50 = Some(3);
    assert_eq!(judge(&s, HealthRule::Volume, None).value, Some(1.0 / 3.0));
    let want = [(90, Ok), (89, Warning), (70, Warning), (69, Critical)];
    for (q, status) in want {
        assert_eq!(status_of(&with(q), HealthRule::Volume, Some((0.9, 0.7))).0, status, "{q} rows");
    }
    let unknown = [
        BatchSummary { last_terminal: None, ..healthy() },
        BatchSummary { query_size: stats(4, 100), ..healthy() },
        BatchSummary { query_size: stats(10, 0), ..healthy() },
    ];
    for s in &unknown {
        assert_eq!(status_of(s, HealthRule::Volume, None), (Unknown, None));
    }
}

// SPEC §9: one check per enabled rule in the table's order; `false` leaves a rule out; each check
// carries the thresholds in effect.
#[test]
fn spec9_checks_in_order_and_false_rules() {
    let h = check_health(&healthy(), &at_now());
    let rules: Vec<HealthRule> = h.checks.iter().map(|c| c.rule).collect();
    assert_eq!(rules, HealthRule::ALL.to_vec());
    assert_eq!(h.status, Ok);
    let c = &h.checks[2];
    assert_eq!((c.warning, c.critical), (86_400_000.0, 259_200_000.0));
    let mut options = at_now();
    options.rules.set(HealthRule::SuccessRate, None);
    options.rules.set(HealthRule::Volume, None);
    let h = check_health(&healthy(), &options);
    let rules: Vec<HealthRule> = h.checks.iter().map(|c| c.rule).collect();
    assert_eq!(
        rules,
        [HealthRule::FailureStreak, HealthRule::Freshness, HealthRule::RowFailureRate, HealthRule::Duration]
    );
    let none = HealthOptions { now: NOW, rules: Rules([None; 6]) };
    assert_eq!(check_health(&healthy(), &none), Health { status: Unknown, checks: vec![] });
}

// SPEC §9.2: critical if any is critical, else warning if any is, else unknown if all are (or
// there are none), else ok.
#[test]
fn spec9_2_overall_status() {
    let empty = BatchSummary::default();
    let h = check_health(&empty, &at_now());
    assert!(h.checks.iter().all(|c| c.status == Unknown), "{h:?}");
    assert_eq!(h.status, Unknown);
    // Ok and unknown: ok.
    let s = BatchSummary { last_terminal: None, ..healthy() };
    assert_eq!(check_health(&s, &at_now()).status, Ok);
    // A warning among oks and unknowns.
    let s = BatchSummary { failure_streak: 1, last_terminal: None, ..healthy() };
    assert_eq!(check_health(&s, &at_now()).status, Warning);
    // Critical beats warning.
    let s = BatchSummary { failure_streak: 1, success_rate: Some(0.1), ..healthy() };
    assert_eq!(check_health(&s, &at_now()).status, Critical);
    // Valid runs that never succeeded: freshness is critical.
    let s = BatchSummary { last_success: None, ..healthy() };
    assert_eq!(check_health(&s, &at_now()).status, Critical);
}

fn text_of(s: &BatchSummary) -> Vec<u8> {
    syncrun::out::to_json(s).into_bytes()
}

fn health_text(summary: &[u8], options: &str) -> Result<Health, syncrun::Misuse> {
    syncrun::check_health(summary, Some(options.as_bytes()), 0)
}

fn runs_batch() -> Vec<R> {
    (0..12)
        .map(|i| {
            let day = 1 + i / 4;
            let status = if i == 11 { "failed" } else { "success" };
            R::base()
                .s("id", &i.to_string())
                .s("status", status)
                .s("createdAt", &format!("2024-05-{day:02}T{:02}:00:00Z", i % 4))
                .s("startedAt", &format!("2024-05-{day:02}T{:02}:00:10Z", i % 4))
                .s("finishedAt", &format!("2024-05-{day:02}T{:02}:{:02}:10Z", i % 4, 1 + i % 3))
                .set("querySize", &(100 + i).to_string())
                .s("error", if status == "failed" { "boom" } else { "" })
        })
        .collect()
}

// SPEC §9: a summary written as JSON and read back is judged the same as the summary itself;
// a SummaryStream's summary too.
#[test]
fn spec9_summary_read_back_from_json() {
    let runs = runs_batch();
    let s = summarize_runs(array(&runs).as_bytes(), &opts());
    let options = HealthOptions { now: NOW, ..at_now() };
    let direct = check_health(&s, &options);
    assert_eq!(direct.status, Critical, "{direct:?}");
    let read = syncrun::check_health(&text_of(&s), None, NOW).unwrap();
    assert_eq!(read, direct);
    // serde's JSON of the summary (another writer) reads back the same.
    let serde_text = serde_json::to_vec(&s).unwrap();
    assert_eq!(syncrun::check_health(&serde_text, None, NOW).unwrap(), direct);
    let text = ndjson(&runs);
    let streamed = stream_chunks(&[&text.as_bytes()[..100], &text.as_bytes()[100..]], &opts());
    assert_eq!(syncrun::check_health(&text_of(&streamed), None, NOW).unwrap(), direct);
}

// SPEC §9 options: `now` a timestamp or finite milliseconds (fraction dropped); rules override.
#[test]
fn spec9_options_now_and_rules() {
    let s = text_of(&healthy());
    let fresh = |h: &Health| h.checks[2].value;
    // Omitted: the instant handed down (the caller's clock).
    assert_eq!(fresh(&syncrun::check_health(&s, None, NOW).unwrap()), Some(HOUR as f64));
    assert_eq!(fresh(&syncrun::check_health(&s, Some(b"{}"), NOW).unwrap()), Some(HOUR as f64));
    assert_eq!(fresh(&health_text(&s, r#"{"now": "2024-06-01T14:00:00+02:00"}"#).unwrap()), Some(HOUR as f64));
    // A timestamp at millisecond precision (§2.2 truncates), a number with its fraction dropped.
    assert_eq!(fresh(&health_text(&s, r#"{"now": "2024-06-01T12:00:00.0019Z"}"#).unwrap()), Some((HOUR + 1) as f64));
    assert_eq!(fresh(&health_text(&s, r#"{"now": 1717243200001.9}"#).unwrap()), Some((HOUR + 1) as f64));
    let h = health_text(&s, r#"{"now": 1717243200000, "rules": {"freshness": {"warning": 1000}, "volume": false}}"#)
        .unwrap();
    assert_eq!(h.checks.len(), 5);
    assert_eq!((h.checks[2].status, h.checks[2].warning, h.checks[2].critical), (Warning, 1000.0, 259_200_000.0));
    // Equal thresholds are allowed on both sides.
    let h = health_text(&s, r#"{"now": 0, "rules": {"success_rate": {"warning": 0.5, "critical": 0.5}}}"#).unwrap();
    assert_eq!((h.checks[1].warning, h.checks[1].critical), (0.5, 0.5));
}

fn misuse(summary: &[u8], options: &str) -> (MisuseCode, String) {
    let e = health_text(summary, options).unwrap_err();
    (e.code, e.message)
}

// SPEC §9 options errors: invalid_option naming the option, rule or key.
#[test]
fn spec9_bad_options_are_invalid_option() {
    let s = text_of(&healthy());
    let cases = [
        (r#"{"now": null}"#, "now"),
        (r#"{"now": 1e999}"#, "now"),
        (r#"{"now": "2024-06-01T12:00:00"}"#, "now"),
        (r#"{"now": "yesterday"}"#, "now"),
        (r#"{"now": true}"#, "now"),
        (r#"{"now": {}}"#, "now"),
        (r#"{"rules": []}"#, "rules"),
        (r#"{"rules": {"latency": false}}"#, "latency"),
        (r#"{"rules": {"duration": true}}"#, "rules.duration"),
        (r#"{"rules": {"duration": 3}}"#, "rules.duration"),
        (r#"{"rules": {"duration": {"warn": 3}}}"#, "warn"),
        (r#"{"rules": {"duration": {"warning": "3"}}}"#, "rules.duration.warning"),
        (r#"{"rules": {"duration": {"warning": -1}}}"#, "rules.duration.warning"),
        (r#"{"rules": {"duration": {"critical": null}}}"#, "rules.duration.critical"),
        (r#"{"rules": {"duration": {"critical": 1e999}}}"#, "rules.duration.critical"),
        // The pair in effect: a threshold alone is paired with the other's default.
        (r#"{"rules": {"duration": {"warning": 11}}}"#, "rules.duration"),
        (r#"{"rules": {"failure_streak": {"warning": 3, "critical": 2}}}"#, "rules.failure_streak"),
        (r#"{"rules": {"success_rate": {"critical": 0.96}}}"#, "rules.success_rate"),
        (r#"{"rules": {"volume": {"warning": 0.05}}}"#, "rules.volume"),
        ("[]", "options"),
        ("3", "options"),
    ];
    for (options, named) in cases {
        let (code, message) = misuse(&s, options);
        assert_eq!(code, MisuseCode::InvalidOption, "{options}: {message}");
        assert!(message.contains(named), "{options}: {message}");
    }
}

// SPEC §9: a value that is not a BatchSummary is invalid_summary, naming the first wrong key.
#[test]
fn spec9_not_a_summary_is_invalid_summary() {
    let good = val(&healthy());
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = good.clone();
        f(&mut v);
        serde_json::to_vec(&v).unwrap()
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"[]".to_vec(), "summary must be an object"),
        (b"null".to_vec(), "summary must be an object"),
        (b"{\"records\": 1".to_vec(), "summary is not JSON"),
        (b"{}".to_vec(), "summary.records is missing"),
        (with(&|v| v["records"] = json!(-1)), "summary.records must be"),
        (with(&|v| v["valid"] = json!(1.5)), "summary.valid must be"),
        (with(&|v| v["durationMs"]["p50"] = json!("fast")), "summary.durationMs.p50 must be"),
        (with(&|v| v["durationMs"] = json!([])), "summary.durationMs must be an object"),
        (with(&|v| v["byStatus"].as_object_mut().unwrap().clear()), "summary.byStatus.success is missing"),
        (with(&|v| v["successRate"] = json!("1")), "summary.successRate must be a number or null"),
        (with(&|v| v["lastSuccess"]["finishedAt"] = json!("June")), "summary.lastSuccess.finishedAt must be"),
        (with(&|v| v["lastTerminal"]["status"] = json!("done")), "summary.lastTerminal.status must be"),
        (with(&|v| v["lastTerminal"] = json!(1)), "summary.lastTerminal must be an object or null"),
        (
            with(&|v| v["querySize"].as_object_mut().unwrap().remove("mean").map(drop).unwrap()),
            "summary.querySize.mean is missing",
        ),
        (with(&|v| v["issues"] = json!({})), "summary.issues must be an array"),
        (with(&|v| v["issuesTruncated"] = json!(null)), "summary.issuesTruncated must be a boolean"),
        // The first wrong key in §5's order is named.
        (
            with(&|v| {
                v["valid"] = json!(null);
                v["failureStreak"] = json!(null)
            }),
            "summary.valid must be",
        ),
    ];
    for (text, want) in cases {
        let e = syncrun::check_health(&text, None, NOW).unwrap_err();
        assert_eq!(e.code, MisuseCode::InvalidSummary, "{want}: {}", e.message);
        assert!(e.message.starts_with(want), "{want}: {}", e.message);
        // formatMetrics reads summaries the same way (SPEC §10).
        assert_eq!(syncrun::format_metrics(&text, None).unwrap_err(), e);
    }
    // A bad summary is reported before bad options.
    let e = syncrun::check_health(b"{}", Some(br#"{"now": null}"#), NOW).unwrap_err();
    assert_eq!(e.code, MisuseCode::InvalidSummary);
    // Unknown keys are ignored (a summary of a later version with more figures).
    let extra = with(&|v| v["futureFigure"] = json!([1, 2]));
    assert_eq!(syncrun::check_health(&extra, None, NOW).unwrap(), check_health(&healthy(), &at_now()));
}

fn health(status: HealthStatus, checks: &[(HealthRule, HealthStatus)]) -> Health {
    let checks = checks
        .iter()
        .map(|&(rule, status)| HealthCheck {
            rule,
            status,
            value: None,
            warning: 1.0,
            critical: 2.0,
            message: format!("{} is {}", rule.as_str(), status.as_str()),
        })
        .collect();
    Health { status, checks }
}

// SPEC §9.3: every change kind, in current.checks order, then overall; ok ↔ unknown is not
// reported; a rule previous lacks (or no previous) counts as unknown.
#[test]
fn spec9_3_every_change_kind() {
    use HealthChangeKind::{Eased, Escalated, Raised, Resolved};
    use HealthRule::{Duration, FailureStreak, Freshness, RowFailureRate, SuccessRate, Volume};
    let pairs = [
        (Ok, Warning, Some(Raised)),
        (Ok, Critical, Some(Raised)),
        (Unknown, Warning, Some(Raised)),
        (Unknown, Critical, Some(Raised)),
        (Warning, Critical, Some(Escalated)),
        (Critical, Warning, Some(Eased)),
        (Warning, Ok, Some(Resolved)),
        (Critical, Ok, Some(Resolved)),
        (Warning, Unknown, Some(Resolved)),
        (Critical, Unknown, Some(Resolved)),
        (Ok, Unknown, None),
        (Unknown, Ok, None),
        (Ok, Ok, None),
        (Warning, Warning, None),
        (Critical, Critical, None),
        (Unknown, Unknown, None),
    ];
    for (from, to, kind) in pairs {
        assert_eq!(HealthChangeKind::of(from, to), kind, "{from:?} -> {to:?}");
        let previous = health(from, &[(Duration, from)]);
        let current = health(to, &[(Duration, to)]);
        let changes = compare_health(Some(&previous), &current);
        let got: Vec<(&str, HealthChangeKind)> = changes.iter().map(|c| (c.rule.as_str(), c.change)).collect();
        let want: Vec<(&str, HealthChangeKind)> =
            kind.into_iter().flat_map(|k| [("duration", k), ("overall", k)]).collect();
        assert_eq!(got, want, "{from:?} -> {to:?}");
        if let Some(c) = changes.first() {
            assert_eq!((c.from, c.to, c.message.as_str()), (from, to, current.checks[0].message.as_str()));
        }
    }
    // Order: current.checks order; previous's order and extra rules do not matter.
    let previous = health(Warning, &[(Volume, Ok), (Freshness, Warning), (SuccessRate, Critical)]);
    let current = health(
        Critical,
        &[
            (FailureStreak, Critical),
            (SuccessRate, Ok),
            (Freshness, Warning),
            (RowFailureRate, Unknown),
            (Volume, Warning),
        ],
    );
    let changes = compare_health(Some(&previous), &current);
    let got: Vec<(&str, HealthStatus, HealthStatus)> =
        changes.iter().map(|c| (c.rule.as_str(), c.from, c.to)).collect();
    assert_eq!(
        got,
        [
            ("failure_streak", Unknown, Critical),
            ("success_rate", Critical, Ok),
            ("volume", Ok, Warning),
            ("overall", Warning, Critical)
        ]
    );
    let overall = changes.last().unwrap();
    assert_eq!(overall.message, "overall critical: failure_streak");
    // No previous judgement: every bad check is raised, and overall from unknown.
    let changes = compare_health(None, &current);
    let got: Vec<(&str, HealthChangeKind)> = changes.iter().map(|c| (c.rule.as_str(), c.change)).collect();
    assert_eq!(got, [("failure_streak", Raised), ("freshness", Raised), ("volume", Raised), ("overall", Raised)]);
    // The same judgement twice: nothing.
    assert!(compare_health(Some(&current), &current).is_empty());
}

// SPEC §9.3: Health values as JSON text (stored by an earlier run); null previous; anything
// else is invalid_summary.
#[test]
fn spec9_3_compare_read_back() {
    let s = summarize_runs(array(&runs_batch()).as_bytes(), &opts());
    let current = check_health(&s, &at_now());
    let text = syncrun::out::to_json(&current);
    assert_eq!(syncrun::compare_health(b"null", text.as_bytes()).unwrap(), compare_health(None, &current));
    assert!(syncrun::compare_health(text.as_bytes(), text.as_bytes()).unwrap().is_empty());
    let bad = [
        (text.as_bytes(), &b"null"[..], "current must be an object"),
        (b"[]", text.as_bytes(), "previous must be an object"),
        (br#"{"status": "ok"}"#, text.as_bytes(), "previous.checks is missing"),
        (br#"{"status": "fine", "checks": []}"#, text.as_bytes(), "previous.status must be"),
        (br#"{"status": "ok", "checks": [{"rule": "latency"}]}"#, text.as_bytes(), "previous.checks[0].rule must be"),
        (
            br#"{"status": "ok", "checks": [{"rule": "volume", "status": "ok", "value": null, "warning": 1, "critical": 0}, 3]}"#,
            text.as_bytes(),
            "previous.checks[0].message is missing",
        ),
    ];
    for (previous, current, want) in bad {
        let e = syncrun::compare_health(previous, current).unwrap_err();
        assert_eq!(e.code, MisuseCode::InvalidSummary, "{want}: {}", e.message);
        assert!(e.message.starts_with(want), "{want}: {}", e.message);
    }
}

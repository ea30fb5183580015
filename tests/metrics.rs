//! SPEC §10: a BatchSummary (and its Health) as Prometheus text, checked line by line.

mod common;

use common::{array, opts, R};
use syncrun::health::{check_health, Rules};
use syncrun::metrics::format_metrics;
use syncrun::{summarize_runs, BatchSummary, HealthOptions, MisuseCode, SyncRunStatus};

fn hand_batch() -> BatchSummary {
    let runs = [
        // Succeeded: queued 1 s, ran 10.5 s.
        R::base()
            .s("id", "a")
            .s("createdAt", "2024-05-01T00:00:00Z")
            .s("startedAt", "2024-05-01T00:00:01Z")
            .s("finishedAt", "2024-05-01T00:00:11.5Z")
            .rows("plannedRows", 10, 0, 0)
            .rows("successfulRows", 10, 0, 0),
        // Failed: queued 2 s, ran 3 s, 6 of 10 rows, 2 failed, 2 skipped.
        R::base()
            .s("id", "b")
            .s("status", "failed")
            .s("createdAt", "2024-05-01T01:00:00Z")
            .s("startedAt", "2024-05-01T01:00:02Z")
            .s("finishedAt", "2024-05-01T01:00:05Z")
            .rows("plannedRows", 10, 0, 0)
            .rows("successfulRows", 6, 0, 0)
            .rows("failedRows", 2, 0, 0)
            .s("error", "boom"),
        // Queued, the latest run.
        R::base()
            .s("id", "c")
            .s("status", "queued")
            .s("createdAt", "2024-05-01T02:00:00Z")
            .set("startedAt", "null")
            .set("finishedAt", "null")
            .rows("plannedRows", 0, 0, 0)
            .rows("successfulRows", 0, 0, 0),
    ];
    summarize_runs(array(&runs).as_bytes(), &opts())
}

fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

// SPEC §10: every family in the table's order with HELP then TYPE, user labels first (escaped),
// numbers as String(n) writes them, timestamps in seconds, health per rule then overall.
#[test]
fn spec10_every_family_in_order() {
    let s = hand_batch();
    let options = HealthOptions { now: 1_714_532_400_000, rules: Rules::default() }; // 03:00:00Z
    let health = check_health(&s, &options);
    let text = format_metrics(&s, &labels(&[("sync", "orders"), ("env", "prod \"eu\"")]), Some(&health));
    let l = r#"sync="orders",env="prod \"eu\"""#;
    let want = format!(
        r#"# HELP syncrun_records Records read, valid or not.
# TYPE syncrun_records gauge
syncrun_records{{{l}}} 3
# HELP syncrun_valid_runs Valid runs, duplicates left out.
# TYPE syncrun_valid_runs gauge
syncrun_valid_runs{{{l}}} 3
# HELP syncrun_invalid_records Records with errors.
# TYPE syncrun_invalid_records gauge
syncrun_invalid_records{{{l}}} 0
# HELP syncrun_duplicate_runs Valid runs whose id was seen before.
# TYPE syncrun_duplicate_runs gauge
syncrun_duplicate_runs{{{l}}} 0
# HELP syncrun_runs Valid runs by status.
# TYPE syncrun_runs gauge
syncrun_runs{{{l},status="success"}} 1
syncrun_runs{{{l},status="warning"}} 0
syncrun_runs{{{l},status="failed"}} 1
syncrun_runs{{{l},status="cancelled"}} 0
syncrun_runs{{{l},status="interrupted"}} 0
syncrun_runs{{{l},status="queued"}} 1
syncrun_runs{{{l},status="querying"}} 0
syncrun_runs{{{l},status="processing"}} 0
syncrun_runs{{{l},status="reporting"}} 0
# HELP syncrun_success_ratio Succeeded runs / terminal runs.
# TYPE syncrun_success_ratio gauge
syncrun_success_ratio{{{l}}} 0.5
# HELP syncrun_failure_streak Terminal runs that did not succeed, counted back from the most recent one.
# TYPE syncrun_failure_streak gauge
syncrun_failure_streak{{{l}}} 1
# HELP syncrun_rows Rows of the valid runs by kind.
# TYPE syncrun_rows gauge
syncrun_rows{{{l},kind="attempted"}} 18
syncrun_rows{{{l},kind="failed"}} 2
syncrun_rows{{{l},kind="skipped"}} 2
# HELP syncrun_run_duration_seconds Run durations, finishedAt - startedAt.
# TYPE syncrun_run_duration_seconds summary
syncrun_run_duration_seconds{{{l},quantile="0.5"}} 3
syncrun_run_duration_seconds{{{l},quantile="0.9"}} 10.5
syncrun_run_duration_seconds{{{l},quantile="0.95"}} 10.5
syncrun_run_duration_seconds{{{l},quantile="0.99"}} 10.5
syncrun_run_duration_seconds_sum{{{l}}} 13.5
syncrun_run_duration_seconds_count{{{l}}} 2
# HELP syncrun_queue_duration_seconds Time runs waited, startedAt - createdAt.
# TYPE syncrun_queue_duration_seconds summary
syncrun_queue_duration_seconds{{{l},quantile="0.5"}} 1
syncrun_queue_duration_seconds{{{l},quantile="0.9"}} 2
syncrun_queue_duration_seconds{{{l},quantile="0.95"}} 2
syncrun_queue_duration_seconds{{{l},quantile="0.99"}} 2
syncrun_queue_duration_seconds_sum{{{l}}} 3
syncrun_queue_duration_seconds_count{{{l}}} 2
# HELP syncrun_last_success_timestamp_seconds finishedAt of the most recent succeeded run.
# TYPE syncrun_last_success_timestamp_seconds gauge
syncrun_last_success_timestamp_seconds{{{l}}} 1714521611.5
# HELP syncrun_last_failure_timestamp_seconds finishedAt of the most recent terminal run that did not succeed.
# TYPE syncrun_last_failure_timestamp_seconds gauge
syncrun_last_failure_timestamp_seconds{{{l}}} 1714525205
# HELP syncrun_latest_run_timestamp_seconds createdAt of the most recent run.
# TYPE syncrun_latest_run_timestamp_seconds gauge
syncrun_latest_run_timestamp_seconds{{{l}}} 1714528800
# HELP syncrun_health_status Health per rule and overall: 0 ok, 1 warning, 2 critical, 3 unknown.
# TYPE syncrun_health_status gauge
syncrun_health_status{{{l},rule="failure_streak"}} 1
syncrun_health_status{{{l},rule="success_rate"}} 2
syncrun_health_status{{{l},rule="freshness"}} 0
syncrun_health_status{{{l},rule="row_failure_rate"}} 2
syncrun_health_status{{{l},rule="duration"}} 3
syncrun_health_status{{{l},rule="volume"}} 3
syncrun_health_status{{{l},rule="overall"}} 2
"#
    );
    assert_eq!(text, want);
}

/// The sample lines of `text` (no comments).
fn samples(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.starts_with('#')).collect()
}

// SPEC §10: an empty batch: counts 0, null samples left out (their HELP/TYPE stay), summaries with
// only `_sum 0` and `_count 0`; no labels: no braces; without health no health family; ends "\n".
#[test]
fn spec10_empty_batch() {
    let s = summarize_runs(b"[]", &opts());
    let text = format_metrics(&s, &[], None);
    assert!(text.ends_with("# TYPE syncrun_latest_run_timestamp_seconds gauge\n"), "{text}");
    assert!(!text.contains("\n\n"));
    assert!(!text.contains("syncrun_health_status"));
    assert!(text.lines().all(|l| !l.contains("{,") && !l.contains("{}")), "{text}");
    assert_eq!(text.matches("# HELP ").count(), 13);
    assert_eq!(text.matches("# TYPE ").count(), 13);
    let mut want =
        vec!["syncrun_records 0", "syncrun_valid_runs 0", "syncrun_invalid_records 0", "syncrun_duplicate_runs 0"];
    let statuses = SyncRunStatus::ALL.map(|st| format!("syncrun_runs{{status=\"{}\"}} 0", st.as_str()));
    want.extend(statuses.iter().map(String::as_str));
    want.extend([
        "syncrun_failure_streak 0",
        "syncrun_rows{kind=\"attempted\"} 0",
        "syncrun_rows{kind=\"failed\"} 0",
        "syncrun_rows{kind=\"skipped\"} 0",
        "syncrun_run_duration_seconds_sum 0",
        "syncrun_run_duration_seconds_count 0",
        "syncrun_queue_duration_seconds_sum 0",
        "syncrun_queue_duration_seconds_count 0",
    ]);
    assert_eq!(samples(&text), want);
}

// SPEC §10: a batch with no durations (runs still queued or querying) has only `_sum 0` and
// `_count 0` for run durations, while queue durations have their quantiles.
#[test]
fn spec10_batch_without_durations() {
    let runs = [
        R::base()
            .s("id", "q")
            .s("status", "querying")
            .s("createdAt", "2024-05-01T00:00:00Z")
            .s("startedAt", "2024-05-01T00:00:00.25Z")
            .set("finishedAt", "null"),
        R::base().s("id", "r").s("status", "queued").set("startedAt", "null").set("finishedAt", "null"),
    ];
    let s = summarize_runs(array(&runs).as_bytes(), &opts());
    assert_eq!(s.duration_ms.count, 0);
    let text = format_metrics(&s, &[], None);
    let lines = samples(&text);
    let of = |prefix: &str| lines.iter().copied().filter(|l| l.starts_with(prefix)).collect::<Vec<_>>();
    assert_eq!(
        of("syncrun_run_duration_seconds"),
        ["syncrun_run_duration_seconds_sum 0", "syncrun_run_duration_seconds_count 0"]
    );
    assert_eq!(
        of("syncrun_queue_duration_seconds"),
        [
            "syncrun_queue_duration_seconds{quantile=\"0.5\"} 0.25",
            "syncrun_queue_duration_seconds{quantile=\"0.9\"} 0.25",
            "syncrun_queue_duration_seconds{quantile=\"0.95\"} 0.25",
            "syncrun_queue_duration_seconds{quantile=\"0.99\"} 0.25",
            "syncrun_queue_duration_seconds_sum 0.25",
            "syncrun_queue_duration_seconds_count 1",
        ]
    );
    // No terminal run: no success ratio, no last success or failure; the latest run is there.
    assert!(of("syncrun_success_ratio").is_empty());
    assert!(of("syncrun_last_").is_empty());
    assert_eq!(of("syncrun_latest_run_timestamp_seconds"), ["syncrun_latest_run_timestamp_seconds 1714521600"]);
}

// SPEC §10: label values escaped as the format says (`\\`, `\"`, `\n`), other text as it is;
// user labels first, in the order given.
#[test]
fn spec10_label_values_escaped() {
    let s = summarize_runs(b"[]", &opts());
    let text = format_metrics(&s, &labels(&[("z", "a\\b\"c\nd\te é"), ("_a", "")]), None);
    let first = samples(&text)[0];
    assert_eq!(first, "syncrun_records{z=\"a\\\\b\\\"c\\nd\te é\",_a=\"\"} 0");
    assert!(text.contains("syncrun_runs{z=\"a\\\\b\\\"c\\nd\te é\",_a=\"\",status=\"success\"} 0\n"));
}

// SPEC §10: label names Prometheus forbids, or the families' own, are invalid_option.
#[test]
fn spec10_bad_label_names_are_invalid_option() {
    let s = syncrun::out::to_json(&summarize_runs(b"[]", &opts()));
    let ok = |name: &str| {
        syncrun::format_metrics(s.as_bytes(), Some(format!(r#"{{"labels": {{"{name}": "x"}}}}"#).as_bytes()))
    };
    for name in ["a", "_", "sync_id", "A9", "_x__y", "statuses", "Rule"] {
        assert!(ok(name).is_ok(), "{name}");
    }
    for name in ["", "9a", "a-b", "a.b", "é", "__name__", "__x", "status", "kind", "quantile", "rule", "a b"] {
        let e = ok(name).unwrap_err();
        assert_eq!(e.code, MisuseCode::InvalidOption, "{name}: {}", e.message);
        assert!(e.message.contains(&format!("\"{name}\"")), "{name}: {}", e.message);
    }
    let bad = [r#"{"labels": {"sync": 1}}"#, r#"{"labels": ["sync"]}"#, r#"{"labels": "sync=a"}"#, "[]"];
    for options in bad {
        let e = syncrun::format_metrics(s.as_bytes(), Some(options.as_bytes())).unwrap_err();
        assert_eq!(e.code, MisuseCode::InvalidOption, "{options}: {}", e.message);
    }
    // A health option that is not a Health is invalid_summary (SPEC §9.3).
    let e = syncrun::format_metrics(s.as_bytes(), Some(br#"{"health": {"status": "ok", "checks": [1]}}"#)).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (MisuseCode::InvalidSummary, "options.health.checks[0] must be an object")
    );
}

// SPEC §10: the text entry point gives what the typed one gives, labels in the order given.
#[test]
fn spec10_read_back_options() {
    let s = hand_batch();
    let health = check_health(&s, &HealthOptions { now: 0, rules: Rules::default() });
    let options = format!(r#"{{"labels": {{"b": "1", "a": "2"}}, "health": {}}}"#, syncrun::out::to_json(&health));
    let text = syncrun::format_metrics(syncrun::out::to_json(&s).as_bytes(), Some(options.as_bytes())).unwrap();
    assert_eq!(text, format_metrics(&s, &labels(&[("b", "1"), ("a", "2")]), Some(&health)));
    assert!(text.contains("syncrun_records{b=\"1\",a=\"2\"} 3\n"));
}

// SPEC §10: the options are read in one pass with their `health`, and what is wrong is reported
// as when `health` was read in a second one: text that is not JSON first (wherever it breaks),
// then the labels, then the health; a `health` given twice counts the first time.
#[test]
fn spec10_options_health_read_with_the_labels() {
    let s = hand_batch();
    let summary = syncrun::out::to_json(&s);
    let health = syncrun::out::to_json(&check_health(&s, &HealthOptions { now: 0, rules: Rules::default() }));
    let run = |options: String| syncrun::format_metrics(summary.as_bytes(), Some(options.as_bytes()));
    let bad_health = r#"{"status": "ok", "checks": [1]}"#;
    let e = run(format!(r#"{{"health": {bad_health}, "labels": {{"a": 1}}}}"#)).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (MisuseCode::InvalidOption, "label a must have a string value"));
    let e = run(format!(r#"{{"health": {bad_health}, "labels": {{"a": "1"}}}}"#)).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (MisuseCode::InvalidSummary, "options.health.checks[0] must be an object")
    );
    let e = run(format!(r#"{{"health": {bad_health}, "labels": {{"a": "1"}},}}"#)).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (MisuseCode::InvalidOption, "options is not JSON"));
    let e = run(format!(r#"{{"health": {health}, "health": {bad_health} "#)).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (MisuseCode::InvalidOption, "options is not JSON"));
    let first = run(format!(r#"{{"health": {health}, "health": {bad_health}}}"#)).unwrap();
    assert_eq!(
        first,
        format_metrics(&s, &[], Some(&check_health(&s, &HealthOptions { now: 0, rules: Rules::default() })))
    );
    let null = run(r#"{"health": null, "health": 1}"#.to_string()).unwrap();
    assert_eq!(null, format_metrics(&s, &[], None));
}

//! SPEC §9, §10: summaries and Health values read back from JSON text in any member order,
//! with unknown and repeated keys, judged exactly as the values they came from.

mod common;

use common::{array, opts, R};
use serde_json::{json, Value};
use syncrun::health::{check_health, Rules};
use syncrun::{summarize_runs, HealthOptions, MisuseCode};

/// 2024-06-01T12:00:00.000Z.
const NOW: i64 = 1_717_243_200_000;

fn summary() -> syncrun::BatchSummary {
    let runs: Vec<R> = (0..8)
        .map(|i| {
            let status = if i == 7 { "failed" } else { "success" };
            R::base()
                .s("id", &i.to_string())
                .s("status", status)
                .s("createdAt", &format!("2024-05-0{}T10:00:00Z", 1 + i))
                .s("startedAt", &format!("2024-05-0{}T10:00:10Z", 1 + i))
                .s("finishedAt", &format!("2024-05-0{}T10:0{}:10Z", 1 + i, 1 + i % 3))
                .set("querySize", &(100 + i).to_string())
        })
        .collect();
    summarize_runs(array(&runs).as_bytes(), &opts())
}

fn at_now() -> HealthOptions {
    HealthOptions { now: NOW, rules: Rules::default() }
}

/// The members of `v` (an object) in reverse order, recursively.
fn reversed(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let parts: Vec<String> = m.iter().rev().map(|(k, v)| format!("{}:{}", json!(k), reversed(v))).collect();
            format!("{{{}}}", parts.join(","))
        }
        other => other.to_string(),
    }
}

// SPEC §9: the members of a summary may come in any order; the first of a repeated key counts
// (as everywhere in the package); unknown keys, however deep, are skipped.
#[test]
fn spec9_summary_in_any_order_with_repeated_and_unknown_keys() {
    let s = summary();
    let direct = check_health(&s, &at_now());
    let v: Value = serde_json::from_str(&syncrun::out::to_json(&s)).unwrap();
    let text = reversed(&v);
    assert_eq!(syncrun::check_health(text.as_bytes(), None, NOW).unwrap(), direct);
    assert_eq!(
        syncrun::format_metrics(text.as_bytes(), None).unwrap(),
        syncrun::metrics::format_metrics(&s, &[], None)
    );
    // A repeated key: the first counts, the second (wrong) is not read.
    let inner = syncrun::out::to_json(&s);
    let repeated = format!(
        r#"{{"failureStreak": 0, "future": {{"a": [1, {{"b": null}}]}}, {}, "failureStreak": "x"}}"#,
        &inner[1..inner.len() - 1]
    );
    let mut want = s.clone();
    want.failure_streak = 0;
    assert_eq!(syncrun::check_health(repeated.as_bytes(), None, NOW).unwrap(), check_health(&want, &at_now()));
}

// SPEC §9: the first wrong key is named in §5's order, not the text's; anything that is not
// JSON is reported as such before any wrong key.
#[test]
fn spec9_first_wrong_key_in_spec_order_whatever_the_text_order() {
    let mut v: Value = serde_json::from_str(&syncrun::out::to_json(&summary())).unwrap();
    v["durationMs"]["p50"] = json!("slow");
    v["records"] = json!(-1);
    let text = reversed(&v);
    let e = syncrun::check_health(text.as_bytes(), None, NOW).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (MisuseCode::InvalidSummary, "summary.records must be a whole number ≥ 0")
    );
    v["records"] = json!(1);
    let e = syncrun::check_health(reversed(&v).as_bytes(), None, NOW).unwrap_err();
    assert_eq!(e.message, "summary.durationMs.p50 must be a whole number or null");
    let broken = format!("{} x", reversed(&v));
    let e = syncrun::check_health(broken.as_bytes(), None, NOW).unwrap_err();
    assert_eq!(e.message, "summary is not JSON");
}

// SPEC §9.3: a check whose rule was checked before is named by its rule, even when a later
// member of it is wrong too; a non-finite value in formatMetrics' health is not a number.
#[test]
fn spec9_3_repeated_rule_and_non_finite_health_values() {
    let h = check_health(&summary(), &at_now());
    let mut v: Value = serde_json::from_str(&syncrun::out::to_json(&h)).unwrap();
    let mut again = v["checks"][0].clone();
    again["status"] = json!("fine");
    v["checks"].as_array_mut().unwrap().push(again);
    let n = v["checks"].as_array().unwrap().len() - 1;
    let e = syncrun::compare_health(b"null", v.to_string().as_bytes()).unwrap_err();
    assert_eq!(e.message, format!("current.checks[{n}].rule must be a rule not checked before in the list"));
    // 1e999 is how the package's JS boundary writes NaN and ±Infinity: not a number here.
    let mut v: Value = serde_json::from_str(&syncrun::out::to_json(&h)).unwrap();
    v["checks"][0]["value"] = json!("INF");
    let options = format!(r#"{{"health": {}}}"#, v).replace(r#""INF""#, "1e999");
    let s = syncrun::out::to_json(&summary());
    let e = syncrun::format_metrics(s.as_bytes(), Some(options.as_bytes())).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (MisuseCode::InvalidSummary, "options.health.checks[0].value must be a number or null")
    );
    // The first `health` of the options counts; null is none.
    let twice = format!(r#"{{"health": null, "health": {}}}"#, v);
    assert!(!syncrun::format_metrics(s.as_bytes(), Some(twice.as_bytes())).unwrap().contains("syncrun_health_status"));
}

//! The project's payloads in the shapes real code produces (tests/data/README.md): what SPEC
//! says each must give (§1 envelopes, §2 fields, §3 issues, §5 figures).

mod common;

use common::{cp, ex, opts, val};
use serde_json::json;
use syncrun::{normalize_runs, summarize_runs, Options, UnknownFields};

const CURRENT: &str = include_str!("data/hightouch-current-numeric-ids.json");
const STRING_IDS: &str = include_str!("data/hightouch-2023-string-ids.json");
const NUMERIC_ID: &str = include_str!("data/numeric-id-no-has-more.json");
const OFF_SPEC: &str = include_str!("data/off-spec-stub.json");
const LEGACY: &str = include_str!("data/legacy-row-keys.json");

// SPEC §1 envelope, §2 numeric ids, §3.2 started_before_created: 2 valid runs, 1 warning.
#[test]
fn fixture_current_numeric_ids() {
    let out = normalize_runs(CURRENT.as_bytes(), &opts());
    assert_eq!(
        (out.counts.records, out.counts.valid, out.counts.invalid, out.counts.duplicates, out.counts.has_more),
        (2, 2, 0, 0, Some(false))
    );
    assert_eq!(cp(&out.issues), ex(&[("started_before_created", "/data/1/startedAt")]));
    assert_eq!((out.counts.error_count, out.counts.warning_count), (0, 1));
    assert_eq!(
        val(&out.runs[0]),
        json!({
            "id": "7001",
            "status": "success",
            "createdAt": "2023-05-16T08:20:31.105Z",
            "startedAt": "2023-05-16T08:20:31.105Z",
            "finishedAt": "2023-05-16T08:20:39.870Z",
            "completionRatio": 0.54,
            "querySize": 512,
            "plannedRows": {"addedCount": 512, "changedCount": 0, "removedCount": 0},
            "successfulRows": {"addedCount": 512, "changedCount": 0, "removedCount": 0},
            "failedRows": {"addedCount": 0, "changedCount": 0, "removedCount": 0},
            "error": null
        })
    );
    assert_eq!(out.runs[1].id, "7002");
}

// SPEC §5 on the same payload: durations, a null (negative) queue time, rows.
#[test]
fn fixture_current_summary() {
    let s = summarize_runs(CURRENT.as_bytes(), &opts());
    assert_eq!((s.records, s.valid, s.succeeded, s.terminal, s.success_rate), (2, 2, 2, 2, Some(1.0)));
    // 08:20:31.105 → 08:20:39.870 and 08:20:31.105 → 09:45:40.014.
    assert_eq!((s.duration_ms.count, s.duration_ms.min, s.duration_ms.max), (2, Some(8765), Some(5_108_909)));
    // The second run started before it was created: its queue time is left out.
    assert_eq!((s.queued_ms.count, s.queued_ms.max), (1, Some(0)));
    assert_eq!(
        (s.rows.planned.total, s.rows.successful.total, s.attempted_rows, s.skipped_rows),
        (1010, 1010, 1010, 0)
    );
    assert_eq!(s.latest.map(|l| l.id), Some("7002".to_string()));
    assert_eq!(s.failure_rate, Some(0.0));
    assert_eq!(s.has_more, Some(false));
}

// SPEC §2 id: string ids give the same normalized runs as numeric ones.
#[test]
fn fixture_2023_string_ids() {
    let out = normalize_runs(STRING_IDS.as_bytes(), &opts());
    assert_eq!((out.counts.records, out.counts.valid, out.counts.invalid), (2, 2, 0));
    assert_eq!(cp(&out.issues), ex(&[("started_before_created", "/data/1/startedAt")]));
    assert_eq!(out.runs, normalize_runs(CURRENT.as_bytes(), &opts()).runs);
}

// SPEC §1 envelope without hasMore → null; planned rows not reconciled on success is no issue.
#[test]
fn fixture_numeric_id_no_has_more() {
    let out = normalize_runs(NUMERIC_ID.as_bytes(), &opts());
    assert_eq!((out.counts.records, out.counts.valid, out.counts.invalid, out.counts.has_more), (1, 1, 0, None));
    assert!(out.issues.is_empty(), "{:?}", out.issues);
    assert_eq!(out.runs[0].id, "987654321");
    assert_eq!(val(&out.runs[0])["completionRatio"], json!(1));
    let s = summarize_runs(NUMERIC_ID.as_bytes(), &opts());
    assert_eq!((s.attempted_rows, s.skipped_rows, s.failure_rate, s.has_more), (0, 5, None, None));
    assert_eq!((s.duration_ms.p50, s.queued_ms.p50), (Some(2339), Some(284)));
}

// SPEC §2 / §3.1: "SUCCESS" is accepted, ratio 100 is invalid_number, missing fields reported in
// §3.3 order.
#[test]
fn fixture_off_spec_stub() {
    let out = normalize_runs(OFF_SPEC.as_bytes(), &opts());
    assert_eq!((out.counts.records, out.counts.valid, out.counts.invalid), (1, 0, 1));
    assert_eq!(
        cp(&out.issues),
        ex(&[
            ("missing_field", "/data/0/createdAt"),
            ("missing_field", "/data/0/startedAt"),
            ("missing_field", "/data/0/finishedAt"),
            ("invalid_number", "/data/0/completionRatio"),
            ("missing_field", "/data/0/querySize"),
            ("missing_field", "/data/0/plannedRows"),
        ])
    );
    assert!(out.runs.is_empty());
}

// SPEC §2 / §3.1: legacy added/changed/removed keys — missing_field for each count; with
// unknownFields "error", the legacy keys and syncId are unknown_field after each object's counts.
#[test]
fn fixture_legacy_row_keys() {
    let out = normalize_runs(LEGACY.as_bytes(), &opts());
    assert_eq!((out.counts.records, out.counts.valid, out.counts.invalid), (1, 0, 1));
    let mut expected = Vec::new();
    for kind in ["plannedRows", "successfulRows", "failedRows"] {
        for op in ["addedCount", "changedCount", "removedCount"] {
            expected.push(("missing_field".to_string(), format!("/data/0/{kind}/{op}")));
        }
    }
    assert_eq!(cp(&out.issues), expected);

    let strict = Options { unknown_fields: Some(UnknownFields::Error), ..opts() };
    let out = normalize_runs(LEGACY.as_bytes(), &strict);
    let mut expected = Vec::new();
    for kind in ["plannedRows", "successfulRows", "failedRows"] {
        for op in ["addedCount", "changedCount", "removedCount"] {
            expected.push(("missing_field".to_string(), format!("/data/0/{kind}/{op}")));
        }
        for op in ["added", "changed", "removed"] {
            expected.push(("unknown_field".to_string(), format!("/data/0/{kind}/{op}")));
        }
    }
    expected.push(("unknown_field".to_string(), "/data/0/syncId".to_string()));
    assert_eq!(cp(&out.issues), expected);
}

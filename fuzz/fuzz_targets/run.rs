//! Single runs (SPEC §2, §3, §4): `validate_run`, `normalize_run` and `summarize_run` on any
//! bytes agree on validity and issues, never panic, and normalizing is idempotent.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use syncrun::{normalize_run, normalize_runs, summarize_run, validate_run, Format, Options, UnknownFields};

fuzz_target!(|data: &[u8]| {
    let Some((&first, text)) = data.split_first() else { return };
    let options = common::options(first);

    let v = validate_run(text, &options);
    let n = normalize_run(text, &options);
    let s = summarize_run(text, &options);
    assert_eq!(v.valid, n.valid, "validate_run and normalize_run disagree");
    assert_eq!(v.valid, s.valid, "validate_run and summarize_run disagree");
    assert_eq!(v.issues, n.issues, "validate_run and normalize_run issues differ");
    assert_eq!(v.issues, s.issues, "validate_run and summarize_run issues differ");
    assert_eq!(v.valid, common::errors(&v.issues) == 0, "valid iff no error issue");
    assert!(!v.issues.is_empty() || v.valid, "an invalid run without an issue");
    assert_eq!(n.run.is_some(), n.valid);
    assert_eq!(s.summary.is_some(), s.valid);
    for i in &v.issues {
        assert_eq!(i.severity, i.code.severity());
        assert!(i.path.is_empty() || i.path.starts_with('/'), "path {:?}", i.path);
        assert!(i.code.as_str() != "duplicate_id", "duplicate_id outside a batch");
    }
    if !v.valid {
        return;
    }
    // Warnings are only looked for in runs without errors (SPEC §3.2).
    assert_eq!(common::warnings(&v.issues), v.issues.len());
    let (Some(run), Some(summary)) = (&n.run, &s.summary) else { return };
    assert_eq!(summary.issues, v.issues, "the run summary's issues are the run's warnings");
    assert_eq!(summary.id, run.id);
    assert_eq!(summary.status, run.status);

    // Idempotent: the normalized run is valid, with the same warnings, and normalizes to itself.
    let single = Options { max_bytes: None, ..options.clone() };
    let json = serde_json::to_string(run).expect("a normalized run serializes");
    let again = normalize_run(json.as_bytes(), &single);
    assert!(again.valid, "normalized run {json} is not valid: {:?}", again.issues);
    assert_eq!(
        common::placeless(&again.issues),
        common::placeless(&n.issues),
        "normalizing changed the warnings of {json}"
    );
    assert_eq!(
        serde_json::to_value(&again.run).ok(),
        serde_json::to_value(&n.run).ok(),
        "normalizing a normalized run changed it: {json}"
    );
    let pretty = serde_json::to_string_pretty(run).expect("a normalized run serializes");
    let again = normalize_run(pretty.as_bytes(), &single);
    assert_eq!(serde_json::to_value(&again.run).ok(), serde_json::to_value(&n.run).ok(), "pretty text differs");

    // The same run as a batch of one gives the same run and warnings.
    if options.unknown_fields() != UnknownFields::Keep {
        let batch = normalize_runs(json.as_bytes(), &Options { format: Some(Format::Json), ..single });
        assert_eq!((batch.counts.records, batch.counts.valid), (1, 1), "a valid run read as a batch: {json}");
        assert_eq!(
            serde_json::to_value(&batch.runs).ok(),
            serde_json::to_value(vec![run]).ok(),
            "a valid run read as a batch changed"
        );
    }
});

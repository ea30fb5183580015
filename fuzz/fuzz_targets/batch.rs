//! Text batches (SPEC §1, §3, §5, §8): `summarize_runs` and `normalize_runs` on any bytes, with
//! options from the first byte. Neither may panic or hang, both must account for every record
//! the same way, and every run `normalize_runs` hands out must be valid again on its own.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use syncrun::{normalize_run, normalize_runs, summarize_runs, Format, Options, UnknownFields};

fuzz_target!(|data: &[u8]| {
    let Some((&first, text)) = data.split_first() else { return };
    let options = common::options(first);

    let n = normalize_runs(text, &options);
    common::check_counts("normalize_runs", &options, &n.counts, &n.issues, n.issues_truncated);
    assert_eq!(n.runs.len() as u64, n.counts.valid, "runs.len() != valid");

    let s = summarize_runs(text, &options);
    common::check_counts("summarize_runs", &options, &s.counts(), &s.issues, s.issues_truncated);
    // Both functions read the batch the same way.
    assert_eq!(
        s.counts(),
        n.counts,
        "summarize_runs and normalize_runs disagree on counts"
    );
    assert_eq!(s.issues, n.issues, "summarize_runs and normalize_runs disagree on issues");
    assert_eq!(s.issues_truncated, n.issues_truncated);
    let b = &s.by_status;
    let by_status = b.success
        + b.warning
        + b.failed
        + b.cancelled
        + b.interrupted
        + b.queued
        + b.querying
        + b.processing
        + b.reporting;
    assert_eq!(by_status, s.valid, "byStatus does not add up to valid");
    assert_eq!(s.terminal + s.in_progress, s.valid, "terminal + inProgress != valid");

    // Every normalized run is valid again on its own, normalizes to itself, and has a unique id.
    let single = Options { max_bytes: None, format: None, ..options.clone() };
    let mut ids = std::collections::HashSet::new();
    for run in &n.runs {
        assert!(ids.insert(run.id.clone()), "normalize_runs kept two runs with id {:?}", run.id);
        let json = serde_json::to_string(run).expect("a normalized run serializes");
        let again = normalize_run(json.as_bytes(), &single);
        assert!(again.valid, "normalized run {json} is not valid: {:?}", again.issues);
        assert_eq!(common::errors(&again.issues), 0, "normalized run {json} has errors");
        assert_eq!(
            serde_json::to_value(&again.run).ok(),
            serde_json::to_value(Some(run)).ok(),
            "normalizing a normalized run changed it: {json}"
        );
    }

    // The normalized runs, as a batch of their own, are read back unchanged and in order.
    if !n.runs.is_empty() && options.unknown_fields() != UnknownFields::Keep {
        let text = serde_json::to_string(&n.runs).expect("runs serialize");
        let back = normalize_runs(text.as_bytes(), &Options { format: Some(Format::Json), max_bytes: None, ..single });
        assert_eq!(back.runs.len(), n.runs.len(), "re-reading the normalized runs lost some");
        assert_eq!(back.counts.invalid + back.counts.duplicates, 0);
        assert_eq!(
            serde_json::to_value(&back.runs).ok(),
            serde_json::to_value(&n.runs).ok(),
            "re-reading the normalized runs changed them"
        );
    }
});

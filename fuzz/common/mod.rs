//! Shared by the fuzz targets: options from one byte and the invariants every result keeps.
#![allow(dead_code)]

use syncrun::{Format, Issue, Options, RecordCounts, Severity, UnknownFields};

/// Options derived from one byte, so that the fuzzer explores every combination.
pub fn options(b: u8) -> Options {
    Options {
        unknown_fields: match b & 3 {
            0 => None,
            1 => Some(UnknownFields::Strip),
            2 => Some(UnknownFields::Keep),
            _ => Some(UnknownFields::Error),
        },
        format: match (b >> 2) & 3 {
            0 => None,
            1 => Some(Format::Auto),
            2 => Some(Format::Json),
            _ => Some(Format::Ndjson),
        },
        warning_is_failure: if b & 0x10 != 0 { Some(true) } else { None },
        max_issues: match (b >> 5) & 3 {
            0 => None,
            1 => Some(0),
            2 => Some(1),
            _ => Some(5),
        },
        // Small enough that the fuzzer reaches it (inputs are at most 64 KiB).
        max_bytes: if b & 0x80 != 0 { Some(512) } else { None },
        from_value: false,
    }
}

/// Issues without line and column, to compare the issues of two texts of the same run (SPEC §3:
/// positions are each text's own).
pub fn placeless(issues: &[Issue]) -> Vec<Issue> {
    issues.iter().map(|i| Issue { line: None, column: None, ..i.clone() }).collect()
}

pub fn errors(issues: &[Issue]) -> usize {
    issues.iter().filter(|i| i.severity == Severity::Error).count()
}

pub fn warnings(issues: &[Issue]) -> usize {
    issues.iter().filter(|i| i.severity == Severity::Warning).count()
}

/// The counting invariants of every batch result (SPEC §3, §5, §8).
pub fn check_counts(what: &str, options: &Options, counts: &RecordCounts, issues: &[Issue], truncated: bool) {
    let RecordCounts { records, valid, invalid, duplicates, error_count, warning_count, .. } = *counts;
    assert_eq!(records, valid + invalid + duplicates, "{what}: records != valid + invalid + duplicates");
    let listed_errors = errors(issues) as u64;
    let listed_warnings = warnings(issues) as u64;
    assert!(error_count >= listed_errors, "{what}: errorCount {error_count} < {listed_errors} listed");
    assert!(warning_count >= listed_warnings, "{what}: warningCount {warning_count} < {listed_warnings} listed");
    let max = options.max_issues() as u64;
    let total = error_count + warning_count;
    assert!(issues.len() as u64 <= max, "{what}: {} issues listed, maxIssues {max}", issues.len());
    assert_eq!(issues.len() as u64, total.min(max), "{what}: issues listed != min(total, maxIssues)");
    assert_eq!(truncated, total > max, "{what}: issuesTruncated");
    // Every invalid record has at least one error; every duplicate one duplicate_id warning.
    assert!(error_count >= invalid, "{what}: {invalid} invalid records but errorCount {error_count}");
    assert!(warning_count >= duplicates, "{what}: {duplicates} duplicates but warningCount {warning_count}");
    if !truncated {
        let dup_ids = issues.iter().filter(|i| i.code.as_str() == "duplicate_id").count() as u64;
        assert_eq!(dup_ids, duplicates, "{what}: duplicate_id issues != duplicates");
    }
    for i in issues {
        assert_eq!(i.severity, i.code.severity(), "{what}: severity of {:?}", i.code);
        if i.code.as_str() == "invalid_json" {
            assert!(i.line.is_some() && i.column.is_some(), "{what}: invalid_json without a position: {i:?}");
        }
        if let Some(l) = i.line {
            assert!(l >= 1, "{what}: line 0");
        }
        if let Some(c) = i.column {
            assert!(c >= 1, "{what}: column 0");
        }
        assert!(i.path.is_empty() || i.path.starts_with('/'), "{what}: path {:?} is not a JSON Pointer", i.path);
    }
}

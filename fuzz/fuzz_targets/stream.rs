//! Chunked streams (SPEC §7): the text cut at fuzzer-chosen offsets, pushed chunk by chunk,
//! gives what the batch functions give on the whole text.
//!
//! Input layout: byte 0 = options, byte 1 = number of cuts (low 4 bits), then two bytes per cut
//! (little-endian offset, modulo the text length + 1), then the text.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use syncrun::{normalize_runs, summarize_runs, Options, RecordStream, SummaryStream, SyncRun};

fn cuts(data: &[u8]) -> Option<(Options, Vec<&[u8]>)> {
    let (&first, rest) = data.split_first()?;
    let (&n, rest) = rest.split_first()?;
    let n = usize::from(n & 15);
    if rest.len() < 2 * n {
        return None;
    }
    let (offsets, text) = rest.split_at(2 * n);
    let mut at: Vec<usize> =
        offsets.chunks_exact(2).map(|c| usize::from(u16::from_le_bytes([c[0], c[1]])) % (text.len() + 1)).collect();
    at.sort_unstable();
    // Repeated offsets give empty chunks, which the stream must take too.
    let mut chunks = Vec::with_capacity(n + 1);
    let mut prev = 0;
    for a in at {
        chunks.push(&text[prev..a]);
        prev = a;
    }
    chunks.push(&text[prev..]);
    Some((common::options(first), chunks))
}

fuzz_target!(|data: &[u8]| {
    let Some((options, chunks)) = cuts(data) else { return };
    let text: Vec<u8> = chunks.concat();
    // SPEC §3.1, §7: a stream's maxBytes bounds one record, the batch function's the whole text;
    // the two agree when the whole text fits. A longer text goes through both streams under the
    // limit (which must not panic), and is then compared with no limit.
    let fits = options.max_bytes.is_none_or(|max| text.len() as u64 <= max);
    if !fits {
        let mut stream = SummaryStream::new(&options);
        let mut records = RecordStream::new(&options);
        for c in &chunks {
            stream.push(c);
            records.push(c);
        }
        let (summary, last) = (stream.finish(), records.finish());
        assert!(summary.records >= summary.valid + summary.invalid, "counts add up");
        assert!(last.counts.is_some(), "finish gives the counts");
    }
    let options = if fits { options } else { Options { max_bytes: None, ..options } };

    let mut stream = SummaryStream::new(&options);
    for c in &chunks {
        stream.push(c);
    }
    let got = serde_json::to_value(stream.finish()).expect("summary serializes");
    let want = serde_json::to_value(summarize_runs(&text, &options)).expect("summary serializes");
    assert!(got == want, "SummaryStream != summarize_runs\nstream: {got}\nbatch:  {want}");

    // SPEC §7.1: saved and loaded after every chunk, the stream gives the same summary; any
    // bytes at all are a state or refused, never a panic.
    let _ = SummaryStream::load(data);
    let mut stream = SummaryStream::new(&options);
    for c in &chunks {
        stream.push(c);
        stream = SummaryStream::load(&stream.save(None).unwrap()).expect("a saved state loads").0;
    }
    let reloaded = serde_json::to_value(stream.finish()).expect("summary serializes");
    assert!(reloaded == want, "saved and loaded != summarize_runs\nstream: {reloaded}\nbatch:  {want}");
    // SPEC §7.1: the text split after the line that ends past each cut, one stream per part,
    // merged in order: the same summary, or refused (a part read as one JSON document).
    let mut parts: Vec<&[u8]> = Vec::new();
    let (mut from, mut end) = (0, 0);
    for c in &chunks[..chunks.len() - 1] {
        end += c.len();
        if end < from {
            continue;
        }
        if let Some(nl) = text[end..].iter().position(|&b| b == b'\n') {
            parts.push(&text[from..end + nl + 1]);
            from = end + nl + 1;
        }
    }
    parts.push(&text[from..]);
    let mut acc = SummaryStream::new(&options);
    let mut exact = true;
    let mut parts_done = 0;
    for part in parts {
        let mut s = SummaryStream::new(&options);
        s.push(part);
        let merged = if parts_done % 2 == 1 { acc.merge_saved(&s.save(None).unwrap()) } else { acc.merge(s) };
        parts_done += 1;
        if merged.is_err() {
            exact = false;
            break;
        }
    }
    if exact {
        let merged = serde_json::to_value(acc.finish()).expect("summary serializes");
        assert!(merged == want, "merged parts != summarize_runs\nmerged: {merged}\nbatch:  {want}");
    }

    // RecordStream hands out the same runs, issues and counts as normalize_runs (with every
    // issue: it does not truncate), unless the text as a whole turns out unreadable.
    let all = Options { max_issues: Some(usize::MAX), ..options.clone() };
    let batch = normalize_runs(&text, &all);
    let mut records = RecordStream::new(&options);
    let mut runs = String::new();
    let mut issues = Vec::new();
    for c in &chunks {
        let b = records.push(c);
        assert!(b.counts.is_none(), "counts before finish");
        runs.push_str(&b.runs);
        issues.extend(b.issues);
    }
    let last = records.finish();
    let counts = last.counts.expect("finish gives the counts");
    assert_eq!(counts, batch.counts, "RecordStream counts != normalize_runs counts");
    common::check_counts("RecordStream", &all, &counts, &batch.issues, batch.issues_truncated);
    runs.push_str(&last.runs);
    // The one issue of an unreadable whole (SPEC §1): zero counts, and it replaces the rest.
    let whole_failed = batch.counts.records == 0
        && batch.issues.len() == 1
        && batch.issues.iter().all(|i| {
            matches!(i.code.as_str(), "invalid_json" | "invalid_utf8" | "input_too_large" | "invalid_type")
                && (i.path.is_empty() || i.path == "/data")
        });
    if whole_failed {
        assert_eq!(last.issues, batch.issues, "the whole-input issue");
        return;
    }
    issues.extend(last.issues);
    assert_eq!(issues, batch.issues, "RecordStream issues != normalize_runs issues");
    let lines: Vec<SyncRun> =
        runs.lines().map(|l| serde_json::from_str(l).expect("RecordStream writes JSON lines")).collect();
    assert_eq!(
        serde_json::to_value(&lines).ok(),
        serde_json::to_value(&batch.runs).ok(),
        "RecordStream runs != normalize_runs runs"
    );
});

//! SPEC §7.1: partial summaries. An NDJSON text split at random line boundaries into 1–8
//! parts, each part summarized by its own stream (fed in random chunks), saved, loaded and
//! merged in order, gives `summarize_runs` on the whole text, field for field, issues included.
//! Saved states that are corrupted, truncated, of another version or foreign are
//! `invalid_state`. Runs are generated as in tests/properties.rs (a small id pool, so that
//! parts share ids; warnings; invalid and broken lines; blank lines), more compactly.

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;
use syncrun::{summarize_runs, Format, Options, StateError, SummaryStream, UnknownFields};

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(384);
    Config { cases, failure_persistence: None, ..Config::default() }
}

fn val<T: serde::Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap()
}

const STATUSES: [&str; 10] = [
    "success",
    "warning",
    "failed",
    "cancelled",
    "interrupted",
    "queued",
    "querying",
    "processing",
    "reporting",
    "Done",
];

fn timestamp() -> impl Strategy<Value = String> {
    (0u32..4, 0u32..24, 0u32..60, 0u32..1000, prop::sample::select(vec!["Z", "+02:00", "-05:30"]))
        .prop_map(|(d, h, m, ms, z)| format!("2024-02-{:02}T{h:02}:{m:02}:07.{ms:03}{z}", 27 + d))
}

fn rows() -> impl Strategy<Value = String> {
    (0u64..50, 0u64..50, prop_oneof![3 => 0u64..50, 1 => Just((1u64 << 53) - 1)])
        .prop_map(|(a, c, r)| format!("{{\"addedCount\":{a},\"changedCount\":{c},\"removedCount\":{r}}}"))
}

/// One NDJSON line: a run (mostly valid, some with warnings or errors), a broken line, or a
/// blank one.
fn line() -> impl Strategy<Value = String> {
    let run = (
        prop::sample::select(vec!["\"a\"", "\"b\"", "\"run-1\"", "42", "7", "\"a-long-id-beyond-seven-bytes\"", "\"ü😀\""]),
        prop_oneof![8 => 0usize..9, 1 => Just(9usize)],
        timestamp(),
        prop::option::of(timestamp()),
        prop::option::of(timestamp()),
        prop::sample::select(vec!["0", "1", "0.5", "2"]),
        (0u64..1000, rows(), rows(), rows()),
        prop::sample::select(vec!["", ",\"error\":null", ",\"error\":\"Timeout after 30 s\"", ",\"error\":\"Timeout after 4 s\"", ",\"error\":\"disk full\""]),
        prop::sample::select(vec!["", ",\"x\":1", ",\"id\":\"dup\""]),
    )
        .prop_map(|(id, st, created, started, finished, ratio, (qs, p, s, f), error, extra)| {
            let t = |o: Option<String>| o.map_or("null".to_string(), |t| format!("\"{t}\""));
            format!(
                "{{\"id\":{id},\"status\":\"{}\",\"createdAt\":\"{created}\",\"startedAt\":{},\"finishedAt\":{},\"completionRatio\":{ratio},\"querySize\":{qs},\"plannedRows\":{p},\"successfulRows\":{s},\"failedRows\":{f}{error}{extra}}}",
                STATUSES[st],
                t(started),
                t(finished)
            )
        });
    prop_oneof![
        12 => run,
        1 => Just(r#"{"id": "broken", "status": "#.to_string()),
        1 => Just("  \t".to_string()),
        1 => Just("[1, 2]".to_string()),
    ]
}

fn options() -> impl Strategy<Value = Options> {
    (
        prop::sample::select(vec![UnknownFields::Strip, UnknownFields::Error]),
        any::<bool>(),
        prop::sample::select(vec![0usize, 1, 2, 5, 1000]),
        prop::sample::select(vec![Format::Auto, Format::Ndjson]),
    )
        .prop_map(|(u, w, m, f)| Options {
            unknown_fields: Some(u),
            warning_is_failure: Some(w),
            max_issues: Some(m),
            format: Some(f),
            ..Options::default()
        })
}

/// A stream of `text`, fed in chunks cut at the given offsets (anywhere, even in a character).
fn stream_of(text: &[u8], cuts: &[usize], options: &Options) -> SummaryStream {
    let mut s = SummaryStream::new(options);
    let mut at = 0;
    for &c in cuts {
        let c = c % (text.len() + 1);
        if c > at {
            s.push(&text[at..c]);
            at = c;
        }
    }
    s.push(&text[at..]);
    s
}

fn reload(s: &SummaryStream) -> SummaryStream {
    SummaryStream::load(&s.save(None).unwrap()).unwrap_or_else(|m| panic!("load of a saved state: {m:?}")).0
}

fn first_line_complete(part: &str) -> bool {
    match part.split('\n').find(|l| !l.trim_matches([' ', '\t', '\r']).is_empty()) {
        None => true,
        Some(l) => serde_json::from_str::<Value>(l).is_ok(),
    }
}

proptest! {
    #![proptest_config(config())]

    /// SPEC §7.1: map (summarize each part, save) then reduce (load, merge) = one stream.
    #[test]
    fn merged_parts_equal_the_whole(
        lines in prop::collection::vec(line(), 0..24),
        crlf in any::<bool>(),
        bom in any::<bool>(),
        splits in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        cuts in prop::collection::vec(any::<usize>(), 0..3),
        tail in prop::sample::select(vec!["", "{\"id\": 9", "  "]),
        o in options(),
        drop_nl in any::<bool>(),
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut text = String::from(if bom { "\u{feff}" } else { "" });
        let mut boundaries = vec![text.len()];
        for l in &lines {
            text.push_str(l);
            text.push_str(nl);
            boundaries.push(text.len());
        }
        text.push_str(tail); // the last part may end without a newline (mid-line)
        let mut at: Vec<usize> = splits.iter().map(|i| boundaries[i.index(boundaries.len())]).collect();
        at.push(0);
        at.push(text.len());
        at.sort_unstable();
        at.dedup();
        let mut parts: Vec<&str> = at.windows(2).map(|w| &text[w[0]..w[1]]).collect();
        if parts.is_empty() {
            parts.push(""); // the empty text, in one part
        }
        let want = val(&summarize_runs(text.as_bytes(), &o));

        // The texts split at a line boundary: a part's last line may come without its newline
        // (not a part that is one newline alone: it would hold no line at all).
        let last = parts.len() - 1;
        let pushed: Vec<&str> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| if drop_nl && i < last && p.len() > 1 { p.strip_suffix('\n').unwrap_or(p) } else { p })
            .collect();
        let mut streams: Vec<SummaryStream> =
            pushed.iter().map(|p| reload(&stream_of(p.as_bytes(), &cuts, &o))).collect();
        let mut acc = streams.remove(0);
        let mut seen = parts[0].to_string();
        for (i, s) in streams.into_iter().enumerate() {
            if let Err(m) = acc.check_merge(&s) {
                // SPEC §7.1 merges NDJSON: with format "auto", a part whose first line is not a
                // whole value reads as one JSON document (or makes the whole text one), and
                // the merge is refused rather than wrong.
                prop_assert!(matches!(m, StateError::State(_)), "{:?}", m);
                prop_assert!(o.format == Some(Format::Auto), "refused with ndjson: {:?}", m);
                prop_assert!(!first_line_complete(parts[i + 1]) || !first_line_complete(&seen), "{:?}", m);
                return Ok(());
            }
            if i % 3 == 2 {
                // The reduce step from saved bytes alone: the same as load, then merge.
                acc.merge_saved(&s.save(None).unwrap()).unwrap();
            } else {
                acc.merge(s).unwrap();
            }
            seen.push_str(parts[i + 1]);
            if i % 2 == 1 {
                acc = reload(&acc); // a merged state saves and loads too
            }
        }
        prop_assert_eq!(val(&acc.finish()), want);
    }

    /// SPEC §7.1: a stream saved mid-line (or mid-character) and loaded goes on where it was.
    #[test]
    fn saved_mid_line_goes_on(lines in prop::collection::vec(line(), 0..12), cut in any::<prop::sample::Index>(), o in options()) {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let want = val(&summarize_runs(text.as_bytes(), &o));
        let cut = cut.index(text.len() + 1);
        let mut s = SummaryStream::new(&o);
        s.push(&text.as_bytes()[..cut]);
        let mut s = reload(&s);
        s.push(&text.as_bytes()[cut..]);
        prop_assert_eq!(val(&s.finish()), want);
    }
}

const SMALL: &str = concat!(
    r#"{"id":"a","status":"failed","createdAt":"2024-01-01T00:00:00Z","startedAt":"2024-01-01T00:00:01Z","finishedAt":"2024-01-01T00:00:05Z","completionRatio":1,"querySize":3,"plannedRows":{"addedCount":1,"changedCount":0,"removedCount":0},"successfulRows":{"addedCount":1,"changedCount":0,"removedCount":0},"failedRows":{"addedCount":0,"changedCount":0,"removedCount":0},"error":"boom 42"}"#,
    "\n{\"id\": \"broken\"\n{\"id\":"
);

fn small_state() -> Vec<u8> {
    let mut s = SummaryStream::new(&Options { max_issues: Some(5), ..Options::default() });
    s.push(SMALL.as_bytes());
    s.save(None).unwrap()
}

fn refused(bytes: &[u8]) -> bool {
    matches!(SummaryStream::load(bytes), Err(StateError::State(_)))
}

/// SPEC §7.1: every single-byte change of a saved state is `invalid_state`, never a crash or
/// another summary.
#[test]
fn every_byte_flip_is_invalid_state() {
    let state = small_state();
    assert!(SummaryStream::load(&state).is_ok());
    for i in 0..state.len() {
        for x in [0x01u8, 0x80, 0xff] {
            let mut bad = state.clone();
            bad[i] ^= x;
            assert!(refused(&bad), "byte {i} ^ {x:#x} was accepted");
        }
    }
}

/// SPEC §7.1: truncated states, longer ones, and another format version are `invalid_state`.
#[test]
fn truncated_or_other_version_is_invalid_state() {
    let state = small_state();
    for n in 0..state.len() {
        assert!(refused(&state[..n]), "a state cut to {n} bytes was accepted");
    }
    let mut longer = state.clone();
    longer.push(0);
    assert!(refused(&longer));
    // Format version 2, checksum made right: still refused, as another version.
    let mut other = state.clone();
    other[4] = 2;
    let body = other.len() - 8;
    let sum = syncrun::state::checksum(&other[..body]);
    other[body..].copy_from_slice(&sum.to_le_bytes());
    assert!(refused(&other), "another format version was accepted");
}

/// SPEC §7.1: bytes that are not a state at all are `invalid_state`.
#[test]
fn foreign_bytes_are_invalid_state() {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for n in [0usize, 1, 7, 8, 13, 64, 1000] {
        let bytes: Vec<u8> = (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        assert!(refused(&bytes));
    }
    assert!(refused(b"{\"records\": 0}"));
    assert!(refused(b"SRst"));
}

/// SPEC §7.1: streams made with other options are not merged (`invalid_option`), and both
/// stay usable.
#[test]
fn other_options_are_invalid_option() {
    let mut a = SummaryStream::new(&Options::default());
    let mut b = SummaryStream::new(&Options { max_issues: Some(3), ..Options::default() });
    b.push(b"{}\n");
    let m = a.check_merge(&b).expect_err("merged streams with other options");
    assert_eq!(m, StateError::Options);
    // Options left to their defaults equal the same options given explicitly.
    let c = SummaryStream::new(&Options { max_issues: Some(1000), format: Some(Format::Auto), ..Options::default() });
    assert!(a.merge(c).is_ok());
    assert_eq!(val(&b.finish()), val(&summarize_runs(b"{}\n", &Options { max_issues: Some(3), ..Options::default() })));
}

/// SPEC §7.1: a run of the later part whose id the earlier part saw is a duplicate there (the
/// earlier counts), with its warning at its shifted path and line.
#[test]
fn later_duplicate_leaves_the_figures() {
    let run = |id: &str, status: &str, created: &str| {
        format!(
            r#"{{"id":"{id}","status":"{status}","createdAt":"{created}","startedAt":"{created}","finishedAt":"{created}","completionRatio":1,"querySize":1,"plannedRows":{{"addedCount":1,"changedCount":0,"removedCount":0}},"successfulRows":{{"addedCount":1,"changedCount":0,"removedCount":0}},"failedRows":{{"addedCount":0,"changedCount":0,"removedCount":0}}}}"#
        ) + "\n"
    };
    let first = run("7", "failed", "2024-01-01T00:00:00Z") + &run("8", "success", "2024-01-01T00:00:00Z");
    let second =
        "\n".to_string() + &run("7", "success", "2024-01-03T00:00:00Z") + &run("9", "failed", "2024-01-02T00:00:00Z");
    let o = Options::default();
    let mut a = stream_of(first.as_bytes(), &[], &o);
    let b = stream_of(second.as_bytes(), &[], &o);
    a.merge(b).unwrap();
    let got = a.finish();
    assert_eq!(val(&got), val(&summarize_runs((first + &second).as_bytes(), &o)));
    assert_eq!(got.duplicates, 1);
    assert_eq!(got.latest.unwrap().id, "9");
    let dup = got.issues.iter().find(|i| i.code.as_str() == "duplicate_id").unwrap();
    assert_eq!((dup.path.as_str(), dup.line), ("/2/id", Some(4)));
}

/// SPEC §7.1: the code unit a caller holds back (a cut surrogate pair) comes back from load.
#[test]
fn held_unit_comes_back() {
    let s = SummaryStream::new(&Options::default());
    let (_, unit) = SummaryStream::load(&s.save(Some(0xD83D)).unwrap()).unwrap();
    assert_eq!(unit, Some(0xD83D));
    let (_, unit) = SummaryStream::load(&s.save(None).unwrap()).unwrap();
    assert_eq!(unit, None);
}

/// SPEC §7.1 with `mergeable: false` (an addition): a lean stream keeps no ledger, so it is
/// neither saved nor merged after another (`invalid_state`), but takes others after it and
/// summarizes as any stream.
#[test]
fn lean_streams_take_others_but_are_not_saved() {
    let o = Options::default();
    let text = SMALL.replace("\n{\"id\":", "\n");
    let mut lean = SummaryStream::lean(&o);
    lean.push(text.as_bytes());
    assert!(matches!(lean.save(None), Err(StateError::State(_))));
    let mut other = SummaryStream::new(&o);
    assert!(matches!(other.check_merge(&lean), Err(StateError::State(_))));
    other.push(b"{}\n");
    lean.merge(other).unwrap();
    let whole = text + "{}\n";
    assert_eq!(val(&lean.finish()), val(&summarize_runs(whole.as_bytes(), &o)));
}

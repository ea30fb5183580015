//! Normalized runs as they are found in a text that arrives in chunks (SPEC §7, §2; the
//! package's `NormalizeStream`): what `normalizeRuns` gives on the whole text, handed out piece
//! by piece, so that a reader of a large file holds neither its runs nor its issues.

use crate::batch::Batch;
use crate::batch::Sink;
use crate::issue::Issue;
use crate::options::{Format, Options};
use crate::out::{raw, to_json, ToJson};
use crate::result::NormalizeRunsResult;
use crate::run::ValidRun;

/// What one `push` completed: the valid, de-duplicated runs and the issues found in it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NormalizedChunk {
    /// Valid, de-duplicated runs in the canonical shape (SPEC §2), in input order, as NDJSON:
    /// each run's JSON text and a line feed (a JSON text written compactly has no line feed of
    /// its own). [`ToJson`] writes them as the elements of a JSON array.
    pub runs: String,
    /// Issues in input order (SPEC §3.3), while `maxIssues` leaves room.
    pub issues: Vec<Issue>,
}

impl ToJson for NormalizedChunk {
    fn json(&self, o: &mut String) {
        raw(o, "{\"runs\":[");
        elements(o, &self.runs);
        raw(o, "],\"issues\":");
        self.issues.json(o);
        o.push('}');
    }
}

/// Runs kept as NDJSON lines, written as the elements of a JSON array.
fn elements(o: &mut String, lines: &str) {
    for (i, line) in lines.split_terminator('\n').enumerate() {
        if i > 0 {
            o.push(',');
        }
        raw(o, line);
    }
}

/// The runs as the sink of a batch: their JSON texts, one per line (NDJSON).
#[derive(Default)]
pub struct RunList(pub String);

impl Sink for RunList {
    fn run(&mut self, run: &ValidRun<'_>, _position: u64, _line: Option<u64>) {
        ToJson::json(&run.to_sync_run(), &mut self.0);
        self.0.push('\n');
    }
}

/// The last piece of a [`NormalizeStream`]: the runs and issues not handed out yet, with the
/// counts of the whole text, in the shape of `normalizeRuns`' result.
#[derive(Clone, Debug, PartialEq)]
pub struct NormalizedEnd {
    /// As in [`NormalizedChunk`].
    pub runs: String,
    /// The counts and the rest of the issues (its `runs` is empty: they are above).
    pub result: NormalizeRunsResult,
}

impl ToJson for NormalizedEnd {
    fn json(&self, o: &mut String) {
        let rest = to_json(&self.result);
        raw(o, "{\"runs\":[");
        elements(o, &self.runs);
        raw(o, "]");
        raw(o, rest.strip_prefix("{\"runs\":[]").unwrap_or_default());
    }
}

/// A batch read in chunks whose normalized runs and issues are handed out as soon as they are
/// complete. `maxIssues` bounds the issues handed out in all; `maxBytes` bounds one record, as
/// for `SummaryStream` (SPEC §3.1).
pub struct NormalizeStream {
    batch: Batch<RunList>,
    /// `maxIssues`, and the issues that may still be handed out (it less those handed out).
    max_issues: usize,
    room: usize,
    /// Whether issues were left out for want of room.
    truncated: bool,
}

impl NormalizeStream {
    /// A new stream with the options of `normalizeRuns`.
    pub fn new(options: &Options) -> NormalizeStream {
        // The tally keeps every issue until it is handed out; the room is counted here.
        let all = Options { max_issues: Some(usize::MAX), ..options.clone() };
        let max_issues = options.max_issues();
        NormalizeStream { batch: Batch::new(&all, RunList::default()), max_issues, room: max_issues, truncated: false }
    }

    /// Take the next chunk (it may end anywhere, even inside a UTF-8 character) and hand out
    /// what it completed.
    pub fn push(&mut self, chunk: &[u8]) -> NormalizedChunk {
        self.keep(chunk);
        self.take()
    }

    /// Take the next chunk and keep what it completed for the next [`take`](Self::take) (or
    /// `finish`).
    pub fn keep(&mut self, chunk: &[u8]) {
        self.batch.push(chunk);
    }

    /// Hand out what the chunks taken so far completed.
    pub fn take(&mut self) -> NormalizedChunk {
        let runs = std::mem::take(&mut self.batch.sink.0);
        let issues = std::mem::take(&mut self.batch.tally().issues);
        NormalizedChunk { runs, issues: within_room(issues, &mut self.room, &mut self.truncated) }
    }

    /// The reading chosen (SPEC §1): `None` while auto-detection still needs more text.
    pub fn format(&self) -> Option<Format> {
        self.batch.format()
    }

    /// Whether more chunks can no longer change the result (see [`Batch::settled`]).
    pub fn settled(&self) -> bool {
        self.batch.settled()
    }

    /// No more chunks: the runs and issues not handed out yet, and the counts of the whole
    /// text, as `normalizeRuns` gives them. When the text as a whole turns out unreadable (an
    /// array cut short, invalid UTF-8, one document longer than `maxBytes`), this has the one
    /// issue that says why and zero counts, as `normalizeRuns` would; the runs handed out
    /// before were valid on their own.
    pub fn finish(self) -> NormalizedEnd {
        let NormalizeStream { batch, max_issues, mut room, mut truncated } = self;
        let (mut tally, runs) = batch.finish();
        let issues = std::mem::take(&mut tally.issues);
        if tally.counts.records == 0 && tally.counts.error_count > 0 {
            // The text as a whole was not readable: what was handed out no longer counts, and
            // the one issue is listed as normalizeRuns lists it.
            room = max_issues;
            truncated = false;
        }
        let issues = within_room(issues, &mut room, &mut truncated);
        let truncated = truncated || tally.issues_truncated;
        let mut result = NormalizeRunsResult::new(Vec::new(), tally);
        result.issues = issues;
        result.issues_truncated = truncated;
        NormalizedEnd { runs: runs.0, result }
    }
}

/// The first of `issues` that fit in the `room` left (which they then take); `truncated` when
/// some did not.
fn within_room(mut issues: Vec<Issue>, room: &mut usize, truncated: &mut bool) -> Vec<Issue> {
    if issues.len() > *room {
        issues.truncate(*room);
        *truncated = true;
    }
    *room -= issues.len();
    issues
}

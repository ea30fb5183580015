//! Batches that arrive in chunks (SPEC §7): the summary stream, and the record stream the
//! command-line tool reads normalized runs and issues from as they are found.

use crate::batch::{Batch, Sink};
use crate::options::Options;
use crate::out::ToJson;
use crate::result::RecordBatch;
use crate::run::ValidRun;
use crate::summary::{BatchSummary, Figures};

/// Summarize a text that arrives in chunks (SPEC §7): the same result as `summarizeRuns` on
/// the whole text, in memory bounded by the longest record.
pub struct SummaryStream {
    batch: Batch<Figures>,
}

impl SummaryStream {
    /// A stream that has read nothing yet, with the options of SPEC §8 (`maxBytes` bounds each record, §3.1).
    pub fn new(options: &Options) -> SummaryStream {
        SummaryStream { batch: Batch::new(options, Figures::new(options.warning_is_failure())) }
    }

    /// Take the next chunk; it may end anywhere, even inside a UTF-8 character.
    pub fn push(&mut self, chunk: &[u8]) {
        self.batch.push(chunk);
    }

    /// Whether more chunks can no longer change the result (see [`Batch::settled`]).
    pub fn settled(&self) -> bool {
        self.batch.settled()
    }

    /// The summary of everything pushed.
    pub fn finish(self) -> BatchSummary {
        let (tally, figures) = self.batch.finish();
        tally.summary(figures)
    }
}

/// Normalized runs written as NDJSON text, for `RecordStream`.
#[derive(Default)]
pub struct NdjsonRuns(pub String);

impl Sink for NdjsonRuns {
    fn run(&mut self, run: &ValidRun<'_>, _position: u64) {
        run.to_sync_run().json(&mut self.0);
        self.0.push('\n');
    }
}

/// A batch read in chunks whose normalized runs and issues are handed out as soon as they are
/// found (for the command-line tool, which must not hold a file's issues or runs in memory).
///
/// If the text turns out not to be readable as a whole (invalid JSON in the middle of an array,
/// invalid UTF-8, too large), the last batch has that one issue and zero counts, as
/// `normalizeRuns` would; runs handed out before then were valid on their own.
pub struct RecordStream {
    batch: Batch<NdjsonRuns>,
}

impl RecordStream {
    /// A stream that has read nothing yet; it keeps every issue (`maxIssues` is ignored), handing each out once.
    pub fn new(options: &Options) -> RecordStream {
        let options = Options { max_issues: Some(usize::MAX), ..options.clone() };
        RecordStream { batch: Batch::new(&options, NdjsonRuns::default()) }
    }

    /// Take the next chunk and hand out what it completed.
    pub fn push(&mut self, chunk: &[u8]) -> RecordBatch {
        self.batch.push(chunk);
        RecordBatch {
            runs: std::mem::take(&mut self.batch.sink.0),
            issues: std::mem::take(&mut self.batch.tally().issues),
            counts: None,
        }
    }

    /// Whether more chunks can no longer change the result (see [`Batch::settled`]).
    pub fn settled(&self) -> bool {
        self.batch.settled()
    }

    /// No more chunks: the rest, and the counts.
    pub fn finish(self) -> RecordBatch {
        let (tally, runs) = self.batch.finish();
        RecordBatch { runs: runs.0, counts: Some(tally.counts), issues: tally.issues }
    }
}

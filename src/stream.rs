//! Batches that arrive in chunks (SPEC §7): the summary stream, and the record stream the
//! command-line tool reads normalized runs and issues from as they are found.

use crate::batch::{Batch, Sink};
use crate::ledger::{Kept, Replay, Saved};
use crate::options::Options;
use crate::out::ToJson;
use crate::result::RecordBatch;
use crate::run::ValidRun;
use crate::state::{self, Bad, W};

use crate::summary::BatchSummary;

/// Summarize a text that arrives in chunks (SPEC §7): the same result as `summarizeRuns` on
/// the whole text, in memory bounded by the longest record. Its state can be saved, loaded and
/// merged after another stream's (SPEC §7.1).
pub struct SummaryStream {
    options: Options,
    batch: Batch<Kept>,
}

/// Why two streams cannot be merged, or saved bytes cannot be loaded (SPEC §7.1).
#[derive(Debug, PartialEq)]
pub enum StateError {
    /// The two streams were made with different options (`invalid_option`).
    Options,
    /// The merge cannot be exact, or the bytes are not a state of this version (`invalid_state`).
    State(&'static str),
}

const LEAN: &str = "this stream was made with mergeable: false: it keeps no ledger of its runs to save or merge";

/// The options a stream's result depends on, as they are in effect.
fn effective(o: &Options) -> (crate::options::UnknownFields, bool, usize, u64, crate::options::Format) {
    (o.unknown_fields(), o.warning_is_failure(), o.max_issues(), o.max_bytes(), o.format())
}

impl SummaryStream {
    /// A stream that has read nothing yet, with the options of SPEC §8 (`maxBytes` bounds each record, §3.1).
    pub fn new(options: &Options) -> SummaryStream {
        let options = Options { from_value: false, ..options.clone() };
        let batch = Batch::new(&options, Kept::new(options.warning_is_failure()));
        SummaryStream { options, batch }
    }

    /// A stream that keeps no ledger of its runs: SPEC §7's few bytes a run, for one reader of
    /// a long input; it can be neither saved nor merged after another stream (SPEC §7.1).
    pub fn lean(options: &Options) -> SummaryStream {
        let options = Options { from_value: false, ..options.clone() };
        let batch = Batch::new(&options, Kept::lean(options.warning_is_failure()));
        SummaryStream { options, batch }
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
        let (tally, kept) = self.batch.finish();
        tally.summary(kept.figures)
    }

    /// Take `other`'s state as if its chunks had been pushed after this stream's, the two
    /// texts split at a line boundary (SPEC §7.1). On an error neither stream has changed.
    pub fn merge(&mut self, other: SummaryStream) -> Result<(), StateError> {
        self.check_merge(&other)?;
        self.batch.append(other.batch).map_err(StateError::State)
    }

    /// Whether [`merge`] would take `other` (nothing changes either way).
    ///
    /// [`merge`]: SummaryStream::merge
    pub fn check_merge(&self, other: &SummaryStream) -> Result<(), StateError> {
        if effective(&self.options) != effective(&other.options) {
            return Err(StateError::Options);
        }
        if !other.batch.sink.keep {
            return Err(StateError::State(LEAN));
        }
        self.batch.check_append(&other.batch).map_err(StateError::State)
    }

    /// The state as bytes (SPEC §7.1). `unit` is a UTF-16 code unit the caller holds back
    /// (the first half of a surrogate pair that ended a string chunk), given back by [`load`].
    ///
    /// [`load`]: SummaryStream::load
    pub fn save(&self, unit: Option<u16>) -> Result<Vec<u8>, StateError> {
        if !self.batch.sink.keep {
            return Err(StateError::State(LEAN));
        }
        // Room for the ledger and the kept issues (a few hundred bytes each at most, mostly).
        let issues = self.options.max_issues().min(100_000);
        let mut w = W::with_capacity(self.batch.sink.ledger_len() + 4096 + 256 * issues);
        let o = &self.options;
        w.u(o.unknown_fields() as u64);
        w.flag(o.warning_is_failure());
        w.u(o.max_issues() as u64);
        w.u(o.max_bytes());
        w.u(o.format() as u64);
        w.o(unit.map(u64::from));
        let sink = &self.batch.sink;
        w.u(sink.ledger_len() as u64);
        for block in sink.ledger() {
            w.0.extend_from_slice(block);
        }
        self.batch.save(&mut w);
        Ok(w.close())
    }

    /// A stream in the state `bytes` hold, and the code unit given to [`save`]. Bytes from
    /// another version, or corrupted, are refused whole.
    ///
    /// [`save`]: SummaryStream::save
    pub fn load(bytes: &[u8]) -> Result<(SummaryStream, Option<u16>), StateError> {
        load(bytes).map_err(|Bad| StateError::State(NOT_A_STATE))
    }
}

/// The parts of a state: its options, the held code unit, its ledger, and the reader at the
/// batch's part.
fn open_state(bytes: &[u8]) -> Result<(Options, Option<u16>, Saved<'_>, u64, state::R<'_>), Bad> {
    use crate::options::{Format, UnknownFields};
    let mut r = state::open(bytes)?;
    let unknown = [UnknownFields::Strip, UnknownFields::Keep, UnknownFields::Error];
    let formats = [Format::Auto, Format::Json, Format::Ndjson];
    let options = Options {
        unknown_fields: Some(*unknown.get(r.usize()?).ok_or(Bad)?),
        warning_is_failure: Some(r.flag()?),
        max_issues: Some(r.usize()?),
        max_bytes: Some(r.u()?),
        format: Some(*formats.get(r.usize()?).ok_or(Bad)?),
        from_value: false,
    };
    let unit = r.o()?.map(u16::try_from).transpose().map_err(|_| Bad)?;
    let ledger = Saved(r.b()?);
    let valid = ledger.check()?;
    Ok((options, unit, ledger, valid, r))
}

fn load(bytes: &[u8]) -> Result<(SummaryStream, Option<u16>), Bad> {
    let (options, unit, ledger, _, mut r) = open_state(bytes)?;
    let batch = Batch::load(&options, Kept::new(options.warning_is_failure()), &mut r, &ledger)?;
    r.end()?;
    Ok((SummaryStream { options, batch }, unit))
}

const NOT_A_STATE: &str = "these bytes are not a SummaryStream state saved by this version of the package";

impl SummaryStream {
    /// `merge(load(bytes))` in less memory: the state's runs go from its bytes straight into
    /// this stream's figures, never into a stream of their own (SPEC §7.1's reduce).
    pub fn merge_saved(&mut self, bytes: &[u8]) -> Result<(), StateError> {
        let bad = |Bad| StateError::State(NOT_A_STATE);
        let (options, unit, ledger, valid, mut r) = open_state(bytes).map_err(bad)?;
        if unit.is_some() {
            // The saved text ends in half a character: the other stream's own push makes it U+FFFD.
            let (mut other, _) = load(bytes).map_err(bad)?;
            other.push("\u{FFFD}".as_bytes());
            return self.merge(other);
        }
        let other = Batch::load_bare(&options, Replay(ledger), &mut r, valid).map_err(bad)?;
        r.end().map_err(bad)?;
        if effective(&self.options) != effective(&options) {
            return Err(StateError::Options);
        }
        self.batch.check_append(&other).map_err(StateError::State)?;
        self.batch.append(other).map_err(StateError::State)
    }
}

/// Normalized runs written as NDJSON text, for `RecordStream`.
#[derive(Default)]
pub struct NdjsonRuns(pub String);

impl Sink for NdjsonRuns {
    fn run(&mut self, run: &ValidRun<'_>, _position: u64, _line: Option<u64>) {
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

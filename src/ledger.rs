//! A summary stream's figures, with its runs kept in a form they can be rebuilt from (SPEC §7.1).
//!
//! Figures cannot be un-counted: the "most recent" slots (`latest`, `lastSuccess`,
//! `lastFailure`, `lastTerminal`, each `topErrors` group's last message) keep one winner, and
//! when a run of a later part turns out to have an id an earlier part saw (the earlier counts),
//! the winner it displaced is gone. So a stream also keeps a ledger of its valid,
//! first-of-their-id runs: the numbers the figures read, relative to the run before (a header
//! of their byte lengths, then each number's low bytes), then id and error message. On the
//! generator's runs (`scripts/gen-runs.mjs`) that is about 44 bytes a run with id and message,
//! no JSON text. Merging replays the
//! later part's ledger into the earlier part's figures; loading replays a saved ledger into new
//! figures. Either way the figures are the one-stream figures by construction: the same
//! `Figures::add` sees the same runs at the same positions in the same order.

use std::borrow::Cow;

use crate::batch::{Runs, Sink};
use crate::run::{SyncRunStatus, ValidRun};
use crate::state::{unzigzag, zigzag, Bad, R};
use crate::summary::Figures;

/// Ledger bytes come in blocks of this size (an entry never straddles two), so that a long
/// stream never holds a doubled buffer while one grows.
const BLOCK: usize = 256 * 1024;

/// The figures of a stream and the ledger they can be rebuilt from.
#[derive(Default)]
pub struct Kept {
    /// The figures, as a batch would have them.
    pub figures: Figures,
    blocks: Vec<Vec<u8>>,
    /// Position, line and `createdAt` of the last entry (entries are relative to it).
    last: Last,
    /// Whether the ledger is kept (see [`Kept::lean`]).
    pub keep: bool,
}

#[derive(Default, Clone, Copy)]
struct Last {
    position: u64,
    line: u64,
    created: i64,
}

impl Kept {
    /// Figures of no run yet (`warning_is_failure`: the option `warningIsFailure`).
    pub fn new(warning_is_failure: bool) -> Kept {
        Kept { figures: Figures::new(warning_is_failure), keep: true, ..Kept::default() }
    }

    /// The figures alone, no ledger: SPEC §7's few bytes a run, but neither saved nor merged
    /// after another stream.
    pub fn lean(warning_is_failure: bool) -> Kept {
        Kept { figures: Figures::new(warning_is_failure), keep: false, ..Kept::default() }
    }

    /// The ledger's bytes, block after block.
    pub fn ledger(&self) -> impl Iterator<Item = &[u8]> {
        self.blocks.iter().map(Vec::as_slice)
    }

    /// Bytes the ledger holds.
    pub fn ledger_len(&self) -> usize {
        self.blocks.iter().map(Vec::len).sum()
    }
}

const STARTED: u64 = 0x10;
const FINISHED: u64 = 0x20;
const ERROR: u64 = 0x40;

/// Numbers in a ledger entry: position and line (as differences), status and flags,
/// `createdAt` (from the last entry's), start and finish (as differences), query size, the nine
/// row counts, the lengths of id and error.
const SLOTS: usize = 18;
/// Bytes of an entry's header: a nibble per number, its length in bytes (0–8).
const HEAD: usize = SLOTS / 2;
/// The most an entry's numbers take.
const NUMS: usize = HEAD + 8 * SLOTS + 8;

/// The numbers of one entry, put together on the stack and appended at once: a header of
/// lengths, then each number's low bytes. Branch-free, where LEB128 varints cost a loop step
/// per 7 bits (a stream's push was 20% slower in WebAssembly).
struct Nums {
    b: [u8; NUMS],
    n: usize,
    slot: usize,
}

impl Nums {
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation)] // a length of 0-8 bytes, in a nibble
    fn u(&mut self, v: u64) {
        let len = (71 - v.leading_zeros() as usize) / 8;
        if let Some(dst) = self.b.get_mut(self.n..self.n + 8) {
            dst.copy_from_slice(&v.to_le_bytes());
        }
        if let Some(h) = self.b.get_mut(self.slot / 2) {
            *h |= (len as u8) << (4 * (self.slot % 2));
        }
        self.n += len;
        self.slot += 1;
    }
}

fn write_entry(out: &mut Vec<u8>, last: &mut Last, run: &ValidRun<'_>, position: u64, line: Option<u64>) {
    let error = run.error.as_deref().unwrap_or_default();
    let mut x = Nums { b: [0; NUMS], n: HEAD, slot: 0 };
    x.u(position.wrapping_sub(last.position));
    x.u(line.map_or(0, |l| l.wrapping_sub(last.line).wrapping_add(1)));
    let flags = (u64::from(run.started_at.is_some()) * STARTED)
        | (u64::from(run.finished_at.is_some()) * FINISHED)
        | (u64::from(run.error.is_some()) * ERROR);
    x.u(run.status.index() as u64 | flags);
    x.u(zigzag(run.created_at.wrapping_sub(last.created)));
    let started = run.started_at.unwrap_or(run.created_at);
    x.u(zigzag(started.wrapping_sub(run.created_at)));
    x.u(zigzag(run.finished_at.map_or(0, |f| f.wrapping_sub(started))));
    x.u(run.query_size);
    for &n in run.rows.iter().flatten() {
        x.u(n);
    }
    x.u(run.id.len() as u64);
    x.u(error.len() as u64);
    out.extend_from_slice(x.b.get(..x.n).unwrap_or_default());
    out.extend_from_slice(run.id.as_bytes());
    out.extend_from_slice(error.as_bytes());
    last.position = position;
    last.line = line.unwrap_or(last.line);
    last.created = run.created_at;
}

/// Reads one entry written by [`write_entry`].
fn read_entry<'a>(r: &mut R<'a>, last: &mut Last) -> Result<(ValidRun<'a>, u64, Option<u64>), Bad> {
    let head = r.0.get(..HEAD).ok_or(Bad)?;
    let mut nums = [0u64; SLOTS];
    let mut at = HEAD;
    for (i, n) in nums.iter_mut().enumerate() {
        let len = usize::from(head.get(i / 2).ok_or(Bad)? >> (4 * (i % 2)) & 15);
        let bytes = r.0.get(at..at + len).ok_or(Bad)?;
        if len > 8 {
            return Err(Bad);
        }
        *n = bytes.iter().rev().fold(0u64, |v, &b| v << 8 | u64::from(b));
        at += len;
    }
    r.0 = r.0.get(at..).ok_or(Bad)?;
    let [dpos, dline, flags, created, started, finished, query_size, rows @ .., id_len, error_len] = nums;
    let status = *SyncRunStatus::ALL.get(usize::try_from(flags & 15).map_err(|_| Bad)?).ok_or(Bad)?;
    if flags >> 7 != 0 {
        return Err(Bad);
    }
    let position = last.position.wrapping_add(dpos);
    let line = dline.checked_sub(1).map(|d| last.line.wrapping_add(d));
    let created_at = last.created.wrapping_add(unzigzag(created));
    let from = created_at.wrapping_add(unzigzag(started));
    let started_at = (flags & STARTED != 0).then_some(from);
    let finished_at = (flags & FINISHED != 0).then(|| from.wrapping_add(unzigzag(finished)));
    let [a, b, c, d, e, f, g, h, i] = rows;
    let take = |r: &mut R<'a>, n: u64| -> Result<&'a str, Bad> {
        let n = usize::try_from(n).map_err(|_| Bad)?;
        let bytes = r.0.get(..n).ok_or(Bad)?;
        r.0 = r.0.get(n..).ok_or(Bad)?;
        std::str::from_utf8(bytes).map_err(|_| Bad)
    };
    let id = Cow::Borrowed(take(r, id_len)?);
    let error = take(r, error_len)?;
    let error = (flags & ERROR != 0).then_some(Cow::Borrowed(error));
    last.position = position;
    last.line = line.unwrap_or(last.line);
    last.created = created_at;
    let run = ValidRun {
        id,
        status,
        created_at,
        started_at,
        finished_at,
        completion_ratio: 0.0,
        query_size,
        rows: [[a, b, c], [d, e, f], [g, h, i]],
        error,
        extra: Vec::new(),
        counts_extra: [Vec::new(), Vec::new(), Vec::new()],
    };
    Ok((run, position, line))
}

impl Sink for Kept {
    fn run(&mut self, run: &ValidRun<'_>, position: u64, line: Option<u64>) {
        self.figures.add(run, position);
        if !self.keep {
            return;
        }
        // Written straight into the last block when the longest entry this run can make fits.
        let most = NUMS + run.id.len() + run.error.as_deref().map_or(0, str::len);
        match self.blocks.last_mut() {
            Some(block) if block.capacity() - block.len() >= most => {
                write_entry(block, &mut self.last, run, position, line);
            }
            _ => {
                let mut block = Vec::with_capacity(BLOCK.max(most));
                write_entry(&mut block, &mut self.last, run, position, line);
                self.blocks.push(block);
            }
        }
    }
}

/// Each run of ledger bytes, in order; stops at the first entry that does not read.
fn each_entry<'a>(blocks: impl Iterator<Item = &'a [u8]>, f: &mut dyn FnMut(&ValidRun<'_>, u64, Option<u64>)) -> bool {
    let mut last = Last::default();
    for block in blocks {
        let mut r = R(block);
        while !r.0.is_empty() {
            match read_entry(&mut r, &mut last) {
                Ok((run, position, line)) => f(&run, position, line),
                Err(Bad) => return false,
            }
        }
    }
    true
}

impl Runs for Kept {
    fn each(&self, f: &mut dyn FnMut(&ValidRun<'_>, u64, Option<u64>)) {
        each_entry(self.ledger(), f);
    }
}

/// Saved ledger bytes (one block), checked whole by [`Saved::check`] before they are replayed.
#[derive(Default, Clone, Copy)]
pub struct Saved<'a>(pub &'a [u8]);

impl Saved<'_> {
    /// How many runs, if every entry reads, each after the one before it (record indexes
    /// increasing).
    pub fn check(&self) -> Result<u64, Bad> {
        let mut previous: Option<u64> = None;
        let mut ordered = true;
        let mut n = 0u64;
        let whole = each_entry(std::iter::once(self.0), &mut |_, position, _| {
            ordered &= previous.is_none_or(|p| position > p);
            previous = Some(position);
            n += 1;
        });
        if whole && ordered {
            Ok(n)
        } else {
            Err(Bad)
        }
    }
}

impl Runs for Saved<'_> {
    fn each(&self, f: &mut dyn FnMut(&ValidRun<'_>, u64, Option<u64>)) {
        each_entry(std::iter::once(self.0), f);
    }
}

/// A saved part's runs as the sink of a batch that is only appended to another: nothing is
/// counted into it; [`Batch::append`](crate::batch::Batch) replays the runs from the bytes.
#[derive(Default)]
pub struct Replay<'a>(pub Saved<'a>);

impl Sink for Replay<'_> {
    fn run(&mut self, _run: &ValidRun<'_>, _position: u64, _line: Option<u64>) {}
}

impl Runs for Replay<'_> {
    fn each(&self, f: &mut dyn FnMut(&ValidRun<'_>, u64, Option<u64>)) {
        self.0.each(f);
    }
}

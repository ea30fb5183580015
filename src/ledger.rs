//! A summary stream's figures, with its runs kept in a form they can be rebuilt from (SPEC §7.1).
//!
//! Figures cannot be un-counted: the "most recent" slots (`latest`, `lastSuccess`,
//! `lastFailure`, `lastTerminal`, each `topErrors` group's last message) keep one winner, and
//! when a run of a later part turns out to have an id an earlier part saw (the earlier counts),
//! the winner it displaced is gone. So a stream also keeps a ledger of its valid,
//! first-of-their-id runs: the numbers the figures read, as varints relative to the run before
//! (status and presence flags in one byte), then id and error message. On the generator's runs
//! (`scripts/gen-runs.mjs`) that is about 40 bytes a run, no JSON text. Merging replays the
//! later part's ledger into the earlier part's figures; loading replays a saved ledger into new
//! figures. Either way the figures are the one-stream figures by construction: the same
//! `Figures::add` sees the same runs at the same positions in the same order.

use std::borrow::Cow;

use crate::batch::{Runs, Sink};
use crate::run::{SyncRunStatus, ValidRun};
use crate::state::{put_u, unzigzag, zigzag, Bad, R};
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
    scratch: Vec<u8>,
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

const STARTED: u8 = 0x10;
const FINISHED: u8 = 0x20;
const ERROR: u8 = 0x40;
const LINE: u8 = 0x80;

fn write_entry(out: &mut Vec<u8>, last: &mut Last, run: &ValidRun<'_>, position: u64, line: Option<u64>) {
    let mut head = u8::try_from(run.status.index()).unwrap_or(0);
    if run.started_at.is_some() {
        head |= STARTED;
    }
    if run.finished_at.is_some() {
        head |= FINISHED;
    }
    if run.error.is_some() {
        head |= ERROR;
    }
    if line.is_some() {
        head |= LINE;
    }
    out.push(head);
    put_u(out, position.wrapping_sub(last.position));
    if let Some(line) = line {
        put_u(out, line.wrapping_sub(last.line));
        last.line = line;
    }
    put_u(out, zigzag(run.created_at.wrapping_sub(last.created)));
    if let Some(s) = run.started_at {
        put_u(out, zigzag(s.wrapping_sub(run.created_at)));
    }
    if let Some(f) = run.finished_at {
        put_u(out, zigzag(f.wrapping_sub(run.started_at.unwrap_or(run.created_at))));
    }
    put_u(out, run.query_size);
    for n in run.rows.iter().flatten() {
        put_u(out, *n);
    }
    put_u(out, run.id.len() as u64);
    out.extend_from_slice(run.id.as_bytes());
    if let Some(e) = &run.error {
        put_u(out, e.len() as u64);
        out.extend_from_slice(e.as_bytes());
    }
    last.position = position;
    last.created = run.created_at;
}

/// Reads one entry written by [`write_entry`].
fn read_entry<'a>(r: &mut R<'a>, last: &mut Last) -> Result<(ValidRun<'a>, u64, Option<u64>), Bad> {
    let head = r.byte()?;
    let status = *SyncRunStatus::ALL.get(usize::from(head & 0x0f)).ok_or(Bad)?;
    let position = last.position.wrapping_add(r.u()?);
    let line = if head & LINE != 0 {
        last.line = last.line.wrapping_add(r.u()?);
        Some(last.line)
    } else {
        None
    };
    let created_at = last.created.wrapping_add(unzigzag(r.u()?));
    let started_at = if head & STARTED != 0 { Some(created_at.wrapping_add(r.i()?)) } else { None };
    let finished_at =
        if head & FINISHED != 0 { Some(started_at.unwrap_or(created_at).wrapping_add(r.i()?)) } else { None };
    let query_size = r.u()?;
    let mut rows = [[0u64; 3]; 3];
    for n in rows.iter_mut().flatten() {
        *n = r.u()?;
    }
    let id = Cow::Borrowed(r.s()?);
    let error = if head & ERROR != 0 { Some(Cow::Borrowed(r.s()?)) } else { None };
    last.position = position;
    last.created = created_at;
    let run = ValidRun {
        id,
        status,
        created_at,
        started_at,
        finished_at,
        completion_ratio: 0.0,
        query_size,
        rows,
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
        let mut entry = std::mem::take(&mut self.scratch);
        entry.clear();
        write_entry(&mut entry, &mut self.last, run, position, line);
        match self.blocks.last_mut() {
            Some(block) if block.capacity() - block.len() >= entry.len() => block.extend_from_slice(&entry),
            _ => {
                let mut block = Vec::with_capacity(BLOCK.max(entry.len()));
                block.extend_from_slice(&entry);
                self.blocks.push(block);
            }
        }
        self.scratch = entry;
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
pub struct Saved<'a>(pub &'a [u8]);

impl Saved<'_> {
    /// Whether every entry reads, each after the one before it (record indexes increasing).
    pub fn check(&self) -> Result<(), Bad> {
        let mut previous: Option<u64> = None;
        let mut ordered = true;
        let whole = each_entry(std::iter::once(self.0), &mut |_, position, _| {
            ordered &= previous.is_none_or(|p| position > p);
            previous = Some(position);
        });
        if whole && ordered {
            Ok(())
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

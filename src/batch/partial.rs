//! Partial summaries (SPEC §7.1): a stream's state saved as bytes, loaded back, and merged
//! after another stream's.
//!
//! Design. A stream's figures ([`Figures`]) cannot be un-counted: "most recent" slots
//! (`latest`, `lastSuccess`, `lastFailure`, `lastTerminal`, each `topErrors` group's last
//! message, the first and last `createdAt`) keep one winner, and when a run of the later
//! stream turns out to be a duplicate of an id the earlier stream saw (SPEC §3.2: the earlier
//! counts), the winner it displaced is gone. So a stream also keeps its figures in a form they
//! can be rebuilt from: a ledger (`Figures::kept`) of its valid, first-of-their-id runs, each
//! as the 17 numbers the figures read (status, timestamps, rows, query size, ratio, record
//! index, NDJSON line) in as few bytes as they need, then its id and error message: 49 bytes a
//! run on the generator's runs (`scripts/gen-runs.mjs`), no JSON text. Merging replays the
//! later stream's ledger into the earlier one's figures with shifted positions and lines,
//! leaving out the runs whose id the earlier one saw (those become `duplicate_id` warnings at
//! their shifted paths, in input order among the kept issues); loading is a merge after an
//! empty stream. So merged or loaded figures are the one-stream figures by construction: the
//! same `Figures::add` sees the same runs at the same positions in the same order.
//!
//! What cannot be merged exactly is refused (`invalid_state`), never approximated: a part that
//! read its text as one JSON document (with `format: "auto"`, a part whose first line is not a
//! whole JSON value), or an earlier part whose text does not end at a line boundary.
//!
//! The state's bytes: magic `SRst`, format version, the package version, the payload, and a
//! 64-bit FNV-1a checksum of everything before it. Anything else is `invalid_state`.

use super::*;
use crate::health::{Misuse, MisuseCode};
use crate::run::SyncRunStatus;

impl Figures {
    /// Figures that also keep their runs, for a stream (see the module doc).
    pub fn kept(warning_is_failure: bool) -> Figures {
        let mut f = Figures::new(warning_is_failure);
        f.ledger = Some(Vec::new());
        f
    }
}

/// Append one run to a ledger.
pub(crate) fn keep_run(ledger: &mut Vec<u8>, run: &ValidRun<'_>, position: u64, line: Option<u64>) {
    write_run(&mut W(ledger), run, position, line);
}

/// Writes the state's varints and strings.
struct W<'a>(&'a mut Vec<u8>);

impl W<'_> {
    fn u(&mut self, mut v: u64) {
        if v < 0x80 {
            self.0.push(v as u8);
            return;
        }
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    /// `None` is 0, `Some(v)` is `v + 1`.
    fn o(&mut self, v: Option<u64>) {
        self.u(v.map_or(0, |v| v.saturating_add(1)));
    }
    fn b(&mut self, bytes: &[u8]) {
        self.u(bytes.len() as u64);
        self.0.extend_from_slice(bytes);
    }
    fn s(&mut self, s: &str) {
        self.b(s.as_bytes());
    }
    fn issue(&mut self, issue: &Issue) {
        self.u(code_index(issue.code));
        self.s(&issue.path);
        self.s(&issue.message);
        self.o(issue.line);
        self.o(issue.column);
    }
    fn oissue(&mut self, issue: Option<&Issue>) {
        self.u(u64::from(issue.is_some()));
        if let Some(issue) = issue {
            self.issue(issue);
        }
    }
}

/// Anything wrong with saved bytes.
struct Bad;

/// Reads what [`W`] wrote; every read is checked.
struct R<'a>(&'a [u8]);

impl<'a> R<'a> {
    fn byte(&mut self) -> Result<u8, Bad> {
        let (&b, rest) = self.0.split_first().ok_or(Bad)?;
        self.0 = rest;
        Ok(b)
    }
    fn u(&mut self) -> Result<u64, Bad> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f).checked_shl(shift).ok_or(Bad)?;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(Bad)
    }
    fn o(&mut self) -> Result<Option<u64>, Bad> {
        Ok(self.u()?.checked_sub(1))
    }
    fn flag(&mut self) -> Result<bool, Bad> {
        match self.u()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Bad),
        }
    }
    fn usize(&mut self) -> Result<usize, Bad> {
        usize::try_from(self.u()?).map_err(|_| Bad)
    }
    fn b(&mut self) -> Result<&'a [u8], Bad> {
        let n = self.usize()?;
        let (head, rest) = (self.0.get(..n).ok_or(Bad)?, self.0.get(n..).ok_or(Bad)?);
        self.0 = rest;
        Ok(head)
    }
    fn s(&mut self) -> Result<&'a str, Bad> {
        std::str::from_utf8(self.b()?).map_err(|_| Bad)
    }
    fn issue(&mut self) -> Result<Issue, Bad> {
        let code = *CODES.get(self.usize()?).ok_or(Bad)?;
        let path = self.s()?.to_string();
        let message = self.s()?;
        Ok(Issue::new(code, path, message).at(self.o()?, self.o()?))
    }
    fn oissue(&mut self) -> Result<Option<Issue>, Bad> {
        Ok(match self.flag()? {
            false => None,
            true => Some(self.issue()?),
        })
    }
}

/// Every issue code, by its number in the state.
const CODES: [IssueCode; 18] = {
    use IssueCode::*;
    [
        InvalidJson,
        InvalidUtf8,
        DuplicateKey,
        InvalidType,
        MissingField,
        InvalidId,
        UnknownStatus,
        InvalidTimestamp,
        InvalidNumber,
        UnknownField,
        InputTooLarge,
        StartedBeforeCreated,
        FinishedBeforeStarted,
        RowsExceedPlanned,
        SuccessWithFailedRows,
        FailedWithoutError,
        FinishedWhileInProgress,
        DuplicateId,
    ]
};

fn code_index(code: IssueCode) -> u64 {
    CODES.iter().position(|&c| c == code).unwrap_or_default() as u64
}

/// Numbers in a ledger entry.
const SLOTS: usize = 17;
/// Bytes of an entry's header: a nibble per number, its length in bytes (0–8).
const HEAD: usize = SLOTS.div_ceil(2);

/// The numbers of one ledger entry, put together on the stack and appended at once: a header
/// of lengths, then each number's low bytes. Branch-free, where LEB128 varints made a stream's
/// push 20% slower in WebAssembly (a loop step per 7 bits).
struct Nums {
    b: [u8; HEAD + 8 * SLOTS + 8],
    n: usize,
    slot: usize,
}

impl Nums {
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
    fn i(&mut self, v: i64) {
        self.u(((v << 1) ^ (v >> 63)) as u64);
    }
}

#[inline(never)]
fn write_run(w: &mut W<'_>, run: &ValidRun<'_>, position: u64, line: Option<u64>) {
    // Small numbers in few bytes: the line as its distance from the record index, the status
    // and which fields are present in one byte, start and finish as differences, the ratio's
    // bits rotated so that 0, 0.5 and 1 take two bytes.
    let error = run.error.as_deref();
    let mut x = Nums { b: [0; HEAD + 8 * SLOTS + 8], n: HEAD, slot: 0 };
    x.u(position);
    x.u(line.map_or(0, |l| l.wrapping_sub(position).saturating_add(1)));
    let flags = u64::from(run.started_at.is_some()) << 4
        | u64::from(run.finished_at.is_some()) << 5
        | u64::from(error.is_some()) << 6;
    x.u(run.status.index() as u64 | flags);
    x.i(run.created_at);
    let started = run.started_at.unwrap_or(run.created_at);
    x.i(run.started_at.map_or(0, |t| t.wrapping_sub(run.created_at)));
    x.i(run.finished_at.map_or(0, |t| t.wrapping_sub(started)));
    x.u(run.completion_ratio.to_bits().rotate_left(12));
    x.u(run.query_size);
    for &n in run.rows.as_flattened() {
        x.u(n);
    }
    w.0.extend_from_slice(x.b.get(..x.n).unwrap_or_default());
    w.s(&run.id);
    if let Some(e) = error {
        w.s(e);
    }
}

/// Reads the numbers of a ledger entry.
fn read_nums(r: &mut R<'_>) -> Result<[u64; SLOTS], Bad> {
    let (head, mut rest) = r.0.split_at_checked(HEAD).ok_or(Bad)?;
    let mut out = [0u64; SLOTS];
    for (i, v) in out.iter_mut().enumerate() {
        let len = usize::from(head.get(i / 2).ok_or(Bad)? >> (4 * (i % 2)) & 15);
        let (bytes, tail) = rest.split_at_checked(len).ok_or(Bad)?;
        let mut le = [0u8; 8];
        le.get_mut(..len).ok_or(Bad)?.copy_from_slice(bytes);
        *v = u64::from_le_bytes(le);
        rest = tail;
    }
    r.0 = rest;
    Ok(out)
}

/// One run of a ledger, with its record index and line.
struct Entry<'a> {
    run: ValidRun<'a>,
    position: u64,
    line: Option<u64>,
}

#[inline(never)]
fn read_run<'a>(r: &mut R<'a>) -> Result<Entry<'a>, Bad> {
    let [position, line, flags, created, started, finished, ratio, query_size, rows @ ..] = read_nums(r)?;
    let zigzag = |u: u64| ((u >> 1) as i64) ^ -((u & 1) as i64);
    let line = line.checked_sub(1).map(|d| d.wrapping_add(position));
    let status = *SyncRunStatus::ALL.get(usize::try_from(flags & 15).map_err(|_| Bad)?).ok_or(Bad)?;
    if flags >> 7 != 0 {
        return Err(Bad);
    }
    let created_at = zigzag(created);
    let started_at = (flags & 16 != 0).then(|| created_at.wrapping_add(zigzag(started)));
    let from = started_at.unwrap_or(created_at);
    let finished_at = (flags & 32 != 0).then(|| from.wrapping_add(zigzag(finished)));
    let completion_ratio = f64::from_bits(ratio.rotate_right(12));
    let [a, b, c, d, e, f, g, h, i] = rows;
    let rows = [[a, b, c], [d, e, f], [g, h, i]];
    let id = Cow::Borrowed(r.s()?);
    let error = if flags & 64 != 0 { Some(Cow::Borrowed(r.s()?)) } else { None };
    let run = ValidRun {
        id,
        status,
        created_at,
        started_at,
        finished_at,
        completion_ratio,
        query_size,
        rows,
        error,
        extra: Vec::new(),
        counts_extra: [Vec::new(), Vec::new(), Vec::new()],
    };
    Ok(Entry { run, position, line })
}

/// FNV-1a, 64 bits.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

const MAGIC: &[u8; 4] = b"SRst";
/// The layout of the payload; any change to it (or to what the engine's states mean) bumps it.
const FORMAT: u8 = 1;
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn invalid_state(message: &str) -> Misuse {
    Misuse { code: MisuseCode::InvalidState, message: message.to_string() }
}

fn not_partial() -> Misuse {
    invalid_state("only a stream made with SummaryStream.partial() (or loaded) keeps the runs to save or merge")
}

fn write_options(w: &mut W<'_>, o: &Options) {
    w.u(o.unknown_fields() as u64);
    w.u(u64::from(o.warning_is_failure()));
    w.u(o.max_issues() as u64);
    w.u(o.max_bytes());
    w.u(o.format() as u64);
}

fn read_options(r: &mut R<'_>) -> Result<Options, Bad> {
    let unknown = [UnknownFields::Strip, UnknownFields::Keep, UnknownFields::Error];
    let formats = [Format::Auto, Format::Json, Format::Ndjson];
    Ok(Options {
        unknown_fields: Some(*unknown.get(r.usize()?).ok_or(Bad)?),
        warning_is_failure: Some(r.flag()?),
        max_issues: Some(r.usize()?),
        max_bytes: Some(r.u()?),
        format: Some(*formats.get(r.usize()?).ok_or(Bad)?),
    })
}

/// The options as every stream resolves them, for comparing two streams' options.
pub fn resolved(o: &Options) -> Options {
    Options {
        unknown_fields: Some(o.unknown_fields()),
        warning_is_failure: Some(o.warning_is_failure()),
        max_issues: Some(o.max_issues()),
        max_bytes: Some(o.max_bytes()),
        format: Some(o.format()),
    }
}

fn write_mode(w: &mut W<'_>, mode: &Mode) {
    match mode {
        Mode::Detect { line_start, search_from, first } => {
            w.u(0);
            w.u(*line_start as u64);
            w.u(*search_from as u64);
            w.o(first.map(|(a, _)| a as u64));
            w.u(first.map_or(0, |(_, b)| b as u64));
        }
        Mode::Ndjson => w.u(1),
        Mode::Failed => w.u(2),
        Mode::Json(j) => w.u(match j {
            Json::Top => 3,
            Json::Element { env, first } => 4 + u64::from(*env) * 2 + u64::from(*first),
            Json::AfterElement { env } => 8 + u64::from(*env),
            Json::Envelope { after } => 10 + u64::from(*after),
            Json::Trailing => 12,
        }),
    }
}

fn read_mode(r: &mut R<'_>) -> Result<Mode, Bad> {
    Ok(match r.u()? {
        0 => {
            let line_start = r.usize()?;
            let search_from = r.usize()?;
            let a = r.o()?;
            let b = r.usize()?;
            let first = match a {
                Some(a) => Some((usize::try_from(a).map_err(|_| Bad)?, b)),
                None => None,
            };
            Mode::Detect { line_start, search_from, first }
        }
        1 => Mode::Ndjson,
        2 => Mode::Failed,
        3 => Mode::Json(Json::Top),
        t @ 4..=7 => Mode::Json(Json::Element { env: t >= 6, first: t % 2 == 1 }),
        t @ 8..=9 => Mode::Json(Json::AfterElement { env: t == 9 }),
        t @ 10..=11 => Mode::Json(Json::Envelope { after: t == 11 }),
        12 => Mode::Json(Json::Trailing),
        _ => return Err(Bad),
    })
}

/// The record index at the start of an NDJSON issue's path (`/N…`), and the length of `/N`.
#[inline(never)]
fn record_of(path: &str) -> Option<(u64, usize)> {
    let digits = path.strip_prefix('/')?.as_bytes();
    let len = digits.iter().take(19).take_while(|b| b.is_ascii_digit()).count();
    let n = digits.get(..len)?.iter().fold(0u64, |n, &d| n.wrapping_mul(10).wrapping_add(u64::from(d - b'0')));
    (len > 0).then_some((n, 1 + len))
}

/// An issue of `other` moved on by `records` records and `lines` lines.
#[inline(never)]
fn shifted(mut issue: Issue, records: u64, lines: u64) -> Issue {
    if let Some((n, len)) = record_of(&issue.path) {
        let mut p = String::with_capacity(issue.path.len() + 4);
        p.push('/');
        crate::out::Piece::put(&n.saturating_add(records), &mut p);
        p.push_str(issue.path.get(len..).unwrap_or_default());
        issue.path = p;
    }
    issue.line = issue.line.map(|l| l.saturating_add(lines));
    if let (IssueCode::InvalidJson, Some(line), Some(col)) = (issue.code, issue.line, issue.column) {
        // Its message names the line too: "invalid JSON at line L, column C: why".
        let why =
            memchr::memchr(b':', issue.message.as_bytes()).and_then(|i| issue.message.get(i + 2..)).unwrap_or_default();
        issue.message = invalid_json(why, line, col).message;
    }
    issue
}

/// The `duplicate_id` warning of a run of `other` whose id this stream saw.
#[inline(never)]
fn duplicate_at(position: u64, line: Option<u64>, id: &str) -> Issue {
    let mut path = String::with_capacity(16);
    path.push('/');
    crate::out::Piece::put(&position, &mut path);
    path.push_str("/id");
    let mut issue = duplicate_id(path, id);
    issue.line = line;
    issue
}

impl Batch<Figures> {
    /// The state as bytes (SPEC §7.1), with the stream's options.
    #[cold]
    #[inline(never)]
    pub fn save(&self, options: &Options) -> Result<Vec<u8>, Misuse> {
        let Some(ledger) = self.sink.ledger.as_deref() else { return Err(not_partial()) };
        let mut out: Vec<u8> =
            Vec::with_capacity(self.sink.ledger.as_ref().map_or(0, Vec::len) + self.feed.buf.len() + 256);
        out.extend_from_slice(MAGIC);
        out.push(FORMAT);
        let w = &mut W(&mut out);
        w.s(VERSION);
        write_options(w, options);
        let f = &self.feed;
        w.u(f.total);
        w.u(u64::from(f.started));
        w.oissue(f.early.as_ref());
        w.u(f.early_at);
        w.s(&f.buf);
        w.b(&f.pending);
        let e = &f.engine;
        write_mode(w, &e.mode);
        w.u(e.line);
        w.u(e.col);
        let keys: Vec<&Cow<'static, str>> = e.env_keys.keys().collect();
        w.u(keys.len() as u64);
        keys.iter().for_each(|k| w.s(k));
        w.oissue(e.fatal.as_ref());
        w.oissue(e.pending.as_ref());
        let t = &f.tally;
        for n in [t.records, t.valid, t.invalid, t.duplicates, t.error_count, t.warning_count] {
            w.u(n);
        }
        w.o(t.has_more.map(u64::from));
        w.u(u64::from(t.issues_truncated));
        w.u(t.issues.len() as u64);
        t.issues.iter().for_each(|i| w.issue(i));
        w.u(self.sink.kept);
        w.b(ledger);
        let sum = checksum(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        Ok(out)
    }

    /// A stream from saved bytes, with its options; anything but bytes `save` wrote is
    /// `invalid_state`.
    #[cold]
    #[inline(never)]
    pub fn load(bytes: &[u8]) -> Result<(Options, Batch<Figures>), Misuse> {
        let corrupted = || invalid_state("the saved state is corrupted or truncated (its checksum does not match)");
        let (body, sum) = bytes.split_at_checked(bytes.len().saturating_sub(8)).ok_or_else(corrupted)?;
        let (magic, rest) = body.split_at_checked(4).ok_or_else(corrupted)?;
        if magic != MAGIC || sum.len() != 8 {
            return Err(invalid_state("these bytes are not a saved SummaryStream state"));
        }
        if u64::from_le_bytes(sum.try_into().map_err(|_| corrupted())?) != checksum(body) {
            return Err(corrupted());
        }
        let mut r = R(rest);
        let version = r.byte().ok().filter(|&v| v == FORMAT).and_then(|_| r.s().ok());
        if version != Some(VERSION) {
            return Err(invalid_state(&text!(
                "the state was saved by another version of syncrun (this is ",
                VERSION,
                "); summarize the input again"
            )));
        }
        let read = Self::read(&mut r).map_err(|Bad| corrupted())?;
        if !r.0.is_empty() {
            return Err(corrupted());
        }
        Ok(read)
    }

    #[cold]
    #[inline(never)]
    fn read(r: &mut R<'_>) -> Result<(Options, Batch<Figures>), Bad> {
        let options = read_options(r)?;
        let mut batch = Batch::new(&options, Figures::kept(options.warning_is_failure()));
        fill(&mut batch, r)?;
        // Figures and ids are rebuilt by replaying the runs, as a merge after an empty stream
        // does (a long id's key depends on this instance's seed, so keys are made again).
        let mut out = Batch::new(&options, Figures::kept(options.warning_is_failure()));
        let (runs, duplicates) = (batch.sink.kept, batch.feed.tally.duplicates);
        out.merge(batch);
        let t = &out.feed.tally;
        if out.feed.early.is_none() && (out.sink.kept != runs || t.duplicates != duplicates || t.valid != runs) {
            return Err(Bad); // a run that does not decode, or an id twice
        }
        Ok((options, out))
    }
}

/// The saved fields into a new stream (its figures stay empty until the runs are replayed).
#[inline(never)]
fn fill(batch: &mut Batch<Figures>, r: &mut R<'_>) -> Result<(), Bad> {
    let f = &mut batch.feed;
    f.total = r.u()?;
    f.started = r.flag()?;
    f.early = r.oissue()?;
    f.early_at = r.u()?;
    f.buf = r.s()?.to_string();
    f.pending = r.b()?.to_vec();
    if f.pending.len() > 3 {
        return Err(Bad);
    }
    let e = &mut f.engine;
    e.mode = read_mode(r)?;
    e.line = r.u()?;
    e.col = r.u()?;
    for _ in 0..r.u()? {
        e.env_keys.insert(Cow::Owned(r.s()?.to_string()), ());
    }
    e.fatal = r.oissue()?;
    e.pending = r.oissue()?;
    let t = &mut f.tally;
    for n in [&mut t.records, &mut t.valid, &mut t.invalid, &mut t.duplicates, &mut t.error_count, &mut t.warning_count]
    {
        *n = r.u()?;
    }
    t.has_more = r.o()?.map(|b| b == 1);
    t.issues_truncated = r.flag()?;
    for _ in 0..r.u()? {
        t.issues.push(r.issue()?);
    }
    batch.sink.kept = r.u()?;
    batch.sink.ledger = Some(r.b()?.to_vec());
    Ok(())
}

impl Batch<Figures> {
    /// Read whatever whole records are buffered (what the next push would read anyway).
    #[inline(never)]
    fn settle(&mut self) {
        self.feed.retry_at = 0;
        if self.feed.early.is_none() {
            self.feed.drain(false, &mut self.sink);
        }
    }

    /// Whether `other` can be merged after this stream (SPEC §7.1); reads what both have
    /// buffered first. The caller has checked that their options are the same.
    #[cold]
    #[inline(never)]
    pub fn check_merge(&mut self, other: &mut Batch<Figures>) -> Result<(), Misuse> {
        if other.sink.ledger.is_none() {
            return Err(not_partial());
        }
        self.settle();
        other.settle();
        if self.feed.early.is_some()
            || other.feed.early.is_some()
            || matches!(other.feed.engine.mode, Mode::Detect { .. })
        {
            // Nothing more is read after a whole-input issue; an undecided `other` still holds
            // all of its text, which is pushed as it is.
            return Ok(());
        }
        if !matches!(other.feed.engine.mode, Mode::Ndjson) {
            return Err(invalid_state(
                "the stream to merge read its text as one JSON document; only NDJSON parts split between lines can be merged",
            ));
        }
        let a = &self.feed;
        if !a.pending.is_empty() || !(a.buf.is_empty() || a.buf.ends_with('\n')) {
            return Err(invalid_state(
                "this stream's text does not end at a line boundary; parts to merge must be split between lines",
            ));
        }
        match &a.engine.mode {
            Mode::Ndjson => Ok(()),
            Mode::Detect { .. } => {
                // The first non-blank line decides the combined text's format (SPEC §1).
                let mut at = 0;
                let first = loop {
                    let rest = a.buf.as_bytes().get(at..).unwrap_or_default();
                    let end = memchr::memchr(b'\n', rest).map_or(a.buf.len(), |i| at + i);
                    let line = a.buf.get(at..end).unwrap_or_default();
                    if !blank(line.as_bytes()) || end >= a.buf.len() {
                        break line;
                    }
                    at = end + 1;
                };
                if blank(first.as_bytes()) || complete_value(first) {
                    Ok(())
                } else {
                    Err(invalid_state(
                        "this stream's first line is not a whole JSON value, so the text together is not NDJSON; it cannot be merged",
                    ))
                }
            }
            _ => Err(invalid_state(
                "this stream read its text as one JSON document; only NDJSON parts split between lines can be merged",
            )),
        }
    }

    /// Append `other`'s state as if its chunks had been pushed after this stream's (SPEC §7.1).
    /// Call [`Batch::check_merge`] first; what it refuses is not merged exactly.
    #[cold]
    #[inline(never)]
    pub fn merge(&mut self, mut other: Batch<Figures>) {
        let total = self.feed.total.saturating_add(other.feed.total);
        let max = self.feed.max_bytes;
        if self.feed.early.is_some() {
            // Nothing after a whole-input issue is read.
        } else if let Some(issue) = other.feed.early.take() {
            self.feed.early = Some(if issue.code == IssueCode::InvalidUtf8 {
                self.feed.early_at = self.feed.total.saturating_add(other.feed.early_at);
                not_utf8(self.feed.early_at)
            } else {
                issue
            });
        } else if matches!(other.feed.engine.mode, Mode::Detect { .. }) && self.feed.total > 0 {
            // Undecided: nothing of it was read, its text is all in its buffer.
            let mut text = std::mem::take(&mut other.feed.buf).into_bytes();
            text.extend_from_slice(&other.feed.pending);
            self.feed.push(&text, &mut self.sink);
        } else {
            self.append(other);
        }
        self.feed.total = total;
        if total > max && !self.feed.early.as_ref().is_some_and(|i| i.code == IssueCode::InputTooLarge) {
            self.feed.early = Some(too_large(max));
            self.feed.buf = String::new();
            self.feed.pending = Vec::new();
        }
    }

    /// `other`'s NDJSON records after this stream's, which ends at a line boundary.
    #[cold]
    #[inline(never)]
    fn append(&mut self, mut other: Batch<Figures>) {
        let empty = self.feed.total == 0;
        if empty {
            // Nothing before it (a load is a merge after an empty stream): `other`'s reading
            // state is this stream's, whatever its format.
            std::mem::swap(&mut self.feed.engine, &mut other.feed.engine);
            self.feed.tally.has_more = other.feed.tally.has_more;
        } else if matches!(self.feed.engine.mode, Mode::Detect { .. }) {
            // `check_merge` found the text together to be NDJSON: read this stream's lines.
            self.feed.engine.mode = Mode::Ndjson;
            self.settle();
        }
        self.feed.started |= other.feed.started;
        let records = self.feed.tally.records;
        let lines = if empty { 0 } else { self.feed.engine.line.saturating_sub(1) };
        let a = &mut self.feed.tally;
        let b = other.feed.tally;
        // Runs of `other` whose id this stream saw become duplicates (the earlier counts).
        let mut dups: Vec<Issue> = Vec::new();
        let mut lr = R(other.sink.ledger.as_deref().unwrap_or_default());
        while let Ok(entry) = read_run(&mut lr) {
            let position = entry.position.saturating_add(records);
            let line = entry.line.map(|l| l.saturating_add(lines));
            if a.seen.insert(id_key(&entry.run.id)) {
                self.sink.run_at(&entry.run, position, line);
            } else {
                dups.push(duplicate_at(position, line, &entry.run.id));
            }
        }
        let dup_count = dups.len() as u64;
        a.records = a.records.saturating_add(b.records);
        a.valid = a.valid.saturating_add(b.valid.saturating_sub(dup_count));
        a.invalid = a.invalid.saturating_add(b.invalid);
        a.duplicates = a.duplicates.saturating_add(b.duplicates).saturating_add(dup_count);
        a.error_count = a.error_count.saturating_add(b.error_count);
        a.warning_count = a.warning_count.saturating_add(b.warning_count).saturating_add(dup_count);
        a.issues_truncated |= b.issues_truncated;
        // In input order: a new duplicate_id is the last issue of its record, so it goes before
        // the first kept issue of a later record (or after them all; when `other`'s list was
        // cut, that is past `maxIssues` anyway).
        let mut dups = dups.into_iter().peekable();
        for issue in b.issues {
            let issue = shifted(issue, records, lines);
            let at = record_of(&issue.path).map(|(n, _)| n);
            while let Some(d) = dups.next_if(|d| record_of(&d.path).map(|(n, _)| n) < at) {
                keep(a, d);
            }
            keep(a, issue);
        }
        dups.for_each(|d| keep(a, d));
        if !empty {
            let e = &mut self.feed.engine;
            e.line = e.line.saturating_add(other.feed.engine.line.saturating_sub(1));
            e.col = 0;
        }
        self.feed.buf = other.feed.buf;
        self.feed.pending = other.feed.pending;
        self.feed.retry_at = 0;
    }
}

/// Keep an already counted issue if there is room (SPEC §5 `maxIssues`).
fn keep(t: &mut Tally, issue: Issue) {
    if t.issues.len() < t.max_issues {
        t.issues.push(issue);
    } else {
        t.issues_truncated = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_paths() {
        let mut v = Vec::new();
        let w = &mut W(&mut v);
        for n in [0u64, 1, 127, 128, u64::MAX] {
            w.u(n);
        }
        let mut r = R(&v);
        for n in [0u64, 1, 127, 128, u64::MAX] {
            assert_eq!(r.u().ok(), Some(n));
        }
        assert!(r.0.is_empty());
        // A ledger entry's numbers, of every length 0-8 bytes.
        let mut x = Nums { b: [0; HEAD + 8 * SLOTS + 8], n: HEAD, slot: 0 };
        let want: [u64; SLOTS] = std::array::from_fn(|i| u64::MAX.checked_shr(4 * i as u32).unwrap_or(0));
        want.iter().for_each(|&v| x.u(v));
        let mut r = R(x.b.get(..x.n).unwrap());
        assert_eq!(read_nums(&mut r).ok(), Some(want));
        assert!(r.0.is_empty());
        let path = |p: &str| shifted(Issue::new(IssueCode::InvalidId, p.to_string(), "m"), 7, 0).path;
        assert_eq!(path("/3/plannedRows/addedCount"), "/10/plannedRows/addedCount");
        assert_eq!(path("/0"), "/7");
        assert_eq!(path(""), "");
        assert_eq!(path("/data/1"), "/data/1");
        for (i, &c) in CODES.iter().enumerate() {
            assert_eq!(code_index(c), i as u64);
        }
    }
}

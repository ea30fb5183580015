//! Batches (SPEC §1, §5, §7): reading arrays, envelopes, NDJSON and single runs, from one window
//! of text or from chunks.
//!
//! One engine serves both: the batch functions feed it the whole text once, the stream feeds it
//! whatever has arrived and keeps the bytes it did not consume (at most the record it is inside).
//! So the stream gives the batch's answer by construction, issues and line numbers included.

use std::borrow::Cow;

use crate::issue::{child, Base, Issue, IssueCode};
use crate::json::{chars, count_byte, duplicate_key, Fail, KeySet, Reader, Scalar};
use crate::options::{Format, Options, UnknownFields};
use crate::out::text;
use crate::run::{read_record, Checked, SyncRun, ValidRun};
use crate::summary::{BatchSummary, Figures};
use crate::table::{StrMap, U64Set};

mod partial;
pub use partial::resolved;

/// What happens to each valid, de-duplicated run.
pub trait Sink {
    /// `position` is the record's index in the input.
    fn run(&mut self, run: &ValidRun<'_>, position: u64);

    /// The same, with the record's NDJSON line where it has one (SPEC §7.1 keeps it).
    fn run_at(&mut self, run: &ValidRun<'_>, position: u64, _line: Option<u64>) {
        self.run(run, position);
    }
}

impl Sink for Figures {
    fn run(&mut self, run: &ValidRun<'_>, position: u64) {
        self.run_at(run, position, None);
    }

    fn run_at(&mut self, run: &ValidRun<'_>, position: u64, line: Option<u64>) {
        self.add(run, position);
        if let Some(ledger) = &mut self.ledger {
            partial::keep_run(ledger, run, position, line);
            self.kept += 1;
        }
    }
}

impl Sink for Vec<SyncRun> {
    fn run(&mut self, run: &ValidRun<'_>, _position: u64) {
        self.push(run.to_sync_run());
    }
}

static HASH_SEED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Seed every hash of the crate (src/table.rs; the wasm boundary does it from `Math.random`
/// before its first call; native builds seed from the standard library's random keys on first use).
pub fn set_hash_seed(seed: u64) {
    HASH_SEED.store(seed | 1, std::sync::atomic::Ordering::Relaxed);
}

pub(crate) fn hash_seed() -> u64 {
    let seed = HASH_SEED.load(std::sync::atomic::Ordering::Relaxed);
    if seed != 0 {
        return seed;
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::hash::BuildHasher;
        set_hash_seed(std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64));
    }
    #[cfg(target_arch = "wasm32")]
    set_hash_seed(0x9E37_79B9_7F4A_7C15);
    HASH_SEED.load(std::sync::atomic::Ordering::Relaxed)
}

/// A 64-bit key per id, so that de-duplicating a million runs costs ~10 bytes each, not a copy
/// of every id (SPEC §7: memory bounded by a few bytes per run).
/// - Decimal ids without a leading zero, up to 18 digits (what the API returns): their value,
///   exactly (top bits 00).
/// - Other ids of up to 7 bytes: the bytes and the length, exactly (top bits 01).
/// - Longer ids: a 63-bit SipHash keyed by the instance's random seed (top bit 1). Two different
///   long ids share a key with probability about n²/2⁶⁴ (4·10⁻⁷ for 2.6 million runs); they would
///   then count as duplicates. Pairs cannot be prepared in advance: the key is not known.
fn id_key(id: &str) -> u64 {
    let b = id.as_bytes();
    let numeric =
        !b.is_empty() && b.len() <= 18 && b.iter().all(u8::is_ascii_digit) && (b.len() == 1 || !b.starts_with(b"0"));
    if numeric {
        b.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'))
    } else if b.len() <= 7 {
        let packed = b.iter().enumerate().fold(0u64, |k, (i, &x)| k | (u64::from(x) << (8 * i)));
        (1 << 62) | ((b.len() as u64) << 56) | packed
    } else {
        // Keyed with the instance's seed: with a fixed key, colliding pairs of long ids can be
        // searched for offline (minutes on one core) and one of them would be dropped.
        (1 << 63) | (crate::table::hash_str(id) >> 1)
    }
}

/// The `duplicate_id` warning of a run whose id an earlier valid run had (SPEC §3.2).
fn duplicate_id(path: String, id: &str) -> Issue {
    Issue::new(
        IssueCode::DuplicateId,
        path,
        text!("id \"", id, "\" was already seen in an earlier run; this one is left out"),
    )
}

/// Counts, issues and de-duplication of a batch: what every batch result has.
pub struct Tally {
    max_issues: usize,
    pub records: u64,
    pub valid: u64,
    pub invalid: u64,
    pub duplicates: u64,
    pub has_more: Option<bool>,
    pub error_count: u64,
    pub warning_count: u64,
    pub issues: Vec<Issue>,
    pub issues_truncated: bool,
    seen: U64Set,
}

impl Tally {
    pub fn new(max_issues: usize) -> Tally {
        Tally {
            max_issues,
            records: 0,
            valid: 0,
            invalid: 0,
            duplicates: 0,
            has_more: None,
            error_count: 0,
            warning_count: 0,
            issues: Vec::new(),
            issues_truncated: false,
            seen: U64Set::default(),
        }
    }

    /// Keep an issue if there is room; count it either way.
    pub fn issue(&mut self, issue: Issue) {
        if issue.is_error() {
            self.error_count += 1;
        } else {
            self.warning_count += 1;
        }
        if self.issues.len() < self.max_issues {
            self.issues.push(issue);
        } else {
            self.issues_truncated = true;
        }
    }

    /// Account for one record at `base`.
    pub fn record(&mut self, checked: Checked<'_>, base: Base<'_>, line: Option<u64>, sink: &mut dyn Sink) {
        let position = self.records;
        self.records += 1;
        let issues = match checked {
            Checked::Invalid(issues) => {
                self.invalid += 1;
                issues
            }
            Checked::Valid(run, mut warnings) => {
                if self.seen.insert(id_key(&run.id)) {
                    self.valid += 1;
                    sink.run_at(&run, position, line);
                } else {
                    self.duplicates += 1;
                    warnings.push(duplicate_id(base.child("id"), &run.id));
                }
                warnings
            }
        };
        for mut issue in issues {
            if line.is_some() {
                issue.line = line;
            }
            self.issue(issue);
        }
    }

    /// The result when the input as a whole cannot be read: no records, that one issue.
    fn only(&mut self, issue: Issue) {
        *self = Tally::new(self.max_issues);
        self.issue(issue);
    }

    /// The batch summary, with these counts and issues and the given figures.
    pub fn summary(self, figures: Figures) -> BatchSummary {
        let mut out = BatchSummary {
            records: self.records,
            valid: self.valid,
            invalid: self.invalid,
            duplicates: self.duplicates,
            has_more: self.has_more,
            error_count: self.error_count,
            warning_count: self.warning_count,
            issues: self.issues,
            issues_truncated: self.issues_truncated,
            ..BatchSummary::default()
        };
        figures.finish(&mut out);
        out
    }
}

/// Where the JSON reading of a batch is.
#[derive(Debug, Clone)]
enum Json {
    /// Before the top-level value.
    Top,
    /// At an array element (`first`: `]` may close the array here). `env`: inside the envelope's `data`.
    Element { env: bool, first: bool },
    /// After an element: `,` or `]`.
    AfterElement { env: bool },
    /// Inside the envelope, at a member (`after`: after one, expecting `,` or `}`).
    Envelope { after: bool },
    /// After the top-level value: only white space may follow.
    Trailing,
}

#[derive(Debug, Clone)]
enum Mode {
    /// `format: "auto"`: looking at lines to choose NDJSON or JSON. Nothing is consumed here, so
    /// offsets are from the start of the text.
    Detect {
        line_start: usize,
        search_from: usize,
        first: Option<(usize, usize)>,
    },
    Ndjson,
    Json(Json),
    /// Whole input unreadable (the issue is in `fatal`); the rest is ignored.
    Failed,
}

/// Reads a batch from successive windows of text (without a byte order mark).
pub struct Engine {
    unknown: UnknownFields,
    mode: Mode,
    /// 1-based line at the window start, and code points since the last newline before it.
    line: u64,
    col: u64,
    /// Keys of the envelope seen so far, for duplicate keys (a hash set: an envelope may be hostile).
    env_keys: StrMap<Cow<'static, str>, ()>,
    /// A whole-input issue that wins over records: invalid JSON, not a batch, `data` not an array.
    pub fatal: Option<Issue>,
    /// "Not a batch" or "`data` not an array": reported at the end unless the text also turns
    /// out not to be JSON.
    pending: Option<Issue>,
}

fn blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// A position (line, and code points already on that line) moved past `text`: one engine
/// window to the next, or the start of a text to an error in it.
pub(crate) fn advance((line, col): (u64, u64), text: &[u8]) -> (u64, u64) {
    match memchr::memrchr(b'\n', text) {
        Some(nl) => (line + count_byte(text, b'\n'), chars(text.get(nl + 1..).unwrap_or_default())),
        None => (line, col + chars(text)),
    }
}

/// Whether `line` holds exactly one JSON value.
fn complete_value(line: &str) -> bool {
    let mut r = Reader::new(line, true);
    r.skip_value(0, &mut String::new(), &mut Vec::new()).is_ok() && r.at_end()
}

/// What a step of JSON reading did.
enum Step {
    /// Moved on to `pos` (in the window).
    To(usize),
    /// Read to the end of the text.
    Done,
}

impl Engine {
    pub fn new(options: &Options) -> Engine {
        let mode = match options.format() {
            Format::Auto => Mode::Detect { line_start: 0, search_from: 0, first: None },
            Format::Json => Mode::Json(Json::Top),
            Format::Ndjson => Mode::Ndjson,
        };
        Engine {
            unknown: options.unknown_fields(),
            mode,
            line: 1,
            col: 0,
            env_keys: StrMap::default(),
            fatal: None,
            pending: None,
        }
    }

    /// Line and column (1-based, column in code points) of byte `at` of the window `w`.
    fn position(&self, w: &str, at: usize) -> (u64, u64) {
        let w = w.as_bytes();
        let (line, col) = advance((self.line, self.col), w.get(..at).unwrap_or(w));
        (line, col + 1)
    }

    fn fail(&mut self, w: &str, at: usize, msg: &str) {
        let (line, col) = self.position(w, at);
        self.fatal = Some(invalid_json(msg, line, col));
        self.mode = Mode::Failed;
    }

    /// Read what can be read of window `w` (`last`: no text follows it). Returns the number of
    /// bytes consumed; the caller passes the rest again, with more, next time.
    /// The sink is `dyn`: one copy of the engine serves every kind of result (a call per run
    /// costs nothing next to reading it, and the .wasm is smaller).
    pub fn feed(&mut self, w: &str, last: bool, tally: &mut Tally, sink: &mut dyn Sink) -> usize {
        let consumed = self.step(w, last, tally, sink).min(w.len());
        if !last && !matches!(self.mode, Mode::Ndjson | Mode::Failed) {
            // Keep line and column of the next window's start (NDJSON counts its own lines).
            (self.line, self.col) = advance((self.line, self.col), w.as_bytes().get(..consumed).unwrap_or_default());
        } else if self.fatal.is_none() {
            self.fatal = self.pending.take();
        }
        consumed
    }

    fn step(&mut self, w: &str, last: bool, tally: &mut Tally, sink: &mut dyn Sink) -> usize {
        let mut pos = 0usize;
        loop {
            match self.mode.clone() {
                Mode::Failed => return w.len(),
                Mode::Detect { line_start, search_from, first } => {
                    match detect(w, last, line_start, search_from, first) {
                        Ok(next) => self.mode = next,
                        Err(progress) => {
                            self.mode = progress;
                            return 0;
                        }
                    }
                }
                Mode::Ndjson => return self.ndjson(w, last, tally, sink),
                Mode::Json(state) => {
                    let mut r = Reader::new(w.get(pos..).unwrap_or_default(), last);
                    match self.json(&mut r, pos, state, tally, sink) {
                        Ok(Step::To(p)) => pos = p,
                        Ok(Step::Done) => return w.len(),
                        Err(Fail::Incomplete) => return pos,
                        Err(Fail::Syntax { at, msg }) => {
                            self.fail(w, pos + at, &msg);
                            return w.len();
                        }
                    }
                }
            }
        }
    }

    /// NDJSON: one record per non-blank line; a bad line spoils only its own record.
    fn ndjson(&mut self, w: &str, last: bool, tally: &mut Tally, sink: &mut dyn Sink) -> usize {
        let mut pos = 0usize;
        let mut line_no = self.line;
        loop {
            // Lines end at an ASCII newline, so every slice here is on character boundaries.
            let rest = w.get(pos..).unwrap_or_default();
            let (line, next) = match memchr::memchr(b'\n', rest.as_bytes()) {
                Some(i) => (rest.get(..i).unwrap_or_default(), pos + i + 1),
                None if !last => {
                    // The next window starts at this line's start.
                    self.line = line_no;
                    self.col = 0;
                    return pos;
                }
                None if rest.is_empty() => return w.len(),
                None => (rest, w.len()),
            };
            if !blank(line.as_bytes()) {
                let base = Base::record("", tally.records);
                let mut r = Reader::new(line, true);
                let checked = match read_record(&mut r, base, self.unknown) {
                    Ok(c) if r.at_end() => Ok(c),
                    Ok(_) => Err((r.pos, "unexpected text after the run (one run per line)".into())),
                    Err(Fail::Syntax { at, msg }) => Err((at, msg)),
                    Err(Fail::Incomplete) => Err((line.len(), "unexpected end of line".into())),
                };
                let checked = checked.unwrap_or_else(|(at, msg)| {
                    // NDJSON windows always start at a line start (the byte order mark, if any,
                    // was removed before the engine saw the text), so columns start at 1.
                    let col = chars(line.as_bytes().get(..at).unwrap_or_default()) + 1;
                    let mut issue = invalid_json(&msg, line_no, col);
                    issue.path = base.path();
                    Checked::Invalid(vec![issue])
                });
                tally.record(checked, base, Some(line_no), sink);
            }
            line_no += 1;
            pos = next;
            if pos >= w.len() {
                self.line = line_no;
                self.col = 0;
                return w.len();
            }
        }
    }

    /// One step of reading a JSON batch; the reader is on `w[base..]`.
    fn json(
        &mut self,
        r: &mut Reader<'_>,
        base: usize,
        state: Json,
        tally: &mut Tally,
        sink: &mut dyn Sink,
    ) -> Result<Step, Fail> {
        match state {
            Json::Top => match r.peek()? {
                b'[' => {
                    r.pos += 1;
                    self.mode = Mode::Json(Json::Element { env: false, first: true });
                    Ok(Step::To(base + r.pos))
                }
                b'{' => self.object_top(r, base, tally, sink),
                _ => {
                    let found = r.scalar(&mut String::new(), &mut Vec::new())?;
                    self.pending = Some(Issue::new(
                        IssueCode::InvalidType,
                        String::new(),
                        text!(
                            "expected an array of runs, a {\"data\": [...]} envelope, NDJSON or a run object, ",
                            "found ",
                            found.type_name()
                        ),
                    ));
                    self.mode = Mode::Json(Json::Trailing);
                    Ok(Step::To(base + r.pos))
                }
            },
            Json::Element { env, first } => {
                if first && r.peek()? == b']' {
                    r.pos += 1;
                    self.end_array(env);
                    return Ok(Step::To(base + r.pos));
                }
                let record = Base::record(if env { "/data" } else { "" }, tally.records);
                let checked = read_record(r, record, self.unknown)?;
                tally.record(checked, record, None, sink);
                self.mode = Mode::Json(Json::AfterElement { env });
                Ok(Step::To(base + r.pos))
            }
            Json::AfterElement { env } => {
                if r.comma_or(b']')? {
                    self.mode = Mode::Json(Json::Element { env, first: false });
                } else {
                    self.end_array(env);
                }
                Ok(Step::To(base + r.pos))
            }
            Json::Envelope { after: true } => {
                if r.comma_or(b'}')? {
                    self.mode = Mode::Json(Json::Envelope { after: false });
                } else {
                    self.mode = Mode::Json(Json::Trailing);
                }
                Ok(Step::To(base + r.pos))
            }
            Json::Envelope { after: false } => {
                let key = r.key()?;
                let path = child("", &key);
                let mut found = Vec::new();
                let fresh = !self.env_keys.contains(key.as_ref());
                if !fresh {
                    found.push(duplicate_key(&path));
                }
                if fresh && key == "hasMore" {
                    let v = r.scalar(&mut path.clone(), &mut found)?;
                    tally.has_more = if let Scalar::Bool(b) = v { Some(b) } else { None };
                } else {
                    r.skip_value(1, &mut path.clone(), &mut found)?;
                }
                if fresh {
                    self.env_keys.insert(Cow::Owned(key.into_owned()), ());
                }
                found.into_iter().for_each(|i| tally.issue(i));
                self.mode = Mode::Json(Json::Envelope { after: true });
                Ok(Step::To(base + r.pos))
            }
            Json::Trailing => {
                if r.at_end() {
                    return Ok(Step::Done);
                }
                Err(Fail::Syntax { at: r.pos, msg: "unexpected text after the JSON value".into() })
            }
        }
    }

    fn end_array(&mut self, env: bool) {
        self.mode = Mode::Json(if env { Json::Envelope { after: true } } else { Json::Trailing });
    }

    /// A top-level object is an envelope when it has a `data` key, else a single run. Its
    /// members before `data` are read without consuming, so a run can be read again whole.
    fn object_top(
        &mut self,
        r: &mut Reader<'_>,
        base: usize,
        tally: &mut Tally,
        sink: &mut dyn Sink,
    ) -> Result<Step, Fail> {
        let start = r.pos;
        let mut found = Vec::new();
        let mut has_more = None;
        let mut keys = KeySet::default();
        let mut names: StrMap<Cow<'static, str>, ()> = StrMap::default();
        if r.object_start()? {
            loop {
                let key = r.key()?;
                let path = child("", &key);
                let fresh = keys.insert(key.clone());
                if !fresh {
                    found.push(duplicate_key(&path));
                }
                if fresh && key == "data" {
                    // An envelope: what was read before `data` is its members. Read the start of
                    // `data` before changing any state: if the window ends here, the object is
                    // read again from its start with more text, and its issues must not be
                    // counted twice.
                    let not_array = if r.peek()? == b'[' {
                        r.pos += 1;
                        None
                    } else {
                        let v = r.scalar(&mut path.clone(), &mut Vec::new())?;
                        Some(Issue::new(
                            IssueCode::InvalidType,
                            path,
                            text!("the envelope's \"data\" must be an array of runs, found ", v.type_name()),
                        ))
                    };
                    names.insert(Cow::Owned(key.into_owned()), ());
                    self.env_keys = names;
                    tally.has_more = has_more;
                    found.into_iter().for_each(|i| tally.issue(i));
                    self.mode = Mode::Json(match not_array {
                        None => Json::Element { env: true, first: true },
                        Some(issue) => {
                            self.pending = Some(issue);
                            Json::Envelope { after: true }
                        }
                    });
                    return Ok(Step::To(base + r.pos));
                }
                if fresh && key == "hasMore" {
                    if let Scalar::Bool(b) = r.scalar(&mut path.clone(), &mut found)? {
                        has_more = Some(b);
                    }
                } else {
                    r.skip_value(1, &mut path.clone(), &mut found)?;
                }
                if fresh {
                    names.insert(Cow::Owned(key.into_owned()), ());
                }
                if !r.comma_or(b'}')? {
                    break;
                }
            }
        }
        // No `data`: the object is one run, read again from its start.
        r.pos = start;
        let checked = read_record(r, Base::ROOT, self.unknown)?;
        tally.record(checked, Base::ROOT, None, sink);
        self.mode = Mode::Json(Json::Trailing);
        Ok(Step::To(base + r.pos))
    }
}

/// The `invalid_json` issue at a position.
pub(crate) fn invalid_json(msg: &str, line: u64, col: u64) -> Issue {
    Issue::new(IssueCode::InvalidJson, String::new(), text!("invalid JSON at line ", line, ", column ", col, ": ", msg))
        .at(Some(line), Some(col))
}

/// SPEC §1 auto-detection: NDJSON when there is more than one non-blank line and the first is a
/// whole JSON value. `Ok(mode)` once decided; `Err(progress)` when more text is needed.
fn detect(
    w: &str,
    last: bool,
    mut line_start: usize,
    mut search_from: usize,
    mut first: Option<(usize, usize)>,
) -> Result<Mode, Mode> {
    loop {
        let (line_end, has_nl) = match memchr::memchr(b'\n', w.as_bytes().get(search_from..).unwrap_or_default()) {
            Some(i) => (search_from + i, true),
            None if last => (w.len(), false),
            None => return Err(Mode::Detect { line_start, search_from: w.len(), first }),
        };
        let line = w.get(line_start..line_end).unwrap_or_default();
        if !blank(line.as_bytes()) {
            match first {
                None => first = Some((line_start, line_end)),
                Some((a, b)) => {
                    let first_line = w.get(a..b).unwrap_or_default();
                    return Ok(if complete_value(first_line) { Mode::Ndjson } else { Mode::Json(Json::Top) });
                }
            }
        }
        if !has_nl {
            return Ok(Mode::Json(Json::Top));
        }
        line_start = line_end + 1;
        search_from = line_start;
    }
}

/// Reads a whole text or a sequence of chunks into a batch result.
pub struct Batch<S: Sink + Default> {
    feed: Feed,
    pub sink: S,
}

/// Everything of a [`Batch`] but its sink: not generic, so one copy of this code serves every
/// kind of sink (the .wasm had one per sink).
struct Feed {
    engine: Engine,
    tally: Tally,
    max_bytes: u64,
    /// Bytes received, for `maxBytes`.
    total: u64,
    /// Text received and validated, not yet consumed by the engine.
    buf: String,
    /// At most 3 bytes: a character cut by the end of the last chunk.
    pending: Vec<u8>,
    /// Whether the start of the text (and its byte order mark) has been dealt with.
    started: bool,
    /// A whole-input issue found before parsing: too large or not UTF-8.
    early: Option<Issue>,
    /// The input offset of the first byte that is not UTF-8, when `early` says so (SPEC §7.1
    /// shifts it when a stream is merged after another).
    early_at: u64,
    /// Buffer length at which an incomplete record is worth reading again (0: at once).
    retry_at: usize,
}

/// Leftovers up to this size are retried at every chunk (a few records' worth).
const RETRY_FLOOR: usize = 64 * 1024;

pub(crate) fn too_large(max: u64) -> Issue {
    Issue::new(
        IssueCode::InputTooLarge,
        String::new(),
        text!("the input is longer than maxBytes (", max, " bytes); nothing was read"),
    )
}

pub(crate) fn not_utf8(at: u64) -> Issue {
    Issue::new(IssueCode::InvalidUtf8, String::new(), text!("the input is not valid UTF-8 (byte ", at, ")"))
}

impl<S: Sink + Default> Batch<S> {
    pub fn new(options: &Options, sink: S) -> Batch<S> {
        Batch { feed: Feed::new(options), sink }
    }

    /// The counts and issues so far.
    pub fn tally(&mut self) -> &mut Tally {
        &mut self.feed.tally
    }

    /// Read a whole text at once (no copy).
    pub fn whole(mut self, text: &[u8]) -> (Tally, S) {
        let done = self.feed.whole(text, &mut self.sink);
        self.result(done)
    }

    /// Take one more chunk of a text (SPEC §7).
    pub fn push(&mut self, chunk: &[u8]) {
        self.feed.push(chunk, &mut self.sink);
    }

    /// No more chunks: read what is left and give the result.
    pub fn finish(mut self) -> (Tally, S) {
        let done = self.feed.finish(&mut self.sink);
        self.result(done)
    }

    /// The tally, and the sink unless the input as a whole could not be read (`readable`).
    fn result(self, (tally, readable): (Tally, bool)) -> (Tally, S) {
        (tally, if readable { self.sink } else { S::default() })
    }
}

impl Feed {
    fn new(options: &Options) -> Feed {
        Feed {
            engine: Engine::new(options),
            tally: Tally::new(options.max_issues()),
            max_bytes: options.max_bytes(),
            total: 0,
            buf: String::new(),
            pending: Vec::new(),
            started: false,
            early: None,
            early_at: 0,
            retry_at: 0,
        }
    }

    fn whole(&mut self, text: &[u8], sink: &mut dyn Sink) -> (Tally, bool) {
        if text.len() as u64 > self.max_bytes {
            self.early = Some(too_large(self.max_bytes));
        } else {
            match std::str::from_utf8(text) {
                Err(e) => self.early = Some(not_utf8(e.valid_up_to() as u64)),
                Ok(text) => {
                    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
                    self.engine.feed(text, true, &mut self.tally, sink);
                }
            }
        }
        self.finish_tally()
    }

    fn push(&mut self, chunk: &[u8], sink: &mut dyn Sink) {
        let before = self.total;
        self.total = self.total.saturating_add(chunk.len() as u64);
        if self.total > self.max_bytes {
            // Too large wins over whatever was found before (invalid UTF-8 in an earlier chunk),
            // as in `whole`: SPEC §3.1, nothing else is read.
            if !self.early.as_ref().is_some_and(|i| i.code == IssueCode::InputTooLarge) {
                self.early = Some(too_large(self.max_bytes));
                self.buf = String::new();
                self.pending = Vec::new();
            }
            return;
        }
        if self.early.is_some() {
            return;
        }
        match self.take_text(chunk, before) {
            Ok(()) => self.drain(false, sink),
            Err(at) => {
                self.early = Some(not_utf8(at));
                self.early_at = at;
                self.buf = String::new();
                self.pending = Vec::new();
            }
        }
    }

    /// Append the valid UTF-8 of `chunk` to the buffer, keeping a character cut at its end for
    /// the next chunk. `Err` holds the input offset of the first byte that is not UTF-8.
    fn take_text(&mut self, chunk: &[u8], chunk_at: u64) -> Result<(), u64> {
        let mut rest = chunk;
        if !self.pending.is_empty() {
            // Finish the cut character with the first bytes of this chunk.
            let had = self.pending.len();
            let take = chunk.len().min(3);
            self.pending.extend_from_slice(chunk.get(..take).unwrap_or_default());
            let joined = std::mem::take(&mut self.pending);
            let valid = match std::str::from_utf8(&joined) {
                Ok(_) => joined.len(),
                Err(e) if e.valid_up_to() > 0 => e.valid_up_to(),
                Err(e) if e.error_len().is_none() => {
                    self.pending = joined; // still cut: the chunk was shorter than the character
                    return Ok(());
                }
                Err(_) => return Err(chunk_at - had as u64),
            };
            self.buf.push_str(std::str::from_utf8(joined.get(..valid).unwrap_or_default()).unwrap_or_default());
            rest = chunk.get(valid - had..).unwrap_or_default();
        }
        let rest_at = chunk_at + (chunk.len() - rest.len()) as u64;
        match std::str::from_utf8(rest) {
            Ok(text) => self.buf.push_str(text),
            Err(e) => {
                let (good, tail) = rest.split_at(e.valid_up_to());
                self.buf.push_str(std::str::from_utf8(good).unwrap_or_default());
                if e.error_len().is_some() {
                    return Err(rest_at + good.len() as u64);
                }
                self.pending.extend_from_slice(tail);
            }
        }
        Ok(())
    }

    fn drain(&mut self, last: bool, sink: &mut dyn Sink) {
        if !last && self.buf.len() < self.retry_at {
            return; // the record in the buffer is still incomplete; wait until it has doubled
        }
        if !self.started {
            if self.buf.is_empty() && !last {
                return; // the byte order mark may still be on its way
            }
            if self.buf.starts_with('\u{FEFF}') {
                self.buf.drain(..'\u{FEFF}'.len_utf8());
            }
            self.started = true;
        }
        let n = self.engine.feed(&self.buf, last, &mut self.tally, sink);
        // The engine stops between tokens or lines, so `n` is on a character boundary.
        if self.buf.is_char_boundary(n) {
            self.buf.drain(..n);
        } else {
            self.buf.clear();
        }
        // What is left is one incomplete record (or line), read again from its start next time.
        // Retrying only once the buffer has doubled keeps a 20 MB record that arrives in 64 KiB
        // chunks linear (SPEC §7) instead of re-reading it 320 times.
        self.retry_at = if self.buf.len() > RETRY_FLOOR { 2 * self.buf.len() } else { 0 };
    }

    fn finish(&mut self, sink: &mut dyn Sink) -> (Tally, bool) {
        if self.early.is_none() {
            if self.pending.is_empty() {
                self.drain(true, sink);
            } else {
                // The text ended inside a UTF-8 sequence.
                self.early = Some(not_utf8(self.total - self.pending.len() as u64));
            }
        }
        self.finish_tally()
    }

    /// The tally, and whether the input as a whole was readable (else the tally holds only the
    /// issue that says why, and the sink's runs are to be dropped).
    fn finish_tally(&mut self) -> (Tally, bool) {
        let readable = match self.early.take().or_else(|| self.engine.fatal.take()) {
            Some(issue) => {
                self.tally.only(issue);
                false
            }
            None => true,
        };
        (std::mem::replace(&mut self.tally, Tally::new(0)), readable)
    }
}

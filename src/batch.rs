//! Batches (SPEC §1, §5, §7): reading arrays, envelopes, NDJSON and single runs, from one window
//! of text or from chunks.
//!
//! One engine serves both: the batch functions feed it the whole text once, the stream feeds it
//! whatever has arrived and keeps the bytes it did not consume (at most the record it is inside).
//! So the stream gives the batch's answer by construction, issues and line numbers included.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::issue::{child, Base, Issue, IssueCode};
use crate::json::{advance, duplicate_key, Fail, KeySet, Reader, Scalar};
use crate::options::{Format, Options, UnknownFields};
use crate::read::read_record;
use crate::run::{Checked, SyncRun, ValidRun};
use crate::table::{StrMap, U64Set};
use crate::write::text;

/// Saving a batch's state, and appending one after another (SPEC §7.1).
mod saved;

/// What happens to each valid, de-duplicated run.
pub trait Sink {
    /// `position` is the record's index in the input, `line` its NDJSON line.
    fn run(&mut self, run: &ValidRun<'_>, position: u64, line: Option<u64>);
}

impl Sink for Vec<SyncRun> {
    fn run(&mut self, run: &ValidRun<'_>, _position: u64, _line: Option<u64>) {
        self.push(run.to_sync_run());
    }
}

/// Valid, first-of-their-id runs of a part, in input order, each with its record index and
/// line in that part: what [`Batch::append`] replays.
pub trait Runs {
    /// Call `f` with each run, its record index and its line.
    fn each(&self, f: &mut dyn FnMut(&ValidRun<'_>, u64, Option<u64>));
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

/// The counts of a batch (SPEC §5, §8): how its records went, and how many issues it had in
/// all (never truncated). One type wherever they appear: the engine's tally, the members of
/// `NormalizeRunsResult`, a `RecordStream`'s last batch (and a `BatchSummary`'s `counts()`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct RecordCounts {
    /// Records read: `valid + invalid + duplicates`.
    pub records: u64,
    /// Valid runs, duplicates left out.
    pub valid: u64,
    /// Records with at least one error.
    pub invalid: u64,
    /// Valid runs whose id an earlier valid run had.
    pub duplicates: u64,
    /// The envelope's `hasMore`; null without an envelope or when it is not a boolean.
    pub has_more: Option<bool>,
    /// Error issues over all records.
    pub error_count: u64,
    /// Warning issues over all records.
    pub warning_count: u64,
}

/// Counts, issues and de-duplication of a batch: what every batch result has.
pub struct Tally {
    max_issues: usize,
    /// The batch's counts so far (SPEC §5).
    pub counts: RecordCounts,
    /// The issues kept so far, in input order: at most `maxIssues`.
    pub issues: Vec<Issue>,
    /// Whether an issue was dropped because `maxIssues` were already kept.
    pub issues_truncated: bool,
    seen: U64Set,
}

impl Tally {
    /// A tally of no record yet, keeping at most `max_issues` issues.
    pub fn new(max_issues: usize) -> Tally {
        Tally {
            max_issues,
            counts: RecordCounts::default(),
            issues: Vec::new(),
            issues_truncated: false,
            seen: U64Set::default(),
        }
    }

    /// Keep an issue if there is room; count it either way.
    pub fn issue(&mut self, issue: Issue) {
        if issue.is_error() {
            self.counts.error_count += 1;
        } else {
            self.counts.warning_count += 1;
        }
        if self.issues.len() < self.max_issues {
            self.issues.push(issue);
        } else {
            self.issues_truncated = true;
        }
    }

    /// Account for one record at `base`.
    pub fn record(&mut self, checked: Checked<'_>, base: Base<'_>, line: Option<u64>, sink: &mut dyn Sink) {
        let position = self.counts.records;
        self.counts.records += 1;
        let issues = match checked {
            Checked::Invalid(issues) => {
                self.counts.invalid += 1;
                issues
            }
            Checked::Valid(run, mut warnings) => {
                if self.seen.insert(id_key(&run.id)) {
                    self.counts.valid += 1;
                    sink.run(&run, position, line);
                } else {
                    self.counts.duplicates += 1;
                    warnings.push(duplicate(&run.id, base));
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
}

/// The warning of a run whose id an earlier valid run had (SPEC §3.2).
fn duplicate(id: &str, base: Base<'_>) -> Issue {
    Issue::new(
        IssueCode::DuplicateId,
        base.child("id"),
        text!("id \"", id, "\" was already seen in an earlier run; this one is left out"),
    )
}

/// One run read from text: the whole text must be one JSON object (SPEC §1).
pub fn single<'a>(input: &'a [u8], options: &Options) -> Checked<'a> {
    let fatal = |issue: Issue| Checked::Invalid(vec![issue]);
    if input.len() as u64 > options.max_bytes() {
        return fatal(too_large(options.max_bytes()));
    }
    let text = match std::str::from_utf8(input) {
        Ok(text) => text.strip_prefix('\u{FEFF}').unwrap_or(text),
        Err(e) => return fatal(not_utf8(e.valid_up_to() as u64)),
    };
    let mut r = Reader::new(text, true);
    let checked = whole_record(&mut r, Base::ROOT, options.unknown_fields(), (1, 0), "the JSON value", "input");
    crate::locate::single(text, checked, options)
}

/// The one record of a whole text (a single run, or one NDJSON line starting at `start`, a
/// line and column as [`advance`] counts them): its result, or the `invalid_json` issue at the
/// place where it stops being one JSON value. `what` names the value, `whole` the text.
fn whole_record<'a>(
    r: &mut Reader<'a>,
    base: Base<'_>,
    unknown: UnknownFields,
    start: (u64, u64),
    what: &str,
    whole: &str,
) -> Checked<'a> {
    let (at, msg): (usize, Cow<'_, str>) = match read_record(r, base, unknown) {
        Ok(c) if r.at_end() => return c,
        Ok(_) => (r.pos, Cow::Owned(text!("unexpected text after ", what))),
        Err(Fail::Syntax { at, msg }) => (at, msg),
        Err(Fail::Incomplete) => (r.text().len(), Cow::Owned(text!("unexpected end of ", whole))),
    };
    let (line, col) = advance(start, r.text().as_bytes().get(..at).unwrap_or_default());
    Checked::Invalid(vec![invalid_json(&msg, line, col + 1)])
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
    /// Longest NDJSON line read (streams: maxBytes, SPEC §3.1); a longer one is input_too_large.
    line_limit: u64,
    /// Whether issues of JSON documents get positions (src/locate.rs): text, not a parsed value.
    locate: bool,
    /// A byte of the window and its position (line, code points before it on that line): where
    /// the last record with issues started, so that counting lines to the next one goes on from it.
    mark: (usize, u64, u64),
}

fn blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// Whether `start`, the start of a text, is already not JSON, whatever follows it.
fn not_json(start: &str) -> bool {
    let mut r = Reader::new(start, false);
    matches!(r.skip_value(0, &mut String::new(), &mut Vec::new()), Err(Fail::Syntax { .. }))
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
    /// An engine at the start of a text, reading it as the option `format` says (SPEC §1).
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
            line_limit: u64::MAX,
            locate: !options.from_value,
            mark: (0, 1, 0),
        }
    }

    /// While NDJSON or not is still undecided on window `w` (the text so far): whether its first
    /// record is already longer than `max` bytes, or blank lines after it are (SPEC §3.1).
    fn first_record_over(&self, w: &str, max: u64) -> bool {
        match self.mode {
            Mode::Detect { line_start, first: None, .. } => w.len().saturating_sub(line_start) as u64 > max,
            Mode::Detect { first: Some((_, end)), .. } => w.len().saturating_sub(end) as u64 > max,
            _ => false,
        }
    }

    /// The reading chosen (SPEC §1), `None` while `format: "auto"` still needs more text.
    pub fn format(&self) -> Option<Format> {
        match self.mode {
            Mode::Detect { .. } => None,
            Mode::Ndjson => Some(Format::Ndjson),
            Mode::Json(_) | Mode::Failed => Some(Format::Json),
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
        self.mark = (0, self.line, self.col);
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
                    match self.json(w, &mut r, pos, state, tally, sink) {
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
            if line.len() as u64 > self.line_limit && !blank(line.as_bytes()) {
                let base = Base::record("", tally.counts.records);
                tally.record(
                    Checked::Invalid(vec![line_too_large(self.line_limit, base, line_no)]),
                    base,
                    Some(line_no),
                    sink,
                );
            } else if !blank(line.as_bytes()) {
                let base = Base::record("", tally.counts.records);
                let mut r = Reader::new(line, true);
                // NDJSON windows always start at a line start (the byte order mark, if any, was
                // removed before the engine saw the text), so columns start at 1.
                let mut checked =
                    whole_record(&mut r, base, self.unknown, (line_no, 0), "the run (one run per line)", "line");
                if let Checked::Invalid(issues) = &mut checked {
                    for issue in issues.iter_mut().filter(|i| i.code == IssueCode::InvalidJson) {
                        issue.path = base.path();
                    }
                }
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
        w: &str,
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
                b'{' => self.object_top(w, r, base, tally, sink),
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
                let record = Base::record(if env { "/data" } else { "" }, tally.counts.records);
                // The array, and the envelope around it: nesting counts from the text's start.
                r.outer = if env { 2 } else { 1 };
                let (start, kept) = (r.pos, tally.issues.len());
                let checked = read_record(r, record, self.unknown)?;
                tally.record(checked, record, None, sink);
                self.locate(w, base, (start, r.pos), record, tally.issues.get_mut(kept..).unwrap_or_default());
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
                    tally.counts.has_more = if let Scalar::Bool(b) = v { Some(b) } else { None };
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

    /// Positions for the issues a record of a JSON document just added (SPEC §3): the record is
    /// `span` of the reader, which is on the window `w` from byte `base`.
    fn locate(&mut self, w: &str, base: usize, span: (usize, usize), record: Base<'_>, issues: &mut [Issue]) {
        if issues.is_empty() || !self.locate {
            return;
        }
        let (start, end) = (base + span.0, base + span.1);
        let (from, line, col) = self.mark;
        let (line, col) = advance((line, col), w.as_bytes().get(from..start).unwrap_or_default());
        self.mark = (start, line, col);
        crate::locate::locate(w.get(start..end).unwrap_or_default(), &record.path(), (line, col), issues);
    }

    fn end_array(&mut self, env: bool) {
        self.mode = Mode::Json(if env { Json::Envelope { after: true } } else { Json::Trailing });
    }

    /// A top-level object is an envelope when it has a `data` key, else a single run. Its
    /// members before `data` are read without consuming, so a run can be read again whole.
    fn object_top(
        &mut self,
        w: &str,
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
                    tally.counts.has_more = has_more;
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
        let kept = tally.issues.len();
        let checked = read_record(r, Base::ROOT, self.unknown)?;
        tally.record(checked, Base::ROOT, None, sink);
        self.locate(w, base, (start, r.pos), Base::ROOT, tally.issues.get_mut(kept..).unwrap_or_default());
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
/// (Not inlined: the engine and `detect_format` share one copy; it runs once per window.)
#[inline(never)]
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
            // Still on the first non-blank line: if what has come of it is already not JSON,
            // the text cannot be NDJSON (its first line is no value) and, read as one value,
            // fails at the same place: no need to hold the rest of the line (say /dev/zero).
            None if first.is_none() && not_json(w.get(line_start..).unwrap_or_default()) => {
                return Ok(Mode::Json(Json::Top));
            }
            // A second non-blank line has begun: that is all the rule needs to know, so a long
            // second record need not be held whole before it is read (SPEC §7).
            None if first.is_some() && !blank(w.as_bytes().get(line_start..).unwrap_or_default()) => {
                let (a, b) = first.unwrap_or_default();
                let first_line = w.get(a..b).unwrap_or_default();
                return Ok(if complete_value(first_line) { Mode::Ndjson } else { Mode::Json(Json::Top) });
            }
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

/// How a whole text is read (SPEC §1): what `options.format` forces, else what auto-detection
/// chooses. Bytes that are not UTF-8 are judged by their valid start (the batch functions
/// report `invalid_utf8` for the whole input whichever the reading).
pub fn detect_format(text: &[u8], options: &Options) -> Format {
    if options.format() != Format::Auto {
        return options.format();
    }
    let text = text.strip_prefix("\u{FEFF}".as_bytes()).unwrap_or(text);
    let valid = match std::str::from_utf8(text) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(text.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or_default(),
    };
    match detect(valid, true, 0, 0, None) {
        Ok(Mode::Ndjson) => Format::Ndjson,
        _ => Format::Json,
    }
}

/// Reads a whole text or a sequence of chunks into a batch result.
pub struct Batch<S: Sink + Default> {
    feed: Feed,
    /// Where the batch's valid, de-duplicated runs go: a summary's figures, a list of runs, NDJSON text.
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
    /// Buffer length at which an incomplete record is worth reading again (0: at once).
    retry_at: usize,
    /// An NDJSON line longer than `max_bytes` being skipped (SPEC §3.1, streams): whether
    /// what was skipped of it so far is blank.
    skipping: Option<bool>,
    /// Bytes of the byte order mark skipped at the start (not part of any record).
    bom: u64,
    /// The last byte received (whether the text so far ends with a newline, SPEC §7.1).
    last: u8,
}

/// Leftovers up to this size are retried at every chunk (a few records' worth).
const RETRY_FLOOR: usize = 64 * 1024;

/// The input is longer than `maxBytes` (SPEC §3.1).
pub fn too_large(max: u64) -> Issue {
    Issue::new(
        IssueCode::InputTooLarge,
        String::new(),
        text!("the input is longer than maxBytes (", max, " bytes); nothing was read"),
    )
}

/// A stream's NDJSON line longer than maxBytes: `input_too_large` at its record (SPEC §3.1).
fn line_too_large(max: u64, base: Base<'_>, line: u64) -> Issue {
    let mut issue = Issue::new(
        IssueCode::InputTooLarge,
        String::new(),
        text!("the line is longer than maxBytes (", max, " bytes); it was skipped"),
    )
    .at(Some(line), None);
    issue.path = base.path();
    issue
}

/// An input that could not be copied into WebAssembly memory at all (SPEC §6: refused, not a crash).
pub fn too_large_for_memory() -> Issue {
    Issue::new(
        IssueCode::InputTooLarge,
        String::new(),
        "the input is too large to be copied into WebAssembly memory; nothing was read",
    )
}

/// A parsed value nested deeper than 256 arrays or objects (SPEC §1).
pub fn too_deep() -> Issue {
    Issue::new(IssueCode::InvalidJson, String::new(), "the value is nested deeper than 256 arrays or objects")
}

pub(crate) fn not_utf8(at: u64) -> Issue {
    Issue::new(IssueCode::InvalidUtf8, String::new(), text!("the input is not valid UTF-8 (byte ", at, ")"))
}

impl<S: Sink + Default> Batch<S> {
    /// A batch of no input yet, feeding its runs into `sink`.
    pub fn new(options: &Options, sink: S) -> Batch<S> {
        Batch { feed: Feed::new(options), sink }
    }

    /// The reading chosen so far (see [`Engine::format`]).
    pub fn format(&self) -> Option<Format> {
        self.feed.engine.format()
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

    /// The result for an input refused before it was read (too large, say): no records, that
    /// one issue, as if `whole` had found it.
    pub fn refuse(mut self, issue: Issue) -> (Tally, S) {
        self.feed.early = Some(issue);
        let done = self.feed.finish_tally();
        self.result(done)
    }

    /// Whether the result is settled whatever follows: the text, one document, is already
    /// longer than maxBytes, and nothing else is read (a reader may stop reading).
    pub fn settled(&self) -> bool {
        self.feed.early.as_ref().is_some_and(|i| i.code == IssueCode::InputTooLarge)
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
    #[inline(never)] // one copy for every kind of batch, not one per sink
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
            retry_at: 0,
            skipping: None,
            bom: 0,
            last: b'\n',
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

    /// A chunk of a stream (SPEC §7): `maxBytes` bounds one record, an NDJSON line or the one
    /// JSON document (SPEC §3.1).
    fn push(&mut self, chunk: &[u8], sink: &mut dyn Sink) {
        self.engine.line_limit = self.max_bytes;
        if let Some(&b) = chunk.last() {
            self.last = b;
        }
        let mut before = self.total;
        self.total = self.total.saturating_add(chunk.len() as u64);
        let mut chunk = chunk;
        if let Some(blank_so_far) = self.skipping {
            match memchr::memchr(b'\n', chunk) {
                None => {
                    self.skipping = Some(blank_so_far && blank(chunk));
                    return;
                }
                Some(i) => {
                    let (skipped, rest) = chunk.split_at(i);
                    self.end_skip(blank_so_far && blank(skipped), sink);
                    chunk = rest.get(1..).unwrap_or_default();
                    before += i as u64 + 1;
                }
            }
        }
        if self.early.is_some()
            || (self.total - self.bom > self.max_bytes && matches!(self.engine.mode, Mode::Json(_) | Mode::Failed))
        {
            self.one_document_limit();
            return;
        }
        match self.take_text(chunk, before) {
            Ok(()) => {
                if self.buf.len() as u64 > self.max_bytes {
                    self.retry_at = 0; // read what is complete now, before the buffer grows more
                }
                self.drain(false, sink);
                if matches!(self.engine.mode, Mode::Ndjson) && self.buf.len() as u64 > self.max_bytes {
                    // What is left is one line, already longer than maxBytes: skip the rest of it.
                    self.skipping = Some(blank(self.buf.as_bytes()));
                    self.buf = String::new();
                    self.pending = Vec::new();
                    self.retry_at = 0;
                }
            }
            Err(at) => {
                self.early = Some(not_utf8(at));
                self.buf = String::new();
                self.pending = Vec::new();
            }
        }
        self.one_document_limit();
    }

    /// Unless the text is NDJSON, it is one document, and one longer than maxBytes is too
    /// large: that wins over whatever was found before (invalid UTF-8 in an earlier chunk), as in
    /// `whole`, and nothing else is read (SPEC §3.1).
    fn one_document_limit(&mut self) {
        let over = match &self.engine.mode {
            Mode::Ndjson => false,
            // Not decided yet: too large once the first record is, whatever it turns out to be.
            Mode::Detect { .. } if self.early.is_none() => self.engine.first_record_over(&self.buf, self.max_bytes),
            _ => self.total - self.bom > self.max_bytes,
        };
        if over && !self.early.as_ref().is_some_and(|i| i.code == IssueCode::InputTooLarge) {
            self.early = Some(too_large(self.max_bytes));
            self.buf = String::new();
            self.pending = Vec::new();
        }
    }

    /// The end of a skipped line: `input_too_large` at its record, unless it was blank.
    fn end_skip(&mut self, was_blank: bool, sink: &mut dyn Sink) {
        self.skipping = None;
        if !was_blank {
            let base = Base::record("", self.tally.counts.records);
            let issue = line_too_large(self.max_bytes, base, self.engine.line);
            self.tally.record(Checked::Invalid(vec![issue]), base, Some(self.engine.line), sink);
        }
        self.engine.line += 1;
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
                self.bom = 3;
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
        if let Some(was_blank) = self.skipping {
            self.end_skip(was_blank, sink);
        }
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

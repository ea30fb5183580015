//! The fast lane: one pass over a run in the shape real payloads have (known keys, plain
//! strings, lowercase statuses, integer counts), building the valid run directly.
//!
//! It only ever says "this run is valid, here it is" or "not sure" (`None`); on `None` the
//! general reader in `run.rs` reads the run again from its start and finds every issue. So the
//! lane may decline anything unusual (escapes, spaces around an id, `3.0` counts, unknown keys
//! with `keep`/`error`, any syntax problem) without changing a result. In debug builds (all
//! tests, the fuzzers) every run the lane accepts is read by the general reader too, and the two
//! must agree.

use std::borrow::Cow;

use crate::json::{string_stop, Reader};
use crate::options::UnknownFields;
use crate::run::{SyncRunStatus, ValidRun};
use crate::timestamp::parse_timestamp;

/// Bits of the keys seen; a second sighting is a duplicate key, which only the general reader reports.
const ID: u16 = 1;
const STATUS: u16 = 1 << 1;
const CREATED: u16 = 1 << 2;
const STARTED: u16 = 1 << 3;
const FINISHED: u16 = 1 << 4;
const RATIO: u16 = 1 << 5;
const SIZE: u16 = 1 << 6;
const PLANNED: u16 = 1 << 7;
const ERROR: u16 = 1 << 10;
const REQUIRED: u16 = ID | STATUS | CREATED | RATIO | SIZE | PLANNED | (PLANNED << 1) | (PLANNED << 2);

enum Key<'a> {
    Id,
    Status,
    Created,
    Started,
    Finished,
    Ratio,
    Size,
    Counts(usize),
    Error,
    Other(&'a str),
}

impl Key<'_> {
    fn bit(&self) -> u16 {
        match self {
            Key::Id => ID,
            Key::Status => STATUS,
            Key::Created => CREATED,
            Key::Started => STARTED,
            Key::Finished => FINISHED,
            Key::Ratio => RATIO,
            Key::Size => SIZE,
            Key::Counts(c) => PLANNED << c,
            Key::Error => ERROR,
            Key::Other(_) => 0,
        }
    }
}

/// [`Lane::whole`] found no count.
const NO_COUNT: u64 = u64::MAX;

/// The lane's cursor: the rest of the window as a slice, so that most bounds checks are
/// settled by slice patterns. (A native build under cachegrind spent 13% of a batch's
/// instructions in `slice::get` with the index-based cursor; in wasm it measured neutral.)
struct Lane<'r, 'a> {
    r: &'r mut Reader<'a>,
    /// The bytes after the cursor: a suffix of `r.buf`.
    b: &'a [u8],
}

impl<'a> Lane<'_, 'a> {
    /// The cursor's offset in the window.
    #[inline(always)]
    fn at(&self) -> usize {
        self.r.buf.len() - self.b.len()
    }

    /// Hand the position to the general reader (for a number or a skipped value) and back.
    fn with_reader<T>(&mut self, f: impl FnOnce(&mut Reader<'a>) -> Option<T>) -> Option<T> {
        self.r.pos = self.at();
        let out = f(self.r);
        self.b = self.r.buf.get(self.r.pos..)?;
        out
    }

    /// White space is rare between tokens: one comparison decides the common case.
    #[inline(always)]
    fn ws(&mut self) {
        if let [c, ..] = self.b {
            if *c > b' ' {
                return;
            }
        }
        while let [b' ' | b'\n' | b'\r' | b'\t', rest @ ..] = self.b {
            self.b = rest;
        }
    }

    #[inline(always)]
    fn next(&mut self) -> Option<u8> {
        self.ws();
        self.b.first().copied()
    }

    #[inline(always)]
    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        match self.b {
            [x, rest @ ..] if *x == c => {
                self.b = rest;
                Some(())
            }
            _ => None,
        }
    }

    /// A string with no escape: the cursor is at its opening quote.
    #[inline]
    fn plain_string(&mut self) -> Option<&'a str> {
        let [b'"', body @ ..] = self.b else { return None };
        let len = string_stop(body, 0);
        let [b'"', after @ ..] = body.get(len..)? else { return None };
        let start = self.r.buf.len() - body.len();
        self.b = after;
        self.r.text().get(start..start + len)
    }

    /// The key at the cursor and its colon, tried by first letter.
    #[inline]
    fn key(&mut self) -> Option<Key<'a>> {
        self.ws();
        let [b'"', rest @ ..] = self.b else { return None };
        let known = match rest.first()? {
            b'i' => rest.starts_with(b"id\"").then_some((&b"id\""[..], Key::Id)),
            b's' => {
                if rest.starts_with(b"status\"") {
                    Some((&b"status\""[..], Key::Status))
                } else if rest.starts_with(b"startedAt\"") {
                    Some((&b"startedAt\""[..], Key::Started))
                } else if rest.starts_with(b"successfulRows\"") {
                    Some((&b"successfulRows\""[..], Key::Counts(1)))
                } else {
                    None
                }
            }
            b'c' => {
                if rest.starts_with(b"createdAt\"") {
                    Some((&b"createdAt\""[..], Key::Created))
                } else if rest.starts_with(b"completionRatio\"") {
                    Some((&b"completionRatio\""[..], Key::Ratio))
                } else {
                    None
                }
            }
            b'f' => {
                if rest.starts_with(b"finishedAt\"") {
                    Some((&b"finishedAt\""[..], Key::Finished))
                } else if rest.starts_with(b"failedRows\"") {
                    Some((&b"failedRows\""[..], Key::Counts(2)))
                } else {
                    None
                }
            }
            b'q' => rest.starts_with(b"querySize\"").then_some((&b"querySize\""[..], Key::Size)),
            b'p' => rest.starts_with(b"plannedRows\"").then_some((&b"plannedRows\""[..], Key::Counts(0))),
            b'e' => rest.starts_with(b"error\"").then_some((&b"error\""[..], Key::Error)),
            _ => None,
        };
        let key = match known {
            Some((name, key)) => {
                self.b = rest.get(name.len()..)?;
                key
            }
            None => Key::Other(self.plain_string()?),
        };
        self.eat(b':')?;
        Some(key)
    }

    /// `null` (the cursor is at `n`).
    fn null(&mut self) -> Option<()> {
        self.b = self.b.strip_prefix(b"null")?;
        Some(())
    }

    /// The value of the decimal digits at the cursor, a whole number below 10^15 (exact in f64;
    /// no sign, fraction or exponent), or [`NO_COUNT`]. The hottest loop of a batch: ten counts
    /// per run. (A plain `u64` comes back in a register; an `Option` goes through memory.)
    #[inline(always)]
    fn whole(&mut self) -> u64 {
        let b = self.b;
        let mut value: u64 = 0;
        let mut n = 0usize;
        for &d in b {
            if !d.is_ascii_digit() {
                break;
            }
            value = value.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
            n += 1;
        }
        let leading_zero = matches!(b, [b'0', b'0'..=b'9', ..]);
        let Some((_, rest)) = b.split_at_checked(n) else { return NO_COUNT };
        if n == 0 || n > 15 || leading_zero || matches!(rest.first(), Some(b'.' | b'e' | b'E')) {
            return NO_COUNT;
        }
        self.b = rest;
        value
    }

    /// `whole` as an `Option`.
    #[inline(always)]
    fn whole_opt(&mut self) -> Option<u64> {
        let n = self.whole();
        (n != NO_COUNT).then_some(n)
    }

    fn id(&mut self) -> Option<Cow<'a, str>> {
        match self.next()? {
            b'"' => {
                let s = self.plain_string()?;
                // Printable ASCII, no space: nothing to trim, no control character.
                let plain = (1..=64).contains(&s.len()) && s.bytes().all(|b| (0x21..0x7F).contains(&b));
                plain.then_some(Cow::Borrowed(s))
            }
            b'0'..=b'9' => {
                let start = self.at();
                self.whole_opt()?;
                self.r.text().get(start..self.at()).map(Cow::Borrowed)
            }
            _ => None,
        }
    }

    fn status(&mut self) -> Option<SyncRunStatus> {
        if self.next()? != b'"' {
            return None;
        }
        let s = self.plain_string()?;
        SyncRunStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// A timestamp or null.
    fn timestamp(&mut self) -> Option<Option<i64>> {
        match self.next()? {
            b'"' => parse_timestamp(self.plain_string()?).map(Some),
            b'n' => self.null().map(|()| None),
            _ => None,
        }
    }

    fn ratio(&mut self) -> Option<f64> {
        if !self.next()?.is_ascii_digit() {
            return None;
        }
        let n = self.with_reader(|r| r.number().ok())?;
        (0.0..=1.0).contains(&n).then_some(n)
    }

    /// A count: a whole number below 10^15.
    fn count(&mut self) -> Option<u64> {
        self.ws();
        self.whole_opt()
    }

    /// A row-count object, written as Hightouch writes it (keys in its order, no space), in
    /// one pass of literal comparisons; `None` with the cursor unmoved otherwise.
    #[inline(always)]
    fn canonical_counts(&mut self) -> Option<[u64; 3]> {
        let at = self.b;
        let mut out = [0u64; 3];
        for (i, spelled) in
            [&b"{\"addedCount\":"[..], b",\"changedCount\":", b",\"removedCount\":"].into_iter().enumerate()
        {
            let n = match self.b.strip_prefix(spelled) {
                Some(rest) => {
                    self.b = rest;
                    self.whole()
                }
                None => NO_COUNT,
            };
            if n == NO_COUNT {
                self.b = at;
                return None;
            }
            *out.get_mut(i)? = n;
        }
        match self.b {
            [b'}', rest @ ..] => {
                self.b = rest;
                Some(out)
            }
            _ => {
                self.b = at;
                None
            }
        }
    }

    fn counts(&mut self) -> Option<[u64; 3]> {
        if let Some(out) = self.canonical_counts() {
            return Some(out);
        }
        self.eat(b'{')?;
        let mut out = [0u64; 3];
        let mut seen = 0u8;
        loop {
            self.ws();
            let [b'"', rest @ ..] = self.b else { return None };
            let (i, len) = if rest.starts_with(b"addedCount\"") {
                (0, 11)
            } else if rest.starts_with(b"changedCount\"") {
                (1, 13)
            } else if rest.starts_with(b"removedCount\"") {
                (2, 13)
            } else {
                return None;
            };
            if seen & (1 << i) != 0 {
                return None;
            }
            seen |= 1 << i;
            self.b = rest.get(len..)?;
            self.eat(b':')?;
            *out.get_mut(i)? = self.count()?;
            match self.next()? {
                b',' => self.b = self.b.get(1..)?,
                b'}' => {
                    self.b = self.b.get(1..)?;
                    return (seen == 7).then_some(out);
                }
                _ => return None,
            }
        }
    }

    /// The error message, trimmed; `None` inside when null or blank.
    fn error(&mut self) -> Option<Option<Cow<'a, str>>> {
        match self.next()? {
            b'n' => self.null().map(|()| None),
            b'"' => {
                let t = crate::run::js_trim(self.plain_string()?);
                Some((!t.is_empty()).then_some(Cow::Borrowed(t)))
            }
            _ => None,
        }
    }

    /// An unknown key's value, skipped (only with `unknownFields: "strip"`).
    fn skip(&mut self) -> Option<()> {
        self.with_reader(|r| {
            let mut dups = Vec::new();
            r.skip_value(1, &mut String::new(), &mut dups).ok()?;
            dups.is_empty().then_some(())
        })
    }
}

/// The run at the reader (which is at `{`) if it is valid and in the common shape; else `None`,
/// with the reader anywhere (the caller rewinds).
pub fn run<'a>(r: &mut Reader<'a>, unknown: UnknownFields) -> Option<ValidRun<'a>> {
    let b = r.buf.get(r.pos..)?;
    let mut lane = Lane { r, b };
    lane.eat(b'{')?;
    let mut seen = 0u16;
    let mut others: Vec<&'a str> = Vec::new();
    let (mut id, mut status, mut created, mut started, mut finished) = (None, None, None, None, None);
    let (mut ratio, mut size, mut error) = (0.0, 0u64, None);
    let mut rows = [[0u64; 3]; 3];
    loop {
        let key = lane.key()?;
        let bit = key.bit();
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        match key {
            Key::Id => id = Some(lane.id()?),
            Key::Status => status = Some(lane.status()?),
            Key::Created => created = Some(lane.timestamp()??),
            Key::Started => started = lane.timestamp()?,
            Key::Finished => finished = lane.timestamp()?,
            Key::Ratio => ratio = lane.ratio()?,
            Key::Size => size = lane.count()?,
            Key::Counts(c) => *rows.get_mut(c)? = lane.counts()?,
            Key::Error => error = lane.error()?,
            Key::Other(k) => {
                // A few unknown keys are common (`syncId`); many are the general reader's job,
                // whose key set stays linear however many there are.
                if unknown != UnknownFields::Strip || others.len() >= 8 || others.contains(&k) {
                    return None;
                }
                others.push(k);
                lane.skip()?;
            }
        }
        match lane.next()? {
            b',' => lane.b = lane.b.get(1..)?,
            b'}' => {
                lane.b = lane.b.get(1..)?;
                break;
            }
            _ => return None,
        }
    }
    lane.r.pos = lane.at();
    if seen & REQUIRED != REQUIRED {
        return None;
    }
    let status = status?;
    // SPEC §2: null or missing startedAt only for queued/cancelled, finishedAt only in progress.
    if started.is_none() && !matches!(status, SyncRunStatus::Queued | SyncRunStatus::Cancelled) {
        return None;
    }
    if finished.is_none() && !status.is_in_progress() {
        return None;
    }
    Some(ValidRun {
        id: id?,
        status,
        created_at: created?,
        started_at: started,
        finished_at: finished,
        completion_ratio: if ratio == 0.0 { 0.0 } else { ratio },
        query_size: size,
        rows,
        error,
        extra: Vec::new(),
        counts_extra: Default::default(),
    })
}

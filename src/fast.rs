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

/// Known keys, with their closing quote, tried by first letter.
const KEYS: [(&[u8], Key<'static>); 11] = [
    (b"id\"", Key::Id),
    (b"status\"", Key::Status),
    (b"createdAt\"", Key::Created),
    (b"startedAt\"", Key::Started),
    (b"finishedAt\"", Key::Finished),
    (b"completionRatio\"", Key::Ratio),
    (b"querySize\"", Key::Size),
    (b"plannedRows\"", Key::Counts(0)),
    (b"successfulRows\"", Key::Counts(1)),
    (b"failedRows\"", Key::Counts(2)),
    (b"error\"", Key::Error),
];

struct Lane<'r, 'a> {
    r: &'r mut Reader<'a>,
}

impl<'a> Lane<'_, 'a> {
    #[inline]
    fn next(&mut self) -> Option<u8> {
        self.r.ws();
        self.r.buf.get(self.r.pos).copied()
    }

    #[inline]
    fn eat(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then(|| self.r.pos += 1)
    }

    /// A string with no escape: the reader is at its opening quote.
    #[inline]
    fn plain_string(&mut self) -> Option<&'a str> {
        let start = self.r.pos + 1;
        let stop = string_stop(self.r.buf, start);
        if self.r.buf.get(stop) != Some(&b'"') {
            return None;
        }
        self.r.pos = stop + 1;
        self.r.text().get(start..stop)
    }

    #[inline]
    fn key(&mut self) -> Option<Key<'a>> {
        if self.next()? != b'"' {
            return None;
        }
        let rest = self.r.buf.get(self.r.pos + 1..)?;
        let first = *rest.first()?;
        for (name, key) in &KEYS {
            if name.first() == Some(&first) && rest.starts_with(name) {
                self.r.pos += 1 + name.len();
                self.eat(b':')?;
                return Some(match key {
                    Key::Id => Key::Id,
                    Key::Status => Key::Status,
                    Key::Created => Key::Created,
                    Key::Started => Key::Started,
                    Key::Finished => Key::Finished,
                    Key::Ratio => Key::Ratio,
                    Key::Size => Key::Size,
                    Key::Counts(c) => Key::Counts(*c),
                    Key::Error => Key::Error,
                    Key::Other(_) => return None,
                });
            }
        }
        let other = self.plain_string()?;
        self.eat(b':')?;
        Some(Key::Other(other))
    }

    /// `null` (the reader is at `n`).
    fn null(&mut self) -> Option<()> {
        let end = self.r.pos + 4;
        (self.r.buf.get(self.r.pos..end)? == b"null").then(|| self.r.pos = end)
    }

    /// The value of the decimal digits at the reader, a whole number below 10^15 (exact in f64;
    /// no sign, fraction or exponent). The hottest loop of a batch: ten counts per run.
    #[inline(always)]
    fn whole(&mut self) -> Option<u64> {
        let b = self.r.buf;
        let start = self.r.pos;
        let mut i = start;
        let mut value: u64 = 0;
        while let Some(&d @ b'0'..=b'9') = b.get(i) {
            value = value.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
            i += 1;
        }
        let n = i - start;
        let leading_zero = n > 1 && b.get(start) == Some(&b'0');
        if n == 0 || n > 15 || leading_zero || matches!(b.get(i), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.r.pos = i;
        Some(value)
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
                let start = self.r.pos;
                self.whole()?;
                self.r.text().get(start..self.r.pos).map(Cow::Borrowed)
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
        let n = self.r.number().ok()?;
        (0.0..=1.0).contains(&n).then_some(n)
    }

    /// A count: a whole number below 10^15.
    fn count(&mut self) -> Option<u64> {
        self.next()?;
        self.whole()
    }

    fn counts(&mut self) -> Option<[u64; 3]> {
        self.eat(b'{')?;
        let mut out = [0u64; 3];
        let mut seen = 0u8;
        loop {
            if self.next()? != b'"' {
                return None;
            }
            let rest = self.r.buf.get(self.r.pos + 1..)?;
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
            self.r.pos += 1 + len;
            self.eat(b':')?;
            *out.get_mut(i)? = self.count()?;
            match self.next()? {
                b',' => self.r.pos += 1,
                b'}' => {
                    self.r.pos += 1;
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
                let t = self.plain_string()?.trim();
                Some((!t.is_empty()).then_some(Cow::Borrowed(t)))
            }
            _ => None,
        }
    }

    /// An unknown key's value, skipped (only with `unknownFields: "strip"`).
    fn skip(&mut self) -> Option<()> {
        let mut dups = Vec::new();
        self.r.skip_value(1, &mut String::new(), &mut dups).ok()?;
        dups.is_empty().then_some(())
    }
}

/// The run at the reader (which is at `{`) if it is valid and in the common shape; else `None`,
/// with the reader anywhere (the caller rewinds).
pub fn run<'a>(r: &mut Reader<'a>, unknown: UnknownFields) -> Option<ValidRun<'a>> {
    let mut lane = Lane { r };
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
            b',' => lane.r.pos += 1,
            b'}' => {
                lane.r.pos += 1;
                break;
            }
            _ => return None,
        }
    }
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

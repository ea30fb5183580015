//! The fast lane: one pass over a run in the shape real payloads have (known keys, plain
//! strings, lowercase statuses, integer counts), building the valid run directly.
//!
//! It only ever says "this run is valid, here it is" or "not sure" (`None`); on `None` the
//! general reader in `read.rs` reads the run again from its start and finds every issue. So the
//! lane may decline anything unusual (escapes, `3.0` counts, unknown keys with `keep`/`error`,
//! any syntax problem) without changing a result.
//!
//! It reads faster, never decides differently: every value it accepts passes the general
//! reader's own predicates (`run::id_problem`, `SyncRunStatus::parse`, `parse_timestamp`,
//! `run::ratio`, `run::count_digits`, `run::message`), and which fields may be missing or null
//! is the field table's rule (`run::FIELDS`, `Null::allows`). It spells the table's keys as byte
//! patterns (the hot loop: a literal comparison each), checked against the table at compile
//! time; a key of the table it does not spell makes it decline, so a field added to the table
//! is read by the general reader until the lane learns it. In debug builds (all tests, the
//! fuzzers) every run the lane accepts is read by the general reader too, and the two must
//! agree.

use std::borrow::Cow;

use crate::json::{string_stop, Reader};
use crate::options::UnknownFields;
use crate::run::{
    count_digits, id_problem, js_trim, message, ratio, same, Field, Null, SyncRunStatus, ValidRun, FIELDS,
};
use crate::timestamp::parse_timestamp;

/// A bit per field of the table, by place in [`FIELDS`]: seen (a second sighting is a duplicate
/// key, which only the general reader reports).
const fn bit(f: Field) -> u16 {
    1 << f.index()
}

/// The fields that must be there whatever the status: the table's `Null::Never`. (The constants
/// here index arrays at compile time, where an index out of bounds is a build error.)
#[allow(clippy::indexing_slicing)]
const REQUIRED: u16 = {
    let mut bits = 0;
    let mut i = 0;
    while i < FIELDS.len() {
        if matches!(FIELDS[i].null, Null::Never) {
            bits |= 1 << i;
        }
        i += 1;
    }
    bits
};

/// The lane's spellings of the table's keys (in `Lane::key`), checked against the table below.
const SPELLED: [(&[u8], Field); 11] = [
    (b"id\"", Field::Id),
    (b"status\"", Field::Status),
    (b"createdAt\"", Field::CreatedAt),
    (b"startedAt\"", Field::StartedAt),
    (b"finishedAt\"", Field::FinishedAt),
    (b"completionRatio\"", Field::CompletionRatio),
    (b"querySize\"", Field::QuerySize),
    (b"plannedRows\"", Field::PlannedRows),
    (b"successfulRows\"", Field::SuccessfulRows),
    (b"failedRows\"", Field::FailedRows),
    (b"error\"", Field::Error),
];

/// The table's fields the lane does not spell (none today): a run with one of their keys is
/// declined; one without must be allowed to miss them.
#[allow(clippy::indexing_slicing)]
const UNSPELLED: u16 = {
    let mut bits = (1u16 << FIELDS.len()) - 1;
    let mut i = 0;
    while i < SPELLED.len() {
        let (pattern, field) = SPELLED[i];
        let key = FIELDS[field as usize].key.as_bytes();
        let (body, _quote) = pattern.split_at(pattern.len() - 1);
        assert!(same(body, key), "the fast lane spells a key differently from run::FIELDS");
        bits &= !bit(field);
        i += 1;
    }
    bits
};

/// Whether a run of `status` may miss every field the lane does not spell (it saw none of their
/// keys). Always true while there is none; then the compiler drops the loop.
// UNSPELLED is 0 until the table has a field the lane does not spell.
#[allow(clippy::bad_bit_mask)]
fn unspelled_may_miss(status: SyncRunStatus) -> bool {
    UNSPELLED == 0 || FIELDS.iter().all(|f| UNSPELLED & bit(f.field) == 0 || f.null.allows(Some(status)))
}

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
            Key::Id => bit(Field::Id),
            Key::Status => bit(Field::Status),
            Key::Created => bit(Field::CreatedAt),
            Key::Started => bit(Field::StartedAt),
            Key::Finished => bit(Field::FinishedAt),
            Key::Ratio => bit(Field::CompletionRatio),
            Key::Size => bit(Field::QuerySize),
            Key::Counts(c) => bit(Field::PlannedRows) << c,
            Key::Error => bit(Field::Error),
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
                // No escape, so no lone surrogate.
                let t = js_trim(self.plain_string()?);
                id_problem(t, false).is_none().then_some(Cow::Borrowed(t))
            }
            b'0'..=b'9' => {
                // `whole` refuses a leading zero, so the digits are the number's normalized id.
                let start = self.at();
                count_digits(self.whole_opt()?)?;
                self.r.text().get(start..self.at()).map(Cow::Borrowed)
            }
            _ => None,
        }
    }

    fn status(&mut self) -> Option<SyncRunStatus> {
        if self.next()? != b'"' {
            return None;
        }
        SyncRunStatus::parse(self.plain_string()?)
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
        ratio(self.with_reader(|r| r.number().ok())?)
    }

    /// A count: a whole number below 10^15.
    fn count(&mut self) -> Option<u64> {
        self.ws();
        count_digits(self.whole_opt()?)
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
            return out.iter().all(|&n| count_digits(n).is_some()).then_some(out);
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
            b'"' => Some(message(&Cow::Borrowed(self.plain_string()?))),
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
                // whose key set stays linear however many there are. A key of the table the
                // lane does not spell is the general reader's too.
                if unknown != UnknownFields::Strip
                    || others.len() >= 8
                    || others.contains(&k)
                    || Field::find(k).is_some()
                {
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
    // SPEC §2: a null or missing field only where the table's rule allows it.
    let null_ok = |f: Field| f.spec().null.allows(Some(status));
    if started.is_none() && !null_ok(Field::StartedAt) || finished.is_none() && !null_ok(Field::FinishedAt) {
        return None;
    }
    if error.is_none() && !null_ok(Field::Error) {
        return None;
    }
    if !unspelled_may_miss(status) {
        return None;
    }
    Some(ValidRun {
        id: id?,
        status,
        created_at: created?,
        started_at: started,
        finished_at: finished,
        completion_ratio: ratio,
        query_size: size,
        rows,
        error,
        // Any other field of the table: its null (the lane saw none of its keys, and
        // REQUIRED made sure such a field may be missing).
        ..ValidRun::empty()
    })
}

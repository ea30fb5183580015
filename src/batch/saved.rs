//! A batch's reading state as bytes, and one batch's state appended after another's (SPEC §7.1).
//!
//! What is saved is everything of [`Feed`] (the engine's place in the text, the text it holds
//! back, the counts and kept issues) but the de-duplication set, which is rebuilt from the
//! sink's runs (every valid run is the first of its id). The sink saves itself: the stream above
//! keeps its runs as a ledger ([`Runs`]) that can be replayed into figures.
//!
//! Appending is exact, or refused: a later part is taken as NDJSON lines after the earlier
//! part's, its issues moved by the earlier part's records and lines, and its runs whose id the
//! earlier part saw turned into `duplicate_id` warnings. A later part that read nothing yet (its
//! text still held back) is simply pushed. Refused, since the text that would decide is gone:
//! a later part read as one JSON document, a part after one JSON document, a later part that
//! starts with a byte order mark.

use super::*;
use crate::issue::IssueCode;
use crate::state::{Bad, R, W};

fn put_issue(w: &mut W, i: &Issue) {
    w.u(i.code as u64);
    w.s(&i.path);
    w.s(&i.message);
    w.o(i.line);
    w.o(i.column);
}

fn get_issue(r: &mut R<'_>) -> Result<Issue, Bad> {
    let code = *IssueCode::ALL.get(r.usize()?).ok_or(Bad)?;
    let path = r.s()?.to_string();
    let message = r.s()?;
    Ok(Issue::new(code, path, message).at(r.o()?, r.o()?))
}

fn put_opt_issue(w: &mut W, i: Option<&Issue>) {
    w.flag(i.is_some());
    if let Some(i) = i {
        put_issue(w, i);
    }
}

fn get_opt_issue(r: &mut R<'_>) -> Result<Option<Issue>, Bad> {
    Ok(if r.flag()? { Some(get_issue(r)?) } else { None })
}

fn put_usize(w: &mut W, v: usize) {
    w.u(v as u64);
}

fn put_mode(w: &mut W, mode: &Mode) {
    match mode {
        Mode::Detect { line_start, search_from, first } => {
            w.u(0);
            put_usize(w, *line_start);
            put_usize(w, *search_from);
            w.o(first.map(|(a, _)| a as u64));
            w.o(first.map(|(_, b)| b as u64));
        }
        Mode::Ndjson => w.u(1),
        Mode::Failed => w.u(2),
        Mode::Json(json) => {
            let (tag, flag) = match json {
                Json::Top => (3, false),
                Json::Element { env, first } => (4 + u64::from(*first), *env),
                Json::AfterElement { env } => (6, *env),
                Json::Envelope { after } => (7, *after),
                Json::Trailing => (8, false),
            };
            w.u(tag);
            w.flag(flag);
        }
    }
}

fn get_mode(r: &mut R<'_>) -> Result<Mode, Bad> {
    Ok(match r.u()? {
        0 => {
            let (line_start, search_from) = (r.usize()?, r.usize()?);
            let first = match (r.o()?, r.o()?) {
                (Some(a), Some(b)) => {
                    Some((usize::try_from(a).map_err(|_| Bad)?, usize::try_from(b).map_err(|_| Bad)?))
                }
                (None, None) => None,
                _ => return Err(Bad),
            };
            Mode::Detect { line_start, search_from, first }
        }
        1 => Mode::Ndjson,
        2 => Mode::Failed,
        tag => {
            let flag = r.flag()?;
            Mode::Json(match tag {
                3 => Json::Top,
                4 | 5 => Json::Element { env: flag, first: tag == 5 },
                6 => Json::AfterElement { env: flag },
                7 => Json::Envelope { after: flag },
                8 => Json::Trailing,
                _ => return Err(Bad),
            })
        }
    })
}

impl Feed {
    fn save(&self, w: &mut W) {
        let e = &self.engine;
        put_mode(w, &e.mode);
        w.u(e.line);
        w.u(e.col);
        w.u(e.env_keys.keys().count() as u64);
        for key in e.env_keys.keys() {
            w.s(key);
        }
        put_opt_issue(w, e.fatal.as_ref());
        put_opt_issue(w, e.pending.as_ref());
        w.u(e.line_limit);
        put_usize(w, e.mark.0);
        w.u(e.mark.1);
        w.u(e.mark.2);
        let t = &self.tally;
        let c = &t.counts;
        for n in [c.records, c.valid, c.invalid, c.duplicates, c.error_count, c.warning_count] {
            w.u(n);
        }
        w.o(c.has_more.map(u64::from));
        w.u(t.issues.len() as u64);
        for i in &t.issues {
            put_issue(w, i);
        }
        w.flag(t.issues_truncated);
        w.u(self.total);
        w.s(&self.buf);
        w.b(&self.pending);
        w.flag(self.started);
        put_opt_issue(w, self.early.as_ref());
        put_usize(w, self.retry_at);
        w.o(self.skipping.map(u64::from));
        w.u(self.bom);
        w.0.push(self.last);
    }

    /// Fills a fresh feed (made with the saved options) from `r`.
    fn load(&mut self, r: &mut R<'_>) -> Result<(), Bad> {
        let e = &mut self.engine;
        e.mode = get_mode(r)?;
        e.line = r.u()?;
        e.col = r.u()?;
        for _ in 0..r.u()? {
            let key = r.s()?;
            e.env_keys.insert(Cow::Owned(key.to_string()), ());
        }
        e.fatal = get_opt_issue(r)?;
        e.pending = get_opt_issue(r)?;
        e.line_limit = r.u()?;
        e.mark = (r.usize()?, r.u()?, r.u()?);
        let c = &mut self.tally.counts;
        for n in
            [&mut c.records, &mut c.valid, &mut c.invalid, &mut c.duplicates, &mut c.error_count, &mut c.warning_count]
        {
            *n = r.u()?;
        }
        c.has_more = r.o()?.map(|b| b == 1);
        let n = r.u()?;
        for _ in 0..n {
            let issue = get_issue(r)?;
            self.tally.issues.push(issue);
        }
        self.tally.issues_truncated = r.flag()?;
        self.total = r.u()?;
        self.buf = r.s()?.to_string();
        self.pending = r.b()?.to_vec();
        self.started = r.flag()?;
        self.early = get_opt_issue(r)?;
        self.retry_at = r.usize()?;
        self.skipping = r.o()?.map(|b| b == 1);
        self.bom = r.u()?;
        self.last = r.byte()?;
        let sane = self.pending.len() <= 3
            && self.tally.issues.len() <= self.tally.max_issues
            && self.tally.counts.valid + self.tally.counts.invalid + self.tally.counts.duplicates
                == self.tally.counts.records
            && self.engine.line >= 1;
        if sane {
            Ok(())
        } else {
            Err(Bad)
        }
    }
}

/// The record index a path of an NDJSON record starts with (`/12/id` → 12), and the rest.
fn record_of(path: &str) -> Option<(u64, &str)> {
    let b = path.as_bytes();
    if b.first() != Some(&b'/') {
        return None;
    }
    let digits = b.iter().skip(1).take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 19 {
        return None;
    }
    let n = b.get(1..=digits)?.iter().fold(0u64, |n, d| n.wrapping_mul(10).wrapping_add(u64::from(d - b'0')));
    Some((n, path.get(digits + 1..)?))
}

/// Whether a part that read nothing yet (all its text in `buf`, still deciding its reading)
/// has read nothing at all.
fn untouched(f: &Feed) -> bool {
    matches!(f.engine.mode, Mode::Detect { .. }) && f.tally.counts.records == 0 && f.early.is_none()
}

/// Whether `text`, a part still deciding its reading, is NDJSON when more lines follow it
/// (SPEC §1): its first non-blank line is a whole JSON value, or it has none.
fn ndjson_before_more(text: &str) -> bool {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut rest = text;
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        let line = rest.get(..end).unwrap_or_default();
        if !blank(line.as_bytes()) {
            return complete_value(line);
        }
        rest = rest.get(end + 1..).unwrap_or_default();
    }
    true
}

/// The byte offset an `invalid_utf8` issue names (see `not_utf8`: its message ends with it).
fn utf8_offset(issue: &Issue) -> u64 {
    let b = issue.message.as_bytes().strip_suffix(b")").unwrap_or_default();
    let digits = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    let at = b.get(b.len() - digits..).unwrap_or_default();
    at.iter().fold(0u64, |n, d| n.wrapping_mul(10).wrapping_add(u64::from(d - b'0')))
}

impl<S: Sink + Default> Batch<S> {
    /// The state of the reading (the sink saves itself).
    pub(crate) fn save(&self, w: &mut W) {
        self.feed.save(w);
    }

    /// A batch in the state `r` holds, its sink filled from `runs` (the saved sink's runs).
    pub(crate) fn load(options: &Options, sink: S, r: &mut R<'_>, runs: &dyn Runs) -> Result<Batch<S>, Bad> {
        let mut batch = Batch::new(options, sink);
        batch.feed.load(r)?;
        let mut valid = 0u64;
        let (feed, sink) = (&mut batch.feed, &mut batch.sink);
        let mut fresh = true;
        runs.each(&mut |run, position, line| {
            fresh &= feed.tally.seen.insert(id_key(&run.id));
            valid += 1;
            sink.run(run, position, line);
        });
        if !fresh || valid != batch.feed.tally.counts.valid {
            return Err(Bad);
        }
        Ok(batch)
    }

    /// A batch in the state `r` holds whose `valid` runs stay in its sink's bytes: only to be
    /// appended to another batch (it de-duplicates nothing itself).
    pub(crate) fn load_bare(options: &Options, sink: S, r: &mut R<'_>, valid: u64) -> Result<Batch<S>, Bad> {
        let mut batch = Batch::new(options, sink);
        batch.feed.load(r)?;
        if valid != batch.feed.tally.counts.valid {
            return Err(Bad);
        }
        Ok(batch)
    }

    /// Whether [`Batch::append`] can take `other` exactly; `Err` says why not.
    pub(crate) fn check_append<T: Sink + Default>(&self, other: &Batch<T>) -> Result<(), &'static str> {
        let (f, o) = (&self.feed, &other.feed);
        if o.total == 0 || f.early.is_some() || f.total == 0 {
            return Ok(());
        }
        // The texts split at a line boundary: a last line without its newline ends there (it is
        // read as a line), but a text that ends inside a UTF-8 character does not.
        if !f.pending.is_empty() {
            return Err("the earlier part ends inside a UTF-8 character, not at a line boundary");
        }
        if untouched(o) {
            return Ok(());
        }
        if let Some(early) = &o.early {
            if early.code == IssueCode::InvalidUtf8 {
                return Ok(());
            }
            return Err("the later part is longer than maxBytes read as one JSON document");
        }
        if !matches!(o.engine.mode, Mode::Ndjson) {
            return Err("the later part was read as one JSON document, not NDJSON lines");
        }
        if o.bom != 0 {
            return Err("the later part starts with a byte order mark, which only the start of a text may have");
        }
        if o.tally.issues.iter().any(|i| record_of(&i.path).is_none()) {
            return Err("an issue of the later part belongs to no record");
        }
        match &f.engine.mode {
            Mode::Ndjson => Ok(()),
            Mode::Detect { .. } if ndjson_before_more(&f.buf) => Ok(()),
            _ => Err("the earlier part was read as one JSON document, not NDJSON lines"),
        }
    }

    /// Take `other`'s state as if its chunks had been pushed after this batch's, the two texts
    /// split at a line boundary (SPEC §7.1; see the module doc). `Err` (from
    /// [`Batch::check_append`], before anything changed) says why it cannot be done exactly.
    pub(crate) fn append<T: Sink + Default + Runs>(&mut self, other: Batch<T>) -> Result<(), &'static str> {
        self.check_append(&other)?;
        let (mut o, later) = (other.feed, other.sink);
        if o.total == 0 || self.feed.early.is_some() {
            // Nothing to add; or this text is already unreadable as a whole, and a stream reads
            // nothing after that.
            return Ok(());
        }
        if self.feed.total == 0 {
            self.feed = o;
            let sink = &mut self.sink;
            later.each(&mut |run, position, line| sink.run(run, position, line));
            return Ok(());
        }
        if self.feed.last != b'\n' && self.feed.total > self.feed.bom {
            // The texts split at a line boundary: this one's last line ends here (a text that
            // is only a byte order mark has no line yet).
            let sink = &mut self.sink;
            self.feed.push(b"\n", sink);
        }
        if untouched(&o) {
            // The later part read nothing yet: its text is all here, push it.
            let mut text: Vec<u8> = Vec::with_capacity(o.buf.len() + o.pending.len() + 3);
            if o.bom == 3 {
                text.extend_from_slice("\u{FEFF}".as_bytes());
            }
            text.extend_from_slice(o.buf.as_bytes());
            text.extend_from_slice(&o.pending);
            let sink = &mut self.sink;
            self.feed.push(&text, sink);
            return Ok(());
        }
        if let Some(early) = o.early.take() {
            // The later text is not UTF-8 (checked): neither is the whole, at the same byte further on.
            let at = utf8_offset(&early);
            self.feed.early = Some(not_utf8(self.feed.total.saturating_add(at)));
            self.feed.buf = String::new();
            self.feed.pending = Vec::new();
            return Ok(());
        }
        self.end_part();
        if self.feed.early.is_some() {
            return Ok(()); // this text ended inside a UTF-8 character: the whole is not UTF-8
        }
        // Moved by this part's records and lines.
        let (records, lines) = (self.feed.tally.counts.records, self.feed.engine.line - 1);
        let (t, ot) = (&mut self.feed.tally, &mut o.tally);
        let c = &mut t.counts;
        c.records += ot.counts.records;
        c.valid += ot.counts.valid;
        c.invalid += ot.counts.invalid;
        c.duplicates += ot.counts.duplicates;
        c.error_count += ot.counts.error_count;
        c.warning_count += ot.counts.warning_count;
        // The later issues, with the warnings of its runs that turn out to be duplicates, each
        // placed after the issues of its own record (where `Tally::record` puts it).
        let mut theirs = std::mem::take(&mut ot.issues).into_iter().peekable();
        let mut moved: Vec<Issue> = Vec::new();
        let shift = |mut issue: Issue| -> Issue {
            if let Some((i, tail)) = record_of(&issue.path) {
                issue.path = text!("/", i + records, tail);
            }
            issue.line = issue.line.map(|l| l + lines);
            if let (IssueCode::InvalidJson, Some(line), Some(col)) = (issue.code, issue.line, issue.column) {
                // Its message names the line too: "invalid JSON at line L, column C: what".
                let old = text!("invalid JSON at line ", line - lines, ", column ", col, ": ");
                if let Some(what) = issue.message.get(old.len()..) {
                    issue.message = text!("invalid JSON at line ", line, ", column ", col, ": ", what);
                }
            }
            issue
        };
        let sink = &mut self.sink;
        later.each(&mut |run, position, line| {
            let at = position + records;
            if t.seen.insert(id_key(&run.id)) {
                sink.run(run, at, line.map(|l| l + lines));
                return;
            }
            t.counts.valid -= 1;
            t.counts.duplicates += 1;
            t.counts.warning_count += 1;
            while let Some(next) = theirs.next_if(|i| record_of(&i.path).is_none_or(|(r, _)| r <= position)) {
                moved.push(shift(next));
            }
            let base = Base::record("", at);
            moved.push(duplicate(&run.id, base).at(line.map(|l| l + lines), None));
        });
        moved.extend(theirs.map(shift));
        for issue in moved {
            if t.issues.len() < t.max_issues {
                t.issues.push(issue);
            } else {
                t.issues_truncated = true;
            }
        }
        t.issues_truncated |= ot.issues_truncated;
        let f = &mut self.feed;
        f.engine.line = lines + o.engine.line;
        f.engine.col = o.engine.col;
        f.total = f.total.saturating_add(o.total);
        f.buf = o.buf;
        f.pending = o.pending;
        f.skipping = o.skipping;
        f.retry_at = o.retry_at;
        f.last = o.last;
        Ok(())
    }

    /// Read this part to its end as NDJSON lines, its text being followed by more lines
    /// ([`Batch::check_append`] found that it is NDJSON).
    fn end_part(&mut self) {
        let f = &mut self.feed;
        f.engine.mode = Mode::Ndjson;
        if let Some(was_blank) = f.skipping {
            f.end_skip(was_blank, &mut self.sink);
        }
        if !f.pending.is_empty() {
            f.early = Some(not_utf8(f.total - f.pending.len() as u64));
            return;
        }
        f.drain(true, &mut self.sink);
    }
}

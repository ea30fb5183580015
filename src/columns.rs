//! normalizeRuns' runs as columns (SPEC §8): the strings of all runs in one table and a fixed
//! number of numbers per run, laid out by the field table (`run::FIELDS`), which the boundary
//! hands to JavaScript as one string and one `Float64Array`. src/js/boundary.js's `buildRuns`
//! turns them into plain objects (one object literal of one shape, which V8 builds fastest; a
//! fraction of `JSON.parse`'s time on the same runs). That decoder is generated from this
//! layout by `tests/columns.rs`, which fails when boundary.js's copy differs.

use crate::batch::Sink;
use crate::run::{FieldValue, Kind, ValidRun, FIELDS};
use crate::timestamp::write_timestamp;

/// How many numbers a value of `kind` takes: a string's start and end in the table (a
/// timestamp's start only: canonical timestamps are 24 characters), a status's place in
/// `SyncRunStatus::ALL`, a number, three counts. A null string or timestamp is −1.
pub const fn width(kind: Kind) -> usize {
    match kind {
        Kind::Id | Kind::Message => 2,
        Kind::Status | Kind::Timestamp | Kind::Ratio | Kind::Count => 1,
        Kind::Rows(_) => 3,
    }
}

// The constants below index arrays at compile time, where an index out of bounds is a build
// error, not a panic.
/// Where each field's numbers start, in [`FIELDS`] order; the kept unknown keys (a JSON array
/// `[top, plannedRows, successfulRows, failedRows]` in the table, or −1) take the last two.
#[allow(clippy::indexing_slicing)]
pub const OFFSETS: [usize; FIELDS.len()] = {
    let mut out = [0; FIELDS.len()];
    let mut i = 1;
    while i < FIELDS.len() {
        out[i] = out[i - 1] + width(FIELDS[i - 1].kind);
        i += 1;
    }
    out
};

/// Where the kept unknown keys' start and end are.
#[allow(clippy::indexing_slicing)]
pub const EXTRAS: usize = OFFSETS[FIELDS.len() - 1] + width(FIELDS[FIELDS.len() - 1].kind);

/// Numbers per run.
pub const STRIDE: usize = EXTRAS + 2;

/// The runs of a batch as columns: a [`Sink`].
#[derive(Default)]
pub struct Columns {
    /// Every string of every run, one after the other.
    pub table: String,
    /// Length of `table` in UTF-16 units (JavaScript's `slice` counts those).
    units: usize,
    /// [`STRIDE`] numbers per run.
    pub nums: Vec<f64>,
    /// Runs.
    pub count: u32,
}

impl Columns {
    /// Append `s` to the table; its start and end offsets.
    #[allow(clippy::cast_precision_loss)]
    fn text(&mut self, s: &str) -> (f64, f64) {
        let start = self.units;
        self.table.push_str(s);
        // UTF-16 units: one per character, two for the 4-byte ones (lead byte 0xF0 and up).
        self.units += if s.is_ascii() {
            s.len()
        } else {
            s.bytes().map(|b| usize::from((b & 0xC0) != 0x80) + usize::from(b >= 0xF0)).sum()
        };
        (start as f64, self.units as f64)
    }

    /// A canonical timestamp (always 24 ASCII characters); its start offset.
    #[allow(clippy::cast_precision_loss)]
    fn timestamp(&mut self, ms: i64) -> f64 {
        let start = self.units;
        write_timestamp(ms, &mut self.table);
        self.units += 24;
        start as f64
    }
}

impl Sink for Columns {
    #[allow(clippy::cast_precision_loss)]
    fn run(&mut self, run: &ValidRun<'_>, _position: u64, _line: Option<u64>) {
        for spec in &FIELDS {
            match run.get(spec.field) {
                FieldValue::Id(s) => {
                    let (start, end) = self.text(&s);
                    self.nums.extend_from_slice(&[start, end]);
                }
                FieldValue::Message(m) => {
                    let (start, end) = m.map_or((-1.0, -1.0), |m| self.text(&m));
                    self.nums.extend_from_slice(&[start, end]);
                }
                FieldValue::Status(s) => self.nums.push(s.index() as f64),
                FieldValue::Time(t) => {
                    let start = t.map_or(-1.0, |ms| self.timestamp(ms));
                    self.nums.push(start);
                }
                FieldValue::Number(n) => self.nums.push(n),
                FieldValue::Count(n) => self.nums.push(n as f64),
                FieldValue::Rows(r) => self.nums.extend(r.iter().map(|&n| n as f64)),
            }
        }
        let kept = !run.extra.is_empty() || run.counts_extra.iter().any(|c| !c.is_empty());
        let (extra_start, extra_end) = if kept {
            let mut json = String::from("[");
            crate::out::object(&run.extra, &mut json);
            for counts in &run.counts_extra {
                json.push(',');
                crate::out::object(counts, &mut json);
            }
            json.push(']');
            self.text(&json)
        } else {
            (-1.0, -1.0)
        };
        self.nums.extend_from_slice(&[extra_start, extra_end]);
        self.count += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::Batch;
    use crate::options::{Options, UnknownFields};

    /// Every run takes exactly STRIDE numbers, each value the width its kind says (SPEC §8).
    #[test]
    fn each_run_takes_its_layout() {
        let run = r#"{"id":"ä😀","status":"queued","createdAt":"2024-01-01T00:00:00Z","startedAt":null,
            "finishedAt":null,"completionRatio":0.5,"querySize":7,
            "plannedRows":{"addedCount":1,"changedCount":2,"removedCount":3,"x":1},
            "successfulRows":{"addedCount":0,"changedCount":0,"removedCount":0},
            "failedRows":{"addedCount":0,"changedCount":0,"removedCount":0},"error":" boom ","y":[1]}"#;
        let text = format!("[{run},{}]", run.replace("ä😀", "b"));
        let options = Options { unknown_fields: Some(UnknownFields::Keep), ..Options::default() };
        let (tally, c) = Batch::new(&options, Columns::default()).whole(text.as_bytes());
        assert_eq!(tally.counts.valid, 2);
        assert_eq!(STRIDE, 21);
        assert_eq!(c.nums.len(), 2 * STRIDE);
        let n = &c.nums[..STRIDE];
        let slice = |a: f64, b: f64| -> String {
            let units: Vec<u16> = c.table.encode_utf16().collect();
            String::from_utf16(&units[a as usize..b as usize]).unwrap()
        };
        assert_eq!(slice(n[OFFSETS[0]], n[OFFSETS[0] + 1]), "ä😀");
        assert_eq!(n[OFFSETS[1]], 5.0); // queued
        assert_eq!(slice(n[OFFSETS[2]], n[OFFSETS[2]] + 24.0), "2024-01-01T00:00:00.000Z");
        assert_eq!((n[OFFSETS[3]], n[OFFSETS[4]]), (-1.0, -1.0));
        assert_eq!((n[OFFSETS[5]], n[OFFSETS[6]]), (0.5, 7.0));
        assert_eq!(&n[OFFSETS[7]..OFFSETS[7] + 3], &[1.0, 2.0, 3.0]);
        assert_eq!(slice(n[OFFSETS[10]], n[OFFSETS[10] + 1]), "boom");
        assert_eq!(slice(n[EXTRAS], n[EXTRAS + 1]), r#"[{"y":[1]},{"x":1},{},{}]"#);
    }
}

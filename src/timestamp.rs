//! RFC 3339 timestamp parsing and canonical formatting (SPEC §2.2).
//!
//! Timestamps are represented as milliseconds since the Unix epoch
//! (1970-01-01T00:00:00Z, UTC) in an `i64`. Parsing accepts exactly the
//! RFC 3339 §5.6 `date-time` spellings the specification allows, and
//! formatting writes the canonical `YYYY-MM-DDTHH:MM:SS.sssZ` form produced
//! by JavaScript's `Date.prototype.toISOString`.
//!
//! Everything here is plain integer arithmetic: no allocation on the parse
//! path and no calendar library. Dates map to day numbers with Howard
//! Hinnant's `days_from_civil`; day numbers map back with Neri and
//! Schneider's equivalent of his `civil_from_days` (Hinnant's own version
//! covers days outside its range). The calendar is proleptic Gregorian.

/// Milliseconds in one day.
const MS_PER_DAY: i64 = 86_400_000;

/// Days in a 400-year Gregorian era.
const DAYS_PER_ERA: i64 = 146_097;

/// Days from 0000-03-01 to 1970-01-01.
const EPOCH_SHIFT: i64 = 719_468;

/// First representable canonical instant, 0001-01-01T00:00:00.000Z, in ms.
pub const MIN_MS: i64 = days_from_civil(1, 1, 1) * MS_PER_DAY;

/// Last representable canonical instant, 9999-12-31T23:59:59.999Z, in ms.
pub const MAX_MS: i64 = days_from_civil(10_000, 1, 1) * MS_PER_DAY - 1;

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's
/// `days_from_civil`), for any year that does not overflow.
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * DAYS_PER_ERA + doe - EPOCH_SHIFT
}

/// [`days_from_civil`] specialised for the parse path: `y` in `0..=9999`,
/// `m` in `1..=12`. The year is shifted by one era (400 years) so all the
/// arithmetic stays unsigned and the era division needs no sign fix-up.
#[inline]
fn days_from_civil_u32(y: u32, m: u32, d: u32) -> i64 {
    let y = y + 400 - u32::from(m <= 2);
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i64::from(era) * DAYS_PER_ERA + i64::from(doe) - EPOCH_SHIFT - DAYS_PER_ERA
}

/// Proleptic Gregorian `(year, month, day)` of a day number. Total over all
/// of `i64`: the formatting hot path (years -32 800 to about 2.9 million)
/// uses [`civil_from_days_fast`], everything else [`civil_from_days_hinnant`].
#[inline]
fn civil_from_days(day: i64) -> (i64, u32, u32) {
    // Wrapping only happens near i64::MAX and yields a negative value.
    match u32::try_from(day.wrapping_add(NS_SHIFT_DAYS)) {
        Ok(n) if n < NS_LIMIT => civil_from_days_fast(n),
        _ => civil_from_days_hinnant(day),
    }
}

/// Eras (of 400 years) by which [`civil_from_days_fast`] shifts the calendar
/// so that every day it handles is a non-negative `u32`.
const NS_ERAS: i64 = 82;

/// Days from the shifted origin (0000-03-01 minus [`NS_ERAS`] eras) to
/// 1970-01-01.
const NS_SHIFT_DAYS: i64 = EPOCH_SHIFT + DAYS_PER_ERA * NS_ERAS;

/// Exclusive bound on shifted day numbers for which `4 * n + 3` fits in u32.
const NS_LIMIT: u32 = 1 << 30;

/// Neri & Schneider's `civil_from_days` ("Euclidean affine functions and
/// their application to calendar algorithms", 2022): the same result as
/// Hinnant's algorithm with a much shorter chain of multiplications.
/// `n` is the day number plus [`NS_SHIFT_DAYS`], below [`NS_LIMIT`].
#[inline]
fn civil_from_days_fast(n: u32) -> (i64, u32, u32) {
    // Century and day of century.
    let n1 = 4 * n + 3;
    let century = n1 / 146_097;
    let day_of_century = n1 % 146_097 / 4;
    // Year of century and day of year (from March 1).
    let p2 = 2_939_745 * u64::from(4 * day_of_century + 3);
    let year_of_century = (p2 >> 32) as u32;
    let day_of_year = (p2 & 0xFFFF_FFFF) as u32 / 2_939_745 / 4;
    // Month (March = 3 ... February = 14) and day of month.
    let n3 = 2141 * day_of_year + 197_913;
    let month = n3 >> 16;
    let day = (n3 & 0xFFFF) / 2141 + 1;
    // January and February belong to the next civil year.
    let jan_feb = day_of_year >= 306;
    let year = i64::from(100 * century + year_of_century) - 400 * NS_ERAS + i64::from(jan_feb);
    let month = if jan_feb { month - 12 } else { month };
    (year, month, day)
}

/// Hinnant's `civil_from_days`, in wide arithmetic so it is total over `i64`.
#[cold]
fn civil_from_days_hinnant(day: i64) -> (i64, u32, u32) {
    let z = i128::from(day) + i128::from(EPOCH_SHIFT);
    let era = i64::try_from(z.div_euclid(i128::from(DAYS_PER_ERA))).unwrap_or(0);
    // rem_euclid is in 0..146_097, which fits in u32.
    let doe = u32::try_from(z.rem_euclid(i128::from(DAYS_PER_ERA))).unwrap_or(0);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = i64::from(yoe) + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Proleptic Gregorian leap year rule (year 0 is leap, 1900 not, 2000 yes).
#[inline]
const fn is_leap(y: u32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Number of days in month `m` (1–12) of year `y`.
#[inline]
const fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 => {
            if is_leap(y) {
                29
            } else {
                28
            }
        }
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The value of a two-digit decimal number, given its digits (already
/// reduced from ASCII to 0–9 by the caller), tens first.
#[inline]
const fn num2(a: u8, b: u8) -> u32 {
    a as u32 * 10 + b as u32
}

/// Parse a timestamp per the contract of SPEC §2.2.
///
/// Accepted: RFC 3339 §5.6 `date-time`, `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`
/// with `T`, `t` or a single space between date and time, `Z` or `z`, and
/// 1–9 fractional-second digits. The date must exist in the proleptic
/// Gregorian calendar; hours are 00–23, minutes and seconds 00–59 (no leap
/// second), offset hours 00–23 and offset minutes 00–59. Only ASCII digits
/// are accepted and nothing may precede or follow the timestamp.
///
/// Returns milliseconds since 1970-01-01T00:00:00Z (UTC), truncated toward
/// the earlier instant (fraction digits past the third are dropped, then the
/// offset is applied), or `None` if the text is invalid or the UTC instant
/// falls outside [`MIN_MS`] through [`MAX_MS`] (UTC years 0001–9999).
#[must_use]
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let bytes = s.as_bytes();
    if let Ok(canonical) = <&[u8; 24]>::try_from(bytes) {
        if let Some(result) = parse_canonical(canonical) {
            return result;
        }
    }
    parse_general(bytes)
}

/// Little-endian `u64` of eight bytes (a `const` helper for the masks below).
const fn word(b: [u8; 8]) -> u64 {
    u64::from_le_bytes(b)
}

/// Fast path for the canonical spelling `YYYY-MM-DDTHH:MM:SS.sssZ`.
///
/// Returns `None` if `b` does not have that exact shape (ASCII digits where
/// digits go, the literal `-`, `T`, `:`, `.`, `Z` elsewhere), in which case
/// the general parser decides; otherwise `Some` of the final answer.
///
/// The shape is checked eight bytes at a time: a byte `c` is an ASCII digit
/// iff its high nibble is 3 and adding 6 does not carry out of the low
/// nibble. (A carry can only cross into the next byte when `c >= 0xFA`,
/// which already fails the first test.)
#[inline]
fn parse_canonical(b: &[u8; 24]) -> Option<Option<i64>> {
    // Per word: bits compared directly, expected values, +6 on digit bytes,
    // high-nibble mask on digit bytes and its expected value.
    const D: u8 = 0xF0; // high nibble of a digit byte
    const L: u8 = 0xFF; // whole literal byte
    const MASK_A: u64 = word([D, D, D, D, L, D, D, L]); // YYYY-MM-
    const WANT_A: u64 = word([0x30, 0x30, 0x30, 0x30, b'-', 0x30, 0x30, b'-']);
    const SIX_A: u64 = word([6, 6, 6, 6, 0, 6, 6, 0]);
    const HI_A: u64 = word([D, D, D, D, 0, D, D, 0]);
    const HI_WANT_A: u64 = word([0x30, 0x30, 0x30, 0x30, 0, 0x30, 0x30, 0]);
    const MASK_B: u64 = word([D, D, L, D, D, L, D, D]); // DDTHH:MM
    const WANT_B: u64 = word([0x30, 0x30, b'T', 0x30, 0x30, b':', 0x30, 0x30]);
    const SIX_B: u64 = word([6, 6, 0, 6, 6, 0, 6, 6]);
    const HI_B: u64 = word([D, D, 0, D, D, 0, D, D]);
    const HI_WANT_B: u64 = word([0x30, 0x30, 0, 0x30, 0x30, 0, 0x30, 0x30]);
    const MASK_C: u64 = word([L, D, D, L, D, D, D, L]); // :SS.sssZ
    const WANT_C: u64 = word([b':', 0x30, 0x30, b'.', 0x30, 0x30, 0x30, b'Z']);
    const SIX_C: u64 = word([0, 6, 6, 0, 6, 6, 6, 0]);
    const HI_C: u64 = word([0, D, D, 0, D, D, D, 0]);
    const HI_WANT_C: u64 = word([0, 0x30, 0x30, 0, 0x30, 0x30, 0x30, 0]);

    #[rustfmt::skip]
    let [
        y0, y1, y2, y3, a4, mo0, mo1, a7,
        d0, d1, b2, h0, h1, b5, mi0, mi1,
        c0, s0, s1, c3, f0, f1, f2, c7,
    ] = *b;
    let wa = word([y0, y1, y2, y3, a4, mo0, mo1, a7]);
    let wb = word([d0, d1, b2, h0, h1, b5, mi0, mi1]);
    let wc = word([c0, s0, s1, c3, f0, f1, f2, c7]);
    let bad = ((wa & MASK_A) ^ WANT_A)
        | ((wa.wrapping_add(SIX_A) & HI_A) ^ HI_WANT_A)
        | ((wb & MASK_B) ^ WANT_B)
        | ((wb.wrapping_add(SIX_B) & HI_B) ^ HI_WANT_B)
        | ((wc & MASK_C) ^ WANT_C)
        | ((wc.wrapping_add(SIX_C) & HI_C) ^ HI_WANT_C);
    if bad != 0 {
        return None;
    }
    let v = |c: u8| u32::from(c & 0x0F);
    let year = v(y0) * 1000 + v(y1) * 100 + v(y2) * 10 + v(y3);
    let month = v(mo0) * 10 + v(mo1);
    let day = v(d0) * 10 + v(d1);
    let hour = v(h0) * 10 + v(h1);
    let minute = v(mi0) * 10 + v(mi1);
    let second = v(s0) * 10 + v(s1);
    let frac = v(f0) * 100 + v(f1) * 10 + v(f2);
    // Without an offset the UTC year is the written year, which is at most
    // 9999, so the only out-of-range year is 0000.
    if year == 0 || !fields_valid(year, month, day, hour, minute, second) {
        return Some(None);
    }
    let days = days_from_civil_u32(year, month, day);
    let ms_of_day = (hour * 3600 + minute * 60 + second) * 1000 + frac;
    Some(Some(days * MS_PER_DAY + i64::from(ms_of_day)))
}

/// Calendar and clock range checks shared by both parsers: the date exists
/// (month 1–12, day within the month) and the time is 00:00:00–23:59:59.
#[inline]
fn fields_valid(year: u32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> bool {
    // Non-short-circuit `&` keeps this branch-free; days_in_month is total.
    (month.wrapping_sub(1) < 12)
        & (day.wrapping_sub(1) < days_in_month(year, month))
        & (hour < 24)
        & (minute < 60)
        & (second < 60)
}

/// The general parser for every spelling SPEC §2.2 accepts.
fn parse_general(bytes: &[u8]) -> Option<i64> {
    #[rustfmt::skip]
    let [
        y0, y1, y2, y3, b'-', mo0, mo1, b'-', d0, d1, sep,
        h0, h1, b':', mi0, mi1, b':', s0, s1, rest @ ..
    ] = bytes else {
        return None;
    };
    if !matches!(*sep, b'T' | b't' | b' ') {
        return None;
    }
    let digits = [y0, y1, y2, y3, mo0, mo1, d0, d1, h0, h1, mi0, mi1, s0, s1].map(|c| c.wrapping_sub(b'0'));
    if digits.iter().any(|&d| d > 9) {
        return None;
    }
    let [y0, y1, y2, y3, mo0, mo1, d0, d1, h0, h1, mi0, mi1, s0, s1] = digits;
    let year = num2(y0, y1) * 100 + num2(y2, y3);
    let month = num2(mo0, mo1);
    let day = num2(d0, d1);
    let hour = num2(h0, h1);
    let minute = num2(mi0, mi1);
    let second = num2(s0, s1);
    if !fields_valid(year, month, day, hour, minute, second) {
        return None;
    }

    let (frac_ms, offset_min) = match rest {
        // Fast path: the canonical `.sssZ` tail.
        [b'.', a @ b'0'..=b'9', b @ b'0'..=b'9', c @ b'0'..=b'9', b'Z'] => {
            let ms = u32::from(a - b'0') * 100 + u32::from(b - b'0') * 10 + u32::from(c - b'0');
            (ms, 0)
        }
        [b'.', tail @ ..] => {
            let mut ms = 0u32;
            let mut count = 0u32;
            let mut tail = tail;
            while let [c @ b'0'..=b'9', more @ ..] = tail {
                if count < 3 {
                    ms = ms * 10 + u32::from(c - b'0');
                }
                count += 1;
                tail = more;
            }
            let ms = match count {
                1 => ms * 100,
                2 => ms * 10,
                3..=9 => ms,
                _ => return None,
            };
            (ms, parse_offset(tail)?)
        }
        _ => (0, parse_offset(rest)?),
    };

    let days = days_from_civil_u32(year, month, day);
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_min * 60;
    let ms = secs * 1000 + i64::from(frac_ms);
    if (MIN_MS..=MAX_MS).contains(&ms) {
        Some(ms)
    } else {
        None
    }
}

/// Parse the `Z` / `z` / `±HH:MM` time offset that must make up all of
/// `tail`; returns the offset east of UTC in minutes.
#[inline]
fn parse_offset(tail: &[u8]) -> Option<i64> {
    match *tail {
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), h0, h1, b':', m0, m1] => {
            let ds = [h0, h1, m0, m1].map(|c| c.wrapping_sub(b'0'));
            if ds.iter().any(|&d| d > 9) {
                return None;
            }
            let [h0, h1, m0, m1] = ds;
            let (h, m) = (num2(h0, h1), num2(m0, m1));
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = i64::from(h * 60 + m);
            Some(if sign == b'-' { -minutes } else { minutes })
        }
        _ => None,
    }
}

/// ASCII digits of `n % 100`, tens first.
#[inline]
const fn digits2(n: u32) -> [u8; 2] {
    let n = n % 100;
    [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]
}

/// Append ASCII bytes to `out` (every caller passes ASCII only).
#[inline]
fn push_ascii(out: &mut String, bytes: &[u8]) {
    out.push_str(core::str::from_utf8(bytes).unwrap_or(""));
}

/// The four ASCII digits of `y` if it is in 0000–9999.
#[inline]
fn year4(y: i64) -> Option<[u8; 4]> {
    match u32::try_from(y) {
        Ok(y) if y <= 9999 => {
            let [y0, y1] = digits2(y / 100);
            let [y2, y3] = digits2(y);
            Some([y0, y1, y2, y3])
        }
        _ => None,
    }
}

/// Append JavaScript's expanded year form `±YYYYYY` (sign and at least six
/// digits), used for years outside 0000–9999.
#[cold]
fn push_expanded_year(y: i64, out: &mut String) {
    let mut digits = String::new();
    crate::write::unsigned(y.unsigned_abs(), &mut digits);
    out.push(if y < 0 { '-' } else { '+' });
    for _ in digits.len()..6 {
        out.push('0');
    }
    out.push_str(&digits);
}

/// Write the canonical form of `ms` into `out`, exactly as JavaScript's
/// `Date.prototype.toISOString` writes it for years 0001–9999:
/// `YYYY-MM-DDTHH:MM:SS.sssZ` (always a 4-digit year, always 3 fraction
/// digits).
///
/// `ms` should be within [`MIN_MS`] through [`MAX_MS`]. Outside that range this
/// still never panics: years 0000–9999 keep 4 digits and other years use the
/// expanded `±YYYYYY` form, as `toISOString` does.
pub fn write_timestamp(ms: i64, out: &mut String) {
    let (y, m, d) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    // rem_euclid is in 0..86_400_000, which always fits in u32.
    let ms_of_day = u32::try_from(ms.rem_euclid(MS_PER_DAY)).unwrap_or(0);
    let secs = ms_of_day / 1000;
    let frac = ms_of_day % 1000;
    let [mo0, mo1] = digits2(m);
    let [d0, d1] = digits2(d);
    let [h0, h1] = digits2(secs / 3600);
    let [mi0, mi1] = digits2(secs / 60 % 60);
    let [s0, s1] = digits2(secs % 60);
    let [f0, f1] = digits2(frac / 10);
    let [_, f2] = digits2(frac);
    if let Some([y0, y1, y2, y3]) = year4(y) {
        push_ascii(
            out,
            &[
                y0, y1, y2, y3, b'-', mo0, mo1, b'-', d0, d1, b'T', h0, h1, b':', mi0, mi1, b':', s0, s1, b'.', f0, f1,
                f2, b'Z',
            ],
        );
    } else {
        push_expanded_year(y, out);
        push_ascii(
            out,
            &[b'-', mo0, mo1, b'-', d0, d1, b'T', h0, h1, b':', mi0, mi1, b':', s0, s1, b'.', f0, f1, f2, b'Z'],
        );
    }
}

/// Convenience: the canonical form of `ms` (see [`write_timestamp`]) as a new
/// `String`.
#[must_use]
pub fn format_timestamp(ms: i64) -> String {
    let mut out = String::with_capacity(24);
    write_timestamp(ms, &mut out);
    out
}

/// The UTC calendar day number of an instant: days since 1970-01-01, using
/// floor division, so instants before 1970 give negative days (for example
/// `day_of(-1) == -1`).
#[must_use]
#[inline]
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(MS_PER_DAY)
}

/// Write `YYYY-MM-DD` for a day number (as returned by [`day_of`]) into
/// `out`. Days outside years 0000–9999 are written with JavaScript's expanded
/// `±YYYYYY` year form; this never panics.
pub fn write_date(day: i64, out: &mut String) {
    let (y, m, d) = civil_from_days(day);
    let [m0, m1] = digits2(m);
    let [d0, d1] = digits2(d);
    if let Some([y0, y1, y2, y3]) = year4(y) {
        push_ascii(out, &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1]);
    } else {
        push_expanded_year(y, out);
        push_ascii(out, &[b'-', m0, m1, b'-', d0, d1]);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

    /// SPEC §2.2 spellings: input and the expected canonical form, or `None`
    /// if the input must be rejected.
    const CASES: &[(&str, Option<&str>)] = &[
        // Basic accepted shapes.
        ("2023-06-01T10:00:00Z", Some("2023-06-01T10:00:00.000Z")),
        ("2023-06-01T10:00:00.123Z", Some("2023-06-01T10:00:00.123Z")),
        ("2023-06-01t10:00:00z", Some("2023-06-01T10:00:00.000Z")),
        ("2023-06-01T10:00:00z", Some("2023-06-01T10:00:00.000Z")),
        ("2023-06-01 10:00:00Z", Some("2023-06-01T10:00:00.000Z")),
        ("2023-06-01T10:00:00+00:00", Some("2023-06-01T10:00:00.000Z")),
        ("2023-06-01T10:00:00-00:00", Some("2023-06-01T10:00:00.000Z")),
        ("2023-06-01T10:00:00.123+01:00", Some("2023-06-01T09:00:00.123Z")),
        // Fractions: 1–9 digits, padded or truncated (never rounded).
        ("2023-06-01T10:00:00.5Z", Some("2023-06-01T10:00:00.500Z")),
        ("2023-06-01T10:00:00.12Z", Some("2023-06-01T10:00:00.120Z")),
        ("2023-06-01T10:00:00.123456Z", Some("2023-06-01T10:00:00.123Z")),
        ("2023-06-01T10:00:00.999999999Z", Some("2023-06-01T10:00:00.999Z")),
        ("2023-06-01T10:00:00.000000001Z", Some("2023-06-01T10:00:00.000Z")),
        ("2023-06-01T10:00:00.1234567890Z", None),
        ("2023-06-01T10:00:00.Z", None),
        ("2023-06-01T10:00:00.+01:00", None),
        ("2023-06-01T10:00:00,123Z", None),
        ("2023-06-01T10:00:00.-1Z", None),
        // Calendar validity.
        ("2024-02-29T12:00:00Z", Some("2024-02-29T12:00:00.000Z")),
        ("2023-02-29T12:00:00Z", None),
        ("1900-02-29T12:00:00Z", None),
        ("2000-02-29T12:00:00Z", Some("2000-02-29T12:00:00.000Z")),
        ("2023-04-30T12:00:00Z", Some("2023-04-30T12:00:00.000Z")),
        ("2023-04-31T12:00:00Z", None),
        ("2023-12-31T12:00:00Z", Some("2023-12-31T12:00:00.000Z")),
        ("2023-12-32T12:00:00Z", None),
        ("2023-13-01T12:00:00Z", None),
        ("2023-00-01T12:00:00Z", None),
        ("2023-06-00T12:00:00Z", None),
        // Time-of-day validity.
        ("2023-06-01T23:59:59Z", Some("2023-06-01T23:59:59.000Z")),
        ("2023-06-01T24:00:00Z", None),
        ("2023-12-31T23:59:60Z", None),
        ("2023-06-01T10:60:00Z", None),
        ("2023-06-01T10:00:61Z", None),
        // Offsets.
        ("2023-06-01T10:00:00+24:00", None),
        ("2023-06-01T10:00:00+00:60", None),
        ("2023-06-01T10:00:00+23:59", Some("2023-05-31T10:01:00.000Z")),
        ("2023-06-01T10:00:00-23:59", Some("2023-06-02T09:59:00.000Z")),
        ("2023-06-01T10:00:00-05:30", Some("2023-06-01T15:30:00.000Z")),
        ("2023-06-01T10:00:00+0100", None),
        ("2023-06-01T10:00:00+01", None),
        ("2023-06-01T10:00:00+01:00:00", None),
        ("2023-06-01T10:00:00\u{2212}05:00", None),
        ("2023-06-01T10:00:00 Z", None),
        ("2023-06-01T10:00:00ZZ", None),
        // Offsets crossing day, month, year and leap-day boundaries.
        ("2023-06-01T20:00:00-05:00", Some("2023-06-02T01:00:00.000Z")),
        ("2023-01-31T23:00:00-02:00", Some("2023-02-01T01:00:00.000Z")),
        ("2023-12-31T22:30:00-01:45", Some("2024-01-01T00:15:00.000Z")),
        ("2024-02-28T23:30:00-00:45", Some("2024-02-29T00:15:00.000Z")),
        ("2023-06-01T00:30:00+01:00", Some("2023-05-31T23:30:00.000Z")),
        ("2024-01-01T00:00:00.250+00:01", Some("2023-12-31T23:59:00.250Z")),
        ("2023-06-01T10:00:00.999999999-23:59", Some("2023-06-02T09:59:00.999Z")),
        // Pre-epoch instants: truncation goes toward the earlier instant.
        ("1969-12-31T23:59:59.9999Z", Some("1969-12-31T23:59:59.999Z")),
        ("1969-12-31T23:59:59.0009Z", Some("1969-12-31T23:59:59.000Z")),
        ("1965-03-14T08:15:42.7Z", Some("1965-03-14T08:15:42.700Z")),
        ("1970-01-01T00:00:00.0001+00:00", Some("1970-01-01T00:00:00.000Z")),
        ("1970-01-01T00:59:59.9999+01:00", Some("1969-12-31T23:59:59.999Z")),
        // Range: the UTC year must be 0001–9999.
        ("9999-12-31T23:59:59.999Z", Some("9999-12-31T23:59:59.999Z")),
        ("9999-12-31T23:59:59.999999999Z", Some("9999-12-31T23:59:59.999Z")),
        ("9999-12-31T23:59:59-00:01", None),
        ("9999-12-31T23:58:59-00:01", Some("9999-12-31T23:59:59.000Z")),
        ("0001-01-01T00:00:00Z", Some("0001-01-01T00:00:00.000Z")),
        ("0001-01-01T00:00:00+00:01", None),
        ("0001-01-01T00:01:00+00:01", Some("0001-01-01T00:00:00.000Z")),
        ("0000-12-31T23:00:00-02:00", Some("0001-01-01T01:00:00.000Z")),
        ("0000-12-31T23:59:59.999Z", None),
        ("0000-02-29T12:00:00-23:59", None),
        ("10000-01-01T00:00:00Z", None),
        ("+2023-06-01T10:00:00Z", None),
        ("-0001-06-01T10:00:00Z", None),
        // Shapes that are not RFC 3339 date-times.
        ("2023-06-01", None),
        ("2023-06-01T10:00:00", None),
        ("2023-06-01T10:00Z", None),
        ("2023-152T10:00:00Z", None),
        ("2023-W22-4T10:00:00Z", None),
        ("1685613600", None),
        ("1685613600000", None),
        ("20230601T100000Z", None),
        ("2023-6-1T10:00:00Z", None),
        ("2023-06-01T1:00:00Z", None),
        ("2023/06/01T10:00:00Z", None),
        // Separators and whitespace.
        ("2023-06-01  10:00:00Z", None),
        ("2023-06-01TT10:00:00Z", None),
        ("2023-06-01_10:00:00Z", None),
        ("2023-06-01\t10:00:00Z", None),
        ("2023-06-01T10:00:00.123 +01:00", None),
        (" 2023-06-01T10:00:00Z", None),
        ("2023-06-01T10:00:00Z ", None),
        ("2023-06-01T10:00:00Z\n", None),
        ("", None),
        // Only ASCII digits.
        ("\u{ff12}\u{ff10}\u{ff12}\u{ff13}-06-01T10:00:00Z", None),
        ("2023-06-01T10:00:00.\u{0661}Z", None),
        ("2023-0a-01T10:00:00Z", None),
        ("2023-06-01T10:00:00+0a:00", None),
    ];

    #[test]
    fn spec_2_2_table_of_spellings() {
        assert!(CASES.len() >= 45);
        for &(input, expected) in CASES {
            let got = parse_timestamp(input).map(format_timestamp);
            assert_eq!(got.as_deref(), expected, "SPEC §2.2 input {input:?}");
            if let Some(ms) = parse_timestamp(input) {
                // The canonical form is itself accepted and means the same instant.
                assert_eq!(parse_timestamp(&format_timestamp(ms)), Some(ms), "{input:?}");
            }
        }
    }

    #[test]
    fn spec_2_2_bounds_and_constants() {
        assert_eq!(MIN_MS, -62_135_596_800_000);
        assert_eq!(MAX_MS, 253_402_300_799_999);
        assert_eq!(format_timestamp(MIN_MS), "0001-01-01T00:00:00.000Z");
        assert_eq!(format_timestamp(MAX_MS), "9999-12-31T23:59:59.999Z");
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_timestamp(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_timestamp("1969-12-31T23:59:59.9999Z"), Some(-1));
        assert_eq!(parse_timestamp("2023-06-01T10:00:00Z"), Some(1_685_613_600_000));
        assert_eq!(parse_timestamp("0001-01-01T00:00:00Z"), Some(MIN_MS));
        assert_eq!(parse_timestamp("9999-12-31T23:59:59.999Z"), Some(MAX_MS));
        assert_eq!(day_of(MIN_MS), -719_162);
        assert_eq!(day_of(MAX_MS), 2_932_896);
        // Outside 0000–9999 (never produced from valid input): JavaScript's
        // expanded years, as `new Date(ms).toISOString()` writes them.
        assert_eq!(format_timestamp(253_402_300_800_000), "+010000-01-01T00:00:00.000Z");
        assert_eq!(format_timestamp(-62_198_755_200_000), "-000001-01-01T00:00:00.000Z");
        assert_eq!(format_timestamp(-8_640_000_000_000_000), "-271821-04-20T00:00:00.000Z");
        assert_eq!(format_timestamp(-62_164_195_198_766), "0000-02-05T00:00:01.234Z");
    }

    #[test]
    fn out_of_range_writes_never_panic_and_follow_js_expanded_years() {
        assert_eq!(format_timestamp(MAX_MS + 1), "+010000-01-01T00:00:00.000Z");
        assert_eq!(format_timestamp(MIN_MS - 1), "0000-12-31T23:59:59.999Z");
        let year_minus_one = days_from_civil(-1, 1, 1) * MS_PER_DAY;
        assert_eq!(format_timestamp(year_minus_one), "-000001-01-01T00:00:00.000Z");
        for ms in [i64::MIN, i64::MIN + 1, i64::MAX, i64::MAX - 1] {
            let s = format_timestamp(ms);
            assert!(s.ends_with('Z'), "{s}");
            assert_eq!(parse_timestamp(&s), None);
        }
        for day in [i64::MIN, i64::MAX, -1_000_000_000, 1_000_000_000] {
            let mut s = String::new();
            write_date(day, &mut s);
            assert!(s.len() >= 10, "{s}");
        }
    }

    /// Tiny xorshift64 PRNG so the cross-checks need no extra dependency.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        /// Uniform-ish value in `lo..=hi`.
        fn range(&mut self, lo: i64, hi: i64) -> i64 {
            let span = (hi - lo) as u64 + 1;
            lo + (self.next() % span) as i64
        }
    }

    #[test]
    fn spec_2_2_canonical_form_matches_chrono() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut buf = String::new();
        for i in 0..300_000 {
            let ms = match i {
                0 => MIN_MS,
                1 => MAX_MS,
                2 => 0,
                3 => -1,
                _ => rng.range(MIN_MS, MAX_MS),
            };
            buf.clear();
            write_timestamp(ms, &mut buf);
            let dt = DateTime::<Utc>::from_timestamp_millis(ms).expect("in chrono range");
            let want = dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
            assert_eq!(buf, want, "ms {ms}");
            assert_eq!(parse_timestamp(&buf), Some(ms), "{buf}");
            assert_eq!(day_of(ms), dt.date_naive().signed_duration_since(epoch_date()).num_days());
        }
    }

    fn epoch_date() -> NaiveDate {
        NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
    }

    #[test]
    fn spec_2_2_offsets_and_fractions_match_chrono() {
        let mut rng = XorShift(0x0123_4567_89AB_CDEF);
        let mut checked = 0u32;
        let mut rejected = 0u32;
        for _ in 0..300_000 {
            // Some instants lie just outside the range so rejection is exercised.
            let near_edge = rng.next() % 8 == 0;
            let ms = if near_edge {
                if rng.next() % 2 == 0 {
                    rng.range(MIN_MS - 2 * MS_PER_DAY, MIN_MS + 2 * MS_PER_DAY)
                } else {
                    rng.range(MAX_MS - 2 * MS_PER_DAY, MAX_MS + 2 * MS_PER_DAY)
                }
            } else {
                rng.range(MIN_MS, MAX_MS)
            };
            let sub_ms_nanos = (rng.next() % 1_000_000) as u32;
            let nanos = (ms.rem_euclid(1000) as u32) * 1_000_000 + sub_ms_nanos;
            let secs = ms.div_euclid(1000);
            let offset_min = rng.range(-(23 * 60 + 59), 23 * 60 + 59) as i32;
            let offset = FixedOffset::east_opt(offset_min * 60).expect("valid offset");
            let utc = DateTime::<Utc>::from_timestamp(secs, nanos).expect("in chrono range");
            let local = utc.with_timezone(&offset).naive_local();
            if !(0..=9999).contains(&local.year()) {
                continue;
            }
            let frac_digits = (rng.next() % 10) as usize; // 0 = no fraction
            let mut text = local.format("%Y-%m-%dT%H:%M:%S").to_string();
            if frac_digits > 0 {
                let all = format!("{nanos:09}");
                text.push('.');
                text.push_str(&all[..frac_digits]);
            }
            let off_abs = offset_min.unsigned_abs();
            match rng.next() % 3 {
                0 if offset_min == 0 => text.push('Z'),
                _ => {
                    let sign = if offset_min < 0 { '-' } else { '+' };
                    text.push_str(&format!("{sign}{:02}:{:02}", off_abs / 60, off_abs % 60));
                }
            }
            let chrono_ms = DateTime::parse_from_rfc3339(&text)
                .unwrap_or_else(|e| panic!("chrono rejects {text:?}: {e}"))
                .timestamp_millis();
            // Independent expectation: truncate the fraction to `frac_digits`
            // digits, then to milliseconds, toward the earlier instant.
            let kept_nanos = match frac_digits {
                0 => 0,
                k => {
                    let scale = 10u32.pow(9 - k as u32);
                    nanos / scale * scale
                }
            };
            let truncated = secs * 1000 + i64::from(kept_nanos / 1_000_000);
            assert_eq!(chrono_ms, truncated, "{text}");
            let want = (MIN_MS..=MAX_MS).contains(&chrono_ms).then_some(chrono_ms);
            let got = parse_timestamp(&text);
            assert_eq!(got, want, "SPEC §2.2 {text:?}");
            if want.is_some() {
                checked += 1;
            } else {
                rejected += 1;
            }
            // Alternative spellings of the same text mean the same instant.
            let lower = text.replacen('T', "t", 1).replace('Z', "z");
            assert_eq!(parse_timestamp(&lower), want, "{lower:?}");
            let spaced = text.replacen('T', " ", 1);
            assert_eq!(parse_timestamp(&spaced), want, "{spaced:?}");
        }
        assert!(checked > 200_000, "{checked}");
        assert!(rejected > 1_000, "{rejected}");
    }

    #[test]
    fn spec_2_2_canonical_fast_path_agrees_with_general_parser() {
        let bases = [
            "2023-06-01T10:00:00.123Z",
            "2024-02-29T23:59:59.999Z",
            "0001-01-01T00:00:00.000Z",
            "9999-12-31T23:59:59.999Z",
            "1969-12-31T23:59:59.999Z",
        ];
        let mut compared = 0;
        for base in bases {
            for pos in 0..base.len() {
                // Every ASCII byte, plus multi-byte characters, in every position.
                let ascii = (0u8..0x80).map(char::from);
                let wide = ['\u{e9}', '\u{661}', '\u{ff11}', '\u{2212}', '\u{1f600}'];
                for c in ascii.chain(wide) {
                    let mut text = String::from(&base[..pos]);
                    text.push(c);
                    text.push_str(&base[pos + 1..]);
                    let bytes = text.as_bytes();
                    let fast = <&[u8; 24]>::try_from(bytes).ok().and_then(parse_canonical);
                    let general = parse_general(bytes);
                    if let Some(fast) = fast {
                        assert_eq!(fast, general, "{text:?}");
                        compared += 1;
                    }
                    assert_eq!(parse_timestamp(&text), general, "{text:?}");
                }
            }
        }
        assert!(compared > 200, "{compared}");
    }

    #[test]
    fn civil_from_days_fast_path_agrees_with_hinnant() {
        let lo = -NS_SHIFT_DAYS;
        let hi = i64::from(NS_LIMIT) - 1 - NS_SHIFT_DAYS;
        // Both edges of the fast path's domain.
        for day in (lo..lo + 1000).chain(hi - 1000..=hi + 1000) {
            assert_eq!(civil_from_days(day), civil_from_days_hinnant(day), "day {day}");
        }
        // Every day of years -1000 to 12000, then a sample of the whole fast
        // domain with a prime stride.
        let dense = days_from_civil(-1000, 1, 1)..days_from_civil(12_000, 1, 1);
        for day in dense.chain((lo..=hi).step_by(1009)) {
            let n = u32::try_from(day + NS_SHIFT_DAYS).expect("in fast domain");
            assert_eq!(civil_from_days_fast(n), civil_from_days_hinnant(day), "day {day}");
        }
        assert_eq!(civil_from_days(lo - 1), civil_from_days_hinnant(lo - 1));
        assert_eq!(civil_from_days(i64::MIN), civil_from_days_hinnant(i64::MIN));
        assert_eq!(civil_from_days(i64::MAX), civil_from_days_hinnant(i64::MAX));
        assert_eq!(civil_from_days_hinnant(0), (1970, 1, 1));
        assert_eq!(civil_from_days_hinnant(-719_468), (0, 3, 1));
        assert_eq!(civil_from_days_hinnant(-719_469), (0, 2, 29));
    }

    #[test]
    fn day_of_and_write_date_round_trip() {
        assert_eq!(day_of(0), 0);
        assert_eq!(day_of(MS_PER_DAY - 1), 0);
        assert_eq!(day_of(MS_PER_DAY), 1);
        assert_eq!(day_of(-1), -1);
        assert_eq!(day_of(-MS_PER_DAY), -1);
        assert_eq!(day_of(-MS_PER_DAY - 1), -2);
        let date = |day: i64| {
            let mut s = String::new();
            write_date(day, &mut s);
            s
        };
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(date(-365), "1969-01-01");
        assert_eq!(date(-719_162), "0001-01-01");
        assert_eq!(date(-719_163), "0000-12-31");
        assert_eq!(date(2_932_896), "9999-12-31");
        assert_eq!(date(2_932_897), "+010000-01-01");
        assert_eq!(date(19_509), "2023-06-01");

        // Every day in range: the calendar date agrees with chrono, and the
        // written date at midnight UTC parses back to the first ms of that
        // day. The text itself is compared with chrono's on a sample of days
        // (formatting through chrono for all 3.65 million days is slow).
        let mut expected = NaiveDate::from_ymd_opt(1, 1, 1).expect("valid date");
        let mut text = String::new();
        for day in day_of(MIN_MS)..=day_of(MAX_MS) {
            let (y, m, d) = civil_from_days(day);
            let want = (i64::from(expected.year()), expected.month(), expected.day());
            assert_eq!((y, m, d), want, "day {day}");
            text.clear();
            write_date(day, &mut text);
            if day % 97 == 0 || m == 2 && d == 29 {
                assert_eq!(text, expected.format("%Y-%m-%d").to_string(), "day {day}");
            }
            text.push_str("T00:00:00Z");
            let ms = parse_timestamp(&text).expect("valid midnight");
            assert_eq!(ms, day * MS_PER_DAY, "{text}");
            assert_eq!(day_of(ms), day);
            assert_eq!(day_of(ms + MS_PER_DAY - 1), day);
            assert_eq!(day_of(ms - 1), day - 1);
            expected = expected.succ_opt().unwrap_or(expected);
        }
    }
}

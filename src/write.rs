//! The primitives of JSON text out, shared by every layer: strings escaped as `JSON.stringify`
//! escapes them, integers, numbers as JavaScript writes them, and messages built from pieces
//! ([`text!`]) without `core::fmt`.

use std::borrow::Cow;

use crate::number::{decimal_to_f64, shortest, MAX_SAFE};

/// Append `s` as it is. Not inlined: objects call it once per key, and inlined copies of
/// `String::push_str` made the writers several times larger.
#[inline(never)]
pub fn raw(o: &mut String, s: &str) {
    o.push_str(s);
}

/// A piece of a message for [`text!`]: text or a whole number.
pub trait Piece {
    /// Append this piece to the message `o`: text as it is, a number in decimal digits.
    fn put(&self, o: &mut String);
}

impl Piece for str {
    #[inline(never)]
    fn put(&self, o: &mut String) {
        o.push_str(self);
    }
}

impl Piece for String {
    #[inline(never)]
    fn put(&self, o: &mut String) {
        o.push_str(self);
    }
}

impl Piece for Cow<'_, str> {
    #[inline(never)]
    fn put(&self, o: &mut String) {
        o.push_str(self);
    }
}

impl Piece for u64 {
    fn put(&self, o: &mut String) {
        unsigned(*self, o);
    }
}

impl Piece for usize {
    fn put(&self, o: &mut String) {
        unsigned(*self as u64, o);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn put(&self, o: &mut String) {
        (**self).put(o);
    }
}

/// A message from pieces: `text!("found ", n, " runs")`. Messages are built this way rather than
/// with `format!`, which brought `core::fmt`'s formatting machinery into the .wasm.
macro_rules! text {
    ($($piece:expr),+ $(,)?) => {{
        let mut s = String::new();
        $( $crate::write::Piece::put(&$piece, &mut s); )+
        s
    }};
}
pub(crate) use text;

/// `s` as a JSON string, escaped as `JSON.stringify` escapes it.
#[inline(never)]
pub fn string(s: &str, o: &mut String) {
    o.push('"');
    let mut plain = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            0..=0x1F => "",
            _ => continue,
        };
        o.push_str(s.get(plain..i).unwrap_or_default());
        plain = i + 1;
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            o.push_str("\\u00");
            o.push(char::from(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
            o.push(char::from(HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0')));
        } else {
            o.push_str(esc);
        }
    }
    o.push_str(s.get(plain..).unwrap_or_default());
    o.push('"');
}

/// The decimal digits of `n`.
#[inline(never)]
pub fn unsigned(n: u64, o: &mut String) {
    let (buf, start) = digits(n);
    push_ascii(buf.get(start..).unwrap_or_default(), o);
}

/// The decimal digits of `n`, right-aligned in 20 bytes, and where they start.
fn digits(mut n: u64) -> ([u8; 20], usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            return (buf, i);
        }
    }
}

fn push_ascii(bytes: &[u8], o: &mut String) {
    bytes.iter().for_each(|&d| o.push(char::from(d)));
}

/// The decimal digits of `n`, with a `-` if negative.
pub fn signed(n: i64, o: &mut String) {
    if n < 0 {
        o.push('-');
    }
    unsigned(n.unsigned_abs(), o);
}

/// `n` as JavaScript's `String(n)` writes it (shortest round-trip digits, exponent from 1e21 and
/// below 1e-6), with `-0` as `0`; NaN and ±Infinity as `null`, as `JSON.stringify` writes them.
#[inline(never)]
pub fn number(n: f64, o: &mut String) {
    if !n.is_finite() {
        o.push_str("null");
        return;
    }
    if n.fract() == 0.0 && n.abs() <= MAX_SAFE {
        #[allow(clippy::cast_possible_truncation)]
        signed(n as i64, o);
        return;
    }
    if n < 0.0 {
        o.push('-');
    }
    let a = n.abs();
    if !short_decimal(a, o) {
        shortest(a, o);
    }
}

/// Write `a` (positive, not a whole number) if its shortest round-trip form is a plain decimal
/// with at most 15 fraction digits and fewer than 2^53 as digits (ratios, rates, means: nearly
/// every number the library writes); false, having written nothing, when it is not.
///
/// The shortest form has the fewest fraction digits k for which some integer m gives back `a`
/// as m / 10^k. For each k from 1 this tries the integer nearest to a·10^k and its neighbours
/// (a·10^k is rounded once, so the exact nearest is among them): exactly one of them gives `a`
/// back, then it is the answer; two or more, and JavaScript would pick the closest of several
/// candidates, which is left to [`shortest`].
fn short_decimal(a: f64, o: &mut String) -> bool {
    if !(1e-6..=1e15).contains(&a) {
        return false;
    }
    let mut scale = 1.0;
    for k in 1..=15i64 {
        scale *= 10.0;
        let scaled = a * scale;
        if scaled >= 9e15 {
            return false;
        }
        // Nearest integer (0 ≤ scaled < 9e15); the exact one is within ±1 of it.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let m = (scaled + 0.5) as u64;
        // A candidate c gives `a` back only if a is c / 10^k correctly rounded: then a·10^k is
        // within 10^k · ulp(a) / 2 ≤ 2^-53 · a·10^k of c, and `scaled` (a·10^k rounded) within
        // 2^-52 · scaled of it. When the nearest integer is farther than twice that, none of
        // the three is: skip their three divisions (a long ratio took 45 before String(a)).
        #[allow(clippy::cast_precision_loss)]
        if (scaled - m as f64).abs() > scaled * (1.0 / 2_251_799_813_685_248.0) {
            continue;
        }
        let back = |m: u64| decimal_to_f64(m, -k) == Some(a);
        let found = [m.wrapping_sub(1), m, m + 1].map(|c| c > 0 && back(c));
        match found {
            [false, false, false] => continue,
            [false, true, false] => {
                let (buf, start) = digits(m);
                let ds = buf.get(start..).unwrap_or_default();
                // m has no trailing zero (m / 10 would have been found at k − 1).
                let k = usize::try_from(k).unwrap_or(0);
                match ds.len().checked_sub(k) {
                    Some(0) | None => {
                        o.push_str("0.");
                        (ds.len()..k).for_each(|_| o.push('0'));
                        push_ascii(ds, o);
                    }
                    Some(whole) => {
                        let (int, frac) = ds.split_at(whole);
                        push_ascii(int, o);
                        o.push('.');
                        push_ascii(frac, o);
                    }
                }
                return true;
            }
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::Numbers;

    fn num(n: f64) -> String {
        let mut o = String::new();
        number(n, &mut o);
        o
    }

    /// Expected strings are what Node 20's `String(n)` prints.
    #[test]
    fn numbers_as_javascript_writes_them() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-2.5, "-2.5"),
            (0.1, "0.1"),
            (0.5, "0.5"),
            (1.0 / 3.0, "0.3333333333333333"),
            (2.0 / 3.0, "0.6666666666666666"),
            (123456789.125, "123456789.125"),
            (9007199254740991.0, "9007199254740991"),
            (9007199254740992.0, "9007199254740992"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (1e300, "1e+300"),
            (f64::MAX, "1.7976931348623157e+308"),
            (0.000001, "0.000001"),
            (0.0000012, "0.0000012"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (-1.5e-7, "-1.5e-7"),
            (5e-324, "5e-324"),
            (0.001, "0.001"),
            (12.5, "12.5"),
            (1234.5678, "1234.5678"),
            (f64::NAN, "null"),
            (f64::INFINITY, "null"),
        ];
        for &(n, want) in cases {
            assert_eq!(num(n), want, "{n:e}");
        }
    }

    #[test]
    fn numbers_round_trip() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = f64::from_bits(x);
            if n.is_finite() {
                let back: f64 = num(n).parse().unwrap();
                assert_eq!(back, if n == 0.0 { 0.0 } else { n }, "{n:e} → {}", num(n));
            }
        }
    }

    /// `short_decimal` as it was before it skipped the scales whose nearest integer is too far
    /// from a·10^k: it tried the three candidates at every scale. The skip must change nothing.
    fn short_decimal_unfiltered(a: f64) -> Option<String> {
        if !(1e-6..=1e15).contains(&a) {
            return None;
        }
        let mut scale = 1.0;
        for k in 1..=15i64 {
            scale *= 10.0;
            let scaled = a * scale;
            if scaled >= 9e15 {
                return None;
            }
            let m = (scaled + 0.5) as u64;
            let back = |m: u64| decimal_to_f64(m, -k) == Some(a);
            match [m.wrapping_sub(1), m, m + 1].map(|c| c > 0 && back(c)) {
                [false, false, false] => continue,
                [false, true, false] => {
                    let ds = m.to_string();
                    let k = k as usize;
                    return Some(match ds.len().checked_sub(k) {
                        Some(0) | None => format!("0.{}{ds}", "0".repeat(k - ds.len())),
                        Some(whole) => format!("{}.{}", &ds[..whole], &ds[whole..]),
                    });
                }
                _ => return None,
            }
        }
        None
    }

    /// SPEC §8 (results are what `JSON.stringify` writes): the short-decimal path must write
    /// exactly what the full shortest-digits path writes,
    /// whenever it writes anything: decimals of every length, their neighbours one ulp away,
    /// near-ties, and random bit patterns.
    #[test]
    fn short_decimals_agree_with_shortest_digits() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let (mut short, mut total) = (0, 0);
        for i in 0..600_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = 1 + (x >> 59) as i64 % 17;
            let m = (x >> 8) % 10u64.pow(digits as u32);
            let k = (x >> 4) as i64 % 19;
            let a = match i % 4 {
                0 => decimal_to_f64(m, -k).unwrap_or(0.5),
                1 => f64::from_bits(decimal_to_f64(m, -k).unwrap_or(0.5).to_bits().wrapping_add(1)),
                2 => f64::from_bits(decimal_to_f64(m, -k).unwrap_or(0.5).to_bits().wrapping_sub(1)),
                _ => f64::from_bits(x >> 2 | 0x3E00_0000_0000_0000),
            };
            if !a.is_finite() || a <= 0.0 || a.fract() == 0.0 {
                continue;
            }
            let (mut fast, mut full) = (String::new(), String::new());
            crate::number::Native.shortest(a, &mut full);
            total += 1;
            if short_decimal(a, &mut fast) {
                short += 1;
                assert_eq!(fast, full, "{a:e}");
            } else {
                assert!(fast.is_empty(), "{a:e}");
            }
            assert_eq!(short_decimal_unfiltered(a), (!fast.is_empty()).then_some(fast), "{a:e}");
        }
        // Both paths must be exercised many times (about one in five takes the short one).
        assert!(short > 100_000 && total - short > 100_000, "{short} of {total}");
    }

    #[test]
    fn strings_as_json_stringify_escapes_them() {
        let mut o = String::new();
        string("a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f} é 😀 \u{2028}", &mut o);
        assert_eq!(o, r#""a\"b\\c\n\r\t\b\f\u0001\u001f é 😀 "#.to_string() + "\u{2028}\"");
    }

    #[test]
    fn integers() {
        let mut o = String::new();
        unsigned(0, &mut o);
        o.push(' ');
        unsigned(u64::MAX, &mut o);
        o.push(' ');
        signed(i64::MIN, &mut o);
        assert_eq!(o, "0 18446744073709551615 -9223372036854775808");
    }
}

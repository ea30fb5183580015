//! Numbers between decimal text and `f64`, exactly as JavaScript converts them, and the two
//! services for the rare numbers that integer arithmetic cannot convert: JavaScript's own
//! `Number(text)` and `String(n)` in the package, the standard library and zmij on the host.
//!
//! The core never calls up into the JavaScript boundary for these: the boundary hands its
//! [`Numbers`] down once ([`install`]) before any work, and a host program uses [`Native`]
//! without doing anything. `tests/numbers.rs` runs the core with a JavaScript-like
//! implementation installed, so host `cargo test` exercises both paths.

use std::sync::OnceLock;

/// The number services a host gives the core: exact where the core's integer arithmetic is not.
pub trait Numbers: Sync {
    /// The value of a JSON number token with more than 19 significant digits or an exponent
    /// beyond ±19, correctly rounded (JavaScript's `Number(text)`); NaN if it is not one.
    fn parse(&self, text: &str) -> f64;
    /// `a` (positive, finite, not a short decimal) as JavaScript's `String(a)` writes it.
    fn shortest(&self, a: f64, o: &mut String);
}

static HOST: OnceLock<&'static dyn Numbers> = OnceLock::new();

/// Hand the core its number services, once, before any work (the wasm boundary does, with
/// JavaScript's `Number` and `String`). False if some were installed already (they stay).
pub fn install(numbers: &'static dyn Numbers) -> bool {
    HOST.set(numbers).is_ok()
}

/// The installed services, or the host's own.
#[inline]
fn host() -> &'static dyn Numbers {
    match HOST.get() {
        Some(n) => *n,
        None => &DEFAULT,
    }
}

/// The value of a long number token (see [`Numbers::parse`]).
#[cold]
pub fn parse_long(text: &str) -> f64 {
    host().parse(text)
}

/// `a` as `String(a)` writes it (see [`Numbers::shortest`]).
#[cold]
pub fn shortest(a: f64, o: &mut String) {
    host().shortest(a, o);
}

#[cfg(not(target_arch = "wasm32"))]
static DEFAULT: Native = Native;

/// Without JavaScript's services a wasm build has no exact long-number parser or shortest-digits
/// writer (their tables would double the .wasm): the boundary installs its own before any call
/// (src/wasm.rs `init`). Reached only by a wasm user of the Rust API that installed nothing:
/// such a number reads as non-finite (`invalid_number`, never a wrong value) and writes as `null`.
#[cfg(target_arch = "wasm32")]
static DEFAULT: Unset = Unset;

#[cfg(target_arch = "wasm32")]
struct Unset;

#[cfg(target_arch = "wasm32")]
impl Numbers for Unset {
    fn parse(&self, _text: &str) -> f64 {
        f64::NAN
    }
    fn shortest(&self, _a: f64, o: &mut String) {
        o.push_str("null");
    }
}

/// The host's services: the standard library's exact parser, zmij's shortest round-trip digits
/// laid out by ECMAScript's Number::toString rules.
#[cfg(not(target_arch = "wasm32"))]
pub struct Native;

#[cfg(not(target_arch = "wasm32"))]
impl Numbers for Native {
    fn parse(&self, text: &str) -> f64 {
        text.parse().unwrap_or(f64::NAN)
    }

    fn shortest(&self, a: f64, o: &mut String) {
        native_shortest(a, o);
    }
}

/// `mantissa × 10^exp10` correctly rounded, in the cases integer arithmetic makes exact, which
/// cover the numbers runs hold (counts, and ratios as JavaScript prints them: up to 17 digits);
/// `None` otherwise. (The general algorithm, Eisel–Lemire with its fallback, needs a 10 KB table
/// of powers of five: a fifth of the gzipped .wasm.)
pub fn decimal_to_f64(mantissa: u64, exp10: i64) -> Option<f64> {
    /// 10^0 ..= 10^22: every one exact in f64.
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];
    if mantissa == 0 {
        return Some(0.0);
    }
    let n = usize::try_from(exp10.unsigned_abs()).ok()?;
    if mantissa < 1 << 53 {
        // Clinger's fast path: two exact operands, one rounding.
        if let Some(&p) = POW10.get(n) {
            #[allow(clippy::cast_precision_loss)]
            let m = mantissa as f64;
            return Some(if exp10 < 0 { m / p } else { m * p });
        }
    }
    if n > 19 {
        return None;
    }
    // n ≤ 19, so 10^n < 2^64.
    let p = 10u64.pow(u32::try_from(n).ok()?);
    if exp10 >= 0 {
        // Below 2^64 · 10^19 < 2^128; `as` rounds to nearest, ties to even.
        #[allow(clippy::cast_precision_loss)]
        return Some((u128::from(mantissa) * u128::from(p)) as f64);
    }
    // mantissa / 10^n (here mantissa ≥ 2^53 and 10^n < 2^64): long division, one quotient bit
    // per step, until the quotient has 64 bits; a non-zero remainder is a sticky bit far below
    // the rounding position. Bit by bit rather than u128 `/`, which brings a 1 KB routine into
    // the .wasm for numbers that are rare (18 and 19 significant digits). The result is at
    // least 10^-19, so the power-of-two scaling back is exact.
    let (mut q, mut r, mut shift) = (mantissa / p, mantissa % p, 0u64);
    while q >> 63 == 0 {
        // r < p < 2^64: 2r may carry out of 64 bits, and then it is certainly ≥ p.
        let carry = r >> 63 != 0;
        r <<= 1;
        q <<= 1;
        if carry || r >= p {
            r = r.wrapping_sub(p);
            q |= 1;
        }
        shift += 1;
    }
    #[allow(clippy::cast_precision_loss)]
    let q = (q | u64::from(r != 0)) as f64;
    Some(q * f64::from_bits((1023 - shift) << 52))
}

/// Largest integer that f64 and JavaScript hold exactly: 2^53 − 1.
pub const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// `a` (positive, finite) as JavaScript's `String(a)`: zmij's shortest round-trip digits, laid
/// out by ECMAScript's Number::toString rules.
#[cfg(not(target_arch = "wasm32"))]
fn native_shortest(a: f64, o: &mut String) {
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(a);
    // zmij writes `d.ddd`, `ddd.d` or `d.ddde±x`: collect the digits and where the point goes
    // (value = 0.DIGITS × 10^point).
    let (mantissa, exp) = match text.split_once('e') {
        Some((m, e)) => (m, e),
        None => (text, "0"),
    };
    let exp_neg = exp.starts_with('-');
    let mut exp_value: i32 = 0;
    for d in exp.bytes().filter(u8::is_ascii_digit) {
        exp_value = exp_value.saturating_mul(10).saturating_add(i32::from(d - b'0'));
    }
    let mut digits = [0u8; 24];
    let mut k = 0usize;
    let mut point: i32 = 0;
    let mut seen_point = false;
    for b in mantissa.bytes() {
        if b == b'.' {
            seen_point = true;
            continue;
        }
        if k == 0 && b == b'0' {
            // A leading zero: moves the point left if after it, nothing if before.
            if seen_point {
                point -= 1;
            }
            continue;
        }
        if let Some(slot) = digits.get_mut(k) {
            *slot = b;
            k += 1;
        }
        if !seen_point {
            point += 1;
        }
    }
    while k > 1 && digits.get(k - 1) == Some(&b'0') {
        k -= 1;
    }
    let point = point + if exp_neg { -exp_value } else { exp_value };
    let digits = digits.get(..k).unwrap_or_default();
    let push = |o: &mut String, ds: &[u8]| ds.iter().for_each(|&d| o.push(char::from(d)));
    // k ≤ 24 (the digit buffer).
    let kk = i32::try_from(k).unwrap_or(i32::MAX);
    if kk <= point && point <= 21 {
        push(o, digits);
        (0..point - kk).for_each(|_| o.push('0'));
    } else if 0 < point && point <= 21 {
        let (a, b) = digits.split_at(usize::try_from(point).unwrap_or(0));
        push(o, a);
        o.push('.');
        push(o, b);
    } else if -6 < point && point <= 0 {
        o.push_str("0.");
        (0..-point).for_each(|_| o.push('0'));
        push(o, digits);
    } else {
        let (a, b) = digits.split_at(1.min(k));
        push(o, a);
        if !b.is_empty() {
            o.push('.');
            push(o, b);
        }
        let e = point - 1;
        o.push_str(if e < 0 { "e-" } else { "e+" });
        // At most three digits (|e| ≤ 324).
        let e = e.unsigned_abs();
        for (place, skip) in [(100, e < 100), (10, e < 10), (1, false)] {
            if !skip {
                o.push(char::from(b'0' + ((e / place) % 10) as u8));
            }
        }
    }
}

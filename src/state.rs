//! The bytes of a saved stream state (SPEC §7.1): varints, strings and a checksum. Plain bytes,
//! no knowledge of what they hold (the batch and the stream write their own parts).
//!
//! A state is `MAGIC`, the package version, the payload, then a 64-bit checksum of
//! everything before it. [`open`] checks all three before a byte of the payload is read, so
//! that bytes from another version or corrupted bytes are refused as a whole; every read of the
//! payload is checked as well ([`R`] never indexes out of range), so even bytes with a forged
//! checksum are refused, never a crash.

/// The first bytes of every state.
const MAGIC: &[u8; 4] = b"SRst";

/// Anything wrong with saved bytes: they are refused whole.
#[derive(Debug, PartialEq)]
pub struct Bad;

/// A 64-bit checksum, FNV-1a's steps over 8-byte words (eight times fewer than over bytes)
/// and the length: enough to tell corrupted bytes (a checksum, not a signature). Each step is
/// a bijection of the running value, so any one changed word changes the result.
pub fn checksum(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0100_0000_01b3;
    let mut words = bytes.chunks_exact(8);
    let mut h = 0xcbf2_9ce4_8422_2325_u64;
    for w in &mut words {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or_default());
        h = (h ^ w).wrapping_mul(PRIME);
        h ^= h >> 29;
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(PRIME);
    }
    (h ^ bytes.len() as u64).wrapping_mul(PRIME)
}

/// Writes a state: [`W::new`], the payload, [`W::close`].
pub struct W(pub Vec<u8>);

impl W {
    /// A state with its header written.
    pub fn new() -> W {
        W::with_capacity(256)
    }

    /// A state with its header written, room for `n` bytes.
    pub fn with_capacity(n: usize) -> W {
        let mut w = W(Vec::with_capacity(n));
        w.0.extend_from_slice(MAGIC);
        w.s(env!("CARGO_PKG_VERSION"));
        w
    }

    /// The bytes, with their checksum.
    pub fn close(mut self) -> Vec<u8> {
        let sum = checksum(&self.0);
        self.0.extend_from_slice(&sum.to_le_bytes());
        self.0
    }

    /// An unsigned number, LEB128.
    pub fn u(&mut self, v: u64) {
        put_u(&mut self.0, v);
    }

    /// A signed number, zigzag LEB128.
    pub fn i(&mut self, v: i64) {
        self.u(zigzag(v));
    }

    /// `None` is 0, `Some(v)` is `v + 1` (so `u64::MAX` cannot be written; no value here is).
    pub fn o(&mut self, v: Option<u64>) {
        self.u(v.map_or(0, |v| v.saturating_add(1)));
    }

    /// A flag.
    pub fn flag(&mut self, b: bool) {
        self.0.push(u8::from(b));
    }

    /// Bytes, with their length.
    pub fn b(&mut self, bytes: &[u8]) {
        self.u(bytes.len() as u64);
        self.0.extend_from_slice(bytes);
    }

    /// A string, with its length.
    pub fn s(&mut self, s: &str) {
        self.b(s.as_bytes());
    }
}

impl Default for W {
    fn default() -> W {
        W::new()
    }
}

/// Append `v` as LEB128.
#[allow(clippy::cast_possible_truncation)] // each byte is masked to 7 bits first
pub fn put_u(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v & 0x7f) as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Signed to unsigned, small magnitudes small.
#[allow(clippy::cast_sign_loss)] // a bit pattern, not a value
pub fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// Unsigned back to signed.
#[allow(clippy::cast_possible_wrap)] // a bit pattern, not a value
pub fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Reads what [`W`] wrote; every read is checked.
pub struct R<'a>(pub &'a [u8]);

/// The payload of a state, once its header and checksum are right.
pub fn open(bytes: &[u8]) -> Result<R<'_>, Bad> {
    let split = bytes.len().checked_sub(8).ok_or(Bad)?;
    let (body, sum) = bytes.split_at(split);
    let sum: [u8; 8] = sum.try_into().map_err(|_| Bad)?;
    if u64::from_le_bytes(sum) != checksum(body) {
        return Err(Bad);
    }
    let mut r = R(body.strip_prefix(MAGIC).ok_or(Bad)?);
    if r.s()? != env!("CARGO_PKG_VERSION") {
        return Err(Bad);
    }
    Ok(r)
}

impl<'a> R<'a> {
    /// One byte.
    pub fn byte(&mut self) -> Result<u8, Bad> {
        let (&b, rest) = self.0.split_first().ok_or(Bad)?;
        self.0 = rest;
        Ok(b)
    }

    /// An unsigned number.
    pub fn u(&mut self) -> Result<u64, Bad> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f).checked_shl(shift).ok_or(Bad)?;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(Bad)
    }

    /// A signed number.
    pub fn i(&mut self) -> Result<i64, Bad> {
        Ok(unzigzag(self.u()?))
    }

    /// What [`W::o`] wrote.
    pub fn o(&mut self) -> Result<Option<u64>, Bad> {
        Ok(self.u()?.checked_sub(1))
    }

    /// A number that must fit a `usize`.
    pub fn usize(&mut self) -> Result<usize, Bad> {
        usize::try_from(self.u()?).map_err(|_| Bad)
    }

    /// A flag (0 or 1, nothing else).
    pub fn flag(&mut self) -> Result<bool, Bad> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Bad),
        }
    }

    /// Bytes with their length.
    pub fn b(&mut self) -> Result<&'a [u8], Bad> {
        let n = self.usize()?;
        if n > self.0.len() {
            return Err(Bad);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    /// A string with its length.
    pub fn s(&mut self) -> Result<&'a str, Bad> {
        std::str::from_utf8(self.b()?).map_err(|_| Bad)
    }

    /// Whether every byte was read (anything after the payload is refused).
    pub fn end(&self) -> Result<(), Bad> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Bad)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPEC §7.1: a state reads back; any flipped byte or cut is refused.
    #[test]
    fn round_trip_and_every_corruption() {
        let mut w = W::new();
        w.u(300);
        w.i(-5);
        w.o(None);
        w.o(Some(7));
        w.flag(true);
        w.s("héllo");
        let bytes = w.close();
        let mut r = open(&bytes).unwrap();
        assert_eq!(r.u(), Ok(300));
        assert_eq!(r.i(), Ok(-5));
        assert_eq!(r.o(), Ok(None));
        assert_eq!(r.o(), Ok(Some(7)));
        assert_eq!(r.flag(), Ok(true));
        assert_eq!(r.s(), Ok("héllo"));
        assert_eq!(r.end(), Ok(()));
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut bad = bytes.clone();
                bad[i] ^= 1 << bit;
                assert!(open(&bad).is_err(), "byte {i} bit {bit}");
            }
            assert!(open(&bytes[..i]).is_err(), "cut at {i}");
        }
        for v in [0, 1, -1, i64::MAX, i64::MIN] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }
}

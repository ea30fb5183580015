//! One small sort for the whole crate: LSD radix on `u64` keys.
//!
//! The standard library's sorts are fast but generic: each element type got its own copy, and
//! three copies were 16 KB of the .wasm (issue #6). Radix sorting is stable, linear, and faster
//! than comparison sorts on the million durations of a big batch.

/// Keys the radix sort orders: unsigned integers, by their bytes.
pub trait Radix: Copy + Default {
    const BYTES: usize;
    fn byte(self, d: usize) -> usize;
}

impl Radix for u64 {
    const BYTES: usize = 8;
    fn byte(self, d: usize) -> usize {
        ((self >> (8 * d)) & 255) as usize
    }
}

impl Radix for u32 {
    const BYTES: usize = 4;
    fn byte(self, d: usize) -> usize {
        ((self >> (8 * d)) & 255) as usize
    }
}

/// Sort `v` ascending (stable, so equal keys keep their order — which only matters for callers
/// that pack an index into the low bits). Uses one buffer the size of `v`.
pub fn sort<T: Radix>(v: &mut Vec<T>) {
    let n = v.len();
    if n < 2 {
        return;
    }
    let mut counts = [[0usize; 256]; 8];
    for &x in v.iter() {
        for (d, c) in counts.iter_mut().enumerate().take(T::BYTES) {
            if let Some(k) = c.get_mut(x.byte(d)) {
                *k += 1;
            }
        }
    }
    let mut buf = vec![T::default(); n];
    for (d, c) in counts.iter().enumerate().take(T::BYTES) {
        // Every key has the same byte here (the high bytes of small numbers): nothing to do.
        if c.contains(&n) {
            continue;
        }
        let mut next = [0usize; 256];
        let mut sum = 0;
        for (p, &k) in next.iter_mut().zip(c) {
            *p = sum;
            sum += k;
        }
        for &x in v.iter() {
            if let Some(p) = next.get_mut(x.byte(d)) {
                if let Some(slot) = buf.get_mut(*p) {
                    *slot = x;
                }
                *p += 1;
            }
        }
        std::mem::swap(v, &mut buf);
    }
}

/// Sort `v` ascending (in its own allocation: the keys are made in place).
// The sign bit flipped on the two's-complement bits: an order-preserving reinterpretation.
#[allow(clippy::cast_sign_loss, clippy::cast_possible_wrap)]
pub fn sort_i64(v: &mut Vec<i64>) {
    // Flipping the sign bit orders i64 as u64.
    let mut keys: Vec<u64> = std::mem::take(v).into_iter().map(|x| (x as u64) ^ (1 << 63)).collect();
    sort(&mut keys);
    *v = keys.into_iter().map(|k| (k ^ (1 << 63)) as i64).collect();
}

/// The positions of `keys` in ascending order of key, equal keys in their original order.
/// Keys must be below 2^40: they are packed above a 24-bit position for one u64 sort. More than
/// 2^24 keys are left in their order (no caller comes near: issues of one run, days).
pub fn order(keys: Vec<u64>) -> Vec<usize> {
    let n = keys.len();
    if n > 1 << 24 {
        return (0..n).collect();
    }
    let mut packed: Vec<u64> = keys.into_iter().enumerate().map(|(i, k)| (k << 24) | i as u64).collect();
    if !packed.windows(2).all(|w| matches!(w, [a, b] if a <= b)) {
        sort(&mut packed);
    }
    packed.into_iter().map(|p| (p & 0xFF_FFFF) as usize).collect()
}

/// Reorder `items` by `key` (ascending, stable), as [`order`] does.
pub fn sort_by_key<T>(items: Vec<T>, key: impl Fn(&T) -> u64) -> Vec<T> {
    let positions = order(items.iter().map(key).collect());
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    positions.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for n in [0, 1, 2, 3, 10, 255, 256, 1000, 100_000] {
            for shift in [0, 8, 40, 56] {
                let mut v: Vec<u64> = (0..n)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        x >> shift
                    })
                    .collect();
                let mut want = v.clone();
                want.sort_unstable();
                let mut small: Vec<u32> = v.iter().map(|&k| k as u32).collect();
                let mut want_small = small.clone();
                want_small.sort_unstable();
                sort(&mut small);
                assert_eq!(small, want_small, "u32 n {n} shift {shift}");
                sort(&mut v);
                assert_eq!(v, want, "n {n} shift {shift}");
                let mut s: Vec<i64> = want.iter().rev().map(|&k| k as i64).collect();
                let mut want_s = s.clone();
                want_s.sort_unstable();
                sort_i64(&mut s);
                assert_eq!(s, want_s);
            }
        }
    }

    #[test]
    fn sort_by_key_is_stable() {
        let items: Vec<(u64, usize)> = (0..1000).map(|i| ((i * 7919 % 13) as u64, i)).collect();
        let mut want = items.clone();
        want.sort_by_key(|t| t.0);
        assert_eq!(sort_by_key(items, |t| t.0), want);
    }
}

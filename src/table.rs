//! The crate's hash tables: a set of 64-bit keys (run ids) and a map from strings (object keys,
//! error patterns). Small open-addressing tables instead of the standard library's: hashbrown
//! was compiled once per key type (four copies, 7 KB of the .wasm before inlining), and its
//! string hashing is keyed by `RandomState`, which on wasm32-unknown-unknown has no random source.
//! Here every hash is keyed by the instance's random seed ([`set_hash_seed`]), so
//! colliding keys cannot be prepared in advance.

use std::hash::{Hash, Hasher};

static HASH_SEED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Seed every hash of the crate (this module; the wasm boundary does it from `Math.random`
/// before its first call; native builds seed from the standard library's random keys on first use).
pub fn set_hash_seed(seed: u64) {
    HASH_SEED.store(seed | 1, std::sync::atomic::Ordering::Relaxed);
}

pub(crate) fn hash_seed() -> u64 {
    let seed = HASH_SEED.load(std::sync::atomic::Ordering::Relaxed);
    if seed != 0 {
        return seed;
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::hash::BuildHasher;
        set_hash_seed(std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64));
    }
    #[cfg(target_arch = "wasm32")]
    set_hash_seed(0x9E37_79B9_7F4A_7C15);
    HASH_SEED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Murmur3's 64-bit finalizer: every input bit affects every output bit.
pub fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// SipHash of `s`, keyed by the instance's seed.
pub fn hash_str(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    hash_seed().hash(&mut h);
    s.hash(&mut h);
    h.finish()
}

/// Slots for `n` entries at a load of at most 3/4 (a power of two, at least 16).
fn slots_for(n: usize) -> usize {
    (n.saturating_mul(4) / 3 + 1).next_power_of_two().max(16)
}

/// A set of `u64` keys. Run ids mostly arrive in order (the API numbers runs as it creates
/// them), so a key above every key so far is appended to `rising`, one below every key so far
/// to `falling`: both stay sorted, and filling them touches memory in sequence. Only the
/// others go to a hash table (linear probing over one `Vec<u64>`, 8 bytes a slot, ~11 per
/// key), whose random writes cost a cache miss per key once it outgrows the cache.
#[derive(Default)]
pub struct U64Set {
    /// Ascending: each was larger than every key before it.
    rising: Vec<u64>,
    /// Descending: each was smaller than every key before it.
    falling: Vec<u64>,
    /// 0 marks an empty slot; key 0 is `has_zero`.
    slots: Vec<u64>,
    len: usize,
    has_zero: bool,
}

impl U64Set {
    /// Add `key`; false if it was there already.
    pub fn insert(&mut self, key: u64) -> bool {
        // `rising` holds the largest key so far, `falling` (or else `rising`) the smallest.
        let (Some(&max), Some(&min)) = (self.rising.last(), self.falling.last().or(self.rising.first())) else {
            self.rising.push(key);
            return true;
        };
        if key > max {
            self.rising.push(key);
            return true;
        }
        if key < min {
            self.falling.push(key);
            return true;
        }
        if self.rising.binary_search(&key).is_ok() || self.falling.binary_search_by(|k| key.cmp(k)).is_ok() {
            return false;
        }
        self.hash_insert(key)
    }

    fn hash_insert(&mut self, key: u64) -> bool {
        if key == 0 {
            return !std::mem::replace(&mut self.has_zero, true);
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        #[allow(clippy::cast_possible_truncation)] // the hash's low bits index the table
        let mut i = fmix64(key ^ hash_seed()) as usize & mask;
        loop {
            match self.slots.get_mut(i) {
                Some(slot) if *slot == key => return false,
                Some(slot) if *slot == 0 => {
                    *slot = key;
                    self.len += 1;
                    return true;
                }
                Some(_) => i = (i + 1) & mask,
                None => return false, // unreachable: i is masked to the table
            }
        }
    }

    fn grow(&mut self) {
        let size = slots_for(self.len + 1).max(self.slots.len() * 2);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        self.len = 0;
        for key in old.into_iter().filter(|&k| k != 0) {
            self.hash_insert(key);
        }
    }
}

/// A map from strings to values, in insertion order: entries in a `Vec`, and an index of
/// entry numbers (4 bytes a slot) probed by the entries' stored hashes.
pub struct StrMap<K, V> {
    entries: Vec<(K, V)>,
    hashes: Vec<u64>,
    /// 0 marks an empty slot; otherwise entry number + 1.
    index: Vec<u32>,
}

impl<K, V> Default for StrMap<K, V> {
    fn default() -> Self {
        StrMap { entries: Vec::new(), hashes: Vec::new(), index: Vec::new() }
    }
}

/// Where a key is: its entry, or the empty slot where it would go. Not generic, so the probing
/// is compiled once for every kind of map.
fn probe(index: &[u32], hashes: &[u64], h: u64, same: &dyn Fn(usize) -> bool) -> Result<usize, usize> {
    let mask = index.len().wrapping_sub(1);
    #[allow(clippy::cast_possible_truncation)] // the hash's low bits index the table
    let mut i = h as usize & mask;
    loop {
        match index.get(i) {
            Some(0) | None => return Err(i),
            Some(&e) => {
                let e = e as usize - 1;
                if hashes.get(e) == Some(&h) && same(e) {
                    return Ok(e);
                }
            }
        }
        i = (i + 1) & mask;
    }
}

/// Index entry number `e` (hash `h`) at the first empty slot of its probe sequence.
fn place(index: &mut [u32], h: u64, e: usize) {
    let mask = index.len().wrapping_sub(1);
    #[allow(clippy::cast_possible_truncation)] // the hash's low bits index the table
    let mut i = h as usize & mask;
    while index.get(i).is_some_and(|&s| s != 0) {
        i = (i + 1) & mask;
    }
    // An entry number that does not fit 32 bits (4 billion keys: more than wasm memory holds)
    // is kept but not indexed.
    if let (Some(s), Ok(n)) = (index.get_mut(i), u32::try_from(e + 1)) {
        *s = n;
    }
}

impl<K: AsRef<str>, V> StrMap<K, V> {
    fn find(&self, h: u64, key: &str) -> Result<usize, usize> {
        let entries = &self.entries;
        probe(&self.index, &self.hashes, h, &|e| entries.get(e).is_some_and(|(k, _)| k.as_ref() == key))
    }

    /// Append an entry known to be absent.
    fn push(&mut self, h: u64, key: K, value: V) {
        if (self.entries.len() + 1) * 4 > self.index.len() * 3 {
            self.grow();
        }
        place(&mut self.index, h, self.entries.len());
        self.entries.push((key, value));
        self.hashes.push(h);
    }

    /// The value of `key`, added with `make` if missing. (Always `Some`.)
    pub fn entry(&mut self, key: K, make: impl FnOnce() -> V) -> Option<&mut V> {
        let h = hash_str(key.as_ref());
        let at = match self.find(h, key.as_ref()) {
            Ok(e) => e,
            Err(_) => {
                self.push(h, key, make());
                self.entries.len() - 1
            }
        };
        self.entries.get_mut(at).map(|(_, v)| v)
    }

    /// Whether `key` is there.
    /// The keys, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.find(hash_str(key), key).is_ok()
    }

    /// Add `key` if missing; false if it was there already.
    pub fn insert(&mut self, key: K, value: V) -> bool {
        let h = hash_str(key.as_ref());
        if self.find(h, key.as_ref()).is_ok() {
            return false;
        }
        self.push(h, key, value);
        true
    }

    /// The entries, in insertion order.
    pub fn into_entries(self) -> Vec<(K, V)> {
        self.entries
    }

    fn grow(&mut self) {
        let size = slots_for(self.entries.len() + 1).max(self.index.len() * 2);
        self.index = vec![0; size];
        for (e, &h) in self.hashes.iter().enumerate() {
            place(&mut self.index, h, e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn u64_set_is_a_set() {
        let mut ours = U64Set::default();
        let mut std_set = HashSet::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..300_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Repeats, zero, consecutive and random keys.
            let k = match i % 4 {
                0 => i / 8,
                1 => x,
                2 => x % 1000,
                _ => 0,
            };
            assert_eq!(ours.insert(k), std_set.insert(k), "{k}");
        }
    }

    /// SPEC §3.2 duplicate_id rests on this: ids in order (either way), with repeats and strays
    /// in between; the sorted runs and the hash table must together still be exactly a set.
    #[test]
    fn u64_set_of_ordered_keys() {
        for phase in 0..4u64 {
            let mut ours = U64Set::default();
            let mut std_set = HashSet::new();
            let mut x: u64 = 0x2545_F491_4F6C_DD1D + phase;
            for i in 0..100_000u64 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let k = match (phase, x % 16) {
                    (_, 0) => x % (i + 1) * 3, // a repeat or a stray inside the range
                    (_, 1) => 0,
                    (0, _) => 1_000_000 + i * 3,               // rising
                    (1, _) => 1_000_000 - i * 3,               // falling
                    (2, _) if i % 2 == 0 => 1_000_000 + i * 3, // outward both ways
                    (2, _) => 1_000_000 - i * 3,
                    _ => x >> 40, // random
                };
                assert_eq!(ours.insert(k), std_set.insert(k), "phase {phase}, {k}");
            }
        }
    }

    #[test]
    fn str_map_is_a_map_in_insertion_order() {
        let mut ours: StrMap<String, u64> = StrMap::default();
        let mut std_map: HashMap<String, u64> = HashMap::new();
        let mut order = Vec::new();
        for i in 0..200_000u64 {
            let k = format!("k{}", (i * 7919) % 50_000);
            if !std_map.contains_key(&k) {
                order.push(k.clone());
            }
            assert_eq!(ours.contains(&k), std_map.contains_key(&k));
            *ours.entry(k.clone(), || 0).unwrap() += i;
            *std_map.entry(k).or_default() += i;
        }
        assert!(!ours.insert("k3".into(), 5));
        assert!(ours.insert("new".into(), 5));
        let entries = ours.into_entries();
        assert_eq!(entries.len(), std_map.len() + 1);
        let keys: Vec<&String> = entries.iter().map(|(k, _)| k).collect();
        assert_eq!(keys[..order.len()], order.iter().collect::<Vec<_>>()[..]);
        for (k, v) in &entries[..order.len()] {
            assert_eq!(std_map[k], *v);
        }
    }
}

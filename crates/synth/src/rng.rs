//! A small deterministic PRNG (SplitMix64) and keyed seeding, so every entity of the estate
//! draws from its own stream: the output does not depend on generation order or chunk size.

/// SplitMix64 finaliser: a good 64-bit mixing function.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64 generator.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// A generator for the entity named by `parts` (e.g. `[REPO, 17]`) under `seed`.
    pub(crate) fn keyed(seed: u64, parts: &[u64]) -> Self {
        let mut state = mix(seed ^ 0x6a09_e667_f3bc_c909);
        for p in parts {
            state = mix(state ^ mix(p.wrapping_add(0x9e37_79b9_7f4a_7c15)));
        }
        Self { state }
    }

    /// Next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.state)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi` (`lo` when `hi < lo`).
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = hi.abs_diff(lo).saturating_add(1);
        lo.saturating_add_unsigned(self.below(span))
    }

    /// Uniform index into a collection of `len` items.
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < p
    }

    /// One item of a non-empty list (the lists are constants of this crate).
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.index(items.len());
        &items[i]
    }

    /// An index drawn with the given relative weights (0 for an empty or all-zero list).
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            let w = u64::from(*w);
            if x < w {
                return i;
            }
            x -= w;
        }
        0
    }

    /// `n` distinct indices below `len`, in ascending order (all of them when `n >= len`).
    pub(crate) fn sample(&mut self, len: usize, n: usize) -> Vec<usize> {
        if n >= len {
            return (0..len).collect();
        }
        let mut picked: Vec<usize> = Vec::with_capacity(n);
        while picked.len() < n {
            let i = self.index(len);
            if !picked.contains(&i) {
                picked.push(i);
            }
        }
        picked.sort_unstable();
        picked
    }

    /// `n` lowercase hexadecimal digits.
    pub(crate) fn hex(&mut self, n: usize) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(n);
        let mut bits = 0u64;
        for i in 0..n {
            if i % 16 == 0 {
                bits = self.next_u64();
            }
            out.push(char::from(DIGITS[(bits & 0xf) as usize]));
            bits >>= 4;
        }
        out
    }

    /// A GUID in the usual 8-4-4-4-12 form (version 4 layout).
    pub(crate) fn guid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_keyed_and_reproducible() {
        let a: Vec<u64> = (0..4).map(|_| Rng::keyed(7, &[1, 2]).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::keyed(7, &[1, 2]).next_u64(),
            Rng::keyed(7, &[2, 1]).next_u64()
        );
        assert_ne!(
            Rng::keyed(7, &[1]).next_u64(),
            Rng::keyed(8, &[1]).next_u64()
        );
    }

    #[test]
    fn bounded_draws() {
        let mut r = Rng::keyed(1, &[]);
        for _ in 0..1000 {
            assert!(r.below(10) < 10);
            let x = r.range(-3, 3);
            assert!((-3..=3).contains(&x));
        }
        assert_eq!(r.below(0), 0);
        assert_eq!(r.range(5, 5), 5);
        assert_eq!(r.weighted(&[0, 0, 5]), 2);
        assert_eq!(r.sample(3, 10), vec![0, 1, 2]);
        let s = r.sample(100, 5);
        assert_eq!(s.len(), 5);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(r.hex(40).len(), 40);
        let g = r.guid();
        assert_eq!(g.len(), 36);
        assert_eq!(g.matches('-').count(), 4);
    }

    #[test]
    fn chance_is_roughly_calibrated() {
        let mut r = Rng::keyed(3, &[]);
        let hits = (0..10_000).filter(|_| r.chance(0.3)).count();
        assert!((2_700..3_300).contains(&hits), "{hits}");
    }
}

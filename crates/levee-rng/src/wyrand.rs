//! wyrand (Wang Yi, `wyhash.h`, final version 4; "Modern Non-Cryptographic
//! Hash Function and Pseudorandom Number Generator", 2019–2023) as a
//! counter-based sequence under a key.
//!
//! Output `j` is `wymix(s, s ^ K)` with `s = key + (j + 1)·γ`, where
//! `wymix(a, b)` is the xor of the two halves of the 128-bit product `a·b`,
//! γ = `0xa0761d6478bd642f` and K = `0xe7037ed1a0b428db`: a pure function of
//! `(key, j)`, so draws stay keyed by identity, not by call order.
//!
//! Why a second sequence besides [`crate::SplitMix64`]: the insurance
//! simulator reads these words inside its tightest loop, the walk to the next
//! default candidate, where the branch that ends a band waits on the gap
//! drawn from the next word. SplitMix64's mixer is a chain of two 64-bit
//! multiplies and three xor-shifts (about 12 cycles from counter to word);
//! wyrand's is one 64 × 64 → 128-bit multiply and an xor (about 5): fewer
//! instructions, and a shorter chain ahead of that branch (this machine
//! gives no cycle counters to split the two). On the insurance benchmark books
//! this made plain Monte Carlo 2–3% faster at full host speed, with 4% fewer
//! instructions per path (docs/perf/insurance.md, session 11).
//!
//! Quality: wyrand passes BigCrush and PractRand in its author's tests. Its
//! output is not a bijection of the counter (a 128-bit product folded to 64
//! bits), which does not matter here: a path reads at most a few hundred
//! words of any one sequence, and needs them independent, not a permutation. Keys
//! come from Philox output or from other words, as for SplitMix64, so two
//! sequences of L words overlap only if their keys differ by fewer than L
//! multiples of γ: probability about 2L/2⁶⁴ per pair.

use crate::sequence::{Mixer, Sequence};

/// wyrand's increment γ and output function: the xor of the halves of the
/// 128-bit product s·(s ^ K), K = `0xe7037ed1a0b428db`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WyRandMixer;

impl Mixer for WyRandMixer {
    const GAMMA: u64 = 0xa076_1d64_78bd_642f;

    #[inline(always)]
    fn mix(s: u64) -> u64 {
        let t = u128::from(s) * u128::from(s ^ 0xe703_7ed1_a0b4_28db);
        (t as u64) ^ ((t >> 64) as u64)
    }
}

/// A wyrand sequence under a 64-bit key.
///
/// ```
/// use levee_rng::WyRand;
/// // The reference implementation's first outputs for seed 0.
/// let s = WyRand::new(0);
/// assert_eq!(s.at(0), 0x111c_b3a7_8f59_a58e);
/// assert_eq!(s.at(1), 0xceab_d938_ff4e_856d);
/// let mut c = s;
/// assert_eq!(c.next_u64(), s.at(0));
/// assert_eq!(c.next_u64(), s.at(1));
/// ```
pub type WyRand = Sequence<WyRandMixer>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Known answers of the reference implementation (`wyrand` of
    /// `wyhash.h`, final version 4) for seed 0, as published with its ports;
    /// and for seed 1,234,567 as computed by an independent big-integer
    /// implementation of the definition.
    #[test]
    fn reference_outputs() {
        let mut s = WyRand::new(0);
        assert_eq!(s.next_u64(), 0x111c_b3a7_8f59_a58e);
        assert_eq!(s.next_u64(), 0xceab_d938_ff4e_856d);
        assert_eq!(s.next_u64(), 0x61fb_5131_8f47_d2a4);
        assert_eq!(s.next_u64(), 0x78bd_03c4_9190_9760);
        assert_eq!(s.next_u64(), 0x7c00_3d7f_b148_20de);
        let mut s = WyRand::new(1_234_567);
        assert_eq!(s.next_u64(), 0x0e6c_0d75_670e_37cc);
        assert_eq!(s.next_u64(), 0x6c97_c0b8_2735_2c64);
        assert_eq!(s.next_u64(), 0xd0cd_28ce_c747_0d39);
    }

    /// A smoke test of the words' bits: over 2¹⁶ words of one sequence each
    /// of the 64 bit positions is set in half of them, within five standard
    /// errors (√(n/4) = 128 words), and so is the xor of neighbouring words'
    /// low bits (a serial test of the low bit, the weakest of many
    /// generators).
    #[test]
    fn bits_are_balanced() {
        let n = 1u64 << 16;
        let mut s = WyRand::new(7);
        let mut ones = [0u64; 64];
        let mut serial = 0u64;
        let mut prev = 0u64;
        for j in 0..n {
            let w = s.next_u64();
            for (b, c) in ones.iter_mut().enumerate() {
                *c += (w >> b) & 1;
            }
            if j > 0 {
                serial += (w ^ prev) & 1;
            }
            prev = w;
        }
        let tol = 5.0 * (n as f64 / 4.0).sqrt();
        for (b, &c) in ones.iter().enumerate() {
            assert!(
                (c as f64 - n as f64 / 2.0).abs() < tol,
                "bit {b}: {c} of {n}"
            );
        }
        assert!((serial as f64 - (n - 1) as f64 / 2.0).abs() < tol);
    }
}

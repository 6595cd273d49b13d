//! SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number
//! generators", OOPSLA) as a counter-based sequence under a key.
//!
//! Why: a Philox4x32-10 block costs about 200 instructions; a model that needs
//! many words at one address (for example every candidate default of a group
//! of obligors in one path) can take one 64-bit key from a Philox block at that
//! address and read the words of a SplitMix64 sequence under it, at about ten
//! instructions per 64-bit word. Output `j` is `mix(key + (j + 1)·γ)`, a pure
//! function of `(key, j)`: draws stay keyed by identity, not by call order.
//! SplitMix64 passes BigCrush; its known weakness is between sequences whose
//! keys are close, which keys taken from Philox output avoid (two keys of a
//! run fall within 2⁴⁰ of each other with probability below 10⁻⁷ even for
//! 10⁶ sequences).

use crate::sequence::{Mixer, Sequence};

/// SplitMix64's increment (the golden ratio) and output mixer (a bijection
/// of 64-bit words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitMix64Mixer;

impl Mixer for SplitMix64Mixer {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    #[inline]
    fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// A SplitMix64 sequence under a 64-bit key.
///
/// ```
/// use levee_rng::SplitMix64;
/// // The reference implementation's first outputs for seed 0.
/// let s = SplitMix64::new(0);
/// assert_eq!(s.at(0), 0xe220_a839_7b1d_cdaf);
/// assert_eq!(s.at(1), 0x6e78_9e6a_a1b9_65f4);
/// let mut c = s;
/// assert_eq!(c.next_u64(), s.at(0));
/// assert_eq!(c.next_u64(), s.at(1));
/// ```
pub type SplitMix64 = Sequence<SplitMix64Mixer>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Known answers of the reference implementation (Vigna's splitmix64.c).
    #[test]
    fn reference_outputs() {
        let mut s = SplitMix64::new(0);
        assert_eq!(s.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(s.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(s.next_u64(), 0x06c4_5d18_8009_454f);
        let mut s = SplitMix64::new(1_234_567);
        assert_eq!(s.next_u64(), 0x599e_d017_fb08_fc85);
        assert_eq!(s.next_u64(), 0x2c73_f084_5854_0fa5);
        assert_eq!(s.next_u64(), 0x883e_bce5_a3f2_7c77);
    }
}

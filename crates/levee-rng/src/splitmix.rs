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

/// The golden-ratio increment γ of SplitMix64.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output mixer (a bijection of 64-bit words).
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// The sequence under `key` (the reference generator seeded with `key`).
    #[inline]
    pub fn new(key: u64) -> Self {
        SplitMix64 { state: key }
    }

    /// Output `j` of the sequence, without advancing it.
    #[inline]
    pub fn at(&self, j: u64) -> u64 {
        mix(self
            .state
            .wrapping_add(GAMMA.wrapping_mul(j.wrapping_add(1))))
    }

    /// The next output (output 0, 1, 2, … of the sequence in turn).
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix(self.state)
    }
}

/// The sequence as a `rand_core` generator, so that well-kept samplers (for
/// example `rand_distr`'s, as in the cross-check of [`crate::ExpZiggurat`])
/// can read its words in turn.
/// 32-bit requests take the low half of the next 64-bit output.
impl rand_core::TryRng for SplitMix64 {
    type Error = core::convert::Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.next_u64() as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let w = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&w[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As a `rand_core` generator the sequence gives the same words in the
    /// same order (32-bit requests: the low half of the next word).
    #[test]
    fn rand_core_view_reads_the_same_sequence() {
        use rand_core::Rng;
        let s = SplitMix64::new(42);
        let mut a = s;
        assert_eq!(Rng::next_u64(&mut a), s.at(0));
        assert_eq!(Rng::next_u32(&mut a), s.at(1) as u32);
        let mut bytes = [0u8; 12];
        a.fill_bytes(&mut bytes);
        assert_eq!(bytes[..8], s.at(2).to_le_bytes());
        assert_eq!(bytes[8..], s.at(3).to_le_bytes()[..4]);
        assert_eq!(a.next_u64(), s.at(4));
    }

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

    /// `at(j)` is output j, for any j (identity, not call order).
    #[test]
    fn at_equals_sequential() {
        let key = 0xdead_beef_0123_4567;
        let mut s = SplitMix64::new(key);
        for j in 0..1000 {
            assert_eq!(s.next_u64(), SplitMix64::new(key).at(j));
        }
    }
}

//! Keyed counter-based sequences: output `j` of the sequence under a 64-bit
//! key is `mix(key + (j + 1)·γ)`, a pure function of `(key, j)`, so draws stay
//! keyed by identity, not by call order.
//!
//! Why one generic type: SplitMix64 and wyrand are both a Weyl sequence (a
//! counter stepped by an odd constant γ) fed to an output function, and
//! differ only in γ and the function ([`Mixer`]); the key, random access, the
//! sequential reader and the `rand_core` view are the same code.

use core::marker::PhantomData;

/// The increment and output function of a keyed counter-based sequence.
pub trait Mixer {
    /// The counter's increment γ (odd, so the counter has period 2⁶⁴).
    const GAMMA: u64;
    /// The output of counter value `s`.
    fn mix(s: u64) -> u64;
}

/// A sequence under a 64-bit key, with output function `M`
/// ([`crate::SplitMix64`], [`crate::WyRand`]).
#[derive(Debug)]
pub struct Sequence<M> {
    state: u64,
    mixer: PhantomData<M>,
}

// By hand rather than derived: a derive would ask the same of `M`, a marker.
impl<M> Clone for Sequence<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Sequence<M> {}

impl<M> PartialEq for Sequence<M> {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
    }
}

impl<M> Eq for Sequence<M> {}

impl<M: Mixer> Sequence<M> {
    /// The sequence under `key` (the reference generator seeded with `key`).
    #[inline]
    pub fn new(key: u64) -> Self {
        Sequence {
            state: key,
            mixer: PhantomData,
        }
    }

    /// Output `j` of the sequence, without advancing it.
    #[inline]
    pub fn at(&self, j: u64) -> u64 {
        M::mix(
            self.state
                .wrapping_add(M::GAMMA.wrapping_mul(j.wrapping_add(1))),
        )
    }

    /// The next output (output 0, 1, 2, … of the sequence in turn).
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(M::GAMMA);
        M::mix(self.state)
    }
}

/// The sequence as a `rand_core` generator, so that well-kept samplers (for
/// example `rand_distr`'s normal ziggurat, which draws the insurance
/// simulator's factor normals, and its `Exp1`, the cross-check of
/// [`crate::ExpZiggurat`]) can read its words in turn.
/// 32-bit requests take the low half of the next 64-bit output.
impl<M: Mixer> rand_core::TryRng for Sequence<M> {
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
    use crate::{SplitMix64Mixer, WyRandMixer};

    /// As a `rand_core` generator the sequence gives the same words in the
    /// same order (32-bit requests: the low half of the next word).
    fn rand_core_view<M: Mixer>() {
        use rand_core::Rng;
        let s = Sequence::<M>::new(42);
        let mut a = s;
        assert_eq!(Rng::next_u64(&mut a), s.at(0));
        assert_eq!(Rng::next_u32(&mut a), s.at(1) as u32);
        let mut bytes = [0u8; 12];
        a.fill_bytes(&mut bytes);
        assert_eq!(bytes[..8], s.at(2).to_le_bytes());
        assert_eq!(bytes[8..], s.at(3).to_le_bytes()[..4]);
        assert_eq!(a.next_u64(), s.at(4));
    }

    /// `at(j)` is output j, for any j (identity, not call order).
    fn at_is_sequential<M: Mixer>() {
        let key = 0xdead_beef_0123_4567;
        let mut s = Sequence::<M>::new(key);
        for j in 0..1000 {
            assert_eq!(s.next_u64(), Sequence::<M>::new(key).at(j));
        }
    }

    #[test]
    fn rand_core_view_reads_the_same_sequence() {
        rand_core_view::<SplitMix64Mixer>();
        rand_core_view::<WyRandMixer>();
    }

    #[test]
    fn at_equals_sequential() {
        at_is_sequential::<SplitMix64Mixer>();
        at_is_sequential::<WyRandMixer>();
    }
}

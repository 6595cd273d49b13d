//! Identity-keyed random numbers for Levee.
//!
//! Every random draw in Levee is a pure function of its *identity*:
//! `(seed, stream label, path, step, k)`. Nothing depends on call order, thread
//! count or chunking, so a run is reproducible bit for bit and a baseline and a
//! reform that read the same identity see the same number (common random numbers).
//!
//! The generator is Philox4x32-10 (Salmon, Moraes, Dror & Shaw 2011, "Parallel
//! random numbers: as easy as 1, 2, 3"), a counter-based generator: a keyed
//! bijection of a 128-bit counter. The key is derived from `(seed, label)`,
//! the counter from `(path, step, k)`.
//!
//! ```
//! use levee_rng::Stream;
//! let s = Stream::new(42, "minerals/supplier-state");
//! let a = s.uniform(7, 3, 0);
//! let b = s.uniform(7, 3, 0);
//! assert_eq!(a, b); // same identity, same number
//! assert!(a > 0.0 && a < 1.0);
//! ```

mod exp_ziggurat;
mod normal;
mod philox;
mod sequence;
mod splitmix;
mod stream;
mod wyrand;

pub use exp_ziggurat::ExpZiggurat;
pub use normal::{normal_cdf, normal_inv_cdf};
pub use philox::philox4x32_10;
pub use sequence::{Mixer, Sequence};
pub use splitmix::{SplitMix64, SplitMix64Mixer};
pub use stream::{Draws, Stream};
pub use wyrand::{WyRand, WyRandMixer};

/// Name of the generators recorded in every run's metadata: the streams'
/// Philox generator and how its keys are derived ([`Stream::new`]), and the
/// counter-based sequences that models read under keys drawn from it
/// ([`WyRand`]; the insurance simulator's per-path sequences).
pub const GENERATOR: &str = "Philox4x32-10 (levee-rng key = SplitMix64(SplitMix64(seed) ^ FNV-1a(label))); wyrand sequences under Philox-drawn keys";

/// Map 32 random bits to a uniform in the open interval (0, 1), centred in
/// its cell of width 2⁻³².
///
/// For accept/reject decisions and inverse-CDF draws where a resolution of
/// 2⁻³² is ample: one Philox block then yields four such uniforms.
///
/// ```
/// assert_eq!(levee_rng::u32_to_open01(0), 0.5 / 4_294_967_296.0);
/// assert_eq!(levee_rng::u32_to_open01(u32::MAX), 1.0 - 0.5 / 4_294_967_296.0);
/// ```
#[inline]
pub fn u32_to_open01(x: u32) -> f64 {
    (x as f64 + 0.5) * (1.0 / 4_294_967_296.0)
}

/// Map 64 random bits to a uniform in the open interval (0, 1).
///
/// Uses the top 53 bits and centres them in their cell, so the result is never
/// exactly 0 or 1: inverse CDFs can be applied without a guard.
#[inline]
pub fn u64_to_open01(x: u64) -> f64 {
    ((x >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

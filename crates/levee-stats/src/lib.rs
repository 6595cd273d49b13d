//! Monte Carlo statistics for Levee.
//!
//! All functions are deterministic: they read their input in index order, so a
//! result depends only on the per-path values, never on how paths were split
//! across threads or chunks.

mod histogram;
mod mean;
mod proportion;
mod quantile;
mod sum;

pub use histogram::Histogram;
pub use mean::{Estimate, estimate};
pub use proportion::{Proportion, proportion};
pub use quantile::{QuantileEstimate, quantile_estimate, quantile_sorted, sorted, upper_tail_mean};
pub use sum::NeumaierSum;

/// z for a two-sided 95% interval, Φ⁻¹(0.975).
pub const Z95: f64 = 1.959_963_984_540_054;

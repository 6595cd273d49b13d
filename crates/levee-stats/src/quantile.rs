//! Exact quantiles over all paths and tail expectations.
//!
//! Rule: Hyndman & Fan type 7 (the default of R and NumPy): with the values
//! sorted ascending as x₀ ≤ … ≤ x_{n−1}, h = (n−1)p, the quantile is
//! x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋).

use crate::Z95;

/// The values sorted ascending (NaN sorts last, by `total_cmp`).
pub fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// Type-7 quantile of ascending-sorted values, `p` in [0, 1].
///
/// ```
/// let x = [1.0, 2.0, 3.0, 4.0, 5.0];
/// assert_eq!(levee_stats::quantile_sorted(&x, 0.5), 3.0);
/// assert_eq!(levee_stats::quantile_sorted(&x, 0.9), 4.6);
/// assert_eq!(levee_stats::quantile_sorted(&x, 1.0), 5.0);
/// ```
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// A quantile with a distribution-free 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct QuantileEstimate {
    /// Probability level.
    pub level: f64,
    /// Type-7 quantile.
    pub value: f64,
    /// Lower end of the 95% interval: the order statistic of rank ⌊np − 1.96√(np(1−p))⌋.
    pub ci95_low: f64,
    /// Upper end: the order statistic of rank ⌈np + 1.96√(np(1−p))⌉.
    pub ci95_high: f64,
}

/// The `p`-quantile of sorted values with an order-statistic interval (the
/// normal approximation to the binomial count of values below the quantile).
pub fn quantile_estimate(sorted: &[f64], p: f64) -> QuantileEstimate {
    let n = sorted.len();
    if n == 0 {
        return QuantileEstimate {
            level: p,
            value: f64::NAN,
            ci95_low: f64::NAN,
            ci95_high: f64::NAN,
        };
    }
    let nf = n as f64;
    let half = Z95 * (nf * p * (1.0 - p)).sqrt();
    let lo = ((nf * p - half).floor().max(1.0) as usize - 1).min(n - 1);
    let hi = ((nf * p + half).ceil().max(1.0) as usize - 1).min(n - 1);
    QuantileEstimate {
        level: p,
        value: quantile_sorted(sorted, p),
        ci95_low: sorted[lo],
        ci95_high: sorted[hi],
    }
}

/// Upper-tail expectation at level `p` (CVaR / expected shortfall of a loss):
/// ES_p = (1/(1−p)) ∫_p^1 q_u du over the empirical distribution.
///
/// This is the form that is correct for discrete distributions (Acerbi &
/// Tasche 2002): the atom at the quantile is counted only for the part of its
/// mass that lies above level `p`.
///
/// ```
/// // Ten equally likely losses 1..=10; the worst 20% are 9 and 10.
/// let x: Vec<f64> = (1..=10).map(f64::from).collect();
/// assert_eq!(levee_stats::upper_tail_mean(&x, 0.8), 9.5);
/// // Level 0.85: half of the mass of 9 and all of 10: (0.05*9 + 0.1*10)/0.15.
/// assert!((levee_stats::upper_tail_mean(&x, 0.85) - (0.45 + 1.0) / 0.15).abs() < 1e-12);
/// ```
pub fn upper_tail_mean(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 || !(0.0..1.0).contains(&p) {
        return f64::NAN;
    }
    let nf = n as f64;
    // Mass above level p is (1-p); each value has mass 1/n. Values with index
    // i (0-based) occupy [i/n, (i+1)/n).
    let mut acc = 0.0;
    for (i, &x) in sorted.iter().enumerate().rev() {
        let lo = i as f64 / nf;
        let hi = (i + 1) as f64 / nf;
        if hi <= p {
            break;
        }
        acc += x * (hi - lo.max(p));
    }
    acc / (1.0 - p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn tail_mean_is_between_quantile_and_max(
            v in proptest::collection::vec(-1e6f64..1e6, 1..200),
            p in 0.0f64..0.999,
        ) {
            let s = sorted(&v);
            let es = upper_tail_mean(&s, p);
            let max = *s.last().unwrap();
            // Left-continuous quantile at p is a lower bound.
            let k = ((p * s.len() as f64).ceil() as usize).clamp(1, s.len()) - 1;
            prop_assert!(es <= max + 1e-9 * max.abs().max(1.0));
            prop_assert!(es >= s[k] - 1e-9 * s[k].abs().max(1.0));
        }

        #[test]
        fn quantile_interval_brackets(v in proptest::collection::vec(-1e3f64..1e3, 1..300), p in 0.01f64..0.99) {
            let s = sorted(&v);
            let q = quantile_estimate(&s, p);
            prop_assert!(q.ci95_low <= q.ci95_high);
        }
    }
}

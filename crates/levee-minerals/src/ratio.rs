//! Ratio of two means with a delta-method interval.

use levee_stats::{NeumaierSum, Z95};

/// An estimated ratio of means E[X]/E[Y] from paired samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RatioEstimate {
    /// X̄ / Ȳ (NaN if Ȳ ≤ 0).
    pub ratio: f64,
    /// Delta-method standard error: sqrt(Σ(xᵢ − R yᵢ)²/(n−1)/n) / |Ȳ|.
    pub std_error: f64,
    /// R − 1.96 s.e.
    pub ci95_low: f64,
    /// R + 1.96 s.e.
    pub ci95_high: f64,
}

/// The ratio of means of `x` over `y` (paired, same length), read in order.
///
/// The delta method linearises R̂ = X̄/Ȳ around the true ratio:
/// R̂ − R ≈ (X̄ − R Ȳ)/Ȳ, the mean of the residuals eᵢ = xᵢ − R yᵢ divided by Ȳ.
/// Undefined (NaN) when Ȳ ≤ 0: nothing was avoided.
///
/// ```
/// let r = levee_minerals::ratio_of_means(&[2.0, 4.0, 6.0], &[1.0, 2.0, 3.0]);
/// assert_eq!(r.ratio, 2.0);
/// assert_eq!(r.std_error, 0.0); // x is exactly 2y
/// assert!(levee_minerals::ratio_of_means(&[1.0], &[0.0]).ratio.is_nan());
/// ```
pub fn ratio_of_means(x: &[f64], y: &[f64]) -> RatioEstimate {
    let n = x.len().min(y.len());
    let nan = RatioEstimate {
        ratio: f64::NAN,
        std_error: f64::NAN,
        ci95_low: f64::NAN,
        ci95_high: f64::NAN,
    };
    if n == 0 {
        return nan;
    }
    let (mut sx, mut sy) = (NeumaierSum::default(), NeumaierSum::default());
    for i in 0..n {
        sx.add(x[i]);
        sy.add(y[i]);
    }
    let xm = sx.total() / n as f64;
    let ym = sy.total() / n as f64;
    if ym <= 0.0 || !ym.is_finite() {
        return nan;
    }
    let r = xm / ym;
    let mut ss = NeumaierSum::default();
    for i in 0..n {
        let e = x[i] - r * y[i];
        ss.add(e * e);
    }
    let se = if n > 1 {
        (ss.total() / (n - 1) as f64 / n as f64).sqrt() / ym
    } else {
        f64::NAN
    };
    RatioEstimate {
        ratio: r,
        std_error: se,
        ci95_low: r - Z95 * se,
        ci95_high: r + Z95 * se,
    }
}

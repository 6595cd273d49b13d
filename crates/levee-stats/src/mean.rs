//! Sample mean with its standard error.

use crate::{NeumaierSum, Z95};

/// A Monte Carlo estimate of an expectation.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// Sample mean.
    pub mean: f64,
    /// Standard error of the mean, s/√n with the unbiased sample variance s².
    pub std_error: f64,
    /// Lower end of the 95% confidence interval, mean − 1.96 s.e.
    pub ci95_low: f64,
    /// Upper end of the 95% confidence interval.
    pub ci95_high: f64,
}

/// Mean, standard error and normal 95% interval of the values, read in order.
///
/// ```
/// let e = levee_stats::estimate(&[1.0, 2.0, 3.0, 4.0]);
/// assert_eq!(e.mean, 2.5);
/// // s² = 5/3, s.e. = sqrt(5/3/4)
/// assert!((e.std_error - (5.0f64 / 12.0).sqrt()).abs() < 1e-15);
/// ```
pub fn estimate(values: &[f64]) -> Estimate {
    let n = values.len();
    if n == 0 {
        return Estimate {
            mean: f64::NAN,
            std_error: f64::NAN,
            ci95_low: f64::NAN,
            ci95_high: f64::NAN,
        };
    }
    let mut s = NeumaierSum::default();
    for &v in values {
        s.add(v);
    }
    let mean = s.total() / n as f64;
    let mut ss = NeumaierSum::default();
    for &v in values {
        ss.add((v - mean) * (v - mean));
    }
    let var = if n > 1 {
        ss.total() / (n - 1) as f64
    } else {
        0.0
    };
    let se = (var / n as f64).sqrt();
    Estimate {
        mean,
        std_error: se,
        ci95_low: mean - Z95 * se,
        ci95_high: mean + Z95 * se,
    }
}

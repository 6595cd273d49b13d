//! Probabilities estimated as proportions of paths.

use crate::Z95;

/// An estimated probability with its Wilson score 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Proportion {
    /// Fraction of paths where the event happened.
    pub p: f64,
    /// Binomial standard error, sqrt(p(1−p)/n).
    pub std_error: f64,
    /// Wilson interval, lower end (never below 0, sensible when p is 0 or 1).
    pub ci95_low: f64,
    /// Wilson interval, upper end.
    pub ci95_high: f64,
}

/// The proportion `count / n` with a Wilson score interval.
///
/// ```
/// let p = levee_stats::proportion(0, 1000);
/// assert_eq!(p.p, 0.0);
/// assert_eq!(p.ci95_low, 0.0);
/// assert!(p.ci95_high > 0.003 && p.ci95_high < 0.004); // the "rule of three" region
/// ```
pub fn proportion(count: u64, n: u64) -> Proportion {
    if n == 0 {
        return Proportion {
            p: f64::NAN,
            std_error: f64::NAN,
            ci95_low: f64::NAN,
            ci95_high: f64::NAN,
        };
    }
    let nf = n as f64;
    let p = count as f64 / nf;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * nf)) / (1.0 + z2 / nf);
    let half = Z95 / (1.0 + z2 / nf) * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    Proportion {
        p,
        std_error: (p * (1.0 - p) / nf).sqrt(),
        ci95_low: if count == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        ci95_high: if count == n {
            1.0
        } else {
            (centre + half).min(1.0)
        },
    }
}

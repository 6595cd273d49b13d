//! Default parameters calibrated from Japan's FY2021–FY2025 chip and AI budgets.
//!
//! The figures are those of `japan-facts.md` §2 (rows S21–S25): the
//! supplementary (extra) budget lines for semiconductors and AI. Every year
//! from FY2021 to FY2025 passed a package, so the per-year passage probability
//! is estimated with Laplace's rule of succession, `(k + 1)/(n + 2) = 6/7`,
//! rather than the maximum-likelihood 5/5 = 1, which would rule out a year
//! without a package. Package size: the sample mean and the coefficient of
//! variation (sample standard deviation with `n − 1` over the mean).

/// FY2021–FY2025 supplementary chip/AI packages, yen: S21 ¥774bn, S22 ~¥1.3tn,
/// S23 ¥1.86tn, S24 ~¥1.5tn, S25 ~¥252.5bn.
pub const SUPPLEMENTARY_HISTORY: [(i32, f64); 5] = [
    (2021, 774e9),
    (2022, 1.3e12),
    (2023, 1.86e12),
    (2024, 1.5e12),
    (2025, 252.5e9),
];

/// The calibration of the ad hoc (supplementary) regime.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdHocCalibration {
    /// Years observed.
    pub years: usize,
    /// Years in which a package passed.
    pub passed: usize,
    /// Probability that a package passes in a year, `(passed + 1)/(years + 2)`.
    pub probability: f64,
    /// Mean package size, yen.
    pub mean: f64,
    /// Coefficient of variation of the package size.
    pub cv: f64,
}

/// Calibrate the ad hoc regime from a history of yearly packages (0 = none).
///
/// ```
/// let c = levee_funding::calibrate_ad_hoc(&[1.0, 3.0, 0.0]);
/// assert_eq!((c.years, c.passed), (3, 2));
/// assert_eq!(c.probability, 3.0 / 5.0);
/// assert_eq!(c.mean, 2.0);
/// // Sample s.d. of {1, 3} is sqrt(2); cv = sqrt(2)/2.
/// assert!((c.cv - 2f64.sqrt() / 2.0).abs() < 1e-15);
/// ```
pub fn calibrate_ad_hoc(packages: &[f64]) -> AdHocCalibration {
    let sizes: Vec<f64> = packages.iter().copied().filter(|&x| x > 0.0).collect();
    let n = sizes.len();
    let mean = if n > 0 {
        sizes.iter().sum::<f64>() / n as f64
    } else {
        0.0
    };
    let var = if n > 1 {
        sizes.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    AdHocCalibration {
        years: packages.len(),
        passed: n,
        probability: (n as f64 + 1.0) / (packages.len() as f64 + 2.0),
        mean,
        cv: if mean > 0.0 { var.sqrt() / mean } else { 0.0 },
    }
}

/// The calibration from [`SUPPLEMENTARY_HISTORY`]: the defaults of
/// `ad_hoc_probability` and `ad_hoc_cv`.
pub fn history_calibration() -> AdHocCalibration {
    let v: Vec<f64> = SUPPLEMENTARY_HISTORY.iter().map(|x| x.1).collect();
    calibrate_ad_hoc(&v)
}

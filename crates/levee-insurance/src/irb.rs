//! The Basel IRB (ASRF) capital formula for corporate, sovereign and bank
//! exposures (BCBS 2006, §272; maturity adjustment §272).

use levee_rng::{normal_cdf, normal_inv_cdf};

/// Asset correlation R(PD) = 0.12·f + 0.24·(1 − f), f = (1 − e^{−50 PD})/(1 − e^{−50}).
pub fn irb_correlation(pd: f64) -> f64 {
    let f = (1.0 - (-50.0 * pd).exp()) / (1.0 - (-50.0f64).exp());
    0.12 * f + 0.24 * (1.0 - f)
}

/// Capital requirement K per unit of EAD:
/// K = [LGD·Φ((Φ⁻¹(PD) + √R Φ⁻¹(0.999))/√(1 − R)) − PD·LGD]·(1 + (M − 2.5) b)/(1 − 1.5 b),
/// b = (0.11852 − 0.05478 ln PD)². `maturity` is in years (Basel clamps it to [1, 5]).
///
/// ```
/// let k = levee_insurance::irb::irb_capital(0.01, 0.45, 2.5);
/// assert!((k - 0.07385344).abs() < 1e-8); // the 92.32% risk weight
/// ```
pub fn irb_capital(pd: f64, lgd: f64, maturity: f64) -> f64 {
    let r = irb_correlation(pd);
    let b = (0.11852 - 0.05478 * pd.ln()).powi(2);
    let cond =
        normal_cdf((normal_inv_cdf(pd) + r.sqrt() * normal_inv_cdf(0.999)) / (1.0 - r).sqrt());
    (lgd * cond - pd * lgd) * (1.0 + (maturity - 2.5) * b) / (1.0 - 1.5 * b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Check values (LGD = 0.45) from insurance-methods.md §4.2.
    #[test]
    fn irb_table() {
        let rows = [
            (0.0003, 0.238213, 0.01155485, 0.00606339, 0.02070729),
            (0.001, 0.234148, 0.02372319, 0.01493602, 0.03836849),
            (0.01, 0.192784, 0.07385344, 0.05862271, 0.09923800),
            (0.05, 0.129850, 0.11988353, 0.10551952, 0.14382354),
            (0.20, 0.120005, 0.19058528, 0.17837295, 0.21093916),
        ];
        for (pd, r, k25, k1, k5) in rows {
            assert!((irb_correlation(pd) - r).abs() < 1e-6);
            assert!((irb_capital(pd, 0.45, 2.5) - k25).abs() < 1e-8);
            assert!((irb_capital(pd, 0.45, 1.0) - k1).abs() < 1e-8);
            assert!((irb_capital(pd, 0.45, 5.0) - k5).abs() < 1e-8);
        }
    }
}

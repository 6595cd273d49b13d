//! The one-factor Vasicek model: the large-homogeneous-portfolio (LHP) loss
//! distribution, its VaR and ES, the exact finite homogeneous pool, and the
//! ASRF limit of risk contributions. Reference outputs and test oracles.

use levee_rng::{normal_cdf, normal_inv_cdf};

use crate::special::{integrate, normal_pdf};

/// Conditional default probability p(z) = Φ((Φ⁻¹(p) − √ρ z)/√(1 − ρ)); low z is bad.
pub fn conditional_pd(p: f64, rho: f64, z: f64) -> f64 {
    normal_cdf((normal_inv_cdf(p) - rho.sqrt() * z) / (1.0 - rho).sqrt())
}

/// LHP quantile of the loss fraction: Φ((Φ⁻¹(p) + √ρ Φ⁻¹(α))/√(1 − ρ)).
///
/// ```
/// let v = levee_insurance::vasicek::lhp_var(0.01, 0.12, 0.995);
/// assert!((v - 0.0631685285).abs() < 1e-9);
/// ```
pub fn lhp_var(p: f64, rho: f64, alpha: f64) -> f64 {
    normal_cdf((normal_inv_cdf(p) + rho.sqrt() * normal_inv_cdf(alpha)) / (1.0 - rho).sqrt())
}

/// LHP distribution function P(L ≤ x) = Φ((√(1 − ρ) Φ⁻¹(x) − Φ⁻¹(p))/√ρ).
pub fn lhp_cdf(p: f64, rho: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    normal_cdf(((1.0 - rho).sqrt() * normal_inv_cdf(x) - normal_inv_cdf(p)) / rho.sqrt())
}

/// LHP expected shortfall of the loss fraction,
/// ES_α = (1/(1−α)) ∫_{Φ⁻¹(α)}^∞ Φ((Φ⁻¹(p) + √ρ z)/√(1 − ρ)) φ(z) dz
/// (equal to Φ₂(Φ⁻¹p, Φ⁻¹(1−α); √ρ)/(1−α)), by Gauss–Legendre quadrature.
///
/// ```
/// let es = levee_insurance::vasicek::lhp_es(0.01, 0.12, 0.999);
/// assert!((es - 0.1092103553).abs() < 1e-9);
/// ```
pub fn lhp_es(p: f64, rho: f64, alpha: f64) -> f64 {
    let za = normal_inv_cdf(alpha);
    let c = normal_inv_cdf(p);
    let (sr, s1) = (rho.sqrt(), (1.0 - rho).sqrt());
    integrate(
        |z| normal_cdf((c + sr * z) / s1) * normal_pdf(z),
        za,
        za + 12.0,
        48,
    ) / (1.0 - alpha)
}

/// Exact distribution of the number of defaults in a homogeneous pool of `n`
/// obligors: P(D = k) = ∫ C(n,k) p(z)^k (1 − p(z))^{n−k} φ(z) dz, by
/// Gauss–Legendre quadrature over z ∈ [−10, 10].
pub fn finite_pool_pmf(n: usize, p: f64, rho: f64) -> Vec<f64> {
    let mut out = vec![0.0; n + 1];
    let (x, w) = crate::special::gauss_legendre(20);
    let panels = 160;
    let h = 20.0 / panels as f64;
    let lnc: Vec<f64> = (0..=n).map(|k| ln_choose(n as u64, k as u64)).collect();
    for pnl in 0..panels {
        let mid = -10.0 + (pnl as f64 + 0.5) * h;
        for (xi, wi) in x.iter().zip(&w) {
            let z = mid + 0.5 * h * xi;
            let q = conditional_pd(p, rho, z).clamp(1e-300, 1.0 - 1e-16);
            let (lq, l1q) = (q.ln(), (-q).ln_1p());
            let weight = wi * 0.5 * h * normal_pdf(z);
            for (k, o) in out.iter_mut().enumerate() {
                *o += weight * (lnc[k] + k as f64 * lq + (n - k) as f64 * l1q).exp();
            }
        }
    }
    out
}

/// ln C(n, k).
pub fn ln_choose(n: u64, k: u64) -> f64 {
    use statrs::function::gamma::ln_gamma;
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// ASRF limit of the Euler VaR contribution per unit of exposure × LGD:
/// p_i(z_α) with z_α = Φ⁻¹(1 − α) (Gordy 2003).
pub fn asrf_var_contribution(p: f64, rho: f64, alpha: f64) -> f64 {
    conditional_pd(p, rho, normal_inv_cdf(1.0 - alpha))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Check values of /work/shared/reference/insurance-methods.md §4.1.
    #[test]
    fn lhp_check_values() {
        let rows = [
            (
                0.01,
                0.12,
                0.0631685285,
                0.0802353304,
                0.0903258313,
                0.1092103553,
            ),
            (
                0.01,
                0.24,
                0.1110405647,
                0.1515853768,
                0.1756828925,
                0.2210476823,
            ),
            (
                0.001,
                0.20,
                0.0151147547,
                0.0235561004,
                0.0280750671,
                0.0395980282,
            ),
            (
                0.05,
                0.15,
                0.2413303802,
                0.2859167473,
                0.3135059079,
                0.3565204220,
            ),
            (
                0.10,
                0.04,
                0.2170517145,
                0.2368680344,
                0.2491436380,
                0.2676858890,
            ),
        ];
        for (p, r, v5, e5, v9, e9) in rows {
            assert!((lhp_var(p, r, 0.995) - v5).abs() < 1e-9);
            assert!((lhp_var(p, r, 0.999) - v9).abs() < 1e-9);
            assert!(
                (lhp_es(p, r, 0.995) - e5).abs() < 1e-9,
                "{} {}",
                lhp_es(p, r, 0.995),
                e5
            );
            assert!((lhp_es(p, r, 0.999) - e9).abs() < 1e-9);
            // The quantile inverts the distribution function.
            assert!((lhp_cdf(p, r, lhp_var(p, r, 0.995)) - 0.995).abs() < 1e-10);
        }
    }

    /// McNeil's QRM check value: m = 100, p = 0.05, ρ = 0.05, P(D ≥ 20) = 0.00112117249.
    #[test]
    fn finite_pool_mcneil_value() {
        let pmf = finite_pool_pmf(100, 0.05, 0.05);
        let tail: f64 = pmf[20..].iter().sum();
        assert!((tail - 0.00112117249).abs() < 1e-10, "{tail}");
        let total: f64 = pmf.iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
    }
}

//! Numerical building blocks: the normal density, Gauss–Legendre quadrature
//! and a tabulated beta quantile function for stochastic LGD.

use levee_rng::normal_cdf;

/// Standard normal density φ(x).
#[inline]
pub fn normal_pdf(x: f64) -> f64 {
    const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
    INV_SQRT_2PI * (-0.5 * x * x).exp()
}

/// Nodes and weights of the `n`-point Gauss–Legendre rule on [−1, 1]
/// (Newton iteration on the Legendre polynomial, Numerical Recipes §4.6).
///
/// ```
/// let (x, w) = levee_insurance::special::gauss_legendre(5);
/// // Exact for polynomials of degree ≤ 9: ∫ x⁸ dx over [−1, 1] = 2/9.
/// let i: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(8)).sum();
/// assert!((i - 2.0 / 9.0).abs() < 1e-14);
/// ```
pub fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    let n = n.max(1);
    let mut x = vec![0.0; n];
    let mut w = vec![0.0; n];
    let m = n.div_ceil(2);
    for i in 0..m {
        let mut z = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, z);
            for j in 2..=n {
                let p2 = ((2 * j - 1) as f64 * z * p1 - (j - 1) as f64 * p0) / j as f64;
                p0 = p1;
                p1 = p2;
            }
            let pn = if n == 1 { z } else { p1 };
            let pm = if n == 1 { 1.0 } else { p0 };
            dp = n as f64 * (z * pn - pm) / (z * z - 1.0);
            let dz = pn / dp;
            z -= dz;
            if dz.abs() < 1e-15 {
                break;
            }
        }
        x[i] = -z;
        x[n - 1 - i] = z;
        let wi = 2.0 / ((1.0 - z * z) * dp * dp);
        w[i] = wi;
        w[n - 1 - i] = wi;
    }
    (x, w)
}

/// ∫_a^b f by `panels` equal panels of 20-point Gauss–Legendre.
pub fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64, panels: usize) -> f64 {
    let (x, w) = gauss_legendre(20);
    let panels = panels.max(1);
    let h = (b - a) / panels as f64;
    let mut s = 0.0;
    for p in 0..panels {
        let lo = a + p as f64 * h;
        let mid = lo + 0.5 * h;
        for (xi, wi) in x.iter().zip(&w) {
            s += wi * f(mid + 0.5 * h * xi);
        }
    }
    s * 0.5 * h
}

/// Beta parameters from a mean μ and a dispersion δ = Var/(μ(1−μ)) in (0, 1):
/// a = μ(1/δ − 1), b = (1 − μ)(1/δ − 1).
pub fn beta_params(mean: f64, dispersion: f64) -> (f64, f64) {
    let k = 1.0 / dispersion - 1.0;
    (mean * k, (1.0 - mean) * k)
}

/// The beta(a, b) quantile by bisection on the regularised incomplete beta
/// function (60 halvings: error below 1e-15 absolute).
pub fn beta_quantile_exact(a: f64, b: f64, u: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if statrs::function::beta::beta_reg(a, b, mid) < u {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// A beta quantile function tabulated at `NODES` equally spaced probabilities
/// and interpolated linearly. Why: the exact quantile needs ~60 evaluations of
/// the incomplete beta function, too slow to call once per claim; the table is
/// built once per distinct (mean, dispersion). The interpolation error is
/// measured in the tests (below 2e-3 absolute in LGD units on every class we
/// use), far below the precision of any LGD assumption.
#[derive(Clone, Debug)]
pub struct BetaTable {
    q: Vec<f64>,
}

impl BetaTable {
    /// Number of table nodes.
    pub const NODES: usize = 1025;

    /// Tabulate beta(mean, dispersion).
    pub fn new(mean: f64, dispersion: f64) -> Self {
        let (a, b) = beta_params(mean, dispersion);
        let n = Self::NODES;
        let q = (0..n)
            .map(|i| {
                if i == 0 {
                    0.0
                } else if i == n - 1 {
                    1.0
                } else {
                    beta_quantile_exact(a, b, i as f64 / (n - 1) as f64)
                }
            })
            .collect();
        BetaTable { q }
    }

    /// Quantile at probability `u` in (0, 1).
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        let n = self.q.len();
        let x = u.clamp(0.0, 1.0) * (n - 1) as f64;
        let i = (x as usize).min(n - 2);
        let f = x - i as f64;
        self.q[i] + f * (self.q[i + 1] - self.q[i])
    }
}

/// Φ((c − y)/b), the conditional default probability of a threshold `c`
/// given the systematic part `y` and idiosyncratic scale `b`.
#[inline]
pub fn cond_pd(c: f64, y: f64, b: f64) -> f64 {
    normal_cdf((c - y) / b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrate_normal_density() {
        // ∫ φ over [−8, 8] = 1 − 2Φ(−8) = 1 − 1.2e-15.
        let i = integrate(normal_pdf, -8.0, 8.0, 8);
        assert!((i - 1.0).abs() < 1e-13);
    }

    #[test]
    fn beta_table_close_to_exact_quantiles() {
        for &(m, d) in &[(0.45, 0.1), (0.7, 0.3), (0.2, 0.05), (0.9, 0.5)] {
            let t = BetaTable::new(m, d);
            let (a, b) = beta_params(m, d);
            let mut worst = 0.0f64;
            for k in 1..200 {
                let u = (k as f64 - 0.37) / 200.0;
                worst = worst.max((t.quantile(u) - beta_quantile_exact(a, b, u)).abs());
            }
            assert!(worst < 2e-3, "mean {m} disp {d}: worst {worst}");
            // The table's mean equals the beta mean to the trapezoid error.
            let mean: f64 = (0..20_000)
                .map(|k| t.quantile((k as f64 + 0.5) / 20_000.0))
                .sum::<f64>()
                / 20_000.0;
            assert!((mean - m).abs() < 1e-3, "mean {mean} vs {m}");
        }
    }
}

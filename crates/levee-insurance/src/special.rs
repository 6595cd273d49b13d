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
    beta_bisect(a, b, u, |_, _| false)
}

/// [`beta_quantile_exact`] rounded to single precision, with the bisection
/// stopped as soon as both ends of its bracket round to the same `f32`.
/// Why: a table stored in single precision needs about 25 halvings for a
/// quantile near ½ (more near 0, or next to the midpoint of two `f32`
/// values), not 60, and the result is the same number: the bracket only
/// shrinks, the 60-halving midpoint lies inside it, and rounding to `f32` is
/// monotone, so every point of the bracket rounds to that same `f32`.
pub fn beta_quantile_f32(a: f64, b: f64, u: f64) -> f32 {
    beta_bisect(a, b, u, |lo, hi| lo as f32 == hi as f32) as f32
}

/// Up to 60 halvings of [0, 1] towards the beta(a, b) quantile of `u`,
/// fewer if `done(lo, hi)` holds first; the midpoint of the last bracket.
fn beta_bisect(a: f64, b: f64, u: f64, done: impl Fn(f64, f64) -> bool) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..60 {
        if done(lo, hi) {
            break;
        }
        let mid = 0.5 * (lo + hi);
        if statrs::function::beta::beta_reg(a, b, mid) < u {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// A beta quantile function tabulated in normal-score space: the table holds
/// G(x) = Q_beta(Φ(x)) at `NODES` equally spaced scores x ∈ [−8, 8] and
/// interpolates linearly. Why: a correlated LGD is Q_beta(Φ(a + s·ε)) with a
/// normal score a + s·ε (docs/models/insurance.md), so tabulating G makes a
/// claim's LGD one table look-up after the normal draw (no Φ, no incomplete
/// beta function per claim); and equal spacing in x is dense exactly where a
/// quantile function in u is steep (both tails). The table is built once per
/// distinct (mean, dispersion); its interpolation error is measured in the
/// tests (below 5e-4 absolute in LGD units on every class we test), far below
/// the precision of any LGD assumption.
#[derive(Clone, Debug)]
pub struct BetaTable {
    /// A fixed-size array: the clamped index needs no bounds check. Single
    /// precision (relative rounding 6e-8, far below the interpolation error)
    /// halves the table to 4 KB: it is read at random for every claim.
    q: Box<[f32; Self::NODES]>,
}

impl BetaTable {
    /// Number of table nodes (64 per unit of score on [−8, 8]).
    pub const NODES: usize = 1025;
    /// Lowest tabulated score.
    const X_MIN: f64 = -8.0;
    /// Nodes per unit of score.
    const PER_UNIT: f64 = 64.0;

    /// Tabulate beta(mean, dispersion).
    pub fn new(mean: f64, dispersion: f64) -> Self {
        let (a, b) = beta_params(mean, dispersion);
        let mut q = Box::new([0.0f32; Self::NODES]);
        for (i, v) in q.iter_mut().enumerate() {
            let u = normal_cdf(Self::X_MIN + i as f64 / Self::PER_UNIT);
            *v = beta_quantile_f32(a, b, u);
        }
        BetaTable { q }
    }

    /// G(x) = Q_beta(Φ(x)) at the normal score `x` (clamped to [−8, 8], where
    /// Φ leaves out 1.2e-15 of probability).
    ///
    /// ```
    /// use levee_insurance::special::{BetaTable, beta_params, beta_quantile_exact};
    /// let t = BetaTable::new(0.45, 0.2);
    /// let (a, b) = beta_params(0.45, 0.2);
    /// let exact = beta_quantile_exact(a, b, levee_rng::normal_cdf(0.3));
    /// assert!((t.at_score(0.3) - exact).abs() < 1e-4);
    /// ```
    #[inline]
    pub fn at_score(&self, x: f64) -> f64 {
        let t = (x - Self::X_MIN) * Self::PER_UNIT;
        // Clamp to [0, NODES − 1] (NaN fails the first test and becomes 0).
        let t = if t > 0.0 { t } else { 0.0 };
        let t = if t < (Self::NODES - 1) as f64 {
            t
        } else {
            (Self::NODES - 1) as f64
        };
        // ⌊t⌋: t is finite and in [0, NODES − 1] here, so truncation to i32
        // is exact (and cheaper than a saturating cast to usize).
        let i = ((t as i32) as usize).min(Self::NODES - 2);
        let f = t - i as f64;
        let (q0, q1) = (f64::from(self.q[i]), f64::from(self.q[i + 1]));
        q0 + f * (q1 - q0)
    }

    /// Quantile at probability `u` in (0, 1): G(Φ⁻¹(u)).
    pub fn quantile(&self, u: f64) -> f64 {
        self.at_score(levee_rng::normal_inv_cdf(u))
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
            assert!(worst < 5e-4, "mean {m} disp {d}: worst {worst}");
            // The table's mean equals the beta mean to the trapezoid error.
            let mean: f64 = (0..20_000)
                .map(|k| t.quantile((k as f64 + 0.5) / 20_000.0))
                .sum::<f64>()
                / 20_000.0;
            assert!((mean - m).abs() < 1e-3, "mean {mean} vs {m}");
        }
    }

    /// The early-stopped bisection gives the same single-precision quantile
    /// as the full one, at every node of tables of several shapes (skewed
    /// both ways, U-shaped, tight) and at the edges of the unit interval.
    #[test]
    fn f32_quantile_equals_rounded_exact_quantile() {
        for &(m, d) in &[
            (0.45, 0.2),
            (0.05, 0.3),
            (0.95, 0.1),
            (0.5, 0.9),
            (0.3, 0.001),
        ] {
            let (a, b) = beta_params(m, d);
            let mut us: Vec<f64> = (0..BetaTable::NODES)
                .map(|i| normal_cdf(BetaTable::X_MIN + i as f64 / BetaTable::PER_UNIT))
                .collect();
            us.extend([1e-300, 1e-17, 0.5, 1.0 - 1e-16]);
            for u in us {
                assert_eq!(
                    beta_quantile_f32(a, b, u),
                    beta_quantile_exact(a, b, u) as f32,
                    "mean {m} dispersion {d} u {u:e}"
                );
            }
        }
    }
}

//! CreditRisk+ (CSFB 1997): gamma-mixed Poisson defaults with integer loss
//! units. The loss distribution is obtained exactly (up to aliasing, which the
//! caller controls with the grid length) by inverting the probability
//! generating function on the unit circle with an FFT; Panjer's recursion
//! gives the single-sector case independently.

use crate::fft::{C64, fft};

/// One obligor of a CreditRisk+ portfolio.
#[derive(Clone, Debug, PartialEq)]
pub struct CrObligor {
    /// Annual default probability (Poisson intensity).
    pub pd: f64,
    /// Loss given default in integer loss units (≥ 1).
    pub units: u32,
    /// Sector index, or `None` for purely idiosyncratic.
    pub sector: Option<usize>,
    /// Weight on the sector in [0, 1]; the rest is idiosyncratic.
    pub weight: f64,
}

/// Why a CreditRisk+ calculation was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CrPlusError {
    /// The grid is not a power of two of at least 2.
    #[error("the FFT grid length must be a power of two ≥ 2, got {0}")]
    Grid(usize),
    /// An obligor's loss exceeds the grid.
    #[error("obligor {index} has a loss of {units} units, beyond the grid of {len}")]
    Units {
        /// Obligor index.
        index: usize,
        /// Its loss in units.
        units: u32,
        /// Grid length.
        len: usize,
    },
    /// A sector variance is not positive, or a sector index is out of range.
    #[error("sector {0}: variance must be positive and the index in range")]
    Sector(usize),
}

/// Exact mean and variance: EL = Σ p ν, Var = Σ p ν² + Σ_s σ_s² (Σ w p ν)².
pub fn moments(obligors: &[CrObligor], variances: &[f64]) -> (f64, f64) {
    let mut mean = 0.0;
    let mut var = 0.0;
    let mut by_sector = vec![0.0; variances.len()];
    for o in obligors {
        let nu = o.units as f64;
        mean += o.pd * nu;
        var += o.pd * nu * nu;
        if let Some(s) = o.sector
            && let Some(b) = by_sector.get_mut(s)
        {
            *b += o.weight * o.pd * nu;
        }
    }
    for (s, b) in by_sector.iter().enumerate() {
        var += variances[s] * b * b;
    }
    (mean, var)
}

/// The loss size of obligor `i` in units, checked against the grid length.
fn unit_index(i: usize, o: &CrObligor, len: usize) -> Result<usize, CrPlusError> {
    let j = o.units as usize;
    if j >= len {
        return Err(CrPlusError::Units {
            index: i,
            units: o.units,
            len,
        });
    }
    Ok(j)
}

/// The loss PMF on 0..len units by FFT inversion of
/// G(z) = exp(Σ w₀ p (z^ν − 1)) Π_s (1 − σ_s² Σ w_s p (z^ν − 1))^{−1/σ_s²}.
/// Mass beyond `len − 1` aliases onto the grid: choose `len` well above the
/// largest loss of interest (the tail mass beyond it is the aliasing error).
pub fn loss_pmf_fft(
    obligors: &[CrObligor],
    variances: &[f64],
    len: usize,
) -> Result<Vec<f64>, CrPlusError> {
    if len < 2 || !len.is_power_of_two() {
        return Err(CrPlusError::Grid(len));
    }
    for (s, &v) in variances.iter().enumerate() {
        if !(v > 0.0 && v.is_finite()) {
            return Err(CrPlusError::Sector(s));
        }
    }
    let ns = variances.len();
    // Per-sector and idiosyncratic "severity polynomials" a[j] = Σ_{ν=j} w p.
    let mut polys = vec![vec![C64::default(); len]; ns + 1];
    let mut mu = vec![0.0; ns + 1];
    for (i, o) in obligors.iter().enumerate() {
        let j = unit_index(i, o, len)?;
        let (s, w) = match o.sector {
            Some(s) if s < ns => (s + 1, o.weight.clamp(0.0, 1.0)),
            Some(s) => return Err(CrPlusError::Sector(s)),
            None => (0, 0.0),
        };
        polys[s][j].re += w * o.pd;
        mu[s] += w * o.pd;
        polys[0][j].re += (1.0 - w) * o.pd;
        mu[0] += (1.0 - w) * o.pd;
    }
    for p in polys.iter_mut() {
        fft(p, false);
    }
    let mut g = vec![C64::default(); len];
    for (k, gk) in g.iter_mut().enumerate() {
        let idio = C64::new(polys[0][k].re - mu[0], polys[0][k].im);
        let mut lg = idio;
        for s in 0..ns {
            let v = variances[s];
            let inner = C64::new(
                1.0 - v * (polys[s + 1][k].re - mu[s + 1]),
                -v * polys[s + 1][k].im,
            );
            let l = inner.ln();
            lg = C64::new(lg.re - l.re / v, lg.im - l.im / v);
        }
        *gk = lg.exp();
    }
    fft(&mut g, true);
    Ok(g.iter().map(|c| c.re / len as f64).collect())
}

/// Single-sector CreditRisk+ (every obligor fully in the sector, variance σ²)
/// by Panjer's recursion for the negative-binomial compound:
/// g₀ = (1 − δ)^α, g_n = Σ_{j=1}^{n} δ (1 + (α − 1) j/n) q_j g_{n−j},
/// α = 1/σ², δ = μσ²/(1 + μσ²), q_j = Σ_{ν=j} p / μ.
pub fn loss_pmf_panjer(
    obligors: &[CrObligor],
    variance: f64,
    len: usize,
) -> Result<Vec<f64>, CrPlusError> {
    if !(variance > 0.0 && variance.is_finite()) {
        return Err(CrPlusError::Sector(0));
    }
    let mut q = vec![0.0; len];
    let mut mu = 0.0;
    for (i, o) in obligors.iter().enumerate() {
        let j = unit_index(i, o, len)?;
        q[j] += o.pd;
        mu += o.pd;
    }
    for v in q.iter_mut() {
        *v /= mu;
    }
    let alpha = 1.0 / variance;
    let beta = mu * variance;
    let delta = beta / (1.0 + beta);
    let jmax = q.iter().rposition(|&x| x > 0.0).unwrap_or(0);
    let mut g = vec![0.0; len];
    g[0] = (1.0 - delta).powf(alpha);
    for n in 1..len {
        let mut s = 0.0;
        for j in 1..=n.min(jmax) {
            s += (1.0 + (alpha - 1.0) * j as f64 / n as f64) * q[j] * g[n - j];
        }
        g[n] = delta * s;
    }
    Ok(g)
}

/// VaR (smallest loss x with P(L ≤ x) ≥ α) and ES (Acerbi–Tasche form, exact
/// for this discrete distribution) of a PMF on integer loss units.
pub fn var_es(pmf: &[f64], alpha: f64) -> (f64, f64) {
    let mut cum = 0.0;
    let mut var = pmf.len().saturating_sub(1);
    for (i, &p) in pmf.iter().enumerate() {
        cum += p;
        if cum >= alpha {
            var = i;
            break;
        }
    }
    let above: f64 = pmf
        .iter()
        .enumerate()
        .skip(var + 1)
        .map(|(i, p)| i as f64 * p)
        .sum();
    let mass_above: f64 = pmf.iter().skip(var + 1).sum();
    let es = (above + var as f64 * ((1.0 - alpha) - mass_above)) / (1.0 - alpha);
    (var as f64, es)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(n: usize) -> Vec<CrObligor> {
        (0..n)
            .map(|i| CrObligor {
                pd: 0.002 + 0.03 * ((i * 37 % 101) as f64 / 101.0),
                units: 1 + (i * 13 % 17) as u32,
                sector: Some(0),
                weight: 1.0,
            })
            .collect()
    }

    /// Panjer and FFT are two independent exact methods: they must agree to
    /// rounding (the reference reports 3.8e-17 on a 200-obligor book); the grid
    /// of 4096 units is > 40 standard deviations above the mean, so aliasing is
    /// far below 1e-15.
    #[test]
    fn panjer_equals_fft() {
        let b = book(200);
        let a = loss_pmf_fft(&b, &[0.8], 4096).unwrap();
        let p = loss_pmf_panjer(&b, 0.8, 4096).unwrap();
        let worst = a
            .iter()
            .zip(&p)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-14, "max difference {worst}");
    }

    /// FFT moments equal the closed forms; multi-sector with idiosyncratic parts.
    #[test]
    fn fft_moments_equal_closed_form() {
        let mut b = book(300);
        for (i, o) in b.iter_mut().enumerate() {
            o.sector = if i % 5 == 0 { None } else { Some(i % 3) };
            o.weight = 0.3 + 0.2 * (i % 4) as f64;
        }
        let vars = [0.5, 1.2, 2.0];
        let pmf = loss_pmf_fft(&b, &vars, 8192).unwrap();
        let m: f64 = pmf.iter().enumerate().map(|(i, p)| i as f64 * p).sum();
        let v: f64 = pmf
            .iter()
            .enumerate()
            .map(|(i, p)| (i as f64 - m).powi(2) * p)
            .sum();
        let (em, ev) = moments(&b, &vars);
        assert!((m - em).abs() < 1e-9 * em, "{m} vs {em}");
        assert!((v - ev).abs() < 1e-8 * ev, "{v} vs {ev}");
        let total: f64 = pmf.iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn var_es_of_a_small_pmf() {
        // P = 0.5, 0.3, 0.15, 0.05 on 0..4. VaR_0.9 = 2 (cum 0.95 ≥ 0.9).
        // ES_0.9 = (3·0.05 + 2·(0.1 − 0.05))/0.1 = 2.5.
        let (v, e) = var_es(&[0.5, 0.3, 0.15, 0.05], 0.9);
        assert_eq!(v, 2.0);
        assert!((e - 2.5).abs() < 1e-12);
    }
}

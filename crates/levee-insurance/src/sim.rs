//! The path simulator: a multi-factor Gaussian or Student-t copula over
//! obligors, country political events, stochastic (beta) LGD correlated with
//! the systematic factor, and an optional importance-sampling factor shift.
//!
//! Exact reformulation used for speed (see docs/models/insurance.md §5):
//! given the factors, obligors are independent Bernoulli(p_u(z)). Obligors of
//! one (country, sector) cell share the systematic value y and scale b, so
//! within a *band* of obligors whose thresholds are close, defaults are drawn
//! by **geometric skipping with thinning**: candidate gaps are geometric with
//! the band's largest conditional PD p_top, and a candidate u is accepted with
//! probability p_u(z)/p_top. Each obligor then defaults with probability
//! exactly p_u(z), independently, at a cost proportional to the number of
//! candidates instead of the number of obligors.

use levee_rng::{Stream, normal_cdf, normal_inv_cdf};

use crate::special::BetaTable;

/// Loading set of one (country, sector) cell.
#[derive(Clone, Debug)]
pub struct Cell {
    /// Country index.
    pub country: usize,
    /// Sector index.
    pub sector: usize,
    /// Global loading.
    pub bg: f64,
    /// Country loading.
    pub bc: f64,
    /// Sector loading.
    pub bs: f64,
    /// Idiosyncratic scale √(1 − bg² − bc² − bs²).
    pub b: f64,
    /// Standard deviation of the systematic part √(bg² + bc² + bs²).
    pub sd: f64,
}

/// A run of obligors of one cell with nearby thresholds.
#[derive(Clone, Debug)]
pub struct Band {
    /// Cell index.
    pub cell: u32,
    /// Largest threshold in the band (that of its first obligor).
    pub c_top: f64,
    /// First obligor (index into `units`).
    pub start: u32,
    /// One past the last obligor.
    pub end: u32,
    /// Largest twisting weight (Σ exposure × mean LGD) of an obligor in the band.
    pub w_max: f64,
}

/// An obligor: its default threshold and the policies that claim on its default.
#[derive(Clone, Debug)]
pub struct Unit {
    /// Default threshold (Φ⁻¹ or t_ν⁻¹ of the horizon PD).
    pub c: f64,
    /// First policy in `unit_pol`.
    pub pol_start: u32,
    /// One past the last.
    pub pol_end: u32,
    /// Twisting weight: Σ exposure × mean LGD of its policies.
    pub w: f64,
}

/// Run-time data of a policy.
#[derive(Clone, Debug)]
pub struct PolRt {
    /// Insured exposure, reporting currency.
    pub exposure: f64,
    /// LGD mean.
    pub lgd: f64,
    /// Index of its beta table, or `u32::MAX` for a fixed LGD.
    pub table: u32,
    /// Cell of the policy.
    pub cell: u32,
    /// Pipeline policy.
    pub pipeline: bool,
}

/// A political event of one peril in one country.
#[derive(Clone, Debug)]
pub struct Event {
    /// Threshold Φ⁻¹(q_H) of the latent event variable.
    pub threshold: f64,
    /// Policies in the country that cover the peril.
    pub pols: Vec<u32>,
    /// Twisting weight: Σ exposure × mean LGD of those policies.
    pub w: f64,
}

/// A mixture of factor mean shifts for importance sampling.
#[derive(Clone, Debug, Default)]
pub struct Shift {
    /// Components: (mean vector μ_k, probability π_k).
    pub comps: Vec<(Vec<f64>, f64)>,
}

/// The compiled simulator.
#[derive(Clone, Debug)]
pub struct Sim {
    /// Number of countries.
    pub nc: usize,
    /// Number of sectors.
    pub ns: usize,
    /// Lower Cholesky factor of the country-factor correlation (nc × nc, row major).
    pub chol: Vec<f64>,
    /// Cells.
    pub cells: Vec<Cell>,
    /// Bands.
    pub bands: Vec<Band>,
    /// Obligors.
    pub units: Vec<Unit>,
    /// Policies claiming on each obligor's default, grouped by obligor.
    pub unit_pol: Vec<u32>,
    /// Policies.
    pub pols: Vec<PolRt>,
    /// Political events.
    pub events: Vec<Event>,
    /// Beta tables.
    pub tables: Vec<BetaTable>,
    /// Student-t degrees of freedom (None: Gaussian copula).
    pub nu: Option<u32>,
    /// LGD loading on the normalised systematic factor.
    pub rho_lgd: f64,
    /// Loading of each political event on the common political factor (√ of the correlation).
    pub pol_loading: f64,
    /// IS shift (empty: plain Monte Carlo).
    pub shift: Shift,
    /// Exponential twisting targets x_k (Glasserman & Li step 1), used as an
    /// equal-weight mixture; empty: no twisting.
    pub twist: Vec<f64>,
    /// Factor stream.
    pub s_factor: Stream,
    /// Idiosyncratic default stream (step = band).
    pub s_idio: Stream,
    /// Political event stream (step = event).
    pub s_pol: Stream,
    /// LGD stream (step = policy).
    pub s_lgd: Stream,
    /// Mixture-component stream.
    pub s_mix: Stream,
}

/// One path's result.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PathOut {
    /// Loss on the existing book.
    pub book: f64,
    /// Loss on the pipeline.
    pub pipe: f64,
    /// Likelihood ratio (1 under plain Monte Carlo).
    pub weight: f64,
}

/// Per-thread scratch space.
pub struct Scratch {
    z: Vec<f64>,
    cf: Vec<f64>,
    y: Vec<f64>,
    yn: Vec<f64>,
    stamp: Vec<u64>,
    pu: Vec<f64>,
    pe: Vec<f64>,
}

#[inline]
fn softplus(t: f64) -> f64 {
    t.max(0.0) + (-t.abs()).exp().ln_1p()
}

/// Twisted probability p e^{θw}/(1 + p(e^{θw} − 1)) written as a logistic
/// function of logit(p) + θw (no overflow).
#[inline]
fn twisted(p: f64, w: f64, theta: f64) -> f64 {
    if theta == 0.0 {
        return p;
    }
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let t = (p / (1.0 - p)).ln() + theta * w;
    1.0 / (1.0 + (-t).exp())
}

/// Choose θ ≥ 0 with Σ w_k q_k(θ) ≈ x (a few safeguarded Newton steps from
/// the first-order guess) and return (θ, ψ(θ)), ψ(θ) = Σ ln(1 − p_k + p_k e^{θ w_k}).
/// The likelihood ratio exp(−θS + ψ(θ)) is exact for whatever θ is returned,
/// so solving only approximately costs variance, never bias.
pub(crate) fn solve_twist(ps: &[(f64, f64)], x: f64) -> (f64, f64) {
    solve_twists(ps, &[x])[0]
}

/// [`solve_twist`] for several targets over the same probabilities: the
/// per-entry logits and ln(1 − p) are computed once and shared by the targets
/// (each target's (θ, ψ) is the same number as a separate solve).
pub(crate) fn solve_twists(ps: &[(f64, f64)], xs: &[f64]) -> Vec<(f64, f64)> {
    solve_twists_opt(ps, xs, true)
}

/// [`solve_twists`]; with `psi = false` ψ is not evaluated and returned as NaN.
fn solve_twists_opt(ps: &[(f64, f64)], xs: &[f64], with_psi: bool) -> Vec<(f64, f64)> {
    let mut mean = 0.0;
    let mut var = 0.0;
    let mut wmax = 0.0f64;
    for &(p, w) in ps {
        mean += p * w;
        var += w * w * p * (1.0 - p);
        wmax = wmax.max(w);
    }
    if wmax <= 0.0 || xs.iter().all(|&x| mean >= x) {
        return vec![(0.0, 0.0); xs.len()];
    }
    // logit(p) and ln(1 − p) per entry. Entries come grouped by band and
    // threshold, so consecutive entries often share p: each is evaluated once
    // per run of equal p (the same numbers as per-entry evaluation).
    let mut lg: Vec<f64> = Vec::with_capacity(ps.len());
    let mut l1m: Vec<f64> = Vec::with_capacity(ps.len());
    let mut last = (f64::NAN, 0.0, 0.0);
    for &(p, _) in ps {
        if p != last.0 {
            last = if p <= 0.0 {
                (p, f64::NEG_INFINITY, 0.0)
            } else {
                (p, (p / (1.0 - p)).ln(), (-p).ln_1p())
            };
        }
        lg.push(last.1);
        l1m.push(last.2);
    }
    let f = |th: f64, x: f64| -> (f64, f64) {
        let mut m = 0.0;
        let mut d = 0.0;
        for (&(_, w), &l) in ps.iter().zip(&lg) {
            let q = 1.0 / (1.0 + (-(l + th * w)).exp());
            m += w * q;
            d += w * w * q * (1.0 - q);
        }
        (m - x, d)
    };
    xs.iter()
        .map(|&x| {
            if mean >= x {
                return (0.0, 0.0);
            }
            let (mut lo, mut hi) = (0.0, 50.0 / wmax);
            let mut th = if var > 0.0 {
                ((x - mean) / var).min(hi)
            } else {
                0.5 * hi
            };
            for _ in 0..8 {
                let (v, d) = f(th, x);
                if v.abs() <= 1e-3 * x {
                    break;
                }
                if v < 0.0 {
                    lo = th;
                } else {
                    hi = th;
                }
                let nt = if d > 0.0 { th - v / d } else { f64::NAN };
                th = if nt > lo && nt < hi {
                    nt
                } else {
                    0.5 * (lo + hi)
                };
            }
            if !with_psi {
                return (th, f64::NAN);
            }
            let psi = ps
                .iter()
                .zip(lg.iter().zip(&l1m))
                .map(|(&(p, w), (&l, &m))| {
                    if p <= 0.0 {
                        0.0
                    } else {
                        m + softplus(l + th * w)
                    }
                })
                .sum();
            (th, psi)
        })
        .collect()
}

impl Sim {
    /// Dimension of the shifted factor vector: global, countries, sectors.
    /// (The political factor is drawn after them and is not shifted.)
    pub fn dim(&self) -> usize {
        1 + self.nc + self.ns
    }

    /// Fresh scratch space.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            z: vec![0.0; self.dim()],
            cf: vec![0.0; self.nc],
            y: vec![0.0; self.cells.len()],
            yn: vec![0.0; self.cells.len()],
            stamp: vec![0; self.pols.len()],
            pu: vec![0.0; self.units.len()],
            pe: vec![0.0; self.events.len()],
        }
    }

    /// Systematic values y of every cell for the factor vector `z`.
    pub fn cell_values(&self, z: &[f64], cf: &mut [f64], y: &mut [f64]) {
        let nc = self.nc;
        for (i, out) in cf.iter_mut().enumerate().take(nc) {
            let mut s = 0.0;
            for j in 0..=i {
                s += self.chol[i * nc + j] * z[1 + j];
            }
            *out = s;
        }
        for (k, c) in self.cells.iter().enumerate() {
            y[k] = c.bg * z[0] + c.bc * cf[c.country] + c.bs * z[1 + nc + c.sector];
        }
    }

    #[inline]
    fn lgd(&self, i: u32, path: u64, yn: f64) -> f64 {
        let p = &self.pols[i as usize];
        match self.tables.get(p.table as usize) {
            None => p.lgd,
            Some(t) => {
                let n = normal_inv_cdf(self.s_lgd.uniform(path, i, 0));
                let r = self.rho_lgd;
                t.quantile(normal_cdf(-r * yn + (1.0 - r * r).sqrt() * n))
            }
        }
    }

    /// Simulate path `path`; `sink(policy, loss)` sees every claim.
    pub fn path(&self, path: u64, scr: &mut Scratch, sink: &mut impl FnMut(u32, f64)) -> PathOut {
        self.path_impl(path, scr, sink, true)
    }

    /// The claims of path `path` (the same claims and losses as [`Sim::path`])
    /// without its likelihood ratio, which is returned as NaN. Why: the
    /// contribution pass re-simulates tail paths whose weights are already
    /// known; it then needs only the twist θ of the sampled mixture component,
    /// not the θ and ψ of every component.
    pub fn path_claims(
        &self,
        path: u64,
        scr: &mut Scratch,
        sink: &mut impl FnMut(u32, f64),
    ) -> PathOut {
        self.path_impl(path, scr, sink, false)
    }

    #[inline]
    fn path_impl(
        &self,
        path: u64,
        scr: &mut Scratch,
        sink: &mut impl FnMut(u32, f64),
        with_weight: bool,
    ) -> PathOut {
        let d = self.dim();
        let mut dr = self.s_factor.draws(path, 0);
        for v in scr.z.iter_mut() {
            *v = dr.next_normal();
        }
        let pfac = dr.next_normal();
        let mut weight = 1.0;
        if !self.shift.comps.is_empty() {
            let u = self.s_mix.uniform(path, 0, 0);
            let mut acc = 0.0;
            let mut pick = self.shift.comps.len() - 1;
            for (k, (_, pi)) in self.shift.comps.iter().enumerate() {
                acc += pi;
                if u < acc {
                    pick = k;
                    break;
                }
            }
            for (zi, mi) in scr.z.iter_mut().zip(&self.shift.comps[pick].0) {
                *zi += mi;
            }
            // w = φ(z) / Σ π_k φ(z − μ_k) = 1 / Σ π_k exp(μ_k·z − |μ_k|²/2), by log-sum-exp.
            let e: Vec<f64> = self
                .shift
                .comps
                .iter()
                .map(|(m, pi)| {
                    let dot: f64 = m.iter().zip(&scr.z).map(|(a, b)| a * b).sum();
                    let nn: f64 = m.iter().map(|a| a * a).sum();
                    pi.ln() + dot - 0.5 * nn
                })
                .collect();
            let mx = e.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let s: f64 = e.iter().map(|x| (x - mx).exp()).sum();
            weight = (-(mx + s.ln())).exp();
        }
        debug_assert_eq!(scr.z.len(), d);
        let scale = match self.nu {
            None => 1.0,
            Some(nu) => {
                let mut w = self.s_factor.draws(path, 1);
                let chi2: f64 = (0..nu).map(|_| w.next_normal().powi(2)).sum();
                (chi2 / nu as f64).sqrt()
            }
        };
        let Scratch {
            z,
            cf,
            y,
            yn,
            stamp,
            pu,
            pe,
        } = scr;
        self.cell_values(z, cf, y);
        for (k, c) in self.cells.iter().enumerate() {
            yn[k] = if c.sd > 0.0 { y[k] / c.sd } else { 0.0 };
        }
        let (lp, li) = (
            self.pol_loading,
            (1.0 - self.pol_loading * self.pol_loading).sqrt(),
        );
        // Conditional event probabilities given the political factor:
        // lp·P + li·η < threshold  ⇔  u < Φ((threshold − lp·P)/li) with η = Φ⁻¹(u).
        for (k, ev) in self.events.iter().enumerate() {
            pe[k] = normal_cdf((ev.threshold - lp * pfac) / li);
        }
        let mut theta = 0.0;
        let mut twists: Vec<(f64, f64)> = Vec::new();
        if !self.twist.is_empty() {
            let mut ps: Vec<(f64, f64)> = Vec::with_capacity(self.units.len() + self.events.len());
            for band in &self.bands {
                let cell = &self.cells[band.cell as usize];
                let yc = y[band.cell as usize];
                // Obligors are sorted by threshold: evaluate Φ once per distinct threshold.
                let mut last = (f64::NAN, 0.0);
                for ui in band.start..band.end {
                    let u = &self.units[ui as usize];
                    if u.c != last.0 {
                        last = (
                            u.c,
                            normal_cdf((scale * u.c - yc) / cell.b).min(1.0 - 1e-16),
                        );
                    }
                    pu[ui as usize] = last.1;
                    ps.push((last.1, u.w));
                }
            }
            for (k, ev) in self.events.iter().enumerate() {
                ps.push((pe[k].min(1.0 - 1e-16), ev.w));
            }
            let k = ((self.s_mix.uniform(path, 1, 0) * self.twist.len() as f64) as usize)
                .min(self.twist.len() - 1);
            if with_weight {
                twists = solve_twists(&ps, &self.twist);
                theta = twists[k].0;
            } else {
                // Each target's θ is solved independently of the others: the
                // same θ as in the full solve.
                theta = solve_twists_opt(&ps, &self.twist[k..=k], false)[0].0;
            }
        }
        let mut surrogate = 0.0;
        let tag = path + 1;
        let mut book = 0.0;
        let mut pipe = 0.0;
        let mut claim = |i: u32, stamp: &mut [u64], book: &mut f64, pipe: &mut f64, yn: &[f64]| {
            let slot = &mut stamp[i as usize];
            if *slot == tag {
                return;
            }
            *slot = tag;
            let p = &self.pols[i as usize];
            let loss = p.exposure * self.lgd(i, path, yn[p.cell as usize]);
            if p.pipeline {
                *pipe += loss;
            } else {
                *book += loss;
            }
            sink(i, loss);
        };
        for (bi, band) in self.bands.iter().enumerate() {
            let cell = &self.cells[band.cell as usize];
            let yc = y[band.cell as usize];
            let h = (scale * band.c_top - yc) / cell.b;
            let n = (band.end - band.start) as f64;
            // The first candidate gap uses the pair k = 0. The band has no
            // candidate iff u_g ≤ (1 − p_top)^n, and (1 − p)^n ≥ 1 − n·p for any
            // p ≥ p_top; so a cheap upper bound of p_top (Mills' ratio
            // Φ(h) < φ(h)/|h| for h < 0) rejects most bands without evaluating
            // Φ or ln(1 − p). The margin 1e-12 keeps the decision identical to
            // the full computation below despite rounding.
            let [ug0, ua0] = self.s_idio.uniform_pair(path, bi as u32, 0);
            if h < -1.0 {
                let ub = twisted(crate::special::normal_pdf(h) / -h, band.w_max, theta);
                if ug0 <= (1.0 - n * ub) * (1.0 - 1e-12) {
                    continue;
                }
            }
            let p0 = normal_cdf(h);
            // Under twisting the bound is the twist of the band's largest PD at its largest weight.
            let pt = twisted(p0, band.w_max, theta);
            if pt <= 0.0 || ug0 <= (1.0 - n * pt) * (1.0 - 1e-12) {
                continue;
            }
            let l1p = (-pt).ln_1p();
            let mut pos = -1.0f64;
            let mut k = 0u32;
            loop {
                let [ug, ua] = if k == 0 {
                    [ug0, ua0]
                } else {
                    self.s_idio.uniform_pair(path, bi as u32, k)
                };
                k += 1;
                let gap = if pt >= 1.0 {
                    0.0
                } else {
                    (ug.ln() / l1p).floor()
                };
                pos += gap + 1.0;
                if pos >= n {
                    break;
                }
                let ui = band.start + pos as u32;
                let unit = &self.units[ui as usize];
                let accept = if theta > 0.0 {
                    ua * pt < twisted(pu[ui as usize], unit.w, theta)
                } else {
                    unit.c == band.c_top || ua * pt < normal_cdf((scale * unit.c - yc) / cell.b)
                };
                if accept {
                    surrogate += unit.w;
                    for &pi in &self.unit_pol[unit.pol_start as usize..unit.pol_end as usize] {
                        claim(pi, stamp, &mut book, &mut pipe, yn);
                    }
                }
            }
        }
        for (ei, ev) in self.events.iter().enumerate() {
            let u = self.s_pol.uniform(path, ei as u32, 0);
            if u < twisted(pe[ei], ev.w, theta) {
                surrogate += ev.w;
                for &pi in &ev.pols {
                    claim(pi, stamp, &mut book, &mut pipe, yn);
                }
            }
        }
        if !with_weight {
            weight = f64::NAN;
        } else if !twists.is_empty() {
            // Likelihood ratio of the mixture of twisted Bernoulli measures:
            // 1 / Σ_k π_k exp(θ_k S − ψ_k(θ_k)), by log-sum-exp.
            let pi = 1.0 / twists.len() as f64;
            let e: Vec<f64> = twists
                .iter()
                .map(|(t, p)| pi.ln() + t * surrogate - p)
                .collect();
            let mx = e.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let sum: f64 = e.iter().map(|v| (v - mx).exp()).sum();
            weight *= (-(mx + sum.ln())).exp();
        }
        PathOut { book, pipe, weight }
    }

    /// E[loss | z] from commercial defaults only, for the Gaussian part
    /// (scale 1): Σ_units Σ_pol E·LGD·Φ((c − y)/b). Used to tune the IS shift.
    pub fn conditional_mean(
        &self,
        classes: &[Class],
        z: &[f64],
        cf: &mut [f64],
        y: &mut [f64],
    ) -> f64 {
        self.cell_values(z, cf, y);
        classes
            .iter()
            .map(|k| {
                k.w * crate::special::cond_pd(
                    k.c,
                    y[k.cell as usize],
                    self.cells[k.cell as usize].b,
                )
            })
            .sum()
    }

    /// Gradient of [`Sim::conditional_mean`] with respect to z.
    pub fn conditional_mean_grad(
        &self,
        classes: &[Class],
        z: &[f64],
        cf: &mut [f64],
        y: &mut [f64],
        g: &mut [f64],
    ) {
        self.cell_values(z, cf, y);
        let mut dy = vec![0.0; self.cells.len()];
        for k in classes {
            let cell = &self.cells[k.cell as usize];
            let h = (k.c - y[k.cell as usize]) / cell.b;
            dy[k.cell as usize] -= k.w * crate::special::normal_pdf(h) / cell.b;
        }
        g.iter_mut().for_each(|v| *v = 0.0);
        let nc = self.nc;
        for (ci, cell) in self.cells.iter().enumerate() {
            let d = dy[ci];
            g[0] += d * cell.bg;
            for j in 0..=cell.country {
                g[1 + j] += d * cell.bc * self.chol[cell.country * nc + j];
            }
            g[1 + nc + cell.sector] += d * cell.bs;
        }
    }

    /// Obligors aggregated by (cell, threshold) with their commercial exposure × LGD.
    pub fn classes(&self) -> Vec<Class> {
        let mut out: Vec<Class> = Vec::new();
        for band in &self.bands {
            for u in &self.units[band.start as usize..band.end as usize] {
                let w: f64 = self.unit_pol[u.pol_start as usize..u.pol_end as usize]
                    .iter()
                    .map(|&i| self.pols[i as usize].exposure * self.pols[i as usize].lgd)
                    .sum();
                match out.last_mut() {
                    Some(k) if k.cell == band.cell && k.c == u.c => k.w += w,
                    _ => out.push(Class {
                        cell: band.cell,
                        c: u.c,
                        w,
                    }),
                }
            }
        }
        out
    }
}

/// Obligors of one cell with one threshold, aggregated.
#[derive(Clone, Debug)]
pub struct Class {
    /// Cell.
    pub cell: u32,
    /// Threshold.
    pub c: f64,
    /// Σ exposure × mean LGD of the commercial-covered policies.
    pub w: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-entry solver as it was before the shared-logit change
    /// (reference for bit-identity).
    fn reference(ps: &[(f64, f64)], x: f64) -> (f64, f64) {
        let mut mean = 0.0;
        let mut var = 0.0;
        let mut wmax = 0.0f64;
        for &(p, w) in ps {
            mean += p * w;
            var += w * w * p * (1.0 - p);
            wmax = wmax.max(w);
        }
        if mean >= x || wmax <= 0.0 {
            return (0.0, 0.0);
        }
        let lg: Vec<f64> = ps
            .iter()
            .map(|&(p, _)| {
                if p <= 0.0 {
                    f64::NEG_INFINITY
                } else {
                    (p / (1.0 - p)).ln()
                }
            })
            .collect();
        let f = |th: f64| -> (f64, f64) {
            let mut m = 0.0;
            let mut d = 0.0;
            for (&(_, w), &l) in ps.iter().zip(&lg) {
                let q = 1.0 / (1.0 + (-(l + th * w)).exp());
                m += w * q;
                d += w * w * q * (1.0 - q);
            }
            (m - x, d)
        };
        let (mut lo, mut hi) = (0.0, 50.0 / wmax);
        let mut th = if var > 0.0 {
            ((x - mean) / var).min(hi)
        } else {
            0.5 * hi
        };
        for _ in 0..8 {
            let (v, d) = f(th);
            if v.abs() <= 1e-3 * x {
                break;
            }
            if v < 0.0 {
                lo = th;
            } else {
                hi = th;
            }
            let nt = if d > 0.0 { th - v / d } else { f64::NAN };
            th = if nt > lo && nt < hi {
                nt
            } else {
                0.5 * (lo + hi)
            };
        }
        let psi = ps
            .iter()
            .zip(&lg)
            .map(|(&(p, w), &l)| {
                if p <= 0.0 {
                    0.0
                } else {
                    (-p).ln_1p() + softplus(l + th * w)
                }
            })
            .sum();
        (th, psi)
    }

    #[test]
    fn shared_logits_give_the_same_twists_bit_for_bit() {
        // Runs of equal p (as produced band by band), a zero p, varied weights.
        let mut ps = Vec::new();
        for k in 0..400u32 {
            let p = match k % 37 {
                0 => 0.0,
                r if r < 12 => 0.003,
                r if r < 25 => 0.02 + 1e-4 * (k / 37) as f64,
                _ => 0.11,
            };
            let w = 1.0 + ((k * 7919) % 101) as f64;
            ps.push((p, w));
        }
        let mean: f64 = ps.iter().map(|(p, w)| p * w).sum();
        let xs = [0.0, 0.5 * mean, 2.0 * mean, 5.0 * mean, 20.0 * mean];
        let all = solve_twists(&ps, &xs);
        for (&x, &(th, psi)) in xs.iter().zip(&all) {
            let (rt, rp) = reference(&ps, x);
            assert_eq!(th.to_bits(), rt.to_bits(), "theta at x = {x}");
            assert_eq!(psi.to_bits(), rp.to_bits(), "psi at x = {x}");
            let (t1, p1) = solve_twist(&ps, x);
            assert_eq!((t1.to_bits(), p1.to_bits()), (rt.to_bits(), rp.to_bits()));
            let (t2, p2) = solve_twists_opt(&ps, &[x], false)[0];
            assert_eq!(t2.to_bits(), rt.to_bits());
            assert!(p2.is_nan() || (rt == 0.0 && p2 == 0.0));
        }
        assert!(all[3].0 > 0.0, "the test must exercise a positive twist");
    }
}

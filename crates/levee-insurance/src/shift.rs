//! Choosing the importance-sampling factor shift (Glasserman & Li 2005, step 2;
//! mixture after Glasserman, Kang & Shahabuddin 2008).
//!
//! Target loss x: a first guess x₀ is the α*-quantile (α* = the highest
//! configured level) of the conditional expected loss m(z) (commercial
//! defaults and country events) over a pilot of factor draws; the caller then refines x with a short IS pilot run
//! (see `InsuranceModel::compile_tuned`).
//!
//! Shift: μ maximises F_x(z) − ½|z|², where F_x(z) = −θ_x(z) x + ψ(θ_x(z), z) is
//! the log of the Chernoff bound on P(L > x | z) over the obligors' defaults
//! and the country events; z includes the common political factor P, so the
//! shift can raise every event's probability at once where events drive the
//! tail. The objective treats the events as twisted whatever `twist_events`
//! says: it only chooses μ, and any μ gives an unbiased estimator. At the
//! optimum z = ∇F_x(z) (by the
//! envelope theorem ∇F_x = ∂ψ/∂z at fixed θ), solved by damped fixed-point
//! iteration from several starts (origin, global factor, the largest countries
//! and sectors, and the political factor when the book has events). Distinct
//! optima form the mixture: half of its weight ∝ e^{F_x(μ) − |μ|²/2} (the
//! approximate tail mass each explains) and half shared equally, so that no
//! way to the tail is sampled too rarely; optima below 10⁻³ of the best
//! score are dropped.
//! When the book has country events, the optimisation is also run without
//! them (credit-only F_x), so that a factor-driven mode is kept next to an
//! event-driven one.
//! Any shift gives an unbiased estimator; the choice only affects variance.

use levee_rng::Stream;

use crate::sim::{Shift, Sim};

/// The tuned shift and the target loss it was tuned for.
#[derive(Clone, Debug)]
pub struct Tuned {
    /// The mixture.
    pub shift: Shift,
    /// Target loss x.
    pub target: f64,
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// The first guess x₀ of the target loss: the `alpha`-quantile of the
/// conditional expected loss ([`Sim::conditional_mean`]) over `pilot` factor draws.
pub fn initial_target(sim: &Sim, alpha: f64, seed: u64, pilot: u64) -> f64 {
    let d = sim.dim();
    let classes = sim.classes();
    let mut cf = vec![0.0; sim.nc];
    let mut y = vec![0.0; sim.cells.len()];
    let stream = Stream::new(seed, "insurance/is-pilot");
    let mut z = vec![0.0; d];
    let mut ms: Vec<f64> = (0..pilot)
        .map(|p| {
            let mut dr = stream.draws(p, 0);
            for v in z.iter_mut() {
                *v = dr.next_normal();
            }
            sim.conditional_mean(&classes, &z, &mut cf, &mut y)
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    levee_stats::quantile_sorted(&ms, alpha)
}

/// F_x(z) = −θx + ψ(θ, z) and its gradient in `grad`.
pub fn objective(sim: &Sim, z: &[f64], x: f64, events: bool, grad: &mut [f64]) -> f64 {
    let e = evaluate(sim, z, x, events);
    e.gradient(sim, grad);
    e.f
}

/// F_x at one z, with what its gradient needs. Why split: the Armijo search
/// rejects many trial points, whose gradients are never used; the gradient
/// is computed from the same numbers only for accepted points.
struct Eval {
    f: f64,
    theta: f64,
    /// The political factor of the evaluated point.
    pfac: f64,
    /// Σ w·dp/dy per cell of the untwisted obligors.
    rest_dy: Vec<f64>,
    ps: Vec<(f64, f64)>,
    meta: Vec<(u32, f64)>,
}

fn evaluate(sim: &Sim, z: &[f64], x: f64, events: bool) -> Eval {
    let mut cf = vec![0.0; sim.nc];
    let mut y = vec![0.0; sim.cells.len()];
    sim.cell_values(z, &mut cf, &mut y);
    let mut ps: Vec<(f64, f64)> = Vec::with_capacity(sim.units.len() + sim.events.len());
    let mut meta: Vec<(u32, f64)> = Vec::with_capacity(sim.units.len());
    // As in sampling (`Sim::set_twist`), only obligors of weight ≥ cut are
    // twisted; the others enter at their conditional mean, F_x ≈ −θ(x − m_rest)
    // + ψ_twisted(θ), with ∂m_rest/∂y per cell for the gradient.
    let cut = sim.twist_cut_for(x);
    let mut base = 0.0;
    let mut rest_dy = vec![0.0; sim.cells.len()];
    for band in &sim.bands {
        let cell = &sim.cells[band.cell as usize];
        let yc = y[band.cell as usize];
        // Obligors of a band are sorted by threshold and share the cell's y and
        // b, so Φ(h) and φ(h) are evaluated once per distinct threshold (the
        // values are the same numbers as per-obligor evaluation).
        let mut last = (f64::NAN, 0.0, 0.0);
        for u in &sim.units[band.start as usize..band.end as usize] {
            if u.c != last.0 {
                let h = (u.c - yc) / cell.b;
                // dp/dy = −φ(h)/b
                last = (
                    u.c,
                    levee_rng::normal_cdf(h).min(1.0 - 1e-16),
                    -crate::special::normal_pdf(h) / cell.b,
                );
            }
            if u.w >= cut {
                ps.push((last.1, u.w));
                meta.push((band.cell, last.2));
            } else {
                base += last.1 * u.w;
                rest_dy[band.cell as usize] += u.w * last.2;
            }
        }
    }
    // The political factor P: the last coordinate of z.
    let pfac = z[sim.dim() - 1];
    if events {
        // Events given P.
        for ev in &sim.events {
            let h = sim.event_h(ev, pfac);
            ps.push((levee_rng::normal_cdf(h).min(1.0 - 1e-16), ev.w));
        }
    }
    let (theta, psi) = crate::sim::solve_twist(&ps, x - base);
    let f = -theta * (x - base) + psi;
    Eval {
        f,
        theta,
        rest_dy,
        pfac,
        ps,
        meta,
    }
}

impl Eval {
    /// ∇F_x at the evaluated point (envelope theorem: ∂ψ/∂z at fixed θ).
    fn gradient(&self, sim: &Sim, grad: &mut [f64]) {
        let (theta, ps, meta) = (self.theta, &self.ps, &self.meta);
        let mut dy = vec![0.0; sim.cells.len()];
        // ∂ψ/∂p = (e^{a} − 1)/(1 + p(e^{a} − 1)) = (1 − e^{−a})/(e^{−a} + p(1 − e^{−a})), a = θw.
        let dpsi = |p: f64, w: f64| {
            let em = (-theta * w).exp();
            (1.0 - em) / (em + p * (1.0 - em))
        };
        if theta > 0.0 {
            for (k, &(cell, dpdy)) in meta.iter().enumerate() {
                let (p, w) = ps[k];
                dy[cell as usize] += dpsi(p, w) * dpdy;
            }
            for (d, r) in dy.iter_mut().zip(&self.rest_dy) {
                *d += theta * r;
            }
        }
        grad.iter_mut().for_each(|g| *g = 0.0);
        // Events: dp_e/dP = φ(h_e)·dh_e/dP = −φ(h_e)·lp/li.
        if theta > 0.0 && ps.len() > meta.len() {
            let dh_dp = -sim.pol_loading * sim.pol_scale;
            let mut gp = 0.0;
            for (ev, &(p, w)) in sim.events.iter().zip(&ps[meta.len()..]) {
                let h = sim.event_h(ev, self.pfac);
                gp += dpsi(p, w) * crate::special::normal_pdf(h) * dh_dp;
            }
            grad[sim.dim() - 1] = gp;
        }
        let nc = sim.nc;
        for (ci, cell) in sim.cells.iter().enumerate() {
            let d = dy[ci];
            grad[0] += d * cell.bg;
            for j in 0..=cell.country {
                grad[1 + j] += d * cell.bc * sim.chol[cell.country * nc + j];
            }
            grad[1 + nc + cell.sector] += d * cell.bs;
        }
    }
}

/// The Glasserman–Li shift mixture for target loss `x` (single thread).
pub fn tune_shift(sim: &Sim, x: f64) -> Shift {
    tune_shift_threads(sim, x, 1)
}

/// Gradient ascent on G(z) = F_x(z) − |z|²/2 with backtracking (Armijo) from
/// `z`; returns the optimum and G there.
fn ascend(sim: &Sim, mut z: Vec<f64>, x: f64, ev: bool) -> (Vec<f64>, f64) {
    let d = sim.dim();
    let mut g = vec![0.0; d];
    let mut f = objective(sim, &z, x, ev, &mut g) - 0.5 * norm(&z).powi(2);
    let mut step = 1.0;
    for _ in 0..300 {
        let dir: Vec<f64> = g.iter().zip(&z).map(|(gi, zi)| gi - zi).collect();
        let gn2: f64 = dir.iter().map(|v| v * v).sum();
        if gn2.sqrt() < 1e-8 {
            break;
        }
        let mut g2 = vec![0.0; d];
        let mut accepted = false;
        for _ in 0..40 {
            let cand: Vec<f64> = z.iter().zip(&dir).map(|(zi, di)| zi + step * di).collect();
            let e = evaluate(sim, &cand, x, ev);
            let fc = e.f - 0.5 * norm(&cand).powi(2);
            if fc >= f + 1e-4 * step * gn2 {
                e.gradient(sim, &mut g2);
                z = cand;
                f = fc;
                g.copy_from_slice(&g2);
                accepted = true;
                step = (step * 2.0).min(1e3);
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            break;
        }
    }
    let f = f + 0.5 * norm(&z).powi(2);
    let score = f - 0.5 * norm(&z).powi(2);
    (z, score)
}

/// The independent ascents of [`tune_shift_threads`], one per engine "path"
/// (chunk size 1), so they run in parallel and come back in start order.
struct Ascents<'a> {
    sim: &'a Sim,
    x: f64,
    runs: &'a [(Vec<f64>, bool)],
}

impl levee_engine::Simulation for Ascents<'_> {
    type Chunk = Vec<(Vec<f64>, f64)>;
    fn simulate(&self, paths: std::ops::Range<u64>) -> Self::Chunk {
        self.runs[paths.start as usize..paths.end as usize]
            .iter()
            .map(|(z, ev)| ascend(self.sim, z.clone(), self.x, *ev))
            .collect()
    }
}

/// Relative score exp(s − s_max) below which an optimum is not kept as a
/// mixture component.
const MODE_MIN: f64 = 1e-3;

/// [`tune_shift`] with the ascents from the different starts run on
/// `threads` worker threads (0: one per core). Each ascent is deterministic
/// and the optima are merged in start order, so the result does not depend
/// on `threads`.
pub fn tune_shift_threads(sim: &Sim, x: f64, threads: usize) -> Shift {
    let d = sim.dim();
    if sim.units.is_empty() || x.is_nan() || x <= 0.0 {
        return Shift::default();
    }
    let mut starts: Vec<Vec<f64>> = vec![vec![0.0; d]];
    let mut e0 = vec![0.0; d];
    e0[0] = -2.0;
    starts.push(e0);
    let classes = sim.classes();
    let mut wc = vec![0.0; sim.nc];
    let mut ws = vec![0.0; sim.ns];
    for k in &classes {
        let c = &sim.cells[k.cell as usize];
        wc[c.country] += k.w;
        ws[c.sector] += k.w;
    }
    let top = |w: &[f64], n: usize| {
        let mut idx: Vec<usize> = (0..w.len()).collect();
        idx.sort_by(|&a, &b| w[b].total_cmp(&w[a]).then(a.cmp(&b)));
        idx.truncate(n);
        idx
    };
    for c in top(&wc, 3) {
        let mut v = vec![0.0; d];
        for j in 0..=c {
            v[1 + j] = -2.0 * sim.chol[c * sim.nc + j];
        }
        starts.push(v);
    }
    for s in top(&ws, 3) {
        let mut v = vec![0.0; d];
        v[1 + sim.nc + s] = -2.0;
        starts.push(v);
    }
    if !sim.events.is_empty() {
        // Political factor (low P raises every event's probability).
        let mut v = vec![0.0; d];
        v[d - 1] = -2.0;
        starts.push(v);
    }
    let mut runs: Vec<(Vec<f64>, bool)> = starts.iter().map(|z| (z.clone(), true)).collect();
    if !sim.events.is_empty() {
        // Credit-only optima: the tail may be reached either through a country
        // event (little factor shift) or through the factors (large shift);
        // the mixture keeps both.
        runs.extend(starts.into_iter().map(|z| (z, false)));
    }
    let plan = levee_engine::RunPlan {
        paths: runs.len() as u64,
        chunk_size: 1,
        threads,
    };
    let optima: Vec<(Vec<f64>, f64)> = match levee_engine::run(
        &Ascents {
            sim,
            x,
            runs: &runs,
        },
        &plan,
        &levee_engine::Control::default(),
    ) {
        Ok(chunks) => chunks.into_iter().flatten().collect(),
        // The pool could not be started: run the ascents on this thread.
        Err(_) => runs
            .iter()
            .map(|(z, ev)| ascend(sim, z.clone(), x, *ev))
            .collect(),
    };
    let mut found: Vec<(Vec<f64>, f64)> = Vec::new();
    for (z, score) in optima {
        if !found.iter().any(|(m, _)| {
            m.iter()
                .zip(&z)
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f64>()
                .sqrt()
                < 0.25 * norm(m).max(0.2)
        }) {
            found.push((z, score));
        }
    }
    let mx = found.iter().map(|c| c.1).fold(f64::NEG_INFINITY, f64::max);
    let mut comps: Vec<(Vec<f64>, f64)> = found
        .into_iter()
        .map(|(m, s)| (m, (s - mx).exp()))
        .collect();
    comps.retain(|(_, p)| *p >= MODE_MIN);
    // Half of the mixture by the modes' scores, half shared equally: a tail
    // reached in two ways (country events, or the credit factors) keeps both
    // ways sampled even when one mode's score is far below the other's;
    // a mode sampled too rarely would carry large likelihood ratios.
    let tot: f64 = comps.iter().map(|c| c.1).sum();
    let k = comps.len() as f64;
    for c in comps.iter_mut() {
        c.1 = 0.5 * c.1 / tot + 0.5 / k;
    }
    // A single component at the origin is no shift at all.
    if comps.len() == 1 && norm(&comps[0].0) < 1e-9 {
        return Shift::default();
    }
    Shift { comps }
}

//! The Monte Carlo simulation: every regime on the same paths and draws.

use std::ops::Range;

use levee_engine::Simulation;
use levee_rng::{Stream, normal_inv_cdf};
use levee_stats::Histogram;

use crate::program::FactorCache;
use crate::{Acc, FundingModel, ProjectPath, RatioAcc, YearDraws, lognormal};

/// Money is accumulated to the nearest yen (reporting-currency unit).
pub(crate) const MONEY: f64 = 1.0;
/// Months are accumulated to the nearest micro-month.
pub(crate) const MONTHS: f64 = 1e6;
/// Ratios (coefficients of variation) to the nearest 1e-9.
pub(crate) const RATIO: f64 = 1e9;

/// One path's outcome in one regime.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegimePath {
    /// Appropriation of each program by grid year (yen): `[program][year]`.
    pub appropriations: Vec<Vec<f64>>,
    /// Payments of each program by grid year (yen): `[program][year]`.
    pub outlays: Vec<Vec<f64>>,
    /// Total appropriation of the regime by grid year (yen).
    pub total_by_year: Vec<f64>,
    /// Each project's outcome.
    pub projects: Vec<ProjectPath>,
}

/// One path's outcome in every regime.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PathResult {
    /// By regime, in the order of the section.
    pub regimes: Vec<RegimePath>,
    /// The path's cost factor of each project (shared by all regimes).
    pub cost_factors: Vec<f64>,
}

pub(crate) struct FundingSim<'a> {
    pub(crate) model: &'a FundingModel,
    program_streams: Vec<Stream>,
    cost_streams: Vec<Stream>,
    max_programs: usize,
    /// Private commitment multiplier by regime, project and grid year.
    multipliers: Vec<Vec<Vec<f64>>>,
    /// Philox blocks read by program position `q` in grid year `t` in any
    /// regime: `[q * years + t]`.
    blocks: Vec<[bool; 3]>,
    /// `[regime][program]`: an earlier regime whose program at the same
    /// position is the same line (so it has the same appropriations and
    /// payments on every path, being driven by the same draws).
    program_src: Vec<Vec<Option<usize>>>,
    /// Each project's plan over the grid.
    plans: Vec<crate::project::Plan>,
    /// `[regime][project]`: an earlier regime in which the project is funded
    /// by the same lines (same positions, same allocations) at the same
    /// private commitment multipliers, so that its outcome is the same on
    /// every path. Its accumulators are then copies, made once per chunk.
    project_src: Vec<Vec<Option<usize>>>,
    /// Lognormal `σ`s by regime and program.
    sigmas: Vec<Vec<crate::Sigmas>>,
}

/// Accumulators of one project in one regime.
#[derive(Clone, Debug)]
pub(crate) struct ProjectAcc {
    pub on_time: Vec<u64>,
    pub reached: Vec<u64>,
    pub completed: u64,
    pub cancelled: u64,
    pub completion_hist: Histogram,
    pub delay_hist: Histogram,
    pub delay_completed: Acc,
    pub delay: Acc,
    pub carrying: Acc,
    pub overrun: Acc,
    pub public_used: Acc,
    pub public_disbursed: Acc,
    pub private: Acc,
    pub lapsed: Acc,
    pub unspent: Acc,
    pub market_loss: Acc,
    pub leverage: RatioAcc,
}

/// Accumulators of one program in one regime.
#[derive(Clone, Debug)]
pub(crate) struct ProgramAcc {
    /// Sums by year (only means are reported).
    pub appropriated: Vec<i128>,
    pub disbursed: Vec<i128>,
    pub undisbursed: Acc,
    pub total: Acc,
    pub realized_cv: Acc,
}

/// Paired differences (regime − baseline) for one project.
#[derive(Clone, Debug)]
pub(crate) struct PairAcc {
    pub on_time: Vec<Acc>,
    pub completed: Acc,
    pub cancelled: Acc,
    pub delay: Acc,
    pub public_used: Acc,
    pub private: Acc,
    pub overrun: Acc,
    pub market_loss: Acc,
}

/// A chunk's (or the run's) accumulated results.
#[derive(Clone, Debug)]
pub(crate) struct ChunkAcc {
    pub n: u64,
    /// `[regime][project]`.
    pub projects: Vec<Vec<ProjectAcc>>,
    /// `[regime][program]`.
    pub programs: Vec<Vec<ProgramAcc>>,
    /// `[regime][project]`; empty for the baseline regime.
    pub pairs: Vec<Vec<PairAcc>>,
    /// `[regime]`: paired difference of total appropriation (yen).
    pub total_diff: Vec<Acc>,
    /// `[regime]`: realized CV of the regime's yearly total appropriation.
    pub regime_cv: Vec<Acc>,
    /// Per-path columns for the baseline regime: per project delay then private.
    pub columns: Vec<Vec<f64>>,
}

fn merge_vec(a: &mut [Acc], b: &[Acc]) {
    for (x, y) in a.iter_mut().zip(b) {
        x.merge(y);
    }
}

impl ChunkAcc {
    pub(crate) fn merge(&mut self, o: &ChunkAcc) {
        self.n += o.n;
        for (ra, rb) in self.projects.iter_mut().zip(&o.projects) {
            for (a, b) in ra.iter_mut().zip(rb) {
                for (x, y) in a.on_time.iter_mut().zip(&b.on_time) {
                    *x += y;
                }
                for (x, y) in a.reached.iter_mut().zip(&b.reached) {
                    *x += y;
                }
                a.completed += b.completed;
                a.cancelled += b.cancelled;
                a.completion_hist.merge(&b.completion_hist);
                a.delay_hist.merge(&b.delay_hist);
                for (x, y) in [
                    (&mut a.delay_completed, &b.delay_completed),
                    (&mut a.delay, &b.delay),
                    (&mut a.carrying, &b.carrying),
                    (&mut a.overrun, &b.overrun),
                    (&mut a.public_used, &b.public_used),
                    (&mut a.public_disbursed, &b.public_disbursed),
                    (&mut a.private, &b.private),
                    (&mut a.lapsed, &b.lapsed),
                    (&mut a.unspent, &b.unspent),
                    (&mut a.market_loss, &b.market_loss),
                ] {
                    x.merge(y);
                }
                a.leverage.merge(&b.leverage);
            }
        }
        for (ra, rb) in self.programs.iter_mut().zip(&o.programs) {
            for (a, b) in ra.iter_mut().zip(rb) {
                for (x, y) in a.appropriated.iter_mut().zip(&b.appropriated) {
                    *x = x.saturating_add(*y);
                }
                for (x, y) in a.disbursed.iter_mut().zip(&b.disbursed) {
                    *x = x.saturating_add(*y);
                }
                a.undisbursed.merge(&b.undisbursed);
                a.total.merge(&b.total);
                a.realized_cv.merge(&b.realized_cv);
            }
        }
        for (ra, rb) in self.pairs.iter_mut().zip(&o.pairs) {
            for (a, b) in ra.iter_mut().zip(rb) {
                merge_vec(&mut a.on_time, &b.on_time);
                for (x, y) in [
                    (&mut a.completed, &b.completed),
                    (&mut a.cancelled, &b.cancelled),
                    (&mut a.delay, &b.delay),
                    (&mut a.public_used, &b.public_used),
                    (&mut a.private, &b.private),
                    (&mut a.overrun, &b.overrun),
                    (&mut a.market_loss, &b.market_loss),
                ] {
                    x.merge(y);
                }
            }
        }
        merge_vec(&mut self.total_diff, &o.total_diff);
        merge_vec(&mut self.regime_cv, &o.regime_cv);
        for (a, b) in self.columns.iter_mut().zip(&o.columns) {
            a.extend_from_slice(b);
        }
    }
}

/// A project outcome's quantised values.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Quantised {
    delay: i64,
    public_used: i64,
    private: i64,
    overrun: i64,
    market_loss: i64,
    carrying: i64,
    public_disbursed: i64,
    lapsed: i64,
    unspent: i64,
}

impl Quantised {
    #[inline]
    fn of(o: &ProjectPath) -> Self {
        Quantised {
            delay: crate::accum::quantise64(o.delay_months, MONTHS),
            public_used: crate::accum::quantise64(o.public_used, MONEY),
            private: crate::accum::quantise64(o.private, MONEY),
            overrun: crate::accum::quantise64(o.cost_overrun, MONEY),
            market_loss: crate::accum::quantise64(o.market_loss, MONEY),
            carrying: crate::accum::quantise64(o.carrying_cost, MONEY),
            public_disbursed: crate::accum::quantise64(o.public_disbursed, MONEY),
            lapsed: crate::accum::quantise64(o.public_lapsed, MONEY),
            unspent: crate::accum::quantise64(o.public_unspent, MONEY),
        }
    }
}

/// Coefficient of variation of a path's yearly amounts (population s.d. over
/// the mean; 0 when the mean is 0).
pub(crate) fn realized_cv(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    if mean <= 0.0 || x.is_empty() {
        return 0.0;
    }
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    var.sqrt() / mean
}

impl<'a> FundingSim<'a> {
    pub(crate) fn new(model: &'a FundingModel, seed: u64) -> Self {
        let max_programs = model
            .regimes
            .iter()
            .map(|g| g.programs.len())
            .max()
            .unwrap_or(0);
        let years = model.grid.years;
        let ps = Stream::new(seed, "funding/program");
        let cs = Stream::new(seed, "funding/project-cost");
        let program_src: Vec<Vec<Option<usize>>> = model
            .regimes
            .iter()
            .enumerate()
            .map(|(r, g)| {
                g.programs
                    .iter()
                    .enumerate()
                    .map(|(q, p)| {
                        (0..r).find(|&r0| {
                            model.regimes[r0]
                                .programs
                                .get(q)
                                .is_some_and(|p0| same_line(p0, p))
                        })
                    })
                    .collect()
            })
            .collect();
        let multiplier_bits = |r: usize, i: usize| -> Vec<u64> {
            model.support[r][i]
                .iter()
                .map(|s| s.multiplier.to_bits())
                .collect()
        };
        // Same funding of project `i` in regimes `r0` and `r`: the lines that
        // allocate to it sit at the same positions and are the same lines.
        let same_funding = |r0: usize, r: usize, i: usize| {
            let (g0, g) = (&model.regimes[r0], &model.regimes[r]);
            let alloc = |p: Option<&crate::Program>| {
                p.and_then(|p| p.allocation.get(i).copied()).unwrap_or(0.0) > 0.0
            };
            (0..g0.programs.len().max(g.programs.len())).all(|q| {
                let (p0, p) = (g0.programs.get(q), g.programs.get(q));
                match (alloc(p0), alloc(p)) {
                    (false, false) => true,
                    (true, true) => p0.zip(p).is_some_and(|(a, b)| same_line(a, b)),
                    _ => false,
                }
            }) && multiplier_bits(r0, i) == multiplier_bits(r, i)
        };
        let project_src = (0..model.regimes.len())
            .map(|r| {
                (0..model.projects.len())
                    .map(|i| (0..r).find(|&r0| same_funding(r0, r, i)))
                    .collect()
            })
            .collect();
        FundingSim {
            model,
            project_src,
            program_streams: (0..max_programs as u64).map(|q| ps.sub(q)).collect(),
            cost_streams: (0..model.projects.len() as u64)
                .map(|i| cs.sub(i))
                .collect(),
            max_programs,
            blocks: (0..max_programs)
                .flat_map(|q| (0..years).map(move |t| (q, t)))
                .map(|(q, t)| {
                    let mut b = [false; 3];
                    for g in &model.regimes {
                        if let Some(p) = g.programs.get(q) {
                            for (x, y) in b.iter_mut().zip(p.blocks_needed_in(t)) {
                                *x |= y;
                            }
                        }
                    }
                    b
                })
                .collect(),
            plans: model.projects.iter().map(|p| p.plan(years)).collect(),
            program_src,
            sigmas: model
                .regimes
                .iter()
                .map(|g| g.programs.iter().map(|p| p.sigmas()).collect())
                .collect(),
            multipliers: model
                .support
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|p| p.iter().map(|s| s.multiplier).collect())
                        .collect()
                })
                .collect(),
        }
    }

    pub(crate) fn empty_chunk(&self, capacity: usize) -> ChunkAcc {
        let m = self.model;
        let years = m.grid.years;
        let months = m.grid.months();
        let nbins = 12 * years;
        let project_acc = |i: usize| {
            let k = m.projects[i].milestones.len();
            ProjectAcc {
                on_time: vec![0; k],
                reached: vec![0; k],
                completed: 0,
                cancelled: 0,
                completion_hist: Histogram::new(0.0, months, nbins),
                delay_hist: Histogram::new(0.0, months, nbins),
                delay_completed: Acc::default(),
                delay: Acc::default(),
                carrying: Acc::default(),
                overrun: Acc::default(),
                public_used: Acc::default(),
                public_disbursed: Acc::default(),
                private: Acc::default(),
                lapsed: Acc::default(),
                unspent: Acc::default(),
                market_loss: Acc::default(),
                leverage: RatioAcc::default(),
            }
        };
        let pair_acc = |i: usize| PairAcc {
            on_time: vec![Acc::default(); m.projects[i].milestones.len()],
            completed: Acc::default(),
            cancelled: Acc::default(),
            delay: Acc::default(),
            public_used: Acc::default(),
            private: Acc::default(),
            overrun: Acc::default(),
            market_loss: Acc::default(),
        };
        ChunkAcc {
            n: 0,
            projects: m
                .regimes
                .iter()
                .map(|_| (0..m.projects.len()).map(project_acc).collect())
                .collect(),
            programs: m
                .regimes
                .iter()
                .map(|g| {
                    g.programs
                        .iter()
                        .map(|_| ProgramAcc {
                            appropriated: vec![0; years],
                            disbursed: vec![0; years],
                            undisbursed: Acc::default(),
                            total: Acc::default(),
                            realized_cv: Acc::default(),
                        })
                        .collect()
                })
                .collect(),
            pairs: (0..m.regimes.len())
                .map(|r| {
                    if r == m.baseline {
                        Vec::new()
                    } else {
                        (0..m.projects.len()).map(pair_acc).collect()
                    }
                })
                .collect(),
            total_diff: vec![Acc::default(); m.regimes.len()],
            regime_cv: vec![Acc::default(); m.regimes.len()],
            columns: (0..2 * m.projects.len())
                .map(|_| Vec::with_capacity(capacity))
                .collect(),
        }
    }

    /// Simulate path `path` in every regime into `out` (buffers reused).
    pub(crate) fn path_into(&self, path: u64, sc: &mut Scratch, out: &mut PathResult) {
        let m = self.model;
        let years = m.grid.years;
        let np = m.projects.len();
        sc.draws.clear();
        for (q, s) in self.program_streams.iter().enumerate() {
            for t in 0..years {
                let need = self.blocks[q * years + t];
                sc.draws
                    .push(YearDraws::blocks(s, path, m.grid.year(t).year, need));
            }
        }
        sc.factors.clear();
        sc.factors
            .resize(self.max_programs * years, FactorCache::default());
        out.cost_factors.clear();
        for (i, p) in m.projects.iter().enumerate() {
            let f = if p.cost_cv > 0.0 {
                lognormal(
                    1.0,
                    p.cost_cv,
                    normal_inv_cdf(self.cost_streams[i].uniform(path, 0, 0)),
                )
            } else {
                1.0
            };
            out.cost_factors.push(f);
        }
        out.regimes
            .resize_with(m.regimes.len(), RegimePath::default);
        for (r, g) in m.regimes.iter().enumerate() {
            let (done, rest) = out.regimes.split_at_mut(r);
            let rp = &mut rest[0];
            rp.appropriations.resize_with(g.programs.len(), Vec::new);
            rp.total_by_year.clear();
            rp.total_by_year.resize(years, 0.0);
            rp.outlays.resize_with(g.programs.len(), Vec::new);
            for (q, p) in g.programs.iter().enumerate() {
                let app = &mut rp.appropriations[q];
                let outl = &mut rp.outlays[q];
                if let Some(r0) = self.program_src[r][q] {
                    // The same line on the same draws: same amounts.
                    app.clone_from(&done[r0].appropriations[q]);
                    outl.clone_from(&done[r0].outlays[q]);
                    for (x, a) in rp.total_by_year.iter_mut().zip(app.iter()) {
                        *x += a;
                    }
                    continue;
                }
                let sig = &self.sigmas[r][q];
                let draws = &sc.draws[q * years..(q + 1) * years];
                let factors = &mut sc.factors[q * years..(q + 1) * years];
                app.clear();
                app.extend(
                    draws
                        .iter()
                        .zip(factors.iter_mut())
                        .enumerate()
                        .map(|(t, (d, c))| p.appropriation_cached(t, d, sig, c)),
                );
                outl.clear();
                outl.resize(years, 0.0);
                for (t, (&a, x)) in app.iter().zip(rp.total_by_year.iter_mut()).enumerate() {
                    *x += a;
                    // Adding `d · 0 = ±0` leaves a sum that starts at +0 unchanged.
                    if a != 0.0 {
                        for (o, d) in outl[t..].iter_mut().zip(&p.disbursement) {
                            *o += d * a;
                        }
                    }
                }
            }
            rp.projects.resize_with(np, ProjectPath::default);
            for (i, proj) in m.projects.iter().enumerate() {
                if let Some(r0) = self.project_src[r][i] {
                    // Funded the same way as in an earlier regime: same outcome.
                    rp.projects[i].clone_from(&done[r0].projects[i]);
                    continue;
                }
                sc.disb.clear();
                sc.disb.resize(years, 0.0);
                for (q, p) in g.programs.iter().enumerate() {
                    let a = p.allocation.get(i).copied().unwrap_or(0.0);
                    if a > 0.0 {
                        for (d, o) in sc.disb.iter_mut().zip(&rp.outlays[q]) {
                            *d += a * o;
                        }
                    }
                }
                proj.simulate_with_plan(
                    out.cost_factors[i],
                    &sc.disb,
                    &self.multipliers[r][i],
                    &self.plans[i],
                    &mut rp.projects[i],
                );
            }
        }
    }

    pub(crate) fn path(&self, path: u64) -> PathResult {
        let mut out = PathResult::default();
        self.path_into(path, &mut Scratch::default(), &mut out);
        out
    }

    fn accumulate(&self, res: &PathResult, sc: &mut Scratch, acc: &mut ChunkAcc) {
        let m = self.model;
        let np = m.projects.len();
        acc.n += 1;
        // Quantise each project outcome once (copied outcomes copy theirs).
        sc.quantised.clear();
        for (r, rp) in res.regimes.iter().enumerate().take(m.regimes.len()) {
            for (i, o) in rp.projects.iter().enumerate().take(np) {
                let q = match self.project_src[r][i] {
                    Some(r0) => sc.quantised[r0 * np + i],
                    None => Quantised::of(o),
                };
                sc.quantised.push(q);
            }
        }
        let mut totals = [0i128; crate::MAX_REGIMES];
        for (r, rp) in res.regimes.iter().enumerate().take(m.regimes.len()) {
            for (i, proj) in m.projects.iter().enumerate() {
                if self.project_src[r][i].is_some() {
                    // Same as an earlier regime on every path: copied in `finish`.
                    continue;
                }
                let o = &rp.projects[i];
                let a = &mut acc.projects[r][i];
                for (k, ms) in proj.milestones.iter().enumerate() {
                    let t = o.milestone_time[k];
                    if t.is_finite() {
                        a.reached[k] += 1;
                        if t == 0.0 || t <= ms.target_offset + 1e-9 {
                            a.on_time[k] += 1;
                        }
                    }
                }
                if let Some(c) = o.completion {
                    a.completed += 1;
                    // A completion at the exact end of a month belongs to that month.
                    a.completion_hist.add(c - 1e-9);
                    a.delay_hist.add(o.delay_months);
                    a.delay_completed
                        .add_q64(crate::accum::quantise64(o.delay_months, MONTHS));
                }
                if o.cancelled_at.is_some() {
                    a.cancelled += 1;
                }
                let q = &sc.quantised[r * np + i];
                a.delay.add_q64(q.delay);
                a.carrying.add_q64(q.carrying);
                a.overrun.add_q64(q.overrun);
                a.public_used.add_q64(q.public_used);
                a.public_disbursed.add_q64(q.public_disbursed);
                a.private.add_q64(q.private);
                a.lapsed.add_q64(q.lapsed);
                a.unspent.add_q64(q.unspent);
                a.market_loss.add_q64(q.market_loss);
                a.leverage.add_q64(q.private, q.public_used);
                if r != m.baseline && !self.same_as_baseline(r, i) {
                    let b = &res.regimes[m.baseline].projects[i];
                    let pa = &mut acc.pairs[r][i];
                    for (k, ms) in proj.milestones.iter().enumerate() {
                        let ind = |t: f64| i128::from(t == 0.0 || t <= ms.target_offset + 1e-9);
                        pa.on_time[k].add_q(ind(o.milestone_time[k]) - ind(b.milestone_time[k]));
                    }
                    pa.completed.add_q(
                        i128::from(o.completion.is_some()) - i128::from(b.completion.is_some()),
                    );
                    pa.cancelled.add_q(
                        i128::from(o.cancelled_at.is_some()) - i128::from(b.cancelled_at.is_some()),
                    );
                    let qb = &sc.quantised[m.baseline * np + i];
                    pa.delay.add_q(i128::from(q.delay) - i128::from(qb.delay));
                    pa.public_used
                        .add_q(i128::from(q.public_used) - i128::from(qb.public_used));
                    pa.private
                        .add_q(i128::from(q.private) - i128::from(qb.private));
                    pa.overrun
                        .add_q(i128::from(q.overrun) - i128::from(qb.overrun));
                    pa.market_loss
                        .add_q(i128::from(q.market_loss) - i128::from(qb.market_loss));
                }
            }
            // Quantised appropriations and payments of each line, computed
            // once per distinct line.
            let base = r * self.max_programs;
            for (q, pa) in acc.programs[r].iter_mut().enumerate() {
                if let Some(r0) = self.program_src[r][q] {
                    // The same line as in an earlier regime: the same values,
                    // and its accumulators are copied in `finish`.
                    let s = sc.lines[r0 * self.max_programs + q];
                    sc.lines[base + q] = s;
                    totals[r] += s.appropriated;
                    continue;
                }
                let app = &rp.appropriations[q];
                let (mut appq, mut paid) = (0i128, 0i128);
                for (t, (&a, &o)) in app.iter().zip(&rp.outlays[q]).enumerate() {
                    let qa = crate::quantise(a, MONEY);
                    let qo = crate::quantise(o, MONEY);
                    // At most `MAX_PATHS` = 10⁸ < 2²⁷ terms of magnitude
                    // < 2⁶³: these sums stay below 2⁹⁰ and never reach the
                    // saturation of `saturating_add`, so a plain add gives
                    // the same value.
                    pa.appropriated[t] = pa.appropriated[t].wrapping_add(qa);
                    pa.disbursed[t] = pa.disbursed[t].wrapping_add(qo);
                    appq += qa;
                    paid += qo;
                }
                let s = LineQ {
                    appropriated: appq,
                    paid,
                    realized_cv: crate::quantise(realized_cv(app), RATIO),
                };
                sc.lines[base + q] = s;
                totals[r] += s.appropriated;
                pa.total.add_q(s.appropriated);
                pa.undisbursed.add_q(s.appropriated - s.paid);
                pa.realized_cv.add_q(s.realized_cv);
            }
        }
        for r in 0..m.regimes.len() {
            acc.total_diff[r].add_q(totals[r] - totals[m.baseline]);
            acc.regime_cv[r].add_q64(crate::accum::quantise64(
                realized_cv(&res.regimes[r].total_by_year),
                RATIO,
            ));
        }
        for (i, _) in m.projects.iter().enumerate() {
            let b = &res.regimes[m.baseline].projects[i];
            acc.columns[2 * i].push(b.delay_months);
            acc.columns[2 * i + 1].push(b.private);
        }
    }

    /// Root of the chain of [`FundingSim::project_src`] copies.
    fn project_root(&self, r: usize, i: usize) -> usize {
        let mut r = r;
        while let Some(r0) = self.project_src[r][i] {
            r = r0;
        }
        r
    }

    /// Whether project `i` has the same outcome in regime `r` as in the
    /// baseline on every path (paired differences all exactly zero).
    fn same_as_baseline(&self, r: usize, i: usize) -> bool {
        self.project_root(r, i) == self.project_root(self.model.baseline, i)
    }

    /// Fill in the accumulators skipped in `accumulate` because their values
    /// were the same as another's on every path: copies of that accumulator,
    /// and paired differences that are exactly zero on every path.
    fn finish(&self, acc: &mut ChunkAcc) {
        let m = self.model;
        for r in 0..m.regimes.len() {
            for i in 0..m.projects.len() {
                if let Some(r0) = self.project_src[r][i] {
                    acc.projects[r][i] = acc.projects[r0][i].clone();
                }
                if r == m.baseline {
                    continue;
                }
                if !self.same_as_baseline(r, i) {
                    // A copy of a non-baseline regime: the same differences.
                    if let Some(r0) = self.project_src[r][i] {
                        acc.pairs[r][i] = acc.pairs[r0][i].clone();
                    }
                } else {
                    let zero = Acc {
                        n: acc.n,
                        s: 0,
                        ss: 0,
                    };
                    let pa = &mut acc.pairs[r][i];
                    for x in pa.on_time.iter_mut().chain([
                        &mut pa.completed,
                        &mut pa.cancelled,
                        &mut pa.delay,
                        &mut pa.public_used,
                        &mut pa.private,
                        &mut pa.overrun,
                        &mut pa.market_loss,
                    ]) {
                        *x = zero;
                    }
                }
            }
            for q in 0..acc.programs[r].len() {
                if let Some(r0) = self.program_src[r][q] {
                    acc.programs[r][q] = acc.programs[r0][q].clone();
                }
            }
        }
    }

    /// Scratch buffers sized for this model.
    fn scratch(&self) -> Scratch {
        let m = self.model;
        let lines = m.regimes.len() * self.max_programs;
        Scratch {
            draws: Vec::with_capacity(self.max_programs * m.grid.years),
            lines: vec![LineQ::default(); lines],
            ..Scratch::default()
        }
    }
}

/// Whether two lines are the same in every field that the simulation reads
/// (all but the name), bit for bit: `PartialEq` rules out NaN, and the
/// `Debug` text tells `0.0` from `−0.0`.
fn same_line(a: &crate::Program, b: &crate::Program) -> bool {
    let mut b = b.clone();
    b.name.clone_from(&a.name);
    *a == b && format!("{a:?}") == format!("{b:?}")
}

/// A line's quantised per-path totals.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct LineQ {
    appropriated: i128,
    paid: i128,
    realized_cv: i128,
}

/// Buffers reused from path to path within a chunk.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    draws: Vec<YearDraws>,
    factors: Vec<FactorCache>,
    /// Disbursements to one project by year.
    disb: Vec<f64>,
    /// `[regime · projects + project]`.
    quantised: Vec<Quantised>,
    /// `[regime · max_programs + program]`.
    lines: Vec<LineQ>,
}

impl Simulation for FundingSim<'_> {
    type Chunk = ChunkAcc;

    fn simulate(&self, paths: Range<u64>) -> ChunkAcc {
        let mut acc = self.empty_chunk((paths.end - paths.start) as usize);
        let mut sc = self.scratch();
        let mut res = PathResult::default();
        for p in paths {
            self.path_into(p, &mut sc, &mut res);
            self.accumulate(&res, &mut sc, &mut acc);
        }
        self.finish(&mut acc);
        acc
    }
}

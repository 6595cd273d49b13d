//! The Monte Carlo simulation: every regime on the same paths and draws.

use std::ops::Range;

use levee_engine::Simulation;
use levee_rng::{Stream, normal_inv_cdf};
use levee_stats::Histogram;

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
    /// Philox blocks read by program position `q` in any regime.
    blocks: Vec<[bool; 3]>,
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

/// The quantised values a project's outcome contributes to paired differences.
struct Quantised {
    delay: i128,
    public_used: i128,
    private: i128,
    overrun: i128,
    market_loss: i128,
}

impl Quantised {
    #[inline]
    fn of(o: &ProjectPath) -> Self {
        Quantised {
            delay: crate::quantise(o.delay_months, MONTHS),
            public_used: crate::quantise(o.public_used, MONEY),
            private: crate::quantise(o.private, MONEY),
            overrun: crate::quantise(o.cost_overrun, MONEY),
            market_loss: crate::quantise(o.market_loss, MONEY),
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
        let ps = Stream::new(seed, "funding/program");
        let cs = Stream::new(seed, "funding/project-cost");
        FundingSim {
            model,
            program_streams: (0..max_programs as u64).map(|q| ps.sub(q)).collect(),
            cost_streams: (0..model.projects.len() as u64)
                .map(|i| cs.sub(i))
                .collect(),
            max_programs,
            blocks: (0..max_programs)
                .map(|q| {
                    let mut b = [false; 3];
                    for g in &model.regimes {
                        if let Some(p) = g.programs.get(q) {
                            for (x, y) in b.iter_mut().zip(p.blocks_needed()) {
                                *x |= y;
                            }
                        }
                    }
                    b
                })
                .collect(),
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
    pub(crate) fn path_into(
        &self,
        path: u64,
        draws: &mut Vec<YearDraws>,
        disb: &mut Vec<f64>,
        out: &mut PathResult,
    ) {
        let m = self.model;
        let years = m.grid.years;
        draws.clear();
        for (s, &need) in self.program_streams.iter().zip(&self.blocks) {
            for t in 0..years {
                draws.push(YearDraws::blocks(s, path, m.grid.year(t).year, need));
            }
        }
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
            let rp = &mut out.regimes[r];
            rp.appropriations.resize_with(g.programs.len(), Vec::new);
            rp.total_by_year.clear();
            rp.total_by_year.resize(years, 0.0);
            rp.outlays.resize_with(g.programs.len(), Vec::new);
            for (q, p) in g.programs.iter().enumerate() {
                let app = &mut rp.appropriations[q];
                let outl = &mut rp.outlays[q];
                app.clear();
                outl.clear();
                outl.resize(years, 0.0);
                for t in 0..years {
                    let a = p.appropriation_with(t, &draws[q * years + t], &self.sigmas[r][q]);
                    app.push(a);
                    rp.total_by_year[t] += a;
                    for (k, d) in p.disbursement.iter().enumerate() {
                        if let Some(o) = outl.get_mut(t + k) {
                            *o += d * a;
                        }
                    }
                }
            }
            rp.projects
                .resize_with(m.projects.len(), ProjectPath::default);
            for (i, proj) in m.projects.iter().enumerate() {
                disb.clear();
                disb.resize(years, 0.0);
                for (q, p) in g.programs.iter().enumerate() {
                    let a = p.allocation.get(i).copied().unwrap_or(0.0);
                    if a > 0.0 {
                        for (d, o) in disb.iter_mut().zip(&rp.outlays[q]) {
                            *d += a * o;
                        }
                    }
                }
                proj.simulate(
                    out.cost_factors[i],
                    disb,
                    &self.multipliers[r][i],
                    &mut rp.projects[i],
                );
            }
        }
    }

    pub(crate) fn path(&self, path: u64) -> PathResult {
        let mut out = PathResult::default();
        self.path_into(path, &mut Vec::new(), &mut Vec::new(), &mut out);
        out
    }

    fn accumulate(&self, res: &PathResult, acc: &mut ChunkAcc) {
        let m = self.model;
        acc.n += 1;
        let mut totals = [0i128; crate::MAX_REGIMES];
        for (r, rp) in res.regimes.iter().enumerate().take(m.regimes.len()) {
            for (i, proj) in m.projects.iter().enumerate() {
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
                    a.delay_completed.add(o.delay_months, MONTHS);
                }
                if o.cancelled_at.is_some() {
                    a.cancelled += 1;
                }
                let q = Quantised::of(o);
                a.delay.add_q(q.delay);
                a.carrying.add(o.carrying_cost, MONEY);
                a.overrun.add_q(q.overrun);
                a.public_used.add_q(q.public_used);
                a.public_disbursed.add(o.public_disbursed, MONEY);
                a.private.add_q(q.private);
                a.lapsed.add(o.public_lapsed, MONEY);
                a.unspent.add(o.public_unspent, MONEY);
                a.market_loss.add_q(q.market_loss);
                a.leverage.add_q(q.private, q.public_used);
                if r != m.baseline {
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
                    let qb = Quantised::of(b);
                    pa.delay.add_q(q.delay - qb.delay);
                    pa.public_used.add_q(q.public_used - qb.public_used);
                    pa.private.add_q(q.private - qb.private);
                    pa.overrun.add_q(q.overrun - qb.overrun);
                    pa.market_loss.add_q(q.market_loss - qb.market_loss);
                }
            }
            for (q, pa) in acc.programs[r].iter_mut().enumerate() {
                let app = &rp.appropriations[q];
                let (mut appq, mut paid) = (0i128, 0i128);
                for (t, (&a, &o)) in app.iter().zip(&rp.outlays[q]).enumerate() {
                    let qa = crate::quantise(a, MONEY);
                    let qo = crate::quantise(o, MONEY);
                    pa.appropriated[t] = pa.appropriated[t].saturating_add(qa);
                    pa.disbursed[t] = pa.disbursed[t].saturating_add(qo);
                    appq += qa;
                    paid += qo;
                }
                pa.total.add_q(appq);
                pa.undisbursed.add_q(appq - paid);
                pa.realized_cv.add(realized_cv(app), RATIO);
                totals[r] += appq;
            }
        }
        for r in 0..m.regimes.len() {
            acc.total_diff[r].add_q(totals[r] - totals[m.baseline]);
            acc.regime_cv[r].add(realized_cv(&res.regimes[r].total_by_year), RATIO);
        }
        for (i, _) in m.projects.iter().enumerate() {
            let b = &res.regimes[m.baseline].projects[i];
            acc.columns[2 * i].push(b.delay_months);
            acc.columns[2 * i + 1].push(b.private);
        }
    }
}

impl Simulation for FundingSim<'_> {
    type Chunk = ChunkAcc;

    fn simulate(&self, paths: Range<u64>) -> ChunkAcc {
        let mut acc = self.empty_chunk((paths.end - paths.start) as usize);
        let mut draws = Vec::with_capacity(self.max_programs * self.model.grid.years);
        let mut disb = Vec::with_capacity(self.model.grid.years);
        let mut res = PathResult::default();
        for p in paths {
            self.path_into(p, &mut draws, &mut disb, &mut res);
            self.accumulate(&res, &mut acc);
        }
        acc
    }
}

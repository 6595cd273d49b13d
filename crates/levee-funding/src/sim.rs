//! The Monte Carlo simulation: every regime on the same paths and draws.

use std::ops::Range;

use levee_engine::Simulation;
use levee_rng::{Stream, normal_inv_cdf};
use levee_stats::Histogram;

use crate::layout::Layout;
use crate::program::FactorCache;
use crate::{
    Acc, FundingModel, ProjectPath, RatioAcc, YearDraws, lognormal_sigma, lognormal_with_sigma,
};

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
    /// Lognormal `σ` of each project's cost factor, computed once per run
    /// ([`lognormal_with_sigma`] with it is bit-identical to [`lognormal`]).
    cost_sigmas: Vec<f64>,
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
    /// Distinct lines and project simulations (see [`Layout`]).
    layout: Layout,
    /// By line job: the quantised amounts of a constant line (the same on
    /// every path), added once per chunk in [`FundingSim::finish`].
    const_lines: Vec<Option<ConstLine>>,
}

/// The quantised amounts of a line that are the same on every path.
#[derive(Clone, Debug)]
struct ConstLine {
    appropriated: Vec<i128>,
    disbursed: Vec<i128>,
    totals: LineQ,
}

/// Quantise a line's appropriations and payments on one path: add them to
/// the per-year sums and return the path's totals.
#[inline]
fn tally_line(
    app: &[f64],
    outl: &[f64],
    appropriated: &mut [i128],
    disbursed: &mut [i128],
) -> LineQ {
    let (mut appq, mut paid) = (0i128, 0i128);
    for (((&a, &o), sa), so) in app
        .iter()
        .zip(outl)
        .zip(appropriated.iter_mut())
        .zip(disbursed.iter_mut())
    {
        let qa = crate::quantise(a, MONEY);
        let qo = crate::quantise(o, MONEY);
        // At most `MAX_PATHS` = 10⁸ < 2²⁷ terms of magnitude < 2⁶³: these
        // sums stay below 2⁹⁰ and never reach the saturation of
        // `saturating_add`, so a plain add gives the same value.
        *sa = sa.wrapping_add(qa);
        *so = so.wrapping_add(qo);
        appq += qa;
        paid += qo;
    }
    LineQ {
        appropriated: appq,
        paid,
        realized_cv: crate::quantise(realized_cv(app), RATIO),
    }
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
    /// Per-chunk counts of the paths on which the indicator difference is
    /// `+1` and `−1`, by milestone then completed, cancelled: folded into
    /// `on_time`, `completed` and `cancelled` at the chunk's end (a ±1
    /// difference adds ±1 to the sum and 1 to the sum of squares).
    pub signs: Vec<[u64; 2]>,
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
        let project_src: Vec<Vec<Option<usize>>> = (0..model.regimes.len())
            .map(|r| {
                (0..model.projects.len())
                    .map(|i| (0..r).find(|&r0| same_funding(r0, r, i)))
                    .collect()
            })
            .collect();
        let sigmas: Vec<Vec<crate::Sigmas>> = model
            .regimes
            .iter()
            .map(|g| g.programs.iter().map(|p| p.sigmas()).collect())
            .collect();
        let layout = Layout::new(model, &program_src, &project_src, &sigmas);
        let mut sim = FundingSim {
            layout,
            const_lines: Vec::new(),
            model,
            project_src,
            program_streams: (0..max_programs as u64).map(|q| ps.sub(q)).collect(),
            cost_sigmas: model
                .projects
                .iter()
                .map(|p| lognormal_sigma(p.cost_cv))
                .collect(),
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
            sigmas,
            multipliers: model
                .support
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|p| p.iter().map(|s| s.multiplier).collect())
                        .collect()
                })
                .collect(),
        };
        // The constant lines' amounts, as on any path.
        let sc = sim.scratch();
        sim.const_lines = sim
            .layout
            .lines
            .iter()
            .enumerate()
            .map(|(l, job)| {
                job.constant.then(|| {
                    let span = l * years..(l + 1) * years;
                    let (mut appropriated, mut disbursed) = (vec![0; years], vec![0; years]);
                    let totals = tally_line(
                        &sc.app[span.clone()],
                        &sc.outl[span],
                        &mut appropriated,
                        &mut disbursed,
                    );
                    ConstLine {
                        appropriated,
                        disbursed,
                        totals,
                    }
                })
            })
            .collect();
        sim
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
            signs: vec![[0; 2]; m.projects[i].milestones.len() + 2],
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

    /// Appropriations and payments of line job `l` on the path whose draws
    /// and factor caches are `draws`, `factors` (the line's program position).
    fn line_amounts(
        &self,
        l: usize,
        draws: &[YearDraws],
        factors: &mut [FactorCache],
        app: &mut [f64],
        outl: &mut [f64],
    ) {
        let job = &self.layout.lines[l];
        let p = &self.model.regimes[job.r].programs[job.q];
        let sig = &self.sigmas[job.r][job.q];
        for (t, ((a, fixed), (d, c))) in app
            .iter_mut()
            .zip(&job.fixed)
            .zip(draws.iter().zip(factors.iter_mut()))
            .enumerate()
        {
            *a = match *fixed {
                Some(v) => v,
                None => p.appropriation_cached(t, d, sig, c),
            };
        }
        outl.fill(0.0);
        for (t, &a) in app.iter().enumerate() {
            // Adding `d · 0 = ±0` leaves a sum that starts at +0 unchanged.
            if a != 0.0 {
                for (o, d) in outl[t..].iter_mut().zip(&p.disbursement) {
                    *o += d * a;
                }
            }
        }
    }

    /// Simulate path `path` in every regime into the scratch buffers: each
    /// distinct line's appropriations and payments and each distinct project
    /// simulation's outcome (see [`Layout`]).
    pub(crate) fn path_into(&self, path: u64, sc: &mut Scratch) {
        let m = self.model;
        let years = m.grid.years;
        for (q, s) in self.program_streams.iter().enumerate() {
            for t in 0..years {
                let need = self.blocks[q * years + t];
                sc.draws[q * years + t] = YearDraws::blocks(s, path, m.grid.year(t).year, need);
            }
        }
        sc.factors.fill(FactorCache::default());
        for (((f, p), s), &sigma) in sc
            .cost_factors
            .iter_mut()
            .zip(&m.projects)
            .zip(&self.cost_streams)
            .zip(&self.cost_sigmas)
        {
            // `lognormal(1, cv, z)` with its `σ` computed once.
            *f = if p.cost_cv > 0.0 {
                lognormal_with_sigma(1.0, sigma, normal_inv_cdf(s.uniform(path, 0, 0)))
            } else {
                1.0
            };
        }
        for (l, job) in self.layout.lines.iter().enumerate() {
            if job.constant {
                // Filled once, when the scratch buffers were made.
                continue;
            }
            let span = l * years..(l + 1) * years;
            let cells = job.q * years..(job.q + 1) * years;
            self.line_amounts(
                l,
                &sc.draws[cells.clone()],
                &mut sc.factors[cells],
                &mut sc.app[span.clone()],
                &mut sc.outl[span],
            );
        }
        for (s, job) in self.layout.projects.iter().enumerate() {
            // Slices of equal length, indexed by year: no bounds checks, and
            // the years are independent sums (each in line order).
            let disb = &mut sc.disb[..years];
            disb.fill(0.0);
            for &(a, l) in &job.funding {
                let outl = &sc.outl[l * years..(l + 1) * years];
                for t in 0..years {
                    disb[t] += a * outl[t];
                }
            }
            m.projects[job.i].simulate_with_plan(
                sc.cost_factors[job.i],
                &sc.disb,
                &self.multipliers[job.r][job.i],
                &self.plans[job.i],
                &mut sc.projects[s],
            );
        }
    }

    /// Total appropriation of regime `r` by grid year on the path in `sc`,
    /// summed over its lines in program order.
    fn regime_total(&self, sc: &Scratch, r: usize, out: &mut [f64]) {
        let years = self.model.grid.years;
        out.fill(0.0);
        for &l in &self.layout.line_of[r] {
            for (x, a) in out.iter_mut().zip(&sc.app[l * years..(l + 1) * years]) {
                *x += a;
            }
        }
    }

    pub(crate) fn path(&self, path: u64) -> PathResult {
        let m = self.model;
        let years = m.grid.years;
        let mut sc = self.scratch();
        self.path_into(path, &mut sc);
        let span = |l: usize| l * years..(l + 1) * years;
        let regimes = (0..m.regimes.len())
            .map(|r| {
                let mut total_by_year = vec![0.0; years];
                self.regime_total(&sc, r, &mut total_by_year);
                let lines = &self.layout.line_of[r];
                RegimePath {
                    appropriations: lines.iter().map(|&l| sc.app[span(l)].to_vec()).collect(),
                    outlays: lines.iter().map(|&l| sc.outl[span(l)].to_vec()).collect(),
                    total_by_year,
                    projects: self.layout.project_of[r]
                        .iter()
                        .map(|&s| sc.projects[s].clone())
                        .collect(),
                }
            })
            .collect();
        PathResult {
            regimes,
            cost_factors: sc.cost_factors.clone(),
        }
    }

    fn accumulate(&self, sc: &mut Scratch, acc: &mut ChunkAcc) {
        let m = self.model;
        let years = m.grid.years;
        let lay = &self.layout;
        acc.n += 1;
        // Quantise each distinct project outcome once.
        for (q, o) in sc.quantised.iter_mut().zip(&sc.projects) {
            *q = Quantised::of(o);
        }
        for (s, job) in lay.projects.iter().enumerate() {
            let proj = &m.projects[job.i];
            let o = &sc.projects[s];
            let a = &mut acc.projects[job.r][job.i];
            for (k, ms) in proj.milestones.iter().enumerate() {
                let t = o.milestone_time[k];
                if t.is_finite() {
                    a.reached[k] += 1;
                    if t == 0.0 || t <= ms.target_offset + 1e-9 {
                        a.on_time[k] += 1;
                    }
                }
            }
            let q = &sc.quantised[s];
            if let Some(c) = o.completion {
                a.completed += 1;
                // A completion at the exact end of a month belongs to that month.
                a.completion_hist.add(c - 1e-9);
                a.delay_hist.add(o.delay_months);
                // `q.delay` is `quantise64(o.delay_months, MONTHS)`.
                a.delay_completed.add_q64(q.delay);
            }
            if o.cancelled_at.is_some() {
                a.cancelled += 1;
            }
            a.delay.add_q64(q.delay);
            a.carrying.add_q64(q.carrying);
            a.overrun.add_q64(q.overrun);
            a.public_used.add_q64(q.public_used);
            a.public_disbursed.add_q64(q.public_disbursed);
            a.private.add_q64(q.private);
            a.lapsed.add_q64(q.lapsed);
            a.unspent.add_q64(q.unspent);
            a.market_loss.add_q64(q.market_loss);
            // `leverage.x` and `.y` are the `private` and `public_used`
            // sums: copied in `finish`.
            a.leverage.add_product64(q.private, q.public_used);
            if let Some(bs) = job.pair_with {
                let b = &sc.projects[bs];
                let pa = &mut acc.pairs[job.r][job.i];
                let nm = proj.milestones.len();
                let count = |c: &mut [u64; 2], x: bool, y: bool| {
                    c[0] += u64::from(x & !y);
                    c[1] += u64::from(!x & y);
                };
                for ((c, ms), (&t, &tb)) in pa.signs[..nm]
                    .iter_mut()
                    .zip(&proj.milestones)
                    .zip(o.milestone_time.iter().zip(&b.milestone_time))
                {
                    let ind = |t: f64| t == 0.0 || t <= ms.target_offset + 1e-9;
                    count(c, ind(t), ind(tb));
                }
                if let [.., c_done, c_cancel] = &mut pa.signs[..] {
                    count(c_done, o.completion.is_some(), b.completion.is_some());
                    count(c_cancel, o.cancelled_at.is_some(), b.cancelled_at.is_some());
                }
                let qb = &sc.quantised[bs];
                pa.delay.add_diff64(q.delay, qb.delay);
                pa.public_used.add_diff64(q.public_used, qb.public_used);
                pa.private.add_diff64(q.private, qb.private);
                pa.overrun.add_diff64(q.overrun, qb.overrun);
                pa.market_loss.add_diff64(q.market_loss, qb.market_loss);
            }
        }
        // Quantised appropriations and payments of each distinct line that
        // is not constant (constant lines are added once per chunk).
        for (l, job) in lay.lines.iter().enumerate() {
            if job.constant {
                continue;
            }
            let pa = &mut acc.programs[job.r][job.q];
            let span = l * years..(l + 1) * years;
            let s = tally_line(
                &sc.app[span.clone()],
                &sc.outl[span],
                &mut pa.appropriated,
                &mut pa.disbursed,
            );
            sc.lines[l] = s;
            pa.total.add_q(s.appropriated);
            pa.undisbursed.add_q(s.appropriated - s.paid);
            pa.realized_cv.add_q(s.realized_cv);
        }
        let mut totals = [0i128; crate::MAX_REGIMES];
        for (t, of) in totals.iter_mut().zip(&lay.line_of) {
            *t = of.iter().map(|&l| sc.lines[l].appropriated).sum();
        }
        let mut total = std::mem::take(&mut sc.total);
        for r in 0..m.regimes.len() {
            acc.total_diff[r].add_q(totals[r] - totals[m.baseline]);
            self.regime_total(sc, r, &mut total);
            acc.regime_cv[r].add_q64(crate::accum::quantise64(realized_cv(&total), RATIO));
        }
        sc.total = total;
        for (i, &s) in lay.project_of[m.baseline].iter().enumerate() {
            let b = &sc.projects[s];
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
        for job in &self.layout.projects {
            let a = &mut acc.projects[job.r][job.i];
            a.leverage.x = a.private;
            a.leverage.y = a.public_used;
            if job.pair_with.is_some() {
                let pa = &mut acc.pairs[job.r][job.i];
                let mut signs = std::mem::take(&mut pa.signs);
                let targets = pa
                    .on_time
                    .iter_mut()
                    .chain([&mut pa.completed, &mut pa.cancelled]);
                for (x, &[plus, minus]) in targets.zip(&signs) {
                    let (plus, minus) = (i128::from(plus), i128::from(minus));
                    x.merge(&Acc {
                        n: acc.n,
                        s: plus - minus,
                        ss: plus + minus,
                    });
                }
                signs.fill([0; 2]);
                pa.signs = signs;
            }
        }
        for (job, c) in self.layout.lines.iter().zip(&self.const_lines) {
            let Some(c) = c else { continue };
            // The same values on each of the chunk's paths.
            let n = acc.n;
            let pa = &mut acc.programs[job.r][job.q];
            for (x, q) in pa.appropriated.iter_mut().zip(&c.appropriated) {
                *x = x.wrapping_add(q.wrapping_mul(i128::from(n)));
            }
            for (x, q) in pa.disbursed.iter_mut().zip(&c.disbursed) {
                *x = x.wrapping_add(q.wrapping_mul(i128::from(n)));
            }
            let s = c.totals;
            pa.total.add_q_times(s.appropriated, n);
            pa.undisbursed.add_q_times(s.appropriated - s.paid, n);
            pa.realized_cv.add_q_times(s.realized_cv, n);
        }
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

    /// Scratch buffers sized for this model, with the amounts of the
    /// constant lines filled in (they are the same on every path).
    fn scratch(&self) -> Scratch {
        let m = self.model;
        let years = m.grid.years;
        let nl = self.layout.lines.len();
        let np = self.layout.projects.len();
        let mut sc = Scratch {
            // Placeholders (0.5, no Philox block): overwritten on every path.
            draws: vec![
                YearDraws::blocks(&Stream::new(0, ""), 0, 0, [false; 3]);
                self.max_programs * years
            ],
            factors: vec![FactorCache::default(); self.max_programs * years],
            app: vec![0.0; nl * years],
            outl: vec![0.0; nl * years],
            disb: vec![0.0; years],
            total: vec![0.0; years],
            cost_factors: vec![1.0; m.projects.len()],
            projects: vec![ProjectPath::default(); np],
            quantised: vec![Quantised::default(); np],
            lines: vec![LineQ::default(); nl],
        };
        for (l, job) in self.layout.lines.iter().enumerate() {
            if let Some(c) = self.const_lines.get(l).and_then(Option::as_ref) {
                sc.lines[l] = c.totals;
            }
            if job.constant {
                // Every year is fixed: the placeholder draws and caches are
                // not read (nor written).
                let span = l * years..(l + 1) * years;
                self.line_amounts(
                    l,
                    &sc.draws[..years],
                    &mut sc.factors[..years],
                    &mut sc.app[span.clone()],
                    &mut sc.outl[span],
                );
            }
        }
        sc
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
#[derive(Debug)]
pub(crate) struct Scratch {
    /// `[program position · years + year]`.
    draws: Vec<YearDraws>,
    /// `[program position · years + year]`.
    factors: Vec<FactorCache>,
    /// Appropriations by line job and year: `[line · years + year]`.
    app: Vec<f64>,
    /// Payments by line job and year: `[line · years + year]`.
    outl: Vec<f64>,
    /// Disbursements to one project by year.
    disb: Vec<f64>,
    /// A regime's total appropriation by year.
    total: Vec<f64>,
    /// Cost factor of each project.
    cost_factors: Vec<f64>,
    /// Outcome of each project job.
    projects: Vec<ProjectPath>,
    /// Quantised outcome of each project job.
    quantised: Vec<Quantised>,
    /// Quantised totals of each line job.
    lines: Vec<LineQ>,
}

impl Simulation for FundingSim<'_> {
    type Chunk = ChunkAcc;

    fn simulate(&self, paths: Range<u64>) -> ChunkAcc {
        let mut acc = self.empty_chunk((paths.end - paths.start) as usize);
        let mut sc = self.scratch();
        for p in paths {
            self.path_into(p, &mut sc);
            self.accumulate(&mut sc, &mut acc);
        }
        self.finish(&mut acc);
        acc
    }
}

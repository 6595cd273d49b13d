//! The insurance model: compile the validated section into a simulator, run it
//! on the engine, and summarise losses, capital, capacity and contributions.

use std::collections::BTreeMap;
use std::ops::Range;

use levee_engine::{Control, EngineError, RunPlan, Simulation};
use levee_model::{ModelOutput, RunSettings, ScenarioContext, finite, fmt_money};
use levee_rng::{Stream, normal_inv_cdf};
use levee_units::Currency;
use serde_json::{Value, json};
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::config::{Config, Method};
use crate::fixed::{from_fixed, to_fixed};
use crate::phi_bounds::PhiBounds;
use crate::portfolio::{COMMERCIAL, EXPROPRIATION, TRANSFER, WAR};
use crate::score_table::ScoreTable;
use crate::sim::{Band, Cell, DENSE_PD, Event, GROUP_MIN, PolRt, Scratch, Shift, Sim, Unit};
use crate::special::BetaTable;
use crate::tail::{Measure, Weighted};

/// Expected number of surplus candidates (Σ over a band of p_top − p, at the
/// unconditional PDs) that merging lower-PD obligors into a band may add under
/// plain Monte Carlo. Re-measured on the 10,000-policy benchmark book (both
/// rating mixes) after the one-pass band walk made a visited band cheap
/// (≈ 20 instructions) against a surplus candidate (≈ 150: a draw, the
/// acceptance test): budgets 0.01–0.05 run fastest, 0.15 was 10–15% slower
/// (docs/perf/insurance.md). Any budget gives the same distribution.
const MERGE_BUDGET: f64 = 0.02;

/// Cap on the expected surplus candidates of a dense band (top PD at least
/// [`DENSE_PD`]) from lower-PD obligors within a factor 2 of its top, which a
/// walked band takes whatever their number. A dense band's obligors are
/// each tested every path, and a surplus candidate costs its draw and its
/// acceptance test (≈ 100 instructions), while one more dense band costs
/// ≈ 28 instructions per path and at most one word of padding. Measured on
/// CCruncher's sample (`test05`: PDs 20%, 10% and 5%, so its 10% obligors
/// joined the 20% band and half their candidates were rejected): caps
/// 0.1–0.5 run alike and 1.5× faster than no cap, 1 and 2 slower
/// (docs/perf/insurance.md, session 13). Any cap gives the same
/// distribution.
pub const DENSE_MERGE_BUDGET: f64 = 0.25;

/// Trade and investment insurance: the insured portfolio's loss distribution,
/// capital and underwriting capacity.
#[derive(Clone, Debug)]
pub struct InsuranceModel {
    cfg: Config,
    currency: Currency,
    /// Fewest exchangeable obligors that form a group ([`GROUP_MIN`]).
    group_min: u32,
}

/// Per-path and per-policy results of a run, for tests and the runner.
#[derive(Clone, Debug)]
pub struct RunDetail {
    /// Book loss per path.
    pub book: Vec<f64>,
    /// Pipeline loss per path.
    pub pipe: Vec<f64>,
    /// Likelihood ratio per path.
    pub weight: Vec<f64>,
    /// Per-policy EL contribution.
    pub el: Vec<f64>,
    /// Per-policy VaR contribution at the solvency level.
    pub var: Vec<f64>,
    /// Per-policy ES contribution at the solvency level.
    pub es: Vec<f64>,
    /// Portfolio VaR and ES at the solvency level (book + pipeline).
    pub var_es: (f64, f64),
}

struct Pass1<'a> {
    sim: &'a Sim,
}

struct Chunk1 {
    out: Vec<crate::sim::PathOut>,
    el: Vec<i128>,
}

impl Simulation for Pass1<'_> {
    type Chunk = Chunk1;
    fn simulate(&self, paths: Range<u64>) -> Chunk1 {
        let mut scr: Scratch = self.sim.scratch();
        let mut el = vec![0i128; self.sim.claim_ids()];
        let mut out = Vec::with_capacity((paths.end - paths.start) as usize);
        // A path's weight is known at its end, so its claims wait in one
        // buffer shared by the paths of the chunk; under plain Monte Carlo
        // every weight is 1 and claims go straight into the totals
        // (to_fixed(1·l) = to_fixed(l)), leaving the buffer empty.
        let plain = self.sim.is_plain();
        let mut claims: Vec<(u32, f64)> = Vec::new();
        for p in paths {
            claims.clear();
            let r = if plain {
                self.sim
                    .path(p, &mut scr, &mut |i, l| el[i as usize] += to_fixed(l))
            } else {
                self.sim.path(p, &mut scr, &mut |i, l| claims.push((i, l)))
            };
            debug_assert!(!plain || r.weight == 1.0);
            for &(i, l) in &claims {
                el[i as usize] += to_fixed(r.weight * l);
            }
            out.push(r);
        }
        Chunk1 { out, el }
    }
}

/// The pilot IS paths of [`InsuranceModel::compile_tuned_threads`].
struct Pilot<'a> {
    sim: &'a Sim,
}

impl Simulation for Pilot<'_> {
    type Chunk = Vec<crate::sim::PathOut>;
    fn simulate(&self, paths: Range<u64>) -> Self::Chunk {
        let mut scr = self.sim.scratch();
        paths
            .map(|p| self.sim.path(p, &mut scr, &mut |_, _| {}))
            .collect()
    }
}

struct Pass2<'a> {
    sim: &'a Sim,
    loss: &'a [f64],
    weight: &'a [f64],
    var: f64,
    win: (f64, f64),
}

#[derive(Default)]
struct Chunk2 {
    tail: Vec<i128>,
    atom: Vec<i128>,
    atom_n: u64,
    win: Vec<i128>,
}

impl Simulation for Pass2<'_> {
    type Chunk = Chunk2;
    fn simulate(&self, paths: Range<u64>) -> Chunk2 {
        let n = self.sim.claim_ids();
        let mut c = Chunk2::default();
        let lo = self.var.min(self.win.0);
        let mut scr: Option<Scratch> = None;
        let mut claims: Vec<(u32, f64)> = Vec::new();
        for p in paths {
            let l = self.loss[p as usize];
            if l < lo {
                continue;
            }
            if c.tail.is_empty() {
                c = Chunk2 {
                    tail: vec![0; n],
                    atom: vec![0; n],
                    atom_n: 0,
                    win: vec![0; n],
                };
            }
            let scr = scr.get_or_insert_with(|| self.sim.scratch());
            let w = self.weight[p as usize];
            claims.clear();
            self.sim
                .path_claims(p, scr, &mut |i, x| claims.push((i, x)));
            let in_win = l >= self.win.0 && l <= self.win.1;
            if l == self.var {
                c.atom_n += 1;
            }
            for &(i, x) in &claims {
                let i = i as usize;
                if l > self.var {
                    c.tail[i] += to_fixed(w * x);
                } else if l == self.var {
                    c.atom[i] += to_fixed(x);
                }
                if in_win {
                    c.win[i] += to_fixed(w * x);
                }
            }
        }
        c
    }
}

fn horizon_pd(p: f64, years: f64) -> f64 {
    1.0 - (1.0 - p).powf(years)
}

impl InsuranceModel {
    /// Read and validate the `[insurance]` table. Returns None if any error was recorded in the scenario.
    pub fn from_scenario(section: &levee_scenario::Table, ctx: &ScenarioContext) -> Option<Self> {
        let cfg = crate::config::read(section, ctx)?;
        if cfg.policies.is_empty() {
            section.error_at_key(
                "portfolio",
                "a portfolio without policies".into(),
                "at least one policy row".into(),
            );
            return None;
        }
        Some(InsuranceModel {
            cfg,
            currency: ctx.currency,
            group_min: GROUP_MIN,
        })
    }

    /// The same model with groups of exchangeable obligors
    /// ([`crate::sim::Group`]) formed from `n` obligors on ([`GROUP_MIN`]
    /// by default; `u32::MAX` forms none). Any value gives the same
    /// distribution: the tests compare the count with the lane test.
    pub fn with_group_min(mut self, n: u32) -> Self {
        self.group_min = n;
        self
    }

    /// The validated configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Compile the simulator for a seed (without an IS shift).
    ///
    /// Bands: see the comment where obligors are assigned to them; the
    /// partition changes only the cost, never the sampled distribution.
    pub fn compile(&self, seed: u64) -> Sim {
        let cfg = &self.cfg;
        let h = cfg.horizon_years as f64;
        let t = cfg
            .t_dof
            .and_then(|nu| StudentsT::new(0.0, 1.0, nu as f64).ok());
        let thr = |p: f64| match &t {
            Some(t) => t.inverse_cdf(p),
            None => normal_inv_cdf(p),
        };
        // Cells.
        let mut cell_of: BTreeMap<(usize, usize), u32> = BTreeMap::new();
        let mut cells = Vec::new();
        for p in &cfg.policies {
            cell_of.entry((p.country, p.sector)).or_insert_with(|| {
                let (bg, bc, bs) = (
                    cfg.global_loading,
                    cfg.countries[p.country].loading,
                    cfg.sectors[p.sector].loading,
                );
                let r2 = bg * bg + bc * bc + bs * bs;
                cells.push(Cell {
                    country: p.country,
                    sector: p.sector,
                    bg,
                    bc,
                    bs,
                    b: (1.0 - r2).sqrt(),
                    inv_b: 1.0 / (1.0 - r2).sqrt(),
                    sd: r2.sqrt(),
                    inv_sd: if r2 > 0.0 { 1.0 / r2.sqrt() } else { 0.0 },
                });
                (cells.len() - 1) as u32
            });
        }
        // Beta tables per distinct (mean, dispersion).
        let mut tabkey: Vec<(u64, u64)> = Vec::new();
        let mut tables = Vec::new();
        let mut pols = Vec::new();
        for p in &cfg.policies {
            let table = if p.lgd_dispersion > 0.0 {
                let key = (p.lgd.to_bits(), p.lgd_dispersion.to_bits());
                match tabkey.iter().position(|k| *k == key) {
                    Some(i) => i as u32,
                    None => {
                        tabkey.push(key);
                        tables.push(BetaTable::new(p.lgd, p.lgd_dispersion));
                        (tables.len() - 1) as u32
                    }
                }
            } else {
                u32::MAX
            };
            pols.push(PolRt {
                exposure: p.exposure,
                lgd: p.lgd,
                table,
                cell: cell_of[&(p.country, p.sector)],
                pipeline: p.pipeline,
            });
        }
        // Obligors: policies covering commercial default, grouped by obligor (first appearance order).
        let mut ob_index: BTreeMap<&str, usize> = BTreeMap::new();
        let mut ob_pols: Vec<Vec<u32>> = Vec::new();
        let mut ob_attr: Vec<(f64, u32)> = Vec::new();
        for (i, p) in cfg.policies.iter().enumerate() {
            if p.perils & COMMERCIAL == 0 {
                continue;
            }
            let k = *ob_index.entry(p.obligor.as_str()).or_insert_with(|| {
                ob_pols.push(Vec::new());
                ob_attr.push((p.pd, cell_of[&(p.country, p.sector)]));
                ob_pols.len() - 1
            });
            ob_pols[k].push(i as u32);
        }
        // Horizon PD of an obligor: the longest tenor among its policies, capped at the horizon.
        let mut order: Vec<usize> = (0..ob_pols.len()).collect();
        let ob_pd: Vec<f64> = (0..ob_pols.len())
            .map(|k| {
                let tenor = ob_pols[k]
                    .iter()
                    .map(|&i| cfg.policies[i as usize].tenor_years)
                    .fold(0.0, f64::max);
                horizon_pd(ob_attr[k].0, tenor.min(h))
            })
            .collect();
        order.sort_by(|&a, &b| {
            ob_attr[a]
                .1
                .cmp(&ob_attr[b].1)
                .then(ob_pd[b].total_cmp(&ob_pd[a]))
                .then(a.cmp(&b))
        });
        // Runs of at least GROUP_MIN dense obligors of one cell with one PD
        // form bands of their own, so that exchangeable obligors can be
        // drawn as one count (sim::Group): `long` marks them, in `order`.
        let same = |a: usize, b: usize| {
            ob_attr[a].1 == ob_attr[b].1 && ob_pd[a].to_bits() == ob_pd[b].to_bits()
        };
        let mut long = vec![false; order.len()];
        let mut i = 0;
        while i < order.len() {
            let mut j = i + 1;
            while j < order.len() && same(order[i], order[j]) {
                j += 1;
            }
            let run = ob_pd[order[i]] >= DENSE_PD && j - i >= self.group_min as usize;
            long[i..j].fill(run);
            i = j;
        }
        let mut units = Vec::new();
        let mut unit_pol = Vec::new();
        let mut bands: Vec<Band> = Vec::new();
        let mut band_pd = 0.0;
        let mut band_extra = 0.0;
        let mut band_long = false;
        let merge_budget = if cfg.method == Method::Plain {
            MERGE_BUDGET
        } else {
            0.0
        };
        for (k, long) in order.into_iter().zip(long) {
            let cell = ob_attr[k].1;
            let pd = ob_pd[k];
            let c = thr(pd);
            let start = unit_pol.len() as u32;
            unit_pol.extend_from_slice(&ob_pols[k]);
            let ui = units.len() as u32;
            let w: f64 = ob_pols[k]
                .iter()
                .map(|&i| cfg.policies[i as usize].exposure * cfg.policies[i as usize].lgd)
                .sum();
            let cb = c * cells[cell as usize].inv_b;
            units.push(Unit {
                c,
                cb,
                pol_start: start,
                pol_end: unit_pol.len() as u32,
                w,
            });
            // An obligor joins the band of the obligors above it (same cell,
            // larger or equal PD) when its PD is within a factor 2 of the
            // band's top, or, under plain Monte Carlo, when the band's expected
            // number of extra candidates from the coarser bound, Σ (p_top − p),
            // stays below MERGE_BUDGET (docs/models/insurance.md §3.3): a
            // walked band costs a look-up per path, a surplus candidate a
            // draw, a logarithm and a comparison. A dense band takes
            // obligors within a factor 2 only while that number stays below
            // DENSE_MERGE_BUDGET. Under importance sampling the factor shift
            // raises conditional PDs on most paths, so bands stay fine.
            let surplus = band_pd - pd;
            let extra = band_extra + surplus;
            let near = pd >= 0.5 * band_pd && (band_pd < DENSE_PD || extra <= DENSE_MERGE_BUDGET);
            // A long run's obligors join only their own run's band (one PD),
            // and no other obligor joins it.
            let joins = if long || band_long {
                long && band_long && pd == band_pd
            } else {
                near || extra <= merge_budget
            };
            match bands.last_mut() {
                Some(b) if b.cell == cell && joins => {
                    b.end = ui + 1;
                    b.w_max = b.w_max.max(w);
                    band_extra += surplus;
                }
                _ => {
                    band_extra = 0.0;
                    band_pd = pd;
                    band_long = long;
                    bands.push(Band {
                        cell,
                        c_top: c,
                        cb_top: cb,
                        start: ui,
                        end: ui + 1,
                        w_max: w,
                        dense: pd >= DENSE_PD,
                    });
                }
            }
        }
        // Bands come sorted by cell: each cell's bands are one contiguous range.
        let mut cell_bands = vec![(0u32, 0u32); cells.len()];
        for (bi, b) in bands.iter().enumerate() {
            let r = &mut cell_bands[b.cell as usize];
            if r.1 == 0 {
                r.0 = bi as u32;
            }
            r.1 = bi as u32 + 1;
        }
        // Political events: one per (country, peril) with positive probability.
        let mut events = Vec::new();
        for (ci, c) in cfg.countries.iter().enumerate() {
            for (e, bit) in [TRANSFER, EXPROPRIATION, WAR].into_iter().enumerate() {
                let q = c.events[e];
                if q <= 0.0 {
                    continue;
                }
                let pols: Vec<u32> = cfg
                    .policies
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.country == ci && p.perils & bit != 0)
                    .map(|(i, _)| i as u32)
                    .collect();
                if !pols.is_empty() {
                    let w = pols
                        .iter()
                        .map(|&i| cfg.policies[i as usize].exposure * cfg.policies[i as usize].lgd)
                        .sum();
                    events.push(Event {
                        threshold: normal_inv_cdf(horizon_pd(q, h)),
                        pols,
                        claims: Vec::new(),
                        w,
                        twist: false,
                    });
                }
            }
        }
        let w_top = units.iter().map(|u| u.w).fold(0.0, f64::max);
        let mut sim = Sim {
            nc: cfg.countries.len(),
            ns: cfg.sectors.len(),
            chol: cfg.chol.clone(),
            chol_nz: Vec::new(),
            chol_rows: Vec::new(),
            cells,
            cell_bands,
            cell_walk: Vec::new(),
            dense: Vec::new(),
            dense_words: Vec::new(),
            groups: Vec::new(),
            bands,
            units,
            cell_hot: Vec::new(),
            walk: Vec::new(),
            accept: Vec::new(),
            unit_pol,
            pols,
            claims: Vec::new(),
            events,
            tables,
            phi: PhiBounds::new(),
            cell_hazard: Vec::new(),
            event_hazard: Vec::new(),
            scores: ScoreTable::new(),
            exp1: levee_rng::ExpZiggurat::new(),
            nu: cfg.t_dof,
            rho_lgd: cfg.lgd_factor_loading,
            pol_loading: cfg.political_correlation.sqrt(),
            pol_scale: 1.0 / (1.0 - cfg.political_correlation).sqrt(),
            shift: Shift::default(),
            twist: Vec::new(),
            twist_cut: f64::INFINITY,
            w_top,
            s_factor: Stream::new(seed, "insurance/factors"),
            s_keys: Stream::new(seed, "insurance/default-keys"),
            s_mix: Stream::new(seed, "insurance/is-mixture"),
            group_min: self.group_min,
        };
        sim.build_claims();
        if cfg.t_dof.is_none() {
            sim.build_cell_hazards();
        }
        sim
    }

    /// The simulator with the importance-sampling settings tuned for the
    /// configured levels (with defensive components): (1) x₀ from the conditional-mean pilot at the highest
    /// level α*; (2) a pilot IS run of 1,000 paths on an independent seed with
    /// the shift and twist tuned at x₀, whose VaR at each configured level (and
    /// the solvency level) become the twisting targets; (3) the shift tuned at
    /// the VaR_α* target, the twist an equal mixture over the targets (one IS
    /// distribution per level, so that every level is sampled). Deterministic
    /// for a seed.
    pub fn compile_tuned(&self, seed: u64) -> (Sim, Option<crate::shift::Tuned>) {
        self.compile_tuned_threads(seed, 1)
    }

    /// [`InsuranceModel::compile_tuned`] with the shift ascents and the pilot
    /// paths run on `threads` worker threads (0: one per core). The result is
    /// the same for any `threads` (independent deterministic tasks merged in
    /// order).
    pub fn compile_tuned_threads(
        &self,
        seed: u64,
        threads: usize,
    ) -> (Sim, Option<crate::shift::Tuned>) {
        let mut sim = self.compile(seed);
        if self.cfg.method == Method::Plain {
            return (sim, None);
        }
        let mut levels = self.cfg.levels.clone();
        levels.push(self.cfg.capital.level);
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        let alpha = levels.last().copied().unwrap_or(0.999);
        let x0 = crate::shift::initial_target(&sim, alpha, seed, 2000);
        let mut pilot = self.compile(seed ^ 0x5851_F42D_4C95_7F2D);
        pilot.shift = crate::shift::tune_shift_threads(&pilot, x0, threads);
        if self.cfg.twist {
            pilot.set_twist(vec![x0], self.cfg.twist_events);
        }
        let plan = RunPlan {
            paths: 1000,
            chunk_size: 64,
            threads,
        };
        let outs: Vec<crate::sim::PathOut> =
            match levee_engine::run(&Pilot { sim: &pilot }, &plan, &Control::default()) {
                Ok(chunks) => chunks.into_iter().flatten().collect(),
                // The pool could not be started: run the pilot on this thread.
                Err(_) => Pilot { sim: &pilot }.simulate(0..1000),
            };
        let l: Vec<f64> = outs.iter().map(|o| o.book + o.pipe).collect();
        let w: Vec<f64> = outs.iter().map(|o| o.weight).collect();
        let ws = Weighted::new(&l, Some(&w));
        let mut by_level: Vec<f64> = levels.iter().map(|&a| ws.var(a)).collect();
        // The pilot's 1,000 paths can put several levels' quantiles on one
        // lumpy path far below the top level's loss (an event path with a
        // large weight): the top level's target is never below x₀, the
        // conditional-mean estimate at that level, so that the shift and one
        // twist always aim at the top of the tail.
        if let Some(top) = by_level.last_mut()
            && (!top.is_finite() || *top < x0)
        {
            *top = x0;
        }
        let mut targets: Vec<f64> = by_level
            .into_iter()
            .filter(|x| *x > 0.0 && x.is_finite())
            .collect();
        targets.dedup();
        let x = targets.last().copied().unwrap_or(x0);
        sim.shift = crate::shift::tune_shift_threads(&sim, x, threads);
        // Defensive mixtures (Hesterberg 1995): the unshifted factor law keeps
        // 10% of the mixture and θ = 0 (target 0) is one of the twists, so
        // likelihood ratios stay bounded and the body of the distribution (EL)
        // is still sampled.
        if !sim.shift.comps.is_empty()
            && !sim
                .shift
                .comps
                .iter()
                .any(|(m, _)| m.iter().all(|v| *v == 0.0))
        {
            for c in sim.shift.comps.iter_mut() {
                c.1 *= 0.9;
            }
            sim.shift.comps.insert(0, (vec![0.0; sim.dim()], 0.1));
        }
        if self.cfg.twist {
            let mut t = vec![0.0];
            t.extend(if targets.is_empty() {
                vec![x0]
            } else {
                targets
            });
            sim.set_twist(t, self.cfg.twist_events);
        }
        let tuned = crate::shift::Tuned {
            shift: sim.shift.clone(),
            target: x,
        };
        (sim, Some(tuned))
    }

    /// Run both passes and return per-path and per-policy detail.
    pub fn run_detail(
        &self,
        sim: &Sim,
        settings: &RunSettings,
        control: &Control,
    ) -> Result<RunDetail, EngineError> {
        let plan = RunPlan {
            paths: settings.paths,
            chunk_size: settings.chunk_size,
            threads: settings.threads,
        };
        let chunks = levee_engine::run(&Pass1 { sim }, &plan, control)?;
        // Totals by claim id (policies, then groups), split into policies
        // before the per-policy figures (Sim::per_policy).
        let ids = sim.claim_ids();
        let n = sim.pols.len();
        let np = settings.paths as usize;
        let (mut book, mut pipe, mut weight) = (
            Vec::with_capacity(np),
            Vec::with_capacity(np),
            Vec::with_capacity(np),
        );
        let mut el = vec![0i128; ids];
        for c in chunks {
            for o in c.out {
                book.push(o.book);
                pipe.push(o.pipe);
                weight.push(o.weight);
            }
            for (a, b) in el.iter_mut().zip(c.el) {
                *a += b;
            }
        }
        let total: Vec<f64> = book.iter().zip(&pipe).map(|(a, b)| a + b).collect();
        let alpha = self.cfg.capital.level;
        let ws = Weighted::new(&total, Some(&weight));
        let var = ws.var(alpha);
        let es = ws.es_measure(alpha, var).value;
        let h = self.cfg.var_window * (1.0 - alpha);
        let win = (
            ws.var((alpha - h).max(0.0)),
            ws.var((alpha + h).min(1.0 - 1e-15)),
        );
        let chunks2 = levee_engine::run(
            &Pass2 {
                sim,
                loss: &total,
                weight: &weight,
                var,
                win,
            },
            &plan,
            control,
        )?;
        let (mut tail, mut atom, mut wsum) = (vec![0i128; ids], vec![0i128; ids], vec![0i128; ids]);
        let mut atom_n = 0u64;
        for c in chunks2 {
            if c.tail.is_empty() {
                continue;
            }
            for i in 0..ids {
                tail[i] += c.tail[i];
                atom[i] += c.atom[i];
                wsum[i] += c.win[i];
            }
            atom_n += c.atom_n;
        }
        let (el, tail, atom, wsum) = (
            sim.per_policy(&el),
            sim.per_policy(&tail),
            sim.per_policy(&atom),
            sim.per_policy(&wsum),
        );
        let nf = np as f64;
        let above: f64 = total
            .iter()
            .zip(&weight)
            .filter(|(l, _)| **l > var)
            .map(|(_, w)| *w)
            .sum::<f64>()
            / nf;
        let beta = ((1.0 - alpha) - above).max(0.0);
        let es_c: Vec<f64> = (0..n)
            .map(|i| {
                let a = if atom_n > 0 {
                    from_fixed(atom[i]) / atom_n as f64
                } else {
                    0.0
                };
                (from_fixed(tail[i]) / nf + beta * a) / (1.0 - alpha)
            })
            .collect();
        let wtot: i128 = wsum.iter().sum();
        let var_c: Vec<f64> = (0..n)
            .map(|i| {
                if wtot > 0 {
                    var * wsum[i] as f64 / wtot as f64
                } else {
                    0.0
                }
            })
            .collect();
        Ok(RunDetail {
            book,
            pipe,
            weight,
            el: el.iter().map(|&x| from_fixed(x) / nf).collect(),
            var: var_c,
            es: es_c,
            var_es: (var, es),
        })
    }

    /// Run on the engine. Deterministic for a given settings.seed and settings.paths.
    pub fn run(
        &self,
        settings: &RunSettings,
        control: &Control,
    ) -> Result<ModelOutput, EngineError> {
        let (sim, tuned) = self.compile_tuned_threads(settings.seed, settings.threads);
        let d = self.run_detail(&sim, settings, control)?;
        Ok(crate::report::build(
            self,
            &sim,
            tuned.as_ref(),
            &d,
            settings,
        ))
    }

    /// Reporting currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }
}

/// Risk measures of a weighted sample at a level, as JSON and for text.
pub(crate) fn measures(ws: &Weighted, alpha: f64) -> (Measure, Measure) {
    let v = ws.var_measure(alpha);
    let e = ws.es_measure(alpha, v.value);
    (v, e)
}

pub(crate) fn json_measure(m: &Measure) -> Value {
    json!({ "value": finite(m.value), "std_error": finite(m.std_error), "ci95": [finite(m.ci95_low), finite(m.ci95_high)] })
}

pub(crate) fn text_row(name: &str, m: &Measure, c: Currency) -> Vec<String> {
    vec![
        name.into(),
        fmt_money(m.value, c),
        fmt_money(m.std_error, c),
        format!(
            "{} – {}",
            fmt_money(m.ci95_low, c),
            fmt_money(m.ci95_high, c)
        ),
    ]
}

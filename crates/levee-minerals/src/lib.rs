//! Levee's critical-minerals supply-security model.
//!
//! Monthly steps over the horizon. Each material has a demand, suppliers with
//! shares of normal supply (or fixed capacities), random disruptions
//! (per-supplier two-state Markov chains or Poisson arrivals, common
//! geopolitical shocks hitting several suppliers and materials together),
//! scheduled stress events, surge capacity after a lag, a national stockpile
//! with release and replenishment rules, and diversification investments.
//! Every path is simulated twice on the same draws: with the policy
//! (stockpile and investments) and without it, so the shortfall avoided is a
//! paired difference.
//!
//! The equations, the order of operations within a month, units and the
//! closed-form checks are in `docs/models/minerals.md`.
//!
//! ```
//! use levee_minerals::MineralsModel;
//! use levee_model::{RunSettings, ScenarioContext};
//! use levee_scenario::Scenario;
//! use levee_units::{Currency, FxTable, YearMonth};
//!
//! let text = r#"
//! [minerals]
//! [[minerals.materials]]
//! name = "Dy"
//! demand = "10 t/month"
//! price = "¥50m/t"
//! suppliers = [{ name = "A", share = 1.0 }]
//! stockpile = { target = "60 days", initial = "2 months" }
//! [[minerals.events]]
//! supplier = "A"
//! start = "2025-06"
//! duration = "3 months"
//! cut = 1.0
//! "#;
//! let sc = Scenario::from_str("demo.toml", text).unwrap();
//! let start = YearMonth::parse("2025-04").unwrap();
//! let ctx = ScenarioContext { fx: FxTable::new(), currency: Currency::JPY, start, horizon_months: 12 };
//! let root = sc.root();
//! let model = MineralsModel::from_scenario(&root.table("minerals").unwrap(), &ctx).unwrap();
//! let settings = RunSettings { paths: 4, seed: 1, threads: 1, chunk_size: 2, start, horizon_months: 12 };
//! let out = model.run(&settings, &Default::default()).unwrap();
//! // 3 months × 10 t cut, 20 t in stock: 10 t unmet on every path.
//! assert_eq!(out.summary["materials"][0]["unmet_t"]["mean"], 10.0);
//! ```

mod analytic;
mod binned;
mod config;
mod disruption;
mod fan;
mod indicators;
mod ratio;
mod read;
mod sim;
mod summary;

use std::ops::Range;
use std::sync::{Mutex, PoisonError};

use levee_engine::{Control, EngineError, MAX_PATHS, RunPlan, Simulation};
use levee_model::{ModelOutput, RunSettings, ScenarioContext};
use levee_scenario::Table;

pub use analytic::{newsvendor_with_disruptions, stationary_shortfall};
pub use binned::Binned;
pub use config::{
    Config, Disruption, Duration, Event, Flow, Investment, Material, Process, Stockpile, Supplier,
};
pub use disruption::{Episode, geometric_months};
pub use indicators::{Indicators, indicators, supply_shares};
pub use ratio::{RatioEstimate, ratio_of_means};
pub use read::{MONTH_DAYS, SHARE_TOL};
pub use sim::{GAP_TOL, MatPath, MonthRecord};

use fan::FanSketch;
use sim::{Plan, Scratch};
use summary::{Accumulator, ChunkOut};

/// The critical-minerals model, validated and ready to run.
#[derive(Clone, Debug)]
pub struct MineralsModel {
    cfg: Config,
    currency: levee_units::Currency,
}

/// Per-month records of one material on one path.
#[derive(Clone, Debug, PartialEq)]
pub struct MaterialTrace {
    /// Material name.
    pub name: String,
    /// With the policy (stockpile and investments).
    pub policy: Vec<MonthRecord>,
    /// Without it, on the same draws.
    pub without_policy: Vec<MonthRecord>,
    /// Path-level results.
    pub result: MatPath,
}

impl MineralsModel {
    /// Read and validate the `[minerals]` table. Returns None if any error was recorded in the scenario.
    pub fn from_scenario(section: &Table, ctx: &ScenarioContext) -> Option<Self> {
        let before = section.scenario().error_count();
        let cfg = read::read(section, ctx);
        if section.scenario().error_count() > before {
            return None;
        }
        Some(MineralsModel {
            cfg: cfg?,
            currency: ctx.currency,
        })
    }

    /// The validated inputs.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Run on the engine. Deterministic for a given settings.seed and settings.paths.
    pub fn run(
        &self,
        settings: &RunSettings,
        control: &Control,
    ) -> Result<ModelOutput, EngineError> {
        if settings.paths == 0 || settings.paths > MAX_PATHS {
            return Err(EngineError::Paths(settings.paths));
        }
        let plan = Plan::new(
            &self.cfg,
            settings.start,
            settings.horizon_months,
            settings.seed,
        );
        let mut acc = Accumulator::new(&self.cfg, &plan, settings.paths);
        let chunk = settings.chunk_size.max(1);
        let batch = batch_size(&plan, chunk, settings.threads);
        let ceilings: Vec<f64> = (0..plan.n_materials())
            .filter(|&m| plan.has_stockpile(m))
            .map(|m| plan.stock_ceiling(m))
            .collect();
        let new_worker = || Worker {
            scratch: Scratch::default(),
            fan: FanSketch::new(&ceilings, self.cfg.fan_bins, plan.horizon as usize),
        };
        let pool = Mutex::new(Vec::new());
        let mut first = 0u64;
        while first < settings.paths {
            let n = batch.min(settings.paths - first);
            let sim = BatchSim {
                plan: &plan,
                offset: first,
                pool: &pool,
                new_worker: &new_worker,
            };
            let rp = RunPlan {
                paths: n,
                chunk_size: chunk,
                threads: settings.threads,
            };
            let chunks = levee_engine::run(&sim, &rp, control)?;
            acc.absorb_batch(&chunks);
            first += n;
        }
        let mut workers = pool.into_inner().unwrap_or_else(PoisonError::into_inner);
        let mut fan = workers.pop().unwrap_or_else(new_worker).fan;
        for w in &workers {
            fan.merge(&w.fan);
        }
        acc.set_fan(&fan);
        Ok(acc.finish(&self.cfg, &plan, self.currency))
    }

    /// Month-by-month records of every material on one path: what `run` computes
    /// for path `path` under `settings.seed`, start and horizon.
    pub fn trace(&self, settings: &RunSettings, path: u64) -> Vec<MaterialTrace> {
        let plan = Plan::new(
            &self.cfg,
            settings.start,
            settings.horizon_months,
            settings.seed,
        );
        let mut scratch = Scratch::default();
        let mut rec = Vec::new();
        let out = plan.path(path, &mut scratch, Some(&mut rec));
        rec.into_iter()
            .zip(out.mats)
            .zip(&self.cfg.materials)
            .map(|(((policy, without_policy), result), m)| MaterialTrace {
                name: m.name.clone(),
                policy,
                without_policy,
                result,
            })
            .collect()
    }
}

/// Paths per engine call: whole rounds of chunks over the workers, with the
/// per-path results of one batch kept near 32 MB. Batching never changes
/// results (every reduction is per path, in path order).
fn batch_size(plan: &Plan, chunk: u64, threads: usize) -> u64 {
    let workers = workers(threads) as u64;
    let per_path = (std::mem::size_of::<MatPath>() * plan.n_materials()
        + std::mem::size_of::<(u32, u32)>()) as u64;
    let mem_paths = ((32u64 << 20) / per_path.max(1)).max(1);
    let round = chunk.saturating_mul(workers.max(1));
    mem_paths.div_ceil(round).max(1).saturating_mul(round)
}

/// Worker threads for `threads` (0 = one per core).
fn workers(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
}

/// What a worker thread keeps between chunks: buffers and its share of the
/// stockpile fan (see [`fan`]).
struct Worker {
    scratch: Scratch,
    fan: FanSketch,
}

struct BatchSim<'a, F> {
    plan: &'a Plan,
    offset: u64,
    /// Idle workers; a chunk takes one (or makes one) and puts it back.
    pool: &'a Mutex<Vec<Worker>>,
    new_worker: &'a F,
}

impl<F: Fn() -> Worker + Sync> Simulation for BatchSim<'_, F> {
    type Chunk = ChunkOut;
    fn simulate(&self, paths: Range<u64>) -> ChunkOut {
        let n = (paths.end - paths.start) as usize;
        let m_n = self.plan.n_materials();
        let t_n = self.plan.horizon as usize;
        let taken = self
            .pool
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut w = taken.unwrap_or_else(self.new_worker);
        let mut out = ChunkOut {
            mats: Vec::with_capacity(n * m_n),
            spells: Vec::with_capacity(n),
        };
        for p in paths {
            let path = p + self.offset;
            let r = self.plan.path(path, &mut w.scratch, None);
            out.mats.extend_from_slice(&r.mats);
            out.spells.push((r.spell_total, r.spell_total_cf));
            let slot = w.fan.stage(path);
            let mut k = 0;
            for m in 0..m_n {
                if self.plan.has_stockpile(m) {
                    w.fan
                        .put(k, slot, &w.scratch.stocks[m * t_n..(m + 1) * t_n]);
                    k += 1;
                }
            }
        }
        w.fan.flush();
        self.pool
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(w);
        out
    }
}

//! Funding programs for Levee: steady annual budgets against one-time and ad
//! hoc injections, for long-cycle AI and semiconductor projects.
//!
//! The model steps by Japanese fiscal year (April–March). Budget lines
//! ([`Program`]) appropriate money each year by a parameterised process
//! (steady, ad hoc, one-time, enacted schedule, with freezes and cuts) and pay
//! it out over several years. A regime ([`Regime`]) is a set of lines. Each
//! project ([`Project`]) draws on the lines' allocations to fund its capex
//! plan; private money follows public money in proportion to how predictable
//! the public support is ([`private_multiplier`]); underfunded years slow it
//! down ([`year_step`]), delay has a carrying cost, a large shortfall cancels
//! it, and a late project loses part of its market window.
//!
//! Every regime runs on the same paths with the same draws (common random
//! numbers), so paired differences between regimes have small variance and a
//! regime compared with an identical copy differs by exactly zero.
//!
//! The equations, units, parameters and calibration are in
//! `docs/models/funding.md`; the summary fields in `docs/outputs/funding.md`.

mod accum;
mod calibration;
mod fiscal;
mod layout;
mod lognormal;
mod private;
mod program;
mod progress;
mod project;
mod read;
mod sim;
mod summary;

pub use accum::{Acc, RatioAcc, RatioEstimate, quantise};
pub use calibration::{
    AdHocCalibration, SUPPLEMENTARY_HISTORY, calibrate_ad_hoc, history_calibration,
};
pub use fiscal::{FY_START_MONTH, FiscalGrid, parse_fiscal_year};
pub use lognormal::{lognormal, lognormal_sigma, lognormal_with_sigma};
pub use private::{private_multiplier, private_per_public};
pub use program::{LineKind, Program, Sigmas, YearDraws};
pub use progress::{YearOutcome, effective_public_share, year_step};
pub use project::{Market, Milestone, Project, ProjectPath};
pub use read::{MAX_MONEY, MAX_PROGRAMS, MAX_PROJECTS, MAX_REGIMES};
pub use sim::{PathResult, RegimePath};

use levee_engine::RunPlan;
use levee_units::Currency;

/// A funding regime: the budget lines that fund the projects.
#[derive(Clone, Debug, PartialEq)]
pub struct Regime {
    /// Name.
    pub name: String,
    /// Budget lines.
    pub programs: Vec<Program>,
}

/// Ex-ante moments of the public support a project can expect over a
/// look-ahead window starting in one fiscal year.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Support {
    /// Expected support over the window (yen).
    pub mean: f64,
    /// Coefficient of variation of the window's support (0 if the mean is 0).
    pub cv: f64,
    /// Private commitment multiplier `exp(−β · cv)`.
    pub multiplier: f64,
}

/// The funding model of a scenario's `[funding]` section.
#[derive(Clone, Debug)]
pub struct FundingModel {
    /// Fiscal years of the run.
    pub grid: FiscalGrid,
    /// Projects.
    pub projects: Vec<Project>,
    /// Regimes (at least one).
    pub regimes: Vec<Regime>,
    /// Index of the regime the others are compared with.
    pub baseline: usize,
    /// Look-ahead window of private investors, in fiscal years.
    pub look_ahead: usize,
    /// `β` of the private commitment rule.
    pub private_sensitivity: f64,
    /// Expected total appropriation every regime was scaled to, if any (yen).
    pub equal_total: Option<f64>,
    /// Reporting currency.
    pub currency: Currency,
    /// Ex-ante support by regime, project and grid year.
    pub support: Vec<Vec<Vec<Support>>>,
}

/// Ex-ante mean and variance of `Σ_q w_q · (payments of program q in window
/// years [t, t + look_ahead))` where `w_q` is a weight per program (a project's
/// allocation share, or 1 for the program itself).
pub fn window_moments(
    programs: &[Program],
    weight: impl Fn(&Program) -> f64,
    t: usize,
    look_ahead: usize,
    years: usize,
) -> (f64, f64) {
    let end = (t + look_ahead).min(years);
    let (mut mean, mut var) = (0.0, 0.0);
    for p in programs {
        let a = weight(p);
        if a == 0.0 {
            continue;
        }
        for tau in 0..end {
            let w: f64 = (t.max(tau)..end)
                .filter_map(|j| p.disbursement.get(j - tau))
                .sum();
            if w == 0.0 {
                continue;
            }
            mean += a * w * p.mean_appropriation(tau);
            var += a * a * w * w * p.var_appropriation(tau);
        }
    }
    (mean, var)
}

impl FundingModel {
    /// Assemble a model from validated parts and compute the ex-ante support
    /// moments that drive private co-financing.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        grid: FiscalGrid,
        projects: Vec<Project>,
        regimes: Vec<Regime>,
        baseline: usize,
        look_ahead: usize,
        private_sensitivity: f64,
        equal_total: Option<f64>,
        currency: Currency,
    ) -> Self {
        let support = regimes
            .iter()
            .map(|g| {
                (0..projects.len())
                    .map(|i| {
                        (0..grid.years)
                            .map(|t| {
                                let (mean, var) = window_moments(
                                    &g.programs,
                                    |p| p.allocation.get(i).copied().unwrap_or(0.0),
                                    t,
                                    look_ahead,
                                    grid.years,
                                );
                                let cv = if mean > 0.0 { var.sqrt() / mean } else { 0.0 };
                                Support {
                                    mean,
                                    cv,
                                    multiplier: private_multiplier(private_sensitivity, cv),
                                }
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        FundingModel {
            grid,
            projects,
            regimes,
            baseline,
            look_ahead,
            private_sensitivity,
            equal_total,
            currency,
            support,
        }
    }

    /// Read and validate the `[funding]` table. Returns None if any error was recorded in the scenario.
    pub fn from_scenario(
        section: &levee_scenario::Table,
        ctx: &levee_model::ScenarioContext,
    ) -> Option<Self> {
        let m = read::read(section, ctx);
        if section.scenario().error_count() > 0 {
            return None;
        }
        m
    }

    /// Run on the engine. Deterministic for a given settings.seed and settings.paths.
    pub fn run(
        &self,
        settings: &levee_model::RunSettings,
        control: &levee_engine::Control,
    ) -> Result<levee_model::ModelOutput, levee_engine::EngineError> {
        let sim = sim::FundingSim::new(self, settings.seed);
        let plan = RunPlan {
            paths: settings.paths,
            chunk_size: settings.chunk_size,
            threads: settings.threads,
        };
        let chunks = levee_engine::run(&sim, &plan, control)?;
        let mut total = sim.empty_chunk(0);
        for c in &chunks {
            total.merge(c);
        }
        Ok(summary::build(self, settings, total))
    }

    /// Simulate one path in every regime (for tests and tools): the outcome of
    /// each project under each regime, and each program's appropriations.
    pub fn simulate_path(&self, seed: u64, path: u64) -> PathResult {
        sim::FundingSim::new(self, seed).path(path)
    }

    /// Expected total appropriation of a regime over the grid (yen), in closed form.
    pub fn expected_total(&self, regime: usize) -> f64 {
        self.regimes.get(regime).map_or(f64::NAN, |g| {
            g.programs
                .iter()
                .map(|p| {
                    (0..self.grid.years)
                        .map(|t| p.mean_appropriation(t))
                        .sum::<f64>()
                })
                .sum()
        })
    }
}

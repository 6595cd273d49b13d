//! Long-cycle projects (fabs, AI compute, R&D programs): plan, milestones,
//! delay, cancellation and the value of a market window.

use levee_units::YearMonth;

use crate::year_step;

/// A milestone: a share of the project's work done by a target month.
#[derive(Clone, Debug, PartialEq)]
pub struct Milestone {
    /// Name.
    pub name: String,
    /// Cumulative progress that marks it, as a share of the cost estimate, in (0, 1].
    pub progress: f64,
    /// Target month (on time if reached by the end of it; a milestone already
    /// passed when the run starts counts as on time).
    pub target: YearMonth,
    /// Months from the grid start to the end of the target month.
    pub target_offset: f64,
    /// Where the target date comes from (title and URL), if stated.
    pub source: Option<String>,
}

/// A market window that loses value when the project is late.
#[derive(Clone, Debug, PartialEq)]
pub struct Market {
    /// Deadline month.
    pub deadline: YearMonth,
    /// Months from the grid start to the end of the deadline month.
    pub deadline_offset: f64,
    /// Value of the window if the project completes by the deadline (yen).
    pub value: f64,
    /// Share of the value lost per year of delay after the deadline (linear, capped at 1).
    pub loss_per_year: f64,
}

/// A project.
#[derive(Clone, Debug, PartialEq)]
pub struct Project {
    /// Name.
    pub name: String,
    /// What it is (`fab`, `ai_compute`, `rnd`, `other`), reported as given.
    pub kind: String,
    /// Total cost estimate (yen) = spent before the horizon + planned capex.
    pub cost: f64,
    /// Spent before the first fiscal year of the grid (yen).
    pub spent_to_date: f64,
    /// Planned capex by grid year (yen at estimate, i.e. plan yen).
    pub capex: Vec<f64>,
    /// Share of each year's cost the public side pays, in (0, 1].
    pub public_share: f64,
    /// Most work the project can do in a year (plan yen).
    pub capacity: f64,
    /// Coefficient of variation of the cost factor (lognormal, mean 1).
    pub cost_cv: f64,
    /// Carrying cost per month of delay (yen).
    pub delay_cost_per_month: f64,
    /// Cancelled at the end of the first year whose shortfall against plan exceeds this (yen of plan).
    pub cancel_shortfall: Option<f64>,
    /// Share of unspent public money lost at each fiscal-year end.
    pub reserve_lapse: f64,
    /// Public money already appropriated for the project (e.g. in a multi-year
    /// fund) and available from the first fiscal year (yen).
    pub reserve_at_start: f64,
    /// Market window, if any.
    pub market: Option<Market>,
    /// Milestones.
    pub milestones: Vec<Milestone>,
}

/// What happened to a project on one path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProjectPath {
    /// Time each milestone was reached (months from the grid start; +∞ if not reached).
    pub milestone_time: Vec<f64>,
    /// Completion time (months), if completed within the grid.
    pub completion: Option<f64>,
    /// Grid year at whose end the project was cancelled.
    pub cancelled_at: Option<usize>,
    /// Public money available to the project: its reserve at start plus
    /// disbursements (yen).
    pub public_disbursed: f64,
    /// Public money spent on the project (yen).
    pub public_used: f64,
    /// Private money mobilised (yen).
    pub private: f64,
    /// Public money lost through reserve lapses (yen).
    pub public_lapsed: f64,
    /// Public money disbursed but unspent at the end of the grid (yen).
    pub public_unspent: f64,
    /// Work done in the grid (plan yen).
    pub work: f64,
    /// Months of delay against plan: to completion, or to the grid end if not
    /// completed (a lower bound, censored), ≥ 0.
    pub delay_months: f64,
    /// Carrying cost of delay accrued until completion, cancellation or grid end (yen).
    pub carrying_cost: f64,
    /// Cost overrun: extra spending on the work done, `(f − 1) · work`, plus carrying cost (yen).
    pub cost_overrun: f64,
    /// Market value lost (yen).
    pub market_loss: f64,
}

/// A project's plan as the simulation reads it on every path.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Plan {
    /// [`Project::planned_completion`].
    pub completion: f64,
    /// By grid year: [`Project::planned_cumulative`] capped at the cost
    /// estimate (the work the plan calls for by the end of the year).
    pub capped: Vec<f64>,
    /// By milestone: its threshold of cumulative work `progress · cost`
    /// and that threshold less the snapping tolerance.
    pub thresholds: Vec<(f64, f64)>,
}

/// Relative tolerance under which cumulative progress counts as reaching a threshold.
const SNAP: f64 = 1e-9;

impl Project {
    /// Planned cumulative work by the end of grid year `t` (plan yen, including `spent_to_date`).
    pub fn planned_cumulative(&self, t: usize) -> f64 {
        self.spent_to_date + self.capex.iter().take(t + 1).sum::<f64>()
    }

    /// Planned completion time (months from the grid start): the end of the
    /// last year with planned capex, or 0 if nothing is left to do.
    ///
    /// Equal to the completion time of a fully funded run, since spending is
    /// uniform within a year and the last planned year ends exactly on the total.
    pub fn planned_completion(&self) -> f64 {
        match self.capex.iter().rposition(|&c| c > 0.0) {
            Some(t) if self.cost - self.spent_to_date > SNAP * self.cost => 12.0 * (t + 1) as f64,
            _ => 0.0,
        }
    }

    /// Simulate the project on one path: `cost_factor` yen per plan yen,
    /// public money disbursed to it by grid year, and the private commitment
    /// multiplier by grid year.
    pub fn simulate(
        &self,
        cost_factor: f64,
        disbursed: &[f64],
        multiplier: &[f64],
        out: &mut ProjectPath,
    ) {
        let plan = self.plan(disbursed.len());
        self.simulate_with_plan(cost_factor, disbursed, multiplier, &plan, out);
    }

    /// The per-path constants of [`Project::simulate`] over `years` grid
    /// years, computed once per run by the simulation.
    pub(crate) fn plan(&self, years: usize) -> Plan {
        let eps = SNAP * self.cost;
        Plan {
            capped: (0..years)
                .map(|t| self.planned_cumulative(t).min(self.cost))
                .collect(),
            completion: self.planned_completion(),
            thresholds: self
                .milestones
                .iter()
                .map(|m| {
                    let thr = m.progress * self.cost;
                    (thr, thr - eps)
                })
                .collect(),
        }
    }

    /// [`Project::simulate`] with its plan precomputed by [`Project::plan`].
    pub(crate) fn simulate_with_plan(
        &self,
        cost_factor: f64,
        disbursed: &[f64],
        multiplier: &[f64],
        plan_of: &Plan,
        out: &mut ProjectPath,
    ) {
        let years = disbursed.len();
        let total = self.cost;
        let eps = SNAP * total;
        let mut w = self.spent_to_date;
        // Overwritten in place (the buffer is reused from path to path).
        out.milestone_time.resize(plan_of.thresholds.len(), 0.0);
        for (mt, &(_, low)) in out.milestone_time.iter_mut().zip(&plan_of.thresholds) {
            *mt = if w >= low { 0.0 } else { f64::INFINITY };
        }
        // Kept in locals while the years run (written to `out` at the end).
        let mut completion = (w >= total - eps).then_some(0.0);
        let mut cancelled_at = None;
        let (mut reserve, mut public_disbursed, mut public_used, mut private, mut lapsed) =
            (self.reserve_at_start, self.reserve_at_start, 0.0, 0.0, 0.0);
        // Years while the project is live (neither complete nor cancelled).
        let mut t = 0;
        while t < years && completion.is_none() && cancelled_at.is_none() {
            let d = disbursed[t];
            reserve += d;
            public_disbursed += d;
            let plan = plan_of
                .capped
                .get(t)
                .copied()
                .unwrap_or_else(|| self.planned_cumulative(t).min(total));
            let desired = (plan - w).max(0.0).min(self.capacity).min(total - w);
            let m = multiplier.get(t).copied().unwrap_or(1.0);
            let y = year_step(desired, cost_factor, self.public_share, reserve, m);
            reserve -= y.public_used;
            public_used += y.public_used;
            private += y.private;
            let before = w;
            w += y.progress;
            if y.progress > 0.0 {
                let start = 12.0 * t as f64;
                for (mt, &(thr, low)) in out.milestone_time.iter_mut().zip(&plan_of.thresholds) {
                    if mt.is_infinite() && w >= low {
                        *mt = start + 12.0 * ((thr - before) / y.progress).clamp(0.0, 1.0);
                    }
                }
                if w >= total - eps {
                    completion =
                        Some(start + 12.0 * ((total - before) / y.progress).clamp(0.0, 1.0));
                    w = total;
                }
            }
            if let Some(limit) = self.cancel_shortfall
                && completion.is_none()
                && plan - w > limit
            {
                cancelled_at = Some(t);
            }
            let lapse = reserve * self.reserve_lapse;
            reserve -= lapse;
            lapsed += lapse;
            t += 1;
        }
        // The remaining years only move money: the same operations as a
        // live year's first and last lines.
        for &d in &disbursed[t..] {
            reserve += d;
            public_disbursed += d;
            let lapse = reserve * self.reserve_lapse;
            reserve -= lapse;
            lapsed += lapse;
        }
        out.completion = completion;
        out.cancelled_at = cancelled_at;
        let horizon = 12.0 * years as f64;
        let planned = plan_of.completion;
        let end = match (out.completion, out.cancelled_at) {
            (Some(c), _) => c,
            (None, Some(t)) => 12.0 * (t + 1) as f64,
            (None, None) => horizon,
        };
        out.delay_months = (out.completion.unwrap_or(horizon) - planned).max(0.0);
        out.carrying_cost = self.delay_cost_per_month * (end - planned).max(0.0);
        out.work = w - self.spent_to_date;
        out.cost_overrun = (cost_factor - 1.0) * out.work + out.carrying_cost;
        out.market_loss = match &self.market {
            None => 0.0,
            Some(_) if out.cancelled_at.is_some() => self.market.as_ref().map_or(0.0, |m| m.value),
            Some(m) => {
                let late_years =
                    (out.completion.unwrap_or(horizon) - m.deadline_offset).max(0.0) / 12.0;
                m.value * (m.loss_per_year * late_years).min(1.0)
            }
        };
        out.public_disbursed = public_disbursed;
        out.public_used = public_used;
        out.private = private;
        out.public_lapsed = lapsed;
        out.public_unspent = reserve;
    }
}

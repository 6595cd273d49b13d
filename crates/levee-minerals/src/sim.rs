//! The monthly simulation of one path.
//!
//! Order of operations within month t, for each material (see
//! `docs/models/minerals.md` §3):
//! 1. demand D_t; capacity slots (capacity suppliers, investments online) give
//!    their nominal flow, share suppliers split the rest: share·max(0, D_t − Σ capacity);
//! 2. cuts c_{s,t} (the largest of all processes, shocks and events hitting the
//!    slot) remove c·nominal; the loss L_t = Σ c·nominal;
//! 3. disruption age a_t = a_{t−1}+1 if L_t > 0 else 0; slots with spare
//!    capacity surge once a_t > lag, by spare·(1 − c), in total at most L_t;
//! 4. gap G_t = max(0, D_t − supply_t) (gaps below 1e-9·D_t are rounding and set to 0);
//! 5. release R_t = min(G_t, stock_t, max_release) once the shortfall spell
//!    (months with G_t > threshold·D_t) is older than the release lag;
//! 6. unmet U_t = G_t − R_t;
//! 7. purchase P_t = min(target_t − stock_t, refill rate, budget left / price)⁺
//!    only when G_t = 0;
//! 8. stock_{t+1} = stock_t + P_t − R_t; holding cost stock_{t+1}·price·rate/12.
//!
//! The counterfactual ("no policy") run uses the same cuts with no stockpile
//! and no investments.

use levee_rng::Stream;
use levee_units::YearMonth;

use crate::config::{Config, Flow, Process};
use crate::disruption::{Episode, sample};
use crate::read::{MONTH_DAYS, SlotLayout, offset};

/// Gaps smaller than this share of demand are floating-point noise.
pub const GAP_TOL: f64 = 1e-9;

#[derive(Clone, Copy, Debug)]
enum SlotKind {
    Share(f64),
    Capacity(f64),
    Investment { index: usize, capacity: f64 },
}

#[derive(Clone, Copy, Debug)]
struct SlotPlan {
    kind: SlotKind,
    spare: f64,
    lag: u32,
}

#[derive(Clone, Debug)]
struct StockPlan {
    initial: f64,
    release_lag: u32,
    max_release: f64,
    threshold: f64,
    refill: f64,
    price: f64,
    budget: f64,
    hold_monthly: f64,
}

#[derive(Clone, Debug)]
struct MatPlan {
    demand: Vec<f64>,
    target: Vec<f64>,
    fy_reset: Vec<bool>,
    slots: Vec<SlotPlan>,
    stock: Option<StockPlan>,
    capex: f64,
    cut_offset: usize,
    base_cap: f64,
    share_sum: f64,
    inv_caps: Vec<(usize, f64)>,
    /// The policy run with no cut in any month, computed once. `None` unless
    /// [`Plan::calm_is_exact`] holds for this material.
    calm: Option<Calm>,
}

/// The policy run of a material in months without any cut. Until the first
/// month with a cut, every path's policy run is this run (no gap in any
/// month, so investments and draws do not matter, see [`Plan::calm_is_exact`]):
/// a path resumes it from `states[first cut]` instead of recomputing the
/// months before, with bit-identical state.
#[derive(Clone, Debug)]
struct Calm {
    /// State at the start of month t, for t = 0..=horizon.
    states: Vec<State>,
    /// End-of-month stock, t.
    stocks: Vec<f64>,
}

/// The running state of one material's run at the start of a month.
#[derive(Clone, Copy, Debug, Default)]
struct State {
    stock: f64,
    budget_left: f64,
    age: u32,
    spell_short: u32,
    run: u32,
    r: MatRun,
}

#[derive(Clone, Debug)]
struct InvPlan {
    online: i64,
    success: f64,
}

/// The model laid out month by month for one run (start and horizon fixed).
#[derive(Clone, Debug)]
pub struct Plan {
    /// Horizon in months.
    pub horizon: u32,
    /// First month.
    pub start: YearMonth,
    mats: Vec<MatPlan>,
    invs: Vec<InvPlan>,
    processes: Vec<(Process, Vec<(usize, usize)>)>,
    base_cuts: Vec<f64>,
    base_cut_any: Vec<bool>,
    cover_cap: f64,
    proc_stream: Stream,
    shock_stream: Stream,
    n_supplier_processes: usize,
    inv_stream: Stream,
}

/// One month of one material on one path (for [`crate::MineralsModel::trace`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MonthRecord {
    /// Demand, t.
    pub demand: f64,
    /// Supply from suppliers, investments and surge, t.
    pub supply: f64,
    /// Surge part of the supply, t.
    pub surge: f64,
    /// Gap max(0, demand − supply), t.
    pub gap: f64,
    /// Stock at the start of the month, t.
    pub stock_start: f64,
    /// Released from the stockpile, t.
    pub release: f64,
    /// Bought into the stockpile, t.
    pub purchase: f64,
    /// Stock at the end of the month, t.
    pub stock_end: f64,
    /// Unmet demand, t.
    pub unmet: f64,
}

/// Results of one material on one path.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MatPath {
    /// Unmet demand with the policy (stockpile and investments), t.
    pub unmet: f64,
    /// Unmet demand without them, same draws, t.
    pub unmet_cf: f64,
    /// Any shortfall month with the policy.
    pub short: bool,
    /// Any shortfall month without it.
    pub short_cf: bool,
    /// Longest run of shortfall months with the policy.
    pub spell: u32,
    /// Longest run without it.
    pub spell_cf: u32,
    /// Minimum over months of end-of-month stock in days of that month's consumption (capped).
    pub min_cover: f64,
    /// Purchases, reporting currency.
    pub purchases: f64,
    /// Holding cost, reporting currency.
    pub holding: f64,
    /// Capex of this material's investments decided within the horizon.
    pub capex: f64,
    /// Stock at the start of the horizon, t.
    pub stock_initial: f64,
    /// Stock at the end of the horizon, t.
    pub stock_final: f64,
    /// Price at which stock is valued, reporting currency per tonne.
    pub stock_price: f64,
}

impl MatPath {
    /// Cash outlays: purchases + holding + capex.
    pub fn cash_cost(&self) -> f64 {
        self.purchases + self.holding + self.capex
    }
    /// Economic cost: cash outlays plus the value of the net stock drawdown.
    pub fn net_cost(&self) -> f64 {
        self.cash_cost() + (self.stock_initial - self.stock_final) * self.stock_price
    }
}

/// Reusable per-thread buffers. A `Scratch` must only ever be used with one
/// [`Plan`]: the cut buffers are restored from that plan's scheduled cuts
/// range by range (only the ranges the previous path's episodes touched).
#[derive(Default)]
pub struct Scratch {
    cuts: Vec<f64>,
    cut_any: Vec<bool>,
    /// Whether `cuts`/`cut_any` hold the plan's scheduled cuts plus the
    /// ranges listed in `dirty_cuts`/`dirty_any`.
    primed: bool,
    dirty_cuts: Vec<(usize, usize)>,
    dirty_any: Vec<(usize, usize)>,
    episodes: Vec<Episode>,
    short_any: Vec<bool>,
    short_any_cf: Vec<bool>,
    online: Vec<bool>,
    /// End-of-month stock per material and month (material-major), policy run.
    pub stocks: Vec<f64>,
}

/// What one path produced.
#[derive(Clone, Debug, Default)]
pub struct PathOut {
    /// Per material.
    pub mats: Vec<MatPath>,
    /// Longest run of months with any material short, with the policy.
    pub spell_total: u32,
    /// Same without the policy.
    pub spell_total_cf: u32,
}

impl Plan {
    /// Lay out `cfg` for a run starting at `start` over `horizon` months.
    pub fn new(cfg: &Config, start: YearMonth, horizon: u32, seed: u64) -> Plan {
        let layout = SlotLayout::new(&cfg.materials, &cfg.investments);
        let t_n = horizon as usize;
        let mut cut_offset = 0;
        let mut mats = Vec::new();
        for (mi, m) in cfg.materials.iter().enumerate() {
            let mut demand = Vec::with_capacity(t_n);
            let mut fy_reset = Vec::with_capacity(t_n);
            let mut last_fy = None;
            for t in 0..horizon {
                let ym = start.plus_months(t as i64);
                let growth = (1.0 + m.growth).powf(t as f64 / 12.0);
                demand.push(m.demand.at(ym) * growth);
                let fy = ym.fiscal_year(cfg.fiscal_year_start);
                fy_reset.push(last_fy != Some(fy));
                last_fy = Some(fy);
            }
            let target = demand
                .iter()
                .map(|d| {
                    m.stockpile
                        .as_ref()
                        .map_or(0.0, |s| s.target_days * d / MONTH_DAYS)
                })
                .collect();
            // Shares are validated to sum to 1 within 1e-6; normalise them so
            // that an undisrupted month has no spurious gap of up to 1e-6·D.
            let share_total = m.share_total();
            let mut slots: Vec<SlotPlan> = m
                .suppliers
                .iter()
                .map(|s| SlotPlan {
                    kind: match s.flow {
                        Flow::Share(x) => SlotKind::Share(x / share_total),
                        Flow::Capacity(c) => SlotKind::Capacity(c),
                    },
                    spare: s.spare,
                    lag: s.surge_lag,
                })
                .collect();
            let mut capex = 0.0;
            for (k, inv) in cfg.investments.iter().enumerate() {
                if inv.material == mi {
                    slots.push(SlotPlan {
                        kind: SlotKind::Investment {
                            index: k,
                            capacity: inv.capacity,
                        },
                        spare: inv.spare,
                        lag: inv.surge_lag,
                    });
                    let o = offset(start, inv.decision);
                    if o >= 0 && o < horizon as i64 {
                        capex += inv.capex;
                    }
                }
            }
            debug_assert_eq!(slots.len(), layout.names[mi].len());
            let stock = m.stockpile.as_ref().map(|s| StockPlan {
                initial: s.initial_days * demand.first().copied().unwrap_or(0.0) / MONTH_DAYS,
                release_lag: s.release_lag,
                max_release: s.max_release,
                threshold: s.release_threshold,
                refill: s.refill_rate,
                price: s.price,
                budget: s.budget,
                hold_monthly: s.holding_rate / 12.0,
            });
            let n_slots = slots.len();
            let mut base_cap = 0.0;
            let mut share_sum = 0.0;
            let mut inv_caps = Vec::new();
            for s in &slots {
                match s.kind {
                    SlotKind::Share(x) => share_sum += x,
                    SlotKind::Capacity(c) => base_cap += c,
                    SlotKind::Investment { index, capacity } => inv_caps.push((index, capacity)),
                }
            }
            mats.push(MatPlan {
                calm: None,
                base_cap,
                share_sum,
                inv_caps,
                demand,
                target,
                fy_reset,
                slots,
                stock,
                capex,
                cut_offset,
            });
            cut_offset += n_slots * t_n;
        }
        let flat = |(m, j): (usize, usize)| mats[m].cut_offset + j * t_n;
        let processes = cfg
            .disruptions
            .iter()
            .map(|d| {
                (
                    d.process.clone(),
                    d.targets.iter().map(|&p| (p.0, flat(p))).collect(),
                )
            })
            .collect();
        let mut base_cuts: Vec<f64> = vec![0.0; cut_offset];
        let mut base_cut_any = vec![false; mats.len() * t_n];
        for e in &cfg.events {
            let s = offset(start, e.start);
            let from = s.clamp(0, horizon as i64) as usize;
            let to = (s + e.months as i64).clamp(0, horizon as i64) as usize;
            for &p in &e.targets {
                let o = flat(p);
                for c in &mut base_cuts[o + from..o + to] {
                    *c = c.max(e.cut);
                }
                if e.cut > 0.0 {
                    for f in &mut base_cut_any[p.0 * t_n + from..p.0 * t_n + to] {
                        *f = true;
                    }
                }
            }
        }
        let invs = cfg
            .investments
            .iter()
            .map(|inv| InvPlan {
                online: offset(start, inv.decision) + inv.lead_months as i64,
                success: inv.success,
            })
            .collect();
        let mut plan = Plan {
            horizon,
            start,
            mats,
            invs,
            processes,
            base_cuts,
            base_cut_any,
            cover_cap: cfg.cover_cap_days,
            proc_stream: Stream::new(seed, "minerals/process"),
            shock_stream: Stream::new(seed, "minerals/shock"),
            n_supplier_processes: cfg.n_supplier_processes,
            inv_stream: Stream::new(seed, "minerals/investment"),
        };
        let t_n = horizon as usize;
        for m in 0..plan.mats.len() {
            if plan.calm_is_exact(&plan.mats[m]) {
                let mp = &plan.mats[m];
                let zeros = vec![0.0; mp.slots.len() * t_n];
                let calm_flags = vec![false; t_n];
                let online = vec![false; plan.invs.len()];
                let mut short = vec![false; t_n];
                let mut stocks = vec![0.0; t_n];
                let mut states = Vec::with_capacity(t_n + 1);
                let mut st = plan.start_state(mp, true);
                for t in 0..t_n {
                    states.push(st);
                    plan.advance(
                        mp,
                        (&zeros, &calm_flags),
                        Some(&online),
                        t..t + 1,
                        &mut st,
                        &mut short,
                        Some(&mut stocks),
                        None,
                    );
                }
                states.push(st);
                plan.mats[m].calm = Some(Calm { states, stocks });
            }
        }
        plan
    }

    /// Whether, in a month without any cut, material `mp` has no gap with or
    /// without the policy and for every combination of its investments coming
    /// online: then a month without cut is the same on every path (see
    /// [`Calm`]), and a counterfactual month without cut adds nothing. Checked
    /// with the exact arithmetic of [`Plan::advance`]; false when shares do not
    /// sum to exactly 1 to within rounding, or capacity suppliers alone fall
    /// short of demand.
    fn calm_is_exact(&self, mp: &MatPlan) -> bool {
        let k = mp.inv_caps.len();
        if k > 12 {
            return false;
        }
        for (t, &d) in mp.demand.iter().enumerate() {
            for mask in 0u32..(1 << k) {
                let mut cap_total = mp.base_cap;
                for (j, &(index, capacity)) in mp.inv_caps.iter().enumerate() {
                    if mask & (1 << j) != 0 && self.invs[index].online <= t as i64 {
                        cap_total += capacity;
                    }
                }
                let residual = (d - cap_total).max(0.0);
                let gap = d - (cap_total + mp.share_sum * residual + 0.0);
                if !(gap <= GAP_TOL * d || gap <= 0.0) {
                    return false;
                }
            }
        }
        true
    }

    /// Number of materials.
    pub fn n_materials(&self) -> usize {
        self.mats.len()
    }

    /// Largest stock material `m` can hold (initial or any month's target), t.
    pub fn stock_ceiling(&self, m: usize) -> f64 {
        let mp = &self.mats[m];
        let init = mp.stock.as_ref().map_or(0.0, |s| s.initial);
        mp.target.iter().fold(init, |a, &b| a.max(b))
    }

    /// Whether material `m` has a stockpile.
    pub fn has_stockpile(&self, m: usize) -> bool {
        self.mats[m].stock.is_some()
    }

    /// Simulate one path. End-of-month stocks go to `scratch.stocks`; if
    /// `trace` is given, per-month records (policy, counterfactual) are pushed.
    pub fn path(
        &self,
        path: u64,
        scratch: &mut Scratch,
        mut trace: Option<&mut Vec<(Vec<MonthRecord>, Vec<MonthRecord>)>>,
    ) -> PathOut {
        let t_n = self.horizon as usize;
        // Back to the scheduled cuts: restore only what the last path's
        // episodes touched (a full copy the first time).
        if scratch.primed
            && scratch.cuts.len() == self.base_cuts.len()
            && scratch.cut_any.len() == self.base_cut_any.len()
        {
            for &(a, b) in &scratch.dirty_cuts {
                scratch.cuts[a..b].copy_from_slice(&self.base_cuts[a..b]);
            }
            for &(a, b) in &scratch.dirty_any {
                scratch.cut_any[a..b].copy_from_slice(&self.base_cut_any[a..b]);
            }
        } else {
            scratch.cuts.clear();
            scratch.cuts.extend_from_slice(&self.base_cuts);
            scratch.cut_any.clear();
            scratch.cut_any.extend_from_slice(&self.base_cut_any);
            scratch.primed = true;
        }
        scratch.dirty_cuts.clear();
        scratch.dirty_any.clear();
        for (i, (process, targets)) in self.processes.iter().enumerate() {
            let stream = if i < self.n_supplier_processes {
                self.proc_stream.sub(i as u64)
            } else {
                self.shock_stream
                    .sub((i - self.n_supplier_processes) as u64)
            };
            scratch.episodes.clear();
            sample(process, &stream, path, self.horizon, &mut scratch.episodes);
            for e in &scratch.episodes {
                let (a, b) = (e.start as usize, e.end as usize);
                for &(m, o) in targets {
                    for c in &mut scratch.cuts[o + a..o + b] {
                        *c = c.max(e.severity);
                    }
                    scratch.dirty_cuts.push((o + a, o + b));
                    for f in &mut scratch.cut_any[m * t_n + a..m * t_n + b] {
                        *f = true;
                    }
                    scratch.dirty_any.push((m * t_n + a, m * t_n + b));
                }
            }
        }
        scratch.online.clear();
        for (k, inv) in self.invs.iter().enumerate() {
            let u = self.inv_stream.uniform(path, 0, k as u32);
            scratch.online.push(u < inv.success);
        }
        scratch.short_any.clear();
        scratch.short_any.resize(t_n, false);
        scratch.short_any_cf.clear();
        scratch.short_any_cf.resize(t_n, false);
        // Every month of every material is written below: no need to clear.
        scratch.stocks.resize(self.mats.len() * t_n, 0.0);

        let mut out = PathOut {
            mats: Vec::with_capacity(self.mats.len()),
            ..Default::default()
        };
        for (m, mp) in self.mats.iter().enumerate() {
            let mut rec_pol = trace.as_ref().map(|_| Vec::with_capacity(t_n));
            let mut rec_cf = trace.as_ref().map(|_| Vec::with_capacity(t_n));
            let cuts = &scratch.cuts[mp.cut_offset..mp.cut_offset + mp.slots.len() * t_n];
            let cut_any = &scratch.cut_any[m * t_n..(m + 1) * t_n];
            let stocks = &mut scratch.stocks[m * t_n..(m + 1) * t_n];
            // Months before the first cut and (without policy) after the last
            // one are calm: no gap, and the same on every path (see `Calm`).
            // A trace computes every month.
            let calm = mp.calm.as_ref().filter(|_| rec_pol.is_none());
            let (first, last) = match calm {
                Some(_) => (
                    cut_any.iter().position(|&c| c).unwrap_or(t_n),
                    cut_any.iter().rposition(|&c| c).map_or(0, |l| l + 1),
                ),
                None => (0, t_n),
            };
            let pol = {
                let mut st = match calm {
                    Some(c) => {
                        stocks[..first].copy_from_slice(&c.stocks[..first]);
                        c.states[first]
                    }
                    None => self.start_state(mp, true),
                };
                self.advance(
                    mp,
                    (cuts, cut_any),
                    Some(&scratch.online),
                    first..t_n,
                    &mut st,
                    &mut scratch.short_any,
                    Some(stocks),
                    rec_pol.as_mut(),
                );
                self.finish(st)
            };
            let cf = if calm.is_some() && first >= last {
                MatRun::default()
            } else {
                let mut st = self.start_state(mp, false);
                self.advance(
                    mp,
                    (cuts, cut_any),
                    None,
                    first..last,
                    &mut st,
                    &mut scratch.short_any_cf,
                    None,
                    rec_cf.as_mut(),
                );
                self.finish(st)
            };
            if let (Some(tr), Some(a), Some(b)) = (trace.as_mut(), rec_pol, rec_cf) {
                tr.push((a, b));
            }
            out.mats.push(MatPath {
                unmet: pol.unmet,
                unmet_cf: cf.unmet,
                short: pol.short,
                short_cf: cf.short,
                spell: pol.spell,
                spell_cf: cf.spell,
                min_cover: pol.min_cover,
                purchases: pol.purchases,
                holding: pol.holding,
                capex: mp.capex,
                stock_initial: pol.stock_initial,
                stock_final: pol.stock_final,
                stock_price: mp.stock.as_ref().map_or(0.0, |s| s.price),
            });
        }
        out.spell_total = longest_run(&scratch.short_any);
        out.spell_total_cf = longest_run(&scratch.short_any_cf);
        out
    }

    /// The state before the first month. `policy = false` is the
    /// counterfactual (no stockpile).
    fn start_state(&self, mp: &MatPlan, policy: bool) -> State {
        let stock = if policy {
            mp.stock.as_ref().map_or(0.0, |s| s.initial)
        } else {
            0.0
        };
        State {
            stock,
            r: MatRun {
                stock_initial: stock,
                min_cover: f64::INFINITY,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// The run's result after its last month.
    fn finish(&self, st: State) -> MatRun {
        let mut r = st.r;
        r.min_cover = r.min_cover.min(self.cover_cap);
        r.stock_final = st.stock;
        r
    }

    /// Months `months` of one material, from state `st`. `online = None` is
    /// the counterfactual (no investments, no stockpile).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn advance(
        &self,
        mp: &MatPlan,
        (cuts, cut_any): (&[f64], &[bool]),
        online: Option<&[bool]>,
        months: std::ops::Range<usize>,
        st: &mut State,
        short_any: &mut [bool],
        mut stocks: Option<&mut [f64]>,
        mut rec: Option<&mut Vec<MonthRecord>>,
    ) {
        let t_n = self.horizon as usize;
        let policy = online.is_some();
        let sp = if policy { mp.stock.as_ref() } else { None };
        let State {
            mut stock,
            mut budget_left,
            mut age,
            mut spell_short,
            mut run,
            mut r,
        } = *st;
        for t in months {
            let d = mp.demand[t];
            // 1. Nominal flows.
            let mut cap_total = mp.base_cap;
            if let Some(on) = online {
                for &(index, capacity) in &mp.inv_caps {
                    if on[index] && self.invs[index].online <= t as i64 {
                        cap_total += capacity;
                    }
                }
            }
            let residual = (d - cap_total).max(0.0);
            // 2. Cuts (months with no cut on any slot take the short way: no loss, no surge).
            let mut delivered = 0.0;
            let mut loss = 0.0;
            if !cut_any[t] {
                delivered = cap_total + mp.share_sum * residual;
            } else {
                for (j, s) in mp.slots.iter().enumerate() {
                    let nominal = match s.kind {
                        SlotKind::Share(x) => x * residual,
                        SlotKind::Capacity(c) => c,
                        SlotKind::Investment { index, capacity } => match online {
                            Some(on) if on[index] && self.invs[index].online <= t as i64 => {
                                capacity
                            }
                            _ => 0.0,
                        },
                    };
                    let c = cuts[j * t_n + t];
                    delivered += nominal * (1.0 - c);
                    loss += nominal * c;
                }
            }
            // 3. Surge.
            age = if loss > 0.0 { age + 1 } else { 0 };
            let mut surge = 0.0;
            if loss > 0.0 {
                let mut avail = 0.0;
                for (j, s) in mp.slots.iter().enumerate() {
                    if s.spare > 0.0 && age > s.lag {
                        if let SlotKind::Investment { index, .. } = s.kind {
                            match online {
                                Some(on) if on[index] && self.invs[index].online <= t as i64 => {}
                                _ => continue,
                            }
                        }
                        avail += s.spare * (1.0 - cuts[j * t_n + t]);
                    }
                }
                surge = avail.min(loss);
            }
            let supply = delivered + surge;
            // 4. Gap.
            let mut gap = d - supply;
            if gap <= GAP_TOL * d || gap <= 0.0 {
                gap = 0.0;
            }
            // 5–8. Stockpile.
            let stock_start = stock;
            let (mut release, mut purchase) = (0.0, 0.0);
            if let Some(s) = sp {
                if mp.fy_reset[t] {
                    budget_left = s.budget;
                }
                spell_short = if gap > s.threshold * d {
                    spell_short + 1
                } else {
                    0
                };
                if spell_short > s.release_lag {
                    release = gap.min(stock).min(s.max_release);
                }
                if gap == 0.0 && stock < mp.target[t] {
                    let want = mp.target[t] - stock;
                    let affordable = if s.price > 0.0 {
                        budget_left / s.price
                    } else {
                        f64::INFINITY
                    };
                    purchase = want.min(s.refill).min(affordable).max(0.0);
                    budget_left -= purchase * s.price;
                    r.purchases += purchase * s.price;
                }
                stock = stock + purchase - release;
                r.holding += stock * s.price * s.hold_monthly;
                let cover = if d > 0.0 {
                    stock / (d / MONTH_DAYS)
                } else {
                    f64::INFINITY
                };
                r.min_cover = r.min_cover.min(cover);
            }
            let unmet = gap - release;
            r.unmet += unmet;
            let short = unmet > GAP_TOL * d && unmet > 0.0;
            if short {
                r.short = true;
                short_any[t] = true;
                run += 1;
                r.spell = r.spell.max(run);
            } else {
                run = 0;
            }
            if let Some(out) = stocks.as_deref_mut() {
                out[t] = stock;
            }
            if let Some(rv) = rec.as_deref_mut() {
                rv.push(MonthRecord {
                    demand: d,
                    supply,
                    surge,
                    gap,
                    stock_start,
                    release,
                    purchase,
                    stock_end: stock,
                    unmet,
                });
            }
        }
        *st = State {
            stock,
            budget_left,
            age,
            spell_short,
            run,
            r,
        };
    }
}

#[derive(Clone, Copy, Default, Debug)]
struct MatRun {
    unmet: f64,
    short: bool,
    spell: u32,
    min_cover: f64,
    purchases: f64,
    holding: f64,
    stock_initial: f64,
    stock_final: f64,
}

fn longest_run(flags: &[bool]) -> u32 {
    let (mut best, mut run) = (0u32, 0u32);
    for &f in flags {
        run = if f { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

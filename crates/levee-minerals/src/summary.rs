//! Reducing path results, in path order, into the summary.
//!
//! Per-path values are kept as vectors (exact means, quantiles and tail
//! means); durations, days of cover and the stockpile fan go into integer-count
//! sketches ([`Binned`]), which merge exactly. Nothing is summed per chunk, so
//! results do not depend on thread count or chunk size.

use levee_model::{
    ModelOutput, PathColumn, TextBlock, finite, fmt_money, fmt_num, json_estimate, json_proportion,
};
use levee_stats::{NeumaierSum, estimate, proportion, quantile_sorted, sorted, upper_tail_mean};
use levee_units::Currency;
use serde_json::{Map, Value, json};

use crate::binned::Binned;
use crate::config::Config;
use crate::fan::FanSketch;
use crate::indicators::indicators;
use crate::ratio::ratio_of_means;
use crate::sim::{MatPath, Plan};

/// Results of a chunk of paths, in path order.
pub struct ChunkOut {
    /// `paths × materials` results, path-major.
    pub mats: Vec<MatPath>,
    /// Per path: longest any-material spell with and without the policy.
    pub spells: Vec<(u32, u32)>,
}

struct MatAcc {
    unmet: Vec<f64>,
    unmet_cf: Vec<f64>,
    net_cost: Vec<f64>,
    cash_cost: Vec<f64>,
    short: u64,
    short_cf: u64,
    spell: Binned,
    spell_cf: Binned,
    cover: Option<Binned>,
    cover_at_cap: u64,
    fan: Vec<Binned>,
    purchases: NeumaierSum,
    holding: NeumaierSum,
    capex: NeumaierSum,
}

/// The running reduction.
pub struct Accumulator {
    mats: Vec<MatAcc>,
    prices: Vec<f64>,
    tot_value: Vec<f64>,
    tot_value_cf: Vec<f64>,
    tot_unmet: Vec<f64>,
    tot_unmet_cf: Vec<f64>,
    tot_net: Vec<f64>,
    tot_cash: Vec<f64>,
    tot_short: u64,
    tot_short_cf: u64,
    tot_spell: Binned,
    tot_spell_cf: Binned,
    n: u64,
    cover_cap: f64,
}

impl Accumulator {
    /// An empty accumulator for `plan` (capacity reserved for `paths`).
    pub fn new(cfg: &Config, plan: &Plan, paths: u64) -> Self {
        let t_n = plan.horizon as usize;
        let cap = paths.min(1 << 26) as usize;
        let spell = || Binned::new(t_n as f64 + 1.0, t_n + 1);
        let cover_bins = (cfg.cover_cap_days.ceil() as usize).clamp(1, 40_000);
        let mats = (0..plan.n_materials())
            .map(|m| {
                let has = plan.has_stockpile(m);
                MatAcc {
                    unmet: Vec::with_capacity(cap),
                    unmet_cf: Vec::with_capacity(cap),
                    net_cost: Vec::with_capacity(cap),
                    cash_cost: Vec::with_capacity(cap),
                    short: 0,
                    short_cf: 0,
                    spell: spell(),
                    spell_cf: spell(),
                    cover: has.then(|| Binned::new(cfg.cover_cap_days, cover_bins)),
                    cover_at_cap: 0,
                    fan: if has {
                        (0..t_n)
                            .map(|_| Binned::new(plan.stock_ceiling(m), cfg.fan_bins))
                            .collect()
                    } else {
                        Vec::new()
                    },
                    purchases: NeumaierSum::default(),
                    holding: NeumaierSum::default(),
                    capex: NeumaierSum::default(),
                }
            })
            .collect();
        Accumulator {
            mats,
            prices: cfg.materials.iter().map(|m| m.price).collect(),
            tot_value: Vec::with_capacity(cap),
            tot_value_cf: Vec::with_capacity(cap),
            tot_unmet: Vec::with_capacity(cap),
            tot_unmet_cf: Vec::with_capacity(cap),
            tot_net: Vec::with_capacity(cap),
            tot_cash: Vec::with_capacity(cap),
            tot_short: 0,
            tot_short_cf: 0,
            tot_spell: spell(),
            tot_spell_cf: spell(),
            n: 0,
            cover_cap: cfg.cover_cap_days,
        }
    }

    /// Add a batch of chunks (in path order); the fan comes from [`Accumulator::set_fan`].
    pub fn absorb_batch(&mut self, chunks: &[ChunkOut]) {
        for c in chunks {
            self.absorb(c);
        }
    }

    /// Set the stockpile fan from the merged sketch of all paths (stockpile
    /// materials in order).
    pub fn set_fan(&mut self, fan: &FanSketch) {
        // Materials with a stockpile, in order, are exactly those with a fan.
        for (k, a) in self
            .mats
            .iter_mut()
            .filter(|a| !a.fan.is_empty())
            .enumerate()
        {
            for (t, h) in a.fan.iter_mut().enumerate() {
                *h = fan.binned(k, t);
            }
        }
    }

    /// Add a chunk (chunks must come in path order).
    fn absorb(&mut self, c: &ChunkOut) {
        let m_n = self.mats.len();
        for (p, &(spell, spell_cf)) in c.spells.iter().enumerate() {
            let row = &c.mats[p * m_n..(p + 1) * m_n];
            let (mut value, mut value_cf, mut un, mut un_cf, mut net, mut cash) =
                (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
            let (mut any, mut any_cf) = (false, false);
            for (m, r) in row.iter().enumerate() {
                let a = &mut self.mats[m];
                a.unmet.push(r.unmet);
                a.unmet_cf.push(r.unmet_cf);
                a.net_cost.push(r.net_cost());
                a.cash_cost.push(r.cash_cost());
                a.short += r.short as u64;
                a.short_cf += r.short_cf as u64;
                a.spell.add(r.spell as f64);
                a.spell_cf.add(r.spell_cf as f64);
                if let Some(cv) = a.cover.as_mut() {
                    cv.add(r.min_cover);
                    a.cover_at_cap += (r.min_cover >= self.cover_cap) as u64;
                }
                a.purchases.add(r.purchases);
                a.holding.add(r.holding);
                a.capex.add(r.capex);
                value += r.unmet * self.prices[m];
                value_cf += r.unmet_cf * self.prices[m];
                un += r.unmet;
                un_cf += r.unmet_cf;
                net += r.net_cost();
                cash += r.cash_cost();
                any |= r.short;
                any_cf |= r.short_cf;
            }
            self.tot_value.push(value);
            self.tot_value_cf.push(value_cf);
            self.tot_unmet.push(un);
            self.tot_unmet_cf.push(un_cf);
            self.tot_net.push(net);
            self.tot_cash.push(cash);
            self.tot_short += any as u64;
            self.tot_short_cf += any_cf as u64;
            self.tot_spell.add(spell as f64);
            self.tot_spell_cf.add(spell_cf as f64);
            self.n += 1;
        }
    }

    /// Build the summary, text and path columns.
    pub fn finish(self, cfg: &Config, plan: &Plan, currency: Currency) -> ModelOutput {
        let n = self.n;
        let mut summary = Map::new();
        summary.insert("model".into(), json!("minerals"));
        summary.insert("paths".into(), json!(n));
        summary.insert("start".into(), json!(plan.start.to_string()));
        summary.insert("horizon_months".into(), json!(plan.horizon));
        summary.insert("currency".into(), json!(currency.code()));
        summary.insert("cover_cap_days".into(), finite(self.cover_cap));
        let mut rows = Vec::new();
        let mut notes = Vec::new();
        let mut mats_json = Vec::new();
        let mut columns = Vec::new();
        let months: Vec<String> = (0..plan.horizon)
            .map(|t| plan.start.plus_months(t as i64).to_string())
            .collect();
        for (m, a) in self.mats.into_iter().enumerate() {
            let mat = &cfg.materials[m];
            let price = mat.price;
            let mut o = Map::new();
            o.insert("name".into(), json!(mat.name));
            o.insert(
                "demand_t_per_month_first".into(),
                finite(*mat.demand.at(plan.start)),
            );
            o.insert("price_per_t".into(), finite(price));
            let p = proportion(a.short, n);
            let pcf = proportion(a.short_cf, n);
            o.insert("p_shortfall".into(), json_proportion(&p));
            o.insert("p_shortfall_without_policy".into(), json_proportion(&pcf));
            let (unmet_json, unmet_mean) = dist_json(&a.unmet, 1.0);
            o.insert("unmet_t".into(), unmet_json);
            o.insert("unmet_value".into(), dist_json(&a.unmet, price).0);
            o.insert(
                "unmet_t_without_policy".into(),
                dist_json(&a.unmet_cf, 1.0).0,
            );
            let avoided: Vec<f64> = a
                .unmet_cf
                .iter()
                .zip(&a.unmet)
                .map(|(c, p)| c - p)
                .collect();
            o.insert("avoided_t".into(), json_estimate(&estimate(&avoided)));
            o.insert("shortfall_duration_months".into(), spell_json(&a.spell));
            o.insert(
                "shortfall_duration_months_without_policy".into(),
                spell_json(&a.spell_cf),
            );
            let cover = a
                .cover
                .as_ref()
                .map(|cv| cover_json(cv, a.cover_at_cap, n, self.cover_cap));
            o.insert(
                "min_days_of_cover".into(),
                cover.clone().unwrap_or(Value::Null),
            );
            o.insert(
                "stockpile_fan".into(),
                if a.fan.is_empty() {
                    Value::Null
                } else {
                    fan_json(&a.fan, &months)
                },
            );
            let mean = |s: &NeumaierSum| s.total() / n as f64;
            let net = estimate(&a.net_cost);
            let cash = estimate(&a.cash_cost);
            o.insert(
                "cost".into(),
                json!({
                    "purchases_mean": finite(mean(&a.purchases)),
                    "holding_mean": finite(mean(&a.holding)),
                    "capex_mean": finite(mean(&a.capex)),
                    "cash": json_estimate(&cash),
                    "net": json_estimate(&net),
                }),
            );
            let r = ratio_of_means(&a.net_cost, &avoided);
            o.insert("cost_per_tonne_avoided".into(), ratio_json(&r));
            let ind = indicators(mat, *mat.demand.at(plan.start));
            o.insert(
                "indicators".into(),
                json!({
                    "hhi": finite(ind.hhi),
                    "import_reliance": finite(ind.import_reliance),
                    "supply_risk": ind.supply_risk.map_or(Value::Null, finite),
                }),
            );
            let cover_txt = match a.cover.as_ref() {
                None => "-".to_string(),
                Some(cv) => {
                    let q = cv.quantile(0.05);
                    if q >= self.cover_cap {
                        format!("≥ {}", fmt_num(self.cover_cap))
                    } else {
                        fmt_num(q)
                    }
                }
            };
            rows.push(vec![
                mat.name.clone(),
                fmt_num(p.p),
                fmt_num(pcf.p),
                fmt_num(unmet_mean),
                fmt_money(unmet_mean * price, currency),
                fmt_num(a.spell.quantile(0.95)),
                cover_txt,
                fmt_money(net.mean, currency),
                if r.ratio.is_finite() {
                    fmt_money(r.ratio, currency)
                } else {
                    "n/a".into()
                },
            ]);
            if !r.ratio.is_finite() {
                notes.push(format!(
                    "{}: no shortfall avoided on average, cost per tonne avoided undefined",
                    mat.name
                ));
            }
            mats_json.push(Value::Object(o));
            let safe = mat.name.replace([',', '"', '\n'], "_");
            columns.push(PathColumn {
                name: format!("minerals.{safe}.unmet_t"),
                values: a.unmet,
            });
            columns.push(PathColumn {
                name: format!("minerals.{safe}.unmet_t_without_policy"),
                values: a.unmet_cf,
            });
        }
        summary.insert("materials".into(), Value::Array(mats_json));

        let mut tot = Map::new();
        let p = proportion(self.tot_short, n);
        let pcf = proportion(self.tot_short_cf, n);
        tot.insert("p_shortfall".into(), json_proportion(&p));
        tot.insert("p_shortfall_without_policy".into(), json_proportion(&pcf));
        let (tj, tmean) = dist_json(&self.tot_unmet, 1.0);
        tot.insert("unmet_t".into(), tj);
        let (vj, vmean) = dist_json(&self.tot_value, 1.0);
        tot.insert("unmet_value".into(), vj);
        tot.insert(
            "unmet_value_without_policy".into(),
            dist_json(&self.tot_value_cf, 1.0).0,
        );
        let avoided: Vec<f64> = self
            .tot_unmet_cf
            .iter()
            .zip(&self.tot_unmet)
            .map(|(c, p)| c - p)
            .collect();
        tot.insert("avoided_t".into(), json_estimate(&estimate(&avoided)));
        let avoided_v: Vec<f64> = self
            .tot_value_cf
            .iter()
            .zip(&self.tot_value)
            .map(|(c, p)| c - p)
            .collect();
        tot.insert("avoided_value".into(), json_estimate(&estimate(&avoided_v)));
        tot.insert(
            "shortfall_duration_months".into(),
            spell_json(&self.tot_spell),
        );
        tot.insert(
            "shortfall_duration_months_without_policy".into(),
            spell_json(&self.tot_spell_cf),
        );
        let net = estimate(&self.tot_net);
        tot.insert(
            "cost".into(),
            json!({ "cash": json_estimate(&estimate(&self.tot_cash)), "net": json_estimate(&net) }),
        );
        let r = ratio_of_means(&self.tot_net, &avoided);
        tot.insert("cost_per_tonne_avoided".into(), ratio_json(&r));
        let rv = ratio_of_means(&self.tot_net, &avoided_v);
        tot.insert("cost_per_unit_value_avoided".into(), ratio_json(&rv));
        summary.insert("total".into(), Value::Object(tot));
        rows.push(vec![
            "total".into(),
            fmt_num(p.p),
            fmt_num(pcf.p),
            fmt_num(tmean),
            fmt_money(vmean, currency),
            fmt_num(self.tot_spell.quantile(0.95)),
            "-".into(),
            fmt_money(net.mean, currency),
            if r.ratio.is_finite() {
                fmt_money(r.ratio, currency)
            } else {
                "n/a".into()
            },
        ]);
        notes.push(format!(
            "P(shortfall) = share of paths with at least one month of unmet demand in {} months; \"without\" = same draws, no stockpile and no investments",
            plan.horizon
        ));
        notes.push("cost = purchases + holding + capex in the horizon + value of the net stock drawdown; cost/t avoided = ratio of means (delta-method CI in summary.json)".into());
        columns.push(PathColumn {
            name: "minerals.total.unmet_value".into(),
            values: self.tot_value,
        });
        columns.push(PathColumn {
            name: "minerals.total.net_cost".into(),
            values: self.tot_net,
        });
        let text = vec![TextBlock {
            title: format!(
                "Critical minerals ({} paths, {} months from {})",
                n, plan.horizon, plan.start
            ),
            header: [
                "material",
                "P(short)",
                "w/o policy",
                "E[unmet] t",
                "E[unmet] value",
                "longest spell p95 (months)",
                "min cover p5 (days)",
                "E[net cost]",
                "cost/t avoided",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            rows,
            notes,
        }];
        ModelOutput {
            summary,
            text,
            path_columns: columns,
        }
    }
}

/// Mean, s.e., CI, quantiles and CVaR 95% of `v·scale`; also returns the mean.
fn dist_json(v: &[f64], scale: f64) -> (Value, f64) {
    let scaled: Vec<f64> = v.iter().map(|x| x * scale).collect();
    let e = estimate(&scaled);
    let s = sorted(&scaled);
    let mut j = json_estimate(&e);
    if let Value::Object(o) = &mut j {
        o.insert(
            "quantiles".into(),
            json!({
                "p50": finite(quantile_sorted(&s, 0.5)),
                "p90": finite(quantile_sorted(&s, 0.9)),
                "p95": finite(quantile_sorted(&s, 0.95)),
                "p99": finite(quantile_sorted(&s, 0.99)),
            }),
        );
        o.insert("cvar95".into(), finite(upper_tail_mean(&s, 0.95)));
    }
    (j, e.mean)
}

fn spell_json(b: &Binned) -> Value {
    let n = b.total();
    let mut hist = Vec::new();
    let mut mean = NeumaierSum::default();
    for k in 0..=b.bins_len().saturating_sub(1) {
        let c = b.bin_count(k);
        if c > 0 {
            hist.push(json!([k, c]));
            mean.add(k as f64 * c as f64);
        }
    }
    json!({
        "mean": finite(mean.total() / n as f64),
        "p50": finite(b.quantile(0.5)),
        "p90": finite(b.quantile(0.9)),
        "p95": finite(b.quantile(0.95)),
        "p99": finite(b.quantile(0.99)),
        "histogram": hist,
    })
}

fn cover_json(b: &Binned, at_cap: u64, n: u64, cap: f64) -> Value {
    let q = |p: f64| {
        let v = b.quantile(p);
        json!({ "days": finite(v.min(cap)), "at_cap": v >= cap })
    };
    json!({
        "p05": q(0.05),
        "p25": q(0.25),
        "p50": q(0.5),
        "share_at_cap": finite(at_cap as f64 / n as f64),
        "resolution_days": finite(b.width()),
    })
}

fn fan_json(fan: &[Binned], months: &[String]) -> Value {
    let col = |p: f64| {
        fan.iter()
            .map(|h| finite(h.quantile(p)))
            .collect::<Vec<_>>()
    };
    json!({
        "months": months,
        "resolution_t": finite(fan.first().map_or(f64::NAN, Binned::width)),
        "p05": col(0.05),
        "p25": col(0.25),
        "p50": col(0.5),
        "p75": col(0.75),
        "p95": col(0.95),
    })
}

fn ratio_json(r: &crate::ratio::RatioEstimate) -> Value {
    json!({
        "ratio": finite(r.ratio),
        "std_error": finite(r.std_error),
        "ci95": [finite(r.ci95_low), finite(r.ci95_high)],
    })
}

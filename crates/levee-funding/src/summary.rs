//! The `funding` section of `summary.json` and the summary table.

use levee_model::{
    ModelOutput, PathColumn, RunSettings, TextBlock, finite, fmt_money, fmt_num, json_estimate,
    json_proportion,
};
use levee_stats::{Estimate, Histogram, proportion};
use serde_json::{Map, Value, json};

use crate::sim::{ChunkAcc, MONEY, MONTHS, RATIO};
use crate::{FundingModel, window_moments};

fn month_quantiles(h: &Histogram, n: u64, model: &FundingModel) -> Value {
    if n == 0 {
        return json!({ "p10": null, "p50": null, "p90": null });
    }
    let q = |p: f64| Value::from(model.grid.month_at(h.quantile(p)).to_string());
    json!({ "p10": q(0.1), "p50": q(0.5), "p90": q(0.9) })
}

fn est(e: &Estimate) -> Value {
    json_estimate(e)
}

fn pm(e: &Estimate, f: impl Fn(f64) -> String) -> String {
    if e.mean.is_nan() {
        "–".into()
    } else {
        format!("{} ± {}", f(e.mean), f(1.959_963_984_540_054 * e.std_error))
    }
}

pub(crate) fn build(model: &FundingModel, settings: &RunSettings, acc: ChunkAcc) -> ModelOutput {
    let n = acc.n;
    let cur = model.currency;
    let money = |x: f64| fmt_money(x, cur);
    let years = model.grid.years;
    let mut summary = Map::new();
    summary.insert(
        "fiscal_years".into(),
        json!((0..years).map(|t| model.grid.label(t)).collect::<Vec<_>>()),
    );
    summary.insert("currency".into(), json!(cur.code()));
    summary.insert("paths".into(), json!(n));
    summary.insert("seed".into(), json!(settings.seed));
    summary.insert("baseline".into(), json!(model.regimes[model.baseline].name));
    summary.insert("look_ahead_years".into(), json!(model.look_ahead));
    summary.insert(
        "private_sensitivity".into(),
        finite(model.private_sensitivity),
    );
    summary.insert(
        "equal_total".into(),
        model.equal_total.map_or(Value::Null, finite),
    );

    let mut text = Vec::new();
    let mut regimes = Map::new();
    let mut regime_rows = Vec::new();
    let mut milestone_rows: Vec<Vec<String>> = Vec::new();
    for (i, p) in model.projects.iter().enumerate() {
        for (k, ms) in p.milestones.iter().enumerate() {
            let mut row = vec![format!("{} / {} by {}", p.name, ms.name, ms.target)];
            for r in 0..model.regimes.len() {
                let pr = proportion(acc.projects[r][i].on_time[k], n);
                row.push(fmt_num(pr.p));
            }
            milestone_rows.push(row);
        }
    }
    for (r, g) in model.regimes.iter().enumerate() {
        let mut programs = Map::new();
        let mut private_total = 0.0;
        for (q, p) in g.programs.iter().enumerate() {
            let pa = &acc.programs[r][q];
            let predict: Vec<f64> = (0..years)
                .map(|t| {
                    let (m, v) = window_moments(
                        std::slice::from_ref(p),
                        |_| 1.0,
                        t,
                        model.look_ahead,
                        years,
                    );
                    1.0 / (1.0 + if m > 0.0 { v.sqrt() / m } else { 0.0 })
                })
                .collect();
            let predictability = predict.iter().sum::<f64>() / years as f64;
            let rcv = pa.realized_cv.estimate(RATIO);
            programs.insert(
                p.name.clone(),
                json!({
                    "kind": p.kind.name(),
                    "scale": finite(p.scale),
                    "expected_appropriation_by_fy": (0..years).map(|t| finite(p.mean_appropriation(t))).collect::<Vec<_>>(),
                    "ex_ante_cv_by_fy": (0..years).map(|t| {
                        let m = p.mean_appropriation(t);
                        finite(if m > 0.0 { p.var_appropriation(t).sqrt() / m } else { 0.0 })
                    }).collect::<Vec<_>>(),
                    "predictability": finite(predictability),
                    "appropriated_by_fy": pa.appropriated.iter().map(|&a| finite(a as f64 / n as f64 / MONEY)).collect::<Vec<_>>(),
                    "disbursed_by_fy": pa.disbursed.iter().map(|&a| finite(a as f64 / n as f64 / MONEY)).collect::<Vec<_>>(),
                    "total_appropriated": est(&pa.total.estimate(MONEY)),
                    "undisbursed_at_end": est(&pa.undisbursed.estimate(MONEY)),
                    "realized_cv": est(&rcv),
                }),
            );
        }
        let mut projects = Map::new();
        let mut rows = Vec::new();
        for (i, p) in model.projects.iter().enumerate() {
            let a = &acc.projects[r][i];
            let mut ms = Map::new();
            for (k, m) in p.milestones.iter().enumerate() {
                ms.insert(
                    m.name.clone(),
                    json!({
                        "progress": finite(m.progress),
                        "target": m.target.to_string(),
                        "target_source": m.source,
                        "on_time": json_proportion(&proportion(a.on_time[k], n)),
                        "reached_in_horizon": json_proportion(&proportion(a.reached[k], n)),
                    }),
                );
            }
            let lev = a.leverage.estimate();
            let private = a.private.estimate(MONEY);
            private_total += private.mean;
            let support = &model.support[r][i];
            let completed = proportion(a.completed, n);
            let delay_c = a.delay_completed.estimate(MONTHS);
            let public = a.public_used.estimate(MONEY);
            projects.insert(
                p.name.clone(),
                json!({
                    "kind": p.kind,
                    "cost_estimate": finite(p.cost),
                    "planned_completion": model.grid.month_at(p.planned_completion()).to_string(),
                    "milestones": ms,
                    "completed": json_proportion(&completed),
                    "cancelled": json_proportion(&proportion(a.cancelled, n)),
                    "completion_date": month_quantiles(&a.completion_hist, a.completed, model),
                    "delay_months_if_completed": {
                        "estimate": est(&delay_c),
                        "p50": if a.completed > 0 { finite(a.delay_hist.quantile(0.5)) } else { Value::Null },
                        "p90": if a.completed > 0 { finite(a.delay_hist.quantile(0.9)) } else { Value::Null },
                    },
                    "delay_months_censored": est(&a.delay.estimate(MONTHS)),
                    "cost_overrun": est(&a.overrun.estimate(MONEY)),
                    "carrying_cost": est(&a.carrying.estimate(MONEY)),
                    "public_disbursed": est(&a.public_disbursed.estimate(MONEY)),
                    "public_spent": est(&public),
                    "public_unspent_at_end": est(&a.unspent.estimate(MONEY)),
                    "public_lapsed": est(&a.lapsed.estimate(MONEY)),
                    "private_mobilized": est(&private),
                    "leverage": {
                        "ratio": finite(lev.ratio),
                        "std_error": finite(lev.std_error),
                        "ci95": [finite(lev.ratio - 1.959_963_984_540_054 * lev.std_error), finite(lev.ratio + 1.959_963_984_540_054 * lev.std_error)],
                    },
                    "support_cv_by_fy": support.iter().map(|s| finite(s.cv)).collect::<Vec<_>>(),
                    "private_multiplier_by_fy": support.iter().map(|s| finite(s.multiplier)).collect::<Vec<_>>(),
                    "market_value_lost": est(&a.market_loss.estimate(MONEY)),
                }),
            );
            rows.push(vec![
                p.name.clone(),
                fmt_num(completed.p),
                fmt_num(proportion(a.cancelled, n).p),
                month_quantiles(&a.completion_hist, a.completed, model)["p50"]
                    .as_str()
                    .unwrap_or("–")
                    .to_string(),
                pm(&delay_c, fmt_num),
                money(public.mean),
                money(private.mean),
                fmt_num(lev.ratio),
            ]);
        }
        let total = acc.programs[r]
            .iter()
            .fold(crate::Acc::default(), |mut s, p| {
                s.merge(&p.total);
                s
            });
        // The per-program totals are independent sums of the same paths; the
        // regime total's mean is exact, its standard error comes from the
        // paired-difference accumulator's spread only for non-baseline regimes.
        let total_mean = total.s as f64 / n.max(1) as f64;
        regimes.insert(
            g.name.clone(),
            json!({
                "expected_total_appropriation": finite(model.expected_total(r)),
                "mean_total_appropriation": finite(total_mean),
                "realized_cv_of_total": est(&acc.regime_cv[r].estimate(RATIO)),
                "programs": programs,
                "projects": projects,
            }),
        );
        regime_rows.push(vec![
            g.name.clone(),
            money(model.expected_total(r)),
            money(total_mean),
            fmt_num(acc.regime_cv[r].mean(RATIO)),
            money(private_total),
        ]);
        text.push(TextBlock {
            title: format!(
                "Funding regime {:?}{}",
                g.name,
                if r == model.baseline {
                    " (baseline)"
                } else {
                    ""
                }
            ),
            header: [
                "project",
                "P(done)",
                "P(cancel)",
                "median done",
                "delay if done (mo)",
                "public spent",
                "private",
                "leverage",
            ]
            .map(String::from)
            .to_vec(),
            rows,
            notes: vec![],
        });
    }
    summary.insert("regimes".into(), Value::Object(regimes));

    let mut comparison = Map::new();
    let mut cmp_rows = Vec::new();
    for (r, g) in model.regimes.iter().enumerate() {
        if r == model.baseline {
            continue;
        }
        let mut projects = Map::new();
        for (i, p) in model.projects.iter().enumerate() {
            let pa = &acc.pairs[r][i];
            let mut ms = Map::new();
            for (k, m) in p.milestones.iter().enumerate() {
                ms.insert(m.name.clone(), est(&pa.on_time[k].estimate(1.0)));
            }
            let delay = pa.delay.estimate(MONTHS);
            let private = pa.private.estimate(MONEY);
            if let Some(k) = p.milestones.len().checked_sub(1) {
                let d = pa.on_time[k].estimate(1.0);
                cmp_rows.push(vec![
                    format!("{} / {}", g.name, p.name),
                    format!("{} ({})", pm(&d, fmt_num), p.milestones[k].name),
                    pm(&delay, fmt_num),
                    pm(&private, money),
                ]);
            }
            projects.insert(
                p.name.clone(),
                json!({
                    "milestones_on_time": ms,
                    "completed": est(&pa.completed.estimate(1.0)),
                    "cancelled": est(&pa.cancelled.estimate(1.0)),
                    "delay_months_censored": est(&delay),
                    "public_spent": est(&pa.public_used.estimate(MONEY)),
                    "private_mobilized": est(&private),
                    "cost_overrun": est(&pa.overrun.estimate(MONEY)),
                    "market_value_lost": est(&pa.market_loss.estimate(MONEY)),
                }),
            );
        }
        comparison.insert(
            g.name.clone(),
            json!({
                "vs": model.regimes[model.baseline].name,
                "total_appropriation": est(&acc.total_diff[r].estimate(MONEY)),
                "projects": projects,
            }),
        );
    }
    summary.insert("comparison".into(), Value::Object(comparison));

    let mut header = vec!["milestone".to_string()];
    header.extend(model.regimes.iter().map(|g| g.name.clone()));
    text.insert(
        0,
        TextBlock {
            title: "Funding: probability each milestone is reached by its target".into(),
            header,
            rows: milestone_rows,
            notes: vec![],
        },
    );
    text.insert(
        1,
        TextBlock {
            title: "Funding regimes".into(),
            header: [
                "regime",
                "expected total",
                "mean total",
                "realized CV of yearly total",
                "private mobilized",
            ]
            .map(String::from)
            .to_vec(),
            rows: regime_rows,
            notes: model
                .equal_total
                .map(|t| {
                    format!(
                        "planned parts scaled so every regime's expected total is {}",
                        money(t)
                    )
                })
                .into_iter()
                .collect(),
        },
    );
    if !cmp_rows.is_empty() {
        text.push(TextBlock {
            title: format!(
                "Funding: paired differences vs {:?} (same draws; ± is the 95% half-width)",
                model.regimes[model.baseline].name
            ),
            header: [
                "regime / project",
                "Δ P(last milestone on time)",
                "Δ delay (months, censored)",
                "Δ private",
            ]
            .map(String::from)
            .to_vec(),
            rows: cmp_rows,
            notes: vec![],
        });
    }

    let mut path_columns = Vec::new();
    for (i, (p, pair)) in model.projects.iter().zip(acc.columns.chunks(2)).enumerate() {
        let _ = i;
        if let [delay, private] = pair {
            path_columns.push(PathColumn {
                name: format!("funding.{}.delay_months", p.name),
                values: delay.clone(),
            });
            path_columns.push(PathColumn {
                name: format!("funding.{}.private_mobilized", p.name),
                values: private.clone(),
            });
        }
    }
    ModelOutput {
        summary,
        text,
        path_columns,
    }
}

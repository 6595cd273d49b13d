//! Summaries: `summary.json` section, terminal tables and per-path columns.

use std::collections::BTreeMap;

use levee_model::{
    ModelOutput, PathColumn, RunSettings, TextBlock, finite, fmt_money, fmt_num, json_estimate,
};
use serde_json::{Map, Value, json};

use crate::config::Method;
use crate::model::{InsuranceModel, RunDetail, json_measure, measures, text_row};
use crate::shift::Tuned;
use crate::sim::Sim;
use crate::tail::Weighted;

/// Capital requirement (VaR or ES at the standard's level) of book + m × pipeline.
pub fn requirement(book: &[f64], pipe: &[f64], w: &[f64], m: f64, alpha: f64, es: bool) -> f64 {
    let l: Vec<f64> = book.iter().zip(pipe).map(|(a, b)| a + m * b).collect();
    Weighted::new(&l, Some(w)).measure(alpha, es)
}

/// Largest pipeline multiple m in [0, m_max] with requirement(m) ≤ capital
/// (bisection; the requirement is non-decreasing in m because pipeline losses
/// are non-negative path by path). Returns (m, binding).
pub fn capacity(
    book: &[f64],
    pipe: &[f64],
    w: &[f64],
    capital: f64,
    alpha: f64,
    es: bool,
    m_max: f64,
) -> (f64, bool) {
    let r = |m: f64| requirement(book, pipe, w, m, alpha, es);
    if r(0.0) > capital {
        return (0.0, true);
    }
    if r(m_max) <= capital {
        return (m_max, false);
    }
    let (mut lo, mut hi) = (0.0, m_max);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if r(mid) <= capital {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-9 * hi {
            break;
        }
    }
    (lo, true)
}

fn group(
    names: &[String],
    key: impl Fn(usize) -> usize,
    d: &RunDetail,
    exposure: &[f64],
) -> Vec<Value> {
    let mut acc: BTreeMap<usize, [f64; 4]> = BTreeMap::new();
    for (i, e) in exposure.iter().enumerate().take(d.el.len()) {
        let a = acc.entry(key(i)).or_insert([0.0; 4]);
        a[0] += e;
        a[1] += d.el[i];
        a[2] += d.var[i];
        a[3] += d.es[i];
    }
    acc.into_iter()
        .map(|(k, a)| json!({ "name": names[k], "exposure": finite(a[0]), "el": finite(a[1]), "var": finite(a[2]), "es": finite(a[3]) }))
        .collect()
}

/// Build the model output.
pub fn build(
    model: &InsuranceModel,
    sim: &Sim,
    tuned: Option<&Tuned>,
    d: &RunDetail,
    settings: &RunSettings,
) -> ModelOutput {
    let cfg = model.config();
    let cur = model.currency();
    let pols = &cfg.policies;
    let n = d.book.len();
    let total: Vec<f64> = d.book.iter().zip(&d.pipe).map(|(a, b)| a + b).collect();
    let wl: Vec<f64> = total.iter().zip(&d.weight).map(|(l, w)| l * w).collect();
    let el = levee_stats::estimate(&wl);
    let wl2: f64 = total
        .iter()
        .zip(&d.weight)
        .map(|(l, w)| w * l * l)
        .sum::<f64>()
        / n as f64;
    let ul = (wl2 - el.mean * el.mean).max(0.0).sqrt();
    let ws = Weighted::new(&total, Some(&d.weight));
    let book_w = Weighted::new(&d.book, Some(&d.weight));
    let h = cfg.horizon_years as f64;
    let has_pipe = pols.iter().any(|p| p.pipeline);

    let mut text = Vec::new();
    let mut rows = vec![
        vec![
            "expected loss".into(),
            fmt_money(el.mean, cur),
            fmt_money(el.std_error, cur),
            format!(
                "{} – {}",
                fmt_money(el.ci95_low, cur),
                fmt_money(el.ci95_high, cur)
            ),
        ],
        vec![
            "unexpected loss (sd)".into(),
            fmt_money(ul, cur),
            String::new(),
            String::new(),
        ],
    ];
    let mut levels = Vec::new();
    for &a in &cfg.levels {
        let (v, e) = measures(&ws, a);
        let (bv, be) = measures(&book_w, a);
        rows.push(text_row(&format!("VaR {}%", fmt_num(a * 100.0)), &v, cur));
        rows.push(text_row(&format!("ES {}%", fmt_num(a * 100.0)), &e, cur));
        levels.push(json!({
            "level": a,
            "var": json_measure(&v),
            "es": json_measure(&e),
            "book_only": { "var": json_measure(&bv), "es": json_measure(&be) },
        }));
    }
    text.push(TextBlock {
        title: format!(
            "Insurance: annual loss of the insured portfolio ({}; {} paths, {})",
            cur,
            fmt_num(n as f64),
            if cfg.method == Method::Plain {
                "plain Monte Carlo"
            } else {
                "importance sampling"
            }
        ),
        header: vec![
            "measure".into(),
            "estimate".into(),
            "s.e.".into(),
            "95% CI".into(),
        ],
        rows,
        notes: vec![format!(
            "horizon {} year(s); book + pipeline",
            cfg.horizon_years
        )],
    });

    // Capital and capacity.
    let cap = &cfg.capital;
    let alpha = cap.level;
    let req_total = requirement(&d.book, &d.pipe, &d.weight, 1.0, alpha, cap.es);
    let req_book = requirement(&d.book, &d.pipe, &d.weight, 0.0, alpha, cap.es);
    let pipe_exposure: f64 = pols.iter().filter(|p| p.pipeline).map(|p| p.exposure).sum();
    let book_exposure: f64 = pols
        .iter()
        .filter(|p| !p.pipeline)
        .map(|p| p.exposure)
        .sum();
    let mut avail = cap.base;
    let mut inj_json = Vec::new();
    let mut crow = vec![vec![
        format!("capital at {}", cap.as_of),
        fmt_money(cap.base, cur),
        format!("CAR {:.2}", cap.base / req_total),
    ]];
    for (date, amt) in &cap.injections {
        let before = avail;
        let after = avail + amt;
        let (mb, _) = if has_pipe {
            capacity(
                &d.book,
                &d.pipe,
                &d.weight,
                before,
                alpha,
                cap.es,
                cfg.multiple_max,
            )
        } else {
            (f64::NAN, false)
        };
        let (ma, _) = if has_pipe {
            capacity(
                &d.book,
                &d.pipe,
                &d.weight,
                after,
                alpha,
                cap.es,
                cfg.multiple_max,
            )
        } else {
            (f64::NAN, false)
        };
        let added = (ma - mb) * pipe_exposure / amt;
        inj_json.push(json!({
            "date": date.to_string(),
            "amount": finite(*amt),
            "capital_before": finite(before),
            "capital_after": finite(after),
            "car_before": finite(before / req_total),
            "car_after": finite(after / req_total),
            "car_book_only_before": finite(before / req_book),
            "car_book_only_after": finite(after / req_book),
            "pipeline_multiple_before": finite(mb),
            "pipeline_multiple_after": finite(ma),
            "capacity_added_per_unit_of_capital": finite(added),
        }));
        crow.push(vec![
            format!("injection {date}"),
            fmt_money(*amt, cur),
            format!("CAR {:.2} → {:.2}", before / req_total, after / req_total),
        ]);
        avail = after;
    }
    let (mult, binding) = if has_pipe {
        capacity(
            &d.book,
            &d.pipe,
            &d.weight,
            avail,
            alpha,
            cap.es,
            cfg.multiple_max,
        )
    } else {
        (f64::NAN, false)
    };
    let measure_name = format!(
        "{} {}%",
        if cap.es { "ES" } else { "VaR" },
        fmt_num(alpha * 100.0)
    );
    crow.push(vec![
        format!("requirement ({measure_name}) book + pipeline"),
        fmt_money(req_total, cur),
        format!("CAR {:.2}", avail / req_total),
    ]);
    crow.push(vec![
        format!("requirement ({measure_name}) book only"),
        fmt_money(req_book, cur),
        format!("CAR {:.2}", avail / req_book),
    ]);
    if has_pipe {
        crow.push(vec![
            "pipeline capacity (multiple of pipeline)".into(),
            fmt_money(mult * pipe_exposure, cur),
            format!(
                "{}×{}{}",
                fmt_num(mult),
                if binding { "" } else { " (not binding)" },
                if req_total <= avail {
                    "; pipeline fits"
                } else {
                    "; pipeline does NOT fit"
                }
            ),
        ]);
    }
    text.push(TextBlock {
        title: "Insurance: capital and underwriting capacity".into(),
        header: vec!["item".into(), "amount".into(), "ratio".into()],
        rows: crow,
        notes: vec![],
    });

    // Underwriting result.
    let prem = |pipe: bool| -> f64 {
        pols.iter()
            .filter(|p| p.pipeline == pipe)
            .map(|p| p.premium_rate * p.exposure * p.tenor_years.min(h))
            .sum::<f64>()
            + 0.0
    };
    let el_of = |pipe: bool| -> f64 {
        pols.iter()
            .zip(&d.el)
            .filter(|(p, _)| p.pipeline == pipe)
            .map(|(_, e)| *e)
            .sum::<f64>()
            + 0.0
    };
    let (pb, pp) = (prem(false), prem(true));
    let (eb, ep) = (el_of(false), el_of(true));

    // Contributions.
    let exposure: Vec<f64> = pols.iter().map(|p| p.exposure).collect();
    let cnames: Vec<String> = cfg.countries.iter().map(|c| c.name.clone()).collect();
    let snames: Vec<String> = cfg.sectors.iter().map(|c| c.name.clone()).collect();
    let pnames: Vec<String> = crate::portfolio::Product::ALL
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    let pidx = |i: usize| {
        crate::portfolio::Product::ALL
            .iter()
            .position(|(_, p)| *p == pols[i].product)
            .unwrap_or(0)
    };
    let by_country = group(&cnames, |i| pols[i].country, d, &exposure);
    let by_sector = group(&snames, |i| pols[i].sector, d, &exposure);
    let by_product = group(&pnames, pidx, d, &exposure);
    let by_book = group(
        &["book".to_string(), "pipeline".to_string()],
        |i| usize::from(pols[i].pipeline),
        d,
        &exposure,
    );
    let irb: Vec<f64> = pols
        .iter()
        .map(|p| {
            p.exposure
                * crate::irb::irb_capital(
                    p.pd.max(cfg.irb_pd_floor),
                    p.lgd,
                    p.tenor_years.clamp(1.0, 5.0),
                )
        })
        .collect();
    let mut top: Vec<usize> = (0..pols.len()).collect();
    top.sort_by(|&a, &b| d.es[b].total_cmp(&d.es[a]).then(a.cmp(&b)));
    top.truncate(20);
    let top_json: Vec<Value> = top
        .iter()
        .map(|&i| {
            let p = &pols[i];
            json!({ "id": p.id, "obligor": p.obligor, "country": cnames[p.country], "sector": snames[p.sector], "product": p.product.name(),
                    "pipeline": p.pipeline, "exposure": finite(p.exposure), "el": finite(d.el[i]), "var": finite(d.var[i]), "es": finite(d.es[i]), "irb_capital": finite(irb[i]) })
        })
        .collect();
    let mut cc: Vec<&Value> = by_country.iter().collect();
    cc.sort_by(|a, b| {
        b["es"]
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&a["es"].as_f64().unwrap_or(0.0))
    });
    let crows: Vec<Vec<String>> = cc
        .iter()
        .take(12)
        .map(|v| {
            let g = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
            vec![
                v["name"].as_str().unwrap_or("").to_string(),
                fmt_money(g("exposure"), cur),
                fmt_money(g("el"), cur),
                fmt_money(g("var"), cur),
                fmt_money(g("es"), cur),
            ]
        })
        .collect();
    text.push(TextBlock {
        title: format!(
            "Insurance: Euler contributions by country at {}%",
            fmt_num(alpha * 100.0)
        ),
        header: vec![
            "country".into(),
            "exposure".into(),
            "EL".into(),
            "VaR".into(),
            "ES".into(),
        ],
        rows: crows,
        notes: vec![format!(
            "premium income {} against EL {}: expected underwriting result {}",
            fmt_money(pb + pp, cur),
            fmt_money(eb + ep, cur),
            fmt_money(pb + pp - eb - ep, cur)
        )],
    });

    // References: LHP approximation, IRB, CreditRisk+.
    let wsum: f64 = pols.iter().map(|p| p.exposure * p.lgd).sum();
    let pbar = pols
        .iter()
        .map(|p| p.exposure * p.lgd * (1.0 - (1.0 - p.pd).powf(p.tenor_years.min(h))))
        .sum::<f64>()
        / wsum;
    let rbar = pols
        .iter()
        .map(|p| {
            let (g, c, s) = (
                cfg.global_loading,
                cfg.countries[p.country].loading,
                cfg.sectors[p.sector].loading,
            );
            p.exposure * p.lgd * (g * g + c * c + s * s)
        })
        .sum::<f64>()
        / wsum;
    let lhp: Vec<Value> = cfg
        .levels
        .iter()
        .map(|&a| json!({ "level": a, "var": finite(wsum * crate::vasicek::lhp_var(pbar, rbar, a)), "es": finite(wsum * crate::vasicek::lhp_es(pbar, rbar, a)) }))
        .collect();
    let crplus = cfg
        .crplus
        .as_ref()
        .map(|c| crplus_reference(model, c, &cfg.levels));

    let mut s = Map::new();
    s.insert(
        "method".into(),
        json!(if cfg.method == Method::Plain {
            "plain"
        } else {
            "is"
        }),
    );
    s.insert(
        "copula".into(),
        match cfg.t_dof {
            None => json!("gaussian"),
            Some(nu) => json!({ "t": nu }),
        },
    );
    s.insert("currency".into(), json!(cur.code()));
    s.insert("paths".into(), json!(n));
    s.insert("seed".into(), json!(settings.seed));
    s.insert("horizon_years".into(), json!(cfg.horizon_years));
    s.insert(
        "portfolio".into(),
        json!({ "policies": pols.iter().filter(|p| !p.pipeline).count(), "pipeline_policies": pols.iter().filter(|p| p.pipeline).count(),
                "obligors": sim.units.len(), "exposure": finite(book_exposure), "pipeline_exposure": finite(pipe_exposure),
                "countries": cfg.countries.len(), "sectors": cfg.sectors.len(), "political_events": sim.events.len() }),
    );
    s.insert("expected_loss".into(), json_estimate(&el));
    s.insert("unexpected_loss".into(), finite(ul));
    s.insert("levels".into(), Value::Array(levels));
    // The loss distribution: weighted quantiles (inverse distribution function).
    let dist: Vec<Value> = [0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999]
        .iter()
        .map(|&p| json!({ "p": p, "loss": finite(ws.var(p)) }))
        .collect();
    s.insert("loss_distribution".into(), Value::Array(dist));
    s.insert(
        "capital".into(),
        json!({ "measure": if cap.es { "es" } else { "var" }, "level": alpha, "as_of": cap.as_of.to_string(), "base": finite(cap.base), "available": finite(avail),
                "requirement": finite(req_total), "requirement_book_only": finite(req_book), "car": finite(avail / req_total), "car_book_only": finite(avail / req_book),
                "injections": inj_json }),
    );
    s.insert(
        "capacity".into(),
        if has_pipe {
            json!({ "pipeline_multiple": finite(mult), "binding": binding, "multiple_max": cfg.multiple_max, "pipeline_exposure_capacity": finite(mult * pipe_exposure), "pipeline_fits": req_total <= avail })
        } else {
            Value::Null
        },
    );
    s.insert(
        "underwriting".into(),
        json!({ "premium_income": finite(pb + pp), "premium_income_book": finite(pb), "premium_income_pipeline": finite(pp),
                "expected_loss_book": finite(eb), "expected_loss_pipeline": finite(ep), "expected_result": finite(pb + pp - eb - ep) }),
    );
    s.insert(
        "contributions".into(),
        json!({ "level": alpha, "var_window": cfg.var_window,
                "total": { "el": finite(d.el.iter().sum::<f64>()), "var": finite(d.var.iter().sum::<f64>()), "es": finite(d.es.iter().sum::<f64>()) },
                "portfolio": { "var": finite(d.var_es.0), "es": finite(d.var_es.1) },
                "by_country": by_country, "by_sector": by_sector, "by_product": by_product, "by_book": by_book, "top_policies": top_json }),
    );
    let ess = {
        let sw: f64 = d.weight.iter().sum();
        let sw2: f64 = d.weight.iter().map(|w| w * w).sum();
        sw * sw / sw2
    };
    s.insert(
        "importance_sampling".into(),
        match tuned {
            None => Value::Null,
            Some(t) => json!({ "target_loss": finite(t.target), "effective_sample_size": finite(ess),
                "shifts": t.shift.comps.iter().map(|(m, p)| json!({ "probability": finite(*p), "norm": finite(m.iter().map(|x| x * x).sum::<f64>().sqrt()) })).collect::<Vec<_>>() }),
        },
    );
    s.insert(
        "references".into(),
        json!({ "irb_capital": finite(irb.iter().sum::<f64>()), "irb_pd_floor": cfg.irb_pd_floor,
                "lhp": { "mean_pd": finite(pbar), "mean_r2": finite(rbar), "exposure_lgd": finite(wsum), "levels": lhp },
                "creditriskplus": crplus.unwrap_or(Value::Null) }),
    );

    let mut cols = vec![
        PathColumn {
            name: "insurance.loss".into(),
            values: total,
        },
        PathColumn {
            name: "insurance.loss_book".into(),
            values: d.book.clone(),
        },
        PathColumn {
            name: "insurance.loss_pipeline".into(),
            values: d.pipe.clone(),
        },
    ];
    if cfg.method == Method::ImportanceSampling {
        cols.push(PathColumn {
            name: "insurance.is_weight".into(),
            values: d.weight.clone(),
        });
    }
    ModelOutput {
        summary: s,
        text,
        path_columns: cols,
    }
}

fn crplus_reference(model: &InsuranceModel, c: &crate::config::CrPlusCfg, levels: &[f64]) -> Value {
    use crate::crplus::{CrObligor, loss_pmf_fft, moments, var_es};
    let cfg = model.config();
    let h = cfg.horizon_years as f64;
    let obligors: Vec<CrObligor> = cfg
        .policies
        .iter()
        .filter(|p| p.perils & crate::portfolio::COMMERCIAL != 0)
        .map(|p| CrObligor {
            pd: 1.0 - (1.0 - p.pd).powf(p.tenor_years.min(h)),
            units: ((p.exposure * p.lgd / c.loss_unit).round().max(1.0)).min(u32::MAX as f64)
                as u32,
            sector: Some(p.sector),
            weight: c.sector_weight,
        })
        .collect();
    let vars = vec![c.sector_variance; cfg.sectors.len()];
    let (m, v) = moments(&obligors, &vars);
    let maxu = obligors.iter().map(|o| o.units).max().unwrap_or(1) as f64;
    let need = (m + 40.0 * v.sqrt() + maxu + 2.0).ceil();
    if need > (1u64 << 24) as f64 {
        return json!({ "error": "loss grid above 2^24 units: choose a larger loss_unit" });
    }
    let len = (need as usize).next_power_of_two();
    match loss_pmf_fft(&obligors, &vars, len) {
        Ok(pmf) => json!({
            "loss_unit": finite(c.loss_unit), "grid": len, "expected_loss": finite(m * c.loss_unit), "std_dev": finite(v.sqrt() * c.loss_unit),
            "levels": levels.iter().map(|&a| { let (va, es) = var_es(&pmf, a); json!({ "level": a, "var": finite(va * c.loss_unit), "es": finite(es * c.loss_unit) }) }).collect::<Vec<_>>(),
        }),
        Err(e) => json!({ "error": e.to_string() }),
    }
}

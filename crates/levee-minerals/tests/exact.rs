//! Hand-computed cases: every number here is derived in the comment above it.

mod common;

use levee_minerals::{MaterialTrace, MineralsModel};

const ONE_SUPPLIER: &str = r#"
[minerals]
[[minerals.materials]]
name = "Dy"
demand = "10 t/month"
price = "¥1m/t"
suppliers = [{ name = "A", share = 1.0 }]
"#;

fn trace(m: &MineralsModel, horizon: u32, path: u64) -> Vec<MaterialTrace> {
    m.trace(&common::settings(1, 1, horizon), path)
}

fn unmet(t: &MaterialTrace) -> Vec<f64> {
    t.policy.iter().map(|r| r.unmet).collect()
}

/// Full cut of the only supplier for 3 months (2025-06..08) with 20 t in stock
/// (2 months × 10 t/month) and no refill: the gaps are 10, 10, 10; the stock
/// covers the first two months; 10 t are unmet in the third. Without the
/// stockpile all 30 t are unmet.
#[test]
fn scheduled_full_cut_with_known_stockpile() {
    let text = format!(
        "{ONE_SUPPLIER}stockpile = {{ target = \"0 days\", initial = \"2 months\" }}\n\
         [[minerals.events]]\nsupplier = \"A\"\nmaterial = \"Dy\"\nstart = \"2025-06\"\nduration = \"3 months\"\ncut = 1.0\n"
    );
    let m = common::model(&text, 12).unwrap();
    let t = &trace(&m, 12, 0)[0];
    assert_eq!(
        unmet(t),
        vec![0.0, 0.0, 0.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
    let rel: Vec<f64> = t.policy.iter().map(|r| r.release).collect();
    assert_eq!(&rel[2..5], &[10.0, 10.0, 0.0]);
    assert_eq!(t.result.unmet, 10.0);
    assert_eq!(t.result.unmet_cf, 30.0);
    assert_eq!((t.result.spell, t.result.spell_cf), (1, 3));
    // Days of cover: stock 10 t at end of 2025-06 = one month = 30.4375 days;
    // 0 after 2025-07.
    assert_eq!(t.result.min_cover, 0.0);
    // The run agrees on every path (no randomness here).
    let out = m
        .run(&common::settings(10, 3, 12), &Default::default())
        .unwrap();
    let mat = &out.summary["materials"][0];
    assert_eq!(mat["unmet_t"]["mean"], 10.0);
    assert_eq!(mat["unmet_t"]["std_error"], 0.0);
    assert_eq!(mat["unmet_value"]["mean"], 10.0e6);
    assert_eq!(mat["unmet_t_without_policy"]["mean"], 30.0);
    assert_eq!(mat["avoided_t"]["mean"], 20.0);
    assert_eq!(mat["p_shortfall"]["p"], 1.0);
    assert_eq!(mat["shortfall_duration_months"]["p50"], 1.0);
    assert_eq!(mat["shortfall_duration_months_without_policy"]["p50"], 3.0);
    // Net cost: no purchases, no holding cost, 20 t drawn down at ¥1m/t.
    assert_eq!(mat["cost"]["net"]["mean"], 20.0e6);
    assert_eq!(mat["cost_per_tonne_avoided"]["ratio"], 1.0e6);
}

/// Supplier A (share 0.6) is cut for 4 months from 2025-05; B (share 0.4) has
/// 3 t/month spare after a 1-month lag. Loss 6 t/month; the disruption's age
/// is 1, 2, 3, 4, so B surges in ages 2–4: unmet 6 + 3 + 3 + 3 = 15 t.
#[test]
fn surge_after_lag() {
    let text = r#"
[minerals]
[[minerals.materials]]
name = "Dy"
demand = "10 t/month"
price = "¥1m/t"
suppliers = [{ name = "A", share = 0.6 }, { name = "B", share = 0.4, spare = "3 t/month", surge_lag = "1 month" }]
[[minerals.events]]
supplier = "A"
start = "2025-05"
duration = "4 months"
cut = 1.0
"#;
    let m = common::model(text, 8).unwrap();
    let t = &trace(&m, 8, 0)[0];
    assert_eq!(unmet(t), vec![0.0, 6.0, 3.0, 3.0, 3.0, 0.0, 0.0, 0.0]);
    let surge: Vec<f64> = t.policy.iter().map(|r| r.surge).collect();
    assert_eq!(surge, vec![0.0, 0.0, 3.0, 3.0, 3.0, 0.0, 0.0, 0.0]);
}

/// Refill limited by rate and by a fiscal-year budget. Target 2 months = 20 t,
/// start empty, refill ≤ 8 t/month at ¥1m/t, budget ¥18m per fiscal year
/// (April start, the run starts 2025-04): buy 8, 8, then 2 (budget left ¥2m),
/// then nothing until FY2026 (month 12), when 2 t more complete the target.
#[test]
fn refill_rate_and_fiscal_year_budget() {
    let text = format!(
        "{ONE_SUPPLIER}stockpile = {{ target = \"2 months\", initial = \"0 days\", refill_rate = \"8 t/month\", \
         price = \"¥1m/t\", budget = \"¥18m\" }}\n"
    );
    let m = common::model(&text, 15).unwrap();
    let t = &trace(&m, 15, 0)[0];
    let buy: Vec<f64> = t.policy.iter().map(|r| r.purchase).collect();
    assert_eq!(
        buy,
        vec![
            8.0, 8.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0
        ]
    );
    assert_eq!(t.policy[11].stock_end, 18.0);
    assert_eq!(t.policy[12].stock_end, 20.0);
    assert_eq!(t.result.purchases, 20.0e6);
}

/// Release lag and maximum release rate: 100 t in stock, releases only from
/// the second month of a shortfall spell, at most 4 t/month. A 3-month full
/// cut: unmet 10 (no release yet), then 10 − 4 = 6, 6: total 22 t.
#[test]
fn release_lag_and_max_rate() {
    let text = format!(
        "{ONE_SUPPLIER}stockpile = {{ target = \"0 days\", initial = \"10 months\", release_lag = \"1 month\", max_release = \"4 t/month\" }}\n\
         [[minerals.events]]\nsupplier = \"A\"\nstart = \"2025-04\"\nduration = \"3 months\"\ncut = 1.0\n"
    );
    let m = common::model(&text, 4).unwrap();
    let t = &trace(&m, 4, 0)[0];
    assert_eq!(unmet(t), vec![10.0, 6.0, 6.0, 0.0]);
    assert_eq!(t.policy[3].stock_end, 92.0);
}

/// A certain investment of 4 t/month online 2 months after the decision
/// (the horizon start) displaces 4 t/month of the only (share) supplier, which
/// is cut for 6 months: unmet 10, 10, then 6 × 4 = 44 t; without it 60 t.
/// Capex ¥1bn within the horizon: ¥1bn / 16 t = ¥62.5m per tonne avoided.
#[test]
fn investment_displaces_exposed_supply() {
    let text = format!(
        "{ONE_SUPPLIER}[[minerals.investments]]\nname = \"Mine\"\nmaterial = \"Dy\"\ncapex = \"¥1bn\"\nlead_time = \"2 months\"\n\
         capacity = \"4 t/month\"\nsuccess = 1.0\n\
         [[minerals.events]]\nsupplier = \"A\"\nstart = \"2025-04\"\nduration = \"6 months\"\ncut = 1.0\n"
    );
    let m = common::model(&text, 8).unwrap();
    let t = &trace(&m, 8, 0)[0];
    assert_eq!(unmet(t), vec![10.0, 10.0, 6.0, 6.0, 6.0, 6.0, 0.0, 0.0]);
    assert_eq!(t.result.unmet_cf, 60.0);
    let out = m
        .run(&common::settings(5, 1, 8), &Default::default())
        .unwrap();
    let mat = &out.summary["materials"][0];
    assert_eq!(mat["cost"]["capex_mean"], 1.0e9);
    assert_eq!(mat["cost_per_tonne_avoided"]["ratio"], 62.5e6);
    // Success probability 0: the investment never delivers.
    let m0 = common::model(&text.replace("success = 1.0", "success = 0.0"), 8).unwrap();
    assert_eq!(trace(&m0, 8, 0)[0].result.unmet, 60.0);
}

/// A capacity supplier (4 t/month) is served first; share suppliers split the
/// rest (6 t/month). Cutting the share supplier leaves 6 t/month unmet; a
/// second, overlapping 50% event on the same supplier does not add (the
/// largest cut applies).
#[test]
fn capacity_suppliers_and_overlapping_events() {
    let text = r#"
[minerals]
[[minerals.materials]]
name = "Dy"
demand = "10 t/month"
price = "¥1m/t"
suppliers = [{ name = "Recycling", capacity = "4 t/month", domestic = true }, { name = "A", share = 1.0 }]
[[minerals.events]]
supplier = "A"
start = "2025-04"
duration = "2 months"
cut = 1.0
[[minerals.events]]
supplier = "A"
start = "2025-05"
duration = "2 months"
cut = 0.5
"#;
    let m = common::model(text, 4).unwrap();
    let t = &trace(&m, 4, 0)[0];
    assert_eq!(unmet(t), vec![6.0, 6.0, 3.0, 0.0]);
    let out = m
        .run(&common::settings(2, 1, 4), &Default::default())
        .unwrap();
    let ind = &out.summary["materials"][0]["indicators"];
    // Shares of normal supply 0.4 and 0.6: HHI 0.16 + 0.36, import reliance 0.6.
    assert!((ind["hhi"].as_f64().unwrap() - 0.52).abs() < 1e-15);
    assert!((ind["import_reliance"].as_f64().unwrap() - 0.6).abs() < 1e-15);
    assert!(ind["supply_risk"].is_null(), "no WGI given");
}

/// Dated demand and growth: 10 t/month until 2025-06, 20 t/month from then,
/// growing 44% a year: month 12 demand = 20 × 1.44^(12/12) = 28.8.
#[test]
fn dated_demand_with_growth() {
    let text = r#"
[minerals]
[[minerals.materials]]
name = "Dy"
demand = { "2025-04" = "10 t/month", "2025-06" = "20 t/month" }
growth = 0.44
price = "¥1m/t"
suppliers = [{ name = "A", share = 1.0 }]
"#;
    let m = common::model(text, 13).unwrap();
    let t = &trace(&m, 13, 0)[0];
    assert_eq!(t.policy[0].demand, 10.0);
    assert_eq!(t.policy[2].demand, 20.0 * 1.44f64.powf(2.0 / 12.0));
    assert!((t.policy[12].demand - 28.8).abs() < 1e-12);
}

/// Shares summing to 1 − 5e-7 (within the 1e-6 tolerance) are normalised:
/// an undisrupted month has no gap.
#[test]
fn shares_within_tolerance_leave_no_gap() {
    let text = r#"
[minerals]
[[minerals.materials]]
name = "Dy"
demand = "1000 t/month"
price = "¥1m/t"
suppliers = [{ name = "A", share = 0.6 }, { name = "B", share = 0.3999995 }]
"#;
    let m = common::model(text, 6).unwrap();
    let t = &trace(&m, 6, 0)[0];
    assert!(t.policy.iter().all(|r| r.gap == 0.0 && r.unmet == 0.0));
}

/// A cancelled run returns the engine's error, not a partial summary.
#[test]
fn cancelled_run_is_an_error() {
    let m = common::model(ONE_SUPPLIER, 12).unwrap();
    let c = levee_engine::Control::default();
    c.cancel();
    let r = m.run(&common::settings(100, 1, 12), &c);
    assert_eq!(r.unwrap_err(), levee_engine::EngineError::Cancelled);
    let r = m.run(&common::settings(0, 1, 12), &Default::default());
    assert_eq!(r.unwrap_err(), levee_engine::EngineError::Paths(0));
}

/// Degenerate horizons and empty results do not panic.
#[test]
fn zero_horizon_and_one_path() {
    let text = format!("{ONE_SUPPLIER}stockpile = {{ target = \"60 days\" }}\n");
    let m = common::model(&text, 0).unwrap();
    let out = m
        .run(&common::settings(3, 1, 0), &Default::default())
        .unwrap();
    assert_eq!(out.summary["materials"][0]["unmet_t"]["mean"], 0.0);
    let m = common::model(&text, 12).unwrap();
    let out = m
        .run(&common::settings(1, 1, 12), &Default::default())
        .unwrap();
    assert!(out.summary["materials"][0]["unmet_t"]["std_error"].is_number());
}

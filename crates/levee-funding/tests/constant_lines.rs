//! Lines whose amounts do not depend on the draws (enacted schedules, years
//! frozen for certain) are computed once per run and their accumulators are
//! filled once per chunk (`Acc::add_q_times`). These tests check the results
//! of that shortcut against closed forms and against the per-path route.
mod common;
use common::*;
use levee_engine::Control;
use serde_json::Value;

/// One project and two regimes: "enacted" has only a schedule-only line
/// (constant on every path) and a line frozen for certain in its one
/// scheduled year; "mixed" adds a random steady line after the same
/// schedule-only line, so that a constant line sits beside a random one.
fn scenario() -> String {
    r#"
[fx]
USDJPY = 150
[funding]
private_sensitivity = 0.5
[[funding.projects]]
name = "Fab"
cost = "¥300bn"
capex = { FY2025 = "¥100bn", FY2026 = "¥100bn", FY2027 = "¥100bn" }
public_share = 0.5
[[funding.regimes]]
name = "enacted"
[[funding.regimes.programs]]
name = "schedule"
kind = "initial"
schedule = { FY2025 = "¥40bn", FY2026 = "¥60bn", FY2028 = "¥20bn" }
allocation = { Fab = 1.0 }
disbursement = { year_1 = 0.75, year_2 = 0.25 }
[[funding.regimes.programs]]
name = "frozen"
kind = "supplementary"
schedule = { FY2027 = "¥90bn" }
frozen_years = ["FY2027"]
allocation = { Fab = 1.0 }
disbursement = { year_1 = 1.0 }
[[funding.regimes]]
name = "mixed"
[[funding.regimes.programs]]
name = "schedule"
kind = "initial"
schedule = { FY2025 = "¥40bn", FY2026 = "¥60bn", FY2028 = "¥20bn" }
allocation = { Fab = 1.0 }
disbursement = { year_1 = 0.75, year_2 = 0.25 }
[[funding.regimes.programs]]
name = "steady"
kind = "initial"
steady = "¥30bn"
execution_cv = 0.3
cut_probability = 0.2
cut_fraction = 0.5
allocation = { Fab = 1.0 }
disbursement = { year_1 = 0.5, year_2 = 0.5 }
"#
    .to_string()
}

fn program<'a>(s: &'a Value, regime: &str, name: &str) -> &'a Value {
    &s["regimes"][regime]["programs"][name]
}

const B: f64 = 1e9;

#[test]
fn a_schedule_only_line_accumulates_its_closed_form() {
    let m = model(&scenario(), "2025-04", 10);
    let out = run(&m, 1001, 5);
    let s = Value::Object(out.summary);
    let mut app = vec![0.0; 10];
    app[0] = 40.0 * B;
    app[1] = 60.0 * B;
    app[3] = 20.0 * B;
    let mut paid = vec![0.0; 10];
    for (t, a) in app.iter().enumerate() {
        paid[t] += 0.75 * a;
        if t + 1 < 10 {
            paid[t + 1] += 0.25 * a;
        }
    }
    // Whole yen, so exact.
    let total: f64 = app.iter().sum();
    let mean = total / 10.0;
    let cv = (app.iter().map(|a| (a - mean) * (a - mean)).sum::<f64>() / 10.0).sqrt() / mean;
    for regime in ["enacted", "mixed"] {
        let p = program(&s, regime, "schedule");
        let got: Vec<f64> = p["appropriated_by_fy"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(got, app, "{regime}");
        let got: Vec<f64> = p["disbursed_by_fy"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(got, paid, "{regime}");
        // The same value on every path: the standard error is exactly 0.
        assert_eq!(p["total_appropriated"]["mean"].as_f64(), Some(total));
        assert_eq!(p["total_appropriated"]["std_error"].as_f64(), Some(0.0));
        assert_eq!(p["undisbursed_at_end"]["mean"].as_f64(), Some(0.0));
        // The realized CV is quantised to the nearest 1e-9 (error ≤ 0.5e-9),
        // and the mean of identical quantised values is exact up to the
        // final division's rounding (≈ 1e-16 relative): 0.5e-9 + 1e-12.
        let rcv = p["realized_cv"]["mean"].as_f64().unwrap();
        assert!(
            (rcv - cv).abs() <= 0.5e-9 + 1e-12,
            "{regime}: {rcv} vs {cv}"
        );
        assert_eq!(p["realized_cv"]["std_error"].as_f64(), Some(0.0));
    }
    // A year frozen for certain keeps only its enacted amount (the freeze
    // removes the planned part), the same on every path.
    let f = program(&s, "enacted", "frozen");
    assert_eq!(f["total_appropriated"]["mean"].as_f64(), Some(90.0 * B));
    assert_eq!(f["total_appropriated"]["std_error"].as_f64(), Some(0.0));
    // The regime of constant lines has a constant total.
    let r = &s["regimes"]["enacted"];
    assert_eq!(r["realized_cv_of_total"]["std_error"].as_f64(), Some(0.0));
}

#[test]
fn constant_lines_do_not_depend_on_chunking_or_threads() {
    let m = model(&scenario(), "2025-04", 10);
    let mut outs = Vec::new();
    for (threads, chunk) in [(1, 1), (1, 7), (2, 64), (2, 5000)] {
        let o = m
            .run(&settings(1003, 9, threads, chunk), &Control::default())
            .expect("run");
        outs.push(serde_json::to_vec(&o.summary).unwrap());
    }
    assert!(outs.windows(2).all(|w| w[0] == w[1]));
}

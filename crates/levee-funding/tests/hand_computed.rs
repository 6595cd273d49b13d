//! Deterministic cases computed by hand (no randomness: every variance and
//! probability is 0 or 1, and `private_sensitivity = 0` so private money
//! commits in full).
mod common;
use common::*;

/// One project: ¥100bn, ¥50bn of capex in each of FY2025 and FY2026, public
/// share 50%, a milestone at half the work due 2026-03 (the end of FY2025).
fn scenario(program_extra: &str, project_extra: &str) -> String {
    format!(
        r#"
[funding]
private_sensitivity = 0
[[funding.projects]]
name = "Fab"
cost = "¥100bn"
capex = {{ FY2025 = "¥50bn", FY2026 = "¥50bn" }}
public_share = 0.5
delay_cost_per_month = "¥1bn"
{project_extra}
[[funding.projects.milestones]]
name = "half"
progress = 0.5
target = "2026-03"
[[funding.regimes]]
name = "steady"
[[funding.regimes.programs]]
name = "line"
kind = "initial"
steady = "¥25bn"
allocation = {{ Fab = 1.0 }}
{program_extra}
"#
    )
}

const B: f64 = 1e9;

#[test]
fn full_funding() {
    // ¥25bn a year pays the public half of ¥50bn of capex a year. Private money
    // pays the other ¥25bn. Half the work is done at the end of FY2025 (month 12),
    // all of it at the end of FY2026 (month 24), exactly the plan.
    let m = model(&scenario("", ""), "2025-04", 3);
    assert_eq!(m.projects[0].planned_completion(), 24.0);
    let r = &m.simulate_path(1, 0).regimes[0].projects[0];
    assert_eq!(r.milestone_time, vec![12.0]);
    assert_eq!(r.completion, Some(24.0));
    assert_eq!(r.cancelled_at, None);
    assert_eq!((r.public_used, r.private), (50.0 * B, 50.0 * B));
    // Three years of ¥25bn disbursed, ¥50bn used, ¥25bn left (FY2027).
    assert_eq!((r.public_disbursed, r.public_unspent), (75.0 * B, 25.0 * B));
    assert_eq!(
        (r.delay_months, r.carrying_cost, r.cost_overrun),
        (0.0, 0.0, 0.0)
    );
    // Summary: the same numbers over any number of paths (no randomness).
    let s = run(&m, 64, 7).summary;
    let p = &s["regimes"]["steady"]["projects"]["Fab"];
    assert_eq!(p["milestones"]["half"]["on_time"]["p"], 1.0);
    assert_eq!(p["completed"]["p"], 1.0);
    assert_eq!(p["completion_date"]["p50"], "2027-03");
    assert_eq!(p["public_spent"]["mean"], 50.0 * B);
    assert_eq!(p["private_mobilized"]["mean"], 50.0 * B);
    assert_eq!(p["public_spent"]["std_error"], 0.0);
    assert_eq!(p["leverage"]["ratio"], 1.0);
}

#[test]
fn a_single_frozen_year() {
    // FY2025 frozen: nothing appropriated, no progress. FY2026: the ¥25bn buys
    // ¥50bn of work (desired is the whole ¥100bn backlog but capacity is
    // 1.5 × ¥50bn = ¥75bn, and the public need ¥37.5bn exceeds the ¥25bn held)
    // → W = 50 at month 24; the half milestone is reached at the very end of
    // FY2026, month 24 (target: month 12, late). FY2027: reserve ¥25bn, need
    // ¥25bn for the last ¥50bn → done at month 36: 12 months late, ¥12bn of
    // carrying cost.
    let m = model(&scenario("frozen_years = [\"FY2025\"]", ""), "2025-04", 3);
    let r = &m.simulate_path(1, 0).regimes[0].projects[0];
    assert_eq!(
        m.simulate_path(1, 0).regimes[0].appropriations[0],
        vec![0.0, 25.0 * B, 25.0 * B]
    );
    assert_eq!(r.milestone_time, vec![24.0]);
    assert_eq!(r.completion, Some(36.0));
    assert_eq!(r.delay_months, 12.0);
    assert_eq!(r.carrying_cost, 12.0 * B);
    assert_eq!(r.cost_overrun, 12.0 * B);
    assert_eq!(
        (r.public_used, r.private, r.public_unspent),
        (50.0 * B, 50.0 * B, 0.0)
    );
    let s = run(&m, 16, 1).summary;
    let p = &s["regimes"]["steady"]["projects"]["Fab"];
    assert_eq!(p["milestones"]["half"]["on_time"]["p"], 0.0);
    assert_eq!(p["milestones"]["half"]["reached_in_horizon"]["p"], 1.0);
    assert_eq!(p["delay_months_if_completed"]["estimate"]["mean"], 12.0);
    assert_eq!(p["completion_date"]["p50"], "2028-03");
}

#[test]
fn a_frozen_year_with_more_money_catches_up() {
    // ¥40bn a year and a capacity of ¥100bn: FY2025 frozen, FY2026 holds ¥40bn
    // for a public need of 0.5 × ¥100bn (backlog) = ¥50bn → ¥80bn of work
    // (W = 80 at month 24); FY2027: reserve ¥40bn, remaining ¥20bn of work
    // needs ¥10bn → done after 12 × 20/20 = 12 months, month 36. The half
    // milestone: 12 + 12 × 50/80 = 19.5 months.
    let m = model(
        &scenario("", "capacity = \"¥100bn\"").replace(
            "steady = \"¥25bn\"",
            "steady = \"¥40bn\"\nfrozen_years = [\"FY2025\"]",
        ),
        "2025-04",
        3,
    );
    let r = &m.simulate_path(1, 0).regimes[0].projects[0];
    assert_eq!(r.milestone_time, vec![19.5]);
    assert_eq!(r.completion, Some(36.0));
    assert_eq!(r.public_used, 50.0 * B);
    assert_eq!(r.public_unspent, 30.0 * B);
}

#[test]
fn cancellation_threshold_crossed_in_a_known_year() {
    // Cost ¥300bn, ¥100bn of capex a year FY2025–FY2027, public share 50%,
    // ¥25bn a year: half of the public need. Each year buys ¥50bn of work.
    // Shortfall against plan at the end of FY2025: 100 − 50 = 50; FY2026:
    // 200 − 100 = 100 > 90 → cancelled at the end of FY2026 (grid year 1).
    let text = scenario("", "cancel_shortfall = \"¥90bn\"\nmarket = { deadline = \"2028-03\", value = \"¥10bn\", loss_per_year = 0.5 }")
        .replace("cost = \"¥100bn\"", "cost = \"¥300bn\"")
        .replace("capex = { FY2025 = \"¥50bn\", FY2026 = \"¥50bn\" }", "capex = { FY2025 = \"¥100bn\", FY2026 = \"¥100bn\", FY2027 = \"¥100bn\" }");
    let m = model(&text, "2025-04", 4);
    let r = &m.simulate_path(1, 0).regimes[0].projects[0];
    assert_eq!(r.cancelled_at, Some(1));
    assert_eq!(r.completion, None);
    assert_eq!(r.work, 100.0 * B);
    assert_eq!(r.market_loss, 10.0 * B);
    // Milestone at ¥150bn never reached.
    assert_eq!(r.milestone_time, vec![f64::INFINITY]);
    // Planned completion month 36, cancelled at month 24: no carrying cost
    // accrued yet; delay (censored at the 48-month grid end) = 12 months.
    assert_eq!((r.carrying_cost, r.delay_months), (0.0, 12.0));
    let s = run(&m, 8, 1).summary;
    assert_eq!(
        s["regimes"]["steady"]["projects"]["Fab"]["cancelled"]["p"],
        1.0
    );
    // Same case with a threshold of ¥100bn: not crossed in FY2026 (100 is not
    // > 100), crossed in FY2027 (300 − 150 = 150).
    let m = model(&text.replace("¥90bn", "¥100bn"), "2025-04", 4);
    assert_eq!(
        m.simulate_path(1, 0).regimes[0].projects[0].cancelled_at,
        Some(2)
    );
}

#[test]
fn appropriation_and_disbursement_differ() {
    // A one-time ¥100bn in FY2025 paid out 20/30/50% over three years.
    let text = scenario("", "")
        .replace("steady = \"¥25bn\"", "one_time = \"¥100bn\"\none_time_year = \"FY2025\"\ndisbursement = { year_1 = 0.2, year_2 = 0.3, year_3 = 0.5 }");
    let m = model(&text, "2025-04", 4);
    let s = run(&m, 4, 1).summary;
    let p = &s["regimes"]["steady"]["programs"]["line"];
    assert_eq!(
        p["appropriated_by_fy"],
        serde_json::json!([100.0 * B, 0.0, 0.0, 0.0])
    );
    assert_eq!(
        p["disbursed_by_fy"],
        serde_json::json!([20.0 * B, 30.0 * B, 50.0 * B, 0.0])
    );
    assert_eq!(p["undisbursed_at_end"]["mean"], 0.0);
    // Four years, one appropriation: population CV = sqrt(3).
    assert!((p["realized_cv"]["mean"].as_f64().unwrap() - 3f64.sqrt()).abs() < 1e-9);
}

#[test]
fn private_multiplier_in_closed_form() {
    // An ad hoc line that passes with probability 1/2, fixed size ¥100bn, paid
    // in its year; one-year look-ahead. Support in a year: mean ¥50bn, s.d.
    // ¥50bn → CV = 1 → m = exp(−β) with β = 0.8.
    let text = scenario("", "")
        .replace(
            "private_sensitivity = 0",
            "private_sensitivity = 0.8\nlook_ahead = \"1 year\"",
        )
        .replace(
            "steady = \"¥25bn\"",
            "ad_hoc_mean = \"¥100bn\"\nad_hoc_probability = 0.5\nad_hoc_cv = 0",
        );
    let m = model(&text, "2025-04", 3);
    for s in &m.support[0][0] {
        assert!((s.cv - 1.0).abs() < 1e-12);
        assert!((s.multiplier - (-0.8f64).exp()).abs() < 1e-12);
    }
    // Private per public yen at s = 0.5: m/(1 − m/2).
    let k = levee_funding::private_per_public(0.5, (-0.8f64).exp());
    let r = &m.simulate_path(1, 3).regimes[0].projects[0];
    assert!((r.private - k * r.public_used).abs() < 1e-6 * r.private.max(1.0));
}

#[test]
fn calibration_from_history() {
    // S21–S25: 0.774, 1.3, 1.86, 1.5, 0.2525 (¥tn). Mean 5.6865/5 = 1.1373;
    // squared deviations sum to 1.5951768 → s.d. sqrt(1.5951768/4) = 0.631501;
    // CV = 0.555264. Rule of succession: 6/7.
    let c = levee_funding::history_calibration();
    assert_eq!((c.years, c.passed), (5, 5));
    assert_eq!(c.probability, 6.0 / 7.0);
    assert!((c.mean - 1.1373e12).abs() < 1.0);
    assert!((c.cv - 0.555264).abs() < 1e-6, "{}", c.cv);
}

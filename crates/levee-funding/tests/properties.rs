//! Properties: equal totals and timing with zero variance give equal outcomes;
//! the one-year progress rule is concave, so a mean-preserving spread never
//! raises expected progress; but a milestone probability can rise with
//! variance when mean funding is short.
mod common;
use common::*;
use levee_funding::year_step;
use proptest::prelude::*;

/// Four regimes that pay the same amounts at the same times with no variance:
/// a steady line, an ad hoc line that always passes at a fixed size, an
/// enacted schedule, and a one-time appropriation paid out evenly over the
/// four years. Outcomes must be identical.
fn four_regimes(x_bn: u32, capex: [u32; 4], share: f64, capacity_bn: u32) -> String {
    let x = format!("¥{x_bn}bn");
    let alloc = "allocation = { P = 1.0 }";
    let cost: u32 = capex.iter().sum();
    format!(
        r#"
[funding]
private_sensitivity = 0.7
[[funding.projects]]
name = "P"
cost = "¥{cost}bn"
capex = {{ FY2025 = "¥{}bn", FY2026 = "¥{}bn", FY2027 = "¥{}bn", FY2028 = "¥{}bn" }}
public_share = {share}
capacity = "¥{capacity_bn}bn"
cancel_shortfall = "¥{}bn"
[[funding.projects.milestones]]
name = "done"
progress = 1.0
target = "2028-12"
[[funding.regimes]]
name = "steady"
[[funding.regimes.programs]]
name = "a"
kind = "initial"
steady = "{x}"
{alloc}
[[funding.regimes]]
name = "ad hoc"
[[funding.regimes.programs]]
name = "a"
kind = "supplementary"
ad_hoc_mean = "{x}"
ad_hoc_probability = 1
ad_hoc_cv = 0
{alloc}
[[funding.regimes]]
name = "schedule"
[[funding.regimes.programs]]
name = "a"
kind = "supplementary"
schedule = {{ FY2025 = "{x}", FY2026 = "{x}", FY2027 = "{x}", FY2028 = "{x}" }}
{alloc}
[[funding.regimes]]
name = "one-time"
[[funding.regimes.programs]]
name = "a"
kind = "supplementary"
one_time = "¥{}bn"
disbursement = {{ year_1 = 0.25, year_2 = 0.25, year_3 = 0.25, year_4 = 0.25 }}
{alloc}
"#,
        capex[0],
        capex[1],
        capex[2],
        capex[3],
        cost / 3,
        4 * x_bn
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn zero_variance_equal_totals_equal_outcomes(
        x in 1u32..200,
        capex in proptest::array::uniform4(0u32..300),
        share in 0.05f64..1.0,
        cap in 300u32..600,
    ) {
        prop_assume!(capex.iter().sum::<u32>() > 0);
        let m = model(&four_regimes(x, capex, share, cap), "2025-04", 4);
        for path in 0..3 {
            let r = m.simulate_path(11, path);
            for g in 1..4 {
                prop_assert_eq!(&r.regimes[g].projects, &r.regimes[0].projects);
                prop_assert_eq!(&r.regimes[g].outlays, &r.regimes[0].outlays);
            }
        }
        // With no variance the expected support is certain: full private commitment.
        for g in 0..4 {
            for s in &m.support[g][0] {
                prop_assert_eq!(s.multiplier, 1.0);
            }
        }
    }

    /// Jensen on the one-year rule: progress at the mean of a two-point
    /// spread is at least the mean of the progress.
    #[test]
    fn mean_preserving_spread_never_raises_progress(
        desired in 0.0f64..1e3,
        f in 0.2f64..3.0,
        s in 0.01f64..1.0,
        m in 0.0f64..1.0,
        a in 0.0f64..2e3,
        frac in 0.0f64..1.0,
        w in 0.01f64..0.99,
    ) {
        // Two-point spread of `a` with mean `a`: a − δ w.p. w', a + δ' ...
        // written as low = a (1 − frac), high chosen so that w·low + (1−w)·high = a.
        let low = a * (1.0 - frac);
        let high = (a - w * low) / (1.0 - w);
        let g = |x: f64| year_step(desired, f, s, x, m).progress;
        let spread = w * g(low) + (1.0 - w) * g(high);
        // Floating-point slack: a few ulps of the largest term.
        prop_assert!(spread <= g(a) + 1e-12 * desired.max(1.0), "{spread} > {}", g(a));
    }
}

/// One fiscal year, one project whose public need is ¥50bn (¥100bn of capex,
/// public share 50%). `program` funds it.
fn one_year(program: &str) -> String {
    format!(
        r#"
[funding]
private_sensitivity = 0
[[funding.projects]]
name = "P"
cost = "¥100bn"
capex = {{ FY2025 = "¥100bn" }}
public_share = 0.5
[[funding.projects.milestones]]
name = "done"
progress = 1.0
target = "2026-03"
[[funding.regimes]]
name = "r"
[[funding.regimes.programs]]
name = "a"
kind = "initial"
allocation = {{ P = 1.0 }}
{program}
"#
    )
}

/// The numbers quoted in docs/models/funding.md §"Variance and milestones".
#[test]
fn spread_lowers_expected_progress_but_can_raise_a_milestone_probability() {
    let n = 20_000u64;
    // Deterministic ¥40bn against a need of ¥50bn: 80% of the work, never done.
    let det = model(&one_year("steady = \"¥40bn\""), "2025-04", 1);
    let sd = run(&det, n, 3).summary;
    let pd = &sd["regimes"]["r"]["projects"]["P"];
    assert_eq!(pd["completed"]["p"], 0.0);
    let work_det = det.simulate_path(3, 0).regimes[0].projects[0].work;
    assert_eq!(work_det, 80e9);
    // Same mean, all or nothing: ¥80bn with probability 1/2.
    let spr = model(
        &one_year("ad_hoc_mean = \"¥80bn\"\nad_hoc_probability = 0.5\nad_hoc_cv = 0"),
        "2025-04",
        1,
    );
    assert_eq!(spr.expected_total(0), det.expected_total(0));
    let ss = run(&spr, n, 3).summary;
    let ps = &ss["regimes"]["r"]["projects"]["P"];
    let p_done = ps["completed"]["p"].as_f64().unwrap();
    // Binomial(n, 1/2): s.e. = sqrt(0.25/n) = 0.0035; 5 s.e. = 0.018.
    assert!(
        (p_done - 0.5).abs() < 5.0 * (0.25 / n as f64).sqrt(),
        "{p_done}"
    );
    // Expected work: 0.5 × ¥100bn = ¥50bn (each path does 0 or 100), the same
    // 5-s.e. band (s.e. = ¥50bn/sqrt(n) = ¥0.35bn), and strictly below the
    // deterministic ¥80bn.
    let mut work = 0.0;
    for p in 0..n {
        work += spr.simulate_path(3, p).regimes[0].projects[0].work;
    }
    let work = work / n as f64;
    assert!(
        (work - 50e9).abs() < 5.0 * 50e9 / (n as f64).sqrt(),
        "{work}"
    );
    assert!(work < work_det);
    // Milestone probability: 0 with certainty, ~0.5 with variance.
    assert_eq!(pd["milestones"]["done"]["on_time"]["p"], 0.0);
    assert!(ps["milestones"]["done"]["on_time"]["p"].as_f64().unwrap() > 0.45);
    // When mean funding suffices, variance lowers the probability instead:
    // deterministic ¥60bn always completes; ¥120bn with p = 1/2 completes half the time.
    let det = model(&one_year("steady = \"¥60bn\""), "2025-04", 1);
    assert_eq!(
        run(&det, 1000, 3).summary["regimes"]["r"]["projects"]["P"]["completed"]["p"],
        1.0
    );
    let spr = model(
        &one_year("ad_hoc_mean = \"¥120bn\"\nad_hoc_probability = 0.5\nad_hoc_cv = 0"),
        "2025-04",
        1,
    );
    let p = run(&spr, n, 3).summary["regimes"]["r"]["projects"]["P"]["completed"]["p"]
        .as_f64()
        .unwrap();
    assert!((p - 0.5).abs() < 5.0 * (0.25 / n as f64).sqrt(), "{p}");
    if std::env::var("FUNDING_PRINT").is_ok() {
        eprintln!("short mean: det work {work_det}, P=0; spread work {work}, P={p_done}");
    }
}

/// Closed-form moments of an appropriation against Monte Carlo.
#[test]
fn appropriation_moments_match_monte_carlo() {
    let text = one_year(
        "steady = \"¥40bn\"\nexecution_cv = 0.1\nad_hoc_mean = \"¥30bn\"\nad_hoc_probability = 0.6\nad_hoc_cv = 0.5\nfreeze_probability = 0.1\ncut_probability = 0.3\ncut_fraction = 0.25",
    );
    let m = model(&text, "2025-04", 1);
    let p = &m.regimes[0].programs[0];
    let (mean, var) = (p.mean_appropriation(0), p.var_appropriation(0));
    // E[Z] = 0.9 (1 − 0.3·0.25) = 0.8325; E[Y] = 40 + 0.6·30 = 58 → 48.285bn.
    assert!((mean - 0.8325 * 58e9).abs() < 1.0);
    let n = 100_000u64;
    let out = run(&m, n, 5).summary;
    let est = &out["regimes"]["r"]["programs"]["a"]["total_appropriated"];
    let mc_mean = est["mean"].as_f64().unwrap();
    let se = est["std_error"].as_f64().unwrap();
    // The MC mean is within 4 standard errors of the closed form (a false
    // alarm has probability 6e-5), and the MC standard error matches
    // sqrt(var/n) to within 2% (the s.e. of a sample s.d. with n = 1e5 and this
    // kurtosis is well under 1%).
    assert!(
        (mc_mean - mean).abs() < 4.0 * se,
        "{mc_mean} vs {mean} (se {se})"
    );
    let se_cf = (var / n as f64).sqrt();
    assert!((se / se_cf - 1.0).abs() < 0.02, "{se} vs {se_cf}");
}

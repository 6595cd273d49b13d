//! Property tests: stockpile accounting on random scenarios, and the validator
//! on random inputs.

mod common;

use proptest::prelude::*;

/// Inputs of the random scenario.
struct P {
    demand: f64,
    share_a: f64,
    spare: f64,
    lag: u32,
    target_days: f64,
    initial_days: f64,
    refill: f64,
    max_release: f64,
    budget_m: f64,
    alpha: f64,
    beta: f64,
    severity: f64,
    event_cut: f64,
}

fn scenario(p: &P) -> String {
    format!(
        r#"
[minerals]
[[minerals.materials]]
name = "X"
demand = "{demand} t/month"
growth = 0.05
price = "¥2m/t"
suppliers = [{{ name = "A", share = {share_a} }}, {{ name = "B", share = {b}, spare = "{spare} t/month", surge_lag = "{lag} months" }}, {{ name = "R", capacity = "1 t/month" }}]
stockpile = {{ target = "{target_days} days", initial = "{initial_days} days", refill_rate = "{refill} t/month", max_release = "{max_release} t/month", budget = "¥{budget_m}m", holding_rate = "3%", release_lag = "{lag} months", release_threshold = 0.05 }}
[[minerals.processes]]
supplier = "A"
kind = "markov"
alpha = {alpha}
beta = {beta}
severity = {severity}
[[minerals.shocks]]
name = "s"
suppliers = ["A", "B"]
kind = "arrivals"
rate_per_year = 1.5
duration = "lognormal"
median_duration = "2 months"
sigma = 0.7
severity_min = 0.2
severity_max = 0.9
[[minerals.events]]
supplier = "B"
start = "2025-09"
duration = "5 months"
cut = {event_cut}
"#,
        demand = p.demand,
        share_a = p.share_a,
        spare = p.spare,
        lag = p.lag,
        target_days = p.target_days,
        initial_days = p.initial_days,
        refill = p.refill,
        max_release = p.max_release,
        budget_m = p.budget_m,
        alpha = p.alpha,
        beta = p.beta,
        severity = p.severity,
        event_cut = p.event_cut,
        b = 1.0 - p.share_a
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Every month: stock ≥ 0; stock_{t+1} = stock_t + P_t − R_t exactly; the
    /// gap is max(0, demand − supply) (below 1e-9·demand counted as 0);
    /// unmet = gap − release ≥ 0; release ≤ stock at the start of the month;
    /// purchases only in months without a gap; the stock carries over.
    #[test]
    fn stockpile_accounting(
        demand in 1.0f64..500.0,
        share_a in 0.0f64..1.0,
        spare in 0.0f64..100.0,
        lag in 0u32..4,
        target in 0.0f64..400.0,
        initial in 0.0f64..400.0,
        refill in 0.0f64..200.0,
        max_release in 0.0f64..500.0,
        budget in 0.0f64..2000.0,
        alpha in 0.0f64..0.5,
        beta in 0.05f64..1.0,
        severity in 0.0f64..1.0,
        cut in 0.0f64..1.0,
        path in 0u64..1_000_000,
    ) {
        let share_a = (share_a * 1000.0).round() / 1000.0;
        let text = scenario(&P {
            demand,
            share_a,
            spare,
            lag,
            target_days: target,
            initial_days: initial,
            refill,
            max_release,
            budget_m: budget,
            alpha,
            beta,
            severity,
            event_cut: cut,
        });
        let m = common::model(&text, 48).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        for tr in m.trace(&common::settings(1, 99, 48), path) {
            for run in [&tr.policy, &tr.without_policy] {
                let mut prev_end: Option<f64> = None;
                for r in run.iter() {
                    prop_assert!(r.stock_start >= 0.0 && r.stock_end >= 0.0);
                    prop_assert_eq!(r.stock_end, r.stock_start + r.purchase - r.release);
                    if let Some(p) = prev_end {
                        prop_assert_eq!(r.stock_start, p);
                    }
                    prev_end = Some(r.stock_end);
                    let raw = r.demand - r.supply;
                    if raw > levee_minerals::GAP_TOL * r.demand {
                        prop_assert_eq!(r.gap, raw);
                    } else {
                        prop_assert_eq!(r.gap, 0.0);
                    }
                    prop_assert_eq!(r.unmet, r.gap - r.release);
                    prop_assert!(r.unmet >= 0.0);
                    prop_assert!(r.release >= 0.0 && r.release <= r.stock_start);
                    prop_assert!(r.release <= max_release);
                    prop_assert!(r.purchase >= 0.0 && r.purchase <= refill);
                    if r.gap > 0.0 {
                        prop_assert_eq!(r.purchase, 0.0);
                    }
                }
            }
            // Without the policy nothing is held or bought.
            prop_assert!(tr.without_policy.iter().all(|r| r.stock_end == 0.0 && r.release == 0.0));
            // The policy never does worse than no policy (same draws).
            prop_assert!(tr.result.unmet <= tr.result.unmet_cf + 1e-9 * tr.result.unmet_cf.max(1.0));
        }
    }

    /// Shares must sum to 1 within 1e-6: the model is built exactly when they do,
    /// and otherwise the error names the rule and the line.
    #[test]
    fn validator_share_sum(shares in proptest::collection::vec(0.0f64..1.0, 1..5), fix in proptest::bool::ANY) {
        let mut shares = shares;
        if fix {
            let s: f64 = shares.iter().sum();
            if s > 0.0 {
                for x in &mut shares { *x /= s; }
            }
        }
        let list: Vec<String> = shares.iter().enumerate().map(|(i, s)| format!("{{ name = \"S{i}\", share = {s:?} }}")).collect();
        let text = format!("[minerals]\n[[minerals.materials]]\nname = \"X\"\ndemand = \"5 t/month\"\nprice = \"¥1m/t\"\nsuppliers = [{}]\n", list.join(", "));
        let sum: f64 = shares.iter().sum();
        match common::model(&text, 12) {
            Ok(_) => prop_assert!((sum - 1.0).abs() <= 1e-6, "accepted shares summing to {sum}"),
            Err(e) => {
                prop_assert!((sum - 1.0).abs() > 1e-6, "rejected valid shares: {e:?}");
                prop_assert!(e.iter().any(|l| l.contains("sum to 1") && l.starts_with("test.toml:6:")), "{e:?}");
            }
        }
    }

    /// Arbitrary text in any field gives diagnostics, never a panic.
    #[test]
    fn validator_never_panics(field in 0usize..8, junk in "[ -~]{0,12}") {
        let junk = junk.replace(['"', '\\'], "");
        let mut vals = [
            "\"10 t/month\"".to_string(), "\"¥1m/t\"".into(), "0.5".into(), "\"60 days\"".into(),
            "\"markov\"".into(), "0.1".into(), "\"2025-06\"".into(), "1.0".into(),
        ];
        vals[field] = format!("\"{junk}\"");
        let text = format!(
            "[minerals]\n[[minerals.materials]]\nname = \"X\"\ndemand = {}\nprice = {}\nsuppliers = [{{ name = \"A\", share = {} }}, {{ name = \"B\", share = 0.5 }}]\nstockpile = {{ target = {} }}\n[[minerals.processes]]\nsupplier = \"A\"\nkind = {}\nalpha = {}\nbeta = 0.5\n[[minerals.events]]\nsupplier = \"B\"\nstart = {}\nduration = \"2 months\"\ncut = {}\n",
            vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6], vals[7]
        );
        if let Err(e) = common::model(&text, 24) {
            prop_assert!(e.iter().all(|l| l.starts_with("test.toml:")), "{e:?}");
        }
    }
}

//! The stochastic machinery against closed forms, with tolerances derived from
//! Monte Carlo standard errors.

mod common;

use levee_minerals::{newsvendor_with_disruptions, stationary_shortfall};

/// stockpyl's doctest vectors (Snyder & Shen, Example 9.3).
#[test]
fn newsvendor_with_disruptions_golden_vectors() {
    let (s, g) = newsvendor_with_disruptions(0.25, 3.0, 2000.0, 0.04, 0.25, None).unwrap();
    assert_eq!(s, 8000.0);
    // Tolerance: only the summation order differs from numpy's (pairwise) sum
    // of ~100 positive terms: a few ulps of 2737, i.e. < 1e-11.
    assert!((g - 2737.0689302470355).abs() < 1e-9, "{g}");
    let (s, g) = newsvendor_with_disruptions(0.25, 3.0, 2000.0, 0.04, 0.25, Some(1200.0)).unwrap();
    assert_eq!(s, 1200.0);
    assert!((g - 5710.344790717086).abs() < 1e-9, "{g}");
    assert!(newsvendor_with_disruptions(0.25, 3.0, 2000.0, 0.0, 0.25, None).is_none());
}

/// The closed form of `stationary_shortfall` against a brute-force sum over
/// spell ages (an independent evaluation of the same series).
#[test]
fn stationary_shortfall_matches_brute_force_sum() {
    for &(a, b, d, s) in &[
        (0.1, 0.3, 10.0, 25.0),
        (0.04, 0.25, 2000.0, 8000.0),
        (0.2, 0.5, 3.0, 0.0),
        (0.05, 0.1, 7.0, 20.0),
    ] {
        let pi_up = b / (a + b);
        let (mut p, mut e) = (0.0, 0.0);
        for k in 1..20_000 {
            let w = pi_up * a * (1.0f64 - b).powi(k - 1);
            let short = (k as f64 * d - s).max(0.0).min(d);
            if k as f64 * d > s {
                p += w;
            }
            e += w * short;
        }
        let (pc, ec) = stationary_shortfall(a, b, d, s);
        assert!((p - pc).abs() < 1e-12, "{p} {pc}");
        assert!((e - ec).abs() < 1e-9 * ec.max(1.0), "{e} {ec}");
    }
}

/// Single supplier with two-state Markov disruptions (full cut while down), a
/// base-stock stockpile with instant, unlimited release and unlimited refill
/// to S = 25 t in every up month, d = 10 t/month, α = 0.1, β = 0.3:
/// P(short month) = α/(α+β)(1−β)^⌊S/d⌋ = 0.25·0.49 = 0.1225 and
/// E[unmet/month] = 1.04125 t (docs/models/minerals.md §5).
///
/// The chain starts in its stationary law; the stock starts at S, which is its
/// value after any up month, so months after the first up month are exactly
/// stationary. We discard a burn-in of B = 60 months: the bias is at most
/// P(no up month in 60 months) ≤ 0.7^59 ≈ 7e-10.
///
/// Tolerance: months within a path are correlated, so the i.i.d. unit is the
/// per-path average over the 240 measured months. With n = 4000 paths the
/// standard error of the mean of those averages is estimated from the sample;
/// we accept |mean − exact| < 4 s.e. + 1e-8 (a 4σ band: a correct model fails
/// with probability 6e-5; the seed is fixed, so the outcome is reproducible).
#[test]
fn markov_stockpile_matches_stationary_closed_form() {
    let text = r#"
[minerals]
[[minerals.materials]]
name = "X"
demand = "10 t/month"
price = "¥1m/t"
suppliers = [{ name = "A", share = 1.0 }]
stockpile = { target = "2.5 months", initial = "2.5 months" }
[[minerals.processes]]
supplier = "A"
kind = "markov"
alpha = 0.1
beta = 0.3
severity = 1.0
"#;
    let horizon = 300;
    let burn = 60;
    let m = common::model(text, horizon).unwrap();
    let settings = common::settings(1, 2024, horizon);
    let n = 4000u64;
    let (mut ps, mut es) = (Vec::new(), Vec::new());
    for path in 0..n {
        let t = &m.trace(&settings, path)[0];
        let months = &t.policy[burn..];
        let short = months.iter().filter(|r| r.unmet > 0.0).count() as f64;
        let unmet: f64 = months.iter().map(|r| r.unmet).sum();
        ps.push(short / months.len() as f64);
        es.push(unmet / months.len() as f64);
    }
    let (p_exact, e_exact) = stationary_shortfall(0.1, 0.3, 10.0, 25.0);
    assert!((p_exact - 0.1225).abs() < 1e-15);
    assert!((e_exact - 1.04125).abs() < 1e-12);
    let p = levee_stats::estimate(&ps);
    let e = levee_stats::estimate(&es);
    assert!(
        (p.mean - p_exact).abs() < 4.0 * p.std_error + 1e-8,
        "P(short) {} ± {} vs {p_exact}",
        p.mean,
        p.std_error
    );
    assert!(
        (e.mean - e_exact).abs() < 4.0 * e.std_error + 1e-8,
        "E[unmet] {} ± {} vs {e_exact}",
        e.mean,
        e.std_error
    );
    // The test can fail: the closed form for a stock one tonne smaller
    // (m = 2 still, but more unmet) lies outside the band.
    let (_, e_other) = stationary_shortfall(0.1, 0.3, 10.0, 20.0);
    assert!((e.mean - e_other).abs() > 4.0 * e.std_error);
}

/// Markov chain started "up": P(at least one down month in T months) =
/// 1 − (1−α)^(T−1). With α = 0.1, T = 12: 1 − 0.9^11. Binomial s.e. with
/// n = 20 000 paths is sqrt(p(1−p)/n) ≈ 0.0033; accept 4 s.e.
#[test]
fn markov_first_passage_probability() {
    let text = r#"
[minerals]
[[minerals.materials]]
name = "X"
demand = "10 t/month"
price = "¥1m/t"
suppliers = [{ name = "A", share = 1.0 }]
[[minerals.processes]]
supplier = "A"
kind = "markov"
alpha = 0.1
beta = 0.5
start = "up"
"#;
    let m = common::model(text, 12).unwrap();
    let out = m
        .run(&common::settings(20_000, 5, 12), &Default::default())
        .unwrap();
    let p = out.summary["materials"][0]["p_shortfall"]["p"]
        .as_f64()
        .unwrap();
    let exact = 1.0 - 0.9f64.powi(11);
    let se = (exact * (1.0 - exact) / 20_000.0).sqrt();
    assert!((p - exact).abs() < 4.0 * se, "{p} vs {exact}");
}

/// Poisson arrivals at λ = 3/yr, each cutting 100% for exactly one month:
/// P(no shortfall in T = 24 months) = exp(−λT/12) = e^−6, and a month is short
/// iff at least one arrival falls in it: P = 1 − exp(−λ/12), so
/// E[unmet] = T·d·(1 − e^−0.25). Standard errors from the sample (unmet) and
/// the binomial formula (probability); accept 4 s.e.
#[test]
fn poisson_arrivals_match_closed_form() {
    let text = r#"
[minerals]
[[minerals.materials]]
name = "X"
demand = "10 t/month"
price = "¥1m/t"
suppliers = [{ name = "A", share = 1.0 }]
[[minerals.processes]]
supplier = "A"
kind = "arrivals"
rate_per_year = 3
duration = "fixed"
mean_duration = "1 month"
severity = 1.0
"#;
    let m = common::model(text, 24).unwrap();
    let n = 20_000u64;
    let out = m
        .run(&common::settings(n, 11, 24), &Default::default())
        .unwrap();
    let mat = &out.summary["materials"][0];
    let p = mat["p_shortfall"]["p"].as_f64().unwrap();
    let p_exact = 1.0 - (-6.0f64).exp();
    let se = (p_exact * (1.0 - p_exact) / n as f64).sqrt();
    assert!((p - p_exact).abs() < 4.0 * se, "{p} vs {p_exact}");
    let e = mat["unmet_t"]["mean"].as_f64().unwrap();
    let e_se = mat["unmet_t"]["std_error"].as_f64().unwrap();
    let e_exact = 24.0 * 10.0 * (1.0 - (-0.25f64).exp());
    assert!(
        (e - e_exact).abs() < 4.0 * e_se,
        "{e} ± {e_se} vs {e_exact}"
    );
}

/// A common shock hits two suppliers of two materials together: on every path
/// the two materials are short in exactly the same months.
#[test]
fn common_shock_hits_its_targets_together() {
    let text = r#"
[minerals]
[[minerals.materials]]
name = "Dy"
demand = "10 t/month"
price = "¥1m/t"
suppliers = [{ name = "China", share = 1.0 }]
[[minerals.materials]]
name = "Tb"
demand = "2 t/month"
price = "¥1m/t"
suppliers = [{ name = "China", share = 0.5 }, { name = "Other", share = 0.5 }]
[[minerals.shocks]]
name = "licensing"
suppliers = ["China"]
materials = ["Dy", "Tb"]
kind = "markov"
alpha = 0.2
beta = 0.4
severity = 0.5
"#;
    let m = common::model(text, 36).unwrap();
    let s = common::settings(1, 9, 36);
    let mut hit = 0;
    for path in 0..200 {
        let tr = m.trace(&s, path);
        for t in 0..36 {
            let a = tr[0].policy[t].gap > 0.0;
            let b = tr[1].policy[t].gap > 0.0;
            assert_eq!(a, b, "path {path} month {t}");
            if a {
                assert_eq!(tr[0].policy[t].gap, 5.0);
                assert_eq!(tr[1].policy[t].gap, 0.5);
                hit += 1;
            }
        }
    }
    assert!(hit > 0);
}

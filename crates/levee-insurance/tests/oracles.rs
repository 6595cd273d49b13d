//! Monte Carlo against exact oracles: the Vasicek LHP and finite pool, and the
//! Poisson-binomial / binomial distribution of independent policies.

mod common;
use common::*;
use levee_insurance::vasicek::{finite_pool_pmf, lhp_es, lhp_var};
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Exact VaR (type-1 quantile) and ES of a PMF on 0..=n default counts.
fn exact_var_es(pmf: &[f64], alpha: f64) -> (f64, f64) {
    levee_insurance::crplus::var_es(pmf, alpha)
}

/// Large homogeneous portfolio: n = 2000 obligors, p = 1%, ρ = 0.12, LGD 1.
///
/// Tolerance. The MC estimate differs from the LHP formula by (i) the
/// finite-size effect, computed *exactly* here as the difference between the
/// finite-pool distribution (quadrature, error < 1e-10) and the LHP limit,
/// plus one obligor (1/n) for the discreteness of the count; and (ii) Monte
/// Carlo error, bounded by 4 standard errors of the estimator as reported by
/// the model (VaR: interval inversion of the exceedance s.e.; ES: sd of
/// (L − VaR)⁺/(1 − α)/√N). A 4-s.e. band fails by chance with probability
/// < 1e-4 per comparison.
#[test]
fn lhp_var_and_es_match_vasicek() {
    check_lhp("lhp", 2000, 0.01, 0.12, 60_000, 10_000);
}

/// The same comparison at p = 8%, above [`levee_insurance::sim::DENSE_PD`]:
/// the obligors, exchangeable, form one group whose count is drawn
/// (`Sim::groups`), and with groups turned off they are tested in byte lanes
/// (under importance sampling, at their twisted candidate rates).
#[test]
fn lhp_dense_var_and_es_match_vasicek() {
    check_lhp("lhp-dense", 1000, 0.08, 0.12, 40_000, 8_000);
    check_lhp("lhp-dense-lanes", 1000, 0.08, 0.12, 40_000, 8_000);
}

fn check_lhp(tag: &str, n: usize, p: f64, rho: f64, plain_paths: u64, is_paths: u64) {
    let dense = p >= levee_insurance::sim::DENSE_PD;
    assert_eq!(
        dense,
        tag.contains("dense"),
        "{tag} exercises the path it names"
    );
    let lanes = tag.ends_with("lanes");
    let pmf = finite_pool_pmf(n, p, rho);
    for method in ["plain", "is"] {
        let path = homogeneous(tag, n, p, rho, method);
        let m = load(&path).unwrap();
        let m = if lanes { m.with_group_min(u32::MAX) } else { m };
        let groups = m.compile(1).groups.len();
        assert_eq!(groups, usize::from(dense && !lanes), "{tag}: groups");
        let paths = if method == "plain" {
            plain_paths
        } else {
            is_paths
        };
        let out = run(&m, &settings(paths, 11, 2, 4096));
        let levels = out.summary["levels"].as_array().unwrap();
        for lv in levels {
            let a = lv["level"].as_f64().unwrap();
            let var = lv["var"]["value"].as_f64().unwrap() / n as f64;
            let var_se = lv["var"]["std_error"].as_f64().unwrap() / n as f64;
            let es = lv["es"]["value"].as_f64().unwrap() / n as f64;
            let es_se = lv["es"]["std_error"].as_f64().unwrap() / n as f64;
            let (fv, fe) = exact_var_es(&pmf, a);
            let (fv, fe) = (fv / n as f64, fe / n as f64);
            let (lv_, le) = (lhp_var(p, rho, a), lhp_es(p, rho, a));
            let gran = 1.0 / n as f64;
            assert!(
                (var - fv).abs() <= 4.0 * var_se + gran,
                "{tag} {method} {a}: VaR {var} vs finite {fv} (se {var_se})"
            );
            assert!(
                (es - fe).abs() <= 4.0 * es_se + gran,
                "{tag} {method} {a}: ES {es} vs finite {fe} (se {es_se})"
            );
            assert!(
                (var - lv_).abs() <= 4.0 * var_se + (fv - lv_).abs() + gran,
                "{tag} {method} {a}: VaR {var} vs LHP {lv_}"
            );
            assert!(
                (es - le).abs() <= 4.0 * es_se + (fe - le).abs() + gran,
                "{tag} {method} {a}: ES {es} vs LHP {le}"
            );
        }
        // EL = p·n exactly in expectation; 4 s.e.
        let el = &out.summary["expected_loss"];
        assert!(
            (el["mean"].as_f64().unwrap() - p * n as f64).abs()
                <= 4.0 * el["std_error"].as_f64().unwrap()
        );
    }
}

fn chi_square(counts: &[u64], probs: &[f64], n: u64) -> (f64, usize) {
    // Merge adjacent cells until each expected count is ≥ 5.
    let (mut stat, mut df) = (0.0, 0usize);
    let (mut o, mut e) = (0.0, 0.0);
    for (c, p) in counts.iter().zip(probs) {
        o += *c as f64;
        e += p * n as f64;
        if e >= 5.0 {
            stat += (o - e).powi(2) / e;
            df += 1;
            o = 0.0;
            e = 0.0;
        }
    }
    if e > 0.0 || o > 0.0 {
        // Fold the remainder into the statistic as its own cell (expected may be < 5 only here).
        stat += (o - e).powi(2) / e.max(1e-300);
        df += 1;
    }
    (stat, df - 1)
}

/// Independent policies: the loss count is Poisson-binomial. One policy also
/// covers transfer risk in a country with an event probability q, so it claims
/// with probability 1 − (1 − p)(1 − q). Chi-square test at the 0.1% level
/// (critical value from the χ² quantile; a correct model fails 1 run in 1000).
#[test]
fn independent_policies_match_poisson_binomial() {
    let n = 30;
    let mut csv = String::from(
        "id,obligor,country,sector,product,exposure,pd,lgd,tenor,premium_rate,perils\n",
    );
    let mut ps = Vec::new();
    for i in 0..n {
        let p = 0.01 + 0.19 * i as f64 / (n - 1) as f64;
        let (country, perils, pc) = if i == 0 {
            ("Y", "commercial|transfer", 1.0 - (1.0 - p) * (1.0 - 0.05))
        } else {
            ("X", "commercial", p)
        };
        csv.push_str(&format!(
            "P{i},O{i},{country},S,export_credit,1 JPY,{p},1,1 year,0.01,{perils}\n"
        ));
        ps.push(pc);
    }
    let sc = format!(
        "{HEADER}[insurance]\nportfolio = \"book.csv\"\nmethod = \"plain\"\nglobal_loading = 0\n\n[insurance.capital]\nbase = \"¥1k\"\nas_of = \"2025-04\"\n\n[insurance.countries]\nX = {{ loading = 0 }}\nY = {{ loading = 0, transfer = 0.05 }}\n\n[insurance.sectors]\nS = {{ loading = 0 }}\n"
    );
    let path = write("indep", &sc, &[("book.csv", csv)]);
    let m = load(&path).unwrap();
    let sim = m.compile(5);
    let paths = 40_000u64;
    let d = detail(&m, &sim, &settings(paths, 5, 2, 1000));
    let mut pmf = vec![1.0];
    for &p in &ps {
        let mut next = vec![0.0; pmf.len() + 1];
        for (k, q) in pmf.iter().enumerate() {
            next[k] += q * (1.0 - p);
            next[k + 1] += q * p;
        }
        pmf = next;
    }
    let mut counts = vec![0u64; n + 1];
    for l in &d.book {
        counts[l.round() as usize] += 1;
    }
    let (stat, df) = chi_square(&counts, &pmf, paths);
    let crit = ChiSquared::new(df as f64).unwrap().inverse_cdf(0.999);
    assert!(stat < crit, "chi2 {stat} with {df} df, critical {crit}");
}

/// CCruncher test03: 100 independent obligors with p = 0.1 give Binomial(100, 0.1),
/// drawn as one group's count and, with groups turned off, in byte lanes.
#[test]
fn homogeneous_independent_is_binomial() {
    for group_min in [levee_insurance::sim::GROUP_MIN, u32::MAX] {
        check_binomial(group_min);
    }
}

fn check_binomial(group_min: u32) {
    let path = homogeneous("binom", 100, 0.1, 0.0, "plain");
    let m = load(&path).unwrap().with_group_min(group_min);
    let sim = m.compile(3);
    assert_eq!(sim.groups.len(), usize::from(group_min <= 100));
    let paths = 40_000u64;
    let d = detail(&m, &sim, &settings(paths, 3, 2, 777));
    let mut counts = vec![0u64; 101];
    for l in &d.book {
        counts[l.round() as usize] += 1;
    }
    let pmf: Vec<f64> = (0..=100u64)
        .map(|k| {
            (levee_insurance::vasicek::ln_choose(100, k)
                + k as f64 * 0.1f64.ln()
                + (100 - k) as f64 * 0.9f64.ln())
            .exp()
        })
        .collect();
    let (stat, df) = chi_square(&counts, &pmf, paths);
    let crit = ChiSquared::new(df as f64).unwrap().inverse_cdf(0.999);
    assert!(stat < crit, "chi2 {stat} with {df} df, critical {crit}");
}

/// Student-t copula: with ν = 1000 it is the Gaussian copula up to O(1/ν)
/// (VaR within 4 combined standard errors plus 2% for the O(1/ν) difference);
/// with ν = 4 the common mixing variable adds tail dependence, so the 99.9%
/// VaR is larger by more than 4 combined standard errors.
#[test]
fn t_copula_limits() {
    let (n, p, rho) = (1000usize, 0.01, 0.12);
    let base = homogeneous("tcop", n, p, rho, "plain");
    let text = std::fs::read_to_string(&base).unwrap();
    let dir = base.parent().unwrap();
    let var = |extra: &str| {
        let t = text.replace(
            "method = \"plain\"\n",
            &format!("method = \"plain\"\n{extra}"),
        );
        std::fs::write(dir.join("t.toml"), t).unwrap();
        let m = load(&dir.join("t.toml")).unwrap();
        let out = run(&m, &settings(40_000, 3, 2, 4096));
        let v = &out.summary["levels"][1]["var"];
        (
            v["value"].as_f64().unwrap(),
            v["std_error"].as_f64().unwrap(),
        )
    };
    let (g, gs) = var("");
    let (t1000, ts) = var("copula = \"t\"\nt_degrees_of_freedom = 1000\n");
    let (t4, t4s) = var("copula = \"t\"\nt_degrees_of_freedom = 4\n");
    let c = (gs * gs + ts * ts).sqrt();
    assert!(
        (g - t1000).abs() <= 4.0 * c + 0.02 * g,
        "Gaussian {g} vs t(1000) {t1000}"
    );
    assert!(
        t4 - g > 4.0 * (gs * gs + t4s * t4s).sqrt(),
        "t(4) {t4} vs Gaussian {g}"
    );
}

/// Stochastic LGD through the simulator: with no LGD factor loading, the LGD
/// of every claim is an independent Beta(a, b) draw (mean 0.45, dispersion
/// 0.2 → a = 1.8, b = 2.2). Kolmogorov–Smirnov distance of the claims' LGDs
/// from the exact beta distribution function, against the 0.1% critical value
/// 1.95/√n plus the tabulated quantile's error (below 5e-4 in LGD units,
/// hence below 5e-4 × max density ≈ 8e-4 in probability). Also checks the
/// mean LGD within 4 standard errors (plus the same table error).
#[test]
fn claim_lgds_are_beta() {
    let n_pol = 40;
    let mut csv = String::from(
        "id,obligor,country,sector,product,exposure,pd,lgd,lgd_dispersion,tenor,premium_rate,perils\n",
    );
    for i in 0..n_pol {
        // Two policies on every obligor: both LGD words of a candidate are used.
        csv.push_str(&format!(
            "P{i},O{},X,S,export_credit,1 JPY,0.3,0.45,0.2,1 year,0.01,commercial\n",
            i / 2
        ));
    }
    let sc = format!(
        "{HEADER}[insurance]\nportfolio = \"book.csv\"\nmethod = \"plain\"\nglobal_loading = 0.3\n\n[insurance.capital]\nbase = \"¥1k\"\nas_of = \"2025-04\"\n\n[insurance.countries]\nX = {{ loading = 0.2 }}\n\n[insurance.sectors]\nS = {{ loading = 0.1 }}\n"
    );
    let path = write("lgd", &sc, &[("book.csv", csv)]);
    let m = load(&path).unwrap();
    let sim = m.compile(11);
    let mut scr = sim.scratch();
    let mut lgds = Vec::new();
    for p in 0..4_000u64 {
        sim.path(p, &mut scr, &mut |_, l| lgds.push(l));
    }
    let n = lgds.len();
    assert!(n > 20_000, "{n} claims");
    lgds.sort_by(f64::total_cmp);
    let (a, b) = levee_insurance::special::beta_params(0.45, 0.2);
    let mut d = 0.0f64;
    for (k, &x) in lgds.iter().enumerate() {
        let f = statrs::function::beta::beta_reg(a, b, x.clamp(0.0, 1.0));
        d = d.max((f - k as f64 / n as f64).abs());
        d = d.max((f - (k + 1) as f64 / n as f64).abs());
    }
    let crit = 1.95 / (n as f64).sqrt() + 8e-4;
    assert!(d < crit, "KS distance {d}, critical {crit}");
    let mean = lgds.iter().sum::<f64>() / n as f64;
    let sd = (0.45f64 * 0.55 * 0.2).sqrt();
    assert!(
        (mean - 0.45).abs() < 4.0 * sd / (n as f64).sqrt() + 5e-4,
        "mean LGD {mean}"
    );
}

/// Cross-engine check against CCruncher: its `test05` portfolio (see
/// `common::ccruncher_test05`: 1,000 obligors, two correlated factors, PDs
/// 5/10/20%, t copula ν = 15) has published reference results from 200,000
/// simulations (CCruncher technical document, "2-factors example"; carried
/// in ../shared/reference/insurance-methods.md §1.2): EL 116.58 (s.e. 0.16),
/// VaR 99% 338, ES 99% 383.82, VaR 99.9% 442 (s.e. 5.44), ES 99.9% 480.98
/// (s.e. 2.71). Tolerance: 4 combined standard errors, √(se_Levee² +
/// se_CCruncher²), plus one loss unit (one obligor) for the discreteness of
/// the loss. Where CCruncher gives no standard error (the 99% figures), its
/// s.e. is taken as Levee's scaled to 200,000 paths (the same estimator;
/// CCruncher's antithetic pairs are assumed to change it little in the tail).
#[test]
fn ccruncher_test05_reference_results() {
    let m = load(&ccruncher_test05("plain")).unwrap();
    let n = 100_000u64;
    let out = run(&m, &settings(n, 5, 2, 4096));
    let el = &out.summary["expected_loss"];
    let (el_v, el_se) = (
        el["mean"].as_f64().unwrap(),
        el["std_error"].as_f64().unwrap(),
    );
    assert!(
        (el_v - 116.58).abs() <= 4.0 * (el_se * el_se + 0.16f64.powi(2)).sqrt(),
        "EL {el_v} (se {el_se}) vs CCruncher 116.58"
    );
    let scale = (n as f64 / 200_000.0).sqrt();
    // (level, measure, CCruncher value, CCruncher s.e. or None)
    let refs = [
        (0, "var", 338.0, None),
        (0, "es", 383.82, None),
        (1, "var", 442.0, Some(5.44)),
        (1, "es", 480.98, Some(2.71)),
    ];
    for (li, key, theirs, their_se) in refs {
        let v = &out.summary["levels"][li][key];
        let (ours, se) = (
            v["value"].as_f64().unwrap(),
            v["std_error"].as_f64().unwrap(),
        );
        let their_se: f64 = their_se.unwrap_or(se * scale);
        let tol = 4.0 * (se * se + their_se * their_se).sqrt() + 1.0;
        assert!(
            (ours - theirs).abs() <= tol,
            "level {li} {key}: Levee {ours} (se {se}) vs CCruncher {theirs} (se {their_se}), tolerance {tol}"
        );
        eprintln!("level {li} {key}: Levee {ours} (se {se}) vs CCruncher {theirs}");
    }
    eprintln!("EL: Levee {el_v} (se {el_se}) vs CCruncher 116.58");
}

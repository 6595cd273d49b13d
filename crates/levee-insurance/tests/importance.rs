//! Importance sampling against plain Monte Carlo on the Glasserman–Li test
//! portfolio in a multi-factor form (global, 5 correlated countries, 4 sectors,
//! political events).

mod common;
use common::*;
use levee_engine::Control;
use levee_insurance::tail::Weighted;

/// The realistic generated book: concentrated, with political events (the
/// ignored diagnostic below; its figure is reported in docs/perf/insurance.md).
fn portfolio_path(method: &str) -> std::path::PathBuf {
    let spec = levee_insurance::PortfolioSpec {
        policies: 600,
        countries: 6,
        sectors: 4,
        total_exposure: 6e11,
        ..Default::default()
    };
    let rows = levee_insurance::generate_portfolio(&spec, 42);
    let mut csv = Vec::new();
    levee_insurance::write_portfolio_csv(&rows, &mut csv).unwrap();
    let sec = levee_insurance::section_toml(&spec, "book.csv", method);
    write(
        &format!("isg-{method}"),
        &format!("{HEADER}{sec}"),
        &[("book.csv", String::from_utf8(csv).unwrap())],
    )
}

/// IS and plain MC estimate the same 99.9% tail; the IS estimator of the tail
/// probability P(L > x) at x = the 99.9% VaR has a per-path variance at least
/// ten times smaller.
///
/// Variance measurement: per-path variance of the estimator's summand,
/// plain: 1{L > x} (variance p(1 − p)), IS: w·1{L > x}. Both are sample
/// variances over N paths; with N_plain = 100 000 and p ≈ 1e-3 the plain
/// variance has relative s.e. ≈ 1/√(Np) ≈ 10%, the IS one (summand bounded by
/// max w) a few percent, so a measured ratio ≥ 10 is decisive when the true
/// ratio is ≥ 20 (the Glasserman–Li gains for correlated books are 10–1000).
///
/// Agreement: tail probabilities differ by less than 4 combined standard errors;
/// VaR 99.5% and 99.9% and ES agree within 4 combined standard errors.
#[test]
fn is_agrees_with_plain_and_reduces_variance_tenfold() {
    let mp = load(&gl_portfolio("plain")).unwrap();
    let mi = load(&gl_portfolio("is")).unwrap();
    let (np, ni) = (100_000u64, 10_000u64);
    let sp = mp.compile(9);
    let dp = mp
        .run_detail(&sp, &settings(np, 9, 2, 4096), &Control::default())
        .unwrap();
    let (si, tuned) = mi.compile_tuned(9);
    assert!(tuned.is_some_and(|t| !t.shift.comps.is_empty()));
    let di = mi
        .run_detail(&si, &settings(ni, 9, 2, 4096), &Control::default())
        .unwrap();
    let lp: Vec<f64> = dp.book.iter().zip(&dp.pipe).map(|(a, b)| a + b).collect();
    let li: Vec<f64> = di.book.iter().zip(&di.pipe).map(|(a, b)| a + b).collect();
    let wp = Weighted::new(&lp, None);
    let wi = Weighted::new(&li, Some(&di.weight));
    let x = wi.var(0.999);
    let ind_p: Vec<f64> = lp.iter().map(|&l| f64::from(u8::from(l > x))).collect();
    let ind_i: Vec<f64> = li
        .iter()
        .zip(&di.weight)
        .map(|(&l, &w)| if l > x { w } else { 0.0 })
        .collect();
    let ep = levee_stats::estimate(&ind_p);
    let ei = levee_stats::estimate(&ind_i);
    let var_p = ep.std_error.powi(2) * np as f64;
    let var_i = ei.std_error.powi(2) * ni as f64;
    eprintln!(
        "x {x:.4e}: plain p {:.3e} var {var_p:.3e}; IS p {:.3e} var {var_i:.3e}; ratio {:.1}",
        ep.mean,
        ei.mean,
        var_p / var_i
    );
    assert!(var_p / var_i >= 10.0, "variance ratio {}", var_p / var_i);
    let comb = (ep.std_error.powi(2) + ei.std_error.powi(2)).sqrt();
    assert!(
        (ep.mean - ei.mean).abs() < 4.0 * comb,
        "tail prob {} vs {}",
        ep.mean,
        ei.mean
    );
    for a in [0.995, 0.999] {
        let (vp, vi) = (wp.var_measure(a), wi.var_measure(a));
        let c = (vp.std_error.powi(2) + vi.std_error.powi(2)).sqrt();
        assert!(
            (vp.value - vi.value).abs() < 4.0 * c,
            "VaR {a}: {} vs {} (se {c})",
            vp.value,
            vi.value
        );
        let (ep_, ei_) = (wp.es_measure(a, vp.value), wi.es_measure(a, vi.value));
        let c = (ep_.std_error.powi(2) + ei_.std_error.powi(2)).sqrt();
        assert!(
            (ep_.value - ei_.value).abs() < 4.0 * c,
            "ES {a}: {} vs {} (se {c})",
            ep_.value,
            ei_.value
        );
    }
}

/// Diagnostic (run with `--ignored`): the same variance ratio on a
/// concentrated generated book whose tail is driven by political events and
/// single names. Prints the ratio; asserts only agreement within 4 s.e.
#[test]
#[ignore]
fn realistic_book_variance_ratio() {
    let mp = load(&portfolio_path("plain")).unwrap();
    let mi = load(&portfolio_path("is")).unwrap();
    let (np, ni) = (100_000u64, 10_000u64);
    let dp = mp
        .run_detail(
            &mp.compile(9),
            &settings(np, 9, 2, 4096),
            &Control::default(),
        )
        .unwrap();
    let (si, _) = mi.compile_tuned(9);
    let di = mi
        .run_detail(&si, &settings(ni, 9, 2, 4096), &Control::default())
        .unwrap();
    let lp: Vec<f64> = dp.book.iter().zip(&dp.pipe).map(|(a, b)| a + b).collect();
    let li: Vec<f64> = di.book.iter().zip(&di.pipe).map(|(a, b)| a + b).collect();
    let x = Weighted::new(&li, Some(&di.weight)).var(0.999);
    let ep = levee_stats::estimate(
        &lp.iter()
            .map(|&l| f64::from(u8::from(l > x)))
            .collect::<Vec<_>>(),
    );
    let ei = levee_stats::estimate(
        &li.iter()
            .zip(&di.weight)
            .map(|(&l, &w)| if l > x { w } else { 0.0 })
            .collect::<Vec<_>>(),
    );
    let ratio = (ep.std_error.powi(2) * np as f64) / (ei.std_error.powi(2) * ni as f64);
    eprintln!(
        "realistic book: plain p {:.3e}, IS p {:.3e}, per-path variance ratio {ratio:.1}",
        ep.mean, ei.mean
    );
    assert!((ep.mean - ei.mean).abs() < 4.0 * (ep.std_error.powi(2) + ei.std_error.powi(2)).sqrt());
}

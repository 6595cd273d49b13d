//! Euler contributions: they add up, and on a fine-grained one-factor
//! portfolio they approach the ASRF limit (Gordy 2003).

mod common;
use common::*;
use levee_engine::Control;
use levee_insurance::tail::Weighted;
use levee_insurance::vasicek::{asrf_var_contribution, lhp_es};

/// EL, VaR and ES contributions per policy sum to the portfolio figures. The
/// per-policy sums are exact integers (2⁻³² yen units); the only difference is
/// the rounding of each claim to that unit (≤ 2⁻³³ yen per claim), so a
/// relative tolerance of 1e-9 is loose.
#[test]
fn contributions_add_up() {
    for method in ["plain", "is"] {
        let m = load(&gl_portfolio(method)).unwrap();
        let (sim, _) = m.compile_tuned(4);
        let d = m
            .run_detail(&sim, &settings(8000, 4, 2, 1000), &Control::default())
            .unwrap();
        let l: Vec<f64> = d.book.iter().zip(&d.pipe).map(|(a, b)| a + b).collect();
        let wl: Vec<f64> = l.iter().zip(&d.weight).map(|(a, w)| a * w).collect();
        let el = levee_stats::estimate(&wl).mean;
        let (var, es) = d.var_es;
        let ws = Weighted::new(&l, Some(&d.weight));
        assert_eq!(var, ws.var(0.999));
        let sum = |v: &[f64]| v.iter().sum::<f64>();
        assert!(
            (sum(&d.el) - el).abs() <= 1e-9 * el,
            "{method}: EL {} vs {el}",
            sum(&d.el)
        );
        assert!(
            (sum(&d.var) - var).abs() <= 1e-9 * var,
            "{method}: VaR {} vs {var}",
            sum(&d.var)
        );
        assert!(
            (sum(&d.es) - es).abs() <= 1e-9 * es,
            "{method}: ES {} vs {es}",
            sum(&d.es)
        );
        assert!(es >= var);
    }
}

/// ASRF limit: 4,000 obligors (half PD 0.5%, half 2%), unit exposures, LGD 1,
/// one factor with ρ = 0.15, IS, α = 99.9%. The share of the PD-2% class in
/// the VaR contributions tends to n_B p_B(z_α)/Σ n p(z_α); in the ES
/// contributions to n_B ES_B/Σ n ES with ES_k = lhp_es(p_k, ρ, α).
///
/// Tolerance: (i) statistical: given L in the window, the class share of the
/// ~D ≈ L defaults is binomial-like with sd √(s(1−s)/D); averaged over the
/// window's effective number of paths K = (Σw)²/Σw², s.e. = sd/√K; we allow
/// 4 s.e.; (ii) the window spans levels α ± h, over which the ASRF share moves
/// by |s(α+h) − s(α−h)|; (iii) finite-size: the Euler contribution conditions
/// on L = VaR rather than on z = z_α; with n = 4,000 the conditional share
/// differs from the ASRF share by O(1/√D) in the worst case, allowed as
/// 1/√D. The ES share has no window and a smaller statistical error; the same
/// bound is used.
#[test]
fn var_contributions_approach_the_asrf_limit() {
    let (n, rho, alpha) = (4000usize, 0.15, 0.999);
    let mut csv = String::from(BOOK_COLUMNS);
    for i in 0..n {
        let p = if i % 2 == 0 { 0.005 } else { 0.02 };
        csv.push_str(&format!(
            "P{i},O{i},X,S,export_credit,1 JPY,{p},1,1 year,0.01\n"
        ));
    }
    let sc = format!(
        "{HEADER}[insurance]\nportfolio = \"book.csv\"\nmethod = \"is\"\nglobal_loading = {}\nlevels = [\"99.9%\"]\n\n[insurance.capital]\nbase = \"¥1k\"\nas_of = \"2025-04\"\nlevel = \"99.9%\"\n\n[insurance.countries]\nX = {{ loading = 0 }}\n\n[insurance.sectors]\nS = {{ loading = 0 }}\n",
        f64::sqrt(rho)
    );
    let m = load(&write("asrf", &sc, &[("book.csv", csv)])).unwrap();
    let (sim, _) = m.compile_tuned(8);
    let d = m
        .run_detail(&sim, &settings(10_000, 8, 2, 4096), &Control::default())
        .unwrap();
    let share = |v: &[f64]| -> f64 {
        let b: f64 = v.iter().skip(1).step_by(2).sum();
        b / v.iter().sum::<f64>()
    };
    let asrf = |a: f64| {
        let (pa, pb) = (
            asrf_var_contribution(0.005, rho, a),
            asrf_var_contribution(0.02, rho, a),
        );
        pb / (pa + pb)
    };
    let h = 0.25 * (1.0 - alpha);
    let s_var = share(&d.var);
    let s_asrf = asrf(alpha);
    let l: Vec<f64> = d.book.clone();
    let ws = Weighted::new(&l, Some(&d.weight));
    let (lo, hi) = (ws.var(alpha - h), ws.var(alpha + h));
    let win: Vec<f64> = l
        .iter()
        .zip(&d.weight)
        .filter(|(x, _)| **x >= lo && **x <= hi)
        .map(|(_, w)| *w)
        .collect();
    let k_eff = win.iter().sum::<f64>().powi(2) / win.iter().map(|w| w * w).sum::<f64>();
    let dflt = d.var_es.0;
    let sd = (s_asrf * (1.0 - s_asrf) / dflt).sqrt();
    let tol =
        4.0 * sd / k_eff.sqrt() + (asrf(alpha + h) - asrf(alpha - h)).abs() + 1.0 / dflt.sqrt();
    eprintln!("VaR share {s_var:.4} ASRF {s_asrf:.4} tol {tol:.4} (K_eff {k_eff:.0}, D {dflt})");
    assert!(k_eff >= 30.0, "window too thin: {k_eff}");
    assert!(
        (s_var - s_asrf).abs() <= tol,
        "VaR share {s_var} vs ASRF {s_asrf} (tol {tol})"
    );
    let (ea, eb) = (lhp_es(0.005, rho, alpha), lhp_es(0.02, rho, alpha));
    let s_es = share(&d.es);
    let e_asrf = eb / (ea + eb);
    let tol_es = 4.0 * sd / k_eff.sqrt() + 1.0 / dflt.sqrt();
    eprintln!("ES share {s_es:.4} ASRF {e_asrf:.4} tol {tol_es:.4}");
    assert!(
        (s_es - e_asrf).abs() <= tol_es,
        "ES share {s_es} vs ASRF {e_asrf}"
    );
}

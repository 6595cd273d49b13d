//! The speed changes of docs/perf/insurance.md are exact: tuning on several
//! threads gives the same IS distribution as on one, and the contribution
//! pass's weight-free re-simulation (`Sim::path_claims`) reproduces every
//! claim of `Sim::path` bit for bit.

mod common;
use common::*;

fn book() -> std::path::PathBuf {
    let spec = levee_insurance::PortfolioSpec {
        policies: 400,
        countries: 5,
        sectors: 3,
        total_exposure: 4e11,
        ..Default::default()
    };
    let rows = levee_insurance::generate_portfolio(&spec, 31);
    let mut csv = Vec::new();
    levee_insurance::write_portfolio_csv(&rows, &mut csv).unwrap();
    let sec = levee_insurance::section_toml(&spec, "book.csv", "is");
    write(
        "speed-inv",
        &format!("{HEADER}{sec}"),
        &[("book.csv", String::from_utf8(csv).unwrap())],
    )
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn tuning_is_identical_for_any_thread_count_and_claims_match() {
    let m = load(&book()).unwrap();
    let (a, ta) = m.compile_tuned_threads(9, 1);
    let (b, tb) = m.compile_tuned_threads(9, 2);
    let (ta, tb) = (ta.unwrap(), tb.unwrap());
    assert_eq!(ta.target.to_bits(), tb.target.to_bits());
    assert_eq!(a.shift.comps.len(), b.shift.comps.len());
    assert!(!a.shift.comps.is_empty(), "the book should be shifted");
    for ((ma, pa), (mb, pb)) in a.shift.comps.iter().zip(&b.shift.comps) {
        assert_eq!(bits(ma), bits(mb));
        assert_eq!(pa.to_bits(), pb.to_bits());
    }
    assert_eq!(bits(&a.twist), bits(&b.twist));
    assert!(a.twist.len() >= 2, "twisting should be on");
    // path_claims: the same claims, in the same order, with the same losses.
    let (mut s1, mut s2) = (a.scratch(), a.scratch());
    let mut claims_seen = 0usize;
    for p in 0..300 {
        let mut c1: Vec<(u32, u64)> = Vec::new();
        let mut c2: Vec<(u32, u64)> = Vec::new();
        let o1 = a.path(p, &mut s1, &mut |i, l| c1.push((i, l.to_bits())));
        let o2 = a.path_claims(p, &mut s2, &mut |i, l| c2.push((i, l.to_bits())));
        assert_eq!(c1, c2, "path {p}");
        assert_eq!(o1.book.to_bits(), o2.book.to_bits());
        assert_eq!(o1.pipe.to_bits(), o2.pipe.to_bits());
        assert!(o2.weight.is_nan());
        assert!(o1.weight.is_finite() && o1.weight > 0.0);
        claims_seen += c1.len();
    }
    assert!(claims_seen > 0);
}

/// A dense band takes lower-PD obligors within a factor 2 of its top only
/// while their expected surplus candidates, Σ (p_top − p), stay within
/// `DENSE_MERGE_BUDGET` (a walked band takes them all): one cell with 60
/// obligors at each of 20%, 10% and 5%, as in CCruncher's sample, where
/// the 10% obligors once all joined the 20% band and half their candidates
/// were rejected. The oracles (Poisson-binomial with PDs 1–20%, CCruncher's
/// sample) check the distribution under this layout; this checks the layout.
#[test]
fn dense_bands_cap_their_surplus_candidates() {
    let mut csv = String::from(BOOK_COLUMNS);
    for i in 0..180 {
        let pd = [0.20, 0.10, 0.05][i / 60];
        csv.push_str(&format!(
            "P{i},O{i},C1,X,export_credit,1 JPY,{pd},1,1 year,0.01\n"
        ));
    }
    let sc = format!(
        "{HEADER}[insurance]\nportfolio = \"book.csv\"\nmethod = \"plain\"\nglobal_loading = 0.3\n\n[insurance.capital]\nbase = \"¥1k\"\nas_of = \"2025-04\"\n\n[insurance.countries]\nC1 = {{ loading = 0.4 }}\n\n[insurance.sectors]\nX = {{ loading = 0 }}\n"
    );
    let m = load(&write("dense-cap", &sc, &[("book.csv", csv)])).unwrap();
    let sim = m.compile(1);
    // PDs recovered from the thresholds, Φ(Φ⁻¹(p)): within 1e-10 of the
    // PDs the model summed (five obligors at 5% fill the budget exactly).
    let pd = |c: f64| levee_rng::normal_cdf(c);
    let dense: Vec<_> = sim.bands.iter().filter(|b| b.dense).collect();
    let mut obligors = 0;
    for b in &dense {
        let units = &sim.units[b.start as usize..b.end as usize];
        let surplus: f64 = units.iter().map(|u| pd(b.c_top) - pd(u.c)).sum();
        assert!(
            surplus <= levee_insurance::DENSE_MERGE_BUDGET + 1e-9,
            "band {}..{}: expected surplus candidates {surplus}",
            b.start,
            b.end
        );
        obligors += units.len();
    }
    // Every obligor is in a dense band (5% ≥ DENSE_PD), and the three
    // grades need at least three bands.
    assert_eq!(obligors, 180);
    assert!(dense.len() >= 3, "{} dense bands", dense.len());
}

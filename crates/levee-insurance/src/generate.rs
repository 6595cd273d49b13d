//! Synthetic portfolios of any size with controlled concentration, for tests,
//! benchmarks and `levee gen-portfolio`.
//!
//! Every draw comes from `levee_rng::Stream::new(seed, "insurance/gen-portfolio")`
//! at (path = obligor or policy index, step, k): the same spec and seed give
//! the same file on every machine.

use std::io::Write;

use levee_rng::Stream;

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct PortfolioSpec {
    /// Number of policies.
    pub policies: usize,
    /// Number of countries (named C01, C02, …).
    pub countries: usize,
    /// Number of sectors (named S01, …).
    pub sectors: usize,
    /// Average number of policies per obligor (≥ 1).
    pub policies_per_obligor: f64,
    /// Concentration exponent c ≥ 0: obligor k's exposure scale is (k + 1)^(−c),
    /// and countries/sectors are drawn with probability ∝ (rank + 1)^(−c).
    pub concentration: f64,
    /// LGD dispersion written for every policy (0 for fixed LGD).
    pub lgd_dispersion: f64,
    /// Total insured exposure in yen (rescaled to this).
    pub total_exposure: f64,
    /// How obligors are spread over the rating grid [`PD_GRID`].
    pub rating_mix: RatingMix,
    /// Whether the matching section ([`section_toml`]) gives the countries
    /// political-event probabilities (transfer, expropriation, war).
    pub political_events: bool,
}

/// Distribution of obligors over the rating grid [`PD_GRID`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RatingMix {
    /// Equal shares of the seven grades (mean annual PD 2.9%): a
    /// default-heavy book that stresses the simulator.
    #[default]
    Uniform,
    /// An investment-grade-heavy mix, shares [`ECA_MIX`] (mean annual PD
    /// 0.86%). Assumption, for benchmarks: illustrative of an export-credit
    /// agency's book of sovereign and large-corporate buyers, not a NEXI figure.
    Eca,
}

/// Shares of the grades of [`PD_GRID`] under [`RatingMix::Eca`].
pub const ECA_MIX: [f64; 7] = [0.25, 0.25, 0.20, 0.15, 0.08, 0.05, 0.02];

impl RatingMix {
    /// The grade of a uniform draw `u` in (0, 1).
    fn grade(self, u: f64) -> usize {
        match self {
            RatingMix::Uniform => (u * PD_GRID.len() as f64) as usize % PD_GRID.len(),
            RatingMix::Eca => pick_weighted(u, &ECA_MIX),
        }
    }
}

impl Default for PortfolioSpec {
    fn default() -> Self {
        PortfolioSpec {
            policies: 1000,
            countries: 20,
            sectors: 8,
            policies_per_obligor: 1.5,
            concentration: 0.5,
            lgd_dispersion: 0.2,
            total_exposure: 1e13,
            rating_mix: RatingMix::Uniform,
            political_events: true,
        }
    }
}

/// One generated row (already formatted values).
#[derive(Clone, Debug, PartialEq)]
pub struct GeneratedPolicy {
    /// Policy id.
    pub id: String,
    /// Obligor.
    pub obligor: String,
    /// Country.
    pub country: String,
    /// Sector.
    pub sector: String,
    /// Product name.
    pub product: &'static str,
    /// Exposure in yen.
    pub exposure_yen: f64,
    /// Annual PD.
    pub pd: f64,
    /// LGD mean.
    pub lgd: f64,
    /// LGD dispersion.
    pub lgd_dispersion: f64,
    /// Tenor in whole years.
    pub tenor_years: u32,
    /// Premium rate per year.
    pub premium_rate: f64,
}

/// Rating grid of the generator (annual PDs).
pub const PD_GRID: [f64; 7] = [0.0003, 0.001, 0.003, 0.008, 0.02, 0.05, 0.12];

fn pick_power(u: f64, n: usize, c: f64) -> usize {
    // P(k) ∝ (k + 1)^(−c).
    let w: Vec<f64> = (0..n).map(|k| ((k + 1) as f64).powf(-c)).collect();
    pick_weighted(u, &w)
}

/// The index k with probability ∝ w[k], by inversion of the cumulative
/// weights at the uniform draw `u`.
fn pick_weighted(u: f64, w: &[f64]) -> usize {
    let t: f64 = w.iter().sum::<f64>() * u;
    let mut acc = 0.0;
    for (k, x) in w.iter().enumerate() {
        acc += x;
        if t < acc {
            return k;
        }
    }
    w.len().saturating_sub(1)
}

/// Generate a portfolio. Product mix follows NEXI's FY2021 authorisations
/// (export credit 81%, overseas investment 8%, untied loans 5%, reinsurance 3%,
/// loan guarantees 3%; japan-facts.md N3).
pub fn generate_portfolio(spec: &PortfolioSpec, seed: u64) -> Vec<GeneratedPolicy> {
    let s = Stream::new(seed, "insurance/gen-portfolio");
    let nc = spec.countries.max(1);
    let ns = spec.sectors.max(1);
    let per = spec.policies_per_obligor.max(1.0);
    let mut out = Vec::with_capacity(spec.policies);
    let mut obligor = 0usize;
    let mut left_in_obligor = 0usize;
    let (mut country, mut sector, mut pd, mut scale) = (0usize, 0usize, 0.01, 1.0);
    for i in 0..spec.policies {
        if left_in_obligor == 0 {
            obligor += 1;
            let o = obligor as u64;
            let u = s.uniform(o, 0, 0);
            // Geometric number of policies with mean `per`.
            left_in_obligor = 1
                + (u.ln() / (1.0 - 1.0 / per).max(1e-12).ln())
                    .floor()
                    .max(0.0) as usize;
            if per <= 1.0 {
                left_in_obligor = 1;
            }
            country = pick_power(s.uniform(o, 0, 1), nc, spec.concentration);
            sector = pick_power(s.uniform(o, 0, 2), ns, spec.concentration);
            pd = PD_GRID[spec.rating_mix.grade(s.uniform(o, 0, 3))];
            let ln = levee_rng::normal_inv_cdf(s.uniform(o, 0, 4));
            scale = (obligor as f64).powf(-spec.concentration) * (0.8 * ln).exp();
        }
        left_in_obligor -= 1;
        let p = i as u64;
        let up = s.uniform(p, 1, 0);
        let product = match up {
            x if x < 0.81 => "export_credit",
            x if x < 0.89 => "overseas_investment",
            x if x < 0.94 => "untied_loan",
            x if x < 0.97 => "reinsurance",
            _ => "loan_guarantee",
        };
        let lgd = [0.3, 0.45, 0.6][(s.uniform(p, 1, 1) * 3.0) as usize % 3];
        let tenor = 1 + (s.uniform(p, 1, 2) * 10.0) as u32 % 10;
        let e = scale * (0.5 * levee_rng::normal_inv_cdf(s.uniform(p, 1, 3))).exp();
        out.push(GeneratedPolicy {
            id: format!("P{:07}", i + 1),
            obligor: format!("O{obligor:07}"),
            country: format!("C{:02}", country + 1),
            sector: format!("S{:02}", sector + 1),
            product,
            exposure_yen: e,
            pd,
            lgd,
            lgd_dispersion: spec.lgd_dispersion,
            tenor_years: tenor,
            premium_rate: (1.5 * pd * lgd + 0.001 * (1.0 + tenor as f64 / 10.0)).min(0.2),
        });
    }
    let tot: f64 = out.iter().map(|p| p.exposure_yen).sum();
    if tot > 0.0 {
        for p in out.iter_mut() {
            // Whole yen, so the CSV round-trips exactly.
            p.exposure_yen = (p.exposure_yen * spec.total_exposure / tot)
                .round()
                .max(1.0);
        }
    }
    out
}

/// Write policies as the portfolio CSV format of docs/models/insurance.md.
pub fn write_portfolio_csv(rows: &[GeneratedPolicy], mut w: impl Write) -> std::io::Result<()> {
    writeln!(
        w,
        "id,obligor,country,sector,product,exposure,insured_share,pd,lgd,lgd_dispersion,tenor,premium_rate"
    )?;
    for r in rows {
        writeln!(
            w,
            "{},{},{},{},{},{} JPY,1,{},{},{},{} years,{:.6}",
            r.id,
            r.obligor,
            r.country,
            r.sector,
            r.product,
            r.exposure_yen,
            r.pd,
            r.lgd,
            r.lgd_dispersion,
            r.tenor_years,
            r.premium_rate
        )?;
    }
    Ok(())
}

/// A matching `[insurance]` section (factor table with political events,
/// capital of 5% of exposure) for a generated portfolio written to `csv_path`.
pub fn section_toml(spec: &PortfolioSpec, csv_path: &str, method: &str) -> String {
    let twist_events = if method == "is" && spec.political_events {
        "# Many frequent, large country events: the political-factor shift samples\n# them better than twisting them (docs/perf/insurance.md).\ntwist_events = false\n"
    } else {
        ""
    };
    let mut s = format!(
        "[insurance]\nportfolio = \"{csv_path}\"\nmethod = \"{method}\"\nglobal_loading = 0.35\nlgd_factor_loading = 0.3\npolitical_correlation = 0.3\n{twist_events}\n[insurance.capital]\nbase = \"¥{}bn\"\nas_of = \"2025-04\"\nmeasure = \"var\"\nlevel = \"99.5%\"\n\n[insurance.countries]\n",
        (spec.total_exposure * 0.05 / 1e9).round()
    );
    let e = if spec.political_events { 1.0 } else { 0.0 };
    for c in 0..spec.countries.max(1) {
        let k = c as f64 / spec.countries.max(1) as f64;
        s.push_str(&format!(
            "C{:02} = {{ loading = {:.2}, transfer = {:.4}, expropriation = {:.4}, war = {:.4} }}\n",
            c + 1,
            0.25 + 0.2 * k,
            e * (0.001 + 0.01 * k),
            e * (0.0005 + 0.003 * k),
            e * (0.0002 + 0.002 * k)
        ));
    }
    s.push_str("\n[insurance.sectors]\n");
    for j in 0..spec.sectors.max(1) {
        s.push_str(&format!(
            "S{:02} = {{ loading = {:.2} }}\n",
            j + 1,
            0.2 + 0.15 * (j % 3) as f64
        ));
    }
    s
}

/// A ready-to-run model of a generated portfolio with the matching section of
/// [`section_toml`] (one-year horizon from April 2025, yen), for benchmarks
/// and profiling. The portfolio is written to a temporary directory, read
/// through the ordinary scenario reader, and the directory removed.
///
/// # Errors
/// The scenario reader's messages if the generated scenario does not validate,
/// or an I/O error's text.
pub fn synthetic_model(
    spec: &PortfolioSpec,
    seed: u64,
    method: &str,
) -> Result<crate::InsuranceModel, String> {
    // A directory of its own per call: calls with the same arguments may run
    // at once (tests on several threads), and each removes its directory.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let rows = generate_portfolio(spec, seed);
    let dir = std::env::temp_dir().join(format!(
        "levee-insurance-synthetic-{}-{call}-{seed}-{method}-{}",
        std::process::id(),
        spec.policies
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let result = (|| {
        let mut csv = Vec::new();
        write_portfolio_csv(&rows, &mut csv).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("book.csv"), csv).map_err(|e| e.to_string())?;
        let text = format!(
            "[scenario]\nname = \"synthetic\"\ncurrency = \"JPY\"\n\n{}",
            section_toml(spec, "book.csv", method)
        );
        let path = dir.join("s.toml");
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        let sc = levee_scenario::Scenario::load(&path).map_err(|e| e.to_string())?;
        let ctx = levee_model::ScenarioContext {
            fx: sc.fx(),
            currency: levee_units::Currency::JPY,
            start: levee_units::YearMonth {
                year: 2025,
                month: 4,
            },
            horizon_months: 12,
        };
        let m = {
            let root = sc.root();
            root.accept_all();
            root.table("insurance")
                .and_then(|sec| crate::InsuranceModel::from_scenario(&sec, &ctx))
        };
        sc.check().map_err(|e| e.to_string())?;
        m.ok_or_else(|| "the generated scenario has no [insurance] model".to_string())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

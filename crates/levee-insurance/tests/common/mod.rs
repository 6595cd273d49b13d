//! Shared helpers: write a scenario and its CSVs into a fresh directory, read
//! the `[insurance]` section, run it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use levee_engine::Control;
use levee_insurance::InsuranceModel;
use levee_model::{ModelOutput, RunSettings, ScenarioContext};
use levee_scenario::Scenario;
use levee_units::{Currency, YearMonth};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Header line of the portfolio CSVs the tests write (docs/models/insurance.md).
pub const BOOK_COLUMNS: &str =
    "id,obligor,country,sector,product,exposure,pd,lgd,tenor,premium_rate\n";

/// A fresh directory under the target temp dir.
pub fn tempdir(tag: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let d = std::env::temp_dir().join(format!("levee-insurance-{tag}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub const HEADER: &str = "[scenario]\nname = \"t\"\ncurrency = \"JPY\"\n\n[run]\npaths = 1000\nseed = 1\nstart = \"2025-04\"\nhorizon = \"10 years\"\n\n[fx]\nUSDJPY = 150\n\n";

/// Write `files` (name, content) and the scenario text; return the scenario path.
pub fn write(tag: &str, scenario: &str, files: &[(&str, String)]) -> PathBuf {
    let d = tempdir(tag);
    for (name, text) in files {
        std::fs::write(d.join(name), text).unwrap();
    }
    let p = d.join("scenario.toml");
    std::fs::write(&p, scenario).unwrap();
    p
}

pub fn ctx(sc: &Scenario) -> ScenarioContext {
    ScenarioContext {
        fx: sc.fx(),
        currency: Currency::JPY,
        start: YearMonth::parse("2025-04").unwrap(),
        horizon_months: 120,
    }
}

/// Load a scenario file and build the model; Err with the rendered diagnostics.
pub fn load(path: &std::path::Path) -> Result<InsuranceModel, String> {
    let sc = Scenario::load(path).map_err(|d| d.to_string())?;
    let c = ctx(&sc);
    let model = {
        let root = sc.root();
        root.accept_all();
        let sec = root.table("insurance");
        let m = sec
            .as_ref()
            .and_then(|s| InsuranceModel::from_scenario(s, &c));
        drop(sec);
        drop(root);
        m
    };
    match (sc.check(), model) {
        (Ok(()), Some(m)) => Ok(m),
        (Err(d), _) => Err(d.to_string()),
        (Ok(()), None) => Err("no model and no diagnostics".into()),
    }
}

pub fn settings(paths: u64, seed: u64, threads: usize, chunk: u64) -> RunSettings {
    RunSettings {
        paths,
        seed,
        threads,
        chunk_size: chunk,
        start: YearMonth::parse("2025-04").unwrap(),
        horizon_months: 12,
    }
}

/// Both passes of `m` on `sim`, with their per-path and per-policy detail.
pub fn detail(
    m: &InsuranceModel,
    sim: &levee_insurance::sim::Sim,
    s: &RunSettings,
) -> levee_insurance::RunDetail {
    m.run_detail(sim, s, &Control::default()).unwrap()
}

pub fn run(m: &InsuranceModel, s: &RunSettings) -> ModelOutput {
    m.run(s, &Control::default()).unwrap()
}

/// A homogeneous one-factor portfolio: `n` obligors, PD `p`, global loading √ρ, LGD 1, exposure 1 yen.
pub fn homogeneous(tag: &str, n: usize, p: f64, rho: f64, method: &str) -> PathBuf {
    let mut csv = String::from(BOOK_COLUMNS);
    for i in 0..n {
        csv.push_str(&format!(
            "P{i},O{i},X,S,export_credit,1 JPY,{p},1,1 year,0.01\n"
        ));
    }
    let sc = format!(
        "{HEADER}[insurance]\nportfolio = \"book.csv\"\nmethod = \"{method}\"\nglobal_loading = {}\n\n[insurance.capital]\nbase = \"¥1k\"\nas_of = \"2025-04\"\nlevel = \"99.9%\"\n\n[insurance.countries]\nX = {{ loading = 0 }}\n\n[insurance.sectors]\nS = {{ loading = 0 }}\n",
        rho.sqrt()
    );
    write(tag, &sc, &[("book.csv", csv)])
}

/// The Glasserman & Li (2005) test portfolio carried over to the
/// global/country/sector structure: m = 1000 obligors, p_k = 0.01(1 + sin(16πk/m)),
/// exposures c_k = ⌈5k/m⌉², LGD 1; 5 countries with correlated factors (0.4),
/// 4 sectors; loadings global 0.4, country 0.3, sector 0.3; political events in
/// two countries.
pub fn gl_portfolio(method: &str) -> std::path::PathBuf {
    let m = 1000;
    let mut csv = String::from(BOOK_COLUMNS);
    for k in 1..=m {
        let p = 0.01 * (1.0 + (16.0 * std::f64::consts::PI * k as f64 / m as f64).sin());
        let p = p.max(1e-6);
        let c = ((5 * k) as f64 / m as f64).ceil().powi(2);
        csv.push_str(&format!(
            "P{k},O{k},C{},S{},export_credit,{c} JPY,{p},1,1 year,0.01\n",
            k % 5,
            k % 4
        ));
    }
    let mut corr = String::from("country,C0,C1,C2,C3,C4\n");
    for i in 0..5 {
        corr.push_str(&format!("C{i}"));
        for j in 0..5 {
            corr.push_str(if i == j { ",1" } else { ",0.4" });
        }
        corr.push('\n');
    }
    let sc = format!(
        "{HEADER}[insurance]\nportfolio = \"book.csv\"\nmethod = \"{method}\"\nglobal_loading = 0.4\ncountry_correlation = \"corr.csv\"\n\n[insurance.capital]\nbase = \"¥1k\"\nas_of = \"2025-04\"\nlevel = \"99.9%\"\n\n[insurance.countries]\nC0 = {{ loading = 0.3, transfer = 0.0005 }}\nC1 = {{ loading = 0.3, war = 0.0002 }}\nC2 = {{ loading = 0.3 }}\nC3 = {{ loading = 0.3 }}\nC4 = {{ loading = 0.3 }}\n\n[insurance.sectors]\nS0 = {{ loading = 0.3 }}\nS1 = {{ loading = 0.3 }}\nS2 = {{ loading = 0.3 }}\nS3 = {{ loading = 0.3 }}\n"
    );
    write(
        &format!("gl-{method}"),
        &sc,
        &[("book.csv", csv), ("corr.csv", corr)],
    )
}

/// CCruncher's `test05` portfolio (samples/test05.xml of CCruncher 2.x):
/// 1,000 obligors with exposure 1 and LGD 100%; obligor i (from 1) has
/// rating A, B, C for i mod 3 = 1, 2, 0 (1-year PDs 5%, 10%, 20%) and factor
/// S1 for odd i, S2 for even i; factor loadings 0.4 (S1) and 0.35 (S2),
/// Cor(S1, S2) = 0.25; t copula with ν = 15. Carried over as two
/// correlated "countries" with those loadings, no global or sector loading,
/// no political events: the same latent variables, w·Z + √(1 − w²)·ε over a
/// common χ²₁₅ mixing variable.
pub fn ccruncher_test05(method: &str) -> PathBuf {
    let mut csv = String::from(BOOK_COLUMNS);
    for i in 1..=1000 {
        let pd = [0.20, 0.05, 0.10][i % 3];
        let country = if i % 2 == 1 { "S1" } else { "S2" };
        csv.push_str(&format!(
            "P{i},O{i},{country},X,export_credit,1 JPY,{pd},1,1 year,0.01\n"
        ));
    }
    let corr = String::from("country,S1,S2\nS1,1,0.25\nS2,0.25,1\n");
    let sc = format!(
        "{HEADER}[insurance]\nportfolio = \"book.csv\"\nmethod = \"{method}\"\nglobal_loading = 0\ncountry_correlation = \"corr.csv\"\ncopula = \"t\"\nt_degrees_of_freedom = 15\nlevels = [\"99%\", \"99.9%\"]\n\n[insurance.capital]\nbase = \"¥1k\"\nas_of = \"2025-04\"\nlevel = \"99.9%\"\n\n[insurance.countries]\nS1 = {{ loading = 0.4 }}\nS2 = {{ loading = 0.35 }}\n\n[insurance.sectors]\nX = {{ loading = 0 }}\n"
    );
    write(
        &format!("ccr05-{method}"),
        &sc,
        &[("book.csv", csv), ("corr.csv", corr)],
    )
}

//! Helpers shared by the integration tests.
#![allow(dead_code)]

use levee_engine::Control;
use levee_funding::FundingModel;
use levee_model::{ModelOutput, RunSettings, ScenarioContext};
use levee_scenario::Scenario;
use levee_units::{Currency, YearMonth};

pub const HEAD: &str = "[fx]\nUSDJPY = 150\n";

/// The example section as shipped.
pub fn example_section() -> String {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/japan-2025.toml"
    );
    levee_scenario::section_text(
        &std::fs::read_to_string(p).expect("flagship example"),
        "funding",
    )
}

pub fn ctx(sc: &Scenario, start: &str, years: u32) -> ScenarioContext {
    ScenarioContext {
        fx: sc.fx(),
        currency: Currency::JPY,
        start: YearMonth::parse(start).unwrap(),
        horizon_months: 12 * years,
    }
}

/// Parse `text` (a `[funding]` section plus optional [fx]) and build the model;
/// on failure return the error messages.
pub fn try_model(text: &str, start: &str, years: u32) -> Result<FundingModel, String> {
    let sc = Scenario::from_str("test.toml", text).map_err(|e| e.to_string())?;
    let c = ctx(&sc, start, years);
    let m = {
        let root = sc.root();
        let _ = root.table("fx").map(|t| t.accept_all());
        let sec = root.req_table("funding").ok_or("no [funding]")?;
        let m = FundingModel::from_scenario(&sec, &c);
        drop(sec);
        drop(root);
        m
    };
    match (m, sc.check()) {
        (Some(m), Ok(())) => Ok(m),
        (_, Err(e)) => Err(e.to_string()),
        (None, Ok(())) => Err("None without a recorded error".into()),
    }
}

pub fn model(text: &str, start: &str, years: u32) -> FundingModel {
    match try_model(text, start, years) {
        Ok(m) => m,
        Err(e) => panic!("scenario rejected:\n{e}"),
    }
}

pub fn settings(paths: u64, seed: u64, threads: usize, chunk: u64) -> RunSettings {
    RunSettings {
        paths,
        seed,
        threads,
        chunk_size: chunk,
        start: YearMonth::parse("2025-04").unwrap(),
        horizon_months: 120,
    }
}

pub fn run(m: &FundingModel, paths: u64, seed: u64) -> ModelOutput {
    m.run(&settings(paths, seed, 1, 512), &Control::default())
        .expect("run")
}

//! Shared helpers for the minerals tests.
#![allow(dead_code)]

use levee_minerals::MineralsModel;
use levee_model::{RunSettings, ScenarioContext};
use levee_scenario::Scenario;
use levee_units::{Currency, FxTable, YearMonth};

/// 2025-04.
pub fn start() -> YearMonth {
    YearMonth::parse("2025-04").expect("valid month")
}

/// The context every test uses: JPY, USDJPY = 150, 2025-04, `horizon` months.
pub fn ctx(horizon: u32) -> ScenarioContext {
    let mut fx = FxTable::new();
    fx.insert(Currency::USD, Currency::JPY, 150.0);
    ScenarioContext {
        fx,
        currency: Currency::JPY,
        start: start(),
        horizon_months: horizon,
    }
}

/// Settings for `paths` paths over `horizon` months.
pub fn settings(paths: u64, seed: u64, horizon: u32) -> RunSettings {
    RunSettings {
        paths,
        seed,
        threads: 1,
        chunk_size: 4096,
        start: start(),
        horizon_months: horizon,
    }
}

/// Read `[minerals]` from `text`; `Err` carries every diagnostic as text.
pub fn model(text: &str, horizon: u32) -> Result<MineralsModel, Vec<String>> {
    let sc = Scenario::from_str("test.toml", text).map_err(|d| vec![d.to_string()])?;
    let m = {
        let root = sc.root();
        let sec = root.table("minerals");
        let m = sec
            .as_ref()
            .and_then(|s| MineralsModel::from_scenario(s, &ctx(horizon)));
        drop(sec);
        drop(root);
        m
    };
    match (sc.into_result(), m) {
        (Ok(()), Some(m)) => Ok(m),
        (Err(d), _) => Err(d.0.iter().map(|x| x.to_string()).collect()),
        (Ok(()), None) => Err(vec!["model returned None without a diagnostic".into()]),
    }
}

/// The flagship example section with an `[fx]` table.
pub fn example_text() -> String {
    let section = levee_scenario::section_text(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/japan-2025.toml"
        ))
        .expect("examples/japan-2025.toml exists"),
        "minerals",
    );
    format!("[fx]\nUSDJPY = 150\n\n{section}")
}

/// Read the example (with the `[fx]` table accepted).
pub fn example_model(horizon: u32) -> MineralsModel {
    let text = example_text();
    let sc = Scenario::from_str(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/japan-2025.toml"
        ),
        &text,
    )
    .expect("example parses");
    let m = {
        let root = sc.root();
        if let Some(t) = root.table("fx") {
            t.accept_all();
        }
        let sec = root.table("minerals").expect("[minerals]");
        MineralsModel::from_scenario(&sec, &ctx(horizon))
    };
    if let Err(d) = sc.into_result() {
        panic!("example has errors:\n{d}");
    }
    m.expect("example model")
}

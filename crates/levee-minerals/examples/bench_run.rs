//! Run the flagship example section for timing and peak-memory measurement:
//! `cargo run --release -p levee-minerals --example bench_run -- 1000000 [threads]`
//! under `/usr/bin/time -v`. Prints the wall time of `run` and a checksum.

use std::time::Instant;

use levee_engine::Control;
use levee_minerals::MineralsModel;
use levee_model::{RunSettings, ScenarioContext};
use levee_scenario::Scenario;
use levee_units::{Currency, FxTable, YearMonth};

fn main() {
    let mut args = std::env::args().skip(1);
    let paths: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let section = levee_scenario::section_text(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/japan-2025.toml"
        ))
        .expect("examples/japan-2025.toml"),
        "minerals",
    );
    let text = format!("[fx]\nUSDJPY = 150\n\n{section}");
    let sc = Scenario::from_str("examples/japan-2025.toml", &text).expect("parses");
    let start = YearMonth::parse("2025-04").expect("month");
    let mut fx = FxTable::new();
    fx.insert(Currency::USD, Currency::JPY, 150.0);
    let ctx = ScenarioContext {
        fx,
        currency: Currency::JPY,
        start,
        horizon_months: 120,
    };
    let model = {
        let root = sc.root();
        if let Some(t) = root.table("fx") {
            t.accept_all();
        }
        let sec = root.table("minerals").expect("[minerals]");
        MineralsModel::from_scenario(&sec, &ctx).expect("valid")
    };
    sc.into_result().expect("no errors");
    let settings = RunSettings {
        paths,
        seed: 1,
        threads,
        chunk_size: 4096,
        start,
        horizon_months: 120,
    };
    let t0 = Instant::now();
    let out = model.run(&settings, &Control::default()).expect("run");
    let dt = t0.elapsed();
    println!(
        "paths={paths} threads={threads} wall={:.3}s total_unmet_mean={}",
        dt.as_secs_f64(),
        out.summary["total"]["unmet_t"]["mean"]
    );
    for b in &out.text {
        print!("{}", b.render());
    }
}

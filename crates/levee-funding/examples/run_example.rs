//! Run the shipped example section once (for profiling and CPU-time
//! measurement: `perf stat cargo run --release --example run_example -- 100000 1`).
//! `FUNDING_SECTION=<file>` runs another `[funding]` section; `FUNDING_JSON=1`
//! prints the summary JSON and the path columns' bit patterns, to check that an
//! optimisation leaves every result unchanged (compare the output of two builds).

use levee_engine::Control;
use levee_funding::FundingModel;
use levee_model::{RunSettings, ScenarioContext};
use levee_scenario::Scenario;
use levee_units::{Currency, YearMonth};

fn main() {
    let mut args = std::env::args().skip(1);
    let paths: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/japan-2025.toml"
    );
    // FUNDING_SECTION=<file> runs another `[funding]` section instead.
    let path = std::env::var("FUNDING_SECTION").unwrap_or_else(|_| path.to_string());
    let section = levee_scenario::section_text(
        &std::fs::read_to_string(path).unwrap_or_default(),
        "funding",
    );
    let text = format!("[fx]\nUSDJPY = 150\n{section}");
    let Ok(sc) = Scenario::from_str("example.toml", &text) else {
        eprintln!("cannot parse the example");
        std::process::exit(2);
    };
    let ctx = ScenarioContext {
        fx: sc.fx(),
        currency: Currency::JPY,
        start: YearMonth {
            year: 2025,
            month: 4,
        },
        horizon_months: 120,
    };
    let model = {
        let root = sc.root();
        if let Some(t) = root.table("fx") {
            t.accept_all();
        }
        root.req_table("funding")
            .and_then(|sec| FundingModel::from_scenario(&sec, &ctx))
    };
    let Some(model) = model else {
        eprintln!(
            "{}",
            sc.check().err().map(|e| e.to_string()).unwrap_or_default()
        );
        std::process::exit(2);
    };
    let s = RunSettings {
        paths,
        seed: 20251128,
        threads,
        chunk_size: 4096,
        start: ctx.start,
        horizon_months: 120,
    };
    let t0 = std::time::Instant::now();
    match model.run(&s, &Control::default()) {
        Ok(out) => {
            println!(
                "{paths} paths, {threads} thread(s): {:.3} s wall",
                t0.elapsed().as_secs_f64()
            );
            if std::env::var("FUNDING_JSON").is_ok() {
                // The summary and the path columns (as bit patterns), for
                // checking that an optimisation leaves every result unchanged.
                let cols: Vec<(String, Vec<u64>)> = out
                    .path_columns
                    .iter()
                    .map(|c| {
                        (
                            c.name.clone(),
                            c.values.iter().map(|v| v.to_bits()).collect(),
                        )
                    })
                    .collect();
                println!("{}", serde_json::Value::Object(out.summary.clone()));
                println!("{}", serde_json::json!(cols));
            }
            if std::env::var("FUNDING_TEXT").is_ok() {
                for b in &out.text {
                    println!("{}", b.render());
                }
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

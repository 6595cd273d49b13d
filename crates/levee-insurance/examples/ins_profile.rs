//! Profiling driver for the insurance simulator (used with `valgrind
//! --tool=callgrind` and `perf`; see docs/perf/insurance.md).
//!
//! `cargo run --release -p levee-insurance --example ins_profile -- <mode> <paths> [policies]`
//! with mode `plain` (plain Monte Carlo paths of the 10,000-policy bench book),
//! `is` (importance-sampling paths after tuning) or `run` (the full IS model,
//! 1 thread); an optional third argument sets the number of policies.
//! Prints a checksum so runs can be compared for bit-identity.

use levee_insurance::{InsuranceModel, PortfolioSpec};
use levee_scenario::Scenario;
use levee_units::{Currency, YearMonth};

fn model(policies: usize, method: &str) -> InsuranceModel {
    let spec = PortfolioSpec {
        policies,
        ..Default::default()
    };
    let rows = levee_insurance::generate_portfolio(&spec, 7);
    let dir = std::env::temp_dir().join(format!(
        "levee-insurance-profile-{}-{method}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut csv = Vec::new();
    levee_insurance::write_portfolio_csv(&rows, &mut csv).unwrap();
    std::fs::write(dir.join("book.csv"), csv).unwrap();
    let text = format!(
        "[scenario]\nname = \"bench\"\ncurrency = \"JPY\"\n\n{}",
        levee_insurance::section_toml(&spec, "book.csv", method)
    );
    let path = dir.join("s.toml");
    std::fs::write(&path, text).unwrap();
    let sc = Scenario::load(&path).unwrap();
    let ctx = levee_model::ScenarioContext {
        fx: sc.fx(),
        currency: Currency::JPY,
        start: YearMonth::parse("2025-04").unwrap(),
        horizon_months: 12,
    };
    let root = sc.root();
    root.accept_all();
    let sec = root.table("insurance").unwrap();
    let m = InsuranceModel::from_scenario(&sec, &ctx).unwrap();
    drop(sec);
    drop(root);
    sc.check().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    m
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("plain");
    let paths: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let policies: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let t = std::time::Instant::now();
    let (sum, wsum) = match mode {
        "plain" | "is" => {
            let m = model(policies, mode);
            let sim = if mode == "plain" {
                m.compile(1)
            } else {
                m.compile_tuned(1).0
            };
            let mut scr = sim.scratch();
            let t = std::time::Instant::now();
            let (mut s, mut w) = (0.0, 0.0);
            for p in 0..paths {
                let o = sim.path(p, &mut scr, &mut |_, _| {});
                s += o.book + o.pipe;
                w += o.weight;
            }
            eprintln!("{paths} paths: {:.3} s", t.elapsed().as_secs_f64());
            (s, w)
        }
        _ => {
            let m = model(policies, "is");
            let settings = levee_model::RunSettings {
                paths,
                seed: 1,
                threads: 1,
                chunk_size: 4096,
                start: YearMonth::parse("2025-04").unwrap(),
                horizon_months: 12,
            };
            let out = m.run(&settings, &levee_engine::Control::default()).unwrap();
            let s = serde_json::to_string(&out.summary).unwrap();
            (s.len() as f64, 0.0)
        }
    };
    println!(
        "mode {mode} paths {paths}: checksum {sum:e} {wsum:e} ({:.3} s total)",
        t.elapsed().as_secs_f64()
    );
}

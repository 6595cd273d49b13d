//! Profiling driver for the insurance simulator (used with `valgrind
//! --tool=callgrind` and `perf`; see docs/perf/insurance.md).
//!
//! `cargo run --release -p levee-insurance --example ins_profile -- <mode> <paths> [policies]`
//! with mode `plain` (plain Monte Carlo paths of the 10,000-policy bench book),
//! `is` (importance-sampling paths after tuning) or `run` (the full IS model,
//! 1 thread); an optional third argument sets the number of policies.
//! Prints a checksum so runs can be compared for bit-identity.

use levee_insurance::{InsuranceModel, PortfolioSpec};
use levee_units::YearMonth;

fn model(policies: usize, method: &str) -> InsuranceModel {
    let spec = PortfolioSpec {
        policies,
        ..Default::default()
    };
    levee_insurance::synthetic_model(&spec, 7, method).unwrap_or_else(|e| panic!("{e}"))
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

//! Profiling driver for the insurance simulator (used with `valgrind
//! --tool=callgrind` and `perf`; see docs/perf/insurance.md).
//!
//! `cargo run --release -p levee-insurance --example ins_profile -- <mode> <paths> [policies]`
//! with mode `plain` (plain Monte Carlo paths of the 10,000-policy bench book),
//! `is` (importance-sampling paths after tuning) or `run` (the full IS model
//! on `LEVEE_THREADS` threads, default 1, seed `LEVEE_SEED` (default 1), printing the relative standard
//! errors of VaR and ES); an optional third argument sets the number of
//! policies. `LEVEE_METHOD=plain` runs the full model with plain Monte Carlo;
//! `LEVEE_MIX=eca` uses the investment-grade-heavy rating mix and
//! `LEVEE_NO_EVENTS=1` a book without political events;
//! `LEVEE_BOOK=test05` uses CCruncher's own 1,000-obligor sample instead of
//! the generated book (the bench's `plain_mc/ccruncher-test05`; the
//! policies argument is then ignored).
//! Prints a checksum so runs can be compared for bit-identity.

#[path = "../tests/common/mod.rs"]
mod common;

use levee_insurance::{InsuranceModel, PortfolioSpec, RatingMix};
use levee_units::YearMonth;

fn model(policies: usize, method: &str) -> InsuranceModel {
    if std::env::var("LEVEE_BOOK").as_deref() == Ok("test05") {
        return common::load(&common::ccruncher_test05(method)).unwrap_or_else(|e| panic!("{e}"));
    }
    let spec = PortfolioSpec {
        policies,
        rating_mix: if std::env::var("LEVEE_MIX").as_deref() == Ok("eca") {
            RatingMix::Eca
        } else {
            RatingMix::Uniform
        },
        political_events: std::env::var_os("LEVEE_NO_EVENTS").is_none(),
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
            let t0 = std::time::Instant::now();
            let sim = if mode == "plain" {
                m.compile(1)
            } else {
                m.compile_tuned(1).0
            };
            eprintln!(
                "compiled in {:.3} s; {} of {} obligors twisted, {} shift components",
                t0.elapsed().as_secs_f64(),
                sim.twisted_obligors(),
                sim.units.len(),
                sim.shift.comps.len()
            );
            eprintln!(
                "cells {} bands {} (dense {}, in {} words of eight obligors; {} groups) units {} pols {} events {} tables {}",
                sim.cells.len(),
                sim.bands.len(),
                sim.dense.len(),
                sim.dense_words.len(),
                sim.groups.len(),
                sim.units.len(),
                sim.pols.len(),
                sim.events.len(),
                sim.tables.len()
            );
            let mut scr = sim.scratch();
            let t = std::time::Instant::now();
            let (mut s, mut w) = (0.0, 0.0);
            // The fastest of the chunks of 1,000 paths: on a shared machine
            // the least disturbed stretch is the best estimate of the code's
            // own speed (the total is printed too).
            let mut best = f64::INFINITY;
            let mut chunk = std::time::Instant::now();
            for p in 0..paths {
                let o = sim.path(p, &mut scr, &mut |_, _| {});
                s += o.book + o.pipe;
                w += o.weight;
                if p % 1000 == 999 {
                    best = best.min(chunk.elapsed().as_secs_f64() * 1e3);
                    chunk = std::time::Instant::now();
                }
            }
            eprintln!(
                "{paths} paths: {:.3} s; fastest 1,000-path chunk: {best:.3} ms",
                t.elapsed().as_secs_f64()
            );
            (s, w)
        }
        _ => {
            let method = std::env::var("LEVEE_METHOD").unwrap_or_else(|_| "is".into());
            let m = model(policies, &method);
            let threads = std::env::var("LEVEE_THREADS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(1);
            let seed = std::env::var("LEVEE_SEED")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(1);
            let settings = levee_model::RunSettings {
                paths,
                seed,
                threads,
                chunk_size: 4096,
                start: YearMonth::parse("2025-04").unwrap(),
                horizon_months: 12,
            };
            let out = m.run(&settings, &levee_engine::Control::default()).unwrap();
            let s = serde_json::to_string(&out.summary).unwrap();
            for lv in out.summary["levels"].as_array().into_iter().flatten() {
                let rse = |k: &str| {
                    lv[k]["std_error"].as_f64().unwrap_or(f64::NAN)
                        / lv[k]["value"].as_f64().unwrap_or(f64::NAN)
                };
                eprintln!(
                    "level {}: VaR {:.4e} (rel s.e. {:.4}), ES {:.4e} (rel s.e. {:.4})",
                    lv["level"],
                    lv["var"]["value"].as_f64().unwrap_or(f64::NAN),
                    rse("var"),
                    lv["es"]["value"].as_f64().unwrap_or(f64::NAN),
                    rse("es")
                );
            }
            (s.len() as f64, 0.0)
        }
    };
    println!(
        "mode {mode} paths {paths}: checksum {sum:e} {wsum:e} ({:.3} s total)",
        t.elapsed().as_secs_f64()
    );
}

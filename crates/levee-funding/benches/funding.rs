//! Benchmark: 100,000 paths of the example's funding part over 10 fiscal
//! years (FY2025–FY2034), every regime on the same paths.

use criterion::{Criterion, criterion_group, criterion_main};
use levee_engine::Control;
use levee_funding::FundingModel;
use levee_model::{RunSettings, ScenarioContext};
use levee_scenario::Scenario;
use levee_units::{Currency, YearMonth};

fn example_model() -> FundingModel {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/japan-2025.toml"
    );
    let section = levee_scenario::section_text(
        &std::fs::read_to_string(path).unwrap_or_default(),
        "funding",
    );
    let text = format!("[fx]\nUSDJPY = 150\n{section}");
    let sc = Scenario::from_str("bench.toml", &text).unwrap_or_else(|e| panic!("{e}"));
    let ctx = ScenarioContext {
        fx: sc.fx(),
        currency: Currency::JPY,
        start: YearMonth {
            year: 2025,
            month: 4,
        },
        horizon_months: 120,
    };
    let root = sc.root();
    if let Some(t) = root.table("fx") {
        t.accept_all();
    }
    let sec = root
        .req_table("funding")
        .unwrap_or_else(|| panic!("no [funding]"));
    let m = FundingModel::from_scenario(&sec, &ctx);
    m.unwrap_or_else(|| panic!("example rejected"))
}

fn bench(c: &mut Criterion) {
    let m = example_model();
    let mut g = c.benchmark_group("funding");
    g.sample_size(10);
    for threads in [1usize, 2] {
        let s = RunSettings {
            paths: 100_000,
            seed: 20251128,
            threads,
            chunk_size: 4096,
            start: YearMonth {
                year: 2025,
                month: 4,
            },
            horizon_months: 120,
        };
        g.bench_function(format!("example_100k_paths_10y_threads{threads}"), |b| {
            b.iter(|| {
                m.run(&s, &Control::default())
                    .map(|o| o.summary.len())
                    .unwrap_or(0)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

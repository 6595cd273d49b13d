//! Benchmark: the flagship example's [minerals] section (examples/japan-2025.toml).
//!
//! Run with `cargo bench -p levee-minerals`. Figures go to docs/perf/minerals.md.

use criterion::{Criterion, criterion_group, criterion_main};
use levee_engine::Control;
use levee_minerals::MineralsModel;
use levee_model::{RunSettings, ScenarioContext};
use levee_scenario::Scenario;
use levee_units::{Currency, FxTable, YearMonth};

fn example_text() -> String {
    let section = levee_scenario::section_text(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/japan-2025.toml"
        ))
        .unwrap_or_default(),
        "minerals",
    );
    format!("[fx]\nUSDJPY = 150\n\n{section}")
}

fn bench(c: &mut Criterion) {
    let text = example_text();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/japan-2025.toml"
    );
    let Ok(sc) = Scenario::from_str(path, &text) else {
        return;
    };
    let start = YearMonth::new(2025, 4).unwrap_or(YearMonth {
        year: 2025,
        month: 4,
    });
    let mut fx = FxTable::new();
    fx.insert(Currency::USD, Currency::JPY, 150.0);
    let ctx = ScenarioContext {
        fx,
        currency: Currency::JPY,
        start,
        horizon_months: 120,
    };
    let root = sc.root();
    let _ = root.table("fx").map(|t| t.accept_all());
    let Some(model) = root
        .table("minerals")
        .and_then(|t| MineralsModel::from_scenario(&t, &ctx))
    else {
        return;
    };
    let mut g = c.benchmark_group("minerals");
    g.sample_size(10);
    for paths in [10_000u64, 100_000] {
        let settings = RunSettings {
            paths,
            seed: 1,
            threads: 0,
            chunk_size: 4096,
            start,
            horizon_months: 120,
        };
        g.bench_function(format!("example_{paths}_paths_120_months"), |b| {
            b.iter(|| {
                model
                    .run(&settings, &Control::default())
                    .map(|o| o.summary.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The shipped example section: it validates and runs.
mod common;
use common::*;

#[test]
fn example_validates_and_runs() {
    let text = format!("{HEAD}{}", example_section());
    let m = model(&text, "2025-04", 10);
    assert_eq!(m.grid.years, 10);
    assert_eq!(m.regimes.len(), 4);
    let paths = std::env::var("FUNDING_PATHS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let out = run(&m, paths, 20251128);
    if std::env::var("FUNDING_PRINT").is_ok() {
        for b in &out.text {
            eprintln!("{}", b.render());
        }
        eprintln!("{}", serde_json::to_string_pretty(&out.summary).unwrap());
    }
    // equal_total: every regime's expected total is ¥10tn.
    for r in 0..m.regimes.len() {
        assert!(
            (m.expected_total(r) - 1e13).abs() < 1e-6 * 1e13,
            "regime {r}: {}",
            m.expected_total(r)
        );
    }
}

//! The flagship example section loads and runs (with the [fx] rate the
//! flagship scenario states).

mod common;
use common::*;

#[test]
fn example_section_runs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let section = levee_scenario::section_text(
        &std::fs::read_to_string(root.join("japan-2025.toml")).unwrap(),
        "insurance",
    );
    let dir = tempdir("example");
    std::fs::create_dir_all(dir.join("japan-2025")).unwrap();
    for f in [
        "nexi-book.csv",
        "us-program-pipeline.csv",
        "nexi-country-correlation.csv",
    ] {
        std::fs::copy(
            root.join("japan-2025").join(f),
            dir.join("japan-2025").join(f),
        )
        .unwrap();
    }
    let p = dir.join("japan-2025.toml");
    std::fs::write(&p, format!("{HEADER}{section}")).unwrap();
    let m = load(&p).unwrap();
    let out = run(&m, &settings(4000, 20251128, 2, 4096));
    if std::env::var("SHOW").is_ok() {
        for b in &out.text {
            eprintln!("{}", b.render());
        }
        eprintln!(
            "{}",
            serde_json::to_string_pretty(&out.summary["capital"]).unwrap()
        );
        eprintln!(
            "{}",
            serde_json::to_string_pretty(&out.summary["capacity"]).unwrap()
        );
        eprintln!(
            "{}",
            serde_json::to_string_pretty(&out.summary["importance_sampling"]).unwrap()
        );
        eprintln!(
            "{}",
            serde_json::to_string_pretty(&out.summary["references"]).unwrap()
        );
    }
    let s = &out.summary;
    assert_eq!(s["portfolio"]["policies"], 120);
    assert_eq!(s["portfolio"]["pipeline_policies"], 4);
    assert_eq!(s["capital"]["injections"].as_array().unwrap().len(), 2);
    assert!(s["capacity"]["pipeline_multiple"].as_f64().unwrap() >= 0.0);
    assert!(s["references"]["creditriskplus"]["levels"].is_array());
}

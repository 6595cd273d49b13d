//! The flagship example section reads without errors and runs.

mod common;

#[test]
fn example_reads_and_runs() {
    let m = common::example_model(120);
    let out = m
        .run(&common::settings(2000, 7, 120), &Default::default())
        .unwrap();
    for b in &out.text {
        println!("{}", b.render());
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&out.summary["total"]).unwrap()
    );
    assert_eq!(out.summary["materials"].as_array().unwrap().len(), 3);
}

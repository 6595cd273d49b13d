mod common;
use common::*;

#[test]
fn generated_portfolio_runs() {
    let spec = levee_insurance::PortfolioSpec { policies: 2000, ..Default::default() };
    let rows = levee_insurance::generate_portfolio(&spec, 7);
    let mut csv = Vec::new();
    levee_insurance::write_portfolio_csv(&rows, &mut csv).unwrap();
    let sec = levee_insurance::section_toml(&spec, "book.csv", "is");
    let p = write("smoke", &format!("{HEADER}{sec}"), &[("book.csv", String::from_utf8(csv).unwrap())]);
    let m = load(&p).unwrap();
    let t = std::time::Instant::now();
    let out = run(&m, &settings(20000, 1, 2, 4096));
    eprintln!("{:?}", t.elapsed());
    for b in &out.text {
        eprintln!("{}", b.render());
    }
    eprintln!("{}", serde_json::to_string_pretty(&out.summary).unwrap().chars().take(3000).collect::<String>());
}

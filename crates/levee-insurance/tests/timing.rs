mod common;
use common::*;

#[test]
#[ignore]
fn phases() {
    let spec = levee_insurance::PortfolioSpec { policies: 10000, ..Default::default() };
    let rows = levee_insurance::generate_portfolio(&spec, 7);
    let mut csv = Vec::new();
    levee_insurance::write_portfolio_csv(&rows, &mut csv).unwrap();
    let sec = levee_insurance::section_toml(&spec, "book.csv", "plain");
    let p = write("timing", &format!("{HEADER}{sec}"), &[("book.csv", String::from_utf8(csv).unwrap())]);
    let t = std::time::Instant::now();
    let m = load(&p).unwrap();
    eprintln!("load {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let sim = m.compile(1);
    eprintln!("compile {:?} bands {} units {} cells {}", t.elapsed(), sim.bands.len(), sim.units.len(), sim.cells.len());
    let t = std::time::Instant::now();
    let tuned = levee_insurance::shift::tune(&sim, 0.999, 1, 2000, 0.0);
    eprintln!("tune {:?} comps {}", t.elapsed(), tuned.shift.comps.len());
    let mut scr = sim.scratch();
    let t = std::time::Instant::now();
    let mut s = 0.0;
    let n = 20000;
    for p in 0..n {
        s += sim.path(p, &mut scr, &mut |_, _| {}).book;
    }
    let e = t.elapsed();
    eprintln!("plain pass {:?} {:.3e} policy-scenarios/s (mean {})", e, (n as f64 * 10000.0) / e.as_secs_f64(), s / n as f64);
}

mod common;
use common::*;
use levee_engine::Control;
use levee_insurance::tail::Weighted;

#[path = "importance.rs"]
#[allow(dead_code)]
mod imp;

#[test]
#[ignore]
fn variants() {
    let mi = load(&gl_portfolio("is")).unwrap();
    let (s0, tuned) = mi.compile_tuned(9);
    let t = tuned.unwrap();
    eprintln!("target {:.3e} comps {:?}", t.target, t.shift.comps.iter().map(|(m, p)| (m.iter().map(|x| x * x).sum::<f64>().sqrt(), *p)).collect::<Vec<_>>());
    let x = t.target;
    for (name, shift, twist) in [("plain", false, None), ("shift", true, None), ("twist-x0", false, Some(t.target)), ("twist-x", false, Some(x)), ("both-x", true, Some(x))] {
        let mut s = s0.clone();
        if !shift { s.shift = Default::default(); }
        s.twist = twist.into_iter().collect();
        let n = 20000u64;
        let d = mi.run_detail(&s, &settings(n, 9, 2, 4096), &Control::default()).unwrap();
        let l: Vec<f64> = d.book.iter().zip(&d.pipe).map(|(a, b)| a + b).collect();
        let ind: Vec<f64> = l.iter().zip(&d.weight).map(|(&l, &w)| if l > x { w } else { 0.0 }).collect();
        let e = levee_stats::estimate(&ind);
        let w = Weighted::new(&l, Some(&d.weight));
        eprintln!("{name}: p {:.3e} var/path {:.3e} VaR999 {:.3e}", e.mean, e.std_error.powi(2) * n as f64, w.var(0.999));
    }
}

#[test]
#[ignore]
fn objective_values() {
    let mi = load(&gl_portfolio("is")).unwrap();
    let sim = mi.compile(9);
    let d = sim.dim();
    let mut g = vec![0.0; d];
    for t in [0.0, -0.5, -1.0, -2.0, -3.0] {
        let mut z = vec![0.0; d];
        z[0] = t;
        let f = levee_insurance::shift::objective(&sim, &z, 2133.0, true, &mut g);
        eprintln!("z0 {t}: F {f:.4} G {:.4} grad0 {:.4} |grad| {:.4}", f - 0.5 * t * t, g[0], g.iter().map(|x| x * x).sum::<f64>().sqrt());
    }
}

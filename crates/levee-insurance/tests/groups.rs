//! Groups of exchangeable obligors (`Sim::groups`, docs/models/insurance.md
//! §3.3): which dense bands form one, and how a group's totals become its
//! policies'. The oracles (`tests/oracles.rs`) check the counts' law against
//! the binomial and Vasicek distributions with groups and without.

mod common;
use common::*;

/// One cell's book: `n` obligors at PD `pd`, exposure 1 and LGD 0.6 each,
/// with `edit(i, row fields)` changing obligor i's row, and `country_extra`
/// appended to the country's settings.
fn book(tag: &str, n: usize, edit: impl Fn(usize, &mut [String]), country_extra: &str) -> String {
    let mut csv = String::from(
        "id,obligor,country,sector,product,exposure,pd,lgd,lgd_dispersion,tenor,premium_rate,perils\n",
    );
    for i in 0..n {
        let mut f: Vec<String> = [
            format!("P{i}"),
            format!("O{i}"),
            "C1".into(),
            "S".into(),
            "export_credit".into(),
            "1 JPY".into(),
            "0.08".into(),
            "0.6".into(),
            "0".into(),
            "1 year".into(),
            "0.01".into(),
            "commercial".into(),
        ]
        .into();
        edit(i, &mut f);
        csv.push_str(&f.join(","));
        csv.push('\n');
    }
    let sc = format!(
        "{HEADER}[insurance]\nportfolio = \"book.csv\"\nmethod = \"plain\"\nglobal_loading = 0.3\n\n[insurance.capital]\nbase = \"¥1k\"\nas_of = \"2025-04\"\n\n[insurance.countries]\nC1 = {{ loading = 0.3{country_extra} }}\n\n[insurance.sectors]\nS = {{ loading = 0 }}\n"
    );
    let p = write(tag, &sc, &[("book.csv", csv)]);
    p.display().to_string()
}

fn groups(path: &str) -> usize {
    load(std::path::Path::new(path))
        .unwrap()
        .compile(1)
        .groups
        .len()
}

/// A change to obligor i's row fields.
type Edit = Box<dyn Fn(usize, &mut [String])>;

/// Obligor `row`'s field `col` set to `value`.
fn one(row: usize, col: usize, value: &'static str) -> impl Fn(usize, &mut [String]) {
    move |i, f| {
        if i == row {
            f[col] = value.into();
        }
    }
}

/// Every obligor's field `col` set to `value`.
fn all(col: usize, value: &'static str) -> impl Fn(usize, &mut [String]) {
    move |_, f| f[col] = value.into()
}

#[test]
fn groups_form_only_from_exchangeable_obligors() {
    let none = |_: usize, _: &mut [String]| {};
    let few = levee_insurance::sim::GROUP_MIN as usize - 1;
    // (what, obligors, edit, the country's extra settings, groups expected)
    let cases: [(&str, usize, Edit, &str, usize); 7] = [
        ("40 alike", 40, Box::new(none), "", 1),
        ("fewer than GROUP_MIN", few, Box::new(none), "", 0),
        (
            "one exposure differs",
            40,
            Box::new(one(7, 5, "2 JPY")),
            "",
            0,
        ),
        ("beta LGDs", 40, Box::new(all(8, "0.2")), "", 0),
        (
            "one policy has event cover",
            40,
            Box::new(one(3, 11, "commercial|transfer")),
            ", transfer = 0.01",
            0,
        ),
        (
            "an obligor with two policies",
            41,
            Box::new(one(1, 1, "O0")),
            "",
            0,
        ),
        (
            "below DENSE_PD: walked",
            40,
            Box::new(all(6, "0.02")),
            "",
            0,
        ),
    ];
    for (k, (what, n, edit, extra, expected)) in cases.into_iter().enumerate() {
        let path = book(&format!("g-case{k}"), n, edit, extra);
        assert_eq!(groups(&path), expected, "{what}");
    }
}

/// A group's claims reach the per-policy figures split equally: every
/// member's EL and ES contribution is the same up to one fixed-point unit,
/// and they add up to the portfolio's EL and ES as the policies' do.
#[test]
fn group_totals_split_equally_and_add_up() {
    let none = |_: usize, _: &mut [String]| {};
    let path = book("g-split", 40, none, "");
    let m = load(std::path::Path::new(&path)).unwrap();
    let sim = m.compile(5);
    assert_eq!(sim.groups.len(), 1);
    let paths = 20_000u64;
    let d = detail(&m, &sim, &settings(paths, 5, 2, 1000));
    let el: f64 = d.book.iter().sum::<f64>() / paths as f64;
    let el_sum: f64 = d.el.iter().sum();
    assert!(el > 0.0);
    assert!((el_sum - el).abs() <= 1e-9 * el, "EL {el} vs Σ {el_sum}");
    let es = d.var_es.1;
    let es_sum: f64 = d.es.iter().sum();
    assert!((es_sum - es).abs() <= 1e-9 * es, "ES {es} vs Σ {es_sum}");
    let spread = |v: &[f64]| {
        let (lo, hi) = v
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
        hi - lo
    };
    assert!(spread(&d.el) <= 1e-12 * el, "EL shares {:?}", &d.el[..3]);
    assert!(spread(&d.es) <= 1e-12 * es, "ES shares {:?}", &d.es[..3]);
}

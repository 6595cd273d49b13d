//! Reproducibility: thread count and chunk size never change a result; pinned
//! values guard against silent changes; a null policy changes exactly nothing.

mod common;

use levee_model::RunSettings;

fn summary_bytes(m: &levee_minerals::MineralsModel, s: &RunSettings) -> (String, Vec<Vec<f64>>) {
    let out = m.run(s, &Default::default()).unwrap();
    let cols = out.path_columns.into_iter().map(|c| c.values).collect();
    (serde_json::to_string(&out.summary).unwrap(), cols)
}

#[test]
fn identical_bytes_for_any_threads_and_chunk_size() {
    let m = common::example_model(120);
    let base = common::settings(3000, 17, 120);
    let reference = summary_bytes(&m, &base);
    for (threads, chunk) in [(2, 4096), (1, 7), (2, 7), (2, 1000)] {
        let s = RunSettings {
            threads,
            chunk_size: chunk,
            ..base.clone()
        };
        let got = summary_bytes(&m, &s);
        assert!(
            got.0 == reference.0,
            "summary differs with threads={threads} chunk={chunk}"
        );
        assert!(
            got.1 == reference.1,
            "paths.csv columns differ with threads={threads} chunk={chunk}"
        );
    }
}

/// Value stability: a small seeded run of the flagship example. These numbers
/// are part of the reproducibility contract; if a deliberate model change
/// moves them, update them and say so in the change log.
#[test]
fn golden_small_seeded_run() {
    let m = common::example_model(120);
    let out = m
        .run(&common::settings(500, 20251125, 120), &Default::default())
        .unwrap();
    let s = &out.summary;
    let got = [
        s["total"]["p_shortfall"]["p"].as_f64().unwrap(),
        s["total"]["unmet_t"]["mean"].as_f64().unwrap(),
        s["total"]["unmet_value"]["mean"].as_f64().unwrap(),
        s["materials"][1]["unmet_t"]["mean"].as_f64().unwrap(),
        s["materials"][1]["p_shortfall"]["p"].as_f64().unwrap(),
        s["materials"][1]["cost"]["net"]["mean"].as_f64().unwrap(),
        s["materials"][2]["stockpile_fan"]["p50"][60]
            .as_f64()
            .unwrap(),
    ];
    assert_eq!(got, GOLDEN, "pinned figures changed: {got:?}");
}
const GOLDEN: [f64; 7] = [
    0.38,
    110.79116485378353,
    4129493785.197037,
    55.06840931262205,
    0.288,
    48571257544.89565,
    34.278329917700205,
];

/// Same draws with and without the policy: with no stockpile and no
/// investment the two runs differ by exactly zero on every path.
#[test]
fn null_policy_changes_nothing() {
    let text = common::example_text();
    // Drop the stockpiles and investments from the example.
    let stripped: String = text
        .lines()
        .filter(|l| !l.starts_with("stockpile = "))
        .collect::<Vec<_>>()
        .join("\n");
    let cut = stripped.find("# Lynas heavy REE").unwrap();
    let stripped = &stripped[..cut];
    let sc = levee_scenario::Scenario::from_str("x.toml", stripped).unwrap();
    let m = {
        let root = sc.root();
        root.table("fx").unwrap().accept_all();
        levee_minerals::MineralsModel::from_scenario(
            &root.table("minerals").unwrap(),
            &common::ctx(120),
        )
        .unwrap()
    };
    let out = m
        .run(&common::settings(2000, 3, 120), &Default::default())
        .unwrap();
    let cols = &out.path_columns;
    for k in 0..3 {
        assert_eq!(
            cols[2 * k].values,
            cols[2 * k + 1].values,
            "{}",
            cols[2 * k].name
        );
    }
    assert!(
        cols[0].values.iter().any(|&x| x > 0.0),
        "there are shortfalls to compare"
    );
    for k in 0..3 {
        assert_eq!(out.summary["materials"][k]["avoided_t"]["mean"], 0.0);
    }
}

/// Adding an investment that never succeeds, or a process that never fires,
/// leaves every other draw, and so every result, unchanged.
#[test]
fn adding_inert_elements_keeps_draws() {
    let base = common::example_model(60);
    let text = common::example_text()
        + "\n[[minerals.investments]]\nname = \"Dud\"\nmaterial = \"Tb\"\ncapex = \"¥0\"\nlead_time = \"1 year\"\ncapacity = \"1 t/month\"\nsuccess = 0.0\n"
        + "\n[[minerals.processes]]\nsupplier = \"Other\"\nkind = \"markov\"\nalpha = 0.0\nbeta = 0.5\n";
    let sc = levee_scenario::Scenario::from_str("x.toml", &text).unwrap();
    let m = {
        let root = sc.root();
        root.table("fx").unwrap().accept_all();
        levee_minerals::MineralsModel::from_scenario(
            &root.table("minerals").unwrap(),
            &common::ctx(60),
        )
        .unwrap()
    };
    let s = common::settings(1000, 8, 60);
    let a = base.run(&s, &Default::default()).unwrap();
    let b = m.run(&s, &Default::default()).unwrap();
    for (x, y) in a.path_columns.iter().zip(&b.path_columns) {
        assert_eq!(x.values, y.values, "{}", x.name);
    }
}

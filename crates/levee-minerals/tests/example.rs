//! The flagship example section reads without errors, runs, and its summary
//! is internally consistent.

mod common;

#[test]
fn example_reads_runs_and_is_consistent() {
    let m = common::example_model(120);
    let out = m
        .run(&common::settings(2000, 7, 120), &Default::default())
        .unwrap();
    let mats = out.summary["materials"].as_array().unwrap();
    assert_eq!(mats.len(), 3);
    for mat in mats {
        let p = mat["p_shortfall"]["p"].as_f64().unwrap();
        let pcf = mat["p_shortfall_without_policy"]["p"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p) && p <= pcf, "{}", mat["name"]);
        assert!(mat["avoided_t"]["mean"].as_f64().unwrap() >= 0.0);
        let fan = &mat["stockpile_fan"];
        for t in 0..120 {
            let q: Vec<f64> = ["p05", "p25", "p50", "p75", "p95"]
                .iter()
                .map(|k| fan[k][t].as_f64().unwrap())
                .collect();
            assert!(
                q.windows(2).all(|w| w[0] <= w[1]) && q[0] >= 0.0,
                "month {t}: {q:?}"
            );
        }
        let cover = &mat["min_days_of_cover"];
        assert!(cover["p05"]["days"].as_f64().unwrap() <= 3650.0);
    }
    // NdPr: every path starts at its 60-day target of 500 t/month demand.
    let start = 60.0 * 500.0 / levee_minerals::MONTH_DAYS;
    assert_eq!(mats[0]["stockpile_fan"]["p05"][0].as_f64().unwrap(), start);
    assert_eq!(mats[0]["stockpile_fan"]["p95"][0].as_f64().unwrap(), start);
    // Dy normal supply: China 0.95, Other 0.05 → HHI 0.905, all imported.
    let ind = &mats[1]["indicators"];
    assert!((ind["hhi"].as_f64().unwrap() - 0.905).abs() < 1e-12);
    assert_eq!(ind["import_reliance"].as_f64().unwrap(), 1.0);
    // NdPr: recycling 10 t/month of 500 is domestic.
    assert!((mats[0]["indicators"]["import_reliance"].as_f64().unwrap() - 0.98).abs() < 1e-12);
    // The FY2025 ¥40bn program is inside the horizon; the 2023 Lynas deal is sunk.
    assert_eq!(mats[1]["cost"]["capex_mean"].as_f64().unwrap(), 40e9);
    assert_eq!(mats[2]["cost"]["capex_mean"].as_f64().unwrap(), 0.0);
    assert_eq!(out.text.len(), 1);
    assert_eq!(out.text[0].rows.len(), 4);
    assert_eq!(out.path_columns.len(), 8);
    assert!(out.path_columns.iter().all(|c| c.values.len() == 2000));
}

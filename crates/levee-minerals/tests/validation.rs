//! Bad input gives located diagnostics, never a panic. Runs every
//! `tests/fixtures/bad/minerals-*.toml` the way `levee validate` reads it
//! (the CLI test checks the same files through the binary), and checks
//! reading suppliers from CSV.

mod common;

use std::path::{Path, PathBuf};

use levee_minerals::MineralsModel;
use levee_scenario::Scenario;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bad");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("minerals-") && name.ends_with(".toml")
        })
        .collect();
    v.sort();
    v
}

/// Read a scenario as the runner does: `[scenario]` and `[run]` belong to the
/// runner (accepted here), `[fx]` gives rates, `[minerals]` is ours.
fn validate(path: &Path) -> Result<(), String> {
    let sc = Scenario::load(path).map_err(|d| d.to_string())?;
    {
        let root = sc.root();
        for t in ["scenario", "run"] {
            if let Some(t) = root.table(t) {
                t.accept_all();
            }
        }
        let fx = sc.fx();
        let mut ctx = common::ctx(120);
        ctx.fx = fx;
        if let Some(sec) = root.table("minerals") {
            let _ = MineralsModel::from_scenario(&sec, &ctx);
        }
    }
    sc.into_result().map_err(|d| d.to_string())
}

#[test]
fn bad_fixtures_fail_with_the_expected_located_message() {
    let files = fixtures();
    assert!(files.len() >= 10, "{files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .expect("first line # expect: …")
            .trim();
        let err = validate(&f).expect_err(&format!("{} should fail", f.display()));
        let line = err
            .lines()
            .find(|l| l.contains(expect))
            .unwrap_or_else(|| panic!("{}: {expect:?} not in\n{err}", f.display()));
        // file:line:col
        let loc = line.trim_start_matches("error: ");
        let mut parts = loc.splitn(4, ':');
        let file = parts.next().unwrap_or("");
        let l: usize = parts.next().and_then(|x| x.parse().ok()).unwrap_or(0);
        let c: usize = parts.next().and_then(|x| x.parse().ok()).unwrap_or(0);
        assert!(file.ends_with(".toml") || file.ends_with(".csv"), "{line}");
        assert!(l > 0 && c > 0, "no line:col in {line}");
    }
}

#[test]
fn suppliers_from_csv() {
    let dir = std::env::temp_dir().join(format!("levee-minerals-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("s.csv"),
        "name,share,capacity,spare,surge_lag_months,domestic,wgi,trade_factor\n\
         China,0.75,,,,false,6,1.3\n\
         Other,0.25,,2 t/month,3,false,3,\n\
         Recycling,,1 t/month,,,true,1,\n",
    )
    .unwrap();
    let path = dir.join("s.toml");
    std::fs::write(
        &path,
        "[minerals]\n[[minerals.materials]]\nname = \"Dy\"\ndemand = \"9 t/month\"\nprice = \"¥1m/t\"\nsuppliers_csv = \"s.csv\"\n",
    )
    .unwrap();
    let sc = Scenario::load(&path).unwrap();
    let m = {
        let root = sc.root();
        MineralsModel::from_scenario(&root.table("minerals").unwrap(), &common::ctx(12))
    };
    sc.check().unwrap();
    let m = m.unwrap();
    let s = &m.config().materials[0].suppliers;
    assert_eq!(s.len(), 3);
    assert_eq!(s[1].spare, 2.0);
    assert_eq!(s[1].surge_lag, 3);
    assert!(s[2].domestic);
    // Shares of normal supply: Recycling 1 of 9, China 0.75·8 = 6, Other 2.
    let out = m
        .run(&common::settings(1, 1, 12), &Default::default())
        .unwrap();
    let ind = &out.summary["materials"][0]["indicators"];
    let sh = [6.0 / 9.0, 2.0 / 9.0, 1.0 / 9.0];
    let hhi: f64 = sh.iter().map(|x| x * x).sum();
    assert!((ind["hhi"].as_f64().unwrap() - hhi).abs() < 1e-15);
    assert!((ind["import_reliance"].as_f64().unwrap() - 8.0 / 9.0).abs() < 1e-15);
    let sr = sh[0] * sh[0] * 6.0 * 1.3 + sh[1] * sh[1] * 3.0 + sh[2] * sh[2] * 1.0;
    assert!((ind["supply_risk"].as_f64().unwrap() - sr).abs() < 1e-12);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn many_errors_reported_at_once() {
    let text = r#"
[minerals]
[[minerals.materials]]
name = "Dy"
demand = "¥5bn"
price = "40m"
suppliers = [{ name = "A", share = 0.5 }]
[[minerals.events]]
supplier = "Z"
start = "2025-13"
duration = "6 months"
cut = 2
"#;
    let e = common::model(text, 12).unwrap_err();
    assert!(e.len() >= 4, "{e:#?}");
    assert!(e.iter().all(|l| l.starts_with("test.toml:")), "{e:#?}");
}

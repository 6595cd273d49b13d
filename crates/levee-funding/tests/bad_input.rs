//! Bad input gives a clear, located error and never a panic. Each fixture in
//! `tests/fixtures/bad/funding-*.toml` states on its first line the substring
//! its error must contain (`# expect: …`); the CLI test runs the same files
//! through `levee validate`.
mod common;
use common::ctx;
use levee_funding::FundingModel;
use levee_scenario::Scenario;

fn check(path: &std::path::Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let expect = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# expect: "))
        .ok_or("first line must be `# expect: …`")?
        .to_string();
    let sc = Scenario::from_str(path, &text).map_err(|e| e.to_string())?;
    let c = ctx(&sc, "2025-04", 10);
    let model = {
        let root = sc.root();
        for t in ["scenario", "run", "fx"] {
            if let Some(t) = root.table(t) {
                t.accept_all();
            }
        }
        let sec = root.req_table("funding").ok_or("no [funding]")?;
        FundingModel::from_scenario(&sec, &c)
    };
    let err = match sc.check() {
        Ok(()) => return Err(format!("accepted (model built: {})", model.is_some())),
        Err(e) => e,
    };
    if model.is_some() && err.0.iter().all(|d| !d.field.starts_with("funding")) {
        return Err("model built despite errors".into());
    }
    let msg = err.to_string();
    let hit = err.0.iter().find(|d| d.to_string().contains(&expect));
    match hit {
        None => Err(format!("no error contains {expect:?}:\n{msg}")),
        Some(d) if d.line == 0 || d.column == 0 => Err(format!("error without a location: {d}")),
        Some(_) => Ok(()),
    }
}

#[test]
fn every_bad_fixture_is_rejected_with_its_message_and_location() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bad");
    let mut n = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with("funding-") || !name.ends_with(".toml") {
            continue;
        }
        n += 1;
        if let Err(e) = check(&p) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(n >= 10, "only {n} fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn garbage_never_panics() {
    // Wrong types everywhere: every reader returns an error, none panics.
    for body in [
        "[funding]\nprojects = 3\nregimes = \"x\"",
        "[funding]\n[[funding.projects]]\nname = 1\ncost = []\ncapex = 5\npublic_share = \"x\"\nmilestones = 2",
        "[funding]\n[[funding.projects]]\n[[funding.regimes]]\n[[funding.regimes.programs]]\nallocation = 1\ndisbursement = { year_3 = 0.5 }\nfrozen_years = [1]",
        "[funding]\nlook_ahead = \"1.5 years\"\nequal_total = \"¥-5bn\"\nprivate_sensitivity = -1",
    ] {
        assert!(common::try_model(body, "2025-04", 10).is_err(), "{body}");
    }
}

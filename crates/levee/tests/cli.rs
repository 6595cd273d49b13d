//! End-to-end tests of the `levee` command.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn levee() -> Command {
    Command::new(env!("CARGO_BIN_EXE_levee"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    levee().args(args).output().expect("levee runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("levee-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Write a scenario and validate it; returns (exit code, stderr).
fn validate_text(name: &str, bytes: &[u8]) -> (i32, String) {
    let d = tmp(name);
    let f = d.join("s.toml");
    std::fs::write(&f, bytes).unwrap();
    let o = run(&["validate", f.to_str().unwrap()]);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

const HEAD: &str = "[scenario]\nname = \"t\"\n[run]\npaths = 100\nseed = 1\nstart = \"2025-04\"\nhorizon = \"10 years\"\n";

#[test]
fn bad_input_classes_exit_2_with_location_and_no_panic() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", b"".to_vec(), "empty file"),
        ("non-utf8", b"[scenario]\nname = \"\xff\xfe\"\n".to_vec(), "s.toml:2:"),
        ("not-toml", b"this is not toml at all\n".to_vec(), "invalid TOML"),
        ("overflow", format!("{HEAD}[fx]\nUSDJPY = 1e400\n").into_bytes(), "s.toml:9:10"),
        ("nan", format!("{HEAD}[fx]\nUSDJPY = nan\n").into_bytes(), "fx.USDJPY"),
        ("wrong-type", "[scenario]\nname = 3\n[run]\npaths = 100\nstart = \"2025-04\"\nhorizon = \"1 year\"\n".as_bytes().to_vec(), "scenario.name: found the number 3; expected a string"),
        ("negative-paths", "[scenario]\nname = \"t\"\n[run]\npaths = -5\nstart = \"2025-04\"\nhorizon = \"1 year\"\n".as_bytes().to_vec(), "run.paths"),
        ("absurd-paths", "[scenario]\nname = \"t\"\n[run]\npaths = 1000000000000\nstart = \"2025-04\"\nhorizon = \"1 year\"\n".as_bytes().to_vec(), "from 1 to 100000000"),
        ("absurd-horizon", "[scenario]\nname = \"t\"\n[run]\nstart = \"2025-04\"\nhorizon = \"500 years\"\n".as_bytes().to_vec(), "at most 1200 months"),
        ("negative-horizon", "[scenario]\nname = \"t\"\n[run]\nstart = \"2025-04\"\nhorizon = \"-3 months\"\n".as_bytes().to_vec(), "run.horizon"),
        ("bad-date", "[scenario]\nname = \"t\"\n[run]\nstart = \"April 2025\"\nhorizon = \"1 year\"\n".as_bytes().to_vec(), "YYYY-MM"),
        ("unit-mismatch", "[scenario]\nname = \"t\"\n[run]\nstart = \"2025-04\"\nhorizon = \"100 t\"\n".as_bytes().to_vec(), "unit mismatch"),
        ("unknown-key", format!("{HEAD}[minarals]\n").into_bytes(), "did you mean"),
        ("no-model", HEAD.as_bytes().to_vec(), "no model section"),
    ];
    for (name, bytes, want) in cases {
        let (code, err) = validate_text(name, &bytes);
        assert_eq!(code, 2, "{name}: exit code {code}, stderr:\n{err}");
        assert!(err.contains(want), "{name}: wanted {want:?} in:\n{err}");
        assert!(!err.contains("panicked"), "{name} panicked:\n{err}");
        assert!(err.contains("error"), "{name}: {err}");
    }
}

#[test]
fn all_errors_are_reported_at_once() {
    let text = "[scenario]\nname = 3\ncurrency = \"yen\"\n[run]\npaths = 0\nstart = \"2025-13\"\nhorizon = \"1 parsec\"\n";
    let (code, err) = validate_text("many", text.as_bytes());
    assert_eq!(code, 2);
    for want in [
        "scenario.name",
        "scenario.currency",
        "run.paths",
        "run.start",
        "run.horizon",
    ] {
        assert!(err.contains(want), "missing {want} in:\n{err}");
    }
}

/// A run whose per-path results cannot fit in memory is refused up front.
#[test]
fn runs_too_large_for_memory_are_refused() {
    let o = run(&[
        "run",
        example_path().to_str().unwrap(),
        "--paths",
        "100000000",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("paths on this machine"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_file_is_a_clear_error() {
    let o = run(&["validate", "/nonexistent/levee.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/levee.toml"));
}

#[test]
fn usage_errors_exit_2() {
    let o = run(&["run"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["example", "no-such-example"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Every model's bad-input fixture: `tests/fixtures/bad/*.toml`, first line
/// `# expect: <substring>`.
#[test]
fn model_bad_input_fixtures() {
    let dir = root().join("tests/fixtures/bad");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let want = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect:"))
            .map(str::trim)
            .unwrap_or_else(|| panic!("{} lacks a '# expect:' first line", p.display()));
        let o = run(&["validate", p.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", p.display());
        assert!(
            err.contains(want),
            "{}: wanted {want:?} in:\n{err}",
            p.display()
        );
        assert!(!err.contains("panicked"), "{}: {err}", p.display());
        let fname = p.file_name().unwrap().to_string_lossy().into_owned();
        let located = err.lines().any(|l| {
            l.split(&fname).nth(1).is_some_and(|rest| {
                let mut it = rest.split(':');
                it.next() == Some("")
                    && it
                        .next()
                        .is_some_and(|x| x.parse::<usize>().is_ok_and(|v| v > 0))
            })
        }) || err.contains(".csv:");
        assert!(
            located,
            "{}: no file:line:col location in:\n{err}",
            p.display()
        );
        n += 1;
    }
    assert!(n > 0, "no fixtures found in {}", dir.display());
}

#[test]
fn example_lists_prints_and_writes() {
    let o = run(&["example"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("japan-2025"));
    let o = run(&["example", "japan-2025"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("[scenario]"));
    let d = tmp("example");
    let o = run(&["example", "japan-2025", "--out", d.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["validate", d.join("japan-2025.toml").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

fn example_path() -> PathBuf {
    root().join("examples/japan-2025.toml")
}

/// The same scenario and seed give byte-identical summary.json for any
/// thread count and chunk size.
#[test]
fn summary_is_byte_identical_across_threads_and_chunks() {
    let mut outs = Vec::new();
    for (threads, chunk) in [("1", "4096"), ("2", "97"), ("2", "1")] {
        let d = tmp(&format!("det-{threads}-{chunk}"));
        let o = run(&[
            "run",
            example_path().to_str().unwrap(),
            "--paths",
            "600",
            "--seed",
            "11",
            "--threads",
            threads,
            "--chunk-size",
            chunk,
            "--quiet",
            "--out",
            d.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        outs.push((
            std::fs::read(d.join("summary.json")).unwrap(),
            std::fs::read(d.join("paths.csv")).unwrap(),
        ));
    }
    assert!(outs[0].0.len() > 1000);
    for o in &outs[1..] {
        assert!(
            o.0 == outs[0].0,
            "summary.json differs across threads/chunks"
        );
        assert!(o.1 == outs[0].1, "paths.csv differs across threads/chunks");
    }
    // A different seed gives different results (the seed is not ignored).
    let o = run(&[
        "run",
        example_path().to_str().unwrap(),
        "--paths",
        "600",
        "--seed",
        "12",
        "--json",
        "--quiet",
    ]);
    assert!(o.status.success());
    assert_ne!(o.stdout, outs[0].0);
}

#[test]
fn run_writes_documented_outputs() {
    let d = tmp("outputs");
    let o = run(&[
        "run",
        example_path().to_str().unwrap(),
        "--paths",
        "300",
        "--quiet",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["run"]["paths"], 300);
    assert!(
        s["scenario"]["hash"]
            .as_str()
            .unwrap()
            .starts_with("blake3:")
    );
    assert!(s["sources"].as_array().unwrap().len() > 5);
    let run_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("run.json")).unwrap()).unwrap();
    assert!(run_json["seconds_total"].as_f64().unwrap() >= 0.0);
    let csv = std::fs::read_to_string(d.join("paths.csv")).unwrap();
    assert_eq!(csv.lines().count(), 301, "header + one row per path");
    // No temporary files are left behind.
    for e in std::fs::read_dir(&d).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!n.ends_with(".tmp"), "left {n}");
    }
    // The table on stdout names every model section of the example.
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Levee"), "{text}");
}

/// Ctrl-C stops a run cleanly: exit code 130, a clear message, no output files.
#[test]
fn interrupt_exits_130_and_writes_nothing() {
    let d = tmp("interrupt");
    let out = d.join("out");
    let child = levee()
        .args([
            "run",
            example_path().to_str().unwrap(),
            "--only",
            "minerals",
            "--paths",
            "2000000",
            "--quiet",
            "--threads",
            "1",
            "--chunk-size",
            "64",
            "--out",
            out.to_str().unwrap(),
        ])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"));
    assert!(!out.join("summary.json").exists());
}

/// Write a reform file and run the flagship example against it with `extra` arguments.
fn run_reform(name: &str, reform: &str, extra: &[&str]) -> Output {
    let d = tmp(name);
    let r = d.join(format!("{name}.toml"));
    std::fs::write(&r, reform).unwrap();
    let ex = example_path();
    let mut args = vec!["run", ex.to_str().unwrap(), "--reform", r.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

/// A null reform (every changed value set to what it already was) differs
/// from the baseline by exactly zero on every path of every metric.
#[test]
fn null_reform_differs_by_exactly_zero() {
    let o = run_reform(
        "null",
        "[reform]\nname = \"null\"\n[[reform.change]]\npath = \"minerals.materials[Dy].stockpile.target\"\nvalue = \"180 days\"\n[[reform.change]]\npath = \"run.seed\"\nvalue = 20251128\n",
        &["--paths", "400", "--json", "--quiet"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let c: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let diffs = c["paired_differences"].as_object().unwrap();
    assert!(diffs.len() > 5);
    for (name, v) in diffs {
        assert_eq!(v["difference"]["mean"], 0.0, "{name}");
        assert_eq!(v["difference"]["std_error"], 0.0, "{name}");
    }
    // Model sections of the two summaries are identical.
    for section in ["minerals", "insurance", "funding"] {
        assert_eq!(c["baseline"][section], c["reformed"][section], "{section}");
    }
}

/// A real reform changes what it should: a bigger heavy-REE stockpile lowers
/// expected Dy unmet demand, with a paired interval that excludes zero.
#[test]
fn stockpile_reform_reduces_dy_shortfall() {
    let r = root().join("examples/reforms/dy-stockpile-365.toml");
    let o = run(&[
        "run",
        example_path().to_str().unwrap(),
        "--reform",
        r.to_str().unwrap(),
        "--paths",
        "2000",
        "--only",
        "minerals",
        "--json",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let c: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &c["paired_differences"]["minerals.Dy.unmet_t"]["difference"];
    assert!(d["ci95"][1].as_f64().unwrap() < 0.0, "{d}");
    // NdPr is untouched by the reform and shares its draws: exactly zero.
    let n = &c["paired_differences"]["minerals.NdPr oxide.unmet_t"]["difference"];
    assert_eq!(n["mean"], 0.0, "{n}");
    assert_eq!(n["std_error"], 0.0, "{n}");
}

/// A reform is validated whole: every bad path is reported with the reform
/// file's line, and nothing runs.
#[test]
fn bad_reform_reports_every_path() {
    let o = run_reform(
        "bad",
        "[reform]\nname = \"bad\"\n[[reform.change]]\npath = \"minerals.materials[Ho].stockpile.target\"\nvalue = \"1 day\"\n[[reform.change]]\npath = \"minerals.nope\"\nvalue = 1\n[[reform.change]]\npath = \"minerals.materials[Dy].stockpile.target\"\nvalue = \"-5 t\"\n",
        &["--paths", "10"],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("bad.toml:5:") && e.contains("no entry named \"Ho\""),
        "{e}"
    );
    assert!(
        e.contains("bad.toml:8:") && e.contains("no key \"nope\""),
        "{e}"
    );
}

/// `levee gen-portfolio` writes the same file for the same seed, a scenario
/// that validates, and rejects bad arguments with exit code 2.
#[test]
fn gen_portfolio_is_deterministic_and_runnable() {
    let d = tmp("gen");
    let a = d.join("a.csv");
    let b = d.join("b.csv");
    let s = d.join("s.toml");
    let args = |out: &Path| {
        vec![
            "gen-portfolio".to_string(),
            "--policies".into(),
            "300".into(),
            "--seed".into(),
            "5".into(),
            "--out".into(),
            out.to_string_lossy().into_owned(),
        ]
    };
    let mut a_args = args(&a);
    a_args.extend(["--scenario".into(), s.to_string_lossy().into_owned()]);
    let o = levee().args(&a_args).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = levee().args(args(&b)).output().unwrap();
    assert!(o.status.success());
    let ta = std::fs::read_to_string(&a).unwrap();
    assert_eq!(ta, std::fs::read_to_string(&b).unwrap());
    assert_eq!(ta.lines().count(), 301);
    let o = run(&["validate", s.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The investment-grade-heavy mix (mean PD 0.86% against 2.9%: with about
    // 200 obligors the means' standard errors are ≈ 0.2% and 0.3%, so 1.5%
    // separates them decisively) and a book without political events.
    let c = d.join("c.csv");
    let sc = d.join("sc.toml");
    let mut c_args = args(&c);
    c_args.extend([
        "--rating-mix".into(),
        "eca".into(),
        "--no-political-events".into(),
        "--scenario".into(),
        sc.to_string_lossy().into_owned(),
    ]);
    let o = levee().args(&c_args).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["validate", sc.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mean_pd = |text: &str| {
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let col = r.headers().unwrap().iter().position(|h| h == "pd").unwrap();
        let pds: Vec<f64> = r
            .records()
            .map(|rec| rec.unwrap()[col].parse::<f64>().unwrap())
            .collect();
        pds.iter().sum::<f64>() / pds.len() as f64
    };
    let (mu, me) = (mean_pd(&ta), mean_pd(&std::fs::read_to_string(&c).unwrap()));
    assert!(me < 0.015 && mu > 0.015, "mean PD eca {me}, uniform {mu}");
    let scen = std::fs::read_to_string(&sc).unwrap();
    assert!(scen.contains("transfer = 0.0000") && !scen.contains("twist_events"));
    assert!(
        std::fs::read_to_string(&s)
            .unwrap()
            .contains("twist_events = false")
    );
    let o = run(&["gen-portfolio", "--policies", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["gen-portfolio", "--concentration", "-1"]);
    assert_eq!(o.status.code(), Some(2));
}

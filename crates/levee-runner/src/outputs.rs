//! Assembling and writing a run's outputs.
//!
//! `summary.json` is deterministic: it holds no timing, timestamp, host, thread
//! count or chunk size, so the same scenario and seed give the same bytes on
//! any machine. Those go to `run.json`. Files are written to temporary names in
//! the output directory and renamed into place only once all are complete, so
//! an interrupted run never leaves a half-written result.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use levee_model::{ModelOutput, PathColumn, fmt_num};
use serde_json::{Map, Value, json};

use crate::Prepared;

/// Everything a run produced.
pub struct RunResult {
    /// `summary.json` content (pretty-printed, trailing newline).
    pub summary_json: String,
    /// The summary table for the terminal.
    pub text: String,
    /// `run.json` content.
    pub run_json: String,
    /// Per-path columns for `paths.csv`.
    pub path_columns: Vec<PathColumn>,
    /// Number of paths.
    pub paths: u64,
}

pub(crate) fn assemble(
    p: &Prepared,
    outputs: Vec<(&'static str, ModelOutput)>,
    timings: Vec<(&'static str, f64)>,
) -> RunResult {
    let s = &p.settings;
    let mut summary = Map::new();
    summary.insert(
        "levee".into(),
        json!({
            "version": env!("CARGO_PKG_VERSION"),
            "generator": levee_rng::GENERATOR,
        }),
    );
    summary.insert(
        "scenario".into(),
        json!({ "name": p.name, "file": p.file_name, "hash": format!("blake3:{}", p.hash) }),
    );
    summary.insert(
        "run".into(),
        json!({
            "paths": s.paths,
            "seed": s.seed,
            "start": s.start.to_string(),
            "horizon_months": s.horizon_months,
            "currency": p.context.currency.code(),
        }),
    );
    let mut text = format!(
        "Levee {} — {}\n  scenario {} (blake3 {}…), {} paths, seed {}, {} months from {}\n\n",
        env!("CARGO_PKG_VERSION"),
        p.name,
        p.file_name,
        &p.hash[..12],
        fmt_num(s.paths as f64),
        s.seed,
        s.horizon_months,
        s.start
    );
    let mut columns = Vec::new();
    for (name, out) in outputs {
        summary.insert(name.into(), Value::Object(out.summary));
        for b in &out.text {
            text.push_str(&b.render());
            text.push('\n');
        }
        columns.extend(out.path_columns);
    }
    summary.insert(
        "sources".into(),
        serde_json::to_value(&p.provenance).unwrap_or(Value::Null),
    );
    let mut summary_json =
        serde_json::to_string_pretty(&Value::Object(summary)).unwrap_or_default();
    summary_json.push('\n');

    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut timing = Map::new();
    for (n, t) in &timings {
        timing.insert((*n).into(), json!(t));
    }
    let run = json!({
        "levee_version": env!("CARGO_PKG_VERSION"),
        "finished_unix_seconds": started,
        "host": host,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "threads": s.threads,
        "chunk_size": s.chunk_size,
        "seconds_by_model": timing,
        "seconds_total": timings.iter().map(|t| t.1).sum::<f64>(),
    });
    let mut run_json = serde_json::to_string_pretty(&run).unwrap_or_default();
    run_json.push('\n');
    RunResult {
        summary_json,
        text,
        run_json,
        path_columns: columns,
        paths: s.paths,
    }
}

/// Write `summary.json`, `paths.csv` and `run.json` into `dir` atomically:
/// all three are written to temporary files first and renamed only when all
/// are complete and flushed.
///
/// `extra` names further files (e.g. a reform comparison) written the same way.
pub fn write_outputs(dir: &Path, r: &RunResult, extra: &[(&str, &str)]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let pid = std::process::id();
    let tmp = |name: &str| dir.join(format!(".{name}.{pid}.tmp"));
    let mut files: Vec<(&str, PathBuf)> = vec![
        ("summary.json", tmp("summary.json")),
        ("paths.csv", tmp("paths.csv")),
        ("run.json", tmp("run.json")),
    ];
    files.extend(extra.iter().map(|(n, _)| (*n, tmp(n))));
    let result = (|| {
        write_file(&files[0].1, |w| w.write_all(r.summary_json.as_bytes()))?;
        write_file(&files[1].1, |w| write_paths_csv(w, r))?;
        write_file(&files[2].1, |w| w.write_all(r.run_json.as_bytes()))?;
        for (i, (_, body)) in extra.iter().enumerate() {
            write_file(&files[3 + i].1, |w| w.write_all(body.as_bytes()))?;
        }
        for (name, t) in &files {
            std::fs::rename(t, dir.join(name))?;
        }
        Ok(())
    })();
    if result.is_err() {
        for (_, t) in &files {
            let _ = std::fs::remove_file(t);
        }
    }
    result
}

fn write_file(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let f = std::fs::File::create(path)?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    body(&mut w)?;
    let f = w.into_inner().map_err(|e| e.into_error())?;
    f.sync_all()
}

fn write_paths_csv(w: &mut impl Write, r: &RunResult) -> std::io::Result<()> {
    write!(w, "path")?;
    for c in &r.path_columns {
        write!(w, ",{}", c.name)?;
    }
    writeln!(w)?;
    let mut line = String::new();
    for i in 0..r.paths as usize {
        line.clear();
        line.push_str(&i.to_string());
        for c in &r.path_columns {
            line.push(',');
            match c.values.get(i) {
                Some(v) if v.is_finite() => line.push_str(&format!("{v}")),
                _ => {}
            }
        }
        line.push('\n');
        w.write_all(line.as_bytes())?;
    }
    Ok(())
}

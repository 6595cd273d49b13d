//! Levee's runner.
//!
//! It is the one place that knows every model: it reads the top-level
//! `[scenario]`, `[run]` and `[fx]` tables, hands each model section to its
//! model crate for validation, runs the models on the engine and assembles
//! the outputs. It knows nothing of the command line.

mod compare;
pub mod examples;
mod outputs;
mod registry;
mod settings;

pub use compare::{Comparison, compare};
pub use outputs::{RunResult, write_outputs};
pub use registry::{MODELS, ModelEntry, RunnableModel};
pub use settings::{MAX_HORIZON_MONTHS, Overrides};

use std::path::Path;
use std::time::Instant;

use levee_engine::{Control, EngineError};
use levee_model::{RunSettings, ScenarioContext};
use levee_scenario::{Diagnostics, Provenance, Reform, Scenario};

/// A scenario that passed validation, ready to run.
pub struct Prepared {
    /// Scenario name from `[scenario] name`.
    pub name: String,
    /// File name of the scenario (no directories, so the summary does not depend on where it is run).
    pub file_name: String,
    /// BLAKE3 hash of the scenario and its data files.
    pub hash: String,
    /// Run settings after command-line overrides.
    pub settings: RunSettings,
    /// Shared context.
    pub context: ScenarioContext,
    /// Validated models, in registry order.
    pub models: Vec<(&'static str, Box<dyn RunnableModel>)>,
    /// Sources and assumptions stated in the scenario.
    pub provenance: Vec<Provenance>,
}

/// Read and validate a scenario file completely. Every problem in every
/// section is reported at once.
pub fn prepare(path: &Path, overrides: &Overrides) -> Result<Prepared, Diagnostics> {
    prepare_scenario(Scenario::load(path)?, path, overrides)
}

/// Read a baseline scenario and a reform, apply the reform, and validate both
/// whole. Returns (baseline, reformed, reform).
pub fn prepare_reform(
    path: &Path,
    reform_path: &Path,
    overrides: &Overrides,
) -> Result<(Prepared, Prepared, Reform), Diagnostics> {
    let reform = Reform::load(reform_path)?;
    let base_sc = Scenario::load(path)?;
    let text = reform.apply(base_sc.text())?;
    let reformed = Scenario::from_str(path, &text)?;
    let base = prepare_scenario(base_sc, path, overrides)?;
    let re = prepare_scenario(reformed, path, overrides).map_err(|mut d| {
        for e in &mut d.0 {
            e.expected = format!(
                "{} (after applying reform {})",
                e.expected,
                reform_path.display()
            );
        }
        d
    })?;
    Ok((base, re, reform))
}

fn prepare_scenario(
    sc: Scenario,
    path: &Path,
    overrides: &Overrides,
) -> Result<Prepared, Diagnostics> {
    let prepared = {
        let root = sc.root();
        let head = settings::read_head(&root, overrides);
        let fx = sc.fx();
        let _ = root.has("fx");
        let mut models = Vec::new();
        let mut any_section = false;
        for entry in MODELS {
            let Some(section) = root.table(entry.section) else {
                continue;
            };
            any_section = true;
            let Some(head) = head.as_ref() else {
                continue;
            };
            let ctx = ScenarioContext {
                fx: fx.clone(),
                currency: head.currency,
                start: head.settings.start,
                horizon_months: head.settings.horizon_months,
            };
            if let Some(m) = (entry.build)(&section, &ctx)
                && overrides
                    .sections
                    .as_ref()
                    .is_none_or(|s| s.iter().any(|x| x == entry.section))
            {
                models.push((entry.section, m));
            }
        }
        if !any_section {
            root.error(
                "no model section".into(),
                format!(
                    "at least one of {}",
                    MODELS
                        .iter()
                        .map(|m| format!("[{}]", m.section))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if let Some(want) = &overrides.sections {
            for w in want {
                if !MODELS.iter().any(|m| m.section == w) {
                    root.error(
                        format!("--only {w:?}"),
                        format!(
                            "one of {}",
                            MODELS
                                .iter()
                                .map(|m| m.section)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
        }
        head.map(|h| (h, models))
    };
    sc.check()?;
    let Some((head, models)) = prepared else {
        return Err(Diagnostics::default());
    };
    check_memory(&sc, &head.settings, &models)?;
    Ok(Prepared {
        name: head.name,
        file_name: path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
        hash: sc.content_hash(),
        context: ScenarioContext {
            fx: sc.fx(),
            currency: head.currency,
            start: head.settings.start,
            horizon_months: head.settings.horizon_months,
        },
        settings: head.settings,
        models,
        provenance: sc.provenance(),
    })
}

/// Refuse, with a clear message, a run whose per-path results cannot fit in
/// the memory this machine has available (exact quantiles keep every path).
fn check_memory(
    sc: &Scenario,
    s: &RunSettings,
    models: &[(&'static str, Box<dyn RunnableModel>)],
) -> Result<(), Diagnostics> {
    let per_path: u64 = models
        .iter()
        .filter_map(|(name, _)| MODELS.iter().find(|m| m.section == *name))
        .map(|m| m.bytes_per_path)
        .sum();
    let Some(avail) = available_memory() else {
        return Ok(());
    };
    let budget = avail.saturating_sub(200 << 20) / 10 * 9;
    let need = per_path.saturating_mul(s.paths);
    if per_path == 0 || need <= budget {
        return Ok(());
    }
    sc.report(
        None,
        "run.paths",
        format!(
            "{} paths, which need about {:.1} GB for per-path results",
            s.paths,
            need as f64 / 1e9
        ),
        format!(
            "at most {} paths on this machine ({:.1} GB available)",
            budget / per_path,
            avail as f64 / 1e9
        ),
    );
    sc.check()
}

/// `MemAvailable` from /proc/meminfo, in bytes (None where unknown).
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Run every model of a prepared scenario.
pub fn execute(p: &Prepared, control: &Control) -> Result<RunResult, EngineError> {
    let mut outputs = Vec::new();
    let mut timings = Vec::new();
    for (name, m) in &p.models {
        let t0 = Instant::now();
        let out = m.run(&p.settings, control)?;
        timings.push((*name, t0.elapsed().as_secs_f64()));
        outputs.push((*name, out));
    }
    Ok(outputs::assemble(p, outputs, timings))
}

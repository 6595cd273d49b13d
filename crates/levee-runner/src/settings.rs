//! The top-level `[scenario]` and `[run]` tables, and command-line overrides.

use levee_engine::{DEFAULT_CHUNK, MAX_PATHS};
use levee_model::RunSettings;
use levee_scenario::{Dimension, Table};
use levee_units::Currency;

/// Longest horizon accepted: 100 years of monthly steps.
pub const MAX_HORIZON_MONTHS: u32 = 1200;

/// Values given on the command line, which win over the file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--paths`.
    pub paths: Option<u64>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--threads`.
    pub threads: Option<usize>,
    /// `--chunk-size`.
    pub chunk_size: Option<u64>,
    /// `--only SECTION,…`: run only these sections (all are still validated).
    pub sections: Option<Vec<String>>,
}

pub(crate) struct Head {
    pub name: String,
    pub currency: Currency,
    pub settings: RunSettings,
}

pub(crate) fn read_head(root: &Table, o: &Overrides) -> Option<Head> {
    let sc = root.scenario();
    let (name, currency) = match root.req_table("scenario") {
        Some(t) => {
            let name = t.req_string("name");
            let _ = t.string("description");
            let currency = match t.string("currency") {
                None => Some(Currency::JPY),
                Some(c) => match Currency::from_code(&c) {
                    Some(c) => Some(c),
                    None => {
                        t.error_at_key(
                            "currency",
                            format!("{c:?}"),
                            "a three-letter ISO 4217 code such as \"JPY\"".into(),
                        );
                        None
                    }
                },
            };
            (name, currency)
        }
        None => (None, None),
    };
    let run = root.req_table("run")?;
    let paths = run
        .integer("paths", 1, MAX_PATHS as i64)
        .map(|p| p as u64)
        .or_else(|| (!run.has("paths")).then_some(10_000));
    let seed = run
        .integer("seed", 0, i64::MAX)
        .map(|s| s as u64)
        .or_else(|| (!run.has("seed")).then_some(0));
    let start = run.req_date("start");
    let horizon_days = run.req_quantity("horizon", Dimension::Days, 1.0, 1e9);
    let chunk = run
        .integer("chunk_size", 1, 1 << 20)
        .map(|c| c as u64)
        .or_else(|| (!run.has("chunk_size")).then_some(DEFAULT_CHUNK));
    let horizon_months = horizon_days.and_then(|d| {
        let m = d / (365.25 / 12.0);
        let r = m.round();
        if (m - r).abs() > 1e-9 || r < 1.0 {
            run.error_at_key(
                "horizon",
                format!("{d} days"),
                "a whole number of months (e.g. \"10 years\" or \"120 months\")".into(),
            );
            None
        } else if r > MAX_HORIZON_MONTHS as f64 {
            run.error_at_key(
                "horizon",
                format!("{r} months"),
                format!("at most {MAX_HORIZON_MONTHS} months (100 years)"),
            );
            None
        } else {
            Some(r as u32)
        }
    });
    if let Some(p) = o.paths
        && (p == 0 || p > MAX_PATHS)
    {
        sc.report(
            None,
            "--paths",
            format!("{p}"),
            format!("a number of paths from 1 to {MAX_PATHS}"),
        );
    }
    if let Some(c) = o.chunk_size
        && (c == 0 || c > 1 << 20)
    {
        sc.report(
            None,
            "--chunk-size",
            format!("{c}"),
            "a chunk size from 1 to 1048576".into(),
        );
    }
    Some(Head {
        name: name?,
        currency: currency?,
        settings: RunSettings {
            paths: o.paths.or(paths)?,
            seed: o.seed.or(seed)?,
            threads: o.threads.unwrap_or(0),
            chunk_size: o.chunk_size.or(chunk)?,
            start: start?,
            horizon_months: horizon_months?,
        },
    })
}

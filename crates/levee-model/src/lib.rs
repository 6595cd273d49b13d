//! The contract between Levee's runner and its models.
//!
//! A model crate (minerals, insurance, funding, …) reads its own section of the
//! scenario into a typed, validated model, and runs it with [`RunSettings`] to
//! produce a [`ModelOutput`]: a deterministic JSON summary, blocks of text for
//! the summary table, and per-path columns for `paths.csv`. The runner knows
//! every model; the engine and this crate know none.

use levee_units::{Currency, FxTable, YearMonth};
use serde_json::{Map, Value};

/// Settings shared by every model in a run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSettings {
    /// Number of Monte Carlo paths.
    pub paths: u64,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (0 = one per core). Never changes results.
    pub threads: usize,
    /// Paths per engine chunk. Never changes results.
    pub chunk_size: u64,
    /// First month of the horizon.
    pub start: YearMonth,
    /// Horizon length in months.
    pub horizon_months: u32,
}

/// What a model needs from the scenario beyond its own section.
#[derive(Clone, Debug)]
pub struct ScenarioContext {
    /// Exchange rates stated in the scenario's `[fx]` table.
    pub fx: FxTable,
    /// The currency results are reported in.
    pub currency: Currency,
    /// First month of the horizon.
    pub start: YearMonth,
    /// Horizon length in months.
    pub horizon_months: u32,
}

/// A model's results.
#[derive(Clone, Debug, Default)]
pub struct ModelOutput {
    /// Deterministic summary: no timings, no timestamps, insertion-ordered keys.
    pub summary: Map<String, Value>,
    /// Human-readable blocks for the summary table printed on stdout.
    pub text: Vec<TextBlock>,
    /// Per-path metrics for `paths.csv`, each column `paths` long.
    pub path_columns: Vec<PathColumn>,
}

/// A titled table for the terminal.
#[derive(Clone, Debug, Default)]
pub struct TextBlock {
    /// Heading.
    pub title: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// Notes printed under the table.
    pub notes: Vec<String>,
}

/// One per-path metric.
#[derive(Clone, Debug)]
pub struct PathColumn {
    /// Column name in `paths.csv`, e.g. `minerals.NdPr.unmet_t`.
    pub name: String,
    /// One value per path, in path order.
    pub values: Vec<f64>,
}

impl TextBlock {
    /// Render as aligned text.
    ///
    /// ```
    /// let b = levee_model::TextBlock {
    ///     title: "T".into(),
    ///     header: vec!["a".into(), "bb".into()],
    ///     rows: vec![vec!["1".into(), "2".into()]],
    ///     notes: vec![],
    /// };
    /// assert_eq!(b.render(), "T\n  a  bb\n  1   2\n");
    /// ```
    pub fn render(&self) -> String {
        let ncol = self
            .header
            .len()
            .max(self.rows.iter().map(Vec::len).max().unwrap_or(0));
        let mut w = vec![0usize; ncol];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in row.iter().enumerate() {
                w[i] = w[i].max(c.chars().count());
            }
        }
        let mut s = format!("{}\n", self.title);
        for row in std::iter::once(&self.header).chain(&self.rows) {
            if row.is_empty() {
                continue;
            }
            s.push(' ');
            for (i, c) in row.iter().enumerate() {
                let pad = w[i] - c.chars().count();
                if i == 0 {
                    s.push(' ');
                    s.push_str(c);
                    s.push_str(&" ".repeat(pad));
                } else {
                    s.push_str("  ");
                    s.push_str(&" ".repeat(pad));
                    s.push_str(c);
                }
            }
            s.push('\n');
        }
        for n in &self.notes {
            s.push_str(&format!("  note: {n}\n"));
        }
        s
    }
}

/// Format a number for the terminal with a sensible number of digits.
///
/// ```
/// assert_eq!(levee_model::fmt_num(1234567.0), "1,234,567");
/// assert_eq!(levee_model::fmt_num(0.01234), "0.0123");
/// assert_eq!(levee_model::fmt_num(12.5), "12.5");
/// ```
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    if a >= 1000.0 {
        let r = x.round() as i128;
        let digits = r.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        if r < 0 {
            out.insert(0, '-');
        }
        out
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        let s = format!("{x:.2}");
        trim_zeros(s)
    } else if a == 0.0 {
        "0".into()
    } else {
        let d = (-(a.log10().floor()) as usize + 2).min(12);
        trim_zeros(format!("{x:.d$}"))
    }
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Format money in the reporting currency with a scale word (¥12.3bn).
///
/// ```
/// use levee_units::Currency;
/// assert_eq!(levee_model::fmt_money(93.7e9, Currency::JPY), "¥93.7bn");
/// assert_eq!(levee_model::fmt_money(-1.5e6, Currency::USD), "-$1.5m");
/// ```
pub fn fmt_money(x: f64, c: Currency) -> String {
    let sym = match c.code() {
        "JPY" => "¥".to_string(),
        "USD" => "$".to_string(),
        "EUR" => "€".to_string(),
        other => format!("{other} "),
    };
    let a = x.abs();
    let sign = if x < 0.0 { "-" } else { "" };
    let (v, w) = if a >= 1e12 {
        (a / 1e12, "tn")
    } else if a >= 1e9 {
        (a / 1e9, "bn")
    } else if a >= 1e6 {
        (a / 1e6, "m")
    } else if a >= 1e3 {
        (a / 1e3, "k")
    } else {
        (a, "")
    };
    format!("{sign}{sym}{}{w}", trim_zeros(format!("{v:.3}")))
}

/// JSON for an [`levee_stats::Estimate`] (`mean`, `std_error`, `ci95`).
pub fn json_estimate(e: &levee_stats::Estimate) -> Value {
    serde_json::json!({
        "mean": finite(e.mean),
        "std_error": finite(e.std_error),
        "ci95": [finite(e.ci95_low), finite(e.ci95_high)],
    })
}

/// JSON for a [`levee_stats::Proportion`] (`p`, `std_error`, `ci95`).
pub fn json_proportion(p: &levee_stats::Proportion) -> Value {
    serde_json::json!({
        "p": finite(p.p),
        "std_error": finite(p.std_error),
        "ci95": [finite(p.ci95_low), finite(p.ci95_high)],
    })
}

/// A number as JSON; non-finite values become `null` (JSON has no NaN).
pub fn finite(x: f64) -> Value {
    if x.is_finite() {
        Value::from(x)
    } else {
        Value::Null
    }
}

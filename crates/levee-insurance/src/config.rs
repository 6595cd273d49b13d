//! Reading and validating the `[insurance]` section.

use std::collections::BTreeMap;

use levee_model::ScenarioContext;
use levee_scenario::{CsvTable, Table};
use levee_units::{Dimension, YearMonth, parse_quantity};

use crate::portfolio::{Policy, ReadContext, Seen, read_policies};

/// Estimation method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Plain Monte Carlo.
    Plain,
    /// Importance sampling: a mixture of factor mean shifts.
    ImportanceSampling,
}

/// A country of the factor table with its political-event probabilities.
#[derive(Clone, Debug, PartialEq)]
pub struct Country {
    /// Name as used in the portfolio CSV.
    pub name: String,
    /// Loading on the country factor.
    pub loading: f64,
    /// Annual probabilities of a transfer/convertibility event, expropriation, war.
    pub events: [f64; 3],
}

/// A sector of the factor table.
#[derive(Clone, Debug, PartialEq)]
pub struct Sector {
    /// Name.
    pub name: String,
    /// Loading on the sector factor.
    pub loading: f64,
}

/// Capital, its injections and the solvency standard.
#[derive(Clone, Debug, PartialEq)]
pub struct Capital {
    /// Capital at `as_of`, reporting currency.
    pub base: f64,
    /// Date of `base`.
    pub as_of: YearMonth,
    /// Dated injections, increasing dates.
    pub injections: Vec<(YearMonth, f64)>,
    /// Requirement is ES (true) or VaR (false).
    pub es: bool,
    /// Level of the standard.
    pub level: f64,
}

/// CreditRisk+ reference settings.
#[derive(Clone, Debug, PartialEq)]
pub struct CrPlusCfg {
    /// Loss unit, reporting currency.
    pub loss_unit: f64,
    /// Variance of each sector's gamma variable.
    pub sector_variance: f64,
    /// Weight of each obligor on its sector.
    pub sector_weight: f64,
}

/// The validated section.
#[derive(Clone, Debug)]
pub struct Config {
    /// Method.
    pub method: Method,
    /// VaR/ES levels.
    pub levels: Vec<f64>,
    /// Exponential twisting of conditional default and event probabilities (IS only).
    pub twist: bool,
    /// Whether country events are twisted with the obligors (IS with twisting only).
    pub twist_events: bool,
    /// Student-t degrees of freedom, None for the Gaussian copula.
    pub t_dof: Option<u32>,
    /// Horizon in years.
    pub horizon_years: u32,
    /// Global factor loading.
    pub global_loading: f64,
    /// LGD loading on the normalised systematic factor.
    pub lgd_factor_loading: f64,
    /// Correlation of political-event latent variables.
    pub political_correlation: f64,
    /// VaR-contribution window half-width as a fraction of 1 − α.
    pub var_window: f64,
    /// PD floor of the IRB reference.
    pub irb_pd_floor: f64,
    /// Largest pipeline multiple searched for capacity.
    pub multiple_max: f64,
    /// Countries.
    pub countries: Vec<Country>,
    /// Sectors.
    pub sectors: Vec<Sector>,
    /// Lower Cholesky factor of the country correlation.
    pub chol: Vec<f64>,
    /// Capital.
    pub capital: Capital,
    /// CreditRisk+ reference.
    pub crplus: Option<CrPlusCfg>,
    /// Policies (book then pipeline).
    pub policies: Vec<Policy>,
}

/// Cholesky factor of a correlation matrix that may be singular but must be
/// positive semi-definite: a pivot below −1e-10 is an error (returns its row);
/// pivots within 1e-10 of zero give a zero column.
pub fn cholesky_psd(a: &[f64], n: usize) -> Result<Vec<f64>, usize> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if s < -1e-10 {
                    return Err(i);
                }
                l[i * n + i] = s.max(0.0).sqrt();
            } else if l[j * n + j] > 1e-12 {
                l[i * n + j] = s / l[j * n + j];
            } else if s.abs() > 1e-8 {
                return Err(i);
            }
        }
    }
    Ok(l)
}

fn read_correlation(
    section: &Table,
    csv: &CsvTable,
    names: &BTreeMap<String, usize>,
    n: usize,
) -> Option<Vec<f64>> {
    let mut a = vec![f64::NAN; n * n];
    let headers = csv.headers().to_vec();
    let mut ok = true;
    let mut cols = Vec::new();
    for (ci, h) in headers.iter().enumerate().skip(1) {
        match names.get(h) {
            Some(&j) => cols.push((ci, j)),
            None => {
                if let Some(r) = csv.rows().first() {
                    csv.error(
                        r,
                        ci,
                        format!("column {h:?}"),
                        "a country of [insurance.countries]".into(),
                    );
                }
                ok = false;
            }
        }
    }
    for row in csv.rows() {
        let name = csv.text(row, 0);
        let Some(&i) = names.get(name) else {
            csv.error(
                row,
                0,
                format!("{name:?}"),
                "a country of [insurance.countries]".into(),
            );
            ok = false;
            continue;
        };
        for &(ci, j) in &cols {
            match csv.number(row, ci, -1.0, 1.0) {
                Some(v) => a[i * n + j] = v,
                None => ok = false,
            }
        }
    }
    section.scenario().absorb(csv);
    if !ok {
        return None;
    }
    if a.iter().any(|v| v.is_nan()) {
        section.error_at_key(
            "country_correlation",
            "a matrix that does not cover every pair of countries".into(),
            "a square matrix over all countries of [insurance.countries]".into(),
        );
        return None;
    }
    for i in 0..n {
        if (a[i * n + i] - 1.0).abs() > 1e-9 {
            section.error_at_key(
                "country_correlation",
                format!("diagonal entry {} for {}", a[i * n + i], i),
                "ones on the diagonal of a correlation matrix".into(),
            );
            return None;
        }
        for j in 0..i {
            if (a[i * n + j] - a[j * n + i]).abs() > 1e-9 {
                section.error_at_key(
                    "country_correlation",
                    "an asymmetric matrix".into(),
                    "a symmetric correlation matrix".into(),
                );
                return None;
            }
        }
    }
    match cholesky_psd(&a, n) {
        Ok(l) => Some(l),
        Err(row) => {
            let name = names
                .iter()
                .find(|(_, v)| **v == row)
                .map_or("?", |(k, _)| k.as_str());
            section.error_at_key(
                "country_correlation",
                format!("a matrix that is not positive semi-definite (Cholesky fails at {name:?})"),
                "a positive semi-definite correlation matrix".into(),
            );
            None
        }
    }
}

/// Read the section. Returns None if any error was recorded.
pub fn read(section: &Table, ctx: &ScenarioContext) -> Option<Config> {
    let sc = section.scenario();
    let method = match section.choice("method", &["plain", "is"]) {
        Some(0) => Method::Plain,
        _ => Method::ImportanceSampling,
    };
    let twist = section.boolean("twist").unwrap_or(true);
    if method == Method::Plain && section.has("twist") {
        section.error_at_key(
            "twist",
            "twist with method = \"plain\"".into(),
            "method = \"is\" (twisting is part of importance sampling) or remove the key".into(),
        );
    }
    let twist_events = section.boolean("twist_events").unwrap_or(true);
    if !(method == Method::ImportanceSampling && twist) && section.has("twist_events") {
        section.error_at_key(
            "twist_events",
            "twist_events without exponential twisting".into(),
            "method = \"is\" with twist = true, or remove the key".into(),
        );
    }
    let levels = match section.strings("levels") {
        None => vec![0.995, 0.999],
        Some(v) => {
            let mut out = Vec::new();
            for s in v {
                match parse_quantity(&s) {
                    Ok(q) if q.dim == Dimension::Ratio && q.value >= 0.5 && q.value < 1.0 => out.push((q.value * 1e12).round() / 1e12),
                    _ => section.error_at_key("levels", format!("{s:?}"), "levels written as percentages between 50% and 100%, e.g. [\"99.5%\", \"99.9%\"]".into()),
                }
            }
            if out.is_empty() {
                section.error_at_key(
                    "levels",
                    "an empty list".into(),
                    "at least one level".into(),
                );
            }
            out
        }
    };
    let copula = section.choice("copula", &["gaussian", "t"]).unwrap_or(0);
    let dof = section.integer("t_degrees_of_freedom", 1, 1000);
    let t_dof = if copula == 1 {
        if dof.is_none() && !section.has("t_degrees_of_freedom") {
            section.error_at_key(
                "copula",
                "copula = \"t\" without t_degrees_of_freedom".into(),
                "t_degrees_of_freedom = an integer from 1 to 1000".into(),
            );
        }
        dof.map(|d| d as u32)
    } else {
        if dof.is_some() {
            section.error_at_key(
                "t_degrees_of_freedom",
                "degrees of freedom with a Gaussian copula".into(),
                "copula = \"t\" (or remove the key)".into(),
            );
        }
        None
    };
    let horizon_years = section.integer("horizon_years", 1, 30).unwrap_or(1) as u32;
    let global_loading = section.req_ratio("global_loading", 0.0, 0.999);
    let lgd_factor_loading = section
        .ratio("lgd_factor_loading", 0.0, 0.999)
        .unwrap_or(0.0);
    let political_correlation = section
        .ratio("political_correlation", 0.0, 0.999)
        .unwrap_or(0.0);
    let var_window = section.ratio("var_window", 0.01, 1.0).unwrap_or(0.25);
    let irb_pd_floor = section.ratio("irb_pd_floor", 0.0, 0.01).unwrap_or(0.0003);
    let multiple_max = section
        .ratio("pipeline_multiple_max", 1.0, 1e6)
        .unwrap_or(100.0);

    let mut ratings = BTreeMap::new();
    if let Some(t) = section.table("ratings") {
        for k in t.keys() {
            if let Some(p) = t.ratio(&k, 0.0, 1.0) {
                if p > 0.0 && p < 1.0 {
                    ratings.insert(k, p);
                } else {
                    t.error_at_key(&k, format!("{p}"), "a PD strictly between 0 and 1".into());
                }
            }
        }
    }
    let mut countries = Vec::new();
    let mut cmap = BTreeMap::new();
    if let Some(t) = section.req_table("countries") {
        for k in t.keys() {
            if let Some(c) = t.table(&k) {
                let loading = c.req_ratio("loading", 0.0, 0.999);
                let ev = ["transfer", "expropriation", "war"]
                    .map(|e| c.ratio(e, 0.0, 0.999).unwrap_or(0.0));
                if let Some(loading) = loading {
                    cmap.insert(k.clone(), countries.len());
                    countries.push(Country {
                        name: k,
                        loading,
                        events: ev,
                    });
                }
            }
        }
        if countries.is_empty() {
            t.error(
                "an empty table".into(),
                "at least one country, e.g. US = { loading = 0.3 }".into(),
            );
        }
    }
    let mut sectors = Vec::new();
    let mut smap = BTreeMap::new();
    if let Some(t) = section.req_table("sectors") {
        for k in t.keys() {
            if let Some(c) = t.table(&k)
                && let Some(loading) = c.req_ratio("loading", 0.0, 0.999)
            {
                smap.insert(k.clone(), sectors.len());
                sectors.push(Sector { name: k, loading });
            }
        }
        if sectors.is_empty() {
            t.error(
                "an empty table".into(),
                "at least one sector, e.g. energy = { loading = 0.25 }".into(),
            );
        }
    }
    let nc = countries.len();
    let mut chol: Vec<f64> = (0..nc * nc)
        .map(|k| {
            if k / nc.max(1) == k % nc.max(1) {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    if section.has("country_correlation")
        && let Some(csv) = section.csv("country_correlation")
        && let Some(l) = read_correlation(section, &csv, &cmap, nc)
    {
        chol = l;
    }
    // Capital.
    let cur = ctx.currency;
    let capital = section.req_table("capital").and_then(|t| {
        let base = if t.has("base") {
            t.money_in("base", cur, &ctx.fx, 0.0, f64::MAX)
        } else {
            t.error_at_key(
                "base",
                "nothing".into(),
                "base = the capital at as_of, e.g. \"¥500bn\"".into(),
            );
            None
        };
        let as_of = t.req_date("as_of");
        let mut injections = Vec::new();
        for inj in t.tables("injections") {
            let d = inj.req_date("date");
            let a = if inj.has("amount") {
                inj.money_in("amount", cur, &ctx.fx, 0.0, f64::MAX)
            } else {
                inj.error("no amount".into(), "amount = an amount of money".into());
                None
            };
            if let (Some(d), Some(a)) = (d, a) {
                if injections
                    .last()
                    .is_some_and(|(p, _): &(YearMonth, f64)| *p >= d)
                    || as_of.is_some_and(|s| d < s)
                {
                    inj.error_at_key(
                        "date",
                        format!("{d}"),
                        "injection dates after capital.as_of and in increasing order".into(),
                    );
                }
                injections.push((d, a));
            }
        }
        let es = t.choice("measure", &["var", "es"]).unwrap_or(0) == 1;
        let level = (t.ratio("level", 0.5, 0.99999).unwrap_or(0.995) * 1e12).round() / 1e12;
        Some(Capital {
            base: base?,
            as_of: as_of?,
            injections,
            es,
            level,
        })
    });
    let crplus = section.table("creditriskplus").and_then(|t| {
        let unit = if t.has("loss_unit") {
            t.money_in("loss_unit", cur, &ctx.fx, f64::MIN_POSITIVE, f64::MAX)
        } else {
            t.error_at_key(
                "loss_unit",
                "nothing".into(),
                "loss_unit = an amount such as \"¥1bn\"".into(),
            );
            None
        };
        let var = t.req_ratio("sector_variance", 1e-6, 100.0);
        let w = t.ratio("sector_weight", 0.0, 1.0).unwrap_or(1.0);
        Some(CrPlusCfg {
            loss_unit: unit?,
            sector_variance: var?,
            sector_weight: w,
        })
    });
    // Portfolio and pipeline.
    let rc = ReadContext {
        currency: cur,
        fx: &ctx.fx,
        ratings: &ratings,
        countries: &cmap,
        sectors: &smap,
    };
    let mut seen = Seen::default();
    let mut policies = Vec::new();
    if !section.has("portfolio") {
        section.error_at_key(
            "portfolio",
            "nothing".into(),
            "portfolio = a CSV file of policies, relative to the scenario".into(),
        );
    } else if let Some(csv) = section.csv("portfolio") {
        read_policies(&csv, &rc, false, &mut seen, &mut policies);
        sc.absorb(&csv);
    }
    if section.has("pipeline")
        && let Some(csv) = section.csv("pipeline")
    {
        read_policies(&csv, &rc, true, &mut seen, &mut policies);
        sc.absorb(&csv);
    }
    // Cross-field: the systematic variance of every (country, sector) used must be below 1.
    if let Some(g) = global_loading {
        let mut reported = std::collections::BTreeSet::new();
        for p in &policies {
            let (c, s) = (&countries[p.country], &sectors[p.sector]);
            let r2 = g * g + c.loading * c.loading + s.loading * s.loading;
            if r2 >= 0.999 && reported.insert((p.country, p.sector)) {
                section.error_at_key(
                    "global_loading",
                    format!("loadings for {} × {} with squared sum {r2:.4}", c.name, s.name),
                    "global² + country² + sector² loadings below 0.999 (the idiosyncratic part must remain)".into(),
                );
            }
        }
    }
    if let Some(m) = policies.iter().find(|p| p.perils == 0) {
        section.error_at_key(
            "portfolio",
            format!("policy {:?} covers no peril", m.id),
            "at least one covered peril per policy".into(),
        );
    }
    if sc.error_count() > 0 {
        return None;
    }
    Some(Config {
        method,
        levels,
        twist,
        twist_events,
        t_dof,
        horizon_years,
        global_loading: global_loading?,
        lgd_factor_loading,
        political_correlation,
        var_window,
        irb_pd_floor,
        multiple_max,
        countries,
        sectors,
        chol,
        capital: capital?,
        crplus,
        policies,
    })
}

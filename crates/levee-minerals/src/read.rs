//! Reading and validating the `[minerals]` section.
//!
//! Every problem is recorded in the scenario (with file, line, column and field
//! path) and reading goes on, so a user sees all errors at once. Cross-field
//! rules (shares summing to one, names that must exist, …) are checked here.

use levee_model::ScenarioContext;
use levee_scenario::{CsvTable, Dimension, Table};
use levee_units::YearMonth;

use crate::config::{
    Config, Disruption, Duration, Event, Flow, Investment, Material, Process, Stockpile, Supplier,
};

/// Days per month used to turn durations into months (365.25/12, exact in binary).
pub const MONTH_DAYS: f64 = 365.25 / 12.0;

/// Tolerance on the sum of supplier shares.
pub const SHARE_TOL: f64 = 1e-6;

/// Largest flow accepted, t/month.
const MAX_FLOW: f64 = 1e9;
/// Largest money amount accepted, reporting currency.
const MAX_MONEY: f64 = 1e16;
/// Largest duration accepted, days (200 years).
const MAX_DAYS: f64 = 73_050.0;

/// Whole months in a duration given in days: the nearest whole number of months.
pub fn whole_months(days: f64) -> u32 {
    (days / MONTH_DAYS).round().clamp(0.0, u32::MAX as f64) as u32
}

fn months_key(t: &Table<'_>, key: &str, default: u32) -> Option<u32> {
    if !t.has(key) {
        return Some(default);
    }
    t.days(key, 0.0, MAX_DAYS).map(whole_months)
}

/// Read `[minerals]`. Returns `None` if any error was recorded.
pub fn read(section: &Table<'_>, ctx: &ScenarioContext) -> Option<Config> {
    let sc = section.scenario();
    let errors_before = sc.error_count();

    let fiscal_year_start = section.integer("fiscal_year_start", 1, 12).unwrap_or(4) as u8;
    let cover_cap_days = section.days("cover_cap", 1.0, 36_525.0).unwrap_or(3650.0);
    let fan_bins = section.integer("fan_bins", 10, 10_000).unwrap_or(1000) as usize;

    let mut materials = Vec::new();
    let mtables = section.tables("materials");
    if mtables.is_empty() && !section.has("materials") {
        section.error(
            "no [[minerals.materials]]".into(),
            "at least one material (a [[minerals.materials]] table with name, demand, price and suppliers)".into(),
        );
    }
    for mt in &mtables {
        if let Some(m) = read_material(mt, ctx) {
            if materials.iter().any(|x: &Material| x.name == m.name) {
                mt.error_at_key(
                    "name",
                    format!("a second material named {:?}", m.name),
                    "unique material names".into(),
                );
            }
            materials.push(m);
        }
    }
    drop(mtables);

    // Investments.
    let mut investments = Vec::new();
    for it in section.tables("investments") {
        if let Some(inv) = read_investment(&it, ctx, &materials) {
            investments.push(inv);
        }
    }

    // Supplier names: a name may supply several materials; an investment
    // name must not clash with a supplier name.
    for inv in &investments {
        let clash = materials
            .iter()
            .any(|m| m.suppliers.iter().any(|s| s.name == inv.name))
            || investments.iter().filter(|j| j.name == inv.name).count() > 1;
        if clash {
            section.error(
                format!(
                    "the investment name {:?} used twice or also used by a supplier",
                    inv.name
                ),
                "unique investment names, distinct from supplier names".into(),
            );
        }
    }

    let layout = SlotLayout::new(&materials, &investments);
    let mut disruptions = Vec::new();
    for (i, pt) in section.tables("processes").iter().enumerate() {
        let supplier = pt.req_string("supplier");
        let mats = pt.strings("materials");
        let process = read_process(pt);
        let (Some(supplier), Some(process)) = (supplier, process) else {
            continue;
        };
        let targets = layout.targets(
            pt,
            "supplier",
            std::slice::from_ref(&supplier),
            mats.as_deref(),
            &materials,
        );
        if let Some(targets) = targets {
            disruptions.push(Disruption {
                name: format!("process {i} ({supplier})"),
                process,
                targets,
            });
        }
    }
    let n_supplier_processes = disruptions.len();
    for st in section.tables("shocks") {
        let name = st.req_string("name");
        let suppliers = st.strings("suppliers");
        let mats = st.strings("materials");
        if suppliers.is_none() && st.has("suppliers") {
            continue;
        }
        let Some(suppliers) = suppliers else {
            st.error_at_key(
                "suppliers",
                "nothing (the key is missing)".into(),
                "a list of supplier names hit by the shock".into(),
            );
            continue;
        };
        let process = read_process(&st);
        let (Some(name), Some(process)) = (name, process) else {
            continue;
        };
        if let Some(targets) =
            layout.targets(&st, "suppliers", &suppliers, mats.as_deref(), &materials)
        {
            disruptions.push(Disruption {
                name,
                process,
                targets,
            });
        }
    }

    let mut events = Vec::new();
    for et in section.tables("events") {
        let supplier = et.req_string("supplier");
        let material = et.string("material");
        let start = et.req_date("start");
        let months = if et.has("duration") {
            et.days("duration", MONTH_DAYS / 2.0, MAX_DAYS)
                .map(whole_months)
        } else {
            et.error_at_key(
                "duration",
                "nothing (the key is missing)".into(),
                "a duration such as \"6 months\"".into(),
            );
            None
        };
        let cut = et.req_ratio("cut", 0.0, 1.0);
        let (Some(supplier), Some(start), Some(months), Some(cut)) = (supplier, start, months, cut)
        else {
            continue;
        };
        // An event entirely outside the horizon would silently do nothing.
        let first = offset(ctx.start, start);
        if first >= ctx.horizon_months as i64 || first + (months as i64) <= 0 {
            et.error_at_key(
                "start",
                format!("an event from {start} for {months} months"),
                format!(
                    "an event overlapping the horizon {} – {}",
                    ctx.start,
                    ctx.start.plus_months(ctx.horizon_months as i64 - 1)
                ),
            );
            continue;
        }
        let mats: Option<Vec<String>> = match material.as_deref() {
            None | Some("all") => None,
            Some(m) => Some(vec![m.to_string()]),
        };
        if let Some(targets) = layout.targets(
            &et,
            "supplier",
            std::slice::from_ref(&supplier),
            mats.as_deref(),
            &materials,
        ) {
            events.push(Event {
                supplier,
                start,
                months,
                cut,
                targets,
            });
        }
    }

    if sc.error_count() > errors_before {
        return None;
    }
    Some(Config {
        materials,
        investments,
        disruptions,
        n_supplier_processes,
        events,
        fiscal_year_start,
        cover_cap_days,
        fan_bins,
    })
}

fn read_material(t: &Table<'_>, ctx: &ScenarioContext) -> Option<Material> {
    let name = t.req_string("name");
    if !t.has("demand") {
        t.error_at_key(
            "demand",
            "nothing (the key is missing)".into(),
            "a demand such as \"1,000 t/yr\" or a dated table of them".into(),
        );
    }
    let demand = t.dated_quantity("demand", Dimension::TonnesPerMonth, 0.0, MAX_FLOW);
    let growth = t.ratio("growth", -0.5, 1.0).unwrap_or(0.0);
    let price = if t.has("price") {
        t.money_per_tonne_in("price", ctx.currency, &ctx.fx, 0.0, MAX_MONEY)
    } else {
        t.error_at_key(
            "price",
            "nothing (the key is missing)".into(),
            "a price per tonne such as \"¥30m/t\" (values unmet demand)".into(),
        );
        None
    };
    let eol_rir = t.ratio("eol_rir", 0.0, 1.0).unwrap_or(0.0);
    let substitution = t.ratio("substitution_index", 0.0, 1.0).unwrap_or(1.0);

    let mut suppliers = Vec::new();
    let mut rows = 0usize;
    let inline = t.has("suppliers");
    let from_csv = t.has("suppliers_csv");
    if inline && from_csv {
        t.error_at_key(
            "suppliers_csv",
            "both suppliers and suppliers_csv".into(),
            "one of suppliers (inline) or suppliers_csv (a CSV file)".into(),
        );
    }
    if inline {
        for st in t.tables("suppliers") {
            rows += 1;
            if let Some(s) = read_supplier(&st) {
                suppliers.push(s);
            }
        }
    } else if from_csv {
        if let Some(csv) = t.csv("suppliers_csv") {
            suppliers = read_suppliers_csv(&csv);
            rows = csv.rows().len();
            t.scenario().absorb(&csv);
        }
    } else {
        t.error_at_key(
            "suppliers",
            "nothing (the key is missing)".into(),
            "suppliers = [{ name = …, share = … }, …] or suppliers_csv = \"file.csv\"".into(),
        );
    }
    let stockpile = t
        .table("stockpile")
        .and_then(|st| read_stockpile(&st, ctx, price));

    // Cross-field checks on the supplier list.
    let mut ok = true;
    if (inline || from_csv) && suppliers.is_empty() {
        t.error_at_key(
            "suppliers",
            "an empty supplier list".into(),
            "at least one supplier".into(),
        );
        ok = false;
    }
    for (i, s) in suppliers.iter().enumerate() {
        if suppliers[..i].iter().any(|x| x.name == s.name) {
            t.error_at_key(
                "suppliers",
                format!("supplier {:?} listed twice", s.name),
                "each supplier once per material".into(),
            );
            ok = false;
        }
    }
    let shares: Vec<f64> = suppliers
        .iter()
        .filter_map(|s| match s.flow {
            Flow::Share(x) => Some(x),
            Flow::Capacity(_) => None,
        })
        .collect();
    // Skip the sum rule when a supplier row was itself invalid (already reported).
    if !shares.is_empty() && rows == suppliers.len() {
        let sum: f64 = shares.iter().sum();
        if (sum - 1.0).abs() > SHARE_TOL {
            t.error_at_key(
                if inline { "suppliers" } else { "suppliers_csv" },
                format!("supplier shares summing to {}", (sum * 1e12).round() / 1e12),
                "shares that sum to 1 within 1e-6 (capacity suppliers are counted separately)"
                    .into(),
            );
            ok = false;
        }
    }
    let (name, demand, price) = (name?, demand?, price?);
    if !ok {
        return None;
    }
    Some(Material {
        name,
        demand,
        growth,
        price,
        suppliers,
        stockpile,
        eol_rir,
        substitution,
    })
}

fn read_supplier(t: &Table<'_>) -> Option<Supplier> {
    let name = t.req_string("name");
    let share = t.ratio("share", 0.0, 1.0);
    let capacity = t.quantity("capacity", Dimension::TonnesPerMonth, 0.0, MAX_FLOW);
    let has_share = t.has("share");
    let has_cap = t.has("capacity");
    let flow = match (has_share, has_cap) {
        (true, true) => {
            t.error_at_key(
                "capacity",
                "both share and capacity".into(),
                "either share or capacity, not both".into(),
            );
            None
        }
        (false, false) => {
            t.error(
                "a supplier with neither share nor capacity".into(),
                "share = 0.6 or capacity = \"50 t/month\"".into(),
            );
            None
        }
        (true, false) => share.map(Flow::Share),
        (false, true) => capacity.map(Flow::Capacity),
    };
    let spare = t
        .quantity("spare", Dimension::TonnesPerMonth, 0.0, MAX_FLOW)
        .unwrap_or(0.0);
    let surge_lag = months_key(t, "surge_lag", 0);
    let domestic = t.boolean("domestic").unwrap_or(false);
    let wgi = t.quantity("wgi", Dimension::Ratio, 0.0, 10.0);
    let trade_factor = t.ratio("trade_factor", 0.1, 10.0).unwrap_or(1.0);
    Some(Supplier {
        name: name?,
        flow: flow?,
        spare,
        surge_lag: surge_lag?,
        domestic,
        wgi,
        trade_factor,
    })
}

/// Columns: `name`, `share` or `capacity` (t/month, with unit), optional
/// `spare` (with unit), `surge_lag_months`, `domestic` (true/false), `wgi`, `trade_factor`.
fn read_suppliers_csv(csv: &CsvTable) -> Vec<Supplier> {
    let name = csv.column("name");
    let share = csv.opt_column("share");
    let capacity = csv.opt_column("capacity");
    let spare = csv.opt_column("spare");
    let lag = csv.opt_column("surge_lag_months");
    let domestic = csv.opt_column("domestic");
    let wgi = csv.opt_column("wgi");
    let trade = csv.opt_column("trade_factor");
    let known = [
        "name",
        "share",
        "capacity",
        "spare",
        "surge_lag_months",
        "domestic",
        "wgi",
        "trade_factor",
    ];
    for (i, h) in csv.headers().iter().enumerate() {
        if !known.contains(&h.as_str())
            && let Some(row) = csv.rows().first()
        {
            csv.error(
                row,
                i,
                format!("unknown column {h:?}"),
                format!("one of {known:?}"),
            );
        }
    }
    if share.is_none() && capacity.is_none() {
        csv.column("share");
    }
    let Some(name) = name else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in csv.rows() {
        let n = csv.req_text(row, name);
        let s = share.filter(|&c| !csv.text(row, c).is_empty());
        let c = capacity.filter(|&c| !csv.text(row, c).is_empty());
        let flow = match (s, c) {
            (Some(col), None) => csv.number(row, col, 0.0, 1.0).map(Flow::Share),
            (None, Some(col)) => csv
                .quantity(row, col, Dimension::TonnesPerMonth, 0.0, MAX_FLOW)
                .map(Flow::Capacity),
            (Some(_), Some(col)) => {
                csv.error(
                    row,
                    col,
                    "both share and capacity".into(),
                    "either share or capacity".into(),
                );
                None
            }
            (None, None) => {
                csv.error(
                    row,
                    share.or(capacity).unwrap_or(name),
                    "an empty cell".into(),
                    "a share or a capacity".into(),
                );
                None
            }
        };
        let sp = match spare.filter(|&c| !csv.text(row, c).is_empty()) {
            Some(col) => csv.quantity(row, col, Dimension::TonnesPerMonth, 0.0, MAX_FLOW),
            None => Some(0.0),
        };
        let lg = csv.opt_number(row, lag, 0.0, 2400.0);
        let dom = match domestic.map(|c| (c, csv.text(row, c))) {
            None | Some((_, "")) | Some((_, "false")) => Some(false),
            Some((_, "true")) => Some(true),
            Some((col, other)) => {
                csv.error(row, col, format!("{other:?}"), "true or false".into());
                None
            }
        };
        let w = csv.opt_number(row, wgi, 0.0, 10.0);
        let tf = csv.opt_number(row, trade, 0.1, 10.0);
        if let (Some(n), Some(flow), Some(sp), Some(lg), Some(dom), Some(w), Some(tf)) =
            (n, flow, sp, lg, dom, w, tf)
        {
            out.push(Supplier {
                name: n,
                flow,
                spare: sp,
                surge_lag: lg.map_or(0, |x| x.round() as u32),
                domestic: dom,
                wgi: w,
                trade_factor: tf.unwrap_or(1.0),
            });
        }
    }
    out
}

fn read_stockpile(
    t: &Table<'_>,
    ctx: &ScenarioContext,
    material_price: Option<f64>,
) -> Option<Stockpile> {
    let target = t.days("target", 0.0, 36_525.0);
    if !t.has("target") {
        t.error_at_key(
            "target",
            "nothing (the key is missing)".into(),
            "a target in days of consumption such as \"60 days\"".into(),
        );
    }
    let initial = if t.has("initial") {
        t.days("initial", 0.0, 36_525.0)
    } else {
        target
    };
    let release_lag = months_key(t, "release_lag", 0);
    let max_release = t
        .quantity("max_release", Dimension::TonnesPerMonth, 0.0, MAX_FLOW)
        .unwrap_or(f64::INFINITY);
    let release_threshold = t.ratio("release_threshold", 0.0, 1.0).unwrap_or(0.0);
    let refill_rate = t
        .quantity("refill_rate", Dimension::TonnesPerMonth, 0.0, MAX_FLOW)
        .unwrap_or(f64::INFINITY);
    let price = if t.has("price") {
        t.money_per_tonne_in("price", ctx.currency, &ctx.fx, 0.0, MAX_MONEY)
    } else {
        material_price
    };
    let budget = if t.has("budget") {
        t.money_in("budget", ctx.currency, &ctx.fx, 0.0, MAX_MONEY)
    } else {
        Some(f64::INFINITY)
    };
    let holding_rate = t.ratio("holding_rate", 0.0, 1.0).unwrap_or(0.0);
    Some(Stockpile {
        initial_days: initial?,
        target_days: target?,
        release_lag: release_lag?,
        max_release,
        release_threshold,
        refill_rate,
        price: price?,
        budget: budget?,
        holding_rate,
    })
}

/// Keys of a process table.
const PROCESS_KEYS: [&str; 12] = [
    "alpha",
    "beta",
    "severity",
    "start",
    "rate_per_year",
    "duration",
    "mean_duration",
    "median_duration",
    "sigma",
    "severity_min",
    "severity_max",
    "kind",
];

fn read_process(t: &Table<'_>) -> Option<Process> {
    let kind = if t.has("kind") {
        t.choice("kind", &["markov", "arrivals"])
    } else {
        t.error_at_key(
            "kind",
            "nothing (the key is missing)".into(),
            "kind = \"markov\" or \"arrivals\"".into(),
        );
        None
    };
    let Some(kind) = kind else {
        // Without a valid kind the other keys cannot be judged: do not also
        // report them as unknown.
        for k in PROCESS_KEYS {
            t.has(k);
        }
        return None;
    };
    match kind {
        0 => {
            let alpha = t.req_ratio("alpha", 0.0, 1.0);
            let beta = t.req_ratio("beta", 0.0, 1.0);
            let severity = t.ratio("severity", 0.0, 1.0).unwrap_or(1.0);
            let start = if t.has("start") {
                t.choice("start", &["stationary", "up"])
            } else {
                Some(0)
            };
            let (alpha, beta, start) = (alpha?, beta?, start?);
            if start == 0 && alpha + beta == 0.0 {
                t.error_at_key(
                    "beta",
                    "alpha = beta = 0".into(),
                    "alpha + beta > 0 for a stationary start (or start = \"up\")".into(),
                );
                return None;
            }
            Some(Process::Markov {
                alpha,
                beta,
                severity,
                stationary: start == 0,
            })
        }
        _ => {
            let rate = t.req_ratio("rate_per_year", 0.0, 120.0);
            let dist = if t.has("duration") {
                t.choice("duration", &["fixed", "geometric", "lognormal"])
            } else {
                t.error_at_key(
                    "duration",
                    "nothing (the key is missing)".into(),
                    "duration = \"fixed\", \"geometric\" or \"lognormal\"".into(),
                );
                None
            };
            let duration = match dist {
                Some(0) => t
                    .days("mean_duration", MONTH_DAYS / 2.0, MAX_DAYS)
                    .map(|d| Duration::Fixed(whole_months(d).max(1))),
                Some(1) => t
                    .days("mean_duration", MONTH_DAYS, MAX_DAYS)
                    .map(|d| Duration::Geometric(d / MONTH_DAYS)),
                Some(_) => {
                    let med = t.days("median_duration", MONTH_DAYS / 10.0, MAX_DAYS);
                    let sigma = t.req_ratio("sigma", 0.0, 5.0);
                    match (med, sigma) {
                        (Some(m), Some(s)) => Some(Duration::Lognormal {
                            median: m / MONTH_DAYS,
                            sigma: s,
                        }),
                        _ => None,
                    }
                }
                None => None,
            };
            if matches!(dist, Some(0) | Some(1)) && !t.has("mean_duration") {
                t.error_at_key(
                    "mean_duration",
                    "nothing (the key is missing)".into(),
                    "a mean duration such as \"3 months\"".into(),
                );
            }
            if matches!(dist, Some(2)) && !t.has("median_duration") {
                t.error_at_key(
                    "median_duration",
                    "nothing (the key is missing)".into(),
                    "a median duration such as \"3 months\"".into(),
                );
            }
            let (smin, smax) = if t.has("severity") {
                let s = t.ratio("severity", 0.0, 1.0);
                (s, s)
            } else {
                (
                    t.ratio("severity_min", 0.0, 1.0),
                    t.ratio("severity_max", 0.0, 1.0),
                )
            };
            let (smin, smax) = match (
                smin,
                smax,
                t.has("severity") || t.has("severity_min") || t.has("severity_max"),
            ) {
                (Some(a), Some(b), _) => (a, b),
                (None, None, false) => (1.0, 1.0),
                _ => {
                    if !t.has("severity") {
                        t.error(
                            "severity_min without severity_max or the reverse".into(),
                            "both severity_min and severity_max, or severity".into(),
                        );
                    }
                    return None;
                }
            };
            if smin > smax {
                t.error_at_key(
                    "severity_min",
                    format!("severity_min {smin} above severity_max {smax}"),
                    "severity_min ≤ severity_max".into(),
                );
                return None;
            }
            Some(Process::Arrivals {
                rate_per_year: rate?,
                duration: duration?,
                severity_min: smin,
                severity_max: smax,
            })
        }
    }
}

fn read_investment(
    t: &Table<'_>,
    ctx: &ScenarioContext,
    materials: &[Material],
) -> Option<Investment> {
    let name = t.req_string("name");
    let material = t.req_string("material");
    let capex = if t.has("capex") {
        t.money_in("capex", ctx.currency, &ctx.fx, 0.0, MAX_MONEY)
    } else {
        t.error_at_key(
            "capex",
            "nothing (the key is missing)".into(),
            "capital expenditure such as \"¥18bn\" or \"USD 250m\"".into(),
        );
        None
    };
    let decision = if t.has("decision") {
        t.date("decision")
    } else {
        Some(ctx.start)
    };
    let lead = if t.has("lead_time") {
        t.days("lead_time", 0.0, MAX_DAYS).map(whole_months)
    } else {
        t.error_at_key(
            "lead_time",
            "nothing (the key is missing)".into(),
            "a lead time such as \"5 years\"".into(),
        );
        None
    };
    let capacity = t.quantity("capacity", Dimension::TonnesPerMonth, 0.0, MAX_FLOW);
    let offtake = t.ratio("offtake_share", 0.0, 1.0);
    let output = t.quantity("project_output", Dimension::TonnesPerMonth, 0.0, MAX_FLOW);
    let cap = match (
        t.has("capacity"),
        t.has("offtake_share") || t.has("project_output"),
    ) {
        (true, false) => capacity,
        (false, true) => {
            if !t.has("offtake_share") || !t.has("project_output") {
                t.error(
                    "only one of offtake_share and project_output".into(),
                    "both offtake_share and project_output (capacity = share × output)".into(),
                );
                None
            } else {
                match (offtake, output) {
                    (Some(s), Some(o)) => Some(s * o),
                    _ => None,
                }
            }
        }
        (true, true) => {
            t.error_at_key(
                "capacity",
                "capacity together with offtake_share/project_output".into(),
                "either capacity, or offtake_share with project_output".into(),
            );
            None
        }
        (false, false) => {
            t.error(
                "an investment without capacity".into(),
                "capacity = \"10 t/month\", or offtake_share with project_output".into(),
            );
            None
        }
    };
    let success = t.req_ratio("success", 0.0, 1.0);
    let spare = t
        .quantity("spare", Dimension::TonnesPerMonth, 0.0, MAX_FLOW)
        .unwrap_or(0.0);
    let surge_lag = months_key(t, "surge_lag", 0);
    let material = material?;
    let Some(mi) = materials.iter().position(|m| m.name == material) else {
        t.error_at_key(
            "material",
            format!("{material:?}"),
            format!(
                "the name of a material: one of {:?}",
                materials
                    .iter()
                    .map(|m| m.name.as_str())
                    .collect::<Vec<_>>()
            ),
        );
        return None;
    };
    Some(Investment {
        name: name?,
        material: mi,
        capex: capex?,
        decision: decision?,
        lead_months: lead?,
        capacity: cap?,
        success: success?,
        spare,
        surge_lag: surge_lag?,
    })
}

/// Where each supplier and investment sits in the per-material slot lists:
/// slot `j < suppliers.len()` is supplier `j`; later slots are the material's
/// investments in declaration order.
pub struct SlotLayout {
    /// For each material, the names of its slots.
    pub names: Vec<Vec<String>>,
}

impl SlotLayout {
    /// The layout for these materials and investments.
    pub fn new(materials: &[Material], investments: &[Investment]) -> Self {
        let mut names: Vec<Vec<String>> = materials
            .iter()
            .map(|m| m.suppliers.iter().map(|s| s.name.clone()).collect())
            .collect();
        for inv in investments {
            names[inv.material].push(inv.name.clone());
        }
        SlotLayout { names }
    }

    /// Resolve supplier names × material names (None = every material the
    /// supplier serves) into slot pairs; unknown names are errors.
    fn targets(
        &self,
        t: &Table<'_>,
        key: &str,
        suppliers: &[String],
        mats: Option<&[String]>,
        materials: &[Material],
    ) -> Option<Vec<(usize, usize)>> {
        let mut ok = true;
        let mut mat_idx = Vec::new();
        match mats {
            None => mat_idx.extend(0..materials.len()),
            Some(list) => {
                for m in list {
                    match materials.iter().position(|x| &x.name == m) {
                        Some(i) => mat_idx.push(i),
                        None => {
                            let mkey = if t.has("materials") {
                                "materials"
                            } else {
                                "material"
                            };
                            t.error_at_key(
                                mkey,
                                format!("material {m:?}"),
                                format!(
                                    "the name of a material: one of {:?}",
                                    materials
                                        .iter()
                                        .map(|x| x.name.as_str())
                                        .collect::<Vec<_>>()
                                ),
                            );
                            ok = false;
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        for s in suppliers {
            let mut found = false;
            let mut anywhere = false;
            for (mi, slots) in self.names.iter().enumerate() {
                if let Some(j) = slots.iter().position(|n| n == s) {
                    anywhere = true;
                    if mat_idx.contains(&mi) {
                        out.push((mi, j));
                        found = true;
                    }
                }
            }
            if !anywhere {
                let all: Vec<&str> = {
                    let mut v: Vec<&str> =
                        self.names.iter().flatten().map(String::as_str).collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                };
                t.error_at_key(
                    key,
                    format!("supplier {s:?}"),
                    format!("the name of a supplier or investment: one of {all:?}"),
                );
                ok = false;
            } else if !found && mats.is_some() {
                t.error_at_key(
                    key,
                    format!("supplier {s:?}, which supplies none of the materials named"),
                    "a supplier of at least one of the named materials".into(),
                );
                ok = false;
            }
        }
        if ok && out.is_empty() {
            t.error(
                "a disruption that hits no supplier of any material".into(),
                "at least one supplier × material pair".into(),
            );
            ok = false;
        }
        out.sort_unstable();
        out.dedup();
        ok.then_some(out)
    }
}

/// Month index of `m` relative to `start` (may be negative).
pub fn offset(start: YearMonth, m: YearMonth) -> i64 {
    start.months_until(m)
}

//! The insured portfolio: one row per policy, read from CSV with every problem
//! reported by file, line and column.

use std::collections::{BTreeMap, HashMap};

use levee_scenario::{CsvRow, CsvTable};
use levee_units::{Currency, Dimension, FxTable, parse_quantity};

/// Peril bit: commercial default of the obligor (insolvency, protracted default).
pub const COMMERCIAL: u8 = 1;
/// Peril bit: transfer and convertibility restriction in the obligor's country.
pub const TRANSFER: u8 = 2;
/// Peril bit: expropriation.
pub const EXPROPRIATION: u8 = 4;
/// Peril bit: war, revolution and civil disturbance.
pub const WAR: u8 = 8;

/// Peril names in CSV `perils` cells and in `[insurance.countries.*]`.
pub const PERIL_NAMES: [(&str, u8); 4] = [
    ("commercial", COMMERCIAL),
    ("transfer", TRANSFER),
    ("expropriation", EXPROPRIATION),
    ("war", WAR),
];

/// Insurance products, with the perils each covers unless the row says otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Product {
    /// Export credit insurance (short and medium/long term).
    ExportCredit,
    /// Overseas investment insurance (political risks of an equity stake).
    OverseasInvestment,
    /// Loan guarantee / buyer-credit insurance of a bank loan.
    LoanGuarantee,
    /// Untied loan insurance.
    UntiedLoan,
    /// Reinsurance of another ECA's policy.
    Reinsurance,
}

impl Product {
    /// All products with their CSV names.
    pub const ALL: [(&'static str, Product); 5] = [
        ("export_credit", Product::ExportCredit),
        ("overseas_investment", Product::OverseasInvestment),
        ("loan_guarantee", Product::LoanGuarantee),
        ("untied_loan", Product::UntiedLoan),
        ("reinsurance", Product::Reinsurance),
    ];

    /// CSV name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, p)| *p == self)
            .map_or("?", |(n, _)| n)
    }

    /// Perils covered by default. Overseas investment insurance covers
    /// political risks only; the credit products cover commercial default,
    /// transfer restriction and war; loan guarantees cover all four.
    pub fn default_perils(self) -> u8 {
        match self {
            Product::ExportCredit | Product::UntiedLoan | Product::Reinsurance => {
                COMMERCIAL | TRANSFER | WAR
            }
            Product::OverseasInvestment => TRANSFER | EXPROPRIATION | WAR,
            Product::LoanGuarantee => COMMERCIAL | TRANSFER | EXPROPRIATION | WAR,
        }
    }
}

/// One insurance policy, in the reporting currency.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Unique id.
    pub id: String,
    /// Obligor (buyer, borrower or project company); policies on one obligor default together.
    pub obligor: String,
    /// Country index into the model's country table.
    pub country: usize,
    /// Sector index into the model's sector table.
    pub sector: usize,
    /// Product.
    pub product: Product,
    /// Insured exposure (exposure × insured share) in the reporting currency.
    pub exposure: f64,
    /// Annual probability of commercial default.
    pub pd: f64,
    /// Mean loss given claim, as a fraction of the insured exposure.
    pub lgd: f64,
    /// LGD dispersion δ = Var/(μ(1−μ)) in [0, 1); 0 means a fixed LGD.
    pub lgd_dispersion: f64,
    /// Remaining tenor in years.
    pub tenor_years: f64,
    /// Premium rate per year on the insured exposure.
    pub premium_rate: f64,
    /// Covered perils (bit set of [`COMMERCIAL`], [`TRANSFER`], [`EXPROPRIATION`], [`WAR`]).
    pub perils: u8,
    /// Whether the policy belongs to the pipeline of new business.
    pub pipeline: bool,
}

/// What the CSV reader needs from the rest of the section.
pub struct ReadContext<'a> {
    /// Reporting currency.
    pub currency: Currency,
    /// FX rates of the scenario.
    pub fx: &'a FxTable,
    /// Rating → annual PD.
    pub ratings: &'a BTreeMap<String, f64>,
    /// Country name → index.
    pub countries: &'a BTreeMap<String, usize>,
    /// Sector name → index.
    pub sectors: &'a BTreeMap<String, usize>,
}

/// Ids and obligor attributes seen so far (shared by the book and the pipeline).
#[derive(Default)]
pub struct Seen {
    ids: HashMap<String, String>,
    obligors: HashMap<String, (f64, usize, usize, String)>,
}

fn money_cell(csv: &CsvTable, row: &CsvRow, col: usize, ctx: &ReadContext) -> Option<f64> {
    let t = csv.text(row, col);
    match parse_quantity(t) {
        Ok(q) => match q.dim {
            Dimension::Money(c) => match ctx.fx.rate(c, ctx.currency) {
                Ok(r) if q.value > 0.0 => Some(q.value * r),
                Ok(_) => {
                    csv.error(
                        row,
                        col,
                        format!("{t:?}"),
                        "a positive amount of money (negative or zero exposure)".into(),
                    );
                    None
                }
                Err(e) => {
                    csv.error(
                        row,
                        col,
                        format!("{t:?}"),
                        format!("an amount convertible to {}: {e}", ctx.currency),
                    );
                    None
                }
            },
            d => {
                csv.error(
                    row,
                    col,
                    format!("{t:?}, which is {d}"),
                    "an amount of money with its currency, e.g. \"$250m\" (unit mismatch)".into(),
                );
                None
            }
        },
        Err(e) => {
            csv.error(
                row,
                col,
                format!("{t:?} ({e})"),
                "an amount of money with its currency, e.g. \"$250m\"".into(),
            );
            None
        }
    }
}

fn probability_cell(csv: &CsvTable, row: &CsvRow, col: usize) -> Option<f64> {
    let t = csv.text(row, col);
    let v = match parse_quantity(t) {
        Ok(q) if q.dim == Dimension::Ratio => q.value,
        _ => {
            csv.error(
                row,
                col,
                format!("{t:?}"),
                "a probability strictly between 0 and 1 (PD outside (0,1))".into(),
            );
            return None;
        }
    };
    if v > 0.0 && v < 1.0 {
        Some(v)
    } else {
        csv.error(
            row,
            col,
            format!("{v}"),
            "a probability strictly between 0 and 1 (PD outside (0,1))".into(),
        );
        None
    }
}

fn ratio_cell(
    csv: &CsvTable,
    row: &CsvRow,
    col: usize,
    lo: f64,
    hi: f64,
    what: &str,
) -> Option<f64> {
    let t = csv.text(row, col);
    match parse_quantity(t) {
        Ok(q) if q.dim == Dimension::Ratio && q.value >= lo && q.value <= hi => Some(q.value),
        _ => {
            csv.error(
                row,
                col,
                format!("{t:?}"),
                format!("{what} between {lo} and {hi}"),
            );
            None
        }
    }
}

/// Read every row of a portfolio CSV into `out`. Problems are recorded in the
/// CSV table (move them into the scenario with `Scenario::absorb`).
pub fn read_policies(
    csv: &CsvTable,
    ctx: &ReadContext,
    pipeline: bool,
    seen: &mut Seen,
    out: &mut Vec<Policy>,
) {
    let file = csv.path().display().to_string();
    let c_id = csv.column("id");
    let c_ob = csv.column("obligor");
    let c_country = csv.column("country");
    let c_sector = csv.column("sector");
    let c_product = csv.column("product");
    let c_exp = csv.column("exposure");
    let c_lgd = csv.column("lgd");
    let c_tenor = csv.column("tenor");
    let c_prem = csv.column("premium_rate");
    let c_pd = csv.opt_column("pd");
    let c_rating = csv.opt_column("rating");
    let c_share = csv.opt_column("insured_share");
    let c_disp = csv.opt_column("lgd_dispersion");
    let c_perils = csv.opt_column("perils");
    if c_pd.is_none() && c_rating.is_none() {
        // Reported as a missing column "pd" (the error names the alternative).
        csv.column("pd or rating");
    }
    let (
        Some(c_id),
        Some(c_ob),
        Some(c_country),
        Some(c_sector),
        Some(c_product),
        Some(c_exp),
        Some(c_lgd),
        Some(c_tenor),
        Some(c_prem),
    ) = (
        c_id, c_ob, c_country, c_sector, c_product, c_exp, c_lgd, c_tenor, c_prem,
    )
    else {
        return;
    };
    if c_pd.is_none() && c_rating.is_none() {
        return;
    }
    for row in csv.rows() {
        let id = csv.req_text(row, c_id);
        if let Some(id) = &id {
            let here = format!("{file}:{}", row.line);
            if let Some(first) = seen.ids.get(id) {
                csv.error(
                    row,
                    c_id,
                    format!("duplicate id {id:?} (first at {first})"),
                    "a unique policy id".into(),
                );
            } else {
                seen.ids.insert(id.clone(), here);
            }
        }
        let obligor = csv.req_text(row, c_ob);
        let country = csv
            .req_text(row, c_country)
            .and_then(|c| match ctx.countries.get(&c) {
                Some(&i) => Some(i),
                None => {
                    let known: Vec<&str> = ctx.countries.keys().map(String::as_str).collect();
                    csv.error(
                        row,
                        c_country,
                        format!("unknown country {c:?}"),
                        format!(
                            "a country of the factor table [insurance.countries] (one of {})",
                            known.join(", ")
                        ),
                    );
                    None
                }
            });
        let sector = csv
            .req_text(row, c_sector)
            .and_then(|s| match ctx.sectors.get(&s) {
                Some(&i) => Some(i),
                None => {
                    let known: Vec<&str> = ctx.sectors.keys().map(String::as_str).collect();
                    csv.error(
                        row,
                        c_sector,
                        format!("unknown sector {s:?}"),
                        format!(
                            "a sector of the factor table [insurance.sectors] (one of {})",
                            known.join(", ")
                        ),
                    );
                    None
                }
            });
        let product = csv.req_text(row, c_product).and_then(|p| {
            match Product::ALL.iter().find(|(n, _)| *n == p) {
                Some((_, pr)) => Some(*pr),
                None => {
                    let names: Vec<&str> = Product::ALL.iter().map(|(n, _)| *n).collect();
                    csv.error(
                        row,
                        c_product,
                        format!("{p:?}"),
                        format!("one of {}", names.join(", ")),
                    );
                    None
                }
            }
        });
        let exposure = money_cell(csv, row, c_exp, ctx);
        let share = match c_share {
            Some(c) if !csv.text(row, c).is_empty() => {
                ratio_cell(csv, row, c, 0.0, 1.0, "an insured share")
            }
            _ => Some(1.0),
        };
        let pd = match (c_pd, c_rating) {
            (Some(c), _) if !csv.text(row, c).is_empty() => probability_cell(csv, row, c),
            (_, Some(c)) if !csv.text(row, c).is_empty() => {
                let r = csv.text(row, c);
                match ctx.ratings.get(r) {
                    Some(&p) => Some(p),
                    None => {
                        let known: Vec<&str> = ctx.ratings.keys().map(String::as_str).collect();
                        csv.error(
                            row,
                            c,
                            format!("rating {r:?}"),
                            format!(
                                "a rating of [insurance.ratings] (one of {})",
                                known.join(", ")
                            ),
                        );
                        None
                    }
                }
            }
            (Some(c), _) | (None, Some(c)) => {
                csv.error(
                    row,
                    c,
                    "an empty cell".into(),
                    "a PD (column pd) or a rating (column rating)".into(),
                );
                None
            }
            (None, None) => None,
        };
        let lgd = ratio_cell(csv, row, c_lgd, 0.0, 1.0, "a loss given default");
        let disp = match c_disp {
            Some(c) if !csv.text(row, c).is_empty() => {
                ratio_cell(csv, row, c, 0.0, 0.95, "an LGD dispersion Var/(μ(1−μ))")
            }
            _ => Some(0.0),
        };
        let tenor = {
            let t = csv.text(row, c_tenor);
            match parse_quantity(t) {
                Ok(q) if q.dim == Dimension::Days && q.value > 0.0 && q.value <= 50.0 * 365.25 => {
                    Some(q.value / 365.25)
                }
                _ => {
                    csv.error(
                        row,
                        c_tenor,
                        format!("{t:?}"),
                        "a tenor such as \"5 years\" or \"18 months\" (at most 50 years)".into(),
                    );
                    None
                }
            }
        };
        let prem = ratio_cell(csv, row, c_prem, 0.0, 1.0, "a premium rate per year");
        let perils = match c_perils {
            Some(c) if !csv.text(row, c).is_empty() => {
                let mut bits = 0u8;
                let mut ok = true;
                for name in csv
                    .text(row, c)
                    .split(['|', ';', ' '])
                    .filter(|s| !s.is_empty())
                {
                    match PERIL_NAMES.iter().find(|(n, _)| *n == name) {
                        Some((_, b)) => bits |= b,
                        None => {
                            csv.error(row, c, format!("peril {name:?}"), "perils among commercial, transfer, expropriation, war separated by |".into());
                            ok = false;
                        }
                    }
                }
                ok.then_some(bits)
            }
            _ => product.map(Product::default_perils),
        };
        if let (Some(lgd), Some(d)) = (lgd, disp)
            && d > 0.0
            && !(lgd > 0.0 && lgd < 1.0)
        {
            csv.error(
                row,
                c_lgd,
                format!("{lgd} with dispersion {d}"),
                "an LGD mean strictly between 0 and 1 when lgd_dispersion > 0".into(),
            );
        }
        let (
            Some(id),
            Some(obligor),
            Some(country),
            Some(sector),
            Some(product),
            Some(exposure),
            Some(share),
            Some(pd),
            Some(lgd),
            Some(disp),
            Some(tenor),
            Some(prem),
            Some(perils),
        ) = (
            id, obligor, country, sector, product, exposure, share, pd, lgd, disp, tenor, prem,
            perils,
        )
        else {
            continue;
        };
        match seen.obligors.get(&obligor) {
            Some((p0, c0, s0, first)) => {
                if *p0 != pd || *c0 != country || *s0 != sector {
                    csv.error(row, c_ob, format!("obligor {obligor:?} with a different PD, country or sector than at {first}"), "one PD, country and sector per obligor (its policies default together)".into());
                    continue;
                }
            }
            None => {
                seen.obligors.insert(
                    obligor.clone(),
                    (pd, country, sector, format!("{file}:{}", row.line)),
                );
            }
        }
        out.push(Policy {
            id,
            obligor,
            country,
            sector,
            product,
            exposure: exposure * share,
            pd,
            lgd,
            lgd_dispersion: disp,
            tenor_years: tenor,
            premium_rate: prem,
            perils,
            pipeline,
        });
    }
}

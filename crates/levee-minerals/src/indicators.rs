//! Static supply-risk indicators from the normal supply structure.
//!
//! Shares are each supplier's share of normal supply in the first month of
//! the horizon (capacity suppliers included, investments excluded).

use crate::config::{Flow, Material};

/// Static indicators of one material.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Indicators {
    /// Herfindahl–Hirschman index Σ sᵢ² on the 0–1 scale.
    pub hhi: f64,
    /// Import reliance: share of supply from non-domestic suppliers
    /// (no exports are modelled, so (imports − exports)/(domestic + imports − exports) = imports/supply).
    pub import_reliance: f64,
    /// EU-style supply risk, if every supplier has a WGI score.
    pub supply_risk: Option<f64>,
}

/// Each supplier's share of normal supply at demand `d`.
pub fn supply_shares(m: &Material, d: f64) -> Vec<f64> {
    let cap: f64 = m
        .suppliers
        .iter()
        .map(|s| match s.flow {
            Flow::Capacity(c) => c,
            Flow::Share(_) => 0.0,
        })
        .sum();
    let share_total = m.share_total();
    let residual = (d - cap).max(0.0);
    let flows: Vec<f64> = m
        .suppliers
        .iter()
        .map(|s| match s.flow {
            Flow::Capacity(c) => c,
            Flow::Share(x) => x / share_total * residual,
        })
        .collect();
    let total: f64 = flows.iter().sum();
    if total > 0.0 {
        flows.iter().map(|f| f / total).collect()
    } else {
        vec![0.0; flows.len()]
    }
}

/// HHI, import reliance and the EU supply-risk score (JRC 2017 method, minerals-methods.md §4):
/// SR = [HHI_WGI,t(GS)·IR/2 + HHI_WGI,t(sourcing)·(1 − IR/2)]·(1 − EoL_RIR)·SI_SR with
/// HHI_WGI,t = Σ sᵢ²·WGIᵢ·tᵢ. Levee has one supplier list per material (the
/// country's sourcing), so the global-supply term uses the same shares: SR =
/// HHI_WGI,t·(1 − EoL_RIR)·SI_SR. Documented as a simplification.
///
/// ```
/// use levee_minerals::{indicators, Material, Supplier, Flow};
/// use levee_units::Dated;
/// let sup = |name: &str, share: f64, wgi: f64, domestic: bool| Supplier {
///     name: name.into(), flow: Flow::Share(share), spare: 0.0, surge_lag: 0,
///     domestic, wgi: Some(wgi), trade_factor: 1.0,
/// };
/// let m = Material {
///     name: "X".into(), demand: Dated::constant(10.0), growth: 0.0, price: 1.0,
///     suppliers: vec![sup("A", 0.75, 6.0, false), sup("B", 0.25, 2.0, true)],
///     stockpile: None, eol_rir: 0.0, substitution: 1.0,
/// };
/// let i = indicators(&m, 10.0);
/// assert_eq!(i.hhi, 0.625);
/// assert_eq!(i.import_reliance, 0.75);
/// assert_eq!(i.supply_risk, Some(0.5625 * 6.0 + 0.0625 * 2.0));
/// ```
pub fn indicators(m: &Material, d: f64) -> Indicators {
    let shares = supply_shares(m, d);
    let hhi = shares.iter().map(|s| s * s).sum();
    let import_reliance = shares
        .iter()
        .zip(&m.suppliers)
        .filter(|(_, s)| !s.domestic)
        .map(|(x, _)| *x)
        .sum();
    let supply_risk = m
        .suppliers
        .iter()
        .zip(&shares)
        .map(|(s, x)| s.wgi.map(|w| x * x * w * s.trade_factor))
        .sum::<Option<f64>>()
        .map(|h| h * (1.0 - m.eol_rir) * m.substitution);
    Indicators {
        hhi,
        import_reliance,
        supply_risk,
    }
}

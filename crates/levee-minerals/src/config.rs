//! The validated inputs of the minerals model, in canonical units.
//!
//! Flows are tonnes per month, money is in the reporting currency, durations
//! are whole months. Everything here has passed the reader's checks, so the
//! simulation never needs to re-validate.

use levee_units::{Dated, YearMonth};

/// One material (e.g. NdPr oxide).
#[derive(Clone, Debug, PartialEq)]
pub struct Material {
    /// Name, unique in the section.
    pub name: String,
    /// Base demand in t/month, possibly changing at stated months.
    pub demand: Dated<f64>,
    /// Annual growth rate applied on top of `demand`: D(t) = base(t)·(1+g)^(t/12).
    pub growth: f64,
    /// Value of one tonne of unmet demand, reporting currency per tonne.
    pub price: f64,
    /// Normal suppliers.
    pub suppliers: Vec<Supplier>,
    /// National stockpile, if any.
    pub stockpile: Option<Stockpile>,
    /// End-of-life recycling input rate (EU supply-risk formula), 0–1.
    pub eol_rir: f64,
    /// Substitution index for supply risk (EU formula), 0–1 (1 = no substitute).
    pub substitution: f64,
}

impl Material {
    /// Sum of the suppliers' shares (capacity suppliers count 0). Validation
    /// keeps it within 1e-6 of 1; users normalise by it.
    pub fn share_total(&self) -> f64 {
        self.suppliers
            .iter()
            .map(|s| match s.flow {
                Flow::Share(x) => x,
                Flow::Capacity(_) => 0.0,
            })
            .sum()
    }
}

/// How a supplier's normal flow is stated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Flow {
    /// A share of the demand left after capacity suppliers.
    Share(f64),
    /// A fixed capacity in t/month.
    Capacity(f64),
}

/// A supplier of one material.
#[derive(Clone, Debug, PartialEq)]
pub struct Supplier {
    /// Name (a country or company); processes and events refer to it.
    pub name: String,
    /// Normal flow.
    pub flow: Flow,
    /// Spare capacity that can surge, t/month.
    pub spare: f64,
    /// Months a disruption of the material must have lasted before the surge starts.
    pub surge_lag: u32,
    /// Whether this is domestic production (for import reliance).
    pub domestic: bool,
    /// WGI governance score rescaled to 0–10 (higher = worse), if stated.
    pub wgi: Option<f64>,
    /// EU trade-restriction factor t_c (1 = none).
    pub trade_factor: f64,
}

/// A national stockpile of one material.
#[derive(Clone, Debug, PartialEq)]
pub struct Stockpile {
    /// Initial level, days of consumption at the first month's demand.
    pub initial_days: f64,
    /// Target level, days of the current month's consumption.
    pub target_days: f64,
    /// Months a shortfall spell must have lasted before releases start (0 = at once).
    pub release_lag: u32,
    /// Largest release per month, t/month (∞ = unlimited).
    pub max_release: f64,
    /// Releases start only when the gap exceeds this share of demand.
    pub release_threshold: f64,
    /// Largest purchase per month, t/month (∞ = unlimited).
    pub refill_rate: f64,
    /// Purchase price, reporting currency per tonne.
    pub price: f64,
    /// Purchase budget per fiscal year, reporting currency (∞ = unlimited).
    pub budget: f64,
    /// Holding cost per year as a share of the stock's value at `price`.
    pub holding_rate: f64,
}

/// A random disruption process.
#[derive(Clone, Debug, PartialEq)]
pub enum Process {
    /// Two-state Markov chain, monthly.
    Markov {
        /// P(up → down) per month.
        alpha: f64,
        /// P(down → up) per month.
        beta: f64,
        /// Share of the flow cut while down.
        severity: f64,
        /// Start in the stationary distribution (else up).
        stationary: bool,
    },
    /// Poisson arrivals of episodes with random duration and severity.
    Arrivals {
        /// Expected episodes per year.
        rate_per_year: f64,
        /// Episode length in months.
        duration: Duration,
        /// Share cut: uniform on `[min, max]` (a point if equal).
        severity_min: f64,
        /// Upper end of the severity range.
        severity_max: f64,
    },
}

/// Distribution of an episode's length in whole months (at least 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Duration {
    /// Exactly this many months.
    Fixed(u32),
    /// Geometric on {1, 2, …} with this mean (≥ 1).
    Geometric(f64),
    /// ⌈median·exp(σZ)⌉, at least 1.
    Lognormal {
        /// Median length in months.
        median: f64,
        /// Log-scale standard deviation.
        sigma: f64,
    },
}

/// A process acting on a set of (material, supplier-slot) pairs.
#[derive(Clone, Debug, PartialEq)]
pub struct Disruption {
    /// Label for messages and output.
    pub name: String,
    /// The random process.
    pub process: Process,
    /// Pairs (material index, slot index) hit together.
    pub targets: Vec<(usize, usize)>,
}

/// A scheduled stress event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Supplier (or investment) name.
    pub supplier: String,
    /// First month of the cut.
    pub start: YearMonth,
    /// Length in months.
    pub months: u32,
    /// Share of the flow cut.
    pub cut: f64,
    /// Pairs (material index, slot index) hit.
    pub targets: Vec<(usize, usize)>,
}

/// A diversification investment adding capacity for one material.
#[derive(Clone, Debug, PartialEq)]
pub struct Investment {
    /// Name; processes and events may target it like a supplier.
    pub name: String,
    /// Material index.
    pub material: usize,
    /// Capital expenditure, reporting currency.
    pub capex: f64,
    /// Month the decision (and the capex) is made.
    pub decision: YearMonth,
    /// Months from decision to first delivery.
    pub lead_months: u32,
    /// Capacity delivered once online, t/month.
    pub capacity: f64,
    /// Probability the project delivers (one draw per path).
    pub success: f64,
    /// Spare capacity that can surge, t/month.
    pub spare: f64,
    /// Surge lag in months.
    pub surge_lag: u32,
}

/// Everything read from `[minerals]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Materials.
    pub materials: Vec<Material>,
    /// Investments.
    pub investments: Vec<Investment>,
    /// Random processes (per-supplier processes first, then common shocks).
    pub disruptions: Vec<Disruption>,
    /// Number of leading entries of `disruptions` that are per-supplier processes.
    pub n_supplier_processes: usize,
    /// Scheduled events.
    pub events: Vec<Event>,
    /// First month of the fiscal year (4 for Japan).
    pub fiscal_year_start: u8,
    /// Cap on reported days of cover.
    pub cover_cap_days: f64,
    /// Number of bins of the stockpile fan histogram.
    pub fan_bins: usize,
}

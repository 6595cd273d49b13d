//! The models Levee knows, by scenario section.

use levee_engine::{Control, EngineError};
use levee_model::{ModelOutput, RunSettings, ScenarioContext};
use levee_scenario::Table;

/// A validated model, ready to run.
pub trait RunnableModel: Send + Sync {
    /// Run on the engine.
    fn run(&self, settings: &RunSettings, control: &Control) -> Result<ModelOutput, EngineError>;
}

/// A scenario section and the model that reads it.
pub struct ModelEntry {
    /// Section name, e.g. `minerals`.
    pub section: &'static str,
    /// One line for `levee --help` and docs.
    pub about: &'static str,
    /// Peak memory per path in bytes, measured at 1,000,000 paths on the
    /// flagship example (docs/PERFORMANCE.md); used to refuse runs that cannot fit.
    pub bytes_per_path: u64,
    /// Read and validate the section.
    pub build: fn(&Table, &ScenarioContext) -> Option<Box<dyn RunnableModel>>,
}

macro_rules! runnable {
    ($ty:ty) => {
        impl RunnableModel for $ty {
            fn run(
                &self,
                settings: &RunSettings,
                control: &Control,
            ) -> Result<ModelOutput, EngineError> {
                <$ty>::run(self, settings, control)
            }
        }
    };
}

runnable!(levee_minerals::MineralsModel);
runnable!(levee_insurance::InsuranceModel);
runnable!(levee_funding::FundingModel);

fn boxed<M: RunnableModel + 'static>(m: Option<M>) -> Option<Box<dyn RunnableModel>> {
    m.map(|m| Box::new(m) as Box<dyn RunnableModel>)
}

/// Peak resident memory per path of the insurance model: measured 98 bytes
/// (`/usr/bin/time -f %M` of `levee run examples/japan-2025.toml --only
/// insurance`, 13.9 MB at 100,000 paths and 53.1 MB at 500,000, importance
/// sampling; docs/PERFORMANCE.md), rounded up. Per-policy sums are per chunk,
/// so the book's size does not scale with the paths.
const INSURANCE_BYTES_PER_PATH: u64 = 128;

/// Every model, in the order they run and appear in outputs.
pub const MODELS: &[ModelEntry] = &[
    ModelEntry {
        section: "minerals",
        about: "critical-minerals supply security: shortfalls, stockpiles, diversification",
        bytes_per_path: 170,
        build: |t, c| boxed(levee_minerals::MineralsModel::from_scenario(t, c)),
    },
    ModelEntry {
        section: "insurance",
        about: "trade and investment insurance: portfolio losses, capital, underwriting capacity",
        bytes_per_path: INSURANCE_BYTES_PER_PATH,
        build: |t, c| boxed(levee_insurance::InsuranceModel::from_scenario(t, c)),
    },
    ModelEntry {
        section: "funding",
        about: "funding programs: steady vs ad hoc budgets for long-cycle projects",
        bytes_per_path: 260,
        build: |t, c| boxed(levee_funding::FundingModel::from_scenario(t, c)),
    },
];

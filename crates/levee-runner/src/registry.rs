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
    /// Read and validate the section.
    pub build: fn(&Table, &ScenarioContext) -> Option<Box<dyn RunnableModel>>,
}

/// Every model, in the order they run and appear in outputs.
pub const MODELS: &[ModelEntry] = &[];

//! Scenario files for Levee.
//!
//! A scenario is a TOML file. Models read it through a [`Table`] reader that
//! records every problem as a [`Diagnostic`] (file, line, column, field path,
//! what was found, what was expected) and keeps going, so that a user sees all
//! errors at once. Unknown keys get a "did you mean".
//!
//! Conventions every model follows:
//! - A quantity with a unit is a string: `demand = "1,200 t/yr"`, `capex = "¥40bn"`.
//!   Bare numbers are accepted only for ratios and probabilities.
//! - Any quantity may be written as a table carrying provenance:
//!   `share = { value = 0.7, source = "JOGMEC via WSJ, 2025 <https://…>" }` or
//!   `{ value = "60 days", assumption = "JOGMEC's general target" }`.
//! - A quantity may change over time: `value = { "2025-04" = "100 t/month", "2027-04" = "120 t/month" }`
//!   (each value in force from its month until the next).
//! - Large tables live in CSV files referenced by a path relative to the scenario.
//!
//! ```
//! use levee_scenario::{Scenario, Dimension};
//! let sc = Scenario::from_str("demo.toml", "[m]\nshare = 0.6\ndemand = \"12 t/yr\"\n").unwrap();
//! let root = sc.root();
//! let m = root.table("m").unwrap();
//! assert_eq!(m.ratio("share", 0.0, 1.0), Some(0.6));
//! assert_eq!(m.quantity("demand", Dimension::TonnesPerMonth, 0.0, f64::MAX), Some(1.0));
//! drop((m, root)); // unknown keys are reported when a table reader is dropped
//! assert!(sc.into_result().is_ok());
//! ```

mod csvfile;
mod diagnostic;
mod reader;
mod reform;
mod section;

pub use csvfile::{CsvRow, CsvTable};
pub use diagnostic::{Diagnostic, Diagnostics};
pub use levee_units::Dimension;
pub use reader::{Provenance, Scenario, Table};
pub use reform::{Change, Reform};
pub use section::section_text;

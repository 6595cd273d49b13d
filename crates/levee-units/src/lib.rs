//! Typed quantities for Levee.
//!
//! Units are types: money carries its [`Currency`] and converts only through an
//! explicit [`FxTable`]; mass is [`Tonnes`]; time is a dated [`YearMonth`] or a
//! [`FiscalYear`]. Scenario text such as `"¥93.7bn"`, `"1,200 t/yr"` or
//! `"18 months"` is read by [`parse_quantity`] into a [`Quantity`] whose
//! [`Dimension`] is checked against what a field expects.

mod date;
mod dated;
mod money;
mod quantity;

pub use date::{FiscalYear, YearMonth};
pub use dated::{Dated, DatedError};
pub use money::{Currency, FxError, FxTable, Money};
pub use quantity::{Dimension, Quantity, UnitError, parse_quantity};

/// A mass in metric tonnes.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Default, serde::Serialize)]
pub struct Tonnes(pub f64);

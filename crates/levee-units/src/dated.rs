//! Values that change over time, in the manner of OpenFisca parameters:
//! each value is in force from its date until the next one.

use crate::YearMonth;

/// A parameter whose value changes at stated months.
#[derive(Clone, Debug, PartialEq)]
pub struct Dated<T> {
    steps: Vec<(YearMonth, T)>,
}

/// Why a dated series is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatedError {
    /// No entries.
    #[error("a dated value needs at least one entry")]
    Empty,
    /// Dates not strictly increasing.
    #[error("dates must be strictly increasing: {later} does not come after {earlier}")]
    OutOfOrder {
        /// The earlier entry.
        earlier: YearMonth,
        /// The entry that should be later.
        later: YearMonth,
    },
}

impl<T> Dated<T> {
    /// A value in force at all times.
    pub fn constant(v: T) -> Self {
        Dated {
            steps: vec![(
                YearMonth {
                    year: 1900,
                    month: 1,
                },
                v,
            )],
        }
    }

    /// A step function from `(start month, value)` entries in increasing date order.
    pub fn from_steps(steps: Vec<(YearMonth, T)>) -> Result<Self, DatedError> {
        if steps.is_empty() {
            return Err(DatedError::Empty);
        }
        for w in steps.windows(2) {
            if w[1].0 <= w[0].0 {
                return Err(DatedError::OutOfOrder {
                    earlier: w[0].0,
                    later: w[1].0,
                });
            }
        }
        Ok(Dated { steps })
    }

    /// The value in force in month `m`. Before the first date, the first value
    /// applies (a series is read as "from the start of the horizon").
    ///
    /// ```
    /// use levee_units::{Dated, YearMonth};
    /// let ym = |s| YearMonth::parse(s).unwrap();
    /// let d = Dated::from_steps(vec![(ym("2025-04"), 1.0), (ym("2027-04"), 2.0)]).unwrap();
    /// assert_eq!(*d.at(ym("2026-12")), 1.0);
    /// assert_eq!(*d.at(ym("2027-04")), 2.0);
    /// assert_eq!(*d.at(ym("2020-01")), 1.0);
    /// ```
    pub fn at(&self, m: YearMonth) -> &T {
        let i = self.steps.partition_point(|(d, _)| *d <= m);
        &self.steps[i.saturating_sub(1)].1
    }

    /// The entries.
    pub fn steps(&self) -> &[(YearMonth, T)] {
        &self.steps
    }

    /// Apply `f` to every value.
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> Dated<U> {
        Dated {
            steps: self.steps.iter().map(|(d, v)| (*d, f(v))).collect(),
        }
    }
}

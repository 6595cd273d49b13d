//! Calendar months and fiscal years.

use std::fmt;

/// A calendar month, the time step of Levee's monthly models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// Calendar year.
    pub year: i32,
    /// Month, 1 = January … 12 = December.
    pub month: u8,
}

impl YearMonth {
    /// A month, or `None` if `month` is not in 1..=12 or the year is outside 1900..=2300.
    pub fn new(year: i32, month: u8) -> Option<Self> {
        ((1..=12).contains(&month) && (1900..=2300).contains(&year))
            .then_some(YearMonth { year, month })
    }

    /// Parse `"YYYY-MM"`.
    ///
    /// ```
    /// use levee_units::YearMonth;
    /// let m = YearMonth::parse("2025-04").unwrap();
    /// assert_eq!((m.year, m.month), (2025, 4));
    /// assert!(YearMonth::parse("2025-13").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        YearMonth::new(y.parse().ok()?, m.parse().ok()?)
    }

    /// Months since year 0, a linear index.
    pub fn index(self) -> i64 {
        self.year as i64 * 12 + (self.month as i64 - 1)
    }

    /// The month `n` months later (earlier if negative).
    pub fn plus_months(self, n: i64) -> Self {
        let i = self.index() + n;
        YearMonth {
            year: i.div_euclid(12) as i32,
            month: (i.rem_euclid(12) + 1) as u8,
        }
    }

    /// Whole months from `self` to `later` (negative if `later` is earlier).
    ///
    /// ```
    /// use levee_units::YearMonth;
    /// let a = YearMonth::parse("2025-04").unwrap();
    /// let b = YearMonth::parse("2027-01").unwrap();
    /// assert_eq!(a.months_until(b), 21);
    /// assert_eq!(a.plus_months(21), b);
    /// ```
    pub fn months_until(self, later: YearMonth) -> i64 {
        later.index() - self.index()
    }

    /// The fiscal year containing this month, for fiscal years starting in `start_month`.
    pub fn fiscal_year(self, start_month: u8) -> FiscalYear {
        let y = if self.month >= start_month {
            self.year
        } else {
            self.year - 1
        };
        FiscalYear {
            year: y,
            start_month,
        }
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl serde::Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A fiscal year, named by the calendar year in which it starts (Japan's FY2025
/// runs April 2025 – March 2026: `FiscalYear { year: 2025, start_month: 4 }`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FiscalYear {
    /// Calendar year in which the fiscal year starts.
    pub year: i32,
    /// First month of the fiscal year (4 for Japan).
    pub start_month: u8,
}

impl FiscalYear {
    /// The first month of the fiscal year.
    ///
    /// ```
    /// use levee_units::{FiscalYear, YearMonth};
    /// let fy = FiscalYear { year: 2025, start_month: 4 };
    /// assert_eq!(fy.first_month(), YearMonth::parse("2025-04").unwrap());
    /// assert_eq!(YearMonth::parse("2026-03").unwrap().fiscal_year(4), fy);
    /// ```
    pub fn first_month(self) -> YearMonth {
        YearMonth {
            year: self.year,
            month: self.start_month,
        }
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FY{}", self.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn plus_and_until_are_inverse(y in 1950i32..2200, m in 1u8..=12, n in -600i64..600) {
            let a = YearMonth::new(y, m).unwrap();
            let b = a.plus_months(n);
            prop_assert_eq!(a.months_until(b), n);
            prop_assert!((1..=12).contains(&b.month));
        }
    }
}

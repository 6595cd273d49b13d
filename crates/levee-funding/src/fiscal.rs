//! Japanese fiscal years (April–March), the model's time step.
//!
//! Budgets are appropriated and disbursed by fiscal year, so the funding model
//! steps one fiscal year at a time. Within a year, spending is taken to be
//! uniform over the twelve months, which is what lets a milestone or a
//! completion fall on a month rather than on a year boundary.

use levee_units::{FiscalYear, YearMonth};

/// First month of Japan's fiscal year (April).
pub const FY_START_MONTH: u8 = 4;

/// The fiscal years a run covers: every fiscal year that contains at least one
/// month of the horizon `[start, start + horizon_months)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FiscalGrid {
    /// The first fiscal year.
    pub first: FiscalYear,
    /// Number of fiscal years.
    pub years: usize,
}

impl FiscalGrid {
    /// The fiscal years covering a horizon.
    ///
    /// ```
    /// use levee_funding::FiscalGrid;
    /// use levee_units::YearMonth;
    /// let g = FiscalGrid::covering(YearMonth::parse("2025-04").unwrap(), 120);
    /// assert_eq!((g.first.year, g.years), (2025, 10));
    /// // A horizon starting in January covers the tail of the previous fiscal year.
    /// let g = FiscalGrid::covering(YearMonth::parse("2025-01").unwrap(), 12);
    /// assert_eq!((g.first.year, g.years), (2024, 2));
    /// ```
    pub fn covering(start: YearMonth, horizon_months: u32) -> Self {
        let first = start.fiscal_year(FY_START_MONTH);
        let last = start
            .plus_months(i64::from(horizon_months.max(1)) - 1)
            .fiscal_year(FY_START_MONTH);
        FiscalGrid {
            first,
            years: (last.year - first.year + 1).max(1) as usize,
        }
    }

    /// The `i`-th fiscal year of the grid.
    pub fn year(&self, i: usize) -> FiscalYear {
        FiscalYear {
            year: self.first.year + i as i32,
            start_month: FY_START_MONTH,
        }
    }

    /// The grid index of fiscal year `fy` (e.g. 2027), if it is on the grid.
    pub fn index_of(&self, fy: i32) -> Option<usize> {
        let i = fy - self.first.year;
        (i >= 0 && (i as usize) < self.years).then_some(i as usize)
    }

    /// Months from the start of the grid (the first April) to the **end** of
    /// month `m`. A milestone due in month `m` is on time if it is reached at a
    /// time not later than this.
    ///
    /// ```
    /// use levee_funding::FiscalGrid;
    /// use levee_units::YearMonth;
    /// let g = FiscalGrid::covering(YearMonth::parse("2025-04").unwrap(), 120);
    /// assert_eq!(g.months_to_end_of(YearMonth::parse("2025-04").unwrap()), 1.0);
    /// assert_eq!(g.months_to_end_of(YearMonth::parse("2028-03").unwrap()), 36.0);
    /// ```
    pub fn months_to_end_of(&self, m: YearMonth) -> f64 {
        (self.first.first_month().months_until(m) + 1) as f64
    }

    /// Length of the grid in months.
    pub fn months(&self) -> f64 {
        12.0 * self.years as f64
    }

    /// The calendar month in which time `t` (months from the grid start) falls;
    /// a time exactly at the end of a month belongs to that month.
    ///
    /// ```
    /// use levee_funding::FiscalGrid;
    /// use levee_units::YearMonth;
    /// let g = FiscalGrid::covering(YearMonth::parse("2025-04").unwrap(), 36);
    /// assert_eq!(g.month_at(36.0).to_string(), "2028-03");
    /// assert_eq!(g.month_at(0.5).to_string(), "2025-04");
    /// assert_eq!(g.month_at(0.0).to_string(), "2025-04");
    /// ```
    pub fn month_at(&self, t: f64) -> YearMonth {
        let k = (t.ceil() as i64 - 1).max(0);
        self.first.first_month().plus_months(k)
    }

    /// Label such as `"FY2025"`.
    pub fn label(&self, i: usize) -> String {
        self.year(i).to_string()
    }
}

/// Read a fiscal-year key written `"FY2025"`.
///
/// ```
/// assert_eq!(levee_funding::parse_fiscal_year("FY2026"), Some(2026));
/// assert_eq!(levee_funding::parse_fiscal_year("2026"), None);
/// assert_eq!(levee_funding::parse_fiscal_year("FY26"), None);
/// ```
pub fn parse_fiscal_year(s: &str) -> Option<i32> {
    let d = s.trim().strip_prefix("FY")?;
    if d.len() != 4 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = d.parse().ok()?;
    (1900..=2300).contains(&y).then_some(y)
}

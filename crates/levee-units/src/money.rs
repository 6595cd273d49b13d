//! Money with its currency, and explicit exchange rates.

use std::collections::BTreeMap;
use std::fmt;

/// An ISO 4217 currency code such as `JPY` or `USD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Japanese yen.
    pub const JPY: Currency = Currency(*b"JPY");
    /// US dollar.
    pub const USD: Currency = Currency(*b"USD");
    /// Euro.
    pub const EUR: Currency = Currency(*b"EUR");

    /// A currency from a three-letter upper-case code.
    ///
    /// ```
    /// use levee_units::Currency;
    /// assert_eq!(Currency::from_code("JPY"), Some(Currency::JPY));
    /// assert_eq!(Currency::from_code("yen"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Self> {
        let b = code.as_bytes();
        (b.len() == 3 && b.iter().all(|c| c.is_ascii_uppercase()))
            .then(|| Currency([b[0], b[1], b[2]]))
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        // Constructed only from ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// An amount of money in a stated currency.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Money {
    /// The amount, in units of the currency (yen, dollars).
    pub amount: f64,
    /// The currency.
    pub currency: Currency,
}

/// A currency mismatch or a missing rate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FxError {
    /// Two amounts in different currencies were combined without conversion.
    #[error("currency mismatch: {0} and {1} cannot be combined without an FX rate")]
    Mismatch(Currency, Currency),
    /// No rate in the FX table.
    #[error("no FX rate from {from} to {to}: add one to the scenario's [fx] table")]
    NoRate {
        /// Source currency.
        from: Currency,
        /// Target currency.
        to: Currency,
    },
}

impl Money {
    /// `amount` of `currency`.
    pub fn new(amount: f64, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Yen.
    pub fn jpy(amount: f64) -> Self {
        Money::new(amount, Currency::JPY)
    }

    /// The sum, if both are in the same currency.
    ///
    /// ```
    /// use levee_units::Money;
    /// let a = Money::jpy(1.0e9);
    /// assert_eq!(a.checked_add(Money::jpy(2.0e9)).unwrap().amount, 3.0e9);
    /// assert!(a.checked_add(Money::new(1.0, levee_units::Currency::USD)).is_err());
    /// ```
    pub fn checked_add(self, other: Money) -> Result<Money, FxError> {
        if self.currency != other.currency {
            return Err(FxError::Mismatch(self.currency, other.currency));
        }
        Ok(Money::new(self.amount + other.amount, self.currency))
    }
}

/// Exchange rates stated in the scenario: `units of quote per one unit of base`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FxTable {
    rates: BTreeMap<(Currency, Currency), f64>,
}

impl FxTable {
    /// An empty table: only same-currency conversions succeed.
    pub fn new() -> Self {
        Self::default()
    }

    /// State that one unit of `base` is worth `rate` units of `quote`
    /// (`USD → JPY = 150`). The inverse is implied.
    pub fn insert(&mut self, base: Currency, quote: Currency, rate: f64) {
        self.rates.insert((base, quote), rate);
    }

    /// The rate from `from` to `to`, direct or inverse.
    pub fn rate(&self, from: Currency, to: Currency) -> Result<f64, FxError> {
        if from == to {
            return Ok(1.0);
        }
        if let Some(r) = self.rates.get(&(from, to)) {
            return Ok(*r);
        }
        if let Some(r) = self.rates.get(&(to, from)) {
            return Ok(1.0 / r);
        }
        Err(FxError::NoRate { from, to })
    }

    /// Convert `m` into `to`.
    ///
    /// ```
    /// use levee_units::{Currency, FxTable, Money};
    /// let mut fx = FxTable::new();
    /// fx.insert(Currency::USD, Currency::JPY, 150.0);
    /// let yen = fx.convert(Money::new(2.0, Currency::USD), Currency::JPY).unwrap();
    /// assert_eq!(yen, Money::jpy(300.0));
    /// assert!(fx.convert(Money::new(1.0, Currency::EUR), Currency::JPY).is_err());
    /// ```
    pub fn convert(&self, m: Money, to: Currency) -> Result<Money, FxError> {
        Ok(Money::new(m.amount * self.rate(m.currency, to)?, to))
    }

    /// Whether the table has no rates.
    pub fn is_empty(&self) -> bool {
        self.rates.is_empty()
    }
}

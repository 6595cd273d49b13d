//! Quantities with units, as written in scenario files.
//!
//! Grammar (spaces optional between parts, `,` allowed as a thousands separator):
//!
//! ```text
//! quantity  := [currency] number [scale] [unit]
//! currency  := "¥" | "$" | "€" | ISO code followed by a space ("JPY 5bn")
//! scale     := "k" (1e3) | "m" | "mn" (1e6) | "bn" (1e9) | "tn" (1e12)   -- money only
//! unit      := "%" | "t" | "kt" | "t/month" | "t/yr" | "kt/yr"
//!            | "day(s)" | "month(s)" | "year(s)" | "yr"
//!            | "/t" (money per tonne) | "/yr" (money per year) | ISO code suffix ("5 USD")
//! ```
//!
//! Durations are normalised to days (a month is 365.25/12 = 30.4375 days, a year
//! 365.25 days, both exact in binary floating point); mass rates to tonnes per
//! month; percentages to fractions.

use crate::Currency;
use std::fmt;

/// What a quantity measures. Two quantities can be combined only if their
/// dimensions are equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dimension {
    /// A pure number, a ratio or a probability (`0.6`, `60%`).
    Ratio,
    /// Money in a currency.
    Money(Currency),
    /// Money per year in a currency.
    MoneyPerYear(Currency),
    /// Money per tonne in a currency.
    MoneyPerTonne(Currency),
    /// Mass in tonnes.
    Tonnes,
    /// Mass flow in tonnes per month.
    TonnesPerMonth,
    /// A duration, in days.
    Days,
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dimension::Ratio => f.write_str("a plain number or percentage"),
            Dimension::Money(c) => write!(f, "money in {c} (e.g. \"{}5bn\")", symbol(*c)),
            Dimension::MoneyPerYear(c) => {
                write!(f, "money per year in {c} (e.g. \"{}1tn/yr\")", symbol(*c))
            }
            Dimension::MoneyPerTonne(c) => {
                write!(f, "money per tonne in {c} (e.g. \"{}80m/t\")", symbol(*c))
            }
            Dimension::Tonnes => f.write_str("a mass (e.g. \"1,200 t\")"),
            Dimension::TonnesPerMonth => {
                f.write_str("a mass flow (e.g. \"100 t/month\" or \"1,200 t/yr\")")
            }
            Dimension::Days => {
                f.write_str("a duration (e.g. \"60 days\", \"18 months\", \"2 years\")")
            }
        }
    }
}

fn symbol(c: Currency) -> String {
    match c.code() {
        "JPY" => "¥".into(),
        "USD" => "$".into(),
        "EUR" => "€".into(),
        other => format!("{other} "),
    }
}

/// A value with its dimension, in Levee's canonical unit for that dimension.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    /// The value in the canonical unit (yen not billions of yen, days, tonnes per month, fraction).
    pub value: f64,
    /// What it measures.
    pub dim: Dimension,
}

/// Why a quantity string could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    /// No number where one was expected.
    #[error("no number in {0:?}")]
    NoNumber(String),
    /// A unit Levee does not know.
    #[error("unknown unit {unit:?} in {text:?}")]
    UnknownUnit {
        /// The unit text.
        unit: String,
        /// The whole input.
        text: String,
    },
    /// The number overflowed or is not finite.
    #[error("{0:?} is not a finite number")]
    NotFinite(String),
    /// A scale word on something that is not money.
    #[error("scale {scale:?} is only for money amounts, in {text:?}")]
    ScaleWithoutCurrency {
        /// The scale.
        scale: String,
        /// The whole input.
        text: String,
    },
}

const MONTH_DAYS: f64 = 365.25 / 12.0;

/// Read a quantity such as `"¥93.7bn"`, `"$550bn"`, `"1,200 t/yr"`, `"60 days"`, `"35%"`.
///
/// ```
/// use levee_units::{parse_quantity, Dimension, Currency};
/// let q = parse_quantity("¥93.7bn").unwrap();
/// assert_eq!(q.dim, Dimension::Money(Currency::JPY));
/// assert_eq!(q.value, 93.7e9);
/// let d = parse_quantity("1,200 t/yr").unwrap();
/// assert_eq!((d.value, d.dim), (100.0, Dimension::TonnesPerMonth));
/// assert_eq!(parse_quantity("18 months").unwrap().value, 18.0 * 30.4375);
/// assert_eq!(parse_quantity("35%").unwrap().value, 0.35);
/// assert!(parse_quantity("12 furlongs").is_err());
/// ```
pub fn parse_quantity(text: &str) -> Result<Quantity, UnitError> {
    let s = text.trim();
    let (mut currency, rest) = leading_currency(s);
    let rest = rest.trim_start();
    let num_len = rest
        .char_indices()
        .take_while(|&(i, c)| {
            c.is_ascii_digit()
                || c == '.'
                || c == ','
                || ((c == '-' || c == '+') && (i == 0 || rest[..i].ends_with(['e', 'E'])))
                || ((c == 'e' || c == 'E')
                    && i > 0
                    && rest[i + 1..]
                        .starts_with(|d: char| d.is_ascii_digit() || d == '-' || d == '+'))
        })
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    if num_len == 0 {
        return Err(UnitError::NoNumber(text.to_string()));
    }
    let digits: String = rest[..num_len].chars().filter(|&c| c != ',').collect();
    let mut value: f64 = digits
        .parse()
        .map_err(|_| UnitError::NoNumber(text.to_string()))?;
    if !value.is_finite() {
        return Err(UnitError::NotFinite(text.to_string()));
    }
    let mut unit = rest[num_len..].trim().to_string();

    // Scale word (money only).
    for (word, factor) in [
        ("tn", 1e12),
        ("bn", 1e9),
        ("mn", 1e6),
        ("m", 1e6),
        ("k", 1e3),
    ] {
        if let Some(after) = unit.strip_prefix(word) {
            // A scale is followed by nothing, a space, or a slash.
            if after.is_empty() || after.starts_with([' ', '/']) {
                let after = after.trim_start().to_string();
                if currency.is_none() {
                    // "5bn USD": currency may follow the scale.
                    let code = after.split('/').next().unwrap_or("").trim();
                    currency = Currency::from_code(code);
                    if currency.is_none() {
                        return Err(UnitError::ScaleWithoutCurrency {
                            scale: word.to_string(),
                            text: text.to_string(),
                        });
                    }
                    unit = after[code.len()..].trim().to_string();
                } else {
                    unit = after;
                }
                value *= factor;
                break;
            }
        }
    }
    // Trailing currency code ("5 USD", "12 JPY/t").
    if currency.is_none() {
        let code = unit.split('/').next().unwrap_or("").trim();
        if let Some(c) = Currency::from_code(code) {
            currency = Some(c);
            unit = unit[code.len()..].trim().to_string();
        }
    }
    let unknown = || UnitError::UnknownUnit {
        unit: unit.clone(),
        text: text.to_string(),
    };
    let (v, dim) = match currency {
        Some(c) => match unit.as_str() {
            "" => (value, Dimension::Money(c)),
            "/yr" | "/year" | "per year" => (value, Dimension::MoneyPerYear(c)),
            "/t" | "per t" | "per tonne" => (value, Dimension::MoneyPerTonne(c)),
            "/kg" => (value * 1000.0, Dimension::MoneyPerTonne(c)),
            _ => return Err(unknown()),
        },
        None => match unit.as_str() {
            "" => (value, Dimension::Ratio),
            "%" => (value / 100.0, Dimension::Ratio),
            "t" | "tonne" | "tonnes" => (value, Dimension::Tonnes),
            "kt" => (value * 1000.0, Dimension::Tonnes),
            "t/month" | "t/mo" | "tonnes/month" => (value, Dimension::TonnesPerMonth),
            "t/yr" | "t/year" | "tonnes/year" => (value / 12.0, Dimension::TonnesPerMonth),
            "kt/yr" | "kt/year" => (value * 1000.0 / 12.0, Dimension::TonnesPerMonth),
            "d" | "day" | "days" => (value, Dimension::Days),
            "month" | "months" | "mo" => (value * MONTH_DAYS, Dimension::Days),
            "yr" | "year" | "years" => (value * 365.25, Dimension::Days),
            _ => return Err(unknown()),
        },
    };
    if !v.is_finite() {
        return Err(UnitError::NotFinite(text.to_string()));
    }
    Ok(Quantity { value: v, dim })
}

fn leading_currency(s: &str) -> (Option<Currency>, &str) {
    for (sym, c) in [
        ("¥", Currency::JPY),
        ("$", Currency::USD),
        ("€", Currency::EUR),
    ] {
        if let Some(r) = s.strip_prefix(sym) {
            return (Some(c), r);
        }
    }
    // Byte 3 is an ASCII space, so 3 and 4 are character boundaries.
    if s.len() > 4
        && s.as_bytes()[3] == b' '
        && let Some(c) = Currency::from_code(&s[..3])
    {
        return (Some(c), &s[4..]);
    }
    (None, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_forms() {
        let jpy = Dimension::Money(Currency::JPY);
        assert_eq!(
            parse_quantity("¥100bn").unwrap(),
            Quantity {
                value: 1e11,
                dim: jpy
            }
        );
        assert_eq!(parse_quantity("JPY 100bn").unwrap().value, 1e11);
        assert_eq!(parse_quantity("100bn JPY").unwrap().value, 1e11);
        assert_eq!(parse_quantity("¥1.239tn").unwrap().value, 1.239e12);
        assert_eq!(
            parse_quantity("$550bn").unwrap().dim,
            Dimension::Money(Currency::USD)
        );
        assert_eq!(
            parse_quantity("¥80m/t").unwrap(),
            Quantity {
                value: 8e7,
                dim: Dimension::MoneyPerTonne(Currency::JPY)
            }
        );
        assert_eq!(
            parse_quantity("¥1tn/yr").unwrap().dim,
            Dimension::MoneyPerYear(Currency::JPY)
        );
        assert_eq!(parse_quantity("$120/kg").unwrap().value, 120_000.0);
    }

    #[test]
    fn physical_forms() {
        assert_eq!(parse_quantity("2.5 kt").unwrap().value, 2500.0);
        assert_eq!(parse_quantity("1e3 t/month").unwrap().value, 1000.0);
        assert_eq!(parse_quantity("2 years").unwrap().value, 730.5);
        assert_eq!(parse_quantity("-3").unwrap().value, -3.0);
        assert_eq!(parse_quantity("0.6").unwrap().dim, Dimension::Ratio);
    }

    #[test]
    fn errors() {
        assert!(matches!(
            parse_quantity("1e400"),
            Err(UnitError::NotFinite(_))
        ));
        assert!(matches!(parse_quantity("t"), Err(UnitError::NoNumber(_))));
        assert!(matches!(
            parse_quantity("5bn"),
            Err(UnitError::ScaleWithoutCurrency { .. })
        ));
        assert!(matches!(
            parse_quantity("5 parsecs"),
            Err(UnitError::UnknownUnit { .. })
        ));
        assert!(matches!(
            parse_quantity("¥5 t"),
            Err(UnitError::UnknownUnit { .. })
        ));
    }
}

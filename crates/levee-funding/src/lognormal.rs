//! Positive random sizes with a given mean and coefficient of variation.

/// A lognormal draw with mean `mean` and coefficient of variation `cv`, from a
/// standard normal `z`: `mean · exp(σ z − σ²/2)` with `σ² = ln(1 + cv²)`.
///
/// The `−σ²/2` term makes the mean exactly `mean` for any `cv`, so adding
/// execution noise or a random package size is a mean-preserving spread.
/// With `cv = 0` the result is `mean` whatever `z` is.
///
/// ```
/// use levee_funding::lognormal;
/// assert_eq!(lognormal(5.0, 0.0, 1.3), 5.0);
/// // The median is mean / sqrt(1 + cv²).
/// assert!((lognormal(2.0, 0.75, 0.0) - 2.0 / 1.5625f64.sqrt()).abs() < 1e-15);
/// ```
#[inline]
pub fn lognormal(mean: f64, cv: f64, z: f64) -> f64 {
    if cv == 0.0 {
        return mean;
    }
    let s2 = cv.mul_add(cv, 1.0).ln();
    mean * (s2.sqrt() * z - 0.5 * s2).exp()
}

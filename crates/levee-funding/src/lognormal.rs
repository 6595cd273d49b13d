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
    lognormal_with_sigma(mean, lognormal_sigma(cv), z)
}

/// `σ = sqrt(ln(1 + cv²))` of the lognormal with coefficient of variation `cv`.
#[inline]
pub fn lognormal_sigma(cv: f64) -> f64 {
    cv.mul_add(cv, 1.0).ln().sqrt()
}

/// [`lognormal`] with `σ` precomputed by [`lognormal_sigma`]: bit-identical
/// to `lognormal(mean, cv, z)`.
///
/// ```
/// use levee_funding::{lognormal, lognormal_sigma, lognormal_with_sigma};
/// let s = lognormal_sigma(0.4);
/// assert_eq!(lognormal_with_sigma(3.0, s, 0.7), lognormal(3.0, 0.4, 0.7));
/// ```
#[inline]
pub fn lognormal_with_sigma(mean: f64, sigma: f64, z: f64) -> f64 {
    if sigma == 0.0 {
        return mean;
    }
    mean * (sigma * z - 0.5 * sigma * sigma).exp()
}

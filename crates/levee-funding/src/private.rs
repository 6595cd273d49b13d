//! Private co-financing that responds to the predictability of public support.
//!
//! The rule (documented in `docs/models/funding.md`): of each yen a project
//! spends, private investors put in `m (1 − s)`, their planned share `1 − s`
//! scaled down by a *commitment multiplier* `m = exp(−β · CV)`, where `CV` is the ex-ante coefficient of variation of the
//! public support the project can expect over a look-ahead window and `β ≥ 0`
//! is the `private_sensitivity`. Perfectly predictable support (`CV = 0`)
//! draws the full private share; the more volatile the expected support, the
//! less private money commits.

/// The commitment multiplier `exp(−β · CV)`, in (0, 1].
///
/// ```
/// use levee_funding::private_multiplier;
/// assert_eq!(private_multiplier(0.5, 0.0), 1.0);
/// assert!((private_multiplier(0.5, 1.0) - (-0.5f64).exp()).abs() < 1e-15);
/// ```
#[inline]
pub fn private_multiplier(sensitivity: f64, cv: f64) -> f64 {
    (-sensitivity * cv).exp()
}

/// Private yen drawn in per public yen spent, for a plan with public share
/// `public_share` (in (0, 1]) at commitment `multiplier`, once the state fills
/// the private gap: `m (1 − s) / (1 − m (1 − s))`.
///
/// ```
/// use levee_funding::private_per_public;
/// // A 25% public share: three private yen per public yen at full commitment.
/// assert_eq!(private_per_public(0.25, 1.0), 3.0);
/// // Half the commitment: 0.375 private, 0.625 public per yen of cost.
/// assert_eq!(private_per_public(0.25, 0.5), 0.6);
/// assert_eq!(private_per_public(1.0, 1.0), 0.0);
/// ```
#[inline]
pub fn private_per_public(public_share: f64, multiplier: f64) -> f64 {
    let p = multiplier * (1.0 - public_share);
    p / (1.0 - p)
}

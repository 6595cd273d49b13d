//! One fiscal year of a project: how money becomes progress.
//!
//! Progress is measured in *plan yen*: the project's cost estimate splits into
//! units of work, and one plan yen of work costs `f` yen where `f` is the
//! path's cost factor (1 when costs come in on estimate). In a year the project
//! wants to do `desired` plan yen of work (its planned work plus any backlog,
//! up to its capacity), which costs `f · desired` yen.
//!
//! Financing of each yen of cost: private investors put in `m (1 − s)` (their
//! planned share `1 − s` times the commitment multiplier `m`, see
//! [`crate::private_multiplier`]); the state pays the rest,
//! `s_eff = 1 − m (1 − s)`: its planned share `s` plus the private gap, which
//! it fills when private money holds back (as with Rapidus's government equity
//! and loan guarantees, japan-facts.md R11, R14). Public money used is capped
//! by the money the project has available. All money raised is spent, and
//! progress is money spent divided by `f`.
//!
//! As a function of the public money available `A` this rule is
//! `min(A, s_eff f D) / (s_eff f)`: linear up to the year's need and flat
//! after it, hence **concave**. A mean-preserving spread of the money
//! available in a year therefore never raises expected progress in that year
//! (Jensen's inequality).

/// What one fiscal year produced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YearOutcome {
    /// Public money used (yen).
    pub public_used: f64,
    /// Private money drawn in (yen).
    pub private: f64,
    /// Work done (plan yen).
    pub progress: f64,
}

/// Public share of each yen of cost once the state fills the private gap:
/// `1 − m (1 − s)`.
///
/// ```
/// assert_eq!(levee_funding::effective_public_share(0.4, 1.0), 0.4);
/// assert_eq!(levee_funding::effective_public_share(0.4, 0.5), 0.7);
/// ```
#[inline]
pub fn effective_public_share(public_share: f64, multiplier: f64) -> f64 {
    1.0 - multiplier * (1.0 - public_share)
}

/// One year of progress.
///
/// `desired`: work the project wants to do (plan yen, ≥ 0); `cost_factor`:
/// yen per plan yen (> 0); `public_share` in (0, 1]; `available`: public money
/// available to the project (yen); `multiplier`: private commitment in [0, 1].
///
/// ```
/// use levee_funding::year_step;
/// // Fully funded: 40 public + 60 private buys the 100 of planned work.
/// let y = year_step(100.0, 1.0, 0.4, 55.0, 1.0);
/// assert_eq!((y.public_used, y.private, y.progress), (40.0, 60.0, 100.0));
/// // Half the public money: half the work.
/// let y = year_step(100.0, 1.0, 0.4, 20.0, 1.0);
/// assert_eq!((y.public_used, y.private, y.progress), (20.0, 30.0, 50.0));
/// // Private commitment halved: the state fills the gap (70 public, 30 private).
/// let y = year_step(100.0, 1.0, 0.4, 100.0, 0.5);
/// assert_eq!((y.public_used, y.private, y.progress), (70.0, 30.0, 100.0));
/// ```
#[inline]
pub fn year_step(
    desired: f64,
    cost_factor: f64,
    public_share: f64,
    available: f64,
    multiplier: f64,
) -> YearOutcome {
    let d = desired.max(0.0);
    let se = effective_public_share(public_share, multiplier);
    let need = se * cost_factor * d;
    let public_used = available.min(need).max(0.0);
    let spent = if need > 0.0 {
        cost_factor * d * (public_used / need)
    } else {
        0.0
    };
    let private = spent - public_used;
    let progress = if public_used >= need {
        d
    } else {
        (spent / cost_factor).min(d)
    };
    YearOutcome {
        public_used,
        private: private.max(0.0),
        progress,
    }
}

//! Closed forms used as independent references for the simulation.
//!
//! Two results for a single supplier whose state is a two-state Markov chain
//! (monthly disruption probability α, recovery probability β) and constant
//! demand d:
//!
//! * [`newsvendor_with_disruptions`]: Snyder & Shen's base-stock newsvendor
//!   with disruptions and backorders (*Fundamentals of Supply Chain Theory*,
//!   eqs. 9.14, 9.18, Lemma 9.2), as implemented in stockpyl; pinned to its
//!   published test vectors.
//! * [`stationary_shortfall`]: the lost-sales analogue that Levee's stockpile
//!   actually implements (derivation in `docs/models/minerals.md` §5).

/// Optimal (or given) base-stock level and expected cost per period of the
/// newsvendor problem with Markov supply disruptions and backorders.
///
/// With π₀ = β/(α+β), πₙ = αβ/(α+β)·(1−β)^(n−1) (n ≥ 1) and
/// F(n) = 1 − α/(α+β)·(1−β)ⁿ:
/// S* = d·(1 + min{n : F(n) ≥ p/(p+h)}),
/// g(S) = Σₙ πₙ [h(S − (n+1)d)⁺ + p((n+1)d − S)⁺].
/// The series is truncated as stockpyl truncates it: at
/// n_max = ⌈log_{1−β}((1 − max(1−10⁻¹⁰, γ))(α+β)/α)⌉, γ = p/(p+h).
///
/// Returns `None` unless h, p, d > 0 and α, β ∈ (0, 1).
///
/// ```
/// use levee_minerals::newsvendor_with_disruptions;
/// let (s, g) = newsvendor_with_disruptions(0.25, 3.0, 2000.0, 0.04, 0.25, None).unwrap();
/// assert_eq!(s, 8000.0);
/// assert!((g - 2737.0689302470355).abs() < 1e-9);
/// ```
pub fn newsvendor_with_disruptions(
    holding: f64,
    stockout: f64,
    demand: f64,
    alpha: f64,
    beta: f64,
    base_stock: Option<f64>,
) -> Option<(f64, f64)> {
    let valid = holding > 0.0
        && stockout > 0.0
        && demand > 0.0
        && alpha > 0.0
        && alpha < 1.0
        && beta > 0.0
        && beta < 1.0;
    if !valid {
        return None;
    }
    let gamma = stockout / (stockout + holding);
    let max_gamma = gamma.max(1.0 - 1.0e-10);
    let n_max = (((1.0 - max_gamma) * (alpha + beta) / alpha).ln() / (1.0 - beta).ln()).ceil();
    let n_max = if n_max.is_finite() && n_max >= 0.0 {
        n_max as usize
    } else {
        0
    };
    let pi = |n: usize| {
        if n == 0 {
            beta / (alpha + beta)
        } else {
            alpha * beta / (alpha + beta) * (1.0 - beta).powi(n as i32 - 1)
        }
    };
    let cdf = |n: usize| 1.0 - alpha / (alpha + beta) * (1.0 - beta).powi(n as i32);
    let s = match base_stock {
        Some(s) => s,
        None => {
            let mut n = 0;
            while n < n_max && cdf(n) < gamma {
                n += 1;
            }
            demand * (1 + n) as f64
        }
    };
    let mut g = 0.0;
    for n in 0..=n_max {
        let q = (n + 1) as f64 * demand;
        g += pi(n) * (holding * (s - q).max(0.0) + stockout * (q - s).max(0.0));
    }
    Some((s, g))
}

/// Stationary shortfall of a single fully-cut Markov supplier with a
/// stockpile that releases at once without limit and refills to `s` in every
/// up month (lost sales).
///
/// A down spell of age k (its k-th month) is short iff k·d > S; in
/// stationarity P(age = k) = π_up·α·(1−β)^(k−1) with π_up = β/(α+β). So
/// P(short) = α/(α+β)·(1−β)^m with m = ⌊S/d⌋ and
/// E[unmet per month] = Σ_k π_up α (1−β)^(k−1) min(d, (k d − S)⁺).
///
/// Returns (P(month is short), E[unmet per month]).
///
/// ```
/// // No stockpile: short whenever down.
/// let (p, e) = levee_minerals::stationary_shortfall(0.1, 0.3, 10.0, 0.0);
/// assert!((p - 0.25).abs() < 1e-15);
/// assert!((e - 2.5).abs() < 1e-12);
/// ```
pub fn stationary_shortfall(alpha: f64, beta: f64, d: f64, s: f64) -> (f64, f64) {
    let pi_up = beta / (alpha + beta);
    let m = if d > 0.0 {
        (s / d).floor()
    } else {
        f64::INFINITY
    };
    let p_short = alpha / (alpha + beta) * (1.0 - beta).powf(m);
    // Terms k ≤ m contribute 0; k = m+1 contributes (k d − S) ≤ d; k ≥ m+2
    // contribute d each: Σ_{k ≥ m+2} π_up α (1−β)^(k−1) d = π_up α d (1−β)^(m+1)/β.
    let k1 = m + 1.0;
    let first = pi_up * alpha * (1.0 - beta).powf(k1 - 1.0) * (k1 * d - s).clamp(0.0, d);
    let rest = if beta > 0.0 {
        pi_up * alpha * d * (1.0 - beta).powf(k1) / beta
    } else {
        f64::INFINITY
    };
    (p_short, first + rest)
}

//! Exact, order-independent accumulation of per-path values.
//!
//! Each per-path value is quantised to an integer (money to the nearest yen,
//! months to the nearest micro-month, indicators exactly) and summed in `i128`.
//! Integer addition is associative, so a chunk's partial sums merge into the
//! same totals whatever the chunk size or thread count: results are
//! bit-identical across run plans while memory stays per chunk, not per path.

use levee_stats::{Estimate, Z95};

/// [`quantise`] as an `i64` (the same value: it is within ±(2⁶³ − 1)).
#[inline]
pub(crate) fn quantise64(v: f64, scale: f64) -> i64 {
    let x = v * scale;
    ((x + 0.5f64.copysign(x)) as i64).max(-i64::MAX)
}

/// Quantise `v` at `scale` units per unit (NaN counts as 0).
/// Values are clamped to ±(2⁶³ − 1) units, so that a square fits in `i128`
/// without overflow (¥9.2 × 10¹⁸ at one unit per yen).
#[inline]
pub fn quantise(v: f64, scale: f64) -> i128 {
    // Round half away from zero without a libm call: add ±0.5, truncate.
    // `as i64` saturates, and NaN maps to 0.
    i128::from(quantise64(v, scale))
}

/// `q²` for `|q| ≤ 2⁶³ − 1`: a widening 64 × 64 → 128-bit product that cannot
/// overflow (larger values are clamped first).
#[inline]
fn square(q: i128) -> i128 {
    product(q, q)
}

/// `x y` for values clamped to ±(2⁶³ − 1): cannot overflow `i128`.
#[inline]
fn product(x: i128, y: i128) -> i128 {
    let c = |v: i128| v.clamp(-i128::from(i64::MAX), i128::from(i64::MAX)) as i64;
    i128::from(c(x)).wrapping_mul(i128::from(c(y)))
}

/// Count, sum and sum of squares of quantised values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Acc {
    /// Number of values.
    pub n: u64,
    /// Sum of quantised values.
    pub s: i128,
    /// Sum of squared quantised values.
    pub ss: i128,
}

impl Acc {
    /// Add one value already quantised.
    #[inline]
    pub fn add_q(&mut self, q: i128) {
        self.n += 1;
        // |q| < 2⁶³ and at most 10⁸ paths (the engine's limit): |s| < 2⁹⁰,
        // no overflow is possible.
        self.s = self.s.wrapping_add(q);
        self.ss = self.ss.saturating_add(square(q));
    }

    /// Add one value already quantised by [`quantise`], so within
    /// ±(2⁶³ − 1): the same as [`Acc::add_q`] without the clamp (the square
    /// of an `i64` cannot overflow `i128`).
    #[inline]
    pub fn add_q64(&mut self, q: i64) {
        self.n += 1;
        let q = i128::from(q);
        self.s = self.s.wrapping_add(q);
        self.ss = self.ss.saturating_add(q * q);
    }

    /// Add the difference `q − qb` of two values quantised by [`quantise`]:
    /// the same as `add_q(i128::from(q) - i128::from(qb))`, with the square
    /// taken directly when the difference fits in an `i64` other than
    /// `i64::MIN` (then the clamp of [`Acc::add_q`] leaves it unchanged).
    ///
    /// ```
    /// use levee_funding::Acc;
    /// let (mut a, mut b) = (Acc::default(), Acc::default());
    /// for (x, y) in [(5, 9), (i64::MAX, -i64::MAX), (-3, -3)] {
    ///     a.add_q(i128::from(x) - i128::from(y));
    ///     b.add_diff64(x, y);
    /// }
    /// assert_eq!(a, b);
    /// ```
    #[inline]
    pub fn add_diff64(&mut self, q: i64, qb: i64) {
        match q.checked_sub(qb) {
            Some(d) if d != i64::MIN => {
                self.n += 1;
                let d = i128::from(d);
                self.s = self.s.wrapping_add(d);
                self.ss = self.ss.saturating_add(d * d);
            }
            _ => self.add_q(i128::from(q) - i128::from(qb)),
        }
    }

    /// Add the same quantised value `times` times: the same result as
    /// `times` calls of [`Acc::add_q`] (integer sums; the squares are
    /// non-negative, so their saturating sum is `min(times · q², i128::MAX)`
    /// in any grouping). Used for amounts that are the same on every path.
    ///
    /// ```
    /// use levee_funding::Acc;
    /// let (mut a, mut b) = (Acc::default(), Acc::default());
    /// for _ in 0..5 { a.add_q(-7); }
    /// b.add_q_times(-7, 5);
    /// assert_eq!(a, b);
    /// assert_eq!((b.n, b.s, b.ss), (5, -35, 245));
    /// ```
    #[inline]
    pub fn add_q_times(&mut self, q: i128, times: u64) {
        self.n += times;
        let k = i128::from(times);
        self.s = self.s.wrapping_add(q.wrapping_mul(k));
        self.ss = self.ss.saturating_add(square(q).saturating_mul(k));
    }

    /// Add `v` quantised at `scale`.
    #[inline]
    pub fn add(&mut self, v: f64, scale: f64) {
        self.add_q(quantise(v, scale));
    }

    /// Add another accumulator.
    pub fn merge(&mut self, o: &Acc) {
        self.n += o.n;
        self.s = self.s.saturating_add(o.s);
        self.ss = self.ss.saturating_add(o.ss);
    }

    /// Mean of the values, in units (`s / n / scale`).
    pub fn mean(&self, scale: f64) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.s as f64 / self.n as f64 / scale
        }
    }

    /// Sum of squared deviations from the mean, in quantised units², computed
    /// as `ss − s²/n` without overflow: with `s = q n + r`, `s²/n = q s + r s/n`.
    fn centred_ss(&self) -> f64 {
        let n = self.n as i128;
        let q = self.s.div_euclid(n);
        let r = self.s.rem_euclid(n);
        let a = self.ss.saturating_sub(q.saturating_mul(self.s));
        (a as f64 - r as f64 * self.s as f64 / n as f64).max(0.0)
    }

    /// Mean with standard error and 95% interval, in units.
    ///
    /// ```
    /// use levee_funding::Acc;
    /// let mut a = Acc::default();
    /// for v in [1.0, 2.0, 3.0, 4.0] { a.add(v, 1.0); }
    /// let e = a.estimate(1.0);
    /// assert_eq!(e.mean, 2.5);
    /// assert!((e.std_error - (5.0f64 / 12.0).sqrt()).abs() < 1e-15);
    /// ```
    pub fn estimate(&self, scale: f64) -> Estimate {
        if self.n == 0 {
            return Estimate {
                mean: f64::NAN,
                std_error: f64::NAN,
                ci95_low: f64::NAN,
                ci95_high: f64::NAN,
            };
        }
        let mean = self.mean(scale);
        let var = if self.n > 1 {
            self.centred_ss() / (self.n - 1) as f64 / (scale * scale)
        } else {
            0.0
        };
        let se = (var / self.n as f64).sqrt();
        Estimate {
            mean,
            std_error: se,
            ci95_low: mean - Z95 * se,
            ci95_high: mean + Z95 * se,
        }
    }
}

/// Sums for a ratio of means `E[X]/E[Y]` (e.g. private per public yen).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RatioAcc {
    /// Numerator values.
    pub x: Acc,
    /// Denominator values.
    pub y: Acc,
    /// Sum of products of quantised values.
    pub sxy: i128,
}

/// A ratio of means with a delta-method standard error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RatioEstimate {
    /// `mean(X) / mean(Y)`.
    pub ratio: f64,
    /// Delta-method standard error: `sd(X − R Y) / (√n · mean(Y))`.
    pub std_error: f64,
}

impl RatioAcc {
    /// Add one pair (both quantised at `scale`).
    #[inline]
    pub fn add(&mut self, x: f64, y: f64, scale: f64) {
        self.add_q(quantise(x, scale), quantise(y, scale));
    }

    /// [`RatioAcc::add_q`] for values quantised by [`quantise`] (no clamp needed).
    #[inline]
    pub fn add_q64(&mut self, qx: i64, qy: i64) {
        self.x.add_q64(qx);
        self.y.add_q64(qy);
        self.sxy = self.sxy.saturating_add(i128::from(qx) * i128::from(qy));
    }

    /// Only the cross product of [`RatioAcc::add_q64`]: for a chunk whose
    /// `x` and `y` accumulators are filled elsewhere from the same values
    /// (the simulation copies them from the project's `private` and
    /// `public_used` sums at the chunk's end rather than adding every value twice).
    #[inline]
    pub(crate) fn add_product64(&mut self, qx: i64, qy: i64) {
        self.sxy = self.sxy.saturating_add(i128::from(qx) * i128::from(qy));
    }

    /// Add one pair of already quantised values.
    #[inline]
    pub fn add_q(&mut self, qx: i128, qy: i128) {
        self.x.add_q(qx);
        self.y.add_q(qy);
        self.sxy = self.sxy.saturating_add(product(qx, qy));
    }

    /// Add another accumulator.
    pub fn merge(&mut self, o: &RatioAcc) {
        self.x.merge(&o.x);
        self.y.merge(&o.y);
        self.sxy = self.sxy.saturating_add(o.sxy);
    }

    /// The ratio of means and its standard error (NaN if `mean(Y) = 0`).
    pub fn estimate(&self) -> RatioEstimate {
        let n = self.x.n;
        if n < 2 || self.y.s == 0 {
            let ratio = if self.y.s == 0 {
                f64::NAN
            } else {
                self.x.s as f64 / self.y.s as f64
            };
            return RatioEstimate {
                ratio,
                std_error: f64::NAN,
            };
        }
        let ratio = self.x.s as f64 / self.y.s as f64;
        let ni = n as i128;
        let q = self.x.s.div_euclid(ni);
        let r = self.x.s.rem_euclid(ni);
        let cxy = self.sxy.saturating_sub(q.saturating_mul(self.y.s)) as f64
            - r as f64 * self.y.s as f64 / n as f64;
        let vx = self.x.centred_ss();
        let vy = self.y.centred_ss();
        let vz = ((vx + ratio * ratio * vy - 2.0 * ratio * cxy) / (n - 1) as f64).max(0.0);
        let mean_y = self.y.s as f64 / n as f64;
        RatioEstimate {
            ratio,
            std_error: vz.sqrt() / (n as f64).sqrt() / mean_y.abs(),
        }
    }
}

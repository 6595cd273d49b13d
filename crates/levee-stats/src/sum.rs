//! Compensated summation.

/// Neumaier's improved Kahan summation: the rounding error of a long sum of
/// path values stays at O(ε) instead of O(n ε).
#[derive(Clone, Copy, Debug, Default)]
pub struct NeumaierSum {
    sum: f64,
    c: f64,
}

impl NeumaierSum {
    /// Add one term.
    #[inline]
    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.c += (self.sum - t) + x;
        } else {
            self.c += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// The compensated total.
    ///
    /// ```
    /// let mut s = levee_stats::NeumaierSum::default();
    /// for x in [1.0, 1e100, 1.0, -1e100] { s.add(x); }
    /// assert_eq!(s.total(), 2.0);
    /// ```
    #[inline]
    pub fn total(&self) -> f64 {
        self.sum + self.c
    }
}

//! Fixed-bin histograms: integer counts, so merging chunks is exact and
//! independent of order.

/// Counts over equal-width bins on `[low, high)`, with under- and overflow bins.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    low: f64,
    width: f64,
    counts: Vec<u64>,
    under: u64,
    over: u64,
}

impl Histogram {
    /// `bins` equal bins on `[low, high)`. Requires `bins > 0` and `high > low`.
    pub fn new(low: f64, high: f64, bins: usize) -> Self {
        let bins = bins.max(1);
        let width = if high > low {
            (high - low) / bins as f64
        } else {
            1.0
        };
        Histogram {
            low,
            width,
            counts: vec![0; bins],
            under: 0,
            over: 0,
        }
    }

    /// Count one value (NaN counts as overflow).
    #[inline]
    pub fn add(&mut self, x: f64) {
        if x < self.low {
            self.under += 1;
            return;
        }
        let i = ((x - self.low) / self.width) as usize;
        if x.is_nan() || i >= self.counts.len() {
            self.over += 1;
        } else {
            self.counts[i] += 1;
        }
    }

    /// Add another histogram with the same bins.
    pub fn merge(&mut self, other: &Histogram) {
        debug_assert_eq!(self.counts.len(), other.counts.len());
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += *b;
        }
        self.under += other.under;
        self.over += other.over;
    }

    /// Total count.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum::<u64>() + self.under + self.over
    }

    /// The `p`-quantile by linear interpolation within the bin that contains it
    /// (resolution: one bin width). Underflow maps to `low`, overflow to `high`.
    ///
    /// ```
    /// let mut h = levee_stats::Histogram::new(0.0, 10.0, 10);
    /// for i in 0..10 { h.add(i as f64 + 0.5); }
    /// assert_eq!(h.quantile(0.5), 5.0);
    /// ```
    pub fn quantile(&self, p: f64) -> f64 {
        let n = self.total();
        if n == 0 {
            return f64::NAN;
        }
        let target = p.clamp(0.0, 1.0) * n as f64;
        let mut cum = self.under as f64;
        if target <= cum && self.under > 0 {
            return self.low;
        }
        for (i, &c) in self.counts.iter().enumerate() {
            let next = cum + c as f64;
            if target <= next && c > 0 {
                let frac = (target - cum) / c as f64;
                return self.low + (i as f64 + frac) * self.width;
            }
            cum = next;
        }
        self.low + self.width * self.counts.len() as f64
    }
}

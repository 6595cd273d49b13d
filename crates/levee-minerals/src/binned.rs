//! Quantiles of many values in bounded memory, exact where values coincide.
//!
//! Each bin of width w on `[0, high)` keeps its count and the smallest and
//! largest value that fell in it. Counts add and min/max are associative and
//! commutative, so merging is exact and independent of order (thread count
//! and chunk size cannot change a result). A quantile is read as the type-7
//! order statistic where the order statistics within one bin are spread
//! evenly between that bin's min and max: exact when the bin holds a single
//! distinct value (e.g. every path at its stockpile target, or an empty
//! stockpile), otherwise within one bin width.

/// A fixed-bin sketch with per-bin count, minimum and maximum.
#[derive(Clone, Debug, PartialEq)]
pub struct Binned {
    width: f64,
    count: Vec<u64>,
    min: Vec<f64>,
    max: Vec<f64>,
}

impl Binned {
    /// `bins` bins on `[0, high)`; values at or above `high` go to the last bin,
    /// values below 0 to the first.
    pub fn new(high: f64, bins: usize) -> Self {
        let bins = bins.max(1);
        let width = if high > 0.0 && high.is_finite() {
            high / bins as f64
        } else {
            1.0
        };
        Binned {
            width,
            count: vec![0; bins],
            min: vec![f64::INFINITY; bins],
            max: vec![f64::NEG_INFINITY; bins],
        }
    }

    /// Bin width (the resolution of a quantile that falls between distinct values).
    pub fn width(&self) -> f64 {
        self.width
    }

    /// A sketch from its parts (same lengths; see [`crate::fan::FanSketch`]).
    pub(crate) fn from_parts(width: f64, count: Vec<u64>, min: Vec<f64>, max: Vec<f64>) -> Self {
        Binned {
            width,
            count,
            min,
            max,
        }
    }

    /// Count one value.
    #[inline]
    pub fn add(&mut self, x: f64) {
        let i = bin_index(self.width, self.count.len(), x);
        self.count[i] += 1;
        if x < self.min[i] {
            self.min[i] = x;
        }
        if x > self.max[i] {
            self.max[i] = x;
        }
    }

    /// Number of bins.
    pub fn bins_len(&self) -> usize {
        self.count.len()
    }

    /// Count in bin `i` (0 if out of range).
    pub fn bin_count(&self, i: usize) -> u64 {
        self.count.get(i).copied().unwrap_or(0)
    }

    /// Total count.
    pub fn total(&self) -> u64 {
        self.count.iter().sum()
    }

    /// The value of order statistic `k` (0-based) as described in the module docs.
    fn order_stat(&self, k: u64) -> f64 {
        let mut cum = 0u64;
        for (i, &c) in self.count.iter().enumerate() {
            if c > 0 && k < cum + c {
                let j = k - cum;
                let (a, b) = (self.min[i], self.max[i]);
                return if c == 1 {
                    a
                } else {
                    a + (b - a) * j as f64 / (c - 1) as f64
                };
            }
            cum += c;
        }
        f64::NAN
    }

    /// Type-7 `p`-quantile (NaN if empty).
    ///
    /// ```
    /// let mut b = levee_minerals::Binned::new(10.0, 10);
    /// for x in [1.0, 2.0, 2.0, 2.0, 9.5] { b.add(x); }
    /// assert_eq!(b.quantile(0.5), 2.0);
    /// assert_eq!(b.quantile(0.0), 1.0);
    /// assert_eq!(b.quantile(1.0), 9.5);
    /// ```
    pub fn quantile(&self, p: f64) -> f64 {
        let n = self.total();
        if n == 0 {
            return f64::NAN;
        }
        let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
        let lo = h.floor() as u64;
        let hi = (lo + 1).min(n - 1);
        let a = self.order_stat(lo);
        if hi == lo {
            return a;
        }
        let b = self.order_stat(hi);
        a + (h - lo as f64) * (b - a)
    }

    /// Add another sketch with the same bins.
    pub fn merge(&mut self, o: &Binned) {
        for i in 0..self.count.len().min(o.count.len()) {
            self.count[i] += o.count[i];
            self.min[i] = self.min[i].min(o.min[i]);
            self.max[i] = self.max[i].max(o.max[i]);
        }
    }
}

/// The bin of `x` among `n` bins of width `width` (see [`Binned::new`]).
#[inline]
pub(crate) fn bin_index(width: f64, n: usize, x: f64) -> usize {
    if x > 0.0 {
        ((x / width) as usize).min(n - 1)
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splitting the values into any two groups and merging gives the same
    /// sketch, in either order.
    #[test]
    fn merge_is_exact_and_order_free() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 * 0.37)
            .collect();
        let mut whole = Binned::new(370.0, 50);
        xs.iter().for_each(|&x| whole.add(x));
        for cut in [0, 1, 333, 999] {
            let (mut a, mut b) = (Binned::new(370.0, 50), Binned::new(370.0, 50));
            xs[..cut].iter().for_each(|&x| a.add(x));
            xs[cut..].iter().for_each(|&x| b.add(x));
            let mut ab = a.clone();
            ab.merge(&b);
            b.merge(&a);
            assert_eq!(ab, whole);
            assert_eq!(b, whole);
        }
    }

    /// Quantiles are within one bin width of the exact type-7 quantile, and
    /// exact for atoms.
    #[test]
    fn quantile_resolution() {
        let xs: Vec<f64> = (0..997)
            .map(|i| (i as f64 * 0.731).sin().abs() * 100.0)
            .collect();
        let mut b = Binned::new(100.0, 200);
        xs.iter().for_each(|&x| b.add(x));
        let s = levee_stats::sorted(&xs);
        for p in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
            let exact = levee_stats::quantile_sorted(&s, p);
            assert!((b.quantile(p) - exact).abs() <= b.width(), "p={p}");
        }
        let mut atoms = Binned::new(10.0, 3);
        for _ in 0..10 {
            atoms.add(7.25);
        }
        atoms.add(0.0);
        assert_eq!(atoms.quantile(0.5), 7.25);
        assert_eq!(atoms.quantile(0.0), 0.0);
    }
}

//! The normal quantile Φ⁻¹ of a 32-bit uniform, tabulated for claim LGDs.
//!
//! Why: every claim draws a normal score for its LGD (docs/models/insurance.md
//! §2.4), and the rational approximation of Φ⁻¹ (AS241) was one of the
//! largest items of a plain Monte Carlo path. The score only feeds the
//! tabulated beta quantile G, itself accurate to about 5·10⁻⁴ in LGD units, so
//! a table of Φ⁻¹ with linear interpolation over the central 1 − 2/128 of
//! probability (error below 2·10⁻⁴ in score units, i.e. below 10⁻⁴ in LGD
//! units) and the exact AS241 value in the two outer 1/128 tails costs no
//! accuracy that matters and makes the draw a table look-up.

use levee_rng::{normal_inv_cdf, u32_to_open01};

/// Cells of the table: the top `BITS` bits of the word select the cell.
const BITS: u32 = 11;
/// Number of cells.
const CELLS: usize = 1 << BITS;
/// Cells at each end evaluated exactly (probability 1/128 each).
const EXACT: usize = CELLS / 128;

/// Tabulated Φ⁻¹ of the uniform (w + ½)·2⁻³² of a 32-bit word w.
#[derive(Clone, Debug)]
pub struct ScoreTable {
    /// Per cell i: [Φ⁻¹(i/CELLS), Φ⁻¹((i+1)/CELLS) − Φ⁻¹(i/CELLS)].
    /// A fixed-size array, so that the index (the word's top bits) needs no
    /// bounds check; single precision (relative rounding 6e-8, far below the
    /// interpolation error) halves the table to 16 KB, which matters for a
    /// look-up made at random for every claim.
    cells: Box<[[f32; 2]; CELLS]>,
}

impl Default for ScoreTable {
    fn default() -> Self {
        Self::new()
    }
}

impl ScoreTable {
    /// Build the table (2,048 cells, 16 KB).
    pub fn new() -> Self {
        let node = |i: usize| {
            if i == 0 || i == CELLS {
                0.0 // never used: the outer cells are exact
            } else {
                normal_inv_cdf(i as f64 / CELLS as f64)
            }
        };
        let mut cells = Box::new([[0.0f32; 2]; CELLS]);
        for (i, c) in cells.iter_mut().enumerate() {
            let a = node(i) as f32;
            *c = [a, (node(i + 1) - a as f64) as f32];
        }
        ScoreTable { cells }
    }

    /// The normal score of the 32-bit word `w`: Φ⁻¹((w + ½)·2⁻³²), exact
    /// (AS241) in the outer 1/128 of probability on each side, interpolated
    /// linearly between the table's nodes elsewhere.
    ///
    /// ```
    /// let t = levee_insurance::score_table::ScoreTable::new();
    /// let w = 3_000_000_000u32;
    /// let exact = levee_rng::normal_inv_cdf(levee_rng::u32_to_open01(w));
    /// assert!((t.score(w) - exact).abs() < 2e-4);
    /// ```
    #[inline]
    pub fn score(&self, w: u32) -> f64 {
        let i = (w >> (32 - BITS)) as usize;
        if !(EXACT..CELLS - EXACT).contains(&i) {
            return normal_inv_cdf(u32_to_open01(w));
        }
        let [a, d] = self.cells[i].map(f64::from);
        let low = w & ((1 << (32 - BITS)) - 1);
        let f = (low as f64 + 0.5) * (1.0 / (1u64 << (32 - BITS)) as f64);
        a + f * d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Interpolation error below 2e-4 over the whole range (checked on a
    /// stride through all 2³² words, including every cell's ends), exact in
    /// the tails, and the first two moments of the tabulated distribution
    /// equal those of N(0, 1) to the interpolation error.
    #[test]
    fn close_to_exact_quantile_everywhere() {
        let t = ScoreTable::new();
        let mut worst = 0.0f64;
        let (mut m1, mut m2, mut n) = (0.0, 0.0, 0.0);
        let mut w = 0u64;
        while w <= u32::MAX as u64 {
            let x = w as u32;
            let exact = normal_inv_cdf(u32_to_open01(x));
            let s = t.score(x);
            worst = worst.max((s - exact).abs());
            m1 += s;
            m2 += s * s;
            n += 1.0;
            w += 65_537;
        }
        for i in 0..CELLS as u32 {
            for x in [
                i << (32 - BITS),
                (i << (32 - BITS)) | ((1 << (32 - BITS)) - 1),
            ] {
                let exact = normal_inv_cdf(u32_to_open01(x));
                worst = worst.max((t.score(x) - exact).abs());
            }
        }
        assert!(worst < 2e-4, "worst error {worst}");
        assert_eq!(t.score(0), normal_inv_cdf(u32_to_open01(0)));
        assert_eq!(t.score(u32::MAX), normal_inv_cdf(u32_to_open01(u32::MAX)));
        // 65,538 equally spaced words: mean 0 and variance 1 up to the
        // discretisation of the stride (≈ 1e-3 at this stride) and the table error.
        let mean = m1 / n;
        let var = m2 / n - mean * mean;
        assert!(mean.abs() < 1e-3, "mean {mean}");
        assert!((var - 1.0).abs() < 2e-3, "variance {var}");
    }
}

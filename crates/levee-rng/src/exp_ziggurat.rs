//! Exp(1) variables by the ziggurat method (Marsaglia & Tsang 2000, "The
//! Ziggurat Method for Generating Random Variables", Journal of Statistical
//! Software 5(8)), drawn from a [`WyRand`] sequence.
//!
//! Why a sampler of Levee's own: the insurance simulator draws an Exp(1) gap
//! for every default candidate of every path, inside its tightest loop. The
//! ziggurat's common case is one 64-bit word, a multiply and a compare; its
//! rare cases (the wedges and the tail, 2.2% of draws) evaluate `exp` or `ln`.
//! Here the rare cases live in a separate cold function, so that the caller's
//! loop keeps its values in registers across the draw (a library call inlined
//! into the loop makes the compiler keep them in memory, since `exp` and `ln`
//! may overwrite every vector register).
//!
//! The density f(x) = e^{−x}, x ≥ 0, is covered by 256 layers of equal area
//! v: a base layer (the rectangle [0, r] × [0, f(r)] plus the tail x > r) and
//! 255 rectangles [0, xᵢ] × [f(xᵢ), f(xᵢ₊₁)], with r = 7.697117470131050 and
//! v = (r + 1)·e^{−r}, so that x₁ = r and x₂₅₆ = 0. A draw picks a layer i and
//! a point x = u·xᵢ with u uniform: below xᵢ₊₁ the point is under the curve
//! and x is returned (97.8% of draws); in the base layer beyond r it is a
//! tail draw, r + Exp(1) by memorylessness, r − ln U; otherwise a height y
//! uniform on [f(xᵢ), f(xᵢ₊₁)] is drawn and x is returned if y < e^{−x}, and
//! the whole draw is repeated if not. Every accepted x therefore has density
//! exactly proportional to e^{−x}, up to the rounding of the tables and the
//! 2⁻⁵³ grid of the uniforms.

use crate::WyRand;

/// Right edge r of the base layer's rectangle (Marsaglia & Tsang's value for
/// 256 layers of the exponential density).
const R: f64 = 7.697_117_470_131_05;
/// Number of layers.
const LAYERS: usize = 256;

/// The uniform of a draw's word: its top 52 bits as a fraction in (0, 1),
/// (m + ½)·2⁻⁵², computed as [1, 2) − (1 − 2⁻⁵³). The low 8 bits, which pick
/// the layer, are not among them.
#[inline(always)]
fn fraction(bits: u64) -> f64 {
    f64::from_bits((bits >> 12) | 0x3ff0_0000_0000_0000) - (1.0 - f64::EPSILON / 2.0)
}

/// Tables of the exponential ziggurat: layer edges x and heights f = e^{−x}.
#[derive(Clone, Debug)]
pub struct ExpZiggurat {
    /// x₀ = v/f(r) (the base layer's width, counting its tail as a
    /// rectangle of the same height), x₁ = r > x₂ > … > x₂₅₆ = 0.
    x: Box<[f64; LAYERS + 1]>,
    /// f(xᵢ) = e^{−xᵢ}; f₂₅₆ = 1.
    f: Box<[f64; LAYERS + 1]>,
}

impl Default for ExpZiggurat {
    fn default() -> Self {
        Self::new()
    }
}

impl ExpZiggurat {
    /// Build the tables: xᵢ₊₁ = −ln(e^{−xᵢ} + v/xᵢ), the edge at which the
    /// rectangle on [0, xᵢ] above f(xᵢ) has area v.
    pub fn new() -> Self {
        let v = (R + 1.0) * (-R).exp();
        let mut x = Box::new([0.0; LAYERS + 1]);
        x[0] = v / (-R).exp();
        x[1] = R;
        for i in 1..LAYERS - 1 {
            x[i + 1] = -((-x[i]).exp() + v / x[i]).ln();
        }
        // The recursion ends within 1e-14 of 0; the top layer ends at 0.
        x[LAYERS] = 0.0;
        let mut f = Box::new([0.0; LAYERS + 1]);
        for (fi, xi) in f.iter_mut().zip(x.iter()) {
            *fi = (-xi).exp();
        }
        ExpZiggurat { x, f }
    }

    /// One Exp(1) variable from the words of `rng`, read in turn (one word
    /// in 97.8% of draws).
    ///
    /// ```
    /// use levee_rng::{ExpZiggurat, WyRand};
    /// let z = ExpZiggurat::new();
    /// let mut rng = WyRand::new(7);
    /// let n = 100_000;
    /// let mean = (0..n).map(|_| z.sample(&mut rng)).sum::<f64>() / n as f64;
    /// assert!((mean - 1.0).abs() < 0.02); // s.e. 0.0032
    /// ```
    #[inline(always)]
    pub fn sample(&self, rng: &mut WyRand) -> f64 {
        let first = rng.next_u64();
        self.sample_first(first, rng)
    }

    /// The Exp(1) draw whose first word is `first`; the words it needs
    /// after the first (2.2% of draws) come from `rng`. Why: a caller that
    /// already holds a random word (the output of a keyed sequence) draws
    /// with it instead of seeding a sequence and hashing again.
    ///
    /// ```
    /// use levee_rng::{ExpZiggurat, WyRand};
    /// let z = ExpZiggurat::new();
    /// let (mut a, mut b) = (WyRand::new(3), WyRand::new(3));
    /// let first = b.next_u64();
    /// assert_eq!(z.sample(&mut a), z.sample_first(first, &mut b));
    /// ```
    #[inline(always)]
    pub fn sample_first(&self, first: u64, rng: &mut WyRand) -> f64 {
        let (i, x) = self.point_of(first);
        if x < self.x[i + 1] {
            return x;
        }
        self.sample_rare(rng, i, x)
    }

    /// A draw's layer i (the word's low 8 bits) and point x = u·xᵢ.
    #[inline(always)]
    fn point_of(&self, bits: u64) -> (usize, f64) {
        let i = (bits & 0xff) as usize;
        (i, fraction(bits) * self.x[i])
    }

    /// The tail and wedge cases of [`ExpZiggurat::sample`] (then, on a
    /// rejection, the draws that follow).
    #[cold]
    #[inline(never)]
    fn sample_rare(&self, rng: &mut WyRand, mut i: usize, mut x: f64) -> f64 {
        loop {
            if i == 0 {
                return R - crate::u64_to_open01(rng.next_u64()).ln();
            }
            // A height uniform on [f(xᵢ), f(xᵢ₊₁)] (53 bits in [0, 1)).
            let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            if self.f[i + 1] + (self.f[i] - self.f[i + 1]) * u < (-x).exp() {
                return x;
            }
            (i, x) = self.point_of(rng.next_u64());
            if x < self.x[i + 1] {
                return x;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables describe a ziggurat: edges decreasing from x₀ = r + 1 to
    /// 0, every layer of area v (to 1e-12 relative), and the base layer's
    /// area r·f(r) plus the tail's e^{−r} equal to v as well.
    #[test]
    fn layers_have_equal_area() {
        let z = ExpZiggurat::new();
        let v = (R + 1.0) * (-R).exp();
        assert!((z.x[0] - (R + 1.0)).abs() < 1e-12);
        assert!(z.x.windows(2).all(|w| w[0] > w[1]));
        assert!((R * z.f[1] + (-R).exp() - v).abs() < 1e-15);
        for i in 1..LAYERS {
            let area = z.x[i] * (z.f[i + 1] - z.f[i]);
            assert!((area - v).abs() < 1e-12 * v, "layer {i}: {area} vs {v}");
        }
    }

    /// Against the exponential distribution function: a chi-square test on
    /// 64 equiprobable cells (the last one the tail beyond ln 64), the share
    /// of the tail beyond r and its mean excess (the rare path's tail case),
    /// on 10⁶ draws; and the mean.
    #[test]
    fn distribution_is_exponential() {
        let z = ExpZiggurat::new();
        let mut rng = WyRand::new(2026);
        let n = 1_000_000usize;
        let cells = 64usize;
        let mut counts = vec![0u64; cells];
        let (mut sum, mut tail, mut excess) = (0.0, 0u64, 0.0);
        for _ in 0..n {
            let e = z.sample(&mut rng);
            assert!(e >= 0.0 && e.is_finite());
            sum += e;
            // F(e) = 1 − e^{−e}: cell ⌊64·F⌋.
            let c = ((-(-e).exp_m1()) * cells as f64) as usize;
            counts[c.min(cells - 1)] += 1;
            if e > R {
                tail += 1;
                excess += e - R;
            }
        }
        let expect = n as f64 / cells as f64;
        let chi2: f64 = counts
            .iter()
            .map(|&k| (k as f64 - expect).powi(2) / expect)
            .sum();
        // 63 degrees of freedom: the 99.99% point is 116.
        assert!(chi2 < 116.0, "chi-square {chi2}");
        // Mean 1, s.e. 0.001: within 5 s.e.
        let mean = sum / n as f64;
        assert!((mean - 1.0).abs() < 0.005, "mean {mean}");
        // P(E > r) = e^{−r} = 4.54e-4: 454 expected, s.d. 21.3; within 5 s.d.
        let p = (-R).exp() * n as f64;
        assert!(
            (tail as f64 - p).abs() < 5.0 * p.sqrt(),
            "tail {tail} vs {p}"
        );
        // Beyond r the excess is Exp(1) again (the tail case): mean 1, s.e.
        // 1/√454 = 0.047; within 5 s.e.
        let mean_excess = excess / tail as f64;
        assert!(
            (mean_excess - 1.0).abs() < 5.0 / (tail as f64).sqrt(),
            "mean excess beyond r {mean_excess}"
        );
    }

    /// An independent implementation of the same method: `rand_distr`'s
    /// `Exp1` (its own tables, from its own construction) reading the same
    /// words. The two tables agree to about 1e-13 relative, so every draw
    /// agrees to 1e-12 relative and reads the same number of words (a
    /// decision would flip only for a uniform within 1e-13 of a layer edge).
    #[test]
    fn agrees_with_rand_distr_exp1() {
        use rand_distr::Distribution;
        let z = ExpZiggurat::new();
        let mut a = WyRand::new(99);
        let mut b = a;
        for k in 0..1_000_000 {
            let x = z.sample(&mut a);
            let y: f64 = rand_distr::Exp1.sample(&mut b);
            assert!((x - y).abs() <= 1e-12 * y.max(1.0), "draw {k}: {x} vs {y}");
            assert_eq!(a.next_u64(), b.next_u64(), "draw {k}: words read");
        }
    }
}

//! A radix-2 complex FFT (iterative Cooley–Tukey), enough for CreditRisk+.

/// A complex number.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct C64 {
    /// Real part.
    pub re: f64,
    /// Imaginary part.
    pub im: f64,
}

impl C64 {
    /// `re + i·im`.
    pub const fn new(re: f64, im: f64) -> Self {
        C64 { re, im }
    }
    /// Product.
    #[inline]
    pub fn times(self, o: C64) -> C64 {
        C64::new(
            self.re * o.re - self.im * o.im,
            self.re * o.im + self.im * o.re,
        )
    }
    /// Principal logarithm.
    pub fn ln(self) -> C64 {
        C64::new(self.re.hypot(self.im).ln(), self.im.atan2(self.re))
    }
    /// Exponential.
    pub fn exp(self) -> C64 {
        let r = self.re.exp();
        C64::new(r * self.im.cos(), r * self.im.sin())
    }
}

/// In-place DFT X_k = Σ_j x_j e^{∓2πijk/n} (minus sign for `inverse = false`);
/// the inverse is not scaled. `x.len()` must be a power of two.
pub fn fft(x: &mut [C64], inverse: bool) {
    let n = x.len();
    if n < 2 {
        return;
    }
    debug_assert!(n.is_power_of_two());
    let mut j = 0usize;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            x.swap(i, j);
        }
    }
    let sign = if inverse { 1.0 } else { -1.0 };
    let mut len = 2;
    while len <= n {
        let ang = sign * 2.0 * std::f64::consts::PI / len as f64;
        let half = len / 2;
        // Twiddles computed directly (not by repeated multiplication) for accuracy.
        let tw: Vec<C64> = (0..half)
            .map(|k| C64::new((ang * k as f64).cos(), (ang * k as f64).sin()))
            .collect();
        for start in (0..n).step_by(len) {
            for k in 0..half {
                let a = x[start + k];
                let b = x[start + k + half].times(tw[k]);
                x[start + k] = C64::new(a.re + b.re, a.im + b.im);
                x[start + k + half] = C64::new(a.re - b.re, a.im - b.im);
            }
        }
        len <<= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fft_matches_naive_dft_and_inverts() {
        let n = 16;
        let x: Vec<C64> = (0..n)
            .map(|i| C64::new((i as f64).sin(), (i * i) as f64 * 0.01))
            .collect();
        let mut y = x.clone();
        fft(&mut y, false);
        for (k, yk) in y.iter().enumerate() {
            let mut s = C64::default();
            for (j, xj) in x.iter().enumerate() {
                let a = -2.0 * std::f64::consts::PI * (j * k) as f64 / n as f64;
                s = C64::new(
                    s.re + xj.times(C64::new(a.cos(), a.sin())).re,
                    s.im + xj.times(C64::new(a.cos(), a.sin())).im,
                );
            }
            assert!((s.re - yk.re).abs() < 1e-12 && (s.im - yk.im).abs() < 1e-12);
        }
        fft(&mut y, true);
        for (a, b) in x.iter().zip(&y) {
            assert!(
                (a.re - b.re / n as f64).abs() < 1e-13 && (a.im - b.im / n as f64).abs() < 1e-13
            );
        }
    }
}

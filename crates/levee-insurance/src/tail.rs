//! Likelihood-ratio-weighted loss distribution: VaR, ES (Acerbi–Tasche form,
//! correct for discrete distributions), standard errors and intervals.
//!
//! With paths j = 1..N, losses L_j and weights w_j (w ≡ 1 for plain Monte
//! Carlo), the estimated exceedance function is S(x) = (1/N) Σ w_j 1{L_j > x}.
//! VaR_α is the smallest sampled loss v with S(v) ≤ 1 − α (the type-1, inverse
//! distribution function quantile), and
//! ES_α = (1/(1−α)) [ (1/N) Σ w_j L_j 1{L_j > v} + v ((1 − α) − S(v)) ].

use levee_stats::{NeumaierSum, Z95};

/// A weighted sample sorted by loss.
pub struct Weighted<'a> {
    loss: &'a [f64],
    w: Option<&'a [f64]>,
    order: Vec<u32>,
}

/// VaR or ES with its standard error and 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measure {
    /// Point estimate.
    pub value: f64,
    /// Standard error.
    pub std_error: f64,
    /// 95% interval, low end.
    pub ci95_low: f64,
    /// 95% interval, high end.
    pub ci95_high: f64,
}

impl<'a> Weighted<'a> {
    /// Sort the sample (ties broken by path index, so the order is deterministic).
    pub fn new(loss: &'a [f64], w: Option<&'a [f64]>) -> Self {
        let mut order: Vec<u32> = (0..loss.len() as u32).collect();
        order.sort_by(|&a, &b| {
            loss[a as usize]
                .total_cmp(&loss[b as usize])
                .then(a.cmp(&b))
        });
        Weighted { loss, w, order }
    }

    #[inline]
    fn wt(&self, j: usize) -> f64 {
        self.w.map_or(1.0, |w| w[j])
    }

    fn n(&self) -> f64 {
        self.loss.len() as f64
    }

    /// VaR_α: the smallest sampled loss v with S(v) ≤ 1 − α.
    pub fn var(&self, alpha: f64) -> f64 {
        let n = self.n();
        let target = (1.0 - alpha) * (1.0 + 1e-12);
        let mut above = 0.0;
        let mut i = self.order.len();
        while i > 0 {
            let v = self.loss[self.order[i - 1] as usize];
            let mut g = 0.0;
            while i > 0 && self.loss[self.order[i - 1] as usize] == v {
                g += self.wt(self.order[i - 1] as usize);
                i -= 1;
            }
            if above + g / n > target {
                return v;
            }
            above += g / n;
        }
        self.order
            .first()
            .map_or(f64::NAN, |&j| self.loss[j as usize])
    }

    /// S(v) = (1/N) Σ w 1{L > v} and its standard error.
    pub fn exceedance(&self, v: f64) -> (f64, f64) {
        let vals: Vec<f64> = (0..self.loss.len())
            .map(|j| if self.loss[j] > v { self.wt(j) } else { 0.0 })
            .collect();
        let e = levee_stats::estimate(&vals);
        (e.mean, e.std_error)
    }

    /// VaR with an interval from the exceedance standard error: the quantiles at
    /// α ∓ 1.96·se(S(VaR)) (inverting the interval of the distribution function).
    pub fn var_measure(&self, alpha: f64) -> Measure {
        let v = self.var(alpha);
        let (_, se) = self.exceedance(v);
        let lo = self.var((alpha - Z95 * se).max(0.0));
        let hi = self.var((alpha + Z95 * se).min(1.0 - 1e-15));
        Measure {
            value: v,
            std_error: (hi - lo) / (2.0 * Z95),
            ci95_low: lo,
            ci95_high: hi,
        }
    }

    /// ES_α given v = VaR_α, with standard error sd(w (L − v)⁺)/(√N (1 − α))
    /// (the VaR's own error enters only at second order, as v minimises the
    /// Rockafellar–Uryasev objective).
    pub fn es_measure(&self, alpha: f64, v: f64) -> Measure {
        let n = self.n();
        let mut sl = NeumaierSum::default();
        let mut sw = NeumaierSum::default();
        let mut ex = Vec::with_capacity(self.loss.len());
        for (j, &l) in self.loss.iter().enumerate() {
            let w = self.wt(j);
            if l > v {
                sl.add(w * l);
                sw.add(w);
                ex.push(w * (l - v));
            } else {
                ex.push(0.0);
            }
        }
        let es = (sl.total() / n + v * ((1.0 - alpha) - sw.total() / n)) / (1.0 - alpha);
        let se = levee_stats::estimate(&ex).std_error / (1.0 - alpha);
        Measure {
            value: es,
            std_error: se,
            ci95_low: es - Z95 * se,
            ci95_high: es + Z95 * se,
        }
    }

    /// Value of a risk measure: VaR (`es = false`) or ES at `alpha`.
    pub fn measure(&self, alpha: f64, es: bool) -> f64 {
        let v = self.var(alpha);
        if es {
            self.es_measure(alpha, v).value
        } else {
            v
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unweighted_matches_upper_tail_mean() {
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let w = Weighted::new(&x, None);
        // Ten equally likely values: VaR_0.8 = 8 (two values above), ES_0.8 = 9.5.
        assert_eq!(w.var(0.8), 8.0);
        assert!((w.es_measure(0.8, 8.0).value - 9.5).abs() < 1e-12);
        let v = w.var(0.85);
        assert_eq!(v, 9.0);
        let es = w.es_measure(0.85, v).value;
        assert!((es - levee_stats::upper_tail_mean(&x, 0.85)).abs() < 1e-12);
    }

    #[test]
    fn weights_shift_the_quantile() {
        // Two atoms: loss 0 with mass 0.9 and loss 1 with mass 0.1 (weights 1.8
        // and 0.2 over two paths). P(L ≤ 0) = 0.9, so VaR_0.85 = 0 and VaR_0.95 = 1.
        let l = [0.0, 1.0];
        let w = [1.8, 0.2];
        let s = Weighted::new(&l, Some(&w));
        assert_eq!(s.var(0.85), 0.0);
        assert_eq!(s.var(0.95), 1.0);
        // ES_0.95 = (0 + 1·(0.05 − 0))/0.05 = 1; ES_0.85 = (0.1·1 + 0·(0.15 − 0.1))/0.15 = 2/3.
        assert!((s.es_measure(0.95, 1.0).value - 1.0).abs() < 1e-12);
        assert!((s.es_measure(0.85, 0.0).value - 2.0 / 3.0).abs() < 1e-12);
    }
}

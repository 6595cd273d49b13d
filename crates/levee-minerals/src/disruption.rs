//! Sampling disruption episodes for one path.
//!
//! A process is turned into a list of episodes `[start, end)` in month indices
//! with a severity. Whole sojourns are sampled (one uniform per up or down
//! spell) rather than one Bernoulli per month: the law is the same and the
//! draws are fewer. Every uniform is addressed by identity:
//! `(seed, "minerals/process", process index) × (path, sojourn or arrival index, k)`.

use levee_rng::Stream;

use crate::config::{Duration, Process};

/// A disruption episode: months `start..end` have `severity` of the flow cut.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Episode {
    /// First month (index from the start of the horizon).
    pub start: u32,
    /// One past the last month.
    pub end: u32,
    /// Share of the flow cut.
    pub severity: f64,
}

/// Length of a geometric spell on {1, 2, …} that ends each month with
/// probability `q`: P(L = k) = (1−q)^(k−1) q. By inversion,
/// L = 1 + ⌊ln U / ln(1−q)⌋, since P(L > n) = P(U ≤ (1−q)^n) = (1−q)^n.
///
/// `q = 0` never ends (returns `u32::MAX`); `q = 1` always lasts one month.
///
/// ```
/// use levee_minerals::geometric_months;
/// assert_eq!(geometric_months(1.0, 0.3), 1);
/// assert_eq!(geometric_months(0.0, 0.3), u32::MAX);
/// // U = 0.5, q = 0.5: ln 0.5 / ln 0.5 = 1 → L = 2.
/// assert_eq!(geometric_months(0.5, 0.5), 2);
/// ```
#[inline]
pub fn geometric_months(q: f64, u: f64) -> u32 {
    if q >= 1.0 {
        return 1;
    }
    if q <= 0.0 {
        return u32::MAX;
    }
    let k = (u.ln() / (-q).ln_1p()).floor();
    if k >= (u32::MAX - 1) as f64 {
        u32::MAX
    } else {
        1 + k as u32
    }
}

/// Append the episodes of `process` on `path` over `horizon` months to `out`.
pub fn sample(process: &Process, stream: &Stream, path: u64, horizon: u32, out: &mut Vec<Episode>) {
    match *process {
        Process::Markov {
            alpha,
            beta,
            severity,
            stationary,
        } => {
            // Initial state: down with the stationary probability α/(α+β).
            let mut down = stationary && stream.uniform(path, 0, 1) < alpha / (alpha + beta);
            let mut t: u32 = 0;
            let mut j: u32 = 0;
            while t < horizon {
                let q = if down { beta } else { alpha };
                let len = geometric_months(q, stream.uniform(path, j, 0));
                let end = t.saturating_add(len).min(horizon);
                if down && severity > 0.0 {
                    out.push(Episode {
                        start: t,
                        end,
                        severity,
                    });
                }
                t = end;
                down = !down;
                j += 1;
            }
        }
        Process::Arrivals {
            rate_per_year,
            duration,
            severity_min,
            severity_max,
        } => {
            if rate_per_year <= 0.0 {
                return;
            }
            let mean_gap = 12.0 / rate_per_year;
            let mut tau = 0.0f64;
            let mut j: u32 = 0;
            loop {
                let [u0, u1] = stream.uniform_pair(path, j, 0);
                tau += -u0.ln() * mean_gap;
                if tau >= horizon as f64 {
                    break;
                }
                let start = tau.floor() as u32;
                let len = match duration {
                    Duration::Fixed(n) => n.max(1),
                    Duration::Geometric(mean) => geometric_months(1.0 / mean.max(1.0), u1),
                    Duration::Lognormal { median, sigma } => {
                        let x = (median * (sigma * levee_rng::normal_inv_cdf(u1)).exp()).ceil();
                        if x >= u32::MAX as f64 {
                            u32::MAX
                        } else {
                            (x as u32).max(1)
                        }
                    }
                };
                let severity = if severity_max > severity_min {
                    severity_min + (severity_max - severity_min) * stream.uniform(path, j, 2)
                } else {
                    severity_min
                };
                if severity > 0.0 {
                    out.push(Episode {
                        start,
                        end: start.saturating_add(len).min(horizon),
                        severity,
                    });
                }
                j += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Geometric spell lengths by inversion have mean 1/q and P(L = 1) = q.
    /// With n = 200 000 draws, s.e. of the mean = sqrt((1−q)/q²/n); accept 5 s.e.
    #[test]
    fn geometric_law() {
        let s = Stream::new(3, "test/geometric");
        let n = 200_000u64;
        for q in [0.05, 0.3, 0.9] {
            let (mut sum, mut ones) = (0.0, 0u64);
            for p in 0..n {
                let l = geometric_months(q, s.uniform(p, 0, 0));
                sum += l as f64;
                ones += (l == 1) as u64;
            }
            let mean = sum / n as f64;
            let se = ((1.0 - q) / (q * q) / n as f64).sqrt();
            assert!((mean - 1.0 / q).abs() < 5.0 * se, "q={q}: {mean}");
            let p1 = ones as f64 / n as f64;
            assert!((p1 - q).abs() < 5.0 * (q * (1.0 - q) / n as f64).sqrt());
        }
    }

    /// Markov episodes tile the horizon without overlap and lie inside it.
    #[test]
    fn markov_episodes_are_disjoint_and_inside() {
        let s = Stream::new(1, "test/markov");
        let p = Process::Markov {
            alpha: 0.3,
            beta: 0.2,
            severity: 0.7,
            stationary: true,
        };
        for path in 0..200 {
            let mut v = Vec::new();
            sample(&p, &s, path, 50, &mut v);
            for w in v.windows(2) {
                assert!(
                    w[0].end < w[1].start,
                    "gap of at least one up month between spells"
                );
            }
            assert!(
                v.iter()
                    .all(|e| e.start < e.end && e.end <= 50 && e.severity == 0.7)
            );
        }
    }
}

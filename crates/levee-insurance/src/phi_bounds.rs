//! Tabulated bounds of the normal distribution function Φ, for exact
//! accept/reject decisions without evaluating Φ.
//!
//! Why: the simulator's inner loops ask two kinds of question about
//! conditional default probabilities p = Φ(h): "give me an upper bound p̄ ≥ p"
//! (the candidate rate of geometric skipping with thinning, and its hazard
//! −ln(1 − p̄)) and "is x < Φ(h)?" (accepting a candidate, or a political
//! event). Both can be answered from a table of Φ at the nodes of a fine grid
//! in h, because Φ is increasing: for h in [hᵢ, hᵢ₊₁), Φ(hᵢ) ≤ Φ(h) ≤ Φ(hᵢ₊₁).
//! A decision that the table bounds settle is the same decision as comparing
//! with Φ(h) itself (a squeeze); only the few comparisons that fall between
//! the bounds evaluate Φ. The sampled distribution is therefore exactly the
//! one of the full computation, at a fraction of its cost.
//!
//! The bounds carry a relative margin of 10⁻¹² so that the rounding of the
//! computed Φ (relative error ~10⁻¹⁵) can never make a table bound wrong.

use levee_rng::normal_cdf;

/// Lowest grid node: below it the table bounds Φ(h) by Φ(−12) ≈ 1.8e-33.
const H_MIN: f64 = -12.0;
/// Highest grid node: above it Φ(h) > 1 − 10⁻¹⁷ and the upper bound is 1.
const H_MAX: f64 = 8.5;
/// Nodes per unit of h.
const PER_UNIT: f64 = 32.0;
/// Relative safety margin on both bounds.
const MARGIN: f64 = 1e-12;
/// Number of grid nodes.
const NODES: usize = ((H_MAX - H_MIN) * PER_UNIT) as usize + 1;
/// Index of the last interval, [H_MAX, ∞).
const LAST: f64 = NODES as f64;
/// Nodes per unit of h of the fine table, consulted only when a decision
/// falls between the bounds of the coarse one.
const FINE_PER_UNIT: f64 = 512.0;
/// Number of nodes of the fine table.
const FINE_NODES: usize = ((H_MAX - H_MIN) * FINE_PER_UNIT) as usize + 1;
/// Index of the fine table's last interval.
const FINE_LAST: f64 = FINE_NODES as f64;

/// Bounds of Φ on the intervals of a grid (see the module documentation).
#[derive(Clone, Debug)]
pub struct PhiBounds {
    /// Per interval i: [lower bound of Φ, upper bound p̄ of Φ, hazard
    /// −ln(1 − p̄), 1/hazard] (the hazard is ∞ where p̄ = 1); one entry per
    /// look-up.
    entries: Vec<[f64; 4]>,
    /// The lower and upper bounds of Φ on the intervals of a 16 times finer
    /// grid, in single precision rounded outwards (84 KB): a comparison that
    /// the coarse bounds leave open (a few percent of them) is settled here,
    /// and only one in about sixteen of those evaluates Φ.
    fine: Vec<[f32; 2]>,
    /// Per interval, the upper bound p̄ rounded up to the grid of 1/128:
    /// ⌈128·p̄⌉ in every byte of a word, and ⌈128·p̄⌉/128 ([`lane_rate`]).
    lanes: Vec<(u64, f64)>,
}

/// A candidate rate `p` rounded up to the grid of 1/128, for tests in byte
/// lanes of seven random bits: (t in every byte of a word, t/128) with
/// t = ⌈128·p⌉ ∈ [0, 128] (128·p is exact; `p` ∈ [0, 1]).
///
/// ```
/// use levee_insurance::phi_bounds::lane_rate;
/// assert_eq!(lane_rate(0.1), (13 * 0x0101_0101_0101_0101, 13.0 / 128.0));
/// assert_eq!(lane_rate(0.125), (16 * 0x0101_0101_0101_0101, 0.125));
/// assert_eq!(lane_rate(1.0), (0x8080_8080_8080_8080, 1.0));
/// assert_eq!(lane_rate(0.0), (0, 0.0));
/// ```
#[inline]
pub fn lane_rate(p: f64) -> (u64, f64) {
    let x = p * 128.0;
    // ⌈x⌉ without a call to `ceil` (no rounding instruction on the
    // baseline target), at most 128.
    let t = x as u64;
    let t = (t + u64::from((t as f64) < x)).min(128);
    (t * 0x0101_0101_0101_0101, t as f64 / 128.0)
}

/// `v` rounded to single precision towards −∞ (`down`) or +∞.
pub(crate) fn to_f32(v: f64, down: bool) -> f32 {
    let f = v as f32;
    if down && f64::from(f) > v {
        f.next_down()
    } else if !down && f64::from(f) < v {
        f.next_up()
    } else {
        f
    }
}

impl Default for PhiBounds {
    fn default() -> Self {
        Self::new()
    }
}

/// Lower and upper bounds of Φ, with the relative margin, on the intervals
/// of the grid of `nodes` nodes from H_MIN with `per_unit` nodes per unit:
/// interval 0 is (−∞, H_MIN), interval i ∈ 1..nodes is [h_{i−1}, h_i), and
/// interval `nodes` is [h_last, ∞).
fn interval_bounds(per_unit: f64, nodes: usize) -> impl Iterator<Item = (f64, f64)> {
    let phi: Vec<f64> = (0..nodes)
        .map(|i| normal_cdf(H_MIN + i as f64 / per_unit))
        .collect();
    (0..=nodes).map(move |i| {
        let lo = if i == 0 {
            0.0
        } else {
            phi[i - 1] * (1.0 - MARGIN)
        };
        let up = if i == nodes {
            1.0
        } else {
            (phi[i] * (1.0 + MARGIN)).min(1.0)
        };
        (lo, up)
    })
}

/// Interval of `h` on the grid from H_MIN with `per_unit` nodes per unit
/// whose last interval has index `last` (NaN maps to the lowest interval).
#[inline(always)]
fn grid_interval(h: f64, per_unit: f64, last: f64) -> usize {
    let t = (h - H_MIN) * per_unit + 1.0;
    // Clamp to [0.5, last] (NaN fails the first test and becomes 0.5).
    let t = if t > 0.5 { t } else { 0.5 };
    let t = if t < last { t } else { last };
    // Round t − ½ to an integer by adding 2⁵² (whose ulp is 1) and read it
    // from the low mantissa bits. This is ⌊t⌋, except at an exact node
    // where ties-to-even may give ⌊t⌋ − 1: the interval just below, whose
    // bounds also hold at its upper end. Why not `as usize`: the
    // saturating cast costs more than the rest of the look-up, which runs
    // for every band of every path.
    let r = (t - 0.5) + 4_503_599_627_370_496.0;
    (r.to_bits() & ((1 << 52) - 1)) as usize
}

impl PhiBounds {
    /// Build the tables (657 nodes, about 21 KB; and the fine one, 10,497
    /// nodes, about 84 KB).
    pub fn new() -> Self {
        let entries: Vec<[f64; 4]> = interval_bounds(PER_UNIT, NODES)
            .map(|(lo, up)| {
                let hazard = -(-up).ln_1p();
                [lo, up, hazard, 1.0 / hazard]
            })
            .collect();
        let fine = interval_bounds(FINE_PER_UNIT, FINE_NODES)
            .map(|(lo, up)| [to_f32(lo, true), to_f32(up, false)])
            .collect();
        let lanes = entries.iter().map(|e| lane_rate(e[1])).collect();
        PhiBounds {
            entries,
            fine,
            lanes,
        }
    }

    /// Interval of `h` (NaN maps to the lowest interval).
    #[inline]
    fn interval(&self, h: f64) -> usize {
        grid_interval(h, PER_UNIT, LAST)
    }

    /// Interval of `h` in the fine table (as [`PhiBounds::interval`]).
    #[inline]
    fn fine_interval(h: f64) -> usize {
        grid_interval(h, FINE_PER_UNIT, FINE_LAST)
    }

    /// An upper bound p̄ ≥ Φ(h), its hazard −ln(1 − p̄) and the reciprocal of
    /// the hazard (for the position of a candidate without a division).
    ///
    /// ```
    /// let t = levee_insurance::phi_bounds::PhiBounds::new();
    /// let h = -2.5;
    /// let (p, l, inv) = t.upper(h);
    /// assert_eq!(inv, 1.0 / l);
    /// let exact = levee_rng::normal_cdf(h);
    /// assert!(p >= exact && p <= exact * 1.1);
    /// assert_eq!(l, -(-p).ln_1p());
    /// ```
    #[inline]
    pub fn upper(&self, h: f64) -> (f64, f64, f64) {
        let [_, up, hazard, inv] = self.entries[self.interval(h)];
        (up, hazard, inv)
    }

    /// [`lane_rate`] of the upper bound p̄ of [`PhiBounds::upper`].
    #[inline]
    pub fn upper_lanes(&self, h: f64) -> (u64, f64) {
        self.lanes[self.interval(h)]
    }

    /// An approximation of Φ(h): the midpoint of the table's bounds (relative
    /// error below e^{(|h|+1)/32} − 1, about 3% at h = −3). For estimates that
    /// only guide a choice, such as a twisting target.
    #[inline]
    pub fn approx(&self, h: f64) -> f64 {
        let [lo, up, _, _] = self.entries[self.interval(h)];
        0.5 * (lo + up)
    }

    /// Whether `x < Φ(h)`, with Φ(h) = [`levee_rng::normal_cdf`]`(h)`: the same
    /// answer as the direct comparison, evaluating Φ only when `x` falls
    /// between the table's bounds.
    ///
    /// ```
    /// let t = levee_insurance::phi_bounds::PhiBounds::new();
    /// let p = levee_rng::normal_cdf(-1.3);
    /// assert!(t.below(-1.3, p * (1.0 - 1e-9)));
    /// assert!(!t.below(-1.3, p * (1.0 + 1e-9)));
    /// ```
    #[inline]
    pub fn below(&self, h: f64, x: f64) -> bool {
        let [lo, up, _, _] = self.entries[self.interval(h)];
        if x < lo {
            true
        } else if x >= up {
            false
        } else {
            self.below_fine(h, x)
        }
    }

    /// [`PhiBounds::below`] where the coarse bounds leave the decision
    /// open: the fine table's bounds, then Φ itself.
    #[inline(never)]
    fn below_fine(&self, h: f64, x: f64) -> bool {
        let [lo, up] = self.fine[Self::fine_interval(h)];
        if x < f64::from(lo) {
            true
        } else if x >= f64::from(up) {
            false
        } else {
            x < normal_cdf(h)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use levee_rng::Stream;

    /// The bounds hold at and between the nodes, across the whole range and
    /// beyond it, and the squeeze decision equals the direct comparison.
    #[test]
    fn bounds_hold_and_decisions_match_direct_comparison() {
        let t = PhiBounds::new();
        let s = Stream::new(1, "phi-bounds-test");
        let mut between = 0u32;
        let mut between_fine = 0u32;
        for k in 0..200_000u64 {
            let [a, b] = s.uniform_pair(k, 0, 0);
            let h = -14.0 + 24.0 * a;
            let p = normal_cdf(h);
            let (up, l, _) = t.upper(h);
            assert!(up >= p, "upper bound at h = {h}");
            assert!(l >= -(-p).ln_1p());
            let [lo, hi, _, _] = t.entries[t.interval(h)];
            assert!(lo <= p, "lower bound at h = {h}");
            let [flo, fhi] = t.fine[PhiBounds::fine_interval(h)];
            assert!(
                f64::from(flo) <= p && f64::from(fhi) >= p,
                "fine bounds at h = {h}"
            );
            // Probe near p (where decisions are hardest) and far from it.
            for (k, x) in [p * (0.5 + b), p * (1.0 + (b - 0.5) * 1e-6), b]
                .into_iter()
                .enumerate()
            {
                assert_eq!(t.below(h, x), x < p, "h = {h}, x = {x}");
                // Count the probes spread around p (the second kind is
                // within 10⁻⁶ of p, where no table can decide) within the
                // grids (outside them both tables have the same bounds).
                if k == 0 && (H_MIN..H_MAX - 1.0).contains(&h) && x >= lo && x < hi {
                    between += 1;
                    if x >= f64::from(flo) && x < f64::from(fhi) {
                        between_fine += 1;
                    }
                }
            }
        }
        // Grid nodes themselves and the ends of the range.
        for i in 0..=((H_MAX - H_MIN) * PER_UNIT) as usize {
            let h = H_MIN + i as f64 / PER_UNIT;
            assert!(t.upper(h).0 >= normal_cdf(h));
        }
        assert_eq!(t.upper(50.0), (1.0, f64::INFINITY, 0.0));
        assert!(t.upper(-40.0).0 >= normal_cdf(-40.0));
        assert!(t.upper(f64::NAN).0 > 0.0);
        // The squeeze leaves few comparisons to the fine table, and fewer
        // still to Φ itself.
        assert!(between < 30_000, "{between}");
        assert!(between_fine * 8 < between, "{between_fine} of {between}");
    }

    /// The bound is tight: within a factor e^{|h|/32} of Φ in the lower tail.
    #[test]
    fn upper_bound_is_tight() {
        let t = PhiBounds::new();
        for k in 0..=400 {
            let h = -11.0 + 0.0437 * k as f64;
            let ratio = t.upper(h).0 / normal_cdf(h);
            let allowed = ((h.abs() + 1.0) / PER_UNIT).exp() * (1.0 + 1e-9);
            assert!(ratio <= allowed, "h = {h}: ratio {ratio}");
        }
    }
}

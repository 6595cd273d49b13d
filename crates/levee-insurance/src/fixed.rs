//! Fixed-point accumulators for per-policy sums over paths.
//!
//! Why: a per-policy total (expected loss, tail contributions) is a sum over
//! paths that run in chunks on several threads. Floating-point sums depend on
//! the order of their terms; integer sums do not. Each term is rounded once
//! to an integer number of 2⁻³² currency units and summed in 128 bits, so the
//! totals are the same for any thread count, chunk size or shard split.

/// Fixed-point scale of the per-policy accumulators (2⁻³² of a currency unit).
pub(crate) const FIXED: f64 = 4_294_967_296.0;

/// 2⁵²: from here up, every double is an integer.
const TWO52: f64 = 4_503_599_627_370_496.0;

/// `x` in fixed point: `(x·FIXED).round() as i128`, the same integer for
/// every input, without the library conversion of a double to a 128-bit
/// integer (a run converts every claim of every path). Why it is exact: below
/// 2⁵² in magnitude the double is rounded through i64, and from 2⁵² up a
/// double is an integer already, whose value is its mantissa shifted by its
/// exponent.
#[inline]
pub(crate) fn to_fixed(x: f64) -> i128 {
    let v = x * FIXED;
    if v.abs() < TWO52 {
        // Round half away from zero, as `f64::round`: truncate, then step
        // away from zero if the dropped part is at least one half (v − t is
        // exact below 2⁵²).
        let t = v as i64;
        let frac = v - t as f64;
        let r = if frac >= 0.5 {
            t + 1
        } else if frac <= -0.5 {
            t - 1
        } else {
            t
        };
        return r as i128;
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1075;
    if !(0..=74).contains(&exp) {
        // Infinite, NaN, or 2¹²⁷ and beyond: the saturating cast.
        return v as i128;
    }
    let mag = (((bits & ((1 << 52) - 1)) | (1 << 52)) as i128) << exp;
    if v < 0.0 { -mag } else { mag }
}

/// A fixed-point total back in currency units.
pub(crate) fn from_fixed(x: i128) -> f64 {
    x as f64 / FIXED
}

#[cfg(test)]
mod tests {
    use super::*;
    use levee_rng::SplitMix64;

    fn reference(x: f64) -> i128 {
        (x * FIXED).round() as i128
    }

    /// The same integer as the reference formula: on the edges (zeros,
    /// halves, both sides of 2⁵² and of 2¹²⁷ after scaling, non-finite
    /// values) and on 10⁶ doubles spread over magnitudes 2⁻⁴⁰ to 2¹⁰⁰ of
    /// either sign.
    #[test]
    fn equals_rounding_cast() {
        let mut edges = vec![
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for k in [0.5, 1.5, 2.5, 1e6 + 0.5, 0.49999999999999994] {
            edges.push(k / FIXED);
        }
        for e in [52, 63, 64, 126, 127, 128] {
            let b = 2f64.powi(e) / FIXED;
            edges.extend([b, b.next_up(), b.next_down()]);
        }
        let mut rng = SplitMix64::new(5);
        let mut xs = edges.clone();
        xs.extend(edges.iter().map(|x| -x));
        for _ in 0..1_000_000 {
            let w = rng.next_u64();
            let mag = 2f64.powf(-40.0 + 140.0 * ((w >> 11) as f64 / (1u64 << 53) as f64));
            xs.push(if w & 1 == 0 { mag } else { -mag });
        }
        for x in xs {
            assert_eq!(to_fixed(x), reference(x), "x = {x:e}");
        }
    }

    #[test]
    fn round_trip_of_a_whole_unit() {
        assert_eq!(to_fixed(1.5), 6_442_450_944);
        assert_eq!(from_fixed(to_fixed(-1234.25)), -1234.25);
    }
}

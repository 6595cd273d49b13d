//! Standard normal quantile and distribution function.
//!
//! The quantile is Wichura's algorithm AS 241 (PPND16, Applied Statistics 37(3),
//! 1988), accurate to about 1e-16 relative: a fixed sequence of floating-point
//! operations, so the same uniform gives the same normal on every platform.

// The coefficients are printed as published by Wichura (more digits than an
// f64 holds); they round to the same doubles.
#![allow(clippy::excessive_precision)]

/// Evaluate a polynomial with coefficients in increasing order (Horner).
#[inline(always)]
fn poly(c: &[f64; 8], x: f64) -> f64 {
    let mut acc = c[7];
    for i in (0..7).rev() {
        acc = acc * x + c[i];
    }
    acc
}

const A: [f64; 8] = [
    3.387_132_872_796_366_608,
    133.141_667_891_784_377_45,
    1_971.590_950_306_551_442_7,
    13_731.693_765_509_461_125,
    45_921.953_931_549_871_457,
    67_265.770_927_008_700_853,
    33_430.575_583_588_128_105,
    2_509.080_928_730_122_672_7,
];
const B: [f64; 8] = [
    1.0,
    42.313_330_701_600_911_252,
    687.187_007_492_057_908_3,
    5_394.196_021_424_751_107_7,
    21_213.794_301_586_595_867,
    39_307.895_800_092_710_61,
    28_729.085_735_721_942_674,
    5_226.495_278_852_854_561,
];
const C: [f64; 8] = [
    1.423_437_110_749_683_577_34,
    4.630_337_846_156_545_295_9,
    5.769_497_221_460_691_405_5,
    3.647_848_324_763_204_605_04,
    1.270_458_252_452_368_382_58,
    0.241_780_725_177_450_611_77,
    0.022_723_844_989_269_184_583_3,
    7.745_450_142_783_414_076_4e-4,
];
const D: [f64; 8] = [
    1.0,
    2.053_191_626_637_758_821_87,
    1.676_384_830_183_803_849_4,
    0.689_767_334_985_100_004_55,
    0.148_103_976_427_480_074_59,
    0.015_198_666_563_616_457_196_6,
    5.475_938_084_995_344_946e-4,
    1.050_750_071_644_416_843_24e-9,
];
const E: [f64; 8] = [
    6.657_904_643_501_103_777_2,
    5.463_784_911_164_114_369_9,
    1.784_826_539_917_291_335_8,
    0.296_560_571_828_504_891_23,
    0.026_532_189_526_576_123_093,
    1.242_660_947_388_078_438_6e-3,
    2.711_555_568_743_487_578_15e-5,
    2.010_334_399_292_288_132_65e-7,
];
const F: [f64; 8] = [
    1.0,
    0.599_832_206_555_887_937_69,
    0.136_929_880_922_735_805_31,
    0.014_875_361_290_850_614_852_5,
    7.868_691_311_456_132_591e-4,
    1.846_318_317_510_054_681_8e-5,
    1.421_511_758_316_445_888_7e-7,
    2.044_263_103_389_939_785_64e-15,
];

/// The standard normal quantile Φ⁻¹(p) for p in (0, 1).
///
/// Returns −∞ for p ≤ 0 and +∞ for p ≥ 1, NaN for NaN.
///
/// ```
/// use levee_rng::normal_inv_cdf;
/// assert_eq!(normal_inv_cdf(0.5), 0.0);
/// assert!((normal_inv_cdf(0.975) - 1.959_963_984_540_054).abs() < 1e-14);
/// ```
pub fn normal_inv_cdf(p: f64) -> f64 {
    if p.is_nan() {
        return f64::NAN;
    }
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    let r0 = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r0.ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 { -x } else { x }
}

/// The standard normal distribution function Φ(x) = erfc(−x/√2)/2 (statrs' erfc).
///
/// ```
/// assert!((levee_rng::normal_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-11);
/// ```
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{ContinuousCDF, Normal};

    #[test]
    fn quantile_matches_statrs_across_regions() {
        let n = Normal::new(0.0, 1.0).unwrap();
        for &p in &[
            1e-300, 1e-20, 1e-10, 1e-5, 0.001, 0.02, 0.075, 0.1, 0.3, 0.5, 0.7, 0.925, 0.99,
            0.999_999,
        ] {
            let a = normal_inv_cdf(p);
            let b = n.inverse_cdf(p);
            assert!(
                (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                "p={p}: {a} vs {b}"
            );
        }
    }

    #[test]
    fn cdf_matches_statrs_and_round_trips() {
        let n = Normal::new(0.0, 1.0).unwrap();
        for i in -80..=80 {
            let x = i as f64 * 0.1;
            let a = normal_cdf(x);
            let b = n.cdf(x);
            assert!((a - b).abs() <= 1e-14 + 1e-12 * b, "x={x}: {a} vs {b}");
            if (-7.0..=5.0).contains(&x) {
                assert!((normal_inv_cdf(a) - x).abs() < 1e-8, "round trip at {x}");
            }
        }
    }

    #[test]
    fn symmetric_and_monotone() {
        let mut last = f64::NEG_INFINITY;
        for i in 1..1000 {
            let p = i as f64 / 1000.0;
            let x = normal_inv_cdf(p);
            assert!(x > last);
            last = x;
            assert!((x + normal_inv_cdf(1.0 - p)).abs() < 1e-12);
        }
    }
}

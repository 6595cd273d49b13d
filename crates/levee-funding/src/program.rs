//! Budget lines: how much a program appropriates in a fiscal year and when it
//! is paid out.
//!
//! A program is a mix of components, any of which may be zero:
//! - **steady**: a base allocation every year, times an execution factor with
//!   mean 1 and coefficient of variation `execution_cv` (lognormal);
//! - **ad hoc**: each year a package passes with probability
//!   `ad_hoc_probability`, its size lognormal with mean `ad_hoc_mean` and
//!   coefficient of variation `ad_hoc_cv`;
//! - **one-time**: a lump sum in one fiscal year;
//!
//! (steady and ad hoc start in `from_year`, the first year of the run by default)
//! - **schedule**: amounts already enacted, by fiscal year.
//!
//! Political and fiscal shocks act on the first three (the planned part): in a
//! year the line is frozen (nothing appropriated) with probability
//! `freeze_probability` or in the listed `frozen_years`, else cut by
//! `cut_fraction` with probability `cut_probability`. Enacted schedule amounts
//! are neither shocked nor rescaled. An appropriation in year τ is disbursed
//! as `disbursement[k]` of it in year τ + k (multi-year funds, 基金).

use levee_rng::{Stream, normal_inv_cdf};

use crate::{lognormal_sigma, lognormal_with_sigma};

/// The budget a line belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// The initial (regular) budget, passed before the fiscal year starts.
    Initial,
    /// A supplementary (extra) budget, passed during the year.
    Supplementary,
}

impl LineKind {
    /// `"initial"` or `"supplementary"`.
    pub fn name(self) -> &'static str {
        match self {
            LineKind::Initial => "initial",
            LineKind::Supplementary => "supplementary",
        }
    }
}

/// A budget line.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// Name.
    pub name: String,
    /// Initial or supplementary budget.
    pub kind: LineKind,
    /// Share of each appropriation that goes to each project (by project index);
    /// the rest goes to uses outside the model.
    pub allocation: Vec<f64>,
    /// Share of an appropriation paid out in its year (index 0) and later years.
    pub disbursement: Vec<f64>,
    /// Steady base allocation per year (yen).
    pub steady: f64,
    /// Coefficient of variation of the steady line's execution.
    pub execution_cv: f64,
    /// Probability that an ad hoc package passes in a year.
    pub ad_hoc_probability: f64,
    /// Mean size of an ad hoc package (yen).
    pub ad_hoc_mean: f64,
    /// Coefficient of variation of an ad hoc package's size.
    pub ad_hoc_cv: f64,
    /// One-time lump sum (yen).
    pub one_time: f64,
    /// Grid index of the fiscal year of the lump sum.
    pub one_time_year: usize,
    /// Grid index of the first year of the steady and ad hoc components.
    pub from_year: usize,
    /// Enacted amounts by grid year (yen).
    pub schedule: Vec<f64>,
    /// Probability per year that the line is frozen.
    pub freeze_probability: f64,
    /// Probability per year that the line is cut.
    pub cut_probability: f64,
    /// Fraction removed by a cut.
    pub cut_fraction: f64,
    /// Years frozen for certain, by grid index.
    pub frozen: Vec<bool>,
    /// Factor applied to the planned (steady, ad hoc, one-time) part, set by
    /// the section's `equal_total`; 1 otherwise.
    pub scale: f64,
}

/// The lognormal `σ = sqrt(ln(1 + cv²))` of a line's execution factor and
/// package size, computed once per run rather than once per draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sigmas {
    /// `σ` of the execution factor.
    pub execution: f64,
    /// `σ` of the package size.
    pub ad_hoc: f64,
}

/// The uniforms that drive one program in one fiscal year. Their meaning is
/// fixed by position, so two regimes whose program `q` reads the same address
/// see the same numbers (common random numbers).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YearDraws {
    /// Execution factor of the steady line (k = 0).
    pub execution: f64,
    /// Whether an ad hoc package passes (k = 1).
    pub ad_hoc_pass: f64,
    /// Size of the package (k = 2).
    pub ad_hoc_size: f64,
    /// Freeze (k = 3).
    pub freeze: f64,
    /// Cut (k = 4).
    pub cut: f64,
}

impl YearDraws {
    /// The draws of program stream `stream` on `path` in fiscal year `fy`
    /// (the calendar year in which it starts, so a fiscal year keeps its draws
    /// if the horizon moves).
    #[inline]
    pub fn at(stream: &Stream, path: u64, fy: i32) -> Self {
        Self::blocks(stream, path, fy, [true; 3])
    }

    /// Like [`YearDraws::at`], computing only the Philox blocks marked in
    /// `need` (block 0: execution and package passage; 1: package size and
    /// freeze; 2: cut). Draws of skipped blocks are 0.5 and must not be read;
    /// a draw that is read is the same whichever blocks are skipped.
    #[inline]
    pub fn blocks(stream: &Stream, path: u64, fy: i32, need: [bool; 3]) -> Self {
        let step = fy as u32;
        let pair = |b: u32| {
            if need[b as usize] {
                stream.uniform_pair(path, step, b)
            } else {
                [0.5, 0.5]
            }
        };
        let [execution, ad_hoc_pass] = pair(0);
        let [ad_hoc_size, freeze] = pair(1);
        let [cut, _] = pair(2);
        YearDraws {
            execution,
            ad_hoc_pass,
            ad_hoc_size,
            freeze,
            cut,
        }
    }
}

/// Normal quantiles and lognormal factors computed from one [`YearDraws`],
/// kept so that the lines of several regimes that read the same draws (the
/// same program position) compute each of them once. A cached value is the
/// result of exactly the operations it replaces, so results are bit-identical.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FactorCache {
    /// `Φ⁻¹(execution)`.
    exec_z: Option<f64>,
    /// `(σ bits, execution factor)`.
    exec: Option<(u64, f64)>,
    /// `Φ⁻¹(ad_hoc_size)`.
    size_z: Option<f64>,
    /// `(σ bits, z bits, exp(σ z − σ²/2))`.
    size: Option<(u64, u64, f64)>,
}

impl FactorCache {
    /// `lognormal_with_sigma(1, σ, Φ⁻¹(u))`, the steady line's execution factor.
    #[inline]
    fn execution(&mut self, sigma: f64, u: f64) -> f64 {
        if let Some((s, e)) = self.exec
            && s == sigma.to_bits()
        {
            return e;
        }
        let z = *self.exec_z.get_or_insert_with(|| normal_inv_cdf(u));
        let e = lognormal_with_sigma(1.0, sigma, z);
        self.exec = Some((sigma.to_bits(), e));
        e
    }

    /// `lognormal_with_sigma(mean, σ, z)` with `z = Φ⁻¹(u)` if `random`, else 0.
    #[inline]
    fn ad_hoc(&mut self, mean: f64, random: bool, sigma: f64, u: f64) -> f64 {
        if sigma == 0.0 {
            return mean;
        }
        let z = if random {
            *self.size_z.get_or_insert_with(|| normal_inv_cdf(u))
        } else {
            0.0
        };
        // `lognormal_with_sigma(mean, σ, z) = mean · exp(σ z − σ²/2)`: the
        // factor does not depend on the mean.
        let f = match self.size {
            Some((s, zb, f)) if s == sigma.to_bits() && zb == z.to_bits() => f,
            _ => {
                let f = lognormal_with_sigma(1.0, sigma, z);
                self.size = Some((sigma.to_bits(), z.to_bits(), f));
                f
            }
        };
        mean * f
    }
}

impl Program {
    /// Which Philox blocks of [`YearDraws::blocks`] this line reads.
    pub fn blocks_needed(&self) -> [bool; 3] {
        let exec = self.steady > 0.0 && self.execution_cv > 0.0;
        let ad_hoc = self.ad_hoc_mean > 0.0;
        [
            exec || ad_hoc,
            (ad_hoc && self.ad_hoc_cv > 0.0) || self.freeze_probability > 0.0,
            self.cut_probability > 0.0,
        ]
    }

    /// Which Philox blocks of [`YearDraws::blocks`] this line reads in grid
    /// year `t`: none in a year frozen for certain (nothing is drawn) or
    /// before `from_year` outside the one-time year (the planned part is 0,
    /// so the appropriation is the enacted amount whatever the draws);
    /// only the shock blocks in a one-time year before `from_year`; else
    /// [`Program::blocks_needed`].
    pub(crate) fn blocks_needed_in(&self, t: usize) -> [bool; 3] {
        if self.frozen.get(t).copied().unwrap_or(false) {
            return [false; 3];
        }
        if t < self.from_year {
            if t != self.one_time_year {
                return [false; 3];
            }
            return [
                false,
                self.freeze_probability > 0.0,
                self.cut_probability > 0.0,
            ];
        }
        self.blocks_needed()
    }

    /// Planned part (before shocks and scaling) in grid year `t`.
    #[inline]
    fn planned(&self, t: usize, d: &YearDraws, sig: &Sigmas, c: &mut FactorCache) -> f64 {
        let mut a = 0.0;
        if t < self.from_year {
            return if t == self.one_time_year {
                self.one_time
            } else {
                0.0
            };
        }
        if self.steady > 0.0 {
            let e = if self.execution_cv > 0.0 {
                c.execution(sig.execution, d.execution)
            } else {
                1.0
            };
            a += self.steady * e;
        }
        if self.ad_hoc_mean > 0.0 && d.ad_hoc_pass < self.ad_hoc_probability {
            a += c.ad_hoc(
                self.ad_hoc_mean,
                self.ad_hoc_cv > 0.0,
                sig.ad_hoc,
                d.ad_hoc_size,
            );
        }
        if t == self.one_time_year {
            a += self.one_time;
        }
        a
    }

    /// The shock factor in grid year `t`: 0 if frozen, `1 − cut_fraction` if
    /// cut, else 1.
    #[inline]
    pub fn shock(&self, t: usize, d: &YearDraws) -> f64 {
        if self.frozen.get(t).copied().unwrap_or(false) || d.freeze < self.freeze_probability {
            0.0
        } else if d.cut < self.cut_probability {
            1.0 - self.cut_fraction
        } else {
            1.0
        }
    }

    /// The amount appropriated in grid year `t` (yen).
    #[inline]
    pub fn appropriation(&self, t: usize, d: &YearDraws) -> f64 {
        self.appropriation_with(t, d, &self.sigmas())
    }

    /// The lognormal `σ`s of this line (see [`Sigmas`]).
    pub fn sigmas(&self) -> Sigmas {
        Sigmas {
            execution: lognormal_sigma(self.execution_cv),
            ad_hoc: lognormal_sigma(self.ad_hoc_cv),
        }
    }

    /// [`Program::appropriation`] with the `σ`s computed once by
    /// [`Program::sigmas`] (bit-identical, faster in a loop).
    #[inline]
    pub fn appropriation_with(&self, t: usize, d: &YearDraws, sig: &Sigmas) -> f64 {
        self.appropriation_cached(t, d, sig, &mut FactorCache::default())
    }

    /// [`Program::appropriation_with`] reusing the normal quantiles and
    /// lognormal factors already computed from the same draws `d` by another
    /// line (the same program position in another regime): bit-identical.
    #[inline]
    pub(crate) fn appropriation_cached(
        &self,
        t: usize,
        d: &YearDraws,
        sig: &Sigmas,
        c: &mut FactorCache,
    ) -> f64 {
        let enacted = self.schedule.get(t).copied().unwrap_or(0.0);
        let z = self.shock(t, d);
        if z == 0.0 {
            return enacted;
        }
        z * self.scale * self.planned(t, d, sig, c) + enacted
    }

    /// `(E[Z], E[Z²])` of the shock factor in year `t`.
    fn shock_moments(&self, t: usize) -> (f64, f64) {
        if self.frozen.get(t).copied().unwrap_or(false) {
            return (0.0, 0.0);
        }
        let live = 1.0 - self.freeze_probability;
        let (p, c) = (self.cut_probability, self.cut_fraction);
        (
            live * (1.0 - p * c),
            live * (1.0 - p + p * (1.0 - c) * (1.0 - c)),
        )
    }

    /// `(E[Y], E[Y²])` of the planned part in year `t` (before shock and scale).
    fn planned_moments(&self, t: usize) -> (f64, f64) {
        let one = if t == self.one_time_year {
            self.one_time
        } else {
            0.0
        };
        if t < self.from_year {
            return (one, one * one);
        }
        let (p, m, c) = (self.ad_hoc_probability, self.ad_hoc_mean, self.ad_hoc_cv);
        let mean = self.steady + p * m + one;
        let var = self.steady * self.steady * self.execution_cv * self.execution_cv
            + p * m * m * (1.0 + c * c)
            - p * p * m * m;
        (mean, var.max(0.0) + mean * mean)
    }

    /// Expected planned-and-shocked part in year `t` at scale 1 (the part that
    /// `equal_total` rescales).
    pub fn scalable_mean(&self, t: usize) -> f64 {
        self.shock_moments(t).0 * self.planned_moments(t).0
    }

    /// Expected appropriation in year `t`, in closed form.
    pub fn mean_appropriation(&self, t: usize) -> f64 {
        self.scale * self.scalable_mean(t) + self.schedule.get(t).copied().unwrap_or(0.0)
    }

    /// Variance of the appropriation in year `t`, in closed form:
    /// `k² (E[Z²] E[Y²] − E[Z]² E[Y]²)` for independent shock `Z` and planned
    /// part `Y` (the enacted schedule is a constant).
    pub fn var_appropriation(&self, t: usize) -> f64 {
        let (z1, z2) = self.shock_moments(t);
        let (y1, y2) = self.planned_moments(t);
        (self.scale * self.scale * (z2 * y2 - z1 * z1 * y1 * y1)).max(0.0)
    }
}

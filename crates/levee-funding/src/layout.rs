//! The work of one path, laid out once per run.
//!
//! Every regime runs on the same draws, so regimes that share a budget line
//! or fund a project the same way compute the same numbers. The layout lists
//! each *distinct* line and each *distinct* project simulation once, with the
//! index every regime reads it from, so that a path computes each of them
//! once and copies nothing. It also records which appropriations do not
//! depend on the draws at all (enacted schedules, years before a line
//! starts): those are computed here once, not on every path.

use levee_rng::u64_to_open01;

use crate::{Program, Sigmas, YearDraws};

/// A distinct budget line: the first regime's line among those at the same
/// program position that are the same line (they read the same draws, so
/// they appropriate and pay the same amounts on every path).
#[derive(Clone, Debug)]
pub(crate) struct LineJob {
    /// Regime of the first such line.
    pub r: usize,
    /// Program position (it selects the draws).
    pub q: usize,
    /// By grid year: the appropriation if it is the same whatever the draws
    /// (see [`fixed_appropriation`]), else `None`.
    pub fixed: Vec<Option<f64>>,
    /// Every year is fixed: the line's appropriations and payments are the
    /// same on every path and are computed once per chunk.
    pub constant: bool,
}

/// A distinct project simulation: the first regime in which a project is
/// funded in a given way (see `FundingSim::project_src`).
#[derive(Clone, Debug)]
pub(crate) struct ProjectJob {
    /// Regime.
    pub r: usize,
    /// Project.
    pub i: usize,
    /// `(allocation share, line job)` of every line of regime `r` that
    /// allocates a positive share to project `i`, in program order (the order
    /// of the floating-point sum of its disbursements).
    pub funding: Vec<(f64, usize)>,
    /// The baseline's job for the same project, if the paired differences
    /// with the baseline are accumulated per path (not a copy, not the
    /// baseline, not the same outcome as the baseline).
    pub pair_with: Option<usize>,
}

/// Distinct lines and project simulations of a model, and where each
/// regime's line and project reads them.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    /// Distinct lines, in regime then program order.
    pub lines: Vec<LineJob>,
    /// `[regime][program]`: index into `lines`.
    pub line_of: Vec<Vec<usize>>,
    /// Distinct project simulations, in regime then project order.
    pub projects: Vec<ProjectJob>,
    /// `[regime][project]`: index into `projects`.
    pub project_of: Vec<Vec<usize>>,
}

/// The appropriation of `p` in grid year `t` if it is the same, bit for bit,
/// for every draw; `None` otherwise.
///
/// Only a year that reads no Philox block qualifies ([`Program::blocks_needed_in`]):
/// then no normal quantile is taken and the draws enter only through
/// comparisons `u < probability` (freeze, cut, package passage), each of
/// which is monotone in `u`. Every reachable outcome of those comparisons is
/// therefore produced by some combination of the smallest and the largest
/// uniform the generator can return, and the year is fixed if all 32
/// combinations give the same bits.
pub(crate) fn fixed_appropriation(p: &Program, t: usize, sig: &Sigmas) -> Option<f64> {
    if p.blocks_needed_in(t) != [false; 3] {
        return None;
    }
    let (lo, hi) = (u64_to_open01(0), u64_to_open01(u64::MAX));
    let mut value: Option<f64> = None;
    for bits in 0u32..32 {
        let pick = |k: u32| if bits >> k & 1 == 1 { hi } else { lo };
        let d = YearDraws {
            execution: pick(0),
            ad_hoc_pass: pick(1),
            ad_hoc_size: pick(2),
            freeze: pick(3),
            cut: pick(4),
        };
        let a = p.appropriation_with(t, &d, sig);
        match value {
            None => value = Some(a),
            Some(v) if v.to_bits() == a.to_bits() => {}
            Some(_) => return None,
        }
    }
    value
}

impl Layout {
    /// The layout of `model` given, for each regime's line and project, the
    /// earlier regime it is a copy of (`program_src`, `project_src`, as
    /// built by `FundingSim::new`) and the `σ`s of each line.
    pub(crate) fn new(
        model: &crate::FundingModel,
        program_src: &[Vec<Option<usize>>],
        project_src: &[Vec<Option<usize>>],
        sigmas: &[Vec<Sigmas>],
    ) -> Self {
        let years = model.grid.years;
        let mut lines = Vec::new();
        let mut line_of: Vec<Vec<usize>> = Vec::with_capacity(model.regimes.len());
        for (r, g) in model.regimes.iter().enumerate() {
            let mut of = Vec::with_capacity(g.programs.len());
            for (q, p) in g.programs.iter().enumerate() {
                match program_src[r][q] {
                    // A copy reads the line of the earlier regime (itself
                    // resolved to its first occurrence).
                    Some(r0) => of.push(line_of[r0][q]),
                    None => {
                        let fixed: Vec<Option<f64>> = (0..years)
                            .map(|t| fixed_appropriation(p, t, &sigmas[r][q]))
                            .collect();
                        of.push(lines.len());
                        lines.push(LineJob {
                            r,
                            q,
                            constant: fixed.iter().all(Option::is_some),
                            fixed,
                        });
                    }
                }
            }
            line_of.push(of);
        }
        let np = model.projects.len();
        let mut projects = Vec::new();
        let mut project_of: Vec<Vec<usize>> = Vec::with_capacity(model.regimes.len());
        for (r, g) in model.regimes.iter().enumerate() {
            let mut of = Vec::with_capacity(np);
            for i in 0..np {
                match project_src[r][i] {
                    Some(r0) => of.push(project_of[r0][i]),
                    None => {
                        let funding = g
                            .programs
                            .iter()
                            .enumerate()
                            .filter_map(|(q, p)| {
                                let a = p.allocation.get(i).copied().unwrap_or(0.0);
                                (a > 0.0).then_some((a, line_of[r][q]))
                            })
                            .collect();
                        of.push(projects.len());
                        projects.push(ProjectJob {
                            r,
                            i,
                            funding,
                            pair_with: None,
                        });
                    }
                }
            }
            project_of.push(of);
        }
        // Paired differences per path: a job outside the baseline whose
        // outcome is not the baseline's own (a job *is* its outcome, so the
        // same job means the same outcome on every path).
        let b = model.baseline;
        for job in &mut projects {
            let base = project_of[b][job.i];
            if job.r != b && project_of[job.r][job.i] != base {
                job.pair_with = Some(base);
            }
        }
        Layout {
            lines,
            line_of,
            projects,
            project_of,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LineKind;
    use levee_rng::Stream;

    /// A line with every component: steady from grid year 3, a one-time sum
    /// in year 1, an enacted schedule, freezes, cuts, and year 5 frozen.
    fn line() -> Program {
        let mut frozen = vec![false; 10];
        frozen[5] = true;
        Program {
            name: "x".into(),
            kind: LineKind::Initial,
            allocation: vec![1.0],
            disbursement: vec![1.0],
            steady: 50.0,
            execution_cv: 0.2,
            ad_hoc_probability: 0.4,
            ad_hoc_mean: 30.0,
            ad_hoc_cv: 0.5,
            one_time: 70.0,
            one_time_year: 1,
            from_year: 3,
            schedule: vec![5.0; 10],
            freeze_probability: 0.3,
            cut_probability: 0.6,
            cut_fraction: 0.25,
            frozen,
            scale: 1.5,
        }
    }

    #[test]
    fn fixed_years_are_the_same_for_every_draw() {
        let p = line();
        let sig = p.sigmas();
        let fixed: Vec<Option<f64>> = (0..10).map(|t| fixed_appropriation(&p, t, &sig)).collect();
        // Before `from_year` outside the one-time year: the schedule; year 5
        // frozen for certain: the schedule; the one-time year draws its
        // freeze and cut, and the later years everything.
        let expect = [
            true, false, true, false, false, true, false, false, false, false,
        ];
        for (t, (f, e)) in fixed.iter().zip(expect).enumerate() {
            assert_eq!(f.is_some(), e, "year {t}");
            if let Some(v) = f {
                assert_eq!(*v, 5.0, "year {t}");
            }
        }
        // Against many real draws: a fixed year gives its value bit for bit.
        let s = Stream::new(3, "layout-test");
        for path in 0..2000 {
            for (t, f) in fixed.iter().enumerate() {
                let d = YearDraws::at(&s, path, 2025 + t as i32);
                if let Some(v) = f {
                    assert_eq!(p.appropriation_with(t, &d, &sig).to_bits(), v.to_bits());
                }
            }
        }
    }

    #[test]
    fn a_year_that_reads_draws_is_never_fixed() {
        // Freeze and cut only, no planned part: the year reads blocks 1 and 2.
        let mut p = line();
        p.steady = 0.0;
        p.ad_hoc_mean = 0.0;
        p.one_time = 0.0;
        let sig = p.sigmas();
        assert_eq!(fixed_appropriation(&p, 4, &sig), None);
        // Without shocks and planned part the year is fixed at the schedule.
        p.freeze_probability = 0.0;
        p.cut_probability = 0.0;
        assert_eq!(fixed_appropriation(&p, 4, &sig), Some(5.0));
    }
}

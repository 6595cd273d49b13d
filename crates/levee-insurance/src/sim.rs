//! The path simulator: a multi-factor Gaussian or Student-t copula over
//! obligors, country political events, stochastic (beta) LGD correlated with
//! the systematic factor, and an optional importance-sampling factor shift.
//!
//! Exact reformulation used for speed (docs/models/insurance.md §3.3):
//! given the factors, obligors are independent Bernoulli(p_u(z)). Obligors of
//! one (country, sector) cell share the systematic value y and scale b; sorted
//! by PD and grouped in *bands*, they form one sequence of Bernoulli trials at
//! candidate rates p̄ (an upper bound, from a table, of the conditional PDs of
//! each band), walked by **geometric skipping with thinning**: the next
//! candidate is where the cumulative hazard Σ −ln(1 − p̄) passes an Exp(1)
//! variable, and a candidate u is accepted with probability p_u(z)/p̄. Each
//! obligor then defaults with probability exactly p_u(z), independently, at a
//! cost proportional to cells + bands + candidates instead of obligors.
//! Bands of high PD ([`DENSE_PD`]), where candidates are frequent, are not
//! walked: their obligors are tested eight at a time in the bytes of one
//! random word, at a candidate rate rounded up to 1/128, and thinned the
//! same way ([`Sim::dense_candidates`]).

use levee_rng::{ExpZiggurat, Stream, WyRand, normal_cdf, u32_to_open01};
use rand_distr::{Binomial, Distribution, StandardNormal};

use crate::phi_bounds::{PhiBounds, lane_rate, to_f32};
use crate::score_table::ScoreTable;
use crate::special::BetaTable;

/// Grid of a cell's normalised systematic value y/sd for the tabulated
/// total hazards: HZ_NODES nodes from HZ_LO in steps of HZ_STEP.
const HZ_LO: f64 = -8.0;
const HZ_STEP: f64 = 1.0 / 16.0;
const HZ_NODES: usize = 257;
/// How far below its node (in units of sd) each node's hazard is tabulated
/// ([`Sim::build_cell_hazards`]).
const HZ_GUARD: f64 = 1e-9;

/// Unconditional PD from which a band's obligors are tested in byte lanes
/// ([`Sim::dense_candidates`]) instead of walked. Why: the walk costs a band
/// visit and about 75 instructions per candidate, with a branch on each gap
/// that the processor cannot predict; a lane test costs about nine
/// instructions per obligor (its share of a word and of its band's
/// threshold look-up), about 40 per candidate, and no branch on a draw
/// until the candidates are read, so it is the cheaper of the two where
/// candidates are frequent. Any value gives the
/// same distribution (docs/models/insurance.md §3.3).
pub const DENSE_PD: f64 = 0.04;

/// Index of the cells' key sequence whose output keys a path's lane words
/// ([`Sim::dense_candidates`]).
const DENSE_KEY: u64 = 1 << 32;
/// Bit of a lane-word counter that marks a candidate's word ([`DenseWord::ctr`]).
const DENSE_CAND: u64 = 1 << 63;

/// Bit of a lane-word counter that marks a group's count ([`Group::key`]).
const GROUP_DRAW: u64 = 1 << 62;

/// Fewest obligors of a dense band that form a [`Group`] when they are
/// exchangeable. Chosen, not tuned: 32 obligors at 4–5% cost the lane test
/// about as much (≈ 2.4 instructions per obligor and 100 per candidate) as
/// a count's set-up and draw (≈ 400 per group and path). Any value gives
/// the same distribution (docs/models/insurance.md §3.3).
pub const GROUP_MIN: u32 = 32;

/// Lanes of a dense word: one byte each, seven random bits per lane.
const LANES: usize = 8;
/// The high bit of every byte.
const LANE_HIGH: u64 = 0x8080_8080_8080_8080;

/// Share of the smallest twisting target below which an obligor's weight is
/// not twisted (see [`Sim::set_twist`]).
pub const TWIST_SHARE: f64 = 0.005;

/// Loading set of one (country, sector) cell.
#[derive(Clone, Debug)]
pub struct Cell {
    /// Country index.
    pub country: usize,
    /// Sector index.
    pub sector: usize,
    /// Global loading.
    pub bg: f64,
    /// Country loading.
    pub bc: f64,
    /// Sector loading.
    pub bs: f64,
    /// Idiosyncratic scale √(1 − bg² − bc² − bs²).
    pub b: f64,
    /// 1/b.
    pub inv_b: f64,
    /// Standard deviation of the systematic part √(bg² + bc² + bs²).
    pub sd: f64,
    /// 1/sd (0 where sd = 0, where y is 0 too).
    pub inv_sd: f64,
}

/// What a path reads of a cell (a compact copy of [`Cell`], read in turn
/// for every cell of every path).
#[derive(Clone, Copy, Debug)]
pub struct CellHot {
    /// [`Cell::bg`].
    pub bg: f64,
    /// [`Cell::bc`].
    pub bc: f64,
    /// [`Cell::bs`].
    pub bs: f64,
    /// [`Cell::inv_sd`].
    pub inv_sd: f64,
    /// [`Cell::inv_b`].
    pub inv_b: f64,
    /// [`Cell::country`].
    pub country: u32,
    /// [`Cell::sector`].
    pub sector: u32,
}

/// A run of obligors of one cell with nearby thresholds.
#[derive(Clone, Debug)]
pub struct Band {
    /// Cell index.
    pub cell: u32,
    /// Largest threshold in the band (that of its first obligor).
    pub c_top: f64,
    /// c_top/b, as [`Unit::cb`] of its first obligor.
    pub cb_top: f64,
    /// First obligor (index into `units`).
    pub start: u32,
    /// One past the last obligor.
    pub end: u32,
    /// Largest twisting weight (Σ exposure × mean LGD) of a twisted obligor
    /// in the band (0 if none is twisted; see [`Sim::set_twist`]).
    pub w_max: f64,
    /// Its obligors are tested in byte lanes instead of walked
    /// ([`DENSE_PD`]). A cell's dense bands come first (bands are sorted
    /// by falling PD).
    pub dense: bool,
}

/// What the walk reads of a band (a compact copy of [`Band`]: the walk
/// visits every band of every path).
#[derive(Clone, Copy, Debug)]
pub struct WalkBand {
    /// [`Band::cb_top`].
    pub cb_top: f64,
    /// [`Band::start`].
    pub start: u32,
    /// Number of obligors.
    pub n: u32,
}

/// A dense band ([`Band::dense`]): what the lane test reads of it.
#[derive(Clone, Copy, Debug)]
pub struct DenseBand {
    /// [`Band::cb_top`].
    pub cb_top: f64,
    /// Its cell.
    pub cell: u32,
    /// Its index in `bands` (for its twisting weight).
    pub band: u32,
}

/// A dense band of exchangeable obligors: one threshold, one policy each,
/// the same fixed loss (exposure × LGD) and pipeline flag, no political
/// event cover, at least [`GROUP_MIN`] of them. Given the factors they
/// default independently with one probability p, so the path's loss from
/// them is k × amount with k ~ Binomial(n, p), drawn in one step; it
/// reaches the sink as one claim of id `pols.len() + group index`, and
/// [`Sim::per_policy`] splits the group's totals equally among its
/// policies (each member's conditional expectation given the path).
#[derive(Clone, Copy, Debug)]
pub struct Group {
    /// [`Band::cb_top`], every member's c/b.
    pub cb_top: f64,
    /// Its cell.
    pub cell: u32,
    /// First obligor (members are obligors `start..start + n`).
    pub start: u32,
    /// Number of obligors.
    pub n: u32,
    /// Loss of one member's claim.
    pub amount: f64,
    /// Its policies are in the pipeline.
    pub pipeline: bool,
    /// Every member's twisting weight (its amount).
    pub w: f64,
    /// Its counter in the path's lane sequence, as a word's
    /// ([`DenseWord::ctr`]) for its first obligor; its count reads
    /// `GROUP_DRAW | key`.
    pub key: u64,
}

/// Eight obligors of one dense band, tested with one random word.
#[derive(Clone, Copy, Debug)]
pub struct DenseWord {
    /// The high bit of each lane that holds an obligor (a band's last word
    /// may hold fewer than eight; the padding words at the end, none).
    pub valid: u64,
    /// Its counter in the path's lane sequence: cell·2³² + the position of
    /// its lane 0 among the cell's dense obligors. Lane k's candidate reads
    /// counter `DENSE_CAND | (ctr + k)`. Why per cell: a change to one
    /// cell's obligors leaves every other cell's draws unchanged.
    pub ctr: u64,
    /// Obligor of lane 0; lane k holds obligor `unit0 + k`.
    pub unit0: u32,
    /// Its band (index into `dense`).
    pub dband: u32,
}

/// What a candidate reads of its obligor: its threshold (read by the walk,
/// for the candidate's h), the claim of its first policy and where the
/// claims of its other policies are (one record, 32 bytes: the walk's read
/// brings into the cache what an accepted candidate's first claim reads).
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
pub struct AcceptUnit {
    /// [`Unit::cb`].
    pub cb: f64,
    /// [`ClaimRec::amount`] of its first policy (whose cell is the obligor's).
    pub amount: f64,
    /// Its first policy.
    pub pol: u32,
    /// [`ClaimRec::table`] of its first policy (with its pipeline bit).
    pub table: u32,
    /// Claim records of its other policies: `claims[extra_start..extra_end]`.
    pub extra_start: u32,
    /// See `extra_start`.
    pub extra_end: u32,
}

/// An obligor: its default threshold and the policies that claim on its default.
#[derive(Clone, Debug)]
pub struct Unit {
    /// Default threshold (Φ⁻¹ or t_ν⁻¹ of the horizon PD).
    pub c: f64,
    /// The threshold over the cell's idiosyncratic scale, c/b (c·(1/b)).
    pub cb: f64,
    /// First policy in `unit_pol`.
    pub pol_start: u32,
    /// One past the last.
    pub pol_end: u32,
    /// Twisting weight: Σ exposure × mean LGD of its policies.
    pub w: f64,
}

/// Run-time data of a policy.
#[derive(Clone, Debug)]
pub struct PolRt {
    /// Insured exposure, reporting currency.
    pub exposure: f64,
    /// LGD mean.
    pub lgd: f64,
    /// Index of its beta table, or `u32::MAX` for a fixed LGD.
    pub table: u32,
    /// Cell of the policy.
    pub cell: u32,
    /// Pipeline policy.
    pub pipeline: bool,
}

/// What a claim of one policy needs, stored in the order the claims are
/// read (by obligor, and by event), so that a path's claims read memory
/// forwards instead of jumping between policy records.
#[derive(Clone, Copy, Debug)]
pub struct ClaimRec {
    /// Exposure × LGD for a fixed LGD; exposure for a beta LGD.
    pub amount: f64,
    /// The policy.
    pub pol: u32,
    /// Its cell (for the LGD's systematic part).
    pub cell: u32,
    /// Index of its beta table ([`ClaimRec::FIXED`] for a fixed LGD), with
    /// [`ClaimRec::PIPELINE`] set for a pipeline policy.
    pub table: u32,
}

impl ClaimRec {
    /// Bit of [`ClaimRec::table`]: the policy is in the pipeline.
    pub const PIPELINE: u32 = 1 << 31;
    /// [`ClaimRec::table`] (without the pipeline bit) of a fixed LGD.
    pub const FIXED: u32 = !Self::PIPELINE;

    /// Index of its beta table ([`ClaimRec::FIXED`] for a fixed LGD).
    #[inline(always)]
    fn lgd_table(&self) -> usize {
        (self.table & !Self::PIPELINE) as usize
    }
}

/// Row `row` of a hazard table of HZ_NODES nodes per row
/// ([`Sim::build_cell_hazards`], [`Sim::build_event_hazards`]) at the
/// normalised value `x`: the node ⌊(x − HZ_LO)/HZ_STEP⌋ (or the one below
/// it at a tie), tabulated at a value at or below x, or None below the grid.
#[inline]
fn hazard_bound(table: &[f32], row: usize, x: f64) -> Option<f64> {
    let t = (x - HZ_LO) / HZ_STEP;
    // Below the grid, or NaN.
    if t.is_nan() || t < 0.0 {
        return None;
    }
    // ⌊t⌋ (or ⌊t⌋ − 1 at a tie), within [0, last node], by rounding
    // t − ½ ∈ [0, 255.5] with 2⁵² added (ulp 1) and reading the low mantissa bits:
    // cheaper than a saturating cast, and a lower node only loosens the
    // bound.
    let t = t.clamp(0.5, (HZ_NODES - 1) as f64);
    let r = (t - 0.5) + 4_503_599_627_370_496.0;
    let j = (r.to_bits() & ((1 << 52) - 1)) as usize;
    table.get(row * HZ_NODES + j).map(|&v| f64::from(v))
}

/// The sequence under the 64-bit key made of two words of a Philox block
/// (`lo`, then `hi`).
#[inline]
fn sequence_under(lo: u32, hi: u32) -> WyRand {
    WyRand::new(u64::from(lo) | u64::from(hi) << 32)
}

/// The `j`-th 32-bit word of the keyed sequence `seq`: the low, then the
/// high half of each 64-bit output, so that two claims share one output.
#[inline(always)]
fn word32(seq: WyRand, j: usize) -> u32 {
    (seq.at((j / 2) as u64) >> (32 * (j % 2))) as u32
}

/// A political event of one peril in one country.
#[derive(Clone, Debug)]
pub struct Event {
    /// Threshold Φ⁻¹(q_H) of the latent event variable.
    pub threshold: f64,
    /// Policies in the country that cover the peril.
    pub pols: Vec<u32>,
    /// Their claim records ([`Sim::build_claims`]).
    pub claims: Vec<ClaimRec>,
    /// Twisting weight: Σ exposure × mean LGD of those policies.
    pub w: f64,
    /// Whether the event is twisted (see [`Sim::set_twist`]).
    pub twist: bool,
}

/// A mixture of factor mean shifts for importance sampling.
#[derive(Clone, Debug, Default)]
pub struct Shift {
    /// Components: (mean vector μ_k, probability π_k).
    pub comps: Vec<(Vec<f64>, f64)>,
}

/// The compiled simulator.
#[derive(Clone, Debug)]
pub struct Sim {
    /// Number of countries.
    pub nc: usize,
    /// Number of sectors.
    pub ns: usize,
    /// Lower Cholesky factor of the country-factor correlation (nc × nc, row major).
    pub chol: Vec<f64>,
    /// The nonzero entries of `chol` by row, in column order: (column,
    /// value), and each row's range of them ([`Sim::build_claims`]).
    pub chol_nz: Vec<(u32, f64)>,
    /// See `chol_nz`.
    pub chol_rows: Vec<(u32, u32)>,
    /// Cells.
    pub cells: Vec<Cell>,
    /// Range of `bands` of each cell (bands are sorted by cell).
    pub cell_bands: Vec<(u32, u32)>,
    /// Range of `bands` (and `walk`) of each cell that the walk visits: its
    /// bands that are not dense ([`Sim::build_claims`]).
    pub cell_walk: Vec<(u32, u32)>,
    /// The dense bands, and their obligors eight to a word, the words
    /// padded to a multiple of eight ([`Sim::build_claims`]).
    pub dense: Vec<DenseBand>,
    /// See `dense`.
    pub dense_words: Vec<DenseWord>,
    /// The dense bands of exchangeable obligors, drawn as counts instead of
    /// tested in lanes.
    pub groups: Vec<Group>,
    /// Fewest obligors of a group ([`GROUP_MIN`] unless the model says
    /// otherwise).
    pub group_min: u32,
    /// Bands.
    pub bands: Vec<Band>,
    /// Obligors.
    pub units: Vec<Unit>,
    /// Compact copies of `cells`, `bands` and `units` for the hot loops ([`Sim::build_claims`]).
    pub cell_hot: Vec<CellHot>,
    /// See `cell_hot`.
    pub walk: Vec<WalkBand>,
    /// See `walk`.
    pub accept: Vec<AcceptUnit>,
    /// Policies claiming on each obligor's default, grouped by obligor.
    pub unit_pol: Vec<u32>,
    /// Policies.
    pub pols: Vec<PolRt>,
    /// Claim records of the obligors' policies after their first (whose
    /// claim is in its [`AcceptUnit`]), by obligor ([`Sim::build_claims`]).
    pub claims: Vec<ClaimRec>,
    /// Political events.
    pub events: Vec<Event>,
    /// Beta tables.
    pub tables: Vec<BetaTable>,
    /// Tabulated bounds of Φ for the exact squeeze decisions.
    pub phi: PhiBounds,
    /// Per cell, the walk's total hazard at HZ_NODES values of its
    /// systematic factor ([`Sim::build_cell_hazards`]); empty: not built.
    pub cell_hazard: Vec<f32>,
    /// The events' walk's total hazard at HZ_NODES values of the political
    /// factor ([`Sim::build_event_hazards`]); empty: not built.
    pub event_hazard: Vec<f32>,
    /// Tabulated Φ⁻¹ of 32-bit words for LGD scores.
    pub scores: ScoreTable,
    /// Tables of the Exp(1) gaps of the walk (a sampler whose rare cases
    /// are out of line, so the walk keeps its values in registers).
    pub exp1: ExpZiggurat,
    /// Student-t degrees of freedom (None: Gaussian copula).
    pub nu: Option<u32>,
    /// LGD loading on the normalised systematic factor.
    pub rho_lgd: f64,
    /// Loading of each political event on the common political factor (√ of the correlation).
    pub pol_loading: f64,
    /// 1/√(1 − pol_loading²), the scale of an event's own latent variable.
    pub pol_scale: f64,
    /// IS shift (empty: plain Monte Carlo).
    pub shift: Shift,
    /// Exponential twisting targets x_k (Glasserman & Li step 1), used as an
    /// equal-weight mixture; empty: no twisting. Set with [`Sim::set_twist`].
    pub twist: Vec<f64>,
    /// Obligors with twisting weight w ≥ this are twisted; the others keep
    /// their conditional PDs (∞: none).
    pub twist_cut: f64,
    /// The largest twisting weight of an obligor (0 without obligors).
    pub w_top: f64,
    /// Factor stream: block (path, 0, 0) keys the path's factor normals,
    /// block (path, 1, 0) its Student-t mixing normals.
    pub s_factor: Stream,
    /// Keys of a path's default and event draws: block (path, 0, 0) holds the
    /// cells' key K_c and the events' key K_e. Cell c's first gap (a
    /// ziggurat Exp(1)) starts from the word w_c = WyRand(K_c).at(c);
    /// the cell then reads the [`WyRand`] sequence under key w_c in
    /// turn: the first gap's further words (rarely any), then per candidate
    /// its acceptance and first LGD words (one word) and the gap to the next
    /// candidate. The events' walk reads the sequence K_e
    /// itself ([`Sim::each_struck_event`]); the LGD words of event e's claims
    /// come from the sequence under WyRand(K_e).at(2³² + e). The dense
    /// bands read the sequence D under WyRand(K_c).at(2³²), by counters
    /// keyed by cell ([`DenseWord::ctr`], [`Sim::dense_candidates`]).
    pub s_keys: Stream,
    /// Mixture-component stream.
    pub s_mix: Stream,
}

/// One path's result.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PathOut {
    /// Loss on the existing book.
    pub book: f64,
    /// Loss on the pipeline.
    pub pipe: f64,
    /// Likelihood ratio (1 under plain Monte Carlo).
    pub weight: f64,
}

/// A path's claims so far.
struct ClaimAcc<'a, F> {
    /// One bit per policy: it has claimed on this path (kept only when
    /// `track`).
    claimed: &'a mut [u64],
    /// Some event strikes on this path.
    track: bool,
    /// Normalised systematic value of each cell.
    yn: &'a [f64],
    /// √(1 − ρ²) of the LGD score.
    ls: f64,
    book: f64,
    pipe: f64,
    sink: &'a mut F,
}

/// Per-thread scratch space.
pub struct Scratch {
    z: Vec<f64>,
    cf: Vec<f64>,
    /// y/sd of each cell (y·(1/sd)).
    yn: Vec<f64>,
    /// y/b of each cell (y·(1/b)).
    yb: Vec<f64>,
    /// One bit per policy, set by its claim on the current path when some
    /// event strikes on it.
    claimed: Vec<u64>,
    /// The political events that strike on the current path.
    struck: Vec<u32>,
    pu: Vec<f64>,
    pe: Vec<f64>,
    /// The path's default candidates.
    cands: Vec<Candidate>,
    /// Cells left after the quiet-cell pass: index, first gap, sequence,
    /// tabulated bound of the cell's total hazard (∞: none).
    active: Vec<(u32, f64, WyRand, f64)>,
    /// Per dense band, what its candidates need this path.
    lanes: Vec<LaneRate>,
    /// The dense bands' candidates (room for every dense obligor).
    dense_cands: Vec<Candidate>,
}

/// A dense band on one path: its lane threshold and what its candidates
/// read.
#[derive(Clone, Copy, Debug, Default)]
struct LaneRate {
    /// ⌈128·q̄⌉ in every byte.
    thr: u64,
    /// Its candidate rate q̄.
    pbar: f64,
    /// y/b of its cell.
    yb: f64,
    /// Its cell.
    cell: u32,
}

/// A default candidate: obligor, its draws and what its acceptance needs.
#[derive(Clone, Copy, Debug, Default)]
struct Candidate {
    unit: u32,
    /// Its word of the cell's sequence: acceptance (low) and LGD (high) words.
    r: u64,
    /// Candidate rate of its band.
    pbar: f64,
    /// Its cell.
    cell: u32,
    /// h = scale·c/b − y/b, its conditional PD being Φ(h): computed in the
    /// walk, which has y/b and the scale at hand, so that the acceptance
    /// pass does not wait for the obligor's record before its test (the
    /// record is then read only for the claims of accepted candidates).
    h: f64,
}

#[inline]
fn softplus(t: f64) -> f64 {
    t.max(0.0) + (-t.abs()).exp().ln_1p()
}

/// Twisted probability p e^{θw}/(1 + p(e^{θw} − 1)) written as a logistic
/// function of logit(p) + θw (no overflow).
#[inline]
fn twisted(p: f64, w: f64, theta: f64) -> f64 {
    if theta == 0.0 {
        return p;
    }
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let t = (p / (1.0 - p)).ln() + theta * w;
    1.0 / (1.0 + (-t).exp())
}

/// Choose θ ≥ 0 with Σ w_k q_k(θ) ≈ x (a few safeguarded Newton steps from
/// the first-order guess) and return (θ, ψ(θ)), ψ(θ) = Σ ln(1 − p_k + p_k e^{θ w_k}).
/// The likelihood ratio exp(−θS + ψ(θ)) is exact for whatever θ is returned,
/// so solving only approximately costs variance, never bias.
pub(crate) fn solve_twist(ps: &[(f64, f64)], x: f64) -> (f64, f64) {
    solve_twists(ps, &[x])[0]
}

/// [`solve_twist`] for several targets over the same probabilities: the
/// per-entry logits and ln(1 − p) are computed once and shared by the targets
/// (each target's (θ, ψ) is the same number as a separate solve).
pub(crate) fn solve_twists(ps: &[(f64, f64)], xs: &[f64]) -> Vec<(f64, f64)> {
    solve_twists_opt(ps, xs, true)
}

/// [`solve_twists`]; with `psi = false` ψ is not evaluated and returned as NaN.
fn solve_twists_opt(ps: &[(f64, f64)], xs: &[f64], with_psi: bool) -> Vec<(f64, f64)> {
    let mut mean = 0.0;
    let mut var = 0.0;
    let mut wmax = 0.0f64;
    for &(p, w) in ps {
        mean += p * w;
        var += w * w * p * (1.0 - p);
        wmax = wmax.max(w);
    }
    if wmax <= 0.0 || xs.iter().all(|&x| mean >= x) {
        return vec![(0.0, 0.0); xs.len()];
    }
    // logit(p) and ln(1 − p) per entry. Entries come grouped by band and
    // threshold, so consecutive entries often share p: each is evaluated once
    // per run of equal p (the same numbers as per-entry evaluation).
    let mut lg: Vec<f64> = Vec::with_capacity(ps.len());
    let mut l1m: Vec<f64> = Vec::with_capacity(ps.len());
    let mut last = (f64::NAN, 0.0, 0.0);
    for &(p, _) in ps {
        if p != last.0 {
            last = if p <= 0.0 {
                (p, f64::NEG_INFINITY, 0.0)
            } else {
                (p, (p / (1.0 - p)).ln(), (-p).ln_1p())
            };
        }
        lg.push(last.1);
        l1m.push(last.2);
    }
    let f = |th: f64, x: f64| -> (f64, f64) {
        let mut m = 0.0;
        let mut d = 0.0;
        for (&(_, w), &l) in ps.iter().zip(&lg) {
            let q = 1.0 / (1.0 + (-(l + th * w)).exp());
            m += w * q;
            d += w * w * q * (1.0 - q);
        }
        (m - x, d)
    };
    xs.iter()
        .map(|&x| {
            if mean >= x {
                return (0.0, 0.0);
            }
            let (mut lo, mut hi) = (0.0, 50.0 / wmax);
            let mut th = if var > 0.0 {
                ((x - mean) / var).min(hi)
            } else {
                0.5 * hi
            };
            for _ in 0..8 {
                let (v, d) = f(th, x);
                if v.abs() <= 1e-3 * x {
                    break;
                }
                if v < 0.0 {
                    lo = th;
                } else {
                    hi = th;
                }
                let nt = if d > 0.0 { th - v / d } else { f64::NAN };
                th = if nt > lo && nt < hi {
                    nt
                } else {
                    0.5 * (lo + hi)
                };
            }
            if !with_psi {
                return (th, f64::NAN);
            }
            let psi = ps
                .iter()
                .zip(lg.iter().zip(&l1m))
                .map(|(&(p, w), (&l, &m))| {
                    if p <= 0.0 {
                        0.0
                    } else {
                        m + softplus(l + th * w)
                    }
                })
                .sum();
            (th, psi)
        })
        .collect()
}

impl Sim {
    /// Dimension of the (shiftable) factor vector: global, countries,
    /// sectors, and last the common political factor P of the country events.
    pub fn dim(&self) -> usize {
        1 + self.nc + self.ns + 1
    }

    /// The event's threshold in its own latent variable given the political
    /// factor `p`: lp·P + li·η < threshold ⇔ η < h = (threshold − lp·P)/li,
    /// so P(event | P) = Φ(h) and dh/dP = −lp/li.
    #[inline]
    pub fn event_h(&self, ev: &Event, p: f64) -> f64 {
        (ev.threshold - self.pol_loading * p) * self.pol_scale
    }

    /// Set the twisting targets. Only obligors whose weight w (exposure ×
    /// mean LGD) is at least [`TWIST_SHARE`] of the smallest positive target
    /// (or the largest weight of the book, if smaller) are twisted; the others keep their
    /// conditional default probabilities. Why: the twisting solve is
    /// O(twisted obligors) per path and per target, and an obligor far
    /// smaller than the target loss gains almost nothing from it (the factor
    /// shift already raises the small names' defaults together). The
    /// likelihood ratio exp(−θS + ψ(θ)) is exact over the twisted set, so the
    /// choice affects only variance (docs/models/insurance.md §3.2).
    ///
    /// Country events are twisted with the obligors when `twist_events` is
    /// set (the default, `twist_events` in the scenario). Why a switch: where
    /// one rare event can reach the target loss, twisting events is what makes
    /// importance sampling work (×300 variance reduction on the Glasserman–Li
    /// test book, tests/importance.rs); on a book with many frequent, large
    /// events, twisting them makes the 99.9% estimates several times noisier
    /// than the shift of the political factor alone (docs/perf/insurance.md).
    pub fn set_twist(&mut self, targets: Vec<f64>, twist_events: bool) {
        for ev in self.events.iter_mut() {
            ev.twist = twist_events && !targets.is_empty();
        }
        let smallest = targets
            .iter()
            .copied()
            .filter(|x| *x > 0.0)
            .fold(f64::INFINITY, f64::min);
        self.twist_cut = if targets.is_empty() {
            f64::INFINITY
        } else if smallest.is_finite() {
            self.twist_cut_for(smallest)
        } else {
            0.0
        };
        self.twist = targets;
        for band in self.bands.iter_mut() {
            band.w_max = self.units[band.start as usize..band.end as usize]
                .iter()
                .map(|u| u.w)
                .filter(|&w| w >= self.twist_cut)
                .fold(0.0, f64::max);
        }
    }

    /// The weight from which obligors are twisted for a target `x`:
    /// [`TWIST_SHARE`]·x, but never above the largest weight of the book (so
    /// the largest obligors are always twisted; on a homogeneous book, all).
    pub fn twist_cut_for(&self, x: f64) -> f64 {
        (TWIST_SHARE * x).min(self.w_top)
    }

    /// Tabulate, for every cell and every node y_j = (HZ_LO + j·HZ_STEP)·sd of
    /// a grid of its systematic value, the total untwisted hazard
    /// Λ_j = Σ_bands n_b·λ̄(h_b(y_j)) of the walk (Gaussian copula). Why: Λ is
    /// non-increasing in y (a better systematic value lowers every PD, and
    /// the table's bounds, index and sum are monotone in floating point too),
    /// so for y ≥ y_j a first gap E ≥ Λ_j proves E ≥ Λ(y): no candidate in
    /// the cell, decided without the cell's band pass (on books of low PDs
    /// most cells are quiet on most paths); in a walked cell, Λ_j less the
    /// hazards passed bounds the rest of the cell. Each node is tabulated a
    /// hair below its y_j, at (y_j/sd − 10⁻⁹)·sd, so that the rounding of
    /// y/sd and of the node index (10⁻¹⁵ of sd at most) can never put a
    /// path's y below the y at which its node was tabulated. The nodes are
    /// stored in single precision rounded upwards (still bounds; 164 KB for
    /// 160 cells instead of 329 KB, so that the table, read at random by
    /// every cell of every path, crowds the other tables less in the cache).
    pub fn build_cell_hazards(&mut self) {
        let mut table = Vec::with_capacity(self.cells.len() * HZ_NODES);
        for (cell, &(b0, b1)) in self.cells.iter().zip(&self.cell_walk) {
            for j in 0..HZ_NODES {
                let y = (HZ_LO + j as f64 * HZ_STEP - HZ_GUARD) * cell.sd;
                let mut total = 0.0;
                for band in &self.bands[b0 as usize..b1 as usize] {
                    let h_top = band.cb_top - y * cell.inv_b;
                    total += (band.end - band.start) as f64 * self.phi.upper(h_top).1;
                }
                table.push(to_f32(total, false));
            }
        }
        self.cell_hazard = table;
    }

    /// Λ_j = Σ_events λ̄_e(P_j) of the events' walk (see [`Sim::path`]) at
    /// HZ_NODES values P_j of the political factor, each tabulated a hair
    /// below its node as in [`Sim::build_cell_hazards`]. Why: an event's
    /// conditional probability Φ((t_e − a·P)·s) falls as P rises (a ≥ 0,
    /// s > 0), and so do the table's bounds of it and their sum, so for
    /// P ≥ P_j a first gap E ≥ Λ_j shows that no event strikes, decided
    /// without a pass over the events (on most paths none strikes). Stored
    /// in single precision rounded upwards, as the cells' table.
    pub fn build_event_hazards(&mut self) {
        self.event_hazard = (0..HZ_NODES)
            .map(|j| {
                let p = HZ_LO + j as f64 * HZ_STEP - HZ_GUARD;
                let mut total = 0.0;
                for ev in &self.events {
                    total += self.phi.upper(self.event_h(ev, p)).1;
                }
                to_f32(total, false)
            })
            .collect();
    }

    /// The tabulated bound Λ_j ≥ Λ(y) for cell `ci` at normalised systematic
    /// value `yn` = y·(1/sd) (0 where sd = 0; see [`Sim::build_cell_hazards`]),
    /// or None below the grid: the node ⌊(yn − HZ_LO)/HZ_STEP⌋ (or the one
    /// below it at a tie), tabulated at a y at or below the path's y.
    #[inline]
    fn cell_hazard_bound(&self, ci: usize, yn: f64) -> Option<f64> {
        hazard_bound(&self.cell_hazard, ci, yn)
    }

    /// Number of obligors twisted under the current targets.
    pub fn twisted_obligors(&self) -> usize {
        self.units.iter().filter(|u| u.w >= self.twist_cut).count()
    }

    /// Fresh scratch space.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            z: vec![0.0; self.dim()],
            cf: vec![0.0; self.nc],
            yn: vec![0.0; self.cells.len()],
            yb: vec![0.0; self.cells.len()],
            claimed: vec![0; self.pols.len().div_ceil(64)],
            struck: Vec::new(),
            pu: vec![0.0; self.units.len()],
            pe: vec![0.0; self.events.len()],
            cands: Vec::new(),
            active: vec![(0, 0.0, WyRand::new(0), 0.0); self.cells.len()],
            lanes: vec![LaneRate::default(); self.dense.len()],
            dense_cands: vec![Candidate::default(); self.dense_words.len() * LANES],
        }
    }

    /// Systematic values y of every cell for the factor vector `z`.
    pub fn cell_values(&self, z: &[f64], cf: &mut [f64], y: &mut [f64]) {
        self.each_cell_value(z, cf, |k, _, v| y[k] = v);
    }

    /// The systematic value y of every cell for the factor vector `z`,
    /// handed in cell order to `each(cell index, cell, y)`.
    #[inline(always)]
    fn each_cell_value(
        &self,
        z: &[f64],
        cf: &mut [f64],
        mut each: impl FnMut(usize, &CellHot, f64),
    ) {
        debug_assert_eq!(
            self.cell_hot.len(),
            self.cells.len(),
            "build_claims has run"
        );
        self.country_values(z, cf);
        let (zg, zs) = (z[0], &z[1 + self.nc..]);
        for (k, c) in self.cell_hot.iter().enumerate() {
            each(
                k,
                c,
                c.bg * zg + c.bc * cf[c.country as usize] + c.bs * zs[c.sector as usize],
            );
        }
    }

    /// Correlated country factors: the Cholesky factor times the
    /// independent country draws of `z`.
    fn country_values(&self, z: &[f64], cf: &mut [f64]) {
        let nc = self.nc;
        let zc = &z[1..=nc];
        // Σ_j chol[i][j]·z_c[j] over the row's nonzero entries, in column
        // order (the zero terms add nothing but the sign of a zero sum):
        // one term per country when the countries are uncorrelated.
        for (out, &(a, b)) in cf.iter_mut().zip(&self.chol_rows) {
            let mut s = 0.0;
            for &(j, v) in &self.chol_nz[a as usize..b as usize] {
                s += v * zc[j as usize];
            }
            *out = s;
        }
        debug_assert_eq!(self.chol_rows.len(), nc);
    }

    /// The common claim (amount, pipeline flag) of band `b`'s obligors if
    /// they form a [`Group`].
    fn exchangeable(&self, b: &Band, event_cover: &[bool]) -> Option<(f64, bool)> {
        if b.end - b.start < self.group_min {
            return None;
        }
        let mut common = None;
        for u in &self.units[b.start as usize..b.end as usize] {
            if u.cb.to_bits() != b.cb_top.to_bits() || u.pol_end - u.pol_start != 1 {
                return None;
            }
            let i = self.unit_pol[u.pol_start as usize];
            let p = &self.pols[i as usize];
            if (p.table as usize) < self.tables.len() || event_cover[i as usize] {
                return None;
            }
            let this = (p.exposure * p.lgd, p.pipeline);
            if u.w.to_bits() != this.0.to_bits() {
                return None;
            }
            match common {
                None => common = Some(this),
                Some(c) if c.0.to_bits() == this.0.to_bits() && c.1 == this.1 => {}
                Some(_) => return None,
            }
        }
        common
    }

    /// Number of claim ids the sink of [`Sim::path`] may see: the policies,
    /// then the groups.
    pub fn claim_ids(&self) -> usize {
        self.pols.len() + self.groups.len()
    }

    /// Per-policy totals from totals by claim id (fixed point): a group's
    /// total is split equally among its policies, the remainder's units
    /// going one each to its first policies, so the parts add up exactly.
    /// Exact in expectation: the members are exchangeable, so each one's
    /// expected share of the group's loss on any path (or set of paths) is
    /// 1/n of it.
    pub fn per_policy(&self, by_id: &[i128]) -> Vec<i128> {
        let n = self.pols.len();
        let mut out = by_id[..n].to_vec();
        for (g, total) in self.groups.iter().zip(&by_id[n..]) {
            let m = i128::from(g.n);
            let (share, rest) = (total.div_euclid(m), total.rem_euclid(m));
            for (j, u) in self.units[g.start as usize..(g.start + g.n) as usize]
                .iter()
                .enumerate()
            {
                let i = self.unit_pol[u.pol_start as usize] as usize;
                out[i] += share + i128::from((j as i128) < rest);
            }
        }
        out
    }

    /// Build the claim records of the obligors' policies and of the events'
    /// policies from `pols`, `unit_pol` and `events`, the compact copies
    /// of bands and obligors that the walk reads, the nonzero entries of the
    /// Cholesky factor and the events' hazard table.
    pub fn build_claims(&mut self) {
        let nc = self.nc;
        self.chol_nz.clear();
        self.chol_rows.clear();
        for i in 0..nc {
            let a = self.chol_nz.len() as u32;
            for j in 0..=i {
                let v = self.chol[i * nc + j];
                if v != 0.0 {
                    self.chol_nz.push((j as u32, v));
                }
            }
            self.chol_rows.push((a, self.chol_nz.len() as u32));
        }
        self.cell_hot = self
            .cells
            .iter()
            .map(|c| CellHot {
                bg: c.bg,
                bc: c.bc,
                bs: c.bs,
                inv_sd: c.inv_sd,
                inv_b: c.inv_b,
                country: c.country as u32,
                sector: c.sector as u32,
            })
            .collect();
        self.walk = self
            .bands
            .iter()
            .map(|b| WalkBand {
                cb_top: b.cb_top,
                start: b.start,
                n: b.end - b.start,
            })
            .collect();
        // A cell's dense bands come first: the walk takes the rest.
        self.cell_walk = self
            .cell_bands
            .iter()
            .map(|&(b0, b1)| {
                let dense = self.bands[b0 as usize..b1 as usize]
                    .iter()
                    .take_while(|b| b.dense)
                    .count() as u32;
                (b0 + dense, b1)
            })
            .collect();
        assert!(
            self.cell_walk
                .iter()
                .all(|&(b0, b1)| self.bands[b0 as usize..b1 as usize]
                    .iter()
                    .all(|b| !b.dense)),
            "a cell's dense bands precede its other bands"
        );
        self.dense.clear();
        self.dense_words.clear();
        self.groups.clear();
        assert!(self.cells.len() < 1 << 31, "cells fit the lane counters");
        let mut event_cover = vec![false; self.pols.len()];
        for ev in &self.events {
            for &i in &ev.pols {
                event_cover[i as usize] = true;
            }
        }
        for (bi, b) in self.bands.iter().enumerate().filter(|(_, b)| b.dense) {
            let dband = self.dense.len() as u32;
            // The cell's dense obligors start at its first band's start.
            let first = self.bands[self.cell_bands[b.cell as usize].0 as usize].start;
            let key = u64::from(b.cell) << 32 | u64::from(b.start - first);
            if let Some((amount, pipeline)) = self.exchangeable(b, &event_cover) {
                self.groups.push(Group {
                    cb_top: b.cb_top,
                    cell: b.cell,
                    start: b.start,
                    n: b.end - b.start,
                    amount,
                    pipeline,
                    w: self.units[b.start as usize].w,
                    key,
                });
                continue;
            }
            self.dense.push(DenseBand {
                cb_top: b.cb_top,
                cell: b.cell,
                band: bi as u32,
            });
            for unit0 in (b.start..b.end).step_by(LANES) {
                let n = (b.end - unit0).min(LANES as u32);
                self.dense_words.push(DenseWord {
                    valid: LANE_HIGH >> (8 * (LANES as u32 - n)),
                    ctr: u64::from(b.cell) << 32 | u64::from(unit0 - first),
                    unit0,
                    dband,
                });
            }
        }
        while !self.dense_words.len().is_multiple_of(LANES) {
            self.dense_words.push(DenseWord {
                valid: 0,
                ctr: 0,
                unit0: 0,
                dband: 0,
            });
        }
        let rec = |i: u32| {
            let p = &self.pols[i as usize];
            let fixed = (p.table as usize) >= self.tables.len();
            ClaimRec {
                amount: if fixed {
                    p.exposure * p.lgd
                } else {
                    p.exposure
                },
                pol: i,
                cell: p.cell,
                table: if fixed { ClaimRec::FIXED } else { p.table }
                    | if p.pipeline { ClaimRec::PIPELINE } else { 0 },
            }
        };
        // The first policy of each obligor goes into its acceptance record,
        // the others, in order, into `claims`. Obligors are stored band by
        // band, and an obligor's cell (its band's) is its first policy's.
        let mut claims = Vec::new();
        let mut accept = Vec::with_capacity(self.units.len());
        for band in &self.bands {
            debug_assert_eq!(band.start as usize, accept.len());
            for u in &self.units[band.start as usize..band.end as usize] {
                let pols = &self.unit_pol[u.pol_start as usize..u.pol_end as usize];
                let first = rec(pols[0]);
                debug_assert_eq!(first.cell, band.cell);
                let extra_start = claims.len() as u32;
                claims.extend(pols[1..].iter().map(|&i| rec(i)));
                accept.push(AcceptUnit {
                    cb: u.cb,
                    amount: first.amount,
                    pol: first.pol,
                    table: first.table,
                    extra_start,
                    extra_end: claims.len() as u32,
                });
            }
        }
        assert_eq!(
            accept.len(),
            self.units.len(),
            "bands cover the obligors in order"
        );
        self.accept = accept;
        let ev_claims: Vec<Vec<ClaimRec>> = self
            .events
            .iter()
            .map(|ev| ev.pols.iter().map(|&i| rec(i)).collect())
            .collect();
        self.claims = claims;
        for (ev, c) in self.events.iter_mut().zip(ev_claims) {
            ev.claims = c;
        }
        self.build_event_hazards();
    }

    /// Loss of a claim, its LGD drawn from the 32 random bits `word`:
    /// LGD = G(−ρ·yₙ + √(1 − ρ²)·Φ⁻¹(u)) with G = Q_beta∘Φ tabulated
    /// (docs/models/insurance.md §2.4); `ls = √(1 − ρ²)`.
    #[inline(always)]
    fn claim_loss(&self, rec: &ClaimRec, word: u32, yn: f64, ls: f64) -> f64 {
        match self.tables.get(rec.lgd_table()) {
            None => rec.amount,
            Some(t) => {
                let n = self.scores.score(word);
                rec.amount * t.at_score(-self.rho_lgd * yn + ls * n)
            }
        }
    }

    /// Record a claim with LGD word `word`. A policy claims at most once per
    /// path (an obligor default and a political event on the same policy):
    /// the first claim counts. Obligor defaults come first and a policy has
    /// one obligor, so only event claims check the policy's bit of the
    /// path's `claimed` set (`check`: an event claim); on a path where some
    /// event strikes, every claim sets it (a set of one bit per policy stays
    /// in the first-level cache), and on the others the set is not used.
    #[inline(always)]
    fn claim<F: FnMut(u32, f64)>(
        &self,
        rec: &ClaimRec,
        word: u32,
        check: bool,
        acc: &mut ClaimAcc<'_, F>,
    ) {
        if acc.track {
            let slot = &mut acc.claimed[(rec.pol >> 6) as usize];
            let bit = 1u64 << (rec.pol & 63);
            if check && *slot & bit != 0 {
                return;
            }
            *slot |= bit;
        }
        let loss = self.claim_loss(rec, word, acc.yn[rec.cell as usize], acc.ls);
        if rec.table & ClaimRec::PIPELINE != 0 {
            acc.pipe += loss;
        } else {
            acc.book += loss;
        }
        (acc.sink)(rec.pol, loss);
    }

    /// Hand to `strike` each political event that strikes on a path with
    /// political factor `pfac` and events' key `event_keys`, in order.
    ///
    /// Unless twisted, events are walked like one cell of single-obligor
    /// bands (docs/models/insurance.md §3.3): the next candidate event is
    /// where the cumulative hazard Σ λ̄_e passes an Exp(1) gap, and a
    /// candidate strikes with probability p_e/p̄_e, so each event strikes
    /// with probability exactly p_e = Φ(h_e), independently. The tabulated
    /// bound of the total hazard ([`Sim::build_event_hazards`]) shows most
    /// paths free of events with one gap and one look-up. The draws are the
    /// sequence `event_keys` itself: the first gap, then per candidate its
    /// acceptance word and the next gap.
    ///
    /// `twist` = Some((θ, p)) when θ > 0 and some event is twisted (p: the
    /// events' conditional probabilities): each event is then tested in
    /// turn, event e with the uniform in half of `event_keys.at(e / 2)`,
    /// twisted events at their twisted probabilities.
    fn each_struck_event(
        &self,
        pfac: f64,
        event_keys: WyRand,
        twist: Option<(f64, &[f64])>,
        mut strike: impl FnMut(usize),
    ) {
        if let Some((theta, pe)) = twist {
            // One WyRand output serves two events (`word32` would mix it twice).
            let mut pair = 0u64;
            for (ei, ev) in self.events.iter().enumerate() {
                if ei % 2 == 0 {
                    pair = event_keys.at((ei / 2) as u64);
                }
                let u = u32_to_open01((pair >> (32 * (ei % 2))) as u32);
                let hit = if ev.twist {
                    u < twisted(pe[ei], ev.w, theta)
                } else {
                    self.phi.below(self.event_h(ev, pfac), u)
                };
                if hit {
                    strike(ei);
                }
            }
            return;
        }
        if self.events.is_empty() {
            return;
        }
        let mut rng = event_keys;
        let mut e = self.exp1.sample(&mut rng);
        let bound = hazard_bound(&self.event_hazard, 0, pfac).unwrap_or(f64::INFINITY);
        if e >= bound {
            return;
        }
        // As in the cells' walk: the table's bound less the hazards passed
        // bounds the events left, and rounding is far below the margin.
        let mut left = bound;
        let margin = 1e-12 * bound;
        for (ei, ev) in self.events.iter().enumerate() {
            if e >= left + margin {
                break;
            }
            let h = self.event_h(ev, pfac);
            let (pbar, lbar, _) = self.phi.upper(h);
            left -= lbar;
            if e >= lbar {
                e -= lbar;
                continue;
            }
            let x = u32_to_open01(rng.next_u64() as u32) * pbar;
            if self.phi.below(h, x) {
                strike(ei);
            }
            e = self.exp1.sample(&mut rng);
        }
    }

    /// The claims of event `ei`, which struck on the path whose events' key is
    /// `event_keys`: their LGD words come from the sequence under
    /// `event_keys.at(2³² + ei)`.
    #[inline]
    fn event_claims<F: FnMut(u32, f64)>(
        &self,
        ei: usize,
        event_keys: WyRand,
        acc: &mut ClaimAcc<'_, F>,
    ) {
        let words = WyRand::new(event_keys.at((1 << 32) + ei as u64));
        for (j, rec) in self.events[ei].claims.iter().enumerate() {
            self.claim(rec, word32(words, j), true, acc);
        }
    }

    /// Plain Monte Carlo: no factor shift and no twisting, so every path's
    /// likelihood ratio is exactly 1.
    pub fn is_plain(&self) -> bool {
        self.shift.comps.is_empty() && self.twist.is_empty()
    }

    /// The sequence of a path's factor normals (`step` 0) or of its Student-t
    /// mixing normals (`step` 1): WyRand under the key in block
    /// (path, step, 0) of the factor stream.
    #[inline]
    fn factor_draws(&self, path: u64, step: u32) -> WyRand {
        let k = self.s_factor.block(path, step, 0);
        sequence_under(k[0], k[1])
    }

    /// Simulate path `path`; `sink(policy, loss)` sees every claim.
    pub fn path(&self, path: u64, scr: &mut Scratch, sink: &mut impl FnMut(u32, f64)) -> PathOut {
        self.path_impl(path, scr, sink, true)
    }

    /// The claims of path `path` (the same claims and losses as [`Sim::path`])
    /// without its likelihood ratio, which is returned as NaN. Why: the
    /// contribution pass re-simulates tail paths whose weights are already
    /// known; it then needs only the twist θ of the sampled mixture component,
    /// not the θ and ψ of every component.
    pub fn path_claims(
        &self,
        path: u64,
        scr: &mut Scratch,
        sink: &mut impl FnMut(u32, f64),
    ) -> PathOut {
        self.path_impl(path, scr, sink, false)
    }

    #[inline]
    fn path_impl(
        &self,
        path: u64,
        scr: &mut Scratch,
        sink: &mut impl FnMut(u32, f64),
        with_weight: bool,
    ) -> PathOut {
        let d = self.dim();
        // The factors, then the political factor: the same draws in the same
        // order whether or not a shift is applied.
        let mut dr = self.factor_draws(path, 0);
        for v in scr.z.iter_mut() {
            *v = StandardNormal.sample(&mut dr);
        }
        let mut weight = 1.0;
        if !self.shift.comps.is_empty() {
            let u = self.s_mix.uniform(path, 0, 0);
            let mut acc = 0.0;
            let mut pick = self.shift.comps.len() - 1;
            for (k, (_, pi)) in self.shift.comps.iter().enumerate() {
                acc += pi;
                if u < acc {
                    pick = k;
                    break;
                }
            }
            for (zi, mi) in scr.z.iter_mut().zip(&self.shift.comps[pick].0) {
                *zi += mi;
            }
            // w = φ(z) / Σ π_k φ(z − μ_k) = 1 / Σ π_k exp(μ_k·z − |μ_k|²/2), by log-sum-exp.
            let e: Vec<f64> = self
                .shift
                .comps
                .iter()
                .map(|(m, pi)| {
                    let dot: f64 = m.iter().zip(&scr.z).map(|(a, b)| a * b).sum();
                    let nn: f64 = m.iter().map(|a| a * a).sum();
                    pi.ln() + dot - 0.5 * nn
                })
                .collect();
            let mx = e.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let s: f64 = e.iter().map(|x| (x - mx).exp()).sum();
            weight = (-(mx + s.ln())).exp();
        }
        debug_assert_eq!(scr.z.len(), d);
        let pfac = scr.z[d - 1];
        let scale = match self.nu {
            None => 1.0,
            Some(nu) => {
                let mut w = self.factor_draws(path, 1);
                let chi2: f64 = (0..nu)
                    .map(|_| {
                        let v: f64 = StandardNormal.sample(&mut w);
                        v * v
                    })
                    .sum();
                (chi2 / nu as f64).sqrt()
            }
        };
        let Scratch {
            z,
            cf,
            yn,
            yb,
            claimed,
            struck,
            pu,
            pe,
            cands,
            active,
            lanes,
            dense_cands,
        } = scr;
        cands.clear();
        self.each_cell_value(z, cf, |k, c, v| {
            yn[k] = v * c.inv_sd;
            yb[k] = v * c.inv_b;
        });
        // Conditional event probabilities given the political factor:
        // u < Φ(h_e) with h_e = `event_h` (η = Φ⁻¹(u)).
        let mut theta = 0.0;
        let mut twists: Vec<(f64, f64)> = Vec::new();
        if !self.twist.is_empty() {
            for (k, ev) in self.events.iter().enumerate() {
                pe[k] = normal_cdf(self.event_h(ev, pfac));
            }
            let mut ps: Vec<(f64, f64)> = Vec::new();
            // E[loss | z] of the obligors left untwisted: the twisted ones
            // must make up the rest of each target. It only sets θ (any θ
            // gives an exact likelihood ratio), so the table's approximation
            // of Φ serves; twisted obligors need their exact PDs.
            let mut base = 0.0;
            for band in &self.bands {
                let ybc = yb[band.cell as usize];
                // Obligors are sorted by threshold: evaluate Φ once per distinct threshold.
                let mut last = (f64::NAN, 0.0, false);
                for ui in band.start..band.end {
                    let u = &self.units[ui as usize];
                    let twisted_unit = u.w >= self.twist_cut;
                    if u.c != last.0 || (twisted_unit && !last.2) {
                        let h = scale * u.cb - ybc;
                        last = if twisted_unit {
                            (u.c, normal_cdf(h).min(1.0 - 1e-16), true)
                        } else {
                            (u.c, self.phi.approx(h), false)
                        };
                    }
                    if twisted_unit {
                        pu[ui as usize] = last.1;
                        ps.push((last.1, u.w));
                    } else {
                        base += last.1 * u.w;
                    }
                }
            }
            for (k, ev) in self.events.iter().enumerate() {
                if ev.twist {
                    ps.push((pe[k].min(1.0 - 1e-16), ev.w));
                } else {
                    base += pe[k] * ev.w;
                }
            }
            let targets: Vec<f64> = self.twist.iter().map(|x| x - base).collect();
            let k = ((self.s_mix.uniform(path, 1, 0) * self.twist.len() as f64) as usize)
                .min(self.twist.len() - 1);
            if with_weight {
                twists = solve_twists(&ps, &targets);
                theta = twists[k].0;
            } else {
                // Each target's θ is solved independently of the others: the
                // same θ as in the full solve.
                theta = solve_twists_opt(&ps, &targets[k..=k], false)[0].0;
            }
        }
        let mut surrogate = 0.0;
        let keys = self.s_keys.block(path, 0, 0);
        let cell_keys = sequence_under(keys[0], keys[1]);
        let event_keys = sequence_under(keys[2], keys[3]);
        // Political events are decided first and claim after the obligors'
        // defaults: only a path where some event strikes needs the policies'
        // claim bits.
        let twisted_events =
            (theta > 0.0 && self.events.iter().any(|ev| ev.twist)).then_some((theta, &pe[..]));
        struck.clear();
        self.each_struck_event(pfac, event_keys, twisted_events, |ei| {
            struck.push(ei as u32)
        });
        let track = !struck.is_empty();
        if track {
            claimed.fill(0);
        }
        let mut acc = ClaimAcc {
            claimed,
            track,
            yn,
            ls: (1.0 - self.rho_lgd * self.rho_lgd).sqrt(),
            book: 0.0,
            pipe: 0.0,
            sink,
        };
        // Commercial defaults by geometric skipping with thinning, walked cell
        // by cell (docs/models/insurance.md §3.3). Within a cell the obligors
        // form one sequence of Bernoulli trials at the candidate rates p̄ of
        // their bands (p̄ ≥ every conditional PD of the band); the next
        // candidate is where the cumulative hazard Σ −ln(1 − p̄) passes an
        // Exp(1) variable E, and a candidate u is accepted with probability
        // p_u/p̄. So each obligor defaults with probability exactly p_u,
        // independently, at a cost proportional to cells + bands + candidates.
        // The dense bands (high PDs) are tested in byte lanes instead
        // (`dense_candidates`); the walk takes each cell's other bands.
        // First pass: each cell's first gap E, and whether the tabulated
        // bound of its total hazard (Gaussian copula, untwisted rates;
        // `cell_hazard_bound`) already shows it quiet, E ≥ Λ_j ≥ Λ (the same
        // decision as the walk's). The cells left are listed without a branch
        // on the decision, so their independent table look-ups overlap.
        let table = scale == 1.0 && theta == 0.0;
        let mut n_active = 0;
        for (ci, &ync) in yn.iter().enumerate() {
            // The cell's first word is its key's output itself; the cell's
            // later words are the sequence under it.
            let first = cell_keys.at(ci as u64);
            let mut rng = WyRand::new(first);
            let e = self.exp1.sample_first(first, &mut rng);
            let bound = if table {
                self.cell_hazard_bound(ci, ync).unwrap_or(f64::INFINITY)
            } else {
                f64::INFINITY
            };
            active[n_active] = (ci as u32, e, rng, bound);
            n_active += usize::from(e < bound);
        }
        // Without twisting (plain Monte Carlo, or a factor shift alone) the
        // lane test, the walk and the acceptance run as versions compiled
        // without the twisting branches: the same numbers, in fewer
        // instructions.
        let dense_seq = WyRand::new(cell_keys.at(DENSE_KEY));
        if self.twist.is_empty() {
            let n = self.dense_candidates::<false>(dense_seq, yb, scale, 0.0, lanes, dense_cands);
            self.walk_cells::<false>(&active[..n_active], yb, scale, 0.0, cands);
            surrogate += self.accept_candidates::<false, _>(&dense_cands[..n], pu, 0.0, &mut acc);
            surrogate += self.group_claims::<false, _>(dense_seq, yb, scale, 0.0, pu, &mut acc);
            surrogate += self.accept_candidates::<false, _>(cands, pu, 0.0, &mut acc);
        } else {
            let n = self.dense_candidates::<true>(dense_seq, yb, scale, theta, lanes, dense_cands);
            self.walk_cells::<true>(&active[..n_active], yb, scale, theta, cands);
            surrogate += self.accept_candidates::<true, _>(&dense_cands[..n], pu, theta, &mut acc);
            surrogate += self.group_claims::<true, _>(dense_seq, yb, scale, theta, pu, &mut acc);
            surrogate += self.accept_candidates::<true, _>(cands, pu, theta, &mut acc);
        }
        // The struck events' claims, after the obligors'.
        for &ei in struck.iter() {
            let ei = ei as usize;
            if self.events[ei].twist {
                surrogate += self.events[ei].w;
            }
            self.event_claims(ei, event_keys, &mut acc);
        }
        if !with_weight {
            weight = f64::NAN;
        } else if !twists.is_empty() {
            // Likelihood ratio of the mixture of twisted Bernoulli measures:
            // 1 / Σ_k π_k exp(θ_k S − ψ_k(θ_k)), by log-sum-exp.
            let pi = 1.0 / twists.len() as f64;
            let e: Vec<f64> = twists
                .iter()
                .map(|(t, p)| pi.ln() + t * surrogate - p)
                .collect();
            let mx = e.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let sum: f64 = e.iter().map(|v| (v - mx).exp()).sum();
            weight *= (-(mx + sum.ln())).exp();
        }
        PathOut {
            book: acc.book,
            pipe: acc.pipe,
            weight,
        }
    }

    /// Candidate rate of band `band` under twisting by θ > 0, its largest
    /// conditional PD bound being Φ(`h_top`): twisted PDs are increasing in
    /// p and in the weight w, so the table's bound of Φ(h_top) twisted at the
    /// band's largest twisted weight bounds every twisted PD of the band.
    #[inline]
    fn twisted_band_rate(&self, band: usize, h_top: f64, theta: f64) -> f64 {
        twisted(self.phi.upper(h_top).0, self.bands[band].w_max, theta)
    }

    /// The default candidates of the dense bands, into `cands`: every
    /// obligor of a dense band is one Bernoulli trial at its band's lane
    /// rate q̄ = ⌈128·p̄⌉/128 ≥ p̄ (p̄ as in the walk, twisted under
    /// twisting), decided by the seven low bits of one byte of a random word:
    /// a candidate where they are below 128·q̄. Eight obligors share a word,
    /// compared in one subtraction (each byte's high bit set, so no borrow
    /// crosses a byte), and the outcomes of eight words interleave into one
    /// word of bits by shifts, so no branch depends on a draw until the
    /// candidates are read off the bits. A word reads `seq.at(ctr)` and its
    /// lane k's candidate, for its acceptance and LGD word,
    /// `seq.at(2⁶³ | (ctr + k))` ([`DenseWord::ctr`]: keyed by cell).
    /// Candidates are accepted with probability p_u/q̄ as the walk's are, so
    /// each obligor defaults with probability exactly p_u
    /// (docs/models/insurance.md §3.3).
    #[inline(never)]
    fn dense_candidates<const TWIST: bool>(
        &self,
        seq: WyRand,
        yb: &[f64],
        scale: f64,
        theta: f64,
        lanes: &mut [LaneRate],
        cands: &mut [Candidate],
    ) -> usize {
        for (lane, b) in lanes.iter_mut().zip(&self.dense) {
            let ybc = yb[b.cell as usize];
            let h_top = scale * b.cb_top - ybc;
            let (thr, pbar) = if TWIST && theta > 0.0 {
                lane_rate(self.twisted_band_rate(b.band as usize, h_top, theta))
            } else {
                self.phi.upper_lanes(h_top)
            };
            *lane = LaneRate {
                thr,
                pbar,
                yb: ybc,
                cell: b.cell,
            };
        }
        let mut n = 0;
        for words in self.dense_words.chunks_exact(LANES) {
            let mut bits = 0u64;
            for (j, w) in words.iter().enumerate() {
                let r = seq.at(w.ctr);
                // A byte's high bit survives the subtraction iff its seven
                // low bits are at least the threshold: not a candidate.
                let hit = !((r | LANE_HIGH) - lanes[w.dband as usize].thr) & w.valid;
                // Lane k's outcome to bit 8k + j: the eight words' outcomes
                // interleave into one word without overlap.
                bits |= hit >> (LANES - 1 - j);
            }
            while bits != 0 {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let w = &words[i % LANES];
                let k = i / LANES;
                let unit = w.unit0 + k as u32;
                let lane = &lanes[w.dband as usize];
                cands[n] = Candidate {
                    unit,
                    r: seq.at(DENSE_CAND | (w.ctr + k as u64)),
                    pbar: lane.pbar,
                    cell: lane.cell,
                    h: scale * self.accept[unit as usize].cb - lane.yb,
                };
                n += 1;
            }
        }
        n
    }

    /// The walk of the cells left after the quiet-cell pass (see
    /// [`Sim::path`]): their default candidates, in order, into `cands`.
    /// A function of its own so that its loop keeps its values in registers.
    #[inline(never)]
    fn walk_cells<const TWIST: bool>(
        &self,
        active: &[(u32, f64, WyRand, f64)],
        yb: &[f64],
        scale: f64,
        theta: f64,
        cands: &mut Vec<Candidate>,
    ) {
        for &(ci, e0, rng0, bound) in active {
            let ci = ci as usize;
            let (b0, b1) = self.cell_walk[ci];
            let (mut e, mut rng) = (e0, rng0);
            let yb = yb[ci];
            let cell_band_list = &self.walk[b0 as usize..b1 as usize];
            // An upper bound of the hazard of the bands not yet passed: the
            // table's Λ_j less the hazards passed (Λ_j ≥ Σ nλ̄ over the cell's
            // bands, summed in the same order). Once E reaches it, the rest
            // of the cell has no candidate and is not visited.
            let mut left = bound;
            // Rounding of the subtractions is far below this margin.
            let margin = 1e-12 * bound;
            // One pass over the cell's bands: each band's candidate rate p̄
            // and hazard λ̄ = −ln(1 − p̄), then its candidates. E is the
            // hazard left to the next candidate; a band that E jumps leaves
            // it its excess (memorylessness) at the cost of one look-up.
            for (bi, band) in cell_band_list.iter().enumerate() {
                if e >= left + margin {
                    break;
                }
                let h_top = scale * band.cb_top - yb;
                let (pbar, lbar, inv_l) = if TWIST && theta > 0.0 {
                    let q = self.twisted_band_rate(b0 as usize + bi, h_top, theta);
                    let l = -(-q).ln_1p();
                    (q, l, 1.0 / l)
                } else {
                    self.phi.upper(h_top)
                };
                let n = band.n;
                let hz = n as f64 * lbar;
                left -= hz;
                if e >= hz {
                    e -= hz;
                    continue;
                }
                let mut off = 0u32;
                loop {
                    // Rounding can put E/λ̄ a hair above the last obligor.
                    let g = ((e * inv_l) as u32).min(n - off - 1);
                    let ui = band.start + off + g;
                    off += g + 1;
                    // The candidate's acceptance and LGD words, then the gap
                    // to the next candidate, from the cell's sequence.
                    let r = rng.next_u64();
                    e = self.exp1.sample(&mut rng);
                    cands.push(Candidate {
                        unit: ui,
                        r,
                        pbar,
                        cell: ci as u32,
                        h: scale * self.accept[ui as usize].cb - yb,
                    });
                    // After the band's last obligor the rest is 0 (`max`
                    // also turns 0·∞, for λ̄ = ∞, into 0), so the one test
                    // below also ends the band there.
                    let rest = ((n - off) as f64 * lbar).max(0.0);
                    if e >= rest {
                        e -= rest;
                        break;
                    }
                }
            }
        }
    }

    /// Accept or reject the candidates and record the claims of the
    /// accepted ones; returns the twisting weight of the accepted twisted
    /// obligors.
    #[inline(never)]
    fn accept_candidates<const TWIST: bool, F: FnMut(u32, f64)>(
        &self,
        cands: &[Candidate],
        pu: &[f64],
        theta: f64,
        acc: &mut ClaimAcc<'_, F>,
    ) -> f64 {
        let mut surrogate = 0.0;
        // Accept or reject the candidates in the order they were found (a
        // separate pass: its iterations are independent, so the processor can
        // overlap their look-ups).
        let twisting = TWIST && !self.twist.is_empty();
        for c in cands.iter() {
            let x = u32_to_open01(c.r as u32) * c.pbar;
            // The twisting weight is read only under twisting.
            let w = if twisting {
                self.units[c.unit as usize].w
            } else {
                0.0
            };
            let twisted_unit = twisting && w >= self.twist_cut;
            let accept = if TWIST && theta > 0.0 && twisted_unit {
                x < twisted(pu[c.unit as usize], w, theta)
            } else {
                self.phi.below(c.h, x)
            };
            if accept {
                if twisted_unit {
                    surrogate += w;
                }
                let unit = &self.accept[c.unit as usize];
                let first = ClaimRec {
                    amount: unit.amount,
                    pol: unit.pol,
                    cell: c.cell,
                    table: unit.table,
                };
                self.claim(&first, (c.r >> 32) as u32, false, acc);
                // Further policies of the obligor: words of a sequence keyed
                // by the candidate's own output.
                let extra = WyRand::new(c.r);
                let recs = &self.claims[unit.extra_start as usize..unit.extra_end as usize];
                for (j, rec) in recs.iter().enumerate() {
                    self.claim(rec, word32(extra, j), false, acc);
                }
            }
        }
        surrogate
    }

    /// The groups' claims ([`Group`]): per group, its count k ~ Binomial(n, p)
    /// at its members' conditional PD p = Φ(scale·c/b − y/b), or their
    /// twisted PD when they are twisted and θ > 0, and one claim of
    /// k × amount under the group's id. Returns the twisting weight of the
    /// defaulted twisted members.
    #[inline(never)]
    fn group_claims<const TWIST: bool, F: FnMut(u32, f64)>(
        &self,
        seq: WyRand,
        yb: &[f64],
        scale: f64,
        theta: f64,
        pu: &[f64],
        acc: &mut ClaimAcc<'_, F>,
    ) -> f64 {
        let mut surrogate = 0.0;
        let ids = self.pols.len() as u32;
        for (gi, g) in self.groups.iter().enumerate() {
            let twisted_group = TWIST && !self.twist.is_empty() && g.w >= self.twist_cut;
            let p = if twisted_group && theta > 0.0 {
                twisted(pu[g.start as usize], g.w, theta)
            } else {
                normal_cdf(scale * g.cb_top - yb[g.cell as usize])
            };
            // p is a probability (Φ of a finite value, or its twist), so the
            // distribution exists.
            let Ok(count) = Binomial::new(u64::from(g.n), p) else {
                continue;
            };
            let k = count.sample(&mut WyRand::new(seq.at(GROUP_DRAW | g.key)));
            if k == 0 {
                continue;
            }
            if twisted_group {
                surrogate += k as f64 * g.w;
            }
            let loss = k as f64 * g.amount;
            if g.pipeline {
                acc.pipe += loss;
            } else {
                acc.book += loss;
            }
            (acc.sink)(ids + gi as u32, loss);
        }
        surrogate
    }

    /// E[loss | z] for the Gaussian part (scale 1), approximately:
    /// Σ_units Σ_pol E·LGD·Φ((c − y)/b) over commercial defaults plus
    /// Σ_events w_e·P(event | P) (a policy hit by both is counted twice; this
    /// only guides the first target of the IS tuning).
    pub fn conditional_mean(
        &self,
        classes: &[Class],
        z: &[f64],
        cf: &mut [f64],
        y: &mut [f64],
    ) -> f64 {
        self.cell_values(z, cf, y);
        let commercial: f64 = classes
            .iter()
            .map(|k| {
                k.w * crate::special::cond_pd(
                    k.c,
                    y[k.cell as usize],
                    self.cells[k.cell as usize].b,
                )
            })
            .sum();
        let pfac = z[self.dim() - 1];
        let political: f64 = self
            .events
            .iter()
            .map(|ev| ev.w * normal_cdf(self.event_h(ev, pfac)))
            .sum();
        commercial + political
    }

    /// Obligors aggregated by (cell, threshold) with their commercial exposure × LGD.
    pub fn classes(&self) -> Vec<Class> {
        let mut out: Vec<Class> = Vec::new();
        for band in &self.bands {
            for u in &self.units[band.start as usize..band.end as usize] {
                let w: f64 = self.unit_pol[u.pol_start as usize..u.pol_end as usize]
                    .iter()
                    .map(|&i| self.pols[i as usize].exposure * self.pols[i as usize].lgd)
                    .sum();
                match out.last_mut() {
                    Some(k) if k.cell == band.cell && k.c == u.c => k.w += w,
                    _ => out.push(Class {
                        cell: band.cell,
                        c: u.c,
                        w,
                    }),
                }
            }
        }
        out
    }
}

/// Obligors of one cell with one threshold, aggregated.
#[derive(Clone, Debug)]
pub struct Class {
    /// Cell.
    pub cell: u32,
    /// Threshold.
    pub c: f64,
    /// Σ exposure × mean LGD of the commercial-covered policies.
    pub w: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A walk's early exit is sound: the table's `bound` less the hazards
    /// `hz` passed so far bounds the hazards left, at every step (to the
    /// walk's margin of 10⁻¹² of the bound).
    fn bound_covers_rest(bound: f64, hz: &[f64], what: &str) {
        let mut left = bound;
        for (k, h) in hz.iter().enumerate() {
            left -= h;
            let rest: f64 = hz[k + 1..].iter().sum();
            // An infinite hazard (p̄ = 1) makes `left` NaN, and `E ≥ NaN`
            // never exits: nothing to check.
            assert!(
                left.is_nan() || left + 1e-12 * bound >= rest,
                "{what}, step {k}: {left} < {rest}"
            );
        }
    }

    /// A generated 1,500-policy book over 6 countries (with political
    /// events) and 4 sectors, compiled for one thread.
    fn event_model(seed: u64) -> Sim {
        let spec = crate::PortfolioSpec {
            policies: 1500,
            countries: 6,
            sectors: 4,
            ..Default::default()
        };
        crate::synthetic_model(&spec, seed, "plain")
            .unwrap()
            .compile(1)
    }

    /// The events' table bounds their total hazard at every political
    /// factor on its grid, and the bound less the hazards passed bounds the
    /// events left (the walk's early exit).
    #[test]
    fn event_hazard_table_bounds_the_events_walk() {
        let sim = event_model(3);
        assert!(sim.events.len() >= 6, "{} events", sim.events.len());
        assert_eq!(sim.event_hazard.len(), HZ_NODES);
        let s = Stream::new(5, "event-hazard-test");
        let mut checked = 0u32;
        for k in 0..20_000u64 {
            let p = -10.0 + 20.0 * s.uniform(k, 0, 0);
            let hz: Vec<f64> = sim
                .events
                .iter()
                .map(|ev| sim.phi.upper(sim.event_h(ev, p)).1)
                .collect();
            let total: f64 = hz.iter().sum();
            let Some(bound) = hazard_bound(&sim.event_hazard, 0, p) else {
                assert!(p < HZ_LO, "no bound at {p}");
                continue;
            };
            checked += 1;
            assert!(bound >= total, "P {p}: {bound} < {total}");
            bound_covers_rest(bound, &hz, &format!("P {p}"));
        }
        assert!(checked > 15_000, "{checked}");
    }

    /// Given the political factor, each event strikes with its conditional
    /// probability Φ(h_e(P)) (to five standard errors, 10⁵ paths per factor
    /// value), and the number struck per path has mean Σ_e Φ(h_e(P)) (four
    /// standard errors): the walk and its thinning are exact.
    #[test]
    fn each_event_strikes_with_its_conditional_probability() {
        let sim = event_model(11);
        let keys = Stream::new(8, "event-strike-test");
        let n = 100_000u64;
        for (step, &p) in [-2.5, -0.5, 1.0].iter().enumerate() {
            let mut count = vec![0u64; sim.events.len()];
            let (mut sum, mut sum2) = (0.0, 0.0);
            for k in 0..n {
                let b = keys.block(k, step as u32, 0);
                let key = sequence_under(b[0], b[1]);
                let mut struck = 0.0;
                sim.each_struck_event(p, key, None, |e| {
                    count[e] += 1;
                    struck += 1.0;
                });
                sum += struck;
                sum2 += struck * struck;
            }
            let nf = n as f64;
            let mut expected_total = 0.0;
            for (e, ev) in sim.events.iter().enumerate() {
                let pe = normal_cdf(sim.event_h(ev, p));
                expected_total += pe;
                let se = (pe * (1.0 - pe) / nf).sqrt();
                let got = count[e] as f64 / nf;
                assert!(
                    (got - pe).abs() <= 5.0 * se + 1e-12,
                    "P {p}, event {e}: {got} vs {pe} (s.e. {se})"
                );
            }
            let mean = sum / nf;
            let se = ((sum2 / nf - mean * mean) / nf).sqrt();
            assert!(
                (mean - expected_total).abs() <= 4.0 * se,
                "P {p}: {mean} events per path vs {expected_total} (s.e. {se})"
            );
        }
    }

    /// The per-entry solver as it was before the shared-logit change
    /// (reference for bit-identity).
    fn reference(ps: &[(f64, f64)], x: f64) -> (f64, f64) {
        let mut mean = 0.0;
        let mut var = 0.0;
        let mut wmax = 0.0f64;
        for &(p, w) in ps {
            mean += p * w;
            var += w * w * p * (1.0 - p);
            wmax = wmax.max(w);
        }
        if mean >= x || wmax <= 0.0 {
            return (0.0, 0.0);
        }
        let lg: Vec<f64> = ps
            .iter()
            .map(|&(p, _)| {
                if p <= 0.0 {
                    f64::NEG_INFINITY
                } else {
                    (p / (1.0 - p)).ln()
                }
            })
            .collect();
        let f = |th: f64| -> (f64, f64) {
            let mut m = 0.0;
            let mut d = 0.0;
            for (&(_, w), &l) in ps.iter().zip(&lg) {
                let q = 1.0 / (1.0 + (-(l + th * w)).exp());
                m += w * q;
                d += w * w * q * (1.0 - q);
            }
            (m - x, d)
        };
        let (mut lo, mut hi) = (0.0, 50.0 / wmax);
        let mut th = if var > 0.0 {
            ((x - mean) / var).min(hi)
        } else {
            0.5 * hi
        };
        for _ in 0..8 {
            let (v, d) = f(th);
            if v.abs() <= 1e-3 * x {
                break;
            }
            if v < 0.0 {
                lo = th;
            } else {
                hi = th;
            }
            let nt = if d > 0.0 { th - v / d } else { f64::NAN };
            th = if nt > lo && nt < hi {
                nt
            } else {
                0.5 * (lo + hi)
            };
        }
        let psi = ps
            .iter()
            .zip(&lg)
            .map(|(&(p, w), &l)| {
                if p <= 0.0 {
                    0.0
                } else {
                    (-p).ln_1p() + softplus(l + th * w)
                }
            })
            .sum();
        (th, psi)
    }

    /// A compiled generated book of 1,500 policies (6 countries, 4 sectors,
    /// the default-heavy rating mix, plain Monte Carlo).
    fn small_generated_sim() -> Sim {
        let spec = crate::PortfolioSpec {
            policies: 1500,
            countries: 6,
            sectors: 4,
            ..Default::default()
        };
        crate::synthetic_model(&spec, 3, "plain")
            .unwrap()
            .compile(1)
    }

    /// The per-cell hazard table never settles a cell that the band pass
    /// would not settle: wherever E ≥ Λ_j (table), also E ≥ Λ(y) with Λ(y)
    /// summed over the bands the walk visits (the cell's bands that are not
    /// dense) at the cell's actual y, as in the walk; and
    /// after each band, Λ_j less the hazards passed (plus the walk's margin)
    /// is at least the hazard of the bands left, which the walk's early exit
    /// needs. Checked on a generated book for systematic values across (and
    /// beyond) the grid, with E placed just around Λ_j, where a wrong bound
    /// would show; and the table must settle some cells (it is not vacuous).
    #[test]
    fn cell_hazard_table_bounds_the_walk() {
        let sim = small_generated_sim();
        assert_eq!(sim.cell_hazard.len(), sim.cells.len() * HZ_NODES);
        let s = Stream::new(5, "cell-hazard-test");
        let mut settled = 0u32;
        for (ci, (cell, &(b0, b1))) in sim.cells.iter().zip(&sim.cell_walk).enumerate() {
            for k in 0..2_000u64 {
                let [a, b] = s.uniform_pair(k, ci as u32, 0);
                let y = (-10.0 + 20.0 * a) * cell.sd.max(0.1);
                let yb = y * cell.inv_b;
                let hz: Vec<f64> = sim.walk[b0 as usize..b1 as usize]
                    .iter()
                    .map(|band| band.n as f64 * sim.phi.upper(band.cb_top - yb).1)
                    .collect();
                let total: f64 = hz.iter().sum();
                let yn = if cell.sd > 0.0 { y / cell.sd } else { 0.0 };
                if let Some(bound) = sim.cell_hazard_bound(ci, yn) {
                    assert!(bound >= total, "cell {ci}, y {y}: {bound} < {total}");
                    let e = bound * (1.0 + 1e-12 * (b - 0.5));
                    if e >= bound {
                        assert!(e >= total, "cell {ci}, y {y}");
                        settled += 1;
                    }
                    bound_covers_rest(bound, &hz, &format!("cell {ci}, y {y}"));
                }
            }
        }
        assert!(settled > 100, "{settled}");
    }

    /// Every obligor defaults with its own PD: over many paths of a
    /// generated multi-cell book with correlated factors (so that cells
    /// are passed over by the hazard table, points fall on phantom
    /// stretches and bands are merged), the number of defaults of each
    /// rating grade's obligors matches Σ PD within 4 standard errors
    /// (defaults of one obligor across paths are independent Bernoulli(PD)
    /// variables; the s.e. is the binomial one, inflated for the factor
    /// correlation between obligors of a path by using per-path counts).
    #[test]
    fn each_obligor_defaults_with_its_pd() {
        for mix in [crate::RatingMix::Uniform, crate::RatingMix::Eca] {
            let spec = crate::PortfolioSpec {
                policies: 1500,
                countries: 6,
                sectors: 4,
                rating_mix: mix,
                political_events: false,
                ..Default::default()
            };
            let m = crate::synthetic_model(&spec, 9, "plain").unwrap();
            let sim = m.compile(4);
            // Grade of an obligor = its threshold (the generator's PDs are a
            // few grid values), and the policy that carries its default word.
            let mut grades: Vec<f64> = sim.units.iter().map(|u| u.c).collect();
            grades.sort_by(f64::total_cmp);
            grades.dedup();
            assert!(grades.len() >= 5, "{} grades", grades.len());
            let grade_of = |c: f64| grades.iter().position(|&g| g == c).unwrap();
            let mut first_pol = vec![usize::MAX; sim.pols.len()];
            for u in &sim.units {
                first_pol[sim.unit_pol[u.pol_start as usize] as usize] = grade_of(u.c);
            }
            // Expected defaults per path by grade, and last of all in total.
            let mut expected: Vec<f64> = grades
                .iter()
                .map(|&g| sim.units.iter().filter(|u| u.c == g).count() as f64 * normal_cdf(g))
                .collect();
            expected.push(expected.iter().sum());
            let paths = 100_000u64;
            let mut scr = sim.scratch();
            let k = grades.len() + 1;
            let (mut sum, mut sum2) = (vec![0.0; k], vec![0.0; k]);
            let mut count = vec![0.0; k];
            for p in 0..paths {
                count.iter_mut().for_each(|c| *c = 0.0);
                sim.path(p, &mut scr, &mut |i, _| {
                    let g = first_pol[i as usize];
                    if g != usize::MAX {
                        count[g] += 1.0;
                        count[k - 1] += 1.0;
                    }
                });
                for g in 0..k {
                    sum[g] += count[g];
                    sum2[g] += count[g] * count[g];
                }
            }
            let n = paths as f64;
            for g in 0..k {
                let mean = sum[g] / n;
                let se = ((sum2[g] / n - mean * mean) / n).sqrt();
                assert!(
                    (mean - expected[g]).abs() <= 4.0 * se,
                    "{mix:?} grade {g}: {mean} defaults per path vs {} (s.e. {se})",
                    expected[g]
                );
            }
        }
    }

    /// The lane words hold every obligor of every dense band exactly once,
    /// each in a lane marked valid of a word of its own band (so with its
    /// band's threshold and cell) and under a counter of its own, keyed by
    /// its cell, and no other obligor; padding words hold none. The walk's
    /// ranges hold the other bands, and the generated default-heavy book
    /// has both kinds.
    #[test]
    fn dense_words_hold_each_dense_obligor_once() {
        let sim = small_generated_sim();
        assert!(sim.dense_words.len().is_multiple_of(LANES));
        let mut seen = vec![0u32; sim.units.len()];
        let mut counters = std::collections::HashSet::new();
        for w in &sim.dense_words {
            for k in 0..LANES as u32 {
                if w.valid >> (8 * k + 7) & 1 == 1 {
                    let band = &sim.bands[sim.dense[w.dband as usize].band as usize];
                    let u = w.unit0 + k;
                    assert!(band.dense && (band.start..band.end).contains(&u));
                    assert_eq!(band.cell, sim.dense[w.dband as usize].cell);
                    assert_eq!(w.ctr >> 32, u64::from(band.cell), "keyed by its cell");
                    assert!(
                        counters.insert(w.ctr + u64::from(k)),
                        "one counter per lane"
                    );
                    seen[u as usize] += 1;
                }
            }
            assert_eq!(w.valid & !LANE_HIGH, 0);
        }
        let mut walked = 0;
        for (ci, &(b0, b1)) in sim.cell_walk.iter().enumerate() {
            let (c0, c1) = sim.cell_bands[ci];
            assert!(c0 <= b0 && b1 == c1);
            for (bi, band) in sim
                .bands
                .iter()
                .enumerate()
                .take(c1 as usize)
                .skip(c0 as usize)
            {
                assert_eq!(band.dense, (bi as u32) < b0, "cell {ci} band {bi}");
                walked += usize::from(!band.dense);
            }
        }
        for band in &sim.bands {
            for u in band.start..band.end {
                assert_eq!(seen[u as usize], u32::from(band.dense), "obligor {u}");
            }
        }
        let dense = sim.bands.iter().filter(|b| b.dense).count();
        assert!(
            dense > 0 && walked > 0,
            "{dense} dense, {walked} walked bands"
        );
        assert_eq!(dense, sim.dense.len());
    }

    #[test]
    fn shared_logits_give_the_same_twists_bit_for_bit() {
        // Runs of equal p (as produced band by band), a zero p, varied weights.
        let mut ps = Vec::new();
        for k in 0..400u32 {
            let p = match k % 37 {
                0 => 0.0,
                r if r < 12 => 0.003,
                r if r < 25 => 0.02 + 1e-4 * (k / 37) as f64,
                _ => 0.11,
            };
            let w = 1.0 + ((k * 7919) % 101) as f64;
            ps.push((p, w));
        }
        let mean: f64 = ps.iter().map(|(p, w)| p * w).sum();
        let xs = [0.0, 0.5 * mean, 2.0 * mean, 5.0 * mean, 20.0 * mean];
        let all = solve_twists(&ps, &xs);
        for (&x, &(th, psi)) in xs.iter().zip(&all) {
            let (rt, rp) = reference(&ps, x);
            assert_eq!(th.to_bits(), rt.to_bits(), "theta at x = {x}");
            assert_eq!(psi.to_bits(), rp.to_bits(), "psi at x = {x}");
            let (t1, p1) = solve_twist(&ps, x);
            assert_eq!((t1.to_bits(), p1.to_bits()), (rt.to_bits(), rp.to_bits()));
            let (t2, p2) = solve_twists_opt(&ps, &[x], false)[0];
            assert_eq!(t2.to_bits(), rt.to_bits());
            assert!(p2.is_nan() || (rt == 0.0 && p2 == 0.0));
        }
        assert!(all[3].0 > 0.0, "the test must exercise a positive twist");
    }
}

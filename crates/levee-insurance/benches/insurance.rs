//! Benchmarks of the insurance model (see docs/perf/insurance.md).
//!
//! - `plain_mc/10k`: plain Monte Carlo over a generated heterogeneous
//!   10,000-policy portfolio (20 countries, 8 sectors, 60 political events,
//!   beta LGD correlated with the factors; equal shares of seven rating grades,
//!   mean PD 2.9%); throughput in policy-scenarios per second, single thread.
//! - `plain_mc/10k-eca`: the same with the investment-grade-heavy rating mix
//!   (`RatingMix::Eca`, mean PD 0.86%).
//! - `plain_mc/ccruncher-test05`: plain Monte Carlo over CCruncher's own
//!   `test05` sample (1,000 obligors, two correlated factors, PDs 5/10/20%,
//!   t copula ν = 15; the portfolio of the tests' cross-engine check), the
//!   book on which the CCruncher anchor (7.4e7 obligor-scenarios/s
//!   per core) was measured.
//! - `crplus_fft/1e6`: CreditRisk+ loss distribution of 1,000,000 obligors
//!   (8 sectors) by FFT, including the aggregation into loss units.
//! - Paired plain-MC samples (printed, not criterion samples; only when the
//!   environment variable `LEVEE_BENCH_PAIRED` is set): samples of 250 paths
//!   of the two generated books, each between two runs of a fixed integer
//!   kernel (`calibration`) whose time shows the host's speed at that moment.
//!   This VM runs at two speeds that alternate every few seconds (the kernel
//!   takes ≈ 1.55 ms or ≈ 2.1–2.3 ms); the mean times of the samples taken
//!   at full speed, by ratio to the kernel, and of all samples are printed
//!   (docs/perf/insurance.md, sessions 9 and 11). At least 800 samples per
//!   book, then more until 100 of them ran at full speed (at most 4,000).
//! - One-shot timed runs (printed, not criterion samples): the full IS model
//!   on 2 threads, on the 10,000-policy book with and without its political
//!   events, with the relative standard errors of VaR and ES at 99.9% they
//!   reach (skipped when the environment variable `LEVEE_BENCH_SKIP_ONE_SHOT`
//!   is set).
//!
//! Every plain-MC benchmark times the book's paths in turn, a new block of
//! paths per iteration or sample ([`PathBlocks`]), not one fixed block over
//! and over: a path's work (its defaults and claims) is heavy-tailed, and a
//! fixed block of a few hundred paths is not a fair share of the book
//! (paths 0..500 of the default-heavy book have 320.7 claims per path, the
//! first 100,000 paths 337.8).

use std::hint::black_box;

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, Throughput, criterion_group};
use levee_insurance::crplus::{CrObligor, loss_pmf_fft};
use levee_insurance::sim::{Scratch, Sim};
use levee_insurance::{InsuranceModel, PortfolioSpec, RatingMix};
use levee_units::YearMonth;

fn model(spec: PortfolioSpec, method: &str) -> InsuranceModel {
    levee_insurance::synthetic_model(&spec, 7, method).unwrap_or_else(|e| panic!("{e}"))
}

fn book(rating_mix: RatingMix, political_events: bool) -> PortfolioSpec {
    PortfolioSpec {
        policies: 10_000,
        rating_mix,
        political_events,
        ..Default::default()
    }
}

/// Sum of the book losses of the paths `paths` (what a plain-MC sample
/// times).
fn book_loss(sim: &Sim, scr: &mut Scratch, paths: std::ops::Range<u64>) -> f64 {
    paths.map(|p| sim.path(p, scr, &mut |_, _| {}).book).sum()
}

/// The book's paths in blocks of `size`, in turn (block k is paths
/// k·size..(k + 1)·size). Why: a path's work is heavy-tailed (a bad year
/// for a country defaults many of its obligors), so a benchmark that timed
/// one fixed block would time that block's luck; successive blocks make a
/// run's samples time hundreds of thousands of the book's paths.
struct PathBlocks {
    next: u64,
    size: u64,
}

impl PathBlocks {
    fn new(size: u64) -> Self {
        PathBlocks { next: 0, size }
    }

    fn next_block(&mut self) -> std::ops::Range<u64> {
        let start = self.next;
        self.next += self.size;
        start..self.next
    }
}

fn plain_mc(c: &mut Criterion) {
    let paths = 500u64;
    let mut g = c.benchmark_group("plain_mc");
    g.throughput(Throughput::Elements(paths * 10_000));
    for (name, mix) in [("10k", RatingMix::Uniform), ("10k-eca", RatingMix::Eca)] {
        let m = model(book(mix, true), "plain");
        let sim = m.compile(1);
        let mut scr = sim.scratch();
        let mut blocks = PathBlocks::new(paths);
        g.bench_function(name, |b| {
            b.iter(|| black_box(book_loss(&sim, &mut scr, blocks.next_block())))
        });
    }
    let m = common::load(&common::ccruncher_test05("plain")).unwrap_or_else(|e| panic!("{e}"));
    let sim = m.compile(1);
    let mut scr = sim.scratch();
    let paths = 2000u64;
    g.throughput(Throughput::Elements(paths * 1_000));
    let mut blocks = PathBlocks::new(paths);
    g.bench_function("ccruncher-test05", |b| {
        b.iter(|| black_box(book_loss(&sim, &mut scr, blocks.next_block())))
    });
    g.finish();
}

fn crplus(c: &mut Criterion) {
    let mut g = c.benchmark_group("crplus_fft");
    g.sample_size(10);
    g.bench_function("1e6", |b| {
        b.iter(|| {
            let obligors: Vec<CrObligor> = (0..1_000_000u64)
                .map(|i| CrObligor {
                    pd: 0.001 + 0.02 * ((i * 7919 % 1000) as f64 / 1000.0),
                    units: 1 + (i * 104_729 % 50) as u32,
                    sector: Some((i % 8) as usize),
                    weight: 0.7,
                })
                .collect();
            black_box(loss_pmf_fft(&obligors, &[0.5; 8], 1 << 16).unwrap())
        })
    });
    g.finish();
}

fn one_shot_is() {
    for (events, paths) in [(true, 20_000u64), (false, 10_000)] {
        let m = model(book(RatingMix::Uniform, events), "is");
        let settings = levee_model::RunSettings {
            paths,
            seed: 1,
            threads: 2,
            chunk_size: 4096,
            start: YearMonth::parse("2025-04").unwrap(),
            horizon_months: 12,
        };
        let t = std::time::Instant::now();
        let out = m.run(&settings, &levee_engine::Control::default()).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let lv = &out.summary["levels"][1];
        let rse = |k: &str| lv[k]["std_error"].as_f64().unwrap() / lv[k]["value"].as_f64().unwrap();
        println!(
            "one-shot IS 10k policies (political events: {events}), {paths} paths, 2 threads: {secs:.2} s wall; VaR99.9 rel s.e. {:.4}, ES99.9 rel s.e. {:.4}",
            rse("var"),
            rse("es")
        );
    }
}

/// A fixed amount of integer work (10⁶ SplitMix64 outputs summed), timed:
/// the host's speed at that moment, independent of the simulator (≈ 1.55 ms
/// at full speed on the 2-vCPU EPYC VM of docs/PERFORMANCE.md).
fn calibration() -> f64 {
    let t = std::time::Instant::now();
    let seq = levee_rng::SplitMix64::new(black_box(1));
    let s = (0..1_000_000u64).fold(0u64, |s, i| s.wrapping_add(seq.at(i)));
    black_box(s);
    t.elapsed().as_secs_f64()
}

/// Fewest samples per book in the paired mode.
const MIN_SAMPLES: usize = 800;
/// Full-speed samples per book after which the paired mode stops.
const FULL_SPEED: usize = 100;
/// Most samples per book in the paired mode.
const MAX_SAMPLES: usize = 4000;

/// Plain Monte Carlo samples of 250 paths (successive blocks of the book's
/// paths), each between two calibration runs (at least MIN_SAMPLES, then
/// until FULL_SPEED of them ran at full speed or MAX_SAMPLES were taken).
/// Prints, per book: (a) the mean time of the samples whose calibrations
/// both ran within 5% of the fastest calibration (the host at full speed);
/// (b) the mean over all samples of the ratio sample/calibration (mean of
/// the two around it), times the fastest calibration; (c) the mean of all
/// samples. Means, not medians: the samples' blocks differ in work, and
/// the work of a block is skewed to the right, so a median would time a
/// lighter block than the book's average.
fn paired_plain_mc() {
    let paths = 250u64;
    for (name, mix) in [("10k", RatingMix::Uniform), ("10k-eca", RatingMix::Eca)] {
        let m = model(book(mix, true), "plain");
        let sim = m.compile(1);
        let mut scr = sim.scratch();
        let mut rows = Vec::new();
        let mut blocks = PathBlocks::new(paths);
        black_box(book_loss(&sim, &mut scr, blocks.next_block()));
        let mut before = calibration();
        let mut c_min = before;
        // At least MIN_SAMPLES samples, then until FULL_SPEED of them were
        // taken at full speed (by the fastest calibration so far), or
        // MAX_SAMPLES: the share of full-speed stretches varies from run to
        // run (from under 1% to over 25% of the samples).
        let at_full_speed = |r: &(f64, f64, f64), c_min: f64| r.1.max(r.2) <= 1.05 * c_min;
        while rows.len() < MIN_SAMPLES
            || (rows.len() < MAX_SAMPLES
                && rows.iter().filter(|r| at_full_speed(r, c_min)).count() < FULL_SPEED)
        {
            let block = blocks.next_block();
            let t = std::time::Instant::now();
            black_box(book_loss(&sim, &mut scr, block));
            let dt = t.elapsed().as_secs_f64();
            let after = calibration();
            c_min = c_min.min(after);
            rows.push((dt, before, after));
            before = after;
        }
        let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
        let full: Vec<f64> = rows
            .iter()
            .filter(|r| at_full_speed(r, c_min))
            .map(|r| r.0)
            .collect();
        let n_full = full.len();
        let t_full = mean(full);
        let t_ratio = c_min * mean(rows.iter().map(|r| 2.0 * r.0 / (r.1 + r.2)).collect());
        let t_all = mean(rows.iter().map(|r| r.0).collect());
        let per_s = |t: f64| (paths * 10_000) as f64 / t;
        println!(
            "paired plain_mc/{name} ({paths} paths): (a) full speed {n_full}/{} samples {:.3} ms ({:.3e}/s); (b) by ratio {:.3} ms ({:.3e}/s); (c) all {:.3} ms ({:.3e}/s); calibration fastest {:.3} ms",
            rows.len(),
            t_full * 1e3,
            per_s(t_full),
            t_ratio * 1e3,
            per_s(t_ratio),
            t_all * 1e3,
            per_s(t_all),
            c_min * 1e3
        );
    }
}

criterion_group!(benches, plain_mc, crplus);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    if std::env::var_os("LEVEE_BENCH_PAIRED").is_some() {
        paired_plain_mc();
    }
    if std::env::var_os("LEVEE_BENCH_SKIP_ONE_SHOT").is_none() {
        one_shot_is();
    }
}

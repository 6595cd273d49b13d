//! Levee's Monte Carlo engine.
//!
//! The engine knows nothing of any model. A model implements [`Simulation`]:
//! given a range of path indices it returns a chunk result. The engine cuts the
//! paths into fixed-size chunks, runs them on a rayon pool of the requested
//! size, and returns the chunk results **in path order**. A model that draws its
//! random numbers by identity (see `levee-rng`) and reduces the ordered results
//! sequentially gets bit-identical output for any thread count; a model that
//! reduces per path (not per chunk) is also independent of the chunk size.
//!
//! ```
//! use levee_engine::{run, Control, RunPlan, Simulation};
//! struct Squares;
//! impl Simulation for Squares {
//!     type Chunk = Vec<u64>;
//!     fn simulate(&self, paths: std::ops::Range<u64>) -> Vec<u64> {
//!         paths.map(|p| p * p).collect()
//!     }
//! }
//! let plan = RunPlan { paths: 10, chunk_size: 3, threads: 2 };
//! let chunks = run(&Squares, &plan, &Control::default()).unwrap();
//! let all: Vec<u64> = chunks.into_iter().flatten().collect();
//! assert_eq!(all, (0..10).map(|p| p * p).collect::<Vec<_>>());
//! ```

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

/// Largest number of paths a run may ask for.
pub const MAX_PATHS: u64 = 100_000_000;

/// Default number of paths per chunk. Part of the run specification: results
/// that reduce per chunk depend on it, so it is recorded in every summary.
pub const DEFAULT_CHUNK: u64 = 4096;

/// A model run by the engine.
pub trait Simulation: Sync {
    /// The result of one chunk of paths.
    type Chunk: Send;
    /// Simulate the paths `paths` (a contiguous range of path indices).
    fn simulate(&self, paths: Range<u64>) -> Self::Chunk;
}

/// How many paths, in what chunks, on how many threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunPlan {
    /// Number of paths.
    pub paths: u64,
    /// Paths per chunk (at least 1).
    pub chunk_size: u64,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
}

/// Progress and cancellation shared between the engine and its caller.
#[derive(Debug, Default)]
pub struct Control {
    done: AtomicU64,
    cancel: AtomicBool,
}

impl Control {
    /// Paths finished so far.
    pub fn paths_done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }
    /// Ask the run to stop; chunks already started finish, no new one starts.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }
    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// Why a run did not complete.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EngineError {
    /// Stopped through [`Control::cancel`].
    #[error("run cancelled")]
    Cancelled,
    /// Zero paths or more than [`MAX_PATHS`].
    #[error("paths must be between 1 and {MAX_PATHS}, got {0}")]
    Paths(u64),
    /// The thread pool could not be built.
    #[error("could not start worker threads: {0}")]
    Pool(String),
}

/// Run `sim` over `plan.paths` paths and return the chunk results in path order.
pub fn run<S: Simulation>(
    sim: &S,
    plan: &RunPlan,
    control: &Control,
) -> Result<Vec<S::Chunk>, EngineError> {
    if plan.paths == 0 || plan.paths > MAX_PATHS {
        return Err(EngineError::Paths(plan.paths));
    }
    let chunk = plan.chunk_size.max(1);
    let n_chunks = plan.paths.div_ceil(chunk);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(plan.threads)
        .build()
        .map_err(|e| EngineError::Pool(e.to_string()))?;
    let out: Vec<Option<S::Chunk>> = pool.install(|| {
        (0..n_chunks)
            .into_par_iter()
            .map(|c| {
                if control.is_cancelled() {
                    return None;
                }
                let start = c * chunk;
                let end = (start + chunk).min(plan.paths);
                let r = sim.simulate(start..end);
                control.done.fetch_add(end - start, Ordering::Relaxed);
                Some(r)
            })
            .collect()
    });
    if control.is_cancelled() {
        return Err(EngineError::Cancelled);
    }
    out.into_iter()
        .map(|c| c.ok_or(EngineError::Cancelled))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Ids;
    impl Simulation for Ids {
        type Chunk = Vec<u64>;
        fn simulate(&self, paths: Range<u64>) -> Vec<u64> {
            paths.collect()
        }
    }

    #[test]
    fn order_is_path_order_for_any_threads_and_chunks() {
        for threads in [1, 2, 4] {
            for chunk in [1, 7, 64, 1000] {
                let plan = RunPlan {
                    paths: 500,
                    chunk_size: chunk,
                    threads,
                };
                let v: Vec<u64> = run(&Ids, &plan, &Control::default())
                    .unwrap()
                    .into_iter()
                    .flatten()
                    .collect();
                assert_eq!(v, (0..500).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn cancelled_runs_return_an_error() {
        let c = Control::default();
        c.cancel();
        let plan = RunPlan {
            paths: 10,
            chunk_size: 2,
            threads: 1,
        };
        assert_eq!(run(&Ids, &plan, &c).unwrap_err(), EngineError::Cancelled);
    }

    #[test]
    fn path_limits() {
        let plan = RunPlan {
            paths: 0,
            chunk_size: 2,
            threads: 1,
        };
        assert_eq!(
            run(&Ids, &plan, &Control::default()).unwrap_err(),
            EngineError::Paths(0)
        );
    }
}

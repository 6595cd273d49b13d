//! The stockpile fan filled where the paths are simulated.
//!
//! Each worker thread fills its own [`FanSketch`] (one [`Binned`] per
//! stockpile material and month, laid out bin by bin) with the end-of-month
//! stocks of the paths it simulates; the sketches are merged once at the end.
//! This replaces keeping every path's monthly stocks in memory until the
//! batch is reduced.
//!
//! The result is the sketch that adding every value in path order would give,
//! whatever thread handled which path: counts add, and in bins other than
//! the first, values that compare equal are the same bits (non-zero), so the
//! minimum and maximum do not depend on order. The first bin also holds zero,
//! and +0.0 and −0.0 compare equal: in path order the first one seen wins, so
//! that bin keeps the path at which its minimum and maximum were seen and
//! equal values are resolved by the earlier path, in [`FanSketch::add`] and in
//! [`FanSketch::merge`] alike.

use crate::binned::{Binned, bin_index};

#[derive(Clone, Copy, Debug)]
struct Bin {
    count: u64,
    min: f64,
    max: f64,
}

const EMPTY: Bin = Bin {
    count: 0,
    min: f64::INFINITY,
    max: f64::NEG_INFINITY,
};

/// Per-(material, month) sketches of end-of-month stocks.
#[derive(Clone, Debug)]
pub struct FanSketch {
    months: usize,
    bins: usize,
    /// Bin width per stockpile material (as [`Binned::new`] computes it).
    widths: Vec<f64>,
    /// cell (material-major, then month), then bin.
    cells: Vec<Bin>,
    /// Per cell: path at which the first bin's minimum and maximum were seen.
    first_bin_paths: Vec<(u64, u64)>,
    /// Staged stocks, cell by cell for up to [`TILE`] paths, added to the
    /// histograms one cell at a time (a cell's bins stay in cache).
    tile: Vec<f64>,
    /// The last up to [`SMALL`] staged paths' stocks, path by path (written
    /// contiguously), moved to `tile` in blocks (a blocked transpose).
    small: Vec<f64>,
    n_small: usize,
    /// The staged paths.
    staged: Vec<u64>,
}

/// Paths staged before they are added to the histograms.
const TILE: usize = 2048;
/// Paths per block of the transpose into `tile`.
const SMALL: usize = 64;

impl FanSketch {
    /// Empty sketches for stockpile materials whose fan histograms are
    /// `Binned::new(ceilings[k], bins)`, over `months` months.
    pub fn new(ceilings: &[f64], bins: usize, months: usize) -> Self {
        let template: Vec<Binned> = ceilings.iter().map(|&c| Binned::new(c, bins)).collect();
        let bins = template.first().map_or(bins.max(1), Binned::bins_len);
        let n_cells = ceilings.len() * months;
        FanSketch {
            months,
            bins,
            widths: template.iter().map(Binned::width).collect(),
            cells: vec![EMPTY; n_cells * bins],
            first_bin_paths: vec![(u64::MAX, u64::MAX); n_cells],
            tile: vec![0.0; n_cells * TILE],
            small: vec![0.0; n_cells * SMALL],
            n_small: 0,
            staged: Vec::with_capacity(TILE),
        }
    }

    /// Stage `path`; returns its slot for [`FanSketch::put`]. Every stockpile
    /// material must then be put for it.
    pub fn stage(&mut self, path: u64) -> usize {
        if self.staged.len() == TILE {
            self.flush();
        }
        if self.n_small == SMALL {
            self.move_small();
        }
        self.staged.push(path);
        self.n_small += 1;
        self.n_small - 1
    }

    /// Move the paths in `small` to their columns of `tile`.
    fn move_small(&mut self) {
        let n_cells = self.widths.len() * self.months;
        let base = self.staged.len() - self.n_small;
        for cell in 0..n_cells {
            let row = &mut self.tile[cell * TILE + base..cell * TILE + base + self.n_small];
            for (j, x) in row.iter_mut().enumerate() {
                *x = self.small[j * n_cells + cell];
            }
        }
        self.n_small = 0;
    }

    /// The end-of-month stocks `stocks[t]` of stockpile material `k` for the
    /// path staged in `slot`.
    #[inline]
    pub fn put(&mut self, k: usize, slot: usize, stocks: &[f64]) {
        let n_cells = self.widths.len() * self.months;
        let at = slot * n_cells + k * self.months;
        let m = self.months.min(stocks.len());
        self.small[at..at + m].copy_from_slice(&stocks[..m]);
    }

    /// Add the staged paths to the histograms.
    pub fn flush(&mut self) {
        self.move_small();
        let n = self.staged.len();
        for k in 0..self.widths.len() {
            for t in 0..self.months {
                let cell = k * self.months + t;
                let xs = &self.tile[cell * TILE..cell * TILE + n];
                Self::add_cell(
                    &mut self.cells[cell * self.bins..(cell + 1) * self.bins],
                    &mut self.first_bin_paths[cell],
                    self.widths[k],
                    xs,
                    &self.staged,
                );
            }
        }
        self.staged.clear();
    }

    /// Add values `xs[j]` seen on paths `paths[j]` to one cell's bins. Runs
    /// of the same value (the same bits: e.g. months before any cut, which
    /// are the same on every path) are counted at once.
    #[inline]
    fn add_cell(bins: &mut [Bin], fp: &mut (u64, u64), width: f64, xs: &[f64], paths: &[u64]) {
        let n = bins.len();
        let len = xs.len().min(paths.len());
        let mut j = 0;
        while j < len {
            let x = xs[j];
            let mut end = j + 1;
            while end < len && xs[end].to_bits() == x.to_bits() {
                end += 1;
            }
            let i = bin_index(width, n, x);
            let b = &mut bins[i];
            b.count += (end - j) as u64;
            if i != 0 {
                if x < b.min {
                    b.min = x;
                }
                if x > b.max {
                    b.max = x;
                }
            } else {
                let path = paths[j..end].iter().copied().min().unwrap_or(u64::MAX);
                if x < b.min || (x == b.min && path < fp.0) {
                    b.min = x;
                    fp.0 = path;
                }
                if x > b.max || (x == b.max && path < fp.1) {
                    b.max = x;
                    fp.1 = path;
                }
            }
            j = end;
        }
    }

    /// Add another sketch of the same shape (see the module docs).
    pub fn merge(&mut self, o: &FanSketch) {
        let n = self.bins;
        for (cell, (a, b)) in self.cells.chunks_mut(n).zip(o.cells.chunks(n)).enumerate() {
            for (i, (x, y)) in a.iter_mut().zip(b).enumerate() {
                if y.count == 0 {
                    continue;
                }
                x.count += y.count;
                if i != 0 {
                    if y.min < x.min {
                        x.min = y.min;
                    }
                    if y.max > x.max {
                        x.max = y.max;
                    }
                } else {
                    let (fa, fb) = (&mut self.first_bin_paths[cell], o.first_bin_paths[cell]);
                    if y.min < x.min || (y.min == x.min && fb.0 < fa.0) {
                        x.min = y.min;
                        fa.0 = fb.0;
                    }
                    if y.max > x.max || (y.max == x.max && fb.1 < fa.1) {
                        x.max = y.max;
                        fa.1 = fb.1;
                    }
                }
            }
        }
    }

    /// The histogram of stockpile material `k` in month `t`.
    pub fn binned(&self, k: usize, t: usize) -> Binned {
        let n = self.bins;
        let cell = &self.cells[(k * self.months + t) * n..(k * self.months + t + 1) * n];
        Binned::from_parts(
            self.widths[k],
            cell.iter().map(|b| b.count).collect(),
            cell.iter().map(|b| b.min).collect(),
            cell.iter().map(|b| b.max).collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paths split over two sketches, staged out of order and merged either
    /// way, give exactly the histogram of adding every value in path order,
    /// including which of +0.0 and −0.0 the first bin reports (compared via
    /// `Debug`, which tells them apart, unlike `==`).
    #[test]
    fn merged_sketches_equal_path_order_adds() {
        let months = 3;
        let value = |p: u64, t: usize| -> f64 {
            if t == 0 {
                // Signed zeros on paths far apart, so that each sketch sees both.
                return [-0.0, 0.0, 33.0, 71.5][(p % 4) as usize];
            }
            match (p * 7 + t as u64 * 3) % 11 {
                0 => 0.0,
                1 => -0.0,
                2 => 50.0,
                k => k as f64 * 9.7 + t as f64,
            }
        };
        let ceilings = [100.0, 40.0];
        let bins = 10;
        let mut seq: Vec<Binned> = (0..2 * months)
            .map(|c| Binned::new(ceilings[c / months], bins))
            .collect();
        for p in 0..300u64 {
            for (c, h) in seq.iter_mut().enumerate() {
                h.add(value(p, c % months));
            }
        }
        let fill = |s: &mut FanSketch, paths: &[std::ops::Range<u64>]| {
            for r in paths {
                for p in r.clone() {
                    let slot = s.stage(p);
                    for k in 0..2 {
                        let xs: Vec<f64> = (0..months).map(|t| value(p, t)).collect();
                        s.put(k, slot, &xs);
                    }
                }
                s.flush();
            }
        };
        let mut a = FanSketch::new(&ceilings, bins, months);
        let mut b = FanSketch::new(&ceilings, bins, months);
        fill(&mut a, &[200..300, 0..77]);
        fill(&mut b, &[150..200, 77..150]);
        let mut ab = a.clone();
        ab.merge(&b);
        b.merge(&a);
        for (c, h) in seq.iter().enumerate() {
            let want = format!("{h:?}");
            assert_eq!(format!("{:?}", ab.binned(c / months, c % months)), want);
            assert_eq!(format!("{:?}", b.binned(c / months, c % months)), want);
        }
    }
}

//! CSV tables referenced from scenarios (suppliers, insured portfolios).
//!
//! Errors name the file, the line, the column number and the column name.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use levee_units::{Dimension, parse_quantity};

use crate::Diagnostic;

/// Largest CSV file accepted, in bytes.
pub const MAX_CSV_BYTES: u64 = 2 << 30;

/// A CSV file with a header row, read whole.
#[derive(Debug)]
pub struct CsvTable {
    path: PathBuf,
    headers: Vec<String>,
    rows: Vec<CsvRow>,
    diags: RefCell<Vec<Diagnostic>>,
}

/// One data row.
#[derive(Debug, Clone)]
pub struct CsvRow {
    /// 1-based line number in the file.
    pub line: usize,
    /// 0-based data-row index.
    pub index: usize,
    fields: Vec<String>,
}

impl CsvTable {
    /// Read a CSV file with a header row.
    pub fn load(path: &Path) -> Result<CsvTable, Diagnostic> {
        let fail = |line: usize, column: usize, found: String, expected: &str| Diagnostic {
            file: path.to_path_buf(),
            line,
            column,
            field: String::new(),
            found,
            expected: expected.to_string(),
        };
        let meta = std::fs::metadata(path).map_err(|e| {
            fail(
                0,
                0,
                format!("a file that cannot be opened ({e})"),
                "an existing CSV file",
            )
        })?;
        if meta.len() > MAX_CSV_BYTES {
            return Err(fail(
                0,
                0,
                format!("{} bytes", meta.len()),
                "a CSV file of at most 2 GiB",
            ));
        }
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_path(path)
            .map_err(|e| {
                fail(
                    0,
                    0,
                    format!("a file that cannot be read ({e})"),
                    "a readable CSV file",
                )
            })?;
        let headers: Vec<String> = match rdr.headers() {
            Ok(h) => h.iter().map(str::to_string).collect(),
            Err(e) => return Err(csv_err(path, e)),
        };
        if headers.iter().all(String::is_empty) {
            return Err(fail(
                1,
                1,
                "no header row".into(),
                "a header row naming the columns",
            ));
        }
        let mut rows = Vec::new();
        for (index, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| csv_err(path, e))?;
            let line = rec.position().map_or(0, |p| p.line() as usize);
            rows.push(CsvRow {
                line,
                index,
                fields: rec.iter().map(str::to_string).collect(),
            });
        }
        Ok(CsvTable {
            path: path.to_path_buf(),
            headers,
            rows,
            diags: RefCell::new(Vec::new()),
        })
    }

    /// The file path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Column names.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Data rows in file order.
    pub fn rows(&self) -> &[CsvRow] {
        &self.rows
    }

    /// Index of a required column; a missing column is recorded as an error.
    pub fn column(&self, name: &str) -> Option<usize> {
        let i = self.headers.iter().position(|h| h == name);
        if i.is_none() {
            let hint = crate::reader::did_you_mean(name, self.headers.iter().map(String::as_str))
                .map(|h| format!(" (is {h:?} a misspelling?)"))
                .unwrap_or_default();
            self.push(
                1,
                0,
                name,
                format!("header {:?}", self.headers.join(",")),
                format!("a column named {name:?}{hint}"),
            );
        }
        i
    }

    /// Index of an optional column.
    pub fn opt_column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    fn push(&self, line: usize, col: usize, name: &str, found: String, expected: String) {
        self.diags.borrow_mut().push(Diagnostic {
            file: self.path.clone(),
            line,
            column: col,
            field: if name.is_empty() {
                String::new()
            } else {
                format!("column {name:?}")
            },
            found,
            expected,
        });
    }

    /// Record an error at a row and column.
    pub fn error(&self, row: &CsvRow, col: usize, found: String, expected: String) {
        let name = self.headers.get(col).cloned().unwrap_or_default();
        self.push(row.line, col + 1, &name, found, expected);
    }

    /// The raw text of a cell (empty if the row is short).
    pub fn text<'r>(&self, row: &'r CsvRow, col: usize) -> &'r str {
        row.fields.get(col).map_or("", String::as_str)
    }

    /// A non-empty text cell.
    pub fn req_text(&self, row: &CsvRow, col: usize) -> Option<String> {
        let t = self.text(row, col);
        if t.is_empty() {
            self.error(row, col, "an empty cell".into(), "a value".into());
            return None;
        }
        Some(t.to_string())
    }

    /// A plain number in `[lo, hi]`.
    pub fn number(&self, row: &CsvRow, col: usize, lo: f64, hi: f64) -> Option<f64> {
        let t = self.text(row, col);
        match t.replace(',', "").parse::<f64>() {
            Ok(v) if v.is_finite() && v >= lo && v <= hi => Some(v),
            Ok(v) if v.is_finite() => {
                self.error(
                    row,
                    col,
                    format!("{v}"),
                    format!("a number between {lo} and {hi}"),
                );
                None
            }
            _ => {
                self.error(
                    row,
                    col,
                    format!("{t:?}"),
                    format!("a finite number between {lo} and {hi}"),
                );
                None
            }
        }
    }

    /// An optional plain number (empty cell: `None` without error).
    pub fn opt_number(
        &self,
        row: &CsvRow,
        col: Option<usize>,
        lo: f64,
        hi: f64,
    ) -> Option<Option<f64>> {
        match col {
            Some(c) if !self.text(row, c).is_empty() => self.number(row, c, lo, hi).map(Some),
            _ => Some(None),
        }
    }

    /// A quantity with a unit of dimension `dim`.
    pub fn quantity(
        &self,
        row: &CsvRow,
        col: usize,
        dim: Dimension,
        lo: f64,
        hi: f64,
    ) -> Option<f64> {
        let t = self.text(row, col);
        match parse_quantity(t) {
            Ok(q) if q.dim == dim && q.value >= lo && q.value <= hi => Some(q.value),
            Ok(q) if q.dim == dim => {
                self.error(
                    row,
                    col,
                    format!("{t:?}"),
                    format!("{dim} between {lo} and {hi}"),
                );
                None
            }
            Ok(q) => {
                self.error(
                    row,
                    col,
                    format!("{t:?}, which is {}", q.dim),
                    format!("{dim} (unit mismatch)"),
                );
                None
            }
            Err(e) => {
                self.error(row, col, format!("{t:?} ({e})"), dim.to_string());
                None
            }
        }
    }

    /// Take the errors recorded so far.
    pub fn take_diagnostics(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diags.borrow_mut())
    }
}

fn csv_err(path: &Path, e: csv::Error) -> Diagnostic {
    let (line, found) = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => (
            pos.as_ref().map_or(0, |p| p.line() as usize),
            format!("a row with {len} fields where the header has {expected_len}"),
        ),
        csv::ErrorKind::Utf8 { pos, .. } => (
            pos.as_ref().map_or(0, |p| p.line() as usize),
            "bytes that are not UTF-8".to_string(),
        ),
        _ => (e.position().map_or(0, |p| p.line() as usize), e.to_string()),
    };
    Diagnostic {
        file: path.to_path_buf(),
        line,
        column: 0,
        field: String::new(),
        found,
        expected: "a well-formed CSV row".into(),
    }
}

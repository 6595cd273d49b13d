//! The scenario reader: typed access to a TOML document with error collection.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use levee_units::{Currency, Dated, Dimension, FxTable, Money, YearMonth, parse_quantity};
use toml_edit::{Item, TableLike, Value};

use crate::{CsvTable, Diagnostic, Diagnostics};

/// Where a scenario value came from, as stated in the file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    /// Field path of the value.
    pub field: String,
    /// Cited source (title and URL), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Assumption note, if the value is an assumption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}

/// A parsed scenario file and the diagnostics gathered while reading it.
pub struct Scenario {
    path: PathBuf,
    dir: PathBuf,
    text: String,
    line_starts: Vec<usize>,
    doc: toml_edit::Document<String>,
    diags: RefCell<Vec<Diagnostic>>,
    provenance: RefCell<Vec<Provenance>>,
    inputs: RefCell<Vec<(PathBuf, Vec<u8>)>>,
}

/// Largest scenario file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 16 << 20;

impl Scenario {
    /// Read and parse a scenario file. I/O, encoding and syntax errors are
    /// returned at once (nothing can be checked past a syntax error).
    pub fn load(path: &Path) -> Result<Scenario, Diagnostics> {
        let fail = |found: String, expected: &str| {
            Diagnostics(vec![Diagnostic {
                file: path.to_path_buf(),
                line: 0,
                column: 0,
                field: String::new(),
                found,
                expected: expected.to_string(),
            }])
        };
        let bytes = std::fs::read(path).map_err(|e| {
            fail(
                format!("a file that cannot be read ({e})"),
                "a readable scenario file",
            )
        })?;
        if bytes.len() > MAX_FILE_BYTES {
            return Err(fail(
                format!("{} bytes", bytes.len()),
                &format!(
                    "a scenario file of at most {MAX_FILE_BYTES} bytes (put large tables in CSV files)"
                ),
            ));
        }
        match String::from_utf8(bytes) {
            Ok(text) => Scenario::from_str(path, &text),
            Err(e) => {
                let good = e.utf8_error().valid_up_to();
                let prefix = String::from_utf8_lossy(&e.as_bytes()[..good]).into_owned();
                let line = prefix.matches('\n').count() + 1;
                let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                Err(Diagnostics(vec![Diagnostic {
                    file: path.to_path_buf(),
                    line,
                    column,
                    field: String::new(),
                    found: format!("a byte that is not UTF-8 (0x{:02x})", e.as_bytes()[good]),
                    expected: "a UTF-8 text file".into(),
                }]))
            }
        }
    }

    /// Parse scenario text; `path` is used in messages and to resolve CSV paths.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(path: impl AsRef<Path>, text: &str) -> Result<Scenario, Diagnostics> {
        let path = path.as_ref().to_path_buf();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect::<Vec<_>>();
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if text.trim().is_empty() {
            return Err(Diagnostics(vec![Diagnostic {
                file: path,
                line: 0,
                column: 0,
                field: String::new(),
                found: "an empty file".into(),
                expected: "a TOML scenario with a [run] table and at least one model section \
                           (see `levee example japan-2025`)"
                    .into(),
            }]));
        }
        match toml_edit::Document::parse(text.to_string()) {
            Ok(doc) => Ok(Scenario {
                path,
                dir,
                text: text.to_string(),
                line_starts,
                doc,
                diags: RefCell::new(Vec::new()),
                provenance: RefCell::new(Vec::new()),
                inputs: RefCell::new(Vec::new()),
            }),
            Err(e) => {
                let (line, column) = match e.span() {
                    Some(s) => line_col(text, &line_starts, s.start),
                    None => (0, 0),
                };
                let msg = e.message().trim().replace('\n', " ");
                Err(Diagnostics(vec![Diagnostic {
                    file: path,
                    line,
                    column,
                    field: String::new(),
                    found: format!("invalid TOML ({msg})"),
                    expected: "a TOML document (https://toml.io)".into(),
                }]))
            }
        }
    }

    /// The file's path as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The directory CSV paths are resolved against.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The top-level table.
    pub fn root(&self) -> Table<'_> {
        Table {
            sc: self,
            t: self.doc.as_table(),
            path: String::new(),
            span: None,
            asked: RefCell::new(BTreeSet::new()),
        }
    }

    /// Record a problem found by a model's own checks (cross-field rules).
    pub fn report(&self, span: Option<Range<usize>>, field: &str, found: String, expected: String) {
        let (line, column) = span
            .map(|s| line_col(&self.text, &self.line_starts, s.start))
            .unwrap_or((0, 0));
        self.diags.borrow_mut().push(Diagnostic {
            file: self.path.clone(),
            line,
            column,
            field: field.to_string(),
            found,
            expected,
        });
    }

    /// Record a diagnostic built elsewhere (for example from a CSV file).
    pub fn push(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d);
    }

    /// Move the errors recorded while reading a CSV table into this scenario.
    pub fn absorb(&self, csv: &CsvTable) {
        self.diags.borrow_mut().extend(csv.take_diagnostics());
    }

    /// Number of problems recorded so far.
    pub fn error_count(&self) -> usize {
        self.diags.borrow().len()
    }

    /// Sources and assumptions stated in the file, in reading order.
    pub fn provenance(&self) -> Vec<Provenance> {
        self.provenance.borrow().clone()
    }

    /// A content hash of the scenario text and every data file read through
    /// it (BLAKE3, hex), so a summary names exactly the inputs it came from.
    pub fn content_hash(&self) -> String {
        let mut h = blake3::Hasher::new();
        h.update(b"levee-scenario-v1\0");
        h.update(&(self.text.len() as u64).to_le_bytes());
        h.update(self.text.as_bytes());
        for (p, bytes) in self.inputs.borrow().iter() {
            let name = p
                .strip_prefix(&self.dir)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/");
            h.update(&(name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
        h.finalize().to_hex().to_string()
    }

    /// `Ok(())` if no problem was recorded, else every problem in file order.
    pub fn into_result(self) -> Result<(), Diagnostics> {
        self.check()
    }

    /// Like [`Scenario::into_result`] without consuming the scenario.
    pub fn check(&self) -> Result<(), Diagnostics> {
        let mut d = self.diags.borrow().clone();
        if d.is_empty() {
            return Ok(());
        }
        d.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        d.dedup();
        Err(Diagnostics(d))
    }

    /// Read the `[fx]` table: keys `BASEQUOTE` (e.g. `USDJPY = 150`, one USD is
    /// 150 JPY), each optionally with provenance.
    pub fn fx(&self) -> FxTable {
        let mut fx = FxTable::new();
        let root = self.root();
        // This reader looks only at [fx]; the caller's own root reader checks the other keys.
        root.accept_all();
        if let Some(t) = root.table("fx") {
            for key in t.keys() {
                let pair = (key.len() == 6).then(|| {
                    (
                        Currency::from_code(&key[..3]),
                        Currency::from_code(&key[3..]),
                    )
                });
                match pair {
                    Some((Some(b), Some(q))) => {
                        if let Some(r) = t.quantity(&key, Dimension::Ratio, f64::MIN_POSITIVE, 1e9)
                        {
                            fx.insert(b, q, r);
                        }
                    }
                    _ => t.error_at_key(
                        &key,
                        format!("key {key:?}"),
                        "a currency pair such as USDJPY".into(),
                    ),
                }
            }
        }
        fx
    }
}

fn line_col(text: &str, starts: &[usize], offset: usize) -> (usize, usize) {
    let line = starts.partition_point(|&s| s <= offset);
    let start = starts[line - 1];
    let col = text
        .get(start..offset.min(text.len()))
        .map_or(0, |s| s.chars().count());
    (line, col + 1)
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{:?}", s.value()),
        Value::Integer(i) => format!("the number {}", i.value()),
        Value::Float(f) => format!("the number {}", f.value()),
        Value::Boolean(b) => format!("the boolean {}", b.value()),
        Value::Datetime(d) => format!("the date-time {}", d.value()),
        Value::Array(_) => "an array".into(),
        Value::InlineTable(_) => "a table".into(),
    }
}

fn describe_item(i: &Item) -> String {
    match i {
        Item::Value(v) => describe(v),
        Item::Table(_) => "a table".into(),
        Item::ArrayOfTables(_) => "an array of tables".into(),
        Item::None => "nothing".into(),
    }
}

/// A table of the scenario being read. Keys that are never asked for are
/// reported as unknown (with a "did you mean") when the reader is dropped.
pub struct Table<'a> {
    sc: &'a Scenario,
    t: &'a dyn TableLike,
    path: String,
    span: Option<Range<usize>>,
    asked: RefCell<BTreeSet<String>>,
}

impl Drop for Table<'_> {
    fn drop(&mut self) {
        self.finish_inner();
    }
}

/// A value being read, with its field path and position.
struct Slot<'a> {
    item: &'a Item,
    path: String,
    span: Option<Range<usize>>,
}

impl<'a> Table<'a> {
    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{}", self.path, key)
        }
    }

    /// This table's field path (empty for the root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The byte span of this table in the file.
    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    /// The scenario this table belongs to.
    pub fn scenario(&self) -> &'a Scenario {
        self.sc
    }

    /// All keys of the table, in file order. Marks them as known.
    pub fn keys(&self) -> Vec<String> {
        let keys: Vec<String> = self.t.iter().map(|(k, _)| k.to_string()).collect();
        self.asked.borrow_mut().extend(keys.iter().cloned());
        keys
    }

    /// Whether the key is present (marks it as known).
    pub fn has(&self, key: &str) -> bool {
        self.asked.borrow_mut().insert(key.to_string());
        self.t.get(key).is_some()
    }

    fn slot(&self, key: &str) -> Option<Slot<'a>> {
        self.asked.borrow_mut().insert(key.to_string());
        let (_, item) = self.t.get_key_value(key)?;
        Some(Slot {
            item,
            path: self.child_path(key),
            span: item
                .span()
                .or_else(|| self.t.get_key_value(key).and_then(|(k, _)| k.span())),
        })
    }

    fn err(&self, span: Option<Range<usize>>, field: &str, found: String, expected: String) {
        self.sc
            .report(span.or(self.span.clone()), field, found, expected);
    }

    /// Record an error located at `key` of this table.
    pub fn error_at_key(&self, key: &str, found: String, expected: String) {
        let span = self
            .t
            .get_key_value(key)
            .and_then(|(k, i)| k.span().or(i.span()));
        self.err(span, &self.child_path(key), found, expected);
    }

    /// Record an error about this table as a whole.
    pub fn error(&self, found: String, expected: String) {
        self.err(self.span.clone(), &self.path, found, expected);
    }

    /// Whether `key` is present; if not, record it as missing (expected: `expected`).
    fn present_or_report(&self, key: &str, expected: &str) -> bool {
        self.asked.borrow_mut().insert(key.to_string());
        let present = self.t.get(key).is_some();
        if !present {
            self.missing(key, expected);
        }
        present
    }

    fn missing(&self, key: &str, expected: &str) {
        self.err(
            self.span.clone(),
            &self.child_path(key),
            "nothing (the key is missing)".into(),
            expected.to_string(),
        );
    }

    fn sub(&self, t: &'a dyn TableLike, path: String, span: Option<Range<usize>>) -> Table<'a> {
        Table {
            sc: self.sc,
            t,
            path,
            span,
            asked: RefCell::new(BTreeSet::new()),
        }
    }

    /// The sub-table `key`, if present. A non-table value is an error.
    pub fn table(&self, key: &str) -> Option<Table<'a>> {
        let s = self.slot(key)?;
        match s.item.as_table_like() {
            Some(t) => Some(self.sub(t, s.path, s.span)),
            None => {
                self.err(s.span, &s.path, describe_item(s.item), "a table".into());
                None
            }
        }
    }

    /// The sub-table `key`; an error if missing.
    pub fn req_table(&self, key: &str) -> Option<Table<'a>> {
        if !self.present_or_report(key, &format!("a [{}] table", self.child_path(key))) {
            return None;
        }
        self.table(key)
    }

    /// The array of tables `key` (`[[key]]` or an array of inline tables);
    /// empty if missing.
    pub fn tables(&self, key: &str) -> Vec<Table<'a>> {
        let Some(s) = self.slot(key) else {
            return Vec::new();
        };
        match s.item {
            Item::ArrayOfTables(a) => a
                .iter()
                .enumerate()
                .map(|(i, t)| self.sub(t, format!("{}[{i}]", s.path), t.span()))
                .collect(),
            Item::Value(Value::Array(a)) => {
                let mut out = Vec::new();
                for (i, v) in a.iter().enumerate() {
                    match v.as_inline_table() {
                        Some(t) => out.push(self.sub(t, format!("{}[{i}]", s.path), v.span())),
                        None => self.err(
                            v.span(),
                            &format!("{}[{i}]", s.path),
                            describe(v),
                            "a table".into(),
                        ),
                    }
                }
                out
            }
            other => {
                self.err(
                    s.span,
                    &s.path,
                    describe_item(other),
                    "an array of tables ([[…]])".into(),
                );
                Vec::new()
            }
        }
    }

    /// A string value, if present.
    pub fn string(&self, key: &str) -> Option<String> {
        let s = self.slot(key)?;
        match s.item.as_str() {
            Some(v) => Some(v.to_string()),
            None => {
                self.err(s.span, &s.path, describe_item(s.item), "a string".into());
                None
            }
        }
    }

    /// A string value; an error if missing.
    pub fn req_string(&self, key: &str) -> Option<String> {
        if !self.present_or_report(key, "a string") {
            return None;
        }
        self.string(key)
    }

    /// An array of strings, if present.
    pub fn strings(&self, key: &str) -> Option<Vec<String>> {
        let s = self.slot(key)?;
        let Some(arr) = s.item.as_array() else {
            self.err(
                s.span,
                &s.path,
                describe_item(s.item),
                "an array of strings".into(),
            );
            return None;
        };
        let mut out = Vec::new();
        for (i, v) in arr.iter().enumerate() {
            match v.as_str() {
                Some(x) => out.push(x.to_string()),
                None => self.err(
                    v.span(),
                    &format!("{}[{i}]", s.path),
                    describe(v),
                    "a string".into(),
                ),
            }
        }
        Some(out)
    }

    /// One of `options` (by name), as its index, if present.
    pub fn choice(&self, key: &str, options: &[&str]) -> Option<usize> {
        let s = self.slot(key)?;
        let v = s.item.as_str();
        if let Some(i) = v.and_then(|v| options.iter().position(|o| *o == v)) {
            return Some(i);
        }
        let found = describe_item(s.item);
        let hint = v.and_then(|v| did_you_mean(v, options.iter().copied()));
        self.err(
            s.span,
            &s.path,
            found,
            format!(
                "one of {}{}",
                quote_list(options),
                hint.map(|h| format!(" (did you mean {h:?}?)"))
                    .unwrap_or_default()
            ),
        );
        None
    }

    /// A boolean, if present.
    pub fn boolean(&self, key: &str) -> Option<bool> {
        let s = self.slot(key)?;
        match s.item.as_bool() {
            Some(b) => Some(b),
            None => {
                self.err(
                    s.span,
                    &s.path,
                    describe_item(s.item),
                    "true or false".into(),
                );
                None
            }
        }
    }

    /// An integer in `lo..=hi`, if present.
    pub fn integer(&self, key: &str, lo: i64, hi: i64) -> Option<i64> {
        let s = self.slot(key)?;
        let v = match s.item.as_value() {
            Some(Value::Integer(i)) => *i.value(),
            Some(Value::String(t)) => match t.value().replace(['_', ','], "").parse::<i64>() {
                Ok(i) => i,
                Err(_) => {
                    self.err(
                        s.span,
                        &s.path,
                        describe_item(s.item),
                        "a whole number".into(),
                    );
                    return None;
                }
            },
            _ => {
                self.err(
                    s.span,
                    &s.path,
                    describe_item(s.item),
                    "a whole number".into(),
                );
                return None;
            }
        };
        if v < lo || v > hi {
            self.err(
                s.span,
                &s.path,
                format!("{v}"),
                format!("a whole number from {lo} to {hi}"),
            );
            return None;
        }
        Some(v)
    }

    /// A month `"YYYY-MM"`, if present.
    pub fn date(&self, key: &str) -> Option<YearMonth> {
        let s = self.slot(key)?;
        match s.item.as_str().and_then(YearMonth::parse) {
            Some(d) => Some(d),
            None => {
                self.err(
                    s.span,
                    &s.path,
                    describe_item(s.item),
                    "a month written \"YYYY-MM\" (e.g. \"2025-04\")".into(),
                );
                None
            }
        }
    }

    /// A month; an error if missing.
    pub fn req_date(&self, key: &str) -> Option<YearMonth> {
        if !self.present_or_report(key, "a month written \"YYYY-MM\"") {
            return None;
        }
        self.date(key)
    }

    /// Unwrap `{ value = …, source = …, assumption = … }`, recording provenance.
    fn unwrap_provenance(&self, s: Slot<'a>) -> Option<Slot<'a>> {
        let Some(t) = s.item.as_table_like() else {
            return Some(s);
        };
        if t.get("value").is_none() {
            return Some(s);
        }
        let sub = self.sub(t, s.path.clone(), s.span.clone());
        let source = sub.string("source");
        let assumption = sub.string("assumption");
        let _ = sub.string("note");
        let v = sub.slot("value")?;
        drop(sub);
        self.sc.provenance.borrow_mut().push(Provenance {
            field: s.path.clone(),
            source,
            assumption,
        });
        Some(Slot {
            item: v.item,
            path: s.path,
            span: v.span,
        })
    }

    fn parse_scalar(
        &self,
        s: &Slot<'a>,
        want: Want,
        lo: f64,
        hi: f64,
    ) -> Option<(f64, Option<Currency>)> {
        let (value, dim) = match s.item.as_value() {
            Some(Value::Integer(i)) => (*i.value() as f64, Dimension::Ratio),
            Some(Value::Float(f)) => (*f.value(), Dimension::Ratio),
            Some(Value::String(t)) => match parse_quantity(t.value()) {
                Ok(q) => (q.value, q.dim),
                Err(e) => {
                    self.err(
                        s.span.clone(),
                        &s.path,
                        format!("{:?} ({e})", t.value()),
                        want.to_string(),
                    );
                    return None;
                }
            },
            _ => {
                let what = if s.item.is_table_like() && !s.item.is_array_of_tables() {
                    "a table (a dated series or a table without `value`)".to_string()
                } else {
                    describe_item(s.item)
                };
                self.err(s.span.clone(), &s.path, what, want.to_string());
                return None;
            }
        };
        if !value.is_finite() {
            self.err(
                s.span.clone(),
                &s.path,
                format!("{value}"),
                format!("a finite number: {want}"),
            );
            return None;
        }
        let currency = match (want, dim) {
            (Want::Dim(d), got) if d == got => None,
            (Want::AnyMoney, Dimension::Money(c)) => Some(c),
            (Want::AnyMoneyPerTonne, Dimension::MoneyPerTonne(c)) => Some(c),
            (Want::AnyMoneyPerYear, Dimension::MoneyPerYear(c)) => Some(c),
            (_, got) => {
                let found = match s.item.as_value() {
                    Some(Value::String(t)) => format!("{:?}, which is {got}", t.value()),
                    other => format!("{} with no unit", other.map(describe).unwrap_or_default()),
                };
                self.err(
                    s.span.clone(),
                    &s.path,
                    found,
                    format!("{want} (unit mismatch)"),
                );
                return None;
            }
        };
        if value < lo || value > hi {
            self.err(
                s.span.clone(),
                &s.path,
                format!("{} ({})", show(value), describe_item(s.item)),
                format!("{want} between {} and {}", show(lo), show(hi)),
            );
            return None;
        }
        Some((value, currency))
    }

    /// A quantity of dimension `dim`, in canonical units, within `[lo, hi]`; `None` if missing or invalid.
    pub fn quantity(&self, key: &str, dim: Dimension, lo: f64, hi: f64) -> Option<f64> {
        let s = self.slot(key)?;
        let s = self.unwrap_provenance(s)?;
        self.parse_scalar(&s, Want::Dim(dim), lo, hi).map(|v| v.0)
    }

    /// A required quantity (an error if missing).
    pub fn req_quantity(&self, key: &str, dim: Dimension, lo: f64, hi: f64) -> Option<f64> {
        if !self.present_or_report(key, &Want::Dim(dim).to_string()) {
            return None;
        }
        self.quantity(key, dim, lo, hi)
    }

    /// A ratio or probability in `[lo, hi]` (bare number or percentage).
    pub fn ratio(&self, key: &str, lo: f64, hi: f64) -> Option<f64> {
        self.quantity(key, Dimension::Ratio, lo, hi)
    }

    /// A required ratio.
    pub fn req_ratio(&self, key: &str, lo: f64, hi: f64) -> Option<f64> {
        self.req_quantity(key, Dimension::Ratio, lo, hi)
    }

    /// A duration in days within `[lo, hi]` days.
    pub fn days(&self, key: &str, lo: f64, hi: f64) -> Option<f64> {
        self.quantity(key, Dimension::Days, lo, hi)
    }

    /// An amount of money in any currency, amount within `[lo, hi]`.
    pub fn money(&self, key: &str, lo: f64, hi: f64) -> Option<Money> {
        self.money_like(key, Want::AnyMoney, lo, hi)
    }

    /// Money per tonne in any currency.
    pub fn money_per_tonne(&self, key: &str, lo: f64, hi: f64) -> Option<Money> {
        self.money_like(key, Want::AnyMoneyPerTonne, lo, hi)
    }

    /// Money per year in any currency.
    pub fn money_per_year(&self, key: &str, lo: f64, hi: f64) -> Option<Money> {
        self.money_like(key, Want::AnyMoneyPerYear, lo, hi)
    }

    fn money_like(&self, key: &str, want: Want, lo: f64, hi: f64) -> Option<Money> {
        let s = self.slot(key)?;
        let s = self.unwrap_provenance(s)?;
        let (v, c) = self.parse_scalar(&s, want, lo, hi)?;
        c.map(|c| Money::new(v, c))
    }

    /// Money converted into `to` through `fx`; a missing rate is an error.
    pub fn money_in(&self, key: &str, to: Currency, fx: &FxTable, lo: f64, hi: f64) -> Option<f64> {
        let m = self.money(key, f64::MIN, f64::MAX)?;
        self.convert(key, m, to, fx, lo, hi)
    }

    /// Money per tonne converted into `to`.
    pub fn money_per_tonne_in(
        &self,
        key: &str,
        to: Currency,
        fx: &FxTable,
        lo: f64,
        hi: f64,
    ) -> Option<f64> {
        let m = self.money_per_tonne(key, f64::MIN, f64::MAX)?;
        self.convert(key, m, to, fx, lo, hi)
    }

    fn convert(
        &self,
        key: &str,
        m: Money,
        to: Currency,
        fx: &FxTable,
        lo: f64,
        hi: f64,
    ) -> Option<f64> {
        match fx.convert(m, to) {
            Ok(v) if v.amount >= lo && v.amount <= hi => Some(v.amount),
            Ok(v) => {
                self.error_at_key(
                    key,
                    format!("{} {to}", show(v.amount)),
                    format!("an amount between {} and {} {to}", show(lo), show(hi)),
                );
                None
            }
            Err(e) => {
                self.error_at_key(key, format!("an amount in {}", m.currency), format!("{e}"));
                None
            }
        }
    }

    /// A quantity that may change over time: either a single value or a table
    /// of `"YYYY-MM" = value` entries (dates strictly increasing).
    pub fn dated_quantity(
        &self,
        key: &str,
        dim: Dimension,
        lo: f64,
        hi: f64,
    ) -> Option<Dated<f64>> {
        let s = self.slot(key)?;
        let s = self.unwrap_provenance(s)?;
        let Some(t) = s.item.as_table_like() else {
            return self
                .parse_scalar(&s, Want::Dim(dim), lo, hi)
                .map(|v| Dated::constant(v.0));
        };
        let mut steps = Vec::new();
        let mut ok = true;
        for (k, item) in t.iter() {
            let path = format!("{}.\"{k}\"", s.path);
            let span = item.span();
            let Some(d) = YearMonth::parse(k) else {
                let kspan = t.get_key_value(k).and_then(|(kk, _)| kk.span());
                self.err(
                    kspan,
                    &path,
                    format!("key {k:?}"),
                    "a month written \"YYYY-MM\" as the key of a dated value".into(),
                );
                ok = false;
                continue;
            };
            let slot = Slot {
                item,
                path,
                span: span.clone(),
            };
            match self.parse_scalar(&slot, Want::Dim(dim), lo, hi) {
                Some((v, _)) => {
                    if let Some((prev, _)) = steps.last()
                        && d <= *prev
                    {
                        self.err(
                            span,
                            &slot.path,
                            format!("{d} after {prev}"),
                            "dates in increasing order".into(),
                        );
                        ok = false;
                    }
                    steps.push((d, v));
                }
                None => ok = false,
            }
        }
        if steps.is_empty() && ok {
            self.err(
                s.span.clone(),
                &s.path,
                "an empty table".into(),
                "at least one \"YYYY-MM\" = value entry".into(),
            );
            return None;
        }
        if !ok {
            return None;
        }
        Dated::from_steps(steps).ok()
    }

    /// The raw TOML value of `key` with its 1-based line and column (for reforms).
    pub fn raw_value(&self, key: &str) -> Option<(Value, usize, usize)> {
        let s = self.slot(key)?;
        let (line, col) = s
            .span
            .clone()
            .map(|r| line_col(&self.sc.text, &self.sc.line_starts, r.start))
            .unwrap_or((0, 0));
        match s.item.as_value() {
            Some(v) => Some((v.clone(), line, col)),
            None => {
                self.err(
                    s.span,
                    &s.path,
                    describe_item(s.item),
                    "a value (a table must be written inline: { … })".into(),
                );
                None
            }
        }
    }

    /// A CSV file named by `key` (a path relative to the scenario file).
    pub fn csv(&self, key: &str) -> Option<CsvTable> {
        let s = self.slot(key)?;
        let Some(rel) = s.item.as_str() else {
            self.err(
                s.span,
                &s.path,
                describe_item(s.item),
                "a path to a CSV file, relative to the scenario".into(),
            );
            return None;
        };
        let full = self.sc.dir.join(rel);
        match CsvTable::load(&full) {
            Ok(t) => {
                if let Ok(bytes) = std::fs::read(&full) {
                    self.sc.inputs.borrow_mut().push((full, bytes));
                }
                Some(t)
            }
            Err(mut d) if d.line > 0 => {
                d.field = s.path;
                self.sc.push(d);
                None
            }
            Err(d) => {
                self.err(s.span, &s.path, format!("{rel:?}: {}", d.found), d.expected);
                None
            }
        }
    }

    fn finish_inner(&self) {
        let asked = self.asked.borrow();
        for (k, _) in self.t.iter() {
            if asked.contains(k) {
                continue;
            }
            let hint = did_you_mean(k, asked.iter().map(String::as_str))
                .map(|h| format!(" (did you mean {h:?}?)"))
                .unwrap_or_default();
            let expected = if asked.is_empty() {
                "no keys here".to_string()
            } else {
                format!(
                    "one of {}{hint}",
                    quote_list(&asked.iter().map(String::as_str).collect::<Vec<_>>())
                )
            };
            let span = self
                .t
                .get_key_value(k)
                .and_then(|(kk, i)| kk.span().or(i.span()));
            self.err(
                span,
                &self.child_path(k),
                format!("unknown key {k:?}"),
                expected,
            );
        }
    }

    /// Mark every key as known without reading it (for tables a model reads
    /// generically). Unknown-key checks are otherwise automatic on drop.
    pub fn accept_all(&self) {
        let _ = self.keys();
    }
}

#[derive(Clone, Copy)]
enum Want {
    Dim(Dimension),
    AnyMoney,
    AnyMoneyPerTonne,
    AnyMoneyPerYear,
}

impl std::fmt::Display for Want {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Want::Dim(d) => write!(f, "{d}"),
            Want::AnyMoney => {
                f.write_str("an amount of money with its currency (e.g. \"¥93.7bn\" or \"$550bn\")")
            }
            Want::AnyMoneyPerTonne => {
                f.write_str("a price per tonne with its currency (e.g. \"¥30m/t\")")
            }
            Want::AnyMoneyPerYear => {
                f.write_str("money per year with its currency (e.g. \"¥1tn/yr\")")
            }
        }
    }
}

fn show(v: f64) -> String {
    if v == f64::MAX {
        "∞".into()
    } else if v == f64::MIN {
        "-∞".into()
    } else {
        format!("{v}")
    }
}

fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest known name, if close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    found: &str,
    known: impl Iterator<Item = &'a str>,
) -> Option<String> {
    known
        .map(|k| (strsim::jaro_winkler(found, k), k))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.to_string())
}

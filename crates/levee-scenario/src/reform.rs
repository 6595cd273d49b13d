//! Reforms: files of parameter changes applied to a baseline scenario.
//!
//! A reform is data, as in OpenFisca and PolicyEngine: a TOML file that names
//! fields of the baseline by path and gives their new values. It is validated
//! whole before it applies: every path must exist in the baseline, and every
//! problem is reported at once with the reform file's line and column.
//!
//! ```toml
//! [reform]
//! name = "Heavy rare earths at the 180-day target"
//!
//! [[reform.change]]
//! path = "minerals.materials[Dy].stockpile.target"   # [Dy]: the element whose name is "Dy"; [1] also works
//! value = { value = "180 days", source = "JOGMEC high-risk target <https://…>" }
//! ```

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Value};

use crate::{Diagnostic, Diagnostics, Scenario};

/// One change: a field path in the baseline and its new value.
#[derive(Clone, Debug)]
pub struct Change {
    /// Field path, e.g. `minerals.materials[Dy].stockpile.target`.
    pub path: String,
    /// The new value, as TOML.
    pub value: Value,
    line: usize,
    column: usize,
}

/// A parsed reform file.
#[derive(Clone, Debug)]
pub struct Reform {
    /// File the reform came from.
    pub file: PathBuf,
    /// `[reform] name`.
    pub name: String,
    /// `[reform] description`, if any.
    pub description: Option<String>,
    /// The changes, in file order.
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
    Named(String),
}

fn parse_path(p: &str) -> Option<Vec<Seg>> {
    let mut out = Vec::new();
    let mut chars = p.chars().peekable();
    let mut expect_key = true;
    while let Some(&c) = chars.peek() {
        match c {
            '.' if !expect_key => {
                chars.next();
                expect_key = true;
            }
            '[' if !expect_key => {
                chars.next();
                let mut inner = String::new();
                loop {
                    match chars.next()? {
                        ']' => break,
                        ch => inner.push(ch),
                    }
                }
                let inner = inner.trim().trim_matches('"').to_string();
                if inner.is_empty() {
                    return None;
                }
                out.push(match inner.parse::<usize>() {
                    Ok(i) => Seg::Index(i),
                    Err(_) => Seg::Named(inner),
                });
            }
            '"' if expect_key => {
                chars.next();
                let mut k = String::new();
                loop {
                    match chars.next()? {
                        '"' => break,
                        ch => k.push(ch),
                    }
                }
                out.push(Seg::Key(k));
                expect_key = false;
            }
            _ if expect_key => {
                let mut k = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' {
                        k.push(ch);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if k.is_empty() {
                    return None;
                }
                out.push(Seg::Key(k));
                expect_key = false;
            }
            _ => return None,
        }
    }
    (!out.is_empty() && !expect_key).then_some(out)
}

impl Reform {
    /// Read and check a reform file (its own structure; paths are checked by [`Reform::apply`]).
    pub fn load(path: &Path) -> Result<Reform, Diagnostics> {
        let sc = Scenario::load(path)?;
        let reform = {
            let root = sc.root();
            let t = root.req_table("reform");
            let name = t.as_ref().and_then(|t| t.req_string("name"));
            let description = t.as_ref().and_then(|t| t.string("description"));
            let mut changes = Vec::new();
            if let Some(t) = &t {
                let list = t.tables("change");
                if list.is_empty() && !t.has("change") {
                    t.error(
                        "no [[reform.change]] entries".into(),
                        "at least one change (a null reform may set a value to itself)".into(),
                    );
                }
                for c in &list {
                    let p = c.req_string("path");
                    let v = c.raw_value("value");
                    let _ = c.string("note");
                    if let (Some(p), Some((v, line, column))) = (p, v) {
                        if parse_path(&p).is_none() {
                            c.error_at_key(
                                "path",
                                format!("{p:?}"),
                                "a field path such as minerals.materials[0].stockpile.target"
                                    .into(),
                            );
                        } else {
                            changes.push(Change {
                                path: p,
                                value: v,
                                line,
                                column,
                            });
                        }
                    }
                }
            }
            name.map(|name| Reform {
                file: path.to_path_buf(),
                name,
                description,
                changes,
            })
        };
        sc.check()?;
        reform.ok_or_default()
    }

    /// Apply every change to the baseline scenario text, returning the reformed
    /// text. Fails, listing every bad path, if any change does not apply.
    pub fn apply(&self, baseline: &str) -> Result<String, Diagnostics> {
        let mut doc: DocumentMut = baseline.parse().map_err(|e: toml_edit::TomlError| {
            Diagnostics(vec![Diagnostic {
                file: self.file.clone(),
                line: 0,
                column: 0,
                field: String::new(),
                found: format!("a baseline that is not TOML ({})", e.message()),
                expected: "a valid baseline scenario".into(),
            }])
        })?;
        let mut errors = Vec::new();
        for (i, c) in self.changes.iter().enumerate() {
            let segs = parse_path(&c.path).unwrap_or_default();
            if let Err(why) = set(doc.as_item_mut(), &segs, c.value.clone()) {
                errors.push(Diagnostic {
                    file: self.file.clone(),
                    line: c.line,
                    column: c.column,
                    field: format!("reform.change[{i}].path"),
                    found: format!("{:?}, {why}", c.path),
                    expected: "the path of a field that exists in the baseline scenario".into(),
                });
            }
        }
        if errors.is_empty() {
            Ok(doc.to_string())
        } else {
            Err(Diagnostics(errors))
        }
    }
}

trait OkOrDefault<T> {
    fn ok_or_default(self) -> Result<T, Diagnostics>;
}
impl<T> OkOrDefault<T> for Option<T> {
    fn ok_or_default(self) -> Result<T, Diagnostics> {
        self.ok_or_else(Diagnostics::default)
    }
}

fn set(item: &mut Item, segs: &[Seg], v: Value) -> Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        let decor = item.as_value().map(|old| old.decor().clone());
        let mut v = v;
        if let Some(d) = decor {
            *v.decor_mut() = d;
        }
        *item = Item::Value(v);
        return Ok(());
    };
    match first {
        Seg::Key(k) => {
            let t = item.as_table_like_mut().ok_or_else(|| {
                format!("which goes through something that is not a table before {k:?}")
            })?;
            let child = t
                .get_mut(k)
                .ok_or_else(|| format!("which has no key {k:?}"))?;
            set(child, rest, v)
        }
        Seg::Index(i) => match item {
            Item::ArrayOfTables(a) => {
                let n = a.len();
                let t = a
                    .get_mut(*i)
                    .ok_or_else(|| format!("whose array has {n} entries, not {}", i + 1))?;
                set_in_table(t, rest, v)
            }
            Item::Value(Value::Array(a)) => {
                let n = a.len();
                let e = a
                    .get_mut(*i)
                    .ok_or_else(|| format!("whose array has {n} entries, not {}", i + 1))?;
                set_in_value(e, rest, v)
            }
            _ => Err(format!(
                "where [{i}] indexes something that is not an array"
            )),
        },
        Seg::Named(name) => {
            let matches = |t: &dyn toml_edit::TableLike| {
                ["name", "id"]
                    .iter()
                    .any(|k| t.get(k).and_then(|x| x.as_str()) == Some(name.as_str()))
            };
            match item {
                Item::ArrayOfTables(a) => {
                    let t = a
                        .iter_mut()
                        .find(|t| matches(*t))
                        .ok_or_else(|| format!("which has no entry named {name:?}"))?;
                    set_in_table(t, rest, v)
                }
                Item::Value(Value::Array(a)) => {
                    let e = a
                        .iter_mut()
                        .find(|e| e.as_inline_table().is_some_and(|t| matches(t)))
                        .ok_or_else(|| format!("which has no entry named {name:?}"))?;
                    set_in_value(e, rest, v)
                }
                _ => Err(format!(
                    "where [{name}] selects from something that is not an array"
                )),
            }
        }
    }
}

fn set_in_table(t: &mut toml_edit::Table, rest: &[Seg], v: Value) -> Result<(), String> {
    let mut item = Item::Table(std::mem::take(t));
    let r = set(&mut item, rest, v);
    if let Item::Table(back) = item {
        *t = back;
    }
    r
}

fn set_in_value(e: &mut Value, rest: &[Seg], v: Value) -> Result<(), String> {
    let mut item = Item::Value(e.clone());
    set(&mut item, rest, v)?;
    if let Item::Value(back) = item {
        *e = back;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("a.b[2].c").unwrap(),
            vec![
                Seg::Key("a".into()),
                Seg::Key("b".into()),
                Seg::Index(2),
                Seg::Key("c".into())
            ]
        );
        assert_eq!(
            parse_path("m.materials[Dy].\"2025-04\"").unwrap(),
            vec![
                Seg::Key("m".into()),
                Seg::Key("materials".into()),
                Seg::Named("Dy".into()),
                Seg::Key("2025-04".into())
            ]
        );
        assert!(parse_path("a..b").is_none());
        assert!(parse_path("a.").is_none());
        assert!(parse_path("").is_none());
        assert!(parse_path("a[]").is_none());
    }

    fn reform(changes: &[(&str, &str)]) -> Reform {
        Reform {
            file: "r.toml".into(),
            name: "r".into(),
            description: None,
            changes: changes
                .iter()
                .enumerate()
                .map(|(i, (p, v))| Change {
                    path: p.to_string(),
                    value: v.parse().unwrap(),
                    line: i + 1,
                    column: 1,
                })
                .collect(),
        }
    }

    const BASE: &str = "[m]\nx = 1 # keep\n[[m.item]]\nname = \"Dy\"\ny = \"60 days\"\n[[m.item]]\nname = \"Tb\"\ny = \"60 days\"\nz = [{ name = \"a\", w = 1 }]\n";

    #[test]
    fn applies_by_index_and_name_keeping_comments() {
        let r = reform(&[
            ("m.x", "2"),
            ("m.item[Tb].y", "\"180 days\""),
            ("m.item[1].z[a].w", "3"),
        ]);
        let out = r.apply(BASE).unwrap();
        assert!(out.contains("x = 2 # keep"), "{out}");
        assert!(out.contains("y = \"180 days\""), "{out}");
        assert!(out.contains("w = 3"), "{out}");
        assert_eq!(out.matches("60 days").count(), 1);
    }

    #[test]
    fn reports_every_bad_path() {
        let r = reform(&[
            ("m.nope", "1"),
            ("m.item[7].y", "1"),
            ("m.item[Ho].y", "1"),
            ("m.x.y", "1"),
        ]);
        let e = r.apply(BASE).unwrap_err();
        assert_eq!(e.0.len(), 4, "{e}");
        assert!(e.to_string().contains("no key \"nope\""));
        assert!(e.to_string().contains("has 2 entries"));
        assert!(e.to_string().contains("no entry named \"Ho\""));
    }
}

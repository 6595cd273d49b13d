//! Every `tests/fixtures/bad/insurance-*.toml` is rejected with the message
//! named on its first line (`# expect: …`) and a `file:line:col` location.
//! (The CLI test runs the same files through `levee validate`.)

mod common;

#[test]
fn bad_inputs_are_reported_with_location() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bad");
    let mut n = 0;
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !(name.starts_with("insurance-") && name.ends_with(".toml")) {
            continue;
        }
        n += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .expect("first line # expect: …")
            .trim()
            .to_string();
        let err = match common::load(&path) {
            Err(e) if std::env::var("SHOW").is_ok() => {
                eprintln!("{name}: {e}");
                e
            }
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => e,
        };
        assert!(err.contains(&expect), "{name}: {err:?} lacks {expect:?}");
        let located = err.lines().any(|l| {
            l.contains(&expect) && {
                let parts: Vec<&str> = l.split(':').collect();
                parts.windows(2).any(|w| {
                    w[0].trim().parse::<usize>().is_ok_and(|x| x > 0)
                        && w[1].trim().parse::<usize>().is_ok()
                })
            }
        });
        assert!(located, "{name}: no file:line:col in {err:?}");
    }
    assert!(n >= 9, "only {n} fixtures");
}

//! The validator never panics, whatever it is given, and every error it
//! reports names the file.

use levee_runner::{Overrides, prepare};
use proptest::prelude::*;

fn check(bytes: &[u8]) {
    let dir = std::env::temp_dir().join(format!("levee-prop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("p.toml");
    std::fs::write(&f, bytes).unwrap();
    if let Err(d) = prepare(&f, &Overrides::default()) {
        for e in &d.0 {
            assert!(e.file.ends_with("p.toml") || e.file.extension().is_some_and(|x| x == "csv"));
        }
    }
}

const EXAMPLE: &str = include_str!("../../../examples/japan-2025.toml");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check(&bytes);
    }

    #[test]
    fn mutated_example_never_panics(pos in 0usize..EXAMPLE.len(), len in 0usize..40, insert in "[ -~]{0,12}") {
        let mut s = EXAMPLE.as_bytes().to_vec();
        let end = (pos + len).min(s.len());
        s.splice(pos..end, insert.bytes());
        check(&s);
    }

    #[test]
    fn odd_values_anywhere_never_panic(
        v in prop_oneof![
            Just("nan"), Just("inf"), Just("-1"), Just("1e308"), Just("0"), Just("\"-5 t\""),
            Just("\"1e400 days\""), Just("[]"), Just("{}"), Just("\"\""), Just("true"),
        ],
        which in 0usize..2000,
    ) {
        let lines: Vec<&str> = EXAMPLE.lines().collect();
        let candidates: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains(" = ") && !l.trim_start().starts_with('#'))
            .map(|(i, _)| i)
            .collect();
        let i = candidates[which % candidates.len()];
        let mut out = String::new();
        for (j, l) in lines.iter().enumerate() {
            match l.split_once(" = ") {
                Some((k, _)) if j == i => out.push_str(&format!("{k} = {v}\n")),
                _ => {
                    out.push_str(l);
                    out.push('\n');
                }
            }
        }
        check(out.as_bytes());
    }
}

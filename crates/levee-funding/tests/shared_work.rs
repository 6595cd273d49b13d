//! The simulation computes once what several regimes share on a path (the
//! same line at the same position, a project funded the same way, a normal
//! quantile or lognormal factor read from the same draws) and copies it. These
//! tests check the copies against results computed without sharing: a regime's
//! results must not depend on which other regimes run beside it.
mod common;
use common::*;
use serde_json::Value;

/// The `[[funding.regimes]]` block named `name` in `section`.
fn regime_block(section: &str, name: &str) -> String {
    let head = format!("[[funding.regimes]]\nname = \"{name}\"\n");
    let start = section.find(&head).expect("regime in the example");
    let rest = &section[start + head.len()..];
    let end = rest
        .find("[[funding.regimes]]")
        .map_or(section.len(), |e| start + head.len() + e);
    section[start..end].to_string()
}

/// The section without its regimes, with baseline `baseline`.
fn without_regimes(section: &str, baseline: &str) -> String {
    let end = section.find("[[funding.regimes]]").expect("regimes");
    section[..end].replace(
        "baseline = \"supplementary\"",
        &format!("baseline = \"{baseline}\""),
    )
}

fn summary(text: &str) -> serde_json::Map<String, Value> {
    run(&model(text, "2025-04", 10), 1500, 77).summary
}

#[test]
fn a_regime_alone_equals_the_same_regime_among_others() {
    let section = example_section();
    // "mixed b": the mixed regime with another execution CV, so that its line
    // at position 2 shares the draws of the regular lines of "regular budget"
    // and "mixed" but not their lognormal σ (the cached factor must not be
    // reused), and "mixed copy": an exact copy of "mixed" (every line and
    // project outcome copied), compared against a baseline that is neither.
    let mixed = regime_block(&section, "mixed");
    let mixed_b = mixed
        .replace("name = \"mixed\"", "name = \"mixed b\"")
        .replace("execution_cv = 0.05", "execution_cv = 0.08");
    assert_ne!(
        mixed_b,
        mixed.replace("name = \"mixed\"", "name = \"mixed b\"")
    );
    let mixed_copy = mixed.replace("name = \"mixed\"", "name = \"mixed copy\"");
    let all = format!(
        "{HEAD}{}\n{mixed_b}\n{mixed_copy}",
        section.replace(
            "baseline = \"supplementary\"",
            "baseline = \"regular budget\""
        )
    );
    let together = summary(&all);

    // Each regime alone (its own baseline): no line, project or factor to share.
    for name in ["mixed", "mixed b", "regular budget", "one-time"] {
        let block = if name == "mixed b" {
            mixed_b.clone()
        } else {
            regime_block(&section, name)
        };
        let alone = summary(&format!("{HEAD}{}{block}", without_regimes(&section, name)));
        assert_eq!(
            together["regimes"][name], alone["regimes"][name],
            "regime {name:?} changed when run beside others"
        );
    }

    // The exact copy has the same results and the same paired differences.
    assert_eq!(
        together["regimes"]["mixed copy"],
        together["regimes"]["mixed"]
    );
    assert_eq!(
        together["comparison"]["mixed copy"],
        together["comparison"]["mixed"]
    );
    // And the comparison is not trivially zero (the check can fail).
    let d = together["comparison"]["mixed"]["projects"]["Rapidus"]["private_mobilized"]["mean"]
        .as_f64()
        .unwrap();
    assert!(d.abs() > 1e9, "{d}");
}

//! Behaviour of the scenario reader on good and bad input.

use levee_scenario::{Dimension, Scenario};

fn errors(text: &str, read: impl Fn(&Scenario)) -> Vec<String> {
    let sc = Scenario::from_str("t.toml", text).unwrap();
    read(&sc);
    match sc.into_result() {
        Ok(()) => vec![],
        Err(d) => d.0.iter().map(|d| d.to_string()).collect(),
    }
}

#[test]
fn reports_all_errors_with_line_column_and_field() {
    let text = "[m]\nshare = 1.5\ndemand = 100\nlead = \"3 parsecs\"\nextra = 1\n";
    let e = errors(text, |sc| {
        let r = sc.root();
        let m = r.table("m").unwrap();
        m.ratio("share", 0.0, 1.0);
        m.quantity("demand", Dimension::TonnesPerMonth, 0.0, 1e9);
        m.days("lead", 0.0, 1e5);
        m.quantity("lead_time", Dimension::Days, 0.0, 1e5);
    });
    assert_eq!(e.len(), 4, "{e:#?}");
    assert!(
        e[0].starts_with("t.toml:2:9: m.share: found 1.5"),
        "{}",
        e[0]
    );
    assert!(
        e[1].contains("t.toml:3:10: m.demand") && e[1].contains("no unit"),
        "{}",
        e[1]
    );
    assert!(
        e[2].contains("t.toml:4:8: m.lead") && e[2].contains("unknown unit"),
        "{}",
        e[2]
    );
    assert!(
        e[3].contains("t.toml:5:1: m.extra: found unknown key"),
        "{}",
        e[3]
    );
}

#[test]
fn did_you_mean_for_misspelled_keys_and_choices() {
    let e = errors("[m]\nstockpil = 1\nkind = \"markv\"\n", |sc| {
        let r = sc.root();
        let m = r.table("m").unwrap();
        m.ratio("stockpile", 0.0, 10.0);
        m.choice("kind", &["markov", "arrivals"]);
    });
    assert!(
        e.iter().any(|l| l.contains("did you mean \"stockpile\"")),
        "{e:#?}"
    );
    assert!(
        e.iter().any(|l| l.contains("did you mean \"markov\"")),
        "{e:#?}"
    );
}

#[test]
fn provenance_and_dated_values() {
    let text = r#"
[m]
share = { value = "60%", source = "JOGMEC 2024 <https://example.org>" }
demand = { value = { "2025-04" = "100 t/month", "2027-04" = "1,800 t/yr" }, assumption = "growth path" }
"#;
    let sc = Scenario::from_str("t.toml", text).unwrap();
    {
        let r = sc.root();
        let m = r.table("m").unwrap();
        assert_eq!(m.ratio("share", 0.0, 1.0), Some(0.6));
        let d = m
            .dated_quantity("demand", Dimension::TonnesPerMonth, 0.0, 1e9)
            .unwrap();
        assert_eq!(d.steps().len(), 2);
        assert_eq!(d.steps()[1].1, 150.0);
    }
    let p = sc.provenance();
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].field, "m.share");
    assert!(p[1].assumption.is_some());
    assert!(sc.into_result().is_ok());
}

#[test]
fn dates_out_of_order_and_bad_keys() {
    let e = errors(
        "[m]\nd = { \"2027-04\" = 1, \"2025-04\" = 2, \"April\" = 3 }\n",
        |sc| {
            let r = sc.root();
            let m = r.table("m").unwrap();
            assert!(m.dated_quantity("d", Dimension::Ratio, 0.0, 10.0).is_none());
        },
    );
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(e.iter().any(|l| l.contains("increasing")));
    assert!(e.iter().any(|l| l.contains("\"April\"")));
}

#[test]
fn non_finite_and_syntax_errors() {
    let e = errors("[m]\nx = nan\ny = inf\n", |sc| {
        let r = sc.root();
        let m = r.table("m").unwrap();
        m.ratio("x", 0.0, 1.0);
        m.ratio("y", 0.0, 1.0);
    });
    assert_eq!(e.len(), 2);
    let err = Scenario::from_str("t.toml", "x = 1e400\n").err().unwrap();
    assert!(err.to_string().contains("t.toml:1:5"), "{err}");
    let err = Scenario::from_str("t.toml", "just some words\n")
        .err()
        .unwrap();
    assert!(err.to_string().contains("invalid TOML"), "{err}");
    let err = Scenario::from_str("t.toml", "  \n").err().unwrap();
    assert!(err.to_string().contains("empty"), "{err}");
}

#[test]
fn money_and_fx() {
    let text = "[fx]\nUSDJPY = 150\n[m]\na = \"$2bn\"\nb = \"€1bn\"\n";
    let sc = Scenario::from_str("t.toml", text).unwrap();
    let fx = sc.fx();
    {
        let r = sc.root();
        let m = r.table("m").unwrap();
        assert_eq!(
            m.money_in("a", levee_units::Currency::JPY, &fx, 0.0, f64::MAX),
            Some(3.0e11)
        );
        assert_eq!(
            m.money_in("b", levee_units::Currency::JPY, &fx, 0.0, f64::MAX),
            None
        );
    }
    let e = sc.into_result().unwrap_err().to_string();
    assert!(e.contains("no FX rate from EUR to JPY"), "{e}");
}

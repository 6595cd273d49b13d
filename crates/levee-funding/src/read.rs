//! Reading and validating the `[funding]` section.

use levee_model::ScenarioContext;
use levee_scenario::Table;

use crate::{
    FiscalGrid, FundingModel, LineKind, Market, Milestone, Program, Project, Regime,
    history_calibration, parse_fiscal_year,
};

/// Largest amount of money accepted anywhere in the section (¥1,000tn).
pub const MAX_MONEY: f64 = 1e15;
/// Most projects in a section.
pub const MAX_PROJECTS: usize = 64;
/// Most regimes in a section.
pub const MAX_REGIMES: usize = 16;
/// Most programs in a regime.
pub const MAX_PROGRAMS: usize = 32;

const SECTION_KEYS: [&str; 6] = [
    "projects",
    "regimes",
    "baseline",
    "look_ahead",
    "private_sensitivity",
    "equal_total",
];

/// Tolerance for shares that must sum to one.
const SHARE_TOL: f64 = 1e-6;

struct Reader<'c> {
    ctx: &'c ScenarioContext,
    grid: FiscalGrid,
}

impl Reader<'_> {
    fn money(&self, t: &Table, key: &str, lo: f64) -> Option<f64> {
        t.money_in(key, self.ctx.currency, &self.ctx.fx, lo, MAX_MONEY)
    }

    fn req_money(&self, t: &Table, key: &str, lo: f64) -> Option<f64> {
        if !t.has(key) {
            t.error(
                format!("no `{key}`"),
                format!("`{key}`: an amount of money (e.g. \"¥1.2tn\")"),
            );
            return None;
        }
        self.money(t, key, lo)
    }

    /// A fiscal-year key `"FY2025"` on the grid, or an error at that key.
    fn fy_key(&self, t: &Table, key: &str) -> Option<usize> {
        match parse_fiscal_year(key) {
            None => {
                t.error_at_key(
                    key,
                    format!("key {key:?}"),
                    "a fiscal year written \"FY2025\"".into(),
                );
                None
            }
            Some(y) => match self.grid.index_of(y) {
                Some(i) => Some(i),
                None => {
                    t.error_at_key(
                        key,
                        format!("FY{y}, outside the run"),
                        format!(
                            "a fiscal year from {} to {} (the fiscal years covered by the horizon)",
                            self.grid.label(0),
                            self.grid.label(self.grid.years - 1)
                        ),
                    );
                    None
                }
            },
        }
    }

    /// A table of `FY2025 = "¥…"` entries as amounts by grid year.
    fn fy_money(&self, t: &Table, key: &str) -> Option<Vec<f64>> {
        let mut v = vec![0.0; self.grid.years];
        let Some(sub) = t.table(key) else {
            return if t.has(key) { None } else { Some(v) };
        };
        let mut ok = true;
        for k in sub.keys() {
            let i = self.fy_key(&sub, &k);
            let a = self.money(&sub, &k, 0.0);
            match (i, a) {
                (Some(i), Some(a)) => v[i] = a,
                _ => ok = false,
            }
        }
        ok.then_some(v)
    }

    fn project(&self, t: &Table) -> Option<Project> {
        let name = t.req_string("name");
        let kind = t.choice("kind", &["fab", "ai_compute", "rnd", "other"]);
        let cost = self.req_money(t, "cost", f64::MIN_POSITIVE);
        let spent = self.money(t, "spent_to_date", 0.0);
        let capex = self.fy_money(t, "capex");
        if !t.has("capex") {
            t.error(
                "no `capex`".into(),
                "`capex`: planned capex by fiscal year, e.g. { FY2025 = \"¥1tn\" }".into(),
            );
        }
        let public_share = if t.has("public_share") {
            t.ratio("public_share", 1e-6, 1.0)
        } else {
            t.error(
                "no `public_share`".into(),
                "`public_share`: the share of capex paid by public money, in (0, 1]".into(),
            );
            None
        };
        let capacity = self.money(t, "capacity", f64::MIN_POSITIVE);
        let cost_cv = t.ratio("cost_cv", 0.0, 5.0);
        let delay_cost = self.money(t, "delay_cost_per_month", 0.0);
        let cancel = self.money(t, "cancel_shortfall", 0.0);
        let lapse = t.ratio("reserve_lapse", 0.0, 1.0);
        let reserve_at_start = self.money(t, "reserve_at_start", 0.0);
        let market = t.table("market").and_then(|m| {
            let deadline = m.req_date("deadline");
            let value = self.req_money(&m, "value", 0.0);
            let loss = if m.has("loss_per_year") {
                m.ratio("loss_per_year", 0.0, 1.0)
            } else {
                m.error(
                    "no `loss_per_year`".into(),
                    "`loss_per_year`: share of the value lost per year late".into(),
                );
                None
            };
            Some(Market {
                deadline: deadline?,
                deadline_offset: self.grid.months_to_end_of(deadline?),
                value: value?,
                loss_per_year: loss?,
            })
        });
        let mut milestones = Vec::new();
        let mut ms_ok = true;
        for mt in t.tables("milestones") {
            let mname = mt.req_string("name");
            let progress = if mt.has("progress") {
                mt.ratio("progress", 1e-9, 1.0)
            } else {
                mt.error(
                    "no `progress`".into(),
                    "`progress`: the share of the cost estimate done at the milestone, in (0, 1]"
                        .into(),
                );
                None
            };
            let target = mt.req_date("target");
            let source = mt.string("source");
            match (mname, progress, target) {
                (Some(name), Some(progress), Some(target)) => {
                    if milestones.iter().any(|m: &Milestone| m.name == name) {
                        mt.error_at_key(
                            "name",
                            format!("a second milestone named {name:?}"),
                            "unique milestone names".into(),
                        );
                        ms_ok = false;
                    }
                    milestones.push(Milestone {
                        name,
                        progress,
                        target,
                        target_offset: self.grid.months_to_end_of(target),
                        source,
                    })
                }
                _ => ms_ok = false,
            }
        }
        let (name, cost, capex, public_share) = (name?, cost?, capex?, public_share?);
        let spent = spent.unwrap_or(0.0);
        let planned: f64 = capex.iter().sum();
        if (spent + planned - cost).abs() > SHARE_TOL * cost {
            t.error_at_key(
                "cost",
                format!(
                    "a cost estimate of {cost} while spent_to_date + capex = {}",
                    spent + planned
                ),
                "cost = spent_to_date + the sum of capex (within one part in a million)".into(),
            );
            return None;
        }
        let max_capex = capex.iter().copied().fold(0.0, f64::max);
        let capacity = match capacity {
            Some(c) if c < max_capex * (1.0 - SHARE_TOL) => {
                t.error_at_key(
                    "capacity",
                    format!("a capacity of {c} below the largest planned year ({max_capex})"),
                    "a capacity at least as large as every year's planned capex".into(),
                );
                return None;
            }
            Some(c) => c,
            None if t.has("capacity") => return None,
            None => 1.5 * max_capex.max(f64::MIN_POSITIVE),
        };
        if !ms_ok || (t.has("market") && market.is_none()) {
            return None;
        }
        Some(Project {
            name,
            kind: ["fab", "ai_compute", "rnd", "other"][kind.unwrap_or(3)].to_string(),
            cost,
            spent_to_date: spent,
            capex,
            public_share,
            capacity,
            cost_cv: cost_cv.unwrap_or(0.0),
            delay_cost_per_month: delay_cost.unwrap_or(0.0),
            cancel_shortfall: cancel,
            reserve_lapse: lapse.unwrap_or(0.0),
            reserve_at_start: reserve_at_start.unwrap_or(0.0),
            market,
            milestones,
        })
    }

    fn program(&self, t: &Table, projects: &[String]) -> Option<Program> {
        let cal = history_calibration();
        let name = t.req_string("name");
        let kind = if t.has("kind") {
            t.choice("kind", &["initial", "supplementary"])
        } else {
            t.error(
                "no `kind`".into(),
                "`kind`: \"initial\" or \"supplementary\"".into(),
            );
            None
        };
        // Allocation to projects.
        let mut allocation = vec![0.0; projects.len()];
        let mut ok = true;
        match t.table("allocation") {
            Some(a) => {
                let mut sum = 0.0;
                for k in a.keys() {
                    let share = a.ratio(&k, 0.0, 1.0);
                    match (projects.iter().position(|p| *p == k), share) {
                        (Some(i), Some(s)) => {
                            allocation[i] = s;
                            sum += s;
                        }
                        (None, _) => {
                            a.error_at_key(
                                &k,
                                format!("project {k:?}"),
                                format!("one of the projects: {projects:?}"),
                            );
                            ok = false;
                        }
                        _ => ok = false,
                    }
                }
                if ok && sum > 1.0 + SHARE_TOL {
                    a.error(format!("allocation shares summing to {sum}"), "shares summing to at most 1 (within 1e-6); the rest goes to uses outside the model".into());
                    ok = false;
                }
            }
            None => {
                if !t.has("allocation") {
                    t.error("no `allocation`".into(), "`allocation`: shares of the program going to each project, e.g. { Rapidus = 0.6 }".into());
                }
                ok = false;
            }
        }
        // Disbursement profile.
        let mut disbursement = vec![1.0];
        if let Some(d) = t.table("disbursement") {
            let keys = d.keys();
            let mut v = vec![f64::NAN; keys.len()];
            for k in &keys {
                let idx = k
                    .strip_prefix("year_")
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|&n| n >= 1 && n <= keys.len());
                let share = d.ratio(k, 0.0, 1.0);
                match (idx, share) {
                    (Some(i), Some(s)) => v[i - 1] = s,
                    (None, _) => {
                        d.error_at_key(
                            k,
                            format!("key {k:?}"),
                            format!(
                                "year_1 … year_{} (year_1 = the year of the appropriation)",
                                keys.len()
                            ),
                        );
                        ok = false;
                    }
                    _ => ok = false,
                }
            }
            let sum: f64 = v.iter().sum();
            if ok && (v.is_empty() || !sum.is_finite() || (sum - 1.0).abs() > SHARE_TOL) {
                d.error(
                    format!("disbursement shares summing to {sum}"),
                    "shares year_1, year_2, … summing to 1 (within 1e-6)".into(),
                );
                ok = false;
            }
            disbursement = v;
        } else if t.has("disbursement") {
            ok = false;
        }
        let steady = self.money(t, "steady", 0.0);
        let execution_cv = t.ratio("execution_cv", 0.0, 2.0);
        let p = t.ratio("ad_hoc_probability", 0.0, 1.0);
        let ad_hoc_mean = self.money(t, "ad_hoc_mean", 0.0);
        let ad_hoc_cv = t.ratio("ad_hoc_cv", 0.0, 5.0);
        let one_time = self.money(t, "one_time", 0.0);
        let one_time_year = match t.string("one_time_year") {
            Some(s) => match parse_fiscal_year(&s).and_then(|y| self.grid.index_of(y)) {
                Some(i) => Some(i),
                None => {
                    t.error_at_key(
                        "one_time_year",
                        format!("{s:?}"),
                        format!(
                            "a fiscal year from {} to {} written \"FY2025\"",
                            self.grid.label(0),
                            self.grid.label(self.grid.years - 1)
                        ),
                    );
                    None
                }
            },
            None => (!t.has("one_time_year")).then_some(0),
        };
        let schedule = self.fy_money(t, "schedule");
        let from_year = match t.string("from_year") {
            Some(s) => match parse_fiscal_year(&s).and_then(|y| self.grid.index_of(y)) {
                Some(i) => Some(i),
                None => {
                    t.error_at_key(
                        "from_year",
                        format!("{s:?}"),
                        format!(
                            "a fiscal year from {} to {} written \"FY2026\"",
                            self.grid.label(0),
                            self.grid.label(self.grid.years - 1)
                        ),
                    );
                    None
                }
            },
            None => (!t.has("from_year")).then_some(0),
        };
        if t.has("from_year") && !(t.has("steady") || t.has("ad_hoc_mean")) {
            t.error_at_key(
                "from_year",
                "`from_year` without `steady` or `ad_hoc_mean`".into(),
                "a steady or ad hoc component for it to apply to".into(),
            );
            ok = false;
        }
        let freeze = t.ratio("freeze_probability", 0.0, 1.0);
        let cut_p = t.ratio("cut_probability", 0.0, 1.0);
        let cut_f = t.ratio("cut_fraction", 0.0, 1.0);
        let mut frozen = vec![false; self.grid.years];
        if let Some(list) = t.strings("frozen_years") {
            for s in list {
                match parse_fiscal_year(&s).and_then(|y| self.grid.index_of(y)) {
                    Some(i) => frozen[i] = true,
                    None => {
                        t.error_at_key(
                            "frozen_years",
                            format!("{s:?}"),
                            format!(
                                "fiscal years from {} to {} written \"FY2025\"",
                                self.grid.label(0),
                                self.grid.label(self.grid.years - 1)
                            ),
                        );
                        ok = false;
                    }
                }
            }
        }
        for (key, present) in [
            ("execution_cv", t.has("execution_cv")),
            ("ad_hoc_probability", t.has("ad_hoc_probability")),
            ("ad_hoc_cv", t.has("ad_hoc_cv")),
        ] {
            let parent = if key == "execution_cv" {
                "steady"
            } else {
                "ad_hoc_mean"
            };
            if present && !t.has(parent) {
                t.error_at_key(
                    key,
                    format!("`{key}` without `{parent}`"),
                    format!("`{parent}` as well, or no `{key}` (it would be ignored)"),
                );
                ok = false;
            }
        }
        if (t.has("cut_fraction") != t.has("cut_probability")) && ok {
            t.error(
                "only one of `cut_probability` and `cut_fraction`".into(),
                "both or neither".into(),
            );
            ok = false;
        }
        if t.has("one_time_year") && !t.has("one_time") {
            t.error_at_key(
                "one_time_year",
                "`one_time_year` without `one_time`".into(),
                "`one_time` as well".into(),
            );
            ok = false;
        }
        let any = [steady, ad_hoc_mean, one_time]
            .iter()
            .any(|x| x.is_some_and(|v| v > 0.0))
            || schedule
                .as_ref()
                .is_some_and(|s| s.iter().any(|&x| x > 0.0));
        if !any && ok {
            t.error(
                "a program with no money".into(),
                "at least one of `steady`, `ad_hoc_mean`, `one_time` or `schedule` with a positive amount".into(),
            );
            ok = false;
        }
        let missing_ok = |v: &Option<f64>, key: &str| v.is_some() || !t.has(key);
        if !(missing_ok(&steady, "steady")
            && missing_ok(&execution_cv, "execution_cv")
            && missing_ok(&p, "ad_hoc_probability")
            && missing_ok(&ad_hoc_mean, "ad_hoc_mean")
            && missing_ok(&ad_hoc_cv, "ad_hoc_cv")
            && missing_ok(&one_time, "one_time")
            && missing_ok(&freeze, "freeze_probability")
            && missing_ok(&cut_p, "cut_probability")
            && missing_ok(&cut_f, "cut_fraction"))
        {
            ok = false;
        }
        let (name, kind, one_time_year, schedule, from_year) =
            (name?, kind?, one_time_year?, schedule?, from_year?);
        if !ok {
            return None;
        }
        Some(Program {
            name,
            kind: if kind == 0 {
                LineKind::Initial
            } else {
                LineKind::Supplementary
            },
            allocation,
            disbursement,
            steady: steady.unwrap_or(0.0),
            execution_cv: execution_cv.unwrap_or(0.0),
            ad_hoc_probability: p.unwrap_or(cal.probability),
            ad_hoc_mean: ad_hoc_mean.unwrap_or(0.0),
            ad_hoc_cv: ad_hoc_cv.unwrap_or(cal.cv),
            one_time: one_time.unwrap_or(0.0),
            one_time_year,
            from_year,
            schedule,
            freeze_probability: freeze.unwrap_or(0.0),
            cut_probability: cut_p.unwrap_or(0.0),
            cut_fraction: cut_f.unwrap_or(0.0),
            frozen,
            scale: 1.0,
        })
    }
}

/// Levenshtein distance, for "did you mean" on section keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j]))
                .min(row[j] + 1)
                .min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

pub(crate) fn read(section: &Table, ctx: &ScenarioContext) -> Option<FundingModel> {
    let grid = FiscalGrid::covering(ctx.start, ctx.horizon_months);
    let r = Reader { ctx, grid };
    for k in section.keys() {
        if !SECTION_KEYS.contains(&k.as_str()) {
            let hint = SECTION_KEYS
                .iter()
                .map(|s| (edit_distance(&k, s), s))
                .filter(|(d, _)| *d <= 3)
                .min()
                .map(|(_, s)| format!(" (did you mean {s:?}?)"))
                .unwrap_or_default();
            section.error_at_key(
                &k,
                format!("unknown key {k:?}"),
                format!("one of {SECTION_KEYS:?}{hint}"),
            );
        }
    }
    let look_ahead = match section.days("look_ahead", 365.25, 50.0 * 365.25) {
        Some(d) => {
            let y = d / 365.25;
            if (y - y.round()).abs() > 1e-9 {
                section.error_at_key(
                    "look_ahead",
                    format!("{y} years"),
                    "a whole number of years (e.g. \"3 years\")".into(),
                );
                None
            } else {
                Some(y.round() as usize)
            }
        }
        None => (!section.has("look_ahead")).then_some(3),
    };
    let sensitivity = match section.ratio("private_sensitivity", 0.0, 20.0) {
        Some(v) => Some(v),
        None => (!section.has("private_sensitivity")).then_some(0.5),
    };
    let equal_total = r.money(section, "equal_total", f64::MIN_POSITIVE);

    let mut projects = Vec::new();
    let project_tables = section.tables("projects");
    if project_tables.is_empty() && !section.has("projects") {
        section.error(
            "no [[funding.projects]]".into(),
            "at least one [[funding.projects]] table".into(),
        );
    }
    if project_tables.len() > MAX_PROJECTS {
        section.error_at_key(
            "projects",
            format!("{} projects", project_tables.len()),
            format!("at most {MAX_PROJECTS}"),
        );
    }
    let mut names: Vec<String> = Vec::new();
    for pt in project_tables.iter().take(MAX_PROJECTS) {
        if let Some(p) = r.project(pt) {
            if names.contains(&p.name) {
                pt.error_at_key(
                    "name",
                    format!("a second project named {:?}", p.name),
                    "unique project names".into(),
                );
            }
            names.push(p.name.clone());
            projects.push(p);
        } else if let Some(n) = pt.string("name") {
            names.push(n);
        }
    }
    drop(project_tables);

    let mut regimes = Vec::new();
    let regime_tables = section.tables("regimes");
    if regime_tables.is_empty() && !section.has("regimes") {
        section.error(
            "no [[funding.regimes]]".into(),
            "at least one [[funding.regimes]] table with its programs".into(),
        );
    }
    if regime_tables.len() > MAX_REGIMES {
        section.error_at_key(
            "regimes",
            format!("{} regimes", regime_tables.len()),
            format!("at most {MAX_REGIMES}"),
        );
    }
    for rt in regime_tables.iter().take(MAX_REGIMES) {
        let name = rt.req_string("name");
        let pts = rt.tables("programs");
        if pts.is_empty() {
            rt.error(
                "a regime with no programs".into(),
                "at least one [[funding.regimes.programs]] table".into(),
            );
        }
        if pts.len() > MAX_PROGRAMS {
            rt.error_at_key(
                "programs",
                format!("{} programs", pts.len()),
                format!("at most {MAX_PROGRAMS}"),
            );
        }
        let mut programs = Vec::new();
        for pt in pts.iter().take(MAX_PROGRAMS) {
            if let Some(p) = r.program(pt, &names) {
                if programs.iter().any(|q: &Program| q.name == p.name) {
                    pt.error_at_key(
                        "name",
                        format!("a second program named {:?}", p.name),
                        "unique program names within a regime".into(),
                    );
                }
                programs.push(p);
            }
        }
        if let Some(name) = name {
            if regimes.iter().any(|g: &Regime| g.name == name) {
                rt.error_at_key(
                    "name",
                    format!("a second regime named {name:?}"),
                    "unique regime names".into(),
                );
            }
            regimes.push(Regime { name, programs });
        }
    }
    let baseline = match section.string("baseline") {
        Some(b) => match regimes.iter().position(|g| g.name == b) {
            Some(i) => Some(i),
            None => {
                let known: Vec<&str> = regimes.iter().map(|g| g.name.as_str()).collect();
                section.error_at_key(
                    "baseline",
                    format!("{b:?}"),
                    format!("the name of a regime: {known:?}"),
                );
                None
            }
        },
        None => Some(0),
    };
    // Equal totals: rescale each regime's planned part.
    if let (Some(total), true) = (equal_total, section.scenario().error_count() == 0) {
        for g in &mut regimes {
            let enacted: f64 = g.programs.iter().flat_map(|p| p.schedule.iter()).sum();
            let scalable: f64 = g
                .programs
                .iter()
                .map(|p| (0..grid.years).map(|t| p.scalable_mean(t)).sum::<f64>())
                .sum();
            if scalable <= 0.0 || total < enacted {
                section.error_at_key(
                    "equal_total",
                    format!("regime {:?} with enacted amounts {enacted} and expected planned amounts {scalable}", g.name),
                    "regimes whose expected planned (steady, ad hoc, one-time) appropriations are positive and whose enacted schedule does not exceed the total".into(),
                );
                continue;
            }
            let k = (total - enacted) / scalable;
            for p in &mut g.programs {
                p.scale = k;
            }
        }
    }
    drop(regime_tables);
    if section.scenario().error_count() > 0 {
        return None;
    }
    Some(FundingModel::new(
        grid,
        projects,
        regimes,
        baseline?,
        look_ahead?,
        sensitivity?,
        equal_total,
        ctx.currency,
    ))
}

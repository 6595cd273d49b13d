//! The `levee` command: parses arguments, calls the runner, prints.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use levee_engine::{Control, EngineError};
use levee_runner::{Overrides, examples};

/// Levee: what an economic-security strategy buys, with honest uncertainty.
#[derive(Parser)]
#[command(name = "levee", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and print its summary table.
    Run {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Number of Monte Carlo paths (overrides [run] paths).
        #[arg(long)]
        paths: Option<u64>,
        /// Master seed (overrides [run] seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: one per core). Never changes results.
        #[arg(long)]
        threads: Option<usize>,
        /// Paths per work chunk. Never changes results.
        #[arg(long)]
        chunk_size: Option<u64>,
        /// Run only these sections (comma-separated); all are still validated.
        #[arg(long, value_delimiter = ',')]
        only: Option<Vec<String>>,
        /// Write summary.json, paths.csv and run.json into this directory.
        #[arg(long)]
        out: Option<PathBuf>,
        /// A reform file: run the baseline and the reformed scenario on the same
        /// paths and draws and compare them (writes comparison.json with --out).
        #[arg(long)]
        reform: Option<PathBuf>,
        /// Print the summary JSON instead of the table.
        #[arg(long)]
        json: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check scenario files without running them; all errors are reported.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a synthetic insured portfolio (CSV) with controlled concentration,
    /// and optionally a scenario that runs it.
    GenPortfolio {
        /// Number of policies.
        #[arg(long, default_value_t = 1000)]
        policies: usize,
        /// Number of countries (C01, C02, …).
        #[arg(long, default_value_t = 20)]
        countries: usize,
        /// Number of sectors (S01, …).
        #[arg(long, default_value_t = 8)]
        sectors: usize,
        /// Average number of policies per obligor (at least 1).
        #[arg(long, default_value_t = 1.5)]
        per_obligor: f64,
        /// Concentration exponent c ≥ 0: obligor k's size ∝ (k+1)^(−c).
        #[arg(long, default_value_t = 0.5)]
        concentration: f64,
        /// LGD dispersion written for every policy (0 = fixed LGD).
        #[arg(long, default_value_t = 0.2)]
        lgd_dispersion: f64,
        /// Total insured exposure in yen.
        #[arg(long, default_value_t = 1e13)]
        total_exposure_yen: f64,
        /// Rating mix: uniform (equal shares of the seven grades, mean PD
        /// 2.9%) or eca (investment-grade heavy, mean PD 0.86%; an assumption).
        #[arg(long, default_value = "uniform", value_parser = ["uniform", "eca"])]
        rating_mix: String,
        /// Write no political-event probabilities into the scenario.
        #[arg(long)]
        no_political_events: bool,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// CSV file to write (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write a scenario file that runs the portfolio (needs --out).
        #[arg(long, requires = "out")]
        scenario: Option<PathBuf>,
        /// Method named in the written scenario: plain or is.
        #[arg(long, default_value = "is")]
        method: String,
    },
    /// List the bundled examples, print one, or write it (with its data files) to a directory.
    Example {
        /// Example name; omit to list.
        name: Option<String>,
        /// Write the example's files into this directory instead of printing.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

const EXIT_INPUT: u8 = 2;
const EXIT_INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_INPUT } else { 0 });
        }
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run {
            file,
            paths,
            seed,
            threads,
            chunk_size,
            only,
            out,
            reform,
            json,
            quiet,
        } => {
            let overrides = Overrides {
                paths,
                seed,
                threads,
                chunk_size,
                sections: only,
            };
            run(file, reform, overrides, out, json, quiet)
        }
        Command::Validate { files } => {
            let mut bad = false;
            for f in files {
                match levee_runner::prepare(&f, &Overrides::default()) {
                    Ok(p) => {
                        let names: Vec<&str> = p.models.iter().map(|m| m.0).collect();
                        println!("ok: {} ({})", f.display(), names.join(", "));
                    }
                    Err(d) => {
                        eprintln!("{d}");
                        bad = true;
                    }
                }
            }
            Ok(ExitCode::from(if bad { EXIT_INPUT } else { 0 }))
        }
        Command::Example { name, out } => example(name, out),
        Command::GenPortfolio {
            policies,
            countries,
            sectors,
            per_obligor,
            concentration,
            lgd_dispersion,
            total_exposure_yen,
            rating_mix,
            no_political_events,
            seed,
            out,
            scenario,
            method,
        } => {
            let spec = levee_insurance::generate::PortfolioSpec {
                policies,
                countries,
                sectors,
                policies_per_obligor: per_obligor,
                concentration,
                lgd_dispersion,
                total_exposure: total_exposure_yen,
                rating_mix: if rating_mix == "eca" {
                    levee_insurance::RatingMix::Eca
                } else {
                    levee_insurance::RatingMix::Uniform
                },
                political_events: !no_political_events,
            };
            gen_portfolio(&spec, seed, out, scenario, &method)
        }
    }
}

fn gen_portfolio(
    spec: &levee_insurance::generate::PortfolioSpec,
    seed: u64,
    out: Option<PathBuf>,
    scenario: Option<PathBuf>,
    method: &str,
) -> anyhow::Result<ExitCode> {
    let mut bad = Vec::new();
    if spec.policies == 0 || spec.policies > 20_000_000 {
        bad.push(format!(
            "--policies {}: expected 1 to 20000000",
            spec.policies
        ));
    }
    if spec.countries == 0 || spec.countries > 10_000 {
        bad.push(format!(
            "--countries {}: expected 1 to 10000",
            spec.countries
        ));
    }
    if spec.sectors == 0 || spec.sectors > 10_000 {
        bad.push(format!("--sectors {}: expected 1 to 10000", spec.sectors));
    }
    if !(spec.policies_per_obligor >= 1.0 && spec.policies_per_obligor <= 1e6) {
        bad.push(format!(
            "--per-obligor {}: expected a number from 1 to 1000000",
            spec.policies_per_obligor
        ));
    }
    if !(spec.concentration >= 0.0 && spec.concentration <= 10.0) {
        bad.push(format!(
            "--concentration {}: expected 0 to 10",
            spec.concentration
        ));
    }
    if !(spec.lgd_dispersion >= 0.0 && spec.lgd_dispersion < 1.0) {
        bad.push(format!(
            "--lgd-dispersion {}: expected 0 to 1 (exclusive)",
            spec.lgd_dispersion
        ));
    }
    if !(spec.total_exposure > 0.0 && spec.total_exposure.is_finite()) {
        bad.push(format!(
            "--total-exposure-yen {}: expected a positive number",
            spec.total_exposure
        ));
    }
    if method != "plain" && method != "is" {
        bad.push(format!("--method {method:?}: expected \"plain\" or \"is\""));
    }
    if !bad.is_empty() {
        for b in bad {
            eprintln!("error: {b}");
        }
        return Ok(ExitCode::from(EXIT_INPUT));
    }
    let rows = levee_insurance::generate::generate_portfolio(spec, seed);
    match &out {
        None => levee_insurance::generate::write_portfolio_csv(&rows, std::io::stdout().lock())?,
        Some(p) => {
            let tmp = p.with_extension("csv.tmp");
            levee_insurance::generate::write_portfolio_csv(
                &rows,
                std::io::BufWriter::new(std::fs::File::create(&tmp)?),
            )?;
            std::fs::rename(&tmp, p)?;
            eprintln!("wrote {} policies to {}", rows.len(), p.display());
        }
    }
    if let (Some(sc), Some(csv)) = (scenario, out) {
        let rel = match (sc.parent(), csv.canonicalize()) {
            (Some(dir), Ok(abs)) => dir
                .canonicalize()
                .ok()
                .and_then(|d| {
                    abs.strip_prefix(d)
                        .ok()
                        .map(|r| r.to_string_lossy().into_owned())
                })
                .unwrap_or_else(|| abs.to_string_lossy().into_owned()),
            _ => csv.to_string_lossy().into_owned(),
        };
        let text = format!(
            "# Synthetic portfolio written by `levee gen-portfolio` (seed {seed}); every parameter is an assumption.\n[scenario]\nname = \"Synthetic portfolio of {} policies\"\ncurrency = \"JPY\"\n\n[run]\npaths = 20000\nseed = 1\nstart = \"2025-04\"\nhorizon = \"1 year\"\n\n{}",
            spec.policies,
            levee_insurance::generate::section_toml(spec, &rel, method)
        );
        std::fs::write(&sc, text)?;
        eprintln!("wrote scenario {}", sc.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn example(name: Option<String>, out: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let Some(name) = name else {
        for e in examples::EXAMPLES {
            println!("{:<14} {}", e.name, e.about);
        }
        return Ok(ExitCode::SUCCESS);
    };
    let Some(ex) = examples::example(&name) else {
        let names: Vec<&str> = examples::EXAMPLES.iter().map(|e| e.name).collect();
        eprintln!(
            "error: no example named {name:?}; expected one of {}",
            names.join(", ")
        );
        return Ok(ExitCode::from(EXIT_INPUT));
    };
    match out {
        None => {
            print!("{}", ex.files[0].1);
            Ok(ExitCode::SUCCESS)
        }
        Some(dir) => {
            for (rel, body) in ex.files {
                let p = dir.join(rel);
                if let Some(parent) = p.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&p, body)?;
            }
            println!(
                "wrote {} files to {}; run: levee run {}",
                ex.files.len(),
                dir.display(),
                dir.join(ex.files[0].0).display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run(
    file: PathBuf,
    reform: Option<PathBuf>,
    overrides: Overrides,
    out: Option<PathBuf>,
    json: bool,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let (prepared, reformed) = match &reform {
        None => match levee_runner::prepare(&file, &overrides) {
            Ok(p) => (p, None),
            Err(d) => {
                eprintln!("{d}");
                return Ok(ExitCode::from(EXIT_INPUT));
            }
        },
        Some(r) => match levee_runner::prepare_reform(&file, r, &overrides) {
            Ok((b, p, rf)) => (b, Some((p, rf))),
            Err(d) => {
                eprintln!("{d}");
                return Ok(ExitCode::from(EXIT_INPUT));
            }
        },
    };
    let control = Arc::new(Control::default());
    {
        let c = Arc::clone(&control);
        // A second Ctrl-C after cancellation ends the process at once.
        let _ = ctrlc::set_handler(move || {
            if c.is_cancelled() {
                std::process::exit(EXIT_INTERRUPTED as i32);
            }
            c.cancel();
        });
    }
    let runs = if reformed.is_some() { 2 } else { 1 };
    let total = prepared.settings.paths * prepared.models.len() as u64 * runs;
    let show = !quiet && std::io::stderr().is_terminal();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let bar_thread = show.then(|| {
        let c = Arc::clone(&control);
        let d = Arc::clone(&done);
        std::thread::spawn(move || progress(&c, &d, total))
    });
    let result = levee_runner::execute(&prepared, &control).and_then(|base| {
        let re = match &reformed {
            Some((p, rf)) => Some((levee_runner::execute(p, &control)?, rf)),
            None => None,
        };
        Ok((base, re))
    });
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    if let Some(t) = bar_thread {
        let _ = t.join();
    }
    let (result, re) = match result {
        Ok(r) => r,
        Err(EngineError::Cancelled) => {
            eprintln!("interrupted: the run was stopped before it finished; nothing was written");
            return Ok(ExitCode::from(EXIT_INTERRUPTED));
        }
        Err(e) => return Err(e.into()),
    };
    let comparison = re
        .as_ref()
        .map(|(r, rf)| (levee_runner::compare(&result, r, rf), r));
    if let Some(dir) = &out {
        let extra: Vec<(&str, &str)> = match &comparison {
            Some((c, r)) => vec![
                ("comparison.json", c.json.as_str()),
                ("reform-summary.json", r.summary_json.as_str()),
            ],
            None => vec![],
        };
        levee_runner::write_outputs(dir, &result, &extra)
            .map_err(|e| anyhow::anyhow!("writing outputs to {}: {e}", dir.display()))?;
    }
    let mut stdout = std::io::stdout().lock();
    match (&comparison, json) {
        (Some((c, _)), true) => stdout.write_all(c.json.as_bytes())?,
        (None, true) => stdout.write_all(result.summary_json.as_bytes())?,
        (Some((c, _)), false) => {
            stdout.write_all(result.text.as_bytes())?;
            stdout.write_all(c.text.as_bytes())?;
        }
        (None, false) => stdout.write_all(result.text.as_bytes())?,
    }
    if let (Some(dir), false) = (&out, json) {
        writeln!(stdout, "wrote results to {}", dir.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Draw a progress bar once the run has taken more than about a second.
fn progress(control: &Control, done: &std::sync::atomic::AtomicBool, total: u64) {
    let t0 = Instant::now();
    let mut bar: Option<indicatif::ProgressBar> = None;
    while !done.load(std::sync::atomic::Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(100));
        if bar.is_none() && t0.elapsed() > Duration::from_secs(1) {
            let b = indicatif::ProgressBar::new(total);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} paths (eta {eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar = Some(b);
        }
        if let Some(b) = &bar {
            b.set_position(control.paths_done().min(total));
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}

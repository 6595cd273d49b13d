//! Trade and investment insurance for Levee: the insured portfolio's loss
//! distribution, capital requirement, underwriting capacity and per-policy
//! risk contributions.
//!
//! Model (docs/models/insurance.md): a multi-factor Gaussian or Student-t
//! copula (global, country and sector factors with a country correlation
//! matrix), obligor groups, a political-risk layer of country events, beta
//! LGD correlated with the systematic factor; plain Monte Carlo or importance
//! sampling by a mixture of factor mean shifts (Glasserman & Li 2005;
//! Glasserman, Kang & Shahabuddin 2008). References: Vasicek LHP, Basel IRB,
//! CreditRisk+ by FFT and Panjer recursion.

pub mod config;
pub mod crplus;
pub mod fft;
mod fixed;
pub mod generate;
pub mod irb;
mod model;
pub mod phi_bounds;
pub mod portfolio;
mod report;
pub mod score_table;
pub mod shift;
pub mod sim;
pub mod special;
pub mod tail;
pub mod vasicek;

pub use generate::{
    PortfolioSpec, RatingMix, generate_portfolio, section_toml, synthetic_model,
    write_portfolio_csv,
};
pub use model::{DENSE_MERGE_BUDGET, InsuranceModel, RunDetail};
pub use report::{capacity, requirement};

//! undersigned: open letters signed by organisations.
//!
//! See `docs/ARCHITECTURE.md` for how the modules fit together.

pub mod api;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod service;
pub mod startup;

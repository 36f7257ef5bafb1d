//! undersigned: open letters signed by organisations.
//!
//! See `docs/ARCHITECTURE.md` for how the modules fit together.

pub mod api;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod email;
pub mod error;
pub mod http;
pub mod i18n;
pub mod service;
pub mod startup;
pub mod verify;
pub mod web;
pub mod worker;

//! Command-line interface: `serve` (the default) and `migrate`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "undersigned",
    version,
    about = "Open letters signed by organisations"
)]
pub struct Cli {
    /// TOML config file (default: ./undersigned.toml if it exists).
    #[arg(long, global = true, env = "UNDERSIGNED_CONFIG")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending database migrations and seed the country list, then exit.
    Migrate,
    /// Fill a letter with published signatories, for benchmarks and demos (creates an open letter
    /// of a "bench" coalition when the slug is new).
    Seed {
        /// The letter's slug.
        #[arg(long)]
        letter: String,
        /// How many signatories to add.
        #[arg(long)]
        signatures: usize,
    },
}

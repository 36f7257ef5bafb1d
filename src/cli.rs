//! Command-line interface: `serve` (the default), `migrate`, `seed` and `verify`.

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
    /// Check a letter's ledger and list as anyone can: the chain, the signed head, the list, and
    /// (with --since) that the ledger only grew since a head saved earlier. Exits 0 when
    /// everything checks, 1 when something does not, 2 when it cannot check.
    Verify {
        /// The letter's URL (its page or API address), or a saved `…/ledger?all=true` file.
        source: String,
        /// An earlier head to compare with: a saved letter JSON, ledger JSON or head.
        #[arg(long)]
        since: Option<PathBuf>,
        /// With a saved ledger: the saved list (`…/signatories?all=true`) to check against it.
        #[arg(long)]
        list: Option<PathBuf>,
        /// The service's public key (64 hex digits) to trust, instead of the one it publishes.
        #[arg(long)]
        key: Option<String>,
    },
}

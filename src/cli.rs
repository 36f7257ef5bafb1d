//! Command-line interface: `serve` (the default), `migrate`, `seed`, `verify` and `user add`.

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
    /// Coordinators' accounts.
    User {
        #[command(subcommand)]
        action: UserCommand,
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

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account with a role in a coalition (created too when --coalition-name is given).
    /// The password is read from the first line of standard input, so it stays out of the shell
    /// history and the process list.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The coalition's slug.
        #[arg(long)]
        coalition: String,
        /// Create the coalition with this name (the account becomes its owner).
        #[arg(long)]
        coalition_name: Option<String>,
        /// The account's role in an existing coalition: owner, coordinator or viewer.
        #[arg(long, default_value = "owner")]
        role: String,
    },
}

/// `undersigned user add`: parse, hash the password, then create the account (and coalition) in
/// one transaction. Returns what to print.
pub fn user_add(
    db: &crate::db::Db,
    action: UserCommand,
    password_line: &str,
) -> anyhow::Result<String> {
    use crate::domain::{Role, Slug};
    use crate::error::{AppError, FieldCollector};
    use crate::service::access::Actor;
    use crate::service::accounts::{self, NewUserInput, PasswordHash};
    use crate::service::coalitions::{self, NewCoalitionInput};

    let UserCommand::Add {
        email,
        name,
        coalition,
        coalition_name,
        role,
    } = action;
    let password = password_line.trim_end_matches(['\r', '\n']);
    let mut errors = FieldCollector::new();
    let account = accounts::parse_account(&mut errors, &name, &email, password);
    let slug = errors.check("coalition", Slug::parse(&coalition));
    let role: Option<Role> = errors.check("role", role.parse());
    let coalition_name =
        coalition_name.and_then(|n| errors.check("coalition_name", crate::api::text(200)(&n)));
    let described = |e: AppError| match e {
        AppError::Validation(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|(f, m)| format!("--{}: {}", f.replace('_', "-"), m.join("; ")))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        other => anyhow::anyhow!("{other}"),
    };
    errors.finish().map_err(described)?;
    let (Some((name, email, password)), Some(slug), Some(role)) = (account, slug, role) else {
        anyhow::bail!("invalid arguments");
    };
    let hash = PasswordHash::now(&password);
    let shown_role = if coalition_name.is_some() {
        Role::Owner
    } else {
        role
    };
    let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = crate::db::write_transaction(&mut conn, |conn| {
        let input = NewUserInput {
            email,
            name,
            password: hash,
        };
        match coalition_name {
            Some(coalition_name) => {
                let user = accounts::create_user(conn, &Actor::System, input, None)?;
                let owner = accounts::actor_for(conn, &user)?;
                coalitions::create(
                    conn,
                    &owner,
                    NewCoalitionInput {
                        slug: slug.clone(),
                        name: coalition_name,
                        website: None,
                    },
                    None,
                )?;
                Ok(user)
            }
            None => accounts::create_user(conn, &Actor::System, input, Some((slug.as_str(), role))),
        }
    })
    .map_err(described)?;
    Ok(format!(
        "created the account {} ({}) with the role {} in {}",
        user.email,
        user.name,
        shown_role,
        slug.as_str()
    ))
}

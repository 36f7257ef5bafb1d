//! Command-line interface: `serve` (the default), `migrate`, `seed`, `verify`, `user add` and
//! `erase`.

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
    /// Erase the personal data of every signature made with an address (a person asked): name,
    /// role, email and comment are blanked; the organisations stay listed; each erasure is
    /// audited, by the operator.
    Erase {
        /// The signer's email address (ASCII case is ignored).
        #[arg(long)]
        email: String,
        /// Why, for the audit log (e.g. "asked by mail on 2 December").
        #[arg(long)]
        reason: Option<String>,
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

/// `undersigned erase --email`: erase every signature made with the address. Returns what to
/// print.
pub fn erase(db: &crate::db::Db, email: &str, reason: Option<&str>) -> anyhow::Result<String> {
    let reason = match reason {
        Some(r) => Some(crate::api::text(500)(r).map_err(|m| anyhow::anyhow!("--reason {m}"))?),
        None => None,
    };
    let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
    let done = crate::service::erasure::erase_by_email(&mut conn, email, reason.as_deref())
        .map_err(|e| match e {
            crate::error::AppError::Validation(_) => anyhow::anyhow!("--email must not be blank"),
            other => anyhow::anyhow!("{other}"),
        })?;
    if done.is_empty() {
        return Ok("no signature has this address (nothing was erased)".into());
    }
    let mut lines = vec![format!("erased {} signature(s):", done.len())];
    lines.extend(
        done.iter()
            .map(|e| format!("  {} on the letter {}", e.signature_id, e.letter_slug)),
    );
    Ok(lines.join("\n"))
}

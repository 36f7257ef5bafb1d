//! Command-line interface: `serve` (the default), `migrate`, `seed`, `verify`, `user add`,
//! `erase`, `import`, `territory` and `backup`.

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
        /// Spread them over this many countries (the first by code; default: all 249).
        #[arg(long)]
        countries: Option<usize>,
    },
    /// Import a list of signatory organisations into the directory and, with --letter, as
    /// signatures on a letter (published, marked imported). Lines whose country is missing,
    /// unknown or ambiguous are left out and listed, never guessed; importing the same list
    /// again adds nothing. Exits 0 when every line was imported (or, with --dry-run, would be),
    /// 3 when some lines need review, 1 on an error (nothing of a refused import is saved).
    Import(ImportArgs),
    /// Territories that ISO 3166-1 lacks (such as XK Kosovo): the operator's to add and remove,
    /// since every coalition's country lists share them. A running server shows the change
    /// within a minute (its country cache).
    Territory {
        #[command(subcommand)]
        action: TerritoryCommand,
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
    /// Write a consistent copy of the live database to PATH, while the server runs: SQLite
    /// through its online backup API (then `PRAGMA integrity_check` on the copy), PostgreSQL
    /// through `pg_dump -Fc` (then `pg_restore --list`). The key files of the data folder are
    /// not in it: back them up too (docs/BACKUPS.md). Exits 0 when the copy was written and
    /// checked, 1 otherwise (nothing is left at PATH then).
    Backup {
        /// Where to write the copy (a new file, unless --force).
        path: PathBuf,
        /// Replace PATH if it exists.
        #[arg(long)]
        force: bool,
        /// SQLite pages copied per step (smaller steps hold the read lock for less time).
        #[arg(long, default_value_t = crate::db::backup::PAGES_PER_STEP, hide = true)]
        pages_per_step: u32,
    },
    /// Check the mail settings by sending a test mail: connect to the SMTP server (TLS, login),
    /// then send one mail to ADDRESS, and print what the server answered, in its own words.
    /// Exits 0 when the server accepted the mail, 1 when the settings do not work.
    CheckMail {
        /// Where to send the test mail.
        #[arg(long, value_name = "ADDRESS")]
        to: String,
    },
    /// Check a letter's ledger as anyone can: the chain, the signed head, the list, the text and
    /// its versions, the change feed, and (with --since) that the ledger only grew since a head
    /// saved earlier. Exits 0 when everything checks, 1 when something does not, 2 when it
    /// cannot check.
    Verify(crate::verify::Options),
}

/// `undersigned import`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The list: CSV with a header row (name, country, website, email; any order) or plain
    /// text, one organisation per line such as `Access Now (US)`.
    pub file: PathBuf,
    /// `csv` or `text` (default: `csv` for a `.csv` file, `text` otherwise).
    #[arg(long)]
    pub format: Option<String>,
    /// Also sign this letter (open or closed) for every organisation, marked `imported`.
    #[arg(long)]
    pub letter: Option<String>,
    /// Show what the import would do, and save nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The country of a line under review, by line number: `--country 12=CD` (repeatable).
    #[arg(long = "country", value_name = "LINE=COUNTRY")]
    pub countries: Vec<String>,
    /// Act as this coordinator's account: their roles are checked and the audit log names
    /// them. Without it the command acts as the service itself (audit actor `system`), as
    /// whoever runs it has the database anyway.
    #[arg(long = "as", value_name = "EMAIL")]
    pub as_user: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TerritoryCommand {
    /// Add a territory; its name may not be a country's name or a variant of one.
    Add {
        /// Two-letter code, e.g. XK.
        #[arg(long)]
        code: String,
        /// Three-letter code, e.g. XKX.
        #[arg(long)]
        alpha3: String,
        /// English name, e.g. Kosovo.
        #[arg(long)]
        name: String,
    },
    /// Remove a territory that no organisation and no public list uses.
    Remove {
        /// Its two-letter code.
        code: String,
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
    let coalition_name = coalition_name
        .and_then(|n| errors.check("coalition_name", crate::domain::text::line(200)(&n)));
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
        Some(r) => {
            Some(crate::domain::text::text(500)(r).map_err(|m| anyhow::anyhow!("--reason {m}"))?)
        }
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

/// `undersigned territory add|remove`, acting as the service (the audit log says so). Returns
/// what to print.
pub fn territory(db: &crate::db::Db, action: TerritoryCommand) -> anyhow::Result<String> {
    use crate::service::access::Actor;
    use crate::service::countries;
    let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
    match action {
        TerritoryCommand::Add { code, alpha3, name } => {
            let territory = countries::NewTerritoryFields::new(code, alpha3, name)
                .parse()
                .map_err(for_the_shell)?;
            let added = countries::add_territory(&mut conn, &Actor::System, territory)
                .map_err(for_the_shell)?;
            Ok(format!(
                "added the territory {} ({}, {})",
                added.code, added.alpha3, added.name
            ))
        }
        TerritoryCommand::Remove { code } => {
            let removed = countries::remove_territory(&mut conn, &Actor::System, &code)
                .map_err(for_the_shell)?;
            Ok(format!(
                "removed the territory {} ({})",
                removed.code, removed.name
            ))
        }
    }
}

/// An error for the shell: each invalid field as the option it came from.
fn for_the_shell(e: crate::error::AppError) -> anyhow::Error {
    match e {
        crate::error::AppError::Validation(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|(f, m)| {
                    let option = match f.as_str() {
                        "content" => "FILE".to_string(),
                        f => match f.strip_prefix("countries.") {
                            Some(line) => format!("--country {line}"),
                            None => format!("--{}", f.replace('_', "-")),
                        },
                    };
                    format!("{option}: {}", m.join("; "))
                })
                .collect::<Vec<_>>()
                .join("\n")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

/// Exit code of `undersigned import` when some lines need review.
pub const EXIT_REVIEW: i32 = 3;

/// `undersigned import`: read the file, then preview or import it (in batches, with a progress
/// bar on a terminal). Returns what to print and the exit code.
pub fn import(
    db: &crate::db::Db,
    tokens: &crate::domain::token::TokenKey,
    ledger: &crate::domain::ledger::LedgerKey,
    args: ImportArgs,
) -> anyhow::Result<(String, i32)> {
    use crate::domain::import::Format;
    use crate::service::access::Actor;
    use crate::service::imports::{self, ImportFields, Keys, LineStatus, MAX_BYTES};

    let size = std::fs::metadata(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?
        .len();
    if size > MAX_BYTES as u64 {
        anyhow::bail!(
            "{} is larger than the limit of {MAX_BYTES} bytes: split it",
            args.file.display()
        );
    }
    let bytes = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let content = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", args.file.display()))?;
    let format = args.format.clone().unwrap_or_else(|| {
        Format::of_file_name(&args.file.to_string_lossy())
            .as_str()
            .to_string()
    });
    let mut countries = std::collections::BTreeMap::new();
    for choice in &args.countries {
        let (line, country) = choice.split_once('=').ok_or_else(|| {
            anyhow::anyhow!("--country {choice}: write LINE=COUNTRY, such as 12=CD")
        })?;
        countries.insert(line.trim().to_string(), country.trim().to_string());
    }
    let request = ImportFields {
        format,
        content,
        letter: args.letter.clone(),
        countries,
    }
    .parse()
    .map_err(for_the_shell)?;
    let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
    let actor = match &args.as_user {
        None => Actor::System,
        Some(email) => {
            use crate::db::models::User;
            use crate::db::schema::users;
            use diesel::prelude::*;
            let user: User = users::table
                .filter(users::email.eq(email.trim().to_ascii_lowercase()))
                .select(User::as_select())
                .first(&mut *conn)
                .optional()?
                .ok_or_else(|| anyhow::anyhow!("--as: no account has the email {email:?}"))?;
            crate::service::accounts::actor_for(&mut conn, &user).map_err(for_the_shell)?
        }
    };
    let report = if args.dry_run {
        imports::preview(&mut conn, &actor, &request).map_err(for_the_shell)?
    } else {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} importing [{bar:40}] {pos}/{len} lines ({eta} left)",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        let keys = Keys { tokens, ledger };
        let done = imports::apply(&mut conn, &keys, &actor, &request, &mut |saved, total| {
            bar.set_length(total as u64);
            bar.set_position(saved as u64);
        });
        bar.finish_and_clear();
        done.map_err(for_the_shell)?
    };
    let t = &report.totals;
    let mut out = vec![format!(
        "{}{} lines: {} ready, {} to review, {} repeated",
        if report.saved {
            ""
        } else {
            "dry run, nothing saved. "
        },
        t.lines,
        t.ready,
        t.review,
        t.duplicate
    )];
    let verb = |saved: &str, would: &str| {
        if report.saved {
            saved.to_string()
        } else {
            would.to_string()
        }
    };
    out.push(format!(
        "directory: {} {}, {} there already",
        t.organisations_new,
        verb("added", "to add"),
        t.organisations_existing
    ));
    if let Some(letter) = &report.letter {
        out.push(format!(
            "{letter}: {} {}, {} signed already, {} awaiting confirmation or moderation",
            t.signatures_new,
            verb("signatures added", "signatures to add"),
            t.already_signed,
            t.awaiting
        ));
    }
    let review: Vec<_> = report
        .lines
        .iter()
        .filter(|l| l.status == LineStatus::Review)
        .collect();
    if !review.is_empty() {
        out.push("left out, to review (choose a country with --country LINE=CODE):".to_string());
        for l in &review {
            let why: Vec<&str> = l.issues.iter().map(|i| i.message.as_str()).collect();
            out.push(format!("  line {}: {}: {}", l.line, l.text, why.join("; ")));
        }
    }
    for l in report
        .lines
        .iter()
        .filter(|l| l.status == LineStatus::Duplicate)
    {
        out.push(format!(
            "  line {}: repeats line {}: skipped",
            l.line,
            l.duplicate_of.unwrap_or_default()
        ));
    }
    let code = if review.is_empty() { 0 } else { EXIT_REVIEW };
    Ok((out.join("\n"), code))
}

/// `undersigned check-mail --to ADDRESS`: the report, and the exit code (0: the server accepted
/// the test mail; 1: the settings do not work).
pub async fn check_mail(
    settings: &crate::config::Settings,
    to: &str,
) -> anyhow::Result<(String, i32)> {
    use crate::email::{Email, Mailer};
    let recipient: lettre::message::Mailbox = to
        .parse()
        .map_err(|e| anyhow::anyhow!("--to {to:?} is not a mail address: {e}"))?;
    let from: lettre::message::Mailbox = settings.mail_from.parse().map_err(|e| {
        anyhow::anyhow!(
            "UNDERSIGNED_MAIL_FROM {:?} is not an address: {e}",
            settings.mail_from
        )
    })?;
    let mailer = Mailer::from_settings(settings)?;
    let described = mailer.describe();
    if let Err(e) = mailer.check().await {
        return Ok((
            format!("the mail settings ({described}) do not work: {}", e.message),
            1,
        ));
    }
    let site = settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", settings.bind));
    let message_id = format!(
        "<check-mail-{}@{}>",
        uuid::Uuid::now_v7(),
        from.email.domain()
    );
    let text = format!(
        "This mail tests the mail settings of the undersigned service at {site}.\n\n\
         It reached you, so signers' confirmation mails can too. Nothing else to do.\n"
    );
    let html = format!(
        "<p>This mail tests the mail settings of the undersigned service at {}.</p>\
         <p>It reached you, so signers' confirmation mails can too. Nothing else to do.</p>",
        ammonia::clean_text(&site)
    );
    let email = Email {
        to: recipient.to_string(),
        subject: "undersigned: a test of the mail settings".into(),
        text,
        html,
        message_id: message_id.clone(),
        primary_link: None,
        list_unsubscribe: None,
    };
    Ok(match mailer.send(&from, &email).await {
        Ok(()) => (
            format!(
                "the mail server ({described}) accepted a test mail from {} to {recipient}, Message-ID {message_id}",
                from.email
            ),
            0,
        ),
        Err(e) => (
            format!(
                "the mail server ({described}) refused the test mail to {recipient}: {}",
                e.message
            ),
            1,
        ),
    })
}

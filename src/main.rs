use clap::Parser;
use undersigned::cli::{Cli, Command};
use undersigned::config::Settings;
use undersigned::domain::Slug;
use undersigned::startup::{init_tracing, prepare_database, Application, Shutdown};

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    // Before anything else uses OpenSSL: initialise it without the clean-up it otherwise
    // registers to run at exit. The connection pool opens spare PostgreSQL connections on its own
    // threads (libpq over TLS), and a command that exited while one was in its handshake crashed
    // with SIGSEGV inside that clean-up (about 1 run in 100 of `import`; docs/RELIABILITY.md).
    #[cfg(all(unix, not(target_os = "macos")))]
    openssl::init();
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Verify(options) = command {
        // Runs anywhere: it needs no settings, database or data folder.
        let code = match undersigned::verify::verify(&options).await {
            Ok(report) => {
                println!("{report}");
                if report.ok() {
                    0
                } else {
                    1
                }
            }
            Err(e) => {
                eprintln!("cannot verify: {e:#}");
                2
            }
        };
        std::process::exit(code);
    }
    let settings = Settings::load(cli.config.as_deref())?;
    init_tracing(&settings.log, &settings.log_format)?;
    match command {
        Command::Serve => {
            let shutdown = Shutdown::listen()?;
            let app = Application::build(settings).await?;
            app.run_until(shutdown.wait()).await?;
            tracing::info!("stopped");
        }
        Command::Migrate => {
            let db = tokio::task::spawn_blocking(move || prepare_database(&settings)).await??;
            println!("database {} is up to date", db.url().redacted());
        }
        Command::Seed {
            letter,
            signatures,
            countries,
        } => {
            let slug = Slug::parse(&letter).map_err(|e| anyhow::anyhow!("--letter {e}"))?;
            let report = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let db = prepare_database(&settings)?;
                let key = undersigned::startup::ledger_key(&settings)?;
                Ok(undersigned::service::seed::seed(
                    &db, &key, &slug, signatures, countries,
                )?)
            })
            .await??;
            println!(
                "added {} published signatories to {} in {:.1} s",
                report.added,
                report.letter,
                report.elapsed.as_secs_f64()
            );
        }
        Command::Import(args) => {
            let (report, code) = tokio::task::spawn_blocking(move || {
                let db = prepare_database(&settings)?;
                let tokens = undersigned::startup::token_key(&settings)?;
                let ledger = undersigned::startup::ledger_key(&settings)?;
                undersigned::cli::import(&db, &tokens, &ledger, args)
            })
            .await??;
            println!("{report}");
            std::process::exit(code);
        }
        Command::User { action } => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let done = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
                let db = prepare_database(&settings)?;
                undersigned::cli::user_add(&db, action, &password)
            })
            .await??;
            println!("{done}");
        }
        Command::Territory { action } => {
            let done = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
                let db = prepare_database(&settings)?;
                undersigned::cli::territory(&db, action)
            })
            .await??;
            println!("{done}");
        }
        Command::Erase { email, reason } => {
            let done = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
                let db = prepare_database(&settings)?;
                undersigned::cli::erase(&db, &email, reason.as_deref())
            })
            .await??;
            println!("{done}");
        }
        Command::Backup {
            path,
            force,
            pages_per_step,
        } => {
            // The database as it is: no migration, no seeding, nothing written to it.
            let url = undersigned::db::DatabaseUrl::parse(&settings.database_url())?;
            let options = undersigned::db::backup::Options {
                path,
                force,
                pages_per_step,
            };
            let report = tokio::task::spawn_blocking(move || {
                undersigned::db::backup::backup(&url, &options)
            })
            .await?;
            match report {
                Ok(report) => println!("{report}"),
                Err(e) => {
                    eprintln!("backup failed: {e:#}");
                    std::process::exit(1);
                }
            }
        }
        Command::CheckMail { to } => {
            let (report, code) = undersigned::cli::check_mail(&settings, &to).await?;
            if code == 0 {
                println!("{report}");
            } else {
                eprintln!("{report}");
            }
            std::process::exit(code);
        }
        Command::Verify(_) => unreachable!("handled above"),
    }
    Ok(())
}

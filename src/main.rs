use clap::Parser;
use undersigned::cli::{Cli, Command};
use undersigned::config::Settings;
use undersigned::startup::{init_tracing, prepare_database, Application};

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load(cli.config.as_deref())?;
    init_tracing(&settings.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(settings).await?;
            app.run_until_stopped().await?;
            tracing::info!("stopped");
        }
        Command::Migrate => {
            let db = tokio::task::spawn_blocking(move || prepare_database(&settings)).await??;
            println!("database {} is up to date", db.url().redacted());
        }
    }
    Ok(())
}

//! Building the application: database, migrations, seed data, state, routes, listener.
//! `main` and the integration tests both go through [`Application::build`].

use std::net::TcpListener;
use std::path::Path;

use actix_web::dev::Server;
use actix_web::{web, App, HttpRequest, HttpServer};
use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tracing_actix_web::TracingLogger;

use crate::config::Settings;
use crate::db::{migrations, DatabaseUrl, Db};
use crate::error::AppError;
use crate::{api, service};

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    pub public_url: String,
    pub max_body_bytes: usize,
    admin_token_sha256: [u8; 32],
}

impl AppState {
    /// Compare digests, so the comparison's timing says nothing about the token.
    pub fn is_admin_token(&self, presented: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        digest == self.admin_token_sha256
    }
}

pub struct Application {
    port: u16,
    server: Server,
}

/// Open the database named by the settings, apply pending migrations and seed the countries.
pub fn prepare_database(settings: &Settings) -> anyhow::Result<Db> {
    let url = DatabaseUrl::parse(&settings.database_url())?;
    let db = Db::connect(url, settings.db_pool_size, settings.sqlite_busy_timeout_ms)?;
    let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
    let applied = migrations::run_pending(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied migrations");
    }
    let seeded = service::countries::seed_iso(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    if seeded > 0 {
        tracing::info!(seeded, "seeded ISO 3166-1 countries");
    }
    Ok(db)
}

/// The admin token from the settings, or the one kept in `<data_dir>/admin-token` (created with
/// a new random value, readable by its owner only, when missing). The token is never logged.
pub fn admin_token(settings: &Settings) -> anyhow::Result<SecretString> {
    if let Some(token) = &settings.admin_token {
        anyhow::ensure!(
            token.expose_secret().len() >= 16,
            "UNDERSIGNED_ADMIN_TOKEN must be at least 16 characters"
        );
        return Ok(token.clone());
    }
    let path = settings.data_dir.join("admin-token");
    if path.exists() {
        let token = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        return Ok(SecretString::from(token.trim().to_string()));
    }
    let token = crate::service::random_token();
    write_private(&path, &token)?;
    tracing::info!(path = %path.display(), "generated an admin token; read it from this file");
    Ok(SecretString::from(token))
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    writeln!(file, "{contents}")?;
    Ok(())
}

async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::not_found(format!("route {}", req.path())))
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = {
            let settings = settings.clone();
            tokio::task::spawn_blocking(move || prepare_database(&settings)).await??
        };
        let token = admin_token(&settings)?;
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState {
            db,
            public_url: settings.public_url(port),
            max_body_bytes: settings.max_body_bytes,
            admin_token_sha256: Sha256::digest(token.expose_secret().as_bytes()).into(),
        });
        tracing::info!(
            url = %state.public_url,
            database = %state.db.url().redacted(),
            "undersigned is listening on http://{}",
            listener.local_addr()?
        );
        let max_body = settings.max_body_bytes;
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(TracingLogger::default())
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(max_body))
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    AppError::BadRequest(format!("invalid query string: {e}")).into()
                }))
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|_, req| AppError::not_found(req.path().to_string()).into()),
                )
                .service(api::health::health)
                .configure(api::routes)
                .default_service(web::to(not_found))
        })
        .listen(listener)?;
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        Ok(Application {
            port,
            server: server.run(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serve until Ctrl-C or SIGTERM, then finish the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Log to stderr with `tracing`; `RUST_LOG` overrides the configured filter.
pub fn init_tracing(default_filter: &str) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .try_init();
}

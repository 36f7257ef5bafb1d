//! Building the application: database, migrations, seed data, secrets, state, the outbox and
//! deadline workers, routes and listener. `main` and the integration tests both go through
//! [`Application::build`].

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, App, HttpRequest, HttpServer};
use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tokio::sync::Notify;
use tracing::Span;
use tracing_actix_web::{RootSpanBuilder, TracingLogger};

use crate::config::Settings;
use crate::db::{migrations, DatabaseUrl, Db, SqliteTuning};
use crate::domain::ledger::LedgerKey;
use crate::domain::token::TokenKey;
use crate::email::Mailer;
use crate::error::AppError;
use crate::service::signatures::SigningPolicy;
use crate::worker::deadlines::DeadlineWorker;
use crate::worker::outbox::{OutboxWorker, RetryPolicy};
use crate::worker::retention::RetentionWorker;
use crate::{api, service, web as pages};

pub use crate::http::rate_limit::{Limits, RateLimit};
pub use crate::http::AppState;

/// Responses to a request that carries credentials (a bearer token or the session cookie) may
/// hold private data: no cache, shared or the browser's, keeps them (`Cache-Control: no-store`,
/// in place of the public caching of open data).
async fn no_store_when_signed_in(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let signed_in = req
        .headers()
        .contains_key(actix_web::http::header::AUTHORIZATION)
        || req.cookie(crate::web::session::COOKIE).is_some()
        || req
            .cookie(&crate::web::csrf::cookie_name(
                crate::web::session::COOKIE,
                true,
            ))
            .is_some();
    let mut res = next.call(req).await?;
    if signed_in {
        res.headers_mut().insert(
            actix_web::http::header::CACHE_CONTROL,
            actix_web::http::header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(res)
}

/// Answer `HEAD` as `GET` without the body (link checkers and `curl -I` ask with `HEAD`; the
/// routes are declared for `GET`). Only the method changes: the connection still knows the
/// request was `HEAD` and sends the headers alone, and no route that changes state is `GET`.
async fn head_as_get(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    if req.method() == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    next.call(req).await
}

pub struct Application {
    port: u16,
    server: Server,
    setup_url: Option<String>,
}

/// Open the database named by the settings, apply pending migrations, seed the countries, and
/// start the ledgers of letters opened before ledgers existed.
pub fn prepare_database(settings: &Settings) -> anyhow::Result<Db> {
    let url = DatabaseUrl::parse(&settings.database_url())?;
    let sqlite = SqliteTuning {
        busy_timeout_ms: settings.sqlite_busy_timeout_ms,
        mmap_mb: settings.sqlite_mmap_mb,
    };
    let db = Db::connect(url, settings.db_pool_size, sqlite)?;
    let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
    let applied = migrations::run_pending(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied migrations");
    }
    let seeded = service::countries::seed_iso(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    if seeded > 0 {
        tracing::info!(seeded, "seeded ISO 3166-1 countries");
    }
    service::ledger::backfill(&mut conn, &ledger_key(settings)?)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let keyed =
        service::abuse::backfill_email_keys(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    if keyed > 0 {
        tracing::info!(keyed, "gave older signatures their address keys");
    }
    Ok(db)
}

/// A secret from the settings, or the one kept in `<data_dir>/<file>` (created with a new random
/// value, readable by its owner only, when missing). Secrets are never logged.
fn secret(
    settings: &Settings,
    configured: Option<&SecretString>,
    file: &str,
    variable: &str,
    min_len: usize,
) -> anyhow::Result<SecretString> {
    if let Some(value) = configured {
        anyhow::ensure!(
            value.expose_secret().len() >= min_len,
            "{variable} must be at least {min_len} characters"
        );
        return Ok(value.clone());
    }
    let path = settings.data_dir.join(file);
    if path.exists() {
        let value = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        return Ok(SecretString::from(value.trim().to_string()));
    }
    let value = crate::domain::token::random_token();
    write_private(&path, &value)?;
    tracing::info!(path = %path.display(), "generated {variable}; it is kept in this file");
    Ok(SecretString::from(value))
}

/// The admin token (`UNDERSIGNED_ADMIN_TOKEN`, or `<data_dir>/admin-token`).
pub fn admin_token(settings: &Settings) -> anyhow::Result<SecretString> {
    secret(
        settings,
        settings.admin_token.as_ref(),
        "admin-token",
        "UNDERSIGNED_ADMIN_TOKEN",
        16,
    )
}

/// The key links are derived from (`UNDERSIGNED_SECRET_KEY`, or `<data_dir>/secret-key`).
pub fn token_key(settings: &Settings) -> anyhow::Result<TokenKey> {
    let value = secret(
        settings,
        settings.secret_key.as_ref(),
        "secret-key",
        "UNDERSIGNED_SECRET_KEY",
        32,
    )?;
    TokenKey::from_secret(value.expose_secret()).map_err(anyhow::Error::msg)
}

/// The key that signs ledger heads (`UNDERSIGNED_LEDGER_KEY`, or `<data_dir>/ledger-key`): a
/// 32-byte Ed25519 seed in hex.
pub fn ledger_key(settings: &Settings) -> anyhow::Result<LedgerKey> {
    let value = secret(
        settings,
        settings.ledger_key.as_ref(),
        "ledger-key",
        "UNDERSIGNED_LEDGER_KEY",
        64,
    )?;
    LedgerKey::from_hex(value.expose_secret())
        .map_err(|e| anyhow::anyhow!("UNDERSIGNED_LEDGER_KEY {e}"))
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

/// No route: a 404 (as a page for a browser outside `/api`, by `web::error_pages`).
async fn not_found(req: HttpRequest) -> actix_web::HttpResponse {
    let error = AppError::not_found(format!("route {}", req.path()));
    actix_web::ResponseError::error_response(&error)
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let data_licence = settings.data_licence()?;
        let db = {
            let settings = settings.clone();
            tokio::task::spawn_blocking(move || prepare_database(&settings)).await??
        };
        let token = admin_token(&settings)?;
        let key = token_key(&settings)?;
        let mailer = Arc::new(Mailer::from_settings(&settings)?);
        let from = settings.mail_from.parse().with_context(|| {
            format!(
                "UNDERSIGNED_MAIL_FROM {:?} is not an address",
                settings.mail_from
            )
        })?;
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let public_url = settings.public_url(port);
        let wake = Arc::new(Notify::new());
        let setup_token = db
            .write(service::accounts::new_setup_link)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let setup_url = setup_token.map(|t| format!("{public_url}/setup/{}", t.as_str()));
        if let Some(url) = &setup_url {
            tracing::warn!(
                "no account exists yet: open {url} to create the first owner and coalition (the link works once, on any instance sharing this database), or run `undersigned user add`"
            );
        }
        let limits = Limits {
            sign: RateLimit::new(
                "sign requests",
                settings.sign_rate_per_minute,
                settings.sign_rate_burst,
            ),
            sign_per_letter: crate::http::rate_limit::PerLetter::new(
                settings.sign_rate_per_letter_per_minute,
                settings.sign_rate_per_letter_burst,
            ),
            sign_in: RateLimit::new(
                "sign-in attempts",
                settings.sign_in_rate_per_minute,
                settings.sign_in_rate_burst,
            ),
        };
        let load = crate::http::shedding::InFlight::new(settings.max_in_flight);
        let responses = crate::http::cache::ResponseCache::new(
            settings.response_cache_mib.saturating_mul(1024 * 1024),
        );
        let metrics = Arc::new(crate::http::metrics::Metrics::new(
            crate::http::metrics::Counted {
                shed: load.shed_count.clone(),
                cache_lookups: responses.lookups.clone(),
                cache_renders: responses.renders.clone(),
            },
        ));
        let state = web::Data::new(AppState {
            sign_per_letter: limits.sign_per_letter.clone(),
            load: Arc::clone(&load),
            updates_per_letter_per_day: settings.updates_per_letter_per_day,
            db: db.clone(),
            secure_cookies: public_url.starts_with("https://"),
            public_url: public_url.clone(),
            data_licence,
            max_body_bytes: settings.max_body_bytes,
            key: key.clone(),
            ledger: ledger_key(&settings)?,
            signing: SigningPolicy {
                confirm_ttl: chrono::Duration::seconds(
                    i64::try_from(settings.confirmation_ttl_secs).unwrap_or(i64::MAX / 1000),
                ),
                max_confirmation_sends: settings.max_confirmation_sends,
                unconfirmed_per_domain_per_hour: settings.unconfirmed_per_domain_per_hour,
                mails_per_domain_per_hour: settings.mails_per_domain_per_hour,
            },
            surge: service::abuse::SurgePolicy {
                window: chrono::Duration::minutes(i64::from(settings.surge_window_minutes.max(1))),
                min_signatures: i64::from(settings.surge_min_signatures),
                min_share_percent: i64::from(settings.surge_min_share_percent),
            },
            honeypot_hits: Default::default(),
            countries: Default::default(),
            versions: Default::default(),
            responses,
            outbox_wake: Arc::clone(&wake),
            mail_check: Default::default(),
            admin_token_sha256: Sha256::digest(token.expose_secret().as_bytes()).into(),
            metrics,
            metrics_token_sha256: settings
                .metrics_token
                .as_ref()
                .map(|t| Sha256::digest(t.expose_secret().as_bytes()).into()),
        });

        let worker = OutboxWorker {
            db,
            mailer,
            from,
            key,
            public_url: public_url.clone(),
            retry: RetryPolicy {
                max_attempts: settings.outbox_max_attempts.max(1),
                base: Duration::from_millis(settings.outbox_retry_base_ms),
                max: Duration::from_millis(settings.outbox_retry_max_ms),
            },
            poll: Duration::from_millis(settings.outbox_poll_ms.max(10)),
            lease: chrono::Duration::seconds(
                i64::try_from(settings.outbox_lease_secs.max(1)).unwrap_or(i64::MAX / 1000),
            ),
            wake,
        };
        // Check the mail settings without holding up start-up: the outcome is logged and shown
        // on the outbox page; mail waits in the outbox either way.
        {
            let (check, mailer) = (Arc::clone(&state.mail_check), Arc::clone(&worker.mailer));
            actix_web::rt::spawn(async move { check.run(&mailer).await });
        }
        actix_web::rt::spawn(worker.run());
        actix_web::rt::spawn(
            DeadlineWorker {
                db: state.db.clone(),
                versions: Arc::clone(&state.versions),
                poll: Duration::from_millis(settings.deadline_poll_ms.max(10)),
                ledger: state.ledger.clone(),
                wake: Arc::clone(&state.outbox_wake),
            }
            .run(),
        );
        actix_web::rt::spawn(
            RetentionWorker {
                db: state.db.clone(),
                days: settings.signer_email_retention_days,
                poll: Duration::from_millis(settings.retention_poll_ms.max(10)),
            }
            .run(),
        );

        tracing::info!(
            url = %public_url,
            database = %state.db.url().redacted(),
            "undersigned is listening on http://{}",
            listener.local_addr()?
        );
        let max_body = settings.max_body_bytes;
        // Over HTTPS, browsers are told to use nothing else for a year (HSTS).
        let https = state.secure_cookies;
        actix_web::rt::spawn(limits.clone().prune_every(Limits::PRUNE_PERIOD));
        let bodies = crate::http::shedding::BodyGuard::new(
            settings.max_unfinished_bodies_per_address,
            Duration::from_millis(settings.body_timeout_ms.max(1)),
        );
        let proxies = std::sync::Arc::new(
            crate::http::proxy::TrustedProxies::parse(
                &settings.trusted_proxies,
                crate::http::proxy::ProxyHeader::parse(&settings.proxy_header)
                    .map_err(|e| anyhow::anyhow!("proxy_header: {e}"))?,
            )
            .map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))?,
        );
        let mut server = HttpServer::new(move || {
            let load = load.clone();
            let bodies = bodies.clone();
            let proxies = proxies.clone();
            let metrics = Arc::clone(&state.metrics);
            App::new()
                .wrap(actix_web::middleware::from_fn(head_as_get))
                .wrap(actix_web::middleware::from_fn(|req, next| {
                    crate::http::nul_bytes::refuse_nul(pages::error_page, req, next)
                }))
                .wrap(actix_web::middleware::from_fn(move |req, next| {
                    crate::http::shedding::shed(load.clone(), req, next)
                }))
                // Before `shed`: a request refused for its slow bodies takes no place.
                .wrap(actix_web::middleware::from_fn(move |req, next| {
                    crate::http::shedding::guard_bodies(bodies.clone(), req, next)
                }))
                .wrap(actix_web::middleware::from_fn(no_store_when_signed_in))
                .wrap(actix_web::middleware::Condition::new(
                    https,
                    DefaultHeaders::new()
                        .add(("Strict-Transport-Security", "max-age=31536000")),
                ))
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("X-Frame-Options", "DENY"))
                        .add(("Referrer-Policy", "same-origin"))
                        .add((
                            "Content-Security-Policy",
                            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
                        )),
                )
                // Counts and times every answer, the shed ones too.
                .wrap(actix_web::middleware::from_fn(move |req, next| {
                    crate::http::metrics::observe(metrics.clone(), req, next)
                }))
                // Errors for browsers outside /api as pages, whoever answered them.
                .wrap(actix_web::middleware::from_fn(pages::error_pages::html_errors))
                .wrap(TracingLogger::<RedactedSpan>::new())
                // First of all: every per-client count reads the client it resolves.
                .wrap(actix_web::middleware::from_fn(move |req, next| {
                    crate::http::proxy::resolve(proxies.clone(), req, next)
                }))
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(max_body))
                .app_data(web::FormConfig::default().limit(max_body).error_handler(move |e, _| {
                    let error = match e {
                        actix_web::error::UrlencodedError::Overflow { .. }
                        => {
                            AppError::PayloadTooLarge { limit: max_body }
                        }
                        other => AppError::BadRequest(format!("invalid form: {other}")),
                    };
                    pages::PageError(error).into()
                }))
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|_, req| AppError::not_found(req.path().to_string()).into()),
                )
                .service(api::health::health)
                .service(api::health::live)
                .route("/metrics", web::get().to(api::metrics::scrape))
                .configure(api::openapi::routes)
                .configure(api::ledger::well_known)
                .configure(|cfg| api::routes(cfg, &limits))
                .configure(|cfg| pages::routes(cfg, &limits))
                .default_service(web::to(not_found))
        })
        .listen(listener)?
        // Ctrl-C and SIGTERM are handled by `Shutdown` and `run_until`, both gracefully.
        .disable_signals()
        .shutdown_timeout(10);
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        Ok(Application {
            port,
            server: server.run(),
            setup_url,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The first-run setup link, when the database had no account at start-up.
    pub fn setup_url(&self) -> Option<&str> {
        self.setup_url.as_deref()
    }

    /// Serve until `shutdown` completes (see [`Shutdown`]), then stop accepting and finish the
    /// requests in flight (for at most 10 s).
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + 'static,
    ) -> std::io::Result<()> {
        let handle = self.server.handle();
        actix_web::rt::spawn(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing the requests in flight");
            handle.stop(true).await;
        });
        self.server.await
    }
}

/// Ctrl-C, or SIGTERM on Unix. The handlers are registered when it is created: `main` creates
/// it before the server starts, so no signal is missed. (Tests do not: a registered handler
/// would keep Ctrl-C from stopping the test run.)
pub struct Shutdown {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Shutdown {
    pub fn listen() -> std::io::Result<Shutdown> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Shutdown {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Shutdown {})
    }

    pub async fn wait(self) {
        #[cfg(unix)]
        {
            let Shutdown {
                mut interrupt,
                mut terminate,
            } = self;
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// One span per request, logged when it closes: method, path with link tokens cut out, status,
/// request id. Query strings are not logged.
pub struct RedactedSpan;

/// A path fit for logs: the token in `/signatures/{confirm,withdraw}/{token}`,
/// `/invitations/{token}`, `/setup/{token}` and `/unsubscribe/{token}` is replaced.
pub fn redact_path(path: &str) -> String {
    for prefix in [
        "/signatures/confirm/",
        "/signatures/withdraw/",
        "/invitations/",
        "/setup/",
        "/unsubscribe/",
    ] {
        if path.starts_with(prefix) {
            return format!("{prefix}…");
        }
    }
    path.to_string()
}

impl RootSpanBuilder for RedactedSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        tracing::info_span!(
            "request",
            method = %request.method(),
            path = %redact_path(request.path()),
            request_id = %uuid::Uuid::new_v4(),
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(response) => response.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        span.record("status", status);
    }
}

/// Log to stderr with `tracing`, as readable lines (`text`) or one JSON object a line (`json`);
/// `RUST_LOG` overrides the configured filter.
pub fn init_tracing(default_filter: &str, format: &str) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr);
    let _ = match format {
        "text" => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        "json" => builder.json().with_current_span(false).try_init(),
        other => anyhow::bail!("log_format must be text or json, not {other:?}"),
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn link_tokens_never_reach_the_logs() {
        let token = "a".repeat(64);
        for path in [
            format!("/signatures/confirm/{token}"),
            format!("/signatures/withdraw/{token}"),
            format!("/invitations/{token}"),
            format!("/setup/{token}"),
            format!("/unsubscribe/{token}"),
        ] {
            assert!(!super::redact_path(&path).contains(&token));
        }
        assert_eq!(super::redact_path("/letters/x"), "/letters/x");
    }
}

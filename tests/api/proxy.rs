//! Issue 20: behind a real reverse proxy. nginx and Caddy (Debian's packages) are each started on
//! a free port with a generated configuration — the one docs/DEPLOYMENT.md shows — in front of
//! the test's server, which trusts the proxy's address only. Clients connect from different
//! loopback addresses (127.0.0.2, 127.0.0.3), which is what the proxy sees and forwards.
//!
//! Without a proxy the tests say so and pass, unless `REQUIRE_PROXY_TESTS=1` (set by `.ci/run`)
//! makes a missing one fail them.

use std::net::{IpAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::db_test;
use crate::helpers::signer;

/// The proxy's binary: `variable` if set, else Debian's path.
fn binary(variable: &str, default: &str) -> PathBuf {
    std::env::var(variable)
        .ok()
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default))
}

fn proxy_required() -> bool {
    std::env::var("REQUIRE_PROXY_TESTS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The site configuration of docs/DEPLOYMENT.md, with the test's ports and temporary folders.
pub fn nginx_config(dir: &Path, listen: u16, upstream: &str) -> String {
    let d = dir.display();
    format!(
        r#"user root;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
daemon off;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;

    # --- as in docs/DEPLOYMENT.md ---
    server {{
        listen 127.0.0.1:{listen};
        client_max_body_size 1m;
        location / {{
            proxy_pass http://{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"#
    )
}

/// The Caddyfile of docs/DEPLOYMENT.md, with the test's ports and temporary folder (plain HTTP:
/// the test has no certificate; Caddy's forwarding is the same).
pub fn caddy_config(listen: u16, upstream: &str) -> String {
    format!(
        r#"{{
    admin off
    auto_https off
    log {{
        level WARN
    }}
}}

http://127.0.0.1:{listen} {{
    bind 127.0.0.1
    # --- as in docs/DEPLOYMENT.md ---
    request_body {{
        max_size 1MB
    }}
    reverse_proxy {upstream} {{
        buffer_requests
    }}
}}
"#
    )
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Nginx,
    Caddy,
}

/// A running reverse proxy, stopped when dropped.
struct Proxy {
    kind: Kind,
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Proxy {
    /// `kind` in front of `upstream` (`host:port`), or `None` when it is not installed here.
    async fn start(kind: Kind, upstream: &str) -> Option<Proxy> {
        let binary = match kind {
            Kind::Nginx => binary("NGINX", "/usr/sbin/nginx"),
            Kind::Caddy => binary("CADDY", "/usr/bin/caddy"),
        };
        if !binary.exists() {
            assert!(
                !proxy_required(),
                "REQUIRE_PROXY_TESTS is set but {kind:?} is not at {}",
                binary.display()
            );
            eprintln!("skipping: {kind:?} not found at {}", binary.display());
            return None;
        }
        let dir = tempfile::tempdir().expect("a folder for the proxy");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(dir.path().join("proxy.log")).unwrap();
        let mut command = Command::new(&binary);
        match kind {
            Kind::Nginx => {
                let config = dir.path().join("nginx.conf");
                std::fs::write(&config, nginx_config(dir.path(), port, upstream)).unwrap();
                command
                    .arg("-p")
                    .arg(dir.path())
                    .arg("-e")
                    .arg(dir.path().join("error.log"))
                    .arg("-c")
                    .arg(&config);
            }
            Kind::Caddy => {
                let config = dir.path().join("Caddyfile");
                std::fs::write(&config, caddy_config(port, upstream)).unwrap();
                command
                    .args(["run", "--adapter", "caddyfile", "--config"])
                    .arg(&config)
                    // Caddy keeps its state under these; none of it outlives the test.
                    .env("HOME", dir.path())
                    .env("XDG_DATA_HOME", dir.path().join("data"))
                    .env("XDG_CONFIG_HOME", dir.path().join("config"));
            }
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("the proxy starts");
        let mut proxy = Proxy {
            kind,
            child,
            port,
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = proxy.child.try_wait() {
                panic!("{kind:?} exited with {status}:\n{}", proxy.log());
            }
            assert!(
                Instant::now() < deadline,
                "{kind:?} did not listen:\n{}",
                proxy.log()
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
        Some(proxy)
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn log(&self) -> String {
        let read = |f: &str| std::fs::read_to_string(self.dir.path().join(f)).unwrap_or_default();
        format!(
            "{:?}: {}{}",
            self.kind,
            read("proxy.log"),
            read("error.log")
        )
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client whose connections come from `address` (any of 127.0.0.0/8 reaches the loopback).
fn client_from(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(address.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

async fn sign_via(client: &reqwest::Client, url: &str, n: &str, headers: &[(&str, &str)]) -> u16 {
    let mut request = client.post(url).json(&signer(
        &format!("Org {n}"),
        "FR",
        &format!("{n}@org-{n}.example"),
    ));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap().status().as_u16()
}

db_test!(
    async fn behind_a_trusted_proxy_each_client_has_its_own_limit_and_forged_headers_gain_nothing(app, |s| {
        s.trusted_proxies = vec!["127.0.0.1".into()];
        s.sign_rate_per_minute = 1;
        s.sign_rate_burst = 2;
    }) {
        let upstream = app.address.trim_start_matches("http://").to_string();
        let mut signed = 0;
        for (n, kind) in [Kind::Nginx, Kind::Caddy].into_iter().enumerate() {
            eprintln!("--- behind {kind:?}");
            let Some(proxy) = Proxy::start(kind, &upstream).await else { continue };
            // A letter each: the per-letter limits stay out of it.
            let letter = app.open_letter(&format!("l{n}"), "auto").await;
            let path = format!("/api/v1/letters/{letter}/signatures");
            // Clients of their own for each proxy: the limits of the first run are still spent.
            let (a, b) = (
                client_from(&format!("127.0.{n}.2")),
                client_from(&format!("127.0.{n}.3")),
            );
            let sign = |client: &reqwest::Client, url: String, who: &str, headers: &'static [(&'static str, &'static str)]| {
                let (client, who) = (client.clone(), format!("{who}-{n}"));
                async move { sign_via(&client, &url, &who, headers).await }
            };

            // A spends its burst through the proxy; B, another client behind it, still signs.
            assert_eq!(sign(&a, proxy.url(&path), "a1", &[]).await, 202, "{}", proxy.log());
            assert_eq!(sign(&a, proxy.url(&path), "a2", &[]).await, 202);
            assert_eq!(sign(&a, proxy.url(&path), "a3", &[]).await, 429);
            assert_eq!(sign(&b, proxy.url(&path), "b1", &[]).await, 202, "B shares A's limit");

            // A forges the headers through the proxy: nginx appends A's real address (the
            // rightmost untrusted hop), Caddy replaces what an untrusted client sent; either
            // way A is still limited.
            const FORGED: &[(&str, &str)] =
                &[("x-forwarded-for", "198.51.100.7"), ("forwarded", "for=198.51.100.8")];
            assert_eq!(sign(&a, proxy.url(&path), "a4", FORGED).await, 429);
            // A forges them straight to the service: A is no trusted proxy, so they are ignored.
            assert_eq!(sign(&a, app.url(&path), "a5", FORGED).await, 429);
            // B is limited on its own later, not before.
            assert_eq!(sign(&b, proxy.url(&path), "b2", &[]).await, 202);
            assert_eq!(sign(&b, proxy.url(&path), "b3", &[]).await, 429);
            // Four more signatures made it: a1, a2, b1, b2.
            signed += 4;
            assert_eq!(app.outbox().await["total"], signed);
        }
    }
);

db_test!(
    async fn without_trusted_proxies_the_forwarding_headers_are_ignored(app, |s| {
        s.sign_rate_per_minute = 1;
        s.sign_rate_burst = 1;
    }) {
        let letter = app.open_letter("l", "auto").await;
        let url = app.url(&format!("/api/v1/letters/{letter}/signatures"));
        let local = client_from("127.0.0.1");
        assert_eq!(sign_via(&local, &url, "x1", &[("x-forwarded-for", "198.51.100.1")]).await, 202);
        // Another forged address is the same client: the peer.
        assert_eq!(sign_via(&local, &url, "x2", &[("x-forwarded-for", "198.51.100.2")]).await, 429);
        assert_eq!(sign_via(&local, &url, "x3", &[("forwarded", "for=198.51.100.3")]).await, 429);
    }
);

#[test]
fn the_deployment_guide_shows_the_tested_configurations() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/DEPLOYMENT.md"))
        .expect("docs/DEPLOYMENT.md");
    let nginx = nginx_config(Path::new("/tmp/x"), 1, "u");
    let caddy = caddy_config(1, "127.0.0.1:8080");
    let tested = |config: &str| -> Vec<String> {
        config
            .split("# --- as in docs/DEPLOYMENT.md ---\n")
            .nth(1)
            .unwrap()
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| {
                [
                    "proxy_set_header",
                    "client_max_body_size",
                    "max_size",
                    "reverse_proxy",
                    "buffer_requests",
                ]
                .iter()
                .any(|directive| l.starts_with(directive))
            })
            .collect()
    };
    let lines = [tested(&nginx), tested(&caddy)].concat();
    assert!(lines.len() >= 7, "{lines:?}");
    for line in lines {
        assert!(
            guide.contains(&line),
            "DEPLOYMENT.md lacks the tested line {line:?}"
        );
    }
}

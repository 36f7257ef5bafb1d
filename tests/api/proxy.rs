//! Issue 20: behind a real reverse proxy. nginx (Debian's package) is started on a free port
//! with a generated configuration — the one docs/DEPLOYMENT.md shows — in front of the test's
//! server, which trusts the proxy's address only. Clients connect from different loopback
//! addresses (127.0.0.2, 127.0.0.3), which is what nginx sees and forwards.
//!
//! Without nginx the tests say so and pass, unless `REQUIRE_PROXY_TESTS=1` (set by `.ci/run`)
//! makes a missing nginx fail them.

use std::net::{IpAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::db_test;
use crate::helpers::signer;

fn nginx_binary() -> PathBuf {
    std::env::var("NGINX")
        .ok()
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/sbin/nginx"))
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

/// A running nginx, stopped when dropped.
struct Nginx {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Nginx {
    /// nginx in front of `upstream` (`host:port`), or `None` when it is not installed here.
    async fn start(upstream: &str) -> Option<Nginx> {
        let binary = nginx_binary();
        if !binary.exists() {
            assert!(
                !proxy_required(),
                "REQUIRE_PROXY_TESTS is set but nginx is not at {}",
                binary.display()
            );
            eprintln!("skipping: nginx not found at {}", binary.display());
            return None;
        }
        let dir = tempfile::tempdir().expect("a folder for nginx");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.path().join("nginx.conf");
        std::fs::write(&config, nginx_config(dir.path(), port, upstream)).unwrap();
        let child = Command::new(&binary)
            .arg("-p")
            .arg(dir.path())
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .arg("-c")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx starts");
        let mut nginx = Nginx { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = nginx.child.try_wait() {
                panic!("nginx exited with {status}:\n{}", nginx.log());
            }
            assert!(
                Instant::now() < deadline,
                "nginx did not listen:\n{}",
                nginx.log()
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
        Some(nginx)
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
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
        let Some(nginx) = Nginx::start(&upstream).await else { return };
        let letter = app.open_letter("l", "auto").await;
        let path = format!("/api/v1/letters/{letter}/signatures");
        let (a, b) = (client_from("127.0.0.2"), client_from("127.0.0.3"));

        // A spends its burst through the proxy; B, another client behind the same proxy, still signs.
        assert_eq!(sign_via(&a, &nginx.url(&path), "a1", &[]).await, 202, "{}", nginx.log());
        assert_eq!(sign_via(&a, &nginx.url(&path), "a2", &[]).await, 202);
        assert_eq!(sign_via(&a, &nginx.url(&path), "a3", &[]).await, 429);
        assert_eq!(sign_via(&b, &nginx.url(&path), "b1", &[]).await, 202, "B shares A's limit");

        // A forges the header through the proxy: nginx appends A's real address, the rightmost
        // untrusted hop, which is still limited.
        let forged = [("x-forwarded-for", "198.51.100.7"), ("forwarded", "for=198.51.100.8")];
        assert_eq!(sign_via(&a, &nginx.url(&path), "a4", &forged).await, 429);
        // A forges it straight to the service: A is no trusted proxy, so the headers are ignored.
        assert_eq!(sign_via(&a, &app.url(&path), "a5", &forged).await, 429);
        // B is limited on its own later, not before.
        assert_eq!(sign_via(&b, &nginx.url(&path), "b2", &[]).await, 202);
        assert_eq!(sign_via(&b, &nginx.url(&path), "b3", &[]).await, 429);
        // Four signatures made it: a1, a2, b1, b2.
        assert_eq!(app.outbox().await["total"], 4);
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
fn the_deployment_guide_shows_the_tested_configuration() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/DEPLOYMENT.md"))
        .expect("docs/DEPLOYMENT.md");
    let config = nginx_config(Path::new("/tmp/x"), 1, "u");
    let tested = config
        .split("# --- as in docs/DEPLOYMENT.md ---\n")
        .nth(1)
        .unwrap()
        .lines()
        .filter(|l| {
            l.trim().starts_with("proxy_set_header") || l.trim().starts_with("client_max_body_size")
        })
        .collect::<Vec<_>>();
    for line in tested {
        assert!(
            guide.contains(line.trim()),
            "DEPLOYMENT.md lacks the tested line {line:?}"
        );
    }
}

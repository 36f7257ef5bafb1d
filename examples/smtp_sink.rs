//! A local SMTP sink for the benchmark (`bench/run.sh`): accepts every mail, and appends one
//! line per mail to a file: the receive time in milliseconds since the epoch, the confirmation
//! token found in it (or `-`) and its recipient.
//!
//! `cargo run --release --example smtp_sink -- 127.0.0.1:2525 mails.log`

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use mailin_embedded::{response, Handler, Response, Server};

#[derive(Clone)]
struct Sink {
    log: Arc<Mutex<std::fs::File>>,
    data: Vec<u8>,
    to: String,
}

impl Handler for Sink {
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        self.to = to.to_string();
        response::OK
    }

    fn data_start(&mut self, _: &str, _: &str, _: bool, _: &[String]) -> Response {
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let token = mailparse::parse_mail(&self.data)
            .ok()
            .and_then(|m| m.subparts.first().and_then(|p| p.get_body().ok()))
            .and_then(|text| {
                let start = text.find("/signatures/confirm/")? + "/signatures/confirm/".len();
                text.get(start..start + 64).map(str::to_string)
            })
            .unwrap_or_else(|| "-".into());
        let mut log = self.log.lock().expect("the log lock");
        let _ = writeln!(log, "{millis} {token} {}", self.to);
        response::OK
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:2525".into());
    let path = args.next().unwrap_or_else(|| "mails.log".into());
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .expect("the log file");
    let mut server = Server::new(Sink {
        log: Arc::new(Mutex::new(file)),
        data: Vec::new(),
        to: String::new(),
    });
    server
        .with_name("bench-sink")
        .with_num_threads(32)
        .with_addr(addr.as_str())
        .expect("a listen address");
    eprintln!("smtp sink on {addr}, logging to {path}");
    server.serve().expect("the sink runs");
}

//! A real SMTP server in the test process (mailin-embedded) that keeps what it receives.

use std::io;
use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin_embedded::{response, Handler, Response, Server};

/// A mail as received, decoded.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub message_id: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Every header, (name, value) in order.
    pub headers: Vec<(String, String)>,
}

impl ReceivedMail {
    pub fn parse(to: Vec<String>, raw: &[u8]) -> ReceivedMail {
        let parsed = mailparse::parse_mail(raw).expect("a MIME mail");
        let header = |name: &str| {
            use mailparse::MailHeaderMap;
            parsed.headers.get_first_value(name).unwrap_or_default()
        };
        let mut text = String::new();
        let mut html = String::new();
        for part in parsed.subparts.iter().chain(std::iter::once(&parsed)) {
            match part.ctype.mimetype.as_str() {
                "text/plain" => text = part.get_body().unwrap(),
                "text/html" => html = part.get_body().unwrap(),
                _ => {}
            }
        }
        ReceivedMail {
            to,
            message_id: header("Message-ID"),
            subject: header("Subject"),
            text,
            html,
            headers: parsed
                .headers
                .iter()
                .map(|h| (h.get_key(), h.get_value()))
                .collect(),
        }
    }

    /// The value of the first header named `name` (any case), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The token in the first link to `/signatures/{action}/` in the text part.
    pub fn token(&self, action: &str) -> String {
        let marker = format!("/signatures/{action}/");
        let start = self
            .text
            .find(&marker)
            .unwrap_or_else(|| panic!("no {action} link in {}", self.text))
            + marker.len();
        self.text[start..start + 64].to_string()
    }

    /// The token in the first `/invitations/` link in the text part.
    pub fn invitation_token(&self) -> String {
        let marker = "/invitations/";
        let start = self
            .text
            .find(marker)
            .unwrap_or_else(|| panic!("no invitation link in {}", self.text))
            + marker.len();
        self.text[start..start + 64].to_string()
    }
}

#[derive(Clone)]
struct Collector {
    inbox: Arc<Mutex<Vec<ReceivedMail>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collector {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mail = ReceivedMail::parse(std::mem::take(&mut self.to), &self.data);
        self.inbox.lock().unwrap().push(mail);
        response::OK
    }

    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        response::OK
    }

    /// Addresses containing "reject" get a permanent 550, as a real server's unknown mailbox.
    fn rcpt(&mut self, to: &str) -> Response {
        if to.contains("reject") {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }
}

/// Clones share one inbox (two instances may send to one sink).
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    inbox: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl SmtpSink {
    /// A sink on a free port.
    pub fn start() -> SmtpSink {
        Self::start_on(TcpListener::bind("127.0.0.1:0").expect("free port"))
    }

    /// A port that nothing listens on yet (for "SMTP down"), to start a sink on later.
    pub fn reserve_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    pub fn start_on_port(port: u16) -> SmtpSink {
        Self::start_on(TcpListener::bind(("127.0.0.1", port)).expect("the reserved port"))
    }

    fn start_on(listener: TcpListener) -> SmtpSink {
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let mut server = Server::new(Collector {
            inbox: Arc::clone(&inbox),
            to: Vec::new(),
            data: Vec::new(),
        });
        server
            .with_name("sink.test")
            // Each sink lives as long as the test binary: few threads, enough for the 8 SMTP
            // connections an app opens at most (two apps may share one sink).
            .with_num_threads(16)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpSink { port, inbox }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn mails(&self) -> Vec<ReceivedMail> {
        self.inbox.lock().unwrap().clone()
    }

    /// Wait until at least `n` mails arrived (panics after 10 s).
    pub async fn wait_for(&self, n: usize) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "waited 10 s for {n} mails, got {}",
                mails.len()
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Wait for the first mail to `to` after the first `skip` mails (panics after 20 s): the
    /// mail a request made once `skip` mails had arrived, even while other tasks' mail arrives.
    pub async fn wait_for_to(&self, skip: usize, to: &str) -> ReceivedMail {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self
                .mails()
                .into_iter()
                .skip(skip)
                .find(|m| m.to.iter().any(|t| t.contains(to)));
            if let Some(mail) = found {
                return mail;
            }
            assert!(Instant::now() < deadline, "no mail to {to} in 20 s");
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

//! The SMTP transport on a thread of its own.
//!
//! lettre's connection pool spawns a task whenever a pooled connection or the pool itself is
//! dropped. If that happens while the server's runtime shuts down (a mail in flight at Ctrl-C, or
//! at the end of a test), the spawn panics inside a destructor and the process aborts. So the pool
//! lives on a dedicated thread with its own Tokio runtime: callers hand it messages over a channel
//! and await the outcome. When the last [`SmtpThread`] handle is dropped, the thread finishes the
//! mails in flight, drops the pool inside its runtime, and exits.
//!
//! lettre's pool caps only the connections it keeps idle: each send that finds none idle opens
//! another, so a batch of mails would open as many connections at once, more than relays allow
//! one client (and than a small relay has threads for). The thread therefore lets at most
//! `connections` exchanges run at a time, and the others wait their turn.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::{mpsc, oneshot, Semaphore};

use super::SendError;

type Reply = oneshot::Sender<Result<(), SendError>>;

/// What the thread is asked to do: send a message, or check that the server takes a
/// connection, TLS and the login (see [`SmtpThread::check`]).
enum Job {
    Send(Message, Reply),
    Check(Reply),
}

pub struct SmtpThread {
    jobs: mpsc::Sender<Job>,
}

/// The transport in use and its generation: a timed-out send replaces it (see [`send_one`]).
type Current = Arc<Mutex<(u64, AsyncSmtpTransport<Tokio1Executor>)>>;

impl SmtpThread {
    /// Start the thread. `timeout` bounds the whole exchange of one mail: lettre's own timeout
    /// only covers connecting, so a server that accepts and then stops answering would otherwise
    /// hold a send (and the worker waiting for it) forever.
    pub fn start(
        builder: AsyncSmtpTransportBuilder,
        timeout: Duration,
        connections: usize,
    ) -> anyhow::Result<SmtpThread> {
        let (jobs, mut queue) = mpsc::channel::<Job>(256);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("smtp".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let current: Current = Arc::new(Mutex::new((0, builder.clone().build())));
                    let turns = Arc::new(Semaphore::new(connections.max(1)));
                    let mut in_flight = tokio::task::JoinSet::new();
                    while let Some(job) = queue.recv().await {
                        let (current, builder) = (Arc::clone(&current), builder.clone());
                        let turns = Arc::clone(&turns);
                        in_flight.spawn(async move {
                            // The timeout starts with the exchange, not with the wait for it.
                            let _turn = turns.acquire_owned().await;
                            match job {
                                Job::Send(message, reply) => {
                                    let outcome =
                                        send_one(&current, &builder, message, timeout).await;
                                    let _ = reply.send(outcome);
                                }
                                Job::Check(reply) => {
                                    let _ = reply.send(check(&current, timeout).await);
                                }
                            }
                        });
                        while in_flight.try_join_next().is_some() {}
                    }
                    while in_flight.join_next().await.is_some() {}
                    drop(current);
                    // Let the pool's shutdown task close its connections politely.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                });
            })?;
        Ok(SmtpThread { jobs })
    }

    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        self.ask(|reply| Job::Send(message, reply)).await
    }

    /// Connect as a send would — TLS, the login — and ask the server for a NOOP, sending
    /// nothing: whether the settings work, in the server's own words when they do not.
    pub async fn check(&self) -> Result<(), SendError> {
        self.ask(Job::Check).await
    }

    async fn ask(&self, job: impl FnOnce(Reply) -> Job) -> Result<(), SendError> {
        let (reply, outcome) = oneshot::channel();
        let stopped = || SendError {
            permanent: false,
            message: "the SMTP thread has stopped".into(),
        };
        self.jobs.send(job(reply)).await.map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

async fn check(current: &Current, timeout: Duration) -> Result<(), SendError> {
    let transport = current.lock().expect("smtp transport lock").1.clone();
    match tokio::time::timeout(timeout, transport.test_connection()).await {
        Ok(Ok(true)) => Ok(()),
        Ok(Ok(false)) => Err(SendError {
            permanent: false,
            message: "the mail server took the connection but did not answer NOOP".into(),
        }),
        Ok(Err(e)) => Err(classify(e)),
        Err(_) => Err(timed_out(timeout)),
    }
}

fn timed_out(timeout: Duration) -> SendError {
    SendError {
        permanent: false,
        message: format!(
            "timed out: the mail server did not finish within {} s",
            timeout.as_secs_f32()
        ),
    }
}

/// Send one message within `timeout`. A send cut short leaves its connection in the middle of
/// a command; lettre would put it back in the pool, where the next mail would read the late
/// answers of this one (and could take a stale `250` for its own acceptance). So a timeout
/// retires the whole pool, closing its connections, and the next mail starts a fresh one.
async fn send_one(
    current: &Current,
    builder: &AsyncSmtpTransportBuilder,
    message: Message,
    timeout: Duration,
) -> Result<(), SendError> {
    let (generation, transport) = current.lock().expect("smtp transport lock").clone();
    match tokio::time::timeout(timeout, transport.send(message)).await {
        Ok(outcome) => outcome.map(|_| ()).map_err(classify),
        Err(_) => {
            let retired = {
                let mut guard = current.lock().expect("smtp transport lock");
                (guard.0 == generation).then(|| {
                    let fresh = builder.clone().build();
                    std::mem::replace(&mut *guard, (generation + 1, fresh)).1
                })
            };
            // Closing the retired pool closes its idle connections; the one just cut short,
            // recycled into a closed pool, is closed too.
            transport.shutdown().await;
            drop(retired);
            Err(timed_out(timeout))
        }
    }
}

/// A 5xx answer is permanent: the server refused this mail for good. Everything else (a 4xx
/// answer, a connection refused, dropped or timed out, a garbled answer, TLS) may pass, so the
/// mail is retried until `outbox_max_attempts`. So may a refused login (530, 534, 535, 538):
/// it is the settings' fault, not the mail's, and once the operator mends the password every
/// mail waiting goes out. The message keeps the server's own words.
fn classify(e: lettre::transport::smtp::Error) -> SendError {
    let login_refused = e
        .status()
        .is_some_and(|code| matches!(code.to_string().as_str(), "530" | "534" | "535" | "538"));
    SendError {
        permanent: e.is_permanent() && !login_refused,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A relay that accepts connections and never greets: every exchange stays open, so the
    /// connections accepted are the exchanges running at once.
    fn silent_relay() -> (u16, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        std::thread::spawn(move || {
            let mut open = Vec::new();
            for stream in listener.incoming().map_while(Result::ok) {
                open.push(stream);
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        (port, accepted)
    }

    #[actix_web::test]
    async fn a_burst_of_mail_opens_no_more_connections_than_allowed() {
        let (port, accepted) = silent_relay();
        let timeout = Duration::from_secs(60);
        let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(port)
            .timeout(Some(timeout));
        let thread = Arc::new(SmtpThread::start(builder, timeout, 3).unwrap());
        for i in 0..10 {
            let message = Message::builder()
                .from("letters@undersigned.test".parse().unwrap())
                .to(format!("signer{i}@example.org").parse().unwrap())
                .subject("Confirm")
                .body(String::from("link"))
                .unwrap();
            let thread = Arc::clone(&thread);
            actix_web::rt::spawn(async move { thread.send(message).await });
        }
        let started = std::time::Instant::now();
        while accepted.load(Ordering::SeqCst) < 3 {
            assert!(started.elapsed() < Duration::from_secs(10), "no connection");
            actix_web::rt::time::sleep(Duration::from_millis(10)).await;
        }
        // Seven mails are still waiting; none of them may open a fourth connection.
        actix_web::rt::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(accepted.load(Ordering::SeqCst), 3);
    }
}

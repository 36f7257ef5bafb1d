//! The SMTP transport on a thread of its own.
//!
//! lettre's connection pool spawns a task whenever a pooled connection or the pool itself is
//! dropped. If that happens while the server's runtime shuts down (a mail in flight at Ctrl-C, or
//! at the end of a test), the spawn panics inside a destructor and the process aborts. So the pool
//! lives on a dedicated thread with its own Tokio runtime: callers hand it messages over a channel
//! and await the outcome. When the last [`SmtpThread`] handle is dropped, the thread finishes the
//! mails in flight, drops the pool inside its runtime, and exits.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::{mpsc, oneshot};

use super::SendError;

type Job = (Message, oneshot::Sender<Result<(), SendError>>);

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
                    let mut in_flight = tokio::task::JoinSet::new();
                    while let Some((message, reply)) = queue.recv().await {
                        let (current, builder) = (Arc::clone(&current), builder.clone());
                        in_flight.spawn(async move {
                            let outcome = send_one(&current, &builder, message, timeout).await;
                            let _ = reply.send(outcome);
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
        let (reply, outcome) = oneshot::channel();
        let stopped = || SendError {
            permanent: false,
            message: "the SMTP thread has stopped".into(),
        };
        self.jobs
            .send((message, reply))
            .await
            .map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
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
            Err(SendError {
                permanent: false,
                message: format!(
                    "timed out: the mail server did not finish within {} s",
                    timeout.as_secs_f32()
                ),
            })
        }
    }
}

/// A 5xx answer is permanent: the server refused this mail for good. Everything else (a 4xx
/// answer, a connection refused, dropped or timed out, a garbled answer, TLS) may pass, so the
/// mail is retried until `outbox_max_attempts`.
fn classify(e: lettre::transport::smtp::Error) -> SendError {
    SendError {
        permanent: e.is_permanent(),
        message: e.to_string(),
    }
}

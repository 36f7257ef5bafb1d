//! The SMTP transport on a thread of its own.
//!
//! lettre's connection pool spawns a task whenever a pooled connection or the pool itself is
//! dropped. If that happens while the server's runtime shuts down (a mail in flight at Ctrl-C, or
//! at the end of a test), the spawn panics inside a destructor and the process aborts. So the pool
//! lives on a dedicated thread with its own Tokio runtime: callers hand it messages over a channel
//! and await the outcome. When the last [`SmtpThread`] handle is dropped, the thread finishes the
//! mails in flight, drops the pool inside its runtime, and exits.

use std::time::Duration;

use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::{AsyncTransport, Message};
use tokio::sync::{mpsc, oneshot};

use super::SendError;

type Job = (Message, oneshot::Sender<Result<(), SendError>>);

pub struct SmtpThread {
    jobs: mpsc::Sender<Job>,
}

impl SmtpThread {
    pub fn start(builder: AsyncSmtpTransportBuilder) -> anyhow::Result<SmtpThread> {
        let (jobs, mut queue) = mpsc::channel::<Job>(256);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("smtp".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let transport = builder.build();
                    let mut in_flight = tokio::task::JoinSet::new();
                    while let Some((message, reply)) = queue.recv().await {
                        let transport = transport.clone();
                        in_flight.spawn(async move {
                            let outcome =
                                transport
                                    .send(message)
                                    .await
                                    .map(|_| ())
                                    .map_err(|e| SendError {
                                        permanent: e.is_permanent(),
                                        message: e.to_string(),
                                    });
                            let _ = reply.send(outcome);
                        });
                        while in_flight.try_join_next().is_some() {}
                    }
                    while in_flight.join_next().await.is_some() {}
                    drop(transport);
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

//! Background jobs that run inside the server process.
//!
//! - [`outbox`]: delivers queued mail with retries, backoff and dead-lettering.

pub mod outbox;

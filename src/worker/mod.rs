//! Background jobs that run inside the server process.
//!
//! - [`outbox`]: delivers queued mail with retries, backoff and dead-lettering.
//! - [`deadlines`]: closes open letters whose signing deadline has passed.
//! - [`retention`]: removes signers' addresses some days after a letter's delivery.

pub mod deadlines;
pub mod outbox;
pub mod retention;

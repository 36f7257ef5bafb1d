//! Whole resources streamed in chunks (a list of signatories, a ledger), so memory stays flat
//! whatever their length.
//!
//! Two blocking tasks form a pipeline: one reads the chunks, the other encodes them, while the
//! response sends the ones before. On two cores that takes about as long as reading alone; each
//! stage stops when the next one goes away (the client disconnected).

use actix_web::web::Bytes;

use crate::error::AppError;

/// Chunks read or encoded ahead of the client at most (so memory stays flat: a few chunks).
const AHEAD: usize = 2;

/// Stream `prefix`, then each chunk `read` returns (until it returns an empty one) as `encode`
/// writes it (told whether it is the first), then `suffix`. A failed read is logged and ends the
/// response with an error.
pub fn pipeline<T: Send + 'static>(
    mut read: impl FnMut() -> Result<Vec<T>, AppError> + Send + 'static,
    encode: impl Fn(Vec<T>, bool) -> Bytes + Send + 'static,
    prefix: String,
    suffix: String,
) -> impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> {
    // `Err(())`: the database failed mid-stream (logged); the response ends with an error.
    let (chunks_out, chunks_in) = std::sync::mpsc::sync_channel::<Result<Vec<T>, ()>>(AHEAD);
    let (bytes_out, bytes_in) = tokio::sync::mpsc::channel::<Result<Bytes, ()>>(AHEAD);
    actix_web::rt::task::spawn_blocking(move || loop {
        match read() {
            Ok(chunk) if chunk.is_empty() => return,
            Ok(chunk) => {
                if chunks_out.send(Ok(chunk)).is_err() {
                    return;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "a stream stopped");
                let _ = chunks_out.send(Err(()));
                return;
            }
        }
    });
    actix_web::rt::task::spawn_blocking(move || {
        let send = |item| bytes_out.blocking_send(item).is_ok();
        if !send(Ok(Bytes::from(prefix))) {
            return;
        }
        let mut first = true;
        for chunk in chunks_in {
            let Ok(chunk) = chunk else {
                let _ = send(Err(()));
                return;
            };
            if !send(Ok(encode(chunk, first))) {
                return;
            }
            first = false;
        }
        let _ = send(Ok(Bytes::from(suffix)));
    });
    futures_util::stream::unfold(bytes_in, |mut received| async move {
        let item = received
            .recv()
            .await?
            .map_err(|()| actix_web::error::ErrorServiceUnavailable("stream interrupted"));
        Some((item, received))
    })
}

/// One chunk of the items of a streamed JSON array: each item serialised, separated by commas,
/// with a leading comma unless it is the `first` chunk.
pub fn json_items<T: serde::Serialize>(
    items: impl ExactSizeIterator<Item = T>,
    first: bool,
) -> Bytes {
    let mut out = Vec::with_capacity(items.len() * 400);
    for (i, item) in items.enumerate() {
        if !(first && i == 0) {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &item).expect("JSON serialises");
    }
    Bytes::from(out)
}

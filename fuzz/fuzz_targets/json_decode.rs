#![no_main]
//! JSON bodies: each API request type decoded by serde_json, then its validator.

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;

mod common;

struct Json<'a>(&'a [u8]);

impl common::Decode for Json<'_> {
    fn decode<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(self.0).ok()
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    common::exercise(which, &Json(body), &common::country_rows());
});

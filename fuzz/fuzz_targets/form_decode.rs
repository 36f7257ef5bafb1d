#![no_main]
//! Dashboard and sign forms: a urlencoded body decoded as `web::Form` does, then through
//! `web::form`'s decoding into each API request type and its validator.

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use undersigned::web::form;

mod common;

struct Form(Vec<(String, String)>);

impl common::Decode for Form {
    fn decode<T: DeserializeOwned>(&self) -> Option<T> {
        form::decode_unverified(self.0.clone()).ok().map(|p| p.data)
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) else {
        return;
    };
    common::exercise(which, &Form(pairs), &common::country_rows());
});

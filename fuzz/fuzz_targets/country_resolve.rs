#![no_main]
//! `domain::country::resolve` over the ISO list, and `name_key`, which must fold to itself.

use libfuzzer_sys::fuzz_target;
use undersigned::domain::country::{name_key, resolve, Resolution};
use undersigned::domain::CountryCode;

mod common;

fuzz_target!(|input: &str| {
    let all = common::iso();
    match resolve(input, &all) {
        Resolution::Found(c) => assert!(CountryCode::parse(c.alpha2).is_ok()),
        Resolution::Ambiguous(found) => assert!(found.len() >= 2),
        Resolution::Unknown => {}
    }
    let key = name_key(input);
    assert_eq!(name_key(&key), key);
    let _ = CountryCode::parse(input);
});

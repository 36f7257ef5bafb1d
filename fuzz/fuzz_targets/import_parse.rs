#![no_main]
//! A list of signatories to import, as CSV or as plain text: split into lines, then resolved.

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use undersigned::domain::import::{parse, resolve_lines, Format};

mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(content) = std::str::from_utf8(rest) else {
        return;
    };
    let format = if first & 1 == 0 {
        Format::Csv
    } else {
        Format::Text
    };
    let all = common::iso();
    if let Ok(raw) = parse(format, content, &all) {
        let n = raw.len();
        let lines = resolve_lines(raw, &all, &BTreeMap::new());
        assert_eq!(lines.len(), n);
    }
});

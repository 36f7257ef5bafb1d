#![no_main]
//! Letter bodies: Markdown rendered and sanitised. Whatever goes in, no script comes out: no
//! `<script` anywhere (text has its `<` escaped, so any `<` opens real markup), no event-handler
//! attribute, no script URL in a link or an image. (Text may say "javascript:"; only markup is
//! checked for it.) Mail's rendering loads no image, and neither nests deeper than
//! `markdown::MAX_DEPTH`.

use libfuzzer_sys::fuzz_target;
use undersigned::domain::markdown::{to_safe_html, to_safe_mail_html, MAX_DEPTH};

const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "background",
    "poster",
    "srcset",
    "xlink:href",
];
const SCRIPT_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:"];

fuzz_target!(|input: &str| {
    let html = to_safe_html(input);
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
    check_markup(&html);
    let mail = to_safe_mail_html(input);
    assert!(!mail.to_ascii_lowercase().contains("<img"), "{mail}");
    check_markup(&mail);
});

/// Walk every tag: its attributes are `name="value"` (html5ever quotes every value and escapes
/// `"` inside it).
fn check_markup(html: &str) {
    let mut rest = html;
    let mut depth = 0usize;
    while let Some(open) = rest.find('<') {
        let closing = rest[open + 1..].starts_with('/');
        let tag = rest[open + 1..].trim_start_matches('/');
        let name_end = tag
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(tag.len());
        let name = tag[..name_end].to_ascii_lowercase();
        if closing {
            depth = depth.saturating_sub(1);
        } else if !matches!(name.as_str(), "br" | "hr" | "img" | "input" | "col" | "wbr") {
            depth += 1;
            assert!(depth <= MAX_DEPTH, "nested deeper than {MAX_DEPTH}: {html}");
        }
        assert!(
            !matches!(
                name.as_str(),
                "script" | "style" | "iframe" | "object" | "embed" | "svg" | "math"
            ),
            "<{name}> in {html}"
        );
        let mut s = &tag[name_end..];
        loop {
            s = s.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if s.is_empty() || s.starts_with('>') {
                break;
            }
            let attr_end = s
                .find(|c: char| c == '=' || c.is_whitespace() || c == '>')
                .unwrap_or(s.len());
            if attr_end == 0 {
                // An unquoted `=`: not what html5ever writes, but step over it.
                s = &s[1..];
                continue;
            }
            let attr = s[..attr_end].to_ascii_lowercase();
            assert!(!attr.starts_with("on"), "event handler {attr} in {html}");
            assert!(attr != "style", "style attribute in {html}");
            s = &s[attr_end..];
            if let Some(after) = s.strip_prefix("=\"") {
                let value_end = after.find('"').expect("attribute values are quoted");
                let value: String = after[..value_end]
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if URL_ATTRIBUTES.contains(&attr.as_str()) {
                    for scheme in SCRIPT_SCHEMES {
                        assert!(!value.starts_with(scheme), "{attr}={value:?} in {html}");
                    }
                }
                s = &after[value_end + 1..];
            }
        }
        rest = s;
    }
}

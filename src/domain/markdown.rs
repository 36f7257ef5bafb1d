//! Letter bodies, campaign texts and updates are Markdown, rendered to HTML and then sanitised by
//! ammonia, so neither a script nor a `javascript:` link survives.
//!
//! Three bounds keep the rendering cheap whatever the text (issue 18, finding 1: 100,000 `>`
//! characters took 145 s, because html5ever, under ammonia, checks the stack of open elements for
//! every new one, so its work grows with the square of the nesting):
//!
//! - **Nesting is cut at [`MAX_DEPTH`]** elements: deeper quotes, lists or emphasis are rendered
//!   as the text they hold, flat. Each element then costs at most `MAX_DEPTH` steps, so the work
//!   grows with the length of the text, which its field already bounds.
//! - **Raw HTML in the Markdown is dropped**, not passed to ammonia: its nesting could not be
//!   bounded without a parser of its own, and a letter has Markdown for everything it needs.
//! - **A text is rendered once**: results are kept by the SHA-256 of the text in a cache of at
//!   most [`CACHE_BYTES`], so a letter's page, print copy and mails reuse one rendering.
//!
//! Rendering is still work: callers run it on a blocking thread (inside `Db::run`, or
//! `actix_web::web::block`), never on the async executor's threads.
//!
//! Mail ([`Medium::Mail`]) differs in one thing: images are never loaded from elsewhere (issue 18,
//! finding 18: a remote image in a mail tells its sender when and where the mail was opened).
//! Each becomes a link to the image, with its description as the link's text.

use std::sync::{Arc, OnceLock};

use pulldown_cmark::{html, Event, LinkType, Options, Parser, Tag, TagEnd};
use sha2::{Digest, Sha256};

/// The deepest nesting of elements rendered; deeper ones become their text.
pub const MAX_DEPTH: usize = 32;

/// The most rendered HTML kept in memory, in bytes.
pub const CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// Where the HTML is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Medium {
    /// A page of the service.
    Page,
    /// The HTML part of a mail: no remote images.
    Mail,
}

/// Safe HTML of a Markdown text, for a page.
pub fn to_safe_html(markdown: &str) -> Arc<str> {
    render(markdown, Medium::Page)
}

/// Safe HTML of a Markdown text, for a mail (no remote images).
pub fn to_safe_mail_html(markdown: &str) -> Arc<str> {
    render(markdown, Medium::Mail)
}

#[derive(Clone)]
struct Bytes;

impl quick_cache::Weighter<(Medium, [u8; 32]), Arc<str>> for Bytes {
    fn weight(&self, _key: &(Medium, [u8; 32]), html: &Arc<str>) -> u64 {
        // The key, the Arc's counts and the text: never zero, so every entry can be evicted.
        64 + html.len() as u64
    }
}

type Rendered = quick_cache::sync::Cache<(Medium, [u8; 32]), Arc<str>, Bytes>;

fn cache() -> &'static Rendered {
    static CACHE: OnceLock<Rendered> = OnceLock::new();
    CACHE.get_or_init(|| Rendered::with_weighter(1024, CACHE_BYTES, Bytes))
}

/// The rendering of `markdown` for `medium`, from the cache when it was rendered before.
pub fn render(markdown: &str, medium: Medium) -> Arc<str> {
    let key = (medium, Sha256::digest(markdown.as_bytes()).into());
    if let Some(html) = cache().get(&key) {
        return html;
    }
    let html: Arc<str> = render_uncached(markdown, medium).into();
    cache().insert(key, Arc::clone(&html));
    html
}

fn sanitiser(medium: Medium) -> &'static ammonia::Builder<'static> {
    static PAGE: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    static MAIL: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let build = |medium| {
        let mut builder = ammonia::Builder::default();
        builder.link_rel(Some("noopener noreferrer nofollow"));
        if medium == Medium::Mail {
            builder.rm_tags(["img"]);
        }
        builder
    };
    match medium {
        Medium::Page => PAGE.get_or_init(|| build(Medium::Page)),
        Medium::Mail => MAIL.get_or_init(|| build(Medium::Mail)),
    }
}

fn render_uncached(markdown: &str, medium: Medium) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(
        &mut unsafe_html,
        Bounded::new(Parser::new_ext(markdown, options), medium),
    );
    sanitiser(medium).clean(&unsafe_html).to_string()
}

/// The parser's events with raw HTML dropped, nesting cut at [`MAX_DEPTH`], and (for mail)
/// images turned into links.
struct Bounded<'a, I: Iterator<Item = Event<'a>>> {
    events: I,
    medium: Medium,
    /// For each open element: whether its start was passed on.
    open: Vec<bool>,
    /// How many of them were passed on.
    depth: usize,
}

impl<'a, I: Iterator<Item = Event<'a>>> Bounded<'a, I> {
    fn new(events: I, medium: Medium) -> Self {
        Bounded {
            events,
            medium,
            open: Vec::new(),
            depth: 0,
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Bounded<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            match self.events.next()? {
                Event::Html(_) | Event::InlineHtml(_) => continue,
                Event::Start(tag) => {
                    let kept = self.depth < MAX_DEPTH;
                    self.open.push(kept);
                    if !kept {
                        continue;
                    }
                    self.depth += 1;
                    return Some(Event::Start(match tag {
                        Tag::Image {
                            dest_url,
                            title,
                            id,
                            ..
                        } if self.medium == Medium::Mail => Tag::Link {
                            link_type: LinkType::Inline,
                            dest_url,
                            title,
                            id,
                        },
                        other => other,
                    }));
                }
                Event::End(end) => {
                    if !self.open.pop().unwrap_or(false) {
                        continue;
                    }
                    self.depth -= 1;
                    return Some(Event::End(match end {
                        TagEnd::Image if self.medium == Medium::Mail => TagEnd::Link,
                        other => other,
                    }));
                }
                other => return Some(other),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered() {
        let html = to_safe_html("Dear **CEO**,\n\n- one\n- two");
        assert!(html.contains("<strong>CEO</strong>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
    }

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let html = to_safe_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    fn depth_of(html: &str) -> usize {
        let (mut depth, mut deepest) = (0usize, 0usize);
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            if rest.starts_with('/') {
                depth = depth.saturating_sub(1);
            } else if !rest.starts_with("br") && !rest.starts_with("hr") && !rest.starts_with("img")
            {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        deepest
    }

    // Issue 18, finding 1: the nesting that made rendering quadratic is cut at MAX_DEPTH, for
    // quotes and lists alike, and the text inside is kept.
    #[test]
    fn nesting_is_cut_at_the_maximum_depth_and_the_text_is_kept() {
        for (what, text) in [
            ("quotes", format!("{}deep", ">".repeat(5_000))),
            ("spaced quotes", format!("{}deep", "> ".repeat(5_000))),
            ("ordered lists", format!("{}deep", "1. ".repeat(5_000))),
            ("quoted lists", format!("{}deep", "> - ".repeat(2_000))),
        ] {
            let html = render_uncached(&text, Medium::Page);
            assert!(html.contains("deep"), "{what}: the text is kept");
            let depth = depth_of(&html);
            assert!(
                depth <= MAX_DEPTH,
                "{what}: nested {depth} deep, more than {MAX_DEPTH}"
            );
            assert!(
                depth >= MAX_DEPTH / 2,
                "{what}: nesting up to the limit is kept ({depth})"
            );
        }
    }

    // Issue 18, finding 1: raw HTML is dropped, so its nesting never reaches the sanitiser.
    #[test]
    fn raw_html_is_dropped_with_its_nesting() {
        let html = render_uncached(
            &format!("{}inside{}", "<div>".repeat(5_000), "</div>".repeat(5_000)),
            Medium::Page,
        );
        assert!(!html.contains("<div"), "{}", &html[..html.len().min(200)]);
        let inline = render_uncached("a <b>bold</b> <span>word</span>", Medium::Page);
        assert_eq!(inline.trim(), "<p>a bold word</p>");
    }

    // Issue 18, finding 1: a text is rendered once; the same text gives the same shared HTML.
    #[test]
    fn a_text_is_rendered_once_and_kept() {
        let text = format!("# Kept {}\n\nonce", uuid::Uuid::new_v4());
        let first = to_safe_html(&text);
        let second = to_safe_html(&text);
        assert!(
            Arc::ptr_eq(&first, &second),
            "the second call reuses the first"
        );
        let mail = to_safe_mail_html(&text);
        assert!(
            !Arc::ptr_eq(&first, &mail),
            "pages and mails are kept apart"
        );
    }

    // Issue 18, finding 18: mails load no remote image (a tracking pixel tells the sender when a
    // mail was opened); the image becomes a link with its description. Pages keep images.
    #[test]
    fn mails_link_to_images_instead_of_loading_them() {
        let text = "Look: ![the pixel](https://tracker.example/p.gif)\n\n<img src=\"https://tracker.example/raw.gif\">";
        let mail = to_safe_mail_html(text);
        assert!(!mail.contains("<img"), "{mail}");
        assert!(
            mail.contains("href=\"https://tracker.example/p.gif\"")
                && mail.contains(">the pixel</a>"),
            "{mail}"
        );
        assert!(!mail.contains("raw.gif"), "{mail}");
        let page = to_safe_html(text);
        assert!(
            page.contains("<img src=\"https://tracker.example/p.gif\""),
            "{page}"
        );
    }
}

//! Markdown files: optional YAML (`---`) or TOML (`+++`) front matter, then CommonMark with tables,
//! footnotes, strikethrough and maths (`$…$` inline, `$$…$$` on its own, as MathML). Without a `title` in the front matter, a leading `# Heading` is the
//! title (and leaves the body, so it is not printed twice).

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::Value;

use super::parsed::{Parsed, ReadError};
use crate::dates::parse_published;

pub(crate) fn read(text: &str) -> Result<Parsed, ReadError> {
    let (front, body) = split_front_matter(text)?;
    let mut parsed = Parsed::default();
    if let Some(front) = front {
        apply_front_matter(&front, &mut parsed);
    }
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_MATH);
    let mut events: Vec<Event> = Parser::new_ext(body, opts).map(math).collect();
    if parsed.title.is_none()
        && matches!(
            events.first(),
            Some(Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }))
        )
    {
        let end = events
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Heading(HeadingLevel::H1))))
            .unwrap_or(0);
        let title: String = events[1..end]
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                Event::SoftBreak | Event::HardBreak => Some(" "),
                _ => None,
            })
            .collect();
        parsed.title = Some(title);
        events.drain(..=end);
    }
    pulldown_cmark::html::push_html(&mut parsed.body_html, events.into_iter());
    Ok(parsed)
}

/// A formula as MathML; one the converter cannot read stays as its TeX, between its dollars.
fn math(e: Event<'_>) -> Event<'_> {
    let (tex, display) = match &e {
        Event::InlineMath(t) => (t, false),
        Event::DisplayMath(t) => (t, true),
        _ => return e,
    };
    match crate::math::tex_to_mathml(tex, display) {
        Some(m) => Event::InlineHtml(m.into()),
        None if display => Event::Text(format!("$${tex}$$").into()),
        None => Event::Text(format!("${tex}$").into()),
    }
}

/// Split off a front matter block: `---` YAML or `+++` TOML on the very first line.
fn split_front_matter(text: &str) -> Result<(Option<Value>, &str), ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (fence, is_toml) in [("---", false), ("+++", true)] {
        let Some(rest) = text
            .strip_prefix(fence)
            .and_then(|r| r.strip_prefix("\r\n").or_else(|| r.strip_prefix('\n')))
        else {
            continue;
        };
        let mut offset = 0;
        for line in rest.split_inclusive('\n') {
            if line.trim_end() == fence || (!is_toml && line.trim_end() == "...") {
                let block = &rest[..offset];
                let body = &rest[offset + line.len()..];
                let value = if is_toml {
                    let table: toml::Table =
                        toml::from_str(block).map_err(ReadError::FrontMatterToml)?;
                    toml_to_json(toml::Value::Table(table))
                } else if block.trim().is_empty() {
                    Value::Null
                } else {
                    serde_norway::from_str(block).map_err(ReadError::FrontMatterYaml)?
                };
                return Ok((Some(value), body));
            }
            offset += line.len();
        }
        return Err(ReadError::Unclosed(fence));
    }
    Ok((None, text))
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), toml_to_json(v)))
                .collect(),
        ),
    }
}

fn apply_front_matter(front: &Value, p: &mut Parsed) {
    let get = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| front.get(*k))
            .filter(|v| !v.is_null())
    };
    p.title = get(&["title"]).and_then(scalar);
    p.byline = get(&["author", "authors", "byline"]).map(|v| list(v).join(", "));
    p.published = get(&["date", "published", "pubdate"])
        .and_then(scalar)
        .and_then(|s| parse_published(&s));
    p.topics = ["topics", "topic", "tags", "categories", "category"]
        .iter()
        .filter_map(|k| front.get(*k))
        .flat_map(list)
        .collect();
    p.source = get(&["source", "site"]).and_then(scalar);
    p.url = get(&["url", "link", "canonical"]).and_then(scalar);
    p.lang = get(&["lang", "language"]).and_then(scalar);
    p.summary = get(&["summary", "description", "excerpt"]).and_then(scalar);
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A list given as a sequence or as one comma-separated string.
fn list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().filter_map(scalar).collect(),
        other => scalar(other)
            .map(|s| {
                s.split(',')
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Markdown (no front matter) to HTML, as the Markdown reader renders bodies.
pub fn to_html(md: &str) -> String {
    read(md).map(|p| p.body_html).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter() {
        let md = "---\ntitle: \"Hello: world\"\ndate: 2026-11-27T08:30:00+01:00\nauthor: [Ann, Bo]\ntags: tech, rust\nlang: en-gb\n---\nBody *text*.\n";
        let p = read(md).unwrap();
        assert_eq!(p.title.as_deref(), Some("Hello: world"));
        assert_eq!(p.byline.as_deref(), Some("Ann, Bo"));
        assert_eq!(p.topics, ["tech", "rust"]);
        assert_eq!(
            p.published.unwrap().at.to_rfc3339(),
            "2026-11-27T08:30:00+01:00"
        );
        assert_eq!(p.lang.as_deref(), Some("en-gb"));
        assert!(p.body_html.contains("<em>text</em>"));
    }

    #[test]
    fn toml_front_matter_with_native_date() {
        let md = "+++\ntitle = \"T\"\ndate = 2026-11-27\ntopics = [\"Science\"]\n+++\n\nHi\n";
        let p = read(md).unwrap();
        assert_eq!(p.title.as_deref(), Some("T"));
        assert_eq!(
            p.published.unwrap().at.date_naive().to_string(),
            "2026-11-27"
        );
        assert_eq!(p.topics, ["Science"]);
    }

    #[test]
    fn leading_h1_is_the_title() {
        let p = read("# The *Big* Story\n\nText.[^1]\n\n[^1]: A note.\n").unwrap();
        assert_eq!(p.title.as_deref(), Some("The Big Story"));
        assert!(!p.body_html.contains("<h1"));
        assert!(p.body_html.contains("footnote"), "{}", p.body_html);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert!(read("---\ntitle: x\nno end\n").is_err());
    }
}

//! Untrusted HTML to a tree of allowed elements and attributes.
//!
//! An allowlist, not a blocklist: each element is kept (possibly renamed), unwrapped (its children
//! kept), or dropped with its content. Attributes are kept only where listed. Links keep only
//! `http`, `https` and `mailto` targets and in-document fragments; image sources are resolved to
//! absolute `http(s)` or `file` URLs for the image pass to fetch or refuse. Everything that could
//! run code or load something (scripts, handlers, frames, objects, forms, styles, `javascript:`)
//! is removed and counted.

use dom_query::{Document, NodeRef};
use url::Url;

use super::tree::{Element, Node};
use crate::model::Base;

/// What the sanitizer took out, for the build report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Removed {
    pub scripts: usize,
    pub frames: usize,
    pub handlers: usize,
    pub script_links: usize,
    pub local_refs: usize,
    pub forms: usize,
}

impl Removed {
    /// A human summary, or `None` when nothing unsafe was found.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<String> = [
            (self.scripts, "script"),
            (self.frames, "frame/object/embed"),
            (self.handlers, "event handler"),
            (self.script_links, "javascript: link"),
            (self.local_refs, "local-file reference"),
            (self.forms, "form control"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}{}", if *n == 1 { "" } else { "s" }))
        .collect();
        (!parts.is_empty()).then(|| format!("removed unsafe content: {}", parts.join(", ")))
    }
}

/// What happens to an element.
enum Action {
    Keep(&'static str),
    Unwrap,
    Drop,
}

fn action(name: &str) -> Action {
    use Action::*;
    match name {
        "p" | "br" | "hr" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "pre" | "code"
        | "em" | "strong" | "b" | "i" | "u" | "s" | "del" | "ins" | "sub" | "sup" | "small"
        | "mark" | "abbr" | "cite" | "q" | "kbd" | "samp" | "var" | "dfn" | "time" | "span"
        | "ul" | "ol" | "li" | "dl" | "dt" | "dd" | "figure" | "figcaption" | "table"
        | "caption" | "thead" | "tbody" | "tfoot" | "tr" | "th" | "td" | "div" | "img" | "a"
        | "ruby" | "rt" | "rp" | "bdi" | "bdo" | "wbr" | "aside" => Keep(static_name(name)),
        "h1" => Keep("h2"),
        "section" | "article" | "main" | "header" | "footer" | "center" | "address" | "details"
        | "hgroup" => Keep("div"),
        "summary" => Keep("p"),
        "strike" => Keep("s"),
        "tt" => Keep("code"),
        "big" | "font" | "nobr" | "label" => Keep("span"),
        "listing" | "xmp" | "plaintext" => Keep("pre"),
        "script" | "style" | "noscript" | "template" | "head" | "title" | "meta" | "link"
        | "base" | "nav" | "svg" | "canvas" | "video" | "audio" | "source" | "track" | "map"
        | "area" | "dialog" | "colgroup" | "col" | "param" => Drop,
        "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "portal" => Drop,
        "input" | "button" | "select" | "textarea" | "option" | "optgroup" | "output"
        | "datalist" | "progress" | "meter" | "keygen" => Drop,
        _ => Unwrap,
    }
}

fn static_name(name: &str) -> &'static str {
    const NAMES: &[&str] = &[
        "p",
        "br",
        "hr",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "code",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "s",
        "del",
        "ins",
        "sub",
        "sup",
        "small",
        "mark",
        "abbr",
        "cite",
        "q",
        "kbd",
        "samp",
        "var",
        "dfn",
        "time",
        "span",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "div",
        "img",
        "a",
        "ruby",
        "rt",
        "rp",
        "bdi",
        "bdo",
        "wbr",
        "aside",
    ];
    NAMES
        .iter()
        .find(|n| **n == name)
        .copied()
        .unwrap_or("span")
}

/// Classes inkquire itself puts on content (the text reader's dateline, Markdown footnotes).
const OWN_CLASSES: &[&str] = &[
    "dateline",
    "footnote-reference",
    "footnote-definition",
    "footnote-definition-label",
];

/// An inline `<svg>` that is a picture (a chart, a map, a diagram — not an icon) as an `<img>` of
/// its own source, drawn like any SVG file; its `<title>` or label is its alt text. Icons (hidden
/// from assistive technology, or under 48 pixels a side) leave nothing.
fn inline_svg(n: &NodeRef) -> Option<Element> {
    if n.attr("aria-hidden").is_some_and(|v| v.trim() == "true") {
        return None;
    }
    let class = n
        .attr("class")
        .map(|c| c.to_lowercase())
        .unwrap_or_default();
    if class.contains("icon") || class.contains("logo") {
        return None;
    }
    let number = |k: &str| {
        n.attr(k).and_then(|v| {
            v.trim()
                .trim_end_matches("px")
                .parse::<f32>()
                .ok()
                .filter(|x| x.is_finite())
        })
    };
    let (w, h) = match (number("width"), number("height")) {
        (Some(w), Some(h)) => (w, h),
        _ => {
            let vb: Vec<f32> = n
                .attr("viewbox")
                .or_else(|| n.attr("viewBox"))
                .map(|v| {
                    v.split(|c: char| c.is_whitespace() || c == ',')
                        .filter_map(|x| x.parse().ok())
                        .collect()
                })
                .unwrap_or_default();
            match vb[..] {
                [_, _, w, h] => (w, h),
                _ => return None,
            }
        }
    };
    if w < 48.0 || h < 48.0 {
        return None;
    }
    let mut source = n.html().to_string();
    if !source.contains("xmlns=") {
        source = source.replacen("<svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"", 1);
    }
    if source.contains("xlink:") && !source.contains("xmlns:xlink") {
        source = source.replacen(
            "<svg",
            "<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\"",
            1,
        );
    }
    let alt = n
        .attr("aria-label")
        .map(|a| a.to_string())
        .or_else(|| {
            n.children()
                .into_iter()
                .find(|c| {
                    c.node_name()
                        .is_some_and(|x| x.eq_ignore_ascii_case("title"))
                })
                .map(|t| t.text().to_string())
        })
        .map(|a| crate::words::collapse(&a));
    let mut img = Element::new("img");
    img.set_attr(
        "src",
        crate::data_url::encode("image/svg+xml", source.as_bytes()),
    );
    if let Some(alt) = alt {
        img.set_attr("alt", alt);
    }
    Some(img)
}

/// A formula picture (Wikipedia's and MathJax's fallback images, TeX in the alt) is shown at the
/// reader's font size: `formula`, and `fhN` for a height of N quarter-ems (the page's `height` in
/// `ex`, half an em, or `em`), which the themes size in `em`.
fn formula_class(n: &NodeRef) -> Option<String> {
    let class = n
        .attr("class")
        .map(|c| c.to_lowercase())
        .unwrap_or_default();
    let alt = n.attr("alt").map(|a| a.to_string()).unwrap_or_default();
    let is_formula = class.contains("mwe-math")
        || class
            .split_whitespace()
            .any(|c| matches!(c, "math" | "latex" | "tex" | "formula"))
        || alt.trim_start().starts_with("{\\displaystyle");
    if !is_formula {
        return None;
    }
    let style = n
        .attr("style")
        .map(|s| s.to_lowercase())
        .unwrap_or_default();
    let height = style.split(';').find_map(|decl| {
        let (k, v) = decl.split_once(':')?;
        if k.trim() != "height" {
            return None;
        }
        let v = v.trim();
        let (num, quarters) = if let Some(x) = v.strip_suffix("ex") {
            (x, 2.0)
        } else {
            (v.strip_suffix("em")?, 4.0)
        };
        let h: f64 = num.trim().parse().ok()?;
        (h.is_finite() && h > 0.0).then(|| ((h * quarters).round() as u32).clamp(1, 32))
    });
    Some(match height {
        Some(q) => format!("formula fh{q}"),
        None => "formula".to_owned(),
    })
}

pub struct Sanitizer<'a> {
    base: &'a Base,
    /// Screen width: the `srcset` candidate chosen is the smallest at least this wide.
    target_width: u32,
    /// `srcset`s of the `<source>`s of the `<picture>` being read.
    picture_sources: Vec<String>,
    /// Relative links resolve against the page's web address, when it has one.
    link_base: Option<Url>,
    /// Relative images resolve against the file's folder for local inputs, else the web address.
    image_base: Option<Url>,
    pub removed: Removed,
}

impl<'a> Sanitizer<'a> {
    pub fn new(base: &'a Base, target_width: u32) -> Self {
        let link_base = base.url.as_deref().and_then(|u| Url::parse(u).ok());
        let image_base = base
            .dir
            .as_deref()
            .and_then(|d| Url::from_directory_path(d).ok())
            .or_else(|| link_base.clone());
        Sanitizer {
            base,
            target_width,
            picture_sources: Vec::new(),
            link_base,
            image_base,
            removed: Removed::default(),
        }
    }

    /// Parse `html` as a fragment and clean it.
    pub fn clean(&mut self, html: &str) -> Vec<Node> {
        let doc = Document::fragment(html);
        let root = doc.root();
        let mut out = Vec::new();
        for child in root.children() {
            self.node(&child, &mut out);
        }
        // A fragment parse puts content under an <html> element: it was unwrapped above.
        out
    }

    fn node(&mut self, n: &NodeRef, out: &mut Vec<Node>) {
        if n.is_text() {
            let t = n.text();
            if !t.is_empty() {
                push_text(out, &t);
            }
            return;
        }
        if !n.is_element() {
            // Comments, doctypes, processing instructions: never carried.
            if n.is_document() || n.is_fragment() {
                for c in n.children() {
                    self.node(&c, out);
                }
            }
            return;
        }
        let name = n
            .node_name()
            .map(|s| s.to_ascii_lowercase())
            .unwrap_or_default();
        let name = name.rsplit(':').next().unwrap_or("").to_owned();
        self.count_handlers(n);
        // Maths: a page's MathML, cleaned to what a book may carry; MathJax's TeX, converted.
        if name == "math" {
            out.extend(super::mathml::clean(n).map(Node::El));
            return;
        }
        if name == "script"
            && let Some(m) = super::mathml::from_script(n)
        {
            out.push(Node::El(m));
            return;
        }
        match action(&name) {
            Action::Drop => match name.as_str() {
                "script" => self.removed.scripts += 1,
                "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "portal" => {
                    self.removed.frames += 1
                }
                "input" | "button" | "select" | "textarea" => self.removed.forms += 1,
                "svg"
                    if n.descendants().iter().any(|d| {
                        d.node_name()
                            .is_some_and(|x| x.eq_ignore_ascii_case("script"))
                    }) =>
                {
                    self.removed.scripts += 1
                }
                "svg" => {
                    if let Some(img) = inline_svg(n) {
                        out.push(Node::El(img));
                    }
                }
                "meta" if n.attr("http-equiv").is_some() => self.removed.scripts += 1,
                _ => {}
            },
            Action::Unwrap if name == "picture" => {
                // Its <source>s offer the same picture in other sizes and formats.
                let outer = std::mem::take(&mut self.picture_sources);
                for c in n.children() {
                    if c.node_name()
                        .is_some_and(|x| x.eq_ignore_ascii_case("source"))
                    {
                        let ty = c
                            .attr("type")
                            .map(|t| t.to_ascii_lowercase())
                            .unwrap_or_default();
                        if ty.contains("avif") || ty.contains("jxl") || ty.contains("svg") {
                            continue;
                        }
                        if let Some(set) = c.attr("srcset").or_else(|| c.attr("data-srcset")) {
                            self.picture_sources.push(set.to_string());
                        }
                    }
                }
                for c in n.children() {
                    self.node(&c, out);
                }
                self.picture_sources = outer;
            }
            Action::Unwrap => {
                for c in n.children() {
                    self.node(&c, out);
                }
            }
            Action::Keep(new_name) => {
                let mut el = Element::new(new_name);
                if !self.attributes(n, &name, &mut el) {
                    return;
                }
                let mut kids = Vec::new();
                for c in n.children() {
                    self.node(&c, &mut kids);
                }
                el.children = kids;
                if el.name == "a" && el.attr("href").is_none() {
                    // A link that may not point anywhere: keep its text, and its id as a target.
                    if let Some(id) = el.attr("id") {
                        let mut span = Element::new("span");
                        span.set_attr("id", id);
                        span.children = el.children;
                        out.push(Node::El(span));
                    } else {
                        out.extend(el.children);
                    }
                    return;
                }
                out.push(Node::El(el));
            }
        }
    }

    fn count_handlers(&mut self, n: &NodeRef) {
        for a in n.attrs() {
            let name = (*a.name.local).to_ascii_lowercase();
            if name.starts_with("on") || name == "srcdoc" {
                self.removed.handlers += 1;
            }
        }
    }

    /// Copy allowed attributes. Returns false when the element must go (an image with no usable
    /// source).
    fn attributes(&mut self, n: &NodeRef, src_name: &str, el: &mut Element) -> bool {
        let get = |k: &str| {
            n.attr(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(id) = get("id").or_else(|| (src_name == "a").then(|| get("name")).flatten()) {
            el.set_attr("id", id);
        }
        if let Some(lang) = get("lang").and_then(|l| crate::lang::normalize_lang(&l)) {
            el.set_attr("lang", lang.clone());
            el.set_attr("xml:lang", lang);
        }
        if let Some(dir) = get("dir").filter(|d| matches!(d.as_str(), "ltr" | "rtl" | "auto")) {
            el.set_attr("dir", dir);
        }
        if let Some(title) = get("title") {
            el.set_attr("title", title);
        }
        if let Some(class) = get("class") {
            let own: Vec<&str> = class
                .split_whitespace()
                .filter(|c| OWN_CLASSES.contains(c))
                .collect();
            if !own.is_empty() {
                el.set_attr("class", own.join(" "));
            }
        }
        match el.name {
            "a" => {
                if let Some(href) = get("href")
                    && let Some(h) = self.link(&href)
                {
                    el.set_attr("href", h);
                }
            }
            "img" => {
                let Some(src) = self.image_source(n) else {
                    return false;
                };
                el.set_attr("src", src);
                // A missing alt stays missing (unknown, not decoration): `access` settles it.
                if let Some(alt) = n.attr("alt") {
                    el.set_attr("alt", alt.trim().to_owned());
                }
                if let Some(class) = formula_class(n) {
                    el.set_attr("class", class);
                }
            }
            "td" | "th" => {
                for k in ["colspan", "rowspan"] {
                    if let Some(v) = get(k).filter(|v| v.parse::<u16>().is_ok_and(|n| n > 0)) {
                        el.set_attr(if k == "colspan" { "colspan" } else { "rowspan" }, v);
                    }
                }
            }
            "ol" => {
                if let Some(v) = get("start").filter(|v| v.parse::<i32>().is_ok()) {
                    el.set_attr("start", v);
                }
            }
            "time" => {
                // Only a date or date-time XHTML accepts (no microseconds, a proper zone).
                if let Some(p) = get("datetime").and_then(|v| crate::dates::parse_published(&v)) {
                    let v = if p.has_time {
                        p.at.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
                    } else {
                        p.at.date_naive().to_string()
                    };
                    el.set_attr("datetime", v);
                } else {
                    // Without a machine-readable time, <time> may hold only text: a plain span.
                    el.name = "span";
                }
            }
            _ => {}
        }
        true
    }

    /// The target a link may keep: absolute web and mail addresses, and in-document fragments.
    fn link(&mut self, href: &str) -> Option<String> {
        if let Some(frag) = href.strip_prefix('#') {
            return (!frag.is_empty()).then(|| href.to_owned());
        }
        let lower = href.to_ascii_lowercase();
        let lower = lower.trim_start();
        if lower.starts_with("javascript:")
            || lower.starts_with("vbscript:")
            || lower.starts_with("data:")
        {
            self.removed.script_links += 1;
            return None;
        }
        let resolved = match Url::parse(href) {
            Ok(u) => u,
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                self.link_base.as_ref()?.join(href).ok()?
            }
            Err(_) => return None,
        };
        match resolved.scheme() {
            "http" | "https" | "mailto" => Some(resolved.to_string()),
            "file" => {
                // A link to a local file cannot work inside a book: the text stays, the link goes.
                if !self.is_inside_root(&resolved) {
                    self.removed.local_refs += 1;
                }
                None
            }
            _ => None,
        }
    }

    fn is_inside_root(&self, u: &Url) -> bool {
        match (u.to_file_path().ok(), self.base.root.as_deref()) {
            // Where the file really is, links followed: a link inside the folder to a file
            // outside it is outside.
            (Some(p), Some(root)) => std::fs::canonicalize(&p)
                .unwrap_or_else(|_| normalize_path(&p))
                .starts_with(root),
            _ => false,
        }
    }

    /// The image's source as an absolute `http(s)` or `file` URL: `src`, else a lazy-loading
    /// attribute, else the first `srcset` candidate; `data:` placeholders are skipped, and a
    /// `data:` picture of some size is taken only when nothing else names one.
    fn image_source(&mut self, n: &NodeRef) -> Option<String> {
        let mut candidates: Vec<String> = Vec::new();
        for k in [
            "src",
            "data-src",
            "data-original",
            "data-lazy-src",
            "data-url",
        ] {
            if let Some(v) = n.attr(k) {
                candidates.push(v.trim().to_owned());
            }
        }
        // The best `srcset` candidate for the screen comes first; `src` is the fallback.
        let mut sets: Vec<String> = ["srcset", "data-srcset"]
            .iter()
            .filter_map(|k| n.attr(k).map(|v| v.to_string()))
            .collect();
        sets.extend(self.picture_sources.iter().cloned());
        if let Some(best) = sets
            .iter()
            .find_map(|s| best_candidate(s, self.target_width))
        {
            candidates.insert(0, best);
        }
        for c in candidates.iter().filter(|c| !c.is_empty()) {
            let lower = c.to_ascii_lowercase();
            if lower.starts_with("data:") {
                continue;
            }
            if lower.starts_with("javascript:") {
                self.removed.script_links += 1;
                continue;
            }
            let resolved = match Url::parse(c) {
                Ok(u) => Some(u),
                Err(url::ParseError::RelativeUrlWithoutBase) => {
                    self.image_base.as_ref().and_then(|b| b.join(c).ok())
                }
                Err(_) => None,
            };
            if let Some(u) = resolved {
                match u.scheme() {
                    "http" | "https" => return Some(u.to_string()),
                    "file" => {
                        if self.is_inside_root(&u) {
                            return Some(u.to_string());
                        }
                        self.removed.local_refs += 1;
                    }
                    _ => {}
                }
            }
        }
        // A picture carried in the page itself (a newsletter's inline part, a page that embeds
        // its photo) when nothing else names it; a lazy-loading placeholder is too small to count.
        candidates.into_iter().find(|c| embedded_picture(c))
    }
}

/// A base64 `data:` raster picture large enough to be a picture, not a placeholder, and small
/// enough to keep (at most 8 MB of text).
fn embedded_picture(c: &str) -> bool {
    let lower = c.get(..40).unwrap_or(c).to_ascii_lowercase();
    [
        "image/png",
        "image/jpeg",
        "image/jpg",
        "image/gif",
        "image/webp",
    ]
    .iter()
    .any(|t| lower.starts_with(&format!("data:{t};base64,")))
        && (300..=8_000_000).contains(&c.len())
}

/// The `srcset` candidate to fetch for a screen `target` pixels wide: the smallest at least that
/// wide (`640w`), else the largest; with density descriptors (`2x`), the densest up to 2x.
pub fn best_candidate(srcset: &str, target: u32) -> Option<String> {
    let mut widths: Vec<(u32, String)> = Vec::new();
    let mut densities: Vec<(f32, String)> = Vec::new();
    // Split on commas that end a candidate (URLs may hold commas; candidates are "url descriptor").
    for cand in srcset.split(", ").flat_map(|c| c.split(",\n")) {
        let mut parts = cand.split_whitespace();
        let Some(url) = parts.next() else { continue };
        if url.starts_with("data:") {
            continue;
        }
        match parts.next() {
            Some(d) if d.ends_with('w') => {
                if let Ok(w) = d.trim_end_matches('w').parse() {
                    widths.push((w, url.to_owned()));
                }
            }
            Some(d) if d.ends_with('x') => {
                if let Ok(x) = d.trim_end_matches('x').parse() {
                    densities.push((x, url.to_owned()));
                }
            }
            _ => densities.push((1.0, url.trim_end_matches(',').to_owned())),
        }
    }
    if !widths.is_empty() {
        widths.sort_by_key(|w| w.0);
        return widths
            .iter()
            .find(|(w, _)| *w >= target)
            .or(widths.last())
            .map(|(_, u)| u.clone());
    }
    densities.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    densities
        .iter()
        .rfind(|(x, _)| *x <= 2.0)
        .or(densities.first())
        .map(|(_, u)| u.clone())
}

/// Join adjacent text so typography sees whole runs.
fn push_text(out: &mut Vec<Node>, t: &str) {
    if let Some(Node::Text(prev)) = out.last_mut() {
        prev.push_str(t);
    } else {
        out.push(Node::Text(t.to_owned()));
    }
}

/// Resolve `.` and `..` without touching the file system (the file may not exist).
pub fn normalize_path(p: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formatter::tree::write_nodes;

    fn clean(html: &str, base: &Base) -> (String, Removed) {
        let mut s = Sanitizer::new(base, 1072);
        let nodes = s.clean(html);
        let mut out = String::new();
        write_nodes(&nodes, &mut out);
        (out, s.removed)
    }

    #[test]
    fn hostile_markup_is_removed() {
        let base = Base {
            dir: Some("/data/in".into()),
            root: Some("/data/in".into()),
            ..Base::default()
        };
        let (out, removed) = clean(
            r#"<p onclick="x()">Hi <a href="javascript:alert(1)">there</a></p>
            <script>alert(1)</script><iframe src="https://evil.invalid"></iframe>
            <img src="file:///etc/passwd"><img src="../../etc/hostname"><img src="pics/a.png" onerror="x">
            <a href="https://ok.example/x?a=1&b=2">ok</a><form><input name=q></form>"#,
            &base,
        );
        assert!(!out.contains("script") && !out.contains("onclick") && !out.contains("iframe"));
        assert!(!out.contains("etc/"), "{out}");
        assert!(
            out.contains(r#"<img src="file:///data/in/pics/a.png"/>"#),
            "{out}"
        );
        assert!(
            out.contains(r#"<a href="https://ok.example/x?a=1&amp;b=2">ok</a>"#),
            "{out}"
        );
        assert_eq!(removed.scripts, 1);
        assert_eq!(removed.frames, 1);
        assert_eq!(removed.handlers, 2);
        assert_eq!(removed.script_links, 1);
        assert_eq!(removed.local_refs, 2);
        assert_eq!(removed.forms, 1);
    }

    #[test]
    fn relative_links_resolve_against_the_page() {
        let base = Base {
            url: Some("https://news.example/a/b.html".into()),
            ..Base::default()
        };
        let (out, _) = clean(
            r##"<a href="../c.html">c</a> <a href="#n">n</a> <a href="other.md">o</a>"##,
            &base,
        );
        assert!(
            out.contains(r#"href="https://news.example/c.html""#),
            "{out}"
        );
        assert!(out.contains(r##"href="#n""##));
        assert!(out.contains(r#"href="https://news.example/a/other.md""#));
        let (out, _) = clean(r#"<a href="other.md">o</a>"#, &Base::default());
        assert_eq!(out, "o");
    }

    #[test]
    fn srcset_picks_the_candidate_for_the_screen() {
        assert_eq!(
            best_candidate("a.jpg 320w, b.jpg 1080w, c.jpg 2000w", 1072).as_deref(),
            Some("b.jpg")
        );
        assert_eq!(
            best_candidate("a.jpg 320w, b.jpg 800w", 1072).as_deref(),
            Some("b.jpg")
        );
        assert_eq!(
            best_candidate("a.jpg 1x, b.jpg 2x, c.jpg 3x", 1072).as_deref(),
            Some("b.jpg")
        );
        let base = Base {
            url: Some("https://n.example/".into()),
            ..Base::default()
        };
        let (out, _) = clean(
            r#"<picture><source type="image/avif" srcset="x.avif"><source srcset="s.webp 400w, l.webp 1200w"><img src="fallback.jpg" alt="p"></picture>"#,
            &base,
        );
        assert_eq!(out, r#"<img src="https://n.example/l.webp" alt="p"/>"#);
    }

    #[test]
    fn lazy_images_use_their_real_source() {
        let base = Base {
            url: Some("https://news.example/a/".into()),
            ..Base::default()
        };
        let (out, _) = clean(
            r#"<img src="data:image/gif;base64,R0lGOD" data-src="/img/p.jpg" alt="A">"#,
            &base,
        );
        assert_eq!(
            out,
            r#"<img src="https://news.example/img/p.jpg" alt="A"/>"#
        );
        // A picture the page carries itself is kept when nothing else names one; a placeholder
        // of that kind is not.
        let big = format!("data:image/png;base64,{}", "A".repeat(4_000));
        let (out, _) = clean(&format!(r#"<p><img src="{big}" alt="B"></p>"#), &base);
        assert!(out.contains(&big), "{out}");
        let (out, _) = clean(
            r#"<p>x<img src="data:image/gif;base64,R0lGOD" alt="C"></p>"#,
            &base,
        );
        assert!(!out.contains("data:"), "{out}");
        let (out, _) = clean(
            &format!(
                r#"<p><img src="{}" alt="D"></p>"#,
                big.replace("image/png", "text/html")
            ),
            &base,
        );
        assert!(!out.contains("data:"), "{out}");
    }
}

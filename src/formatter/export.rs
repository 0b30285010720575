//! An article body as the book holds it, to print rather than to package (`inkquire extract`):
//! XHTML, plain text, or Markdown (CommonMark with GitHub's tables).

use super::tree::{self, Element, Node};

/// A cleaned article body: sanitized, repaired and typeset, its pictures still at their
/// addresses.
#[derive(Debug, Clone)]
pub struct Body {
    pub(super) nodes: Vec<Node>,
}

impl Body {
    /// The body as XHTML, as it stands inside the book's `<div class="article-body">`.
    pub fn xhtml(&self) -> String {
        let mut out = String::new();
        tree::write_nodes(&self.nodes, &mut out);
        out
    }

    /// The body's text: each paragraph, heading, list item or table row on a line of its
    /// own, a blank line between them.
    pub fn text(&self) -> String {
        let mut lines = Vec::new();
        plain(&self.nodes, &mut lines);
        let mut out = lines.join("\n\n");
        out.push('\n');
        out
    }

    /// Words in the body.
    pub fn words(&self) -> usize {
        let mut text = String::new();
        tree::text_of(&self.nodes, &mut text);
        crate::words::count_words(&text)
    }

    /// The body as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        blocks(&self.nodes, &mut out, "");
        let mut md = out.trim_end().to_owned();
        md.push('\n');
        md
    }
}

/// The text of `nodes`, a line per block.
fn plain(nodes: &[Node], lines: &mut Vec<String>) {
    let mut run = String::new();
    let flush = |run: &mut String, lines: &mut Vec<String>| {
        let line = collapse_ws(run).trim().to_owned();
        if !line.is_empty() {
            lines.push(line);
        }
        run.clear();
    };
    for n in nodes {
        match n {
            Node::El(e) if !tree::is_phrasing(e.name) => {
                flush(&mut run, lines);
                match e.name {
                    "pre" => {
                        let mut code = String::new();
                        tree::text_of_raw(&e.children, &mut code);
                        let code = code.trim_matches('\n').to_owned();
                        if !code.trim().is_empty() {
                            lines.push(code);
                        }
                    }
                    "tr" => {
                        let cells: Vec<String> = e
                            .children
                            .iter()
                            .map(|c| {
                                let mut t = String::new();
                                tree::text_of(std::slice::from_ref(c), &mut t);
                                collapse_ws(&t).trim().to_owned()
                            })
                            .filter(|t| !t.is_empty())
                            .collect();
                        if !cells.is_empty() {
                            lines.push(cells.join("\t"));
                        }
                    }
                    _ => plain(&e.children, lines),
                }
            }
            Node::El(_) => tree::text_of(std::slice::from_ref(n), &mut run),
            Node::Text(t) => run.push_str(t),
        }
    }
    flush(&mut run, lines);
}

/// Write `nodes` as blocks, each line after the first starting with `prefix` (for quotes and
/// list items).
fn blocks(nodes: &[Node], out: &mut String, prefix: &str) {
    let mut inline_run: Vec<&Node> = Vec::new();
    for n in nodes {
        let is_block = matches!(n, Node::El(e) if !tree::is_phrasing(e.name));
        if is_block {
            paragraph(&inline_run, out, prefix);
            inline_run.clear();
            if let Node::El(e) = n {
                block(e, out, prefix);
            }
        } else {
            inline_run.push(n);
        }
    }
    paragraph(&inline_run, out, prefix);
}

fn paragraph(nodes: &[&Node], out: &mut String, prefix: &str) {
    let mut text = String::new();
    for n in nodes {
        inline(n, &mut text);
    }
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    start_block(out, prefix);
    push_lines(out, text, prefix);
    out.push('\n');
}

/// A blank line (with the prefix) before a new block, unless at the start.
fn start_block(out: &mut String, prefix: &str) {
    if !out.is_empty() && !out.ends_with("\n\n") && !out.ends_with(&format!("\n{prefix}\n")) {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(prefix.trim_end());
        out.push('\n');
    }
    out.push_str(prefix);
}

/// `text` whose line breaks continue under `prefix`.
fn push_lines(out: &mut String, text: &str, prefix: &str) {
    let mut first = true;
    for line in text.split('\n') {
        if !first {
            out.push('\n');
            out.push_str(prefix);
        }
        out.push_str(line);
        first = false;
    }
}

fn block(e: &Element, out: &mut String, prefix: &str) {
    match e.name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let level = usize::from(e.name.as_bytes()[1] - b'0');
            let text = inline_text(&e.children).replace('\n', " ");
            if !text.trim().is_empty() {
                start_block(out, prefix);
                out.push_str(&"#".repeat(level));
                out.push(' ');
                out.push_str(text.trim());
                out.push('\n');
            }
        }
        "p" => {
            let refs: Vec<&Node> = e.children.iter().collect();
            paragraph(&refs, out, prefix);
        }
        "hr" => {
            start_block(out, prefix);
            out.push_str("---\n");
        }
        "pre" => {
            let mut code = String::new();
            tree::text_of_raw(&e.children, &mut code);
            let fence = if code.contains("```") { "~~~~" } else { "```" };
            start_block(out, prefix);
            out.push_str(fence);
            out.push('\n');
            for line in code.trim_end_matches('\n').split('\n') {
                out.push_str(prefix);
                out.push_str(line);
                out.push('\n');
            }
            out.push_str(prefix);
            out.push_str(fence);
            out.push('\n');
        }
        "blockquote" => {
            let mut inner = String::new();
            blocks(&e.children, &mut inner, "");
            let inner = inner.trim_end();
            if !inner.is_empty() {
                start_block(out, prefix);
                let quoted: Vec<String> = inner
                    .split('\n')
                    .map(|l| {
                        if l.is_empty() {
                            ">".to_owned()
                        } else {
                            format!("> {l}")
                        }
                    })
                    .collect();
                push_lines(out, &quoted.join("\n"), prefix);
                out.push('\n');
            }
        }
        "ul" | "ol" => {
            let ordered = e.name == "ol";
            let mut n: usize = e.attr("start").and_then(|s| s.parse().ok()).unwrap_or(1);
            let mut first = true;
            for item in &e.children {
                let Node::El(li) = item else { continue };
                let marker = if ordered {
                    format!("{n}. ")
                } else {
                    "- ".to_owned()
                };
                n += 1;
                let mut inner = String::new();
                blocks(&li.children, &mut inner, "");
                let inner = inner.trim();
                if first {
                    start_block(out, prefix);
                    first = false;
                } else {
                    out.push_str(prefix);
                }
                out.push_str(&marker);
                let pad = " ".repeat(marker.len());
                let lines: Vec<String> = inner
                    .split('\n')
                    .enumerate()
                    .map(|(i, l)| {
                        if i == 0 || l.is_empty() {
                            l.to_owned()
                        } else {
                            format!("{pad}{l}")
                        }
                    })
                    .collect();
                push_lines(out, &lines.join("\n"), prefix);
                out.push('\n');
            }
        }
        "table" => table(e, out, prefix),
        "figure" => {
            blocks(&e.children, out, prefix);
        }
        "figcaption" => {
            let text = inline_text(&e.children);
            if !text.trim().is_empty() {
                start_block(out, prefix);
                out.push('*');
                out.push_str(text.trim());
                out.push_str("*\n");
            }
        }
        "dl" => {
            for item in &e.children {
                let Node::El(d) = item else { continue };
                let text = inline_text(&d.children);
                if text.trim().is_empty() {
                    continue;
                }
                start_block(out, prefix);
                if d.name == "dt" {
                    out.push_str(&format!("**{}**\n", text.trim()));
                } else {
                    push_lines(out, text.trim(), prefix);
                    out.push('\n');
                }
            }
        }
        _ => blocks(&e.children, out, prefix),
    }
}

fn table(e: &Element, out: &mut String, prefix: &str) {
    let mut rows: Vec<Vec<String>> = Vec::new();
    fn collect(nodes: &[Node], rows: &mut Vec<Vec<String>>) {
        for n in nodes {
            let Node::El(e) = n else { continue };
            if e.name == "tr" {
                let cells = e
                    .children
                    .iter()
                    .filter_map(|c| match c {
                        Node::El(td) if td.name == "td" || td.name == "th" => Some(
                            inline_text(&td.children)
                                .replace('\n', " ")
                                .replace('|', "\\|")
                                .trim()
                                .to_owned(),
                        ),
                        _ => None,
                    })
                    .collect();
                rows.push(cells);
            } else if e.name != "caption" {
                collect(&e.children, rows);
            }
        }
    }
    collect(&e.children, &mut rows);
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return;
    }
    start_block(out, prefix);
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push_str(prefix);
        }
        let cells: Vec<&str> = (0..width)
            .map(|c| row.get(c).map(String::as_str).unwrap_or(""))
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
        if i == 0 {
            out.push_str(prefix);
            out.push_str(&format!("|{}\n", " --- |".repeat(width)));
        }
    }
}

fn inline_text(nodes: &[Node]) -> String {
    let mut s = String::new();
    for n in nodes {
        inline(n, &mut s);
    }
    s
}

/// Phrasing content as Markdown.
fn inline(n: &Node, out: &mut String) {
    match n {
        Node::Text(t) => out.push_str(&escape(&collapse_ws(t))),
        Node::El(e) => match e.name {
            "br" => out.push_str("\\\n"),
            "em" | "i" | "cite" | "dfn" => wrap(e, "*", out),
            "strong" | "b" => wrap(e, "**", out),
            "del" | "s" => wrap(e, "~~", out),
            "code" | "kbd" | "samp" => {
                let mut code = String::new();
                tree::text_of_raw(&e.children, &mut code);
                let tick = if code.contains('`') { "`` " } else { "`" };
                let end = if code.contains('`') { " ``" } else { "`" };
                out.push_str(tick);
                out.push_str(&code.replace('\n', " "));
                out.push_str(end);
            }
            "a" => {
                let text = inline_text(&e.children);
                match e.attr("href") {
                    Some(href) if !text.trim().is_empty() => {
                        out.push_str(&format!("[{}]({})", text.trim(), url(href)))
                    }
                    _ => out.push_str(&text),
                }
            }
            "img" => {
                let alt = e.attr("alt").unwrap_or("").replace(['[', ']'], "");
                if let Some(src) = e.attr("src") {
                    out.push_str(&format!("![{alt}]({})", url(src)));
                }
            }
            _ => {
                for c in &e.children {
                    inline(c, out);
                }
            }
        },
    }
}

fn wrap(e: &Element, mark: &str, out: &mut String) {
    let text = inline_text(&e.children);
    let t = text.trim();
    if t.is_empty() {
        out.push_str(&text);
        return;
    }
    // Keep the spaces outside the marks: `* x*` is no emphasis.
    if text.starts_with(char::is_whitespace) {
        out.push(' ');
    }
    out.push_str(mark);
    out.push_str(t);
    out.push_str(mark);
    if text.ends_with(char::is_whitespace) {
        out.push(' ');
    }
}

fn url(u: &str) -> String {
    if u.contains([' ', '(', ')']) {
        format!("<{}>", u.replace('>', "%3E"))
    } else {
        u.to_owned()
    }
}

fn collapse_ws(t: &str) -> String {
    let mut s = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !space {
                s.push(' ');
            }
            space = true;
        } else {
            s.push(c);
            space = false;
        }
    }
    s
}

/// Escape what Markdown would read as markup.
fn escape(t: &str) -> String {
    let mut s = String::with_capacity(t.len());
    for c in t.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#') {
            s.push('\\');
        }
        s.push(c);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(html: &str) -> Body {
        let base = crate::model::Base::default();
        let mut cleaner = super::super::sanitize::Sanitizer::new(&base, 1000);
        Body {
            nodes: cleaner.clean(html),
        }
    }

    #[test]
    fn markdown_keeps_the_structure_a_reader_needs() {
        let b = body(
            "<h2>The river</h2><p>It <em>rose</em> by <strong>two</strong> metres; see \
             <a href='https://e.x/map'>the map</a> and <code>x*2</code>.</p>\
             <ul><li>one</li><li>two <b>bold</b></li></ul><ol start='3'><li>three</li></ol>\
             <blockquote><p>A quote.</p><p>Its second paragraph.</p></blockquote>\
             <pre>let x = 1;\nlet y = 2;</pre>\
             <table><tr><th>Town</th><th>Rise</th></tr><tr><td>Ely</td><td>2 m</td></tr></table>\
             <p>Stars * and _underscores_ stay text.</p>",
        );
        let md = b.markdown();
        for want in [
            "## The river\n",
            "It *rose* by **two** metres; see [the map](https://e.x/map) and `x*2`.",
            "- one\n- two **bold**\n",
            "3. three\n",
            "> A quote.\n>\n> Its second paragraph.\n",
            "```\nlet x = 1;\nlet y = 2;\n```\n",
            "| Town | Rise |\n| --- | --- |\n| Ely | 2 m |\n",
            "Stars \\* and \\_underscores\\_ stay text.",
        ] {
            assert!(md.contains(want), "missing {want:?} in:\n{md}");
        }
        assert!(!md.contains("\n\n\n"), "{md}");
        let text = b.text();
        assert!(
            text.starts_with("The river\n\nIt rose by two metres; see the map and x*2.\n\none\n\ntwo bold\n\nthree\n\nA quote."),
            "{text}"
        );
        assert!(
            text.contains("let x = 1;\nlet y = 2;\n\nTown\tRise\n\nEly\t2 m\n\n"),
            "{text}"
        );
    }
}

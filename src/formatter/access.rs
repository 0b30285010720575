//! What a screen reader needs from an article's body (EPUB Accessibility 1.1, WCAG 2 AA):
//! pictures' text alternatives that say something, headings that never skip a level, links with
//! a name, tables with header cells.
//!
//! Two passes: [`alt_texts`] before pictures are fetched (so a missing picture's note never
//! shows a file name), and [`finish`] on the body as the book will hold it, which also counts the
//! pictures left without a text alternative (the book's metadata then stops claiming
//! `alternativeText`).

use std::collections::HashSet;

use super::tree::{Element, Node, has_picture, text_of};

/// What an `<img>`'s `alt` says.
#[derive(Debug, PartialEq)]
enum Alt {
    /// A real description.
    Text(String),
    /// `alt=""`: the page says the picture is decoration.
    Decorative,
    /// No alt, or one that pretends (a file name, "image", markup, an address).
    Unknown,
}

/// Words that name the kind of thing, not what it shows (any case; a few languages).
const EMPTY_WORDS: &[&str] = &[
    "image",
    "img",
    "images",
    "photo",
    "photograph",
    "photos",
    "picture",
    "pic",
    "graphic",
    "figure",
    "icon",
    "spacer",
    "placeholder",
    "thumbnail",
    "thumb",
    "banner",
    "untitled",
    "blank",
    "null",
    "undefined",
    "none",
    "alt",
    "alt text",
    "image for post",
    "featured image",
    "header image",
    "hero image",
    "lead image",
    "article image",
    "no image",
    "loading",
    "line",
    "divider",
    "separator",
    "border",
    "bullet",
    "arrow",
    "pixel",
    "dot",
    "bild",
    "foto",
    "imagen",
    "imagem",
    "immagine",
    "afbeelding",
    "zdjęcie",
    "obrázek",
    "изображение",
    "фото",
    "图片",
    "圖片",
    "画像",
    "写真",
    "이미지",
    "사진",
];

/// Openings that only say "this is a picture:" before the description.
const KIND_PREFIXES: &[&str] = &[
    "image:",
    "photo:",
    "picture:",
    "image of ",
    "photo of ",
    "picture of ",
    "an image of ",
    "a photo of ",
    "a picture of ",
];

/// Picture and document file endings.
const FILE_ENDINGS: &[&str] = &[
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff", ".avif", ".heic",
];

/// `raw` without markup: tags removed, white space collapsed.
fn without_markup(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>') {
            Some(j) if is_tag => {
                out.push(' ');
                rest = &after[j + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Does `s` look like a file name or an address rather than words?
fn is_file_name(s: &str) -> bool {
    let lower = s.to_lowercase();
    if lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("data:")
        || lower.starts_with("www.")
    {
        return true;
    }
    if FILE_ENDINGS.iter().any(|e| lower.ends_with(e)) && !lower.contains(". ") {
        return true;
    }
    // Camera names: IMG_4205, DSC01234, P1610279, 20190512_101010.
    let word: String = lower
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .collect();
    let digits = word.chars().filter(char::is_ascii_digit).count();
    let letters = word.chars().any(char::is_alphabetic);
    !s.contains(' ')
        && digits >= 4
        && digits * 2 >= word.chars().count()
        && (letters || digits >= 6)
}

fn read_alt(raw: Option<&str>) -> Alt {
    let Some(raw) = raw else {
        return Alt::Unknown;
    };
    if raw.trim().is_empty() {
        return Alt::Decorative;
    }
    let mut text = without_markup(raw);
    loop {
        let lower = text.to_lowercase();
        let Some(p) = KIND_PREFIXES.iter().find(|p| lower.starts_with(*p)) else {
            break;
        };
        text = text[p.len()..].trim_start().to_owned();
    }
    let words = text.trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    if words.is_empty()
        || !words.chars().any(char::is_alphanumeric)
        || EMPTY_WORDS.contains(&words.to_lowercase().as_str())
        || is_file_name(words)
    {
        return Alt::Unknown;
    }
    Alt::Text(text)
}

/// Before pictures are fetched: each `<img>` keeps an `alt` only when it describes something
/// (`alt=""`, the page's word for decoration, stays); a `title` that is a file name or repeats the
/// alt goes.
pub fn alt_texts(nodes: &mut [Node]) {
    for n in nodes {
        let Node::El(e) = n else { continue };
        if e.name == "img" {
            match read_alt(e.attr("alt")) {
                Alt::Text(t) => e.set_attr("alt", t),
                Alt::Decorative => e.set_attr("alt", ""),
                Alt::Unknown => {
                    e.remove_attr("alt");
                }
            }
            if let Some(title) = e.attr("title") {
                let t = without_markup(title);
                if t.is_empty() || is_file_name(&t) || Some(t.as_str()) == e.attr("alt") {
                    e.remove_attr("title");
                }
            }
        }
        alt_texts(&mut e.children);
    }
}

/// What [`finish`] found.
#[derive(Debug, Default, PartialEq)]
pub struct Findings {
    /// Pictures with no text alternative: no alt that says something, no caption.
    pub undescribed: usize,
    /// Tables of data without a single header cell.
    pub headerless_tables: usize,
}

/// The last pass over an article's body: pictures, headings, links and tables made readable by
/// assistive technology. `prefix` is the article's id prefix (new ids start with it).
pub fn finish(nodes: &mut Vec<Node>, prefix: &str) -> Findings {
    let mut ids = HashSet::new();
    collect_ids(nodes, &mut ids);
    let mut pass = Pass {
        prefix,
        ids,
        findings: Findings::default(),
        headings: Vec::new(),
    };
    pass.nodes(nodes);
    pass.findings
}

fn collect_ids(nodes: &[Node], ids: &mut HashSet<String>) {
    for n in nodes {
        if let Node::El(e) = n {
            if let Some(id) = e.attr("id") {
                ids.insert(id.to_owned());
            }
            collect_ids(&e.children, ids);
        }
    }
}

struct Pass<'a> {
    prefix: &'a str,
    ids: HashSet<String>,
    findings: Findings,
    /// The source levels of the open headings, outermost first: a heading is placed one level
    /// below the nearest open heading of a higher source level, under the title's `h1`.
    headings: Vec<u8>,
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

const HEADINGS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];

/// Does this content give a link or heading a name: text, or a picture with alt text?
fn has_name(nodes: &[Node]) -> bool {
    nodes.iter().any(|n| match n {
        Node::Text(t) => !t.trim().is_empty(),
        Node::El(e) if e.name == "img" => e.attr("alt").is_some_and(|a| !a.trim().is_empty()),
        Node::El(e) => e.attr("aria-label").is_some() || has_name(&e.children),
    })
}

fn plain_text(nodes: &[Node]) -> String {
    let mut s = String::new();
    text_of(nodes, &mut s);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Pass<'_> {
    fn new_id(&mut self, what: &str) -> String {
        let mut n = self.ids.len() + 1;
        loop {
            let id = format!("{}{what}-{n}", self.prefix);
            if self.ids.insert(id.clone()) {
                return id;
            }
            n += 1;
        }
    }

    fn nodes(&mut self, nodes: &mut Vec<Node>) {
        let mut i = 0;
        while i < nodes.len() {
            let Node::El(e) = &mut nodes[i] else {
                i += 1;
                continue;
            };
            if let Some(level) = heading_level(e.name) {
                if !has_name(&e.children) {
                    // An empty heading names no part of the text.
                    let children = std::mem::take(&mut e.children);
                    nodes.splice(i..=i, children);
                    continue;
                }
                while self.headings.last().is_some_and(|&open| open >= level) {
                    self.headings.pop();
                }
                self.headings.push(level);
                e.name = HEADINGS[(self.headings.len()).min(5)];
                self.nodes(&mut e.children);
                i += 1;
                continue;
            }
            match e.name {
                "a" if e.attr("href").is_some() && !has_name(&e.children) => {
                    // A link with nothing to read out is no link: its content stays.
                    let children = std::mem::take(&mut e.children);
                    nodes.splice(i..=i, children);
                    continue;
                }
                "img" => self.picture(e, None),
                "figure" => self.figure(e),
                "table" => {
                    if !table(e) {
                        self.findings.headerless_tables += 1;
                    }
                    self.nodes(&mut e.children);
                }
                _ => self.nodes(&mut e.children),
            }
            i += 1;
        }
    }

    /// A picture: its alt if it has one; else the figure's caption names it; else it is
    /// decoration when the page said so (`alt=""`), and undescribed otherwise.
    fn picture(&mut self, img: &mut Element, caption: Option<&str>) {
        match img.attr("alt") {
            Some(a) if !a.trim().is_empty() => {}
            Some(_) if caption.is_none() => {
                img.set_attr("role", "presentation");
            }
            _ => match caption {
                Some(id) => {
                    // HTML lets a picture in a captioned figure go without an alt: the caption
                    // names it.
                    img.remove_attr("alt");
                    img.set_attr("aria-labelledby", id);
                }
                None => {
                    img.set_attr("alt", "");
                    self.findings.undescribed += 1;
                }
            },
        }
    }

    fn figure(&mut self, fig: &mut Element) {
        let has_caption = fig.children.iter().any(|c| {
            matches!(c, Node::El(fc) if fc.name == "figcaption" && !plain_text(&fc.children).is_empty())
        });
        let caption_id = if has_caption {
            let id = fig
                .children
                .iter()
                .find_map(|c| match c {
                    Node::El(fc) if fc.name == "figcaption" => fc.attr("id").map(str::to_owned),
                    _ => None,
                })
                .unwrap_or_else(|| self.new_id("caption"));
            for c in fig.children.iter_mut() {
                if let Node::El(fc) = c
                    && fc.name == "figcaption"
                {
                    fc.set_attr("id", id.clone());
                }
            }
            Some(id)
        } else {
            None
        };
        self.figure_children(&mut fig.children, caption_id.as_deref());
    }

    /// The content of a figure: its pictures may be named by its caption.
    fn figure_children(&mut self, nodes: &mut Vec<Node>, caption: Option<&str>) {
        let mut i = 0;
        while i < nodes.len() {
            if let Node::El(e) = &mut nodes[i] {
                match e.name {
                    "img" => self.picture(e, caption),
                    "figcaption" | "figure" => {
                        let mut one = vec![Node::El(std::mem::replace(e, Element::new("p")))];
                        self.nodes(&mut one);
                        let n = one.len();
                        nodes.splice(i..=i, one);
                        i += n;
                        continue;
                    }
                    "a" if e.attr("href").is_some() => {
                        // A link around a captioned picture is named by the picture, which the
                        // caption names; give the link no empty name.
                        let mut inner = std::mem::take(&mut e.children);
                        self.figure_children(&mut inner, caption);
                        let named = has_name(&inner) || (caption.is_some() && has_picture(&inner));
                        if named {
                            if let Node::El(e) = &mut nodes[i] {
                                e.children = inner;
                                if !has_name(&e.children)
                                    && let Some(id) = caption
                                {
                                    e.set_attr("aria-labelledby", id);
                                }
                            }
                        } else {
                            let n = inner.len();
                            nodes.splice(i..=i, inner);
                            i += n;
                            continue;
                        }
                    }
                    _ => {
                        let mut inner = std::mem::take(&mut e.children);
                        self.figure_children(&mut inner, caption);
                        if let Node::El(e) = &mut nodes[i] {
                            e.children = inner;
                        }
                    }
                }
            }
            i += 1;
        }
    }
}

/// The rows of a table, through its row groups.
fn rows(table: &mut Element) -> Vec<&mut Element> {
    let mut out = Vec::new();
    for c in table.children.iter_mut() {
        let Node::El(e) = c else { continue };
        match e.name {
            "tr" => out.push(e),
            "thead" | "tbody" | "tfoot" => {
                for r in e.children.iter_mut() {
                    if let Node::El(r) = r
                        && r.name == "tr"
                    {
                        out.push(r);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn cells(row: &mut Element) -> impl Iterator<Item = &mut Element> {
    row.children.iter_mut().filter_map(|c| match c {
        Node::El(e) if e.name == "td" || e.name == "th" => Some(e),
        _ => None,
    })
}

/// Is this cell's content wholly bold (a header written as `<td><b>…</b></td>`)?
fn is_bold_cell(cell: &Element) -> bool {
    let mut bold = false;
    for c in &cell.children {
        match c {
            Node::Text(t) if t.trim().is_empty() => {}
            Node::El(e) if matches!(e.name, "b" | "strong") && has_name(&e.children) => bold = true,
            _ => return false,
        }
    }
    bold
}

/// Header cells for a table: `td`s in its head become `th`; a first row all in bold becomes its
/// head; every `th` says what it heads (`scope`). A table of one row or one column lays text out
/// and holds no data: it says so (`role="presentation"`). False for a table of data left without
/// a header cell.
fn table(t: &mut Element) -> bool {
    let in_head: Vec<bool> = t
        .children
        .iter()
        .filter_map(|c| match c {
            Node::El(e) if e.name == "tr" => Some(vec![false]),
            Node::El(e) if matches!(e.name, "thead" | "tbody" | "tfoot") => Some(
                e.children
                    .iter()
                    .filter(|r| matches!(r, Node::El(r) if r.name == "tr"))
                    .map(|_| e.name == "thead")
                    .collect(),
            ),
            _ => None,
        })
        .flatten()
        .collect();
    let mut rows = rows(t);
    let widest = rows.iter_mut().map(|r| cells(r).count()).max().unwrap_or(0);
    let any_th = rows.iter_mut().any(|r| cells(r).any(|c| c.name == "th"));
    if !any_th && (rows.len() <= 1 || widest <= 1) {
        drop(rows);
        t.set_attr("role", "presentation");
        return true;
    }
    let bold_head = !any_th
        && rows.len() >= 2
        && !in_head.iter().any(|&h| h)
        && rows
            .first_mut()
            .is_some_and(|r| cells(r).all(|c| is_bold_cell(c)));
    for (ri, row) in rows.iter_mut().enumerate() {
        let head_row = in_head.get(ri).copied().unwrap_or(false) || (ri == 0 && bold_head);
        for (ci, cell) in cells(row).enumerate() {
            if head_row {
                cell.name = "th";
            }
            if cell.name == "th" && cell.attr("scope").is_none() {
                let scope = if head_row || ri == 0 || ci > 0 {
                    "col"
                } else {
                    "row"
                };
                cell.set_attr("scope", scope);
            }
        }
    }
    any_th || bold_head || in_head.iter().any(|&h| h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formatter::tree::write_nodes;

    fn parse(html: &str) -> Vec<Node> {
        let base = crate::model::Base::default();
        let mut s = crate::formatter::sanitize::Sanitizer::new(&base, 1000);
        crate::formatter::repair::repair(s.clean(html))
    }

    fn run(html: &str) -> (String, Findings) {
        let mut nodes = parse(html);
        alt_texts(&mut nodes);
        let f = finish(&mut nodes, "a1-");
        let mut out = String::new();
        write_nodes(&nodes, &mut out);
        (out, f)
    }

    #[test]
    fn alt_texts_that_pretend_are_no_alt_texts() {
        assert_eq!(read_alt(Some("P1610279.jpg")), Alt::Unknown);
        assert_eq!(read_alt(Some("IMG_4205")), Alt::Unknown);
        assert_eq!(read_alt(Some("46-1021221美樹露營.jpg")), Alt::Unknown);
        assert_eq!(read_alt(Some("Image for post")), Alt::Unknown);
        assert_eq!(read_alt(Some(" image ")), Alt::Unknown);
        assert_eq!(read_alt(Some("图片")), Alt::Unknown);
        assert_eq!(read_alt(Some("https://e.x/a.png")), Alt::Unknown);
        assert_eq!(read_alt(Some("<b></b>")), Alt::Unknown);
        assert_eq!(read_alt(Some("")), Alt::Decorative);
        assert_eq!(read_alt(None), Alt::Unknown);
        assert_eq!(
            read_alt(Some("Image: Lawmakers leave the chamber")),
            Alt::Text("Lawmakers leave the chamber".into())
        );
        assert_eq!(
            read_alt(Some("A <em>red</em> kite over the hill")),
            Alt::Text("A red kite over the hill".into())
        );
        // Numbers in prose, and a year, are words.
        assert_eq!(
            read_alt(Some("The 2019 flood at pier 4")),
            Alt::Text("The 2019 flood at pier 4".into())
        );
        assert_eq!(read_alt(Some("1969")), Alt::Text("1969".into()));
        assert_eq!(
            read_alt(Some("Chart of Q3 results. Sales.png is attached")),
            Alt::Text("Chart of Q3 results. Sales.png is attached".into())
        );
    }

    #[test]
    fn pictures_are_described_by_alt_or_caption_or_counted() {
        let (out, f) = run(
            "<p><img src='https://e.x/a.jpg' alt='A heron on one leg' title='a.jpg'></p>\
             <figure><img src='https://e.x/b.jpg' alt='IMG_0042.JPG'><figcaption>The quay at dawn</figcaption></figure>\
             <p><img src='https://e.x/c.jpg' alt=''></p>\
             <p><img src='https://e.x/d.jpg'></p>\
             <figure><img src='https://e.x/e.jpg' alt=''><figcaption>Ferries</figcaption></figure>",
        );
        assert!(out.contains("alt=\"A heron on one leg\""), "{out}");
        assert!(!out.contains("title="), "a file name as title goes: {out}");
        assert!(
            out.contains("<img src=\"https://e.x/b.jpg\" aria-labelledby=\"a1-caption-"),
            "{out}"
        );
        assert!(out.contains("<figcaption id=\"a1-caption-"), "{out}");
        assert!(
            out.contains("<img src=\"https://e.x/c.jpg\" alt=\"\" role=\"presentation\"/>"),
            "{out}"
        );
        assert!(
            out.contains("<img src=\"https://e.x/d.jpg\" alt=\"\"/>"),
            "{out}"
        );
        assert_eq!(f.undescribed, 1, "only d.jpg says nothing");
        // Every picture ends with an alt or a name from the caption.
        assert_eq!(
            out.matches("<img").count(),
            out.matches(" alt=\"").count() + out.matches("aria-labelledby").count()
        );
    }

    #[test]
    fn headings_follow_the_title_without_skipping() {
        let (out, _) = run(
            "<h3>Start</h3><p>x</p><h5>Deep</h5><p>y</p><h4>Middle</h4><h2>Top</h2><h6>Tail</h6><h4></h4><p>z</p>",
        );
        let levels: Vec<&str> = out
            .match_indices("<h")
            .map(|(i, _)| &out[i + 1..i + 3])
            .collect();
        assert_eq!(levels, ["h2", "h3", "h3", "h2", "h3"], "{out}");
        assert!(out.contains("<h2>Start</h2>"), "{out}");
        assert!(out.contains("<h3>Deep</h3>"), "{out}");
    }

    #[test]
    fn links_without_a_name_are_unwrapped() {
        let (out, _) = run(
            "<p>See <a href='https://e.x/'></a> the <a href='https://e.x/b'>report</a>\
             <a href='https://e.x/c'><img src='https://e.x/c.jpg' alt='Chart of sales'></a>\
             <a href='https://e.x/d'><img src='https://e.x/d.jpg' alt=''></a></p>",
        );
        assert_eq!(out.matches("<a ").count(), 2, "{out}");
        assert!(
            out.contains("<a href=\"https://e.x/b\">report</a>"),
            "{out}"
        );
        assert!(out.contains("<img src=\"https://e.x/d.jpg\""), "{out}");
    }

    #[test]
    fn tables_get_header_cells_and_layout_tables_say_so() {
        let (out, f) = run(
            "<table><tr><td><b>City</b></td><td><strong>People</strong></td></tr>\
             <tr><td>Oslo</td><td>700,000</td></tr></table>\
             <table><thead><tr><td>Year</td><td>Rain</td></tr></thead><tbody><tr><td>2020</td><td>800</td></tr></tbody></table>\
             <table><tr><th>Name</th><th>Age</th></tr><tr><th>Ann</th><td>4</td></tr></table>\
             <table><tr><td>Only one column</td></tr><tr><td>for layout</td></tr></table>\
             <table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>",
        );
        assert!(
            out.contains("<th scope=\"col\"><b>City</b></th><th scope=\"col\">"),
            "{out}"
        );
        assert!(out.contains("<th scope=\"col\">Year</th>"), "{out}");
        assert!(out.contains("<th scope=\"row\">Ann</th>"), "{out}");
        assert!(out.contains("<table role=\"presentation\">"), "{out}");
        assert_eq!(out.matches("role=\"presentation\"").count(), 1, "{out}");
        assert!(
            out.contains("<td>a</td>"),
            "a data table without headers keeps its cells: {out}"
        );
        assert_eq!(f.headerless_tables, 1);
    }
}

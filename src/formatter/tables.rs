//! Tables wider than a reader's screen. A table is set for the narrowest screen inkquire makes
//! books for (a 6-inch reader: about 570 CSS pixels, 160 to the inch): one with more columns
//! than fit there is reflowed, each row a block of "header: value" lines, and one that nearly
//! fits is set in a smaller type. The reflow leaves the table's words as they are: each cell
//! names its column in a `data-label` attribute that the stylesheet shows before it
//! (`td[data-label]::before { content: attr(data-label) }`), and the header row stays in the
//! markup for readers that read tables aloud.

use super::tree::{Element, Node, text_of};

/// Columns that fit the narrowest screen: beyond this a table is reflowed.
pub const FITTING_COLUMNS: usize = 5;

/// The longest column label shown before each value (characters); a longer header is cut.
const LABEL: usize = 40;

/// Mark the wide tables in `nodes` for reflow and the nearly wide ones for a smaller type.
pub fn fit(nodes: &mut [Node]) {
    for n in nodes {
        if let Node::El(e) = n {
            if e.name == "table" {
                fit_table(e);
            } else {
                fit(&mut e.children);
            }
        }
    }
}

fn fit_table(table: &mut Element) {
    let mut rows: Vec<&mut Element> = Vec::new();
    collect_rows(&mut table.children, &mut rows);
    let columns = rows.iter().map(|r| width_of(r)).max().unwrap_or(0);
    if columns < FITTING_COLUMNS {
        return;
    }
    if columns == FITTING_COLUMNS {
        add_class(table, "snug");
        return;
    }
    // The labels: the first row whose cells are all headers.
    let labels: Option<Vec<String>> = rows.iter().find_map(|r| {
        let cells = cells(r);
        (!cells.is_empty() && cells.iter().all(|c| c.name == "th")).then(|| {
            cells
                .iter()
                .flat_map(|c| {
                    let mut t = String::new();
                    text_of(&c.children, &mut t);
                    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                    let t: String = t.chars().take(LABEL).collect();
                    std::iter::repeat_n(t, span(c))
                })
                .collect()
        })
    });
    for row in rows.iter_mut() {
        let all_headers = {
            let c = cells(row);
            !c.is_empty() && c.iter().all(|c| c.name == "th")
        };
        if all_headers && labels.is_some() {
            add_class(row, "labels");
            continue;
        }
        let Some(labels) = &labels else { continue };
        let mut col = 0;
        for cell in row.children.iter_mut() {
            if let Node::El(c) = cell
                && matches!(c.name, "td" | "th")
            {
                if let Some(l) = labels.get(col).filter(|l| !l.is_empty()) {
                    c.set_attr("data-label", l.clone());
                }
                col += span(c);
            }
        }
    }
    add_class(table, "reflow");
}

fn collect_rows<'a>(nodes: &'a mut [Node], out: &mut Vec<&'a mut Element>) {
    for n in nodes {
        if let Node::El(e) = n {
            match e.name {
                "tr" => out.push(e),
                "thead" | "tbody" | "tfoot" => collect_rows(&mut e.children, out),
                _ => {}
            }
        }
    }
}

fn cells(row: &Element) -> Vec<&Element> {
    row.children
        .iter()
        .filter_map(|n| match n {
            Node::El(c) if matches!(c.name, "td" | "th") => Some(c),
            _ => None,
        })
        .collect()
}

fn span(c: &Element) -> usize {
    c.attr("colspan")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 50)
}

fn width_of(row: &Element) -> usize {
    cells(row).iter().map(|c| span(c)).sum()
}

fn add_class(e: &mut Element, class: &str) {
    let joined = match e.attr("class") {
        Some(c) if !c.split_whitespace().any(|x| x == class) => format!("{c} {class}"),
        Some(c) => c.to_owned(),
        None => class.to_owned(),
    };
    e.set_attr("class", joined);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(name: &'static str, text: &str) -> Node {
        Node::El(Element {
            name,
            attrs: vec![],
            children: vec![Node::Text(text.into())],
        })
    }

    fn table(columns: usize) -> Node {
        let row = |name: &'static str, prefix: &str| {
            Node::El(Element {
                name: "tr",
                attrs: vec![],
                children: (0..columns)
                    .map(|i| cell(name, &format!("{prefix} {i}")))
                    .collect(),
            })
        };
        Node::El(Element {
            name: "table",
            attrs: vec![],
            children: vec![Node::El(Element {
                name: "tbody",
                attrs: vec![],
                children: vec![row("th", "Head"), row("td", "Value"), row("td", "Other")],
            })],
        })
    }

    fn el(n: &Node) -> &Element {
        match n {
            Node::El(e) => e,
            Node::Text(_) => panic!("text"),
        }
    }

    #[test]
    fn a_wide_table_is_reflowed_with_its_labels_a_near_one_set_snug_a_narrow_one_left() {
        let mut nodes = vec![table(8), table(5), table(3)];
        fit(&mut nodes);
        assert_eq!(el(&nodes[0]).attr("class"), Some("reflow"));
        assert_eq!(el(&nodes[1]).attr("class"), Some("snug"));
        assert_eq!(el(&nodes[2]).attr("class"), None);
        let tbody = el(&el(&nodes[0]).children[0]);
        assert_eq!(el(&tbody.children[0]).attr("class"), Some("labels"));
        let value_row = el(&tbody.children[1]);
        let labels: Vec<&str> = value_row
            .children
            .iter()
            .map(|c| el(c).attr("data-label").unwrap())
            .collect();
        assert_eq!(labels[0], "Head 0");
        assert_eq!(labels[7], "Head 7");
        // The words stay as they were.
        let mut t = String::new();
        text_of(&value_row.children, &mut t);
        assert!(t.contains("Value 7"));
    }
}

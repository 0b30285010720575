//! The size budget (`max-size`): the steps a build takes to fit its book under it, and leaving
//! out a picture.
//!
//! First the pictures are made again smaller and at a lower JPEG quality, step by step; if the
//! book is still over, the largest pictures are left out one at a time.

use crate::model::Issue;

/// Each step down: a fraction of the screen size and a JPEG quality (0: the build's own).
pub fn steps(max_size: Option<u64>) -> &'static [(f64, u8)] {
    match max_size {
        None => &[(1.0, 0)],
        Some(_) => &[
            (1.0, 0),
            (1.0, 65),
            (0.8, 55),
            (0.6, 45),
            (0.45, 35),
            (0.3, 30),
        ],
    }
}

/// The settings of one step: the screen scaled (never below 64 pixels) and the quality lowered
/// (never raised over the build's own).
pub fn scaled(
    base: crate::imaging::Settings,
    (scale, quality): (f64, u8),
) -> crate::imaging::Settings {
    crate::imaging::Settings {
        max_width: ((f64::from(base.max_width) * scale) as u32).max(64),
        max_height: ((f64::from(base.max_height) * scale) as u32).max(64),
        quality: if quality == 0 {
            base.quality
        } else {
            quality.min(base.quality)
        },
        ..base
    }
}

/// The href of the largest picture in the issue.
pub fn largest_image(issue: &Issue) -> Option<String> {
    issue
        .articles()
        .flat_map(|a| a.assets.iter())
        .max_by_key(|a| (a.data.len(), a.href.clone()))
        .map(|a| a.href.clone())
}

/// Take a picture out of every article that shows it: each `<img>` element whose `src` is
/// `href`, found by parsing the article's XHTML, and its asset.
pub fn drop_image(issue: &mut Issue, href: &str) {
    for a in issue
        .sections
        .iter_mut()
        .flat_map(|s| s.articles.iter_mut())
    {
        a.assets.retain(|x| x.href != href);
        if let Some(without) = without_images(&a.xhtml, href) {
            a.xhtml = without;
        }
    }
}

/// The spans of the `<img src="href">` elements of an XHTML fragment, by parsing it.
fn image_spans(xhtml: &str, href: &str) -> Vec<std::ops::Range<usize>> {
    const OPEN: &str = "<r>";
    let doc = format!("{OPEN}{xhtml}</r>");
    let Ok(tree) = roxmltree::Document::parse(&doc) else {
        // The formatter writes well-formed XHTML (its audit checks it); a fragment that is not
        // keeps its pictures rather than being cut blind.
        return Vec::new();
    };
    tree.descendants()
        .filter(|n| n.has_tag_name("img") && n.attribute("src") == Some(href))
        .map(|n| {
            let r = n.range();
            r.start - OPEN.len()..r.end - OPEN.len()
        })
        .collect()
}

/// The fragment without its `<img src="href">` elements, or `None` when it has none.
fn without_images(xhtml: &str, href: &str) -> Option<String> {
    let spans = image_spans(xhtml, href);
    if spans.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(xhtml.len());
    let mut at = 0;
    for r in spans {
        out.push_str(&xhtml[at..r.start]);
        at = r.end;
    }
    out.push_str(&xhtml[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_is_taken_out_as_an_element_wherever_its_attributes_are() {
        let x = "<header class=\"article-header\"><h1>A &amp; B</h1></header>\n<div class=\"article-body\">\
                 <figure><img alt=\"src=&quot;images/a.jpg&quot;\" src=\"images/a.jpg\"/><figcaption>A</figcaption></figure>\
                 <p>Text <img src=\"images/b.png\" alt=\"\"/> and <img src=\"images/a.jpg\" alt=\"again\"/>.</p></div>\n";
        let out = without_images(x, "images/a.jpg").unwrap();
        assert!(!out.contains("images/a.jpg\""), "{out}");
        assert!(out.contains("<img src=\"images/b.png\" alt=\"\"/>"));
        assert!(out.contains("<figcaption>A</figcaption>"));
        assert!(
            out.contains("<p>Text <img src=\"images/b.png\" alt=\"\"/> and .</p>"),
            "{out}"
        );
        assert_eq!(without_images(x, "images/c.gif"), None);
        // The text that merely mentions the name is left alone.
        let y = "<p>See &lt;img src=\"images/a.jpg\"/&gt;</p>";
        assert_eq!(without_images(y, "images/a.jpg"), None);
    }

    #[test]
    fn steps_never_raise_the_quality_or_shrink_below_64_pixels() {
        let base = crate::imaging::Settings {
            max_width: 100,
            max_height: 200,
            gray: true,
            quality: 50,
        };
        let s = scaled(base, (0.3, 65));
        assert_eq!((s.max_width, s.max_height, s.quality), (64, 64, 50));
        assert_eq!(steps(None).len(), 1);
        assert!(steps(Some(1)).len() > 1);
    }
}

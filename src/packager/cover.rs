//! The generated cover: a newspaper front page drawn as a grayscale PNG (on e-ink in the panel's
//! 16 levels, 4 bits a pixel).
//!
//! The masthead (the title), a date line with the issue number, and the top headlines,
//! drawn with the bundled DejaVu Serif (Bitstream Vera licence; covers Latin, Greek, Cyrillic,
//! Armenian, Georgian and more). Headlines in scripts the font lacks (CJK, Arabic…) are left off
//! the cover rather than drawn as empty boxes. Drawing uses no randomness, so the bytes are the
//! same for the same issue.

use std::io::Cursor;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::{GrayImage, ImageFormat, Luma};

use crate::imaging::{SERIF as REGULAR, SERIF_BOLD as BOLD};

/// The layout is designed at this width and scaled to the profile's screen.
const BASE_WIDTH: f32 = 1072.0;

/// What the cover shows, and its size in pixels.
pub struct CoverText<'a> {
    pub title: &'a str,
    pub date_line: &'a str,
    pub headlines: Vec<&'a str>,
    pub width: u32,
    pub height: u32,
    /// For an e-ink screen: 16 gray levels, 4 bits a pixel (~40% fewer bytes than 8).
    pub eink: bool,
}

/// Draw the cover and return it as PNG bytes.
pub fn render(text: &CoverText) -> Vec<u8> {
    let bold = FontRef::try_from_slice(BOLD).expect("bundled font parses");
    let regular = FontRef::try_from_slice(REGULAR).expect("bundled font parses");
    let mut img = GrayImage::from_pixel(text.width, text.height, Luma([255]));
    let k = text.width as f32 / BASE_WIDTH;
    let margin = 72.0 * k;
    let width = text.width as f32 - 2.0 * margin;

    // Masthead: as large as fits on at most two lines.
    let mut y = 110.0 * k;
    let title = if covered(&bold, text.title) {
        text.title
    } else {
        "inkquire"
    };
    let mut size = 150.0 * k;
    let lines = loop {
        let lines = wrap(&bold, size, title, width);
        if (lines.len() <= 2 && lines.iter().all(|l| measure(&bold, size, l) <= width))
            || size <= 48.0 * k
        {
            break lines;
        }
        size -= 6.0 * k;
    };
    for line in &lines {
        y += size * 0.9;
        draw_centered(&mut img, &bold, size, line, y);
        y += size * 0.25;
    }
    y += 24.0 * k;
    rule(&mut img, margin, width, y, 8.0 * k);
    y += 64.0 * k;
    draw_centered(&mut img, &regular, 40.0 * k, text.date_line, y);
    y += 28.0 * k;
    rule(&mut img, margin, width, y, 3.0 * k);
    y += 40.0 * k;

    // Headlines, largest first, while they fit.
    let bottom = text.height as f32 - margin;
    for (i, h) in text
        .headlines
        .iter()
        .filter(|h| covered(&bold, h))
        .enumerate()
    {
        let size = if i == 0 { 64.0 } else { 46.0 } * k;
        let lines = fit_lines(&bold, size, h, width, 3);
        let needed = lines.len() as f32 * size * 1.2 + 40.0 * k;
        if y + needed > bottom {
            break;
        }
        y += 20.0 * k;
        for line in lines {
            y += size * 1.15;
            draw_left(&mut img, &bold, size, &line, margin, y);
        }
        y += 26.0 * k;
        rule(&mut img, margin, width, y, 1.5 * k);
    }

    if text.eink {
        return crate::imaging::gray16_png(&img).expect("a cover has pixels");
    }
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .expect("PNG encoding into memory cannot fail");
    out
}

/// Does the font have a glyph for every visible character?
fn covered(font: &FontRef, s: &str) -> bool {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .all(|c| font.glyph_id(c).0 != 0)
}

fn measure(font: &FontRef, size: f32, s: &str) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut w = 0.0;
    let mut prev = None;
    for c in s.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            w += scaled.kern(p, id);
        }
        w += scaled.h_advance(id);
        prev = Some(id);
    }
    w
}

/// Greedy word wrap; a single word wider than the line is cut with an ellipsis.
fn wrap(font: &FontRef, size: f32, s: &str, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let candidate = if cur.is_empty() {
            word.to_owned()
        } else {
            format!("{cur} {word}")
        };
        if measure(font, size, &candidate) <= width || cur.is_empty() {
            cur = candidate;
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_owned();
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    for line in lines.iter_mut() {
        while measure(font, size, line) > width && line.chars().count() > 1 {
            line.pop();
            line.pop();
            line.push('…');
        }
    }
    lines
}

/// `s` wrapped into at most `max` lines; a headline that needs more is shortened at a word and
/// ends with an ellipsis, never cut mid-phrase without one.
fn fit_lines(font: &FontRef, size: f32, s: &str, width: f32, max: usize) -> Vec<String> {
    let mut lines = wrap(font, size, s, width);
    if lines.len() <= max {
        return lines;
    }
    lines.truncate(max);
    if let Some(last) = lines.last_mut() {
        loop {
            let kept = last.trim_end_matches(|c: char| {
                c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–' | '—' | '…')
            });
            let candidate = format!("{kept}…");
            match kept.rfind(' ') {
                Some(cut) if measure(font, size, &candidate) > width => last.truncate(cut),
                _ => {
                    *last = candidate;
                    break;
                }
            }
        }
    }
    lines
}

fn draw_centered(img: &mut GrayImage, font: &FontRef, size: f32, s: &str, baseline: f32) {
    let x = (img.width() as f32 - measure(font, size, s)) / 2.0;
    draw_left(img, font, size, s, x.max(0.0), baseline);
}

fn draw_left(img: &mut GrayImage, font: &FontRef, size: f32, s: &str, x0: f32, baseline: f32) {
    let scale = PxScale::from(size);
    let scaled = font.as_scaled(scale);
    let mut x = x0;
    let mut prev = None;
    for c in s.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            x += scaled.kern(p, id);
        }
        let glyph = id.with_scale_and_position(scale, point(x, baseline));
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|gx, gy, cov| {
                let px = b.min.x as i32 + gx as i32;
                let py = b.min.y as i32 + gy as i32;
                if px >= 0 && py >= 0 && (px as u32) < img.width() && (py as u32) < img.height() {
                    let p = img.get_pixel_mut(px as u32, py as u32);
                    let ink = (cov.clamp(0.0, 1.0) * 255.0) as u8;
                    p.0[0] = p.0[0].min(255 - ink);
                }
            });
        }
        x += scaled.h_advance(id);
        prev = Some(id);
    }
}

fn rule(img: &mut GrayImage, x: f32, width: f32, y: f32, thickness: f32) {
    let (x0, x1) = (x as u32, (x + width) as u32);
    let (y0, y1) = (y as u32, (y + thickness).ceil() as u32);
    for py in y0..y1.min(img.height()) {
        for px in x0..x1.min(img.width()) {
            img.put_pixel(px, py, Luma([0]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A headline longer than three lines ends at a word with an ellipsis, every line fits,
    /// and nothing but whole words of the headline is shown.
    #[test]
    fn a_long_headline_is_shortened_at_a_word_with_an_ellipsis() {
        let bold = FontRef::try_from_slice(BOLD).expect("font");
        let h = "Lawmakers walk out of the chamber as the budget vote collapses after a \
                 night of talks that went nowhere and a morning of recriminations";
        let lines = super::fit_lines(&bold, 46.0, h, 500.0, 3);
        assert_eq!(lines.len(), 3, "{lines:?}");
        let last = lines.last().unwrap();
        assert!(last.ends_with('…'), "{lines:?}");
        for l in &lines {
            assert!(super::measure(&bold, 46.0, l) <= 500.0, "{l:?} is too wide");
        }
        let shown = lines.join(" ");
        let shown = shown.trim_end_matches('…');
        assert!(h.starts_with(shown), "{shown:?}");
        assert!(
            h[shown.len()..].starts_with(' '),
            "cut at a word boundary: {shown:?}"
        );
        // A headline that fits is left whole.
        let short = super::fit_lines(&bold, 46.0, "Harbour reopens", 500.0, 3);
        assert_eq!(short, ["Harbour reopens"]);
    }

    #[test]
    fn cover_is_a_png_of_screen_size_with_ink() {
        let png = render(&CoverText {
            title: "Morning Digest",
            date_line: "Friday 27 November 2026 · No. 3",
            headlines: vec![
                "A headline that is long enough to wrap onto a second line of the cover",
                "宇航员",
                "Second",
            ],
            width: 1072,
            height: 1448,
            eink: true,
        });
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        assert_eq!(img.dimensions(), (1072, 1448));
        let dark = img.pixels().filter(|p| p.0[0] < 128).count();
        assert!(dark > 10_000, "too little ink: {dark}");
        assert_eq!(
            png,
            render(&CoverText {
                title: "Morning Digest",
                date_line: "Friday 27 November 2026 · No. 3",
                headlines: vec![
                    "A headline that is long enough to wrap onto a second line of the cover",
                    "宇航员",
                    "Second"
                ],
                width: 1072,
                height: 1448,
                eink: true,
            })
        );
        // E-ink: a 4-bit grayscale PNG (IHDR: depth 4, colour type 0) of the panel's 16 levels.
        assert_eq!((png[24], png[25]), (4, 0));
        assert!(img.pixels().all(|p| p.0[0] % 17 == 0));
        // A colour screen keeps 8 bits, and the same drawing within half a level.
        let cover = |eink: bool| {
            render(&CoverText {
                title: "Morning Digest",
                date_line: "Friday 27 November 2026 · No. 3",
                headlines: vec!["Second"],
                width: 1072,
                height: 1448,
                eink,
            })
        };
        let tablet = cover(false);
        assert_eq!((tablet[24], tablet[25]), (8, 0));
        let smooth = image::load_from_memory(&tablet).unwrap().to_luma8();
        let eink = image::load_from_memory(&cover(true)).unwrap().to_luma8();
        assert!(smooth.pixels().any(|p| p.0[0] % 17 != 0), "8 bits used");
        for (a, b) in smooth.pixels().zip(eink.pixels()) {
            assert!(
                a.0[0].abs_diff(b.0[0]) <= 8,
                "{} against {}",
                a.0[0],
                b.0[0]
            );
        }
    }
}

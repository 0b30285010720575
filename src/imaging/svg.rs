//! SVG pictures (diagrams, maps, formulas) drawn as pixels, safely: resvg draws them with the
//! bundled DejaVu fonts for any text, and nothing an SVG refers to outside itself is loaded —
//! no files, no addresses, no embedded pictures. The result is a PNG on white that then goes
//! through [`super::prepare`] like any picture (gray and 16 levels on e-ink).

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::limits::{MAX_PIXELS, Refused, refuse};

use super::fonts::{SERIF, SERIF_BOLD};

/// Largest SVG source accepted (a diagram is rarely over a few hundred kB).
const MAX_SOURCE: usize = 8 * 1024 * 1024;

/// Does `bytes` look like an SVG document (a `<svg` element near the top)?
pub fn is_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(2048)];
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    (t.starts_with("<svg")
        || t.starts_with("<?xml")
        || t.starts_with("<!--")
        || t.starts_with("<!DOCTYPE svg"))
        && t.contains("<svg")
}

/// The fonts SVG text is drawn with: DejaVu Serif for every family.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(SERIF.to_vec());
        db.load_font_data(SERIF_BOLD.to_vec());
        for set in [
            usvg::fontdb::Database::set_serif_family,
            usvg::fontdb::Database::set_sans_serif_family,
            usvg::fontdb::Database::set_monospace_family,
            usvg::fontdb::Database::set_cursive_family,
            usvg::fontdb::Database::set_fantasy_family,
        ] {
            set(&mut db, "DejaVu Serif");
        }
        Arc::new(db)
    })
    .clone()
}

/// Draw the SVG `bytes` as a PNG (RGB on white) no larger than `max_w`×`max_h`: a small picture
/// (a formula) at several times its size, so it stays sharp when shown at the reader's font
/// size; a large one fitted to the screen. Also its own height in ems (at a 12-pixel font, as
/// `ex` and `em` units in it are read).
pub fn rasterize(bytes: &[u8], max_w: u32, max_h: u32) -> Result<(Vec<u8>, f32), Refused> {
    if bytes.len() > MAX_SOURCE {
        return Err(refuse("too large", "an SVG over 8 MB"));
    }
    let mut opt = usvg::Options {
        font_family: "DejaVu Serif".to_owned(),
        resources_dir: None,
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    // Nothing outside the SVG: no files, no addresses, no embedded pictures.
    opt.image_href_resolver = usvg::ImageHrefResolver {
        resolve_data: Box::new(|_, _, _| None),
        resolve_string: Box::new(|_, _| None),
    };
    let tree = usvg::Tree::from_data(bytes, &opt)
        .map_err(|e| refuse("undecodable", format!("SVG: {e}")))?;
    let size = tree.size();
    let (w, h) = (size.width(), size.height());
    if !(w.is_finite() && h.is_finite()) || w < 0.5 || h < 0.5 {
        return Err(refuse("undecodable", "an SVG with no size"));
    }
    let longest = w.max(h);
    let scale = (256.0 / longest)
        .clamp(2.0, 8.0)
        .min(max_w as f32 / w)
        .min(max_h as f32 / h);
    let (pw, ph) = (
        ((w * scale).round() as u32).max(1),
        ((h * scale).round() as u32).max(1),
    );
    if u64::from(pw) * u64::from(ph) > MAX_PIXELS {
        return Err(refuse("too large", format!("{pw}×{ph} is too large")));
    }
    let mut pixmap = tiny_skia::Pixmap::new(pw, ph)
        .ok_or_else(|| refuse("undecodable", "an SVG with no size"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(pw as f32 / w, ph as f32 / h),
        &mut pixmap.as_mut(),
    );
    // On white, every pixel is opaque: premultiplied RGBA is plain RGB.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let img = image::RgbImage::from_raw(pw, ph, rgb)
        .ok_or_else(|| refuse("undecodable", "SVG pixels"))?;
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(|e| refuse("undecodable", e.to_string()))?;
    Ok((out, h / opt.font_size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svgs_are_drawn_and_nothing_outside_is_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret.png");
        std::fs::write(&secret, b"not even a png").unwrap();
        let svg = format!(
            r#"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">
<rect x="0" y="0" width="20" height="20" fill="black"/>
<text x="22" y="15" font-family="Helvetica" font-size="12">A</text>
<image href="{}" width="10" height="10"/>
<image xlink:href="http://127.0.0.1:9/x.png" width="10" height="10"/>
</svg>"#,
            secret.display()
        );
        assert!(is_svg(svg.as_bytes()));
        assert!(!is_svg(b"<html><body>no</body></html>"));
        let (png, em) = rasterize(svg.as_bytes(), 1000, 1000).unwrap();
        assert!((em - 20.0 / 12.0).abs() < 0.01, "{em}");
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        // A small picture is drawn larger (here 256 / 40 = 6.4 times), black square at left.
        assert_eq!(img.dimensions(), (256, 128));
        assert!(img.get_pixel(10, 64).0[0] < 20, "the square");
        assert!(img.get_pixel(250, 5).0[0] > 240, "white paper");
        // The text is drawn, in the bundled font: ink right of the square.
        let ink = (140..256)
            .flat_map(|x| (0..128).map(move |y| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0[0] < 128)
            .count();
        assert!(ink > 50, "text drawn: {ink} dark pixels");
        // Fitted to a small screen.
        let (png, _) = rasterize(svg.as_bytes(), 100, 100).unwrap();
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), (100, 50));
        assert!(rasterize(b"<svg", 100, 100).is_err());
    }
}

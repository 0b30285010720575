//! Making one picture right for the reader's screen.
//!
//! [`prepare`] checks the header first (format, size: a file that declares 100000×100000 is
//! refused before a byte of it is decoded), drops tracking pixels, decodes with memory limits and
//! with a decoder panic contained (WebP with libwebp, which shrinks while it decodes, so a 4096²
//! photo never exists at full size), takes the first frame of animations, shrinks to fit the
//! profile's screen with Lanczos3 (never enlarging), makes e-ink images grayscale with 16 levels
//! and a gamma that lifts mid-tones (e-ink renders them dark), and encodes photos as baseline JPEG
//! and line art or transparency as PNG (on e-ink in 4 bits a pixel: 16 levels is all the panel
//! shows). WebP and other formats never reach the book. An image that needs none of this is kept
//! byte for byte: one that fits the screen and is already right for it (a gray JPEG on e-ink, or
//! a gray PNG that 4 bits would not make smaller; a JPEG or PNG on a colour screen).

use std::io::Cursor;

use fast_image_resize as fr;
use image::{DynamicImage, GrayImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// How images are made for one issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Settings {
    pub max_width: u32,
    pub max_height: u32,
    /// Grayscale, 16 levels.
    pub gray: bool,
    /// JPEG quality, 1–100.
    pub quality: u8,
}

impl Default for Settings {
    fn default() -> Self {
        let p = crate::profiles::Profile::default();
        Settings {
            max_width: p.width,
            max_height: p.height,
            gray: p.gray,
            quality: 80,
        }
    }
}

use limits::refuse;
pub use limits::{MAX_PIXELS, MAX_SIDE, Refused};

/// A picture ready for the book.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub data: Vec<u8>,
    /// `jpg` or `png`.
    pub ext: &'static str,
    pub media_type: &'static str,
    pub width: u32,
    pub height: u32,
    /// Re-encoded (format, colour or quality changed).
    pub converted: bool,
    /// Made smaller to fit the screen.
    pub resized: bool,
    /// An SVG's own height in ems (its size at a 12-pixel font): how tall a formula is shown.
    pub em_height: Option<f32>,
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(512 * 1024 * 1024);
    l
}

mod fonts;
mod limits;
mod svg;

pub use fonts::{SERIF, SERIF_BOLD};

/// Prepare `bytes` for the book under `s`.
pub fn prepare(bytes: &[u8], s: &Settings) -> Result<Prepared, Refused> {
    if image::guess_format(bytes).is_err() && svg::is_svg(bytes) {
        // Drawn as pixels first, then made ready like any picture.
        let (png, em_height) = svg::rasterize(bytes, s.max_width, s.max_height)?;
        let mut p = prepare(&png, s)?;
        p.converted = true;
        p.em_height = Some(em_height);
        return Ok(p);
    }
    let format = image::guess_format(bytes).map_err(|_| {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).to_ascii_lowercase();
        if head.contains("<html") || head.contains("<!doctype") {
            refuse("not an image", "an HTML page, not a picture")
        } else {
            refuse("not an image", "not a picture format inkquire reads")
        }
    })?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP
    ) {
        return Err(refuse(
            "not an image",
            format!("{format:?} pictures are not supported"),
        ));
    }
    // The header alone: size and colour, before any pixel is decoded.
    let (w, h, has_alpha, is_gray) = {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        reader.no_limits();
        let decoder = reader
            .into_decoder()
            .map_err(|e| refuse("undecodable", e.to_string()))?;
        let (w, h) = decoder.dimensions();
        let ct = decoder.color_type();
        (w, h, ct.has_alpha(), !ct.has_color())
    };
    if let Some(why) = truncated(bytes, format) {
        return Err(refuse("undecodable", why));
    }
    if w.max(h) > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(refuse(
            "too large",
            format!("{w}×{h} is too large to decode safely"),
        ));
    }
    if w <= 2 && h <= 2 {
        return Err(refuse("tracker", format!("a {w}×{h} tracking pixel")));
    }
    let scale = (f64::from(s.max_width) / f64::from(w))
        .min(f64::from(s.max_height) / f64::from(h))
        .min(1.0);
    let fits = scale >= 1.0;
    let keep_as_is = fits
        && match format {
            // A gray JPEG is kept on e-ink: its levels are reduced by the panel, and encoding
            // it again would only add loss.
            ImageFormat::Jpeg => !s.gray || is_gray,
            // A PNG is not (lossless either way): in 16 levels and 4 bits a pixel it is mostly a
            // half to a fifth of the bytes (a gray one comes back as it was if it is not smaller).
            ImageFormat::Png => !s.gray,
            // GIFs are converted even when they fit: an animation becomes its first frame.
            _ => false,
        };
    let as_it_was = || {
        let (ext, media_type) = match format {
            ImageFormat::Jpeg => ("jpg", "image/jpeg"),
            _ => ("png", "image/png"),
        };
        Prepared {
            data: bytes.to_vec(),
            ext,
            media_type,
            width: w,
            height: h,
            converted: false,
            resized: false,
            em_height: None,
        }
    };
    if keep_as_is {
        // Still decode once: a truncated or corrupt file must not reach the book.
        decode(bytes, format)?;
        return Ok(as_it_was());
    }
    // A gray PNG that fits an e-ink screen, kept if converting it would not make it smaller.
    let gray_png_that_fits = fits && format == ImageFormat::Png && is_gray && !has_alpha;

    let (nw, nh) = if fits {
        (w, h)
    } else {
        (
            ((f64::from(w) * scale).round() as u32).max(1),
            ((f64::from(h) * scale).round() as u32).max(1),
        )
    };
    // WebP through libwebp, which shrinks while it decodes (the full-size picture never exists);
    // what libwebp cannot read (animations) goes to the `image` decoder, first frame.
    let img = match format {
        ImageFormat::WebP => match decode_webp(bytes, (!fits).then_some((nw, nh))) {
            Ok(img) => img,
            Err(_) => decode(bytes, format)?,
        },
        _ => decode(bytes, format)?,
    };
    let line_art =
        matches!(format, ImageFormat::Png | ImageFormat::Gif) && (has_alpha || few_colours(&img));
    let img = if has_alpha { flatten(&img) } else { img };
    let img = if s.gray {
        DynamicImage::ImageLuma8(luma(img))
    } else {
        DynamicImage::ImageRgb8(img.to_rgb8())
    };
    let img = if (img.width(), img.height()) == (nw, nh) {
        img
    } else {
        resize(&img, nw, nh)?
    };
    // Line art is cut to the panel's 16 levels (crisp, and 4 bits a pixel); a photo keeps its
    // 256 levels and the panel's own dithering shows them: cut to 16 it bands (ARCHITECTURE.md).
    let img = if s.gray && line_art {
        DynamicImage::ImageLuma8(eink_levels(img.into_luma8()))
    } else if s.gray {
        DynamicImage::ImageLuma8(eink_gamma(img.into_luma8()))
    } else {
        img
    };
    let mut data = Vec::new();
    let (ext, media_type) = if line_art {
        match &img {
            DynamicImage::ImageLuma8(g) if s.gray => {
                data = gray16_png(g).map_err(|e| refuse("undecodable", e.to_string()))?;
                if gray_png_that_fits && data.len() >= bytes.len() {
                    return Ok(as_it_was());
                }
            }
            _ => img
                .write_to(&mut Cursor::new(&mut data), ImageFormat::Png)
                .map_err(|e| refuse("undecodable", e.to_string()))?,
        }
        ("png", "image/png")
    } else {
        data = encode_jpeg(&img, s.quality)?;
        ("jpg", "image/jpeg")
    };
    Ok(Prepared {
        data,
        ext,
        media_type,
        width: nw,
        height: nh,
        converted: true,
        resized: !fits,
        em_height: None,
    })
}

/// A gray picture in the 16 levels of an e-ink panel as a 4-bit grayscale PNG: each pixel is
/// rounded to the nearest of 0, 17, …, 255 (exact for what [`eink_levels`] made), two pixels a
/// byte, deflated fast. A reader expands the levels back to the same 8-bit values. Fails only
/// for a picture without pixels.
pub fn gray16_png(img: &GrayImage) -> Result<Vec<u8>, png::EncodingError> {
    let (w, h) = img.dimensions();
    let row = (w as usize).div_ceil(2);
    let level = |v: u8| ((u16::from(v) + 8) / 17) as u8;
    let mut packed = vec![0u8; row * h as usize];
    if row > 0 {
        for (src, dst) in img
            .as_raw()
            .chunks_exact(w as usize)
            .zip(packed.chunks_exact_mut(row))
        {
            for (pair, out) in src.chunks(2).zip(dst.iter_mut()) {
                *out = (level(pair[0]) << 4) | pair.get(1).map_or(0, |&v| level(v));
            }
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Four);
    enc.set_compression(png::Compression::Fast);
    let mut wr = enc.write_header()?;
    wr.write_image_data(&packed)?;
    wr.finish()?;
    Ok(out)
}

/// A baseline JPEG of a gray or RGB picture.
fn encode_jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, Refused> {
    let (pixels, colour) = match img {
        DynamicImage::ImageLuma8(g) => (g.as_raw(), jpeg_encoder::ColorType::Luma),
        DynamicImage::ImageRgb8(rgb) => (rgb.as_raw(), jpeg_encoder::ColorType::Rgb),
        _ => return encode_jpeg(&DynamicImage::ImageRgb8(img.to_rgb8()), quality),
    };
    let side = |n: u32| {
        u16::try_from(n)
            .map_err(|_| refuse("too large", format!("{n} pixels is too wide for JPEG")))
    };
    let mut data = Vec::new();
    jpeg_encoder::Encoder::new(&mut data, quality.clamp(1, 100))
        .encode(pixels, side(img.width())?, side(img.height())?, colour)
        .map_err(|e| refuse("undecodable", format!("JPEG encoding failed: {e}")))?;
    Ok(data)
}

/// Decoders fill in what a cut-off file lacks (a gray band at the bottom); a picture that does
/// not end as its format ends is refused instead.
fn truncated(bytes: &[u8], format: ImageFormat) -> Option<String> {
    let end = bytes
        .iter()
        .rposition(|&b| b != 0 && !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    let body = &bytes[..end];
    let ok = match format {
        ImageFormat::Jpeg => body.ends_with(&[0xFF, 0xD9]),
        ImageFormat::Png => bytes.windows(4).rev().take(64).any(|w| w == b"IEND"),
        ImageFormat::Gif => body.ends_with(&[0x3B]),
        ImageFormat::WebP => {
            bytes.len() >= 8 && {
                let declared =
                    u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
                bytes.len() >= declared + 8
            }
        }
        _ => true,
    };
    (!ok).then(|| format!("the {format:?} file is cut short"))
}

/// Decode with limits; a decoder that panics on hostile input costs only this picture.
fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, Refused> {
    std::panic::catch_unwind(|| {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        reader.limits(limits());
        reader.decode()
    })
    .map_err(|_| refuse("undecodable", "the decoder failed on this file"))?
    .map_err(|e| refuse("undecodable", e.to_string()))
}

/// Decode a WebP with libwebp, at `size` when given (its rescaler averages the source pixels, as
/// a downscale should). Errors for what libwebp does not decode as a still (animations).
fn decode_webp(bytes: &[u8], size: Option<(u32, u32)>) -> Result<DynamicImage, Refused> {
    use libwebp_sys as w;
    let fail = |what: &str| refuse("undecodable", format!("WebP: {what}"));
    // SAFETY: the config is plain data that WebPInitDecoderConfig initializes; libwebp reads
    // only `bytes` (pointer and length from a live slice) and writes only into `pixels`, whose
    // pointer, row stride and length it is given as external memory (it checks that the picture
    // fits them before writing), and which outlives the call.
    unsafe {
        let mut cfg: w::WebPDecoderConfig = std::mem::zeroed();
        if !w::WebPInitDecoderConfig(&mut cfg) {
            return Err(fail("libwebp version mismatch"));
        }
        if w::WebPGetFeatures(bytes.as_ptr(), bytes.len(), &mut cfg.input)
            != w::VP8StatusCode::VP8_STATUS_OK
        {
            return Err(fail("unreadable header"));
        }
        if cfg.input.has_animation != 0 {
            return Err(fail("animated"));
        }
        let alpha = cfg.input.has_alpha != 0;
        cfg.output.colorspace = if alpha {
            w::WEBP_CSP_MODE::MODE_RGBA
        } else {
            w::WEBP_CSP_MODE::MODE_RGB
        };
        // A big picture is often the last thing a build waits for: let libwebp filter on a
        // second thread while it parses.
        if u64::from(cfg.input.width.unsigned_abs()) * u64::from(cfg.input.height.unsigned_abs())
            > 4_000_000
        {
            cfg.options.use_threads = 1;
        }
        let (ow, oh) = match size {
            Some((nw, nh)) => {
                cfg.options.use_scaling = 1;
                cfg.options.scaled_width = nw as i32;
                cfg.options.scaled_height = nh as i32;
                (nw, nh)
            }
            None => (
                cfg.input.width.max(0) as u32,
                cfg.input.height.max(0) as u32,
            ),
        };
        // libwebp writes the rows straight into the buffer that becomes the image (no copy).
        let channels = if alpha { 4 } else { 3 };
        let row = ow as usize * channels;
        let (Ok(stride), Some(len), true) = (
            i32::try_from(row),
            row.checked_mul(oh as usize),
            u64::from(ow) * u64::from(oh) <= MAX_PIXELS,
        ) else {
            return Err(fail("too large"));
        };
        let mut pixels = vec![0u8; len];
        cfg.output.is_external_memory = 1;
        cfg.output.u.RGBA = w::WebPRGBABuffer {
            rgba: pixels.as_mut_ptr(),
            stride,
            size: len,
        };
        let status = w::WebPDecode(bytes.as_ptr(), bytes.len(), &mut cfg);
        let decoded = (cfg.output.width, cfg.output.height);
        // Frees only what libwebp allocated itself; the pixels are ours.
        w::WebPFreeDecBuffer(&mut cfg.output);
        if status != w::VP8StatusCode::VP8_STATUS_OK {
            return Err(fail(&format!("{status:?}")));
        }
        if decoded != (ow as i32, oh as i32) {
            return Err(fail("decoded to an unexpected size"));
        }
        let img = if alpha {
            image::RgbaImage::from_raw(ow, oh, pixels).map(DynamicImage::ImageRgba8)
        } else {
            image::RgbImage::from_raw(ow, oh, pixels).map(DynamicImage::ImageRgb8)
        };
        img.ok_or_else(|| fail("decoded to an unexpected size"))
    }
}

/// Gray levels of a picture: Rec. 709 weights, as the `image` crate uses, in integer arithmetic
/// (its own conversion goes through floating point for every pixel).
fn luma(img: DynamicImage) -> image::GrayImage {
    match img {
        DynamicImage::ImageLuma8(g) => g,
        DynamicImage::ImageRgb8(rgb) => {
            let (w, h) = rgb.dimensions();
            let gray: Vec<u8> = rgb
                .as_raw()
                .chunks_exact(3)
                .map(|p| {
                    let y = 2126 * u32::from(p[0]) + 7152 * u32::from(p[1]) + 722 * u32::from(p[2]);
                    ((y + 5000) / 10000) as u8
                })
                .collect();
            image::GrayImage::from_raw(w, h, gray).expect("one gray level per pixel")
        }
        other => other.to_luma8(),
    }
}

/// Transparency over white paper.
fn flatten(img: &DynamicImage) -> DynamicImage {
    let rgba = img.to_rgba8();
    let mut out = image::RgbImage::new(rgba.width(), rgba.height());
    for (o, p) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u32::from(p.0[3]);
        for c in 0..3 {
            o.0[c] = ((u32::from(p.0[c]) * a + 255 * (255 - a)) / 255) as u8;
        }
    }
    DynamicImage::ImageRgb8(out)
}

/// Does the picture use few colours (a diagram, a logo) rather than a photo's thousands?
fn few_colours(img: &DynamicImage) -> bool {
    let rgb = img.to_rgb8();
    let mut seen = std::collections::HashSet::new();
    let step = ((rgb.width() * rgb.height()) as usize / 20_000).max(1);
    for p in rgb.pixels().step_by(step) {
        seen.insert(p.0);
        if seen.len() > 256 {
            return false;
        }
    }
    true
}

fn resize(img: &DynamicImage, w: u32, h: u32) -> Result<DynamicImage, Refused> {
    let mut dst = DynamicImage::new(w, h, img.color());
    let mut resizer = fr::Resizer::new();
    let opts =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    resizer
        .resize(img, &mut dst, &opts)
        .map_err(|e| refuse("undecodable", format!("resize failed: {e}")))?;
    Ok(dst)
}

/// E-ink line art: a gamma that lifts mid-tones a little, then the panel's 16 gray levels,
/// with Floyd–Steinberg error diffusion (serpentine) so that a shade between two levels, or a
/// gradient, is a fine mix of the two instead of a flat band. White, black and every level
/// itself stay flat, so lines and text stay crisp.
pub fn eink_levels(img: GrayImage) -> GrayImage {
    let mut img = eink_gamma(img);
    let (w, h) = img.dimensions();
    let w = w as usize;
    // Errors carried to this row and the next, one slot of margin on each side.
    let mut here = vec![0f32; w + 2];
    let mut below = vec![0f32; w + 2];
    for y in 0..h {
        let forward = y % 2 == 0;
        for i in 0..w {
            let x = if forward { i } else { w - 1 - i };
            let p = img.get_pixel_mut(x as u32, y);
            let want = (f32::from(p.0[0]) + here[x + 1]).clamp(0.0, 255.0);
            let got = (want / 17.0).round() * 17.0;
            p.0[0] = got as u8;
            let e = want - got;
            let (ahead, behind) = if forward { (x + 2, x) } else { (x, x + 2) };
            here[ahead] += e * 7.0 / 16.0;
            below[behind] += e * 3.0 / 16.0;
            below[x + 1] += e * 5.0 / 16.0;
            below[ahead] += e / 16.0;
        }
        std::mem::swap(&mut here, &mut below);
        below.iter_mut().for_each(|e| *e = 0.0);
    }
    img
}

/// E-ink photos: the same gamma, all 256 levels kept for the panel to dither.
pub fn eink_gamma(img: GrayImage) -> GrayImage {
    map_gray(img, |g| g.round().clamp(0.0, 255.0) as u8)
}

/// Each gray value through the e-ink gamma (0.85: mid-tones lifted), then `out`.
fn map_gray(mut img: GrayImage, out: impl Fn(f64) -> u8) -> GrayImage {
    let lut: Vec<u8> = (0..=255u32)
        .map(|v| out((f64::from(v) / 255.0).powf(0.85) * 255.0))
        .collect();
    for p in img.pixels_mut() {
        p.0[0] = lut[p.0[0] as usize];
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CRC-32 as PNG chunks use it.
    pub fn crc32(data: &[u8]) -> u32 {
        let mut c = 0xffff_ffffu32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xedb8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    fn encode(img: DynamicImage, f: ImageFormat) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), f).unwrap();
        out
    }

    #[test]
    fn libwebp_matches_the_reference_decoder_and_shrinks_while_decoding() {
        let src = photo(800, 600);
        let webp = encode(src.clone(), ImageFormat::WebP);
        // Lossless: libwebp and image-webp agree pixel for pixel at full size.
        let ours = decode_webp(&webp, None).unwrap();
        let reference = decode(&webp, ImageFormat::WebP).unwrap();
        assert_eq!(ours.to_rgb8(), reference.to_rgb8());
        // Scaled while decoding: the screen's size straight away, colours averaged.
        let small = decode_webp(&webp, Some((200, 150))).unwrap();
        assert_eq!((small.width(), small.height()), (200, 150));
        let mean = |img: &DynamicImage| {
            let rgb = img.to_rgb8();
            let n = f64::from(rgb.width() * rgb.height());
            let sum: [f64; 3] = rgb.pixels().fold([0.0; 3], |a, p| {
                [
                    a[0] + f64::from(p.0[0]),
                    a[1] + f64::from(p.0[1]),
                    a[2] + f64::from(p.0[2]),
                ]
            });
            sum.map(|c| c / n)
        };
        let (a, b) = (mean(&src), mean(&small));
        for c in 0..3 {
            assert!((a[c] - b[c]).abs() < 4.0, "channel {c}: {a:?} vs {b:?}");
        }
        // Through prepare: a JPEG at the screen's size.
        let p = prepare(
            &webp,
            &Settings {
                max_width: 200,
                max_height: 200,
                gray: false,
                quality: 80,
            },
        )
        .unwrap();
        assert_eq!((p.width, p.height, p.ext), (200, 150, "jpg"));
        assert!(p.converted && p.resized);
    }

    #[test]
    fn transparent_webp_lands_on_white_paper() {
        let clear = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            300,
            300,
            image::Rgba([0, 0, 0, 0]),
        ));
        let webp = encode(clear, ImageFormat::WebP);
        let p = prepare(
            &webp,
            &Settings {
                max_width: 100,
                max_height: 100,
                gray: true,
                quality: 80,
            },
        )
        .unwrap();
        let out = image::load_from_memory(&p.data).unwrap().to_luma8();
        assert_eq!((out.width(), out.height()), (100, 100));
        assert!(out.pixels().all(|p| p.0[0] >= 250), "not white");
    }

    #[test]
    fn integer_gray_levels_match_the_image_crate() {
        let mut rgb = image::RgbImage::new(64, 64);
        let mut seed = 7u32;
        for p in rgb.pixels_mut() {
            for c in p.0.iter_mut() {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                *c = (seed >> 16) as u8;
            }
        }
        let img = DynamicImage::ImageRgb8(rgb);
        let theirs = img.to_luma8();
        let ours = luma(img);
        for (a, b) in ours.pixels().zip(theirs.pixels()) {
            assert!(a.0[0].abs_diff(b.0[0]) <= 1, "{} vs {}", a.0[0], b.0[0]);
        }
    }

    #[test]
    fn a_corrupt_webp_is_refused_not_crashed_on() {
        let mut webp = encode(photo(64, 64), ImageFormat::WebP);
        let n = webp.len();
        for b in &mut webp[30..n - 4] {
            *b = b.wrapping_mul(31).wrapping_add(7);
        }
        // libwebp is C: a crash here would take the test process down. Either answer is fine,
        // as long as a picture that comes back is whole.
        if let Ok(img) = decode_webp(&webp, Some((10, 10))) {
            assert_eq!((img.width(), img.height()), (10, 10));
        }
        assert!(decode_webp(b"RIFF\x10\0\0\0WEBPVP8 ", None).is_err());
    }

    /// Four bits a pixel: an odd width (the last byte half used), each value rounded to the
    /// nearest of the 16 levels, and the reader gets those levels back as 8-bit values.
    #[test]
    fn gray16_png_packs_the_sixteen_levels_two_to_a_byte() {
        let img = GrayImage::from_fn(7, 3, |x, y| image::Luma([(x * 37 + y * 11) as u8]));
        let png = gray16_png(&img).unwrap();
        assert_eq!((png[24], png[25]), (4, 0), "IHDR: 4-bit grayscale");
        let back = image::load_from_memory(&png).unwrap().to_luma8();
        assert_eq!(back.dimensions(), (7, 3));
        for (a, b) in img.pixels().zip(back.pixels()) {
            assert_eq!(
                b.0[0],
                ((u16::from(a.0[0]) + 8) / 17 * 17) as u8,
                "{}",
                a.0[0]
            );
        }
        assert!(gray16_png(&GrayImage::new(0, 4)).is_err());
    }

    /// On e-ink a gray PNG that fits is still made 16 levels in 4 bits (smaller, and all the
    /// panel shows); a colour screen keeps it byte for byte.
    #[test]
    fn gray_png_on_eink_becomes_four_bits_and_a_tablet_keeps_it() {
        let gray = encode(
            DynamicImage::ImageLuma8(GrayImage::from_fn(300, 200, |x, y| {
                image::Luma([((x * 255 / 299 + y) % 256) as u8])
            })),
            ImageFormat::Png,
        );
        let p = prepare(&gray, &Settings::default()).unwrap();
        assert!(p.converted && !p.resized && p.ext == "png");
        assert_eq!((p.data[24], p.data[25]), (4, 0), "IHDR: 4-bit grayscale");
        // Smaller though error-diffused (a gradient's dither costs bytes that flat bands saved).
        assert!(
            p.data.len() < gray.len(),
            "{} of {}",
            p.data.len(),
            gray.len()
        );
        let back = image::load_from_memory(&p.data).unwrap().to_luma8();
        assert_eq!(back.dimensions(), (300, 200));
        assert!(back.pixels().all(|v| v.0[0] % 17 == 0));
        let tablet = Settings {
            max_width: 1600,
            max_height: 2560,
            gray: false,
            quality: 80,
        };
        assert_eq!(prepare(&gray, &tablet).unwrap().data, gray);

        // A gray PNG already smaller than its 4-bit form (here 1 bit a pixel) stays as it was.
        let mut bilevel = Vec::new();
        let mut enc = png::Encoder::new(&mut bilevel, 400, 300);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::One);
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(&[0b1100_1010; 50 * 300]).unwrap();
        wr.finish().unwrap();
        let p = prepare(&bilevel, &Settings::default()).unwrap();
        assert!(!p.converted && p.data == bilevel && p.ext == "png");
        assert!(
            gray16_png(&image::load_from_memory(&bilevel).unwrap().to_luma8())
                .unwrap()
                .len()
                >= bilevel.len()
        );
    }

    fn photo(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([
                (x * 7 % 256) as u8,
                (y * 5 % 256) as u8,
                ((x + y) % 256) as u8,
            ])
        }))
    }

    /// The widest band of a picture: the longest run of columns whose mean gray (over all rows)
    /// rounds to the same value. A source that changes smoothly has none wider than a few.
    fn widest_band(img: &GrayImage) -> usize {
        let (w, h) = img.dimensions();
        let means: Vec<u32> = (0..w)
            .map(|x| {
                let sum: u32 = (0..h).map(|y| u32::from(img.get_pixel(x, y).0[0])).sum();
                (sum + h / 2) / h
            })
            .collect();
        let (mut widest, mut run) = (1, 1);
        for pair in means.windows(2) {
            run = if pair[0] == pair[1] { run + 1 } else { 1 };
            widest = widest.max(run);
        }
        widest
    }

    /// A smooth gradient prepared for e-ink shows no bands, as a JPEG photo (8-bit gray) and as
    /// a PNG of few colours (line art: 16 levels, error-diffused); cut to 16 flat levels the same
    /// ramp, fitted to the screen, shows bands over 60 pixels wide. Flat line art stays flat.
    #[test]
    fn a_smooth_gradient_does_not_band_on_eink() {
        use image::Luma;
        // Wider than the screen, so that it is made anew (resized), not kept as it came.
        let ramp = GrayImage::from_fn(2000, 60, |x, _| Luma([(x * 255 / 1999) as u8]));
        let flat_16 = GrayImage::from_fn(2000, 60, |x, y| {
            let v = ramp.get_pixel(x, y).0[0];
            Luma([((u16::from(v) + 8) / 17 * 17) as u8])
        });
        assert!(widest_band(&flat_16) >= 100, "the measure sees bands");
        assert!(widest_band(&ramp) <= 9);
        let s = Settings::default();
        for (f, line_art) in [(ImageFormat::Jpeg, false), (ImageFormat::Png, true)] {
            let bytes = encode(DynamicImage::ImageLuma8(ramp.clone()), f);
            let p = prepare(&bytes, &s).unwrap();
            assert_eq!(p.ext == "png", line_art, "{f:?}");
            let back = image::load_from_memory(&p.data).unwrap().into_luma8();
            let band = widest_band(&back);
            assert!(band <= 16, "{f:?}: a band {band} pixels wide");
            if line_art {
                assert!(back.pixels().all(|p| p.0[0] % 17 == 0), "16 levels");
            }
        }
        // White paper and black ink stay flat: no dither noise in line art.
        let mut art = GrayImage::from_pixel(300, 200, Luma([255]));
        for x in 20..280 {
            for y in 90..110 {
                art.put_pixel(x, y, Luma([0]));
            }
        }
        let back = eink_levels(art.clone());
        assert_eq!(back, art);
    }

    /// A corpus photo on e-ink keeps smooth shades: far more than the 16 levels that band.
    #[test]
    fn a_corpus_photo_keeps_its_shades_on_eink() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/images/hubble_deep_field.jpg"
        );
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("skipping: {path} is not here (corpus tests need the shared folder)");
            return;
        };
        let p = prepare(&bytes, &Settings::default()).unwrap();
        let back = image::load_from_memory(&p.data).unwrap().into_luma8();
        let mut levels = std::collections::HashSet::new();
        levels.extend(back.pixels().map(|p| p.0[0]));
        assert!(levels.len() > 100, "{} gray levels", levels.len());
    }

    #[test]
    fn photos_fit_the_screen_in_gray() {
        let p = prepare(
            &encode(photo(3000, 2000), ImageFormat::Png),
            &Settings::default(),
        )
        .unwrap();
        assert_eq!((p.width, p.height), (1072, 715));
        assert!(p.resized && p.converted);
        assert_eq!(p.ext, "jpg");
        let back = image::load_from_memory(&p.data).unwrap();
        assert_eq!(back.color(), image::ColorType::L8);
        assert_eq!(back.width(), 1072);
    }

    #[test]
    fn small_gray_jpeg_is_kept_byte_for_byte_and_tablet_keeps_colour() {
        let gray = encode(
            DynamicImage::ImageLuma8(photo(300, 200).to_luma8()),
            ImageFormat::Jpeg,
        );
        let p = prepare(&gray, &Settings::default()).unwrap();
        assert!(!p.converted && p.data == gray);
        let tablet = Settings {
            max_width: 1600,
            max_height: 2560,
            gray: false,
            quality: 80,
        };
        let colour = encode(photo(400, 300), ImageFormat::Jpeg);
        let p = prepare(&colour, &tablet).unwrap();
        assert_eq!(
            p.data, colour,
            "a colour JPEG that fits is kept on a tablet"
        );
        let webp = encode(photo(400, 300), ImageFormat::WebP);
        let p = prepare(&webp, &tablet).unwrap();
        assert_eq!(p.ext, "jpg");
        assert_eq!(
            image::load_from_memory(&p.data).unwrap().color(),
            image::ColorType::Rgb8
        );
    }

    #[test]
    fn hostile_files_are_refused() {
        // A PNG header that declares 100000×100000.
        let mut bomb = encode(photo(4, 4), ImageFormat::Png);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            prepare(&bomb, &Settings::default()).unwrap_err().kind,
            "too large"
        );
        let jpeg = encode(photo(200, 200), ImageFormat::Jpeg);
        let cut = &jpeg[..jpeg.len() / 2];
        assert_eq!(
            prepare(cut, &Settings::default()).unwrap_err().kind,
            "undecodable"
        );
        assert_eq!(
            prepare(
                b"<!doctype html><html><body>404</body></html>",
                &Settings::default()
            )
            .unwrap_err()
            .kind,
            "not an image"
        );
        let pixel = encode(photo(1, 1), ImageFormat::Gif);
        assert_eq!(
            prepare(&pixel, &Settings::default()).unwrap_err().kind,
            "tracker"
        );
    }

    #[test]
    fn animations_become_their_first_frame() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/images/iss634.gif"
        ));
        let Ok(bytes) = bytes else {
            eprintln!("skipping: ../shared/corpus is not here");
            return;
        };
        let tablet = Settings {
            max_width: 1600,
            max_height: 2560,
            gray: false,
            quality: 80,
        };
        let p = prepare(&bytes, &tablet).unwrap();
        assert_eq!(p.ext, "png");
        let frames = image::codecs::png::PngDecoder::new(Cursor::new(&p.data)).unwrap();
        assert!(!frames.is_apng().unwrap(), "a still picture");
    }

    #[test]
    fn line_art_with_alpha_becomes_png_on_white() {
        let logo = DynamicImage::ImageRgba8(image::RgbaImage::from_fn(100, 100, |x, _| {
            image::Rgba([0, 0, 0, if x < 50 { 0 } else { 255 }])
        }));
        let p = prepare(&encode(logo, ImageFormat::Png), &Settings::default()).unwrap();
        assert_eq!(p.ext, "png");
        let back = image::load_from_memory(&p.data).unwrap().to_luma8();
        assert_eq!(back.get_pixel(10, 10).0[0], 255, "transparent became white");
        assert_eq!(back.get_pixel(90, 10).0[0], 0);
    }
}

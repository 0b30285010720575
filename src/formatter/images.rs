//! Images referenced by an article: loaded, checked, converted where a reader could not show them,
//! and stored in the book once per distinct content.
//!
//! Local files are read from disk (the sanitizer only lets through `file:` URLs inside the input
//! folder). Remote images are not fetched when building from local files; they are dropped with a
//! warning, never left pointing outside the book.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::{Arc, Mutex, OnceLock};

use image::{ImageFormat, ImageReader, Limits};
use url::Url;

use super::tree::Node;
use crate::model::Asset;

/// Largest image file read (bytes).
const MAX_FILE_BYTES: u64 = 40 * 1024 * 1024;
/// Largest width or height decoded.
const MAX_SIDE: u32 = 16_384;
/// Converted images are made at most this wide and high (the largest e-reader screens).
const MAX_CONVERTED_SIDE: u32 = 1920;

/// Where image bytes come from.
pub trait ImageSource: Sync {
    /// The bytes behind `url`, or a reason they could not be had.
    fn load(&self, url: &Url) -> Result<Vec<u8>, String>;
}

/// Reads `file:` URLs from disk; refuses everything else.
pub struct LocalImages;

impl ImageSource for LocalImages {
    fn load(&self, url: &Url) -> Result<Vec<u8>, String> {
        if url.scheme() != "file" {
            return Err(format!("{REMOTE_SKIPPED} when building from local files"));
        }
        let path = url
            .to_file_path()
            .map_err(|_| "not a local path".to_owned())?;
        let meta = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !meta.is_file() {
            return Err(format!("{}: not a file", path.display()));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(format!(
                "{}: larger than {} MiB",
                path.display(),
                MAX_FILE_BYTES >> 20
            ));
        }
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// Images already loaded and prepared in this build, by address: an image that many articles show
/// is read and converted once.
/// Each address has a cell filled once; threads that want the same image wait for the one
/// that is preparing it instead of decoding it again.
#[derive(Default)]
pub struct ImageCache {
    cells: Mutex<HashMap<String, Arc<OnceLock<Outcome>>>>,
}

type Outcome = Result<Option<Asset>, String>;

impl ImageCache {
    fn get(&self, src: &str, make: impl FnOnce() -> Outcome) -> Outcome {
        let cell = self
            .cells
            .lock()
            .expect("image cache")
            .entry(src.to_owned())
            .or_default()
            .clone();
        cell.get_or_init(make).clone()
    }
}

/// Reads `file:` URLs like [`LocalImages`] and fetches web images through a [`Fetcher`].
pub struct FetchedImages<'a> {
    pub fetcher: &'a dyn crate::fetch::Fetcher,
}

impl ImageSource for FetchedImages<'_> {
    fn load(&self, url: &Url) -> Result<Vec<u8>, String> {
        if url.scheme() == "file" {
            return LocalImages.load(url);
        }
        match self.fetcher.get(url.as_str(), &Default::default()) {
            Ok(crate::fetch::Fetched::Body(p)) => Ok(p.body),
            Ok(crate::fetch::Fetched::NotModified) => Err(format!("{url}: answered 304")),
            Err(e) => Err(format!("{url}: {e}")),
        }
    }
}

/// Replace each `<img>` source in `nodes` with an image stored in the book, or remove the image.
/// Returns the images (deduplicated by content) and one warning per dropped image.
pub fn embed(
    nodes: &mut Vec<Node>,
    source: &dyn ImageSource,
    cache: &ImageCache,
) -> (Vec<Asset>, Vec<String>) {
    let mut assets: Vec<Asset> = Vec::new();
    let mut warnings = Vec::new();
    let mut remote_skipped = 0;
    walk(nodes, &mut |src: &str| {
        let Ok(url) = Url::parse(src) else {
            warnings.push(format!("image dropped: `{src}` is not an address"));
            return None;
        };
        let result = cache.get(src, || load_and_prepare(&url, source));
        match result {
            Ok(Some(asset)) => {
                let href = asset.href.clone();
                if !assets.iter().any(|a| a.href == href) {
                    assets.push(asset);
                }
                Some(href)
            }
            Ok(None) => None,
            Err(e) if e.starts_with(REMOTE_SKIPPED) => {
                remote_skipped += 1;
                None
            }
            Err(e) => {
                warnings.push(format!("image dropped: {e}"));
                None
            }
        }
    });
    if remote_skipped > 0 {
        warnings.push(format!(
            "{remote_skipped} remote image{} not embedded (only local images are read when building from files)",
            if remote_skipped == 1 { "" } else { "s" }
        ));
    }
    (assets, warnings)
}

const REMOTE_SKIPPED: &str = "remote image not fetched";

fn load_and_prepare(url: &Url, source: &dyn ImageSource) -> Result<Option<Asset>, String> {
    let bytes = source.load(url)?;
    match prepare(&bytes) {
        Ok(Some(p)) => Ok(Some(Asset {
            href: format!(
                "images/{}.{}",
                crate::collector::short_hash_bytes(&p.data),
                p.ext
            ),
            media_type: p.media_type,
            data: Arc::new(p.data),
        })),
        Ok(None) => Ok(None),
        Err(e) => Err(format!("{} ({e})", display_url(url))),
    }
}

fn display_url(u: &Url) -> String {
    match u.to_file_path() {
        Ok(p) if u.scheme() == "file" => p.display().to_string(),
        _ => u.to_string(),
    }
}

/// Visit every `img`; `f` returns the new `src`, or `None` to remove the image.
fn walk(nodes: &mut Vec<Node>, f: &mut dyn FnMut(&str) -> Option<String>) {
    let mut i = 0;
    while i < nodes.len() {
        let mut remove = false;
        if let Node::El(e) = &mut nodes[i] {
            if e.name == "img" {
                match e.attr("src").map(str::to_owned).and_then(|s| f(&s)) {
                    Some(new) => e.set_attr("src", new),
                    None => remove = true,
                }
            } else {
                walk(&mut e.children, f);
            }
        }
        if remove {
            nodes.remove(i);
        } else {
            i += 1;
        }
    }
}

/// An image ready for the book.
#[derive(Debug)]
pub struct Prepared {
    pub data: Vec<u8>,
    /// File name extension: `jpg`, `png` or `gif`.
    pub ext: &'static str,
    pub media_type: &'static str,
}

fn ready(
    data: Vec<u8>,
    ext: &'static str,
    media_type: &'static str,
) -> Result<Option<Prepared>, String> {
    Ok(Some(Prepared {
        data,
        ext,
        media_type,
    }))
}

/// Check an image and put it in a form every reader shows: JPEG, PNG and GIF are kept as they are;
/// other formats are converted (PNG when the image has transparency, else JPEG). Returns `None`
/// for tracking pixels (2×2 or smaller).
pub fn prepare(bytes: &[u8]) -> Result<Option<Prepared>, String> {
    let format =
        image::guess_format(bytes).map_err(|_| "not a picture inkquire can read".to_owned())?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits.clone());
    let (w, h) = reader.into_dimensions().map_err(|e| e.to_string())?;
    if w <= 2 && h <= 2 {
        return Ok(None);
    }
    match format {
        ImageFormat::Jpeg => ready(bytes.to_vec(), "jpg", "image/jpeg"),
        ImageFormat::Png => ready(bytes.to_vec(), "png", "image/png"),
        ImageFormat::Gif => ready(bytes.to_vec(), "gif", "image/gif"),
        _ => {
            let decoded = std::panic::catch_unwind(|| {
                let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
                reader.limits(limits);
                reader.decode()
            })
            .map_err(|_| "the decoder failed on this file".to_owned())?
            .map_err(|e| e.to_string())?;
            let decoded = if decoded.width().max(decoded.height()) > MAX_CONVERTED_SIDE {
                decoded.thumbnail(MAX_CONVERTED_SIDE, MAX_CONVERTED_SIDE)
            } else {
                decoded
            };
            let mut out = Vec::new();
            if decoded.color().has_alpha() {
                decoded
                    .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
                    .map_err(|e| e.to_string())?;
                ready(out, "png", "image/png")
            } else {
                let rgb = decoded.to_rgb8();
                let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
                rgb.write_with_encoder(enc).map_err(|e| e.to_string())?;
                ready(out, "jpg", "image/jpeg")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::GrayImage::from_pixel(w, h, image::Luma([128]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn keeps_png_drops_pixels_and_junk() {
        let p = prepare(&png(20, 10)).unwrap().unwrap();
        assert_eq!((p.ext, p.media_type), ("png", "image/png"));
        assert!(!p.data.is_empty());
        assert!(prepare(&png(1, 1)).unwrap().is_none());
        assert!(prepare(b"not an image at all").is_err());
    }
}

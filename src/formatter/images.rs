//! Images referenced by an article: loaded once per build, made right for the profile's screen
//! ([`crate::imaging`]), and stored in the book once per distinct content.
//!
//! Local files are read from disk (the sanitizer only lets through `file:` URLs inside the input
//! folder); web images come through the collector's [`crate::fetch::Fetcher`], with the article's
//! address as Referer. A picture that cannot be had or used is removed with a warning (its alt
//! text stays in its place), never left pointing outside the book.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use url::Url;

use super::tree::{Element, Node};
use crate::imaging::{self, Settings};
use crate::model::Asset;
use crate::report::{Failure, Kind};

/// Largest image file read (bytes).
const MAX_FILE_BYTES: u64 = 40 * 1024 * 1024;

/// Where image bytes come from.
pub trait ImageSource: Sync {
    /// The bytes behind `url` (shown in an article at `referer`), or why they could not be had.
    fn load(&self, url: &Url, referer: Option<&str>) -> Result<Vec<u8>, Failure>;
}

/// Reads `file:` URLs from disk; refuses everything else.
pub struct LocalImages;

impl ImageSource for LocalImages {
    fn load(&self, url: &Url, _referer: Option<&str>) -> Result<Vec<u8>, Failure> {
        if url.scheme() != "file" {
            return Err(Failure::new(
                Kind::Unsafe,
                format!("{url}: web images are not fetched here"),
            ));
        }
        let path = url
            .to_file_path()
            .map_err(|_| Failure::new(Kind::Parse, "not a local path"))?;
        let io =
            |e: std::io::Error| Failure::new(Kind::of_io(&e), format!("{}: {e}", path.display()));
        let meta = std::fs::metadata(&path).map_err(io)?;
        if !meta.is_file() {
            return Err(Failure::new(
                Kind::Unsafe,
                format!("{}: not a file", path.display()),
            ));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(Failure::new(
                Kind::TooLarge,
                format!(
                    "{}: larger than {} MiB",
                    path.display(),
                    MAX_FILE_BYTES >> 20
                ),
            ));
        }
        std::fs::read(&path).map_err(io)
    }
}

/// Reads `file:` URLs like [`LocalImages`] and fetches web images through a fetcher.
pub struct FetchedImages<'a> {
    pub fetcher: &'a dyn crate::fetch::Fetcher,
}

impl ImageSource for FetchedImages<'_> {
    fn load(&self, url: &Url, referer: Option<&str>) -> Result<Vec<u8>, Failure> {
        if url.scheme() == "file" {
            return LocalImages.load(url, None);
        }
        match self.fetcher.get_from(url.as_str(), referer) {
            Ok(crate::fetch::Fetched::Body(p)) => Ok(p.body),
            Ok(crate::fetch::Fetched::NotModified) => {
                Err(Failure::new(Kind::Network, format!("{url}: answered 304")))
            }
            Err(e) => Err(Failure::new(e.kind(), format!("{url}: {e}"))),
        }
    }
}

/// What became of one image source.
#[derive(Debug, Clone)]
pub enum Outcome {
    Embedded {
        asset: Asset,
        converted: bool,
        resized: bool,
        bytes_in: usize,
        /// An SVG's own height in ems.
        em_height: Option<f32>,
    },
    Dropped {
        kind: &'static str,
        detail: String,
    },
}

/// A picture to warm: the `src` as written, its parsed address, the Referer.
type Wanted = (String, Url, Option<String>);

/// A value computed once, shared by every thread that asks for it.
type Cell<T> = Arc<OnceLock<T>>;
/// An image's bytes, or why they could not be had.
type Fetched = Result<Arc<Vec<u8>>, Failure>;

/// Images of this build: raw bytes by address (fetched once), and prepared images by address
/// and settings (a smaller `--max-size` pass re-encodes without fetching again). Each entry is a
/// cell filled once: threads that want the same image wait for the one preparing it.
///
/// Fetching is waiting and preparing is work: formatting may run on more threads than there are
/// cores (so that fetches overlap), but at most one picture per core is decoded at a time, which
/// also bounds the memory that full-size pictures take.
#[derive(Default)]
pub struct ImageCache {
    raw: Mutex<HashMap<String, Cell<Fetched>>>,
    prepared: Mutex<HashMap<(String, Settings), Cell<Outcome>>>,
    decoding: Permits,
}

/// A counting semaphore: one permit per core.
struct Permits {
    free: Mutex<usize>,
    freed: std::sync::Condvar,
}

impl Default for Permits {
    fn default() -> Self {
        Permits {
            free: Mutex::new(std::thread::available_parallelism().map_or(2, usize::from)),
            freed: std::sync::Condvar::new(),
        }
    }
}

thread_local! {
    /// Whether this thread holds a permit already (work done under one may prepare a picture
    /// itself; it must not wait for a second permit that others may be waiting for too).
    static HOLDS_PERMIT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Permits {
    fn run<T>(&self, work: impl FnOnce() -> T) -> T {
        if HOLDS_PERMIT.get() {
            return work();
        }
        let mut free = self.free.lock().expect("permits");
        while *free == 0 {
            free = self.freed.wait(free).expect("permits");
        }
        *free -= 1;
        drop(free);
        // Given back even if `work` panics.
        struct Release<'a>(&'a Permits);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                HOLDS_PERMIT.set(false);
                *self.0.free.lock().expect("permits") += 1;
                self.0.freed.notify_one();
            }
        }
        HOLDS_PERMIT.set(true);
        let _release = Release(self);
        work()
    }
}

impl ImageCache {
    /// The bytes behind `src`, loaded once for the whole build.
    fn raw(
        &self,
        src: &str,
        url: &Url,
        referer: Option<&str>,
        source: &dyn ImageSource,
    ) -> Fetched {
        let cell = self
            .raw
            .lock()
            .expect("image cache")
            .entry(src.to_owned())
            .or_default()
            .clone();
        cell.get_or_init(|| match url.scheme() {
            // An inline `<svg>` the sanitizer made, or a picture the page carries itself: decoded
            // here, nothing fetched.
            "data" => crate::data_url::decode(src)
                .map(Arc::new)
                .ok_or_else(|| Failure::new(Kind::Parse, "a data address that is not base64")),
            _ => source.load(url, referer).map(Arc::new),
        })
        .clone()
    }

    fn outcome(
        &self,
        src: &str,
        url: &Url,
        referer: Option<&str>,
        source: &dyn ImageSource,
        s: &Settings,
    ) -> Outcome {
        let cell = self
            .prepared
            .lock()
            .expect("image cache")
            .entry((src.to_owned(), *s))
            .or_default()
            .clone();
        cell.get_or_init(|| {
            let raw = self.raw(src, url, referer, source);
            match raw {
                Err(e) => Outcome::Dropped {
                    kind: "not found",
                    detail: e.message,
                },
                Ok(bytes) => match self.decoding.run(|| imaging::prepare(&bytes, s)) {
                    Ok(p) => Outcome::Embedded {
                        asset: Asset {
                            href: format!(
                                "images/{}.{}",
                                crate::ids::short_hash_bytes(&p.data),
                                p.ext
                            ),
                            media_type: p.media_type,
                            data: Arc::new(p.data),
                        },
                        converted: p.converted,
                        resized: p.resized,
                        bytes_in: bytes.len(),
                        em_height: p.em_height,
                    },
                    Err(r) => Outcome::Dropped {
                        kind: r.kind,
                        detail: format!("{} ({})", display_url(url), r.detail),
                    },
                },
            }
        })
        .clone()
    }

    /// Load and prepare every picture in `wanted` (address, Referer) before the articles ask for
    /// them: all loads at once (the caller's pool bounds them), then the preparing, biggest file
    /// first, so that the one slow picture does not start last and hold up the whole build.
    pub fn warm(
        &self,
        wanted: Vec<(String, Option<String>)>,
        source: &dyn ImageSource,
        s: &Settings,
    ) {
        self.warm_with(wanted, source, s, None)
    }

    /// [`warm`](Self::warm), and once every picture has been started, each worker that is left
    /// without one calls `idle` (one job per call: true if it did one, false when none is ready)
    /// under the same per-core permits as decoding, so other work fills the cores while the
    /// last big pictures decode, without slowing them down.
    pub fn warm_while(
        &self,
        wanted: Vec<(String, Option<String>)>,
        source: &dyn ImageSource,
        s: &Settings,
        idle: &(dyn Fn() -> bool + Sync),
    ) {
        self.warm_with(wanted, source, s, Some(idle))
    }

    fn warm_with(
        &self,
        wanted: Vec<(String, Option<String>)>,
        source: &dyn ImageSource,
        s: &Settings,
        idle: Option<&(dyn Fn() -> bool + Sync)>,
    ) {
        use rayon::prelude::*;
        let mut seen = std::collections::HashSet::new();
        let wanted: Vec<Wanted> = wanted
            .into_iter()
            .filter(|(src, _)| seen.insert(src.clone()))
            .filter_map(|(src, referer)| Url::parse(&src).ok().map(|u| (src, u, referer)))
            .collect();
        let mut sized: Vec<(usize, &Wanted)> = wanted
            .par_iter()
            .map(|w| {
                let (src, url, referer) = w;
                let raw = self.raw(src, url, referer.as_deref(), source);
                (raw.as_ref().map_or(0, |b| b.len()), w)
            })
            .collect();
        sized.sort_by_key(|w| std::cmp::Reverse(w.0));
        // A shared queue, so the biggest pictures start first on every worker at once.
        let next = std::sync::atomic::AtomicUsize::new(0);
        rayon::scope(|scope| {
            for _ in 0..rayon::current_num_threads() {
                scope.spawn(|_| {
                    while let Some((_, (src, url, referer))) =
                        sized.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        self.outcome(src, url, referer.as_deref(), source, s);
                    }
                    if let Some(idle) = idle {
                        while self.decoding.run(idle) {}
                    }
                });
            }
        });
    }

    /// Whether the picture at `src` has been prepared under `s` (or could never be: not an
    /// address), so that an article showing it can be finished without waiting.
    pub fn ready(&self, src: &str, s: &Settings) -> bool {
        Url::parse(src).is_err()
            || self
                .prepared
                .lock()
                .expect("image cache")
                .get(&(src.to_owned(), *s))
                .is_some_and(|cell| cell.get().is_some())
    }

    /// What the images prepared under `s` came to.
    pub fn stats(&self, s: &Settings, references: usize) -> ImageStats {
        let mut st = ImageStats::default();
        let mut hrefs = std::collections::HashSet::new();
        let mut embedded = 0;
        for ((_, settings), cell) in self.prepared.lock().expect("image cache").iter() {
            if settings != s {
                continue;
            }
            match cell.get() {
                Some(&Outcome::Embedded {
                    ref asset,
                    converted,
                    resized,
                    bytes_in,
                    ..
                }) => {
                    embedded += 1;
                    if resized {
                        st.resized += 1;
                    } else if converted {
                        st.converted += 1;
                    } else {
                        st.kept += 1;
                    }
                    st.bytes_in += bytes_in;
                    if hrefs.insert(asset.href.clone()) {
                        st.bytes_out += asset.data.len();
                    }
                }
                Some(Outcome::Dropped { kind, .. }) => {
                    *st.dropped.entry((*kind).into()).or_insert(0) += 1
                }
                None => {}
            }
        }
        st.deduplicated = (references.max(embedded)).saturating_sub(hrefs.len());
        st
    }
}

/// The build report's account of images.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ImageStats {
    /// Used as they came.
    pub kept: usize,
    /// Re-encoded (grayscale, another format).
    pub converted: usize,
    /// Shrunk to fit the screen (and re-encoded).
    pub resized: usize,
    /// References that share a stored image with another one.
    pub deduplicated: usize,
    /// Left out, by reason.
    pub dropped: BTreeMap<std::borrow::Cow<'static, str>, usize>,
    /// Bytes of the sources and of what went into the book.
    pub bytes_in: usize,
    pub bytes_out: usize,
}

/// Replace each `<img>` source in `nodes` with an image stored in the book, or remove the image
/// (keeping its alt text). Returns the images (deduplicated by content), the number of image
/// references, and one warning per dropped image.
pub fn embed(
    nodes: &mut Vec<Node>,
    source: &dyn ImageSource,
    cache: &ImageCache,
    settings: &Settings,
    referer: Option<&str>,
) -> (Vec<Asset>, usize, Vec<String>) {
    let mut assets: Vec<Asset> = Vec::new();
    let mut warnings = Vec::new();
    let mut refs = 0;
    let mut trackers = 0;
    let mut heights: std::collections::HashMap<String, f32> = std::collections::HashMap::new();
    walk(nodes, &mut |src: &str| {
        let Ok(url) = Url::parse(src) else {
            warnings.push(format!("image dropped: `{src}` is not an address"));
            return Err(false);
        };
        match cache.outcome(src, &url, referer, source, settings) {
            Outcome::Embedded {
                asset, em_height, ..
            } => {
                refs += 1;
                let href = asset.href.clone();
                if let Some(em) = em_height {
                    heights.insert(href.clone(), em);
                }
                if !assets.iter().any(|a| a.href == href) {
                    assets.push(asset);
                }
                Ok(href)
            }
            Outcome::Dropped {
                kind: "tracker", ..
            } => {
                trackers += 1;
                Err(false)
            }
            Outcome::Dropped { kind, detail } => {
                warnings.push(format!("image dropped, {kind}: {detail}"));
                Err(true)
            }
        }
    });
    size_formulas(nodes, &heights);
    if trackers > 0 {
        warnings.push(format!(
            "{trackers} tracking pixel{} dropped",
            if trackers == 1 { "" } else { "s" }
        ));
    }
    (assets, refs, warnings)
}

/// A formula drawn from an SVG is shown as tall as the SVG said (`fhN`: N quarter-ems, which
/// the themes size in `em`, so it follows the reader's font), unless the page said already.
fn size_formulas(nodes: &mut [Node], heights: &std::collections::HashMap<String, f32>) {
    for n in nodes {
        let Node::El(e) = n else { continue };
        if e.name == "img"
            && e.attr("class") == Some("formula")
            && let Some(em) = e.attr("src").and_then(|s| heights.get(s))
        {
            let q = ((em * 4.0).round() as u32).clamp(1, 32);
            e.set_attr("class", format!("formula fh{q}"));
        }
        size_formulas(&mut e.children, heights);
    }
}

/// The `src` of every `img` in `nodes`, in document order.
pub fn sources(nodes: &[Node]) -> Vec<String> {
    fn visit(nodes: &[Node], out: &mut Vec<String>) {
        for n in nodes {
            if let Node::El(e) = n {
                if e.name == "img"
                    && let Some(src) = e.attr("src")
                {
                    out.push(src.to_owned());
                }
                visit(&e.children, out);
            }
        }
    }
    let mut out = Vec::new();
    visit(nodes, &mut out);
    out
}

fn display_url(u: &Url) -> String {
    match u.to_file_path() {
        Ok(p) if u.scheme() == "file" => p.display().to_string(),
        _ => u.to_string(),
    }
}

/// Visit every `img`; `f` returns the new `src`, or `Err(keep_alt)` to remove the image (leaving
/// its alt text in its place, as a `missing-picture` note, when `keep_alt` and the picture has
/// no caption). Then a note alone in its paragraph or figure becomes the paragraph
/// (`<p class="missing-picture">`), and what only held removed pictures goes.
fn walk(nodes: &mut Vec<Node>, f: &mut dyn FnMut(&str) -> Result<String, bool>) {
    walk_in(nodes, f, None);
    settle_notes(nodes, true);
    notes_take_their_captions(nodes);
}

/// The text of a missing picture's note, when `n` is one or holds only one (the wrapper the
/// picture stood in).
fn note_in(n: &Node) -> Option<String> {
    let Node::El(e) = n else { return None };
    if matches!(e.name, "p" | "span") && e.attr("class") == Some("missing-picture") {
        let mut text = String::new();
        super::tree::text_of(&e.children, &mut text);
        return Some(text);
    }
    let mut content = e
        .children
        .iter()
        .filter(|c| !matches!(c, Node::Text(t) if t.trim().is_empty()));
    match (content.next(), content.next()) {
        (Some(only), None) if e.name == "div" => note_in(only),
        _ => None,
    }
}

/// A picture outside a figure whose caption is the block after it, opening with the picture's
/// alt text ("Lee Elder at Augusta. | © Getty Images" after a picture described "Lee Elder at
/// Augusta"): when the picture is gone, a short caption is its note, as a figure's is, in
/// the place of the alt text's note.
fn notes_take_their_captions(nodes: &mut Vec<Node>) {
    for n in nodes.iter_mut() {
        if let Node::El(e) = n {
            notes_take_their_captions(&mut e.children);
        }
    }
    let mut i = 0;
    while i < nodes.len() {
        let Some(alt) = note_in(&nodes[i])
            .map(|t| plain_words(&t))
            .filter(|t| !t.is_empty())
        else {
            i += 1;
            continue;
        };
        let next = (i + 1..nodes.len())
            .find(|&j| !matches!(&nodes[j], Node::Text(t) if t.trim().is_empty()));
        let caption = next.and_then(|j| match &nodes[j] {
            Node::El(e) if matches!(e.name, "p" | "div") && !has_picture(&e.children) => {
                let text = collapsed_text_of(&e.children);
                (text.chars().count() < CAPTION_OF_ITS_OWN && plain_words(&text).starts_with(&alt))
                    .then_some((j, text))
            }
            _ => None,
        });
        if let Some((j, text)) = caption {
            let mut note = Element::new("p");
            note.set_attr("class", "missing-picture");
            note.children.push(Node::Text(text));
            nodes[j] = Node::El(note);
            nodes.remove(i);
            continue;
        }
        i += 1;
    }
}

/// Pictures and nothing else to read (the links and spans around them, line breaks, spaces).
fn only_pictures(nodes: &[Node]) -> bool {
    fn visit(nodes: &[Node], seen: &mut bool) -> bool {
        nodes.iter().all(|n| match n {
            Node::Text(t) => t.trim().is_empty(),
            Node::El(e) if e.name == "img" => {
                *seen = true;
                true
            }
            Node::El(e) if matches!(e.name, "a" | "span" | "br") => visit(&e.children, seen),
            Node::El(_) => false,
        })
    }
    let mut seen = false;
    visit(nodes, &mut seen) && seen
}

fn is_note(n: &Node) -> bool {
    matches!(n, Node::El(e) if e.name == "span" && e.attr("class") == Some("missing-picture"))
}

/// Nothing to read or see: no text, no picture, no line or rule, no id (a link may point at it).
fn is_empty(e: &Element) -> bool {
    e.attr("id").is_none()
        && !matches!(e.name, "br" | "hr" | "img" | "td" | "th" | "tr")
        && e.children.iter().all(|c| match c {
            Node::Text(t) => t.trim().is_empty(),
            Node::El(c) => is_empty(c),
        })
}

/// After pictures were removed: a paragraph or figure holding only a missing-picture note becomes
/// a note paragraph, a note standing among blocks becomes one, and emptied wrappers (the spans,
/// links and figures around a picture that is gone) are removed. `blocks`: whether `nodes` may
/// hold paragraphs.
fn settle_notes(nodes: &mut Vec<Node>, blocks: bool) {
    let mut i = 0;
    while i < nodes.len() {
        if let Node::El(e) = &mut nodes[i] {
            let holds_blocks = blocks
                && matches!(
                    e.name,
                    "div"
                        | "blockquote"
                        | "li"
                        | "dd"
                        | "figure"
                        | "aside"
                        | "section"
                        | "td"
                        | "th"
                );
            settle_notes(&mut e.children, holds_blocks);
            if is_empty(e) {
                // An inline wrapper may hold the only space between two words.
                let spaced = super::tree::is_phrasing(e.name)
                    && e.children
                        .iter()
                        .any(|c| matches!(c, Node::Text(t) if !t.is_empty()));
                if spaced {
                    nodes[i] = Node::Text(" ".into());
                    i += 1;
                } else {
                    nodes.remove(i);
                }
                continue;
            }
            let lone_note = {
                let mut content = e
                    .children
                    .iter()
                    .filter(|c| !matches!(c, Node::Text(t) if t.trim().is_empty()));
                match (content.next(), content.next()) {
                    (Some(n), None) => is_note(n).then(|| n.clone()),
                    _ => None,
                }
            };
            if blocks
                && matches!(e.name, "p" | "figure")
                && e.attr("id").is_none()
                && let Some(Node::El(mut note)) = lone_note
            {
                note.name = "p";
                nodes[i] = Node::El(note);
            } else if blocks && is_note(&nodes[i]) {
                if let Node::El(note) = &mut nodes[i] {
                    note.name = "p";
                }
            } else if let Node::El(e) = &mut nodes[i]
                && e.name == "p"
                && only_pictures(&e.children)
                && e.attr("class").is_none()
            {
                // A paragraph of pictures is laid out as pictures: centred, never indented.
                e.set_attr("class", "picture");
            }
        }
        i += 1;
    }
}

/// Lower case, white space collapsed, for comparing an alt text with a caption.
fn plain_words(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .trim_matches(|c: char| c.is_ascii_punctuation())
        .to_owned()
}

/// A caption this long (characters) is text of its own, kept when its picture is gone; a
/// shorter one names the picture ("The pier at dawn. Photo: AP").
const CAPTION_OF_ITS_OWN: usize = 150;

/// The text of `nodes`, white space collapsed.
fn collapsed_text_of(nodes: &[Node]) -> String {
    let mut text = String::new();
    super::tree::text_of(nodes, &mut text);
    crate::words::collapse(&text)
}

/// Whether `nodes` hold a picture.
fn has_picture(nodes: &[Node]) -> bool {
    nodes.iter().any(|n| match n {
        Node::El(e) => e.name == "img" || has_picture(&e.children),
        Node::Text(_) => false,
    })
}

/// A figure whose pictures could not be had: a short caption speaks for them, as the note a
/// missing picture leaves (an alt text's), not as a caption under no picture; a long one stays.
fn caption_to_note(children: &mut [Node]) {
    for c in children.iter_mut() {
        let Node::El(fc) = c else { continue };
        if fc.name != "figcaption" {
            continue;
        }
        let text = collapsed_text_of(&fc.children);
        if text.is_empty() || text.chars().count() >= CAPTION_OF_ITS_OWN {
            continue;
        }
        let mut span = Element::new("span");
        span.set_attr("class", "missing-picture");
        span.children.push(Node::Text(text));
        *c = Node::El(span);
    }
}

fn walk_in(
    nodes: &mut Vec<Node>,
    f: &mut dyn FnMut(&str) -> Result<String, bool>,
    caption: Option<&str>,
) {
    let mut i = 0;
    while i < nodes.len() {
        let mut replace: Option<Option<Node>> = None;
        if let Node::El(e) = &mut nodes[i] {
            if e.name == "img" {
                match e
                    .attr("src")
                    .map(str::to_owned)
                    .ok_or(false)
                    .and_then(|s| f(&s))
                {
                    Ok(new) => e.set_attr("src", new),
                    Err(keep_alt) => {
                        // `access::alt_texts` has already dropped alt texts that say nothing
                        // (file names, "image", markup); a caption speaks for its picture.
                        let alt = e.attr("alt").unwrap_or("").trim().to_owned();
                        // A formula's TeX is its alt text, never body text.
                        let tex = alt.contains("\\displaystyle") || alt.starts_with("{\\");
                        replace = Some(
                            (keep_alt && alt.chars().count() >= 3 && caption.is_none() && !tex)
                                .then(|| {
                                    let mut span = Element::new("span");
                                    span.set_attr("class", "missing-picture");
                                    span.children.push(Node::Text(alt));
                                    Node::El(span)
                                }),
                        );
                    }
                }
            } else if e.name == "figure" {
                let mut text = String::new();
                for c in &e.children {
                    if let Node::El(fc) = c
                        && fc.name == "figcaption"
                    {
                        super::tree::text_of(&fc.children, &mut text);
                    }
                }
                let text = plain_words(&text);
                let pictured = has_picture(&e.children);
                walk_in(
                    &mut e.children,
                    f,
                    Some(&text).filter(|t| !t.is_empty()).map(|t| t.as_str()),
                );
                if pictured && !has_picture(&e.children) {
                    caption_to_note(&mut e.children);
                }
            } else {
                walk_in(&mut e.children, f, caption);
            }
        }
        match replace {
            Some(Some(n)) => {
                nodes[i] = n;
                i += 1;
            }
            Some(None) => {
                nodes.remove(i);
            }
            None => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A picture that could not be had leaves its alt text as a `missing-picture` note, unless
    /// its figure's caption already says it (one page showed the same sentence three times); a
    /// short caption of a picture that is gone is that note itself, a long one stays a caption.
    #[test]
    fn a_missing_picture_leaves_its_alt_once() {
        let base = crate::model::Base::default();
        let mut cleaner = super::super::sanitize::Sanitizer::new(&base, 1000);
        let long = "The ferries that cross to the islands every hour in summer will leave from \
                    the north quay next year, while the south quay is rebuilt after the storm of last \
                    winter.";
        let mut nodes = cleaner.clean(&format!(
            "<figure><img src='https://e.x/a.jpg' alt='The pier at dawn'/>\
             <figcaption>The pier at dawn. Photo: Ann Lee</figcaption></figure>\
             <figure><img src='https://e.x/b.jpg' alt='Ferries at the north quay'/>\
             <figcaption>Where the boats go next year</figcaption></figure>\
             <figure><img src='https://e.x/d.jpg' alt='Ferries'/><figcaption>{long}</figcaption></figure>\
             <figure><table><tr><td>Fares</td></tr></table><figcaption>Fares in 2027</figcaption></figure>\
             <p><img src='https://e.x/c.jpg' alt='A map of the harbour'/></p>"
        ));
        walk(&mut nodes, &mut |_| Err(true));
        let mut out = String::new();
        super::super::tree::write_nodes(&nodes, &mut out);
        assert!(!out.contains('['), "no bracketed placeholders: {out}");
        assert_eq!(out.matches("The pier at dawn").count(), 1, "{out}");
        // A caption speaks for its picture: only the caption stays, as the picture's note.
        assert!(!out.contains("Ferries at the north quay"), "{out}");
        assert!(
            out.contains("<p class=\"missing-picture\">The pier at dawn. Photo: Ann Lee</p>"),
            "{out}"
        );
        assert!(
            out.contains("<p class=\"missing-picture\">Where the boats go next year</p>"),
            "{out}"
        );
        // A long caption is text of its own; a figure of no picture keeps its caption.
        assert!(
            out.contains(&format!("<figcaption>{long}</figcaption>")),
            "{out}"
        );
        assert!(
            out.contains("<figcaption>Fares in 2027</figcaption>"),
            "{out}"
        );
        // No caption: one quiet note, a paragraph of its own.
        assert!(
            out.contains("<p class=\"missing-picture\">A map of the harbour</p>"),
            "{out}"
        );
        assert!(!out.contains("<img"), "{out}");
        // The note is not the article's text.
        let text = super::super::body_text(&format!("<div class=\"article-body\">{out}</div>"));
        assert!(!text.contains("A map of the harbour"), "{text}");
        assert!(!text.contains("Where the boats go"), "{text}");
        assert!(text.contains("while the south quay is rebuilt"), "{text}");
    }

    /// Outside a figure, the block after a missing picture that opens with its alt text is its
    /// caption: a short one becomes the picture's note in the alt text's place; a block that
    /// does not open with it, or a long one, stays.
    #[test]
    fn a_caption_after_a_missing_picture_outside_a_figure_is_its_note() {
        let base = crate::model::Base::default();
        let mut cleaner = super::super::sanitize::Sanitizer::new(&base, 1000);
        let mut nodes = cleaner.clean(
            "<div><div><img src='https://e.x/a.jpg' alt='Goats on the island before the airlift'/></div>\
             <div><p>Goats on the island before the airlift.</p><p>Photograph by Ann Lee</p></div></div>\
             <div><img src='https://e.x/b.jpg' alt='The harbour wall'/></div>\
             <p>The council voted on Tuesday to rebuild it.</p>",
        );
        walk(&mut nodes, &mut |_| Err(true));
        let mut out = String::new();
        super::super::tree::write_nodes(&nodes, &mut out);
        assert!(
            out.contains("<p class=\"missing-picture\">Goats on the island before the airlift. Photograph by Ann Lee</p>"),
            "{out}"
        );
        assert_eq!(out.matches("Goats on the island").count(), 1, "{out}");
        assert!(
            out.contains("<p class=\"missing-picture\">The harbour wall</p>"),
            "{out}"
        );
        assert!(
            out.contains("<p>The council voted on Tuesday to rebuild it.</p>"),
            "{out}"
        );
        let text = super::super::body_text(&format!("<div class=\"article-body\">{out}</div>"));
        assert!(!text.contains("Photograph by"), "{text}");
    }

    /// Pictures that are gone leave nothing behind: no empty spans, links or figures from the
    /// wrappers around them, and no note for a tracker or a picture without a real alt.
    #[test]
    fn removed_pictures_leave_no_empty_wrappers() {
        let base = crate::model::Base::default();
        let mut cleaner = super::super::sanitize::Sanitizer::new(&base, 1000);
        let mut nodes = cleaner.clean(
            "<p>Before.</p><figure><span><span><img src='https://e.x/t.gif' alt=''/></span></span></figure>\
             <p><a href='https://e.x/big'><img src='https://e.x/a.jpg'/></a></p>\
             <p>Text <span><img src='https://e.x/b.jpg' alt='A heron in the reeds'/></span> after.</p>\
             <div><img src='https://e.x/c.jpg' alt='The old mill by the weir'/></div><p>End.</p>",
        );
        walk(&mut nodes, &mut |_| Err(true));
        let mut out = String::new();
        super::super::tree::write_nodes(&nodes, &mut out);
        assert!(!out.contains("<figure") && !out.contains("<a "), "{out}");
        assert!(
            !out.contains("<span></span>") && !out.contains("<p></p>"),
            "{out}"
        );
        assert!(
            out.contains(
                "<span class=\"missing-picture\">A heron in the reeds</span></span> after.</p>"
            ),
            "a note inside running text stays inline: {out}"
        );
        assert!(
            out.contains("<div><p class=\"missing-picture\">The old mill by the weir</p></div>"),
            "{out}"
        );
    }

    /// Work done under a permit may prepare a picture itself: it goes on under the permit it
    /// holds instead of waiting (for ever, when it holds the last one) for another.
    #[test]
    fn a_permit_holder_does_not_wait_for_a_second_permit() {
        let permits = Permits {
            free: Mutex::new(1),
            freed: std::sync::Condvar::new(),
        };
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(|| tx.send(permits.run(|| permits.run(|| 42))).expect("send"));
            let got = rx.recv_timeout(std::time::Duration::from_secs(10));
            assert_eq!(got, Ok(42), "nested permit waited");
        });
        assert_eq!(
            *permits.free.lock().expect("permits"),
            1,
            "the permit is given back"
        );
        // And the thread holds none afterwards: a second run takes the permit again.
        assert_eq!(permits.run(|| *permits.free.lock().expect("permits")), 0);
    }
}

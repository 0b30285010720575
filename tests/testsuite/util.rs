//! Test harness: fresh folders, running the binary, reading books back, and epubcheck.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh temporary folder for one test, with helpers to write fixtures into it.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap();
        p
    }
}

/// The project's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus`, or `None` (with a message saying the test is skipped) when it is absent.
pub fn corpus(test: &str) -> Option<PathBuf> {
    let p = root().join("../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!(
            "skipping {test}: ../shared/corpus is not here (corpus tests need the shared folder)"
        );
        None
    }
}

/// The `inkquire` binary as a command whose data and config folders (`XDG_DATA_HOME`,
/// `XDG_CONFIG_HOME`) are a temporary folder of this test run: no test reads or writes the real
/// `~/.local/share/inkquire` (the default ledger) or `~/.config/inkquire`, nor is disturbed by
/// what is there.
pub fn command() -> Command {
    static HOME: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let home = HOME.get_or_init(|| tempfile::tempdir().expect("a temporary home"));
    let mut c = Command::new(env!("CARGO_BIN_EXE_inkquire"));
    c.env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env_remove("INKQUIRE_CONFIG");
    c
}

/// Run `inkquire` with `args`.
pub fn inkquire(args: &[&str]) -> Output {
    inkquire_in(&root(), args)
}

pub fn inkquire_in(cwd: &Path, args: &[&str]) -> Output {
    command()
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("run inkquire")
}

/// Run `inkquire` with `args` and extra environment variables.
pub fn inkquire_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    command()
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .output()
        .expect("run inkquire")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Where `scripts/validators` puts EPUBCheck 5 and Ace.
fn validators() -> PathBuf {
    root().join("target/validators")
}

/// A validator that is not installed: in CI a failure, elsewhere a skip with a message.
fn missing(what: &str, book: &Path) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is required in CI: scripts/validators installs it"
    );
    eprintln!(
        "skipping {what} on {}: not installed (scripts/validators installs it)",
        book.display()
    );
}

/// Run one EPUBCheck jar on `book`; panics unless it reports 0 errors and 0 warnings.
fn run_epubcheck(jar: &Path, what: &str, book: &Path) {
    // The quick JIT tier and the serial collector halve the CPU a check costs (a short run
    // never pays back the optimising compiler), and the tests run many at once.
    let out = Command::new("java")
        .args(["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar"])
        .arg(jar)
        .arg(book)
        .output()
        .expect("run java");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("No errors or warnings detected") && out.status.success(),
        "{what} found problems in {}:\n{text}",
        book.display()
    );
}

/// Run EPUBCheck 4.2.6 and 5.3.0 on `book`; panics unless each reports 0 errors and 0 warnings.
/// A validator that is not installed is skipped with a message, except in CI, where both must
/// be there.
pub fn epubcheck(book: &Path) {
    let jar4 = Path::new("/usr/share/java/epubcheck.jar");
    let jar5 = validators().join("epubcheck5/epubcheck.jar");
    for (jar, what) in [
        (jar4, "EPUBCheck 4.2.6"),
        (jar5.as_path(), "EPUBCheck 5.3.0"),
    ] {
        if jar.exists() {
            run_epubcheck(jar, what, book);
        } else {
            missing(what, book);
        }
    }
}

/// Run Ace by DAISY on `book`; panics unless it finds no violation of any impact, listing each
/// (rule, impact, document, where). Skipped with a message when Ace or chromium is missing,
/// except in CI.
pub fn ace(book: &Path) {
    let cli = validators().join("ace/node_modules/.bin/ace-cli");
    let chromium = Path::new("/usr/bin/chromium");
    if !cli.exists() || !chromium.exists() {
        missing("Ace by DAISY", book);
        return;
    }
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(&cli)
        .arg("--force")
        .arg("--outdir")
        .arg(out_dir.path())
        .arg(book)
        .env("PUPPETEER_EXECUTABLE_PATH", chromium)
        .output()
        .expect("run ace");
    let report = std::fs::read_to_string(out_dir.path().join("report.json")).unwrap_or_else(|e| {
        panic!(
            "Ace wrote no report for {} ({e}):\n{}{}",
            book.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let report: serde_json::Value = serde_json::from_str(&report).expect("Ace's report is JSON");
    let mut found = Vec::new();
    for doc in report["assertions"].as_array().into_iter().flatten() {
        let url = doc["earl:testSubject"]["url"].as_str().unwrap_or("?");
        for a in doc["assertions"].as_array().into_iter().flatten() {
            found.push(format!(
                "{} ({}) in {url} at {}: {}",
                a["earl:test"]["dct:title"].as_str().unwrap_or("?"),
                a["earl:test"]["earl:impact"].as_str().unwrap_or("?"),
                a["earl:result"]["earl:pointer"]["css"],
                a["earl:result"]["dct:description"]
                    .as_str()
                    .unwrap_or("")
                    .lines()
                    .next()
                    .unwrap_or("")
            ));
        }
    }
    assert!(
        found.is_empty() && report["earl:result"]["earl:outcome"] == "pass",
        "Ace found {} violation(s) in {}:\n{}",
        found.len(),
        book.display(),
        found.join("\n")
    );
}

/// A book read back: every file of the zip by name.
pub struct Book {
    pub files: BTreeMap<String, Vec<u8>>,
    /// Names in zip order.
    pub order: Vec<String>,
}

/// A TOC entry: depth (1 = top), label, target.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub depth: usize,
    pub label: String,
    pub href: String,
}

impl Book {
    pub fn open(path: &Path) -> Book {
        let f =
            std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
        let mut zip = zip::ZipArchive::new(f).expect("a zip file");
        let mut files = BTreeMap::new();
        let mut order = Vec::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            let name = entry.name().expect("entry name").into_owned();
            order.push(name.clone());
            files.insert(name, data);
        }
        Book { files, order }
    }

    pub fn text(&self, name: &str) -> String {
        String::from_utf8(
            self.files
                .get(name)
                .unwrap_or_else(|| panic!("no {name} in book"))
                .clone(),
        )
        .expect("UTF-8")
    }

    pub fn opf(&self) -> String {
        self.text("OEBPS/content.opf")
    }

    /// Spine hrefs in order.
    pub fn spine(&self) -> Vec<String> {
        let opf = self.opf();
        let doc = xml(&opf).expect("OPF is XML");
        let items: BTreeMap<&str, &str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("item"))
            .map(|n| (n.attribute("id").unwrap(), n.attribute("href").unwrap()))
            .collect();
        doc.descendants()
            .filter(|n| n.has_tag_name("itemref"))
            .map(|n| items[n.attribute("idref").unwrap()].to_owned())
            .collect()
    }

    /// The EPUB 3 nav's TOC, flattened with depths.
    pub fn nav(&self) -> Vec<Entry> {
        let nav = self.text("OEBPS/nav.xhtml");
        let doc = xml(&nav).expect("nav is XML");
        let toc = doc
            .descendants()
            .find(|n| n.has_tag_name("nav") && n.attribute("id") == Some("toc"))
            .expect("toc nav");
        let mut out = Vec::new();
        for a in toc.descendants().filter(|n| n.has_tag_name("a")) {
            let depth = a.ancestors().filter(|n| n.has_tag_name("ol")).count();
            out.push(Entry {
                depth,
                label: a.text().unwrap_or("").to_owned(),
                href: a.attribute("href").unwrap().to_owned(),
            });
        }
        out
    }

    /// The NCX navMap, flattened with depths, and checked to number playOrder 1, 2, … in order,
    /// one number a target (a section's entry shares its first article's).
    pub fn ncx(&self) -> Vec<Entry> {
        let ncx = self.text("OEBPS/toc.ncx");
        let doc = xml(&ncx).expect("NCX is XML");
        let mut out: Vec<Entry> = Vec::new();
        let mut order = 0;
        for p in doc.descendants().filter(|n| n.has_tag_name("navPoint")) {
            let src = p
                .children()
                .find(|n| n.has_tag_name("content"))
                .and_then(|n| n.attribute("src"))
                .unwrap_or("");
            if out.last().is_none_or(|e| e.href != src) {
                order += 1;
            }
            assert_eq!(p.attribute("playOrder"), Some(order.to_string().as_str()));
            let depth = p.ancestors().filter(|n| n.has_tag_name("navPoint")).count();
            let label = p
                .descendants()
                .find(|n| n.has_tag_name("text"))
                .and_then(|n| n.text())
                .unwrap_or("")
                .to_owned();
            let href = p
                .children()
                .find(|n| n.has_tag_name("content"))
                .and_then(|n| n.attribute("src"))
                .unwrap()
                .to_owned();
            out.push(Entry { depth, label, href });
        }
        out
    }

    /// Article documents in spine order.
    pub fn articles(&self) -> Vec<String> {
        self.spine()
            .into_iter()
            .filter(|h| h.starts_with("article-"))
            .collect()
    }

    /// The article whose title holds `part`; panics when none does.
    pub fn article_titled(&self, part: &str) -> String {
        self.articles()
            .into_iter()
            .find(|a| self.title_of(a).contains(part))
            .unwrap_or_else(|| panic!("no article titled …{part}…"))
    }

    /// Text of the element with `class` in document `href` (whole body when `class` is None).
    pub fn doc_text(&self, href: &str, class: Option<&str>) -> String {
        let x = self.text(&format!("OEBPS/{href}"));
        let doc = xml(&x).unwrap_or_else(|e| panic!("{href} is not XML: {e}"));
        let node = match class {
            Some(c) => doc
                .descendants()
                .find(|n| {
                    n.attribute("class")
                        .is_some_and(|v| v.split(' ').any(|x| x == c))
                })
                .unwrap_or_else(|| panic!("no .{c} in {href}")),
            None => doc.descendants().find(|n| n.has_tag_name("body")).unwrap(),
        };
        // Soft hyphens (the book's break points in long words) are not seen unless a line
        // breaks there: the text as read leaves them out (`hyphens.rs` checks them).
        let mut s = String::new();
        for t in node.descendants().filter(|n| n.is_text()) {
            s.extend(t.text().unwrap().chars().filter(|c| *c != '\u{ad}'));
        }
        s
    }

    /// The article's title as its document shows it.
    pub fn title_of(&self, href: &str) -> String {
        self.doc_text(href, Some("article-title"))
    }

    /// Every `href`/`src` in every XHTML document resolves to a file in the book (and, for
    /// fragments, to an id in that file); web links are not checked.
    pub fn assert_links_resolve(&self) {
        for (name, data) in &self.files {
            if !name.ends_with(".xhtml") {
                continue;
            }
            let x = String::from_utf8(data.clone()).unwrap();
            let doc = xml(&x).unwrap();
            for n in doc.descendants() {
                for attr in ["href", "src"] {
                    let Some(v) = n.attribute(attr) else { continue };
                    if v.starts_with("http://")
                        || v.starts_with("https://")
                        || v.starts_with("mailto:")
                    {
                        continue;
                    }
                    let (file, frag) = v.split_once('#').unwrap_or((v, ""));
                    let target = if file.is_empty() {
                        name.clone()
                    } else {
                        format!("OEBPS/{file}")
                    };
                    assert!(
                        self.files.contains_key(&target),
                        "{name}: {attr}={v} points at nothing"
                    );
                    if !frag.is_empty() {
                        let t = String::from_utf8(self.files[&target].clone()).unwrap();
                        assert!(
                            t.contains(&format!("id=\"{frag}\"")),
                            "{name}: #{frag} not in {target}"
                        );
                    }
                }
            }
        }
    }

    /// The cover is there, marked as the cover image, and is a picture.
    pub fn assert_cover(&self) -> (u32, u32) {
        let opf = self.opf();
        let doc = xml(&opf).unwrap();
        let item = doc
            .descendants()
            .find(|n| n.has_tag_name("item") && n.attribute("properties") == Some("cover-image"))
            .expect("an item marked cover-image");
        let id = item.attribute("id").unwrap();
        assert!(
            doc.descendants().any(|n| n.has_tag_name("meta")
                && n.attribute("name") == Some("cover")
                && n.attribute("content") == Some(id)),
            "EPUB 2 cover meta"
        );
        let data = &self.files[&format!("OEBPS/{}", item.attribute("href").unwrap())];
        let img = image::load_from_memory(data).expect("cover decodes");
        assert_eq!(
            self.spine().first().map(String::as_str),
            Some("cover.xhtml")
        );
        (img.width(), img.height())
    }
}

/// Parse XML that may carry a DOCTYPE (XHTML documents do).
pub fn xml(s: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    roxmltree::Document::parse_with_options(
        s,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
}

/// Token-level F1 of `got` against `want`: words (lower-cased runs of letters and digits), each
/// CJK character a token of its own, compared as multisets.
pub fn token_f1(got: &str, want: &str) -> f64 {
    fn tokens(s: &str) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        let mut cur = String::new();
        let flush = |cur: &mut String, m: &mut BTreeMap<String, usize>| {
            if !cur.is_empty() {
                *m.entry(std::mem::take(cur)).or_insert(0) += 1;
            }
        };
        for c in s.chars() {
            if inkquire::formatter::is_cjk(c) {
                flush(&mut cur, &mut m);
                *m.entry(c.to_string()).or_insert(0) += 1;
            } else if c.is_alphanumeric() {
                cur.extend(c.to_lowercase());
            } else {
                flush(&mut cur, &mut m);
            }
        }
        flush(&mut cur, &mut m);
        m
    }
    let (g, w) = (tokens(got), tokens(want));
    let total_g: usize = g.values().sum();
    let total_w: usize = w.values().sum();
    if total_g == 0 || total_w == 0 {
        return if total_g == total_w { 1.0 } else { 0.0 };
    }
    let common: usize = g
        .iter()
        .map(|(k, n)| (*n).min(*w.get(k).unwrap_or(&0)))
        .sum();
    let p = common as f64 / total_g as f64;
    let r = common as f64 / total_w as f64;
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

#[test]
fn token_f1_scores() {
    assert_eq!(token_f1("a b c", "a b c"), 1.0);
    assert_eq!(token_f1("", "a"), 0.0);
    let f = token_f1("the cat sat", "the cat sat down");
    assert!((f - 6.0 / 7.0).abs() < 1e-9, "{f}");
    assert!((token_f1("宇航员", "宇航") - 0.8).abs() < 1e-9);
}

/// A `w`×`h` PNG with a gradient, for fixtures.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

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

/// An article page with its own title, and its own text: eight paragraphs of sentences drawn
/// from the title (two pages with different titles are different stories, as one story once
/// would judge them).
pub fn story(title: &str) -> String {
    let paras: String = (1..=8)
        .map(|i| {
            format!(
                "<p>Paragraph {i} of {title}: {}</p>",
                prose(&format!("{title}/{i}"), 28)
            )
        })
        .collect();
    format!(
        "<!doctype html><html><head><title>{title}</title></head>\
         <body><article><h1>{title}</h1>{paras}</article></body></html>"
    )
}

/// `words` words of plausible English, the same for the same `seed`, different for another.
pub fn prose(seed: &str, words: usize) -> String {
    const WORDS: &[&str] = &[
        "the",
        "harbour",
        "authority",
        "said",
        "on",
        "Monday",
        "that",
        "work",
        "old",
        "pier",
        "would",
        "start",
        "in",
        "May",
        "and",
        "last",
        "most",
        "of",
        "next",
        "year",
        "council",
        "members",
        "voted",
        "for",
        "a",
        "plan",
        "to",
        "repair",
        "bridge",
        "before",
        "winter",
        "residents",
        "asked",
        "about",
        "cost",
        "while",
        "engineers",
        "described",
        "new",
        "ferry",
        "timetable",
        "as",
        "fair",
        "but",
        "late",
        "trains",
        "still",
        "run",
        "from",
        "station",
        "north",
        "south",
        "river",
        "school",
        "market",
        "traders",
        "hope",
        "rain",
        "will",
        "stop",
        "by",
        "Friday",
        "when",
        "festival",
        "opens",
        "with",
        "music",
        "boats",
        "lights",
        "city",
        "hall",
        "mayor",
        "promised",
        "more",
        "buses",
        "fewer",
        "cars",
        "centre",
        "after",
        "long",
        "debate",
        "budget",
        "was",
        "approved",
        "early",
        "morning",
        "fishermen",
        "reported",
        "good",
        "catch",
        "despite",
        "storm",
        "warnings",
        "this",
        "week",
        "museum",
        "reopened",
        "its",
        "gallery",
        "visitors",
        "queued",
        "outside",
    ];
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    let mut out = String::new();
    for n in 0..words {
        h ^= h << 13;
        h ^= h >> 7;
        h ^= h << 17;
        let w = WORDS[(h % WORDS.len() as u64) as usize];
        if n > 0 {
            out.push(' ');
        }
        out.push_str(w);
        if n % 14 == 13 || n + 1 == words {
            out.push('.');
        }
    }
    out
}

/// The titles of the articles in the ledger of the config `cfg`, sorted.
pub fn stored_titles(cfg: &str) -> Vec<String> {
    let o = inkquire(&["list", "--config", cfg, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let mut t: Vec<String> = v
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_owned())
        .collect();
    t.sort();
    t
}

/// The book (not the KEPUB) in the folder `dir`.
pub fn book_in(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let s = p.to_string_lossy();
            s.ends_with(".epub") && !s.ends_with(".kepub.epub")
        })
        .unwrap_or_else(|| panic!("no book in {}", dir.display()))
}

/// Debian's chromium, which `.ci/run` installs (for Ace, and for the tests that render pages);
/// without it a test that needs it says so and skips.
pub fn chromium() -> Option<&'static str> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).is_file());
    if found.is_none() {
        eprintln!("skipped: no chromium on this machine (.ci/run installs Debian's chromium)");
    }
    found
}

//! Images for the reader's screen, covers, KEPUB and size budgets.

use std::io::Cursor;

use crate::corpus_feeds::CorpusServer;
use crate::util::*;

/// Every picture in the book but the cover: (name, decoded).
fn pictures(book: &Book) -> Vec<(String, image::DynamicImage)> {
    book.files
        .iter()
        .filter(|(k, _)| k.starts_with("OEBPS/images/") && !k.contains("/cover."))
        .map(|(k, v)| {
            (
                k.clone(),
                image::load_from_memory(v).unwrap_or_else(|e| panic!("{k}: {e}")),
            )
        })
        .collect()
}

fn is_gray(img: &image::DynamicImage) -> bool {
    !img.color().has_color()
        || img
            .to_rgb8()
            .pixels()
            .all(|p| p.0[0] == p.0[1] && p.0[1] == p.0[2])
}

/// Collect the corpus site's five feeds into a ledger in `dir`; returns the config path.
fn corpus_ledger(dir: &Dir, server: &CorpusServer) -> String {
    let mut cfg = String::from("store = \"ledger.db\"\n");
    for (topic, ext) in [
        ("world", "xml"),
        ("tech", "atom"),
        ("business", "json"),
        ("science", "xml"),
        ("culture", "rss"),
    ] {
        cfg.push_str(&format!(
            "[[source]]\nurl = \"{}/feeds/{topic}.{ext}\"\n",
            server.base
        ));
    }
    let cfg = dir.write("inkquire.toml", cfg).to_str().unwrap().to_owned();
    let o = inkquire(&["collect", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    cfg
}

#[test]
fn kobo_clara_images_are_gray_fitted_and_kept_and_tablet_keeps_colour_and_kepub() {
    let Some(corpus) =
        corpus("kobo_clara_images_are_gray_fitted_and_kept_and_tablet_keeps_colour_and_kepub")
    else {
        return;
    };
    let server = CorpusServer::start(corpus.parent().unwrap());
    let dir = Dir::new();
    let cfg = corpus_ledger(&dir, &server);

    let out = dir.path("clara.epub");
    let o = inkquire(&[
        "build",
        "--config",
        &cfg,
        "--profile",
        "kobo-clara",
        "--group-by",
        "none",
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert!(matches!(o.status.code(), Some(0)), "{err}");
    assert!(
        err.contains("Images for kobo-clara:"),
        "the report counts images: {err}"
    );
    epubcheck(&out);
    ace(&out);
    let book = Book::open(&out);
    let pics = pictures(&book);
    assert!(pics.len() >= 10, "{} pictures", pics.len());
    for (name, img) in &pics {
        assert!(
            name.ends_with(".jpg") || name.ends_with(".png"),
            "{name}: only JPEG and PNG"
        );
        assert!(
            img.width() <= 1072 && img.height() <= 1448,
            "{name}: {}×{}",
            img.width(),
            img.height()
        );
        assert!(is_gray(img), "{name} is not grayscale");
    }
    let (cw, ch) = book.assert_cover();
    assert!(
        cw <= 1072 && ch <= 1448 && cw * 10 >= 1072 * 9 && ch * 10 >= 1448 * 9,
        "cover {cw}×{ch}"
    );

    // At least 90% of the pictures each readable version keeps are in the book.
    let manifest: serde_json::Value = serde_json::from_str(
        &ureq::get(format!("{}/manifest.json", server.base))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap(),
    )
    .unwrap();
    let (mut want, mut have) = (0usize, 0usize);
    for a in manifest["articles"].as_array().unwrap() {
        let url = a["url"].as_str().unwrap();
        let readable = ureq::get(url.replace(".html", ".readable.html"))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        let expected = readable.matches("<img").count();
        let doc = book
            .articles()
            .into_iter()
            .find(|d| {
                book.text(&format!("OEBPS/{d}"))
                    .contains(&format!("href=\"{url}\""))
            })
            .unwrap_or_else(|| panic!("{url} not in the book"));
        let got = book.text(&format!("OEBPS/{doc}")).matches("<img").count();
        want += expected;
        have += got.min(expected);
    }
    assert!(have * 10 >= want * 9, "{have} of {want} pictures kept");

    // A tablet keeps colour.
    let tab = dir.path("tablet.epub");
    let o = inkquire(&[
        "build",
        "--config",
        &cfg,
        "--profile",
        "tablet",
        "-o",
        tab.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&tab);
    let tb = Book::open(&tab);
    assert!(
        pictures(&tb).iter().any(|(_, i)| !is_gray(i)),
        "tablet pictures keep their colour"
    );
    assert!(
        pictures(&tb)
            .iter()
            .all(|(_, i)| i.width() <= 1600 && i.height() <= 2560)
    );

    // KEPUB: Kobo spans in every article, still a valid EPUB, named .kepub.epub by default.
    let kdir = dir.path("kobo");
    std::fs::create_dir_all(&kdir).unwrap();
    let o = inkquire(&[
        "build",
        "--config",
        &cfg,
        "--profile",
        "kobo-clara",
        "--format",
        "kepub",
        "--title",
        "Kobo Paper",
        "--date",
        "2026-11-28",
        "-o",
        kdir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let kepub = kdir.join("Kobo-Paper-2026-11-28.kepub.epub");
    epubcheck(&kepub);
    ace(&kepub);
    let kb = Book::open(&kepub);
    for a in kb.articles() {
        let x = kb.text(&format!("OEBPS/{a}"));
        assert!(
            x.contains("<div id=\"book-columns\"><div id=\"book-inner\">"),
            "{a}"
        );
        assert!(
            x.matches("class=\"koboSpan\" id=\"kobo.").count() >= 3,
            "{a}: no Kobo spans"
        );
    }
}

#[test]
fn hostile_pictures_are_dropped_with_warnings_and_the_build_finishes() {
    let dir = Dir::new();
    // A PNG that declares 100000×100000 (valid header and CRC).
    let mut bomb = png(8, 8);
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    dir.write("in/bomb.png", &bomb);
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        300,
        300,
        image::Rgb([10, 200, 30]),
    ))
    .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
    .unwrap();
    dir.write("in/cut.jpg", &jpeg[..jpeg.len() * 2 / 3]);
    dir.write(
        "in/page.jpg",
        "<!DOCTYPE html><html><body>Not Found</body></html>",
    );
    dir.write("in/pixel.gif", {
        let mut g = Vec::new();
        image::DynamicImage::ImageRgb8(image::RgbImage::new(1, 1))
            .write_to(&mut Cursor::new(&mut g), image::ImageFormat::Gif)
            .unwrap();
        g
    });
    dir.write("in/good.png", png(2400, 1200));
    dir.write(
        "in/article.html",
        r#"<h1>Pictures</h1><p>Text stays.</p>
        <img src="bomb.png" alt="bomb"><img src="cut.jpg" alt="cut"><img src="page.jpg" alt="page">
        <img src="pixel.gif" alt=""><img src="good.png" alt="good"><img src="http://127.0.0.1:1/gone.jpg" alt="gone">"#,
    );
    let out = dir.path("p.epub");
    let o = inkquire(&[
        "build",
        dir.path("in").to_str().unwrap(),
        "--profile",
        "kindle",
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "warnings, not failures: {err}");
    for (name, why) in [
        ("bomb.png", "too large"),
        ("cut.jpg", "cut short"),
        ("page.jpg", "HTML"),
        ("gone.jpg", "not found"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("warning:") && l.contains(name) && l.contains(why)),
            "{name}: {why}\n{err}"
        );
    }
    assert!(err.contains("1 tracking pixel dropped"), "{err}");
    epubcheck(&out);
    let book = Book::open(&out);
    let pics = pictures(&book);
    assert_eq!(pics.len(), 1, "only the good picture");
    assert_eq!(
        (pics[0].1.width(), pics[0].1.height()),
        (1072, 536),
        "fitted, aspect kept"
    );
    let body = book.doc_text(&book.articles()[0], Some("article-body"));
    assert!(
        body.contains("Text stays.") && body.contains("bomb") && !body.contains('['),
        "alt text stays: {body}"
    );
}

/// On e-ink the PNGs in the book, the cover too, are 4-bit grayscale in the panel's 16 levels
/// (a gray PNG that would not get smaller stays as it was: unit-tested in `imaging`); a tablet
/// keeps a PNG that fits byte for byte and draws its cover in 8 bits.
#[test]
fn eink_pngs_and_cover_are_sixteen_levels_in_four_bits() {
    let dir = Dir::new();
    let mut photo = Vec::new();
    image::DynamicImage::ImageLuma8(image::GrayImage::from_fn(600, 400, |x, y| {
        image::Luma([((x * 255 / 599 + y / 3) % 256) as u8])
    }))
    .write_to(&mut Cursor::new(&mut photo), image::ImageFormat::Png)
    .unwrap();
    dir.write("in/photo.png", &photo);
    let mut chart = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(500, 300, |x, _| {
        if x % 50 < 25 {
            image::Rgb([200, 30, 30])
        } else {
            image::Rgb([255, 255, 255])
        }
    }))
    .write_to(&mut Cursor::new(&mut chart), image::ImageFormat::Png)
    .unwrap();
    dir.write("in/chart.png", &chart);
    dir.write(
        "in/a.md",
        "# Pictures\n\nA photo.\n\n![photo](photo.png)\n\nA chart.\n\n![chart](chart.png)\n",
    );
    let build = |profile: &str| {
        let out = dir.path(&format!("{profile}.epub"));
        let o = inkquire(&[
            "build",
            dir.path("in").to_str().unwrap(),
            "--profile",
            profile,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        epubcheck(&out);
        Book::open(&out)
    };
    let book = build("kindle");
    let pngs: Vec<(&String, &Vec<u8>)> = book
        .files
        .iter()
        .filter(|(k, _)| k.starts_with("OEBPS/images/") && k.ends_with(".png"))
        .collect();
    assert_eq!(
        pngs.len(),
        3,
        "photo, chart and cover: {:?}",
        book.files.keys()
    );
    // The smooth gray gradient fits the screen and would only grow as 16 error-diffused levels
    // (dither is noise to deflate): it comes as it was, for the panel to show its 256 levels.
    let pngs: Vec<_> = pngs.into_iter().filter(|(_, d)| **d != photo).collect();
    assert_eq!(pngs.len(), 2, "chart and cover made anew");
    for (name, data) in pngs {
        assert_eq!(
            (data[24], data[25]),
            (4, 0),
            "{name}: IHDR says 4-bit grayscale"
        );
        let img = image::load_from_memory(data).unwrap().to_luma8();
        assert!(img.pixels().all(|p| p.0[0] % 17 == 0), "{name}: 16 levels");
        assert!(
            img.pixels().any(|p| p.0[0] < 128) && img.pixels().any(|p| p.0[0] > 128),
            "{name}: dark and light"
        );
    }
    let tablet = build("tablet");
    assert!(
        tablet.files.values().any(|d| d == &photo),
        "a tablet keeps the PNG byte for byte"
    );
    let cover = &tablet.files["OEBPS/images/cover.png"];
    assert_eq!(
        (cover[24], cover[25]),
        (8, 0),
        "a tablet's cover has 8 bits"
    );
}

#[test]
fn max_size_below_the_natural_size_gives_a_book_under_budget() {
    let dir = Dir::new();
    for i in 0..6 {
        let noise = image::RgbImage::from_fn(1400, 1000, |x, y| {
            let v = (x.wrapping_mul(2654435761u32.wrapping_add(i)) ^ y.wrapping_mul(40503)) as u8;
            image::Rgb([v, v.wrapping_mul(3), v.wrapping_add(7)])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(noise)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        dir.write(&format!("in/p{i}.png"), out);
        dir.write(
            &format!("in/a{i}.md"),
            format!("# Article {i}\n\nSome text.\n\n![noise](p{i}.png)\n"),
        );
    }
    let natural = dir.path("natural.epub");
    let o = inkquire(&[
        "build",
        dir.path("in").to_str().unwrap(),
        "--profile",
        "tablet",
        "-o",
        natural.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let natural_size = std::fs::metadata(&natural).unwrap().len();
    let budget = natural_size / 3;
    let small = dir.path("small.epub");
    let o = inkquire(&[
        "build",
        dir.path("in").to_str().unwrap(),
        "--profile",
        "tablet",
        "--max-size",
        &budget.to_string(),
        "-o",
        small.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("size budget:"), "says what it did: {err}");
    let size = std::fs::metadata(&small).unwrap().len();
    assert!(size <= budget, "{size} > {budget} (natural {natural_size})");
    epubcheck(&small);
    assert_eq!(Book::open(&small).articles().len(), 6, "no article lost");
}

#[test]
fn a_users_cover_and_profiles_listing() {
    let dir = Dir::new();
    let cover = dir.write("cover.png", png(3000, 4000));
    let out = dir.path("c.epub");
    let o = inkquire(&[
        "build",
        "examples/",
        "--cover",
        cover.to_str().unwrap(),
        "--profile",
        "kobo-sage",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    let (w, h) = book.assert_cover();
    assert!(
        w <= 1440 && h <= 1920 && (w == 1440 || h == 1920),
        "{w}×{h}"
    );
    let listing = String::from_utf8(inkquire(&["profiles"]).stdout).unwrap();
    for p in [
        "kindle ",
        "kindle-paperwhite",
        "kindle-oasis",
        "kindle-scribe",
        "kobo-clara",
        "kobo-libra",
        "kobo-sage",
        "pocketbook-inkpad",
        "generic-eink",
        "tablet",
    ] {
        assert!(listing.contains(p), "{p} missing from `inkquire profiles`");
    }
    let o = inkquire(&[
        "build",
        "examples/",
        "--profile",
        "nook",
        "-o",
        dir.path("x.epub").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no profile named `nook`"));
}

/// SVG pictures arrive as pictures: a file next to a page, a remote one, an inline `<svg>` and a
/// Wikipedia formula (sized in ems by its class, its TeX only in the alt text), gray in 16
/// levels on e-ink; nothing an SVG refers to outside itself is fetched, and icons stay out.
#[test]
fn svg_pictures_are_drawn_and_reach_nothing_outside() {
    use crate::server::{Resp, TestServer};
    let srv = TestServer::start();
    let chart = |label: &str| {
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="300" height="150">
<rect x="10" y="50" width="60" height="100" fill="#333"/><rect x="90" y="20" width="60" height="130" fill="#777"/>
<text x="170" y="80" font-family="Arial" font-size="24">{label}</text>
<image xlink:href="{}" x="0" y="0" width="10" height="10"/>
</svg>"##,
            srv.url("/leak.png")
        )
    };
    srv.route("/remote.svg", Resp::ok("image/svg+xml", chart("Remote")));
    srv.route(
        "/formula.svg",
        Resp::ok(
            "image/svg+xml",
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="2.47ex" height="2.676ex" viewBox="0 -883.9 1063.4 1152.2"><path d="M 100 -800 L 900 -800 L 900 200 L 100 200 Z"/></svg>"#,
        ),
    );
    srv.route("/leak.png", Resp::ok("image/png", png(20, 20)));
    let inline = chart("Inline").replace(
        "<svg ",
        "<svg role=\"img\" aria-label=\"Rainfall by month\" ",
    );
    srv.route(
        "/page.html",
        Resp::ok(
            "text/html",
            format!(
                r#"<!DOCTYPE html><html lang="en"><head><title>Rain in the valley</title></head><body><article>
<h1>Rain in the valley</h1>
<p>The valley saw more rain this autumn than in any year since records began, and the river rose twice over its banks.</p>
<figure><img src="/remote.svg" alt="Bars of rainfall, autumn against spring"><figcaption>Rainfall this year</figcaption></figure>
<p>A matrix <img src="/formula.svg" class="mwe-math-fallback-image-inline" style="vertical-align: -0.838ex; width:2.47ex; height:2.676ex;" alt="{{\displaystyle A^{{\mathsf {{H}}}}}}"> is its own conjugate transpose, the engineers noted in the report.</p>
{inline}
<p>Share <svg class="icon" width="16" height="16" aria-hidden="true"><path d="M0 0h16v16z"/></svg> this story with the people who farm the lower fields.</p>
<p>The council will meet again next week to decide on the new flood walls for the lower town.</p>
</article></body></html>"#
            ),
        ),
    );
    let dir = Dir::new();
    let out = dir.path("svg.epub");
    let o = inkquire(&[
        "build",
        &srv.url("/page.html"),
        "--profile",
        "kobo-clara",
        "--date",
        "2026-11-28",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    ace(&out);
    assert!(
        !srv.requests().iter().any(|r| r.contains("/leak.png")),
        "an SVG's reference was fetched: {:?}",
        srv.requests()
    );
    let book = Book::open(&out);
    let pics = pictures(&book);
    assert_eq!(
        pics.len(),
        3,
        "remote, formula and inline; no icon: {:?}",
        pics.iter().map(|p| &p.0).collect::<Vec<_>>()
    );
    for (name, img) in &pics {
        assert!(name.ends_with(".png"), "{name}: line art is PNG");
        assert!(is_gray(img), "{name} is gray");
        let gray = img.to_luma8();
        assert!(gray.pixels().all(|p| p.0[0] % 17 == 0), "{name}: 16 levels");
        assert!(
            gray.pixels().any(|p| p.0[0] < 100),
            "{name}: drawn, not blank"
        );
        assert!(img.width() <= 1072);
    }
    let doc = &book.articles()[0];
    let x = book.text(&format!("OEBPS/{doc}"));
    assert!(x.contains("class=\"formula fh5\""), "{x}");
    assert!(x.contains("alt=\"Rainfall by month\""), "{x}");
    let body = book.doc_text(doc, Some("article-body"));
    assert!(
        !body.contains("displaystyle"),
        "TeX only in the alt: {body}"
    );
    assert!(body.contains("is its own conjugate transpose"), "{body}");

    // An SVG file next to a Markdown note, for a colour screen: a picture too.
    dir.write("notes/chart.svg", chart("File"));
    dir.write(
        "notes/a.md",
        "# Rain\n\nThe chart shows the autumn.\n\n![Bars of rainfall](chart.svg)\n",
    );
    let local = dir.path("local.epub");
    let o = inkquire(&[
        "build",
        dir.path("notes").to_str().unwrap(),
        "--profile",
        "tablet",
        "-o",
        local.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&local);
    let book = Book::open(&local);
    let pics = pictures(&book);
    assert_eq!(pics.len(), 1, "the SVG file is a picture");
    assert!(pics[0].0.ends_with(".png") && pics[0].1.width() >= 300);
    assert!(
        !srv.requests().iter().any(|r| r.contains("/leak.png")),
        "{:?}",
        srv.requests()
    );
}

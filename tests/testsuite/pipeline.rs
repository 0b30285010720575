//! End to end on local inputs: build books with the CLI, validate them, read them back.

use crate::util::*;

const DATE: &str = "2026-11-28";

fn build(dir: &Dir, inputs: &[&str], extra: &[&str]) -> (std::process::Output, std::path::PathBuf) {
    let out = dir.path("out/book.epub");
    let mut args = vec!["build"];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&["-o", out.to_str().unwrap(), "--date", DATE]);
    args.extend_from_slice(extra);
    (inkquire(&args), out)
}

fn labels(entries: &[Entry]) -> Vec<(usize, String)> {
    entries.iter().map(|e| (e.depth, e.label.clone())).collect()
}

#[test]
fn examples_make_a_valid_issue_with_sections_articles_and_cover() {
    let dir = Dir::new();
    let (o, book_path) = build(&dir, &["examples/"], &["--title", "Example Gazette"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&book_path);
    let book = Book::open(&book_path);
    assert_eq!(book.order[0], "mimetype");

    // Sections of one article are gathered into the last one.
    let expected = vec![
        (1, "Contents".to_owned()),
        (1, "World".to_owned()),
        (2, "Harbour reopens after three-year rebuild".to_owned()),
        (2, "Coastal Towns Vote to Share One Fire Service".to_owned()),
        (1, "Also in this issue".to_owned()),
        (
            2,
            "Le festival de la lanterne fête ses vingt ans".to_owned(),
        ),
        (
            2,
            "A comet’s ‘second visit’ is brighter than predicted".to_owned(),
        ),
        (2, "Why e-ink pages flash when they turn".to_owned()),
    ];
    assert_eq!(labels(&book.nav()), expected);
    assert_eq!(labels(&book.ncx()), expected);
    // NCX order is spine order.
    let mut ncx_hrefs: Vec<String> = book.ncx().into_iter().map(|e| e.href).collect();
    // A section's entry leads to its first article.
    ncx_hrefs.dedup();
    let spine: Vec<String> = book
        .spine()
        .into_iter()
        .filter(|h| ncx_hrefs.contains(h))
        .collect();
    assert_eq!(ncx_hrefs, spine);

    // Each article holds its title and its text.
    let arts = book.articles();
    assert_eq!(arts.len(), 5);
    assert_eq!(
        book.title_of(&arts[4]),
        "Why e-ink pages flash when they turn"
    );
    let body = book.doc_text(&arts[4], Some("article-body"));
    assert!(body.contains("millions of tiny capsules"), "{body}");
    assert!(
        !body.contains("Subscribe") && !body.contains("Privacy"),
        "page furniture left: {body}"
    );
    let harbour = book.doc_text(&arts[0], Some("article-body"));
    assert!(
        harbour.contains("“We thought the winter storms would cost us the spring,”"),
        "{harbour}"
    );
    assert!(
        harbour.contains("slightly under budget — a rare thing"),
        "{harbour}"
    );

    // The saved page's metadata reaches the header.
    let header = book.doc_text(&arts[4], Some("article-header"));
    assert!(
        header.contains("By Priya Raman") && header.contains("The Inkquire Examples"),
        "{header}"
    );
    assert!(
        book.text(&format!("OEBPS/{}", arts[4]))
            .contains("<time datetime=\"2026-11-27T18:05:00-05:00\">")
    );
    assert!(
        header.contains("example.org/tech/e-ink-refresh"),
        "canonical link: {header}"
    );

    // The local image made it in and is referenced.
    let tech = book.text(&format!("OEBPS/{}", arts[4]));
    let img = book
        .files
        .keys()
        .find(|k| k.starts_with("OEBPS/images/") && !k.ends_with("cover.png"));
    let img = img.expect("the example's image is in the book");
    assert!(tech.contains(&format!("src=\"{}\"", img.trim_start_matches("OEBPS/"))));

    book.assert_links_resolve();
    assert_eq!(book.assert_cover(), (1072, 1448));

    let opf = book.opf();
    for needle in [
        "<dc:title id=\"title\">Example Gazette — 28 November 2026</dc:title>",
        "<dc:date>2026-11-28T12:00:00",
        "<dc:language>en</dc:language>",
        "<dc:subject>science</dc:subject>",
        "<meta name=\"calibre:series\" content=\"Example Gazette\"/>",
        "<meta name=\"calibre:series_index\" content=\"1\"/>",
        "property=\"belongs-to-collection\"",
        "property=\"group-position\">1</meta>",
        "<dc:identifier id=\"pub-id\">urn:uuid:",
    ] {
        assert!(opf.contains(needle), "OPF lacks {needle}:\n{opf}");
    }

    // The contents page lists every article with a summary line.
    let contents = book.doc_text("contents.xhtml", None);
    assert!(
        contents.contains("The rebuilt harbour took its first ferry on Thursday"),
        "{contents}"
    );
}

#[test]
fn periodical_navigation_links_every_article() {
    let dir = Dir::new();
    let (o, path) = build(&dir, &["examples/"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let book = Book::open(&path);
    let arts = book.articles();
    for (i, href) in arts.iter().enumerate() {
        let x = book.text(&format!("OEBPS/{href}"));
        let has = |class: &str| x.contains(&format!("class=\"{class}\""));
        assert_eq!(has("prev"), i > 0, "{href}: previous link");
        assert_eq!(has("next"), i + 1 < arts.len(), "{href}: next link");
        assert!(
            has("up") && has("contents-link"),
            "{href}: section and contents links"
        );
        if i + 1 < arts.len() {
            assert!(x.contains(&format!("href=\"{}\" class=\"next\"", arts[i + 1])));
        }
    }
    book.assert_links_resolve();
}

#[test]
fn every_group_by_gives_a_valid_book() {
    for (group, top) in [
        ("topic", vec!["Contents", "World", "Also in this issue"]),
        (
            "source",
            // The files that name no site are one section of their own.
            vec!["Contents", "The Inkquire Examples", "Your files"],
        ),
        (
            "date",
            vec![
                "Contents",
                "Friday 27 November 2026",
                "Thursday 26 November 2026",
                "Wednesday 25 November 2026",
            ],
        ),
        ("none", vec![]),
    ] {
        let dir = Dir::new();
        let (o, path) = build(&dir, &["examples/"], &["--group-by", group]);
        assert_eq!(o.status.code(), Some(0), "{group}: {}", stderr(&o));
        epubcheck(&path);
        let book = Book::open(&path);
        let nav = book.nav();
        let tops: Vec<&str> = nav
            .iter()
            .filter(|e| e.depth == 1)
            .map(|e| e.label.as_str())
            .collect();
        if group == "none" {
            assert_eq!(
                nav.iter().filter(|e| e.depth > 1).count(),
                0,
                "none: flat TOC"
            );
            assert_eq!(
                tops.len(),
                6,
                "none: contents + 5 articles at the top: {tops:?}"
            );
        } else {
            assert_eq!(tops, top, "{group}");
            assert_eq!(nav.iter().filter(|e| e.depth == 2).count(), 5, "{group}");
        }
        assert_eq!(
            labels(&book.ncx()),
            labels(&nav),
            "{group}: NCX matches nav"
        );
        // No section pages: a section is a heading on the contents page and in the navigation.
        assert!(
            !book.files.keys().any(|k| k.contains("section-")),
            "{group}"
        );
        book.assert_links_resolve();
    }
}

/// Many sources of one article each: they are gathered into one section ("Also in this
/// issue") after the sources with several, no section has a page of its own, and every title
/// is listed once before the first article.
#[test]
fn one_article_sections_are_gathered_and_no_title_is_listed_twice() {
    let dir = Dir::new();
    for (i, source) in ["Harbour Post", "Harbour Post", "A", "B", "C", "D"]
        .iter()
        .enumerate()
    {
        dir.write(
            &format!("in/{i}.md"),
            format!(
                "---\ntitle: Story number {i}\nsource: {source}\ndate: 2026-11-2{i}\n---\n\nThe text of story {i}.\n"
            ),
        );
    }
    let (o, path) = build(
        &dir,
        &[dir.path("in").to_str().unwrap()],
        &["--group-by", "source"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("6 articles in 2 sections"),
        "{}",
        stderr(&o)
    );
    epubcheck(&path);
    let book = Book::open(&path);
    let tops: Vec<(usize, String)> = labels(&book.nav())
        .into_iter()
        .filter(|(d, _)| *d == 1)
        .collect();
    assert_eq!(
        tops,
        [
            (1, "Contents".to_owned()),
            (1, "Harbour Post".to_owned()),
            (1, "Also in this issue".to_owned())
        ]
    );
    assert!(!book.files.keys().any(|k| k.contains("section-")));
    // Before the first article the reader meets each title once: on the contents page. So too
    // in an issue of one section, and in one a reader west of Greenwich dates right.
    let titles_once = |book: &Book| {
        let spine = book.spine();
        let first = book.articles()[0].clone();
        let before: String = spine
            .iter()
            .take_while(|h| **h != first)
            .map(|h| book.doc_text(h, None))
            .collect();
        for i in 0..6 {
            assert_eq!(
                before.matches(&format!("Story number {i}")).count(),
                1,
                "story {i}: {before}"
            );
        }
    };
    titles_once(&book);
    book.assert_links_resolve();
    let one = dir.path("one.epub");
    let o = inkquire_env(
        &[
            "build",
            dir.path("in").to_str().unwrap(),
            "--group-by",
            "none",
            "--date",
            DATE,
            "-o",
            one.to_str().unwrap(),
        ],
        &[("TZ", "America/Los_Angeles")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&one);
    let book = Book::open(&one);
    titles_once(&book);
    assert!(
        book.opf()
            .contains(&format!("<dc:date>{DATE}T12:00:00-08:00</dc:date>")),
        "{}",
        book.opf()
    );
}

#[test]
fn every_style_and_a_users_own_css() {
    let dir = Dir::new();
    let own = dir.write("mine.css", "body { font-size: 1.1em; }\n");
    for style in ["serif", "sans", own.to_str().unwrap()] {
        let (o, path) = build(&dir, &["examples/world"], &["--style", style]);
        assert_eq!(o.status.code(), Some(0), "{style}: {}", stderr(&o));
        epubcheck(&path);
        let css = Book::open(&path).text("OEBPS/style.css");
        match style {
            "serif" => assert!(css.contains("font-family: serif")),
            "sans" => assert!(css.contains("font-family: sans-serif")),
            _ => assert!(css.contains("font-family: serif") && css.contains("font-size: 1.1em")),
        }
    }
    let o = inkquire(&[
        "build",
        "examples/",
        "--style",
        "fancy",
        "-o",
        dir.path("x.epub").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no style named `fancy`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn markdown_only_text_only_and_a_single_article() {
    let dir = Dir::new();
    let md = dir.write(
        "notes/one.md",
        "---\ntitle: Only Markdown\ndate: 2026-11-20\ntags: [notes]\n---\nA *single* note with a [link](https://example.org/a).\n",
    );
    dir.write(
        "notes/two.md",
        "# Second note\n\nAnother paragraph -- with a dash.\n",
    );
    dir.write(
        "wire/a.txt",
        "Headline One\n\nLONDON -- Something happened today.\n\nMore text.\n",
    );
    dir.write("wire/b.txt", "Headline Two\n\nA plain paragraph.\n");

    let (o, path) = build(&dir, &[dir.path("notes").to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&path);
    let book = Book::open(&path);
    let titles: Vec<String> = book.articles().iter().map(|a| book.title_of(a)).collect();
    assert_eq!(titles, ["Only Markdown", "Second note"]);
    assert!(
        book.doc_text(&book.articles()[1], Some("article-body"))
            .contains("Another paragraph — with a dash.")
    );

    let (o, path) = build(
        &dir,
        &[dir.path("wire").to_str().unwrap()],
        &["--group-by", "none"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&path);
    let book = Book::open(&path);
    let titles: Vec<String> = book.articles().iter().map(|a| book.title_of(a)).collect();
    assert_eq!(titles, ["Headline One", "Headline Two"]);
    assert!(
        book.doc_text(&book.articles()[0], Some("article-body"))
            .trim_start()
            .starts_with("LONDON —")
    );

    let (o, path) = build(&dir, &[md.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&path);
    let book = Book::open(&path);
    assert_eq!(book.articles().len(), 1);
    // One section is no section: the contents page is its list, and nothing says "1 section".
    assert_eq!(
        labels(&book.nav()),
        vec![(1, "Contents".into()), (1, "Only Markdown".into())]
    );
    assert!(
        stderr(&o).contains("1 article, ") && !stderr(&o).contains("section"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn same_inputs_and_date_give_identical_bytes() {
    let dir = Dir::new();
    let a = dir.path("a.epub");
    let b = dir.path("b.epub");
    for out in [&a, &b] {
        let o = inkquire(&[
            "build",
            "examples/",
            "--date",
            DATE,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let c = dir.path("c.epub");
    let o = inkquire(&[
        "build",
        "examples/",
        "--date",
        "2026-11-29",
        "-o",
        c.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_ne!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&c).unwrap(),
        "the date is part of the book"
    );
}

#[test]
fn bad_inputs_are_named_and_the_good_ones_still_build() {
    let dir = Dir::new();
    dir.write("in/good.md", "# Good article\n\nFine text here.\n");
    dir.write(
        "in/binary.md",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10binary junk\0\xff",
    );
    dir.write("in/empty.md", b"");
    dir.write(
        "in/latin1.txt",
        b"Caf\xe9 na\xefve\n\nLe caf\xe9 \xe9tait d\xe9j\xe0 ferm\xe9 quand nous sommes arriv\xe9s \xe0 la gare.\n",
    );
    dir.write(
        "in/hostile.html",
        r#"<h1>Hostile page</h1>
        <p onclick="steal()">Legit paragraph.<script>alert(1)</script></p>
        <iframe src="https://tracker.example.invalid/"></iframe>
        <p><a href="javascript:alert(2)">click</a> <a href="https://example.org/ok">ok link</a></p>
        <img src="file:///etc/passwd" alt="x"><img src="../../../etc/hostname" alt="y">
        <img src="missing.png" alt="z"><object data="x.swf"></object>
        <svg><script>alert(3)</script></svg>"#,
    );
    dir.write("in/picture.jpg", b"not really a jpeg");
    std::os::unix::fs::symlink("/nonexistent/file.md", dir.path("in/gone.md")).unwrap();

    let (o, path) = build(
        &dir,
        &[dir.path("in").to_str().unwrap()],
        &["--group-by", "none"],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for (file, why) in [
        ("binary.md", "binary data"),
        ("empty.md", "empty"),
        ("gone.md", "cannot read"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("error:") && l.contains(file) && l.contains(why)),
            "{file} should be named with `{why}`:\n{err}"
        );
    }
    assert!(
        err.contains("latin1.txt: not UTF-8: decoded as windows-1252"),
        "{err}"
    );
    assert!(
        err.contains("hostile.html: removed unsafe content"),
        "{err}"
    );
    assert!(err.contains("missing.png"), "{err}");
    assert!(
        !err.contains("picture.jpg"),
        "non-article files in a folder are skipped silently"
    );

    epubcheck(&path);
    let book = Book::open(&path);
    let titles: Vec<String> = book.articles().iter().map(|a| book.title_of(a)).collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(titles.contains(&"Café naïve".to_owned()), "{titles:?}");
    let latin = book
        .articles()
        .into_iter()
        .find(|a| book.title_of(a) == "Café naïve")
        .unwrap();
    assert!(
        book.doc_text(&latin, Some("article-body"))
            .contains("Le café était déjà fermé")
    );
    let hostile = book
        .articles()
        .into_iter()
        .find(|a| book.title_of(a) == "Hostile page")
        .unwrap();
    let body = book.doc_text(&hostile, Some("article-body"));
    assert!(
        body.contains("Legit paragraph.") && body.contains("ok link"),
        "{body}"
    );

    for (name, data) in &book.files {
        if name.ends_with(".png") || name.ends_with(".jpg") {
            continue;
        }
        let text = String::from_utf8_lossy(data).to_lowercase();
        for bad in [
            "<script",
            "javascript:",
            "file:",
            "onclick",
            "<iframe",
            "<object",
            "/etc/",
            "tracker.example",
        ] {
            assert!(!text.contains(bad), "{name} contains {bad}");
        }
    }
    // Only the cover image: every image reference above was refused.
    let images: Vec<&String> = book
        .files
        .keys()
        .filter(|k| k.starts_with("OEBPS/images/"))
        .collect();
    assert_eq!(images, [&"OEBPS/images/cover.png".to_owned()]);
}

#[test]
fn nothing_readable_writes_nothing() {
    let dir = Dir::new();
    dir.write("in/empty.md", "");
    let (o, path) = build(&dir, &[dir.path("in/empty.md").to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!path.exists());
    assert!(
        stderr(&o).contains("none of the inputs could be read"),
        "{}",
        stderr(&o)
    );
    let o = inkquire(&["build", dir.path("nope").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope: cannot read"), "{}", stderr(&o));
}

#[test]
fn selection_by_window_topic_and_limit() {
    let dir = Dir::new();
    let now = chrono::Utc::now();
    let when = |hours: i64| (now - chrono::Duration::hours(hours)).to_rfc3339();
    for (name, hours, topic) in [
        ("fresh", 2, "tech"),
        ("day-old", 30, "world"),
        ("old", 24 * 10, "tech"),
    ] {
        dir.write(
            &format!("in/{name}.md"),
            format!(
                "---\ntitle: {name}\ndate: {}\ntopics: [{topic}]\n---\nBody of {name}.\n",
                when(hours)
            ),
        );
    }
    dir.write(
        "in/undated.md",
        "---\ntitle: undated\ntopics: [tech]\n---\nNo date at all.\n",
    );
    let input = dir.path("in");
    let input = input.to_str().unwrap();
    let titles = |extra: &[&str]| -> Option<Vec<String>> {
        let (o, path) = build(&dir, &[input], extra);
        if o.status.code() == Some(2) {
            assert!(!path.exists());
            return None;
        }
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let book = Book::open(&path);
        std::fs::remove_file(&path).unwrap();
        let mut t: Vec<String> = book.articles().iter().map(|a| book.title_of(a)).collect();
        t.sort();
        Some(t)
    };
    // Inputs named on the command line have no window unless one is given.
    assert_eq!(titles(&[]).unwrap(), ["day-old", "fresh", "old", "undated"]);
    assert_eq!(
        titles(&["--since", "36h"]).unwrap(),
        ["day-old", "fresh", "undated"],
        "undated uses the file's time"
    );
    assert_eq!(titles(&["--since", "3h"]).unwrap(), ["fresh", "undated"]);
    assert_eq!(
        titles(&["--since", "2w", "--topic", "TECH"]).unwrap(),
        ["fresh", "old", "undated"]
    );
    assert_eq!(titles(&["--topic", "world"]).unwrap(), ["day-old"]);
    assert_eq!(titles(&["--limit", "1"]).unwrap(), ["fresh"]);
    assert_eq!(titles(&["--since", "all"]).unwrap().len(), 4);
    let old_day = (now - chrono::Duration::days(10)).date_naive().to_string();
    assert_eq!(
        titles(&["--from", &old_day, "--to", &old_day]).unwrap(),
        ["old"]
    );
    assert_eq!(titles(&["--topic", "sports"]), None);
    let (o, _) = build(&dir, &[input], &["--topic", "sports"]);
    assert!(
        stderr(&o).contains("no article matched the selection"),
        "{}",
        stderr(&o)
    );
    let (o, _) = build(&dir, &[input], &["--since", "yesterday-ish"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("neither a duration"), "{}", stderr(&o));
}

#[test]
fn footnotes_stay_unique_and_working_across_articles() {
    let dir = Dir::new();
    for name in ["a", "b"] {
        dir.write(
            &format!("in/{name}.md"),
            format!("# Article {name}\n\nClaim one.[^1] Claim two.[^note]\n\n[^1]: First source.\n[^note]: Second source.\n"),
        );
    }
    let (o, path) = build(&dir, &[dir.path("in").to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&path);
    let book = Book::open(&path);
    book.assert_links_resolve();
    let mut all_ids = Vec::new();
    for a in book.articles() {
        let x = book.text(&format!("OEBPS/{a}"));
        assert_eq!(x.matches("epub:type=\"noteref\"").count(), 2, "{x}");
        assert_eq!(x.matches("epub:type=\"footnote\"").count(), 2, "{x}");
        let doc = xml(&x).unwrap();
        all_ids.extend(
            doc.descendants()
                .filter_map(|n| n.attribute("id").map(str::to_owned)),
        );
    }
    let n = all_ids.len();
    all_ids.sort();
    all_ids.dedup();
    assert_eq!(all_ids.len(), n, "ids repeat across articles");
}

#[test]
fn typography_follows_the_language() {
    let dir = Dir::new();
    dir.write(
        "in/de.md",
        "---\ntitle: Deutsch\nlang: de\n---\nEr sagte \"Hallo\" -- und ging...\n",
    );
    dir.write(
        "in/fr.md",
        "---\ntitle: Français\nlang: fr\n---\nElle a dit \"bonjour\".\n",
    );
    dir.write(
        "in/en.md",
        "---\ntitle: English\nlang: en\n---\nShe said \"hello\" and 'goodbye'.\n",
    );
    let (o, path) = build(&dir, &[dir.path("in").to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&path);
    let book = Book::open(&path);
    let by_title = |t: &str| {
        let a = book
            .articles()
            .into_iter()
            .find(|a| book.title_of(a) == t)
            .unwrap();
        (
            book.doc_text(&a, Some("article-body")),
            book.text(&format!("OEBPS/{a}")),
        )
    };
    let (de, de_doc) = by_title("Deutsch");
    assert!(de.contains("Er sagte „Hallo“ — und ging…"), "{de}");
    assert!(de_doc.contains("lang=\"de\""));
    assert!(
        by_title("Français")
            .0
            .contains("Elle a dit «\u{202f}bonjour\u{202f}».")
    );
    assert!(
        by_title("English")
            .0
            .contains("She said “hello” and ‘goodbye’.")
    );
}

#[test]
fn output_folder_gets_a_named_book_and_help_teaches() {
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path("issues")).unwrap();
    let o = inkquire(&[
        "build",
        "examples/",
        "--title",
        "Evening Paper",
        "--date",
        DATE,
        "-o",
        dir.path("issues").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let names: Vec<String> = std::fs::read_dir(dir.path("issues"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["Evening-Paper-2026-11-28.epub"],
        "no temporary files left behind"
    );

    let help = String::from_utf8(inkquire(&["build", "--help"]).stdout).unwrap();
    for needle in ["Examples:", "--since 36h", "Exit codes:", "--group-by"] {
        assert!(help.contains(needle), "build --help lacks {needle}");
    }
}

#[test]
fn quiet_verbose_and_the_log_variable() {
    let dir = Dir::new();
    dir.write("in/a.md", "# Fine\n\n![gone](missing.png) Text.\n");
    let out = dir.path("q.epub");
    let input = dir.path("in");
    let args = [
        "build",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    let plain = inkquire(&args);
    assert!(stderr(&plain).contains("warning:") && stderr(&plain).contains("Wrote"));
    let mut q = args.to_vec();
    q.push("-q");
    let quiet = inkquire(&q);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(stderr(&quiet), "", "-q says nothing when all went well");
    let mut v = args.to_vec();
    v.push("-v");
    assert!(
        stderr(&inkquire(&v)).contains("  1. Fine"),
        "-v lists the articles"
    );
    let o = crate::util::command()
        .args(args)
        .env("INKQUIRE_LOG", "warn")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(err.contains("warning:") && !err.contains("Wrote"), "{err}");
}

#[test]
fn a_build_larger_than_a_formatting_batch_keeps_every_article_in_order() {
    // 600 articles: more than two of the formatter's batches of 256.
    let dir = Dir::new();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    for n in 0..600 {
        let at = start + chrono::Duration::hours(n);
        dir.write(
            &format!("in/note-{n:03}.md"),
            format!(
                "---\ntitle: Note {n:03}\ndate: {}\n---\nThe body of note number {n:03}, \
                 with its own words.\n",
                at.and_utc().to_rfc3339()
            ),
        );
    }
    let (o, path) = build(&dir, &[dir.path("in").to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&path);
    let book = Book::open(&path);
    let articles = book.articles();
    assert_eq!(articles.len(), 600);
    // Newest first, each page holding its own text.
    for (i, href) in articles.iter().enumerate() {
        let n = 599 - i;
        assert_eq!(book.title_of(href), format!("Note {n:03}"));
        let page = book.doc_text(href, None);
        assert!(
            page.contains(&format!("note number {n:03}")),
            "{href}: {page}"
        );
    }
}

/// Sizes are printed in one unit system, decimal: the size `build` reports is the book's.
#[test]
fn the_size_build_prints_is_the_books_in_decimal_units() {
    let dir = Dir::new();
    let out = dir.path("e.epub");
    let o = inkquire(&[
        "build",
        "examples",
        "--date",
        "2026-11-28",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::metadata(&out).unwrap().len();
    let want = if bytes >= 1_000_000 {
        format!("{:.1} MB.", bytes as f64 / 1e6)
    } else {
        format!("{} kB.", bytes.div_ceil(1000))
    };
    let err = stderr(&o);
    let wrote = err
        .lines()
        .find(|l| l.starts_with("Wrote "))
        .expect("a Wrote line");
    assert!(
        wrote.ends_with(&want),
        "{wrote} (the file is {bytes} bytes)"
    );
}

/// A saved news page whose article block carries the usual furniture: the book holds the
/// story and none of the share bar, newsletter prompt, gallery counter, teaser, related list,
/// empty paragraphs or the byline repeated under our header.
#[test]
fn a_saved_page_keeps_its_story_and_loses_the_furniture_inside_it() {
    let dir = Dir::new();
    let para = |i: usize| {
        format!(
            "<p>Paragraph {i} of the story: the harbour authority said on Monday that the old \
             pier would close for repairs lasting most of next year, and ferries would move.</p>"
        )
    };
    let story: String = (1..=8).map(para).collect();
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><title>Pier to Close | Harbour News</title>\
         <meta property=\"og:title\" content=\"Pier to Close\"/>\
         <meta name=\"author\" content=\"Ann Lee\"/></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\
         <article><h1>Pier to Close</h1><p class=\"byline\">By Ann Lee</p>\
         <div class=\"share-tools\"><a href=\"https://facebook.com/s\">Facebook</a> <a href=\"https://x.com/s\">Post</a></div>\
         {story}\
         <p></p><p>  </p>\
         <figure><img src=\"pier.png\" alt=\"The pier\"/><figcaption>The pier at low tide</figcaption></figure>\
         <div>3 / 12</div>\
         <div class=\"newsletter-box\"><p>Get Harbour News every morning.</p><a href=\"/signup\">Sign up</a></div>\
         <div class=\"teaser\"><a href=\"/other\"><span>Sport</span><h3>Rowing club wins cup</h3><p>A famous win.</p></a></div>\
         <h3>Related</h3><ul><li><a href=\"/1\">Ferries to run later</a></li><li><a href=\"/2\">New quay plans</a></li>\
         <li><a href=\"/3\">Harbour budget</a></li></ul>\
         </article><footer>© 2026 Harbour News</footer></body></html>"
    );
    // The picture is a local file beside the page: nothing is fetched.
    dir.write("pier.png", png(400, 300));
    let input = dir.write("pier.html", page);
    let out = dir.path("pier.epub");
    let o = inkquire(&[
        "build",
        input.to_str().unwrap(),
        "--date",
        "2026-11-28",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    let arts = book.articles();
    assert_eq!(arts.len(), 1);
    assert_eq!(book.title_of(&arts[0]), "Pier to Close");
    let body = book.doc_text(&arts[0], Some("article-body"));
    for i in 1..=8 {
        assert!(
            body.contains(&format!("Paragraph {i} of the story")),
            "{body}"
        );
    }
    assert!(
        body.contains("The pier at low tide"),
        "the caption stays: {body}"
    );
    for gone in [
        "By Ann Lee",
        "Facebook",
        "3 / 12",
        "Harbour News every morning",
        "Sign up",
        "Rowing club",
        "Related",
        "Ferries to run later",
        "Home",
    ] {
        assert!(!body.contains(gone), "{gone:?} in the body: {body}");
    }
    let xhtml = book.text(&format!("OEBPS/{}", arts[0]));
    assert!(
        !xhtml.contains("<p></p>") && !xhtml.contains("<p> </p>"),
        "empty paragraphs: {xhtml}"
    );
}

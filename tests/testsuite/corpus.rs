//! Against real material from ../shared/corpus: the wire-copy seed, the 40 Readability pages and a
//! floor on trafilatura's extraction set. Each test skips with a message when ../shared is absent.

use crate::util::*;

#[test]
fn seed_wire_copy_is_read_like_an_editor_would() {
    let Some(corpus) = corpus("seed_wire_copy_is_read_like_an_editor_would") else {
        return;
    };
    let seed = corpus.join("seed/north-korea-apology.txt");
    let dir = Dir::new();
    let out = dir.path("seed.epub");
    let o = inkquire(&[
        "build",
        seed.to_str().unwrap(),
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
    assert_eq!(
        book.title_of(&arts[0]),
        "North Korea Apologizes For Japanese Abductions"
    );

    let x = book.text(&format!("OEBPS/{}", arts[0]));
    assert!(
        x.contains("<time datetime=\"2016-07-27\">27 July 2016</time>"),
        "date from the stamp"
    );
    let doc = xml(&x).unwrap();
    let body = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("article-body"))
        .unwrap();
    let paras: Vec<String> = body
        .descendants()
        .filter(|n| n.has_tag_name("p"))
        .map(|p| {
            p.descendants()
                .filter(|t| t.is_text())
                .map(|t| t.text().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(paras.len(), 15, "{paras:#?}");
    assert!(
        paras[0].starts_with("PYONGYANG, North Korea —"),
        "{}",
        paras[0]
    );
    assert!(
        paras[1].starts_with("The concessions, won by Koizumi"),
        "order kept: {}",
        paras[1]
    );
    assert!(
        paras[2].starts_with("“It is regretful and I want to frankly apologize,”"),
        "{}",
        paras[2]
    );

    let all = book.doc_text(&arts[0], None);
    assert!(
        !all.contains("Get the latest updates"),
        "promotional line removed"
    );
    assert!(!all.contains("right on your browser"));
    assert!(!all.contains("Last Updated"));
    assert!(!all.contains('"'), "straight double quotes left");
    assert!(!all.contains("--"), "`--` left");
    // Every paragraph of the source is there, in order, by its first words.
    let src = std::fs::read_to_string(&seed).unwrap();
    // Promotional line, stamp and headline come first; the body follows.
    let source_paras: Vec<&str> = src
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .skip(3)
        .collect();
    assert_eq!(source_paras.len(), 15);
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    for (got, want) in paras.iter().zip(&source_paras) {
        assert_eq!(words(got), words(want), "paragraph text and order");
    }
}

/// The 40 pages of the corpus, as (name, source.html, expected text, expected title).
fn readability_pages(
    corpus: &std::path::Path,
) -> Vec<(String, std::path::PathBuf, String, String)> {
    let mut names: Vec<String> = std::fs::read_dir(corpus.join("articles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let d = corpus.join("articles").join(&name);
            let expected = std::fs::read_to_string(d.join("expected.html")).unwrap();
            let text = dom_query::Document::fragment(expected.as_str())
                .text()
                .to_string();
            let meta: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(d.join("expected-metadata.json")).unwrap(),
            )
            .unwrap();
            let title = meta["title"].as_str().unwrap().to_owned();
            (name, d.join("source.html"), text, title)
        })
        .collect()
}

#[test]
fn forty_real_pages_build_one_valid_issue_with_readable_text() {
    let Some(corpus) = corpus("forty_real_pages_build_one_valid_issue_with_readable_text") else {
        return;
    };
    let pages = readability_pages(&corpus);
    assert_eq!(pages.len(), 40);
    let dir = Dir::new();
    let out = dir.path("corpus.epub");
    let mut args: Vec<String> = vec!["build".into()];
    args.extend(pages.iter().map(|p| p.1.to_str().unwrap().to_owned()));
    args.extend(["--date", "2026-11-28", "--group-by", "none", "-o"].map(String::from));
    args.push(out.to_str().unwrap().to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = inkquire(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    ace(&out);
    let book = Book::open(&out);
    book.assert_links_resolve();
    let arts = book.articles();
    assert_eq!(arts.len(), 40);
    // Pictures that could not be had (all of them: the pages are read offline) leave no
    // "[alt text]" placeholder and no TeX: a caption, or one quiet note.
    for a in &arts {
        let x = book.text(&format!("OEBPS/{a}"));
        assert!(
            !x.contains("class=\"missing-picture\">[") && !x.contains("displaystyle"),
            "{a}"
        );
    }

    // Titles as the book shows them: the expected title, typeset and with spaces collapsed.
    let mut scores = Vec::new();
    for (name, _, want_text, want_title) in &pages {
        let lang = "en";
        let shown = inkquire::formatter::typeset(&inkquire::formatter::collapse(want_title), lang);
        let doc = arts.iter().find(|a| {
            let t = book.title_of(a);
            same_title(&t, &shown)
                || same_title(
                    &t,
                    &inkquire::formatter::typeset(
                        &inkquire::formatter::collapse(want_title),
                        &lang_of(&book, a),
                    ),
                )
        });
        let doc = doc.unwrap_or_else(|| panic!("{name}: no article titled {want_title:?}"));
        let got = book.doc_text(doc, Some("article-body"));
        let f1 = token_f1(&got, want_text);
        scores.push((f1, name.clone()));
    }
    scores.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    let median = (scores[19].0 + scores[20].0) / 2.0;
    eprintln!(
        "token F1: min {:.3} ({}), median {median:.3}",
        scores[0].0, scores[0].1
    );
    assert!(
        median >= 0.95,
        "median F1 {median:.3}; lowest: {:?}",
        &scores[..5]
    );
    assert!(
        scores[0].0 >= 0.8,
        "minimum F1 {:.3} ({})",
        scores[0].0,
        scores[0].1
    );
}

/// The `lang` of an article document.
fn lang_of(book: &Book, href: &str) -> String {
    let x = book.text(&format!("OEBPS/{href}"));
    let doc = xml(&x).unwrap();
    doc.root_element()
        .attribute("lang")
        .unwrap_or("en")
        .to_owned()
}

#[test]
fn each_page_title_is_the_expected_title() {
    let Some(corpus) = corpus("each_page_title_is_the_expected_title") else {
        return;
    };
    let mut report = inkquire::report::Report::default();
    for (name, path, _, want_title) in readability_pages(&corpus) {
        let a = inkquire::collector::read_file(
            &path,
            path.parent().unwrap(),
            inkquire::collector::MAX_INPUT_BYTES,
            &mut report,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            same_title(&a.title, &want_title),
            "{name}: {:?}, expected {want_title:?}",
            a.title
        );
    }
}

/// Our title is Readability's, or Readability's without the site's name after a separator
/// (" – Firefox Nightly News", " - Yahoo!ニュース", " :: 痞客邦 PIXNET ::"): titles leave the site
/// out (issue 36), Readability keeps it.
fn same_title(ours: &str, readability: &str) -> bool {
    ours == readability
        || readability.strip_prefix(ours).is_some_and(|rest| {
            let r = rest.trim_start();
            rest.chars().count() <= 52
                && ["-", "|", "–", "—", "::", "·", "»", "/", "｜", "_"]
                    .iter()
                    .any(|s| r.starts_with(s))
        })
}

/// The floor under extraction quality: every fifth page of trafilatura's evaluation set (198
/// pages, by address), read as `build` reads a saved page and scored as
/// `scripts/extraction-eval` scores the whole set. A change that loses precision or recall
/// fails here.
#[test]
fn extraction_on_a_fixed_fifth_of_the_evaluation_set_stays_above_its_floor() {
    let Some(corpus) =
        corpus("extraction_on_a_fixed_fifth_of_the_evaluation_set_stays_above_its_floor")
    else {
        return;
    };
    use rayon::prelude::*;
    let set = corpus.join("extraction");
    let ev: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(set.join("evaldata.json")).unwrap()).unwrap();
    let ev = ev.as_object().unwrap();
    let mut urls: Vec<&String> = ev.keys().collect();
    urls.sort();
    let norm = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let counts: Vec<(usize, usize, usize)> = urls
        .par_iter()
        .step_by(5)
        .map(|url| {
            let item = &ev[*url];
            let file = item["file"].as_str().unwrap();
            let path = [set.join("cache").join(file), set.join("eval").join(file)]
                .into_iter()
                .find(|p| p.exists())
                .unwrap();
            let bytes = std::fs::read(&path).unwrap();
            let text = inkquire::pipeline::offline::page_text(&bytes, &path)
                .map(|t| norm(&t))
                .unwrap_or_default();
            let segs = |key: &str| -> Vec<String> {
                item[key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| norm(s.as_str().unwrap()))
                    .collect()
            };
            let with = segs("with");
            let found = with.iter().filter(|w| text.contains(w.as_str())).count();
            let junk = segs("without")
                .iter()
                .filter(|w| text.contains(w.as_str()))
                .count();
            (found, with.len() - found, junk)
        })
        .collect();
    let (tp, fn_, fp) = counts
        .iter()
        .fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
    let p = tp as f64 / (tp + fp) as f64;
    let r = tp as f64 / (tp + fn_) as f64;
    let f1 = 2.0 * p * r / (p + r);
    eprintln!(
        "extraction, {} pages: precision {p:.3} recall {r:.3} F1 {f1:.3}",
        counts.len()
    );
    assert_eq!(counts.len(), 198);
    assert!(
        p >= FLOOR_P && r >= FLOOR_R && f1 >= FLOOR_F1,
        "precision {p:.3} recall {r:.3} F1 {f1:.3}"
    );
}

/// Measured on 2026-12-01 (precision 0.920, recall 0.903, F1 0.911; before the prose check
/// 0.911, 0.892, 0.902; on 2026-11-30 0.869, 0.891, 0.880), less about a point of margin. Raise them as extraction gets better.
const FLOOR_P: f64 = 0.91;
const FLOOR_R: f64 = 0.89;
const FLOOR_F1: f64 = 0.90;

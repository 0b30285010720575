//! Right to left: Arabic, Hebrew and Persian pages are set right to left — `dir="rtl"` on their
//! pages and their entries in the contents, a header in their language with each name and date
//! isolated, an English quotation inside set left to right — and an issue that is mostly right
//! to left turns its pages from right to left. What a reader sees is checked in headless
//! Chromium: the paragraphs run right to left, a short line sits at the right, a list is
//! indented from the right, the site's name stays before the date.

use std::process::Command;

use crate::server::{Resp, TestServer};
use crate::util::*;

const HTML: &str = "text/html; charset=utf-8";

/// A page in `lang` with a byline, a date, paragraphs, a list and an English quotation.
fn page(lang: &str, title: &str, site: &str, author: &str, para: &str, items: [&str; 3]) -> String {
    let paras: String = (1..=5).map(|i| format!("<p>{para} ({i})</p>")).collect();
    let list: String = items.iter().map(|i| format!("<li>{i}</li>")).collect();
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta property=\"og:site_name\" content=\"{site}\">\
         <meta name=\"author\" content=\"{author}\">\
         <meta property=\"article:published_time\" content=\"2025-01-14T09:00:00Z\"></head>\
         <body><article><h1>{title}</h1>{paras}\
         <blockquote><p>“We will sign the agreement tomorrow morning in Geneva,” the minister told reporters.</p></blockquote>\
         <ul>{list}</ul><p>{para}</p><p>انتهى الاجتماع.</p></article></body></html>"
    )
}

/// Measures, in the page as laid out, what says which way it runs; writes it on the body.
const MEASURE: &str = "<script><![CDATA[
(function () {
  var out = {};
  var body = document.querySelector('.article-body');
  var p = body.querySelector('p');
  out.dir = getComputedStyle(p).direction;
  var short = Array.prototype.filter.call(body.querySelectorAll('p'), function (e) {
    return e.textContent.trim().length < 30;
  })[0];
  var range = document.createRange();
  range.selectNodeContents(short);
  var line = range.getBoundingClientRect();
  var box = short.getBoundingClientRect();
  // (The first-line indent sits at the start: the right.)
  out.shortAtRight = box.right - line.right < 40 && line.left > box.left + 150;
  var ul = body.querySelector('ul');
  out.listIndentRight = parseFloat(getComputedStyle(ul).marginRight) > 0 && parseFloat(getComputedStyle(ul).marginLeft) === 0;
  var quote = body.querySelector('blockquote p');
  out.quoteDir = getComputedStyle(quote).direction;
  var source = document.querySelector('.article-meta .source').getBoundingClientRect();
  var time = document.querySelector('.article-meta time').getBoundingClientRect();
  out.sourceBeforeDate = source.top === time.top && source.left > time.right;
  document.body.setAttribute('data-measured', JSON.stringify(out));
})();
]]></script>";

#[test]
fn arabic_hebrew_and_persian_pages_are_set_right_to_left() {
    let srv = TestServer::start();
    let pages = [
        (
            "/ar",
            page(
                "ar",
                "اتفاق جديد بين الحكومة والنقابات",
                "Harbour News",
                "Leila Haddad",
                "قالت الحكومة يوم الثلاثاء إن الاتفاق الجديد مع النقابات سيدخل حيز التنفيذ في الأول من مارس، بعد أشهر من المفاوضات «الصعبة» بين الطرفين في العاصمة.",
                ["الأجور", "ساعات العمل", "التقاعد"],
            ),
        ),
        (
            "/he",
            page(
                "he",
                "הסכם חדש בין הממשלה לאיגודים",
                "Harbour News",
                "Dana Levi",
                "הממשלה הודיעה ביום שלישי כי ההסכם החדש עם האיגודים ייכנס לתוקף בראשון במרץ, לאחר חודשים של משא ומתן קשה בין הצדדים בבירה.",
                ["שכר", "שעות עבודה", "פנסיה"],
            ),
        ),
        (
            "/fa",
            page(
                "fa",
                "توافق تازه میان دولت و اتحادیه‌ها",
                "Harbour News",
                "Sara Ahmadi",
                "دولت روز سه‌شنبه اعلام کرد که توافق تازه با اتحادیه‌ها از اول مارس اجرا می‌شود، پس از ماه‌ها گفت‌وگوی «دشوار» میان دو طرف در پایتخت.",
                ["دستمزد", "ساعت کار", "بازنشستگی"],
            ),
        ),
        (
            "/en",
            format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Harbour pier to close</title></head>\
                 <body><article>{}</article></body></html>",
                (1..=4)
                    .map(|i| format!("<p>The harbour authority said the old pier would close for two years while the new quay is built ({i}).</p>"))
                    .collect::<String>()
            ),
        ),
    ];
    for (path, body) in &pages {
        srv.route(path, Resp::ok(HTML, body.clone()));
    }
    let dir = Dir::new();
    let list = dir.write(
        "later.txt",
        pages
            .iter()
            .map(|(p, _)| srv.url(p) + "\n")
            .collect::<String>(),
    );
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[[source]]\nkind = \"links\"\npath = \"{}\"\n",
            list.display()
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["collect", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = dir.path("rtl.epub");
    let o = inkquire(&["build", "--config", cfg, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    ace(&out);
    let book = Book::open(&out);
    assert_eq!(book.articles().len(), 4);

    // Most of the words run right to left: its pages turn that way, and its language
    // is the one most of its words are in.
    let opf = book.text("OEBPS/content.opf");
    assert!(
        opf.contains("<spine toc=\"ncx\" page-progression-direction=\"rtl\">"),
        "{opf}"
    );
    assert!(opf.contains("<dc:language>ar</dc:language>"), "{opf}");

    let header_words = [
        ("ar", "مدة القراءة", "بقلم ", "14 يناير 2025"),
        ("he", "דקות קריאה", "מאת ", "14 בינואר 2025"),
        ("fa", "دقیقه مطالعه", "نوشتهٔ ", "۱۴ ژانویه ۲۰۲۵"),
    ];
    let nav = book.text("OEBPS/nav.xhtml");
    let contents = book.text("OEBPS/contents.xhtml");
    for a in book.articles() {
        let x = book.text(&format!("OEBPS/{a}"));
        let title = book.title_of(&a);
        let lang = x
            .split(" lang=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned();
        if lang == "en" {
            assert!(!x.contains("<html") || !x.contains("dir=\"rtl\""), "{x}");
            // In a right-to-left book, the English article's entries say it runs left to right.
            assert!(
                nav.contains(&format!(
                    "<li lang=\"en\" xml:lang=\"en\" dir=\"ltr\"><a href=\"{a}\">"
                )),
                "{nav}"
            );
            continue;
        }
        assert!(
            x.contains(&format!("lang=\"{lang}\" xml:lang=\"{lang}\" dir=\"rtl\">")),
            "{title}: the page is right to left: {x}"
        );
        let (_, minutes, by, date) = header_words
            .iter()
            .find(|h| h.0 == lang)
            .unwrap_or_else(|| panic!("{lang}"));
        let meta = book.doc_text(&a, Some("article-meta"));
        assert!(meta.contains(minutes), "{lang}: {meta}");
        assert!(meta.contains(date), "{lang}: {meta}");
        assert!(
            x.contains(&format!("<p class=\"byline\">{by}<bdi>")),
            "{lang}: the name is isolated: {x}"
        );
        assert!(
            x.contains("<bdi class=\"source\">Harbour News</bdi>"),
            "{x}"
        );
        // The English quotation runs left to right inside the right-to-left page.
        assert!(
            x.contains("<blockquote dir=\"ltr\" lang=\"en\" xml:lang=\"en\"><p>“We will sign"),
            "{x}"
        );
        // Same direction as the book: the entries need no dir of their own.
        assert!(
            nav.contains(&format!("<li><a href=\"{a}\">")) || lang != "ar",
            "{nav}"
        );
        assert!(contents.contains(&format!("href=\"{a}\"")), "{contents}");
    }
    // Hebrew and Persian entries carry their language; the book's own direction is theirs.
    assert!(nav.contains("<li lang=\"he\" xml:lang=\"he\"><a"), "{nav}");
    assert!(nav.contains("<li lang=\"fa\" xml:lang=\"fa\"><a"), "{nav}");

    // What a reader sees: laid out by Chromium at a 6-inch reader's width.
    let Some(chromium) = chromium() else {
        return;
    };
    let root = dir.path("unpacked");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    zip.extract(&root).unwrap();
    for a in book.articles() {
        let path = root.join("OEBPS").join(&a);
        let page = std::fs::read_to_string(&path).unwrap();
        if page.contains("lang=\"en\" xml:lang=\"en\">") {
            continue;
        }
        let measured = root.join("OEBPS").join(format!("measured-{a}"));
        std::fs::write(
            &measured,
            page.replace("</body>", &format!("{MEASURE}</body>")),
        )
        .unwrap();
        let o = Command::new(chromium)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--window-size=570,1000",
                "--hide-scrollbars",
                "--dump-dom",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path("chromium-profile").display()
            ))
            .arg(format!("file://{}", measured.display()))
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&o.stdout);
        let found = dom
            .split("data-measured=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("{a}: not measured: {}", stderr(&o)))
            .replace("&quot;", "\"");
        for want in [
            "\"dir\":\"rtl\"",
            "\"shortAtRight\":true",
            "\"listIndentRight\":true",
            "\"quoteDir\":\"ltr\"",
            "\"sourceBeforeDate\":true",
        ] {
            assert!(found.contains(want), "{a}: {want} in {found}");
        }
    }
}

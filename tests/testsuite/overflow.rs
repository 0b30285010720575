//! Nothing runs off the screen, checked where a reader would see it: every article of a book
//! is laid out by headless Chromium at each device profile's CSS width (its screen's width at
//! 160 CSS pixels to the inch, about 570 for a 6-inch reader), and no element reaches past the
//! right edge and no page scrolls sideways — with an 8-column table, a 5-column one, a long
//! address, a long inline code span, a long line of code, a long German compound and maths.

use std::process::Command;

use crate::util::*;

/// Measures what reaches past the right edge and writes it on the body, synchronously at the
/// end of the document (the stylesheet is loaded by then).
const MEASURE: &str = "<script><![CDATA[
(function () {
  var w = document.documentElement.clientWidth;
  var out = [];
  var all = document.body.querySelectorAll('*');
  for (var i = 0; i < all.length; i++) {
    var e = all[i];
    var r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 1) {
      out.push(e.tagName + ' ends at ' + Math.round(r.right) + ': ' + (e.textContent || '').trim().slice(0, 50));
    }
  }
  if (document.documentElement.scrollWidth > w + 1) {
    out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + w);
  }
  document.body.setAttribute('data-overflow', JSON.stringify(out));
})();
]]></script>";

fn wide_markdown() -> String {
    let header =
        "| Region | Population | Area | Capital | Language | Currency | Founded | Anthem |";
    let rule = "|---|---|---|---|---|---|---|---|";
    let rows: String = (1..=4)
        .map(|i| format!("| Northern Harbour District {i} | 1,234,567 | 45,678 km² | Harbourtown | Harbourese | Harbour crown | 1848 | Ode to the Pier |\n"))
        .collect();
    let five = "| One | Two | Three | Four | Five |\n|---|---|---|---|---|\n| Harbourmaster | Lighthouse keeper | Ferryman | Dockworker | Netmaker |\n";
    let url = format!(
        "https://harbour.example/{}",
        "very-long-path-segment-".repeat(12)
    );
    let code = format!(
        "let harbour_authority_configuration = {};",
        "\"a_long_string_value\" + ".repeat(10)
    );
    format!(
        "# A wide page\n\nThe table below has eight columns.\n\n{header}\n{rule}\n{rows}\nAnd one with five.\n\n{five}\n\
         The address is <{url}> and the call is `{code}` inline.\n\n```\n{code}\n```\n\n\
         Die Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft tagte.\n\n\
         The sum $\\sum_{{i=1}}^{{n}} i$ is\n\n$$\\sum_{{i=1}}^{{n}} i = \\frac{{n(n+1)}}{{2}}$$\n\nfor every $n \\ge 1$.\n"
    )
}

#[test]
fn no_article_runs_off_the_screen_at_any_profiles_width() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = Dir::new();
    let md = dir.write("wide.md", wide_markdown());
    let out = dir.path("wide.epub");
    let o = inkquire(&["build", md.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    let x = book.text(&format!("OEBPS/{}", book.articles()[0]));
    assert!(
        x.contains("class=\"reflow\""),
        "the 8-column table is reflowed"
    );
    assert!(
        x.contains("class=\"snug\""),
        "the 5-column table is set snug"
    );
    assert!(x.contains("data-label=\"Anthem\""), "{x}");
    assert!(x.contains("<mfrac>"), "the formula is MathML: {x}");
    // The book, unpacked, each article measured.
    let root = dir.path("unpacked");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    zip.extract(&root).unwrap();
    let articles = book.articles();
    let mut widths: Vec<(String, u32)> = inkquire::profiles::PROFILES
        .iter()
        .map(|p| (p.name.to_owned(), p.css_width()))
        .collect();
    widths.sort_by_key(|w| w.1);
    widths.dedup_by_key(|w| w.1);
    assert!(
        widths.iter().any(|w| (540..=600).contains(&w.1)),
        "a 6-inch reader is about 570 px: {widths:?}"
    );
    let profile_dir = dir.path("chromium-profile");
    for a in &articles {
        let path = root.join("OEBPS").join(a);
        let page = std::fs::read_to_string(&path).unwrap();
        let measured = root.join("OEBPS").join(format!("measured-{a}"));
        std::fs::write(
            &measured,
            page.replace("</body>", &format!("{MEASURE}</body>")),
        )
        .unwrap();
        for (name, w) in &widths {
            let o = Command::new(chromium)
                .args([
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                ])
                .arg("--disable-background-networking")
                .arg(format!("--user-data-dir={}", profile_dir.display()))
                .arg(format!("--window-size={w},1000"))
                .args(["--hide-scrollbars", "--dump-dom"])
                .arg(format!("file://{}", measured.display()))
                .output()
                .unwrap();
            let dom = String::from_utf8_lossy(&o.stdout);
            let found = dom
                .split("data-overflow=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_else(|| panic!("{a} at {w} px: not measured: {}", stderr(&o)))
                .replace("&quot;", "\"");
            assert_eq!(found, "[]", "{a} at {name}'s {w} px");
        }
    }
}

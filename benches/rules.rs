//! Site rules: a folder of 1,800 rule files (the size of the community's `ftr-site-config`
//! collection, written here in its shapes) listed; a host's file read the first time and
//! afterwards; a host without a file looked up; and a rule applied to the corpus's 40 article
//! pages (the `sxd_html` parse and the XPath expressions) beside automatic extraction of the
//! same pages.
//!
//!     cargo bench --bench rules
//!
//! Under `cargo test` (no `--bench` argument) it only checks that it builds.

use std::time::Instant;

use inkquire::collector::html::extract_page;
use inkquire::collector::rules::{Library, apply, file};

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("rules benchmark: run it with `cargo bench --bench rules`");
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    for i in 0..1800 {
        let name = match i % 3 {
            0 => format!("site{i}.example.com.txt"),
            1 => format!(".site{i}.example.org.txt"),
            _ => format!("news{i}.example.net.txt"),
        };
        std::fs::write(
            dir.path().join(name),
            format!(
                "# site {i}\ntitle: //h1[@class='headline']\nbody: //div[@id='story-{i}']\n\
                 body: //article\nauthor: //meta[@name='author']/@content\n\
                 date: //meta[@property='article:published_time']/@content\n\
                 strip: //div[contains(@class, 'related')] | //aside\n\
                 strip_id_or_class: share\nstrip_image_src: pixel\nprune: no\n\
                 test_url: https://site{i}.example.com/a\ntest_contains: text\n"
            ),
        )
        .expect("a rule file");
    }
    let folders = [dir.path().to_path_buf()];
    let open: Vec<f64> = (0..11)
        .map(|_| {
            let t = Instant::now();
            let lib = Library::open(&folders).expect("the folder");
            assert_eq!(lib.len(), 1800);
            ms(t)
        })
        .collect();
    let lib = Library::open(&folders).expect("the folder");
    let t = Instant::now();
    assert!(lib.for_url("https://site300.example.com/story").is_some());
    let first = ms(t);
    let t = Instant::now();
    for _ in 0..1000 {
        assert!(lib.for_url("https://site300.example.com/story").is_some());
    }
    let again = ms(t) / 1000.0;
    let t = Instant::now();
    for _ in 0..1000 {
        assert!(lib.for_url("https://no-rule.example.com/story").is_none());
    }
    let none = ms(t) / 1000.0;
    println!("| step | time |\n|---|---:|");
    println!(
        "| list a folder of 1,800 rule files (median of 11) | {:.2} ms |",
        median(open)
    );
    println!("| a host's rule, the first time (file read, XPath checked) | {first:.3} ms |");
    println!("| a host's rule, after that | {:.1} µs |", again * 1e3);
    println!("| a host without a rule | {:.1} µs |", none * 1e3);

    let pages_dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/articles");
    let Ok(entries) = std::fs::read_dir(&pages_dir) else {
        eprintln!("page timings skipped: {} is not here", pages_dir.display());
        return;
    };
    let pages: Vec<String> = entries
        .filter_map(|e| std::fs::read(e.ok()?.path().join("source.html")).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    let rule = file::parse(
        "title: //h1\nbody: //article | //main\nbody: //div[contains(@class, 'content')]\n\
         author: //meta[@name='author']/@content\ndate: //time/@datetime\n\
         strip: //script | //style | //nav | //aside | //footer\nstrip_id_or_class: share\n\
         strip_image_src: pixel\n",
        std::path::Path::new("bench.txt"),
    )
    .rule;
    let t = Instant::now();
    let found = pages
        .iter()
        .filter(|p| apply(&rule, p).body.is_some())
        .count();
    let ruled = ms(t) / pages.len() as f64;
    let t = Instant::now();
    for p in &pages {
        let _ = extract_page(p, Some("https://example.com/a"), &[], &[]);
    }
    let auto = ms(t) / pages.len() as f64;
    println!(
        "| a rule applied to one of the corpus's {} pages (body found on {found}) | {ruled:.2} ms |",
        pages.len()
    );
    println!("| automatic extraction of the same page | {auto:.2} ms |");
}

//! Three XPath engines on real pages with the collection's kind of expressions: how long the
//! page takes to parse, how long the expressions take, and whether each engine's answers
//! agree with libxml2's (the engine Full-Text RSS and wallabag evaluate the rules with).
use std::time::Instant;

const EXPRS: &[&str] = &[
    "//article",
    "//h1",
    "//meta[@property=\"og:title\"]/@content",
    "//meta[@name=\"author\"]/@content",
    "//meta[@property='article:published_time']/@content",
    "//div[@id = 'bodyContent']",
    "//*[contains(@class, 'noprint')]",
    "//article//img[contains(@src, '?q=20') or contains(@src, 'max/34/')]",
    "//article//img[not(@src)]",
    "//footer/self::footer | //footer/following-sibling::*",
    "//img[@src]/following-sibling::*[1][self::div and @class='x']",
    "//a[@rel='noopener']/parent::div",
    "//*[contains(concat(' ',normalize-space(@class),' '),' content ')]",
    "//div[contains(@class,'entry-content')]/p[position()>1]",
    "//h1/text()",
    "//time/@datetime",
    "//p[last()]",
    "//div[starts-with(@id,'post')]",
    "//*[@itemprop='articleBody']",
    "//section//p",
    "//div[@class='content']/descendant::p",
    "//ul/ancestor::div[1]",
    "//a[contains(text(),'Next') or contains(., 'next')]/@href",
    "//link[@rel='canonical']/@href",
    "//*[@id='main']//h2 | //*[@id='content']//h2",
    "//div[count(p) > 3]",
    "//p[string-length(normalize-space(.)) > 200]",
    "//script",
    "//*[@class and contains(translate(@class,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz'),'share')]",
    "//table//tr/td[1]",
    "//body/*[2]",
    "//header//a[1]/@href",
    "//*[self::h2 or self::h3][following-sibling::p]",
    "//div[@id]/preceding-sibling::div[1]",
    "(//p)[1]",
    "//meta[@name='description']/@content",
    "//span[@class='byline']/a/text()",
    "//comment()",
    "//div[not(descendant::a)]",
    "//nav | //aside",
];

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(60).collect()
}

fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut pages: Vec<String> = vec![];
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for p in names.iter().take(110) {
        let b = std::fs::read(p).unwrap();
        pages.push(String::from_utf8_lossy(&b).into_owned());
    }
    let n_pages = pages.len();
    // libxml2: reference answers
    let (mut lx_parse, mut lx_eval) = (0.0, 0.0);
    let mut reference: Vec<Vec<(usize, String)>> = vec![];
    let parser = libxml::parser::Parser::default_html();
    for page in &pages {
        let t = Instant::now();
        let doc = parser.parse_string(page).unwrap();
        lx_parse += t.elapsed().as_secs_f64();
        let ctx = libxml::xpath::Context::new(&doc).unwrap();
        let t = Instant::now();
        let mut row = vec![];
        for e in EXPRS {
            let r = match ctx.evaluate(e) {
                Ok(o) => {
                    let nodes = o.get_nodes_as_vec();
                    let first = nodes.first().map(|n| norm(&n.get_content())).unwrap_or_default();
                    (nodes.len(), first)
                }
                Err(_) => (usize::MAX, String::new()),
            };
            row.push(r);
        }
        lx_eval += t.elapsed().as_secs_f64();
        reference.push(row);
    }
    println!("libxml2     parse {:6.2} ms/page  eval {:6.3} ms/expr", lx_parse * 1e3 / n_pages as f64, lx_eval * 1e3 / (n_pages * EXPRS.len()) as f64);

    // sxd_html + sxd-xpath
    let (mut sp, mut se) = (0.0, 0.0);
    let mut agree = 0; let mut agree_count = 0; let mut total = 0; let mut failed = 0;
    let mut disagreements = std::collections::BTreeMap::<&str, usize>::new();
    let factory = sxd_xpath::Factory::new();
    let compiled: Vec<_> = EXPRS.iter().map(|e| factory.build(e).ok().flatten()).collect();
    for (i, page) in pages.iter().enumerate() {
        let t = Instant::now();
        let pkg = sxd_html::parse_html(page);
        sp += t.elapsed().as_secs_f64();
        let doc = pkg.as_document();
        let ctx = sxd_xpath::Context::new();
        let t = Instant::now();
        for (j, x) in compiled.iter().enumerate() {
            total += 1;
            let r = match x.as_ref().map(|x| x.evaluate(&ctx, doc.root())) {
                Some(Ok(sxd_xpath::Value::Nodeset(ns))) => {
                    let v = ns.document_order();
                    (v.len(), v.first().map(|n| norm(&n.string_value())).unwrap_or_default())
                }
                Some(Ok(_)) => (usize::MAX - 1, String::new()),
                _ => { failed += 1; (usize::MAX, String::new()) }
            };
            if r.0 == reference[i][j].0 { agree_count += 1; }
            if r == reference[i][j] { agree += 1; } else { *disagreements.entry(EXPRS[j]).or_default() += 1; }
        }
        se += t.elapsed().as_secs_f64();
    }
    println!("sxd         parse {:6.2} ms/page  eval {:6.3} ms/expr  same count {}/{} same answer {}/{} failed {}", sp * 1e3 / n_pages as f64, se * 1e3 / (n_pages * EXPRS.len()) as f64, agree_count, total, agree, total, failed);
    println!("   differs most on: {:?}", { let mut v: Vec<_> = disagreements.into_iter().collect(); v.sort_by_key(|x| std::cmp::Reverse(x.1)); v.truncate(8); v });

    // skyscraper
    let (mut kp, mut ke) = (0.0, 0.0);
    let (mut agree, mut agree_count, mut total, mut failed) = (0, 0, 0, 0);
    let mut disagreements = std::collections::BTreeMap::<&str, usize>::new();
    let compiled: Vec<_> = EXPRS.iter().map(|e| skyscraper::xpath::parse(e).ok()).collect();
    for (i, page) in pages.iter().enumerate() {
        let t = Instant::now();
        let parsed = skyscraper::html::parse(page);
        let Ok(document) = parsed else { failed += EXPRS.len(); total += EXPRS.len(); continue; };
        let tree = document;
        kp += t.elapsed().as_secs_f64();
        let t = Instant::now();
        for (j, x) in compiled.iter().enumerate() {
            total += 1;
            let r = match x.as_ref().map(|x| x.apply(&tree)) {
                Some(Ok(set)) => {
                    let n = set.len();
                    let first = set.into_iter().next().map(|it| match it {
                        skyscraper::xpath::grammar::data_model::XpathItem::Node(nd) => norm(&nd.text_content(&tree)),
                        other => norm(&format!("{other:?}")),
                    }).unwrap_or_default();
                    (n, first)
                }
                _ => { failed += 1; (usize::MAX, String::new()) }
            };
            if r.0 == reference[i][j].0 { agree_count += 1; }
            if r == reference[i][j] { agree += 1; } else { *disagreements.entry(EXPRS[j]).or_default() += 1; }
        }
        ke += t.elapsed().as_secs_f64();
    }
    println!("skyscraper  parse {:6.2} ms/page  eval {:6.3} ms/expr  same count {}/{} same answer {}/{} failed {}", kp * 1e3 / n_pages as f64, ke * 1e3 / (n_pages * EXPRS.len()) as f64, agree_count, total, agree, total, failed);
    println!("   differs most on: {:?}", { let mut v: Vec<_> = disagreements.into_iter().collect(); v.sort_by_key(|x| std::cmp::Reverse(x.1)); v.truncate(8); v });
}

//! One story once at scale: a ledger of 1,000 and of 10,000 stored articles (each ~600 words,
//! all delivered), then a day's 200 pending articles (20 of them copies of stored stories, 20
//! copies of each other) merged against them — what `digest` adds to a run: reading the
//! delivered stories' signatures from the ledger, and the merge. Also the cost of a signature
//! (computed once, when an article is stored) and the ledger's size per article.
//!
//!     cargo bench --bench dedupe
//!
//! Under `cargo test` (no `--bench` argument) it only checks that it builds.

use std::time::Instant;

use chrono::Utc;
use inkquire::collector::harvest::Harvested;
use inkquire::dedupe::{self, Candidate, Prefer, Signature};
use inkquire::model::{Article, Base};
use inkquire::store::{FileRole, NewIssue, Store};

const VOCABULARY: usize = 3000;

/// `words` words of a text only `seed` writes.
fn text(seed: u64, words: usize) -> String {
    let mut h = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = String::with_capacity(words * 7);
    for n in 0..words {
        h ^= h << 13;
        h ^= h >> 7;
        h ^= h << 17;
        if n % 40 == 0 {
            out.push_str(if n == 0 { "<p>" } else { "</p><p>" });
        } else {
            out.push(' ');
        }
        out.push_str(&format!("w{}", h % VOCABULARY as u64));
    }
    out.push_str("</p>");
    out
}

fn harvested(n: u64, body: String) -> Harvested {
    let url = format!("https://news.example/{n}");
    Harvested {
        key: url.clone(),
        article: Article {
            id: format!("a{n}"),
            title: format!("Story {n}"),
            byline: None,
            published: None,
            topics: Vec::new(),
            source: format!("Outlet {}", n % 7),
            url: Some(url),
            lang: None,
            summary: None,
            lead_image: None,
            body_html: body,
            base: Base::default(),
            origin: String::new(),
            seen: None,
            story: Default::default(),
        },
        source_url: None,
        raw_html: None,
        raw_gzip: None,
        status: "ok".into(),
    }
}

fn rss_kib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("dedupe benchmark: run it with `cargo bench --bench dedupe`");
        return;
    }
    let t = Instant::now();
    let bodies: Vec<String> = (0..1000).map(|n| text(n, 600)).collect();
    let made = t.elapsed();
    let t = Instant::now();
    let sigs: Vec<Signature> = bodies.iter().map(|b| Signature::of_html(b)).collect();
    let each = t.elapsed().as_secs_f64() * 1e6 / 1000.0;
    let bytes: usize = sigs.iter().map(|s| s.to_bytes().len()).sum::<usize>() / sigs.len();
    println!(
        "signature of a 600-word article: {each:.0} µs ({bytes} bytes in the ledger); texts made in {:.0} ms",
        made.as_secs_f64() * 1e3
    );
    println!();
    println!(
        "| stored (delivered) | 200 pending merged, the stored read from the ledger | found | memory |"
    );
    println!("|---|---|---|---|");
    for stored in [1_000u64, 10_000] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut store = Store::open(&dir.path().join("ledger.db")).expect("a ledger");
        for chunk in (0..stored).collect::<Vec<_>>().chunks(500) {
            let batch: Vec<Harvested> = chunk.iter().map(|&n| harvested(n, text(n, 600))).collect();
            store
                .save_batch(&[], &batch, &[], &[], &[], Utc::now())
                .expect("saved");
        }
        let ids: Vec<String> = (0..stored).map(|n| format!("a{n}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let new = NewIssue {
            title: "Bench",
            date: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("a date"),
            now: Utc::now(),
            copies: &[],
        };
        let number = store
            .reserve_issue(&new, &refs, true, &|_| {
                vec![(dir.path().join("b.epub"), FileRole::Book)]
            })
            .expect("reserved");
        store.mark_built(number, &[], Utc::now()).expect("built");
        // The day: 160 new stories, 20 copies of stored ones (trimmed), 20 copies of today's.
        let mut today: Vec<Signature> = (0..160)
            .map(|n| Signature::of_html(&text(1_000_000 + n, 600)))
            .collect();
        for n in 0..20u64 {
            let old = text(n * (stored / 20), 600);
            today.push(Signature::of_html(&old[..old.len() * 3 / 4]));
            let fresh = text(1_000_000 + n, 600);
            today.push(Signature::of_html(&fresh[fresh.len() / 5..]));
        }
        let before = rss_kib();
        // As `digest` does it: the delivered stories streamed from the ledger past the day's.
        let t = Instant::now();
        let candidates: Vec<Candidate> = today
            .iter()
            .map(|s| Candidate {
                signature: s,
                origin: dedupe::Origin {
                    source: "Today",
                    title: "",
                },
                source_rank: 0,
                update: false,
            })
            .collect();
        let mut matcher = dedupe::Matcher::new(&candidates);
        let mut read = 0usize;
        store
            .each_issued_story(&mut |story| {
                let origin = dedupe::Origin {
                    source: &story.source,
                    title: &story.title,
                };
                matcher.offer(read, &story.signature, &origin);
                read += 1;
            })
            .expect("read");
        let m = matcher.finish(Prefer::Fullest);
        let took = t.elapsed();
        let grew = (rss_kib() - before) / 1024.0;
        assert_eq!(read as u64, stored);
        assert_eq!(m.earlier.len(), 20, "the copies of stored stories");
        assert_eq!(m.copies.len(), 20, "the copies of today's stories");
        println!(
            "| {stored} | {:.1} ms | {} + {} copies | +{grew:.1} MiB |",
            took.as_secs_f64() * 1e3,
            m.earlier.len(),
            m.copies.len()
        );
    }
}

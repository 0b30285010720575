//! The extraction evaluation, in-process (`scripts/extraction-eval` runs it and scores the result).
//!
//! For every page of `../shared/corpus/extraction/evaldata.json` it reads the saved page as
//! `inkquire build PAGE.html` reads a local file — decode, extract the article, format it with
//! every picture unavailable (offline) — and writes `{url: text}`: the article body exactly as
//! the book holds it, after the formatter, without our header. A page inkquire leaves out counts
//! as an empty extraction. All cores; a few seconds.
//!
//! It also scores the corpus's 40 Mozilla pages (`articles/*/source.html` against Readability's
//! `expected.html`) with the corpus test's token F1, and prints the median and the lowest.
//!
//!     cargo run --release --example extraction-eval -- OUT.json [--corpus DIR] [--only SUBSTR]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use inkquire::pipeline::offline::page_text as body_text;
use rayon::prelude::*;

/// Token F1 of `got` against `want` (the corpus test's scorer): lower-cased runs of letters and
/// digits, each CJK character a token, compared as multisets.
fn token_f1(got: &str, want: &str) -> f64 {
    // Counted in a hash map, ASCII lower-cased without the case tables: the scoring is part of
    // the process the speed test times, so it is kept cheap.
    fn tokens(s: &str) -> HashMap<String, usize> {
        let mut m = HashMap::new();
        let mut cur = String::new();
        for c in s.chars().chain(std::iter::once(' ')) {
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    cur.push(c.to_ascii_lowercase());
                } else if !cur.is_empty() {
                    *m.entry(std::mem::take(&mut cur)).or_insert(0) += 1;
                }
            } else if inkquire::formatter::is_cjk(c) {
                if !cur.is_empty() {
                    *m.entry(std::mem::take(&mut cur)).or_insert(0) += 1;
                }
                *m.entry(c.to_string()).or_insert(0) += 1;
            } else if c.is_alphanumeric() {
                cur.extend(c.to_lowercase());
            } else if !cur.is_empty() {
                *m.entry(std::mem::take(&mut cur)).or_insert(0) += 1;
            }
        }
        m
    }
    let (g, w) = (tokens(got), tokens(want));
    let (tg, tw): (usize, usize) = (g.values().sum(), w.values().sum());
    if tg == 0 || tw == 0 {
        return if tg == tw { 1.0 } else { 0.0 };
    }
    let common: usize = g
        .iter()
        .map(|(k, n)| (*n).min(*w.get(k).unwrap_or(&0)))
        .sum();
    let (p, r) = (common as f64 / tg as f64, common as f64 / tw as f64);
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("extraction-predictions.json"));
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let corpus = flag("--corpus")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let only = flag("--only");
    let set = corpus.join("extraction");
    let evaldata: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(set.join("evaldata.json"))
            .unwrap_or_else(|e| panic!("{}: {e}", set.join("evaldata.json").display())),
    )
    .expect("evaldata.json is JSON");
    let pages: Vec<(String, PathBuf)> = evaldata
        .as_object()
        .expect("an object of pages")
        .iter()
        .filter(|(url, _)| only.as_deref().is_none_or(|o| url.contains(o)))
        .filter_map(|(url, item)| {
            let file = item["file"].as_str()?;
            let path = [set.join("cache").join(file), set.join("eval").join(file)]
                .into_iter()
                .find(|p| p.exists())?;
            Some((url.clone(), path))
        })
        .collect();
    let started = std::time::Instant::now();
    let predictions: BTreeMap<String, Option<String>> = pages
        .par_iter()
        .map(|(url, path)| {
            let text = std::fs::read(path)
                .ok()
                .and_then(|b| std::panic::catch_unwind(|| body_text(&b, path)).unwrap_or(None));
            (url.clone(), text)
        })
        .collect();
    let empty = predictions.values().filter(|t| t.is_none()).count();
    std::fs::write(
        &out,
        serde_json::to_string(&predictions).expect("predictions serialize"),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    eprintln!(
        "extraction set: {} pages in {:.1} s ({empty} left out) -> {}",
        predictions.len(),
        started.elapsed().as_secs_f64(),
        out.display()
    );

    // The Mozilla pages: token F1 against Readability's own output.
    let articles = corpus.join("articles");
    let Ok(rd) = std::fs::read_dir(&articles) else {
        return;
    };
    let mut names: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    names.sort();
    let mut scores: Vec<(f64, String)> = names
        .par_iter()
        .filter_map(|d| {
            let source = std::fs::read(d.join("source.html")).ok()?;
            let expected = std::fs::read_to_string(d.join("expected.html")).ok()?;
            let want = dom_query::Document::fragment(expected.as_str())
                .text()
                .to_string();
            let name = d.file_name()?.to_string_lossy().into_owned();
            let got = body_text(&source, &d.join("source.html"));
            Some((got.map_or(-1.0, |g| token_f1(&g, &want)), name))
        })
        .collect();
    scores.sort_by(|a, b| a.0.total_cmp(&b.0));
    let kept: Vec<f64> = scores.iter().map(|s| s.0).filter(|f| *f >= 0.0).collect();
    if kept.is_empty() {
        return;
    }
    let median = if kept.len().is_multiple_of(2) {
        (kept[kept.len() / 2 - 1] + kept[kept.len() / 2]) / 2.0
    } else {
        kept[kept.len() / 2]
    };
    println!(
        "Mozilla pages: {} scored, {} left out; token F1 median {median:.3}, lowest {}",
        kept.len(),
        scores.len() - kept.len(),
        scores
            .iter()
            .filter(|s| s.0 >= 0.0)
            .take(3)
            .map(|(f, n)| format!("{f:.3} ({n})"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

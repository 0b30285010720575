//! The one-story-once decision measured on the labelled set (`bench/dedupe/labels.json`, built
//! from the shared corpus by `bench/dedupe/make-labels.py`; `scripts/dedupe-eval` runs both).
//!
//! `cargo run --release --example dedupe-eval -- TEXTS.json [LABELS.json]`, where TEXTS.json is
//! what `--example extraction-eval` writes ({url: text}). Each "same" pair is a text and a copy
//! edited by its recipe; each "different" pair two texts of the set. Prints the precision and
//! recall of the verdict, by kind of pair, the pairs it gets wrong, and how the two measures
//! (containment, which the verdict uses, and resemblance, which MinHash estimates) would do at
//! other thresholds. Exits 1 when a different pair is merged or recall is under 0.9.

use std::collections::HashMap;
use std::process::ExitCode;

use inkquire::dedupe::{Signature, Similarity};

fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The copy an outlet prints: `text` edited by `edits`. `other` lends the paragraphs an update
/// adds.
fn edited(text: &str, edits: &[String], other: &str) -> String {
    let mut ps = paragraphs(text);
    for e in edits {
        let (name, arg) = e.split_once(':').unwrap_or((e, ""));
        match name {
            "drop-lede" if ps.len() > 1 => {
                ps.remove(0);
            }
            "editor-note" => ps.insert(
                0,
                "Editor's note: This story was first published by our partners and has been \
                 edited for length and style."
                    .into(),
            ),
            "caption" => {
                let at: usize = arg.parse().unwrap_or(1);
                ps.insert(
                    at.min(ps.len()),
                    "Photo: A file picture taken earlier this year. (Agency)".into(),
                );
            }
            "cut" => {
                let keep: f64 = arg.parse().unwrap_or(0.5);
                if ps.len() >= 4 {
                    let n = ((ps.len() as f64) * keep).ceil() as usize;
                    ps.truncate(n.max(1));
                } else {
                    let all: Vec<String> = ps.join("\n\n").split(' ').map(str::to_owned).collect();
                    let n = ((all.len() as f64) * keep).ceil() as usize;
                    ps = paragraphs(&all[..n].join(" "));
                }
            }
            "said-says" => {
                for p in ps.iter_mut() {
                    *p = p.replace(" said ", " says ").replace(" sagte ", " sagt ");
                }
            }
            "update" => {
                let n: usize = arg.parse().unwrap_or(1);
                for (i, p) in paragraphs(other).into_iter().take(n).enumerate() {
                    ps.insert(i, p);
                }
            }
            "boilerplate" => ps.push(
                "This article originally appeared on Outlet B. Follow us for more stories \
                 like this one and sign up for our daily newsletter."
                    .into(),
            ),
            _ => {}
        }
    }
    ps.join("\n\n")
}

#[derive(serde::Deserialize)]
struct Label {
    a: String,
    b: String,
    #[serde(default)]
    edits: Vec<String>,
    same: bool,
    kind: String,
}

#[derive(serde::Deserialize)]
struct Labels {
    labels: Vec<Label>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(texts_path) = args.first() else {
        eprintln!("usage: dedupe-eval TEXTS.json [LABELS.json]");
        return ExitCode::from(2);
    };
    let labels_path = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "bench/dedupe/labels.json".into());
    let texts: HashMap<String, Option<String>> =
        serde_json::from_str(&std::fs::read_to_string(texts_path).expect("texts")).expect("json");
    let labels: Labels =
        serde_json::from_str(&std::fs::read_to_string(&labels_path).expect("labels"))
            .expect("labels json");
    let mut urls: Vec<&String> = texts.keys().collect();
    urls.sort();
    let text = |u: &str| texts.get(u).cloned().flatten();
    let mut measured: Vec<(&Label, Similarity)> = Vec::new();
    let mut missing = 0;
    let start = std::time::Instant::now();
    for l in &labels.labels {
        let (Some(a), Some(b)) = (text(&l.a), text(&l.b)) else {
            missing += 1;
            continue;
        };
        let b = if l.same {
            // The update's new paragraphs come from the text after this one.
            let at = urls.iter().position(|u| **u == l.a).unwrap_or(0);
            let other = text(urls[(at + 1) % urls.len()]).unwrap_or_default();
            edited(&b, &l.edits, &other)
        } else {
            b
        };
        let sim = Similarity::of(&Signature::of_text(&a), &Signature::of_text(&b));
        measured.push((l, sim));
    }
    let took = start.elapsed();
    println!(
        "{} pairs ({} left out: a text missing), signatures and comparisons in {:.1} ms",
        measured.len(),
        missing,
        took.as_secs_f64() * 1000.0
    );
    let score = |merged: &dyn Fn(&Similarity) -> bool| {
        let (mut tp, mut fp, mut fnn) = (0, 0, 0);
        for (l, s) in &measured {
            match (l.same, merged(s)) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fnn += 1,
                _ => {}
            }
        }
        let p = if tp + fp == 0 {
            1.0
        } else {
            tp as f64 / (tp + fp) as f64
        };
        let r = if tp + fnn == 0 {
            1.0
        } else {
            tp as f64 / (tp + fnn) as f64
        };
        (p, r, fp, fnn)
    };
    let (p, r, fp, fnn) = score(&|s| s.verdict().is_same());
    println!("verdict: precision {p:.3} recall {r:.3} ({fp} wrongly merged, {fnn} missed)");
    let mut kinds: Vec<&str> = measured.iter().map(|(l, _)| l.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for k in kinds {
        let of: Vec<_> = measured.iter().filter(|(l, _)| l.kind == k).collect();
        let right = of
            .iter()
            .filter(|(l, s)| l.same == s.verdict().is_same())
            .count();
        let worst = of.iter().map(|(_, s)| s.containment).fold(
            if of[0].0.same { 1.0 } else { 0.0 },
            |m: f64, c| {
                if of[0].0.same { m.min(c) } else { m.max(c) }
            },
        );
        println!(
            "  {k}: {right}/{} right; {} containment {worst:.2}",
            of.len(),
            if of[0].0.same { "lowest" } else { "highest" }
        );
    }
    for (l, s) in &measured {
        if l.same != s.verdict().is_same() {
            println!(
                "  wrong: {} {} | {} {:?}: containment {:.2} resemblance {:.2} length {:.2} samples {}/{} -> {:?}",
                l.kind,
                l.a,
                l.b,
                l.edits,
                s.containment,
                s.resemblance,
                s.length_ratio,
                s.smaller,
                s.larger,
                s.verdict()
            );
        }
    }
    let mut close: Vec<&(&Label, Similarity)> = measured
        .iter()
        .filter(|(l, s)| !l.same && !s.verdict().is_same())
        .collect();
    close.sort_by(|x, y| y.1.containment.total_cmp(&x.1.containment));
    println!("the closest different pairs, kept apart:");
    for (l, s) in close.iter().take(5) {
        println!(
            "  {:.2} (resemblance {:.2}): {} | {}",
            s.containment, s.resemblance, l.a, l.b
        );
    }
    println!("at other thresholds (samples >= 10, length ratio >= 0.2):");
    for t in [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] {
        let ok = |s: &Similarity| s.smaller >= 10 && s.length_ratio >= 0.2;
        let (cp, cr, _, _) = score(&|s| ok(s) && s.containment >= t);
        let (jp, jr, _, _) = score(&|s| ok(s) && s.resemblance >= t);
        println!(
            "  {t:.1}: containment precision {cp:.3} recall {cr:.3} | resemblance precision {jp:.3} recall {jr:.3}"
        );
    }
    if fp > 0 || r < 0.9 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

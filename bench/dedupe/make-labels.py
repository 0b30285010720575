#!/usr/bin/env python3
"""Build the labelled set for the one-story-once decision (issue 38) from the shared corpus.

Input: the article texts inkquire extracts from ../shared/corpus (trafilatura's evaluation set
and the 40 Mozilla pages), as `cargo run --release --example extraction-eval -- OUT.json` writes
them ({url: text}). Output: labels.json, pairs of those texts with what a reader would say:

- "same" pairs (syndicated copies): a text and a copy of it edited the way outlets edit wire
  copy, by a recipe bench/dedupe_eval.rs applies (drop-lede, editor-note, caption:N, cut:F,
  said-says, update:N, boilerplate). Drawn at random (seed 38) from texts of 120+ words.
- "different" pairs (decoys): two different pages on one subject, the pairs of the set whose
  idf-weighted vocabularies are closest (same-topic), and pairs of pages from one site
  (same-site: the site's furniture in common). Pages that are the same article at two
  addresses would be wrong decoys: every decoy whose texts share long runs was looked at by
  hand: four were the same story (REAL_COPIES) and are labelled so.

The texts are not copied into the repository (they belong to their publishers): labels.json
names them by address, and the evaluation rebuilds each pair from OUT.json.
"""
import json, math, random, re, sys
from collections import Counter, defaultdict
from urllib.parse import urlparse

pred = json.load(open(sys.argv[1]))
out = sys.argv[2]
word = re.compile(r"\w+", re.U)

def words(t):
    return word.findall(t.lower())

texts = {u: t for u, t in pred.items() if t and len(words(t)) >= 120}
urls = sorted(texts)
rng = random.Random(38)

RECIPES = [
    ["boilerplate"],
    ["drop-lede", "editor-note"],
    ["caption:2", "cut:0.7"],
    ["cut:0.5", "said-says"],
    ["drop-lede", "caption:1", "cut:0.6", "editor-note"],
    ["update:2"],
    ["cut:0.4"],
    ["said-says", "boilerplate", "caption:3"],
]
labels = []
for i, u in enumerate(rng.sample(urls, 240)):
    labels.append({"a": u, "b": u, "edits": RECIPES[i % len(RECIPES)], "same": True,
                   "kind": "syndicated"})

# Same-topic decoys: each text's 40 heaviest words by tf-idf; pairs that share many of them.
df = Counter()
bags = {}
for u in urls:
    c = Counter(w for w in words(texts[u]) if len(w) > 2 and not w.isdigit())
    bags[u] = c
    df.update(c.keys())
n = len(urls)
top = {}
for u, c in bags.items():
    weights = {w: (1 + math.log(k)) * math.log(n / df[w]) for w, k in c.items() if df[w] > 1}
    best = sorted(weights.items(), key=lambda x: -x[1])[:40]
    norm = math.sqrt(sum(v * v for _, v in best)) or 1
    top[u] = {w: v / norm for w, v in best}
index = defaultdict(list)
for u, t in top.items():
    for w in t:
        index[w].append(u)
scores = Counter()
for u, t in top.items():
    for w, v in t.items():
        for o in index[w]:
            if o > u:
                scores[(u, o)] += v * top[o][w]
# Decoys read by hand because they share long runs of text: each is one story twice.
REAL_COPIES = {
    frozenset(["https://djz.de/amoklauf-in-heidelberg-rufe-nach-schneller-aufklaerung/",
               "https://www.jagdverband.de/wir-sind-tief-erschuettert"]):
        "a hunters' association's statement, reprinted by a trade paper with its own lede",
    frozenset(["https://www.24horas.cl/politica/presidente-boric-inicia-gira-por-magallanes-este-miercoles-5287894",
               "https://www.cooperativa.cl/noticias/pais/presidente-boric/presidente-boric-vuelve-a-su-casa-magallanes-este-miercoles-realiza-su/2022-05-04/074527.html"]):
        "EFE wire copy printed by two Chilean outlets, each editing the lede",
    frozenset(["hard::womencantalksports.com.top10.html",
               "http://www.womencantalksports.com/top-10-women-talking-sports/"]):
        "the same page saved twice in the set",
    frozenset(["hard::heavenlynnhealthy.de.areenburk.html",
               "https://heavenlynnhealthy.de/lieblingslabel-faire-swimwear-von-mymarini-interview-mit-gruenderin-mareen-burk/"]):
        "the same page saved twice in the set",
}
same_topic = [p for p, s in scores.most_common(400) if s > 0.15]
for a, b in same_topic[:300]:
    why = REAL_COPIES.get(frozenset([a, b]))
    if why:
        labels.append({"a": a, "b": b, "same": True, "kind": "real-copy", "why": why})
    else:
        labels.append({"a": a, "b": b, "same": False, "kind": "same-topic"})

site = defaultdict(list)
for u in urls:
    site[urlparse(u).netloc].append(u)
pairs = []
for host, us in sorted(site.items()):
    for i in range(len(us)):
        for j in range(i + 1, len(us)):
            pairs.append((us[i], us[j]))
rng.shuffle(pairs)
taken = {(l["a"], l["b"]) for l in labels}
for a, b in pairs[:200]:
    if (a, b) not in taken:
        labels.append({"a": a, "b": b, "same": False, "kind": "same-site"})

json.dump({"about": __doc__.strip().splitlines()[0], "labels": labels}, open(out, "w"),
          indent=0, ensure_ascii=False)
print(f"{sum(l['same'] for l in labels)} same, {sum(not l['same'] for l in labels)} different",
      file=sys.stderr)

#!/usr/bin/env python3
"""The extractor's speed, for scripts/extraction-eval: CPU per page on one thread and peak memory,
inkquire against trafilatura on the same pages in the same run.

    scripts/extraction-speed.py EXAMPLE OUT.json CORPUS [--runs N]

inkquire: the `extraction-eval` example run as its own process with RAYON_NUM_THREADS=1, N times
(default 3); each run's whole user+system CPU time (start-up included) over the pages it reads
(the extraction set's and the 40 Mozilla pages), and its peak resident memory; the median run is
printed. trafilatura (when `import trafilatura` works: pip install trafilatura): the same
extraction-set pages and Mozilla pages, read in one Python process, `trafilatura.extract` on each;
the CPU time of the loop alone (its import and start-up not counted, which favours it), its peak
memory; its predictions are written beside OUT.json (`…-trafilatura.json`) for the scorer. The
two take turns, one run each a round, and the ratio is the median of the rounds' ratios.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time


def pages_of(corpus):
    ev = os.path.join(corpus, "extraction")
    data = json.load(open(os.path.join(ev, "evaldata.json")))
    pages = []
    for url, item in data.items():
        for d in ("cache", "eval"):
            p = os.path.join(ev, d, item.get("file", ""))
            if item.get("file") and os.path.exists(p):
                pages.append((url, p))
                break
    articles = os.path.join(corpus, "articles")
    mozilla = []
    if os.path.isdir(articles):
        for name in sorted(os.listdir(articles)):
            p = os.path.join(articles, name, "source.html")
            if os.path.exists(p):
                mozilla.append(p)
    return pages, mozilla


def inkquire_run(example, out, corpus):
    """One run of the example in a child of its own: (CPU seconds, peak MiB)."""
    code = (
        "import os, resource, subprocess, sys\n"
        "env = dict(os.environ, RAYON_NUM_THREADS='1')\n"
        "subprocess.run(sys.argv[1:], env=env, check=True, stdout=subprocess.DEVNULL,"
        " stderr=subprocess.DEVNULL)\n"
        "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(r.ru_utime + r.ru_stime, r.ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, example, out, "--corpus", corpus],
        check=True,
        capture_output=True,
        text=True,
    )
    cpu, rss = done.stdout.split()
    return float(cpu), int(rss) / 1024


def trafilatura_run(pages, mozilla, out):
    """trafilatura over the same pages in a child process: (CPU seconds of the loop, peak MiB)."""
    code = (
        "import json, resource, sys, time\n"
        "import trafilatura\n"
        "given = json.load(sys.stdin)\n"
        "pages, mozilla, out = given['pages'], given['mozilla'], sys.argv[1]\n"
        "texts = {}\n"
        "start = time.process_time()\n"
        "for url, path in pages:\n"
        "    html = open(path, 'rb').read()\n"
        "    texts[url] = trafilatura.extract(html, url=url)\n"
        "for path in mozilla:\n"
        "    trafilatura.extract(open(path, 'rb').read())\n"
        "cpu = time.process_time() - start\n"
        "json.dump(texts, open(out, 'w'))\n"
        "print(cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, out],
        input=json.dumps({"pages": pages, "mozilla": mozilla}),
        check=True,
        capture_output=True,
        text=True,
    )
    cpu, rss = done.stdout.split()[-2:]
    return float(cpu), int(rss) / 1024


def main():
    example, out, corpus = sys.argv[1:4]
    runs = 3
    if "--runs" in sys.argv:
        runs = int(sys.argv[sys.argv.index("--runs") + 1])
    pages, mozilla = pages_of(corpus)
    n = len(pages) + len(mozilla)
    try:
        import trafilatura  # noqa: F401

        version = getattr(sys.modules["trafilatura"], "__version__", "?")
        missing = None
    except ImportError as e:
        version, missing = None, e
    theirs_out = out[: -len(".json")] + "-trafilatura.json" if out.endswith(".json") else out + "-trafilatura"
    # The two take turns, round by round, so that drift in the machine's speed moves them alike;
    # each round's ratio is printed, and the median of the rounds.
    ours, theirs, ratios = [], [], []
    for _ in range(runs):
        ours.append(inkquire_run(example, out, corpus))
        if version:
            theirs.append(trafilatura_run(pages, mozilla, theirs_out))
            ratios.append(theirs[-1][0] / ours[-1][0])
    cpu = statistics.median(c for c, _ in ours)
    rss = max(r for _, r in ours)
    ms = cpu / n * 1000
    spread = ", ".join(f"{c / n * 1000:.2f}" for c, _ in ours)
    print(
        f"speed: inkquire {ms:.2f} ms of CPU a page on one thread (runs: {spread}; "
        f"{n} pages, start-up included), peak memory {rss:.0f} MiB"
    )
    if not version:
        print(f"speed: trafilatura cannot be imported ({missing}; pip install trafilatura): no ratio")
        return
    tcpu = statistics.median(c for c, _ in theirs)
    trss = max(r for _, r in theirs)
    tspread = ", ".join(f"{c / n * 1000:.2f}" for c, _ in theirs)
    print(
        f"speed: trafilatura {version} {tcpu / n * 1000:.2f} ms of CPU a page on one thread "
        f"(runs: {tspread}; the loop only), peak memory {trss:.0f} MiB; its predictions: {theirs_out}"
    )
    ratio = statistics.median(ratios)
    print(
        f"speed: inkquire uses {1 / ratio:.2f} of trafilatura's CPU a page: {ratio:.1f}x faster "
        f"(rounds: {', '.join(f'{r:.1f}x' for r in ratios)})"
    )

if __name__ == "__main__":
    main()

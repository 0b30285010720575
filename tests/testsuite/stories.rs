//! One story once: the same news from several sources is delivered once. Driven from the binary
//! over feeds on 127.0.0.1 that carry syndicated copies (own headlines, trimmed ledes, editors'
//! notes, captions, cut endings), a republished address, an update, and decoys: other reports
//! and an opinion piece on the same event, which must stay apart.

use std::collections::BTreeMap;
use std::path::Path;

use crate::server::{Resp, TestServer};
use crate::util::*;

/// A story as the wire sent it: a headline and its paragraphs.
struct Wire {
    title: &'static str,
    paras: &'static [&'static str],
}

const STRIKE: Wire = Wire {
    title: "Ferry strike ends after three weeks as union accepts pay offer",
    paras: &[
        "HARBOURTON — The three-week ferry strike that stranded thousands of island commuters ended on Tuesday after the crews' union accepted a revised pay offer from the operator, officials said.",
        "Members voted by a margin of two to one to return to work from Thursday morning, the union's regional secretary told reporters outside the terminal building.",
        "The deal raises basic pay by six per cent this year and four per cent next year, and adds a night-shift allowance that had been the main sticking point in talks.",
        "Island businesses said the stoppage had cost them dearly during the busiest weeks of the autumn, and several hotels reported cancellations running into the hundreds.",
        "The operator said the first sailings would be crowded and asked passengers to book ahead, adding that extra crossings would run over the weekend to clear the backlog of freight.",
        "Talks had broken down twice before a mediator appointed by the regional government brought both sides back to the table last Friday.",
        "The union said it would hold a separate ballot next month on working hours, an issue the new agreement leaves to a joint committee.",
    ],
};

const BUDGET: Wire = Wire {
    title: "Council approves emergency budget for the river bridge",
    paras: &[
        "HARBOURTON — The city council on Wednesday approved an emergency budget of forty million to repair the cracked river bridge, ending months of argument over who should pay.",
        "Engineers found corrosion in two of the bridge's steel supports in the spring, and lorries over seven tonnes have been banned from crossing since June.",
        "The repairs will start in January and close the bridge to all traffic for eleven weeks, with a temporary footbridge for pedestrians and cyclists.",
        "Opposition members argued that the money should come from the national infrastructure fund rather than local taxes, but lost the vote by nine to fourteen.",
        "Shopkeepers on the south bank welcomed the decision, saying the weight limit had halved their deliveries and pushed customers to the retail park.",
        "The council will ask the transport ministry to refund part of the cost once the work is finished.",
    ],
};

const MUSEUM: Wire = Wire {
    title: "Maritime museum reopens its flooded gallery",
    paras: &[
        "HARBOURTON — The maritime museum reopened its lower gallery on Saturday, eighteen months after a storm surge flooded the basement and damaged dozens of ship models.",
        "Conservators spent more than a year drying and restoring the collection, including a rare model of a nineteenth-century whaler that had been submerged for two days.",
        "The gallery now sits behind a new flood barrier, and the most fragile pieces have moved to cases on the upper floor.",
        "Visitors queued along the quay before the doors opened, and the museum said it expected its busiest month since it was founded.",
        "Admission will be free for local schools until the end of the year, paid for by a grant from a shipping company.",
    ],
};

const CATCH: Wire = Wire {
    title: "Fishing fleet lands its biggest catch in a decade",
    paras: &[
        "HARBOURTON — The town's fishing fleet landed its biggest autumn catch in ten years this week, as warmer water brought shoals of mackerel close to the coast.",
        "Skippers said prices at the morning auction held up despite the glut, thanks to strong demand from processors in the north.",
        "Scientists at the marine institute warned that the shift in the shoals could reverse within a few seasons and urged caution over new licences.",
        "The harbour master said the quay had not been so busy since the old cannery closed, and asked for more space for lorries.",
        "Crews who had sat out the ferry strike in port said the catch had made up for lost weeks.",
    ],
};

/// Another outlet's own report on the ferry strike's end: the same event, not the same story.
const STRIKE_REPORT: Wire = Wire {
    title: "Islanders cheer as ferries prepare to sail again",
    paras: &[
        "Cars began queuing at the island slipway within an hour of the news on Tuesday evening that ferry crews would return to work on Thursday.",
        "For the Morrison family, who run the general store near the pier, the end of the dispute means fresh bread and milk again after three weeks of shelves stocked by fishing boats.",
        "Teachers commuting from the mainland had been sleeping in the school hall during the week, and the head teacher said lessons had suffered.",
        "A local councillor said the island needed a second operator so that one company's dispute could never cut it off again.",
        "Many residents said they had backed the crews' demands even while the stoppage emptied the island's cafes.",
    ],
};

/// An opinion piece on the strike.
const STRIKE_OPINION: Wire = Wire {
    title: "The ferry dispute shows why islands need a public service",
    paras: &[
        "Three weeks without ferries should embarrass everyone who signed off on selling the island routes to a single private operator a decade ago.",
        "A lifeline service cannot be run like a budget airline, with crews squeezed until they walk out and passengers left to absorb the cost.",
        "The settlement reached this week is welcome, but it fixes nothing about how the routes are owned or who answers for them when they fail.",
        "Regional ministers should use the next contract to bring the ferries back under public control, or at least to write in penalties that bite.",
        "Until then every pay round will be a gamble with the islands' schools, shops and surgeries.",
    ],
};

/// A copy an outlet prints: its own headline, an editor's note or not, the lede's dateline
/// dropped, a caption after the second paragraph, the last `cut` paragraphs left out, and a
/// line of its own at the end.
fn copy(
    w: &Wire,
    title: &str,
    note: bool,
    cut: usize,
    tail: Option<&str>,
) -> (String, Vec<String>) {
    let mut paras: Vec<String> = w.paras.iter().map(|p| p.to_string()).collect();
    paras[0] = paras[0].replacen("HARBOURTON — ", "", 1);
    paras.truncate(paras.len() - cut);
    paras.insert(
        2,
        "Photo: Passengers at the terminal earlier this month. (Agency)".into(),
    );
    if note {
        paras.insert(
            0,
            "Editor's note: this story has been edited for length.".into(),
        );
    }
    if let Some(t) = tail {
        paras.push(t.into());
    }
    (title.to_owned(), paras)
}

fn whole(w: &Wire) -> (String, Vec<String>) {
    (
        w.title.to_owned(),
        w.paras.iter().map(|p| p.to_string()).collect(),
    )
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An RSS feed named `name` of `items` (slug, (title, paragraphs)), each with its whole text.
fn feed(srv: &TestServer, path: &str, name: &str, items: &[(&str, (String, Vec<String>))]) {
    let mut xml = String::new();
    for (n, (slug, (title, paras))) in items.iter().enumerate() {
        let when = (chrono::Utc::now() - chrono::Duration::minutes(n as i64 + 1))
            .to_rfc2822()
            .replace("+0000", "GMT");
        let body: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
        let link = srv.url(&format!("{path}/{slug}"));
        xml.push_str(&format!(
            "<item><title>{}</title><link>{link}</link><guid>{link}</guid><pubDate>{when}</pubDate>\
             <description>{}</description></item>",
            esc(title),
            esc(&body)
        ));
    }
    srv.route(
        path,
        Resp::ok(
            "application/rss+xml",
            format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{name}</title>\
                 <link>{}</link><description>d</description>{xml}</channel></rss>",
                srv.url("/")
            ),
        ),
    );
}

fn config(dir: &Dir, feeds: &[String], issue: &str) -> String {
    let mut cfg = format!(
        "store = \"ledger.db\"\n[issue]\ntitle = \"Harbour\"\noutput = \"issues\"\n{issue}\n"
    );
    for f in feeds {
        cfg.push_str(&format!(
            "[[source]]\nurl = \"{f}\"\nfull-text = \"never\"\n"
        ));
    }
    dir.write("inkquire.toml", cfg).to_str().unwrap().to_owned()
}

/// What `inkquire dedupe --explain A B` prints (it must succeed).
fn explain(cfg: &str, a: &str, b: &str) -> String {
    let o = inkquire(&["dedupe", "--config", cfg, "--explain", a, b]);
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The books in `folder`, oldest first.
fn books(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut b: Vec<_> = std::fs::read_dir(folder)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let s = p.to_string_lossy();
                    s.ends_with(".epub") && !s.ends_with(".kepub.epub")
                })
                .collect()
        })
        .unwrap_or_default();
    b.sort();
    b
}

/// The report written beside `book`.
fn report(book: &Path) -> serde_json::Value {
    let path = book.with_extension("report.json");
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// Title → "Also in" line of each article in `book`.
fn articles(book: &Path) -> BTreeMap<String, String> {
    let b = Book::open(book);
    b.articles()
        .iter()
        .map(|a| {
            let also = if b.text(&format!("OEBPS/{a}")).contains("class=\"also-in\"") {
                b.doc_text(a, Some("also-in"))
            } else {
                String::new()
            };
            (b.title_of(a).replace(['\u{2019}', '\u{2018}'], "'"), also)
        })
        .collect()
}

/// The day's feeds: the wire, a paper that prints two of its stories and its own report, and
/// an evening paper that republishes one and runs an opinion piece.
fn day_one(srv: &TestServer) -> Vec<String> {
    feed(
        srv,
        "/wire.xml",
        "Harbour Wire",
        &[
            ("strike", whole(&STRIKE)),
            ("budget", whole(&BUDGET)),
            ("museum", whole(&MUSEUM)),
        ],
    );
    feed(
        srv,
        "/gazette.xml",
        "Daily Gazette",
        &[
            (
                "ferries-back",
                copy(&STRIKE, "Ferries to sail again on Thursday", true, 2, None),
            ),
            (
                "bridge-money",
                copy(
                    &BUDGET,
                    "Bridge repairs get the green light",
                    false,
                    1,
                    None,
                ),
            ),
            ("islanders", whole(&STRIKE_REPORT)),
        ],
    );
    feed(
        srv,
        "/courier.xml",
        "Evening Courier",
        &[
            (
                "strike-over",
                copy(
                    &STRIKE,
                    "Strike over: crews accept pay deal",
                    false,
                    2,
                    Some(
                        "This story originally appeared on Harbour Wire and is republished here with permission.",
                    ),
                ),
            ),
            ("opinion-ferries", whole(&STRIKE_OPINION)),
        ],
    );
    ["/wire.xml", "/gazette.xml", "/courier.xml"]
        .iter()
        .map(|p| srv.url(p))
        .collect()
}

#[test]
fn the_same_story_from_three_outlets_is_delivered_once() {
    let srv = TestServer::start();
    let dir = Dir::new();
    let feeds = day_one(&srv);
    let cfg = config(&dir, &feeds, "");
    // The dry run says what the real run will leave out.
    let o = inkquire(&["digest", "--config", &cfg, "--dry-run"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.contains("The issue would hold 5 articles"), "{out}");
    assert!(
        out.contains(&format!(
            "left out as a copy: Bridge repairs get the green light (Daily Gazette), the story of \"{}\" (Harbour Wire)",
            BUDGET.title
        )),
        "{out}"
    );
    let o = inkquire(&["digest", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let issues = dir.path("issues");
    let b = books(&issues);
    assert_eq!(b.len(), 1, "{err}");
    epubcheck(&b[0]);
    let got = articles(&b[0]);
    // The fullest copies are the wire's; each says where else the story ran. The other
    // report and the opinion piece on the same event stay.
    let want: BTreeMap<String, String> = [
        (STRIKE.title, "Also in: Daily Gazette, Evening Courier"),
        (BUDGET.title, "Also in: Daily Gazette"),
        (MUSEUM.title, ""),
        (STRIKE_REPORT.title, ""),
        (STRIKE_OPINION.title, ""),
    ]
    .iter()
    .map(|(t, a)| (t.to_string(), a.to_string()))
    .collect();
    assert_eq!(got, want, "{err}");
    assert!(err.contains("3 copies of a story left out"), "{err}");

    // The report counts and names them, apart from the repeats of earlier issues.
    let r = report(&b[0]);
    assert_eq!(r["duplicates"]["count"], 3, "{r}");
    let items = r["duplicates"]["items"].as_array().unwrap();
    let named: Vec<(String, String, bool)> = items
        .iter()
        .map(|i| {
            (
                i["title"].as_str().unwrap().to_owned(),
                i["of"].as_str().unwrap().to_owned(),
                i["earlier"].as_bool().unwrap(),
            )
        })
        .collect();
    for (copy, of) in [
        ("Ferries to sail again on Thursday", STRIKE.title),
        ("Strike over: crews accept pay deal", STRIKE.title),
        ("Bridge repairs get the green light", BUDGET.title),
    ] {
        assert!(
            named.contains(&(copy.to_owned(), of.to_owned(), false)),
            "{copy}: {named:?}"
        );
    }
    assert_eq!(r["skipped_as_repeats"], 0);

    // `list --duplicates` lists them; they are never pending again.
    let o = inkquire(&["list", "--config", &cfg, "--duplicates", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.len(), 3, "{v:?}");
    assert!(v.iter().all(|d| d["issue"] == 1), "{v:?}");
    assert!(
        v.iter()
            .any(|d| d["title"] == "Bridge repairs get the green light"
                && d["duplicate_of"]["title"] == BUDGET.title
                && d["duplicate_of"]["source"] == "Harbour Wire")
    );
    let o = inkquire(&["list", "--config", &cfg, "--since", "last-issue", "--json"]);
    let pending: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(pending.is_empty(), "{pending:?}");

    // Why: the verdicts, explained.
    let wire = srv.url("/wire.xml/strike");
    let out = explain(&cfg, &wire, &srv.url("/gazette.xml/ferries-back"));
    assert!(out.contains("verdict: the same story"), "{out}");
    assert!(out.contains("B is recorded as a copy of A"), "{out}");
    let out = explain(&cfg, &wire, &srv.url("/gazette.xml/islanders"));
    assert!(out.contains("verdict: different stories"), "{out}");
    assert!(out.contains("neither is a copy"), "{out}");
    let o = inkquire(&[
        "dedupe",
        "--config",
        &cfg,
        "--explain",
        &wire,
        "nothing-here",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nothing-here"), "{}", stderr(&o));

    // The next day another paper prints yesterday's museum story, beside news of its own: the
    // copy is not delivered again, and the report says it was a story of an earlier issue.
    feed(
        &srv,
        "/courier.xml",
        "Evening Courier",
        &[
            (
                "gallery",
                copy(
                    &MUSEUM,
                    "Flood-hit gallery welcomes visitors back",
                    false,
                    1,
                    None,
                ),
            ),
            ("catch", whole(&CATCH)),
        ],
    );
    let o = inkquire(&["digest", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let b = books(&issues);
    assert_eq!(b.len(), 2, "{err}");
    epubcheck(&b[1]);
    let got: Vec<String> = articles(&b[1]).into_keys().collect();
    assert_eq!(got, [CATCH.title], "{err}");
    let r = report(&b[1]);
    assert_eq!(r["duplicates"]["count"], 1, "{r}");
    assert_eq!(r["duplicates"]["items"][0]["of"], MUSEUM.title);
    assert_eq!(r["duplicates"]["items"][0]["earlier"], true);
    assert!(err.contains("already delivered as"), "{err}");

    // And then nothing is new.
    let o = inkquire(&["digest", "--config", &cfg]);
    assert!(stderr(&o).contains("Nothing new"), "{}", stderr(&o));
    assert_eq!(books(&issues).len(), 2);
    let o = inkquire(&["list", "--config", &cfg, "--duplicates", "--json"]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.len(), 4, "{v:?}");
}

#[test]
fn config_order_keeps_the_copy_from_the_source_listed_first() {
    let srv = TestServer::start();
    let dir = Dir::new();
    let mut feeds = day_one(&srv);
    // The Gazette first, then the wire, then the Courier.
    feeds.swap(0, 1);
    let cfg = config(&dir, &feeds, "prefer = \"config-order\"");
    let o = inkquire(&["digest", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let b = books(&dir.path("issues"));
    epubcheck(&b[0]);
    let got = articles(&b[0]);
    assert_eq!(
        got.get("Ferries to sail again on Thursday")
            .map(String::as_str),
        Some("Also in: Harbour Wire, Evening Courier"),
        "{got:?}"
    );
    assert_eq!(
        got.get("Bridge repairs get the green light")
            .map(String::as_str),
        Some("Also in: Harbour Wire"),
        "{got:?}"
    );
    assert!(!got.contains_key(STRIKE.title), "{got:?}");
    assert_eq!(got.len(), 5, "{got:?}");
}

#[test]
fn a_bad_prefer_is_refused_by_name() {
    let dir = Dir::new();
    let cfg = config(&dir, &[], "prefer = \"newest\"");
    let o = inkquire(&["digest", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("inkquire.toml") && err.contains("`newest`") && err.contains("config-order"),
        "{err}"
    );
}

/// The wire's strike story with `extra` paragraphs on top: the afternoon's version.
fn strike_updated(extra: usize) -> (String, Vec<String>) {
    const NEW: &[&str] = &[
        "UPDATE, 4 p.m.: The first ferry left the island terminal shortly after three o'clock, two days earlier than planned, after the operator found crews willing to start at once.",
        "Passengers who had waited since the morning cheered as the ramp was raised, and the operator said a second crossing would run before dark to carry medical supplies.",
        "The regional government said it would publish the mediator's report next week, including his recommendations on how future disputes on the routes should be handled.",
    ];
    let (title, mut paras) = whole(&STRIKE);
    for (i, p) in NEW.iter().take(extra).enumerate() {
        paras.insert(i, p.to_string());
    }
    (title, paras)
}

#[test]
fn an_update_is_skipped_unless_asked_for_and_then_headed_updated() {
    let srv = TestServer::start();
    for deliver in [false, true] {
        let dir = Dir::new();
        feed(
            &srv,
            "/wire.xml",
            "Harbour Wire",
            &[("strike", whole(&STRIKE))],
        );
        let issue = if deliver { "updates = \"deliver\"" } else { "" };
        let cfg = config(&dir, &[srv.url("/wire.xml")], issue);
        let o = inkquire(&["digest", "--config", &cfg]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        // A corrected word in the afternoon: no update, either way.
        let (title, mut paras) = whole(&STRIKE);
        paras[3] = paras[3].replace("dearly", "heavily");
        feed(
            &srv,
            "/wire.xml",
            "Harbour Wire",
            &[("strike", (title, paras))],
        );
        let o = inkquire(&["digest", "--config", &cfg]);
        assert!(stderr(&o).contains("Nothing new"), "{}", stderr(&o));
        // Three new paragraphs by the evening.
        feed(
            &srv,
            "/wire.xml",
            "Harbour Wire",
            &[("strike", strike_updated(3))],
        );
        let o = inkquire(&["digest", "--config", &cfg]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{err}");
        let issues = dir.path("issues");
        if !deliver {
            assert!(err.contains("Nothing new"), "{err}");
            assert_eq!(books(&issues).len(), 1);
            continue;
        }
        let b = books(&issues);
        assert_eq!(b.len(), 2, "{err}");
        epubcheck(&b[1]);
        let book = Book::open(&b[1]);
        let a = book.article_titled("Ferry strike ends");
        assert_eq!(book.articles().len(), 1);
        // Against the version collected last (the corrected word is one revised paragraph).
        assert_eq!(
            book.doc_text(&a, Some("updated")),
            "Updated: 3 new paragraphs, 1 revised"
        );
        assert!(
            book.doc_text(&a, Some("article-body"))
                .contains("The first ferry left")
        );
        // The same version again is not a new update.
        let o = inkquire(&["digest", "--config", &cfg]);
        assert!(stderr(&o).contains("Nothing new"), "{}", stderr(&o));
        assert_eq!(books(&issues).len(), 2);
    }
}

/// A day's wire story `n`: its own text, long enough to judge.
fn wire_story(n: usize) -> (String, Vec<String>) {
    let paras = (0..4)
        .map(|p| prose(&format!("wire {n} paragraph {p}"), 32))
        .collect();
    (format!("Wire story {n}"), paras)
}

/// The Gazette's copy of wire story `n`: its own headline, the lede's first paragraph gone, an
/// editor's note on top.
fn gazette_copy(n: usize) -> (String, Vec<String>) {
    let (_, mut paras) = wire_story(n);
    paras.remove(0);
    paras.insert(
        0,
        "Editor's note: this story was first published by the wire.".into(),
    );
    (format!("Gazette retells story {n}"), paras)
}

/// Which story a delivered title is.
fn story_of(title: &str) -> String {
    if let Some(n) = title.strip_prefix("Wire story ") {
        format!("story {n}")
    } else if let Some(n) = title.strip_prefix("Gazette retells story ") {
        format!("story {n}")
    } else {
        title.to_owned()
    }
}

fn ledger_count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Kills at each step where one story once writes: after the copies of earlier issues'
/// stories are recorded, after the issue (and its copies) is reserved, with the book written
/// but not in place, just after it is in place, and once it is recorded as built. Day after
/// day the Gazette prints copies of the wire's stories, today's and yesterday's, beside its
/// own; at the end every story has been delivered exactly once, and the ledger never holds an
/// article both in an issue and recorded as a copy, nor a copy of a story no issue holds.
#[test]
fn killed_digests_deliver_each_story_once() {
    use std::io::BufRead;
    let srv = TestServer::start();
    let dir = Dir::new();
    let cfg = config(&dir, &[srv.url("/wire.xml"), srv.url("/gazette.xml")], "");
    const POINTS: &[&str] = &["copies", "reserved", "written", "renamed", "built", ""];
    let (mut wire, mut gazette) = (Vec::new(), Vec::new());
    let mut want = std::collections::BTreeSet::new();
    let mut paused = 0;
    for day in 0..12 {
        for n in [2 * day, 2 * day + 1] {
            wire.push((format!("w{n}"), wire_story(n)));
            want.insert(format!("story {n}"));
        }
        gazette.push((format!("c{}", 2 * day), gazette_copy(2 * day)));
        if day > 0 {
            gazette.push((format!("c{}", 2 * day - 1), gazette_copy(2 * day - 1)));
        }
        let own = format!("Gazette own report {day}");
        let paras = (0..3).map(|p| prose(&format!("{own} {p}"), 30)).collect();
        gazette.push((format!("g{day}"), (own.clone(), paras)));
        want.insert(own);
        let items =
            |v: &Vec<(String, (String, Vec<String>))>| -> Vec<(String, (String, Vec<String>))> {
                v.iter().rev().cloned().collect()
            };
        let (w, g) = (items(&wire), items(&gazette));
        let w: Vec<(&str, _)> = w.iter().map(|(s, x)| (s.as_str(), x.clone())).collect();
        let g: Vec<(&str, _)> = g.iter().map(|(s, x)| (s.as_str(), x.clone())).collect();
        feed(&srv, "/wire.xml", "Harbour Wire", &w);
        feed(&srv, "/gazette.xml", "Daily Gazette", &g);
        let point = POINTS[day % POINTS.len()];
        let mut child = crate::util::command()
            .env("INKQUIRE_PAUSE", point)
            .env("INKQUIRE_PAUSE_MS", "20000")
            .args(["digest", "--config", &cfg, "--wait"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let err = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut reached = false;
        for line in err.lines() {
            let Ok(line) = line else { break };
            if !point.is_empty() && line.contains(&format!("paused at {point}")) {
                reached = true;
                let _ = child.kill();
                break;
            }
        }
        let status = child.wait().unwrap();
        if reached {
            paused += 1;
        } else {
            assert!(status.success(), "day {day}: the run failed");
        }
        let db = dir.path("ledger.db");
        assert_eq!(
            ledger_count(
                &db,
                "SELECT count(*) FROM articles a WHERE duplicate_of IS NOT NULL
                  AND EXISTS (SELECT 1 FROM issue_articles ia WHERE ia.article = a.id)"
            ),
            0,
            "day {day}: an article is both in an issue and a copy"
        );
    }
    // Every point but "copies" comes every day there is an issue; "copies" only once a story
    // of an earlier issue comes again.
    assert!(paused >= 8, "only {paused} runs reached their pause");
    let mut settled = false;
    for _ in 0..4 {
        let o = inkquire(&["digest", "--config", &cfg]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        if stderr(&o).contains("Nothing new") {
            settled = true;
            break;
        }
    }
    assert!(settled, "the runs after the kills settle");
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for b in books(&dir.path("issues")) {
        let book = Book::open(&b);
        for a in book.articles() {
            *seen.entry(story_of(&book.title_of(&a))).or_default() += 1;
        }
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    let got: std::collections::BTreeSet<String> = seen.into_keys().collect();
    assert_eq!(got, want, "every story, once");
    let db = dir.path("ledger.db");
    assert_eq!(
        ledger_count(
            &db,
            "SELECT count(*) FROM articles a WHERE duplicate_of IS NOT NULL AND NOT EXISTS
               (SELECT 1 FROM issue_articles ia JOIN issues i ON i.number = ia.issue
                 WHERE ia.article = a.duplicate_of AND i.state = 'delivered')"
        ),
        0,
        "a copy of a story no delivered issue holds"
    );
    assert_eq!(
        ledger_count(
            &db,
            "SELECT count(*) FROM articles a WHERE duplicate_of IS NULL AND filtered IS NULL
               AND NOT EXISTS (SELECT 1 FROM issue_articles ia WHERE ia.article = a.id)"
        ),
        0,
        "an article neither delivered nor a copy"
    );
    assert!(
        ledger_count(
            &db,
            "SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"
        ) >= 20
    );
}

/// A ledger from before one story once (schema 6) is upgraded with a copy kept beside it, and
/// every article already stored gets its signature: a copy collected after the upgrade of a
/// story delivered before it is not delivered again.
#[test]
fn a_version_6_ledger_gets_signatures_and_its_stories_count() {
    let srv = TestServer::start();
    let dir = Dir::new();
    feed(
        &srv,
        "/wire.xml",
        "Harbour Wire",
        &[("museum", whole(&MUSEUM))],
    );
    let cfg = config(&dir, &[srv.url("/wire.xml"), srv.url("/courier.xml")], "");
    feed(
        &srv,
        "/courier.xml",
        "Evening Courier",
        &[("catch", whole(&CATCH))],
    );
    let o = inkquire(&["digest", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let db = dir.path("ledger.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!(
        "{} PRAGMA user_version = 6;",
        crate::filters::V7_COLUMNS_DROPPED
    ))
    .unwrap();
    drop(conn);
    feed(
        &srv,
        "/courier.xml",
        "Evening Courier",
        &[
            ("catch", whole(&CATCH)),
            (
                "gallery",
                copy(
                    &MUSEUM,
                    "Flood-hit gallery welcomes visitors back",
                    false,
                    1,
                    None,
                ),
            ),
        ],
    );
    let o = inkquire(&["digest", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("upgraded the ledger from schema 6"), "{err}");
    assert!(err.contains("Nothing new"), "{err}");
    assert!(err.contains("already delivered as"), "{err}");
    assert_eq!(books(&dir.path("issues")).len(), 1);
    assert_eq!(
        ledger_count(&db, "SELECT count(*) FROM articles WHERE signature IS NULL"),
        0
    );
    assert_eq!(
        ledger_count(
            &db,
            "SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"
        ),
        1
    );
    let bak = rusqlite::Connection::open(dir.path("ledger.db.schema-6.bak")).unwrap();
    let v: i32 = bak
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 6, "the old ledger kept as it was");
}

/// A podcast's feed gives every episode the show's blurb: three episodes, three articles. A
/// live blog's two days share their introduction: two. A site that republishes an article at
/// a second address under its title: one.
#[test]
fn one_sources_items_with_one_text_are_merged_only_under_like_titles() {
    let srv = TestServer::start();
    let dir = Dir::new();
    let blurb: Vec<String> = MUSEUM.paras[..3].iter().map(|p| p.to_string()).collect();
    feed(
        &srv,
        "/podcast.xml",
        "The Harbour Podcast",
        &[
            (
                "ep12",
                ("Episode 12: the ferries".to_owned(), blurb.clone()),
            ),
            ("ep13", ("Episode 13: the bridge".to_owned(), blurb.clone())),
            ("bonus", ("Bonus: listeners write in".to_owned(), blurb)),
        ],
    );
    // A live blog's two days: the same introduction, each day's own updates.
    let live = |day: usize| -> (String, Vec<String>) {
        let mut paras = vec![
            "Follow our live coverage of the storm as it crosses the harbour: closures, ferry \
             cancellations, power cuts and advice from the coastguard, updated through the day."
                .to_owned(),
        ];
        paras.extend((0..4).map(|p| prose(&format!("live day {day} update {p}"), 30)));
        (
            format!("Live: the storm over the harbour, day {day}"),
            paras,
        )
    };
    feed(
        &srv,
        "/wire.xml",
        "Harbour Wire",
        &[
            ("live-1", live(1)),
            ("live-2", live(2)),
            ("budget", whole(&BUDGET)),
            (
                "2026/budget-bridge",
                copy(&BUDGET, BUDGET.title, false, 0, None),
            ),
        ],
    );
    let cfg = config(&dir, &[srv.url("/podcast.xml"), srv.url("/wire.xml")], "");
    let o = inkquire(&["digest", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let b = books(&dir.path("issues"));
    epubcheck(&b[0]);
    let got: Vec<String> = articles(&b[0]).into_keys().collect();
    assert_eq!(
        got,
        [
            "Bonus: listeners write in",
            BUDGET.title,
            "Episode 12: the ferries",
            "Episode 13: the bridge",
            "Live: the storm over the harbour, day 1",
            "Live: the storm over the harbour, day 2"
        ],
        "{err}"
    );
    let out = explain(
        &cfg,
        &srv.url("/podcast.xml/ep12"),
        &srv.url("/podcast.xml/ep13"),
    );
    assert!(out.contains("containment 1.00"), "{out}");
    assert!(out.contains("under different titles"), "{out}");
}

//! Exactly once: every article reaches the reader once — none lost, none repeated — and nothing
//! on the disk is touched that inkquire did not write. Driven from the binary over loopback
//! feeds; each test reproduces one way the daily job used to break that promise.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::server::{Resp, TestServer};
use crate::util::*;

/// An RSS feed of items `from..to`, each with its whole text (no page to fetch) dated `hours`
/// hours apart back from now; `picture` adds an image from the same server to each.
fn rss(srv: &TestServer, from: usize, to: usize, picture: bool) -> String {
    let mut items = String::new();
    for n in (from..to).rev() {
        let when = (chrono::Utc::now() - chrono::Duration::minutes(n as i64))
            .to_rfc2822()
            .replace("+0000", "GMT");
        let img = if picture {
            format!(
                "&lt;p&gt;&lt;img src=\"{}\" alt=\"A chart for story {n}\"/&gt;&lt;/p&gt;",
                srv.url(&format!("/img/{n}.png"))
            )
        } else {
            String::new()
        };
        items.push_str(&format!(
            "<item><title>Story {n}</title><link>{}</link><guid>{}</guid><pubDate>{when}</pubDate>\
             <description>&lt;p&gt;Story {n} begins here, and the ferries ran late again across the \
             whole harbour that morning.&lt;/p&gt;{img}&lt;p&gt;Its second paragraph says more about \
             story {n}.&lt;/p&gt;</description></item>",
            srv.url(&format!("/story/{n}")),
            srv.url(&format!("/story/{n}")),
        ));
    }
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Loop News</title>\
         <link>{}</link><description>d</description>{items}</channel></rss>",
        srv.url("/")
    )
}

fn serve_feed(srv: &TestServer, path: &str, from: usize, to: usize, picture: bool) {
    srv.route(
        path,
        Resp::ok("application/rss+xml", rss(srv, from, to, picture)),
    );
    if picture {
        for n in from..to {
            srv.route(&format!("/img/{n}.png"), Resp::ok("image/png", png(64, 48)));
        }
    }
}

/// A config in `dir`: a ledger, issues in `issues/`, `[issue]` extras, the feeds as sources,
/// and `deliver` tables.
fn config(dir: &Dir, feeds: &[String], issue: &str, deliver: &str) -> String {
    let mut cfg =
        format!("store = \"ledger.db\"\n[issue]\ntitle = \"Loop\"\noutput = \"issues\"\n{issue}\n");
    for f in feeds {
        cfg.push_str(&format!(
            "[[source]]\nurl = \"{f}\"\nfull-text = \"never\"\n"
        ));
    }
    cfg.push_str(deliver);
    dir.write("inkquire.toml", cfg).to_str().unwrap().to_owned()
}

const OUTBOX: &str = "[[deliver]]\nkind = \"folder\"\npath = \"outbox\"\n";

/// How many times each article title appears across the EPUBs in `folder`.
fn delivered(folder: &Path) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    let Ok(rd) = std::fs::read_dir(folder) else {
        return seen;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".epub") || name.ends_with(".kepub.epub") {
            continue;
        }
        let book = Book::open(&e.path());
        for a in book.articles() {
            *seen.entry(book.title_of(&a)).or_insert(0) += 1;
        }
    }
    seen
}

fn stories(range: std::ops::Range<usize>) -> BTreeMap<String, usize> {
    range.map(|n| (format!("Story {n}"), 1)).collect()
}

fn digest(cfg: &str) -> std::process::Output {
    inkquire(&["digest", "--config", cfg])
}

/// Every file under `dir`, recursively.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// Case 1: an article stored by another command while a build runs is delivered by the next
/// issue (it used to count as "seen before the last issue" and was lost).
#[test]
fn articles_stored_while_a_build_runs_reach_the_next_issue() {
    let srv = TestServer::start();
    serve_feed(&srv, "/a.xml", 0, 3, true);
    // One slow picture keeps the build busy while another command stores articles.
    srv.route(
        "/img/1.png",
        Resp {
            delay: Duration::from_millis(1500),
            ..Resp::ok("image/png", png(64, 48))
        },
    );
    serve_feed(&srv, "/b.xml", 100, 104, false);
    let dir = Dir::new();
    let cfg = config(&dir, &[srv.url("/a.xml")], "", OUTBOX);
    let run = crate::util::command()
        .args(["digest", "--config", &cfg])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while srv.downloads("/a.xml") == 0 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    // An hourly collect from cron, while the digest is building: it waits, then stores.
    let collect = inkquire(&["collect", "--config", &cfg, &srv.url("/b.xml")]);
    let first = run.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(collect.status.success(), "{}", stderr(&collect));
    let o = digest(&cfg);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut want = stories(0..3);
    want.extend(stories(100..104));
    assert_eq!(delivered(&dir.path("outbox")), want);
}

/// Case 2: `limit` holds articles back for later issues, and says so.
#[test]
fn limit_holds_back_and_later_issues_deliver_the_rest() {
    let srv = TestServer::start();
    serve_feed(&srv, "/f.xml", 0, 5, false);
    let dir = Dir::new();
    let cfg = config(&dir, &[srv.url("/f.xml")], "limit = 2", OUTBOX);
    let o = digest(&cfg);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("3 pending articles held back"),
        "{}",
        stderr(&o)
    );
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            walk(&dir.path("issues"))
                .into_iter()
                .find(|p| p.to_string_lossy().ends_with(".report.json"))
                .expect("a report"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(report["held_back"], 3);
    for _ in 0..2 {
        let o = digest(&cfg);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let o = digest(&cfg);
    assert!(stderr(&o).contains("Nothing new"), "{}", stderr(&o));
    assert_eq!(delivered(&dir.path("outbox")), stories(0..5));
}

/// Case 4: a delivery that fails is retried by every run until it succeeds; the issue is not
/// counted as delivered meanwhile, and e-mail settings are checked before anything is built.
#[test]
fn a_failed_delivery_is_retried_until_it_succeeds() {
    let srv = TestServer::start();
    serve_feed(&srv, "/f.xml", 0, 3, false);
    let dir = Dir::new();
    // The delivery folder cannot be made: a file stands where its parent should be.
    dir.write("blocker", "not a folder");
    let cfg = config(
        &dir,
        &[srv.url("/f.xml")],
        "",
        "[[deliver]]\nkind = \"folder\"\npath = \"blocker/books\"\n",
    );
    let o = digest(&cfg);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("still owed"), "{}", stderr(&o));
    let o = digest(&cfg);
    assert_eq!(o.status.code(), Some(1), "still owed: {}", stderr(&o));
    assert!(!stderr(&o).contains("Nothing new since"), "{}", stderr(&o));
    // More news arrives, and the folder is fixed: both issues get there, each article once.
    serve_feed(&srv, "/f.xml", 0, 5, false);
    std::fs::remove_file(dir.path("blocker")).unwrap();
    let o = digest(&cfg);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("Issue 1 delivered"), "{}", stderr(&o));
    assert_eq!(delivered(&dir.path("blocker/books")), stories(0..5));
    let o = digest(&cfg);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(delivered(&dir.path("blocker/books")), stories(0..5));

    // An SMTP server that is down: the issue is built, the delivery owed and said so.
    let dir2 = Dir::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let cfg2 = config(
        &dir2,
        &[srv.url("/f.xml")],
        "",
        &format!(
            "[[deliver]]\nkind = \"email\"\nto = \"me@example.org\"\n\
             [smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"me@example.org\"\n"
        ),
    );
    for _ in 0..2 {
        let o = digest(&cfg2);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("e-mail to me@example.org"),
            "{}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("still owed"), "{}", stderr(&o));
    }

    // E-mail with no [smtp]: refused before anything is built or recorded.
    let dir = Dir::new();
    let cfg = config(
        &dir,
        &[srv.url("/f.xml")],
        "",
        "[[deliver]]\nkind = \"email\"\nto = \"me@kindle.com\"\n",
    );
    let o = digest(&cfg);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("[smtp]"), "{}", stderr(&o));
    let o = inkquire(&["check", "--config", &cfg]);
    assert!(
        stderr(&o).contains("[smtp]"),
        "check says so too: {}",
        stderr(&o)
    );
    assert!(
        walk(dir.tmp.path())
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".epub"))
    );
    assert!(!dir.path("ledger.db").exists(), "nothing recorded");
}

/// Case 5: a `since` duration narrows the window; it never repeats what an issue delivered.
#[test]
fn since_a_duration_never_repeats_an_article() {
    let srv = TestServer::start();
    serve_feed(&srv, "/f.xml", 0, 4, false);
    let dir = Dir::new();
    let cfg = config(&dir, &[srv.url("/f.xml")], "since = \"4d\"", OUTBOX);
    for _ in 0..3 {
        let o = digest(&cfg);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(delivered(&dir.path("outbox")), stories(0..4));
    assert_eq!(walk(&dir.path("outbox")).len(), 1, "one issue only");
}

/// Case 6: two builds at once on one ledger never put an article in two issues, and a second
/// name for the ledger (a symlink) reaches the same lock.
#[test]
fn two_builds_at_once_and_a_symlinked_ledger_share_one_lock() {
    let srv = TestServer::start();
    serve_feed(&srv, "/f.xml", 0, 6, true);
    let dir = Dir::new();
    let cfg = config(&dir, &[srv.url("/f.xml")], "", "");
    let o = inkquire(&["collect", "--config", &cfg]);
    assert!(o.status.success(), "{}", stderr(&o));
    let spawn = |out: &str| {
        crate::util::command()
            .args(["build", "--config", &cfg, "--since", "last-issue", "-o"])
            .arg(dir.path(out))
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("a.epub"), spawn("b.epub"));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let codes = [a.status.code(), b.status.code()];
    assert!(
        codes.contains(&Some(0)) && !codes.contains(&Some(101)),
        "{codes:?}\n{}\n{}",
        stderr(&a),
        stderr(&b)
    );
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for f in ["a.epub", "b.epub"] {
        if dir.path(f).exists() {
            for (t, n) in delivered_one(&dir.path(f)) {
                *seen.entry(t).or_insert(0) += n;
            }
        }
    }
    assert_eq!(seen, stories(0..6), "each article in exactly one book");

    // The ledger reached through a symlinked folder: the same lock.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.tmp.path(), dir.path("alias")).unwrap();
        let real = dir.path("ledger.db");
        let held = inkquire::store::LedgerLock::exclusive(&real, false, &|_| {}).unwrap();
        let o = inkquire(&[
            "digest",
            "--config",
            &cfg,
            "--store",
            dir.path("alias/ledger.db").to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        drop(held);
    }
}

fn delivered_one(book: &Path) -> BTreeMap<String, usize> {
    let b = Book::open(book);
    let mut seen = BTreeMap::new();
    for a in b.articles() {
        *seen.entry(b.title_of(&a)).or_insert(0) += 1;
    }
    seen
}

/// Case 7: `keep` removes only the files this publication's issues wrote; `keep = 0` is refused.
#[test]
fn keep_removes_only_what_inkquire_wrote() {
    let srv = TestServer::start();
    let dir = Dir::new();
    let others = [
        "Morning-Tech-2026-11-01-No1.epub",
        "Morning-reading-list-No1.txt",
        "Morning-2020-01-01-No1.epub",
    ];
    for f in others {
        dir.write(&format!("issues/{f}"), "someone else's");
    }
    let cfg = config(
        &dir,
        &[srv.url("/f.xml")],
        "title = \"Morning\"\nkeep = 1",
        "",
    );
    // `title` given twice is a TOML error: write the [issue] table whole instead.
    let cfg_text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("title = \"Loop\"\n", "");
    std::fs::write(&cfg, cfg_text).unwrap();
    for round in 0..3 {
        serve_feed(&srv, "/f.xml", 0, round + 1, false);
        let o = digest(&cfg);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    for f in others {
        assert_eq!(
            std::fs::read_to_string(dir.path(&format!("issues/{f}"))).unwrap(),
            "someone else's",
            "{f} left alone"
        );
    }
    let ours: Vec<String> = walk(&dir.path("issues"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("Morning-20") && !others.contains(&n.as_str()))
        .collect();
    assert!(
        ours.len() == 2 && ours.iter().all(|n| n.contains("-No3.")),
        "only issue 3's book and report: {ours:?}"
    );

    let cfg_text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("keep = 1", "keep = 0");
    std::fs::write(&cfg, cfg_text).unwrap();
    let o = digest(&cfg);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("keep = 0"), "{}", stderr(&o));
}

/// Case 16: when no source can be read the digest says so (exit 4), and a dry run writes no
/// ledger and no lock.
#[test]
fn no_readable_source_is_said_and_a_dry_run_writes_nothing() {
    let srv = TestServer::start();
    srv.route("/gone.xml", Resp::status(404));
    let dir = Dir::new();
    let cfg = config(
        &dir,
        &[srv.url("/gone.xml"), srv.url("/also-gone.xml")],
        "",
        OUTBOX,
    );
    let o = inkquire(&["digest", "--config", &cfg, "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let left: Vec<PathBuf> = walk(dir.tmp.path());
    assert_eq!(
        left,
        vec![dir.path("inkquire.toml")],
        "a dry run wrote {left:?}"
    );
    let o = digest(&cfg);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("could be read"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("Nothing new"), "{}", stderr(&o));
}

/// The dry run lists exactly what the real run then delivers, `since` and `limit` included.
#[test]
fn the_dry_run_lists_what_the_real_run_delivers() {
    let srv = TestServer::start();
    serve_feed(&srv, "/f.xml", 0, 6, false);
    let dir = Dir::new();
    let cfg = config(
        &dir,
        &[srv.url("/f.xml")],
        "since = \"3d\"\nlimit = 4",
        OUTBOX,
    );
    let dry = inkquire(&["digest", "--config", &cfg, "--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    let listed: BTreeMap<String, usize> = String::from_utf8_lossy(&dry.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| l.starts_with("Story"))
        .map(|l| (l.to_owned(), 1))
        .collect();
    let o = digest(&cfg);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(listed.len(), 4);
    assert_eq!(delivered(&dir.path("outbox")), listed);
}

/// The crash test: a digest over a growing feed killed with SIGKILL at random moments (biased
/// toward the end of the run, where issues are recorded and delivered), then clean runs: every
/// article is in the delivery folder exactly once, the ledger is sound after every kill, and
/// no temporary file is left anywhere.
#[cfg(unix)]
#[test]
fn killed_digests_lose_nothing_and_repeat_nothing() {
    let srv = TestServer::start();
    let dir = Dir::new();
    // The filters leave out every story whose number ends in 7: recorded as filtered in the
    // same transactions the kills aim at, and never delivered.
    let cfg = config(
        &dir,
        &[srv.url("/f.xml")],
        "keep = 3\n[filters]\nblock = [\"title: /^Story [0-9]*7$/\"]",
        OUTBOX,
    );
    // A fixed seed: the same moments on every run of the test.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    // How long a whole run takes here, to aim the kills: the quickest of three runs, each with
    // two new items as every trial has (one run slowed by other work on the machine would aim
    // every kill after the runs end), shortened whenever a kill comes after its run ended.
    let mut items = 1;
    let mut whole = Duration::MAX;
    for _ in 0..3 {
        items += 2;
        serve_feed(&srv, "/f.xml", 0, items, true);
        let t = Instant::now();
        let o = digest(&cfg);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        whole = whole.min(t.elapsed());
    }
    let trials = 30;
    let (mut killed_held, mut held) = (0, 0);
    for _ in 0..trials {
        items += 2;
        serve_feed(&srv, "/f.xml", 0, items, true);
        // Two trials in three hold the run at one of the steps between taking an issue's
        // number and recording its delivery (the end of the run, where the windows are
        // narrow) for longer than the kill can be late, so the kill lands before or during the
        // hold whatever the machine's speed; the sqrt of a uniform number leans toward the
        // end. The other trials are killed at a random moment; one that comes after its run
        // ended is aimed again, earlier, without failing the test (the machine's speed decides
        // where a random moment falls, never whether the test passes).
        const POINTS: &[&str] = &[
            "reserved",
            "written",
            "renamed",
            "built",
            "copying",
            "delivered",
        ];
        let pick = next();
        let pause = (pick < 2.0 / 3.0)
            .then(|| POINTS[(pick * 1.5 * POINTS.len() as f64) as usize % POINTS.len()]);
        let mut aim = next();
        for attempt in 0..4 {
            let mut at = whole.mul_f64(0.15 + 0.9 * aim.sqrt());
            if pause.is_some() {
                // Never past the hold, whatever `whole` was measured as.
                at = at.min(Duration::from_millis(2900));
            }
            let mut child = crate::util::command()
                .env("INKQUIRE_PAUSE", pause.unwrap_or(""))
                .env("INKQUIRE_PAUSE_MS", "3000")
                .args(["digest", "--config", &cfg, "--wait"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(at);
            let running = child.try_wait().unwrap().is_none();
            let _ = child.kill();
            let _ = child.wait();
            assert_eq!(integrity(&dir.path("ledger.db")), "ok");
            if pause.is_some() {
                held += 1;
                killed_held += usize::from(running);
            }
            if running || pause.is_some() || attempt == 3 {
                break;
            }
            // The run ended before the kill: aim again, earlier (at the next step's items:
            // the run that ended delivered these).
            aim *= 0.5;
            whole = whole.mul_f64(0.8);
            items += 2;
            serve_feed(&srv, "/f.xml", 0, items, true);
        }
    }
    // A run held for three seconds is still running when a kill aimed within its usual
    // length (and under three seconds) comes, however fast or slow the machine.
    assert_eq!(killed_held, held, "a kill came after a held run had ended");
    // Clean runs until nothing is owed and nothing is new.
    let mut settled = false;
    for _ in 0..4 {
        let o = digest(&cfg);
        let err = stderr(&o);
        assert!(matches!(o.status.code(), Some(0)), "{err}");
        if err.contains("Nothing new") {
            settled = true;
            break;
        }
    }
    assert!(settled, "the runs after the kills settle");
    let mut want = stories(0..items);
    want.retain(|t, _| !t.ends_with('7'));
    assert_eq!(delivered(&dir.path("outbox")), want);
    let parts: Vec<PathBuf> = walk(dir.tmp.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".part"))
        .collect();
    assert!(parts.is_empty(), "temporary files left: {parts:?}");
    assert_eq!(integrity(&dir.path("ledger.db")), "ok");
}

/// Case 10: settings TOML accepts but that cannot work are refused, naming the key.
#[test]
fn impossible_settings_are_refused_by_name() {
    let dir = Dir::new();
    for (bad, says) in [
        ("[fetch]\nread-timeout = inf\n", "read-timeout"),
        ("[fetch]\nconnect-timeout = 1e300\n", "connect-timeout"),
        ("[fetch]\ntotal-timeout = nan\n", "total-timeout"),
        ("[fetch]\nread-timeout = -1.0\n", "read-timeout"),
        ("[fetch]\nread-timeout = 0.0\n", "read-timeout"),
        (
            "[[source]]\nurl = \"http://127.0.0.1:9/f.xml\"\npath = \"f.xml\"\n",
            "both url",
        ),
        (
            "[[source]]\nurl = \"http://127.0.0.1:9/f.xml\"\nkeep = [\"div[\"]\n",
            "not a CSS selector",
        ),
        (
            "[[source]]\nurl = \"http://127.0.0.1:9/f.xml\"\nremove = [\"::nope(\"]\n",
            "not a CSS selector",
        ),
        ("[issue]\nkeep = 0\n", "keep = 0"),
    ] {
        let cfg = dir.write("bad.toml", bad);
        let o = inkquire(&["check", "--config", cfg.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{bad}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{bad}: {}", stderr(&o));
    }
}

/// Case 11: escape sequences in a feed's titles never reach the terminal or a cron mail.
#[test]
fn feed_text_reaches_the_terminal_without_escape_sequences() {
    let srv = TestServer::start();
    srv.route(
        "/f.json",
        Resp::ok(
            "application/feed+json",
            format!(
                r#"{{"version":"https://jsonfeed.org/version/1.1","title":"Evil\u001b]0;owned\u0007 Feed",
                "items":[{{"id":"1","url":"{}","title":"Clear\u001b[2J screen\r","content_html":"<p>Body text of the item, long enough to read.</p>"}}]}}"#,
                srv.url("/one")
            ),
        ),
    );
    let dir = Dir::new();
    let cfg = config(&dir, &[srv.url("/f.json")], "", "");
    for args in [
        vec!["collect", "--config", &cfg, "-v"],
        vec!["list", "--config", &cfg],
        vec!["digest", "--config", &cfg, "-v"],
    ] {
        let o = inkquire(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        for out in [&o.stdout, &o.stderr] {
            assert!(
                !out.iter().any(|&b| b == 0x1b || b == 0x07 || b == b'\r'),
                "{args:?} printed a control character: {:?}",
                String::from_utf8_lossy(out)
            );
        }
    }
}

/// Case 12: credentials in a source's address, and a password typed into the config, are
/// never echoed into messages or the report.
#[test]
fn credentials_are_never_echoed() {
    let srv = TestServer::start();
    srv.route("/private.xml", Resp::status(404));
    serve_feed(&srv, "/ok.xml", 0, 1, false);
    let dir = Dir::new();
    let secret = srv
        .url("/private.xml?token=s3cr3t-t0ken&page=2")
        .replace("http://", "http://reader:hunter2pw@");
    let cfg = config(&dir, &[secret, srv.url("/ok.xml")], "", "");
    let o = digest(&cfg);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let mut everything = stderr(&o) + &String::from_utf8_lossy(&o.stdout);
    for p in walk(&dir.path("issues")) {
        if p.to_string_lossy().ends_with(".json") {
            everything.push_str(&std::fs::read_to_string(p).unwrap());
        }
    }
    assert!(
        everything.contains("private.xml"),
        "the source is still named: {everything}"
    );
    for s in ["s3cr3t-t0ken", "hunter2pw"] {
        assert!(!everything.contains(s), "{s} leaked: {everything}");
    }
    let cfg = dir.write(
        "pw.toml",
        "[smtp]\nhost = \"127.0.0.1\"\nfrom = \"a@b.c\"\npassword = \"hunter2pw\"\n",
    );
    let o = inkquire(&["check", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("password"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("hunter2pw"), "{}", stderr(&o));
}

/// Case 13: a feed on a local server may be fetched, but it cannot make inkquire fetch another
/// port of the same machine.
#[test]
fn a_local_source_allows_its_own_port_only() {
    let feed = TestServer::start();
    let other = TestServer::start();
    other.route("/img.png", Resp::ok("image/png", png(40, 30)));
    other.route(
        "/page",
        Resp::ok("text/html", "<html><body><p>internal</p></body></html>"),
    );
    feed.route(
        "/f.xml",
        Resp::ok(
            "application/rss+xml",
            format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>L</title><link>{}</link>\
                 <description>d</description><item><title>Probe</title><link>{}</link>\
                 <description>&lt;p&gt;A story long enough to be an article body here.&lt;/p&gt;\
                 &lt;img src=\"{}\" alt=\"x\"/&gt;</description></item></channel></rss>",
                feed.url("/"),
                feed.url("/probe"),
                other.url("/img.png")
            ),
        ),
    );
    let dir = Dir::new();
    let cfg = config(&dir, &[feed.url("/f.xml")], "", "");
    let o = digest(&cfg);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    assert!(feed.downloads("/f.xml") > 0);
    assert!(
        other.requests().is_empty(),
        "another port was fetched: {:?}",
        other.requests()
    );
}

/// One step of the property test's day.
#[derive(Debug, Clone)]
enum Step {
    /// `inkquire collect` stores this many new articles.
    Collect(usize),
    /// A digest, with these `since` (in days) and `limit` settings.
    Digest(Option<u8>, Option<usize>),
    /// A run killed after it reserved an issue, before its book was in place.
    KilledWhileWriting,
    /// A run killed after its book was in place, before it delivered.
    KilledBeforeDelivering,
    /// The delivery folder breaks, or is mended.
    BreakDelivery(bool),
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        (1usize..4).prop_map(Step::Collect),
        (
            proptest::option::of(1u8..10),
            proptest::option::of(1usize..4)
        )
            .prop_map(|(s, l)| Step::Digest(s, l)),
        Just(Step::KilledWhileWriting),
        Just(Step::KilledBeforeDelivering),
        any::<bool>().prop_map(Step::BreakDelivery),
    ]
}

/// The ledger's selection under random interleavings of collects, digests with `since` and
/// `limit`, delivery failures and killed runs, with notes that are copies of another's story:
/// in the end every article is delivered exactly once, or recorded as a copy of one that is. In-process, through the library's own digest, build, outbox and recovery.
#[test]
fn every_article_is_delivered_exactly_once_whatever_happens() {
    use proptest::prelude::*;
    let cfg = ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(cfg, |(steps in proptest::collection::vec(step(), 1..9))| {
        run_day(&steps);
    });
}

fn run_day(steps: &[Step]) {
    let dir = Dir::new();
    let notes = dir.path("notes");
    std::fs::create_dir_all(&notes).unwrap();
    let write_cfg = |since: Option<u8>, limit: Option<usize>| {
        let mut issue = String::new();
        if let Some(d) = since {
            issue.push_str(&format!("since = \"{d}d\"\n"));
        }
        if let Some(l) = limit {
            issue.push_str(&format!("limit = {l}\n"));
        }
        dir.write(
            "inkquire.toml",
            format!(
                "store = \"ledger.db\"\n[issue]\ntitle = \"Prop\"\noutput = \"issues\"\n{issue}\
                 [filters]\nblock = [\"title: skip\"]\n\
                 [[source]]\npath = \"notes\"\n[[deliver]]\nkind = \"folder\"\npath = \"box/books\"\n"
            ),
        )
    };
    let cfg_path = write_cfg(None, None);
    let digest = |since: Option<u8>, limit: Option<usize>| {
        let cfg = write_cfg(since, limit);
        // The library's daily job, as `inkquire digest --wait` runs it; true when it ended as
        // exit code 0 would say (nothing failed, nothing owed).
        let config = inkquire::config::Config::load(Some(&cfg)).unwrap();
        let plan =
            inkquire::digest::Plan::checked(&config, None, chrono::Local::now().fixed_offset())
                .unwrap();
        let done = inkquire::digest::run(&config, plan, true, &|_| {}).expect("a digest runs");
        done.owed.is_empty()
            && done.sources_failed() == 0
            && done.outcome.report.failures.is_empty()
    };
    let mut written = 0usize;
    // (copy, the note whose story it is)
    let mut copies: Vec<(usize, usize)> = Vec::new();
    let today = chrono::Local::now().date_naive();
    for s in steps {
        match s {
            Step::Collect(k) => {
                for _ in 0..*k {
                    // Dated up to a fortnight back, so `since` windows leave some out.
                    let date = today - chrono::Duration::days((written % 15) as i64);
                    // One note in three the filters leave out: never pending, never delivered.
                    // The note after each note is a copy of its story (its title and date, an
                    // editor's line on top), collected with it or a step later: of the two, one
                    // is delivered and the other recorded as its copy.
                    let (title, text, date) = if written % 3 == 2 {
                        (
                            format!("Skip {written}"),
                            prose(&format!("note {written}"), 80),
                            date,
                        )
                    } else if written % 3 == 1 {
                        let of = written - 1;
                        copies.push((written, of));
                        (
                            format!("Note {of} again"),
                            format!(
                                "Editor's note: first seen elsewhere. {}",
                                prose(&format!("note {of}"), 80)
                            ),
                            today - chrono::Duration::days((of % 15) as i64),
                        )
                    } else {
                        (
                            format!("Note {written}"),
                            prose(&format!("note {written}"), 80),
                            date,
                        )
                    };
                    dir.write(
                        &format!("notes/n{written}.md"),
                        format!("---\ntitle: {title}\ndate: {date}\n---\n{text}\n"),
                    );
                    written += 1;
                }
                let config = inkquire::config::Config::read(&cfg_path).unwrap();
                let mut store = inkquire::store::Store::open(&dir.path("ledger.db")).unwrap();
                let fetcher = inkquire::fetch::HttpFetcher::new(config.fetch.clone());
                inkquire::collect(&config.sources, &config, &mut store, &fetcher, &|_| {}).unwrap();
            }
            Step::Digest(since, limit) => {
                digest(*since, *limit);
            }
            Step::KilledWhileWriting => {
                let mut store = inkquire::store::Store::open(&dir.path("ledger.db")).unwrap();
                let ids: Vec<String> = store
                    .articles()
                    .unwrap()
                    .into_iter()
                    .filter(|a| a.pending)
                    .map(|a| a.article.id)
                    .collect();
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                let out = dir.path("issues");
                let new = inkquire::store::NewIssue {
                    title: "Prop",
                    date: today,
                    now: chrono::Utc::now(),
                    copies: &[],
                };
                store
                    .reserve_issue(&new, &ids, true, &|n| {
                        vec![(
                            out.join(format!("Prop-{today}-No{n}.epub")),
                            inkquire::store::FileRole::Book,
                        )]
                    })
                    .unwrap();
            }
            Step::KilledBeforeDelivering => {
                // A whole build that records its issue for the outbox, and no delivery.
                let config = inkquire::config::Config::read(&cfg_path).unwrap();
                let mut store = inkquire::store::Store::open(&dir.path("ledger.db")).unwrap();
                let fetcher = inkquire::fetch::HttpFetcher::new(config.fetch.clone());
                inkquire::shelf::recover(
                    &mut store,
                    &inkquire::deliver::outbox::targets(&config.deliveries),
                )
                .unwrap();
                let mut settings = inkquire::IssueSettings::for_digest(
                    &config,
                    chrono::Local::now().fixed_offset(),
                    false,
                )
                .unwrap();
                // Every pending article, whatever this step's window.
                settings.selection = inkquire::select::Selection::default();
                let _ = inkquire::build(inkquire::BuildRequest {
                    store: Some(&mut store),
                    ..inkquire::BuildRequest::new(settings, &config, &fetcher)
                })
                .unwrap();
            }
            Step::BreakDelivery(broken) => {
                let _ = std::fs::remove_dir_all(dir.path("box"));
                let _ = std::fs::remove_file(dir.path("box"));
                if *broken {
                    dir.write("box", "a file where the folder should be");
                } else {
                    // Mended: earlier deliveries are still there.
                }
            }
        }
    }
    // The day ends well: the folder works, and digests run until nothing is owed or new.
    if dir.path("box").is_file() {
        std::fs::remove_file(dir.path("box")).unwrap();
    }
    let mut clean = false;
    for _ in 0..3 {
        clean = digest(None, None);
    }
    assert!(
        clean,
        "the last digest ends with nothing failed and nothing owed"
    );
    // Deliveries made before the folder broke were removed with it; count what every issue
    // holds through the ledger, and check the folder holds the issues delivered since.
    let store = inkquire::store::Store::open(&dir.path("ledger.db")).unwrap();
    let all = store.articles().unwrap();
    let skipped = (0..written).filter(|w| w % 3 == 2).count();
    // Of each note and its copy, one is delivered and the other recorded as its copy.
    let dups = store.duplicate_articles().unwrap();
    assert_eq!(dups.len(), copies.len(), "{dups:?} {copies:?}");
    for (c, of) in &copies {
        let (a, b) = (format!("Note {of} again"), format!("Note {of}"));
        assert!(
            dups.iter()
                .any(|d| (d.title == a && d.of_title == b) || (d.title == b && d.of_title == a)),
            "note {c} and {of}: {dups:?}"
        );
    }
    let written = written - copies.len();
    assert_eq!(all.len(), written - skipped);
    assert_eq!(store.filtered_articles().unwrap().len(), skipped);
    assert!(
        all.iter().all(|a| a.delivered && !a.pending),
        "every article delivered"
    );
    let mut held: BTreeMap<String, usize> = BTreeMap::new();
    for issue in store
        .issues_in(inkquire::store::IssueState::Delivered)
        .unwrap()
    {
        for id in store.issue_articles(issue.number).unwrap() {
            *held.entry(id).or_insert(0) += 1;
        }
    }
    assert_eq!(held.len(), written - skipped);
    assert!(
        held.values().all(|&n| n == 1),
        "an article in two issues: {held:?}"
    );
    assert!(store.undelivered().unwrap().is_empty());
    assert!(
        store
            .issues_in(inkquire::store::IssueState::Building)
            .unwrap()
            .is_empty()
    );
}

/// Case 8: a link inside an input folder — to a file, a picture or a folder outside it — pulls
/// nothing from outside into the book.
#[cfg(unix)]
#[test]
fn links_out_of_an_input_folder_are_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = Dir::new();
    dir.write(
        "outside/secret.txt",
        "TOPSECRET-LINKED-FILE\n\nIts body is private.\n",
    );
    dir.write(
        "outside/deep/hidden.md",
        "# Hidden\n\nTOPSECRET-LINKED-FOLDER text.\n",
    );
    dir.write("outside/pic.png", png(80, 60));
    dir.write(
        "notes/a.md",
        "# Kept\n\nA note of my own, with a picture.\n\n![the chart](chart.png)\n",
    );
    dir.write("notes/inside.png", png(30, 20));
    symlink(dir.path("outside/secret.txt"), dir.path("notes/leak.txt")).unwrap();
    symlink(dir.path("outside/deep"), dir.path("notes/more")).unwrap();
    symlink(dir.path("outside/pic.png"), dir.path("notes/chart.png")).unwrap();
    // A link that stays inside the folder is fine.
    symlink(dir.path("notes/a.md"), dir.path("notes/alias-dir-b.md")).unwrap();
    let out = dir.path("book.epub");
    let o = inkquire(&[
        "build",
        dir.path("notes").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--date",
        "2026-11-30",
    ]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    assert!(stderr(&o).contains("leak.txt"), "{}", stderr(&o));
    let book = Book::open(&out);
    let mut all = String::new();
    for a in book.articles() {
        all.push_str(&book.doc_text(&a, None));
    }
    assert!(all.contains("A note of my own"), "{all}");
    assert!(!all.contains("TOPSECRET"), "{all}");
    assert!(
        !book
            .files
            .keys()
            .any(|f| f.contains("images/") && !f.contains("cover")),
        "the linked picture from outside was embedded: {:?}",
        book.files.keys().collect::<Vec<_>>()
    );
    epubcheck(&out);
}

/// Case 14: local inputs have limits: a FIFO, a device, and a file over the size cap are
/// refused by name before being read, and `-o` never replaces a device node.
#[cfg(unix)]
#[test]
fn local_inputs_have_limits_and_outputs_are_regular_files() {
    let dir = Dir::new();
    dir.write("ok.md", "# Fine\n\nA normal note.\n");
    dir.write("big.md", format!("# Big\n\n{}\n", "word ".repeat(2000)));
    let fifo = dir.path("pipe.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", dir.path("zero.md")).unwrap();
    let cfg = dir.write("c.toml", "[input]\nmax-file-size = \"4kB\"\n");
    let out = dir.path("book.epub");
    let mut child = crate::util::command()
        .args([
            "build",
            "--config",
            cfg.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .args([
            &dir.path("ok.md"),
            &dir.path("big.md"),
            &fifo,
            &dir.path("zero.md"),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the build hung on a FIFO or a device");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for (name, why) in [
        ("big.md", "max-file-size"),
        ("pipe.md", "not a regular file"),
        ("zero.md", "not a regular file"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(name) && l.contains(why)),
            "{name}: {why}?\n{err}"
        );
    }
    assert_eq!(Book::open(&out).articles().len(), 1);

    let o = inkquire(&[
        "build",
        dir.path("ok.md").to_str().unwrap(),
        "-o",
        "/dev/null",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

/// Case 15: an Atom category is matched by its term as well as its label (the section is
/// titled by the label), and a JSON Feed whose tags are a string is repaired, not rejected.
#[test]
fn atom_terms_match_topics_and_string_tags_are_repaired() {
    let srv = TestServer::start();
    srv.route(
        "/atom.xml",
        Resp::ok(
            "application/atom+xml",
            format!(
                r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title>
                <id>urn:desk</id><updated>2026-11-30T06:00:00Z</updated>
                <entry><title>Chips get smaller</title><id>urn:a</id><updated>2026-11-30T06:00:00Z</updated>
                <link href="{}"/><content type="html">&lt;p&gt;The chips got smaller again this year, the makers said.&lt;/p&gt;</content>
                <category term="tech" label="Technology"/></entry></feed>"#,
                srv.url("/a")
            ),
        ),
    );
    srv.route(
        "/f.json",
        Resp::ok(
            "application/feed+json",
            format!(
                r#"{{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{{"id":"j1","url":"{}",
                "title":"Tagged as a string","content_html":"<p>An item whose tags are one string.</p>","tags":"tech,science"}}]}}"#,
                srv.url("/j")
            ),
        ),
    );
    let dir = Dir::new();
    let out = dir.path("t.epub");
    let o = inkquire(&[
        "build",
        &srv.url("/atom.xml"),
        &srv.url("/f.json"),
        "--topic",
        "tech",
        "--date",
        "2026-11-30",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let book = Book::open(&out);
    let titles: Vec<String> = book.articles().iter().map(|a| book.title_of(a)).collect();
    assert!(
        titles.contains(&"Chips get smaller".to_owned()),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Tagged as a string".to_owned()),
        "{titles:?}"
    );
    // The Atom item's topic is its category's label, found by its term.
    let opf = book.opf();
    assert!(opf.contains("<dc:subject>technology</dc:subject>"), "{opf}");
    epubcheck(&out);
}

/// Case 9: a paragraph holding only pictures (a gallery, near the top) keeps every picture and
/// its alt text.
#[test]
fn a_paragraph_of_pictures_alone_keeps_them_all() {
    let dir = Dir::new();
    dir.write("notes/x.png", png(120, 80));
    dir.write("notes/y.png", png(90, 60));
    dir.write(
        "notes/g.md",
        "# Gallery\n\nIntro text of the note.\n\n![First picture](x.png) ![Second picture](y.png)\n\nAfter the pictures.\n",
    );
    let out = dir.path("g.epub");
    let o = inkquire(&[
        "build",
        dir.path("notes").to_str().unwrap(),
        "--date",
        "2026-11-30",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let book = Book::open(&out);
    let doc = book.text(&format!("OEBPS/{}", book.articles()[0]));
    assert_eq!(doc.matches("<img ").count(), 2, "{doc}");
    assert!(
        doc.contains("alt=\"First picture\"") && doc.contains("alt=\"Second picture\""),
        "{doc}"
    );
    assert!(doc.contains("After the pictures."), "{doc}");
    epubcheck(&out);
}

/// Case 3: a digest killed after it recorded its issue but before delivering it, or in the
/// middle of the copy into the delivery folder, has its issue delivered by the next run, and
/// the half-made copy is cleared.
#[cfg(unix)]
#[test]
fn a_digest_killed_before_or_during_delivery_is_finished_by_the_next() {
    for point in ["renamed", "built", "copying", "delivered"] {
        let srv = TestServer::start();
        serve_feed(&srv, "/f.xml", 0, 3, false);
        let dir = Dir::new();
        let cfg = config(&dir, &[srv.url("/f.xml")], "", OUTBOX);
        let mut child = crate::util::command()
            .args(["digest", "--config", &cfg])
            .env("INKQUIRE_PAUSE", point)
            .env("INKQUIRE_PAUSE_MS", "30000")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the run is held at the point: the book is in place (and, from `copying`
        // on, the copy is under way).
        let started = Instant::now();
        let ready = || {
            let files = walk(dir.tmp.path());
            let book = files.iter().any(|p| {
                p.parent() == Some(&dir.path("issues")) && p.to_string_lossy().ends_with(".epub")
            });
            let copying = files.iter().any(|p| {
                p.starts_with(dir.path("outbox")) && p.to_string_lossy().ends_with(".part")
            });
            let copied = files.iter().any(|p| {
                p.starts_with(dir.path("outbox")) && p.to_string_lossy().ends_with(".epub")
            });
            match point {
                "copying" => copying,
                "delivered" => copied,
                _ => book,
            }
        };
        while !ready() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{point}: never got there"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(100));
        child.kill().unwrap();
        child.wait().unwrap();
        let o = digest(&cfg);
        assert_eq!(o.status.code(), Some(0), "{point}: {}", stderr(&o));
        assert_eq!(delivered(&dir.path("outbox")), stories(0..3), "{point}");
        let parts: Vec<PathBuf> = walk(dir.tmp.path())
            .into_iter()
            .filter(|p| p.to_string_lossy().ends_with(".part"))
            .collect();
        assert!(parts.is_empty(), "{point}: {parts:?}");
        let o = digest(&cfg);
        assert!(
            stderr(&o).contains("Nothing new since"),
            "{point}: {}",
            stderr(&o)
        );
    }
}

//! The defects a second attack found (issue 32): each test drives the binary the way the
//! attack did — concurrent edits of the config, two publications in one folder, hostile and
//! slow mail servers, secrets in every address, dates past the calendar, killed runs — and
//! checks the promise the README makes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::server::{Resp, TestServer};
use crate::util::*;

/// An RSS feed of `items` (title, link, description).
fn rss(title: &str, items: &[(String, String, String)]) -> String {
    let items: String = items
        .iter()
        .map(|(t, l, d)| {
            format!(
                "<item><title>{t}</title><link>{}</link><guid>{}</guid><description><![CDATA[{d}]]></description></item>",
                l.replace('&', "&amp;"),
                l.replace('&', "&amp;")
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title><link>http://127.0.0.1/</link>{items}</channel></rss>"
    )
}

/// A paragraph long enough that an item carrying it is full text (no page is fetched).
fn full(n: usize) -> String {
    format!(
        "<p>Story {n}. {}</p>",
        "The harbour board met on Monday and agreed the new timetable for the ferries. ".repeat(10)
    )
}

fn feed_of(srv: &TestServer, path: &str, title: &str, n: usize) {
    let items: Vec<(String, String, String)> = (1..=n)
        .map(|i| {
            (
                format!("{title} story {i}"),
                srv.url(&format!("{path}/{i}")),
                full(i),
            )
        })
        .collect();
    srv.route(path, Resp::ok("application/rss+xml", rss(title, &items)));
}

fn write_config(dir: &Dir, name: &str, body: &str) -> String {
    dir.write(name, body).to_str().unwrap().to_owned()
}

// ---------------------------------------------------------------------------------------------
// 1. The config: edits under a lock, the file's own line ends.

/// Eight `add`s started together against one config leave eight sources (the attack saw one
/// survive in 8 of 8 rounds): each takes the config's lock, reads it again, writes it whole.
#[test]
fn eight_adds_at_once_leave_eight_sources() {
    let srv = TestServer::start();
    for n in 1..=8 {
        let items = vec![(
            format!("Feed {n} story"),
            srv.url(&format!("/s{n}")),
            full(n),
        )];
        let mut feed = Resp::ok("application/rss+xml", rss(&format!("Feed {n}"), &items));
        // Slow answers keep every add between reading the config and writing it.
        feed.delay = Duration::from_millis(300);
        srv.route(&format!("/f{n}.xml"), feed);
    }
    let dir = Dir::new();
    let original = "# my reading\nstore = \"ledger.db\"\n";
    let cfg = write_config(&dir, "inkquire.toml", original);
    for round in 0..2 {
        let children: Vec<_> = (1..=8)
            .map(|n| {
                let url = srv.url(&format!("/f{n}.xml"));
                crate::util::command()
                    .args(["add", &url, "--config", &cfg, "--pick", "1"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        }
        let text = std::fs::read_to_string(&cfg).unwrap();
        assert!(text.starts_with(original), "{text}");
        assert_eq!(
            text.matches("[[source]]").count(),
            8,
            "round {round}: every add kept (a second round adds nothing):\n{text}"
        );
        for n in 1..=8 {
            assert!(text.contains(&srv.url(&format!("/f{n}.xml"))), "{text}");
        }
        let o = inkquire(&["check", "--config", &cfg]);
        assert!(stderr(&o).contains("the config is valid"), "{}", stderr(&o));
    }
    // No lock file or temporary file is left beside the config.
    let names: Vec<String> = std::fs::read_dir(dir.path("."))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["inkquire.toml"]);
}

/// `add` keeps a CRLF config CRLF, and the snippet it shows has its lines (no `�`).
#[test]
fn add_keeps_the_files_line_ends_and_shows_the_snippet_as_lines() {
    let srv = TestServer::start();
    feed_of(&srv, "/f.xml", "Loop", 1);
    let dir = Dir::new();
    let original = "# written on Windows\r\nstore = \"ledger.db\"\r\n";
    let cfg = write_config(&dir, "inkquire.toml", original);
    let o = inkquire(&[
        "add",
        &srv.url("/f.xml"),
        "--config",
        &cfg,
        "--topic",
        "harbour",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(text.starts_with(original));
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "no bare LF: {text:?}"
    );
    assert!(text.contains("[[source]]\r\nurl = "), "{text:?}");
    assert!(!err.contains('\u{fffd}'), "{err}");
    assert!(
        err.contains(&format!(
            "[[source]]\nurl = \"{}\"\ntopics = [\"harbour\"]",
            srv.url("/f.xml")
        )),
        "{err}"
    );
    let o = inkquire(&["check", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------
// 2. Temporary files: only a run's own.

fn publication(dir: &Dir, name: &str, srv: &TestServer, feed: &str) -> String {
    write_config(
        dir,
        &format!("{name}.toml"),
        &format!(
            "store = \"{name}.db\"\n[issue]\ntitle = \"{name}\"\noutput = \"shared\"\n\
             [[source]]\nurl = \"{}\"\n",
            srv.url(feed)
        ),
    )
}

/// Two publications (two configs, two ledgers) share one output folder. While B is between
/// writing its book and renaming it, A's digest runs: B's temporary file stays, B finishes,
/// and a user's file that looks like one of inkquire's is never touched.
#[cfg(unix)]
#[test]
fn a_run_removes_only_temporary_files_its_ledger_names() {
    let srv = TestServer::start();
    feed_of(&srv, "/a.xml", "Alpha", 2);
    feed_of(&srv, "/b.xml", "Beta", 2);
    let dir = Dir::new();
    let a = publication(&dir, "Alpha", &srv, "/a.xml");
    let b = publication(&dir, "Beta", &srv, "/b.xml");
    let mine = dir.write("shared/.inkquire-notes.txt.abc123.part", "my own notes");
    let held = crate::util::command()
        .args(["digest", "--config", &b])
        .env("INKQUIRE_PAUSE", "written")
        .env("INKQUIRE_PAUSE_MS", "6000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let parts = || -> Vec<PathBuf> {
        std::fs::read_dir(dir.path("shared"))
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        let n = p.file_name().unwrap().to_string_lossy().into_owned();
                        n.starts_with(".inkquire-Beta") && n.ends_with(".part")
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let started = Instant::now();
    while parts().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "B never wrote its book"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let b_part = parts();
    // A's whole run, with B's book waiting to be renamed.
    let o = inkquire(&["digest", "--config", &a]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(parts(), b_part, "A left B's temporary file alone");
    let o = held.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "B finished: {}", stderr(&o));
    let names: Vec<String> = std::fs::read_dir(dir.path("shared"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".epub"))
        .collect();
    assert_eq!(names.len(), 2, "both issues: {names:?}");
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "my own notes");
    // And again, with nothing new: still the user's.
    for cfg in [&a, &b] {
        let o = inkquire(&["digest", "--config", cfg]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert!(mine.exists());
}

/// A run killed while its book was in its temporary file leaves it; the next run of the same
/// publication removes it (its ledger names the book), and only it.
#[cfg(unix)]
#[test]
fn a_killed_runs_temporary_file_is_cleared_by_its_own_next_run() {
    let srv = TestServer::start();
    feed_of(&srv, "/a.xml", "Alpha", 2);
    let dir = Dir::new();
    let a = publication(&dir, "Alpha", &srv, "/a.xml");
    let stranger = dir.write(
        "shared/.inkquire-Other-2026-01-01-No1.epub.Ab12Cd.part",
        "x",
    );
    let mut child = crate::util::command()
        .args(["digest", "--config", &a])
        .env("INKQUIRE_PAUSE", "written")
        .env("INKQUIRE_PAUSE_MS", "30000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ours = || {
        std::fs::read_dir(dir.path("shared"))
            .unwrap()
            .flatten()
            .filter(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.starts_with(".inkquire-Alpha") && n.ends_with(".part")
            })
            .count()
    };
    let started = Instant::now();
    while ours() == 0 {
        assert!(started.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(ours(), 1);
    let o = inkquire(&["digest", "--config", &a]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(ours(), 0, "its own temporary file is gone");
    assert!(
        stranger.exists(),
        "a file no ledger of this run names stays"
    );
}

// ---------------------------------------------------------------------------------------------
// 3 and 4. Hostile and slow mail servers.

/// What the fake IMAP server answers `UID SEARCH` with.
#[derive(Clone, Copy, Debug)]
enum Hostile {
    /// Empty lines, without end.
    EmptyLines,
    /// `*` lines, without end.
    StarLines,
    /// Literals of 60,000 bytes, without end.
    Literals,
    /// `* SEARCH 1 2 3…`, a byte every 200 ms, never a line end.
    Trickle,
}

/// A fake IMAP server on 127.0.0.1 that logs anyone in and answers the search as `how` says.
fn hostile_imap(how: Hostile) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = hostile_session(stream, how);
            });
        }
    });
    port
}

fn hostile_session(stream: TcpStream, how: Hostile) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"* OK hostile IMAP ready\r\n")?;
    let started = Instant::now();
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut words = line.split_whitespace();
        let tag = words.next().unwrap_or("*").to_owned();
        let cmd = words.next().unwrap_or("").to_ascii_uppercase();
        match cmd.as_str() {
            "SELECT" => out.write_all(
                format!("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n{tag} OK done\r\n").as_bytes(),
            )?,
            "UID" => {
                // Endless, until the client hangs up (or a minute has gone: a test that failed
                // must not hang the suite).
                let chunk: Vec<u8> = match how {
                    Hostile::EmptyLines => b"\r\n".repeat(32 * 1024),
                    Hostile::StarLines => b"*\r\n".repeat(16 * 1024),
                    Hostile::Literals => {
                        let mut c = b"* 1 FETCH (UID 1 BODY[] {60000}\r\n".to_vec();
                        c.extend(std::iter::repeat_n(b'x', 60_000));
                        c.extend_from_slice(b")\r\n");
                        c
                    }
                    Hostile::Trickle => b"* SEARCH 1 2 3 4 5 6 7 8 9".to_vec(),
                };
                while started.elapsed() < Duration::from_secs(60) {
                    match how {
                        Hostile::Trickle => {
                            for b in &chunk {
                                out.write_all(&[*b])?;
                                std::thread::sleep(Duration::from_millis(200));
                            }
                        }
                        _ => out.write_all(&chunk)?,
                    }
                }
                return Ok(());
            }
            "LOGOUT" => {
                out.write_all(format!("* BYE\r\n{tag} OK bye\r\n").as_bytes())?;
                return Ok(());
            }
            _ => out.write_all(format!("{tag} OK done\r\n").as_bytes())?,
        }
    }
}

/// Run `inkquire args` and wait for it, with its peak resident memory (kB) and how long it
/// took; killed after `limit` (a failure of the test, not a hang of the suite).
#[cfg(target_os = "linux")]
fn run_measured(
    args: &[&str],
    env: &[(&str, &str)],
    limit: Duration,
) -> (i32, String, u64, Duration) {
    let started = Instant::now();
    let mut child = crate::util::command()
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let pid = child.id() as libc::pid_t;
    let watchdog = std::thread::spawn(move || {
        let until = Instant::now() + limit;
        while Instant::now() < until {
            std::thread::sleep(Duration::from_millis(100));
            // The child is gone once its status file is.
            if !Path::new(&format!("/proc/{pid}")).exists() {
                return false;
            }
        }
        unsafe { libc::kill(pid, libc::SIGKILL) };
        true
    });
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    let elapsed = started.elapsed();
    let killed = watchdog.join().unwrap();
    assert!(!killed, "{args:?} ran past {limit:?} and was killed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    std::mem::forget(child);
    (
        code,
        reader.join().unwrap(),
        usage.ru_maxrss as u64,
        elapsed,
    )
}

fn mail_config(dir: &Dir, port: u16, feed: &str, fetch: &str) -> String {
    write_config(
        dir,
        "inkquire.toml",
        &format!(
            "store = \"ledger.db\"\n[issue]\noutput = \"issues\"\n[fetch]\n{fetch}\n\
             [[source]]\nkind = \"imap\"\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n\
             username = \"ann\"\npassword-env = \"INKQUIRE_TEST_IMAP\"\nname = \"Hostile mail\"\n\
             [[source]]\nurl = \"{feed}\"\n"
        ),
    )
}

/// However the server answers — endless empty lines, endless `*` lines, endless literals — the
/// client holds a bounded amount of it (under 100 MB at its peak, the whole process), fails
/// that source with a message, and the other sources are read.
#[cfg(target_os = "linux")]
#[test]
fn a_hostile_mail_server_costs_bounded_memory() {
    let srv = TestServer::start();
    feed_of(&srv, "/f.xml", "Harbour", 2);
    for how in [Hostile::EmptyLines, Hostile::StarLines, Hostile::Literals] {
        let port = hostile_imap(how);
        let dir = Dir::new();
        let cfg = mail_config(&dir, port, &srv.url("/f.xml"), "");
        let (code, err, peak_kb, _) = run_measured(
            &["collect", "--config", &cfg],
            &[("INKQUIRE_TEST_IMAP", "secret")],
            Duration::from_secs(60),
        );
        assert!(
            err.contains("Hostile mail") || err.contains("127.0.0.1"),
            "{how:?}: {err}"
        );
        assert!(err.contains("larger than allowed"), "{how:?}: {err}");
        assert_ne!(code, 0, "{how:?}: a source failed: {err}");
        assert!(
            peak_kb < 100 * 1024,
            "{how:?}: peak {} MB of memory",
            peak_kb / 1024
        );
        assert_eq!(
            stored_titles(&cfg),
            ["Harbour story 1", "Harbour story 2"],
            "{how:?}"
        );
    }
}

/// A server that trickles a byte every 200 ms is cut off at `[fetch] total-timeout` for the
/// command (not kept for as long as it trickles), named as a stall, and the feed beside it is
/// read.
#[cfg(target_os = "linux")]
#[test]
fn a_trickling_mail_server_is_cut_off_at_the_total_timeout() {
    let srv = TestServer::start();
    feed_of(&srv, "/f.xml", "Harbour", 2);
    let port = hostile_imap(Hostile::Trickle);
    let dir = Dir::new();
    let cfg = mail_config(&dir, port, &srv.url("/f.xml"), "total-timeout = 2");
    let (code, err, _, took) = run_measured(
        &["digest", "--config", &cfg],
        &[("INKQUIRE_TEST_IMAP", "secret")],
        Duration::from_secs(60),
    );
    assert!(
        err.contains("the server sent no complete answer within 2 s"),
        "{err}"
    );
    assert!(took < Duration::from_secs(20), "took {took:?}: {err}");
    assert_eq!(
        code, 1,
        "one source failed, the issue is built from the feed: {err}"
    );
    assert!(book_in(&dir.path("issues")).exists());
}

// ---------------------------------------------------------------------------------------------
// 5. Secrets in addresses are never shown.

const PASSWORD: &str = "Pw0rdZq9";
const TOKENS: [&str; 6] = [
    "TokA1x9q", "TokB2x9q", "TokC3x9q", "TokD4x9q", "TokE5x9q", "TokF6x9q",
];

/// A password and tokens planted in every place an address comes from — the config, a feed's
/// links, a redirect, a links list, `save`, `add` — never appear in anything a command prints,
/// in the report beside the issue, or in `list --json`.
#[test]
fn passwords_and_tokens_in_addresses_are_never_shown() {
    let srv = TestServer::start();
    let t = TOKENS;
    // A feed reached with a password and a token; its items link to pages with tokens, one
    // through a redirect, one to a page that is gone.
    let items = vec![
        (
            "Linked story".to_owned(),
            srv.url(&format!("/story1?access_token={}", t[1])),
            "<p>Short.</p>".to_owned(),
        ),
        (
            "Moved story".to_owned(),
            srv.url("/moved"),
            "<p>Short.</p>".to_owned(),
        ),
        (
            "Gone story".to_owned(),
            srv.url(&format!("/gone?token={}", t[2])),
            "<p>Short.</p>".to_owned(),
        ),
    ];
    srv.route(
        "/feed.xml",
        Resp::ok("application/rss+xml", rss("Secret feed", &items)),
    );
    srv.route("/story1", Resp::ok("text/html", story("Linked story")));
    let mut moved = Resp::status(301);
    moved.location = Some(srv.url(&format!("/story2?api_key={}", t[3])));
    srv.route("/moved", moved);
    srv.route("/story2", Resp::ok("text/html", story("Moved story")));
    srv.route("/story3", Resp::ok("text/html", story("Listed story")));
    srv.route("/story4", Resp::ok("text/html", story("Saved story")));
    // A site whose page names a feed with a password and a token.
    let named = srv
        .url(&format!("/feed2.xml?key={}", t[5]))
        .replace("http://", &format!("http://reader:{PASSWORD}@"));
    srv.route(
        "/site/",
        Resp::ok(
            "text/html",
            format!(
                "<!doctype html><html><head><title>Site</title><link rel=\"alternate\" type=\"application/rss+xml\" href=\"{}\"></head><body><ul><li><a href=\"/a\">A</a></li><li><a href=\"/b\">B</a></li></ul></body></html>",
                named.replace('&', "&amp;")
            ),
        ),
    );
    feed_of(&srv, "/feed2.xml", "Second", 1);
    let dir = Dir::new();
    dir.write(
        "list.txt",
        format!(
            "{}\n",
            srv.url(&format!("/story3?sig={}", t[4]))
                .replace("http://", &format!("http://me:{PASSWORD}@"))
        ),
    );
    let secret_feed = srv
        .url(&format!("/feed.xml?token={}", t[0]))
        .replace("http://", &format!("http://reader:{PASSWORD}@"));
    let cfg = write_config(
        &dir,
        "inkquire.toml",
        &format!(
            "store = \"ledger.db\"\n[issue]\noutput = \"issues\"\n\
             [[source]]\nurl = \"{secret_feed}\"\nfull-text = \"always\"\n\
             [[source]]\nkind = \"links\"\npath = \"list.txt\"\n"
        ),
    );
    let mut shown = String::new();
    let mut run = |args: &[&str]| {
        let o = inkquire(args);
        shown.push_str(&String::from_utf8_lossy(&o.stdout));
        shown.push_str(&stderr(&o));
        o
    };
    run(&["check", "--config", &cfg]);
    run(&["collect", "--config", &cfg, "-v"]);
    let saved = srv.url(&format!("/story4?token={}", t[4]));
    let o = run(&["save", &saved, "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["add", &srv.url("/site/"), "--config", &cfg, "--pick", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    run(&["list", "--config", &cfg]);
    run(&["list", "--config", &cfg, "--json"]);
    let o = run(&["digest", "--config", &cfg, "-v"]);
    assert!(o.status.code().is_some(), "{}", stderr(&o));
    // What was stored and built: every story the addresses led to.
    let titles = stored_titles(&cfg);
    for want in [
        "Linked story",
        "Moved story",
        "Listed story",
        "Saved story",
        "Second story 1",
    ] {
        assert!(titles.iter().any(|t| t == want), "{want}: {titles:?}");
    }
    let report = std::fs::read_dir(dir.path("issues"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".report.json"))
        .expect("a report");
    shown.push_str(&std::fs::read_to_string(report).unwrap());
    assert!(
        shown.contains("***"),
        "addresses were shown, redacted: {shown}"
    );
    for secret in t.iter().chain([&PASSWORD]) {
        assert!(!shown.contains(secret), "{secret} was shown:\n{shown}");
    }
    // The config keeps what it needs to fetch.
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(text.contains(PASSWORD) && text.contains(t[5]), "{text}");
}

// ---------------------------------------------------------------------------------------------
// 6. Dates past the calendar.

/// `since` far in the past, in the config or on the command line, is refused by name (exit 2),
/// never a panic.
#[test]
fn a_since_past_the_calendar_is_refused_by_name() {
    let dir = Dir::new();
    dir.write(
        "notes/a.md",
        "# A note\n\nSome text of a note about the harbour.\n",
    );
    let cfg = write_config(
        &dir,
        "inkquire.toml",
        "store = \"ledger.db\"\n[issue]\noutput = \"issues\"\nsince = \"99999999999d\"\n[[source]]\npath = \"notes\"\n",
    );
    let o = inkquire(&["digest", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("99999999999d"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    let notes = dir.path("notes");
    for since in ["99999999999d", "9999999999999w"] {
        let o = inkquire(&[
            "build",
            notes.to_str().unwrap(),
            "--since",
            since,
            "-o",
            dir.path("x.epub").to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{since}: {}", stderr(&o));
        assert!(stderr(&o).contains(since), "{}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    assert!(!dir.path("x.epub").exists());
}

// ---------------------------------------------------------------------------------------------
// 7. An issue finished by a later run; keep with nothing new.

/// A run killed after its book was in place has its issue finished by the next run, which
/// writes the issue's report (saying so); `serve` lists it with its date and headlines.
#[cfg(unix)]
#[test]
fn an_issue_finished_by_a_later_run_gets_its_report() {
    let srv = TestServer::start();
    feed_of(&srv, "/f.xml", "Harbour", 3);
    let dir = Dir::new();
    let cfg = write_config(
        &dir,
        "inkquire.toml",
        &format!(
            "store = \"ledger.db\"\n[issue]\ntitle = \"Chaos\"\noutput = \"issues\"\n[[source]]\nurl = \"{}\"\n",
            srv.url("/f.xml")
        ),
    );
    let mut child = crate::util::command()
        .args(["digest", "--config", &cfg])
        .env("INKQUIRE_PAUSE", "renamed")
        .env("INKQUIRE_PAUSE_MS", "30000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let book = loop {
        let found = std::fs::read_dir(dir.path("issues")).ok().and_then(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|e| e == "epub"))
        });
        if let Some(b) = found {
            break b;
        }
        assert!(started.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(Duration::from_millis(100));
    child.kill().unwrap();
    child.wait().unwrap();
    let report_path = PathBuf::from(book.to_string_lossy().replace(".epub", ".report.json"));
    assert!(!report_path.exists(), "the killed run wrote no report");
    let o = inkquire(&["digest", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).expect("a report")).unwrap();
    assert_eq!(report["issue"], 1);
    assert_eq!(report["title"], "Chaos");
    assert_eq!(report["finished_by_later_run"], true);
    assert!(
        report["date"].as_str().is_some_and(|d| d.len() == 10),
        "{report}"
    );
    let mut titles: Vec<&str> = report["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        ["Harbour story 1", "Harbour story 2", "Harbour story 3"]
    );
    assert_eq!(
        report["bytes"].as_u64(),
        Some(std::fs::metadata(&book).unwrap().len())
    );
    // serve lists it like any other issue.
    let page = inkquire::serve::index(&dir.path("issues"));
    assert!(page.contains("Chaos — No. 1"), "{page}");
    assert!(page.contains("Harbour story"), "{page}");
    assert!(!page.contains("Chaos 2026"), "{page}");
}

/// With `keep = N`, a digest with nothing new prunes too.
#[test]
fn keep_prunes_even_when_nothing_is_new() {
    let srv = TestServer::start();
    let dir = Dir::new();
    let body = |keep: &str| {
        format!(
            "store = \"ledger.db\"\n[issue]\ntitle = \"Daily\"\noutput = \"issues\"\n{keep}\n[[source]]\nurl = \"{}\"\n",
            srv.url("/f.xml")
        )
    };
    let cfg = write_config(&dir, "inkquire.toml", &body(""));
    for n in 1..=3 {
        feed_of(&srv, "/f.xml", "Daily", n);
        let o = inkquire(&["digest", "--config", &cfg]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let books = || {
        std::fs::read_dir(dir.path("issues"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".epub"))
            .count()
    };
    assert_eq!(books(), 3);
    write_config(&dir, "inkquire.toml", &body("keep = 1"));
    let o = inkquire(&["digest", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("Nothing new"), "{}", stderr(&o));
    assert_eq!(books(), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Removed old issue file"),
        "{}",
        stderr(&o)
    );
}

// ---------------------------------------------------------------------------------------------
// 8. Smaller ones.

/// `limit = 0`, `per-host = 0` and `global = 0` are refused by name before anything runs.
#[test]
fn zero_limits_are_refused_by_name() {
    let dir = Dir::new();
    for (section, key) in [
        ("issue", "limit"),
        ("fetch", "per-host"),
        ("fetch", "global"),
    ] {
        let cfg = write_config(
            &dir,
            "inkquire.toml",
            &format!("store = \"ledger.db\"\n[{section}]\n{key} = 0\n"),
        );
        let o = inkquire(&["check", "--config", &cfg]);
        assert_eq!(o.status.code(), Some(2), "{key}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("{key} = 0")),
            "{key}: {}",
            stderr(&o)
        );
    }
    let o = inkquire(&[
        "build",
        "examples",
        "--limit",
        "0",
        "-o",
        "/nonexistent/x.epub",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--limit"), "{}", stderr(&o));
}

/// A read-later list with a NUL byte on one line loses that line only; a list of 100,000 bad
/// lines says twenty and a count.
#[test]
fn a_links_list_with_a_nul_byte_and_many_bad_lines() {
    let srv = TestServer::start();
    srv.route("/one.html", Resp::ok("text/html", story("First saved")));
    srv.route("/two.html", Resp::ok("text/html", story("Second saved")));
    let dir = Dir::new();
    let mut list = format!("{}\n", srv.url("/one.html")).into_bytes();
    list.extend_from_slice(b"https://exa\0mple.org/nul\n");
    list.extend_from_slice(format!("{}\n", srv.url("/two.html")).as_bytes());
    for n in 0..100_000 {
        list.extend_from_slice(format!("note {n}\n").as_bytes());
    }
    dir.write("list.txt", &list);
    let cfg = write_config(
        &dir,
        "inkquire.toml",
        "store = \"ledger.db\"\n[issue]\noutput = \"issues\"\n[[source]]\nkind = \"links\"\npath = \"list.txt\"\n",
    );
    let o = inkquire(&["collect", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("line 2: holds a NUL byte, left out"), "{err}");
    assert!(
        err.contains("… and 99,980 more lines that are not addresses"),
        "{err}"
    );
    assert!(err.lines().count() < 40, "{} lines", err.lines().count());
    assert_eq!(stored_titles(&cfg), ["First saved", "Second saved"]);
}

/// `serve`'s page shows a title with a right-to-left override isolated and without the
/// override; a Range whose last position is past any number is the rest of the file.
#[test]
fn serve_isolates_titles_and_clamps_ranges() {
    let srv = TestServer::start();
    let items = vec![(
        "Evil \u{202e}txt.exe story".to_owned(),
        srv.url("/1"),
        full(1),
    )];
    srv.route(
        "/f.xml",
        Resp::ok("application/rss+xml", rss("Evil", &items)),
    );
    let dir = Dir::new();
    let cfg = write_config(
        &dir,
        "inkquire.toml",
        &format!(
            "store = \"ledger.db\"\n[issue]\ntitle = \"Evil\"\noutput = \"issues\"\n[[source]]\nurl = \"{}\"\n",
            srv.url("/f.xml")
        ),
    );
    let o = inkquire(&["digest", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = inkquire::serve::index(&dir.path("issues"));
    assert!(!page.contains('\u{202e}'), "{page}");
    assert!(
        page.contains("<bdi>Evil txt.exe story</bdi>") || page.contains("<bdi>Evil txt.exe story"),
        "{page}"
    );
    assert!(page.contains("<bdi>Evil — No. 1</bdi>"), "{page}");
}

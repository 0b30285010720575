//! `inkquire digest`: the daily job over the bundled examples config, delivery, and scheduling.

use std::path::{Path, PathBuf};

use crate::util::*;

/// A copy of examples/ (with its inkquire.toml) in a fresh folder.
pub(crate) fn examples_copy(dir: &Dir) -> PathBuf {
    let to = dir.path("examples");
    copy_tree(&root().join("examples"), &to);
    to.join("inkquire.toml")
}

pub(crate) fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

pub(crate) fn issues(dir: &Dir) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir.path("issues"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.retain(|n| n.ends_with(".epub"));
    v.sort();
    v
}

#[test]
fn digest_builds_once_then_only_what_is_new_and_delivers() {
    let dir = Dir::new();
    let cfg = examples_copy(&dir);
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["digest", "--config", cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        !err.contains('\x1b') && !String::from_utf8_lossy(&o.stdout).contains('\x1b'),
        "no ANSI escapes off a terminal"
    );
    let first = issues(&dir);
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].ends_with("-No1.epub"), "{first:?}");
    let book_path = dir.path("issues").join(&first[0]);
    epubcheck(&book_path);
    ace(&book_path);
    let book = Book::open(&book_path);
    assert!(
        book.opf()
            .contains("<meta name=\"calibre:series_index\" content=\"1\"/>")
    );
    assert_eq!(book.articles().len(), 5);
    // Delivered byte for byte into the outbox folder; the report beside the issue.
    let copy = dir.path("issues/outbox").join(&first[0]);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(&book_path).unwrap()
    );
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            dir.path("issues")
                .join(first[0].replace(".epub", ".report.json")),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(report["issue"], 1);
    assert_eq!(report["articles"].as_array().unwrap().len(), 5);
    assert_eq!(report["deliveries"][0]["ok"], true);
    assert!(inkquire::deliver::kindle_preflight(&std::fs::read(&book_path).unwrap()).is_empty());

    // Nothing new: nothing built, exit 0.
    let o = inkquire(&["digest", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("Nothing new"), "{}", stderr(&o));
    assert_eq!(issues(&dir).len(), 1);

    // A new article: issue 2 holds it and nothing of issue 1.
    dir.write("examples/science/new-probe.md", "---\ntitle: A new probe reaches orbit\ndate: 2026-11-28\n---\nThe probe entered orbit at dawn.\n");
    let o = inkquire(&["digest", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let now = issues(&dir);
    assert_eq!(now.len(), 2, "{now:?}");
    let second = now
        .iter()
        .find(|n| n.ends_with("-No2.epub"))
        .expect("issue 2");
    let b2 = Book::open(&dir.path("issues").join(second));
    let titles: Vec<String> = b2.articles().iter().map(|a| b2.title_of(a)).collect();
    assert_eq!(titles, ["A new probe reaches orbit"]);
    assert!(
        b2.opf()
            .contains("<meta name=\"calibre:series_index\" content=\"2\"/>")
    );
    epubcheck(&dir.path("issues").join(second));

    // --dry-run writes nothing.
    dir.write(
        "examples/world/later.md",
        "# Later news\n\nSomething else happened.\n",
    );
    let o = inkquire(&["digest", "--config", cfg, "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("Later news") && out.contains("-No3.epub"),
        "{out}"
    );
    assert_eq!(issues(&dir).len(), 2, "dry run wrote nothing");
}

#[test]
fn two_digests_at_once_leave_exactly_one_issue() {
    let dir = Dir::new();
    let cfg = examples_copy(&dir);
    let spawn = || {
        crate::util::command()
            .args(["digest", "--config", cfg.to_str().unwrap()])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let codes = [a.status.code(), b.status.code()];
    assert!(codes.contains(&Some(0)), "{codes:?}");
    assert!(
        codes.iter().all(|c| matches!(c, Some(0) | Some(3))),
        "{codes:?}: {} {}",
        stderr(&a),
        stderr(&b)
    );
    assert_eq!(issues(&dir).len(), 1, "{:?}", issues(&dir));
    let conn = rusqlite::Connection::open(dir.path("issues/ledger.db")).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM issues", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    if codes.contains(&Some(3)) {
        let locked = if a.status.code() == Some(3) { &a } else { &b };
        assert!(
            stderr(locked).contains("Another inkquire digest is running"),
            "{}",
            stderr(locked)
        );
    }
}

#[test]
fn device_delivery_finds_kobo_and_kindle_and_copies_the_right_flavour() {
    let dir = Dir::new();
    let cfg = examples_copy(&dir);
    let media = dir.path("media/reader");
    std::fs::create_dir_all(media.join("KOBOeReader/.kobo")).unwrap();
    std::fs::create_dir_all(media.join("Kindle/documents")).unwrap();
    std::fs::create_dir_all(media.join("Kindle/system")).unwrap();
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "\n[[deliver]]\nkind = \"device\"\npath = \"{}\"\n",
        dir.path("media").display()
    ));
    std::fs::write(&cfg, text).unwrap();
    let o = inkquire(&["digest", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let all = std::fs::read_dir(dir.path("issues"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    let epub = all
        .iter()
        .find(|n| n.ends_with("-No1.epub") && !n.ends_with(".kepub.epub"))
        .expect("epub");
    let kepub = all
        .iter()
        .find(|n| n.ends_with("-No1.kepub.epub"))
        .expect("a KEPUB beside it, for the Kobo");
    epubcheck(&dir.path("issues").join(kepub));
    ace(&dir.path("issues").join(kepub));
    assert_eq!(
        std::fs::read(media.join("KOBOeReader").join(kepub)).unwrap(),
        std::fs::read(dir.path("issues").join(kepub)).unwrap(),
        "the Kobo gets the KEPUB"
    );
    assert_eq!(
        std::fs::read(media.join("Kindle/documents").join(epub)).unwrap(),
        std::fs::read(dir.path("issues").join(epub)).unwrap(),
        "the Kindle gets the EPUB in documents/"
    );
}

#[test]
fn schedule_completions_and_man() {
    let o = inkquire(&[
        "schedule",
        "--at",
        "06:30",
        "--config",
        "examples/inkquire.toml",
    ]);
    assert!(o.status.success());
    let out = String::from_utf8(o.stdout).unwrap();
    let cron = out
        .lines()
        .find(|l| !l.starts_with('#') && !l.is_empty())
        .unwrap();
    let fields: Vec<&str> = cron.split_whitespace().collect();
    assert_eq!(&fields[..5], ["30", "6", "*", "*", "*"], "{cron}");
    assert!(
        Path::new(fields[5]).is_absolute() && fields[5].ends_with("inkquire"),
        "{cron}"
    );
    assert!(
        cron.contains(" digest --config /") && cron.contains("examples/inkquire.toml"),
        "{cron}"
    );
    assert!(
        out.contains("OnCalendar=*-*-* 06:30:00") && out.contains("ExecStart=/"),
        "{out}"
    );
    assert_eq!(
        inkquire(&["schedule", "--at", "25:00"]).status.code(),
        Some(2)
    );
    let bash = inkquire(&["completions", "bash"]);
    assert!(bash.status.success() && String::from_utf8_lossy(&bash.stdout).contains("complete -F"));
    let man = inkquire(&["man"]);
    assert!(
        man.status.success() && String::from_utf8_lossy(&man.stdout).contains(".TH inkquire 1")
    );
}

#[test]
fn calibre_reads_the_issue_back() {
    if std::process::Command::new("ebook-meta")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!(
            "skipping calibre_reads_the_issue_back: calibre is not installed (apt-get install calibre)"
        );
        return;
    }
    let dir = Dir::new();
    let book = dir.path("gazette.epub");
    let o = inkquire(&[
        "build",
        "examples/",
        "--title",
        "Calibre Check",
        "--date",
        "2026-11-28",
        "-o",
        book.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let meta = std::process::Command::new("ebook-meta")
        .arg(&book)
        .output()
        .unwrap();
    let meta = String::from_utf8_lossy(&meta.stdout);
    assert!(meta.contains("Calibre Check — 28 November 2026"), "{meta}");
    assert!(
        meta.lines()
            .any(|l| l.starts_with("Series") && l.contains("Calibre Check #1")),
        "{meta}"
    );
    assert!(
        meta.lines()
            .any(|l| l.starts_with("Languages") && l.contains("eng")),
        "{meta}"
    );
    let azw3 = dir.path("gazette.azw3");
    let conv = std::process::Command::new("ebook-convert")
        .arg(&book)
        .arg(&azw3)
        .output()
        .unwrap();
    assert!(
        conv.status.success() && azw3.exists(),
        "{}",
        String::from_utf8_lossy(&conv.stderr)
    );
}

/// A minimal SMTP server on 127.0.0.1 that accepts one message and hands over its DATA.
fn smtp_server() -> (u16, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut out = stream.try_clone().unwrap();
        let mut r = BufReader::new(stream);
        out.write_all(b"220 test ESMTP\r\n").unwrap();
        let mut data = String::new();
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            let cmd = line.to_ascii_uppercase();
            if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                out.write_all(b"250-test\r\n250 8BITMIME\r\n").unwrap();
            } else if cmd.starts_with("DATA") {
                out.write_all(b"354 go on\r\n").unwrap();
                loop {
                    let mut l = String::new();
                    r.read_line(&mut l).unwrap();
                    if l == ".\r\n" {
                        break;
                    }
                    data.push_str(&l);
                }
                out.write_all(b"250 queued\r\n").unwrap();
            } else if cmd.starts_with("QUIT") {
                out.write_all(b"221 bye\r\n").unwrap();
                break;
            } else {
                out.write_all(b"250 ok\r\n").unwrap();
            }
        }
        tx.send(data).unwrap();
    });
    (port, rx)
}

#[test]
fn email_delivery_sends_the_issue_as_an_epub_attachment() {
    use base64::Engine;
    let dir = Dir::new();
    let cfg = examples_copy(&dir);
    let (port, rx) = smtp_server();
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "\n[[deliver]]\nkind = \"email\"\nto = \"reader@example.org\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"inkquire@example.org\"\n"
    ));
    std::fs::write(&cfg, text).unwrap();
    let o = inkquire(&["digest", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let data = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("one message");
    let at = data
        .find("Content-Type: application/epub+zip")
        .expect("an EPUB attachment");
    let part_start = data[..at].rfind("\r\n--").unwrap_or(0);
    let part = &data[part_start..];
    let headers = &part[..part.find("\r\n\r\n").unwrap()];
    assert!(
        headers.contains("filename=\"Example-Gazette.epub\""),
        "{headers}"
    );
    let body_start = part.find("\r\n\r\n").unwrap() + 4;
    let body: String = part[body_start..]
        .lines()
        .take_while(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .join("");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .unwrap();
    let book = issues(&dir)
        .into_iter()
        .find(|n| n.ends_with("-No1.epub"))
        .unwrap();
    assert_eq!(
        bytes,
        std::fs::read(dir.path("issues").join(book)).unwrap(),
        "byte-identical attachment"
    );
}

#[test]
fn opds_catalog_lists_issues_and_serves_the_same_bytes() {
    let dir = Dir::new();
    let cfg = examples_copy(&dir);
    let o = inkquire(&["digest", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut child = crate::util::command()
        .args(["serve", "--config", cfg.to_str().unwrap(), "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let base = line
        .split("http://")
        .nth(1)
        .unwrap()
        .trim()
        .trim_end_matches("/opds")
        .to_owned();
    let base = format!("http://{base}");
    assert!(
        base.starts_with("http://127.0.0.1:"),
        "binds loopback by default: {line}"
    );
    let feed = ureq::get(format!("{base}/opds"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let doc = roxmltree::Document::parse(&feed).expect("the catalog is XML (Atom)");
    let entries: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 1);
    assert!(
        entries[0]
            .descendants()
            .any(|n| n.has_tag_name("title") && n.text().unwrap_or("").contains("Example Gazette"))
    );
    let link = entries[0]
        .descendants()
        .find(|n| {
            n.has_tag_name("link")
                && n.attribute("rel") == Some("http://opds-spec.org/acquisition")
                && n.attribute("type") == Some("application/epub+zip")
        })
        .expect("an acquisition link");
    let got = ureq::get(format!("{base}{}", link.attribute("href").unwrap()))
        .call()
        .unwrap()
        .body_mut()
        .with_config()
        .limit(100_000_000)
        .read_to_vec()
        .unwrap();
    let book = issues(&dir)
        .into_iter()
        .find(|n| n.ends_with("-No1.epub"))
        .unwrap();
    assert_eq!(got, std::fs::read(dir.path("issues").join(book)).unwrap());
    let cover = entries[0]
        .descendants()
        .find(|n| n.attribute("rel") == Some("http://opds-spec.org/image/thumbnail"))
        .unwrap();
    let png = ureq::get(format!("{base}{}", cover.attribute("href").unwrap()))
        .call()
        .unwrap()
        .body_mut()
        .read_to_vec()
        .unwrap();
    assert!(image::load_from_memory(&png).is_ok(), "a cover thumbnail");
    let status = ureq::get(format!("{base}/issues/..%2Fledger.db"))
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 404, "only listed issues are served");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_digest_killed_while_building_leaves_no_partial_book() {
    use std::io::Cursor;
    let dir = Dir::new();
    let cfg = examples_copy(&dir);
    // Enough picture work that the build takes a while.
    for i in 0..12u32 {
        let noise = image::RgbImage::from_fn(1800, 1800, |x, y| {
            let v = (x.wrapping_mul(2654435761u32.wrapping_add(i)) ^ y.wrapping_mul(40503)) as u8;
            image::Rgb([v, v.wrapping_add(50), v.wrapping_mul(3)])
        });
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(noise)
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        dir.write(&format!("examples/tech/heavy{i}.png"), png);
        dir.write(
            &format!("examples/tech/heavy{i}.md"),
            format!("# Heavy {i}\n\nText.\n\n![p](heavy{i}.png)\n"),
        );
    }
    for delay_ms in [300u64, 900, 1500, 2500] {
        let mut child = crate::util::command()
            .args(["digest", "--config", cfg.to_str().unwrap()])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = std::process::Command::new("kill")
            .args(["-9", &child.id().to_string()])
            .output();
        let _ = child.wait();
        // Whatever is in the output folder named .epub is a whole, readable book.
        for name in issues(&dir) {
            let path = dir.path("issues").join(&name);
            let f = std::fs::File::open(&path).unwrap();
            assert!(
                zip::ZipArchive::new(f).is_ok(),
                "{name} is a partial book (killed after {delay_ms} ms)"
            );
        }
        let ledger_ok: String = rusqlite::Connection::open(dir.path("issues/ledger.db"))
            .and_then(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get(0)))
            .unwrap_or_else(|_| "ok".into());
        assert_eq!(ledger_ok, "ok");
    }
    // A run that finishes cleans up what killed runs left and records one consistent issue.
    let o = inkquire(&["digest", "--config", cfg.to_str().unwrap()]);
    assert!(matches!(o.status.code(), Some(0)), "{}", stderr(&o));
    let leftovers: Vec<String> = std::fs::read_dir(dir.path("issues"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let conn = rusqlite::Connection::open(dir.path("issues/ledger.db")).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM issues", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        n as usize,
        issues(&dir).len(),
        "every recorded issue has its book and no more"
    );
}

/// The report beside an issue says what kind of problem each one was: a source whose server
/// fails is `network`, one whose file is missing is `disk`, and every problem listed has a kind.
#[test]
fn the_report_gives_each_problem_its_kind() {
    let srv = crate::server::TestServer::start();
    srv.route("/down.xml", crate::server::Resp::status(503));
    let dir = Dir::new();
    let cfg = examples_copy(&dir);
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "\n[[source]]\nurl = \"{}\"\n\n[[source]]\npath = \"no-such-feed.xml\"\n",
        srv.url("/down.xml")
    ));
    std::fs::write(&cfg, text).unwrap();
    let o = inkquire(&["digest", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let book = issues(&dir)
        .into_iter()
        .find(|n| n.ends_with("-No1.epub"))
        .expect("an issue from the sources that work");
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            dir.path("issues")
                .join(book.replace(".epub", ".report.json")),
        )
        .unwrap(),
    )
    .unwrap();
    let sources = report["sources"].as_array().unwrap();
    let kind_of = |needle: &str| {
        sources
            .iter()
            .find(|s| s["location"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("{needle} in {sources:?}"))["kind"]
            .clone()
    };
    assert_eq!(kind_of("down.xml"), "network", "{sources:?}");
    assert_eq!(kind_of("no-such-feed.xml"), "disk", "{sources:?}");
    let ok = sources.iter().filter(|s| s["failed"].is_null()).count();
    assert_eq!(ok, 4, "the four example folders are read");
    assert!(
        sources
            .iter()
            .filter(|s| s["failed"].is_null())
            .all(|s| s.get("kind").is_none()),
        "only failed sources carry a kind"
    );
    for p in report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(report["failures"].as_array().unwrap())
    {
        assert!(p["kind"].is_string(), "a problem without its kind: {p}");
    }
}

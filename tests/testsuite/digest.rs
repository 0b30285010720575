//! `inkquire digest`: the daily job over the bundled examples config, delivery, and scheduling.

use std::path::{Path, PathBuf};

use crate::util::*;

/// A copy of examples/ (with its inkquire.toml) in a fresh folder.
fn examples_copy(dir: &Dir) -> PathBuf {
    let to = dir.path("examples");
    copy_tree(&root().join("examples"), &to);
    to.join("inkquire.toml")
}

fn copy_tree(from: &Path, to: &Path) {
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

fn issues(dir: &Dir) -> Vec<String> {
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
        std::process::Command::new(env!("CARGO_BIN_EXE_inkquire"))
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

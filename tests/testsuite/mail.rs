//! Newsletters over IMAP, against a real server: Debian's dovecot, started on 127.0.0.1 with a
//! throwaway config and a Maildir of messages written here. Skipped with a message where dovecot
//! is not installed (CI installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::*;

const PASSWORD: &str = "s3cret \"quoted\"";

/// A dovecot serving one user (`ann`) from a Maildir, plain (and STARTTLS) on one port and TLS
/// on another, with its own self-signed certificate.
pub struct Dovecot {
    pub dir: Dir,
    pub plain: u16,
    pub tls: u16,
    conf: PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn dovecot_binary() -> Option<PathBuf> {
    ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

impl Dovecot {
    /// Whether dovecot is here; where it is not, a test skips with a message (in CI it fails).
    pub fn available() -> bool {
        if dovecot_binary().is_some() {
            return true;
        }
        if std::env::var_os("CI").is_some() {
            panic!("dovecot is not installed: .ci/run installs dovecot-imapd");
        }
        eprintln!("SKIPPED: dovecot is not installed (apt-get install dovecot-imapd)");
        false
    }

    /// Start one, or `None` (with a message) where dovecot is absent outside CI.
    pub fn start() -> Option<Dovecot> {
        if !Dovecot::available() {
            return None;
        }
        let bin = dovecot_binary()?;
        let dir = Dir::new();
        let root = dir.path(".");
        for sub in [
            "run",
            "state",
            "home/ann/Maildir/new",
            "home/ann/Maildir/cur",
            "home/ann/Maildir/tmp",
        ] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        let (cert, key) = (root.join("cert.pem"), root.join("key.pem"));
        let made = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=127.0.0.1"])
            .args(["-addext", "subjectAltName=IP:127.0.0.1"])
            .args(["-addext", "basicConstraints=critical,CA:FALSE"])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .expect("openssl runs");
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        std::fs::write(root.join("passwd"), format!("ann:{{PLAIN}}{PASSWORD}\n")).unwrap();
        // A free port can be taken by another test between choosing it and dovecot binding it:
        // a start that fails is tried again on other ports, and its own words are kept.
        let mut failures = Vec::new();
        for _ in 0..5 {
            match Dovecot::start_on(&bin, dir.path("."), free_port(), free_port()) {
                Ok(()) => break,
                Err(e) => failures.push(e),
            }
        }
        let started = std::fs::read_to_string(dir.path("ports")).ok();
        let Some((plain, tls)) = started.as_deref().and_then(|s| {
            let (a, b) = s.split_once(' ')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        }) else {
            panic!("dovecot starts: {}", failures.join("\n---\n"));
        };
        let d = Dovecot {
            dir,
            plain,
            tls,
            conf: root.join("dovecot.conf"),
        };
        // Ready when it answers.
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", plain)).is_ok()
                && std::net::TcpStream::connect(("127.0.0.1", tls)).is_ok()
            {
                return Some(d);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("dovecot did not listen: {}", d.log());
    }

    /// Write the configuration for these ports and start dovecot on it; on success the ports
    /// are written to `ports`, on failure dovecot's own words are the error.
    fn start_on(bin: &Path, root: PathBuf, plain: u16, tls: u16) -> Result<(), String> {
        // As root, the mail is read as nobody (dovecot refuses uid 0), and dovecot's own
        // processes run as nobody too: the `dovecot` and `dovenull` users its package means to
        // make may be missing on a fresh machine. As anyone else, everything runs as them.
        let uid = unsafe_uid();
        let (users, mail_uid) = if uid == 0 {
            (
                "default_internal_user = nobody\ndefault_internal_group = nogroup\ndefault_login_user = nobody\n".to_owned(),
                65534,
            )
        } else {
            let me = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
                .unwrap()
                .trim()
                .to_owned();
            (
                format!("default_internal_user = {me}\ndefault_login_user = {me}\n"),
                uid,
            )
        };
        let r = root.display();
        let conf = format!(
            "base_dir = {r}/run\nstate_dir = {r}/state\nlog_path = {r}/log\nprotocols = imap\n\
             listen = 127.0.0.1\nssl = yes\nssl_cert = <{r}/cert.pem\nssl_key = <{r}/key.pem\n\
             disable_plaintext_auth = no\nauth_mechanisms = plain login\nfirst_valid_uid = 0\n{users}\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {r}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={mail_uid} gid={mail_uid} home={r}/home/%u\n}}\n\
             mail_location = maildir:~/Maildir\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {plain}\n  }}\n\
               inet_listener imaps {{\n    address = 127.0.0.1\n    port = {tls}\n    ssl = yes\n  }}\n}}\n\
             service stats {{\n  unix_listener stats-reader {{\n    mode = 0600\n  }}\n  unix_listener stats-writer {{\n    mode = 0600\n  }}\n}}\n"
        );
        let conf_path = root.join("dovecot.conf");
        std::fs::write(&conf_path, conf).unwrap();
        open_up(&root);
        // dovecot forks into the background: its output goes to a file, never to a pipe that
        // would stay open as long as it runs.
        let said = root.join("start.err");
        let status = Command::new(bin)
            .arg("-c")
            .arg(&conf_path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&said).unwrap())
            .status()
            .unwrap();
        if !status.success() {
            return Err(format!(
                "{status}: {}{}",
                std::fs::read_to_string(&said).unwrap_or_default(),
                std::fs::read_to_string(root.join("log")).unwrap_or_default()
            ));
        }
        std::fs::write(root.join("ports"), format!("{plain} {tls}")).unwrap();
        Ok(())
    }

    pub fn maildir(&self) -> PathBuf {
        self.dir.path("home/ann/Maildir")
    }

    /// A new message in the inbox.
    pub fn deliver(&self, name: &str, message: &[u8]) {
        let path = self.maildir().join("new").join(name);
        std::fs::write(&path, message).unwrap();
        self.open_up();
    }

    pub fn cert(&self) -> PathBuf {
        self.dir.path("cert.pem")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path("log")).unwrap_or_default()
    }

    /// The Maildir's files by their flags: how many are marked read (`S`).
    pub fn seen(&self) -> usize {
        let mut n = 0;
        for sub in ["cur", "new"] {
            for e in std::fs::read_dir(self.maildir().join(sub))
                .unwrap()
                .flatten()
            {
                let name = e.file_name().to_string_lossy().into_owned();
                if name
                    .rsplit_once(":2,")
                    .is_some_and(|(_, flags)| flags.contains('S'))
                {
                    n += 1;
                }
            }
        }
        n
    }

    /// The mail files readable and writable by the user dovecot reads them as.
    fn open_up(&self) {
        open_up(&self.dir.path("."));
    }
}

/// The mail folders open to the user dovecot reads them as.
fn open_up(root: &Path) {
    Command::new("chmod")
        .args(["-R", "a+rwX"])
        .arg(root.join("home"))
        .status()
        .unwrap();
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if let Some(bin) = dovecot_binary() {
            let _ = Command::new(bin)
                .arg("-c")
                .arg(&self.conf)
                .arg("stop")
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status();
        }
    }
}

fn unsafe_uid() -> u32 {
    String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// A message, with CRLF line ends.
fn message(headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = String::new();
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&body.replace("\r\n", "\n").replace('\n', "\r\n"));
    out.into_bytes()
}

fn letters(d: &Dovecot) {
    let common = |id: &str, subject: &str| {
        vec![
            (
                "From",
                "\"The Harbour Letter\" <letter@harbour.example>".to_owned(),
            ),
            ("To", "ann@example.org".to_owned()),
            ("Subject", subject.to_owned()),
            ("Message-ID", format!("<{id}@harbour.example>")),
            ("Date", "Mon, 30 Nov 2026 07:00:00 +0100".to_owned()),
            ("MIME-Version", "1.0".to_owned()),
            ("List-Id", "Harbour news <news.harbour.example>".to_owned()),
        ]
    };
    let with = |id: &str, subject: &str, extra: &[(&str, &str)], body: &str| {
        let mut h = common(id, subject);
        h.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        message(&h, body)
    };
    let para = "The ferries move north while the old pier is repaired; the harbour board says the work will take most of next year.";
    // 1. multipart/alternative, HTML in quoted-printable, with the usual clutter.
    d.deliver(
        "1.msg",
        &with(
            "one",
            "Weekly letter: the pier",
            &[("Content-Type", "multipart/alternative; boundary=\"b1\"")],
            &format!(
                "--b1\nContent-Type: text/plain; charset=utf-8\n\nPlain version.\n--b1\n\
                 Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n\
                 <html><body><span style=3D\"display:none\">Preheader teaser</span>\n\
                 <table role=3D\"presentation\"><tr><td><a href=3D\"https://harbour.example/web\">View in browser</a></td></tr>\n\
                 <tr><td><h1>The pier</h1><p>{para} Caf=C3=A9 owners are glad.</p>\n\
                 <img src=3D\"https://harbour.example/open.gif\" width=3D\"1\" height=3D\"1\"></td></tr>\n\
                 <tr><td><p>You are receiving this because you subscribed. <a href=3D\"https://harbour.example/u\">Unsubscribe</a></p></td></tr></table>\n\
                 </body></html>\n--b1--\n"
            ),
        ),
    );
    // 2. Text only.
    d.deliver(
        "2.msg",
        &with(
            "two",
            "Text only: tides",
            &[("Content-Type", "text/plain; charset=utf-8")],
            &format!("Tides this week.\n\n{para}\n"),
        ),
    );
    // 3. HTML in base64, in ISO-8859-1.
    let latin: Vec<u8> = format!("<p>Gr\u{fc}\u{df}e aus dem Hafen. {para}</p>")
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    d.deliver(
        "3.msg",
        &with(
            "three",
            "=?ISO-8859-1?Q?Gr=FC=DFe_aus_dem_Hafen?=",
            &[
                ("Content-Type", "text/html; charset=iso-8859-1"),
                ("Content-Transfer-Encoding", "base64"),
            ],
            &base64(&latin),
        ),
    );
    // 4. An inline picture by Content-ID.
    d.deliver(
        "4.msg",
        &with(
            "four",
            "With a picture",
            &[("Content-Type", "multipart/related; boundary=\"r1\"")],
            &format!(
                "--r1\nContent-Type: text/html; charset=utf-8\n\n<p>{para}</p><p><img src=\"cid:chart@x\" alt=\"The tide chart\"></p>\n\
                 --r1\nContent-Type: image/png\nContent-ID: <chart@x>\nContent-Transfer-Encoding: base64\n\n{}\n--r1--\n",
                base64(&png(120, 80))
            ),
        ),
    );
    // 5. Malformed: a multipart whose boundary never comes, with broken base64 in it.
    d.deliver(
        "5.msg",
        &with(
            "five",
            "Broken but readable",
            &[("Content-Type", "multipart/mixed; boundary=\"nope\"")],
            &format!("<p>{para}</p>\nContent-Transfer-Encoding: base64\n\n@@@not base64@@@\n"),
        ),
    );
    // 6. Huge: over the [fetch] max-bytes the test sets.
    d.deliver(
        "6.msg",
        &with(
            "six",
            "Huge letter",
            &[("Content-Type", "text/plain; charset=utf-8")],
            &"A long line of text for a big message.\n".repeat(60_000),
        ),
    );
    // 7. From someone else: the filters leave it.
    d.deliver(
        "7.msg",
        &message(
            &[
                ("From", "friend@example.net"),
                ("Subject", "Lunch?"),
                ("Message-ID", "<seven@example.net>"),
                ("Date", "Mon, 30 Nov 2026 09:00:00 +0000"),
            ],
            "Lunch on Friday?\n",
        ),
    );
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
        if out.len() % 77 == 76 {
            out.push('\n');
        }
    }
    out
}

fn imap_source(d: &Dovecot, port: u16, security: &str, extra: &str) -> String {
    format!(
        "[[source]]\nkind = \"imap\"\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"{security}\"\n\
         username = \"ann\"\npassword-env = \"INKQUIRE_TEST_IMAP\"\nlist-id = \"news.harbour.example\"\n\
         topics = [\"letters\"]\n{extra}\n",
    )
    .replace("CERT", &d.cert().display().to_string())
}

fn config(dir: &Dir, sources: &str) -> String {
    dir.write(
        "inkquire.toml",
        format!("store = \"ledger.db\"\n[issue]\noutput = \"issues\"\n[fetch]\nmax-bytes = 1000000\n{sources}"),
    )
    .to_str()
    .unwrap()
    .to_owned()
}

fn run(args: &[&str]) -> std::process::Output {
    inkquire_env(args, &[("INKQUIRE_TEST_IMAP", PASSWORD)])
}

#[test]
fn newsletters_become_articles_once_without_being_marked_at_collection() {
    let Some(d) = Dovecot::start() else { return };
    letters(&d);
    let dir = Dir::new();
    let cfg = config(&dir, &imap_source(&d, d.plain, "none", ""));
    let o = run(&["collect", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}\n{}", d.log());
    assert!(err.contains("5 new"), "{err}");
    assert!(
        err.contains("Huge letter") || err.contains("over the"),
        "{err}"
    );
    assert_eq!(
        stored_titles(&cfg),
        [
            "Broken but readable",
            "Grüße aus dem Hafen",
            "Text only: tides",
            "Weekly letter: the pier",
            "With a picture"
        ]
    );
    assert_eq!(d.seen(), 0, "collecting marks nothing read");
    let o = run(&["check", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("a mail folder: logged in, 6 unread messages"),
        "the five and the huge one pass the filters: {}",
        stderr(&o)
    );

    // A second collect finds nothing new.
    let o = run(&["collect", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 new"), "{}", stderr(&o));

    // The book: the letter, not its clutter; the sender as the source; charsets decoded.
    let o = run(&["build", "--config", &cfg, "--since", "last-issue", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let book = book_in(&dir.path("issues"));
    epubcheck(&book);
    let b = Book::open(&book);
    let pier = b.doc_text(&b.article_titled("Weekly letter"), None);
    assert!(pier.contains("Café owners are glad"), "{pier}");
    assert!(pier.contains("The Harbour Letter"), "the sender: {pier}");
    for gone in [
        "Preheader",
        "View in browser",
        "Unsubscribe",
        "receiving this",
        "Plain version",
    ] {
        assert!(!pier.contains(gone), "{gone}: {pier}");
    }
    let latin = b.doc_text(&b.article_titled("Grüße"), None);
    assert!(latin.contains("Grüße aus dem Hafen."), "{latin}");
    let tides = b.doc_text(&b.article_titled("Text only"), None);
    assert!(tides.contains("Tides this week."), "{tides}");
    // The picture the letter carries as a part (cid:) is in the book.
    let page = b.text(&format!("OEBPS/{}", b.article_titled("With a picture")));
    assert!(
        page.contains("<img") && page.contains("The tide chart"),
        "{page}"
    );
    assert!(!page.contains("cid:") && !page.contains("data:"), "{page}");
}

#[test]
fn tls_starttls_a_wrong_password_and_a_dead_server_fail_alone() {
    let Some(d) = Dovecot::start() else { return };
    letters(&d);
    let dead = free_port();
    let dir = Dir::new();
    // TLS with the server's own certificate trusted; STARTTLS likewise.
    let cfg = config(
        &dir,
        &format!(
            "{}{}",
            imap_source(&d, d.tls, "tls", "ca-file = \"CERT\""),
            // This one's password comes from a command (a password manager's place).
            imap_source(
                &d,
                d.plain,
                "starttls",
                "ca-file = \"CERT\"\nfolder = \"INBOX\"\nname = \"starttls\"\n\
                 password-command = \"printf '%s\\\\n' \\\"$INKQUIRE_TEST_IMAP\\\"\""
            )
            .replace("password-env = \"INKQUIRE_TEST_IMAP\"\n", "")
        ),
    );
    let o = run(&["collect", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}\n{}", d.log());
    assert_eq!(stored_titles(&cfg).len(), 5, "{err}");
    assert!(err.contains("starttls: "), "both sources read: {err}");

    // Without the certificate, TLS is refused; a wrong password and a dead server fail too, each
    // alone and named, while a good source is read.
    let dir = Dir::new();
    let good = d.dir.path("good.xml");
    std::fs::write(
        &good,
        "<rss version=\"2.0\"><channel><title>Good</title><item><title>Good story</title><guid>g1</guid><description>Fine.</description></item></channel></rss>",
    )
    .unwrap();
    let cfg = config(
        &dir,
        &format!(
            "{}{}{}[[source]]\npath = \"{}\"\n",
            imap_source(&d, d.tls, "tls", "name = \"untrusted\""),
            imap_source(
                &d,
                d.plain,
                "none",
                "password-env = \"INKQUIRE_TEST_IMAP_WRONG\""
            )
            .replace("password-env = \"INKQUIRE_TEST_IMAP\"\n", ""),
            imap_source(&d, dead, "none", ""),
            good.display()
        ),
    );
    let o = inkquire_env(
        &["collect", "--config", &cfg],
        &[
            ("INKQUIRE_TEST_IMAP", PASSWORD),
            ("INKQUIRE_TEST_IMAP_WRONG", "not it"),
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let line = |port: u16| {
        err.lines()
            .find(|l| l.starts_with("error:") && l.contains(&format!("127.0.0.1:{port}")))
            .unwrap_or_else(|| panic!("port {port} named: {err}"))
            .to_owned()
    };
    assert!(
        line(d.tls).to_lowercase().contains("certificate"),
        "{}",
        line(d.tls)
    );
    assert!(
        line(d.plain).contains("refused the login"),
        "{}",
        line(d.plain)
    );
    assert!(line(dead).contains("cannot connect"), "{}", line(dead));
    assert!(
        !err.contains(PASSWORD) && !err.contains("not it"),
        "no password shown: {err}"
    );
    assert_eq!(stored_titles(&cfg), ["Good story"]);

    // In the clear to another machine is refused before anything is sent.
    let cfg = config(
        &dir,
        &imap_source(&d, d.plain, "none", "").replace("127.0.0.1", "mail.invalid"),
    );
    let o = run(&["collect", "--config", &cfg]);
    assert!(
        stderr(&o).contains("only for a server on this machine"),
        "{}",
        stderr(&o)
    );
}

fn maildir_count(dir: &Path) -> usize {
    ["cur", "new"]
        .iter()
        .map(|s| {
            std::fs::read_dir(dir.join(s))
                .map(|r| r.count())
                .unwrap_or(0)
        })
        .sum()
}

#[test]
fn after_delivery_the_messages_are_marked_read_or_moved_never_before() {
    if !Dovecot::available() {
        return;
    }
    // A mailbox of the letters, and a config that reads it and delivers to a folder.
    let fresh = |after: &str| {
        let d = Dovecot::start().expect("dovecot is here");
        letters(&d);
        let dir = Dir::new();
        let deliver = "[[deliver]]\nkind = \"folder\"\npath = \"outbox\"\n";
        let cfg = config(
            &dir,
            &format!("{}{deliver}", imap_source(&d, d.plain, "none", after)),
        );
        (d, dir, cfg)
    };
    let (d, _dir, cfg) = fresh("");
    // Collected, not yet delivered: nothing is marked.
    let o = run(&["collect", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(d.seen(), 0);
    // The digest delivers the issue, then marks its five messages read.
    let o = run(&["digest", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}\n{}", d.log());
    assert!(
        err.contains("5 messages of delivered issues marked read"),
        "{err}"
    );
    assert_eq!(d.seen(), 5, "{err}");
    // Read now, they are not collected again, and nothing is owed.
    let o = run(&["digest", "--config", &cfg]);
    let err = stderr(&o);
    assert!(!err.contains("marked read"), "{err}");
    assert_eq!(stored_titles(&cfg).len(), 5);

    // move:Folder, on a fresh mailbox: the messages leave the inbox for the folder.
    let (d, _dir, cfg) = fresh("after = \"move:Read letters\"");
    let inbox = maildir_count(&d.maildir());
    let o = run(&["digest", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}\n{}", d.log());
    assert!(
        err.contains("5 messages of delivered issues moved to Read letters"),
        "{err}"
    );
    assert_eq!(maildir_count(&d.maildir()), inbox - 5);
    assert_eq!(maildir_count(&d.maildir().join(".Read letters")), 5);

    // leave: nothing changes on the server.
    let (d, dir, cfg) = fresh("after = \"leave\"");
    let o = run(&["digest", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("left as they are"), "{}", stderr(&o));
    assert_eq!(d.seen(), 0);
    assert_eq!(maildir_count(&d.maildir()), inbox);
    // Still unread on the server, they are not collected a second time.
    let o = run(&["digest", "--config", &cfg]);
    let err = stderr(&o);
    assert!(err.contains("0 new, 0 updated, 5 unchanged"), "{err}");
    assert!(!err.contains("left as they are"), "owed once: {err}");

    // A bad `after` is named when the config is read.
    let cfg = config(
        &dir,
        &imap_source(&d, d.plain, "none", "after = \"delete\""),
    );
    let o = run(&["collect", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("move:Folder"), "{}", stderr(&o));
}

//! One site-rules file, in the format of Full-Text RSS (Instapaper's, shared by wallabag,
//! FreshRSS and the community's `ftr-site-config` collection): one `directive: value` a line,
//! `#` comments, a directive may repeat. Values of the XPath directives are XPath 1.0,
//! compiled here once so a bad expression is named with its line and left out; the rest of the
//! file still applies, as the format's other readers do.

use std::path::{Path, PathBuf};

/// Directives of the format that inkquire reads but has no use for (their work is done
/// otherwise: html5ever already tidies, images are found by the formatter, logins are the
/// source's cookies). They draw no warning.
const KNOWN_UNUSED: &[&str] = &[
    "tidy",
    "parser",
    "strip_comments",
    "convert_double_br_tags",
    "insert_detected_image",
    "single_page_link_in_feed",
    "autodetect_next_page",
    "if_page_contains",
    "login_uri",
    "login_username_field",
    "login_password_field",
    "login_extra_fields",
    "not_logged_in_xpath",
    "requires_login",
    "skip_json_ld",
    "skip_id_or_class",
    "src_lazy_load_attr",
    "footnotes",
    "move_into",
    "wrap_in",
    "dissolve",
    "post_strip_attr",
    "strip_attr",
    "test_urls",
];

/// One site's rules: what a file says, each list in the file's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteRule {
    /// The file the rule was read from.
    pub file: PathBuf,
    /// Where the title is (tried in order; the first that finds text wins).
    pub title: Vec<String>,
    /// Where the article's body is (tried in order; the first that finds elements wins, all
    /// of them, in the page's order).
    pub body: Vec<String>,
    pub author: Vec<String>,
    pub date: Vec<String>,
    /// Elements to take out before anything is read.
    pub strip: Vec<String>,
    /// Elements to take out whose `id` or `class` names this.
    pub strip_id_or_class: Vec<String>,
    /// Pictures to take out whose address holds this.
    pub strip_image_src: Vec<String>,
    /// Text replacements on the page's HTML before it is parsed, in order.
    pub replace: Vec<(String, String)>,
    /// Where the article's single-page version is linked.
    pub single_page_link: Vec<String>,
    /// Where the article's next page is linked.
    pub next_page_link: Vec<String>,
    /// A page this matches is advertising dressed as an article.
    pub native_ad_clue: Vec<String>,
    /// Headers for this site's pages, by lower-case name.
    pub http_headers: Vec<(String, String)>,
    /// Clean the body found by the rule as an extracted one is cleaned (`prune: no` keeps it as
    /// the rule found it).
    pub prune: Option<bool>,
    /// When the body finds nothing, extract automatically (`autodetect_on_failure: no` gives
    /// the page up instead).
    pub autodetect_on_failure: Option<bool>,
    /// Pages the rule is known to work on, each with the texts it should find there.
    pub tests: Vec<RuleTest>,
}

/// A `test_url` with its `test_contains` lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleTest {
    pub url: String,
    pub contains: Vec<String>,
}

/// A problem with one line of a rules file: the line is left out.
#[derive(Debug, Clone, PartialEq)]
pub struct LineProblem {
    pub line: usize,
    pub message: String,
}

/// A file read: the rule, the lines left out and the directives the format does not have.
#[derive(Debug, Clone, Default)]
pub struct ReadRule {
    pub rule: SiteRule,
    pub problems: Vec<LineProblem>,
    pub unknown: Vec<String>,
}

impl ReadRule {
    /// The warnings to print for this file: one a bad line, one for all unknown directives.
    pub fn warnings(&self) -> Vec<String> {
        let f = self.rule.file.display();
        let mut out: Vec<String> = self
            .problems
            .iter()
            .map(|p| format!("{f}, line {}: {} (the line is left out)", p.line, p.message))
            .collect();
        if !self.unknown.is_empty() {
            out.push(format!(
                "{f}: directives this format does not have, left out: {}",
                self.unknown.join(", ")
            ));
        }
        out
    }
}

impl SiteRule {
    /// Whether the rule says anything about extraction (a file of only headers or tests does
    /// not change how the page is read).
    pub fn shapes_the_page(&self) -> bool {
        !(self.title.is_empty()
            && self.body.is_empty()
            && self.author.is_empty()
            && self.date.is_empty()
            && self.strip.is_empty()
            && self.strip_id_or_class.is_empty()
            && self.strip_image_src.is_empty()
            && self.replace.is_empty()
            && self.single_page_link.is_empty()
            && self.next_page_link.is_empty()
            && self.native_ad_clue.is_empty())
    }

    /// `global.txt`'s rule under this one: its lists after this rule's, its settings where
    /// this rule has none.
    pub fn with_global(mut self, global: &SiteRule) -> SiteRule {
        macro_rules! append {
            ($($f:ident),*) => { $(self.$f.extend(global.$f.iter().cloned());)* };
        }
        append!(
            title,
            body,
            author,
            date,
            strip,
            strip_id_or_class,
            strip_image_src,
            replace,
            single_page_link,
            next_page_link,
            native_ad_clue
        );
        for (name, value) in &global.http_headers {
            if !self.http_headers.iter().any(|(n, _)| n == name) {
                self.http_headers.push((name.clone(), value.clone()));
            }
        }
        self.prune = self.prune.or(global.prune);
        self.autodetect_on_failure = self.autodetect_on_failure.or(global.autodetect_on_failure);
        self
    }
}

/// Compile an XPath expression: `None` when it is one, the parser's complaint when not.
pub(crate) fn xpath_problem(expr: &str) -> Option<String> {
    match sxd_xpath::Factory::new().build(expr) {
        Ok(Some(_)) => None,
        Ok(None) => Some("the XPath expression is empty".to_owned()),
        Err(e) => Some(format!("`{expr}` is no XPath 1.0 expression ({e})")),
    }
}

fn yes_no(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" | "on" => Some(true),
        "no" | "false" | "0" | "off" => Some(false),
        _ => None,
    }
}

/// Read a rules file's text (`file` names it in what is reported).
pub fn parse(text: &str, file: &Path) -> ReadRule {
    let mut read = ReadRule {
        rule: SiteRule {
            file: file.to_owned(),
            ..SiteRule::default()
        },
        ..ReadRule::default()
    };
    let r = &mut read.rule;
    let mut find: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let mut problem = |message: String| read.problems.push(LineProblem { line, message });
        // `name(argument): value`, or `name: value`.
        let (name, arg, value) = match l.split_once(':') {
            Some((head, _)) if head.contains('(') => {
                let open = head.find('(').unwrap_or(0);
                let Some(close) = l[open..].find("):").map(|c| c + open) else {
                    problem("a `(` with no `):` after it".to_owned());
                    continue;
                };
                (
                    l[..open].trim(),
                    Some(&l[open + 1..close]),
                    l[close + 2..].trim(),
                )
            }
            Some((head, value)) => (head.trim(), None, value.trim()),
            None => {
                problem("no `directive: value` on this line".to_owned());
                continue;
            }
        };
        let name = name.to_ascii_lowercase();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            problem("no `directive: value` on this line".to_owned());
            continue;
        }
        let xpath =
            |list: &mut Vec<String>, problem: &mut dyn FnMut(String)| match xpath_problem(value) {
                None => list.push(value.to_owned()),
                Some(why) => problem(why),
            };
        match (name.as_str(), arg) {
            ("title", None) => xpath(&mut r.title, &mut problem),
            ("body", None) => xpath(&mut r.body, &mut problem),
            ("author", None) => xpath(&mut r.author, &mut problem),
            ("date", None) => xpath(&mut r.date, &mut problem),
            ("strip", None) => xpath(&mut r.strip, &mut problem),
            ("single_page_link", None) => xpath(&mut r.single_page_link, &mut problem),
            ("next_page_link", None) => xpath(&mut r.next_page_link, &mut problem),
            ("native_ad_clue", None) => xpath(&mut r.native_ad_clue, &mut problem),
            ("strip_id_or_class", None) => {
                let v = value.trim_matches(|c| c == '\'' || c == '"');
                if v.is_empty() || v.contains(['\'', '"']) {
                    problem(format!("`{value}` is no id or class name"));
                } else {
                    r.strip_id_or_class.push(v.to_owned());
                }
            }
            ("strip_image_src", None) => {
                let v = value.trim_matches(|c| c == '\'' || c == '"');
                if v.is_empty() || (v.contains('\'') && v.contains('"')) {
                    problem(format!("`{value}` is no part of an address"));
                } else {
                    r.strip_image_src.push(v.to_owned());
                }
            }
            ("prune" | "autodetect_on_failure", None) => match yes_no(value) {
                Some(b) if name == "prune" => r.prune = Some(b),
                Some(b) => r.autodetect_on_failure = Some(b),
                None => problem(format!("{name} is `yes` or `no`, not `{value}`")),
            },
            ("find_string", None) => {
                if let Some((at, _)) = &find {
                    problem(format!(
                        "the find_string of line {at} has no replace_string before this one"
                    ));
                }
                if value.is_empty() {
                    problem("find_string finds nothing".to_owned());
                    find = None;
                } else {
                    find = Some((line, value.to_owned()));
                }
            }
            ("replace_string", None) => match find.take() {
                Some((_, needle)) => r.replace.push((needle, value.to_owned())),
                None => problem("replace_string without a find_string before it".to_owned()),
            },
            ("replace_string", Some(needle)) => {
                if needle.is_empty() {
                    problem("replace_string() finds nothing".to_owned());
                } else {
                    r.replace.push((needle.to_owned(), value.to_owned()));
                }
            }
            ("http_header", Some(header)) => {
                let header = header.trim().to_ascii_lowercase();
                let valid = !header.is_empty()
                    && header
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                    && !value.contains(['\r', '\n']);
                if valid {
                    r.http_headers.push((header, value.to_owned()));
                } else {
                    problem(format!("`{header}` is no header name"));
                }
            }
            ("test_url", None) => {
                if url::Url::parse(value).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
                    r.tests.push(RuleTest {
                        url: value.to_owned(),
                        contains: vec![],
                    });
                } else {
                    problem(format!("`{value}` is no web address"));
                }
            }
            ("test_contains", None) => match r.tests.last_mut() {
                Some(t) if !value.is_empty() => t.contains.push(value.to_owned()),
                Some(_) => problem("test_contains with nothing to find".to_owned()),
                None => problem("test_contains without a test_url before it".to_owned()),
            },
            (n, _) if KNOWN_UNUSED.contains(&n) => {}
            (n, _) => {
                let shown = match arg {
                    Some(_) => format!("{n}()"),
                    None => n.to_owned(),
                };
                if !read.unknown.contains(&shown) {
                    read.unknown.push(shown);
                }
            }
        }
    }
    if let Some((at, _)) = find {
        read.problems.push(LineProblem {
            line: at,
            message: "find_string without a replace_string after it".to_owned(),
        });
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> ReadRule {
        parse(text, Path::new("example.com.txt"))
    }

    #[test]
    fn directives_repeat_and_keep_their_order() {
        let r = read(
            "# a comment\ntitle: //h1\nbody: //div[@id='a']\nbody: //article\n\nstrip: //aside\n\
             strip_id_or_class: share\nstrip_image_src: pixel.gif\nprune: no\ntidy: no\n\
             autodetect_on_failure: no\nfind_string: <p>X</p>\nreplace_string: <p>Y</p>\n\
             replace_string(<noscript>): <div>\nhttp_header(User-Agent): Foo/1.0\n\
             next_page_link: //a[@rel='next']\nsingle_page_link: //a[contains(@href,'print')]\n\
             native_ad_clue: //meta[@content='sponsored']\n\
             test_url: https://example.com/a\ntest_contains: hello world\ntest_contains: again\n",
        );
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert!(r.unknown.is_empty());
        let r = r.rule;
        assert_eq!(r.title, ["//h1"]);
        assert_eq!(r.body, ["//div[@id='a']", "//article"]);
        assert_eq!(r.strip, ["//aside"]);
        assert_eq!(r.strip_id_or_class, ["share"]);
        assert_eq!(r.strip_image_src, ["pixel.gif"]);
        assert_eq!(r.prune, Some(false));
        assert_eq!(r.autodetect_on_failure, Some(false));
        assert_eq!(
            r.replace,
            [
                ("<p>X</p>".to_owned(), "<p>Y</p>".to_owned()),
                ("<noscript>".to_owned(), "<div>".to_owned())
            ]
        );
        assert_eq!(
            r.http_headers,
            [("user-agent".to_owned(), "Foo/1.0".to_owned())]
        );
        assert_eq!(r.next_page_link.len(), 1);
        assert_eq!(r.single_page_link.len(), 1);
        assert_eq!(r.native_ad_clue.len(), 1);
        assert_eq!(r.tests.len(), 1);
        assert_eq!(r.tests[0].contains, ["hello world", "again"]);
    }

    #[test]
    fn bad_lines_are_named_and_left_out_and_unknown_directives_warned_once() {
        let r = read(
            "body: //div[@class='x'\nbody: //article\ntest https://example.com/x\n\
             frobnicate: 1\nfrobnicate: 2\nwibble(x): y\nprune: maybe\nreplace_string: lonely\n\
             find_string: a\nhttp_header(bad name): v\nstrip_attr: //img/@style\n",
        );
        assert_eq!(r.rule.body, ["//article"]);
        let lines: Vec<usize> = r.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [1, 3, 7, 8, 10, 9], "{:?}", r.problems);
        assert!(r.problems[0].message.contains("//div[@class='x'"));
        assert_eq!(r.unknown, ["frobnicate", "wibble()"]);
        let w = r.warnings();
        assert!(w[0].starts_with("example.com.txt, line 1: "), "{w:?}");
        assert_eq!(w.iter().filter(|w| w.contains("frobnicate")).count(), 1);
    }

    #[test]
    fn the_global_rule_goes_under_a_site_rule() {
        let site = read("body: //article\nstrip: //nav\nprune: no\n").rule;
        let global = read("strip: //script\nprune: yes\nautodetect_on_failure: no\n").rule;
        let r = site.with_global(&global);
        assert_eq!(r.strip, ["//nav", "//script"]);
        assert_eq!(r.prune, Some(false));
        assert_eq!(r.autodetect_on_failure, Some(false));
    }
}

//! Titles without the site's name. Pages title themselves for a browser's tab and a search
//! result — "Headline - Newspaper", "Site | Headline", "見出し｜新聞社", "标题_国内新闻_新浪网" —
//! and the book already names the source under every heading. A part after (or before) a
//! separator goes when it names the site: the page's `og:site_name`, the feed's title, the
//! address's domain, or a suffix that repeats across one source's articles. A part that names
//! nothing known stays: the separator is then the headline's own ("Biden – a life in
//! politics").

/// The separators sites put between a headline and their name, the longest first.
const SEPARATORS: &[&str] = &[
    " :: ", " | ", " - ", " – ", " — ", " · ", " » ", " / ", "｜", "_", "|", "-",
];

/// The most a site's part may be (characters): a headline's clause is longer.
const SITE_PART: usize = 48;

/// What names a site: the names it gives itself, and its address's host.
#[derive(Debug, Default, Clone)]
pub struct SiteNames {
    names: Vec<String>,
    hosts: Vec<String>,
}

impl SiteNames {
    pub fn new() -> SiteNames {
        SiteNames::default()
    }

    /// A name the site goes by (`og:site_name`, the feed's title, a suffix its titles repeat).
    pub fn name(mut self, name: Option<&str>) -> SiteNames {
        if let Some(n) = name.map(key).filter(|n| !n.is_empty()) {
            self.names.push(n);
        }
        self
    }

    /// The host of an address of the site (`www.example.co.uk` → `example`).
    pub fn address(mut self, url: Option<&str>) -> SiteNames {
        if let Some(host) = url
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        {
            let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
            // The registered name: the label before the public suffix (roughly: the last
            // label, and a second-level one of two or three letters as in `co.uk`).
            let skip = match labels.as_slice() {
                [.., second, last] if second.len() <= 3 && last.len() == 2 => 2,
                _ => 1,
            };
            if labels.len() > skip {
                let name = labels[labels.len() - skip - 1];
                if name.len() >= 3 && name != "www" {
                    self.hosts.push(key(name));
                }
            }
        }
        self
    }

    fn is_empty(&self) -> bool {
        self.names.is_empty() && self.hosts.is_empty()
    }

    /// Does `part` name the site?
    fn named(&self, part: &str) -> bool {
        let k = key(part);
        if k.is_empty() || part.chars().count() > SITE_PART {
            return false;
        }
        let len = |s: &str| s.chars().count();
        // The name, a shortened name ("Harbour Times" of "The Harbour Times"), or the name and
        // a word ("Harbour Times Online").
        if self.names.iter().any(|n| {
            *n == k
                || (len(&k) >= 4 && n.contains(&k))
                || (k.starts_with(n.as_str()) && len(&k) <= len(n) + 8)
        }) {
            return true;
        }
        // The domain: "The Guardian" on theguardian.com, "BBC News" on bbc.co.uk, "DER SPIEGEL"
        // on spiegel.de.
        self.hosts.iter().any(|h| {
            *h == k
                || (k.starts_with(h.as_str()) && len(&k) <= len(h) + 8)
                || (k.ends_with(h.as_str()) && len(&k) <= len(h) + 4)
                || (len(&k) >= 5 && h.contains(&k))
        })
    }
}

/// Letters and digits only, lower case: how names are compared.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Is this enough of a headline to stand alone (two words, or four ideographs)?
fn is_headline(s: &str) -> bool {
    let s = s.trim();
    let wide = s.chars().filter(|c| is_wide(*c)).count();
    s.split_whitespace().count() >= 2 || wide >= 4
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// `title` without the site's name before or after a separator. A Chinese portal's
/// `标题_频道_网站` loses its channel with its name.
pub fn without_site(title: &str, site: &SiteNames) -> String {
    let mut t = title.trim().to_owned();
    if site.is_empty() {
        return t;
    }
    for _ in 0..3 {
        let Some(shorter) = strip_once(&t, site) else {
            break;
        };
        t = shorter;
    }
    t
}

fn strip_once(t: &str, site: &SiteNames) -> Option<String> {
    for sep in SEPARATORS {
        // A bare hyphen separates only between ideographs ("标题-国内频道-新华网"); elsewhere it
        // joins words.
        if *sep == "-" && !t.rfind('-').is_some_and(|i| between_wide(t, i)) {
            continue;
        }
        // After the last separator: "Headline - Site".
        if let Some(i) = t.rfind(sep) {
            let (head, tail) = (&t[..i], &t[i + sep.len()..]);
            if site.named(tail) && is_headline(head) {
                let head = if *sep == "_" {
                    // 标题_国内新闻_新浪网: the channel goes with the portal's name.
                    head.split('_').next().unwrap_or(head)
                } else {
                    head
                };
                let head = strip_channel(head.trim());
                if is_headline(head) {
                    return Some(head.trim().to_owned());
                }
            }
        }
        // Before the first: "Site | Headline".
        if let Some(i) = t.find(sep) {
            let (head, tail) = (&t[..i], &t[i + sep.len()..]);
            if site.named(head) && is_headline(tail) {
                return Some(tail.trim().to_owned());
            }
        }
    }
    None
}

/// Is the character before byte `i` of `t` an ideograph, and one after it?
fn between_wide(t: &str, i: usize) -> bool {
    t[..i].chars().next_back().is_some_and(is_wide)
        && t[i + 1..].chars().next().is_some_and(is_wide)
}

/// A Chinese channel's name left at the end ("标题-国内频道"): it goes.
fn strip_channel(t: &str) -> &str {
    if let Some(i) = t.rfind('-') {
        let tail = &t[i + 1..];
        if tail.ends_with("频道") && tail.chars().count() <= 10 && is_headline(&t[..i]) {
            return &t[..i];
        }
    }
    t
}

/// The part after a separator that most of a source's titles end with, when at least three
/// do: the site's name as its pages give it ("… - Daily Example").
pub fn repeated_suffix<'a>(titles: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut counts: std::collections::HashMap<String, (usize, String)> =
        std::collections::HashMap::new();
    let mut n = 0;
    for t in titles {
        n += 1;
        for sep in SEPARATORS {
            if let Some(i) = t.rfind(sep) {
                let tail = t[i + sep.len()..].trim();
                if !tail.is_empty() && tail.chars().count() <= SITE_PART && is_headline(&t[..i]) {
                    let e = counts.entry(key(tail)).or_insert((0, tail.to_owned()));
                    e.0 += 1;
                }
                break;
            }
        }
    }
    counts
        .into_values()
        .filter(|(c, _)| *c >= 3 && *c * 2 >= n)
        .max_by_key(|(c, _)| *c)
        .map(|(_, tail)| tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(name: Option<&str>, url: &str) -> SiteNames {
        SiteNames::new().name(name).address(Some(url))
    }

    #[test]
    fn the_sites_name_goes_in_every_script() {
        let cases = [
            (
                "Pier to close for two years - The Harbour Times",
                Some("The Harbour Times"),
                "https://harbourtimes.example/a",
                "Pier to close for two years",
            ),
            (
                "Pier to close for two years | Harbour Times",
                None,
                "https://www.harbourtimes.co.uk/a",
                "Pier to close for two years",
            ),
            (
                "The Guardian :: Pier to close for two years",
                None,
                "https://www.theguardian.com/a",
                "Pier to close for two years",
            ),
            (
                "Brücke wird gesperrt – DER SPIEGEL",
                None,
                "https://www.spiegel.de/a",
                "Brücke wird gesperrt",
            ),
            (
                "新しい橋が開通へ｜日本経済新聞",
                Some("日本経済新聞"),
                "https://www.nikkei.com/a",
                "新しい橋が開通へ",
            ),
            (
                "新大桥六月通车_国内新闻_新浪网",
                Some("新浪网"),
                "https://news.sina.com.cn/a",
                "新大桥六月通车",
            ),
            (
                "新大桥六月通车-国内频道-新华网",
                Some("新华网"),
                "https://www.xinhuanet.com/a",
                "新大桥六月通车",
            ),
            (
                "جسر جديد يفتح في يونيو - الجزيرة نت",
                Some("الجزيرة نت"),
                "https://www.aljazeera.net/a",
                "جسر جديد يفتح في يونيو",
            ),
            (
                "Bridge opens in June · BBC News",
                None,
                "https://www.bbc.co.uk/news/a",
                "Bridge opens in June",
            ),
        ];
        for (title, name, url, want) in cases {
            assert_eq!(without_site(title, &site(name, url)), want, "{title}");
        }
    }

    #[test]
    fn a_separator_of_the_headline_stays() {
        let cases = [
            (
                "Biden – a life in politics",
                Some("The Harbour Times"),
                "https://harbourtimes.example/a",
            ),
            (
                "Election 2024 | What the polls say",
                Some("Daily Example"),
                "https://dailyexample.com/a",
            ),
            (
                "Q&A - Harbour Times editor on the pier",
                Some("Harbour Times"),
                "https://harbourtimes.example/a",
            ),
            (
                "Harbour Times",
                Some("Harbour Times"),
                "https://harbourtimes.example/a",
            ),
            (
                "Live - Harbour Times",
                Some("Harbour Times"),
                "https://harbourtimes.example/a",
            ),
        ];
        for (title, name, url) in cases {
            assert_eq!(without_site(title, &site(name, url)), title, "{title}");
        }
    }

    #[test]
    fn a_suffix_three_titles_share_is_the_sites_name() {
        let titles = [
            "Pier to close - Harbour Daily",
            "Ferry moves north - Harbour Daily",
            "Quay plans out - Harbour Daily",
            "Biden – a life in politics",
        ];
        let s = repeated_suffix(titles).unwrap();
        assert_eq!(s, "Harbour Daily");
        assert_eq!(
            without_site(titles[1], &SiteNames::new().name(Some(&s))),
            "Ferry moves north"
        );
        assert_eq!(repeated_suffix(["A b - c", "D e - f", "G h - i"]), None);
    }
}

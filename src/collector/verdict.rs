//! Is a page an article at all? A front page, a section or tag listing, search results, an error
//! page, or a consent or paywall wall reduces to a jumble of teasers or to nothing; the book
//! should not hold it as if it were a story. The judgement reads the shape of what extraction
//! kept (how much of its text is links, how many of its headings are links to other pages, how
//! much prose there is) and what the page says of itself (its schema.org types and `og:type`, an
//! error title). Each rule is general; none names a site.

use dom_query::{NodeData, NodeRef};

use super::words::ALL as WORDS;
use crate::words::collapse;

/// Why a page is not taken for an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotArticle {
    /// Most of the text is links: a front page, a section or a tag listing.
    Links { share: u8, links: usize },
    /// A list whose items are each mostly a link: a front page, a section or a tag listing.
    LinkList { items: usize },
    /// A row of linked headlines with a line or two under each: a list of stories.
    Headlines { count: usize },
    /// The page calls itself search results.
    SearchResults,
    /// An error page ("Page not found").
    Error { title: String },
    /// A wall in front of the article: a bot challenge, a consent wall, a paywall's stub, or a
    /// page built by scripts that holds nothing without them.
    Wall(Wall),
    /// Nothing to read: under a couple of sentences of text.
    Empty { words: usize },
    /// The site's rule says the page is advertising dressed as an article (`native_ad_clue`).
    Advertising { rule: String },
    /// The site's rule found no body and says not to extract one (`autodetect_on_failure: no`).
    RuleMissed { rule: String },
}

/// What kind of wall stands in front of the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wall {
    /// A bot check or captcha ("Just a moment…", "Checking your browser").
    Challenge,
    /// A cookie or consent wall with no article behind it.
    Consent,
    /// A teaser and a prompt to subscribe or sign in.
    Paywall,
    /// A page whose text a script builds ("enable JavaScript", an empty app shell).
    ScriptOnly,
    /// An error page ("Page not found") answered as if it were the page (status 200).
    ErrorPage,
}

impl Wall {
    /// The reason, as the report's `blocked` says it.
    pub fn reason(self) -> &'static str {
        match self {
            Wall::Challenge => "challenge",
            Wall::Consent => "consent",
            Wall::Paywall => "paywall",
            Wall::ScriptOnly => "script-only",
            Wall::ErrorPage => "error page",
        }
    }

    /// What the user can do about it, for the report (not the book): a page built by scripts
    /// is read by a browser, when one is configured.
    pub fn hint(self, browser: bool) -> Option<&'static str> {
        match self {
            Wall::ScriptOnly if !browser => Some("set [fetch] browser to read it"),
            _ => None,
        }
    }
}

impl std::fmt::Display for Wall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Wall::Challenge => "the site answered with a bot check, not the article",
            Wall::Consent => "the site showed a consent wall, not the article",
            Wall::Paywall => "the site asked for a subscription",
            Wall::ScriptOnly => "the page is built by scripts and holds no article without them",
            Wall::ErrorPage => "the site answered with an error page, not the article",
        })
    }
}

impl NotArticle {
    /// The wall in front of the article, if that is why the page is none.
    pub fn wall(&self) -> Option<Wall> {
        match self {
            NotArticle::Wall(w) => Some(*w),
            NotArticle::Error { .. } => Some(Wall::ErrorPage),
            _ => None,
        }
    }

    /// The wall as the report says it: an error page with its title.
    pub fn wall_said(&self) -> Option<String> {
        match self {
            NotArticle::Error { title } => Some(format!(
                "the site answered with an error page (\u{201c}{title}\u{201d}), not the article"
            )),
            _ => self.wall().map(|w| w.to_string()),
        }
    }

    /// A page of links to other pages (rather than an error page, a wall or nothing).
    pub fn is_listing(&self) -> bool {
        matches!(
            self,
            NotArticle::Links { .. } | NotArticle::LinkList { .. } | NotArticle::Headlines { .. }
        )
    }
}

impl std::fmt::Display for NotArticle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotArticle::Links { share, links } => write!(
                f,
                "{share}% of its text is {links} links (a front page or a listing)"
            ),
            NotArticle::LinkList { items } => write!(
                f,
                "it is a list of {items} links with little else (a front page or a listing)"
            ),
            NotArticle::Headlines { count } => {
                write!(f, "it is a list of {count} linked headlines")
            }
            NotArticle::SearchResults => write!(f, "it is a page of search results"),
            NotArticle::Error { title } => {
                write!(f, "it is an error page (\u{201c}{title}\u{201d})")
            }
            NotArticle::Wall(w) => write!(f, "{w} (blocked: {})", w.reason()),
            NotArticle::Empty { words } => write!(f, "it holds only {words} words of text"),
            NotArticle::Advertising { rule } => {
                write!(f, "the site rule {rule} says it is advertising")
            }
            NotArticle::RuleMissed { rule } => write!(
                f,
                "the site rule {rule} found no body, and says not to extract one"
            ),
        }
    }
}

/// What a page says about itself, read before extraction.
#[derive(Debug, Default, Clone)]
pub(crate) struct Claims {
    /// schema.org `@type`s of its JSON-LD, and its `og:type`.
    pub types: Vec<String>,
    /// The `<title>` and the first `<h1>`.
    pub titles: Vec<String>,
    /// The page carries a bot check's marks (its scripts, its form, its title).
    pub challenge: bool,
    /// The page is an app shell: scripts, an empty root element or a "turn on JavaScript" note.
    pub script_shell: bool,
}

/// What a bot check leaves in a page: the challenge forms and scripts of the common services
/// (Cloudflare, PerimeterX, DataDome; `facts.rs` finds them) and their titles. A captcha alone
/// is not one: comment and contact forms under real articles carry reCAPTCHA and Turnstile.
/// Titles of bot checks, lower case.
const CHALLENGE_TITLES: &[&str] = &[
    "just a moment...",
    "just a moment…",
    "attention required! | cloudflare",
    "checking your browser",
    "checking your browser before accessing",
    "please verify you are a human",
    "are you a robot?",
    "access to this page has been denied",
    "ddos-guard",
];

impl Claims {
    #[cfg(test)]
    pub fn of(doc: &dom_query::Document) -> Claims {
        Claims::from_facts(&super::facts::Facts::of(doc))
    }

    /// The claims in what the page's one walk found.
    pub fn from_facts(f: &super::facts::Facts) -> Claims {
        let mut types = Vec::new();
        for text in &f.ld_json {
            if text.len() > 200_000 {
                continue;
            }
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(text.trim()) {
                schema_types(&v, 0, &mut types);
            }
        }
        if let Some(t) = &f.og_type {
            types.push(format!("og:{}", t.trim().to_lowercase()));
        }
        let titles: Vec<String> = [&f.title, &f.h1]
            .into_iter()
            .flatten()
            .map(|t| collapse(t))
            .filter(|t| !t.is_empty())
            .collect();
        let challenge = f.challenge_mark
            || titles
                .first()
                .is_some_and(|t| CHALLENGE_TITLES.contains(&t.to_lowercase().as_str()));
        Claims {
            types,
            titles,
            challenge,
            script_shell: f.body_scripts > 0 && (f.empty_root || f.turn_on_javascript),
        }
    }

    /// The page declares itself an article (schema.org or OpenGraph).
    fn says_article(&self) -> bool {
        self.types.iter().any(|t| {
            let t = t.to_ascii_lowercase();
            t == "og:article"
                || t.ends_with("article")
                || matches!(
                    t.as_str(),
                    "blogposting" | "report" | "review" | "recipe" | "howto" | "liveblogposting"
                )
        })
    }

    fn says(&self, ty: &str) -> bool {
        self.types.iter().any(|t| t.eq_ignore_ascii_case(ty))
    }
}

fn schema_types(v: &serde_json::Value, depth: usize, out: &mut Vec<String>) {
    if depth > 4 || out.len() > 32 {
        return;
    }
    match v {
        serde_json::Value::Array(items) => {
            for i in items {
                schema_types(i, depth + 1, out);
            }
        }
        serde_json::Value::Object(m) => {
            match m.get("@type") {
                Some(serde_json::Value::String(s)) => out.push(s.clone()),
                Some(serde_json::Value::Array(a)) => {
                    out.extend(a.iter().filter_map(|t| t.as_str().map(str::to_owned)))
                }
                _ => {}
            }
            if let Some(g) = m.get("@graph") {
                schema_types(g, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// The shape of an extracted body.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Shape {
    /// Characters of text (whitespace collapsed).
    pub chars: usize,
    /// Characters of text inside links.
    pub link_chars: usize,
    /// Links with text.
    pub links: usize,
    /// Headings.
    pub headings: usize,
    /// Headings whose text is all one link's.
    pub linked_headings: usize,
    /// Words outside links.
    pub words: usize,
    /// Characters of text before the first linked heading (all of it, when there is none).
    pub lead_chars: usize,
    /// List items (and table rows) led by a link: two fifths or more of their text is links.
    pub link_items: usize,
    /// Characters of text in those items.
    pub link_item_chars: usize,
    /// The body's text as far as the first 3000 characters, as it stands (`opening()` says it
    /// in lower case: only a short page's is read, so it is lowered only then).
    opening_raw: String,
}

impl Shape {
    /// One walk over the tree: each subtree reports its characters and how many of them are
    /// in links, so no element's text is asked for twice.
    pub fn of(root: &NodeRef) -> Shape {
        let mut walk = Walk::default();
        let (chars, _, _) = walk.visit(root, false);
        let mut s = walk.shape;
        s.chars = chars;
        s.words = walk.words.saturating_sub(walk.link_words);
        s.lead_chars = walk.lead.unwrap_or(walk.seen);
        s.opening_raw = walk.opening;
        s
    }

    /// The body's text, collapsed and lower case, as far as the first 3000 characters.
    pub fn opening(&self) -> String {
        collapse(&self.opening_raw).to_lowercase()
    }

    fn own_chars(&self) -> usize {
        self.chars.saturating_sub(self.link_chars)
    }
}

#[derive(Default)]
struct Walk {
    shape: Shape,
    /// Characters of text met so far, in document order.
    seen: usize,
    lead: Option<usize>,
    words: usize,
    link_words: usize,
    opening: String,
}

impl Walk {
    /// The characters under `node` (white space not counted), those inside links, and whether
    /// it holds a list item.
    fn visit(&mut self, node: &NodeRef, in_link: bool) -> (usize, usize, bool) {
        if node.is_text() {
            // The text is read in place (`text()` would copy every node's).
            let opening = &mut self.opening;
            let counts = node
                .query(|n| match &n.data {
                    NodeData::Text { contents } => {
                        if opening.len() < 3000 {
                            opening.push_str(contents);
                            opening.push(' ');
                        }
                        crate::words::Counts::of(contents)
                    }
                    _ => Default::default(),
                })
                .unwrap_or_default();
            let n = counts.chars;
            self.seen += n;
            let w = counts.words();
            self.words += w;
            if in_link {
                self.link_words += w;
            }
            return (n, if in_link { n } else { 0 }, false);
        }
        let name = node.node_name();
        let name = name.as_deref().unwrap_or("");
        // What no reader sees: a script's code or data, a style sheet, a template.
        if matches!(name, "script" | "style" | "template") {
            return (0, 0, false);
        }
        let is_link = name == "a" && node.has_attr("href");
        let before = self.seen;
        let (mut total, mut linked, mut has_li) = (0, 0, false);
        for child in node.children_it(false) {
            if child.is_text() || child.is_element() {
                let (t, l, li) = self.visit(&child, in_link || is_link);
                total += t;
                linked += l;
                has_li |= li;
            }
        }
        match name {
            "a" if is_link && total > 0 => {
                self.shape.links += 1;
                self.shape.link_chars += total;
            }
            "li" | "tr" | "dt" if total > 0 && linked * 5 >= total * 2 && !has_li => {
                self.shape.link_items += 1;
                self.shape.link_item_chars += total;
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" if total > 0 => {
                self.shape.headings += 1;
                if linked * 10 >= total * 9 {
                    self.shape.linked_headings += 1;
                    self.lead.get_or_insert(before);
                }
            }
            _ => {}
        }
        (total, linked, has_li || name == "li")
    }
}

/// The judgement: `None` for an article.
pub(crate) fn judge(shape: &Shape, claims: &Claims) -> Option<NotArticle> {
    let own = shape.own_chars();
    if claims.says("SearchResultsPage") && !claims.says_article() {
        return Some(NotArticle::SearchResults);
    }
    if let Some(t) = claims.titles.iter().find(|t| is_error_title(t))
        && own < 1500
    {
        return Some(NotArticle::Error { title: t.clone() });
    }
    if claims.challenge && own < 1000 {
        return Some(NotArticle::Wall(Wall::Challenge));
    }
    // Only a short page's opening is read: lowered once, then.
    let opening = if own < 1200 {
        shape.opening()
    } else {
        String::new()
    };
    if own < 600
        && let Some(p) = WORDS.walls.iter().find(|p| opening.contains(*p))
    {
        let consent = [
            "cookie", "consent", "privacy", "accept", "akzept", "accetta", "acepta",
        ]
        .iter()
        .any(|w| p.contains(w));
        return Some(NotArticle::Wall(if consent {
            Wall::Consent
        } else {
            Wall::Paywall
        }));
    }
    // A teaser under a subscription prompt: little text, and the prompt's words.
    if own < 1200 && super::words::SEARCH.paywall.is_match(&opening) {
        return Some(NotArticle::Wall(Wall::Paywall));
    }
    if claims.script_shell && own < 200 {
        return Some(NotArticle::Wall(Wall::ScriptOnly));
    }
    // A page that calls itself an article needs stronger evidence to be called a listing.
    let strict = claims.says_article();
    let listing_type = ["CollectionPage", "ItemList", "WebSite", "SearchResultsPage"]
        .iter()
        .any(|t| claims.says(t));
    let share = shape.link_chars * 100 / shape.chars.max(1);
    let (share_needed, own_limit) = match (strict, listing_type) {
        (true, _) => (80, 600),
        (false, true) => (45, 3000),
        (false, false) => (60, 2000),
    };
    // Most of the text in items that are each a link: a list of stories.
    let in_items = shape.link_item_chars * 100 / shape.chars.max(1);
    if shape.link_items >= 8 && in_items >= if strict { 85 } else { 60 } {
        return Some(NotArticle::LinkList {
            items: shape.link_items,
        });
    }
    if shape.links >= 8 && share >= share_needed && own < own_limit {
        return Some(NotArticle::Links {
            share: share as u8,
            links: shape.links,
        });
    }
    // Linked headlines from the top, each with a line or two of its own: a list of stories
    // (after an article's text, they are teasers that cleaning missed, not the page).
    if shape.linked_headings >= 5
        && shape.lead_chars < if strict { 150 } else { 500 }
        && shape.linked_headings * 3 >= shape.headings * 2
        && own / shape.linked_headings < if strict { 200 } else { 400 }
    {
        return Some(NotArticle::Headlines {
            count: shape.linked_headings,
        });
    }
    if shape.words < 15 {
        return Some(NotArticle::Empty { words: shape.words });
    }
    None
}

/// An error page's title: one of its parts (split at `|`, `-`, `:` and the like) is an error.
fn is_error_title(t: &str) -> bool {
    let t = t.to_lowercase();
    if t.chars().count() > 100 {
        return false;
    }
    t.split(['|', '–', '—', ':', '·', '»', '/'])
        .flat_map(|part| part.split(" - "))
        .map(str::trim)
        .any(|part| {
            WORDS.error_titles.contains(&part)
                || part
                    .strip_prefix("error ")
                    .or_else(|| part.strip_prefix("fehler "))
                    .or_else(|| part.strip_prefix("erreur "))
                    .or_else(|| part.strip_prefix("404 "))
                    .is_some_and(|rest| WORDS.error_titles.contains(&rest.trim()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use dom_query::Document;

    fn verdict(body: &str, head: &str) -> Option<NotArticle> {
        let page = Document::from(format!("<html><head>{head}</head><body></body></html>"));
        let claims = Claims::of(&page);
        let doc = Document::fragment(body);
        judge(&Shape::of(&doc.root()), &claims)
    }

    fn prose(n: usize) -> String {
        (0..n)
            .map(|i| {
                format!(
                    "<p>Paragraph {i} of the story tells what happened in the town on the day the \
                     river rose, who saw it, and what the council said afterwards about the new \
                     flood wall and its cost.</p>"
                )
            })
            .collect()
    }

    #[test]
    fn an_article_is_an_article() {
        assert_eq!(verdict(&prose(6), ""), None);
        // A few links inside prose change nothing.
        let with_links = format!(
            "{}<p>See <a href='/a'>the report</a> and <a href='/b'>the map</a>.</p>",
            prose(4)
        );
        assert_eq!(verdict(&with_links, ""), None);
    }

    #[test]
    fn a_front_page_of_links_is_not() {
        let links: String = (0..20)
            .map(|i| format!("<li><a href='/s/{i}'>Story number {i} about the town and its river</a> <small>Staff</small></li>"))
            .collect();
        let v = verdict(&format!("<ul>{links}</ul>"), "");
        assert_eq!(v, Some(NotArticle::LinkList { items: 20 }));
        // Links in running text, not in a list.
        let links: String = (0..20)
            .map(|i| format!("<a href='/s/{i}'>Story number {i} about the town</a> · "))
            .collect();
        let v = verdict(&format!("<p>{links}</p>"), "");
        assert!(matches!(v, Some(NotArticle::Links { .. })), "{v:?}");
    }

    #[test]
    fn a_list_of_teasers_is_not() {
        let teasers: String = (0..8)
            .map(|i| {
                format!(
                    "<div><h3><a href='/s/{i}'>Headline {i} of another story</a></h3>\
                     <p>One line of summary for story {i}, to make you click on it.</p></div>"
                )
            })
            .collect();
        let v = verdict(&teasers, "");
        assert_eq!(v, Some(NotArticle::Headlines { count: 8 }));
    }

    #[test]
    fn an_error_page_is_not() {
        let v = verdict(
            "<p>Sorry, the page you asked for is not here. Try the search or the home page.</p>",
            "<title>Page not found | The Daily</title>",
        );
        assert!(matches!(v, Some(NotArticle::Error { .. })), "{v:?}");
        // A story whose title merely mentions an error is one.
        let v = verdict(
            &prose(6),
            "<title>Why the 404 page is the web's loneliest place</title>",
        );
        assert_eq!(v, None);
    }

    #[test]
    fn search_results_and_walls_and_nothing_are_not() {
        let v = verdict(
            &prose(2),
            r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"SearchResultsPage"}</script>"#,
        );
        assert_eq!(v, Some(NotArticle::SearchResults));
        let v = verdict(
            "<p>We use cookies to improve your experience. Accept all cookies or manage cookies \
             in the settings.</p><p>Subscribe to continue reading.</p>",
            "",
        );
        assert_eq!(v, Some(NotArticle::Wall(Wall::Consent)));
        let v = verdict("<p>Loading…</p>", "");
        assert!(matches!(v, Some(NotArticle::Empty { .. })), "{v:?}");
    }

    #[test]
    fn a_page_that_says_it_is_an_article_needs_more_to_be_called_a_listing() {
        // A link-heavy roundup ("This week's links") that declares itself an article stays.
        let roundup: String = (0..12)
            .map(|i| format!("<li><a href='/s/{i}'>A link to a good read number {i}</a>, which says a thing or two worth a look this week.</li>"))
            .collect();
        let head = r#"<meta property="og:type" content="article">"#;
        assert_eq!(verdict(&format!("<ul>{roundup}</ul>"), head), None);
    }
}

//! What an address given to `inkquire add` (or a source `inkquire check` looks at) is.

use super::discover;

/// What an address given to `inkquire add` (or a source `inkquire check` looks at) is.
#[derive(Debug)]
pub enum Offer {
    /// A feed, at the address given.
    Feed {
        title: Option<String>,
        items: usize,
        repaired: Option<String>,
    },
    /// An OPML list of feeds.
    Opml { feeds: usize },
    /// A site's page: the feeds found for it (the page's own, or one at a usual place).
    Found(Vec<discover::Found>),
    /// A page that is an article; `site_feeds` are the feeds it names (not fetched).
    Article {
        title: String,
        site_feeds: Vec<String>,
    },
    /// A page kept as it is (`keep-non-articles`), though it does not look like an article.
    Kept { title: String },
    /// A read-later list: its addresses, and what was wrong with its other lines.
    Links { links: usize, odd: Vec<String> },
    /// A mail folder: how many unread messages its filters let through.
    Mailbox { unread: usize },
}

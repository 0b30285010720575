//! What every kind of source is handed to collect with: the fetcher, the config, what the
//! ledger already knows, and who to tell of each article as it is read.

use crate::config::Config;
use crate::fetch::Fetcher;
use crate::model::Article;

use super::harvest::Known;

/// The collecting context, shared by the workers.
pub struct Collect<'a> {
    pub fetcher: &'a dyn Fetcher,
    pub config: &'a Config,
    pub known: &'a Known,
    /// Workers fetching sources at once.
    pub workers: usize,
    /// Told of each new article as soon as it is read, before its source is done (a build uses
    /// it to start on the article's pictures while other pages are still arriving).
    pub on_article: Option<&'a (dyn Fn(&Article) + Sync)>,
    /// The headless browser for pages whose text a script builds (`[fetch] browser`).
    pub browser: Option<&'a crate::browser::Browser>,
}

impl Collect<'_> {
    /// Whether a browser is configured.
    pub fn has_browser(&self) -> bool {
        self.browser.is_some()
    }
}

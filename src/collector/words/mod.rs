//! The words the cleaner and the judge read, one file a language: each file fills the tables of
//! [`Words`] it has words for, and [`ALL`] joins every language's tables, since a page's furniture
//! may be in another language than its text. Adding a language is a file here and one line in
//! [`LANGUAGES`]; its month names go to [`crate::calendar`], shared with the formatter.
//!
//! Everything is in lower case, in the form the test that reads it compares: most tests compare
//! [`normalized`](super::clean_lines::normalized) lines, some look for the words inside a line.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use tables::{All, Words};

mod common;
mod cs;
mod de;
mod en;
mod es;
mod fr;
mod hu;
mod it;
mod nl;
mod pl;
mod pt;
mod ru;
mod sv;
mod tables;
mod zh;

/// Every language's words, in no order that matters (every test asks whether any entry fits).
const LANGUAGES: &[&Words] = &[
    &common::WORDS,
    &en::WORDS,
    &de::WORDS,
    &fr::WORDS,
    &es::WORDS,
    &pt::WORDS,
    &it::WORDS,
    &nl::WORDS,
    &pl::WORDS,
    &cs::WORDS,
    &ru::WORDS,
    &sv::WORDS,
    &hu::WORDS,
    &zh::WORDS,
];

/// Every language's words joined, built on first use.
pub(super) static ALL: LazyLock<All> = LazyLock::new(|| All::join(LANGUAGES));

/// The tables a line is searched for (any entry inside it), each one automaton: one pass over
/// the line instead of a search an entry (a short line is asked of every table, and the cleaner
/// asks every short line of a page).
pub(super) struct Search {
    pub paywall: AhoCorasick,
    pub channels: AhoCorasick,
    pub actions: AhoCorasick,
    pub address: AhoCorasick,
    pub sponsored: AhoCorasick,
}

/// The automata, built on first use.
pub(super) static SEARCH: LazyLock<Search> = LazyLock::new(|| {
    let all = &*ALL;
    // Plain words, a few hundred: far under any of the builder's limits.
    let of = |t: &[&str]| AhoCorasick::new(t).expect("a table of plain words builds");
    Search {
        paywall: of(&all.paywall),
        channels: of(&all.channels),
        actions: of(&all.actions),
        address: of(&all.address),
        sponsored: of(&all.sponsored),
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    /// Each automaton says what searching its table entry by entry says.
    #[test]
    fn the_automata_find_what_the_tables_hold() {
        let all = &*ALL;
        let search = &*SEARCH;
        for (table, ac) in [
            (&all.paywall, &search.paywall),
            (&all.channels, &search.channels),
            (&all.actions, &search.actions),
            (&all.address, &search.address),
            (&all.sponsored, &search.sponsored),
        ] {
            assert!(!table.is_empty());
            for entry in table.iter() {
                for line in [
                    entry.to_string(),
                    format!("so, {entry} — now"),
                    format!("«{entry}»"),
                ] {
                    assert!(ac.is_match(&line), "{line:?}");
                }
            }
            for line in [
                "the council voted on tuesday to close the old bridge",
                "",
                "東京都の人口",
            ] {
                let by_entry = table.iter().any(|e| line.contains(e));
                assert_eq!(ac.is_match(line), by_entry, "{line:?}");
            }
        }
    }

    #[test]
    fn every_entry_is_in_lower_case_and_trimmed_as_it_is_compared() {
        for (table, entries) in ALL.tables() {
            for entry in entries {
                assert_eq!(
                    *entry,
                    entry.to_lowercase(),
                    "{table}: {entry:?} is compared lower-cased"
                );
                assert!(
                    !entry.is_empty(),
                    "{table}: an empty entry matches every line"
                );
                // Tables compared with whole normalized lines cannot hold what normalizing removes.
                if matches!(
                    table,
                    "phrases" | "end_markers" | "meta_labels" | "credit_labels"
                ) {
                    assert_eq!(
                        entry.trim(),
                        *entry,
                        "{table}: {entry:?} has spaces at its ends"
                    );
                    assert!(
                        !entry.contains("  "),
                        "{table}: {entry:?} has a double space"
                    );
                }
            }
        }
    }
}

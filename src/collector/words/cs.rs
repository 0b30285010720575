//! Czech: the words of furniture on Czech pages.

use super::tables::Words;

pub(super) const WORDS: Words = Words {
    phrases: &["čtěte také", "sdílet"],
    ..Words::NONE
};

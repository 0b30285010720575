//! Hungarian: the words of furniture on Hungarian pages.

use super::tables::Words;

pub(super) const WORDS: Words = Words {
    credit_marks: &["fotó:"],
    ..Words::NONE
};

//! Russian: the words of furniture on Russian pages.

use super::tables::Words;

pub(super) const WORDS: Words = Words {
    phrases: &["читайте также", "читать далее", "поделиться", "реклама"],
    prefixes: &["читайте также:"],
    credit_labels: &["фото"],
    ..Words::NONE
};

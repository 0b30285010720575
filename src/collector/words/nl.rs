//! Dutch: the words of furniture on Dutch pages.

use super::tables::Words;

pub(super) const WORDS: Words = Words {
    phrases: &["lees ook", "lees meer", "delen", "advertentie"],
    suffixes: &["als pdf downloaden"],
    date_words: &["gepubliceerd"],
    minutes: &["minuut"],
    reading: &["leestijd"],
    end_markers: &["lees ook", "gerelateerde artikelen", "reacties"],
    error_titles: &["pagina niet gevonden"],
    ..Words::NONE
};

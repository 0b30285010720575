//! Swedish: the words of furniture on Swedish pages.

use super::tables::Words;

pub(super) const WORDS: Words = Words {
    phrases: &["läs också", "läs mer", "dela", "annons"],
    reading: &["läsning", "lästid"],
    end_markers: &["relaterat", "kommentarer"],
    ..Words::NONE
};

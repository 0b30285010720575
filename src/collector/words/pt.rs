//! Portuguese: the words of furniture on Portuguese pages.

use super::tables::Words;

pub(super) const WORDS: Words = Words {
    phrases: &[
        "leia também",
        "leia mais",
        "veja também",
        "compartilhe",
        "publicidade",
    ],
    prefixes: &["leia também:", "leia mais:"],
    reading: &["leitura"],
    end_markers: &["notícias relacionadas", "leia também", "comentários"],
    ..Words::NONE
};

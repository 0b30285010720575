//! Italian: the words of furniture on Italian pages.

use super::tables::Words;

pub(super) const WORDS: Words = Words {
    phrases: &[
        "leggi anche",
        "leggi di più",
        "potrebbe interessarti",
        "condividi",
        "pubblicità",
        "commenti",
    ],
    prefixes: &["leggi anche:"],
    credit_labels: &["foto di"],
    date_words: &["pubblicato", "aggiornato"],
    meta_labels: &["autore"],
    minutes: &["minuti", "minuto"],
    reading: &["lettura"],
    actions: &["iscriviti", "seguici"],
    address: &["nostr"],
    paywall: &["riservato agli abbonati", "già abbonato"],
    end_markers: &["articoli correlati", "potrebbe interessarti", "commenti"],
    walls: &["accetta tutti", "sei già abbonato"],
    error_titles: &["pagina non trovata"],
    ..Words::NONE
};

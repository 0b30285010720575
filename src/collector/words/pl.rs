//! Polish: the words of furniture on Polish pages.

use super::tables::Words;

pub(super) const WORDS: Words = Words {
    phrases: &[
        "czytaj też",
        "czytaj także",
        "zobacz też",
        "zobacz także",
        "czytaj więcej",
        "udostępnij",
        "drukuj",
        "reklama",
        "komentarze",
        "dowiedz się więcej",
        "polecamy",
        "najczęściej czytane",
    ],
    prefixes: &[
        "czytaj też:",
        "czytaj także:",
        "zobacz też:",
        "materiał chroniony prawem",
        "zapraszamy też do",
        "czytaj więcej",
        "opublikowano:",
        "ten tekst przeczytasz",
    ],
    suffixes: &["w formacie pdf"],
    credit_labels: &["fot", "zdjęcie", "źródło zdjęcia"],
    date_words: &["opublikowano", "aktualizacja", "publikacja"],
    meta_labels: &["data publikacji", "publikacja", "źródło"],
    minutes: &["minut", "minutę", "minuty"],
    reading: &["przeczytasz", "czytania"],
    sponsored: &["artykuł sponsorowany"],
    actions: &["obserwuj", "zapisz się", "subskryp"],
    address: &["nasz", "twój", "twoj"],
    paywall: &["dla subskrybentów", "dla prenumeratorów"],
    credit_marks: &["zdjęcie:"],
    end_markers: &[
        "zobacz także",
        "czytaj także",
        "podobne artykuły",
        "komentarze",
        "o autorze",
    ],
    error_titles: &["strona nie została znaleziona", "nie znaleziono strony"],
    ..Words::NONE
};

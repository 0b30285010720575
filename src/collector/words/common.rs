//! Words that are the same in every language: picture agencies, time zones, the names of
//! channels and the marks that open a credit.

use super::tables::Words;

pub(super) const WORDS: Words = Words {
    credit_labels: &["foto", "fotos"],
    agencies: &[
        "getty images",
        "getty",
        "shutterstock",
        "shutterstock.com",
        "istock",
        "istock.com",
        "istockphoto",
        "dpa",
        "afp",
        "reuters",
        "ap",
        "ap photo",
        "imago",
        "imago images",
        "epa",
        "picture alliance",
        "picture-alliance",
        "keystone",
        "unsplash",
        "pixabay",
        "pap",
        "efe",
        "ansa",
        "wenn.com",
        "bestimage",
        "adobe stock",
        "stock.adobe.com",
    ],
    date_words: &[
        "h", "utc", "gmt", "cet", "cest", "est", "edt", "pst", "pdt", "bst",
    ],
    minutes: &["min"],
    channels: &[
        "newsletter",
        " app",
        "apps",
        "youtube",
        "telegram",
        "whatsapp",
        "instagram",
        "facebook",
        "twitter",
        "podcast",
        "e-paper",
        "epaper",
        "rss",
    ],
    credit_marks: &["(", "©", "foto:", "fotos:", "foto by"],
    error_titles: &["404"],
    ..Words::NONE
};

//! The tables of words a language may fill, declared once: [`Words`] is one language's,
//! [`All`] every language's joined.

/// The tables, declared once: [`Words`] is one language's slices, [`All`] every language's joined.
macro_rules! tables {
    ($($(#[$doc:meta])* $field:ident,)*) => {
        /// One language's words, table by table.
        pub(crate) struct Words {
            $($(#[$doc])* pub(crate) $field: &'static [&'static str],)*
        }

        impl Words {
            /// No words: a language file names the tables it fills and ends with `..Words::NONE`.
            pub(crate) const NONE: Words = Words { $($field: &[],)* };
        }

        /// Every language's words, table by table.
        pub(crate) struct All {
            $($(#[$doc])* pub(crate) $field: Vec<&'static str>,)*
        }

        impl All {
            pub(super) fn join(languages: &[&Words]) -> All {
                All { $($field: languages.iter().flat_map(|w| w.$field.iter().copied()).collect(),)* }
            }

            /// Each table's name with its entries, for the tests that check every entry's form.
            #[cfg(test)]
            pub(super) fn tables(&self) -> Vec<(&'static str, &[&'static str])> {
                vec![$((stringify!($field), self.$field.as_slice()),)*]
            }
        }
    };
}

tables! {
    /// Whole lines that are page furniture ("read more", "weiterlesen").
    phrases,
    /// Lines that begin this way are furniture whatever follows (a teaser's link, a count),
    /// and the site's own questions and notes about the article.
    prefixes,
    /// Short lines that end this way offer the page as a file ("als PDF herunterladen").
    suffixes,
    /// The label of a picture credit: `Foto: dpa`, `Photo by …`.
    credit_labels,
    /// Picture agencies, whose name alone or beside a photographer's is a credit.
    agencies,
    /// Words a line that is only a date may hold besides the date: `am`, `Uhr`, `updated`, zones.
    date_words,
    /// The days of the week, as date lines write them.
    days,
    /// Metadata labels, alone or with a short value: `Von:`, `Kategorie:`, `Tags:`.
    meta_labels,
    /// The word for minutes in a reading time.
    minutes,
    /// The word for reading in a reading time ("Lesezeit", "read").
    reading,
    /// A note that the post is advertising.
    sponsored,
    /// What a call to action names: a newsletter, an app, a channel.
    channels,
    /// What a call to action asks: subscribe, follow, download.
    actions,
    /// Words spoken to the reader about the site ("our", "you", "unser").
    address,
    /// A paywall's prompt left in an article.
    paywall,
    /// Where a credit at the end of a caption may start: `(`, `©`, `Foto:`.
    credit_marks,
    /// Whole lines that, late in an article, say it has ended.
    end_markers,
    /// Phrases of a cookie, consent or subscription wall.
    walls,
    /// Titles of error pages.
    error_titles,
}

//! The book's accessibility metadata (EPUB Accessibility 1.1, schema.org), worked out from what
//! the book holds: a claim is made only where the book meets it.

use crate::formatter::tree::esc;
use crate::model::Issue;

/// What an issue offers a reader who cannot see its pictures, uses a screen reader, or sets
/// their own type.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    /// Pictures in the articles (the cover, whose text is all in the book, is not counted).
    pub pictures: usize,
    /// Of those, pictures with no text alternative.
    pub undescribed: usize,
    /// Tables of data without header cells.
    pub headerless_tables: usize,
}

/// The standard the book claims, in EPUB Accessibility 1.1's words.
pub const CONFORMS_TO: &str = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA";

impl Access {
    pub fn of(issue: &Issue) -> Access {
        let mut a = Access {
            pictures: 0,
            undescribed: 0,
            headerless_tables: 0,
        };
        for art in issue.articles() {
            a.pictures += art.image_refs;
            a.undescribed += art.undescribed_pictures;
            a.headerless_tables += art.headerless_tables;
        }
        a
    }

    /// `schema:accessMode`: how the content can be perceived.
    pub fn modes(&self) -> Vec<&'static str> {
        if self.pictures > 0 {
            vec!["textual", "visual"]
        } else {
            vec!["textual"]
        }
    }

    /// `schema:accessModeSufficient`: sets of modes that are enough to take in all of it.
    pub fn sufficient(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.undescribed == 0 {
            out.push("textual");
        }
        if self.pictures > 0 {
            out.push("textual,visual");
        }
        out
    }

    /// `schema:accessibilityFeature`.
    pub fn features(&self) -> Vec<&'static str> {
        let mut out = vec![
            "tableOfContents",
            "readingOrder",
            "structuralNavigation",
            "displayTransformability",
            "ARIA",
        ];
        if self.pictures > 0 && self.undescribed == 0 {
            out.push("alternativeText");
        }
        out
    }

    /// Does the book meet WCAG 2.2 AA as far as inkquire can know (every picture described,
    /// every data table with headers; structure, language, contrast and reflow are the
    /// packager's own and always met)?
    pub fn conforms(&self) -> bool {
        self.undescribed == 0 && self.headerless_tables == 0
    }

    /// `schema:accessibilitySummary`, in plain words.
    pub fn summary(&self) -> String {
        let mut s = String::from(
            "Every article is text in reading order, with a table of contents, headings and \
             links between the articles; the reader's own font, size, spacing and colours apply.",
        );
        match (self.pictures, self.undescribed) {
            (0, _) => s.push_str(
                " There are no pictures besides the cover, whose words are also in the book.",
            ),
            (n, 0) => s.push_str(&format!(
                " {} described in text.",
                if n == 1 {
                    "The one picture is".to_owned()
                } else {
                    format!("All {n} pictures are")
                }
            )),
            (n, u) => s.push_str(&format!(
                " {u} of {n} pictures {} no text description (the pages they came from gave none).",
                if u == 1 { "has" } else { "have" }
            )),
        }
        if self.headerless_tables > 0 {
            s.push_str(&format!(
                " {} table{} of data {} no header cells.",
                self.headerless_tables,
                if self.headerless_tables == 1 { "" } else { "s" },
                if self.headerless_tables == 1 {
                    "has"
                } else {
                    "have"
                }
            ));
        }
        if self.conforms() {
            s.push_str(" The book meets EPUB Accessibility 1.1 at WCAG 2.2 level AA.");
        }
        s.push_str(" Nothing flashes, moves or makes sound.");
        s
    }

    /// The `<meta>` elements for the OPF's metadata.
    pub fn opf_metadata(&self) -> String {
        let mut s = String::new();
        let mut meta = |property: &str, value: &str| {
            s.push_str(&format!(
                "<meta property=\"{property}\">{}</meta>\n",
                esc(value)
            ))
        };
        for m in self.modes() {
            meta("schema:accessMode", m);
        }
        for m in self.sufficient() {
            meta("schema:accessModeSufficient", m);
        }
        for f in self.features() {
            meta("schema:accessibilityFeature", f);
        }
        meta("schema:accessibilityHazard", "none");
        meta("schema:accessibilitySummary", &self.summary());
        if self.conforms() {
            meta("dcterms:conformsTo", CONFORMS_TO);
            meta("a11y:certifiedBy", "inkquire (automated checks)");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(pictures: usize, undescribed: usize, tables: usize) -> Access {
        Access {
            pictures,
            undescribed,
            headerless_tables: tables,
        }
    }

    #[test]
    fn claims_follow_the_book() {
        let text_only = access(0, 0, 0);
        assert_eq!(text_only.modes(), ["textual"]);
        assert_eq!(text_only.sufficient(), ["textual"]);
        assert!(!text_only.features().contains(&"alternativeText"));
        assert!(text_only.conforms());
        assert!(text_only.opf_metadata().contains(CONFORMS_TO));

        let described = access(4, 0, 0);
        assert_eq!(described.modes(), ["textual", "visual"]);
        assert_eq!(described.sufficient(), ["textual", "textual,visual"]);
        assert!(described.features().contains(&"alternativeText"));
        assert!(described.summary().contains("All 4 pictures are described"));

        let some_bare = access(4, 1, 0);
        assert_eq!(some_bare.sufficient(), ["textual,visual"]);
        assert!(!some_bare.features().contains(&"alternativeText"));
        assert!(!some_bare.conforms());
        let meta = some_bare.opf_metadata();
        assert!(!meta.contains("conformsTo") && !meta.contains("certifiedBy"));
        assert!(
            some_bare
                .summary()
                .contains("1 of 4 pictures has no text description")
        );

        let bare_table = access(0, 0, 2);
        assert!(!bare_table.conforms());
        assert!(
            bare_table
                .summary()
                .contains("2 tables of data have no header cells")
        );
    }
}

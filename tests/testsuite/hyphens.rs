//! Hyphenation: the stylesheet hyphenates body text by the page's `lang` and leaves headings to
//! soft hyphens; words of 12 letters or more in the headline, the headings and the table cells
//! carry soft hyphens at their language's Knuth–Liang breaks (for readers that ignore CSS
//! hyphenation), while the body text, code, the contents and the reader's table of contents
//! keep their words whole.

use crate::util::*;

const SHY: char = '\u{ad}';

#[test]
fn long_words_in_headings_and_cells_carry_soft_hyphens_in_their_language() {
    let dir = Dir::new();
    let md = dir.write(
        "notes/schiff.md",
        "---\ntitle: Donaudampfschifffahrtsgesellschaft tagt\nlang: de\n---\n\n\
         Die Donaudampfschifffahrtsgesellschaft tagte am Montag in Wien und beschloss einen neuen Fahrplan.\n\n\
         ## Geschwindigkeitsbegrenzung auf der Donau\n\n\
         Die Schiffe fahren langsamer, sagte die Sprecherin der Gesellschaft am Abend.\n\n\
         | Bereich | Regel |\n|---|---|\n| Hafeneinfahrtsbereich | Schrittgeschwindigkeit |\n\n\
         `Geschwindigkeitsbegrenzung` ist ein Wort.\n",
    );
    let out = dir.path("hyphens.epub");
    let o = inkquire(&["build", md.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    let a = &book.articles()[0];
    let x = book.text(&format!("OEBPS/{a}"));
    assert!(x.contains("lang=\"de\""), "{x}");
    assert!(
        x.contains(&format!(
            "<h1 class=\"article-title\">Do{SHY}nau{SHY}dampf{SHY}schiff{SHY}fahrts{SHY}ge{SHY}sell{SHY}schaft tagt</h1>"
        )),
        "the headline: {x}"
    );
    assert!(
        x.contains(&format!(
            "Ge{SHY}schwin{SHY}dig{SHY}keits{SHY}be{SHY}gren{SHY}zung auf der Donau</h2>"
        )),
        "a heading: {x}"
    );
    assert!(
        x.contains(&format!(
            "Ha{SHY}fen{SHY}ein{SHY}fahrts{SHY}be{SHY}reich</td>"
        )),
        "a table cell: {x}"
    );
    assert!(
        x.contains("Die Donaudampfschifffahrtsgesellschaft tagte"),
        "the body text is the reader's to hyphenate: {x}"
    );
    assert!(
        x.contains("<code>Geschwindigkeitsbegrenzung</code>"),
        "code stays whole: {x}"
    );
    // The contents, the navigation and the metadata name the headline whole.
    for doc in ["OEBPS/nav.xhtml", "OEBPS/contents.xhtml", "OEBPS/toc.ncx"] {
        let t = book.text(doc);
        assert!(
            t.contains("Donaudampfschifffahrtsgesellschaft tagt"),
            "{doc}: {t}"
        );
        assert!(!t.contains(SHY), "{doc}");
    }
    // The stylesheet: body text hyphenated by its language, headings by their soft hyphens.
    let css = book.text("OEBPS/style.css");
    assert!(css.contains("hyphens: auto"), "{css}");
    assert!(
        css.contains(
            "h1, h2, h3, h4, h5, h6 { text-align: left; text-align: start; hyphens: manual;"
        ),
        "{css}"
    );
}

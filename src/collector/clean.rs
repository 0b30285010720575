//! After Readability: take out of an article's body what is not the article.
//!
//! Readability finds the block that holds the article, but keeps what sits inside that block
//! with it: share bars, newsletter prompts, "related" lists and teasers for other stories,
//! gallery counters, copyright lines, empty paragraphs, and the title or byline repeated above
//! the text. Each rule here is general (markup roles, link density, short boilerplate phrases in
//! many languages), never a site's own markup, and none removes a block that holds a large share
//! of the article's text.

use dom_query::{Document, NodeRef};

/// What the page said about itself, to recognise it repeated at the top of the body.
#[derive(Debug, Default)]
pub(crate) struct Known<'a> {
    pub title: Option<&'a str>,
    pub byline: Option<&'a str>,
}

/// Class or id words that mark page furniture rather than the article.
const FURNITURE: &[&str] = &[
    "share",
    "shares",
    "sharing",
    "sharebar",
    "social",
    "socials",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "related",
    "recommended",
    "recommendation",
    "recommendations",
    "promo",
    "teaser",
    "teasers",
    "advert",
    "advertisement",
    "adsense",
    "ad",
    "ads",
    "sponsored",
    "sponsor",
    "breadcrumb",
    "breadcrumbs",
    "toolbar",
    "follow",
    "outbrain",
    "taboola",
    "disqus",
    "pagination",
    "pager",
    "cookie",
    "consent",
    "popup",
    "modal",
    "tags",
    "taglist",
    "bio",
    "authorbox",
    "author",
    "authors",
    "byline",
    "timestamp",
    "postmeta",
    "entrymeta",
    "rating",
    "cta",
    "donate",
    "donation",
    "paywall",
    "login",
    "widgettitle",
    "credit",
    "credits",
    "sidebar",
];

/// Landmark roles that are not the article.
const ROLES: &[&str] = &[
    "navigation",
    "complementary",
    "contentinfo",
    "banner",
    "search",
    "menu",
    "menubar",
    "dialog",
    "alertdialog",
];

/// Clean `body_html` (Readability's article) and return it, with the shapes of the body
/// before and after (for the judgement whether the page is an article at all).
pub(crate) fn clean(body_html: &str, known: &Known) -> (String, [super::verdict::Shape; 2]) {
    let doc = Document::fragment(body_html);
    let total = chars_of(&doc.root());
    if total == 0 {
        return (body_html.to_owned(), Default::default());
    }
    let before = super::verdict::Shape::of(&doc.root());
    // A block holding this much of the article is never taken out, whatever it is called.
    let limit = total / 2;
    for node in doc.select("*").nodes().iter() {
        if is_furniture(node) && chars_of(node) <= limit {
            node.remove_from_parent();
        }
    }
    for node in doc.select("ul, ol, div, section, p, table").nodes().iter() {
        if is_link_list(node) && chars_of(node) <= limit {
            node.remove_from_parent();
        }
    }
    drop_from_end_marker(&doc);
    // Blocks of one short line: boilerplate phrases (and the list a "Related" heading
    // introduces), gallery counters, copyright lines.
    for node in doc
        .select("p, div, h2, h3, h4, h5, h6, li, span, strong, b, figcaption, small, time")
        .nodes()
        .iter()
    {
        if node.parent().is_none() || has_block_child(node) {
            continue;
        }
        // A <time> is looked at only when it stands between blocks, not inside a sentence.
        if node.node_name().as_deref() == Some("time")
            && !node.parent().is_some_and(|p| has_block_child(&p))
        {
            continue;
        }
        let raw = node.text();
        // Every rule below is about a short line (a copyright line, the longest, is 300
        // characters): a paragraph of the article is not looked at further.
        if raw.len() > 1200 {
            continue;
        }
        let text = normalized(&raw);
        // A line in brackets, "(© Reuters)", "(No ratings yet)", is read without them.
        let text = match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            Some(inner) => inner.trim().to_owned(),
            None => text,
        };
        if text.is_empty() {
            continue;
        }
        if is_boilerplate_line(&text) {
            if is_heading_like(node)
                && let Some(next) = node.next_element_sibling()
                && is_link_list(&next)
            {
                next.remove_from_parent();
            }
            node.remove_from_parent();
        } else if is_counter(&text, is_inline(node))
            || is_copyright(&text)
            || is_credit(&text)
            || is_date_line(&text)
            || is_label_line(&text)
            || is_reading_time(&text)
            || is_disclosure(&text)
            || is_call_to_action(&text)
            || is_paywall_prompt(&text)
            || is_link_bar(&text)
            || is_meta_lines(node)
        {
            node.remove_from_parent();
        }
    }
    drop_link_lines(&doc);
    drop_caption_credits(&doc);
    drop_repeated_header(&doc, known);
    drop_empty(&doc);
    drop_short_tail(&doc);
    drop_trailing_headings(&doc);
    let after = super::verdict::Shape::of(&doc.root());
    (doc.html().to_string(), [before, after])
}

/// Elements that start a new block when inside another.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "ul",
    "ol",
    "li",
    "table",
    "blockquote",
    "pre",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dl",
    "header",
    "footer",
    "aside",
    "nav",
    "form",
];

fn has_block_child(node: &NodeRef) -> bool {
    node.descendants_it()
        .any(|d| d.is_element() && d.node_name().is_some_and(|n| BLOCKS.contains(&n.as_ref())))
}

fn is_heading_like(node: &NodeRef) -> bool {
    matches!(
        node.node_name().as_deref(),
        Some("h2" | "h3" | "h4" | "h5" | "h6" | "strong" | "b" | "p" | "div" | "span")
    )
}

/// Lower case, whitespace collapsed, and the arrows, colons and dots that decorate a label
/// taken off its ends.
fn normalized(text: &str) -> String {
    let t = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    t.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ':' | '.'
                    | '…'
                    | '»'
                    | '«'
                    | '›'
                    | '‹'
                    | '→'
                    | '>'
                    | '|'
                    | '-'
                    | '–'
                    | '—'
                    | '!'
                    | '+'
                    | '#'
                    | '▶'
                    | '►'
            )
    })
    .to_owned()
}

/// Whole lines that are page furniture, in the languages of the pages people read.
const PHRASES: &[&str] = &[
    // English
    "read more",
    "read more about",
    "read the full story",
    "related",
    "related articles",
    "related stories",
    "related posts",
    "related content",
    "related news",
    "see also",
    "more on this story",
    "more on this topic",
    "more from",
    "more stories",
    "recommended",
    "recommended for you",
    "you may also like",
    "you might also like",
    "also read",
    "most popular",
    "most read",
    "latest news",
    "latest articles",
    "latest stories",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "tweet",
    "email",
    "print",
    "print this article",
    "follow us",
    "subscribe",
    "subscribe now",
    "subscribe to our newsletter",
    "sign up",
    "sign up for our newsletter",
    "newsletter",
    "advertisement",
    "sponsored",
    "comments",
    "leave a comment",
    "leave a reply",
    "post a comment",
    "back to top",
    "permalink",
    "click here",
    "continue reading",
    "caption",
    "close",
    "hide caption",
    "toggle caption",
    "enlarge this image",
    "view gallery",
    "open gallery",
    "skip advertisement",
    "story continues below advertisement",
    "related coverage",
    "about the author",
    "about the authors",
    "rate this article",
    "was this article helpful",
    "was this helpful",
    "no comments",
    "comments are closed",
    "load more",
    "show more",
    "view comments",
    "table of contents",
    "contents",
    "next article",
    "previous article",
    "next post",
    "previous post",
    "back",
    "more",
    // German
    "weiterlesen",
    "mehr lesen",
    "mehr zum thema",
    "mehr zum thema:",
    "lesen sie auch",
    "lesen sie mehr",
    "auch interessant",
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "das könnte sie interessieren",
    "ähnliche artikel",
    "verwandte artikel",
    "weitere artikel",
    "weitere meldungen",
    "teilen",
    "artikel teilen",
    "drucken",
    "artikel drucken",
    "anzeige",
    "werbung",
    "kommentare",
    "kommentar schreiben",
    "newsletter abonnieren",
    "jetzt abonnieren",
    "zum newsletter",
    "nach oben",
    "schließen",
    "bildunterschrift",
    "ähnliche beiträge",
    "empfohlene beiträge",
    "weitere beiträge",
    "beiträge zum thema",
    "schon gelesen",
    "schon gelesen?",
    "auch lesen",
    "zum weiterlesen",
    "siehe auch",
    "weiterführender link",
    "weiterführende links",
    "lade weitere inhalte",
    "mehr laden",
    "kommentare schreiben",
    "kommentar verfassen",
    "kommentieren",
    "keine kommentare",
    "kommentare geschlossen",
    "war der artikel nützlich",
    "war dieser artikel hilfreich",
    "möchten sie den artikel teilen",
    "hier können sie den artikel bewerten",
    "artikel bewerten",
    "über den autor",
    "über die autorin",
    "externer inhalt",
    "inhaltsverzeichnis",
    "rezept drucken",
    "bild anzeigen",
    "bild vergrößern",
    "zurück",
    "weiter",
    "zurück zur übersicht",
    "zurück zur listenansicht",
    "nächster artikel",
    "vorheriger artikel",
    "noch keine bewertungen",
    "alle angaben ohne gewähr",
    // French
    "lire aussi",
    "à lire aussi",
    "a lire aussi",
    "lire la suite",
    "voir aussi",
    "sur le même sujet",
    "articles similaires",
    "partager",
    "partager cet article",
    "imprimer",
    "publicité",
    "commentaires",
    "s'abonner",
    "abonnez-vous",
    "fermer",
    "permalien",
    "à propos de l'auteur",
    "à propos de l’auteur",
    "sur le même thème",
    "pour lire la suite",
    "article suivant",
    "article précédent",
    // Spanish, Portuguese, Italian
    "leer más",
    "lea también",
    "te puede interesar",
    "también te puede interesar",
    "noticias relacionadas",
    "relacionados",
    "compartir",
    "imprimir",
    "publicidad",
    "comentarios",
    "suscríbete",
    "valora esta noticia",
    "le puede interesar",
    "notas relacionadas",
    "más noticias",
    "lo más leído",
    "leia também",
    "leia mais",
    "veja também",
    "compartilhe",
    "publicidade",
    "leggi anche",
    "leggi di più",
    "potrebbe interessarti",
    "condividi",
    "pubblicità",
    "commenti",
    // Dutch, Polish, Czech, Russian, Swedish
    "lees ook",
    "lees meer",
    "delen",
    "advertentie",
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
    "čtěte také",
    "sdílet",
    "читайте также",
    "читать далее",
    "поделиться",
    "реклама",
    "läs också",
    "läs mer",
    "dela",
    "annons",
];

/// Lines that begin this way are furniture whatever follows (a teaser's link, a count).
const PREFIXES: &[&str] = &[
    "read more:",
    "read more about",
    "related:",
    "see also:",
    "also read:",
    "recommended:",
    "advertisement",
    "share on ",
    "share this",
    "follow us on",
    "subscribe to ",
    "sign up for",
    "sign up to",
    "click here to",
    "lesen sie auch:",
    "mehr zum thema:",
    "auch interessant:",
    "weiterlesen:",
    "lire aussi :",
    "lire aussi:",
    "à lire aussi",
    "voir aussi :",
    "lee también:",
    "lea también:",
    "leia também:",
    "leggi anche:",
    "czytaj też:",
    "czytaj także:",
    "zobacz też:",
    "читайте также:",
    "if you enjoyed reading this",
    "if you enjoyed this",
    "never miss",
    "don't miss",
    "you can keep up with me on",
    "this entry was posted",
    "this article was originally published",
    "das thema könnte dich auch interessieren",
    "das könnte sie auch interessieren",
    "lesen sie auch",
    "lesen sie hier",
    "entdecke weitere",
    "entdecken sie jetzt",
    "verpasse keine",
    "verpassen sie keine",
    "besuchen sie unseren",
    "der beitrag wurde am",
    "dieser beitrag wurde",
    "dieser text wurde",
    "dieser beitrag gibt die meinung",
    "diese website verwendet akismet",
    "sie sind aktuell nicht eingeloggt",
    "artikel gefallen",
    "hier geht es zur",
    "hier geht es zum",
    "weitere infos unter",
    "weitere informationen unter",
    "mehr zum thema",
    "materiał chroniony prawem",
    "zapraszamy też do",
    "czytaj więcej",
    "puedes ver:",
    "lee también",
    "lea también",
    "le puede interesar",
    "suscríbete a",
    "pour lire la suite",
    "zum vergrößern",
    "klicken sie hier",
    "hier klicken",
    "lea más:",
    "lee más:",
    "mire:",
    "vea también",
    "ver también",
    "te recomendamos",
    "recomendamos:",
    "siga leyendo",
    "à lire également",
    "lire également",
    "leia mais:",
    "lesen sie mehr:",
    "mehr dazu:",
    "more:",
    "watch:",
    "listen:",
    "see more:",
    "further reading:",
    // Asking the reader about the article, and the site's own notes on it.
    "war der artikel",
    "war dieser artikel",
    "war dieser beitrag",
    "möchten sie den artikel",
    "den artikel mit anderen",
    "diesen artikel teilen",
    "was this article helpful",
    "was this helpful",
    "did you find this",
    "noch keine bewertung",
    "no ratings yet",
    "kommentare insgesamt",
    "aufrufe:",
    "publiziert:",
    "opublikowano:",
    "publicado:",
    "publié le",
    "kategorie:",
    "category:",
    "categories:",
    "filed under",
    "alle angaben ohne gewähr",
    "vorschau auf den nächsten artikel",
    "rezept drucken",
    "print recipe",
    "als pdf herunterladen",
    "download as pdf",
    "ten tekst przeczytasz",
];

fn is_boilerplate_line(text: &str) -> bool {
    // A line that opens "Read more:" goes on with a headline, which may be long.
    let n = text.chars().count();
    // "Category : News" is "Category: News".
    let text = text.replace(" :", ":");
    let text = text.as_str();
    (n <= 60 && PHRASES.contains(&text))
        || (n <= 200 && PREFIXES.iter().any(|p| text.starts_with(p)))
        || (n <= 60 && SUFFIXES.iter().any(|p| text.ends_with(p)))
}

/// Short lines that end this way offer the page as a file: "Dieses Skript als PDF
/// herunterladen", "Download this report as PDF".
const SUFFIXES: &[&str] = &[
    "als pdf herunterladen",
    "als pdf downloaden",
    "as pdf",
    "as a pdf",
    "en pdf",
    "en formato pdf",
    "w formacie pdf",
];

/// A block of lines set apart by `<br>`, each of them a date, a metadata label or a
/// boilerplate line: "24.01.2022 11:38<br>Kategorie: News".
fn is_meta_lines(node: &NodeRef) -> bool {
    let is_br = |c: &NodeRef| c.node_name().as_deref() == Some("br");
    if !node.children_it(false).any(|c| is_br(&c)) {
        return false;
    }
    let mut lines = vec![String::new()];
    for child in node.children_it(false) {
        if is_br(&child) {
            lines.push(String::new());
        } else if let Some(last) = lines.last_mut() {
            last.push_str(&child.text());
            last.push(' ');
        }
    }
    let lines: Vec<String> = lines
        .iter()
        .map(|l| normalized(l))
        .filter(|l| !l.is_empty())
        .collect();
    lines.len() >= 2
        && lines.iter().all(|l| {
            is_date_line(l) || is_label_line(l) || is_boilerplate_line(l) || is_reading_time(l)
        })
}

/// A bar of short items set apart by `|`, one of them furniture: "Comments feed | Comments
/// closed | Trackback URL".
fn is_link_bar(text: &str) -> bool {
    let parts: Vec<&str> = text
        .split('|')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    text.chars().count() <= 120
        && parts.len() >= 2
        && parts
            .iter()
            .all(|p| p.split_whitespace().count() <= 3 && p.chars().count() <= 30)
        && parts
            .iter()
            .any(|p| is_boilerplate_line(p) || is_end_marker(p))
}

fn is_inline(node: &NodeRef) -> bool {
    matches!(
        node.node_name().as_deref(),
        Some("span" | "strong" | "b" | "small")
    )
}

/// A gallery counter: `6` on a line of its own, `3 / 8`, `image 2 of 12`, `bild 3 von 9`,
/// `image / 8`. Inside a line (`inline`), a bare number is a quantity, not a counter.
fn is_counter(text: &str, inline: bool) -> bool {
    let bare = text.chars().all(|c| c.is_ascii_digit());
    if bare && inline {
        return false;
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    let number = |w: &str| w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 3;
    let label = |w: &str| {
        matches!(
            w,
            "image"
                | "images"
                | "photo"
                | "photos"
                | "picture"
                | "slide"
                | "bild"
                | "foto"
                | "fotos"
                | "of"
                | "von"
                | "de"
                | "sur"
                | "z"
                | "di"
                | "van"
                | "из"
        )
    };
    !words.is_empty()
        && words.len() <= 5
        && words.iter().any(|w| number(w))
        && words.iter().all(|w| number(w) || label(w))
}

/// A picture credit on a line of its own: `Foto: dpa`, `Photograph by …`, `Getty Images`,
/// `AFP / Jane Doe`, `Jahr Media/Shutterstock.com`.
fn is_credit(text: &str) -> bool {
    const LABELS: &[&str] = &[
        "foto",
        "fotos",
        "photo",
        "photos",
        "photograph",
        "photograph by",
        "photo by",
        "photos by",
        "picture",
        "pictures",
        "image",
        "images",
        "image credit",
        "image source",
        "bild",
        "bilder",
        "bildquelle",
        "titelbild",
        "beitragsbild",
        "credit",
        "credits",
        "crédit",
        "crédits",
        "crédits photos",
        "crédit photo",
        "crédito",
        "créditos",
        "foto de",
        "photo credit",
        "photo credits",
        "imagen",
        "fotografía",
        "foto di",
        "fot",
        "zdjęcie",
        "źródło zdjęcia",
        "фото",
        "quelle",
        "bildnachweis",
        "fotonachweis",
        "fuente",
    ];
    const AGENCIES: &[&str] = &[
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
    ];
    if text.chars().count() > 80 {
        return false;
    }
    let t = text.trim_start_matches('(').trim_end_matches(')');
    // `Foto: …`, `Photo by …`.
    if let Some((label, rest)) = t.split_once(':')
        && LABELS.contains(&label.trim())
        && rest.split_whitespace().count() <= 8
    {
        return true;
    }
    if LABELS.iter().any(|l| {
        t == *l
            || t.strip_prefix(l)
                .is_some_and(|r| r.starts_with(" by ") && r.split_whitespace().count() <= 6)
    }) {
        return true;
    }
    // `Name/Agency`, `AGENCY / NAME`: short parts, one of them an agency.
    let parts: Vec<&str> = t.split(['/', '|']).map(str::trim).collect();
    let sentence = t.contains(['.', ',', '!', '?']) && !t.contains(".com");
    AGENCIES.contains(&t)
        || ((2..=4).contains(&parts.len())
            && t.split_whitespace().count() <= 8
            && !sentence
            && parts.iter().any(|p| AGENCIES.contains(p)))
}

/// A line that is only a date or a time (`23.10.2018`, `5. Februar 2020`, `3:59 PM`,
/// `Aktualisiert am 6. Mai 2014`): the article's own date is in our header.
fn is_date_line(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "am",
        "pm",
        "uhr",
        "um",
        "am",
        "on",
        "at",
        "the",
        "de",
        "del",
        "le",
        "la",
        "el",
        "du",
        "der",
        "den",
        "of",
        "h",
        "hrs",
        "updated",
        "published",
        "posted",
        "aktualisiert",
        "veröffentlicht",
        "veröffentlichung",
        "publiziert",
        "erschienen",
        "datum",
        "erstellt",
        "stand",
        "geändert",
        "zuletzt",
        "publié",
        "mis",
        "à",
        "jour",
        "publicado",
        "actualizado",
        "pubblicato",
        "aggiornato",
        "opublikowano",
        "aktualizacja",
        "publikacja",
        "gepubliceerd",
        "utc",
        "gmt",
        "cet",
        "cest",
        "mez",
        "mesz",
        "est",
        "edt",
        "pst",
        "pdt",
        "bst",
    ];
    const MONTHS: &[&str] = &[
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "januar",
        "jänner",
        "februar",
        "märz",
        "mai",
        "juni",
        "juli",
        "oktober",
        "dezember",
        "janvier",
        "février",
        "mars",
        "avril",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
        "gennaio",
        "febbraio",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "settembre",
        "ottobre",
        "dicembre",
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
        "januari",
        "februari",
        "maart",
        "mei",
        "augustus",
        "oktober",
    ];
    const DAYS: &[&str] = &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
    ];
    if text.chars().count() > 48 {
        return false;
    }
    // A month's name, or a number written as a date or a time, makes it a date; bare numbers
    // beside them are the day and the year (alone, a number is a quantity).
    let mut dated = false;
    for token in text.split(|c: char| c.is_whitespace() || c == ',') {
        let token = token.trim_matches(|c: char| matches!(c, '(' | ')' | '|' | '.'));
        if token.is_empty() {
            continue;
        }
        if is_numeric_date(token) {
            dated = true;
            continue;
        }
        for w in token.split(['.', '/', '-', ':']).filter(|w| !w.is_empty()) {
            if MONTHS.contains(&w) {
                dated = true;
            } else if !((w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 4)
                || DAYS.contains(&w)
                || WORDS.contains(&w))
            {
                return false;
            }
        }
    }
    dated
}

/// `23.10.2018`, `2018-10-23`, `10/23/18`, `19:49`.
fn is_numeric_date(token: &str) -> bool {
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
    };
    for sep in ['.', '/', '-'] {
        let parts: Vec<&str> = token.split(sep).collect();
        if parts.len() == 3
            && ((digits(parts[0], 1, 2) && digits(parts[1], 1, 2) && digits(parts[2], 2, 4))
                || (digits(parts[0], 4, 4) && digits(parts[1], 1, 2) && digits(parts[2], 1, 2)))
        {
            return true;
        }
    }
    matches!(token.split_once(':'), Some((h, m)) if digits(h, 1, 2) && digits(m, 2, 2))
}

/// A metadata label, alone or with a short value: `Von: Jane Doe`, `Kategorie: News`,
/// `Autoren:`, `Release date:`, `Tags: a, b`.
fn is_label_line(text: &str) -> bool {
    const LABELS: &[&str] = &[
        "by",
        "von",
        "author",
        "authors",
        "autor",
        "autoren",
        "autorin",
        "auteur",
        "autore",
        "written by",
        "posted by",
        "posted in",
        "filed under",
        "category",
        "categories",
        "kategorie",
        "kategorien",
        "rubrik",
        "catégorie",
        "categoría",
        "tags",
        "tagged",
        "schlagworte",
        "schlagwörter",
        "stichworte",
        "themen",
        "etiquetas",
        "release date",
        "published",
        "updated",
        "veröffentlicht",
        "veröffentlicht am",
        "veröffentlichung",
        "erschienen",
        "erschienen am",
        "aktualisiert",
        "aktualisiert am",
        "zuletzt aktualisiert",
        "stand",
        "stand des artikels",
        "datum",
        "date",
        "posted on",
        "published on",
        "last updated",
        "publié",
        "publié le",
        "mis à jour",
        "publicado",
        "actualizado",
        "fecha",
        "data publikacji",
        "publikacja",
        "kontakt",
        "contact",
        "source",
        "sources",
        "quelle",
        "quellen",
        "quellenangaben",
        "źródło",
        "fuente",
        "zusatzinformationen",
        "weitere informationen",
        "more information",
        "further information",
    ];
    if text.chars().count() > 70 {
        return false;
    }
    if LABELS.contains(&text) {
        return true;
    }
    text.split_once(':').is_some_and(|(label, rest)| {
        LABELS.contains(&label.trim())
            && rest.split_whitespace().count() <= 5
            && !rest.contains(['.', '!', '?'])
    })
}

/// "5 min read", "Lesezeit: 3 Minuten", "Ten tekst przeczytasz w 1 minutę": our header says it.
fn is_reading_time(text: &str) -> bool {
    const MINUTES: &[&str] = &[
        "min",
        "mins",
        "minute",
        "minutes",
        "minuten",
        "minute(n)",
        "minut",
        "minutę",
        "minuty",
        "minutos",
        "minuti",
        "minuto",
        "minuut",
        "minuten.",
    ];
    const READ: &[&str] = &[
        "read",
        "reading",
        "lesen",
        "lesezeit",
        "lesedauer",
        "lecture",
        "lectura",
        "lettura",
        "leitura",
        "przeczytasz",
        "czytania",
        "leestijd",
        "läsning",
        "lästid",
    ];
    if text.chars().count() > 60 || !text.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | '·' | '|'))
        .filter(|w| !w.is_empty())
        .collect();
    // A label, not a sentence: a few words that end on the minutes or the reading.
    let minutes = |w: &str| MINUTES.contains(&w) || w.ends_with("min");
    words.len() <= 6
        && words.iter().any(|w| minutes(w))
        && words.iter().any(|w| READ.contains(w))
        && words.last().is_some_and(|w| minutes(w) || READ.contains(w))
}

/// An affiliate disclosure: "Für Links auf dieser Seite erhält CHIP ggf. eine Provision",
/// "We may earn a commission when you buy through links on our site".
fn is_disclosure(text: &str) -> bool {
    /// A note that the post is advertising, in the words such notes use.
    const SPONSORED: &[&str] = &[
        "enthält werbung",
        "unbezahlte werbung",
        "bezahlte werbung",
        "bezahlte partnerschaft",
        "sponsored post",
        "this post is sponsored",
        "this post contains sponsored",
        "contains advertising",
        "contenu sponsorisé",
        "contenido patrocinado",
        "artykuł sponsorowany",
    ];
    let n = text.chars().count();
    if n <= 200 && SPONSORED.iter().any(|w| text.contains(w)) {
        return true;
    }
    n <= 400
        && [
            "affiliate",
            "provision",
            "commission",
            "comisión",
            "commissione",
        ]
        .iter()
        .any(|w| text.contains(w))
        && [
            "link", "buy", "purchase", "kauf", "achat", "compra", "acquist",
        ]
        .iter()
        .any(|w| text.contains(w))
}

/// A short line asking the reader to subscribe, download the app, follow a channel or support
/// the site: what it names is a channel, what it asks is an action.
fn is_call_to_action(text: &str) -> bool {
    const CHANNEL: &[&str] = &[
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
        "edition",
        "rss",
        "membership",
        "miembro",
        "abonnement",
        "abo ",
        "suscripción",
        "canal",
        "kanal",
        "channel",
    ];
    const ACTION: &[&str] = &[
        "subscribe",
        "sign up",
        "signing up",
        "download",
        "follow us",
        "follow me",
        "join us",
        "support our",
        "support us",
        "keep up with",
        "don't miss",
        "never miss",
        "abonnier",
        "folgen sie",
        "folge uns",
        "folgt uns",
        "verpasse",
        "verpassen sie",
        "registrier",
        "suscríbete",
        "suscribete",
        "únete",
        "síguenos",
        "descarga",
        "hazte",
        "mira lo",
        "abonnez",
        "suivez-nous",
        "inscrivez",
        "iscriviti",
        "seguici",
        "obserwuj",
        "zapisz się",
        "subskryp",
    ];
    // Spoken to the reader, about the site's own channel: an imperative, or "our"/"you".
    const ADDRESS: &[&str] = &[
        "our ", "us ", "us!", "you", "unser", "uns ", "dich", "dir ", "euch", "ihr ", "nuestr",
        "notre", "nos ", "vous", "nostr", "nasz", "twój", "twoj",
    ];
    text.chars().count() <= 250
        && CHANNEL.iter().any(|c| text.contains(c))
        && ACTION.iter().any(|a| text.contains(a))
        && (ACTION.iter().any(|a| text.starts_with(a))
            || text.starts_with('¡')
            || ADDRESS.iter().any(|w| text.contains(w)))
}

/// A copyright or rights line at the end of a page.
/// A paywall's prompt left in the article ("To view the full story, please subscribe", "Already
/// a subscriber? Log in"): short, and in words only such a prompt uses.
fn is_paywall_prompt(text: &str) -> bool {
    const PROMPTS: &[&str] = &[
        "to view the full story",
        "to read the full story",
        "to continue reading",
        "continue reading with",
        "already a subscriber",
        "already subscribed",
        "already have an account",
        "for subscribers only",
        "subscribers only",
        "subscriber-only",
        "subscriber exclusive",
        "subscribe to read",
        "subscribe to continue",
        "subscribe now to read",
        "first-time subscribers",
        "for immediate access",
        "unlimited digital access",
        "für abonnenten",
        "bereits abonnent",
        "schon abonnent",
        "sind sie bereits",
        "abonnieren und weiterlesen",
        "jetzt weiterlesen",
        "artikel weiterzulesen",
        "um weiterzulesen",
        "exklusiv für abonnenten",
        "plus-artikel",
        "para seguir leyendo",
        "para continuar leyendo",
        "ya eres suscriptor",
        "ya soy suscriptor",
        "exclusivo para suscriptores",
        "réservé aux abonnés",
        "déjà abonné",
        "pour lire la suite",
        "la suite est réservée",
        "riservato agli abbonati",
        "già abbonato",
        "dla subskrybentów",
        "dla prenumeratorów",
    ];
    text.chars().count() <= 300 && PROMPTS.iter().any(|p| text.contains(p))
}

fn is_copyright(text: &str) -> bool {
    text.chars().count() <= 300
        && (text.starts_with('©')
            || text.starts_with("(c) ")
            || text.starts_with("copyright")
            || text.contains("all rights reserved")
            || text.contains("alle rechte vorbehalten")
            || text.contains("tous droits réservés")
            || text.contains("todos los derechos reservados")
            || text.contains("is the copyrighted property of")
            || text.contains("must be obtained before reprint"))
}

/// The title, the byline or a date line repeated at the top of the body, above the text: our
/// own header already says them.
fn drop_repeated_header(doc: &Document, known: &Known) {
    let title = known.title.map(normalized).filter(|t| !t.is_empty());
    let byline = known.byline.map(normalized).filter(|b| !b.is_empty());
    let leaves: Vec<NodeRef> = doc
        .select("h1, h2, h3, h4, h5, h6, p, div, span, time, address")
        .nodes()
        .iter()
        .filter(|n| !has_block_child(n) && chars_of(n) > 0)
        .take(6)
        .cloned()
        .collect();
    // The header ends at the last of these lines that is the title, the byline or a date; short
    // labels before it (a kicker, a section: "Artikel", "Corona") go with it.
    let mut end = None;
    for (i, node) in leaves.iter().enumerate() {
        let text = normalized(&node.text());
        let is_title = title.as_deref() == Some(text.as_str());
        let is_byline = byline.as_deref().is_some_and(|b| {
            text == b || text.strip_prefix("by ").or(text.strip_prefix("von ")) == Some(b)
        });
        let is_date = text.chars().count() <= 40 && crate::dates::parse_published(&text).is_some();
        let is_label = text.chars().count() <= 30
            && text.split(' ').count() <= 3
            && !text.contains(['.', '!', '?']);
        if is_title || is_byline || is_date {
            end = Some(i);
        } else if !is_label {
            // The first line that is the article's own ends the header.
            break;
        }
    }
    if let Some(end) = end {
        for node in &leaves[..=end] {
            node.remove_from_parent();
        }
    }
}

/// A credit that ends a caption's text ("… in Kyiv. (REUTERS/Jane Doe)", "… (Foto: Getty)",
/// "Jane Doe, photo:"): the caption stays, its credit goes (a credit alone in its element is
/// taken by the line rules above).
fn drop_caption_credits(doc: &Document) {
    for cap in doc
        .select("figcaption, [class*=caption], [class*=Caption]")
        .nodes()
        .iter()
    {
        let Some(last) = cap
            .descendants_it()
            .filter(|d| d.is_text() && !d.text().trim().is_empty())
            .last()
        else {
            continue;
        };
        let text = last.text().to_string();
        if let Some(cut) = credit_start(&text) {
            last.set_text(text[..cut].trim_end());
        }
    }
}

/// Where a credit at the end of `text` starts, if it ends with one.
fn credit_start(text: &str) -> Option<usize> {
    const MARKS: &[&str] = &[
        "(",
        "©",
        "foto:",
        "fotos:",
        "photo:",
        "photos:",
        "bild:",
        "credit:",
        "quelle:",
        "photo by",
        "foto by",
        "fotó:",
        "zdjęcie:",
    ];
    let lower = text.to_lowercase();
    // Lower-casing may change lengths; only cut where the two agree.
    if lower.len() != text.len() {
        return None;
    }
    let mut starts: Vec<usize> = MARKS
        .iter()
        .flat_map(|m| lower.match_indices(m).map(|(i, _)| i))
        .collect();
    // A trailing "photo:" with nothing after it names no one but is a credit's label all the same.
    for label in ["photo:", "foto:", "bild:"] {
        if let Some(at) = lower.trim_end().strip_suffix(label).map(str::len) {
            starts.push(at);
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts.into_iter().find(|&at| {
        let tail = normalized(&text[at..]);
        text[..at].trim().chars().count() >= 3
            && (is_credit(&tail)
                || (tail.starts_with('©') && tail.chars().count() <= 80)
                || ["photo:", "foto:", "bild:"].contains(&tail.as_str()))
    })
}

/// The few short lines left after the article's last paragraph: what a page sets under a story
/// ("No comments", "Was this useful?", "Read next", a date, a category) and the rules above
/// have no phrase for. A list, a table, code or a picture there is left alone, and so is a tail
/// longer than a few lines.
fn drop_short_tail(doc: &Document) {
    /// A paragraph at least this long (characters) is the article's.
    const PARAGRAPH: usize = 200;
    /// Lines this short after it are not.
    const SHORT: usize = 40;
    const MOST: usize = 3;
    let (leaves, lens) = leaf_blocks(doc);
    let Some(last) = lens.iter().rposition(|n| *n >= PARAGRAPH) else {
        return;
    };
    let tail: Vec<(&NodeRef, usize)> = leaves[last + 1..]
        .iter()
        .zip(&lens[last + 1..])
        .filter(|(n, len)| **len > 0 || has_picture(n))
        .map(|(n, len)| (n, *len))
        .collect();
    if tail.is_empty() || tail.len() > MOST {
        return;
    }
    let plain = tail.iter().all(|(n, len)| {
        *len < SHORT
            && !has_picture(n)
            && !matches!(
                n.node_name().as_deref(),
                Some("li" | "pre" | "table" | "figure" | "dd" | "dt")
            )
    });
    if plain {
        for (n, _) in tail {
            n.remove_from_parent();
        }
    }
}

/// Lines that, late in an article, say it has ended: what follows is other stories, comments,
/// the author's box or a newsletter prompt. Whole lines, in the languages of the pages people
/// read (see [`normalized`] for the form).
const END_MARKERS: &[&str] = &[
    // English
    "related",
    "related articles",
    "related posts",
    "related stories",
    "related news",
    "related content",
    "related coverage",
    "more stories",
    "more from",
    "read next",
    "up next",
    "what to read next",
    "you may also like",
    "you might also like",
    "recommended",
    "recommended for you",
    "most popular",
    "most read",
    "trending",
    "trending now",
    "top stories",
    "latest articles",
    "latest news",
    "latest stories",
    "comments",
    "comments closed",
    "comments are closed",
    "leave a reply",
    "leave a comment",
    "newsletter",
    "subscribe to our newsletter",
    "about the author",
    "about the authors",
    // German
    "mehr themen",
    "mehr zum thema",
    "schon gelesen",
    "weitere artikel",
    "weitere beiträge",
    "beiträge zum thema",
    "weitere beiträge zum thema",
    "ähnliche artikel",
    "ähnliche beiträge",
    "verwandte artikel",
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "auch interessant",
    "weitere themen",
    "weitere nachrichten",
    "mehr artikel",
    "mehr news",
    "mehr nachrichten",
    "passend dazu",
    "lesetipp",
    "lesetipps",
    "leseempfehlung",
    "leseempfehlungen",
    "meistgelesen",
    "meist gelesen",
    "beliebte artikel",
    "neueste artikel",
    "kommentare",
    "keine kommentare",
    "kommentare geschlossen",
    "über den autor",
    "über die autorin",
    "zum autor",
    "zur autorin",
    "mehr infos",
    // Spanish, Portuguese, Italian
    "artículos relacionados",
    "noticias relacionadas",
    "te puede interesar",
    "también te puede interesar",
    "te recomendamos",
    "más noticias",
    "lo más leído",
    "comentarios",
    "sobre el autor",
    "notícias relacionadas",
    "leia também",
    "comentários",
    "articoli correlati",
    "potrebbe interessarti",
    "commenti",
    // French
    "articles liés",
    "à lire aussi",
    "sur le même sujet",
    "dans la même rubrique",
    "les plus lus",
    "commentaires",
    "à propos de l'auteur",
    // Polish, Dutch, Swedish
    "zobacz także",
    "czytaj także",
    "podobne artykuły",
    "komentarze",
    "o autorze",
    "lees ook",
    "gerelateerde artikelen",
    "reacties",
    "relaterat",
    "kommentarer",
];

/// A line that says the article has ended: one of [`END_MARKERS`], or a comment count
/// ("3 Kommentare", "160 comments").
fn is_end_marker(text: &str) -> bool {
    if END_MARKERS.contains(&text) {
        return true;
    }
    let Some((count, word)) = text.split_once(' ') else {
        return false;
    };
    count.chars().all(|c| c.is_ascii_digit())
        && matches!(
            word,
            "comment"
                | "comments"
                | "kommentar"
                | "kommentare"
                | "comentario"
                | "comentarios"
                | "commentaire"
                | "commentaires"
                | "komentarze"
        )
}

/// Late in the article, a line that says it has ended ("Related", "Mehr Themen", "3
/// comments") goes, and with it everything after it: teasers, comments, an author's box.
/// Only the last two fifths of the text are looked at, so a section of the article that
/// happens to be called "Comments" early on is not cut.
fn drop_from_end_marker(doc: &Document) {
    /// Share of the text (characters) that must come before the marker.
    const BEFORE: (usize, usize) = (3, 5);
    const SHORT: usize = 60;
    /// A paragraph this long after the marker, mostly unlinked and in the block that holds the
    /// article's paragraphs before it, is the article going on: the marker headed a box inside
    /// it ("Mehr zum Thema" over three links), and the cut waits for a later marker.
    const PROSE: usize = 200;
    let (leaves, lens) = leaf_blocks(doc);
    let total: usize = lens.iter().sum();
    let mut seen = 0;
    for (i, (leaf, len)) in leaves.iter().zip(&lens).enumerate() {
        if seen * BEFORE.1 >= total * BEFORE.0
            && (1..SHORT).contains(len)
            && is_end_marker(&normalized(&leaf.text()))
        {
            // The article's paragraphs so far sit in these blocks; one of them going on
            // after the marker is the article going on.
            let article: Vec<_> = leaves[..i]
                .iter()
                .zip(&lens[..i])
                .filter(|(_, len)| **len >= PROSE)
                .filter_map(|(n, _)| n.parent().map(|p| p.id))
                .collect();
            let goes_on = leaves[i + 1..].iter().zip(&lens[i + 1..]).any(|(n, len)| {
                *len >= PROSE
                    && n.parent().is_some_and(|p| article.contains(&p.id))
                    && chars_of_links(n) * 3 < *len
            });
            if goes_on {
                seen += len;
                continue;
            }
            // Everything after the marker in document order: its following siblings, and
            // those of each block that holds it.
            let mut at = Some(*leaf);
            while let Some(node) = at {
                while let Some(next) = node.next_sibling() {
                    next.remove_from_parent();
                }
                at = node.parent();
            }
            leaf.remove_from_parent();
            return;
        }
        seen += len;
    }
}

/// Characters of the linked text in `node`.
fn chars_of_links(node: &NodeRef) -> usize {
    node.find(&["a"]).iter().map(chars_of).sum()
}

/// The blocks that hold no other block, in document order, with the characters of each
/// (whitespace collapsed: each word and one space).
fn leaf_blocks(doc: &Document) -> (Vec<NodeRef<'_>>, Vec<usize>) {
    let leaves: Vec<NodeRef> = doc
        .select("p, div, h2, h3, h4, h5, h6, li, blockquote, pre, figure, table, dd, dt")
        .nodes()
        .iter()
        .filter(|n| !has_block_child(n))
        .cloned()
        .collect();
    let lens = leaves
        .iter()
        .map(|n| {
            n.text()
                .split_whitespace()
                .map(|w| w.chars().count() + 1)
                .sum()
        })
        .collect();
    (leaves, lens)
}

/// A heading with nothing after it heads a section that was taken out ("Weitere Tourentipps",
/// "Heute empfehlen wir"): an article does not end on a heading (unless it is a sentence).
fn drop_trailing_headings(doc: &Document) {
    loop {
        let Some(last) = doc.select("h1, h2, h3, h4, h5, h6").nodes().last().copied() else {
            return;
        };
        // A sentence ("He set up a fake profile. It backs his story.") may be the article's
        // last line, set large.
        let text = last.text();
        let sentence = text
            .trim_end()
            .ends_with(['.', '!', '?', '…', '"', '“', '”', '»', '«']);
        if sentence || !nothing_after(&last) {
            return;
        }
        last.remove_from_parent();
    }
}

/// Whether nothing to read or see follows `node` in document order.
fn nothing_after(node: &NodeRef) -> bool {
    let mut at = Some(*node);
    while let Some(n) = at {
        let mut next = n.next_sibling();
        while let Some(sib) = next {
            if !sib.text().trim().is_empty() || has_picture(&sib) || is_picture(&sib) {
                return false;
            }
            next = sib.next_sibling();
        }
        at = n.parent();
    }
    true
}

fn is_picture(node: &NodeRef) -> bool {
    node.node_name()
        .is_some_and(|n| matches!(n.as_ref(), "img" | "picture" | "video" | "svg"))
}

fn has_picture(node: &NodeRef) -> bool {
    node.descendants_it().any(|d| {
        d.node_name()
            .is_some_and(|n| matches!(n.as_ref(), "img" | "picture" | "video" | "svg"))
    })
}

/// Paragraphs and divisions left with nothing to read or see.
fn drop_empty(doc: &Document) {
    for node in doc
        .select("p, div, span, section, li, ul, ol")
        .nodes()
        .iter()
        .rev()
    {
        // The first word or picture found ends the look.
        let something = node.descendants_it().any(|d| {
            if d.is_text() {
                return d.text().chars().any(|c| !c.is_whitespace());
            }
            d.node_name().is_some_and(|n| {
                matches!(
                    n.as_ref(),
                    "img"
                        | "picture"
                        | "video"
                        | "audio"
                        | "iframe"
                        | "table"
                        | "svg"
                        | "math"
                        | "hr"
                        | "object"
                        | "embed"
                        | "canvas"
                )
            })
        });
        if !something {
            node.remove_from_parent();
        }
    }
}

/// A paragraph that is one link to another page and nothing else (a teaser's headline set
/// between or under the article's paragraphs).
fn drop_link_lines(doc: &Document) {
    for node in doc.select("p, div, h3, h4").nodes().iter() {
        if has_block_child(node) {
            continue;
        }
        let text = chars_of(node);
        if text < 20 {
            continue;
        }
        let links: Vec<NodeRef> = node
            .find(&["a"])
            .into_iter()
            .filter(|a| a.attr("href").is_some_and(|h| !h.starts_with('#')))
            .collect();
        if links.len() != 1 {
            continue;
        }
        // An address written out (a web site, a mail address) is the article's reference.
        let shown = links[0].text();
        if links[0]
            .attr("href")
            .is_some_and(|h| h.starts_with("mailto:"))
            || shown.contains("://")
            || shown.contains("www.")
            || shown.contains('@')
        {
            continue;
        }
        if chars_of(&links[0]) * 10 >= text * 9 {
            node.remove_from_parent();
        }
    }
}

/// A list or block that is mostly links to elsewhere: "related" lists, teasers, tag clouds.
fn is_link_list(node: &NodeRef) -> bool {
    // Links within the page (a table of contents) lead nowhere else.
    let links: Vec<NodeRef> = node
        .find(&["a"])
        .into_iter()
        .filter(|a| !a.attr("href").is_some_and(|h| h.starts_with('#')))
        .collect();
    let items = match node.node_name().as_deref() {
        Some("ul" | "ol") => node.element_children().len(),
        _ => links.len(),
    };
    if items < 3 || links.is_empty() {
        return false;
    }
    let text = chars_of(node);
    let linked: usize = links.iter().map(chars_of).sum();
    text > 0 && text < 1000 && linked * 10 >= text * 8
}

fn chars_of(node: &NodeRef) -> usize {
    node.text().chars().filter(|c| !c.is_whitespace()).count()
}

/// The words of a class or id: `post-share__bar` → post, share, bar; `shareBar` → share, bar.
pub(crate) fn words(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in value.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Words that name furniture only when the block links elsewhere (a "teaser" without a link is
/// a story's own lead).
const LINKING: &[&str] = &["teaser", "teasers", "related", "recommended"];

fn is_furniture(node: &NodeRef) -> bool {
    if matches!(
        node.node_name().as_deref(),
        Some("article" | "main" | "body")
    ) {
        return false;
    }
    if let Some(role) = node.attr("role")
        && ROLES.contains(&role.trim().to_ascii_lowercase().as_str())
    {
        return true;
    }
    if matches!(
        node.node_name().as_deref(),
        Some("nav" | "aside" | "footer" | "form" | "button")
    ) {
        return true;
    }
    let mut w = Vec::new();
    for a in ["class", "id"] {
        let Some(v) = node.attr(a) else { continue };
        for name in v.split_whitespace() {
            // A state (`has-sharing`, `is-related`) or a BEM modifier (`Section--Ads`) says
            // what the block holds or how it looks, not what it is.
            let lower = name.to_ascii_lowercase();
            if ["has-", "with-", "is-", "no-", "js-"]
                .iter()
                .any(|p| lower.starts_with(p))
            {
                continue;
            }
            let base = name.split("--").next().unwrap_or(name);
            w.extend(words(base));
        }
    }
    // "screen reader only" and "visually hidden" come in pieces.
    let joined = w.join("");
    let links = || !node.find(&["a"]).is_empty();
    w.iter()
        .any(|w| FURNITURE.contains(&w.as_str()) && (!LINKING.contains(&w.as_str()) || links()))
        || joined.contains("visuallyhidden")
        || joined.contains("screenreader")
        || joined.contains("sronly")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(html: &str) -> String {
        clean(html, &Known::default()).0
    }

    #[test]
    fn class_words_are_split_on_case_and_punctuation() {
        assert_eq!(words("post-share__bar"), ["post", "share", "bar"]);
        assert_eq!(words("shareBar sr-only"), ["share", "bar", "sr", "only"]);
        assert_eq!(words("header"), ["header"]);
    }

    #[test]
    fn a_share_bar_inside_the_article_goes_and_the_text_stays() {
        let text =
            "<p>The council voted on Tuesday to close the old bridge for repairs.</p>".repeat(5);
        let out = cleaned(&format!(
            "<div class=\"article\">{text}<div class=\"share-bar\"><a href=\"#\">Facebook</a> <a href=\"#\">Twitter</a></div></div>"
        ));
        assert!(!out.contains("Facebook"), "{out}");
        assert!(out.contains("old bridge"));
    }

    /// Five paragraphs of article, so that no furniture is a large share of it.
    fn story() -> String {
        "<p>The council voted on Tuesday to close the old bridge for repairs, which will take a year.</p>"
            .repeat(5)
    }

    #[test]
    fn a_container_named_like_furniture_that_holds_the_article_stays() {
        let out = cleaned(&format!(
            "<div class=\"post-with-comments has-sharing\">{}</div><p>Short tail.</p>",
            story()
        ));
        assert!(out.contains("old bridge"), "{out}");
    }

    #[test]
    fn gallery_chrome_and_counters_go() {
        let out = cleaned(&format!(
            "{}<figure><img src=\"a.jpg\" alt=\"The bridge\"/><figcaption>The old bridge at dawn</figcaption></figure>\
             <div>6</div><p>Image / 8</p><p>Bild 3 von 9</p><span>Caption</span><div>Close</div>\
             <p>Add <span>6</span> eggs.</p>",
            story()
        ));
        for gone in [
            "<div>6</div>",
            "Image / 8",
            "Bild 3 von 9",
            "Caption<",
            "Close",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(out.contains("The old bridge at dawn"));
        assert!(
            out.contains("<span>6</span> eggs"),
            "a quantity is not a counter: {out}"
        );
    }

    #[test]
    fn teaser_blocks_and_related_lists_go() {
        let out = cleaned(&format!(
            "{}<h3>Related</h3><ul><li><a href=\"/a\">Bridge closures across the county</a></li>\
             <li><a href=\"/b\">What the budget means for roads</a></li><li><a href=\"/c\">Ferry times</a></li></ul>\
             <div class=\"teaser\"><a href=\"/d\"><span>Politics</span><h4>Mayor resigns</h4><p>The mayor quit today.</p></a></div>",
            story()
        ));
        let out = format!(
            "{out}{}",
            cleaned(&format!(
                "<div class=\"teaser-text\"><p>A lead paragraph that is the story's own.</p></div>{}",
                story()
            ))
        );
        for gone in ["Related", "Bridge closures", "Ferry times", "Mayor resigns"] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(
            out.contains("the story's own"),
            "a teaser without a link is a lead: {out}"
        );
    }

    #[test]
    fn share_bars_and_newsletter_prompts_go() {
        let out = cleaned(&format!(
            "<p>Share this article</p>{}<div class=\"social-share\"><a href=\"https://facebook.com/x\">Facebook</a>\
             <a href=\"https://twitter.com/x\">X</a></div><div class=\"newsletter-signup\"><p>Get the morning briefing.</p>\
             <form><input type=\"email\"/><button>Sign up</button></form></div><p>Subscribe to our newsletter</p>\
             <p>Lesen Sie auch: Die Brücke im Winter</p>",
            story()
        ));
        for gone in [
            "Share this",
            "Facebook",
            "morning briefing",
            "Subscribe",
            "Lesen Sie auch",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(out.contains("old bridge"));
    }

    #[test]
    fn empty_paragraphs_go_and_pictures_stay() {
        let out = cleaned(&format!(
            "<p> </p><p><br/></p>{}<div><span></span></div><p><img src=\"b.jpg\" alt=\"\"/></p>",
            story()
        ));
        assert!(
            !out.contains("<p> </p>") && !out.contains("<span></span>"),
            "{out}"
        );
        assert!(!out.contains("<p><br></p>"), "{out}");
        assert!(
            out.contains("b.jpg"),
            "a paragraph holding a picture stays: {out}"
        );
    }

    #[test]
    fn the_title_byline_and_date_repeated_above_the_text_go() {
        let known = Known {
            title: Some("Old Bridge to Close"),
            byline: Some("Jane Doe"),
        };
        let out = clean(
            &format!(
                "<h1>Old Bridge to Close</h1><p>By Jane Doe</p><p>28 November 2026</p>{}<p>Jane Doe contributed reporting.</p>",
                story()
            ),
            &known,
        )
        .0;
        assert!(!out.contains("<h1>"), "{out}");
        assert!(!out.contains("By Jane Doe"), "{out}");
        assert!(!out.contains("28 November 2026"), "{out}");
        assert!(
            out.contains("Jane Doe contributed"),
            "the byline further down stays: {out}"
        );
        // Labels above the title (a section, a kicker) go with it; a byline in a small heading
        // goes too.
        let out = clean(
            &format!(
                "<p>Artikel</p><p>Corona</p><h5>Old Bridge to Close</h5><h5>Jane Doe</h5>{}",
                story()
            ),
            &known,
        )
        .0;
        for gone in ["Artikel", "Corona", "Old Bridge", "Jane Doe"] {
            assert!(!out.contains(gone), "{gone}: {out}");
        }
        // A short opening line with no header after it is the article's.
        let out = clean(&format!("<h2>Why now</h2>{}", story()), &known).0;
        assert!(out.contains("Why now"), "{out}");
    }

    #[test]
    fn a_heading_that_ends_the_text_goes_unless_it_is_a_sentence() {
        let out = cleaned(&format!(
            "{}<h3>Weitere Tourentipps in Schweden</h3><h4>Heute empfehlen wir</h4>",
            story()
        ));
        assert!(
            !out.contains("Tourentipps") && !out.contains("empfehlen"),
            "{out}"
        );
        let out = cleaned(&format!(
            "{}<h3>He set up a fake profile. It backs his story.</h3>",
            story()
        ));
        assert!(out.contains("fake profile"), "{out}");
        // A heading over a picture heads the picture.
        let out = cleaned(&format!(
            "{}<h3>The bridge in 1911</h3><p><img src='a.jpg' alt='The bridge'></p>",
            story()
        ));
        assert!(out.contains("The bridge in 1911"), "{out}");
    }

    #[test]
    fn a_block_of_meta_lines_goes_but_a_verse_stays() {
        let out = cleaned(&format!(
            "<div>24.01.2022 11:38<br/>Kategorie: <a href='/news'>News</a></div>{}\
             <p>The river, slow,<br/>the bridge, closed,<br/>the ferry late.</p>",
            story()
        ));
        assert!(
            !out.contains("Kategorie") && !out.contains("11:38"),
            "{out}"
        );
        assert!(out.contains("the ferry late."), "{out}");
    }

    #[test]
    fn copyright_lines_go() {
        let out = cleaned(&format!(
            "{}<p>© 2026 Example News. All rights reserved.</p><p>This article is the copyrighted property of Example News.</p>",
            story()
        ));
        assert!(
            !out.contains("rights reserved") && !out.contains("copyrighted"),
            "{out}"
        );
    }

    #[test]
    fn credits_dates_and_labels_on_lines_of_their_own_go() {
        let out = cleaned(&format!(
            "{}<figure><img src='a.jpg'/><figcaption>The pier at dawn. <span>Foto: dpa</span></figcaption></figure>\
             <p>AFP / JANE DOE</p><p>Jahr Media/Shutterstock.com</p><p>Photograph by Ann Lee</p>\
             <p>23.10.2018</p><p>Aktualisiert am 5. Februar 2020, 19:49 Uhr</p><p>3:59 PM</p>\
             <p>Von: Sina Giebel</p><p>Kategorie: News</p><p>Autoren:</p>\
             <ul><li><span>6</span> mittelgroße Eier</li><li>Carbohydrates: <span>31</span>g</li></ul>\
             <p>+81 158-23-2012</p><p>The pier closed on 5 February 2020, after the storm.</p>\
             <p>Source: the harbour authority's annual report, which says the pier was built in 1897.</p>",
            story()
        ));
        for gone in [
            "Foto: dpa",
            "JANE DOE",
            "Shutterstock",
            "Photograph by",
            "23.10.2018",
            "Aktualisiert",
            "3:59",
            "Sina Giebel",
            "Kategorie",
            "Autoren",
        ] {
            assert!(!out.contains(gone), "{gone} stays: {out}");
        }
        for kept in [
            "The pier at dawn.",
            "<span>6</span> mittelgroße Eier",
            "<span>31</span>g",
            "+81 158-23-2012",
            "The pier closed on 5 February 2020",
            "annual report",
        ] {
            assert!(out.contains(kept), "{kept} is gone: {out}");
        }
    }

    #[test]
    fn a_paragraph_that_is_one_link_away_goes_but_an_address_stays() {
        let out = cleaned(&format!(
            "{}<p><a href='/other'>Rowing club wins the cup after forty years</a></p>\
             <p>Petition: <a href='https://www.openpetition.de/x'>www.openpetition.de/x</a></p>\
             <p><a href='mailto:desk@harbour.example'>desk@harbour.example</a></p>\
             <p>The council <a href='/minutes'>published the minutes</a> on Friday, and the vote \
             was close.</p>",
            story()
        ));
        assert!(!out.contains("Rowing club"), "{out}");
        for kept in [
            "openpetition",
            "desk@harbour.example",
            "published the minutes",
        ] {
            assert!(out.contains(kept), "{kept} is gone: {out}");
        }
    }

    #[test]
    fn reading_times_disclosures_and_calls_to_action_go() {
        let out = cleaned(&format!(
            "<p>5 min read</p><p>Ten tekst przeczytasz w 1 minutę</p>{}\
             <p>Für Links auf dieser Seite erhält die Redaktion ggf. eine Provision vom Händler.</p>\
             <p>Subscribe to our newsletter and never miss a story.</p>\
             <p>Download the Harbour News app for the latest stories.</p>\
             <p>¡Mira lo que tiene nuestro canal de YouTube!</p>\
             <p>The ferry company said it would download the new timetable to every ticket \
             machine by May, and publish it on its app.</p>\
             <p>She read for 20 minutes every night.</p>\
             <p>*Werbung. Dieser Beitrag enthält Werbung für Marini.</p>",
            story()
        ));
        for gone in [
            "Marini",
            "5 min read",
            "przeczytasz",
            "Provision",
            "Subscribe",
            "Download the Harbour",
            "YouTube",
        ] {
            assert!(!out.contains(gone), "{gone} stays: {out}");
        }
        for kept in ["ticket machine", "20 minutes every night"] {
            assert!(out.contains(kept), "{kept} is gone: {out}");
        }
    }

    #[test]
    fn paywall_prompts_go() {
        let out = cleaned(&format!(
            "{}<p>To view the full story, please subscribe to The Harbour Times.</p>\
             <p>If you're seeing this message but you're already a subscriber, you can log in \
             for immediate access to this story.</p>\
             <p>Exklusiv für Abonnenten: jetzt weiterlesen mit Harbour+.</p>\
             <p>Subscribers to the ferry service will pay less from May, the council said.</p>",
            story()
        ));
        for gone in ["full story", "already a subscriber", "Abonnenten"] {
            assert!(!out.contains(gone), "{gone} stays: {out}");
        }
        assert!(out.contains("Subscribers to the ferry service"), "{out}");
    }

    #[test]
    fn a_credit_that_ends_a_caption_goes_and_the_caption_stays() {
        let out = cleaned(&format!(
            "<figure><img src='a.jpg' alt=''><figcaption>The old bridge at dawn. \
             (REUTERS/Jane Doe)</figcaption></figure>\
             <figure><img src='b.jpg' alt=''><figcaption>Workers on the pier Foto: \
             Getty</figcaption></figure>\
             <figure><img src='c.jpg' alt=''><figcaption>The mayor (left) and her \
             deputy</figcaption></figure>{}",
            story()
        ));
        for gone in ["REUTERS", "Getty"] {
            assert!(!out.contains(gone), "{gone} stays: {out}");
        }
        for kept in [
            "The old bridge at dawn.",
            "Workers on the pier",
            "The mayor (left) and her deputy",
        ] {
            assert!(out.contains(kept), "{kept} is gone: {out}");
        }
    }

    #[test]
    fn short_lines_after_the_last_paragraph_go_but_a_list_or_a_long_tail_stays() {
        let story = format!(
            "{}<p>{}</p>",
            story(),
            "The bridge, which opened in 1911, carries four thousand cars a day, and the \
             council expects the detour through the old town to add twenty minutes to every \
             crossing until the work is done next spring."
        );
        let out = cleaned(&format!(
            "{story}<p>Keine Kommentare bisher</p><div>3 Shares</div>"
        ));
        assert!(
            !out.contains("Kommentare") && !out.contains("Shares"),
            "{out}"
        );
        // A list of steps after the text is the article's.
        let out = cleaned(&format!("{story}<ul><li>Flour</li><li>Sugar</li></ul>"));
        assert!(out.contains("Flour") && out.contains("Sugar"), "{out}");
        // So are four short lines (a poem's last stanza, an address).
        let tail =
            "<p>The river, slow</p><p>the bridge, closed</p><p>the ferry, late</p><p>and home.</p>";
        let out = cleaned(&format!("{story}{tail}"));
        assert!(out.contains("and home."), "{out}");
        // A short closing line before the end of the text is not a tail.
        let out = cleaned(&format!("<p>It was the first vote of the year.</p>{story}"));
        assert!(out.contains("first vote"), "{out}");
    }

    #[test]
    fn a_late_line_that_says_the_article_ended_goes_with_all_after_it() {
        let teasers = "<h3>Mehr Themen:</h3><div><p><a href='/a'>Bridge</a></p>\
                       <p>The ferry timetable for the summer, and what changes in June for \
                       the people who cross every day.</p></div><p>3 Kommentare</p>";
        let out = cleaned(&format!("<div>{}</div>{teasers}", story()));
        assert!(out.contains("old bridge"), "{out}");
        assert!(
            !out.contains("Mehr Themen") && !out.contains("ferry") && !out.contains("Kommentare"),
            "{out}"
        );
        // The same words early on head a section of the article: it stays.
        let early = "<h3>Comments</h3><p>The council asked residents for comments on the \
                     detour, and more than four hundred wrote in within a week of the vote.</p>";
        let out = cleaned(&format!("{early}{}", story()));
        assert!(out.contains("four hundred"), "{out}");
        // A box inside the article ("Mehr zum Thema" over links) with the article going on
        // after it cuts nothing of the article.
        let long = "<p>The detour adds twenty minutes to every crossing, the council said, and \
                    the ferry will run every half hour from May until the bridge opens again in \
                    the spring, with a night service on Fridays and Saturdays for the bars.</p>";
        let out = cleaned(&format!(
            "<div>{}{long}<div><h3>Mehr zum Thema</h3><ul><li><a href='/a'>Bridges</a></li>\
             <li><a href='/b'>Ferries</a></li></ul></div><p>It went on: the last paragraph of \
             the story, long enough to be the article's own, says who pays for the ferry and \
             for how long, and when the council will vote on the bill next month, after the \
             summer recess.</p></div>",
            story()
        ));
        assert!(out.contains("last paragraph of the story"), "{out}");
        // A comment count ends it too.
        let out = cleaned(&format!(
            "{}<p>160 comments</p><p>A reader wrote: close it sooner.</p>",
            story()
        ));
        assert!(!out.contains("160") && !out.contains("sooner"), "{out}");
    }

    #[test]
    fn link_bars_bracketed_lines_times_and_file_offers_go() {
        let out = cleaned(&format!(
            "{}<p><a href='/feed'>Comments feed</a> | Comments closed | \
             <a href='/tb'>Trackback URL</a></p>\
             <p>(No ratings yet)</p>\
             <div><p>It ends here.</p><time datetime='2020-04-03'>Publiziert: 03.04.2020, 12:35</time></div>\
             <p><a href='/x.pdf'>Dieses Skript als PDF herunterladen</a></p>",
            story()
        ));
        for gone in ["Trackback", "ratings", "Publiziert", "PDF"] {
            assert!(!out.contains(gone), "{gone}: {out}");
        }
        assert!(out.contains("It ends here."), "{out}");
        // A date inside a sentence stays.
        let out = cleaned(&format!(
            "<p>The vote was on <time datetime='2020-04-03'>3 April 2020</time>, late.</p>{}",
            story()
        ));
        assert!(out.contains("3 April 2020"), "{out}");
        // A bar of words with no furniture in it stays.
        let out = cleaned(&format!("{}<p>Red | Green | Blue</p>", story()));
        assert!(out.contains("Red | Green | Blue"), "{out}");
    }

    #[test]
    fn a_line_that_opens_read_more_goes_with_its_long_headline() {
        let out = cleaned(&format!(
            "{}<p><strong>PUEDES VER:</strong> <a href='/x'>¿Qué es la Sunedu y por qué su \
             reforma preocupa a los estudiantes universitarios del país entero?</a></p>\
             <p>Read more: <a href='/y'>The harbour's long history of floods, and what the \
             new wall will change for the people who live by it</a></p>\
             <p>(crédito: Minervino Júnior)</p>",
            story()
        ));
        for gone in ["Sunedu", "long history", "Minervino"] {
            assert!(!out.contains(gone), "{gone} stays: {out}");
        }
        assert!(out.contains("old bridge"), "{out}");
    }
}

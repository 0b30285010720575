//! The line tests of cleaning: whether one short line of an article's body is furniture — a
//! boilerplate phrase, a gallery counter, a credit, a date or a label alone, a reading time, a
//! disclosure, a call to action, a paywall's prompt, a copyright line, or a line that says the
//! article has ended — with the phrase tables they read, in the languages of the pages people
//! read. Plain text in, yes or no out: no DOM here.

/// Lower case, whitespace collapsed, and the arrows, colons and dots that decorate a label
/// taken off its ends.
pub(super) fn normalized(text: &str) -> String {
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
pub(super) const PHRASES: &[&str] = &[
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
pub(super) const PREFIXES: &[&str] = &[
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

pub(super) fn is_boilerplate_line(text: &str) -> bool {
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
pub(super) const SUFFIXES: &[&str] = &[
    "als pdf herunterladen",
    "als pdf downloaden",
    "as pdf",
    "as a pdf",
    "en pdf",
    "en formato pdf",
    "w formacie pdf",
];

/// A bar of short items set apart by `|`, one of them furniture: "Comments feed | Comments
/// closed | Trackback URL".
pub(super) fn is_link_bar(text: &str) -> bool {
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

/// A gallery counter: `6` on a line of its own, `3 / 8`, `image 2 of 12`, `bild 3 von 9`,
/// `image / 8`. Inside a line (`inline`), a bare number is a quantity, not a counter.
pub(super) fn is_counter(text: &str, inline: bool) -> bool {
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
pub(super) fn is_credit(text: &str) -> bool {
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
pub(super) fn is_date_line(text: &str) -> bool {
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
            if crate::calendar::is_month(w) {
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
pub(super) fn is_numeric_date(token: &str) -> bool {
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
pub(super) fn is_label_line(text: &str) -> bool {
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
pub(super) fn is_reading_time(text: &str) -> bool {
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
pub(super) fn is_disclosure(text: &str) -> bool {
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
pub(super) fn is_call_to_action(text: &str) -> bool {
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
pub(super) fn is_paywall_prompt(text: &str) -> bool {
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

pub(super) fn is_copyright(text: &str) -> bool {
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

/// Where a credit at the end of `text` starts, if it ends with one.
pub(super) fn credit_start(text: &str) -> Option<usize> {
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

/// Lines that, late in an article, say it has ended: what follows is other stories, comments,
/// the author's box or a newsletter prompt. Whole lines, in the languages of the pages people
/// read (see [`normalized`] for the form).
pub(super) const END_MARKERS: &[&str] = &[
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
pub(super) fn is_end_marker(text: &str) -> bool {
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

//! After Readability: take out of an article's body what is not the article. This file is the
//! order the passes run in ([`clean`]); the passes over the DOM are in `clean_passes.rs`, the
//! tests of one line and their phrase tables in `clean_lines.rs`.
//!
//! Readability finds the block that holds the article, but keeps what sits inside that block
//! with it: share bars, newsletter prompts, "related" lists and teasers for other stories,
//! gallery counters, copyright lines, empty paragraphs, and the title or byline repeated above
//! the text. Each rule here is general (markup roles, link density, short boilerplate phrases in
//! many languages), never a site's own markup, and none removes a block that holds a large share
//! of the article's text.

use dom_query::{Document, NodeRef};

use super::clean_lines::{
    is_boilerplate_line, is_call_to_action, is_copyright, is_counter, is_credit, is_date_line,
    is_disclosure, is_label_line, is_link_bar, is_paywall_prompt, is_reading_time, normalized,
    too_long_for_tests,
};
pub(crate) use super::clean_passes::{Known, words};
use super::clean_passes::{
    chars_of, drop_caption_credits, drop_empty, drop_from_end_marker, drop_link_lines,
    drop_own_promotion, drop_repeated_captions, drop_repeated_header, drop_short_tail,
    drop_trailing_headings, has_block_child, is_furniture, is_heading_like, is_hidden_text,
    is_inline, is_link_list, is_meta_lines, select,
};

/// Clean `body_html` (Readability's article) and return it, with the shapes of the body
/// before and after (for the judgement whether the page is an article at all).
pub(crate) fn clean(body_html: &str, known: &Known) -> (String, [super::verdict::Shape; 2]) {
    let doc = Document::fragment(body_html);
    clean_in(&doc.root(), known)
}

/// Clean what is under `scope` in place (the fragment of [`clean`], or the tree Readability
/// built its article in, so its article is not serialized and parsed again) and return it
/// serialized, with the shapes of the body before and after.
pub(crate) fn clean_in(scope: &NodeRef, known: &Known) -> (String, [super::verdict::Shape; 2]) {
    let total = chars_of(scope);
    if total == 0 {
        return (scope.inner_html().to_string(), Default::default());
    }
    let before = super::verdict::Shape::of(scope);
    // A block holding this much of the article is never taken out, whatever it is called.
    let limit = total / 2;
    for node in select(scope, "*").nodes().iter() {
        if (is_furniture(node) || is_hidden_text(node)) && chars_of(node) <= limit {
            node.remove_from_parent();
        }
    }
    for node in select(scope, "ul, ol, div, section, p, table")
        .nodes()
        .iter()
    {
        if is_link_list(node) && chars_of(node) <= limit {
            node.remove_from_parent();
        }
    }
    drop_from_end_marker(scope);
    // Blocks of one short line: boilerplate phrases (and the list a "Related" heading
    // introduces), gallery counters, copyright lines.
    for node in select(
        scope,
        "p, div, h2, h3, h4, h5, h6, li, span, strong, b, figcaption, small, time",
    )
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
        // Too long for every line test: only a block of meta lines (short lines between
        // breaks) can be furniture.
        if too_long_for_tests(&raw) {
            if is_meta_lines(node) {
                node.remove_from_parent();
            }
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
    drop_link_lines(scope);
    drop_caption_credits(scope);
    drop_repeated_captions(scope);
    drop_repeated_header(scope, known);
    drop_empty(scope);
    drop_short_tail(scope);
    drop_own_promotion(scope, known);
    drop_trailing_headings(scope);
    let after = super::verdict::Shape::of(scope);
    (scope.inner_html().to_string(), [before, after])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::clean_passes::*;

    fn cleaned(html: &str) -> String {
        clean(html, &Known::default()).0
    }

    #[test]
    fn class_words_are_split_on_case_and_punctuation() {
        assert_eq!(words("post-share__bar"), ["post", "share", "bar"]);
        assert_eq!(words("shareBar sr-only"), ["share", "bar", "sr", "only"]);
        assert_eq!(words("header"), ["header"]);
    }

    /// The article's last short lines that name the publication go (its app, its social
    /// accounts); a long closing paragraph naming it, and a line that does not, stay.
    #[test]
    fn the_publications_promotion_of_itself_at_the_end_goes() {
        let known = Known {
            site: Some("Harbour Gazette"),
            address: Some("https://www.harbourgazette.com/news/bridge"),
            ..Known::default()
        };
        let story = "<p>The council voted on Tuesday to close the old bridge for repairs, which \
                     will take a year, and the ferry will run every hour until it opens again.</p>"
            .repeat(4);
        let out = clean_in_with(
            &format!(
                "<div>{story}<p>The work starts in May, and the road stays closed to cars until the autumn.</p>\
                 <p>Follow the Harbour Gazette on Twitter @HarbourGazette.</p>\
                 <p>For the latest news download the HarbourGazette apps for iOS and Android.</p></div>"
            ),
            &known,
        );
        assert!(
            !out.contains("Twitter") && !out.contains("apps for iOS"),
            "{out}"
        );
        assert!(
            out.contains(
                "The work starts in May, and the road stays closed to cars until the autumn."
            ),
            "{out}"
        );
        // The last line does not name it: nothing before it is looked at.
        let out = clean_in_with(
            &format!(
                "<div>{story}<p>Follow the Harbour Gazette on Twitter.</p><p>The work starts in May, and the road stays closed to cars until the autumn.</p></div>"
            ),
            &known,
        );
        assert!(out.contains("Twitter"), "{out}");
        // A paragraph of the article naming the paper stays.
        let long = "<p>Readers of the Harbour Gazette will remember the last time the bridge \
                    closed, in 1998, when the ferry ran every half hour and the queue for it \
                    reached the market square on the first Saturday of the summer holidays, and \
                    the shops on the quay stayed open until midnight.</p>";
        let out = clean_in_with(&format!("<div>{story}{long}</div>"), &known);
        assert!(out.contains("Readers of the Harbour Gazette"), "{out}");
        // A name as short as a common word is not looked for.
        let short = Known {
            site: Some("Post"),
            address: Some("https://post.example/x"),
            ..Known::default()
        };
        let out = clean_in_with(
            &format!("<div>{story}<p>Read the Post on your phone.</p></div>"),
            &short,
        );
        assert!(out.contains("Read the Post"), "{out}");
    }

    fn clean_in_with(html: &str, known: &Known) -> String {
        clean(html, known).0
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
    fn text_hidden_from_every_reader_goes_and_a_hidden_picture_stays() {
        let out = cleaned(&format!(
            "<p>The council voted<span aria-hidden=\"true\"> (opens in a new window)</span> on Tuesday.</p>{}\
             <div style=\"Display : None\">Player controls 0:00 / 2:31</div><p hidden>Your reading list has 3 stories</p>\
             <div aria-hidden=\"true\"><img src=\"lazy.jpg\" alt=\"The bridge\"></div>\
             <div style=\"visibility:hidden\"><picture><img src=\"p.jpg\" alt=\"\"></picture></div>\
             <p><img src=\"deco.png\" alt=\"\" aria-hidden=\"true\"></p>",
            story()
        ));
        for gone in ["new window", "Player controls", "reading list"] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(out.contains("The council voted on Tuesday."), "{out}");
        for picture in ["lazy.jpg", "p.jpg", "deco.png"] {
            assert!(out.contains(picture), "{picture} gone: {out}");
        }
        // A hidden block that is most of the article is not taken: it is the article.
        let out = cleaned(&format!("<div hidden>{}</div><p>Short.</p>", story()));
        assert!(out.contains("old bridge"), "{out}");
    }

    #[test]
    fn a_caption_printed_again_is_kept_once() {
        let caption = "The old bridge at dawn, seen from the ferry landing.";
        let out = cleaned(&format!(
            "<figure><img src='a.jpg' alt=''><figcaption>{caption}</figcaption></figure>{}\
             <figure><img src='b.jpg' alt=''><figcaption>{caption}</figcaption></figure>\
             <p class='image-caption'>{caption}</p><p>{caption}</p>",
            story()
        ));
        // The captions after the first go; a paragraph of the text that says the same stays.
        assert_eq!(out.matches(caption).count(), 2, "{out}");
        assert!(out.contains("a.jpg") && out.contains("b.jpg"), "{out}");
        assert!(out.contains(&format!("<p>{caption}</p>")), "{out}");
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
            ..Known::default()
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

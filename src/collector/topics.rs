//! Topics an article gets from the config's keyword rules.

/// Topics from the config's keyword rules that an article's title or text matches, the text
/// read from `body_html` only when some rule has keywords (reading it means parsing the HTML).
pub fn keyword_topics(config: &crate::config::Config, title: &str, body_html: &str) -> Vec<String> {
    if config.topics.values().all(|rule| rule.keywords.is_empty()) {
        return Vec::new();
    }
    let text = super::feed::plain_text(body_html);
    config.keyword_topics(&format!("{title} {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_topics_read_the_articles_text_only_when_a_rule_has_keywords() {
        let cfg: crate::config::Config = toml::from_str(crate::config::STARTER).unwrap();
        assert_eq!(
            keyword_topics(&cfg, "Results", "<p>New <b>physics</b></p>"),
            ["science"]
        );
        let none: crate::config::Config =
            toml::from_str("[topics.science]\nkeywords = []\n").unwrap();
        assert!(keyword_topics(&none, "Physics", "<p>physics</p>").is_empty());
    }
}

//! `inkquire extract PAGE|URL`: one page's article, printed as Markdown, HTML, text or JSON.

use std::io::Write;

use inkquire::config::Config;
use inkquire::fetch::HttpFetcher;
use inkquire::formatter::tree::{esc, esc_attr};
use inkquire::pipeline::extract::{Extracted, extract_saved};

use super::{Exit, ExtractArgs};

pub fn run(args: ExtractArgs) -> anyhow::Result<Exit> {
    let config = Config::load(args.config.as_deref())?;
    if let Some(u) = &args.url {
        if args.input.starts_with("http://") || args.input.starts_with("https://") {
            eprintln!(
                "error: --url is for a saved page; {} is an address already",
                args.input
            );
            return Ok(Exit::Nothing);
        }
        if !super::commands::is_web_address(u) {
            eprintln!("error: --url {u}: give the page's web address (http:// or https://)");
            return Ok(Exit::Nothing);
        }
    }
    let fetcher = HttpFetcher::new(config.fetch.clone());
    let page = match extract_saved(&args.input, args.url.as_deref(), &config, &fetcher) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Exit::Nothing);
        }
    };
    for w in &page.warnings {
        inkquire::warn_line!("warning: {}: {w}", args.input);
    }
    if let Some(why) = &page.not_article {
        if !args.force {
            eprintln!("error: {} does not look like an article: {why}", args.input);
            eprintln!("hint: --force prints it anyway");
            return Ok(Exit::Nothing);
        }
        inkquire::warn_line!(
            "warning: {} does not look like an article ({why}): printed, as --force asks",
            args.input
        );
    }
    let out = match args.format.as_str() {
        "html" => html(&page),
        "text" => text(&page),
        "json" => json(&page),
        _ => markdown(&page),
    };
    let mut stdout = std::io::stdout().lock();
    // A reader that closed the pipe (`| head`) has what it wanted.
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(Exit::Done),
    }
}

/// The line under the title: byline, site, date, language.
fn meta_line(p: &Extracted) -> String {
    let a = &p.article;
    let mut parts = Vec::new();
    if let Some(b) = a.byline.as_deref().filter(|b| !b.trim().is_empty()) {
        parts.push(b.trim().to_owned());
    }
    if !a.source.trim().is_empty() && !parts.iter().any(|p| p == a.source.trim()) {
        parts.push(a.source.trim().to_owned());
    }
    if let Some(d) = a.published {
        parts.push(date(d));
    }
    if let Some(l) = &a.lang {
        parts.push(l.clone());
    }
    parts.join(" · ")
}

fn date(p: inkquire::model::Published) -> String {
    if p.has_time {
        p.at.to_rfc3339()
    } else {
        p.at.date_naive().to_string()
    }
}

fn markdown(p: &Extracted) -> String {
    let a = &p.article;
    let mut out = format!("# {}\n\n", a.title.trim());
    let meta = meta_line(p);
    if !meta.is_empty() {
        out.push_str(&format!("*{meta}*\n\n"));
    }
    if let Some(u) = &a.url {
        out.push_str(&format!("<{u}>\n\n"));
    }
    out.push_str(&p.body.markdown());
    out
}

fn text(p: &Extracted) -> String {
    let a = &p.article;
    let mut out = format!("{}\n", a.title.trim());
    let meta = meta_line(p);
    if !meta.is_empty() {
        out.push_str(&format!("{meta}\n"));
    }
    if let Some(u) = &a.url {
        out.push_str(&format!("{u}\n"));
    }
    out.push('\n');
    let body = p.body.text();
    out.push_str(body.trim_end());
    out.push('\n');
    out
}

fn html(p: &Extracted) -> String {
    let a = &p.article;
    let lang = a.lang.as_deref().unwrap_or("en");
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n</head>\n<body>\n<article>\n<header>\n<h1>{}</h1>\n",
        esc_attr(lang),
        esc(a.title.trim()),
        esc(a.title.trim())
    );
    if let Some(b) = a.byline.as_deref().filter(|b| !b.trim().is_empty()) {
        out.push_str(&format!("<p class=\"byline\">{}</p>\n", esc(b.trim())));
    }
    let mut meta = vec![format!("<span class=\"source\">{}</span>", esc(&a.source))];
    if let Some(d) = a.published {
        meta.push(format!("<time datetime=\"{}\">{}</time>", date(d), date(d)));
    }
    out.push_str(&format!(
        "<p class=\"article-meta\">{}</p>\n",
        meta.join(" · ")
    ));
    if let Some(u) = &a.url {
        out.push_str(&format!(
            "<p class=\"original\"><a href=\"{}\">{}</a></p>\n",
            esc_attr(u),
            esc(u)
        ));
    }
    out.push_str("</header>\n<div class=\"article-body\">\n");
    out.push_str(&p.body.xhtml());
    out.push_str("\n</div>\n</article>\n</body>\n</html>\n");
    out
}

fn json(p: &Extracted) -> String {
    let a = &p.article;
    let v = serde_json::json!({
        "title": a.title,
        "byline": a.byline,
        "published": a.published.map(date),
        "site": a.source,
        "lang": a.lang,
        "url": a.url,
        "words": p.body.words(),
        "not_article": p.not_article.as_ref().map(|w| w.to_string()),
        "warnings": p.warnings,
        "html": p.body.xhtml(),
        "text": p.body.text(),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON of strings");
    s.push('\n');
    s
}

//! What the command line prints: reports, progress, and text from feeds made safe to show.

use std::io::IsTerminal;

use inkquire::report::Report;

/// A progress bar on a terminal; plain lines otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    pub fn new(len: u64, what: &str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = indicatif::ProgressBar::new(len);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix(what.to_owned());
        Progress { bar: Some(bar) }
    }

    pub fn tick(&self, name: &str) {
        if let Some(b) = &self.bar {
            b.set_message(name.to_owned());
            b.inc(1);
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

pub fn print_report(report: &Report) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (warn, fail, reset) = if color {
        ("\x1b[33mwarning\x1b[0m", "\x1b[31merror\x1b[0m", "")
    } else {
        ("warning", "error", "")
    };
    for p in &report.warnings {
        inkquire::warn_line!(
            "{warn}: {}: {}{reset}",
            printable(&p.source),
            printable(&p.message)
        );
    }
    for p in &report.failures {
        eprintln!(
            "{fail}: {}: {}{reset}",
            printable(&p.source),
            printable(&p.message)
        );
    }
}

/// Text from feeds and pages made safe for a terminal or a cron mail: control characters
/// (escape sequences, carriage returns, bells, bidirectional overrides) are shown as `�`, and
/// a password or token in any web address as `***` (every line the command line prints goes
/// through here).
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    match inkquire::fetch::redact_text(s) {
        std::borrow::Cow::Borrowed(s) => shown(s),
        std::borrow::Cow::Owned(s) => shown(&s).into_owned().into(),
    }
}

fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if s.chars().any(bad) {
        s.chars()
            .map(|c| if bad(c) { '\u{fffd}' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// "Name: 3 new, 0 updated, 2 unchanged[, 1 filtered]", and a line for each filtered article.
pub fn source_counts(r: &inkquire::report::SourceReport) -> String {
    let mut line = format!(
        "{}: {} new, {} updated, {} unchanged",
        printable(&r.name),
        r.new,
        r.updated,
        r.unchanged
    );
    if !r.filtered.is_empty() {
        line.push_str(&format!(", {} filtered", r.filtered.len()));
    }
    for f in &r.filtered {
        line.push_str(&format!(
            "\n  filtered: \u{201c}{}\u{201d} ({})",
            printable(&f.title),
            printable(&f.rule)
        ));
    }
    line
}

/// The copies an issue left out, one line each under a count.
pub fn duplicates(copies: &[inkquire::report::Duplicate]) {
    if copies.is_empty() {
        return;
    }
    inkquire::info_line!(
        "{} cop{} of a story left out (one story once; `inkquire list --duplicates` lists them all):",
        copies.len(),
        if copies.len() == 1 { "y" } else { "ies" }
    );
    for d in copies {
        inkquire::info_line!(
            "  {} ({}): {} \"{}\" ({})",
            printable(&d.title),
            printable(&d.source),
            if d.earlier {
                "already delivered as"
            } else {
                "in this issue as"
            },
            printable(&d.of),
            printable(&d.of_source)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_has_no_control_characters() {
        assert_eq!(printable("plain — café"), "plain — café");
        assert_eq!(
            printable("a\x1b[2Jb\r\x07"),
            "a\u{fffd}[2Jb\u{fffd}\u{fffd}"
        );
        assert_eq!(printable("x\u{202e}y"), "x\u{fffd}y");
    }
}

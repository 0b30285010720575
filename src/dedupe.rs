//! One story once: the same story from several sources, found by its text.
//!
//! An article's [`Signature`] is a consistent sample of its text's shingles (runs of
//! [`SHINGLE`] words, hashed): every shingle whose hash falls in one residue class of
//! [`SAMPLE`] is kept. Because the choice depends only on the shingle, the sample of what two
//! texts share is exactly what their samples share (Broder's mod-m sample), so two samples
//! estimate how much of the shorter text the longer one holds (`containment`) — the measure a
//! trimmed, re-headlined, annotated copy of wire copy keeps high, where resemblance (what
//! MinHash estimates) falls as soon as one copy is cut short. It is computed once, when the
//! article is stored, and kept in the ledger (a few hundred bytes).
//!
//! [`merge`] decides which articles of an issue are copies of one another and which copies of
//! articles earlier issues held, keeping the fullest copy (or the one from the source listed
//! first); [`Index`] finds the candidates without comparing every pair, so 10,000 stored
//! articles are compared in milliseconds.

use std::collections::HashMap;

/// Words a shingle spans.
pub const SHINGLE: usize = 4;
/// One shingle in this many is kept in the sample.
pub const SAMPLE: u64 = 4;
/// The shorter text must have at least this many sampled shingles (about 40 words) for a
/// verdict of "the same story": below it two texts share too little to tell.
pub const MIN_SAMPLES: usize = 10;
/// At least this share of the shorter text's sample must be in the longer one.
pub const MIN_CONTAINMENT: f64 = 0.5;
/// The shorter text must be at least this share of the longer one: a brief quoted whole in a
/// long roundup is not the roundup's story.
pub const MIN_LENGTH_RATIO: f64 = 0.2;

/// A text's sampled shingles, sorted, and how many words it has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signature {
    samples: Vec<u32>,
    words: u32,
}

impl Signature {
    /// The signature of plain text.
    pub fn of_text(text: &str) -> Signature {
        let mut b = Builder::default();
        b.text(text);
        b.finish()
    }

    /// The signature of an HTML body: the text between its tags, entities and the contents of
    /// `script` and `style` left out.
    pub fn of_html(html: &str) -> Signature {
        let mut b = Builder::default();
        let mut rest = html;
        while let Some(lt) = rest.find(['<', '&']) {
            b.text(&rest[..lt]);
            b.gap();
            rest = &rest[lt..];
            if rest.starts_with('&') {
                // An entity is a gap between words (`&nbsp;`, `&#8217;`): letters written as
                // entities are rare in article text.
                let end = rest[1..]
                    .char_indices()
                    .take(12)
                    .find(|&(_, c)| c == ';' || c == '<' || c.is_whitespace())
                    .map(|(i, c)| if c == ';' { i + 2 } else { i + 1 });
                rest = &rest[end.unwrap_or(1)..];
                continue;
            }
            let Some(gt) = rest.find('>') else { break };
            let closing = rest[1..].starts_with('/');
            let tag = rest[1..gt].trim_start_matches('/');
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase())
                .collect();
            rest = &rest[gt + 1..];
            if (name == "script" || name == "style") && !closing && !tag.ends_with('/') {
                let close = format!("</{name}");
                let lower = rest.to_ascii_lowercase();
                rest = match lower.find(&close) {
                    Some(at) => &rest[at..],
                    None => "",
                };
            }
        }
        b.text(rest);
        b.finish()
    }

    /// Words in the text.
    pub fn words(&self) -> usize {
        self.words as usize
    }

    /// Sampled shingles.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// As stored in the ledger: the word count, then each sample, little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + 4 * self.samples.len());
        out.extend_from_slice(&self.words.to_le_bytes());
        for s in &self.samples {
            out.extend_from_slice(&s.to_le_bytes());
        }
        out
    }

    /// Read back what [`Signature::to_bytes`] wrote; `None` for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.len() < 4 || !bytes.len().is_multiple_of(4) {
            return None;
        }
        let mut words = bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("chunks of four")));
        let count = words.next()?;
        let samples: Vec<u32> = words.collect();
        samples
            .windows(2)
            .all(|w| w[0] < w[1])
            .then_some(Signature {
                samples,
                words: count,
            })
    }
}

/// Cuts text into words and hashes each run of [`SHINGLE`] of them.
#[derive(Default)]
struct Builder {
    /// The last words' hashes, oldest first.
    window: std::collections::VecDeque<u64>,
    word: Option<u64>,
    words: u32,
    samples: Vec<u32>,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Letters of scripts written without spaces: each is a word of its own.
fn is_ideograph(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
        | 0x20000..=0x2FA1F | 0x0E00..=0x0E7F)
}

impl Builder {
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            if is_ideograph(c) {
                self.gap();
                self.push_char(c);
                self.gap();
            } else if c.is_alphanumeric() {
                if c.is_ascii() {
                    self.push_char(c.to_ascii_lowercase());
                } else {
                    for l in c.to_lowercase() {
                        self.push_char(l);
                    }
                }
            } else if c == '\u{AD}' || c == '\u{200B}' || c == '\u{200D}' {
                // Soft hyphens and joiners sit inside words.
            } else {
                self.gap();
            }
        }
    }

    fn push_char(&mut self, c: char) {
        let mut h = self.word.unwrap_or(FNV_OFFSET);
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
        self.word = Some(h);
    }

    /// The end of a word, if one was being read.
    fn gap(&mut self) {
        let Some(w) = self.word.take() else { return };
        self.words = self.words.saturating_add(1);
        if self.window.len() == SHINGLE {
            self.window.pop_front();
        }
        self.window.push_back(w);
        if self.window.len() == SHINGLE {
            let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
            for w in &self.window {
                h = mix(h ^ w);
            }
            if (h >> 32).is_multiple_of(SAMPLE) {
                self.samples.push(h as u32);
            }
        }
    }

    fn finish(mut self) -> Signature {
        self.gap();
        self.samples.sort_unstable();
        self.samples.dedup();
        Signature {
            samples: self.samples,
            words: self.words,
        }
    }
}

/// A 64-bit finaliser (splitmix64's): every input bit moves every output bit.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// How alike two texts are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// Sampled shingles both have.
    pub shared: usize,
    /// Sampled shingles of the shorter and the longer text.
    pub smaller: usize,
    pub larger: usize,
    /// `shared / smaller`: how much of the shorter text the longer one holds.
    pub containment: f64,
    /// `shared / (union)`: Jaccard's resemblance, what MinHash estimates.
    pub resemblance: f64,
    /// The shorter text's words over the longer one's.
    pub length_ratio: f64,
}

impl Similarity {
    pub fn of(a: &Signature, b: &Signature) -> Similarity {
        let shared = shared(&a.samples, &b.samples);
        let (smaller, larger) = if a.len() <= b.len() {
            (a.len(), b.len())
        } else {
            (b.len(), a.len())
        };
        let union = smaller + larger - shared;
        let (wa, wb) = (a.words.max(1) as f64, b.words.max(1) as f64);
        Similarity {
            shared,
            smaller,
            larger,
            containment: if smaller == 0 {
                0.0
            } else {
                shared as f64 / smaller as f64
            },
            resemblance: if union == 0 {
                0.0
            } else {
                shared as f64 / union as f64
            },
            length_ratio: wa.min(wb) / wa.max(wb),
        }
    }

    /// Whether the two are the same story, and why, knowing where each comes from.
    pub fn verdict_for(&self, a: &Origin, b: &Origin) -> Verdict {
        match self.verdict() {
            Verdict::Same if !a.may_be_one(b) => Verdict::OtherTitle,
            v => v,
        }
    }

    /// Whether the two are the same story, and why.
    pub fn verdict(&self) -> Verdict {
        if self.smaller < MIN_SAMPLES {
            Verdict::TooShort
        } else if self.containment < MIN_CONTAINMENT {
            Verdict::Different
        } else if self.length_ratio < MIN_LENGTH_RATIO {
            Verdict::Contained
        } else {
            Verdict::Same
        }
    }
}

/// Whether two texts tell the same story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The same story: one is a copy of the other, trimmed or edited.
    Same,
    /// They share too little text.
    Different,
    /// The shorter is too short to tell.
    TooShort,
    /// The shorter is quoted in a much longer text, which tells more than its story.
    Contained,
    /// The same text from one source under titles that are not alike: a source that gives
    /// every item the same words.
    OtherTitle,
}

impl Verdict {
    pub fn is_same(self) -> bool {
        self == Verdict::Same
    }

    /// In words, for `inkquire dedupe --explain`.
    pub fn describe(self) -> String {
        match self {
            Verdict::Same => format!(
                "the same story: the longer holds at least {:.0}% of the shorter's text",
                MIN_CONTAINMENT * 100.0
            ),
            Verdict::Different => format!(
                "different stories: they share less than {:.0}% of the shorter's text",
                MIN_CONTAINMENT * 100.0
            ),
            Verdict::TooShort => format!(
                "not merged: the shorter text is too short to tell (under {MIN_SAMPLES} sampled \
                 phrases, about {} words)",
                MIN_SAMPLES * SAMPLE as usize
            ),
            Verdict::Contained => format!(
                "not merged: the shorter is under {:.0}% of the longer's length, which tells more",
                MIN_LENGTH_RATIO * 100.0
            ),
            Verdict::OtherTitle => "not merged: one source's two articles under different titles \
                 (a source that gives its items the same words)"
                .to_owned(),
        }
    }
}

/// Members of both sorted lists.
fn shared(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// A sample shared by more texts than this says nothing of any one of them (a stock phrase):
/// it is not used to find candidates.
const COMMON: usize = 48;

/// Which texts share sampled shingles with a given one: the candidates worth comparing.
#[derive(Default)]
pub struct Index {
    postings: HashMap<u32, Vec<u32>>,
    len: u32,
}

impl Index {
    /// Add the next text; it is known by the order it was added in (0, 1, …).
    pub fn add(&mut self, sig: &Signature) -> usize {
        let at = self.len;
        for s in &sig.samples {
            let list = self.postings.entry(*s).or_default();
            if list.len() <= COMMON {
                list.push(at);
            }
        }
        self.len += 1;
        at as usize
    }

    /// The texts added that share at least a few of `sig`'s samples (enough that they could
    /// be the same story), in the order they were added.
    pub fn candidates(&self, sig: &Signature) -> Vec<usize> {
        let mut hits: HashMap<u32, usize> = HashMap::new();
        for s in &sig.samples {
            if let Some(list) = self.postings.get(s).filter(|l| l.len() <= COMMON) {
                for &d in list {
                    *hits.entry(d).or_default() += 1;
                }
            }
        }
        // Half the shorter's samples must be shared; the longer sample bounds nothing, so
        // ask only for what any verdict of "same" needs at the least.
        let need = (MIN_SAMPLES as f64 * MIN_CONTAINMENT).ceil() as usize;
        let mut out: Vec<usize> = hits
            .into_iter()
            .filter(|&(_, n)| n >= need)
            .map(|(d, _)| d as usize)
            .collect();
        out.sort_unstable();
        out
    }
}

/// Which copy of a story an issue keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Prefer {
    /// The copy with the most words.
    #[default]
    Fullest,
    /// The copy from the source listed first in the config.
    ConfigOrder,
}

/// Where a text comes from and what it is called: two articles of one source are the same
/// story only if their titles are alike too (a feed that gives every item the same text — a
/// podcast's blurb, a newsletter's template — is not one story).
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    pub source: &'a str,
    pub title: &'a str,
}

impl Origin<'_> {
    /// Whether two texts from these origins may be one story as far as their origins tell.
    pub fn may_be_one(&self, other: &Origin) -> bool {
        self.source != other.source || titles_alike(self.title, other.title)
    }
}

/// Titles that share at least half the words of the shorter that say something (numbers, and
/// words of four letters or more; case and punctuation aside): "Episode 12: the ferries" and
/// "Episode 13: the bridge" are not alike.
pub fn titles_alike(a: &str, b: &str) -> bool {
    let words = |t: &str| -> std::collections::HashSet<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| {
                w.chars().count() >= 4 || (!w.is_empty() && w.chars().all(|c| c.is_numeric()))
            })
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    // "Briefing 12" and "Briefing 13": the numbers tell them apart.
    let numbers = |w: &std::collections::HashSet<String>| -> Vec<String> {
        let mut n: Vec<String> = w
            .iter()
            .filter(|x| x.chars().all(|c| c.is_numeric()))
            .cloned()
            .collect();
        n.sort();
        n
    };
    let (na, nb) = (numbers(&a), numbers(&b));
    if !na.is_empty() && !nb.is_empty() && na != nb {
        return false;
    }
    let smaller = a.len().min(b.len());
    smaller == 0 || a.intersection(&b).count() * 2 >= smaller
}

/// One article as [`merge`] sees it.
pub struct Candidate<'a> {
    pub signature: &'a Signature,
    pub origin: Origin<'a>,
    /// Where its source is in the config (local files and unknown sources last).
    pub source_rank: usize,
    /// It is a new version of an article an earlier issue delivered (`updates = "deliver"`):
    /// the same story as that one by design, so never a copy of an earlier issue's story.
    pub update: bool,
}

/// What to do with a delivered article whose text later grows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Updates {
    /// Leave it: the reader has the story.
    #[default]
    Skip,
    /// Deliver it again, headed "Updated" with what changed.
    Deliver,
}

/// What [`merge`] decided.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Merge {
    /// The candidates kept, by index, in the order given.
    pub kept: Vec<usize>,
    /// `(copy, kept)`: a candidate that is a copy of a kept one.
    pub copies: Vec<(usize, usize)>,
    /// `(copy, earlier)`: a candidate that is a copy of an article an earlier issue holds.
    pub earlier: Vec<(usize, usize)>,
}

/// Decide which candidates are copies of one another or of `earlier` articles (see
/// [`Matcher`], which takes the earlier ones one at a time).
pub fn merge<'s>(
    candidates: &[Candidate<'s>],
    earlier: &[(&'s Signature, Origin<'s>)],
    prefer: Prefer,
) -> Merge {
    let mut m = Matcher::new(candidates);
    for (e, (sig, origin)) in earlier.iter().enumerate() {
        m.offer(e, sig, origin);
    }
    m.finish(prefer)
}

/// [`merge`] with the earlier articles offered one at a time, so that a ledger's thousands are
/// streamed past the day's few and never held together: memory grows with the day's articles,
/// not with the ledger. Candidates are taken in the order of preference (`prefer`; then more
/// words, then the order given), and each is a copy of the first earlier article offered, else
/// the first kept candidate, it is the same story as — never of a copy, so stories are not
/// chained together through a third text. An update is never a copy of an earlier story.
pub struct Matcher<'c, 's> {
    candidates: &'c [Candidate<'s>],
    index: Index,
    of_earlier: Vec<Option<usize>>,
}

impl<'c, 's> Matcher<'c, 's> {
    pub fn new(candidates: &'c [Candidate<'s>]) -> Self {
        let mut index = Index::default();
        for c in candidates {
            index.add(c.signature);
        }
        Matcher {
            candidates,
            index,
            of_earlier: vec![None; candidates.len()],
        }
    }

    /// Compare the earlier article `e` with the candidates; true when it is the story of one
    /// not matched before (keep it: [`Merge::earlier`] names it by `e`).
    pub fn offer(&mut self, e: usize, sig: &Signature, origin: &Origin) -> bool {
        let mut matched = false;
        for c in self.index.candidates(sig) {
            let cand = &self.candidates[c];
            if self.of_earlier[c].is_none()
                && !cand.update
                && cand.origin.may_be_one(origin)
                && Similarity::of(cand.signature, sig).verdict().is_same()
            {
                self.of_earlier[c] = Some(e);
                matched = true;
            }
        }
        matched
    }

    /// The decision, once every earlier article was offered.
    pub fn finish(self, prefer: Prefer) -> Merge {
        let candidates = self.candidates;
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        let fuller = |i: &usize| std::cmp::Reverse(candidates[*i].signature.words);
        match prefer {
            Prefer::Fullest => order.sort_by_key(|i| (fuller(i), candidates[*i].source_rank, *i)),
            Prefer::ConfigOrder => {
                order.sort_by_key(|i| (candidates[*i].source_rank, fuller(i), *i))
            }
        }
        let mut out = Merge::default();
        let mut kept = Index::default();
        let mut kept_ids: Vec<usize> = Vec::new();
        for i in order {
            let sig = candidates[i].signature;
            if let Some(e) = self.of_earlier[i] {
                out.earlier.push((i, e));
            } else if let Some(k) = kept.candidates(sig).into_iter().find(|&k| {
                let other = &candidates[kept_ids[k]];
                candidates[i].origin.may_be_one(&other.origin)
                    && Similarity::of(sig, other.signature).verdict().is_same()
            }) {
                out.copies.push((i, kept_ids[k]));
            } else {
                kept.add(sig);
                kept_ids.push(i);
            }
        }
        out.kept = kept_ids;
        out.kept.sort_unstable();
        out.copies.sort_unstable();
        out.earlier.sort_unstable();
        out
    }
}

/// Most pairings of changed paragraphs [`Change::between`] tries when looking for revised ones.
const MAX_PAIRINGS: usize = 250_000;

/// What changed between two versions of an article, paragraph by paragraph.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Change {
    /// Paragraphs of the new version that the old did not have, and their words.
    pub added: usize,
    pub added_words: usize,
    /// Paragraphs of the new version that are an old one revised (most words kept).
    pub revised: usize,
    /// Paragraphs of the old version the new one no longer has.
    pub removed: usize,
    /// Words in the new version.
    pub words: usize,
}

impl Change {
    /// Compare two HTML bodies by their paragraphs' words (case, spacing and markup aside). A
    /// new paragraph that shares most of its words with an old one is that paragraph revised.
    pub fn between(old_html: &str, new_html: &str) -> Change {
        use std::collections::HashSet;
        let old = blocks(old_html);
        let new = blocks(new_html);
        let old_set: HashSet<&str> = old.iter().map(String::as_str).collect();
        let new_set: HashSet<&str> = new.iter().map(String::as_str).collect();
        let words = |b: &str| -> HashSet<String> { b.split(' ').map(str::to_owned).collect() };
        let like = |a: &HashSet<String>, b: &HashSet<String>| {
            let shared = a.intersection(b).count();
            shared * 10 >= a.len().max(b.len()) * 6
        };
        // The paragraphs not there word for word, on either side.
        let fresh: Vec<&String> = new
            .iter()
            .filter(|b| !old_set.contains(b.as_str()))
            .collect();
        let gone: Vec<&String> = old
            .iter()
            .filter(|b| !new_set.contains(b.as_str()))
            .collect();
        // Pairing each with each is quadratic: past a bound (a hostile or enormous page), a
        // paragraph that is not there word for word is new (or gone), never revised.
        let pair = fresh.len() * gone.len() <= MAX_PAIRINGS;
        let fresh_words: Vec<HashSet<String>> = if pair {
            fresh.iter().map(|b| words(b)).collect()
        } else {
            Vec::new()
        };
        let gone_words: Vec<HashSet<String>> = if pair {
            gone.iter().map(|b| words(b)).collect()
        } else {
            Vec::new()
        };
        let mut c = Change {
            words: new.iter().map(|b| b.split(' ').count()).sum(),
            ..Change::default()
        };
        for (i, b) in fresh.iter().enumerate() {
            if pair && gone_words.iter().any(|o| like(o, &fresh_words[i])) {
                c.revised += 1;
            } else {
                c.added += 1;
                c.added_words += b.split(' ').count();
            }
        }
        c.removed = (0..gone.len())
            .filter(|&i| !(pair && fresh_words.iter().any(|n| like(&gone_words[i], n))))
            .count();
        c
    }

    /// Enough new text to be worth a reader's time again: at least 25 new words, and at least
    /// a tenth of the article (a corrected typo or a changed date line is not an update).
    pub fn is_substantial(&self) -> bool {
        self.added_words >= 25 && self.added_words * 10 >= self.words
    }

    /// "4 new paragraphs", "1 new paragraph, 2 revised, 1 removed".
    pub fn describe(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut s = plural(self.added, "new paragraph", "new paragraphs");
        if self.revised > 0 {
            s.push_str(&format!(", {} revised", self.revised));
        }
        if self.removed > 0 {
            s.push_str(&format!(", {} removed", self.removed));
        }
        s
    }
}

/// The text of each paragraph-like block of an HTML body, lowercased, its words joined by
/// single spaces; blocks of fewer than three words left out.
fn blocks(html: &str) -> Vec<String> {
    const BLOCKS: &[&str] = &[
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "div",
        "pre",
        "td",
        "th",
        "figcaption",
        "dd",
        "dt",
        "br",
        "tr",
        "section",
        "article",
    ];
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut flush = |cur: &mut String| {
        let words: Vec<String> = cur
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        if words.len() >= 3 {
            out.push(words.join(" "));
        }
        cur.clear();
    };
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        cur.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let name: String = rest[lt + 1..lt + gt]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if BLOCKS.contains(&name.as_str()) {
            flush(&mut cur);
        } else {
            cur.push(' ');
        }
        rest = &rest[lt + gt + 1..];
    }
    cur.push_str(rest);
    flush(&mut cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "PYONGYANG, North Korea -- North Korea on Tuesday apologized to Prime \
        Minister Junichiro Koizumi for kidnapping Japanese citizens, promised to extend a \
        moratorium on missile tests and, leaving the door open to talks with the United States, \
        said it would honor commitments on its nuclear program. The concessions, won by Koizumi \
        at a high-risk summit with North Korean leader Kim Jong Il, cleared the way for a \
        resumption of talks on normalizing ties between Tokyo and Pyongyang, soured for years \
        by bitter history and suspicion. It is regretful and I want to frankly apologize, a \
        Japanese government official quoted Kim as saying about the kidnappings, which took \
        place in the 1970s and 1980s. Adding to the rare act of contrition, Kim said he had \
        punished those involved. Koizumi, for his part, apologized for Japan's harsh 35-year \
        colonial rule of the Korean Peninsula that ended in 1945.";

    const OTHER: &str = "North Korea said on Wednesday that talks with Japan had failed after \
        Tokyo refused to discuss compensation, and the foreign ministry in Pyongyang warned \
        that the missile moratorium could end within weeks. Officials in Tokyo said the prime \
        minister would not travel again this year. Analysts in Seoul described the collapse \
        as expected, noting that both governments face elections and that neither could be \
        seen to yield on the question of the abducted citizens, whose families have \
        campaigned for decades. The United States said it was watching closely and urged \
        both sides to return to the table before the end of the month, when a regional \
        security meeting is due to take place in Bangkok.";

    #[test]
    fn a_trimmed_annotated_copy_is_the_same_story() {
        let original = Signature::of_text(STORY);
        // Another outlet: an editor's note on top, the lede's dateline gone, the last
        // sentences cut, a caption inserted.
        let cut = STORY.split("Adding to the rare act").next().unwrap();
        let copy = format!(
            "Editor's note: this story has been updated. {} Photo: Koizumi arrives in \
             Pyongyang. ",
            cut.trim_start_matches("PYONGYANG, North Korea -- ")
        );
        let copy = Signature::of_text(&copy);
        let sim = Similarity::of(&original, &copy);
        assert!(sim.containment > 0.8, "{sim:?}");
        assert_eq!(sim.verdict(), Verdict::Same, "{sim:?}");
    }

    #[test]
    fn another_story_on_the_same_subject_is_not() {
        let sim = Similarity::of(&Signature::of_text(STORY), &Signature::of_text(OTHER));
        assert!(sim.containment < 0.1, "{sim:?}");
        assert_eq!(sim.verdict(), Verdict::Different);
    }

    #[test]
    fn short_texts_are_never_merged() {
        let a = Signature::of_text("North Korea apologized to Japan on Tuesday.");
        assert_eq!(Similarity::of(&a, &a.clone()).verdict(), Verdict::TooShort);
    }

    #[test]
    fn a_brief_quoted_in_a_long_roundup_is_not_merged_into_it() {
        let roundup = format!("{STORY} {}", OTHER.repeat(6));
        let sim = Similarity::of(&Signature::of_text(STORY), &Signature::of_text(&roundup));
        assert!(sim.containment > 0.9);
        assert_eq!(sim.verdict(), Verdict::Contained);
    }

    #[test]
    fn html_is_read_as_its_text() {
        let html = format!(
            "<p>{}</p><script>var x = 'not text at all here';</script><p>Koizumi&#8217;s trip</p>",
            STORY.replace(". ", ".</p>\n<p class=\"x\">")
        );
        let plain = format!("{STORY} Koizumi s trip");
        assert_eq!(Signature::of_html(&html), Signature::of_text(&plain));
    }

    #[test]
    fn signatures_survive_the_ledger() {
        let s = Signature::of_text(STORY);
        assert!(s.len() >= MIN_SAMPLES);
        assert_eq!(Signature::from_bytes(&s.to_bytes()), Some(s));
        assert_eq!(Signature::from_bytes(&[1, 2, 3]), None);
        // Samples out of order are not a signature this module wrote.
        let mut bad = 5u32.to_le_bytes().to_vec();
        bad.extend(9u32.to_le_bytes());
        bad.extend(3u32.to_le_bytes());
        assert_eq!(Signature::from_bytes(&bad), None);
    }

    #[test]
    fn chinese_is_read_letter_by_letter() {
        let text = "宇航员在太空中喝酒会怎么样后果很严重因为在微重力环境下酒精会影响人的判断力和平衡感\
                    而且空间站的空气循环系统也会受到酒精挥发物的影响所以各国航天机构都禁止宇航员饮酒";
        let s = Signature::of_text(text);
        assert!(s.words() > 60, "{}", s.words());
        assert!(s.len() >= MIN_SAMPLES);
    }

    #[test]
    fn merge_keeps_the_fullest_copy_and_names_copies_of_earlier_issues() {
        let full = Signature::of_text(STORY);
        let cut = Signature::of_text(STORY.split("Adding to the rare act").next().unwrap());
        let other = Signature::of_text(OTHER);
        let c = |s, r| Candidate {
            signature: s,
            origin: Origin {
                source: ["Wire", "Gazette", "Courier"][r],
                title: "",
            },
            source_rank: r,
            update: false,
        };
        let got = merge(
            &[c(&cut, 0), c(&full, 1), c(&other, 2)],
            &[],
            Prefer::Fullest,
        );
        assert_eq!(got.kept, [1, 2]);
        assert_eq!(got.copies, [(0, 1)]);
        let got = merge(&[c(&cut, 0), c(&full, 1)], &[], Prefer::ConfigOrder);
        assert_eq!(got.kept, [0]);
        assert_eq!(got.copies, [(1, 0)]);
        // The story went out yesterday: today's copies are both copies of it.
        let yesterday = Origin {
            source: "Wire",
            title: "",
        };
        let got = merge(
            &[c(&cut, 0), c(&other, 1)],
            &[(&other, yesterday), (&full, yesterday)],
            Prefer::Fullest,
        );
        assert_eq!(got.kept, Vec::<usize>::new());
        assert_eq!(got.earlier, [(0, 1), (1, 0)]);
        // An update of yesterday's story is not a copy of it.
        let update = Candidate {
            signature: &full,
            origin: yesterday,
            source_rank: 0,
            update: true,
        };
        let got = merge(&[update], &[(&full, yesterday)], Prefer::Fullest);
        assert_eq!(got.kept, [0]);
    }

    #[test]
    fn an_update_is_counted_in_paragraphs() {
        let old: String = STORY.split(". ").map(|p| format!("<p>{p}.</p>")).collect();
        let new = format!(
            "<p>Update: officials in Tokyo confirmed on Wednesday that a second summit would follow in the spring, and that families of the abducted would be consulted first.</p>{old}<p>Later, the foreign ministry said a list of names had been handed over in Pyongyang.</p>"
        );
        let c = Change::between(&old, &new);
        assert_eq!((c.added, c.removed), (2, 0), "{c:?}");
        assert!(c.is_substantial());
        assert_eq!(c.describe(), "2 new paragraphs");
        // A corrected word is no update.
        let fixed = old.replace("regretful", "regrettable");
        let c = Change::between(&old, &fixed);
        assert_eq!((c.added, c.revised, c.removed), (0, 1, 0), "{c:?}");
        assert!(!c.is_substantial(), "{c:?}");
        assert_eq!(c.describe(), "0 new paragraphs, 1 revised");
        // A paragraph cut and another written: one new, one removed.
        let cut = new.replace("<p>Later, the foreign ministry said a list of names had been handed over in Pyongyang.</p>", "");
        let c = Change::between(
            &new,
            &format!(
                "{cut}<p>Tokyo and Seoul will coordinate their response before the next round of regional security meetings.</p>"
            ),
        );
        assert_eq!((c.added, c.revised, c.removed), (1, 0, 1), "{c:?}");
        // Past the bound of pairings, a changed paragraph counts as new and its old one as
        // gone: no paragraph is paired with every other.
        let many = |tag: &str| -> String {
            (0..600)
                .map(|i| format!("<p>{tag} paragraph number {i} of the enormous page</p>"))
                .collect()
        };
        let c = Change::between(&many("old"), &many("new"));
        assert_eq!((c.added, c.revised, c.removed), (600, 0, 600), "{c:?}");
    }

    #[test]
    fn one_sources_items_with_the_same_text_are_one_story_only_under_like_titles() {
        let blurb = Signature::of_text(STORY);
        let item = |title| Candidate {
            signature: &blurb,
            origin: Origin {
                source: "The Harbour Podcast",
                title,
            },
            source_rank: 0,
            update: false,
        };
        // A podcast's episodes, each with the show's blurb: three stories.
        let got = merge(
            &[
                item("Episode 12: the ferries"),
                item("Episode 13: the bridge"),
                item("Bonus: listeners write in"),
            ],
            &[],
            Prefer::Fullest,
        );
        assert_eq!(got.kept, [0, 1, 2]);
        // The same article at a second address of the site: one.
        let got = merge(
            &[
                item("Ferries to sail again on Thursday"),
                item("Ferries to sail again Thursday, union says"),
            ],
            &[],
            Prefer::Fullest,
        );
        assert_eq!(got.kept, [0]);
        assert!(titles_alike(
            "North Korea apologizes",
            "N. Korea apologizes to Japan"
        ));
        assert!(!titles_alike(
            "Episode 12: the ferries",
            "Episode 13: the bridge"
        ));
        let sim = Similarity::of(&blurb, &blurb);
        let (a, b) = (item("Episode 12").origin, item("Bonus: mailbag").origin);
        assert_eq!(sim.verdict_for(&a, &b), Verdict::OtherTitle);
    }

    #[test]
    fn the_index_finds_a_copy_among_many() {
        let mut index = Index::default();
        for n in 0..500 {
            index.add(&Signature::of_text(&format!(
                "{OTHER} Dispatch number {n} adds that talks may resume in spring {n}."
            )));
        }
        let at = index.add(&Signature::of_text(STORY));
        let copy = Signature::of_text(STORY.split("Adding to the rare act").next().unwrap());
        assert_eq!(index.candidates(&copy), [at]);
    }
}

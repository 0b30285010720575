//! One story once, inside the build: the selected articles that are copies of one another's
//! story are one article (the fullest copy, or the one from the source listed first), which
//! names where else it ran; those that are copies of a story an earlier issue took are left out.
//! [`crate::dedupe`] decides; the ledger records the copies — those of earlier issues at once
//! (final), those of this issue with its reservation (freed if the issue never exists).

use std::collections::HashMap;

use crate::config::Config;
use crate::dedupe::{self, Candidate, Signature};
use crate::model::Article;
use crate::report::Duplicate;
use crate::store::{IssuedStory, Store, StoreError};

/// Where an article's source is in the config's list: by the address it was collected from,
/// else by its name; anything else comes after every listed source.
pub fn source_rank(config: &Config, source_url: Option<&str>, source: &str) -> usize {
    config
        .sources
        .iter()
        .position(|s| source_url.is_some() && s.url.as_deref() == source_url)
        .or_else(|| {
            config
                .sources
                .iter()
                .position(|s| s.name.as_deref() == Some(source))
        })
        .unwrap_or(usize::MAX)
}

/// What [`merge`] left out, and why.
#[derive(Debug, Default)]
pub struct Stories {
    /// Copies of a story this issue holds: `(copy, kept)` by id.
    pub copies: Vec<(String, String)>,
    /// Copies of a story an earlier issue took: `(copy, earlier)` by id.
    pub earlier: Vec<(String, String)>,
    /// Each copy left out, for the report.
    pub left_out: Vec<Duplicate>,
}

/// Merge the copies among `selected` that the ledger holds (each with its signature in
/// `signatures`; its source's rank in `ranks`) and, with `issued` (the ledger), leave out
/// those of stories its built and delivered issues hold. The
/// kept copy's `story.also_in` names the other copies' sources. Files named on the command line
/// (no stored signature) are the user's own choice: never compared, always kept.
pub fn merge(
    selected: &mut Vec<Article>,
    signatures: &HashMap<String, Signature>,
    ranks: &HashMap<String, usize>,
    issued: Option<&Store>,
    prefer: dedupe::Prefer,
) -> Result<Stories, StoreError> {
    // Candidates by their place in `selected`.
    let at: Vec<usize> = (0..selected.len())
        .filter(|&i| signatures.contains_key(&selected[i].id))
        .collect();
    let candidates: Vec<Candidate> = at
        .iter()
        .map(|&i| Candidate {
            signature: &signatures[&selected[i].id],
            origin: dedupe::Origin {
                source: &selected[i].source,
                title: &selected[i].title,
            },
            source_rank: ranks.get(&selected[i].id).copied().unwrap_or(usize::MAX),
            update: selected[i].story.updated.is_some(),
        })
        .collect();
    let mut matcher = dedupe::Matcher::new(&candidates);
    // Only the earlier stories some candidate copies are kept.
    let mut stories: Vec<IssuedStory> = Vec::new();
    if let Some(store) = issued.filter(|_| !candidates.is_empty()) {
        store.each_issued_story(&mut |story| {
            let origin = dedupe::Origin {
                source: &story.source,
                title: &story.title,
            };
            if matcher.offer(stories.len(), &story.signature, &origin) {
                stories.push(story);
            }
        })?;
    }
    let m = matcher.finish(prefer);
    drop(candidates);
    let mut out = Stories::default();
    let mut gone: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let mut also: HashMap<usize, Vec<String>> = HashMap::new();
    for &(c, k) in &m.copies {
        let (c, k) = (at[c], at[k]);
        let (copy, kept) = (&selected[c], &selected[k]);
        out.copies.push((copy.id.clone(), kept.id.clone()));
        out.left_out
            .push(note(copy, &kept.title, &kept.source, &kept.id, false));
        let names = also.entry(k).or_default();
        if copy.source != kept.source && !names.contains(&copy.source) {
            names.push(copy.source.clone());
        }
        gone.insert(c);
    }
    for &(c, e) in &m.earlier {
        let c = at[c];
        let (copy, story) = (&selected[c], &stories[e]);
        out.earlier.push((copy.id.clone(), story.id.clone()));
        out.left_out
            .push(note(copy, &story.title, &story.source, &story.id, true));
        gone.insert(c);
    }
    let mut i = 0;
    selected.retain_mut(|a| {
        if let Some(names) = also.remove(&i) {
            a.story.also_in = names;
        }
        let keep = !gone.contains(&i);
        i += 1;
        keep
    });
    Ok(out)
}

fn note(copy: &Article, of: &str, of_source: &str, of_id: &str, earlier: bool) -> Duplicate {
    Duplicate {
        title: copy.title.clone(),
        source: copy.source.clone(),
        url: copy.url.clone(),
        of: of.to_owned(),
        of_source: of_source.to_owned(),
        earlier,
        id: copy.id.clone(),
        of_id: of_id.to_owned(),
    }
}

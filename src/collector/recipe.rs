//! Recipes and how-tos. A recipe's text is its ingredients and its steps, set in lists and
//! tables with few sentences, and Readability, which scores paragraphs, often settles beside
//! it: on the blurb above it, the site's service box, or the steps without the ingredients.
//! The page says what its recipe is — in JSON-LD (`recipeIngredient`, `recipeInstructions`, a
//! how-to's `step`) or in microdata (`itemprop=recipeIngredient`, `ingredients`,
//! `recipeInstructions`, `step`) — and the smallest block of the page holding its steps and
//! most of its ingredients is the recipe, for the caller to weigh against Readability's choice.

use dom_query::{Document, NodeId, NodeRef};
use serde_json::Value;

use crate::words::Collapsed;

/// A step shorter than this (characters) is not looked for: too likely to be found elsewhere.
const MIN_STEP: usize = 20;
/// How much of a step's start (characters) is looked for.
const PROBE: usize = 40;
/// The share of the ingredients' words the block holds, at least.
const INGREDIENTS_HELD: f64 = 0.6;
/// The block may hold this many times the recipe's own text, at most: more is the page.
const MOST_AROUND: usize = 3;
/// The most steps, ingredients and marked elements read of a page: a recipe has dozens, and a
/// hostile page's hundred thousand would cost a scan of the page each.
const MOST_SAID: usize = 64;
/// How far above the steps the ingredients are looked for.
const CLIMB: usize = 8;

/// A recipe or how-to found on a page.
pub(crate) struct Recipe {
    /// The blocks that hold it, in order (one, or a run of siblings).
    parts: Vec<NodeId>,
    /// Their text, collapsed.
    pub(crate) text: String,
}

/// What a page says its recipe is: the texts of its steps and of its ingredients, and the
/// elements that microdata marks as either.
#[derive(Default)]
struct Said {
    steps: Vec<String>,
    ingredients: Vec<String>,
    marked: Vec<NodeId>,
}

/// Whether the page's source may carry a recipe or a how-to (most pages are not read further).
pub(crate) fn may_have(text: &str) -> bool {
    // One SIMD scan a word: a set of them in one automaton had no rare byte to skip by in
    // HTML and cost a sixth of the extractor's time.
    static WORDS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 2]> =
        std::sync::LazyLock::new(|| {
            // `recipeIn` is `recipeIngredient` and `recipeInstructions`, in JSON-LD and in
            // microdata.
            ["recipeIn", "HowToStep"].map(memchr::memmem::Finder::new)
        });
    WORDS.iter().any(|w| w.find(text.as_bytes()).is_some())
}

impl Recipe {
    /// The recipe on `doc` (its JSON-LD texts are `ld`), if the page says it has one and its
    /// block is found.
    pub(crate) fn find(doc: &Document, ld: &[String]) -> Option<Recipe> {
        let mut said = Said::default();
        for t in ld.iter().filter(|t| may_have(t)) {
            if let Ok(v) = serde_json::from_str::<Value>(t) {
                said.read_ld(&v, 0);
            }
        }
        said.read_microdata(doc);
        said.steps.truncate(MOST_SAID);
        said.ingredients.truncate(MOST_SAID);
        said.marked.truncate(MOST_SAID);
        let (flat, starts) = flat_text(doc);
        let mut anchors = said.marked.clone();
        let mut looked = 0;
        for step in &said.steps {
            let step = crate::words::collapse(&plain(step));
            if step.chars().count() < MIN_STEP {
                continue;
            }
            let probe = match step.char_indices().nth(PROBE) {
                Some((i, _)) => &step[..i],
                None => step.as_str(),
            };
            looked += 1;
            if let Some(at) = flat.find(probe) {
                let i = starts.partition_point(|(s, _)| *s <= at).saturating_sub(1);
                if let Some((_, id)) = starts.get(i) {
                    anchors.push(*id);
                }
            }
        }
        // One step found of several may be a line quoted elsewhere.
        let found = anchors.len() - said.marked.len();
        if said.marked.is_empty() && (found == 0 || found < looked.min(2)) {
            return None;
        }
        let steps = common_ancestor(doc, &anchors)?;
        let words: Vec<String> = said
            .ingredients
            .iter()
            .filter_map(|i| longest_word(&plain(i)))
            .collect();
        // The steps name the ingredients too: what a block holds of them is counted in its
        // text without the steps'.
        let said_steps: Vec<String> = said
            .steps
            .iter()
            .map(|s| squash(&plain(s)))
            .filter(|s| s.len() >= MIN_STEP)
            .collect();
        let held = |n: &NodeRef| {
            let mut have = squash(&n.text());
            for s in &said_steps {
                have = have.replacen(s.as_str(), " ", 1);
            }
            words.iter().filter(|w| have.contains(w.as_str())).count()
        };
        let enough = |n: &NodeRef| held(n) as f64 >= words.len() as f64 * INGREDIENTS_HELD;
        let mut parts = vec![steps];
        if !words.is_empty() && !enough(&steps) {
            // Climb to the block holding the ingredients too; of its children, the recipe is
            // the run from the one holding the steps to the one holding most ingredients (a
            // grid's other boxes, the comments, are beside it).
            let mut from = steps;
            for _ in 0..CLIMB {
                let Some(up) = from.parent().filter(|u| u.is_element() && !is_page(u)) else {
                    break;
                };
                if enough(&up) {
                    let children = up.element_children();
                    let at = |id: NodeId| children.iter().position(|c| c.id == id);
                    let most = children
                        .iter()
                        .enumerate()
                        .max_by_key(|(i, c)| (held(c), std::cmp::Reverse(*i)))
                        .map(|(i, _)| i);
                    if let (Some(a), Some(b)) = (at(from.id), most) {
                        parts = children[a.min(b)..=a.max(b)].to_vec();
                    }
                    break;
                }
                from = up;
            }
        }
        if parts.iter().any(is_page) {
            return None;
        }
        let text = crate::words::collapse(
            &parts
                .iter()
                .map(|p| p.text().to_string())
                .collect::<Vec<_>>()
                .join(" "),
        );
        let own: usize = said
            .steps
            .iter()
            .chain(&said.ingredients)
            .map(|s| s.len())
            .sum::<usize>()
            .max(
                said.marked
                    .iter()
                    .filter_map(|id| doc.tree.get(id))
                    .map(|n| crate::words::collapse(&n.text()).len())
                    .sum(),
            );
        if text.len() > own * MOST_AROUND + 2000 {
            return None;
        }
        Some(Recipe {
            parts: parts.iter().map(|p| p.id).collect(),
            text,
        })
    }

    /// The recipe's markup, from `doc`: the same page parsed the same way as the one this was
    /// found on (node ids follow the parse).
    pub(crate) fn html(&self, doc: &Document) -> Option<String> {
        let html: Vec<String> = self
            .parts
            .iter()
            .filter_map(|id| doc.tree.get(id))
            .map(|n| n.html().to_string())
            .collect();
        (!html.is_empty()).then(|| html.join("\n"))
    }
}

impl Said {
    /// Steps and ingredients from a JSON-LD value: the objects that have them, anywhere in it
    /// (a `@graph`, a list).
    fn read_ld(&mut self, v: &Value, depth: usize) {
        if depth > 6 {
            return;
        }
        match v {
            Value::Array(items) => items.iter().for_each(|i| self.read_ld(i, depth + 1)),
            Value::Object(map) => {
                let mut found = false;
                if let Some(Value::Array(items)) = map.get("recipeIngredient") {
                    found = true;
                    self.ingredients
                        .extend(items.iter().filter_map(|i| i.as_str()).map(str::to_owned));
                }
                for key in ["recipeInstructions", "step"] {
                    if let Some(steps) = map.get(key) {
                        found = true;
                        self.read_steps(steps, 0);
                    }
                }
                if !found {
                    map.values().for_each(|i| self.read_ld(i, depth + 1));
                }
            }
            _ => {}
        }
    }

    /// Steps: a text (one a line), a list, a `HowToStep`'s `text`, a `HowToSection`'s
    /// `itemListElement`.
    fn read_steps(&mut self, v: &Value, depth: usize) {
        if depth > 4 {
            return;
        }
        match v {
            Value::String(s) => self.steps.extend(
                s.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned),
            ),
            Value::Array(items) => items.iter().for_each(|i| self.read_steps(i, depth + 1)),
            Value::Object(map) => {
                if let Some(t) = map.get("text") {
                    self.read_steps(t, depth + 1);
                } else if let Some(items) = map.get("itemListElement") {
                    self.read_steps(items, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// Elements marked in microdata as a step or an ingredient.
    fn read_microdata(&mut self, doc: &Document) {
        for n in doc.root().descendants_it() {
            let Some(prop) = n.attr("itemprop") else {
                continue;
            };
            if prop.split_ascii_whitespace().any(|p| {
                matches!(
                    p,
                    "recipeIngredient" | "ingredients" | "recipeInstructions" | "step"
                )
            }) {
                if prop.contains("ngredient") {
                    self.ingredients.push(n.text().to_string());
                }
                self.marked.push(n.id);
                if self.marked.len() >= MOST_SAID {
                    break;
                }
            }
        }
    }
}

/// A text from JSON-LD without the markup some sites leave in it.
fn plain(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('<') || s.contains('&') {
        Document::fragment(s).root().text().to_string().into()
    } else {
        s.into()
    }
}

/// The page's text, collapsed as one, outside scripts and styles; and where each text node's
/// text starts in it, with the element holding that node.
fn flat_text(doc: &Document) -> (String, Vec<(usize, NodeId)>) {
    let mut c = Collapsed::default();
    let mut starts = Vec::new();
    for n in doc.root().descendants_it() {
        if !n.is_text() {
            continue;
        }
        let Some(parent) = n.parent() else { continue };
        if matches!(
            parent.node_name().as_deref(),
            Some("script" | "style" | "noscript" | "template" | "title")
        ) {
            continue;
        }
        starts.push((c.text.len(), parent.id));
        c.add(&n.text());
    }
    (c.text, starts)
}

/// The nearest element holding every one of `ids`.
fn common_ancestor<'a>(doc: &'a Document, ids: &[NodeId]) -> Option<NodeRef<'a>> {
    let first = doc.tree.get(ids.first()?)?;
    // The first node's line of descent, itself first.
    let line: Vec<NodeRef> = std::iter::once(first)
        .chain(first.ancestors_it(None))
        .collect();
    let mut deepest = 0;
    for id in &ids[1..] {
        let n = doc.tree.get(id)?;
        let met = std::iter::once(n)
            .chain(n.ancestors_it(None))
            .find_map(|a| line.iter().position(|l| l.id == a.id))?;
        deepest = deepest.max(met);
    }
    let mut at = *line.get(deepest)?;
    while !at.is_element() {
        at = at.parent()?;
    }
    Some(at)
}

/// The `<body>` or `<html>` element, or above: the page, not a block of it.
fn is_page(n: &NodeRef) -> bool {
    !n.is_element() || matches!(n.node_name().as_deref(), Some("body" | "html"))
}

/// Lower-case letters only.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// An ingredient's longest word (letters only, four or more), in lower case: what the page
/// prints of it whatever the amounts' spelling.
fn longest_word(s: &str) -> Option<String> {
    s.split(|c: char| !c.is_alphabetic())
        .max_by_key(|w| w.chars().count())
        .filter(|w| w.chars().count() >= 4)
        .map(squash)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: [&str; 3] = [
        "Cream the butter with the sugar until it is pale and light.",
        "Fold in the flour, then the eggs, one at a time, gently.",
        "Bake at 180 degrees for forty minutes, until golden on top.",
    ];
    const INGREDIENTS: [&str; 4] = ["200 g butter", "150 g sugar", "250 g flour", "3 eggs"];

    /// A recipe page laid out as a grid: the ingredients' table, the nutrition box and the
    /// steps are siblings, the comments after them; the site's service box above.
    fn grid_page(ld: &str) -> String {
        let rows: String = INGREDIENTS
            .iter()
            .map(|i| {
                let (amount, name) = i.rsplit_once(' ').unwrap();
                format!("<tr><td>{amount}</td><td>{name}</td></tr>")
            })
            .collect();
        let steps = STEPS.join("<br>\n<br>\n");
        format!(
            r#"<html><head><script type="application/ld+json">{ld}</script></head><body>
            <div class=service><p>Our service team answers your questions about our products, recipes and ingredients, from Monday to Friday, and we look forward to your call.</p></div>
            <div class=grid>
              <article class=ingredients><h2>Ingredients</h2><table>{rows}</table></article>
              <article class=nutrition><p>Energy 450 kcal</p></article>
              <article class=steps><h2>Method</h2><div>{steps}</div></article>
              <article class=comments><p>I made this cake with less sugar and it was lovely, everyone in the family liked it.</p></article>
            </div></body></html>"#
        )
    }

    fn recipe_ld() -> String {
        serde_json::json!({"@context": "https://schema.org", "@type": "Recipe",
            "recipeIngredient": INGREDIENTS,
            "recipeInstructions": STEPS.join("\n\n")})
        .to_string()
    }

    fn found(page: &str) -> Option<(Recipe, Document)> {
        let doc = Document::from(page);
        let ld: Vec<String> = doc
            .select("script[type='application/ld+json']")
            .nodes()
            .iter()
            .map(|n| n.text().to_string())
            .collect();
        Recipe::find(&doc, &ld).map(|r| (r, doc))
    }

    #[test]
    fn json_ld_steps_and_ingredients_find_their_run_of_boxes_without_the_comments() {
        let page = grid_page(&recipe_ld());
        assert!(may_have(&page));
        let (r, doc) = found(&page).expect("the recipe is found");
        for t in STEPS.iter().chain(&["butter", "flour", "Energy 450 kcal"]) {
            assert!(r.text.contains(t), "{t} in {}", r.text);
        }
        assert!(!r.text.contains("less sugar"), "{}", r.text);
        assert!(!r.text.contains("service team"), "{}", r.text);
        let html = r.html(&doc).unwrap();
        assert!(
            html.starts_with("<article class=\"ingredients\">"),
            "{html}"
        );
        assert!(!html.contains("comments"), "{html}");
    }

    #[test]
    fn microdata_marks_the_recipe() {
        let page = format!(
            r#"<html><body><div class=box><p>Call us.</p></div><div itemscope itemtype="https://schema.org/Recipe">
            <h1>Cake</h1><ul><li itemprop="ingredients">200 g butter</li><li itemprop="ingredients">150 g sugar</li></ul>
            <div itemprop="recipeInstructions"><p>{}</p><p>{}</p></div></div><footer>About us</footer></body></html>"#,
            STEPS[0], STEPS[1]
        );
        assert!(may_have(&page));
        let (r, _) = found(&page).expect("the recipe is found");
        assert!(
            r.text.contains("200 g butter") && r.text.contains(STEPS[1]),
            "{}",
            r.text
        );
        assert!(
            !r.text.contains("Call us") && !r.text.contains("About us"),
            "{}",
            r.text
        );
    }

    #[test]
    fn steps_not_on_the_page_or_spread_over_all_of_it_are_no_block() {
        // The steps only in the JSON-LD (a script draws them): nothing to point at.
        let ld = recipe_ld();
        let page = format!(
            r#"<html><head><script type="application/ld+json">{ld}</script></head><body><div id=app></div></body></html>"#
        );
        assert!(found(&page).is_none());
        // One step of three found (a line quoted in a teaser): not the recipe.
        let page = format!(
            r#"<html><head><script type="application/ld+json">{ld}</script></head><body><main><p>{}</p></main></body></html>"#,
            STEPS[0]
        );
        assert!(found(&page).is_none());
        // The steps at the top and the bottom of a long page: the block would be the page.
        let filler = "<p>Other news of the day, told at length for the reader.</p>".repeat(200);
        let page = format!(
            r#"<html><head><script type="application/ld+json">{ld}</script></head><body><div><p>{}</p><p>{}</p></div>{filler}<div><p>{}</p><ul><li>200 g butter</li><li>150 g sugar</li><li>250 g flour</li><li>3 eggs</li></ul></div></body></html>"#,
            STEPS[0], STEPS[1], STEPS[2]
        );
        assert!(found(&page).is_none());
    }

    #[test]
    fn a_hostile_recipe_of_a_hundred_thousand_steps_is_read_in_bounded_time() {
        let steps: Vec<String> = (0..100_000)
            .map(|i| format!("Stir the pot for the {i}th time."))
            .collect();
        let ld = serde_json::json!({"@type": "Recipe", "recipeIngredient": steps,
            "recipeInstructions": steps});
        let deep = "<div>".repeat(300);
        let body: String = steps
            .iter()
            .take(2000)
            .map(|s| format!("<p>{s}</p>"))
            .collect();
        let page = format!(
            r#"<html><head><script type="application/ld+json">{ld}</script></head><body>{deep}{body}</body></html>"#
        );
        let started = std::time::Instant::now();
        let _ = found(&page);
        // Unbounded, this is a scan of the page per step per level: hours.
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn an_ingredient_is_known_by_its_longest_word() {
        assert_eq!(
            longest_word("2 Dose/n Mandarine(n), je ca. 300 g").as_deref(),
            Some("mandarine")
        );
        assert_eq!(longest_word("3 egg"), None);
        assert_eq!(squash("Mandarine(n), je"), "mandarinenje");
    }
}

use std::time::Instant;
use hyphenation::{Hyphenator, Load};
const DE: &[&str] = &["Donaudampfschifffahrtsgesellschaft","Bundesverfassungsgericht","Geschwindigkeitsbegrenzung","Rechtsschutzversicherungsgesellschaften","Arbeitslosenversicherung","Kraftfahrzeughaftpflichtversicherung","Weihnachtsmarktbesucher","Wissenschaftsministerium"];
const EN: &[&str] = &["internationalization","characteristically","telecommunications","responsibilities","misunderstanding","infrastructure","representatives","administration"];
const FR: &[&str] = &["anticonstitutionnellement","développement","gouvernementales","communications","responsabilités","internationalement"];
fn main() {
    let t = Instant::now();
    let de = hyphenation::Standard::from_embedded(hyphenation::Language::German1996).unwrap();
    let en = hyphenation::Standard::from_embedded(hyphenation::Language::EnglishUS).unwrap();
    let fr = hyphenation::Standard::from_embedded(hyphenation::Language::French).unwrap();
    println!("hyphenation: load 3 dictionaries {:?}", t.elapsed());
    let reps = 2000;
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..reps { for (d, ws) in [(&de, DE), (&en, EN), (&fr, FR)] { for w in ws { n += d.hyphenate(w).breaks.len(); } } }
    let per = t.elapsed().as_secs_f64() / (reps * (DE.len()+EN.len()+FR.len())) as f64 * 1e9;
    println!("hyphenation: {per:.0} ns/word ({n})");
    for (d, ws) in [(&de, DE), (&en, EN), (&fr, FR)] { for w in ws.iter().take(3) { let h = d.hyphenate(w); let s: Vec<_> = h.into_iter().segments().collect(); println!("  {}", s.join("-")); } }
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..reps { for (l, ws) in [(hypher::Lang::German, DE), (hypher::Lang::English, EN), (hypher::Lang::French, FR)] { for w in ws { n += hypher::hyphenate(w, l).count(); } } }
    let per = t.elapsed().as_secs_f64() / (reps * (DE.len()+EN.len()+FR.len())) as f64 * 1e9;
    println!("hypher: {per:.0} ns/word ({n})");
    for (l, ws) in [(hypher::Lang::German, DE), (hypher::Lang::English, EN), (hypher::Lang::French, FR)] { for w in ws.iter().take(3) { let s: Vec<_> = hypher::hyphenate(w, l).collect(); println!("  {}", s.join("-")); } }
}

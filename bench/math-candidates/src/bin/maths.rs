use std::time::Instant;
const F: &[&str] = &[
 r"x^2", r"E = mc^2", r"a_i + b_{ij}", r"\frac{a}{b}", r"\sqrt{x^2 + y^2}", r"\sqrt[3]{x}",
 r"\alpha + \beta = \gamma", r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}", r"\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}",
 r"\lim_{x \to 0} \frac{\sin x}{x} = 1", r"\left( \frac{a}{b} \right)^2", r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
 r"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}", r"\mathbb{R}^n", r"\mathbf{v} \cdot \mathbf{w}", r"\vec{F} = m\vec{a}",
 r"\hat{\theta}", r"\overline{z}", r"\text{if } x > 0", r"f(x) = \begin{cases} 1 & x \ge 0 \\ 0 & x < 0 \end{cases}",
 r"\binom{n}{k}", r"\prod_{p} \frac{1}{1-p^{-s}}", r"\nabla \times \mathbf{E} = -\frac{\partial \mathbf{B}}{\partial t}",
 r"a \leq b \neq c \approx d", r"\forall x \in A, \exists y", r"\operatorname{argmax}_x f(x)", r"x \mapsto x^2",
 r"\log_2 n", r"\cos^2\theta + \sin^2\theta = 1", r"\{ x \mid x > 0 \}", r"|x|", r"\|v\|", r"1, 2, \ldots, n",
 r"\cdots", r"\infty", r"\mathcal{O}(n \log n)", r"\langle u, v \rangle", r"\underbrace{a+b}_{c}", r"\tilde{x}",
 r"\begin{aligned} a &= b + c \\ d &= e \end{aligned}", r"\frac{\partial^2 u}{\partial t^2} = c^2 \nabla^2 u",
 r"\mathrm{d}x", r"\pm", r"\dfrac{1}{2}", r"\tfrac12", r"e^{i\pi} + 1 = 0", r"\sqrt{\frac{1}{2}}", r"\overrightarrow{AB}",
 r"P(A \mid B) = \frac{P(B \mid A) P(A)}{P(B)}", r"\color{red} x", r"\boxed{x}", r"\not\equiv", r"\quad x \qquad y",
 r"\big( x \big)", r"\xrightarrow{f}", r"\stackrel{?}{=}", r"\lfloor x \rfloor", r"\textbf{bold}", r"x'' + x' = 0",
];
fn wf(s: &str) -> bool { roxmltree::Document::parse(s).is_ok() }
fn main() {
  let reps = 200;
  let mut out = std::collections::BTreeMap::new();
  // latex2mathml
  { let (mut ok, mut good) = (0,0); let mut html = String::new(); let t = Instant::now();
    for _ in 0..reps { for f in F { let _ = latex2mathml::latex_to_mathml(f, latex2mathml::DisplayStyle::Inline); } }
    let el = t.elapsed().as_secs_f64()/(reps*F.len()) as f64*1e6;
    for f in F { if let Ok(m) = latex2mathml::latex_to_mathml(f, latex2mathml::DisplayStyle::Inline) { ok+=1; if wf(&m) && !m.contains("PiecewiseFunction") { good+=1; html.push_str(&format!("<p>{m}</p>\n")); } else { eprintln!("l2m bad {f}: {m}"); } } else { eprintln!("l2m err {f}"); } }
    println!("latex2mathml: ok {ok}/{} wellformed {good} {el:.1} us/formula", F.len()); out.insert("latex2mathml", html); }
  // pulldown-latex
  { let (mut ok, mut good) = (0,0); let mut html = String::new();
    let conv = |f: &str| { let storage = pulldown_latex::Storage::new(); let p = pulldown_latex::Parser::new(f, &storage); let mut s = String::new();
       let mut err = false; let evs: Vec<_> = p.collect(); for e in &evs { if e.is_err() { err = true; } }
       let cfg = pulldown_latex::RenderConfig { annotation: Some(f), xml: true, ..Default::default() };
       pulldown_latex::push_mathml(&mut s, evs.into_iter(), cfg).unwrap(); (s, err) };
    let t = Instant::now(); for _ in 0..reps { for f in F { let _ = conv(f); } }
    let el = t.elapsed().as_secs_f64()/(reps*F.len()) as f64*1e6;
    for f in F { let (m, err) = conv(f); if !err { ok+=1; if wf(&m) { good+=1; html.push_str(&format!("<p>{m}</p>\n")); } else { eprintln!("pdl bad {f}: {m}"); } } else { eprintln!("pdl err {f}"); } }
    println!("pulldown-latex: ok {ok}/{} wellformed {good} {el:.1} us/formula", F.len()); out.insert("pulldown-latex", html); }
  // math-core
  { let (mut ok, mut good) = (0,0); let mut html = String::new();
    let conv = math_core::LatexToMathML::new(math_core::MathCoreConfig { xml_namespace: true, annotation: true, ..Default::default() }).unwrap();
    let t = Instant::now(); for _ in 0..reps { for f in F { let _ = conv.convert_with_local_state(f, math_core::MathDisplay::Inline); } }
    let el = t.elapsed().as_secs_f64()/(reps*F.len()) as f64*1e6;
    for f in F { match conv.convert_with_local_state(f, math_core::MathDisplay::Inline) { Ok(m) => { ok+=1; if wf(&m.mathml) { good+=1; html.push_str(&format!("<p>{}</p>\n", m.mathml)); } else { eprintln!("mc bad {f}"); } } Err(e) => eprintln!("mc err {f}: {e:?}") } }
    println!("math-core: ok {ok}/{} wellformed {good} {el:.1} us/formula", F.len()); out.insert("math-core", html); }
  for (k, v) in out { std::fs::write(format!("/tmp/math-candidates-{k}.html"), v).unwrap(); }
}

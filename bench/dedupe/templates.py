#!/usr/bin/env python3
"""The same article in another outlet's template, read end to end (issue 38).

For each of the 40 Mozilla pages in ../shared/corpus/articles/: outlet A is the page as the site
served it; outlet B is Readability's article of it (expected.html) with its last third of
paragraphs cut, an editor's note and a caption added, inside another site's template (its own
navigation, a list of related links, a footer). Both are read by `inkquire extract` as `build`
reads a saved page, and their texts paired: A and B of each page are the same story (40 pairs);
two pages' A texts are different stories (780 pairs). Writes TEXTS.json and LABELS.json for the
dedupe-eval example.

    bench/dedupe/templates.py INKQUIRE CORPUS_ARTICLES OUT_DIR
"""
import json, os, re, subprocess, sys, html
binp, corpus, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
texts={}; labels=[]
names=sorted(os.listdir(corpus))
def extract(path, url):
    o=subprocess.run([binp,'extract',path,'--format','json','--url',url,'--force'],capture_output=True,text=True)
    try: return json.loads(o.stdout)['text']
    except Exception: return None
for n in names:
    src=open(f'{corpus}/{n}/source.html',encoding='utf-8').read()
    exp=open(f'{corpus}/{n}/expected.html',encoding='utf-8').read()
    # Outlet B: Readability's article, its last third of paragraphs cut, an editor's note and a
    # caption added, inside another site's template with its own nav, related links and footer.
    paras=re.findall(r'<p\b[^>]*>.*?</p>',exp,flags=re.S)
    keep=paras[:max(1,int(len(paras)*0.7))]
    if len(keep)>2: keep.insert(2,'<p><em>Photo: a file picture. (Agency)</em></p>')
    body='<p><em>Editor\'s note: this story first ran elsewhere.</em></p>'+''.join(keep)
    title=re.search(r'<title>(.*?)</title>',src,flags=re.S|re.I)
    title=html.unescape(title.group(1)).strip() if title else n
    page=f'''<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | The Other Outlet</title></head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a> <a href="/sub">Subscribe</a></nav></header>
<main><article><h1>{html.escape(title)}</h1>{body}</article>
<aside><h2>Related</h2><ul><li><a href="/a">Markets slide as rates rise</a></li><li><a href="/b">Storm warning for the coast</a></li><li><a href="/c">Council votes on budget</a></li></ul></aside></main>
<footer>Copyright The Other Outlet. All rights reserved. <a href="/privacy">Privacy</a></footer></body></html>'''
    open(f'{out}/{n}-b.html','w').write(page)
    a=extract(f'{corpus}/{n}/source.html',f'https://outlet-a.example/{n}')
    b=extract(f'{out}/{n}-b.html',f'https://outlet-b.example/{n}')
    texts[f'a:{n}']=a; texts[f'b:{n}']=b
    labels.append({'a':f'a:{n}','b':f'b:{n}','same':True,'kind':'template'})
for i,n in enumerate(names):
    for m in names[i+1:]:
        labels.append({'a':f'a:{n}','b':f'a:{m}','same':False,'kind':'other-article'})
json.dump(texts,open(f'{out}/texts.json','w'))
json.dump({'labels':labels},open(f'{out}/labels.json','w'))
print(f"{len(labels)} pairs; {sum(1 for v in texts.values() if v is None)} texts not read", file=sys.stderr)

#!/usr/bin/env python3
"""Check of every Atom feed under the given folders (the built sites): each
is parsed by `feedparser` (PyPI), as feed readers would, and must give no
"bozo" (malformed) flag; then the requirements of RFC 4287 that lenient
readers let through are checked on the XML itself: one id, title and
updated per feed and per entry, an author for every entry (its own or the
feed's), absolute ids and links, RFC 3339 times, a `self` link naming the
file's own address. Last, every `<link rel="alternate"
type="application/atom+xml">` of every page must lead to a feed that exists.
"""
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import feedparser

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def absolute(iri):
    u = urlparse(iri)
    return u.scheme in ("http", "https") and bool(u.netloc)


def check_feed(path, rel):
    problems = []
    parsed = feedparser.parse(path.read_bytes())
    if parsed.bozo:
        problems.append(f"feedparser: {parsed.bozo_exception}")
    if parsed.version != "atom10":
        problems.append(f"not Atom 1.0 for feedparser ({parsed.version!r})")
    root = ET.parse(path).getroot()
    if root.tag != A + "feed":
        return [f"root element is {root.tag}"]

    def one(el, name, where):
        found = el.findall(A + name)
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} <{name}> (RFC 4287 wants exactly one)")
            return None
        return found[0]

    for el, where in [(root, "feed")] + [(e, f"entry {i + 1}") for i, e in enumerate(root.findall(A + "entry"))]:
        ident = one(el, "id", where)
        if ident is not None and not absolute(ident.text or ""):
            problems.append(f"{where}: id {ident.text!r} is not an absolute IRI")
        title = one(el, "title", where)
        if title is not None and not (title.text or "").strip():
            problems.append(f"{where}: empty title")
        one(el, "updated", where)
        for name in ("updated", "published"):
            for t in el.findall(A + name):
                if not RFC3339.match(t.text or ""):
                    problems.append(f"{where}: <{name}> {t.text!r} is not an RFC 3339 time")
        for link in el.findall(A + "link"):
            if not absolute(link.get("href", "")):
                problems.append(f"{where}: link {link.get('href')!r} is not absolute")
        if where != "feed" and not el.findall(A + "author") and not root.findall(A + "author"):
            problems.append(f"{where}: no author, and the feed has none")
    selfs = [l.get("href", "") for l in root.findall(A + "link") if l.get("rel") == "self"]
    if len(selfs) != 1 or not urlparse(selfs[0]).path.endswith("/" + rel):
        problems.append(f"self link {selfs} does not name this file ({rel})")
    return problems


class FeedLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "alternate" and a.get("type") == "application/atom+xml":
            self.hrefs.append(a.get("href", ""))


def main(folders):
    failed = feeds = pages = 0
    for folder in map(Path, folders):
        for site in sorted(p for p in folder.iterdir() if p.is_dir()):
            for path in sorted(site.rglob("*.xml")):
                if path.name == "sitemap.xml":
                    continue
                feeds += 1
                for p in check_feed(path, path.relative_to(site).as_posix()):
                    print(f"{path}: {p}")
                    failed += 1
            for path in sorted(site.rglob("*.html")):
                parser = FeedLinks()
                parser.feed(path.read_text(encoding="utf-8"))
                for href in parser.hrefs:
                    pages += 1
                    parts = urlparse(href).path.strip("/").split("/")
                    # The site may live under a sub-path of its host.
                    if not any((site / "/".join(parts[i:])).is_file() for i in range(len(parts))):
                        print(f"{path}: announces the feed {href}, which is not in the site")
                        failed += 1
    print(f"atom: {feeds} feeds, {pages} feed links in pages, {failed} problem(s)")
    if feeds == 0:
        print("atom: no feed found: the check checked nothing")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["out"]))

"""Finds user-typed names that a page prints without isolating them from the text around them.

A name is isolated when its text node is exactly the name and its element is a <bdi> or carries
a dir attribute (HTML makes both a bidi isolate). <title> and <option> can hold no element,
and attributes are not text: those are not checked.
"""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
UNCHECKED = {"title", "option", "script", "style"}


class TextNodes(HTMLParser):
    """Every text node of the body with the element that holds it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.nodes: list[tuple[str, str, dict]] = []  # (text, tag, attrs)

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack and any(open_tag == tag for open_tag, _attrs in self.stack):
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not data.strip() or not self.stack:
            return
        if any(tag in UNCHECKED for tag, _attrs in self.stack):
            return
        tag, attrs = self.stack[-1]
        self.nodes.append((data, tag, attrs))


def bare_names(html: str, names) -> list[str]:
    """The text nodes where one of `names` is printed without isolation."""
    parser = TextNodes()
    parser.feed(html)
    parser.close()
    bare = []
    for text, tag, attrs in parser.nodes:
        for name in names:
            if name not in text:
                continue
            isolating = tag == "bdi" or (tag not in ("html", "body") and "dir" in attrs)
            if not (isolating and text.strip() == name):
                bare.append(f"{name!r} in <{tag}>{text.strip()[:80]}")
    return bare

"""A small HTML reader for the tests: visible text, links, inputs and labels of a page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Page:
    text: str = ""
    links: list[str] = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # for= → label text
    tags: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._text: list[str] = []
        self._skip = 0
        self._label_for: str | None = None
        self._label_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.page.tags.append(tag)
        self.page.attributes += list(attrs)
        if tag in self.SKIP:
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.page.links.append(attrs["href"])
        if tag == "input":
            self.page.inputs.append(attrs)
        if tag == "label":
            self._label_for, self._label_text = attrs.get("for"), []
        self._text.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip -= 1
        if tag == "label" and self._label_for:
            self.page.labels[self._label_for] = " ".join("".join(self._label_text).split())
            self._label_for = None
        self._text.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self._text.append(data)
            if self._label_for is not None:
                self._label_text.append(data)


def read(html: str | bytes) -> Page:
    reader = _Reader()
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    reader.page.text = re.sub(r"\s+", " ", "".join(reader._text)).strip()
    return reader.page

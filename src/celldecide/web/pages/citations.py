"""Render a knowledge page's Markdown with numbered source markers and accessible tables.

A deeper page links its sources inline, by their public URL. Each such link gets a footnote marker after it that
points to the source's entry on /sources/ (where its verified-on date is shown), numbered in order of first
citation, the way the hub numbers its footnotes. Tables written in Markdown get header scopes, row headers and a
scrollable, keyboard-reachable wrapper so they stay readable on a phone.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Mapping

import markdown as md
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from celldecide.web.pages.footnotes import Footnotes


class _SourceMarks(Treeprocessor):
    """Append a footnote marker to every link whose URL is one of the page's sources."""

    def __init__(self, md_instance: md.Markdown, url_to_source: Mapping[str, str], notes: Footnotes):
        super().__init__(md_instance)
        self.url_to_source = url_to_source
        self.notes = notes

    def run(self, root: etree.Element) -> None:
        # Collect first, in document order, so numbering follows reading order and insertion cannot disturb it.
        found = [
            (parent, child)
            for parent in root.iter()
            for child in parent
            if child.tag == "a" and child.get("href") in self.url_to_source
        ]
        for parent, link in found:
            source_id = self.url_to_source[link.get("href")]
            [(n, _)] = self.notes.cite([source_id])
            sup = etree.Element("sup", {"class": "fn"})
            mark = etree.SubElement(sup, "a", {"href": f"/sources/#src-{source_id}", "aria-label": f"Source {n}"})
            mark.text = str(n)
            sup.tail, link.tail = link.tail, None
            parent.insert(list(parent).index(link) + 1, sup)


class _AccessibleTables(Treeprocessor):
    """Give Markdown tables column and row headers and wrap each in a focusable scroll region."""

    def run(self, root: etree.Element) -> None:
        tables = [(parent, child) for parent in root.iter() for child in parent if child.tag == "table"]
        for number, (parent, table) in enumerate(tables, start=1):
            siblings = list(parent)
            headings = [e for e in siblings[: siblings.index(table)] if e.tag in ("h2", "h3", "h4")]
            label = f"Table: {''.join(headings[-1].itertext())}" if headings else f"Table {number}"
            for th in table.iterfind("./thead/tr/th"):
                if "".join(th.itertext()).strip():
                    th.set("scope", "col")
                else:
                    th.tag = "td"  # an empty corner cell heads nothing
            for row in table.iterfind("./tbody/tr"):
                first = row.find("td")
                if first is not None and len(row) > 1 and row[0] is first:
                    first.tag = "th"
                    first.set("scope", "row")
            wrapper = etree.Element(
                "div", {"class": "table-wrap", "role": "region", "tabindex": "0", "aria-label": label}
            )
            wrapper.tail, table.tail = table.tail, None
            parent.insert(list(parent).index(table), wrapper)
            parent.remove(table)
            wrapper.append(table)


class _PageExtension(Extension):
    def __init__(self, url_to_source: Mapping[str, str], notes: Footnotes):
        super().__init__()
        self.url_to_source = url_to_source
        self.notes = notes

    def extendMarkdown(self, md_instance: md.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md_instance.treeprocessors.register(_SourceMarks(md_instance, self.url_to_source, self.notes), "source_marks", 5)
        md_instance.treeprocessors.register(_AccessibleTables(md_instance), "accessible_tables", 4)


def render_cited(body: str, *, sources: Mapping[str, str], notes: Footnotes) -> SafeString:
    """Return `body` as HTML with a marker after each link to a source; `sources` maps URL to source id.

    >>> notes = Footnotes()
    >>> str(render_cited("See [the label](https://x.org/a).", sources={"https://x.org/a": "lbl"}, notes=notes))
    '<p>See <a href="https://x.org/a">the label</a><sup class="fn"><a aria-label="Source 1" href="/sources/#src-lbl">1</a></sup>.</p>'
    >>> notes.order
    ['lbl']
    """
    html = md.markdown(
        body, extensions=["extra", "sane_lists", _PageExtension(sources, notes)], output_format="html"
    )
    return mark_safe(html)

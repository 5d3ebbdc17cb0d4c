"""Step `normalize`: HTML to visible text, Unicode NFC, tidy whitespace, and a same-length matching view.

Every offset in a reading refers to the `text` this step returns. The `view` is the same string lower-cased
with one apostrophe and one dash, so that "Parkinson’s" and "parkinson's" match the same phrase while the
spans still index `text`.
"""

from __future__ import annotations

import re
import unicodedata

from selectolax.lexbor import LexborHTMLParser

from celldecide.reader.document import Document
from celldecide.reader.errors import EmptyTextError
from celldecide.reader.pipeline import step

# Elements whose content is never visible text (or is navigation chrome around it).
DROPPED_TAGS = ("script", "style", "nav", "header", "footer", "noscript", "template", "iframe", "svg", "head",
                "object", "embed", "button", "select", "form", "aside")
# Elements that start a new line of text.
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article blockquote pre dd dt dl hr main figure "
    "figcaption caption td th title address".split()
)
_LOOKS_LIKE_HTML = re.compile(
    r"<(?:!doctype|html|head|body|p|div|br|span|a|script|style|ul|ol|li|h[1-6]|table|section|article|img|meta|"
    r"b|i|em|strong|iframe|noscript|nav|footer|header|template|svg|form)\b[^>]{0,2000}>",
    re.IGNORECASE,
)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Only what needs changing: runs of spaces, or a tab or other space that is not " ".
_SPACES = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_AROUND_NEWLINE = re.compile(r" ?\n ?")
_MANY_NEWLINES = re.compile(r"\n{3,}")
# One apostrophe, one double quote and one dash in the matching view (each a single character).
_VIEW = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("´", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"),
         ("‐", "-"), ("‑", "-"), ("‒", "-"), ("−", "-"), ("\u00a0", " "))


def looks_like_html(raw: str) -> bool:
    """Return True when the input contains HTML tags (a page, not plain text that mentions '<')."""
    return _LOOKS_LIKE_HTML.search(raw, 0, 20_000) is not None or _LOOKS_LIKE_HTML.search(raw) is not None


def html_to_text(raw: str) -> str:
    """Return the visible text of an HTML page: no scripts, styles, navigation, headers, footers.

    Event-handler attributes (onclick=…) are attributes, not text, so they never reach the result.

    >>> html_to_text("<nav>Home</nav><p onclick='x()'>Stem <b>cells</b></p><script>evil()</script><p>Two</p>")
    '\\nStem cells\\nTwo'
    """
    tree = LexborHTMLParser(raw)
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return ""
    tree.strip_tags(list(DROPPED_TAGS))
    parts: list[str] = []
    # `traverse` walks the tree without recursion, so deeply nested pages cannot exhaust the stack.
    for node in root.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            parts.append(node.text_content or "")
        elif tag in _BLOCK_TAGS:
            parts.append("\n")
    return "".join(parts)


def tidy(text: str) -> str:
    """Return NFC text with invisible characters removed, spaces collapsed and at most one blank line.

    >>> tidy("  Stem\\u00a0cells\\r\\n\\r\\n\\r\\n  cure   all ")
    'Stem cells\\n\\ncure all'
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _AROUND_NEWLINE.sub("\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def unified_punctuation(text: str) -> str:
    """Return `text` with one apostrophe, one double quote and one dash (same length, same case)."""
    # A chain of `str.replace` is far faster than `str.translate` with a mapping on long texts.
    for old, new in _VIEW:
        if old in text:
            text = text.replace(old, new)
    return text


def matching_view(text: str) -> str:
    """Return `text` lower-cased with unified punctuation, keeping every character at its offset."""
    unified = unified_punctuation(text)
    view = unified.lower()
    if len(view) == len(text):
        return view
    # A few characters lower-case to two ("İ"); keep those as they are so offsets stay aligned.
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in unified)


@step("normalize", needs=("raw",), adds=("text", "view", "was_html"))
def normalize(doc: Document) -> Document:
    """Turn the raw input into the normalized text every offset refers to; refuse input with no visible text."""
    doc.was_html = looks_like_html(doc.raw)
    doc.text = tidy(html_to_text(doc.raw) if doc.was_html else doc.raw)
    if not doc.text:
        raise EmptyTextError()
    doc.view = matching_view(doc.text)
    return doc

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
_RUN_OF_SPACES = re.compile("  +")  # starts with a literal, so the search skips ahead fast
_MANY_NEWLINES = re.compile(r"\n{3,}")
# One apostrophe, one double quote and one dash in the matching view (each a single character).
_VIEW = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("´", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"),
         ("‐", "-"), ("‑", "-"), ("‒", "-"), ("−", "-"), ("\u00a0", " "))


# The HTML tree builder checks the stack of open elements for many start and end tags, so thousands of
# nested elements cost time quadratic in their depth. Browsers cap the depth of the tree they build
# (Blink at 512); so does the reader, and only when a page has enough tags to reach such a depth.
MAX_DEPTH = 512
_MANY_TAGS = 4_096
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*+)[^<>]*+>")
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Elements that close themselves (a new <li> ends the open one) or sit at fixed places: they never nest deep.
_OPTIONAL_END_TAGS = frozenset("p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rtc rp "
                               "html head body".split())
# How far up the stack an end tag looks for its start tag: deeper mismatches are markup errors.
_CLOSE_REACH = 64


def limit_nesting(raw: str, max_depth: int = MAX_DEPTH, *, min_tags: int = _MANY_TAGS) -> str:
    """Return `raw` without the start tags nested deeper than `max_depth` (their text stays).

    Pages with at most `min_tags` tags cannot nest deep enough to matter and are returned as they are,
    without reading them; so are pages whose elements never nest deeper than `max_depth`.

    >>> limit_nesting("<div>" * 3 + "x" + "</div>" * 3, max_depth=2, min_tags=0)
    '<div><div>x</div></div></div>'
    """
    if raw.count("<") <= min_tags:
        return raw
    stack: list[str] = []
    dropped: list[tuple[int, int]] = []
    for tag in _TAG.finditer(raw):
        name = tag.group(2).lower()
        if name in _VOID_TAGS or name in _OPTIONAL_END_TAGS:
            continue
        if not tag.group(1):
            if len(stack) >= max_depth:
                dropped.append(tag.span())
            else:
                stack.append(name)
            continue
        for depth in range(len(stack) - 1, max(-1, len(stack) - 1 - _CLOSE_REACH), -1):
            if stack[depth] == name:
                del stack[depth:]
                break
    if not dropped:
        return raw
    parts: list[str] = []
    at = 0
    for start, end in dropped:
        parts.append(raw[at:start])
        at = end
    parts.append(raw[at:])
    return "".join(parts)


def looks_like_html(raw: str) -> bool:
    """Return True when the input contains HTML tags (a page, not plain text that mentions '<')."""
    return _LOOKS_LIKE_HTML.search(raw, 0, 20_000) is not None or _LOOKS_LIKE_HTML.search(raw) is not None


def html_to_text(raw: str) -> str:
    """Return the visible text of an HTML page: no scripts, styles, navigation, headers, footers.

    Event-handler attributes (onclick=…) are attributes, not text, so they never reach the result.

    >>> html_to_text("<nav>Home</nav><p onclick='x()'>Stem <b>cells</b></p><script>evil()</script><p>Two</p>")
    '\\nStem cells\\nTwo'
    """
    tree = LexborHTMLParser(limit_nesting(raw))
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
    # Most texts hold no invisible character and no space but " " and "\n" (all of those are unprintable):
    # one check then skips two passes, and each pass below runs only when what it changes is there.
    if not text.replace("\n", " ").isprintable():
        text = _INVISIBLE.sub("", text)
        text = _SPACES.sub(" ", text)
    elif "  " in text:
        text = _RUN_OF_SPACES.sub(" ", text)  # the same as `_SPACES` when " " is the only space
    if " \n" in text or "\n " in text:
        # Spaces are single now: this drops every space next to a line break, as `re.sub(" ?\n ?", "\n")` would.
        text = text.replace(" \n", "\n").replace("\n ", "\n")
    if "\n\n\n" in text:
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

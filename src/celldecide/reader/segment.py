"""Step `segment`: tokens and sentences from spaCy's blank English pipeline.

The tokens are made from the text with unified punctuation (same length, same case), so token offsets are
offsets into `Document.text`. The sentencizer splits at full stops; a blank line always ends a sentence
too, and so does a single line break when the next line looks like a new one (headlines, list items and
table rows rarely end with a full stop). Wrapped prose ("approved\\nthe product") stays one sentence.
"""

from __future__ import annotations

from celldecide.reader.compiled import nlp
from celldecide.reader.document import Document
from celldecide.reader.normalize import unified_punctuation
from celldecide.reader.pipeline import step

_ENDS_SENTENCE = frozenset(".!?:;|")


def line_breaks(text: str) -> list[int]:
    """Return the offsets where a line break starts a new sentence.

    >>> line_breaks("Title\\nBody text goes\\non here.\\n\\nNext")
    [6, 31]
    """
    breaks: list[int] = []
    at = text.find("\n")
    while at != -1:
        after = at + 1
        if after < len(text):
            blank = text[after] == "\n"
            before = text[at - 1] if at else "."
            if blank or before in _ENDS_SENTENCE or not text[after].islower():
                stop = after
                while stop < len(text) and text[stop] == "\n":
                    stop += 1
                breaks.append(stop)
                at = text.find("\n", stop)
                continue
        at = text.find("\n", after)
    return breaks


def split_at(spans: list[tuple[int, int]], breaks: list[int], text: str) -> list[tuple[int, int]]:
    """Split sentence spans at the given offsets, dropping pieces that hold only whitespace."""
    out: list[tuple[int, int]] = []
    index = 0
    for start, end in spans:
        while index < len(breaks) and breaks[index] <= start:
            index += 1
        cut = start
        while index < len(breaks) and breaks[index] < end:
            out.append((cut, breaks[index]))
            cut = breaks[index]
            index += 1
        out.append((cut, end))
    return [(s, e) for s, e in out if text[s:e].strip()]


@step("segment", needs=("text",), adds=("tokens", "sentences"))
def segment(doc: Document) -> Document:
    """Tokenize the text and split it into sentences (character spans)."""
    doc.tokens = nlp()(unified_punctuation(doc.text))
    spans = [(s.start_char, s.end_char) for s in doc.tokens.sents]
    doc.sentences = split_at(spans, line_breaks(doc.text), doc.text) or [(0, len(doc.text))]
    return doc

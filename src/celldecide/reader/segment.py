"""Step `segment`: tokens and sentences from spaCy's blank English pipeline.

The tokens are made from the text with unified punctuation (same length, same case), so token offsets are
offsets into `Document.text`. Sentences follow the rule of spaCy's sentencizer (a sentence starts at the
first word after `.`, `!`, `?` and the like), applied to the token table at once rather than token by
token; a blank line always ends a sentence too, and so does a single line break when the next line looks
like a new one (headlines, list items and table rows rarely end with a full stop). Wrapped prose
("approved\\nthe product") stays one sentence.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from spacy.attrs import IDX, LIKE_NUM, ORTH, SPACY
from spacy.tokens import Doc

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


@lru_cache(maxsize=1)
def _sentence_marks() -> np.ndarray:
    """Return the sorted string ids of the characters after which spaCy's sentencizer starts a sentence."""
    pipeline = nlp()
    strings = pipeline.vocab.strings
    return np.array(sorted(strings.add(ch) for ch in pipeline.get_pipe("sentencizer").punct_chars), dtype=np.uint64)


def sentence_spans(tokens: Doc) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Return the sentencizer's sentences as character spans, and the token table they were read from.

    The sentencizer starts a sentence at the first word (a token that is neither punctuation nor a
    sentence mark such as "." or "?") after a sentence mark; the first token always starts one. Marks
    are found in the table of string ids at once, then only the few tokens after each mark are looked
    at. The table has one row per token: start offset, end offset, string id, looks-like-a-number (a
    token ends where the next one starts, less the one space it may be followed by).

    >>> sentence_spans(nlp().make_doc("It works. Does it?! (Yes) no"))[0]
    [(0, 9), (10, 21), (21, 28)]
    """
    table = tokens.to_array([IDX, SPACY, ORTH, LIKE_NUM])
    count = len(table)
    if not count:
        return [], table
    last = tokens[count - 1]
    table[:-1, 1] = table[1:, 0] - table[:-1, 1]
    table[-1, 1] = last.idx + len(last)
    marks = _sentence_marks()
    orth = table[:, 2]
    found = np.searchsorted(marks, orth)
    found[found == len(marks)] = 0
    is_mark = marks[found] == orth
    starts = [0]
    scanned = 0
    for mark in np.flatnonzero(is_mark).tolist():
        if mark < scanned:
            continue  # a run of marks and punctuation already read: it ends at the same word
        word = mark + 1
        while word < count and (is_mark[word] or tokens[word].is_punct):
            word += 1
        scanned = word
        if word < count:
            starts.append(word)
    begins = table[starts, 0].tolist()
    ends = table[[s - 1 for s in starts[1:]] + [count - 1], 1].tolist()
    return list(zip(begins, ends)), table


@step("segment", needs=("text",), adds=("tokens", "token_starts", "token_ends", "number_tokens", "sentences"))
def segment(doc: Document) -> Document:
    """Tokenize the text and split it into sentences (character spans)."""
    doc.tokens = nlp().make_doc(unified_punctuation(doc.text))
    spans, table = sentence_spans(doc.tokens)
    doc.token_starts = table[:, 0].tolist()
    doc.token_ends = table[:, 1].tolist()
    doc.number_tokens = np.flatnonzero(table[:, 3]).tolist()
    doc.sentences = split_at(spans, line_breaks(doc.text), doc.text) or [(0, len(doc.text))]
    return doc

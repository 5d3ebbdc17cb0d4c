"""Typed errors for input the reader refuses: empty, too long, or bytes that are not text."""

from __future__ import annotations

MAX_CHARS = 200_000


class ReaderInputError(ValueError):
    """Raise for input the reader cannot read; `code` is a stable identifier for APIs and the CLI."""

    code = "bad_input"


class EmptyTextError(ReaderInputError):
    """Raise when the input has no visible text."""

    code = "empty_text"

    def __init__(self) -> None:
        super().__init__("the text is empty: paste a claim, a headline, a press release or a trial record")


class TextTooLongError(ReaderInputError):
    """Raise when the input is longer than `MAX_CHARS` characters."""

    code = "text_too_long"

    def __init__(self, length: int) -> None:
        self.length = length
        super().__init__(
            f"the text has {length:,} characters; the reader accepts at most {MAX_CHARS:,} characters"
        )


class UndecodableInputError(ReaderInputError):
    """Raise when bytes are not valid UTF-8 text."""

    code = "undecodable_input"

    def __init__(self, position: int) -> None:
        self.position = position
        super().__init__(f"the input is not UTF-8 text (undecodable byte at position {position})")

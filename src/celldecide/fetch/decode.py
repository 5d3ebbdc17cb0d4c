"""Turn a fetched body into text: check its type, undo its compression within the size cap, find its charset.

Charset precedence follows the HTML Standard: a byte-order mark, then the `charset` of the Content-Type header,
then a `<meta>` declaration near the top of an HTML page, then UTF-8 if the bytes are valid UTF-8 and
windows-1252 otherwise. Decoding never raises: undecodable bytes become U+FFFD.

>>> decode_text(b"caf\\xe9", mime="text/plain", header_charset="iso-8859-1")
('café', 'windows-1252')
"""

from __future__ import annotations

import codecs
import re
import zlib

from celldecide.fetch.errors import TooLarge, UnsupportedContentType, UnsupportedEncoding

READABLE_TYPES = frozenset({"text/html", "text/plain"})
META_PRESCAN_BYTES = 4096

_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:\-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

# Labels the Encoding Standard maps elsewhere than Python does: browsers read "latin-1" and "ascii" pages as
# windows-1252, and refuse UTF-7 outright.
_LABEL_OVERRIDES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "cp819": "cp1252",
    "ibm819": "cp1252",
    "x-user-defined": "cp1252",
}
_REFUSED_CODECS = frozenset({"utf_7", "utf-7"})
_DISPLAY_NAMES = {"cp1252": "windows-1252", "utf_8": "utf-8", "utf-8": "utf-8"}


def parse_content_type(header: str | None) -> tuple[str, str | None]:
    """Return the media type (lowercase, no parameters) and the charset parameter of a Content-Type header.

    >>> parse_content_type('text/HTML; Charset="Shift_JIS"')
    ('text/html', 'Shift_JIS')
    """
    if not header:
        return "", None
    mime, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return mime.strip().lower(), charset


def check_readable(mime: str) -> None:
    """Refuse a media type other than HTML or plain text."""
    if mime not in READABLE_TYPES:
        raise UnsupportedContentType(f"the site sent {mime or 'no content type'}")


def codec_for(label: str | None) -> str | None:
    """Return Python's codec name for a charset label, or None when the label is unknown or refused.

    >>> codec_for("UTF8"), codec_for("latin1"), codec_for("utf-7"), codec_for("klingon")
    ('utf-8', 'cp1252', None, None)
    """
    if not label:
        return None
    label = label.strip().lower()
    label = _LABEL_OVERRIDES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return None if name in _REFUSED_CODECS else name


def sniff_meta_charset(head: bytes) -> str | None:
    """Return the codec declared by a `<meta charset>` or `<meta http-equiv>` tag near the top of a page.

    A page cannot declare itself UTF-16 in a meta tag it was able to write in ASCII, so that reads as UTF-8.

    >>> sniff_meta_charset(b'<html><head><meta charset="windows-1251">')
    'cp1251'
    """
    match = _META_CHARSET.search(head[:META_PRESCAN_BYTES])
    if match is None:
        return None
    codec = codec_for(match.group(1).decode("ascii"))
    if codec is not None and codec.startswith(("utf_16", "utf-16", "utf_32", "utf-32")):
        return "utf-8"
    return codec


def choose_codec(body: bytes, *, mime: str, header_charset: str | None) -> tuple[str, int]:
    """Return the codec to decode a body with and how many leading bytes (a byte-order mark) to skip."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec, len(bom)
    declared = codec_for(header_charset)
    if declared is None and mime == "text/html":
        declared = sniff_meta_charset(body)
    if declared is not None:
        return declared, 0
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252", 0
    return "utf-8", 0


def decode_text(body: bytes, *, mime: str, header_charset: str | None) -> tuple[str, str]:
    """Decode a body to text, replacing undecodable bytes; return the text and the charset used.

    >>> decode_text(b"\\xef\\xbb\\xbfhi \\xff", mime="text/plain", header_charset=None)
    ('hi \\ufffd', 'utf-8')
    """
    codec, skip = choose_codec(body, mime=mime, header_charset=header_charset)
    text = body[skip:].decode(codec, errors="replace")
    name = codecs.lookup(codec).name
    return text, _DISPLAY_NAMES.get(name, name)


def _inflate(body: bytes, *, wbits: int, max_bytes: int) -> bytes:
    """Decompress with zlib, never producing more than max_bytes + 1 bytes, however the body was built."""
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error as error:
        raise UnsupportedEncoding("the compressed body is damaged") from error
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise TooLarge(f"the page unpacks to more than {max_bytes} bytes")
    return out


def decode_content_encoding(body: bytes, *, encoding: str | None, max_bytes: int) -> bytes:
    """Undo gzip or deflate compression within the size cap; refuse any other Content-Encoding.

    CellDecide asks for uncompressed pages, but some servers compress anyway; a small compressed body can
    unpack to gigabytes, so the cap applies to the unpacked size too.

    >>> import gzip
    >>> decode_content_encoding(gzip.compress(b"hello"), encoding="gzip", max_bytes=100)
    b'hello'
    """
    coding = (encoding or "").strip().lower()
    if coding in ("", "identity"):
        return body
    if coding in ("gzip", "x-gzip"):
        return _inflate(body, wbits=16 + zlib.MAX_WBITS, max_bytes=max_bytes)
    if coding == "deflate":
        # Servers disagree on whether "deflate" carries a zlib header, so accept both.
        try:
            return _inflate(body, wbits=zlib.MAX_WBITS, max_bytes=max_bytes)
        except UnsupportedEncoding:
            return _inflate(body, wbits=-zlib.MAX_WBITS, max_bytes=max_bytes)
    raise UnsupportedEncoding(f"the site compressed the page with {coding!r}")


def check_content_encoding(encoding: str | None) -> None:
    """Refuse, before reading the body, a Content-Encoding that `decode_content_encoding` cannot undo."""
    coding = (encoding or "").strip().lower()
    if coding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise UnsupportedEncoding(f"the site compressed the page with {coding!r}")

"""Parse a user-supplied web address the way a browser does, so what is checked is what is fetched.

The host is read with the WHATWG URL Standard's rules: percent-decoded, mapped through IDNA (UTS #46, so
full-width digits become ASCII digits), and, when its last label looks like a number, parsed as an IPv4
address in any spelling libc's `inet_aton` also accepts (decimal `2130706433`, octal `0177.0.0.1`,
hex `0x7f.1`, short `127.1`, mixed, with a trailing dot). A host that ends in a number but is not a valid
IPv4 address is refused rather than handed to a resolver that might read it differently.

>>> target = parse_url("HTTP://0x7f.1:8080/a?b=1#frag")
>>> target.host, target.port, target.target, target.literal
('127.0.0.1', 8080, '/a?b=1', IPv4Address('127.0.0.1'))
>>> parse_url("https://Bücher.example/").host
'xn--bcher-kva.example'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address
from urllib.parse import unquote_to_bytes

import idna

from celldecide.fetch.errors import BadUrl, CredentialsNotAllowed, SchemeNotAllowed

ALLOWED_SCHEMES = {"http": 80, "https": 443}
MAX_URL_LENGTH = 8192

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))
_ASCII_HOST = re.compile(r"[a-z0-9_\-.]+")
_NUMERIC_LABEL = re.compile(r"[0-9]+|0[xX][0-9A-Fa-f]*")


@dataclass(frozen=True, slots=True)
class ParsedUrl:
    """A web address reduced to what a fetch needs: scheme, canonical host, port and request target."""

    scheme: str
    host: str
    port: int
    target: str
    literal: IPv4Address | IPv6Address | None = None
    zone: str | None = None

    @property
    def host_for_url(self) -> str:
        """Return the host as it is written inside a URL (IPv6 in brackets)."""
        return f"[{self.host}]" if isinstance(self.literal, IPv6Address) else self.host

    @property
    def netloc(self) -> str:
        """Return host and, when it is not the scheme's default, port: the value of the Host header."""
        if self.port == ALLOWED_SCHEMES[self.scheme]:
            return self.host_for_url
        return f"{self.host_for_url}:{self.port}"

    @property
    def url(self) -> str:
        """Return the canonical URL."""
        return f"{self.scheme}://{self.netloc}{self.target}"


def _clean(raw: str) -> str:
    """Trim surrounding control characters and spaces and drop tabs and newlines, as browsers do."""
    return raw.strip(_C0_OR_SPACE).replace("\t", "").replace("\n", "").replace("\r", "")


def has_scheme(text: str) -> bool:
    """Return True when a reference starts with a scheme (`https:`, `file:`), so it is absolute.

    >>> has_scheme("file:///etc/passwd"), has_scheme("//host/path"), has_scheme("/path")
    (True, False, False)
    """
    return _SCHEME.match(text) is not None


def _parse_ipv4_part(part: str) -> int:
    """Read one IPv4 part in decimal, octal (leading 0) or hex (leading 0x); raise BadUrl when invalid."""
    try:
        if part[:2] in ("0x", "0X"):
            return int(part[2:], 16) if part[2:] else 0
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        if part.isdigit():
            return int(part, 10)
    except ValueError:
        pass
    raise BadUrl(f"{part!r} is not a number in an IPv4 address")


def parse_ipv4(host: str) -> IPv4Address:
    """Parse an IPv4 host in every spelling the URL Standard (and `inet_aton`) accepts.

    >>> [str(parse_ipv4(h)) for h in ("2130706433", "0177.0.0.1", "0x7f.1", "127.1", "127.0.0.1.")]
    ['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1']
    """
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4 or any(part == "" for part in parts):
        raise BadUrl(f"{host!r} is not a valid IPv4 address")
    numbers = [_parse_ipv4_part(part) for part in parts]
    if any(number > 255 for number in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise BadUrl(f"{host!r} has a part out of range for an IPv4 address")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return IPv4Address(value)


def ends_in_a_number(host: str) -> bool:
    """Return True when the URL Standard treats a host as IPv4: its last label is decimal or 0x-hex.

    >>> ends_in_a_number("0x7f.1"), ends_in_a_number("example.com"), ends_in_a_number("1.2.3.4.")
    (True, False, True)
    """
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()
    return bool(_NUMERIC_LABEL.fullmatch(labels[-1]))


def _parse_ipv6(text: str) -> tuple[IPv6Address, str | None]:
    """Parse the inside of `[...]`, splitting off a zone id written `%25eth0` or `%eth0`."""
    address_text, _, zone = text.partition("%")
    if zone.startswith("25"):
        zone = zone[2:]
    try:
        address = IPv6Address(address_text)
    except ValueError as error:
        raise BadUrl(f"[{text}] is not a valid IPv6 address") from error
    return address, zone or None


def _domain_to_ascii(host: str) -> str:
    """Percent-decode a host and map it to lowercase ASCII with IDNA, as the URL Standard does."""
    try:
        decoded = unquote_to_bytes(host).decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadUrl("the host is not valid text") from error
    if not decoded.isascii():
        try:
            decoded = idna.encode(decoded, uts46=True, transitional=False).decode("ascii")
        except idna.IDNAError as error:
            raise BadUrl(f"{decoded!r} is not a valid international domain name") from error
    decoded = decoded.lower()
    if not _ASCII_HOST.fullmatch(decoded):
        raise BadUrl(f"{decoded!r} contains characters a host name cannot have")
    return decoded


def _check_name(host: str) -> str:
    """Return a domain name without its trailing dot; refuse empty or overlong labels."""
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if len(name) > 253 or any(not 0 < len(label) <= 63 for label in labels):
        raise BadUrl(f"{host!r} is not a valid host name")
    return name


def _split_authority(authority: str) -> tuple[str, str]:
    """Split `host:port` or `[v6]:port` into host text and port text."""
    if authority.startswith("["):
        end = authority.find("]")
        if end == -1:
            raise BadUrl("an IPv6 address is missing its closing bracket")
        rest = authority[end + 1 :]
        if rest and not rest.startswith(":"):
            raise BadUrl("unexpected text after an IPv6 address")
        return authority[: end + 1], rest[1:]
    host, _, port = authority.partition(":")
    if ":" in port:
        raise BadUrl("the host has more than one colon")
    return host, port


def _parse_port(text: str, scheme: str) -> int:
    if text == "":
        return ALLOWED_SCHEMES[scheme]
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= 65535:  # "٣" and "²" are not ports
        raise BadUrl(f"{text!r} is not a valid port")
    return int(text)


def parse_url(raw: str) -> ParsedUrl:
    """Parse a web address a person typed or a server redirected to; refuse anything CellDecide will not open.

    Raise `BadUrl`, `SchemeNotAllowed` or `CredentialsNotAllowed`. Address checks come later, once the
    host is resolved.

    >>> parse_url("http:example.org").url
    'http://example.org/'
    """
    if not isinstance(raw, str) or not raw.strip():
        raise BadUrl("no address was given")
    text = _clean(raw)
    if len(text) > MAX_URL_LENGTH:
        raise BadUrl("the address is too long")
    scheme_match = _SCHEME.match(text)
    if scheme_match is None:
        raise BadUrl("the address does not start with http:// or https://")
    scheme = scheme_match.group()[:-1].lower()
    if scheme not in ALLOWED_SCHEMES:
        raise SchemeNotAllowed(f"{scheme}: addresses are not web pages")
    # For http(s) a backslash is a slash and any run of slashes introduces the host (URL Standard).
    rest = text[scheme_match.end() :].replace("\\", "/").lstrip("/")
    end = min((index for index in (rest.find(c) for c in "/?#") if index != -1), default=len(rest))
    authority, remainder = rest[:end], rest[end:]
    if "@" in authority:
        raise CredentialsNotAllowed("the address carries a user name or password")
    host_text, port_text = _split_authority(authority)
    if not host_text:
        raise BadUrl("the address has no host")
    port = _parse_port(port_text, scheme)
    target = remainder.split("#", 1)[0]
    if not target.startswith("/"):
        target = "/" + target
    if host_text.startswith("["):
        address, zone = _parse_ipv6(host_text[1:-1])
        return ParsedUrl(scheme, str(address), port, target, literal=address, zone=zone)
    host = _domain_to_ascii(host_text)
    if ends_in_a_number(host):
        address4 = parse_ipv4(host)
        return ParsedUrl(scheme, str(address4), port, target, literal=address4)
    return ParsedUrl(scheme, _check_name(host), port, target)

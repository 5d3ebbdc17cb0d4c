"""Fetch one public web page for the reader, refusing anything that would reach a private network.

How DNS rebinding is prevented: each hop resolves its host exactly once, checks every address the resolver
returns (one private answer refuses the whole name), and then sends the request to one of those vetted IP
addresses written literally in the URL. The original name travels only in the `Host` header and as the TLS
server name (SNI), against which the certificate is verified, so nothing resolves the name a second time and
a DNS answer that changes between the check and the connection has no effect. The default client adds a
second lock: its transport refuses to open a connection to anything but a public IP literal
(`celldecide.fetch.transport.PublicOnlyBackend`). Redirects are followed by hand, each target parsed and
checked from scratch.

>>> import httpx
>>> seen = []
>>> def site(request):
...     seen.append((str(request.url), request.headers["host"]))
...     return httpx.Response(200, headers={"content-type": "text/plain"}, text="Phase 2, 48 patients")
>>> page = fetch_public_url(
...     "https://clinic.example.org/claim",
...     client=httpx.Client(transport=httpx.MockTransport(site)),
...     resolver=lambda host, port: ["93.184.215.14"],
... )
>>> page.text, seen
('Phase 2, 48 patients', [('https://93.184.215.14/claim', 'clinic.example.org')])
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from ipaddress import IPv6Address
from urllib.parse import urljoin

import httpx

from celldecide.fetch.addresses import IPAddress, address_refusal, connect_address, parse_address
from celldecide.fetch.decode import (
    check_content_encoding,
    check_readable,
    decode_content_encoding,
    decode_text,
    parse_content_type,
)
from celldecide.fetch.errors import (
    BadUrl,
    FetchError,
    HttpError,
    PrivateAddress,
    Timeout,
    TlsError,
    TooLarge,
    TooManyRedirects,
    Unreachable,
)
from celldecide.fetch.names import name_refusal
from celldecide.fetch.transport import DEFAULT_HEADERS, Deadline, default_client
from celldecide.fetch.urls import ParsedUrl, has_scheme, parse_url

Resolver = Callable[[str, int], list[str]]
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A page fetched for reading: where it was asked for, where it ended up, and its text."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str
    text: str


def resolve_with_getaddrinfo(host: str, port: int) -> list[str]:
    """Return every address libc finds for a name, in libc's order, without duplicates.

    The trailing dot makes the name absolute, so the machine's DNS search domains are never appended.
    """
    answers = socket.getaddrinfo(f"{host}.", port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in answers))


def _resolve_within(resolver: Resolver, *, host: str, port: int, deadline: Deadline) -> list[str]:
    """Call the resolver in a worker thread so a slow lookup cannot outlast the fetch's time budget."""
    if deadline.expired():
        raise Timeout(f"no time left to look up {host}")
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="celldecide-resolve")
    try:
        return list(executor.submit(resolver, host, port).result(timeout=deadline.remaining()))
    except FutureTimeout as error:
        raise Timeout(f"looking up {host} took too long") from error
    except (OSError, UnicodeError) as error:
        raise Unreachable(f"{host} could not be looked up: {error}") from error
    finally:
        executor.shutdown(wait=False)


def vetted_addresses(target: ParsedUrl, *, resolver: Resolver, deadline: Deadline) -> list[IPAddress]:
    """Return the addresses a target may be fetched from; refuse if any of them is not public.

    >>> from celldecide.fetch.transport import Deadline
    >>> vetted_addresses(parse_url("http://[::ffff:93.184.215.14]/"), resolver=None, deadline=Deadline(seconds=1))
    [IPv4Address('93.184.215.14')]
    """
    if target.literal is not None:
        reason = address_refusal(target.literal)
        if reason is not None:
            raise PrivateAddress(f"{target.literal} is {reason}")
        if target.zone is not None:
            raise BadUrl("a zone id only makes sense for an address on the local link")
        return [connect_address(target.literal)]
    reason = name_refusal(target.host)
    if reason is not None:
        raise PrivateAddress(f"{target.host}: {reason}")
    answers = _resolve_within(resolver, host=target.host, port=target.port, deadline=deadline)
    if not answers:
        raise Unreachable(f"{target.host} has no addresses")
    addresses: list[IPAddress] = []
    for answer in answers:
        try:
            address = parse_address(answer)
        except ValueError as error:
            raise Unreachable(f"{target.host} resolved to {answer!r}, which is not an address") from error
        reason = address_refusal(address)
        if reason is not None:
            raise PrivateAddress(f"{target.host} resolves to {address}, which is {reason}")
        addresses.append(connect_address(address))
    return list(dict.fromkeys(addresses))


def pinned_request(client: httpx.Client, target: ParsedUrl, *, address: IPAddress, deadline: Deadline) -> httpx.Request:
    """Build a GET to the vetted IP address that still names the original host in Host and in TLS."""
    ip_text = f"[{address}]" if isinstance(address, IPv6Address) else str(address)
    url = httpx.URL(f"{target.scheme}://{ip_text}:{target.port}{target.target}")
    extensions = {"sni_hostname": target.host} if target.literal is None else {}
    return client.build_request(
        "GET",
        url,
        headers={**DEFAULT_HEADERS, "Host": target.netloc},
        timeout=httpx.Timeout(deadline.remaining()),
        extensions=extensions,
    )


def _caused_by_tls(error: BaseException) -> bool:
    """Return True when a connection error comes from the TLS handshake (an unverifiable certificate)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _send(client: httpx.Client, target: ParsedUrl, *, addresses: list[IPAddress], deadline: Deadline) -> httpx.Response:
    """Send the request to the first vetted address that accepts a connection."""
    failure: Exception | None = None
    for address in addresses:
        if deadline.expired():
            raise Timeout("the time budget ran out before a connection was made")
        request = pinned_request(client, target, address=address, deadline=deadline)
        try:
            return client.send(request, stream=True, follow_redirects=False)
        except httpx.TimeoutException as error:
            raise Timeout(f"{target.host} did not answer in time") from error
        except httpx.ConnectError as error:
            if _caused_by_tls(error):
                raise TlsError(f"{target.host}: {error}") from error
            failure = error
        except httpx.TransportError as error:
            raise Unreachable(f"{target.host}: {error}") from error
    raise Unreachable(f"no address of {target.host} accepted a connection: {failure}")


def redirect_target(base: ParsedUrl, location: str) -> ParsedUrl:
    """Parse where a redirect points, relative to the page that sent it, with the same rules as user input.

    >>> redirect_target(parse_url("https://a.example.org/x/y"), "//0x7f.1/admin").url
    'https://127.0.0.1/admin'
    """
    location = location.strip().replace("\t", "").replace("\n", "").replace("\r", "")
    if has_scheme(location):
        return parse_url(location)
    # Browsers read backslashes in a relative http(s) reference as slashes, so "\\host" changes host.
    return parse_url(urljoin(base.url, location.replace("\\", "/")))


def _read_capped(response: httpx.Response, *, max_bytes: int, deadline: Deadline) -> bytes:
    """Read the raw body, stopping as soon as it passes max_bytes or the time budget runs out."""
    if response.is_stream_consumed:
        # Only an in-memory transport hands back a body it already read (and already decompressed).
        if len(response.content) > max_bytes:
            raise TooLarge(f"the body passed {max_bytes} bytes")
        return response.content
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_raw():
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(f"the body passed {max_bytes} bytes")
            chunks.append(chunk)
            if deadline.expired():
                raise Timeout("the body was still arriving when the time budget ran out")
    except httpx.TimeoutException as error:
        raise Timeout("the site stopped sending the page") from error
    except httpx.TransportError as error:
        raise Unreachable(f"the connection broke while reading: {error}") from error
    return b"".join(chunks)


def _read_page(
    response: httpx.Response, *, url: str, target: ParsedUrl, max_bytes: int, deadline: Deadline
) -> FetchedPage:
    """Check a final response's status, type, size and encoding, then read and decode its body."""
    if not 200 <= response.status_code < 300:
        raise HttpError(status=response.status_code)
    mime, header_charset = parse_content_type(response.headers.get("content-type"))
    check_readable(mime)
    encoding = response.headers.get("content-encoding")
    check_content_encoding(encoding)
    length = response.headers.get("content-length", "").strip()
    if length.isascii() and length.isdigit() and int(length) > max_bytes:
        raise TooLarge(f"the site announced {length} bytes")
    already_decoded = response.is_stream_consumed
    raw = _read_capped(response, max_bytes=max_bytes, deadline=deadline)
    body = raw if already_decoded else decode_content_encoding(raw, encoding=encoding, max_bytes=max_bytes)
    text, charset = decode_text(body, mime=mime, header_charset=header_charset)
    return FetchedPage(
        url=url, final_url=target.url, status=response.status_code, content_type=mime, charset=charset, text=text
    )


def _follow(
    client: httpx.Client, url: str, *, resolver: Resolver, deadline: Deadline, max_bytes: int, max_redirects: int
) -> FetchedPage:
    target = parse_url(url)
    redirects = 0
    while True:
        addresses = vetted_addresses(target, resolver=resolver, deadline=deadline)
        response = _send(client, target, addresses=addresses, deadline=deadline)
        try:
            if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                if redirects >= max_redirects:
                    last = response.headers["location"]
                    raise TooManyRedirects(f"more than {max_redirects} redirects, the last to {last}")
                target = redirect_target(target, response.headers["location"])
                redirects += 1
                continue
            return _read_page(response, url=url, target=target, max_bytes=max_bytes, deadline=deadline)
        finally:
            response.close()


def fetch_public_url(
    url: str,
    *,
    client: httpx.Client | None = None,
    resolver: Resolver | None = None,
    timeout: float = 5.0,
    max_bytes: int = 2_000_000,
    max_redirects: int = 3,
) -> FetchedPage:
    """Fetch a public http(s) page as text, or raise a `FetchError` whose code and message say why not.

    `client` and `resolver` are injectable so tests never touch the network; by default the client is
    `celldecide.fetch.transport.default_client` and names are resolved with `socket.getaddrinfo`. `timeout`
    bounds the whole fetch, redirects and lookups included, not each step.
    """
    deadline = Deadline(seconds=timeout)
    http = client if client is not None else default_client(deadline=deadline)
    try:
        return _follow(
            http,
            url,
            resolver=resolver or resolve_with_getaddrinfo,
            deadline=deadline,
            max_bytes=max_bytes,
            max_redirects=max_redirects,
        )
    finally:
        if client is None:
            http.close()


__all__ = ["FetchError", "FetchedPage", "Resolver", "fetch_public_url", "resolve_with_getaddrinfo"]

"""A small fake internet for fetch tests: a DNS table, sites served by `httpx.MockTransport`, a request log.

Sites are keyed by the Host header and path the fetcher sends, so a test sees exactly what a server would:
the request goes to the pinned IP address while the Host header still names the site.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import httpx

# Addresses of real public hosts, used only as resolver answers: no test connects anywhere.
PUBLIC_V4 = "93.184.215.14"
PUBLIC_V4_OTHER = "151.101.1.69"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"

HTML = {"content-type": "text/html; charset=utf-8"}


@dataclass(frozen=True)
class Reply:
    """What a fake site answers for one path."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: dict(HTML))
    body: bytes | Callable[[], Iterable[bytes]] = b"<p>Phase 2 trial, 48 patients.</p>"


def redirect(location: str, *, status: int = 302) -> Reply:
    """Return a redirect reply."""
    return Reply(status=status, headers={"location": location}, body=b"")


@dataclass
class World:
    """DNS answers and site replies for one test, with every lookup and request remembered."""

    dns: dict[str, list[str]] = field(default_factory=dict)
    sites: dict[str, Reply] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def resolve(self, host: str, port: int) -> list[str]:
        """Answer like `socket.getaddrinfo` would: addresses, or `socket.gaierror` for an unknown name."""
        self.lookups.append(host)
        if host not in self.dns:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(self.dns[host])

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Serve the reply registered for `host/path`, or a 404."""
        self.requests.append(request)
        key = f"{request.headers['host']}{request.url.raw_path.decode('ascii')}"
        reply = self.sites.get(key)
        if reply is None:
            return httpx.Response(404, headers={"content-type": "text/plain"}, content=b"not here")
        body = reply.body() if callable(reply.body) else [reply.body]
        return httpx.Response(reply.status, headers=reply.headers, stream=_Stream(body))

    def client(self) -> httpx.Client:
        """Return a client whose transport is this world."""
        return httpx.Client(transport=httpx.MockTransport(self.handle))


class _Stream(httpx.SyncByteStream):
    """A response body produced chunk by chunk, as a real network delivers it."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks


def public_world(*, sites: dict[str, Reply] | None = None, dns: dict[str, list[str]] | None = None) -> World:
    """Return a world where `public.example` resolves to a public address, with extra names and site replies."""
    return World(dns={"public.example": [PUBLIC_V4], **(dns or {})}, sites=dict(sites or {}))

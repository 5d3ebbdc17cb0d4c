"""The default transport: connect only to vetted public IP literals, and never past the fetch's deadline.

`fetch_public_url` already sends each request to the IP address it checked (see `celldecide.fetch.fetcher`).
This transport is the second lock for the default client: its network backend refuses to connect to anything
that is not a literal, public IP address, so no name is ever resolved at connect time, and it shrinks every
connect, read and write timeout to what is left of the fetch's total budget, which httpx's per-operation
timeouts cannot do by themselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from ipaddress import ip_address
from typing import Any

import httpcore
import httpx

from celldecide import __version__
from celldecide.fetch.addresses import address_refusal
from celldecide.fetch.errors import PrivateAddress

USER_AGENT = f"CellDecide/{__version__} (reads one public page on a person's request)"
DEFAULT_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html, text/plain;q=0.9, */*;q=0.1",
    # Uncompressed, so the 2 MB cap measures the page itself; a server that compresses anyway is still read.
    "Accept-Encoding": "identity",
}

Clock = Callable[[], float]


class Deadline:
    """A point in time after which no network operation of a fetch may start or keep waiting.

    >>> clock = iter([10.0, 12.0]).__next__
    >>> Deadline(seconds=5, clock=clock).remaining()
    3.0
    """

    def __init__(self, *, seconds: float, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._at = clock() + seconds

    def remaining(self) -> float:
        """Return the seconds left, never below zero."""
        return max(0.0, self._at - self._clock())

    def expired(self) -> bool:
        """Return True once the budget is spent."""
        return self.remaining() <= 0.0

    def cap(self, timeout: float | None, *, error: type[httpcore.TimeoutException]) -> float:
        """Return the smaller of an operation's own timeout and the time left; raise `error` if none is left."""
        remaining = self.remaining()
        if remaining <= 0.0:
            raise error("the fetch used up its time budget")
        return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read, write and TLS handshake is bounded by the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.cap(timeout, error=httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.cap(timeout, error=httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None):
        capped = self._deadline.cap(timeout, error=httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, capped), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class PublicOnlyBackend(httpcore.NetworkBackend):
    """Open TCP connections to public IP literals only, within a deadline; never resolve names or use sockets files."""

    def __init__(self, *, deadline: Deadline, inner: httpcore.NetworkBackend | None = None) -> None:
        self._deadline = deadline
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            address = ip_address(host)
        except ValueError as error:
            # A name here would be resolved again by libc, reopening the gap the pinning closes.
            raise PrivateAddress(f"refusing to resolve {host!r} at connect time") from error
        reason = address_refusal(address)
        if reason is not None:
            raise PrivateAddress(f"{address} is {reason}")
        capped = self._deadline.cap(timeout, error=httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(
            host, port, timeout=capped, local_address=local_address, socket_options=socket_options
        )
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise PrivateAddress("refusing to connect to a local socket file")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class PublicOnlyTransport(httpx.HTTPTransport):
    """An httpx transport over `PublicOnlyBackend`, with no connection reuse between requests.

    Connections are not kept alive, so a redirect to another name served from the same IP address gets a fresh
    TLS handshake with its own name instead of riding a connection verified for the first one.
    """

    def __init__(self, *, deadline: Deadline, backend: httpcore.NetworkBackend | None = None) -> None:
        super().__init__(trust_env=False, limits=httpx.Limits(max_keepalive_connections=0))
        # httpx builds its pool without a way to pass a network backend, so the pool is rebuilt with one.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_keepalive_connections=0,
            network_backend=PublicOnlyBackend(deadline=deadline, inner=backend),
        )


def default_client(*, deadline: Deadline) -> httpx.Client:
    """Return a client that ignores proxy settings from the environment and follows no redirect by itself."""
    return httpx.Client(
        transport=PublicOnlyTransport(deadline=deadline),
        trust_env=False,
        follow_redirects=False,
        headers=DEFAULT_HEADERS,
    )

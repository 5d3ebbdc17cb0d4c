"""The default transport opens connections only to public IP literals and never past the fetch's deadline."""

from __future__ import annotations

from typing import Any

import httpcore
import httpx
import pytest

from celldecide.fetch import PrivateAddress
from celldecide.fetch.transport import DEFAULT_HEADERS, Deadline, PublicOnlyBackend, PublicOnlyTransport, default_client

PUBLIC_V4 = "93.184.215.14"


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeStream(httpcore.NetworkStream):
    """A connected stream that records the timeouts it is given and answers one HTTP response."""

    def __init__(self, log: list[tuple[str, Any]]) -> None:
        self.log = log
        self.replies = [b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"]

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.log.append(("read", timeout))
        return self.replies.pop(0) if self.replies else b""

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.log.append(("write", timeout))

    def close(self) -> None:
        self.log.append(("close", None))

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None):
        self.log.append(("tls", server_hostname))
        return self


class FakeBackend(httpcore.NetworkBackend):
    """A network that records where it is asked to connect and never leaves the process."""

    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address=None, socket_options=None):
        self.log.append(("connect", (host, port, timeout)))
        return FakeStream(self.log)


@pytest.mark.parametrize(
    "host",
    ["public.example", "localhost", "127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "::ffff:127.0.0.1", "fd00::1"],
)
def test_it_refuses_to_connect_to_a_name_or_a_private_address(host: str) -> None:
    inner = FakeBackend()
    backend = PublicOnlyBackend(deadline=Deadline(seconds=5), inner=inner)
    with pytest.raises(PrivateAddress):
        backend.connect_tcp(host, 80, timeout=5)
    assert inner.log == []


def test_it_refuses_local_socket_files() -> None:
    backend = PublicOnlyBackend(deadline=Deadline(seconds=5), inner=FakeBackend())
    with pytest.raises(PrivateAddress):
        backend.connect_unix_socket("/var/run/docker.sock")


def test_it_shrinks_every_timeout_to_the_time_left() -> None:
    clock, inner = FakeClock(), FakeBackend()
    backend = PublicOnlyBackend(deadline=Deadline(seconds=5, clock=clock), inner=inner)
    stream = backend.connect_tcp(PUBLIC_V4, 443, timeout=30)
    clock.now += 4
    stream.write(b"GET / HTTP/1.1\r\n\r\n", timeout=30)
    clock.now += 0.5
    stream.read(100, timeout=None)
    assert inner.log[0] == ("connect", (PUBLIC_V4, 443, 5))
    assert inner.log[1] == ("write", 1)
    assert inner.log[2] == ("read", pytest.approx(0.5))


@pytest.mark.parametrize(
    ("operation", "error"),
    [("read", httpcore.ReadTimeout), ("write", httpcore.WriteTimeout), ("tls", httpcore.ConnectTimeout)],
)
def test_it_raises_a_timeout_once_the_budget_is_spent(operation: str, error: type[Exception]) -> None:
    clock = FakeClock()
    backend = PublicOnlyBackend(deadline=Deadline(seconds=1, clock=clock), inner=FakeBackend())
    stream = backend.connect_tcp(PUBLIC_V4, 80)
    clock.now += 1.5
    calls = {
        "read": lambda: stream.read(10),
        "write": lambda: stream.write(b"x"),
        "tls": lambda: stream.start_tls(None),
    }
    with pytest.raises(error):
        calls[operation]()


def test_it_speaks_http_through_the_guarded_backend_with_the_pinned_address() -> None:
    inner = FakeBackend()
    transport = PublicOnlyTransport(deadline=Deadline(seconds=5), backend=inner)
    with httpx.Client(transport=transport) as client:
        response = client.get(f"http://{PUBLIC_V4}/", headers={"Host": "public.example"})
    assert (response.status_code, response.text) == (200, "ok")
    assert inner.log[0][0] == "connect" and inner.log[0][1][:2] == (PUBLIC_V4, 80)


def test_it_maps_a_refused_connection_to_the_typed_error_through_httpx() -> None:
    transport = PublicOnlyTransport(deadline=Deadline(seconds=5), backend=FakeBackend())
    with httpx.Client(transport=transport) as client, pytest.raises(PrivateAddress):
        client.get("http://10.0.0.1/")


def test_it_builds_a_default_client_that_ignores_the_environment_and_follows_nothing() -> None:
    client = default_client(deadline=Deadline(seconds=5))
    assert client.trust_env is False
    assert client.follow_redirects is False
    assert client.headers["accept-encoding"] == DEFAULT_HEADERS["Accept-Encoding"]
    client.close()


def test_it_counts_down_the_deadline() -> None:
    clock = FakeClock()
    deadline = Deadline(seconds=2, clock=clock)
    clock.now += 0.5
    assert (deadline.remaining(), deadline.expired()) == (1.5, False)
    clock.now += 2
    assert (deadline.remaining(), deadline.expired()) == (0.0, True)


def test_it_sends_the_site_name_in_tls_while_connecting_to_the_vetted_address() -> None:
    from celldecide.fetch import fetch_public_url

    inner = FakeBackend()
    client = httpx.Client(transport=PublicOnlyTransport(deadline=Deadline(seconds=5), backend=inner))
    page = fetch_public_url("https://clinic.example.org/claim", client=client, resolver=lambda host, port: [PUBLIC_V4])
    assert page.text == "ok"
    assert inner.log[0] == ("connect", (PUBLIC_V4, 443, pytest.approx(5, abs=0.5)))
    assert ("tls", "clinic.example.org") in inner.log

"""Public pages are fetched pinned to their vetted address, within the time and size limits, decoded to text."""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Iterator

import httpx
import pytest

from celldecide.fetch import FetchedPage, FetchError, fetch_public_url
from tests.fetch.world import HTML, PUBLIC_V4, PUBLIC_V4_OTHER, PUBLIC_V6, Reply, World, public_world, redirect

CLAIM = "<html><body><p>Our stem cells treat 40 conditions.</p></body></html>".encode()


def _fetch(world: World, url: str, **options) -> FetchedPage:
    return fetch_public_url(url, client=world.client(), resolver=world.resolve, **options)


def _refusal(world: World, url: str, **options) -> FetchError:
    with pytest.raises(FetchError) as refused:
        _fetch(world, url, **options)
    return refused.value


def test_it_reads_a_public_html_page() -> None:
    world = public_world(sites={"public.example/claim": Reply(body=CLAIM)})
    page = _fetch(world, "http://public.example/claim")
    assert page == FetchedPage(
        url="http://public.example/claim",
        final_url="http://public.example/claim",
        status=200,
        content_type="text/html",
        charset="utf-8",
        text=CLAIM.decode(),
    )


def test_it_reads_plain_text() -> None:
    notes = Reply(headers={"content-type": "text/plain"}, body=b"Phase 1")
    world = public_world(sites={"public.example/notes.txt": notes})
    page = _fetch(world, "http://public.example/notes.txt")
    assert (page.content_type, page.text) == ("text/plain", "Phase 1")


def test_it_connects_to_the_vetted_address_and_names_the_host_in_the_header() -> None:
    world = public_world(sites={"public.example:8443/a?b=1": Reply()})
    _fetch(world, "https://public.example:8443/a?b=1#section")
    (request,) = world.requests
    assert (request.url.host, request.url.port, request.url.raw_path) == (PUBLIC_V4, 8443, b"/a?b=1")
    assert request.headers["host"] == "public.example:8443"
    assert request.extensions["sni_hostname"] == "public.example"


def test_it_sends_no_server_name_for_an_address_literal() -> None:
    world = World(sites={f"{PUBLIC_V4}/": Reply()})
    _fetch(world, f"https://{PUBLIC_V4}/")
    (request,) = world.requests
    assert "sni_hostname" not in request.extensions
    assert world.lookups == []


def test_it_resolves_each_host_once_so_a_rebinding_answer_is_never_used() -> None:
    answers = iter([[PUBLIC_V4], ["127.0.0.1"]])
    world = World(sites={"rebind.example/": Reply()})
    seen: list[str] = []

    def rebinding_resolver(host: str, port: int) -> list[str]:
        seen.append(host)
        return next(answers)

    fetch_public_url("http://rebind.example/", client=world.client(), resolver=rebinding_resolver)
    assert seen == ["rebind.example"]
    assert [request.url.host for request in world.requests] == [PUBLIC_V4]


def test_it_fetches_over_ipv6_with_brackets() -> None:
    world = World(dns={"six.example": [PUBLIC_V6]}, sites={"six.example/": Reply()})
    _fetch(world, "http://six.example/")
    assert str(world.requests[0].url) == f"http://[{PUBLIC_V6}]/"


def test_it_connects_to_the_ipv4_address_inside_a_mapped_answer() -> None:
    world = World(dns={"mapped.example": [f"::ffff:{PUBLIC_V4}"]}, sites={"mapped.example/": Reply()})
    _fetch(world, "http://mapped.example/")
    assert world.requests[0].url.host == PUBLIC_V4


def test_it_tries_the_next_vetted_address_when_one_refuses_the_connection() -> None:
    tried: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        tried.append(request.url.host)
        if request.url.host == PUBLIC_V4:
            raise httpx.ConnectError("connection refused")
        return httpx.Response(200, headers=HTML, content=b"second")

    page = fetch_public_url(
        "http://two.example/",
        client=httpx.Client(transport=httpx.MockTransport(flaky)),
        resolver=lambda host, port: [PUBLIC_V4, PUBLIC_V4_OTHER],
    )
    assert (tried, page.text) == ([PUBLIC_V4, PUBLIC_V4_OTHER], "second")


def test_it_follows_three_redirects_and_reports_where_it_ended() -> None:
    world = public_world(
        sites={
            "public.example/a": redirect("/b", status=301),
            "public.example/b": redirect("https://other.example/c", status=307),
            "other.example/c": redirect("//public.example/d?x=1", status=308),
            "public.example/d?x=1": Reply(body=b"<p>here</p>"),
        },
        dns={"other.example": [PUBLIC_V4_OTHER]},
    )
    page = _fetch(world, "http://public.example/a")
    assert (page.url, page.final_url) == ("http://public.example/a", "https://public.example/d?x=1")
    assert page.text == "<p>here</p>"
    assert world.lookups == ["public.example", "public.example", "other.example", "public.example"]


def test_it_respects_a_lower_redirect_limit() -> None:
    world = public_world(sites={"public.example/a": redirect("/b"), "public.example/b": Reply()})
    assert _refusal(world, "http://public.example/a", max_redirects=0).code == "too_many_redirects"


def test_it_fetches_a_public_host_on_another_port() -> None:
    world = public_world(sites={"public.example:8080/": Reply()})
    assert _fetch(world, "http://public.example:8080/").status == 200


def test_it_reads_an_international_domain_name_in_its_ascii_form() -> None:
    world = World(dns={"xn--bcher-kva.example": [PUBLIC_V4]}, sites={"xn--bcher-kva.example/": Reply()})
    page = _fetch(world, "http://Bücher.example/")
    assert page.final_url == "http://xn--bcher-kva.example/"
    assert world.requests[0].headers["host"] == "xn--bcher-kva.example"


CHARSETS = [
    # (content-type header, body, expected text, expected charset)
    ("text/html; charset=utf-8", "Zelltherapie für Knie".encode(), "Zelltherapie für Knie", "utf-8"),
    ("text/html; charset=ISO-8859-1", "café €".encode("cp1252"), "café €", "windows-1252"),
    ("text/plain; charset=\"windows-1251\"", "стволовые клетки".encode("cp1251"), "стволовые клетки", "cp1251"),
    ("text/html", b'<meta charset="shift_jis">\x8a\xb2', '<meta charset="shift_jis">幹', "shift_jis"),
    (
        "text/html",
        b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">na\xefve',
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">naïve',
        "windows-1252",
    ),
    ("text/html; charset=utf-8", b'<meta charset="koi8-r">ok', '<meta charset="koi8-r">ok', "utf-8"),
    ("text/html", b'<meta charset="utf-16">ok', '<meta charset="utf-16">ok', "utf-8"),
    ("text/html", "célula".encode(), "célula", "utf-8"),
    ("text/html", "célula".encode("cp1252"), "célula", "windows-1252"),
    ("text/plain; charset=utf-8", b"bad \xff\xfe bytes", "bad \ufffd\ufffd bytes", "utf-8"),
    ("text/plain; charset=klingon", b"plain", "plain", "utf-8"),
    ("text/plain; charset=utf-7", b"+ADw-script", "+ADw-script", "utf-8"),
    ("text/plain; charset=iso-8859-1", b"\xef\xbb\xbfBOM wins", "BOM wins", "utf-8"),
    ("text/plain", "\ufeffle".encode("utf-16-le"), "le", "utf-16-le"),
    ("TEXT/HTML;CHARSET=UTF-8", "Ünïcode".encode(), "Ünïcode", "utf-8"),
]


@pytest.mark.parametrize(("content_type", "body", "text", "charset"), CHARSETS)
def test_it_decodes_with_the_declared_or_detected_charset(
    content_type: str, body: bytes, text: str, charset: str
) -> None:
    world = public_world(sites={"public.example/": Reply(headers={"content-type": content_type}, body=body)})
    page = _fetch(world, "http://public.example/")
    assert (page.text, page.charset) == (text, charset)


def _chunks(total: int, *, size: int = 65_536, produced: list[int]) -> Iterator[bytes]:
    """Yield `total` bytes in chunks, counting in `produced` how much the reader actually pulled."""
    sent = 0
    while sent < total:
        chunk = b"x" * min(size, total - sent)
        sent += len(chunk)
        produced.append(len(chunk))
        yield chunk


def test_it_stops_reading_a_three_megabyte_stream_just_past_two_megabytes() -> None:
    produced: list[int] = []
    world = public_world(sites={"public.example/big": Reply(body=lambda: _chunks(3_000_000, produced=produced))})
    assert _refusal(world, "http://public.example/big").code == "too_large"
    assert 2_000_000 < sum(produced) <= 2_000_000 + 65_536


def test_it_reads_a_page_of_exactly_the_limit() -> None:
    produced: list[int] = []
    world = public_world(sites={"public.example/": Reply(body=lambda: _chunks(2_000_000, produced=produced))})
    assert len(_fetch(world, "http://public.example/").text) == 2_000_000


def test_it_refuses_an_announced_length_over_the_cap_without_reading() -> None:
    produced: list[int] = []
    headers = {**HTML, "content-length": "3000000"}
    reply = Reply(headers=headers, body=lambda: _chunks(3_000_000, produced=produced))
    world = public_world(sites={"public.example/": reply})
    assert _refusal(world, "http://public.example/").code == "too_large"
    assert produced == []


def test_it_reads_on_when_the_announced_length_is_not_a_number() -> None:
    headers = {**HTML, "content-length": b"\xb2"}  # "²" in Latin-1, which str.isdigit() takes
    world = public_world(sites={"public.example/": Reply(headers=headers, body=CLAIM)})
    assert _fetch(world, "http://public.example/").text == CLAIM.decode()


def test_it_unpacks_a_gzip_page_the_server_compressed_anyway() -> None:
    headers = {**HTML, "content-encoding": "gzip"}
    world = public_world(sites={"public.example/": Reply(headers=headers, body=gzip.compress(CLAIM))})
    assert _fetch(world, "http://public.example/").text == CLAIM.decode()


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_it_unpacks_both_kinds_of_deflate(wbits: int) -> None:
    packer = zlib.compressobj(wbits=wbits)
    body = packer.compress(CLAIM) + packer.flush()
    world = public_world(sites={"public.example/": Reply(headers={**HTML, "content-encoding": "deflate"}, body=body)})
    assert _fetch(world, "http://public.example/").text == CLAIM.decode()


def test_it_refuses_a_compressed_page_that_unpacks_past_the_cap() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000
    world = public_world(sites={"public.example/": Reply(headers={**HTML, "content-encoding": "gzip"}, body=bomb)})
    assert _refusal(world, "http://public.example/").code == "too_large"


def test_it_refuses_a_damaged_compressed_body() -> None:
    reply = Reply(headers={**HTML, "content-encoding": "gzip"}, body=b"not gzip")
    world = public_world(sites={"public.example/": reply})
    assert _refusal(world, "http://public.example/").code == "unsupported_encoding"


@pytest.mark.parametrize(
    "exception",
    [httpx.ConnectTimeout("slow connect"), httpx.ReadTimeout("slow answer"), httpx.PoolTimeout("busy")],
    ids=lambda error: type(error).__name__,
)
def test_it_reports_a_timeout_when_the_site_is_slow(exception: Exception) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise exception

    with pytest.raises(FetchError) as refused:
        client = httpx.Client(transport=httpx.MockTransport(slow))
        fetch_public_url("http://slow.example/", client=client, resolver=lambda host, port: [PUBLIC_V4])
    assert refused.value.code == "timeout"


def test_it_gives_each_request_only_the_time_left_in_the_budget() -> None:
    world = public_world(sites={"public.example/": Reply()})
    _fetch(world, "http://public.example/", timeout=2.0)
    timeouts = world.requests[0].extensions["timeout"]
    assert 0 < timeouts["connect"] <= 2.0 and timeouts["read"] <= 2.0


def test_it_stops_a_body_that_drips_past_the_total_budget() -> None:
    def drip() -> Iterator[bytes]:
        for _ in range(100):
            time.sleep(0.02)
            yield b"<p>still coming</p>"

    world = public_world(sites={"public.example/": Reply(body=drip)})
    started = time.monotonic()
    assert _refusal(world, "http://public.example/", timeout=0.2).code == "timeout"
    assert time.monotonic() - started < 1.0


def test_it_stops_waiting_for_a_resolver_that_hangs() -> None:
    def hanging(host: str, port: int) -> list[str]:
        time.sleep(1.0)
        return [PUBLIC_V4]

    started = time.monotonic()
    with pytest.raises(FetchError) as refused:
        fetch_public_url("http://hang.example/", client=World().client(), resolver=hanging, timeout=0.2)
    assert refused.value.code == "timeout"
    assert time.monotonic() - started < 0.8


@pytest.mark.parametrize(
    ("answer", "code"),
    [([], "unreachable"), (["not-an-address"], "unreachable")],
    ids=["no addresses", "garbage answer"],
)
def test_it_refuses_a_resolver_answer_it_cannot_use(answer: list[str], code: str) -> None:
    with pytest.raises(FetchError) as refused:
        fetch_public_url("http://odd.example/", client=World().client(), resolver=lambda h, p: answer)
    assert refused.value.code == code


def test_it_reports_an_unverifiable_certificate() -> None:
    import ssl

    def bad_certificate(request: httpx.Request) -> httpx.Response:
        try:
            raise ssl.SSLCertVerificationError("certificate verify failed: self-signed certificate")
        except ssl.SSLError as error:
            raise httpx.ConnectError("handshake failed") from error

    with pytest.raises(FetchError) as refused:
        fetch_public_url(
            "https://selfsigned.example/",
            client=httpx.Client(transport=httpx.MockTransport(bad_certificate)),
            resolver=lambda h, p: [PUBLIC_V4],
        )
    assert refused.value.code == "tls_error"


def test_it_reports_a_connection_broken_mid_body() -> None:
    def broken() -> Iterator[bytes]:
        yield b"<p>start"
        raise httpx.ReadError("connection reset")

    world = public_world(sites={"public.example/": Reply(body=broken)})
    assert _refusal(world, "http://public.example/").code == "unreachable"


def test_it_reads_a_body_an_in_memory_transport_already_loaded() -> None:
    def loaded(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/plain"}, content=b"loaded")

    client = httpx.Client(transport=httpx.MockTransport(loaded))
    assert fetch_public_url("http://x.example/", client=client, resolver=lambda h, p: [PUBLIC_V4]).text == "loaded"

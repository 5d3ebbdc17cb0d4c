"""Every URL form the fetcher refuses, with the fake DNS and site replies it meets, and the expected code.

This one table drives the parametrized refusal tests and generates `CATALOGUE.md`, so the documented
behaviour and the tested behaviour cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.fetch.world import HTML, PUBLIC_V4, Reply, World, redirect


@dataclass(frozen=True)
class Refusal:
    """A URL as a person (or a redirect) gives it, the world it is fetched in, and the refusal code expected."""

    group: str
    url: str
    code: str
    dns: dict[str, list[str]] = field(default_factory=dict)
    sites: dict[str, Reply] = field(default_factory=dict)
    note: str = ""

    def world(self) -> World:
        """Return a fresh world for this case: `public.example` is public, plus the case's own names and pages."""
        return World(dns={"public.example": [PUBLIC_V4], **self.dns}, sites=dict(self.sites))


def _redirect_to(location: str, *, status: int = 302, **dns: list[str]) -> Refusal:
    sites = {"public.example/go": redirect(location, status=status)}
    return Refusal("Redirects", "http://public.example/go", "", dns=dict(dns), sites=sites)


def _hop(location: str, code: str, *, status: int = 302, dns: dict[str, list[str]] | None = None) -> Refusal:
    case = _redirect_to(location, status=status)
    return Refusal(case.group, case.url, code, dns=dict(dns or {}), sites=case.sites)


def _served(path: str, code: str, reply: Reply) -> Refusal:
    return Refusal("What the site sends", f"http://public.example{path}", code, sites={f"public.example{path}": reply})


PDF = Reply(headers={"content-type": "application/pdf"}, body=b"%PDF-1.7")
LOOP = {"public.example/loop": redirect("/loop")}
CHAIN = {f"public.example/r{n}": redirect(f"/r{n + 1}") for n in range(1, 5)}

REFUSALS: list[Refusal] = [
    # Not a web address
    Refusal("Not a web page", "file:///etc/passwd", "scheme_not_allowed"),
    Refusal("Not a web page", "ftp://public.example/report.txt", "scheme_not_allowed"),
    Refusal("Not a web page", "gopher://public.example:70/", "scheme_not_allowed"),
    Refusal("Not a web page", "javascript:alert(1)", "scheme_not_allowed"),
    Refusal("Not a web page", "data:text/html,<p>stem cells</p>", "scheme_not_allowed"),
    Refusal("Not a web page", "dict://127.0.0.1:11211/stat", "scheme_not_allowed"),
    Refusal("Not a web page", "public.example/page", "bad_url"),
    Refusal("Not a web page", "http://", "bad_url"),
    Refusal("Not a web page", "http://1.2.3.4.5/", "bad_url"),
    Refusal("Not a web page", "http://256.0.0.1/", "bad_url"),
    Refusal("Not a web page", "http://08.0.0.1/", "bad_url"),
    Refusal("Not a web page", "http://public.example:99999/", "bad_url"),
    Refusal("Not a web page", "http://[::1/", "bad_url"),
    Refusal("Not a web page", "http://public..example/", "bad_url"),
    Refusal("Not a web page", "http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c%25eth0]/", "bad_url"),
    # Login details
    Refusal("Login details", "http://user:secret@public.example/", "credentials_not_allowed"),
    Refusal("Login details", "http://public.example@127.0.0.1/", "credentials_not_allowed"),
    Refusal("Login details", "https://token@public.example/", "credentials_not_allowed"),
    # IPv4 in every spelling
    Refusal("IPv4 spellings", "http://127.0.0.1/", "private_address"),
    Refusal("IPv4 spellings", "http://2130706433/", "private_address"),
    Refusal("IPv4 spellings", "http://0177.0.0.1/", "private_address"),
    Refusal("IPv4 spellings", "http://017700000001/", "private_address"),
    Refusal("IPv4 spellings", "http://0x7f000001/", "private_address"),
    Refusal("IPv4 spellings", "http://0x7f.1/", "private_address"),
    Refusal("IPv4 spellings", "http://0X7F.0.0.0X1/", "private_address"),
    Refusal("IPv4 spellings", "http://0177.0x0.1/", "private_address"),
    Refusal("IPv4 spellings", "http://127.1/", "private_address"),
    Refusal("IPv4 spellings", "http://127.0.1/", "private_address"),
    Refusal("IPv4 spellings", "http://127.000.000.001/", "private_address"),
    Refusal("IPv4 spellings", "http://127.0.0.1./", "private_address"),
    Refusal("IPv4 spellings", "http://127.0.0.%31/", "private_address"),
    Refusal("IPv4 spellings", "http://１２７.０.０.１/", "private_address"),
    Refusal("IPv4 spellings", "HTTP://127.0.0.1:8000/admin", "private_address"),
    Refusal("IPv4 spellings", "http:/\\127.0.0.1/", "private_address"),
    Refusal("IPv4 spellings", " http://127.0.0.1/\n", "private_address"),
    # IPv4 ranges
    Refusal("IPv4 ranges", "http://0.0.0.0/", "private_address"),
    Refusal("IPv4 ranges", "http://0/", "private_address"),
    Refusal("IPv4 ranges", "http://10.0.0.1/", "private_address"),
    Refusal("IPv4 ranges", "http://172.16.5.4/", "private_address"),
    Refusal("IPv4 ranges", "http://192.168.1.1:8080/", "private_address"),
    Refusal("IPv4 ranges", "http://100.64.0.1/", "private_address"),
    Refusal("IPv4 ranges", "http://169.254.169.254/latest/meta-data/", "private_address"),
    Refusal("IPv4 ranges", "http://2852039166/latest/meta-data/", "private_address"),
    Refusal("IPv4 ranges", "http://198.18.0.1/", "private_address"),
    Refusal("IPv4 ranges", "http://192.0.0.8/", "private_address"),
    Refusal("IPv4 ranges", "http://192.0.2.10/", "private_address"),
    Refusal("IPv4 ranges", "http://203.0.113.7/", "private_address"),
    Refusal("IPv4 ranges", "http://224.0.0.1/", "private_address"),
    Refusal("IPv4 ranges", "http://240.0.0.1/", "private_address"),
    Refusal("IPv4 ranges", "http://255.255.255.255/", "private_address"),
    # IPv6
    Refusal("IPv6", "http://[::1]/", "private_address"),
    Refusal("IPv6", "http://[0:0:0:0:0:0:0:1]:8080/", "private_address"),
    Refusal("IPv6", "http://[::]/", "private_address"),
    Refusal("IPv6", "http://[fe80::1%25eth0]/", "private_address"),
    Refusal("IPv6", "http://[fe80::a9fe:a9fe]/", "private_address"),
    Refusal("IPv6", "http://[fc00::1]/", "private_address"),
    Refusal("IPv6", "http://[fd12:3456:789a::1]/", "private_address"),
    Refusal("IPv6", "http://[fec0::1]/", "private_address"),
    Refusal("IPv6", "http://[ff02::1]/", "private_address"),
    Refusal("IPv6", "http://[2001:db8::1]/", "private_address"),
    Refusal("IPv6", "http://[100::1]/", "private_address"),
    # IPv6 forms that carry an IPv4 address
    Refusal("IPv6 carrying IPv4", "http://[::ffff:127.0.0.1]/", "private_address"),
    Refusal("IPv6 carrying IPv4", "http://[::ffff:7f00:1]/", "private_address"),
    Refusal("IPv6 carrying IPv4", "http://[0:0:0:0:0:ffff:169.254.169.254]/", "private_address"),
    Refusal("IPv6 carrying IPv4", "http://[::ffff:10.0.0.1]/", "private_address"),
    Refusal("IPv6 carrying IPv4", "http://[::127.0.0.1]/", "private_address"),
    Refusal("IPv6 carrying IPv4", "http://[::7f00:1]/", "private_address"),
    Refusal("IPv6 carrying IPv4", "http://[2002:7f00:1::]/", "private_address"),
    Refusal("IPv6 carrying IPv4", "http://[2002:c0a8:101::1]/", "private_address"),
    Refusal("IPv6 carrying IPv4", "http://[64:ff9b::a9fe:a9fe]/", "private_address"),
    Refusal("IPv6 carrying IPv4", "http://[64:ff9b::10.0.0.1]/", "private_address"),
    Refusal("IPv6 carrying IPv4", "http://[64:ff9b:1::5db8:d70e]/", "private_address"),
    Refusal("IPv6 carrying IPv4", "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "private_address"),
    # Names
    Refusal("Names", "http://localhost/", "private_address"),
    Refusal("Names", "http://LOCALHOST./", "private_address"),
    Refusal("Names", "http://app.localhost:3000/", "private_address"),
    Refusal("Names", "http://printer.local/", "private_address"),
    Refusal("Names", "http://metadata.google.internal/computeMetadata/v1/", "private_address"),
    Refusal("Names", "http://db.internal/", "private_address"),
    Refusal("Names", "http://router.home.arpa/", "private_address"),
    Refusal("Names", "http://fileserver/", "private_address"),
    Refusal("Names", "http://ｌｏｃａｌｈｏｓｔ/", "private_address"),
    Refusal("Names", "http://private.example/", "private_address", dns={"private.example": ["10.1.2.3"]}),
    Refusal("Names", "http://loopback.example/", "private_address", dns={"loopback.example": ["127.0.0.1"]}),
    Refusal("Names", "http://127.0.0.1.nip.example/", "private_address", dns={"127.0.0.1.nip.example": ["127.0.0.1"]}),
    Refusal("Names", "http://metadata.example/", "private_address", dns={"metadata.example": ["169.254.169.254"]}),
    Refusal("Names", "http://mixed.example/", "private_address", dns={"mixed.example": [PUBLIC_V4, "192.168.0.10"]}),
    Refusal("Names", "http://v6.example/", "private_address", dns={"v6.example": ["fd00::5"]}),
    Refusal("Names", "http://mapped.example/", "private_address", dns={"mapped.example": ["::ffff:169.254.169.254"]}),
    Refusal("Names", "http://linklocal.example/", "private_address", dns={"linklocal.example": ["fe80::1%eth0"]}),
    Refusal("Names", "http://missing.example/", "unreachable", note="`missing.example` does not resolve"),
    # Redirects
    _hop("http://127.0.0.1/", "private_address"),
    _hop("http://0x7f.1/admin", "private_address", status=301),
    _hop("http://[::ffff:127.0.0.1]/", "private_address", status=307),
    _hop("http://169.254.169.254/latest/meta-data/", "private_address", status=308),
    _hop("//127.0.0.1/", "private_address"),
    _hop("\\\\127.0.0.1\\", "private_address"),
    _hop("http://private.example/", "private_address", status=303, dns={"private.example": ["10.1.2.3"]}),
    _hop("http://localhost:8080/", "private_address"),
    _hop("file:///etc/passwd", "scheme_not_allowed"),
    _hop("ftp://public.example/", "scheme_not_allowed"),
    _hop("gopher://public.example/", "scheme_not_allowed"),
    _hop("http://user:secret@public.example/", "credentials_not_allowed"),
    Refusal("Redirects", "http://public.example/r1", "too_many_redirects", sites=CHAIN),
    Refusal("Redirects", "http://public.example/loop", "too_many_redirects", sites=LOOP),
    # What the site sends
    _served("/report.pdf", "unsupported_content_type", PDF),
    _served("/photo.png", "unsupported_content_type", Reply(headers={"content-type": "image/png"}, body=b"\x89PNG")),
    _served("/download", "unsupported_content_type", Reply(headers={"content-type": "application/octet-stream"})),
    _served("/data.json", "unsupported_content_type", Reply(headers={"content-type": "application/json"}, body=b"{}")),
    _served("/untyped", "unsupported_content_type", Reply(headers={})),
    _served("/huge", "too_large", Reply(headers={**HTML, "content-length": "3000000"}, body=lambda: iter([b"x"]))),
    _served("/brotli", "unsupported_encoding", Reply(headers={**HTML, "content-encoding": "br"})),
    _served("/gone", "http_error", Reply(status=404, headers={"content-type": "text/plain"}, body=b"gone")),
    _served("/broken", "http_error", Reply(status=500, body=b"")),
]

ACCEPTED_LOOKING_ALIKE = [
    # Near misses of the refused forms that are public and must be fetched.
    "http://93.184.215.14/",
    "http://1572394766/",
    "http://0x5d.0xb8.0xd7.0x0e/",
    "http://[::ffff:93.184.215.14]/",
    "http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/",
    "http://[2002:5db8:d70e::1]/",
    "http://[64:ff9b::5db8:d70e]/",
]

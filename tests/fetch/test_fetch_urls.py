"""Addresses are parsed as a browser parses them, so the host that is checked is the host that is fetched."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from celldecide.fetch import BadUrl, CredentialsNotAllowed, SchemeNotAllowed, parse_url
from celldecide.fetch.urls import ends_in_a_number, parse_ipv4

PARSED = [
    # (input, canonical URL, host, port)
    ("https://clinic.example.org/cells?x=1#top", "https://clinic.example.org/cells?x=1", "clinic.example.org", 443),
    ("HTTPS://CLINIC.Example.ORG", "https://clinic.example.org/", "clinic.example.org", 443),
    ("http://clinic.example.org:80/a", "http://clinic.example.org/a", "clinic.example.org", 80),
    ("http://clinic.example.org:/a", "http://clinic.example.org/a", "clinic.example.org", 80),
    ("https://clinic.example.org:8443", "https://clinic.example.org:8443/", "clinic.example.org", 8443),
    ("http://clinic.example.org./", "http://clinic.example.org/", "clinic.example.org", 80),
    ("http:clinic.example.org/a", "http://clinic.example.org/a", "clinic.example.org", 80),
    ("http:///clinic.example.org/a", "http://clinic.example.org/a", "clinic.example.org", 80),
    ("http:\\\\clinic.example.org\\a", "http://clinic.example.org/a", "clinic.example.org", 80),
    ("  https://clinic.example.org/\t", "https://clinic.example.org/", "clinic.example.org", 443),
    ("https://clinic.exa\nmple.org/", "https://clinic.example.org/", "clinic.example.org", 443),
    ("http://clinic.example.org?q", "http://clinic.example.org/?q", "clinic.example.org", 80),
    ("http://Bücher.example/", "http://xn--bcher-kva.example/", "xn--bcher-kva.example", 80),
    ("http://clinic%2Eexample.org/", "http://clinic.example.org/", "clinic.example.org", 80),
    ("http://[2606:2800:21f::8b2c]:8080/", "http://[2606:2800:21f::8b2c]:8080/", "2606:2800:21f::8b2c", 8080),
    ("http://[2606:2800:021F:0:0:0:0:8B2C]/", "http://[2606:2800:21f::8b2c]/", "2606:2800:21f::8b2c", 80),
    ("http://0x5d.0xb8.0xd7.0x0e/", "http://93.184.215.14/", "93.184.215.14", 80),
]


@pytest.mark.parametrize(("raw", "url", "host", "port"), PARSED)
def test_it_parses_to_the_canonical_url(raw: str, url: str, host: str, port: int) -> None:
    parsed = parse_url(raw)
    assert (parsed.url, parsed.host, parsed.port) == (url, host, port)


IPV4_SPELLINGS = [
    ("2130706433", "127.0.0.1"),
    ("0x7f000001", "127.0.0.1"),
    ("017700000001", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"),
    ("0x7f.1", "127.0.0.1"),
    ("127.1", "127.0.0.1"),
    ("127.0.1", "127.0.0.1"),
    ("0x7F.0X0.0.01", "127.0.0.1"),
    ("127.0.0.1.", "127.0.0.1"),
    ("0", "0.0.0.0"),
    ("0x", "0.0.0.0"),
    ("10.65535", "10.0.255.255"),
    ("10.1.65535", "10.1.255.255"),
    ("4294967295", "255.255.255.255"),
]


@pytest.mark.parametrize(("host", "address"), IPV4_SPELLINGS)
def test_it_reads_every_ipv4_spelling_as_inet_aton_does(host: str, address: str) -> None:
    assert parse_ipv4(host) == IPv4Address(address)


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.1.1.1", "1.256.1.1", "4294967296", "08", "1..2", "10.16777216.1"])
def test_it_refuses_a_host_that_ends_in_a_number_but_is_no_ipv4_address(host: str) -> None:
    assert ends_in_a_number(host)
    with pytest.raises(BadUrl):
        parse_url(f"http://{host}/")


@pytest.mark.parametrize("host", ["1.2.3.example", "0x7f.example", "example.1a", "123abc", "0x1g"])
def test_it_reads_a_host_whose_last_label_is_not_a_number_as_a_name(host: str) -> None:
    assert parse_url(f"http://{host}/").literal is None


REFUSED_SYNTAX = [
    ("", BadUrl),
    ("   ", BadUrl),
    ("clinic.example.org", BadUrl),
    ("//clinic.example.org/", BadUrl),
    ("http://clinic.example.org:0/", BadUrl),
    ("http://clinic.example.org:http/", BadUrl),
    ("http://clinic.example.org:\u00b2/", BadUrl),  # a superscript two: str.isdigit() takes it, int() does not
    ("http://clinic.example.org:\u0668\u0660/", BadUrl),  # Arabic-Indic "80": ports are ASCII digits
    ("http://[::1]x/", BadUrl),
    ("http://[not-v6]/", BadUrl),
    ("http://a:b:c/", BadUrl),
    ("http://clin ic.example.org/", BadUrl),
    ("http://clinic<.example.org/", BadUrl),
    ("http://%ff.example.org/", BadUrl),
    ("http://" + "a" * 64 + ".example/", BadUrl),
    ("http://example.org/" + "a" * 9000, BadUrl),
    ("https://:secret@clinic.example.org/", CredentialsNotAllowed),
    ("http://@clinic.example.org/", CredentialsNotAllowed),
    ("ws://clinic.example.org/", SchemeNotAllowed),
    ("view-source:http://clinic.example.org/", SchemeNotAllowed),
    ("blob:https://clinic.example.org/id", SchemeNotAllowed),
]


@pytest.mark.parametrize(("raw", "error"), REFUSED_SYNTAX)
def test_it_refuses_malformed_addresses_with_a_typed_error(raw: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_url(raw)


def test_it_keeps_a_zone_id_apart_from_the_address() -> None:
    parsed = parse_url("http://[fe80::1%25eth0]/")
    assert (parsed.literal, parsed.zone) == (IPv6Address("fe80::1"), "eth0")


def test_it_accepts_only_text() -> None:
    with pytest.raises(BadUrl):
        parse_url(None)  # type: ignore[arg-type]


def _spell(part: int, radix: str) -> str:
    return {"dec": str(part), "oct": "0" + format(part, "o"), "hex": "0x" + format(part, "x")}[radix]


radixes = st.sampled_from(["dec", "oct", "hex"])


@given(value=st.integers(min_value=0, max_value=2**32 - 1), shape=st.integers(min_value=1, max_value=4), data=st.data())
def test_it_reads_any_spelling_of_any_ipv4_address_as_that_address(value: int, shape: int, data: st.DataObject) -> None:
    octets = list(IPv4Address(value).packed)
    # A shape of n parts keeps n-1 leading octets and packs the rest into the last part.
    parts = octets[: shape - 1] + [int.from_bytes(bytes(octets[shape - 1 :]), "big")]
    spelled = ".".join(_spell(part, data.draw(radixes)) for part in parts)
    if data.draw(st.booleans()):
        spelled += "."
    assert parse_url(f"http://{spelled}/").literal == IPv4Address(value)

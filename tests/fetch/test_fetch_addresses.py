"""Only globally reachable unicast addresses pass, whatever IPv4 address an IPv6 form carries inside it."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, ip_address, ip_network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from celldecide.fetch import address_refusal, is_public_address
from celldecide.fetch.addresses import connect_address, embedded_ipv4, refused_networks

PUBLIC = [
    "93.184.215.14",
    "1.1.1.1",
    "8.8.8.8",
    "100.63.255.255",
    "100.128.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "198.17.255.255",
    "198.20.0.0",
    "223.255.255.255",
    "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
    "2a00:1450:4001:80b::200e",
    "::ffff:93.184.215.14",
    "2002:5db8:d70e::1",
    "64:ff9b::5db8:d70e",
]


@pytest.mark.parametrize("text", PUBLIC)
def test_it_accepts_public_unicast_addresses(text: str) -> None:
    assert address_refusal(ip_address(text)) is None


@pytest.mark.parametrize(("network", "label"), refused_networks())
def test_it_refuses_the_first_and_last_address_of_every_refused_range(network: str, label: str) -> None:
    range_ = ip_network(network)
    for address in (range_[0], range_[-1]):
        assert not is_public_address(address), f"{address} in {network} ({label})"


@pytest.mark.parametrize(
    ("text", "embedded"),
    [
        ("::ffff:10.0.0.1", [("IPv4-mapped", "10.0.0.1")]),
        ("::10.0.0.1", [("IPv4-compatible", "10.0.0.1")]),
        ("2002:a00:1::", [("6to4", "10.0.0.1")]),
        ("64:ff9b::a00:1", [("NAT64", "10.0.0.1")]),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", [("Teredo server", "65.54.227.120"), ("Teredo client", "10.0.0.1")]),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", []),
    ],
)
def test_it_finds_the_ipv4_address_inside_every_ipv6_form(text: str, embedded: list[tuple[str, str]]) -> None:
    assert [(form, str(inner)) for form, inner in embedded_ipv4(IPv6Address(text))] == embedded


def test_it_connects_to_a_mapped_address_as_ipv4() -> None:
    assert connect_address(ip_address("::ffff:93.184.215.14")) == IPv4Address("93.184.215.14")


REFUSED_V4 = [IPv4Network(network) for network, _ in refused_networks() if ":" not in network]


@given(st.sampled_from(REFUSED_V4).flatmap(lambda net: st.integers(int(net[0]), int(net[-1]))))
def test_it_refuses_a_private_ipv4_address_in_every_ipv6_wrapping(value: int) -> None:
    wrapped = [
        IPv6Address((0xFFFF << 32) | value),  # IPv4-mapped
        IPv6Address(value),  # IPv4-compatible
        IPv6Address((0x2002 << 112) | (value << 80)),  # 6to4
        IPv6Address((0x0064FF9B << 96) | value),  # NAT64
        IPv6Address((0x20010000 << 96) | (0xFFFFFFFF ^ value)),  # Teredo client (stored inverted)
    ]
    assert not is_public_address(IPv4Address(value))
    assert [address for address in wrapped if is_public_address(address)] == []


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_it_judges_a_mapped_address_as_its_ipv4_address(value: int) -> None:
    assert is_public_address(IPv6Address((0xFFFF << 32) | value)) == is_public_address(IPv4Address(value))


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_it_never_accepts_an_ipv4_address_python_calls_non_global(value: int) -> None:
    address = IPv4Address(value)
    if not address.is_global or address.is_multicast or address.is_reserved:
        assert not is_public_address(address)

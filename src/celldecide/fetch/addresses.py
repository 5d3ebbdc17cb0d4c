"""Decide whether an IP address is public enough for CellDecide to connect to.

`ipaddress.is_global` alone is not enough on Python 3.11: it calls multicast, 6to4, NAT64 and site-local
addresses global. So the check is a table of refused ranges (from the IANA special-purpose registries), a rule
that IPv6 must sit in global unicast space, and explicit unwrapping of every IPv6 form that carries an IPv4
address inside it.

>>> from ipaddress import ip_address
>>> address_refusal(ip_address("93.184.215.14")) is None
True
>>> address_refusal(ip_address("2002:7f00:1::"))
'6to4 address embedding 127.0.0.1, which is loopback'
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

IPAddress = IPv4Address | IPv6Address

_IPV4_REFUSED: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(network), label)
    for network, label in (
        ("0.0.0.0/8", "'this network' (0.0.0.0 reaches the local machine)"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local (cloud metadata lives here)"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved for IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay anycast (deprecated)"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
        ("255.255.255.255/32", "broadcast"),
    )
)

_IPV6_REFUSED: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(network), label)
    for network, label in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::/96", "IPv4-compatible (deprecated)"),
        ("64:ff9b:1::/48", "local-use NAT64"),
        ("100::/64", "discard-only"),
        ("2001::/23", "reserved for IETF protocol assignments (Teredo, ORCHID, benchmarking)"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("5f00::/16", "segment routing"),
        ("fc00::/7", "unique-local"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    )
)

# Global unicast IPv6 lives in 2000::/3; the only other range a public fetch may meet is the well-known NAT64
# prefix that DNS64 resolvers synthesize on IPv6-only networks (its embedded IPv4 is checked separately).
_IPV6_GLOBAL_UNICAST = IPv6Network("2000::/3")
_NAT64_WELL_KNOWN = IPv6Network("64:ff9b::/96")


def parse_address(text: str) -> IPAddress:
    """Parse a resolver's answer, dropping an IPv6 zone id (`fe80::1%eth0`) that only names a local link.

    >>> parse_address("fe80::1%eth0")
    IPv6Address('fe80::1')
    """
    return ip_address(text.split("%", 1)[0])


def connect_address(address: IPAddress) -> IPAddress:
    """Return the address to actually connect to: an IPv4-mapped IPv6 address is its IPv4 address.

    >>> connect_address(ip_address("::ffff:93.184.215.14"))
    IPv4Address('93.184.215.14')
    """
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def embedded_ipv4(address: IPv6Address) -> list[tuple[str, IPv4Address]]:
    """Return every IPv4 address an IPv6 address carries, named by the form that carries it.

    >>> embedded_ipv4(ip_address("64:ff9b::a9fe:a9fe"))
    [('NAT64', IPv4Address('169.254.169.254'))]
    """
    found: list[tuple[str, IPv4Address]] = []
    if address.ipv4_mapped is not None:
        found.append(("IPv4-mapped", address.ipv4_mapped))
    if address in IPv6Network("::/96") and int(address) > 1:
        found.append(("IPv4-compatible", IPv4Address(int(address) & 0xFFFFFFFF)))
    if address.sixtofour is not None:
        found.append(("6to4", address.sixtofour))
    if address.teredo is not None:
        server, client = address.teredo
        found.extend([("Teredo server", server), ("Teredo client", client)])
    if address in _NAT64_WELL_KNOWN or address in IPv6Network("64:ff9b:1::/48"):
        found.append(("NAT64", IPv4Address(int(address) & 0xFFFFFFFF)))
    return found


def _ipv4_refusal(address: IPv4Address) -> str | None:
    for network, label in _IPV4_REFUSED:
        if address in network:
            return label
    if not address.is_global:
        return "not globally reachable"
    return None


def _ipv6_refusal(address: IPv6Address) -> str | None:
    for form, inner in embedded_ipv4(address):
        reason = _ipv4_refusal(inner)
        if reason is not None:
            return f"{form} address embedding {inner}, which is {reason}"
    for network, label in _IPV6_REFUSED:
        if address in network:
            return label
    if address not in _IPV6_GLOBAL_UNICAST and address not in _NAT64_WELL_KNOWN:
        return "outside global unicast space"
    if not address.is_global and address not in _NAT64_WELL_KNOWN:
        return "not globally reachable"
    return None


def address_refusal(address: IPAddress) -> str | None:
    """Return why an address must not be fetched from, or None when it is public.

    An IPv4-mapped address is judged by its IPv4 address (and connected to as IPv4, see `connect_address`).

    >>> address_refusal(ip_address("::ffff:10.0.0.1"))
    'IPv4-mapped address embedding 10.0.0.1, which is private'
    """
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        reason = _ipv4_refusal(address.ipv4_mapped)
        return None if reason is None else f"IPv4-mapped address embedding {address.ipv4_mapped}, which is {reason}"
    if isinstance(address, IPv4Address):
        return _ipv4_refusal(address)
    return _ipv6_refusal(address)


def is_public_address(address: IPAddress) -> bool:
    """Return True when CellDecide may connect to this address.

    >>> is_public_address(ip_address("169.254.169.254"))
    False
    """
    return address_refusal(address) is None


def refused_networks() -> list[tuple[str, str]]:
    """Return the refused ranges as (network, label) pairs, for documentation and tests."""
    return [(str(network), label) for network, label in (*_IPV4_REFUSED, *_IPV6_REFUSED)]


__all__ = [
    "IPAddress",
    "address_refusal",
    "connect_address",
    "embedded_ipv4",
    "is_public_address",
    "parse_address",
    "refused_networks",
]

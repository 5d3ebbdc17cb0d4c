"""Host names that lead into private networks whatever a resolver answers for them.

These never reach the resolver: `localhost` may be answered from /etc/hosts, `.local` by mDNS, `.internal` by a
cloud's own DNS (`metadata.google.internal`), and a single-label name by the machine's search domains.

>>> name_refusal("app.localhost"), name_refusal("clinic.example.org")
('names under .localhost point to this machine', None)
"""

from __future__ import annotations

# Special-use and commonly private suffixes: RFC 6761 (localhost, test, invalid), RFC 6762 (local),
# RFC 8375 (home.arpa), RFC 7686 (onion), ICANN's reservation of .internal, and the suffixes that home
# routers and company networks use by convention.
PRIVATE_SUFFIXES: dict[str, str] = {
    "localhost": "names under .localhost point to this machine",
    "localdomain": "names under .localdomain point to this machine",
    "local": "names under .local are found by multicast on the local network",
    "internal": "names under .internal are private to a network",
    "intranet": "names under .intranet are private to a network",
    "corp": "names under .corp are private to a network",
    "home": "names under .home are private to a network",
    "lan": "names under .lan are private to a network",
    "private": "names under .private are private to a network",
    "home.arpa": "names under .home.arpa are private to a home network",
    "test": "names under .test are reserved for testing",
    "invalid": "names under .invalid are reserved and never resolve",
    "onion": "names under .onion are only reachable through Tor",
}


def name_refusal(name: str) -> str | None:
    """Return why a host name must not be looked up, or None when it may be resolved.

    `name` is lowercase ASCII without a trailing dot, as `parse_url` returns it.

    >>> name_refusal("metadata.google.internal")
    'names under .internal are private to a network'
    >>> name_refusal("fileserver")
    'a single-label name is completed by the local network'
    """
    labels = name.split(".")
    for size in (2, 1):
        suffix = ".".join(labels[-size:])
        if len(labels) >= size and suffix in PRIVATE_SUFFIXES:
            return PRIVATE_SUFFIXES[suffix]
    if len(labels) == 1:
        return "a single-label name is completed by the local network"
    return None

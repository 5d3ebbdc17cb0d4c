"""Fetch a public web page for the reader, safely: public addresses only, pinned, bounded in time and size.

`fetch_public_url(url)` returns a `FetchedPage` or raises a `FetchError` subclass whose `code` is stable and
whose `message` a patient can read. Plain Python, no web framework.
"""

from celldecide.fetch.addresses import address_refusal, is_public_address
from celldecide.fetch.errors import (
    ERRORS,
    BadUrl,
    CredentialsNotAllowed,
    FetchError,
    HttpError,
    PrivateAddress,
    SchemeNotAllowed,
    Timeout,
    TlsError,
    TooLarge,
    TooManyRedirects,
    Unreachable,
    UnsupportedContentType,
    UnsupportedEncoding,
)
from celldecide.fetch.fetcher import FetchedPage, Resolver, fetch_public_url, resolve_with_getaddrinfo
from celldecide.fetch.urls import ParsedUrl, parse_url

__all__ = [
    "ERRORS",
    "BadUrl",
    "CredentialsNotAllowed",
    "FetchError",
    "FetchedPage",
    "HttpError",
    "ParsedUrl",
    "PrivateAddress",
    "Resolver",
    "SchemeNotAllowed",
    "Timeout",
    "TlsError",
    "TooLarge",
    "TooManyRedirects",
    "Unreachable",
    "UnsupportedContentType",
    "UnsupportedEncoding",
    "address_refusal",
    "fetch_public_url",
    "is_public_address",
    "parse_url",
    "resolve_with_getaddrinfo",
]

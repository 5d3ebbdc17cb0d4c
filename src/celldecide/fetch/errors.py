"""Typed refusals of the URL fetcher: one class per stable code, each with a message a patient understands.

The codes are part of the public contract (the reader page and the JSON API show them), so a code is added,
never renamed. `detail` is for logs and developers; `message` is what a person sees.

>>> error = PrivateAddress("127.0.0.1 is a loopback address")
>>> error.code, error.as_dict()["message"]
('private_address', 'This address points to a private network, which CellDecide does not read.')
"""

from __future__ import annotations

from typing import ClassVar


class FetchError(Exception):
    """Refuse to read a URL, saying why in a stable code and a plain sentence."""

    code: ClassVar[str] = "fetch_error"
    message: ClassVar[str] = "CellDecide could not read this address."

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"{self.code}: {detail or self.message}")
        self.detail = detail

    def as_dict(self) -> dict[str, str]:
        """Return the code and the message, the shape the web layer and the API show."""
        return {"code": self.code, "message": self.message}


class BadUrl(FetchError):
    code = "bad_url"
    message = (
        "This does not look like a complete web address. Check that it starts with http:// or https:// "
        "and has no typing mistakes."
    )


class SchemeNotAllowed(FetchError):
    code = "scheme_not_allowed"
    message = "CellDecide only opens web pages, whose addresses start with http:// or https://."


class CredentialsNotAllowed(FetchError):
    code = "credentials_not_allowed"
    message = (
        "This address contains a user name or password. CellDecide does not open addresses that carry "
        "login details; paste the page's text instead."
    )


class PrivateAddress(FetchError):
    code = "private_address"
    message = "This address points to a private network, which CellDecide does not read."


class TooManyRedirects(FetchError):
    code = "too_many_redirects"
    message = (
        "This page sent CellDecide on to other addresses too many times, so it stopped following. "
        "Open the page in your browser and paste its final address or its text."
    )


class TooLarge(FetchError):
    code = "too_large"
    message = "This page is larger than CellDecide reads (2 MB). Paste the part you want read instead."


class UnsupportedContentType(FetchError):
    code = "unsupported_content_type"
    message = (
        "This address leads to a file that is not a web page or plain text (for example a PDF or an image). "
        "Copy the words from it and paste them instead."
    )


class UnsupportedEncoding(FetchError):
    code = "unsupported_encoding"
    message = "The site sent this page in a compressed form CellDecide cannot open. Paste the page's text instead."


class Timeout(FetchError):
    code = "timeout"
    message = "The site took too long to answer (more than 5 seconds). Try again later, or paste the page's text."


class Unreachable(FetchError):
    code = "unreachable"
    message = "CellDecide could not reach this site. Check the address for typing mistakes, or try again later."


class TlsError(FetchError):
    code = "tls_error"
    message = "The site's security certificate could not be verified, so CellDecide did not open it."


class HttpError(FetchError):
    code = "http_error"
    message = (
        "The site answered with an error instead of the page, so there is nothing to read. "
        "Check the address in your browser."
    )

    def __init__(self, detail: str = "", *, status: int) -> None:
        super().__init__(detail or f"the site answered with status {status}")
        self.status = status


ERRORS: dict[str, type[FetchError]] = {
    cls.code: cls
    for cls in (
        BadUrl,
        SchemeNotAllowed,
        CredentialsNotAllowed,
        PrivateAddress,
        TooManyRedirects,
        TooLarge,
        UnsupportedContentType,
        UnsupportedEncoding,
        Timeout,
        Unreachable,
        TlsError,
        HttpError,
    )
}

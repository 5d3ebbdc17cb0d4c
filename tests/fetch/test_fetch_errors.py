"""Every refusal has a stable code and a plain message; the module examples stay true."""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys

import pytest

from celldecide import fetch
from celldecide.fetch import ERRORS, FetchError, HttpError, PrivateAddress

MODULES = ["addresses", "decode", "errors", "fetcher", "names", "transport", "urls"]


def test_it_gives_every_error_class_its_own_code() -> None:
    exported = [value for value in vars(fetch).values() if isinstance(value, type)]
    classes = [cls for cls in exported if issubclass(cls, FetchError) and cls is not FetchError]
    assert sorted(cls.code for cls in classes) == sorted(ERRORS)
    assert all(ERRORS[cls.code] is cls for cls in classes)


@pytest.mark.parametrize("code", sorted(ERRORS))
def test_it_explains_each_refusal_in_plain_sentences(code: str) -> None:
    message = ERRORS[code].message
    assert message.endswith(".") and message[0].isupper()
    assert code not in message and "Error" not in message and "exception" not in message.lower()


def test_it_keeps_the_detail_apart_from_the_message() -> None:
    error = PrivateAddress("10.0.0.1 is private")
    assert error.detail == "10.0.0.1 is private"
    assert error.as_dict() == {"code": "private_address", "message": PrivateAddress.message}


def test_it_carries_the_status_of_an_error_page() -> None:
    assert HttpError(status=404).status == 404


@pytest.mark.parametrize("name", MODULES)
def test_it_keeps_the_module_examples_true(name: str) -> None:
    module = importlib.import_module(f"celldecide.fetch.{name}")
    failures, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert (failures, attempted > 0) == (0, True)


def test_it_imports_no_web_framework() -> None:
    probe = "import sys, celldecide.fetch; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"

"""Fixtures for the bad-input catalogue: the reader page and API without rate limits, fetches kept offline."""

from __future__ import annotations

import pytest

from tests.reader.conftest import knowledge  # noqa: F401  the checked knowledge base, shared with the reader tests


@pytest.fixture
def unlimited(settings):
    """Turn the per-address rate limits off, so a long table of requests is never answered 429."""
    settings.READ_RATE_LIMIT = "0/60"
    settings.CORRECTIONS_RATE_LIMIT = "0/60"
    return settings

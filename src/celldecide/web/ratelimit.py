"""A fixed-window rate limit per client address, kept in Django's cache (shared by workers with Redis)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    """`count` requests per `window` seconds."""

    count: int
    window: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """Return a limit from `COUNT/SECONDS`.

        >>> Limit.parse("30/60")
        Limit(count=30, window=60)
        """
        count, _, window = text.partition("/")
        return cls(int(count), int(window or 60))


def client_address(request: HttpRequest) -> str:
    """Return the address the limit is counted against (the direct peer; a proxy must set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit(request: HttpRequest, *, scope: str, limit: Limit) -> int | None:
    """Count one request; return None if allowed, else the seconds until the window resets."""
    if limit.count <= 0:
        return None
    now = int(time.time())
    window_start = now - now % limit.window
    key = f"rl:{scope}:{client_address(request)}:{window_start}"
    if cache.add(key, 1, timeout=limit.window + 1):
        used = 1
    else:
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=limit.window + 1)
            used = 1
    if used > limit.count:
        return max(1, window_start + limit.window - now)
    return None

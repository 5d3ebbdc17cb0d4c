"""Start Django for the commands that need the database (they honour DATABASE_URL like the server)."""

from __future__ import annotations

import os


def setup_django() -> None:
    """Configure Django with the development settings unless DJANGO_SETTINGS_MODULE says otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celldecide.web.settings.dev")
    import django

    django.setup()

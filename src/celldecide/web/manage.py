"""Django's management entry point: `python -m celldecide.web.manage migrate`, `createsuperuser`, `load_knowledge`."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a Django management command with the project's default (development) settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celldecide.web.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else [sys.argv[0], *sys.argv[1:]])


if __name__ == "__main__":
    main()

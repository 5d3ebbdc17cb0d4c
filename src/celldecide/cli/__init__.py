"""The `celldecide` command: one sub-command module per noun (kb, read, trials, sources).

Each module exposes `register(subparsers)` and sets `func` on its parsers; a command parses its input, calls
one function of the core, and renders. Exit codes: 0 success, 1 a check found problems, 2 bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Sub-command modules, in the order `celldecide --help` lists them.
MODULES: tuple[str, ...] = ("kb", "read", "trials", "sources")


class UsageError(Exception):
    """Raise for bad input from the command line; printed without a traceback, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every available sub-command registered."""
    parser = argparse.ArgumentParser(prog="celldecide", description="Read stem-cell claims honestly.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in MODULES:
        try:
            module = importlib.import_module(f"celldecide.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"celldecide.cli.{name}":
                continue  # a sub-command that this checkout does not ship yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"celldecide: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

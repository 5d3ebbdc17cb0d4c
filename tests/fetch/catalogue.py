"""Render `CATALOGUE.md` from the refusal table: `python -m tests.fetch.catalogue > tests/fetch/CATALOGUE.md`."""

from __future__ import annotations

from pathlib import Path

from celldecide.fetch import ERRORS, FetchError, fetch_public_url
from tests.fetch.cases import REFUSALS, Refusal
from tests.fetch.world import Reply

CATALOGUE_PATH = Path(__file__).with_name("CATALOGUE.md")

INTRO = """# What the URL reader refuses, and what it says

Generated from `tests/fetch/cases.py` by `python -m tests.fetch.catalogue > tests/fetch/CATALOGUE.md`;
`tests/fetch/test_fetch_catalogue.py` fails when this file and the table disagree, and every row is a test
in `tests/fetch/test_fetch_refusals.py`. In every row the host `public.example` resolves to a public address;
"Given" lists the other names a row's resolver knows and what the fake sites answer. No row contacts a
private address: the tests check that no request is ever sent to one.

The **code** is stable (the reader page and the JSON API return it); the **message** is what a person sees;
**why** is the error's `detail`, written for developers and logs.
"""


def _cell(text: str) -> str:
    """Return text as a code span safe inside a Markdown table cell; invisible characters are shown escaped."""
    shown = repr(text)[1:-1] if text.strip() != text or not text.isprintable() else text
    # Backslashes are literal inside a code span; only the table's pipe needs escaping.
    return "`" + shown.replace("|", "\\|").replace("`", "'") + "`"


def _reply(reply: Reply) -> str:
    if "location" in reply.headers:
        return f"{reply.status} to {_cell(reply.headers['location'])}"
    kind = reply.headers.get("content-type", "no content type")
    shown = ("content-length", "content-encoding")
    extras = [f"{name} {value}" for name, value in reply.headers.items() if name in shown]
    return ", ".join([f"{reply.status} {kind}", *extras])


def describe(case: Refusal) -> str:
    """Return the 'Given' cell: the names the resolver answers for and what the fake sites send."""
    parts = [f"{_cell(name)} resolves to {', '.join(addresses)}" for name, addresses in case.dns.items()]
    parts += [f"{_cell(path)} answers {_reply(reply)}" for path, reply in case.sites.items()]
    if case.note:
        parts.append(case.note)
    return "; ".join(parts)


def refusal_detail(case: Refusal) -> str:
    """Fetch a case in its fake world and return the refusal's detail; fail loudly if it is not refused."""
    world = case.world()
    try:
        fetch_public_url(case.url, client=world.client(), resolver=world.resolve)
    except FetchError as refusal:
        return refusal.detail
    raise AssertionError(f"{case.url} was fetched, not refused")


def render_catalogue() -> str:
    """Return the whole catalogue as Markdown, one section per group of the table."""
    lines = [INTRO]
    groups = list(dict.fromkeys(case.group for case in REFUSALS))
    for group in groups:
        lines += [f"## {group}", "", "| Input | Given | Code | Message | Why |", "|---|---|---|---|---|"]
        for case in (case for case in REFUSALS if case.group == group):
            message = ERRORS[case.code].message
            why = refusal_detail(case).replace("|", "\\|")
            lines.append(f"| {_cell(case.url)} | {describe(case)} | `{case.code}` | {message} | {why} |")
        lines.append("")
    lines.append(f"{len(REFUSALS)} rows.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_catalogue(), end="")

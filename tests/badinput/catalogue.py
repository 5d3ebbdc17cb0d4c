"""Write CATALOGUE.md from the bad-input table: `python -m tests.badinput.catalogue`.

`tests/badinput/test_catalogue.py` fails when the file and the table (cases.py) disagree.
"""

from __future__ import annotations

from pathlib import Path

from celldecide.fetch import ERRORS, FetchError, fetch_public_url
from celldecide.fetch.urls import has_scheme
from tests.badinput import cases
from tests.fetch.catalogue import _cell, describe
from tests.fetch.cases import Refusal

CATALOGUE_PATH = Path(__file__).with_name("CATALOGUE.md")

INTRO = """# Bad input: what CellDecide is given, and what it answers

Generated from `tests/badinput/cases.py` by `python -m tests.badinput.catalogue`; every row is a test in
`tests/badinput/test_badinput.py`, run on SQLite and again on PostgreSQL where it touches the database.
JSON errors have the API's one shape, `{"error": {"code": "...", "message": "..."}}`. The URL rows are fetched
through a fake resolver and fake sites: no test contacts any address, and each checks that no request was sent
to a private one. `tests/fetch/CATALOGUE.md` adds why the fetcher refuses each address.
"""

SECTIONS = ("Oversized input", "Binary and invalid UTF-8", "HTML and script injection")


def _page_code(case: Refusal) -> str:
    """Return the code the reader page shows: the form puts https:// before an address with no scheme."""
    url = case.url.strip()
    world = case.world()
    try:
        fetch_public_url(url if has_scheme(url) else f"https://{url}", client=world.client(), resolver=world.resolve)
    except FetchError as refusal:
        return refusal.code
    raise AssertionError(f"{case.url} was fetched, not refused")


def _url_row(case: Refusal) -> tuple[str, str]:
    given = describe(case)
    shown = _cell(case.url) + (f" ({given})" if given else "")
    answer = f"400 `url_refused`, reason `{case.code}`"
    page = _page_code(case)
    if page != case.code:
        answer += f"; the page adds https:// in front and answers `{page}`"
    return shown, answer


def _messages(refusals: list[Refusal]) -> list[str]:
    """Return the sentence each code shows, once per section, under its table."""
    codes = dict.fromkeys(code for case in refusals for code in (case.code, _page_code(case)))
    return ["Both the page and the API show the message of the code:", ""] + [
        f"- `{code}`: {ERRORS[code].message}" for code in codes
    ] + [""]


def _pipes(text: str) -> str:
    """Escape the table's column separator inside a cell."""
    return text.replace("|", "\\|")


def _rows(area: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for group in (cases.HTTP, cases.READER, cases.CLI, cases.SHOWN):
        for case in group:
            if case.area == area:
                where = {cases.Reader: "Reader: ", cases.Cli: ""}.get(type(case), "")
                rows.append((where + case.input, case.response()))
    return rows


def render_catalogue() -> str:
    """Return the whole catalogue as Markdown: one table per kind of input."""
    url_sections = {
        "Private-network addresses (POST /api/v1/read and the /read/ page)": cases.URLS,
        "Other URL refusals (POST /api/v1/read and the /read/ page)": cases.OTHER_URLS,
    }
    sections = [(title, _rows(title)) for title in SECTIONS]
    sections += [(title, [_url_row(case) for case in refusals]) for title, refusals in url_sections.items()]
    sections.append(("Registry files (`celldecide trials import`, each beside a good file)",
                     [(f"`{c.name}`: {c.input}", c.response()) for c in cases.REGISTRY]))  # fmt: skip
    lines = [INTRO]
    total = 0
    for title, rows in sections:
        lines += [f"## {title}", "", "| Input | Response |", "|---|---|"]
        lines += [f"| {_pipes(given)} | {_pipes(answer)} |" for given, answer in rows]
        lines.append("")
        if title in url_sections:
            lines += _messages(url_sections[title])
        total += len(rows)
    lines.append(f"{total} rows.")
    return "\n".join(lines) + "\n"


def main() -> None:
    CATALOGUE_PATH.write_text(render_catalogue(), encoding="utf-8")
    print(f"wrote {CATALOGUE_PATH}")


if __name__ == "__main__":
    main()

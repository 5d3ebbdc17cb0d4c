"""Consistency checks over a loaded knowledge base.

Schemas validate one entry at a time; these checks look across entries: ids unique, every reference
resolves, every spec id present, every pattern compiles. Each returns `Problem`s; none raises.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from celldecide.knowledge import spec

if TYPE_CHECKING:
    from celldecide.knowledge.loader import Knowledge, Problem

Check = Callable[["Knowledge"], Iterator["Problem"]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    """Register a check; `check_knowledge` runs them in declaration order."""
    CHECKS.append(fn)
    return fn


def check_knowledge(kb: Knowledge) -> list[Problem]:
    """Return every problem that the registered checks find in `kb`."""
    problems: list[Problem] = []
    for fn in CHECKS:
        problems.extend(fn(kb))
    return problems


def _problem(file: str, entry: str, field: str, message: str) -> Problem:
    from celldecide.knowledge.loader import Problem

    return Problem(file, entry, field, message)


@check
def unique_ids(kb: Knowledge) -> Iterator[Problem]:
    from celldecide.knowledge.loader import COLLECTIONS

    for coll in COLLECTIONS:
        counts = Counter(getattr(e, coll.key) for e in kb.all(coll.name))
        for key, n in counts.items():
            if n > 1:
                yield _problem(kb.origin(coll.name, key), key, coll.key, f"{coll.key} is used {n} times in {coll.name}")


@check
def spec_ids_present(kb: Knowledge) -> Iterator[Problem]:
    required = {
        "stages": (spec.STAGE_IDS, "stages.yaml"),
        "checklist": (spec.CHECKLIST_IDS, "checklist.yaml"),
        "layers": (spec.LAYER_IDS, "layers.yaml"),
        "red_flags": (spec.RED_FLAG_IDS, "red_flags.yaml"),
        "cell_types": (spec.CELL_TYPE_IDS, "cell_types.yaml"),
    }
    for name, (ids, file) in required.items():
        present = [e.id for e in kb.all(name)]
        for missing in sorted(set(ids) - set(present)):
            yield _problem(file, missing, "id", f"the reading contract requires {name} id {missing!r}")
        known = [i for i in present if i in ids]
        if known != [i for i in ids if i in known]:  # the contract's own ids keep its order
            yield _problem(file, "", "id", f"{name} must follow the contract's order: {', '.join(ids)}")
        if name == "cell_types":
            continue  # the contract lists the cell types a knowledge base has "at least"; more may be added
        for extra in sorted(set(present) - set(ids)):
            yield _problem(kb.origin(name, extra), extra, "id", f"{extra!r} is not a {name} id of the reading contract")
    for stage in kb.stages:
        expected = spec.STAGE_IDS.index(stage.id) + 1
        if stage.n != expected:
            yield _problem("stages.yaml", stage.id, "n", f"stage {stage.id} is number {expected} in the contract")


@check
def references_resolve(kb: Knowledge) -> Iterator[Problem]:
    ids = {name: set(kb.by_id(name)) for name in ("sources", "cell_types", "conditions", "regulators", "products")}
    ids["red_flags"] = {f.id for f in kb.red_flags}

    def refs(coll: str, key: str, field: str, values, target: str) -> Iterator[Problem]:
        for value in values:
            if value not in ids[target]:
                yield _problem(kb.origin(coll, key), key, field, f"unknown {target[:-1]} id {value!r}")

    from celldecide.knowledge.loader import COLLECTIONS

    for coll in COLLECTIONS:
        for entry in kb.all(coll.name):
            key = getattr(entry, coll.key)
            yield from refs(coll.name, key, "sources", getattr(entry, "sources", []), "sources")
            if coll.name in ("products", "frontiers", "signals"):
                yield from refs(coll.name, key, "cell_types", getattr(entry, "cell_types", []), "cell_types")
            if coll.name in ("products", "signals"):
                yield from refs(coll.name, key, "conditions", entry.conditions, "conditions")
    for product in kb.products:
        for i, auth in enumerate(product.authorizations):
            field = f"authorizations.{i}"
            yield from refs("products", product.id, f"{field}.regulator", [auth.regulator], "regulators")
            yield from refs("products", product.id, f"{field}.sources", auth.sources, "sources")
    for condition in kb.conditions:
        yield from refs("conditions", condition.id, "products", condition.products, "products")
        yield from refs("conditions", condition.id, "typical_red_flags", condition.typical_red_flags, "red_flags")
    for slug, page in kb.pages.items():
        for field, target in (("sources", "sources"), ("products", "products"), ("conditions", "conditions")):
            for value in getattr(page, field):
                if value not in ids[target]:
                    yield _problem(f"pages/{slug}.md", slug, field, f"unknown {target[:-1]} id {value!r}")


@check
def patterns_compile(kb: Knowledge) -> Iterator[Problem]:
    for flag in kb.red_flags:
        for i, pattern in enumerate(flag.patterns):
            for field in ("regex", "near", "unless"):
                value = getattr(pattern, field)
                if value is None:
                    continue
                try:
                    re.compile(value)
                except re.error as exc:
                    yield _problem("red_flags.yaml", flag.id, f"patterns.{i}.{field}", f"regex does not compile: {exc}")


@check
def synonyms_unambiguous(kb: Knowledge) -> Iterator[Problem]:
    """A phrase may name one condition and one cell type, never two of the same kind."""
    for name in ("cell_types", "conditions"):
        owner: dict[str, str] = {}
        for entry in kb.all(name):
            for phrase in {s.casefold() for s in entry.synonyms}:
                if phrase in owner and owner[phrase] != entry.id:
                    yield _problem(
                        kb.origin(name, entry.id), entry.id, "synonyms",
                        f"{phrase!r} also names {owner[phrase]!r}",
                    )
                owner.setdefault(phrase, entry.id)


@check
def hub_sections_present(kb: Knowledge) -> Iterator[Problem]:
    expected = {"frontiers": 6, "mechanisms": 6, "source_tiers": 7, "borrowing": 5, "faqs": 5, "planned_pages": 6}
    for name, n in expected.items():
        have = len(kb.all(name))
        if have != n:
            yield _problem(f"{name}.yaml", "", "", f"the hub expects {n} {name}, found {have}")
    for slug in ("hub", "patients", "not-this-page", "methodology", "disclosures"):
        if slug not in kb.pages:
            yield _problem(f"pages/{slug}.md", slug, "", "page is missing")


_URL = re.compile(r"https?://[^\s)\]>\"']+")


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


@check
def no_clinic_as_provider(kb: Knowledge) -> Iterator[Problem]:
    """Links in prose may only point where the project's own sources live, so no clinic is ever linked as a
    provider; sources themselves come from regulators, registries, journals, institutions and the press."""
    from urllib.parse import urlsplit

    from celldecide.knowledge.loader import COLLECTIONS

    allowed = {urlsplit(s.url).hostname for s in kb.sources}
    allowed |= {urlsplit(r.check_url).hostname for r in kb.regulators}
    allowed |= {urlsplit(r.record_url.replace("{id}", "x")).hostname for r in kb.registries}
    allowed |= {urlsplit(i.url).hostname for i in kb.all("institutions")}
    for coll in COLLECTIONS:
        if coll.name == "sources":
            continue
        for entry in kb.all(coll.name):
            key = getattr(entry, coll.key)
            for text in _strings(entry.model_dump(mode="json")):
                for url in _URL.findall(text):
                    if urlsplit(url).hostname not in allowed:
                        yield _problem(kb.origin(coll.name, key), key, "", f"links to {url}, which is not a cited source")
    for slug, page in kb.pages.items():
        for url in _URL.findall(page.body):
            if urlsplit(url).hostname not in allowed:
                yield _problem(f"pages/{slug}.md", slug, "body", f"links to {url}, which is not a cited source")

"""Load the knowledge base from `knowledge/` into validated, immutable objects.

The layout is declared once in `COLLECTIONS`: a collection is either one YAML file holding a list, or a folder
of YAML files (each a list, or each one mapping). Markdown pages live in `pages/` with YAML front matter.

>>> kb = load_knowledge()          # doctest: +SKIP
>>> kb.by_id("stages")["early_human"].n
3
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from celldecide.knowledge import cache, schemas


@dataclass(frozen=True)
class Collection:
    """Where one kind of entry lives and which schema validates it."""

    name: str
    path: str  # relative to the knowledge root: a file, or a folder of files
    model: type[BaseModel]
    key: str = "id"
    one_per_file: bool = False


COLLECTIONS: tuple[Collection, ...] = (
    Collection("sources", "sources", schemas.Source),
    Collection("stages", "stages.yaml", schemas.Stage),
    Collection("checklist", "checklist.yaml", schemas.ChecklistQuestion),
    Collection("layers", "layers.yaml", schemas.Layer),
    Collection("red_flags", "red_flags.yaml", schemas.RedFlag),
    Collection("cell_types", "cell_types.yaml", schemas.CellType),
    Collection("conditions", "conditions.yaml", schemas.Condition),
    Collection("regulators", "regulators.yaml", schemas.Regulator),
    Collection("registries", "registries.yaml", schemas.Registry),
    Collection("products", "products", schemas.Product, one_per_file=True),
    Collection("frontiers", "frontiers.yaml", schemas.Frontier),
    Collection("mechanisms", "mechanisms.yaml", schemas.Mechanism),
    Collection("potency", "potency.yaml", schemas.PotencyType),
    Collection("lifecycle", "lifecycle.yaml", schemas.LifecycleRow),
    Collection("hidden_cell_therapies", "hidden_cell_therapies.yaml", schemas.HiddenCellTherapy),
    Collection("institutions", "institutions.yaml", schemas.Institution),
    Collection("source_tiers", "source_tiers.yaml", schemas.SourceTierEntry),
    Collection("signals", "signals.yaml", schemas.Signal),
    Collection("borrowing", "borrowing.yaml", schemas.Borrowing),
    Collection("faqs", "faqs.yaml", schemas.Faq),
    Collection("planned_pages", "planned_pages.yaml", schemas.PlannedPage, key="slug"),
    Collection("clinic_questions", "clinic_questions.yaml", schemas.ClinicQuestion),
    Collection("evidence_ladder", "evidence_ladder.yaml", schemas.EvidenceRung),
    Collection("glossary", "glossary.yaml", schemas.GlossaryTerm),
    Collection("source_map", "source_map.yaml", schemas.SourceKind),
    Collection("field_guide", "field_guide.yaml", schemas.FieldGuideRow),
)
COLLECTION_BY_NAME = {c.name: c for c in COLLECTIONS}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the knowledge base, printed as `file:entry:field: message`."""

    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.entry or '-'}:{self.field or '-'}: {self.message}"


class KnowledgeError(Exception):
    """Raise when the knowledge base does not load or check; `problems` says where and why."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        lines = "\n".join(str(p) for p in self.problems[:20])
        more = f"\n… and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"the knowledge base has {len(self.problems)} problem(s):\n{lines}{more}")


@dataclass(frozen=True)
class Located:
    """An entry together with the file it came from (for messages and for the admin)."""

    file: str
    entry: Any


@dataclass
class Knowledge:
    """The whole knowledge base: entries by collection, pages by slug, and a content version."""

    root: Path
    version: str
    collections: dict[str, list[Any]]
    pages: dict[str, schemas.Page]
    origins: dict[tuple[str, str], str] = field(default_factory=dict)
    _index: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def all(self, name: str) -> list[Any]:
        """Return every entry of collection `name`, in file order."""
        return self.collections[name]

    def by_id(self, name: str) -> dict[str, Any]:
        """Return collection `name` as a dict keyed by its key field (cached)."""
        if name not in self._index:
            key = COLLECTION_BY_NAME[name].key
            self._index[name] = {getattr(e, key): e for e in self.collections[name]}
        return self._index[name]

    def get(self, name: str, key: str) -> Any | None:
        """Return one entry, or None."""
        return self.by_id(name).get(key)

    def origin(self, name: str, key: str) -> str:
        """Return the file (relative to the root) that defines entry `key` of collection `name`."""
        return self.origins.get((name, key), "")

    def stats(self) -> dict[str, int]:
        """Return the number of entries per collection, plus pages."""
        counts = {name: len(entries) for name, entries in self.collections.items()}
        counts["pages"] = len(self.pages)
        counts["authorizations"] = sum(len(p.authorizations) for p in self.collections["products"])
        return counts

    # Short attribute access for the most used collections.
    @property
    def stages(self) -> list[schemas.Stage]:
        return self.collections["stages"]

    @property
    def checklist(self) -> list[schemas.ChecklistQuestion]:
        return self.collections["checklist"]

    @property
    def layers(self) -> list[schemas.Layer]:
        return self.collections["layers"]

    @property
    def red_flags(self) -> list[schemas.RedFlag]:
        return self.collections["red_flags"]

    @property
    def cell_types(self) -> list[schemas.CellType]:
        return self.collections["cell_types"]

    @property
    def conditions(self) -> list[schemas.Condition]:
        return self.collections["conditions"]

    @property
    def regulators(self) -> list[schemas.Regulator]:
        return self.collections["regulators"]

    @property
    def registries(self) -> list[schemas.Registry]:
        return self.collections["registries"]

    @property
    def products(self) -> list[schemas.Product]:
        return self.collections["products"]

    @property
    def sources(self) -> list[schemas.Source]:
        return self.collections["sources"]


def default_root() -> Path:
    """Return the knowledge folder: `CELLDECIDE_KNOWLEDGE_DIR`, else `knowledge/` at the project root."""
    configured = os.environ.get("CELLDECIDE_KNOWLEDGE_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "knowledge"


def _files(root: Path, coll: Collection) -> list[Path]:
    target = root / coll.path
    if target.is_dir():
        return sorted(p for p in target.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [target] if target.exists() else []


def _read_yaml(path: Path, rel: str, problems: list[Problem]) -> Any:
    import yaml  # here, not above: a process that finds the knowledge in the cache never parses YAML

    try:
        with path.open("rb") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problems.append(Problem(rel, "", where, f"YAML does not parse: {getattr(exc, 'problem', exc)}"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, "", "", f"not UTF-8: {exc}"))
    return None


def _raw_entries(data: Any, rel: str, coll: Collection, problems: list[Problem]) -> Iterator[tuple[int, Any]]:
    if data is None:
        return
    if coll.one_per_file:
        if not isinstance(data, dict):
            problems.append(Problem(rel, "", "", "expected one mapping (a single entry) in this file"))
            return
        yield 0, data
        return
    if not isinstance(data, list):
        problems.append(Problem(rel, "", "", "expected a YAML list of entries"))
        return
    yield from enumerate(data)


def _validation_problems(exc: ValidationError, rel: str, label: str) -> Iterator[Problem]:
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"])
        yield Problem(rel, label, loc, err["msg"])


def _load_collection(root: Path, coll: Collection, problems: list[Problem], origins: dict) -> list[Any]:
    entries: list[Any] = []
    for path in _files(root, coll):
        rel = path.relative_to(root).as_posix()
        data = _read_yaml(path, rel, problems)
        for position, raw in _raw_entries(data, rel, coll, problems):
            label = str(raw.get(coll.key, f"#{position + 1}")) if isinstance(raw, dict) else f"#{position + 1}"
            if not isinstance(raw, dict):
                problems.append(Problem(rel, label, "", "an entry must be a mapping"))
                continue
            try:
                entry = coll.model.model_validate(raw)
            except ValidationError as exc:
                problems.extend(_validation_problems(exc, rel, label))
                continue
            entries.append(entry)
            origins.setdefault((coll.name, getattr(entry, coll.key)), rel)
    return entries


def _load_pages(root: Path, problems: list[Problem]) -> dict[str, schemas.Page]:
    import frontmatter
    import yaml

    pages: dict[str, schemas.Page] = {}
    folder = root / "pages"
    if not folder.is_dir():
        return pages
    for path in sorted(folder.glob("*.md")):
        rel = path.relative_to(root).as_posix()
        try:
            post = frontmatter.loads(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
            problems.append(Problem(rel, "", "", f"front matter does not parse: {exc}"))
            continue
        raw = {"slug": path.stem, **post.metadata, "body": post.content}
        try:
            page = schemas.Page.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_validation_problems(exc, rel, path.stem))
            continue
        pages[page.slug] = page
    return pages


def content_digest(root: Path) -> str:
    """Return the SHA-256 (hex) of the relative path and bytes of every file under `root`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _version(digest: str) -> str:
    return "kb-" + digest[:12]


def content_version(root: Path) -> str:
    """Return a short digest of every file under `root`: the knowledge base revision a reading cites."""
    return _version(content_digest(root))


def load_knowledge_uncached(root: Path | str | None = None, *, check: bool = True) -> Knowledge:
    """Load and validate the knowledge base at `root`; raise `KnowledgeError` listing every problem."""
    from celldecide.knowledge.checks import check_knowledge  # local: checks imports this module

    root = Path(root) if root is not None else default_root()
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), "", "", "knowledge folder not found")])
    problems: list[Problem] = []
    origins: dict[tuple[str, str], str] = {}
    collections = {c.name: _load_collection(root, c, problems, origins) for c in COLLECTIONS}
    pages = _load_pages(root, problems)
    kb = Knowledge(root=root, version=content_version(root), collections=collections, pages=pages, origins=origins)
    if check:
        problems.extend(check_knowledge(kb))
    if problems:
        raise KnowledgeError(problems)
    return kb


def load_knowledge_cached(root: Path) -> Knowledge:
    """Load the checked knowledge base at `root` through the on-disk cache (`celldecide.knowledge.cache`).

    The cache is read only for exactly the files under `root` as they are now (and this code and its
    libraries); otherwise the files are loaded and checked, and the result is stored for the next process
    when the files did not change while they were read.
    """
    if not root.is_dir():
        return load_knowledge_uncached(root)  # which says what is wrong
    digest = content_digest(root)
    key = cache.cache_key(digest)
    found = cache.read_entry(key)
    if isinstance(found, Knowledge) and found.version == _version(digest):
        found.root = root
        return found
    kb = load_knowledge_uncached(root)
    if kb.version == _version(digest) and content_digest(root) == digest:
        cache.write_entry(key, kb)
    return kb


_cache: dict[Path, Knowledge] = {}
_cache_lock = threading.Lock()


def load_knowledge(root: Path | str | None = None) -> Knowledge:
    """Return the checked knowledge base at `root`, loading it once per process (and reading the on-disk
    copy a previous process left, when the files are unchanged)."""
    key = (Path(root) if root is not None else default_root()).resolve()
    with _cache_lock:
        kb = _cache.get(key)
        if kb is None:
            kb = _cache[key] = load_knowledge_cached(key)
        return kb


def reload_knowledge(root: Path | str | None = None) -> Knowledge:
    """Load `root` again; on failure keep the last good copy in the cache and raise `KnowledgeError`."""
    key = (Path(root) if root is not None else default_root()).resolve()
    fresh = load_knowledge_uncached(key)
    with _cache_lock:
        _cache[key] = fresh
    return fresh

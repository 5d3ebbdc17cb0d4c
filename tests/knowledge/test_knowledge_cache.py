"""The on-disk knowledge cache: a new process reads what an earlier one loaded and checked, and nothing else."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from celldecide.knowledge import KnowledgeError, cache, loader
from tests.conftest import KNOWLEDGE_DIR, REPO_ROOT


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of the test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CELLDECIDE_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def file_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The roots loaded from their files (each one a cache miss)."""
    loads: list[Path] = []
    real = loader.load_knowledge_uncached

    def counting(root=None, **kwargs):
        loads.append(Path(root))
        return real(root, **kwargs)

    monkeypatch.setattr(loader, "load_knowledge_uncached", counting)
    return loads


def _entry(folder: Path) -> Path:
    [entry] = folder.glob("knowledge-*.pickle")
    return entry


def test_it_reads_the_knowledge_an_earlier_load_checked(knowledge_copy, cache_folder, file_loads):
    first = loader.load_knowledge_cached(knowledge_copy)
    second = loader.load_knowledge_cached(knowledge_copy)
    assert file_loads == [knowledge_copy]
    assert second is not first and second.version == first.version and second.root == knowledge_copy
    assert second.collections == first.collections
    assert second.pages == first.pages and second.origins == first.origins


def test_it_gives_the_root_it_was_asked_for(knowledge_copy, tmp_path, cache_folder, file_loads):
    loader.load_knowledge_cached(knowledge_copy)
    moved = knowledge_copy.rename(tmp_path / "moved")
    assert loader.load_knowledge_cached(moved).root == moved
    assert file_loads == [knowledge_copy]


def test_an_edited_file_is_loaded_again(knowledge_copy, cache_folder, file_loads):
    first = loader.load_knowledge_cached(knowledge_copy)
    stages = knowledge_copy / "stages.yaml"
    stages.write_text(stages.read_text(encoding="utf-8") + "# an edit\n", encoding="utf-8")
    edited = loader.load_knowledge_cached(knowledge_copy)
    assert len(file_loads) == 2 and edited.version != first.version
    assert loader.load_knowledge_cached(knowledge_copy).version == edited.version and len(file_loads) == 2


def test_an_added_file_is_loaded_again(knowledge_copy, cache_folder, file_loads):
    loader.load_knowledge_cached(knowledge_copy)
    (knowledge_copy / "notes.txt").write_text("not an entry\n", encoding="utf-8")
    loader.load_knowledge_cached(knowledge_copy)
    assert len(file_loads) == 2


def test_the_key_changes_with_the_content_the_code_and_the_versions(monkeypatch):
    import celldecide

    key = cache.cache_key("0" * 64)
    assert cache.cache_key("1" + "0" * 63) != key
    monkeypatch.setattr(celldecide, "__version__", "99.0")
    assert cache.cache_key("0" * 64) != key
    monkeypatch.undo()
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    assert cache.cache_key("0" * 64) != key
    monkeypatch.undo()
    monkeypatch.setattr(cache, "_library_version", lambda name: "0.0")
    assert cache.cache_key("0" * 64) != key


def test_the_key_changes_when_the_knowledge_code_changes(tmp_path, monkeypatch):
    package = tmp_path / "knowledge"
    package.mkdir()
    (package / "schemas.py").write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_PACKAGE", package)
    key = cache.cache_key("0" * 64)
    (package / "schemas.py").write_text("A = 2\n", encoding="utf-8")
    assert cache.cache_key("0" * 64) != key


DAMAGE = {
    "a flipped byte": lambda data: data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:],
    "cut short": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "garbage": lambda data: os.urandom(len(data)),
    "another key": lambda data: data.replace(data.split(b"\n")[1], b"0" * 64, 1),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_entry_is_ignored_and_written_again(knowledge_copy, cache_folder, file_loads, damage):
    good = loader.load_knowledge_cached(knowledge_copy)
    entry = _entry(cache_folder)
    entry.write_bytes(DAMAGE[damage](entry.read_bytes()))
    again = loader.load_knowledge_cached(knowledge_copy)
    assert len(file_loads) == 2 and again.collections == good.collections
    loader.load_knowledge_cached(knowledge_copy)
    assert len(file_loads) == 2  # the damaged entry was replaced by a good one


def test_an_entry_whose_checksum_holds_but_does_not_unpickle_is_ignored(cache_folder):
    key = cache.cache_key("0" * 64)
    cache.write_entry(key, {"a": 1})
    assert cache.read_entry(key) == {"a": 1}
    entry = _entry(cache_folder)
    header, checksum, _payload = entry.read_bytes().split(b"\n", 2)
    payload = b"\x80\x05not a pickle"
    import hashlib

    entry.write_bytes(header + b"\n" + key.encode() + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n"
                      + payload)
    assert cache.read_entry(key) is None


def test_an_entry_others_may_write_to_is_not_read(knowledge_copy, cache_folder, file_loads):
    loader.load_knowledge_cached(knowledge_copy)
    _entry(cache_folder).chmod(0o666)
    loader.load_knowledge_cached(knowledge_copy)
    assert len(file_loads) == 2


def test_a_knowledge_base_that_fails_its_checks_is_never_stored(knowledge_copy, cache_folder):
    (knowledge_copy / "stages.yaml").write_text("- id: [not, an, id]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError):
        loader.load_knowledge_cached(knowledge_copy)
    assert not list(cache_folder.glob("knowledge-*.pickle"))


def test_the_cache_can_be_turned_off(knowledge_copy, monkeypatch, file_loads, tmp_path):
    monkeypatch.setenv("CELLDECIDE_CACHE_DIR", "")
    assert cache.cache_dir() is None
    loader.load_knowledge_cached(knowledge_copy)
    loader.load_knowledge_cached(knowledge_copy)
    assert len(file_loads) == 2


def test_a_folder_that_cannot_be_written_only_costs_time(knowledge_copy, tmp_path, monkeypatch, file_loads):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("CELLDECIDE_CACHE_DIR", str(blocked / "cache"))
    assert loader.load_knowledge_cached(knowledge_copy).version
    assert loader.load_knowledge_cached(knowledge_copy).version and len(file_loads) == 2


def test_it_keeps_only_the_latest_entries(cache_folder):
    keys = [cache.cache_key(f"{n:064x}") for n in range(cache._KEPT + 3)]
    for n, key in enumerate(keys):
        cache.write_entry(key, n)
        os.utime(cache._entry_path(cache_folder, key), (n, n))  # written in this order, whatever the clock says
    assert len(list(cache_folder.glob("knowledge-*.pickle"))) == cache._KEPT
    assert [cache.read_entry(key) for key in keys] == [None] * 3 + list(range(3, cache._KEPT + 3))


def test_readings_are_the_same_with_and_without_the_cache(cache_folder, file_loads):
    from celldecide.reader import compiled, read

    loader.load_knowledge_cached(KNOWLEDGE_DIR)
    cached = loader.load_knowledge_cached(KNOWLEDGE_DIR)
    assert len(file_loads) == 1  # the second one came from the cache
    files = loader.load_knowledge_uncached(KNOWLEDGE_DIR)
    texts = [json.loads(line)["text"] for line in (REPO_ROOT / "tests" / "eval" / "dev.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    readings = {}
    for name, kb in (("cache", cached), ("files", files)):
        compiled._cache.clear()  # compile the matchers from this very copy
        readings[name] = [json.dumps(read(text, knowledge=kb).to_json(), sort_keys=True) for text in texts]
    compiled._cache.clear()
    assert readings["cache"] == readings["files"]

"""What the reader remembers between processes (phrase tokens, pattern gates) is what it would compute anew."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from celldecide.reader import compiled, fastre, memo, read
from tests.conftest import REPO_ROOT


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CELLDECIDE_CACHE_DIR", str(folder))
    return folder


def _use(monkeypatch: pytest.MonkeyPatch, remembered: memo.Memo) -> memo.Memo:
    """Make the reader remember with `remembered` (as a new process would, with what is on disk)."""
    monkeypatch.setattr(compiled, "MEMO", remembered)
    monkeypatch.setattr(fastre, "MEMO", remembered)
    compiled._cache.clear()
    return remembered


def _readings(knowledge) -> list[str]:
    compiled._cache.clear()
    texts = [json.loads(line)["text"] for line in (REPO_ROOT / "tests" / "eval" / "dev.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    return [json.dumps(read(text, knowledge=knowledge).to_json(), sort_keys=True) for text in texts]


def test_a_new_process_finds_every_phrase_and_gate_an_earlier_one_derived(knowledge, cache_folder, monkeypatch):
    first = _use(monkeypatch, memo.Memo())
    compiled.compile_knowledge(knowledge)
    assert list(cache_folder.glob("reader-*.pickle"))
    second = _use(monkeypatch, memo.Memo())
    compiled.compile_knowledge(knowledge)
    assert not second._new  # nothing had to be tokenized or analysed again
    assert second._used == first._used


def test_the_remembered_phrase_ids_are_what_tokenizing_gives(knowledge, cache_folder, monkeypatch):
    _use(monkeypatch, memo.Memo())
    compiled.compile_knowledge(knowledge)
    remembered = _use(monkeypatch, memo.Memo())
    pipeline = compiled.nlp()
    for (phrase, attr), keys in remembered._tables()["phrases"].items():
        doc = pipeline.make_doc(phrase)
        assert keys == tuple(token.orth if attr == "ORTH" else token.lower for token in doc), phrase


def test_the_remembered_gates_are_what_analysing_gives(knowledge, cache_folder, monkeypatch):
    _use(monkeypatch, memo.Memo())
    compiled.compile_knowledge(knowledge)
    remembered = _use(monkeypatch, memo.Memo())
    gates = remembered._tables()["gates"]
    assert len(gates) > 50  # the red-flag rules, cues and registry ids (the rest were compiled on import)
    for (source, flags), gate in gates.items():
        assert gate == fastre._gate(source, flags), source


def test_a_change_of_the_reader_code_is_a_different_entry(tmp_path, monkeypatch):
    sources = []
    for name in ("compiled.py", "fastre.py", "memo.py"):
        (tmp_path / name).write_text(f"# {name}\n", encoding="utf-8")
        sources.append(tmp_path / name)
    monkeypatch.setattr(memo, "_SOURCES", tuple(sources))
    key = memo.memo_key()
    sources[0].write_text("# the tokenizer changed\n", encoding="utf-8")
    assert memo.memo_key() != key


def test_readings_are_the_same_whatever_the_memo_holds(knowledge, cache_folder, monkeypatch):
    _use(monkeypatch, memo.Memo())
    computed = _readings(knowledge)
    _use(monkeypatch, memo.Memo())
    assert _readings(knowledge) == computed  # every phrase and gate from the disk
    [entry] = cache_folder.glob("reader-*.pickle")
    entry.write_bytes(entry.read_bytes()[:-50])
    _use(monkeypatch, memo.Memo())
    assert _readings(knowledge) == computed  # a damaged entry is ignored
    monkeypatch.setenv("CELLDECIDE_CACHE_DIR", "")
    _use(monkeypatch, memo.Memo())
    assert _readings(knowledge) == computed  # no cache at all
    compiled._cache.clear()

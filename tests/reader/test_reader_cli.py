"""`celldecide read` and `celldecide eval`: thin commands over the reader, exit 2 on bad input."""

from __future__ import annotations

import io
import json

import pytest

from celldecide.cli import main
from celldecide.reader import MAX_CHARS
from tests.reader.conftest import labeled_items

CLAIM = "Our stem cell IV drip reverses aging. Book now: $4,900 package with hotel."


@pytest.fixture(autouse=True)
def cli_knowledge(monkeypatch, knowledge):
    """Read with the test knowledge fixture (the same base `load_knowledge()` returns when it checks)."""
    import celldecide.cli.read as command

    monkeypatch.setattr(command, "_knowledge", lambda: knowledge)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_it_prints_exactly_one_schema_valid_reading_as_json(tmp_path, capsys, schema_validator):
    page = tmp_path / "claim.txt"
    page.write_text(CLAIM, encoding="utf-8")
    code, out, _ = run(capsys, "read", str(page), "--json")
    assert code == 0
    assert len(out.strip().splitlines()) == 1
    schema_validator.validate(json.loads(out))


def test_it_reads_standard_input(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(CLAIM.encode())))
    code, out, _ = run(capsys, "read", "-", "--json")
    assert code == 0 and json.loads(out)["text"] == CLAIM


def test_it_renders_markdown(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><p>{CLAIM}</p><script>alert(1)</script></body></html>", encoding="utf-8")
    code, out, _ = run(capsys, "read", str(page), "--markdown")
    assert code == 0
    assert out.startswith("# CellDecide reading") and "## Red flags" in out and "alert" not in out


def test_it_renders_a_readable_summary_by_default(tmp_path, capsys):
    page = tmp_path / "claim.txt"
    page.write_text(CLAIM, encoding="utf-8")
    code, out, _ = run(capsys, "read", str(page))
    assert code == 0
    assert "CellDecide reading" in out and "Questions to ask" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"x" * (MAX_CHARS + 1), "200,000"),
        (b"stem cells \xff\xfe", "UTF-8"),
    ],
    ids=["empty", "too-long", "undecodable"],
)
def test_it_exits_2_with_a_clear_message_for_bad_input(tmp_path, capsys, content, message):
    page = tmp_path / "bad.txt"
    page.write_bytes(content)
    code, out, err = run(capsys, "read", str(page), "--json")
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_it_exits_2_for_a_missing_file(capsys):
    code, _, err = run(capsys, "read", "does-not-exist.txt")
    assert code == 2 and "no such file" in err


def test_it_reads_a_folder_in_batch_and_resumes_where_it_stopped(tmp_path, capsys):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(CLAIM, encoding="utf-8")
    (folder / "b.html").write_text("<p>Umbilical cord MSCs in a Phase 2 trial (NCT04786262).</p>", encoding="utf-8")
    (folder / "c.txt").write_bytes(b"\xff\xfe not text")
    (folder / "notes.md").write_text("ignored", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "read", "--batch", str(folder), "--out", str(out))
    assert code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a.txt", "b.html", "c.txt"]
    assert "reading" in rows[0] and rows[2]["error"]["code"] == "undecodable_input"
    assert "Batch counts" in err and "red_flags" in err
    (folder / "d.txt").write_text("Stem cells reversed diabetes in mice.", encoding="utf-8")
    code, _, err = run(capsys, "read", "--batch", str(folder), "--out", str(out))
    assert code == 0 and "1 read, 3 already" in err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4


def test_it_reads_a_jsonl_batch_with_worker_processes(tmp_path, capsys):
    source = tmp_path / "items.jsonl"
    lines = [{"id": f"item-{n}", "text": f"{CLAIM} Item {n}."} for n in range(6)] + [{"id": "empty", "text": "  "}]
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, _ = run(capsys, "read", "--batch", str(source), "--out", str(out), "--jobs", "2")
    assert code == 0
    rows = {json.loads(line)["id"]: json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()}
    assert set(rows) == {f"item-{n}" for n in range(6)} | {"empty"}
    assert rows["empty"]["error"]["code"] == "empty_text"
    assert "sales_pressure" in {f["id"] for f in rows["item-0"]["reading"]["red_flags"]}


@pytest.mark.parametrize(
    "argv",
    [
        ("read", "--batch", "nowhere"),
        ("read", "--batch", "nowhere", "--out", "x.jsonl"),
        ("read", "a.txt", "--out", "x.jsonl"),
        ("read",),
    ],
)
def test_it_exits_2_for_an_incomplete_command(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith("celldecide:")


def test_it_prints_evaluation_figures_as_json(tmp_path, capsys):
    labeled = tmp_path / "set.jsonl"
    labeled.write_text("\n".join(json.dumps(item) for item in labeled_items()[:5]) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "eval", str(labeled), "--json")
    figures = json.loads(out)
    assert code == 0 and figures["items"] == 5
    assert {"red_flags.f1", "registry_ids.f1", "species.accuracy", "stage_evidenced.exact",
            "stage_evidenced.within_one", "checklist.product.agreement", "authorization.accuracy"} <= set(figures)


def test_it_prints_evaluation_figures_beside_the_targets(tmp_path, capsys):
    labeled = tmp_path / "set.jsonl"
    labeled.write_text("\n".join(json.dumps(item) for item in labeled_items()[:3]) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "eval", str(labeled))
    assert code == 0 and "red_flags.f1" in out and "0.85" in out


def test_every_labeled_item_read_through_the_command_validates(tmp_path, capsys, schema_validator):
    for item in labeled_items():
        page = tmp_path / "item.txt"
        page.write_text(item["text"], encoding="utf-8")
        code, out, _ = run(capsys, "read", str(page), "--json")
        assert code == 0, item["id"]
        schema_validator.validate(json.loads(out))

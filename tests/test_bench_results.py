"""bench/results.json holds every figure the benchmarks must report, and the README shows exactly those figures."""

from __future__ import annotations

import importlib.util
import json

from tests.conftest import REPO_ROOT


def _runner():
    spec = importlib.util.spec_from_file_location("bench_run", REPO_ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _results() -> dict:
    return json.loads((REPO_ROOT / "bench" / "results.json").read_text(encoding="utf-8"))


def test_the_results_hold_every_reported_figure_and_the_machine():
    runner, results = _runner(), _results()
    missing = [key for key, _label, _unit in runner.README_ROWS if not isinstance(results.get(key), int | float)]
    assert missing == []
    assert {"cpu_model", "cores", "python", "date"} <= set(results["machine"])


def test_every_targeted_figure_is_a_row_of_the_readme_table():
    runner = _runner()
    assert {key for key, *_ in runner.TARGETS} <= {key for key, *_ in runner.README_ROWS}


def test_the_readme_performance_section_is_the_one_written_from_the_results():
    runner = _runner()
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(runner.README_START) + len(runner.README_START), readme.index(runner.README_END)
    assert readme[start:end].strip() == runner.readme_section(_results()).strip(), (
        "README.md is out of step with bench/results.json: run `make bench`, or bench/run.py after editing results"
    )


def test_write_readme_replaces_only_the_section_between_the_markers(tmp_path):
    runner = _runner()
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{runner.README_START}\nold table\n{runner.README_END}\n\n## After\n", encoding="utf-8")
    assert runner.write_readme({"reader.ratio_to_tokenize": 12.5}, readme)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\n") and text.endswith(f"{runner.README_END}\n\n## After\n")
    assert "old table" not in text and "| 12.5x | ≤ 20x | met |" in text
    assert "| not measured |" in text
    bare = tmp_path / "BARE.md"
    bare.write_text("# No markers\n", encoding="utf-8")
    assert runner.write_readme({}, bare) is False and bare.read_text(encoding="utf-8") == "# No markers\n"


def test_the_section_says_how_fast_the_host_was_when_the_run_measured_it():
    runner = _runner()
    machine = {"cpu_model": "cpu", "cores": 2, "ram_gb": 1, "python": "3.11", "system": "Linux", "date": "d",
               "loadavg_1m_at_start": 0.5, "probe_ms_at_start": 48.5, "probe_ms_at_end": 91.0}  # fmt: skip
    section = runner.readme_section({"machine": machine})
    assert "took 48.5 ms at the start and 91 ms at the end" in section
    assert "reference task 48.5 / 91.0 ms" in runner.summary({"machine": machine})[0]
    assert 0 < runner.speed_probe() < 10_000

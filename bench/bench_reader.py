"""Benchmark the reader on a ~1,500-word clinic page against one `re.findall(r"\\w+")` pass, same run.

The page is built from the real clinic texts of the development set (`tests/eval/dev.jsonl`), joined as
paragraphs until it holds about 1,500 words. The figures go into `bench/results.json` (merged with the
keys other benchmarks wrote):

    reader.ms_per_page, reader.pages_per_s_per_core, reader.ratio_to_tokenize

Run: .venv/bin/python bench/bench_reader.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "eval" / "dev.jsonl"
RESULTS = ROOT / "bench" / "results.json"
WORDS = 1_500


def clinic_page(words: int = WORDS) -> str:
    """Return a clinic page of about `words` words made of the development set's real clinic texts."""
    paragraphs: list[str] = []
    count = 0
    for line in DEV.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item.get("kind") != "clinic_claim":
            continue
        paragraphs.append(item["text"])
        count += len(item["text"].split())
        if count >= words:
            break
    text = "\n\n".join(paragraphs)
    return " ".join(text.split(" ")[: words + 50]) if count > words else text


def best_of(func, repeat: int) -> float:
    """Return the median of `repeat` timings of func() in seconds (after one warm-up call)."""
    func()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def knowledge():
    """Return the project's checked knowledge base (the bench reads with exactly what the site uses)."""
    from celldecide.knowledge import load_knowledge

    return load_knowledge()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    from celldecide.reader import read

    kb = knowledge()
    loaded = time.perf_counter()
    read("Stem cell therapy for knees.", knowledge=kb)
    first = time.perf_counter()

    page = clinic_page()
    word_count = len(page.split())
    tokenize = re.compile(r"\w+")
    baseline = best_of(lambda: tokenize.findall(page), args.repeat * 20)
    reader = best_of(lambda: read(page, knowledge=kb), args.repeat)
    ratio = reader / baseline
    figures = {
        "reader.ms_per_page": round(reader * 1000, 3),
        "reader.pages_per_s_per_core": round(1 / reader, 1),
        "reader.ratio_to_tokenize": round(ratio, 2),
        "reader.page_words": word_count,
        "reader.first_reading_s": round(first - loaded, 3),
        "reader.import_and_load_s": round(loaded - started, 3),
    }
    print(f"page: {word_count} words, {len(page)} characters")
    print(f"re.findall(r'\\w+'): {baseline * 1000:.3f} ms")
    print(f"reader: {reader * 1000:.2f} ms per page, {1 / reader:.1f} pages per second per core")
    print(f"ratio to one tokenize pass: {ratio:.1f} (target <= 20)")
    print(f"first reading in a fresh process (matchers compiled): {first - loaded:.3f} s "
          f"(imports and knowledge load before it: {loaded - started:.3f} s)")
    existing = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    existing.update(figures)
    RESULTS.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

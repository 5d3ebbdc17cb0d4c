"""The pipeline: named, registered steps in one list, each declaring what it needs and adds."""

from __future__ import annotations

import pytest

from celldecide.reader.compiled import compiled_for
from celldecide.reader.document import Document
from celldecide.reader.pipeline import PIPELINE, check_pipeline, run, steps


def test_the_order_lives_in_one_list():
    assert PIPELINE == ("normalize", "segment", "recognize", "assess", "explain")
    assert [s.name for s in steps()] == list(PIPELINE)


def test_every_step_declares_what_it_needs_and_adds():
    for item in steps():
        assert item.needs and item.adds
        assert item.func.__doc__


@pytest.mark.parametrize(
    "order",
    [("segment", "normalize"), ("normalize", "recognize"), ("normalize", "segment", "explain")],
)
def test_it_refuses_an_order_where_a_step_needs_what_no_earlier_step_adds(order):
    steps()
    with pytest.raises(ValueError, match="needs"):
        check_pipeline(order)


def test_it_refuses_an_unknown_step():
    with pytest.raises(ValueError, match="unknown"):
        check_pipeline(("normalize", "translate"))


def test_each_step_fills_what_it_declares(knowledge):
    doc = Document(raw="Our stem cells cure arthritis in 12 patients.", knowledge=knowledge,
                   compiled=compiled_for(knowledge))
    for item in steps():
        doc = run(doc, PIPELINE[: PIPELINE.index(item.name) + 1]) if item.name == "normalize" else item.func(doc)
        for name in item.adds:
            assert getattr(doc, name) not in (None, "", []) or name in ("red_flags", "questions", "mentions")


def test_it_compiles_the_knowledge_once_per_version(knowledge):
    assert compiled_for(knowledge) is compiled_for(knowledge)

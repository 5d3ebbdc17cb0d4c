"""The search selector answers the same on SQLite (FTS5) and PostgreSQL (tsvector): words, filters, facets, pages."""

from __future__ import annotations

import pytest

from celldecide.web.trials.models import Trial
from celldecide.web.trials.selectors import PAGE_SIZE, trial_search
from tests.trials.conftest import import_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(exports):
    return import_files(*exports)


def _ids(result) -> set[str]:
    return {t.trial_id for t in result.trials}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rexlemestrocel", {"NCT06325566"}),
        ("Rexlemestrocel-L chronic low back pain", {"NCT06325566"}),
        ("NCT06144970", {"NCT06144970"}),
        ("NOVOCART disc", {"NCT01640457"}),
        ("umbilical cord mesenchymal", {"NCT06589271"}),
    ],
)
def test_it_finds_trials_by_their_words(exported, text, expected):
    assert expected <= _ids(trial_search(text=text))


def test_it_matches_word_forms_and_ignores_case_and_stop_words(exported):
    assert _ids(trial_search(text="the REXLEMESTROCEL for participants")) == {"NCT06325566"}
    assert trial_search(text="herniations").total == trial_search(text="herniation").total > 0


def test_it_ranks_a_title_match_above_a_mention_in_the_summary(exported):
    result = trial_search(text="discectomy")
    first = result.trials[0]
    assert "discectomy" in (first.title + first.official_title).lower()


def test_it_reads_search_operators_as_plain_words(exported):
    assert trial_search(text='disc NOT "stem" OR (NEAR') is not None
    assert trial_search(text="*").total == Trial.objects.count()


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"phase": "3"}, lambda t: "3" in t.phases),
        ({"status": "recruiting"}, lambda t: t.overall_status == "RECRUITING"),
        ({"status": "RECRUITING"}, lambda t: t.overall_status == "RECRUITING"),
        ({"cell_type": "msc"}, lambda t: "msc" in t.cell_types),
        ({"country": "united states"}, lambda t: "United States" in t.countries),
    ],
)
def test_it_filters_by_facet_values(exported, filters, check):
    result = trial_search(**filters)
    assert result.total > 0 and all(check(t) for t in result.trials)
    assert result.total == sum(1 for t in Trial.objects.all() if check(t))


def test_it_combines_words_and_filters(exported):
    both = trial_search(text="cells", cell_type="msc", phase="2")
    assert both.total > 0
    assert all("msc" in t.cell_types and "2" in t.phases for t in both.trials)
    assert both.total <= min(trial_search(text="cells").total, trial_search(cell_type="msc").total)


def test_it_counts_facets_over_the_matching_trials(exported):
    result = trial_search(text="stem cells")
    phases = {f.value: f.count for f in result.facets["phase"]}
    for phase, count in phases.items():
        assert trial_search(text="stem cells", phase=phase).total == count
    assert [f.value for f in result.facets["phase"]] == sorted(phases, key=["early_1", "1", "1/2", "2", "2/3", "3",
                                                                            "4"].index)  # fmt: skip
    statuses = result.facets["status"]
    assert sum(f.count for f in statuses) == result.total
    assert all(a.count >= b.count for a, b in zip(statuses, statuses[1:]))


def test_it_counts_a_registered_condition_under_the_knowledge_base_condition_it_names(exported, kb):
    result = trial_search(condition="degenerative_disc_disease")
    assert result.total > 0
    facet = next(f for f in trial_search().facets["condition"] if f.value == "degenerative_disc_disease")
    assert facet.label == kb.get("conditions", "degenerative_disc_disease").name
    assert facet.count == result.total == trial_search(condition="Degenerative Disc Disease").total


def test_it_pages_twenty_at_a_time_without_repeating_a_trial(exported):
    first, second = trial_search(page=1), trial_search(page=2)
    assert len(first.trials) == PAGE_SIZE and first.pages == -(-first.total // PAGE_SIZE)
    assert not _ids(first) & _ids(second)
    last = trial_search(page=first.pages + 5)
    assert last.page == first.pages and len(last.trials) == first.total - PAGE_SIZE * (first.pages - 1)


def test_it_lists_the_most_recently_updated_first_without_words(exported):
    updates = [t.last_update for t in trial_search().trials]
    assert updates == sorted(updates, reverse=True)


def test_it_answers_an_empty_database_with_no_trials():
    result = trial_search(text="anything", phase="3")
    assert (result.total, result.trials, result.pages) == (0, [], 1)

"""The search selector answers the same on SQLite (FTS5) and PostgreSQL (tsvector): words, filters, facets, pages."""

from __future__ import annotations

import pytest
from django.db import connection

from celldecide.web.trials.models import Trial, TrialSearchState
from celldecide.web.trials import selectors
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


def _all_pages(**search) -> list[str]:
    """Follow the pages one after the other, as a reader clicking "Next page" does."""
    result = trial_search(**search)
    found = [t.trial_id for t in result.trials]
    while result.page < result.pages:
        result = trial_search(page=result.page + 1, **search)
        found.extend(t.trial_id for t in result.trials)
    return found


def test_it_estimates_the_total_and_bounds_the_facets_past_the_window(exported, monkeypatch):
    exact = trial_search(text="disc")
    assert not exact.total_is_estimate and exact.facet_counts_exact and exact.total > 60
    monkeypatch.setattr(selectors, "WINDOW", 40)
    capped = trial_search(text="disc")
    assert capped.total_is_estimate and not capped.facet_counts_exact
    assert capped.total > 40 and capped.pages >= 3
    untrimmed = ("phase", "status", "cell_type")  # countries and conditions keep their 12 most frequent only
    exact_counts = {(k, f.value): f.count for k in untrimmed for f in exact.facets[k]}
    capped_counts = [((k, f.value), f.count) for k in untrimmed for f in capped.facets[k]]
    assert capped_counts and all(count <= exact_counts[key] for key, count in capped_counts)
    assert sum(f.count for f in capped.facets["status"]) == 40


def test_it_pages_through_every_match_window_after_window(exported, monkeypatch):
    everything = _all_pages(text="disc", status="completed")
    monkeypatch.setattr(selectors, "WINDOW", 40)
    windowed = _all_pages(text="disc", status="completed")
    assert len(windowed) == len(set(windowed)) and set(windowed) == set(everything) and len(everything) > 40
    beyond = trial_search(text="disc", status="completed", page=999)
    assert beyond.trials and beyond.page == beyond.pages == -(-len(everything) // PAGE_SIZE)


def test_it_ranks_the_best_matches_first_within_a_window(exported, monkeypatch):
    monkeypatch.setattr(selectors, "WINDOW", 40)
    first = trial_search(text="discectomy").trials[0]
    assert "discectomy" in (first.title + first.official_title).lower()


def test_it_answers_words_and_filters_from_the_index_like_the_facet_table(exported):
    for filters in ({"phase": "2"}, {"status": "recruiting", "cell_type": "msc"}, {"country": "China"}):
        by_index = set(_all_pages(text="cells", **filters))
        with_words = set(_all_pages(text="cells"))
        by_table = {t.trial_id for t in Trial.objects.filter(trial_id__in=with_words)
                    if all(t.facets.filter(kind=k, value=selectors._filter_value(k, v)).exists()
                           for k, v in filters.items())}  # fmt: skip
        assert by_index == by_table


def test_it_recounts_the_whole_table_after_any_write(exported):
    before = trial_search()
    Trial.objects.filter(overall_status="COMPLETED").first().delete()
    after = trial_search()
    assert after.total == Trial.objects.count() == before.total - 1
    completed = {f.value: f.count for f in before.facets["status"]}["completed"]
    assert {f.value: f.count for f in after.facets["status"]}["completed"] == completed - 1


def test_it_counts_again_after_the_state_row_is_flushed(exported):
    TrialSearchState.objects.all().delete()  # what `manage.py flush` or a transactional test leaves
    assert trial_search().total == Trial.objects.count()
    Trial.objects.order_by("id").first().delete()
    assert TrialSearchState.objects.filter(pk=1).exists()
    assert trial_search().total == Trial.objects.count()


def test_the_search_vector_stays_in_the_row_on_postgresql():
    # ts_rank reads the vector of each match: in line it comes with the row, out of line it is a TOAST fetch.
    if connection.vendor != "postgresql":
        pytest.skip("column storage is PostgreSQL's; SQLite's FTS5 table has none")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'trials_trial'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == "m"

"""The trial pages: search with filters and facets, and one registration in plain words."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from celldecide.registry.layers import design_in_words, registration_layers
from celldecide.registry.records import TrialRecord
from celldecide.web.pages.knowledge import current_knowledge
from celldecide.web.pages.views import _page
from celldecide.web.trials.selectors import FACET_KINDS, WINDOW, trial_get, trial_record_url, trial_search
from celldecide.web.trials.services import PHASE_LABELS, status_label

FACET_TITLES = {"phase": "Phase", "status": "Status", "cell_type": "Cell type", "country": "Country",
                "condition": "Condition"}  # fmt: skip
_PARAMS = ("q", *FACET_KINDS)
MAX_PAGE = 10_000
FORMAT_NAMES = {
    "ctgov_v2_study": "a ClinicalTrials.gov API v2 study",
    "ctgov_v2_page": "a ClinicalTrials.gov API v2 search page",
    "ctgov_v2_array": "a ClinicalTrials.gov JSON download",
    "ctgov_v2_zip": "a ClinicalTrials.gov bulk download",
    "ctgov_classic_xml": "a ClinicalTrials.gov classic XML record",
    "ctgov_v1_json": "a ClinicalTrials.gov API v1 response",
    "ictrp_xml": "a WHO ICTRP XML export",
    "ictrp_csv": "a WHO ICTRP CSV export",
}


def _query(params: dict[str, str], **changes: str | None) -> str:
    """Return a query string with some parameters set or removed (None); the page always starts again at 1."""
    merged = {**params, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v and k in _PARAMS})


def _page_number(value: str | None) -> int:
    try:
        return min(max(1, int(value or 1)), MAX_PAGE)
    except ValueError:
        return 1


@require_safe
def trial_list(request: HttpRequest) -> HttpResponse:
    """Render the search form, the matching trials (20 a page), the facets as links and the paging."""
    params = {k: request.GET.get(k, "").strip()[:200] for k in _PARAMS}
    result = trial_search(
        text=params["q"] or None,
        condition=params["condition"] or None,
        cell_type=params["cell_type"] or None,
        phase=params["phase"] or None,
        status=params["status"] or None,
        country=params["country"] or None,
        page=_page_number(request.GET.get("page")),
    )
    facets = [
        (kind, FACET_TITLES[kind], [(f, _query(params, **{kind: f.value}), params[kind] == f.value) for f in result.facets[kind]])
        for kind in FACET_KINDS
    ]
    active = [(FACET_TITLES[k], params[k], _query(params, **{k: None})) for k in FACET_KINDS if params[k]]
    rows = [
        (trial, status_label(trial.overall_status) if trial.overall_status else "Not stated",
         [PHASE_LABELS.get(p, p) for p in trial.phases])
        for trial in result.trials
    ]  # fmt: skip
    base = _query(params)
    paging = {
        "previous": f"{base}&page={result.page - 1}" if result.page > 1 else None,
        "next": f"{base}&page={result.page + 1}" if result.page < result.pages else None,
    }
    return _page(
        request,
        "trials/trial_list.html",
        title="Registered trials",
        description="Search registered cell-therapy trials by words, condition, cell type, phase, status and country.",
        result=result,
        window=WINDOW,
        rows=rows,
        params=params,
        facets=facets,
        active=active,
        paging=paging,
    )


@require_safe
def trial_detail(request: HttpRequest, registry: str, trial_id: str) -> HttpResponse:
    """Render one registration: what it states for each layer, its design, people and places, and its hint."""
    trial = trial_get(registry=registry, trial_id=trial_id)
    if trial is None:
        raise Http404(f"No registered trial {trial_id} from {registry} is stored here.")
    record = TrialRecord.from_dict(trial.record)
    kb = current_knowledge()
    registry_entry = kb.get("registries", registry)
    registry_name = getattr(registry_entry, "name", None)
    layer_names = {layer.id: layer.name for layer in kb.layers}
    cell_names = {c.id: c.name for c in kb.cell_types}
    layers = [(layer_names.get(r.id, r.id), r) for r in registration_layers(record, registry_name=registry_name)]
    return _page(
        request,
        "trials/trial_detail.html",
        title=trial.title or trial.official_title or trial.trial_id,
        description=f"{trial.trial_id}: what the registration states, in plain words. A registration is a record, "
        "not a recommendation.",
        trial=trial,
        record=record,
        layers=layers,
        design=design_in_words(record),
        status=status_label(trial.overall_status) if trial.overall_status else None,
        phases=[PHASE_LABELS.get(p, p) for p in record.phases],
        cell_types=[cell_names.get(c, c) for c in trial.cell_types],
        registry_name=registry_name,
        record_url=trial_record_url(registry=registry, trial_id=trial.trial_id),
        source_format=FORMAT_NAMES.get(trial.source_format, "a registry file"),
    )

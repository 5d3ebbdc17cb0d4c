"""Pages for the named things of the knowledge base: products, conditions, regulators, registries, the field
guide and the red flags. Each view reads the knowledge base and renders one template."""

from __future__ import annotations

from collections import defaultdict

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from celldecide.web.pages.footnotes import Footnotes
from celldecide.web.pages.knowledge import current_id_matcher, current_knowledge
from celldecide.web.pages.views import _markdown, _page

AREA_NAMES = {
    "islet_replacement": "Islet replacement",
    "neural_replacement": "Neural replacement",
    "eye_and_retina": "Eye and retina",
    "engineered_immune_cells": "Engineered immune cells",
    "gene_modified_blood_stem_cells": "Gene-modified blood stem cells",
    "tissue_and_stromal_repair": "Tissue, stromal and transplant products",
}
STATUS_NAMES = {
    "approved": "Approved",
    "conditional": "Conditional or time-limited",
    "withdrawn": "Withdrawn",
    "refused": "Refused",
    "investigational": "Investigational",
    "hospital_exemption": "Hospital exemption",
}
EVIDENCE_NAMES = {
    "standard_care": "Standard care for defined indications",
    "authorized_somewhere": "An authorized product exists somewhere",
    "trials_only": "Registered trials only",
    "marketed_without_evidence": "Marketed without evidence",
}
CATEGORY_NAMES = {
    "metabolic": "Metabolic",
    "neurological": "Brain and nerves",
    "eye": "Eye",
    "blood_cancer": "Blood cancers",
    "blood_immune": "Blood and immune disorders",
    "autoimmune": "Autoimmune disease",
    "musculoskeletal": "Joints, bones and muscles",
    "cardiovascular": "Heart and circulation",
    "respiratory": "Lungs",
    "skin": "Skin",
    "other": "Other",
}
LAYER_FIELDS = ("cell_source", "manufacturing", "disease", "dose_route", "endpoint", "oversight")


def _get(collection: str, key: str):
    entry = current_knowledge().get(collection, key)
    if entry is None:
        raise Http404(f"No {collection[:-1].replace('_', ' ')} with the id {key!r}.")
    return entry


def _trial_links(trial_ids: list[str]) -> list[dict]:
    """Return each trial id with its registry and the registry's record URL (from the shared id patterns)."""
    matcher = current_id_matcher()
    links = []
    for raw in trial_ids:
        found = matcher.identify(raw)
        if found is None:
            links.append({"id": raw, "registry": None, "url": None})
        else:
            links.append({"id": found.id, "registry": found.registry, "url": found.url})
    return links


@require_safe
def product_list(request: HttpRequest) -> HttpResponse:
    """List named products by therapeutic area, with their authorizations at a glance."""
    kb = current_knowledge()
    regulators = kb.by_id("regulators")
    by_area: dict[str, list] = defaultdict(list)
    for product in sorted(kb.products, key=lambda p: p.name.lower()):
        by_area[product.area].append(product)
    groups = [(AREA_NAMES[area], by_area[area]) for area in AREA_NAMES if by_area.get(area)]
    return _page(
        request,
        "pages/product_list.html",
        title="Named cell therapy products and their authorizations",
        description="Every named cell product CellDecide tracks: what it is, for what disease, and which regulators authorized it.",
        groups=groups,
        regulators=regulators,
        status_names=STATUS_NAMES,
        count=len(kb.products),
    )


@require_safe
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show one product: its six layers, its authorizations by regulator, trials, conditions and sources."""
    kb = current_knowledge()
    product = _get("products", slug.replace("-", "_"))
    regulators = kb.by_id("regulators")
    sources = kb.by_id("sources")
    layers = [(layer.name, getattr(product.layers, layer.id)) for layer in kb.layers]
    authorizations = sorted(product.authorizations, key=lambda a: (a.regulator, a.date))
    return _page(
        request,
        "pages/product_detail.html",
        title=f"{product.name}" + (f" ({product.nonproprietary_name})" if product.nonproprietary_name and product.nonproprietary_name.lower() != product.name.lower() else ""),
        description=product.status_summary,
        product=product,
        area=AREA_NAMES[product.area],
        stage=kb.get("stages", product.stage),
        layers=layers,
        authorizations=[(a, regulators[a.regulator], STATUS_NAMES[a.status], [sources[s] for s in a.sources]) for a in authorizations],
        authorized=any(a.status in ("approved", "conditional", "hospital_exemption") for a in product.authorizations),
        trials=_trial_links(product.trials),
        conditions=[kb.get("conditions", c) for c in product.conditions],
        cell_types=[kb.get("cell_types", c) for c in product.cell_types],
        sources=[sources[s] for s in product.sources],
    )


@require_safe
def condition_list(request: HttpRequest) -> HttpResponse:
    """List conditions by category with the state of the evidence for cell therapy."""
    kb = current_knowledge()
    by_category: dict[str, list] = defaultdict(list)
    for condition in sorted(kb.conditions, key=lambda c: c.name.lower()):
        by_category[condition.category].append(condition)
    groups = [(CATEGORY_NAMES[c], by_category[c]) for c in CATEGORY_NAMES if by_category.get(c)]
    return _page(
        request,
        "pages/condition_list.html",
        title="Conditions: what cell therapy evidence exists for each",
        description="For each condition, whether cell therapy is standard care, authorized somewhere, in trials only, or marketed without evidence.",
        groups=groups,
        evidence_names=EVIDENCE_NAMES,
        count=len(kb.conditions),
    )


@require_safe
def condition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show one condition: the evidence, linked products, typical red flags and questions to ask."""
    kb = current_knowledge()
    condition = _get("conditions", slug.replace("-", "_"))
    red_flags = kb.by_id("red_flags")
    sources = kb.by_id("sources")
    return _page(
        request,
        "pages/condition_detail.html",
        title=f"{condition.name}: stem cell and cell therapy evidence",
        description=condition.shows,
        condition=condition,
        evidence=EVIDENCE_NAMES[condition.evidence_status],
        products=[kb.get("products", p) for p in condition.products],
        red_flags=[red_flags[f] for f in condition.typical_red_flags],
        sources=[sources[s] for s in condition.sources],
    )


@require_safe
def regulator_list(request: HttpRequest) -> HttpResponse:
    """Compare regulators' frameworks side by side (never destinations)."""
    kb = current_knowledge()
    counts = defaultdict(int)
    for product in kb.products:
        for regulator in {a.regulator for a in product.authorizations if a.status in ("approved", "conditional")}:
            counts[regulator] += 1
    return _page(
        request,
        "pages/regulator_list.html",
        title="Regulators and what their authorizations mean",
        description="How the FDA, EMA, Japan's PMDA and MHLW, Korea's MFDS and other regulators authorize cell products, compared.",
        regulators=kb.regulators,
        counts=counts,
    )


@require_safe
def regulator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show one regulator as a country page: framework, pathways, what is authorized, how to check."""
    kb = current_knowledge()
    regulator = _get("regulators", slug.replace("-", "_"))
    authorized = []
    for product in sorted(kb.products, key=lambda p: p.name.lower()):
        for auth in product.authorizations:
            if auth.regulator == regulator.id:
                authorized.append((product, auth, STATUS_NAMES[auth.status]))
    sources = kb.by_id("sources")
    return _page(
        request,
        "pages/regulator_detail.html",
        title=f"{regulator.name} ({regulator.short_name}): cell therapy rules in {regulator.jurisdiction}",
        description=regulator.authorization_means,
        regulator=regulator,
        authorized=authorized,
        sources=[sources[s] for s in regulator.sources],
    )


@require_safe
def registry_list(request: HttpRequest) -> HttpResponse:
    """List trial registries with their id formats, record URLs and caveats."""
    return _page(
        request,
        "pages/registry_list.html",
        title="Trial registries: where to check a claimed study",
        description="What each clinical trial registry covers, how its ids look, and why a registration is not an approval.",
        registries=current_knowledge().registries,
    )


@require_safe
def field_guide(request: HttpRequest) -> HttpResponse:
    """Describe every cell type: what it is, how it is made, what is proven and what is marketed."""
    kb = current_knowledge()
    intro = kb.pages.get("field-guide")
    notes = Footnotes()
    comparison = [(row, notes.cite(row.sources)) for row in kb.collections.get("field_guide", [])]
    sources = kb.by_id("sources")
    return _page(
        request,
        "pages/field_guide.html",
        title="Field guide to cell products",
        description="PRP, BMAC, MSCs, exosomes and every other cell type, side by side: what each is and what is proven.",
        intro=_markdown(intro.body) if intro else "",
        cell_types=kb.cell_types,
        comparison=comparison,
        footnotes=[(n, sources[sid]) for n, sid in enumerate(notes.order, start=1)],
    )


@require_safe
def red_flags(request: HttpRequest) -> HttpResponse:
    """List the sixteen red flags with examples and the question each prompts."""
    return _page(
        request,
        "pages/red_flags.html",
        title="Sixteen red flags in stem cell marketing",
        description="The patterns CellDecide looks for in clinic pages and headlines, with examples and what to ask.",
        red_flags=current_knowledge().red_flags,
    )

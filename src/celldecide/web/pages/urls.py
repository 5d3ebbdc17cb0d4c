from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from celldecide.web.pages import catalog, guides, views
from celldecide.web.pages.directory import DeeperPageConverter
from celldecide.web.pages.sitemaps import PagesSitemap

register_converter(DeeperPageConverter, "deeper")

urlpatterns = [
    path("", views.hub, name="hub"),
    path("stages/", views.stages, name="stages"),
    path("checklist/", views.checklist, name="checklist"),
    path("frontiers/<slug:slug>/", views.frontier, name="frontier"),
    path("mechanisms/", views.mechanisms, name="mechanisms"),
    path("sources/", views.sources, name="sources"),
    path("methodology/", views.methodology, name="methodology"),
    path("disclosures/", views.disclosures, name="disclosures"),
    path("faq/", views.faq, name="faq"),
    path("products/", catalog.product_list, name="product_list"),
    path("products/<slug:slug>/", catalog.product_detail, name="product_detail"),
    path("conditions/", catalog.condition_list, name="condition_list"),
    path("conditions/<slug:slug>/", catalog.condition_detail, name="condition_detail"),
    path("regulators/", catalog.regulator_list, name="regulator_list"),
    path("regulators/<slug:slug>/", catalog.regulator_detail, name="regulator_detail"),
    path("registries/", catalog.registry_list, name="registry_list"),
    path("field-guide/", catalog.field_guide, name="field_guide"),
    path("red-flags/", catalog.red_flags, name="red_flags"),
    path("clinic-questions/", guides.clinic_questions, name="clinic_questions"),
    path("evidence-ladder/", guides.evidence_ladder, name="evidence_ladder"),
    path("glossary/", guides.glossary, name="glossary"),
    path("source-map/", guides.source_map, name="source_map"),
    path("search", views.search, name="search"),
    path("robots.txt", views.robots, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PagesSitemap}}, name="sitemap"),
    # Only published deeper pages match (see DeeperPageConverter); any other slug falls through to the 404 page.
    path("<deeper:slug>/", guides.deeper_page, name="deeper_page"),
]

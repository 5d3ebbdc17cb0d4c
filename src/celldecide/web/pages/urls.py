from django.contrib.sitemaps.views import sitemap
from django.urls import path

from celldecide.web.pages import catalog, views
from celldecide.web.pages.sitemaps import PagesSitemap

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
    path("search", views.search, name="search"),
    path("robots.txt", views.robots, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PagesSitemap}}, name="sitemap"),
]

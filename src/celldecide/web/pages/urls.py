from django.contrib.sitemaps.views import sitemap
from django.urls import path

from celldecide.web.pages import views
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
    path("robots.txt", views.robots, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PagesSitemap}}, name="sitemap"),
]

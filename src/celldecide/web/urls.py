"""Root URL configuration: one include per app."""

from django.contrib import admin
from django.urls import include, path

from celldecide.web.caching import knowledge_pages

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("celldecide.web.api.urls")),
    path("corrections/", include("celldecide.web.corrections.urls")),
    path("", include("celldecide.web.readings.urls")),
    path("consult/", include("celldecide.web.consult.urls")),
    path("trials/", include("celldecide.web.trials.urls")),
    # The evidence map's pages are rendered from the knowledge base alone: cached per knowledge version.
    # Site search reads the trial registry and the query, so it is rendered every time.
    path("", include(knowledge_pages("celldecide.web.pages.urls", except_names={"search"}))),
]

handler404 = "celldecide.web.pages.views.not_found"

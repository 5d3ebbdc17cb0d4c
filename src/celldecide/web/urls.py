"""Root URL configuration: one include per app."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("celldecide.web.api.urls")),
    path("corrections/", include("celldecide.web.corrections.urls")),
    path("", include("celldecide.web.readings.urls")),
    path("consult/", include("celldecide.web.consult.urls")),
    path("trials/", include("celldecide.web.trials.urls")),
    path("", include("celldecide.web.pages.urls")),
]

handler404 = "celldecide.web.pages.views.not_found"

from django.urls import path

from celldecide.web.api import views
from celldecide.web.api.api import api

urlpatterns = [
    path("docs", views.docs, name="api_docs"),
    path("", api.urls),
]

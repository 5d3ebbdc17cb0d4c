from django.urls import path

from celldecide.web.corrections import views

urlpatterns = [
    path("", views.log, name="corrections_log"),
    path("report/", views.report, name="corrections_report"),
]

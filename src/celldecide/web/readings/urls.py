from django.urls import path

from celldecide.web.readings import views

urlpatterns = [
    path("read/", views.read_page, name="read"),
    path("r/<str:reading_id>/", views.shared, name="shared_reading"),
    path("r/<str:reading_id>/print", views.shared_print, {"fmt": "print"}, name="shared_reading_print"),
    path("r/<str:reading_id>/pdf", views.shared_print, {"fmt": "pdf"}, name="shared_reading_pdf"),
    path("r/<str:reading_id>/delete/", views.shared_delete, name="shared_reading_delete"),
]

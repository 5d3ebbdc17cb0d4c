from django.urls import path

from celldecide.web.consult import views

urlpatterns = [
    path("", views.worksheet, name="consult"),
    path("s/<str:sheet_id>/", views.shared, name="shared_consult"),
    path("s/<str:sheet_id>/print", views.shared_print, {"fmt": "print"}, name="shared_consult_print"),
    path("s/<str:sheet_id>/pdf", views.shared_print, {"fmt": "pdf"}, name="shared_consult_pdf"),
    path("s/<str:sheet_id>/delete/", views.shared_delete, name="shared_consult_delete"),
]

from django.urls import path

from celldecide.web.trials import views

app_name = "trials"
urlpatterns = [
    path("", views.trial_list, name="list"),
    path("<slug:registry>/<path:trial_id>/", views.trial_detail, name="detail"),
]

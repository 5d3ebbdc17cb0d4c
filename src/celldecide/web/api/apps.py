from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "celldecide.web.api"
    label = "api"
    verbose_name = "JSON API"

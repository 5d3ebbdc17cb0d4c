from django.apps import AppConfig


class ReadingsConfig(AppConfig):
    name = "celldecide.web.readings"
    label = "readings"
    verbose_name = "Readings"

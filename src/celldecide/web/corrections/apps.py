from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "celldecide.web.corrections"
    label = "corrections"
    verbose_name = "Corrections"

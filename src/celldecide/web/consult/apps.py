from django.apps import AppConfig


class ConsultConfig(AppConfig):
    name = "celldecide.web.consult"
    label = "consult"
    verbose_name = "Consult worksheets"

from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "celldecide.web.kb"
    label = "kb"
    verbose_name = "Knowledge base"

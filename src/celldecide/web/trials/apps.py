from django.apps import AppConfig


class TrialsConfig(AppConfig):
    name = "celldecide.web.trials"
    label = "trials"
    verbose_name = "Registered trials"
    default_auto_field = "django.db.models.BigAutoField"

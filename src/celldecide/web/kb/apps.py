from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "celldecide.web.kb"
    label = "kb"
    verbose_name = "Knowledge base"

    def ready(self) -> None:
        from celldecide.web.kb import checks  # noqa: F401  registers the knowledge-base system check

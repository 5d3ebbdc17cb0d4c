from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "celldecide.web.pages"
    label = "pages"
    verbose_name = "Pages"

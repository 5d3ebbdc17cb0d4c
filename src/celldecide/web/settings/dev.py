"""Settings for `make run` on a developer's or patient-advocate's own machine."""

from celldecide.web.settings.base import *  # noqa: F403
from celldecide.web.env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)

# `make run` collects the static files first and sets CELLDECIDE_STATIC_MANIFEST=1, so the site serves the
# same fingerprinted, compressed files as production (base's storage). Without it (management commands,
# a quick `gunicorn` by hand) files are served straight from the app folders, no collectstatic needed.
if not env_bool("CELLDECIDE_STATIC_MANIFEST", False):
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

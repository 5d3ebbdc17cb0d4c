"""Settings for `make run` on a developer's or patient-advocate's own machine."""

from celldecide.web.settings.base import *  # noqa: F403
from celldecide.web.env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the app folders (no collectstatic step needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

"""WSGI entry point for gunicorn: `gunicorn celldecide.web.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celldecide.web.settings.production")
application = get_wsgi_application()

# Refuse to serve at all when the knowledge base does not load: gunicorn then stops with the problems listed.
from celldecide.web.kb.checks import knowledge_at_startup  # noqa: E402

knowledge_at_startup()

"""Settings shared by every environment. Values come from the environment through `celldecide.web.env`."""

from __future__ import annotations

from pathlib import Path

from celldecide.web.env import env_bool, env_database, env_int, env_list, env_str

PROJECT_ROOT = Path(__file__).resolve().parents[4]
WEB_DIR = Path(__file__).resolve().parents[1]

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "celldecide.web.kb",
    "celldecide.web.pages",
    "celldecide.web.trials",
    "celldecide.web.corrections",
    "celldecide.web.api",
    "celldecide.web.readings",
    "celldecide.web.consult",
]

MIDDLEWARE = [
    "celldecide.web.middleware.BodySizeLimitMiddleware",
    "celldecide.web.caching.PrivatePagesMiddleware",
    "celldecide.web.dbdown.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "celldecide.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Lock an admin login out after 5 failures from one address and username, for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True

ROOT_URLCONF = "celldecide.web.urls"
WSGI_APPLICATION = "celldecide.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "celldecide.web.pages.context.site",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", default_sqlite=PROJECT_ROOT / "var" / "celldecide.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_ROOT / "var" / "static"
STATICFILES_DIRS = [WEB_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Where the editorial knowledge base lives (files, validated on load).
KNOWLEDGE_DIR = Path(env_str("CELLDECIDE_KNOWLEDGE_DIR", str(PROJECT_ROOT / "knowledge")))
SITE_NAME = "CellDecide"
# A source older than this many days (unless it sets its own window) is due for re-verification.
SOURCES_REVERIFY_DAYS = 180
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Request bodies: 256 KB at most (a pasted text of 200,000 characters fits); larger ones get 413.
MAX_REQUEST_BYTES = 256 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
# Rate limits as COUNT/SECONDS per client address (0/60 turns a limit off).
READ_RATE_LIMIT = env_str("READ_RATE_LIMIT", "30/60")
CORRECTIONS_RATE_LIMIT = env_str("CORRECTIONS_RATE_LIMIT", "5/3600")

# Local memory per process by default; Redis (shared by every worker and server) when REDIS_URL is set.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "celldecide"}}
if env_str("REDIS_URL", ""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL")}}
# How long a rendered knowledge page is kept (celldecide.web.caching); 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 6 * 3600, minimum=0)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

"""Settings split by purpose: `base` (shared), `test`, `production`. Choose with DJANGO_SETTINGS_MODULE."""

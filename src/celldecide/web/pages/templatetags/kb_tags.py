"""Template helpers for knowledge pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """Return mapping[key], or None: `{{ regulators|get_item:a.regulator }}`."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def tr(obj, field):
    """The English text of `field` on an English page when there is one, else the Dutch."""
    if get_language() == "en":
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)

from django.conf import settings
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, override

from partners.models import Partner


def switch_url(path, code):
    """The same page in language `code`, or that language's home page. Only a path that
    resolves here is translated: an unknown one such as "//evil.example/" would otherwise
    come back as it is, and the switch would link to another site."""
    try:
        resolve(path)
    except Resolver404:
        path = None
    url = translate_url(path, code) if path else None
    if not url or not url.startswith("/") or url.startswith("//"):
        with override(code):
            url = reverse("home")
    return url


def site(request):
    current = get_language()
    alternates = [
        (code, name, switch_url(request.path, code))
        for code, name in settings.LANGUAGES
        if code != current
    ]
    return {
        "exit_url": settings.EXIT_URL,
        "alternate_languages": alternates,
        # Lazy: only pages that show the emergency numbers pay for the query.
        "emergency_partners": SimpleLazyObject(lambda: list(Partner.objects.emergency())),
    }

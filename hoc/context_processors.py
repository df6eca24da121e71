from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from handover.models import Partner


def site(request):
    current = get_language()
    alternates = [
        (code, name, translate_url(request.path, code))
        for code, name in settings.LANGUAGES
        if code != current
    ]
    return {
        "exit_url": settings.EXIT_URL,
        "alternate_languages": alternates,
        # Lazy: only pages that show the emergency numbers pay for the query.
        "emergency_partners": SimpleLazyObject(lambda: list(Partner.objects.emergency())),
    }

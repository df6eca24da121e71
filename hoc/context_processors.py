from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def site(request):
    current = get_language()
    alternates = [
        (code, name, translate_url(request.path, code))
        for code, name in settings.LANGUAGES
        if code != current
    ]
    return {"exit_url": settings.EXIT_URL, "alternate_languages": alternates}

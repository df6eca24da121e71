"""Whole-page caching for the busiest public pages.

Rendering the home page costs several times a constant page (bench/public_pages.py), yet
its HTML changes only with the language, the chat's open/closed state and what staff edit
in the admin. The cache key holds all three, so nothing is ever stale: a partner saved in
the admin has a new updated_at, and the chat status is computed on every request.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils.translation import get_language

TIMEOUT = 60 * 60


def content_stamp(*querysets):
    parts = []
    for queryset in querysets:
        summary = queryset.aggregate(n=Count("pk"), last=Max("updated_at"))
        parts.append(f"{summary['n']}:{summary['last']}")
    return "|".join(parts)


def render_cached(request, template, context, stamp):
    """Render `template`, or reuse the HTML rendered for the same language, path and stamp.

    `context` may be a callable, so a cache hit skips building it. Only visitors without a
    session share cached pages: a page rendered for someone logged in may show their state.
    """
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return render_to_string(template, context() if callable(context) else context, request)
    digest = hashlib.sha256(f"{get_language()}|{request.path}|{stamp}".encode()).hexdigest()
    key = f"page:{template}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, context() if callable(context) else context, request)
        cache.set(key, html, TIMEOUT)
    return html

"""Response headers that Django's own security middleware does not set (security brief B4)."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class PrivacyHeadersMiddleware:
    """Permissions-Policy, CORP, no-store caching and noindex on every dynamic response.

    Every response that passes through Django is dynamic (static files are served before
    the middleware, by the proxy or in development by the static handler), and any of them
    may carry something personal, so none may be stored by a browser or proxy (R-D4). That
    also keeps pages out of the back/forward cache after a quick exit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        add_never_cache_headers(response)
        if "ETag" in response.headers:
            del response.headers["ETag"]
        if not getattr(response, "indexable", False):
            response.headers.setdefault("X-Robots-Tag", "noindex, noarchive")
        return response

"""ASGI entry point: HTTP through Django, WebSockets through Channels, probes before both."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoc.settings")
# Set up Django before importing anything that touches models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from chat.routing import websocket_urlpatterns  # noqa: E402
from hoc.health import HealthEndpoints  # noqa: E402

http_app = ASGIStaticFilesHandler(django_asgi_app) if settings.SERVE_STATIC else django_asgi_app

application = ProtocolTypeRouter(
    {
        # /healthz, /readyz and /metrics are answered before Django: no Host check, no
        # HTTPS redirect, no session (hoc/health.py).
        "http": HealthEndpoints(http_app),
        # Origin first: a page on another site must not open a socket with the visitor's
        # cookie (cross-site WebSocket hijacking). Missing Origin is refused too.
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

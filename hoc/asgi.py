"""ASGI entry point: HTTP through Django, WebSockets through Channels, probes before both."""

import json
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoc.settings")
# Set up Django before importing anything that touches models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddleware, get_user  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator, WebsocketDenier  # noqa: E402
from channels.sessions import CookieMiddleware, SessionMiddleware  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from chat import socket_limits  # noqa: E402
from chat.routing import websocket_urlpatterns  # noqa: E402
from common.db_threads import in_db_thread  # noqa: E402
from common.origins import is_same_origin  # noqa: E402
from hoc.health import HealthEndpoints  # noqa: E402


def _decoded_same_origin(origin, host):
    try:
        return is_same_origin(origin.decode("ascii"), host.decode("ascii"), settings.HTTPS)
    except UnicodeDecodeError:
        return False


class SameOriginValidator(OriginValidator):
    """Refuses a socket unless exactly one Origin and one Host header name this site."""

    def __init__(self, application):
        super().__init__(application, allowed_origins=[])

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("SameOriginValidator is for WebSocket connections only")
        headers = scope.get("headers", [])
        origins = [value for name, value in headers if name == b"origin"]
        hosts = [value for name, value in headers if name == b"host"]
        if len(origins) == 1 and len(hosts) == 1 and _decoded_same_origin(origins[0], hosts[0]):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)


# Close code: the server is busy connecting others; try again later (docs/protocol.md). Not
# RFC 6455's 1013, which autobahn does not let a server send.
CLOSE_TRY_AGAIN_LATER = 4503


def busy_frame():
    """The one frame before a 4503: when to try again (chat/socket_limits.py's schedule)."""
    retry_ms = round(socket_limits.retry_after() * 1000)
    return json.dumps({"type": "busy", "retry_ms": retry_ms})


class ConnectGate:
    """Lets at most `socket_limits.connects_at_once()` sockets be connecting at a time, from
    the session and user lookup to the consumer's accept or refusal. Another is accepted,
    told when to try again (a `busy` frame) and closed at once with 4503, before any lookup:
    the page comes back at that moment (static/js/socket.js), so a process coming up among
    thousands of returning pages lets them back at the rate it can take them instead of
    timing them all out (chat/socket_limits.py)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if not socket_limits.begin_connect():
            if (await receive())["type"] == "websocket.connect":
                await send({"type": "websocket.accept"})
                await send({"type": "websocket.send", "text": busy_frame()})
                await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})
            return None
        connecting = [True]

        def connected():
            if connecting[0]:
                connecting[0] = False
                socket_limits.end_connect()

        async def send_and_note(message):
            if connecting[0] and message["type"] in ("websocket.accept", "websocket.close"):
                connected()
            await send(message)

        try:
            return await self.application(scope, receive, send_and_note)
        finally:
            connected()


class PooledAuthMiddleware(AuthMiddleware):
    """Channels' AuthMiddleware, reading the session and the user on the sockets' pool of
    database threads (common/db_threads.py). Channels' own get_user runs on Django's one
    thread-sensitive thread, so every socket's connect in the process queued behind every
    other's two lookups: about 130 connects a second at most (bench/README.md, S4)."""

    async def resolve_scope(self, scope):
        scope["user"]._wrapped = await in_db_thread(get_user.func)(scope)


def auth_stack(inner):
    """Channels' AuthMiddlewareStack with the pooled lookups."""
    return CookieMiddleware(SessionMiddleware(PooledAuthMiddleware(inner)))


http_app = ASGIStaticFilesHandler(django_asgi_app) if settings.SERVE_STATIC else django_asgi_app

application = ProtocolTypeRouter(
    {
        # /healthz, /readyz and /metrics are answered before Django: no Host check, no
        # HTTPS redirect, no session (hoc/health.py).
        "http": HealthEndpoints(http_app),
        # Origin first: a page on another site, or on another port or scheme of this one,
        # must not open a socket with the visitor's cookie (cross-site WebSocket
        # hijacking). Missing Origin is refused too. Then the gate, before any lookup.
        "websocket": SameOriginValidator(ConnectGate(auth_stack(URLRouter(websocket_urlpatterns)))),
    }
)

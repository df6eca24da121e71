"""WebSocket routes. hoc/asgi.py wraps them in the origin check and the session."""

from django.urls import path, re_path

from chat.consumers import CLOSE_NO_SUCH_SOCKET, ConversationConsumer, QueueConsumer


async def no_such_socket(scope, receive, send):
    """Any other path (`/ws/chat/not-a-uuid/`): accepted, then closed with 4404, a refusal a
    page can tell from a network failure, instead of a 500 and a traceback
    (docs/protocol.md, close codes). No consumer, so no channel-layer channel either."""
    if (await receive())["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": CLOSE_NO_SUCH_SOCKET})


websocket_urlpatterns = [
    path("ws/chat/<uuid:conversation_id>/", ConversationConsumer.as_asgi()),
    path("ws/queue/", QueueConsumer.as_asgi()),
    re_path(r"", no_such_socket),
]

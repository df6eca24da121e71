"""WebSocket routes. hoc/asgi.py wraps them in the origin check and the session."""

from django.urls import path

from chat.consumers import ConversationConsumer, QueueConsumer

websocket_urlpatterns = [
    path("ws/chat/<uuid:conversation_id>/", ConversationConsumer.as_asgi()),
    path("ws/queue/", QueueConsumer.as_asgi()),
]

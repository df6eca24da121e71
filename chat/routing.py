"""WebSocket routes. hoc/asgi.py wraps them in the origin check and the session."""

# The conversation consumer is added with the real-time chat ([4/7]).
websocket_urlpatterns = []

"""ASGI applications for the chat benchmark (bench/chat_load.py).

`application` is HOC chat's own (hoc/asgi.py) with a statement counter. `relay_application`
is the bare Channels baseline: the same Daphne, the same channel layer (RedisPubSubChannelLayer
with REDIS_URL), and a consumer that only relays: no session, authorisation, validation,
encryption or database.
"""

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

from bench import statements
from hoc.asgi import application  # noqa: F401  (HOC chat, Django set up)

statements.install()
from bench import stages  # noqa: E402,F401  (installs itself when BENCH_STAGES is set)


class RelayConsumer(AsyncWebsocketConsumer):
    """Channels' plain pattern: group_add at connect, group_send per frame, send per member."""

    async def connect(self):
        self.group = "relay." + self.scope["url_route"]["kwargs"]["conversation"]
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(
            self.group, {"type": "relay", "text": text_data, "sender": self.channel_name}
        )

    async def relay(self, event):
        if event["sender"] != self.channel_name:
            await self.send(text_data=event["text"])


relay_application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("relay/<str:conversation>/<str:role>", RelayConsumer.as_asgi())])}
)

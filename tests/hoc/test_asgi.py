"""The WebSocket entry point refuses foreign pages before anything else."""

import pytest
from channels.auth import AuthMiddlewareStack
from channels.security.websocket import OriginValidator
from channels.testing import WebsocketCommunicator

from hoc.asgi import ConnectGate, application


@pytest.mark.parametrize(
    "headers",
    [
        [(b"origin", b"https://evil.example"), (b"host", b"127.0.0.1")],
        [(b"host", b"127.0.0.1")],  # no Origin at all
    ],
)
@pytest.mark.django_db
async def test_sockets_from_other_origins_are_refused(headers):
    communicator = WebsocketCommunicator(application, "/ws/anything/", headers=headers)
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


def test_websockets_pass_the_origin_check_then_the_connect_gate_then_the_session():
    websocket_app = application.application_mapping["websocket"]
    assert isinstance(websocket_app, OriginValidator)
    assert isinstance(websocket_app.application, ConnectGate)
    assert isinstance(websocket_app.application.application, type(AuthMiddlewareStack(None)))


def test_http_goes_to_django():
    assert "http" in application.application_mapping

"""The WebSocket entry point refuses foreign pages before anything else."""

import threading

import pytest
from channels.db import database_sync_to_async
from channels.security.websocket import OriginValidator
from channels.sessions import CookieMiddleware
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore

from hoc.asgi import ConnectGate, application
from tests.helpers.sockets import queue_socket, staff_cookie


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
    assert isinstance(websocket_app.application.application, CookieMiddleware)


@pytest.mark.django_db(transaction=True)
async def test_the_user_behind_a_socket_is_read_on_the_sockets_thread_pool(hana, monkeypatch):
    # Channels' own lookup runs on Django's one thread-sensitive thread, where every connect
    # of the process waits for every other's: after a restart, thousands of them.
    threads = []
    load = SessionStore.load

    def noted(self):
        threads.append(threading.current_thread().name)
        return load(self)

    key = await database_sync_to_async(staff_cookie)(hana)
    monkeypatch.setattr(SessionStore, "load", noted)
    socket, ok, _ = await queue_socket(key)
    assert ok
    assert threads
    assert all(name.startswith("hoc-db") for name in threads), threads
    await socket.disconnect()


def test_http_goes_to_django():
    assert "http" in application.application_mapping

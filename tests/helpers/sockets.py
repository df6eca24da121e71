"""WebSocket connections to hoc.asgi, opened the way our own pages open them.

The communicator carries our page's Origin and Host (the origin check refuses anything
else, tests/hoc/test_origin.py) and the session cookie of whoever is connecting.
"""

import asyncio
import time

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from accounts import session_keys
from tests.conftest import log_in

ORIGIN = "http://127.0.0.1"
HOST = "127.0.0.1"


def headers(cookie=None, origin=ORIGIN, host=HOST):
    """The handshake's headers; `origin` or `host` None leaves that header out."""
    sent = []
    if origin is not None:
        sent.append((b"origin", origin.encode()))
    if host is not None:
        sent.append((b"host", host.encode()))
    if cookie is not None:
        sent.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return sent


def communicator(path, cookie=None, **header_options):
    from hoc.asgi import application

    return WebsocketCommunicator(application, path, headers=headers(cookie, **header_options))


async def open_socket(path, cookie=None, **header_options):
    """(communicator, connected, close code) for a socket on `path`."""
    socket = communicator(path, cookie, **header_options)
    connected, code = await socket.connect()
    return socket, connected, code


async def connect(conversation, cookie, **header_options):
    """The conversation socket of `conversation`, as the holder of `cookie`."""
    return await open_socket(f"/ws/chat/{conversation.pk}/", cookie, **header_options)


async def queue_socket(cookie, **header_options):
    """The counsellors' queue socket."""
    return await open_socket("/ws/queue/", cookie, **header_options)


async def refusal(path_or_conversation, cookie=None, **header_options):
    """The close code of a socket the server refuses: it is accepted and then closed at
    once with a code that says why (docs/protocol.md, close codes). Fails if it stays open."""
    path = path_or_conversation
    if not isinstance(path, str):
        path = f"/ws/chat/{path.pk}/"
    socket, connected, code = await open_socket(path, cookie, **header_options)
    assert connected, f"refused at the handshake ({code}), which a browser sees as 1006"
    closed = await socket.receive_output(timeout=5)
    assert closed["type"] == "websocket.close", closed
    return closed["code"]


def visitor_cookie(conversation):
    """The session key of an anonymous visitor whose session holds `conversation`."""
    session = Client().session
    session[session_keys.CONVERSATION] = str(conversation.pk)
    session.save()
    return session.session_key


def staff_cookie(user, verified=True):
    """The session key of `user` logged in (with the second factor unless `verified` is False)."""
    return log_in(Client(), user, verified=verified).session.session_key


async def until_crashed(communicator, within=5.0):
    """Wait for the socket's application to end, and raise what it raised. asgiref's
    communicator surfaces an application's exception only when a wait for output times out
    (and cancels the application on a timeout of its own), so this watches the application's
    task instead of waiting a whole timeout."""
    deadline = time.monotonic() + within
    while not communicator.future.done():
        if time.monotonic() > deadline:
            raise AssertionError(f"the socket did not crash within {within} s")
        await asyncio.sleep(0.01)
    communicator.future.result()
    raise AssertionError("the socket ended without an exception")

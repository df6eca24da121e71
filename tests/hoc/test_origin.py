"""A socket is opened only from the site's own origin: scheme, host and port.

An allowed host name is not enough: a page on another port of the same host (another
service there) or on plain http (a network that injects a page) could otherwise open a
socket with the visitor's cookie.
"""

import pytest

from chat import conversations
from tests.helpers.sockets import connect, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def visitor_key():
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    return conversation, visitor_cookie(conversation)


async def opens(conversation, key, origin, host):
    communicator, connected, _ = await connect(conversation, key, origin=origin, host=host)
    await communicator.disconnect()
    return connected


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        ("http://127.0.0.1:9999", "127.0.0.1:8000"),  # another port of an allowed host
        ("http://127.0.0.1:9999", "127.0.0.1"),
        ("https://127.0.0.1", "127.0.0.1"),  # another scheme (the site serves http here)
        ("http://localhost", "127.0.0.1"),  # another allowed host than the one asked
        ("http://evil.example", "evil.example"),  # same origin, but not an allowed host
        ("null", "127.0.0.1"),
        ("http://127.0.0.1", None),  # no Host to compare with
        (None, "127.0.0.1"),  # no Origin at all
    ],
)
async def test_a_socket_from_another_origin_is_refused(visitor_key, origin, host):
    conversation, key = visitor_key
    assert not await opens(conversation, key, origin, host)


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        ("http://127.0.0.1", "127.0.0.1"),
        ("http://127.0.0.1:8000", "127.0.0.1:8000"),  # make run
        ("http://127.0.0.1:41234", "127.0.0.1:41234"),  # the tests' Daphne on a free port
        ("http://LOCALHOST:8000", "localhost:8000"),  # host names ignore case
        ("http://127.0.0.1", "127.0.0.1:80"),  # the default port, written or not
    ],
)
async def test_the_sites_own_origin_is_accepted(visitor_key, origin, host):
    conversation, key = visitor_key
    assert await opens(conversation, key, origin, host)


async def test_with_https_only_the_https_origin_is_accepted(visitor_key, settings):
    settings.HTTPS = True
    conversation, key = visitor_key
    assert await opens(conversation, key, "https://127.0.0.1", "127.0.0.1")
    assert await opens(conversation, key, "https://127.0.0.1:8443", "127.0.0.1:8443")
    assert await opens(conversation, key, "https://127.0.0.1", "127.0.0.1:443")
    assert not await opens(conversation, key, "http://127.0.0.1", "127.0.0.1")
    assert not await opens(conversation, key, "https://127.0.0.1:8443", "127.0.0.1")

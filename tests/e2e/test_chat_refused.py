"""A chat page whose session has gone says so and stops trying (static/js/chat.js,
static/js/socket.js): the server closes the refused socket with 4401 after accepting it,
instead of refusing the handshake, which a browser reports as 1006 (docs/protocol.md)."""

import re

import pytest

from tests.e2e.test_chat import open_all_week
from tests.e2e.test_handover import start_chat
from tests.e2e.test_queue_reconnect import COUNT_SOCKETS
from tests.helpers.browser import orm

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GONE = "Dit gesprek kun je hier niet meer openen. Start een nieuw gesprek of log opnieuw in."


def end_every_session():
    from django.contrib.sessions.models import Session

    Session.objects.all().delete()


def test_a_chat_whose_session_is_gone_says_what_to_do_and_stops_retrying(page, server_url):
    from playwright.sync_api import expect

    orm(open_all_week)
    sockets = []

    def between(ws):
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket(re.compile(r".*/ws/chat/[^/]+/$"), between)
    page.add_init_script(COUNT_SOCKETS)
    start_chat(page, server_url)
    expect(page.locator("[data-chat-state]")).to_have_text(re.compile("wachtrij|volgende"))
    assert page.evaluate("window.socketsMade") == 1

    # The session ends on the server (expired and removed); the connection drops, and the
    # page's next connect carries a cookie that holds nothing any more.
    orm(end_every_session)
    sockets[0].close(code=1011)
    expect(page.locator("[data-chat-state]")).to_have_text(GONE, timeout=10_000)
    expect(page.locator("[data-chat-announce]")).to_contain_text(GONE)
    refused = page.locator("[data-chat-refused-links]")
    expect(refused.get_by_role("link", name="Nieuw gesprek starten")).to_be_visible()
    expect(refused.get_by_role("link", name="Inloggen")).to_be_visible()
    expect(page.locator("[data-chat-offline]")).to_be_hidden()

    # Every retry of the backoff (at most 30 s each) would have fired within a minute.
    page.clock.install()
    page.clock.run_for(60_000)
    assert page.evaluate("window.socketsMade") == 2

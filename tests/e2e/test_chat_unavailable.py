"""chat.js on an `unavailable` error frame: it keeps the message and sends it again.

Playwright stands between the page and the real socket and answers the first
`message.send` itself, as a server whose database is away for a moment would
(docs/protocol.md). The page must not hand the text back or show an error; it resends with
the same id, and the message is stored once.
"""

import json
import re
import uuid

import pytest

from tests.e2e.test_chat import open_all_week, say
from tests.helpers.browser import orm

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_unavailable_message_is_resent_with_its_id_and_stored_once(page, server_url):
    from playwright.sync_api import expect

    from chat.models import Message

    orm(open_all_week)
    sends = []

    def between(ws):
        server = ws.connect_to_server()

        def to_server(message):
            frame = json.loads(message)
            if frame.get("type") == "message.send":
                sends.append(frame)
                if len(sends) == 1:
                    ws.send(
                        json.dumps(
                            {
                                "type": "error",
                                "code": "unavailable",
                                "message": "Temporarily unavailable; try again.",
                                "ref": frame["id"],
                            }
                        )
                    )
                    return
            server.send(message)

        ws.on_message(to_server)
        server.on_message(ws.send)

    page.route_web_socket(re.compile(r".*/ws/chat/.*"), between)
    page.goto(server_url + "/chat/")
    page.get_by_label("Voor mezelf").check()
    page.get_by_role("group", name="Ben je jonger dan 18 jaar?").get_by_label("Nee").check()
    page.get_by_role("group", name="Ben jij of is iemand anders nu in direct gevaar?").get_by_label(
        "Nee"
    ).check()
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Start de chat").click()
    expect(page.locator("[data-chat-state]")).to_contain_text("volgende")

    say(page, "ook als de database even weg is")
    message = page.locator("[data-chat-messages] [data-message]").last
    expect(message.locator("[data-delivery]")).to_have_text("· verzonden", timeout=10_000)
    expect(page.locator("[data-chat-error]")).to_have_text("")
    expect(page.get_by_label("Je bericht")).to_have_value("")  # not handed back
    assert len(sends) == 2 and sends[0]["id"] == sends[1]["id"]
    assert orm(lambda: list(Message.objects.values_list("client_id", flat=True))) == [
        uuid.UUID(sends[0]["id"])
    ]

"""How staff name a chat (templates/chat/includes/conversation_label.html): a short code from
its random id, for whom and since when; never a name, a topic or what was said."""

import re
import uuid

import pytest

from accounts.models import User
from chat import availability, conversations, help_requests, queue
from tests.chat.test_views import waiting
from tests.conftest import log_in

SHOWN_NAME = "Margriet"
TOPIC = "de ouderling van de gemeente in Staphorst"


@pytest.fixture
def client_chat(hana):
    client = User.objects.create_user(
        username="client-x", role=User.Role.CLIENT, display_name=SHOWN_NAME
    )
    conversation = waiting(client=client, topic=TOPIC)
    queue.claim(conversation, hana)
    conversations.post_message(conversation, "visitor", "Ik heet echt Margriet", uuid.uuid4())
    availability.note_seen(hana)
    help_requests.request_help(conversation, hana)
    conversation.refresh_from_db()
    return conversation


def rows_of(html):
    start = html.index("data-rows")
    return html[start : html.index("</div>", start)]


def test_the_code_is_stable_and_comes_from_the_random_id(client_chat):
    assert client_chat.code == client_chat.pk.hex[:4].upper()
    assert re.fullmatch(r"[0-9A-F]{4}", client_chat.code)
    again = type(client_chat).objects.get(pk=client_chat.pk)
    assert again.code == client_chat.code


def test_the_rows_show_the_code_and_never_the_name_or_the_topic(client, hana, client_chat):
    html = log_in(client, hana).get("/medewerkers/wachtrij/").content.decode()
    rows = rows_of(html)
    assert f"#{client_chat.code}" in rows
    assert "Voor zichzelf" in rows
    # The first words are there for staff, but never the shown name nor the topic.
    assert "Ik heet echt Margriet" in rows
    assert SHOWN_NAME not in rows.replace("Ik heet echt Margriet", "")
    assert TOPIC not in rows
    fetched = client.get("/medewerkers/wachtrij/?part=rows").content.decode()
    assert f"#{client_chat.code}" in fetched
    assert TOPIC not in fetched
    # The chat's heading is the same label.
    heading = html[html.index('class="chat-panel__title"') :]
    heading = heading[: heading.index("</h3>")]
    assert f"#{client_chat.code}" in heading and SHOWN_NAME not in heading


def test_the_queue_rows_show_no_topic(client, hana):
    waiting(topic=TOPIC)
    html = log_in(client, hana).get("/medewerkers/wachtrij/?part=queue").content.decode()
    assert "data-queue-item" in html
    assert TOPIC not in html


def test_the_overview_and_its_help_alert_show_the_code_never_name_or_topic(
    client, sam, client_chat
):
    html = log_in(client, sam).get("/medewerkers/overzicht/").content.decode()
    assert html.count(f"#{client_chat.code}") >= 2  # the help alert and the team's row
    assert SHOWN_NAME not in html
    assert TOPIC not in html

"""Ending a chat from the closing form is confirmed: without the page's dialog the server
asks first, so a stray click never ends a chat."""

from chat import queue
from chat.models import Conversation
from tests.chat.test_views import waiting
from tests.conftest import log_in

FORM = {"themes": ["children"], "group_context": "family", "outcome": "pointed"}


def test_an_open_chat_ends_only_after_the_confirmation(client, hana):
    conversation = waiting()
    queue.claim(conversation, hana)
    url = f"/medewerkers/gesprek/{conversation.pk}/afronden/"
    response = log_in(client, hana).post(url, FORM)
    html = response.content.decode()
    assert response.status_code == 200 and "Gesprek beëindigen?" in html
    assert 'name="outcome" value="pointed"' in html and 'name="confirmed" value="1"' in html
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.ACTIVE
    response = client.post(url, {**FORM, "confirmed": "1"})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.ENDED

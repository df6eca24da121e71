"""The conversation knows the language the visitor chose (the site's /en/), and the
counsellor sees it on the queue and in the chat's intake panel."""

from chat import conversations, queue
from chat.models import Conversation
from tests.chat.test_views import INTAKE, chat_open, waiting  # noqa: F401, F811 (fixture)
from tests.conftest import log_in


def test_a_chat_started_on_the_english_site_is_english(client, chat_open):  # noqa: F811
    client.post("/en/chat/", INTAKE)
    assert Conversation.objects.get().language == "en"


def test_a_chat_started_on_the_dutch_site_is_dutch(client, chat_open):  # noqa: F811
    client.post("/chat/", INTAKE)
    assert Conversation.objects.get().language == "nl"


def test_an_unknown_language_is_dutch():
    assert conversations.language_of("fr") == Conversation.Language.DUTCH
    assert conversations.language_of("en-gb") == Conversation.Language.ENGLISH


def test_the_queue_row_says_the_visitor_writes_english(client, hana):
    english = waiting(language="en")
    waiting()
    html = log_in(client, hana).get("/medewerkers/wachtrij/").content.decode()
    assert html.count("Schrijft in het Engels") == 1
    row = html[html.index(f'data-queue-item="{english.pk}"') :]
    assert row.index("Schrijft in het Engels") < row.index("Aannemen")


def test_the_intake_panel_shows_the_language(client, hana):
    conversation = waiting(language="en")
    queue.claim(conversation, hana)
    html = log_in(client, hana).get(f"/medewerkers/gesprek/{conversation.pk}/").content.decode()
    panel = html[html.index("Wat de bezoeker vooraf invulde") :]
    assert "<dt>Taal</dt>" in panel
    assert '<dd data-language><strong class="flag flag--language">Engels</strong></dd>' in panel

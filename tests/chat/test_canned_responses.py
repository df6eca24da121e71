"""Canned responses ([5/8] item 8): a starter set in Dutch and English on a fresh install,
the chat's own language first in the workspace, and still staff's to change or delete."""

import importlib
import re
from html import unescape

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chat import availability, conversations, queue
from chat.models import CannedResponse
from tests.conftest import log_in

STARTER = importlib.import_module("chat.migrations.0012_canned_response_starter_set")
BEFORE = ("chat", "0011_canned_response_language")
AFTER = ("chat", "0012_canned_response_starter_set")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.fixture
def newest_afterwards():
    """Back to the newest migrations once the test is done: the tests after it (and the
    health check's "migrations applied") need every table, the ones after this step too."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def starters():
    return {(language, title) for language, _position, title, _body in STARTER.STARTER_SET}


def present():
    return set(CannedResponse.objects.values_list("language", "title"))


@pytest.mark.django_db(transaction=True)
def test_a_fresh_database_has_the_set_in_both_languages(newest_afterwards):
    migrate(BEFORE)
    assert not present() & starters()
    migrate(AFTER)
    assert starters() <= present()
    for language in ("nl", "en"):
        texts = " ".join(
            f"{r.title} {r.body}" for r in CannedResponse.objects.filter(language=language)
        )
        # A greeting, the safety check, anonymity, 112, 113, Veilig Thuis, the closing words.
        for needed in ("112", "113", "0800-0113", "0800-2000", "Veilig Thuis", "Shift"):
            assert needed in texts, (language, needed)
        assert "sekte" not in texts.lower() and "cult" not in texts.lower()
    dutch = " ".join(CannedResponse.objects.filter(language="nl").values_list("body", flat=True))
    for words in ("ben je nu veilig?", "meelezen", "anoniem", "gesloten gemeenschap", "terugkomen"):
        assert words in dutch.lower(), words
    english = " ".join(CannedResponse.objects.filter(language="en").values_list("body", flat=True))
    for words in ("are you safe right now?", "read along", "anonymously", "closed community"):
        assert words in english.lower(), words
    assert all(len(r.body) <= 1000 and len(r.title) <= 80 for r in CannedResponse.objects.all())


@pytest.mark.django_db(transaction=True)
def test_backwards_removes_only_untouched_starters_and_forwards_adds_no_twins(
    newest_afterwards,
):
    migrate(BEFORE)
    migrate(AFTER)
    edited = CannedResponse.objects.get(language="nl", title="Begroeting")
    edited.body = "Hoi! Fijn dat je er bent."
    edited.save()
    own = CannedResponse.objects.create(title="Even geduld", body="Ik ben er zo weer.")
    migrate(BEFORE)
    assert present() == {("nl", "Begroeting"), ("nl", "Even geduld")}
    assert CannedResponse.objects.get(pk=edited.pk).body == "Hoi! Fijn dat je er bent."
    migrate(AFTER)
    assert starters() <= present()
    assert CannedResponse.objects.filter(language="nl", title="Begroeting").count() == 1
    assert CannedResponse.objects.filter(pk=own.pk).exists()
    # Running the step again (a restore, a second attempt) adds nothing.
    count = CannedResponse.objects.count()
    STARTER.add_starter_set(django_apps, None)
    assert CannedResponse.objects.count() == count


def canned_titles(html, conversation):
    """The canned responses' titles in one chat's panel, in order, with their language."""
    panel = html.split(f'data-panel="{conversation.pk}"', 1)[1].split("</section>", 1)[0]
    listed = panel.split('class="canned__list"', 1)[1].split("</ul>", 1)[0]
    return [
        (language, unescape(title))
        for language, title in re.findall(r'<span lang="(\w+)">([^<]*)</span>', listed)
    ]


def test_the_workspace_of_an_english_chat_lists_english_first(db, client, hana):
    CannedResponse.objects.create(title="Hallo", body="Hoi, fijn dat je er bent.", position=1)
    CannedResponse.objects.create(title="Hello", body="Hi, glad you're here.", language="en")
    english = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, language="en"
    )
    dutch = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    availability.set_capacity(hana, 2)
    queue.claim(english, hana)
    queue.claim(dutch, hana)
    html = log_in(client, hana).get("/medewerkers/wachtrij/").content.decode()

    in_english = canned_titles(html, english)
    languages = [language for language, _title in in_english]
    assert ("en", "Hello") in in_english and ("nl", "Hallo") in in_english
    assert languages == sorted(languages, key=lambda code: code != "en")
    in_dutch = canned_titles(html, dutch)
    assert [code for code, _ in in_dutch] == sorted(
        (code for code, _ in in_dutch), key=lambda code: code != "nl"
    )
    # The other language is named on its button; the chat's own is not.
    english_panel = html.split(f'data-panel="{english.pk}"', 1)[1].split("</section>", 1)[0]
    assert re.search(
        r'<span lang="nl">Hallo</span> <span class="flag flag--language">', english_panel
    )
    assert not re.search(r'<span lang="en">Hello</span> <span class="flag', english_panel)
    # The text goes into the message box as written.
    assert 'data-canned="Hi, glad you&#x27;re here."' in english_panel


def test_staff_change_and_delete_a_starter_text(db, client, sam):
    STARTER.add_starter_set(django_apps, None)  # as a fresh install has it
    greeting = CannedResponse.objects.get(language="en", title="Greeting")
    log_in(client, sam)
    page = client.get(f"/medewerkers/snelle-antwoorden/{greeting.pk}/").content.decode()
    assert "Greeting" in page and 'value="en" selected' in page
    client.post(
        f"/medewerkers/snelle-antwoorden/{greeting.pk}/",
        {"title": "Hello", "body": "Hi, I'm glad you're here.", "language": "en", "position": "5"},
    )
    greeting.refresh_from_db()
    assert (greeting.title, greeting.body, greeting.position) == (
        "Hello",
        "Hi, I'm glad you're here.",
        5,
    )
    listing = client.get("/medewerkers/snelle-antwoorden/").content.decode()
    assert listing.index("Begroeting") < listing.index("Hello")  # Dutch first on this page
    client.post(f"/medewerkers/snelle-antwoorden/{greeting.pk}/wissen/")
    assert not CannedResponse.objects.filter(pk=greeting.pk).exists()


def test_a_language_outside_the_chat_languages_is_refused(db, client, sam):
    log_in(client, sam).post(
        "/medewerkers/snelle-antwoorden/",
        {"title": "Bonjour", "body": "Salut", "language": "fr", "position": "1"},
    )
    assert not CannedResponse.objects.filter(title="Bonjour").exists()

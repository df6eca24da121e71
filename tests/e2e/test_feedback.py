"""The questions after a chat on a small phone, with and without JavaScript: calm, skippable,
the help lines and the quick exit still there, and one answer stored apart from the chat."""

import re

import pytest

from tests.e2e.conftest import answer_for_the_neutral_site
from tests.e2e.test_chat import open_all_week
from tests.e2e.test_workspace import start_chat
from tests.helpers.browser import (
    SMALL_PHONE,
    orm,
    screenshots,
    serious_problems,
    visitor_screenshots,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def stored():
    from chat.models import Feedback

    return [(f.got_what_came_for, f.would_chat_again, f.better) for f in Feedback.objects.all()]


def phone(browser, javascript):
    context = browser.new_context(
        locale="nl-NL", java_script_enabled=javascript, viewport=SMALL_PHONE
    )
    return answer_for_the_neutral_site(context).new_page()


def end_own_chat(visitor, javascript):
    """The visitor ends their own waiting chat, and goes on to the ended page."""
    from playwright.sync_api import expect

    if javascript:
        visitor.get_by_role("button", name="Gesprek beëindigen").click()
        visitor.get_by_role("dialog").get_by_role("button", name="Ja, beëindig het gesprek").click()
        visitor.get_by_role("link", name="Verder").click()
    else:
        visitor.locator(".plain-chat").get_by_role("link", name="Gesprek beëindigen").click()
        visitor.get_by_role("button", name="Ja, beëindig het gesprek").click()
    expect(visitor.get_by_role("heading", name="Het gesprek is afgelopen")).to_be_visible()


def fits_the_phone(visitor):
    width = visitor.evaluate("document.documentElement.scrollWidth")
    assert width <= SMALL_PHONE["width"], "nothing may scroll sideways"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-script", "without-script"])
def test_the_questions_after_a_chat_on_a_small_phone(browser_context, server_url, javascript):
    from playwright.sync_api import expect

    orm(open_all_week)
    visitor = phone(browser_context.browser, javascript)
    start_chat(visitor, server_url, "")
    end_own_chat(visitor, javascript)

    questions = visitor.get_by_role("region", name="Wil je ons nog iets laten weten?")
    expect(questions).to_be_visible()
    expect(questions).to_contain_text("Dat hoeft niet.")
    # The help lines come first, the quick exit stays.
    expect(visitor.get_by_role("region", name="Heb je nu hulp nodig?")).to_be_visible()
    assert visitor.get_by_role("button", name="Snel weg").is_visible()
    help_box = visitor.get_by_role("region", name="Heb je nu hulp nodig?").bounding_box()
    assert help_box["y"] < questions.bounding_box()["y"]
    fits_the_phone(visitor)
    if javascript:
        assert serious_problems(visitor) == []
    visitor_screenshots(visitor, f"ended-questions-{'js' if javascript else 'nojs'}")
    screenshots(visitor, f"ended-questions-{'js' if javascript else 'nojs'}")  # whole page

    questions.get_by_role("group", name="Heb je gekregen waarvoor je kwam?").get_by_label(
        "Deels"
    ).check()
    questions.get_by_label("Wat kunnen we beter doen?").fill("Eerder open in het weekend.")
    questions.get_by_role("button", name="Versturen").click()
    visitor.wait_for_url(re.compile(r"/chat/vragen/$"))
    expect(visitor.get_by_role("heading", name="Dank je wel")).to_be_visible()
    assert visitor.get_by_role("button", name="Snel weg").is_visible()
    expect(
        visitor.get_by_role("button", name="Bewaar dit gesprek in een nieuw account")
    ).to_be_visible()
    fits_the_phone(visitor)
    screenshots(visitor, f"feedback-thanks-{'js' if javascript else 'nojs'}")
    assert orm(stored) == [("partly", "", "Eerder open in het weekend.")]

    # Back and again: the token is spent, nothing more is stored.
    visitor.go_back()
    if visitor.get_by_role("button", name="Versturen").count():
        visitor.get_by_role("button", name="Versturen").click()
        expect(visitor.get_by_role("heading", name="Het gesprek is afgelopen")).to_be_visible()
    assert len(orm(stored)) == 1


def test_skipping_stores_nothing(browser_context, server_url):
    from playwright.sync_api import expect

    orm(open_all_week)
    visitor = phone(browser_context.browser, javascript=False)
    start_chat(visitor, server_url, "")
    end_own_chat(visitor, javascript=False)
    visitor.get_by_label("Wat kunnen we beter doen?").fill("toch maar niet")
    visitor.get_by_role("button", name="Overslaan").click()
    expect(visitor.get_by_text("We hebben niets van je antwoorden bewaard.")).to_be_visible()
    assert orm(stored) == []

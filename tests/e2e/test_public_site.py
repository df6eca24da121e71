"""The public site as a visitor and a staff member use it, in Chromium (issue [2/7])."""

import re

import pytest
from django.contrib.auth import get_user_model

from public.guide import load_guide, paths_to_ends
from tests.helpers.browser import orm, serious_problems, staff_log_in
from tests.public.test_public_pages import PAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def guide_paths():
    return {
        key: [(choice.question_id, choice.label) for choice in path]
        for key, path in paths_to_ends(load_guide()).items()
    }


def test_the_help_guide_reaches_every_end_in_the_page(page, server_url):
    paths = orm(guide_paths)
    assert len(paths) == 12
    page.goto(server_url + "/hulpwijzer/")
    loaded = len(page.fetches)
    restart = page.get_by_role("button", name="Opnieuw beginnen")
    for key, path in paths.items():
        if restart.is_visible():
            restart.click()
        for question, label in path:
            page.locator(f"#stap-{question}").get_by_role("link", name=label, exact=True).click()
        end = page.locator(f'[data-guide-node="{key}"]')
        assert end.is_visible(), key
        assert end.locator("[data-guide-end]").evaluate("el => el === document.activeElement")
    assert len(page.fetches) == loaded  # answering sent nothing
    assert page.url == server_url + "/hulpwijzer/"


def test_the_help_guide_goes_back_one_question(page, server_url):
    page.goto(server_url + "/hulpwijzer/")
    page.get_by_role("link", name="Nee").first.click()
    assert page.get_by_text("Denk je aan zelfdoding").first.is_visible()
    page.get_by_role("button", name="Vorige vraag").click()
    assert page.get_by_text("Ben je nu in direct gevaar").first.is_visible()


def test_the_help_guide_works_without_javascript(browser_context, server_url):
    context = browser_context.browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server_url + "/hulpwijzer/")
    page.get_by_role("link", name="Ja").first.click()
    assert re.search(r"/hulpwijzer/\d+/$", page.url)
    assert page.get_by_role("heading", name="Bel nu 112").is_visible()
    context.close()


def test_a_safety_answer_shows_the_emergency_box_at_once_and_sends_nothing(page, server_url):
    page.goto(server_url + "/herken-je-dit/")
    loaded = len(page.fetches)
    alert = page.locator("[data-safety-alert]")
    assert alert.is_hidden()
    page.locator('[data-item="self-1"] input[value="yes"]').check()
    assert alert.is_hidden()  # an ordinary question
    page.locator('[data-item="self-16"] input[value="yes"]').check()
    assert alert.is_visible()
    assert alert.get_attribute("role") == "alert"
    assert "0800-2000" in alert.inner_text() and "112" in alert.inner_text()
    page.locator("#self").get_by_role("button", name="Wat kan mij helpen?").click()
    result = page.locator("[data-result]")
    assert result.is_visible()
    assert "Je herkent een of meer punten" in result.inner_text()
    assert not re.search(r"\d+ ?(/|van|%)", result.inner_text())  # no score
    assert result.get_by_role("link", name="Chat anoniem met een hulpverlener").is_visible()
    assert len(page.fetches) == loaded
    storage = page.evaluate("[localStorage.length, sessionStorage.length, document.cookie]")
    assert storage == [0, 0, ""]


def test_the_self_check_is_a_readable_list_without_javascript(browser_context, server_url):
    context = browser_context.browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server_url + "/herken-je-dit/")
    assert page.locator("#self li").count() == 20
    assert page.locator("#relative li").count() == 11
    assert page.locator("input").count() == 0
    assert page.get_by_text("Herken je een of meer punten?").is_visible()
    context.close()


def make_admin():
    get_user_model().objects.create_superuser(
        "beheer", password="een lang genoeg wachtwoord", role="admin"
    )


def test_a_phone_number_changed_in_the_admin_shows_on_the_site(page, server_url):
    orm(make_admin)
    # A new admin: the one-time link, the password, then linking the app.
    staff_log_in(
        page, server_url, "beheer", "een lang genoeg wachtwoord", "/beheer/partners/partner/"
    )
    page.get_by_role("link", name="Veilig Thuis").first.click()
    page.locator("#id_phone").fill("0800-2001")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    page.wait_for_url(server_url + "/beheer/partners/partner/")
    page.goto(server_url + "/")
    assert page.locator('a[href="tel:08002001"]').first.is_visible()
    page.goto(server_url + "/naasten/")
    assert "0800-2001" in page.content()


@pytest.mark.parametrize("path", [p for p in PAGES] + ["/en/", "/en/hulpwijzer/"])
def test_every_page_is_accessible_small_and_same_origin(page, server_url, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(server_url + path)
    assert serious_problems(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert all(url.startswith(server_url) for url in page.requests), page.requests
    assert not [m for m in page.console if "Content Security Policy" in m], page.console


FOCUSED = """(() => {
  const el = document.activeElement;
  return el.tagName + ":" + (el.getAttribute("href") || el.textContent.trim().slice(0, 30));
})()"""


FOCUSED = """(() => {
  const el = document.activeElement;
  return el.tagName + ":" + (el.getAttribute("href") || el.textContent.trim().slice(0, 30));
})()"""


@pytest.mark.parametrize("path", ["/", "/hulpwijzer/", "/herken-je-dit/", "/professionals/"])
def test_pages_work_by_keyboard_alone(page, server_url, path):
    page.goto(server_url + path)
    seen = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.add(page.evaluate(FOCUSED))
    # The exit comes first, and focus reaches the main navigation and the content.
    assert any("Snel weg" in s for s in seen)
    assert any(s.startswith("A:/hulpwijzer") or s.startswith("A:/herken") for s in seen)

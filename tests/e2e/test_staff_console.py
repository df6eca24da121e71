"""The staff console's own layout on every staff page ([5/8], items 1 and 4): a counsellor and a
supervisor visit each page under /medewerkers/; none shows the visitors' safety bar, menu or
footer, every one shows the top bar (status, capacity, waiting count, sound, log-out) and
has no serious or critical axe-core violation."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.e2e.test_chat import open_all_week
from tests.helpers.browser import (
    DESKTOP,
    PHONE,
    orm,
    serious_problems,
    staff_log_in,
    staff_screenshots,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"
SUMMARY = "Zij wil weten wat de politie kan doen."

# Staff addresses without arguments that are no page of their own, and why.
NOT_PAGES = {
    "staff-logout": "POST only: the bar's log-out button, tested below",
    "counsel-availability": "POST only: the bar's status form, tested below",
    "counsel-sound": "POST only: the bar's sound button, tested below",
    "counsel-claim-next": "POST only: the workspace's 'Volgende aannemen' button",
    "counsel-bar": "the bar's waiting count alone, for queue.js",
    "oversight-statistics-csv": "a CSV file",
    "oversight-evaluation-csv": "a CSV file",
    "oversight-reply-waits": "POST only: the overview's thresholds form, on the overview",
}
# The pages before anyone is logged in: the plain bar, no console.
ENTRY_PAGES = {"staff-login", "staff-otp", "staff-enrol"}


def staff_urls_without_arguments(patterns=None, prefix=""):
    """(name, path) of every URL under /medewerkers/ that takes no argument."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += staff_urls_without_arguments(pattern.url_patterns, route)
        elif (
            isinstance(pattern, URLPattern)
            and route.startswith("medewerkers/")
            and "<" not in route
            and not pattern.default_args
        ):
            found.append((pattern.name, "/" + route))
    return found


def scene():
    """A counsellor holding one chat (an anonymous visitor), one more waiting, a canned
    response, a visitor's feedback with text, and a supervisor."""
    from accounts.models import User
    from accounts.staff import create_staff
    from chat import conversations, queue
    from chat.models import CannedResponse, Conversation

    create_staff("hana", "counsellor", PASSWORD)
    create_staff("sam", "supervisor", PASSWORD)
    held = conversations.open_conversation(
        for_whom=Conversation.ForWhom.SELF, minor=Conversation.Minor.NO, in_danger=False
    )
    queue.claim(held, User.objects.get(username="hana"))
    conversations.open_conversation(
        for_whom=Conversation.ForWhom.RELATIVE, minor=Conversation.Minor.NO, in_danger=False
    )
    canned = CannedResponse.objects.create(title="Welkom", body="Fijn dat je er bent.")
    from chat import feedback

    feedback.store(got_what_came_for="yes", better="Sneller antwoord graag.")  # for a quote
    return str(held.pk), canned.pk


def another_visitor():
    from chat import conversations
    from chat.models import Conversation

    conversations.open_conversation(
        for_whom=Conversation.ForWhom.SELF, minor=Conversation.Minor.YES, in_danger=False
    )


def availability_of(username):
    from chat.models import Availability

    own = Availability.objects.get(user__username=username)
    return own.status, own.capacity


def assert_console(page, path):
    """The staff layout, the top bar's parts and no serious accessibility problem."""
    from playwright.sync_api import expect

    assert page.locator(".safety-bar, [data-quick-exit]").count() == 0, path
    assert page.locator(".site-nav, .site-footer, .site-header").count() == 0, path
    bar = page.locator(".top-bar")
    expect(bar.get_by_label("Mijn status")).to_be_visible()
    expect(bar.get_by_label("Gesprekken tegelijk")).to_be_visible()
    expect(bar.locator("[data-bar-waiting]")).to_contain_text("in de wachtrij")
    expect(bar.get_by_role("button", name="Geluid uit")).to_be_visible()
    expect(bar.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert serious_problems(page) == [], path


def test_every_staff_page_has_the_console_layout_and_no_serious_violations(
    page, browser_context, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    conversation_id, canned_id = orm(scene)
    names = {name for name, _ in staff_urls_without_arguments()}
    counsellor_pages = {
        "staff-home": "/medewerkers/",
        "counsel-queue": "/medewerkers/wachtrij/",
        "referrals": "/medewerkers/verwijzingen/",
    }
    supervisor_pages = {
        "oversight-overview": "/medewerkers/overzicht/",
        "oversight-statistics": "/medewerkers/overzicht/statistiek/",
        "oversight-audit-log": "/medewerkers/overzicht/logboek/",
        "oversight-feedback": "/medewerkers/overzicht/reacties/",
        "oversight-evaluation": "/medewerkers/overzicht/evaluatie/",
        "canned-list": "/medewerkers/snelle-antwoorden/",
    }
    # A new staff page without arguments must be visited here (or said to be no page).
    assert names == set(counsellor_pages) | set(supervisor_pages) | ENTRY_PAGES | set(NOT_PAGES)

    # Before logging in: the plain bar, still no visitors' layout.
    page.goto(server_url + "/medewerkers/inloggen/")
    assert page.locator(".safety-bar, .site-nav, .site-footer, [data-status-form]").count() == 0
    expect(page.locator(".top-bar--plain")).to_be_visible()
    assert serious_problems(page) == []
    for name in ENTRY_PAGES - {"staff-login"}:  # they lead to the log-in while nobody is in
        page.goto(server_url + dict(staff_urls_without_arguments())[name])
        expect(page.get_by_role("button", name="Verder")).to_be_visible()

    staff_log_in(page, server_url, "hana", PASSWORD, "/medewerkers/")
    for path in counsellor_pages.values():
        page.goto(server_url + path)
        assert_console(page, path)
    # The current page is marked in the bar's navigation.
    expect(page.locator(".top-bar__nav [aria-current]")).to_have_text("Verwijzingen")

    # The referral draft: empty first, then with its errors beside the fields, then saved.
    draft = f"/medewerkers/verwijzingen/nieuw/{conversation_id}/"
    page.goto(server_url + draft)
    assert_console(page, draft)
    staff_screenshots(page, "referral-draft")
    page.get_by_role("button", name="Concept opslaan").click()
    summary = page.get_by_label("Samenvatting voor de partner")
    expect(summary).to_have_attribute("aria-invalid", "true")
    assert_console(page, draft + " (errors)")
    page.get_by_label("Naar wie?").select_option(label="Veilig Thuis")
    page.get_by_label("advies").check()
    summary.fill(SUMMARY)
    page.get_by_label("je neemt zelf contact op").check()
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.get_by_text(SUMMARY)).to_be_visible()
    referral = page.url.removeprefix(server_url)
    assert_console(page, referral)
    page.goto(server_url + referral + "wijzigen/")
    assert_console(page, referral + "wijzigen/")

    supervisor = browser_context.browser.new_context(locale="nl-NL").new_page()
    staff_log_in(supervisor, server_url, "sam", PASSWORD, "/medewerkers/")
    for path in [
        *supervisor_pages.values(),
        f"/medewerkers/snelle-antwoorden/{canned_id}/",
        f"/medewerkers/overzicht/gesprek/{conversation_id}/",  # the look's reason
        referral,
    ]:
        supervisor.goto(server_url + path)
        assert_console(supervisor, path)
    expect(supervisor.locator(".top-bar__nav a")).to_have_text(
        ["Werkplek", "Verwijzingen", "Overzicht", "Statistiek", "Logboek", "Snelle antwoorden"]
    )
    supervisor.goto(server_url + "/medewerkers/overzicht/statistiek/")
    expect(supervisor.locator(".top-bar__nav [aria-current]")).to_have_text("Statistiek")


def test_the_bar_saves_status_and_sound_in_the_background_and_counts_the_queue_live(
    page, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(scene)
    staff_log_in(page, server_url, "hana", PASSWORD, "/medewerkers/verwijzingen/")
    waiting = page.locator(".top-bar [data-bar-waiting]")
    expect(waiting).to_have_text("1 in de wachtrij")

    # A visitor joins: the count changes on a page that has no queue of its own.
    orm(another_visitor)
    expect(waiting).to_have_text("2 in de wachtrij", timeout=8_000)

    # Status and capacity save on change, without leaving the page.
    page.get_by_label("Mijn status").select_option("busy")
    expect(page.locator("[data-status-saved]")).to_have_text("Status opgeslagen.")
    page.get_by_label("Gesprekken tegelijk").select_option("2")
    for _ in range(50):  # the background save: ask the database until it is there
        if orm(availability_of, "hana") == ("busy", 2):
            break
        page.wait_for_timeout(100)
    assert orm(availability_of, "hana") == ("busy", 2)
    assert page.url == server_url + "/medewerkers/verwijzingen/"
    expect(page.locator("[data-status-save]")).to_be_hidden()  # the script saves each change

    # Sound off, kept in the session: still off after a reload.
    sound = page.get_by_role("button", name="Geluid uit")
    with page.expect_response(lambda response: "/status/geluid/" in response.url) as saved:
        sound.click()
    assert saved.value.status == 204
    expect(sound).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.get_by_role("button", name="Geluid uit")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("Mijn status")).to_have_value("busy")

    # Keyboard only: the skip link first, and it leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Log-out from the bar.
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(server_url + "/medewerkers/inloggen/")
    page.goto(server_url + "/medewerkers/verwijzingen/")
    expect(page.get_by_role("button", name="Verder")).to_be_visible()


def test_the_bar_fits_one_row_at_1366_wraps_on_a_phone_and_answers_the_sound_shortcut(
    page, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(scene)
    staff_log_in(page, server_url, "sam", PASSWORD, "/medewerkers/wachtrij/")
    page.set_viewport_size(DESKTOP)
    bar = page.locator(".top-bar")
    expect(bar).to_be_visible()
    staff_screenshots(page, "workspace-top-bar")
    # The workspace's sound shortcut works the bar's button, kept in the session.
    sound = bar.get_by_role("button", name="Geluid uit")
    with page.expect_response(lambda response: "/status/geluid/" in response.url):
        page.keyboard.press("Alt+Shift+M")
    expect(sound).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(sound).to_have_attribute("aria-pressed", "true")
    assert bar.bounding_box()["height"] <= 48
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(bar.get_by_role("button", name="Uitloggen")).to_be_visible()

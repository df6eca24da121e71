"""Journey: a counsellor's evening with support around them.

Two visitors, one writing in English; the counsellor drafts a referral beside the
workspace and still hears the other chat; asks for help, which names the chat on the
supervisor's overview and is answered by the supervisor's audited look, and the counsellor
sees who answered; hands the chat to a colleague with a note; the colleague blocks the
visitor; the supervisor reviews the block. Screenshots at phone and desktop size go to
/tmp/shots_jworkspace/ when that folder exists.
"""

import re

import pytest

from tests.e2e.test_chat import open_all_week
from tests.e2e.test_workspace import MESSAGES, start_chat
from tests.helpers.browser import orm, screenshots, staff_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"
# Counts the tones a staff page plays (static/js/tone.js makes one oscillator per tone).
COUNT_TONES = """
window.__tones = 0;
const original = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  window.__tones += 1;
  return original.call(this);
};
"""


def staff():
    from accounts.staff import create_staff

    create_staff("hana", "counsellor", PASSWORD)
    create_staff("kees", "counsellor", PASSWORD)
    create_staff("sam", "supervisor", PASSWORD)


def start_english_chat(page, server_url, topic):
    page.goto(server_url + "/en/chat/")
    page.get_by_label("For myself").check()
    page.get_by_role("group", name="Are you under 18?").get_by_label("No", exact=True).check()
    danger = page.get_by_role(
        "group", name="Are you or is someone else in immediate danger right now?"
    )
    danger.get_by_label("No", exact=True).check()
    page.get_by_label("What would you like to talk about?").fill(topic)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Start the chat").click()


def claim(counsellor):
    """Take the first in line: queue rows show no topic (chat/includes/conversation_label)."""
    before = counsellor.url
    item = counsellor.locator("[data-queue-item]").first
    item.get_by_role("button", name="Aannemen").click()
    counsellor.wait_for_url(
        lambda url: url != before and re.search(r"/medewerkers/gesprek/[0-9a-f-]{36}/$", url)
    )
    return counsellor.url.rstrip("/").rsplit("/", 1)[1]


def tones(page):
    return page.evaluate("window.__tones")


def audit_actions():
    from audit.models import AuditEntry

    return list(AuditEntry.objects.order_by("at").values_list("action", "actor_name", "detail"))


def test_transfer_with_a_note_help_answered_by_a_supervisor_and_a_block_reviewed(
    page, browser_context, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(staff)
    browser = browser_context.browser
    counsellor_context = browser.new_context(locale="nl-NL")
    counsellor_context.add_init_script(COUNT_TONES)
    counsellor = counsellor_context.new_page()
    supervisor_context = browser.new_context(locale="nl-NL")
    supervisor_context.add_init_script(COUNT_TONES)
    supervisor = supervisor_context.new_page()
    colleague = browser.new_context(locale="nl-NL").new_page()
    english_visitor = browser.new_context(locale="en-GB").new_page()
    visitor = page

    staff_log_in(supervisor, server_url, "sam", PASSWORD, "/medewerkers/overzicht/")
    staff_log_in(colleague, server_url, "kees", PASSWORD, "/medewerkers/wachtrij/")
    staff_log_in(counsellor, server_url, "hana", PASSWORD, "/medewerkers/wachtrij/")
    counsellor.get_by_label("Gesprekken tegelijk").select_option("2")
    expect(counsellor.get_by_text("Jij hebt 0 van 2 gesprekken.")).to_be_visible()
    # Sound starts only after a page was used (tone.js): as a person would, click once.
    counsellor.locator("h1").click()
    supervisor.locator("h1").click()

    # Two visitors; the queue row says which one writes in English.
    start_chat(visitor, server_url, "mijn oom")
    start_english_chat(english_visitor, server_url, "my sister")
    rows = counsellor.locator("[data-queue-item]")
    expect(rows).to_have_count(2, timeout=5_000)
    expect(rows.nth(1)).to_contain_text("Schrijft in het Engels")
    expect(rows.nth(0)).not_to_contain_text("Engels")
    screenshots(counsellor, "workspace-queue-with-language")
    first = claim(counsellor)
    second = claim(counsellor)
    first_panel = counsellor.locator(f"#panel-{first}")
    second_panel = counsellor.locator(f"#panel-{second}")
    expect(second_panel.locator("[data-language]")).to_have_text("Engels")
    expect(first_panel.locator("[data-language]")).to_have_text("Nederlands", use_inner_text=True)

    # Drafting a referral for the first chat happens in its side panel, while every socket
    # stays open: the other visitor's message still reaches it, with a badge and a tone.
    counsellor.get_by_role("tab").first.click()
    expect(first_panel).to_be_visible()
    workspace_url = counsellor.url
    first_panel.get_by_role("link", name="Verwijzing opstellen").click()
    draft = first_panel.locator("[data-side-slot]")
    expect(draft.get_by_label("Naar wie?")).to_be_visible()
    assert counsellor.url == workspace_url
    assert len(counsellor_context.pages) == 1
    before = tones(counsellor)
    english_visitor.get_by_label("Your message").fill("Are you still there?")
    english_visitor.get_by_role("button", name="Send").click()
    second_tab = counsellor.locator(f"[data-tab='{second}']")
    expect(second_tab.locator("[data-unread]")).to_have_text("1", timeout=5_000)
    assert tones(counsellor) > before
    expect(counsellor).to_have_title(re.compile(r"^\(1\) Werkplek"))
    draft.get_by_role("button", name="Sluiten").click()
    expect(draft.get_by_label("Naar wie?")).to_have_count(0)
    second_tab.click()
    expect(second_panel.locator(MESSAGES)).to_have_text(["Are you still there?"])
    counsellor.get_by_role("tab").first.click()

    # A call for help: the counsellor is told nobody answered yet; the supervisor's
    # overview names the chat (no name, no topic) with a tone.
    supervisor_tones = tones(supervisor)
    first_panel.get_by_role("button", name="Vraag hulp").click()
    help_state = first_panel.locator("[data-help] [role=status]")
    expect(help_state).to_contain_text("Nog geen supervisor heeft gereageerd.")
    assert "komt eraan" not in first_panel.inner_text()
    alert = supervisor.locator(f"[data-help-request='{first}']")
    expect(alert).to_contain_text("hana vraagt om hulp", timeout=5_000)
    expect(alert).to_contain_text(f"#{first[:4].upper()} · Voor zichzelf · ")
    expect(alert).not_to_contain_text("oom")
    expect(supervisor).to_have_title(re.compile(r"^\(!\) Overzicht"))
    assert tones(supervisor) > supervisor_tones
    screenshots(supervisor, "workspace-overview-help")
    screenshots(counsellor, "workspace-help-asked")

    # The supervisor opens it from the alert: the audited look, "help" already chosen.
    alert.get_by_role("link", name="Gesprek openen").click()
    expect(supervisor.get_by_label("Een hulpverlener vraagt om hulp")).to_be_checked()
    supervisor.get_by_role("button", name="Meekijken").click()
    expect(supervisor.get_by_role("heading", name="Live meekijken")).to_be_visible()
    # The counsellor sees, at once, who answered.
    expect(help_state).to_contain_text("sam heeft om", timeout=5_000)
    expect(help_state).to_contain_text("gereageerd en leest mee.")
    screenshots(counsellor, "workspace-help-answered")

    # Hand the chat to a colleague with a note; the colleague reads the note.
    first_panel.get_by_text("Overdragen aan een collega").click()
    first_panel.get_by_label("Overdragen aan").select_option(label="kees (hulpverlener)")
    first_panel.get_by_label("Overdrachtsnotitie voor je collega").fill("Scheldt steeds, let op.")
    first_panel.get_by_role("button", name="Overdragen").click()
    expect(counsellor.get_by_text("Het gesprek is overgedragen aan kees.")).to_be_visible()
    expect(visitor.locator(MESSAGES).last).to_contain_text("Je gesprek gaat verder met een collega")
    colleague.get_by_role("link", name="Openen").click(timeout=10_000)
    panel = colleague.locator(f"#panel-{first}")
    expect(panel.get_by_text("Scheldt steeds, let op.")).to_be_visible()
    expect(panel).to_contain_text("van hana")

    # The colleague blocks the visitor; the supervisor reviews the block and lets it stand.
    panel.get_by_text("Bezoeker blokkeren").click()
    panel.get_by_label("Reden (een supervisor beoordeelt de blokkade)").fill("Blijft schelden.")
    panel.get_by_role("button", name="Blokkeren en gesprek stoppen").click()
    expect(visitor.locator("[data-chat-ended]")).to_be_visible(timeout=5_000)
    supervisor.goto(server_url + "/medewerkers/overzicht/")
    review = supervisor.locator(".queue__item", has_text="Blijft schelden.")
    expect(review).to_contain_text("Door kees")
    review.get_by_role("button", name="Laten staan").click()
    expect(supervisor.get_by_text("Niets te beoordelen.")).to_be_visible()
    # The end of the chat is shown once (chat/views.py); after that, no new chat.
    visitor.goto(server_url + "/chat/")
    visitor.goto(server_url + "/chat/")
    expect(visitor.get_by_text("Je kunt op dit moment geen nieuw gesprek")).to_be_visible()

    actions = [(action, who) for action, who, _ in orm(audit_actions)]
    for step in [
        ("help.requested", "hana"),
        ("conversation.viewed", "sam"),
        ("help.answered", "sam"),
        ("conversation.transferred", "hana"),
        ("visitor.blocked", "kees"),
        ("block.reviewed", "sam"),
    ]:
        assert step in actions, step
    for other in (counsellor, supervisor, colleague, english_visitor):
        other.close()

"""A counsellor's shift as an inbox: three chats beside a queue, reply waits turning amber and
red, a referral drafted in the side panel while another chat goes on, and an end that is
confirmed first."""

import re

import pytest

from tests.e2e.test_chat import open_all_week
from tests.e2e.test_workspace import claim, say, start_chat
from tests.helpers.browser import (
    FULL_HD,
    LAPTOP,
    orm,
    screenshots,
    serious_problems,
    staff_log_in,
    staff_screenshots,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"
MESSAGES = "[data-chat-messages] [data-body]"
TOPICS = ["mijn oom de ouderling", "mijn zus in de groep", "de leider", "mijn vader"]


def people_and_short_thresholds():
    from accounts.staff import create_staff
    from chat.models import ReplyWaitThresholds

    create_staff("hana", "counsellor", PASSWORD)
    create_staff("sam", "supervisor", PASSWORD)
    # Seconds instead of minutes, so amber and red show within the test.
    ReplyWaitThresholds.objects.update_or_create(
        pk=1, defaults={"amber_seconds": 2, "red_seconds": 4}
    )


def referral_states():
    from handover.models import Referral

    return list(Referral.objects.values_list("state", flat=True))


def test_a_shift_three_chats_a_queue_a_referral_beside_them_and_a_confirmed_end(
    page, browser_context, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(people_and_short_thresholds)
    browser = browser_context.browser
    counsellor = browser.new_context(locale="nl-NL", viewport=LAPTOP).new_page()
    visitors = [page] + [browser.new_context(locale="nl-NL").new_page() for _ in range(3)]

    staff_log_in(counsellor, server_url, "hana", PASSWORD, "/medewerkers/wachtrij/")
    counsellor.get_by_label("Gesprekken tegelijk").select_option("3")  # saved on change
    expect(counsellor.get_by_text("Jij hebt 0 van 3 gesprekken.")).to_be_visible()

    for number, (visitor, topic) in enumerate(zip(visitors, TOPICS, strict=True)):
        start_chat(visitor, server_url, topic, minor="Ja" if number == 1 else "Nee")
        expect(counsellor.locator("[data-queue-item]")).to_have_count(number + 1)

    ids = [claim(counsellor) for _ in range(3)]
    rows = [counsellor.locator(f"#tab-{id}") for id in ids]
    panels = [counsellor.locator(f"#panel-{id}") for id in ids]
    expect(counsellor.get_by_role("tab")).to_have_count(3)
    expect(panels[2]).to_be_visible()
    # The fourth visitor still waits, with the waiting time counting on.
    fourth = counsellor.locator("[data-queue-item]")
    expect(fourth).to_have_count(1)
    expect(fourth.locator("[data-since]")).to_have_text(re.compile(r"^0:\d\d$"))
    # Each row names its chat by a code, never by what the visitor typed.
    code = ids[1][:4].upper()
    expect(rows[1]).to_contain_text(f"#{code} · Voor zichzelf")
    expect(rows[1]).to_contain_text("Jonger dan 18")
    for topic in TOPICS:
        expect(counsellor.locator(".workspace__list")).not_to_contain_text(topic)

    # At 1366 × 768 the open chat's box and the queue's first row fit without scrolling.
    expect(panels[2].get_by_label("Je bericht")).to_be_in_viewport(ratio=1)
    expect(fourth.first).to_be_in_viewport(ratio=1)

    # Visitors write: first words, unread counts and a reply wait on each row.
    say(visitors[0], "Hallo, ik weet niet goed waar ik moet beginnen met dit verhaal")
    say(visitors[1], "Mijn zus mag ons niet meer zien sinds ze weg is")
    say(visitors[2], "Ik wil weten of ik anoniem kan blijven")
    expect(rows[0].locator("[data-row-preview]")).to_have_text(
        "Hallo, ik weet niet goed waar ik moet…"
    )
    expect(rows[1].locator("[data-row-preview]")).to_have_text(
        "Mijn zus mag ons niet meer zien sinds…"
    )
    expect(rows[0].locator("[data-unread]")).to_have_text("1")
    expect(rows[1].locator("[data-unread]")).to_have_text("1")
    expect(panels[2].locator(MESSAGES)).to_have_text(["Ik wil weten of ik anoniem kan blijven"])
    expect(counsellor).to_have_title(re.compile(r"^\(2\) Werkplek"))
    wait = rows[0].locator("[data-wait]")
    expect(wait).to_contain_text("Wacht op jouw antwoord:")
    expect(wait).to_have_class(re.compile(r"wait--amber"))
    expect(wait).to_have_class(re.compile(r"wait--red"))
    expect(wait).to_contain_text("dringend")
    # Still in view with every row grown by its first words and its wait.
    expect(panels[2].get_by_label("Je bericht")).to_be_in_viewport(ratio=1)
    expect(fourth.first).to_be_in_viewport(ratio=1)
    assert serious_problems(counsellor) == []
    staff_screenshots(counsellor, "workspace-three-chats")
    screenshots(counsellor, "workspace-three-chats")

    # Switching by click and by Alt+Shift+n; the unread count goes with it.
    rows[0].click()
    expect(panels[0]).to_be_visible()
    expect(panels[2]).to_be_hidden()
    expect(rows[0].locator("[data-unread]")).to_be_hidden()
    counsellor.keyboard.press("Alt+Shift+Digit2")
    expect(panels[1]).to_be_visible()
    expect(rows[1]).to_be_focused()
    expect(rows[1].locator("[data-unread]")).to_be_hidden()
    # An answer ends that row's wait; the others still wait.
    say(panels[1], "Wat naar. Vertel gerust meer.")
    expect(visitors[1].locator(MESSAGES).last).to_have_text("Wat naar. Vertel gerust meer.")
    expect(rows[1].locator("[data-wait]")).to_have_count(0)
    expect(rows[1].locator("[data-row-preview]")).to_have_text("Jij: Wat naar. Vertel gerust meer.")
    expect(rows[0].locator("[data-wait]")).to_have_count(1)

    # The referral is drafted beside the first chat; every chat stays connected meanwhile.
    counsellor.keyboard.press("Alt+Shift+Digit1")
    expect(panels[0]).to_be_visible()
    pages_before = len(counsellor.context.pages)
    panels[0].get_by_role("link", name="Verwijzing opstellen").click()
    side = panels[0].locator("[data-side-slot]")
    expect(side.get_by_label("Naar wie?")).to_be_visible()
    assert len(counsellor.context.pages) == pages_before  # no new tab
    # The form sits beside the chat, whose box stays in view at 1366 × 768.
    expect(panels[0].get_by_label("Je bericht")).to_be_in_viewport(ratio=1)
    expect(side.get_by_label("Naar wie?")).to_be_in_viewport(ratio=1)
    side.get_by_label("Naar wie?").select_option(label="Veilig Thuis")
    side.get_by_label("advies").check()
    side.get_by_role("button", name="Concept opslaan").click()
    # Errors show in place, the form keeps what was chosen.
    expect(side.locator(".field__error").first).to_be_visible()
    expect(side.get_by_label("advies")).to_be_checked()
    # (The third chat was in front when its visitor first wrote: nothing unread there then.)
    say(visitors[2], "Ben je er nog?")
    expect(rows[2].locator("[data-unread]")).to_have_text("1")
    expect(panels[2].locator(MESSAGES).last).to_have_text("Ben je er nog?")
    side.get_by_label("Samenvatting voor de partner").fill("Wil advies over haar oom.")
    side.get_by_label("je neemt zelf contact op").check()
    assert serious_problems(counsellor) == []
    staff_screenshots(counsellor, "workspace-referral-draft")
    say(visitors[2], "Hallo?")
    side.get_by_role("button", name="Concept opslaan").click()
    expect(side.get_by_role("status")).to_contain_text("Verwijzing naar Veilig Thuis")
    expect(rows[2].locator("[data-unread]")).to_have_text("2")
    expect(panels[2].locator(MESSAGES).last).to_have_text("Hallo?")
    side.get_by_role("button", name="Toestemming vragen in de chat").click()
    expect(side).to_contain_text("De cliënt ziet de vraag om toestemming in de chat.")
    expect(visitors[0].locator("[data-card]")).to_contain_text("Veilig Thuis")
    assert orm(referral_states) == ["consent_asked"]

    # At full HD the side panel sits beside the chat, in view.
    counsellor.set_viewport_size(FULL_HD)
    box = panels[0].get_by_label("Je bericht").bounding_box()
    side_box = panels[0].locator(".chat-panel__side").bounding_box()
    assert side_box["x"] >= box["x"] + box["width"]
    expect(panels[0].get_by_label("Je bericht")).to_be_in_viewport(ratio=1)
    counsellor.set_viewport_size(LAPTOP)

    # Ending asks first: "no" keeps the chat going, "yes" ends it.
    counsellor.keyboard.press("Alt+Shift+Digit2")
    dialog = counsellor.locator("[data-end-dialog]")
    panels[1].get_by_role("button", name="Gesprek beëindigen").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Nee, terug naar het gesprek").click()
    expect(dialog).to_be_hidden()
    say(panels[1], "Ik ben er nog.")
    expect(visitors[1].locator(MESSAGES).last).to_have_text("Ik ben er nog.")
    expect(visitors[1].locator("[data-chat-ended]")).to_be_hidden()
    panels[1].get_by_role("button", name="Gesprek beëindigen").click()
    dialog.get_by_role("button", name="Ja, beëindigen").click()
    expect(visitors[1].locator("[data-chat-ended]")).to_be_visible()
    expect(panels[1].locator("[data-chat-ended]")).to_be_visible()

    # The supervisors' overview: per counsellor, each chat with its wait.
    supervisor = browser.new_context(locale="nl-NL", viewport=LAPTOP).new_page()
    staff_log_in(supervisor, server_url, "sam", PASSWORD, "/medewerkers/overzicht/")
    hana = supervisor.locator("[data-team-member]", has_text="hana")
    expect(hana.locator("[data-chat-wait]")).to_have_count(2)
    expect(hana).to_contain_text(f"#{ids[0][:4].upper()}")
    expect(hana.locator(".wait--red").first).to_be_visible()
    for topic in TOPICS:
        expect(supervisor.locator("main")).not_to_contain_text(topic)
    assert serious_problems(supervisor) == []
    staff_screenshots(supervisor, "overview")
    screenshots(supervisor, "overview")
    supervisor.close()
    counsellor.close()
    for visitor in visitors[1:]:
        visitor.close()

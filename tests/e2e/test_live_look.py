"""A supervisor's live look from a call for help: reading along, whispering to the
counsellor (which the visitor's socket and page never receive) and joining openly."""

import json
import re

import pytest

from tests.e2e.test_chat import open_all_week
from tests.e2e.test_workspace import MESSAGES, PASSWORD, claim, say, start_chat
from tests.helpers.browser import (
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

WHISPER = "Vraag of ze vannacht ergens veilig kan slapen."


def staff():
    from accounts.staff import create_staff

    create_staff("hana", "counsellor", PASSWORD)
    create_staff("sam", "supervisor", PASSWORD)


def audit_of_whispers():
    from audit.models import AuditEntry

    return [
        (entry.actor_name, entry.detail, entry.reason)
        for entry in AuditEntry.objects.filter(action="conversation.whispered")
    ]


def whispers_stored():
    from chat.models import Note

    return [(note.author.username, note.body) for note in Note.objects.filter(whisper=True)]


def frames_of(page):
    """Every WebSocket frame the page receives, as text."""
    received = []
    page.on(
        "websocket",
        lambda socket: socket.on(
            "framereceived",
            lambda payload: received.append(payload if isinstance(payload, str) else ""),
        ),
    )
    return received


def a_chat_with_a_counsellor(page, browser_context, server_url, topic):
    """(visitor, counsellor, supervisor, conversation id, frames the visitor receives)."""
    orm(open_all_week)
    orm(staff)
    browser = browser_context.browser
    counsellor = browser.new_context(locale="nl-NL").new_page()
    supervisor = browser.new_context(locale="nl-NL").new_page()
    visitor = page
    visitor_frames = frames_of(visitor)
    staff_log_in(counsellor, server_url, "hana", PASSWORD, "/medewerkers/wachtrij/")
    staff_log_in(supervisor, server_url, "sam", PASSWORD, "/medewerkers/overzicht/")
    start_chat(visitor, server_url, topic)
    conversation = claim(counsellor)
    return visitor, counsellor, supervisor, conversation, visitor_frames


def test_a_whisper_from_the_live_look_reaches_the_counsellor_only(
    page, browser_context, server_url
):
    from playwright.sync_api import expect

    visitor, counsellor, supervisor, conversation, visitor_frames = a_chat_with_a_counsellor(
        page, browser_context, server_url, "mijn vader"
    )
    panel = counsellor.locator(f"#panel-{conversation}")
    say(visitor, "Hij heeft mijn telefoon afgepakt.")
    expect(panel.locator(MESSAGES)).to_have_text(["Hij heeft mijn telefoon afgepakt."])

    # A call for help: from the overview's alert, the reason is chosen; after it, the live view.
    panel.get_by_role("button", name="Vraag hulp").click()
    alert = supervisor.locator(f"[data-help-request='{conversation}']")
    alert.get_by_role("link", name="Gesprek openen").click(timeout=10_000)
    expect(supervisor.get_by_label("Een hulpverlener vraagt om hulp")).to_be_checked()
    expect(supervisor.get_by_role("button", name="Meekijken")).to_be_focused()
    supervisor.keyboard.press("Enter")
    expect(supervisor.get_by_role("heading", name="Live meekijken")).to_be_visible()
    look = supervisor.locator("[data-chat]")
    expect(look.locator(MESSAGES)).to_have_text(["Hij heeft mijn telefoon afgepakt."])
    expect(look.locator("[data-chat-state]")).to_have_text(
        "Je kijkt live mee. De bezoeker ziet dat niet."
    )
    # The counsellor sees who answered; so does the look.
    expect(panel.locator("[data-help] [role=status]")).to_contain_text("sam heeft om")
    expect(supervisor.locator("[data-look-help]")).to_contain_text("sam heeft om")

    # Live: the visitor's next message appears without a reload.
    say(visitor, "Ik durf niet naar huis.")
    expect(look.locator(MESSAGES)).to_have_text(
        ["Hij heeft mijn telefoon afgepakt.", "Ik durf niet naar huis."]
    )

    # The whisper: the counsellor sees it in the chat, marked as staff-only and whose.
    supervisor.get_by_label("Fluister naar de hulpverlener").fill(WHISPER)
    supervisor.get_by_role("button", name="Fluisteren").click()
    whisper = panel.locator(".message--whisper")
    expect(whisper).to_contain_text("Fluistering van sam")
    expect(whisper).to_contain_text("alleen voor medewerkers")
    expect(whisper.locator("[data-body]")).to_have_text(WHISPER)
    expect(look.locator(".message--whisper [data-body]")).to_have_text(WHISPER)
    # And under the chat's notes at once, without a reload.
    live_notes = counsellor.locator(f"[data-notes='{conversation}']")
    expect(live_notes.locator(".notes__whisper")).to_contain_text("Fluistering van sam")
    expect(live_notes.locator(".notes__whisper .notes__body")).to_have_text(WHISPER)
    expect(live_notes).not_to_contain_text("Nog geen notities.")

    # Then an ordinary message: once the visitor has it, the whisper would have come before.
    say(counsellor.locator(f"#panel-{conversation}"), "Ben je nu op een veilige plek?")
    expect(visitor.locator(MESSAGES).last).to_have_text("Ben je nu op een veilige plek?")
    expect(look.locator(MESSAGES).last).to_have_text("Ben je nu op een veilige plek?")
    assert any("Ben je nu op een veilige plek?" in frame for frame in visitor_frames)
    assert not [frame for frame in visitor_frames if WHISPER in frame or "whisper" in frame]
    assert not any(json.loads(frame).get("by") == "sam" for frame in visitor_frames)
    assert WHISPER not in visitor.content() and "sam" not in visitor.inner_text("main")
    staff_screenshots(supervisor, "live-look")
    screenshots(counsellor, "workspace-whisper")

    # In the notes and the audit log (without its content).
    assert orm(whispers_stored) == [("sam", WHISPER)]
    assert orm(audit_of_whispers) == [("sam", "", "")]
    counsellor.reload()
    notes = counsellor.locator(f"[data-notes='{conversation}']")
    expect(notes).to_contain_text("Fluistering van sam")
    expect(notes).to_contain_text(WHISPER)
    # And in the chat again after the reload, in its place.
    expect(counsellor.locator(f"#panel-{conversation} .message--whisper [data-body]")).to_have_text(
        WHISPER
    )
    visitor.reload()
    expect(visitor.locator(MESSAGES).last).to_have_text("Ben je nu op een veilige plek?")
    assert WHISPER not in visitor.content()


def test_joining_openly_the_visitor_is_told_and_reads_the_supervisor_as_a_counsellor(
    page, browser_context, server_url
):
    from playwright.sync_api import expect

    visitor, counsellor, supervisor, conversation, visitor_frames = a_chat_with_a_counsellor(
        page, browser_context, server_url, "mijn moeder"
    )
    panel = counsellor.locator(f"#panel-{conversation}")
    supervisor.goto(f"{server_url}/medewerkers/overzicht/gesprek/{conversation}/")
    supervisor.get_by_label("Nabespreking of kwaliteit").check()
    supervisor.get_by_role("button", name="Meekijken").click()
    expect(supervisor.get_by_role("heading", name="Live meekijken")).to_be_visible()
    # Only looking on: no box to write to the visitor yet.
    expect(supervisor.get_by_label("Je bericht aan de bezoeker")).to_be_hidden()

    supervisor.get_by_role("button", name="Openlijk meedoen").click()
    joined = "Er komt een tweede hulpverlener bij het gesprek."
    expect(visitor.locator(MESSAGES).last).to_have_text(joined)
    expect(panel.locator(MESSAGES).last).to_have_text(joined)
    expect(supervisor.locator("[data-look-second]")).to_have_text("sam")

    supervisor.get_by_label("Je bericht aan de bezoeker").fill("Ik ben de leidinggevende.")
    supervisor.get_by_role("button", name="Versturen").click()
    said = visitor.locator(".message", has_text="Ik ben de leidinggevende.")
    expect(said.locator("[data-from]")).to_have_text("Hulpverlener")
    staff_side = panel.locator(".message", has_text="Ik ben de leidinggevende.")
    expect(staff_side.locator("[data-from]")).to_have_text("sam")
    expect(supervisor.locator(".message--own [data-body]")).to_have_text(
        "Ik ben de leidinggevende."
    )
    assert not any("sam" in frame for frame in visitor_frames)

    supervisor.get_by_role("button", name="Weer weggaan uit het gesprek").click()
    left = "De tweede hulpverlener doet niet meer mee aan het gesprek."
    expect(visitor.locator(MESSAGES).last).to_have_text(left)
    expect(supervisor.get_by_label("Je bericht aan de bezoeker")).to_be_hidden()
    expect(supervisor.get_by_role("button", name="Openlijk meedoen")).to_be_visible()
    expect(supervisor.locator("[data-look-second]")).to_have_text("Niemand")
    assert re.search(r"sam", visitor.inner_text("main")) is None
    assert serious_problems(supervisor) == []

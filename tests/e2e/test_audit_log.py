"""The supervisor reads the audit log of an evening in the browser: words, links, filters in
a plain GET form that works without JavaScript, and no content ([5/8] item 6)."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import orm, serious_problems, staff_log_in, staff_screenshots

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"
LOG = "/medewerkers/overzicht/logboek/"
SECRETS = ("Mijn oom bedreigt me", "oom is ouderling", "wil liever een vrouw", "schold")


def an_evening():
    """What the log holds after an evening: three counsellors' chats, a call for help and
    the look that answered it, a transfer, a block and its review, a referral on its way,
    a closing form, a visitor who left the queue, a canned text changed."""
    from accounts.staff import create_staff
    from audit import entries
    from chat import (
        availability,
        blocks,
        closing,
        conversations,
        help_requests,
        notes,
        queue,
        transfers,
    )
    from chat.models import CannedResponse
    from handover import referrals
    from handover.models import Referral
    from oversight import looks
    from partners.models import Partner

    hana = create_staff("hana", "counsellor", PASSWORD)
    otto = create_staff("otto", "counsellor", PASSWORD)
    sam = create_staff("sam", "supervisor", PASSWORD)
    noor = create_staff("noor", "supervisor", PASSWORD)
    for person in (hana, otto, sam, noor):
        availability.note_seen(person)
    availability.set_capacity(hana, 3)

    def chat(**intake):
        return conversations.open_conversation(
            **{"for_whom": "self", "minor": "no", "in_danger": False, **intake}
        )

    first = chat(in_danger=True)
    queue.claim(first, hana)
    conversations.post_message(first, "visitor", "Mijn oom bedreigt me", uuid.uuid4())
    notes.add_note(first, hana, "oom is ouderling")
    help_requests.request_help(first, hana)
    looks.look(sam, first.pk, reason_code="help")
    help_requests.answer_all(first.pk, sam)

    second = chat(for_whom="relative", language="en")
    queue.claim(second, otto)
    transfers.transfer(second, otto, hana, note="wil liever een vrouw spreken")

    third = chat(minor="yes")
    third.visitor_pseudonym = "b" * 64
    third.save()
    queue.claim(third, otto)
    block = blocks.block_visitor(third, otto, duration="7d", reason="schold de hulpverlener uit")
    blocks.review(block, noor, lift=False)

    fourth = chat()
    queue.claim(fourth, hana)
    referral = referrals.draft(
        fourth,
        hana,
        partner=Partner.objects.get(slug="veilig-thuis"),
        purpose=Referral.Purpose.ADVICE,
        summary="Zorgen om de kinderen in de groep.",
        shared=[],
        contact_route=Referral.ContactRoute.CLIENT_CONTACTS,
    )
    referrals.edit(referral, hana, purpose=Referral.Purpose.CARE)
    referral.state, referral.consent_snapshot = Referral.State.IN_REVIEW, "{}"
    referral.save()  # as the client's yes in the chat leaves it
    referrals.approve(referral, sam)
    referrals.mark_sent(referral, hana, Referral.SendMethod.PHONE)
    closing.close(fourth, hana, themes=["leaving"], group_context="religious", outcome="referral")
    looks.look(noor, fourth.pk, reason_code="quality", reason_text="nabespreking van de week")

    left = chat()
    conversations.end_conversation(left, "visitor", left=True)

    greeting = CannedResponse.objects.create(title="Even geduld", body="Ik ben er zo.")
    entries.record(sam, entries.Action.CANNED_CHANGED, detail=f"saved={greeting.pk}")
    return {"first": str(first.pk), "referral": str(referral.pk), "hana": hana.pk}


def test_a_supervisor_reads_and_filters_the_log_of_an_evening(page, server_url):
    made = orm(an_evening)
    staff_log_in(page, server_url, "sam", PASSWORD, LOG)
    rows = page.locator(".audit-table tbody tr")
    expect(rows.first).to_contain_text("snel antwoord gewijzigd")
    table = page.locator(".audit-table")
    expect(table).to_contain_text("aan hana (hulpverlener)")
    expect(table).to_contain_text("reden: Een hulpverlener vraagt om hulp")
    expect(table).to_contain_text("toelichting: “nabespreking van de week”")
    expect(table).to_contain_text("voor 7 dagen")
    expect(table).to_contain_text("manier: telefonisch")
    expect(table).to_contain_text("de bezoeker ging weg")
    for secret in SECRETS:
        expect(page.locator("body")).not_to_contain_text(secret)
    assert not re.search(r"\b(to|reason|state|by)=", table.inner_text())

    assert serious_problems(page) == []
    staff_screenshots(page, "audit-log")

    # Filters in a plain GET form: what a person chose is in the address, so it can be kept.
    page.get_by_label("Wie").select_option(label="hana (hulpverlener)")
    page.get_by_label("Waarover").select_option(label="Een gesprek")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url(re.compile(rf"wie={made['hana']}.*soort=gesprek"))
    expect(rows.first).to_be_visible()
    for text in rows.all_inner_texts():
        assert "hana (hulpverlener)" in text
    expect(page.get_by_label("Wie")).to_have_value(str(made["hana"]))

    # The referral's own page, and the conversation's look, which still asks why first.
    page.goto(server_url + LOG)
    page.get_by_role("link", name="Verwijzing naar Veilig Thuis").first.click()
    page.wait_for_url(f"{server_url}/medewerkers/verwijzingen/{made['referral']}/")
    page.goto(server_url + LOG + f"?over={made['first']}")
    code = made["first"].replace("-", "")[:4].upper()
    page.get_by_role("link", name=re.compile(f"^Gesprek #{code} ")).first.click()
    page.wait_for_url(f"{server_url}/medewerkers/overzicht/gesprek/{made['first']}/")
    expect(page.get_by_text("Waarom kijk je mee?")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Mijn oom bedreigt me")

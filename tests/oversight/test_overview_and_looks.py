"""The supervisors' overview, their stated look into a conversation, and the audit log."""

import uuid

import pytest
from django.test import Client

from audit.models import AuditEntry
from chat import availability, blocks, conversations, help_requests, notes, queue
from tests.conftest import log_in


def waiting(**intake):
    return conversations.open_conversation(
        **{"for_whom": "self", "minor": "no", "in_danger": False, **intake}
    )


@pytest.fixture
def busy_evening(hana, otto):
    """Two waiting (one in danger), hana in one chat that asked for help, otto online."""
    waiting(), waiting(in_danger=True)
    conversation = waiting()
    queue.claim(conversation, hana)
    conversations.post_message(conversation, "visitor", "Mijn oom bedreigt me", uuid.uuid4())
    notes.add_note(conversation, hana, "oom is ouderling")
    help_requests.request_help(conversation, hana)
    availability.note_seen(hana)
    availability.note_seen(otto)
    return conversation


def test_the_overview_shows_queue_team_load_danger_and_help(client, sam, busy_evening):
    html = log_in(client, sam).get("/medewerkers/overzicht/").content.decode()
    assert 'data-waiting="2"' in html and "data-waiting-count>2<" in html
    assert "hana" in html and "otto" in html and "1 / 1" in html
    assert "Hulp gevraagd" in html and "hana vraagt om hulp" in html
    assert "Wachtend in direct gevaar" in html
    # Nothing of what was said shows here.
    assert "oom" not in html


@pytest.mark.parametrize("who", ["robin", "hana"])
def test_only_supervisors_see_the_overview_look_and_log(client, request, who, busy_evening):
    log_in(client, request.getfixturevalue(who))
    for path in (
        "/medewerkers/overzicht/",
        f"/medewerkers/overzicht/gesprek/{busy_evening.pk}/",
        "/medewerkers/overzicht/logboek/",
    ):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        if response.status_code == 302:
            assert "/medewerkers/inloggen/" in response.url
    response = client.post(
        f"/medewerkers/overzicht/gesprek/{busy_evening.pk}/", {"reason_code": "help"}
    )
    assert response.status_code in (302, 403)
    assert not AuditEntry.objects.filter(action="conversation.viewed").exists()


def test_a_look_asks_why_first_and_shows_nothing_before(client, sam, busy_evening):
    html = log_in(client, sam).get(f"/medewerkers/overzicht/gesprek/{busy_evening.pk}/")
    html = html.content.decode()
    assert "Waarom kijk je mee?" in html and "Mijn oom" not in html
    assert not AuditEntry.objects.filter(action="conversation.viewed").exists()


def test_every_look_is_logged_with_its_reason(client, sam, busy_evening):
    log_in(client, sam)
    path = f"/medewerkers/overzicht/gesprek/{busy_evening.pk}/"
    html = client.post(path, {"reason_code": "help"}).content.decode()
    assert "Mijn oom bedreigt me" in html and "oom is ouderling" in html
    client.post(path, {"reason_code": "other", "reason_text": "klacht van de cliënt"})
    looks = AuditEntry.objects.filter(action="conversation.viewed").order_by("at")
    assert [(e.actor_name, e.conversation_id, e.detail) for e in looks] == [
        ("sam", busy_evening.pk, "reason=help"),
        ("sam", busy_evening.pk, "reason=other"),
    ]
    assert looks[1].reason == "klacht van de cliënt"
    # Looking because of a call for help answers it.
    assert list(help_requests.open_requests()) == []


def test_other_without_an_explanation_is_refused(client, sam, busy_evening):
    path = f"/medewerkers/overzicht/gesprek/{busy_evening.pk}/"
    html = log_in(client, sam).post(path, {"reason_code": "other"}).content.decode()
    assert "Schrijf kort op waarom je meekijkt." in html and "Mijn oom" not in html
    assert not AuditEntry.objects.filter(action="conversation.viewed").exists()


def test_a_look_at_a_conversation_that_does_not_exist_is_404(client, sam):
    log_in(client, sam)
    assert client.get(f"/medewerkers/overzicht/gesprek/{uuid.uuid4()}/").status_code == 404
    response = client.post(
        f"/medewerkers/overzicht/gesprek/{uuid.uuid4()}/", {"reason_code": "help"}
    )
    assert response.status_code == 403


def test_the_audit_log_lists_actions_without_content_and_filters(client, sam, busy_evening):
    other = waiting()
    log_in(client, sam).post(
        f"/medewerkers/overzicht/gesprek/{busy_evening.pk}/", {"reason_code": "quality"}
    )
    html = client.get("/medewerkers/overzicht/logboek/").content.decode()
    table = html.split("<tbody>")[1]
    for label in ("gesprek aangenomen", "notitie geschreven", "hulp gevraagd", "meegekeken"):
        assert label in table
    assert "oom" not in html
    filtered = client.get(f"/medewerkers/overzicht/logboek/?over={busy_evening.pk}")
    assert "meegekeken" in filtered.content.decode().split("<tbody>")[1]
    nothing = client.get(f"/medewerkers/overzicht/logboek/?over={other.pk}").content.decode()
    assert "Geen regels die bij dit filter passen." in nothing
    wrong = client.get("/medewerkers/overzicht/logboek/?over=x").content.decode()
    assert "Er staat een fout in het filter" in wrong and "<tbody>" not in wrong


def test_a_supervisor_reviews_a_block(client, sam, hana):
    conversation = waiting()
    conversation.visitor_pseudonym = "a" * 64
    conversation.save()
    queue.claim(conversation, hana)
    block = blocks.block_visitor(conversation, hana, duration="7d", reason="dreigde")
    html = log_in(client, sam).get("/medewerkers/overzicht/").content.decode()
    assert "Blokkades om te beoordelen" in html and "dreigde" in html
    client.post(f"/medewerkers/overzicht/blokkade/{block.pk}/", {"decision": "lift"})
    block.refresh_from_db()
    assert block.reviewed_by == sam and block.lifted_at is not None
    assert "dreigde" not in Client().get("/").content.decode()
    html = client.get("/medewerkers/overzicht/").content.decode()
    assert "Niets te beoordelen." in html


def test_the_overview_shows_referrals_waiting_for_review_with_the_way_to_approve(client, sam, hana):
    # Issue 15, item 3: the partner joins only after approval, so a supervisor sees at once
    # what waits, for how long, and reaches the review from here. Facts only, no summary.
    from handover.models import Referral
    from partners.models import Partner
    from tests.handover.conftest import active_conversation, consented_draft, in_state

    chat = active_conversation(hana)
    referral = consented_draft(
        chat,
        hana,
        Partner.objects.get(slug="veilig-thuis"),
        shared=[],
        summary="Een geheim over de oudste.",
        contact_route=Referral.ContactRoute.IN_CHAT,
    )
    referral = in_state(referral, Referral.State.IN_REVIEW)
    html = log_in(client, sam).get("/medewerkers/overzicht/").content.decode()
    assert 'data-reviews="1"' in html and "Wacht op beoordeling" in html
    assert "Verwijzing naar Veilig Thuis van hana: wacht sinds" in html
    assert "drie-gesprek: de partner komt pas na goedkeuring" in html
    assert f'href="/medewerkers/verwijzingen/{referral.pk}/#review"' in html
    assert "geheim" not in html
    review = client.get(f"/medewerkers/verwijzingen/{referral.pk}/").content.decode()
    assert 'id="review"' in review and "stap/goedkeuren/" in review

    client.post(f"/medewerkers/verwijzingen/{referral.pk}/stap/goedkeuren/")
    html = client.get("/medewerkers/overzicht/").content.decode()
    assert 'data-reviews="0"' in html and "Wacht op beoordeling" not in html

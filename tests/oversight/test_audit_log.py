"""The audit log for people ([5/8] item 6): every entry in words, the conversation or
referral linked, filters that combine and survive paging, bounded, and never content."""

import datetime
import re
import uuid
from html import unescape

import pytest
from django.utils import timezone

from audit import entries
from audit.models import AuditEntry
from chat import availability, blocks, conversations, notes, queue, transfers
from chat.models import CannedResponse
from handover import referrals
from handover.models import Referral
from oversight import audit_log, audit_wording
from partners.models import Partner
from tests.conftest import log_in
from tests.handover.conftest import consented_draft, in_state

LOG = "/medewerkers/overzicht/logboek/"
Action = AuditEntry.Action


def draft_for(chat, counsellor):
    """A referral for an anonymous visitor: nothing identifying, their own way to call."""
    return consented_draft(
        chat,
        counsellor,
        Partner.objects.get(slug="veilig-thuis"),
        shared=[],
        contact_route=Referral.ContactRoute.CLIENT_CONTACTS,
    )


def waiting(**intake):
    return conversations.open_conversation(
        **{"for_whom": "self", "minor": "no", "in_danger": False, **intake}
    )


def rows(html):
    """The log's table rows as the text a person reads, tags stripped."""
    if "<tbody>" not in html:
        return []
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in body.split("</tr>")
        if "<td" in row
    ]


def page(client, query=""):
    response = client.get(LOG + query)
    assert response.status_code == 200
    return response.content.decode()


# --- Words --------------------------------------------------------------------------------

# A value for every detail key the log knows, as the domain code writes it.
SAMPLES = {
    "reason": "quality",
    "to": None,  # filled with a real colleague's id below
    "by": "visitor",
    "state": "approved",
    "duration": "7d",
    "saved": "1",
    "partner": "veilig-thuis",
    "fields": "summary,shared",
    "method": "phone",
    "invitation": str(uuid.uuid4()),
    "amber": "120s",
    "red": "300s",
    "shown": "3",
    "from": "ab12",
    "period": "2026-K3",
    "part": "partners",
}


def test_every_action_has_its_words_and_every_key_too():
    # Helpers add actions in parallel: each needs a line in audit_wording, or this fails.
    assert set(audit_wording.DETAIL_KEYS) == set(Action)
    keys = {key for written in audit_wording.DETAIL_KEYS.values() for key in written}
    known = set(audit_wording.VALUE_WORDS) | set(audit_wording.FLAG_WORDS)
    assert keys <= known, keys - known
    assert keys <= set(SAMPLES) | set(audit_wording.FLAG_WORDS)


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_each_action_reads_in_words(client, sam, action):
    samples = {**SAMPLES, "to": str(sam.pk)}
    detail = " ".join(
        key if key in audit_wording.FLAG_WORDS else f"{key}={samples[key]}"
        for key in audit_wording.DETAIL_KEYS[action]
    )
    entries.record(sam, action, conversation=uuid.uuid4(), detail=detail)
    (row,) = rows(page(log_in(client, sam)))
    assert str(action.label) in row
    assert action.value not in row  # the words, not the code
    assert "=" not in row and "_" not in row, row


def test_details_name_people_reasons_states_and_partners(client, hana, sam, otto):
    chat = waiting()
    queue.claim(chat, hana)
    availability.note_seen(sam)
    transfers.transfer(chat, hana, sam, note="wil een vrouw spreken")
    log_in(client, sam).post(
        f"/medewerkers/overzicht/gesprek/{chat.pk}/",
        {"reason_code": "other", "reason_text": "steekproef van de week"},
    )
    referral = draft_for(chat, sam)
    referral = in_state(referral, Referral.State.IN_REVIEW)
    referrals.approve(referral, otto_as_supervisor(otto))
    response = CannedResponse.objects.create(title="Even geduld", body="Ik ben er zo.")
    entries.record(sam, Action.CANNED_CHANGED, detail=f"saved={response.pk}")
    conversations.end_conversation(chat, "visitor", left=True)

    shown = rows(page(client))
    transferred = next(r for r in shown if "gesprek overgedragen" in r)
    assert "hana (hulpverlener) gesprek overgedragen" in transferred
    assert "aan sam (supervisor)" in transferred
    assert any("reden: Anders" in r and "toelichting: “steekproef van de week”" in r for r in shown)
    assert any("naar Veilig Thuis" in r for r in shown)
    assert any("verwijzing goedgekeurd" in r and "status: goedgekeurd" in r for r in shown)
    assert any("‘Even geduld’ opgeslagen" in r for r in shown)
    ended = next(r for r in shown if "gesprek beëindigd" in r)
    assert "bezoeker gesprek beëindigd" in ended
    assert "door de bezoeker" in ended and "de bezoeker ging weg" in ended
    assert "status: beëindigd" in ended


def otto_as_supervisor(user):
    user.role = user.Role.SUPERVISOR
    user.save()
    return user


def test_a_transfer_to_an_account_that_is_gone_still_reads(client, sam):
    entries.record(sam, Action.CONVERSATION_TRANSFERRED, conversation=uuid.uuid4(), detail="to=999")
    (row,) = rows(page(log_in(client, sam)))
    assert "aan een medewerker die niet meer bestaat" in row and "999" not in row


def test_unknown_actions_and_keys_render_safely(client, sam):
    # An action another branch adds before its words are here, with a key nobody knows
    # and text that would be markup: shown as plain text, never a 500, never markup.
    AuditEntry.objects.create(
        actor_id=sam.pk,
        actor_name="sam",
        actor_role="supervisor",
        action="conversation.hummed",
        conversation_id=uuid.uuid4(),
        detail="to=abc kleur=<b>blauw</b> stil",
    )
    html = page(log_in(client, sam))
    (row,) = rows(html)
    assert "conversation.hummed" in row
    assert "kleur: <b>blauw</b>" in row and "stil" in row
    assert "aan een medewerker die niet meer bestaat" in row
    assert "<b>blauw</b>" not in html and "&lt;b&gt;blauw&lt;/b&gt;" in html


def test_clients_and_visitors_are_never_named(client, sam, robin):
    entries.record(robin, Action.REFERRAL_CONSENT_GIVEN, referral=uuid.uuid4(), detail="state=x")
    entries.record(None, Action.REFERRAL_CONSENT_DECLINED, referral=uuid.uuid4())
    shown = rows(page(log_in(client, sam)))
    assert all("robin" not in r for r in shown)
    assert any("cliënt toestemming gegeven" in r for r in shown), shown
    assert any("bezoeker toestemming geweigerd" in r for r in shown)


# --- Links --------------------------------------------------------------------------------


def test_a_conversation_links_to_the_look_that_asks_why(client, hana, sam):
    chat = waiting(in_danger=True)
    queue.claim(chat, hana)
    html = page(log_in(client, sam))
    assert f'href="/medewerkers/overzicht/gesprek/{chat.pk}/"' in html
    assert f"#{chat.code}" in html and "Direct gevaar" in html
    before = AuditEntry.objects.count()
    look = client.get(f"/medewerkers/overzicht/gesprek/{chat.pk}/").content.decode()
    assert "Waarom kijk je mee?" in look
    # Following the link shows nothing yet and logs nothing; the reason still comes first.
    assert AuditEntry.objects.count() == before


def test_a_referral_links_to_its_page(client, hana, sam):
    chat = waiting()
    queue.claim(chat, hana)
    referral = draft_for(chat, hana)
    html = page(log_in(client, sam))
    assert f'href="/medewerkers/verwijzingen/{referral.pk}/"' in html
    assert "Verwijzing naar Veilig Thuis" in html
    assert client.get(f"/medewerkers/verwijzingen/{referral.pk}/").status_code == 200


def test_a_conversation_no_longer_kept_is_named_without_a_link(client, sam):
    gone = uuid.uuid4()
    entries.record(sam, Action.CONVERSATION_VIEWED, conversation=gone, detail="reason=help")
    html = page(log_in(client, sam))
    (row,) = rows(html)
    assert f"Gesprek #{gone.hex[:4].upper()} (niet meer bewaard)" in row
    assert f'href="/medewerkers/overzicht/gesprek/{gone}/"' not in html


# --- Filters and paging -------------------------------------------------------------------


@pytest.fixture
def a_week(hana, sam, otto):
    """Entries on three days by three people, about two conversations and a referral."""
    first, second, referral = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    today = timezone.localdate()

    def at(days_ago, hour=12):
        day = today - datetime.timedelta(days=days_ago)
        return datetime.datetime.combine(
            day, datetime.time(hour), tzinfo=timezone.get_default_timezone()
        )

    def write(user, action, days_ago, hour=12, **about):
        AuditEntry.objects.create(
            at=at(days_ago, hour),
            actor_id=user.pk,
            actor_name=user.username,
            actor_role=user.role,
            action=action,
            **about,
        )

    write(hana, Action.CONVERSATION_CLAIMED, 6, conversation_id=first)
    write(hana, Action.NOTE_ADDED, 6, hour=11, conversation_id=first)
    write(otto, Action.CONVERSATION_CLAIMED, 3, conversation_id=second)
    write(hana, Action.REFERRAL_DRAFTED, 3, conversation_id=first, referral_id=referral)
    write(sam, Action.CONVERSATION_VIEWED, 1, conversation_id=second)
    write(sam, Action.CANNED_CHANGED, 0)
    return {"first": first, "second": second, "referral": referral, "today": today}


def whats(html):
    return sorted(
        label for label in (str(a.label) for a in Action) for r in rows(html) if f" {label}" in r
    )


def test_filter_by_person(client, sam, hana, a_week):
    html = page(log_in(client, sam), f"?wie={hana.pk}")
    assert whats(html) == ["gesprek aangenomen", "notitie geschreven", "verwijzing opgesteld"]


def test_filter_by_action(client, sam, a_week):
    html = page(log_in(client, sam), "?wat=conversation.claimed")
    assert len(rows(html)) == 2 and whats(html) == ["gesprek aangenomen"] * 2


def test_filter_by_object_id_and_kind(client, sam, a_week):
    log_in(client, sam)
    assert len(rows(page(client, f"?over={a_week['first']}"))) == 3
    assert len(rows(page(client, f"?over={a_week['referral']}"))) == 1
    assert whats(page(client, "?soort=verwijzing")) == ["verwijzing opgesteld"]
    assert len(rows(page(client, "?soort=gesprek"))) == 4
    assert whats(page(client, "?soort=overig")) == ["snel antwoord gewijzigd"]


def test_filter_by_dates(client, sam, a_week):
    today = a_week["today"]
    log_in(client, sam)
    since = (today - datetime.timedelta(days=3)).isoformat()
    until = (today - datetime.timedelta(days=1)).isoformat()
    assert len(rows(page(client, f"?van={since}"))) == 4
    assert len(rows(page(client, f"?tot={until}"))) == 5
    html = page(client, f"?van={since}&tot={until}")
    assert whats(html) == ["gesprek aangenomen", "meegekeken", "verwijzing opgesteld"]


def test_filters_combine(client, sam, hana, otto, a_week):
    today = a_week["today"]
    log_in(client, sam)
    since = (today - datetime.timedelta(days=4)).isoformat()
    query = f"?wie={otto.pk}&wat=conversation.claimed&soort=gesprek&van={since}"
    html = page(client, query)
    (row,) = rows(html)
    assert "otto (hulpverlener) gesprek aangenomen" in row
    # The form shows what was chosen.
    assert f'<option value="{otto.pk}" selected>' in html
    assert f'value="{since}"' in html
    assert rows(page(client, f"?wie={hana.pk}&over={a_week['second']}")) == []


def test_paging_keeps_the_filters(client, sam, hana):
    for _ in range(audit_log.PAGE_SIZE + 7):
        entries.record(hana, Action.NOTE_ADDED, conversation=uuid.uuid4())
    entries.record(sam, Action.HELP_ANSWERED, conversation=uuid.uuid4())
    first = page(log_in(client, sam), f"?wie={hana.pk}&wat=note.added")
    assert len(rows(first)) == audit_log.PAGE_SIZE
    link = re.search(r'href="(\?[^"]*pagina=2[^"]*)"', first).group(1)
    link = unescape(link)
    assert f"wie={hana.pk}" in link and "wat=note.added" in link
    second = page(client, link)
    assert len(rows(second)) == 7
    assert "Pagina 2 van 2" in second and "hulpvraag opgepakt" not in " ".join(rows(second))


def test_the_newest_entries_come_first(client, sam, a_week):
    shown = rows(page(log_in(client, sam)))
    assert "snel antwoord gewijzigd" in shown[0] and "notitie geschreven" in shown[-1]


# --- Bounded and friendly -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "?wie=abc",
        "?wie=99999999",
        "?wat=conversation.nothing",
        "?soort=alles",
        "?over=3f2a",
        "?over=" + "x" * 500,
        "?van=2026-13-45",
        "?van=0001-01-01",
        "?tot=9999-12-31",
        "?van=2020-01-01&tot=2019-01-01",
    ],
)
def test_a_bad_filter_is_a_form_error_and_an_empty_page(client, sam, a_week, query):
    html = page(log_in(client, sam), query)
    assert rows(html) == []
    assert 'class="field__error"' in html
    assert "Er staat een fout in het filter" in html


def test_dates_in_the_wrong_order_are_explained(client, sam, a_week):
    today = a_week["today"]
    html = page(log_in(client, sam), f"?van={today}&tot={today - datetime.timedelta(days=2)}")
    assert "Deze dag ligt vóór de dag bij ‘Van’." in html


@pytest.mark.parametrize("number", ["abc", "-1", "0", "99999999999999999999"])
def test_a_bad_page_number_shows_a_page(client, sam, a_week, number):
    assert len(rows(page(log_in(client, sam), f"?pagina={number}"))) == 6


def test_no_query_reads_more_than_the_newest_rows(client, sam, hana, django_assert_max_num_queries):
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            at=now - datetime.timedelta(seconds=i),
            actor_id=hana.pk,
            actor_name="hana",
            actor_role="counsellor",
            action=Action.NOTE_ADDED,
        )
        for i in range(audit_log.MAX_ROWS + 5)
    )
    log_in(client, sam)
    with django_assert_max_num_queries(16) as captured:
        html = page(client, "?pagina=999999")
    last = audit_log.MAX_ROWS // audit_log.PAGE_SIZE
    assert f"Pagina {last} van {last}" in html
    assert "Er zijn er meer" in html
    # The log's own counts (the top bar's count of the queue is another matter).
    counts = [
        q["sql"]
        for q in captured.captured_queries
        if "COUNT(" in q["sql"].upper() and "audit_auditentry" in q["sql"]
    ]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)


# --- Never content, supervisors only ------------------------------------------------------


def test_the_log_never_shows_what_was_written(client, hana, sam):
    chat = waiting(topic="mijn broer in de groep")
    chat.visitor_pseudonym = "p" * 64
    chat.save()
    queue.claim(chat, hana)
    availability.note_seen(sam)
    conversations.post_message(chat, "visitor", "Mijn oom bedreigt me elke zondag", uuid.uuid4())
    conversations.post_message(chat, "counsellor", "Wat vervelend, vertel", uuid.uuid4(), hana)
    notes.add_note(chat, hana, "oom is ouderling in de gemeente")
    transfers.transfer(chat, hana, sam, note="overdrachtsnotitie geheim")
    blocks.block_visitor(chat, sam, duration="1d", reason="schold de hulpverlener uit")
    referral = draft_for(waiting_held_by(hana), hana)
    referrals.edit(referral, hana, summary="samenvatting vol details")
    log_in(client, sam)
    for query in ("", f"?over={chat.pk}", f"?over={referral.pk}", "?soort=gesprek"):
        html = page(client, query)
        assert rows(html), query
        for secret in (
            "oom",
            "zondag",
            "Wat vervelend",
            "ouderling",
            "overdrachtsnotitie",
            "schold",
            "samenvatting vol",
            "mijn broer",
            "Zorgen om de kinderen",
        ):
            assert secret not in html, (query, secret)


def waiting_held_by(counsellor):
    chat = waiting()
    queue.claim(chat, counsellor)
    return chat


@pytest.mark.parametrize("who", ["robin", "hana", "otto"])
def test_only_supervisors_read_the_log(client, request, who, a_week):
    log_in(client, request.getfixturevalue(who))
    response = client.get(LOG)
    assert response.status_code in (302, 403)
    assert b"gesprek aangenomen" not in response.content


def test_without_logging_in_the_log_sends_you_to_log_in(client, a_week):
    response = client.get(LOG)
    assert response.status_code == 302 and "/medewerkers/inloggen/" in response.url


def test_the_reply_wait_thresholds_read_in_minutes(client, sam):
    from chat import reply_waits

    reply_waits.set_thresholds(sam, amber_seconds=120, red_seconds=330)
    (row,) = rows(page(log_in(client, sam), "?wat=reply_waits.changed"))
    assert "oranje na 2 min." in row
    assert "rood na 330 seconden" in row

"""Referrals have their own retention (HOC_REFERRAL_RETENTION_DAYS), apart from the chat."""

import datetime
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from chat.models import Conversation
from handover import referrals
from handover.models import Referral
from tests.handover.conftest import consented_draft, in_state


def test_finished_and_stale_referrals_go_after_their_period(chat, hana, veilig_thuis, settings):
    settings.REFERRAL_RETENTION_DAYS = 10
    now = timezone.now()
    old_done = in_state(
        consented_draft(chat, hana, veilig_thuis),
        Referral.State.CLOSED,
        finished_at=now - datetime.timedelta(days=11),
    )
    fresh_done = in_state(
        consented_draft(chat, hana, veilig_thuis),
        Referral.State.DECLINED,
        finished_at=now - datetime.timedelta(days=9),
    )
    stale = consented_draft(chat, hana, veilig_thuis)
    Referral.objects.filter(pk=stale.pk).update(updated_at=now - datetime.timedelta(days=11))
    open_one = in_state(consented_draft(chat, hana, veilig_thuis), Referral.State.APPROVED)
    assert referrals.purge_expired(now) == 2
    assert set(Referral.objects.values_list("pk", flat=True)) == {fresh_done.pk, open_one.pk}
    assert not Referral.objects.filter(pk=old_done.pk).exists()
    call_command("purge_referrals")  # safe to run twice


def test_a_referral_outlives_its_conversation(chat, hana, veilig_thuis):
    referral = consented_draft(chat, hana, veilig_thuis)
    Conversation.objects.filter(pk=chat.pk).delete()
    referral.refresh_from_db()
    assert referral.conversation is None and referral.summary


def test_the_scheduler_runs_the_purge():
    assert "purge_referrals" in Path("deploy/scheduler.sh").read_text()


def test_deleting_the_account_withdraws_and_forgets_what_the_client_gave(
    chat, hana, robin, veilig_thuis
):
    import json

    from accounts import clients

    waiting = in_state(
        consented_draft(chat, hana, veilig_thuis),
        Referral.State.APPROVED,
        contact_details=json.dumps({"contact": "06-1"}),
    )
    sent = in_state(
        consented_draft(chat, hana, veilig_thuis),
        Referral.State.SENT,
        contact_details=json.dumps({"contact": "06-1"}),
    )
    clients.delete_client(robin)
    waiting.refresh_from_db()
    sent.refresh_from_db()
    assert waiting.state == Referral.State.WITHDRAWN and waiting.contact_details == ""
    assert sent.state == Referral.State.SENT and sent.contact_details == ""
    assert waiting.client is None and sent.client is None


def test_deleting_the_account_takes_the_clients_own_steps_with_their_audit(
    chat, hana, robin, veilig_thuis
):
    from accounts import clients
    from audit.models import AuditEntry

    asked = in_state(consented_draft(chat, hana, veilig_thuis), Referral.State.CONSENT_ASKED)
    approved = in_state(consented_draft(chat, hana, veilig_thuis), Referral.State.APPROVED)
    draft = consented_draft(chat, hana, veilig_thuis)
    clients.delete_client(robin)
    moved = {}
    for referral in (asked, approved, draft):
        referral.refresh_from_db()
        last = AuditEntry.objects.filter(referral_id=referral.pk).order_by("-at").first()
        moved[referral.state] = (last.action, last.detail, last.actor_id)
    assert moved == {
        Referral.State.DECLINED: (
            AuditEntry.Action.REFERRAL_CONSENT_DECLINED,
            "state=declined account_deleted",
            None,
        ),
        Referral.State.WITHDRAWN: (
            AuditEntry.Action.REFERRAL_CONSENT_WITHDRAWN,
            "state=withdrawn account_deleted",
            None,
        ),
        Referral.State.DRAFT: (AuditEntry.Action.REFERRAL_DRAFTED, moved["draft"][1], hana.pk),
    }
    asked.refresh_from_db()
    assert asked.finished_at is not None

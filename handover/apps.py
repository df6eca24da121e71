from django.apps import AppConfig
from django.db.models.signals import pre_delete


class HandoverConfig(AppConfig):
    name = "handover"
    verbose_name = "Warme overdracht"

    def ready(self):
        # Hooks, all because imports point one way. Accounts deletes a client ("Wis alles
        # en sluit af") without knowing about handover, and their referrals must forget
        # them in that same transaction (handover.referrals.forget_client).
        from accounts.models import User

        pre_delete.connect(_forget_client, sender=User, dispatch_uid="handover-forget-client")
        # And an anonymous visitor keeps their ended chat in a new account (chat/saving.py):
        # the referrals of that chat go with it, in the same transaction, so the client
        # follows each one in /account/ from then on.
        from chat import ended_page, panel_parts, plain_chat, saving

        saving.kept.connect(_follow_into_account, dispatch_uid="handover-follow-into-account")
        # The ended-chat page tells where the chat's referrals stand (chat/ended_page.py).
        ended_page.parts.connect(_referrals_part, dispatch_uid="handover-ended-page")
        # And the workspace's side panel lists the chat's referrals that still need a step,
        # with those steps, so a counsellor asks consent without leaving the chat.
        panel_parts.parts.connect(_panel_part, dispatch_uid="handover-workspace-panel")
        # The chat without script holds still while a consent question waits for its answer.
        plain_chat.holds_still.connect(_question_open, dispatch_uid="handover-plain-hold")


def _forget_client(sender, instance, **kwargs):
    if instance.is_client:
        from handover import referrals

        referrals.forget_client(instance)


def _follow_into_account(sender, conversation, client, **kwargs):
    from handover import referrals

    referrals.follow_into_account(conversation, client)


def _referrals_part(sender, conversation, can_save, **kwargs):
    from django.template.loader import render_to_string

    from handover.models import Referral

    shown = list(Referral.objects.cards_in(conversation).select_related("partner", "conversation"))
    if not shown:
        return ""
    context = {"referrals": shown, "can_save": can_save}
    return render_to_string("handover/includes/ended_referrals.html", context)


def _panel_part(sender, conversation, request, **kwargs):
    from django.template.loader import render_to_string

    from handover import referrals
    from handover.models import Referral

    shown = list(
        Referral.objects.beside(conversation, request.user).select_related(
            "partner", "conversation"
        )
    )
    if not shown:
        return ""
    items = [(r, referrals.allowed_steps(r, request.user)) for r in shown]
    return render_to_string(
        "handover/includes/side_referrals.html", {"items": items, "messages": ()}, request=request
    )


def _question_open(sender, conversation, **kwargs):
    from handover.models import Referral

    return Referral.objects.filter(
        conversation=conversation, without_consent=False, state=Referral.State.CONSENT_ASKED
    ).exists()

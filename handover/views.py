"""Referral pages: counsellors and supervisors under /medewerkers/verwijzingen/, and the
client's side: the consent card in the chat (JSON for static/js/referral-card.js) and the
status in their account."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import client_required, staff_required
from audit.models import AuditEntry
from chat import conversations, guests
from handover import referrals
from handover.forms import ContactForm, MeldcodeForm, ReferralForm, ReviewForm, SentForm
from handover.models import Referral

# --- Staff -----------------------------------------------------------------------------


@require_safe
@staff_required
def referral_list(request):
    visible = Referral.objects.visible_to(request.user).select_related("partner", "drafted_by")
    context = {
        "awaiting": visible.awaiting_review() if request.user.is_supervisor else [],
        "referrals": visible,
    }
    return render(request, "handover/list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def referral_new(request, conversation_id, without_consent=False):
    conversation = referrals.conversation_to_draft_for(request.user, conversation_id)
    form_class = MeldcodeForm if without_consent else ReferralForm
    anonymous = conversation.client_id is None
    form = form_class(request.POST or None, anonymous=anonymous)
    if request.method == "POST" and form.is_valid():
        values = form.domain_values() if without_consent else form.cleaned_data
        try:
            referral = referrals.draft(
                conversation, request.user, without_consent=without_consent, **values
            )
        except referrals.ReferralError as error:
            form.add_error(None, str(error))
        else:
            return redirect("referral", referral_id=referral.pk)
    context = {
        "form": form,
        "conversation": conversation,
        "without_consent": without_consent,
        "anonymous": anonymous,
    }
    return render(request, "handover/draft.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def referral_edit(request, referral_id):
    referral = referrals.get_for_staff(request.user, referral_id)
    if referral.drafted_by_id != request.user.pk or referral.state != Referral.State.DRAFT:
        raise PermissionDenied
    anonymous = referral.client_id is None
    if referral.without_consent:
        form = MeldcodeForm(
            request.POST or None, anonymous=anonymous, initial=MeldcodeForm.initial_from(referral)
        )
    else:
        initial = {
            name: getattr(referral, name)
            for name in ("purpose", "summary", "shared", "contact_route")
        }
        form = ReferralForm(
            request.POST or None,
            anonymous=anonymous,
            initial={**initial, "partner": referral.partner_id},
        )
    if request.method == "POST" and form.is_valid():
        values = form.domain_values() if referral.without_consent else form.cleaned_data
        try:
            referrals.edit(referral, request.user, **values)
        except referrals.ReferralError as error:
            form.add_error(None, str(error))
        else:
            return redirect("referral", referral_id=referral.pk)
    context = {
        "form": form,
        "referral": referral,
        "conversation": referral.conversation,
        "without_consent": referral.without_consent,
        "anonymous": anonymous,
    }
    return render(request, "handover/draft.html", context)


@require_safe
@staff_required
def referral_detail(request, referral_id):
    referral = referrals.get_for_staff(request.user, referral_id)
    referrals.note_viewed(referral, request.user)
    user = request.user
    is_drafter = referral.drafted_by_id == user.pk
    is_reviewer = user.is_supervisor
    holds_chat = (
        referral.conversation is not None
        and referral.conversation.counsellor_id == user.pk
        and referral.conversation.is_open
    )
    context = {
        "referral": referral,
        "card": referrals.card_of(referral) if referral.consent_snapshot else None,
        "contact": json.loads(referral.contact_details or "{}"),
        "justification": referrals.justification_of(referral),
        # The steps; every look at the referral is in the audit log, not in this list.
        "history": AuditEntry.objects.filter(referral_id=referral.pk)
        .exclude(action=AuditEntry.Action.REFERRAL_VIEWED)
        .order_by("at"),
        "is_drafter": is_drafter,
        "can_review": is_reviewer and not is_drafter,
        "can_handle": is_drafter or is_reviewer,
        "can_cancel": (is_drafter or is_reviewer)
        and referral.state in referrals.TRANSITIONS["cancel"][0],
        "can_invite": is_drafter
        and holds_chat
        and not referral.without_consent
        and referral.contact_route == Referral.ContactRoute.IN_CHAT
        and referral.state in referrals.CONSENTED,
        "guests": referrals.guests_of(referral) if holds_chat else [],
        "review_form": ReviewForm(),
        "sent_form": SentForm(),
    }
    return render(request, "handover/detail.html", context)


def _invite(request, referral):
    invitation, token = referrals.invite_partner(referral, request.user)
    link = request.build_absolute_uri(reverse("chat-guest-join", args=[token]))
    # Rendered, not redirected: the link is shown once and kept nowhere.
    context = {"referral": referral, "invitation": invitation, "link": link}
    return render(request, "handover/invited.html", context)


# The steps staff take from the referral's page: a fixed table, never a name from the URL.
STAFF_STEPS = {
    "toestemming-vragen": lambda request, r: referrals.ask_consent(r, request.user),
    "aanbieden": lambda request, r: referrals.submit(r, request.user),
    "goedkeuren": lambda request, r: referrals.approve(
        r, request.user, request.POST.get("comments", "")
    ),
    "terugsturen": lambda request, r: referrals.return_for_changes(
        r, request.user, request.POST.get("comments", "")
    ),
    "aanpassen": lambda request, r: referrals.revise(r, request.user),
    "opnieuw-aanbieden": lambda request, r: referrals.resubmit(r, request.user),
    "verstuurd": lambda request, r: referrals.mark_sent(
        r, request.user, request.POST.get("method", "")
    ),
    "ontvangen": lambda request, r: referrals.acknowledge(r, request.user),
    "afsluiten": lambda request, r: referrals.close(r, request.user),
    "annuleren": lambda request, r: referrals.cancel(r, request.user),
}


@require_POST
@staff_required
def referral_step(request, referral_id, step):
    referral = referrals.get_for_staff(request.user, referral_id)
    if step == "uitnodigen":
        try:
            return _invite(request, referral)
        except referrals.ReferralError as error:
            messages.error(request, str(error))
            return redirect("referral", referral_id=referral.pk)
    action = STAFF_STEPS.get(step)
    if action is None:
        raise PermissionDenied
    try:
        action(request, referral)
    except referrals.ReferralError as error:
        messages.error(request, str(error) or _("Dat kan nu niet."))
    if step == "aanpassen":
        return redirect("referral-edit", referral_id=referral.pk)
    return redirect("referral", referral_id=referral.pk)


@require_POST
@staff_required
def guest_remove(request, referral_id, invitation_id):
    referral = referrals.get_for_staff(request.user, referral_id)
    invitation = get_object_or_404(referrals.guests_of(referral), pk=invitation_id)
    guests.remove(invitation, request.user)
    return redirect("referral", referral_id=referral.pk)


@require_safe
@staff_required
def referral_print(request, referral_id):
    """For the partner: only the fields the client agreed to (or the meldcode allows)."""
    referral = referrals.get_for_staff(request.user, referral_id)
    if referral.state not in (
        Referral.State.APPROVED,
        Referral.State.SENT,
        Referral.State.ACKNOWLEDGED,
        Referral.State.CLOSED,
    ):
        raise PermissionDenied
    referrals.note_viewed(referral, request.user, printed=True)
    return render(request, "handover/print.html", _printable(referral))


def _printable(referral):
    contact = json.loads(referral.contact_details or "{}")
    shared = set(referral.shared)
    return {
        "referral": referral,
        "shared_labels": referral.shared_labels(),
        "name": contact.get("name", "") if Referral.Shared.NAME in shared else "",
        "contact": contact.get("contact", "") if Referral.Shared.CONTACT in shared else "",
        "times": contact.get("times", "") if Referral.Shared.CONTACT in shared else "",
        "minor": (
            referral.conversation.get_minor_display()
            if Referral.Shared.AGE in shared and referral.conversation
            else ""
        ),
        "children": Referral.Shared.CHILDREN in shared,
    }


# --- The client ------------------------------------------------------------------------------

# A card stays in the chat while the client can still answer it or take their yes back.
CARD_STATES = [
    Referral.State.CONSENT_ASKED,
    Referral.State.IN_REVIEW,
    Referral.State.RETURNED,
    Referral.State.APPROVED,
]


@require_safe
def consent_cards(request, conversation_id):
    """The consent cards of the visitor's conversation, as JSON for the chat page."""
    conversation = conversations.get_conversation_for(
        request.user, conversation_id, request.session
    )
    if conversations.role_in(conversation, request.user, request.session) != "visitor":
        raise PermissionDenied
    asked = Referral.objects.filter(
        conversation=conversation, without_consent=False, state__in=CARD_STATES
    ).order_by("created_at")
    cards = [referrals.card_of(referral) for referral in asked if referral.consent_snapshot]
    return JsonResponse({"cards": cards})


CLIENT_ERRORS = {
    referrals.CardChanged: "changed",
    referrals.ContactDetailsMissing: "contact_missing",
    referrals.IdentifyingDataForAnonymous: "anonymous",
    referrals.WrongState: "state",
}


@require_POST
def consent_decision(request, referral_id):
    """Yes, no, or "take my yes back", from the card in the chat (fetch with CSRF)."""
    referral = referrals.get_for_client(request.user, request.session, referral_id)
    decision = request.POST.get("decision")
    shown = request.POST.get("digest", "")
    contact = ContactForm(request.POST)
    try:
        if decision == "accept" and contact.is_valid():
            referrals.accept(
                referral,
                request.user,
                request.session,
                shown_digest=shown,
                contact=contact.cleaned_data,
            )
        elif decision == "decline":
            referrals.decline(referral, request.user, request.session, shown_digest=shown)
        elif decision == "withdraw":
            referrals.withdraw(referral, request.user, request.session)
        else:
            return JsonResponse({"error": "invalid"}, status=400)
    except referrals.ReferralError as error:
        return JsonResponse({"error": CLIENT_ERRORS.get(type(error), "invalid")}, status=409)
    referral.refresh_from_db()
    return JsonResponse({"state": referral.state})


@require_POST
@client_required
def client_withdraw(request, referral_id):
    referral = referrals.get_for_client(request.user, request.session, referral_id)
    try:
        referrals.withdraw(referral, request.user, request.session)
    except referrals.WrongState:
        messages.error(request, _("Dat kan niet meer: de verwijzing is al verstuurd."))
    return redirect("client-home")


@require_safe
@client_required
def client_referral(request, referral_id):
    """The client's own copy: what was (or will be) shared, printable."""
    referral = referrals.get_for_client(request.user, request.session, referral_id)
    if referral.state in (Referral.State.DRAFT, Referral.State.CANCELLED):
        raise PermissionDenied
    context = {**_printable(referral), "card": referrals.card_of(referral), "for_client": True}
    return render(request, "handover/client_referral.html", context)

"""Referral pages: counsellors and supervisors under /medewerkers/verwijzingen/, and the
client's side: the consent card in the chat (JSON for static/js/referral-card.js) and the
status in their account."""

import json

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import client_required, staff_required
from audit.models import AuditEntry
from chat import conversations, guests
from common.refusals import NotAllowed
from handover import cards, referrals
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
            if _side(request):
                return _side_result(request, referral)
            return redirect("referral", referral_id=referral.pk)
    context = {
        "form": form,
        "conversation": conversation,
        "without_consent": without_consent,
        "anonymous": anonymous,
        "side": _side(request),
    }
    template = "handover/draft.html#form" if _side(request) else "handover/draft.html"
    return render(request, template, context)


def _side(request):
    """Asked for by the workspace's side panel (workspace.js), beside the open chats."""
    return request.GET.get("part") in ("form", "side")


def _side_result(request, referral):
    """A referral in the workspace's side panel: its state and the steps allowed_steps
    offers now, each posting back here (?part=side)."""
    context = {"referral": referral, "steps": referrals.allowed_steps(referral, request.user)}
    return render(request, "handover/includes/side_result.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def referral_edit(request, referral_id):
    referral = referrals.get_for_staff(request.user, referral_id)
    referrals.check_step(referral, "edit", request.user)
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
    if request.GET.get("part") == "side":
        return _side_result(request, referral)
    referrals.note_viewed(referral, request.user)
    holds_chat = (
        referral.conversation is not None
        and referral.conversation.counsellor_id == request.user.pk
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
        "steps": referrals.allowed_steps(referral, request.user),
        "invite_waits": _invite_waits(referral, request.user),
        "guests": referrals.guests_of(referral) if holds_chat else [],
        "review_form": ReviewForm(),
        "sent_form": SentForm(),
    }
    return render(request, "handover/detail.html", context)


def _invite_waits(referral, user):
    """Why the drafter cannot invite the partner's professional yet, when the only thing
    missing is a supervisor's approval (referrals.AwaitingReview); else None."""
    refusal = referrals.refusal_of(referral, "invite", user)
    return refusal.message if isinstance(refusal, referrals.AwaitingReview) else None


def _invite(request, referral):
    invitation, token = referrals.invite_partner(referral, request.user)
    link = request.build_absolute_uri(reverse("chat-guest-join", args=[token]))
    # Rendered, not redirected: the link is shown once and kept nowhere.
    context = {"referral": referral, "invitation": invitation, "link": link}
    return render(request, "handover/invited.html", context)


# The steps staff take from the referral's page (the URL's slug, in Dutch, to the verb): a
# fixed table, never a name from the URL. What each page offers is referrals.allowed_steps.
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
    "uitnodigen": _invite,
}


@require_POST
@staff_required
def referral_step(request, referral_id, step):
    referral = referrals.get_for_staff(request.user, referral_id)
    action = STAFF_STEPS.get(step)
    if action is None:
        raise NotAllowed
    # A step the rules refuse for this referral's state says why on its page; a step this
    # person may never take (NotAllowed) is a plain 403.
    try:
        response = action(request, referral)
    except referrals.ReferralError as error:
        messages.error(request, error.message)
        return redirect(_after_step(request, referral))
    if step == "uitnodigen":
        return response  # the link, shown once
    if step == "aanpassen":
        return redirect("referral-edit", referral_id=referral.pk)
    return redirect(_after_step(request, referral))


def _after_step(request, referral):
    page = reverse("referral", args=[referral.pk])
    return page + "?part=side" if request.GET.get("part") == "side" else page


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
    referrals.check_step(referral, "print", request.user)
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


@require_safe
def consent_cards(request, conversation_id):
    """The consent cards of the visitor's conversation, as JSON for the chat page."""
    conversation = conversations.get_conversation_for(
        request.user, conversation_id, request.session
    )
    if not cards.is_visitor(request, conversation):
        raise NotAllowed
    return JsonResponse({"cards": cards.visitor_cards(request, conversation)})


@require_POST
def consent_decision(request, referral_id):
    """Yes, no, or "take my yes back", from the card in the chat: by fetch with CSRF (JSON
    back), or as an ordinary form without JavaScript (back to the chat, at the card)."""
    referral = referrals.get_for_client(request.user, request.session, referral_id)
    decision = request.POST.get("decision")
    shown = request.POST.get("digest", "")
    contact = ContactForm(request.POST)
    # The card's forms say back=chat when they post without JavaScript; fetch wants JSON.
    wants_json = request.POST.get("back") != "chat"
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
        elif wants_json:
            return JsonResponse({"error": "invalid"}, status=400)
        else:
            return _back_to_card(request, referral, "invalid")
    except referrals.ReferralError as error:
        if not wants_json:
            return _back_to_card(request, referral, error.code, decision)
        return JsonResponse({"error": error.code}, status=409)
    if not wants_json:
        return _back_to_card(request, referral)
    referral.refresh_from_db()
    return JsonResponse(cards.client_view(request, referral))


def _back_to_card(request, referral, error=None, decision=None):
    """Without JavaScript: back to the chat page, at the card, which shows the refusal."""
    cards.remember_error(request.session, referral, error, decision)
    return redirect(reverse("chat") + f"#card-{referral.pk}")


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
    if not referral.is_shown_to_client:
        raise NotAllowed
    context = {**_printable(referral), "card": referrals.card_of(referral), "for_client": True}
    return render(request, "handover/client_referral.html", context)

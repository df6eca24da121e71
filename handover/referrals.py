"""Referrals: the warm handover, one verb per step (docs/handover.md).

The states and steps are one table (handover/models.py TRANSITIONS); who may take which
step now is `allowed_steps`, which pages and the consent card only read. Every verb
refuses through the same check (under a row lock, so two clicks or two people never both
move it), writes the audit log in the same transaction, and tells the client's chat only
after commit.

With consent:    draft → consent_asked → (declined | in_review) → approved → sent
                 → acknowledged → closed; returned → draft or in_review again.
Without consent: draft → in_review (with a written justification along the meldcode
                 steps) → approved by someone else → sent → ...
"""

import datetime
import functools
import hashlib
import json

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as noop

from audit import entries
from audit.entries import Action
from chat import conversations, events, guests
from chat.models import Conversation, Message
from common.refusals import NotAllowed, Refused
from handover.models import (
    CONSENTED_STATES,
    FINAL_STATES,
    INVITE_STATES,
    PRINTABLE_STATES,
    TRANSITIONS,
    Referral,
    ReferralInvitation,
)
from partners.models import Partner

State = Referral.State
Shared = Referral.Shared
Route = Referral.ContactRoute

IDENTIFYING = {Shared.NAME, Shared.CONTACT}
ROUTES_NEEDING_CONTACT = {Route.PARTNER_CALLS, Route.PARTNER_WRITES}

# The meldcode's five steps (domain brief §5.1): a referral without consent needs an
# answer to each before a supervisor can see it.
MELDCODE_STEPS = [
    ("signals", "1. Welke signalen heb je gezien en vastgelegd?"),
    ("consulted", "2. Met wie heb je overlegd (collega, Veilig Thuis)?"),
    ("conversation", "3. Heb je met de cliënt gesproken? Zo niet: waarom niet?"),
    ("weighing", "4. Weging: waarom is er acute of structurele onveiligheid?"),
    ("decision", "5. Besluit: waarom zonder toestemming, en wat deel je precies?"),
]

# The states and the steps between them are one table, handover/models.py TRANSITIONS
# (docs/handover.md); who may take which step now is allowed_steps below.

# Steps that leave the state as it is: change the draft, invite a partner's professional
# into the chat, print the referral for the partner. With TRANSITIONS, every step a page
# can offer.
IN_PLACE = {
    "edit": frozenset({State.DRAFT}),
    "invite": INVITE_STATES,
    "print": PRINTABLE_STATES,
}
STEPS = frozenset(TRANSITIONS) | frozenset(IN_PLACE)


class ReferralError(Refused):
    """A step that the rules refuse; the message says why, for staff. A view shows it
    where the step was offered; the consent card reads `code`."""

    code = "refused"
    default_message = gettext_lazy("Dat kan nu niet.")


class WrongState(ReferralError):
    """This step is not possible in the referral's current state (or its chat's)."""

    code = "wrong_state"


class AwaitingReview(WrongState):
    """A partner's professional joins the chat only once a supervisor approved: the card
    promised the client that a second person checks first."""

    code = "awaiting_review"


class IdentifyingDataForAnonymous(ReferralError):
    """An anonymous visitor cannot be referred with data that identifies them."""

    code = "anonymous"


class JustificationMissing(ReferralError):
    """The meldcode path needs every step answered, the kind of unsafety, and whether the
    client was told (and why not)."""

    code = "justification_missing"


class FourEyes(ReferralError):
    """The person who drafted a referral can never also review it."""

    code = "four_eyes"


class CommentsRequired(ReferralError):
    """Returning a referral needs a comment saying what to change."""

    code = "comments_required"


class CardChanged(ReferralError):
    """The client answered a consent card that is no longer the current one."""

    code = "card_changed"


class ContactDetailsMissing(ReferralError):
    """The partner is to call or write, but the client gave no way to reach them."""

    code = "contact_missing"


class InvalidDraft(ReferralError):
    """The draft contradicts itself (a contact route without contact details to share)."""

    code = "invalid_draft"


class MethodMissing(ReferralError):
    """Marking a referral sent needs how it went (Referral.SendMethod)."""

    code = "method_missing"


# --- Who may ---------------------------------------------------------------------------------


def _is_reviewer(user):
    return user.is_authenticated and user.is_supervisor


def _require_holder(conversation, user):
    """Counsellors draft only for conversations they hold (or held, when it ended)."""
    if not user.is_authenticated or not user.is_staff_member:
        raise NotAllowed
    if conversation is None or conversation.counsellor_id != user.pk:
        raise NotAllowed


def conversation_to_draft_for(user, conversation_id):
    """The conversation a counsellor may draft a referral for: one they hold, or held when
    it ended, its closing form included. Not chat's get_conversation_for, which ends a
    counsellor's part at the closing form: drafting shows nothing of what was said."""
    try:
        conversation = Conversation.objects.get(pk=conversation_id)
    except (Conversation.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    _require_holder(conversation, user)
    return conversation


def is_client_of(referral, user, session):
    """The client the referral is about: their account, or this anonymous browser session
    while it takes part in the conversation (chat.conversations.role_in)."""
    if user.is_authenticated and user.is_client and referral.client_id == user.pk:
        return True
    if referral.conversation is None:
        return False
    role = conversations.role_in(referral.conversation, user, session)
    return role == Message.Sender.VISITOR


# Who takes each step. The client's steps exist only on the path with consent.
DRAFTER, CLIENT, REVIEWER, DRAFTER_OR_REVIEWER = "drafter", "client", "reviewer", "handler"
WHO = {
    "edit": DRAFTER,
    "ask_consent": DRAFTER,
    "submit": DRAFTER,
    "revise": DRAFTER,
    "resubmit": DRAFTER,
    "invite": DRAFTER,
    "accept": CLIENT,
    "decline": CLIENT,
    "withdraw": CLIENT,
    "approve": REVIEWER,
    "return": REVIEWER,
    "mark_sent": DRAFTER_OR_REVIEWER,
    "acknowledge": DRAFTER_OR_REVIEWER,
    "close": DRAFTER_OR_REVIEWER,
    "cancel": DRAFTER_OR_REVIEWER,
    "print": DRAFTER_OR_REVIEWER,
}


class _Actor:
    """What the rules ask about the person, worked out once for all steps."""

    def __init__(self, referral, user, session):
        self.is_drafter = user.is_authenticated and referral.drafted_by_id == user.pk
        self.is_reviewer = _is_reviewer(user)
        # Asked only for the client's steps: for a visitor's session it reads the database.
        self._client = lambda: (
            not referral.without_consent and is_client_of(referral, user, session)
        )
        conversation = referral.conversation
        self.holds_chat = (
            user.is_authenticated
            and user.is_staff_member
            and conversation is not None
            and conversation.counsellor_id == user.pk
        )

    @functools.cached_property
    def is_client(self):
        return self._client()

    def may(self, who):
        if who == DRAFTER:
            return self.is_drafter
        if who == REVIEWER:
            return self.is_reviewer
        if who == DRAFTER_OR_REVIEWER:
            return self.is_drafter or self.is_reviewer
        return self.is_client


def _refusal(referral, step, actor):
    """Why this actor may not take `step` on `referral` now (the Refused to raise), or
    None if they may. allowed_steps and every verb ask this one function, so what a page
    offers and what a verb accepts cannot drift apart. What the step's input must be (a
    comment, the card's digest, a complete justification) each verb checks after it."""
    if not actor.may(WHO[step]):
        return NotAllowed()
    sources = TRANSITIONS[step][0] if step in TRANSITIONS else IN_PLACE[step]
    if referral.state not in sources:
        if step == "edit":
            return WrongState(_("Alleen een concept kun je wijzigen."))
        if step == "invite":
            if referral.state == State.IN_REVIEW and _invite_otherwise_possible(referral, actor):
                return AwaitingReview(
                    _(
                        "Uitnodigen kan zodra een supervisor de verwijzing heeft goedgekeurd. "
                        "De supervisors zien op hun overzicht dat hij wacht."
                    )
                )
            return _no_invitation()
        return WrongState(
            _("Dat kan niet meer: de verwijzing is nu %(state)s.")
            % {"state": referral.get_state_display()}
        )
    if WHO[step] == REVIEWER and actor.is_drafter:
        return FourEyes(_("Je kunt je eigen verwijzing niet beoordelen."))
    if step == "ask_consent":
        if referral.without_consent:
            return WrongState(_("Zonder toestemming: bied de verwijzing ter beoordeling aan."))
        if not actor.holds_chat:
            return NotAllowed()
        if not referral.conversation.is_open:
            return WrongState(_("Het gesprek is afgelopen: toestemming vraag je in de chat."))
    if step == "submit" and not referral.without_consent:
        return WrongState(_("Vraag eerst toestemming aan de cliënt."))
    if step == "invite":
        if not actor.holds_chat:
            return NotAllowed()
        if not _invite_otherwise_possible(referral, actor):
            return _no_invitation()
    return None


def _invite_otherwise_possible(referral, actor):
    # Consent to a three-way chat, and the drafter holds that chat while it is open.
    return (
        actor.holds_chat
        and not referral.without_consent
        and referral.contact_route == Route.IN_CHAT
        and referral.conversation.is_open
    )


def _no_invitation():
    return WrongState(
        _("Een professional uitnodigen kan alleen met toestemming voor een gesprek in de chat.")
    )


def allowed_steps(referral, user, session=None):
    """The steps `user` may take on `referral` now: the one answer that pages, the consent
    card's JSON and the verbs all read (a frozenset of names from STEPS; a template asks
    `{% if "approve" in steps %}`). `session` is the browser session of an anonymous
    visitor, whose steps are the client's."""
    actor = _Actor(referral, user, session)
    return frozenset(step for step in STEPS if _refusal(referral, step, actor) is None)


def refusal_of(referral, step, user, session=None):
    """Why `user` may not take `step` now (a Refused, not raised), or None: for a page that
    says why a step is not offered yet, in the rule's own words."""
    return _refusal(referral, step, _Actor(referral, user, session))


def check_step(referral, step, user, session=None):
    """Raise why `user` may not take `step` now (NotAllowed, WrongState, FourEyes)."""
    refusal = refusal_of(referral, step, user, session)
    if refusal is not None:
        raise refusal


def get_for_staff(user, referral_id):
    """The referral if this staff member may see it; NotAllowed otherwise."""
    try:
        return Referral.objects.select_related("partner", "conversation").get(
            pk=referral_id, **({} if _is_reviewer(user) else {"drafted_by": user})
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None


def get_for_client(user, session, referral_id):
    try:
        referral = Referral.objects.select_related("partner", "conversation").get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if referral.without_consent or not is_client_of(referral, user, session):
        raise NotAllowed
    return referral


# --- Moving between states ---------------------------------------------------------------


def _take(referral, step, user, session=None):
    """The referral's row, locked for this transaction, once `user` may take `step` from
    the state it is in now: two clicks or two people never both move it."""
    locked = Referral.objects.select_related("partner", "conversation").select_for_update(
        of=("self",)
    )
    locked = locked.get(pk=referral.pk)
    check_step(locked, step, user, session)
    return locked


def _move(locked, verb, actor, action, detail=""):
    """Move a locked referral along TRANSITIONS[verb], with its audit entry; the one place
    a referral's state changes."""
    sources, target = TRANSITIONS[verb]
    if locked.state not in sources:
        raise WrongState
    if locked.state in CONSENTED_STATES and target not in CONSENTED_STATES:
        _end_guests(locked, actor)
    locked.state = target
    if target in FINAL_STATES:
        locked.finished_at = timezone.now()
    locked.save()
    entries.record(
        actor,
        action,
        conversation=locked.conversation_id,
        referral=locked,
        detail=f"state={target}" + (f" {detail}" if detail else ""),
    )
    _tell_client(locked)
    if target == State.IN_REVIEW:
        events.review_requested_on_commit()
    return locked


def _tell_client(referral):
    """The client's chat re-reads its consent cards (static/js/referral-card.js)."""
    if referral.conversation_id is None or referral.without_consent:
        return
    events.send_on_commit(
        events.Audience.visitor(referral.conversation),
        {"type": "referral", "referral": str(referral.pk), "state": referral.state},
    )


# --- Drafting --------------------------------------------------------------------------------


def _check_content(*, client, partner, shared, contact_route, without_consent):
    if not partner.accepts_referrals:
        raise InvalidDraft(_("Naar deze partner kun je niet verwijzen."))
    shared = [code for code in Shared.values if code in set(shared) | {Shared.SUMMARY}]
    identifying = IDENTIFYING & set(shared) or contact_route in ROUTES_NEEDING_CONTACT
    if client is None and identifying:
        # An anonymous visitor: no data that could find them (domain brief §5.3, G1).
        raise IdentifyingDataForAnonymous(
            _(
                "Deze bezoeker chat anoniem: deel geen naam of contactgegevens. Bied een "
                "account aan, of geef de eigen contactroute van de partner."
            )
        )
    if not without_consent:
        if contact_route not in Route.values:
            raise InvalidDraft(_("Kies hoe de partner contact opneemt."))
        if contact_route in ROUTES_NEEDING_CONTACT and Shared.CONTACT not in shared:
            raise InvalidDraft(
                _("Als de partner belt of mailt, moet het contactgegeven gedeeld worden.")
            )
    return shared


def draft(
    conversation,
    counsellor,
    *,
    partner,
    purpose,
    summary,
    shared,
    contact_route="",
    without_consent=False,
    concern="",
    children_involved=False,
    justification=None,
    client_informed=None,
    not_informed_reason="",
):
    """A counsellor starts a referral for a conversation they hold. Nothing leaves yet."""
    _require_holder(conversation, counsellor)
    client = conversation.client
    shared = _check_content(
        client=client,
        partner=partner,
        shared=shared,
        contact_route=contact_route,
        without_consent=without_consent,
    )
    with transaction.atomic():
        referral = Referral.objects.create(
            conversation=conversation,
            client=client,
            partner=partner,
            purpose=purpose,
            without_consent=without_consent,
            drafted_by=counsellor,
            summary=summary.strip(),
            shared=shared,
            contact_route="" if without_consent else contact_route,
            concern=concern if without_consent else "",
            children_involved=children_involved,
            justification=json.dumps(justification or {}) if without_consent else "",
            client_informed=client_informed if without_consent else None,
            not_informed_reason=not_informed_reason if without_consent else "",
        )
        entries.record(
            counsellor,
            Action.REFERRAL_DRAFTED,
            conversation=conversation,
            referral=referral,
            detail=f"partner={partner.slug}{' without_consent' if without_consent else ''}",
        )
    return referral


EDITABLE = [
    "partner",
    "purpose",
    "summary",
    "shared",
    "contact_route",
    "concern",
    "children_involved",
    "justification",
    "client_informed",
    "not_informed_reason",
]


def edit(referral, counsellor, **changes):
    """Change a draft; only its author, only while it is a draft."""
    with transaction.atomic():
        locked = _take(referral, "edit", counsellor)
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise TypeError(f"cannot edit {sorted(unknown)}")
        if "justification" in changes:
            changes["justification"] = json.dumps(changes["justification"] or {})
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.shared = _check_content(
            client=locked.client,
            partner=locked.partner,
            shared=locked.shared,
            contact_route=locked.contact_route,
            without_consent=locked.without_consent,
        )
        locked.save()
        entries.record(
            counsellor,
            Action.REFERRAL_CHANGED,
            conversation=locked.conversation_id,
            referral=locked,
            detail="fields=" + ",".join(sorted(changes))[:180],
        )
    return locked


def justification_of(referral):
    try:
        answers = json.loads(referral.justification or "{}")
    except ValueError:
        answers = {}
    return [(key, label, answers.get(key, "")) for key, label in MELDCODE_STEPS]


def _check_justification(referral):
    missing = [label for _key, label, answer in justification_of(referral) if not answer.strip()]
    if missing or referral.concern not in Referral.Concern.values:
        raise JustificationMissing(
            _("Zonder toestemming: vul elke stap van de meldcode in en kies de soort onveiligheid.")
        )
    if referral.client_informed is None:
        raise JustificationMissing(_("Zeg of de cliënt het weet."))
    if referral.client_informed is False and not referral.not_informed_reason.strip():
        raise JustificationMissing(_("Zeg waarom de cliënt het niet weet."))


# --- Consent ---------------------------------------------------------------------------------

# How the contact goes, in the client's words on the card.
ROUTE_SENTENCES = {
    Route.PARTNER_CALLS: noop("%(partner)s belt je op het nummer dat jij hieronder geeft."),
    Route.PARTNER_WRITES: noop("%(partner)s mailt je op het adres dat jij hieronder geeft."),
    Route.CLIENT_CONTACTS: noop("Jij neemt zelf contact op met %(partner)s, als het jou uitkomt."),
    # The promise the product keeps: no one joins before a second person checked.
    Route.IN_CHAT: noop(
        "Eerst kijkt een tweede hulpverlener van Hulppunt Onder Controle ernaar. Pas daarna "
        "komt iemand van %(partner)s erbij in deze chat. Je ziet wanneer."
    ),
}


def _card(referral):
    """The consent card as the client will read it: who gets what, and why."""
    partner = referral.partner
    route = referral.contact_route
    card = {
        "partner": partner.name,
        "partner_does": partner.summary,
        "purpose": capfirst(str(Referral.Purpose(referral.purpose).label)),
        "summary": referral.summary,
        "shares": referral.shared_labels(),
        "contact": _(ROUTE_SENTENCES[route]) % {"partner": partner.name} if route else "",
        "asks_contact": route in ROUTES_NEEDING_CONTACT,
        "asks_name": route in ROUTES_NEEDING_CONTACT and Shared.NAME in referral.shared,
        "anonymous": referral.client_id is None,
        "own_route": partner.phone or partner.website or partner.chat,
        "asked_at": timezone.now().isoformat(timespec="seconds"),
    }
    return json.dumps(card, ensure_ascii=False, sort_keys=True)


def card_of(referral):
    """The card shown (a dict), with `digest` so an answer is tied to exactly this text."""
    card = json.loads(referral.consent_snapshot or "{}")
    card["digest"] = digest(referral.consent_snapshot)
    card["id"] = str(referral.pk)
    card["state"] = referral.state
    return card


def digest(snapshot):
    return hashlib.sha256((snapshot or "").encode()).hexdigest()


def ask_consent(referral, counsellor):
    """Show the consent card in the client's chat. The text is frozen as it is shown."""
    with transaction.atomic():
        locked = _take(referral, "ask_consent", counsellor)
        locked.consent_snapshot = _card(locked)
        locked.consent_at = None
        return _move(locked, "ask_consent", counsellor, Action.REFERRAL_CONSENT_ASKED)


def _contact_json(contact):
    contact = {k: (contact or {}).get(k, "").strip()[:200] for k in ("name", "contact", "times")}
    return json.dumps(contact, ensure_ascii=False) if any(contact.values()) else ""


def accept(referral, user, session, *, shown_digest, contact=None):
    """The client says yes in the chat: recorded with the time and the card as shown.
    A consented referral then waits for a supervisor."""
    with transaction.atomic():
        locked = _take(referral, "accept", user, session)
        if shown_digest != digest(locked.consent_snapshot):
            raise CardChanged
        given = {k: v for k, v in (contact or {}).items() if v and str(v).strip()}
        if given and locked.client_id is None:
            raise IdentifyingDataForAnonymous
        needs_contact = locked.contact_route in ROUTES_NEEDING_CONTACT
        if needs_contact and not given.get("contact"):
            raise ContactDetailsMissing
        # Only what the card asked for is kept.
        asked = {"contact", "times"} if needs_contact else set()
        if needs_contact and Shared.NAME in locked.shared:
            asked.add("name")
        details = _contact_json({k: v for k, v in given.items() if k in asked})
        locked.contact_details = details
        locked.consent_at = timezone.now()
        return _move(locked, "accept", _client_actor(user), Action.REFERRAL_CONSENT_GIVEN)


def decline(referral, user, session, *, shown_digest):
    """The client says no: nothing is shared, and the chat goes on."""
    with transaction.atomic():
        locked = _take(referral, "decline", user, session)
        if shown_digest != digest(locked.consent_snapshot):
            raise CardChanged
        locked.consent_at = timezone.now()
        return _move(locked, "decline", _client_actor(user), Action.REFERRAL_CONSENT_DECLINED)


def withdraw(referral, user, session):
    """The client takes their consent back; possible until the referral is sent. The
    contact details they gave go at once."""
    with transaction.atomic():
        locked = _take(referral, "withdraw", user, session)
        locked.contact_details = ""
        return _move(locked, "withdraw", _client_actor(user), Action.REFERRAL_CONSENT_WITHDRAWN)


def _client_actor(user):
    # An anonymous visitor is logged as nobody; an account by its pseudonymous id.
    return user if user.is_authenticated else None


# --- Review and after ------------------------------------------------------------------------


def submit(referral, counsellor):
    """The meldcode path: a referral without consent goes to a supervisor only with a
    written justification along the meldcode steps."""
    with transaction.atomic():
        locked = _take(referral, "submit", counsellor)
        _check_justification(locked)
        return _move(locked, "submit", counsellor, Action.REFERRAL_SUBMITTED, "without_consent")


def _review(referral, supervisor, verb, action, comments):
    with transaction.atomic():
        locked = _take(referral, verb, supervisor)
        if verb == "return" and not comments.strip():
            raise CommentsRequired(_("Schrijf erbij wat er anders moet."))
        if locked.without_consent and verb == "approve":
            _check_justification(locked)
        locked.reviewed_by = supervisor
        locked.reviewed_at = timezone.now()
        locked.review_comments = comments.strip()
        return _move(locked, verb, supervisor, action)


def approve(referral, supervisor, comments=""):
    """Four eyes: a supervisor who did not draft it lets the referral go."""
    return _review(referral, supervisor, "approve", Action.REFERRAL_APPROVED, comments)


def return_for_changes(referral, supervisor, comments):
    return _review(referral, supervisor, "return", Action.REFERRAL_RETURNED, comments)


def revise(referral, counsellor):
    """Back to a draft after a return. Anything the client agreed to must be asked again."""
    with transaction.atomic():
        locked = _take(referral, "revise", counsellor)
        locked.consent_snapshot = ""
        locked.consent_at = None
        locked.contact_details = ""
        return _move(locked, "revise", counsellor, Action.REFERRAL_CHANGED, "revise")


def resubmit(referral, counsellor):
    """Offer a returned referral again unchanged (the comment needed no change to it)."""
    with transaction.atomic():
        locked = _take(referral, "resubmit", counsellor)
        if locked.without_consent:
            _check_justification(locked)
        return _move(locked, "resubmit", counsellor, Action.REFERRAL_SUBMITTED, "resubmit")


def mark_sent(referral, user, method):
    """The handover has happened: by phone, secure mail, in person or in the chat."""
    with transaction.atomic():
        locked = _take(referral, "mark_sent", user)
        if method not in Referral.SendMethod.values:
            raise MethodMissing(_("Kies hoe de verwijzing is verstuurd."))
        locked.sent_by = user
        locked.sent_at = timezone.now()
        locked.sent_method = method
        return _move(locked, "mark_sent", user, Action.REFERRAL_SENT, f"method={method}")


def acknowledge(referral, user):
    with transaction.atomic():
        locked = _take(referral, "acknowledge", user)
        locked.acknowledged_at = timezone.now()
        return _move(locked, "acknowledge", user, Action.REFERRAL_ACKNOWLEDGED)


def close(referral, user):
    with transaction.atomic():
        locked = _take(referral, "close", user)
        return _move(locked, "close", user, Action.REFERRAL_CLOSED)


def cancel(referral, user):
    """Staff stop a referral before it is sent; a consent card still open disappears."""
    with transaction.atomic():
        locked = _take(referral, "cancel", user)
        locked.contact_details = ""
        return _move(locked, "cancel", user, Action.REFERRAL_CANCELLED)


def note_viewed(referral, user, printed=False):
    entries.record(
        user,
        Action.REFERRAL_PRINTED if printed else Action.REFERRAL_VIEWED,
        conversation=referral.conversation_id,
        referral=referral,
    )


# --- The three-way handover ----------------------------------------------------------------


def invite_partner(referral, counsellor):
    """With the client's consent, a single-use link for the partner's professional to join
    the live chat (chat/guests.py). Returns (invitation, token); show the token once.

    The state is read again under the referral's lock, and the link is tied to the
    referral in the same transaction: a withdrawal waits for this step and then ends the
    new link too, or this step waits for the withdrawal and refuses."""
    with transaction.atomic():
        locked = _take(referral, "invite", counsellor)
        invitation, token = guests.invite(
            locked.conversation, locked.partner.name, counsellor, referral_id=locked.pk
        )
        ReferralInvitation.objects.create(referral=locked, invitation=invitation)
    return invitation, token


def guests_of(referral):
    """The invitations made for this referral, for its page."""
    return guests.invitations_of(referral.conversation).filter(
        pk__in=referral.invitations.values("invitation_id")
    )


def _end_guests(referral, actor):
    """The referral leaves the consented states: whoever joined on its consent leaves the
    chat now, and its links not yet used stop working (chat/guests.py revoke). Inside the
    step's transaction, under the referral's lock."""
    guests.revoke(referral.invitations.values_list("invitation_id", flat=True), actor)


def follow_into_account(conversation, client):
    """The anonymous visitor kept this (ended) conversation in a new account
    (chat.saving.keep): its referrals are the client's now, inside that transaction. What
    they agreed to stays as the card showed it (anonymous, nothing identifying shared);
    from now on the account's list shows each one, and the client's steps (taking a yes
    back) are theirs in the account. Meldcode referrals move too, so a referral's client
    is always its conversation's, but stay out of the client's view (of_client)."""
    Referral.objects.filter(conversation=conversation, client__isnull=True).update(client=client)


def forget_client(client):
    """The client deleted their account: what they gave goes now. A referral not yet sent
    counts as withdrawn (or declined, if they never answered), by the client's own steps
    but logged as nobody's; the record itself stays for its retention period, without a
    link to anyone."""
    with transaction.atomic():
        for referral in (
            Referral.objects.select_related("partner", "conversation")
            .select_for_update(of=("self",))
            .filter(client=client)
        ):
            referral.contact_details = ""
            steps = allowed_steps(referral, client)
            if "decline" in steps:
                _move(
                    referral, "decline", None, Action.REFERRAL_CONSENT_DECLINED, "account_deleted"
                )
            elif "withdraw" in steps:
                _move(
                    referral, "withdraw", None, Action.REFERRAL_CONSENT_WITHDRAWN, "account_deleted"
                )
            else:
                referral.save()


# --- Lists and retention -------------------------------------------------------------------


def partners_for_referral():
    return Partner.objects.filter(accepts_referrals=True).order_by("name")


def purge_expired(now=None):
    """Hard-delete referrals REFERRAL_RETENTION_DAYS after they finished, and unfinished
    ones that long after their last change. The audit log keeps who did what, no content."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REFERRAL_RETENTION_DAYS)
    expired = Referral.objects.filter(
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, updated_at__lt=cutoff)
    )
    return expired.delete()[0]
